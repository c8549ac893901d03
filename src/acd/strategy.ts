// Who gets the offer: the strategies of Asterisk app_queue and FreeSWITCH
// mod_callcenter over the candidates the core hands in (ready, skilled,
// within the penalty the call's wait allows, lowest penalty group only),
// listed in member order. Deterministic given the RNG's seed.
import type { Rng } from './rng.ts';
import type { Strategy } from './types.ts';

/** What a strategy sees of a member: its place in the queue's list and the agent's counters. */
export interface Candidate {
  /** Position in the queue's member list (0 = top). */
  index: number;
  weight: number;
  /** Calls this member answered from this queue. */
  calls: number;
  agent: { idleSince: number; talkMs: number };
}

/**
 * The members to offer to now, in order. ring-all offers to every one;
 * ring-progressively starts with the first (the core adds one more per
 * interval); the others pick one. `rrLast` is the index of the member the
 * queue last offered to (round-robin's memory), −1 at first.
 */
export function choose<C extends Candidate>(strategy: Strategy, cands: readonly C[], rrLast: number, rng: Rng): C[] {
  if (cands.length === 0) return [];
  switch (strategy) {
    case 'ring-all':
      return cands.slice();
    case 'linear':
    case 'top-down':
    case 'ring-progressively':
      return [cands[0]];
    case 'round-robin': {
      // The first candidate after the last one offered, wrapping to the top.
      for (const c of cands) if (c.index > rrLast) return [c];
      return [cands[0]];
    }
    case 'longest-idle':
      return [best(cands, (a, b) => a.agent.idleSince < b.agent.idleSince)];
    case 'fewest-calls':
      return [best(cands, (a, b) => a.calls < b.calls)];
    case 'least-talk-time':
      return [best(cands, (a, b) => a.agent.talkMs < b.agent.talkMs)];
    case 'random':
      return [cands[Math.min(cands.length - 1, Math.floor(rng.next() * cands.length))]];
    case 'weighted-random': {
      let total = 0;
      for (const c of cands) total += c.weight;
      let x = rng.next() * total;
      for (const c of cands) {
        x -= c.weight;
        if (x < 0) return [c];
      }
      return [cands[cands.length - 1]];
    }
  }
}

/** The first candidate no other beats (ties go to the higher place in the list). */
function best<C>(cands: readonly C[], better: (a: C, b: C) => boolean): C {
  let b = cands[0];
  for (let i = 1; i < cands.length; i++) if (better(cands[i], b)) b = cands[i];
  return b;
}
