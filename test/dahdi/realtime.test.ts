// Real time on the DAHDI driver: the userspace DAHDI's own 8 kHz clock (a
// thread, as a card's) paces the board's tick through the driver's wait_tick,
// with 30 channels in calls playing, recording and detecting keys. Every key
// sent as audio is detected, no frame is lost (a late tick is absorbed by the
// channel buffers), and the tick count follows the card's clock. Bounds are
// lenient: CI shares two cores; the figures are the benchmark's
// (`npm run bench -- board --driver dahdi`).
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runLoad } from '../../bench/board.ts';
import { skipTest } from '../skip.ts';
import { runUnderEmu } from './emu.ts';

const SECONDS = 6;
const missing = runUnderEmu(fileURLToPath(import.meta.url), 'spans=2 cable=1-2 clock=real', { HL_BOARD_DRIVER: 'dahdi' });

if (missing) skipTest('real time on the DAHDI driver, clocked by the userspace DAHDI', missing);
else
  test(`30 channels on DAHDI for ${SECONDS} s, paced by the card's clock: every key detected, no frame lost`, async () => {
    const r = await runLoad(30, SECONDS);
    console.log(`dahdi realtime: ${JSON.stringify(r)}`);
    assert.is(r.driver, 'dahdi');
    assert.ok(r.ticks >= SECONDS * 100 * 0.9, `the card's clock gave ${r.ticks} ticks in about ${SECONDS} s`);
    assert.is(r.lost_frames, 0, `${r.lost_frames} frames lost (${r.late_ticks} late ticks)`);
    assert.ok(r.digits_sent > 0);
    assert.is(r.digits_detected, r.digits_sent, 'every key sent as audio was detected');
  });

test.run();
