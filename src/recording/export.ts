// Exporting a recording by id (never by a path from the user): a copy of its
// one file, or its roll-over parts joined into one WAV, or an archived
// recording decoded to a WAV. Never overwrites.
import { constants, copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { buildWav, readWavFile } from '../dsp/wav.ts';
import { recError } from './errors.ts';
import { recordingPath } from './ids.ts';
import { inspectRecording } from './files.ts';
import { archivedAsWav } from './archive.ts';
import type { RecordingIndex } from './types.ts';

/** Writes the recording `id` to `out`; returns the bytes written. */
export function exportRecording(dataDir: string, index: RecordingIndex, id: string, out: string): number {
  const e = index.get(id);
  if (!e) throw recError('REC_NOT_FOUND', id, { id });
  if (existsSync(out)) throw recError('REC_EXPORT_EXISTS', out, { out });
  const disk = inspectRecording(dataDir, id); // REC_FILE_MISSING / REC_FILE_INVALID before anything is written
  try {
    if (disk.files[0].endsWith('.opus')) {
      // An archived recording: exported as a WAV (16-bit PCM) every player and the IVR's tools read.
      const wav = archivedAsWav(dataDir, disk.files[0]);
      writeFileSync(out, wav, { flag: 'wx' });
      return wav.length;
    }
    if (disk.files.length === 1) {
      copyFileSync(recordingPath(dataDir, id), out, constants.COPYFILE_EXCL);
      return disk.bytes;
    }
    const parts = disk.files.map((f) => readWavFile(recordingPath(dataDir, f)));
    const whole = buildWav(parts[0].encoding, parts[0].channels, Buffer.concat(parts.map((p) => p.data)));
    writeFileSync(out, whole, { flag: 'wx' });
    return whole.length;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw recError('REC_EXPORT_EXISTS', out, { out });
    throw err;
  }
}
