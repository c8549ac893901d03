// The agent page in Debian's Chromium against a real seat server: login,
// the state selector and its keys, call controls refused by the server
// showing its code, calls waiting, drafts surviving a reload and a dropped
// socket, reconnect with resume, language switch, session expiry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { testUnless } from '../skip.ts';
import { consoleRig, dropSockets, launch, logIn, NO_CHROMIUM, tab, until, watchMessages } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><b>粗</b>&amp;';

testUnless(NO_CHROMIUM, 'an agent logs in, signs in to the ACD and sets ready / not ready with a reason, by button and by key', async () => {
  const r = await consoleRig();
  try {
    const t = await tab(browser, r);
    assert.is(await t.page.getAttribute('html', 'lang'), 'zh-CN');
    await logIn(t, '1001');
    assert.match(t.page.url(), /\/agent\.html$/);
    assert.is(await t.page.textContent('#state-badge'), '未签入');
    await t.page.click('#acd-login');
    await t.page.waitForSelector('#state-badge[data-state="notReady"]');
    await t.page.click('#ready');
    await t.page.waitForSelector('#state-badge[data-state="ready"]');
    assert.is(r.acd.agent('1001').state, 'ready');
    await t.page.selectOption('#reason', 'meal');
    await t.page.click('#not-ready');
    await t.page.waitForSelector('#state-badge[data-state="notReady"]');
    assert.equal([r.acd.agent('1001').state, r.acd.agent('1001').reason], ['notReady', 'meal']);
    // Function keys: F7 ready, F8 not ready (with the reason selected).
    await t.page.keyboard.press('F7');
    await until(() => r.acd.agent('1001').state === 'ready', 'F7 → ready');
    await t.page.keyboard.press('F8');
    await until(() => r.acd.agent('1001').state === 'notReady', 'F8 → not ready');
    // A free-text reason is the agent's own text: shown as text, never as markup.
    await t.page.selectOption('#reason', 'other');
    await t.page.fill('#reason-other', HOSTILE);
    await t.page.click('#not-ready');
    await until(() => r.acd.agent('1001').reason === HOSTILE, 'the hostile reason reaches the ACD');
    await until(async () => (await t.page.textContent('#state-reason')) === ` · ${HOSTILE}`, 'the reason shown as text');
    assert.is(await t.page.locator('#state-reason img, #state-reason b').count(), 0);
    assert.is(await t.page.title(), '12315 热线座席');
    // A refusal shows the server's code: wrap-up end while not in wrap-up.
    await t.page.click('#wrap-up-end');
    await until(async () => /\(ACD_STATE_REFUSED\)/.test((await t.page.textContent('#status')) ?? ''), 'the refusal in the status line');
    assert.is(await t.page.getAttribute('#status', 'data-kind'), 'error');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'answer, hang up, hold and transfer are sent to the server and its answer is shown with its code', async () => {
  const r = await consoleRig();
  const seen = watchMessages(r);
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    for (const [how, type] of [['#answer', 'answer'], ['F3', 'hangup'], ['#hold', 'hold']] as const) {
      await t.page.evaluate(() => (document.getElementById('status')!.textContent = ''));
      if (how.startsWith('#')) await t.page.click(how);
      else await t.page.keyboard.press(how);
      await until(() => seen.some((m) => m.type === type), `a '${type}' message at the server`);
      // Until the call layer has them the server says SEAT_UNKNOWN_TYPE; afterwards (no call) its own refusal: a code either way.
      await until(async () => /\([A-Z]+_[A-Z_]+\)$/.test((await t.page.textContent('#status')) ?? ''), `the server's code for '${type}'`);
    }
    await t.page.fill('#transfer-to', '1002');
    await t.page.click('#transfer');
    await until(() => seen.some((m) => m.type === 'transfer' && (m.to as { agent?: string } | undefined)?.agent === '1002'), 'a transfer to 1002 at the server');
    await until(async () => /\(CALL_[A-Z_]+\)$/.test((await t.page.textContent('#status')) ?? ''), 'no call to transfer: the server\'s code');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'calls waiting in the agent\'s queue are shown with the longest wait', async () => {
  const r = await consoleRig();
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    assert.match((await t.page.textContent('#waiting')) ?? '', /agents：0 通等待/);
    r.acd.login('1002', { ready: true });
    r.acd.enter('c0', 'agents'); // 1002 takes it: the queue is staffed, the next call waits
    r.acd.answered('c0', '1002');
    r.acd.enter('c1', 'agents', { callerNumber: '13900001234' });
    r.clock.advance(65_000);
    await t.page.waitForSelector('#waiting li.alert');
    assert.match((await t.page.textContent('#waiting')) ?? '', /agents：1 通等待，最长 1:0\d/);
    assert.is(await t.page.getAttribute('#waiting-box', 'data-waiting'), '1');
    r.acd.callerHangup('c1');
    r.acd.callerHangup('c0');
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'the call timer runs from the start of the call on the server\'s clock', async () => {
  const r = await consoleRig();
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    await t.page.click('#acd-login');
    await t.page.click('#ready');
    await t.page.waitForSelector('#state-badge[data-state="ready"]');
    assert.is(await t.page.textContent('#call-timer'), '0:00');
    r.acd.enter('c1', 'agents', { callerNumber: '13900001234' });
    r.acd.answered('c1', '1001');
    await t.page.waitForSelector('#state-badge[data-state="talking"]');
    r.clock.advance(65_000);
    // The page learns the server's time in state from its next snapshot (every 3 s).
    await until(async () => /^1:0\d$/.test((await t.page.textContent('#call-timer')) ?? ''), 'the call timer at 1:0x', 10_000);
    r.acd.callerHangup('c1');
    await t.page.waitForSelector('#state-badge:not([data-state="talking"])');
    assert.is(await t.page.textContent('#call-timer'), '0:00');
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'a case draft survives a reload and a dropped socket; a case submitted offline is sent when the seat is back', async () => {
  const r = await consoleRig();
  const seen = watchMessages(r);
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    await t.page.click('#acd-login');
    await t.page.waitForSelector('#state-badge[data-state="notReady"]');
    await t.page.selectOption('#case-kind', 'report');
    await t.page.fill('#case-name', '张三');
    await t.page.fill('#case-facts', HOSTILE);
    await t.page.reload();
    await t.page.waitForSelector('#link[data-state="open"]');
    assert.equal(await t.page.inputValue('#case-kind'), 'report');
    assert.equal(await t.page.inputValue('#case-name'), '张三');
    assert.equal(await t.page.inputValue('#case-facts'), HOSTILE);
    assert.is(await t.page.locator('.case img, .case b').count(), 0);

    // The network goes: the page says so, the draft stays, a submission waits.
    const resumesBefore = seen.filter((m) => m.type === 'resume').length;
    await t.ctx.setOffline(true);
    assert.ok(dropSockets(r) >= 1);
    await t.page.waitForSelector('#link[data-state="closed"]');
    await t.page.fill('#case-request', '退一赔三');
    await t.page.click('#case-form button[type="submit"]');
    await until(async () => (await t.page.textContent('#case-saved')) === '连接恢复后将自动提交', 'the queued note');
    assert.not.ok(seen.some((m) => m.type === 'case-create'));
    // Back: resume (state intact), then the queued case goes out with what was typed.
    await t.ctx.setOffline(false);
    await t.page.waitForSelector('#link[data-state="open"]', { timeout: 20_000 });
    assert.ok(seen.filter((m) => m.type === 'resume').length > resumesBefore, 'the page resumed its session');
    assert.is(await t.page.getAttribute('#state-badge', 'data-state'), 'notReady');
    await until(() => seen.some((m) => m.type === 'case-create'), 'the queued case at the server');
    const sent = seen.find((m) => m.type === 'case-create') as { fields: Record<string, unknown> };
    assert.equal([sent.fields.kind, sent.fields.request, sent.fields.facts, (sent.fields.complainant as { name: string }).name], ['report', '退一赔三', HOSTILE, '张三']);
    // Refused by the store (a report names the business): the draft is kept, the code shown.
    await until(async () => /\(CASE_INVALID\)$/.test((await t.page.textContent('#status')) ?? ''), 'the store\'s refusal');
    const kept = await t.page.evaluate(() => localStorage.getItem('hotline.draft.1001'));
    assert.ok(kept && JSON.parse(kept).fields.facts === HOSTILE, 'the draft is still in localStorage');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'the case form shows the store\'s own refusal beside each field, then registers the case; history and knowledge base answer', async () => {
  const r = await consoleRig();
  try {
    await r.store.putKnowledge({ id: 'kb1', category: 'regulation', title: '七日无理由退货', text: '网购商品自收到之日起七日内可无理由退货。' });
    const t = await tab(browser, r);
    await logIn(t, '1001');
    await t.page.selectOption('#case-kind', 'complaint');
    await t.page.fill('#case-caller', '13912345678');
    await t.page.fill('#case-name', '王女士');
    await t.page.fill('#case-facts', HOSTILE);
    await t.page.click('#case-form button[type="submit"]');
    // The store's sentences, each beside its field, the first one focused.
    await t.page.waitForSelector('#case-business-error');
    assert.is(await t.page.textContent('#case-business-error'), 'business.name: the name of the business is required (CASE_FIELD_REQUIRED)');
    assert.is(await t.page.textContent('#case-request-error'), "request: the complainant's request (诉求) is required (CASE_FIELD_REQUIRED)");
    assert.is(await t.page.getAttribute('#case-phone', 'aria-invalid'), 'true');
    assert.is(await t.page.getAttribute('#case-phone', 'aria-describedby'), 'case-phone-error');
    assert.ok(await t.page.evaluate(() => document.activeElement?.getAttribute('aria-invalid') === 'true'), 'focus on the first bad field');
    assert.is(await t.page.locator('#case-name[aria-invalid]').count(), 0);
    assert.is((await r.store.searchCases({})).length, 0);
    await t.page.fill('#case-phone', '13912345678');
    await t.page.fill('#case-address', '北京市朝阳区某小区 3 号楼');
    await t.page.fill('#case-business', '某某电器商城');
    await t.page.fill('#case-business-address', '北京市朝阳区建国路 88 号');
    await t.page.fill('#case-request', '退货');
    await t.page.click('#case-form button[type="submit"]');
    await until(async () => /^已登记：\d{14}$/.test((await t.page.textContent('#status')) ?? ''), 'the case number');
    const number = (await t.page.textContent('#case-last')) ?? '';
    const rec = await r.store.getCase(number);
    assert.equal([rec?.kind, rec?.agentId, rec?.facts, rec?.complainant?.name], ['complaint', '1001', HOSTILE, '王女士']);
    assert.is(await t.page.locator('.field-error').count(), 0);
    assert.is(await t.page.evaluate(() => localStorage.getItem('hotline.draft.1001')), null);
    assert.is(await t.page.inputValue('#case-facts'), '');
    // The caller's history lists it; the knowledge base answers.
    await t.page.click('details.lookup:nth-of-type(1) summary');
    await t.page.fill('#case-caller', '13912345678');
    await t.page.click('#history-lookup');
    await until(async () => ((await t.page.textContent('#history')) ?? '').includes(number), 'the case in the history');
    await t.page.click('details.lookup:nth-of-type(2) summary');
    await t.page.fill('#kb-words', '退货');
    await t.page.click('#kb-form button');
    await until(async () => ((await t.page.textContent('#kb-results')) ?? '').includes('七日无理由退货'), 'the knowledge base entry');
    // Printed, the page is the form alone.
    await t.page.emulateMedia({ media: 'print' });
    assert.ok(await t.page.isHidden('.phone'), 'the soft phone is not printed');
    assert.ok(await t.page.isVisible('#case-form .grid'));
    assert.ok(await t.page.isHidden('#case-print'));
    await t.page.emulateMedia({ media: 'screen' });
    // A consultation shows its own fields.
    assert.ok(await t.page.isHidden('#case-answer'));
    await t.page.selectOption('#case-kind', 'consultation');
    assert.ok(await t.page.isVisible('#case-answer'));
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'English on request, kept across a reload', async () => {
  const r = await consoleRig();
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    assert.is(await t.page.textContent('#phone-title'), '软电话');
    await t.page.click('#lang-switch');
    assert.is(await t.page.getAttribute('html', 'lang'), 'en');
    assert.is(await t.page.textContent('#phone-title'), 'Soft phone');
    assert.is(await t.page.textContent('#state-badge'), 'Logged out');
    await t.page.reload();
    await t.page.waitForSelector('#link[data-state="open"]');
    assert.is(await t.page.textContent('#phone-title'), 'Soft phone');
    assert.is(await t.page.textContent('#lang-switch'), '中文');
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'an expired session goes back to the login page, which says why', async () => {
  // Long enough for the login and resume to finish on a loaded machine, short enough for the test.
  const r = await consoleRig({ sessionTtlMs: 6_000 });
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    // The server ends the session (its 1 s sweep): the page leaves for the login page.
    await t.page.waitForURL(/\/\?why=expired$/, { timeout: 20_000 });
    await until(async () => (await t.page.textContent('#status')) === '会话已结束，请重新登录。', 'the notice');
    assert.is(await t.page.evaluate(() => sessionStorage.getItem('hotline.session')), null);
    // A token the page knows is past its expiry is not even offered.
    await t.page.evaluate(() => sessionStorage.setItem('hotline.session', JSON.stringify({ token: 'x'.repeat(32), agentId: '1001', role: 'agent', expiresAt: Date.now() - 1 })));
    await t.page.goto(new URL('/agent.html', r.server.url).href);
    await t.page.waitForURL(/\/$/);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

test.run();
