// The changes one group-commit write transaction gathers (store.ts): counter
// deltas, fact-term postings and index postings, journaled per operation so a
// failed operation leaves nothing behind, and applied to the tables once at
// the end of the transaction (applyPosting).
import type { Database } from 'lmdb';
import { caseLow, type Contribution, type IdxField, type IdxKey } from './derived.ts';

type K = Parameters<Database['get']>[0];
/** Counter record key: granularity ('d' | 'm' | 'y'), period (20260315 | 202603 | 2026), dimension, value. */
export type CounterKey = [string, number, string, string];

/**
 * Net changes to one stored posting list, relative to what is stored: lows to
 * add (absent from it) and lows to remove (present in it). Writes diff the old
 * and new record, so an add is never for a stored low and a removal always is.
 */
interface PostingDelta {
  add: number[];
  del: Set<number> | null;
}

function changePosting(e: PostingDelta, low: number, add: boolean): void {
  if (add) {
    // removed earlier in this batch: still in the stored list, keep it there
    if (e.del !== null && e.del.delete(low)) return;
    e.add.push(low);
  } else {
    const i = e.add.indexOf(low);
    if (i >= 0) e.add.splice(i, 1);
    else (e.del ??= new Set()).add(low);
  }
}

/**
 * Changes gathered during one write transaction and applied at its end.
 * While an operation runs (begin … commit | rollback) its changes are only
 * journaled: an operation that throws must leave the batch as it found it,
 * as its child transaction leaves the tables.
 */
export class Batch {
  readonly seqs = new Map<number, number>();
  /** The running operation's changes, replayed on commit; null outside an operation. */
  private journal: unknown[] | null = null;
  /** Sequence values before the running operation changed them (undone on rollback). */
  private seqUndo: Array<[number, number | undefined]> = [];

  begin(): void {
    this.journal = [];
    this.seqUndo = [];
  }

  commit(): void {
    const j = this.journal!;
    this.journal = null;
    for (let i = 0; i < j.length; ) {
      const op = j[i] as number;
      if (op === 0) {
        this.add(j[i + 1] as number, j[i + 2] as string, j[i + 3] as string, j[i + 4] as string, j[i + 5] as number);
        i += 6;
      } else if (op === 1) {
        this.posting(j[i + 1] as string, j[i + 2] as number, j[i + 3] as boolean);
        i += 4;
      } else {
        this.idxPosting(j[i + 1] as IdxKey, j[i + 2] as boolean);
        i += 3;
      }
    }
  }

  rollback(): void {
    this.journal = null;
    for (let i = this.seqUndo.length - 1; i >= 0; i--) {
      const [day, v] = this.seqUndo[i];
      if (v === undefined) this.seqs.delete(day);
      else this.seqs.set(day, v);
    }
  }

  setSeq(day: number, seq: number): void {
    if (this.journal) this.seqUndo.push([day, this.seqs.get(day)]);
    this.seqs.set(day, seq);
  }
  // Nested maps (day → dimension → value → metric) rather than joined string
  // keys: a create adds a dozen contributions, and joining was 4 % of the time.
  private readonly deltas = new Map<number, Map<string, Map<string, Map<string, number>>>>();
  /** day → term → posting changes. */
  readonly postings = new Map<number, Map<string, PostingDelta>>();
  /** Index field → value → day → posting changes. */
  readonly idxPostings = new Map<IdxField, Map<string, Map<number, PostingDelta>>>();

  count(contribs: Contribution[], sign: 1 | -1): void {
    for (const c of contribs) this.add(c.day, c.dim, c.val, c.metric, sign);
  }

  add(day: number, dim: string, val: string, metric: string, n: number): void {
    if (this.journal) {
      this.journal.push(0, day, dim, val, metric, n);
      return;
    }
    let d = this.deltas.get(day);
    if (!d) this.deltas.set(day, (d = new Map()));
    let v = d.get(dim);
    if (!v) d.set(dim, (v = new Map()));
    let m = v.get(val);
    if (!m) v.set(val, (m = new Map()));
    m.set(metric, (m.get(metric) ?? 0) + n);
  }

