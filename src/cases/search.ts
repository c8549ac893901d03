// Case search over the indexes, newest first. One index drives the walk (the
// most selective one given: caller number, complainant, business, words in
// the facts, agent, department, category, status, kind; else the case table
// itself, whose keys are date-ordered numbers); the record is then checked
// against every other condition. Words use the inverted index of fact terms
// (CJK bigrams), intersected, then confirmed on the text.
import type { Database } from 'lmdb';
import { dayKeyToEpochDay, epochDayToDayKey, type BureauCalendar } from './calendar.ts';
import type { CategoryIndex } from './config.ts';
import type { CallerKey, IdxField, IdxListKey } from './derived.ts';
import { caseDay, casePhones, lowsOf } from './derived.ts';
import { CaseErrors, caseError } from './errors.ts';
import { containsAll, terms } from './text.ts';
import { CASE_KINDS, CASE_STATUSES, type CaseQuery, type CaseRecord } from './types.ts';

export interface SearchTables {
  cases: Database<CaseRecord, number>;
  idx: Database<Buffer, IdxListKey>;
  caller: Database<null, CallerKey>;
  words: Database<Buffer, [number, string]>;
  calendar: BureauCalendar;
  cats: CategoryIndex;
}

const MAX_NO = 99_999_999_999_999;

function bad(message: string): Error {
  return caseError(CaseErrors.CASE_FIELD_INVALID, `search: ${message}`);
}

/** Descending merge of several descending number streams (category subtrees). */
function* mergeDesc(streams: Iterator<number>[]): Generator<number> {
  const heads: Array<{ it: Iterator<number>; v: number }> = [];
  for (const it of streams) {
    const r = it.next();
    if (!r.done) heads.push({ it, v: r.value });
  }
  while (heads.length > 0) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (heads[i].v > heads[best].v) best = i;
    const h = heads[best];
    yield h.v;
    const r = h.it.next();
    if (r.done) heads.splice(best, 1);
    else h.v = r.value;
  }
}

/** Numbers indexed under (field, value) in [lo, hi], newest first: the day lists backwards, each list from its end. */
function* idxStream(t: SearchTables, field: IdxField, value: string, lo: number, hi: number): Generator<number> {
  for (const { key, value: v } of t.idx.getRange({ start: [field, value, caseDay(hi)], end: [field, value, caseDay(lo) - 1], reverse: true })) {
    const base = key[2] * 1_000_000;
    const lows = lowsOf(v);
    for (let i = lows.length - 1; i >= 0; i--) {
      const no = base + lows[i];
      if (no > hi) continue;
      if (no < lo) break;
      yield no;
    }
  }
}

/** Above this many distinct names with the prefix, walking each one's lists costs more than reading the cases in the date range. */
const MAX_PREFIX_VALUES = 500;
/** The largest code point: in the index's UTF-8 key order it sorts after every name that starts with the prefix. */
const AFTER_ALL = '\u{10FFFF}';

/**
 * Numbers of cases whose indexed name (complainant 'cn', business 'bz')
 * starts with `prefix`, newest first: the distinct names in the index range
 * [prefix, prefix + U+10FFFF), merged; null when there are too many names
 * (the caller then walks the cases and filters).
 */
function prefixStream(t: SearchTables, field: IdxField, prefix: string, lo: number, hi: number): Iterable<number> | null {
  const names: string[] = [];
  for (const key of t.idx.getKeys({ start: [field, prefix], end: [field, prefix + AFTER_ALL] })) {
    if (names[names.length - 1] === key[1]) continue;
    names.push(key[1]);
    if (names.length > MAX_PREFIX_VALUES) return null;
  }
  return mergeDesc(names.map((n) => idxStream(t, field, n, lo, hi)));
}

/**
 * Case numbers whose facts hold every term, newest first. Postings are kept
 * per (day, term) so that one day's new cases touch neighbouring B-tree pages
 * (cheap commits); a search walks the days backwards and intersects that
 * day's lists, so a search with a limit stops as soon as it has enough.
 */
