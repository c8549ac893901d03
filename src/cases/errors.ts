// Error codes of the case store. Codes are stable: never reuse one for a new
// meaning; append new ones.
import { HotlineError } from '../errors.ts';

export const CaseErrors = {
  /** One or more fields missing or malformed; details.errors lists one FieldError per field. */
  CASE_INVALID: 'CASE_INVALID',
  CASE_FIELD_REQUIRED: 'CASE_FIELD_REQUIRED',
  CASE_FIELD_INVALID: 'CASE_FIELD_INVALID',
  CASE_NOT_FOUND: 'CASE_NOT_FOUND',
  /** Not 14 digits. */
  CASE_NUMBER_FORMAT: 'CASE_NUMBER_FORMAT',
  /** 14 digits but the check digit does not match: a mistyped number. */
  CASE_NUMBER_CHECK: 'CASE_NUMBER_CHECK',
  /** The date part is not a calendar date. */
  CASE_NUMBER_DATE: 'CASE_NUMBER_DATE',
  /** More than 99,999 cases registered on one day. */
  CASE_SEQUENCE_EXHAUSTED: 'CASE_SEQUENCE_EXHAUSTED',
  CASE_TRANSITION_ILLEGAL: 'CASE_TRANSITION_ILLEGAL',
  CASE_INCOMPLETE: 'CASE_INCOMPLETE',
  CASE_CATEGORY_UNKNOWN: 'CASE_CATEGORY_UNKNOWN',
  CASE_DEPARTMENT_UNKNOWN: 'CASE_DEPARTMENT_UNKNOWN',
  CASE_AGENT_UNKNOWN: 'CASE_AGENT_UNKNOWN',
  CASE_SURVEY_UNKNOWN: 'CASE_SURVEY_UNKNOWN',
  CASE_SURVEY_ANSWER_INVALID: 'CASE_SURVEY_ANSWER_INVALID',
  CASE_MENU_CODE_TAKEN: 'CASE_MENU_CODE_TAKEN',
  /** Reserved, not raised: putCallRecord replaces a record with the same id (and its counts). */
  CASE_CALL_EXISTS: 'CASE_CALL_EXISTS',
  CASE_STORE_TOO_NEW: 'CASE_STORE_TOO_NEW',
  CASE_STORE_CLOSED: 'CASE_STORE_CLOSED',
  /** The store could not be opened (LMDB refused the folder), or an older layout must be migrated first. */
  CASE_STORE_OPEN_FAILED: 'CASE_STORE_OPEN_FAILED',
  /** The folder holds no case store and the caller did not ask for one to be made. */
  CASE_STORE_MISSING: 'CASE_STORE_MISSING',
  /** A write transaction (or one operation in it) failed; LMDB kept the previous state, nothing of it was stored: safe to retry. */
  CASE_STORE_WRITE_FAILED: 'CASE_STORE_WRITE_FAILED',
  /** The disk reported an I/O error (EIO) while the commit was written or fsynced; nothing of it was stored; the disk needs checking. */
  CASE_STORE_SYNC_FAILED: 'CASE_STORE_SYNC_FAILED',
  CASE_CONFIG_INVALID: 'CASE_CONFIG_INVALID',
  CASE_CALENDAR_INVALID: 'CASE_CALENDAR_INVALID',
  CASE_REPORT_INVALID: 'CASE_REPORT_INVALID',
  CASE_BACKUP_FAILED: 'CASE_BACKUP_FAILED',
} as const;
export type CaseErrorCode = (typeof CaseErrors)[keyof typeof CaseErrors];

export interface FieldError {
  field: string;
  code: 'CASE_FIELD_REQUIRED' | 'CASE_FIELD_INVALID';
  message: string;
}

export function caseError(code: CaseErrorCode, message: string, details?: Record<string, unknown>): HotlineError {
  return new HotlineError(code, message, details);
}

/** One error carrying one FieldError per missing or malformed field. */
export function invalidCase(errors: FieldError[]): HotlineError {
  const list = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new HotlineError(CaseErrors.CASE_INVALID, `the case cannot be stored: ${list}`, { errors });
}
