// Child of powercut.test.ts, run with the LD_PRELOAD shim (shim.c) logging
// every file operation in the recording folder.
//   powercut DIR LOG: a real-time board records three takes (1 s, 6 s, and
//     one still running), appending "M done FILE DATA_BYTES" to the log when
//     a take's done arrives, then dies by SIGKILL.
//   fault DIR: a stepped board records 1 s; the shim fails an operation
//     (HL_SHIM_FAIL); prints the RecordResult as JSON.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBoard } from '../../../src/board/index.ts';
import type { Board, Channel } from '../../../src/board/types.ts';
import { connect } from '../helpers.ts';

const PROFILE = new URL('../../../boards/sim-e1x2.json', import.meta.url).pathname;
const [mode, dir, log] = process.argv.slice(2);

function tone(ms: number, hz: number): Int16Array {
  const t = new Int16Array(8 * ms);
  for (let i = 0; i < t.length; i++) t[i] = Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / 8000));
  return t;
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
  const [e0, n0] = await callRealtime(board, 0);
  const [e1, n1] = await callRealtime(board, 1);
  void n0.play({ encoding: 'pcm16', data: tone(10000, 700) });
  void n1.play({ encoding: 'pcm16', data: tone(10000, 1100) });
  const done = (file: string) => (r: { durationMs: number; reason: string }) => {
    if (r.reason !== 'error') appendFileSync(log, `M done ${file} ${r.durationMs * 8}\n`);
  };
  const b = e1.record(join(dir, 'b.wav'), { maxMs: 6000 }).then(done(join(dir, 'b.wav')));
  await e0.record(join(dir, 'a.wav'), { maxMs: 1000 }).then(done(join(dir, 'a.wav')));
  void e0.record(join(dir, 'c.wav'), { maxMs: 0 });
  await b;
  await new Promise((r) => setTimeout(r, 300));
  process.kill(process.pid, 'SIGKILL');
} else {
  const board = await openBoard(PROFILE);
  const [[eng, net]] = await connect(board, [0]);
  void net.play({ encoding: 'pcm16', data: tone(2000, 700) });
  const p = eng.record(join(dir, 'f.wav'), { maxMs: 1000 });
  await board.advance(1100);
  process.stdout.write(JSON.stringify(await p) + '\n');
  await board.close();
}
