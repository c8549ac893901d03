// Agent states and their legal transitions; the anchors' known failures
// (agent left reserved/ringing, wrap-up lost after a transfer, pause reason
// lost across a reconnect, transfers missing from the log) cannot happen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Acd } from '../../src/acd/acd.ts';
import { VirtualClock } from '../../src/acd/clock.ts';
import { Sfc32 } from '../../src/acd/rng.ts';
import { OPERATION_REASONS, type AcdConfig } from '../../src/acd/types.ts';
import { harness, refused, simple } from './_harness.ts';

test('login is not ready; ready and not ready with reason codes; illegal requests are refused with the state unchanged', () => {
  const h = harness(simple(1));
  const { acd } = h;
  refused(() => acd.setReady('a1'), 'ACD_STATE_REFUSED');
  assert.is(acd.agent('a1').state, 'loggedOut');
  acd.login('a1');
  assert.is(acd.agent('a1').state, 'notReady');
  refused(() => acd.login('a1'), 'ACD_STATE_REFUSED');
  acd.setNotReady('a1', '临时闭席');
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', '临时闭席']);
  refused(() => acd.setNotReady('a1', ' '), 'ACD_STATE_REFUSED');
  assert.is(acd.agent('a1').reason, '临时闭席');
  acd.setReady('a1');
  assert.is(acd.agent('a1').state, 'ready');
  refused(() => acd.endWrapUp('a1'), 'ACD_STATE_REFUSED');
  refused(() => acd.setReady('nobody'), 'ACD_UNKNOWN_AGENT');
  refused(() => acd.enter('c1', 'nope'), 'ACD_UNKNOWN_QUEUE');
  acd.enter('c1', 'q');
  refused(() => acd.enter('c1', 'q'), 'ACD_DUPLICATE_CALL');
  assert.is(acd.agent('a1').state, 'reserved');
  refused(() => acd.logout('a1'), 'ACD_STATE_REFUSED');
  refused(() => acd.hold('c1'), 'ACD_CALL_NOT_CONNECTED');
  acd.ringing('c1', 'a1');
  assert.is(acd.agent('a1').state, 'ringing');
  refused(() => acd.ringing('c1', 'a1'), 'ACD_NOT_OFFERED');
  acd.answered('c1', 'a1');
  assert.is(acd.agent('a1').state, 'talking');
  refused(() => acd.answered('c1', 'a1'), 'ACD_NOT_OFFERED');
  refused(() => acd.retrieve('c1'), 'ACD_STATE_REFUSED');
  acd.hold('c1');
  assert.is(acd.agent('a1').state, 'held');
  h.advance(7000);
  acd.retrieve('c1');
  h.advance(3000);
  acd.agentHangup('c1');
  const done = h.events.find((e) => e.type === 'complete');
  assert.equal(done && { talk: done.talkMs, hold: done.holdMs, by: done.by }, { talk: 3000, hold: 7000, by: 'agent' });
  assert.is(acd.agent('a1').state, 'ready');
  h.ok();
});

test('an offer not answered in N s returns the call to the queue at its place; M misses set the agent not ready', () => {
  const h = harness(simple(2, { ringTimeoutMs: 10_000, maxMisses: 2 }));
  const { acd } = h;
  acd.login('a1', { ready: true });
  for (const c of ['c1', 'c2', 'c3']) acd.enter(c, 'q');
  assert.equal(h.offers(), ['c1>a1']);
  acd.ringing('c1', 'a1');
  h.advance(10_000);
  assert.ok(h.decisions.some((d) => d.type === 'cancel-offer' && d.callId === 'c1' && d.reason === 'no-answer'));
  assert.ok(h.events.some((e) => e.type === 'ring-no-answer' && e.agentId === 'a1' && e.ringMs === 10_000));
  // Still first in line; offered again (the only ready agent), missed again.
  assert.is(acd.position('c1'), 1);
  assert.equal(h.offers(), ['c1>a1', 'c1>a1']);
  h.advance(10_000);
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'no-answer']);
  assert.equal([acd.position('c1'), acd.position('c2'), acd.position('c3')], [1, 2, 3]);
  // The next agent takes the first caller, not the last.
  acd.login('a2', { ready: true });
  assert.equal(h.offers().at(-1), 'c1>a2');
  h.ok();
});

