// The public interface of the board layer: what the call core, the IVR and the
// tools code against. Implementation: src/board/board.ts over the native addon.
// Stability rule: this file is extended, never broken (new optional fields,
// new event types, new methods; nothing renamed or removed).
//
// Vocabulary, as on a Dialogic/Synway card:
// - A Board has Spans (E1: 30 bearer timeslots 1–15 and 17–31; timeslot 16
//   carries CAS ABCD bits). A Channel is one bearer timeslot.
// - Time is the board's: ticks of `tickMs` (default 10 ms = 80 samples at
//   8 kHz). `board.now()` is board milliseconds since open. In stepped mode
//   time only moves in `board.advance(ms)`; in real-time mode a native thread
//   drives it from the monotonic clock.
// - The simulated profile (boards/sim-e1x2.json) has a built-in network side:
//   `board.network` is a second Board on the far end of the simulated cable,
//   sharing the clock, driven through this same API by tests and load
//   generators (a simulated caller seizes a line, keys DTMF as audio, speaks
//   by playing buffers, records what it hears, hangs up).
import type { Observable, SchedulerLike } from 'rxjs';
import type { R2Counters, R2Info } from './native.ts';

// ---------------------------------------------------------------- profile

/** A board profile (boards/*.json), validated by openBoard. */
export interface BoardProfile {
  /** Free text shown in logs and `hotline diag`. */
  name: string;
  /** Which driver moves frames: 'sim' (in memory) or 'dahdi' (a Linux DAHDI card); 'fed' later. */
  driver: 'sim' | 'dahdi' | 'fed';
  /** Tick length in ms: 10 (default), 20 or 5. */
  tickMs?: number;
  spans: SpanProfile[];
  /**
   * Sim only. 'loop': every span is joined by a simulated cable to a span of a
   * built-in network-side board (`board.network`). Omitted: no far end (spans
   * stay in LOS, as a card with no cable plugged).
   */
  network?: { type: 'loop' };
  /**
   * Named channel groups (span:timeslots, span:ports), either a plain list
   * `"0:1-15,0:17-31"` or `{ "channels": "0:1-15", "role": "inbound" }`,
   * which gives every channel of the group that role. A channel is in at
   * most one group with a role; a channel no role group lists takes the
   * default of its kind (E1 timeslot or FXO port: 'bothway'; FXS port: 'station').
   */
  groups?: Record<string, string | GroupProfile>;
}

/**
 * What a channel is for, from the board profile's groups:
 * - 'inbound': a trunk the network calls in on; the engine answers (IVR).
 * - 'outbound': a trunk the engine only dials out on (call-backs, transfers
 *   to an outside number); a seizure from the network is not answered.
 * - 'bothway': a trunk that takes calls in (IVR) and may be dialled out on.
 * - 'station': an FXS port with an agent's telephone; a handset lifted there
 *   is the agent's, never a caller for the IVR.
 */
export type ChannelRole = 'inbound' | 'outbound' | 'bothway' | 'station';

/** A channel group with a role (board profile `groups`). */
export interface GroupProfile {
  /** "0:1-15,0:17-31": span:timeslot, span:first-last, or span:port on an analog span. */
  channels: string;
  role?: ChannelRole;
  description?: string;
  /**
   * Line echo canceller on the group's channels from the moment the board
   * opens, overriding their span's `echoCanceller`: true for lines that return
   * the echo of our prompts, false for fax and data lines. A channel in two
   * groups that both set it must get the same value from each.
   * `{ taps, params }`: on, with the driver's canceller (Channel.echoCanceller).
   */
  echoCanceller?: boolean | EchoCancellerOptions;
}

export type SpanProfile = E1SpanProfile | T1SpanProfile | AnalogSpanProfile;

export interface E1SpanProfile {
  type: 'E1';
  /**
   * Line signalling. 'cas': plain CAS line states (Q.421-style ABCD bits).
   * 'china-no1': China No.1 (MFC R2, China variant): line signals on the ABCD
   * bits and compelled MF register signals carry the calling and called
   * numbers, the caller's category (KA) and the call type (KD).
   */
  signalling?: 'cas' | 'china-no1';
  /** China No.1 options (only with signalling 'china-no1'). */
  r2?: R2SpanOptions;
  /** CRC-4 multiframe checking (default true). */
  crc4?: boolean;
  /** Label for logs. */
  name?: string;
  /** Driver 'dahdi': the DAHDI span number (dahdi_scan, system.conf `span=`); default: position + 1. */
  dahdiSpan?: number;
  /** Driver 'dahdi': DAHDI channel number of timeslot 1 (dahdi_scan's basechan); default (dahdiSpan - 1) * 31 + 1. */
  basechan?: number;
  /**
   * Line echo canceller on every timeslot (default false): true when the
   * calls reach a 2-wire hybrid far away that returns our prompts' echo.
   * A group's `echoCanceller` overrides it for its channels.
   */
  echoCanceller?: boolean | EchoCancellerOptions;
}

