// Power-cut model (in the spirit of CrashMonkey and ALICE): kill -9 keeps the
// page cache, a power cut does not. A real-time board records under an
// LD_PRELOAD shim (powercut/shim.c, built here with the system C compiler)
// that logs every write, truncate, fsync, syncfs, rename under the data
// folder with its time; the child (powercut/child.ts) logs on the same time
// line when each far end starts its chirp (powercut/chirp.ts), each take's
// done and each index entry committed. The checker then rebuilds the folder
// as a power cut after each chosen operation would leave it, under two models:
//   strict: only what was fsynced: a file's bytes as of its last fsync, names
//           as of the folder's last fsync (a rename is lost until then), all
//           of it as of the last syncfs;
//   cache:  everything done so far (what kill -9 leaves).
// The index is rebuilt as of the same point (the entries committed before
// it). Each state goes through the real start-up (the IVR's scan, src/ivr/
// recordings.ts, then the recording layer's: finish the .part files, repair
// the index) and every promise is checked:
//   - a take whose done was delivered is there, complete and valid; every
//     indexed recording was durable (there, finished, as long as indexed)
//     before the crash;
//   - after the start-up nothing is unfinished, every recording file is
//     indexed and every entry is a valid file (verifyIndex), each entry the
//     scan repaired is marked `recovered`, and what survived is a prefix of
//     what was recorded;
//   - the 1 s bound: each recording (plain take, rolling segments, per-call
//     stereo) holds the chirp up to at most 1 s before the crash (or its
//     end); the crash time is that of the next operation, the chirp's start
//     the time logged before play() (both err towards more audio lost).
// The same shim makes chosen operations fail, to check each disk error's own code.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanRecordings } from '../../src/ivr/recordings.ts';
import { recordingsOnDisk } from '../../src/recording/files.ts';
import { openRecordingIndex, openRecordingLayer, verifyIndex, type RecordingEntry } from '../../src/recording/index.ts';
import { channelOf, readWav } from './helpers.ts';
import { buildShim } from './powercut/build-shim.ts';
import { chirpAt } from './powercut/chirp.ts';

const here = new URL('.', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'hl-powercut-'));
const CHILD = join(here, 'powercut', 'child.ts');

const shim = buildShim(root);

/** The bound under test: audio lost by a power cut or kill -9, in seconds. */
const BOUND_S = 1;
/**
 * The writer's budget for one syncfs (native/board/writer.cc: a drain point
 * every 500 ms, + a 40 ms pass, + the sync): a crash during a sync that
 * takes longer (a disk shared with a busy machine: syncfs flushes every
 * process's data) may lose that much more, and is allowed it here.
 */
const SYNC_BUDGET_S = 0.4;

type Op = { ns: number } & (
  | { k: 'C' | 'S' | 'U'; p: string }
  | { k: 'Y'; p: string; start: number }
  | { k: 'W'; p: string; off: number; data: Buffer }
  | { k: 'T'; p: string; len: number }
  | { k: 'R' | 'L'; p: string; to: string }
  | { k: 'M'; p: string; bytes: number }
  | { k: 'P'; ch: number }
  | { k: 'I'; entry: RecordingEntry }
  | { k: 'K' }
);

/** The child's own lines (the others are the shim's file operations). */
const CHILD_LINES = new Set(['P', 'I', 'M', 'K']);

