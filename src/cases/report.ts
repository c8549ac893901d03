// Statistics from the aggregate counters (never from the cases): counters are
// kept per day, month and year, so any period is covered by at most a few
// dozen range reads (whole years, then whole months, then single days), and a
// year's report over a million cases reads one year's counters.
import { dayKeyToEpochDay, epochDayToDayKey, isoToDayKey } from './calendar.ts';
import type { CategoryIndex } from './config.ts';
import { CaseErrors, caseError } from './errors.ts';
import type { Granularity, Period, Report, ReportDimension, ReportMetric, ReportQuery, ReportRow } from './types.ts';

/** (granularity 'd'|'m'|'y', period key, dimension) → value → metric → count. */
export type CounterReader = (g: 'd' | 'm' | 'y', p: number, dim: string) => Map<string, Map<string, number>>;
type Counts = Map<string, Map<string, number>>;

export const ALL_METRICS: ReportMetric[] = ['calls', 'cases', 'consultation', 'complaint', 'report', 'suggestion', 'mailbox', 'dispatches', 'closed'];
const DIMENSIONS: ReportDimension[] = ['none', 'agent', 'category', 'department', 'kind'];
const GRANULARITIES: Granularity[] = ['day', 'month', 'year', 'total'];

function bad(message: string): Error {
  return caseError(CaseErrors.CASE_REPORT_INVALID, message);
}

function lastDayOfMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function addInto(dst: Counts, src: Counts): void {
  for (const [k, m] of src) {
    let d = dst.get(k);
    if (!d) dst.set(k, (d = new Map()));
    for (const [metric, n] of m) d.set(metric, (d.get(metric) ?? 0) + n);
  }
}

/** Sums the counters of days [from, to] (day keys, inclusive) with the fewest reads. */
export function sumSpan(read: CounterReader, dim: string, from: number, to: number): Counts {
  const out: Counts = new Map();
  let day = dayKeyToEpochDay(from);
  const end = dayKeyToEpochDay(to);
  while (day <= end) {
    const key = epochDayToDayKey(day);
    const y = Math.floor(key / 10000);
    const m = Math.floor(key / 100) % 100;
    const d = key % 100;
    if (m === 1 && d === 1 && dayKeyToEpochDay(y * 10000 + 1231) <= end) {
      addInto(out, read('y', y, dim));
      day = dayKeyToEpochDay(y * 10000 + 1231) + 1;
    } else if (d === 1 && dayKeyToEpochDay(y * 10000 + m * 100 + lastDayOfMonth(y, m)) <= end) {
      addInto(out, read('m', y * 100 + m, dim));
      day = dayKeyToEpochDay(y * 10000 + m * 100 + lastDayOfMonth(y, m)) + 1;
    } else {
      addInto(out, read('d', key, dim));
      day += 1;
    }
  }
  return out;
}

interface Bucket {
  label: string;
  from: number;
  to: number;
}

function buckets(from: number, to: number, g: Granularity): Bucket[] {
  const out: Bucket[] = [];
  if (g === 'total') return [{ label: 'total', from, to }];
  let day = dayKeyToEpochDay(from);
  const end = dayKeyToEpochDay(to);
  while (day <= end) {
    const key = epochDayToDayKey(day);
    const y = Math.floor(key / 10000);
    const m = Math.floor(key / 100) % 100;
    let last: number;
    let label: string;
    if (g === 'day') {
      last = key;
      label = `${y}-${String(m).padStart(2, '0')}-${String(key % 100).padStart(2, '0')}`;
    } else if (g === 'month') {
      last = y * 10000 + m * 100 + lastDayOfMonth(y, m);
      label = `${y}-${String(m).padStart(2, '0')}`;
    } else {
      last = y * 10000 + 1231;
      label = String(y);
    }
    const lastDay = Math.min(dayKeyToEpochDay(last), end);
    out.push({ label, from: key, to: epochDayToDayKey(lastDay) });
    day = lastDay + 1;
  }
  return out;
}

