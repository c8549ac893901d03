// The embedded CaseStore on LMDB. One environment (a folder) holds named
// tables; every change to a case writes the record (its history inside),
// its index entries, caller-history keys, open deadlines, fact postings,
// counters and the day's sequence in ONE write transaction, so a crash at any
// moment leaves either all of it or none.
//
// Writes are group-committed: calls queue an operation; the next turn of the
// event loop runs every queued operation inside one LMDB write transaction,
// each in a child transaction of its own (an operation that throws leaves
// nothing behind, whatever it wrote first), and their promises resolve once
// the commit is durable. A resolved createCase is therefore on disk, and many
// creates share one commit. See `flush` for what a failure means.
import { existsSync, readdirSync } from 'node:fs';
import { makeDirs } from '../dirs.ts';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { BureauCalendar, dayKeyToIso } from './calendar.ts';
import { indexCategories, resolveDeadlines, type CategoryIndex } from './config.ts';
import {
  callCallerKey,
  callContributions,
  callerKeys,
  forEachCaseContribution,
  caseNo,
  dueEntries,
  factTerms,
  idxKeys,
  lowsOf,
  numberString,
  type CallerKey,
  type DueKey,
  type DueValue,
  type IdxListKey,
} from './derived.ts';
import { isHotlineError } from '../errors.ts';
import { CaseErrors, caseError, invalidCase } from './errors.ts';
import { formatCaseNumber, MAX_DAILY_SEQUENCE, validateCaseNumber } from './number.ts';
import { applyPosting, Batch, type CounterKey } from './batch.ts';
import { buildReport, type CounterReader } from './report.ts';
import { callerRefs, searchCases, type SearchTables } from './search.ts';
import { LmdbDirectory, LmdbKnowledge, LmdbSurveys, type PeopleTables } from './people.ts';
import type {
  Agent,
  AgentInput,
  CallRecord,
  CallRecordInput,
  CaseAction,
  CaseQuery,
  CaseRecord,
  CaseStore,
  CaseUpdate,
  CategoryNode,
  CreateCaseInput,
  DeadlineConfig,
  Department,
  DueItem,
  DueQuery,
  HistoryItem,
  KnowledgeCategory,
  KnowledgeEntry,
  NumberCheck,
  OpenCaseStoreOptions,
  Report,
  ReportQuery,
  SurveyAnswer,
  SurveyAnswerInput,
  SurveyDefinition,
  SurveyTally,
} from './types.ts';
import { short, validateCreate, validateUpdate, type FieldContext } from './validate.ts';
import { addReminder, applyAction, newCaseRecord, type WorkflowEnv } from './workflow.ts';

/**
 * Layout version. 1: case records and the daily sequence only (records had no
 * missingFields / callbackPending). 2: adds indexes, caller history, due
 * list, fact postings and aggregate counters. 3: case records are encoded
 * with msgpack record structures shared through the table (see CASES_DB), so
 * code of version 2 cannot read them. 4: the `idx` table holds one posting
 * list per (field, value, day) instead of one key per case and field. 5:
 * caller-history keys start with the month. Opening an older store migrates
 * it; a store newer than this code is refused.
 */
export const SCHEMA_VERSION = 5;

/**
 * The case table keeps its msgpack record structures (field-name lists) under
 * one key of its own, so a record holds only its values: 320 bytes instead of
 * 580 for a typical complaint, 25 % less encoding time, a quarter of the
 * decoding time (measured on bench cases). Records written by v2 carry their
 * structures inline and stay readable. New structures are saved in the same
 * write transaction as the record that first uses them.
 */
export const CASES_DB = { sharedStructuresKey: Symbol.for('structures') };

export { Batch, type CounterKey } from './batch.ts';

