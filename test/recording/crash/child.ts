// Child of test/recording/crash.test.ts: on a stepped sim board, a rolling
// recording of channel 0 in 2 s segments and a per-call stereo recording of
// channel 1 (src/recording), calls with a tone on both, then kill -9 of itself
// 5.6 s in (the third segment and the call recording are NAME.part on disk).
// Prints "call START KILL": board ms of the call recording's start and of the kill.
import { openBoard } from '../../../src/board/index.ts';
import { openRecordingIndex } from '../../../src/recording/index.ts';
import { startCallRecording } from '../../../src/recording/call.ts';
import { startRolling } from '../../../src/recording/rolling.ts';
import { connect, sine } from '../../board/helpers.ts';

const dir = process.argv[2];
const board = await openBoard(new URL('../../../boards/sim-e1x2.json', import.meta.url).pathname);
const index = openRecordingIndex(dir);
const now = () => Date.UTC(2026, 2, 2, 2, 0) + board.now();
const rolling = startRolling({ board, select: { channels: [0] }, dataDir: dir, index, segmentMs: 2000, now });
const [[, n0], [e1, n1]] = await connect(board, [0, 1]);
void n0.play({ encoding: 'pcm16', data: sine(1000, 8000, 5000) });
void n1.play({ encoding: 'pcm16', data: sine(700, 8000, 5000) });
const start = board.now();
startCallRecording({ caller: e1, callId: 'KILL-1', dataDir: dir, index, now });
await board.advance(5600);
await rolling.settled();
process.stdout.write(`call ${start} ${board.now()}\n`);
process.kill(process.pid, 'SIGKILL');
