// The bureau's working calendar: which civil days are working days (weekends
// off, configured public holidays off, configured make-up weekend days on), in
// the bureau's time zone. Deadlines are counted in working days on it.
//
// Days are handled as "day keys" (YYYYMMDD numbers, e.g. 20260315) so that
// counters, case numbers and deadlines share one cheap representation.
import { CaseErrors, caseError } from './errors.ts';
import type { CalendarConfig } from './types.ts';

// Public holidays and make-up working days (调休上班) from the State Council
// notices: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号) and
// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04). Later years go in the
// configuration (calendar.holidays / calendar.workingWeekends) when published.
export const DEFAULT_HOLIDAYS: readonly string[] = [
  '2025-01-01', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04',
  '2025-04-04', '2025-04-05', '2025-04-06', '2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05',
  '2025-05-31', '2025-06-01', '2025-06-02', '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05',
  '2025-10-06', '2025-10-07', '2025-10-08',
  '2026-01-01', '2026-01-02', '2026-01-03', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
  '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23', '2026-04-04', '2026-04-05', '2026-04-06', '2026-05-01',
  '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', '2026-06-19', '2026-06-20', '2026-06-21', '2026-09-25',
  '2026-09-26', '2026-09-27', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06',
  '2026-10-07',
];
export const DEFAULT_WORKING_WEEKENDS: readonly string[] = [
  '2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11',
  '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10',
];

const DAY_MS = 86_400_000;

/**
 * Statutory holidays on fixed Gregorian dates (全国年节及纪念日放假办法, as
 * revised 2024: 元旦 1 Jan, 劳动节 1-2 May, 国庆节 1-3 Oct), as MMDD. They
 * apply in a year with no configured holiday list yet (the State Council's
 * notice for a year comes out in the November before), so a deadline that
 * crosses into next year does not count New Year's Day as a working day. The
 * lunar-calendar holidays cannot be derived; configure them when published.
 */
const FIXED_HOLIDAYS_MMDD: ReadonlySet<number> = new Set([101, 501, 502, 1001, 1002, 1003]);

