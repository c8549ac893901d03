// The supervisor page in Debian's Chromium against a real seat server: the
// live wallboard follows agents' changes made on another page, force not
// ready / logout from a seat's card reach the agent, hostile text stays
// text, and both pages are usable at 1366×768 with labels and focus.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { testUnless } from '../skip.ts';
import { lowContrast, unlabelled } from './_a11y.ts';
import { consoleRig, launch, logIn, NO_CHROMIUM, tab, until } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const card = (agentId: string) => `.seat-card[data-agent="${agentId}"]`;

testUnless(NO_CHROMIUM, 'the supervisor sees an agent\'s state change live and forces him not ready, then out', async () => {
  const r = await consoleRig();
  try {
    const sup = await tab(browser, r);
    await logIn(sup, '2001');
    assert.match(sup.page.url(), /\/supervisor\.html$/);
    await sup.page.waitForSelector(`${card('1001')}[data-state="loggedOut"]`);
    const agent = await tab(browser, r);
    await logIn(agent, '1001');
    await agent.page.click('#acd-login');
    await sup.page.waitForSelector(`${card('1001')}[data-state="notReady"]`);
    await agent.page.click('#ready');
    await sup.page.waitForSelector(`${card('1001')}[data-state="ready"]`);
    assert.is(await sup.page.textContent(`${card('1001')} .seat-state`), '就绪');
    assert.is(await sup.page.textContent('#count-ready'), '1');
    // Time in state comes from the server (ACD clock) and grows.
    r.clock.advance(125_000);
    await until(async () => /^2:0\d$/.test((await sup.page.textContent(`${card('1001')} .seat-time`)) ?? ''), 'time in state 2:0x');
    // A call waiting shows in the queue row.
    r.acd.login('1002', {});
    r.acd.enter('c1', 'agents', { callerNumber: '13900001234' }); // offered to 1001
    await sup.page.waitForSelector(`${card('1001')}[data-state="reserved"], ${card('1001')}[data-state="ringing"]`);
    r.acd.callerHangup('c1');
    await sup.page.waitForSelector(`${card('1001')}[data-state="ready"]`);

    await sup.page.selectOption(`${card('1001')} .force-reason`, 'training');
    await sup.page.click(`${card('1001')} .force-not-ready`);
    await agent.page.waitForSelector('#state-badge[data-state="notReady"]');
    assert.is(await agent.page.textContent('#state-reason'), ' · 培训');
    await sup.page.waitForSelector(`${card('1001')}[data-state="notReady"]`);
    assert.is(await sup.page.textContent(`${card('1001')} .seat-reason`), '培训');
    await sup.page.click(`${card('1001')} .force-logout`);
    await agent.page.waitForSelector('#state-badge[data-state="loggedOut"]');
    await sup.page.waitForSelector(`${card('1001')}[data-state="loggedOut"]`);
    assert.is(r.acd.agent('1001').state, 'loggedOut');
    assert.equal([sup.problems, agent.problems], [[], []]);
    await sup.ctx.close();
    await agent.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'hostile text in a reason is shown as text on the wallboard and runs nothing', async () => {
  const r = await consoleRig();
  try {
    const hostile = '<img src=x onerror="document.title=1"><script>document.title=2</script>';
    r.acd.login('1002', {});
    r.acd.setNotReady('1002', hostile.slice(0, 64));
    const sup = await tab(browser, r);
    await logIn(sup, '2001');
    await sup.page.waitForSelector(`${card('1002')}[data-state="notReady"]`);
    assert.is(await sup.page.textContent(`${card('1002')} .seat-reason`), hostile.slice(0, 64));
    assert.is(await sup.page.locator('#seats img, #seats script').count(), 0);
    assert.is(await sup.page.title(), '12315 班长监控');
    assert.equal(sup.problems, []);
    await sup.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'both pages fit 1366×768, every control has a label, text has AA contrast, Tab reaches the controls with a visible focus ring', async () => {
  const r = await consoleRig();
  try {
    for (const [who, page, first] of [['1001', 'agent', '#acd-login'], ['2001', 'supervisor', `${card('1001')} .force-not-ready`]] as const) {
      const t = await tab(browser, r);
      await logIn(t, who);
      if (page === 'supervisor') await t.page.waitForSelector(card('1001'));
      const size = await t.page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
      assert.ok(size.w <= 1366, `${page}: ${size.w} px wide at 1366: scrolls sideways`);
      assert.ok(size.h <= 768, `${page}: ${size.h} px high at 768: the main controls need scrolling`);
      const box = await t.page.locator(first).boundingBox();
      assert.ok(box && box.y + box.height <= 768, `${page}: ${first} is off screen`);
      assert.equal(await unlabelled(t.page), [], `${page}: controls without a label`);
      assert.equal(await lowContrast(t.page), [], `${page}: text below WCAG AA contrast`);
      // Keyboard only: Tab from the top reaches the control, and focus is visible.
      await t.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await t.page.keyboard.press('Tab');
        reached = await t.page.evaluate((sel) => document.activeElement === document.querySelector(sel), first);
      }
      assert.ok(reached, `${page}: Tab never reaches ${first}`);
      const outline = await t.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      assert.is.not(outline, 'none', `${page}: no focus ring`);
      assert.equal(t.problems, []);
      await t.ctx.close();
    }
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'the login page: labels, a wrong password answered with its code, no CSP violation', async () => {
  const r = await consoleRig();
  try {
    const t = await tab(browser, r);
    assert.equal(await unlabelled(t.page), []);
    assert.equal(await lowContrast(t.page), []);
    assert.ok(await t.page.evaluate(() => document.activeElement?.id === 'agent-id'), 'the agent id field has focus');
    await t.page.fill('#agent-id', '1001');
    await t.page.fill('#password', 'wrong');
    await t.page.click('#login-submit');
    await until(async () => /\(SEAT_LOGIN_FAILED\)$/.test((await t.page.textContent('#status')) ?? ''), 'the refusal');
    assert.match(t.page.url(), /\/$/);
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

test.run();
