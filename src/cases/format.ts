// Report rendering (table, CSV, JSON) and the small option parser the
// `hotline cases` and `hotline report` commands share. Rendering lives here so
// the seats layer can offer the same CSV download.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseErrors, caseError } from './errors.ts';
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

// The report's rows, CSV and text table: report-format.ts (no Node imports: the web console's export uses it too).
export { METRIC_LABEL, reportCsv, reportGrid, reportTable } from './report-format.ts';

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
