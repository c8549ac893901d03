// A recording's files on disk as the index sees them. An entry is written
// only for files that exist, are final (never NAME.part: the board renames a
// recording only once it is complete and durable) and parse with the one WAV
// parser (src/dsp/wav.ts → native/dsp/wav.c), strictly: a file cut short of
// what its header declares is not a finished recording.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readWavFile } from '../dsp/wav.ts';
import { recError } from './errors.ts';
import { recordingIdOf, recordingPath, rolledPartId } from './ids.ts';
import { tapDayFolders } from './recover.ts';
import { inspectOggOpus } from './opus.ts';

export interface OnDisk {
  /** Ids of the file and its roll-over parts, in order. */
  files: string[];
  durationMs: number;
  bytes: number;
  /** Last modification of the last part (epoch ms): when the recording ended. */
  endedAt: number;
}

/** One file's strict check: exists, and parses with every declared byte present. */
export function inspectFile(dataDir: string, id: string): { durationMs: number; bytes: number; mtimeMs: number } {
  const file = recordingPath(dataDir, id);
  let st;
  try {
    st = statSync(file);
  } catch {
    throw recError('REC_FILE_MISSING', id, { id });
  }
  if (!st.isFile()) throw recError('REC_FILE_MISSING', `${id} is not a regular file`, { id });
  if (/\.opus$/i.test(id)) return { durationMs: inspectOggOpus(readFileSync(file), id).durationMs, bytes: st.size, mtimeMs: st.mtimeMs };
  try {
    const w = readWavFile(file);
    return { durationMs: w.ms, bytes: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    throw recError('REC_FILE_INVALID', `${id}: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`, { id });
  }
}

/** The recording `id` with its roll-over parts (NAME.2.wav, NAME.3.wav… while they exist); or its archive NAME.opus, which exists only once complete (archive.ts). */
export function inspectRecording(dataDir: string, id: string): OnDisk {
  const opus = /\.wav$/i.test(id) ? `${id.slice(0, -4)}.opus` : null;
  if (opus && existsSync(recordingPath(dataDir, opus))) {
    const f = inspectFile(dataDir, opus);
    return { files: [opus], durationMs: f.durationMs, bytes: f.bytes, endedAt: Math.round(f.mtimeMs) };
  }
  const files = [id];
  let durationMs = 0;
  let bytes = 0;
  let endedAt = 0;
  for (let n = 2, cur = id; ; n++) {
    const f = inspectFile(dataDir, cur);
    durationMs += f.durationMs;
    bytes += f.bytes;
    endedAt = Math.max(endedAt, Math.round(f.mtimeMs));
    cur = rolledPartId(id, n);
    if (!existsSync(recordingPath(dataDir, cur))) break;
    files.push(cur);
  }
  return { files, durationMs, bytes, endedAt };
}

const ROLLED = /\.[0-9]+\.wav$/i;

/**
 * Ids of the finished recordings in DATA/recordings, its orphans/ folder and
 * the day folders of rolling segments and per-call recordings (roll-over
 * parts are reported with their first file, never alone).
 */
export function recordingsOnDisk(dataDir: string): string[] {
  const root = join(dataDir, 'recordings');
  const out: string[] = [];
  for (const dir of [root, join(root, 'orphans'), ...tapDayFolders(dataDir)]) {
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isFile() && /\.opus$/i.test(d.name)) {
        // An archived recording, under its .wav id (reported once if the WAV is still beside it).
        if (!existsSync(join(dir, d.name.replace(/\.opus$/i, '.wav')))) out.push(recordingIdOf(dataDir, join(dir, d.name.replace(/\.opus$/i, '.wav'))));
        continue;
      }
      if (!d.isFile() || !/\.wav$/i.test(d.name)) continue; // NAME.wav.part: not finished
      const id = recordingIdOf(dataDir, join(dir, d.name));
      if (ROLLED.test(d.name) && existsSync(join(dir, d.name.replace(ROLLED, '.wav')))) continue;
      out.push(id);
    }
  }
  return out.sort();
}
