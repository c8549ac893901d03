// Cases over the seat socket (real LMDB store, real WebSocket on 127.0.0.1):
// create/update/workflow through the store's own validation (same codes and
// sentences as the store), roles (an agent changes his own and unowned
// cases), caller history, knowledge base, "cannot answer now", callbacks,
// deadlines and reminders due. Every refusal leaves the store as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CaseRecord, CreateCaseInput } from '../../src/cases/types.ts';
import { complaint } from '../cases/helpers.ts';
import { Client, loggedIn, rig, type Rig } from './_harness.ts';

// The case-store tests' complaint: every field a hotline complaint needs.
const COMPLAINT = complaint();

/** Every case in the store, as stored (for "changes nothing"). */
async function allCases(r: Rig): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  for await (const c of r.store.exportCases()) out.push(c);
  return out;
}

test('an agent registers a complaint and takes it through the workflow; refusals carry the store\'s code and sentence', async () => {
  const r = await rig();
  try {
    await r.store.putDepartment({ id: 'cy-sjs', name: '朝阳市场监管所', head: '王所长' });
    const a = await loggedIn(r, '1001');
    const made = await a.ask('case-create', { fields: COMPLAINT });
    assert.ok(made.ok, JSON.stringify(made));
    const no: string = made.result.number;
    assert.is(made.result.agentId, '1001');
    assert.is(made.result.channel, 'hotline');
    assert.equal(await r.store.getCase(no), made.result);

    // A malformed case: the store's own refusal, word for word, with its per-field list.
    const badFields = { kind: 'complaint', facts: 7, complainant: { name: '李四', phon: '1' } };
    const before = await allCases(r);
    const bad = await a.ask('case-create', { fields: badFields });
    const direct = await r.store.createCase({ channel: 'hotline', ...badFields, agentId: '1001' } as unknown as CreateCaseInput).then(
      () => null,
      (e) => e,
    );
    assert.is(bad.code, 'CASE_INVALID');
    assert.is(bad.message, direct.message);
    assert.equal(bad.result, undefined);
    assert.ok((bad as { details?: { errors: { field: string }[] } }).details!.errors.some((e) => e.field === 'facts'));
    assert.is((await a.ask('case-create', { fields: { ...COMPLAINT, agentId: '1002' } })).code, 'SEAT_BAD_MESSAGE');
    assert.is((await a.ask('case-create', { fields: 'complaint' })).code, 'SEAT_BAD_MESSAGE');
    assert.equal(await allCases(r), before);

    // The workflow: accept, dispatch (执法调度), mediate, close.
    const step = async (action: Record<string, unknown>) => a.ask('case-action', { number: no, action });
    assert.is((await step({ type: 'close', result: 'answered' })).code, 'CASE_TRANSITION_ILLEGAL');
    assert.is((await step({ type: 'dispatch', departments: [{ departmentId: 'cy-sjs' }] })).code, 'CASE_TRANSITION_ILLEGAL');
    assert.is((await step({ type: 'accept', notes: 'x' })).code, 'CASE_FIELD_INVALID');
    assert.is((await step({ type: 'teleport' })).code, 'CASE_FIELD_INVALID');
    assert.is((await r.store.getCase(no))!.status, 'registered');
    assert.is((await step({ type: 'accept' })).result.status, 'accepted');
    assert.is((await step({ type: 'dispatch', departments: [{ departmentId: 'nowhere' }] })).code, 'CASE_DEPARTMENT_UNKNOWN');
    const d = await step({ type: 'dispatch', departments: [{ departmentId: 'cy-sjs' }] });
    assert.equal(d.result.dispatches, [{ departmentId: 'cy-sjs', personInCharge: '王所长' }]);
    assert.is((await step({ type: 'start_mediation' })).result.status, 'mediation');
    const closed = await step({ type: 'close', result: 'agreement', note: '商家退款' });
    assert.equal([closed.result.status, closed.result.result], ['closed', 'agreement']);
    assert.equal(
      (await r.store.getCase(no))!.history.map((h) => [h.action, h.by]),
      [['create', '1001'], ['accept', '1001'], ['dispatch', '1001'], ['start_mediation', '1001'], ['close', '1001']],
    );
    // Numbers: the store's checks.
    assert.is((await a.ask('case-get', { number: no.slice(0, 13) + String((Number(no[13]) + 1) % 10) })).code, 'CASE_NUMBER_CHECK');
    assert.is((await a.ask('case-get', { number: '12' })).code, 'CASE_NUMBER_FORMAT');
    assert.is((await a.ask('case-get', { number: no })).result.number, no);
    await a.close();
  } finally {
    await r.close();
  }
});

