// The JavaScript side of one native board: the clock (stepped or real-time),
// the event drain and dispatch, pending requests and the board-time
// scheduler. Board views (board.ts) sit on top; a profile with a network loop
// has two views (engine side and network side) over one Engine.
import { constants as osConstants } from 'node:os';
import { HotlineError } from '../errors.ts';
import { boardError } from './errors.ts';
import { ALARM_BITS, EV, EVENT_BYTES, LINE_KINDS, OP_NAMES, REASONS, TONES, nativeErrorCode, type NativeBoard } from './native.ts';
import { BoardScheduler } from './scheduler.ts';
import type { BoardEvent, DtmfDigit, Operation, R2EventKind, Reason, ToneName } from './types.ts';

export interface DoneInfo {
  op: Operation;
  reason: Reason;
  durationMs: number;
  extra: number;
  text: string;
  time: number;
  /** record/tap: samples dropped (board.h hl_event.c). */
  dropped?: number;
  /** record/tap: files written (more than one after a roll-over). */
  files?: number;
}

interface Pending {
  op: Operation;
  resolve: (d: DoneInfo) => void;
  cleanup?: () => void;
}

/** Receives every event with its native (board-wide) channel and span numbers. */
export type Dispatch = (ev: BoardEvent, nativeChannel: number, nativeSpan: number) => void;
/** Whether anyone listens to events of this native channel (-1: span or board events) and span. */
export type Wants = (nativeChannel: number, nativeSpan: number) => boolean;

// hl_event.text: bytes 40 to 95 (board.h).
const TEXT_END = 96;

export class Engine {
  /** Which driver moves the frames (set by openBoard). */
  driver: 'sim' | 'dahdi' = 'sim';
  /** Sim: the native span cabled to each native span, or -1 (set by openBoard). */
  peers: number[] = [];
  readonly scheduler: BoardScheduler;
  readonly tickMs: number;
  readonly mode: 'stepped' | 'realtime';
  private readonly buf = Buffer.alloc(EVENT_BYTES * 4096);
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;
  private closed = false;
  private advancing = false;
  private timer: NodeJS.Timeout | null = null;
  /** Open audio streams (stream.ts): native channel -> pull of its received frames. */
  readonly streams = new Map<number, () => void>();
  private dispatch: Dispatch = () => {};
  private wants: Wants = () => true;

  constructor(
    readonly native: NativeBoard,
    tickMs: number,
    mode: 'stepped' | 'realtime',
    jsRealtime = false,
  ) {
    this.tickMs = tickMs;
    this.mode = mode;
    this.scheduler = new BoardScheduler(() => this.now());
    if (mode === 'realtime') {
      this.scheduler.onChange = () => this.arm();
      native.start(() => this.onWake(), jsRealtime);
    }
  }

  setDispatch(d: Dispatch, wants?: Wants): void {
    this.dispatch = d;
    this.wants = wants ?? (() => true);
  }

  now(): number {
    return this.closed ? this.closedAt : this.native.nowMs();
  }
  private closedAt = 0;

  isClosed(): boolean {
    return this.closed;
  }

  assertOpen(): void {
    if (this.closed) throw boardError('BOARD_CLOSED');
  }

  /** Runs a native command, turning native errors into HotlineError. */
  call<T>(what: string, fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (e) {
      throw toHotline(e, what);
    }
  }

