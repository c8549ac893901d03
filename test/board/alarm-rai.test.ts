// E1 consequent actions (G.732, G.775): a span that receives AIS (or loses
// the signal) sends RAI back, so the far end's technician sees the yellow
// alarm; RAI alone takes no channel out of service and is no errored second.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { BoardEvent } from '../../src/board/types.ts';

test('AIS received on one end: that end blocks its channels and returns RAI to the sender within 100 ms; both clear within 100 ms', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  const net = board.network!;
  try {
    const netEvents: BoardEvent[] = [];
    net.events$.subscribe((e) => netEvents.push(e));
    await board.advance(50);
    const t0 = board.now();
    net.spans[1].sendAis(true);
    await board.advance(100);
    assert.ok(board.spans[1].status().alarms.ais, 'the engine side sees AIS');
    assert.is(board.spans[1].channels[0].state, 'blocked');
    const rai = netEvents.find((e) => e.type === 'alarm' && e.alarm === 'rai' && e.raised && e.span === 1);
    assert.ok(rai, 'RAI raised on the AIS sender');
    assert.ok(rai!.time - t0 <= 100, `RAI after ${rai!.time - t0} ms`);
    assert.ok(net.spans[1].status().alarms.rai);
    assert.is(net.spans[1].channels[0].state, 'idle', 'RAI alone blocks nothing');
    const es = net.spans[1].status().counters.erroredSeconds;
    await board.advance(3000);
    assert.is(net.spans[1].status().counters.erroredSeconds, es, 'a received RAI is no errored second at the receiving end');
    const t1 = board.now();
    net.spans[1].sendAis(false);
    await board.advance(100);
    const clear = netEvents.find((e) => e.type === 'alarm' && e.alarm === 'rai' && !e.raised && e.span === 1);
    assert.ok(clear && clear.time - t1 <= 100, 'RAI cleared within 100 ms');
    assert.not.ok(net.spans[1].status().alarms.rai);
    assert.is(board.spans[1].channels[0].state, 'idle');
    // The untouched span 0 never saw either.
    assert.not.ok(net.spans[0].status().alarms.rai || board.spans[0].status().alarms.rai);
  } finally {
    await board.close();
  }
});

test.run();
