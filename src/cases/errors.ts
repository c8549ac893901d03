// The case store's error catalog. Codes are stable: never reuse one for a new
// meaning; append new ones. The message of each error names the case, field
// or file; the sentence here says what the code means and what to do.
import { defineErrors, HotlineError } from '../errors.ts';

export const CASE_CATALOG = defineErrors('cases', {
  CASE_INVALID: 'the case cannot be stored: one or more fields are missing or malformed (details.errors lists each field); correct them and submit again',
  CASE_FIELD_REQUIRED: 'a required field is missing; fill it in',
  CASE_FIELD_INVALID: 'a field has the wrong type, size or value; the message names the field and what it accepts',
  CASE_NOT_FOUND: 'there is no case with that number in this store; check the number and the --dir folder',
  CASE_NUMBER_FORMAT: 'a case number has 14 digits (date YYYYMMDD, 5-digit sequence, check digit); check the number',
  CASE_NUMBER_CHECK: 'the check digit of the case number does not match: a digit was probably mistyped',
  CASE_NUMBER_DATE: 'the case number does not start with a calendar date (YYYYMMDD); check the number',
  CASE_SEQUENCE_EXHAUSTED: 'all 99,999 case numbers of the day are used; no case can be registered until the next day',
  CASE_TRANSITION_ILLEGAL: 'the workflow step is not allowed from the case\'s current status; `hotline cases show` lists the status and history',
  CASE_INCOMPLETE: 'the case cannot be accepted before the missing fields are filled in; update the case first',
  CASE_DEPARTMENT_UNKNOWN: 'the department is not registered; add it first',
  CASE_AGENT_UNKNOWN: 'the agent id is not registered; add the agent first or check the id',
  CASE_SURVEY_UNKNOWN: 'there is no survey with that id; define the survey first',
  CASE_SURVEY_ANSWER_INVALID: 'the survey answer names a question or choice the survey does not have',
  CASE_MENU_CODE_TAKEN: 'the IVR menu code already plays another knowledge entry; pick a free code or move the other entry',
  CASE_CALL_EXISTS: 'a call record with that id already exists; the record is kept as first written',
  CASE_STORE_TOO_NEW: 'the case store was written by a newer hotline version; upgrade hotline before opening it',
  CASE_STORE_CLOSED: 'the case store is closed; reopen it (a write after close is refused, nothing was stored)',
  CASE_STORE_OPEN_FAILED: 'the case store cannot be opened (or must be migrated first); check the --dir folder and its permissions',
  CASE_STORE_MISSING: "the folder holds no case store; check --dir (or --data), or create one with 'hotline cases init'",
  CASE_STORE_WRITE_FAILED: 'the write failed and LMDB kept the previous state: nothing of it was stored, so it is safe to retry; if it repeats, check free disk space',
  CASE_STORE_SYNC_FAILED: 'the disk reported an I/O error (EIO) while the commit was written or flushed; nothing of it was stored; check the disk (dmesg) and restart before retrying',
  CASE_CONFIG_INVALID: 'the case configuration (calendar, deadlines, categories) is malformed; fix the key named',
  CASE_CALENDAR_INVALID: 'the holiday calendar is malformed: dates are YYYY-MM-DD and the time zone an IANA name such as Asia/Shanghai',
  CASE_REPORT_INVALID: 'the report request is malformed (period, granularity or metric); see `hotline report --help`',
  CASE_BACKUP_FAILED: 'the backup could not be written; name a new or empty folder on a disk with room',
  CASE_DEPARTMENT_INACTIVE: 'the department is deactivated and takes no new cases; dispatch to an active department (cases it already has keep it)',
});

/** code → code: callers name codes as `CaseErrors.CASE_NOT_FOUND`. */
export const CaseErrors = CASE_CATALOG.codes;
export type CaseErrorCode = keyof typeof CaseErrors;

export interface FieldError {
  field: string;
  code: 'CASE_FIELD_REQUIRED' | 'CASE_FIELD_INVALID';
  message: string;
}

export function caseError(code: CaseErrorCode, message: string, details?: Record<string, unknown>): HotlineError {
  return CASE_CATALOG.make(code, message, details);
}

/** One error carrying one FieldError per missing or malformed field. */
export function invalidCase(errors: FieldError[]): HotlineError {
  const list = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new HotlineError(CaseErrors.CASE_INVALID, `the case cannot be stored: ${list}`, { errors });
}