/**
 * A T1 span (DS1, 1.544 Mbit/s): 24 channels with robbed-bit CAS (ABCD on
 * ESF), mu-law by default. On the board a T1 span's channel n sits where E1
 * bearer n does (`channel(span, n)`, n = 1..24); its audio is transcoded to
 * the board's A-law by the G.711 tables. The sim carries it as the first 24
 * bearers of a simulated span; DAHDI opens channels basechan..basechan+23.
 */
export interface T1SpanProfile {
  type: 'T1';
  /** Line signalling: 'cas' (the ABCD line states of signalling/line.h). */
  signalling?: 'cas';
  /** Channels used, 1-24 (default 24). */
  channels?: number;
  /** Companding on the line: 'mulaw' (default, G.711 North America, Japan) or 'alaw'. */
  law?: 'mulaw' | 'alaw';
  name?: string;
  /** Driver 'dahdi': the DAHDI span number; default position + 1. */
  dahdiSpan?: number;
  /** Driver 'dahdi': DAHDI channel number of channel 1; default (dahdiSpan - 1) * 24 + 1. */
  basechan?: number;
  echoCanceller?: boolean | EchoCancellerOptions;
}

export type R2Kb = 'free' | 'busy-local' | 'busy-toll' | 'congestion' | 'vacant';
export type { R2Info, R2Counters } from './native.ts';

/** China No.1 options of an E1 span. */
export interface R2SpanOptions {
  /** Called digits to collect before asking for group B (A3); 0 (default): the length is not known, A3 is sent as a pulse after 3 s without digits. */
  maxDnis?: number;
  /** Called digits received before asking for the caller's category and number (A6); -1: never ask. Default 1. */
  aniAfter?: number;
  /** On a double seizure (glare) our call goes on and the far end's gives way. Default false (the exchange has priority). */
  glarePriority?: boolean;
  /** KA, the caller's category our outgoing calls send unless the call names one (1-15; default 1, ordinary subscriber). */
  category?: number;
  /** KD, the call type our outgoing calls send unless the call names one (1-15; default 3, local call). */
  callType?: number;
  /**
   * Called number length per call by its first digits, as the exchange's numbering plan
   * says: { "12315": 5, "1": 11, "0": 12 } (at most 8 prefixes of 1-8 digits; the longest
   * matching prefix wins; no match: maxDnis). A3 goes as soon as the number is whole.
   */
  dnisLengths?: Record<string, number>;
}

/**
 * A group of analog ports (loop start). 'fxs': station ports, the agents'
 * phones (the board rings them and feeds them); 'fxo': trunk ports to an
 * exchange line (the board detects ringing and goes off-hook).
 *
 * On the sim, loop start is carried on CAS bits as a channel bank does, so the
 * events are the E1 ones with these meanings:
 * - FXO port: 'ring' = ringing from the exchange (with the calling number when
 *   the exchange sends it); answer() = go off-hook; 'hangup' = the exchange
 *   cleared (loop current dropped); hangup() = go on-hook.
 * - FXS port: call() = ring the phone; 'answer' = the handset was lifted;
 *   'ring' = the handset was lifted while the port was idle (the engine
 *   answers = feeds the line, then plays dial tone and collects digits);
 *   'hangup' = the handset was put down.
 * On the network side (`board.network`), an FXS port's far end is the
 * telephone (it rings, answer() lifts the handset, call() lifts it from idle),
 * an FXO port's far end is the exchange line.
 */
export interface AnalogSpanProfile {
  type: 'analog';
  role: 'fxs' | 'fxo';
  /** Ports in the group, 1-30 (default 8). */
  ports?: number;
  name?: string;
  /**
   * Line echo canceller on every port (default false): analog lines return
   * the echo of our prompts through their hybrid, so set it for FXO exchange
   * lines that take callers. A group's `echoCanceller` overrides it.
   */
  echoCanceller?: boolean | EchoCancellerOptions;
  /** Companding on the ports (driver 'dahdi'): 'alaw' (default) or 'mulaw' (North American cards). */
  law?: 'mulaw' | 'alaw';
  /** Driver 'dahdi': the DAHDI span of the ports (dahdi_scan); default position + 1. */
  dahdiSpan?: number;
  /** Driver 'dahdi': DAHDI channel number of port 1 (system.conf fxoks=/fxsks= lines); default (dahdiSpan - 1) * ports + 1. */
  basechan?: number;
}

