// Runs a flow on one call, node by node. Every line operation is a board
// command carrying the call's AbortSignal; a hang-up aborts the signal, so the
// operation in flight ends at once (reason 'hangup' or 'stopped') and no node
// starts another. After a hang-up only non-media nodes run (the node's
// `onHangup` path: create the case from what was recorded, store answers).
import { existsSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import type { SchedulerLike } from 'rxjs';
import { basename, join, relative } from 'node:path';
import type { DigitsResult, PlayItem, PlayResult, RecordResult } from '../board/types.ts';
import { inProgressName } from '../board/recording.ts';
import type { RecordingHook } from '../recording/maintain.ts';
import { BureauCalendar } from '../cases/calendar.ts';
import { CASE_KINDS, type CaseKind, type CaseStore, type CreateCaseInput, type KnowledgeEntry } from '../cases/types.ts';
import { parseWav, readWavSamples, rmsDbfs, wavSamples } from '../dsp/wav.ts';
import type { Condition, Flow, FlowNode } from './flow-types.ts';
import { isEmail, type Mailer } from './mail.ts';
import type { LinePort } from './port.ts';
import type { PromptSet } from './prompts.ts';
import { fields, say, sayResult, sayStatus, type SayKind } from './say.ts';
import { TEMPLATE } from './flow-check.ts';

export interface IvrServices {
  prompts: PromptSet;
  store: CaseStore;
  mailer?: Mailer;
  /** Absolute data folder; recordings go to <dataDir>/recordings. */
  dataDir: string;
  /** Epoch ms now (the board clock mapped to wall time). */
  now(): number;
  /** The bureau's working calendar (the case store's); default: the State Council's. */
  calendar?: WorkingCalendar;
  /** Told each step of every call: `hotline call` prints them node by node. */
  trace?(e: IvrTraceEvent): void;
  log?(line: string): void;
  /** Board-time timers (the call core's scheduler); without it a record node has no no-speech cut-off. */
  scheduler?: SchedulerLike;
  /**
   * Counts store and mail requests in flight. A stepped simulation holds board
   * time while it is above 0, as a real-time line would barely notice them.
   */
  io?: { pending: number };
  /** The recording index: told when a finished take is kept, dropped, or linked to a case. */
  recorded?: RecordingHook;
}

/** One step of a call, as `hotline call` shows it. */
export type IvrTraceEvent =
  | { type: 'node'; callId: string; node: string; nodeType: FlowNode['type'] }
  /** Prompts played (ids, or file names for recordings); reason 'digits': a key cut in at item itemIndex. */
  | { type: 'play'; callId: string; prompts: string[]; reason: string; itemIndex: number }
  | { type: 'digits'; callId: string; digits: string; reason: string }
  /** A node finished: where the call goes, the variables and the cases so far. */
  | { type: 'next'; callId: string; node: string; next: string | null; vars: Record<string, string>; cases: string[]; error?: string };

export type FlowOutcome = 'completed' | 'hangup' | 'error';

/** What a transfer node asks of the call layer: a queue, and what follows the agent. */
export interface TransferRequest {
  queue: string;
  /** Node to go on with after the agent hangs up (人工转自动); absent: the call clears. */
  afterAgent?: string;
  /** 自动报工号 on answer; absent: the call layer's default. */
  announceAgent?: boolean;
  /** Queue priority (0–9); absent: 0. */
  priority?: number;
}

/** Where the flow goes when the call layer hands the call back. */
export type TransferOutcome =
  | { result: 'busy' } // no agent can take it (refused, unknown queue): the node's busy prompt, then its overflow
  | { result: 'overflow'; node?: string } // the ACD's overflow: its flow node, or the node's overflow
  | { result: 'ivr'; node: string } // the agent hung up and the caller goes back to the IVR (人工转自动)
  | { result: 'ended' }; // the conversation is over (or the caller hung up): the call clears

/** The state of one call in the interpreter; the call core owns it. */
export interface IvrCall {
  readonly callId: string;
  readonly flow: Flow;
  readonly port: LinePort;
  /** Aborted when the caller hangs up (or the span fails). */
  readonly signal: AbortSignal;
  callerNumber?: string;
  calledNumber?: string;
  lang: string;
  vars: Record<string, string>;
  /** Node ids visited, in order, with the menu key chosen (`main=2`). */
  path: string[];
  /** Recording ids (paths relative to the data folder) kept by this call. */
  recordings: string[];
  caseNumbers: string[];
  /** Line operations in flight (0 once the call is over: no leak). */
  pending: number;
  /** Called when a command finds the line already cleared; aborts `signal`. */
  lineGone?: () => void;
  /** The call's own log (with its call id, channel and caller); else the services' log. */
  log?(line: string): void;
  error?: string;
  /** The call layer's queue phase (src/calls): absent, a transfer node plays its busy prompt and overflows. */
  transfer?(req: TransferRequest): Promise<TransferOutcome>;
  /** Night service (an hours node with nightBell, closed): the call layer rings the night bell while the night flow runs. */
  night?(): void;
}

const MEDIA = new Set<FlowNode['type']>(['play', 'menu', 'collect', 'record', 'say', 'consult', 'survey', 'transfer', 'hangup']);
const MAX_STEPS = 2000;

/** A call variable: only the call's own (a name such as `constructor` never reaches Object.prototype). */
function get(vars: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(vars, name) ? vars[name] : undefined;
}

/** The value of `key` in an object read from a file or the store, own properties only. */
function own<T>(o: Record<string, T> | undefined, key: string): T | undefined {
  return o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Call variables in a null-prototype object: a flow may name a variable `__proto__`. */
export function callVars(init: Record<string, string> = {}): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, init);
}

