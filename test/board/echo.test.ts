// Barge-in on an echoing line (issue 15): the engine plays one of the
// project's prompts on a timeslot whose far end returns the prompt's echo
// (sim echo impairment: 3 dB return loss, 20 ms delay), while the caller
// presses a quiet key (-30 dBm0 per tone, 60 ms) to skip it. The key travels
// as audio through the real detector. With the channel's echo canceller on,
// every key is taken and stops the prompt; with it off, the echo (12 dB above
// each tone) hides some of them. (6 dB return loss until the detector's
// decision on the pitch-prediction residual, native/dsp/dtmf_ltp.c: since it,
// the detector alone takes every key under that echo of the voiced prompt,
// so the line echoes louder for the canceller's part to show: off 2 of 4.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { openBoard } from '../../src/board/index.ts';
import { echoCancellers, validateProfile } from '../../src/board/profile.ts';
import type { Board, BoardProfile, Channel } from '../../src/board/types.ts';
import { toAlaw } from '../../src/tts/index.ts';
import { parseWav } from '../../src/dsp/index.ts';
import { connect } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const wav = parseWav(readFileSync(new URL('../../prompts/zh/main_menu.wav', import.meta.url).pathname));
const PROMPT = { encoding: 'alaw' as const, data: wav.data };
const KEYS = '159#';

/** Keys during a prompt on channel `index`; `canceller` undefined leaves the
 * canceller as the profile set it. `before` runs calls of its own on the
 * channel first (then the keys come on a new call). */
async function bargeIns(canceller: boolean | undefined, profile: string | BoardProfile = PROFILE, index = 2,
  before?: (board: Board, eng: Channel, net: Channel) => Promise<void>): Promise<{ taken: number; report: string[] }> {
  const board = await openBoard(profile);
  const report: string[] = [];
  let taken = 0;
  try {
    let [[eng, net]] = await connect(board, [index]);
    if (before) {
      await before(board, eng, net);
      [[eng, net]] = await connect(board, [index]);
    }
    eng.impair({ echoLossDb: 3, echoDelayMs: 20 });
    if (canceller !== undefined) eng.echoCanceller(canceller);
    for (let i = 0; i < KEYS.length; i++) {
      eng.clearDigits();
      const played = eng.play(PROMPT, { stopOnDigits: true });
      // the caller keys after 1.5-3 s of prompt (the canceller has heard some of it)
      await board.advance(1500 + 500 * i);
      const sent = net.sendDigits(KEYS[i], { levelDbm0: -32, toneMs: 60, gapMs: 60 });
      await board.advance(400);
      await sent;
      const p = played;
      // a prompt that was not interrupted runs to its end (~11 s)
      await board.advance(12000);
      const r = await p;
      const d = eng.getDigits({ max: 4, firstDigitTimeoutMs: 10, interDigitTimeoutMs: 10 });
      await board.advance(20);
      const got = await d;
      const ok = r.reason === 'digit' && got.digits === KEYS[i];
      if (ok) taken++;
      report.push(`key ${KEYS[i]}: prompt ${r.reason} at ${r.positionMs} ms, digits '${got.digits}'`);
    }
  } finally {
    await board.close();
  }
  return { taken, report };
}

test('with the echo canceller on, a quiet key pressed during a prompt on an echoing line stops the prompt', async () => {
  const on = await bargeIns(true);
  const off = await bargeIns(false);
  process.stdout.write(`barge-in on an echoing line (ERL 3 dB, 20 ms; keys -32/-30 dBm0): canceller on ${on.taken}/${KEYS.length}, off ${off.taken}/${KEYS.length}\n`);
  assert.is(on.taken, KEYS.length, `with the canceller: ${on.report.join('; ')}`);
  assert.ok(off.taken < KEYS.length, `without the canceller every key was taken too (${off.report.join('; ')}): the test line echoes too little to show anything`);
});

