// The caller side as decisions: position and periodic announcements, maximum
// wait and overflow, empty-queue rules, the callback list, a caller who calls
// back keeps his place. (Office hours and the night bell are the flow's
// `hours` node: test/ivr/hours.test.ts, test/calls/night-bell.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CallbackList } from '../../src/acd/callbacks.ts';
import { Acd } from '../../src/acd/acd.ts';
import { VirtualClock } from '../../src/acd/clock.ts';
import type { Decision } from '../../src/acd/types.ts';
import { harness, refused, simple } from './_harness.ts';

const of = <T extends Decision['type']>(ds: Decision[], t: T) => ds.filter((d): d is Extract<Decision, { type: T }> => d.type === t);

test('position and estimated wait first after 10 s then every 30 s; periodic announcement every 45 s; none after connect', () => {
  const h = harness(simple(2, { announce: { positionFirstMs: 10_000, positionEveryMs: 30_000, periodicEveryMs: 45_000 } }));
  const { acd } = h;
  acd.login('a1', { ready: true });
  acd.login('a2');
  acd.enter('c0', 'q');
  acd.answered('c0', 'a1');
  h.advance(180_000);
  acd.agentHangup('c0'); // the queue's mean handle time is now 180 s
  acd.setNotReady('a1', 'meal');
  acd.setReady('a2');
  acd.setNotReady('a2', 'meal');
  acd.setReady('a1');
  acd.enter('c1', 'q');
  acd.answered('c1', 'a1');
  acd.enter('c2', 'q');
  acd.enter('c3', 'q');
  h.decisions.length = 0;
  h.advance(10_000);
  assert.equal(of(h.decisions, 'announce-position').map((d) => [d.callId, d.position, d.estimatedWaitMs]), [
    ['c2', 1, 180_000],
    ['c3', 2, 360_000],
  ]);
  h.advance(35_000);
  assert.equal(of(h.decisions, 'announce-position').length, 4);
  assert.equal(of(h.decisions, 'announce-periodic').map((d) => d.callId), ['c2', 'c3']);
  acd.agentHangup('c1');
  acd.answered('c2', 'a1');
  h.decisions.length = 0;
  h.advance(100_000);
  assert.ok(of(h.decisions, 'announce-position').every((d) => d.callId === 'c3' && d.position === 1));
  assert.is(of(h.decisions, 'announce-periodic').filter((d) => d.callId === 'c2').length, 0);
});

test('maximum wait: the call overflows to the director\'s mailbox or a callback request, logged with its wait', () => {
  const h = harness(simple(1, { maxWaitMs: 120_000, overflow: { kind: 'mailbox', mailbox: 'director' } }));
  const { acd } = h;
  acd.login('a1');
  acd.enter('c1', 'q');
  h.advance(60_000);
  acd.enter('c2', 'q', { callerNumber: '13900000002' });
  h.advance(60_000);
  assert.equal(of(h.decisions, 'overflow').map((d) => [d.callId, d.reason, d.target]), [['c1', 'max-wait', { kind: 'mailbox', mailbox: 'director' }]]);
  acd.requestCallback('c2'); // pressed 1: "we will call you back"
  assert.equal(h.events.filter((e) => e.type === 'overflow').map((e) => [e.callId, e.waitMs, e.reason, e.target]), [
    ['c1', 120_000, 'max-wait', 'mailbox:director'],
    ['c2', 60_000, 'callback-request', 'callback'],
  ]);
  assert.equal(acd.callbacks().map((c) => [c.callId, c.reason, c.callerNumber]), [['c2', 'requested', '13900000002']]);
  acd.callbackDone('c2');
  assert.equal(acd.callbacks(), []);
  refused(() => acd.callbackDone('c2'), 'ACD_UNKNOWN_CALL');
  assert.is(acd.activeCalls, 0);
  h.ok();
});

