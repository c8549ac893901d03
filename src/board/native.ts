// Typed view of the board part of the addon (native/addon/board.cc).
import { addon } from '../addon.ts';
import type { BoardEvent, ChannelState, Operation, Reason, ToneName } from './types.ts';

export interface NativeSpanStatus {
  alarms: number;
  crc4Errors: number;
  bipolarViolations: number;
  slips: number;
  erroredSeconds: number;
  lostFrames: number;
  driverErrors: number;
  /** Per hl_line_kind: bits, hook, ring, polarity, wink, flash. */
  lineDrops: number[];
}

export interface NativeStats {
  ticks: number;
  overruns: number;
  lateTicks: number;
  events: number;
  /** Ordinary events dropped on a full event ring (each also reported by an 'overrun' event of what 'events'). */
  eventsDropped: number;
  /** Completions that found no room (0: the ring keeps a slot for every operation in flight). */
  completionsLost: number;
  /** Ticks that left commands queued because the event ring was full (JavaScript not draining). */
  commandsDeferred: number;
  eventsCapacity: number;
  clockErrors: number;
  driverErrors: number;
  /** Samples recordings and taps lost to a full ring (the writer fell behind), all channels. */
  recDropped: number;
  maxTickMs: number;
  meanTickMs: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencySamples: number;
  rtPriority: boolean;
  /** The JS thread runs SCHED_FIFO (OpenOptions.jsRealtime granted). */
  jsRtPriority: boolean;
}

/** A decoded prompt (native Clip), shared by any number of plays. */
export interface NativeClip {
  readonly samples: number;
}
export interface NativeClipCtor {
  new (item: { wav: Buffer } | { data: Uint8Array | Int16Array; format: number }, gainDb?: number): NativeClip;
}

export type NativePlayItem = { wav: Buffer } | { data: Uint8Array | Int16Array; format: number } | NativeClip;

