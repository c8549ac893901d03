// flash() on an E1 timeslot: CAS has no hook flash (an on-hook is a clear),
// so it is refused and the call stays up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { connect } from './helpers.ts';

test('flash() on an E1 channel is refused with BOARD_STATE and does not clear the call', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const [[eng, net]] = await connect(board, [4]);
    const p = eng.flash({ durationMs: 300 }).then(
      () => null,
      (e: { code?: string; message?: string }) => e,
    );
    await board.advance(1000);
    const err = await p;
    assert.ok(err, 'flash() on E1 rejected');
    assert.is(err?.code, 'BOARD_STATE');
    assert.match(err?.message ?? '', 'analog');
    assert.is(eng.state, 'connected');
    assert.is(net.state, 'connected');
  } finally {
    await board.close();
  }
});

test.run();
