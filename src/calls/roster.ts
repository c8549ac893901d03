// The ACD roster the engine runs with: from the case store's agents unless a
// configuration is given. Every agent and supervisor takes calls (a
// supervisor may answer queue calls himself); administrators do not.
import type { AcdConfig } from '../acd/types.ts';
import type { Channel } from '../board/types.ts';
import type { Agent } from '../cases/types.ts';
import { CallError } from './errors.ts';

/** The queue the 12315 flow's transfer node names (src/ivr/flows/12315.yaml: `queue: agents`). */
export const DEFAULT_QUEUE = 'agents';

/**
 * One queue, `agents`, longest-idle, every agent and supervisor a member, in
 * id order. Nobody logged in or ready: the caller is refused (the transfer
 * node's busy prompt and its overflow, the director's mailbox), as before
 * there were agents. Waiting: his position and estimated wait after 3 s and
 * every minute, a "please hold" every 45 s with "press 1 and we will call you
 back" (callback request), at most 3 minutes, then the mailbox. A caller who
 hangs up and calls again within 2 minutes gets his place back.
 */
export function rosterConfig(agents: Agent[]): AcdConfig {
  const takers = agents.filter((a) => (a.role === 'agent' || a.role === 'supervisor') && a.active !== false).sort((a, b) => a.id.localeCompare(b.id));
  return {
    agents: takers.map((a) => ({ id: a.id })),
    queues: [
      {
        id: DEFAULT_QUEUE,
        strategy: 'longest-idle',
        members: takers.map((a) => ({ agent: a.id })),
        whenEmpty: { noneLoggedIn: 'refuse', noneReady: 'refuse' },
        announce: { positionFirstMs: 3000, positionEveryMs: 60_000, periodicEveryMs: 45_000 },
        maxWaitMs: 180_000,
        overflow: { kind: 'mailbox' },
        callbackKey: '1',
        rejoinKeepsPlaceMs: 120_000,
      },
    ],
  };
}

/** Id of the i-th demo agent (0-based): 8001, 8002 … (digits, so 自动报工号 reads them). */
export const demoAgentId = (i: number): string => String(8001 + i);

/**
 * Adds `n` demo agents (8001…) on the first `n` station ports, members of
 * every queue ahead of the others, with a 3 s wrap-up so the demo shows it.
 * Refused when the board has fewer station ports (CALL_NO_STATION).
 */
export function withDemoAgents(config: AcdConfig, n: number, ports: readonly Channel[]): AcdConfig {
  if (n <= 0) return config;
  if (n > ports.length) throw new CallError('CALL_NO_STATION', `${n} demo agents need ${n} station ports; the board has ${ports.length}`, { wanted: n, ports: ports.length });
  const demo = Array.from({ length: n }, (_, i) => ({ id: demoAgentId(i), station: `${ports[i].span.index}:${ports[i].timeslot}`, wrapUpMs: 3000 }));
  const taken = new Set(demo.map((a) => a.station));
  // Agents of the store keep their own stations, but not one a demo agent sits at.
  const others = config.agents.filter((a) => !demo.some((d) => d.id === a.id)).map((a) => (a.station && taken.has(a.station) ? { ...a, station: undefined } : a));
  return {
    ...config,
    agents: [...demo, ...others],
    queues: config.queues.map((q) => ({ ...q, members: [...demo.map((d) => ({ agent: d.id })), ...q.members.filter((m) => !demo.some((d) => d.id === m.agent))] })),
  };
}

/**
 * The quick start's people (`hotline start` on a simulated board whose case
 * store has no agent yet): two agents and a supervisor, who take queue calls
 * on the first station ports, and an administrator, all with the password
 * given (printed at start). A store with any agent is never touched.
 */
export const DEMO_ROSTER: ReadonlyArray<{ id: string; name: string; role: 'agent' | 'supervisor' | 'admin' }> = [
  { id: '1001', name: '话务员一', role: 'agent' },
  { id: '1002', name: '话务员二', role: 'agent' },
  { id: '2001', name: '值班班长', role: 'supervisor' },
  { id: '9001', name: '系统管理员', role: 'admin' },
];
