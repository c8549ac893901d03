// Drafts of the case form in localStorage, one per agent id: every change is
// saved as it is typed, so a reload, a crashed tab or a dropped socket loses
// nothing. A submission made while the socket is down is marked `queued`
// and sent when the seat is back. The draft goes only when the server has
// registered the case.
export interface Draft {
  fields: Record<string, string>;
  /** UTC ms of the last save. */
  savedAt: number;
  /** Submitted while offline: send when the socket is back. */
  queued: boolean;
}

const key = (agentId: string) => `hotline.draft.${agentId}`;

export function loadDraft(agentId: string): Draft | null {
  try {
    const raw = localStorage.getItem(key(agentId));
    if (!raw) return null;
    const d = JSON.parse(raw) as Draft;
    return d && typeof d.fields === 'object' ? d : null;
  } catch {
    return null;
  }
}

export function saveDraft(agentId: string, d: Draft): void {
  localStorage.setItem(key(agentId), JSON.stringify(d));
}

export function dropDraft(agentId: string): void {
  localStorage.removeItem(key(agentId));
}

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function fieldsOf(form: HTMLFormElement): Field[] {
  return [...form.elements].filter((e): e is Field => (e instanceof HTMLInputElement || e instanceof HTMLSelectElement || e instanceof HTMLTextAreaElement) && e.name !== '');
}

/** Checkboxes read as 'true' or ''. */
export function readForm(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries(fieldsOf(form).map((f) => [f.name, f instanceof HTMLInputElement && f.type === 'checkbox' ? (f.checked ? 'true' : '') : f.value]));
}

/** Puts a draft back into the form (values: no markup is ever parsed). */
export function fillForm(form: HTMLFormElement, fields: Record<string, string>): void {
  for (const f of fieldsOf(form)) {
    const v = fields[f.name];
    if (typeof v !== 'string') continue;
    if (f instanceof HTMLInputElement && f.type === 'checkbox') f.checked = v === 'true';
    else f.value = v;
  }
}

/** Saves the form on every input; returns the draft as restored (or a new one). */
export function keepDrafts(form: HTMLFormElement, agentId: string, onSaved: (d: Draft) => void): Draft {
  const d = loadDraft(agentId) ?? { fields: {}, savedAt: 0, queued: false };
  fillForm(form, d.fields);
  const save = () => {
    d.fields = readForm(form);
    d.savedAt = Date.now();
    saveDraft(agentId, d);
    onSaved(d);
  };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  return d;
}
