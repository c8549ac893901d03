// Queue figures for `hotline report`, from the durable queue log: per queue
// (service level, ASA, abandon rate, AHT) and per agent (话务量 = calls
// answered by 工号, AHT, occupancy, not-ready time) by day, month, year or
// the whole period, in the bureau's calendar days, with the same period last
// year (同期比) as the case report takes it. The definitions are those of
// figures.ts (Asterisk's SL; occupancy = busy ÷ (busy + ready)).
import { caseError } from '../cases/errors.ts';
import { lastYear } from '../cases/report.ts';
import type { Period } from '../cases/types.ts';
import { FigureAccumulator, type AgentFigures, type QueueFigures } from './figures.ts';
import type { QueueEvent } from './types.ts';

export type QueueGranularity = 'total' | 'day' | 'month' | 'year';

export interface QueueReportQuery {
  period: Period;
  granularity?: QueueGranularity;
  compareTo?: 'last_year' | Period;
  /** T of the service level (default 20 s: 12315's "answered within 20 s"). */
  serviceLevelMs?: number;
  /** The bureau's offset from UTC (default +8 h; China keeps no summer time). */
  dayOffsetMs?: number;
}

export interface QueueFiguresSet {
  /** 'YYYY-MM-DD', 'YYYY-MM', 'YYYY' or 'total'. */
  period: string;
  queues: Record<string, QueueFigures>;
  agents: Record<string, AgentFigures>;
  /** Over every agent: busy ÷ (busy + ready). */
  occupancy: number | null;
}

export interface QueueReportRow extends QueueFiguresSet {
  /** The same bucket of the comparison period (same position), when compareTo is set. */
  previous?: QueueFiguresSet;
}

export interface QueueReport {
  period: Period;
  comparePeriod?: Period;
  granularity: QueueGranularity;
  serviceLevelMs: number;
  rows: QueueReportRow[];
  /** The whole period (a row of its own when the rows are days, months or years). */
  total: QueueReportRow;
}

/** Reads the log: events with at < to, in time order (LmdbQueueLog.events). */
export type QueueEventSource = (range: { to: number }) => Iterable<QueueEvent>;

const DAY_MS = 86_400_000;

function parseDay(s: string, what: string): [number, number, number] {
  const m = typeof s === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null;
  const ymd = m ? ([Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number]) : null;
  if (!ymd || ymd[1] < 1 || ymd[1] > 12 || ymd[2] < 1 || ymd[2] > new Date(Date.UTC(ymd[0], ymd[1], 0)).getUTCDate()) {
    throw caseError('CASE_REPORT_INVALID', `queue figures: ${what} must be a date YYYY-MM-DD; got ${JSON.stringify(s)}`);
  }
  return ymd;
}

/** Bucket starts (and the end) in UTC ms, with their labels. */
export function buckets(p: Period, g: QueueGranularity, offsetMs: number): { bounds: number[]; labels: string[] } {
  const [fy, fm, fd] = parseDay(p?.from, 'period.from');
  const [ty, tm, td] = parseDay(p?.to, 'period.to');
  const start = Date.UTC(fy, fm - 1, fd) - offsetMs;
  const end = Date.UTC(ty, tm - 1, td) + DAY_MS - offsetMs;
  if (end <= start) throw caseError('CASE_REPORT_INVALID', `queue figures: the period ends (${p.to}) before it starts (${p.from})`);
  if (g === 'total') return { bounds: [start, end], labels: ['total'] };
  const bounds: number[] = [];
  const labels: string[] = [];
  for (let t = start; t < end; ) {
    const d = new Date(t + offsetMs);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    bounds.push(t);
    if (g === 'day') {
      labels.push(d.toISOString().slice(0, 10));
      t += DAY_MS;
    } else if (g === 'month') {
      labels.push(`${y}-${String(mo + 1).padStart(2, '0')}`);
      t = Date.UTC(y, mo + 1, 1) - offsetMs;
    } else {
      labels.push(String(y));
      t = Date.UTC(y + 1, 0, 1) - offsetMs;
    }
  }
  bounds.push(end);
  return { bounds, labels };
}

function measure(events: QueueEventSource, p: Period, g: QueueGranularity, slMs: number, offsetMs: number): QueueFiguresSet[] {
  const { bounds, labels } = buckets(p, g, offsetMs);
  const from = bounds[0];
  const to = bounds[bounds.length - 1];
  // Agent state time needs the states set before the period: read from the log's start.
  const acc = new FigureAccumulator({ serviceLevelMs: slMs, from, to, boundaries: bounds });
  for (const ev of events({ to })) acc.add(ev);
  const byStart = new Map(acc.result().map((f) => [f.start, f]));
  return labels.map((period, i) => {
    const f = byStart.get(bounds[i]);
    return { period, queues: f?.queues ?? {}, agents: f?.agents ?? {}, occupancy: f?.occupancy ?? null };
  });
}

