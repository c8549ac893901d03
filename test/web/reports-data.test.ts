// The reports page's arithmetic, in Node (no browser): the period before
// (环比) for whole months and for any span, this month in Beijing, and the
// chart series drawn from a report (a parent category's subtotal is not
// counted twice; by none the points are the periods).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Report } from '../../src/cases/types.ts';
import { caseSeries, previousPeriod, thisMonth } from '../../web/src/reports-data.ts';

test('环比: whole months → as many months before; any other span → as many days before', () => {
  assert.equal(previousPeriod({ from: '2026-03-01', to: '2026-03-31' }), { from: '2026-02-01', to: '2026-02-28' });
  assert.equal(previousPeriod({ from: '2024-03-01', to: '2024-03-31' }), { from: '2024-02-01', to: '2024-02-29' });
  assert.equal(previousPeriod({ from: '2026-04-01', to: '2026-06-30' }), { from: '2026-01-01', to: '2026-03-31' });
  assert.equal(previousPeriod({ from: '2026-01-01', to: '2026-01-31' }), { from: '2025-12-01', to: '2025-12-31' });
  assert.equal(previousPeriod({ from: '2026-03-10', to: '2026-03-19' }), { from: '2026-02-28', to: '2026-03-09' });
  assert.equal(previousPeriod({ from: '2026-03-05', to: '2026-03-05' }), { from: '2026-03-04', to: '2026-03-04' });
});

test('this month is Beijing\'s: 16:30 UTC on 31 March is already 1 April there', () => {
  assert.equal(thisMonth(Date.UTC(2026, 2, 31, 16, 30)), { from: '2026-04-01', to: '2026-04-01' });
  assert.equal(thisMonth(Date.UTC(2026, 2, 31, 15, 59)), { from: '2026-03-01', to: '2026-03-31' });
});

const row = (period: string, key: string, label: string, cases: number, prev: number, subtotal = false) => ({ period, key, label, counts: { cases }, previous: { cases: prev }, changePct: { cases: null }, ...(subtotal ? { subtotal } : {}) });

test('chart series: by category sums each key over the buckets and leaves out parents\' subtotals; by none one point per period', () => {
  const byCat = {
    query: { period: { from: '2026-03-01', to: '2026-04-30' }, by: 'category', granularity: 'month', compareTo: 'last_year' },
    metrics: ['cases'],
    comparePeriod: { from: '2025-03-01', to: '2025-04-30' },
    rows: [row('2026-03', 'goods', '商品 小计', 5, 1, true), row('2026-03', 'goods.food', '食品', 5, 1), row('2026-04', 'goods', '商品 小计', 2, 0, true), row('2026-04', 'goods.food', '食品', 2, 0), row('2026-04', '', '(未分类)', 1, 0)],
    subtotals: [row('2026-03', '', '小计', 5, 1), row('2026-04', '', '小计', 3, 0)],
    total: row('total', '', '合计', 8, 1),
  } as unknown as Report;
  assert.equal(caseSeries(byCat, 'cases'), { labels: ['食品', '(未分类)'], current: [7, 1], previous: [1, 0] });
  const none = { ...byCat, query: { ...byCat.query, by: 'none' }, comparePeriod: undefined } as unknown as Report;
  assert.equal(caseSeries(none, 'cases'), { labels: ['2026-03', '2026-04'], current: [5, 3], previous: null });
});

test.run();
