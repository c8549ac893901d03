// A deadline that crosses into a year whose holiday notice is
// not configured yet (2027 in the shipped defaults) counted New Year's Day as
// a working day. The fixed-date statutory holidays (全国年节及纪念日放假办法:
// 元旦 1 Jan, 劳动节 1-2 May, 国庆节 1-3 Oct) hold in every year; a configured
// year's list stays authoritative.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BureauCalendar } from '../../src/cases/calendar.ts';
import { bj, complaint, fixture } from './helpers.ts';

const iso = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19);

test('a complaint received on Friday 25 Dec 2026 is due on 6 Jan 2027 (1 Jan 2027 is a holiday)', async () => {
  const f = await fixture(bj(2026, 12, 25, 19));
  try {
    const c = await f.store.createCase(complaint());
    const dl = c.deadlines.find((d) => d.kind === 'accept_decision')!;
    // 28, 29, 30, 31 Dec, (1 Jan off), 4, 5, 6 Jan
    assert.is(iso(dl.dueAt), '2027-01-06T23:59:59');
  } finally {
    await f.done();
  }
});

test('fixed-date statutory holidays in unconfigured years; configured years follow their notice', () => {
  const cal = new BureauCalendar();
  assert.not.ok(cal.isWorkingDay(20270101), '元旦 2027 (Friday)');
  assert.not.ok(cal.isWorkingDay(20271001), '国庆 2027 (Friday)');
  assert.not.ok(cal.isWorkingDay(20280501), '劳动节 2028 (Monday)');
  assert.not.ok(cal.isWorkingDay(20280502), '劳动节 2028 (Tuesday)');
  assert.ok(cal.isWorkingDay(20270503), 'Monday 3 May 2027: not a fixed-date holiday');
  assert.ok(cal.isWorkingDay(20261008), '2026 follows its notice: Thursday 8 Oct is a working day');
  // a configuration listing only 2025 still keeps 1 Jan 2026 off
  const own = new BureauCalendar({ holidays: ['2025-01-01'], workingWeekends: [] });
  assert.not.ok(own.isWorkingDay(20260101));
  assert.ok(own.isWorkingDay(20250102));
  // an explicit make-up working day wins over the fixed rule
  const mk = new BureauCalendar({ holidays: [], workingWeekends: ['2027-10-02'] });
  assert.ok(mk.isWorkingDay(20271002));
});

test.run();
