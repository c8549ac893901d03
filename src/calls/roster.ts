// The ACD roster the engine runs with: from the case store's agents unless a
// configuration is given. Every agent and supervisor takes calls (a
// supervisor may answer queue calls himself); administrators do not.
import type { AcdConfig } from '../acd/types.ts';
import type { Agent } from '../cases/types.ts';

/** The queue the 12315 flow's transfer node names (src/ivr/flows/12315.yaml: `queue: agents`). */
export const DEFAULT_QUEUE = 'agents';

/**
 * One queue, `agents`, longest-idle, every agent and supervisor a member, in
 * id order. Nobody logged in or ready: the caller is refused (the transfer
 * node's busy prompt and its overflow, the director's mailbox), as before
 * there were agents. Waiting: his position and estimated wait after 3 s and
 * every minute, a "please hold" every 45 s, at most 3 minutes, then the mailbox.
 */
export function rosterConfig(agents: Agent[]): AcdConfig {
  const takers = agents.filter((a) => a.role === 'agent' || a.role === 'supervisor').sort((a, b) => a.id.localeCompare(b.id));
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
      },
    ],
  };
}
