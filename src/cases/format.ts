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

function columns(r: Report): string[] {
  const cols = ['period', 'key', 'label'];
  for (const m of r.metrics) {
    cols.push(m);
    if (r.comparePeriod) cols.push(`${m}_previous`, `${m}_change_pct`);
  }
  return cols;
}

function cells(r: Report, row: ReportRow): string[] {
  const out = [row.period, row.key, row.label];
  for (const m of r.metrics) {
    out.push(String(row.counts[m] ?? 0));
    if (r.comparePeriod) {
      out.push(String(row.previous?.[m] ?? 0));
      const c = row.changePct?.[m];
      out.push(c === null || c === undefined ? '' : c.toFixed(1));
    }
  }
  return out;
}

function allRows(r: Report): ReportRow[] {
  // rows, then (when broken down) each period's subtotal, then the grand total
  const by = r.query.by ?? 'none';
  const rows = [...r.rows];
  if (by !== 'none') rows.push(...r.subtotals);
  rows.push(r.total);
  return rows;
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
  const head = columns(r).map((c) => METRIC_LABEL[c] ?? c);
  const body = allRows(r).map((row) => cells(r, row));
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((b) => width(b[i]))));
  const line = (cs: string[]): string => cs.map((c, i) => pad(c, widths[i], i >= 3)).join('  ');
  const title = `report ${r.query.period.from} .. ${r.query.period.to}` + (r.comparePeriod ? ` compared with ${r.comparePeriod.from} .. ${r.comparePeriod.to}` : '');
  return [title, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

// ---- options ----

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `--name value`, `--name=value`, bare `--flag`; `booleans` never take a value. */
export function parseArgs(args: string[], booleans: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (booleans.includes(a.slice(2)) || i + 1 >= args.length || args[i + 1].startsWith('--')) flags.set(a.slice(2), true);
      else flags.set(a.slice(2), args[++i]);
    } else positional.push(a);
  }
  return { positional, flags };
}

/**
 * The first option not in `allowed`, as a sentence, or null. A mistyped
 * option must not be ignored: 'search --caler N' would list every case as if
 * they were that caller's.
 */
export function unknownFlag(p: ParsedArgs, allowed: readonly string[]): string | null {
  for (const k of p.flags.keys()) {
    if (!allowed.includes(k)) return `there is no option --${k} here; the options are ${allowed.map((a) => '--' + a).join(' ')}`;
  }
  return null;
}

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

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  if (v === true) throw caseError(CaseErrors.CASE_CONFIG_INVALID, `--${name} needs a value`);
  return v;
}

/**
 * The store folder for a CLI call. --dir (default $HOTLINE_DATA or ./data) may
 * name the hotline's data folder, as `hotline start --data` does (the store is
 * its cases/ folder, beside recordings/), or a store folder itself, such as a
 * backup. A folder holding neither yet is taken as a data folder.
 */
export function resolveStoreDir(dir: string): string {
  if (existsSync(join(dir, 'data.mdb'))) return dir;
  return join(dir, 'cases');
}

/** Store options from --dir (see resolveStoreDir) and --config FILE (JSON: { calendar, deadlines, categories }). */
export function storeOptions(p: ParsedArgs): OpenCaseStoreOptions {
  const dir = resolveStoreDir(flagString(p, 'dir') ?? process.env.HOTLINE_DATA ?? './data');
  const file = flagString(p, 'config');
  if (!file) return { dir };
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
  return { dir, calendar: cfg.calendar, config: { deadlines: cfg.deadlines, categories: cfg.categories as never } };
}
