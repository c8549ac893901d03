// One holiday calendar: the flow's `hours` node opens on the working days of
// the case store's calendar (State Council holidays and make-up days, or the
// bureau's configured ones), so office hours and case deadlines agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BureauCalendar } from '../../src/cases/index.ts';
import { DEFAULT_FLOW_FILE } from '../../src/ivr/flow.ts';
import { isOpen } from '../../src/ivr/interpreter.ts';
import type { FlowNode } from '../../src/ivr/flow-types.ts';
import { harness, keyThrough } from './_harness.ts';

type Hours = Extract<FlowNode, { type: 'hours' }>;
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const node: Hours = { type: 'hours', open: ['08:30-12:00', '13:30-17:30'], openNext: 'a', closedNext: 'b' };
const cal = new BureauCalendar();

test('open in office hours on a working day; closed at lunch, at night, on a weekend', () => {
  assert.ok(isOpen(node, sh('2026-03-16T14:00:00'), cal), 'Monday 14:00 should be open');
  assert.not.ok(isOpen(node, sh('2026-03-16T12:30:00'), cal), 'lunch break should be closed');
  assert.not.ok(isOpen(node, sh('2026-03-16T20:00:00'), cal), 'Monday 20:00 should be closed');
  assert.not.ok(isOpen(node, sh('2026-03-15T10:00:00'), cal), 'Sunday should be closed');
});

test('a make-up working Sunday is open, a holiday weekday is closed (the case calendar decides)', () => {
  // 2026-09-20 is a Sunday worked for the Mid-Autumn/National Day holiday;
  // 2026-10-06 a Tuesday of the National Day holiday; 2026-02-16 a Monday of Spring Festival.
  assert.ok(isOpen(node, sh('2026-09-20T10:00:00'), cal), 'make-up working Sunday 2026-09-20 should be open');
  assert.not.ok(isOpen(node, sh('2026-10-06T10:00:00'), cal), 'holiday Tuesday 2026-10-06 should be closed');
  assert.not.ok(isOpen(node, sh('2026-02-16T10:00:00'), cal), 'Spring Festival Monday 2026-02-16 should be closed');
  // A bureau's own calendar, configured once, is the one the node follows.
  const own = new BureauCalendar({ holidays: ['2026-03-16'], workingWeekends: ['2026-03-15'] });
  assert.not.ok(isOpen(node, sh('2026-03-16T10:00:00'), own));
  assert.ok(isOpen(node, sh('2026-03-15T10:00:00'), own));
});

test('the 12315 flow keeps no calendar of its own: every day of 2026 at 10:00, the agent node and the case calendar agree', () => {
  const flow = parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
  const agent = flow.nodes.agent;
  for (const k of ['holidays', 'workingDays', 'days', 'timeZone']) assert.is(agent[k], undefined, `the agent node still has its own '${k}'`);
  for (let d = 0; d < 365; d++) {
    const t = sh('2026-01-01T10:00:00') + d * 86_400_000;
    assert.is(isOpen(agent as unknown as Hours, t, cal), cal.isWorkingDay(cal.dayKey(t)), new Date(t).toISOString());
  }
});

test('a flow whose hours node lists its own holidays is refused, pointing at the case calendar', async () => {
  const { FlowHost } = await import('../../src/ivr/flow.ts');
  const { PromptSet } = await import('../../src/ivr/prompts.ts');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const doc = parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8'));
  doc.nodes.agent.holidays = ['2026-10-01'];
  const file = join(mkdtempSync(join(tmpdir(), 'hl-hours-')), 'flow.json');
  writeFileSync(file, JSON.stringify(doc));
  try {
    new FlowHost(file, new PromptSet());
    assert.unreachable('a second holiday list was accepted');
  } catch (e) {
    assert.is((e as { code: string }).code, 'IVR_FLOW_INVALID');
    assert.match((e as Error).message, /\/nodes\/agent\/holidays.*calendar/);
  }
});

test('engine: a calendar configured once reaches both the store and the flow (a configured holiday closes the queue)', async () => {
  const h = await harness({ calendar: { holidays: ['2026-03-16'] } });
  try {
    assert.not.ok(h.engine.calendar.isWorkingDay(20260316));
    const { calls } = await h.call(async (c) => {
      await keyThrough(c, ['0']);
    });
    assert.ok(calls[0].path.includes('night'), `path ${calls[0].path.join('>')}: the queue was offered on a configured holiday`);
  } finally {
    await h.close();
  }
});

test.run();
