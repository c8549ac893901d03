// An RxJS scheduler on board time. The board's clock (stepped or real-time)
// decides when actions run, so timers in the call core behave the same in both
// modes and a stepped test runs an hour of calls in seconds.
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

interface Entry {
  due: number;
  seq: number;
  action: BoardAction<unknown>;
}

export class BoardAction<T> extends Subscription implements SchedulerAction<T> {
  state?: T;
  entry: Entry | null = null;

  constructor(
    private readonly sched: BoardScheduler,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super();
    this.add(() => this.sched.remove(this as BoardAction<unknown>));
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    // NaN (or a non-number) would sort first and never fall due, freezing
    // every later action and advance(): run it at once, as setTimeout does.
    const d = typeof delay === 'number' && !Number.isNaN(delay) ? Math.max(0, delay) : 0;
    this.sched.insert(this as BoardAction<unknown>, d);
    return this;
  }

  run(): void {
    if (this.closed) return;
    this.work.call(this, this.state);
  }
}

export class BoardScheduler implements SchedulerLike {
  private queue: Entry[] = [];
  private seq = 0;
  /** Called when the earliest due time changes (the real-time driver re-arms its timer). */
  onChange: (() => void) | null = null;

  constructor(private readonly clock: () => number) {}

  now(): number {
    return this.clock();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new BoardAction<T>(this, work).schedule(state, delay);
  }

  insert(action: BoardAction<unknown>, delay: number): void {
    this.remove(action);
    const e: Entry = { due: this.now() + delay, seq: this.seq++, action };
    action.entry = e;
    // Binary insertion keeps (due, seq) order: equal times run in scheduling order.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = this.queue[mid];
      if (q.due < e.due || (q.due === e.due && q.seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
    if (lo === 0) this.onChange?.();
  }

  remove(action: BoardAction<unknown>): void {
    const e = action.entry;
    if (!e) return;
    action.entry = null;
    const i = this.queue.indexOf(e);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Board ms of the earliest pending action, or Infinity. */
  nextDue(): number {
    return this.queue.length ? this.queue[0].due : Infinity;
  }

  /** Runs every action due at or before now(); returns how many ran. */
  runDue(): number {
    let ran = 0;
    const now = this.now();
    // Actions scheduled with delay 0 while running are due now too; bound the loop.
    for (let guard = 0; guard < 100000 && this.queue.length && this.queue[0].due <= now; guard++) {
      const e = this.queue.shift()!;
      e.action.entry = null;
      ran++;
      try {
        e.action.run();
      } catch (err) {
        // An action's error must not stop the clock; report it like an unhandled timer error.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    return ran;
  }

  get size(): number {
    return this.queue.length;
  }
}
