// The ACD's error catalog. Codes are stable: never reuse one for a new meaning.
// A refused request leaves every agent and call as it was.
import { defineErrors, HotlineError } from '../errors.ts';

export const ACD_CATALOG = defineErrors('acd', {
  ACD_UNKNOWN_AGENT: 'no agent with this id is known to the ACD; add the agent to the roster (or a queue\'s members) first',
  ACD_UNKNOWN_QUEUE: 'no queue with this id is configured; check the queue name in the flow\'s transfer node or the ACD configuration',
  ACD_UNKNOWN_CALL: 'the ACD holds no call with this id (it already ended, or never entered a queue)',
  ACD_DUPLICATE_CALL: 'a call with this id is already in the ACD; a call enters a queue once (use transfer to move it)',
  ACD_STATE_REFUSED: 'the agent\'s state does not allow this request now; the state is unchanged',
  ACD_NOT_OFFERED: 'the call is not being offered to this agent (the offer ended or went to another agent)',
  ACD_CALL_NOT_CONNECTED: 'the call is not connected to an agent, so it cannot be held, retrieved, transferred or ended by an agent',
  ACD_TARGET_NOT_READY: 'the transfer target agent is not ready; choose a ready agent or transfer to a queue',
  ACD_CONFIG_INVALID: 'the ACD configuration is invalid; correct the named queue or agent field',
  ACD_LOG_WRITE_FAILED: 'the queue log could not be committed; check the data folder\'s disk space and permissions',
  ACD_LOG_READ_FAILED: 'the queue log cannot be opened to read; check the folder (DATA/acd/queue-log, written by hotline start) and its permissions',
  ACD_LOG_CLOSED: 'the queue log is closed and takes no more events; open it again',
});

/** code → sentence. */
export const ACD_ERRORS = ACD_CATALOG.sentences;

export type AcdErrorCode = keyof typeof ACD_ERRORS;

export class AcdError extends HotlineError {
  constructor(code: AcdErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'AcdError';
  }
}

/** An AcdError whose message is the catalog sentence followed by the detail. */
export function acdError(code: AcdErrorCode, detail: string, details?: Record<string, unknown>): AcdError {
  return new AcdError(code, `${ACD_ERRORS[code]}: ${detail}`, details);
}
