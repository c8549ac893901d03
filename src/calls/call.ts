// One Call per line seizure: answer, run the IVR flow, clear, and write exactly
// one call record, whatever happens (caller hangs up mid-prompt, span alarm,
// watchdog, engine shutdown). `run$()` is one Observable: the flow raced
// against the end of the call (the channel's hang-up event, or the watchdog
// timer on the board's scheduler), which aborts the call's AbortSignal and so
// stops the board operation in flight; when the flow is over the race is
// unsubscribed (timer cancelled) and the record written. The line is released
// as soon as the end is seen: work after a hang-up (case, e-mail) does not
// hold the timeslot.
//
// A call owns its legs (the caller's trunk first; an agent's station when
// the switchboard connects one; ops adds supervisors and outside parties)
// and moves through phases (ivr → queue → ringing → talking ⇄ held → back
// to the ivr or ended). Each phase has its own watchdog on board time: the
// IVR is bounded, a long conversation is not cut.
import { concatMap, defer, filter, finalize, ignoreElements, map, merge, type Observable, type SchedulerLike, Subject, type Subscription, take, tap } from 'rxjs';
import type { Channel, HangupEvent, RingEvent } from '../board/types.ts';
import type { CallRecordInput, CallTransferRecord, CaseStore } from '../cases/types.ts';
import type { Flow } from '../ivr/flow-types.ts';
import type { CallRecording, CallRecordingFacts } from '../recording/call.ts';
import type { FlowOutcome, Interpreter, IvrCall } from '../ivr/interpreter.ts';
import { bridge, Leg, unbridge } from './legs.ts';
import type { NightBell } from './night-bell.ts';
import type { Logger } from './log.ts';
import type { QueueCall, Switchboard } from './switchboard.ts';

export type EndCause = 'remote' | 'alarm' | 'watchdog' | 'shutdown' | 'flow';

/** Where a call is. `wrap-up` is the agent's after-call work (his ACD state); a call is `ended` once its record is due. */
export type CallPhase = 'ivr' | 'queue' | 'ringing' | 'talking' | 'held' | 'consulting' | 'conference' | 'wrap-up' | 'back-to-ivr' | 'ended';

/** Watchdog per phase, ms of board time; Infinity (or absent for talking) = none. */
export type PhaseLimits = Partial<Record<CallPhase, number>>;

/** Defaults: the IVR 30 min (as the old whole-call watchdog), a queue wait 2 h (the ACD's maxWaitMs overflows first), held 1 h; a conversation is never cut. */
export const DEFAULT_PHASE_LIMITS: Readonly<PhaseLimits> = { ivr: 30 * 60_000, 'back-to-ivr': 30 * 60_000, queue: 2 * 3_600_000, ringing: 2 * 3_600_000, held: 3_600_000 };

export interface CallSummary {
  id: string;
  channel: string;
  callerNumber?: string;
  startedAt: number;
  endedAt?: number;
  outcome?: string;
  path: string[];
  caseNumbers: string[];
  recordings: string[];
}

export interface CallDeps {
  store: CaseStore;
  interpreter: Interpreter;
  /** Epoch ms now (wall clock in real time, simulated calendar in stepped mode). */
  now(): number;
  /** Watchdog per phase (DEFAULT_PHASE_LIMITS where absent). */
  limits: PhaseLimits;
  /** Agents, queues, stations: present when the engine runs an ACD. */
  switchboard?: Switchboard;
  /** The board's scheduler (board time), counting pending timers. */
  scheduler: SchedulerLike;
  /** Counts live RxJS subscriptions of all calls (leak check). */
  subscriptions: { live: number };
  /** The call's child logger (call id, channel, caller number). */
  log: Logger;
  /** Call records being written over all calls (the core's writing()). */
  records: { pending: number };
  /** 全程录音: starts the call's recording at the answer (engine option recordCalls); absent: none. */
  recorder?: CallRecorder;
  /** 夜铃: the station that rings for night calls (an hours node with nightBell); absent: none. */
  nightBell?: NightBell;
}

