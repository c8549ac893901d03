// Consultative transfer to a queue on the simulated board: the consulted
// party is the ready agent the queue's strategy picks (only members of that
// queue; none ready → CALL_TARGET_NOT_READY and nothing changes), set not
// ready for it; cancel makes him ready again, complete hands him the caller.
// Audio checked by correlation both ways; the queue log has the transfer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimCaller } from '../../src/calls/sim-caller.ts';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

async function toFirstAgent(c: SimCaller): Promise<void> {
  await h.toStation(c, h.stations[0], '1001 rings');
  await h.sleep(300);
}

test('consult a queue: its strategy picks the agent (english → 1003; agents, linear → 1002), cancel makes him ready again; complete → caller ↔ 1002, logged as a transfer', async () => {
  const cfg = roster(3, 'linear');
  cfg.queues.push({ id: 'english', strategy: 'linear', members: [{ agent: '1003' }] });
  h = await agentHarness(cfg);
  const e = h.engine;
  h.login('1001');
  const [a1, a2, a3] = h.stations;
  const c = h.caller(1);
  const ops = e.core.ops!;
  const acd = e.core.acd!;
  const f = (id: string) => e.prompts.file('zh', id);
  await h.run(
    (async () => {
      await toFirstAgent(c);
      // Nobody of the queue is ready: refused, the call goes on as it was.
      assert.throws(() => ops.consult('1001', { queue: 'english' }), (x: { code?: string }) => x.code === 'CALL_TARGET_NOT_READY');
      assert.throws(() => ops.consult('1001', { queue: 'nope' }), (x: { code?: string }) => x.code === 'CALL_TARGET_UNKNOWN');
      assert.is(e.core.switchboard!.callOf('1001')?.state, 'talking', 'the refusals changed nothing');
      h.login('1002', '1003');
      // english has only 1003: he is picked although 1002 is ready too.
      const en = ops.consult('1001', { queue: 'english' });
      assert.is(acd.agent('1003').state, 'notReady', 'reserved for the consultation');
      assert.is(acd.agent('1003').reason, 'consult');
      assert.is(acd.agent('1002').state, 'ready');
      assert.ok(await a3.waitRing(10_000), '1003 rings');
      await a3.liftHandset();
      assert.ok(await en.answered);
      await h.sleep(200);
      await a1.speak(f('kb_office'));
      await h.sleep(200);
      ops.cancel('1001');
      await h.sleep(300);
      assert.is(acd.agent('1003').state, 'ready', '1003 is ready again after the cancel');
      await c.speak(f('caller_mailbox'));
      // agents, linear: the first ready member in order is 1002.
      const ag = ops.consult('1001', { queue: 'agents' });
      assert.is(acd.agent('1002').state, 'notReady');
      assert.ok(await a2.waitRing(10_000), '1002 rings');
      assert.ok(!a3.ringing, '1003 does not');
      await a2.liftHandset();
      assert.ok(await ag.answered);
      await h.sleep(200);
      await a2.speak(f('kb_returns'));
      ops.complete('1001');
      await h.sleep(200);
      assert.is(acd.agent('1002').state, 'talking');
      await a2.speak(f('kb_warranty'));
      await c.speak(f('caller_complaint'));
      await h.sleep(200);
    })(),
  );
  const a1File = await h.run(a1.hangUp());
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const a2File = await h.run(a2.hangUp());
  const a3File = await h.run(a3.hangUp());
  const s = (file: string | null, id: string) => score(heardIn(file), prompt(e, 'zh', id));
  assert.ok(s(a3File, 'kb_office') > 0.8, '1003 heard 1001 in the first consultation');
  assert.ok(s(a1File, 'caller_mailbox') > 0.8, 'after the cancel 1001 hears the caller');
  assert.ok(s(a1File, 'kb_returns') > 0.8, '1001 heard 1002 in the second consultation');
  assert.ok(s(callerFile, 'kb_office') < 0.5 && s(callerFile, 'kb_returns') < 0.5, 'the held caller heard neither consultation');
  assert.ok(s(callerFile, 'kb_warranty') > 0.8 && s(a2File, 'caller_complaint') > 0.8, 'after complete: caller ↔ 1002');
  assert.ok(s(a1File, 'caller_complaint') < 0.5, '1001 is out of the call');
  await acd.settled();
  const log = [...e.queueLog!.events()];
  const tr = log.filter((x) => x.type === 'transfer');
  assert.is(tr.length, 1);
  assert.ok(tr[0].type === 'transfer' && tr[0].agentId === '1001' && tr[0].to === 'agent:1002', JSON.stringify(tr[0]));
  assert.ok(log.some((x) => x.type === 'connect' && x.agentId === '1002' && x.transferred), 'connected to 1002 as a transfer');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.agents, ['1001', '1002']);
  assert.is(acd.agent('1003').state, 'ready');
  assert.equal(acd.check(), []);
});

test('consult a queue with round-robin: successive consultations go round its members', async () => {
  const cfg = roster(4, 'round-robin');
  h = await agentHarness(cfg);
  const e = h.engine;
  h.login('1001');
  const c = h.caller(2);
  const ops = e.core.ops!;
  const picked: string[] = [];
  await h.run(
    (async () => {
      await toFirstAgent(c);
      h.login('1002', '1003', '1004');
      for (let i = 0; i < 3; i++) {
        const r = ops.consult('1001', { queue: 'agents' });
        const who = ['1002', '1003', '1004'].find((id) => e.core.acd!.agent(id).state === 'notReady')!;
        picked.push(who);
        await h.sleep(300);
        ops.cancel('1001');
        assert.is(await r.answered, false);
        await h.sleep(1500);
      }
    })(),
  );
  await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(h.stations[0].hangUp());
  assert.is(new Set(picked).size, 3, `each member once: ${picked.join(', ')}`);
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
});

test.run();
