// Schema versions, migration of older stores, rebuilding everything derived
// from the records, and verify(): a full recount compared with the stored
// indexes, postings and counters (what the crash test holds the store to).
import { CaseErrors, caseError } from './errors.ts';
import {
  callCallerKey,
  callContributions,
  callerKeys,
  caseContributions,
  caseLow,
  caseNo,
  dueEntries,
  factTerms,
  idxKeys,
  lowsOf,
} from './derived.ts';
import { SCHEMA_VERSION, type LmdbCaseStore } from './store.ts';
import type { CaseRecord } from './types.ts';

const CHUNK = 5000;

export interface VerifyResult {
  ok: boolean;
  cases: number;
  calls: number;
  problems: string[];
}

/** Checks the layout version: stamps a new store, migrates an older one, refuses a newer one. */
export function checkSchema(s: LmdbCaseStore, readOnly: boolean): void {
  const v = s.meta.get('schema') as number | undefined;
  let hasCases = false;
  for (const k of s.cases.getKeys({ start: 0, end: Infinity, limit: 1 })) if (typeof k === 'number') hasCases = true;
  const version = v ?? (hasCases ? 1 : undefined);
  if (version === undefined) {
    if (!readOnly) s.env.transactionSync(() => s.meta.putSync('schema', SCHEMA_VERSION));
    return;
  }
  if (version > SCHEMA_VERSION) {
    throw caseError(
      CaseErrors.CASE_STORE_TOO_NEW,
      `the case store in ${s.dir} has layout version ${version}, newer than this program understands (${SCHEMA_VERSION}); upgrade hotline, or open a backup made by this version`,
      { storeVersion: version, codeVersion: SCHEMA_VERSION },
    );
  }
  if (version < SCHEMA_VERSION) {
    if (readOnly) throw caseError(CaseErrors.CASE_STORE_OPEN_FAILED, `the case store in ${s.dir} has layout version ${version} and must be migrated first: run 'hotline cases migrate --dir ${s.dir}' (or start the engine on it) once`);
    migrate(s, version);
  }
}

/**
 * v1 → v2: fill the record fields v2 added, then derive indexes and counters.
 * v2 → v3: nothing to rewrite: v2 records (structures inline) stay readable
 * and are re-encoded with the shared structures when next written.
 * v3 → v4: the index becomes day posting lists; v4 → v5: caller history
 * keys start with the month. Both are re-derived from the records.
 */
function migrate(s: LmdbCaseStore, from: number): void {
  if (from === 1) {
    let after = -1;
    for (;;) {
      const chunk: Array<[number, CaseRecord]> = [];
      for (const { key, value } of s.cases.getRange({ start: after + 1, end: Infinity, limit: CHUNK })) if (typeof key === 'number') chunk.push([key, value]);
      if (chunk.length === 0) break;
      s.env.transactionSync(() => {
        for (const [k, r] of chunk) {
          s.cases.putSync(k, { ...r, missingFields: r.missingFields ?? [], callbackPending: r.callbackPending ?? false, deadlines: r.deadlines ?? [], dispatches: r.dispatches ?? [], history: r.history ?? [] });
        }
      });
      after = chunk[chunk.length - 1][0];
    }
  }
  if (from < 5) rebuildDerived(s);
  s.env.transactionSync(() => s.meta.putSync('schema', SCHEMA_VERSION));
}

interface Expected {
  idx: Map<string, number[]>;
  caller: Set<string>;
  due: Set<string>;
  postings: Map<string, number[]>;
  counters: Map<string, Record<string, number>>;
  cases: number;
  calls: number;
}

function expected(s: LmdbCaseStore): Expected {
  const e: Expected = { idx: new Map(), caller: new Set(), due: new Set(), postings: new Map(), counters: new Map(), cases: 0, calls: 0 };
  const sk = (k: unknown[]): string => JSON.stringify(k);
  const count = (day: number, dim: string, val: string, metric: string): void => {
    for (const k of [sk(['d', day, dim, val]), sk(['m', Math.floor(day / 100), dim, val]), sk(['y', Math.floor(day / 10000), dim, val])]) {
      let rec = e.counters.get(k);
      if (!rec) e.counters.set(k, (rec = {}));
      rec[metric] = (rec[metric] ?? 0) + 1;
    }
  };
  for (const { key, value: r } of s.cases.getRange({ start: 0, end: Infinity })) {
    if (typeof key !== 'number') continue;
    e.cases += 1;
    for (const k of idxKeys(r)) {
      const pk = sk([k[0], k[1], Math.floor(k[2] / 1_000_000)]);
      const l = e.idx.get(pk);
      if (l) l.push(caseLow(k[2]));
      else e.idx.set(pk, [caseLow(k[2])]);
    }
    for (const k of callerKeys(r, s.calendar)) e.caller.add(sk(k));
    for (const [k] of dueEntries(r)) e.due.add(sk(k));
    const no = caseNo(r.number);
    for (const t of factTerms(r)) {
      const pk = sk([Math.floor(no / 1_000_000), t]);
      const l = e.postings.get(pk);
      if (l) l.push(caseLow(no));
      else e.postings.set(pk, [caseLow(no)]);
    }
    for (const c of caseContributions(r, s.calendar)) count(c.day, c.dim, c.val, c.metric);
  }
  for (const { value: c } of s.calls.getRange({})) {
    e.calls += 1;
    const k = callCallerKey(c, s.calendar);
    if (k) e.caller.add(sk(k));
    for (const x of callContributions(c, s.calendar)) count(x.day, x.dim, x.val, x.metric);
  }
  return e;
}

