// The call core: watches the inbound channels' events$ and starts one Call per
// seizure, running the flow in service at that moment (a reload never changes
// a call in progress). One subscription, made here at the edge: every channel's
// seizures, each mapped to its Call's run$.
import { catchError, concat, defer, EMPTY, filter, finalize, map, merge, mergeMap, type Observable, of, type Subject, type Subscription } from 'rxjs';
import { Acd } from '../acd/acd.ts';
import type { AcdClock } from '../acd/clock.ts';
import type { QueueLogSink } from '../acd/acd.ts';
import type { AcdConfig } from '../acd/types.ts';
import { ANSWERING_ROLES } from '../board/index.ts';
import type { Board, Channel, RingEvent } from '../board/types.ts';
import type { CaseStore } from '../cases/types.ts';
import type { FlowHost } from '../ivr/flow.ts';
import { Interpreter, type IvrServices } from '../ivr/interpreter.ts';
import type { NoticeConfig } from '../recording/notice.ts';
import { Call, type CallPhase, type CallRecorder, type CallSummary, type PhaseLimits } from './call.ts';
import { CallError } from './errors.ts';
import { IsolatingSubject } from './isolate.ts';
import { silentLogger, type Logger } from './log.ts';
import { CountingScheduler } from './scheduler.ts';
import { Switchboard } from './switchboard.ts';
import { AgentOps } from './agent-ops.ts';
import { OutboundCalls } from './outbound.ts';
import { CallWaiting } from './call-waiting.ts';
import { CallbackRequests } from './callback-request.ts';
import { NightBell } from './night-bell.ts';

export interface CallCoreOptions {
  board: Board;
  flows: FlowHost;
  store: CaseStore;
  services: Omit<IvrServices, 'store' | 'now' | 'log' | 'scheduler'>;
  /** Channels that take calls (default: the trunks whose role takes calls in: inbound, bothway). */
  channels?: ReadonlyArray<Channel>;
  /**
   * Stepped mode: epoch ms at board time 0 (default: now minus board.now()),
   * the simulated calendar the board's time moves; tests pin it for office hours.
   * Ignored in real time, where timestamps come from `wallClock`.
   */
  epochAtZero?: number;
  /** Real-time mode: epoch ms now (default Date.now; tests inject a stepped clock). */
  wallClock?: () => number;
  /** The IVR phase of a call is cleared after this long (default 30 min of board time); other phases: `phaseLimits`. */
  maxCallMs?: number;
  /** Watchdog per phase (src/calls/call.ts DEFAULT_PHASE_LIMITS: a conversation is never cut). */
  phaseLimits?: PhaseLimits;
  /** 全程录音: each answered call's recording (engine.ts binds startCallRecording); absent: none. */
  recorder?: CallRecorder;
  /**
   * The ACD and the agents' stations: the transfer node hands calls to it.
   * Absent, a transfer node plays its busy prompt and overflows (no agents).
   */
  acd?: {
    config: AcdConfig;
    /** agent id → station port (stations.ts mapStations). */
    stations: Map<string, Channel>;
    /** The durable queue log (LmdbQueueLog), or none. */
    log?: QueueLogSink | null;
    /** 自动报工号 by default (a transfer node may say otherwise). */
    announceAgent?: boolean;
    /** 呼叫等待提示: a short tone in the ear of an agent on a call when a call joins his queue (default false; the seat event is always sent). */
    callWaitingTone?: boolean;
    /** Music on hold WAV (default: generated). */
    mohFile?: string;
    /** "This call may be recorded" per queue (src/recording/notice.ts, checked). */
    recordingNotice?: NoticeConfig;
  };
  /** pino logger; each call logs through a child with its call id, channel and caller (default: silent). */
  logger?: Logger;
  /** 夜铃: the station port that rings for night calls (an hours node with nightBell, closed); not an agent's station. */
  nightBell?: Channel;
}

export interface CallEvent {
  type: 'start' | 'end';
  call: CallSummary;
}

export interface CallCoreStats {
  active: number;
  started: number;
  ended: number;
  /** Line operations in flight over all active calls. */
  pendingOps: number;
  /** Live per-call RxJS subscriptions (hang-up + watchdog). */
  liveSubscriptions: number;
  /** Store and mail requests in flight. */
  ioPending: number;
  /** Board-scheduler timers of the call core not yet run or cancelled. */
  liveTimers: number;
}

