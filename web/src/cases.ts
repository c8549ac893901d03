// The case screens (案件办理): find a case (number, caller), the deadlines
// and reminders due and the callbacks owed; a case with its facts, history
// and deadlines; its fields changed (`case-update`) with the store's
// per-field refusals beside the fields; the workflow (`case-action`: accept,
// not accept, dispatch to departments, mediation, verification, close,
// callback done, note) with the store's own refusal when a step is not
// allowed; a reminder (`case-reminder`); and its official letter (公函) on
// paper. The server decides who may change which case; the page shows its
// answer.
import { RESULTS_BY_KIND, type CaseAction, type CaseRecord, type CaseResult } from '../../src/cases/types.ts';
import type { CaseSummary } from '../../src/seats/protocol.ts';
import { renderLetter } from './case-letter.ts';
import { renderCaseSheet } from './case-sheet.ts';
import { caseReference, categoryPath, fillCategories, type CaseReference } from './case-reference.ts';
import './cases-words.ts';
import { byId, h, setText } from './dom.ts';
import { clearFieldErrors, fieldErrors, markFieldErrors } from './field-errors.ts';
import { errorText, onLang, t } from './i18n.ts';
import type { Reply } from './seat.ts';
import { openShell } from './shell.ts';

const BJ = 8 * 3_600_000;
const TERMINAL = new Set(['closed', 'not_accepted']);
/** Store field path → the edit form's control. */
const EDIT_CONTROL: Record<string, string> = {
  categoryId: 'edit-category',
  'complainant.name': 'edit-name',
  'complainant.phone': 'edit-phone',
  'complainant.address': 'edit-address',
  callbackNumber: 'edit-callback',
  'business.name': 'edit-business',
  'business.address': 'edit-business-address',
  request: 'edit-request',
  facts: 'edit-facts',
};

let current: CaseRecord | null = null;
let ref: CaseReference = { categories: [], departments: [] };

/** A word of the dictionary, or the id itself when it has none (a store newer than the console). */
function word(group: string, id: string): string {
  const k = `${group}.${id}`;
  const s = t(k);
  return s === k ? id : s;
}

/** Beijing wall time, as the bureau reads deadlines: 2026-03-05 14:30. */
function when(ms: number): string {
  return new Date(ms + BJ).toISOString().slice(0, 16).replace('T', ' ');
}

const shell = openShell(() => {});

function caseButton(number: string, text: string, overdue = false): HTMLElement {
  return h('li', {}, h('button', { class: overdue ? 'overdue' : '', attrs: { type: 'button', 'data-number': number }, on: { click: () => void openCase(number) } }, text));
}

function fillList(id: string, items: HTMLElement[]): void {
  byId(id).replaceChildren(...(items.length ? items : [h('li', { class: 'hint' }, t('cases.none'))]));
}

const summaryLine = (c: CaseSummary): string => `${c.number} · ${t(`kind.${c.kind}`)} · ${t(`status.${c.status}`)}${c.complainant ? ` · ${c.complainant}` : ''}`;

async function refreshLists(): Promise<void> {
  if (!shell) return;
  const { seat, report } = shell;
  const hours = Number(byId<HTMLSelectElement>('due-within').value);
  const due = await seat.request('due', { withinMs: hours * 3_600_000 });
  if (!due.ok) return report(due);
  const items = (due.result as { items: { number: string; kind: string; dueAt: number; overdue: boolean }[] }).items;
  fillList('due-list', items.map((d) => caseButton(d.number, `${when(d.dueAt)} · ${d.number} · ${t(`deadline.${d.kind}`)}${d.overdue ? ` · ${t('cases.overdue')}` : ''}`, d.overdue)));
  const cb = await seat.request('callbacks', { limit: 100 });
  if (!cb.ok) return report(cb);
  fillList('callback-list', (cb.result as { cases: CaseSummary[] }).cases.map((c) => caseButton(c.number, summaryLine(c))));
}

async function openCase(number: string): Promise<void> {
  if (!shell) return;
  const r = await shell.seat.request('case-get', { number: number.trim() });
  if (!r.ok) return shell.report(r);
  show(r.result as CaseRecord);
  if (location.hash !== `#${current!.number}`) history.replaceState(null, '', `#${current!.number}`);
}

function fact(label: string, value: string | undefined, wide = false): HTMLElement[] {
  return value ? [h('dt', { class: wide ? 'wide' : '' }, label), h('dd', { class: wide ? 'wide' : '' }, value)] : [];
}

