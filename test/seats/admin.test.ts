// The admin-* seat messages (real LMDB store, real WebSocket on 127.0.0.1,
// the real 12315 flow and prompts): who may send them, the store's /
// calendar's / ACD's / flow loader's own refusals with their codes and the
// field they name, what is persisted (read back after the store is closed
// and opened again, and from DATA/config), and the audit of each change.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BureauCalendar } from '../../src/cases/calendar.ts';
import { openCaseStore } from '../../src/cases/index.ts';
import { applyAcdOverlay, readAcdOverlay, readCalendarFile, savedFlowFile } from '../../src/calls/console-config.ts';
import { rosterConfig } from '../../src/calls/roster.ts';
import { DEFAULT_FLOW_FILE } from '../../src/ivr/flow.ts';
import { AdminAudit } from '../../src/seats/admin-audit.ts';
import { Client, loggedIn, PASSWORD, rig } from './_harness.ts';

const NEW_AGENT = { id: '1003', name: '话务员三', role: 'agent', password: 'pass-1003' };

test('roles: an agent reads nothing, a supervisor reads but changes nothing, an admin changes', async () => {
  const r = await rig({ withAdmin: true });
  try {
    const agent = await loggedIn(r, '1001');
    const sup = await loggedIn(r, '2001');
    const adm = await loggedIn(r, '9001');
    for (const [type, fields] of [['admin-kb-list', {}], ['admin-calendar', { year: 2026 }], ['admin-flow', {}], ['admin-audit', {}], ['admin-agent-put', { agent: NEW_AGENT }]] as const) {
      assert.is((await agent.ask(type, fields)).code, 'SEAT_FORBIDDEN', type);
    }
    assert.ok((await sup.ask('admin-calendar', { year: 2026 })).ok);
    assert.ok((await sup.ask('admin-flow', {})).ok);
    for (const [type, fields] of [
      ['admin-agent-put', { agent: NEW_AGENT }],
      ['admin-department-put', { department: { id: 'd1', name: '一所' } }],
      ['admin-kb-put', { entry: { id: 'k1', category: 'faq', title: 't', text: 'x' } }],
      ['admin-calendar-day', { date: '2026-12-07', day: 'holiday' }],
      ['admin-queue-put', { queue: { id: 'agents', strategy: 'linear', members: [], requiredSkills: {} } }],
      ['admin-skills-put', { agentId: '1001', skills: { zh: 5 } }],
      ['admin-flow-save', { text: readFileSync(DEFAULT_FLOW_FILE, 'utf8'), format: 'yaml' }],
    ] as const) {
      const rep = await sup.ask(type, fields);
      assert.is(rep.code, 'SEAT_FORBIDDEN', type);
    }
    assert.is(await r.store.getAgent('1003'), null);
    assert.ok(r.store.calendar.isWorkingDay(20261207));
    assert.is((await adm.ask('admin-audit', {})).result.entries.length, 0);
    // A server without the admin context refuses with its own code.
    const r2 = await rig();
    try {
      const a2 = await loggedIn(r2, '9001');
      assert.is((await a2.ask('admin-calendar', { year: 2026 })).code, 'SEAT_ADMIN_UNAVAILABLE');
      await a2.close();
    } finally {
      await r2.close();
    }
    await Promise.all([agent.close(), sup.close(), adm.close()]);
  } finally {
    await r.close();
  }
});

