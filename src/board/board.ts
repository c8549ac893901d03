// Board, Span, Channel and Conference over one native board (see types.ts for
// the contract). openBoard(profile) opens the native board (open-native.ts; clips.ts caches prompts); with a
// network loop the native board holds 2N spans: 0..N-1 are the engine side,
// N..2N-1 the network side (`board.network`), joined pairwise by cables.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Subject, type Observable, type Subscription } from 'rxjs';
import { Engine } from './engine.ts';
import { recordResult } from './recording.ts';
import { checkDigits, checkInt, checkMfLevel, checkNoiseGain, mfDir, stopMask, txFlags } from './args.ts';
import { boardError } from './errors.ts';
import { DAHDI, LINE_KINDS, NUMBER_MAX, OP, SIM, STATES, WAV_FORMAT, digitMask, type NativeBoard, type NativePlayItem, type R2Counters, type R2Info } from './native.ts';
import { bufferClip, fileClip } from './clips.ts';
import { openNative, setSignalling, trunkSignalling } from './open-native.ts';
import { openStream, type AudioStream, type StreamOptions } from './stream.ts';
import { channelRoles, checkEchoOptions, defaultRole, echoCancellers, groupChannels, loadProfile, parseGroup, spanChannels } from './profile.ts';
import type {
  Board,
  BoardEvent,
  BoardProfile,
  SpanProfile,
  BoardStats,
  CallOptions,
  Channel,
  ChannelEvent,
  ChannelState,
  ChannelRole,
  Conference,
  ConferenceMode,
  DigitsResult,
  GetDigitsOptions,
  ChannelImpairments,
  EchoCancellerOptions,
  Impairments,
  LineEventKind,
  JoinOptions,
  MfDirection,
  SendMfOptions,
  OpResult,
  OpenOptions,
  PlayItem,
  PlayOptions,
  PlayResult,
  RecordOptions,
  RecordResult,
  RouteOptions,
  SendDigitsOptions,
  Span,
  SpanStatus,
  Tap,
  TapOptions,
  R2Kb,
  ToneOptions,
} from './types.ts';

const BEARERS = 30;
const ALL_OPS = 0xffffffff;

function timeslotOf(k: number): number {
  return k < 15 ? k + 1 : k + 2;
}

/** China No.1 call options (KA, KD; 0 = the span's), checked before anything is sent: MF R2 carries digits 0-9 only. */
function r2CallOptions(ch: ChannelImpl, o: CallOptions, calling: string, called: string): [number, number] {
  const kx = (name: 'category' | 'callType', what: string): number => {
    const v = o[name];
    if (v === undefined) return 0;
    if (!ch.span.chinaNo1) throw boardError('BOARD_R2_CALL', `${name} (${what}) goes only on a China No.1 span; ${ch.name} runs plain CAS`, { channel: ch.name });
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 15) throw boardError('BOARD_R2_CALL', `${name} (${what}) must be an integer from 1 to 15, got ${JSON.stringify(v)}`, { channel: ch.name });
    return v;
  };
  const ka = kx('category', "KA, the caller's category");
  const kd = kx('callType', 'KD, the call type');
  if (ch.span.chinaNo1) {
    if (!/^[0-9]+$/.test(called)) throw boardError('BOARD_R2_CALL', `calledNumber on ${ch.name} (China No.1) must be 1 to ${NUMBER_MAX} digits 0-9, got ${JSON.stringify(called)}`, { channel: ch.name });
    if (!/^[0-9]*$/.test(calling)) throw boardError('BOARD_R2_CALL', `callerNumber on ${ch.name} (China No.1) must be digits 0-9, got ${JSON.stringify(calling)}`, { channel: ch.name });
  }
  return [ka, kd];
}


// Decoded prompts, shared by every play of them: a file is read and decoded
// once (again when its size or mtime changes); an in-memory buffer once per
// buffer object (so do not change a buffer's samples after playing it).
class ChannelImpl implements Channel {
  readonly events$: Observable<ChannelEvent>;
  readonly name: string;
  role: ChannelRole;

  constructor(
    readonly board: BoardView,
    readonly span: SpanImpl,
    readonly index: number,
    readonly timeslot: number,
    readonly nativeIndex: number,
    readonly kind: 'e1' | 'fxs' | 'fxo',
  ) {
    this.name = kind === 'e1' ? `${board.name}/${span.index}:${timeslot}` : `${board.name}/${span.index}:${kind}${timeslot}`;
    this.events$ = board.channelSubject(this.nativeIndex);
    this.role = defaultRole(kind);
  }

  private get engine(): Engine {
    return this.board.engine;
  }

  get state(): ChannelState {
    if (this.engine.isClosed()) return 'idle';
    return STATES[this.engine.native.channelState(this.nativeIndex)] ?? 'idle';
  }

  private requireCall(what: string): void {
    this.engine.assertOpen();
    const st = this.state;
    if (st !== 'ringing' && st !== 'dialing' && st !== 'connected') {
      throw boardError('BOARD_NOT_CONNECTED', `${what} on ${this.name}, which is ${st}`, { channel: this.name, state: st });
    }
  }

  async answer(): Promise<void> {
    this.engine.assertOpen();
    const st = this.state;
    if (st !== 'ringing') throw boardError('BOARD_STATE', `answer() on ${this.name}, which is ${st} (only a ringing line can be answered)`, { channel: this.name, state: st });
    this.engine.call('answer', () => this.engine.native.answer(this.nativeIndex));
  }

