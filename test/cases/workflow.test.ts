// Workflow: legal paths with a history entry per change (who, when, from, to),
// illegal transitions refused, deadlines in working days, reminders, and the
// due-soon / overdue lists by department and by agent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bj, complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture(bj(2026, 3, 2, 9));
  await f.store.putDepartment({ id: 'enf1', name: '执法一队', head: '赵队长' });
  await f.store.putDepartment({ id: 'enf2', name: '执法二队', head: '钱队长' });
  await f.store.putAgent({ id: 'a1', name: '李坐席', role: 'agent', password: 'secret-1' });
  await f.store.putAgent({ id: 'a2', name: '王坐席', role: 'agent', password: 'secret-2' });
  await f.store.putAgent({ id: 'sup', name: '周班长', role: 'supervisor', password: 'secret-3' });
});
test.after(async () => f.done());

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'NO ERROR';
}

test('complaint: registered → accepted → dispatched → mediation → closed, each step in the history', async () => {
  const c = await f.store.createCase(complaint({ agentId: 'a1' }));
  f.clock.now = bj(2026, 3, 3, 10);
  const a = await f.store.transition(c.number, { type: 'accept', note: '符合受理条件' }, 'sup');
  assert.ok(a.deadlines.find((d) => d.kind === 'accept_decision')!.metAt, 'accept meets the 7-day decision deadline');
  const med = a.deadlines.find((d) => d.kind === 'mediation');
  assert.ok(med, 'acceptance starts the 45-working-day mediation limit');
  // 45 working days after Tue 3 March 2026: 20 in March, 18 in April (4-6 Apr off),
  // 6-8 May (1-5 May off) and the make-up Saturday 9 May → end of Sat 9 May 2026
  assert.is(med!.dueAt, bj(2026, 5, 9, 23, 59) + 59_999, new Date(med!.dueAt).toISOString());
  f.clock.now = bj(2026, 3, 3, 11);
  const d = await f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'enf1' }, { departmentId: 'enf2', personInCharge: '孙警官' }] }, 'sup');
  assert.equal(d.dispatches, [
    { departmentId: 'enf1', personInCharge: '赵队长' },
    { departmentId: 'enf2', personInCharge: '孙警官' },
  ]);
  const m = await f.store.transition(c.number, { type: 'start_mediation' }, 'a1');
  f.clock.now = bj(2026, 3, 10, 15);
  const done = await f.store.transition(c.number, { type: 'close', result: 'agreement', note: '商家退款200元' }, 'a1');
  assert.is(m.status, 'mediation');
  assert.is(done.status, 'closed');
  assert.is(done.result, 'agreement');
  assert.is(done.closedAt, bj(2026, 3, 10, 15));
  assert.equal(
    done.history.map((h) => [h.action, h.from, h.to, h.by]),
    [
      ['create', null, 'registered', 'a1'],
      ['accept', 'registered', 'accepted', 'sup'],
      ['dispatch', 'accepted', 'dispatched', 'sup'],
      ['start_mediation', 'dispatched', 'mediation', 'a1'],
      ['close', 'mediation', 'closed', 'a1'],
    ],
  );
  assert.is(done.history[4].at, bj(2026, 3, 10, 15));
  assert.ok(done.deadlines.every((x) => x.metAt !== undefined), 'closing meets every open deadline');
  const stored = await f.store.getCase(c.number);
  assert.equal(stored, done, 'the stored record is the returned one');
});

test('illegal transitions are refused with CASE_TRANSITION_ILLEGAL and change nothing', async () => {
  const c = await f.store.createCase(complaint());
  assert.is(await code(f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'enf1' }] }, 'sup')), 'CASE_TRANSITION_ILLEGAL');
  assert.is(await code(f.store.transition(c.number, { type: 'close', result: 'answered' }, 'sup')), 'CASE_TRANSITION_ILLEGAL');
  assert.is(await code(f.store.transition(c.number, { type: 'start_verification' }, 'sup')), 'CASE_TRANSITION_ILLEGAL');
  await f.store.transition(c.number, { type: 'accept' }, 'sup');
  assert.is(await code(f.store.transition(c.number, { type: 'close', result: 'agreement' }, 'sup')), 'CASE_TRANSITION_ILLEGAL', 'agreement only ends a mediation');
  assert.is(await code(f.store.transition(c.number, { type: 'accept' }, 'sup')), 'CASE_TRANSITION_ILLEGAL');
  assert.is(await code(f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'nowhere' }] }, 'sup')), 'CASE_DEPARTMENT_UNKNOWN');
  assert.is(await code(f.store.transition(c.number, { type: 'dispatch', departments: [] }, 'sup')), 'CASE_FIELD_INVALID');
  assert.is(await code(f.store.transition(c.number, { type: 'fly' } as never, 'sup')), 'CASE_FIELD_INVALID');
  assert.is(await code(f.store.transition(c.number, { type: 'note', text: 'x' }, '')), 'CASE_FIELD_INVALID', 'who did it is required');
  const after = await f.store.getCase(c.number);
  assert.is(after!.status, 'accepted');
  assert.is(after!.history.length, 2, 'refused actions leave no history');
});

