// Reports: 同期比 by day across a leap day pairs each day
// with the same calendar day one year earlier, not with the n-th day of the
// earlier period (2024 has 29 February, 2023 does not).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reportTable } from '../../src/cases/format.ts';
import { bj, complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture(bj(2023, 3, 1));
  // 2023-03-01: one case; 2024-03-01: two cases; 2024-02-29: one case; 2025-03-01: three cases
  for (const [y, m, d, n] of [[2023, 3, 1, 1], [2024, 2, 29, 1], [2024, 3, 1, 2], [2025, 3, 1, 3]]) {
    for (let k = 0; k < n; k++) {
      f.clock.now = bj(y, m, d, 9 + k);
      await f.store.createCase(complaint());
    }
  }
});
test.after(async () => f.done());

test('day rows compared with last year pair the same calendar day across a leap year', async () => {
  const r = await f.store.report({ period: { from: '2024-02-27', to: '2024-03-02' }, granularity: 'day', compareTo: 'last_year' });
  const byDay = new Map(r.rows.map((x) => [x.period, x]));
  const mar1 = byDay.get('2024-03-01')!;
  assert.is(mar1.counts.cases, 2);
  assert.is(mar1.previous!.cases, 1, 'previous of 2024-03-01 is 2023-03-01');
  const feb29 = byDay.get('2024-02-29')!;
  assert.is(feb29.counts.cases, 1);
  assert.is(feb29.previous!.cases, 0, '2023 has no 29 February');
  assert.is(byDay.get('2024-03-02')!.previous!.cases, 0);
  // and the other way round: 2025 against leap 2024
  const r2 = await f.store.report({ period: { from: '2025-02-27', to: '2025-03-02' }, granularity: 'day', compareTo: 'last_year' });
  const m1 = r2.rows.find((x) => x.period === '2025-03-01')!;
  assert.is(m1.counts.cases, 3);
  assert.is(m1.previous!.cases, 2, 'previous of 2025-03-01 is 2024-03-01, not 2024-02-29');
  assert.is(r2.total.previous!.cases, 3, 'the total still covers 2024-02-27..2024-03-02 including 29 February');
});

test('a case filed under a parent category has its own row: the plain rows add up to the subtotal', async () => {
  f.clock.now = bj(2025, 6, 2, 10);
  await f.store.createCase(complaint({ categoryId: 'goods' }));
  await f.store.createCase(complaint({ categoryId: 'goods.food' }));
  await f.store.createCase(complaint({ categoryId: 'goods.appliance' }));
  const r = await f.store.report({ period: { from: '2025-06-02', to: '2025-06-02' }, by: 'category' });
  const plain = r.rows.filter((x) => !x.subtotal && x.key.startsWith('goods'));
  const sub = r.rows.find((x) => x.subtotal && x.key === 'goods')!;
  assert.is(sub.counts.cases, 3);
  assert.is(plain.reduce((n, x) => n + x.counts.cases, 0), 3, JSON.stringify(r.rows));
  const own = plain.find((x) => x.key === 'goods')!;
  assert.is(own.counts.cases, 1);
  assert.match(own.label, /商品/);
});

test('report table columns line up with names outside the basic plane (𠮷) and full-width text', async () => {
  await f.store.putAgent({ id: 'x1', name: '𠮷田', role: 'agent', password: 'secret-1' });
  await f.store.putAgent({ id: 'x2', name: 'Li Lei', role: 'agent', password: 'secret-1' });
  await f.store.putAgent({ id: 'x3', name: '王（二）', role: 'agent', password: 'secret-1' });
  f.clock.now = bj(2025, 7, 1, 10);
  for (const a of ['x1', 'x2', 'x3']) await f.store.createCase(complaint({ agentId: a }));
  const r = await f.store.report({ period: { from: '2025-07-01', to: '2025-07-01' }, by: 'agent', metrics: ['cases', 'complaint'] });
  // East Asian Wide/Fullwidth (UAX #11) take two terminal columns, including the supplementary ideographs.
  const wide = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;
  const w = (line: string): number => Array.from(line).reduce((n, ch) => n + (wide.test(ch) ? 2 : 1), 0);
  const lines = reportTable(r).trimEnd().split('\n').slice(1);
  assert.ok(lines.some((l) => l.includes('𠮷田')));
  const widths = lines.map(w);
  assert.equal(new Set(widths).size, 1, lines.map((l, i) => `${widths[i]} ${l}`).join('\n'));
});

test('February of a common year compared with last year takes all of a leap February (29 Feb included)', async () => {
  const r = await f.store.report({ period: { from: '2025-02-01', to: '2025-02-28' }, compareTo: 'last_year' });
  assert.equal(r.comparePeriod, { from: '2024-02-01', to: '2024-02-29' });
  assert.is(r.total.previous!.cases, 1, 'the case of 2024-02-29');
  // a period ending mid-month stays day for day; 29 Feb still maps to 28 Feb
  const mid = await f.store.report({ period: { from: '2025-02-01', to: '2025-02-27' }, compareTo: 'last_year' });
  assert.equal(mid.comparePeriod, { from: '2024-02-01', to: '2024-02-27' });
  const leap = await f.store.report({ period: { from: '2024-02-01', to: '2024-02-29' }, compareTo: 'last_year' });
  assert.equal(leap.comparePeriod, { from: '2023-02-01', to: '2023-02-28' });
});

test('by agent and by category the rows add up to the subtotal: cases without an agent or a category get a row', async () => {
  f.clock.now = bj(2025, 8, 4, 10);
  await f.store.createCase({ kind: 'report', channel: 'ivr', anonymous: true, recordingIds: ['rec-1'] });
  await f.store.createCase(complaint({ agentId: 'x2', categoryId: 'goods.food' }));
  await f.store.putCallRecord({ id: 'rv-call-1', startedAt: bj(2025, 8, 4, 11), endedAt: bj(2025, 8, 4, 11, 2), channel: 's0/1', ivrPath: [], recordingIds: [], agentId: 'x2' });
  for (const by of ['agent', 'category'] as const) {
    const r = await f.store.report({ period: { from: '2025-08-04', to: '2025-08-04' }, by, compareTo: { from: '2025-08-04', to: '2025-08-04' } });
    const plain = r.rows.filter((x) => !x.subtotal);
    for (const m of r.metrics) {
      const sum = plain.reduce((n, x) => n + x.counts[m], 0);
      assert.is(sum, r.subtotals[0].counts[m], `${by} ${m}: ${JSON.stringify(r.rows)}`);
      assert.is(plain.reduce((n, x) => n + x.previous![m], 0), r.subtotals[0].previous![m]);
    }
    const none = plain.find((x) => x.key === '')!;
    assert.is(none.counts.cases, 1, by);
    assert.is(none.counts.report, 1, by);
    assert.is(none.counts.calls, by === 'agent' ? 0 : 1, by);
  }
  // by agent with nothing unassigned: no extra row
  const r2 = await f.store.report({ period: { from: '2025-07-01', to: '2025-07-01' }, by: 'agent' });
  assert.not.ok(r2.rows.some((x) => x.key === ''));
});

test.run();
