// Turns a record/tap completion into a RecordResult: the files written (a
// recording past the 4 GiB WAV limit rolls over to NAME.2.wav, NAME.3.wav...,
// native/board/writer.cc) and what went wrong, as a native HL_EREC_* code
// with its sentence from the one error table (hl_errors.def).
import { addon } from '../addon.ts';
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

/** The name a recording has while it is written (renamed to `file` when finished). */
export function inProgressName(file: string): string {
  return `${file}.part`;
}

export function recordResult(id: number, file: string, d: DoneInfo): RecordResult {
  const r: RecordResult = { requestId: id, reason: d.reason, durationMs: d.durationMs, file };
  if (d.text) r.digit = d.text;
  if ((d.files ?? 1) > 1) r.files = Array.from({ length: d.files! }, (_, i) => partName(file, i + 1));
  if (d.extra < 0) r.error = nativeError(d.extra);
  if (d.dropped) r.droppedSamples = d.dropped;
  return r;
}
