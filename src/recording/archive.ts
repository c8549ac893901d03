// The compressed archive of older recordings (issue 11): a recording whose end
// is older than `olderThanDays` is converted from its WAV file(s) (A-law,
// 64 kbit/s per channel; roll-over or resumed parts joined) to one Ogg Opus
// file beside it (opus.ts; about 16 kbit/s per channel), in the background:
// one recording at a time, yielding to the event loop after every second of
// audio, so calls and the board never wait for it.
//
// The recording keeps its id (recordings/…/NAME.wav: what cases and users
// name); its index entry's `files` becomes [recordings/…/NAME.opus] and
// `archived` says when and from how many bytes. Order, so a crash at any
// point leaves a consistent state: write NAME.opus.part, fsync, check it
// (header, CRCs, length = the WAV's), rename to NAME.opus, fsync the folder;
// then the index entry; then delete the WAV parts. A .opus.part a crash left
// is removed by the next run; WAV parts left beside an archived entry are
// deleted by the next run; the index repair prefers NAME.opus to NAME.wav
// (files.ts), which exists only once complete.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { SchedulerLike, Subscription } from 'rxjs';
import { buildWav, encodeSamples, readWavFile, wavSamples, type Wav } from '../dsp/wav.ts';
import { recError } from './errors.ts';
import { recordingPath } from './ids.ts';
import { inspectRecording } from './files.ts';
import { decodeOggOpus, encodeOggOpus, inspectOggOpus } from './opus.ts';
import type { RecordingEntry, RecordingIndex, RecordingKind } from './types.ts';

export const DEFAULT_ARCHIVE_DAYS = 90;

export interface ArchiveOptions {
  dataDir: string;
  index: RecordingIndex;
  /** Archive recordings that ended more than this many days ago (default 90; 0 = all). */
  olderThanDays?: number;
  /** Epoch ms now (default Date.now). */
  now?: number;
  /** Opus bit rate for all channels (default 16,000 mono / 24,000 stereo). */
  bitrate?: number;
  /** Kinds to archive (default all: call, segment, ivr-take). */
  kinds?: RecordingKind[];
  /** At most this many recordings per run (default no limit). */
  limit?: number;
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Stops the run between two recordings. */
  signal?: AbortSignal;
}

export interface ArchiveReport {
  archived: string[];
  /** Recordings whose conversion failed (id: code), left as they were. */
  failed: string[];
  /** WAV bytes before and Opus bytes after, of the recordings archived. */
  wavBytes: number;
  opusBytes: number;
  /** Leftovers of an interrupted run removed (.opus.part files, WAV parts of archived entries). */
  cleaned: string[];
}

/** The archive file's id of a recording id: recordings/…/NAME.wav → recordings/…/NAME.opus. */
export function archiveIdOf(id: string): string {
  return `${id.slice(0, -4)}.opus`;
}

export function isArchived(e: RecordingEntry): boolean {
  return e.files.length === 1 && e.files[0].endsWith('.opus');
}

/** Interleaved 16-bit samples of a parsed WAV. */
function pcmOf(w: Wav): Int16Array {
  if (w.channels === 1) return wavSamples(w, 0);
  const l = wavSamples(w, 0);
  const r = wavSamples(w, 1);
  const out = new Int16Array(l.length * 2);
  for (let i = 0; i < l.length; i++) {
    out[2 * i] = l[i];
    out[2 * i + 1] = r[i];
  }
  return out;
}

