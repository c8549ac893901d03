// Intake: required fields by kind (one error per missing or malformed field),
// the five kinds and their channels, IVR intake completed later, numbering.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FieldError } from '../../src/cases/errors.ts';
import { bj, complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture();
  await f.store.putAgent({ id: 'a1', name: '李坐席', role: 'agent', password: 'secret-1' });
});
test.after(async () => f.done());

async function fieldErrors(p: Promise<unknown>): Promise<FieldError[]> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; info?: { errors: FieldError[] } };
    assert.is(err.code, 'CASE_INVALID');
    return err.info!.errors;
  }
  assert.unreachable('the case was accepted but should have been refused');
  return [];
}

test('a complaint needs complainant name/phone/address, business name/address, request, facts: one error each', async () => {
  const errs = await fieldErrors(f.store.createCase({ kind: 'complaint', channel: 'hotline' }));
  const fields = errs.map((e) => e.field).sort();
  assert.equal(fields, ['business.address', 'business.name', 'complainant.address', 'complainant.name', 'complainant.phone', 'facts', 'request']);
  assert.ok(errs.every((e) => e.code === 'CASE_FIELD_REQUIRED' && e.message.length > 10), JSON.stringify(errs));
});

test('malformed fields are named with CASE_FIELD_INVALID', async () => {
  const errs = await fieldErrors(
    f.store.createCase(complaint({ callerNumber: 'call me', categoryId: 'goods.spaceships', complainant: { name: '张三', phone: '12a', address: 'x' } })),
  );
  const byField = Object.fromEntries(errs.map((e) => [e.field, e.code]));
  assert.equal(byField, { callerNumber: 'CASE_FIELD_INVALID', 'complainant.phone': 'CASE_FIELD_INVALID', categoryId: 'CASE_FIELD_INVALID' });
  const kind = await fieldErrors(f.store.createCase({ ...complaint(), kind: 'praise' as never }));
  assert.is(kind[0].field, 'kind');
});

test('unknown agent is refused; a full complaint is registered with a valid number and the accept deadline', async () => {
  try {
    await f.store.createCase(complaint({ agentId: 'nobody' }));
    assert.unreachable('unknown agent accepted');
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_AGENT_UNKNOWN');
  }
  f.clock.now = bj(2026, 3, 6, 9); // Friday
  const c = await f.store.createCase(complaint({ agentId: 'a1' }));
  assert.is(c.status, 'registered');
  assert.ok(f.store.validateCaseNumber(c.number).ok);
  assert.ok(c.number.startsWith('20260306'), c.number);
  assert.equal(c.missingFields, []);
  const dl = c.deadlines.find((d) => d.kind === 'accept_decision');
  assert.ok(dl, 'complaint has an accept-decision deadline');
  assert.is(dl!.dueAt, bj(2026, 3, 17, 23, 59) + 59_999, '7 working days after Friday 6 March: end of Tuesday 17 March');
  assert.is(c.history.length, 1);
  assert.is(c.history[0].by, 'a1');
  const again = await f.store.getCase(c.number);
  assert.equal(again, c);
});

test('an anonymous report needs no complainant and owes no callback', async () => {
  const r = await f.store.createCase({ kind: 'report', channel: 'web', anonymous: true, business: { name: '黑作坊', address: '某村' }, facts: '无证生产食品' });
  assert.is(r.callbackPending, false);
  assert.ok(r.deadlines.some((d) => d.kind === 'verification'));
  const named = await fieldErrors(f.store.createCase({ kind: 'report', channel: 'letter', business: { name: '黑作坊', address: '某村' }, facts: '无证生产' }));
  assert.equal(named.map((e) => e.field).sort(), ['complainant.name', 'complainant.phone']);
});