test('agents and departments: the store\'s checks with the field, edits keep the password, deactivation ends logins, nothing deleted', async () => {
  const r = await rig({ withAdmin: true });
  try {
    const adm = await loggedIn(r, '9001');
    const noPw = await adm.ask('admin-agent-put', { agent: { id: '1003', name: '话务员三', role: 'agent' } });
    assert.is(noPw.code, 'CASE_FIELD_INVALID');
    assert.is((noPw as { details?: { field?: string } }).details?.field, 'password');
    const badRole = await adm.ask('admin-agent-put', { agent: { ...NEW_AGENT, role: 'boss' } });
    assert.is(badRole.code, 'CASE_FIELD_INVALID');
    assert.is((badRole as { details?: { field?: string } }).details?.field, 'role');
    const noDept = await adm.ask('admin-agent-put', { agent: { ...NEW_AGENT, departmentId: 'nowhere' } });
    assert.is(noDept.code, 'CASE_DEPARTMENT_UNKNOWN');
    assert.is((noDept as { details?: { field?: string } }).details?.field, 'departmentId');
    assert.is((await adm.ask('admin-agent-put', { agent: { ...NEW_AGENT, extra: 1 } })).code, 'SEAT_BAD_MESSAGE');
    assert.is(await r.store.getAgent('1003'), null);

    const dep = await adm.ask('admin-department-put', { department: { id: 'cy', name: '朝阳所', phone: '65001234' } });
    assert.ok(dep.ok, JSON.stringify(dep));
    assert.is((await adm.ask('admin-department-put', { department: { id: 'bad id', name: 'x' } })).code, 'CASE_FIELD_INVALID');
    const made = await adm.ask('admin-agent-put', { agent: { ...NEW_AGENT, departmentId: 'cy' } });
    assert.ok(made.ok, JSON.stringify(made));
    assert.is(made.result.takesEffect, 'restart');
    assert.equal(made.result.agent, { id: '1003', name: '话务员三', role: 'agent', departmentId: 'cy' });
    // An edit without a password keeps his.
    assert.ok((await adm.ask('admin-agent-put', { agent: { id: '1003', name: '王小三', role: 'agent', departmentId: 'cy' } })).ok);
    assert.is((await r.store.verifyAgent('1003', 'pass-1003'))?.name, '王小三');
    // Deactivated: still in the store (his cases name him), cannot log in; his open seat is ended at once.
    const seat1001 = await loggedIn(r, '1001');
    const seat1002 = await loggedIn(r, '1002');
    for (const seat of [seat1001, seat1002]) assert.ok((await seat.ask('acd-login', { ready: true })).ok);
    const off = await adm.ask('admin-agent-put', { agent: { id: '1001', name: '话务员一', role: 'agent', active: false } });
    assert.ok(off.ok);
    await seat1001.until(() => seat1001.events('session-ended')[0], 'session-ended for the deactivated agent');
    await seat1001.until(() => seat1001.closed ?? undefined, 'his socket closed');
    assert.not.equal(r.acd.agent('1002').state, 'loggedOut', 'another agent stays logged in');
    assert.is(r.acd.agent('1001').state, 'loggedOut', 'the ACD offers him no more calls');
    await seat1002.close();
    assert.is((await r.store.getAgent('1001'))?.active, false);
    const c = await Client.open(r.server.seatUrl);
    assert.is((await c.ask('login', { agentId: '1001', password: PASSWORD })).code, 'SEAT_LOGIN_FAILED');
    await c.close();
    assert.ok((await adm.ask('admin-department-put', { department: { id: 'cy', name: '朝阳所', active: false } })).ok);
    // An admin cannot lock himself out.
    assert.is((await adm.ask('admin-agent-put', { agent: { id: '9001', name: '管理员', role: 'agent' } })).code, 'SEAT_ADMIN_SELF');
    assert.is((await adm.ask('admin-agent-put', { agent: { id: '9001', name: '管理员', role: 'admin', active: false } })).code, 'SEAT_ADMIN_SELF');
    const dir = await adm.ask('directory', {});
    assert.is(dir.result.agents.find((a: { id: string }) => a.id === '1001').active, false);
    assert.is(dir.result.departments.find((d: { id: string }) => d.id === 'cy').active, false);

    const audit = (await adm.ask('admin-audit', {})).result.entries as Array<{ by: string; type: string; target: string; before: unknown; after: Record<string, unknown> }>;
    assert.equal(audit.map((e) => `${e.type} ${e.target}`), ['admin-department-put cy', 'admin-agent-put 1001', 'admin-agent-put 1003', 'admin-agent-put 1003', 'admin-department-put cy']);
    assert.ok(audit.every((e) => e.by === '9001'));
    assert.is(audit[3].before, null);
    assert.is(audit[3].after.password, 'changed');
    assert.not.ok(JSON.stringify(audit).includes('pass-1003'));
    assert.not.ok(JSON.stringify(audit).includes('scrypt$'));
    await adm.close();

    // Persisted: the store closed and opened again.
    await r.store.close();
    const again = await openCaseStore({ dir: join(r.dir, 'cases'), create: false });
    try {
      assert.is((await again.getAgent('1003'))?.name, '王小三');
      assert.is((await again.getAgent('1001'))?.active, false);
      assert.is((await again.listDepartments()).find((d) => d.id === 'cy')?.active, false);
      assert.is(new AdminAudit(again).list().length, 5);
    } finally {
      await again.close();
    }
  } finally {
    await r.close();
  }
});