interface Op {
  fn: (b: Batch) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const MAX_OPS_PER_TXN = 8192;

/** The errno behind a failed LMDB commit, when lmdb-js hands it over (`commitError`). */
async function commitCause(e: unknown): Promise<Error | null> {
  const p = (e as { commitError?: Promise<unknown> } | null)?.commitError;
  if (!p || typeof p.then !== 'function') return null;
  // lmdb-js rejects commitError in the same callback that failed the commit;
  // the time-out only guards against a version that never settles it.
  return Promise.race([p.then(() => null, (x: unknown) => (x instanceof Error ? x : new Error(String(x)))), new Promise<null>((r) => setTimeout(() => r(null), 200).unref())]);
}

/** EIO: how Linux reports a page the disk would not take (write-back or fsync). */
function isIoError(e: Error | null): boolean {
  if (!e) return false;
  const errno = (e as { code?: unknown; errno?: unknown }).errno ?? (e as { code?: unknown }).code;
  return errno === 5 || errno === -5 || errno === 'EIO' || /\bEIO\b|Input\/output error/i.test(e.message);
}

export class LmdbCaseStore implements CaseStore {
  readonly dir: string;
  readonly calendar: BureauCalendar;
  readonly deadlines: DeadlineConfig;
  readonly cats: CategoryIndex;
  readonly env: RootDatabase;
  readonly meta: Database;
  readonly cases: Database<CaseRecord, number>;
  readonly idx: Database<Buffer, IdxListKey>;
  readonly caller: Database<null, CallerKey>;
  readonly due: Database<DueValue, DueKey>;
  readonly words: Database<Buffer, [number, string]>;
  readonly counters: Database<Record<string, number>, CounterKey>;
  readonly calls: Database<CallRecord, string>;
  readonly people: PeopleTables;
  private readonly directory: LmdbDirectory;
  private readonly knowledge: LmdbKnowledge;
  private readonly surveys: LmdbSurveys;
  private readonly clock: () => number;
  private readonly fieldCtx: FieldContext;
  /** Agent ids seen to exist (agents are never deleted), to spare a read per case. */
  private readonly knownAgents = new Set<string>();
  private queue: Op[] = [];
  private scheduled = false;
  /** Set by close(): no new write is taken. */
  private closing = false;
  private closed: Promise<void> | null = null;
  /** Rounds handed to LMDB and not yet settled; close() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(opts: OpenCaseStoreOptions) {
    this.dir = opts.dir ?? './data';
    this.calendar = new BureauCalendar(opts.calendar);
    this.deadlines = resolveDeadlines(opts.config?.deadlines);
    this.cats = indexCategories(opts.config?.categories);
    this.clock = opts.config?.now ?? Date.now;
    this.fieldCtx = { categories: this.cats, ...(opts.recordingsRoot !== undefined ? { recordingsRoot: opts.recordingsRoot } : {}) };
    if (!opts.readOnly && opts.create !== false) {
      try {
        makeDirs(this.dir);
      } catch (e) {
        throw caseError(CaseErrors.CASE_STORE_OPEN_FAILED, `cannot make the case store folder ${this.dir}: ${(e as Error).message}`);
      }
    }
    else if (!existsSync(join(this.dir, 'data.mdb'))) {
      throw caseError(
        CaseErrors.CASE_STORE_MISSING,
        `there is no case store in ${this.dir} (no data.mdb); check the folder, or make a new store there first`,
        { dir: this.dir },
      );
    }
    try {
      // overlappingSync off (lmdb-js's documented option): a commit is
      // synchronous in LMDB's own sense, data pages then the meta page are
      // fsynced before the commit returns, so a write's promise resolves only
      // when the write is durable, and a failed fsync fails the commit with
      // the previous state kept (LMDB writes the old meta page back). With
      // overlappingSync the flush follows the commit, and a flush that fails
      // is reported as a failed commit of data that is in fact committed:
      // the caller would retry and duplicate the case.
      this.env = open({ path: this.dir, maxDbs: 24, readOnly: opts.readOnly === true, compression: false, overlappingSync: false });
    } catch (e) {
      throw caseError(CaseErrors.CASE_STORE_OPEN_FAILED, `cannot open the case store in ${this.dir}: ${(e as Error).message}`);
    }
    this.meta = this.env.openDB('meta', {});
    this.cases = this.env.openDB('cases', CASES_DB);
    this.idx = this.env.openDB('idx', { encoding: 'binary' });
    this.caller = this.env.openDB('caller', {});
    this.due = this.env.openDB('due', {});
    this.words = this.env.openDB('words', { encoding: 'binary' });
    this.counters = this.env.openDB('counters', {});
    this.calls = this.env.openDB('calls', {});
    this.people = {
      departments: this.env.openDB('departments', {}),
      agents: this.env.openDB('agents', {}),
      kb: this.env.openDB('kb', {}),
      kbMenu: this.env.openDB('kbmenu', {}),
      surveys: this.env.openDB('surveys', {}),
      answers: this.env.openDB('answers', {}),
      tally: this.env.openDB('tally', {}),
    };
    const host = { people: this.people, write: <T>(fn: () => T): Promise<T> => this.write(() => fn()), now: () => this.now() };
    this.directory = new LmdbDirectory(host);
    this.knowledge = new LmdbKnowledge(host);
    this.surveys = new LmdbSurveys(host);
  }

  now(): number {
    return this.clock();
  }

  /** The time is taken when the call is made, not when its transaction runs. */
  private wfEnv(now: number): WorkflowEnv {
    return { calendar: this.calendar, deadlines: this.deadlines, now };
  }

