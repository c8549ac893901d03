// The case workflow as pure functions: a record and an action in, the next
// record out (with its history entry and deadlines), or a clear refusal. The
// store writes the result, its indexes and counters in one transaction.
//
//   registered ──accept──► accepted ──dispatch──► dispatched ──start_mediation──► mediation ──close──► closed
//       │                     │                      │     └──start_verification─► verification ─close─┘
//       ├──not_accept──► not_accepted (terminal)     └──dispatch (add departments)
//       └──close (consultation / suggestion / mailbox answered at once)
import type { BureauCalendar } from './calendar.ts';
import { CaseErrors, caseError } from './errors.ts';
import { nearestField, short } from './validate.ts';
import {
  CASE_RESULTS,
  RESULTS_BY_KIND,
  type CaseAction,
  type CaseKind,
  type CaseRecord,
  type CaseResult,
  type CaseStatus,
  type CreateCaseInput,
  type Deadline,
  type DeadlineConfig,
} from './types.ts';

export const TERMINAL: ReadonlySet<CaseStatus> = new Set<CaseStatus>(['closed', 'not_accepted']);

// Results that fit each kind of case: types.ts (the web console's close form reads it too).
export { RESULTS_BY_KIND };

export interface WorkflowEnv {
  calendar: BureauCalendar;
  deadlines: DeadlineConfig;
  now: number;
}

export function newCaseRecord(input: CreateCaseInput, number: string, missing: string[], env: WorkflowEnv): CaseRecord {
  const now = env.now;
  const receivedAt = input.receivedAt ?? now;
  const by = input.agentId ?? (input.channel === 'ivr' ? 'ivr' : 'system');
  const answer = input.answer;
  // Built field by field in one fixed order: one object shape for V8 and one
  // msgpack record structure in the store (object rest/spread was 10 µs here).
  const rec = { kind: input.kind, channel: input.channel } as CaseRecord;
  if (input.callerNumber !== undefined) rec.callerNumber = input.callerNumber;
  if (input.callbackNumber !== undefined) rec.callbackNumber = input.callbackNumber;
  if (input.complainant !== undefined) rec.complainant = input.complainant;
  if (input.business !== undefined) rec.business = input.business;
  if (input.anonymous !== undefined) rec.anonymous = input.anonymous;
  if (input.request !== undefined) rec.request = input.request;
  if (input.facts !== undefined) rec.facts = input.facts;
  if (input.categoryId !== undefined) rec.categoryId = input.categoryId;
  if (input.agentId !== undefined) rec.agentId = input.agentId;
  if (input.recordingIds !== undefined) rec.recordingIds = input.recordingIds;
  if (input.attachments !== undefined) rec.attachments = input.attachments;
  if (input.answerLater !== undefined) rec.answerLater = input.answerLater;
  if (input.callId !== undefined) rec.callId = input.callId;
  rec.number = number;
  rec.receivedAt = receivedAt;
  rec.status = 'registered';
  rec.dispatches = [];
  rec.deadlines = [];
  rec.history = [{ at: now, by, action: 'create', from: null, to: 'registered' }];
  rec.missingFields = missing;
  rec.callbackPending = false;
  rec.createdAt = now;
  rec.updatedAt = now;
  const d = env.deadlines;
  const cal = env.calendar;
  if (input.kind === 'complaint') rec.deadlines.push({ kind: 'accept_decision', dueAt: cal.addWorkingDays(receivedAt, d.complaintAcceptDays) });
  else if (input.kind === 'report') rec.deadlines.push({ kind: 'verification', dueAt: cal.addWorkingDays(receivedAt, d.reportVerifyDays) });
  else if (input.kind === 'suggestion' || input.kind === 'mailbox') rec.deadlines.push({ kind: 'reply', dueAt: cal.addWorkingDays(receivedAt, d.replyDays) });

  // A callback is owed for a consultation answered later, and for IVR intake
  // (an agent must call back to complete the details), unless anonymous.
  const owesCallback = (input.kind === 'consultation' && input.answerLater === true) || (input.channel === 'ivr' && !input.anonymous);
  if (owesCallback) {
    rec.callbackPending = true;
    rec.deadlines.push({ kind: 'callback', dueAt: cal.addWorkingDays(now, d.consultationCallbackDays) });
  }
  if (input.kind === 'consultation' && !input.answerLater && typeof answer === 'string' && answer.trim() !== '' && input.channel !== 'ivr') {
    rec.answer = answer;
    rec.status = 'closed';
    rec.result = 'answered';
    rec.closedAt = now;
    rec.history.push({ at: now, by, action: 'close', from: 'registered', to: 'closed', data: { result: 'answered' } });
  }
  return rec;
}

