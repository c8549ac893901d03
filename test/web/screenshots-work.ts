// Screenshots of the reports page and the case screens for the docs (with
// the browser the tests use), on a seat server with figures: cases by two
// agents in March 2025 and March/April 2026, queue calls on those days, and
// a complaint dispatched to a department.
//   node --import tsx test/web/screenshots-work.ts   → docs/console-{reports,cases,letter}.png
import { join } from 'node:path';
import { complaint } from '../cases/helpers.ts';
import { caseClock, seedFigures } from '../seats/_report-seed.ts';
import { CHROMIUM, consoleRig, launch, logIn, NO_CHROMIUM, tab } from './_browser.ts';

if (NO_CHROMIUM) {
  process.stderr.write(`screenshots: ${NO_CHROMIUM}\n`);
  process.exit(2);
}
const docs = join(import.meta.dirname, '..', '..', 'docs');
const r = await consoleRig({ caseNow: () => caseClock.now });
const browser = await launch();
try {
  await seedFigures(r);
  await r.store.putDepartment({ id: 'cy-sjs', name: '朝阳市场监管所', head: '王所长' });
  await r.store.putDepartment({ id: 'hd-sjs', name: '海淀市场监管所', head: '李所长' });
  caseClock.now = Date.now();
  const c = await r.store.createCase({
    ...complaint({ facts: '11 月 20 日购买的空调安装后不制冷，商家多次上门未修好，拒绝退货。', request: '退货并退还货款 2,999 元', categoryId: 'goods.appliance' }),
    complainant: { name: '王女士', phone: '13912345678', address: '北京市朝阳区某小区 3 号楼' },
    business: { name: '某某电器商城', address: '北京市朝阳区建国路 88 号' },
    agentId: '1001',
  });
  await r.store.transition(c.number, { type: 'accept' }, '1001');
  await r.store.transition(c.number, { type: 'dispatch', departments: [{ departmentId: 'cy-sjs' }] }, '1001');
  await r.store.setReminder(c.number, Date.now() + 3_600_000, '1001', '请催办调解进度');
  await r.store.createCase({ kind: 'consultation', channel: 'hotline', agentId: '1001', answerLater: true, facts: '咨询：预付卡退款', callbackNumber: '13700001111' });

  const sup = await tab(browser, r);
  await logIn(sup, '2001');
  await sup.page.goto(new URL('/reports.html', r.server.url).href);
  await sup.page.waitForSelector('#rep-periods:not(:empty)');
  await sup.page.fill('#rep-from', '2026-03-01');
  await sup.page.fill('#rep-to', '2026-04-30');
  await sup.page.selectOption('#rep-by', 'agent');
  await sup.page.selectOption('#rep-gran', 'month');
  await sup.page.selectOption('#rep-compare', 'last_year');
  await sup.page.click('#rep-run');
  await sup.page.waitForFunction(() => document.getElementById('rep-periods')!.textContent!.includes('2026-03-01'));
  await sup.page.screenshot({ path: join(docs, 'console-reports.png') });

  const agent = await tab(browser, r);
  await logIn(agent, '1001');
  await agent.page.goto(new URL(`/cases.html#${c.number}`, r.server.url).href);
  await agent.page.waitForFunction((n) => document.getElementById('case-number')!.textContent === n, c.number);
  await agent.page.waitForSelector('#due-list button');
  await agent.page.screenshot({ path: join(docs, 'console-cases.png') });
  await agent.page.emulateMedia({ media: 'print' });
  await agent.page.screenshot({ path: join(docs, 'console-letter.png'), fullPage: true });
  process.stdout.write(`screenshots in ${docs} (browser ${CHROMIUM})\n`);
} finally {
  await browser.close();
  await r.close();
}
