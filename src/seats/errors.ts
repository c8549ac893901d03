// The seat server's error catalog (src/seats): codes a seat client gets in a
// reply, and the refusals of `hotline start --listen`. Codes are stable:
// never reuse one for a new meaning. A refused message changes nothing.
import { defineErrors, type HotlineError } from '../errors.ts';

export const SEAT_CATALOG = defineErrors('seats', {
  SEAT_BAD_MESSAGE: 'the message is not valid JSON or does not match its schema; see docs/seat-protocol.md for the fields of each message type',
  SEAT_UNKNOWN_TYPE: 'no message of this type exists in the seat protocol; see docs/seat-protocol.md for the list',
  SEAT_NOT_LOGGED_IN: 'log in first (message "login" with agent id and password, or "resume" with a session token)',
  SEAT_ALREADY_LOGGED_IN: 'this socket already carries a session; a socket carries one session, open another socket for another agent',
  SEAT_LOGIN_FAILED: 'the agent id or password is wrong; check them with the supervisor (hotline cases agents)',
  SEAT_LOGIN_RATE_LIMITED: 'too many failed logins for this agent id or from this address; wait the time given and try again',
  SEAT_SESSION_EXPIRED: 'the session has expired or was ended; log in again with agent id and password',
  SEAT_FORBIDDEN: 'your role does not allow this operation; a supervisor or an administrator must do it',
  SEAT_NOT_IN_ROSTER: 'this agent is not in the ACD roster, so he has no agent state; add him as an agent or supervisor and restart',
  SEAT_LISTEN_REFUSED: 'the seat server binds beyond loopback only when asked: add --listen-public (or the TLS options) to listen on this address',
  SEAT_LISTEN_FAILED: 'the seat server could not listen on this address; another program may use the port, or the address is not on this machine',
  SEAT_TLS_INVALID: 'the TLS options are incomplete or the files cannot be read; give both --tls-cert and --tls-key as PEM files',
  SEAT_CONNECT_FAILED: 'cannot reach the seat server at this address; check that hotline start runs and which --listen address it printed',
  SEAT_CASES_UNAVAILABLE: 'this seat server was started without the case store, so case messages cannot be served; start it with the store (hotline start does)',
  SEAT_ORIGIN_REFUSED: 'a page of another site tried to use the seat server (cross-site request); open the console from the seat server\'s own address',
  SEAT_CONSOLE_NOT_BUILT: 'the web console is not built; run npm install (or node web/build.mjs) in the hotline folder and reload',
  SEAT_ADMIN_UNAVAILABLE: 'this seat server runs without the engine part this admin page changes (the data folder or the IVR flow); open the console of hotline start',
  SEAT_ADMIN_SELF: 'an administrator cannot deactivate himself or take away his own admin role (nobody could undo it); another administrator must do it',
  SEAT_ADMIN_SAVE_FAILED: 'the change could not be written to the data folder and was undone; check the folder\'s disk space and permissions (DATA/config)',
  SEAT_INTERNAL: 'the seat server failed to carry out the request and changed nothing; the log names the cause, report it',
  // browser phone (src/seats/voice.ts)
  SEAT_VOICE_UNAVAILABLE: 'the browser phone cannot be turned on for this agent: he has no station port, or his port has a real telephone on a hardware board; use the desk phone',
});

export type SeatErrorCode = keyof typeof SEAT_CATALOG.sentences;

export function seatError(code: SeatErrorCode, detail?: string, info?: Record<string, unknown>): HotlineError {
  return SEAT_CATALOG.error(code, detail, info);
}