  private closedError(): Error {
    return caseError(CaseErrors.CASE_STORE_CLOSED, `the case store in ${this.dir} is closed (or closing); nothing was stored`);
  }

  /** Reads on a closed store get a case error, not lmdb-js's raw one. */
  private ensureOpen(): void {
    if (this.closed) throw this.closedError();
  }

  // ---- write queue (group commit) ----

  /**
   * Runs `fn` inside the next write transaction, in a child transaction of
   * its own: if `fn` throws, nothing it wrote is kept (tables and batch).
   */
  write<T>(fn: (b: Batch) => T): Promise<T> {
    if (this.closing) return Promise.reject(this.closedError());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Hands the queue to LMDB: one round per MAX_OPS_PER_TXN operations (lmdb-js may commit several rounds together). */
  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const ops = this.queue.length > MAX_OPS_PER_TXN ? this.queue.splice(0, MAX_OPS_PER_TXN) : this.queue.splice(0);
      const p = this.round(ops);
      this.inFlight.add(p);
      void p.then(() => this.inFlight.delete(p));
    }
  }

  /**
   * One round: every operation in its own child transaction, then the
   * round's derived changes (counters, posting lists), all inside one child
   * of lmdb-js's batched write transaction. The promises settle when that
   * transaction's commit, synchronous and fsynced, has completed.
   *
   * Failure modes, for whoever retries:
   * - an operation throws: that operation only is rejected, nothing of it
   *   is stored; the rest of the round commits.
   * - the commit fails (CASE_STORE_WRITE_FAILED, or CASE_STORE_SYNC_FAILED
   *   when the disk reports EIO): LMDB keeps the previous state, so nothing
   *   of the round is stored and a retry cannot duplicate a case.
   */
  private async round(ops: Op[]): Promise<void> {
    const values: unknown[] = new Array(ops.length);
    const failed = new Uint8Array(ops.length);
    try {
      await this.env.childTransaction(() => {
        if (!this.runRound(ops, values)) {
          // An operation threw: its writes went with the aborted attempt.
          // Run the round again with a child transaction per operation
          // (slower: LMDB allocates a dirty-page list for each), so each
          // failure takes only its own operation with it.
          this.forgetUnsavedStructures();
          this.runRoundPerOp(ops, values, failed);
        }
      });
      // That promise is lmdb-js's "committed"; with overlappingSync off the
      // commit it waits for is LMDB's synchronous one (data and meta page
      // on disk), so committed is flushed here. Not `await env.flushed`: it
      // follows the latest commit, and a later batch's failure would reject
      // this batch, which is stored: the caller would retry a stored case.
    } catch (e) {
      this.forgetUnsavedStructures();
      const cause = await commitCause(e);
      const why = cause?.message ?? (e as Error)?.message ?? String(e);
      const err = isIoError(cause)
        ? caseError(
            CaseErrors.CASE_STORE_SYNC_FAILED,
            `the disk did not confirm the write (${why}); LMDB kept the previous state, so none of these ${ops.length} write(s) was stored and a retry will not duplicate anything; check the disk (dmesg), then restart`,
          )
        : caseError(CaseErrors.CASE_STORE_WRITE_FAILED, `the write transaction failed (${why}); none of these ${ops.length} write(s) was stored and it is safe to retry`);
      for (const op of ops) op.reject(err);
      return;
    }
    for (let i = 0; i < ops.length; i++) {
      if (failed[i] === 0) ops[i].resolve(values[i]);
      else ops[i].reject(values[i]);
    }
  }

