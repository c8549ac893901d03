// Case messages of the seat protocol (the block "cases, caller history,
// knowledge base" of protocol.ts): each goes to the case store's own
// validation and workflow, so a refusal carries the store's code and
// sentence (CASE_INVALID with details.errors, CASE_TRANSITION_ILLEGAL …) and
// stores nothing. This file adds only who may do what (see protocol.ts):
// reads are open to every role; an agent changes his own and unowned cases
// (note and callback_done on any); supervisors and admins change all.
import type { CallLog, CallRecord, CaseAction, CaseQuery, CaseRecord, CaseRecords, CaseUpdate, CreateCaseInput, KnowledgeBase, KnowledgeCategory, KnowledgeEntry } from '../cases/types.ts';
import { CaseErrors, caseError } from '../cases/errors.ts';
import { TERMINAL } from '../cases/workflow.ts';
import type { Session } from './auth.ts';
import { seatError } from './errors.ts';
import type { ClientMessage } from './protocol.ts';
import { buildScreenPop, caseSummary } from './screen-pop.ts';

/** The store's parts the seat uses (LmdbCaseStore has them). */
export type SeatCaseStore = Pick<CaseRecords, 'createCase' | 'getCase' | 'updateCase' | 'transition' | 'setReminder' | 'searchCases' | 'callerHistory' | 'dueItems' | 'callbackList'> &
  Pick<KnowledgeBase, 'listKnowledge'> &
  Pick<CallLog, 'getCallRecord'>;

type CaseMessage = Extract<ClientMessage, { type: (typeof CASE_TYPES)[number] }>;

export const CASE_TYPES = ['case-create', 'case-get', 'case-update', 'case-action', 'case-reminder', 'case-search', 'caller-history', 'kb-search', 'answer-later', 'callbacks', 'due', 'screen-pop'] as const;
const CASE_TYPE_SET = new Set<string>(CASE_TYPES);

export function isCaseMessage(m: ClientMessage): m is CaseMessage {
  return CASE_TYPE_SET.has(m.type);
}

/** Actions an agent may take on a case that is not his: they change no status of someone else's work. */
const ANYONE_ACTIONS = new Set(['note', 'callback_done']);
const MAX_SEARCH = 100;

function isSupervisor(s: Session): boolean {
  return s.role === 'supervisor' || s.role === 'admin';
}

/** An agent changes the cases he registered and the unowned ones (IVR, web, letters). */
function mayChange(s: Session, rec: CaseRecord): boolean {
  return isSupervisor(s) || rec.agentId === undefined || rec.agentId === s.agentId;
}

async function owned(store: SeatCaseStore, s: Session, number: string, what: string, anyone = false): Promise<void> {
  const rec = await store.getCase(number);
  if (!rec) return; // the store's own call refuses with CASE_NOT_FOUND
  if (!anyone && !mayChange(s, rec)) {
    throw seatError('SEAT_FORBIDDEN', `case ${rec.number} was registered by agent ${rec.agentId}: an agent may ${what} his own cases and unowned ones only`, { number: rec.number });
  }
}