test('anchor: the caller hanging up while an agent rings leaves the agent ready, logged as an abandon with its wait', () => {
  const h = harness(simple(1));
  const { acd } = h;
  acd.login('a1', { ready: true });
  h.advance(1000);
  acd.enter('c1', 'q', { callerNumber: '13800000001' });
  acd.ringing('c1', 'a1');
  h.advance(4000);
  acd.callerHangup('c1');
  assert.equal([acd.agent('a1').state, acd.agent('a1').misses], ['ready', 0]);
  assert.ok(h.decisions.some((d) => d.type === 'cancel-offer' && d.reason === 'caller-gone'));
  const ab = h.events.find((e) => e.type === 'abandon');
  assert.equal(ab && [ab.waitMs, ab.position], [4000, 1]);
  assert.equal(acd.callbacks().map((c) => [c.callId, c.reason, c.callerNumber]), [['c1', 'abandoned', '13800000001']]);
  refused(() => acd.answered('c1', 'a1'), 'ACD_UNKNOWN_CALL');
  // The ring timer of the ended offer must not fire later into anything.
  h.advance(60_000);
  assert.is(acd.agent('a1').state, 'ready');
  h.ok();
});

test('anchor: a failed offer (station fault) leaves the agent not ready, not reserved, and the call at its place', () => {
  const h = harness(simple(2));
  const { acd } = h;
  acd.login('a1', { ready: true });
  acd.enter('c1', 'q');
  acd.enter('c2', 'q');
  acd.offerFailed('c1', 'a1', 'station off hook');
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'offer-failed']);
  assert.equal([acd.position('c1'), acd.position('c2')], [1, 2]);
  assert.ok(h.events.some((e) => e.type === 'offer-failed' && e.why === 'station off hook'));
  acd.login('a2', { ready: true });
  assert.equal(h.offers(), ['c1>a1', 'c1>a2']);
  h.ok();
});

test('anchor: a transfer is logged and the transferring agent wraps up (to a queue, to an agent, outside)', () => {
  const cfg = simple(3, { wrapUpMs: 20_000 });
  cfg.queues.push({ id: 'q2', strategy: 'linear', members: [{ agent: 'a3' }] });
  cfg.queues[0].members.pop();
  const h = harness(cfg);
  const { acd } = h;
  acd.login('a1', { ready: true });
  acd.enter('c1', 'q');
  acd.answered('c1', 'a1');
  h.advance(30_000);
  acd.login('a2', { ready: true });
  acd.transfer('c1', { agent: 'a2' });
  assert.is(acd.agent('a1').state, 'workingAfterCall');
  assert.equal(h.offers().at(-1), 'c1>a2');
  const tr = h.events.find((e) => e.type === 'transfer');
  assert.equal(tr && [tr.agentId, tr.to, tr.talkMs], ['a1', 'agent:a2', 30_000]);
  // a2 lets it ring out: the call is back at the head of its queue and offered
  // again (a2 is the only ready member); still a transfer, not a second queue answer.
  h.advance(15_000);
  assert.ok(h.events.some((e) => e.type === 'ring-no-answer' && e.agentId === 'a2'));
  assert.equal([acd.agent('a2').state, acd.position('c1')], ['reserved', 1]);
  acd.answered('c1', 'a2');
  assert.equal(h.events.filter((e) => e.type === 'connect').map((e) => [e.agentId, (e as { transferred?: boolean }).transferred ?? false]), [['a1', false], ['a2', true]]);
  h.advance(5_000);
  assert.is(acd.agent('a1').state, 'ready');
  const wu = h.events.find((e) => e.type === 'wrap-up');
  assert.equal(wu && [wu.agentId, wu.callId, wu.wrapMs], ['a1', 'c1', 20_000]);
  // To a queue: a2's wrap-up starts, the call enters q2 and reaches a3.
  acd.login('a3', { ready: true });
  acd.transfer('c1', { queue: 'q2' });
  assert.is(acd.agent('a2').state, 'workingAfterCall');
  assert.equal(h.offers().at(-1), 'c1>a3');
  acd.answered('c1', 'a3');
  acd.transfer('c1', { external: '01012315' });
  assert.is(acd.agent('a3').state, 'ready', 'q2 has no wrap-up');
  assert.equal(h.events.filter((e) => e.type === 'transfer').map((e) => (e as { to: string }).to), ['agent:a2', 'queue:q2', 'external:01012315']);
  refused(() => acd.transfer('c1', { queue: 'q' }), 'ACD_UNKNOWN_CALL');
  // A refused transfer changes nothing.
  acd.enter('c2', 'q');
  acd.answered('c2', 'a1');
  refused(() => acd.transfer('c2', { agent: 'a2' }), 'ACD_TARGET_NOT_READY');
  assert.equal([acd.agent('a1').state, acd.agent('a1').callId], ['talking', 'c2']);
  h.ok();
});

