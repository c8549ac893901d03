// The ACD's only source of time: a clock with one-shot timers. The same core
// runs on virtual time (tests, the Erlang C bench: an event queue that jumps
// from one due time to the next) and on board time (an RxJS scheduler such as
// src/board/scheduler.ts's BoardScheduler), so it never reads Date.now().
import type { SchedulerLike } from 'rxjs';

export interface Timer {
  /** Stops the timer; a no-op once it ran or was cancelled. */
  cancel(): void;
}

export interface AcdClock {
  /** Milliseconds (board ms, or UTC epoch ms on a wall-clock scheduler). */
  now(): number;
  /** Runs `fn` once after `delayMs` ms (≥ 0). */
  setTimer(delayMs: number, fn: () => void): Timer;
}

class VirtualTimer implements Timer {
  fn: (() => void) | null;
  constructor(
    readonly due: number,
    readonly seq: number,
    fn: () => void,
  ) {
    this.fn = fn;
  }
  cancel(): void {
    this.fn = null;
  }
}

/**
 * Virtual time: a binary heap of timers ordered by (due, seq), so equal times
 * run in the order they were set. `runUntil(t)` runs every timer due at or
 * before t, moving now() to each one's due time. Cancelled timers stay in the
 * heap until they surface (cheaper than removal from the middle).
 */
export class VirtualClock implements AcdClock {
  private t: number;
  private seq = 0;
  private heap: VirtualTimer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const d = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const timer = new VirtualTimer(this.t + d, this.seq++, fn);
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(timer, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = timer;
    return timer;
  }

  /** Timers pending (cancelled ones included until they surface). */
  get size(): number {
    return this.heap.length;
  }

  /** Due time of the earliest pending timer, or Infinity. */
  nextDue(): number {
    return this.heap.length ? this.heap[0].due : Infinity;
  }

  /** Runs timers due at or before `until`, then sets now() to `until`; returns how many ran. */
  runUntil(until: number): number {
    let ran = 0;
    const h = this.heap;
    while (h.length && h[0].due <= until) {
      const top = this.pop();
      this.t = top.due;
      const fn = top.fn;
      if (fn) {
        top.fn = null;
        ran++;
        fn();
      }
    }
    if (until > this.t) this.t = until;
    return ran;
  }

  /** Advances by `ms`. */
  advance(ms: number): number {
    return this.runUntil(this.t + ms);
  }

  private pop(): VirtualTimer {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/** An AcdClock on an RxJS scheduler (the board's BoardScheduler on board time). */
export function schedulerClock(s: SchedulerLike): AcdClock {
  return {
    now: () => s.now(),
    setTimer(delayMs, fn) {
      const sub = s.schedule(fn, Math.max(0, delayMs));
      return { cancel: () => sub.unsubscribe() };
    },
  };
}