test('a deactivated department takes no new dispatch (CASE_DEPARTMENT_INACTIVE, nothing changes); a case it already has keeps it', async () => {
  await f.store.putDepartment({ id: 'enf9', name: '执法九队', head: '吴队长' });
  const had = await f.store.createCase(complaint());
  await f.store.transition(had.number, { type: 'accept' }, 'sup');
  await f.store.transition(had.number, { type: 'dispatch', departments: [{ departmentId: 'enf9' }] }, 'sup');
  const c = await f.store.createCase(complaint());
  await f.store.transition(c.number, { type: 'accept' }, 'sup');
  await f.store.putDepartment({ id: 'enf9', name: '执法九队', head: '吴队长', active: false });
  assert.is(await code(f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'enf9' }] }, 'sup')), 'CASE_DEPARTMENT_INACTIVE');
  assert.is(await code(f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'enf1' }, { departmentId: 'enf9' }] }, 'sup')), 'CASE_DEPARTMENT_INACTIVE', 'one inactive department refuses the whole step');
  const after = await f.store.getCase(c.number);
  assert.is(after!.status, 'accepted');
  assert.equal(after!.dispatches, [], 'a refused dispatch adds no department');
  const more = await f.store.transition(had.number, { type: 'dispatch', departments: [{ departmentId: 'enf9' }, { departmentId: 'enf1' }] }, 'sup');
  assert.equal(more.dispatches.map((d) => d.departmentId), ['enf9', 'enf1'], 'naming a department the case already has is no new dispatch');
  const med = await f.store.transition(had.number, { type: 'start_mediation' }, 'sup');
  assert.is(med.status, 'mediation', 'the earlier dispatch stands and its workflow goes on');
});

test('not accepted needs a reason and is final', async () => {
  const c = await f.store.createCase(complaint());
  assert.is(await code(f.store.transition(c.number, { type: 'not_accept', reason: ' ' }, 'sup')), 'CASE_FIELD_INVALID');
  const n = await f.store.transition(c.number, { type: 'not_accept', reason: '不属于本局管辖' }, 'sup');
  assert.is(n.status, 'not_accepted');
  assert.is(n.notAcceptedReason, '不属于本局管辖');
  assert.is(await code(f.store.transition(c.number, { type: 'accept' }, 'sup')), 'CASE_TRANSITION_ILLEGAL');
  const noted = await f.store.transition(c.number, { type: 'note', text: '已电话告知' }, 'a1');
  assert.is(noted.history.at(-1)!.note, '已电话告知', 'notes are allowed on finished cases');
});

test('report: verification and a case-opened result; a complaint cannot end that way', async () => {
  const r = await f.store.createCase({ kind: 'report', channel: 'hotline', complainant: { name: '举报人', phone: '13600000000' }, business: { name: '某药店', address: '某路' }, facts: '销售假药' });
  await f.store.transition(r.number, { type: 'accept' }, 'sup');
  await f.store.transition(r.number, { type: 'dispatch', departments: [{ departmentId: 'enf2' }] }, 'sup');
  assert.is(await code(f.store.transition(r.number, { type: 'start_mediation' }, 'sup')), 'CASE_TRANSITION_ILLEGAL');
  await f.store.transition(r.number, { type: 'start_verification' }, 'sup');
  const closed = await f.store.transition(r.number, { type: 'close', result: 'case_opened' }, 'sup');
  assert.is(closed.result, 'case_opened');
});

