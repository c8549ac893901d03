// Recordings as files: a record/tap completion turned into a RecordResult
// (the files written: past the 4 GiB WAV limit a recording rolls over to
// NAME.2.wav, NAME.3.wav..., native/board/writer.cc; and what went wrong, as
// a native HL_EREC_* code with its sentence from hl_errors.def), and the
// start-up repair of a file a crash left unfinished (native/board/recover.cc).
import { addon } from '../addon.ts';
import { toHotline } from './engine.ts';
import type { DoneInfo } from './engine.ts';
import type { RecordResult } from './types.ts';

interface ErrorRow {
  errno: number;
  code: string;
  message: string;
}

let byNumber: Map<number, ErrorRow> | null = null;

/** The native error row for a negative hl_err number. */
export function nativeError(errno: number): { code: string; message: string } {
  if (!byNumber) {
    byNumber = new Map();
    for (const row of ((addon as { errors?: ErrorRow[] }).errors ?? [])) byNumber.set(row.errno, row);
  }
  const row = byNumber.get(errno);
  return row ? { code: row.code, message: row.message } : { code: 'HL_EUNKNOWN', message: `unknown native error ${errno}` };
}

/** Name of part n (1-based) of a recording to `file`: NAME.wav, NAME.2.wav, ... */
export function partName(file: string, n: number): string {
  if (n <= 1) return file;
  return file.endsWith('.wav') ? `${file.slice(0, -4)}.${n}.wav` : `${file}.${n}.wav`;
}

/** File of rolling segment n (1-based) of a tap to `file`: NAME-001.wav, NAME-002.wav... (native/board/writer.cc part_name). */
export function segmentName(file: string, n: number): string {
  const stem = file.endsWith('.wav') ? file.slice(0, -4) : file;
  return `${stem}-${String(n).padStart(3, '0')}.wav`;
}

/** The name a recording has while it is written (renamed to `file` when finished). */
export function inProgressName(file: string): string {
  return `${file}.part`;
}

export function recordResult(id: number, file: string, d: DoneInfo, segmented = false): RecordResult {
  const r: RecordResult = { requestId: id, reason: d.reason, durationMs: d.durationMs, file };
  if (d.text) r.digit = d.text;
  if (segmented) r.files = Array.from({ length: d.files ?? 0 }, (_, i) => segmentName(file, i + 1));
  else if ((d.files ?? 1) > 1) r.files = Array.from({ length: d.files! }, (_, i) => partName(file, i + 1));
  if (d.extra < 0) r.error = nativeError(d.extra);
  if (d.dropped) r.droppedSamples = d.dropped;
  return r;
}

export interface Recovered {
  /** The file's name afterwards: NAME for NAME.part (NAME.recovered.wav when NAME exists). */
  file: string;
  /** Audio bytes in it. */
  dataBytes: number;
  /** The header's sizes were rewritten to match the audio in the file. */
  repaired: boolean;
  /** A cut-off sample frame at the end was removed. */
  truncated: boolean;
  /** An in-progress NAME.part got its final name. */
  renamed: boolean;
}

/**
 * Repairs a recording a crash left unfinished: the header from the file
 * size, whole frames only, fsync, NAME.part renamed to NAME (never over a
 * file), folder fsynced. Throws HotlineError HL_EWAV_* for a file that is
 * not a readable WAV, HL_EREC_* when the disk refuses.
 */
export function recoverRecording(path: string): Recovered {
  const fn = (addon as { recoverRecording?: (p: string) => Recovered }).recoverRecording;
  if (!fn) throw new Error('the addon has no recording part: run `npm run build`');
  try {
    return fn(path);
  } catch (e) {
    throw toHotline(e, 'recover recording');
  }
}
