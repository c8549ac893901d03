// Child process for log-crash.test.ts: appends queue-log events to the log at
// argv[2] as fast as it can, 50 in flight, and prints "ACK <callId>" only
// after append() has resolved, until it is killed with SIGKILL (or it has
// written argv[4] events, then it idles). Times restart at 0 in every round,
// as board time does after a restart.
import { LmdbQueueLog } from '../../src/acd/log.ts';

const log = LmdbQueueLog.open(process.argv[2]);
const round = process.argv[3];
const limit = Number(process.argv[4] ?? Infinity);
let i = 0;
while (i < limit) {
  const batch: Promise<void>[] = [];
  for (let k = 0; k < 50 && i < limit; k++, i++) {
    const callId = `r${round}-${i}`;
    batch.push(log.append({ type: 'enter', at: i, queue: 'q', callId, priority: 0, position: 1 }).then(() => void process.stdout.write(`ACK ${callId}\n`)));
  }
  await Promise.all(batch);
}
setInterval(() => {}, 1000);
