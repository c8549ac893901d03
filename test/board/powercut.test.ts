// Power-cut model (in the spirit of CrashMonkey and ALICE): kill -9 keeps the
// page cache, a power cut does not. A real-time board records under an
// LD_PRELOAD shim (powercut/shim.c, built here with the system C compiler)
// that logs every write, truncate, fsync, rename in the recording folder;
// the checker then rebuilds the folder as a power cut after each chosen
// operation would leave it, under two models:
//   strict: only what was fsynced: a file's bytes as of its last fsync, names
//           as of the folder's last fsync (a rename is lost until then), all
//           of it as of the last syncfs;
//   cache:  everything done so far (what kill -9 leaves).
// Each state goes through the real start-up scan (src/ivr/recordings.ts) and
// every promise is checked: a recording whose `done` was delivered is there,
// complete and valid; an unfinished one is absent, or the scan turns it into
// a valid file whose audio is a prefix of what was recorded. The same shim
// makes chosen operations fail, to check each disk error's own code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanRecordings } from '../../src/ivr/recordings.ts';
import { buildShim } from './powercut/build-shim.ts';

const here = new URL('.', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'hl-powercut-'));
const CHILD = join(here, 'powercut', 'child.ts');

const shim = buildShim(root);

type Op =
  | { k: 'C' | 'S' | 'U' | 'Y'; p: string }
  | { k: 'W'; p: string; off: number; data: Buffer }
  | { k: 'T'; p: string; len: number }
  | { k: 'R' | 'L'; p: string; to: string }
  | { k: 'M'; p: string; bytes: number };

function parse(log: string): Op[] {
  const ops: Op[] = [];
  for (const line of log.split('\n')) {
    const f = line.split(' ');
    switch (f[0]) {
      case 'C':
      case 'S':
      case 'U':
      case 'Y':
        ops.push({ k: f[0], p: f[1] });
        break;
      case 'W':
        ops.push({ k: 'W', p: f[1], off: Number(f[2]), data: Buffer.from(f[3], 'hex') });
        break;
      case 'T':
        ops.push({ k: 'T', p: f[1], len: Number(f[2]) });
        break;
      case 'R':
      case 'L':
        ops.push({ k: f[0], p: f[1], to: f[2] });
        break;
      case 'M':
        ops.push({ k: 'M', p: f[2], bytes: Number(f[3]) });
        break;
    }
  }
  return ops;
}

/** The file system as the log builds it: live (page cache) and durable (fsynced) state. */
class Model {
  private nextIno = 1;
  readonly live = new Map<string, number>(); // path -> inode
  readonly liveData = new Map<number, Buffer>();
  readonly durable = new Map<string, number>();
  readonly durableData = new Map<number, Buffer>();
  readonly done = new Map<string, number>(); // file -> data bytes promised by its done

  apply(op: Op, dirs: Set<string>): void {
    switch (op.k) {
      case 'C': {
        const ino = this.nextIno++;
        this.live.set(op.p, ino);
        this.liveData.set(ino, Buffer.alloc(0));
        break;
      }
      case 'W': {
        const ino = this.live.get(op.p)!;
        let d = this.liveData.get(ino)!;
        if (d.length < op.off + op.data.length) d = Buffer.concat([d, Buffer.alloc(op.off + op.data.length - d.length)]);
        op.data.copy(d, op.off);
        this.liveData.set(ino, d);
        break;
      }
      case 'T': {
        const ino = this.live.get(op.p)!;
        const d = this.liveData.get(ino)!;
        this.liveData.set(ino, d.length >= op.len ? d.subarray(0, op.len) : Buffer.concat([d, Buffer.alloc(op.len - d.length)]));
        break;
      }
      case 'S':
        if (dirs.has(op.p)) {
          // A folder's fsync makes its names (creations, renames, unlinks) durable.
          for (const p of [...this.durable.keys()]) if (dirname(p) === op.p) this.durable.delete(p);
          for (const [p, ino] of this.live) if (dirname(p) === op.p) this.durable.set(p, ino);
        } else {
          const ino = this.live.get(op.p)!;
          this.durableData.set(ino, Buffer.from(this.liveData.get(ino)!));
        }
        break;
      case 'Y':
        // syncfs: every name and every byte on the file system is durable.
        this.durable.clear();
        for (const [p, ino] of this.live) this.durable.set(p, ino);
        for (const [ino, d] of this.liveData) this.durableData.set(ino, Buffer.from(d));
        break;
      case 'R':
        this.live.set(op.to, this.live.get(op.p)!);
        this.live.delete(op.p);
        break;
      case 'L':
        this.live.set(op.to, this.live.get(op.p)!);
        break;
      case 'U':
        this.live.delete(op.p);
        break;
      case 'M':
        this.done.set(op.p, op.bytes);
        break;
    }
  }

