// One engine per data folder: a second engine on the same folder is refused
// with CALL_DATA_LOCKED naming the process that holds it; the lock goes with
// its engine (stop, or a crash: a lock whose process is gone is taken over).
// `--data` naming a file is CALL_DATA_NOT_DIR, and a folder that cannot be
// made (procfs) is CALL_DATA_UNUSABLE at once, not a spinning mkdir.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOCK_FILE } from '../../src/calls/datadir.ts';
import { openEngine } from '../../src/calls/engine.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hl-lock-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function startSync(args: string[]): { status: number | null; err: string; ms: number } {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['src/cli/bin.js', 'start', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, err: r.stderr, ms: Date.now() - t };
}

async function codeOf(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  return { message: 'no error' };
}

test('a second engine on the same folder is refused, naming the holder; the lock goes when the first closes', async () => {
  const data = join(dir, 'same');
  const first = await openEngine({ dataDir: data, mode: 'stepped' });
  try {
    const held = JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8'));
    assert.is(held.pid, process.pid);
    const e = await codeOf(openEngine({ dataDir: data, mode: 'stepped' }));
    assert.is(e.code, 'CALL_DATA_LOCKED', e.message);
    assert.match(e.message, 'this process');
  } finally {
    await first.close();
  }
  assert.not.ok(existsSync(join(data, LOCK_FILE)), 'the lock outlived its engine');
  const again = await openEngine({ dataDir: data, mode: 'stepped' });
  await again.close();
});

test('hotline start while another hotline start runs on the folder: exit 1, CALL_DATA_LOCKED with its pid', async () => {
  const data = join(dir, 'two');
  const child = spawn(process.execPath, ['src/cli/bin.js', 'start', '--data', data], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('close', r));
  try {
    // The event we wait for: the first engine says it is up.
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('the first engine did not start')), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        if (/hotline: board/.test(String(d))) {
          clearTimeout(guard);
          resolve();
        }
      });
    });
    const second = startSync(['--stepped', '--for', '1', '--data', data]);
    assert.is(second.status, 1, second.err);
    assert.match(second.err, `CALL_DATA_LOCKED: the data folder ${data} is in use by another hotline engine: process ${child.pid} on ${hostname()}`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  const third = startSync(['--stepped', '--for', '1', '--data', data]);
  assert.is(third.status, 0, `the lock outlived a stopped engine: ${third.err}`);
});

test('a stale lock (its process is gone, as after kill -9) is taken over', async () => {
  const data = join(dir, 'stale');
  mkdirSync(data);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(gone.stdout);
  writeFileSync(join(data, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00Z', argv: ['hotline', 'start'] }));
  const engine = await openEngine({ dataDir: data, mode: 'stepped' });
  try {
    assert.is(JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8')).pid, process.pid);
  } finally {
    await engine.close();
  }
});

test('--data naming a file: CALL_DATA_NOT_DIR with a sentence, not EEXIST', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  for (const data of [file, join(file, 'sub')]) {
    const r = startSync(['--stepped', '--for', '1', '--data', data]);
    assert.is(r.status, 1);
    assert.match(r.err, `CALL_DATA_NOT_DIR: ${file} is a file, not a folder`);
    assert.not.match(r.err, 'EEXIST');
  }
});

test('--data /proc/x: refused at once with CALL_DATA_UNUSABLE (no spinning mkdir)', () => {
  const r = startSync(['--stepped', '--for', '1', '--data', '/proc/hotline-x/data']);
  assert.is(r.status, 1, `exit ${r.status} after ${r.ms} ms: ${r.err}`);
  assert.match(r.err, 'CALL_DATA_UNUSABLE: the data folder /proc/hotline-x/data cannot be made');
});

test.run();
