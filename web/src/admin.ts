// The admin page (supervisors and admins): who works here and how calls
// reach them, read-only, from the seat message `directory`: the case
// store's people and departments, the ACD's skills, stations and queues as
// the engine runs them. The page says where each thing is changed (CLI and
// configuration files, read at the next start): the seat protocol has no
// message that changes them.
import type { Directory } from '../../src/seats/protocol.ts';
import { byId, h } from './dom.ts';
import { addWords, onLang, t } from './i18n.ts';
import { homeOf } from './session.ts';
import { openShell } from './shell.ts';

addWords(
  {
    'adm.title': '系统配置',
    'adm.readonly': '只读视图。人员和部门用 hotline cases agents add / hotline cases departments 修改；技能、话机端口和队列在 ACD 配置中修改；重启引擎后生效。',
    'adm.agents': '话务员',
    'adm.id': '编号',
    'adm.name': '姓名/名称',
    'adm.role': '角色',
    'adm.department': '部门',
    'adm.inRoster': '排队分配',
    'adm.skills': '技能',
    'adm.queues': '队列',
    'adm.station': '话机端口',
    'adm.queueList': '队列',
    'adm.queue': '队列',
    'adm.strategy': '分配策略',
    'adm.members': '成员（优先级）',
    'adm.required': '所需技能',
    'adm.times': '振铃超时 / 话后 / 最长等待',
    'adm.departments': '部门',
    'adm.head': '负责人',
    'adm.phone': '电话',
    'adm.yes': '是',
    'adm.no': '否（不接排队来电）',
    'adm.noLogin': '（不在案件库：无法登录）',
    'role.agent': '话务员',
    'role.supervisor': '班长',
    'role.admin': '管理员',
  },
  {
    'adm.title': 'Configuration',
    'adm.readonly': 'Read-only. People and departments change with hotline cases agents add / hotline cases departments; skills, stations and queues in the ACD configuration; the engine reads them at its next start.',
    'adm.agents': 'Agents',
    'adm.id': 'Id',
    'adm.name': 'Name',
    'adm.role': 'Role',
    'adm.department': 'Department',
    'adm.inRoster': 'Takes queue calls',
    'adm.skills': 'Skills',
    'adm.queues': 'Queues',
    'adm.station': 'Station',
    'adm.queueList': 'Queues',
    'adm.queue': 'Queue',
    'adm.strategy': 'Strategy',
    'adm.members': 'Members (penalty)',
    'adm.required': 'Required skills',
    'adm.times': 'Ring timeout / wrap-up / max wait',
    'adm.departments': 'Departments',
    'adm.head': 'Head',
    'adm.phone': 'Phone',
    'adm.yes': 'yes',
    'adm.no': 'no (no queue calls)',
    'adm.noLogin': '(not in the case store: cannot log in)',
    'role.agent': 'agent',
    'role.supervisor': 'supervisor',
    'role.admin': 'admin',
  },
);

const shell = openShell(() => undefined);
let dir: Directory | null = null;

const levels = (l: Record<string, number>) =>
  Object.entries(l)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const secs = (ms: number | undefined) => (ms === undefined ? '—' : `${Math.round(ms / 1000)} s`);

function draw(): void {
  if (!dir) return;
  const dept = new Map(dir.departments.map((d) => [d.id, d.name]));
  byId('adm-agents').replaceChildren(
    ...dir.agents.map((a) =>
      h(
        'tr',
        { attrs: { 'data-agent': a.id } },
        h('th', { attrs: { scope: 'row' } }, a.id),
        h('td', {}, a.name ?? t('adm.noLogin')),
        h('td', {}, a.role ? t(`role.${a.role}`) : '—'),
        h('td', {}, a.departmentId ? (dept.get(a.departmentId) ?? a.departmentId) : '—'),
        h('td', {}, t(a.inRoster ? 'adm.yes' : 'adm.no')),
        h('td', { class: 'adm-skills' }, levels(a.skills) || '—'),
        h('td', {}, a.queues.join(', ') || '—'),
        h('td', {}, a.station ?? '—'),
      ),
    ),
  );
  byId('adm-queues').replaceChildren(
    ...dir.queues.map((q) =>
      h(
        'tr',
        { attrs: { 'data-queue': q.id } },
        h('th', { attrs: { scope: 'row' } }, q.id),
        h('td', {}, q.strategy),
        h('td', {}, q.members.map((m) => (m.penalty ? `${m.agent} (${m.penalty})` : m.agent)).join(', ')),
        h('td', {}, levels(q.requiredSkills) || '—'),
        h('td', {}, `${secs(q.ringTimeoutMs)} / ${secs(q.wrapUpMs)} / ${secs(q.maxWaitMs)}`),
      ),
    ),
  );
  byId('adm-depts').replaceChildren(...dir.departments.map((d) => h('tr', { attrs: { 'data-department': d.id } }, h('th', { attrs: { scope: 'row' } }, d.id), h('td', {}, d.name), h('td', {}, d.head ?? '—'), h('td', {}, d.phone ?? '—'))));
}

if (shell) {
  byId<HTMLAnchorElement>('home-link').href = homeOf(shell.session.role);
  const load = async () => {
    const r = await shell.seat.request('directory', {});
    if (!r.ok) return shell.report(r);
    dir = r.result as Directory;
    draw();
  };
  shell.onEvent('snapshot', () => void load());
  onLang(draw);
}
