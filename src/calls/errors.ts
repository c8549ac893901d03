// The call core's error catalog. Codes are stable: never reuse one for a new meaning.
import { defineErrors, HotlineError } from '../errors.ts';

export const CALL_CATALOG = defineErrors('calls', {
  CALL_RECORD_FAILED: 'the call record could not be written to the case store; check the data folder\'s disk space and permissions',
  CALL_CORE_STOPPED: 'the call core is stopped and takes no new calls; start the engine again',
  CALL_DATA_LOCKED: 'the data folder is in use by another hotline engine; stop that engine, or give this one another --data',
  CALL_DATA_NOT_DIR: 'the data folder given (or one of its parents) is a file; give --data a folder',
  CALL_DATA_UNUSABLE: 'the data folder cannot be made, written or locked; give --data a folder this user can write',
  CALL_TIME_ZONE_UNKNOWN: 'the time zone for log times is not one this system knows; give an IANA name such as Asia/Shanghai',
  CALL_STATION_INVALID: 'a station is not written as SPAN:PORT (e.g. 1:3 for the third port of span 1); correct the station in the roster or stations file',
  CALL_STATION_UNKNOWN: 'the station names a port the board profile does not have; check the span and port numbers against the board profile',
  CALL_STATION_NOT_STATION: 'the port given as an agent\'s station is not a station port (FXS, role station); give an FXS port of an agents\' group',
  CALL_STATION_SHARED: 'two agents are given the same station port; give each agent his own telephone',
  CALL_STATION_AGENT_UNKNOWN: 'the stations file names an agent who is not in the ACD roster; add the agent or remove the line',
  CALL_STATIONS_FILE_INVALID: 'the stations file is not valid JSON of the form {"stations": {"AGENT": "SPAN:PORT"}}; correct it',
  CALL_NO_STATION: 'the agent has no station port, so his telephone cannot be rung or connected; map the agent to a station',
  CALL_NO_OFFER: 'no call is being offered to this agent now, so there is nothing to answer',
  CALL_STATION_ON_HOOK: 'the agent\'s telephone is on hook: it rings, and lifting the handset answers (headset mode needs the station off hook before the offer)',
  CALL_CONTROL_UNAVAILABLE: 'no call layer runs behind this seat server (no engine with an ACD), so calls cannot be answered, held or ended from a seat; start the seat server with the engine (hotline start)',
  CALL_NOT_CONNECTED: 'the agent has no connected call, so it cannot be hung up, held or retrieved',
  CALL_STATION_BUSY: 'the target\'s telephone is on a call, being offered one or used by another operation; try again when it is free',
  CALL_TARGET_UNKNOWN: 'the transfer or consultation target is not an agent of the roster, a queue of the ACD or a telephone number (digits, up to 20); correct the target',
  CALL_TARGET_NOT_READY: 'the agent to transfer or consult is not ready (on a call, in wrap-up, not ready or logged out); pick a ready agent or a queue',
  CALL_NO_TRUNK: 'no outbound trunk (role outbound or bothway) is free to dial the number; try again later, or give the board profile more outbound lines',
  CALL_TARGET_NO_ANSWER: 'the number or agent dialled did not answer (no answer, busy or line fault); the caller is still with the agent',
  CALL_IVR_NODE_UNKNOWN: 'the call\'s IVR flow has no node of that name, so the caller cannot be sent there; give a node id of the flow (e.g. survey)',
  CALL_CASE_UNKNOWN: 'no case has that number in the case store; check the 14-digit case number on the case form',
  CALL_CASE_NOT_DISPATCHABLE: '执法调度 applies to a report case (举报) that is accepted or dispatched; accept the report first, or use a consultation for other cases',
  CALL_DEPARTMENT_NO_PHONE: 'the department has no phone number in the directory, so its leader cannot be called; add the phone to the department (hotline cases departments)',
  CALL_OPERATION_STATE: 'the call is not in a state this operation applies to (e.g. complete without a consultation, a conference without a consulted party); check the call\'s state in the seat snapshot',
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
