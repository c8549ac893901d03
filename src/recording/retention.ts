// Retention: recordings are deleted by age and by disk quota, per category
// (a recording some case refers to is kept longer than one no case refers
// to). A recording of an open case (not closed, not not_accepted:
// cases/workflow.ts TERMINAL) is on legal hold and is never deleted, whatever
// the rules say (hold.ts: a take the case names, the recording of the case's
// call or of a call the case was made in, the rolling segments of that call's
// channels while it ran); the links are read from the case store itself at
// each run, not only from the index, so a stale index cannot release a hold.
// Every deletion and every hold that stops a deletion is logged; the index
// follows each deletion.
import { unlinkSync } from 'node:fs';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { CaseStore } from '../cases/types.ts';
import { recError } from './errors.ts';
import { recordingPath } from './ids.ts';
import { legalHolds } from './hold.ts';
import type { RecordingEntry, RecordingIndex } from './types.ts';

export type RetentionCategory = 'case' | 'no-case';
export const RETENTION_CATEGORIES: readonly RetentionCategory[] = ['case', 'no-case'];

export interface RetentionRule {
  category: RetentionCategory;
  /** Delete recordings that ended longer ago than this (days). */
  maxAgeDays?: number;
  /** Keep the category's recordings under this many MB (10^6 bytes), deleting the oldest first. */
  quotaMB?: number;
}

/** Default: with a case 5 years, without a case 180 days; no quota. */
export const DEFAULT_RETENTION: readonly RetentionRule[] = [
  { category: 'case', maxAgeDays: 5 * 366 },
  { category: 'no-case', maxAgeDays: 180 },
];

const DAY_MS = 86_400_000;

/** Checks rules from a file or the command line; throws REC_RETENTION_INVALID naming the fault. */
export function checkRetention(rules: unknown): RetentionRule[] {
  if (!Array.isArray(rules)) throw recError('REC_RETENTION_INVALID', 'the rules must be a JSON array');
  const seen = new Set<string>();
  return rules.map((r, i) => {
    const at = `rule ${i + 1}`;
    if (typeof r !== 'object' || r === null) throw recError('REC_RETENTION_INVALID', `${at} is not an object`);
    for (const k of Object.keys(r)) if (!['category', 'maxAgeDays', 'quotaMB'].includes(k)) throw recError('REC_RETENTION_INVALID', `${at} has an unknown field '${k}'`);
    const { category, maxAgeDays, quotaMB } = r as RetentionRule;
    if (!RETENTION_CATEGORIES.includes(category)) throw recError('REC_RETENTION_INVALID', `${at}: category '${String(category)}' is not one of ${RETENTION_CATEGORIES.join(', ')}`);
    if (seen.has(category)) throw recError('REC_RETENTION_INVALID', `${at}: category ${category} has two rules`);
    seen.add(category);
    for (const [k, v] of [['maxAgeDays', maxAgeDays], ['quotaMB', quotaMB]] as const) {
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw recError('REC_RETENTION_INVALID', `${at}: ${k} ${String(v)} is not a positive number`);
    }
    return { category, ...(maxAgeDays !== undefined ? { maxAgeDays } : {}), ...(quotaMB !== undefined ? { quotaMB } : {}) };
  });
}