export interface NativeBoard {
  channels(): number;
  channelOf(span: number, timeslot: number): number;
  nowMs(): number;
  step(ticks: number, stopOnEvent: boolean): number;
  /** jsRealtime: make the calling (JS) thread SCHED_FIFO 5 until close (best effort). */
  start(onEvents: () => void, jsRealtime?: boolean): void;
  drain(buf: Buffer, measure?: boolean): number;
  answer(ch: number): void;
  hangup(ch: number): void;
  /** category / callType: China No.1's KA and KD (1-15), 0 or absent: the span's default. */
  call(ch: number, req: number, timeoutMs: number, calling: string, called: string, category?: number, callType?: number): void;
  /** flags: board.h HL_TX_MIX (1). */
  play(ch: number, req: number, items: NativePlayItem[], stopMask: number, gainDb: number, flags?: number): void;
  clipCheck(item: NativePlayItem): number;
  getDigits(ch: number, req: number, max: number, termMask: number, firstMs: number, interMs: number, clear: boolean): void;
  sendDigits(ch: number, req: number, digits: string, onMs: number, offMs: number, levelDbm0: number, flags?: number): void;
  tone(ch: number, req: number, kind: number, durationMs: number, flags?: number): void;
  sendMf(ch: number, req: number, codes: number[], dir: number, onMs: number, offMs: number, levelDbm0: number): void;
  mfTone(ch: number, dir: number, code: number, levelDbm0: number): void;
  detectMf(ch: number, dir: number): void;
  hookGuard(ch: number, on: boolean): void;
  flash(ch: number, req: number, ms: number): void;
  record(ch: number, req: number, path: string, format: number, tap: number, maxMs: number, silenceMs: number, thresholdDbm0: number, stopMask: number): void;
  /** mode 1 stereo, 2 mixed; peer -1 = own sent audio; segmentMs 0 = one file (board.h hl_cmd_tap). */
  tap(ch: number, req: number, path: string, format: number, mode: number, maxMs: number, peer: number, segmentMs: number, armed: boolean): void;
  tapPeer(ch: number, req: number, peer: number): void;
  /** Audio stream (board.h hl_stream_*): open -> generation; 0 = defaults. */
  streamOpen(ch: number, txFrames: number, prefill: number, trim: number): number;
  /** 160 samples; false when the send ring is full. */
  streamWrite(ch: number, pcm: Int16Array): boolean;
  /** Frame records (HL_AUDIO_FRAME_BYTES each) into buf: the count. */
  streamRead(ch: number, buf: Buffer): number;
  streamStats(ch: number): import('./stream.ts').StreamStats;
  streamClose(ch: number): void;
  stop(ch: number, ops: number, req: number): void;
  clearDigits(ch: number): void;
  /** 1 on, 0 off, -1 unchanged. */
  detect(ch: number, dtmf: number, tones: number): void;
  /** taps > 0: the driver's canceller (DAHDI's) with these parameters ([name, value, ...]); else the board's own. */
  echo(ch: number, on: number, taps?: number, params?: Array<string | number>): void;
  route(src: number, dst: number): void;
  unroute(ch: number): void;
  /** flags: board.h HL_CONF_KEEP_ROUTE (1). */
  confJoin(conf: number, ch: number, mode: number, whisperTo: number, flags?: number): void;
  confLeave(ch: number): void;
  driver(span: number, control: number, value: number): void;
  /** 'cas' or 'china-no1' (glarePriority 0/1, maxDnis 0 = unknown, aniAfter -1 = never). Not while ticking in real time. */
  /** category / callType: KA and KD of outgoing calls that name none (0 or absent: 1 and 3). */
  setSignalling(span: number, variant: string, glarePriority: number, maxDnis: number, aniAfter: number, category?: number, callType?: number, dnisRules?: Array<string | number>): void;
  /** China No.1 channel: what 1 = block (value 0/1), 2 = KB answered to the next calls (value 0 free .. 4 vacant). */
  r2Cmd(ch: number, what: number, value: number): void;
  /** China No.1 state, MF trace and counters; undefined on a plain CAS channel; HL_ESTATE while the real-time clock runs. */
  r2Info(ch: number): R2Info | undefined;
  spanStatus(span: number): NativeSpanStatus;
  channelState(ch: number): number;
  stats(): NativeStats;
  resetLatency(): void;
  /** The periodic syncs of recordings since the last call (and forgets them): how long each took, and how far the durable point was behind when it completed (the most a power cut just before could lose). */
  syncTimes(): { durationMs: Float64Array; lagMs: Float64Array };
  /** Diagnostics: traceLatency(max) starts recording latency samples, traceLatency() returns (tickEndMs, latencyMs, eventsWaiting, runQueueWaitMs) quadruplets. */
  traceLatency(maxSamples?: number): Float64Array | undefined;
  close(): void;
}

export interface R2Info {
  /** Line state (signalling/r2.c: 'idle', 'in-register', ...). */
  state: string;
  /** Last failure's cause name ('none' before any). */
  cause: string;
  /** The current or last call's numbers, KA and KD as signalled (either direction). */
  callerNumber: string;
  calledNumber: string;
  category: number;
  callType: number;
  /** The MF trace kept (the last 64 signals), oldest first: "   0.140 s  tx  KA-1    ordinary, periodic charging". */
  trace: string[];
  /** Signals traced since the span was set up: the trace's last line is signal number traceTotal. */
  traceTotal: number;
  counters: R2Counters;
}
export interface R2Counters {
  callsIn: number;
  callsOut: number;
  offered: number;
  accepted: number;
  answered: number;
  glare: number;
  mfSent: number;
  mfReceived: number;
  /** Failures by cause name (only causes that happened). */
  failed: Record<string, number>;
}

export interface NativeBoardCtor {
  /** events: event ring capacity (0 or absent: 65,536; see board.h). */
  /** dahdi: [DAHDI span, base channel] per span opens the DAHDI driver instead of the sim. */
  new (spans: number, tickMs: number, peers: number[], events?: number, dahdi?: number[]): NativeBoard;
}

