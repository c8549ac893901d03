// GET /health and GET /metrics (fastify inject), and the listen address rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkListen, isLoopback } from '../../src/seats/server.ts';
import { rig } from './_harness.ts';

/** A strict reader of the Prometheus text format 0.0.4: families with HELP and TYPE before their samples. */
function parseProm(text: string): Map<string, { type: string; samples: { labels: Record<string, string>; value: number }[] }> {
  const fams = new Map<string, { type: string; samples: { labels: Record<string, string>; value: number }[] }>();
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  let help = '';
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^# HELP (\S+) (.+)$/))) help = m[1];
    else if ((m = line.match(/^# TYPE (\S+) (counter|gauge|summary|histogram|untyped)$/))) {
      assert.is(m[1], help, `TYPE ${m[1]} follows its HELP`);
      assert.ok(NAME.test(m[1]) && m[1].startsWith('hotline_'), m[1]);
      if (m[2] === 'counter') assert.ok(m[1].endsWith('_total'), `counter ${m[1]} ends in _total`);
      assert.not.ok(fams.has(m[1]), `${m[1]} once`);
      fams.set(m[1], { type: m[2], samples: [] });
    } else if ((m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/))) {
      const fam = fams.get(m[1]);
      assert.ok(fam, `sample ${m[1]} after its TYPE`);
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) labels[l[1]] = l[2];
      const v = m[3] === 'NaN' ? NaN : Number(m[3]);
      assert.ok(m[3] === 'NaN' || Number.isFinite(v), line);
      fam!.samples.push({ labels, value: v });
    } else assert.unreachable(`not an exposition line: ${line}`);
  }
  return fams;
}

test('/metrics: agents by state, queues, board counters and alarms per span, in Prometheus text', async () => {
  const r = await rig();
  try {
    r.acd.login('1001', { ready: true });
    r.acd.login('1002');
    r.acd.enter('c1', 'agents'); // offered to 1001
    r.acd.enter('c2', 'agents'); // waits
    r.clock.advance(7000);
    await r.board.advance(100);
    await r.server.app.inject({ method: 'GET', url: '/health' });
    const res = await r.server.app.inject({ method: 'GET', url: '/metrics' });
    assert.is(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const f = parseProm(res.body);
    const agents = Object.fromEntries(f.get('hotline_acd_agents')!.samples.map((s) => [s.labels.state, s.value]));
    assert.equal(agents, { loggedOut: 1, notReady: 1, ready: 0, reserved: 1, ringing: 0, talking: 0, held: 0, workingAfterCall: 0 });
    assert.equal(f.get('hotline_acd_queue_waiting_calls')!.samples, [{ labels: { queue: 'agents' }, value: 2 }]);
    assert.equal(f.get('hotline_acd_queue_longest_wait_seconds')!.samples[0].value, 7);
    assert.ok(Number.isNaN(f.get('hotline_acd_queue_service_level_ratio')!.samples[0].value), 'no answer yet today');
    assert.is(f.get('hotline_board_ticks_total')!.samples[0].value, r.board.stats().ticks);
    const alarms = f.get('hotline_board_span_alarm')!.samples;
    assert.equal(new Set(alarms.map((s) => s.labels.span)), new Set(r.board.spans.map((s) => String(s.index))));
    assert.ok(f.has('hotline_board_events_dropped_total') && f.has('hotline_board_tick_overruns_total') && f.has('hotline_board_late_ticks_total') && f.has('hotline_store_probe_write_seconds'));
    assert.ok(Number.isNaN(f.get('hotline_acd_queue_asa_seconds')!.samples[0].value), 'no ASA before an answer');
    // 1001 answers c1 after its 7 s wait and talks 60 s (no wrap-up configured): ASA 7 s, AHT 60 s; occupancy from the queue log.
    r.acd.ringing('c1', '1001');
    r.acd.answered('c1', '1001');
    r.clock.advance(60_000);
    r.acd.agentHangup('c1');
    await r.acd.settled();
    r.wall.t += 2000; // past the figures' one-second cache
    const after = parseProm((await r.server.app.inject({ method: 'GET', url: '/metrics' })).body);
    assert.equal(after.get('hotline_acd_queue_asa_seconds')!.samples, [{ labels: { queue: 'agents' }, value: 7 }]);
    assert.equal(after.get('hotline_acd_queue_aht_seconds')!.samples, [{ labels: { queue: 'agents' }, value: 60 }]);
    const occ = after.get('hotline_acd_occupancy_ratio')!.samples[0].value;
    assert.ok(occ > 0 && occ <= 1, `occupancy ${occ}`);
    assert.not.ok(after.has('hotline_calls'), 'no engine calls behind this seat server');
  } finally {
    await r.close();
  }
});

test('/health: 200 while the data folder takes writes; 503 when it does not', async () => {
  const r = await rig();
  try {
    const res = await r.server.app.inject({ method: 'GET', url: '/health' });
    assert.is(res.statusCode, 200);
    const h = res.json();
    assert.equal([h.status, h.board.mode, h.board.ticking, h.store.writable], ['ok', 'stepped', null, true]);
  } finally {
    await r.close();
  }
  const bad = await rig({ probeFails: true });
  try {
    const res = await bad.server.app.inject({ method: 'GET', url: '/health' });
    assert.is(res.statusCode, 503);
    assert.equal([res.json().status, res.json().store.writable], ['failing', false]);
    assert.match(res.json().store.error, /EROFS/);
  } finally {
    await bad.close();
  }
});

test('the seat server stays on loopback unless told otherwise', () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('127.0.0.2'));
  assert.not.ok(isLoopback('0.0.0.0') || isLoopback('192.168.1.5') || isLoopback('::'));
  assert.equal(checkListen({}), { host: '127.0.0.1', port: 8315 });
  assert.throws(() => checkListen({ host: '0.0.0.0', port: 8315 }), (e: { code: string }) => e.code === 'SEAT_LISTEN_REFUSED');
  assert.equal(checkListen({ host: '0.0.0.0', port: 9000, public: true }), { host: '0.0.0.0', port: 9000 });
  assert.throws(() => checkListen({ host: '0.0.0.0', tls: { cert: '/nonexistent.pem', key: '/nonexistent.key' } }), (e: { code: string }) => e.code === 'SEAT_TLS_INVALID');
});

test.run();