function* wordCandidates(t: SearchTables, qs: string[], loDay: number, hiDay: number): Generator<number> {
  // clamp the walk to the days that hold cases
  let first = 0;
  let last = 0;
  for (const k of t.cases.getKeys({ start: 0, end: Infinity, limit: 1 })) if (typeof k === 'number') first = Math.floor(k / 1_000_000);
  for (const k of t.cases.getKeys({ start: Infinity, end: 0, reverse: true, limit: 1 })) if (typeof k === 'number') last = Math.floor(k / 1_000_000);
  if (first === 0) return;
  const hi = Math.min(hiDay, last);
  const lo = Math.max(loDay, first);
  if (hi < lo) return;
  for (let e = dayKeyToEpochDay(hi); e >= dayKeyToEpochDay(lo); e--) {
    const day = epochDayToDayKey(e);
    let cur: Uint32Array | null = null;
    for (const term of qs) {
      const v = t.words.get([day, term]);
      if (!v || v.length === 0) {
        cur = null;
        break;
      }
      const u = lowsOf(v);
      if (cur === null) cur = u;
      else {
        const s = new Set(u);
        cur = cur.filter((x) => s.has(x));
        if (cur.length === 0) break;
      }
    }
    if (!cur || cur.length === 0) continue;
    const base = day * 1_000_000;
    const nos = Array.from(cur, (x) => base + x).sort((a, b) => b - a);
    yield* nos;
  }
}

/**
 * What is filed under a phone number (case numbers, 'c:' + call ids), newest
 * first, optionally within [fromMs, toMs): the months that hold entries,
 * backwards, one range read each.
 */
export function* callerRefs(t: SearchTables, phone: string, fromMs?: number, toMs?: number): Generator<number | string> {
  let first = 0;
  let last = 0;
  for (const k of t.caller.getKeys({ limit: 1 })) first = k[0];
  for (const k of t.caller.getKeys({ reverse: true, limit: 1 })) last = k[0];
  if (first === 0) return;
  const lo = fromMs !== undefined ? Math.max(first, Math.floor(t.calendar.dayKey(fromMs) / 100)) : first;
  let m = toMs !== undefined ? Math.min(last, Math.floor(t.calendar.dayKey(toMs - 1) / 100)) : last;
  for (; m >= lo; m = m % 100 === 1 ? m - 89 : m - 1) {
    const end: unknown[] = fromMs !== undefined ? [m, phone, fromMs] : [m, phone];
    for (const key of t.caller.getKeys({ start: [m, phone, toMs ?? Infinity], end: end as CallerKey, reverse: true })) yield key[3];
  }
}

