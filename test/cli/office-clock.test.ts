// hotline start --demo-agents: outside office hours the engine's clock moves to
// the next time the 12315 flow's `agent` node is open, so callers who press 0
// reach the demo agents whatever the hour (the lunch break 12:00–13:30 closes
// the queue too: a run at 12:11 Beijing time once sent every caller to the
// night service).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { officeClockShift } from '../../src/cli/commands/start.ts';
import { BureauCalendar } from '../../src/cases/calendar.ts';

const cal = new BureauCalendar();
/** Beijing wall time → epoch ms. */
const bj = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h - 8, mi);
const lands = (now: number) => new Date(now + officeClockShift(cal, now) + 8 * 3_600_000).toISOString().slice(0, 16);

test('inside the morning or afternoon span of a working day the clock stays', () => {
  assert.is(officeClockShift(cal, bj(2026, 12, 3, 9, 0)), 0);
  assert.is(officeClockShift(cal, bj(2026, 12, 3, 10, 59)), 0);
  assert.is(officeClockShift(cal, bj(2026, 12, 3, 15, 0)), 0);
});

test('the lunch break, the evening, the early morning and the weekend move to the next open span', () => {
  assert.is(lands(bj(2026, 12, 3, 12, 11)), '2026-12-03T14:30', 'lunch break → 14:30 the same day');
  assert.is(lands(bj(2026, 12, 3, 11, 30)), '2026-12-03T14:30', 'too near noon for a demo run');
  assert.is(lands(bj(2026, 12, 3, 7, 30)), '2026-12-03T10:00', 'before the office opens → 10:00');
  assert.is(lands(bj(2026, 12, 3, 17, 45)), '2026-12-04T10:00', 'evening → next morning');
  assert.is(lands(bj(2026, 12, 4, 18, 0)), '2026-12-07T10:00', 'Friday evening → Monday');
  assert.is(lands(bj(2026, 12, 5, 11, 0)), '2026-12-07T10:00', 'Saturday → Monday');
});

test('State Council holidays are skipped (国庆 2026: 1–7 October)', () => {
  assert.is(lands(bj(2026, 9, 30, 18, 0)), '2026-10-08T10:00');
});

test.run();