function show(c: CaseRecord): void {
  current = c;
  byId('case-pick').hidden = true;
  byId('case-body').hidden = false;
  setText(byId('case-number'), c.number);
  const badge = byId('case-status');
  badge.dataset.status = c.status;
  setText(badge, `${t(`status.${c.status}`)}${c.result ? ` · ${t(`result.${c.result}`)}` : ''}`);
  const deptName = (id: string) => ref.departments.find((d) => d.id === id)?.name ?? id;
  byId('case-facts').replaceChildren(
    ...fact(t('cases.kind'), t(`kind.${c.kind}`)),
    ...fact(t('cases.received'), when(c.receivedAt ?? c.createdAt)),
    ...fact(t('case.category'), categoryPath(ref.categories, c.categoryId)),
    ...fact(t('cases.agent'), c.agentId),
    ...fact(t('case.callerNumber'), c.callerNumber),
    ...fact(t('case.callback'), c.callbackNumber),
    ...fact(t('case.name'), c.anonymous ? t('case.anonymous') : [c.complainant?.name, c.complainant?.phone].filter(Boolean).join(' ')),
    ...fact(t('case.address'), c.complainant?.address),
    ...fact(t('case.business'), [c.business?.name, c.business?.address].filter(Boolean).join(' · '), true),
    ...fact(t('case.request'), c.request, true),
    ...fact(t('case.facts'), c.facts, true),
    ...fact(t('cases.departments'), c.dispatches.map((d) => `${deptName(d.departmentId)}${d.personInCharge ? `（${d.personInCharge}）` : ''}`).join('、'), true),
    ...fact(t('cases.deadlines'), c.deadlines.map((d) => `${t(`deadline.${d.kind}`)} ${when(d.dueAt)}${d.metAt ? ' ✓' : ''}${d.note ? ` ${d.note}` : ''}`).join('；'), true),
    ...fact(t('cases.missing'), c.missingFields.join(', '), true),
    ...fact(t('case.answer'), c.answer, true),
  );
  byId('case-finished').hidden = !TERMINAL.has(c.status);
  // The edit form holds the case as stored.
  const set = (id: string, v: string | undefined) => (byId<HTMLInputElement>(id).value = v ?? '');
  fillCategories(byId<HTMLSelectElement>('edit-category'), ref.categories, t('case.noCategory'), c.categoryId ?? '');
  set('edit-name', c.complainant?.name);
  set('edit-phone', c.complainant?.phone);
  set('edit-address', c.complainant?.address);
  set('edit-callback', c.callbackNumber);
  set('edit-business', c.business?.name);
  set('edit-business-address', c.business?.address);
  set('edit-request', c.request);
  set('edit-facts', c.facts);
  clearEditErrors();
  // Results that fit this kind (the store refuses the others).
  byId('act-result').replaceChildren(...(RESULTS_BY_KIND[c.kind] ?? []).map((r) => h('option', { attrs: { value: r } }, t(`result.${r}`))));
  // A deactivated department is no longer offered (a case already dispatched to it still shows it).
  byId('act-departments').replaceChildren(
    ...ref.departments.filter((d) => d.active !== false || c.dispatches.some((x) => x.departmentId === d.id)).map((d) =>
      h('label', {}, h('input', { attrs: { type: 'checkbox', value: d.id, ...(c.dispatches.some((x) => x.departmentId === d.id) ? { checked: '' } : {}) } }), ` ${d.name}${d.head ? `（${d.head}）` : ''}`),
    ),
  );
  setText(byId('act-error'), '');
  byId('case-history').replaceChildren(
    ...c.history.map((e) => h('li', {}, `${when(e.at)} · ${e.by} · ${word('action', e.action)}${e.from ? ` ${t(`status.${e.from}`)} → ` : ' → '}${t(`status.${e.to}`)}${e.note ? ` · ${e.note}` : ''}`)),
  );
  renderLetter(byId('letter'), c, ref.departments, categoryPath(ref.categories, c.categoryId), Date.now());
  renderCaseSheet(byId('case-sheet'), c, ref.departments, categoryPath(ref.categories, c.categoryId), Date.now());
}

// ---- changing the case ------------------------------------------------------

function clearEditErrors(): void {
  clearFieldErrors(byId('case-edit'), byId('edit-errors'));
}

/** The store's refusal: CASE_INVALID's errors beside the fields they name (its own sentences), anything else in the status line. */
function showEditErrors(r: Reply): void {
  clearEditErrors();
  const errors = fieldErrors(r);
  if (!errors.length) return shell?.report(r);
  shell?.say(errorText(r.code, r.message), true);
  markFieldErrors(errors, EDIT_CONTROL, byId('edit-errors'), 'field-error wide-all')?.focus();
}

/** What the edit form changes: the fields that differ from the case as stored. */
function changes(c: CaseRecord): Record<string, unknown> {
  const v = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const out: Record<string, unknown> = {};
  const text = (field: 'callbackNumber' | 'request' | 'facts' | 'categoryId', id: string) => {
    if (v(id) !== (c[field] ?? '')) out[field] = v(id);
  };
  text('categoryId', 'edit-category');
  text('callbackNumber', 'edit-callback');
  text('request', 'edit-request');
  text('facts', 'edit-facts');
  const person = { name: v('edit-name'), phone: v('edit-phone'), address: v('edit-address') };
  if (person.name !== (c.complainant?.name ?? '') || person.phone !== (c.complainant?.phone ?? '') || person.address !== (c.complainant?.address ?? '')) {
    out.complainant = person.address ? person : { name: person.name, phone: person.phone };
  }
  const biz = { name: v('edit-business'), address: v('edit-business-address') };
  if (biz.name !== (c.business?.name ?? '') || biz.address !== (c.business?.address ?? '')) out.business = biz;
  return out;
}