export interface OpenOptions {
  /** 'stepped' (default): time moves in board.advance(). 'realtime': native clock thread. */
  mode?: 'stepped' | 'realtime';
  /** Base directory for relative file paths in play/record (default: process.cwd()). */
  baseDir?: string;
  /**
   * Real-time mode: run this (the JavaScript) thread SCHED_FIFO at priority 5,
   * below the clock thread's 10, while the board is open, where the system
   * allows it. Default: the environment's HL_BOARD_JS_RT=1, else off.
   * Why: on a shared machine a woken JS thread waits for the CPU behind other
   * threads for up to a scheduler tick (4 ms at HZ 250), which is the tail of
   * the event latency; as SCHED_FIFO it preempts them on the wake. The cost: a
   * JS thread that spins holds a core (the kernel's RT throttling still leaves
   * others 5 %), so it is a deployment choice, not a default.
   */
  jsRealtime?: boolean;
}

// ---------------------------------------------------------------- events

/** Why an operation ended; every completion carries one. */
export type Reason = 'done' | 'digit' | 'max-digits' | 'timeout' | 'silence' | 'hangup' | 'stopped' | 'error';

export type ChannelState =
  | 'idle' // line idle both ways
  | 'ringing' // far end seized us; not answered yet
  | 'dialing' // we seized the line; far end has not answered
  | 'connected' // answered, either direction
  | 'clearing' // one side cleared; waiting for the line to return to idle
  | 'blocked'; // span in alarm: no calls

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export type ToneName = 'dial' | 'busy' | 'ringback' | 'congestion' | 'fax-cng' | 'fax-ced';

export type Operation = 'play' | 'record' | 'getDigits' | 'sendDigits' | 'call' | 'tone' | 'tap' | 'sendMf' | 'flash';

interface EventBase {
  /** Board time in ms when the event happened (end of the tick that saw it). */
  time: number;
  /** Board-wide channel index (0-based), or -1 for span/board events. */
  channel: number;
  /** Span index (0-based). */
  span: number;
}

/** The far end seized the line (an incoming call). */
export interface RingEvent extends EventBase {
  type: 'ring';
  /** Calling number when the signalling delivers one (sim: from the far end's call()). */
  callerNumber?: string;
  /** Called number when the signalling delivers one. */
  calledNumber?: string;
  /** China No.1: the caller's category KA (1 ordinary, 4 priority, ...: see signalling/r2.h). */
  category?: number;
  /** China No.1: the call type KD (2 toll automatic, 3 local subscriber, 6 test, ...). */
  callType?: number;
}
/** The far end answered our outgoing call. */
export interface AnswerEvent extends EventBase {
  type: 'answer';
}
/** The far end cleared (hung up), or the span went into alarm during a call. */
export interface HangupEvent extends EventBase {
  type: 'hangup';
  cause: 'remote' | 'alarm';
}
/** The line is idle again after a call (both directions). */
export interface IdleEvent extends EventBase {
  type: 'idle';
}
/** A DTMF key detected in the received audio (always from the DSP detector). */
export interface DigitEvent extends EventBase {
  type: 'digit';
  digit: DtmfDigit;
  /** Board ms where the tone started (time = where it was recognised). */
  start: number;
}
/** A call-progress or fax tone detected in the received audio. */
export interface ToneEvent extends EventBase {
  type: 'tone';
  tone: ToneName;
}
/** An operation (play, record, get digits, send digits, call, tone) ended. */
export interface DoneEvent extends EventBase {
  type: 'done';
  op: Operation;
  requestId: number;
  reason: Reason;
  /** For play: ms of audio played; record: ms recorded; others: ms elapsed. */
  durationMs: number;
}
/** Hook flash from the far end of an analog line (50-800 ms on-hook; longer is a hang-up). */
/** A tap's rolling segment is finished and durable (TapOptions.segmentMs); comes before the tap's done. */
export interface SegmentEvent extends EventBase {
  type: 'segment';
  requestId: number;
  /** 1, 2, ... within the tap. */
  segment: number;
  /** Board ms of its first sample. */
  startMs: number;
  /** Audio in it, ms (sample frames / 8). */
  durationMs: number;
}
export interface FlashEvent extends EventBase {
  type: 'flash';
}
/** MF R2 receiver (setDetectors({ mf })): the code on the line changed (Q.441 two of six). */
export interface MfEvent extends EventBase {
  type: 'mf';
  /** 1-15 while a code sounds; 0 when it stopped. */
  code: number;
  direction: MfDirection;
}
/** MF R2 direction: forward 1380-1980 Hz (caller to called), backward 1140-540 Hz. */
export type MfDirection = 'forward' | 'backward';
/** China No.1 signalling on the channel (for logs and `hotline diag`): what happened and why. */
export interface R2Event extends EventBase {
  type: 'r2';
  what: R2EventKind;
  /** Stable cause name: 'none', 'normal', 'busy-local', 'busy-toll', 'vacant', 'congestion', 'glare', 'blocked', 'span-fault', 'unexpected-mf', 'unexpected-line', 'timeout-…' (signalling/r2.h). */
  cause: string;
}
export type R2EventKind =
  | 'seized' | 'offered' | 'accepted' | 'answered' | 'clear-back' | 'reanswer' | 'clear-forward' | 'failed' | 'idle' | 'blocked' | 'unblocked';

