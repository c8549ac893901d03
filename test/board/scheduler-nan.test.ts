// board.scheduler given a NaN delay (e.g. a computed timeout from a missing
// setting): the action runs at once, as setTimeout would, and does not block
// every action after it nor freeze advance().
import { firstValueFrom, timer } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';

test('real time: a NaN-delay timer fires and later timers still fire', async () => {
  const board = await openBoard('boards/sim-e1x2.json', { mode: 'realtime' });
  try {
    const fired: string[] = [];
    timer(NaN, board.scheduler).subscribe(() => fired.push('nan'));
    const later = firstValueFrom(timer(50, board.scheduler)).then(() => fired.push('50'));
    // Wait for the later timer itself (bounded in wall time), not a fixed sleep.
    let guard: NodeJS.Timeout | undefined;
    await Promise.race([later, new Promise((r) => (guard = setTimeout(r, 10_000)))]);
    clearTimeout(guard);
    assert.equal(fired, ['nan', '50']);
  } finally {
    await board.close();
  }
});

test('stepped: advance() completes with a NaN-delay action queued', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const t0 = board.now();
    const nan = firstValueFrom(timer(NaN, board.scheduler));
    let later = -1;
    timer(50, board.scheduler).subscribe(() => (later = board.now() - t0));
    await board.advance(100);
    await nan;
    assert.is(board.now() - t0, 100);
    assert.is(later, 50);
  } finally {
    await board.close();
  }
});

test.run();