  /** The folder after a power cut now: strict = only what was fsynced; cache = everything so far. */
  state(strict: boolean): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const names = strict ? this.durable : this.live;
    for (const [p, ino] of names) out.set(basename(p), strict ? (this.durableData.get(ino) ?? Buffer.alloc(0)) : this.liveData.get(ino)!);
    return out;
  }
}

/** Data chunk of a WAV that must match its header exactly (the strict reading). */
function strictData(b: Buffer, what: string): Buffer {
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${what}: not RIFF/WAVE`);
  const riff = b.readUInt32LE(4);
  if (riff + 8 !== b.length && riff + 9 !== b.length) throw new Error(`${what}: RIFF size ${riff} for ${b.length} bytes`);
  const at = b.indexOf('data', 12, 'latin1');
  if (at < 0) throw new Error(`${what}: no data chunk`);
  const size = b.readUInt32LE(at + 4);
  if (at + 8 + size > b.length || b.length - (at + 8 + size) > 1) throw new Error(`${what}: data size ${size} for ${b.length - at - 8} bytes`);
  return b.subarray(at + 8, at + 8 + size);
}

test('power cut after any operation: done recordings complete and valid; unfinished ones absent or a valid prefix after the scan', async () => {
  const dir = join(root, 'run');
  mkdirSync(dir);
  const log = join(root, 'ops.log');
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'powercut', dir, log], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, LD_PRELOAD: shim, HL_SHIM_DIR: dir, HL_SHIM_LOG: log },
  });
  assert.is(r.signal, 'SIGKILL', `the recording process should die by SIGKILL (${r.status}: ${r.stderr})`);
  const ops = parse(readFileSync(log, 'utf8'));
  const dirs = new Set([dir]);
  assert.ok(ops.filter((o) => o.k === 'M').length === 2, 'two recordings delivered their done');
  assert.ok(ops.some((o) => o.k === 'R'), 'renames were logged');

  // Final audio of every recording (by final name), for the prefix check.
  const end = new Model();
  for (const op of ops) end.apply(op, dirs);
  const finalData = new Map<string, Buffer>();
  for (const [name, b] of end.state(false)) {
    const key = name.replace(/\.part$/, '');
    const at = b.indexOf('data', 12, 'latin1');
    finalData.set(key, b.subarray(at + 8));
  }

  // Crash points: after every fsync, rename, create and done, and 40 spread over the writes (bounded).
  const points = new Set<number>([0, ops.length]);
  ops.forEach((o, i) => o.k !== 'W' && points.add(i + 1));
  for (let i = 0; i < 40; i++) points.add(Math.floor(((i + 0.5) * ops.length) / 40));
  const m = new Model();
  let applied = 0;
  let checked = 0;
  const problems: string[] = [];
  for (const k of [...points].sort((a, b) => a - b)) {
    while (applied < k) m.apply(ops[applied++], dirs);
    for (const strict of [true, false]) {
      const where = `after op ${k}/${ops.length} (${strict ? 'strict' : 'cache'} model)`;
      const state = m.state(strict);
      // Promise 1: every done recording is there, complete, valid.
      for (const [file, bytes] of m.done) {
        const b = state.get(basename(file));
        if (!b) {
          problems.push(`${where}: ${basename(file)} delivered its done but is missing`);
          continue;
        }
        try {
          const d = strictData(b, basename(file));
          if (d.length !== bytes) problems.push(`${where}: ${basename(file)} has ${d.length} bytes of audio, its done said ${bytes}`);
        } catch (e) {
          problems.push(`${where}: ${(e as Error).message}`);
        }
      }
      // Promise 2: the scan turns everything else into valid files (or removes an empty one).
      const data = join(root, `state-${checked}`);
      const recs = join(data, 'recordings');
      mkdirSync(recs, { recursive: true });
      for (const [name, b] of state) writeFileSync(join(recs, name), b);
      const report = await scanRecordings({ dataDir: data, store: { async *exportCases() {} }, startedAt: Date.now() + 60000 });
      for (const name of report.unreadable)
        if (state.get(name)!.length !== 0) problems.push(`${where}: ${name} (${state.get(name)!.length} bytes) is not a WAV the scan can repair`);
      if (report.failed.length) problems.push(`${where}: the scan failed on ${report.failed.join(', ')}`);
      const left = readdirSync(recs).filter((n) => n !== 'orphans');
      if (left.length) problems.push(`${where}: the scan left ${left.join(', ')}`);
      const orphans = join(recs, 'orphans');
      for (const name of existsSync(orphans) ? readdirSync(orphans).filter((n) => n.endsWith('.wav')) : []) {
        try {
          const d = strictData(readFileSync(join(recs, 'orphans', name)), name);
          const full = finalData.get(name);
          if (!full || !full.subarray(0, d.length).equals(d)) problems.push(`${where}: ${name}'s audio is not a prefix of what was recorded`);
        } catch (e) {
          problems.push(`${where}: after the scan ${(e as Error).message}`);
        }
      }
      rmSync(data, { recursive: true, force: true });
      checked++;
    }
  }
  assert.equal(problems.slice(0, 10), [], `${problems.length} broken promises in ${checked} crash states`);
  assert.ok(checked >= 40, `only ${checked} crash states checked`);
});

