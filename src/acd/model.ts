// The ACD's runtime model: agents, queue memberships, queues and calls as the
// core (acd.ts) keeps them; building it from the configuration (every field
// checked, ACD_CONFIG_INVALID naming the queue or agent); and the invariants
// the core must keep, stated once so tests can check them after every step.
import type { Timer } from './clock.ts';
import { acdError } from './errors.ts';
import { STRATEGIES, type AcdConfig, type AgentState, type QueueConfig } from './types.ts';

export interface AgentRt {
  id: string;
  skills: Map<string, number>;
  wrapUpMs: number | undefined;
  state: AgentState;
  since: number;
  reason: string | undefined;
  /** The not-ready reason at logout, restored at the next login. */
  keptReason: string | undefined;
  /** Not ready asked for while busy: applied when the call and wrap-up end. */
  pendingNotReady: string | undefined;
  /** Logged out by a supervisor during a call: applied when the call and wrap-up end. */
  pendingLogout: boolean;
  misses: number;
  calls: number;
  talkMs: number;
  idleSince: number;
  call: CallRt | null;
  offerAt: number;
  ringTimer: Timer | null;
  wrap: { queue: string; callId: string; start: number; timer: Timer | null } | null;
  connected: boolean;
  graceTimer: Timer | null;
  members: Member[];
}

export interface Member {
  queue: QueueRt;
  agent: AgentRt;
  index: number;
  penalty: number;
  weight: number;
  calls: number;
  eligible: boolean;
}

export interface QueueRt {
  id: string;
  cfg: QueueConfig;
  weight: number;
  members: Member[];
  /** Waiting and offered calls, by (priority desc, seq asc): index + 1 is the position. */
  waiting: CallRt[];
  rrLast: number;
  handleSum: number;
  handleN: number;
  rejoin: Map<string, { seq: number; priority: number; until: number }>;
}

export interface CallRt {
  id: string;
  queue: QueueRt;
  priority: number;
  seq: number;
  callerNumber: string | undefined;
  enteredAt: number;
  state: 'waiting' | 'offering' | 'connected';
  offers: AgentRt[];
  agent: AgentRt | null;
  /** Transferred to an agent: no new queue entry, so its next answer is not a queue answer. */
  direct: boolean;
  talkStart: number;
  holdStart: number;
  holdMs: number;
  timers: Timer[];
  progressive: Timer | null;
}

/** Agents (all logged out) and queues from the configuration. */
export function buildModel(config: AcdConfig, now: number): { agents: Map<string, AgentRt>; queues: Map<string, QueueRt> } {
  const agents = new Map<string, AgentRt>();
  const queues = new Map<string, QueueRt>();
  if (!Array.isArray(config?.agents) || !Array.isArray(config.queues)) throw acdError('ACD_CONFIG_INVALID', 'the configuration lists agents and queues');
  for (const a of config.agents) {
    if (typeof a?.id !== 'string' || a.id === '') throw acdError('ACD_CONFIG_INVALID', 'an agent has no id');
    if (agents.has(a.id)) throw acdError('ACD_CONFIG_INVALID', `agent '${a.id}' is listed twice`);
    const skills = new Map<string, number>();
    for (const [k, v] of Object.entries(a.skills ?? {})) {
      if (!Number.isFinite(v) || v < 1 || v > 100) throw acdError('ACD_CONFIG_INVALID', `agent '${a.id}' skill '${k}' level ${v} is not 1–100`);
      skills.set(k, v);
    }
    agents.set(a.id, {
      id: a.id, skills, wrapUpMs: a.wrapUpMs, state: 'loggedOut', since: now, reason: undefined, keptReason: undefined,
      pendingNotReady: undefined, pendingLogout: false, misses: 0, calls: 0, talkMs: 0, idleSince: now, call: null, offerAt: 0, ringTimer: null,
      wrap: null, connected: true, graceTimer: null, members: [],
    });
  }
  for (const q of config.queues) addQueue(agents, queues, q);
  return { agents, queues };
}