function writeDurably(file: string, data: Buffer): void {
  const fd = openSync(file, 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Converts one recording to Ogg Opus and points its entry at it; returns the new entry. */
export async function archiveRecording(o: Pick<ArchiveOptions, 'dataDir' | 'index' | 'bitrate' | 'signal'> & { now?: number }, e: RecordingEntry): Promise<RecordingEntry> {
  const disk = inspectRecording(o.dataDir, e.id); // REC_FILE_MISSING / REC_FILE_INVALID before anything is written
  if (disk.files[0].endsWith('.opus')) {
    // A run interrupted between the rename and the index: the archive is complete; index it, drop the WAV parts.
    const done: RecordingEntry = { ...e, files: disk.files, bytes: disk.bytes, durationMs: disk.durationMs, archived: e.archived ?? { at: o.now ?? Date.now(), codec: 'opus', bitrate: o.bitrate ?? 0, wavBytes: e.bytes } };
    await o.index.put(done);
    for (const f of e.files) if (f.endsWith('.wav') && existsSync(recordingPath(o.dataDir, f))) unlinkSync(recordingPath(o.dataDir, f));
    return done;
  }
  const parts = disk.files.map((f) => readWavFile(recordingPath(o.dataDir, f)));
  const channels = parts[0].channels as 1 | 2;
  if (parts.some((p) => p.channels !== channels)) throw recError('REC_FILE_INVALID', `${e.id}: its parts differ in channels`, { id: e.id });
  const pcms = parts.map(pcmOf);
  const pcm = new Int16Array(pcms.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pcms) {
    pcm.set(p, at);
    at += p.length;
  }
  const ogg = await encodeOggOpus(pcm, channels, { bitrate: o.bitrate, comments: { HOTLINE_ID: e.id, ...(e.callId ? { HOTLINE_CALL: e.callId } : {}) }, onSecond: async () => {
      await yieldNow();
      // Stopped (the engine closes): nothing is written yet, the recording stays as it was.
      if (o.signal?.aborted) throw new Error(`${e.id}: the archive run was stopped`); // archiveRecordings ends the run on it, reports nothing
    } });
  const opusId = archiveIdOf(e.id);
  const file = recordingPath(o.dataDir, opusId);
  const part = `${file}.part`;
  writeDurably(part, ogg);
  const info = inspectOggOpus(readFileSync(part), opusId);
  if (info.frames * channels !== pcm.length) {
    unlinkSync(part);
    throw recError('REC_FILE_INVALID', `${opusId}: ${info.frames} frames written for ${pcm.length / channels}`, { id: e.id });
  }
  renameSync(part, file);
  fsyncFolder(dirname(file));
  const archived: RecordingEntry = { ...e, files: [opusId], bytes: ogg.length, durationMs: info.durationMs, archived: { at: o.now ?? Date.now(), codec: 'opus', bitrate: o.bitrate ?? (channels === 2 ? 24_000 : 16_000), wavBytes: disk.bytes } };
  await o.index.put(archived);
  for (const f of disk.files) unlinkSync(recordingPath(o.dataDir, f));
  fsyncFolder(dirname(file));
  return archived;
}

/** One archive run over the index (see the top of this file). Never throws for one recording: it is reported and left as it was. */
export async function archiveRecordings(o: ArchiveOptions): Promise<ArchiveReport> {
  const log = o.log ?? (() => {});
  const now = o.now ?? Date.now();
  const days = o.olderThanDays ?? DEFAULT_ARCHIVE_DAYS;
  if (!Number.isFinite(days) || days < 0) throw recError('REC_ARCHIVE_INVALID', `olderThanDays ${days}`);
  if (o.bitrate !== undefined && (!Number.isInteger(o.bitrate) || o.bitrate < 6000 || o.bitrate > 128_000)) throw recError('REC_ARCHIVE_INVALID', `bitrate ${o.bitrate} (6000 to 128000 bit/s)`);
  const before = now - days * 86_400_000;
  const r: ArchiveReport = { archived: [], failed: [], wavBytes: 0, opusBytes: 0, cleaned: [] };
  const todo: RecordingEntry[] = [];
  for (const e of o.index.all()) {
    if (isArchived(e)) {
      // An interrupted run: the archive is indexed, the WAV parts are still there.
      for (const f of [e.id, ...inspectWavLeftovers(o.dataDir, e.id)]) {
        const p = recordingPath(o.dataDir, f);
        if (!existsSync(p)) continue;
        if (!o.dryRun) unlinkSync(p);
        r.cleaned.push(f);
        log(`recordings: archive: removed ${f}, left by an interrupted run (the recording is in ${e.files[0]})`);
      }
      continue;
    }
    const part = `${recordingPath(o.dataDir, archiveIdOf(e.id))}.part`;
    if (existsSync(part)) {
      if (!o.dryRun) unlinkSync(part);
      r.cleaned.push(`${archiveIdOf(e.id)}.part`);
    }
    if (e.end > before || (o.kinds && !o.kinds.includes(e.kind))) continue;
    todo.push(e);
  }
  todo.sort((a, b) => a.end - b.end);
  for (const e of todo.slice(0, o.limit ?? todo.length)) {
    if (o.signal?.aborted) break;
    if (o.dryRun) {
      r.archived.push(e.id);
      r.wavBytes += e.bytes;
      log(`recordings: archive: would convert ${e.id} (${(e.bytes / 1e6).toFixed(2)} MB)`);
      continue;
    }
    try {
      const a = await archiveRecording({ ...o, now }, e);
      r.archived.push(e.id);
      r.wavBytes += a.archived!.wavBytes;
      r.opusBytes += a.bytes;
      log(`recordings: archive: ${e.id} → ${a.files[0]} (${(a.archived!.wavBytes / 1e6).toFixed(2)} → ${(a.bytes / 1e6).toFixed(2)} MB)`);
    } catch (err) {
      if (o.signal?.aborted) break;
      const code = (err as { code?: string }).code ?? 'ERROR';
      r.failed.push(`${e.id}: ${code}`);
      log(`recordings: archive: ${e.id} not converted: ${code}: ${(err as Error).message}`);
    }
    await yieldNow();
  }
  log(`recordings: archive: ${r.archived.length} converted${o.dryRun ? ' (dry run)' : ''}, ${r.failed.length} failed, ${(r.wavBytes / 1e6).toFixed(1)} MB → ${(r.opusBytes / 1e6).toFixed(1)} MB`);
  return r;
}

/** Roll-over / resumed WAV parts (NAME.2.wav…) beside an archived recording. */
function inspectWavLeftovers(dataDir: string, id: string): string[] {
  const out: string[] = [];
  for (let n = 2; n < 1000; n++) {
    const f = `${id.slice(0, -4)}.${n}.wav`;
    if (!existsSync(recordingPath(dataDir, f))) break;
    out.push(f);
  }
  return out;
}

/** The audio of an archived recording as a WAV (16-bit PCM, 8 kHz): export, and playback for players without Opus. */
export function archivedAsWav(dataDir: string, opusId: string): Buffer {
  const d = decodeOggOpus(readFileSync(recordingPath(dataDir, opusId)), opusId);
  return buildWav('pcm16', d.channels, encodeSamples(d.samples, 'pcm16'));
}

/**
 * Runs the archive every `everyMs` on a scheduler (the engine: the board's,
 * board time); runs never overlap; a failed run is logged. `stop()` ends the
 * schedule and the run in progress (between two seconds of audio) and
 * resolves when it has stopped, before the index may close.
 */
export function scheduleArchive(o: Omit<ArchiveOptions, 'now' | 'signal'> & { scheduler: SchedulerLike; everyMs: number; now?: () => number; onReport?: (r: ArchiveReport) => void }): { stop(): Promise<void> } {
  const log = o.log ?? (() => {});
  const abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  const sub: Subscription = o.scheduler.schedule(function (this: { schedule(s?: undefined, d?: number): void }) {
    const next = () => {
      if (!abort.signal.aborted) this.schedule(undefined, o.everyMs);
    };
    running = archiveRecordings({ ...o, now: o.now ? o.now() : o.scheduler.now(), signal: abort.signal }).then(
      (r) => {
        o.onReport?.(r);
        next();
      },
      (e) => {
        log(`recordings: archive failed: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
        next();
      },
    );
  }, o.everyMs);
  return {
    async stop() {
      abort.abort();
      sub.unsubscribe();
      await running;
    },
  };
}
