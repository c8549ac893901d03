// Supervision of one agent's call (监听 / whisper / 强插) without touching the
// call's own switching: the supervisors follow the agent's voice path.
//
// - The agent is bridged to someone (the caller, or the party he consults):
//   a conference of its own holds that pair with `keepRoute` (each keeps its
//   route and hears the conference added to it; native/board/mix.cc) plus the
//   supervisors, so the bridge, the call's phase (`talking`) and the per-call
//   recording (caller left, agent right) stay as they are.
// - The agent is alone (the caller held, a consultation still ringing): the
//   conference holds him and the supervisors (they hear him; a whisper or a
//   barge reaches him; the held caller is out of it, with his music).
// - The agent is in the call's N-way conference (电话会议): the supervisors
//   are members of that conference, and this one is closed.
//
// Listen hears every talker and is heard by none; whisper is heard by the
// agent only; barge talks and listens (heard by the agent and his peer).
import type { Board, Channel, Conference, JoinOptions } from '../board/types.ts';
import type { Leg } from './legs.ts';

export type SuperviseMode = 'listen' | 'whisper' | 'barge';

export interface Supervisor {
  id: string;
  leg: Leg;
  mode: SuperviseMode;
}

/** Where the supervised agent's voice goes now (agent-ops.ts works it out). */
export interface AgentPlace {
  agent: Channel;
  /** The call's N-way conference, when the agent is one of its members. */
  conf: Conference | null;
  /** The channel the agent is bridged to (caller, consulted party), if any. */
  peer: Channel | null;
}

export class Supervision {
  readonly sups: Supervisor[] = [];
  readonly #board: Board;
  /** The keep-route conference (the agent not in an N-way conference). */
  #keep: Conference | null = null;
  /** Where the supervisors are members now. */
  #where: Conference | null = null;

  constructor(board: Board) {
    this.#board = board;
  }

  find(id: string): Supervisor | undefined {
    return this.sups.find((s) => s.id === id);
  }

  /** Puts the agent, his peer and the supervisors where `p` says; idempotent (a join of a member again only sets its mode). */
  layout(p: AgentPlace): void {
    if (this.sups.length === 0) return this.close();
    if (p.conf) {
      for (const s of this.sups) p.conf.join(s.leg.channel, joinOptions(s, p.agent));
      this.#where = p.conf;
      this.#closeKeep();
      return;
    }
    const conf = (this.#keep ??= this.#board.createConference());
    const keep = new Set<Channel>([p.agent, ...(p.peer ? [p.peer] : []), ...this.sups.map((s) => s.leg.channel)]);
    for (const m of [...conf.members]) if (!keep.has(m.channel)) conf.leave(m.channel);
    // The agent first: a whisper names him.
    conf.join(p.agent, { keepRoute: true });
    if (p.peer) conf.join(p.peer, { keepRoute: true });
    for (const s of this.sups) conf.join(s.leg.channel, joinOptions(s, p.agent));
    this.#where = conf;
  }

  /** One supervisor leaves (his station is his again); the others stay. */
  remove(s: Supervisor): void {
    const i = this.sups.indexOf(s);
    if (i < 0) return;
    this.sups.splice(i, 1);
    this.#where?.leave(s.leg.channel);
  }

  /** Every supervisor leaves and the keep-route conference closes; the agent's routes stay as they are. */
  close(): void {
    for (const s of this.sups.splice(0)) this.#where?.leave(s.leg.channel);
    this.#where = null;
    this.#closeKeep();
  }

  #closeKeep(): void {
    const conf = this.#keep;
    if (!conf) return;
    this.#keep = null;
    // Members still listed here are in no other conference: they leave (their routes stay).
    conf.close();
  }
}

function joinOptions(s: Supervisor, agent: Channel): JoinOptions {
  if (s.mode === 'whisper') return { mode: 'whisper', whisperTo: agent };
  return { mode: s.mode === 'listen' ? 'listen' : 'speak+listen' };
}
