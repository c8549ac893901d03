// Audio streams (native/board/stream.cc, src/board/stream.ts): JavaScript
// writes 20 ms frames a channel sends and reads what it receives, on the
// simulated E1, stepped and real-time. Speech-like noise goes in at one end
// and is found by correlation at the other (through A-law both ways).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { AudioStream, StreamFrame } from '../../src/board/index.ts';
import { alawEncode } from '../../src/dsp/alaw.ts';
import { bestCorrelation, connect, sine, tonePowerDb } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;

/** Band-limited noise (a seeded random walk, no DC), like speech in level. */
function noise(samples: number, seed = 7): Int16Array {
  let s = seed;
  const out = new Int16Array(samples);
  let y = 0;
  for (let i = 0; i < samples; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    y = 0.6 * y + ((s / 0x7fffffff) * 2 - 1) * 6000;
    out[i] = Math.round(y);
  }
  return out;
}

function collect(s: AudioStream): StreamFrame[] {
  const got: StreamFrame[] = [];
  s.frames$.subscribe((f) => got.push(f));
  return got;
}

function join(frames: StreamFrame[]): Int16Array {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => out.set(f.pcm, i * 160));
  return out;
}

test('stepped: frames written at one end are heard at the other, both ways, in order, 20 ms apart', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [3]);
    const a = net.stream();
    const b = eng.stream();
    const atA = collect(a);
    const atB = collect(b);
    const voiceA = noise(160 * 50, 1);
    const voiceB = noise(160 * 50, 2);
    for (let k = 0; k < 50; k++) {
      assert.ok(a.write(voiceA.subarray(k * 160, k * 160 + 160)));
      assert.ok(b.write(voiceB.subarray(k * 160, k * 160 + 160)));
      await board.advance(20);
    }
    await board.advance(100);
    assert.ok(atB.length >= 50 && atA.length >= 50, `frames arrived (${atA.length}, ${atB.length})`);
    for (let i = 1; i < atB.length; i++) assert.is(atB[i].time - atB[i - 1].time, 20, 'one frame per 20 ms of board time');
    const ab = bestCorrelation(voiceA, join(atB), 400);
    const ba = bestCorrelation(voiceB, join(atA), 400);
    assert.ok(ab.r > 0.95, `the engine side heard the network side's frames (r ${ab.r.toFixed(3)}, lag ${ab.lag})`);
    assert.ok(ba.r > 0.95, `and the other way (r ${ba.r.toFixed(3)}, lag ${ba.lag})`);
    // Wrong voice: no correlation (the check can fail).
    assert.ok(bestCorrelation(voiceB, join(atB), 400).r < 0.3, 'a side does not hear its own frames');
    const st = a.stats();
    assert.is(st.written, 50);
    assert.is(st.sent, 50);
    assert.is(st.refused, 0);
    assert.is(st.queued, 0);
    assert.ok(st.received >= 50);
    // Nothing written: silence, counted as an underrun once.
    const before = atB.length;
    await board.advance(200);
    const quiet = join(atB.slice(before));
    assert.ok(quiet.length >= 160 * 9);
    assert.ok(quiet.every((x) => Math.abs(x) < 64), 'silence on underrun');
    assert.is(a.stats().underruns, 1, 'one underrun for the gap');
    a.close();
    b.close();
  } finally {
    await board.close();
  }
});

test('stepped: A-law frames, a prompt replaces the stream, a full ring refuses, errors name the fault, reopen works', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [5]);
    const a = net.stream({ txFrames: 4 });
    const atB = collect(eng.stream());
    const tone = sine(1000, 20, 8000);
    const alaw = new Uint8Array(160);
    // A-law of the tone (the TypeScript G.711, not the board's C one).
    for (let i = 0; i < 160; i++) alaw[i] = alawEncode(tone[i]);
    let ok = 0;
    for (let k = 0; k < 6; k++) if (a.write(alaw)) ok++;
    assert.is(ok, 4, 'the ring of 4 frames takes 4');
    assert.is(a.stats().refused, 2);
    await board.advance(200);
    const heard = join(atB);
    assert.ok(tonePowerDb(heard, 1000, 0, 640) > -20, `the A-law frames are heard as the tone (${tonePowerDb(heard, 1000, 0, 640).toFixed(1)} dB)`);
    // A prompt on the same channel replaces the stream's audio while it plays.
    const n0 = atB.length;
    const prompt = net.play({ encoding: 'pcm16', data: sine(500, 200, 8000) });
    for (let k = 0; k < 8; k++) {
      a.write(noise(160, k));
      await board.advance(20);
    }
    await board.advance(100);
    await prompt;
    const during = join(atB.slice(n0 + 2, n0 + 8));
    assert.ok(tonePowerDb(during, 500) > -20, 'the prompt is heard');
    assert.throws(() => net.stream(), (e: Error & { code?: string }) => e.code === 'BOARD_STATE');
    assert.throws(() => a.write(new Int16Array(80)), (e: Error & { code?: string }) => e.code === 'BOARD_ARG');
    assert.throws(() => net.stream({ prefill: 0 }), (e: Error & { code?: string }) => e.code === 'BOARD_ARG');
    a.close();
    assert.throws(() => a.write(new Int16Array(160)), /closed/);
    const again = net.stream();
    const v = noise(160 * 10, 9);
    const m0 = atB.length;
    for (let k = 0; k < 10; k++) {
      again.write(v.subarray(k * 160, k * 160 + 160));
      await board.advance(20);
    }
    await board.advance(60);
    assert.ok(bestCorrelation(v, join(atB.slice(m0)), 400).r > 0.95, 'a reopened stream sends again');
    again.close();
  } finally {
    await board.close();
  }
});

test('an idle channel neither sends nor receives; frames queued on hook are dropped', async () => {
  const board = await openBoard(PROFILE);
  try {
    const net = board.network!.channel(7);
    const s = net.stream();
    const got = collect(s);
    s.write(noise(160));
    await board.advance(200);
    assert.is(got.length, 0, 'nothing received while idle');
    assert.is(s.stats().queued, 0, 'the queued frame was dropped on hook');
    assert.is(s.stats().sent, 0);
    s.close();
  } finally {
    await board.close();
  }
});

test('real time: paced frames cross the board with a prefill of 2, few underruns', async () => {
  const board = await openBoard(PROFILE, { mode: 'realtime' });
  try {
    const eng = board.channel(9);
    const net = board.network!.channel(9);
    const placed = net.call({ timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    await eng.answer();
    assert.is((await placed).reason, 'done');
    const a = net.stream({ prefill: 2 });
    const b = eng.stream();
    const atB = collect(b);
    const voice = noise(160 * 75, 3);
    const t0 = performance.now();
    for (let k = 0; k < 75; k++) {
      a.write(voice.subarray(k * 160, k * 160 + 160));
      const due = t0 + (k + 1) * 20;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    await new Promise((r) => setTimeout(r, 200));
    // A late timer on a loaded machine makes a gap (an underrun): each
    // 140 ms piece is looked for on its own.
    const heard = join(atB);
    const st = a.stats();
    for (let p = 0; p < 10; p++) {
      const piece = voice.subarray(p * 1120, p * 1120 + 1120);
      const r = bestCorrelation(piece, heard, heard.length - 1120);
      assert.ok(r.r > 0.8, `piece ${p} heard in real time (r ${r.r.toFixed(3)}, lag ${r.lag} samples; ${JSON.stringify(st)})`);
    }
    assert.is(st.sent, 75, 'every frame was sent');
    a.close();
    b.close();
  } finally {
    await board.close();
  }
});

test.run();