/** Whether a keyed answer is one of a survey question's choices (own keys only: `toString` is no choice). */
export function isChoice(choices: Record<string, string>, key: string): boolean {
  return Object.hasOwn(choices, key);
}

export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(TEMPLATE, (_, name: string) => get(vars, name) ?? '');
}

function holds(c: Condition, vars: Record<string, string>): boolean {
  const v = get(vars, c.var);
  if (c.exists !== undefined && (v !== undefined && v !== '') !== c.exists) return false;
  if (c.eq !== undefined && v !== c.eq) return false;
  if (c.ne !== undefined && v === c.ne) return false;
  if (c.in !== undefined && (v === undefined || !c.in.includes(v))) return false;
  return true;
}

/** The bureau's working calendar as the hours node needs it (the case store's BureauCalendar). */
export type WorkingCalendar = Pick<BureauCalendar, 'dayKey' | 'isWorkingDay' | 'offsetAt'>;

// The State Council calendar, for an interpreter given none (tests); the
// engine passes the case store's, so office hours and deadlines agree.
let defaultCalendar: BureauCalendar | undefined;

/** Open: a working day of the bureau's calendar, inside one of the node's ranges (local time). */
export function isOpen(node: Extract<FlowNode, { type: 'hours' }>, epoch: number, calendar: WorkingCalendar = (defaultCalendar ??= new BureauCalendar())): boolean {
  if (!calendar.isWorkingDay(calendar.dayKey(epoch))) return false;
  const local = epoch + calendar.offsetAt(epoch);
  const minute = Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  return node.open.some((r) => {
    const [a, b] = r.split('-').map((hm) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5)));
    return minute >= a && minute < b;
  });
}

/** Speech: at least 200 ms of 20 ms frames above -45 dBFS RMS (a DTMF key lasts 80 ms and does not count). */
const SPEECH_FRAME = 160;
const SPEECH_DBFS = -45;
const SPEECH_FRAMES = 10;

function hasSpeech(file: string): boolean {
  let samples: Int16Array;
  try {
    samples = readWavSamples(file).samples;
  } catch {
    return true; // unreadable here: keep it, the bureau can still look
  }
  return speechIn(samples);
}

