// Digits are audio: keys sent as dual tones on the network side travel A-law
// coded over the simulated E1 timeslot and are found by the DSP detector on
// the engine side, even with white noise on the line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { connect } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;

test('every DTMF key arrives exactly through get-digits with 15 dB SNR noise on the cable', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [0]);
    // Noise on what the engine side receives: 15 dB below the -10 dBm0 reference (= the low tone's level).
    board.spans[0].impair({ snrDb: 15, referenceDbm0: -10 });
    const keys = '123A456B789C*0#D';
    const got = eng.getDigits({ max: 16, firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 2000 });
    const sent = net.sendDigits(keys, { levelDbm0: -10, toneMs: 80, gapMs: 80 });
    await board.advance(4000);
    const s = await sent;
    assert.is(s.reason, 'done', 'the sender finished');
    const r = await got;
    assert.is(r.reason, 'max-digits', `get-digits ended with ${r.reason} after '${r.digits}'`);
    assert.is(r.digits, keys, 'every key, in order, nothing extra');
  } finally {
    await board.close();
  }
});

test('type-ahead, terminator and inter-digit timeout', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [3]);
    const seen: string[] = [];
    const lead: number[] = [];
    const sub = eng.events$.subscribe((e) => {
      if (e.type === 'digit') {
        seen.push(e.digit);
        lead.push(e.time - e.start);
      }
    });
    // Keys pressed before anyone asks are kept in the buffer.
    const s1 = net.sendDigits('42');
    await board.advance(600);
    assert.is((await s1).reason, 'done');
    // A digit's start is when the tone began: some tens of ms before it was detected.
    for (const ms of lead) assert.ok(ms >= 20 && ms <= 200, `digit start ${ms} ms before the event, expected 20-200`);
    const r1 = eng.getDigits({ max: 5, terminators: '#', interDigitTimeoutMs: 500 });
    // 2 buffered digits; the 500 ms inter-digit timer then ends it.
    await board.advance(1000);
    const res1 = await r1;
    assert.is(res1.digits, '42');
    assert.is(res1.reason, 'timeout');
    const p2 = eng.getDigits({ max: 5, terminators: '#', clearBuffer: true });
    const s2 = net.sendDigits('7#');
    await board.advance(800);
    await s2;
    const res2 = await p2;
    assert.is(res2.digits, '7');
    assert.is(res2.reason, 'digit');
    assert.is(res2.terminator, '#');
    // The first-digit timeout with no keys at all.
    const p3 = eng.getDigits({ max: 3, firstDigitTimeoutMs: 300 });
    await board.advance(400);
    const res3 = await p3;
    assert.is(res3.reason, 'timeout');
    assert.is(res3.digits, '');
    assert.equal(seen, ['4', '2', '7', '#']);
    // Each digit event carries its start time in board ms, before it was recognised.
    sub.unsubscribe();
  } finally {
    await board.close();
  }
});

test('an interruptible prompt stops on a key and the key stays for get-digits; abort gives stopped', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [5]);
    const silence = new Uint8Array(8000 * 5).fill(0xd5); // 5 s of A-law silence
    const played = eng.play({ encoding: 'alaw', data: silence }, { stopOnDigits: '9' });
    await board.advance(300);
    const k5 = net.sendDigits('5'); // not a stop key
    await board.advance(300);
    const k9 = net.sendDigits('9');
    await board.advance(300);
    await Promise.all([k5, k9]);
    const r = await played;
    assert.is(r.reason, 'digit');
    assert.ok(r.positionMs > 500 && r.positionMs < 2000, `stopped at ${r.positionMs} ms`);
    const dp = eng.getDigits({ max: 2 });
    await board.advance(20);
    const d = await dp;
    assert.is(d.digits, '59', 'type-ahead digits kept');
    const ac = new AbortController();
    const p = eng.play({ encoding: 'alaw', data: silence }, { signal: ac.signal });
    await board.advance(200);
    ac.abort();
    await board.advance(20);
    const pr = await p;
    assert.is(pr.reason, 'stopped');
    assert.ok(pr.positionMs >= 190 && pr.positionMs <= 240, `played ${pr.positionMs} ms before the abort`);
  } finally {
    await board.close();
  }
});

test('call-progress tones as audio: ringback before answer, busy after, detected on the calling side', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(8);
    const net = board.network!.channel(8);
    const tones: string[] = [];
    net.events$.subscribe((e) => {
      if (e.type === 'tone') tones.push(e.tone);
    });
    const call = net.call({ timeoutMs: 20000 });
    await board.advance(40);
    assert.is(eng.state, 'ringing');
    // Early media: ringback (1 s on / 4 s off) while the line rings.
    const rb = eng.playTone('ringback', { durationMs: 6500 });
    await board.advance(6600);
    assert.is((await rb).reason, 'done');
    assert.equal(tones, ['ringback'], `tones heard while ringing: ${tones.join(', ')}`);
    await eng.answer();
    await board.advance(40);
    assert.is((await call).reason, 'done');
    // Answered: the detector is off unless asked for.
    net.setDetectors({ tones: true });
    const busy = eng.playTone('busy', { durationMs: 2500 });
    await board.advance(2600);
    await busy;
    assert.equal(tones, ['ringback', 'busy']);
  } finally {
    await board.close();
  }
});

test('MF R2 codes as audio: pulsed forward codes and a compelled backward tone reach the far receiver', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng, net]] = await connect(board, [9]);
    const fwd: number[] = [];
    const bwd: number[] = [];
    eng.setDetectors({ mf: 'forward' });
    net.setDetectors({ mf: 'backward' });
    eng.events$.subscribe((e) => {
      if (e.type === 'mf' && e.code) fwd.push(e.code);
    });
    net.events$.subscribe((e) => {
      if (e.type === 'mf') bwd.push(e.code);
    });
    const codes = [1, 2, 3, 15, 10, 6];
    const sent = net.sendMf(codes, { direction: 'forward', toneMs: 100, gapMs: 100 });
    await board.advance(1400);
    assert.is((await sent).reason, 'done');
    assert.equal(fwd, codes, 'every forward code detected once, in order');
    // Compelled: the called side holds backward A-1 until told to stop.
    eng.setMfTone(1, 'backward');
    await board.advance(300);
    assert.equal(bwd, [1], 'backward code 1 on');
    eng.setMfTone(0, 'backward');
    await board.advance(200);
    assert.equal(bwd, [1, 0], 'and off');
    assert.is((await code(() => net.sendMf([16], { direction: 'forward' }))).code, 'BOARD_ARG');
  } finally {
    await board.close();
  }
});

async function code(fn: () => unknown): Promise<{ code?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as { code?: string };
  }
  return {};
}

test.run();
