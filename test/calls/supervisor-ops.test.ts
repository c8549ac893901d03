// The supervisor's own operations over the seat socket (a real WebSocket on
// 127.0.0.1) on the simulated board, audio checked by correlation: he
// answers queue calls himself; 呼叫话务员 (he calls a ready agent, who is
// offered no queue call meanwhile, and is ready again after); force not
// ready and force logout of agents on a call (the call is never cut; the
// state follows after it, and the next caller goes elsewhere).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Client } from '../seats/_harness.ts';
import { agentHarness, heardIn, prompt, roster, score, seatsOn, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

/** 1001 and 1002 agents, 1003 their supervisor (all in the roster's queue), each with a seat. */
async function setup(): Promise<Client[]> {
  h = await agentHarness(roster(3, 'linear'));
  const people = [['1001', 'agent'], ['1002', 'agent'], ['1003', 'supervisor']] as const;
  return (await seatsOn(h, people.map(([id, role]) => ({ id, name: id, role })), { ops: true, outbound: true })).seats;
}

const said = (file: string | null | undefined, id: string) => score(heardIn(file ?? null), prompt(h.engine, 'zh', id));

test('the supervisor answers queue calls himself: logged in ready from his seat, the offer reaches his headset, he answers, both hear, he hangs up', async () => {
  const [s1, s2, s3] = await setup();
  const e = h.engine;
  const sup = h.stations[2];
  const c = h.caller(1);
  await h.run(sup.liftHandset().then(() => h.sleep(300)));
  assert.ok((await s3.ask('acd-login', { ready: true })).ok);
  await h.run(
    (async () => {
      await h.toAgent(c);
      const offer = await s3.until(() => s3.events('offer')[0], 'offer to the supervisor', 20_000);
      assert.is(offer.data.queue, 'agents');
      const r = await s3.ask('answer');
      assert.ok(r.ok, `answer: ${r.code}`);
      await s3.until(() => s3.events('connected')[0], 'connected');
      await h.sleep(200);
      await sup.speak(e.prompts.file('zh', 'kb_office'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
      assert.ok((await s3.ask('hangup')).ok);
      await h.sleep(500);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const supFile = await h.run(sup.hangUp());
  assert.ok(said(callerFile, 'kb_office') > 0.8, 'the caller hears the supervisor');
  assert.ok(said(supFile, 'caller_complaint') > 0.8, 'the supervisor hears the caller');
  await e.core.acd!.settled();
  const connect = [...e.queueLog!.events()].find((x) => x.type === 'connect');
  assert.ok(connect?.type === 'connect' && connect.agentId === '1003', 'the queue log has the supervisor as the answering agent');
  assert.is(h.ended[0].outcome, 'agent_hangup');
  assert.equal(e.core.acd!.check(), []);
  for (const s of [s1, s2, s3]) await s.close();
});

test('呼叫话务员: the supervisor calls a ready agent (both hear); a queue call meanwhile goes to the other agent; force not ready and force logout do not cut calls and apply after them', async () => {
  const [s1, s2, s3] = await setup();
  const e = h.engine;
  const acd = e.core.acd!;
  const [a1, a2, sup] = h.stations;
  h.login('1001', '1002');
  const c1 = h.caller(1);
  const c2 = h.caller(2);
  const files: Record<string, string | null> = {};
  await h.run(
    (async () => {
      await sup.liftHandset();
      await h.sleep(300);
      const d = await s3.ask('dial', { to: { agent: '1001' } });
      assert.ok(d.ok, `dial: ${d.code} ${d.message}`);
      assert.ok(await a1.waitRing(5000), '1001\'s phone rings');
      await a1.liftHandset();
      const ic = await s1.until(() => s1.events('intercom')[0], 'intercom to 1001');
      assert.is(ic.data.from, '1003');
      assert.is(acd.agent('1001').state, 'notReady', 'no queue call for 1001 while his supervisor talks with him');
      await h.sleep(200);
      await sup.speak(e.prompts.file('zh', 'kb_warranty'));
      await a1.speak(e.prompts.file('zh', 'kb_returns'));
      // A caller now: 1002 gets him (1001 is first in the linear order but busy with the supervisor).
      await h.toAgent(c1);
      assert.ok(await a2.waitRing(20_000), '1002 rings');
      assert.ok(!a1.ringing);
      await a2.liftHandset();
      await h.sleep(300);
      // Force not ready while 1002 talks: the call goes on.
      const f = await s3.ask('force-not-ready', { agentId: '1002', reason: 'training' });
      assert.ok(f.ok, `force-not-ready: ${f.code}`);
      assert.is(acd.agent('1002').state, 'talking');
      await c1.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
      // The supervisor ends his call: 1001 is ready again.
      assert.ok((await s3.ask('hangup')).ok);
      await s3.until(() => s3.events('placed-ended')[0], 'placed-ended');
      files.a1 = await a1.hangUp();
      await h.sleep(1500);
      assert.is(acd.agent('1001').state, 'ready', '1001 ready after the intercom');
    })(),
  );
  files.c1 = await h.run(c1.hangup());
  await h.run(e.core.idle());
  files.a2 = await h.run(a2.hangUp());
  await h.advance(500);
  assert.is(acd.agent('1002').state, 'notReady', 'after his call 1002 is not ready, as forced');
  assert.is(acd.agent('1002').reason, 'training');
  await h.run(
    (async () => {
      // The next caller goes to 1001 (1002 is not ready); force logout during that call.
      await h.toAgent(c2);
      assert.ok(await a1.waitRing(20_000), '1001 rings');
      assert.ok(!a2.ringing);
      await a1.liftHandset();
      await h.sleep(300);
      const fl = await s3.ask('force-logout', { agentId: '1001' });
      assert.ok(fl.ok, `force-logout: ${fl.code} ${fl.message}`);
      assert.is(acd.agent('1001').state, 'talking');
      await c2.speak(e.prompts.file('zh', 'goodbye'));
      await h.sleep(200);
    })(),
  );
  await h.run(c2.hangup());
  await h.run(e.core.idle());
  files.a1b = await h.run(a1.hangUp());
  await h.advance(500);
  await h.run(sup.hangUp());
  assert.is(acd.agent('1001').state, 'loggedOut', 'after his call 1001 is logged out, as forced');
  assert.ok(said(files.a1, 'kb_warranty') > 0.8, '1001 hears his supervisor');
  assert.ok(said(sup.heardFiles[0], 'kb_returns') > 0.8, 'the supervisor hears 1001');
  assert.ok(said(files.a2, 'caller_complaint') > 0.8, 'force not ready did not cut 1002\'s call');
  assert.ok(said(files.a1b, 'goodbye') > 0.8, 'force logout did not cut 1001\'s call');
  assert.ok(s1.events('agent-state').some((x) => x.data.state === 'loggedOut'), '1001\'s seat is told');
  await acd.settled();
  assert.equal(acd.check(), []);
  for (const s of [s1, s2, s3]) await s.close();
});

test.run();