  async hangup(): Promise<void> {
    this.engine.assertOpen();
    this.engine.call('hangup', () => this.engine.native.hangup(this.nativeIndex));
  }

  async call(options: CallOptions = {}): Promise<OpResult> {
    this.engine.assertOpen();
    const st = this.state;
    if (st !== 'idle') throw boardError('BOARD_STATE', `call() on ${this.name}, which is ${st} (the line must be idle)`, { channel: this.name, state: st });
    const timeoutMs = checkInt('timeoutMs', options.timeoutMs ?? 60000, 10, 3600000);
    const calling = checkDigits('callerNumber', options.callerNumber ?? '');
    const called = checkDigits('calledNumber', options.calledNumber ?? '');
    if (calling.length > NUMBER_MAX || called.length > NUMBER_MAX) throw boardError('BOARD_ARG', `callerNumber and calledNumber hold at most ${NUMBER_MAX} digits, got ${calling.length} and ${called.length}`);
    const [ka, kd] = r2CallOptions(this, options, calling, called);
    let id = 0;
    const d = await this.engine.request(
      'call',
      (req) => {
        id = req;
        this.engine.native.call(this.nativeIndex, req, timeoutMs, calling, called, ka, kd);
      },
      options.signal,
      (req) => {
        // Abort: the call operation ends 'stopped', then the seizure is released.
        this.engine.native.stop(this.nativeIndex, 1 << OP.call, req);
        this.engine.native.hangup(this.nativeIndex);
      },
    );
    return { requestId: id, reason: d.reason, durationMs: d.durationMs };
  }

  private playItem(item: PlayItem, i: number, gainDb: number): NativePlayItem {
    if (typeof item === 'string') return fileClip(this.board.resolvePath(item), gainDb);
    if (!item || typeof item !== 'object' || !('encoding' in item)) throw boardError('BOARD_ARG', `play item ${i} must be a file path or { encoding, data }`);
    const format = WAV_FORMAT[item.encoding];
    if (!format) throw boardError('BOARD_ARG', `play item ${i}: encoding must be alaw, ulaw or pcm16`);
    const data = item.data;
    if (!(data instanceof Uint8Array) && !(data instanceof Int16Array)) throw boardError('BOARD_ARG', `play item ${i}: data must be a Buffer, Uint8Array or Int16Array`);
    if (item.encoding === 'pcm16' && data.byteLength % 2) throw boardError('BOARD_ARG', `play item ${i}: pcm16 data has an odd byte count`);
    return bufferClip(data, format, gainDb);
  }

  async play(items: PlayItem | PlayItem[], options: PlayOptions = {}): Promise<PlayResult> {
    this.requireCall('play()');
    const list = Array.isArray(items) ? items : [items];
    if (list.length === 0 || list.length > 256) throw boardError('BOARD_ARG', 'play() needs 1 to 256 items');
    const mask = stopMask('stopOnDigits', options.stopOnDigits);
    const gain = options.gainDb ?? 0;
    if (typeof gain !== 'number' || !(gain >= -60 && gain <= 30)) throw boardError('BOARD_ARG', 'gainDb must be from -60 to 30');
    const native = list.map((it, i) => this.playItem(it, i, gain));
    let id = 0;
    const d = await this.engine.request(
      'play',
      (req) => {
        id = req;
        this.engine.native.play(this.nativeIndex, req, native, mask, gain, txFlags(options.mix));
      },
      options.signal,
      (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.play, req),
    );
    return { requestId: id, reason: d.reason, positionMs: d.durationMs, itemIndex: d.extra };
  }

  async getDigits(options: GetDigitsOptions = {}): Promise<DigitsResult> {
    this.requireCall('getDigits()');
    const max = checkInt('max', options.max ?? 1, 1, 23);
    const term = digitMask(checkDigits('terminators', options.terminators ?? ''));
    const first = checkInt('firstDigitTimeoutMs', options.firstDigitTimeoutMs ?? 5000, 0, 3600000);
    const inter = checkInt('interDigitTimeoutMs', options.interDigitTimeoutMs ?? 3000, 0, 3600000);
    let id = 0;
    const d = await this.engine.request(
      'getDigits',
      (req) => {
        id = req;
        this.engine.native.getDigits(this.nativeIndex, req, max, term, first, inter, !!options.clearBuffer);
      },
      options.signal,
      (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.getDigits, req),
    );
    return { requestId: id, reason: d.reason, digits: d.text, ...(d.extra ? { terminator: String.fromCharCode(d.extra) } : {}) };
  }

  setDetectors(options: { dtmf?: boolean; tones?: boolean; mf?: MfDirection | false }): void {
    if (options.mf !== undefined) {
      if (options.mf !== false && options.mf !== 'forward' && options.mf !== 'backward') throw boardError('BOARD_ARG', "mf must be 'forward', 'backward' or false");
      const dir = options.mf === false ? -1 : options.mf === 'forward' ? 0 : 1;
      this.engine.call('setDetectors', () => this.engine.native.detectMf(this.nativeIndex, dir));
    }
    const flag = (name: string, v: boolean | undefined) => {
      if (v === undefined) return -1;
      if (typeof v !== 'boolean') throw boardError('BOARD_ARG', `${name} must be true or false`);
      return v ? 1 : 0;
    };
    const dtmf = flag('dtmf', options.dtmf);
    const tones = flag('tones', options.tones);
    this.engine.call('setDetectors', () => this.engine.native.detect(this.nativeIndex, dtmf, tones));
  }

