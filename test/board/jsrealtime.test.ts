// OpenOptions.jsRealtime: the JS thread runs SCHED_FIFO (priority 5, below the
// clock thread) while a real-time board is open, where the system grants it,
// and gets its normal scheduling back on close; events still reach it.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { eventually } from '../_wait.ts';

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;

/** Scheduling policy of this process's main thread (proc(5) stat field 41). */
function policy(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('jsRealtime raises the JS thread while the board runs and restores it on close', async () => {
  assert.is(policy(), SCHED_OTHER, 'the test starts on a normal thread');
  const board = await openBoard('boards/sim-e1x2.json', { mode: 'realtime', jsRealtime: true });
  try {
    const granted = (board as unknown as { engine: { native: { stats(): { jsRtPriority: boolean } } } }).engine.native.stats().jsRtPriority;
    assert.is(policy(), granted ? SCHED_FIFO : SCHED_OTHER, `policy while open (SCHED_FIFO granted: ${granted})`);
    // Events still arrive: a call rings the engine side and the digits keyed travel as audio.
    const eng = board.channel(0);
    const caller = board.network!.channel(0);
    const seen: string[] = [];
    const sub = board.events$.subscribe((e) => {
      if (e.type === 'digit' && e.channel === 0) seen.push(e.digit);
    });
    const placed = caller.call({ timeoutMs: 5000 });
    await eventually(() => eng.state === 'ringing', 10_000, 10);
    await eng.answer();
    assert.is((await placed).reason, 'done');
    const keys = eng.getDigits({ max: 3, firstDigitTimeoutMs: 3000 });
    await caller.sendDigits('159');
    assert.is((await keys).digits, '159');
    assert.equal(seen, ['1', '5', '9'], 'board.events$ subscribers get the digit events');
    sub.unsubscribe();
  } finally {
    await board.close();
  }
  assert.is(policy(), SCHED_OTHER, 'normal scheduling is back after close');
});

test('jsRealtime must be a boolean', async () => {
  try {
    await openBoard('boards/sim-e1x2.json', { mode: 'realtime', jsRealtime: 'yes' as unknown as boolean });
    assert.unreachable('a non-boolean jsRealtime was accepted');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'BOARD_ARG');
  }
});

test.run();
