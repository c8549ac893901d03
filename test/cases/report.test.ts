// Statistics from the aggregate counters: by day/month/year × agent/category/
// department/kind, with subtotals and totals and the comparison with the same
// period last year (同期比); checked against counts kept by the test itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyStore } from '../../src/cases/index.ts';
import type { CaseKind, CreateCaseInput } from '../../src/cases/types.ts';
import { bj, complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
// expected counts: key `${yyyy-mm-dd}|${agent}|${category}|${kind}` → n
const made: Array<{ day: string; agent: string; cat: string; kind: CaseKind }> = [];

function input(kind: CaseKind, agent: string, cat: string): CreateCaseInput {
  if (kind === 'complaint') return complaint({ agentId: agent, categoryId: cat });
  if (kind === 'consultation') return { kind, channel: 'hotline', agentId: agent, categoryId: cat, facts: '咨询退货规定', answer: '已答复' };
  return { kind, channel: 'hotline', agentId: agent, categoryId: cat, anonymous: true, business: { name: '某商家', address: '某地' }, facts: '举报无证经营' };
}

test.before(async () => {
  f = await fixture(bj(2025, 3, 1));
  await f.store.putDepartment({ id: 'enf1', name: '执法一队' });
  for (const a of ['a1', 'a2', 'a3']) await f.store.putAgent({ id: a, name: `坐席${a}`, role: 'agent', password: 'secret-1' });
  const kinds: CaseKind[] = ['complaint', 'consultation', 'report'];
  const cats = ['goods.food', 'goods.appliance', 'services.catering'];
  let i = 0;
  for (const [y, m, d] of [
    [2025, 3, 3], [2025, 3, 17], [2025, 4, 2], [2025, 12, 31],
    [2026, 1, 1], [2026, 3, 3], [2026, 3, 4], [2026, 3, 17], [2026, 3, 31], [2026, 4, 1], [2026, 4, 1],
  ]) {
    for (let k = 0; k < 3; k++) {
      f.clock.now = bj(y, m, d, 8 + k);
      const kind = kinds[(i + k) % 3];
      const agent = ['a1', 'a2', 'a3'][(i * 2 + k) % 3];
      const cat = cats[(i + 2 * k) % 3];
      await f.store.createCase(input(kind, agent, cat));
      made.push({ day: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, agent, cat, kind });
    }
    i++;
  }
  // one dispatch and one close in March 2026, and two calls
  f.clock.now = bj(2026, 3, 20, 10);
  const c = (await f.store.searchCases({ kind: 'complaint', from: bj(2026, 3, 1, 0), to: bj(2026, 4, 1, 0), limit: 1 }))[0];
  await f.store.transition(c.number, { type: 'accept' }, 'a2');
  await f.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'enf1' }] }, 'a2');
  await f.store.transition(c.number, { type: 'start_mediation' }, 'a2');
  await f.store.transition(c.number, { type: 'close', result: 'no_agreement' }, 'a3');
  await f.store.putCallRecord({ id: 'c1', startedAt: bj(2026, 3, 5, 9), endedAt: bj(2026, 3, 5, 9, 3), channel: 's0/1', callerNumber: '13800000001', ivrPath: [], recordingIds: [], agentId: 'a1' });
  await f.store.putCallRecord({ id: 'c2', startedAt: bj(2025, 3, 5, 9), endedAt: bj(2025, 3, 5, 9, 3), channel: 's0/1', ivrPath: [], recordingIds: [] });
});
test.after(async () => f.done());

function expect(from: string, to: string, pred: (x: (typeof made)[number]) => boolean = () => true): number {
  return made.filter((x) => x.day >= from && x.day <= to && pred(x)).length;
}

test('totals over any period equal the cases registered in it', async () => {
  for (const [from, to] of [
    ['2026-01-01', '2026-12-31'],
    ['2025-01-01', '2025-12-31'],
    ['2026-03-04', '2026-04-01'],
    ['2025-12-31', '2026-01-01'],
    ['2026-03-01', '2026-03-31'],
  ]) {
    const r = await f.store.report({ period: { from, to } });
    assert.is(r.total.counts.cases, expect(from, to), `${from}..${to}`);
    assert.is(r.total.counts.complaint, expect(from, to, (x) => x.kind === 'complaint'), `${from}..${to} complaints`);
  }
  const y = await f.store.report({ period: { from: '2026-01-01', to: '2026-12-31' } });
  assert.is(y.total.counts.calls, 1);
  assert.is(y.total.counts.dispatches, 1);
  assert.is(y.total.counts.closed, expect('2026-01-01', '2026-12-31', (x) => x.kind === 'consultation') + 1, 'answered consultations and one closed complaint');
});

