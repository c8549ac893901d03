// The caller who presses 0 reaches a person: the IVR's transfer node hands
// the call to the ACD, the ready agent's telephone (a simulated station on an
// FXS port) rings, he lifts the handset and the two are bridged at once.
// Checked by audio correlation both ways: the caller hears the agent's
// speech, the agent hears the caller's, and the agent never hears the
// music on hold the caller waited with. Then hang-ups on either side.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatedMusic } from '../../src/calls/moh.ts';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

const pcm = (b: { data: unknown }) => b.data as Int16Array;

test('caller → queue → the station rings → the agent answers → both hear each other; the agent hangs up, the caller is cleared', async () => {
  h = await agentHarness(roster(1));
  h.login('1001');
  const st = h.stations[0];
  const c = h.caller(1);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await st.waitRing(20_000), 'the agent\'s station rings within 20 s of pressing 0');
      assert.is(e.core.acd!.agent('1001').state, 'ringing');
      await h.sleep(2000); // the caller hears music on hold meanwhile
      await st.liftHandset();
      await h.sleep(200);
      await st.speak(e.prompts.file('zh', 'kb_office'));
      await h.sleep(200);
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
    })(),
  );
  const agentFile = await h.run(st.hangUp());
  await h.run(e.core.idle());
  const callerFile = await h.run(c.hangup());
  const callerHeard = heardIn(callerFile);
  const agentHeard = heardIn(agentFile);
  assert.ok(score(callerHeard, prompt(e, 'zh', 'kb_office')) > 0.8, `the caller hears the agent (score ${score(callerHeard, prompt(e, 'zh', 'kb_office')).toFixed(2)})`);
  assert.ok(score(agentHeard, prompt(e, 'zh', 'caller_complaint')) > 0.8, `the agent hears the caller (score ${score(agentHeard, prompt(e, 'zh', 'caller_complaint')).toFixed(2)})`);
  const moh = pcm(generatedMusic()).subarray(0, 8000);
  assert.ok(score(callerHeard, moh) > 0.8, 'the caller heard music on hold while the station rang');
  assert.ok(score(agentHeard, moh) < 0.5, 'the agent never hears the music on hold');
  assert.is(h.ended.length, 1);
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.ok(rec, 'a call record');
  assert.is(rec!.outcome, 'agent_hangup');
  assert.is(rec!.agentId, '1001');
  assert.is(rec!.queue, 'agents');
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent']);
  assert.is(rec!.legs![1].channel, e.board.channel(1, 1).name);
  assert.ok(rec!.queueWaitMs! >= 2000, `queue wait ${rec!.queueWaitMs} ms includes the ring`);
  assert.is(rec!.endedBy, 'agent');
  await e.core.acd!.settled();
  const log = [...e.queueLog!.events()].filter((x) => x.type !== 'agent-state').map((x) => x.type);
  assert.equal(log, ['enter', 'offer', 'connect', 'complete']);
  assert.is(e.core.acd!.agent('1001').state, 'ready');
  assert.equal(e.core.acd!.check(), []);
});

test('the caller hangs up during the conversation: the agent hears busy tone until he hangs up, then is ready', async () => {
  h = await agentHarness(roster(1));
  h.login('1001');
  const st = h.stations[0];
  const c = h.caller(2);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toStation(c, st);
      await h.sleep(500);
      await c.hangup();
      await h.sleep(3000);
    })(),
  );
  assert.ok(st.offHook, 'the station stays off hook (the agent has not hung up)');
  const agentFile = await h.run(st.hangUp());
  await h.run(e.core.idle());
  const heard = heardIn(agentFile);
  // China busy tone: 450 Hz, 350 ms on / 350 ms off.
  const busy = new Int16Array(2800).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 450 * i) / 8000)));
  assert.ok(score(heard, busy) > 0.5, `the agent hears busy tone after the caller left (score ${score(heard, busy).toFixed(2)})`);
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'caller_hangup');
  assert.is(rec!.endedBy, 'caller');
  await e.core.acd!.settled();
  const complete = [...e.queueLog!.events()].find((x) => x.type === 'complete');
  assert.ok(complete && complete.type === 'complete' && complete.by === 'caller');
  assert.is(e.core.acd!.agent('1001').state, 'ready');
});

test.run();
