// Child of test/recording/crash.test.ts: a rolling recording of channel 0 in
// 1 s segments on a stepped sim board, a call with a tone, then kill -9 of
// itself 2.6 s in (the third segment is a NAME.part on disk).
import { openBoard } from '../../../src/board/index.ts';
import { openRecordingIndex } from '../../../src/recording/index.ts';
import { startRolling } from '../../../src/recording/rolling.ts';
import { connect, sine } from '../../board/helpers.ts';

const dir = process.argv[2];
const board = await openBoard(new URL('../../../boards/sim-e1x2.json', import.meta.url).pathname);
const index = openRecordingIndex(dir);
const rolling = startRolling({ board, select: { channels: [0] }, dataDir: dir, index, segmentMs: 1000, now: () => Date.UTC(2026, 2, 2, 2, 0) + board.now() });
const [[, n0]] = await connect(board, [0]);
void n0.play({ encoding: 'pcm16', data: sine(1000, 5000) });
await board.advance(2600);
await rolling.settled();
process.kill(process.pid, 'SIGKILL');