// The board profile turns the canceller on (issue 15): span 0 says
// echoCanceller true, span 1 says nothing, and a group turns it back off for
// one timeslot of span 0 (a fax line). Nothing is switched from the test.
const profileEcho = (): BoardProfile => {
  const p = JSON.parse(readFileSync(PROFILE, 'utf8')) as BoardProfile;
  p.spans[0] = { ...p.spans[0], echoCanceller: true } as BoardProfile['spans'][0];
  p.groups = { ...p.groups, fax: { channels: '0:5', echoCanceller: false } };
  return p;
};

test('the profile switches the canceller on per span and off per group: keys during a prompt on an echoing line are taken', async () => {
  const on = await bargeIns(undefined, profileEcho(), 2); // span 0, timeslot 3
  const plain = await bargeIns(undefined, profileEcho(), 32); // span 1, timeslot 3
  const fax = await bargeIns(undefined, profileEcho(), 4); // span 0, timeslot 5: the fax group
  process.stdout.write(`barge-in with the canceller from the profile: span on ${on.taken}/${KEYS.length}, span without ${plain.taken}/${KEYS.length}, fax group ${fax.taken}/${KEYS.length}\n`);
  assert.is(on.taken, KEYS.length, `span with echoCanceller true: ${on.report.join('; ')}`);
  assert.ok(plain.taken < KEYS.length, `span without the option took every key: ${plain.report.join('; ')}`);
  assert.ok(fax.taken < KEYS.length, `the fax group (echoCanceller false) took every key: ${fax.report.join('; ')}`);
});

// A fax call turns the canceller off (fax tones and data want no canceller);
// the next call on that channel has it again, as the profile says.
async function faxCall(board: Board, eng: Channel, net: Channel): Promise<void> {
  eng.setDetectors({ tones: true });
  let ced = false;
  const sub = eng.events$.subscribe((e) => {
    if (e.type === 'tone' && e.tone === 'fax-ced') ced = true;
  });
  const f = new Float32Array(8000 * 2.5); // answering fax: 2100 Hz, -12 dBm0-ish, 2.5 s
  for (let i = 0; i < f.length; i++) f[i] = 0.2 * Math.sin((2 * Math.PI * 2100 * i) / 8000);
  const sent = net.play({ encoding: 'alaw', data: toAlaw(f) });
  await board.advance(2700);
  await sent;
  sub.unsubscribe();
  assert.ok(ced, 'the fax tone was not recognised');
  const down = net.hangup();
  await board.advance(100);
  await down;
  const up = eng.hangup();
  await board.advance(500);
  await up;
}

test('after a fax call turned it off, the next call on the channel has the profile\'s canceller again', async () => {
  const r = await bargeIns(undefined, profileEcho(), 2, faxCall);
  process.stdout.write(`barge-in on the call after a fax call (profile canceller): ${r.taken}/${KEYS.length}\n`);
  assert.is(r.taken, KEYS.length, r.report.join('; '));
});