export class CallCore {
  readonly board: Board;
  readonly flows: FlowHost;
  readonly store: CaseStore;
  /**
   * A call starting and ending (for logs and tests). A subscriber that throws
   * is isolated: the error is logged with the call's context and the engine,
   * other subscribers and other calls go on.
   */
  readonly calls$: Subject<CallEvent> = new IsolatingSubject<CallEvent>((err, e) => {
    const log = e ? this.#logger.child({ callId: e.call.id, channel: e.call.channel, ...(e.call.callerNumber ? { caller: e.call.callerNumber } : {}) }) : this.#logger;
    log.error({ err }, `a subscriber to calls$ threw on ${e ? `the ${e.type} of call ${e.call.id}` : 'the end of calls$'}: ${(err as Error)?.message ?? String(err)}; the call goes on`);
  });
  readonly #active = new Map<string, { call: Call; done: Promise<void> }>();
  readonly #interpreter: Interpreter;
  #sub: Subscription | undefined;
  readonly #counts = { started: 0, ended: 0 };
  readonly #subscriptions = { live: 0 };
  readonly #io = { pending: 0 };
  readonly #records = { pending: 0 };
  readonly #scheduler: CountingScheduler;
  readonly #epochAtZero: number;
  readonly #wallClock: (() => number) | undefined;
  readonly #limits: PhaseLimits;
  readonly #recorder: CallRecorder | undefined;
  /** The ACD (decisions on board time) and the switchboard that plays them; absent without `acd` options. */
  readonly acd?: Acd;
  readonly switchboard?: Switchboard;
  /** Transfers, consultations, conferences, supervision, back to the IVR (on the switchboard). */
  readonly ops?: AgentOps;
  /** Calls agents place from their telephones (座席呼出, 呼叫班长). */
  readonly outbound?: OutboundCalls;
  /** 呼叫等待提示 to agents on a call. */
  readonly callWaiting?: CallWaiting;
  /** 夜铃 (option nightBell). */
  readonly nightBell?: NightBell;
  readonly #logger: Logger;
  readonly #channels: ReadonlyArray<Channel>;
  #seq = 0;
  #stopped = false;