export function searchCases(t: SearchTables, q: CaseQuery): CaseRecord[] {
  if (!q || typeof q !== 'object') throw bad('the query must be an object');
  const limit = q.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw bad('limit must be a whole number from 1 to 100000');
  if (q.status !== undefined && !CASE_STATUSES.includes(q.status)) throw bad(`status '${q.status}' is not one of ${CASE_STATUSES.join(', ')}`);
  if (q.kind !== undefined && !CASE_KINDS.includes(q.kind)) throw bad(`kind '${q.kind}' is not one of ${CASE_KINDS.join(', ')}`);
  if (q.categoryId !== undefined && !t.cats.byId.has(q.categoryId)) throw bad(`category '${q.categoryId}' is not in the category tree`);
  for (const f of ['from', 'to'] as const) {
    const v = q[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw bad(`${f} must be a time in epoch milliseconds`);
  }
  for (const f of ['callerNumber', 'complainant', 'business', 'departmentId', 'agentId', 'words'] as const) {
    const v = q[f];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) throw bad(`${f} must be non-empty text`);
  }
  // Terms the index can answer. A lone Chinese character ('A4纸', 'U盘') is
  // not one (inside a run it is stored only as pairs), but beside an
  // indexable term it is checked in the facts of the candidates (containsAll).
  let wordTerms: string[] = [];
  if (q.words !== undefined) {
    const all = terms(q.words);
    if (all.length === 0) throw bad('words must contain at least one letter, digit or Chinese character');
    wordTerms = all.filter((term) => !(term.length === 1 && /[^\p{L}\p{N}]|[\p{Script=Han}]/u.test(term)));
    if (wordTerms.length === 0) {
      throw bad(`'${all[0]}': search Chinese words of at least two characters (the index holds character pairs)`);
    }
  }

  const cal = t.calendar;
  const loDay = q.from !== undefined ? cal.dayKey(q.from) : 0;
  const hiDay = q.to !== undefined ? cal.dayKey(q.to - 1) : 99_999_999;
  const lo = loDay * 1_000_000;
  const hi = Math.min(MAX_NO, hiDay * 1_000_000 + 999_999);
  const cats = q.categoryId !== undefined ? new Set(t.cats.subtree(q.categoryId)) : null;
  const complainant = q.complainant?.trim();
  const business = q.business?.trim();

  let stream: Iterable<number>;
  let stream0: Iterable<number> | null;
  if (q.callerNumber !== undefined) {
    const phone = q.callerNumber;
    stream = (function* () {
      const seen = new Set<number>();
      for (const ref of callerRefs(t, phone, q.from, q.to)) {
        if (typeof ref === 'number' && !seen.has(ref)) {
          seen.add(ref);
          yield ref;
        }
      }
    })();
  } else if (complainant !== undefined && (stream0 = prefixStream(t, 'cn', complainant, lo, hi)) !== null) stream = stream0;
  else if (business !== undefined && (stream0 = prefixStream(t, 'bz', business, lo, hi)) !== null) stream = stream0;
  else if (q.words !== undefined) stream = wordCandidates(t, wordTerms, loDay, hiDay);
  else if (q.agentId !== undefined) stream = idxStream(t, 'ag', q.agentId, lo, hi);
  else if (q.departmentId !== undefined) stream = idxStream(t, 'dp', q.departmentId, lo, hi);
  else if (cats !== null) stream = mergeDesc([...cats].map((c) => idxStream(t, 'ct', c, lo, hi)));
  else if (q.status !== undefined) stream = idxStream(t, 'st', q.status, lo, hi);
  else {
    stream = (function* () {
      for (const key of t.cases.getKeys({ start: hi, end: lo, reverse: true })) if (typeof key === 'number') yield key;
    })();
  }

  const out: CaseRecord[] = [];
  for (const no of stream) {
    if (no < lo || no > hi) continue;
    const r = t.cases.get(no);
    if (!r) continue;
    if (q.from !== undefined && r.createdAt < q.from) continue;
    if (q.to !== undefined && r.createdAt >= q.to) continue;
    if (q.callerNumber !== undefined && !casePhones(r).includes(q.callerNumber)) continue;
    // names beginning with the text: '张' finds 张三 and 张伟 (the index holds whole names; see prefixStream)
    if (complainant !== undefined && !(r.complainant?.name?.trim() ?? '').startsWith(complainant)) continue;
    if (business !== undefined && !(r.business?.name?.trim() ?? '').startsWith(business)) continue;
    if (q.agentId !== undefined && r.agentId !== q.agentId) continue;
    if (q.departmentId !== undefined && !r.dispatches.some((d) => d.departmentId === q.departmentId)) continue;
    if (cats !== null && (r.categoryId === undefined || !cats.has(r.categoryId))) continue;
    if (q.status !== undefined && r.status !== q.status) continue;
    if (q.kind !== undefined && r.kind !== q.kind) continue;
    if (q.words !== undefined && !containsAll(r.facts ?? '', q.words)) continue;
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}