function illegal(rec: CaseRecord, action: string, why: string): never {
  throw caseError(CaseErrors.CASE_TRANSITION_ILLEGAL, `case ${rec.number} is ${rec.status}: cannot ${action} (${why})`, { number: rec.number, status: rec.status, action });
}

function meet(deadlines: Deadline[], now: number, kinds: string[] | 'all'): Deadline[] {
  return deadlines.map((d) => (d.metAt === undefined && (kinds === 'all' || kinds.includes(d.kind)) ? { ...d, metAt: now } : d));
}

function nonEmptyText(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/** The fields each action type takes besides `type`. */
const ACTION_FIELDS: Record<string, readonly string[]> = {
  accept: ['note'],
  not_accept: ['reason'],
  dispatch: ['departments', 'note'],
  start_mediation: ['note'],
  start_verification: ['note'],
  close: ['result', 'note', 'answer'],
  callback_done: ['note'],
  note: ['text'],
};

/**
 * Applies a workflow action. The department questions (exists, active, head) come from the
 * store (checked inside the same transaction).
 */
export function applyAction(
  rec: CaseRecord,
  action: CaseAction,
  by: string,
  env: WorkflowEnv,
  departments: { exists(id: string): boolean; active(id: string): boolean; headOf(id: string): string | undefined },
): CaseRecord {
  if (!action || typeof action !== 'object' || typeof action.type !== 'string') {
    throw caseError(CaseErrors.CASE_FIELD_INVALID, 'the action must be an object with a type: accept, not_accept, dispatch, start_mediation, start_verification, close, callback_done, note');
  }
  // A misspelt field ('notes', 'reson') would otherwise be dropped without a word.
  const fields = ACTION_FIELDS[action.type];
  if (fields) {
    for (const k of Object.keys(action)) {
      if (k === 'type' || fields.includes(k)) continue;
      const near = nearestField(k, fields);
      throw caseError(CaseErrors.CASE_FIELD_INVALID, `a '${action.type}' action has no field '${k}'${near ? `; did you mean '${near}'?` : ''} (its fields: type${fields.length ? ', ' + fields.join(', ') : ''})`);
    }
  }
  if (!nonEmptyText(by)) throw caseError(CaseErrors.CASE_FIELD_INVALID, 'every workflow change needs who did it (an agent id)');
  const now = env.now;
  const from = rec.status;
  const next: CaseRecord = { ...rec, history: rec.history.slice(), deadlines: rec.deadlines.slice(), dispatches: rec.dispatches.slice(), updatedAt: now };
  const push = (to: CaseStatus, note?: string, data?: Record<string, unknown>): void => {
    next.status = to;
    next.history.push({ at: now, by, action: action.type, from, to, ...(note ? { note } : {}), ...(data ? { data } : {}) });
  };
  const note = 'note' in action && typeof action.note === 'string' ? action.note : undefined;
  if (TERMINAL.has(from) && action.type !== 'note') illegal(rec, action.type, 'the case is finished');

  switch (action.type) {
    case 'accept': {
      if (from !== 'registered') illegal(rec, 'accept', 'only a registered case is accepted');
      if (rec.missingFields.length > 0) {
        throw caseError(CaseErrors.CASE_INCOMPLETE, `case ${rec.number} cannot be accepted before these fields are filled in: ${rec.missingFields.join(', ')}`, { missingFields: rec.missingFields });
      }
      next.deadlines = meet(next.deadlines, now, ['accept_decision']);
      if (rec.kind === 'complaint') next.deadlines.push({ kind: 'mediation', dueAt: env.calendar.addWorkingDays(now, env.deadlines.mediationDays) });
      push('accepted', note);
      break;
    }
    case 'not_accept': {
      if (from !== 'registered') illegal(rec, 'refuse to accept', 'only a registered case can be refused');
      if (!nonEmptyText(action.reason)) throw caseError(CaseErrors.CASE_FIELD_INVALID, 'not accepting a case needs the reason (不予受理的理由)');
      next.notAcceptedReason = action.reason;
      next.deadlines = meet(next.deadlines, now, 'all');
      next.callbackPending = false;
      next.closedAt = now;
      push('not_accepted', action.reason);
      break;
    }
    case 'dispatch': {
      if (from !== 'accepted' && from !== 'dispatched') illegal(rec, 'dispatch', 'a case is dispatched after acceptance');
      if (!Array.isArray(action.departments) || action.departments.length === 0) {
        throw caseError(CaseErrors.CASE_FIELD_INVALID, 'a dispatch names one or more departments: [{ departmentId, personInCharge? }]');
      }
      const added: string[] = [];
      for (const d of action.departments) {
        if (!d || !nonEmptyText(d.departmentId) || !departments.exists(d.departmentId)) {
          throw caseError(CaseErrors.CASE_DEPARTMENT_UNKNOWN, `department ${short(d?.departmentId)} is not registered; add it first (putDepartment)`);
        }
        if (!departments.active(d.departmentId) && !next.dispatches.some((x) => x.departmentId === d.departmentId)) {
          throw caseError(CaseErrors.CASE_DEPARTMENT_INACTIVE, `department '${d.departmentId}' is deactivated and takes no new cases; dispatch to an active department`);
        }
        if (d.personInCharge !== undefined && !nonEmptyText(d.personInCharge)) {
          throw caseError(CaseErrors.CASE_FIELD_INVALID, `the person in charge for department '${d.departmentId}' must be a name or agent id (non-empty text); got ${JSON.stringify(d.personInCharge)}`);
        }
        if (next.dispatches.some((x) => x.departmentId === d.departmentId) || added.includes(d.departmentId)) continue;
        const head = d.personInCharge ?? departments.headOf(d.departmentId);
        next.dispatches.push(head ? { departmentId: d.departmentId, personInCharge: head } : { departmentId: d.departmentId });
        added.push(d.departmentId);
      }
      if (added.length === 0) illegal(rec, 'dispatch', 'every named department already has the case');
      push('dispatched', note, { departments: added });
      break;
    }
    case 'start_mediation': {
      if (rec.kind !== 'complaint') illegal(rec, 'start mediation', 'only complaints are mediated');
      if (from !== 'accepted' && from !== 'dispatched') illegal(rec, 'start mediation', 'mediation follows acceptance or dispatch');
      push('mediation', note);
      break;
    }
    case 'start_verification': {
      if (rec.kind !== 'report') illegal(rec, 'start verification', 'only reports are verified');
      if (from !== 'accepted' && from !== 'dispatched') illegal(rec, 'start verification', 'verification follows acceptance or dispatch');
      push('verification', note);
      break;
    }
    case 'close': {
      if (!CASE_RESULTS.includes(action.result)) {
        throw caseError(CaseErrors.CASE_FIELD_INVALID, `${short(action.result)} is not a result; one of ${CASE_RESULTS.join(', ')}`);
      }
      const fits = RESULTS_BY_KIND[rec.kind];
      if (!fits.includes(action.result)) illegal(rec, `close with '${action.result}'`, `a ${rec.kind} closes with ${fits.join(' / ')}`);
      if (from === 'registered' && rec.kind !== 'consultation' && rec.kind !== 'suggestion' && rec.kind !== 'mailbox') {
        illegal(rec, 'close', `a ${rec.kind} must be accepted first`);
      }
      if ((action.result === 'agreement' || action.result === 'no_agreement') && from !== 'mediation') illegal(rec, `close with '${action.result}'`, 'that result ends a mediation');
      if ((action.result === 'case_opened' || action.result === 'not_opened') && from !== 'verification') illegal(rec, `close with '${action.result}'`, 'that result ends a verification');
      next.result = action.result;
      if (note) next.resultNote = note;
      if (nonEmptyText(action.answer)) next.answer = action.answer;
      next.deadlines = meet(next.deadlines, now, 'all');
      next.callbackPending = false;
      next.closedAt = now;
      push('closed', note, { result: action.result });
      break;
    }
    case 'callback_done': {
      if (!rec.callbackPending) illegal(rec, 'record a callback', 'no callback is owed');
      next.callbackPending = false;
      next.deadlines = meet(next.deadlines, now, ['callback']);
      push(from, note);
      break;
    }
    case 'note': {
      if (!nonEmptyText(action.text)) throw caseError(CaseErrors.CASE_FIELD_INVALID, 'a note needs text');
      push(from, action.text);
      break;
    }
    default:
      throw caseError(CaseErrors.CASE_FIELD_INVALID, `${short((action as { type: unknown }).type)} is not a workflow action`);
  }
  return next;
}

/** 定时催办: a reminder at a time of the operator's choosing. */
export function addReminder(rec: CaseRecord, at: number, by: string, note: string | undefined, now: number): CaseRecord {
  if (TERMINAL.has(rec.status)) illegal(rec, 'set a reminder', 'the case is finished');
  if (typeof at !== 'number' || !Number.isFinite(at)) throw caseError(CaseErrors.CASE_FIELD_INVALID, 'a reminder needs a time in epoch milliseconds');
  if (!nonEmptyText(by)) throw caseError(CaseErrors.CASE_FIELD_INVALID, 'a reminder needs who set it (an agent id)');
  const dl: Deadline = { kind: 'reminder', dueAt: at, by, ...(note ? { note } : {}) };
  return {
    ...rec,
    deadlines: [...rec.deadlines, dl],
    history: [...rec.history, { at: now, by, action: 'reminder', from: rec.status, to: rec.status, ...(note ? { note } : {}), data: { dueAt: at } }],
    updatedAt: now,
  };
}
