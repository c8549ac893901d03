// Taps that fan out to several writers (issue 11): a channel in a rolling
// recording, a per-call recording and a supervisor's tap at once, each with
// its own file; rolling segments cut without a gap; a tap armed on an idle
// channel; a per-call tap whose other side is re-pointed mid-recording.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { SegmentEvent } from '../../src/board/types.ts';
import { channelOf, connect, readWav, sine, tonePowerDb } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-taps-'));
const HEARD = -30;
const NOT_HEARD = -50;

function same(a: Int16Array, b: Int16Array, what: string): void {
  assert.is(a.length, b.length, `${what}: ${a.length} samples vs ${b.length}`);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.unreachable(`${what}: sample ${i} differs (${a[i]} vs ${b[i]})`);
}

test('four taps and a record on one channel at once, each to its own file with the same audio; a fifth tap is refused', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[e0, n0]] = await connect(board, [0]);
    const taps = [
      e0.tap(join(dir, 'fan-a.wav')),
      e0.tap(join(dir, 'fan-b.wav'), { mode: 'mixed' }),
      e0.tap(join(dir, 'fan-c.wav'), { format: 'pcm16' }),
      e0.tap(join(dir, 'fan-d.wav')),
    ];
    const rec = e0.record(join(dir, 'fan-rx.wav'), { maxMs: 1000 });
    await board.advance(20);
    const fifth = e0.tap(join(dir, 'fan-e.wav'));
    const talk = n0.play({ encoding: 'pcm16', data: sine(700, 1200) });
    const prompt = e0.play({ encoding: 'pcm16', data: sine(1300, 1200) });
    await board.advance(1100);
    const refused = await fifth.done;
    assert.is(refused.reason, 'error', 'a fifth tap on the channel is refused');
    assert.is(refused.error?.code, 'HL_ESTATE');
    const stopped = Promise.all(taps.map((t) => t.stop()));
    await board.advance(200);
    const results = await stopped;
    await Promise.all([talk, prompt]);
    for (const r of results) assert.is(r.reason, 'stopped', `${r.file}: ${r.reason} ${r.error?.code ?? ''}`);
    const [a, b, c, d] = results.map((r) => readWav(r.file));
    assert.is(a.channels, 2);
    assert.is(b.channels, 1);
    assert.ok(a.samples.length / 2 > 8000, `the taps recorded ${a.samples.length / 2} frames`);
    const left = channelOf(a.samples, 0, 2);
    const right = channelOf(a.samples, 1, 2);
    assert.ok(tonePowerDb(left, 700, 800, 7000) > HEARD, 'left: the caller');
    assert.ok(tonePowerDb(left, 1300, 800, 7000) < NOT_HEARD, 'left holds no prompt');
    assert.ok(tonePowerDb(right, 1300, 800, 7000) > HEARD, 'right: the prompt the caller hears');
    assert.ok(tonePowerDb(b.samples, 700, 800, 7000) > HEARD && tonePowerDb(b.samples, 1300, 800, 7000) > HEARD, 'mixed: both');
    same(d.samples, a.samples, 'two A-law taps of one channel');
    assert.is(c.samples.length, a.samples.length, 'the PCM16 tap holds as many samples');
    const rx = readWav((await rec).file).samples;
    same(rx, left.subarray(0, rx.length), 'the record and the taps’ left side');
  } finally {
    await board.close();
  }
});

test('rolling segments: joined end to end they are the continuous tap taken at the same time, sample for sample (a tone over each boundary is whole)', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[e1, n1]] = await connect(board, [1]);
    const segs: SegmentEvent[] = [];
    const sub = e1.events$.subscribe((e) => {
      if (e.type === 'segment') segs.push(e);
    });
    const whole = e1.tap(join(dir, 'roll-whole.wav'));
    const rolling = e1.tap(join(dir, 'roll.wav'), { segmentMs: 300 });
    const talk = n1.play({ encoding: 'pcm16', data: sine(1000, 1500) });
    await board.advance(1000);
    const stopped = Promise.all([rolling.stop(), whole.stop()]);
    await board.advance(600);
    const [r, w] = await stopped;
    await talk;
    sub.unsubscribe();
    assert.is(r.reason, 'stopped');
    const files = r.files ?? [];
    assert.ok(files.length >= 4, `${files.length} segments in 1 s of 300 ms segments`);
    assert.equal(files, readdirSync(dir).filter((f) => f.startsWith('roll-0')).sort().map((f) => join(dir, f)), 'the files on disk are the ones reported');
    assert.is(segs.length, files.length, 'one segment event per file');
    for (let i = 0; i < segs.length; i++) {
      assert.is(segs[i].segment, i + 1);
      assert.is(segs[i].requestId, rolling.requestId);
      if (i < segs.length - 1) {
        assert.is(segs[i].durationMs, 300, `segment ${i + 1} lasts ${segs[i].durationMs} ms`);
        assert.is(segs[i + 1].startMs, segs[i].startMs + segs[i].durationMs, `segment ${i + 2} starts where ${i + 1} ends`);
      }
    }
    const parts = files.map((f) => readWav(f).samples);
    const joined = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    same(joined, readWav(w.file).samples, 'the joined segments and the continuous tap');
    const left = channelOf(joined, 0, 2);
    const boundary = 2400; // 300 ms
    assert.ok(tonePowerDb(left, 1000, boundary - 400, boundary + 400) > HEARD, 'the tone is there across the first boundary');
  } finally {
    await board.close();
  }
});

