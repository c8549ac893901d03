// 呼叫等待提示: while an agent is on a call, each new call entering one of
// his queues is pushed to his seat (queue, calls waiting, longest wait) and,
// if configured, a short tone sounds in his ear (two 100 ms bursts of 440 Hz
// at -16 dBm0, as the zip tone but softer: audible over speech, not
// mistaken for a ring), mixed into what the agent hears (the caller's voice
// goes on under it); the caller hears nothing of it.
import { Subject, type Subscription } from 'rxjs';
import type { Acd } from '../acd/acd.ts';
import type { AudioBuffer } from '../board/types.ts';
import type { Switchboard } from './switchboard.ts';

export interface CallWaitingEvent {
  type: 'call-waiting';
  agentId: string;
  queue: string;
  waiting: number;
  longestWaitMs: number;
}

export interface CallWaitingOptions {
  switchboard: Switchboard;
  acd: Acd;
  /** Also a short tone in the agent's ear (default false). */
  tone?: boolean;
  /** Agents on a call placed from their phone (outbound.ts) count as busy too. */
  busyElsewhere?: (agentId: string) => boolean;
}

const TONE: AudioBuffer = (() => {
  const d = new Int16Array(2400);
  for (let i = 0; i < d.length; i++) if (i < 800 || i >= 1600) d[i] = Math.round(3500 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return { encoding: 'pcm16', data: d };
})();

export const CALL_WAITING_TONE = TONE;

export class CallWaiting {
  readonly events$ = new Subject<CallWaitingEvent>();
  readonly #o: CallWaitingOptions;
  readonly #sub: Subscription;

  constructor(o: CallWaitingOptions) {
    this.#o = o;
    this.#sub = o.switchboard.entered$.subscribe((e) => this.#entered(e.queue));
  }

  #entered(queue: string): void {
    const { acd, switchboard: sb } = this.#o;
    const cfg = sb.acdConfig.queues.find((q) => q.id === queue);
    if (!cfg) return;
    const st = acd.queue(queue);
    if (st.waiting === 0) return; // offered at once: nobody waits
    for (const m of cfg.members) {
      const on = sb.callOf(m.agent);
      const busy = (on && on.state !== 'offered') || this.#o.busyElsewhere?.(m.agent);
      if (!busy) continue;
      this.events$.next({ type: 'call-waiting', agentId: m.agent, queue, waiting: st.waiting, longestWaitMs: st.longestWaitMs });
      if (this.#o.tone) void sb.station(m.agent)?.play(TONE, { mix: true }).catch(() => undefined);
    }
  }

  close(): void {
    this.#sub.unsubscribe();
    this.events$.complete();
  }
}
