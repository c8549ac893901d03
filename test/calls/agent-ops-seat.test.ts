// The operations over the seat socket (a real WebSocket on 127.0.0.1): an
// agent consults a colleague and completes the transfer, a supervisor
// listens; refusals carry their codes (schema, role, target) and change
// nothing. Audio by correlation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, heardIn, prompt, roster, score, seatsOn, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('consult → consult-answered → consult-complete → transferred over the socket; a supervisor listens; refusals change nothing', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  const { seats: [s1, s3] } = await seatsOn(
    h,
    [
      { id: '1001', name: '话务员一', role: 'agent' },
      { id: '1002', name: '话务员二', role: 'agent', seat: false },
      { id: '1003', name: '班长', role: 'supervisor' },
    ],
    { ops: true },
  );
  const sb = e.core.switchboard!;
  h.login('1001');
  const [a1, a2, sup] = h.stations;
  const c = h.caller(1);
  assert.is((await s1.ask('transfer', { to: { agent: '1002' } })).code, 'CALL_NOT_CONNECTED', 'no call yet');
  await h.run(
    (async () => {
      await sup.liftHandset();
      await h.toStation(c, a1);
      await h.sleep(300);
      assert.is((await s1.ask('transfer', { to: { number: '12a' } })).code, 'SEAT_BAD_MESSAGE');
      assert.is((await s1.ask('transfer', { to: { agent: '1002', queue: 'agents' } })).code, 'SEAT_BAD_MESSAGE', 'one target only');
      assert.is((await s1.ask('transfer', { to: {} })).code, 'SEAT_BAD_MESSAGE', 'a target is needed');
      assert.is((await s1.ask('transfer', { to: { queue: 'nope' } })).code, 'CALL_TARGET_UNKNOWN');
      assert.is((await s1.ask('transfer', { to: { agent: '1002' } })).code, 'CALL_TARGET_NOT_READY', '1002 is logged out');
      assert.is((await s1.ask('consult-complete')).code, 'CALL_OPERATION_STATE');
      assert.is((await s1.ask('supervise', { agentId: '1001', mode: 'listen' })).code, 'SEAT_FORBIDDEN', 'agents do not supervise');
      assert.is(sb.callOf('1001')?.state, 'talking', 'the refusals changed nothing');
      const lis = await s3.ask('supervise', { agentId: '1001', mode: 'listen' });
      assert.ok(lis.ok, `supervise: ${lis.code} ${lis.message}`);
      await s3.until(() => s3.events('supervising')[0], 'supervising event');
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await sup.speak(e.prompts.file('zh', 'goodbye'));
      assert.ok((await s3.ask('supervise-leave')).ok);
      h.login('1002');
      assert.ok((await s1.ask('consult', { to: { agent: '1002' } })).ok);
      await a2.waitRing(10_000);
      await a2.liftHandset();
      await s1.until(() => s1.events('consult-answered')[0], 'consult-answered event');
      assert.is((await s1.ask('retrieve')).code, 'CALL_OPERATION_STATE', 'no retrieve behind the consultation\'s back');
      const done = await s1.ask('consult-complete');
      assert.ok(done.ok, `complete: ${done.code}`);
      const tr = await s1.until(() => s1.events('transferred')[0], 'transferred event');
      assert.is(tr.data.to, 'agent:1002');
      assert.is(tr.data.kind, 'consult');
      await a2.speak(e.prompts.file('zh', 'kb_returns'));
      await h.sleep(200);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  for (const st of [a1, a2]) await h.run(st.hangUp());
  const supFile = await h.run(sup.hangUp());
  const heard = heardIn(callerFile);
  assert.ok(score(heardIn(supFile), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the supervisor heard the caller');
  assert.ok(score(heard, prompt(e, 'zh', 'goodbye')) < 0.5, 'the caller did not hear the listening supervisor');
  assert.ok(score(heard, prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller hears 1002 after the transfer');
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
  await s1.close();
  await s3.close();
});

test('dial over the socket: 呼叫班长 from a headset, intercom event to the supervisor, hangup ends it; a bad number is refused', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  const { seats: [s1, s3] } = await seatsOn(
    h,
    [
      { id: '1001', name: '话务员一', role: 'agent' },
      { id: '1003', name: '班长', role: 'supervisor' },
    ],
    { ops: true, outbound: true },
  );
  const [a1, , sup] = h.stations;
  await h.run(
    (async () => {
      await a1.liftHandset();
      await h.sleep(300);
      assert.is((await s1.ask('dial', { to: { number: '+86' } })).code, 'SEAT_BAD_MESSAGE');
      assert.is((await s1.ask('dial', { to: { number: '123', agent: '1003' } })).code, 'CALL_TARGET_UNKNOWN', 'a number or an agent, not both');
      const r = await s1.ask('dial', { to: { agent: '1003' } });
      assert.ok(r.ok, `dial: ${r.code} ${r.message}`);
      assert.ok(await sup.waitRing(5000));
      await sup.liftHandset();
      await s1.until(() => s1.events('placed-connected')[0], 'placed-connected');
      const ic = await s3.until(() => s3.events('intercom')[0], 'intercom');
      assert.is(ic.data.from, '1001');
      await sup.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(200);
      assert.ok((await s1.ask('hangup')).ok);
      const end = await s1.until(() => s1.events('placed-ended')[0], 'placed-ended');
      assert.is(end.data.outcome, 'outbound_completed');
      await h.sleep(1500);
    })(),
  );
  const f = await h.run(a1.hangUp());
  await h.run(sup.hangUp());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the agent hears the supervisor');
  await e.core.outbound!.settled();
  const rec = await e.store.getCallRecord(s1.events('placed-ended')[0].data.callId);
  assert.is(rec!.outcome, 'outbound_completed');
  await s1.close();
  await s3.close();
});

test.run();
