// `report` and `case-reference` over the seat socket (real LMDB case store and
// queue log, real WebSocket on 127.0.0.1): a supervisor gets exactly what
// `hotline report` computes (case counters and queue figures, 同期比 and 环比);
// an agent only his own figures, counted here independently; refusals carry
// their codes (the store's CASE_REPORT_INVALID, SEAT_FORBIDDEN, SEAT_BAD_MESSAGE).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queueReport } from '../../src/acd/report.ts';
import { Client, loggedIn, rig } from './_harness.ts';
import { caseClock, seedFigures } from './_report-seed.ts';

async function seeded() {
  const r = await rig({ caseNow: () => caseClock.now });
  return { r, mine: await seedFigures(r) };
}

test('a supervisor gets what hotline report computes: case counters and queue figures, 同期比 and 环比', async () => {
  const { r } = await seeded();
  try {
    const s = await loggedIn(r, '2001');
    const period = { from: '2026-03-01', to: '2026-04-30' };
    for (const q of [
      { by: 'agent', granularity: 'month', compareTo: 'last_year' },
      { by: 'category', granularity: 'total', compareTo: { from: '2026-01-01', to: '2026-02-28' } },
      { by: 'kind', granularity: 'day', metrics: ['cases', 'complaint'] },
      { by: 'none', granularity: 'year' },
    ] as const) {
      const got = await s.ask('report', { period, ...q });
      assert.ok(got.ok, JSON.stringify(got));
      assert.is(got.result.scope, 'all');
      assert.equal(got.result.cases, await r.store.report({ period, ...q } as never), `${q.by}: the store's own figures`);
      const queues = queueReport((range) => r.log.events(range), { period, granularity: q.granularity, serviceLevelMs: 20_000, ...('compareTo' in q ? { compareTo: q.compareTo } : {}) });
      assert.equal(got.result.queues, JSON.parse(JSON.stringify(queues)), `${q.by}: the queue log's figures`);
    }
    // The figures themselves, as the seed put them: March 2026 by agent, against March 2025.
    const m = await s.ask('report', { period: { from: '2026-03-01', to: '2026-03-31' }, by: 'agent', compareTo: 'last_year' });
    const row = m.result.cases.rows.find((x: { key: string }) => x.key === '1001');
    assert.equal([row.counts.cases, row.previous.cases], [6, 4]);
    const qa = m.result.queues.total.queues.agents;
    // Answered in 10 s and 30 s: one within 20 s (Asterisk SL: ÷ answered).
    assert.equal([qa.entered, qa.answered, qa.abandoned, qa.serviceLevel], [3, 2, 1, 0.5]);
    assert.is(m.result.queues.total.agents['1001'].answered, 1);
    assert.is(m.result.queues.total.previous.agents['1001'].answered, 1);
    // Service level T from the message: within 5 s, none of this March's calls.
    const t5 = await s.ask('report', { period: { from: '2026-03-01', to: '2026-03-31' }, serviceLevelS: 5, queues: true });
    assert.is(t5.result.queues.total.queues.agents.serviceLevel, 0);
    assert.is((await s.ask('report', { period, queues: false })).result.queues, null);
    await s.close();
  } finally {
    await r.close();
  }
});

test('an agent gets his own figures only: his case counts and his queue figures, nothing of the team', async () => {
  const { r, mine } = await seeded();
  try {
    const a = await loggedIn(r, '1001');
    const period = { from: '2026-03-01', to: '2026-04-30' };
    const got = await a.ask('report', { period, granularity: 'month', compareTo: 'last_year' });
    assert.ok(got.ok, JSON.stringify(got));
    assert.is(got.result.scope, 'own');
    const rows = got.result.cases.rows as { period: string; key: string; counts: { cases: number }; previous: { cases: number } }[];
    assert.equal(rows.map((x) => [x.period, x.key, x.counts.cases, x.previous.cases]), [
      ['2026-03', '1001', mine.get('1001|2026-03'), mine.get('1001|2025-03')],
      ['2026-04', '1001', mine.get('1001|2026-04'), 0],
    ]);
    assert.equal(got.result.cases.subtotals, rows);
    assert.is(got.result.cases.total.counts.cases, mine.get('1001|2026-03')! + mine.get('1001|2026-04')!);
    assert.is(got.result.cases.total.previous.cases, mine.get('1001|2025-03'));
    // Nobody else's: no other agent, no queue-wide figures.
    const text = JSON.stringify(got.result);
    assert.not.ok(text.includes('1002'), 'another agent\'s figures reached an agent');
    for (const row of [...got.result.queues.rows, got.result.queues.total]) {
      assert.equal(Object.keys(row.queues), []);
      assert.ok(Object.keys(row.agents).every((k) => k === '1001'));
    }
    assert.is(got.result.queues.total.agents['1001'].answered, 1);
    assert.is(got.result.queues.total.previous.agents['1001'].answered, 1);
    // by agent is his row; any other breakdown is the team's.
    assert.is((await a.ask('report', { period, by: 'agent' })).result.cases.rows.length, 1);
    const refused = await a.ask('report', { period, by: 'category' });
    assert.equal([refused.ok, refused.code], [false, 'SEAT_FORBIDDEN']);
    await a.close();
  } finally {
    await r.close();
  }
});

test('refusals: the store\'s CASE_REPORT_INVALID, a malformed or too long query, no session; case-reference lists the tree and departments', async () => {
  const r = await rig();
  try {
    await r.store.putDepartment({ id: 'cy-sjs', name: '朝阳市场监管所', head: '王所长' });
    const anon = await Client.open(r.server.seatUrl);
    assert.is((await anon.ask('report', { period: { from: '2026-03-01', to: '2026-03-31' } })).code, 'SEAT_NOT_LOGGED_IN');
    assert.is((await anon.ask('case-reference')).code, 'SEAT_NOT_LOGGED_IN');
    await anon.close();
    const s = await loggedIn(r, '2001');
    const backwards = await s.ask('report', { period: { from: '2026-03-31', to: '2026-03-01' } });
    assert.is(backwards.code, 'CASE_REPORT_INVALID');
    assert.match(backwards.message!, /ends \(2026-03-01\) before it starts/);
    assert.is((await s.ask('report', { period: { from: '2026-13-01', to: '2026-13-31' } })).code, 'CASE_REPORT_INVALID');
    assert.is((await s.ask('report', { period: { from: '2026-03-01' } })).code, 'SEAT_BAD_MESSAGE');
    assert.is((await s.ask('report', { period: { from: '2026-03-01', to: '2026-03-31' }, by: 'weather' })).code, 'SEAT_BAD_MESSAGE');
    const long = await s.ask('report', { period: { from: '2024-01-01', to: '2026-03-31' }, granularity: 'day' });
    assert.is(long.code, 'SEAT_BAD_MESSAGE');
    assert.match(long.message!, /at most 400 days/);
    // The same long period by month is fine.
    assert.ok((await s.ask('report', { period: { from: '2024-01-01', to: '2026-03-31' }, granularity: 'month' })).ok);

    const ref = await s.ask('case-reference');
    assert.equal(ref.result.categories, r.store.categories());
    assert.ok(ref.result.categories.length > 0);
    assert.equal(ref.result.departments, [{ id: 'cy-sjs', name: '朝阳市场监管所', head: '王所长' }]);
    const a = await loggedIn(r, '1001');
    assert.equal((await a.ask('case-reference')).result, ref.result);
    await a.close();
    await s.close();
  } finally {
    await r.close();
  }
});

test.run();
