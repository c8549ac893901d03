// The seat service: what a seat socket's messages do, without the transport.
// A thin layer over the ACD's agent states and the case store's agents:
// every message is parsed, checked against its schema, its session and the
// sender's role before it can touch the ACD; a refused message gets its code
// and changes nothing. Each connection's messages run one after another
// (a login's scrypt check finishes before the next message is read).
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import type { RecordingAlarm } from '../recording/index.ts';
import { Compile } from 'typebox/compile';
import type { Acd, AgentSnapshot } from '../acd/acd.ts';
import type { QueueLog } from '../acd/log.ts';
import { figures } from '../acd/figures.ts';
import type { AcdConfig } from '../acd/types.ts';
import type { Agent, CaseRecord } from '../cases/types.ts';
import { CallError } from '../calls/errors.ts';
import type { SeatCallEvent, Switchboard } from '../calls/switchboard.ts';
import type { AgentOps } from '../calls/agent-ops.ts';
import type { OutboundCalls } from '../calls/outbound.ts';
import type { CallWaiting } from '../calls/call-waiting.ts';
import { isOpsMessage, opsEventFor, runOp } from './call-ops.ts';
import { isHotlineError, type HotlineError } from '../errors.ts';
import { LoginLimiter, Sessions, type Session } from './auth.ts';
import { isCaseMessage, runCaseMessage, type SeatCaseStore } from './cases.ts';
import { directoryView, type DirectorySource } from './directory.ts';
import { AdminService, isAdminEditMessage, type AdminContext } from './admin.ts';
import { isReportMessage, runReportMessage, type SeatReportStore } from './report.ts';
import { buildScreenPop, type ScreenPopInput } from './screen-pop.ts';
import { seatError } from './errors.ts';
import { VoiceSeats, type VoiceConn } from './voice.ts';
import { CLIENT_MESSAGES, type AgentStateView, type ClientMessage, type ClientType, type QueueView, type Role, type ScreenPop, type ServerEventName, type Snapshot, type Wallboard } from './protocol.ts';

export interface SeatServiceOptions {
  acd: Acd;
  /** The roster and queues the ACD was built from (who serves which queue). */
  acdConfig: AcdConfig;
  /** The ACD clock's now (ms), for time in state. */
  acdNow: () => number;
  /** The call layer's switchboard: call control (answer, hang-up, hold, retrieve) and call events for the seats. */
  switchboard?: Switchboard;
  /** Transfers, consultation, conference, back to the IVR, supervision (the call core's ops). */
  ops?: AgentOps;
  /** Calls placed from agents' telephones (dial). */
  outbound?: OutboundCalls;
  /** 呼叫等待提示 events. */
  callWaiting?: CallWaiting;
  /** The case store's agent check (scrypt). */
  verifyAgent: (id: string, password: string) => Promise<Agent | null>;
  /** Today's service level and abandon rate come from it. */
  queueLog?: QueueLog;
  /** Service level T (default 20 s, the 12315 target "answered within 20 s"). */
  serviceLevelMs?: number;
  /** Offset of the bureau's day from UTC (default +8 h, Beijing) for "today". */
  dayOffsetMs?: number;
  /** Session length (default 12 h: a shift and its overlap). */
  sessionTtlMs?: number;
  /** Failed logins allowed per agent id and per address in `loginWindowMs` (default 5 in 5 min). */
  maxLoginFailures?: number;
  loginWindowMs?: number;
  /** Wall clock for sessions and the limiter (tests). */
  now?: () => number;
  /** Live wallboards are re-sent this often (default 1 s). */
  wallboardEveryMs?: number;
  /** The recording layer's alarms (disk full, I/O): in force ones are on the wallboard and in /metrics until cleared. */
  recordingAlarms?: Observable<RecordingAlarm>;
  logger?: Logger;
  /**
   * Called as each server event leaves for a socket (the seat bench stamps
   * server event → client received with it); keep it cheap.
   */
  onEventSent?: (agentId: string | null, seq: number, event: ServerEventName) => void;
  /** The case store: case messages, caller history, knowledge base, screen pops (SEAT_CASES_UNAVAILABLE without it). */
  cases?: SeatCaseStore & SeatReportStore;
  /** People and departments for `directory` (the case store; without it the directory lists the ACD roster only). */
  directory?: DirectorySource;
  /** What the admin-* messages change (SEAT_ADMIN_UNAVAILABLE without it). */
  admin?: AdminContext;
  /** A case created at a seat with a call's id (case-create, answer-later): the engine adds it to that call's record and recordings (Engine.linkCase). */
  linkCase?: (callId: string, caseNumber: string) => Promise<unknown>;
}

