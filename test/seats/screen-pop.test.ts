// The screen pop against a real LMDB case store: history (cases and calls),
// open cases, the keyed case, the kind guessed from the IVR, the form
// pre-filled; bad input gives an emptier pop, never an error; through the
// seat service it reaches the offered agent's seats only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCaseNumber } from '../../src/cases/number.ts';
import { buildScreenPop } from '../../src/seats/screen-pop.ts';
import { complaint } from '../cases/helpers.ts';
import { loggedIn, rig } from './_harness.ts';

const CALLER = '13800138000';
/** The 12315 flow's way to an agent: main menu, 0, office hours, the queue. */
const TO_AGENT = ['welcome', 'main', 'agent', 'agent_queue'];

test('a known caller: his cases and calls, open cases, the form pre-filled from his last case', async () => {
  const r = await rig();
  try {
    const old = await r.store.createCase(complaint({ agentId: '1002' }));
    await r.store.transition(old.number, { type: 'accept' }, '1002');
    const done = await r.store.createCase({ kind: 'consultation', channel: 'hotline', callerNumber: CALLER, facts: '保质期怎么算', answer: '以标签为准', agentId: '1001' });
    await r.store.putCallRecord({ id: 'call-7', startedAt: Date.now() - 60_000, endedAt: Date.now() - 30_000, channel: 'span0/ts4', callerNumber: CALLER, ivrPath: TO_AGENT, recordingIds: [], agentId: '1002', outcome: 'answered' });
    await r.store.createCase(complaint({ callerNumber: '13900000000', complainant: { name: '别人', phone: '13900000000', address: '别处' } }));

    const pop = await buildScreenPop(r.store, { callerNumber: CALLER, calledNumber: '12315', ivrPath: TO_AGENT, ivrVars: {}, callId: 'call-8' });
    assert.is(pop.callerNumber, CALLER);
    assert.is(pop.calledNumber, '12315');
    assert.equal(pop.history.map((h) => h.number ?? h.callId).sort(), [old.number, done.number, 'call-7'].sort());
    assert.equal(pop.openCases.map((c) => [c.number, c.status, c.complainant, c.business]), [[old.number, 'accepted', '张三', '朝阳超市']]);
    assert.is(pop.enteredCase, null);
    assert.is(pop.kindFrom, 'default');
    assert.equal(pop.form, {
      kind: 'complaint',
      channel: 'hotline',
      callerNumber: CALLER,
      callbackNumber: CALLER,
      complainant: { name: '张三', phone: CALLER, address: '北京市朝阳区幸福路1号' },
      callId: 'call-8',
    });
    // The pre-filled form is a case the store takes once the facts are added.
    const made = await r.store.createCase({ ...pop.form, kind: 'complaint', business: { name: '某店', address: '某路' }, request: '退款', facts: '又坏了', agentId: '1001' });
    assert.equal(made.missingFields, []);
  } finally {
    await r.close();
  }
});

test('the kind: keyed variable, then the IVR path, then the keyed case, else complaint; bad numbers never throw', async () => {
  const r = await rig();
  try {
    const rep = await r.store.createCase({ kind: 'report', channel: 'hotline', callerNumber: CALLER, anonymous: true, business: { name: '黑作坊', address: '某村' }, facts: '无证生产', agentId: '1001' });
    const pop = (ivrPath: string[], ivrVars: Record<string, string>) => buildScreenPop(r.store, { callerNumber: CALLER, ivrPath, ivrVars });
    let p = await pop(['main', 'complaint_kind', 'kind_report', 'main', 'agent'], {});
    assert.equal([p.form.kind, p.kindFrom], ['report', 'ivr-path']);
    p = await pop(['main', 'consult', 'main', 'agent', 'agent_queue'], {});
    assert.equal([p.form.kind, p.kindFrom], ['consultation', 'ivr-path']);
    p = await pop(['main', 'consult', 'main', 'mailbox'], { kind: 'report' });
    assert.equal([p.form.kind, p.kindFrom], ['report', 'ivr-var']);
    p = await pop(TO_AGENT, { queryNumber: rep.number });
    assert.equal([p.form.kind, p.kindFrom, p.enteredCase?.number, p.enteredCaseError], ['report', 'entered-case', rep.number, undefined]);
    p = await pop(TO_AGENT, { kind: 'teleport' });
    assert.equal([p.form.kind, p.kindFrom], ['complaint', 'default']);
    // A mistyped check digit, a number of no case, rubbish: an emptier pop and the reason.
    const typo = rep.number.slice(0, 13) + String((Number(rep.number[13]) + 1) % 10);
    assert.is((await pop(TO_AGENT, { queryNumber: typo })).enteredCaseError, 'CASE_NUMBER_CHECK');
    assert.is((await pop(TO_AGENT, { caseNumber: formatCaseNumber(20260101, 99_999) })).enteredCaseError, 'CASE_NOT_FOUND');
    assert.is((await pop(TO_AGENT, { queryNumber: '#*12' })).enteredCaseError, 'CASE_NUMBER_FORMAT');
    // Caller id withheld: no history, no contact in the form.
    for (const callerNumber of [null, undefined, '', '   ']) {
      const w = await buildScreenPop(r.store, { callerNumber, ivrPath: TO_AGENT });
      assert.equal([w.callerNumber, w.history, w.openCases, w.form], [null, [], [], { kind: 'complaint', channel: 'hotline' }]);
    }
  } finally {
    await r.close();
  }
});

test('through the seat service: the event reaches the offered agent\'s seats only; the message gives the same pop', async () => {
  const r = await rig();
  try {
    await r.store.createCase(complaint({ agentId: '1002' }));
    const a = await loggedIn(r, '1001');
    const b = await loggedIn(r, '1002');
    const input = { callerNumber: CALLER, calledNumber: '12315', ivrPath: TO_AGENT, ivrVars: { lang: 'zh' }, callId: 'call-9' };
    const sent = await r.seats.screenPop('1001', input);
    assert.ok(sent);
    const ev = await a.until(() => a.events('screen-pop')[0], 'screen-pop event');
    assert.equal(ev.data, JSON.parse(JSON.stringify(sent)));
    assert.is(ev.seq, a.events().length);
    const asked = await b.ask('screen-pop', { callerNumber: CALLER, calledNumber: '12315', ivrPath: TO_AGENT, ivrVars: { lang: 'zh' } });
    const { callId: _, ...formNoCall } = sent!.form;
    assert.equal(asked.result, JSON.parse(JSON.stringify({ ...sent, form: formNoCall })));
    assert.equal(b.events('screen-pop'), []);
    // The store failing never throws into the call layer: no pop, logged.
    await r.store.close();
    assert.is(await r.seats.screenPop('1001', input), null);
    assert.is((await b.ask('screen-pop', { callerNumber: CALLER })).code, 'CASE_STORE_CLOSED');
    await a.close();
    await b.close();
  } finally {
    await r.close();
  }
});

test.run();
