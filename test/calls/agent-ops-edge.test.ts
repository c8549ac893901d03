// Every party hanging up in each state of an operation leaves nobody stuck
// (ACD check() clean, stations and trunks idle, agents ready after wrap-up);
// a blind transfer to an outside number; 人工转自动 from the seat's side
// (the agent sends the caller to the survey node). Audio by correlation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatedMusic } from '../../src/calls/moh.ts';
import { SimStation } from '../../src/calls/sim-station.ts';
import type { SimCaller } from '../../src/calls/sim-caller.ts';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

async function connected(ts: number): Promise<SimCaller> {
  h = await agentHarness(roster(2, 'linear'));
  h.login('1001');
  const c = h.caller(ts);
  await h.run(
    (async () => {
      await h.toStation(c, h.stations[0], '1001 rings');
      await h.sleep(300);
      h.login('1002');
    })(),
  );
  return c;
}

/** Nobody stuck: ACD invariants, both agents ready, every station and trunk idle once all hung up. */
async function clean(): Promise<void> {
  const e = h.engine;
  for (const s of h.stations) if (s.offHook) await h.run(s.hangUp());
  await h.run(e.core.idle());
  await h.advance(2000);
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
  for (const id of ['1001', '1002']) assert.is(e.core.acd!.agent(id).state, 'ready', `${id} ready`);
  for (const ch of [e.board.channel(1, 1), e.board.channel(1, 2), e.board.channel(2, 3), e.board.channel(2, 4)]) assert.is(ch.state, 'idle', `${ch.name} idle`);
  assert.is(e.core.switchboard!.waiting, 0, 'the switchboard holds no call');
}

test('the caller hangs up while the consulted agent\'s phone rings: the ring stops, 1002 is ready, 1001 hears busy', async () => {
  const c = await connected(1);
  const [a1, a2] = h.stations;
  const ops = h.engine.core.ops!;
  await h.run(
    (async () => {
      const { answered } = ops.consult('1001', { agent: '1002' });
      await a2.waitRing(10_000);
      await c.hangup();
      assert.is(await answered, false);
      await h.sleep(1000);
      assert.ok(!a2.ringing);
      assert.ok(a1.offHook);
    })(),
  );
  await clean();
});

test('the caller hangs up during an answered consultation: the consulted agent is cleared and ready, the call completes', async () => {
  const c = await connected(2);
  const [, a2] = h.stations;
  await h.run(
    (async () => {
      await h.consulted('1001', { agent: '1002' }, a2);
      await h.sleep(300);
      await c.hangup();
      await h.sleep(1500);
    })(),
  );
  await clean();
  const log = [...h.engine.queueLog!.events()].filter((x) => x.type === 'complete');
  assert.is(log.length, 1);
});

test('1001 hangs up his handset on an answered consultation: the transfer completes (caller ↔ 1002), 1001 wrap-up', async () => {
  const c = await connected(3);
  const e = h.engine;
  const [a1, a2] = h.stations;
  await h.run(
    (async () => {
      await h.consulted('1001', { agent: '1002' }, a2);
      await a1.hangUp();
      await h.sleep(1500);
      assert.is(e.core.acd!.agent('1002').state, 'talking');
      await a2.speak(e.prompts.file('zh', 'kb_returns'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
    })(),
  );
  const a2File = await h.run(a2.hangUp());
  await h.run(e.core.idle());
  const callerFile = await h.run(c.hangup());
  assert.ok(score(heardIn(callerFile), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller hears 1002');
  assert.ok(score(heardIn(a2File), prompt(e, 'zh', 'caller_complaint')) > 0.8, '1002 hears the caller');
  await clean();
  assert.ok([...e.queueLog!.events()].some((x) => x.type === 'transfer'));
});

test('1001 hangs up while the consulted phone still rings: the consultation is dropped and the call ends as his hang-up', async () => {
  await connected(4);
  const [a1, a2] = h.stations;
  const ops = h.engine.core.ops!;
  await h.run(
    (async () => {
      ops.consult('1001', { agent: '1002' });
      await a2.waitRing(10_000);
      await a1.hangUp();
      await h.sleep(1500);
      assert.ok(!a2.ringing, 'the consulted phone stopped ringing');
    })(),
  );
  await clean();
  assert.is(h.ended.length, 1);
});

test('the consulted agent hangs up inside a conference, then the caller: back to two, then all released', async () => {
  const c = await connected(5);
  const [, a2] = h.stations;
  const ops = h.engine.core.ops!;
  await h.run(
    (async () => {
      await h.consulted('1001', { agent: '1002' }, a2);
      ops.conference('1001');
      await h.sleep(300);
      await a2.hangUp();
      await h.sleep(1500);
      assert.is(h.engine.core.switchboard!.callOf('1001')?.state, 'talking');
      await c.hangup();
      await h.sleep(500);
    })(),
  );
  await clean();
});

test('blind transfer to an outside number: the caller waits with music, then talks with it; the caller hangs up, the trunk is freed', async () => {
  const c = await connected(6);
  const e = h.engine;
  const dept = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/dept' });
  await h.run(
    (async () => {
      e.core.ops!.transfer('1001', { number: '96315' });
      assert.is(e.core.acd!.agent('1001').state, 'ready', 'no wrap-up configured: ready at once');
      assert.ok(await dept.waitRing(10_000));
      await h.sleep(1500);
      await dept.liftHandset();
      await h.sleep(200);
      await dept.speak(e.prompts.file('zh', 'kb_warranty'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await c.hangup();
      await h.sleep(1500);
    })(),
  );
  const heard = heardIn(c.heardFile);
  assert.ok(score(heard, prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the caller hears the number he was transferred to');
  assert.ok(score(heard, (generatedMusic().data as Int16Array).subarray(0, 4000)) > 0.8, 'music while it rang');
  await h.run(dept.hangUp());
  assert.ok(score(dept.heard(), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the far end hears the caller');
  await clean();
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent', 'outside']);
  dept.close();
});

test('人工转自动 from the seat side: the agent sends the caller to the survey; 1001 is in wrap-up of the call; an unknown node is refused', async () => {
  const c = await connected(7);
  const e = h.engine;
  const ops = e.core.ops!;
  assert.throws(() => ops.toIvr('1001', 'nowhere'), (x: { code?: string }) => x.code === 'CALL_IVR_NODE_UNKNOWN');
  await h.run(
    (async () => {
      ops.toIvr('1001', 'survey');
      await c.hear({ maxMs: 8000 });
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'survey_intro')) > 0.8, 'the caller hears the survey');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.ok(rec!.ivrPath.includes('survey'), `path ${rec!.ivrPath.join('>')}`);
  await clean();
});

test.run();
