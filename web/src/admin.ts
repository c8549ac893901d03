// The admin page (系统配置): who works here and how calls reach them, and
// the changes an administrator makes in the browser, each through its seat
// message (src/seats/admin-protocol.ts), checked by the server with the
// store's, the calendar's, the ACD's or the flow loader's own checks:
//   people and departments (`directory`, admin-agent-put, admin-department-put)
//   queues and skills (admin-queue-put, admin-skills-put: saved, take effect at restart)
//   the knowledge base (admin-kb.ts), the holiday calendar (admin-calendar.ts),
//   the IVR flow (admin-flow.ts), and the audit of every change.
// Supervisors see it all and change nothing (the server refuses them too).
import { STRATEGIES } from '../../src/acd/types.ts';
import type { Directory } from '../../src/seats/protocol.ts';
import './admin-words.ts';
import { editForm } from './admin-form.ts';
import { openCalendar } from './admin-calendar.ts';
import { openFlow } from './admin-flow.ts';
import { openKb } from './admin-kb.ts';
import { byId, h } from './dom.ts';
import { onLang, t } from './i18n.ts';
import { homeOf } from './session.ts';
import { openShell, type Shell } from './shell.ts';

const shell = openShell(() => undefined);
let dir: Directory | null = null;

const levels = (l: Record<string, number>) =>
  Object.entries(l)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const secs = (ms: number | undefined) => (ms === undefined ? '—' : `${Math.round(ms / 1000)} s`);

/** "a:1, b:2" → { a: 1, b: 2 } (a level that is no number goes as NaN: the server's schema refuses it with its code). */
function parsePairs(text: string): Array<[string, number | undefined]> {
  return text
    .split(/[,，\s]+/)
    .filter(Boolean)
    .map((p) => {
      const [k, v] = p.split(/[:：]/);
      return [k, v === undefined || v === '' ? undefined : Number(v)];
    });
}
const skillsOf = (text: string) => Object.fromEntries(parsePairs(text).map(([k, v]) => [k, v ?? 1]));
const skillsText = (l: Record<string, number>) => Object.entries(l).map(([k, v]) => `${k}:${v}`).join(', ');

function editButton(label: string, fn: () => void): HTMLButtonElement {
  return h('button', { attrs: { type: 'button', 'aria-label': label }, on: { click: fn } }, t('adm.edit'));
}

function draw(s: Shell, forms: ReturnType<typeof openForms>): void {
  if (!dir) return;
  const dept = new Map(dir.departments.map((d) => [d.id, d.name]));
  const state = (active: boolean | undefined) => t(active === false ? 'adm.inactive' : 'adm.active');
  const admin = s.session.role === 'admin';
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
        h('td', {}, a.name ? state(a.active) : '—'),
        h('td', {}, admin && a.name ? editButton(`${t('adm.edit')} ${a.id}`, () => forms.agent.fill({ id: a.id, name: a.name ?? '', role: a.role ?? 'agent', departmentId: a.departmentId ?? '', active: a.active === false ? '' : 'true' })) : null),
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
  byId('adm-depts').replaceChildren(
    ...dir.departments.map((d) =>
      h(
        'tr',
        { attrs: { 'data-department': d.id } },
        h('th', { attrs: { scope: 'row' } }, d.id),
        h('td', {}, d.name),
        h('td', {}, d.head ?? '—'),
        h('td', {}, d.phone ?? '—'),
        h('td', {}, state(d.active)),
        h('td', {}, admin ? editButton(`${t('adm.edit')} ${d.id}`, () => forms.dept.fill({ id: d.id, name: d.name, head: d.head ?? '', phone: d.phone ?? '', active: d.active === false ? '' : 'true' })) : null),
      ),
    ),
  );
  // The choices of the forms (the draft's value kept when it is still a choice).
  const options = (id: string, list: Array<[string, string]>) => {
    const sel = byId<HTMLSelectElement>(id);
    const v = sel.value;
    sel.replaceChildren(...list.map(([value, label]) => h('option', { attrs: { value } }, label)));
    if (list.some(([x]) => x === v)) sel.value = v;
  };
  options('ag-dept', [['', t('adm.noDepartment')], ...dir.departments.map((d) => [d.id, d.name] as [string, string])]);
  options('qu-id', dir.queues.map((q) => [q.id, q.id]));
  options('sk-agent', dir.agents.filter((a) => a.inRoster).map((a) => [a.id, `${a.id} ${a.name ?? ''}`]));
}

