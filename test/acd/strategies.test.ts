// Who gets the offer, per strategy; skills, penalties that widen with the
// wait, caller priority, queue weight. Every pick is deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AcdConfig, Strategy } from '../../src/acd/types.ts';
import { harness, simple, type Harness } from './_harness.ts';

function ready(h: Harness, ...ids: string[]): void {
  for (const id of ids) h.acd.login(id, { ready: true });
}

/** Offers one call after another, answering and ending each at once; returns who took each. */
function takers(h: Harness, n: number, talkMs = 1000): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `t${h.decisions.length}-${i}`;
    h.acd.enter(id, 'q');
    const s = h.acd.agentIds().find((a) => h.acd.agent(a).callId === id)!;
    out.push(s);
    h.acd.answered(id, s);
    h.advance(talkMs);
    h.acd.agentHangup(id);
    h.advance(1000);
  }
  return out;
}

const withStrategy = (strategy: Strategy, n = 3): AcdConfig => simple(n, { strategy });

test('linear and top-down: always from the top of the member list', () => {
  for (const s of ['linear', 'top-down'] as const) {
    const h = harness(withStrategy(s));
    ready(h, 'a3', 'a2', 'a1');
    assert.equal(takers(h, 3), ['a1', 'a1', 'a1']);
    h.acd.setNotReady('a1', 'meal');
    assert.equal(takers(h, 2), ['a2', 'a2']);
  }
});

test('round-robin with memory: resumes after the last agent offered, wrapping', () => {
  const h = harness(withStrategy('round-robin'));
  ready(h, 'a1', 'a2', 'a3');
  assert.equal(takers(h, 5), ['a1', 'a2', 'a3', 'a1', 'a2']);
  h.acd.setNotReady('a3', 'meal');
  assert.equal(takers(h, 2), ['a1', 'a2']);
});

test('longest-idle: the agent ready the longest', () => {
  const h = harness(withStrategy('longest-idle'));
  ready(h, 'a3');
  h.advance(5000);
  ready(h, 'a1');
  h.advance(5000);
  ready(h, 'a2');
  assert.equal(takers(h, 3), ['a3', 'a1', 'a2']);
});

test('fewest-calls and least-talk-time', () => {
  const h = harness(withStrategy('fewest-calls'));
  ready(h, 'a1');
  takers(h, 2);
  ready(h, 'a2');
  takers(h, 1); // a2 has fewer (0) than a1 (2)
  ready(h, 'a3');
  // a1 2 calls, a2 1, a3 0: a3; then a2 and a3 tie at 1 (the higher in the list wins), then a3.
  assert.equal(takers(h, 3), ['a3', 'a2', 'a3']);
  const t = harness(withStrategy('least-talk-time'));
  ready(t, 'a1');
  takers(t, 1, 60_000);
  ready(t, 'a2');
  takers(t, 1, 10_000); // a2 takes it: 0 talk time against a1's 60 s
  ready(t, 'a3');
  assert.equal(takers(t, 3, 20_000), ['a3', 'a2', 'a3']);
});

test('random is seeded and spreads evenly; weighted random follows the weights', () => {
  const picks = (seed: number) => {
    const h = harness({ ...withStrategy('random'), seed });
    ready(h, 'a1', 'a2', 'a3');
    return takers(h, 600, 1);
  };
  const p = picks(1);
  assert.equal(p, picks(1), 'same seed, same picks');
  assert.not.equal(p, picks(2));
  // 600 draws of 1/3: sd ≈ 11.5; 5 sd either side of 200.
  for (const a of ['a1', 'a2', 'a3']) {
    const n = p.filter((x) => x === a).length;
    assert.ok(n > 142 && n < 258, `${a} ${n}`);
  }
  const cfg = simple(2, { strategy: 'weighted-random' });
  cfg.queues[0].members[1].weight = 3;
  const h = harness(cfg);
  ready(h, 'a1', 'a2');
  const w = takers(h, 800, 1);
  const a2 = w.filter((x) => x === 'a2').length;
  // Expected 600, sd ≈ 12.2.
  assert.ok(a2 > 539 && a2 < 661, `a2 ${a2} of 800`);
});

