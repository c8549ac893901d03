// A report (src/cases/report.ts) as rows of cells: the CSV of `hotline report
// --format csv`, its text table, and the same rows for the web console's
// table and Excel export. No Node imports: the console bundles this file, so
// its CSV download is byte for byte the command's.
import type { Report, ReportRow } from './types.ts';

export const METRIC_LABEL: Record<string, string> = {
  calls: '来电',
  cases: '登记',
  consultation: '咨询',
  complaint: '投诉',
  report: '举报',
  suggestion: '批评建议',
  mailbox: '局长信箱',
  dispatches: '派单',
  closed: '办结',
};

/** Column ids (CSV header, JSON-minded consumers): English throughout. */
function columns(r: Report): string[] {
  const cols = ['period', 'key', 'label'];
  for (const m of r.metrics) {
    cols.push(m);
    if (r.comparePeriod) cols.push(`${m}_previous`, `${m}_change_pct`);
  }
  return cols;
}

/** Table headings: Chinese throughout (the bureau reads the table). */
function headings(r: Report): string[] {
  const cols = ['期间', '编号', '名称'];
  for (const m of r.metrics) {
    const l = METRIC_LABEL[m] ?? m;
    cols.push(l);
    if (r.comparePeriod) cols.push(`${l}(上期)`, `${l}增减%`);
  }
  return cols;
}

/**
 * Change against the comparison period: a percentage, 'new' when the
 * earlier period had none and this one has some (no percentage exists), '—'
 * when both are 0.
 */
function changeCell(c: number | null | undefined, now: number): string {
  if (c !== null && c !== undefined) return c.toFixed(1);
  return now > 0 ? 'new' : '—';
}

function cells(r: Report, row: ReportRow): string[] {
  const out = [row.period, row.key, row.label];
  for (const m of r.metrics) {
    const now = row.counts[m] ?? 0;
    out.push(String(now));
    if (r.comparePeriod) {
      out.push(String(row.previous?.[m] ?? 0));
      out.push(changeCell(row.changePct?.[m], now));
    }
  }
  return out;
}

/**
 * The rows in reading order: each period's rows followed by that period's
 * subtotal, then the grand total. With a single period the subtotal (by =
 * none: the one '全部' row) is the grand total: it is printed once, as 合计.
 */
function allRows(r: Report): ReportRow[] {
  const by = r.query.by ?? 'none';
  const single = r.subtotals.length <= 1;
  const out: ReportRow[] = [];
  if (by === 'none') {
    if (!single) out.push(...r.rows);
  } else {
    const byPeriod = new Map<string, ReportRow[]>();
    for (const row of r.rows) {
      let l = byPeriod.get(row.period);
      if (!l) byPeriod.set(row.period, (l = []));
      l.push(row);
    }
    for (const st of r.subtotals) {
      out.push(...(byPeriod.get(st.period) ?? []));
      if (!single) out.push(st);
    }
  }
  out.push(r.total);
  return out;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV (RFC 4180, CRLF line ends) starting with a UTF-8 byte-order mark:
 * without it Excel on a Chinese Windows reads the file as GBK and shows the
 * labels (投诉, 合计) as mojibake. Pass bom = false for a machine consumer.
 */
export function reportCsv(r: Report, bom = true): string {
  return csvText([columns(r), ...allRows(r).map((row) => cells(r, row))], bom);
}

/** Rows of cells as CSV the same way (RFC 4180, CRLF, BOM unless bom = false). */
export function csvText(rows: readonly (readonly string[])[], bom = true): string {
  return (bom ? '\uFEFF' : '') + rows.map((cs) => cs.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * The rows as `hotline report` prints them, in reading order: `columns` the
 * CSV's English ids, `headings` the table's Chinese ones, `rows` the cells
 * (counts as text, change '12.5', 'new' or '—') beside the report rows they
 * come from.
 */
export function reportGrid(r: Report): { columns: string[]; headings: string[]; rows: { row: ReportRow; cells: string[] }[] } {
  return { columns: columns(r), headings: headings(r), rows: allRows(r).map((row) => ({ row, cells: cells(r, row) })) };
}

/**
 * East Asian Wide and Fullwidth characters (Unicode UAX #11) take two
 * terminal columns, including the supplementary ideographs (U+20000-U+3FFFD,
 * e.g. 𠮷 in names), which need the u flag: without it a surrogate pair
 * matched nothing and counted as one column, shifting the row.
 */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/** Display width in terminal columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1;
  return w;
}
function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

export function reportTable(r: Report): string {
  const head = headings(r);
  const body = allRows(r).map((row) => cells(r, row));
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((b) => width(b[i]))));
  const line = (cs: string[]): string => cs.map((c, i) => pad(c, widths[i], i >= 3)).join('  ');
  const title = `report ${r.query.period.from} .. ${r.query.period.to}` + (r.comparePeriod ? ` compared with ${r.comparePeriod.from} .. ${r.comparePeriod.to}` : '');
  return [title, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

