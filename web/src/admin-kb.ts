// The admin page's knowledge base: every entry (`admin-kb-list`) or those a
// search finds (`kb-search`, the agents' own search), and the edit form
// (`admin-kb-put`: the store's checks, a menu code must be free). An entry
// saved is what agents find at once.
import type { KnowledgeEntry } from '../../src/cases/types.ts';
import { editForm } from './admin-form.ts';
import { byId, h } from './dom.ts';
import { t } from './i18n.ts';
import type { Shell } from './shell.ts';

export function openKb(s: Shell): { load(): Promise<void> } {
  const form = editForm({
    form: byId<HTMLFormElement>('kb-form'),
    draftKey: `${s.session.agentId}.admin.kb`,
    errors: byId('kb-errors'),
    controls: { id: 'kb-id', category: 'kb-category', title: 'kb-title', text: 'kb-text', menuCode: 'kb-menu', promptFile: 'kb-prompt' },
    send: (f) =>
      s.seat.request('admin-kb-put', {
        entry: { id: f.id.trim(), category: f.category, title: f.title, text: f.text, ...(f.menuCode ? { menuCode: f.menuCode.trim() } : {}), ...(f.promptFile ? { promptFile: f.promptFile.trim() } : {}) },
      }),
    done: (r) => {
      s.say(t('adm.saved', { what: (r.result as { entry: KnowledgeEntry }).entry.id }));
      void load();
    },
    say: s.say,
  });
  const draw = (entries: KnowledgeEntry[]) => {
    const admin = s.session.role === 'admin';
    byId('kb-list').replaceChildren(
      ...(entries.length
        ? entries.map((e) =>
            h(
              'li',
              { attrs: { 'data-kb': e.id } },
              h('strong', {}, e.title),
              h('span', {}, `${t(`kbcat.${e.category}`)}${e.menuCode ? ` · ${e.menuCode}` : ''}`),
              h('span', { class: 'kb-text' }, e.text),
              admin
                ? h('button', { attrs: { type: 'button', 'aria-label': `${t('adm.edit')} ${e.id}` }, on: { click: () => form.fill({ id: e.id, category: e.category, title: e.title, text: e.text, menuCode: e.menuCode ?? '', promptFile: e.promptFile ?? '' }) } }, t('adm.edit'))
                : null,
            ),
          )
        : [h('li', {}, t('adm.kbNone'))]),
    );
  };
  const load = async () => {
    const words = byId<HTMLInputElement>('kb-words').value.trim();
    const r = words ? await s.seat.request('kb-search', { words, limit: 50 }) : await s.seat.request('admin-kb-list', {});
    if (!r.ok) return s.report(r);
    draw((r.result as { entries: KnowledgeEntry[] }).entries);
  };
  byId('kb-find').addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  return { load };
}
