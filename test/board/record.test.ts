// Player and recorder across the cable: a prompt played on one side and
// recorded on the other matches its source; the recorder stops on silence,
// maximum time and digits; every WAV it writes is valid; taps record both
// directions.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { eventually } from '../_wait.ts';
import { bestCorrelation, channelOf, connect, readWav, sine, tonePowerDb } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const PROMPT = new URL('../../prompts/en/agent_transfer.wav', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-rec-'));

/** A real spoken prompt when the repository has one, else a synthetic vowel-like tape. */
function sourceWav(): string {
  if (existsSync(PROMPT)) return PROMPT;
  const n = 8000 * 2;
  const pcm = Buffer.alloc(44 + 2 * n);
  pcm.write('RIFF', 0);
  pcm.writeUInt32LE(36 + 2 * n, 4);
  pcm.write('WAVEfmt ', 8);
  pcm.writeUInt32LE(16, 16);
  pcm.writeUInt16LE(1, 20);
  pcm.writeUInt16LE(1, 22);
  pcm.writeUInt32LE(8000, 24);
  pcm.writeUInt32LE(16000, 28);
  pcm.writeUInt16LE(2, 32);
  pcm.writeUInt16LE(16, 34);
  pcm.write('data', 36);
  pcm.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) {
    const f0 = 120 + 40 * Math.sin(i / 3000);
    let v = 0;
    for (let h = 1; h < 12; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / 8000) / h;
    pcm.writeInt16LE(Math.round(6000 * v * Math.abs(Math.sin(i / 1500))), 44 + 2 * i);
  }
  const f = join(dir, 'synthetic.wav');
  writeFileSync(f, pcm);
  return f;
}

test('a prompt played on one side and recorded on the other matches the source (r > 0.99)', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [1]);
    const src = sourceWav();
    const out = join(dir, 'heard.wav');
    const rec = net.record(out, { maxMs: 0 });
    const played = eng.play(src);
    await board.advance(4000);
    const p = await played;
    assert.is(p.reason, 'done');
    assert.is(p.itemIndex, 1);
    net.stop();
    await board.advance(20);
    const r = await rec;
    assert.is(r.reason, 'stopped');
    assert.ok(r.durationMs >= 3900, `recorded ${r.durationMs} ms`);
    const a = readWav(src);
    const b = readWav(out);
    assert.is(b.rate, 8000);
    assert.is(b.format, 6, 'A-law by default');
    const { r: corr, lag } = bestCorrelation(a.samples, b.samples, 800);
    assert.ok(corr > 0.99, `correlation ${corr.toFixed(4)} at lag ${lag}`);
    assert.ok(lag <= 160, `the prompt arrived ${lag} samples late (expected within two ticks)`);
  } finally {
    await board.close();
  }
});