export function nativeClipClass(): NativeClipCtor {
  const ctor = (addon as Record<string, unknown>).Clip as NativeClipCtor | undefined;
  if (!ctor) throw new Error('the addon has no board part: run `npm run build`');
  return ctor;
}

export function nativeBoardClass(): NativeBoardCtor {
  const ctor = (addon as Record<string, unknown>).Board as NativeBoardCtor | undefined;
  if (!ctor) throw new Error('the addon has no board part: run `npm run build`');
  return ctor;
}

/** The board's enums as the addon exports them from native/board/board_enums.def. */
export interface BoardTables {
  events: Record<BoardEvent['type'] | 'audio', number>;
  ops: Record<Operation, number>;
  reasons: Record<Reason, number>;
  states: Record<ChannelState, number>;
  tones: Record<ToneName, number>;
  /** Bytes of one native event record (board.h HL_EVENT_BYTES). */
  eventBytes: number;
  /** Digits of a calling or called number (board.h HL_NUMBER_MAX). */
  numberMax: number;
  /** Bytes of one audio stream frame record (board.h HL_AUDIO_FRAME_BYTES). */
  audioFrameBytes: number;
}

function boardTables(): BoardTables {
  const t = (addon as Record<string, unknown>).boardTables as BoardTables | undefined;
  if (!t) throw new Error('the addon has no board tables: run `npm run build`');
  return t;
}

// number -> name, for decoding (a sparse array: unknown numbers read undefined).
function names<K extends string>(table: Record<K, number>): K[] {
  const out: K[] = [];
  for (const [name, n] of Object.entries(table) as Array<[K, number]>) out[n] = name;
  return out;
}

export const TABLES = boardTables();
/** Event type numbers by name (EV.done === HL_EV_DONE). */
export const EV = TABLES.events;
export const OP = TABLES.ops;
export const OP_NAMES = names(TABLES.ops);
export const REASONS = names(TABLES.reasons);
export const STATES = names(TABLES.states);
export const TONES = names(TABLES.tones);
export const EVENT_BYTES = TABLES.eventBytes;
export const NUMBER_MAX = TABLES.numberMax;
export const WAV_FORMAT = { pcm16: 1, alaw: 6, ulaw: 7 } as const;
export const SIM = { NOISE_DBM0: 1, GAIN_DB: 2, BER: 3, SLIPS: 4, CABLE: 5, SEND_RAI: 6, SEND_AIS: 7, TS_NOISE_DBM0: 16, TS_GAIN_DB: 17, TS_ECHO_DB: 18, TS_ECHO_MS: 19, TS_LINE: 20 } as const;
/** driver.h hl_line_kind, by number (0 is the bits, which come as 'cas' events). */
export const LINE_KINDS: Record<number, 'hook' | 'ring' | 'polarity' | 'wink' | 'flash'> = { 1: 'hook', 2: 'ring', 3: 'polarity', 4: 'wink', 5: 'flash' };
/** DAHDI driver controls (native/drivers/dahdi/dahdi.h hl_dahdi_ctl). */
export const DAHDI = { MAINT: 64, TS_LOOPBACK: 65 } as const;
export const ALARM_BITS: Record<number, 'los' | 'ais' | 'rai' | 'lof'> = { 1: 'los', 2: 'ais', 4: 'rai', 8: 'lof' };

// The native error table (native/include/hl_errors.def, exported by the addon).
const errorCodes = new Map(addon.errors.map((r) => [r.errno, r.code]));
/** The HL_* code of a native error number ('HL_EUNKNOWN' for one the table lacks). */
export function nativeErrorCode(errno: number): string {
  return errorCodes.get(errno) ?? 'HL_EUNKNOWN';
}

/** Bit mask of DTMF digits (board.h hl_digit_bit). */
export function digitMask(digits: string): number {
  let m = 0;
  for (const d of digits.toUpperCase()) {
    const i = '0123456789*#ABCD'.indexOf(d);
    if (i >= 0) m |= 1 << i;
  }
  return m;
}