  r2(): R2Info | undefined {
    return this.engine.call('China No.1 state', () => this.engine.native.r2Info(this.nativeIndex));
  }

  setR2Answer(kb: R2Kb): void {
    const v = R2_KB.indexOf(kb);
    if (v < 0) throw boardError('BOARD_ARG', `setR2Answer takes ${R2_KB.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kb)}`);
    this.r2Command('setR2Answer', 2, v);
  }

  r2Block(on: boolean): void {
    if (typeof on !== 'boolean') throw boardError('BOARD_ARG', 'r2Block takes true or false');
    this.r2Command('r2Block', 1, on ? 1 : 0);
  }

  private r2Command(what: string, cmd: number, value: number): void {
    if (this.r2() === undefined) {
      throw boardError('BOARD_ARG', `${what}: ${this.name} is not on a China No.1 span (profile "signalling": "china-no1")`);
    }
    this.engine.call(what, () => this.engine.native.r2Cmd(this.nativeIndex, cmd, value));
  }

  echoCanceller(on: boolean | EchoCancellerOptions): void {
    if (typeof on === 'boolean') {
      this.engine.call('echoCanceller', () => this.engine.native.echo(this.nativeIndex, on ? 1 : 0));
      return;
    }
    const { taps, params } = checkEchoOptions(on);
    this.engine.call('echoCanceller', () => this.engine.native.echo(this.nativeIndex, 1, taps, params));
  }

  simulateLine(kind: LineEventKind, value = 1): void {
    const k = Object.entries(LINE_KINDS).find(([, name]) => name === kind)?.[0];
    if (k === undefined) throw boardError('BOARD_ARG', `simulateLine: kind must be one of ${Object.values(LINE_KINDS).join(', ')}, got ${JSON.stringify(kind)}`);
    if (value !== 0 && value !== 1) throw boardError('BOARD_ARG', `simulateLine: value must be 0 or 1, got ${JSON.stringify(value)}`);
    const e = this.engine;
    if (e.driver !== 'sim') throw boardError('BOARD_STATE', `simulateLine is for the sim; on ${e.driver} the line brings its own events`);
    const slot = timeslotOf(this.nativeIndex % BEARERS); // a port's or T1 channel's place on the native span
    e.call('simulateLine', () => e.native.driver(this.span.nativeSpan, SIM.TS_LINE | (slot << 8), Number(k) * 256 + value));
  }

  clearDigits(): void {
    this.engine.call('clearDigits', () => this.engine.native.clearDigits(this.nativeIndex));
  }

  async record(file: string, options: RecordOptions = {}): Promise<RecordResult> {
    this.requireCall('record()');
    const path = this.board.outputPath(file);
    const format = WAV_FORMAT[options.format ?? 'alaw'];
    if (!format) throw boardError('BOARD_ARG', 'format must be alaw, ulaw or pcm16');
    const maxMs = checkInt('maxMs', options.maxMs ?? 60000, 0, 24 * 3600000);
    const silenceMs = checkInt('silenceMs', options.silenceMs ?? 0, 0, 3600000);
    const thr = options.silenceThresholdDbm0 ?? -40;
    if (typeof thr !== 'number' || !(thr >= -90 && thr <= 3)) throw boardError('BOARD_ARG', 'silenceThresholdDbm0 must be from -90 to 3');
    const mask = stopMask('stopOnDigits', options.stopOnDigits);
    let id = 0;
    const d = await this.engine.request(
      'record',
      (req) => {
        id = req;
        this.engine.native.record(this.nativeIndex, req, path, format, 0, maxMs, silenceMs, thr, mask);
      },
      options.signal,
      (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.record, req),
    );
    return recordResult(id, path, d);
  }

  async sendDigits(digits: string, options: SendDigitsOptions = {}): Promise<OpResult> {
    this.requireCall('sendDigits()');
    const keys = checkDigits('digits', digits);
    if (keys.length === 0 || keys.length > 63) throw boardError('BOARD_ARG', 'sendDigits() takes 1 to 63 keys');
    const on = checkInt('toneMs', options.toneMs ?? 80, 10, 2000);
    const off = checkInt('gapMs', options.gapMs ?? 80, 0, 2000);
    const level = options.levelDbm0 ?? -8;
    if (typeof level !== 'number' || !(level >= -50 && level <= 0)) throw boardError('BOARD_ARG', 'levelDbm0 must be from -50 to 0');
    let id = 0;
    const d = await this.engine.request(
      'sendDigits',
      (req) => {
        id = req;
        this.engine.native.sendDigits(this.nativeIndex, req, keys, on, off, level, txFlags(options.mix));
      },
      options.signal,
      (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.sendDigits, req),
    );
    return { requestId: id, reason: d.reason, durationMs: d.durationMs };
  }

  async sendMf(codes: number[], options: SendMfOptions): Promise<OpResult> {
    this.requireCall('sendMf()');
    if (!Array.isArray(codes) || codes.length === 0 || codes.length > 63) throw boardError('BOARD_ARG', 'sendMf() takes 1 to 63 codes');
    codes.forEach((c, i) => checkInt(`codes[${i}]`, c, 1, 15));
    const dir = mfDir(options?.direction);
    const on = checkInt('toneMs', options.toneMs ?? 100, 10, 5000);
    const off = checkInt('gapMs', options.gapMs ?? 100, 0, 5000);
    const level = options.levelDbm0 ?? -11.5;
    checkMfLevel(level);
    let id = 0;
    const d = await this.engine.request(
      'sendMf',
      (req) => {
        id = req;
        this.engine.native.sendMf(this.nativeIndex, req, codes, dir, on, off, level);
      },
      options.signal,
      (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.sendMf, req),
    );
    return { requestId: id, reason: d.reason, durationMs: d.durationMs };
  }

