// A view of the board's scheduler that counts the actions scheduled through it
// and not yet run or cancelled, so a test can prove that a call leaves no
// timer behind (STYLE: check that hang-up tears everything down).
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

export class CountingScheduler implements SchedulerLike {
  readonly #inner: SchedulerLike;
  /** Actions scheduled and still pending. */
  live = 0;

  constructor(inner: SchedulerLike) {
    this.#inner = inner;
  }

  now(): number {
    return this.#inner.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    let pending = true;
    const settle = () => {
      if (pending) {
        pending = false;
        this.live--;
      }
    };
    this.live++;
    const sub = this.#inner.schedule<T>(function (this: SchedulerAction<T>, s?: T) {
      // A recursive re-schedule goes to the inner action and is not counted
      // again; the one-shot timers of the call core never re-schedule.
      settle();
      work.call(this, s);
    }, delay, state);
    sub.add(settle);
    return sub;
  }
}
