// The queue log: every ACD step as an event, in its own LMDB database under a
// folder it is given. Durable: append() resolves only after the transaction
// holding the event is committed and synced to disk, so an acknowledged event
// survives a power cut. Keys are [at, seq]: time order, then arrival order.
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { QueueLogSink } from './acd.ts';
import { acdError } from './errors.ts';
import type { QueueEvent } from './types.ts';

export interface QueueLog extends QueueLogSink {
  /** Resolves once the event is committed to disk. */
  append(ev: QueueEvent): Promise<void>;
  /** Events with from ≤ at < to, in time order. */
  events(range?: { from?: number; to?: number }): Iterable<QueueEvent>;
  close(): Promise<void>;
}

type Key = [number, number, number];

export class LmdbQueueLog implements QueueLog {
  private seq = 0;
  private readonly boot: number;
  private closed = false;

  private constructor(
    private readonly env: RootDatabase,
    private readonly db: Database<QueueEvent, Key>,
    private readonly readOnly = false,
  ) {
    const meta = env.openDB<number, string>({ name: 'meta' });
    this.boot = (meta.get('boot') ?? 0) + 1;
    if (!readOnly) meta.putSync('boot', this.boot);
  }

  /**
   * Opens an existing queue log to read (`hotline report`, beside a running
   * engine): writes nothing, not even the boot count; append is refused.
   */
  static openReadOnly(dir: string): LmdbQueueLog {
    try {
      const env = open({ path: dir, maxDbs: 4, compression: false, readOnly: true });
      return new LmdbQueueLog(env, env.openDB<QueueEvent, Key>({ name: 'events' }), true);
    } catch (e) {
      throw acdError('ACD_LOG_READ_FAILED', `${dir}: ${(e as Error).message}`, { dir });
    }
  }

  /** Opens (creating) the queue log in `dir`. */
  static open(dir: string): LmdbQueueLog {
    try {
      mkdirSync(dir, { recursive: true });
      const env = open({ path: dir, maxDbs: 4, compression: false });
      return new LmdbQueueLog(env, env.openDB<QueueEvent, Key>({ name: 'events' }));
    } catch (e) {
      throw acdError('ACD_LOG_WRITE_FAILED', `${dir}: ${(e as Error).message}`, { dir });
    }
  }

  async append(ev: QueueEvent): Promise<void> {
    if (this.closed || this.readOnly) throw acdError('ACD_LOG_CLOSED', `event ${ev.type} at ${ev.at}${this.readOnly ? ' (opened read-only)' : ''}`);
    try {
      await this.db.put([ev.at, this.boot, this.seq++], ev);
      await this.db.flushed;
    } catch (e) {
      throw acdError('ACD_LOG_WRITE_FAILED', (e as Error).message, { type: ev.type });
    }
  }

  *events(range: { from?: number; to?: number } = {}): Iterable<QueueEvent> {
    if (this.closed) throw acdError('ACD_LOG_CLOSED', 'reading events');
    const start: Key = [range.from ?? -Number.MAX_SAFE_INTEGER, 0, 0];
    const end: Key = [range.to ?? Number.MAX_SAFE_INTEGER, 0, 0];
    for (const { value } of this.db.getRange({ start, end })) yield value;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.env.flushed;
    await this.env.close();
  }
}