  /** Registers a request; the returned promise settles with its done event. */
  request(op: Operation, start: (req: number) => void, signal?: AbortSignal, stop?: (req: number) => void): Promise<DoneInfo> {
    this.assertOpen();
    const req = this.nextReq++;
    if (this.nextReq > 0x7fffffff) this.nextReq = 1;
    if (signal?.aborted) return Promise.resolve({ op, reason: 'stopped', durationMs: 0, extra: 0, text: '', time: this.now() });
    return new Promise<DoneInfo>((resolve, reject) => {
      const p: Pending = { op, resolve };
      this.pending.set(req, p);
      try {
        start(req);
      } catch (e) {
        this.pending.delete(req);
        reject(toHotline(e, op));
        return;
      }
      if (signal && stop) {
        const onAbort = () => {
          if (!this.closed && this.pending.has(req)) {
            try {
              stop(req);
            } catch {
              /* the board closed meanwhile: the close settles the request */
            }
          }
        };
        signal.addEventListener('abort', onAbort, { once: true });
        p.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Stepped mode: runs `ms` of board time, delivering events and timers as they fall due. */
  async advance(ms: number): Promise<void> {
    this.assertOpen();
    if (this.mode !== 'stepped') throw boardError('BOARD_MODE', 'advance() runs only in stepped mode; the real-time clock drives this board');
    if (!Number.isFinite(ms) || ms < 0) throw boardError('BOARD_ARG', `advance(ms) needs a finite ms >= 0, got ${ms}`);
    if (this.advancing) throw boardError('BOARD_MODE', 'advance() is already running; await it before calling it again');
    this.advancing = true;
    try {
      const target = this.now() + ms;
      // Settle anything scheduled for "now" before time moves.
      await this.settle();
      while (!this.closed && this.now() < target) {
        const until = Math.min(target, this.scheduler.nextDue());
        const ticks = Math.max(1, Math.ceil((until - this.now()) / this.tickMs));
        this.native.step(ticks, true);
        const n = this.drainAll(false);
        const ran = this.scheduler.runDue();
        if (n > 0 || ran > 0) await this.settle();
      }
    } finally {
      this.advancing = false;
    }
  }

  /** Lets promise continuations and timers of the current instant run (stepped mode). */
  private async settle(): Promise<void> {
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((r) => setImmediate(r));
      const n = this.drainAll(false);
      const ran = this.scheduler.runDue();
      if (n === 0 && ran === 0) break;
    }
  }

  private onWake(): void {
    if (this.closed) return;
    this.drainAll(true);
    this.scheduler.runDue();
    this.arm();
  }

  // Real-time mode: one Node timer for the earliest scheduled action.
  private arm(): void {
    if (this.mode !== 'realtime' || this.closed) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const due = this.scheduler.nextDue();
    if (due === Infinity) return;
    const wait = Math.max(0, due - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.scheduler.runDue();
      this.arm();
    }, wait);
  }

  drainAll(measure: boolean): number {
    // close() may run while advance() awaits between steps: nothing is left to drain then.
    if (this.closed) return 0;
    let total = 0;
    for (;;) {
      const n = this.native.drain(this.buf, measure && total === 0);
      if (n <= 0) break;
      total += n;
      for (let i = 0; i < n; i++) this.decode(i * EVENT_BYTES);
      if (n < this.buf.length / EVENT_BYTES) break;
    }
    return total;
  }

  // Decodes one 64-byte record (board.h hl_event). An event nobody listens to
  // is not turned into an object at all (only a completion settles its
  // request): in a loaded real-time run most events (digits, completions of
  // the caller's own commands) have no subscriber, and their garbage was what
  // made V8 scavenge (5-15 ms pauses on the JS thread, each one a late wake).
  private decode(o: number): void {
    const b = this.buf;
    const type = b.readUInt16LE(o);
    const channel = b.readInt32LE(o + 4);
    const span = b.readInt32LE(o + 8);
    if (type === EV.done) {
      this.decodeDone(o, channel, span);
      return;
    }
    if (type === EV.audio) {
      const pull = this.streams.get(channel);
      if (pull) this.safeRun(pull);
      return;
    }
    if (!this.wants(channel, span)) return;
    const a = b.readInt32LE(o + 20);
    const b2 = b.readInt32LE(o + 24);
    // board time in ms: a uint64 read as two halves (no BigInt per event)
    const time = b.readUInt32LE(o + 32) + b.readUInt32LE(o + 36) * 0x100000000;
    const text = type === EV.ring || type === EV.digit || type === EV.fault || type === EV.r2 ? this.text(o) : '';
    let ev: BoardEvent;
    switch (type) {
      case EV.ring: {
        const [calling, called] = text.split('|');
        ev = {
          type: 'ring', time, channel, span,
          ...(calling ? { callerNumber: calling } : {}), ...(called ? { calledNumber: called } : {}),
          ...(a > 0 ? { category: a } : {}), ...(b2 > 0 ? { callType: b2 } : {}),
        };
        break;
      }
      case EV.answer:
        ev = { type: 'answer', time, channel, span };
        break;
      case EV.hangup:
        ev = { type: 'hangup', time, channel, span, cause: a === 1 ? 'alarm' : 'remote' };
        break;
      case EV.idle:
        ev = { type: 'idle', time, channel, span };
        break;
      case EV.digit:
        ev = { type: 'digit', time, channel, span, digit: text as DtmfDigit, start: time - a };
        break;
      case EV.tone:
        ev = { type: 'tone', time, channel, span, tone: (TONES[a] || 'dial') as ToneName };
        break;
      case EV.cas:
        ev = { type: 'cas', time, channel, span, bits: a };
        break;
      case EV.alarm:
        ev = { type: 'alarm', time, channel: -1, span, alarm: ALARM_BITS[a] ?? 'los', raised: b2 === 1 };
        break;
      case EV.flash:
        ev = { type: 'flash', time, channel, span };
        break;
      case EV.mf:
        ev = { type: 'mf', time, channel, span, code: a, direction: b2 === 1 ? 'backward' : 'forward' };
        break;
      case EV.fault:
        ev = { type: 'fault', time, channel: -1, span, source: span < 0 ? 'clock' : `driver.${text}`, code: faultCode(span, a), count: b2 };
        break;
      case EV.r2:
        ev = { type: 'r2', time, channel, span, what: R2_KINDS[a] ?? 'failed', cause: text };
        break;
      case EV.line:
        ev = { type: 'line', time, channel, span, kind: LINE_KINDS[a] ?? 'hook', value: b2 };
        break;
      case EV.segment:
        // board.h HL_EV_SEGMENT: a = segment number, text[8..15] = sample frames
        ev = { type: 'segment', time, channel, span, requestId: b.readUInt32LE(o + 12), segment: a, startMs: time, durationMs: (b.readUInt32LE(o + 48) + b.readUInt32LE(o + 52) * 0x100000000) / 8 };
        break;
      case EV.overrun:
        ev = { type: 'overrun', time, channel: -1, span: -1, what: a === 1 ? 'events' : 'tick', count: b2 };
        break;
      default:
        return;
    }
    this.safeDispatch(ev, channel, span);
  }

  private text(o: number): string {
    const b = this.buf;
    if (b[o + 40] === 0) return '';
    const end = b.indexOf(0, o + 40);
    return b.toString('latin1', o + 40, end < 0 || end > o + TEXT_END ? o + TEXT_END : end);
  }

  private decodeDone(o: number, channel: number, span: number): void {
    const b = this.buf;
    const req = b.readUInt32LE(o + 12);
    const p = this.pending.get(req);
    const listened = this.wants(channel, span);
    if (!p && !listened) return;
    const op = OP_NAMES[b.readUInt16LE(o + 2)] as Operation;
    const reason = REASONS[b.readInt32LE(o + 16)] ?? 'error';
    // 64-bit duration: low half in a, high half in a_hi (board.h hl_event)
    const a = b.readUInt32LE(o + 20) + b.readUInt32LE(o + 28) * 0x100000000;
    const time = b.readUInt32LE(o + 32) + b.readUInt32LE(o + 36) * 0x100000000;
    if (listened) this.safeDispatch({ type: 'done', time, channel, span, op, requestId: req, reason, durationMs: a }, channel, span);
    if (p) {
      this.pending.delete(req);
      p.cleanup?.();
      const rec = op === 'record' || op === 'tap';
      const text = rec ? (b[o + 40] ? String.fromCharCode(b[o + 40]) : '') : this.text(o);
      const info: DoneInfo = { op, reason, durationMs: a, extra: b.readInt32LE(o + 24), text, time };
      if (rec) {
        // board.h hl_board_drain: text[8..15] samples dropped, text[16..19] files written.
        info.dropped = b.readUInt32LE(o + 48) + b.readUInt32LE(o + 52) * 0x100000000;
        info.files = b.readUInt32LE(o + 56);
      }
      p.resolve(info);
    }
  }

  private safeRun(f: () => void): void {
    try {
      f();
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  // A subscriber's error must not stop the drain (the events after it still go
  // out); it is rethrown outside, as RxJS reports unhandled errors.
  private safeDispatch(ev: BoardEvent, ch: number, span: number): void {
    try {
      this.dispatch(ev, ch, span);
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closedAt = this.native.nowMs();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Destroying the native board ends every operation; deliver those completions.
    this.native.close();
    this.closed = true;
    for (const [, p] of this.pending) {
      p.cleanup?.();
      p.resolve({ op: p.op, reason: 'stopped', durationMs: 0, extra: 0, text: '', time: this.closedAt });
    }
    this.pending.clear();
  }
}

// A fault's error: the driver's is a native hl_err (its HL_* code from the
// addon's table), the clock's an errno (its name from node:os).
// signalling/r2.h hl_r2_ev_kind, by number.
const R2_KINDS: Record<number, R2EventKind> = {
  1: 'seized', 2: 'offered', 3: 'accepted', 4: 'answered', 5: 'clear-back', 6: 'reanswer', 7: 'clear-forward', 8: 'failed', 9: 'idle',
  10: 'blocked', 11: 'unblocked',
};

function faultCode(span: number, err: number): string {
  if (span >= 0) return nativeErrorCode(err);
  for (const [name, n] of Object.entries(osConstants.errno)) if (n === err) return name;
  return `errno ${err}`;
}

export function toHotline(e: unknown, what: string): HotlineError {
  if (e instanceof HotlineError) return e;
  const err = e as { code?: string; message?: string };
  return new HotlineError(err?.code ?? 'HL_EUNKNOWN', `${what}: ${err?.message ?? String(e)}`);
}
