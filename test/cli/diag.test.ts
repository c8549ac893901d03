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

const R2_PROFILE = fileURLToPath(new URL('../../boards/sim-e1x2-china-no1.json', import.meta.url));
const diagR2 = (...args: string[]) => spawnSync(process.execPath, [BIN, 'diag', 'r2', ...args, '--board', R2_PROFILE], { encoding: 'utf8', timeout: 60000 });

test('r2: a China No.1 test call from the far end, its MF trace from seizure to release guard, readable, and the span counters', () => {
  const r = diagR2('--call', '0:5', '--caller', '075512345678');
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /test call to .*0:5: answered/);
  assert.match(r.stdout, /0:5: idle, last cause none {2}075512345678 -> 12315 {2}KA 1 KD 3/);
  const trace = r.stdout.split('\n').filter((l) => /^\s+\d+\.\d{3} s {2}(tx|rx)/.test(l));
  assert.match(trace[0], /rx {2}ab 00 {3}seize$/);
  assert.ok(trace.some((l) => /rx {2}KA-1 {4}ordinary, periodic charging/.test(l)), 'KA named');
  assert.ok(trace.some((l) => /tx {2}KB-1 {4}called party free/.test(l)), 'KB named');
  assert.match(trace[trace.length - 1], /tx {2}ab 10 {3}release guard$/);
  const span0 = r.stdout.split('\n').find((l) => l.endsWith('trunk A'))?.trim().split(/\s+/);
  assert.equal(span0, ['0', '1', '0', '1', '0', '1', '0', '20', '20', 'none', 'trunk', 'A'], 'span 0: one call in, offered, answered; 20 signals each way (5 + KA + 12 + I-15 + KD in, A and KB back)');
});

test('r2 --realtime --watch --json: the trace read live while the compelled cycles run, new lines only', () => {
  const r = diagR2('--call', '1:17', '--realtime', '--watch', '--count', '6', '--json');
  assert.is(r.status, 0, r.stdout + r.stderr);
  const reps = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(reps.length, 6);
  const states = reps.map((x) => x.channels[0].state);
  assert.ok(states.some((s: string) => s === 'in-register' || s === 'in-offered'), `seen during setup: ${states.join(',')}`);
  assert.is(reps[reps.length - 1].call.outcome, 'answered');
  const all = reps.flatMap((x) => x.channels[0].trace as string[]);
  assert.is(new Set(all).size, all.length, 'each trace line printed once');
  assert.match(all[0], /rx {2}ab 00 {3}seize/);
  assert.ok(all.some((l) => /rx {2}I-15 {4}end of the calling number/.test(l)));
  assert.is(reps[reps.length - 1].spans[1].counters.callsIn, 1);
});

test('r2 refused: a board without China No.1 spans; a test call to a busy or non-existent channel', () => {
  const none = spawnSync(process.execPath, [BIN, 'diag', 'r2', '--board', PROFILE], { encoding: 'utf8', timeout: 60000 });
  assert.is(none.status, 2);
  assert.match(none.stderr, /CLI_DIAG_NO_R2: sim-e1x2 has no span with "signalling": "china-no1"/);
  const letters = diagR2('--call', '0:5', '--caller', '12ab');
  assert.is(letters.status, 2);
  assert.match(letters.stderr, /CLI_BAD_VALUE: --caller takes 1 to 24 digits 0-9/);
  const bad = diagR2('--call', '5:1');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /CLI_BAD_VALUE: --channels?/);
});

test.run();