  async flash(options: { durationMs?: number; signal?: AbortSignal } = {}): Promise<OpResult> {
    this.engine.assertOpen();
    // E1 CAS (Q.421, China No.1) has no hook flash: an on-hook on the ABCD bits
    // is a clear, and the far end would release the call.
    if (this.kind === 'e1') throw boardError('BOARD_STATE', `flash() on ${this.name}: a hook flash exists only on analog ports; on an E1 line it would clear the call`, { channel: this.name });
    if (this.state !== 'connected') throw boardError('BOARD_NOT_CONNECTED', `flash() on ${this.name}, which is ${this.state}`, { channel: this.name });
    const ms = checkInt('durationMs', options.durationMs ?? 300, 50, 780);
    let id = 0;
    const d = await this.engine.request('flash', (req) => {
      id = req;
      this.engine.native.flash(this.nativeIndex, req, ms);
    });
    return { requestId: id, reason: d.reason, durationMs: ms };
  }

  setMfTone(code: number, direction: MfDirection, levelDbm0 = -11.5): void {
    this.engine.assertOpen();
    checkInt('code', code, 0, 15);
    const dir = mfDir(direction);
    checkMfLevel(levelDbm0);
    this.engine.call('setMfTone', () => this.engine.native.mfTone(this.nativeIndex, dir, code, levelDbm0));
  }

  async playTone(tone: 'dial' | 'busy' | 'ringback' | 'congestion', options: ToneOptions = {}): Promise<OpResult> {
    this.requireCall('playTone()');
    const kind = ['dial', 'busy', 'ringback', 'congestion'].indexOf(tone) + 1;
    if (kind <= 0) throw boardError('BOARD_ARG', `tone must be dial, busy, ringback or congestion, got ${JSON.stringify(tone)}`);
    const dur = checkInt('durationMs', options.durationMs ?? 0, 0, 24 * 3600000);
    let id = 0;
    const d = await this.engine.request(
      'tone',
      (req) => {
        id = req;
        this.engine.native.tone(this.nativeIndex, req, kind, dur, txFlags(options.mix));
      },
      options.signal,
      (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.tone, req),
    );
    return { requestId: id, reason: d.reason, durationMs: d.durationMs };
  }

  impair(imp: ChannelImpairments): void {
    const { noise, gain } = checkNoiseGain(imp);
    if (imp.echoLossDb !== undefined && imp.echoLossDb !== null && (typeof imp.echoLossDb !== 'number' || !(imp.echoLossDb >= 0 && imp.echoLossDb <= 60)))
      throw boardError('BOARD_ARG', 'echoLossDb must be from 0 to 60 dB, or null (no echo)');
    if (imp.echoDelayMs !== undefined && (typeof imp.echoDelayMs !== 'number' || !(imp.echoDelayMs >= 0 && imp.echoDelayMs <= 32)))
      throw boardError('BOARD_ARG', 'echoDelayMs must be from 0 to 32');
    const e = this.engine;
    const what = (op: number) => op | (this.timeslot << 8);
    if (noise !== undefined) e.call('impair', () => e.native.driver(this.span.nativeSpan, what(SIM.TS_NOISE_DBM0), noise));
    if (gain !== undefined) e.call('impair', () => e.native.driver(this.span.nativeSpan, what(SIM.TS_GAIN_DB), gain));
    if (imp.echoDelayMs !== undefined) {
      const ms = imp.echoDelayMs;
      e.call('impair', () => e.native.driver(this.span.nativeSpan, what(SIM.TS_ECHO_MS), ms));
    }
    if (imp.echoLossDb !== undefined) {
      const db = imp.echoLossDb ?? 99;
      e.call('impair', () => e.native.driver(this.span.nativeSpan, what(SIM.TS_ECHO_DB), db));
    }
  }

  loopback(on: boolean): void {
    if (typeof on !== 'boolean') throw boardError('BOARD_ARG', `loopback takes true or false, got ${JSON.stringify(on)}`);
    const e = this.engine;
    const at = this.timeslot << 8;
    // A card loops the channel in its driver (DAHDI_LOOPBACK). The sim has
    // no such switch: the far end hears what it sends come back, which is an
    // echo at 0 dB with no added delay on the far span's timeslot.
    if (e.driver === 'dahdi') return e.call('loopback', () => e.native.driver(this.span.nativeSpan, at | DAHDI.TS_LOOPBACK, on ? 1 : 0));
    const far = e.peers[this.span.nativeSpan] ?? -1;
    if (far < 0) throw boardError('BOARD_STATE', `${this.name} has no simulated far end to loop (the profile has no network side)`);
    e.call('loopback', () => e.native.driver(far, at | SIM.TS_ECHO_MS, 0));
    e.call('loopback', () => e.native.driver(far, at | SIM.TS_ECHO_DB, on ? 0 : 99));
  }

  stop(): void {
    this.engine.call('stop', () =>
      this.engine.native.stop(this.nativeIndex, (1 << OP.play) | (1 << OP.record) | (1 << OP.getDigits) | (1 << OP.sendDigits) | (1 << OP.tone) | (1 << OP.sendMf), 0),
    );
  }

