// The Opus archive of older recordings (issue 11), on real files: a stereo
// call recording of two parts (a resumed part after a disk failure: the
// caller's words left, the agent's right) and an IVR take, both old enough,
// and a fresh take that stays. The archive run converts the old ones to Ogg
// Opus (libopus in WebAssembly, npm opusscript): each keeps its id, its entry
// points at NAME.opus, the WAV files are gone, the bytes shrink about 4×;
// decoded, each side still holds what was said, at the same sample
// (correlation > 0.9 at lag 0). Verify, repair after the index is lost,
// export (a WAV), the HTTP route (Ogg as is, or format=wav with a Range) and
// retention's legal hold all follow the archived file; the CLI runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Fastify from 'fastify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildWav, encodeSamples, parseWav, readWavSamples } from '../../src/dsp/wav.ts';
import { archiveRecordings, decodeOggOpus, entryFor, exportRecording, openRecordingIndex, recordingPath, repairIndex, runRetention, verifyIndex } from '../../src/recording/index.ts';
import { recordingRoutes } from '../../src/recording/http.ts';
import { Sessions } from '../../src/seats/auth.ts';
import { openEngine } from '../../src/calls/engine.ts';
import { channelOf } from '../board/helpers.ts';
import { data, T0 } from './_fixture.ts';

const PROMPTS = new URL('../../prompts/zh/', import.meta.url).pathname;
const say = (id: string) => readWavSamples(join(PROMPTS, `${id}.wav`)).samples;
const DAY = 86_400_000;
const CALL = 'recordings/calls/20260101/C-OLD.wav';
const TAKE = 'recordings/C-OLD-1.wav';
const FRESH = 'recordings/C-NEW-1.wav';

/** Pearson correlation of a and b over their common length (lag 0). */
function corr(a: Int16Array, b: Int16Array): number {
  let s = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    s += a[i] * b[i];
    x += a[i] * a[i];
    y += b[i] * b[i];
  }
  return s / Math.sqrt(x * y);
}

function writeWav(dir: string, id: string, channels: 1 | 2, pcm: Int16Array, endedAt: number): void {
  const file = join(dir, ...id.split('/'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, buildWav('alaw', channels, encodeSamples(pcm, 'alaw')));
  utimesSync(file, endedAt / 1000, endedAt / 1000);
}

const interleave = (l: Int16Array, r: Int16Array) => {
  const n = Math.max(l.length, r.length);
  const out = new Int16Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = l[i] ?? 0;
    out[2 * i + 1] = r[i] ?? 0;
  }
  return out;
};