  /**
   * Every operation of the round and the batch, in one child transaction.
   * False (and nothing kept) if an operation threw; a failure of the batch
   * itself propagates and fails the round.
   */
  private runRound(ops: Op[], values: unknown[]): boolean {
    let opFailed = false;
    try {
      this.env.childTransaction(() => {
        const b = new Batch();
        for (let i = 0; i < ops.length; i++) {
          try {
            values[i] = ops[i].fn(b);
          } catch (e) {
            opFailed = true;
            throw e;
          }
        }
        this.applyBatch(b);
      });
      return true;
    } catch (e) {
      if (opFailed) return false;
      throw e;
    }
  }

  /** The slow path of a round: each operation in a child transaction of its own, its batch changes journaled. */
  private runRoundPerOp(ops: Op[], values: unknown[], failed: Uint8Array): void {
    const b = new Batch();
    for (let i = 0; i < ops.length; i++) {
      const fn = ops[i].fn;
      b.begin();
      try {
        values[i] = this.env.childTransaction(() => fn(b));
        b.commit();
      } catch (e) {
        b.rollback();
        this.forgetUnsavedStructures();
        values[i] = isHotlineError(e) ? e : caseError(CaseErrors.CASE_STORE_WRITE_FAILED, `the write failed and nothing of it was stored: ${(e as Error)?.message ?? String(e)}`);
        failed[i] = 1;
      }
    }
    this.applyBatch(b);
  }

  /**
   * A record that introduced a new msgpack record structure saved it in the
   * same child transaction; if that was rolled back the encoder still holds
   * the structure, and a later record using it would be unreadable after a
   * restart. msgpackr's `uninitialized` makes it reload the stored list
   * (read inside the current transaction) before the next record.
   */
  private forgetUnsavedStructures(): void {
    const structures = (this.cases as unknown as { encoder?: { structures?: { uninitialized?: boolean } } }).encoder?.structures;
    if (structures) structures.uninitialized = true;
  }

  private applyBatch(b: Batch): void {
    for (const [day, seq] of b.seqs) this.meta.putSync(['seq', day], seq);
    for (const { key, delta } of b.counterDeltas()) {
      const cur = this.counters.get(key);
      const next: Record<string, number> = cur ? { ...cur } : {};
      let changed = false;
      for (const [metric, n] of delta) {
        if (n === 0) continue;
        changed = true;
        const v = (next[metric] ?? 0) + n;
        if (v === 0) delete next[metric];
        else next[metric] = v;
      }
      if (!changed) continue;
      if (Object.keys(next).length === 0) {
        if (cur) this.counters.removeSync(key);
      } else this.counters.putSync(key, next);
    }
    for (const [day, terms] of b.postings) for (const [term, p] of terms) applyPosting(this.words, [day, term], p);
    for (const [field, vals] of b.idxPostings) {
      for (const [value, days] of vals) for (const [day, p] of days) applyPosting(this.idx, [field, value, day], p);
    }
  }

  private nextSeq(b: Batch, day: number): number {
    let last = b.seqs.get(day);
    if (last === undefined) last = (this.meta.get(['seq', day]) as number | undefined) ?? 0;
    if (last >= MAX_DAILY_SEQUENCE) {
      throw caseError(CaseErrors.CASE_SEQUENCE_EXHAUSTED, `all ${MAX_DAILY_SEQUENCE} case numbers of ${dayKeyToIso(day)} are used; no case can be registered until tomorrow`);
    }
    b.setSeq(day, last + 1);
    return last + 1;
  }