/** One socket, as the service sees it. */
export interface SeatConn {
  readonly address: string;
  send(text: string): void;
  /** A binary message (the browser phone's audio); absent: the transport has none. */
  sendBinary?(data: Uint8Array): void;
  close(code: number, why: string): void;
}

interface ConnState {
  conn: SeatConn;
  seq: number;
  session: Session | null;
  wallboard: boolean;
  chain: Promise<void>;
  closed: boolean;
  /** The browser phone's side of this socket (voice.ts), once it asked for one. */
  voice?: VoiceConn;
}

const BUSY = new Set(['reserved', 'ringing', 'talking', 'held']);
const DAY_MS = 86_400_000;
const validators = Object.fromEntries(Object.entries(CLIENT_MESSAGES).map(([k, d]) => [k, Compile(d.schema)])) as Record<ClientType, ReturnType<typeof Compile>>;

/** A queue's figures today (bureau day), from the queue log. */
export interface TodayQueue {
  sl: number | null;
  ab: number | null;
  answered: number;
  abandoned: number;
  asaMs: number | null;
  ahtMs: number | null;
}

export class SeatService {
  private readonly conns = new Map<SeatConn, ConnState>();
  private readonly byAgent = new Map<string, Set<ConnState>>();
  private readonly roster: Set<string>;
  private readonly servedBy = new Map<string, string[]>();
  readonly sessions: Sessions;
  private readonly limiter: LoginLimiter;
  private readonly now: () => number;
  private readonly slMs: number;
  private readonly dayOffset: number;
  private readonly unsubscribe: () => void;
  private readonly callEvents: { unsubscribe(): void } | undefined;
  private readonly opsEvents: { unsubscribe(): void } | undefined;
  private readonly recAlarms = new Map<string, Wallboard['recordingAlarms'][number]>();
  private readonly ticker: NodeJS.Timeout;
  /** The browser phone (voice-start): with the call layer only. */
  private readonly voice: VoiceSeats | undefined;
  private wallboardTimer: NodeJS.Timeout | null = null;
  private readonly admin: AdminService | null;
  private todayCache: { at: number; byQueue: Map<string, TodayQueue>; occupancy: number | null } | null = null;

