// The switchboard: between the ACD (which decides) and the board (which
// rings, plays and switches). It owns the agents' stations and plays the
// ACD's decisions on them: `offer` rings the agent's telephone (or, when his
// headset is already off hook, gives a zip tone and waits for the seat's
// `answer`), `cancel-offer` stops the ringing, an answer bridges the caller
// at once (the announcement or music he was hearing stops in the same tick:
// no dead air), the caller's announcements and music on hold are played on
// his leg, and a hang-up on either side is told to the ACD.
//
// A call reaches it from the IVR's `transfer` node (Call → `enqueue`), and
// the promise `enqueue` returns says where the flow goes next: the node's
// busy path, the overflow target, back to an IVR node after the agent hung
// up (人工转自动), or the end of the call.
import { Subject, type Subscription } from 'rxjs';
import type { Acd } from '../acd/acd.ts';
import type { AcdConfig, Decision } from '../acd/types.ts';
import type { AudioBuffer, Channel, ChannelEvent, PlayItem } from '../board/types.ts';
import type { TransferOutcome, TransferRequest } from '../ivr/interpreter.ts';
import type { PromptSet } from '../ivr/prompts.ts';
import { say } from '../ivr/say.ts';
import { isHotlineError } from '../errors.ts';
import { CallError } from './errors.ts';
import { bridge, Leg, unbridge } from './legs.ts';
import type { Logger } from './log.ts';
import { musicOnHold } from './moh.ts';
import { noticeFor, recordingNotice, type NoticeConfig, type NoticeHandle } from '../recording/notice.ts';
import type { CallbackRequests } from './callback-request.ts';

export type { TransferOutcome, TransferRequest };

/** What the switchboard needs of a call (src/calls/call.ts implements it). */
export interface QueueCall {
  readonly id: string;
  readonly caller: Leg;
  readonly signal: AbortSignal;
  readonly callerNumber?: string;
  /** The caller's language (prompts) and the IVR variables he keyed (screen pop). */
  readonly lang: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly calledNumber?: string;
  /** IVR nodes passed (screen pop: what the caller chose). */
  readonly path: readonly string[];
  readonly log: Logger;
  /** Epoch ms now, on board time. */
  at(): number;
  setPhase(p: 'queue' | 'ringing' | 'talking' | 'held' | 'consulting' | 'conference'): void;
  readonly phase: string;
  hasNode(id: string): boolean;
  /** A case made during the call (a callback request): the call record lists it. */
  addCase(number: string): void;
  addLeg(leg: Leg): void;
  /** The call's recording takes what the caller hears while talking (a supervisor barging in), or not. */
  recordHeard?(on: boolean): void;
  /** The queue phase's figures, for the call record. */
  queued(e: { queue: string } | { agent: string } | { holdMs: number } | { endedBy: 'caller' | 'agent' | 'system' } | { wrapUpMs: number } | { callback: true }): void;
}

/** Call events for the agent's seat (src/seats pushes them on the socket). */
export type SeatCallEvent =
  | { type: 'offer'; agentId: string; callId: string; queue: string; callerNumber?: string; calledNumber?: string; vars: Record<string, string>; path: string[]; headset: boolean }
  | { type: 'offer-cancelled'; agentId: string; callId: string; reason: string }
  | { type: 'connected'; agentId: string; callId: string; callerNumber?: string }
  | { type: 'held'; agentId: string; callId: string }
  | { type: 'retrieved'; agentId: string; callId: string }
  | { type: 'ended'; agentId: string; callId: string; by: 'caller' | 'agent' | 'system' };

export interface SwitchboardOptions {
  acd: Acd;
  acdConfig: AcdConfig;
  /** agent id → his station port (stations.ts). */
  stations: Map<string, Channel>;
  prompts: PromptSet;
  logger: Logger;
  /** Music on hold: a WAV file (default: the generated tune, moh.ts). */
  mohFile?: string;
  /** 自动报工号: the caller hears the agent's number on answer (default false; a transfer node may say otherwise). */
  announceAgent?: boolean;
  /** Busy tone to a handset agent after the caller left, until he hangs up (ms, default 60 s; headset agents hear 1.5 s). */
  busyToneMs?: number;
  /** "This call may be recorded", per queue (src/recording/notice.ts; checked by checkNoticeConfig): none, an announcement before the queue, or beeps over the bridge. */
  recordingNotice?: NoticeConfig;
  /** Callback requests ("press 1", overflow to callback): the dialog and the registration; absent, such a caller goes to the node's overflow. */
  callbacks?: CallbackRequests;
}

