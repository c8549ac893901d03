// Child of test/recording/diskfull.test.ts, run under the LD_PRELOAD shim
// (test/board/powercut/shim.c) that fails one chosen write of a rolling
// segment with ENOSPC: a stepped sim board, a rolling recording of channel 0
// in 500 ms segments, a call of 5 s on it. Prints one JSON line: the alarms,
// log lines, the index's segments and the channel's state during the call.
import { openBoard } from '../../../src/board/index.ts';
import { openRecordingIndex } from '../../../src/recording/index.ts';
import { startRolling, type RecordingAlarm } from '../../../src/recording/rolling.ts';
import { connect, sine } from '../../board/helpers.ts';

const dir = process.argv[2];
const T0 = Date.UTC(2026, 2, 2, 2, 0);
const board = await openBoard(new URL('../../../boards/sim-e1x2.json', import.meta.url).pathname);
const index = openRecordingIndex(dir);
const lines: string[] = [];
const alarms: Array<RecordingAlarm & { boardMs: number }> = [];
const rolling = startRolling({ board, select: { channels: [0] }, dataDir: dir, index, segmentMs: 500, retryMs: 1000, now: () => T0 + board.now(), log: (l) => lines.push(l) });
rolling.alarms$.subscribe((a) => alarms.push({ ...a, boardMs: board.now() }));
const [[e0, n0]] = await connect(board, [0]);
const states: string[] = [];
const talk = n0.play({ encoding: 'pcm16', data: sine(1000, 5000) });
for (let t = 0; t < 52; t++) {
  await board.advance(100);
  states.push(e0.state);
}
await talk;
const stopped = rolling.stop();
await board.advance(200);
await stopped;
const segments = index.search({ kind: 'segment' });
await index.close();
await board.close();
process.stdout.write(`${JSON.stringify({ alarms, lines, segments, states, T0 })}\n`);
