// A process killed (SIGKILL) while it appends to the queue log loses no
// acknowledged event, and a restarted log never overwrites an earlier
// event, even when its clock starts again from 0 (board time after a restart).
// Real child processes, real kill -9, real LMDB files.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LmdbQueueLog } from '../../src/acd/log.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hotline-acd-crash-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function runAndKill(round: number, afterAcks: number, limit: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'log-crash-writer.ts'), dir, String(round), String(limit)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Set<string>();
    let armed = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('ACK ')) acks.add(line.slice(4));
      if (!armed && acks.size >= afterAcks) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 100));
      }
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acks) : reject(new Error(`writer ended by itself (code ${code}): ${err}`))));
  });
}

test('kill -9 during appends: every acknowledged event is there after restarts, none overwritten', async () => {
  const acked = new Set<string>();
  // Rounds 2 and 3 write at most 300 events, fewer than the first, so their
  // times stay below its last one: a restarted log must still not reuse keys.
  for (const [round, acks, limit] of [[1, 600, Infinity], [2, 150, 300], [3, 150, 300]]) for (const id of await runAndKill(round, acks, limit)) acked.add(id);
  const log = LmdbQueueLog.open(dir);
  const seen = new Map<string, number>();
  for (const e of log.events()) if (e.type === 'enter') seen.set(e.callId, (seen.get(e.callId) ?? 0) + 1);
  await log.close();
  const missing = [...acked].filter((id) => !seen.has(id));
  assert.equal(missing.slice(0, 5), [], `${missing.length} acknowledged events lost`);
  assert.equal([...seen].filter(([, n]) => n > 1), [], 'an event stored twice');
  assert.ok(acked.size >= 600 + 150 + 150, `${acked.size} acknowledged`);
});

test.run();
