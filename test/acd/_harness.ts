// A virtual-time ACD with its decisions and queue-log events recorded, and the
// core's invariants checked after every step the test takes.
import * as assert from 'uvu/assert';
import { Acd } from '../../src/acd/acd.ts';
import { VirtualClock } from '../../src/acd/clock.ts';
import type { AcdConfig, Decision, QueueConfig, QueueEvent } from '../../src/acd/types.ts';

export interface Harness {
  clock: VirtualClock;
  acd: Acd;
  decisions: Decision[];
  events: QueueEvent[];
  /** Offers made so far, as 'call>agent'. */
  offers(): string[];
  /** Runs virtual time forward by ms, then checks the invariants. */
  advance(ms: number): void;
  ok(): void;
}

export function harness(config: AcdConfig): Harness {
  const clock = new VirtualClock(1_000_000);
  const events: QueueEvent[] = [];
  const acd = new Acd(clock, config, { append: (e) => void events.push(e) });
  const decisions: Decision[] = [];
  acd.onDecision((d) => decisions.push(d));
  const ok = () => assert.equal(acd.check(), []);
  return {
    clock,
    acd,
    decisions,
    events,
    offers: () => decisions.filter((d) => d.type === 'offer').map((d) => `${d.callId}>${(d as { agentId: string }).agentId}`),
    advance(ms) {
      clock.advance(ms);
      ok();
    },
    ok,
  };
}

/** Agents a1…aN, one queue 'q' with them as members in order. */
export function simple(n: number, q: Partial<QueueConfig> = {}, agentExtra: AcdConfig['agents'][number] = { id: '' }): AcdConfig {
  const agents = Array.from({ length: n }, (_, i) => ({ ...agentExtra, id: `a${i + 1}` }));
  return { agents, queues: [{ id: 'q', strategy: 'linear', members: agents.map((a) => ({ agent: a.id })), ...q }] };
}

/** Asserts fn throws an error with this catalog code. */
export function refused(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    assert.is((e as { code?: string }).code, code, String(e));
    return;
  }
  assert.unreachable(`expected ${code}`);
}