  constructor(o: CallCoreOptions) {
    this.board = o.board;
    this.flows = o.flows;
    this.store = o.store;
    this.#epochAtZero = o.epochAtZero ?? Date.now() - o.board.now();
    // Real time: the wall clock, read each time, so an NTP step moves case
    // numbers, deadlines, office hours and call records with it (the board's
    // monotonic clock would keep the error of the moment the engine started).
    this.#wallClock = o.board.mode === 'realtime' ? (o.wallClock ?? Date.now) : undefined;
    this.#recorder = o.recorder;
    this.#limits = { ...(o.maxCallMs !== undefined ? { ivr: o.maxCallMs, 'back-to-ivr': o.maxCallMs } : {}), ...o.phaseLimits };
    this.#logger = o.logger ?? silentLogger();
    // Only trunks that take calls in reach the IVR: an agent lifting his
    // station's handset, or a seizure on an outbound-only trunk, is not a caller.
    this.#channels = o.channels ?? o.board.byRole(...ANSWERING_ROLES);
    this.#scheduler = new CountingScheduler(o.board.scheduler);
    if (o.acd) {
      // Epoch ms on board time: queue-log times are dates ("today"), timers run on the board's clock.
      const sched = o.board.scheduler;
      const clock: AcdClock = {
        now: () => this.now(),
        setTimer(ms, fn) {
          const sub = sched.schedule(fn, Math.max(0, ms));
          return { cancel: () => sub.unsubscribe() };
        },
      };
      // The queue log's wrap-up events also reach the call records: the measured wrap-up (often after the call ended).
      const log = o.acd.log ?? null;
      const sink: QueueLogSink = {
        append: (ev) => {
          if (ev.type === 'wrap-up') this.#wrappedUp(ev.callId, ev.agentId, ev.wrapMs);
          return log?.append(ev);
        },
      };
      this.acd = new Acd(clock, o.acd.config, sink);
      this.switchboard = new Switchboard({
        acd: this.acd,
        acdConfig: o.acd.config,
        stations: o.acd.stations,
        prompts: o.services.prompts,
        logger: this.#logger,
        callbacks: new CallbackRequests({ acd: this.acd, store: o.store, prompts: o.services.prompts, io: this.#io }),
        ...(o.acd.announceAgent !== undefined ? { announceAgent: o.acd.announceAgent } : {}),
        ...(o.acd.mohFile ? { mohFile: o.acd.mohFile } : {}),
        ...(o.acd.recordingNotice ? { recordingNotice: o.acd.recordingNotice } : {}),
      });
      this.ops = new AgentOps({ switchboard: this.switchboard, acd: this.acd, board: o.board, logger: this.#logger, store: o.store });
      // Transfers go into the call's record (who, to what, blind or consulted, when).
      this.ops.events$.subscribe((e) => e.type === 'transferred' && this.#active.get(e.callId)?.call.transferred({ from: e.agentId, to: e.to, kind: e.kind }));
      this.outbound = new OutboundCalls({ switchboard: this.switchboard, acd: this.acd, board: o.board, store: o.store, logger: this.#logger, now: () => this.now(), ...(o.recorder ? { recorder: o.recorder } : {}) });
      const out = this.outbound;
      this.callWaiting = new CallWaiting({ switchboard: this.switchboard, acd: this.acd, tone: o.acd.callWaitingTone ?? false, busyElsewhere: (id) => out.of(id) !== null });
    }
    if (o.nightBell) {
      if (o.acd && [...o.acd.stations.values()].includes(o.nightBell)) throw new CallError('CALL_NIGHT_BELL_SHARED', `${o.nightBell.name} is an agent's station and the night bell`, { station: o.nightBell.name });
      this.nightBell = new NightBell({ port: o.nightBell, logger: this.#logger });
    }
    this.#interpreter = new Interpreter({ ...o.services, store: o.store, now: () => this.now(), log: (line) => this.#logger.warn(line), io: this.#io, scheduler: this.#scheduler });
  }

  /** Epoch ms now: the wall clock in real time, the simulated calendar in stepped mode. Intervals use board time. */
  now(): number {
    return this.#wallClock ? this.#wallClock() : this.#epochAtZero + this.board.now();
  }

  start(): this {
    const events$ = merge(
      ...this.#channels.map((ch) =>
        ch.events$.pipe(
          filter((e): e is RingEvent => e.type === 'ring' && !this.#stopped),
          // mergeMap, not exhaustMap: the board rings a line only once it is
          // idle again, while the previous call may still be writing its
          // record; that tail must not cost the next caller an answer.
          mergeMap((ring) => this.#call$(ch, ring)),
        ),
      ),
    );
    this.#sub = events$.subscribe((e) => this.calls$.next(e));
    return this;
  }

  #call$(ch: Channel, ring: RingEvent): Observable<CallEvent> {
    const id = `${this.now().toString(36)}-${ch.index}-${++this.#seq}`;
    const log = this.#logger.child({ callId: id, channel: ch.name, ...(ring.callerNumber ? { caller: ring.callerNumber } : {}) });
    return defer(() => {
      const call = new Call(id, ch, ring, this.flows.current, {
        store: this.store,
        interpreter: this.#interpreter,
        now: () => this.now(),
        limits: this.#limits,
        ...(this.switchboard ? { switchboard: this.switchboard } : {}),
        scheduler: this.#scheduler,
        subscriptions: this.#subscriptions,
        log,
        records: this.#records,
        ...(this.#recorder ? { recorder: this.#recorder } : {}),
        ...(this.nightBell ? { nightBell: this.nightBell } : {}),
      });
      let settle!: () => void;
      const done = new Promise<void>((r) => (settle = r));
      this.#active.set(id, { call, done });
      this.#counts.started++;
      return concat(
        of<CallEvent>({ type: 'start', call: call.summary() }),
        call.run$().pipe(map((summary): CallEvent => ({ type: 'end', call: summary }))),
      ).pipe(
        finalize(() => {
          this.#active.delete(id);
          this.#counts.ended++;
          settle();
        }),
      );
    }).pipe(
      // One call failing (a bug, a throwing hook) must not end the merged
      // stream, which would stop the engine answering on every line.
      catchError((err) => {
        log.error({ err }, `call ${id}: failed: ${(err as Error)?.message ?? String(err)}; other calls go on`);
        return EMPTY;
      }),
    );
  }

  /**
   * A case made for call `callId` outside its flow (an agent at his seat,
   * during the call or in wrap-up; also a placed call): the call record lists
   * it in caseNumbers, and so does the call's recording when the call is still
   * running (engine.ts linkCase also updates an index entry already written).
   * Resolves once the call record says so; false: no call of that id.
   */
  async addCase(callId: string, caseNumber: string): Promise<boolean> {
    const a = this.#active.get(callId);
    if (a?.call.addCase(caseNumber)) return true;
    if (this.outbound?.addCase(callId, caseNumber)) return true;
    // Ended: its record is being written or was; the case goes into the stored record.
    if (a) await a.done;
    await this.outbound?.settled();
    const run = this.#patching.then(async () => {
      const rec = await this.store.getCallRecord(callId);
      if (!rec) return false;
      const list = rec.caseNumbers ?? (rec.caseNumber ? [rec.caseNumber] : []);
      if (!list.includes(caseNumber)) await this.store.putCallRecord({ ...rec, caseNumbers: [...list, caseNumber], caseNumber });
      return true;
    });
    this.#patching = run.catch(() => undefined);
    return run;
  }

  #patching: Promise<unknown> = Promise.resolve();

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Calls in progress by phase (every phase but ended, 0 where none): /metrics' hotline_calls. */
  phaseCounts(): Record<Exclude<CallPhase, 'ended'>, number> {
    const n: Record<Exclude<CallPhase, 'ended'>, number> = { ivr: 0, queue: 0, ringing: 0, talking: 0, held: 0, consulting: 0, conference: 0, 'wrap-up': 0, 'back-to-ivr': 0 };
    for (const { call } of this.#active.values()) if (call.phase !== 'ended') n[call.phase]++;
    return n;
  }

  get activeCalls(): Call[] {
    return [...this.#active.values()].map((a) => a.call);
  }

  stats(): CallCoreStats {
    let pendingOps = 0;
    for (const { call } of this.#active.values()) pendingOps += call.ivr.pending;
    return { active: this.#active.size, ...this.#counts, pendingOps, liveSubscriptions: this.#subscriptions.live, ioPending: this.#io.pending, liveTimers: this.#scheduler.live };
  }

  /** True while store or mail requests are in flight: a stepped simulation should not move board time then. */
  busy(): boolean {
    return this.#io.pending > 0;
  }

  /** True while call records are being written (after their calls ended). */
  writing(): boolean {
    return this.#records.pending > 0;
  }

  /** Resolves when no call is active (call records written). */
  async idle(): Promise<void> {
    while (this.#active.size || this.#patches.size) await Promise.all([...[...this.#active.values()].map((a) => a.done), ...this.#patches]);
  }

  /** Call records being given a measured wrap-up after their calls ended. */
  readonly #patches = new Set<Promise<void>>();

  /**
   * An agent's wrap-up ended (the ACD logged it): the call's record gets the
   * measured time — the running call keeps it for its record; a call that
   * ended has its stored record rewritten (once written) when he was its
   * last agent, the one the record's wrap-up is about.
   */
  #wrappedUp(callId: string, agentId: string, ms: number): void {
    const a = this.#active.get(callId);
    if (a && a.call.phase !== 'ended') return a.call.wrappedUp(agentId, ms);
    const p = (async () => {
      await a?.done;
      this.#records.pending++;
      try {
        const rec = await this.store.getCallRecord(callId);
        if (rec && rec.agentId === agentId && rec.wrapUpMs !== ms) await this.store.putCallRecord({ ...rec, wrapUpMs: ms });
      } catch (e) {
        this.#logger.warn({ err: e, callId }, `call ${callId}: the measured wrap-up of ${agentId} (${ms} ms) is not in its record: ${(e as Error).message}`);
      } finally {
        this.#records.pending--;
      }
    })();
    this.#patches.add(p);
    void p.finally(() => this.#patches.delete(p));
  }

  /**
   * Stops taking calls, clears every call in progress (each still gets its
   * call record) and closes the subscriptions. `advance` moves board time in
   * stepped mode so the clearing can complete.
   */
  async stop(advance?: (ms: number) => Promise<void>): Promise<void> {
    if (this.#stopped) throw new CallError('CALL_CORE_STOPPED', 'the call core is already stopped');
    this.#stopped = true;
    for (const { call } of this.#active.values()) call.abort('shutdown');
    const all = this.idle();
    if (advance) {
      let finished = false;
      void all.then(() => (finished = true));
      for (let i = 0; i < 1000 && !finished; i++) await advance(this.board.tickMs * 10);
    }
    await all;
    this.#sub?.unsubscribe();
    this.ops?.close();
    this.callWaiting?.close();
    this.switchboard?.close();
    this.calls$.complete();
  }
}
