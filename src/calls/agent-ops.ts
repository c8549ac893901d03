// The agent's and supervisor's operations on a call in conversation, on top
// of the switchboard (which owns the basic path: queue → station → bridge):
//
// - blind transfer (来话转接) to an agent, a queue or a number dialled on an
//   outbound trunk: the ACD logs the transfer and puts the agent in wrap-up;
// - consultation: the caller is held with music, the agent talks to the
//   target (an agent's station rung, or a number dialled), then completes
//   (caller ↔ target, the agent leaves to wrap-up), cancels (back to the
//   caller) or makes a conference;
// - conference (电话会议, 执法调度): caller, agent and the consulted parties on
//   one board conference; more join by further consultations (N-way); each
//   leaves on his own, and two left are bridged again;
// - supervisor (监听 / whisper / 强插): his station follows the agent's voice
//   path as listen (hears both, heard by none), whisper (heard by the agent
//   only) or barge (heard by both), without changing the call's switching,
//   phase or recording (supervise.ts: a keep-route conference on the bridge).
//
// A conference replaces what a member hears unless it keeps its route, so
// every party of an N-way conference is taken off its route before it joins,
// and a conference of two is turned back into a route.
import { Subject } from 'rxjs';
import type { Acd } from '../acd/acd.ts';
import { REASON_CONSULT } from '../acd/types.ts';
import type { Board, Channel, ChannelEvent, Conference, ConferenceMode } from '../board/types.ts';
import { isHotlineError } from '../errors.ts';
import { CallError } from './errors.ts';
import { bridge, Leg, unbridge } from './legs.ts';
import type { Logger } from './log.ts';
import type { CaseStore } from '../cases/types.ts';
import { type DispatchCallRequest, type DispatchCallStarted, startDispatchCall } from './law-dispatch.ts';
import { DIALLABLE, dialOut, freeTrunks } from './outside.ts';
import { Supervision, type SuperviseMode, type Supervisor } from './supervise.ts';
import type { QueueCall, Switchboard } from './switchboard.ts';

export type { SuperviseMode };

/** Where a transfer or consultation goes: an agent of the roster, an ACD queue, or a number on an outbound trunk. */
export type OpTarget = { agent: string } | { queue: string } | { number: string };

export type OpsEvent =
  | { type: 'consult-answered'; agentId: string; callId: string; target: OpTarget }
  | { type: 'consult-ended'; agentId: string; callId: string; reason: 'no-answer' | 'target-hung-up' | 'cancelled' | 'completed' | 'conference' }
  | { type: 'conference'; agentId: string; callId: string; parties: number }
  | { type: 'transferred'; agentId: string; callId: string; to: string; kind: 'blind' | 'consult' }
  | { type: 'supervising'; agentId: string; callId: string; supervisorId: string; mode: SuperviseMode }
  | { type: 'supervise-ended'; agentId: string; callId: string; supervisorId: string; reason: SuperviseEnd };

/** Why a supervisor is out of the call: he left (seat or hang-up), the agent left it (transfer, hang-up, back to the IVR), or it ended. */
export type SuperviseEnd = 'left' | 'hung-up' | 'agent-left' | 'call-ended';

/** A party other than the caller and the handling agent: a consulted agent or outside number, or a supervisor. */
interface Party {
  leg: Leg;
  /** The agent whose station it is (claimed from the switchboard), if any. */
  agentId?: string;
  /** A consulted agent was ready: he is ready again when he leaves without the call. */
  wasReady?: boolean;
  /** A consulted agent or a supervisor whose station was already off hook (headset mode): released, it stays off hook and silent, as after a queue call. */
  headset?: boolean;
  target?: OpTarget;
  mode: ConferenceMode;
}

interface OpsCall {
  call: QueueCall;
  /** The agent handling the call now. */
  agentId: string;
  agentLeg: Leg;
  /** A consultation in progress (dialling, or talking with the agent). */
  consult: { target: OpTarget; ctl: AbortController; party: Party | null; claimed?: string; wasReady?: boolean; headset?: boolean } | null;
  conf: Conference | null;
  /** In the conference besides the caller and the agent. */
  parties: Party[];
  /** Supervisors on the agent's voice path (supervise.ts), when any. */
  sup: Supervision | null;
  onAbort: () => void;
}

