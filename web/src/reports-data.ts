// The reports page's figures as rows of cells, for its tables, charts and
// exports. The case table is `hotline report --format csv`'s, cell for cell
// (src/cases/report-format.ts, bundled: the download is the command's own
// CSV); the queue tables are the command's queue tables (src/acd/report.ts
// queueCells/agentCells). No DOM here: the tests read it in Node too.
import { agentCells, queueCells, queueHeads, type QueueReport } from '../../src/acd/report.ts';
import { csvText, reportCsv, reportGrid } from '../../src/cases/report-format.ts';
import type { Period, Report, ReportRow } from '../../src/cases/types.ts';

export { csvText, reportCsv, reportGrid };

/** What the `report` message answers (src/seats/report.ts ReportResult). */
export interface ReportReply {
  cases: Report;
  queues: QueueReport | null;
  scope: 'all' | 'own';
}

export interface Grid {
  /** Column ids (CSV header). */
  columns: string[];
  rows: string[][];
}

/** The queue figures as two tables, each bucket's lines then the whole period's (as `hotline report` prints them). */
export function queueGrid(q: QueueReport): { queues: Grid; agents: Grid } {
  const cmp = q.comparePeriod !== undefined;
  const heads = queueHeads(cmp);
  const buckets = q.granularity === 'total' ? [q.total] : [...q.rows, q.total];
  const queues: string[][] = [];
  const agents: string[][] = [];
  for (const b of buckets) {
    for (const id of Object.keys({ ...b.queues, ...b.previous?.queues }).sort()) queues.push([b.period, id, ...queueCells(b.queues[id], b.previous?.queues[id], cmp)]);
    for (const id of Object.keys({ ...b.agents, ...b.previous?.agents }).sort()) agents.push([b.period, id, ...agentCells(b.agents[id], b.previous?.agents[id], cmp)]);
  }
  return { queues: { columns: ['period', ...heads.queues], rows: queues }, agents: { columns: ['period', ...heads.agents], rows: agents } };
}

export interface Series {
  labels: string[];
  current: number[];
  /** The comparison period's, when the report has one. */
  previous: number[] | null;
}

/**
 * One case metric for a chart: by period when the report is not broken down
 * (one point per day, month or year), else per agent / category / department
 * / kind over the whole period (each key's rows summed across the buckets;
 * a parent category's subtotal rows left out, they repeat their children).
 */
export function caseSeries(r: Report, metric: string): Series {
  const cmp = r.comparePeriod !== undefined;
  const by = r.query.by ?? 'none';
  let points: { label: string; now: number; prev: number }[];
  if (by === 'none') {
    const rows: ReportRow[] = r.subtotals.length > 1 ? r.subtotals : [r.total];
    points = rows.map((x) => ({ label: x.period === 'total' ? '合计' : x.period, now: x.counts[metric] ?? 0, prev: x.previous?.[metric] ?? 0 }));
  } else {
    const byKey = new Map<string, { label: string; now: number; prev: number }>();
    for (const x of r.rows) {
      if (x.subtotal) continue;
      const k = `${x.key}\u0000${x.label}`;
      const p = byKey.get(k) ?? { label: x.label, now: 0, prev: 0 };
      p.now += x.counts[metric] ?? 0;
      p.prev += x.previous?.[metric] ?? 0;
      byKey.set(k, p);
    }
    points = [...byKey.values()];
  }
  return { labels: points.map((p) => p.label), current: points.map((p) => p.now), previous: cmp ? points.map((p) => p.prev) : null };
}

/** 话务量 (calls answered) per agent over the whole period, and in the comparison period. */
export function answeredSeries(q: QueueReport): Series {
  const ids = Object.keys({ ...q.total.agents, ...q.total.previous?.agents }).sort();
  return {
    labels: ids,
    current: ids.map((id) => q.total.agents[id]?.answered ?? 0),
    previous: q.comparePeriod !== undefined ? ids.map((id) => q.total.previous?.agents[id]?.answered ?? 0) : null,
  };
}

const DAY_MS = 86_400_000;
const utc = (s: string): number => Date.parse(`${s}T00:00:00Z`);
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The period just before (环比): whole calendar months → the same number of
 * months before them (March → February, Q2 → Q1); any other span → as many
 * days ending the day before.
 */
export function previousPeriod(p: Period): Period {
  const f = new Date(utc(p.from));
  const t = new Date(utc(p.to));
  const lastOfMonth = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  if (f.getUTCDate() === 1 && t.getUTCDate() === lastOfMonth) {
    const months = (t.getUTCFullYear() - f.getUTCFullYear()) * 12 + t.getUTCMonth() - f.getUTCMonth() + 1;
    return { from: iso(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() - months, 1)), to: iso(utc(p.from) - DAY_MS) };
  }
  const days = Math.round((utc(p.to) - utc(p.from)) / DAY_MS) + 1;
  return { from: iso(utc(p.from) - days * DAY_MS), to: iso(utc(p.from) - DAY_MS) };
}

/** This calendar month in Beijing (UTC+8, no summer time), to today. */
export function thisMonth(nowMs: number): Period {
  const d = new Date(nowMs + 8 * 3_600_000);
  const from = iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  return { from, to: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) };
}
