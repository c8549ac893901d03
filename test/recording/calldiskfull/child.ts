// Child of test/recording/call-diskfull.test.ts, run under the LD_PRELOAD shim
// (test/board/powercut/shim.c) that fails chosen writes of per-call
// recordings (paths under recordings/calls) with ENOSPC: a stepped sim board,
// a call of 5 s whose far end says 700 Hz for 2.5 s then 1100 Hz for 2.5 s,
// recorded per call with a retry every 1000 ms. Prints one JSON line: the
// index entry, the log lines, the channel's state during the call, the
// recording's start and the files left in its folder.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openBoard } from '../../../src/board/index.ts';
import { openRecordingIndex } from '../../../src/recording/index.ts';
import { startCallRecording } from '../../../src/recording/call.ts';
import { recordingPath } from '../../../src/recording/ids.ts';
import { connect, sine } from '../../board/helpers.ts';

const dir = process.argv[2];
const T0 = Date.UTC(2026, 2, 2, 2, 0);
const board = await openBoard(new URL('../../../boards/sim-e1x2.json', import.meta.url).pathname);
const index = openRecordingIndex(dir);
const lines: string[] = [];
const alarms: Array<{ raised: boolean; code: string; callId?: string }> = [];
const [[caller, far]] = await connect(board, [0]);
const start = T0 + board.now();
const rec = startCallRecording({ caller, callId: 'C20260302-0042', dataDir: dir, index, retryMs: 1000, now: () => T0 + board.now(), log: (l) => lines.push(l), onAlarm: (a) => alarms.push({ raised: a.raised, code: a.code, callId: a.callId }), facts: { direction: 'inbound', callerNumber: '13900001111' } });
const data = new Int16Array(40_000);
data.set(sine(700, 2500), 0);
data.set(sine(1100, 2500), 20_000);
const talk = far.play({ encoding: 'pcm16', data });
const states: string[] = [];
for (let t = 0; t < 50; t++) {
  await board.advance(100);
  states.push(caller.state);
}
await talk;
const hung = far.hangup();
await board.advance(300);
await hung;
const entry = await rec.done;
const files = readdirSync(dirname(recordingPath(dir, rec.id))).sort();
await index.close();
await board.close();
process.stdout.write(`${JSON.stringify({ entry, lines, states, start, files, alarms })}\n`);
