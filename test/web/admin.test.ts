// The admin page: the `directory` seat message drawn read-only (people and
// departments of the case store, skills, stations and queues of the ACD
// configuration); a name full of markup stays text; an agent is refused the
// page's data with the server's code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import type { AcdConfig } from '../../src/acd/types.ts';
import { testUnless } from '../skip.ts';
import { consoleRig, launch, logIn, NO_CHROMIUM, PASSWORD, tab } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">王';

testUnless(NO_CHROMIUM, 'admin page: people, departments, skills, stations and queues as the engine runs them, read-only; markup in a name stays text; agents are refused', async () => {
  const acdConfig: AcdConfig = {
    agents: [{ id: '1001', skills: { complaint: 80, english: 40 }, station: '1:1', wrapUpMs: 15_000 }, { id: '1002' }, { id: '2001' }],
    queues: [{ id: 'agents', strategy: 'linear', members: [{ agent: '1001' }, { agent: '1002', penalty: 2 }, { agent: '2001' }], requiredSkills: { complaint: 10 }, ringTimeoutMs: 15_000, maxWaitMs: 180_000 }],
  };
  const r = await consoleRig({ acdConfig });
  try {
    await r.store.putDepartment({ id: 'd1', name: '消费者权益保护科', head: '张科长', phone: '010-12315' });
    await r.store.putAgent({ id: '1003', name: HOSTILE, role: 'agent', departmentId: 'd1', password: PASSWORD });
    const t = await tab(browser, r);
    await logIn(t, '9001');
    await t.page.goto(new URL('/admin.html', r.server.url).href);
    await t.page.waitForSelector('#adm-agents tr[data-agent="1001"]');
    const row = async (sel: string) => (await t.page.$$eval(`${sel} > *`, (cells) => cells.map((c) => c.textContent ?? ''))) as string[];
    assert.equal(await row('#adm-agents tr[data-agent="1001"]'), ['1001', '话务员一', '话务员', '—', '是', 'complaint 80, english 40', 'agents', '1:1']);
    assert.equal(await row('#adm-agents tr[data-agent="1003"]'), ['1003', HOSTILE, '话务员', '消费者权益保护科', '否（不接排队来电）', '—', '—', '—']);
    assert.is(await t.page.$('#adm-agents img'), null, 'the name is text, not an element');
    assert.equal(await row('#adm-queues tr[data-queue="agents"]'), ['agents', 'linear', '1001, 1002 (2), 2001', 'complaint 10', '15 s / — / 180 s']);
    assert.equal(await row('#adm-depts tr[data-department="d1"]'), ['d1', '消费者权益保护科', '张科长', '010-12315']);
    assert.match((await t.page.textContent('.readonly')) ?? '', 'hotline cases agents add');
    assert.is(await t.page.textContent('#home-link'), '返回');
    assert.equal(t.problems, []);
    assert.ok((await t.page.title()) !== 'pwned');

    // An agent: the server refuses `directory` (SEAT_FORBIDDEN), the page says so with the code.
    const a = await tab(browser, r);
    await logIn(a, '1001');
    await a.page.goto(new URL('/admin.html', r.server.url).href);
    await a.page.waitForFunction(() => /\(SEAT_FORBIDDEN\)$/.test(document.getElementById('status')?.textContent ?? ''));
    assert.is(await a.page.$('#adm-agents tr'), null);
  } finally {
    await r.close();
  }
});

test.run();
