// Field checks for cases: shape (malformed → CASE_FIELD_INVALID) and
// completeness by kind (missing → CASE_FIELD_REQUIRED). One FieldError per
// field, all reported at once, so an agent fixes the form in one go.
import { existsSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';
import { join } from 'node:path';
import type { CategoryIndex } from './config.ts';
import { CaseErrors, invalidCase, type FieldError } from './errors.ts';
import { CASE_KINDS, INTAKE_CHANNELS, type CaseKind, type CaseUpdate, type CreateCaseInput, type IntakeChannel } from './types.ts';

const PHONE = /^\+?[0-9][0-9-]{2,30}$/;
const MAX_TEXT = 20_000;
const MAX_NAME = 200;
const MAX_ADDRESS = 400;
/** Recording ids: a relative path of at most 4 segments of letters, digits and _ . - (no segment starts with '.': no '..', no hidden file), as the IVR names them (recordings/<call>-<n>.wav). */
const RECORDING_ID = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\/){0,3}[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const MAX_RECORDINGS = 20;
const MAX_ATTACHMENTS = 50;
/** An attachment reference: an http(s) URL, or a relative path like a recording id. */
const MAX_REF = 1000;
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$/;
const CALL_ID = /^[A-Za-z0-9_.:-]{1,200}$/;
const AGENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** receivedAt: from 2000-01-01 to 2100-01-01 (epoch ms); outside is a typing error, and 1e20 is not a Date at all. */
const EARLIEST = 946_684_800_000;
const LATEST = 4_102_444_800_000;
// C0 controls and DEL; long texts may hold tab and line breaks.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A high surrogate not followed by a low one, or a low one not after a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL_LONG = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Every field a new case may carry, and what each nested object may hold. */
export const CREATE_FIELDS = ['kind', 'channel', 'callerNumber', 'callbackNumber', 'complainant', 'business', 'anonymous', 'request', 'facts', 'categoryId', 'agentId', 'recordingIds', 'attachments', 'answerLater', 'answer', 'receivedAt', 'callId'] as const;
export const UPDATE_FIELDS = ['callbackNumber', 'complainant', 'business', 'anonymous', 'request', 'facts', 'categoryId', 'recordingIds', 'attachments', 'answerLater'] as const;
const PERSON_FIELDS = ['name', 'phone', 'address', 'idNumber'];
const BUSINESS_FIELDS = ['name', 'address', 'phone'];
const ATTACHMENT_FIELDS = ['ref', 'name', 'mime'];

/** What the checks may look at besides the input. */
export interface FieldContext {
  categories: CategoryIndex;
  /** The folder recording ids are relative to (the data folder); when given, each must name an existing file. */
  recordingsRoot?: string;
}

function req(errors: FieldError[], field: string, message: string): void {
  errors.push({ field, code: CaseErrors.CASE_FIELD_REQUIRED, message });
}
function bad(errors: FieldError[], field: string, message: string): void {
  errors.push({ field, code: CaseErrors.CASE_FIELD_INVALID, message });
}

/** The valid name closest to a mistyped one ('category' → 'categoryId'), if any is close. */
export function nearestField(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = n.toLowerCase().startsWith(word.toLowerCase()) || word.toLowerCase().startsWith(n.toLowerCase()) ? Math.abs(n.length - word.length) / 4 : distance(word.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Refuses keys not in `allowed`, naming the nearest valid one. */
function checkKeys(errors: FieldError[], prefix: string, o: object, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const near = nearestField(k, allowed);
    const shown = k.length > 40 ? JSON.stringify(k.slice(0, 40)) + '…' : JSON.stringify(k);
    bad(errors, prefix + (k.length > 40 ? k.slice(0, 40) + '…' : k), `is not a field${prefix ? ` of ${prefix.slice(0, -1)}` : ''} (${shown})${near ? `; did you mean '${prefix}${near}'?` : ''} The fields are ${allowed.join(', ')}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text: a string, well-formed UTF-16 (no lone surrogate: it cannot be stored or shown), no control characters, at most `max` characters. */
function checkText(errors: FieldError[], field: string, v: unknown, max: number, long = false): void {
  if (v === undefined) return;
  if (typeof v !== 'string') bad(errors, field, `must be text; got ${Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v}`);
  else if (v.length > max) bad(errors, field, `is ${v.length} characters long; at most ${max}`);
  else if (LONE_SURROGATE.test(v)) bad(errors, field, `holds a lone UTF-16 surrogate at character ${v.search(LONE_SURROGATE) + 1} (broken text from the sender); send it as valid Unicode`);
  else if ((long ? CONTROL_LONG : CONTROL).test(v)) bad(errors, field, `holds a control character at character ${v.search(long ? CONTROL_LONG : CONTROL) + 1}; ${long ? 'only tab and line breaks are allowed' : 'control characters are not allowed'}`);
}

function checkPhone(errors: FieldError[], field: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || !PHONE.test(v)) bad(errors, field, `must be a telephone number of digits (optionally a leading + and dashes); got ${short(v)}`);
}

/** A value as a refusal shows it: at most ~60 characters, and never by serialising a large list or object. */
export function short(v: unknown): string {
  if (typeof v === 'string') return v.length > 60 ? JSON.stringify(v.slice(0, 60)) + '…' : JSON.stringify(v);
  if (Array.isArray(v)) return `a list of ${v.length} item(s)`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'symbol' || typeof v === 'function') return `a ${typeof v}`;
  return String(v);
}

function present(v: unknown): boolean {
  return typeof v === 'string' && v.trim().length > 0;
}

function checkRef(errors: FieldError[], field: string, ref: unknown): void {
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REF) {
    bad(errors, field, `must be a file reference of 1-${MAX_REF} characters`);
    return;
  }
  if (/^https?:\/\//i.test(ref)) {
    if (!URL.canParse(ref) || CONTROL.test(ref)) bad(errors, field, `${short(ref)} is not a valid URL`);
  } else if (!RECORDING_ID.test(ref)) {
    bad(errors, field, `${short(ref)} must be an http(s) URL or a relative path of letters, digits and _ . - (no '..', no leading '/')`);
  }
}

/** Shape checks shared by create and update. */
function checkShape(errors: FieldError[], c: Partial<CreateCaseInput>, ctx: FieldContext): void {
  checkPhone(errors, 'callerNumber', c.callerNumber);
  checkPhone(errors, 'callbackNumber', c.callbackNumber);
  if (c.complainant !== undefined) {
    if (!isPlainObject(c.complainant)) bad(errors, 'complainant', 'must be an object { name, phone, address?, idNumber? }');
    else {
      checkKeys(errors, 'complainant.', c.complainant, PERSON_FIELDS);
      checkText(errors, 'complainant.name', c.complainant.name, MAX_NAME);
      if (c.complainant.phone !== undefined && c.complainant.phone !== '') checkPhone(errors, 'complainant.phone', c.complainant.phone);
      checkText(errors, 'complainant.address', c.complainant.address, MAX_ADDRESS);
      checkText(errors, 'complainant.idNumber', c.complainant.idNumber, 32);
    }
  }
  if (c.business !== undefined) {
    if (!isPlainObject(c.business)) bad(errors, 'business', 'must be an object { name, address, phone? }');
    else {
      checkKeys(errors, 'business.', c.business, BUSINESS_FIELDS);
      checkText(errors, 'business.name', c.business.name, MAX_NAME);
      checkText(errors, 'business.address', c.business.address, MAX_ADDRESS);
      if (c.business.phone !== undefined && c.business.phone !== '') checkPhone(errors, 'business.phone', c.business.phone);
    }
  }
  if (c.anonymous !== undefined && typeof c.anonymous !== 'boolean') bad(errors, 'anonymous', 'must be true or false');
  if (c.answerLater !== undefined && typeof c.answerLater !== 'boolean') bad(errors, 'answerLater', 'must be true or false');
  checkText(errors, 'request', c.request, MAX_TEXT, true);
  checkText(errors, 'facts', c.facts, MAX_TEXT, true);
  checkText(errors, 'answer', c.answer, MAX_TEXT, true);
  if (c.categoryId !== undefined && (typeof c.categoryId !== 'string' || !ctx.categories.byId.has(c.categoryId))) {
    bad(errors, 'categoryId', `${short(c.categoryId)} is not in the category tree (see 'hotline cases categories')`);
  }
  if (c.agentId !== undefined && (typeof c.agentId !== 'string' || !AGENT_ID.test(c.agentId))) bad(errors, 'agentId', 'must be an agent id of 1-64 letters, digits or _ . : -');
  if (c.recordingIds !== undefined) {
    if (!Array.isArray(c.recordingIds)) bad(errors, 'recordingIds', 'must be a list of recording ids');
    else if (c.recordingIds.length > MAX_RECORDINGS) bad(errors, 'recordingIds', `holds ${c.recordingIds.length} ids; at most ${MAX_RECORDINGS}`);
    else {
      const seen = new Set<string>();
      c.recordingIds.forEach((r, i) => {
        if (typeof r !== 'string' || r.length > 200 || !RECORDING_ID.test(r)) {
          bad(errors, `recordingIds[${i}]`, `${short(r)} is not a recording id (a relative path such as recordings/<call>-1.wav: letters, digits and _ . -, no '..', no leading '/')`);
        } else if (seen.has(r)) bad(errors, `recordingIds[${i}]`, `${short(r)} is listed twice`);
        else {
          seen.add(r);
          if (ctx.recordingsRoot !== undefined && !existsSync(join(ctx.recordingsRoot, r))) bad(errors, `recordingIds[${i}]`, `there is no recording ${r} in ${ctx.recordingsRoot}`);
        }
      });
    }
  }
  if (c.attachments !== undefined) {
    if (!Array.isArray(c.attachments)) bad(errors, 'attachments', 'must be a list of { ref, name?, mime? }');
    else if (c.attachments.length > MAX_ATTACHMENTS) bad(errors, 'attachments', `holds ${c.attachments.length} attachments; at most ${MAX_ATTACHMENTS}`);
    else {
      c.attachments.forEach((a, i) => {
        const f = `attachments[${i}]`;
        if (!isPlainObject(a)) {
          bad(errors, f, 'must be an object { ref, name?, mime? }');
          return;
        }
        checkKeys(errors, f + '.', a, ATTACHMENT_FIELDS);
        checkRef(errors, f + '.ref', a.ref);
        checkText(errors, f + '.name', a.name, MAX_NAME);
        if (a.mime !== undefined && (typeof a.mime !== 'string' || !MIME.test(a.mime))) bad(errors, f + '.mime', `${short(a.mime)} is not a media type such as image/jpeg`);
      });
    }
  }
  if (c.receivedAt !== undefined && (typeof c.receivedAt !== 'number' || !Number.isFinite(c.receivedAt) || c.receivedAt < EARLIEST || c.receivedAt > LATEST)) {
    bad(errors, 'receivedAt', `must be a time in epoch milliseconds from 2000-01-01 to 2100-01-01; got ${short(c.receivedAt)}`);
  }
  if (c.callId !== undefined && (typeof c.callId !== 'string' || !CALL_ID.test(c.callId))) bad(errors, 'callId', 'must be a call id of 1-200 letters, digits or _ . : -');
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
export function validateCreate(c: CreateCaseInput, ctx: FieldContext): string[] {
  const errors: FieldError[] = [];
  if (!isPlainObject(c)) throw invalidCase([{ field: '(case)', code: CaseErrors.CASE_FIELD_INVALID, message: 'the case must be an object' }]);
  checkKeys(errors, '', c, CREATE_FIELDS);
  if (c.kind === undefined) req(errors, 'kind', `is required: one of ${CASE_KINDS.join(', ')}`);
  else if (!CASE_KINDS.includes(c.kind)) bad(errors, 'kind', `${short(c.kind)} is not a case kind; one of ${CASE_KINDS.join(', ')}`);
  if (c.channel === undefined) req(errors, 'channel', `is required: one of ${INTAKE_CHANNELS.join(', ')}`);
  else if (!INTAKE_CHANNELS.includes(c.channel)) bad(errors, 'channel', `${short(c.channel)} is not an intake channel; one of ${INTAKE_CHANNELS.join(', ')}`);
  checkShape(errors, c, ctx);
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
export function validateUpdate(channel: IntakeChannel, merged: Partial<CreateCaseInput>, update: CaseUpdate, ctx: FieldContext): string[] {
  const errors: FieldError[] = [];
  if (!isPlainObject(update)) throw invalidCase([{ field: '(update)', code: CaseErrors.CASE_FIELD_INVALID, message: 'the update must be an object' }]);
  for (const k of Object.keys(update)) {
    if ((UPDATE_FIELDS as readonly string[]).includes(k)) continue;
    if ((CREATE_FIELDS as readonly string[]).includes(k)) bad(errors, k, `cannot be changed by an update (changeable: ${UPDATE_FIELDS.join(', ')})`);
    else checkKeys(errors, '', { [k]: true }, UPDATE_FIELDS);
  }
  checkShape(errors, update, ctx);
  if (errors.length) throw invalidCase(errors);
  const missing = missingFields(merged);
  if (channel !== 'ivr') {
    requireFields(errors, missing);
    if (errors.length) throw invalidCase(errors);
  }
  return missing;
}