export interface RetentionOptions {
  dataDir: string;
  index: RecordingIndex;
  /** The case store: its cases, and the call records of open cases' calls (segments on hold). */
  store: Pick<CaseStore, 'exportCases'> & Partial<Pick<CaseStore, 'getCallRecord'>>;
  rules?: readonly RetentionRule[];
  /** Epoch ms now (the engine's clock). */
  now?: number;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface RetentionReport {
  deleted: { id: string; category: RetentionCategory; why: 'age' | 'quota'; bytes: number }[];
  /** Would have been deleted, kept: linked to an open case. */
  held: { id: string; cases: string[] }[];
  failed: { id: string; message: string }[];
  freedBytes: number;
}

export async function runRetention(o: RetentionOptions): Promise<RetentionReport> {
  const rules = checkRetention(o.rules ?? DEFAULT_RETENTION);
  const now = o.now ?? Date.now();
  const log = o.log ?? (() => {});
  const holds = await legalHolds(o.store, o.index);
  const report: RetentionReport = { deleted: [], held: [], failed: [], freedBytes: 0 };
  const byCat = new Map<RetentionCategory, RecordingEntry[]>([['case', []], ['no-case', []]]);
  for (const e of o.index.all()) byCat.get(holds.linked(e) ? 'case' : 'no-case')!.push(e);
  const remove = async (e: RecordingEntry, category: RetentionCategory, why: 'age' | 'quota'): Promise<boolean> => {
    const hold = holds.openCases(e);
    if (hold.length > 0) {
      report.held.push({ id: e.id, cases: hold });
      log(`recordings: retention: kept ${e.id} past its ${why} limit: legal hold, open case ${hold.join(' ')}`);
      return false;
    }
    if (!o.dryRun) {
      try {
        for (const f of e.files) {
          try {
            unlinkSync(recordingPath(o.dataDir, f));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          }
        }
        await o.index.remove(e.id);
      } catch (err) {
        const x = recError('REC_DELETE_FAILED', `${e.id}: ${(err as Error).message}`);
        report.failed.push({ id: e.id, message: x.message });
        log(`recordings: retention: ${x.code}: ${x.message}`);
        return false;
      }
    }
    report.deleted.push({ id: e.id, category, why, bytes: e.bytes });
    report.freedBytes += e.bytes;
    const age = ((now - e.end) / DAY_MS).toFixed(1);
    log(`recordings: retention: ${o.dryRun ? 'would delete' : 'deleted'} ${e.id} (${category}, ${why}, ${age} days old, ${e.bytes} bytes)`);
    return true;
  };
  for (const rule of rules) {
    const list = byCat.get(rule.category)!.sort((a, b) => a.end - b.end || (a.id < b.id ? -1 : 1));
    const left: RecordingEntry[] = [];
    for (const e of list) {
      if (rule.maxAgeDays !== undefined && now - e.end > rule.maxAgeDays * DAY_MS) {
        if (await remove(e, rule.category, 'age')) continue;
      }
      left.push(e);
    }
    if (rule.quotaMB !== undefined) {
      let total = left.reduce((s, e) => s + e.bytes, 0);
      const quota = rule.quotaMB * 1e6;
      for (const e of left) {
        if (total <= quota) break;
        if (report.held.some((h) => h.id === e.id)) continue;
        if (await remove(e, rule.category, 'quota')) total -= e.bytes;
      }
      if (total > quota) log(`recordings: retention: ${rule.category} recordings use ${total} bytes, over the ${quota} byte quota: the rest is on legal hold`);
    }
  }
  log(`recordings: retention: ${report.deleted.length} ${o.dryRun ? 'to delete' : 'deleted'} (${report.freedBytes} bytes), ${report.held.length} on legal hold, ${report.failed.length} failed`);
  return report;
}

/**
 * Runs retention every `everyMs` on `scheduler` (the board's, so a stepped
 * simulation runs it on board time; or any RxJS scheduler). A run never
 * overlaps the previous one; a failed run is logged and the next one comes.
 */
export function scheduleRetention(
  o: Omit<RetentionOptions, 'now'> & { scheduler: SchedulerLike; everyMs: number; onReport?: (r: RetentionReport) => void; /** Epoch ms now (default: the scheduler's time; the board's counts from 0, so the engine passes its clock). */ now?: () => number },
): Subscription {
  const log = o.log ?? (() => {});
  return o.scheduler.schedule(function (this: { schedule(s?: undefined, d?: number): void }) {
    const next = () => this.schedule(undefined, o.everyMs);
    runRetention({ ...o, now: o.now ? o.now() : o.scheduler.now() }).then(
      (r) => {
        o.onReport?.(r);
        next();
      },
      (e) => {
        log(`recordings: retention failed: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}`);
        next();
      },
    );
  }, o.everyMs);
}
