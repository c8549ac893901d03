// Calls an agent or supervisor places from his telephone, outside the ACD's
// queues: 座席呼出 (a number dialled on an outbound trunk, e.g. calling a
// consumer back with the result, from the ACD's callback list), 呼叫班长 /
// 呼叫话务员 (another station of the roster: the supervisor or an agent).
// The placing station is used as it is when off hook (headset); an on-hook
// phone rings first and lifting it starts the call (click to dial). While
// on such a call a ready agent is set not ready ('outbound' / 'intercom') so
// the ACD offers him nothing, and ready again afterwards. Each outbound call
// writes a call record (legs, agent, number, outcome) to the case store.
// With the engine's recorder (全程录音, recordCalls), an answered placed call
// is recorded like an inbound one: one stereo file, the far party (the
// consumer's trunk, or the called station) on the left and the placing agent
// on the right, indexed with direction outbound (a trunk) or internal (two
// stations), and listed in the call record.
import { Subject } from 'rxjs';
import type { Acd } from '../acd/acd.ts';
import { REASON_INTERCOM, REASON_OUTBOUND } from '../acd/types.ts';
import type { Board, Channel, ChannelEvent } from '../board/types.ts';
import type { CallRecordInput, CaseStore } from '../cases/types.ts';
import type { CallRecording } from '../recording/call.ts';
import type { CallRecorder } from './call.ts';
import { CallError } from './errors.ts';
import { bridge, Leg } from './legs.ts';
import type { Logger } from './log.ts';
import { dialOut, freeTrunks } from './outside.ts';
import type { Switchboard } from './switchboard.ts';

export type PlaceTarget = { number: string; callback?: string } | { agent: string };

export type PlacedEvent =
  | { type: 'placed-connected'; agentId: string; callId: string; to: string }
  | { type: 'placed-ended'; agentId: string; callId: string; outcome: string }
  | { type: 'intercom'; agentId: string; callId: string; from: string };

export interface OutboundOptions {
  switchboard: Switchboard;
  acd: Acd;
  board: Board;
  store: CaseStore;
  logger: Logger;
  /** Epoch ms now (the call core's clock). */
  now(): number;
  /** Calling number presented on outbound trunks (default 12315). */
  callerNumber?: string;
  dialTimeoutMs?: number;
  /** 全程录音: records each answered placed call (engine option recordCalls); absent: none. */
  recorder?: CallRecorder;
}

interface Placed {
  id: string;
  agentId: string;
  legs: Leg[];
  startedAt: number;
  answeredAt?: number;
  number?: string;
  callback?: string;
  reserved: string[];
  done: boolean;
  record: Promise<void> | null;
  recording?: CallRecording;
  /** Cases made during the call (at the seat). */
  caseNumbers: string[];
  finish(outcome: string): void;
}

let seq = 0;

export class OutboundCalls {
  readonly events$ = new Subject<PlacedEvent>();
  readonly #o: OutboundOptions;
  readonly #byAgent = new Map<string, Placed>();
  readonly #writing = new Set<Promise<void>>();

  constructor(o: OutboundOptions) {
    this.#o = o;
  }

