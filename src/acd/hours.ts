// Office hours and night service (夜铃): inside the open periods calls queue
// for agents; outside them they go to the IVR's night flow and a configured
// station rings (the night bell). Days are the bureau's (src/cases/calendar.ts):
// its time zone, weekends, public holidays and make-up working days.
import type { BureauCalendar } from '../cases/calendar.ts';
import { acdError } from './errors.ts';

export interface OpenPeriod {
  /** working: the calendar's working days; non-working: weekends and holidays; every: all days. */
  days: 'working' | 'non-working' | 'every';
  /** Local time HH:MM, from inclusive, to exclusive ('24:00' = end of day). */
  from: string;
  to: string;
}

export interface OfficeHoursConfig {
  open: OpenPeriod[];
  /** The IVR node outside hours (e.g. the night message and mailbox). */
  nightFlow: string;
  /** The station that rings outside hours (night bell), if any. */
  nightBell?: string;
}

export type ServiceDecision = { open: true } | { open: false; flow: string; nightBell?: string };

const DAY_SETS = ['working', 'non-working', 'every'] as const;

function minutes(s: unknown, what: string): number {
  const m = typeof s === 'string' ? /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s) : null;
  const v = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || v > 1440) throw acdError('ACD_HOURS_INVALID', `${what}: '${String(s)}' is not a time HH:MM between 00:00 and 24:00`);
  return v;
}

export class OfficeHours {
  private readonly periods: { days: OpenPeriod['days']; from: number; to: number }[];

  constructor(
    private readonly calendar: BureauCalendar,
    private readonly cfg: OfficeHoursConfig,
  ) {
    if (!Array.isArray(cfg?.open)) throw acdError('ACD_HOURS_INVALID', 'open must be a list of periods');
    if (typeof cfg.nightFlow !== 'string' || cfg.nightFlow === '') throw acdError('ACD_HOURS_INVALID', 'nightFlow names the IVR node for calls outside hours');
    this.periods = cfg.open.map((p, i) => {
      if (!DAY_SETS.includes(p?.days)) throw acdError('ACD_HOURS_INVALID', `open[${i}].days: '${String(p?.days)}' is not one of ${DAY_SETS.join(', ')}`);
      const from = minutes(p.from, `open[${i}].from`);
      const to = minutes(p.to, `open[${i}].to`);
      if (to <= from) throw acdError('ACD_HOURS_INVALID', `open[${i}]: ${p.from}–${p.to} ends before it starts (split a period across midnight in two)`);
      return { days: p.days, from, to };
    });
  }

  /** Open or night service at epoch ms `at`. */
  decide(at: number): ServiceDecision {
    const key = this.calendar.dayKey(at);
    const minute = Math.floor((at - this.calendar.startOfDay(key)) / 60_000);
    const working = this.calendar.isWorkingDay(key);
    for (const p of this.periods) {
      const dayOk = p.days === 'every' || (p.days === 'working') === working;
      if (dayOk && minute >= p.from && minute < p.to) return { open: true };
    }
    return this.cfg.nightBell ? { open: false, flow: this.cfg.nightFlow, nightBell: this.cfg.nightBell } : { open: false, flow: this.cfg.nightFlow };
  }
}
