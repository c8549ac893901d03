// The case store's refusal of a form, beside the fields it names: CASE_INVALID
// carries details.errors [{ field, code, message }] with the store's own
// sentences (the CLI prints the same). Each named control is marked
// (aria-invalid, aria-describedby) with the sentence after it; errors of
// fields the form has no control for go in a general list. Used by the case
// form (受理单) and the case screens' edit form.
import { h } from './dom.ts';
import type { Reply } from './seat.ts';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The per-field errors of a reply (none unless CASE_INVALID lists some). */
export function fieldErrors(r: Reply): FieldError[] {
  const list = (r.details as { errors?: FieldError[] } | undefined)?.errors ?? [];
  return r.code === 'CASE_INVALID' ? list.filter((e) => e && typeof e.field === 'string') : [];
}

/** Marks the controls (store field path → control id); returns the first control marked, to focus. */
export function markFieldErrors(errors: readonly FieldError[], controls: Record<string, string>, general: HTMLElement, noteClass = 'field-error'): HTMLElement | null {
  let first: HTMLElement | null = null;
  for (const e of errors) {
    const control = controls[e.field] ? document.getElementById(controls[e.field]) : null;
    // The store's own sentence, with the field it names.
    const text = `${e.field}: ${e.message} (${e.code})`;
    if (!control) {
      general.append(h('li', {}, text));
      continue;
    }
    const note = h('span', { class: noteClass, id: `${control.id}-error` }, text);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', note.id);
    control.after(note);
    first ??= control;
  }
  return first;
}

/** Removes what markFieldErrors added under root. */
export function clearFieldErrors(root: HTMLElement, general: HTMLElement): void {
  general.replaceChildren();
  for (const el of root.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  for (const el of root.querySelectorAll('.field-error')) el.remove();
}