interface StationRt {
  agentId: string;
  port: Channel;
  /** Off hook while no call: headset mode (the offer is a zip tone, `answer` connects). */
  offer: { callId: string; headset: boolean; ring: AbortController | null } | null;
  callId: string | null;
  /** Lifted by the agent before the current offer (headset), or rung and answered (handset). */
  headset: boolean;
  /** A ring we stopped is still clearing on the port. */
  settling: boolean;
  /** Taken by an operation (consulted, supervising): its events go there, offers find it busy. */
  claimed: ((e: ChannelEvent) => void) | null;
}

interface Queued {
  call: QueueCall;
  req: TransferRequest;
  /** callback: left the queue for the callback list, confirming his number. */
  state: 'waiting' | 'talking' | 'held' | 'callback';
  agent: Leg | null;
  heldAt: number;
  holdMs: number;
  /** Epoch ms the caller joined the queue. */
  enteredAt: number;
  /** Announcements waiting to be played between music. */
  pending: PlayItem[][];
  /** The caller talks with an outside party (transferred out): the ACD no longer has the call. */
  outside: boolean;
  looping: boolean;
  /** The caller hears music now (an announcement may cut in at once). */
  music: boolean;
  /** The recording beeps over the bridge, from the first answer to the end of the queue phase. */
  notice: NoticeHandle | null;
  resolve(o: TransferOutcome): void;
}

