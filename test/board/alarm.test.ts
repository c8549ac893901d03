// Span alarms and line impairments on the simulated cable: a pulled cable
// raises LOS on both ends within 100 ms of board time and clears every call;
// plugging it back clears the alarm and the channels return to idle. Error
// counters (CRC-4, bipolar violations, slips, errored seconds) count what the
// impairments inject; RAI and AIS reach the far end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { AlarmEvent, BoardEvent } from '../../src/board/types.ts';
import { connect } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;

test('pulling the cable: LOS on both ends within 100 ms, every call clears, the alarm clears when it is back', async () => {
  const board = await openBoard(PROFILE);
  const net = board.network!;
  try {
    const idx = [0, 7, 14, 15, 29];
    const pairs = await connect(board, [...idx, 30, 31]); // calls on span 0 and span 1
    const engEvents: BoardEvent[] = [];
    const netEvents: BoardEvent[] = [];
    board.events$.subscribe((e) => engEvents.push(e));
    net.events$.subscribe((e) => netEvents.push(e));
    const playing = pairs[0][0].play({ encoding: 'alaw', data: new Uint8Array(80000).fill(0xd5) });
    const t0 = board.now();
    board.spans[0].setCable(false);
    await board.advance(100);
    const los = (evs: BoardEvent[]) => evs.find((e): e is AlarmEvent => e.type === 'alarm' && e.alarm === 'los' && e.raised && e.span === 0);
    const le = los(engEvents);
    const ln = los(netEvents);
    assert.ok(le, 'LOS raised on the engine side');
    assert.ok(ln, 'LOS raised on the network side');
    assert.ok(le!.time - t0 <= 100 && ln!.time - t0 <= 100, `LOS after ${le!.time - t0} / ${ln!.time - t0} ms`);
    assert.ok(board.spans[0].status().alarms.los);
    assert.ok(net.spans[0].status().alarms.los);
    assert.is(board.spans[1].status().alarms.los, false, 'the other span is untouched');
    for (let i = 0; i < idx.length; i++) {
      const [e, n] = pairs[i];
      assert.ok(engEvents.some((x) => x.type === 'hangup' && x.channel === e.index && x.cause === 'alarm'), `${e.name} got hangup(alarm)`);
      assert.ok(netEvents.some((x) => x.type === 'hangup' && x.channel === n.index && x.cause === 'alarm'), `${n.name} got hangup(alarm)`);
      assert.is(e.state, 'blocked');
      assert.is(n.state, 'blocked');
    }
    assert.is((await playing).reason, 'hangup', 'the prompt stopped with reason hangup');
    assert.is(pairs[5][0].state, 'connected', 'a call on span 1 stays up');
    const err = await board.channel(3).call().then(() => null, (e: Error & { code?: string }) => e);
    assert.is(err?.code, 'BOARD_STATE', 'no call on a blocked channel');

    board.spans[0].setCable(true);
    await board.advance(100);
    assert.ok(engEvents.some((e) => e.type === 'alarm' && e.alarm === 'los' && !e.raised && e.span === 0), 'LOS cleared on the engine side');
    assert.ok(netEvents.some((e) => e.type === 'alarm' && e.alarm === 'los' && !e.raised && e.span === 0), 'LOS cleared on the network side');
    for (const ch of board.spans[0].channels) assert.is(ch.state, 'idle', `${ch.name} idle again`);
    // And a new call works on the repaired span.
    await connect(board, [7]);
    assert.ok(board.spans[0].status().counters.erroredSeconds >= 0);
  } finally {
    await board.close();
  }
});

test('RAI and AIS reach the far end; bit errors and slips are counted', async () => {
  const board = await openBoard(PROFILE);
  const net = board.network!;
  try {
    net.spans[1].sendRai(true);
    await board.advance(50);
    assert.ok(board.spans[1].status().alarms.rai, 'RAI seen by the engine');
    assert.is(board.spans[1].channels[0].state, 'idle', 'RAI alone does not block channels');
    net.spans[1].sendRai(false);
    net.spans[1].sendAis(true);
    await board.advance(50);
    const st = board.spans[1].status();
    assert.ok(st.alarms.ais && !st.alarms.rai, 'AIS replaced RAI');
    assert.is(board.spans[1].channels[0].state, 'blocked');
    net.spans[1].sendAis(false);
    await board.advance(50);
    assert.is(board.spans[1].channels[0].state, 'idle');

    const before = board.spans[0].status().counters;
    board.spans[0].impair({ bitErrorRate: 1e-4, slipsPerMinute: 60 });
    await board.advance(5000);
    const after = board.spans[0].status().counters;
    // 2.048 Mbit/s x 5 s x 1e-4 = about 1,024 errors.
    const bpv = after.bipolarViolations - before.bipolarViolations;
    assert.ok(bpv > 800 && bpv < 1300, `bipolar violations ${bpv}`);
    assert.ok(after.crc4Errors - before.crc4Errors > 500, `CRC-4 errors ${after.crc4Errors - before.crc4Errors}`);
    assert.ok(after.slips - before.slips >= 4 && after.slips - before.slips <= 6, `slips ${after.slips - before.slips}`);
    assert.ok(after.erroredSeconds - before.erroredSeconds >= 4, `errored seconds ${after.erroredSeconds - before.erroredSeconds}`);
    assert.is(net.spans[0].status().counters.bipolarViolations, 0, 'impairments act on the receiving end only');
    board.spans[0].impair({ bitErrorRate: 0, slipsPerMinute: 0 });
  } finally {
    await board.close();
  }
});

test('a call attempt: timeout when nobody answers, stopped when aborted, hangup when rejected', async () => {
  const board = await openBoard(PROFILE);
  const net = board.network!;
  try {
    const t = net.channel(2).call({ timeoutMs: 1000 });
    await board.advance(1100);
    assert.is((await t).reason, 'timeout');
    await board.advance(50);
    assert.is(net.channel(2).state, 'idle');
    assert.is(board.channel(2).state, 'idle', 'the called side saw the seizure released');
    const ac = new AbortController();
    const a = net.channel(3).call({ signal: ac.signal });
    await board.advance(100);
    ac.abort();
    await board.advance(50);
    assert.is((await a).reason, 'stopped');
    assert.is(net.channel(3).state, 'idle');
    // Seize and release before the far end could see it: no stuck line.
    const q = net.channel(5).call();
    await net.channel(5).hangup();
    await board.advance(60);
    assert.is((await q).reason, 'hangup');
    assert.is(net.channel(5).state, 'idle', 'a seizure released at once clears');
    assert.is(board.channel(5).state, 'idle');
    const r = net.channel(4).call();
    await board.advance(50);
    await board.channel(4).hangup(); // reject while ringing
    await board.advance(50);
    assert.is((await r).reason, 'hangup');
    await board.advance(50);
    assert.is(net.channel(4).state, 'idle');
    assert.is(board.channel(4).state, 'idle');
  } finally {
    await board.close();
  }
});

test.run();