  route(to: Channel, options: RouteOptions = {}): void {
    const dst = this.board.own(to, 'route()');
    this.engine.call('route', () => {
      this.engine.native.route(this.nativeIndex, dst.nativeIndex);
      if ((options.duplex ?? 'full') === 'full') this.engine.native.route(dst.nativeIndex, this.nativeIndex);
    });
  }

  unroute(): void {
    this.engine.call('unroute', () => this.engine.native.unroute(this.nativeIndex));
  }

  stream(options?: StreamOptions): AudioStream {
    return openStream(this.engine, this.nativeIndex, this.name, options);
  }

  tap(file: string, options: TapOptions = {}): Tap {
    if (!options.armed) this.requireCall('tap()');
    const path = this.board.outputPath(file);
    const format = WAV_FORMAT[options.format ?? 'alaw'];
    if (!format) throw boardError('BOARD_ARG', 'format must be alaw, ulaw or pcm16');
    const mode = options.mode ?? 'stereo';
    if (mode !== 'stereo' && mode !== 'mixed') throw boardError('BOARD_ARG', "mode must be 'stereo' or 'mixed'");
    const maxMs = checkInt('maxMs', options.maxMs ?? 0, 0, 24 * 3600000);
    const segmentMs = checkInt('segmentMs', options.segmentMs ?? 0, 0, 3 * 3600000);
    if (segmentMs !== 0 && segmentMs < 10) throw boardError('BOARD_ARG', 'segmentMs must be 0 (one file) or from 10 to 10800000');
    if (options.armed !== undefined && typeof options.armed !== 'boolean') throw boardError('BOARD_ARG', 'armed takes true or false');
    const peerOf = (other: Channel | null | undefined, what: string): number => {
      if (other === null || other === undefined) return -1;
      const o = this.board.own(other, what);
      if (o === this) throw boardError('BOARD_ARG', `${what}: a tap's other side must be another channel (null: what this channel sends)`);
      return o.nativeIndex;
    };
    const peer = peerOf(options.other, 'tap() other');
    let id = 0;
    const done = this.engine
      .request(
        'tap',
        (req) => {
          id = req;
          this.engine.native.tap(this.nativeIndex, req, path, format, mode === 'stereo' ? 1 : 2, maxMs, peer, segmentMs, options.armed ?? false);
        },
        options.signal,
        (req) => this.engine.native.stop(this.nativeIndex, 1 << OP.tap, req),
      )
      .then((d): RecordResult => recordResult(id, path, d, segmentMs > 0));
    const engine = this.engine;
    const nativeIndex = this.nativeIndex;
    return {
      get requestId() {
        return id;
      },
      file: path,
      done,
      repoint: (other: Channel | null) => {
        const p = peerOf(other, 'repoint()');
        engine.call('tap repoint', () => engine.native.tapPeer(nativeIndex, id, p));
      },
      stop(): Promise<RecordResult> {
        if (!engine.isClosed()) engine.native.stop(nativeIndex, 1 << OP.tap, id);
        return done;
      },
    };
  }
}

class SpanImpl implements Span {
  readonly channels: ChannelImpl[] = [];
  constructor(
    readonly board: BoardView,
    readonly index: number,
    readonly nativeSpan: number,
    readonly kind: 'E1' | 'T1' | 'fxs' | 'fxo',
    readonly name?: string,
    /** The span runs China No.1 (profile "signalling": "china-no1"; the network side mirrors it). */
    readonly chinaNo1 = false,
  ) {}

  status(): SpanStatus {
    const s = this.board.engine.call('span status', () => this.board.engine.native.spanStatus(this.nativeSpan));
    return {
      alarms: { los: !!(s.alarms & 1), ais: !!(s.alarms & 2), rai: !!(s.alarms & 4), lof: !!(s.alarms & 8) },
      counters: {
        crc4Errors: s.crc4Errors,
        bipolarViolations: s.bipolarViolations,
        slips: s.slips,
        erroredSeconds: s.erroredSeconds,
        driverErrors: s.driverErrors,
        lostFrames: s.lostFrames,
        lineDrops: { bits: s.lineDrops[0], hook: s.lineDrops[1], ring: s.lineDrops[2], polarity: s.lineDrops[3], wink: s.lineDrops[4], flash: s.lineDrops[5] },
      },
    };
  }

  impair(imp: Impairments): void {
    const e = this.board.engine;
    const set = (what: number, v: number) => e.call('impair', () => e.native.driver(this.nativeSpan, what, v));
    const { noise, gain } = checkNoiseGain(imp);
    if (noise !== undefined) set(SIM.NOISE_DBM0, noise);
    if (gain !== undefined) set(SIM.GAIN_DB, gain);
    if (imp.bitErrorRate !== undefined) {
      if (typeof imp.bitErrorRate !== 'number' || !(imp.bitErrorRate >= 0 && imp.bitErrorRate <= 0.1)) throw boardError('BOARD_ARG', 'bitErrorRate must be from 0 to 0.1');
      set(SIM.BER, imp.bitErrorRate);
    }
    if (imp.slipsPerMinute !== undefined) {
      if (typeof imp.slipsPerMinute !== 'number' || !(imp.slipsPerMinute >= 0 && imp.slipsPerMinute <= 6000)) throw boardError('BOARD_ARG', 'slipsPerMinute must be from 0 to 6000');
      set(SIM.SLIPS, imp.slipsPerMinute);
    }
  }

