// What the case screens choose from, asked once per page from the seat
// (`case-reference`): the configured category tree (the store's categoryId
// values) and the departments a case is dispatched to (执法调度).
import type { CategoryNode, Department } from '../../src/cases/types.ts';
import { h } from './dom.ts';
import type { Seat } from './seat.ts';

export interface CaseReference {
  categories: CategoryNode[];
  departments: Department[];
}

let asked: Promise<CaseReference | null> | null = null;

/** The lists, asked once (again after a failure, e.g. the seat was offline). */
export function caseReference(seat: Seat): Promise<CaseReference | null> {
  asked ??= seat.request('case-reference', {}).then((r) => {
    if (r.ok) return r.result as CaseReference;
    asked = null;
    return null;
  });
  return asked;
}

/** The tree depth first, each node with its depth and its path of names (商品 › 食品). */
export function flatten(tree: readonly CategoryNode[], depth = 0, path: string[] = []): { id: string; name: string; depth: number; path: string }[] {
  return tree.flatMap((n) => {
    const p = [...path, n.name];
    return [{ id: n.id, name: n.name, depth, path: p.join(' › ') }, ...flatten(n.children ?? [], depth + 1, p)];
  });
}

/** A category's path of names; the id itself when the tree doesn't know it (configuration changed since). */
export function categoryPath(tree: readonly CategoryNode[], id: string | undefined): string {
  if (!id) return '';
  return flatten(tree).find((c) => c.id === id)?.path ?? id;
}

/**
 * Fills a <select> with the tree, children indented under their parent (a
 * select has no nesting beyond one optgroup level), after a first empty
 * choice; `keep` stays selected when the tree has it.
 */
export function fillCategories(select: HTMLSelectElement, tree: readonly CategoryNode[], emptyText: string, keep: string): void {
  const opts = flatten(tree).map((c) => h('option', { attrs: { value: c.id, 'data-depth': String(c.depth), title: c.path } }, `${'\u3000'.repeat(c.depth)}${c.name}`));
  select.replaceChildren(h('option', { attrs: { value: '' } }, emptyText), ...opts);
  select.value = flatten(tree).some((c) => c.id === keep) ? keep : '';
}
