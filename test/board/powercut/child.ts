// Child of powercut.test.ts, run with the LD_PRELOAD shim (shim.c) logging
// every file operation under the data folder.
//   powercut DATA LOG INDEX: a real-time board with four calls whose far ends
//     each play a chirp (chirp.ts: its frequency tells how far into it a
//     sample is). It records, under DATA/recordings: three plain takes (1 s
//     and 6 s that finish, one still running), a rolling recording of
//     channel 2 in 1 s segments and a per-call stereo recording of channel 3
//     (src/recording), indexed in an LMDB index under INDEX (not logged: the
//     test rebuilds it from the I lines). Its own log lines, on the shim's
//     time line (CLOCK_MONOTONIC ns):
//       P ns CH               channel CH's far end starts its chirp
//       M ns done FILE BYTES  a take's done arrived (BYTES of audio)
//       I ns JSON             an index entry was committed
//       K ns                  it kills itself (SIGKILL) now
//   fault DIR: a stepped board records 1 s; the shim fails an operation
//     (HL_SHIM_FAIL); prints the RecordResult as JSON.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBoard } from '../../../src/board/index.ts';
import type { Board, Channel } from '../../../src/board/types.ts';
import { startCallRecording } from '../../../src/recording/call.ts';
import { openRecordingIndex } from '../../../src/recording/lmdb-index.ts';
import { startRolling } from '../../../src/recording/rolling.ts';
import type { RecordingEntry, RecordingIndex, RecordingQuery } from '../../../src/recording/types.ts';
import { connect } from '../helpers.ts';
import { chirp } from './chirp.ts';

const PROFILE = new URL('../../../boards/sim-e1x2.json', import.meta.url).pathname;
const [mode, dir, log, indexDir] = process.argv.slice(2);

function tone(ms: number, hz: number): Int16Array {
  const t = new Int16Array(8 * ms);
  for (let i = 0; i < t.length; i++) t[i] = Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / 8000));
  return t;
}

/** Appends "KIND NS REST" to the log (NS: CLOCK_MONOTONIC, the shim's clock). */
const mark = (kind: string, rest = '') => appendFileSync(log, `${kind} ${process.hrtime.bigint()}${rest ? ` ${rest}` : ''}\n`);

/** The index, each committed put logged as an I line. */
class LoggedIndex implements RecordingIndex {
  constructor(private readonly inner: RecordingIndex) {}
  get(id: string) {
    return this.inner.get(id);
  }
  async put(e: RecordingEntry) {
    await this.inner.put(e);
    mark('I', JSON.stringify(e));
  }
  remove(id: string) {
    return this.inner.remove(id);
  }
  search(q: RecordingQuery) {
    return this.inner.search(q);
  }
  all() {
    return this.inner.all();
  }
  count() {
    return this.inner.count();
  }
  close() {
    return this.inner.close();
  }
}

async function callRealtime(board: Board, i: number): Promise<[Channel, Channel]> {
  const eng = board.channel(i);
  const net = board.network!.channel(i);
  const placed = net.call();
  while (eng.state !== 'ringing') await new Promise((r) => setTimeout(r, 5));
  await eng.answer();
  await placed;
  return [eng, net];
}

if (mode === 'powercut') {
  const board = await openBoard(PROFILE, { mode: 'realtime' });
  const index = new LoggedIndex(openRecordingIndex(indexDir));
  const recs = join(dir, 'recordings');
  // Armed before its call: the rolling tap starts with the call on channel 2.
  startRolling({ board, select: { channels: [2] }, dataDir: dir, index, segmentMs: 1000 });
  const lines: Array<[Channel, Channel]> = [];
  for (let i = 0; i < 4; i++) lines.push(await callRealtime(board, i));
  const sweep = chirp();
  lines.forEach(([, net], i) => {
    mark('P', String(i));
    void net.play({ encoding: 'pcm16', data: sweep });
  });
  // Channel 3's whole call, stereo: its far end's chirp left, what it hears (a 500 Hz tone) right.
  void lines[3][0].play({ encoding: 'pcm16', data: tone(12000, 500) });
  startCallRecording({ caller: lines[3][0], callId: 'PC-1', dataDir: dir, index });
  const done = (file: string) => (r: { durationMs: number; reason: string }) => {
    if (r.reason !== 'error') mark('M', `done ${file} ${r.durationMs * 8}`);
  };
  const [e0] = lines[0];
  const [e1] = lines[1];
  const b = e1.record(join(recs, 'b.wav'), { maxMs: 6000 }).then(done(join(recs, 'b.wav')));
  await e0.record(join(recs, 'a.wav'), { maxMs: 1000 }).then(done(join(recs, 'a.wav')));
  void e0.record(join(recs, 'c.wav'), { maxMs: 0 });
  await b;
  await new Promise((r) => setTimeout(r, 300));
  mark('K');
  process.kill(process.pid, 'SIGKILL');
} else if (mode === 'fault') {
  const board = await openBoard(PROFILE);
  const [[eng, net]] = await connect(board, [0]);
  void net.play({ encoding: 'pcm16', data: tone(2000, 700) });
  const p = eng.record(join(dir, 'f.wav'), { maxMs: 1000 });
  await board.advance(1100);
  process.stdout.write(`${JSON.stringify(await p)}\n`);
  await board.close();
}