async function step(action: Record<string, unknown>): Promise<void> {
  if (!shell || !current) return;
  const note = byId<HTMLInputElement>('act-note').value.trim();
  if (note && action.type !== 'note' && action.note === undefined) action.note = note;
  const r = await shell.seat.request('case-action', { number: current.number, action: action as CaseAction as unknown as Record<string, unknown> });
  if (!r.ok) {
    // The store's own sentence: which step is not allowed from which status, or which field is wrong.
    setText(byId('act-error'), errorText(r.code, r.message));
    return shell.report(r);
  }
  byId<HTMLInputElement>('act-note').value = '';
  show(r.result as CaseRecord);
  shell.say(t('cases.done', { n: current.number, s: t(`status.${current.status}`) }));
  void refreshLists();
}

if (shell) {
  const { seat, session, say, report } = shell;
  byId('nav-supervisor').hidden = session.role === 'agent';
  byId<HTMLFormElement>('find-number-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const n = byId<HTMLInputElement>('find-number').value.trim();
    if (n) void openCase(n);
  });
  byId<HTMLFormElement>('find-caller-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const callerNumber = byId<HTMLInputElement>('find-caller').value.trim();
    if (!callerNumber) return;
    const r = await seat.request('case-search', { query: { callerNumber, limit: 50 } });
    if (!r.ok) return report(r);
    const cases = (r.result as { cases: CaseSummary[] }).cases;
    fillList('found-list', cases.map((c) => caseButton(c.number, summaryLine(c))));
    say(t('cases.found', { n: cases.length }));
  });
  byId('lists-refresh').addEventListener('click', () => void refreshLists());
  byId('due-within').addEventListener('change', () => void refreshLists());

  byId<HTMLFormElement>('case-edit').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!current) return;
    const fields = changes(current);
    if (Object.keys(fields).length === 0) return;
    const r = await seat.request('case-update', { number: current.number, fields });
    if (!r.ok) return showEditErrors(r);
    show(r.result as CaseRecord);
    say(t('cases.saved', { n: current.number }));
  });

  const note = () => byId<HTMLInputElement>('act-note').value.trim();
  const actions: Record<string, () => Record<string, unknown> | null> = {
    'act-accept': () => ({ type: 'accept' }),
    'act-not-accept': () => ({ type: 'not_accept', reason: byId<HTMLInputElement>('act-reason').value.trim() }),
    'act-dispatch': () => ({ type: 'dispatch', departments: [...byId('act-departments').querySelectorAll<HTMLInputElement>('input:checked')].map((x) => ({ departmentId: x.value })).filter((d) => !current?.dispatches.some((x) => x.departmentId === d.departmentId)) }),
    'act-mediate': () => ({ type: 'start_mediation' }),
    'act-verify': () => ({ type: 'start_verification' }),
    'act-close': () => {
      const answer = byId<HTMLInputElement>('act-answer').value.trim();
      return { type: 'close', result: byId<HTMLSelectElement>('act-result').value as CaseResult, ...(answer ? { answer } : {}) };
    },
    'act-callback': () => ({ type: 'callback_done' }),
    'act-note-add': () => ({ type: 'note', text: note() }),
  };
  for (const [id, make] of Object.entries(actions)) byId(id).addEventListener('click', () => {
    const a = make();
    if (a) void step(a);
  });

  byId('reminder-set').addEventListener('click', async () => {
    if (!current) return;
    const at = byId<HTMLInputElement>('reminder-at').value; // YYYY-MM-DDTHH:MM, Beijing
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(at);
    if (!m) return byId('reminder-at').focus();
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - BJ;
    const text = byId<HTMLInputElement>('reminder-note').value.trim();
    const r = await seat.request('case-reminder', { number: current.number, at: ms, ...(text ? { note: text } : {}) });
    if (!r.ok) return report(r);
    show(r.result as CaseRecord);
    say(t('cases.done', { n: current.number, s: t('deadline.reminder') }));
    void refreshLists();
  });
  // The letter is rendered with the case; printing shows it alone (cases.css @media print).
  // The 受理单 likewise; body[data-print] says which of the two goes on paper.
  const print = (what: 'letter' | 'sheet') => {
    document.body.dataset.print = what;
    window.print();
  };
  byId('letter-print').addEventListener('click', () => print('letter'));
  byId('sheet-print').addEventListener('click', () => print('sheet'));

  shell.onOnline(async () => {
    ref = (await caseReference(seat)) ?? ref;
    void refreshLists();
    const wanted = current?.number ?? decodeURIComponent(location.hash.slice(1));
    if (/^\d{14}$/.test(wanted)) void openCase(wanted);
  });
  onLang(() => {
    if (current) show(current);
    void refreshLists();
  });
}
