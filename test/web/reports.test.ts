// The reports page in Debian's Chromium against a real seat server (real
// LMDB case store and queue log): the figures in the tables are the store's
// (`hotline report`'s) and the queue log's, the charts draw them (under the
// CSP) and say them in words, the CSV download is the command's CSV byte for
// byte, the Excel workbook holds the same figures, and an agent sees only his
// own row.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { queueReport } from '../../src/acd/report.ts';
import { reportCsv, reportGrid } from '../../src/cases/report-format.ts';
import type { ReportQuery } from '../../src/cases/types.ts';
import { queueGrid } from '../../web/src/reports-data.ts';
import type { Rig } from '../seats/_harness.ts';
import { caseClock, seedFigures } from '../seats/_report-seed.ts';
import { testUnless } from '../skip.ts';
import { lowContrast, unlabelled } from './_a11y.ts';
import { consoleRig, launch, logIn, NO_CHROMIUM, tab, type Tab } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const PERIOD = { from: '2026-03-01', to: '2026-04-30' };

async function reportsPage(r: Rig, agentId: string): Promise<Tab> {
  const t = await tab(browser, r);
  await logIn(t, agentId);
  await t.page.goto(new URL('/reports.html', r.server.url).href);
  await t.page.waitForSelector('#link[data-state="open"]');
  // The page's first query (this month) is in; ours follows.
  await t.page.waitForSelector('#rep-periods:not(:empty)');
  return t;
}

async function ask(page: Page, q: { by?: string; granularity: string; compare: string }): Promise<void> {
  await page.fill('#rep-from', PERIOD.from);
  await page.fill('#rep-to', PERIOD.to);
  if (q.by && (await page.isEnabled('#rep-by'))) await page.selectOption('#rep-by', q.by);
  await page.selectOption('#rep-gran', q.granularity);
  await page.selectOption('#rep-compare', q.compare);
  await page.click('#rep-run');
  // Our period whole, first on the line: the page's own first query (this month, compared with the month before) can name 2026-03-01 too.
  await page.waitForFunction((p) => document.getElementById('rep-periods')!.textContent!.startsWith(`统计完成：${p.from} 至 ${p.to}`), PERIOD);
}

const cellsOf = (page: Page, tbody: string): Promise<string[][]> => page.$$eval(`${tbody} tr`, (trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent ?? '')));