// A zip tone (two 440 Hz bursts of 100 ms, -13 dBm0): a call for a headset agent.
const ZIP: AudioBuffer = (() => {
  const d = new Int16Array(2400);
  for (let i = 0; i < d.length; i++) if (i < 800 || (i >= 1600 && i < 2400)) d[i] = Math.round(5000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return { encoding: 'pcm16', data: d };
})();

export class Switchboard {
  readonly acd: Acd;
  readonly acdConfig: AcdConfig;
  readonly events$ = new Subject<SeatCallEvent>();
  /** A call joined a queue (call-waiting indication to the agents on a call). */
  readonly entered$ = new Subject<{ callId: string; queue: string }>();
  readonly #stations = new Map<string, StationRt>();
  readonly #calls = new Map<string, Queued>();
  /** Calls that heard their queue's recording announcement. */
  readonly #toldRecorded = new WeakSet<QueueCall>();
  readonly #o: SwitchboardOptions;
  readonly #moh: PlayItem;
  readonly #subs: Subscription[] = [];
  readonly #unDecide: () => void;

  constructor(o: SwitchboardOptions) {
    this.#o = o;
    this.acd = o.acd;
    this.acdConfig = o.acdConfig;
    this.#moh = musicOnHold(o.mohFile);
    for (const [agentId, port] of o.stations) {
      const st: StationRt = { agentId, port, offer: null, callId: null, headset: false, settling: false, claimed: null };
      this.#stations.set(agentId, st);
      this.#subs.push(port.events$.subscribe((e) => this.#stationEvent(st, e)));
    }
    this.#unDecide = o.acd.onDecision((d) => this.#decide(d));
    // A station an operation holds (supervision, consultation, a placed call) is offered nothing.
    o.acd.stationTaken = (id) => this.#stations.get(id)?.claimed != null;
  }

  /** The agent's station port, if he has one. */
  station(agentId: string): Channel | undefined {
    return this.#stations.get(agentId)?.port;
  }

  /** The call the agent is connected to or offered, if any. */
  callOf(agentId: string): { callId: string; state: 'offered' | 'talking' | 'held' } | null {
    const st = this.#stations.get(agentId);
    if (!st) return null;
    if (st.callId) return { callId: st.callId, state: this.#calls.get(st.callId)?.state === 'held' ? 'held' : 'talking' };
    if (st.offer) return { callId: st.offer.callId, state: 'offered' };
    return null;
  }

  /** A call in the switchboard's hands (waiting, talking or held): for operations built on top (transfer, conference). */
  live(callId: string): { call: QueueCall; agent: Leg | null; state: 'waiting' | 'talking' | 'held' } | null {
    const q = this.#calls.get(callId);
    return q && q.state !== 'callback' ? { call: q.call, agent: q.agent, state: q.state } : null;
  }

  get waiting(): number {
    return this.#calls.size;
  }

  close(): void {
    this.#unDecide();
    for (const s of this.#subs) s.unsubscribe();
    this.events$.complete();
    this.entered$.complete();
  }

  // ------------------------------------------------------------ the queue phase

  /** The IVR's transfer node: the call waits in `queue` until an agent answers, it overflows, or someone hangs up. */
  async enqueue(call: QueueCall, req: TransferRequest): Promise<TransferOutcome> {
    if (call.signal.aborted) return { result: 'ended' };
    let resolve!: (o: TransferOutcome) => void;
    const done = new Promise<TransferOutcome>((r) => (resolve = r));
    const q: Queued = { call, req, state: 'waiting', agent: null, heldAt: 0, holdMs: 0, enteredAt: call.at(), pending: [], outside: false, looping: false, music: false, notice: null, resolve };
    // Registered before enter(): the ACD delivers its first decisions (an offer) before enter() returns.
    this.#calls.set(call.id, q);
    call.queued({ queue: req.queue });
    call.setPhase('queue');
    // "This call may be recorded" is played in full before the call joins the queue, so it is heard even when an agent is free at once.
    if (!(await this.#announceRecording(call, req.queue))) {
      this.#calls.delete(call.id);
      return { result: 'ended' };
    }
    let joined: boolean;
    try {
      joined = this.acd.enter(call.id, req.queue, { callerNumber: call.callerNumber, ...(req.priority ? { priority: req.priority } : {}) }).joined;
    } catch (e) {
      call.log.warn({ err: e }, `call ${call.id}: transfer to queue '${req.queue}' refused: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`);
      joined = false;
    }
    if (!joined) {
      this.#calls.delete(call.id);
      return { result: 'busy' };
    }
    q.enteredAt = call.at(); // after the recording notice: the wait the ACD counts
    this.entered$.next({ callId: call.id, queue: req.queue });
    const onAbort = () => this.#callerGone(q);
    call.signal.addEventListener('abort', onAbort, { once: true });
    // "Press 1 and we will call you back": the key, heard by the line's DTMF detector while he waits.
    const key = this.acdConfig.queues.find((x) => x.id === req.queue)?.callbackKey;
    const keySub = key === undefined || !this.#o.callbacks ? null : call.caller.channel.events$.subscribe((e) => {
      if (e.type === 'digit' && e.digit === key && q.state === 'waiting') this.#safe(() => this.acd.requestCallback(call.id));
    });
    if (q.state === 'waiting') void this.#music(q);
    try {
      return await done;
    } finally {
      keySub?.unsubscribe();
      call.signal.removeEventListener('abort', onAbort);
      // Nothing the switchboard started (music, an announcement, the agent's number) outlives the queue phase:
      // the IVR's next node plays on this line.
      call.caller.stopMedia();
      q.notice?.stop();
      this.#calls.delete(call.id);
    }
  }

  /** The queue's recording announcement (if it has one); false when the caller left meanwhile. */
  async #announceRecording(call: QueueCall, queue: string): Promise<boolean> {
    const n = noticeFor(this.#o.recordingNotice, queue);
    // Once per call: a transfer that queues the call again does not repeat it.
    if (n.kind !== 'announcement' || this.#toldRecorded.has(call)) return true;
    this.#toldRecorded.add(call);
    const p = this.#o.prompts;
    let what: PlayItem | undefined = n.file;
    if (n.prompt !== undefined) {
      if (p.has(call.lang, n.prompt)) what = p.item(call.lang, n.prompt);
      else call.log.warn(`call ${call.id}: queue '${queue}': recording announcement prompt '${n.prompt}' has no ${call.lang} recording; not played`);
    }
    if (what === undefined) return true;
    try {
      await recordingNotice(call.caller.channel.board, call.caller.channel, queue, { [queue]: n }, { announcement: what }).played;
    } catch (e) {
      call.log.warn({ err: e }, `call ${call.id}: queue '${queue}': recording announcement not played: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`);
    }
    return !call.signal.aborted;
  }

  // ------------------------------------------------------------ hooks for operations (agent-ops.ts)

  /**
   * Asked first when the agent's side of a call ends (his station hung up,
   * or his seat's 呼叫终止): true = an operation in progress (a consultation,
   * a conference) took it over, and the switchboard does nothing more.
   */
  onAgentHangup: ((callId: string, agentId: string) => boolean) | null = null;

  /** Takes the agent's station for an operation (a consultation, a supervisor): offers find it busy, its events go to `onEvent`. */
  claim(agentId: string, onEvent: (e: ChannelEvent) => void): Channel {
    const st = this.#station(agentId);
    if (st.offer || st.callId || st.claimed) throw new CallError('CALL_STATION_BUSY', `agent '${agentId}' is on a call or being offered one`, { agentId });
    st.claimed = onEvent;
    return st.port;
  }

  /**
   * Gives the station back (the operation is over). `release`: its line is
   * cleared too (a handset the operation rang and answered). A line still
   * clearing (that, or a ring the operation stopped) is rung for the next
   * offer once idle, never given a zip tone or failed meanwhile.
   */
  unclaim(agentId: string, o: { release?: boolean } = {}): void {
    const st = this.#stations.get(agentId);
    if (!st?.claimed) return;
    st.claimed = null;
    const port = st.port;
    if (o.release && port.state !== 'idle') {
      st.settling = true;
      st.headset = false;
      void port.hangup().catch(() => undefined);
    } else if (port.state === 'dialing' || port.state === 'clearing') st.settling = true;
    this.#safe(() => this.acd.stationFreed(agentId));
  }

  /**
   * The agent leaves the conversation without the ACD hearing a hang-up (a
   * transfer: the caller of this tells the ACD). The caller is unbridged.
   */
  detach(callId: string): Leg {
    const q = this.#calls.get(callId);
    const leg = q?.agent;
    if (!q || !leg) throw new CallError('CALL_NOT_CONNECTED', `call ${callId} has no party in conversation`, { callId });
    if (q.state === 'held') q.holdMs += q.call.at() - q.heldAt;
    q.call.queued({ holdMs: q.holdMs });
    q.state = 'talking';
    unbridge(q.call.caller);
    leg.leftAt = q.call.at();
    q.agent = null;
    const st = leg.agentId === undefined ? undefined : this.#stations.get(leg.agentId);
    if (st && st.callId === callId) st.callId = null;
    if (leg.agentId !== undefined) this.events$.next({ type: 'ended', agentId: leg.agentId, callId, by: 'agent' });
    return leg;
  }

  /** After a transfer to a queue or an agent: the caller waits again (music), the ACD's offer follows. */
  requeue(callId: string, o: { outside?: boolean } = {}): void {
    const q = this.#calls.get(callId);
    if (!q) return;
    q.state = 'waiting';
    // outside: the caller waits for a number being dialled; the ACD no longer has the call.
    q.outside = o.outside === true;
    q.call.setPhase('queue');
    void this.#music(q);
  }

  /**
   * The caller now talks with `leg` (a consulted agent, an outside party, or
   * the agent again after a cancelled move). `bridge: false` when an
   * operation joined them otherwise (a conference).
   */
  connect(callId: string, leg: Leg, o: { bridge?: boolean; again?: boolean } = {}): void {
    const q = this.#calls.get(callId);
    if (!q) throw new CallError('CALL_NOT_CONNECTED', `call ${callId} is gone`, { callId });
    q.pending.length = 0;
    q.agent = leg;
    q.state = 'talking';
    q.outside = leg.agentId === undefined;
    q.call.caller.stopMedia();
    if (o.bridge !== false) bridge(q.call.caller, leg);
    if (leg.agentId !== undefined) {
      const st = this.#station(leg.agentId);
      st.claimed = null;
      st.callId = callId;
      if (!o.again) {
        q.call.queued({ agent: leg.agentId });
        this.#configuredWrapUp(q, leg.agentId);
      }
      this.events$.next({ type: 'connected', agentId: leg.agentId, callId, ...(q.call.callerNumber ? { callerNumber: q.call.callerNumber } : {}) });
    }
    q.call.setPhase('talking');
  }

  /** 人工转自动: the agent's part ends (the ACD completes it, wrap-up follows) and the caller goes to an IVR node. */
  toIvr(agentId: string, node: string): { callId: string } {
    const q = this.#connected(agentId);
    const st = this.#station(agentId);
    st.callId = null;
    this.#endTalk(q, 'agent');
    this.#safe(() => this.acd.agentHangup(q.call.id));
    q.resolve({ result: 'ivr', node });
    return { callId: q.call.id };
  }

  /** Ends the switchboard's part of the call (an outside party hung up after a transfer). */
  finish(callId: string, endedBy: 'caller' | 'agent' | 'system' = 'system'): void {
    const q = this.#calls.get(callId);
    if (!q) return;
    q.call.queued({ endedBy });
    if (q.agent) q.agent.leftAt ??= q.call.at();
    q.agent = null;
    unbridge(q.call.caller);
    q.resolve({ result: 'ended' });
  }

  /** Music, interleaved with the announcements the ACD asks for, while the caller waits or is held. */
  async #music(q: Queued): Promise<void> {
    if (q.looping) return;
    q.looping = true;
    try {
      while ((q.state === 'waiting' || q.state === 'held') && !q.call.signal.aborted && this.#calls.get(q.call.id) === q) {
        const next = q.pending.shift();
        q.music = next === undefined;
        const r = await q.call.caller.play(next ?? [this.#moh]);
        q.music = false;
        if (r === null && q.call.caller.channel.state !== 'connected') break;
      }
    } finally {
      q.looping = false;
    }
  }

  /** The queue's recording beeps, mixed into the bridge while the caller talks with an agent (not on hold). */
  #beepRecording(q: Queued): void {
    if (q.notice || noticeFor(this.#o.recordingNotice, q.req.queue).kind !== 'beep') return;
    const ch = q.call.caller.channel;
    q.notice = recordingNotice(ch.board, ch, q.req.queue, this.#o.recordingNotice!, { active: () => q.state === 'talking' && this.#calls.get(q.call.id) === q });
  }

  #announce(q: Queued, ids: string[]): void {
    if (q.state !== 'waiting') return;
    const p = this.#o.prompts;
    const lang = q.call.lang;
    const items = ids.filter((id) => p.has(lang, id)).map((id) => p.item(lang, id));
    if (items.length === 0) return;
    q.pending.push(items);
    // Music gives way at once; an announcement already playing finishes first.
    if (q.music) q.call.caller.stopMedia();
  }

  /** Left the queue for the callback list: the music stops, the caller confirms his number (callback-request.ts). */
  async #callback(q: Queued, cb: CallbackRequests): Promise<void> {
    q.state = 'callback';
    q.pending.length = 0;
    q.call.caller.stopMedia();
    q.call.caller.channel.clearDigits();
    q.call.log.info({ event: 'callback_request', queue: q.req.queue }, `call ${q.call.id} left queue ${q.req.queue} for a callback`);
    let ok = false;
    try {
      const r = await cb.run(q.call, q.req.queue, q.call.at() - q.enteredAt);
      ok = r.registered;
      if (ok) q.call.queued({ callback: true });
    } catch (e) {
      this.#o.logger.error({ err: e }, `switchboard: the callback request of call ${q.call.id} failed: ${(e as Error).message}`);
    }
    // Registered: the call ends (the caller heard goodbye). Not: the node's overflow (a message), nothing lost.
    q.resolve(ok || q.call.signal.aborted ? { result: 'ended' } : { result: 'overflow' });
  }

  // ------------------------------------------------------------ ACD decisions

  #decide(d: Decision): void {
    try {
      switch (d.type) {
        case 'offer':
          return this.#offer(d.callId, d.agentId, d.queue);
        case 'cancel-offer':
          return this.#cancelOffer(d.callId, d.agentId, d.reason);
        case 'announce-position': {
          const q = this.#calls.get(d.callId);
          if (!q) return;
          const lang = q.call.lang;
          const has = (id: string) => this.#o.prompts.has(lang, id);
          const mins = Math.round(d.estimatedWaitMs / 60_000);
          const ids = ['queue_position', ...say(lang, 'number', String(d.position), has), 'queue_position_post'];
          ids.push(...(mins < 1 ? ['queue_wait_short'] : ['queue_wait', ...say(lang, 'number', String(mins), has), 'queue_minutes']));
          return this.#announce(q, ids);
        }
        case 'announce-periodic': {
          const q = this.#calls.get(d.callId);
          const key = this.acdConfig.queues.find((x) => x.id === d.queue)?.callbackKey;
          const offer = key !== undefined && this.#o.callbacks && q ? ['queue_callback_offer', ...say(q.call.lang, 'digits', key, (id) => this.#o.prompts.has(q.call.lang, id))] : [];
          if (q) this.#announce(q, ['queue_periodic', ...offer]);
          return;
        }
        case 'overflow': {
          const q = this.#calls.get(d.callId);
          if (q && d.target.kind === 'callback' && this.#o.callbacks) return void this.#callback(q, this.#o.callbacks);
          // A flow node, or a mailbox named by the flow node that takes its message; unnamed, or a name
          // the caller's flow lacks: the transfer node's own overflow (the IVR decides).
          const node = d.target.kind === 'flow' ? d.target.node : d.target.kind === 'mailbox' ? d.target.mailbox : undefined;
          q?.resolve({ result: 'overflow', ...(node !== undefined ? { node } : {}) });
          return;
        }
        case 'agent-state':
          return;
      }
    } catch (e) {
      // A decision that cannot be played must not stop the others (nor the ACD's delivery).
      this.#o.logger.error({ err: e, decision: d }, `switchboard: the ACD's ${d.type} decision for ${'callId' in d ? d.callId : d.agentId} failed: ${(e as Error).message}`);
    }
  }

  #offer(callId: string, agentId: string, queue: string): void {
    const q = this.#calls.get(callId);
    const st = this.#stations.get(agentId);
    if (!q) return; // the call is already gone; the ACD hears of it from the hang-up
    if (!st) return this.acd.offerFailed(callId, agentId, 'no station');
    if (st.offer || st.callId || st.claimed) return this.acd.offerFailed(callId, agentId, 'station busy');
    const port = st.port;
    // Still clearing (a ring just stopped, a line an operation released): ring once it is idle.
    if (st.settling && port.state !== 'idle') return this.#ringWhenIdle(st, callId, agentId, queue);
    const seat = (headset: boolean) =>
      this.events$.next({ type: 'offer', agentId, callId, queue, ...(q.call.callerNumber ? { callerNumber: q.call.callerNumber } : {}), ...(q.call.calledNumber ? { calledNumber: q.call.calledNumber } : {}), vars: { ...q.call.vars }, path: [...q.call.path], headset });
    // Off hook, or the handset lifted a moment ago (its answer is queued: the port still says ringing).
    if (port.state === 'connected' || (port.state === 'ringing' && st.headset)) {
      // Headset mode: the agent is off hook; a zip tone in his ear, his seat answers.
      st.offer = { callId, headset: true, ring: null };
      this.acd.ringing(callId, agentId);
      q.call.setPhase('ringing');
      void port.play(ZIP).catch(() => undefined);
      seat(true);
      return;
    }
    if (port.state !== 'idle') return this.acd.offerFailed(callId, agentId, `station ${port.state}`);
    st.settling = false;
    const ring = new AbortController();
    st.offer = { callId, headset: false, ring };
    st.headset = false;
    // The ACD's ring timeout ends an unanswered offer (cancel-offer); the board's is a backstop.
    const rung = port.call({ signal: ring.signal, timeoutMs: 600_000, ...(q.call.callerNumber ? { callerNumber: q.call.callerNumber } : {}), calledNumber: agentId });
    this.acd.ringing(callId, agentId);
    q.call.setPhase('ringing');
    seat(false);
    rung.then(
      (r) => {
        if (st.offer?.ring !== ring) return; // cancelled meanwhile
        if (r.reason === 'done') return this.#answered(st);
        st.offer = null;
        this.#unrung(callId);
        this.#safe(() => this.acd.offerFailed(callId, agentId, `station ${r.reason}`));
      },
      (e) => {
        if (st.offer?.ring !== ring) return;
        st.offer = null;
        this.#unrung(callId);
        this.#safe(() => this.acd.offerFailed(callId, agentId, `station error ${(e as { code?: string }).code ?? ''}`));
      },
    );
  }

  /** Holds the station for the offer until the port is idle again (≤ 1 s), then rings it. */
  #ringWhenIdle(st: StationRt, callId: string, agentId: string, queue: string): void {
    const hold = { callId, headset: false, ring: new AbortController() };
    st.offer = hold;
    const port = st.port;
    const sub = port.events$.subscribe((e) => {
      if (e.type !== 'idle') return;
      sub.unsubscribe();
      timeout.unsubscribe();
      if (st.offer !== hold) return;
      st.offer = null;
      st.settling = false;
      this.#offer(callId, agentId, queue);
    });
    const timeout = port.board.scheduler.schedule(() => {
      sub.unsubscribe();
      if (st.offer !== hold) return;
      st.offer = null;
      this.#unrung(callId);
      this.#safe(() => this.acd.offerFailed(callId, agentId, `station ${port.state}`));
    }, 1000);
  }

  #cancelOffer(callId: string, agentId: string, reason: string): void {
    const st = this.#stations.get(agentId);
    if (!st?.offer || st.offer.callId !== callId) return;
    const o = st.offer;
    st.offer = null;
    if (o.ring) {
      st.settling = true;
      o.ring.abort();
    }
    else st.port.stop(); // the zip tone
    this.events$.next({ type: 'offer-cancelled', agentId, callId, reason });
    this.#unrung(callId);
  }

  /**
   * An offer of a waiting call ended unanswered (cancelled, failed, the
   * headset put down): with no other station offered it, the call is in the
   * queue phase again, not left "ringing" with nothing ringing. Called before
   * the ACD hears of a failure, so an offer it makes at once sets ringing again.
   */
  #unrung(callId: string): void {
    const q = this.#calls.get(callId);
    if (!q || q.state !== 'waiting' || q.call.signal.aborted) return;
    for (const st of this.#stations.values()) if (st.offer?.callId === callId) return;
    q.call.setPhase('queue');
  }

  /** The agent answered (lifted the ringing handset, or his seat answered a zip-tone offer): bridge now. */
  #answered(st: StationRt): void {
    const o = st.offer!;
    st.offer = null;
    const q = this.#calls.get(o.callId);
    try {
      if (!q) throw new CallError('CALL_NO_OFFER', `call ${o.callId} is gone`);
      this.acd.answered(o.callId, st.agentId);
    } catch (e) {
      // Answered a moment too late (another agent took it, the caller left): the line is dead to him.
      this.#o.logger.info({ agentId: st.agentId, callId: o.callId }, `agent ${st.agentId} answered call ${o.callId} too late: ${(e as Error).message}`);
      void st.port.playTone('busy', { durationMs: 1500 }).catch(() => undefined);
      return;
    }
    const call = q.call;
    st.callId = call.id;
    st.headset = o.headset;
    // Stop the music or announcement and bridge in the same tick (commands apply in order).
    q.state = 'talking';
    q.pending.length = 0;
    call.caller.stopMedia();
    const leg = new Leg('agent', st.port, call.at(), { agentId: st.agentId });
    q.agent = leg;
    call.addLeg(leg);
    call.queued({ agent: st.agentId });
    this.#configuredWrapUp(q, st.agentId);
    bridge(call.caller, leg);
    call.setPhase('talking');
    this.#beepRecording(q);
    this.events$.next({ type: 'connected', agentId: st.agentId, callId: call.id, ...(call.callerNumber ? { callerNumber: call.callerNumber } : {}) });
    call.log.info({ event: 'agent_connected', agentId: st.agentId, station: st.port.name }, `call ${call.id} agent  ${st.agentId} on ${st.port.name}`);
    if (q.req.announceAgent ?? this.#o.announceAgent) {
      // 自动报工号: "X号话务员为您服务" is mixed into the bridge (the caller hears the agent under it, not masked); the agent hears the caller throughout.
      const p = this.#o.prompts;
      const lang = call.lang;
      const has = (id: string) => p.has(lang, id);
      const ids = ['agent_intro', ...say(lang, 'digits', st.agentId, has), 'agent_serving'].filter(has);
      void call.caller.play(ids.map((id) => p.item(lang, id)), { mix: true });
    }
  }

  // ------------------------------------------------------------ hang-ups

  /** The caller hung up (the call's signal aborted). */
  #callerGone(q: Queued): void {
    const id = q.call.id;
    if (q.state === 'callback') return; // out of the ACD already; the dialog ends on the call's signal
    if (q.state === 'waiting') {
      if (!q.outside) this.#safe(() => this.acd.callerHangup(id));
      q.resolve({ result: 'ended' });
      return;
    }
    // The call's signal carries why it ended: the caller ('remote'), or the engine (watchdog, shutdown, span alarm).
    this.#endTalk(q, q.call.signal.reason === 'remote' ? 'caller' : 'system');
    if (!q.outside) this.#safe(() => this.acd.callerHangup(id));
    q.resolve({ result: 'ended' });
  }

  /** The agent's side of a conversation ends: his leg leaves, the caller is unbridged, the seat is told. */
  #endTalk(q: Queued, by: 'caller' | 'agent' | 'system'): void {
    const leg = q.agent;
    if (!leg || leg.gone) return;
    if (q.state === 'held') q.holdMs += q.call.at() - q.heldAt;
    q.call.queued({ holdMs: q.holdMs });
    q.call.queued({ endedBy: by });
    unbridge(q.call.caller);
    leg.leftAt = q.call.at();
    if (leg.agentId === undefined) return; // an outside party: the operation that dialled it clears it
    const st = this.#stations.get(leg.agentId);
    if (st && st.callId === q.call.id) {
      st.callId = null;
      // As a PBX: busy tone in the agent's ear until he hangs up (a headset agent hears a short one).
      if (by !== 'agent' && st.port.state === 'connected') void leg.tone('busy', st.headset ? 1500 : (this.#o.busyToneMs ?? 60_000));
    }
    this.events$.next({ type: 'ended', agentId: leg.agentId!, callId: q.call.id, by });
  }

  #agentGone(q: Queued): void {
    const agentId = q.agent?.agentId;
    if (agentId !== undefined && this.onAgentHangup) {
      let taken = false;
      try {
        taken = this.onAgentHangup(q.call.id, agentId);
      } catch (e) {
        // An operation that cannot take the hang-up over must not leave the agent stuck: end his part as usual.
        this.#o.logger.error({ err: e }, `switchboard: the hang-up of ${agentId} on call ${q.call.id} failed in an operation: ${(e as Error).message}`);
      }
      if (taken) return;
    }
    this.#endTalk(q, 'agent');
    this.#safe(() => this.acd.agentHangup(q.call.id));
    q.resolve(q.req.afterAgent ? { result: 'ivr', node: q.req.afterAgent } : { result: 'ended' });
  }

  #stationEvent(st: StationRt, e: ChannelEvent): void {
    if (e.type === 'idle') st.settling = false;
    // The port clears for a tick or two after the phone goes on hook: an
    // offer made meanwhile (the ACD makes him ready at once when a call
    // waits, or he hung up on an operation) rings once it is idle, not fails
    // and sets him not ready.
    else if (e.type === 'hangup') st.settling = true;
    if (st.claimed) return st.claimed(e);
    if (e.type === 'ring' && st.port.state === 'ringing' && !st.offer && !st.callId) {
      // The handset lifted while idle: keep the line open (headset mode), silent until an offer.
      st.headset = true;
      void st.port.answer().catch(() => undefined);
      return;
    }
    if (e.type !== 'hangup') return;
    if (st.callId) {
      const q = this.#calls.get(st.callId);
      st.callId = null;
      if (q && q.agent) this.#agentGone(q);
    } else if (st.offer?.headset) {
      // On hook during a zip-tone offer: he cannot answer it any more.
      const callId = st.offer.callId;
      st.offer = null;
      this.#unrung(callId);
      this.#safe(() => this.acd.offerFailed(callId, st.agentId, 'station on hook'));
    }
    st.headset = false;
    // An FXS port whose phone went on hook returns to idle by itself; clear ours if not.
    if (st.port.state !== 'idle' && st.port.state !== 'dialing') void st.port.hangup().catch(() => undefined);
  }

  // ------------------------------------------------------------ the seat's call control

  /** 来话应答: answers the call offered to a headset agent (an on-hook agent lifts his handset instead). */
  answer(agentId: string): { callId: string } {
    const st = this.#station(agentId);
    if (!st.offer) throw new CallError('CALL_NO_OFFER', `agent '${agentId}' has no call offered`, { agentId });
    if (!st.offer.headset || st.port.state !== 'connected') throw new CallError('CALL_STATION_ON_HOOK', `agent '${agentId}': lift the handset of ${st.port.name}, which is ringing`, { agentId });
    const callId = st.offer.callId;
    st.port.stop();
    this.#answered(st);
    if (st.callId !== callId) throw new CallError('CALL_NO_OFFER', `call ${callId} was taken or left before the answer`, { agentId, callId });
    return { callId };
  }

  /** 呼叫终止: the agent ends the conversation; a headset station stays off hook, silent. */
  hangup(agentId: string): { callId: string } {
    const q = this.#connected(agentId);
    const st = this.#station(agentId);
    st.callId = null;
    this.#agentGone(q);
    return { callId: q.call.id };
  }

  /** The caller hears music on hold, the agent silence. */
  hold(agentId: string): { callId: string } {
    const q = this.#connected(agentId);
    this.acd.hold(q.call.id);
    q.state = 'held';
    q.heldAt = q.call.at();
    unbridge(q.call.caller);
    q.call.setPhase('held');
    void this.#music(q);
    this.events$.next({ type: 'held', agentId, callId: q.call.id });
    return { callId: q.call.id };
  }

  retrieve(agentId: string): { callId: string } {
    const q = this.#connected(agentId);
    this.acd.retrieve(q.call.id);
    q.holdMs += q.call.at() - q.heldAt;
    q.state = 'talking';
    q.call.caller.stopMedia();
    bridge(q.call.caller, q.agent!);
    q.call.setPhase('talking');
    this.events$.next({ type: 'retrieved', agentId, callId: q.call.id });
    return { callId: q.call.id };
  }

  /** The agent's configured wrap-up goes into the call record until his measured one replaces it (src/calls/core.ts). */
  #configuredWrapUp(q: Queued, agentId: string): void {
    const wrap = this.acdConfig.agents.find((a) => a.id === agentId)?.wrapUpMs ?? this.acdConfig.queues.find((x) => x.id === q.req.queue)?.wrapUpMs;
    if (wrap !== undefined) q.call.queued({ wrapUpMs: wrap });
  }

  #station(agentId: string): StationRt {
    const st = this.#stations.get(agentId);
    if (!st) throw new CallError('CALL_NO_STATION', `agent '${agentId}' has no station port`, { agentId });
    return st;
  }

  #connected(agentId: string): Queued {
    const st = this.#station(agentId);
    const q = st.callId ? this.#calls.get(st.callId) : undefined;
    if (!q || !q.agent) throw new CallError('CALL_NOT_CONNECTED', `agent '${agentId}' has no call in conversation`, { agentId });
    return q;
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      this.#o.logger.warn({ err: e }, `switchboard: ${e.code}: ${e.message}`);
    }
  }
}
