// The admin page in Debian's Chromium against a real seat server, case store
// and the real 12315 flow: the `directory` drawn (a name full of markup stays
// text); a supervisor sees it without the forms; an agent is refused; an
// administrator edits an agent (the store's refusal beside the field, what
// was typed kept across a reload), a holiday (the running calendar changes),
// a knowledge-base entry (agents find it) and the IVR flow (an invalid text
// shows the loader's coded problem at its line and is not saved; a valid one
// is reloaded), and every change is in the audit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import type { AcdConfig } from '../../src/acd/types.ts';
import { testUnless } from '../skip.ts';
import { lowContrast, unlabelled } from './_a11y.ts';
import { consoleRig, launch, logIn, NO_CHROMIUM, PASSWORD, tab, until } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">王';

const cells = async (p: Page, sel: string) => (await p.$$eval(`${sel} > *`, (cs) => cs.map((c) => c.textContent ?? ''))) as string[];

async function adminPage(p: Page, url: string): Promise<void> {
  await p.goto(new URL('/admin.html', url).href);
  await p.waitForSelector('#link[data-state="open"]');
}

testUnless(NO_CHROMIUM, 'admin page: people, departments, skills, stations and queues as the engine runs them; markup in a name stays text; a supervisor sees no forms; agents are refused', async () => {
  const acdConfig: AcdConfig = {
    agents: [{ id: '1001', skills: { complaint: 80, english: 40 }, station: '1:1', wrapUpMs: 15_000 }, { id: '1002' }, { id: '2001' }],
    queues: [{ id: 'agents', strategy: 'linear', members: [{ agent: '1001' }, { agent: '1002', penalty: 2 }, { agent: '2001' }], requiredSkills: { complaint: 10 }, ringTimeoutMs: 15_000, maxWaitMs: 180_000 }],
  };
  const r = await consoleRig({ acdConfig, withAdmin: true });
  try {
    await r.store.putDepartment({ id: 'd1', name: '消费者权益保护科', head: '张科长', phone: '010-12315' });
    await r.store.putAgent({ id: '1003', name: HOSTILE, role: 'agent', departmentId: 'd1', password: PASSWORD });
    const t = await tab(browser, r);
    await logIn(t, '9001');
    await adminPage(t.page, r.server.url);
    await t.page.waitForSelector('#adm-agents tr[data-agent="1001"]');
    assert.equal(await cells(t.page, '#adm-agents tr[data-agent="1001"]'), ['1001', '话务员一', '话务员', '—', '是', 'complaint 80, english 40', 'agents', '1:1', '在用', '修改']);
    assert.equal(await cells(t.page, '#adm-agents tr[data-agent="1003"]'), ['1003', HOSTILE, '话务员', '消费者权益保护科', '否（不接排队来电）', '—', '—', '—', '在用', '修改']);
    assert.is(await t.page.$('#adm-agents img'), null, 'the name is text, not an element');
    await t.page.click('#tab-queues');
    assert.equal(await cells(t.page, '#adm-queues tr[data-queue="agents"]'), ['agents', 'linear', '1001, 1002 (2), 2001', 'complaint 10', '15 s / — / 180 s']);
    await t.page.click('#tab-people');
    assert.equal(await cells(t.page, '#adm-depts tr[data-department="d1"]'), ['d1', '消费者权益保护科', '张科长', '010-12315', '在用', '修改']);
    assert.ok(await t.page.isHidden('#adm-readonly'));
    assert.ok(await t.page.isVisible('#agent-form'));
    assert.is(await t.page.textContent('#home-link'), '返回');
    assert.equal(t.problems, []);
    assert.ok((await t.page.title()) !== 'pwned');

    // A supervisor: the same tables, no forms, a note saying why.
    const s = await tab(browser, r);
    await logIn(s, '2001');
    await adminPage(s.page, r.server.url);
    await s.page.waitForSelector('#adm-agents tr[data-agent="1001"]');
    assert.ok(await s.page.isVisible('#adm-readonly'));
    assert.ok(await s.page.isHidden('#agent-form'));
    assert.is(await s.page.$('#adm-agents button'), null);

    // An agent: the server refuses `directory` (SEAT_FORBIDDEN), the page says so with the code.
    const a = await tab(browser, r);
    await logIn(a, '1001');
    await adminPage(a.page, r.server.url);
    await a.page.waitForFunction(() => /\(SEAT_FORBIDDEN\)$/.test(document.getElementById('status')?.textContent ?? ''));
    assert.is(await a.page.$('#adm-agents tr'), null);
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'an administrator edits an agent, a holiday, a knowledge entry and the IVR flow; refusals beside the field, nothing typed lost, all audited', async () => {
  const r = await consoleRig({ withAdmin: true });
  try {
    const t = await tab(browser, r);
    await logIn(t, '9001');
    const p = t.page;
    await adminPage(p, r.server.url);
    await p.waitForSelector('#adm-agents tr[data-agent="1001"]');

    // An agent without a name: the store's refusal beside the name field; the id typed stays, across a reload.
    await p.fill('#ag-id', '1003');
    await p.fill('#ag-password', 'pass-1003');
    await p.click('#agent-form button[type="submit"]');
    await p.waitForSelector('#ag-name-error');
    assert.match((await p.textContent('#ag-name-error'))!, /CASE_FIELD_INVALID/);
    assert.is(await p.getAttribute('#ag-name', 'aria-invalid'), 'true');
    assert.is(await r.store.getAgent('1003'), null);
    await p.reload();
    await p.waitForSelector('#link[data-state="open"]');
    assert.is(await p.inputValue('#ag-id'), '1003');
    assert.is(await p.inputValue('#ag-password'), '', 'a password is never kept in the draft');
    await p.fill('#ag-name', '话务员三');
    await p.fill('#ag-password', 'pass-1003');
    await p.click('#agent-form button[type="submit"]');
    await p.waitForSelector('#adm-agents tr[data-agent="1003"]');
    assert.is((await r.store.verifyAgent('1003', 'pass-1003'))?.name, '话务员三');
    // Deactivate 1002 through his row's edit button.
    await p.click('#adm-agents tr[data-agent="1002"] button');
    assert.is(await p.inputValue('#ag-name'), '话务员二');
    await p.uncheck('#ag-active');
    await p.click('#agent-form button[type="submit"]');
    await p.waitForFunction(() => document.querySelector('#adm-agents tr[data-agent="1002"] td:nth-of-type(8)')?.textContent === '已停用');
    assert.is((await r.store.getAgent('1002'))?.active, false);

    // A holiday: Monday 7 December 2026 off, in force at once.
    await p.click('#tab-calendar');
    await p.fill('#cal-year', '2026');
    await p.dispatchEvent('#cal-year', 'change');
    await p.waitForSelector('#cal-grid button[data-date="2026-12-07"][data-kind="work"]');
    await p.click('#cal-grid button[data-date="2026-12-07"]');
    assert.is(await p.inputValue('#cal-date'), '2026-12-07');
    await p.selectOption('#cal-day', 'working');
    await p.click('#cal-form button[type="submit"]');
    await p.waitForSelector('#cal-date-error');
    assert.match((await p.textContent('#cal-date-error'))!, /CASE_CALENDAR_INVALID/);
    await p.selectOption('#cal-day', 'holiday');
    await p.click('#cal-form button[type="submit"]');
    await p.waitForSelector('#cal-grid button[data-date="2026-12-07"][data-kind="holiday"]');
    assert.is(r.store.calendar.isWorkingDay(20261207), false);

    // A knowledge entry: a bad menu code refused beside its field, then stored; an agent's search finds it.
    await p.click('#tab-kb');
    await p.fill('#kb-id', 'k-return');
    await p.selectOption('#kb-category', 'regulation');
    await p.fill('#kb-title', '七日无理由退货');
    await p.fill('#kb-text', '网购商品自收到之日起七日内可退货。<b>不</b>');
    await p.fill('#kb-menu', '4x');
    await p.click('#kb-form button[type="submit"]');
    await p.waitForSelector('#kb-menu-error');
    assert.match((await p.textContent('#kb-menu-error'))!, /CASE_FIELD_INVALID/);
    assert.is(await p.inputValue('#kb-text'), '网购商品自收到之日起七日内可退货。<b>不</b>');
    await p.fill('#kb-menu', '41');
    await p.click('#kb-form button[type="submit"]');
    await p.waitForSelector('#kb-list li[data-kb="k-return"]');
    assert.is(await p.$('#kb-list b'), null);
    assert.is((await r.store.getKnowledgeByMenuCode('41'))?.title, '七日无理由退货');
    await p.fill('#kb-words', '无理由');
    await p.click('#kb-find button');
    await until(async () => (await p.$$('#kb-list li[data-kb]')).length === 1, 'the search result');

    // The flow: an invalid edit shows the loader's problem at its line and is not saved; a valid one is reloaded.
    await p.click('#tab-flow');
    await until(async () => (await p.inputValue('#flow-text')).includes('name: "12315"'), 'the running flow text');
    await p.waitForSelector('#flow-nodes li[data-node="welcome"]');
    assert.match((await p.textContent('#flow-info'))!, /12315/);
    const text = await p.inputValue('#flow-text');
    const broken = text.replace('    next: main\n', '    next: mian\n');
    const line = broken.split('\n').findIndex((l) => l.includes('next: mian')) + 1;
    await p.fill('#flow-text', broken);
    await p.click('#flow-check');
    await p.waitForSelector(`#flow-problems li[data-line="${line}"]`);
    const problem = (await p.textContent(`#flow-problems li[data-line="${line}"]`))!;
    assert.match(problem, /\/nodes\/welcome\/next/);
    assert.match(problem, /mian/);
    assert.match(problem, /IVR_FLOW_INVALID/);
    await p.click(`#flow-problems li[data-line="${line}"] button`);
    assert.is(await p.evaluate(() => { const ta = document.getElementById('flow-text') as HTMLTextAreaElement; return ta.value.slice(ta.selectionStart, ta.selectionEnd); }), '    next: mian');
    const v0 = (await p.textContent('#flow-info'))!;
    await p.click('#flow-form button[type="submit"]');
    await p.waitForFunction(() => /\(IVR_FLOW_INVALID\)$/.test(document.getElementById('status')?.textContent ?? ''));
    assert.is(await p.textContent('#flow-info'), v0);
    assert.is(await p.inputValue('#flow-text'), broken, 'the text typed stays');
    await p.fill('#flow-text', text.replace('    next: main\n', '    next: agent\n'));
    await p.click('#flow-form button[type="submit"]');
    await p.waitForFunction((before) => document.getElementById('flow-info')?.textContent !== before, v0);
    assert.match((await p.textContent('#flow-info'))!, /config\/flow\.yaml/);
    assert.match((await p.textContent('#flow-nodes li[data-node="welcome"]'))!, /next: agent/);

    // The audit lists every change, newest first.
    await p.click('#tab-audit');
    await until(async () => (await p.$$('#adm-audit tr')).length === 5, 'five audit rows');
    // Every control of every tab has a label; text keeps WCAG AA contrast (the calendar's colours too).
    for (const pane of ['people', 'queues', 'kb', 'calendar', 'flow', 'audit']) {
      await p.click(`#tab-${pane}`);
      assert.equal(await unlabelled(p), [], `${pane}: controls without a label`);
      assert.equal(await lowContrast(p), [], `${pane}: text below WCAG AA contrast`);
    }
    await p.click('#tab-audit');
    assert.equal(await p.$$eval('#adm-audit tr td:nth-child(3)', (c) => c.map((x) => x.textContent)), ['admin-flow-save', 'admin-kb-put', 'admin-calendar-day', 'admin-agent-put', 'admin-agent-put']);
    assert.not.ok((await p.textContent('#adm-audit'))!.includes('pass-1003'));
    assert.equal(t.problems, []);
  } finally {
    await r.close();
  }
});

test.run();