function speechIn(samples: Int16Array): boolean {
  let loud = 0;
  for (let i = 0; i + SPEECH_FRAME <= samples.length; i += SPEECH_FRAME) {
    if (rmsDbfs(samples.subarray(i, i + SPEECH_FRAME)) > SPEECH_DBFS && ++loud >= SPEECH_FRAMES) return true;
  }
  return false;
}

/**
 * A-law bytes written so far to a recording still in progress (the board
 * records A-law by default, under its in-progress name), decoded; null
 * when the file cannot tell yet. The board rewrites the header only about once
 * a second, so the data chunk is taken to run to the end of the file.
 */
function partialAlaw(file: string): Int16Array | null {
  try {
    const buf = readFileSync(file);
    const wav = parseWav(buf, { lenient: true });
    if (wav.encoding !== 'alaw' || wav.channels !== 1) return null;
    const offset = wav.data.byteOffset - buf.byteOffset;
    const samples = buf.length - offset;
    if (samples <= 0) return null;
    return wavSamples({ ...wav, frames: samples, ms: samples / 8, data: buf.subarray(offset) });
  } catch {
    return null;
  }
}

/** Takes a caller may record in one record node (re-records and empty takes). */
const MAX_TAKES = 5;

/** A record node ends a take with no speech at all after this long (ms of board time). */
const NO_SPEECH_MS = 10_000;

export class Interpreter {
  readonly #s: IvrServices;
  #recSeq = 0;

  constructor(services: IvrServices) {
    this.#s = services;
  }

  /** Runs the call's flow to its end; never throws (errors become outcome 'error'). */
  async run(call: IvrCall): Promise<FlowOutcome> {
    let id: string | null = call.flow.start;
    // Names come from the flow file: no lookup may reach Object.prototype.
    if (Object.getPrototypeOf(call.vars) !== null) call.vars = callVars(call.vars);
    // Whether e-mail can go out at all (hotline start --smtp): a flow offers it only then.
    if (get(call.vars, 'mail.enabled') === undefined) call.vars['mail.enabled'] = this.#s.mailer ? 'true' : '';
    let afterHangup = false;
    let failed = false;
    for (let step = 0; id !== null; step++) {
      if (step >= MAX_STEPS) {
        call.error = `IVR_FLOW_INVALID: more than ${MAX_STEPS} nodes without an end (a loop in ${call.flow.file}?)`;
        return 'error';
      }
      const node: FlowNode = call.flow.nodes[id];
      if (afterHangup && MEDIA.has(node.type)) return failed ? 'error' : 'hangup';
      call.path.push(id);
      this.#s.trace?.({ type: 'node', callId: call.callId, node: id, nodeType: node.type });
      let next: string | null;
      try {
        next = await this.#exec(call, id, node);
      } catch (e) {
        if (call.signal.aborted) next = null;
        else {
          const err = e as { code?: string; message: string };
          call.error = `${err.code ?? 'ERROR'}: ${err.message}`;
          (call.log ?? this.#s.log)?.(`call ${call.callId}: node ${id}: ${call.error}`);
          // Tell the caller rather than leave silence; best effort.
          if (this.#s.prompts.has(call.lang, 'system_error')) await this.#play(call, ['system_error']).catch(() => null);
          // Lose nothing: a message recorded before the failure (a broken
          // confirm prompt, say) still becomes a case through the node's
          // onHangup path, which runs only nodes without audio.
          failed = true;
          afterHangup = true;
          next = node.onHangup ?? null;
        }
      }
      if (call.signal.aborted && !afterHangup) {
        afterHangup = true;
        if (MEDIA.has(node.type) || next === null) next = node.onHangup ?? null;
      }
      this.#s.trace?.({ type: 'next', callId: call.callId, node: id, next, vars: { ...call.vars }, cases: [...call.caseNumbers], error: call.error });
      id = next;
    }
    if (failed) return 'error';
    return afterHangup || call.signal.aborted ? 'hangup' : 'completed';
  }

  // ------------------------------------------------------------ line operations

  /** A store or mail request (not a line operation), counted in `io.pending`. */
  async #io<T>(p: () => Promise<T>): Promise<T> {
    const io = this.#s.io;
    if (io) io.pending++;
    try {
      return await p();
    } finally {
      if (io) io.pending--;
    }
  }

  async #op<T>(call: IvrCall, p: () => Promise<T>): Promise<T | null> {
    if (call.signal.aborted) return null;
    call.pending++;
    try {
      return await p();
    } catch (e) {
      if (call.signal.aborted) return null;
      // The line cleared before its hang-up event reached us: the same as a hang-up.
      if ((e as { code?: string }).code === 'BOARD_NOT_CONNECTED') {
        call.lineGone?.();
        return null;
      }
      throw e;
    } finally {
      call.pending--;
    }
  }

