// A timer for any duration. Node keeps a timer's delay in a signed 32-bit
// count of ms: above 2^31-1 ms (~24.8 days) it warns and fires after 1 ms,
// so `hotline start --for 30d` would stop at once. A long delay is chained
// from timers of at most that size, each measured against the same clock.
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TimerApi {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: TimerApi = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface LongTimer {
  clear(): void;
}

/** Calls `fn` once after `ms` milliseconds (any finite length). */
export function setLongTimeout(fn: () => void, ms: number, timers: TimerApi = nodeTimers): LongTimer {
  const due = timers.now() + ms;
  let handle: unknown;
  const arm = () => {
    const left = due - timers.now();
    if (left <= 0) return fn();
    handle = timers.setTimeout(arm, Math.min(Math.ceil(left), MAX_TIMER_MS));
  };
  arm();
  return { clear: () => timers.clearTimeout(handle) };
}
