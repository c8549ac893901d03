// The call core's error catalog. Codes are stable: never reuse one for a new meaning.
import { defineErrors, HotlineError } from '../errors.ts';

export const CALL_CATALOG = defineErrors('calls', {
  CALL_RECORD_FAILED: 'the call record could not be written to the case store; check the data folder\'s disk space and permissions',
  CALL_CORE_STOPPED: 'the call core is stopped and takes no new calls; start the engine again',
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