  /** Writes a case record and the diff of everything derived from it. */
  private writeCase(b: Batch, old: CaseRecord | null, rec: CaseRecord): void {
    const no = caseNo(rec.number);
    this.cases.putSync(no, rec);
    if (!old) {
      for (const k of idxKeys(rec)) b.idxPosting(k, true);
      for (const k of callerKeys(rec, this.calendar)) this.caller.putSync(k, null);
      for (const [k, v] of dueEntries(rec)) this.due.putSync(k, v);
      for (const t of factTerms(rec)) b.posting(t, no, true);
      forEachCaseContribution(rec, this.calendar, b.plus);
      return;
    }
    // index entries
    const oldIdx = old ? idxKeys(old) : [];
    const newIdx = idxKeys(rec);
    const sk = (k: unknown[]): string => k.join('\u0001');
    const newSet = new Set(newIdx.map(sk));
    const oldSet = new Set(oldIdx.map(sk));
    for (const k of oldIdx) if (!newSet.has(sk(k))) b.idxPosting(k, false);
    for (const k of newIdx) if (!oldSet.has(sk(k))) b.idxPosting(k, true);
    // caller history
    const oldC = old ? callerKeys(old, this.calendar) : [];
    const newC = callerKeys(rec, this.calendar);
    const newCS = new Set(newC.map(sk));
    const oldCS = new Set(oldC.map(sk));
    for (const k of oldC) if (!newCS.has(sk(k))) this.caller.removeSync(k);
    for (const k of newC) if (!oldCS.has(sk(k))) this.caller.putSync(k, null);
    // open deadlines (few per case: rewrite)
    if (old) for (const [k] of dueEntries(old)) this.due.removeSync(k);
    for (const [k, v] of dueEntries(rec)) this.due.putSync(k, v);
    // fact postings
    if (!old || old.facts !== rec.facts) {
      const before = new Set(factTerms(old));
      const after = factTerms(rec);
      const afterSet = new Set(after);
      for (const t of before) if (!afterSet.has(t)) b.posting(t, no, false);
      for (const t of after) if (!before.has(t)) b.posting(t, no, true);
    }
    // counters
    forEachCaseContribution(old, this.calendar, b.minus);
    forEachCaseContribution(rec, this.calendar, b.plus);
  }

  private loadCase(number: string): CaseRecord {
    const chk = validateCaseNumber(number);
    if (!chk.ok) throw caseError(chk.code as typeof CaseErrors.CASE_NUMBER_FORMAT, chk.message);
    const rec = this.cases.get(caseNo(chk.number));
    if (!rec) throw caseError(CaseErrors.CASE_NOT_FOUND, `there is no case ${chk.number}`, { number: chk.number });
    return rec;
  }

  // ---- cases ----

  createCase(input: CreateCaseInput): Promise<CaseRecord> {
    let missing: string[];
    try {
      missing = validateCreate(input, this.fieldCtx);
    } catch (e) {
      return Promise.reject(e);
    }
    const now = this.now();
    // A receipt time in the future (a mistyped year) would push every
    // statutory deadline out by as much; allow 10 min of clock skew between
    // the intake desk and this machine.
    if (typeof input.receivedAt === 'number' && input.receivedAt > now + 600_000) {
      return Promise.reject(invalidCase([{ field: 'receivedAt', code: CaseErrors.CASE_FIELD_INVALID, message: `is in the future (${new Date(input.receivedAt).toISOString()}, more than 10 min after this machine's clock); the time the case was received cannot be later than now` }]));
    }
    return this.write((b) => {
      if (input.agentId !== undefined && !this.knownAgents.has(input.agentId)) {
        if (!this.people.agents.get(input.agentId)) throw caseError(CaseErrors.CASE_AGENT_UNKNOWN, `agent '${input.agentId}' is not registered`);
        this.knownAgents.add(input.agentId);
      }
      const env = this.wfEnv(now);
      const day = this.calendar.dayKey(env.now);
      const number = formatCaseNumber(day, this.nextSeq(b, day));
      const rec = newCaseRecord(input, number, missing, env);
      this.writeCase(b, null, rec);
      return rec;
    });
  }

  async getCase(number: string): Promise<CaseRecord | null> {
    this.ensureOpen();
    const chk = validateCaseNumber(number);
    if (!chk.ok) throw caseError(chk.code as typeof CaseErrors.CASE_NUMBER_FORMAT, chk.message);
    return this.cases.get(caseNo(chk.number)) ?? null;
  }

  /** Synchronous lookup (benchmarks, CLI). */
  getCaseSync(number: string): CaseRecord | null {
    return this.cases.get(caseNo(number)) ?? null;
  }

