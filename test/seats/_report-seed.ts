// Figures for the report tests (seat socket and browser): cases registered
// on chosen days by two agents, and queue calls in the real LMDB queue log.
import type { AgentState, QueueEvent } from '../../src/acd/types.ts';
import type { CaseKind, CreateCaseInput } from '../../src/cases/types.ts';
import { complaint } from '../cases/helpers.ts';
import type { Rig } from './_harness.ts';

/** Beijing wall time → UTC ms. */
export const bj = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h - 8, mi);
/** The case store's clock: rigs made with `caseNow: () => caseClock.now`. */
export const caseClock = { now: bj(2025, 3, 1, 9) };

function input(kind: CaseKind, agentId: string, categoryId: string): CreateCaseInput {
  if (kind === 'complaint') return complaint({ agentId, categoryId });
  return { kind: 'consultation', channel: 'hotline', agentId, categoryId, facts: '咨询退货规定', answer: '七日无理由退货' };
}

const state = (at: number, agentId: string, from: AgentState, to: AgentState): QueueEvent => ({ type: 'agent-state', at, agentId, from, to });
function answered(callId: string, agentId: string, enter: number, waitS: number, talkS: number): QueueEvent[] {
  const c = enter + waitS * 1000;
  const e = c + talkS * 1000;
  return [
    { type: 'enter', at: enter, queue: 'agents', callId, priority: 0, position: 1 },
    state(c, agentId, 'ready', 'talking'),
    { type: 'connect', at: c, queue: 'agents', callId, agentId, waitMs: waitS * 1000, ringMs: 0 },
    { type: 'complete', at: e, queue: 'agents', callId, agentId, talkMs: talkS * 1000, holdMs: 0, by: 'caller' },
    state(e, agentId, 'talking', 'ready'),
  ];
}

/**
 * Cases by 1001 and 1002 in March 2025 and March/April 2026 and queue calls
 * on those days, into a rig made with `caseNow: () => caseClock.now`;
 * returns what each agent registered per month (`agent|YYYY-MM` → cases), counted here.
 */
export async function seedFigures(r: Rig): Promise<Map<string, number>> {
  const mine = new Map<string, number>(); // `${agent}|${YYYY-MM}` → cases
  const days: [number, number, number][] = [[2025, 3, 4], [2025, 3, 20], [2026, 3, 4], [2026, 3, 5], [2026, 3, 28], [2026, 4, 2]];
  let i = 0;
  for (const [y, m, d] of days) {
    for (let k = 0; k < 3; k++, i++) {
      caseClock.now = bj(y, m, d, 9 + k);
      const agent = i % 3 === 0 ? '1002' : '1001';
      await r.store.createCase(input(i % 2 ? 'consultation' : 'complaint', agent, i % 2 ? 'goods.food' : 'services.catering'));
      const key = `${agent}|${y}-${String(m).padStart(2, '0')}`;
      mine.set(key, (mine.get(key) ?? 0) + 1);
    }
  }
  const evs: QueueEvent[] = [
    state(bj(2025, 3, 4, 8), '1001', 'loggedOut', 'ready'),
    ...answered('ly1', '1001', bj(2025, 3, 4, 10), 5, 60),
    state(bj(2025, 3, 4, 12), '1001', 'ready', 'loggedOut'),
    state(bj(2026, 3, 4, 8), '1001', 'loggedOut', 'ready'),
    state(bj(2026, 3, 4, 8), '1002', 'loggedOut', 'ready'),
    ...answered('c1', '1001', bj(2026, 3, 4, 10), 10, 180),
    ...answered('c2', '1002', bj(2026, 3, 4, 11), 30, 120),
    { type: 'enter', at: bj(2026, 3, 5, 10), queue: 'agents', callId: 'c3', priority: 0, position: 1 },
    { type: 'abandon', at: bj(2026, 3, 5, 10, 1), queue: 'agents', callId: 'c3', waitMs: 60_000, position: 1 },
    state(bj(2026, 3, 5, 12), '1001', 'ready', 'loggedOut'),
    state(bj(2026, 3, 5, 12), '1002', 'ready', 'loggedOut'),
  ];
  for (const ev of evs) await r.log.append(ev);
  return mine;
}

