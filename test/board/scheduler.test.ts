// board.scheduler: RxJS timers on board time. In stepped mode they fire at the
// exact board millisecond, in order, during board.advance(); unsubscribing
// cancels them; in real-time mode they follow the native clock.
import { firstValueFrom, interval, take, timer, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;

test('stepped: timers fire at their board time, in order; unsubscribe cancels', async () => {
  const board = await openBoard(PROFILE);
  try {
    const fired: Array<[string, number]> = [];
    timer(5000, board.scheduler).subscribe(() => fired.push(['a', board.now()]));
    timer(1234, board.scheduler).subscribe(() => fired.push(['b', board.now()]));
    const c = timer(3000, board.scheduler).subscribe(() => fired.push(['c', board.now()]));
    const ticks = firstValueFrom(interval(1000, board.scheduler).pipe(take(3), toArray()));
    await board.advance(2000);
    c.unsubscribe();
    assert.equal(fired, [['b', 1240]], 'b fires at the first tick boundary at or after 1234 ms');
    await board.advance(4000);
    assert.equal(fired, [['b', 1240], ['a', 5000]]);
    assert.equal(await ticks, [0, 1, 2]);
    assert.is(board.now(), 6000);
    assert.is(board.scheduler.now(), 6000);
  } finally {
    await board.close();
  }
});

test('real-time: a 300 ms board timer fires after about 300 ms', async () => {
  const board = await openBoard(PROFILE, { mode: 'realtime' });
  try {
    const t0 = board.now();
    await firstValueFrom(timer(300, board.scheduler));
    const dt = board.now() - t0;
    assert.ok(dt >= 300 && dt < 1500, `fired after ${dt} board ms`); // upper bound lenient: CI shares its cores
  } finally {
    await board.close();
  }
});

test.run();
