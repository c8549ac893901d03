// The board layer's error catalog (TypeScript-side validation). An error's
// message is the sentence followed by `: detail` naming the value. Native errors
// keep their HL_* codes from native/include/hl_errors.def (src/addon.ts).
import { NATIVE_ERRORS } from '../addon.ts';
import { defineErrors, type HotlineError } from '../errors.ts';
import type { AlarmEvent, AlarmName } from './types.ts';

export const BOARD_ERRORS = defineErrors('board', {
  BOARD_PROFILE_MISSING: 'the board profile file does not exist or cannot be read',
  BOARD_PROFILE_INVALID: 'the board profile is malformed',
  BOARD_CHANNEL_UNKNOWN: 'there is no such channel on this board',
  BOARD_FILE_NOT_FOUND: 'the audio file does not exist',
  BOARD_FILE_FORMAT: 'the audio file is not an 8 kHz WAV in A-law, µ-law or 16-bit PCM',
  BOARD_NOT_CONNECTED: 'the channel has no call in progress',
  BOARD_STATE: 'the command is not allowed in the channel\'s current state',
  BOARD_BUSY: 'the channel is already running an operation of that kind',
  BOARD_ARG: 'an option is out of range or of the wrong type',
  BOARD_MODE: 'the command is not available in this clock mode',
  BOARD_CLOSED: 'the board is closed; open a new one with openBoard()',
  BOARD_R2_CALL: 'a China No.1 call option is not valid: numbers are digits 0-9 (the called number at least one), KA (category) and KD (callType) integers from 1 to 15, and KA/KD go only on a China No.1 span',
});

/** code → sentence (the catalog's rows). */
export const BoardErrors = BOARD_ERRORS.sentences;

export type BoardErrorCode = keyof typeof BoardErrors;

export function boardError(code: BoardErrorCode, detail?: string, details?: Record<string, unknown>): HotlineError {
  return BOARD_ERRORS.error(code, detail, details);
}

/** The native table's code for each span alarm (G.775 / G.704 conditions). */
export const ALARM_CODES: Readonly<Record<AlarmName, 'HL_E1_LOS' | 'HL_E1_AIS' | 'HL_E1_RAI' | 'HL_E1_LOF'>> = {
  los: 'HL_E1_LOS',
  ais: 'HL_E1_AIS',
  rai: 'HL_E1_RAI',
  lof: 'HL_E1_LOF',
};

/** One log line for a span alarm: the code and, when raised, what to check. */
export function describeAlarm(e: AlarmEvent): string {
  const code = ALARM_CODES[e.alarm];
  return e.raised ? `span ${e.span} alarm: ${code}: ${NATIVE_ERRORS.sentences[code]}` : `span ${e.span} alarm cleared: ${code}`;
}