  #files(call: IvrCall, ids: string[]): PlayItem[] {
    return ids.map((id) => this.#labelled(this.#s.prompts.item(call.lang, id), id));
  }

  // Which prompt an audio buffer is, for the trace (buffers are cached per file).
  #labels = new WeakMap<object, string>();
  #labelled(item: PlayItem, id: string): PlayItem {
    if (this.#s.trace && typeof item === 'object') this.#labels.set(item, id);
    return item;
  }

  /** A prompt file from the store (knowledge, survey), in the caller's language when one exists. */
  #storedPrompt(call: IvrCall, file: string): PlayItem {
    const id = basename(file).replace(/\.wav$/i, '');
    if (this.#s.prompts.has(call.lang, id)) return this.#labelled(this.#s.prompts.item(call.lang, id), id);
    // Parsed (and kept inside the prompts folder) as a flow's prompts are.
    return this.#labelled(this.#s.prompts.item(call.lang, file), file);
  }

  #play(call: IvrCall, ids: string[], interruptible = false): Promise<PlayResult | null> {
    if (ids.length === 0) return Promise.resolve({ requestId: 0, reason: 'done', positionMs: 0, itemIndex: 0 });
    return this.#playFiles(call, this.#files(call, ids), interruptible);
  }

  async #playFiles(call: IvrCall, files: PlayItem[], interruptible = false): Promise<PlayResult | null> {
    const r = await this.#op(call, () => call.port.play(files, { signal: call.signal, stopOnDigits: interruptible }));
    const trace = this.#s.trace;
    if (trace) {
      const prompts = files.map((f) => (typeof f === 'string' ? basename(f) : (this.#labels.get(f) ?? '(audio)')));
      trace({ type: 'play', callId: call.callId, prompts, reason: r?.reason ?? 'hangup', itemIndex: r?.itemIndex ?? 0 });
    }
    return r;
  }

  async #digits(call: IvrCall, max: number, o: { terminators?: string; firstMs?: number; interMs?: number } = {}): Promise<DigitsResult | null> {
    const r = await this.#op(call, () =>
      call.port.getDigits({ signal: call.signal, max, terminators: o.terminators, firstDigitTimeoutMs: o.firstMs ?? 5000, interDigitTimeoutMs: o.interMs ?? 3000 }),
    );
    this.#s.trace?.({ type: 'digits', callId: call.callId, digits: r?.digits ?? '', reason: r?.reason ?? 'hangup' });
    return r;
  }

  /** Prompt, one key, retries with invalid / no-input prompts. Returns the key, or null (hang-up or tries used). */
  async #ask(call: IvrCall, o: { prompts: string[]; files?: PlayItem[]; valid: (k: string) => boolean; invalid?: string[]; noInput?: string[]; tries?: number; timeoutMs?: number; max?: number; terminators?: string }): Promise<string | null> {
    const tries = o.tries ?? 3;
    for (let t = 0; t < tries; t++) {
      const files = o.files ?? this.#files(call, o.prompts);
      if ((await this.#playFiles(call, files, true)) === null) return null;
      const r = await this.#digits(call, o.max ?? 1, { firstMs: o.timeoutMs ?? 5000, interMs: 2000, terminators: o.terminators });
      if (r === null) return null;
      if (r.digits && o.valid(r.digits)) return r.digits;
      call.port.clearDigits();
      const sorry = r.digits ? (o.invalid ?? ['invalid_key']) : (o.noInput ?? ['no_input']);
      if ((await this.#play(call, sorry)) === null) return null;
    }
    return null;
  }

  #recDirMade = false;

  #recordingFile(call: IvrCall): { file: string; id: string } {
    const dir = join(this.#s.dataDir, 'recordings');
    if (!this.#recDirMade) {
      mkdirSync(dir, { recursive: true });
      this.#recDirMade = true;
    }
    const file = join(dir, `${call.callId}-${++this.#recSeq}.wav`);
    return { file, id: relative(this.#s.dataDir, file) };
  }

  // ------------------------------------------------------------ nodes

  async #exec(call: IvrCall, id: string, n: FlowNode): Promise<string | null> {
    const s = this.#s;
    const v = call.vars;
    switch (n.type) {
      case 'play':
        return (await this.#play(call, n.prompts, n.interruptible)) === null ? null : n.next;

      case 'menu': {
        const key = await this.#ask(call, { prompts: n.prompts, valid: (k) => Object.hasOwn(n.keys, k), invalid: n.invalid, noInput: n.noInput, tries: n.tries, timeoutMs: n.timeoutMs });
        if (key === null) return call.signal.aborted ? null : n.fallback;
        call.path.push(`${id}=${key}`);
        return own(n.keys, key)!;
      }

      case 'collect': {
        const tries = n.tries ?? 3;
        const check = (d: string): boolean => {
          if (d.length < (n.minLength ?? 1) || d.length > n.maxLength) return false;
          if (n.validate === 'case_number') return s.store.validateCaseNumber(d).ok;
          return n.validate ? new RegExp(n.validate).test(d) : true;
        };
        for (let t = 0; t < tries; t++) {
          if ((await this.#play(call, n.prompts, true)) === null) return null;
          // One more than the longest answer, so the terminator is consumed here
          // and not left in the buffer for the next node.
          const max = n.maxLength + (n.terminator ? 1 : 0);
          const r = await this.#digits(call, max, { terminators: n.terminator, firstMs: n.firstDigitTimeoutMs ?? 6000, interMs: n.interDigitTimeoutMs ?? 4000 });
          if (r === null) return null;
          if (r.digits && check(r.digits)) {
            v[n.var] = r.digits;
            return n.next;
          }
          call.port.clearDigits();
          if ((await this.#play(call, r.digits ? (n.invalid ?? ['invalid_key']) : (n.noInput ?? ['no_input']))) === null) return null;
        }
        return n.fallback;
      }

      case 'record':
        return this.#record(call, n);

      case 'say': {
        const ids: string[] = [];
        for (const part of n.parts) {
          const [kind, value] = Object.entries(part)[0] as [SayKind | 'prompt', string];
          if (kind === 'prompt') ids.push(value);
          else ids.push(...say(call.lang, kind, fill(value, v), (x) => s.prompts.has(call.lang, x)));
        }
        return (await this.#play(call, ids)) === null ? null : n.next;
      }

      case 'case_lookup': {
        const number = fill(n.number, v);
        const c = s.store.validateCaseNumber(number).ok ? await this.#io(() => s.store.getCase(number)) : null;
        if (!c) return n.notFound;
        v['case.number'] = c.number;
        v['case.kind'] = c.kind;
        v['case.status'] = c.status;
        v['case.result'] = c.result ?? '';
        v['case.createdAt'] = String(c.createdAt);
        // Readable words for e-mails, in the caller's language (the texts of the
        // same fragments the say node plays).
        const words = (id: string, other: string) => s.prompts.text(call.lang, id) ?? s.prompts.text(call.lang, other) ?? '';
        v['case.statusText'] = words(sayStatus(c.status, (x) => s.prompts.has(call.lang, x))[0], 'status_unknown');
        v['case.resultText'] = c.result ? words(sayResult(c.result, (x) => s.prompts.has(call.lang, x))[0], 'result_other') : '';
        const d = fields(c.createdAt);
        v['case.date'] = d ? `${d.y}-${String(d.mo).padStart(2, '0')}-${String(d.d).padStart(2, '0')}` : '';
        const email = [(c as { email?: string }).email, c.complainant?.address].find((x) => isEmail(x));
        v['case.email'] = email ?? '';
        return n.found;
      }

      case 'create_case': {
        const recordingIds = n.recordings.map((r) => get(v, r)).filter((x): x is string => Boolean(x));
        const callback = n.callbackNumber ? fill(n.callbackNumber, v) : '';
        const kind = fill(n.kind, v) as CaseKind;
        // The flow check allows only kinds the store knows; this guards a variable changed since.
        if (!CASE_KINDS.includes(kind)) {
          s.log?.(`call ${call.callId}: create_case: IVR_FLOW_INVALID: the kind '${kind}' from ${call.flow.file} is not a case kind (${CASE_KINDS.join(', ')})`);
          return n.error;
        }
        const reply = n.replyWanted ? fill(n.replyWanted, v) : '';
        const input: CreateCaseInput = {
          kind,
          channel: n.channel,
          recordingIds,
          callId: call.callId,
          facts: n.facts ? fill(n.facts, v) : `IVR voice message (${call.lang})${reply ? `; reply wanted: ${reply === 'true' ? 'yes' : 'no'}` : ''}`,
        };
        if (call.callerNumber) input.callerNumber = call.callerNumber;
        if (callback) input.callbackNumber = callback;
        else if (!call.callerNumber) input.anonymous = true;
        if (recordingIds.length === 0) return n.error;
        try {
          const c = await this.#io(() => s.store.createCase(input));
          v[n.var] = c.number;
          call.caseNumbers.push(c.number);
          s.recorded?.linked(recordingIds, c.number);
          return n.next;
        } catch (e) {
          (call.log ?? s.log)?.(`call ${call.callId}: create_case: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`);
          return n.error;
        }
      }

      case 'consult':
        return this.#consult(call, n);

      case 'survey':
        return this.#survey(call, n);

      case 'set':
        for (const [k, t] of Object.entries(n.vars)) v[k] = fill(t, v);
        return n.next;

      case 'branch':
        return n.cases.find((c) => holds(c.if, v))?.next ?? n.else;

      case 'hours':
        if (isOpen(n, s.now(), s.calendar)) return n.openNext;
        if (n.nightBell) call.night?.();
        return n.closedNext;

      case 'language':
        call.lang = n.language;
        v.lang = n.language;
        return n.next;

      case 'transfer': {
        v.queue = n.queue;
        const r: TransferOutcome = call.transfer
          ? await call.transfer({ queue: n.queue, ...(n.afterAgent ? { afterAgent: n.afterAgent } : {}), ...(n.announceAgent !== undefined ? { announceAgent: n.announceAgent } : {}), ...(n.priority ? { priority: n.priority } : {}) })
          : { result: 'busy' };
        switch (r.result) {
          case 'busy':
            // Nobody can take it: the caller leaves a message instead.
            return (await this.#play(call, n.busy)) === null ? null : n.overflow;
          case 'overflow':
            return r.node !== undefined && Object.hasOwn(call.flow.nodes, r.node) ? r.node : n.overflow;
          case 'ivr':
            call.path.push(`${id}=agent`);
            return r.node;
          case 'ended':
            return null;
        }
        return null;
      }

      case 'email': {
        if (!s.mailer) return n.failed;
        try {
          const m = s.mailer;
          const local = (t: string | Record<string, string>): string =>
            typeof t === 'string' ? t : (own(t, call.lang) ?? own(t, call.flow.language) ?? Object.values(t)[0] ?? '');
          await this.#io(() => m.send(fill(n.to, v), fill(local(n.subject), v), fill(local(n.text), v)));
          return n.sent;
        } catch (e) {
          (call.log ?? s.log)?.(`call ${call.callId}: ${(e as Error).message}`);
          return n.failed;
        }
      }

      case 'hangup':
        if (n.prompts?.length && (await this.#play(call, n.prompts)) === null) return null;
        await this.#op(call, () => call.port.hangup());
        return null;
    }
  }

  async #record(call: IvrCall, n: Extract<FlowNode, { type: 'record' }>): Promise<string | null> {
    const intro = n.beep === false ? n.prompts : [...n.prompts, 'beep'];
    let empty = 0;
    for (let take = 0; take < MAX_TAKES; take++) {
      if ((await this.#play(call, intro)) === null) return null;
      call.port.clearDigits();
      const { file, id } = this.#recordingFile(call);
      // The board ends a take on silence only after speech: a caller who says
      // nothing (or a line with no audio) would hold it for maxMs, 2-3 minutes.
      // After NO_SPEECH_MS of board time, a take whose audio so far holds no
      // speech is stopped (best effort: only when the file shows that much).
      const cut = new AbortController();
      const maxMs = n.maxMs ?? 120_000;
      const watch =
        this.#s.scheduler && maxMs > NO_SPEECH_MS
          ? this.#s.scheduler.schedule(() => {
              const heard = partialAlaw(inProgressName(file));
              if (heard && heard.length >= (NO_SPEECH_MS - 2000) * 8 && !speechIn(heard)) cut.abort('no speech');
            }, NO_SPEECH_MS)
          : null;
      const r: RecordResult | null = await this.#op(call, () =>
        call.port.record(file, { signal: AbortSignal.any([call.signal, cut.signal]), maxMs, silenceMs: n.silenceMs ?? 5000, stopOnDigits: '#' }),
      )
        .catch((e) => {
          if (existsSync(file)) unlinkSync(file);
          throw e;
        })
        .finally(() => watch?.unsubscribe());
      // A take with no speech (the caller said nothing, pressed # at once, or
      // hung up after the beep) is no message: it must not become a case with
      // a silent recording for the bureau to open.
      const spoken = existsSync(file) && hasSpeech(file);
      if (!spoken && existsSync(file)) unlinkSync(file);
      if (r === null || call.signal.aborted) {
        // Hung up while recording: the message so far is what the caller left.
        if (spoken) this.#keep(call, n.var, id);
        return null;
      }
      if (!spoken) {
        if ((await this.#play(call, n.noInput ?? ['no_message'])) === null) return null;
        if (++empty >= 2) return n.fallback ?? n.next;
        continue;
      }
      // Kept at once, so a failure or hang-up in the confirm loop below still
      // leaves the message to the onHangup path; 'record again' drops it.
      this.#keep(call, n.var, id);
      if (!n.confirm) return n.next;
      // listen (1) / record again (2) / keep (3); no answer keeps it.
      for (;;) {
        const key = await this.#ask(call, { prompts: ['record_confirm'], valid: (k) => k === '1' || k === '2' || k === '3', tries: 2 });
        if (call.signal.aborted) {
          this.#keep(call, n.var, id);
          return null;
        }
        if (key === '1') {
          if ((await this.#playFiles(call, [file], true)) === null) {
            this.#keep(call, n.var, id);
            return null;
          }
          continue;
        }
        // 'Record again' on the last take allowed keeps that take: dropping it
        // left the node with no message at all (no case, system error).
        if (key === '2' && take < MAX_TAKES - 1) {
          this.#drop(call, n.var, id);
          unlinkSync(file);
          break;
        }
        this.#keep(call, n.var, id);
        return n.next;
      }
    }
    return n.next;
  }

  #drop(call: IvrCall, variable: string, id: string): void {
    if (get(call.vars, variable) === id) delete call.vars[variable];
    const i = call.recordings.indexOf(id);
    if (i >= 0) call.recordings.splice(i, 1);
    this.#s.recorded?.dropped(id);
  }

  #keep(call: IvrCall, variable: string, id: string): void {
    call.vars[variable] = id;
    if (!call.recordings.includes(id)) call.recordings.push(id);
    // Only a finished take reaches here (record() resolved after its `done`: durable, renamed).
    this.#s.recorded?.kept({ id, callId: call.callId, callerNumber: call.callerNumber, calledNumber: call.calledNumber });
  }

  async #consult(call: IvrCall, n: Extract<FlowNode, { type: 'consult' }>): Promise<string | null> {
    const entries = (await this.#io(() => this.#s.store.listKnowledge())).filter((e): e is KnowledgeEntry & { menuCode: string } => Boolean(e.menuCode && e.promptFile));
    entries.sort((a, b) => a.menuCode.localeCompare(b.menuCode, 'en', { numeric: true }));
    if (entries.length === 0) return (await this.#play(call, n.empty ?? [])) === null ? null : n.next;
    const ids: string[] = [...n.intro];
    for (const e of entries) {
      const title = own(n.titles, e.id);
      if (title) ids.push(title);
      // A menu key in Mandarin is 一 (yi1), as the main menu says it; 幺 (yao1)
      // is for numbers read back digit by digit.
      ids.push('press', ...say(call.lang, 'digits', e.menuCode, () => true).map((x) => (x === 'digit_1' && call.lang === 'zh' ? 'num_1' : x)));
    }
    const byCode = new Map(entries.map((e) => [e.menuCode, e]));
    const longest = Math.max(...entries.map((e) => e.menuCode.length));
    const key = await this.#ask(call, { prompts: ids, valid: (k) => byCode.has(k), invalid: n.invalid, tries: n.tries, timeoutMs: n.timeoutMs, max: longest, terminators: longest > 1 ? '#' : undefined });
    if (key === null) return call.signal.aborted ? null : n.fallback;
    const entry = byCode.get(key)!;
    call.path.push(`kb=${entry.id}`);
    return (await this.#playFiles(call, [this.#storedPrompt(call, entry.promptFile!)])) === null ? null : n.next;
  }

  async #survey(call: IvrCall, n: Extract<FlowNode, { type: 'survey' }>): Promise<string | null> {
    const def = await this.#io(() => this.#s.store.getSurvey(n.survey));
    if (!def || !def.active) return (await this.#play(call, n.none ?? [])) === null ? null : n.next;
    // Question ids come from the store: a Map, turned into own properties only when saved.
    const answers = new Map<string, string>();
    const save = async () => {
      if (answers.size === 0) return;
      await this.#io(() => this.#s.store.saveSurveyAnswer({ surveyId: def.id, callId: call.callId, callerNumber: call.callerNumber, answers: Object.fromEntries(answers), at: this.#s.now() }));
    };
    if ((await this.#play(call, n.intro ?? [])) === null) return null;
    for (const q of def.questions) {
      const promptId = own(n.questions, q.id);
      const files = promptId ? this.#files(call, [promptId]) : q.promptFile ? [this.#storedPrompt(call, q.promptFile)] : null;
      if (!files) continue;
      const key = await this.#ask(call, { prompts: [], files, valid: (k) => isChoice(q.choices, k), invalid: n.invalid, tries: n.tries ?? 2, timeoutMs: n.timeoutMs });
      if (call.signal.aborted) {
        await save();
        return null;
      }
      if (key !== null) answers.set(q.id, key);
    }
    await save();
    call.vars.survey = n.survey;
    return (await this.#play(call, n.thanks ?? [])) === null ? null : n.next;
  }
}
