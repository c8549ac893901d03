// What the interpreter needs from a telephone line: the board's Channel
// commands it uses, nothing else. A board Channel is a LinePort as it is; a
// test or another driver may supply any object with these methods.
import type { Channel } from '../board/types.ts';

export type LinePort = Pick<Channel, 'name' | 'play' | 'getDigits' | 'clearDigits' | 'record' | 'hangup'>;