function parsePeriod(p: Period | undefined, what: string): { from: number; to: number } {
  if (!p || typeof p !== 'object') throw bad(`${what} must be { from: 'YYYY-MM-DD', to: 'YYYY-MM-DD' }`);
  let from: number;
  let to: number;
  try {
    from = isoToDayKey(p.from, `${what}.from`);
    to = isoToDayKey(p.to, `${what}.to`);
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (to < from) throw bad(`${what} ends (${p.to}) before it starts (${p.from})`);
  if (dayKeyToEpochDay(to) - dayKeyToEpochDay(from) > 366 * 20) throw bad(`${what} is longer than 20 years`);
  return { from, to };
}

function iso(key: number): string {
  const s = String(key);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/**
 * The same period one year earlier. 29 February maps to 28 February; a
 * period ending on the last day of February ends on the last day of
 * February last year, so February 2025 is compared with all of February 2024
 * (29 days), not with 1-28 February 2024.
 */
export function lastYear(p: Period): Period {
  const shift = (s: string, end: boolean): string => {
    if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return s; // parsePeriod refuses it with its message
    const y = Number(s.slice(0, 4)) - 1;
    let md = s.slice(5);
    if (md === '02-29') md = '02-28';
    else if (end && md === '02-28' && lastDayOfMonth(y, 2) === 29) md = '02-29';
    return `${y}-${md}`;
  };
  if (!p || typeof p !== 'object') return p;
  return { from: shift(p.from, false), to: shift(p.to, true) };
}

function pick(m: Map<string, number> | undefined, metrics: ReportMetric[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of metrics) out[k] = m?.get(k) ?? 0;
  return out;
}

function change(cur: Record<string, number>, prev: Record<string, number>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of Object.keys(cur)) out[k] = prev[k] ? Math.round(((cur[k] - prev[k]) / prev[k]) * 1000) / 10 : null;
  return out;
}

export function buildReport(q: ReportQuery, read: CounterReader, label: (dim: string, key: string) => string, cats: CategoryIndex): Report {
  if (!q || typeof q !== 'object') throw bad('the report query must be an object');
  const by = q.by ?? 'none';
  const g = q.granularity ?? 'total';
  if (!DIMENSIONS.includes(by)) throw bad(`by must be one of ${DIMENSIONS.join(', ')}; got '${String(by)}'`);
  if (!GRANULARITIES.includes(g)) throw bad(`granularity must be one of ${GRANULARITIES.join(', ')}; got '${String(g)}'`);
  const metrics = q.metrics ?? ALL_METRICS;
  for (const m of metrics) if (!ALL_METRICS.includes(m)) throw bad(`metric '${String(m)}' is not one of ${ALL_METRICS.join(', ')}`);
  const cur = parsePeriod(q.period, 'period');
  let cmp: { from: number; to: number } | null = null;
  let comparePeriod: Period | undefined;
  if (q.compareTo !== undefined) {
    comparePeriod = q.compareTo === 'last_year' ? lastYear(q.period) : q.compareTo;
    cmp = parsePeriod(comparePeriod, 'compareTo');
  }
  const dim = by === 'none' ? '*' : by;
  const curB = buckets(cur.from, cur.to, g);
  const cmpB = cmp ? buckets(cmp.from, cmp.to, g) : [];

  const rows: ReportRow[] = [];
  const subtotals: ReportRow[] = [];
  const rowsFor = (bucketLabel: string, counts: Counts, prevCounts: Counts | null): void => {
    const keys = new Set<string>(counts.keys());
    if (prevCounts) for (const k of prevCounts.keys()) keys.add(k);
    const sorted = [...keys].sort();
    const emit = (key: string, lbl: string, m: Map<string, number> | undefined, pm: Map<string, number> | undefined, subtotal: boolean): void => {
      const c = pick(m, metrics);
      const row: ReportRow = { period: bucketLabel, key: by === 'none' ? '' : key, label: lbl, counts: c };
      if (prevCounts) {
        row.previous = pick(pm, metrics);
        row.changePct = change(c, row.previous);
      }
      if (subtotal) row.subtotal = true;
      rows.push(row);
    };
    if (by === 'category') {
      // Category rows in tree order, each parent followed by a subtotal over its subtree.
      const sumOver = (src: Counts | null, ids: string[]): Map<string, number> | undefined => {
        if (!src) return undefined;
        const acc = new Map<string, number>();
        for (const id of ids) for (const [k, n] of src.get(id) ?? []) acc.set(k, (acc.get(k) ?? 0) + n);
        return acc;
      };
      for (const [id, info] of cats.byId) {
        const sub = cats.subtree(id);
        if (sub.length > 1) {
          if (!sub.some((s) => keys.has(s))) continue;
          emit(id, `${info.name} 小计`, sumOver(counts, sub), sumOver(prevCounts, sub) ?? undefined, true);
          // Cases filed under the parent itself: without this row they showed
          // only inside the subtotal, and the plain rows did not add up to it.
          if (keys.has(id)) emit(id, `${info.name} (本级)`, counts.get(id), prevCounts?.get(id), false);
        } else if (keys.has(id)) emit(id, info.name, counts.get(id), prevCounts?.get(id), false);
      }
      for (const k of sorted) if (!cats.byId.has(k)) emit(k, k, counts.get(k), prevCounts?.get(k), false);
    } else {
      for (const k of sorted) emit(k, label(by, k), counts.get(k), prevCounts?.get(k), false);
    }
  };

  let total: ReportRow | null = null;
  // By day against last year, a day is paired with the same calendar day one
  // year earlier, not with the i-th day of the earlier period: across a leap
  // year the two periods differ by 29 February, which would shift every later
  // pair by a day. 29 February itself has no counterpart (previous 0).
  const byDate = g === 'day' && q.compareTo === 'last_year' ? new Map(cmpB.map((x) => [x.from, x])) : null;
  for (let i = 0; i < curB.length; i++) {
    const b = curB[i];
    const pb = !cmp ? undefined : byDate ? (b.from % 10000 === 229 ? undefined : byDate.get(b.from - 10000)) : cmpB[i];
    const counts = sumSpan(read, dim, b.from, b.to);
    const prev = pb ? sumSpan(read, dim, pb.from, pb.to) : cmp ? new Map() : null;
    const firstRow = rows.length;
    if (by !== 'none') rowsFor(b.label, counts, prev);
    // by = none already read the '*' counters; do not read them twice
    const all = (dim === '*' ? counts : sumSpan(read, '*', b.from, b.to)).get('*');
    const prevAll = pb ? (dim === '*' && prev ? prev : sumSpan(read, '*', pb.from, pb.to)).get('*') : undefined;
    if (by === 'agent' || by === 'category') {
      // What no row holds (IVR intake with no agent, cases with no category,
      // calls, which have no category): each case counts under at most one
      // agent / category per metric, so subtotal minus the plain rows is exactly
      // that, and the rows now add up to the subtotal.
      const rest = (tot: Map<string, number> | undefined, part: (r: ReportRow) => Record<string, number> | undefined): Record<string, number> => {
        const out: Record<string, number> = {};
        for (const m of metrics) {
          let n = tot?.get(m) ?? 0;
          for (let j = firstRow; j < rows.length; j++) if (!rows[j].subtotal) n -= part(rows[j])?.[m] ?? 0;
          out[m] = n;
        }
        return out;
      };
      const c = rest(all, (r) => r.counts);
      const pc = cmp ? rest(prevAll, (r) => r.previous) : null;
      if (metrics.some((m) => c[m] !== 0 || (pc !== null && pc[m] !== 0))) {
        const row: ReportRow = { period: b.label, key: '', label: by === 'agent' ? '(无坐席)' : '(未分类)', counts: c };
        if (pc) {
          row.previous = pc;
          row.changePct = change(c, pc);
        }
        rows.push(row);
      }
    }
    const st: ReportRow = { period: b.label, key: '', label: by === 'none' ? '全部' : '小计', counts: pick(all, metrics) };
    if (cmp) {
      st.previous = pick(prevAll, metrics);
      st.changePct = change(st.counts, st.previous);
    }
    subtotals.push(st);
    if (by === 'none') rows.push(st);
  }
  {
    const all = sumSpan(read, '*', cur.from, cur.to).get('*');
    total = { period: 'total', key: '', label: '合计', counts: pick(all, metrics) };
    if (cmp) {
      total.previous = pick(sumSpan(read, '*', cmp.from, cmp.to).get('*'), metrics);
      total.changePct = change(total.counts, total.previous);
    }
  }
  return { query: { ...q, period: { from: iso(cur.from), to: iso(cur.to) } }, metrics, rows, subtotals, total, ...(comparePeriod ? { comparePeriod } : {}) };
}
