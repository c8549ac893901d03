// `hotline bench recording` runs end to end and reports the fields issue 11
// asks for (a small real-time run; the figures themselves are the bench's,
// re-measured on an idle machine, never asserted here).
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;

test('bench recording --json: every field, the index loaded, segments indexed live', () => {
  const r = spawnSync(process.execPath, [BIN, 'bench', 'recording', '--json', '--channels', '30', '--per-call', '10', '--seconds', '1.5', '--segment-seconds', '1', '--index-segments', '2000'], { encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `bench failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  for (const k of ['channels', 'per_call_recordings', 'seconds', 'overruns', 'dropped_samples', 'mb_per_s', 'index_search_p99_ms', 'indexed_segments']) assert.type(o[k], 'number', `${k} in ${r.stdout}`);
  assert.is(o.channels, 30);
  assert.is(o.per_call_recordings, 10);
  assert.is(o.indexed_segments, 2000);
  assert.is(o.write_failures, 0);
  assert.ok(o.segments_indexed_live >= 30, `${o.segments_indexed_live} segments indexed while recording`);
  assert.ok(o.mb_per_s > 0, 'something was written');
  // 1.5 s of recording: at least one periodic sync (every 500 ms), its cost and the durable point's lag measured.
  assert.ok(o.syncs >= 1, `${o.syncs} syncs`);
  for (const k of ['sync_p50_ms', 'sync_p99_ms', 'sync_lag_p99_ms', 'sync_lag_max_ms']) assert.ok(o[k] > 0, `${k} in ${r.stdout}`);
});

test.run();
