// The agent who hangs up while a call waits: the ACD makes him ready and
// offers him the waiting call at once, while his station port is still
// clearing from the hang-up (a tick or two). The offer must wait for the port
// to be idle and ring then; before, it failed ("station clearing") and set
// the agent not ready, so under load every agent who finished a call with
// callers waiting was lost to the queue (found by the whole-system half of
// `hotline bench acd`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('a call waits while the only agent talks; he hangs up: his station rings with the waiting call, he answers it, nobody is set not ready', async () => {
  h = await agentHarness(roster(1));
  h.login('1001');
  const st = h.stations[0];
  const c1 = h.caller(3, '13900000001');
  const c2 = h.caller(4, '13900000002');
  const e = h.engine;
  const acd = e.core.acd!;
  await h.run(
    (async () => {
      await h.toStation(c1, st, 'the station rings with the first call');
      await h.sleep(500);
      await h.toAgent(c2);
      await h.sleep(2000);
      assert.is(acd.queue('agents').waiting, 1, 'the second call waits');
      await st.hangUp();
      assert.ok(await st.waitRing(5000), 'the station rings again with the waiting call');
      assert.is(acd.agent('1001').state, 'ringing');
      await st.liftHandset();
      await h.sleep(300);
      await st.speak(e.prompts.file('zh', 'kb_returns'));
      await h.sleep(300);
    })(),
  );
  const f2 = await h.run(c2.hangup());
  await h.run(c1.hangup());
  await h.run(e.core.idle());
  await h.run(st.hangUp());
  assert.ok(score(heardIn(f2), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the second caller hears the agent');
  await acd.settled();
  const ev = [...e.queueLog!.events()];
  assert.equal(ev.filter((x) => x.type === 'offer-failed'), [], 'no failed offer');
  assert.is(ev.filter((x) => x.type === 'connect').length, 2, 'both calls connected to the agent');
  assert.equal(ev.filter((x) => x.type === 'agent-state' && x.to === 'notReady'), [], 'the agent was never set not ready');
  assert.is(acd.agent('1001').state, 'ready');
  assert.equal(acd.check(), []);
});

test.run();
