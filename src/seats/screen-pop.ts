// The screen pop (来电弹屏): what an agent's screen shows when a call is
// offered to him: the caller's earlier cases and calls (by his number), his
// open cases, the case whose number he keyed in the IVR, and a case form
// pre-filled with what is known (kind guessed from the IVR, his number as
// contact, his name and address from his latest case).
//
// The call layer calls `buildScreenPop` on each offer and sends the result
// as the `screen-pop` event to the offered agent's seats, after the `offer`
// event: the offer must never wait for the store. Only reads; it rejects
// only when the store itself fails (CASE_STORE_CLOSED …). Bad input (a
// withheld number, a mistyped case number) gives an emptier pop, never an
// error.
import { validateCaseNumber } from '../cases/number.ts';
import type { CaseKind, CaseQuery, CaseRecord, HistoryItem } from '../cases/types.ts';
import { CASE_KINDS } from '../cases/types.ts';
import { TERMINAL } from '../cases/workflow.ts';
import type { CaseSummary, ScreenPop } from './protocol.ts';

/** The reads the pop needs (LmdbCaseStore has them). */
export interface ScreenPopStore {
  callerHistory(callerNumber: string, limit?: number): Promise<HistoryItem[]>;
  searchCases(query: CaseQuery): Promise<CaseRecord[]>;
  getCase(number: string): Promise<CaseRecord | null>;
}

export interface ScreenPopInput {
  /** Caller id; null/undefined/'' when withheld. */
  callerNumber?: string | null;
  /** The number he dialled (12315, a department's line …). */
  calledNumber?: string | null;
  /** IVR node ids passed, in order (the call record's ivrPath). */
  ivrPath?: readonly string[];
  /** IVR variables: what he keyed (queryNumber, caseNumber, kind …). */
  ivrVars?: Readonly<Record<string, string>>;
  /** The call's id: the form carries it, so the case links to the call and its recording. */
  callId?: string;
}

export interface KindRule {
  /** Matched against each IVR node id of the path; the last node that matches decides. */
  node: RegExp;
  kind: CaseKind;
}

/** Node ids of src/ivr/flows/12315.yaml: 2-1 complaint, 2-2 report, 4 consultation, 1 mailbox. */
export const DEFAULT_KIND_RULES: readonly KindRule[] = [
  { node: /^kind_report$/, kind: 'report' },
  { node: /^(kind_complaint|complaint)/, kind: 'complaint' },
  { node: /^consult/, kind: 'consultation' },
  { node: /^mailbox/, kind: 'mailbox' },
];

export interface ScreenPopOptions {
  /** History items (cases and calls) at most (default 20). */
  historyLimit?: number;
  kindRules?: readonly KindRule[];
  /** IVR variables holding a keyed case number, first found wins (default queryNumber, caseNumber). */
  caseNumberVars?: readonly string[];
  /** Kind when nothing points to one (default complaint: most 12315 calls are complaints). */
  defaultKind?: CaseKind;
}

/** A case as a list shows it. */
export function caseSummary(r: CaseRecord): CaseSummary {
  const s: CaseSummary = { number: r.number, kind: r.kind, status: r.status, createdAt: r.createdAt, callbackPending: r.callbackPending, missingFields: r.missingFields };
  if (r.result) s.result = r.result;
  if (r.agentId) s.agentId = r.agentId;
  if (r.complainant?.name) s.complainant = r.complainant.name;
  if (r.business?.name) s.business = r.business.name;
  return s;
}

/** Builds the pop for one offered call. */
export async function buildScreenPop(store: ScreenPopStore, input: ScreenPopInput, o: ScreenPopOptions = {}): Promise<ScreenPop> {
  const caller = typeof input.callerNumber === 'string' && input.callerNumber.trim() !== '' ? input.callerNumber.trim() : null;
  const ivrPath = [...(input.ivrPath ?? [])];
  const ivrVars = { ...(input.ivrVars ?? {}) };
  let history: HistoryItem[] = [];
  let cases: CaseRecord[] = [];
  if (caller) {
    history = await store.callerHistory(caller, o.historyLimit ?? 20);
    cases = await store.searchCases({ callerNumber: caller, limit: 100 });
  }
  const openCases = cases.filter((r) => !TERMINAL.has(r.status)).map(caseSummary);

  let enteredCase: CaseRecord | null = null;
  let enteredCaseError: string | undefined;
  const keyed = (o.caseNumberVars ?? ['queryNumber', 'caseNumber']).map((k) => ivrVars[k]).find((v) => typeof v === 'string' && v !== '');
  if (keyed !== undefined) {
    const chk = validateCaseNumber(keyed);
    if (!chk.ok) enteredCaseError = chk.code;
    else {
      enteredCase = await store.getCase(chk.number);
      if (!enteredCase) enteredCaseError = 'CASE_NOT_FOUND';
    }
  }

  // The kind: what the caller chose in the IVR beats what he passed through,
  // which beats the kind of the case he keyed (he may call about a new matter).
  let kind: CaseKind = o.defaultKind ?? 'complaint';
  let kindFrom: ScreenPop['kindFrom'] = 'default';
  const fromPath = lastRuleKind(ivrPath, o.kindRules ?? DEFAULT_KIND_RULES);
  if ((CASE_KINDS as readonly string[]).includes(ivrVars.kind)) {
    kind = ivrVars.kind as CaseKind;
    kindFrom = 'ivr-var';
  } else if (fromPath) {
    kind = fromPath;
    kindFrom = 'ivr-path';
  } else if (enteredCase) {
    kind = enteredCase.kind;
    kindFrom = 'entered-case';
  }

  const form: ScreenPop['form'] = { kind, channel: 'hotline' };
  if (caller) {
    form.callerNumber = caller;
    form.callbackNumber = caller;
    // His name and address as he gave them last time on this number (newest first).
    const last = cases.find((r) => r.complainant?.phone === caller && r.complainant.name)?.complainant;
    if (last) form.complainant = { name: last.name, phone: caller, ...(last.address ? { address: last.address } : {}) };
  }
  if (input.callId) form.callId = input.callId;

  const pop: ScreenPop = {
    callerNumber: caller,
    calledNumber: typeof input.calledNumber === 'string' && input.calledNumber !== '' ? input.calledNumber : null,
    ivrPath,
    ivrVars,
    history: history.map((h) => ({ ...h })),
    openCases,
    enteredCase: enteredCase ? caseSummary(enteredCase) : null,
    kindFrom,
    form,
  };
  if (enteredCaseError) pop.enteredCaseError = enteredCaseError;
  return pop;
}

function lastRuleKind(path: readonly string[], rules: readonly KindRule[]): CaseKind | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const hit = rules.find((r) => r.node.test(path[i]));
    if (hit) return hit.kind;
  }
  return null;
}
