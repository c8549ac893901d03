// The callback list: calls abandoned in a queue, and callers who asked to be
// called back ("press 1", or a queue overflowing to callback). An entry goes
// when the same number gets through to an agent later, or when an agent
// called back (`done`). Every change is a queue-log event, so the list of a
// running engine is rebuilt from the durable log after a restart
// (`fromLog`): a list kept in memory only would lose every abandoned caller
// with the engine.
import type { CallbackEntry, QueueEvent } from './types.ts';

export class CallbackList {
  readonly #entries: CallbackEntry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  add(e: CallbackEntry): void {
    this.#entries.push(e);
  }

  find(callId: string): CallbackEntry | undefined {
    return this.#entries.find((x) => x.callId === callId);
  }

  /** Removes the entries `match` selects; how many went. */
  drop(match: (e: CallbackEntry) => boolean): number {
    let n = 0;
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (match(this.#entries[i])) {
        this.#entries.splice(i, 1);
        n++;
      }
    }
    return n;
  }

  list(): CallbackEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  /**
   * Replays queue-log events (oldest first) into the list as the ACD built it:
   * abandons and callback overflows add, a connect of the same caller number
   * and `callback` events (done, number) change it. `since`: older entries
   * are no longer worth a callback (epoch ms; default all).
   */
  static fromLog(events: Iterable<QueueEvent>, since = -Infinity): CallbackList {
    const l = new CallbackList();
    const numbers = new Map<string, string>();
    for (const ev of events) {
      if (ev.type === 'enter' && ev.callerNumber) numbers.set(ev.callId, ev.callerNumber);
      else if (ev.type === 'abandon' && ev.at >= since) l.add({ callId: ev.callId, queue: ev.queue, ...(ev.callerNumber ? { callerNumber: ev.callerNumber } : {}), at: ev.at, waitMs: ev.waitMs, reason: 'abandoned' });
      else if (ev.type === 'overflow' && ev.target === 'callback' && ev.at >= since) {
        const caller = numbers.get(ev.callId);
        l.add({ callId: ev.callId, queue: ev.queue, ...(caller ? { callerNumber: caller } : {}), at: ev.at, waitMs: ev.waitMs, reason: 'requested' });
      } else if (ev.type === 'connect') {
        const caller = numbers.get(ev.callId);
        if (caller && l.size) l.drop((e) => e.callerNumber === caller);
      } else if (ev.type === 'callback') {
        if (ev.done) l.drop((e) => e.callId === ev.callId);
        else if (ev.number) {
          const e = l.find(ev.callId);
          if (e) e.number = ev.number;
        }
      }
      if (ev.type === 'abandon' || ev.type === 'overflow' || ev.type === 'connect') numbers.delete(ev.callId);
    }
    return l;
  }
}