test('by agent, by kind, by department', async () => {
  const r = await f.store.report({ period: { from: '2026-01-01', to: '2026-12-31' }, by: 'agent' });
  for (const a of ['a1', 'a2', 'a3']) {
    const row = r.rows.find((x) => x.key === a)!;
    assert.ok(row, `row for ${a}`);
    assert.is(row.label, `坐席${a}`);
    assert.is(row.counts.cases, expect('2026-01-01', '2026-12-31', (x) => x.agent === a), a);
  }
  assert.is(r.rows.find((x) => x.key === 'a1')!.counts.calls, 1);
  assert.is(r.subtotals[0].counts.cases, r.total.counts.cases);
  const k = await f.store.report({ period: { from: '2026-01-01', to: '2026-12-31' }, by: 'kind' });
  assert.is(k.rows.find((x) => x.key === 'report')!.counts.cases, expect('2026-01-01', '2026-12-31', (x) => x.kind === 'report'));
  assert.is(k.rows.find((x) => x.key === 'report')!.label, '举报');
  const d = await f.store.report({ period: { from: '2026-03-01', to: '2026-03-31' }, by: 'department' });
  assert.equal(d.rows.map((x) => [x.key, x.counts.dispatches, x.counts.closed]), [['enf1', 1, 1]]);
});

test('by category with subtotals per parent category', async () => {
  const r = await f.store.report({ period: { from: '2026-01-01', to: '2026-12-31' }, by: 'category' });
  const goods = r.rows.find((x) => x.key === 'goods')!;
  assert.ok(goods && goods.subtotal, 'goods subtotal row');
  assert.is(goods.counts.cases, expect('2026-01-01', '2026-12-31', (x) => x.cat.startsWith('goods.')));
  const food = r.rows.find((x) => x.key === 'goods.food')!;
  assert.is(food.counts.cases, expect('2026-01-01', '2026-12-31', (x) => x.cat === 'goods.food'));
  assert.is(food.label, '食品');
  const order = r.rows.map((x) => x.key);
  assert.ok(order.indexOf('goods') < order.indexOf('goods.food') && order.indexOf('goods.food') < order.indexOf('services'), order.join(','));
});

test('granularity: day, month, year buckets', async () => {
  const m = await f.store.report({ period: { from: '2026-01-01', to: '2026-04-30' }, granularity: 'month' });
  assert.equal(m.rows.map((x) => x.period), ['2026-01', '2026-02', '2026-03', '2026-04']);
  assert.equal(
    m.rows.map((x) => x.counts.cases),
    ['01', '02', '03', '04'].map((mm) => expect(`2026-${mm}-01`, `2026-${mm}-31`)),
  );
  const d = await f.store.report({ period: { from: '2026-03-03', to: '2026-03-05' }, granularity: 'day' });
  assert.equal(d.rows.map((x) => [x.period, x.counts.cases]), [['2026-03-03', 3], ['2026-03-04', 3], ['2026-03-05', 0]]);
  const y = await f.store.report({ period: { from: '2025-03-01', to: '2026-03-31' }, granularity: 'year', by: 'agent' });
  assert.equal(y.subtotals.map((x) => [x.period, x.counts.cases]), [['2025', expect('2025-03-01', '2025-12-31')], ['2026', expect('2026-01-01', '2026-03-31')]]);
});

test('同期比: this March against last March, and against any period', async () => {
  const r = await f.store.report({ period: { from: '2026-03-01', to: '2026-03-31' }, compareTo: 'last_year' });
  assert.equal(r.comparePeriod, { from: '2025-03-01', to: '2025-03-31' });
  const cur = expect('2026-03-01', '2026-03-31');
  const prev = expect('2025-03-01', '2025-03-31');
  assert.is(r.total.counts.cases, cur);
  assert.is(r.total.previous!.cases, prev);
  assert.is(r.total.changePct!.cases, Math.round(((cur - prev) / prev) * 1000) / 10);
  assert.is(r.total.previous!.calls, 1);
  assert.is(r.total.changePct!.dispatches, null, 'no change figure against zero');
  const any = await f.store.report({ period: { from: '2026-04-01', to: '2026-04-01' }, compareTo: { from: '2025-04-02', to: '2025-04-02' }, by: 'kind' });
  assert.is(any.total.previous!.cases, 3);
  assert.ok(any.rows.every((x) => x.previous !== undefined));
});

test('bad report queries are refused with CASE_REPORT_INVALID', async () => {
  for (const q of [
    { period: { from: '2026-02-30', to: '2026-03-01' } },
    { period: { from: '2026-03-02', to: '2026-03-01' } },
    { period: { from: '2026-03-01', to: '2026-03-02' }, by: 'weather' },
    { period: { from: '2026-03-01', to: '2026-03-02' }, metrics: ['smiles'] },
  ]) {
    try {
      await f.store.report(q as never);
      assert.unreachable(JSON.stringify(q));
    } catch (e) {
      assert.is((e as { code: string }).code, 'CASE_REPORT_INVALID', JSON.stringify(q));
    }
  }
});

test('counters equal a recount from the cases', async () => {
  const v = verifyStore(f.store);
  assert.ok(v.ok, v.problems.join('\n'));
  assert.is(v.cases, made.length);
});

test.run();