test('empty queue: refuse when nobody is logged in; leave after N s when nobody is ready; join otherwise', () => {
  const h = harness(simple(1, { whenEmpty: { noneLoggedIn: 'refuse', noneReady: 'leave', leaveAfterMs: 20_000, target: { kind: 'flow', node: 'leave-message' } } }));
  const { acd } = h;
  assert.equal(acd.enter('c1', 'q'), { joined: false, reason: 'none-logged-in' });
  assert.ok(h.events.some((e) => e.type === 'refuse' && e.callId === 'c1'));
  acd.login('a1'); // not ready
  assert.equal(acd.enter('c2', 'q'), { joined: true, position: 1 });
  h.advance(20_000);
  assert.equal(of(h.decisions, 'overflow').map((d) => [d.callId, d.reason, d.target]), [['c2', 'empty', { kind: 'flow', node: 'leave-message' }]]);
  // Busy agents are not "empty": the caller waits for them.
  acd.setReady('a1');
  acd.enter('c3', 'q');
  acd.answered('c3', 'a1');
  acd.enter('c4', 'q');
  h.advance(60_000);
  assert.is(acd.position('c4'), 1);
  // The queue empties while c4 waits (its last agent goes not ready after his call): c4 leaves too.
  acd.setNotReady('a1', 'meal');
  acd.agentHangup('c3');
  assert.is(acd.agent('a1').state, 'notReady');
  h.advance(20_000);
  assert.equal(of(h.decisions, 'overflow').map((d) => [d.callId, d.reason]), [['c2', 'empty'], ['c4', 'empty']]);
  h.ok();
});

test('an abandoned call goes to the callback list; calling back within N s keeps the place; answering clears the entry', () => {
  const h = harness(simple(1, { rejoinKeepsPlaceMs: 60_000 }));
  const { acd } = h;
  acd.login('a1');
  acd.enter('c1', 'q', { callerNumber: '13500000001' });
  acd.enter('c2', 'q', { callerNumber: '13500000002' });
  acd.enter('c3', 'q');
  h.advance(10_000);
  acd.callerHangup('c1');
  assert.equal(acd.callbacks().map((c) => [c.callId, c.waitMs]), [['c1', 10_000]]);
  h.advance(30_000);
  const back = acd.enter('c1b', 'q', { callerNumber: '13500000001' });
  assert.equal(back, { joined: true, position: 1 });
  assert.ok(h.events.some((e) => e.type === 'enter' && e.callId === 'c1b' && e.rejoin === true));
  // Too late: c2 hangs up and calls back after 60 s, to the end of the line.
  acd.callerHangup('c2');
  h.advance(61_000);
  assert.equal(acd.enter('c2b', 'q', { callerNumber: '13500000002' }), { joined: true, position: 3 });
  acd.setReady('a1');
  acd.answered('c1b', 'a1');
  assert.equal(acd.callbacks().map((c) => c.callId), ['c2'], 'c1 got through: no callback needed');
  h.ok();
});

test('the callback list survives a restart: rebuilt from the queue log (abandons, requests with their number, done, answered later)', () => {
  const h = harness(simple(1, { callbackKey: '1' }));
  const { acd } = h;
  acd.login('a1');
  acd.enter('c1', 'q', { callerNumber: '13500000001' });
  acd.enter('c2', 'q', { callerNumber: '13500000002' });
  acd.enter('c3', 'q', { callerNumber: '13500000003' });
  acd.enter('c4', 'q', { callerNumber: '13500000004' });
  h.advance(5000);
  acd.callerHangup('c1');
  h.advance(1000);
  acd.requestCallback('c2');
  acd.callbackNumber('c2', '88001234');
  acd.callerHangup('c3');
  acd.callbackDone('c3');
  acd.callerHangup('c4');
  h.advance(1000);
  acd.enter('c4b', 'q', { callerNumber: '13500000004' });
  acd.setReady('a1');
  acd.answered('c4b', 'a1'); // got through: no callback owed
  refused(() => acd.callbackNumber('nope', '1234567'), 'ACD_UNKNOWN_CALL');
  const before = acd.callbacks();
  assert.equal(before.map((e) => [e.callId, e.reason, e.number]), [['c1', 'abandoned', undefined], ['c2', 'requested', '88001234']]);
  const rebuilt = CallbackList.fromLog(h.events);
  assert.equal(rebuilt.list(), before, 'the same list from the log alone');
  const restarted = new Acd(new VirtualClock(0), { ...simple(1), callbacks: rebuilt });
  assert.equal(restarted.callbacks(), before);
  restarted.callbackDone('c1');
  assert.equal(restarted.callbacks().map((e) => e.callId), ['c2']);
  assert.equal(CallbackList.fromLog(h.events, before[1].at).list().map((e) => e.callId), ['c2'], 'older entries left out');
  refused(() => harness(simple(1, { callbackKey: '12' })), 'ACD_CONFIG_INVALID');
  h.ok();
});

test.run();
