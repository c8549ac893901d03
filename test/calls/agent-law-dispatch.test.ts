// 执法调度 over the seat socket (a real WebSocket on 127.0.0.1) on the
// simulated board: from an accepted report case the agent calls the
// department's phone (the directory's), its leader answers, and the caller,
// the agent and the leader hold a three-way call (every pair checked by
// correlation) while the case is dispatched to the department, the call id
// in its history. Refusals carry their codes and change nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStation } from '../../src/calls/sim-station.ts';
import { agentHarness, heardIn, prompt, roster, score, seatsOn, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('执法调度: the department of a report case is called and joined into a three-way call; the case is dispatched to it with the call id; refusals change nothing', async () => {
  h = await agentHarness(roster(2, 'linear'));
  const e = h.engine;
  const store = e.store;
  const { seats: [s1] } = await seatsOn(h, [{ id: '1001', name: '话务员一', role: 'agent' }], { ops: true }); // before the cases: they name him
  await store.putDepartment({ id: 'zf', name: '执法大队', head: '王队长', phone: '0101' });
  await store.putDepartment({ id: 'archive', name: '档案室' });
  const report = { kind: 'report', channel: 'hotline', anonymous: true, business: { name: '黑作坊', address: '某村' }, facts: '无证生产食品', agentId: '1001' } as const;
  const rep = await store.createCase(report);
  await store.transition(rep.number, { type: 'accept' }, '1001');
  const fresh = await store.createCase(report); // registered, not yet accepted
  const sb = e.core.switchboard!;
  h.login('1001');
  const [a1] = h.stations;
  const leader = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/leader' });
  let dialled = '';
  leader.phone.events$.subscribe((x) => x.type === 'ring' && (dialled = x.calledNumber ?? ''));
  const c = h.caller(1);
  const f = (id: string) => e.prompts.file('zh', id);
  let callId = '';
  assert.is((await s1.ask('dispatch-call', { caseNumber: rep.number, departmentId: 'zf' })).code, 'CALL_NOT_CONNECTED', 'no call yet');
  await h.run(
    (async () => {
      await h.toStation(c, a1);
      await h.sleep(300);
      const refused = async (args: Record<string, unknown>, code: string, why: string) => assert.is((await s1.ask('dispatch-call', args)).code, code, why);
      // A well-formed number (its check digit right) that no case has.
      const unknown = [...'0123456789'].map((d) => rep.number.slice(0, 8) + '99999' + d).find((n) => store.validateCaseNumber(n).ok)!;
      await refused({ caseNumber: unknown, departmentId: 'zf' }, 'CALL_CASE_UNKNOWN', 'no such case');
      await refused({ caseNumber: fresh.number, departmentId: 'zf' }, 'CALL_CASE_NOT_DISPATCHABLE', 'a report not yet accepted');
      await refused({ caseNumber: rep.number, departmentId: 'nope' }, 'CALL_TARGET_UNKNOWN', 'no such department');
      await refused({ caseNumber: rep.number, departmentId: 'archive' }, 'CALL_DEPARTMENT_NO_PHONE', 'a department without a phone');
      await refused({ caseNumber: rep.number }, 'SEAT_BAD_MESSAGE', 'the department is required');
      assert.is(sb.callOf('1001')?.state, 'talking', 'the refusals changed nothing');
      assert.is((await store.getCase(rep.number))!.status, 'accepted');
      const r = await s1.ask('dispatch-call', { caseNumber: rep.number, departmentId: 'zf' });
      assert.ok(r.ok, `dispatch-call: ${r.code} ${r.message}`);
      callId = (r.result as { callId: string }).callId;
      assert.is((r.result as { number: string }).number, '0101');
      assert.ok(await leader.waitRing(10_000), 'the department\'s phone rings');
      await leader.liftHandset();
      const conf = await s1.until(() => s1.events('conference')[0], 'conference');
      assert.is(conf.data.parties, 3);
      await h.sleep(200);
      await c.speak(f('kb_office'));
      await a1.speak(f('kb_returns'));
      await leader.speak(f('kb_warranty'));
      // The case is dispatched meanwhile (the store writes while the board waits).
      // The write runs in real time: bounded by a real-time deadline, not a number of steps (a loaded machine is slower).
      const end = Date.now() + 60_000;
      while (Date.now() < end && (await store.getCase(rep.number))!.status !== 'dispatched') await h.sleep(50);
      await leader.hangUp();
      await h.sleep(1500);
      assert.is(sb.callOf('1001')?.state, 'talking', 'the leader left: caller and agent again');
      await a1.speak(f('caller_complaint'));
      await h.sleep(200);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const agentFile = await h.run(a1.hangUp());
  assert.is(dialled, '0101', 'the department\'s phone number was dialled');
  const s = (x: Int16Array, id: string) => score(x, prompt(e, 'zh', id));
  const caller = heardIn(callerFile);
  const agent = heardIn(agentFile);
  const lead = leader.heard();
  assert.ok(s(agent, 'kb_office') > 0.8 && s(lead, 'kb_office') > 0.8, 'agent and leader hear the caller');
  assert.ok(s(caller, 'kb_returns') > 0.8 && s(lead, 'kb_returns') > 0.8, 'caller and leader hear the agent');
  assert.ok(s(caller, 'kb_warranty') > 0.8 && s(agent, 'kb_warranty') > 0.8, 'caller and agent hear the leader');
  assert.ok(s(caller, 'caller_complaint') > 0.8 && s(lead, 'caller_complaint') < 0.5, 'after the leader left');
  const after = (await store.getCase(rep.number))!;
  assert.is(after.status, 'dispatched');
  assert.equal(after.dispatches, [{ departmentId: 'zf', personInCharge: '王队长' }]);
  const last = after.history.at(-1)!;
  assert.is(last.by, '1001');
  assert.ok(last.note?.includes(callId) && last.note.includes('执法大队'), `the history names the call: ${last.note}`);
  assert.is(e.board.channel(2, 3).state, 'idle');
  await e.core.acd!.settled();
  assert.equal(e.core.acd!.check(), []);
  await s1.close();
  leader.close();
});

test.run();