test('knowledge base: the store\'s checks, agents find the entry at once, persisted and audited', async () => {
  const r = await rig({ withAdmin: true });
  try {
    const adm = await loggedIn(r, '9001');
    const bad = await adm.ask('admin-kb-put', { entry: { id: 'k-return', category: 'faq', title: '七日无理由退货', text: '网购商品…', menuCode: '12a' } });
    assert.is(bad.code, 'CASE_FIELD_INVALID');
    assert.is((bad as { details?: { field?: string } }).details?.field, 'menuCode');
    assert.is((await adm.ask('admin-kb-put', { entry: { id: 'k-return', category: 'gossip', title: 'x', text: 'y' } })).code, 'CASE_FIELD_INVALID');
    const ok = await adm.ask('admin-kb-put', { entry: { id: 'k-return', category: 'regulation', title: '七日无理由退货', text: '网购商品自收到之日起七日内可退货。', menuCode: '41' } });
    assert.ok(ok.ok, JSON.stringify(ok));
    await r.store.putKnowledge({ id: 'k-other', category: 'faq', title: '其他', text: '其他', menuCode: '42' });
    assert.is((await adm.ask('admin-kb-put', { entry: { id: 'k-return', category: 'regulation', title: 'x', text: 'y', menuCode: '42' } })).code, 'CASE_MENU_CODE_TAKEN');
    const agent = await loggedIn(r, '1001');
    const found = await agent.ask('kb-search', { words: '无理由' });
    assert.equal(found.result.entries.map((e: { id: string }) => e.id), ['k-return']);
    const list = await adm.ask('admin-kb-list', { category: 'regulation' });
    assert.equal(list.result.entries.map((e: { id: string }) => e.id), ['k-return']);
    const audit = (await adm.ask('admin-audit', {})).result.entries;
    assert.is(audit.length, 1);
    assert.is(audit[0].after.menuCode, '41');
    await Promise.all([adm.close(), agent.close()]);
    await r.store.close();
    const again = await openCaseStore({ dir: join(r.dir, 'cases'), create: false });
    try {
      assert.is((await again.getKnowledgeByMenuCode('41'))?.id, 'k-return');
    } finally {
      await again.close();
    }
  } finally {
    await r.close();
  }
});

