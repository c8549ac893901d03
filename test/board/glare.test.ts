// Line signalling edge cases on two sim boards joined by a cable:
// dual seizure (glare) and a far end that clears during the seizure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';

test('glare: both ends seize the same timeslot at once; both calls fail fast and both lines return to idle', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const eng = board.channel(3), net = board.network!.channel(3);
    const a = eng.call({ calledNumber: '12315', timeoutMs: 30000 });
    const b = net.call({ calledNumber: '12315', timeoutMs: 30000 });
    await board.advance(200);
    // A dual seizure is detected from the seizure received while we wait for
    // the seize-acknowledge (Q.421): well before the 30 s answer timeout.
    let settled = 0;
    const ra = await Promise.race([a, new Promise<null>((r) => setTimeout(r, 0, null))]);
    const rb = await Promise.race([b, new Promise<null>((r) => setTimeout(r, 0, null))]);
    if (ra) settled++;
    if (rb) settled++;
    assert.is(settled, 2, 'both calls settle within 200 ms of board time');
    assert.is(ra!.reason, 'error');
    assert.is(rb!.reason, 'error');
    await board.advance(100);
    assert.is(eng.state, 'idle');
    assert.is(net.state, 'idle');
    // The line works afterwards: a normal call goes through.
    const c = net.call({ timeoutMs: 5000 });
    await board.advance(40);
    assert.is(eng.state, 'ringing');
    await eng.answer();
    await board.advance(40);
    assert.is((await c).reason, 'done');
  } finally {
    await board.close();
  }
});

test('far end clears during the seizure (before answer): ring then idle on the called side, no stuck line', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const eng = board.channel(5), net = board.network!.channel(5);
    const types: string[] = [];
    eng.events$.subscribe((e) => types.push(e.type));
    const c = net.call({ timeoutMs: 5000 });
    await board.advance(40);
    assert.is(eng.state, 'ringing');
    await net.hangup();
    await board.advance(100);
    assert.is((await c).reason, 'hangup');
    assert.is(eng.state, 'idle');
    assert.is(net.state, 'idle');
    assert.ok(types.includes('hangup') && types.includes('idle'), types.join(','));
  } finally {
    await board.close();
  }
});

test.run();