/** Starts one call's stereo recording (`other`: whose voice the right side holds, default what the caller hears; src/recording/call.ts startCallRecording, bound to the engine's data folder and index). */
export type CallRecorder = (o: { caller: Channel; callId: string; facts: CallRecordingFacts; other?: Channel | null }) => CallRecording;

export class Call implements QueueCall {
  readonly id: string;
  readonly channel: Channel;
  readonly ivr: IvrCall;
  /** The caller's leg (the trunk the call came in on); always legs[0]. */
  readonly caller: Leg;
  readonly legs: Leg[] = [];
  phase: CallPhase = 'ivr';
  /** Phases entered, with epoch ms. */
  readonly phases: { phase: CallPhase; at: number }[] = [];
  /** Every phase change (ops, seats, tests). */
  readonly phase$ = new Subject<CallPhase>();
  /** The queue phase's figures (call record). */
  readonly queueInfo: { queue?: string; enteredAt?: number; answeredAt?: number; agents: string[]; holdMs: number; wrapUpMs?: number; endedBy?: 'caller' | 'agent' | 'system'; transfers: CallTransferRecord[] } = { agents: [], holdMs: 0, transfers: [] };
  /** Agents' wrap-ups measured while the call ran (agent id → ms), e.g. after a transfer. */
  readonly #wrapUps = new Map<string, number>();
  /** The call's own recording (全程录音), from the answer to the caller's hang-up. */
  recording?: CallRecording;
  /** The channel whose voice the recording's right side holds now (null: what the caller hears). */
  #recordingOther: Channel | null = null;
  #watchdog: Subscription | undefined;
  readonly startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  endCause?: EndCause;
  outcome?: string;
  readonly #abort = new AbortController();
  /** Stops the IVR alone (the night bell answered): the call goes on. */
  readonly #ivrStop = new AbortController();
  /** Left the queue with a callback request registered (outcome callback). */
  #callbackRequested = false;
  #bell: { cancel(): void } | undefined;
  /** The night bell's station, once answered. */
  #nightLeg: Leg | undefined;
  readonly #deps: CallDeps;
  /** Board ms at the start: answer and end times are the start plus board time, so a wall-clock step during the call does not stretch it. */
  readonly #boardStart: number;