test('roles: an agent changes his own and unowned cases, notes any; a supervisor changes all', async () => {
  const r = await rig();
  try {
    const a = await loggedIn(r, '1001');
    const b = await loggedIn(r, '1002');
    const sup = await loggedIn(r, '2001');
    const no: string = (await a.ask('case-create', { fields: COMPLAINT })).result.number;
    const before = await r.store.getCase(no);
    for (const [type, f] of [
      ['case-update', { fields: { request: '赔偿' } }],
      ['case-action', { action: { type: 'accept' } }],
      ['case-reminder', { at: Date.now() + 3_600_000 }],
    ] as const) {
      const x = await b.ask(type, { number: no, ...f });
      assert.is(x.code, 'SEAT_FORBIDDEN', `${type}: ${JSON.stringify(x)}`);
    }
    assert.equal(await r.store.getCase(no), before);
    // Reading is open to all: the caller's earlier case was taken by someone else.
    assert.is((await b.ask('case-get', { number: no })).result.number, no);
    assert.ok((await b.ask('case-action', { number: no, action: { type: 'note', text: '来电催问进度' } })).ok);
    assert.is((await sup.ask('case-action', { number: no, action: { type: 'accept' } })).result.status, 'accepted');
    // An IVR intake has no agent: whoever calls back completes it.
    const ivr = await r.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13900000009', recordingIds: ['recordings/c1-1.wav'] });
    assert.ok(ivr.missingFields.length > 0);
    const upd = await b.ask('case-update', { number: ivr.number, fields: { complainant: { name: '王五', phone: '13900000009', address: '北京市海淀区1号' } } });
    assert.ok(upd.ok, JSON.stringify(upd));
    assert.equal(upd.result.history.at(-1).by, '1002');
    // An update with a misspelt field: the store names the nearest.
    const typo = await b.ask('case-update', { number: ivr.number, fields: { requst: 'x' } });
    assert.is(typo.code, 'CASE_INVALID');
    assert.match(typo.message!, 'request');
    // Not logged in: nothing.
    const anon = await Client.open(r.server.seatUrl);
    assert.is((await anon.ask('case-create', { fields: COMPLAINT })).code, 'SEAT_NOT_LOGGED_IN');
    assert.is((await anon.ask('case-get', { number: no })).code, 'SEAT_NOT_LOGGED_IN');
    for (const c of [a, b, sup, anon]) await c.close();
  } finally {
    await r.close();
  }
});