test('anchor: the pause reason survives a seat reconnect and a logout/login; an idle ready agent whose seat is gone becomes not ready', () => {
  const h = harness({ ...simple(1), disconnectGraceMs: 30_000 });
  const { acd } = h;
  acd.login('a1');
  acd.setNotReady('a1', 'meal');
  acd.seatDisconnected('a1');
  h.advance(120_000);
  const snap = acd.seatReconnected('a1');
  assert.equal([snap.state, snap.reason], ['notReady', 'meal']);
  acd.logout('a1');
  acd.login('a1');
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'meal']);
  acd.setReady('a1');
  acd.seatDisconnected('a1');
  h.advance(10_000);
  acd.seatReconnected('a1');
  h.advance(60_000);
  assert.is(acd.agent('a1').state, 'ready', 'back within the grace time');
  acd.seatDisconnected('a1');
  h.advance(30_000);
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'disconnected']);
  h.ok();
});

test('an operation\'s not ready (consulted, outbound, intercom) is not kept across a logout: the next login is not ready (login), not stuck in it (found by test/seats/fuzz-calls)', () => {
  const h = harness(simple(1));
  const { acd } = h;
  for (const reason of OPERATION_REASONS) {
    acd.login('a1', { ready: true });
    acd.setNotReady('a1', reason);
    acd.logout('a1');
    acd.login('a1');
    assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'login'], reason);
    acd.setNotReady('a1', reason);
    acd.forceLogout('a1');
    acd.login('a1');
    assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'login'], `${reason}, forced out`);
    acd.logout('a1');
  }
  h.ok();
});

test('a dropped seat keeps the call; not ready asked during a call applies after wrap-up', () => {
  const h = harness(simple(1, { wrapUpMs: 5000 }));
  const { acd } = h;
  acd.login('a1', { ready: true });
  acd.enter('c1', 'q');
  acd.answered('c1', 'a1');
  acd.seatDisconnected('a1');
  acd.setNotReady('a1', 'training');
  h.advance(60_000);
  assert.equal([acd.agent('a1').state, acd.agent('a1').callId, acd.agent('a1').pendingNotReady], ['talking', 'c1', 'training']);
  acd.callerHangup('c1');
  assert.is(acd.agent('a1').state, 'workingAfterCall');
  h.advance(5000);
  assert.equal([acd.agent('a1').state, acd.agent('a1').reason], ['notReady', 'training']);
  h.ok();
});

test('a supervisor logs an agent out: at once when idle, after the call and wrap-up when busy; the wallboard counts states', () => {
  const h = harness(simple(3, { wrapUpMs: 10_000 }));
  const { acd } = h;
  acd.login('a1', { ready: true });
  acd.login('a2');
  acd.enter('c1', 'q');
  acd.answered('c1', 'a1');
  h.advance(5000);
  const wb = acd.wallboard();
  assert.equal(wb.byState, { loggedOut: 1, notReady: 1, ready: 0, reserved: 0, ringing: 0, talking: 1, held: 0, workingAfterCall: 0 });
  assert.equal(wb.agents.find((a) => a.id === 'a1')?.inStateMs, 5000);
  acd.forceLogout('a1');
  acd.forceLogout('a2');
  assert.equal([acd.agent('a1').state, acd.agent('a1').pendingLogout, acd.agent('a2').state], ['talking', true, 'loggedOut']);
  acd.callerHangup('c1');
  assert.is(acd.agent('a1').state, 'workingAfterCall');
  h.advance(10_000);
  assert.is(acd.agent('a1').state, 'loggedOut');
  assert.ok(h.events.some((e) => e.type === 'wrap-up' && e.agentId === 'a1'), 'the wrap-up was not lost to the logout');
  refused(() => acd.forceLogout('a3'), 'ACD_STATE_REFUSED');
  acd.login('a2');
  acd.setNotReady('a2', 'training');
  acd.forceLogout('a2');
  acd.login('a2');
  assert.equal([acd.agent('a2').state, acd.agent('a2').reason], ['notReady', 'training'], 'the reason survives a forced logout');
  h.ok();
});

