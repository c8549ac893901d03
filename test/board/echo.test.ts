// Barge-in on an echoing line (issue 15): the engine plays one of the
// project's prompts on a timeslot whose far end returns the prompt's echo
// (sim echo impairment: 6 dB return loss, 20 ms delay), while the caller
// presses a quiet key (-30 dBm0 per tone, 60 ms) to skip it. The key travels
// as audio through the real detector. With the channel's echo canceller on,
// every key is taken and stops the prompt; with it off, the echo (9 dB above
// each tone) hides most of them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { openBoard } from '../../src/board/index.ts';
import { parseWav } from '../../src/dsp/index.ts';
import { connect } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const wav = parseWav(readFileSync(new URL('../../prompts/zh/main_menu.wav', import.meta.url).pathname));
const PROMPT = { encoding: 'alaw' as const, data: wav.data };
const KEYS = '159#';

async function bargeIns(canceller: boolean): Promise<{ taken: number; report: string[] }> {
  const board = await openBoard(PROFILE);
  const report: string[] = [];
  let taken = 0;
  try {
    const [[eng, net]] = await connect(board, [2]);
    eng.impair({ echoLossDb: 6, echoDelayMs: 20 });
    eng.echoCanceller(canceller);
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
  process.stdout.write(`barge-in on an echoing line (ERL 6 dB, 20 ms; keys -32/-30 dBm0): canceller on ${on.taken}/${KEYS.length}, off ${off.taken}/${KEYS.length}\n`);
  assert.is(on.taken, KEYS.length, `with the canceller: ${on.report.join('; ')}`);
  assert.ok(off.taken < KEYS.length, `without the canceller every key was taken too (${off.report.join('; ')}): the test line echoes too little to show anything`);
});

test('echoCanceller and the echo impairment refuse bad values with BOARD_ARG', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng]] = await connect(board, [4]);
    assert.throws(() => eng.echoCanceller('yes' as unknown as boolean), (e: Error & { code?: string }) => e.code === 'BOARD_ARG');
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
