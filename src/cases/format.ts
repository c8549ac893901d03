// Report rendering (table, CSV, JSON) and the small option parser the
// `hotline cases` and `hotline report` commands share. Rendering lives here so
// the seats layer can offer the same CSV download.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseErrors, caseError } from './errors.ts';
import type { Report, ReportRow } from './types.ts';
import type { OpenCaseStoreOptions } from './types.ts';
import type { BureauCalendar } from './calendar.ts';

/**
 * An instant as the bureau reads it: local wall time in the calendar's zone
 * with the UTC offset, e.g. '2026-03-06 20:30:00 +08:00' (ISO 8601 with a
 * space). A supervisor reading bare UTC ('12:30Z') misjudges every deadline
 * by 8 hours.
 */
export function localTime(cal: BureauCalendar, ms: number): string {
  const off = cal.offsetAt(ms);
  const t = new Date(ms + off).toISOString();
  const a = Math.abs(off) / 60_000;
  const zone = `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return `${t.slice(0, 10)} ${t.slice(11, 19)} ${zone}`;
}

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
  const lines = [columns(r).join(',')];
  for (const row of allRows(r)) lines.push(cells(r, row).map(csvCell).join(','));
  return (bom ? '\uFEFF' : '') + lines.join('\r\n') + '\r\n';
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

// ---- options ----

/**
 * A reader that stops early ('hotline cases export | head') closes the pipe:
 * the next write fails with EPIPE, which as an unhandled 'error' event
 * crashed the command with a stack trace. The reader has what it wanted:
 * end quietly with status 0.
 */
let pipeWatched = false;
export function quietOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/**
 * The store folder for a CLI call. --dir (default $HOTLINE_DATA or ./data) may
 * name the hotline's data folder, as `hotline start --data` does (the store is
 * its cases/ folder, beside recordings/), or a store folder itself, such as an
 * old backup. `dataDir` is the data folder when there is one: recording ids
 * (recordings/<call>-<n>.wav) are relative to it.
 */
export function resolveStoreDir(dir: string): { dir: string; dataDir?: string } {
  if (existsSync(join(dir, 'data.mdb'))) return { dir };
  return { dir: join(dir, 'cases'), dataDir: dir };
}

/** Store options from --dir (see resolveStoreDir) and --config FILE (JSON: { calendar, deadlines, categories }). */
export function storeOptions(dirFlag: string | undefined, file: string | undefined): OpenCaseStoreOptions & { dir: string; dataDir?: string } {
  const where = resolveStoreDir(dirFlag ?? process.env.HOTLINE_DATA ?? './data');
  const base = { dir: where.dir, ...(where.dataDir !== undefined ? { dataDir: where.dataDir } : {}) };
  if (!file) return base;
  let cfg: { calendar?: OpenCaseStoreOptions['calendar']; deadlines?: Record<string, number>; categories?: unknown };
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw caseError(CaseErrors.CASE_CONFIG_INVALID, `cannot read the configuration ${file}: ${(e as Error).message}`);
  }
  // A list, a number or a misspelt key ('calender') would otherwise be
  // ignored without a word and the defaults used in its place.
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) {
    throw caseError(CaseErrors.CASE_CONFIG_INVALID, `the configuration ${file} must be a JSON object: { "calendar": {...}, "deadlines": {...}, "categories": [...] }`);
  }
  for (const k of Object.keys(cfg)) {
    if (k !== 'calendar' && k !== 'deadlines' && k !== 'categories') {
      throw caseError(CaseErrors.CASE_CONFIG_INVALID, `the configuration ${file} has an unknown key '${k}'; the keys are calendar, deadlines, categories`);
    }
  }
  return { ...base, calendar: cfg.calendar, config: { deadlines: cfg.deadlines, categories: cfg.categories as never } };
}
