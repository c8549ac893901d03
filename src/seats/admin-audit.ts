// The audit of the console's admin changes: who changed what, when, the
// record before and after. A table of the case store's own LMDB environment
// (so `hotline cases backup` carries it), written through the store's
// group-committed writes; keyed by time, read newest first. Passwords and
// their hashes are never written (Agent records carry none).
import { randomBytes } from 'node:crypto';
import type { Database, RootDatabase } from 'lmdb';

export interface AuditEntry {
  /** UTC epoch ms. */
  at: number;
  /** The agent id of the session. */
  by: string;
  /** The message type, e.g. admin-agent-put. */
  type: string;
  /** What it names: an agent id, a date, a queue, a flow file … */
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditHost {
  readonly env: RootDatabase;
  write<T>(fn: () => T): Promise<T>;
  now(): number;
}

export class AdminAudit {
  private readonly db: Database<AuditEntry, string>;

  constructor(private readonly host: AuditHost) {
    this.db = host.env.openDB<AuditEntry, string>('audit', {});
  }

  async record(e: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
    const at = this.host.now();
    const rec: AuditEntry = { at, ...e };
    // Time first (zero-padded, so keys sort as times), then a random tail: two changes in one ms both stay.
    const key = `${String(at).padStart(15, '0')}-${randomBytes(4).toString('hex')}`;
    await this.host.write(() => this.db.putSync(key, rec));
    return rec;
  }

  list(limit = 100): AuditEntry[] {
    return [...this.db.getRange({ reverse: true, limit })].map((x) => x.value);
  }
}
