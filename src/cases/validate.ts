// Field checks for cases: shape (malformed → CASE_FIELD_INVALID) and
// completeness by kind (missing → CASE_FIELD_REQUIRED). One FieldError per
// field, all reported at once, so an agent fixes the form in one go.
import type { CategoryIndex } from './config.ts';
import { CaseErrors, invalidCase, type FieldError } from './errors.ts';
import { CASE_KINDS, INTAKE_CHANNELS, type CaseKind, type CaseUpdate, type CreateCaseInput, type IntakeChannel } from './types.ts';

const PHONE = /^\+?[0-9][0-9-]{2,30}$/;
const MAX_TEXT = 20_000;
const MAX_NAME = 200;

function req(errors: FieldError[], field: string, message: string): void {
  errors.push({ field, code: CaseErrors.CASE_FIELD_REQUIRED, message });
}
function bad(errors: FieldError[], field: string, message: string): void {
  errors.push({ field, code: CaseErrors.CASE_FIELD_INVALID, message });
}

function checkText(errors: FieldError[], field: string, v: unknown, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'string') bad(errors, field, `must be text; got ${typeof v}`);
  else if (v.length > max) bad(errors, field, `is ${v.length} characters long; at most ${max}`);
}

function checkPhone(errors: FieldError[], field: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || !PHONE.test(v)) bad(errors, field, `must be a telephone number of digits (optionally a leading + and dashes); got ${JSON.stringify(v)}`);
}