/** The driver's echo canceller on a channel (Channel.echoCanceller). */
export interface EchoCancellerOptions {
  /** Tail in samples at 8 kHz (8 per ms): 1 to 1024, e.g. 128 = 16 ms, 512 = 64 ms. */
  taps: number;
  /** Named parameters of the canceller module (DAHDI's, e.g. { nlp_type: 3 }); at most 4. */
  params?: Record<string, number>;
}

/** Kinds of line event a card reports apart from the ABCD bits (driver.h hl_line_kind), each in its own slot. */
export type LineEventKind = 'hook' | 'ring' | 'polarity' | 'wink' | 'flash';
/**
 * A line event other than the bits (an analog port's hook, ring bursts, a
 * polarity reversal, a wink or a flash timed by the card): value 1 off-hook /
 * ring on / reversed polarity, 0 the opposite; wink and flash are 1. Each kind
 * has its own slot per channel in the driver, so a burst of one kind never
 * loses another's (SpanCounters.lineDrops counts coalesced ones per kind).
 */
export interface LineEvent extends EventBase {
  type: 'line';
  kind: LineEventKind;
  value: number;
}

/** CAS ABCD bits received on the channel changed (bits: 4-bit value A=8 B=4 C=2 D=1). */
export interface CasEvent extends EventBase {
  type: 'cas';
  bits: number;
}
/** A span alarm was raised or cleared (channel = -1). */
export interface AlarmEvent extends EventBase {
  type: 'alarm';
  alarm: AlarmName;
  raised: boolean;
}
/** A late tick lost audio (stats().overruns: on a card only when audio was lost), or the event ring overflowed (channel = -1). */
export interface OverrunEvent extends EventBase {
  type: 'overrun';
  what: 'tick' | 'events';
  count: number;
}

/**
 * The driver returned an error inside the tick (span set, channel -1) or the real-time
 * clock failed to sleep (span -1): reported at once, then at most once a second, with
 * the count since the last report. The board keeps running; a driver fault usually
 * means the card or its kernel driver needs attention.
 */
export interface FaultEvent extends EventBase {
  type: 'fault';
  /** Where: 'driver.read', 'driver.write', 'driver.line_read', 'driver.cas_write', 'driver.echo', 'driver.status', 'driver.control', 'driver.numbers', or 'clock'. */
  source: string;
  /** The error's code: a native HL_* code for the driver, an errno name (e.g. 'EINVAL') for the clock. */
  code: string;
  /** Failures of this kind since the previous report. */
  count: number;
}

export type AlarmName = 'los' | 'ais' | 'rai' | 'lof';

export type ChannelEvent = RingEvent | AnswerEvent | HangupEvent | IdleEvent | DigitEvent | ToneEvent | DoneEvent | CasEvent | MfEvent | FlashEvent | R2Event | SegmentEvent | LineEvent;
export type BoardEvent = ChannelEvent | AlarmEvent | OverrunEvent | FaultEvent;

// ---------------------------------------------------------------- commands

/** Audio given in memory: `alaw`/`ulaw` one byte per sample, `pcm16` Int16Array or little-endian Buffer. 8 kHz. */
export interface AudioBuffer {
  encoding: 'alaw' | 'ulaw' | 'pcm16';
  data: Buffer | Uint8Array | Int16Array;
}
/** A prompt: a path to an 8 kHz WAV (A-law, µ-law or PCM16), or audio in memory. */
export type PlayItem = string | AudioBuffer;

export interface CommandOptions {
  /** Abort = stop the operation; its promise resolves with reason 'stopped'. */
  signal?: AbortSignal;
}

export interface PlayOptions extends CommandOptions {
  /** true: any digit stops playback; a string: only those digits ('#*'); default false. */
  stopOnDigits?: boolean | string;
  /** Gain applied to the prompt in dB (default 0). */
  gainDb?: number;
  /** Add the prompt to what the channel sends (its route or conference: heard over a bridge) instead of replacing it (default false). */
  mix?: boolean;
}
export interface PlayResult {
  requestId: number;
  reason: Reason;
  /** Audio played, in ms, over all items. */
  positionMs: number;
  /** Index of the item playing when it stopped (items.length when all were played). */
  itemIndex: number;
}