/** Carries out a case message for a checked session; the result is the reply's. */
export async function runCaseMessage(store: SeatCaseStore, s: Session, m: CaseMessage): Promise<unknown> {
  switch (m.type) {
    case 'case-create': {
      if (Object.prototype.hasOwnProperty.call(m.fields, 'agentId')) throw seatError('SEAT_BAD_MESSAGE', 'case-create: agentId is not a field: the case is registered in the name of the agent logged in');
      const input = { channel: 'hotline', ...m.fields, agentId: s.agentId } as CreateCaseInput;
      return store.createCase(input);
    }
    case 'case-get': {
      const rec = await store.getCase(m.number);
      if (!rec) throw caseError(CaseErrors.CASE_NOT_FOUND, `there is no case ${m.number}`, { number: m.number });
      return rec;
    }
    case 'case-update':
      await owned(store, s, m.number, 'update');
      return store.updateCase(m.number, m.fields as CaseUpdate, s.agentId);
    case 'case-action': {
      const type = m.action.type;
      await owned(store, s, m.number, `take the step '${typeof type === 'string' ? type : '?'}' on`, typeof type === 'string' && ANYONE_ACTIONS.has(type));
      return store.transition(m.number, m.action as unknown as CaseAction, s.agentId);
    }
    case 'case-reminder':
      await owned(store, s, m.number, 'set reminders on');
      return store.setReminder(m.number, m.at, s.agentId, m.note);
    case 'case-search': {
      const q = m.query as CaseQuery;
      if (q.limit !== undefined && (typeof q.limit !== 'number' || q.limit > MAX_SEARCH)) throw seatError('SEAT_BAD_MESSAGE', `case-search: limit is at most ${MAX_SEARCH} over the seat socket`);
      const cases = await store.searchCases({ limit: 50, ...q });
      return { cases: cases.map(caseSummary) };
    }
    case 'caller-history': {
      const items = await store.callerHistory(m.callerNumber, m.limit ?? 50);
      const cases = await store.searchCases({ callerNumber: m.callerNumber, limit: 100 });
      // His earlier calls in full: IVR path, queue wait, who answered, recordings, outcome.
      const calls: CallRecord[] = [];
      for (const i of items) {
        const c = i.type === 'call' ? await store.getCallRecord(i.callId) : null;
        if (c) calls.push(c);
      }
      return { items, openCases: cases.filter((r) => !TERMINAL.has(r.status)).map(caseSummary), calls };
    }
    case 'kb-search':
      return { entries: searchKnowledge(await store.listKnowledge(m.category as KnowledgeCategory | undefined), m.words, m.limit ?? 20) };
    case 'answer-later': {
      const input: CreateCaseInput = { kind: 'consultation', channel: 'hotline', answerLater: true, facts: m.question, callbackNumber: m.callbackNumber, agentId: s.agentId };
      if (m.callerNumber !== undefined) input.callerNumber = m.callerNumber;
      if (m.name !== undefined) input.complainant = { name: m.name, phone: m.callbackNumber };
      if (m.categoryId !== undefined) input.categoryId = m.categoryId;
      if (m.callId !== undefined) input.callId = m.callId;
      return store.createCase(input);
    }
    case 'callbacks': {
      // Read a little more than asked: an agent's list drops other agents' cases.
      const all = await store.callbackList(isSupervisor(s) ? (m.limit ?? 100) : 1000);
      const mine = isSupervisor(s) ? all : all.filter((r) => mayChange(s, r));
      return { cases: mine.slice(0, m.limit ?? 100).map(caseSummary) };
    }
    case 'due': {
      if (!isSupervisor(s) && m.agentId !== undefined && m.agentId !== s.agentId) throw seatError('SEAT_FORBIDDEN', `'due' for agent ${m.agentId}: an agent sees his own deadlines`);
      const agentId = isSupervisor(s) ? m.agentId : s.agentId;
      const items = await store.dueItems({ ...(m.withinMs !== undefined ? { withinMs: m.withinMs } : {}), ...(agentId ? { agentId } : {}), ...(m.departmentId ? { departmentId: m.departmentId } : {}) });
      return { items };
    }
    case 'screen-pop':
      return buildScreenPop(store, { callerNumber: m.callerNumber, calledNumber: m.calledNumber, ivrPath: m.ivrPath, ivrVars: m.ivrVars });
  }
}

/**
 * Knowledge entries whose title or text holds every word (case-insensitive;
 * Chinese by substring, so 退货 finds 七日无理由退货), title hits first,
 * then by title. The knowledge base is small (hundreds of entries): a scan.
 */
export function searchKnowledge(entries: readonly KnowledgeEntry[], words: string, limit: number): KnowledgeEntry[] {
  const ws = words.toLowerCase().split(/[\s,，、;；]+/u).filter(Boolean);
  if (ws.length === 0) return [];
  const hits: { e: KnowledgeEntry; inTitle: number }[] = [];
  for (const e of entries) {
    const title = e.title.toLowerCase();
    const all = `${title}\n${e.text.toLowerCase()}`;
    if (!ws.every((w) => all.includes(w))) continue;
    hits.push({ e, inTitle: ws.filter((w) => title.includes(w)).length });
  }
  hits.sort((a, b) => b.inTitle - a.inTitle || a.e.title.localeCompare(b.e.title, 'zh'));
  return hits.slice(0, limit).map((h) => h.e);
}