test('old recordings become Ogg Opus: same id, smaller, same audio at the same place; verify, repair, export, HTTP and retention follow', async () => {
  const d = await data();
  let index = openRecordingIndex(d.dir);
  const app = Fastify();
  try {
    // The call: part 1 caller_complaint | kb_office, part 2 (resumed) caller_mailbox | kb_returns; A-law like the board writes.
    const p1 = interleave(say('caller_complaint'), say('kb_office'));
    const p2 = interleave(say('caller_mailbox'), say('kb_returns'));
    const ended = T0 - 200 * DAY;
    writeWav(d.dir, CALL, 2, p1, ended);
    writeWav(d.dir, CALL.replace('.wav', '.2.wav'), 2, p2, ended);
    await index.put(entryFor(d.dir, CALL, { kind: 'call', callId: 'C-OLD', agents: ['A1'], start: ended - 20_000, end: ended, gaps: [{ at: ended - 12_000, ms: 1500, reason: 'HL_EREC_DISKFULL' }] }));
    writeWav(d.dir, TAKE, 1, say('caller_complaint'), ended);
    await index.put(entryFor(d.dir, TAKE, { kind: 'ivr-take', callId: 'C-OLD' }));
    d.take(FRESH, 2, T0 - DAY);
    await index.put(entryFor(d.dir, FRESH, { kind: 'ivr-take' }));
    // An open case refers to the call by its id: a legal hold.
    await d.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13800138000', recordingIds: [CALL], facts: 'x' });
    const before = index.get(CALL)!;
    const takeBefore = index.get(TAKE)!;

    const lines: string[] = [];
    const r = await archiveRecordings({ dataDir: d.dir, index, olderThanDays: 90, now: T0, log: (l) => lines.push(l) });
    assert.equal(r.archived.sort(), [TAKE, CALL].sort(), lines.join('\n'));
    assert.equal(r.failed, []);
    const call = index.get(CALL)!;
    assert.equal(call.files, ['recordings/calls/20260101/C-OLD.opus']);
    assert.ok(call.archived && call.archived.codec === 'opus' && call.archived.wavBytes === before.bytes);
    assert.is(call.durationMs, before.durationMs, 'the same length (parts joined)');
    assert.equal(call.gaps, before.gaps, 'the gap stays in the entry');
    assert.equal([call.callId, call.agents, call.start, call.end], [before.callId, before.agents, before.start, before.end]);
    assert.ok(call.bytes * 3.5 < before.bytes, `smaller: ${before.bytes} → ${call.bytes} bytes`);
    assert.ok(!existsSync(recordingPath(d.dir, CALL)) && !existsSync(recordingPath(d.dir, CALL.replace('.wav', '.2.wav'))), 'the WAV parts are gone');
    assert.equal(index.get(FRESH)!.files, [FRESH], 'a recent recording stays a WAV');
    assert.is(index.get(TAKE)!.durationMs, takeBefore.durationMs);

    // The audio: each side, each part at its place.
    const dec = decodeOggOpus(readFileSync(recordingPath(d.dir, call.files[0])));
    assert.is(dec.channels, 2);
    const left = channelOf(dec.samples, 0, 2);
    const right = channelOf(dec.samples, 1, 2);
    const n1 = p1.length / 2;
    const c = [corr(left, say('caller_complaint')), corr(right, say('kb_office')), corr(left.subarray(n1), say('caller_mailbox')), corr(right.subarray(n1), say('kb_returns'))];
    assert.ok(c.every((x) => x > 0.9), `correlation at lag 0 per side and part: ${c.map((x) => x.toFixed(3))}`);
    assert.ok(corr(left, say('kb_office')) < 0.3, 'the sides are not mixed');

    // Verify; a second run converts nothing.
    assert.equal(verifyIndex(d.dir, index).problems, []);
    assert.equal((await archiveRecordings({ dataDir: d.dir, index, olderThanDays: 90, now: T0 })).archived, []);

    // Export: a WAV of the decoded audio.
    const out = join(d.dir, 'export.wav');
    exportRecording(d.dir, index, CALL, out);
    const w = parseWav(readFileSync(out));
    assert.is(w.channels, 2);
    assert.is(w.frames, dec.samples.length / 2);

    // HTTP: the Ogg file as is, or decoded to a WAV with a range.
    const sessions = new Sessions(3_600_000, () => T0);
    const token = sessions.open('A1', 'agent').token;
    await app.register(recordingRoutes, { dataDir: d.dir, index, user: (t: string) => sessions.get(t), team: async () => [], now: () => T0 });
    const auth = { authorization: `Bearer ${token}` };
    const ogg = await app.inject({ url: `/recordings/audio?id=${encodeURIComponent(CALL)}`, headers: auth });
    assert.is(ogg.statusCode, 200, ogg.body);
    assert.is(ogg.headers['content-type'], 'audio/ogg');
    assert.ok(ogg.rawPayload.equals(readFileSync(recordingPath(d.dir, call.files[0]))));
    const part = await app.inject({ url: `/recordings/audio?id=${encodeURIComponent(CALL)}&format=wav`, headers: { ...auth, range: 'bytes=0-99' } });
    assert.is(part.statusCode, 206);
    assert.is(part.headers['content-type'], 'audio/wav');
    assert.ok(part.rawPayload.equals(readFileSync(out).subarray(0, 100)), 'the same bytes as the export');

    // Retention: the archived call is held by its open case; the archived take (no case) goes by age.
    const ret = await runRetention({ dataDir: d.dir, index, store: d.store, now: T0, rules: [{ category: 'case', maxAgeDays: 30 }, { category: 'no-case', maxAgeDays: 30 }] });
    assert.equal(ret.held.map((h) => h.id), [CALL], 'legal hold by the id');
    assert.ok(ret.deleted.map((x) => x.id).includes(TAKE) && !existsSync(recordingPath(d.dir, TAKE.replace('.wav', '.opus'))), 'the archived take is deleted, its .opus too');

    // Repair after the index is lost: the archive is found under its .wav id.
    await index.close();
    rmSync(join(d.dir, 'recordings-index'), { recursive: true, force: true });
    index = openRecordingIndex(d.dir);
    const rep = await repairIndex({ dataDir: d.dir, index, store: d.store });
    assert.ok(rep.added.includes(CALL), `re-indexed: ${rep.added}`);
    assert.equal(index.get(CALL)!.files, call.files);
    assert.is(index.get(CALL)!.durationMs, call.durationMs);
  } finally {
    await app.close();
    await index.close();
    await d.done();
  }
});