test('an armed tap waits on an idle channel without a file, records the next call, and ends when the channel is idle', async () => {
  const board = await openBoard(PROFILE);
  try {
    const e5 = board.channel(5);
    const file = join(dir, 'armed.wav');
    const tap = e5.tap(file, { armed: true });
    await board.advance(500);
    assert.not.ok(existsSync(file) || existsSync(`${file}.part`), 'no file before a call');
    const [[, n5]] = await connect(board, [5]);
    const talk = n5.play({ encoding: 'pcm16', data: sine(600, 800) });
    await board.advance(900);
    await talk;
    const hung = n5.hangup();
    await board.advance(200);
    await hung;
    const r = await tap.done;
    assert.is(r.reason, 'hangup');
    const left = channelOf(readWav(r.file).samples, 0, 2);
    assert.ok(left.length > 800 * 8 && left.length < 1300 * 8, `${left.length / 8} ms recorded for a call of about 1 s`);
    assert.ok(tonePowerDb(left, 600, 1000, 6000) > HEARD, 'the caller is in the armed tap');
  } finally {
    await board.close();
  }
});

test('a per-call tap re-pointed to another party goes on in the same file without a gap', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[e0, n0], [e1, n1], [e2, n2]] = await connect(board, [20, 21, 22]);
    e0.route(e1);
    const tap = e0.tap(join(dir, 'call.wav'), { other: e1 });
    const talks = [n0.play({ encoding: 'pcm16', data: sine(500, 1400) }), n1.play({ encoding: 'pcm16', data: sine(900, 1400) }), n2.play({ encoding: 'pcm16', data: sine(1500, 1400) })];
    await board.advance(600);
    e0.route(e2); // the transfer
    tap.repoint(e2);
    await board.advance(600);
    const stopped = tap.stop();
    await board.advance(300);
    const r = await stopped;
    await Promise.all(talks);
    assert.is(r.reason, 'stopped');
    assert.is(r.files, undefined, 'one file');
    const s = readWav(r.file).samples;
    const frames = s.length / 2;
    assert.ok(Math.abs(frames - r.durationMs * 8) <= 80, `${frames} frames for ${r.durationMs} ms: no gap`);
    const left = channelOf(s, 0, 2);
    const right = channelOf(s, 1, 2);
    const mid = 600 * 8;
    assert.ok(tonePowerDb(left, 500, 400, frames - 400) > HEARD, 'left: the caller throughout');
    assert.ok(tonePowerDb(right, 900, 400, mid - 400) > HEARD, 'right: the first agent before the transfer');
    assert.ok(tonePowerDb(right, 1500, 400, mid - 400) < NOT_HEARD, 'not the second agent before');
    assert.ok(tonePowerDb(right, 1500, mid + 400, frames - 400) > HEARD, 'right: the second agent after');
    assert.ok(tonePowerDb(right, 900, mid + 400, frames - 400) < NOT_HEARD, 'not the first agent after');
    assert.throws(() => tap.repoint(e0), /another channel/);
  } finally {
    await board.close();
  }
});

test('samples a tap loses to a full ring (the writer behind) are counted per tap and for the board', async () => {
  process.env.HL_REC_RING_SAMPLES = '256'; // read when the board is made: 32 ms of stereo, the stepped writer runs every 500 ms
  const board = await openBoard(PROFILE);
  delete process.env.HL_REC_RING_SAMPLES;
  try {
    const [[e7]] = await connect(board, [7]);
    const a = e7.tap(join(dir, 'drop-a.wav'));
    const b = e7.tap(join(dir, 'drop-b.wav'), { mode: 'mixed' });
    await board.advance(1000);
    const stopped = Promise.all([a.stop(), b.stop()]);
    await board.advance(100);
    const [ra, rb] = await stopped;
    assert.ok((ra.droppedSamples ?? 0) > 0 && (rb.droppedSamples ?? 0) > 0, 'both taps lost samples');
    assert.is(board.stats().recordingDroppedSamples, (ra.droppedSamples ?? 0) + (rb.droppedSamples ?? 0), 'the board counts what the taps lost');
  } finally {
    await board.close();
  }
});

test.run();
