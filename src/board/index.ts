// The board layer: open a (simulated) voice board and drive its channels.
export { openBoard } from './board.ts';
export { ALARM_CODES, BoardErrors, boardError, describeAlarm, type BoardErrorCode } from './errors.ts';
export { ANSWERING_ROLES, CHANNEL_ROLES, loadProfile, validateProfile } from './profile.ts';
export type * from './types.ts';
export { STREAM_FRAME } from './stream.ts';
export type { AudioStream, StreamFrame, StreamOptions, StreamStats } from './stream.ts';
