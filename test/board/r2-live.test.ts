// China No.1 on a board running in real time: channel.r2() and
// span.r2Counters() read what the tick published (a triple buffer per
// channel, signalling/r2_board.cc), so a technician sees the MF trace grow
// while the compelled cycles run, without stopping the clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { BoardProfile, R2Info, RingEvent } from '../../src/board/types.ts';
import { eventually } from '../_wait.ts';

const PROFILE: BoardProfile = {
  name: 'sim-china-no1-live',
  driver: 'sim',
  tickMs: 10,
  spans: [{ type: 'E1', signalling: 'china-no1', r2: { maxDnis: 5, aniAfter: 1 } }],
  network: { type: 'loop' },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('real time: the MF trace and the counters of a channel in register signalling are read live, then the whole call', async () => {
  const board = await openBoard(PROFILE, { mode: 'realtime' });
  try {
    const eng = board.channel(6), net = board.network!.channel(6);
    let ring: RingEvent | undefined;
    eng.events$.subscribe((e) => { if (e.type === 'ring') ring = e; });
    const before = eng.r2()!;
    assert.is(before.state, 'idle');
    assert.is(before.trace.length, 0);
    const call = net.call({ callerNumber: '02087654321', calledNumber: '12315' });
    // Poll while the compelled cycles run (about 2 s of line time): snapshots mid-setup.
    const seen: R2Info[] = [];
    const end = Date.now() + 30_000;
    while (!ring && Date.now() < end) {
      seen.push(eng.r2()!);
      await sleep(20);
    }
    assert.ok(ring, 'the call was offered within 30 s');
    const mid = seen.filter((s) => s.state === 'in-register');
    assert.ok(mid.length >= 5, `read in register signalling ${mid.length} times (states: ${[...new Set(seen.map((s) => s.state))].join(',')})`);
    const lengths = mid.map((s) => s.trace.length);
    assert.ok(lengths[lengths.length - 1] > lengths[0], `the trace grew while we read it: ${lengths.join(',')}`);
    await sleep(50);
    const now = eng.r2()!;
    assert.is(now.state, 'in-offered');
    assert.is(now.callerNumber, '02087654321');
    assert.is(now.calledNumber, '12315');
    assert.is(now.category, 1);
    assert.ok(now.trace.some((l) => /rx\s+KA-1\s+ordinary/.test(l)), now.trace.join('\n'));
    assert.ok(now.trace.some((l) => /tx\s+KB-1\s/.test(l)), 'KB free sent');
    assert.is(now.counters.callsIn, 1);
    assert.ok(now.counters.mfReceived >= 13, `MF received ${now.counters.mfReceived} (5 + KA + 11 + I-15 at least)`);
    const span = board.spans[0].r2Counters()!;
    assert.is(span.callsIn, 1);
    assert.is(span.offered, 1);
    assert.is(board.network!.spans[0].r2Counters()!.callsOut, 1, "the far end's counters, live too");
    await eng.answer();
    assert.is((await call).reason, 'done');
    await eventually(() => eng.r2()!.state === 'in-answered', 10_000);
    assert.is(eng.r2()!.state, 'in-answered');
    assert.is(board.spans[0].r2Counters()!.answered, 1, 'our answer counted, live');
    await net.hangup();
    await eventually(() => eng.r2()!.state === 'idle', 10_000);
    assert.is(eng.r2()!.state, 'idle', 'clear-forward, release guard: idle, as published');
  } finally {
    await board.close();
  }
});

test.run();
