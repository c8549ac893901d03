// The admin page's IVR flow: the flow in service as a list of its nodes in
// the order a caller meets them (each with where it leads), its text in an
// editor kept as a draft, a check by the engine's own flow loader
// (`admin-flow-check`) whose coded problems are listed with the line each
// names (a click selects the line), and save-and-reload (`admin-flow-save`):
// calls in progress keep the old flow, new calls take the new one.
import type { FlowNodeView, TextProblem } from '../../src/ivr/flow-types.ts';
import { dropDraft, keepDrafts } from './drafts.ts';
import { byId, h, setText } from './dom.ts';
import { errorText, t } from './i18n.ts';
import type { Reply } from './seat.ts';
import type { Shell } from './shell.ts';

interface FlowView {
  file: string;
  name: string;
  version: number;
  format: 'yaml' | 'json';
  text: string;
  nodes: FlowNodeView[];
  warnings: TextProblem[];
}

export function openFlow(s: Shell): { load(): Promise<void> } {
  const form = byId<HTMLFormElement>('flow-form');
  const text = byId<HTMLTextAreaElement>('flow-text');
  const format = byId<HTMLSelectElement>('flow-format');
  const draftKey = `${s.session.agentId}.admin.flow`;
  keepDrafts(form, draftKey, () => {});
  let running: FlowView | null = null;

  const selectLine = (line: number) => {
    const lines = text.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    text.focus();
    text.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };
  const problems = (list: TextProblem[], code: string | undefined, warnings: TextProblem[] = []) => {
    const item = (p: TextProblem, tag: string) =>
      h(
        'li',
        { attrs: p.line ? { 'data-line': String(p.line) } : {} },
        p.line ? h('button', { attrs: { type: 'button' }, on: { click: () => selectLine(p.line!) } }, t('adm.flowLine', { line: p.line })) : null,
        ` ${p.pointer || '/'}: ${p.message} (${tag})`,
      );
    byId('flow-problems').replaceChildren(...list.map((p) => item(p, code ?? '')), ...warnings.map((p) => item(p, `${t('adm.flowWarning')} IVR_FLOW_UNREACHABLE`)));
    if (list.length) text.setAttribute('aria-invalid', 'true');
    else text.removeAttribute('aria-invalid');
  };
  const nodes = (list: FlowNodeView[]) =>
    byId('flow-nodes').replaceChildren(
      ...list.map((n) => h('li', { attrs: { 'data-node': n.id } }, h('strong', {}, n.id), ' ', h('span', { class: 'type' }, n.type), n.to.length ? ` → ${n.to.map(([f, to]) => `${f}: ${to}`).join('，')}` : '', n.note ? ` · ${n.note}` : '')),
    );
  const showRunning = (v: FlowView, fillText: boolean) => {
    running = v;
    setText(byId('flow-info'), t('adm.flowInfo', { name: v.name, version: v.version, file: v.file }));
    nodes(v.nodes);
    if (fillText) {
      text.value = v.text;
      format.value = v.format;
      form.dispatchEvent(new Event('input'));
    }
  };
  const refused = (r: Reply) => {
    const list = (r.details as { problems?: TextProblem[] } | undefined)?.problems;
    problems(list ?? [{ pointer: '', message: r.message ?? '' }], r.code);
    s.say(errorText(r.code, r.message), true);
  };

  const load = async () => {
    const r = await s.seat.request('admin-flow', {});
    if (!r.ok) return s.report(r);
    // A draft being edited stays in the editor; an empty editor gets the running text.
    showRunning(r.result as FlowView, text.value.trim() === '');
  };
  byId('flow-revert').addEventListener('click', () => {
    if (running) showRunning(running, true);
    problems([], undefined);
  });
  byId('flow-check').addEventListener('click', async () => {
    const r = await s.seat.request('admin-flow-check', { text: text.value, format: format.value as 'yaml' | 'json' });
    if (!r.ok) return refused(r);
    const c = r.result as { ok: boolean; code?: string; problems: TextProblem[]; warnings: TextProblem[]; nodes?: FlowNodeView[] };
    problems(c.problems, c.code, c.warnings);
    if (c.ok) {
      if (c.nodes) nodes(c.nodes);
      s.say(t('adm.flowOk', { n: c.nodes?.length ?? 0 }));
    } else s.say(errorText(c.code, c.problems[0]?.message), true);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await s.seat.request('admin-flow-save', { text: text.value, format: format.value as 'yaml' | 'json' });
    if (!r.ok) return refused(r);
    const v = r.result as { name: string; version: number; warnings: TextProblem[] };
    problems([], undefined, v.warnings);
    dropDraft(draftKey);
    s.say(t('adm.flowReloaded', { name: v.name, version: v.version }));
    const again = await s.seat.request('admin-flow', {});
    if (again.ok) showRunning(again.result as FlowView, true);
  });
  return { load };
}