  r2Counters(): R2Counters | undefined {
    let sum: R2Counters | undefined;
    for (const ch of this.channels) {
      const c = ch.r2()?.counters;
      if (!c) continue;
      sum ??= { callsIn: 0, callsOut: 0, offered: 0, accepted: 0, answered: 0, glare: 0, mfSent: 0, mfReceived: 0, failed: {} };
      for (const k of ['callsIn', 'callsOut', 'offered', 'accepted', 'answered', 'glare', 'mfSent', 'mfReceived'] as const) sum[k] += c[k];
      for (const [cause, n] of Object.entries(c.failed)) sum.failed[cause] = (sum.failed[cause] ?? 0) + n;
    }
    return sum;
  }

  setCable(connected: boolean): void {
    const e = this.board.engine;
    e.call('cable', () => e.native.driver(this.nativeSpan, SIM.CABLE, connected ? 1 : 0));
  }

  sendRai(on: boolean): void {
    const e = this.board.engine;
    e.call('rai', () => e.native.driver(this.nativeSpan, SIM.SEND_RAI, on ? 1 : 0));
  }

  sendAis(on: boolean): void {
    const e = this.board.engine;
    e.call('ais', () => e.native.driver(this.nativeSpan, SIM.SEND_AIS, on ? 1 : 0));
  }
}

// The conference each channel is in (the native switch keeps one per
// channel: joining another conference moves it there).
const conferenceOf = new WeakMap<Channel, ConferenceImpl>();
// Members per conference in the native switch (engine.h kConfMax).
const CONF_MAX = 32;

class ConferenceImpl implements Conference {
  private list: Array<{ channel: Channel; mode: ConferenceMode; whisperTo?: Channel }> = [];
  private closed = false;
  // Per member: watches for the end of its call, when the native switch drops it (engine.cc go_idle).
  private watches = new Map<Channel, Subscription>();
  constructor(
    private readonly board: BoardView,
    readonly id: number,
    private readonly release: (id: number) => void,
  ) {}

  get members(): ReadonlyArray<{ channel: Channel; mode: ConferenceMode; whisperTo?: Channel }> {
    return this.list;
  }

  join(channel: Channel, options: JoinOptions = {}): void {
    if (this.closed) throw boardError('BOARD_STATE', `conference ${this.id} is closed`);
    const ch = this.board.own(channel, 'join()');
    const mode = options.mode ?? 'speak+listen';
    const modeNum = ['speak+listen', 'listen', 'whisper'].indexOf(mode);
    if (modeNum < 0) throw boardError('BOARD_ARG', `mode must be speak+listen, listen or whisper, got ${JSON.stringify(mode)}`);
    let target = -1;
    if (mode === 'whisper') {
      if (!options.whisperTo) throw boardError('BOARD_ARG', 'a whisper member needs whisperTo (the member who hears it)');
      const t = this.board.own(options.whisperTo, 'whisperTo');
      if (t === ch) throw boardError('BOARD_ARG', 'a member cannot whisper to itself');
      target = t.nativeIndex;
    }
    const rejoin = this.list.some((m) => m.channel === channel);
    // The native switch would ignore a member past its table and the join would seem to work.
    if (!rejoin && this.list.length >= CONF_MAX) {
      throw boardError('BOARD_BUSY', `conference ${this.id} already has ${CONF_MAX} members, the most one conference holds`);
    }
    if (options.keepRoute !== undefined && typeof options.keepRoute !== 'boolean') throw boardError('BOARD_ARG', 'keepRoute takes true or false');
    // board.h HL_CONF_KEEP_ROUTE = 1
    this.board.engine.call('conference join', () => this.board.engine.native.confJoin(this.id, ch.nativeIndex, modeNum, target, options.keepRoute ? 1 : 0));
    // Joining here took the channel out of any other conference (native side): drop it from that list too,
    // or that conference's leave()/close() would later pull it out of this one.
    const prev = conferenceOf.get(channel);
    if (prev && prev !== this) prev.forget(channel);
    conferenceOf.set(channel, this);
    this.list = this.list.filter((m) => m.channel !== channel);
    this.list.push({ channel, mode, ...(options.whisperTo ? { whisperTo: options.whisperTo } : {}) });
    if (!this.watches.has(channel)) {
      // Events already queued carry times up to now(); only a later 'idle' ends this membership.
      const joinedAt = this.board.now();
      this.watches.set(
        channel,
        channel.events$.subscribe((e) => {
          if (e.type === 'idle' && e.time > joinedAt && conferenceOf.get(channel) === this) {
            conferenceOf.delete(channel);
            this.forget(channel);
          }
        }),
      );
    }
  }

  /** The channel moved to another conference or its call ended: no longer ours, nothing to undo natively. */
  forget(channel: Channel): void {
    this.list = this.list.filter((m) => m.channel !== channel);
    this.watches.get(channel)?.unsubscribe();
    this.watches.delete(channel);
  }

  leave(channel: Channel): void {
    const ch = this.board.own(channel, 'leave()');
    if (!this.list.some((m) => m.channel === channel)) return;
    if (conferenceOf.get(channel) === this) {
      this.board.engine.call('conference leave', () => this.board.engine.native.confLeave(ch.nativeIndex));
      conferenceOf.delete(channel);
    }
    this.forget(channel);
  }

  close(): void {
    if (this.closed) return;
    for (const m of [...this.list]) {
      if (!this.board.engine.isClosed()) this.leave(m.channel);
      else this.forget(m.channel);
    }
    this.closed = true;
    this.release(this.id);
  }
}

