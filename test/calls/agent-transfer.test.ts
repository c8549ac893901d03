// Transfers (来话转接) on the simulated board, audio checked both ways by
// correlation: blind to an agent and to a queue, consultative to an agent
// (complete, cancel) and to an outside number dialled on an outbound trunk
// (the far end is a simulated telephone on the network side of the exchange
// line). The queue log has the transfer, the transferring agent goes to
// wrap-up (an anchor lost it), and nobody is left stuck (ACD check()).
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

const WRAP = 3000;
const setup = async (n = 3) => {
  const cfg = roster(n, 'linear');
  cfg.queues.push({ id: 'english', strategy: 'linear', members: [{ agent: '1003' }] });
  cfg.agents[0].wrapUpMs = WRAP;
  h = await agentHarness(cfg);
  return h.engine;
};

/** The caller reaches agent 1001 (the only one ready), who lifts his handset. */
async function toFirstAgent(c: SimCaller): Promise<void> {
  await h.toStation(c, h.stations[0], '1001 rings');
  await h.sleep(300);
}

const heardBy = (st: SimStation, i = st.heardFiles.length - 1) => heardIn(st.heardFiles[i] ?? null);
/** The queue log's call events in order (wrap-up ends apart: its time depends on the agent's wrap-up). */
const types = (h: AgentHarness) => [...h.engine.queueLog!.events()].filter((x) => x.type !== 'agent-state' && x.type !== 'wrap-up').map((x) => x.type);
/** Agents whose wrap-up is logged. */
const wrapUps = (h: AgentHarness) => [...h.engine.queueLog!.events()].flatMap((x) => (x.type === 'wrap-up' ? [x.agentId] : []));