test('ring-all: every ready agent rings; the first to answer takes it, the others are ready again with no miss', () => {
  const h = harness(withStrategy('ring-all'));
  ready(h, 'a1', 'a2', 'a3');
  h.acd.enter('c1', 'q');
  assert.equal(h.offers(), ['c1>a1', 'c1>a2', 'c1>a3']);
  h.acd.answered('c1', 'a2');
  assert.equal(['a1', 'a2', 'a3'].map((a) => h.acd.agent(a).state), ['ready', 'talking', 'ready']);
  assert.equal(h.decisions.filter((d) => d.type === 'cancel-offer').map((d) => [d.agentId, d.reason]), [['a1', 'answered-elsewhere'], ['a3', 'answered-elsewhere']]);
  assert.is(h.acd.agent('a1').misses, 0);
  h.ok();
});

test('ring-progressively: one more agent rings every interval, the earlier ones keep ringing', () => {
  const h = harness(simple(3, { strategy: 'ring-progressively', progressiveIntervalMs: 4000, ringTimeoutMs: 30_000 }));
  ready(h, 'a1', 'a2', 'a3');
  h.acd.enter('c1', 'q');
  assert.equal(h.offers(), ['c1>a1']);
  h.advance(4000);
  assert.equal(h.offers(), ['c1>a1', 'c1>a2']);
  h.advance(4000);
  assert.equal(h.offers(), ['c1>a1', 'c1>a2', 'c1>a3']);
  h.acd.answered('c1', 'a1');
  assert.equal(['a1', 'a2', 'a3'].map((a) => h.acd.agent(a).state), ['talking', 'ready', 'ready']);
  h.advance(30_000);
  h.ok();
});

test('skills: an agent below a required level is never offered the queue\'s calls', () => {
  const cfg: AcdConfig = {
    agents: [{ id: 'zh', skills: { complaint: 9 } }, { id: 'en', skills: { complaint: 5, english: 7 } }],
    queues: [{ id: 'q', strategy: 'linear', members: [{ agent: 'zh' }, { agent: 'en' }], requiredSkills: { english: 5 } }],
  };
  const h = harness(cfg);
  ready(h, 'zh');
  h.acd.enter('c1', 'q');
  h.advance(60_000);
  assert.equal(h.offers(), []);
  ready(h, 'en');
  assert.equal(h.offers(), ['c1>en']);
});

test('penalties: the lowest penalty first; higher penalties join as the wait widens them', () => {
  const cfg = simple(3, { strategy: 'linear', startPenalty: 0, penaltySteps: [{ afterMs: 30_000, maxPenalty: 1 }, { afterMs: 60_000, maxPenalty: 5 }] });
  cfg.queues[0].members[0].penalty = 5;
  cfg.queues[0].members[1].penalty = 1;
  const h = harness(cfg);
  ready(h, 'a1', 'a2', 'a3');
  assert.equal(takers(h, 1), ['a3'], 'penalty 0 first, though a1 is listed first');
  h.acd.setNotReady('a3', 'meal');
  h.acd.enter('c1', 'q');
  h.advance(29_999);
  assert.equal(h.offers().filter((o) => o.startsWith('c1')), []);
  h.advance(1);
  assert.equal(h.offers().filter((o) => o.startsWith('c1')), ['c1>a2']);
  // Without steps every penalty may take a call, the lowest group first.
  const open = simple(2);
  open.queues[0].members[0].penalty = 2;
  const o = harness(open);
  ready(o, 'a1');
  o.acd.enter('c1', 'q');
  assert.equal(o.offers(), ['c1>a1']);
});

test('caller priority goes ahead of earlier callers; queue weight decides between queues', () => {
  const h = harness(simple(1));
  h.acd.login('a1');
  h.acd.enter('c1', 'q');
  h.acd.enter('c2', 'q');
  h.acd.enter('urgent', 'q', { priority: 5 });
  assert.equal(['c1', 'c2', 'urgent'].map((c) => h.acd.position(c)), [2, 3, 1]);
  h.acd.setReady('a1');
  assert.equal(h.offers(), ['urgent>a1']);
  const cfg: AcdConfig = {
    agents: [{ id: 'a1' }],
    queues: [
      { id: 'consult', strategy: 'linear', members: [{ agent: 'a1' }] },
      { id: 'report', strategy: 'linear', members: [{ agent: 'a1' }], weight: 10 },
    ],
  };
  const w = harness(cfg);
  w.acd.login('a1');
  w.acd.enter('c1', 'consult');
  w.advance(60_000);
  w.acd.enter('r1', 'report');
  w.acd.setReady('a1');
  assert.equal(w.offers(), ['r1>a1']);
});

test.run();