export class BoardView implements Board {
  readonly spans: SpanImpl[] = [];
  readonly channels: ChannelImpl[] = [];
  network: BoardView | null = null;
  readonly events$: Observable<BoardEvent>;
  private readonly subject = new Subject<BoardEvent>();
  private readonly perChannel = new Map<number, Subject<ChannelEvent>>();

  constructor(
    readonly engine: Engine,
    readonly name: string,
    readonly firstSpan: number,
    spanCount: number,
    private readonly profile: BoardProfile,
    private readonly baseDir: string,
    private readonly shared: SharedState,
    networkSide = false,
  ) {
    this.events$ = this.subject.asObservable();
    const roles = channelRoles(profile);
    // The profile's echo cancellers: the engine side only (the network side stands for the far end).
    const echo = networkSide ? new Map<string, true | EchoCancellerOptions>() : echoCancellers(profile);
    for (let s = 0; s < spanCount; s++) {
      const sp = profile.spans[s];
      // An analog port group or a T1 occupies one native span; its ports or channels are the first N bearers.
      const kind = sp.type === 'analog' ? (networkSide ? (sp.role === 'fxs' ? 'fxo' : 'fxs') : sp.role) : sp.type;
      const span = new SpanImpl(this, s, firstSpan + s, kind, sp.name, sp.type === 'E1' && sp.signalling === 'china-no1');
      this.spans.push(span);
      const count = spanChannels(sp);
      for (let k = 0; k < count; k++) {
        const nativeIndex = (firstSpan + s) * BEARERS + k;
        const ch = new ChannelImpl(this, span, this.channels.length, kind === 'E1' ? timeslotOf(k) : k + 1, nativeIndex, kind === 'E1' || kind === 'T1' ? 'e1' : kind);
        const role = roles.get(`${s}:${ch.timeslot}`)?.role;
        if (role) ch.role = role;
        this.localIndex.set(nativeIndex, ch.index);
        // Loop start: the side that faces a telephone or an FXO line tells a flash from a hang-up.
        if (kind === 'fxs') engine.native.hookGuard(nativeIndex, true);
        const ec = echo.get(`${s}:${ch.timeslot}`);
        if (ec === true) engine.native.echo(nativeIndex, 1);
        else if (ec) engine.native.echo(nativeIndex, 1, ec.taps, checkEchoOptions(ec).params);
        if (ch.index !== nativeIndex) this.identity = false;
        span.channels.push(ch);
        this.channels.push(ch);
      }
    }
  }
  /** Native channel -> this view's channel index (they differ on the network side and after analog spans). */
  private readonly localIndex = new Map<number, number>();
  private identity = true;

  get driver(): 'sim' | 'dahdi' {
    return this.engine.driver;
  }
  get mode(): 'stepped' | 'realtime' {
    return this.engine.mode;
  }
  get tickMs(): number {
    return this.engine.tickMs;
  }
  get scheduler() {
    return this.engine.scheduler;
  }

  channelSubject(nativeIndex: number): Observable<ChannelEvent> {
    let s = this.perChannel.get(nativeIndex);
    if (!s) {
      s = new Subject<ChannelEvent>();
      this.perChannel.set(nativeIndex, s);
    }
    return s.asObservable();
  }

  /** Whether a subscriber waits for events of this native channel (-1: span/board events only). */
  wants(nativeChannel: number): boolean {
    return this.subject.observed || (nativeChannel >= 0 && this.perChannel.get(nativeChannel)?.observed === true);
  }

  /** Delivers an event whose native numbers fall in this view. */
  deliver(ev: BoardEvent, nativeChannel: number, nativeSpan: number): void {
    // Where the view's numbers are the native ones (an all-E1 engine side), the event goes
    // out as decoded; otherwise it is renumbered (one copy).
    const local =
      this.identity && this.firstSpan === 0
        ? ev
        : ({ ...ev, span: nativeSpan - this.firstSpan, channel: nativeChannel >= 0 ? (this.localIndex.get(nativeChannel) ?? -1) : -1 } as BoardEvent);
    if (nativeChannel >= 0) this.perChannel.get(nativeChannel)?.next(local as ChannelEvent);
    this.subject.next(local);
  }

  now(): number {
    return this.engine.now();
  }

  advance(ms: number): Promise<void> {
    return this.engine.advance(ms);
  }

  channel(a: number, b?: number): Channel {
    if (b === undefined) {
      if (!Number.isInteger(a) || a < 0 || a >= this.channels.length) {
        throw boardError('BOARD_CHANNEL_UNKNOWN', `channel ${a} (this board has ${this.channels.length}, 0-${this.channels.length - 1})`, { channel: a });
      }
      return this.channels[a];
    }
    if (!Number.isInteger(a) || a < 0 || a >= this.spans.length) throw boardError('BOARD_CHANNEL_UNKNOWN', `span ${a} (this board has ${this.spans.length})`, { span: a });
    const span = this.spans[a];
    if (span.kind !== 'E1') {
      if (!Number.isInteger(b) || b < 1 || b > span.channels.length) throw boardError('BOARD_CHANNEL_UNKNOWN', `${span.kind === 'T1' ? 'channel' : 'port'} ${b} (span ${a} has ${span.kind} ${span.kind === 'T1' ? 'channels' : 'ports'} 1-${span.channels.length})`, { span: a, port: b });
      return span.channels[b - 1];
    }
    if (!Number.isInteger(b) || b < 1 || b > 31 || b === 16) throw boardError('BOARD_CHANNEL_UNKNOWN', `timeslot ${b} (bearers are 1-15 and 17-31; 16 carries CAS)`, { span: a, timeslot: b });
    return span.channels[b < 16 ? b - 1 : b - 2];
  }

