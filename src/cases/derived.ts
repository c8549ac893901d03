// Everything the store derives from a case or call record: index keys, the
// caller-history keys, open deadlines, fact terms and counter contributions.
// Writes diff the derived data of the old and new record, so indexes and
// counters always equal what a full recount from the records would give
// (verify() and the crash test hold the store to that).
import type { BureauCalendar } from './calendar.ts';
import { terms } from './text.ts';
import type { CallRecord, CaseRecord } from './types.ts';
import { TERMINAL } from './workflow.ts';

/**
 * Index fields. A case is indexed under [field, value, caseNo]; the `idx`
 * table stores these as posting lists, one key [field, value, day] whose value
 * holds the sorted low parts (caseLow) of that day's case numbers (see
 * store.ts).
 */
export type IdxField = 'st' | 'ag' | 'ct' | 'cn' | 'bz' | 'dp' | 'cb';
export type IdxKey = [IdxField, string, number];
/** A key of the `idx` table: [field, value, day (YYYYMMDD)]. */
export type IdxListKey = [IdxField, string, number];
/**
 * Caller history: [month (YYYYMM of `at` in the bureau's calendar), phone, at,
 * caseNo | 'c:' + callId]. The month comes first so that a month's new
 * entries dirty only that month's B-tree pages: phone order across all time
 * made nearly every create touch its own leaf page (at 200,000 cases, 15 % of
 * a create's CPU time). A lookup walks the months backwards.
 */
export type CallerKey = [number, string, number, number | string];
/** Open deadlines: [dueAt, caseNo, kind]. */
export type DueKey = [number, number, string];
export interface DueValue {
  d: string[];
  a?: string;
}
export interface Contribution {
  day: number;
  dim: string;
  val: string;
  metric: string;
}

export function caseNo(number: string): number {
  return Number(number);
}
/** The number part kept in postings: sequence and check digit (the last 6 digits). */
export function caseLow(no: number): number {
  return no % 1_000_000;
}
export function caseDay(no: number): number {
  return Math.floor(no / 1_000_000);
}
const NO_LOWS = new Uint32Array(0);

/** A stored posting list (sorted lows, 4 bytes each), copied out of LMDB's reused read buffer. */
export function lowsOf(v: Buffer | undefined): Uint32Array {
  if (!v || v.length === 0) return NO_LOWS;
  return new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.length));
}

export function numberString(no: number): string {
  return String(no).padStart(14, '0');
}

export function idxKeys(r: CaseRecord): IdxKey[] {
  const no = caseNo(r.number);
  // No index by kind: five values over all cases select too little to pay
  // for a write per case; a kind filter rides on another index or the date-ordered case table.
  const k: IdxKey[] = [['st', r.status, no]];
  if (r.agentId) k.push(['ag', r.agentId, no]);
  if (r.categoryId) k.push(['ct', r.categoryId, no]);
  const cn = r.complainant?.name?.trim();
  if (cn) k.push(['cn', cn, no]);
  const bz = r.business?.name?.trim();
  if (bz) k.push(['bz', bz, no]);
  for (const d of r.dispatches) k.push(['dp', d.departmentId, no]);
  if (r.callbackPending) k.push(['cb', '1', no]);
  return k;
}

/** The numbers a case is reachable by in the caller history (caller id, callback, complainant's phone). */
export function casePhones(r: CaseRecord): string[] {
  const out: string[] = [];
  for (const p of [r.callerNumber, r.callbackNumber, r.complainant?.phone]) if (p && !out.includes(p)) out.push(p);
  return out;
}

export function callerKeys(r: CaseRecord, cal: BureauCalendar): CallerKey[] {
  const no = caseNo(r.number);
  const month = Math.floor(cal.dayKey(r.createdAt) / 100);
  return casePhones(r).map((p) => [month, p, r.createdAt, no]);
}

export function callCallerKey(c: CallRecord, cal: BureauCalendar): CallerKey | null {
  return c.callerNumber ? [Math.floor(cal.dayKey(c.startedAt) / 100), c.callerNumber, c.startedAt, 'c:' + c.id] : null;
}

export function dueEntries(r: CaseRecord): Array<[DueKey, DueValue]> {
  if (TERMINAL.has(r.status)) return [];
  const no = caseNo(r.number);
  const v: DueValue = { d: r.dispatches.map((d) => d.departmentId) };
  if (r.agentId) v.a = r.agentId;
  const out: Array<[DueKey, DueValue]> = [];
  for (const d of r.deadlines) if (d.metAt === undefined) out.push([[d.dueAt, no, d.kind], v]);
  return out;
}

export function factTerms(r: CaseRecord | null): string[] {
  return r?.facts ? terms(r.facts) : [];
}

export type Emit = (day: number, dim: string, val: string, metric: string) => void;

function emitAll(emit: Emit, day: number, dims: Array<[string, string | undefined]>, metrics: string[]): void {
  for (const [dim, val] of dims) {
    if (val === undefined || val === '') continue;
    for (const metric of metrics) emit(day, dim, val, metric);
  }
}

/**
 * What a case adds to the statistics. Creation counts under the registering
 * agent; a dispatch counts once per department under that department and the
 * dispatching agent; a close counts under the closing agent and the case's
 * departments. The category is the case's current one, so re-categorising a
 * case moves its counts. Emitted one by one (no objects): this runs per create.
 */
export function forEachCaseContribution(r: CaseRecord, cal: BureauCalendar, emit: Emit): void {
  const cat = r.categoryId;
  const day = cal.dayKey(r.createdAt);
  const kind = r.kind;
  for (let i = 0; i < 2; i++) {
    const metric = i === 0 ? 'cases' : kind;
    emit(day, '*', '*', metric);
    emit(day, 'kind', kind, metric);
    if (r.agentId) emit(day, 'agent', r.agentId, metric);
    if (cat) emit(day, 'category', cat, metric);
  }
  for (const h of r.history) {
    if (h.action === 'dispatch') {
      const deps = (h.data?.departments as string[] | undefined) ?? [];
      const d = cal.dayKey(h.at);
      for (const dep of deps) emitAll(emit, d, [['*', '*'], ['kind', kind], ['agent', h.by], ['category', cat], ['department', dep]], ['dispatches']);
    } else if (h.action === 'close') {
      const d = cal.dayKey(h.at);
      emit(d, '*', '*', 'closed');
      emit(d, 'kind', kind, 'closed');
      if (h.by) emit(d, 'agent', h.by, 'closed');
      if (cat) emit(d, 'category', cat, 'closed');
      for (const x of r.dispatches) emit(d, 'department', x.departmentId, 'closed');
    }
  }
}

export function caseContributions(r: CaseRecord, cal: BureauCalendar): Contribution[] {
  const out: Contribution[] = [];
  forEachCaseContribution(r, cal, (day, dim, val, metric) => out.push({ day, dim, val, metric }));
  return out;
}

export function callContributions(c: CallRecord, cal: BureauCalendar): Contribution[] {
  const out: Contribution[] = [];
  const day = cal.dayKey(c.startedAt);
  out.push({ day, dim: '*', val: '*', metric: 'calls' });
  if (c.agentId) out.push({ day, dim: 'agent', val: c.agentId, metric: 'calls' });
  return out;
}
