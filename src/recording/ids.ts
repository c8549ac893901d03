// Recording ids: paths relative to the data folder, as the IVR stores them in
// a case (recordings/CALL-1.wav). An id from a user is checked before it is
// ever joined to a folder, so no id can reach outside DATA/recordings.
import { join, relative, sep } from 'node:path';
import { recError } from './errors.ts';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}$/;

/** Throws REC_BAD_ID unless `id` is recordings/[sub/]NAME.wav with plain names (NAME.opus: the file of an archived recording, archive.ts). */
export function checkRecordingId(id: unknown): string {
  if (typeof id !== 'string' || id.length > 512) throw recError('REC_BAD_ID', `'${String(id).slice(0, 80)}'`);
  const parts = id.split('/');
  const ok = parts.length >= 2 && parts.length <= 4 && parts[0] === 'recordings' && parts.slice(1).every((p) => SEGMENT.test(p) && p !== '.' && p !== '..') && /\.(wav|opus)$/i.test(id);
  if (!ok) throw recError('REC_BAD_ID', `'${id.slice(0, 80)}'`, { id });
  return id;
}

/** The absolute file of a checked id. */
export function recordingPath(dataDir: string, id: string): string {
  return join(dataDir, ...checkRecordingId(id).split('/'));
}

/** The id of an absolute file under dataDir (posix separators). */
export function recordingIdOf(dataDir: string, file: string): string {
  return relative(dataDir, file).split(sep).join('/');
}

/** recordings/X.wav → recordings/X.2.wav: the parts a roll-over writes (src/board/README.md). */
export function rolledPartId(id: string, n: number): string {
  return `${id.slice(0, -4)}.${n}${id.slice(-4)}`;
}