test('record stops on silence after speech, on max time and on a digit; the files are valid', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [2]);
    // Silence: 1 s of tone ("speech"), then quiet; silenceMs 800 ends it about 0.8 s after the tone.
    const f1 = join(dir, 'silence.wav');
    const r1p = eng.record(f1, { silenceMs: 800, maxMs: 10000 });
    const speak = net.play({ encoding: 'pcm16', data: sine(400, 1000) });
    await board.advance(3000);
    await speak;
    const r1 = await r1p;
    assert.is(r1.reason, 'silence');
    assert.ok(r1.durationMs >= 1700 && r1.durationMs <= 2000, `silence stop after ${r1.durationMs} ms`);
    const w1 = readWav(f1);
    assert.is(w1.samples.length, (r1.durationMs * 8) | 0, 'header and data agree with the duration');

    // Max time, PCM16 file.
    const f2 = join(dir, 'max.wav');
    const r2p = eng.record(f2, { maxMs: 1500, format: 'pcm16' });
    await board.advance(2000);
    const r2 = await r2p;
    assert.is(r2.reason, 'timeout');
    assert.is(r2.durationMs, 1500);
    const w2 = readWav(f2);
    assert.is(w2.format, 1);
    assert.is(w2.samples.length, 12000);

    // A digit (as audio) ends it; reason digit, and the digit is reported.
    const f3 = join(dir, 'digit.wav');
    const r3p = eng.record(f3, { maxMs: 20000, stopOnDigits: '#' });
    await board.advance(500);
    const k = net.sendDigits('#');
    await board.advance(500);
    await k;
    const r3 = await r3p;
    assert.is(r3.reason, 'digit');
    assert.is(r3.digit, '#');
    assert.ok(r3.durationMs > 500 && r3.durationMs < 800, `digit stop after ${r3.durationMs} ms`);
    readWav(f3);

    // The file is valid while recording (header rewritten every 500 ms, at
    // each drain point); it is written as NAME.part and renamed when finished.
    const f4 = join(dir, 'live.wav');
    const r4p = eng.record(f4, { maxMs: 0 });
    await board.advance(3000);
    // The writer thread rewrites the header in real time, every 500 ms: wait
    // for it up to a real-time deadline (a loaded machine is late for a fixed sleep).
    const headerWritten = () => {
      if (!existsSync(`${f4}.part`)) return false;
      const b = readFileSync(`${f4}.part`);
      return b.length > 44 && b.readUInt32LE(4) > 36;
    };
    await eventually(headerWritten, 30_000, 50);
    await board.advance(1000);
    assert.not.ok(existsSync(f4), 'the final name appears only when the recording is finished');
    const live = readFileSync(`${f4}.part`);
    assert.ok(live.length > 44, 'data written during the recording');
    assert.ok(live.readUInt32LE(4) > 36, 'RIFF size updated during the recording');
    eng.stop();
    await board.advance(20);
    await r4p;
    readWav(f4);
    assert.not.ok(existsSync(`${f4}.part`), 'renamed, not copied');
  } finally {
    await board.close();
  }
});

test('a stereo tap records received audio left and sent audio right; a mixed tap both', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [4]);
    const stereo = eng.tap(join(dir, 'tap-stereo.wav'));
    const mixed = eng.tap(join(dir, 'tap-mixed.wav'), { mode: 'mixed', format: 'pcm16' }).done.catch((e) => e);
    void mixed;
    const a = net.play({ encoding: 'pcm16', data: sine(600, 1000) });
    const b = eng.play({ encoding: 'pcm16', data: sine(1500, 1000) });
    await board.advance(1200);
    await Promise.all([a, b]);
    const r = await (async () => {
      const p = stereo.stop();
      await board.advance(20);
      return { p };
    })();
    const res = await r.p;
    assert.is(res.reason, 'stopped');
    const w = readWav(res.file);
    assert.is(w.channels, 2);
    const left = channelOf(w.samples, 0, 2);
    const right = channelOf(w.samples, 1, 2);
    const n = 7000;
    assert.ok(tonePowerDb(left, 600, 200, n) > -20, 'left (received) has the far end tone');
    assert.ok(tonePowerDb(left, 1500, 200, n) < -50, 'left does not have our own tone');
    assert.ok(tonePowerDb(right, 1500, 200, n) > -20, 'right (sent) has our tone');
    assert.ok(tonePowerDb(right, 600, 200, n) < -50, 'right does not have the far end tone');
  } finally {
    await board.close();
  }
});

test('channel impairments: gain on one timeslot only', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[e0, n0], [e1, n1]] = await connect(board, [20, 21]);
    n0.impair({ gainDb: -12 });
    const r0 = n0.record(join(dir, 'g0.wav'), { maxMs: 600 });
    const r1 = n1.record(join(dir, 'g1.wav'), { maxMs: 600 });
    const p0 = e0.play({ encoding: 'pcm16', data: sine(1000, 800) });
    const p1 = e1.play({ encoding: 'pcm16', data: sine(1000, 800) });
    await board.advance(900);
    await Promise.all([p0, p1]);
    const l0 = tonePowerDb(readWav((await r0).file).samples, 1000, 400, 4400);
    const l1 = tonePowerDb(readWav((await r1).file).samples, 1000, 400, 4400);
    assert.ok(Math.abs(l1 - l0 - 12) < 0.5, `channel gain -12 dB gave ${(l0 - l1).toFixed(2)} dB`);
  } finally {
    await board.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