test('an interrupted run is finished by the next one: a .opus.part is removed, WAV parts beside an archived entry are deleted', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  try {
    const ended = T0 - 200 * DAY;
    writeWav(d.dir, TAKE, 1, say('kb_office'), ended);
    await index.put(entryFor(d.dir, TAKE, { kind: 'ivr-take' }));
    writeFileSync(recordingPath(d.dir, TAKE.replace('.wav', '.opus')) + '.part', 'torn');
    const r = await archiveRecordings({ dataDir: d.dir, index, olderThanDays: 90, now: T0 });
    assert.equal(r.archived, [TAKE]);
    assert.ok(r.cleaned.some((c) => c.endsWith('.opus.part')));
    assert.ok(!existsSync(recordingPath(d.dir, TAKE.replace('.wav', '.opus')) + '.part'));
    // A WAV the crash left beside the archive (deleted after the index was written).
    writeWav(d.dir, TAKE, 1, say('kb_office'), ended);
    const r2 = await archiveRecordings({ dataDir: d.dir, index, olderThanDays: 90, now: T0 });
    assert.equal(r2.cleaned, [TAKE]);
    assert.ok(!existsSync(recordingPath(d.dir, TAKE)));
    assert.equal(verifyIndex(d.dir, index).problems, []);
  } finally {
    await index.close();
    await d.done();
  }
});

test('hotline recordings archive: converts, then nothing left; bad options refused with a code', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  const ended = T0 - 200 * DAY;
  writeWav(d.dir, TAKE, 1, say('kb_office'), ended);
  await index.put(entryFor(d.dir, TAKE, { kind: 'ivr-take', end: ended }));
  await index.close();
  const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'recordings', 'archive', '--dir', d.dir, ...args], { encoding: 'utf8', timeout: 60_000 });
  try {
    assert.match(run('--older-than', '30', '--kind', 'call').stdout, /0 converted/, 'a take is not a call');
    const dry = run('--older-than', '30', '--dry-run');
    assert.is(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would convert recordings\/C-OLD-1\.wav/);
    const ok = run('--older-than', '30', '--bitrate', '12000');
    assert.is(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /recordings\/C-OLD-1\.wav → recordings\/C-OLD-1\.opus/);
    assert.match(run('--older-than', '30').stdout, /0 converted/);
    const bad = run('--bitrate', '500');
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /CLI_BAD_VALUE|--bitrate/);
    const reopened = openRecordingIndex(d.dir, { readOnly: true });
    assert.is(reopened.get(TAKE)!.archived!.bitrate, 12000);
    await reopened.close();
  } finally {
    await d.done();
  }
});

test('openEngine({ archive }): the archive runs on board time and the engine closes cleanly', async () => {
  const d = await data();
  await d.store.close();
  const dataDir = d.dir;
  writeWav(dataDir, CALL, 2, interleave(say('kb_office'), say('caller_mailbox')), T0 - 200 * DAY);
  const e = await openEngine({ dataDir, mode: 'stepped', epochAtZero: T0, acd: false, archive: { everyMs: 1000, olderThanDays: 90 } });
  try {
    assert.equal(e.recordings.index.get(CALL)?.files, [CALL], 'indexed at the open, a WAV');
    // The encoding runs in real time beside board time: advance the board, and give the
    // encoder real time too, up to 60 s of it (a loaded CI machine took longer than 50 steps).
    const until = Date.now() + 60_000;
    while (!e.recordings.index.get(CALL)?.archived && Date.now() < until) {
      await e.board.advance(100);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(e.recordings.index.get(CALL)?.files, [CALL.replace('.wav', '.opus')], 'archived by the schedule');
  } finally {
    await e.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
