// Line events other than the ABCD bits (polarity reversal, ring bursts, winks,
// a flash the card timed, an analog hook) come from the driver with a slot
// per kind and channel: a burst of one kind inside one tick coalesces into its
// own slot (the newest value kept, the rest counted in lineDrops) and never
// pushes out another kind's event. On the sim they are injected on what a
// channel receives (simulateLine), as a card would report them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { BoardEvent, LineEvent } from '../../src/board/types.ts';
import { connect } from './helpers.ts';

const PROFILE = 'boards/sim-mixed.json';

test('a burst of polarity reversals in one tick is one event with the newest value; ring and wink of the same tick are not lost', async () => {
  const board = await openBoard(PROFILE);
  try {
    const ch = board.channel(2, 1); // an FXO exchange line
    const events: BoardEvent[] = [];
    ch.events$.subscribe((e) => events.push(e));
    for (let i = 0; i < 5; i++) ch.simulateLine('polarity', i % 2 === 0 ? 1 : 0); // ends on 1
    ch.simulateLine('ring', 1);
    ch.simulateLine('wink');
    await board.advance(20);
    const line = events.filter((e): e is LineEvent => e.type === 'line');
    assert.equal(line.map((e) => [e.kind, e.value]), [['ring', 1], ['polarity', 1], ['wink', 1]], JSON.stringify(line));
    const drops = board.spans[2].status().counters.lineDrops;
    assert.equal(drops, { bits: 0, hook: 0, ring: 0, polarity: 4, wink: 0, flash: 0 });
    assert.equal(board.spans[0].status().counters.lineDrops.polarity, 0, 'counted on its own span only');
    await board.advance(20);
    assert.is(events.filter((e) => e.type === 'line').length, 3, 'each taken once');
    assert.throws(() => ch.simulateLine('bits' as never), /kind must be one of hook, ring, polarity, wink, flash/);
  } finally {
    await board.close();
  }
});

test('a flash the card timed (the flash kind) is a flash of the call on a port that tells flashes from hang-ups', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[eng]] = await connect(board, [board.channel(1, 3).index]); // an FXS station port, hook guard on
    const events: BoardEvent[] = [];
    eng.events$.subscribe((e) => events.push(e));
    eng.simulateLine('flash');
    await board.advance(20);
    assert.ok(events.some((e) => e.type === 'flash'), `flash: ${events.map((e) => e.type)}`);
    assert.ok(events.some((e) => e.type === 'line' && e.kind === 'flash'));
    assert.is(eng.state, 'connected', 'a flash is not a hang-up');
  } finally {
    await board.close();
  }
});

test.run();