/** Recounts everything from the records and compares with what is stored. */
export function verifyStore(s: LmdbCaseStore): VerifyResult {
  const problems: string[] = [];
  const note = (p: string): void => {
    if (problems.length < 50) problems.push(p);
  };
  const e = expected(s);
  const sk = (k: unknown): string => JSON.stringify(k);
  const cmpSet = (name: string, want: Set<string>, keys: Iterable<unknown>): void => {
    const seen = new Set<string>();
    for (const k of keys) {
      const s1 = sk(k);
      seen.add(s1);
      if (!want.has(s1)) note(`${name}: stray entry ${s1}`);
    }
    for (const w of want) if (!seen.has(w)) note(`${name}: missing entry ${w}`);
  };
  cmpSet('caller', e.caller, s.caller.getKeys({}));
  cmpSet('due', e.due, s.due.getKeys({}));
  // Posting lists must hold exactly the recounted numbers, each once, sorted
  // where the store keeps them sorted (the index; fact lists are sorted on read).
  const cmpPostings = (name: string, want: Map<string, number[]>, rows: Iterable<{ key: unknown; value: Buffer }>, sorted: boolean): void => {
    const seenP = new Set<string>();
    for (const { key, value } of rows) {
      const k = sk(key);
      seenP.add(k);
      const stored = Array.from(lowsOf(value));
      const got = stored.slice().sort((a, b) => a - b);
      const w = (want.get(k) ?? []).slice().sort((a, b) => a - b);
      if (got.join(',') !== w.join(',')) note(`${name} ${k}: stored [${got.slice(0, 10).join(',')}…] (${got.length}) but recount gives ${w.length}`);
      else if (sorted && stored.join(',') !== got.join(',')) note(`${name} ${k}: list not in number order`);
    }
    for (const k of want.keys()) if (!seenP.has(k)) note(`${name} ${k}: missing posting list`);
  };
  cmpPostings('idx', e.idx, s.idx.getRange({}), true);
  cmpPostings('words', e.postings, s.words.getRange({}), false);
  const seenC = new Set<string>();
  for (const { key, value } of s.counters.getRange({})) {
    const k = sk(key);
    seenC.add(k);
    const canon = (o: Record<string, number> | undefined): string => JSON.stringify(Object.entries(o ?? {}).sort());
    const want = e.counters.get(k);
    if (canon(value) !== canon(want)) note(`counter ${k}: stored ${canon(value)}, recount ${canon(want)}`);
  }
  for (const [k, n] of e.counters) if (!seenC.has(k)) note(`counter ${k}: missing (recount ${JSON.stringify(n)})`);
  // The daily sequence must be at least the highest number issued that day.
  const maxSeq = new Map<number, number>();
  for (const k of s.cases.getKeys({ start: 0, end: Infinity })) {
    if (typeof k !== 'number') continue;
    const day = Math.floor(k / 1_000_000);
    const seq = Math.floor((k % 1_000_000) / 10);
    if ((maxSeq.get(day) ?? 0) < seq) maxSeq.set(day, seq);
  }
  for (const [day, seq] of maxSeq) {
    const stored = (s.meta.get(['seq', day]) as number | undefined) ?? 0;
    if (stored < seq) note(`sequence of ${day} is ${stored} but case sequence ${seq} exists: a number could be issued twice`);
  }
  return { ok: problems.length === 0, cases: e.cases, calls: e.calls, problems };
}

/** Clears and re-derives indexes, caller history, due list, postings and counters from the records. */
export function rebuildDerived(s: LmdbCaseStore): void {
  const e = expected(s);
  s.env.transactionSync(() => {
    s.idx.clearSync();
    s.caller.clearSync();
    s.due.clearSync();
    s.words.clearSync();
    s.counters.clearSync();
  });
  const put = <T>(entries: Iterable<[unknown, T]>, db: { putSync(k: never, v: T): unknown }): void => {
    let batch: Array<[unknown, T]> = [];
    const flush = (): void => {
      const b = batch;
      s.env.transactionSync(() => {
        for (const [k, v] of b) db.putSync(k as never, v);
      });
      batch = [];
    };
    for (const x of entries) {
      batch.push(x);
      if (batch.length >= 50_000) flush();
    }
    if (batch.length) flush();
  };
  const parse = (k: string): unknown => JSON.parse(k);
  const lists = (m: Map<string, number[]>): Array<[unknown, Buffer]> => [...m].map(([k, l]) => [parse(k), Buffer.from(Uint32Array.from(l).sort().buffer)]);
  put(lists(e.idx), s.idx as never);
  put([...e.caller].map((k) => [parse(k), null] as [unknown, null]), s.caller as never);
  // due values need the record: re-derive them
  const dues: Array<[unknown, unknown]> = [];
  for (const { key, value } of s.cases.getRange({ start: 0, end: Infinity })) if (typeof key === 'number') for (const [k, v] of dueEntries(value)) dues.push([k, v]);
  put(dues, s.due as never);
  put(lists(e.postings), s.words as never);
  put([...e.counters].map(([k, n]) => [parse(k), n] as [unknown, Record<string, number>]), s.counters as never);
}
