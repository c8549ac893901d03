// Legal hold: which recordings an open case (not closed, not not_accepted:
// cases/workflow.ts TERMINAL) keeps from retention. Read from the case store
// at each run, never only from the index, so a stale index cannot release a
// hold. A recording is held when an open case
//   - names it (case.recordingIds: an IVR take, or any recording by id or file),
//   - is named in its index entry (caseNumbers: cases made during the call),
//   - was made for its call (case.callId = the entry's callId: the per-call
//     recording and the IVR takes of that call), or
//   - was made for a call that ran on the segment's channel while the segment
//     was recorded (rolling segments: the call's channels and times come from
//     its call record in the case store, else from its per-call recording's
//     index entry: the caller's line and every leg).
import type { CaseRecord, CaseStore } from '../cases/types.ts';
import { TERMINAL } from '../cases/workflow.ts';
import type { RecordingEntry, RecordingIndex } from './types.ts';

type CaseRef = Pick<CaseRecord, 'number' | 'status'>;

/** "board/1:5" or "board/1:fxs3" (Channel.name) → "1:5" / "1:3" (the rolling segments' channel key). */
export function channelKeyOfName(name: string): string | null {
  const m = /(\d+):[a-z]*(\d+)$/.exec(name);
  return m ? `${m[1]}:${m[2]}` : null;
}

interface Span {
  from: number;
  to: number;
  cases: string[];
}

export interface LegalHolds {
  /** The open cases that hold `e` (empty: none). */
  openCases(e: RecordingEntry): string[];
  /** Some case (open or not) refers to `e`: its retention category is 'case'. */
  linked(e: RecordingEntry): boolean;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Reads the case store (and, for the calls of open cases, their call records and per-call recordings) once per retention run. */
export async function legalHolds(store: Pick<CaseStore, 'exportCases'> & Partial<Pick<CaseStore, 'getCallRecord'>>, index: RecordingIndex): Promise<LegalHolds> {
  const byRecording = new Map<string, CaseRef[]>();
  const byCall = new Map<string, CaseRef[]>();
  const byNumber = new Map<string, CaseRef>();
  for await (const c of store.exportCases()) {
    const ref = { number: c.number, status: c.status };
    byNumber.set(c.number, ref);
    for (const id of c.recordingIds ?? []) push(byRecording, id, ref);
    if (c.callId) push(byCall, c.callId, ref);
  }
  const open = (c: CaseRef) => !TERMINAL.has(c.status);
  // Where and when the calls of open cases ran: channel key → spans.
  const spans = new Map<string, Span[]>();
  const put = (name: string | undefined, from: number, to: number | undefined, cases: string[]) => {
    const key = name === undefined ? null : (channelKeyOfName(name) ?? name);
    if (key !== null) push(spans, key, { from, to: to ?? Number.MAX_SAFE_INTEGER, cases });
  };
  for (const [callId, cs] of byCall) {
    const held = cs.filter(open).map((c) => c.number);
    if (!held.length) continue;
    const rec = store.getCallRecord ? await store.getCallRecord(callId).catch(() => null) : null;
    if (rec) {
      put(rec.channel, rec.startedAt, rec.endedAt, held);
      for (const l of rec.legs ?? []) put(l.channel, l.joinedAt, l.leftAt ?? rec.endedAt, held);
    }
    for (const e of index.search({ callId, kind: 'call' })) {
      put(e.channel, e.start, e.end, held);
      for (const l of e.legs ?? []) put(l.channel, l.joinedAt, l.leftAt ?? e.end, held);
    }
  }
  const names = (e: RecordingEntry) => [e.id, ...e.files];
  return {
    linked: (e) => e.caseNumbers.length > 0 || names(e).some((f) => byRecording.has(f)) || (e.callId !== undefined && byCall.has(e.callId)),
    openCases(e) {
      const out = new Set<string>();
      for (const f of names(e)) for (const c of byRecording.get(f) ?? []) if (open(c)) out.add(c.number);
      for (const n of e.caseNumbers) {
        const c = byNumber.get(n);
        if (c && open(c)) out.add(n);
      }
      if (e.callId !== undefined) for (const c of byCall.get(e.callId) ?? []) if (open(c)) out.add(c.number);
      if (e.kind === 'segment' && e.channel !== undefined) for (const s of spans.get(e.channel) ?? []) if (s.from <= e.end && s.to >= e.start) for (const n of s.cases) out.add(n);
      return [...out];
    },
  };
}
