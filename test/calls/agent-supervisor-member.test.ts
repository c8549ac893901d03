// A supervisor who is also a member of a queue (he answers queue calls
// himself, a supervisor operation of issue 10): while he supervises an
// agent's call his telephone is taken, so the ACD offers him nothing — no
// offer, no failed offer, no miss, his state untouched — and a call that
// comes meanwhile waits for someone else. When he leaves the call he is
// offered it. Before, the ACD offered it to him, the switchboard found his
// station busy, and the failed offer set him not ready.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('a ready supervisor in the roster is not offered calls while he supervises (no miss, no not ready); he is offered the waiting call when he leaves', async () => {
  h = await agentHarness(roster(2, 'linear'));
  const e = h.engine;
  const acd = e.core.acd!;
  const ops = e.core.ops!;
  const sb = e.core.switchboard!;
  const [a1, sup] = h.stations;
  h.login('1001');
  const c1 = h.caller(3, '13900000001');
  const c2 = h.caller(4, '13900000002');
  await h.run(
    (async () => {
      await h.toStation(c1, a1, '1001 rings');
      await h.sleep(300);
      await sup.liftHandset(); // his headset
      h.login('1002'); // ready, a member of the queue
      await ops.supervise('1002', '1001', 'listen');
      await h.toAgent(c2);
      await h.sleep(3000);
      assert.is(acd.queue('agents').waiting, 1, 'the second call waits');
      assert.is(acd.agent('1002').state, 'ready', 'the supervisor is left ready (not set not ready by a failed offer)');
      assert.is(acd.agent('1002').misses, 0, 'no missed offer counted');
      assert.is(sb.callOf('1001')?.state, 'talking');
      ops.leave('1002');
      await h.sleep(500);
      assert.is(acd.agent('1002').state, 'ringing', 'offered the waiting call once he left (zip tone: his headset is on)');
      sb.answer('1002');
      await h.sleep(300);
      assert.is(sb.callOf('1002')?.state, 'talking');
    })(),
  );
  await h.run(c2.hangup());
  await h.run(c1.hangup());
  await h.run(e.core.idle());
  await h.run(a1.hangUp());
  await h.run(sup.hangUp());
  await acd.settled();
  const ev = [...e.queueLog!.events()];
  assert.equal(ev.filter((x) => x.type === 'offer-failed' || x.type === 'ring-no-answer'), [], 'no failed or missed offer');
  const offers = ev.filter((x) => x.type === 'offer').map((x) => (x as { agentId: string }).agentId);
  assert.equal(offers, ['1001', '1002'], 'one offer each: 1002 only after he left the supervised call');
  assert.equal(ev.filter((x) => x.type === 'agent-state' && x.agentId === '1002' && x.to === 'notReady'), []);
  assert.equal(acd.check(), []);
});

test('the supervisor, rung for the supervision, leaves by hanging up while a call waits: his telephone rings with it once the port is idle', async () => {
  h = await agentHarness(roster(2, 'linear'));
  const e = h.engine;
  const acd = e.core.acd!;
  const ops = e.core.ops!;
  const [a1, sup] = h.stations;
  h.login('1001');
  const c1 = h.caller(3, '13900000001');
  const c2 = h.caller(4, '13900000002');
  await h.run(
    (async () => {
      await h.toStation(c1, a1, '1001 rings');
      await h.sleep(300);
      h.login('1002');
      const joined = ops.supervise('1002', '1001', 'barge');
      assert.ok(await sup.waitRing(5000), 'the supervisor\'s telephone rings for the supervision');
      await sup.liftHandset();
      await joined;
      await h.toAgent(c2);
      await h.sleep(2000);
      assert.is(acd.queue('agents').waiting, 1, 'the second call waits');
      await sup.hangUp();
      assert.ok(await sup.waitRing(5000), 'his telephone rings with the waiting call');
      await sup.liftHandset();
      await h.sleep(300);
      assert.is(acd.agent('1002').state, 'talking');
    })(),
  );
  await h.run(c2.hangup());
  await h.run(c1.hangup());
  await h.run(e.core.idle());
  await h.run(a1.hangUp());
  await h.run(sup.hangUp());
  await acd.settled();
  const ev = [...e.queueLog!.events()];
  assert.equal(ev.filter((x) => x.type === 'offer-failed' || x.type === 'ring-no-answer'), [], 'no failed or missed offer');
  assert.equal(ev.filter((x) => x.type === 'agent-state' && x.agentId === '1002' && x.to === 'notReady'), []);
  assert.equal(acd.check(), []);
});

test.run();
