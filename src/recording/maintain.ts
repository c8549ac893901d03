// Keeping the index true to the disk: `repair` (re-index: add what is on
// disk and missing, drop entries whose file is gone), `verify` (every entry's
// files exist, parse and last as long as indexed) and the IVR's hook, which
// indexes a take when the interpreter keeps it.
import type { CaseRecord, CaseStore } from '../cases/types.ts';
import { isHotlineError } from '../errors.ts';
import { inspectRecording, recordingsOnDisk } from './files.ts';
import type { RecordingEntry, RecordingFacts, RecordingIndex } from './types.ts';

type CaseLink = Pick<CaseRecord, 'number' | 'status' | 'callId' | 'callerNumber' | 'agentId'>;

/** What the case store knows of the recordings: the cases that name each recording id (recordingIds), and the cases made for each call (callId). */
export interface CaseLinks {
  byRecording: Map<string, CaseLink[]>;
  byCall: Map<string, CaseLink[]>;
}

export async function caseLinks(store: Pick<CaseStore, 'exportCases'>): Promise<CaseLinks> {
  const links: CaseLinks = { byRecording: new Map(), byCall: new Map() };
  const add = (m: Map<string, CaseLink[]>, k: string, c: CaseLink) => {
    const l = m.get(k);
    if (l) l.push(c);
    else m.set(k, [c]);
  };
  for await (const c of store.exportCases()) {
    const link = { number: c.number, status: c.status, callId: c.callId, callerNumber: c.callerNumber, agentId: c.agentId };
    for (const id of c.recordingIds ?? []) add(links.byRecording, id, link);
    if (c.callId) add(links.byCall, c.callId, link);
  }
  return links;
}

// The IVR names a take CALLID-SEQ.wav (src/ivr/interpreter.ts).
const TAKE = /^recordings\/(?:orphans\/)?(.+)-[0-9]+\.wav$/;
// Rolling segments: recordings/segments/DAY/SPAN-TS-EPOCH-SEQ-NNN.wav; per-call
// recordings: recordings/calls/DAY/CALLID.wav (src/recording/rolling.ts, call.ts).
const SEGMENT = /^recordings\/segments\/[0-9]{8}\/([0-9]+)-([0-9]+)-[0-9]+-[0-9]+-[0-9]{3,}\.wav$/;
const CALL = /^recordings\/calls\/[0-9]{8}\/(.+)\.wav$/;

/** What a file's id tells of it when the index has nothing (a rebuild, a file a crash left). */
export function factsFromId(id: string): RecordingFacts {
  const s = SEGMENT.exec(id);
  if (s) return { kind: 'segment', channel: `${s[1]}:${s[2]}` };
  const c = CALL.exec(id);
  if (c) return { kind: 'call', callId: c[1] };
  return {};
}

/** An entry for the recording `id` from its files and what is known of it; throws REC_FILE_* when the file is not a finished WAV. */
export function entryFor(dataDir: string, id: string, facts: RecordingFacts = {}): RecordingEntry {
  const disk = inspectRecording(dataDir, id);
  const end = facts.end ?? disk.endedAt;
  const e: RecordingEntry = {
    id,
    files: disk.files,
    kind: facts.kind ?? 'ivr-take',
    start: facts.start ?? end - Math.round(disk.durationMs),
    end,
    durationMs: disk.durationMs,
    bytes: disk.bytes,
    agents: facts.agents ?? [],
    caseNumbers: facts.caseNumbers ?? [],
    gaps: facts.gaps ?? [],
  };
  for (const k of ['channel', 'callId', 'callerNumber', 'calledNumber', 'queue', 'direction', 'archived', 'legs', 'recovered'] as const) if (facts[k] !== undefined) (e as unknown as Record<string, unknown>)[k] = facts[k];
  if (e.callId === undefined && e.kind === 'ivr-take') {
    const m = TAKE.exec(id);
    if (m) e.callId = m[1];
  }
  return e;
}

/**
 * The facts the case store adds to a recording: the case numbers of the cases
 * that name it or were made for its call; from the cases that name it, also
 * their agent, call and caller.
 */
function withCases(e: RecordingEntry, links: CaseLinks): RecordingEntry {
  const cs = links.byRecording.get(e.id) ?? [];
  const ofCall = e.callId !== undefined ? (links.byCall.get(e.callId) ?? []) : [];
  const out = { ...e, caseNumbers: [...new Set([...e.caseNumbers, ...cs.map((c) => c.number), ...ofCall.map((c) => c.number)])], agents: [...new Set([...e.agents, ...cs.flatMap((c) => (c.agentId ? [c.agentId] : []))])] };
  const c = cs[0];
  if (c?.callId && out.callId === undefined) out.callId = c.callId;
  if (c?.callerNumber && out.callerNumber === undefined) out.callerNumber = c.callerNumber;
  return out;
}

export interface RepairReport {
  added: string[];
  updated: string[];
  dropped: string[];
  /** Files on disk that are not a finished WAV: not indexed (id: reason). */
  skipped: string[];
}

/**
 * Re-indexes from disk: every finished recording under DATA/recordings (and
 * orphans/) gets an entry, entries whose file is gone or no longer parses are
 * dropped, and sizes, durations and case links are brought up to date. Run
 * after the start-up scan (src/ivr/recordings.ts), which finishes .part files
 * and moves orphans first.
 */
