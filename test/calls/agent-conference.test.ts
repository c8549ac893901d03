// Conferences (电话会议, 执法调度) and supervision (监听, whisper, 强插) on the
// simulated board, audio checked by correlation for every pair: who hears
// whom, and who must not. Parties leave one by one; the last ones are
// bridged again; the caller's hang-up releases everyone (trunks idle,
// agents not stuck: ACD check()).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStation } from '../../src/calls/sim-station.ts';
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

/** Each speaks a prompt of its own, one after the other. */
const LINES = ['kb_office', 'kb_returns', 'kb_warranty', 'caller_complaint', 'caller_mailbox', 'goodbye'] as const;
/** The supervisor's line in listen, whisper, barge. */
const SUP = ['kb_warranty', 'goodbye', 'caller_mailbox'] as const;

test('执法调度: the agent consults the department leader and holds a three-way call; the leader leaves (back to two), then the agent', async () => {
  h = await agentHarness(roster(2, 'linear'));
  const e = h.engine;
  h.login('1001');
  const a1 = h.stations[0];
  const leader = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/leader' });
  const c = h.caller(1);
  const ops = e.core.ops!;
  const f = (id: string) => e.prompts.file('zh', id);
  await h.run(
    (async () => {
      await toFirstAgent(c);
      await h.consulted('1001', { number: '0101' }, leader);
      assert.is(ops.conference('1001').parties, 3);
      assert.is(e.core.switchboard!.live(e.core.switchboard!.callOf('1001')!.callId)?.call.phase, 'conference');
      await h.sleep(200);
      await c.speak(f(LINES[0]));
      await a1.speak(f(LINES[1]));
      await leader.speak(f(LINES[2]));
      await leader.hangUp();
      await h.sleep(1500);
      assert.is(e.core.switchboard!.callOf('1001')?.state, 'talking', 'two left: caller and agent');
      await a1.speak(f(LINES[3]));
      await c.speak(f(LINES[4]));
      await h.sleep(200);
    })(),
  );
  const a1File = await h.run(a1.hangUp());
  await h.run(e.core.idle());
  const callerFile = await h.run(c.hangup());
  const caller = heardIn(callerFile);
  const agent = heardIn(a1File);
  const lead = leader.heard();
  const s = (x: Int16Array, i: number) => score(x, prompt(e, 'zh', LINES[i]));
  assert.ok(s(agent, 0) > 0.8 && s(lead, 0) > 0.8, `agent and leader hear the caller (${s(agent, 0).toFixed(2)}, ${s(lead, 0).toFixed(2)})`);
  assert.ok(s(caller, 1) > 0.8 && s(lead, 1) > 0.8, 'caller and leader hear the agent');
  assert.ok(s(caller, 2) > 0.8 && s(agent, 2) > 0.8, 'caller and agent hear the leader');
  assert.ok(s(caller, 3) > 0.8 && s(agent, 4) > 0.8, 'after the leader left, caller and agent still hear each other');
  assert.ok(s(lead, 3) < 0.5, 'the leader is gone');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent', 'outside']);
  assert.is(e.board.channel(2, 3).state, 'idle');
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
  leader.close();
});