testUnless(NO_CHROMIUM, 'a supervisor\'s report: tables equal the store\'s and the queue log\'s figures, charts drawn and said in words, CSV and Excel downloads', async () => {
  const r = await consoleRig({ caseNow: () => caseClock.now });
  try {
    const mine = await seedFigures(r);
    const t = await reportsPage(r, '2001');
    await ask(t.page, { by: 'agent', granularity: 'month', compare: 'last_year' });
    const q: ReportQuery = { period: PERIOD, by: 'agent', granularity: 'month', compareTo: 'last_year' };
    const store = await r.store.report(q);
    const grid = reportGrid(store);
    assert.equal(await t.page.$$eval('#case-head th', (ths) => ths.map((x) => x.textContent)), grid.headings);
    const shown = await cellsOf(t.page, '#case-rows');
    assert.equal(shown, grid.rows.map((x) => x.cells), 'case table = the store\'s report');
    // The figures themselves, counted by the seed: 1001 (话务员一) in March 2026 against March 2025.
    const row = shown.find((c) => c[0] === '2026-03' && c[1] === '1001')!;
    const col = (name: string) => grid.headings.indexOf(name);
    assert.equal([row[col('登记')], row[col('登记(上期)')]], [String(mine.get('1001|2026-03')), String(mine.get('1001|2025-03'))]);

    const queues = queueGrid(queueReport((range) => r.log.events(range), { period: PERIOD, granularity: 'month', serviceLevelMs: 20_000, compareTo: 'last_year' }));
    assert.equal(await cellsOf(t.page, '#queue-rows'), queues.queues.rows, 'queue table = the queue log\'s figures');
    assert.equal(await cellsOf(t.page, '#agent-rows'), queues.agents.rows);
    assert.ok(queues.agents.rows.some((c) => c[0] === 'total' && c[1] === '1001' && c[2] === '1'));

    // Charts: the same figures in words on the canvas, and pixels drawn on it.
    const label = (id: string) => t.page.getAttribute(id, 'aria-label');
    const casesTotal = (a: string) => [...mine].filter(([k]) => k.startsWith(`${a}|2026-0`)).reduce((n, [k, v]) => n + (k.endsWith('03') || k.endsWith('04') ? v : 0), 0);
    assert.is(await label('#chart-cases'), `登记 · 按坐席（工号）: 话务员一 ${casesTotal('1001')} / ${mine.get('1001|2025-03')}; 话务员二 ${casesTotal('1002')} / ${mine.get('1002|2025-03') ?? 0}`);
    assert.is(await label('#chart-agents'), '话务量（接听数）按工号: 1001 1 / 1; 1002 1 / 0');
    assert.is(await t.page.textContent('#chart-agents-title'), '话务量（接听数）按工号');
    const inked = await t.page.$eval('#chart-agents', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return { n, w: cv.width };
    });
    assert.ok(inked.w > 100 && inked.n > 1000, `chart not drawn: ${JSON.stringify(inked)}`);
    // Another chart metric: the table stays, the chart follows.
    await t.page.selectOption('#rep-metric', 'complaint');
    assert.match((await label('#chart-cases'))!, /^投诉 · 按坐席（工号）: 话务员一 \d+ \/ \d+/);

    // CSV: `hotline report --format csv`, byte for byte.
    const [csv] = await Promise.all([t.page.waitForEvent('download'), t.page.click('#rep-csv')]);
    assert.is(csv.suggestedFilename(), 'hotline-report-2026-03-01-2026-04-30.csv');
    assert.is(readFileSync((await csv.path())!, 'utf8'), reportCsv(store));
    const [qcsv] = await Promise.all([t.page.waitForEvent('download'), t.page.click('#rep-queue-csv')]);
    const qtext = readFileSync((await qcsv.path())!, 'utf8');
    assert.ok(qtext.startsWith('\uFEFFperiod,queue,entered,answered,SL'), qtext.slice(0, 60));
    assert.ok(qtext.includes('\r\ntotal,agents,3,2,50.0%,20.0,1,33.3%,'), qtext);

    // Excel: three sheets holding the same figures (counts as numbers).
    const [xl] = await Promise.all([t.page.waitForEvent('download'), t.page.click('#rep-xlsx')]);
    assert.is(xl.suggestedFilename(), 'hotline-report-2026-03-01-2026-04-30.xlsx');
    const files = unzipSync(readFileSync((await xl.path())!));
    const workbook = strFromU8(files['xl/workbook.xml']);
    for (const name of ['案件统计', '话务统计（队列）', '话务统计（坐席）']) assert.ok(workbook.includes(`name="${name}"`), workbook);
    const strings = files['xl/sharedStrings.xml'] ? strFromU8(files['xl/sharedStrings.xml']) : '';
    const sheet1 = strFromU8(files['xl/worksheets/sheet1.xml']);
    assert.ok(`${strings}${sheet1}`.includes('话务员一'));
    const count = String(mine.get('1001|2026-03'));
    assert.ok(new RegExp(`<c [^>]*><v>${count}</v></c>`).test(sheet1), 'a count is a number cell');
    assert.is((sheet1.match(/<row /g) ?? []).length, grid.rows.length + 1);

    // 1366×768: no horizontal scrolling; nothing the CSP refused.
    await t.page.screenshot({ path: '/tmp/x/rep.png', fullPage: true });
    assert.ok(await t.page.evaluate(() => document.documentElement.scrollWidth <= 1366), 'the page scrolls sideways at 1366 px');
    assert.equal(await unlabelled(t.page), [], 'controls without a label');
    assert.equal(await lowContrast(t.page), [], 'text below WCAG AA contrast');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'an agent\'s report page shows his own figures only; English headings on request', async () => {
  const r = await consoleRig({ caseNow: () => caseClock.now });
  try {
    const mine = await seedFigures(r);
    const t = await reportsPage(r, '1001');
    assert.ok(await t.page.isVisible('#rep-own'));
    assert.ok(await t.page.isDisabled('#rep-by'));
    assert.ok(await t.page.isHidden('#nav-supervisor'));
    await ask(t.page, { granularity: 'total', compare: 'last_year' });
    const rows = await cellsOf(t.page, '#case-rows');
    // His row (the period's only bucket), then 合计: his total, not the team's.
    assert.equal(rows.map((c) => c.slice(0, 3)), [['total', '1001', '话务员一'], ['total', '1001', '话务员一']]);
    const grid = reportGrid((await r.store.report({ period: PERIOD, by: 'agent', compareTo: 'last_year' })));
    const col = grid.headings.indexOf('登记');
    assert.is(rows[0][col], String(mine.get('1001|2026-03')! + mine.get('1001|2026-04')!));
    const text = await t.page.textContent('main');
    assert.not.ok(text!.includes('话务员二') || text!.includes('1002'), 'another agent\'s figures on an agent\'s page');
    assert.equal((await cellsOf(t.page, '#queue-rows')).length, 1); // "no figures": no queue-wide rows
    assert.equal((await cellsOf(t.page, '#agent-rows')).map((c) => c.slice(0, 3)), [['total', '1001', '1']]);
    await t.page.click('#lang-switch');
    assert.equal((await t.page.$$eval('#case-head th', (ths) => ths.map((x) => x.textContent))).slice(0, 4), ['period', 'key', 'label', 'calls']);
    assert.is(await t.page.textContent('#rep-cases-title'), 'Cases');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

test.run();