test('a bad configuration is refused with ACD_CONFIG_INVALID naming the queue or agent', () => {
  const bad = (cfg: unknown, what: RegExp) => {
    try {
      new Acd(new VirtualClock(0), cfg as AcdConfig);
    } catch (e) {
      assert.is((e as { code?: string }).code, 'ACD_CONFIG_INVALID');
      assert.match(String((e as Error).message), what);
      return;
    }
    assert.unreachable(String(what));
  };
  bad({}, /lists agents and queues/);
  bad({ agents: [{ id: 'a' }, { id: 'a' }], queues: [] }, /agent 'a' is listed twice/);
  bad({ agents: [{ id: 'a', skills: { english: 0 } }], queues: [] }, /skill 'english' level 0/);
  bad({ agents: [{ id: 'a' }], queues: [{ id: 'q', strategy: 'fastest', members: [] }] }, /queue 'q': strategy 'fastest'/);
  bad({ agents: [{ id: 'a' }], queues: [{ id: 'q', strategy: 'linear', members: [{ agent: 'b' }] }] }, /member 'b' is not in the agent roster/);
  bad({ agents: [{ id: 'a' }], queues: [{ id: 'q', strategy: 'linear', members: [], ringTimeoutMs: -1 }] }, /ringTimeoutMs/);
});

test('random steps keep every invariant, and refusals are catalog errors', () => {
  const cfg = simple(5, { ringTimeoutMs: 8000, wrapUpMs: 3000, maxMisses: 2, strategy: 'ring-all' });
  cfg.queues.push({ id: 'q2', strategy: 'round-robin', members: [{ agent: 'a4' }, { agent: 'a5' }], maxWaitMs: 90_000 });
  const h = harness(cfg);
  const { acd } = h;
  const rng = new Sfc32(7);
  const r = (n: number) => Math.floor(rng.next() * n);
  const agents = acd.agentIds();
  let refusedN = 0;
  for (let i = 0; i < 8000; i++) {
    const a = agents[r(agents.length)];
    const c = `c${r(12)}`;
    const ops = [
      () => acd.login(a, { ready: r(2) === 0 }),
      () => acd.logout(a),
      () => acd.forceLogout(a),
      () => acd.setReady(a),
      () => acd.setNotReady(a, 'meal'),
      () => acd.enter(c, r(2) ? 'q' : 'q2', { priority: r(3) }),
      () => acd.ringing(c, a),
      () => acd.answered(c, a),
      () => {
        // Answer whatever is offered to this agent (random pairs rarely match).
        const s = acd.agent(a);
        if (s.callId && (s.state === 'reserved' || s.state === 'ringing')) acd.answered(s.callId, a);
      },
      () => {
        const s = acd.agent(a);
        if (s.callId) acd.agentHangup(s.callId);
      },
      () => acd.offerFailed(c, a),
      () => acd.callerHangup(c),
      () => acd.agentHangup(c),
      () => acd.hold(c),
      () => acd.retrieve(c),
      () => acd.transfer(c, r(2) ? { queue: 'q2' } : { agent: agents[r(5)] }),
      () => acd.endWrapUp(a),
      () => acd.seatDisconnected(a),
      () => acd.seatReconnected(a),
      () => acd.requestCallback(c),
      () => h.advance(r(10_000)),
    ];
    try {
      ops[r(ops.length)]();
    } catch (e) {
      assert.match(String((e as { code?: string }).code), /^ACD_/, String(e));
      refusedN++;
    }
    h.ok();
  }
  const connects = h.events.filter((e) => e.type === 'connect').length;
  assert.ok(refusedN > 100 && connects > 40, `refused ${refusedN}, connected ${connects}`);
});

test.run();