test('N-way: 1002 and an outside number join; 1001 leaves (1002 takes the call, the transfer is logged); the caller hangs up: everyone is released', async () => {
  h = await agentHarness(roster(2, 'linear'));
  const e = h.engine;
  h.login('1001');
  const [a1, a2] = h.stations;
  const out = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/out' });
  const c = h.caller(2);
  const ops = e.core.ops!;
  const acd = e.core.acd!;
  const f = (id: string) => e.prompts.file('zh', id);
  await h.run(
    (async () => {
      await toFirstAgent(c);
      h.login('1002');
      const one = ops.consult('1001', { agent: '1002' });
      await a2.waitRing(10_000);
      await a2.liftHandset();
      assert.ok(await one.answered);
      ops.conference('1001');
      const two = ops.consult('1001', { number: '12345' });
      await out.waitRing(10_000);
      await out.liftHandset();
      assert.ok(await two.answered);
      assert.is(ops.conference('1001').parties, 4);
      await h.sleep(200);
      await out.speak(f(LINES[0]));
      await a1.speak(f(LINES[1]));
      await a1.hangUp();
      await h.sleep(1500);
      assert.is(acd.agent('1002').state, 'talking', '1002 has the call now');
      assert.is(e.core.switchboard!.callOf('1002')?.state, 'talking');
      await a2.speak(f(LINES[2]));
      await c.speak(f(LINES[3]));
      await h.sleep(200);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.advance(1500);
  const a2File = await h.run(a2.hangUp());
  await h.run(out.hangUp());
  const s = (x: Int16Array, i: number) => score(x, prompt(e, 'zh', LINES[i]));
  const caller = heardIn(callerFile);
  assert.ok(s(caller, 0) > 0.8 && s(heardIn(a2File), 0) > 0.8, 'caller and 1002 hear the outside party');
  assert.ok(s(caller, 1) > 0.8 && s(out.heard(), 1) > 0.8, 'caller and the outside party hear 1001');
  assert.ok(s(caller, 2) > 0.8 && s(out.heard(), 2) > 0.8, 'after 1001 left: caller and the outside party hear 1002');
  assert.ok(s(heardIn(a2File), 3) > 0.8 && s(out.heard(), 3) > 0.8, '1002 and the outside party hear the caller');
  assert.is(e.board.channel(2, 3).state, 'idle', 'the outside trunk was released when the caller hung up');
  await acd.settled();
  const tr = [...e.queueLog!.events()].filter((x) => x.type === 'transfer');
  assert.is(tr.length, 1);
  assert.ok(tr[0].type === 'transfer' && tr[0].to === 'agent:1002');
  assert.is(acd.agent('1002').state, 'ready');
  assert.equal(acd.check(), []);
  out.close();
});

test('supervisor: listen hears both and is heard by none; whisper is heard by the agent only; barge by both', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  h.login('1001');
  const [a1, , sup] = h.stations;
  const c = h.caller(3);
  const ops = e.core.ops!;
  const f = (id: string) => e.prompts.file('zh', id);
  const files: { caller: string[]; agent: string[]; sup: string[] } = { caller: [], agent: [], sup: [] };
  await h.run(
    (async () => {
      await sup.liftHandset(); // the supervisor's headset is on
      await toFirstAgent(c);
      for (const [i, mode] of (['listen', 'whisper', 'barge'] as const).entries()) {
        await ops.supervise('1003', '1001', mode);
        await h.sleep(200);
        await c.speak(f(LINES[0]));
        await a1.speak(f(LINES[1]));
        await sup.speak(f(SUP[i]));
        ops.leave('1003');
        await h.sleep(200);
        files.sup.push((await sup.cutTap())!);
        files.agent.push((await a1.cutTap())!);
      }
      assert.is(e.core.switchboard!.callOf('1001')?.state, 'talking', 'caller and agent bridged again');
      await c.speak(f(LINES[3]));
      await h.sleep(200);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const agentLast = await h.run(a1.hangUp());
  await h.run(sup.hangUp());
  const s = (x: string, i: number) => score(heardIn(x), prompt(e, 'zh', LINES[i]));
  const caller = heardIn(callerFile);
  // The caller's one tap covers the three periods: the supervisor says another line in each mode.
  const byCaller = SUP.map((id) => score(caller, prompt(e, 'zh', id)));
  assert.ok(byCaller[0] < 0.5, `listen: the caller does not hear the supervisor (${byCaller[0].toFixed(2)})`);
  assert.ok(byCaller[1] < 0.5, `whisper: the caller does not hear the supervisor (${byCaller[1].toFixed(2)})`);
  assert.ok(byCaller[2] > 0.8, 'barge: the caller hears the supervisor');
  for (const [i, mode] of ['listen', 'whisper', 'barge'].entries()) {
    assert.ok(s(files.sup[i], 0) > 0.8 && s(files.sup[i], 1) > 0.8, `${mode}: the supervisor hears caller and agent`);
    assert.ok(s(files.agent[i], 0) > 0.8, `${mode}: the agent hears the caller`);
  }
  const sp = (x: string, i: number) => score(heardIn(x), prompt(e, 'zh', SUP[i]));
  assert.ok(sp(files.agent[0], 0) < 0.5, `listen: the agent does not hear the supervisor (${sp(files.agent[0], 0).toFixed(2)})`);
  assert.ok(sp(files.agent[1], 1) > 0.8, 'whisper: the agent hears the supervisor');
  assert.ok(sp(files.agent[2], 2) > 0.8, 'barge: the agent hears the supervisor');
  assert.ok(score(heardIn(agentLast), prompt(e, 'zh', LINES[3])) > 0.8, 'after the supervisor left the agent hears the caller');
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent', 'supervisor', 'supervisor', 'supervisor']);
});

test.run();
