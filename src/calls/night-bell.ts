// Night service (夜铃): outside office hours a caller who asks for a person
// goes to the IVR's night flow (the flow's `hours` node, closedNext), and
// meanwhile a configured station rings — the night bell of the duty room, as
// on a PBX's night service. Whoever answers it is connected to the caller at
// once: the night flow stops (a message already recorded still becomes a
// case, as after a hang-up) and the two talk until one hangs up. If nobody
// answers before the flow ends or the caller hangs up, the bell stops.
//
// One bell rings for one caller at a time: a second night call while it
// rings or is answered runs the night flow alone (logged).
import type { Channel } from '../board/types.ts';
import { Leg } from './legs.ts';
import type { Logger } from './log.ts';

/** What the bell needs of a call (call.ts implements it). */
export interface NightCaller {
  readonly id: string;
  readonly callerNumber?: string;
  readonly signal: AbortSignal;
  at(): number;
  /** The bell was answered: the call stops its night flow and bridges `leg`. */
  nightAnswered(leg: Leg): void;
}

export interface NightBellOptions {
  port: Channel;
  logger: Logger;
  /** Ring at most this long (ms of board time, default 60 s; the night flow usually ends first). */
  ringMs?: number;
}

const DEFAULT_RING_MS = 60_000;

export class NightBell {
  readonly port: Channel;
  readonly #o: NightBellOptions;
  #busy: string | null = null;

  constructor(o: NightBellOptions) {
    this.port = o.port;
    this.#o = o;
  }

  /** The call the bell rings for or is connected to, if any. */
  get busyWith(): string | null {
    return this.#busy;
  }

  /** Rings the bell for `call`; `cancel()` stops the ringing (the flow ended first). */
  ring(call: NightCaller): { cancel(): void } {
    const port = this.port;
    if (this.#busy !== null || port.state !== 'idle') {
      this.#o.logger.info({ event: 'night_bell_busy', station: port.name }, `call ${call.id}: the night bell ${port.name} is busy (${this.#busy ?? port.state}); the night flow runs alone`);
      return { cancel: () => undefined };
    }
    this.#busy = call.id;
    const ring = new AbortController();
    const stop = () => ring.abort();
    call.signal.addEventListener('abort', stop, { once: true });
    this.#o.logger.info({ event: 'night_bell', station: port.name }, `call ${call.id}: night bell ${port.name} rings`);
    const free = () => {
      call.signal.removeEventListener('abort', stop);
      if (this.#busy === call.id) this.#busy = null;
    };
    port.call({ signal: ring.signal, timeoutMs: this.#o.ringMs ?? DEFAULT_RING_MS, ...(call.callerNumber ? { callerNumber: call.callerNumber } : {}) }).then(
      (r) => {
        if (r.reason !== 'done' || ring.signal.aborted || call.signal.aborted) {
          // Not answered, or answered a moment after the caller left: nothing to connect.
          if (r.reason === 'done') void port.playTone('busy', { durationMs: 1500 }).catch(() => undefined);
          return free();
        }
        call.signal.removeEventListener('abort', stop);
        const leg = new Leg('night-bell', port, call.at());
        // Free again once the station hangs up.
        const sub = port.events$.subscribe((e) => {
          if (e.type !== 'hangup' && e.type !== 'idle') return;
          sub.unsubscribe();
          if (this.#busy === call.id) this.#busy = null;
        });
        this.#o.logger.info({ event: 'night_bell_answered', station: port.name }, `call ${call.id}: night bell ${port.name} answered`);
        call.nightAnswered(leg);
      },
      (e) => {
        this.#o.logger.warn({ err: e }, `call ${call.id}: night bell ${port.name} could not ring: ${(e as Error).message}`);
        free();
      },
    );
    return { cancel: stop };
  }
}