test('a consultation is answered at once (closed) or marked answer-later (callback list)', async () => {
  const now = await f.store.createCase({ kind: 'consultation', channel: 'hotline', facts: '七日无理由退货怎么办理', answer: '依据消费者权益保护法第二十五条……' });
  assert.is(now.status, 'closed');
  assert.is(now.result, 'answered');
  const noAnswer = await fieldErrors(f.store.createCase({ kind: 'consultation', channel: 'hotline', facts: '问题' }));
  assert.equal(noAnswer.map((e) => e.field), ['answer']);
  const noContact = await fieldErrors(f.store.createCase({ kind: 'consultation', channel: 'hotline', facts: '问题', answerLater: true }));
  assert.equal(noContact.map((e) => e.field), ['callbackNumber']);
  const later = await f.store.createCase({ kind: 'consultation', channel: 'hotline', facts: '预付卡退费规定', answerLater: true, callbackNumber: '13911112222' });
  assert.is(later.status, 'registered');
  assert.ok(later.callbackPending);
  const list = await f.store.callbackList();
  assert.ok(list.some((c) => c.number === later.number), 'answer-later consultation is on the callback list');
  await f.store.transition(later.number, { type: 'callback_done', note: '已回电答复' }, 'a1');
  assert.not.ok((await f.store.callbackList()).some((c) => c.number === later.number), 'callback done removes it from the list');
});

test('suggestions and director-mailbox messages: text, and a contact unless anonymous', async () => {
  const s = await f.store.createCase({ kind: 'suggestion', channel: 'email', facts: '建议延长热线服务时间', callbackNumber: '010-12345678' });
  assert.ok(s.deadlines.some((d) => d.kind === 'reply'));
  const m = await f.store.createCase({ kind: 'mailbox', channel: 'mailbox', facts: '反映执法人员态度问题', anonymous: true });
  assert.is(m.kind, 'mailbox');
  const errs = await fieldErrors(f.store.createCase({ kind: 'mailbox', channel: 'mailbox', facts: '反映问题' }));
  assert.equal(errs.map((e) => e.field), ['callbackNumber']);
});

test('IVR intake: registered from a recording, completed by an agent, then accepted', async () => {
  const noRec = await fieldErrors(f.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13700000001', callbackNumber: '13700000001' }));
  assert.equal(noRec.map((e) => e.field), ['recordingIds']);
  const c = await f.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13700000001', callbackNumber: '13700000001', recordingIds: ['rec-1'] });
  assert.is(c.status, 'registered');
  assert.ok(c.missingFields.includes('complainant.name') && c.missingFields.includes('facts'), c.missingFields.join(','));
  assert.ok(c.callbackPending, 'IVR intake owes a callback');
  try {
    await f.store.transition(c.number, { type: 'accept' }, 'a1');
    assert.unreachable('incomplete case accepted');
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_INCOMPLETE');
  }
  const full = complaint();
  const u = await f.store.updateCase(c.number, { complainant: full.complainant, business: full.business, request: full.request, facts: full.facts }, 'a1');
  assert.equal(u.missingFields, []);
  assert.is(u.history.at(-1)!.action, 'update');
  const a = await f.store.transition(c.number, { type: 'accept' }, 'a1');
  assert.is(a.status, 'accepted');
});

test('an update may not remove a required field of a non-IVR case', async () => {
  const c = await f.store.createCase(complaint());
  const errs = await fieldErrors(f.store.updateCase(c.number, { request: '' }, 'a1'));
  assert.equal(errs.map((e) => e.field), ['request']);
  const bad = await fieldErrors(f.store.updateCase(c.number, { status: 'closed' } as never, 'a1'));
  assert.is(bad[0].field, 'status');
  assert.is((await f.store.getCase(c.number))!.request, '退货退款', 'refused update changed nothing');
});

test('numbers: daily sequence, unique, restarting the next day', async () => {
  f.clock.now = bj(2026, 4, 1, 9);
  const a = await Promise.all(Array.from({ length: 50 }, () => f.store.createCase(complaint())));
  const seqs = a.map((c) => Number(c.number.slice(8, 13)));
  assert.equal(seqs, Array.from({ length: 50 }, (_, i) => i + 1));
  f.clock.now = bj(2026, 4, 2, 0, 1);
  const b = await f.store.createCase(complaint());
  assert.is(b.number.slice(0, 13), '2026040200001');
  f.clock.now = bj(2026, 4, 1, 23, 59);
  const c = await f.store.createCase(complaint());
  assert.is(c.number.slice(0, 13), '2026040100051', 'the day continues where it stopped');
});

test('lookups refuse mistyped numbers before any lookup', async () => {
  try {
    await f.store.getCase('20260401000012');
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_NUMBER_CHECK');
  }
});

test.run();
