// The bureau's calendar: weekends off, public holidays off, make-up weekend
// days on, counted in Asia/Shanghai; deadlines end at the close of the n-th
// working day after the day of receipt.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BureauCalendar } from '../../src/cases/calendar.ts';

const cal = new BureauCalendar();
// Beijing local time → epoch ms
const bj = (y: number, mo: number, d: number, h = 10): number => Date.UTC(y, mo - 1, d, h - 8);
const iso = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19);

test('day keys follow Beijing time, not UTC', () => {
  // 2026-03-01 23:30 UTC is already 2 March in Beijing
  assert.is(cal.dayKey(Date.UTC(2026, 2, 1, 23, 30)), 20260302);
  assert.is(cal.dayKey(Date.UTC(2026, 2, 1, 15, 59, 59)), 20260301);
  assert.is(cal.dayKey(Date.UTC(2026, 2, 1, 16, 0, 0)), 20260302);
  assert.is(cal.startOfDay(20260302), Date.UTC(2026, 2, 1, 16));
});

test('weekends, holidays and make-up working days', () => {
  assert.ok(cal.isWorkingDay(20260303), 'Tuesday');
  assert.not.ok(cal.isWorkingDay(20260307), 'Saturday');
  assert.not.ok(cal.isWorkingDay(20261001), 'National Day');
  assert.not.ok(cal.isWorkingDay(20260216), 'Spring Festival Monday');
  assert.ok(cal.isWorkingDay(20260214), 'Saturday 14 Feb 2026 is a make-up working day');
  assert.ok(cal.isWorkingDay(20261010), 'Saturday 10 Oct 2026 is a make-up working day');
});

test('7 working days from a Friday, no holidays: the second Tuesday after', () => {
  const due = cal.addWorkingDays(bj(2026, 3, 6), 7); // Friday 6 March 2026
  assert.is(iso(due), '2026-03-17T23:59:59');
});

test('deadlines skip the Spring Festival and count the make-up Saturdays', () => {
  // Received Thursday 12 Feb 2026: working days after it are Fri 13, Sat 14 (make-up),
  // then the holiday 15-23 Feb, then Tue 24, Wed 25, Thu 26, Fri 27, Sat 28 (make-up).
  assert.is(iso(cal.addWorkingDays(bj(2026, 2, 12), 7)), '2026-02-28T23:59:59');
  assert.is(cal.workingDaysBetween(bj(2026, 2, 12), bj(2026, 2, 28)), 7);
});

test('configured calendar replaces the defaults; bad dates are refused', () => {
  const c = new BureauCalendar({ holidays: ['2030-01-02'], workingWeekends: ['2030-01-05'] });
  assert.not.ok(c.isWorkingDay(20300102));
  assert.ok(c.isWorkingDay(20300105));
  assert.ok(c.isWorkingDay(20260216), 'default holidays are not used when holidays are configured (1 Oct is a fixed-date holiday in every year)');
  assert.throws(() => new BureauCalendar({ holidays: ['2030-02-30'] }), (e: { code: string }) => e.code === 'CASE_CALENDAR_INVALID');
  assert.throws(() => new BureauCalendar({ timeZone: 'Mars/Olympus' }), (e: { code: string }) => e.code === 'CASE_CALENDAR_INVALID');
});

test('another time zone moves the day boundary', () => {
  const utc = new BureauCalendar({ timeZone: 'UTC' });
  assert.is(utc.dayKey(Date.UTC(2026, 2, 1, 23, 30)), 20260301);
});

test.run();