export interface GetDigitsOptions extends CommandOptions {
  /** Stop after this many digits (default 1). */
  max?: number;
  /** Digits that end input (not counted, reported in `terminator`), e.g. '#'. */
  terminators?: string;
  /** Time allowed before the first digit (default 5000 ms; 0 = wait for ever). */
  firstDigitTimeoutMs?: number;
  /** Time allowed between digits (default 3000 ms; 0 = wait for ever). */
  interDigitTimeoutMs?: number;
  /** Discard type-ahead digits buffered before this call (default false: they count). */
  clearBuffer?: boolean;
}
export interface DigitsResult {
  requestId: number;
  reason: Reason;
  digits: string;
  terminator?: string;
}

export interface RecordOptions extends CommandOptions {
  /** Stop after this many ms (default 60000; 0 = no limit); the result's reason is then 'timeout'. */
  maxMs?: number;
  /** Stop after this much silence following speech (0/omitted: off). */
  silenceMs?: number;
  /** Silence threshold in dBm0 (default -40). */
  silenceThresholdDbm0?: number;
  /** true: any digit stops; a string: only those digits. Default false. */
  stopOnDigits?: boolean | string;
  /** File encoding (default 'alaw'). */
  format?: 'alaw' | 'ulaw' | 'pcm16';
}
export interface RecordResult {
  requestId: number;
  reason: Reason;
  /** Audio written, in ms. */
  durationMs: number;
  /** Absolute path of the finished WAV file (the first one when it rolled over). */
  file: string;
  /**
   * Every file written, in order, when the recording rolled over to a new file
   * before the 4 GiB WAV limit (NAME.wav, NAME.2.wav, ...); absent otherwise.
   */
  files?: string[];
  /** The digit that stopped it (reason 'digit'). */
  digit?: string;
  /**
   * What went wrong, when something did: a native HL_EREC_* code (disk full,
   * permission, file exists, I/O error, too many open files, audio dropped
   * because the disk was too slow) and its sentence. Reason is 'error' for
   * every code but HL_EREC_DROPPED, where the file is complete but has gaps.
   */
  error?: { code: string; message: string };
  /** Samples lost because the writer fell behind (HL_EREC_DROPPED). */
  droppedSamples?: number;
}

export interface TapOptions extends CommandOptions {
  /** 'stereo': left = received, right = sent (default); 'mixed': both summed, mono. */
  mode?: 'stereo' | 'mixed';
  format?: 'alaw' | 'ulaw' | 'pcm16';
  /** Stop after this many ms (default: until stopped or the channel is closed). */
  maxMs?: number;
  /** The second side (right, or mixed in): another channel's received audio (the other party); default null: what this channel sends. */
  other?: Channel | null;
  /** Rolling segments: a new file every segmentMs (10 ms to 3 h), gapless; each reported by a 'segment' event. Default 0: one file. */
  segmentMs?: number;
  /** true: may start on an idle channel; records from its next call until the channel is idle again (no file if no call came). */
  armed?: boolean;
}
/** A recording tap on both directions of a channel (continuous call recording); up to 4 per channel at once. */
export interface Tap {
  readonly requestId: number;
  readonly file: string;
  /** Re-points the second side to `other`'s received audio (null: this channel's sent audio) from the next tick, in the same file. */
  repoint(other: Channel | null): void;
  /** Stop and finalise; resolves when the file is complete. */
  stop(): Promise<RecordResult>;
  /** Resolves when the tap ends for any reason (stop, maxMs, board close). */
  readonly done: Promise<RecordResult>;
}

export interface SendDigitsOptions extends CommandOptions {
  /** Tone length per key, ms (default 80). */
  toneMs?: number;
  /** Silence between keys, ms (default 80). */
  gapMs?: number;
  /** Level per tone in dBm0 (default -8; the pair sums about -5 dBm0). */
  levelDbm0?: number;
  /** Add the keys to what the channel sends (route, conference) instead of replacing it (default false). */
  mix?: boolean;
}
export interface SendMfOptions extends CommandOptions {
  direction: MfDirection;
  /** Tone length per code, ms (default 100). */
  toneMs?: number;
  /** Silence between codes, ms (default 100). */
  gapMs?: number;
  /** Level per frequency, dBm0, -40 to -3 (default -11.5, Q.454; two tones above -3 would clip). */
  levelDbm0?: number;
}
export interface OpResult {
  requestId: number;
  reason: Reason;
  durationMs: number;
}

export interface ToneOptions extends CommandOptions {
  /** Stop after this long (default: the tone's natural length, or until stopped). */
  durationMs?: number;
  /** Add the tone to what the channel sends (route, conference) instead of replacing it (default false). */
  mix?: boolean;
}

