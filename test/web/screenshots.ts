// Screenshots of the console for the docs, taken with the browser the tests
// use (Debian's Chromium through playwright-core) on a seat server with a
// little traffic: one agent talking, others not ready, calls waiting.
//   node --import tsx test/web/screenshots.ts      → docs/console-*.png
import { join } from 'node:path';
import { CHROMIUM, consoleRig, launch, logIn, NO_CHROMIUM, tab } from './_browser.ts';
import { liveShots } from './_live-shots.ts';

if (NO_CHROMIUM) {
  process.stderr.write(`screenshots: ${NO_CHROMIUM}\n`);
  process.exit(2);
}
const docs = join(import.meta.dirname, '..', '..', 'docs');
const r = await consoleRig({ withAdmin: true });
const browser = await launch();
try {
  // Today's traffic so far: one call answered in 6 s, one abandoned after 40 s.
  r.acd.login('2001', { ready: true });
  r.acd.enter('c0', 'agents', { callerNumber: '13800000000' });
  r.clock.advance(6_000);
  r.acd.answered('c0', '2001');
  r.acd.enter('cx', 'agents', { callerNumber: '13700000000' });
  r.clock.advance(40_000);
  r.acd.callerHangup('cx');
  r.clock.advance(20_000);
  r.acd.callerHangup('c0');
  r.acd.setNotReady('2001', '临时闭席');
  r.acd.login('1002', {});
  r.acd.setNotReady('1002', 'meal');

  const sup = await tab(browser, r);
  await logIn(sup, '2001');
  const agent = await tab(browser, r);
  await logIn(agent, '1001');
  await agent.page.click('#acd-login');
  await agent.page.click('#ready');
  await agent.page.waitForSelector('#state-badge[data-state="ready"]');
  r.acd.enter('c1', 'agents', { callerNumber: '13912345678' });
  r.clock.advance(3_000);
  r.acd.answered('c1', '1001');
  r.acd.enter('c2', 'agents', { callerNumber: '13600001111' });
  r.clock.advance(25_000);
  r.acd.enter('c3', 'agents', { callerNumber: '13600002222' });
  r.clock.advance(22_000);
  await agent.page.selectOption('#case-kind', 'complaint');
  await agent.page.fill('#case-caller', '13912345678');
  await agent.page.fill('#case-name', '王女士');
  await agent.page.fill('#case-phone', '13912345678');
  await agent.page.fill('#case-address', '北京市朝阳区某小区 3 号楼');
  await agent.page.fill('#case-business', '某某电器商城');
  await agent.page.fill('#case-business-address', '北京市朝阳区建国路 88 号');
  await agent.page.fill('#case-request', '退货并退还货款 2,999 元');
  await agent.page.fill('#case-facts', '11 月 20 日购买的空调安装后不制冷，商家多次上门未修好，拒绝退货。');
  // The page shows queues from its next snapshot (every 3 s).
  await agent.page.waitForSelector('#waiting li.alert', { timeout: 10_000 });
  await agent.page.waitForSelector('#state-badge[data-state="talking"]');
  await agent.page.screenshot({ path: join(docs, 'console-agent.png') });
  await agent.page.click('#lang-switch');
  await agent.page.screenshot({ path: join(docs, 'console-agent-en.png') });
  await sup.page.waitForSelector('.seat-card[data-agent="1001"][data-state="talking"]');
  await sup.page.waitForFunction(() => document.getElementById('count-talking')?.textContent === '1');
  await sup.page.screenshot({ path: join(docs, 'console-supervisor.png') });
  // The store's refusal beside each field of an incomplete complaint.
  const second = await tab(browser, r);
  await logIn(second, '1002');
  await second.page.fill('#case-caller', '13600001111');
  await second.page.fill('#case-name', '李先生');
  await second.page.fill('#case-facts', '预付卡商家关门，余额 800 元无法退还。');
  await second.page.click('#case-form button[type="submit"]');
  await second.page.waitForSelector('#case-business-error');
  await second.page.screenshot({ path: join(docs, 'console-case-errors.png') });
  const login = await tab(browser, r);
  await login.page.screenshot({ path: join(docs, 'console-login.png') });
  // The admin page (an administrator): people, the holiday calendar, the flow editor with a problem the loader found.
  const adm = await tab(browser, r);
  await logIn(adm, '9001');
  await adm.page.goto(new URL('/admin.html', r.server.url).href);
  await adm.page.waitForSelector('#adm-agents tr');
  await adm.page.click('#adm-agents tr[data-agent="1002"] button');
  await adm.page.screenshot({ path: join(docs, 'console-admin.png') });
  await adm.page.click('#tab-calendar');
  await adm.page.fill('#cal-year', '2026');
  await adm.page.dispatchEvent('#cal-year', 'change');
  await adm.page.waitForSelector('#cal-grid button[data-date="2026-10-01"][data-kind="holiday"]');
  await adm.page.screenshot({ path: join(docs, 'console-admin-calendar.png') });
  await adm.page.click('#tab-flow');
  await adm.page.waitForSelector('#flow-nodes li[data-node="welcome"]');
  await adm.page.fill('#flow-text', (await adm.page.inputValue('#flow-text')).replace('    next: main\n', '    next: mian\n'));
  await adm.page.click('#flow-check');
  await adm.page.waitForSelector('#flow-problems li[data-line]');
  await adm.page.screenshot({ path: join(docs, 'console-admin-flow.png') });
  process.stdout.write(`screenshots in ${docs} (browser ${CHROMIUM})\n`);
} finally {
  await browser.close();
  await r.close();
}
await liveShots(docs);