test('calendar: a holiday and a make-up day change the running calendar at once, saved for the next start, refusals name the date', async () => {
  const r = await rig({ withAdmin: true });
  try {
    const adm = await loggedIn(r, '9001');
    assert.is((await adm.ask('admin-calendar-day', { date: '2026-02-30', day: 'holiday' })).code, 'CASE_CALENDAR_INVALID');
    const weekday = await adm.ask('admin-calendar-day', { date: '2026-12-08', day: 'working' });
    assert.is(weekday.code, 'CASE_CALENDAR_INVALID');
    assert.is((weekday as { details?: { field?: string } }).details?.field, 'date');
    assert.not.ok(existsSync(join(r.dir, 'config', 'calendar.json')));
    // A 7-working-day complaint limit from Friday 4 Dec 2026 ends Tuesday 15 Dec; with Monday 7 Dec off, Wednesday 16 Dec.
    const from = Date.UTC(2026, 11, 4, 2);
    const due0 = r.store.calendar.addWorkingDays(from, 7);
    const hol = await adm.ask('admin-calendar-day', { date: '2026-12-07', day: 'holiday' });
    assert.ok(hol.ok, JSON.stringify(hol));
    assert.is(hol.result.takesEffect, 'now');
    assert.ok(hol.result.holidays.includes('2026-12-07'));
    assert.is(hol.result.working[340], '0'); // 7 Dec is day 341 of 2026
    assert.is(r.store.calendar.isWorkingDay(20261207), false);
    assert.is(r.store.calendar.addWorkingDays(from, 7) - due0, 86_400_000);
    const sat = await adm.ask('admin-calendar-day', { date: '2026-12-12', day: 'working' });
    assert.ok(sat.ok);
    assert.ok(r.store.calendar.isWorkingDay(20261212));
    assert.is(r.store.calendar.addWorkingDays(from, 7), due0);
    // Back to an ordinary day.
    assert.ok((await adm.ask('admin-calendar-day', { date: '2026-12-12', day: 'normal' })).ok);
    assert.not.ok(r.store.calendar.isWorkingDay(20261212));
    // Saved: the next start's calendar reads the file.
    const cal = new BureauCalendar(readCalendarFile(r.dir));
    assert.is(cal.isWorkingDay(20261207), false);
    assert.is(cal.isWorkingDay(20261212), false);
    assert.is(cal.isWorkingDay(20261001), false); // the State Council's days stay
    const audit = (await adm.ask('admin-audit', {})).result.entries;
    assert.equal(audit.map((e: { target: string; before: string; after: string }) => `${e.target} ${e.before}→${e.after}`), ['2026-12-12 working→normal', '2026-12-12 normal→working', '2026-12-07 normal→holiday']);
    await adm.close();
  } finally {
    await r.close();
  }
});

test('queues and skills: the ACD\'s own checks, saved for the next start and applied to the roster then', async () => {
  const r = await rig({ withAdmin: true });
  try {
    const adm = await loggedIn(r, '9001');
    const q = (over: Record<string, unknown>) => adm.ask('admin-queue-put', { queue: { id: 'agents', strategy: 'linear', members: [{ agent: '1002' }, { agent: '1001', penalty: 2 }], requiredSkills: { zh: 3 }, ...over } });
    assert.is((await q({ id: 'nowhere' })).code, 'ACD_UNKNOWN_QUEUE');
    assert.is((await q({ strategy: 'alphabetical' })).code, 'ACD_CONFIG_INVALID');
    assert.is((await q({ members: [{ agent: 'ghost' }] })).code, 'ACD_CONFIG_INVALID');
    assert.is((await q({ members: [{ agent: '1001' }, { agent: '1001' }] })).code, 'ACD_CONFIG_INVALID');
    assert.is((await adm.ask('admin-skills-put', { agentId: 'ghost', skills: { zh: 5 } })).code, 'ACD_UNKNOWN_AGENT');
    assert.is((await adm.ask('admin-skills-put', { agentId: '1001', skills: { zh: 101 } })).code, 'SEAT_BAD_MESSAGE');
    assert.not.ok(existsSync(join(r.dir, 'config', 'acd.json')));
    const ok = await q({});
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.is(ok.result.takesEffect, 'restart');
    assert.ok((await adm.ask('admin-skills-put', { agentId: '1001', skills: { zh: 5, en: 2 } })).ok);
    // Two admins at once: both edits are kept (the changes run one after another).
    const adm2 = await loggedIn(r, '9001');
    const both = await Promise.all([adm.ask('admin-skills-put', { agentId: '1002', skills: { zh: 4 } }), adm2.ask('admin-skills-put', { agentId: '2001', skills: { zh: 9 } })]);
    assert.ok(both.every((x) => x.ok));
    assert.equal(Object.keys(readAcdOverlay(r.dir).skills).sort(), ['1001', '1002', '2001']);
    await adm2.close();
    const saved = await adm.ask('admin-acd', {});
    assert.is(saved.result.saved.queues.agents.strategy, 'linear');
    // The running ACD is unchanged; the next start's roster carries the edits.
    assert.is((await adm.ask('directory', {})).result.queues[0].strategy, 'longest-idle');
    const next = applyAcdOverlay(rosterConfig(await r.store.listAgents()), readAcdOverlay(r.dir));
    assert.is(next.queues[0].strategy, 'linear');
    assert.equal(next.queues[0].members, [{ agent: '1002' }, { agent: '1001', penalty: 2 }]);
    assert.equal(next.agents.find((a) => a.id === '1001')?.skills, { zh: 5, en: 2 });
    const audit = (await adm.ask('admin-audit', {})).result.entries;
    assert.equal(audit.slice(2).map((e: { type: string; target: string }) => `${e.type} ${e.target}`), ['admin-skills-put 1001', 'admin-queue-put agents']);
    assert.equal(audit.slice(0, 2).map((e: { target: string }) => e.target).sort(), ['1002', '2001']);
    await adm.close();
  } finally {
    await r.close();
  }
});

