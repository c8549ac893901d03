// `hotline diag` on the simulated board (test/dahdi/diag.test.ts runs it on
// DAHDI): span reports (and --watch), channel levels measured from what a
// channel receives, the loopback test (tone out, the far end loops the line,
// tone back: delay and level) and DTMF / MF R2 through the loop; refusals.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { channelReport, followBits, spanReport } from '../../src/cli/diag.ts';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const PROFILE = fileURLToPath(new URL('../../boards/sim-e1x2.json', import.meta.url));
const diag = (...args: string[]) => spawnSync(process.execPath, [BIN, 'diag', ...args, '--board', PROFILE], { encoding: 'utf8', timeout: 60000 });

test('spans: every span with alarms and counters, in JSON; --watch repeats', () => {
  const r = diag('spans', '--json', '--watch', '--count', '2', '--interval', '1');
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 2, 'two reports with --watch --count 2');
  assert.is(lines[0].driver, 'sim');
  assert.equal(lines[0].spans.map((s: { alarms: string[] }) => s.alarms), [[], []]);
  assert.ok('lostFrames' in lines[0].spans[0] && 'crc4Errors' in lines[0].spans[0]);
  const text = diag('spans');
  assert.match(text.stdout, /span\s+alarms\s+CRC-4\s+BPV\s+slips\s+ES\s+lost/);
});

test('loopback: the tone comes back after one tick at the level it left with; DTMF and MF R2 are detected through the loop', () => {
  const r = diag('loopback', '--channel', '1:7', '--json');
  assert.is(r.status, 0, r.stdout + r.stderr);
  const lb = JSON.parse(r.stdout);
  assert.ok(lb.ok && Math.abs(lb.lossDb) <= 0.5 && lb.delayMs >= 9 && lb.delayMs <= 12, JSON.stringify(lb));
  assert.match(r.stderr, /calling .* from the far end/, 'progress on stderr');
  for (const extra of [[], ['--mf']]) {
    const d = diag('digits', '--channel', '0:3', '--json', ...extra);
    assert.is(d.status, 0, d.stdout + d.stderr);
    const res = JSON.parse(d.stdout);
    assert.ok(res.ok && res.detected === res.sent, JSON.stringify(res));
  }
});

test('refused: a channel that does not exist; a board with no far end to loop', () => {
  const bad = diag('loopback', '--channel', '9:1');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /CLI_BAD_VALUE: --channels?/);
});

test('channel levels and bits: a -20 dBm0 tone from the far end reads -20 dBm0; idle lines read the floor; a pulled cable shows in the span report', async () => {
  const board = await openBoard(PROFILE);
  const bits = followBits(board);
  try {
    const ch = board.channel(0, 2);
    const far = board.network!.channel(0, 2);
    const placed = far.call({ timeoutMs: 5000 });
    await board.advance(60);
    await ch.answer();
    await board.advance(60);
    await placed;
    const n = 16000;
    const amp = 16131 * Math.SQRT2 * 10 ** (-20 / 20);
    const tone = Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * 1004 * i) / 8000)));
    void far.play({ encoding: 'pcm16', data: tone });
    await board.advance(100);
    const [busy, idle] = await channelReport(board, [ch, board.channel(0, 3)], 1000, bits);
    assert.is(busy.rxAbcd, '0001', 'the far end seized (Q.421 seize 0001, held while the call lasts)');
    assert.is(idle.rxAbcd, '1001', 'idle');
    assert.ok(Math.abs(busy.levelDbm0 + 20) <= 0.5, `level ${busy.levelDbm0} dBm0`);
    assert.ok(Math.abs(busy.noiseDbm0 + 20) <= 1, `a steady tone has no quieter 100 ms: ${busy.noiseDbm0}`);
    assert.is(idle.state, 'idle');
    assert.is(idle.levelDbm0, -99);
    board.spans[1].setCable(false);
    await board.advance(100);
    assert.equal(spanReport(board)[1].alarms, ['los']);
  } finally {
    await board.close();
  }
});

test.run();
