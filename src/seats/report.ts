// The `report` and `case-reference` messages of the seat protocol: `hotline
// report`'s figures for the console (the case store's counters and the ACD's
// queue figures from the durable queue log) and the lists the case screens
// choose from (category tree, departments).
// Who sees what: supervisors and admins every row. An agent sees his own
// figures only: the case counts broken down by agent, his row alone (the
// subtotals and the total then are his too), and of the queue figures his
// own agent entry; queue-wide figures (SL, abandon rate) are the team's and
// are left out. Asking an agent's report by another dimension is refused.
import { queueReport, type QueueReport } from '../acd/report.ts';
import type { QueueLog } from '../acd/log.ts';
import type { CategoryNode, Department, Report, ReportQuery, ReportRow } from '../cases/types.ts';
import type { Session } from './auth.ts';
import { seatError } from './errors.ts';
import type { ClientMessage } from './protocol.ts';

export type ReportMessage = Extract<ClientMessage, { type: 'report' | 'case-reference' }>;

export function isReportMessage(m: ClientMessage): m is ReportMessage {
  return m.type === 'report' || m.type === 'case-reference';
}

/** The store's parts these messages read (LmdbCaseStore has them). */
export interface SeatReportStore {
  report(q: ReportQuery): Promise<Report>;
  categories(): CategoryNode[];
  listDepartments(): Promise<Department[]>;
}

export interface ReportResult {
  cases: Report;
  /** null: no queue log behind this server, or not asked for. */
  queues: QueueReport | null;
  /** 'own': an agent's figures, his rows only. */
  scope: 'all' | 'own';
}

/** Day rows over a longer period would make one reply of thousands of rows per agent. */
const MAX_DAY_ROWS = 400;
const DAY_MS = 86_400_000;

function days(p: { from: string; to: string }): number {
  return (Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`)) / DAY_MS + 1;
}

/** The agent's own row (key = his id) in place of everyone's; a period bucket he has no row in shows zeros. */
function ownRows(r: Report, agentId: string): Report {
  const zero = (row: ReportRow): ReportRow => {
    const z = (o: Record<string, number> | undefined) => (o ? Object.fromEntries(Object.keys(o).map((k) => [k, 0])) : undefined);
    const out: ReportRow = { period: row.period, key: agentId, label: agentId, counts: z(row.counts)! };
    if (row.previous) {
      out.previous = z(row.previous);
      out.changePct = Object.fromEntries(Object.keys(row.counts).map((k) => [k, null]));
    }
    return out;
  };
  const mine = r.rows.filter((x) => x.key === agentId && !x.subtotal);
  const byPeriod = new Map(mine.map((x) => [x.period, x]));
  const subtotals = r.subtotals.map((st) => byPeriod.get(st.period) ?? zero(st));
  return { ...r, rows: subtotals, subtotals, total: r.total };
}

export async function runReportMessage(store: SeatReportStore, queueLog: QueueLog | undefined, s: Session, m: ReportMessage, defaultSlMs: number): Promise<unknown> {
  if (m.type === 'case-reference') return { categories: store.categories(), departments: await store.listDepartments() };
  const own = s.role === 'agent';
  if (own && m.by !== undefined && m.by !== 'agent') {
    throw seatError('SEAT_FORBIDDEN', `report by ${m.by}: an agent sees his own figures only; ask by agent (his row), or ask a supervisor for the team's`);
  }
  const g = m.granularity ?? 'total';
  if (g === 'day' && (days(m.period) > MAX_DAY_ROWS || (typeof m.compareTo === 'object' && days(m.compareTo) > MAX_DAY_ROWS))) {
    throw seatError('SEAT_BAD_MESSAGE', `report: by day the period is at most ${MAX_DAY_ROWS} days over the seat socket; ask by month, or use hotline report`);
  }
  const q: ReportQuery = { period: m.period, by: own ? 'agent' : (m.by ?? 'none'), granularity: g };
  if (m.metrics) q.metrics = m.metrics;
  if (m.compareTo !== undefined) q.compareTo = m.compareTo;
  let cases = await store.report(q); // CASE_REPORT_INVALID for a period the store refuses
  if (own) {
    // His total over the whole period: the same counters by agent, one bucket.
    const whole = g === 'total' ? cases : await store.report({ ...q, granularity: 'total' });
    const total = ownRows(whole, s.agentId).rows[0];
    cases = { ...ownRows(cases, s.agentId), total: { ...total, period: 'total' } };
  }
  let queues: QueueReport | null = null;
  if (queueLog && m.queues !== false) {
    queues = queueReport((range) => queueLog.events(range), {
      period: m.period,
      granularity: g,
      serviceLevelMs: m.serviceLevelS !== undefined ? Math.round(m.serviceLevelS * 1000) : defaultSlMs,
      ...(m.compareTo !== undefined ? { compareTo: m.compareTo } : {}),
    });
    if (own) queues = ownQueueFigures(queues, s.agentId);
  }
  const out: ReportResult = { cases, queues, scope: own ? 'own' : 'all' };
  return out;
}

/** Only the agent's own entry of each row (and of its comparison); queue-wide figures dropped. */
function ownQueueFigures(r: QueueReport, agentId: string): QueueReport {
  type Set_ = QueueReport['rows'][number];
  const keep = <T extends { queues: unknown; agents: Record<string, unknown>; occupancy: unknown }>(x: T): T => ({
    ...x,
    queues: {},
    agents: agentId in x.agents ? { [agentId]: x.agents[agentId] } : {},
    occupancy: (x.agents[agentId] as { occupancy?: number | null } | undefined)?.occupancy ?? null,
  });
  const row = (x: Set_): Set_ => {
    const out = keep(x);
    if (x.previous) out.previous = keep(x.previous);
    return out;
  };
  return { ...r, rows: r.rows.map(row), total: row(r.total) };
}