function present(v: unknown): boolean {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Shape checks shared by create and update. */
function checkShape(errors: FieldError[], c: Partial<CreateCaseInput>, categories: CategoryIndex): void {
  checkPhone(errors, 'callerNumber', c.callerNumber);
  checkPhone(errors, 'callbackNumber', c.callbackNumber);
  if (c.complainant !== undefined) {
    if (typeof c.complainant !== 'object' || c.complainant === null) bad(errors, 'complainant', 'must be an object { name, phone, address? }');
    else {
      checkText(errors, 'complainant.name', c.complainant.name, MAX_NAME);
      if (c.complainant.phone !== undefined && c.complainant.phone !== '') checkPhone(errors, 'complainant.phone', c.complainant.phone);
      checkText(errors, 'complainant.address', c.complainant.address, MAX_NAME * 2);
      checkText(errors, 'complainant.idNumber', c.complainant.idNumber, 32);
    }
  }
  if (c.business !== undefined) {
    if (typeof c.business !== 'object' || c.business === null) bad(errors, 'business', 'must be an object { name, address }');
    else {
      checkText(errors, 'business.name', c.business.name, MAX_NAME);
      checkText(errors, 'business.address', c.business.address, MAX_NAME * 2);
      if (c.business.phone !== undefined && c.business.phone !== '') checkPhone(errors, 'business.phone', c.business.phone);
    }
  }
  if (c.anonymous !== undefined && typeof c.anonymous !== 'boolean') bad(errors, 'anonymous', 'must be true or false');
  if (c.answerLater !== undefined && typeof c.answerLater !== 'boolean') bad(errors, 'answerLater', 'must be true or false');
  checkText(errors, 'request', c.request, MAX_TEXT);
  checkText(errors, 'facts', c.facts, MAX_TEXT);
  checkText(errors, 'answer', c.answer, MAX_TEXT);
  if (c.categoryId !== undefined && (typeof c.categoryId !== 'string' || !categories.byId.has(c.categoryId))) {
    bad(errors, 'categoryId', `'${String(c.categoryId)}' is not in the category tree (see 'hotline cases categories')`);
  }
  if (c.agentId !== undefined && (typeof c.agentId !== 'string' || c.agentId.length === 0 || c.agentId.length > 64)) bad(errors, 'agentId', 'must be an agent id of 1-64 characters');
  if (c.recordingIds !== undefined) {
    if (!Array.isArray(c.recordingIds) || c.recordingIds.some((r) => typeof r !== 'string' || r.length === 0 || r.length > 200)) {
      bad(errors, 'recordingIds', 'must be a list of recording ids (non-empty text)');
    }
  }
  if (c.attachments !== undefined) {
    if (!Array.isArray(c.attachments) || c.attachments.some((a) => !a || typeof a.ref !== 'string' || a.ref.length === 0)) {
      bad(errors, 'attachments', 'must be a list of { ref, name?, mime? } with a non-empty file reference');
    }
  }
  if (c.receivedAt !== undefined && (typeof c.receivedAt !== 'number' || !Number.isFinite(c.receivedAt) || c.receivedAt < 946_684_800_000)) {
    bad(errors, 'receivedAt', 'must be a time in epoch milliseconds after 2000-01-01');
  }
  checkText(errors, 'callId', c.callId, 200);
}

/**
 * Required fields still missing for a case of this kind. IVR intake may
 * register a case with these missing (the recording holds them); a case
 * cannot be accepted until none are missing.
 */
export function missingFields(c: Partial<CreateCaseInput>): string[] {
  const m: string[] = [];
  const kind = c.kind as CaseKind;
  const contact = present(c.callbackNumber) || present(c.complainant?.phone);
  if (kind === 'complaint') {
    if (!present(c.complainant?.name)) m.push('complainant.name');
    if (!present(c.complainant?.phone)) m.push('complainant.phone');
    if (!present(c.complainant?.address)) m.push('complainant.address');
    if (!present(c.business?.name)) m.push('business.name');
    if (!present(c.business?.address)) m.push('business.address');
    if (!present(c.request)) m.push('request');
    if (!present(c.facts)) m.push('facts');
  } else if (kind === 'report') {
    if (!present(c.business?.name)) m.push('business.name');
    if (!present(c.business?.address)) m.push('business.address');
    if (!present(c.facts)) m.push('facts');
    if (!c.anonymous) {
      if (!present(c.complainant?.name)) m.push('complainant.name');
      if (!contact) m.push('complainant.phone');
    }
  } else if (kind === 'consultation') {
    if (!present(c.facts)) m.push('facts');
    if (c.answerLater && !contact) m.push('callbackNumber');
  } else {
    // suggestion, mailbox: the message itself, and a way to reply unless anonymous
    if (!present(c.facts)) m.push('facts');
    if (!c.anonymous && !contact) m.push('callbackNumber');
  }
  return m;
}

const FIELD_SENTENCE: Record<string, string> = {
  'complainant.name': "the complainant's name is required",
  'complainant.phone': "the complainant's telephone number is required",
  'complainant.address': "the complainant's address is required",
  'business.name': 'the name of the business is required',
  'business.address': 'the address of the business is required',
  request: "the complainant's request (诉求) is required",
  facts: 'the facts are required',
  callbackNumber: 'a number to call back on is required',
  recordingIds: 'IVR intake needs at least one recording id',
  answer: 'a consultation needs an answer, or answerLater with contact details',
};

function requireFields(errors: FieldError[], fields: string[]): void {
  for (const f of fields) req(errors, f, FIELD_SENTENCE[f] ?? 'is required');
}

/** Validates a new case; throws CASE_INVALID listing every bad field. Returns the missing fields tolerated (IVR). */
export function validateCreate(c: CreateCaseInput, categories: CategoryIndex): string[] {
  const errors: FieldError[] = [];
  if (!c || typeof c !== 'object') throw invalidCase([{ field: '(case)', code: CaseErrors.CASE_FIELD_INVALID, message: 'the case must be an object' }]);
  if (c.kind === undefined) req(errors, 'kind', `is required: one of ${CASE_KINDS.join(', ')}`);
  else if (!CASE_KINDS.includes(c.kind)) bad(errors, 'kind', `'${String(c.kind)}' is not a case kind; one of ${CASE_KINDS.join(', ')}`);
  if (c.channel === undefined) req(errors, 'channel', `is required: one of ${INTAKE_CHANNELS.join(', ')}`);
  else if (!INTAKE_CHANNELS.includes(c.channel)) bad(errors, 'channel', `'${String(c.channel)}' is not an intake channel; one of ${INTAKE_CHANNELS.join(', ')}`);
  checkShape(errors, c, categories);
  if (errors.length) throw invalidCase(errors);

  const missing = missingFields(c);
  if (c.channel === 'ivr') {
    if (!c.recordingIds || c.recordingIds.length === 0) requireFields(errors, ['recordingIds']);
    if (!c.anonymous && !present(c.callbackNumber) && !present(c.callerNumber)) requireFields(errors, ['callbackNumber']);
    if (errors.length) throw invalidCase(errors);
    return missing;
  }
  requireFields(errors, missing);
  if (c.kind === 'consultation' && !c.answerLater && !present(c.answer)) requireFields(errors, ['answer']);
  if (c.kind !== 'consultation' && (c.answer !== undefined || c.answerLater !== undefined)) {
    bad(errors, c.answer !== undefined ? 'answer' : 'answerLater', 'only a consultation is answered at intake; other kinds follow the workflow');
  }
  if (errors.length) throw invalidCase(errors);
  return [];
}

/** Validates an update merged onto the current case. Returns the new missing-field list. */
export function validateUpdate(channel: IntakeChannel, merged: Partial<CreateCaseInput>, update: CaseUpdate, categories: CategoryIndex): string[] {
  const errors: FieldError[] = [];
  if (!update || typeof update !== 'object') throw invalidCase([{ field: '(update)', code: CaseErrors.CASE_FIELD_INVALID, message: 'the update must be an object' }]);
  const allowed = new Set(['callbackNumber', 'complainant', 'business', 'anonymous', 'request', 'facts', 'categoryId', 'recordingIds', 'attachments', 'answerLater']);
  for (const k of Object.keys(update)) if (!allowed.has(k)) bad(errors, k, `cannot be changed by an update (changeable: ${[...allowed].join(', ')})`);
  checkShape(errors, update, categories);
  if (errors.length) throw invalidCase(errors);
  const missing = missingFields(merged);
  if (channel !== 'ivr') {
    requireFields(errors, missing);
    if (errors.length) throw invalidCase(errors);
  }
  return missing;
}
