// The case form (受理单): the five kinds as the case store takes them
// (src/cases/types.ts CreateCaseInput), drafts kept as typed, `case-create`
// over the seat, and the store's own refusal shown beside each field: the
// seat replies CASE_INVALID with details.errors [{ field, code, message }],
// the same sentences the CLI prints. The screen pop (on an offer, or looked
// up by hand) fills what the agent has not typed and lists the caller's
// history; the knowledge base answers consultations.
import type { ScreenPop } from '../../src/seats/protocol.ts';
import { byId, h, setText } from './dom.ts';
import { dropDraft, fillForm, keepDrafts, readForm, saveDraft, type Draft } from './drafts.ts';
import { caseReference, fillCategories } from './case-reference.ts';
import { clearFieldErrors, fieldErrors, markFieldErrors } from './field-errors.ts';
import { onLang, t } from './i18n.ts';
import type { Reply } from './seat.ts';
import type { Shell } from './shell.ts';

/** Store field path → the form control that holds it. */
const FIELD_CONTROL: Record<string, string> = {
  kind: 'case-kind',
  callerNumber: 'case-caller',
  callbackNumber: 'case-callback',
  anonymous: 'case-anonymous',
  'complainant.name': 'case-name',
  'complainant.phone': 'case-phone',
  'complainant.address': 'case-address',
  'business.name': 'case-business',
  'business.address': 'case-business-address',
  request: 'case-request',
  facts: 'case-facts',
  answer: 'case-answer',
  answerLater: 'case-answer-later',
  categoryId: 'case-category',
};

/** The form's fields as the store's case input; empty text is left out (the store says what is missing). */
export function caseFields(f: Record<string, string>): Record<string, unknown> {
  const opt = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);
  const out: Record<string, unknown> = {
    kind: f.kind,
    callerNumber: opt(f.callerNumber),
    callbackNumber: opt(f.callbackNumber),
    request: opt(f.request),
    facts: opt(f.facts),
    callId: opt(f.callId),
    categoryId: opt(f.categoryId),
  };
  if (f.anonymous === 'true') out.anonymous = true;
  if (f.kind === 'consultation') {
    if (f.answerLater === 'true') out.answerLater = true;
    else out.answer = opt(f.answer);
  }
  if (opt(f.name) || opt(f.phone) || opt(f.address)) out.complainant = { name: f.name?.trim() ?? '', phone: f.phone?.trim() ?? '', address: opt(f.address) };
  if (opt(f.business) || opt(f.businessAddress)) out.business = { name: f.business?.trim() ?? '', address: f.businessAddress?.trim() ?? '' };
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