test('the profile option: which channels get the canceller, and bad values refused with BOARD_PROFILE_INVALID and a sentence', () => {
  const on = echoCancellers(validateProfile(profileEcho()));
  assert.is(on.size, 29, 'span 0 bearers less the fax timeslot');
  assert.ok(on.has('0:1') && on.has('0:31') && !on.has('0:5') && !on.has('0:16') && !on.has('1:1'));
  const analog = validateProfile({ name: 'a', driver: 'sim', spans: [{ type: 'analog', role: 'fxo', ports: 4, echoCanceller: true }], groups: { data: { channels: '0:4', role: 'inbound', echoCanceller: false } } });
  assert.equal([...echoCancellers(analog).keys()], ['0:1', '0:2', '0:3']);
  const refused = (p: unknown, where: string, words: string): void => {
    try {
      validateProfile(p);
    } catch (e) {
      const err = e as Error & { code?: string };
      assert.is(err.code, 'BOARD_PROFILE_INVALID', err.message);
      assert.match(err.message, where);
      assert.match(err.message, words);
      return;
    }
    assert.unreachable(`accepted: ${JSON.stringify(p)}`);
  };
  refused({ name: 'x', driver: 'sim', spans: [{ type: 'E1', echoCanceller: 'yes' }] }, 'spans/0/echoCanceller', 'must be true');
  refused({ name: 'x', driver: 'sim', spans: [{ type: 'analog', role: 'fxo', echoCanceller: 1 }] }, 'spans/0/echoCanceller', 'fax and data');
  refused({ name: 'x', driver: 'sim', spans: [{ type: 'E1' }], groups: { g: { channels: '0:1-3', echoCanceller: null } } }, 'groups/g/echoCanceller', 'must be true');
  refused({ name: 'x', driver: 'sim', spans: [{ type: 'E1' }], groups: { a: { channels: '0:1-3', echoCanceller: true }, b: { channels: '0:3', echoCanceller: false } } },
    'groups/b/echoCanceller', "channel 0:3 has echoCanceller true from group 'a' and false from group 'b'");
  // The driver's canceller with its parameters (DAHDI_ECHOCANCEL_PARAMS): kept per channel as given.
  const card = validateProfile({ name: 'c', driver: 'sim', spans: [{ type: 'E1', echoCanceller: { taps: 256, params: { nlp_type: 3 } } }], groups: { fax: { channels: '0:5', echoCanceller: false } } });
  const params = echoCancellers(card);
  assert.equal(params.get('0:1'), { taps: 256, params: { nlp_type: 3 } });
  assert.ok(!params.has('0:5'), 'the fax line has none');
  const e1 = (echoCanceller: unknown) => ({ name: 'x', driver: 'sim', spans: [{ type: 'E1', echoCanceller }] });
  refused(e1({ taps: 0 }), 'spans/0/echoCanceller', 'taps must be an integer from 1 to 1024');
  refused(e1({ taps: 2048 }), 'spans/0/echoCanceller', '512 = 64 ms');
  refused(e1({ taps: 128, tail: 3 }), 'spans/0/echoCanceller', "unknown field 'tail'");
  refused(e1({ taps: 128, params: { a: 1, b: 2, c: 3, d: 4, e: 5 } }), 'spans/0/echoCanceller', 'at most 4 params');
  refused(e1({ taps: 128, params: { 'nlp type': 1 } }), 'spans/0/echoCanceller', "param name 'nlp type'");
  refused(e1({ taps: 128, params: { nlp_type: 1.5 } }), 'spans/0/echoCanceller', "param 'nlp_type' must be a 32-bit integer");
});

test('echoCanceller and the echo impairment refuse bad values with BOARD_ARG', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng]] = await connect(board, [4]);
    assert.throws(() => eng.echoCanceller('yes' as unknown as boolean), (e: Error & { code?: string }) => e.code === 'BOARD_ARG');
    assert.throws(() => eng.echoCanceller({ taps: 5000 }), (e: Error & { code?: string }) => e.code === 'BOARD_ARG' && /taps must be an integer from 1 to 1024/.test(e.message));
    // The sim has no canceller of its own per channel: the board's runs (no driver error).
    eng.echoCanceller({ taps: 256, params: { nlp_type: 3 } });
    await board.advance(20);
    assert.is(board.stats().driverErrors, 0);
    assert.throws(() => eng.impair({ echoLossDb: -3 }), (e: Error & { code?: string }) => e.code === 'BOARD_ARG');
    assert.throws(() => eng.impair({ echoDelayMs: 40 }), (e: Error & { code?: string }) => e.code === 'BOARD_ARG');
    eng.impair({ echoLossDb: null });
    eng.echoCanceller(true);
    eng.echoCanceller(false);
  } finally {
    await board.close();
  }
});

test.run();
