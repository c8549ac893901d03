// The decision core against theory: a shorter M/M/c run than the bench's
// (300 simulated hours, ~150,000 calls) must agree with Erlang C within the
// error its own sample allows: the 99.9 % batch-means interval (Student t,
// 9 df). The run is seeded, so it is the same every time; the interval is
// also required to be narrow (relative standard error < 6 %), so the check
// cannot pass by being vague. An ACD that hoarded agents (left one reserved
// or in a call) or lost calls would wait far longer than Erlang C allows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erlangB, erlangC, studentT } from '../../src/acd/erlang.ts';
import { simulateErlangC } from '../../src/acd/simulate.ts';
import { refused } from './_harness.ts';

test('Erlang B and C against hand-computed values, stable at a thousand agents', () => {
  // M/M/1: C = ρ; M/M/2 at A = 1: C = 1/3; B(2, 1) = 0.2.
  assert.ok(Math.abs(erlangC(1, 0.5, 1).pWait - 0.5) < 1e-12);
  assert.ok(Math.abs(erlangC(2, 1, 1).pWait - 1 / 3) < 1e-12);
  assert.ok(Math.abs(erlangB(2, 1) - 0.2) < 1e-12);
  const e = erlangC(2, 1, 100);
  assert.ok(Math.abs(e.asa - 100 / 3) < 1e-9, 'ASA = C·h/(c − A)');
  assert.ok(Math.abs(e.serviceLevel(10) - (1 - Math.exp(-0.1) / 3)) < 1e-12);
  const big = erlangC(1000, 950, 180);
  assert.ok(big.pWait > 0 && big.pWait < 1 && Number.isFinite(big.asa), `${big.pWait}`);
  assert.ok(Math.abs(studentT(0.975, 19) - 2.093) < 0.002);
  refused(() => erlangC(30, 30, 180), 'ACD_CONFIG_INVALID');
});

test('30 agents at 85 % occupancy: P(wait), ASA and service level agree with Erlang C within the sample\'s 99.9 % interval; nothing lost', () => {
  const r = simulateErlangC({ agents: 30, handleMs: 180_000, occupancy: 0.85, hours: 300, warmupHours: 10, batches: 10, serviceLevelMs: 20_000, seed: 4242 });
  assert.is(r.lost, 0);
  assert.ok(r.entered > 140_000, `${r.entered} calls`);
  const t999 = studentT(0.9995, 9);
  const check = (name: string, e: { mean: number; se: number }, theory: number) => {
    assert.ok(e.se / theory < 0.06, `${name}: standard error ${e.se} is too wide to test anything`);
    assert.ok(Math.abs(e.mean - theory) <= t999 * e.se, `${name}: measured ${e.mean} ± ${t999 * e.se} (99.9 %) vs Erlang C ${theory}`);
  };
  check('P(wait)', r.pWait, r.theory.pWait);
  check('ASA', r.asaMs, r.theory.asaMs);
  check('SL', r.serviceLevel, r.theory.serviceLevel);
  check('occupancy', r.occupancy, r.theory.occupancy);
});

test.run();