  group(name: string): Channel[] {
    // Own keys only: 'toString' or 'constructor' must not find Object.prototype's members.
    const groups = this.profile.groups;
    const g = typeof name === 'string' && groups && Object.hasOwn(groups, name) ? groups[name] : undefined;
    const spec = g === undefined ? undefined : groupChannels(g);
    if (typeof spec !== 'string') throw boardError('BOARD_CHANNEL_UNKNOWN', `no channel group '${name}' in profile ${this.profile.name}`);
    return parseGroup(spec, this.spans.length, name, this.profile.spans).map(([s, ts]) => this.channel(s, ts));
  }

  byRole(...roles: ChannelRole[]): Channel[] {
    return this.channels.filter((ch) => roles.includes(ch.role));
  }

  own(ch: Channel, what: string): ChannelImpl {
    if (!(ch instanceof ChannelImpl) || ch.board.engine !== this.engine) throw boardError('BOARD_CHANNEL_UNKNOWN', `${what}: the channel belongs to another board`);
    return ch;
  }

  createConference(): Conference {
    this.engine.assertOpen();
    const id = this.shared.freeConfs.pop();
    if (id === undefined) throw boardError('BOARD_BUSY', 'every conference of the board is in use');
    return new ConferenceImpl(this, id, (n) => this.shared.freeConfs.push(n));
  }

  stats(): BoardStats {
    const s = this.engine.native.stats();
    return {
      ticks: s.ticks,
      overruns: s.overruns,
      lateTicks: s.lateTicks,
      eventsDelivered: s.events,
      eventsDropped: s.eventsDropped,
      commandsDeferred: s.commandsDeferred,
      clockErrors: s.clockErrors,
      driverErrors: s.driverErrors,
      recordingDroppedSamples: s.recDropped,
      eventLatencyP50Ms: s.latencyP50Ms,
      eventLatencyP99Ms: s.latencyP99Ms,
    };
  }

  resetLatencyStats(): void {
    this.engine.call('resetLatencyStats', () => this.engine.native.resetLatency());
  }

  resolvePath(file: string): string {
    if (typeof file !== 'string' || !file) throw boardError('BOARD_ARG', 'a file path must be a non-empty string');
    return isAbsolute(file) ? file : resolve(this.baseDir, file);
  }

  outputPath(file: string): string {
    const path = this.resolvePath(file);
    if (!existsSync(dirname(path))) throw boardError('BOARD_FILE_NOT_FOUND', `the folder of ${path} does not exist`, { file: path });
    return path;
  }

  async close(): Promise<void> {
    this.engine.close();
    for (const s of this.perChannel.values()) s.complete();
    this.subject.complete();
    if (this.network && !this.network.closing) {
      this.network.closing = true;
      await this.network.close();
    }
  }
  closing = false;
}

interface SharedState {
  freeConfs: number[];
}

// KB answers in signalling/r2.h's hl_r2_kb order.
const R2_KB: R2Kb[] = ['free', 'busy-local', 'busy-toll', 'congestion', 'vacant'];

/**
 * Opens a board from a profile (a path to boards/*.json or the object itself).
 * Stepped mode (default): time moves only in `board.advance(ms)`.
 */
export async function openBoard(profile: string | BoardProfile, options: OpenOptions = {}): Promise<Board> {
  const p = trunkSignalling(loadProfile(profile));
  const mode = options.mode ?? 'stepped';
  if (mode !== 'stepped' && mode !== 'realtime') throw boardError('BOARD_ARG', `mode must be 'stepped' or 'realtime', got ${JSON.stringify(mode)}`);
  const jsRt = options.jsRealtime ?? process.env.HL_BOARD_JS_RT === '1';
  if (typeof jsRt !== 'boolean') throw boardError('BOARD_ARG', `jsRealtime must be true or false, got ${JSON.stringify(jsRt)}`);
  const n = p.spans.length;
  const loop = p.network?.type === 'loop';
  const total = loop ? 2 * n : n;
  const peers = Array.from({ length: total }, (_, i) => (loop ? (i < n ? i + n : i - n) : -1));
  const native = openNative(p, total, peers);
  setSignalling(native, p, n, loop);
  const onDahdi = p.driver === 'dahdi' || process.env.HL_BOARD_DRIVER === 'dahdi';
  const engine = new Engine(native, p.tickMs ?? 10, mode, jsRt);
  engine.driver = onDahdi ? 'dahdi' : 'sim';
  engine.peers = peers;
  const shared: SharedState = { freeConfs: Array.from({ length: Math.max(1, (total * BEARERS) >> 1) }, (_, i) => (total * BEARERS) / 2 - 1 - i) };
  const baseDir = options.baseDir ?? process.cwd();
  const main = new BoardView(engine, p.name, 0, n, p, baseDir, shared);
  if (loop) {
    const net = new BoardView(engine, `${p.name}:network`, n, n, { ...p, groups: undefined }, baseDir, shared, true);
    main.network = net;
    net.network = null;
    engine.setDispatch(
      (ev, ch, span) => (span >= n ? net : main).deliver(ev, ch, span),
      // overrun events (span -1) go to the engine side, as deliver() sends them
      (ch, span) => (span >= n ? net : main).wants(ch),
    );
  } else {
    engine.setDispatch(
      (ev, ch, span) => main.deliver(ev, ch, span < 0 ? 0 : span),
      (ch) => main.wants(ch),
    );
  }
  return main;
}