test('flow: viewed as nodes, checked with the loader\'s problems and lines, a refused save changes nothing, a valid one reloads', async () => {
  const r = await rig({ withAdmin: true });
  try {
    const adm = await loggedIn(r, '9001');
    const view = await adm.ask('admin-flow', {});
    assert.is(view.result.name, '12315');
    assert.is(view.result.nodes[0].id, 'welcome');
    assert.ok(view.result.nodes[0].to.some(([f, to]: [string, string]) => f === 'next' && to === 'main'));
    const text: string = view.result.text;
    const broken = text.replace('    next: main\n', '    next: mian\n');
    const lineNo = broken.split('\n').findIndex((l) => l.includes('next: mian')) + 1;
    const chk = await adm.ask('admin-flow-check', { text: broken, format: 'yaml' });
    assert.is(chk.result.ok, false);
    assert.is(chk.result.code, 'IVR_FLOW_INVALID');
    const p = chk.result.problems.find((x: { pointer: string }) => x.pointer === '/nodes/welcome/next');
    assert.ok(p, JSON.stringify(chk.result.problems));
    assert.is(p.line, lineNo);
    assert.match(p.message, /mian/);
    assert.is((await adm.ask('admin-flow-check', { text: 'nodes: [', format: 'yaml' })).result.code, 'IVR_FLOW_UNREADABLE');
    const v0 = view.result.version;
    const refused = await adm.ask('admin-flow-save', { text: broken, format: 'yaml' });
    assert.is(refused.code, 'IVR_FLOW_INVALID');
    assert.ok((refused as { details?: { problems: unknown[] } }).details!.problems.length >= 1);
    assert.is(savedFlowFile(r.dir), undefined);
    assert.is((await adm.ask('admin-flow', {})).result.version, v0);
    // A valid change: the welcome goes straight to the agent queue.
    const changed = text.replace('    next: main\n', '    next: agent\n');
    const saved = await adm.ask('admin-flow-save', { text: changed, format: 'yaml' });
    assert.ok(saved.ok, JSON.stringify(saved));
    assert.is(saved.result.version, v0 + 1);
    assert.is(savedFlowFile(r.dir), join(r.dir, 'config', 'flow.yaml'));
    const after = await adm.ask('admin-flow', {});
    assert.is(after.result.file, join(r.dir, 'config', 'flow.yaml'));
    assert.ok(after.result.nodes[0].to.some(([f, to]: [string, string]) => f === 'next' && to === 'agent'));
    const audit = (await adm.ask('admin-audit', {})).result.entries;
    assert.is(audit[0].type, 'admin-flow-save');
    assert.is(audit[0].after.version, v0 + 1);
    assert.is.not(audit[0].before.sha256, audit[0].after.sha256);
    await adm.close();
  } finally {
    await r.close();
  }
});

test.run();