  constructor(private readonly o: SeatServiceOptions) {
    this.now = o.now ?? Date.now;
    this.sessions = new Sessions(o.sessionTtlMs ?? 12 * 3_600_000, this.now);
    this.limiter = new LoginLimiter(o.maxLoginFailures ?? 5, o.loginWindowMs ?? 300_000, this.now);
    this.slMs = o.serviceLevelMs ?? 20_000;
    this.dayOffset = o.dayOffsetMs ?? 8 * 3_600_000;
    this.roster = new Set(o.acd.agentIds());
    this.admin = o.admin ? new AdminService(o.admin) : null;
    for (const q of o.acdConfig.queues) for (const m of q.members) this.servedBy.set(m.agent, [...(this.servedBy.get(m.agent) ?? []), q.id]);
    this.unsubscribe = o.acd.onDecision((d) => {
      if (d.type !== 'agent-state') return;
      const view = this.agentView(d.agentId);
      for (const c of this.byAgent.get(d.agentId) ?? []) this.event(c, 'agent-state', view);
      this.wallboardSoon();
    });
    // Call events of the agent's telephone (the call layer's switchboard): to his seats; an offer brings its screen pop.
    this.callEvents = o.switchboard?.events$.subscribe((e) => this.callEvent(e));
    this.voice = o.switchboard ? new VoiceSeats(o.switchboard) : undefined;
    const toSeats = (e: Parameters<typeof opsEventFor>[0]) => {
      const { to, data } = opsEventFor(e);
      for (const id of to) for (const c of this.byAgent.get(id) ?? []) this.event(c, e.type, data);
    };
    // A recording that stopped (disk full, I/O) stays on the wallboard until it records again.
    const alarmed = o.recordingAlarms?.subscribe((a) => {
      const key = `${a.channel}|${a.callId ?? ''}`;
      if (a.raised) this.recAlarms.set(key, { code: a.code, message: a.message, channel: a.channel, at: a.at, ...(a.callId ? { callId: a.callId } : {}) });
      else this.recAlarms.delete(key);
      this.wallboardSoon();
    });
    const subs = [o.ops?.events$.subscribe(toSeats), o.outbound?.events$.subscribe(toSeats), o.callWaiting?.events$.subscribe(toSeats), alarmed];
    this.opsEvents = { unsubscribe: () => subs.forEach((x) => x?.unsubscribe()) };
    // Time in state and the longest wait grow by themselves: live wallboards
    // are re-sent once a second; expired sessions are closed on the same beat.
    this.ticker = setInterval(() => {
      this.expire();
      this.pushWallboards();
    }, o.wallboardEveryMs ?? 1000);
    this.ticker.unref();
  }

  /** Sockets open, and sessions live. */
  stats(): { sockets: number; sessions: number } {
    return { sockets: this.conns.size, sessions: this.sessions.sweep() };
  }

  attach(conn: SeatConn): void {
    this.conns.set(conn, { conn, seq: 0, session: null, wallboard: false, chain: Promise.resolve(), closed: false });
  }

  detach(conn: SeatConn): void {
    const c = this.conns.get(conn);
    if (!c) return;
    c.closed = true;
    this.conns.delete(conn);
    this.unbind(c);
  }

  /** A text frame from a socket; replies go back through conn.send. */
  receive(conn: SeatConn, raw: string): Promise<void> {
    const c = this.conns.get(conn);
    if (!c) return Promise.resolve();
    c.chain = c.chain.then(() => this.handle(c, raw));
    return c.chain;
  }

  /**
   * A binary message from a socket: the browser phone's audio when this
   * socket started it (voice-start), else refused as before (not JSON).
   */
  receiveBinary(conn: SeatConn, data: Uint8Array): void {
    const c = this.conns.get(conn);
    if (!c) return;
    if (!c.voice || !this.voice?.has(c.voice)) {
      void this.receive(conn, '\u0000binary');
      return;
    }
    const why = this.voice.frame(c.voice, data);
    if (why) this.fail(c, null, seatError('SEAT_BAD_MESSAGE', why));
  }

  close(): void {
    this.voice?.close();
    this.unsubscribe();
    this.callEvents?.unsubscribe();
    this.opsEvents?.unsubscribe();
    clearInterval(this.ticker);
    if (this.wallboardTimer) clearTimeout(this.wallboardTimer);
    for (const c of [...this.conns.values()]) {
      c.conn.close(1001, 'seat server stopping');
      this.detach(c.conn);
    }
  }

