// The known signal of the power-cut test: a chirp whose frequency tells how
// far into it a sample is, so the test can tell how much of a recording
// survived a crash, and when that audio was on the line.

/** 300 Hz rising 250 Hz a second for 12 s (to 3,300 Hz). */
export const CHIRP = { f0: 300, rate: 250, seconds: 12 };

export function chirp(): Int16Array {
  const t = new Int16Array(8000 * CHIRP.seconds);
  for (let i = 0; i < t.length; i++) {
    const s = i / 8000;
    t[i] = Math.round(6000 * Math.sin(2 * Math.PI * (CHIRP.f0 * s + (CHIRP.rate * s * s) / 2)));
  }
  return t;
}

/**
 * Seconds into the chirp of the last sample of `x` (8 kHz), from the zero
 * crossings of its last 60 ms (the mean frequency of a linear chirp over a
 * window is its frequency at the window's middle); null when the end is not
 * the chirp (silence).
 */
export function chirpAt(x: Int16Array): number | null {
  const n = Math.min(480, x.length);
  if (n < 160) return null;
  const w = x.subarray(x.length - n);
  let energy = 0;
  for (const v of w) energy += v * v;
  if (Math.sqrt(energy / n) < 1000) return null;
  const cross: number[] = [];
  for (let i = 1; i < n; i++) if ((w[i - 1] < 0) !== (w[i] < 0)) cross.push(i - 1 + w[i - 1] / (w[i - 1] - w[i]));
  if (cross.length < 4) return null;
  const first = cross[0];
  const last = cross[cross.length - 1];
  const f = (cross.length - 1) / 2 / ((last - first) / 8000);
  const mid = (first + last) / 2;
  return (f - CHIRP.f0) / CHIRP.rate + (n - 1 - mid) / 8000;
}
