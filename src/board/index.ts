// The board layer: open a (simulated) voice board and drive its channels.
export { openBoard } from './board.ts';
export { BoardErrors, boardError, type BoardErrorCode } from './errors.ts';
export { ANSWERING_ROLES, CHANNEL_ROLES, loadProfile, validateProfile } from './profile.ts';
export type * from './types.ts';