test('caller history, knowledge base, "cannot answer now", callbacks and deadlines due', async () => {
  const r = await rig();
  try {
    const a = await loggedIn(r, '1001');
    const b = await loggedIn(r, '1002');
    const sup = await loggedIn(r, '2001');
    const now = Date.now();
    await r.store.putCallRecord({ id: 'call-earlier', startedAt: now - 86_400_000, endedAt: now - 86_000_000, channel: 'span0/ts3', callerNumber: '13800138000', ivrPath: ['main', 'agent'], recordingIds: [], agentId: '1002', outcome: 'answered' });
    const no: string = (await a.ask('case-create', { fields: COMPLAINT })).result.number;
    const h = await b.ask('caller-history', { callerNumber: '13800138000' });
    assert.equal(h.result.items.map((i: { type: string }) => i.type).sort(), ['call', 'case']);
    assert.equal(h.result.items.find((i: { type: string }) => i.type === 'call').callId, 'call-earlier');
    assert.equal(h.result.openCases.map((c: { number: string }) => c.number), [no]);
    assert.equal(h.result.calls.map((c: { id: string; ivrPath: string[]; agentId: string }) => [c.id, c.ivrPath, c.agentId]), [['call-earlier', ['main', 'agent'], '1002']]);
    assert.equal((await b.ask('caller-history', { callerNumber: '13000000000' })).result, { items: [], openCases: [], calls: [] });
    assert.is((await b.ask('caller-history', { callerNumber: '' })).code, 'SEAT_BAD_MESSAGE');

    await r.store.putKnowledge({ id: 'kb-returns', category: 'regulation', title: '七日无理由退货', text: '网购商品自收到之日起七日内可无理由退货，定制商品除外。' });
    await r.store.putKnowledge({ id: 'kb-warranty', category: 'policy', title: '三包规定', text: '家电商品修理两次仍不能正常使用的，可以换货或退货。' });
    await r.store.putKnowledge({ id: 'kb-office', category: 'office_guide', title: '办公地址', text: '朝阳区幸福路1号' });
    const kb = await a.ask('kb-search', { words: '退货' });
    assert.equal(kb.result.entries.map((e: { id: string }) => e.id), ['kb-returns', 'kb-warranty']);
    assert.equal((await a.ask('kb-search', { words: '退货 家电' })).result.entries.map((e: { id: string }) => e.id), ['kb-warranty']);
    assert.equal((await a.ask('kb-search', { words: '退货', category: 'policy' })).result.entries.map((e: { id: string }) => e.id), ['kb-warranty']);
    assert.equal((await a.ask('kb-search', { words: '火星' })).result.entries, []);

    // 暂时无法答复: a consultation owed a callback, on the callback list with its deadline.
    const later = await a.ask('answer-later', { question: '进口奶粉的标签要求是什么？', callbackNumber: '13700000001', name: '赵六', callerNumber: '13700000001' });
    assert.ok(later.ok, JSON.stringify(later));
    assert.equal([later.result.kind, later.result.status, later.result.callbackPending, later.result.agentId], ['consultation', 'registered', true, '1001']);
    assert.ok(later.result.deadlines.some((d: { kind: string }) => d.kind === 'callback'));
    assert.is((await a.ask('answer-later', { question: '问', callbackNumber: 'abc' })).code, 'CASE_INVALID');
    const lists = async (c: Client) => (await c.ask('callbacks')).result.cases.map((x: { number: string }) => x.number);
    assert.equal(await lists(a), [later.result.number]);
    assert.equal(await lists(b), []);
    assert.equal(await lists(sup), [later.result.number]);
    // The ACD's callback list beside the cases: a call abandoned in the queue, with the caller's number.
    assert.equal((await a.ask('callbacks')).result.calls, []);
    if (r.acd.agent('1002').state === 'loggedOut') r.acd.login('1002', { ready: true }); // the queue refuses calls when nobody is logged in
    r.acd.enter('abandoned-1', 'agents', { callerNumber: '13700000001' });
    r.clock.advance(12_000);
    r.acd.callerHangup('abandoned-1');
    const calls = (await b.ask('callbacks')).result.calls;
    assert.equal(calls.map((x: { callId: string; callerNumber: string; reason: string; waitMs: number }) => [x.callId, x.callerNumber, x.reason, x.waitMs]), [['abandoned-1', '13700000001', 'abandoned', 12_000]]);

    // Deadlines: an agent's own; another agent's refused; a supervisor's all.
    const at = Date.now() + 3_600_000;
    assert.ok((await a.ask('case-reminder', { number: no, at, note: '催办' })).ok);
    const dueA = (await a.ask('due', { withinMs: 31 * 86_400_000 })).result.items;
    assert.ok(dueA.some((d: { number: string; kind: string }) => d.number === no && d.kind === 'reminder'));
    assert.ok(dueA.some((d: { number: string; kind: string }) => d.number === later.result.number && d.kind === 'callback'));
    assert.equal((await b.ask('due', { withinMs: 31 * 86_400_000 })).result.items, []);
    assert.is((await b.ask('due', { agentId: '1001' })).code, 'SEAT_FORBIDDEN');
    assert.equal((await sup.ask('due', { agentId: '1001', withinMs: 31 * 86_400_000 })).result.items, dueA);
    // The callback is made by someone else: callback_done is open to every agent.
    assert.ok((await b.ask('case-action', { number: later.result.number, action: { type: 'callback_done', note: '已回电答复' } })).ok);
    assert.equal(await lists(sup), []);
    for (const c of [a, b, sup]) await c.close();
  } finally {
    await r.close();
  }
});

test('without a case store the case messages are refused with their own code', async () => {
  const r = await rig({ cases: undefined });
  try {
    const a = await loggedIn(r, '1001');
    assert.is((await a.ask('case-create', { fields: COMPLAINT })).code, 'SEAT_CASES_UNAVAILABLE');
    assert.is((await a.ask('kb-search', { words: 'x' })).code, 'SEAT_CASES_UNAVAILABLE');
    assert.ok((await a.ask('ping')).ok);
    await a.close();
  } finally {
    await r.close();
  }
});

test.run();