export async function repairIndex(o: {
  dataDir: string;
  index: RecordingIndex;
  store?: Pick<CaseStore, 'exportCases'>;
  log?: (line: string) => void;
  dryRun?: boolean;
  /** Ids the start-up scans just finished after a crash: their entries are marked `recovered`. */
  recovered?: Iterable<string>;
}): Promise<RepairReport> {
  const log = o.log ?? (() => {});
  const recovered = new Set(o.recovered ?? []);
  const at = Date.now();
  const mark = (e: RecordingEntry): RecordingEntry => (e.recovered === undefined && (recovered.has(e.id) || e.files.some((f) => recovered.has(f))) ? { ...e, recovered: at } : e);
  const links: CaseLinks = o.store ? await caseLinks(o.store) : { byRecording: new Map(), byCall: new Map() };
  const r: RepairReport = { added: [], updated: [], dropped: [], skipped: [] };
  const onDisk = new Set(recordingsOnDisk(o.dataDir));
  const movedFacts = new Map<string, RecordingEntry>();
  for (const old of [...o.index.all()]) {
    let fresh: RecordingEntry | undefined;
    try {
      fresh = mark(withCases(entryFor(o.dataDir, old.id, old), links));
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      r.dropped.push(old.id);
      log(`recordings: index: dropped ${old.id}: ${e.code}`);
      if (!o.dryRun) await o.index.remove(old.id);
      // The start-up scan moved it to orphans/ (no case refers to it): the
      // call facts the hook indexed go with it to its new id.
      const moved = old.id.replace(/^recordings\//, 'recordings/orphans/');
      if (moved !== old.id && onDisk.has(moved)) movedFacts.set(moved, old);
      continue;
    }
    onDisk.delete(old.id);
    for (const f of old.files) onDisk.delete(f);
    if (JSON.stringify(fresh) !== JSON.stringify(old)) {
      r.updated.push(old.id);
      if (!o.dryRun) await o.index.put(fresh);
    }
  }
  for (const id of onDisk) {
    try {
      const was = movedFacts.get(id);
      const e = mark(withCases(entryFor(o.dataDir, id, was ? { ...was, start: undefined, end: undefined } : factsFromId(id)), links));
      if (!o.dryRun) await o.index.put(e);
      r.added.push(id);
      log(`recordings: index: added ${id} (${(e.durationMs / 1000).toFixed(1)} s${e.caseNumbers.length ? `, case ${e.caseNumbers.join(' ')}` : ''}${e.recovered ? ', recovered after a crash' : ''})`);
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      r.skipped.push(`${id}: ${e.code}`);
      log(`recordings: index: not indexed ${id}: ${e.code}: ${e.message}`);
    }
  }
  return r;
}

export interface VerifyProblem {
  id: string;
  code: string;
  message: string;
}

/** Every indexed file exists, its header is valid and whole, and the durations match the index. */
export function verifyIndex(dataDir: string, index: RecordingIndex): { checked: number; problems: VerifyProblem[] } {
  const problems: VerifyProblem[] = [];
  let checked = 0;
  for (const e of index.all()) {
    checked++;
    try {
      const disk = inspectRecording(dataDir, e.id);
      if (disk.files.length < e.files.length) problems.push({ id: e.id, code: 'REC_FILE_MISSING', message: `${e.files.length} parts indexed, ${disk.files.length} on disk` });
      else if (Math.abs(disk.durationMs - e.durationMs) > 1) problems.push({ id: e.id, code: 'REC_FILE_INVALID', message: `indexed ${e.durationMs} ms, the file holds ${disk.durationMs} ms` });
    } catch (err) {
      if (!isHotlineError(err)) throw err;
      problems.push({ id: e.id, code: err.code, message: err.message });
    }
  }
  return { checked, problems };
}

/** What the IVR tells the recording layer (IvrServices.recorded). Never throws: a failure is logged, the call goes on. */
export interface RecordingHook {
  /** A finished take the call keeps (may come more than once for one id). */
  kept(take: { id: string; callId: string; callerNumber?: string; calledNumber?: string }): void;
  /** A take the caller chose to record again: its file is deleted. */
  dropped(id: string): void;
  /** A case now refers to these recordings. */
  linked(ids: readonly string[], caseNumber: string): void;
}

/** The hook that keeps `index` up to date; `settled()` waits for the writes in flight (tests, close). */
export function indexHook(dataDir: string, index: RecordingIndex, log: (line: string) => void): RecordingHook & { settled(): Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  const later = (what: string, fn: () => Promise<unknown>) => {
    chain = chain.then(fn).then(
      () => {},
      (e) => log(`recordings: index: ${what}: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`),
    );
  };
  return {
    kept: (t) =>
      later(`indexing ${t.id}`, async () => {
        const old = index.get(t.id);
        await index.put(entryFor(dataDir, t.id, { ...old, callId: t.callId, callerNumber: t.callerNumber, calledNumber: t.calledNumber, direction: 'inbound', kind: 'ivr-take' }));
      }),
    dropped: (id) => later(`removing ${id}`, () => index.remove(id)),
    linked: (ids, caseNumber) =>
      later(`linking case ${caseNumber}`, async () => {
        for (const id of ids) {
          const e = index.get(id);
          if (e && !e.caseNumbers.includes(caseNumber)) await index.put({ ...e, caseNumbers: [...e.caseNumbers, caseNumber] });
        }
      }),
    settled: () => chain,
  };
}

/** Case `caseNumber` was made in call `callId`: every indexed recording of that call (its IVR takes, its per-call recording) lists it. Returns the ids changed. */
export async function linkCaseToCall(index: RecordingIndex, callId: string, caseNumber: string): Promise<string[]> {
  const changed: string[] = [];
  for (const e of index.search({ callId })) {
    if (e.callId !== callId || e.caseNumbers.includes(caseNumber)) continue;
    await index.put({ ...e, caseNumbers: [...e.caseNumbers, caseNumber] });
    changed.push(e.id);
  }
  return changed;
}