export interface CallOptions extends CommandOptions {
  /** Calling number presented to the far end (sim: delivered with the seizure). */
  callerNumber?: string;
  /** Called number presented to the far end. */
  calledNumber?: string;
  /** Give up if not answered within this time (default 60000 ms): reason 'timeout'. */
  timeoutMs?: number;
  /** China No.1 only: KA, the caller's category (1-15; default the span's r2.category, else 1 ordinary subscriber). */
  category?: number;
  /** China No.1 only: KD, the call type (1-15; default the span's r2.callType, else 3 local call). */
  callType?: number;
}

export interface RouteOptions {
  /** 'full' (default): both hear each other; 'half': `to` hears this channel only. */
  duplex?: 'full' | 'half';
}

export type ConferenceMode = 'speak+listen' | 'listen' | 'whisper';
export interface JoinOptions {
  /** Default 'speak+listen'. 'listen': hears all, heard by none. 'whisper': heard only by `whisperTo`. */
  mode?: ConferenceMode;
  /** For 'whisper': the member who hears this one. */
  whisperTo?: Channel;
  /** A routed channel keeps its route and hears the conference added to it (a supervisor on a bridged pair); default false: the conference replaces what it hears. */
  keepRoute?: boolean;
}
export interface Conference {
  readonly id: number;
  join(channel: Channel, options?: JoinOptions): void;
  leave(channel: Channel): void;
  readonly members: ReadonlyArray<{ channel: Channel; mode: ConferenceMode; whisperTo?: Channel }>;
  close(): void;
}

// ---------------------------------------------------------------- objects

export interface Channel {
  /**
   * Maintenance line loop: what the channel receives goes back out to the
   * line (DAHDI_LOOPBACK on a card; on the sim the far end hears its own
   * audio back at 0 dB), so the far end can test tone out / tone back.
   * Off by default; turn it off after the test.
   */
  loopback(on: boolean): void;
  /** Board-wide index, 0-based. */
  readonly index: number;
  readonly span: Span;
  /** E1 timeslot 1–15, 17–31; on an analog span the port number 1–N. */
  readonly timeslot: number;
  /** 'e1' for a timeslot, 'fxs'/'fxo' for an analog port (see AnalogSpanProfile). */
  readonly kind: 'e1' | 'fxs' | 'fxo';
  /** What the channel is for (profile groups; default by kind). */
  readonly role: ChannelRole;
  /** "board/span:timeslot", for logs. */
  readonly name: string;
  readonly board: Board;
  /** Current line state. */
  readonly state: ChannelState;
  /** Every event of this channel, as it happens (hot; no replay). */
  readonly events$: Observable<ChannelEvent>;

  /**
   * Answer a ringing line. Error BOARD_STATE when not ringing. Resolves when the
   * command is queued; commands issued after it (play, getDigits) apply after it.
   */
  answer(): Promise<void>;
  /**
   * Clear the call (any state but idle); every operation ends with reason 'hangup'.
   * Resolves when the command is queued (applied at the next tick, in order with
   * other commands); the line reports 'idle' once the far end released too.
   */
  hangup(): Promise<void>;
  /** Seize the line toward the far end; resolves when answered ('done'), or 'timeout', 'hangup', 'stopped'. */
  call(options?: CallOptions): Promise<OpResult>;

