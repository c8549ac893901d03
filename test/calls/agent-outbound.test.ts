// Calls placed from an agent's telephone: 座席呼出 to a consumer from the
// ACD's callback list on an outbound trunk (the far end a simulated phone on
// the exchange line's network side), with its call record; 呼叫班长 from an
// on-hook phone (click to dial: his phone rings first). Audio both ways by
// correlation; the agent is kept from offers meanwhile and ready after.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStation } from '../../src/calls/sim-station.ts';
import { agentHarness, callBack, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('座席呼出 from the callback list: the abandoned caller is called back on an outbound trunk; both hear each other; call record; the entry leaves the list', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  const acd = e.core.acd!;
  const a1 = h.stations[0];
  const consumer = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/consumer' });
  let called = '';
  consumer.phone.events$.subscribe((x) => x.type === 'ring' && (called = x.calledNumber ?? ''));
  h.login('1001');
  acd.setNotReady('1001', 'meal');
  const c = h.caller(1, '13811112222');
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(3000);
      await c.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  const entry = acd.callbacks().find((x) => x.callerNumber === '13811112222');
  assert.ok(entry, 'the abandoned call is on the callback list');
  acd.setReady('1001');
  const { callId, agentFile } = await callBack(h, '1001', a1, consumer, { number: entry!.callerNumber!, callback: entry!.callId }, () => {
    assert.is(acd.agent('1001').state, 'notReady', 'no offers while he calls out');
  });
  assert.is(called, '13811112222');
  assert.ok(score(consumer.heard(), prompt(e, 'zh', 'kb_office')) > 0.8, 'the consumer hears the agent');
  assert.ok(score(heardIn(agentFile), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the agent hears the consumer');
  assert.ok(!acd.callbacks().some((x) => x.callId === entry!.callId), 'the callback entry is done');
  const rec = await e.store.getCallRecord(callId);
  assert.ok(rec, 'a call record for the outbound call');
  assert.is(rec!.outcome, 'outbound_completed');
  assert.is(rec!.calledNumber, '13811112222');
  assert.is(rec!.agentId, '1001');
  assert.equal(rec!.legs!.map((l) => l.kind), ['agent', 'outside']);
  assert.ok(rec!.answeredAt! >= rec!.startedAt && rec!.endedAt >= rec!.answeredAt!);
  assert.is(acd.agent('1001').state, 'ready');
  assert.is(e.board.channel(2, 3).state, 'idle');
  await acd.settled();
  assert.equal(acd.check(), []);
  consumer.close();
});

test('呼叫班长: an on-hook agent dials the supervisor: his phone rings first, then the supervisor\'s; both hear each other; his hang-up clears the supervisor', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  h.login('1001');
  const [a1, , sup] = h.stations;
  const out = e.core.outbound!;
  await h.run(
    (async () => {
      const placed = out.place('1001', { agent: '1003' });
      assert.ok(await a1.waitRing(5000), 'click to dial: his own phone rings');
      await a1.liftHandset();
      assert.ok(await sup.waitRing(5000), 'the supervisor\'s phone rings');
      await sup.liftHandset();
      assert.ok(await placed.connected);
      await h.sleep(200);
      await a1.speak(e.prompts.file('zh', 'kb_returns'));
      await sup.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(200);
      await a1.hangUp();
      await placed.ended;
      await h.sleep(1500);
      assert.ok(!sup.offHook || e.board.channel(1, 3).state !== 'connected', 'the supervisor\'s line is cleared');
    })(),
  );
  const supFile = await h.run(sup.hangUp());
  assert.ok(score(heardIn(supFile), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the supervisor hears the agent');
  assert.ok(score(a1.heard(), prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the agent hears the supervisor');
  assert.is(e.core.acd!.agent('1001').state, 'ready');
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
});

test.run();