function parse(log: string): Op[] {
  const ops: Op[] = [];
  for (const line of log.split('\n')) {
    const f = line.split(' ');
    const ns = Number(f[1]) / 1e6; // ms on the monotonic clock
    switch (f[0]) {
      case 'C':
      case 'S':
      case 'U':
        ops.push({ k: f[0], ns, p: f[2] });
        break;
      case 'Y':
        ops.push({ k: 'Y', ns, p: f[2], start: Number(f[3]) / 1e6 });
        break;
      case 'W':
        ops.push({ k: 'W', ns, p: f[2], off: Number(f[3]), data: Buffer.from(f[4], 'hex') });
        break;
      case 'T':
        ops.push({ k: 'T', ns, p: f[2], len: Number(f[3]) });
        break;
      case 'R':
      case 'L':
        ops.push({ k: f[0], ns, p: f[2], to: f[3] });
        break;
      case 'M':
        ops.push({ k: 'M', ns, p: f[3], bytes: Number(f[4]) });
        break;
      case 'P':
        ops.push({ k: 'P', ns, ch: Number(f[2]) });
        break;
      case 'I':
        ops.push({ k: 'I', ns, entry: JSON.parse(line.slice(line.indexOf('{'))) as RecordingEntry });
        break;
      case 'K':
        ops.push({ k: 'K', ns });
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
  readonly indexed: RecordingEntry[] = []; // committed index entries (the last put of an id wins)

  apply(op: Op): void {
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
        if (!this.live.has(op.p)) {
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
      case 'I':
        this.indexed.push(op.entry);
        break;
    }
  }

  /** The data folder after a power cut now (paths relative to it): strict = only what was fsynced; cache = everything so far. */
  state(dataDir: string, strict: boolean): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const names = strict ? this.durable : this.live;
    for (const [p, ino] of names) out.set(relative(dataDir, p), strict ? (this.durableData.get(ino) ?? Buffer.alloc(0)) : this.liveData.get(ino)!);
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

/** The recordings of the child, each a set of files (by final name, relative to the data folder) holding one channel's chirp. */
interface Rec {
  name: string;
  ch: number;
  files: (rel: string) => boolean;
  /** Stereo: the channel of the file that holds the chirp. */
  side?: number;
}
const RECS: Rec[] = [
  { name: 'take a', ch: 0, files: (f) => f === 'recordings/a.wav' },
  { name: 'take b', ch: 1, files: (f) => f === 'recordings/b.wav' },
  { name: 'take c', ch: 0, files: (f) => f === 'recordings/c.wav' },
  { name: 'rolling segments of channel 2', ch: 2, files: (f) => f.startsWith('recordings/segments/') },
  { name: 'per-call stereo of channel 3', ch: 3, files: (f) => f.startsWith('recordings/calls/'), side: 0 },
];
/** Where the start-up puts a file: takes no case refers to go to orphans/. */
const afterScan = (rel: string) => (/^recordings\/[^/]+$/.test(rel) ? `recordings/orphans/${basename(rel)}` : rel);

/** Monotonic ms when the last sample of `file` was on the line (its channel's chirp started at chirp0); null when it ends before the chirp. */
function lineTimeOfEnd(file: string, chirp0: number, side?: number): number | null {
  const w = readWav(file);
  const x = w.channels === 2 ? channelOf(w.samples, side ?? 0, 2) : w.samples;
  const s = chirpAt(x);
  return s === null ? null : chirp0 + s * 1000;
}

test('power cut after any operation: promises kept, index consistent, at most 1 s of each recording lost', async () => {
  const dataDir = join(root, 'run');
  const indexDir = join(root, 'run-index');
  mkdirSync(join(dataDir, 'recordings'), { recursive: true });
  mkdirSync(indexDir);
  const log = join(root, 'ops.log');
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'powercut', dataDir, log, indexDir], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, LD_PRELOAD: shim, HL_SHIM_DIR: dataDir, HL_SHIM_LOG: log },
  });
  assert.is(r.signal, 'SIGKILL', `the recording process should die by SIGKILL (${r.status}: ${r.stderr})`);
  const ops = parse(readFileSync(log, 'utf8'));
  assert.ok(ops.filter((o) => o.k === 'M').length === 2, 'two takes delivered their done');
  assert.ok(ops.some((o) => o.k === 'R'), 'renames were logged');
  assert.ok(ops.filter((o) => o.k === 'Y').length >= 5, `periodic syncs: ${ops.filter((o) => o.k === 'Y').length}`);
  assert.ok(ops.filter((o) => o.k === 'I' && o.entry.kind === 'segment').length >= 3, 'rolling segments were indexed');
  const chirp0 = new Map<number, number>();
  for (const o of ops) if (o.k === 'P') chirp0.set(o.ch, o.ns);
  assert.is(chirp0.size, 4);

  // Every recording in full (the end of the log, page cache): the final audio
  // for the prefix check; when each began (its first file's creation) and
  // when its last sample was on the line.
  const end = new Model();
  for (const op of ops) end.apply(op);
  const finalData = new Map<string, Buffer>();
  for (const [rel, b] of end.state(dataDir, false)) finalData.set(rel.replace(/\.part$/, ''), b.subarray(b.indexOf('data', 12, 'latin1') + 8));
  const began = new Map<Rec, number>();
  for (const o of ops) {
    if (o.k !== 'C') continue;
    const rec = RECS.find((x) => x.files(relative(dataDir, o.p).replace(/\.part$/, '')));
    if (rec && !began.has(rec)) began.set(rec, o.ns);
  }
  assert.is(began.size, RECS.length, `every recording made a file: ${[...began.keys()].map((x) => x.name).join(', ')}`);
  const ended = new Map<Rec, number>();
  {
    const full = join(root, 'full');
    for (const [rel, d] of finalData) {
      const rec = RECS.find((x) => x.files(rel));
      if (!rec) continue;
      const f = join(full, rel);
      mkdirSync(dirname(f), { recursive: true });
      const b = end.state(dataDir, false).get(rel) ?? end.state(dataDir, false).get(`${rel}.part`)!;
      const hdr = b.subarray(0, b.indexOf('data', 12, 'latin1') + 8);
      if (process.env.DBG) console.log(rel, b.length, b.subarray(0, 16).toString('hex'), b.indexOf('data', 12, 'latin1'));
      // A header for what is in the file (a .part's header may lag).
      const fixed = Buffer.concat([hdr, d]);
      fixed.writeUInt32LE(fixed.length - 8, 4);
      fixed.writeUInt32LE(d.length, hdr.length - 4);
      writeFileSync(f, fixed);
      const t = lineTimeOfEnd(f, chirp0.get(rec.ch)!, rec.side);
      if (t !== null) ended.set(rec, Math.max(ended.get(rec) ?? 0, t));
    }
    rmSync(full, { recursive: true, force: true });
  }
  assert.is(ended.size, RECS.length, 'every recording holds the chirp');

  // Crash points: after every operation but a write, just before every sync
  // (the longest the durable point lags), and 40 spread over the writes.
  const points = new Set<number>([0, ops.length]);
  ops.forEach((o, i) => {
    if (o.k !== 'W') points.add(i + 1);
    if (o.k === 'Y') points.add(i);
  });
  for (let i = 0; i < 40; i++) points.add(Math.floor(((i + 0.5) * ops.length) / 40));
  const killedAt = Math.max(...ops.map((o) => o.ns));
  const m = new Model();
  let applied = 0;
  let checked = 0;
  const worst = { strict: 0, cache: 0 };
  let slowSyncs = 0;
  const problems: string[] = [];
  const noCases = { async *exportCases() {} };
  for (const k of [...points].sort((a, b) => a - b)) {
    while (applied < k) m.apply(ops[applied++]);
    // The state lasts until the next operation (the child's own lines may be a few µs out of order).
    const crashAt = k < ops.length ? Math.max(ops[k].ns, k > 0 ? ops[k - 1].ns : 0) : killedAt;
    // A sync under way at the crash (the shim logs nothing during one but the child's own lines).
    let syncing = 0;
    for (let i = k; i < ops.length && (ops[i].k === 'Y' || CHILD_LINES.has(ops[i].k)); i++) {
      const o = ops[i];
      if (o.k === 'Y') {
        if (o.start <= crashAt) syncing = (o.ns - o.start) / 1000;
        break;
      }
    }
    const allowed = BOUND_S + Math.max(0, syncing - SYNC_BUDGET_S);
    if (allowed > BOUND_S) slowSyncs++;
    for (const strict of [true, false]) {
      const model = strict ? 'strict' : 'cache';
      const where = `after op ${k}/${ops.length} (${model} model)`;
      const state = m.state(dataDir, strict);
      // Promise 1: every done take is there, complete, valid.
      for (const [file, bytes] of m.done) {
        const b = state.get(relative(dataDir, file));
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
      // Promise 2: nothing is indexed before it is durable.
      const indexed = new Map(m.indexed.map((e) => [e.id, e]));
      for (const e of indexed.values()) {
        const b = state.get(e.id);
        if (!b) {
          problems.push(`${where}: ${e.id} is indexed but not on disk`);
          continue;
        }
        try {
          // A-law: one byte per sample and channel (channels at byte 22 of the header).
          if (Math.abs(strictData(b, e.id).length / (b.readUInt16LE(22) * 8) - e.durationMs) > 1) problems.push(`${where}: ${e.id} is indexed with ${e.durationMs} ms, not what is on disk`);
        } catch (err) {
          problems.push(`${where}: ${e.id} is indexed but ${(err as Error).message}`);
        }
      }

      // The start-up: the IVR's scan, then the recording layer's.
      const data = join(root, `state-${checked}`);
      const past = new Date(Date.now() - 60000);
      for (const [rel, b] of state) {
        mkdirSync(dirname(join(data, rel)), { recursive: true });
        writeFileSync(join(data, rel), b);
        utimesSync(join(data, rel), past, past);
      }
      mkdirSync(join(data, 'recordings'), { recursive: true });
      const ix = openRecordingIndex(data);
      for (const e of indexed.values()) await ix.put(e);
      await ix.close();
      const scan = await scanRecordings({ dataDir: data, store: noCases, startedAt: Date.now() + 60000 });
      for (const name of scan.unreadable)
        if (state.get(`recordings/${name}`)?.length !== 0) problems.push(`${where}: ${name} is not a WAV the scan can repair`);
      if (scan.failed.length) problems.push(`${where}: the scan failed on ${scan.failed.join(', ')}`);
      const layer = await openRecordingLayer({ dataDir: data, store: noCases, recovered: scan.recovered });
      try {
        // Promise 3: the index is consistent: every entry a valid file of the
        // length indexed, every file indexed, the entries from before the
        // crash kept, the repaired ones marked.
        for (const p of verifyIndex(data, layer.index).problems) problems.push(`${where}: index: ${p.id}: ${p.code} ${p.message}`);
        const byFile = new Map<string, RecordingEntry>();
        for (const e of layer.index.all()) for (const f of [e.id, ...e.files]) byFile.set(f, e);
        for (const id of recordingsOnDisk(data)) if (!byFile.has(id)) problems.push(`${where}: ${id} is on disk but not indexed`);
        for (const e of indexed.values()) {
          const now = layer.index.get(e.id);
          if (!now || now.kind !== e.kind || now.channel !== e.channel || now.recovered !== undefined) problems.push(`${where}: ${e.id}, indexed before the crash, became ${JSON.stringify(now)}`);
        }
        for (const [rel, b] of state) {
          const fin = afterScan(rel.replace(/\.part$/, ''));
          const e = byFile.get(fin);
          const repaired = rel.endsWith('.part') && b.length > 0;
          if (e && repaired !== (e.recovered !== undefined)) problems.push(`${where}: ${fin} ${repaired ? 'was repaired but is not' : 'is'} marked recovered`);
        }
        const left = readdirSync(join(data, 'recordings'), { recursive: true }).map(String).filter((n) => n.endsWith('.part'));
        if (left.length) problems.push(`${where}: the start-up left ${left.join(', ')}`);

        // Promise 4: what survived is what was recorded, up to at most 1 s before the crash.
        for (const rec of RECS) {
          let last: number | null = null;
          let any = false;
          for (const rel of recordingsOnDisk(data)) {
            const orig = rel.replace('recordings/orphans/', 'recordings/');
            if (!rec.files(orig)) continue;
            any = true;
            const d = strictData(readFileSync(join(data, rel)), rel);
            const full = finalData.get(orig);
            if (!full || !full.subarray(0, d.length).equals(d)) problems.push(`${where}: ${rel}'s audio is not a prefix of what was recorded`);
            const t = lineTimeOfEnd(join(data, rel), chirp0.get(rec.ch)!, rec.side);
            if (t !== null) last = Math.max(last ?? 0, t);
          }
          const due = Math.min(crashAt, ended.get(rec)!);
          if (due - began.get(rec)! <= BOUND_S * 1000) continue; // less than the bound recorded: all of it may go
          const lost = (due - (last ?? began.get(rec)!)) / 1000;
          worst[model] = Math.max(worst[model], lost);
          if (lost > (strict ? allowed : BOUND_S)) problems.push(`${where}: ${rec.name} lost ${lost.toFixed(2)} s (${any ? 'holds audio' : 'no file'} up to ${last === null ? 'nothing' : ((last - began.get(rec)!) / 1000).toFixed(2)} s in)`);
        }
      } finally {
        await layer.close();
      }
      rmSync(data, { recursive: true, force: true });
      checked++;
    }
  }
  console.log(`  power cut: ${checked} crash states; most audio lost: ${worst.strict.toFixed(2)} s (power cut), ${worst.cache.toFixed(2)} s (kill -9); ${slowSyncs} crash points in a sync over ${SYNC_BUDGET_S * 1000} ms`);
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
