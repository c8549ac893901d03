// The recording layer's error catalog (index, retention, export). Codes are
// stable: never reuse one for a new meaning; add a new row.
import { defineErrors, type HotlineError } from '../errors.ts';

export const REC_CATALOG = defineErrors('recording', {
  REC_BAD_ID: 'a recording id is a path relative to the data folder under recordings/ ending in .wav (e.g. recordings/CALL-1.wav; an archived recording keeps its .wav id), never an absolute path, a .part file or a path with ..; take the id from `hotline recordings search`',
  REC_NOT_FOUND: 'no recording with this id is in the index; search for it with `hotline recordings search`, or run `hotline recordings repair` if the file is on disk',
  REC_FILE_MISSING: 'the recording file is not on disk (deleted or moved outside the engine); run `hotline recordings repair` to make the index follow the disk',
  REC_FILE_INVALID: 'the recording file is not a valid finished WAV (cut off, unfinished .part, or not 8 kHz A-law/µ-law/PCM16) or Ogg Opus archive (bad page CRC, no end of stream); the start-up scan repairs unfinished takes, then `hotline recordings repair`',
  REC_INDEX_OPEN_FAILED: 'the recording index could not be opened; check that the data folder is writable and not on a full disk, or move DATA/recordings-index away and run `hotline recordings repair` to rebuild it',
  REC_INDEX_WRITE_FAILED: 'the recording index could not commit; check the disk space and permissions of DATA/recordings-index (the recording file itself is kept)',
  REC_NO_INDEX: 'there is no recording index in this data folder; check --dir (or $HOTLINE_DATA), or run `hotline recordings repair --dir DATA` to build one from the files on disk',
  REC_RETENTION_INVALID: 'the retention rules are invalid; each rule names a category (case, no-case) and a maxAgeDays and/or quotaMB that are positive numbers',
  REC_DELETE_FAILED: 'a recording past its retention could not be deleted (permission or disk error); it stays on disk and in the index, and the next run tries again',
  REC_EXPORT_EXISTS: 'the export target already exists; an export never overwrites a file, name a new one with --out',
  REC_NO_DATA: 'the folder is not a hotline data folder with a case store (no cases/data.mdb); check --dir (or $HOTLINE_DATA): repair and retention need the case store to know which recordings cases refer to',
  REC_SELECTION_INVALID: 'the channels to record are invalid: name all, a group of the board profile, or a list of board channel indexes or "span:timeslot" (e.g. "0:1")',
  REC_CALL_INVALID: 'a per-call recording needs the caller\'s channel and, as the other side, another channel of the same board (or none: what the caller hears)',
  REC_NOTICE_INVALID: 'the "this call may be recorded" configuration is invalid: per queue (or default) give kind none, announcement (with file, a WAV prompt that exists, or prompt, a prompt id) or beep (hz 300-3400, ms 50-2000, levelDbm0 -40 to -6, everyMs 0 or 1000-600000)',
  REC_UNAUTHORIZED: 'recordings are served to a logged-in seat only: log in (POST /login) and send Authorization: Bearer TOKEN; a session ends after a shift',
  REC_FORBIDDEN: 'this recording is not yours to hear: an agent hears his own calls, a supervisor his team\'s, an admin all (the refusal is in the audit log)',
  REC_RANGE_INVALID: 'the Range header is not one satisfiable byte range (bytes=START-END, START-, or -LAST within the file)',
  REC_ARCHIVE_INVALID: 'the archive options are invalid: --older-than is a number of days (0 or more) and --bitrate 6000 to 128000 bit/s for all channels (default 16000 mono, 24000 stereo)',
  REC_QUERY_INVALID: 'the search is invalid: --from must not be later than --to, and times are ISO 8601 (2026-03-15T09:00:00+08:00) or epoch milliseconds',
});

export type RecErrorCode = keyof typeof REC_CATALOG.sentences;

/** A HotlineError whose message is the catalog sentence followed by the detail. */
export function recError(code: RecErrorCode, detail?: string, info?: Record<string, unknown>): HotlineError {
  return REC_CATALOG.error(code, detail, info);
}