export interface AgentOpsOptions {
  switchboard: Switchboard;
  acd: Acd;
  board: Board;
  logger: Logger;
  /** Calling number presented on outbound trunks (default 12315). */
  callerNumber?: string;
  /** No answer from a dialled number or a rung station within this long (ms, default 30 s). */
  dialTimeoutMs?: number;
  /** The case store (执法调度 reads the case and the department, and dispatches). */
  store: CaseStore;
}

const CONSULT_REASON = REASON_CONSULT;

export class AgentOps {
  readonly events$ = new Subject<OpsEvent>();
  readonly #o: AgentOpsOptions;
  readonly #sb: Switchboard;
  readonly #acd: Acd;
  readonly #calls = new Map<string, OpsCall>();
  /** Outside parties left with the caller after the agent transferred out: callId → leg. */
  readonly #outside = new Map<string, { leg: Leg; off: () => void }>();

  readonly #held: { unsubscribe(): void };

  constructor(o: AgentOpsOptions) {
    this.#o = o;
    this.#sb = o.switchboard;
    this.#acd = o.acd;
    this.#sb.onAgentHangup = (callId, agentId) => this.#agentHungUp(callId, agentId);
    // Hold and retrieve (the seat's, through the switchboard) move the agent's voice path: the supervisors follow it.
    this.#held = this.#sb.events$.subscribe((e) => {
      if (e.type !== 'held' && e.type !== 'retrieved') return;
      const ops = this.#calls.get(e.callId);
      if (ops) this.#follow(ops);
    });
  }

  /** The agent is consulting or in a conference (hold/retrieve from his seat would break it). */
  inOperation(agentId: string): boolean {
    const c = this.#sb.callOf(agentId);
    const ops = c ? this.#calls.get(c.callId) : undefined;
    return !!ops && ops.agentId === agentId && (ops.consult !== null || ops.conf !== null);
  }

  close(): void {
    this.#sb.onAgentHangup = null;
    this.#held.unsubscribe();
    this.events$.complete();
  }

  /** What an operation on the agent's call sees: the call, his leg, and our state of it. */
  #current(agentId: string): OpsCall {
    const c = this.#sb.callOf(agentId);
    const live = c && c.state !== 'offered' ? this.#sb.live(c.callId) : null;
    if (!c || !live || !live.agent || live.agent.agentId !== agentId) throw new CallError('CALL_NOT_CONNECTED', `agent '${agentId}' has no call in conversation`, { agentId });
    let ops = this.#calls.get(c.callId);
    if (!ops || ops.agentId !== agentId) {
      if (ops) this.#forget(ops);
      const call = live.call;
      const fresh: OpsCall = { call, agentId, agentLeg: live.agent, consult: null, conf: null, parties: [], sup: null, onAbort: () => this.#callerGone(fresh) };
      call.signal.addEventListener('abort', fresh.onAbort, { once: true });
      this.#calls.set(c.callId, fresh);
      ops = fresh;
    }
    return ops;
  }

  #check(t: OpTarget, self: string): void {
    if ('agent' in t) {
      if (!this.#sb.acdConfig.agents.some((a) => a.id === t.agent)) throw new CallError('CALL_TARGET_UNKNOWN', `'${t.agent}' is not an agent of the roster`, { agentId: t.agent });
      if (!this.#sb.station(t.agent)) throw new CallError('CALL_NO_STATION', `agent '${t.agent}' has no station port`, { agentId: t.agent });
      const state = this.#acd.agent(t.agent).state;
      if (state !== 'ready' || t.agent === self) throw new CallError('CALL_TARGET_NOT_READY', `agent '${t.agent}' is ${state}`, { agentId: t.agent, state });
    } else if ('queue' in t) {
      if (!this.#sb.acdConfig.queues.some((q) => q.id === t.queue)) throw new CallError('CALL_TARGET_UNKNOWN', `'${t.queue}' is not a queue of the ACD`, { queue: t.queue });
    } else if (!('number' in t) || typeof t.number !== 'string' || !DIALLABLE.test(t.number)) {
      throw new CallError('CALL_TARGET_UNKNOWN', `'${JSON.stringify(t)}' names no agent, queue or number`, {});
    } else if (freeTrunks(this.#o.board).length === 0) {
      // Refused now, the call as it was: accepted, the caller would be held (or cut off with congestion) for nothing.
      throw new CallError('CALL_NO_TRUNK', `no free outbound trunk to dial ${t.number}; the call stays as it is`, { number: t.number });
    }
  }

  // ------------------------------------------------------------ blind transfer

  /** 来话转接 (blind): the agent leaves at once to wrap-up; the caller waits with music for the target. */
  transfer(agentId: string, target: OpTarget): { callId: string } {
    const ops = this.#current(agentId);
    if (ops.consult || ops.conf) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}': finish the consultation or conference first`, { agentId });
    this.#check(target, agentId);
    const callId = ops.call.id;
    const to = 'agent' in target ? { agent: target.agent } : 'queue' in target ? { queue: target.queue } : { external: target.number };
    const leg = this.#sb.detach(callId);
    this.#forget(ops);
    this.#sb.requeue(callId, { outside: 'number' in target });
    try {
      this.#acd.transfer(callId, to);
    } catch (e) {
      // Refused after all (the agent went not ready this instant): the caller is back with the agent.
      delete leg.leftAt;
      this.#sb.connect(callId, leg, { again: true });
      throw e;
    }
    this.events$.next({ type: 'transferred', agentId, callId, to: label(target), kind: 'blind' });
    if ('number' in target) void this.#dialForCaller(ops.call, target.number);
    return { callId };
  }

  /** Blind transfer out: the caller waits with music while the number is dialled, then talks with it. */
  async #dialForCaller(call: QueueCall, number: string): Promise<void> {
    try {
      const ch = await dialOut(this.#o.board, number, { callerNumber: this.#o.callerNumber ?? '12315', timeoutMs: this.#o.dialTimeoutMs, signal: call.signal });
      if (call.signal.aborted) return void ch.hangup().catch(() => undefined);
      const leg = new Leg('outside', ch, call.at());
      call.addLeg(leg);
      this.#handOver(call, leg);
    } catch (e) {
      call.log.info({ err: e }, `call ${call.id}: transfer to ${number} failed: ${(e as Error).message}`);
      if (call.signal.aborted) return;
      await call.caller.tone('congestion', 3000);
      this.#sb.finish(call.id, 'system');
    }
  }

  /** The caller talks with an outside party from now on; the call ends when either hangs up. */
  #handOver(call: QueueCall, leg: Leg, o: { bridge?: boolean } = {}): void {
    this.#sb.connect(call.id, leg, o);
    const ch = leg.channel;
    const sub = ch.events$.subscribe((e) => {
      if (e.type === 'hangup') end('outside');
    });
    const onAbort = () => end('caller');
    const end = (who: 'outside' | 'caller') => {
      sub.unsubscribe();
      call.signal.removeEventListener('abort', onAbort);
      this.#outside.delete(call.id);
      leg.leftAt ??= call.at();
      if (who === 'caller') void ch.hangup().catch(() => undefined);
      else this.#sb.finish(call.id, 'system');
    };
    call.signal.addEventListener('abort', onAbort, { once: true });
    this.#outside.set(call.id, { leg, off: () => end('outside') });
  }

  // ------------------------------------------------------------ consultation

  /**
   * Consultation: the caller is held (music), the target is rung or dialled;
   * `answered` resolves true once the agent talks with it (false: no answer,
   * busy, cancelled — the caller stays held, the agent retrieves or cancels).
   */
  consult(agentId: string, target: OpTarget): { callId: string; answered: Promise<boolean> } {
    const ops = this.#current(agentId);
    if (ops.consult) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}' is consulting already`, { agentId });
    this.#check(target, agentId);
    const call = ops.call;
    const ctl = new AbortController();
    const consult: NonNullable<OpsCall['consult']> = { target, ctl, party: null };
    const claim = (id: string) => {
      this.#sb.claim(id, (e) => this.#consultStationEvent(ops, consult, e));
      consult.claimed = id;
      consult.wasReady = true;
    };
    if ('agent' in target) {
      // Reserved for the consultation: the ACD offers him nothing meanwhile.
      claim(target.agent);
      this.#acd.setNotReady(target.agent, CONSULT_REASON);
    } else if ('queue' in target) {
      // The queue's strategy picks one of its ready agents now (set not ready for the consultation in the same step).
      const id = this.#acd.reserveForConsult(target.queue, CONSULT_REASON);
      if (id === null) throw new CallError('CALL_TARGET_NOT_READY', `no agent of queue '${target.queue}' is ready to be consulted`, { queue: target.queue });
      try {
        claim(id);
      } catch (e) {
        this.#safe(() => this.#acd.setReady(id));
        throw e;
      }
    }
    if (ops.conf) {
      // N-way: the others talk on in the conference while the agent steps out to consult.
      ops.conf.leave(ops.agentLeg.channel);
    } else if (this.#sb.live(call.id)?.state === 'talking') this.#sb.hold(agentId);
    ops.consult = consult;
    call.setPhase('consulting');
    this.#follow(ops);
    const answered = this.#ring(ops, consult).then(
      (leg) => {
        if (ops.consult !== consult || ctl.signal.aborted) {
          void leg.channel.hangup().catch(() => undefined);
          return false;
        }
        call.addLeg(leg);
        consult.party = { leg, mode: 'speak+listen', target, ...(consult.claimed ? { agentId: consult.claimed, wasReady: consult.wasReady, headset: consult.headset === true } : {}) };
        if ('number' in target) {
          const sub = leg.channel.events$.subscribe((e) => {
            if (e.type === 'hangup') {
              sub.unsubscribe();
              this.#partyGone(ops, consult.party!);
            }
          });
        }
        bridge(ops.agentLeg, leg);
        this.#follow(ops);
        this.events$.next({ type: 'consult-answered', agentId, callId: call.id, target });
        return true;
      },
      (e) => {
        call.log.info({ err: e }, `call ${call.id}: consultation of ${label(target)} failed: ${(e as Error).message}`);
        if (ops.consult === consult) this.#endConsult(ops, 'no-answer');
        return false;
      },
    );
    return { callId: call.id, answered };
  }

  /** Rings the consulted agent's station (a headset already off hook connects at once) or dials the number. */
  async #ring(ops: OpsCall, consult: NonNullable<OpsCall['consult']>): Promise<Leg> {
    const t = consult.target;
    const call = ops.call;
    const timeoutMs = this.#o.dialTimeoutMs ?? 30_000;
    if ('number' in t) return new Leg('outside', await dialOut(this.#o.board, t.number, { callerNumber: this.#o.callerNumber ?? '12315', timeoutMs, signal: consult.ctl.signal }), call.at());
    const id = consult.claimed!;
    const port = this.#sb.station(id)!;
    consult.headset = port.state === 'connected';
    if (port.state !== 'connected') {
      const r = await port.call({ calledNumber: id, callerNumber: ops.agentId, timeoutMs, signal: consult.ctl.signal });
      if (r.reason !== 'done') throw new CallError('CALL_TARGET_NO_ANSWER', `agent '${id}' did not answer (${r.reason})`, { agentId: id, reason: r.reason });
    }
    return new Leg('agent', port, call.at(), { agentId: id });
  }

  #consultStationEvent(ops: OpsCall, consult: NonNullable<OpsCall['consult']>, e: ChannelEvent): void {
    if (e.type !== 'hangup') return;
    if (consult.party) this.#partyGone(ops, consult.party);
    else if (ops.consult === consult) consult.ctl.abort();
  }

  /** Back to the caller: the consulted party is released, the caller retrieved. */
  cancel(agentId: string): { callId: string } {
    const ops = this.#current(agentId);
    if (!ops.consult) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}' is not consulting`, { agentId });
    this.#endConsult(ops, 'cancelled');
    return { callId: ops.call.id };
  }

  /** Ends the consultation: the party (if any) is released, the agent is back with the caller (or the conference). */
  #endConsult(ops: OpsCall, reason: 'no-answer' | 'target-hung-up' | 'cancelled'): void {
    const c = ops.consult!;
    ops.consult = null;
    c.ctl.abort();
    if (c.party) this.#release(ops, c.party);
    else if (c.claimed) this.#unclaim(c.claimed, c.wasReady);
    unbridge(ops.agentLeg);
    this.#backToCaller(ops);
    this.#follow(ops);
    this.events$.next({ type: 'consult-ended', agentId: ops.agentId, callId: ops.call.id, reason });
  }

  /** The agent talks with the caller again: in the conference if there is one, else retrieved from hold. */
  #backToCaller(ops: OpsCall): void {
    if (ops.conf) {
      ops.conf.join(ops.agentLeg.channel);
      ops.call.setPhase('conference');
      this.#shrink(ops);
    } else if (this.#sb.live(ops.call.id)?.state === 'held') this.#sb.retrieve(ops.agentId);
    else ops.call.setPhase('talking');
  }

  /** A party leaves: his line is cleared (an agent is ready again if he was). */
  #release(ops: OpsCall, p: Party): void {
    p.leg.leftAt ??= ops.call.at();
    ops.conf?.leave(p.leg.channel);
    unbridge(p.leg);
    // A headset's line stays open (the switchboard's next offer is a zip tone in it); a handset is cleared,
    // by the switchboard for an agent's station (his next offer rings once it is idle).
    const release = p.leg.channel.state !== 'idle' && !p.headset;
    if (p.agentId !== undefined) this.#unclaim(p.agentId, p.wasReady, release);
    else if (release) void p.leg.channel.hangup().catch(() => undefined);
  }

  /** The station is the switchboard's again (`release`: its line cleared); a consulted agent who was ready is ready again. */
  #unclaim(agentId: string, wasReady: boolean | undefined, release = false): void {
    this.#sb.unclaim(agentId, { release });
    const a = this.#acd.agent(agentId);
    if (wasReady && a.state === 'notReady' && a.reason === CONSULT_REASON) this.#safe(() => this.#acd.setReady(agentId));
  }

  /** The consulted party or a conference member hung up. */
  #partyGone(ops: OpsCall, p: Party): void {
    if (ops.consult?.party === p) return this.#endConsult(ops, 'target-hung-up');
    const i = ops.parties.indexOf(p);
    if (i < 0) return;
    ops.parties.splice(i, 1);
    this.#release(ops, p);
    this.#shrink(ops);
  }

  /** Completes the consultation: caller ↔ target, the agent leaves to wrap-up (the ACD logs the transfer). */
  complete(agentId: string): { callId: string } {
    const ops = this.#current(agentId);
    const c = ops.consult;
    if (!c?.party || ops.conf) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}' has no answered consultation to complete${ops.conf ? ' (in a conference: hang up to leave it)' : ''}`, { agentId });
    ops.consult = null;
    unbridge(ops.agentLeg);
    try {
      this.#moveTo(ops, c.party, 'consult');
    } catch (e) {
      // Refused (the consulted agent logged out meanwhile): the agent still talks with him, nothing changed.
      ops.consult = c;
      bridge(ops.agentLeg, c.party.leg);
      this.#follow(ops);
      throw e;
    }
    this.events$.next({ type: 'consult-ended', agentId, callId: ops.call.id, reason: 'completed' });
    return { callId: ops.call.id };
  }

  /** The call goes from the agent to `p` (consulted agent or outside party): ACD transfer, agent detached, caller connected. */
  #moveTo(ops: OpsCall, p: Party, kind: 'blind' | 'consult', o: { bridge?: boolean } = {}): void {
    const call = ops.call;
    const t = p.target!;
    // A consulted queue's agent is the agent the queue picked.
    this.#acd.transfer(call.id, p.agentId !== undefined ? { agent: p.agentId } : { external: (t as { number: string }).number }, { consulted: true });
    this.#sb.detach(call.id);
    this.#forget(ops);
    if (p.agentId !== undefined) this.#sb.connect(call.id, p.leg, o);
    else this.#handOver(call, p.leg, o);
    this.events$.next({ type: 'transferred', agentId: ops.agentId, callId: call.id, to: label(t), kind });
  }

  /** We no longer follow this agent's call (he left it, or it ended): his supervisors leave it. */
  #forget(ops: OpsCall): void {
    ops.call.signal.removeEventListener('abort', ops.onAbort);
    if (this.#calls.get(ops.call.id) === ops) this.#calls.delete(ops.call.id);
    this.#endSupervision(ops, ops.call.signal.aborted ? 'call-ended' : 'agent-left');
  }

  // ------------------------------------------------------------ conference

  /** 电话会议: caller, agent and the consulted party (and those already in) hear each other. */
  conference(agentId: string): { callId: string; parties: number } {
    const ops = this.#current(agentId);
    const c = ops.consult;
    if (!c?.party) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}' has no answered consultation to join into a conference`, { agentId });
    ops.consult = null;
    unbridge(ops.agentLeg);
    const conf = this.#ensureConf(ops);
    conf.join(c.party.leg.channel);
    conf.join(ops.agentLeg.channel);
    ops.parties.push(c.party);
    ops.call.setPhase('conference');
    this.#follow(ops);
    const parties = 2 + ops.parties.length;
    this.events$.next({ type: 'consult-ended', agentId, callId: ops.call.id, reason: 'conference' });
    this.events$.next({ type: 'conference', agentId, callId: ops.call.id, parties });
    return { callId: ops.call.id, parties };
  }

  /** The call's conference, made from its bridge (caller held or talking) when it has none. */
  #ensureConf(ops: OpsCall): Conference {
    if (ops.conf) return ops.conf;
    const live = this.#sb.live(ops.call.id);
    // Retrieve without a gap: the bridge it makes is undone in the same tick (commands apply in order).
    if (live?.state === 'held') this.#sb.retrieve(ops.agentId);
    unbridge(ops.call.caller);
    unbridge(ops.agentLeg);
    ops.call.caller.stopMedia();
    const conf = this.#o.board.createConference();
    conf.join(ops.call.caller.channel);
    ops.conf = conf;
    return conf;
  }

  /** With only the caller and the agent left, the conference becomes a bridge again. */
  #shrink(ops: OpsCall): void {
    if (!ops.conf || ops.parties.length > 0 || ops.consult) return;
    this.#closeConf(ops);
    bridge(ops.call.caller, ops.agentLeg);
    ops.call.setPhase('talking');
    this.#follow(ops);
  }

  #closeConf(ops: OpsCall): void {
    const conf = ops.conf;
    if (!conf) return;
    ops.conf = null;
    for (const m of [...conf.members]) conf.leave(m.channel);
    conf.close();
  }

  /** The handling agent hung up (station or seat) while we hold a consultation or conference. */
  #agentHungUp(callId: string, agentId: string): boolean {
    const ops = this.#calls.get(callId);
    if (!ops || ops.agentId !== agentId) return false;
    if (ops.consult?.party && !ops.conf) {
      // As a PBX: hanging up on an answered consultation completes the transfer.
      const p = ops.consult.party;
      ops.consult = null;
      unbridge(ops.agentLeg);
      if (this.#tryMove(ops, p)) return true;
      // He cannot take the call (logged out meanwhile): he is released, and the hang-up ends the agent's part as usual.
      this.#release(ops, p);
      this.events$.next({ type: 'consult-ended', agentId, callId, reason: 'cancelled' });
    }
    if (ops.consult) this.#dropConsult(ops);
    const heir = ops.parties[0];
    if (ops.conf && heir) {
      // The agent leaves the conference; the call goes on with the others, in the first consulted party's name.
      ops.parties.splice(ops.parties.indexOf(heir), 1);
      ops.conf.leave(ops.agentLeg.channel);
      if (this.#tryMove(ops, heir, { bridge: false })) {
        this.#adopt(ops, heir);
        return true;
      }
      // The heir cannot take it: the conference ends with the agent's hang-up (every party released).
      ops.parties.unshift(heir);
    }
    this.#drop(ops);
    return false;
  }

  /** #moveTo for a hang-up (no seat to refuse to): false, with nothing moved, when the ACD refuses the party. */
  #tryMove(ops: OpsCall, p: Party, o: { bridge?: boolean } = {}): boolean {
    try {
      this.#moveTo(ops, p, 'consult', o);
      return true;
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      ops.call.log.info({ err: e }, `call ${ops.call.id}: ${ops.agentId} hung up, and ${label(p.target!)} cannot take the call: ${e.code} ${e.message}`);
      return false;
    }
  }

  /** The consulted agent who inherited a conference handles it now (his later hang-up, more parties). */
  #adopt(old: OpsCall, heir: Party): void {
    const fresh: OpsCall = { call: old.call, agentId: heir.agentId ?? '', agentLeg: heir.leg, consult: null, conf: old.conf, parties: old.parties, sup: null, onAbort: () => this.#callerGone(fresh) };
    if (heir.agentId !== undefined) {
      this.#calls.set(old.call.id, fresh);
      old.call.signal.addEventListener('abort', fresh.onAbort, { once: true });
      this.#shrink(fresh);
      return;
    }
    // An outside party holds the call now: the rest stay while it lasts; two left are bridged.
    if (fresh.parties.length === 0 && fresh.conf) {
      this.#closeConf(fresh);
      bridge(old.call.caller, heir.leg);
    }
  }

  /** The caller hung up: every party we added leaves, the conference closes. */
  #callerGone(ops: OpsCall): void {
    this.#drop(ops);
  }

  /** The consultation ends with the call (nobody to go back to): its ring or dial stops, its party is released. */
  #dropConsult(ops: OpsCall): void {
    const c = ops.consult;
    if (!c) return;
    ops.consult = null;
    c.ctl.abort();
    if (c.party) this.#release(ops, c.party);
    else if (c.claimed) this.#unclaim(c.claimed, c.wasReady);
    this.events$.next({ type: 'consult-ended', agentId: ops.agentId, callId: ops.call.id, reason: 'cancelled' });
  }

  #drop(ops: OpsCall): void {
    this.#dropConsult(ops);
    for (const p of ops.parties.splice(0)) this.#release(ops, p);
    this.#closeConf(ops);
    this.#forget(ops);
  }

  // ------------------------------------------------------------ supervisor

  /**
   * 监听 / whisper / 强插: the supervisor's station (off hook, or rung and
   * answered) joins the agent's voice path (supervise.ts): listen hears both
   * and is heard by none; whisper is heard by the agent only; barge is heard
   * by both. The call's bridge, phase and recording do not change. Asked
   * again with another mode, it switches at once; asked for another agent, he
   * leaves the first call and joins that one.
   */
  async supervise(supervisorId: string, agentId: string, mode: SuperviseMode): Promise<{ callId: string }> {
    const ops = this.#current(agentId);
    if (!['listen', 'whisper', 'barge'].includes(mode)) throw new CallError('CALL_OPERATION_STATE', `'${String(mode)}' is not listen, whisper or barge`, { mode });
    if (supervisorId === agentId) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}' cannot supervise his own call`, { agentId });
    const was = this.#supervising(supervisorId);
    if (was?.ops === ops) {
      was.sup.mode = mode;
      this.#follow(ops);
      this.events$.next({ type: 'supervising', agentId, callId: ops.call.id, supervisorId, mode });
      return { callId: ops.call.id };
    }
    let port: Channel;
    if (was) {
      // From one agent's call to another's: his station stays off hook and claimed.
      port = was.sup.leg.channel;
      this.#dropSupervisor(was.ops, was.sup, 'left', { keepClaim: true });
    } else {
      port = this.#sb.claim(supervisorId, (e) => {
        if (e.type !== 'hangup') return;
        const at = this.#supervising(supervisorId);
        if (at) this.#dropSupervisor(at.ops, at.sup, 'hung-up');
        else this.#sb.unclaim(supervisorId);
      });
    }
    try {
      if (port.state !== 'connected') {
        const r = await port.call({ calledNumber: supervisorId, callerNumber: agentId, timeoutMs: this.#o.dialTimeoutMs ?? 30_000, signal: ops.call.signal });
        if (r.reason !== 'done') throw new CallError('CALL_TARGET_NO_ANSWER', `supervisor '${supervisorId}' did not answer (${r.reason})`, { agentId: supervisorId });
      }
      if (this.#calls.get(ops.call.id) !== ops || ops.call.signal.aborted) throw new CallError('CALL_NOT_CONNECTED', `agent '${agentId}''s call ended meanwhile`, { agentId });
    } catch (e) {
      this.#sb.unclaim(supervisorId);
      throw e;
    }
    const sup: Supervisor = { id: supervisorId, leg: new Leg('supervisor', port, ops.call.at(), { agentId: supervisorId }), mode };
    ops.call.addLeg(sup.leg);
    (ops.sup ??= new Supervision(this.#o.board)).sups.push(sup);
    this.#follow(ops);
    this.events$.next({ type: 'supervising', agentId, callId: ops.call.id, supervisorId, mode });
    return { callId: ops.call.id };
  }

  /** The supervisor leaves the call he supervises (his station may stay off hook). */
  leave(supervisorId: string): { callId: string } {
    const at = this.#supervising(supervisorId);
    if (!at) throw new CallError('CALL_NOT_CONNECTED', `supervisor '${supervisorId}' supervises no call`, { agentId: supervisorId });
    this.#dropSupervisor(at.ops, at.sup, 'left');
    return { callId: at.ops.call.id };
  }

  /** The call and agent a supervisor is on, if any. */
  #supervising(supervisorId: string): { ops: OpsCall; sup: Supervisor } | null {
    for (const ops of this.#calls.values()) {
      const sup = ops.sup?.find(supervisorId);
      if (sup) return { ops, sup };
    }
    return null;
  }

  /** Puts the supervisors where the agent's voice is now (after every change of his switching). */
  #follow(ops: OpsCall): void {
    // A barging supervisor is heard by the caller: the call's recording keeps him too (caller left, agent and supervisor right).
    ops.call.recordHeard?.(!!ops.sup?.sups.some((s) => s.mode === 'barge'));
    if (!ops.sup) return;
    const agent = ops.agentLeg.channel;
    const inConf = ops.conf?.members.some((m) => m.channel === agent) ? ops.conf : null;
    let peer: Channel | null = null;
    if (!inConf) {
      if (ops.consult) peer = ops.consult.party?.leg.channel ?? null;
      else if (this.#sb.live(ops.call.id)?.state === 'talking') peer = ops.call.caller.channel;
    }
    ops.sup.layout({ agent, conf: inConf, peer });
  }

  #dropSupervisor(ops: OpsCall, sup: Supervisor, reason: SuperviseEnd, o: { keepClaim?: boolean } = {}): void {
    ops.sup?.remove(sup);
    sup.leg.leftAt ??= ops.call.at();
    if (!o.keepClaim) this.#sb.unclaim(sup.id);
    if (ops.sup?.sups.length === 0) {
      ops.sup.close();
      ops.sup = null;
    }
    this.#follow(ops);
    this.events$.next({ type: 'supervise-ended', agentId: ops.agentId, callId: ops.call.id, supervisorId: sup.id, reason });
  }

  /** Every supervisor of the agent's call leaves it (their stations stay off hook, theirs again). */
  #endSupervision(ops: OpsCall, reason: SuperviseEnd): void {
    const s = ops.sup;
    if (!s) return;
    ops.sup = null;
    ops.call.recordHeard?.(false);
    const sups = [...s.sups];
    s.close();
    for (const sup of sups) {
      sup.leg.leftAt ??= ops.call.at();
      this.#sb.unclaim(sup.id);
      this.events$.next({ type: 'supervise-ended', agentId: ops.agentId, callId: ops.call.id, supervisorId: sup.id, reason });
    }
  }

  // ------------------------------------------------------------ 执法调度

  /** 执法调度 (law-dispatch.ts): the department of a report case is called and joined into a three-way call; the case is dispatched to it. */
  async dispatchCall(agentId: string, req: DispatchCallRequest): Promise<DispatchCallStarted> {
    this.#current(agentId);
    return startDispatchCall({ ops: this, store: this.#o.store, logger: this.#o.logger }, agentId, req);
  }

  // ------------------------------------------------------------ back to the IVR

  /** 人工转自动: the caller goes to a flow node (survey, case number read back); the agent's part ends (wrap-up). */
  toIvr(agentId: string, node: string): { callId: string } {
    const ops = this.#current(agentId);
    if (ops.consult || ops.conf) throw new CallError('CALL_OPERATION_STATE', `agent '${agentId}': finish the consultation or conference first`, { agentId });
    if (typeof node !== 'string' || !ops.call.hasNode(node)) throw new CallError('CALL_IVR_NODE_UNKNOWN', `the call's flow has no node '${String(node)}'`, { node });
    this.#forget(ops);
    return this.#sb.toIvr(agentId, node);
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      this.#o.logger.warn({ err: e }, `agent ops: ${e.code}: ${e.message}`);
    }
  }
}

function label(t: OpTarget): string {
  return 'agent' in t ? `agent:${t.agent}` : 'queue' in t ? `queue:${t.queue}` : `external:${t.number}`;
}

export type { Channel };