export function openCaseForm(shell: Shell): void {
  const { seat, session, say, report } = shell;
  const form = byId<HTMLFormElement>('case-form');
  const saved = byId('case-saved');
  const general = byId('case-errors');
  const showSaved = (d: Draft) => setText(saved, d.queued ? t('case.queued') : d.savedAt ? t('case.saved', { t: new Date(d.savedAt).toLocaleTimeString() }) : '');
  const draft = keepDrafts(form, session.agentId, showSaved);
  const showKind = () => {
    const consult = byId<HTMLSelectElement>('case-kind').value === 'consultation';
    for (const el of form.querySelectorAll<HTMLElement>('.consult-only')) el.hidden = !consult;
  };
  showSaved(draft);
  showKind();
  byId('case-kind').addEventListener('change', showKind);
  onLang(() => showSaved(draft));

  const clearErrors = () => clearFieldErrors(form, general);
  const showErrors = (r: Reply) => {
    clearErrors();
    const errors = fieldErrors(r);
    if (errors.length === 0) return report(r);
    say(`${t('case.invalid', { n: errors.length })} (${r.code})`, true);
    markFieldErrors(errors, FIELD_CONTROL, general)?.focus();
  };
  const reset = () => {
    form.reset();
    dropDraft(session.agentId);
    Object.assign(draft, { fields: {}, savedAt: 0, queued: false });
    clearErrors();
    showKind();
    showSaved(draft);
  };

  const submit = async () => {
    draft.fields = readForm(form);
    draft.queued = !seat.online;
    saveDraft(session.agentId, draft);
    showSaved(draft);
    if (draft.queued) return;
    const r = await seat.request('case-create', { fields: caseFields(draft.fields) });
    if (!r.ok) return showErrors(r);
    const number = (r.result as { number?: string } | undefined)?.number ?? '';
    reset();
    say(t('case.created', { n: number }));
    // The case just registered, one click from its case screen (cases.html).
    byId('case-last').replaceChildren(h('a', { attrs: { href: `/cases.html#${number}` } }, number));
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  byId('case-clear').addEventListener('click', reset);
  // The 受理单 on paper (or PDF): the print stylesheet leaves the form alone on the page.
  byId('case-print').addEventListener('click', () => window.print());
  // Submitted while offline: sent once the seat is back.
  shell.onOnline(() => draft.queued && void submit());
  // The configured category tree (the store refuses an id it doesn't have); a draft's choice is kept.
  const category = byId<HTMLSelectElement>('case-category');
  const categories = async () => {
    const ref = await caseReference(seat);
    if (ref) fillCategories(category, ref.categories, t('case.noCategory'), category.value || (draft.fields.categoryId ?? ''));
  };
  shell.onOnline(() => void categories());
  onLang(() => void categories());

  // The caller's history: from a screen-pop event on an offer, or looked up by hand.
  const showPop = (p: ScreenPop, fill: boolean) => {
    const list = byId('history');
    const items = p.history.map((x) =>
      h('li', {}, new Date(x.at).toLocaleString(), ' · ', x.type === 'case' ? `${t(`kind.${x.kind ?? ''}`)} ${x.number ?? ''} ${x.status ?? ''}` : `${t('history.call')} ${x.outcome ?? ''} ${x.agentId ?? ''}`),
    );
    list.replaceChildren(...(items.length ? items : [h('li', {}, t('history.none'))]));
    if (!fill) return;
    // Never overwrite what the agent typed: fill the empty fields only.
    const now = readForm(form);
    const pre: Record<string, string> = {
      kind: p.form.kind,
      callerNumber: p.form.callerNumber ?? '',
      callbackNumber: p.form.callbackNumber ?? '',
      name: p.form.complainant?.name ?? '',
      phone: p.form.complainant?.phone ?? '',
      address: p.form.complainant?.address ?? '',
      callId: p.form.callId ?? '',
    };
    const blank = Object.entries(now).every(([k, v]) => k === 'kind' || !v);
    const fills = Object.fromEntries(Object.entries(pre).filter(([k, v]) => v && (k === 'kind' ? blank : !now[k])));
    fillForm(form, fills);
    form.dispatchEvent(new Event('change'));
    showKind();
  };
  shell.onEvent('screen-pop', (d) => showPop(d as ScreenPop, true));
  byId('history-lookup').addEventListener('click', async () => {
    const callerNumber = byId<HTMLInputElement>('case-caller').value.trim();
    const r = await seat.request('screen-pop', callerNumber ? { callerNumber } : {});
    if (r.ok) showPop(r.result as ScreenPop, false);
    else report(r);
  });

  // Knowledge base (政策法规, 办事指南 …) for consultations.
  byId<HTMLFormElement>('kb-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const words = byId<HTMLInputElement>('kb-words').value.trim();
    if (!words) return;
    const r = await seat.request('kb-search', { words, limit: 10 });
    if (!r.ok) return report(r);
    const entries = (r.result as { entries: { id: string; title: string; text: string }[] }).entries;
    byId('kb-results').replaceChildren(...(entries.length ? entries.map((x) => h('li', {}, h('strong', {}, x.title), ' ', x.text)) : [h('li', {}, t('kb.none'))]));
  });
}