  updateCase(number: string, update: CaseUpdate, by: string): Promise<CaseRecord> {
    const now = this.now();
    return this.write((b) => {
      const old = this.loadCase(number);
      if (typeof by !== 'string' || by.trim() === '') throw caseError(CaseErrors.CASE_FIELD_INVALID, 'an update needs who made it (an agent id)');
      const merged = { ...old, ...update } as CaseRecord;
      const missing = validateUpdate(old.channel, merged, update, this.fieldCtx);
      const changed = Object.keys(update).filter((k) => JSON.stringify((old as unknown as Record<string, unknown>)[k]) !== JSON.stringify((update as Record<string, unknown>)[k]));
      const rec: CaseRecord = {
        ...merged,
        missingFields: missing,
        updatedAt: now,
        history: [...old.history, { at: now, by, action: 'update', from: old.status, to: old.status, data: { fields: changed } }],
      };
      this.writeCase(b, old, rec);
      return rec;
    });
  }

  transition(number: string, action: CaseAction, by: string): Promise<CaseRecord> {
    const now = this.now();
    return this.write((b) => {
      const old = this.loadCase(number);
      const rec = applyAction(old, action, by, this.wfEnv(now), {
        exists: (id) => this.people.departments.get(id) !== undefined,
        active: (id) => (this.people.departments.get(id) as Department | undefined)?.active !== false,
        headOf: (id) => (this.people.departments.get(id) as Department | undefined)?.head,
      });
      this.writeCase(b, old, rec);
      return rec;
    });
  }

  setReminder(number: string, at: number, by: string, note?: string): Promise<CaseRecord> {
    const now = this.now();
    return this.write((b) => {
      const old = this.loadCase(number);
      const rec = addReminder(old, at, by, note, now);
      this.writeCase(b, old, rec);
      return rec;
    });
  }

  validateCaseNumber(number: string): NumberCheck {
    return validateCaseNumber(number);
  }

  private searchTables(): SearchTables {
    return { cases: this.cases, idx: this.idx, caller: this.caller, words: this.words, calendar: this.calendar, cats: this.cats };
  }

  async searchCases(q: CaseQuery): Promise<CaseRecord[]> {
    this.ensureOpen();
    return searchCases(this.searchTables(), q);
  }

  async callerHistory(callerNumber: string, limit = 50): Promise<HistoryItem[]> {
    this.ensureOpen();
    if (typeof callerNumber !== 'string' || callerNumber === '') throw caseError(CaseErrors.CASE_FIELD_INVALID, 'callerHistory needs a telephone number');
    // NaN compared false with every length, so a bad limit read the whole history
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw caseError(CaseErrors.CASE_FIELD_INVALID, `callerHistory: limit must be a whole number from 1 to 100000; got ${short(limit)}`);
    const out: HistoryItem[] = [];
    for (const ref of callerRefs(this.searchTables(), callerNumber)) {
      if (out.length >= limit) break;
      if (typeof ref === 'number') {
        const r = this.cases.get(ref);
        if (r) out.push({ type: 'case', at: r.createdAt, number: r.number, kind: r.kind, status: r.status, ...(r.result ? { result: r.result } : {}) });
      } else {
        const c = this.calls.get(ref.slice(2));
        if (c) {
          out.push({
            type: 'call',
            at: c.startedAt,
            callId: c.id,
            ...(c.agentId ? { agentId: c.agentId } : {}),
            ...(c.caseNumber ? { caseNumber: c.caseNumber } : {}),
            ...(c.outcome ? { outcome: c.outcome } : {}),
          });
        }
      }
    }
    return out;
  }

  async dueItems(q: DueQuery = {}): Promise<DueItem[]> {
    this.ensureOpen();
    const now = q.now ?? this.now();
    const within = q.withinMs ?? 48 * 3_600_000;
    const out: DueItem[] = [];
    for (const { key, value } of this.due.getRange({ start: [0], end: [now + within, Infinity] })) {
      if (q.departmentId && !value.d.includes(q.departmentId)) continue;
      if (q.agentId && value.a !== q.agentId) continue;
      out.push({ number: numberString(key[1]), kind: key[2], dueAt: key[0], overdue: key[0] < now, departmentIds: value.d, ...(value.a ? { agentId: value.a } : {}) });
    }
    return out;
  }