export function queueReport(events: QueueEventSource, q: QueueReportQuery): QueueReport {
  const g = q.granularity ?? 'total';
  if (!['total', 'day', 'month', 'year'].includes(g)) throw caseError('CASE_REPORT_INVALID', `queue figures: granularity ${JSON.stringify(g)} is not total, day, month or year`);
  const slMs = q.serviceLevelMs ?? 20_000;
  if (!Number.isFinite(slMs) || slMs < 0) throw caseError('CASE_REPORT_INVALID', `queue figures: the service level time must be ≥ 0 ms; got ${slMs}`);
  const offset = q.dayOffsetMs ?? 8 * 3_600_000;
  const rows: QueueReportRow[] = measure(events, q.period, g, slMs, offset);
  const total: QueueReportRow = g === 'total' ? rows[0] : measure(events, q.period, 'total', slMs, offset)[0];
  const out: QueueReport = { period: q.period, granularity: g, serviceLevelMs: slMs, rows, total };
  if (q.compareTo !== undefined) {
    const cp = q.compareTo === 'last_year' ? lastYear(q.period) : q.compareTo;
    const prev = measure(events, cp, g, slMs, offset);
    rows.forEach((r, i) => {
      if (prev[i]) r.previous = prev[i];
    });
    if (g !== 'total') total.previous = measure(events, cp, 'total', slMs, offset)[0];
    out.comparePeriod = cp;
  }
  return out;
}

// ---- text ------------------------------------------------------------------

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);
const secs = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(1));
const change = (cur: number, prev: number | undefined): string => (prev === undefined ? '' : prev === 0 ? (cur === 0 ? '0' : 'new') : `${cur >= prev ? '+' : ''}${(((cur - prev) / prev) * 100).toFixed(1)}%`);

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c + ' '.repeat(w[i] - width(c)) : ' '.repeat(w[i] - width(c)) + c)).join('  ');
  return [line(head), ...rows.map(line)];
}

/** Display width: a CJK character takes two columns. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

/** One queue's cells after its id, as the table prints them (and the console shows and exports them). */
export function queueCells(f: QueueFigures | undefined, p: QueueFigures | undefined, cmp: boolean): string[] {
  return [String(f?.entered ?? 0), String(f?.answered ?? 0), pct(f?.serviceLevel), secs(f?.asaMs), String(f?.abandoned ?? 0), pct(f?.abandonRate), secs(f?.ahtMs), ...(cmp ? [String(p?.answered ?? 0), change(f?.answered ?? 0, p?.answered ?? 0), pct(p?.serviceLevel)] : [])];
}

/** One agent's (工号) cells after his id. */
export function agentCells(f: AgentFigures | undefined, p: AgentFigures | undefined, cmp: boolean): string[] {
  return [String(f?.answered ?? 0), String(f?.handled ?? 0), secs(f?.ahtMs), pct(f?.occupancy), ((f?.notReadyMs ?? 0) / 60_000).toFixed(1), String(f?.missed ?? 0), ...(cmp ? [String(p?.answered ?? 0), change(f?.answered ?? 0, p?.answered ?? 0)] : [])];
}

/** Column ids of queueCells and agentCells (with the id first), as `hotline report`'s queue table heads them. */
export function queueHeads(cmp: boolean): { queues: string[]; agents: string[] } {
  return {
    queues: ['queue', 'entered', 'answered', 'SL', 'ASA s', 'abandoned', 'abandon', 'AHT s', ...(cmp ? ['answered LY', 'Δ', 'SL LY'] : [])],
    agents: ['agent (工号)', '话务量', 'handled', 'AHT s', 'occupancy', 'not ready min', 'missed', ...(cmp ? ['话务量 LY', 'Δ'] : [])],
  };
}

/** The queue figures as text tables: per period, one line per queue and one per agent (工号). */
export function queueReportTable(r: QueueReport): string {
  const out = [`Queue figures ${r.period.from} – ${r.period.to}${r.comparePeriod ? `, compared with ${r.comparePeriod.from} – ${r.comparePeriod.to} (同期比)` : ''}; service level: answered within ${r.serviceLevelMs / 1000} s ÷ answered`];
  const cmp = r.comparePeriod !== undefined;
  for (const row of r.granularity === 'total' ? r.rows : [...r.rows, r.total]) {
    out.push('', `[${row.period}]  occupancy ${pct(row.occupancy)}${cmp ? ` (last year ${pct(row.previous?.occupancy)})` : ''}`);
    const qs = Object.keys({ ...row.queues, ...row.previous?.queues }).sort();
    if (qs.length === 0) out.push('  no queue calls');
    else {
      const head = queueHeads(cmp).queues;
      const lines = qs.map((id) => [id, ...queueCells(row.queues[id], row.previous?.queues[id], cmp)]);
      out.push(...table(head, lines).map((l) => `  ${l}`));
    }
    const ags = Object.keys({ ...row.agents, ...row.previous?.agents }).sort();
    if (ags.length > 0) {
      const head = queueHeads(cmp).agents;
      const lines = ags.map((id) => [id, ...agentCells(row.agents[id], row.previous?.agents[id], cmp)]);
      out.push(...table(head, lines).map((l) => `  ${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}