  /** Login by REST (POST /login) and over the socket alike. */
  async login(agentId: string, password: string, address: string): Promise<{ session: Session } | { error: HotlineError; retryAfterMs?: number }> {
    const keys = [`id:${agentId}`, `addr:${address}`];
    const wait = this.limiter.retryAfter(keys);
    if (wait > 0) return { error: seatError('SEAT_LOGIN_RATE_LIMITED', `try again in ${Math.ceil(wait / 1000)} s`), retryAfterMs: wait };
    const agent = await this.o.verifyAgent(agentId, password);
    if (!agent) {
      this.limiter.failed(keys);
      return { error: seatError('SEAT_LOGIN_FAILED') };
    }
    this.limiter.succeeded(keys[0]);
    return { session: this.sessions.open(agent.id, agent.role) };
  }

  /**
   * The screen pop of an offered call, sent as a `screen-pop` event to every
   * seat of the agent (the call layer calls it after sending `offer`). Never
   * throws: a store failure is logged and the pop is skipped (null).
   */
  async screenPop(agentId: string, input: ScreenPopInput): Promise<ScreenPop | null> {
    if (!this.o.cases) return null;
    let pop: ScreenPop;
    try {
      pop = await buildScreenPop(this.o.cases, input);
    } catch (e) {
      this.o.logger?.warn({ err: e, agentId, callId: input.callId }, 'screen pop not built');
      return null;
    }
    for (const c of this.byAgent.get(agentId) ?? []) this.event(c, 'screen-pop', pop);
    return pop;
  }

  /** A call event of an agent's telephone → his seats (`offer` then its `screen-pop`). */
  private callEvent(e: SeatCallEvent): void {
    const seats = this.byAgent.get(e.agentId);
    switch (e.type) {
      case 'offer': {
        const data: Record<string, unknown> = { callId: e.callId, queue: e.queue, vars: e.vars, headset: e.headset };
        if (e.callerNumber) data.callerNumber = e.callerNumber;
        for (const c of seats ?? []) this.event(c, 'offer', data);
        if (seats?.size) void this.screenPop(e.agentId, { callerNumber: e.callerNumber, calledNumber: e.calledNumber, ivrPath: e.path, ivrVars: e.vars, callId: e.callId });
        return;
      }
      case 'offer-cancelled':
        for (const c of seats ?? []) this.event(c, 'offer-cancelled', { callId: e.callId, reason: e.reason });
        return;
      case 'connected':
        for (const c of seats ?? []) this.event(c, 'connected', e.callerNumber ? { callId: e.callId, callerNumber: e.callerNumber } : { callId: e.callId });
        return;
      case 'held':
      case 'retrieved':
        for (const c of seats ?? []) this.event(c, e.type, { callId: e.callId });
        return;
      case 'ended':
        for (const c of seats ?? []) this.event(c, 'ended', { callId: e.callId, by: e.by });
        return;
    }
  }

  private switchboard(): Switchboard {
    if (!this.o.switchboard) throw new CallError('CALL_CONTROL_UNAVAILABLE', 'this seat server has no call layer behind it');
    return this.o.switchboard;
  }

  // ---- one message --------------------------------------------------------