  constructor(id: string, channel: Channel, ring: RingEvent, flow: Flow, deps: CallDeps) {
    this.id = id;
    this.channel = channel;
    this.#deps = deps;
    this.startedAt = deps.now();
    this.#boardStart = channel.board.now();
    this.ivr = {
      callId: id,
      flow,
      port: channel,
      signal: AbortSignal.any([this.#abort.signal, this.#ivrStop.signal]),
      callerNumber: ring.callerNumber || undefined,
      calledNumber: ring.calledNumber || undefined,
      lang: flow.language,
      vars: { ...(flow.vars ?? {}), callId: id, lang: flow.language, callerNumber: ring.callerNumber ?? '', calledNumber: ring.calledNumber ?? '' },
      path: [],
      recordings: [],
      caseNumbers: [],
      pending: 0,
      lineGone: () => this.abort('remote'),
      log: (line) => deps.log.warn(line),
    };
    this.caller = new Leg('caller', channel, this.startedAt, { signal: this.#abort.signal });
    this.legs.push(this.caller);
    const bell = deps.nightBell;
    if (bell) this.ivr.night = () => void (this.#bell ??= bell.ring(this));
    if (deps.switchboard) {
      const sb = deps.switchboard;
      this.ivr.transfer = async (req) => {
        const r = await sb.enqueue(this, req);
        if (r.result === 'ivr') this.setPhase('back-to-ivr');
        else if (r.result !== 'ended') this.setPhase('ivr');
        return r;
      };
    }
  }

  // ---- QueueCall: what the switchboard (and ops) use ----

  get callerNumber(): string | undefined {
    return this.ivr.callerNumber;
  }

  get lang(): string {
    return this.ivr.lang;
  }

  get vars(): Readonly<Record<string, string>> {
    return this.ivr.vars;
  }

  get calledNumber(): string | undefined {
    return this.ivr.calledNumber;
  }

  get path(): readonly string[] {
    return this.ivr.path;
  }

  get log(): Logger {
    return this.#deps.log;
  }

  /** Epoch ms now for this call (its start plus board time). */
  at(): number {
    return this.#at();
  }

  /** The call's flow has this node (人工转自动 checks its target). */
  hasNode(id: string): boolean {
    return Object.hasOwn(this.ivr.flow.nodes, id);
  }

  /** Adds a leg (an agent's station, a supervisor, an outside party); the call record lists it. */
  addLeg(leg: Leg): void {
    this.legs.push(leg);
  }

  /**
   * A case made for the call outside the IVR (a callback request, an agent at
   * his seat): the call record and the recording's index entry list it.
   * False when the call record is already written (the caller's call core
   * then adds it to the stored record).
   */
  addCase(number: string): boolean {
    if (!this.ivr.caseNumbers.includes(number)) {
      this.ivr.caseNumbers.push(number);
      this.recording?.note({ caseNumbers: [number] });
    }
    return !this.#recordBuilt;
  }

  #recordBuilt = false;

  /** The night bell was answered: the night flow stops (what it recorded is kept, as after a hang-up) and the caller talks with the station. */
  nightAnswered(leg: Leg): void {
    if (this.signal.aborted || this.phase === 'ended' || this.#nightLeg) {
      void leg.tone('busy', 1500);
      return;
    }
    this.#nightLeg = leg;
    this.addLeg(leg);
    this.#ivrStop.abort('night-bell');
  }

  /** Caller and night-bell station talk until either hangs up. */
  async #nightTalk(leg: Leg): Promise<void> {
    this.caller.stopMedia();
    bridge(this.caller, leg);
    this.setPhase('talking');
    await new Promise<void>((resolve) => {
      const sub = leg.channel.events$.subscribe((e) => e.type === 'hangup' && done());
      const done = () => {
        sub.unsubscribe();
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      this.signal.addEventListener('abort', done, { once: true });
      if (this.signal.aborted || leg.channel.state !== 'connected') done();
    });
    leg.leftAt ??= this.#at();
    unbridge(this.caller);
    this.queueInfo.endedBy = this.signal.aborted ? 'caller' : 'agent';
    // The caller left first: busy tone until the station hangs up, as a PBX; hung up: the port back to idle.
    if (leg.channel.state === 'connected') void leg.tone('busy', 60_000);
    else if (leg.channel.state !== 'idle') void leg.channel.hangup().catch(() => undefined);
  }

  /** Moves to a phase and arms that phase's watchdog (none for a phase without a limit). */
  setPhase(p: CallPhase): void {
    if (this.phase === p || this.phase === 'ended') return;
    this.phase = p;
    this.phases.push({ phase: p, at: this.#at() });
    this.#arm();
    this.#followRecording();
    this.phase$.next(p);
  }

  /**
   * The recording's right side follows the call (src/recording/README.md): the
   * voice of the party the caller talks with (agent, consulted agent, outside
   * party) while talking, else what the caller hears (prompts, music on hold,
   * the conference), re-pointed between two ticks in the same file.
   */
  #followRecording(): void {
    const rec = this.recording;
    if (!rec || this.phase === 'ended') return;
    let party: Leg | undefined;
    if (this.phase === 'talking' && !this.#heard) party = [...this.legs].reverse().find((l) => !l.gone && (l.kind === 'agent' || l.kind === 'outside' || l.kind === 'night-bell'));
    const other = party?.channel ?? null;
    if (other === this.#recordingOther) return;
    this.#recordingOther = other;
    try {
      rec.repoint(other, party?.agentId);
    } catch (e) {
      this.#deps.log.warn({ err: e }, `call ${this.id}: recording not re-pointed: ${(e as Error).message}`);
    }
  }

  /** A supervisor barges in (强插): while talking, the recording's right side is what the caller hears (the agent and the supervisor). */
  #heard = false;

  /** Right side = what the caller hears while talking (a barging supervisor is recorded too), or the talking party's voice again. */
  recordHeard(on: boolean): void {
    if (this.#heard === on) return;
    this.#heard = on;
    this.#followRecording();
  }

  #startRecording(): void {
    const recorder = this.#deps.recorder;
    if (!recorder || this.recording || this.signal.aborted) return;
    try {
      this.recording = recorder({
        caller: this.channel,
        callId: this.id,
        facts: { direction: 'inbound', ...(this.ivr.callerNumber ? { callerNumber: this.ivr.callerNumber } : {}), ...(this.ivr.calledNumber ? { calledNumber: this.ivr.calledNumber } : {}) },
      });
    } catch (e) {
      // A recording that cannot start must not cost the call: it is logged (and the call record says none).
      this.#deps.log.error({ err: e }, `call ${this.id}: recording not started: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
    }
  }

  #arm(): void {
    this.#watchdog?.unsubscribe();
    this.#watchdog = undefined;
    if (this.phase === 'ended' || this.#abort.signal.aborted) return;
    const limit = this.#deps.limits[this.phase] ?? DEFAULT_PHASE_LIMITS[this.phase];
    if (limit === undefined || !Number.isFinite(limit)) return;
    const phase = this.phase;
    this.#watchdog = this.#deps.scheduler.schedule(() => {
      this.#deps.log.warn({ event: 'watchdog', phase }, `call ${this.id}: the ${phase} phase passed its limit of ${limit} ms; clearing the call`);
      this.abort('watchdog');
    }, limit);
  }

  queued(e: { queue: string } | { agent: string } | { holdMs: number } | { endedBy: 'caller' | 'agent' | 'system' } | { wrapUpMs: number } | { callback: true }): void {
    const q = this.queueInfo;
    if ('callback' in e) this.#callbackRequested = true;
    else if ('queue' in e) {
      q.queue = e.queue;
      q.enteredAt = this.#at();
      this.recording?.note({ queue: e.queue });
    } else if ('agent' in e) {
      q.agents.push(e.agent);
      q.answeredAt ??= this.#at();
      this.recording?.note({ agents: [e.agent] });
    } else if ('holdMs' in e) q.holdMs = e.holdMs;
    else if ('endedBy' in e) q.endedBy = e.endedBy;
    else q.wrapUpMs = e.wrapUpMs;
  }

  /** An agent's wrap-up for this call ended after `ms` (the ACD's measure): the record's wrap-up, if he is its last agent. */
  wrappedUp(agentId: string, ms: number): void {
    this.#wrapUps.set(agentId, ms);
  }

  /** An agent transferred the call (blind, or completing a consultation): kept for the call record. */
  transferred(t: { from: string; to: string; kind: 'blind' | 'consult' }): void {
    this.queueInfo.transfers.push({ at: this.#at(), ...t });
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /**
   * Ends the call (caller hung up, span alarm, watchdog, shutdown): the flow
   * stops its line operation at once and the line is released now. What the
   * flow still does after a hang-up (create the case, send an e-mail) runs
   * on without the line, and the call record waits for it.
   */
  abort(cause: EndCause): void {
    if (this.#abort.signal.aborted) return;
    // Cases opened during the call reach the recording's index entry, which is written once its file is durable after the hang-up.
    if (this.ivr.caseNumbers.length) this.recording?.note({ caseNumbers: [...this.ivr.caseNumbers] });
    this.recording?.note({ legs: this.legs.map((l) => l.record()) });
    this.endCause = cause;
    this.#abort.abort(cause);
    this.#watchdog?.unsubscribe();
    void this.#release();
  }

  #released: Promise<void> | undefined;

  /** Clears our side of the line, once (after a remote clear the line returns to idle only then). */
  #release(): Promise<void> {
    if (!this.#released) {
      this.#released = this.channel.state === 'idle'
        ? Promise.resolve()
        : this.channel.hangup().catch(() => {
            // The line already cleared (span alarm, board closing): nothing left to release.
          });
    }
    return this.#released;
  }

  /** The call from answer to call record; emits its summary once, never errors. */
  run$(): Observable<CallSummary> {
    const d = this.#deps;
    const hangup$ = this.channel.events$.pipe(
      filter((e): e is HangupEvent => e.type === 'hangup'),
      map((e) => e.cause as EndCause),
    );
    const end$ = hangup$.pipe(
      take(1),
      tap((cause) => this.abort(cause)),
      ignoreElements(),
    );
    return defer(() => {
      d.log.info({ event: 'call_start', calledNumber: this.ivr.calledNumber }, `call ${this.id} start  ${this.channel.name} from ${this.ivr.callerNumber ?? '(no caller id)'}`);
      d.subscriptions.live++;
      this.phases.push({ phase: 'ivr', at: this.startedAt });
      this.#arm();
      return merge(end$, defer(() => this.#flow())).pipe(
        take(1),
        finalize(() => {
          d.subscriptions.live--;
          this.#watchdog?.unsubscribe();
        }),
      );
    }).pipe(
      concatMap((outcome) => defer(() => this.#finish(outcome))),
      map(() => {
        const c = this.summary();
        d.log.info(
          { event: 'call_end', outcome: c.outcome, endCause: this.endCause, path: c.path, caseNumbers: c.caseNumbers, durationMs: (c.endedAt ?? c.startedAt) - c.startedAt },
          `call ${c.id} end    ${c.channel} ${c.outcome} path ${c.path.join('>')}${c.caseNumbers.length ? ` case ${c.caseNumbers.join(',')}` : ''}`,
        );
        return c;
      }),
    );
  }

  /** Answer and run the flow. Never throws. */
  async #flow(): Promise<FlowOutcome> {
    const d = this.#deps;
    try {
      if (this.channel.state === 'ringing') await this.channel.answer();
      else if (this.channel.state !== 'connected') this.abort('remote');
      if (!this.signal.aborted) {
        this.answeredAt = this.#at();
        this.#startRecording();
      }
      const outcome = await d.interpreter.run(this.ivr);
      const night = this.#nightLeg;
      if (!night) this.#bell?.cancel();
      else if (!this.signal.aborted) {
        await this.#nightTalk(night);
        return 'completed';
      }
      return outcome;
    } catch (e) {
      // The caller gave up while we answered.
      if (!this.signal.aborted && this.channel.state !== 'connected' && this.answeredAt === undefined) this.abort('remote');
      if (!this.signal.aborted) {
        this.ivr.error = `${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`;
        d.log.warn({ err: e }, `call ${this.id}: ${this.ivr.error}`);
      }
      return 'error';
    }
  }

  /** Clear the line and write the call record. Never throws. */
  async #finish(flowOutcome: FlowOutcome): Promise<void> {
    const d = this.#deps;
    if (!this.endCause) this.endCause = 'flow';
    await this.#release();
    this.endedAt = this.#at();
    this.#watchdog?.unsubscribe();
    this.phase = 'ended';
    this.phases.push({ phase: 'ended', at: this.endedAt });
    for (const l of this.legs) l.leftAt ??= this.endedAt;
    // Case numbers written after the hang-up still reach the index: the entry is made once the file is durable.
    if (this.ivr.caseNumbers.length) this.recording?.note({ caseNumbers: [...this.ivr.caseNumbers] });
    this.recording?.note({ legs: this.legs.map((l) => l.record()) });
    this.phase$.next('ended');
    this.phase$.complete();
    this.outcome = this.#outcome(flowOutcome);
    await this.#writeRecord();
  }

  /** Epoch ms now for this call: its start plus the board time since. */
  #at(): number {
    return this.startedAt + (this.channel.board.now() - this.#boardStart);
  }

  #outcome(flow: FlowOutcome): string {
    if (this.endCause === 'alarm') return 'alarm';
    if (this.endCause === 'watchdog') return 'timeout';
    if (this.endCause === 'shutdown') return 'shutdown';
    if (this.ivr.error || flow === 'error') return 'error';
    if (this.answeredAt === undefined) return 'abandoned';
    const q = this.queueInfo;
    if (this.#nightLeg) return 'night_bell';
    if (q.agents.length) return q.endedBy === 'agent' ? 'agent_hangup' : 'caller_hangup';
    if (this.#callbackRequested) return 'callback';
    const before = this.phases[this.phases.length - 2]?.phase;
    if (before === 'queue' || before === 'ringing') return 'queue_abandoned';
    return flow === 'completed' ? 'ivr_only' : 'caller_hangup';
  }

  summary(): CallSummary {
    return {
      id: this.id,
      channel: this.channel.name,
      callerNumber: this.ivr.callerNumber,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      outcome: this.outcome,
      path: this.ivr.path,
      caseNumbers: this.ivr.caseNumbers,
      recordings: this.#recordingIds(),
    };
  }

  /** The IVR's recordings (messages) and the call's own recording. */
  #recordingIds(): string[] {
    return this.recording ? [...this.ivr.recordings, this.recording.id] : this.ivr.recordings;
  }

  async #writeRecord(): Promise<void> {
    this.#recordBuilt = true;
    const rec: CallRecordInput = {
      id: this.id,
      startedAt: this.startedAt,
      endedAt: this.endedAt ?? this.#at(),
      channel: this.channel.name,
      ivrPath: this.ivr.path,
      recordingIds: this.#recordingIds(),
      outcome: this.outcome,
    };
    if (this.answeredAt !== undefined) rec.answeredAt = this.answeredAt;
    if (this.ivr.callerNumber) rec.callerNumber = this.ivr.callerNumber;
    if (this.ivr.calledNumber) rec.calledNumber = this.ivr.calledNumber;
    if (this.ivr.caseNumbers.length) {
      rec.caseNumber = this.ivr.caseNumbers[this.ivr.caseNumbers.length - 1];
      rec.caseNumbers = [...this.ivr.caseNumbers];
    }
    rec.legs = this.legs.map((l) => l.record());
    const q = this.queueInfo;
    if (q.queue !== undefined) {
      rec.queue = q.queue;
      rec.queueWaitMs = Math.max(0, (q.answeredAt ?? this.endedAt ?? this.#at()) - (q.enteredAt ?? this.startedAt));
    }
    if (q.agents.length) {
      rec.agentId = q.agents[q.agents.length - 1];
      rec.agents = [...q.agents];
      rec.holdMs = q.holdMs;
      const talk = this.legs.filter((l) => l.kind === 'agent').reduce((sum, l) => sum + ((l.leftAt ?? this.endedAt ?? l.joinedAt) - l.joinedAt), 0);
      rec.talkMs = Math.max(0, talk - q.holdMs);
      // Measured when his wrap-up already ended; else the configured one, until it ends (src/calls/core.ts rewrites it then).
      const wrap = this.#wrapUps.get(rec.agentId) ?? q.wrapUpMs;
      if (wrap !== undefined) rec.wrapUpMs = wrap;
      if (q.endedBy) rec.endedBy = q.endedBy;
    }
    if (q.transfers.length) rec.transfers = q.transfers.map((t) => ({ ...t }));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // Counted apart from io.pending (nothing the caller hears waits on it),
        // so a stepped test waiting for idle() can hold board time meanwhile
        // (under load an fsync can outlast its board-time budget).
        this.#deps.records.pending++;
        try {
          await this.#deps.store.putCallRecord(rec);
        } finally {
          this.#deps.records.pending--;
        }
        return;
      } catch (e) {
        if ((e as { code?: string }).code === 'CASE_CALL_EXISTS') return;
        if (attempt === 2) this.#deps.log.error({ err: e }, `call ${this.id}: CALL_RECORD_FAILED: ${(e as Error).message}`);
      }
    }
  }
}