  async callbackList(limit = 200): Promise<CaseRecord[]> {
    this.ensureOpen();
    const out: CaseRecord[] = [];
    for (const { key, value } of this.idx.getRange({ start: ['cb', '1'], end: ['cb', '1', Infinity] })) {
      const base = key[2] * 1_000_000;
      for (const low of lowsOf(value)) {
        const r = this.cases.get(base + low);
        if (r) out.push(r);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  async *exportCases(): AsyncIterable<CaseRecord> {
    this.ensureOpen();
    for (const { key, value } of this.cases.getRange({ start: 0, end: Infinity })) {
      if (typeof key === 'number') yield value;
    }
  }

  categories(): CategoryNode[] {
    return this.cats.tree;
  }

  // ---- calls ----

  putCallRecord(c: CallRecordInput): Promise<void> {
    const problems: string[] = [];
    if (!c || typeof c !== 'object') problems.push('the call record must be an object');
    else {
      if (typeof c.id !== 'string' || c.id === '' || c.id.length > 200) problems.push('id must be non-empty text');
      if (typeof c.startedAt !== 'number' || !Number.isFinite(c.startedAt)) problems.push('startedAt must be epoch ms');
      if (typeof c.endedAt !== 'number' || !Number.isFinite(c.endedAt) || c.endedAt < c.startedAt) problems.push('endedAt must be epoch ms, not before startedAt');
      if (typeof c.channel !== 'string' || c.channel === '') problems.push('channel must be non-empty text');
      if (!Array.isArray(c.ivrPath) || c.ivrPath.some((x) => typeof x !== 'string')) problems.push('ivrPath must be a list of text');
      if (!Array.isArray(c.recordingIds) || c.recordingIds.some((x) => typeof x !== 'string')) problems.push('recordingIds must be a list of text');
      if (c.queueWaitMs !== undefined && (typeof c.queueWaitMs !== 'number' || c.queueWaitMs < 0)) problems.push('queueWaitMs must be a non-negative number');
      if (c.caseNumber !== undefined && (typeof c.caseNumber !== 'string' || !validateCaseNumber(c.caseNumber).ok)) problems.push(`caseNumber ${short(c.caseNumber)} is not a valid case number`);
      if (c.answeredAt !== undefined && (typeof c.answeredAt !== 'number' || !Number.isFinite(c.answeredAt))) problems.push('answeredAt must be epoch ms');
      for (const f of ['callerNumber', 'calledNumber', 'agentId', 'outcome'] as const) {
        if (c[f] !== undefined && (typeof c[f] !== 'string' || c[f]!.length > 200)) problems.push(`${f} must be text of at most 200 characters`);
      }
      if (Array.isArray(c.ivrPath) && c.ivrPath.length > 10_000) problems.push('ivrPath has more than 10000 steps');
      if (Array.isArray(c.recordingIds) && c.recordingIds.length > 100) problems.push('recordingIds has more than 100 recordings');
    }
    if (problems.length) return Promise.reject(caseError(CaseErrors.CASE_FIELD_INVALID, `call record: ${problems.join('; ')}`, { problems }));
    return this.write((b) => {
      const old = this.calls.get(c.id) ?? null;
      const rec: CallRecord = { ...c };
      this.calls.putSync(c.id, rec);
      const ok = old ? callCallerKey(old, this.calendar) : null;
      if (ok) this.caller.removeSync(ok);
      const nk = callCallerKey(rec, this.calendar);
      if (nk) this.caller.putSync(nk, null);
      if (old) b.count(callContributions(old, this.calendar), -1);
      b.count(callContributions(rec, this.calendar), 1);
    });
  }

  async getCallRecord(id: string): Promise<CallRecord | null> {
    this.ensureOpen();
    return this.calls.get(id) ?? null;
  }

  // ---- people, knowledge base, surveys: see people.ts ----
  async putDepartment(d: Department): Promise<void> {
    return this.directory.putDepartment(d);
  }
  async listDepartments(): Promise<Department[]> {
    this.ensureOpen();
    return this.directory.listDepartments();
  }
  async putAgent(a: AgentInput): Promise<Agent> {
    return this.directory.putAgent(a);
  }
  async getAgent(id: string): Promise<Agent | null> {
    this.ensureOpen();
    return this.directory.getAgent(id);
  }
  async listAgents(): Promise<Agent[]> {
    this.ensureOpen();
    return this.directory.listAgents();
  }
  async verifyAgent(id: string, password: string): Promise<Agent | null> {
    this.ensureOpen();
    return this.directory.verifyAgent(id, password);
  }
  async putKnowledge(e: KnowledgeEntry): Promise<KnowledgeEntry> {
    return this.knowledge.putKnowledge(e);
  }
  async getKnowledge(id: string): Promise<KnowledgeEntry | null> {
    this.ensureOpen();
    return this.knowledge.getKnowledge(id);
  }
  async getKnowledgeByMenuCode(menuCode: string): Promise<KnowledgeEntry | null> {
    this.ensureOpen();
    return this.knowledge.getKnowledgeByMenuCode(menuCode);
  }
  async listKnowledge(category?: KnowledgeCategory): Promise<KnowledgeEntry[]> {
    this.ensureOpen();
    return this.knowledge.listKnowledge(category);
  }
  async putSurvey(s: SurveyDefinition): Promise<void> {
    return this.surveys.putSurvey(s);
  }
  async getSurvey(id: string): Promise<SurveyDefinition | null> {
    this.ensureOpen();
    return this.surveys.getSurvey(id);
  }
  async listSurveys(): Promise<SurveyDefinition[]> {
    this.ensureOpen();
    return this.surveys.listSurveys();
  }
  async saveSurveyAnswer(a: SurveyAnswerInput): Promise<SurveyAnswer> {
    return this.surveys.saveSurveyAnswer(a);
  }
  async surveyTally(surveyId: string): Promise<SurveyTally> {
    this.ensureOpen();
    return this.surveys.surveyTally(surveyId);
  }
  async listSurveyAnswers(surveyId: string, limit?: number): Promise<SurveyAnswer[]> {
    this.ensureOpen();
    return this.surveys.listSurveyAnswers(surveyId, limit);
  }

  // ---- reports ----

  counterReader(): CounterReader {
    return (g, p, dim) => {
      const out = new Map<string, Map<string, number>>();
      for (const { key, value } of this.counters.getRange({ start: [g, p, dim], end: [g, p, dim + '\u0000'] })) {
        let m = out.get(key[3]);
        if (!m) out.set(key[3], (m = new Map()));
        for (const metric in value) m.set(metric, (m.get(metric) ?? 0) + value[metric]);
      }
      return out;
    };
  }

  async report(q: ReportQuery): Promise<Report> {
    this.ensureOpen();
    return buildReport(q, this.counterReader(), (dim, key) => this.label(dim, key), this.cats);
  }

  private label(dim: string, key: string): string {
    if (dim === 'agent') return (this.people.agents.get(key) as Agent | undefined)?.name ?? key;
    if (dim === 'department') return (this.people.departments.get(key) as Department | undefined)?.name ?? key;
    if (dim === 'category') return this.cats.byId.get(key)?.name ?? key;
    if (dim === 'kind') return KIND_LABEL[key] ?? key;
    return '全部';
  }

  // ---- maintenance ----

  async backup(dir: string): Promise<void> {
    this.ensureOpen();
    if (existsSync(dir) && readdirSync(dir).length > 0) throw caseError(CaseErrors.CASE_BACKUP_FAILED, `backup folder ${dir} is not empty; name a new or empty folder`);
    try {
      makeDirs(dir);
      await this.env.backup(dir, false);
    } catch (e) {
      throw caseError(CaseErrors.CASE_BACKUP_FAILED, `backup to ${dir} failed: ${(e as Error).message}`);
    }
  }

  /**
   * Refuses new writes at once (CASE_STORE_CLOSED), waits for every write
   * already taken to settle (stored or rejected), then closes LMDB.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    this.closed = (async () => {
      while (this.scheduled || this.queue.length > 0 || this.inFlight.size > 0) {
        if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
        else await new Promise((r) => setImmediate(r));
      }
      await this.env.close();
    })();
    return this.closed;
  }
}

export const KIND_LABEL: Record<string, string> = {
  consultation: '咨询',
  complaint: '投诉',
  report: '举报',
  suggestion: '批评建议',
  mailbox: '局长信箱',
};
