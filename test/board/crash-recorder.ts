// Child process of crash.test.ts: records on a real-time board, then dies by
// SIGKILL in the middle of the recording (no close, no finalisation). Prints
// "recording START KILL": the board ms when the recording was asked for and
// when the process killed itself.
import { openBoard } from '../../src/board/index.ts';

const [file, ms] = [process.argv[2], Number(process.argv[3])];
const board = await openBoard(new URL('../../boards/sim-e1x2.json', import.meta.url).pathname, { mode: 'realtime' });
const eng = board.channel(0);
const net = board.network!.channel(0);
const call = net.call();
while (eng.state !== 'ringing') await new Promise((r) => setTimeout(r, 5));
await eng.answer();
await call;
const tone = new Int16Array(8000 * 10);
for (let i = 0; i < tone.length; i++) tone[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
void net.play({ encoding: 'pcm16', data: tone });
void eng.record(file, { maxMs: 0 });
const start = board.now();
setTimeout(() => {
  process.stdout.write(`recording ${start} ${board.now()}\n`);
  process.kill(process.pid, 'SIGKILL');
}, ms);
