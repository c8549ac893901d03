// The call core's error catalog. Codes are stable: never reuse one for a new meaning.
import { defineErrors, HotlineError } from '../errors.ts';

export const CALL_CATALOG = defineErrors('calls', {
  CALL_RECORD_FAILED: 'the call record could not be written to the case store; check the data folder\'s disk space and permissions',
  CALL_CORE_STOPPED: 'the call core is stopped and takes no new calls; start the engine again',
  CALL_DATA_LOCKED: 'the data folder is in use by another hotline engine; stop that engine, or give this one another --data',
  CALL_DATA_NOT_DIR: 'the data folder given (or one of its parents) is a file; give --data a folder',
  CALL_DATA_UNUSABLE: 'the data folder cannot be made, written or locked; give --data a folder this user can write',
  CALL_TIME_ZONE_UNKNOWN: 'the time zone for log times is not one this system knows; give an IANA name such as Asia/Shanghai',
});

/** code → sentence. */
export const CALL_ERRORS = CALL_CATALOG.sentences;

export type CallErrorCode = keyof typeof CALL_ERRORS;

export class CallError extends HotlineError {
  constructor(code: CallErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'CallError';
  }
}