/** Records 1 s on a stepped board with the shim failing one operation; returns the RecordResult and the folder. */
function faulty(name: string, rule: string): { result: Record<string, unknown>; dir: string } {
  const dir = join(root, name);
  mkdirSync(dir);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'fault', dir], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, LD_PRELOAD: shim, HL_SHIM_DIR: dir, HL_SHIM_FAIL: rule },
  });
  assert.is(r.status, 0, `child failed: ${r.stderr}`);
  return { result: JSON.parse(r.stdout.trim().split('\n').pop()!), dir };
}

test('each disk error has its own code in the completion: EACCES, ENOSPC, EIO, a failed fsync', () => {
  const access = faulty('eacces', 'open:.part:EACCES');
  assert.is(access.result.reason, 'error');
  assert.is((access.result.error as { code: string }).code, 'HL_EREC_ACCESS');
  const full = faulty('enospc', 'write:.part:ENOSPC:4');
  assert.is(full.result.reason, 'error');
  assert.is((full.result.error as { code: string }).code, 'HL_EREC_DISKFULL');
  // What reached the disk before the failure is kept, as a valid file.
  const kept = strictData(readFileSync(join(full.dir, 'f.wav')), 'f.wav');
  assert.ok(kept.length > 0 && kept.length < 8000, `kept ${kept.length} bytes`);
  const eio = faulty('eio', 'write:.part:EIO:4');
  assert.is((eio.result.error as { code: string }).code, 'HL_EREC_IO');
  // A file that could not be made durable is not reported as done.
  const sync = faulty('fsync', 'fsync:f.wav.part:EIO');
  assert.is(sync.result.reason, 'error');
  assert.is((sync.result.error as { code: string }).code, 'HL_EREC_IO');
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
