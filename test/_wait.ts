// Waiting in real time for work that runs in real time (file and LMDB I/O,
// encoders, workers, sockets, a realtime board): poll a condition up to a
// real-time deadline, never a fixed number of short sleeps or board steps,
// which a loaded CI machine (2 cores, shared) can outrun.

/** Polls `cond` every `everyMs` until it holds or `ms` have passed; true when it held. */
export async function eventually(cond: () => boolean | Promise<boolean>, ms = 30_000, everyMs = 20): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((res) => setTimeout(res, everyMs));
  }
  return true;
}

/** Polls cond every 50 ms for at most ms; throws what was awaited. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 8_000): Promise<void> {
  if (!(await eventually(cond, ms, 50))) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