  /** Bound emitters for forEachCaseContribution, made once per batch. */
  readonly plus = (day: number, dim: string, val: string, metric: string): void => this.add(day, dim, val, metric, 1);
  readonly minus = (day: number, dim: string, val: string, metric: string): void => this.add(day, dim, val, metric, -1);

  /**
   * The counter records to change: each day's deltas folded into day, month
   * and year. One record per (granularity, period, dimension, value) holds
   * every metric, so a report reads a tenth of the keys it would otherwise.
   */
  counterDeltas(): Array<{ key: CounterKey; delta: Map<string, number> }> {
    const out = new Map<string, { key: CounterKey; delta: Map<string, number> }>();
    const bump = (g: 'd' | 'm' | 'y', p: number, dim: string, val: string, metric: string, n: number): void => {
      const s = g + p + '\u0001' + dim + '\u0001' + val;
      let e = out.get(s);
      if (!e) out.set(s, (e = { key: [g, p, dim, val], delta: new Map() }));
      e.delta.set(metric, (e.delta.get(metric) ?? 0) + n);
    };
    for (const [day, dims] of this.deltas) {
      for (const [dim, vals] of dims) {
        for (const [val, metrics] of vals) {
          for (const [metric, n] of metrics) {
            if (n === 0) continue;
            bump('d', day, dim, val, metric, n);
            bump('m', Math.floor(day / 100), dim, val, metric, n);
            bump('y', Math.floor(day / 10000), dim, val, metric, n);
          }
        }
      }
    }
    return [...out.values()];
  }

  posting(term: string, no: number, add: boolean): void {
    if (this.journal) {
      this.journal.push(1, term, no, add);
      return;
    }
    const day = Math.floor(no / 1_000_000);
    let terms = this.postings.get(day);
    if (!terms) this.postings.set(day, (terms = new Map()));
    let e = terms.get(term);
    if (!e) terms.set(term, (e = { add: [], del: null }));
    changePosting(e, caseLow(no), add);
  }

  idxPosting(k: IdxKey, add: boolean): void {
    if (this.journal) {
      this.journal.push(2, k, add);
      return;
    }
    const no = k[2];
    let vals = this.idxPostings.get(k[0]);
    if (!vals) this.idxPostings.set(k[0], (vals = new Map()));
    let days = vals.get(k[1]);
    if (!days) vals.set(k[1], (days = new Map()));
    const day = Math.floor(no / 1_000_000);
    let e = days.get(day);
    if (!e) days.set(day, (e = { add: [], del: null }));
    changePosting(e, caseLow(no), add);
  }
}

/**
 * Applies a batch's changes to one posting list (sorted lows, 4 bytes each):
 * one read and one write per list and transaction, however many cases of the
 * batch it holds. New cases arrive in number order and are appended; an
 * update of an older case needs a sort.
 */
export function applyPosting<Key extends K>(db: Database<Buffer, Key>, key: Key, p: PostingDelta): void {
  const nDel = p.del === null ? 0 : p.del.size;
  if (p.add.length === 0 && nDel === 0) return;
  const cur = db.get(key);
  const oldLen = cur === undefined ? 0 : cur.length >>> 2;
  // One copy: the stored list straight into the new one, filtered in place.
  const list = new Uint32Array(oldLen + p.add.length);
  if (oldLen > 0) new Uint8Array(list.buffer, 0, oldLen * 4).set(cur!.subarray(0, oldLen * 4));
  let n = oldLen;
  if (nDel > 0) {
    n = 0;
    for (let i = 0; i < oldLen; i++) {
      const x = list[i];
      if (!p.del!.has(x)) list[n++] = x;
    }
  }
  let sorted = true;
  for (let i = 0; i < p.add.length; i++) {
    const x = p.add[i];
    if (n > 0 && x <= list[n - 1]) sorted = false;
    list[n++] = x;
  }
  const used = n === list.length ? list : list.subarray(0, n);
  if (!sorted) used.sort();
  if (n === 0) {
    if (cur !== undefined) db.removeSync(key);
  } else db.putSync(key, Buffer.from(used.buffer, used.byteOffset, n * 4));
}
