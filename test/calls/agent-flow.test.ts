// Strategies through real stations, the agent's number announced to the
// caller (自动报工号), back to the IVR after the agent (人工转自动), and the
// per-phase watchdogs (the IVR is bounded, a conversation is not cut, a
// forgotten hold is).
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FLOW_FILE } from '../../src/ivr/flow.ts';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('ring-all: both stations ring, the first to lift takes the call and the other stops ringing and stays ready', async () => {
  h = await agentHarness(roster(2, 'ring-all'));
  h.login('1001', '1002');
  const [s1, s2] = h.stations;
  const c = h.caller(1);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await s1.waitRing(20_000), '1001 rings');
      assert.ok(await s2.waitRing(1000), '1002 rings too');
      await h.sleep(1000);
      await s2.liftHandset();
      await h.sleep(500);
      assert.is(s1.phone.state, 'idle', '1001 stopped ringing');
      await s2.speak(e.prompts.file('zh', 'kb_office'));
      await h.sleep(300);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(s2.hangUp());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'kb_office')) > 0.8, 'the caller hears the agent who answered');
  assert.is(e.core.acd!.agent('1001').state, 'ready');
  assert.is(e.core.acd!.agent('1001').misses, 0, 'answered elsewhere is no miss');
  await e.core.acd!.settled();
  const con = [...e.queueLog!.events()].find((x) => x.type === 'connect');
  assert.ok(con && con.type === 'connect' && con.agentId === '1002');
});

test('longest-idle: the agent ready the longest rings first; 自动报工号: the caller hears "1002号话务员为您服务"', async () => {
  h = await agentHarness(roster(2, 'longest-idle'), { announceAgent: true });
  const e = h.engine;
  h.login('1002');
  await h.advance(5000);
  h.login('1001');
  const [s1, s2] = h.stations;
  const c = h.caller(2);
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await s2.waitRing(20_000), '1002 (idle longest) rings');
      assert.not.ok(s1.ringing, '1001 does not');
      await s2.liftHandset();
      await h.sleep(4000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(s2.hangUp());
  const heard = heardIn(f);
  assert.ok(score(heard, prompt(e, 'zh', 'agent_serving')) > 0.8, '号话务员为您服务 heard');
  assert.ok(score(heard, prompt(e, 'zh', 'digit_2')) > 0.8, 'the number read digit by digit');
});

test('人工转自动: after the agent hangs up the caller goes on in the flow (the survey), not cleared', async () => {
  const yaml = readFileSync(DEFAULT_FLOW_FILE, 'utf8').replace(
    'agent_queue: { type: transfer, queue: agents, busy: [lines_busy], overflow: agent_message }',
    'agent_queue: { type: transfer, queue: agents, busy: [lines_busy], overflow: agent_message, afterAgent: survey }',
  );
  assert.ok(yaml.includes('afterAgent: survey'), 'flow edited');
  const flow = join(tmpdir(), `legs-after-agent-${process.pid}.yaml`);
  writeFileSync(flow, yaml);
  // 自动报工号 on: the agent hangs up while his number is still being read, and the survey must still play.
  h = await agentHarness(roster(1), { flowFile: flow, announceAgent: true });
  h.login('1001');
  const st = h.stations[0];
  const c = h.caller(3);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toStation(c, st);
      await h.sleep(1000);
      await st.hangUp();
      await c.hear({ maxMs: 8000 });
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  const heard = heardIn(f);
  assert.ok(score(heard, prompt(e, 'zh', 'survey_intro')) > 0.8, 'the caller hears the survey after the agent left');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.ok(rec!.ivrPath.includes('survey'), `path ${rec!.ivrPath.join('>')}`);
  assert.is(rec!.endedBy, 'agent');
});

test('watchdogs per phase: a conversation longer than the IVR limit is not cut; a hold longer than its limit clears the call', async () => {
  h = await agentHarness(roster(1), { maxCallMs: 30_000, phaseLimits: { held: 5000 } });
  h.login('1001');
  const st = h.stations[0];
  const c = h.caller(4);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toStation(c, st);
      await h.sleep(45_000); // longer than the IVR's 30 s
      assert.ok(c.connected && c.ch.state === 'connected', 'a 45 s conversation is not cut by the 30 s IVR watchdog');
      e.core.switchboard!.hold('1001');
      await h.sleep(7000);
    })(),
  );
  await h.run(e.core.idle());
  assert.is(c.ch.state, 'idle', 'the forgotten hold cleared the caller');
  await h.run(c.hangup());
  await h.run(st.hangUp());
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'timeout');
  assert.is(rec!.endedBy, 'system', 'the engine, not the caller, ended it');
  assert.ok(rec!.holdMs! >= 5000, `hold ${rec!.holdMs} ms`);
  assert.is(e.core.acd!.agent('1001').state, 'ready', 'the agent is freed');
  assert.equal(e.core.acd!.check(), []);
});

for (const strategy of ['fewest-calls', 'least-talk-time', 'top-down', 'random', 'weighted-random', 'ring-progressively'] as const) {
  test(`${strategy}: the call reaches a station through the strategy and the two hear each other`, async () => {
    h = await agentHarness(roster(2, strategy));
    h.login('1001', '1002');
    const c = h.caller(5);
    const e = h.engine;
    let who = -1;
    await h.run(
      (async () => {
        await h.toAgent(c);
        const rung = await Promise.race(h.stations.map((st, i) => st.waitRing(20_000).then((ok) => (ok ? i : -1))));
        assert.ok(rung >= 0, 'a station rings');
        who = rung;
        await h.stations[who].liftHandset();
        await h.sleep(200);
        await h.stations[who].speak(e.prompts.file('zh', 'kb_office'));
        await c.speak(e.prompts.file('zh', 'caller_complaint'));
        await h.sleep(300);
      })(),
    );
    const f = await h.run(c.hangup());
    await h.run(e.core.idle());
    const a = await h.run(h.stations[who].hangUp());
    assert.ok(score(heardIn(f), prompt(e, 'zh', 'kb_office')) > 0.8, 'the caller hears the agent');
    assert.ok(score(heardIn(a), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the agent hears the caller');
    const rec = await e.store.getCallRecord(h.ended[0].id);
    assert.is(rec!.agentId, String(1001 + who));
    assert.equal(e.core.acd!.check(), []);
  });
}

test.run();
