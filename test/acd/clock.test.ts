// The ACD's time: virtual time (a heap that runs equal due times in the order
// they were set, and skips cancelled timers), and board time through the
// board's RxJS scheduler, where the same core's ring timeout falls due only
// when the board's clock passes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Acd } from '../../src/acd/acd.ts';
import { schedulerClock, VirtualClock } from '../../src/acd/clock.ts';
import { BoardScheduler } from '../../src/board/scheduler.ts';
import { Sfc32 } from '../../src/acd/rng.ts';

test('virtual time: due order, equal times in the order set, cancelled timers skipped', () => {
  const c = new VirtualClock(100);
  const ran: string[] = [];
  c.setTimer(30, () => ran.push('b'));
  c.setTimer(10, () => ran.push('a'));
  c.setTimer(30, () => ran.push('c'));
  const x = c.setTimer(20, () => ran.push('x'));
  c.setTimer(-5, () => ran.push('now'));
  x.cancel();
  assert.is(c.runUntil(129), 2);
  assert.equal(ran, ['now', 'a']);
  assert.is(c.now(), 129);
  c.advance(1);
  assert.equal(ran, ['now', 'a', 'b', 'c']);
  // A heap under random insertions still pops in (due, order) order.
  const rng = new Sfc32(3);
  const got: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const d = Math.floor(rng.next() * 1000);
    c.setTimer(d, () => got.push(c.now()));
  }
  c.advance(1000);
  assert.is(got.length, 2000);
  for (let i = 1; i < got.length; i++) assert.ok(got[i] >= got[i - 1]);
});

test('board time: the ACD on a BoardScheduler rings out when the board clock passes the ring timeout', () => {
  let boardMs = 0;
  const sched = new BoardScheduler(() => boardMs);
  const acd = new Acd(schedulerClock(sched), { agents: [{ id: 'a1' }], queues: [{ id: 'q', strategy: 'linear', members: [{ agent: 'a1' }], ringTimeoutMs: 15_000, maxMisses: 1 }] });
  acd.login('a1', { ready: true });
  acd.enter('c1', 'q');
  acd.ringing('c1', 'a1');
  const tick = (ms: number) => {
    boardMs += ms;
    sched.runDue();
  };
  tick(14_990);
  assert.is(acd.agent('a1').state, 'ringing');
  tick(10);
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason, acd.position('c1')], ['notReady', 'no-answer', 1]);
  assert.equal(acd.check(), []);
});

test.run();
