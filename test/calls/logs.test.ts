// Logs: structured (pino), one child logger per call carrying its call id,
// channel and caller number; `hotline start` prints one readable line per
// record, dated in the bureau's time zone with the offset (Asia/Shanghai by
// default, --time-zone to change it), or pino's JSON lines (--log-format json).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, localIso } from '../../src/calls/log.ts';
import { harness } from '../ivr/_harness.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hl-logs-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('local ISO times: date, time and offset in the zone asked for', () => {
  const t = Date.parse('2026-03-16T01:30:00.250Z');
  assert.is(localIso(t, 'Asia/Shanghai'), '2026-03-16T09:30:00.250+08:00');
  assert.is(localIso(t, 'UTC'), '2026-03-16T01:30:00.250+00:00');
  assert.is(localIso(t, 'America/New_York'), '2026-03-15T21:30:00.250-04:00');
  assert.throws(() => createLogger({ timeZone: 'Mars/Olympus' }), (e: { code?: string }) => e.code === 'CALL_TIME_ZONE_UNKNOWN');
  const bad = spawnSync(process.execPath, ['src/cli/bin.js', 'start', '--time-zone', 'Mars/Olympus', '--data', join(dir, 'tz')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, "hotline start: CALL_TIME_ZONE_UNKNOWN: the time zone 'Mars/Olympus' is unknown");
});

test('each call logs through a child logger with its call id, channel and caller number', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ format: 'json', write: (l) => lines.push(JSON.parse(l)) });
  const h = await harness({ logger });
  try {
    const { calls } = await h.call(async (c) => void (await c.hear()), { callerNumber: '13700001111' });
    const mine = lines.filter((l) => l.callId === calls[0].id);
    assert.equal(mine.map((l) => l.event), ['call_start', 'call_end']);
    for (const l of mine) {
      assert.is(l.channel, calls[0].channel);
      assert.is(l.caller, '13700001111');
      assert.match(String(l.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    }
    assert.is(mine[1].outcome, calls[0].outcome);
  } finally {
    await h.close();
  }
});

test('China No.1: a refused setup is logged with its cause and the MF trace, on one line', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ format: 'json', write: (l) => lines.push(JSON.parse(l)) });
  const h = await harness({ logger, boardFile: 'boards/sim-e1x2-china-no1.json' });
  try {
    const b = h.engine.board;
    b.channel(0, 9).setR2Answer('busy-local');
    const r = await Promise.all([b.network!.channel(0, 9).call({ callerNumber: '13700001111', calledNumber: '12315' }), b.advance(4000)]);
    assert.is(r[0].reason, 'error');
    const rec = lines.find((l) => l.event === 'r2_failed');
    assert.ok(rec, `no r2_failed record in ${lines.map((l) => l.event ?? l.msg).join(', ')}`);
    assert.is(rec!.channel, b.channel(0, 9).name);
    assert.is(rec!.cause, 'busy-local');
    const trace = rec!.trace as string[];
    assert.match(trace[0], /rx {2}ab 00 {3}seize/);
    assert.ok(trace.some((l) => /tx {2}KB-2 {4}called party busy, local/.test(l)), trace.join('\n'));
    assert.match(String(rec!.msg), /^China No\.1 on \S+0:9: setup failed or call cleared, cause busy-local; MF trace: 0\.\d{3} s rx ab 00 seize \| .* tx KB-2 called party busy, local/);
    assert.not.match(String(rec!.msg), /\n/);
  } finally {
    await h.close();
  }
});

let runs = 0;
function start(extra: string[]): string[] {
  const r = spawnSync(process.execPath, ['src/cli/bin.js', 'start', '--stepped', '--for', '20', '--demo-callers', '1', '--data', join(dir, `d${++runs}`), ...extra], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

test('hotline start: one readable line per record, with the date and the bureau\'s offset', () => {
  const lines = start([]);
  assert.ok(lines.some((l) => / call \S+ start /.test(l)), lines.join('\n'));
  for (const l of lines) assert.match(l, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+08:00 /, `no date and offset: ${l}`);
  const ny = start(['--time-zone', 'America/New_York']);
  for (const l of ny) assert.match(l, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}-0[45]:00 /, `not New York time: ${l}`);
});

test('hotline start --log-format json: pino lines, call records with their context', () => {
  const lines = start(['--log-format', 'json']).map((l) => JSON.parse(l) as Record<string, unknown>);
  const calls = lines.filter((l) => l.event === 'call_start');
  assert.ok(calls.length >= 1);
  assert.ok(calls.every((l) => typeof l.callId === 'string' && typeof l.channel === 'string' && l.caller === '13900001000'));
});

test.run();