  /** Resolves once every call record of a finished call is written. */
  async settled(): Promise<void> {
    await Promise.all([...this.#writing]);
  }

  /** The placed call the agent is on, if any. */
  of(agentId: string): { callId: string; answered: boolean } | null {
    const p = this.#byAgent.get(agentId);
    return p ? { callId: p.id, answered: p.answeredAt !== undefined } : null;
  }

  /** A case made during placed call `callId` (the agent at his seat): its call record and recording list it. False: not a placed call in progress. */
  addCase(callId: string, caseNumber: string): boolean {
    const p = [...this.#byAgent.values()].find((x) => x.id === callId);
    if (!p) return false;
    if (!p.caseNumbers.includes(caseNumber)) {
      p.caseNumbers.push(caseNumber);
      p.recording?.note({ caseNumbers: [caseNumber] });
    }
    return true;
  }

  /**
   * Places a call from the agent's station. Returns at once; `connected`
   * resolves true once the far party answered (false: no answer, no trunk,
   * the agent hung up first), `ended` when the call is over and recorded.
   */
  place(agentId: string, target: PlaceTarget): { callId: string; connected: Promise<boolean>; ended: Promise<void> } {
    const sb = this.#o.switchboard;
    if (this.#byAgent.has(agentId)) throw new CallError('CALL_STATION_BUSY', `agent '${agentId}' is on a call he placed`, { agentId });
    if (!('agent' in target) && freeTrunks(this.#o.board).length === 0) throw new CallError('CALL_NO_TRUNK', `no free outbound trunk to dial ${target.number}`, { number: target.number });
    if ('agent' in target) {
      if (!sb.station(target.agent)) throw new CallError('CALL_NO_STATION', `'${target.agent}' has no station port`, { agentId: target.agent });
      if (target.agent === agentId || this.#byAgent.has(target.agent)) throw new CallError('CALL_STATION_BUSY', `'${target.agent}' is busy`, { agentId: target.agent });
    }
    const p: Placed = { id: `out-${this.#o.board.now()}-${++seq}`, agentId, legs: [], startedAt: this.#o.now(), reserved: [], caseNumbers: [], done: false, record: null, finish: () => undefined };
    const ctl = new AbortController();
    let hungUp: () => void = () => undefined;
    let farSub: { unsubscribe(): void } | undefined;
    const onEvent = (e: ChannelEvent) => {
      if (e.type === 'hangup') hungUp();
    };
    const own = sb.claim(agentId, onEvent);
    let other: Channel | null = null;
    if ('agent' in target) {
      try {
        other = sb.claim(target.agent, onEvent);
      } catch (e) {
        sb.unclaim(agentId);
        throw e;
      }
    } else {
      p.number = target.number;
      if (target.callback) p.callback = target.callback;
    }
    this.#byAgent.set(agentId, p);
    this.#reserve(p, agentId, REASON_OUTBOUND);
    if ('agent' in target) this.#reserve(p, target.agent, REASON_INTERCOM);
    let resolveEnded!: () => void;
    const ended = new Promise<void>((r) => (resolveEnded = r));
    const finish = (outcome: string) => {
      if (p.done) return;
      p.done = true;
      ctl.abort();
      const at = this.#o.now();
      for (const l of p.legs) l.leftAt ??= at;
      farSub?.unsubscribe();
      // The recording ends with the call (the placing station may stay off hook).
      p.recording?.note({ legs: p.legs.map((l) => l.record()) });
      void p.recording?.stop();
      // The far party's line is cleared (a trunk here; the other station by the switchboard, which rings
      // it for its next offer once idle); the placing station stays as its user left it.
      const trunk = p.legs[1] && p.legs[1].channel !== other ? p.legs[1].channel : null;
      if (trunk && trunk.state !== 'idle') void trunk.hangup().catch(() => undefined);
      sb.unclaim(agentId);
      if (other) sb.unclaim((target as { agent: string }).agent, { release: true });
      for (const id of p.reserved) {
        const a = this.#o.acd.agent(id);
        if (a.state === 'notReady' && (a.reason === REASON_OUTBOUND || a.reason === REASON_INTERCOM)) this.#safe(() => this.#o.acd.setReady(id));
      }
      this.#byAgent.delete(agentId);
      this.events$.next({ type: 'placed-ended', agentId, callId: p.id, outcome });
      const rec = this.#record(p, outcome, target);
      p.record = rec;
      this.#writing.add(rec);
      void rec.finally(() => {
        this.#writing.delete(rec);
        resolveEnded();
      });
    };
    p.finish = finish;
    hungUp = () => finish(p.answeredAt !== undefined ? 'outbound_completed' : 'outbound_abandoned');
    const connected = (async () => {
      try {
        const timeoutMs = this.#o.dialTimeoutMs ?? 30_000;
        if (own.state !== 'connected') {
          // Click to dial: his own phone rings first.
          const r = await own.call({ calledNumber: agentId, timeoutMs, signal: ctl.signal });
          if (r.reason !== 'done') throw new CallError('CALL_TARGET_NO_ANSWER', `agent '${agentId}' did not lift his phone`, { agentId });
        }
        p.legs.push(new Leg('agent', own, this.#o.now(), { agentId }));
        let far: Channel;
        if (other) {
          const r = other.state === 'connected' ? { reason: 'done' } : await other.call({ calledNumber: (target as { agent: string }).agent, callerNumber: agentId, timeoutMs, signal: ctl.signal });
          if (r.reason !== 'done') throw new CallError('CALL_TARGET_NO_ANSWER', `'${(target as { agent: string }).agent}' did not answer`, { agentId });
          far = other;
          this.events$.next({ type: 'intercom', agentId: (target as { agent: string }).agent, callId: p.id, from: agentId });
        } else {
          far = await dialOut(this.#o.board, (target as { number: string }).number, { callerNumber: this.#o.callerNumber ?? '12315', timeoutMs, signal: ctl.signal });
          farSub = far.events$.subscribe(onEvent);
        }
        if (p.done) {
          if (far !== other) void far.hangup().catch(() => undefined);
          return false;
        }
        const agentTarget = 'agent' in target ? target.agent : undefined;
        p.legs.push(new Leg(agentTarget ? (this.#o.switchboard.acdConfig.agents.some((a) => a.id === agentTarget) ? 'agent' : 'supervisor') : 'outside', far, this.#o.now(), agentTarget ? { agentId: agentTarget } : {}));
        p.answeredAt = this.#o.now();
        bridge(p.legs[0], p.legs[1]);
        this.#startRecording(p, far, own, target);
        if (p.callback) this.#safe(() => this.#o.acd.callbackDone(p.callback!));
        this.events$.next({ type: 'placed-connected', agentId, callId: p.id, to: agentTarget ? `agent:${agentTarget}` : `external:${p.number}` });
        return true;
      } catch (e) {
        this.#o.logger.info({ err: e }, `placed call ${p.id} of ${agentId}: ${(e as Error).message}`);
        finish(p.done ? 'outbound_abandoned' : 'outbound_no_answer');
        return false;
      }
    })();
    return { callId: p.id, connected, ended };
  }

  /** The agent ends the call he placed (his seat's 呼叫终止; hanging up the phone does it too). */
  hangup(agentId: string): { callId: string } {
    const p = this.#byAgent.get(agentId);
    if (!p) throw new CallError('CALL_NOT_CONNECTED', `agent '${agentId}' placed no call`, { agentId });
    p.finish(p.answeredAt !== undefined ? 'outbound_completed' : 'outbound_abandoned');
    return { callId: p.id };
  }

  #startRecording(p: Placed, far: Channel, own: Channel, target: PlaceTarget): void {
    const recorder = this.#o.recorder;
    if (!recorder) return;
    const intercom = 'agent' in target;
    try {
      p.recording = recorder({
        caller: far,
        other: own,
        callId: p.id,
        facts: {
          direction: intercom ? 'internal' : 'outbound',
          callerNumber: intercom ? p.agentId : (this.#o.callerNumber ?? '12315'),
          calledNumber: intercom ? target.agent : target.number,
          agents: intercom ? [p.agentId, target.agent] : [p.agentId],
        },
      });
    } catch (e) {
      // A recording that cannot start must not cost the call: logged, and the call record lists none.
      this.#o.logger.error({ err: e }, `placed call ${p.id}: recording not started: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
    }
  }

  #reserve(p: Placed, agentId: string, reason: string): void {
    if (this.#o.acd.agentIds().includes(agentId) && this.#o.acd.agent(agentId).state === 'ready') {
      this.#o.acd.setNotReady(agentId, reason);
      p.reserved.push(agentId);
    }
  }

  async #record(p: Placed, outcome: string, target: PlaceTarget): Promise<void> {
    const rec: CallRecordInput = {
      id: p.id,
      startedAt: p.startedAt,
      endedAt: this.#o.now(),
      channel: p.legs[1]?.channel.name ?? this.#o.switchboard.station(p.agentId)!.name,
      callerNumber: p.agentId,
      calledNumber: 'agent' in target ? target.agent : target.number,
      ivrPath: [],
      recordingIds: p.recording ? [p.recording.id] : [],
      outcome,
      agentId: p.agentId,
      agents: [p.agentId],
      legs: p.legs.map((l) => l.record()),
    };
    if (p.answeredAt !== undefined) rec.answeredAt = p.answeredAt;
    if (p.answeredAt !== undefined) rec.talkMs = rec.endedAt - p.answeredAt;
    if (p.caseNumbers.length) {
      rec.caseNumbers = [...p.caseNumbers];
      rec.caseNumber = p.caseNumbers[p.caseNumbers.length - 1];
    }
    try {
      await this.#o.store.putCallRecord(rec);
    } catch (e) {
      this.#o.logger.error({ err: e }, `placed call ${p.id}: the call record could not be written: ${(e as Error).message}`);
    }
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#o.logger.warn({ err: e }, `outbound: ${(e as Error).message}`);
    }
  }
}