  play(items: PlayItem | PlayItem[], options?: PlayOptions): Promise<PlayResult>;
  getDigits(options?: GetDigitsOptions): Promise<DigitsResult>;
  /** Discard buffered type-ahead digits. */
  clearDigits(): void;
  /**
   * Turn detectors on or off. DTMF: on by default (a load generator that only
   * sends can save the CPU). tones: call-progress (dial, busy, ringback,
   * congestion) and fax CNG/CED, reported as 'tone' events; off by default,
   * always on while a call this channel placed is not answered yet. mf: the MF R2
   * receiver for one direction ('mf' events), off by default.
   */
  setDetectors(options: { dtmf?: boolean; tones?: boolean; mf?: MfDirection | false }): void;
  /**
   * Line echo canceller (G.168 style, 64 ms tail) on what this channel
   * receives, in front of the detectors: the echo of what the channel plays
   * or sends, returned by an analog line or a far hybrid, is removed, so a key
   * pressed during a prompt is heard (barge-in). Off by default; it learns
   * afresh each time it is turned on. Leave it off for fax and data (a fax
   * tone turns it off by itself, for that call only). The board profile's
   * `echoCanceller` (span or group) turns it on when the board opens.
   * With `{ taps, params }` the driver's own canceller runs where it has one
   * per channel (DAHDI's: DAHDI_ECHOCANCEL_PARAMS, taps = tail in samples,
   * 8 per ms, 1 to 1024; up to 4 named parameters of the canceller module);
   * where it has none (the sim, a DAHDI channel without echocanceller= in
   * system.conf) the board's own runs instead.
   */
  echoCanceller(on: boolean | EchoCancellerOptions): void;
  /**
   * Sim: a line event on what this channel receives, as a card reports one
   * (a polarity reversal, a ring burst, a wink, a flash timed by the card, an
   * analog hook); it comes back as a 'line' event from the driver's slot.
   */
  simulateLine(kind: LineEventKind, value?: number): void;
  /**
   * China No.1 channels (span signalling 'china-no1'): the line state, the
   * last failure's cause, the MF trace (one readable line per signal: time,
   * tx/rx, code, meaning) and the counters; undefined on a plain CAS
   * channel. Stepped: the state between steps; real time: the copy the tick
   * published last (in the tick the trace, state or cause moved), so
   * `hotline diag r2` shows a running board live.
   */
  r2(): R2Info | undefined;
  /**
   * China No.1: what the next incoming calls are told in KB: 'free' (they
   * are offered), 'busy-local' (市忙), 'busy-toll' (长忙), 'congestion' or
   * 'vacant'. The compelled cycle cannot wait for JavaScript, so this is set
   * ahead (e.g. 'busy-local' while the trunk group is to refuse calls).
   */
  setR2Answer(kb: R2Kb): void;
  /** China No.1: block (true) or unblock the circuit towards the far end. */
  r2Block(on: boolean): void;
  record(file: string, options?: RecordOptions): Promise<RecordResult>;
  /** Send DTMF keys as audio on the line. */
  sendDigits(digits: string, options?: SendDigitsOptions): Promise<OpResult>;
  /** Send MF R2 codes (1-15) as pulses (register signalling without the compelled cycle). */
  sendMf(codes: number[], options: SendMfOptions): Promise<OpResult>;
  /**
   * Analog: a hook flash toward the far end (on-hook for durationMs, default 300,
   * 50-780). The far end of an FXS port (the phone) flashes to the port; an FXO
   * port flashes to the exchange. Ports facing a phone or an FXO line report
   * 'flash' events; on them a hang-up is only reported after 800 ms on-hook.
   */
  flash(options?: { durationMs?: number; signal?: AbortSignal }): Promise<OpResult>;
  /** Compelled MF R2: hold a code on the line until changed; 0 stops it. */
  setMfTone(code: number, direction: MfDirection, levelDbm0?: number): void;
  /** Play a China call-progress tone (450 Hz cadences). */
  playTone(tone: 'dial' | 'busy' | 'ringback' | 'congestion', options?: ToneOptions): Promise<OpResult>;
  /** Stop whatever this channel plays/records/collects (reason 'stopped'). */
  stop(): void;

  /** Route this channel's received audio to `to` (and back, if full duplex). */
  route(to: Channel, options?: RouteOptions): void;
  /** Remove every route into or out of this channel. */
  unroute(): void;
  /** Record both directions, independent of what the channel plays or routes. */
  tap(file: string, options?: TapOptions): Tap;
  /**
   * Real-time audio to and from JavaScript (stream.ts): write() 20 ms frames
   * the channel sends, frames$ what it receives, while it is in a call. One
   * per channel; close() it when done.
   */
  stream(options?: import('./stream.ts').StreamOptions): import('./stream.ts').AudioStream;
  /** Sim: noise, gain and echo on what this channel receives (on top of its span's). */
  impair(impairments: ChannelImpairments): void;
}

export interface SpanCounters {
  crc4Errors: number;
  bipolarViolations: number;
  slips: number;
  erroredSeconds: number;
  /** Errors the driver returned on this span inside the tick (each batch also a 'fault' event). */
  driverErrors: number;
  /**
   * Channel blocks the card did not have (or take) when the tick wanted them:
   * audio lost, unlike a late tick that the card's buffers absorbed (stats().lateTicks).
   * Always 0 on the sim.
   */
  lostFrames: number;
  /**
   * Line events that came while their kind's slot still held one the tick had
   * not taken (coalesced, the newest kept), per kind: bits, hook, ring,
   * polarity, wink, flash. Another kind's events are never lost to them.
   */
  lineDrops: Record<'bits' | LineEventKind, number>;
}
export interface SpanStatus {
  alarms: Record<AlarmName, boolean>;
  counters: SpanCounters;
}
/** Sim: what one channel receives (Channel.impair). */
export type ChannelImpairments = Pick<Impairments, 'snrDb' | 'referenceDbm0' | 'gainDb'> & {
  /** Echo of what this channel sends, back in what it receives this many dB
   * down (echo return loss, 0..60), a tick plus echoDelayMs later; null: none. */
  echoLossDb?: number | null;
  /** Extra delay of that echo, 0..32 ms (default 0). */
  echoDelayMs?: number;
};