test('due soon and overdue, by department and by agent; reminders (定时催办)', async () => {
  f.clock.now = bj(2026, 6, 1, 9); // Monday
  const c1 = await f.store.createCase(complaint({ agentId: 'a1' })); // accept decision due end of Wed 10 June
  const c2 = await f.store.createCase(complaint({ agentId: 'a2' }));
  await f.store.transition(c2.number, { type: 'accept' }, 'sup');
  await f.store.transition(c2.number, { type: 'dispatch', departments: [{ departmentId: 'enf2' }] }, 'sup');
  const rem = await f.store.setReminder(c2.number, bj(2026, 6, 3, 14), 'sup', '请执法二队回复进度');
  assert.is(rem.history.at(-1)!.action, 'reminder');

  const at = (y: number, m: number, d: number, h: number) => ({ now: bj(y, m, d, h) });
  // Wednesday 3 June 15:00: the reminder is overdue, c1's decision is not yet due within 48 h
  let items = await f.store.dueItems({ ...at(2026, 6, 3, 15), withinMs: 48 * 3_600_000 });
  let mine = items.filter((i) => i.number === c1.number || i.number === c2.number);
  assert.equal(mine.map((i) => [i.number, i.kind, i.overdue]), [[c2.number, 'reminder', true]]);
  // Monday 8 June 10:00: not within 48 h yet; Tuesday 9 June 10:00: due soon
  items = await f.store.dueItems({ ...at(2026, 6, 8, 10), withinMs: 48 * 3_600_000 });
  assert.not.ok(items.some((i) => i.number === c1.number));
  items = await f.store.dueItems({ ...at(2026, 6, 9, 10), withinMs: 48 * 3_600_000 });
  mine = items.filter((i) => i.number === c1.number);
  assert.equal(mine.map((i) => [i.kind, i.overdue]), [['accept_decision', false]]);
  // Thursday 11 June: overdue
  items = await f.store.dueItems({ ...at(2026, 6, 11, 10), agentId: 'a1' });
  assert.ok(items.some((i) => i.number === c1.number && i.kind === 'accept_decision' && i.overdue));
  assert.ok(items.every((i) => i.agentId === 'a1'), 'agent filter');
  const dept = await f.store.dueItems({ ...at(2026, 6, 10, 10), departmentId: 'enf2' });
  assert.ok(dept.some((i) => i.number === c2.number && i.kind === 'reminder'));
  assert.ok(dept.every((i) => i.departmentIds.includes('enf2')), 'department filter');
  // closing removes the case from the lists
  await f.store.transition(c1.number, { type: 'not_accept', reason: '重复投诉' }, 'sup');
  items = await f.store.dueItems({ ...at(2026, 6, 10, 10) });
  assert.not.ok(items.some((i) => i.number === c1.number));
  assert.is(await code(f.store.setReminder(c1.number, bj(2026, 6, 11, 9), 'sup')), 'CASE_TRANSITION_ILLEGAL');
});

test('configured limits replace the defaults', async () => {
  const g = await fixture(bj(2026, 3, 6, 9), { config: { deadlines: { complaintAcceptDays: 3 } } });
  try {
    const c = await g.store.createCase(complaint());
    assert.is(c.deadlines[0].dueAt, bj(2026, 3, 11, 23, 59) + 59_999);
  } finally {
    await g.done();
  }
  try {
    await fixture(bj(2026, 3, 6), { config: { deadlines: { complaintAcceptDays: 0 } } });
    assert.unreachable('zero-day limit accepted');
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_CONFIG_INVALID');
  }
});

test('an action with a misspelt field is refused naming the nearest one, and the case is unchanged', async () => {
  const f = await fixture();
  try {
    const c = await f.store.createCase(complaint());
    for (const [action, want] of [
      [{ type: 'accept', notes: '受理' }, /'accept' action has no field 'notes'; did you mean 'note'/],
      [{ type: 'not_accept', reson: '不属于受理范围' }, /no field 'reson'; did you mean 'reason'/],
    ] as const) {
      try {
        await f.store.transition(c.number, action as never, 'a1');
        assert.unreachable(JSON.stringify(action));
      } catch (e) {
        assert.is((e as { code?: string }).code, 'CASE_FIELD_INVALID');
        assert.match((e as Error).message, want);
      }
    }
    assert.is((await f.store.getCase(c.number))!.status, 'registered');
  } finally {
    await f.done();
  }
});

test.run();