function openForms(s: Shell, reload: () => Promise<void>) {
  const key = (f: string) => `${s.session.agentId}.admin.${f}`;
  const saved = (what: string, restart = false) => s.say(t(restart ? 'adm.savedRestart' : 'adm.saved', { what }));
  const agent = editForm({
    form: byId<HTMLFormElement>('agent-form'),
    draftKey: key('agent'),
    errors: byId('agent-errors'),
    controls: { id: 'ag-id', name: 'ag-name', role: 'ag-role', departmentId: 'ag-dept', password: 'ag-password', active: 'ag-active' },
    send: (f) => {
      const password = byId<HTMLInputElement>('ag-password').value;
      return s.seat.request('admin-agent-put', {
        agent: { id: f.id.trim(), name: f.name.trim(), role: f.role, ...(f.departmentId ? { departmentId: f.departmentId } : {}), ...(password ? { password } : {}), active: f.active === 'true' },
      });
    },
    done: (r) => {
      const res = r.result as { agent: { id: string }; takesEffect: string };
      byId<HTMLInputElement>('ag-password').value = '';
      s.say(t(res.takesEffect === 'restart' ? 'adm.savedRoster' : 'adm.saved', { what: res.agent.id }));
      void reload();
    },
    say: s.say,
  });
  const dept = editForm({
    form: byId<HTMLFormElement>('dept-form'),
    draftKey: key('dept'),
    errors: byId('dept-errors'),
    controls: { id: 'dp-id', name: 'dp-name', head: 'dp-head', phone: 'dp-phone', active: 'dp-active' },
    send: (f) => s.seat.request('admin-department-put', { department: { id: f.id.trim(), name: f.name.trim(), ...(f.head ? { head: f.head } : {}), ...(f.phone ? { phone: f.phone } : {}), active: f.active === 'true' } }),
    done: (r) => {
      saved((r.result as { department: { id: string } }).department.id);
      void reload();
    },
    say: s.say,
  });
  const acdSaved = (r: { result?: unknown }) => {
    const o = (r.result as { saved: { queues: Record<string, { strategy?: string }>; skills: Record<string, Record<string, number>> } }).saved;
    const list = [...Object.entries(o.queues).map(([q, e]) => `${q} ${e.strategy ?? ''}`), ...Object.entries(o.skills).map(([a, l]) => `${a} ${skillsText(l)}`)];
    byId('acd-saved').textContent = list.length ? t('adm.pending', { list: list.join('；') }) : '';
  };
  editForm({
    form: byId<HTMLFormElement>('queue-form'),
    draftKey: key('queue'),
    errors: byId('queue-errors'),
    controls: { members: 'qu-members', strategy: 'qu-strategy', requiredSkills: 'qu-skills' },
    send: (f) =>
      s.seat.request('admin-queue-put', {
        queue: { id: f.id, strategy: f.strategy, members: parsePairs(f.members).map(([agentId, penalty]) => ({ agent: agentId, ...(penalty !== undefined ? { penalty } : {}) })), requiredSkills: skillsOf(f.requiredSkills) },
      }),
    done: (r) => {
      saved(byId<HTMLSelectElement>('qu-id').value, true);
      acdSaved(r);
    },
    say: s.say,
  });
  editForm({
    form: byId<HTMLFormElement>('skills-form'),
    draftKey: key('skills'),
    errors: byId('skills-errors'),
    controls: { agentId: 'sk-agent', skills: 'sk-skills' },
    send: (f) => s.seat.request('admin-skills-put', { agentId: f.agentId, skills: skillsOf(f.skills) }),
    done: (r) => {
      saved(byId<HTMLSelectElement>('sk-agent').value, true);
      acdSaved(r);
    },
    say: s.say,
  });
  byId('qu-strategy').replaceChildren(...STRATEGIES.map((x) => h('option', { attrs: { value: x } }, x)));
  // Picking a queue puts what runs now into the form.
  byId('qu-id').addEventListener('change', () => {
    const q = dir?.queues.find((x) => x.id === byId<HTMLSelectElement>('qu-id').value);
    if (!q) return;
    byId<HTMLSelectElement>('qu-strategy').value = q.strategy;
    byId<HTMLInputElement>('qu-members').value = q.members.map((m) => (m.penalty ? `${m.agent}:${m.penalty}` : m.agent)).join(', ');
    byId<HTMLInputElement>('qu-skills').value = skillsText(q.requiredSkills);
  });
  return { agent, dept, acdSaved };
}

function tabs(onShow: (pane: string) => void): void {
  const all = [...document.querySelectorAll<HTMLButtonElement>('.adm-tabs [role="tab"]')];
  for (const b of all) {
    b.addEventListener('click', () => {
      for (const x of all) {
        x.setAttribute('aria-selected', String(x === b));
        byId(x.getAttribute('aria-controls')!).hidden = x !== b;
      }
      onShow(b.getAttribute('aria-controls')!);
    });
  }
}

async function audit(s: Shell): Promise<void> {
  const r = await s.seat.request('admin-audit', { limit: 200 });
  if (!r.ok) return s.report(r);
  const when = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
  const entries = (r.result as { entries: Array<{ at: number; by: string; type: string; target: string; after?: unknown }> }).entries;
  byId('adm-audit').replaceChildren(...entries.map((e) => h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.by), h('td', {}, e.type), h('td', {}, e.target), h('td', { class: 'adm-skills' }, JSON.stringify(e.after ?? null)))));
}

if (shell) {
  const s = shell;
  byId<HTMLAnchorElement>('home-link').href = homeOf(s.session.role);
  const admin = s.session.role === 'admin';
  byId('adm-readonly').hidden = admin;
  for (const f of document.querySelectorAll<HTMLFormElement>('form.adm-form')) f.hidden = !admin;
  const load = async () => {
    const r = await s.seat.request('directory', {});
    if (!r.ok) return s.report(r);
    dir = r.result as Directory;
    draw(s, forms);
  };
  const forms = openForms(s, load);
  const kb = openKb(s);
  const cal = openCalendar(s);
  const flow = openFlow(s);
  tabs((pane) => {
    if (pane === 'pane-kb') void kb.load();
    if (pane === 'pane-calendar') void cal.load();
    if (pane === 'pane-flow') void flow.load();
    if (pane === 'pane-audit') void audit(s);
  });
  s.onEvent('snapshot', () => {
    void load();
    void s.seat.request('admin-acd', {}).then((r) => r.ok && forms.acdSaved(r));
  });
  onLang(() => draw(s, forms));
}
