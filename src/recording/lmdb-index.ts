// The recording index in LMDB, in its own environment DATA/recordings-index
// (apart from the case store: rebuilding or moving one never touches the
// other). Tables:
//   entries  id → RecordingEntry
//   keys     secondary keys, each [kind, value, start, id] → true:
//            ['t', start, id], ['a', agent, start, id], ['n', number, start, id],
//            ['c', case, start, id], ['k', callId, start, id]
//   meta     'longestMs' → the longest duration indexed, so a time search
//            finds recordings that began before `from` and still ran then.
// An entry and its keys change in one write transaction: a search never sees
// an entry without its keys or keys of a removed entry.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { recError } from './errors.ts';
import { checkRecordingId } from './ids.ts';
import type { RecordingEntry, RecordingIndex, RecordingQuery } from './types.ts';

export const INDEX_FOLDER = 'recordings-index';

type Key = (string | number)[];

function keysOf(e: RecordingEntry): Key[] {
  const k: Key[] = [['t', e.start, e.id]];
  for (const a of new Set(e.agents)) k.push(['a', a, e.start, e.id]);
  for (const n of new Set([e.callerNumber, e.calledNumber])) if (n) k.push(['n', n, e.start, e.id]);
  for (const c of new Set(e.caseNumbers)) k.push(['c', c, e.start, e.id]);
  if (e.callId) k.push(['k', e.callId, e.start, e.id]);
  return k;
}

export interface OpenIndexOptions {
  /** Refuse (REC_NO_INDEX) when the index does not exist yet (the CLI's read commands). */
  mustExist?: boolean;
  readOnly?: boolean;
}

export class LmdbRecordingIndex implements RecordingIndex {
  readonly dir: string;
  readonly #env: RootDatabase;
  readonly #entries: Database<RecordingEntry, string>;
  readonly #keys: Database<true, Key>;
  readonly #meta: Database<number, string>;

  constructor(dataDir: string, o: OpenIndexOptions = {}) {
    this.dir = join(dataDir, INDEX_FOLDER);
    if (!existsSync(join(this.dir, 'data.mdb'))) {
      if (o.mustExist || o.readOnly) throw recError('REC_NO_INDEX', `no ${join(this.dir, 'data.mdb')}`, { dir: this.dir });
    }
    try {
      if (!o.readOnly) mkdirSync(this.dir, { recursive: true });
      this.#env = open({ path: this.dir, maxDbs: 4, readOnly: o.readOnly === true, compression: false });
      this.#entries = this.#env.openDB<RecordingEntry, string>('entries', {});
      this.#keys = this.#env.openDB<true, Key>('keys', {});
      this.#meta = this.#env.openDB<number, string>('meta', {});
    } catch (e) {
      throw recError('REC_INDEX_OPEN_FAILED', `${this.dir}: ${(e as Error).message}`, { dir: this.dir });
    }
  }

  get(id: string): RecordingEntry | undefined {
    return this.#entries.get(checkRecordingId(id));
  }

  async put(entry: RecordingEntry): Promise<void> {
    checkRecordingId(entry.id);
    try {
      await this.#env.transaction(() => {
        const old = this.#entries.get(entry.id);
        if (old) for (const k of keysOf(old)) this.#keys.remove(k);
        this.#entries.put(entry.id, entry);
        for (const k of keysOf(entry)) this.#keys.put(k, true);
        if (entry.end - entry.start > (this.#meta.get('longestMs') ?? 0)) this.#meta.put('longestMs', entry.end - entry.start);
      });
    } catch (e) {
      throw recError('REC_INDEX_WRITE_FAILED', `${entry.id}: ${(e as Error).message}`, { id: entry.id });
    }
  }

  /** Adds or replaces many entries in one write transaction (bulk loads: a rebuild, the bench). */
  async putMany(entries: readonly RecordingEntry[]): Promise<void> {
    for (const e of entries) checkRecordingId(e.id);
    try {
      await this.#env.transaction(() => {
        let longest = this.#meta.get('longestMs') ?? 0;
        for (const entry of entries) {
          const old = this.#entries.get(entry.id);
          if (old) for (const k of keysOf(old)) this.#keys.remove(k);
          this.#entries.put(entry.id, entry);
          for (const k of keysOf(entry)) this.#keys.put(k, true);
          longest = Math.max(longest, entry.end - entry.start);
        }
        this.#meta.put('longestMs', longest);
      });
    } catch (e) {
      throw recError('REC_INDEX_WRITE_FAILED', `${entries.length} entries from ${entries[0]?.id}: ${(e as Error).message}`);
    }
  }

  async remove(id: string): Promise<boolean> {
    checkRecordingId(id);
    try {
      return await this.#env.transaction(() => {
        const old = this.#entries.get(id);
        if (!old) return false;
        for (const k of keysOf(old)) this.#keys.remove(k);
        this.#entries.remove(id);
        return true;
      });
    } catch (e) {
      throw recError('REC_INDEX_WRITE_FAILED', `${id}: ${(e as Error).message}`, { id });
    }
  }

  search(q: RecordingQuery): RecordingEntry[] {
    const from = q.from ?? 0;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    if (from > to) throw recError('REC_QUERY_INVALID', `from ${new Date(from).toISOString()} is after to ${new Date(to).toISOString()}`);
    const limit = q.limit ?? 1000;
    // The narrowest key drives the scan; the other conditions filter.
    const longest = this.#meta.get('longestMs') ?? 0;
    const lo = Math.max(0, from - longest);
    const [prefix, value]: [string, string | null] =
      q.caseNumber !== undefined ? ['c', q.caseNumber] : q.callId !== undefined ? ['k', q.callId] : q.number !== undefined ? ['n', q.number] : q.agent !== undefined ? ['a', q.agent] : ['t', null];
    const range = value === null ? { start: ['t', lo], end: ['t', to + 1] } : { start: [prefix, value, lo], end: [prefix, value, to + 1] };
    const out: RecordingEntry[] = [];
    for (const key of this.#keys.getKeys(range)) {
      const e = this.#entries.get(key[key.length - 1] as string);
      if (!e || e.end < from || e.start > to) continue;
      if (q.agent !== undefined && !e.agents.includes(q.agent)) continue;
      if (q.number !== undefined && e.callerNumber !== q.number && e.calledNumber !== q.number) continue;
      if (q.caseNumber !== undefined && !e.caseNumbers.includes(q.caseNumber)) continue;
      if (q.callId !== undefined && e.callId !== q.callId) continue;
      if (q.kind !== undefined && e.kind !== q.kind) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  *all(): Iterable<RecordingEntry> {
    for (const { value } of this.#entries.getRange({})) yield value;
  }

  count(): number {
    return this.#entries.getCount();
  }

  async close(): Promise<void> {
    await this.#env.close();
  }
}

export function openRecordingIndex(dataDir: string, o: OpenIndexOptions = {}): LmdbRecordingIndex {
  return new LmdbRecordingIndex(dataDir, o);
}