function parseDay(s: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw caseError(CaseErrors.CASE_CALENDAR_INVALID, `${what}: '${s}' is not a date in the form YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) {
    throw caseError(CaseErrors.CASE_CALENDAR_INVALID, `${what}: '${s}' is not a calendar date`);
  }
  return y * 10000 + mo * 100 + d;
}

/** YYYYMMDD → days since 1970-01-01 (proleptic Gregorian, no time zone). */
export function dayKeyToEpochDay(key: number): number {
  return Math.floor(Date.UTC(Math.floor(key / 10000), (Math.floor(key / 100) % 100) - 1, key % 100) / DAY_MS);
}
export function epochDayToDayKey(day: number): number {
  const t = new Date(day * DAY_MS);
  return t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
}
export function dayKeyToIso(key: number): string {
  const s = String(key);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}
export function isoToDayKey(s: string, what = 'date'): number {
  return parseDay(s, what);
}

export class BureauCalendar {
  readonly timeZone: string;
  private readonly holidays: Set<number>;
  private readonly workingWeekends: Set<number>;
  /** Years for which a holiday list is configured: only that list counts there. */
  private readonly configuredYears: Set<number>;
  private readonly fmt: Intl.DateTimeFormat;
  // Offsets change at most twice a year (DST zones); cache per hour of UTC.
  private readonly offsetCache = new Map<number, number>();
  // The local day most recently asked for: nearly every call in a busy hour hits it.
  private cachedStart = 0;
  private cachedEnd = -1;
  private cachedKey = 0;

  constructor(cfg: CalendarConfig = {}) {
    this.timeZone = cfg.timeZone ?? 'Asia/Shanghai';
    try {
      this.fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: this.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw caseError(CaseErrors.CASE_CALENDAR_INVALID, `calendar.timeZone: '${this.timeZone}' is not an IANA time zone this Node.js knows`);
    }
    if (cfg.holidays !== undefined && !Array.isArray(cfg.holidays)) throw caseError(CaseErrors.CASE_CALENDAR_INVALID, 'calendar.holidays must be a list of YYYY-MM-DD dates');
    if (cfg.workingWeekends !== undefined && !Array.isArray(cfg.workingWeekends)) throw caseError(CaseErrors.CASE_CALENDAR_INVALID, 'calendar.workingWeekends must be a list of YYYY-MM-DD dates');
    this.holidays = new Set((cfg.holidays ?? DEFAULT_HOLIDAYS).map((s) => parseDay(s, 'calendar.holidays')));
    this.workingWeekends = new Set((cfg.workingWeekends ?? DEFAULT_WORKING_WEEKENDS).map((s) => parseDay(s, 'calendar.workingWeekends')));
    this.configuredYears = new Set([...this.holidays].map((k) => Math.floor(k / 10000)));
  }

  /** The configured days off and make-up working days, as YYYY-MM-DD, sorted. */
  days(): { holidays: string[]; workingWeekends: string[] } {
    const iso = (set: Set<number>) => [...set].sort((a, b) => a - b).map(dayKeyToIso);
    return { holidays: iso(this.holidays), workingWeekends: iso(this.workingWeekends) };
  }

  /**
   * Replaces the days off and make-up working days (the console's calendar
   * page): checked like the configuration (CASE_CALENDAR_INVALID, nothing
   * changed then), in force for the next deadline counted and the next
   * hours node. Deadlines already set on cases stay as they were computed.
   */
  setDays(holidays: readonly string[], workingWeekends: readonly string[]): void {
    const h = holidays.map((s) => parseDay(s, 'calendar.holidays'));
    const w = workingWeekends.map((s) => parseDay(s, 'calendar.workingWeekends'));
    const both = h.find((k) => w.includes(k));
    if (both !== undefined) throw caseError(CaseErrors.CASE_CALENDAR_INVALID, `${dayKeyToIso(both)} cannot be a holiday and a make-up working day at once`);
    this.holidays.clear();
    this.workingWeekends.clear();
    this.configuredYears.clear();
    for (const k of h) {
      this.holidays.add(k);
      this.configuredYears.add(Math.floor(k / 10000));
    }
    for (const k of w) this.workingWeekends.add(k);
    this.dueMemo.clear();
  }

  /** Offset of local time from UTC at instant `ms`, in ms. */
  offsetAt(ms: number): number {
    const hour = Math.floor(ms / 3_600_000);
    const hit = this.offsetCache.get(hour);
    if (hit !== undefined) return hit;
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(new Date(hour * 3_600_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const off = asUtc - hour * 3_600_000;
    if (this.offsetCache.size > 10_000) this.offsetCache.clear();
    this.offsetCache.set(hour, off);
    return off;
  }

  /** The bureau's civil day (YYYYMMDD) at instant `ms`. */
  dayKey(ms: number): number {
    if (ms >= this.cachedStart && ms <= this.cachedEnd) return this.cachedKey;
    const local = ms + this.offsetAt(ms);
    const key = epochDayToDayKey(Math.floor(local / DAY_MS));
    this.cachedKey = key;
    this.cachedStart = this.startOfDay(key);
    this.cachedEnd = this.startOfDay(epochDayToDayKey(dayKeyToEpochDay(key) + 1)) - 1;
    return key;
  }

  /** Epoch ms of local midnight starting day `key`. */
  startOfDay(key: number): number {
    const guess = dayKeyToEpochDay(key) * DAY_MS;
    const off1 = this.offsetAt(guess - this.offsetAt(guess));
    return guess - off1;
  }

  /** Last millisecond of day `key`. */
  endOfDay(key: number): number {
    return this.startOfDay(epochDayToDayKey(dayKeyToEpochDay(key) + 1)) - 1;
  }

  isWorkingDay(key: number): boolean {
    if (this.workingWeekends.has(key)) return true;
    if (this.holidays.has(key)) return false;
    if (!this.configuredYears.has(Math.floor(key / 10000)) && FIXED_HOLIDAYS_MMDD.has(key % 10000)) return false;
    const dow = (dayKeyToEpochDay(key) + 4) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
    return dow !== 0 && dow !== 6;
  }

  /**
   * The end of the n-th working day after the day of `fromMs`. The day of
   * receipt itself is not counted (期间开始之日不计算在内, as administrative
   * procedure periods are counted in China), so a complaint received on a
   * Friday with a 7-working-day limit is due at 23:59:59.999 on the second
   * Tuesday after (absent holidays).
   */
  addWorkingDays(fromMs: number, n: number): number {
    const start = this.dayKey(fromMs);
    const memoKey = start * 1000 + n;
    const hit = this.dueMemo.get(memoKey);
    if (hit !== undefined) return hit;
    const due = this.computeWorkingDays(start, n);
    if (this.dueMemo.size > 50_000) this.dueMemo.clear();
    this.dueMemo.set(memoKey, due);
    return due;
  }

  private readonly dueMemo = new Map<number, number>();

  private computeWorkingDays(startKey: number, n: number): number {
    let day = dayKeyToEpochDay(startKey);
    let left = n;
    while (left > 0) {
      day += 1;
      if (this.isWorkingDay(epochDayToDayKey(day))) left -= 1;
    }
    return this.endOfDay(epochDayToDayKey(day));
  }

  /** Working days strictly after the day of `fromMs` up to and including the day of `toMs`. */
  workingDaysBetween(fromMs: number, toMs: number): number {
    let day = dayKeyToEpochDay(this.dayKey(fromMs));
    const end = dayKeyToEpochDay(this.dayKey(toMs));
    let n = 0;
    while (day < end) {
      day += 1;
      if (this.isWorkingDay(epochDayToDayKey(day))) n += 1;
    }
    return n;
  }
}