test('blind transfer to an agent: 1001 goes to wrap-up at once, 1002 rings and talks with the caller; the log has the transfer', async () => {
  const e = await setup();
  h.login('1001');
  const [a1, a2] = h.stations;
  const c = h.caller(1);
  const ops = e.core.ops!;
  const acd = e.core.acd!;
  await h.run(
    (async () => {
      await toFirstAgent(c);
      h.login('1002');
      await a1.speak(e.prompts.file('zh', 'kb_office'));
      assert.is(ops.transfer('1001', { agent: '1003' }).callId, undefined as never, 'unreachable');
    })().catch((err) => assert.is((err as { code?: string }).code, 'CALL_TARGET_NOT_READY', 'a not-ready target is refused (1003 is logged out)')),
  );
  await h.run(
    (async () => {
      assert.is(e.core.switchboard!.callOf('1001')?.state, 'talking', 'the refusal changed nothing');
      ops.transfer('1001', { agent: '1002' });
      await h.sleep(100);
      assert.is(acd.agent('1001').state, 'workingAfterCall', 'wrap-up right after the transfer');
      assert.ok(await a2.waitRing(10_000), '1002 rings');
      await h.sleep(1500); // the caller hears music meanwhile
      // 1001 still off hook: he must not hear the caller any more.
      await c.speak(e.prompts.file('zh', 'caller_mailbox'));
      await a2.liftHandset();
      await h.sleep(200);
      await a2.speak(e.prompts.file('zh', 'kb_returns'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
    })(),
  );
  const a1File = await h.run(a1.hangUp());
  const a2File = await h.run(a2.hangUp());
  await h.run(e.core.idle());
  const callerFile = await h.run(c.hangup());
  const heard = heardIn(callerFile);
  assert.ok(score(heard, prompt(e, 'zh', 'kb_office')) > 0.8, 'the caller heard 1001');
  assert.ok(score(heard, prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller hears 1002');
  assert.ok(score(heard, (generatedMusic().data as Int16Array).subarray(0, 4000)) > 0.8, 'music while 1002 rang');
  assert.ok(score(heardIn(a2File), prompt(e, 'zh', 'caller_complaint')) > 0.8, '1002 hears the caller');
  const leak = score(heardIn(a1File), prompt(e, 'zh', 'caller_mailbox'));
  assert.ok(leak < 0.5, `1001 no longer hears the caller after the transfer (score ${leak.toFixed(2)})`);
  await acd.settled();
  assert.equal(types(h), ['enter', 'offer', 'connect', 'transfer', 'offer', 'connect', 'complete']);
  await h.advance(WRAP + 500);
  await e.core.acd!.settled();
  assert.ok(wrapUps(h).includes('1001'), `1001's wrap-up is logged (${wrapUps(h)})`);
  const tr = [...e.queueLog!.events()].find((x) => x.type === 'transfer');
  assert.ok(tr && tr.type === 'transfer' && tr.to === 'agent:1002' && tr.agentId === '1001');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.agents, ['1001', '1002']);
  assert.equal(rec!.legs!.map((l) => [l.kind, l.agentId]), [['caller', undefined], ['agent', '1001'], ['agent', '1002']]);
  assert.is(rec!.endedBy, 'agent');
  assert.is(acd.agent('1001').state, 'ready', 'wrap-up ended');
  assert.is(acd.agent('1002').state, 'ready');
  assert.equal(acd.check(), []);
});

test('blind transfer to a queue: the caller waits there and its agent takes him', async () => {
  const e = await setup();
  h.login('1001', '1003');
  e.core.acd!.setNotReady('1003', 'meal');
  const [a1, , a3] = h.stations;
  const c = h.caller(2);
  await h.run(
    (async () => {
      await toFirstAgent(c);
      e.core.ops!.transfer('1001', { queue: 'english' });
      await h.sleep(2000);
      assert.is(e.core.acd!.queue('english').waiting, 1, 'the caller waits in the English queue');
      e.core.acd!.setReady('1003');
      assert.ok(await a3.waitRing(10_000), '1003 rings');
      await a3.liftHandset();
      await h.sleep(200);
      await a3.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(200);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(a1.hangUp());
  await h.run(a3.hangUp());
  assert.ok(score(heardIn(callerFile), prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the caller hears the English queue\'s agent');
  await e.core.acd!.settled();
  assert.equal(types(h), ['enter', 'offer', 'connect', 'transfer', 'enter', 'offer', 'connect', 'complete']);
  await h.advance(WRAP + 500);
  await e.core.acd!.settled();
  assert.ok(wrapUps(h).includes('1001'), `1001's wrap-up is logged (${wrapUps(h)})`);
  assert.equal(e.core.acd!.check(), []);
});

test('consultation with an agent: the held caller hears music, not the consultation; complete → caller ↔ 1002, 1001 in wrap-up', async () => {
  const e = await setup();
  h.login('1001');
  const [a1, a2] = h.stations;
  const c = h.caller(3);
  const ops = e.core.ops!;
  const acd = e.core.acd!;
  await h.run(
    (async () => {
      await toFirstAgent(c);
      h.login('1002');
      const { answered } = ops.consult('1001', { agent: '1002' });
      assert.is(acd.agent('1002').state, 'notReady', 'reserved for the consultation');
      assert.ok(await a2.waitRing(10_000), '1002 rings');
      await a2.liftHandset();
      assert.ok(await answered, 'the consultation is answered');
      await h.sleep(200);
      await a1.speak(e.prompts.file('zh', 'kb_office')); // to 1002, the caller must not hear it
      await a2.speak(e.prompts.file('zh', 'kb_returns'));
      await c.speak(e.prompts.file('zh', 'caller_mailbox')); // nobody hears the held caller
      ops.complete('1001');
      await h.sleep(200);
      assert.is(acd.agent('1001').state, 'workingAfterCall');
      assert.is(acd.agent('1002').state, 'talking');
      await a2.speak(e.prompts.file('zh', 'kb_warranty'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
    })(),
  );
  const a1File = await h.run(a1.hangUp());
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const a2File = await h.run(a2.hangUp());
  const heard = heardIn(callerFile);
  const s = (x: Int16Array, id: string) => score(x, prompt(e, 'zh', id));
  assert.ok(s(heard, 'kb_office') < 0.5, `the held caller does not hear the consultation (${s(heard, 'kb_office').toFixed(2)})`);
  assert.ok(s(heard, 'kb_returns') < 0.5, 'nor the consulted agent');
  assert.ok(score(heard, (generatedMusic().data as Int16Array).subarray(0, 4000)) > 0.8, 'music on hold meanwhile');
  assert.ok(s(heard, 'kb_warranty') > 0.8, 'after complete the caller hears 1002');
  assert.ok(s(heardIn(a2File), 'kb_office') > 0.8, '1002 heard 1001 in the consultation');
  assert.ok(s(heardIn(a1File), 'kb_returns') > 0.8, '1001 heard 1002');
  assert.ok(s(heardIn(a2File), 'caller_mailbox') < 0.5, '1002 did not hear the held caller');
  assert.ok(s(heardIn(a2File), 'caller_complaint') > 0.8, '1002 hears the caller after complete');
  assert.ok(s(heardIn(a1File), 'caller_complaint') < 0.5, '1001 is out of the call');
  await acd.settled();
  assert.equal(types(h), ['enter', 'offer', 'connect', 'hold', 'transfer', 'connect', 'complete']);
  await h.advance(WRAP + 500);
  await e.core.acd!.settled();
  assert.ok(wrapUps(h).includes('1001'), `1001's wrap-up is logged (${wrapUps(h)})`);
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.agents, ['1001', '1002']);
  assert.is(rec!.endedBy, 'caller');
  assert.ok(rec!.holdMs! > 1000, `hold time kept: ${rec!.holdMs}`);
  assert.is(acd.agent('1002').state, 'ready');
  assert.equal(acd.check(), []);
});

test('consultation cancelled: 1002 is ready again, the caller talks with 1001; a consulted agent who hangs up ends the consultation', async () => {
  const e = await setup();
  h.login('1001');
  const [a1, a2] = h.stations;
  const c = h.caller(4);
  const ops = e.core.ops!;
  const acd = e.core.acd!;
  await h.run(
    (async () => {
      await toFirstAgent(c);
      h.login('1002');
      const first = ops.consult('1001', { agent: '1002' });
      await a2.waitRing(10_000);
      ops.cancel('1001');
      assert.is(await first.answered, false);
      await h.sleep(500);
      assert.ok(!a2.ringing, 'the ring stopped');
      assert.is(acd.agent('1002').state, 'ready', 'ready again');
      await a1.speak(e.prompts.file('zh', 'kb_office'));
      // Again, and this time 1002 answers and hangs up on the consultation.
      const second = ops.consult('1001', { agent: '1002' });
      await a2.waitRing(10_000);
      await a2.liftHandset();
      assert.ok(await second.answered);
      await h.sleep(200);
      await a2.hangUp();
      await h.sleep(1500); // on hook longer than a hook flash
      assert.is(e.core.switchboard!.callOf('1001')?.state, 'talking', 'back with the caller');
      await a1.speak(e.prompts.file('zh', 'kb_returns'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const a1File = await h.run(a1.hangUp());
  assert.ok(score(heardIn(callerFile), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller hears 1001 after the consultation');
  assert.ok(score(heardIn(a1File), prompt(e, 'zh', 'caller_complaint')) > 0.8, '1001 hears the caller');
  await acd.settled();
  assert.equal(types(h), ['enter', 'offer', 'connect', 'hold', 'retrieve', 'hold', 'retrieve', 'complete']);
  await h.advance(WRAP + 500);
  await e.core.acd!.settled();
  assert.ok(wrapUps(h).includes('1001'), `1001's wrap-up is logged (${wrapUps(h)})`);
  assert.is(acd.agent('1002').state, 'ready');
  assert.equal(acd.check(), []);
});

test('consultation with an outside number on an outbound trunk, then complete: caller ↔ the department; it hangs up, the call ends', async () => {
  const e = await setup();
  h.login('1001');
  const [a1] = h.stations;
  const dept = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/dept' });
  let calledNumber = '';
  dept.phone.events$.subscribe((x) => x.type === 'ring' && (calledNumber = x.calledNumber ?? ''));
  const c = h.caller(5);
  const ops = e.core.ops!;
  await h.run(
    (async () => {
      await toFirstAgent(c);
      assert.throws(() => ops.consult('1001', { number: '12a' }), (x: { code?: string }) => x.code === 'CALL_TARGET_UNKNOWN');
      const { answered } = ops.consult('1001', { number: '88001234' });
      assert.ok(await dept.waitRing(10_000), 'the department\'s phone rings');
      await dept.liftHandset();
      assert.ok(await answered);
      await h.sleep(200);
      await a1.speak(e.prompts.file('zh', 'kb_office'));
      await dept.speak(e.prompts.file('zh', 'kb_returns'));
      ops.complete('1001');
      await h.sleep(200);
      await dept.speak(e.prompts.file('zh', 'kb_warranty'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
      await dept.hangUp();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  const callerFile = await h.run(c.hangup());
  await h.run(a1.hangUp());
  assert.is(calledNumber, '88001234', 'the number dialled reaches the far end');
  const heard = heardIn(callerFile);
  assert.ok(score(heard, prompt(e, 'zh', 'kb_office')) < 0.5, 'the caller did not hear the consultation');
  assert.ok(score(heard, prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the caller hears the department after complete');
  assert.ok(score(dept.heard(), prompt(e, 'zh', 'kb_office')) > 0.8, 'the department heard the agent');
  assert.ok(score(dept.heard(), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the department hears the caller');
  assert.is(h.ended.length, 1, 'the call ended when the department hung up');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent', 'outside']);
  assert.ok(rec!.legs!.every((l) => l.leftAt !== undefined));
  await e.core.acd!.settled();
  const tr = [...e.queueLog!.events()].find((x) => x.type === 'transfer');
  assert.ok(tr && tr.type === 'transfer' && tr.to === 'external:88001234');
  assert.is(e.board.channel(2, 3).state, 'idle', 'the trunk is free again');
  assert.equal(e.core.acd!.check(), []);
  dept.close();
});

test.run();
