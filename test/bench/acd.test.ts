// `hotline bench acd` end to end, short: the decision core, a quarter of a
// simulated hour of the Erlang C load through the whole system (sim board,
// stations, audio, call core, queue log) and a few real-time offers. Checks
// the fields the issue names exist, nothing is lost, no agent is hoarded
// (set not ready by a failed offer), and the whole system agrees with the
// decision core within the interval of a measurement that short, and nearly
// coincides with the decision core run on the very same calls. Timing
// figures are only checked to be there (speed is the benchmark's business).
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

test('bench acd --json: whole-system run agrees with the decision core, nothing lost, offer latency measured', () => {
  const args = ['bench', 'acd', '--json', '--agents', '8', '--hours', '40', '--warmup', '2', '--batches', '10', '--seats', '0', '--system-hours', '0.25', '--system-warmup', '3m', '--replications', '60', '--offer-samples', '6'];
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  assert.is(r.status, 0, `exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout);
  for (const k of ['erlang_c_pwait_error_pct', 'erlang_c_asa_error_pct', 'erlang_c_sl_error_pct', 'offer_latency_p99_ms', 'acd_calls_per_s', 'lost_calls', 'system']) assert.ok(k in out, `field ${k}`);
  assert.is(out.lost_calls, 0);
  assert.type(out.offer_latency_p99_ms, 'number');
  assert.is(out.offer.offer_samples, 6);
  const s = out.system;
  assert.ok(s.calls > 30, `${s.calls} calls through the whole system`);
  assert.is(s.lost_calls, 0);
  assert.is(s.agents_set_not_ready, 0, 'no agent set not ready by a failed offer');
  for (const f of ['pwait', 'asa_s', 'sl']) {
    const x = s[f];
    assert.ok(x.ci95[0] <= x.measured && x.measured <= x.ci95[1], `${f}: interval ${x.ci95} around ${x.measured}`);
    assert.ok(x.agrees, `${f}: system ${x.measured} ${x.ci95} vs decision core ${x.decision_core}`);
  }
  assert.ok(s.agrees);
  // The decision core on the very same calls (arrival gaps, handle times): the system adds only the IVR, ring ticks and port settling.
  assert.ok(Math.abs(s.pwait.measured - s.pwait.paired_core) < 0.05, `P(wait) ${s.pwait.measured} vs its paired core ${s.pwait.paired_core}`);
  assert.ok(Math.abs(s.sl.measured - s.sl.paired_core) < 0.05, `SL ${s.sl.measured} vs its paired core ${s.sl.paired_core}`);
  assert.ok(Math.abs(s.asa_s.measured - s.asa_s.paired_core) < 2, `ASA ${s.asa_s.measured} s vs its paired core ${s.asa_s.paired_core} s`);
  assert.ok(Math.abs(s.occupancy - s.paired_core_occupancy) < 0.02, `occupancy ${s.occupancy} vs its paired core ${s.paired_core_occupancy}`);
  assert.ok(s.mean_ring_ms > 0 && s.mean_ring_ms < 200, `ring ${s.mean_ring_ms} ms: the agents lift as it rings`);
});

test.run();
