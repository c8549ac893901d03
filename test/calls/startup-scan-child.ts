// Child of startup-scan.test.ts: a real engine process (real-time board, case
// store, IVR answering) leaves in DATA/recordings what a crash leaves, then
// dies by SIGKILL: a take a case refers to, a finished take no case refers
// to, a take recording for 2.5 s and one killed 0.5 s into its first second.
// The network side places a call the IVR answers and records what it hears.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine } from '../../src/calls/engine.ts';

const dataDir = process.argv[2];
// The IVR's takes only: the call's own recording and the rolling segments (on in real time) have their own crash test (test/recording/crash.test.ts).
const engine = await openEngine({ dataDir, mode: 'realtime', log: () => {}, recordCalls: false, rolling: 'none' });
const rec = (name: string) => join(dataDir, 'recordings', name);
mkdirSync(join(dataDir, 'recordings'), { recursive: true }); // as the IVR makes it for its first take
const net = engine.networkChannels[0];
const placed = await net.call({ callerNumber: '13912345678', calledNumber: '12315' });
if (placed.reason !== 'done') throw new Error(`the IVR did not answer: ${placed.reason}`);
await net.record(rec('kept.wav'), { maxMs: 1000 });
await engine.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13912345678', recordingIds: ['recordings/kept.wav'] });
await net.record(rec('lonely.wav'), { maxMs: 1000 });
void net.record(rec('long.wav'), { maxMs: 0 });
await new Promise((r) => setTimeout(r, 2000));
void net.tap(rec('early.wav'), { mode: 'mixed' }).done;
await new Promise((r) => setTimeout(r, 500));
process.stdout.write('killing\n');
process.kill(process.pid, 'SIGKILL');
