// One admin edit form: what is typed is kept as a draft (localStorage, per
// admin and form: a reload or a dropped socket loses nothing; a password is
// never kept), sent with its seat message, and a refusal is shown beside the
// field it names (the server's `details.field`, or the per-field list of
// CASE_INVALID), in the server's own sentence with its code; the form keeps
// what was typed. Only a success clears the draft.
import { dropDraft, keepDrafts, readForm, fillForm } from './drafts.ts';
import { clearFieldErrors, fieldErrors, markFieldErrors, type FieldError } from './field-errors.ts';
import { errorText } from './i18n.ts';
import type { Reply } from './seat.ts';

export interface EditForm {
  /** Puts a record into the form (an edit button), replacing the draft. */
  fill(fields: Record<string, string>): void;
  clear(): void;
}

export interface EditFormOptions {
  form: HTMLFormElement;
  /** Distinct per admin and form. */
  draftKey: string;
  /** The general error list. */
  errors: HTMLElement;
  /** Server field name → control id. */
  controls: Record<string, string>;
  send(fields: Record<string, string>): Promise<Reply>;
  done(r: Reply): void;
  /** The status line (refusals are read out there too). */
  say(text: string, isError?: boolean): void;
}

/** The refusal as field errors: `details.field` (store, calendar, ACD checks) or CASE_INVALID's list. */
function asFieldErrors(r: Reply): FieldError[] {
  const list = fieldErrors(r);
  if (list.length) return list;
  const field = (r.details as { field?: unknown } | undefined)?.field;
  return [{ field: typeof field === 'string' ? field : '', code: r.code ?? '', message: r.message ?? '' }];
}

export function editForm(o: EditFormOptions): EditForm {
  const save = () => o.form.dispatchEvent(new Event('input'));
  keepDrafts(o.form, o.draftKey, () => {});
  o.form.addEventListener('reset', () => {
    // After the browser has reset the controls: the empty form is the draft.
    setTimeout(() => {
      clearFieldErrors(o.form, o.errors);
      save();
    });
  });
  o.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(o.form, o.errors);
    const r = await o.send(readForm(o.form));
    if (!r.ok) {
      const first = markFieldErrors(asFieldErrors(r), o.controls, o.errors);
      o.say(errorText(r.code, r.message), true);
      first?.focus();
      return;
    }
    dropDraft(o.draftKey);
    o.done(r);
  });
  return {
    fill(fields) {
      clearFieldErrors(o.form, o.errors);
      fillForm(o.form, fields);
      save();
    },
    clear() {
      o.form.reset();
    },
  };
}