  private async handle(c: ConnState, raw: string): Promise<void> {
    if (c.closed) return;
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return this.fail(c, null, seatError('SEAT_BAD_MESSAGE', 'not JSON'));
    }
    const rec = msg !== null && typeof msg === 'object' && !Array.isArray(msg) ? (msg as Record<string, unknown>) : null;
    const id = rec && typeof rec.id === 'string' && rec.id.length > 0 && rec.id.length <= 64 ? rec.id : null;
    if (!rec || typeof rec.type !== 'string') return this.fail(c, id, seatError('SEAT_BAD_MESSAGE', 'a message is a JSON object with "id" and "type"'));
    if (!Object.prototype.hasOwnProperty.call(CLIENT_MESSAGES, rec.type)) return this.fail(c, id, seatError('SEAT_UNKNOWN_TYPE', JSON.stringify(rec.type.slice(0, 40))));
    const type = rec.type as ClientType;
    const check = validators[type];
    if (!check.Check(rec)) {
      const first = check.Errors(rec)[0];
      return this.fail(c, id, seatError('SEAT_BAD_MESSAGE', `${type}: ${first ? `${first.instancePath || '/'} ${first.message}` : 'does not match its schema'}`));
    }
    const m = rec as ClientMessage;
    const def = CLIENT_MESSAGES[type];
    if (def.roles !== 'anyone') {
      if (!c.session) return this.fail(c, m.id, seatError('SEAT_NOT_LOGGED_IN'));
      if (!this.sessions.live(c.session)) return this.endSession(c, m.id);
      if (!(def.roles as readonly Role[]).includes(c.session.role)) return this.fail(c, m.id, seatError('SEAT_FORBIDDEN', `'${type}' needs the role ${(def.roles as readonly Role[]).join(' or ')}; you are ${c.session.role}`));
    }
    try {
      const result = await this.run(c, m);
      if (result !== undefined) this.reply(c, m.id, result);
    } catch (e) {
      if (isHotlineError(e)) return this.fail(c, m.id, e);
      this.o.logger?.error({ err: e, type }, 'seat message failed');
      return this.fail(c, m.id, seatError('SEAT_INTERNAL', type));
    }
  }

  /** Carries out a checked message; returns the reply's result, or undefined when it replied itself. */
  private async run(c: ConnState, m: ClientMessage): Promise<unknown> {
    const acd = this.o.acd;
    const self = c.session?.agentId ?? '';
    if (isOpsMessage(m)) {
      this.inRoster(self);
      if (m.type === 'supervise') this.inRoster(m.agentId);
      return runOp(this.o.ops, this.o.outbound, self, m);
    }
    if (isReportMessage(m)) {
      if (!this.o.cases) throw seatError('SEAT_CASES_UNAVAILABLE', m.type);
      return runReportMessage(this.o.cases, this.o.queueLog, c.session!, m, this.slMs);
    }
    if (isAdminEditMessage(m)) {
      if (!this.admin) throw seatError('SEAT_ADMIN_UNAVAILABLE', m.type);
      const r = await this.admin.run(c.session!, m);
      // A deactivated agent is logged out of every seat at once (his sockets get session-ended)
      // and out of the ACD (at once when idle, after his call and wrap-up otherwise: a call is never cut).
      if (m.type === 'admin-agent-put' && m.agent.active === false) {
        this.sessions.endAgent(m.agent.id);
        for (const other of [...(this.byAgent.get(m.agent.id) ?? [])]) this.endSession(other, null);
        if (this.roster.has(m.agent.id) && acd.agent(m.agent.id).state !== 'loggedOut') acd.forceLogout(m.agent.id);
      }
      return r;
    }
    if (isCaseMessage(m)) {
      if (!this.o.cases) throw seatError('SEAT_CASES_UNAVAILABLE', m.type);
      const r = await runCaseMessage(this.o.cases, c.session!, m);
      if ((m.type === 'case-create' || m.type === 'answer-later') && this.o.linkCase) await this.linkCase(r as CaseRecord);
      // Beside the cases, the ACD's list: abandoned calls and callers who asked to be called back (dial with `callback`).
      return m.type === 'callbacks' ? { ...(r as object), calls: acd.callbacks().slice(0, m.limit ?? 100) } : r;
    }
    switch (m.type) {
      case 'ping':
        return { serverTime: this.now() };
      case 'login':
      case 'resume': {
        if (c.session && this.sessions.live(c.session)) throw seatError('SEAT_ALREADY_LOGGED_IN', `as ${c.session.agentId}`);
        let session: Session;
        if (m.type === 'login') {
          const r = await this.login(m.agentId, m.password, c.conn.address);
          if ('error' in r) {
            this.fail(c, m.id, r.error, r.retryAfterMs);
            return undefined;
          }
          session = r.session;
        } else {
          const s = this.sessions.get(m.token);
          if (!s) throw seatError('SEAT_SESSION_EXPIRED');
          session = s;
        }
        if (c.closed) return undefined;
        this.unbind(c);
        c.session = session;
        this.bind(c);
        this.reply(c, m.id, { token: session.token, agentId: session.agentId, role: session.role, expiresAt: session.expiresAt });
        this.event(c, 'snapshot', this.snapshot(session));
        return undefined;
      }
      case 'end-session':
        this.sessions.end(c.session!.token);
        this.unbind(c);
        c.session = null;
        return {};
      case 'snapshot':
        this.reply(c, m.id, {});
        this.event(c, 'snapshot', this.snapshot(c.session!));
        return undefined;
      case 'acd-login':
        this.inRoster(self);
        acd.login(self, { ready: m.ready === true });
        return this.agentView(self);
      case 'acd-logout':
        this.inRoster(self);
        acd.logout(self);
        return this.agentView(self);
      case 'ready':
        this.inRoster(self);
        acd.setReady(self);
        return this.agentView(self);
      case 'not-ready':
        this.inRoster(self);
        acd.setNotReady(self, m.reason);
        return this.agentView(self);
      case 'wrap-up-end':
        this.inRoster(self);
        acd.endWrapUp(self);
        return this.agentView(self);
      case 'directory':
        return directoryView(this.o.directory, this.o.acdConfig);
      case 'wallboard':
        if (m.live !== undefined) c.wallboard = m.live;
        return this.wallboard();
      case 'force-not-ready':
        this.inRoster(m.agentId);
        acd.setNotReady(m.agentId, m.reason);
        this.o.logger?.info({ by: self, agentId: m.agentId, reason: m.reason }, 'supervisor set agent not ready');
        return this.agentView(m.agentId);
      case 'answer':
      case 'hangup':
      case 'hold':
      case 'retrieve': {
        this.inRoster(self);
        const sb = this.switchboard();
        if ((m.type === 'hold' || m.type === 'retrieve') && this.o.ops?.inOperation(self)) throw new CallError('CALL_OPERATION_STATE', `'${m.type}' while consulting or in a conference: use consult-cancel, consult-complete or conference`, { agentId: self });
        // 呼叫终止 also ends a call the agent placed (dial).
        if (m.type === 'hangup' && this.o.outbound?.of(self)) return this.o.outbound.hangup(self);
        return m.type === 'answer' ? sb.answer(self) : m.type === 'hangup' ? sb.hangup(self) : m.type === 'hold' ? sb.hold(self) : sb.retrieve(self);
      }
      case 'voice-start': {
        this.inRoster(self);
        if (!this.voice) throw new CallError('CALL_CONTROL_UNAVAILABLE', 'this seat server has no call layer behind it');
        if (!c.conn.sendBinary) throw seatError('SEAT_VOICE_UNAVAILABLE', 'this connection carries no binary messages');
        c.voice ??= { sendBinary: (d) => c.conn.sendBinary?.(d), event: (name, data) => this.event(c, name, data) };
        return this.voice.start(c.voice, self, m.codec);
      }
      case 'voice-stop':
        return (c.voice && this.voice?.stop(c.voice)) ?? { received: 0, sent: 0, lost: 0, late: 0, underruns: 0, refused: 0 };
      case 'force-logout':
        this.inRoster(m.agentId);
        // 强制签出 never cuts a call: an agent on one (or being offered one) is logged out after it and its wrap-up.
        acd.forceLogout(m.agentId);
        this.o.logger?.info({ by: self, agentId: m.agentId }, 'supervisor logged agent out');
        return this.agentView(m.agentId);
    }
  }

  private inRoster(agentId: string): void {
    if (!this.roster.has(agentId)) throw seatError('SEAT_NOT_IN_ROSTER', `'${agentId}'`, { agentId });
  }

  // ---- sessions and sockets ----------------------------------------------

  /** The case is stored whatever happens here: a failure to link it to its call is logged, the reply is the case. */
  private async linkCase(rec: CaseRecord): Promise<void> {
    if (!rec.callId) return;
    try {
      if (!(await this.o.linkCase!(rec.callId, rec.number))) this.o.logger?.info(`seats: case ${rec.number} names call ${rec.callId}, which the engine does not know`);
    } catch (e) {
      this.o.logger?.warn({ err: e }, `seats: case ${rec.number} not linked to call ${rec.callId}: ${(e as Error).message}`);
    }
  }

  private bind(c: ConnState): void {
    const id = c.session!.agentId;
    let set = this.byAgent.get(id);
    if (!set) this.byAgent.set(id, (set = new Set()));
    set.add(c);
    if (this.roster.has(id)) this.o.acd.seatReconnected(id);
  }

  /** The socket no longer carries the session; the last seat of an agent gone → the ACD knows (his state stays). */
  private unbind(c: ConnState): void {
    if (c.voice) this.voice?.stop(c.voice);
    if (!c.session) return;
    const id = c.session.agentId;
    const set = this.byAgent.get(id);
    set?.delete(c);
    if (set && set.size === 0) {
      this.byAgent.delete(id);
      if (this.roster.has(id)) this.o.acd.seatDisconnected(id);
    }
    c.wallboard = false;
  }

  private endSession(c: ConnState, id: string | null): void {
    const err = seatError('SEAT_SESSION_EXPIRED');
    this.fail(c, id, err);
    this.event(c, 'session-ended', { code: err.code, message: err.message });
    this.unbind(c);
    c.session = null;
    c.conn.close(4401, 'session expired');
  }

  private expire(): void {
    for (const c of this.conns.values()) if (c.session && !this.sessions.live(c.session)) this.endSession(c, null);
  }

  // ---- views --------------------------------------------------------------

  agentView(agentId: string): AgentStateView {
    return this.view(this.o.acd.agent(agentId));
  }

  private view(a: AgentSnapshot): AgentStateView {
    const v: AgentStateView = { agentId: a.id, state: a.state, timeInStateMs: Math.max(0, Math.round(this.o.acdNow() - a.since)), seatConnected: this.byAgent.has(a.id) };
    if (a.reason !== undefined) v.reason = a.reason;
    if (a.pendingNotReady !== undefined) v.pendingNotReady = a.pendingNotReady;
    if (a.pendingLogout) v.pendingLogout = true;
    if (a.callId !== undefined) v.callId = a.callId;
    if (a.callQueue !== undefined) v.callQueue = a.callQueue;
    if (a.callerNumber !== undefined) v.callerNumber = a.callerNumber;
    return v;
  }

  private queueView(id: string): QueueView {
    const q = this.o.acd.queue(id);
    return { queue: q.id, waiting: q.waiting, longestWaitMs: Math.round(q.longestWaitMs), loggedIn: q.loggedIn, ready: q.ready };
  }

  snapshot(s: Session): Snapshot {
    const inRoster = this.roster.has(s.agentId);
    return {
      agentId: s.agentId,
      role: s.role,
      agent: inRoster ? this.agentView(s.agentId) : null,
      queues: (this.servedBy.get(s.agentId) ?? []).map((q) => this.queueView(q)),
      ...this.callView(s.agentId),
    };
  }

  /** The call on the agent's telephone (legs' switchboard), for the snapshot. */
  private callView(agentId: string): Pick<Snapshot, 'call'> {
    const sb = this.o.switchboard;
    const call = sb?.callOf(agentId);
    const port = sb?.station(agentId);
    return call && port ? { call: { ...call, station: port.name } } : {};
  }

  wallboard(): Wallboard {
    const counts = { loggedIn: 0, ready: 0, talking: 0, notReady: 0, wrapUp: 0 };
    const agents: AgentStateView[] = [];
    for (const id of this.roster) {
      const v = this.agentView(id);
      agents.push(v);
      if (v.state !== 'loggedOut') counts.loggedIn++;
      if (v.state === 'ready') counts.ready++;
      else if (v.state === 'notReady') counts.notReady++;
      else if (v.state === 'workingAfterCall') counts.wrapUp++;
      else if (BUSY.has(v.state)) counts.talking++;
    }
    const today = this.today();
    const queues = this.o.acdConfig.queues.map((q) => {
      const t = today.get(q.id);
      return { ...this.queueView(q.id), serviceLevelToday: t?.sl ?? null, abandonRateToday: t?.ab ?? null, answeredToday: t?.answered ?? 0, abandonedToday: t?.abandoned ?? 0 };
    });
    return { counts, agents, queues, serviceLevelMs: this.slMs, recordingAlarms: [...this.recAlarms.values()] };
  }

  /** Today's SL and abandon rate per queue from the queue log, read again at most once a second. */
  private today(): Map<string, TodayQueue> {
    return this.todayFigures().queues;
  }

  /** Today's figures (bureau day) per queue and the agents' occupancy, from the queue log, read again at most once a second. */
  todayFigures(): { queues: Map<string, TodayQueue>; occupancy: number | null } {
    const log = this.o.queueLog;
    const wall = this.now();
    if (!log) return { queues: new Map(), occupancy: null };
    if (this.todayCache && wall - this.todayCache.at < 1000) return { queues: this.todayCache.byQueue, occupancy: this.todayCache.occupancy };
    const t = this.o.acdNow();
    const from = Math.floor((t + this.dayOffset) / DAY_MS) * DAY_MS - this.dayOffset;
    const byQueue = new Map<string, TodayQueue>();
    const [p] = figures(log.events({ from }), { serviceLevelMs: this.slMs, from });
    for (const [q, f] of Object.entries(p?.queues ?? {})) byQueue.set(q, { sl: f.serviceLevel, ab: f.abandonRate, answered: f.answered, abandoned: f.abandoned, asaMs: f.asaMs, ahtMs: f.ahtMs });
    this.todayCache = { at: wall, byQueue, occupancy: p?.occupancy ?? null };
    return { queues: byQueue, occupancy: this.todayCache.occupancy };
  }

  private wallboardSoon(): void {
    if (this.wallboardTimer) return;
    // Agent changes come in bursts (a call ends: talking → wrap-up → ready): one wallboard per 100 ms.
    this.wallboardTimer = setTimeout(() => {
      this.wallboardTimer = null;
      this.pushWallboards();
    }, 100);
    this.wallboardTimer.unref();
  }

  private pushWallboards(): void {
    let board: string | null = null;
    for (const c of this.conns.values()) if (c.wallboard && c.session) this.event(c, 'wallboard', null, (board ??= JSON.stringify(this.wallboard())));
  }

  // ---- output -------------------------------------------------------------

  private reply(c: ConnState, id: string, result: unknown): void {
    if (!c.closed) c.conn.send(JSON.stringify({ type: 'reply', id, ok: true, result }));
  }

  private fail(c: ConnState, id: string | null, e: HotlineError, retryAfterMs?: number): void {
    if (c.closed) return;
    const out: Record<string, unknown> = { type: 'reply', id, ok: false, code: e.code, message: e.message };
    if (retryAfterMs !== undefined) out.retryAfterMs = Math.ceil(retryAfterMs);
    if (e.info) out.details = e.info;
    c.conn.send(JSON.stringify(out));
  }

  private event(c: ConnState, event: ServerEventName, data: unknown, dataJson?: string): void {
    if (c.closed) return;
    const seq = ++c.seq;
    // The same data to many sockets (a wallboard to every supervisor) is serialised once.
    const text = dataJson === undefined ? JSON.stringify({ type: 'event', seq, event, data }) : `{"type":"event","seq":${seq},"event":"${event}","data":${dataJson}}`;
    this.o.onEventSent?.(c.session?.agentId ?? null, seq, event);
    c.conn.send(text);
  }
}
