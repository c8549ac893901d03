// The ACD decision core: agents and their states, queues, who gets which
// call and when, the caller-side decisions (announcements, overflow, empty
// queue, callback list). It does no board I/O: the call layer tells it what
// happened (a call entered, a station rang, an agent answered, a caller hung
// up) and plays the decisions it hands back. Time comes only from an AcdClock,
// so the same core runs in virtual time (tests, the Erlang C bench) and on
// board time.
//
// Invariants (check() verifies them; the tests run it after every step):
// an agent reserved or ringing is in exactly one call's offers; an agent
// talking or held is that call's agent; a call being offered has ≥ 1 offer;
// a waiting or offered call stays in its queue's list at its place until it is
// connected, abandoned or overflows, so a failed offer returns it where it was.
import type { AcdClock, Timer } from './clock.ts';
import { CallbackList } from './callbacks.ts';
import { acdError } from './errors.ts';
import { Sfc32, type Rng } from './rng.ts';
import { brokenInvariants, buildModel, type AgentRt, type CallRt, type Member, type QueueRt } from './model.ts';
import { choose } from './strategy.ts';
import { agentSnapshot, candidates, emptiness, estimatedWait, queueStatus, type AgentSnapshot, type QueueStatus } from './queries.ts';
import {
  AGENT_STATES,
  REASON_DISCONNECTED,
  REASON_NO_ANSWER,
  REASON_OFFER_FAILED,
  OPERATION_REASONS,
  type AcdConfig,
  type AgentState,
  type CallbackEntry,
  type Decision,
  type EmptyRule,
  type OverflowTarget,
  type QueueEvent,
} from './types.ts';

/** Where the ACD writes its events (src/acd/log.ts). A promise resolves once the event is durable. */
export interface QueueLogSink {
  append(ev: QueueEvent): void | Promise<void>;
}

const DEFAULT_RING_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_MISSES = 3;
const DEFAULT_PROGRESSIVE_MS = 5_000;
const DEFAULT_GRACE_MS = 30_000;

export interface EnterOptions {
  priority?: number;
  callerNumber?: string;
}

export type EnterResult = { joined: true; position: number } | { joined: false; reason: 'none-logged-in' | 'none-ready' };

export type TransferTarget = { queue: string } | { agent: string } | { external: string };

export type { AgentSnapshot, QueueStatus } from './queries.ts';

export class Acd {
  private readonly agents: Map<string, AgentRt>;
  private readonly queues: Map<string, QueueRt>;
  private readonly byWeight: QueueRt[];
  private readonly calls = new Map<string, CallRt>();
  private readonly callbackList: CallbackList;
  private readonly rng: Rng;
  private readonly graceMs: number;
  private readonly listeners: ((d: Decision) => void)[] = [];
  private readonly outbox: Decision[] = [];
  private readonly pendingLog = new Set<Promise<void>>();
  private logFailure: unknown = null;
  private seq = 0;
  private readyCount = 0;
  private depth = 0;
  private dirty = false;
  private delivering = false;

  constructor(
    private readonly clock: AcdClock,
    config: AcdConfig,
    private readonly log: QueueLogSink | null = null,
  ) {
    this.rng = new Sfc32(config.seed ?? 12315);
    this.graceMs = config.disconnectGraceMs ?? DEFAULT_GRACE_MS;
    const model = buildModel(config, clock.now());
    this.agents = model.agents;
    this.queues = model.queues;
    this.byWeight = [...this.queues.values()].sort((a, b) => b.weight - a.weight);
    // After a restart: the list as the queue log left it (callbacks.ts fromLog).
    this.callbackList = config.callbacks ?? new CallbackList();
  }

  // ---------------------------------------------------------------- plumbing

