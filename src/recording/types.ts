// What the recording index holds and how it is searched. The index is an
// interface (RecordingIndex) so the store behind it can change; the one
// implementation today is LMDB (lmdb-index.ts).

/** ivr-take: a caller's message recorded by the IVR; segment: a slice of a
 * channel's rolling recording; call: one per-call recording (both need the
 * native taps of issue 11, not built yet). */
export type RecordingKind = 'ivr-take' | 'segment' | 'call';
export const RECORDING_KINDS: readonly RecordingKind[] = ['ivr-take', 'segment', 'call'];

export type Direction = 'inbound' | 'outbound' | 'internal';

/** A stretch with no audio inside a recording (disk full, write error). */
export interface GapMarker {
  /** Epoch ms where the gap starts. */
  at: number;
  /** Length of the gap in ms (samples missing / 8). */
  ms: number;
  /** The error code that caused it (HL_EREC_DISKFULL…). */
  reason: string;
}

export interface RecordingEntry {
  /** Path relative to the data folder, under recordings/ (recordings/CALL-1.wav):
   * the only handle users see; never a raw path from a user. */
  id: string;
  /** Ids of every file of the recording in order (one, or NAME.wav, NAME.2.wav… after a roll-over). */
  files: string[];
  kind: RecordingKind;
  /** Board channel ("span:timeslot"), when known. */
  channel?: string;
  /** Epoch ms of the first and last sample. */
  start: number;
  end: number;
  /** Audio length in ms, from the WAV headers (frames / 8). */
  durationMs: number;
  /** Bytes on disk of all files. */
  bytes: number;
  callId?: string;
  callerNumber?: string;
  calledNumber?: string;
  agents: string[];
  queue?: string;
  caseNumbers: string[];
  direction?: Direction;
  gaps: GapMarker[];
  /** The call's legs (a per-call recording): who was on it, on which channel, when. */
  legs?: Array<{ kind: string; channel: string; agentId?: string; joinedAt: number; leftAt?: number }>;
  /** Epoch ms when the start-up scan finished it after a crash (it was left unfinished: the audio after `end`, at most about 1 s, was lost). */
  recovered?: number;
  /** Converted to the compressed archive (archive.ts): `files` is then [NAME.opus]. */
  archived?: { at: number; codec: 'opus'; bitrate: number; wavBytes: number };
}

/** Facts about a recording that the files cannot tell (who, which call). */
export type RecordingFacts = Partial<Omit<RecordingEntry, 'id' | 'files' | 'durationMs' | 'bytes'>>;

export interface RecordingQuery {
  /** Recordings that overlap [from, to] (epoch ms, inclusive). */
  from?: number;
  to?: number;
  agent?: string;
  /** Caller or called number. */
  number?: string;
  caseNumber?: string;
  callId?: string;
  kind?: RecordingKind;
  /** At most this many (default 1000), oldest first. */
  limit?: number;
}

export interface RecordingIndex {
  get(id: string): RecordingEntry | undefined;
  /** Adds or replaces an entry with its secondary keys, in one transaction. */
  put(entry: RecordingEntry): Promise<void>;
  remove(id: string): Promise<boolean>;
  search(q: RecordingQuery): RecordingEntry[];
  /** Every entry, in id order. */
  all(): Iterable<RecordingEntry>;
  count(): number;
  close(): Promise<void>;
}
