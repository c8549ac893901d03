// Barge-in through the IVR on an echoing line (issue 15): the 12315 flow's
// welcome prompt is interruptible; the line returns its echo 6 dB down after
// 20 ms (sim echo impairment on the engine's timeslot), and the caller keys
// '2' quietly (-32/-30 dBm0) 1.5 s into it. With the channel's echo canceller
// on, the key interrupts the welcome, stays as type-ahead and takes the caller
// from the main menu to the complaint menu. (Off, the echo hides it: shown,
// not asserted; test/board/echo.test.ts asserts that side.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstValueFrom, timer } from 'rxjs';
import { harness, type Harness } from './_harness.ts';

async function pathWith(canceller: boolean): Promise<string[]> {
  const h: Harness = await harness();
  try {
    const i = 0;
    const eng = h.engine.board.channel(i);
    eng.impair({ echoLossDb: 6, echoDelayMs: 20 });
    eng.echoCanceller(canceller);
    const { calls } = await h.call(async (c) => {
      await firstValueFrom(timer(1500, h.engine.board.scheduler));
      await c.ch.sendDigits('2', { levelDbm0: -32, toneMs: 60, gapMs: 60 });
      await firstValueFrom(timer(2500, h.engine.board.scheduler));
    }, { channel: i });
    assert.is(calls.length, 1, 'one call');
    return calls[0].path;
  } finally {
    await h.close();
  }
}

test('with the echo canceller on, a quiet key during the welcome prompt on an echoing line is taken', async () => {
  const on = await pathWith(true);
  const off = await pathWith(false);
  process.stdout.write(`IVR path with the canceller: ${on.join('>')}; without: ${off.join('>')}\n`);
  assert.ok(on.includes('complaint_kind'), `the key was not taken: the IVR went ${on.join('>')}`);
});

test.run();