export interface Impairments {
  /**
   * Added white noise (0-4 kHz) at `referenceDbm0 - snrDb` dBm0; null: no noise.
   * E.g. snrDb 15 with DTMF sent at -10 dBm0 per tone is 15 dB per tone vs noise.
   */
  snrDb?: number | null;
  /** Signal level the SNR refers to, dBm0 (default -10). */
  referenceDbm0?: number;
  /** Gain (negative = attenuation) in dB applied to every timeslot. */
  gainDb?: number;
  /** Bit error rate on the line (e.g. 1e-5). */
  bitErrorRate?: number;
  /** Frame slips per minute (each slip repeats or drops one frame). */
  slipsPerMinute?: number;
}

export interface Span {
  readonly index: number;
  /** 'E1', or the role of an analog port group. */
  readonly kind: 'E1' | 'T1' | 'fxs' | 'fxo';
  /** The profile's label, if any. */
  readonly name?: string;
  readonly board: Board;
  readonly channels: ReadonlyArray<Channel>;
  status(): SpanStatus;
  /** China No.1 spans: the counters of its channels summed (calls, answers, glare, MF signals, failures by cause); undefined on plain CAS. Stepped or in real time, as Channel.r2(). */
  r2Counters(): R2Counters | undefined;
  /** Sim: impairments on what this span RECEIVES. */
  impair(impairments: Impairments): void;
  /** Sim: pull (false) or plug back (true) the cable of this span (affects both ends). */
  setCable(connected: boolean): void;
  /** Sim: send remote alarm indication to the far end. */
  sendRai(on: boolean): void;
  /** Sim: send AIS (all ones) to the far end. */
  sendAis(on: boolean): void;
}

export interface BoardStats {
  ticks: number;
  /**
   * Ticks that lost audio by running late: on the board's own clock (the sim)
   * every late tick (it finished after the next one was due); on a card-paced
   * driver (DAHDI) only a late tick after which the card lost audio (a span's
   * lostFrames or slips rose): the card's buffers absorb the rest. Each is
   * also an 'overrun' event of what 'tick'.
   */
  overruns: number;
  /** Ticks whose work ran over a period (10 ms), lost audio or not: on a card, a late tick that lost nothing is counted here only. */
  lateTicks: number;
  eventsDelivered: number;
  /** Events other than completions dropped because JavaScript did not drain in time
   * (each batch is also reported by an 'overrun' event of what 'events'). Completions are never dropped. */
  eventsDropped: number;
  /** Ticks in which commands waited in their queue because the event ring was full. */
  commandsDeferred: number;
  /** Real-time clock sleeps that failed (other than by a signal); each batch also a 'fault' event. */
  clockErrors: number;
  /** Errors returned by the driver inside the tick, all spans. */
  driverErrors: number;
  /** Samples recordings and taps lost because the writer fell behind (their rings were full), all channels. */
  recordingDroppedSamples: number;
  /** Native-tick-end to JS-handler latency in ms (real-time mode only, else null). */
  eventLatencyP50Ms: number | null;
  eventLatencyP99Ms: number | null;
}

export interface Board {
  readonly name: string;
  /** The driver that moves the frames: 'sim' or 'dahdi'. */
  readonly driver: 'sim' | 'dahdi';
  readonly mode: 'stepped' | 'realtime';
  readonly tickMs: number;
  readonly spans: ReadonlyArray<Span>;
  readonly channels: ReadonlyArray<Channel>;
  /** The built-in network side of the simulated cable (null when the profile has none). */
  readonly network: Board | null;
  /** Board time in ms. */
  now(): number;
  /** Stepped mode: run ticks for `ms` of board time, delivering events and timers as they fall due. */
  advance(ms: number): Promise<void>;
  /** RxJS scheduler on board time (use for timer(), delay(), timeout() in the call core). */
  readonly scheduler: SchedulerLike;
  /** Every event of every channel and span. */
  readonly events$: Observable<BoardEvent>;
  /** A channel by index, or by span and timeslot. Error BOARD_CHANNEL_UNKNOWN. */
  channel(index: number): Channel;
  channel(span: number, timeslot: number): Channel;
  /** Channels of a named group from the profile. */
  group(name: string): Channel[];
  /** Channels having one of these roles, in board order (e.g. byRole('inbound', 'bothway')). */
  byRole(...roles: ChannelRole[]): Channel[];
  createConference(): Conference;
  stats(): BoardStats;
  /** Starts the event-latency figures afresh (e.g. after a load generator's set-up). */
  resetLatencyStats(): void;
  /** Stop the clock, finish recordings, release everything (also closes `network`). */
  close(): Promise<void>;
}
