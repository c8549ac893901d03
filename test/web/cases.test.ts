// The case screens in Debian's Chromium against a real seat server and case
// store: the configured category tree in the agent's case form (and its
// draft); a case taken through the workflow on the cases page (accept,
// dispatch to a department, mediate, close) with the store's refusals shown
// in its own words; field changes with per-field errors; a reminder in the
// due list; the callback list; another agent's case refused; the official
// letter (公函) alone on paper, with hostile case text kept as text; the case
// form (受理单) alone on A4 paper with the case's fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import type { CaseRecord } from '../../src/cases/types.ts';
import { flatten } from '../../web/src/case-reference.ts';
import { complaint } from '../cases/helpers.ts';
import type { Rig } from '../seats/_harness.ts';
import { testUnless } from '../skip.ts';
import { lowContrast, unlabelled } from './_a11y.ts';
import { consoleRig, launch, logIn, NO_CHROMIUM, tab, until, type Tab } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const HOSTILE = '<img src=x onerror="document.title=1"><script>document.title=2</script>';

async function casesPage(r: Rig, agentId: string, number = ''): Promise<Tab> {
  const t = await tab(browser, r);
  await logIn(t, agentId);
  await t.page.goto(new URL(`/cases.html${number ? `#${number}` : ''}`, r.server.url).href);
  await t.page.waitForSelector('#link[data-state="open"]');
  if (number) await t.page.waitForFunction((n) => document.getElementById('case-number')!.textContent === n, number);
  return t;
}

const stored = async (r: Rig, n: string): Promise<CaseRecord> => (await r.store.getCase(n))!;

testUnless(NO_CHROMIUM, 'the case form offers the configured category tree; the choice is stored and kept in the draft across a reload', async () => {
  const r = await consoleRig();
  try {
    const t = await tab(browser, r);
    await logIn(t, '1001');
    await t.page.waitForSelector('#case-category option[value="goods.food"]', { state: 'attached' });
    const offered = await t.page.$$eval('#case-category option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.equal(offered, ['', ...flatten(r.store.categories()).map((c) => c.id)]);
    // Children are indented under their parent.
    assert.match((await t.page.textContent('#case-category option[value="goods.food"]'))!, /^\u3000+\S/);
    const c = complaint();
    await t.page.fill('#case-caller', c.callerNumber!);
    await t.page.fill('#case-name', c.complainant!.name);
    await t.page.fill('#case-phone', c.complainant!.phone);
    await t.page.fill('#case-address', c.complainant!.address!);
    await t.page.fill('#case-business', c.business!.name);
    await t.page.fill('#case-business-address', c.business!.address);
    await t.page.fill('#case-request', c.request!);
    await t.page.fill('#case-facts', c.facts!);
    await t.page.selectOption('#case-category', 'goods.food');
    await t.page.reload();
    await t.page.waitForSelector('#link[data-state="open"]');
    await until(async () => (await t.page.inputValue('#case-category')) === 'goods.food', 'the draft\'s category after a reload');
    await t.page.click('#case-form button[type="submit"]');
    await t.page.waitForFunction(() => /^\d{14}$/.test(document.getElementById('case-last')!.textContent ?? ''));
    const n = (await t.page.textContent('#case-last'))!;
    assert.is((await stored(r, n)).categoryId, 'goods.food');
    // The number leads to its case screen.
    await t.page.click('#case-last a');
    await t.page.waitForFunction((no) => document.getElementById('case-number')?.textContent === no, n);
    assert.ok((await t.page.textContent('#case-facts'))!.includes('商品 › 食品'));
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'a complaint through the workflow on the cases page: the store\'s refusals in its words, dispatch, mediation, close; edits with per-field errors; the 公函 on paper', async () => {
  const r = await consoleRig();
  try {
    await r.store.putDepartment({ id: 'cy-sjs', name: '朝阳市场监管所', head: '王所长' });
    await r.store.putDepartment({ id: 'hd-sjs', name: '海淀市场监管所' });
    const n = (await r.store.createCase({ ...complaint({ facts: HOSTILE, categoryId: 'goods.food' }), agentId: '1001' })).number;
    const t = await casesPage(r, '1001', n);
    const p = t.page;
    // Case text is user input: shown as text, nothing runs.
    assert.ok((await p.textContent('#case-facts'))!.includes(HOSTILE));
    assert.is(await p.locator('#case-panel img, #case-panel script, #letter img').count(), 0);
    assert.is(await p.getAttribute('#case-status', 'data-status'), 'registered');
    assert.ok((await p.textContent('#case-facts'))!.includes('商品 › 食品'));

    // Close before acceptance: the store refuses, in its own sentence; nothing changes.
    await p.selectOption('#act-result', 'agreement');
    await p.click('#act-close');
    await p.waitForSelector('#act-error:not(:empty)');
    const refusal = await r.store.transition(n, { type: 'close', result: 'agreement' }, '1001').then(() => null, (e: Error & { code: string }) => e);
    assert.is(await p.textContent('#act-error'), `服务器拒绝：${refusal!.message} (${refusal!.code})`);
    assert.is((await stored(r, n)).status, 'registered');

    await p.fill('#act-note', '材料齐全');
    await p.click('#act-accept');
    await p.waitForSelector('#case-status[data-status="accepted"]');
    assert.equal((await stored(r, n)).history.at(-1)!.note, '材料齐全');
    await p.check('#act-departments input[value="cy-sjs"]');
    await p.click('#act-dispatch');
    await p.waitForSelector('#case-status[data-status="dispatched"]');
    assert.equal((await stored(r, n)).dispatches, [{ departmentId: 'cy-sjs', personInCharge: '王所长' }]);
    assert.ok((await p.textContent('#case-facts'))!.includes('朝阳市场监管所（王所长）'));

    // The 公函: alone on paper, to the department the case went to, the facts as text.
    await p.emulateMedia({ media: 'print' });
    assert.ok(await p.isVisible('#letter'));
    assert.ok(await p.isHidden('main'));
    assert.ok(await p.isHidden('header'));
    const letter = (await p.textContent('#letter'))!;
    for (const s of ['关于转办投诉案件的函', '朝阳市场监管所：', `案件编号 ${n}`, HOSTILE, '北京市朝阳区幸福路1号', '工号 1001']) assert.ok(letter.includes(s), `the letter lacks ${s}`);
    // Answer by the case's next statutory deadline (Beijing date), not the hotline's own reminders.
    const due = (await stored(r, n)).deadlines.filter((d) => !d.metAt && d.kind !== 'reminder' && d.kind !== 'callback').sort((a, b) => a.dueAt - b.dueAt)[0];
    const bjDay = new Date(due.dueAt + 8 * 3_600_000);
    assert.ok(letter.includes(`并于 ${bjDay.getUTCFullYear()}年${bjDay.getUTCMonth() + 1}月${bjDay.getUTCDate()}日 前`), letter);
    await p.emulateMedia({ media: 'screen' });
    assert.ok(await p.isHidden('#letter'));

    // Edits: a malformed callback number → the store's per-field error beside the field; then a good change is stored.
    await p.click('#edit-box summary');
    await p.fill('#edit-callback', 'call me');
    await p.click('#case-edit button[type="submit"]');
    await p.waitForSelector('#edit-callback[aria-invalid="true"]');
    assert.match((await p.textContent('#edit-callback-error'))!, /^callbackNumber: .*telephone number.* \(CASE_FIELD_INVALID\)$/);
    assert.is((await stored(r, n)).callbackNumber, undefined);
    await p.fill('#edit-callback', '010-12345678');
    await p.selectOption('#edit-category', 'services.catering');
    await p.click('#case-edit button[type="submit"]');
    await until(async () => (await stored(r, n)).callbackNumber === '010-12345678', 'the callback number stored');
    assert.is((await stored(r, n)).categoryId, 'services.catering');
    // The store answers before the page has drawn its reply: wait for the page, then the field's mark is gone.
    await until(async () => (await p.locator('#case-edit [aria-invalid]').count()) === 0, 'the per-field error cleared after a good change', 10_000);

    await p.click('#act-mediate');
    await p.waitForSelector('#case-status[data-status="mediation"]');
    await p.selectOption('#act-result', 'agreement');
    await p.click('#act-close');
    await p.waitForSelector('#case-status[data-status="closed"]');
    const done = await stored(r, n);
    assert.equal([done.status, done.result], ['closed', 'agreement']);
    assert.equal(done.history.map((h) => h.action), ['create', 'accept', 'dispatch', 'update', 'start_mediation', 'close']);
    assert.is(await p.locator('#case-history li').count(), done.history.length);
    assert.match((await p.textContent('#case-history li:nth-child(2)'))!, / · 1001 · 受理 已登记 → 已受理 · 材料齐全$/);
    assert.ok(await p.isVisible('#case-finished'));
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 1366), 'the cases page scrolls sideways at 1366 px');
    await p.evaluate(() => ((document.getElementById('edit-box') as HTMLDetailsElement).open = true)); // its controls are checked too
    assert.equal(await unlabelled(p), [], 'controls without a label');
    assert.equal(await lowContrast(p), [], 'text below WCAG AA contrast');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'reminders and deadlines due, the callback list, search by caller, and another agent\'s case refused', async () => {
  const r = await consoleRig();
  try {
    const mine = (await r.store.createCase({ ...complaint(), agentId: '1001' })).number;
    const later = (await r.store.createCase({ kind: 'consultation', channel: 'hotline', agentId: '1001', answerLater: true, facts: '咨询：预付卡退款', callbackNumber: '13700001111' })).number;
    const other = (await r.store.createCase({ ...complaint({ callerNumber: '13900009999' }), agentId: '1002' })).number;
    const t = await casesPage(r, '1001');
    const p = t.page;
    await p.waitForSelector(`#callback-list button[data-number="${later}"]`);
    assert.is(await p.locator(`#callback-list button[data-number="${other}"]`).count(), 0);

    // A reminder one hour from now (Beijing time in the field) → in the due list.
    await p.fill('#find-number', mine);
    await p.click('#find-number-form button');
    await p.waitForFunction((n) => document.getElementById('case-number')!.textContent === n, mine);
    const inAnHour = new Date(Date.now() + 8 * 3_600_000 + 3_600_000).toISOString().slice(0, 16);
    await p.fill('#reminder-at', inAnHour);
    await p.fill('#reminder-note', '请催办');
    await p.click('#reminder-set');
    await until(async () => (await stored(r, mine)).deadlines.some((d) => d.kind === 'reminder' && d.note === '请催办'), 'the reminder stored');
    const reminder = (await stored(r, mine)).deadlines.find((d) => d.kind === 'reminder')!;
    assert.ok(Math.abs(reminder.dueAt - (Date.now() + 3_600_000)) < 120_000, 'the reminder is set in Beijing time');
    await p.waitForSelector(`#due-list button[data-number="${mine}"]`);

    // The callback list: open the case, record the callback, it leaves the list.
    await p.click(`#callback-list button[data-number="${later}"]`);
    await p.waitForFunction((n) => document.getElementById('case-number')!.textContent === n, later);
    await p.click('#act-callback');
    await until(async () => !(await stored(r, later)).callbackPending, 'the callback recorded');
    await p.waitForSelector(`#callback-list button[data-number="${later}"]`, { state: 'detached' });

    // Search by caller finds another agent's case; reading is open, changing it is not.
    await p.fill('#find-caller', '13900009999');
    await p.click('#find-caller-form button');
    await p.click(`#found-list button[data-number="${other}"]`);
    await p.waitForFunction((n) => document.getElementById('case-number')!.textContent === n, other);
    await p.click('#act-accept');
    await p.waitForSelector('#act-error:not(:empty)');
    assert.match((await p.textContent('#act-error'))!, /\(SEAT_FORBIDDEN\)$/);
    assert.is((await stored(r, other)).status, 'registered');
    // A note he may add on any case.
    await p.fill('#act-note', '来电人再次询问进度');
    await p.click('#act-note-add');
    await until(async () => (await stored(r, other)).history.some((h) => h.action === 'note'), 'the note stored');
    assert.equal(t.problems, []);
    await t.ctx.close();
  } finally {
    await r.close();
  }
});

testUnless(NO_CHROMIUM, 'the 受理单 alone on A4 paper with the case\'s fields; hostile text stays text', async () => {
  const r = await consoleRig();
  try {
    await r.store.putDepartment({ id: 'cy-sjs', name: '朝阳市场监管所', head: '王所长' });
    const made = await r.store.createCase({ ...complaint({ facts: HOSTILE, categoryId: 'goods.food', callerNumber: '13800138000' }), agentId: '1001' });
    const n = made.number;
    await r.store.transition(n, { type: 'accept', note: '材料齐全' }, '1001');
    await r.store.transition(n, { type: 'dispatch', departments: [{ departmentId: 'cy-sjs' }] }, '1001');
    const c = (await r.store.getCase(n))!;
    const t = await casesPage(r, '1001', n);
    const p = t.page;
    await p.waitForFunction((no) => document.querySelector('#case-sheet [data-field="number"]')?.textContent === no, n);
    // The button marks the page for the 受理单 (window.print in headless Chromium returns at once).
    await p.click('#sheet-print');
    assert.is(await p.getAttribute('body', 'data-print'), 'sheet');
    await p.emulateMedia({ media: 'print' });
    assert.ok(await p.isVisible('#case-sheet'));
    assert.ok(await p.isHidden('#letter'));
    assert.ok(await p.isHidden('main'));
    assert.ok(await p.isHidden('header'));
    const field = async (f: string) => (await p.textContent(`#case-sheet [data-field="${f}"]`)) ?? '';
    assert.is(await field('number'), n);
    assert.is(await field('kind'), '投诉');
    assert.is(await field('callerNumber'), '13800138000');
    assert.is(await field('category'), '商品 › 食品');
    assert.is(await field('facts'), HOSTILE);
    assert.is(await field('request'), c.request ?? '');
    const bj = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    assert.is(await field('receivedAt'), bj(c.receivedAt ?? c.createdAt));
    assert.is(await field('status'), '已分派');
    assert.ok((await field('handling')).includes('受理：材料齐全'), await field('handling'));
    assert.ok((await field('departments')).includes('朝阳市场监管所（王所长）'));
    const due = c.deadlines.find((d) => d.kind === 'mediation' || d.kind === 'accept_decision')!;
    assert.ok((await field('deadlines')).includes(bj(due.dueAt)), await field('deadlines'));
    assert.ok((await p.textContent('#case-sheet h1'))!.includes('受 理 单'));
    assert.is(await p.locator('#case-sheet img, #case-sheet script').count(), 0);
    assert.not.ok(['1', '2'].includes(await p.title()));
    // On screen it is not shown; the 公函 button puts the letter back on paper.
    await p.emulateMedia({ media: 'screen' });
    assert.ok(await p.isHidden('#case-sheet'));
    await p.click('#letter-print');
    await p.emulateMedia({ media: 'print' });
    assert.ok(await p.isVisible('#letter'));
    assert.ok(await p.isHidden('#case-sheet'));
    assert.equal(t.problems, []);
    await t.ctx.close();

    // On A4 (the @page rule) the 受理单 is one page. A second tab: the first one's print job
    // (window.print) is still open in headless Chromium, so the mark the button sets is set here directly.
    const t2 = await casesPage(r, '1001', n);
    await t2.page.waitForFunction((no) => document.querySelector('#case-sheet [data-field="number"]')?.textContent === no, n);
    await t2.page.evaluate(() => (document.body.dataset.print = 'sheet'));
    const pdf = (await t2.page.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    assert.is((pdf.match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1);
    await t2.ctx.close();
  } finally {
    await r.close();
  }
});

test.run();