  /** Decisions for the call layer, delivered after the step that made them (never re-entrantly). */
  onDecision(fn: (d: Decision) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Resolves when every event logged so far is committed; rejects (ACD_LOG_WRITE_FAILED) if one failed. */
  async settled(): Promise<void> {
    while (this.pendingLog.size) await Promise.allSettled([...this.pendingLog]);
    if (this.logFailure) throw acdError('ACD_LOG_WRITE_FAILED', String((this.logFailure as Error)?.message ?? this.logFailure));
  }

  private write(ev: QueueEvent): void {
    if (!this.log) return;
    const p = this.log.append(ev);
    if (p) {
      const tracked = p.then(
        () => void this.pendingLog.delete(tracked),
        (e) => {
          this.pendingLog.delete(tracked);
          this.logFailure ??= e;
        },
      );
      this.pendingLog.add(tracked);
    }
  }

  private emit(d: Decision): void {
    if (this.listeners.length) this.outbox.push(d);
  }

  /**
   * Set by the call layer: true while the agent's telephone is taken by an
   * operation (he supervises a call, is consulted, or placed a call). Such an
   * agent is offered no call whatever his state (CSTA: busy on a non-ACD
   * call), so nothing is missed or failed and his state stays his own.
   */
  stationTaken: (agentId: string) => boolean = () => false;

  /** The call layer gave the agent's telephone back: a ready agent is offered the waiting calls again. */
  stationFreed(agentId: string): void {
    this.op(() => {
      if (this.agentOf(agentId).state === 'ready') this.dirty = true;
    });
  }

  /** One step: runs fn, then dispatches waiting calls once and delivers the decisions. */
  private op<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) {
        if (this.dirty) {
          this.dirty = false;
          this.depth++;
          try {
            this.dispatch();
          } finally {
            this.depth--;
          }
        }
        this.deliver();
      }
    }
  }

  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let i = 0; i < this.outbox.length; i++) {
        const d = this.outbox[i];
        for (const l of this.listeners) {
          try {
            l(d);
          } catch (e) {
            // A listener's fault must not leave the ACD half-stepped.
            queueMicrotask(() => {
              throw e;
            });
          }
        }
      }
    } finally {
      this.outbox.length = 0;
      this.delivering = false;
    }
  }

  private timer(ms: number, fn: () => void): Timer {
    return this.clock.setTimer(ms, () => this.op(fn));
  }

  private agentOf(id: string): AgentRt {
    const a = this.agents.get(id);
    if (!a) throw acdError('ACD_UNKNOWN_AGENT', `'${id}'`, { agentId: id });
    return a;
  }

  private callOf(id: string): CallRt {
    const c = this.calls.get(id);
    if (!c) throw acdError('ACD_UNKNOWN_CALL', `'${id}'`, { callId: id });
    return c;
  }

  private refuse(a: AgentRt, what: string): never {
    throw acdError('ACD_STATE_REFUSED', `agent '${a.id}' is ${a.state}${a.reason ? ` (${a.reason})` : ''}; ${what}`, { agentId: a.id, state: a.state });
  }

  private setState(a: AgentRt, to: AgentState, reason?: string): void {
    const from = a.state;
    const now = this.clock.now();
    if (from === 'ready') this.readyCount--;
    if (to === 'ready') {
      this.readyCount++;
      a.idleSince = now;
      this.dirty = true;
      if (!a.connected && !a.graceTimer) this.armGrace(a);
    } else if (a.graceTimer) {
      a.graceTimer.cancel();
      a.graceTimer = null;
    }
    a.state = to;
    a.since = now;
    a.reason = to === 'notReady' ? reason : undefined;
    this.write(reason === undefined ? { type: 'agent-state', at: now, agentId: a.id, from, to } : { type: 'agent-state', at: now, agentId: a.id, from, to, reason });
    this.emit(reason === undefined ? { type: 'agent-state', agentId: a.id, state: to } : { type: 'agent-state', agentId: a.id, state: to, reason });
  }

  /** After a call (or an offer) the agent is ready, unless he asked for not ready meanwhile. */
  private toIdle(a: AgentRt): void {
    if (a.pendingLogout) {
      a.pendingLogout = false;
      a.keptReason = kept(a.state === 'notReady' ? a.reason : a.pendingNotReady);
      a.pendingNotReady = undefined;
      this.setState(a, 'loggedOut');
    } else if (a.pendingNotReady !== undefined) {
      const r = a.pendingNotReady;
      a.pendingNotReady = undefined;
      this.setState(a, 'notReady', r);
    } else this.setState(a, 'ready');
  }

  // ------------------------------------------------------------------ agents

  /** Logs the agent in: not ready, with the reason he had at logout (kept across a reconnect), unless `ready`. */
  login(agentId: string, opts: { ready?: boolean } = {}): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      if (a.state !== 'loggedOut') this.refuse(a, 'log out first');
      a.misses = 0;
      a.connected = true;
      if (opts.ready) {
        a.keptReason = undefined;
        this.setState(a, 'ready');
      } else this.setState(a, 'notReady', a.keptReason ?? 'login');
    });
  }

  /** Logs out an idle agent (ready, not ready, or in wrap-up, which ends); refused while a call is offered or connected. */
  logout(agentId: string): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      if (a.state === 'loggedOut' || a.call) this.refuse(a, 'an agent logs out when no call is offered to him or connected');
      if (a.state === 'workingAfterCall') this.finishWrap(a);
      a.keptReason = kept(a.state === 'notReady' ? a.reason : a.pendingNotReady);
      a.pendingNotReady = undefined;
      this.setState(a, 'loggedOut');
    });
  }

  /** Ready (返回): from not ready or wrap-up; while busy it cancels a pending not ready. */
  setReady(agentId: string): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      if (a.state === 'loggedOut') this.refuse(a, 'log in first');
      a.pendingNotReady = undefined;
      if (a.state === 'notReady') {
        a.misses = 0;
        a.keptReason = undefined;
        this.setState(a, 'ready');
      } else if (a.state === 'workingAfterCall') {
        this.finishWrap(a);
        this.setState(a, 'ready');
      }
    });
  }

  /** Not ready (临时闭席) with a reason code; while an offer or call is on, it takes effect after the call and wrap-up. */
  setNotReady(agentId: string, reason: string): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      if (typeof reason !== 'string' || reason.trim() === '') throw acdError('ACD_STATE_REFUSED', `agent '${a.id}': not ready needs a reason code (e.g. meal, training, 临时闭席)`, { agentId: a.id });
      if (a.state === 'loggedOut') this.refuse(a, 'log in first');
      if (a.call) a.pendingNotReady = reason;
      else {
        if (a.state === 'workingAfterCall') this.finishWrap(a);
        this.setState(a, 'notReady', reason);
      }
    });
  }

  /** A supervisor logs the agent out: at once when idle, else when his call and wrap-up end (the call is never cut). */
  forceLogout(agentId: string): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      if (a.state === 'loggedOut') this.refuse(a, 'the agent is not logged in');
      if (a.call) a.pendingLogout = true;
      else {
        if (a.state === 'workingAfterCall') this.finishWrap(a);
        a.pendingLogout = true;
        this.toIdle(a);
      }
    });
  }

  /** Ends the agent's wrap-up now (the wrap-up timer would otherwise). */
  endWrapUp(agentId: string): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      if (a.state !== 'workingAfterCall') this.refuse(a, 'only an agent in wrap-up can end it');
      this.finishWrap(a);
      this.toIdle(a);
    });
  }

  /** The agent's seat (screen) went away; the telephone and his state stay. If he is idle and ready after the grace time, he is set not ready: never ready with nobody there. */
  seatDisconnected(agentId: string): void {
    this.op(() => {
      const a = this.agentOf(agentId);
      a.connected = false;
      if (a.state === 'ready' && !a.graceTimer) this.armGrace(a);
    });
  }

  /** The seat is back: state, reason and call as they were. */
  seatReconnected(agentId: string): AgentSnapshot {
    return this.op(() => {
      const a = this.agentOf(agentId);
      a.connected = true;
      if (a.graceTimer) {
        a.graceTimer.cancel();
        a.graceTimer = null;
      }
      return agentSnapshot(a);
    });
  }

  private armGrace(a: AgentRt): void {
    a.graceTimer = this.timer(this.graceMs, () => {
      a.graceTimer = null;
      if (!a.connected && a.state === 'ready') this.setState(a, 'notReady', REASON_DISCONNECTED);
    });
  }

  // ------------------------------------------------------------------- calls

  /** A call enters a queue (the IVR's transfer node). Applies the empty-queue rules. */
  enter(callId: string, queueId: string, opts: EnterOptions = {}): EnterResult {
    return this.op(() => {
      if (typeof callId !== 'string' || callId === '') throw acdError('ACD_UNKNOWN_CALL', 'a call id is required');
      if (this.calls.has(callId)) throw acdError('ACD_DUPLICATE_CALL', `'${callId}'`, { callId });
      const q = this.queues.get(queueId);
      if (!q) throw acdError('ACD_UNKNOWN_QUEUE', `'${queueId}'`, { queue: queueId });
      const now = this.clock.now();
      const empty = emptiness(q);
      const rule: EmptyRule = empty === null ? 'join' : ((empty === 'none-logged-in' ? q.cfg.whenEmpty?.noneLoggedIn : q.cfg.whenEmpty?.noneReady) ?? 'join');
      if (rule === 'refuse' && empty) {
        this.write({ type: 'refuse', at: now, queue: q.id, callId, reason: empty });
        return { joined: false, reason: empty };
      }
      let priority = Number.isFinite(opts.priority) ? (opts.priority as number) : 0;
      let seq = this.seq++;
      let rejoin = false;
      const caller = opts.callerNumber;
      if (caller && q.rejoin.size) {
        const kept = q.rejoin.get(caller);
        if (kept) {
          q.rejoin.delete(caller);
          if (kept.until >= now) {
            seq = kept.seq;
            priority = Math.max(priority, kept.priority);
            rejoin = true;
          }
        }
      }
      const call: CallRt = {
        id: callId, queue: q, priority, seq, callerNumber: caller, enteredAt: now, state: 'waiting', offers: [], agent: null,
        direct: false, talkStart: 0, holdStart: 0, holdMs: 0, timers: [], progressive: null,
      };
      this.calls.set(callId, call);
      const position = this.insert(q, call);
      const ev: QueueEvent = { type: 'enter', at: now, queue: q.id, callId, priority, position };
      if (caller) ev.callerNumber = caller;
      if (rejoin) ev.rejoin = true;
      this.write(ev);
      this.armCaller(call);
      this.dirty = true;
      return { joined: true, position };
    });
  }

  /** The call layer rang the agent's station. */
  ringing(callId: string, agentId: string): void {
    this.op(() => {
      const c = this.callOf(callId);
      const a = this.agentOf(agentId);
      if (a.call !== c || a.state !== 'reserved') throw acdError('ACD_NOT_OFFERED', `call '${callId}' to agent '${agentId}' (${a.state})`, { callId, agentId });
      this.setState(a, 'ringing');
    });
  }

  /** The station could not be rung (fault, busy line): the call goes back to its place, the agent is set not ready so a broken station does not take every call. */
  offerFailed(callId: string, agentId: string, why = 'station fault'): void {
    this.op(() => {
      const c = this.callOf(callId);
      const a = this.agentOf(agentId);
      if (a.call !== c || c.state !== 'offering') throw acdError('ACD_NOT_OFFERED', `call '${callId}' to agent '${agentId}'`, { callId, agentId });
      this.write({ type: 'offer-failed', at: this.clock.now(), queue: c.queue.id, callId, agentId, why });
      this.endOffer(a, c, 'failed');
    });
  }

  /** The agent answered: the call is connected, every other offer of it ends. */
  answered(callId: string, agentId: string): void {
    this.op(() => {
      const c = this.callOf(callId);
      const a = this.agentOf(agentId);
      if (a.call !== c || c.state !== 'offering') throw acdError('ACD_NOT_OFFERED', `call '${callId}' to agent '${agentId}'`, { callId, agentId });
      const now = this.clock.now();
      for (const other of c.offers.slice()) if (other !== a) this.endOffer(other, c, 'answered-elsewhere');
      if (a.ringTimer) {
        a.ringTimer.cancel();
        a.ringTimer = null;
      }
      c.offers.length = 0;
      this.leaveQueue(c);
      c.state = 'connected';
      c.agent = a;
      c.talkStart = now;
      a.misses = 0;
      a.calls++;
      const m = a.members.find((x) => x.queue === c.queue);
      if (m) m.calls++;
      this.setState(a, 'talking');
      const ev: QueueEvent = { type: 'connect', at: now, queue: c.queue.id, callId, agentId, waitMs: now - c.enteredAt, ringMs: now - a.offerAt };
      if (c.direct) ev.transferred = true;
      this.write(ev);
      if (c.callerNumber && this.callbackList.size) this.callbackList.drop((e) => e.callerNumber === c.callerNumber);
    });
  }

  hold(callId: string): void {
    this.op(() => {
      const c = this.connected(callId);
      if (c.agent!.state !== 'talking') this.refuse(c.agent!, 'only a call in conversation can be held');
      c.holdStart = this.clock.now();
      this.write({ type: 'hold', at: c.holdStart, queue: c.queue.id, callId, agentId: c.agent!.id });
      this.setState(c.agent!, 'held');
    });
  }

  retrieve(callId: string): void {
    this.op(() => {
      const c = this.connected(callId);
      if (c.agent!.state !== 'held') this.refuse(c.agent!, 'only a held call can be retrieved');
      const now = this.clock.now();
      c.holdMs += now - c.holdStart;
      this.write({ type: 'retrieve', at: now, queue: c.queue.id, callId, agentId: c.agent!.id });
      this.setState(c.agent!, 'talking');
    });
  }

  /** The caller hung up: while waiting or ringing an agent it is an abandon (the agent goes back to ready, no miss counted); while connected the call completes. */
  callerHangup(callId: string): void {
    this.op(() => {
      const c = this.callOf(callId);
      if (c.state === 'connected') return this.complete(c, 'caller');
      const now = this.clock.now();
      const position = c.queue.waiting.indexOf(c) + 1;
      for (const a of c.offers.slice()) this.endOffer(a, c, 'caller-gone');
      this.leaveQueue(c);
      this.calls.delete(c.id);
      const waitMs = now - c.enteredAt;
      const ev: QueueEvent = { type: 'abandon', at: now, queue: c.queue.id, callId, waitMs, position };
      if (c.callerNumber) {
        ev.callerNumber = c.callerNumber;
        const keep = c.queue.cfg.rejoinKeepsPlaceMs ?? 0;
        if (keep > 0) c.queue.rejoin.set(c.callerNumber, { seq: c.seq, priority: c.priority, until: now + keep });
      }
      this.write(ev);
      this.callbackList.add({ callId, queue: c.queue.id, callerNumber: c.callerNumber, at: now, waitMs, reason: 'abandoned' });
    });
  }

  /** The agent ended the call (hung up his station or pressed 呼叫终止). */
  agentHangup(callId: string): void {
    this.op(() => this.complete(this.connected(callId), 'agent'));
  }

  /** The caller asked to be called back ("press 1"): he leaves the queue into the callback list. */
  requestCallback(callId: string): void {
    this.op(() => {
      const c = this.callOf(callId);
      if (c.state === 'connected') throw acdError('ACD_CALL_NOT_CONNECTED', `call '${callId}' is already connected to an agent`, { callId });
      this.overflow(c, 'callback-request', { kind: 'callback' });
    });
  }

  /**
   * The agent transferred the call (blind, or a consultation completed).
   * He goes to wrap-up for the call he handled; the transfer is logged; the
   * call enters the target queue, or is offered to the target agent (who
   * must be ready; if he does not answer the call returns to its queue), or
   * leaves the ACD for an outside number.
   */
  transfer(callId: string, to: TransferTarget, opts: { consulted?: boolean } = {}): void {
    this.op(() => {
      const c = this.connected(callId);
      const from = c.agent!;
      let target: QueueRt | AgentRt | null = null;
      let toText: string;
      if ('queue' in to) {
        target = this.queues.get(to.queue) ?? null;
        if (!target) throw acdError('ACD_UNKNOWN_QUEUE', `'${to.queue}'`, { queue: to.queue });
        toText = `queue:${to.queue}`;
      } else if ('agent' in to) {
        const t = this.agentOf(to.agent);
        // A consultation: the target already talks to the transferring agent (set not ready for it, never offered calls meanwhile).
        const free = opts.consulted ? t.state === 'ready' || t.state === 'notReady' : t.state === 'ready' && !this.stationTaken(t.id);
        if (!free || t === from) throw acdError('ACD_TARGET_NOT_READY', `agent '${t.id}' is ${t.state}`, { agentId: t.id, state: t.state });
        target = t;
        toText = `agent:${to.agent}`;
      } else if ('external' in to && typeof to.external === 'string' && to.external !== '') toText = `external:${to.external}`;
      else throw acdError('ACD_CONFIG_INVALID', 'a transfer names a queue, an agent or an external number');
      const now = this.clock.now();
      const { talkMs, holdMs } = this.endTalk(c);
      this.write({ type: 'transfer', at: now, queue: c.queue.id, callId, agentId: from.id, to: toText, talkMs, holdMs });
      c.agent = null;
      from.call = null;
      this.startWrap(from, c);
      if (target === null) {
        this.calls.delete(c.id);
        return;
      }
      c.holdMs = 0;
      if ('cfg' in target) {
        c.queue = target;
        c.direct = false;
        c.seq = this.seq++;
        c.enteredAt = now;
        c.state = 'waiting';
        const position = this.insert(target, c);
        this.write({ type: 'enter', at: now, queue: target.id, callId, priority: c.priority, position });
        this.armCaller(c);
        this.dirty = true;
      } else if (opts.consulted) {
        // The consulted agent is on the line already: connected at once, no offer.
        c.state = 'connected';
        c.agent = target;
        c.talkStart = now;
        target.call = c;
        target.calls++;
        const m = target.members.find((x) => x.queue === c.queue);
        if (m) m.calls++;
        this.setState(target, 'talking');
        this.write({ type: 'connect', at: now, queue: c.queue.id, callId, agentId: target.id, waitMs: 0, ringMs: 0, transferred: true });
      } else {
        // Back at its old place in its queue, offered to the chosen agent only.
        c.state = 'waiting';
        c.enteredAt = now;
        this.insert(c.queue, c);
        c.direct = true;
        const m = target.members.find((x) => x.queue === c.queue);
        this.offer(c, target, m ?? null);
      }
    });
  }

  /**
   * A consultation of a queue (the agent asks the queue for a colleague):
   * the member its strategy would offer a call to now, among the ready ones,
   * is set not ready with `reason` in the same step (round-robin's memory
   * moves as for an offer). null when no member is ready.
   */
  reserveForConsult(queueId: string, reason: string): string | null {
    return this.op(() => {
      const q = this.queues.get(queueId);
      if (!q) throw acdError('ACD_UNKNOWN_QUEUE', `'${queueId}'`, { queue: queueId });
      const now = this.clock.now();
      // A probe that has just entered: the queue's first penalty group.
      const cands = candidates({ queue: q, enteredAt: now } as CallRt, now, null, this.stationTaken);
      const m = cands.length ? choose(q.cfg.strategy, cands, q.rrLast, this.rng)[0] : undefined;
      if (!m) return null;
      q.rrLast = m.index;
      this.setState(m.agent, 'notReady', reason);
      return m.agent.id;
    });
  }

  // --------------------------------------------------------------- internals

  private connected(callId: string): CallRt {
    const c = this.callOf(callId);
    if (c.state !== 'connected' || !c.agent) throw acdError('ACD_CALL_NOT_CONNECTED', `call '${callId}' is ${c.state}`, { callId });
    return c;
  }

  private endTalk(c: CallRt): { talkMs: number; holdMs: number } {
    const now = this.clock.now();
    const a = c.agent!;
    if (a.state === 'held') c.holdMs += now - c.holdStart;
    const holdMs = c.holdMs;
    const talkMs = now - c.talkStart - holdMs;
    a.talkMs += talkMs;
    c.queue.handleSum += talkMs + holdMs;
    c.queue.handleN++;
    return { talkMs, holdMs };
  }

  private complete(c: CallRt, by: 'caller' | 'agent'): void {
    const a = c.agent!;
    const { talkMs, holdMs } = this.endTalk(c);
    this.write({ type: 'complete', at: this.clock.now(), queue: c.queue.id, callId: c.id, agentId: a.id, talkMs, holdMs, by });
    this.calls.delete(c.id);
    a.call = null;
    this.startWrap(a, c);
  }

  private startWrap(a: AgentRt, c: CallRt): void {
    const ms = a.wrapUpMs ?? c.queue.cfg.wrapUpMs ?? 0;
    if (ms <= 0) return this.toIdle(a);
    a.wrap = { queue: c.queue.id, callId: c.id, start: this.clock.now(), timer: null };
    a.wrap.timer = this.timer(ms, () => {
      if (a.state !== 'workingAfterCall') return;
      this.finishWrap(a);
      this.toIdle(a);
    });
    this.setState(a, 'workingAfterCall');
  }

  private finishWrap(a: AgentRt): void {
    const w = a.wrap;
    if (!w) return;
    w.timer?.cancel();
    a.wrap = null;
    const now = this.clock.now();
    this.write({ type: 'wrap-up', at: now, queue: w.queue, callId: w.callId, agentId: a.id, wrapMs: now - w.start });
  }

  /** Inserts by (priority desc, seq asc); returns the 1-based position. */
  private insert(q: QueueRt, c: CallRt): number {
    const w = q.waiting;
    let lo = 0;
    let hi = w.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const o = w[mid];
      if (o.priority > c.priority || (o.priority === c.priority && o.seq < c.seq)) lo = mid + 1;
      else hi = mid;
    }
    w.splice(lo, 0, c);
    return lo + 1;
  }

  private leaveQueue(c: CallRt): void {
    const w = c.queue.waiting;
    const i = w[0] === c ? 0 : w.indexOf(c);
    if (i >= 0) w.splice(i, 1);
    for (const t of c.timers) t.cancel();
    c.timers.length = 0;
    if (c.progressive) {
      c.progressive.cancel();
      c.progressive = null;
    }
  }

  /** The caller-side timers a queue's configuration asks for. */
  private armCaller(c: CallRt): void {
    const q = c.queue;
    const cfg = q.cfg;
    // A queue can empty while the caller waits, not only before he joins.
    const leaveWhenEmpty = cfg.whenEmpty?.noneLoggedIn === 'leave' || cfg.whenEmpty?.noneReady === 'leave';
    const an = cfg.announce;
    if (an?.positionEveryMs || an?.positionFirstMs) {
      const every = an.positionEveryMs ?? 0;
      const tick = () => {
        const position = q.waiting.indexOf(c) + 1;
        this.emit({ type: 'announce-position', callId: c.id, queue: q.id, position, estimatedWaitMs: estimatedWait(q, position) });
        if (every > 0) c.timers.push(this.timer(every, tick));
      };
      c.timers.push(this.timer(an.positionFirstMs ?? every, tick));
    }
    if (an?.periodicEveryMs) {
      const every = an.periodicEveryMs;
      const tick = () => {
        this.emit({ type: 'announce-periodic', callId: c.id, queue: q.id });
        c.timers.push(this.timer(every, tick));
      };
      c.timers.push(this.timer(every, tick));
    }
    if (cfg.maxWaitMs !== undefined) c.timers.push(this.timer(cfg.maxWaitMs, () => this.overflow(c, 'max-wait', cfg.overflow ?? { kind: 'mailbox' })));
    if (cfg.penaltySteps) for (const s of cfg.penaltySteps) c.timers.push(this.timer(s.afterMs, () => void (this.dirty = true)));
    if (leaveWhenEmpty) {
      const every = cfg.whenEmpty?.leaveAfterMs ?? 0;
      const check = () => {
        const empty = emptiness(q);
        const rule = empty === 'none-logged-in' ? cfg.whenEmpty?.noneLoggedIn : empty === 'none-ready' ? cfg.whenEmpty?.noneReady : undefined;
        if (rule === 'leave' && c.state === 'waiting') this.overflow(c, 'empty', cfg.whenEmpty?.target ?? cfg.overflow ?? { kind: 'mailbox' });
        else c.timers.push(this.timer(Math.max(every, 1000), check));
      };
      c.timers.push(this.timer(every, check));
    }
    // Trim fired timers now and then so a long wait does not accumulate them.
    if (c.timers.length > 64) c.timers = c.timers.slice(-16);
  }

  private overflow(c: CallRt, reason: 'max-wait' | 'empty' | 'callback-request', target: OverflowTarget): void {
    if (c.state === 'connected' || !this.calls.has(c.id)) return;
    const now = this.clock.now();
    for (const a of c.offers.slice()) this.endOffer(a, c, 'caller-gone');
    this.leaveQueue(c);
    this.calls.delete(c.id);
    const waitMs = now - c.enteredAt;
    const t = target.kind === 'mailbox' ? `mailbox:${target.mailbox ?? 'director'}` : target.kind === 'flow' ? `flow:${target.node}` : 'callback';
    this.write({ type: 'overflow', at: now, queue: c.queue.id, callId: c.id, waitMs, reason, target: t });
    if (target.kind === 'callback') this.callbackList.add({ callId: c.id, queue: c.queue.id, callerNumber: c.callerNumber, at: now, waitMs, reason: 'requested' });
    this.emit({ type: 'overflow', callId: c.id, queue: c.queue.id, reason, target });
  }

  private offer(c: CallRt, a: AgentRt, m: Member | null): void {
    const now = this.clock.now();
    a.call = c;
    a.offerAt = now;
    c.offers.push(a);
    c.state = 'offering';
    if (m) c.queue.rrLast = m.index;
    const ringMs = c.queue.cfg.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS;
    a.ringTimer = this.timer(ringMs, () => {
      a.ringTimer = null;
      if (a.call === c && (a.state === 'reserved' || a.state === 'ringing')) {
        this.write({ type: 'ring-no-answer', at: this.clock.now(), queue: c.queue.id, callId: c.id, agentId: a.id, ringMs: this.clock.now() - a.offerAt });
        this.endOffer(a, c, 'no-answer');
      }
    });
    this.setState(a, 'reserved');
    this.write({ type: 'offer', at: now, queue: c.queue.id, callId: c.id, agentId: a.id });
    this.emit({ type: 'offer', callId: c.id, agentId: a.id, queue: c.queue.id });
  }

  /** An offer ends without a connection: the agent is free again, the call keeps its place. */
  private endOffer(a: AgentRt, c: CallRt, how: 'no-answer' | 'answered-elsewhere' | 'caller-gone' | 'failed'): void {
    if (a.ringTimer) {
      a.ringTimer.cancel();
      a.ringTimer = null;
    }
    const i = c.offers.indexOf(a);
    if (i >= 0) c.offers.splice(i, 1);
    a.call = null;
    if (how !== 'failed') this.emit({ type: 'cancel-offer', callId: c.id, agentId: a.id, reason: how });
    if (a.pendingLogout) this.toIdle(a);
    else if (how === 'failed') {
      a.pendingNotReady = undefined;
      this.setState(a, 'notReady', REASON_OFFER_FAILED);
    } else if (how === 'no-answer' && ++a.misses >= (c.queue.cfg.maxMisses ?? DEFAULT_MAX_MISSES)) {
      a.pendingNotReady = undefined;
      this.setState(a, 'notReady', REASON_NO_ANSWER);
    } else this.toIdle(a);
    if (c.offers.length === 0 && c.state === 'offering') {
      c.state = 'waiting';
      if (c.progressive) {
        c.progressive.cancel();
        c.progressive = null;
      }
      this.dirty = true;
    }
  }

  private dispatch(): void {
    if (this.readyCount === 0) return;
    const now = this.clock.now();
    for (const q of this.byWeight) {
      const w = q.waiting;
      for (let i = 0; i < w.length; i++) {
        const c = w[i];
        if (c.state !== 'waiting') continue;
        const cands = candidates(c, now, null, this.stationTaken);
        if (cands.length === 0) continue;
        const chosen = choose(q.cfg.strategy, cands, q.rrLast, this.rng);
        for (const m of chosen) this.offer(c, m.agent, m);
        if (q.cfg.strategy === 'ring-progressively') this.armProgressive(c);
        if (this.readyCount === 0) return;
      }
    }
  }

  private armProgressive(c: CallRt): void {
    c.progressive = this.timer(c.queue.cfg.progressiveIntervalMs ?? DEFAULT_PROGRESSIVE_MS, () => {
      c.progressive = null;
      if (c.state !== 'offering') return;
      const next = candidates(c, this.clock.now(), c.offers, this.stationTaken);
      if (next.length) this.offer(c, next[0].agent, next[0]);
      this.armProgressive(c);
    });
  }

  // ----------------------------------------------------------------- queries

  agent(agentId: string): AgentSnapshot {
    return agentSnapshot(this.agentOf(agentId));
  }

  /** The supervisor's wallboard: agents by state (服务座席数、空闲数和关闭数), each agent with his time in state, each queue's waiting calls and longest wait. */
  wallboard(): { byState: Record<AgentState, number>; agents: (AgentSnapshot & { inStateMs: number })[]; queues: QueueStatus[] } {
    const now = this.clock.now();
    const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
    const agents = [...this.agents.values()].map((a) => {
      byState[a.state]++;
      return { ...agentSnapshot(a), inStateMs: now - a.since };
    });
    return { byState, agents, queues: [...this.queues.keys()].map((q) => this.queue(q)) };
  }

  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  queue(queueId: string): QueueStatus {
    const q = this.queues.get(queueId);
    if (!q) throw acdError('ACD_UNKNOWN_QUEUE', `'${queueId}'`, { queue: queueId });
    return queueStatus(q, this.clock.now());
  }

  /** 1-based place of a waiting call in its queue, or 0 when connected. */
  position(callId: string): number {
    const c = this.callOf(callId);
    return c.state === 'connected' ? 0 : c.queue.waiting.indexOf(c) + 1;
  }

  /** Calls the ACD holds (waiting, offered or connected). */
  get activeCalls(): number {
    return this.calls.size;
  }

  /** The callback list: abandoned calls and callback requests, oldest first. */
  callbacks(): CallbackEntry[] {
    return this.callbackList.list();
  }

  /** The caller confirmed (or keyed) the number to call him back on (logged: the list survives a restart). */
  callbackNumber(callId: string, number: string): void {
    const e = this.callbackList.find(callId);
    if (!e) throw acdError('ACD_UNKNOWN_CALL', `'${callId}' is not in the callback list`, { callId });
    e.number = number;
    this.write({ type: 'callback', at: this.clock.now(), queue: e.queue, callId, number });
  }

  /** An agent called the caller back: the entry leaves the list (logged). */
  callbackDone(callId: string): void {
    const e = this.callbackList.find(callId);
    if (!e) throw acdError('ACD_UNKNOWN_CALL', `'${callId}' is not in the callback list`, { callId });
    this.callbackList.drop((x) => x.callId === callId);
    this.write({ type: 'callback', at: this.clock.now(), queue: e.queue, callId, done: true });
  }

  /** Broken invariants, as sentences (empty when all hold). */
  check(): string[] {
    return brokenInvariants(this.agents, this.queues, this.calls, this.readyCount);
  }
}

/** The pause reason a logout keeps for the next login: the agent's own, not an operation's (it ends without him). */
function kept(reason: string | undefined): string | undefined {
  return reason !== undefined && OPERATION_REASONS.includes(reason) ? undefined : reason;
}
