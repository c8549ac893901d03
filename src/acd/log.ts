// The queue log: every ACD step as an event, in its own LMDB database under a
// folder it is given. Durable: append() resolves only after the transaction
// holding the event is committed and synced to disk, so an acknowledged event
// survives a power cut. Keys are [at, seq]: time order, then arrival order.
import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
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

type Key = [number, number];

export class LmdbQueueLog implements QueueLog {
  private seq: number;
  private closed = false;

  private constructor(private readonly db: RootDatabase<QueueEvent, Key>) {
    let last = 0;
    for (const k of db.getKeys({ reverse: true, limit: 1 })) last = (k as Key)[1];
    this.seq = last + 1;
  }

  /** Opens (creating) the queue log in `dir`. */
  static open(dir: string): LmdbQueueLog {
    try {
      mkdirSync(dir, { recursive: true });
      // Keys sort by time first, so the sequence alone is not the last key: the
      // sequence restarts from the greatest one stored (see constructor).
      return new LmdbQueueLog(open<QueueEvent, Key>({ path: dir, compression: false }));
    } catch (e) {
      throw acdError('ACD_LOG_WRITE_FAILED', `${dir}: ${(e as Error).message}`, { dir });
    }
  }

  async append(ev: QueueEvent): Promise<void> {
    if (this.closed) throw acdError('ACD_LOG_CLOSED', `event ${ev.type} at ${ev.at}`);
    try {
      await this.db.put([ev.at, this.seq++], ev);
      await this.db.flushed;
    } catch (e) {
      throw acdError('ACD_LOG_WRITE_FAILED', (e as Error).message, { type: ev.type });
    }
  }

  *events(range: { from?: number; to?: number } = {}): Iterable<QueueEvent> {
    if (this.closed) throw acdError('ACD_LOG_CLOSED', 'reading events');
    const start: Key = [range.from ?? -Number.MAX_SAFE_INTEGER, 0];
    const end: Key = [range.to ?? Number.MAX_SAFE_INTEGER, 0];
    for (const { value } of this.db.getRange({ start, end })) yield value;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.flushed;
    await this.db.close();
  }
}