function addQueue(agents: Map<string, AgentRt>, queues: Map<string, QueueRt>, cfg: QueueConfig): void {
  const bad = (why: string) => acdError('ACD_CONFIG_INVALID', `queue '${cfg?.id}': ${why}`);
  if (typeof cfg?.id !== 'string' || cfg.id === '') throw acdError('ACD_CONFIG_INVALID', 'a queue has no id');
  if (queues.has(cfg.id)) throw bad('listed twice');
  if (!STRATEGIES.includes(cfg.strategy)) throw bad(`strategy '${cfg.strategy}' is not one of ${STRATEGIES.join(', ')}`);
  for (const k of ['ringTimeoutMs', 'wrapUpMs', 'maxWaitMs', 'progressiveIntervalMs', 'rejoinKeepsPlaceMs'] as const) {
    const v = cfg[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw bad(`${k} must be a number of ms ≥ 0`);
  }
  if (cfg.callbackKey !== undefined && !(typeof cfg.callbackKey === 'string' && /^[0-9*#]$/.test(cfg.callbackKey))) throw bad(`callbackKey '${String(cfg.callbackKey)}' must be one telephone key: 0-9, * or #`);
  const q: QueueRt = { id: cfg.id, cfg, weight: cfg.weight ?? 0, members: [], waiting: [], rrLast: -1, handleSum: 0, handleN: 0, rejoin: new Map() };
  const required = Object.entries(cfg.requiredSkills ?? {});
  cfg.members.forEach((m, index) => {
    const agent = agents.get(m.agent);
    if (!agent) throw bad(`member '${m.agent}' is not in the agent roster`);
    if (agent.members.some((x) => x.queue === q)) throw bad(`member '${m.agent}' is listed twice`);
    const eligible = required.every(([skill, min]) => (agent.skills.get(skill) ?? 0) >= min);
    const mem: Member = { queue: q, agent, index, penalty: m.penalty ?? 0, weight: m.weight ?? 1, calls: 0, eligible };
    if (!(mem.weight > 0)) throw bad(`member '${m.agent}' weight must be > 0`);
    q.members.push(mem);
    agent.members.push(mem);
  });
  queues.set(cfg.id, q);
}

/** Broken invariants, as sentences (empty when all hold). */
export function brokenInvariants(agents: Map<string, AgentRt>, queues: Map<string, QueueRt>, calls: Map<string, CallRt>, readyCount: number): string[] {
  const bad: string[] = [];
  let ready = 0;
  for (const a of agents.values()) {
    if (a.state === 'ready') ready++;
    const busy = a.state === 'reserved' || a.state === 'ringing' || a.state === 'talking' || a.state === 'held';
    if (busy !== (a.call !== null)) bad.push(`agent ${a.id} is ${a.state} with${a.call ? '' : 'out'} a call`);
    if (a.call && !calls.has(a.call.id)) bad.push(`agent ${a.id} holds ended call ${a.call.id}`);
    if ((a.state === 'reserved' || a.state === 'ringing') && a.call && !a.call.offers.includes(a)) bad.push(`agent ${a.id} is ${a.state} but not in the offers of ${a.call.id}`);
    if ((a.state === 'talking' || a.state === 'held') && a.call?.agent !== a) bad.push(`agent ${a.id} is ${a.state} but not the agent of ${a.call?.id}`);
    if ((a.state === 'workingAfterCall') !== (a.wrap !== null)) bad.push(`agent ${a.id} is ${a.state} with${a.wrap ? '' : 'out'} a wrap-up`);
  }
  if (ready !== readyCount) bad.push(`ready count ${readyCount} but ${ready} agents are ready`);
  for (const c of calls.values()) {
    const inQueue = c.queue.waiting.includes(c);
    if ((c.state === 'connected') === inQueue) bad.push(`call ${c.id} is ${c.state} and ${inQueue ? '' : 'not '}in its queue`);
    if (c.state === 'offering' && c.offers.length === 0) bad.push(`call ${c.id} is offering to nobody`);
    if (c.state === 'waiting' && c.offers.length) bad.push(`call ${c.id} is waiting with offers`);
    for (const a of c.offers) if (a.call !== c) bad.push(`call ${c.id} offers to ${a.id} who holds ${a.call?.id}`);
  }
  for (const q of queues.values()) for (const c of q.waiting) if (calls.get(c.id) !== c) bad.push(`queue ${q.id} holds ended call ${c.id}`);
  return bad;
}
