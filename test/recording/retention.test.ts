// Retention on real files, a real index and a real case store: by age and by
// quota per category, legal hold for recordings of open cases (read from the
// case store, not the index), the index following deletions, dry runs, the
// schedule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualTimeScheduler } from 'rxjs';
import { checkRetention, entryFor, openRecordingIndex, repairIndex, runRetention, scheduleRetention, type RetentionReport } from '../../src/recording/index.ts';
import { data, T0 } from './_fixture.ts';

const DAY = 86_400_000;

async function setup() {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  d.take('recordings/old-1.wav', 1, T0 - 200 * DAY); // no case, past 180 days
  d.take('recordings/new-1.wav', 1, T0 - 10 * DAY); // no case, young
  d.take('recordings/held-1.wav', 1, T0 - 3000 * DAY); // open case: legal hold
  d.take('recordings/closed-1.wav', 1, T0 - 3000 * DAY); // closed case, past 5 years
  const open = await d.store.createCase({ kind: 'complaint', channel: 'ivr', callerNumber: '13800138000', recordingIds: ['recordings/held-1.wav'], facts: 'x' });
  const closed = await d.store.createCase({ kind: 'consultation', channel: 'hotline', facts: '咨询', answer: '答复', recordingIds: ['recordings/closed-1.wav'] });
  return { d, index, open, closed };
}

test('by age per category; an open case holds its recording; the index follows; a dry run deletes nothing', async () => {
  const { d, index, open, closed } = await setup();
  try {
    assert.is(closed.status, 'closed');
    assert.is.not(open.status, 'closed');
    // Indexed WITHOUT the case links: the hold must come from the case store itself.
    for (const id of ['recordings/old-1.wav', 'recordings/new-1.wav', 'recordings/held-1.wav', 'recordings/closed-1.wav']) await index.put(entryFor(d.dir, id));
    const lines: string[] = [];
    const dry = await runRetention({ dataDir: d.dir, index, store: d.store, now: T0, dryRun: true, log: (l) => lines.push(l) });
    assert.equal(dry.deleted.map((x) => x.id).sort(), ['recordings/closed-1.wav', 'recordings/old-1.wav']);
    assert.ok(existsSync(join(d.dir, 'recordings/old-1.wav')));
    assert.is(index.count(), 4);
    const r = await runRetention({ dataDir: d.dir, index, store: d.store, now: T0, log: (l) => lines.push(l) });
    assert.equal(r.deleted.map((x) => `${x.id} ${x.category} ${x.why}`).sort(), ['recordings/closed-1.wav case age', 'recordings/old-1.wav no-case age']);
    assert.equal(r.held, [{ id: 'recordings/held-1.wav', cases: [open.number] }]);
    assert.not.ok(existsSync(join(d.dir, 'recordings/old-1.wav')));
    assert.not.ok(existsSync(join(d.dir, 'recordings/closed-1.wav')));
    assert.ok(existsSync(join(d.dir, 'recordings/held-1.wav')));
    assert.equal([...index.all()].map((e) => e.id).sort(), ['recordings/held-1.wav', 'recordings/new-1.wav']);
    assert.match(lines.join('\n'), /kept recordings\/held-1.wav past its age limit: legal hold, open case/);
    assert.match(lines.join('\n'), /deleted recordings\/old-1.wav \(no-case, age, 200.0 days old/);
  } finally {
    await index.close();
    await d.done();
  }
});

test('by quota: the oldest go first until the category fits; a held recording is never deleted to make room', async () => {
  const { d, index, open } = await setup();
  try {
    await repairIndex({ dataDir: d.dir, index, store: d.store });
    const bytes = index.get('recordings/new-1.wav')!.bytes;
    // case category: held-1 (open) + closed-1 = 2 files; quota of one file: closed-1 goes, held-1 stays
    // no-case: old-1 + new-1; quota of one file, no age rule: old-1 (older) goes
    const rules = checkRetention([
      { category: 'case', quotaMB: (bytes + 10) / 1e6 },
      { category: 'no-case', quotaMB: (bytes + 10) / 1e6 },
    ]);
    const r = await runRetention({ dataDir: d.dir, index, store: d.store, now: T0, rules });
    assert.equal(r.deleted.map((x) => `${x.id} ${x.why}`).sort(), ['recordings/closed-1.wav quota', 'recordings/old-1.wav quota']);
    assert.ok(existsSync(join(d.dir, 'recordings/held-1.wav')));
    // Quota below one file: only held recordings remain over it, and they stay.
    const r2 = await runRetention({ dataDir: d.dir, index, store: d.store, now: T0, rules: [{ category: 'case', quotaMB: 0.000001 }] });
    assert.equal(r2.deleted, []);
    assert.equal(r2.held, [{ id: 'recordings/held-1.wav', cases: [open.number] }]);
    // Finishing the case (not accepted: terminal) lifts the hold.
    await d.store.transition(open.number, { type: 'not_accept', reason: '不属于受理范围' }, 'a1');
    const r3 = await runRetention({ dataDir: d.dir, index, store: d.store, now: T0, rules: [{ category: 'case', quotaMB: 0.000001 }] });
    assert.equal(r3.deleted.map((x) => x.id), ['recordings/held-1.wav']);
  } finally {
    await index.close();
    await d.done();
  }
});

test('rules are checked: unknown category or field, a non-positive limit, a category twice → REC_RETENTION_INVALID', () => {
  for (const bad of [{}, [{ category: 'all', maxAgeDays: 1 }], [{ category: 'case', maxAgeDays: 0 }], [{ category: 'case', quotaMB: -1 }], [{ category: 'case', maxAge: 3 }], [{ category: 'case' }, { category: 'case' }], [null]]) {
    try {
      checkRetention(bad);
      assert.unreachable(JSON.stringify(bad));
    } catch (e) {
      assert.is((e as { code?: string }).code, 'REC_RETENTION_INVALID', JSON.stringify(bad));
    }
  }
});

test('on a schedule: runs every period on the scheduler it is given, on that scheduler\'s time', async () => {
  const { d, index } = await setup();
  try {
    await repairIndex({ dataDir: d.dir, index, store: d.store });
    const sched = new VirtualTimeScheduler();
    // The scheduler's time 0 is T0 - 0: a recording 200 days old is past the no-case limit.
    const reports: RetentionReport[] = [];
    let ran!: () => void;
    const first = new Promise<void>((res) => (ran = res));
    const sub = scheduleRetention({ dataDir: d.dir, index, store: d.store, scheduler: { now: () => T0 + sched.now(), schedule: sched.schedule.bind(sched) } as never, everyMs: DAY, onReport: (r) => (reports.push(r), ran()) });
    assert.is(reports.length, 0);
    sched.flush();
    await first;
    assert.equal(reports[0].deleted.map((x) => x.id).sort(), ['recordings/closed-1.wav', 'recordings/old-1.wav']);
    sub.unsubscribe();
  } finally {
    await index.close();
    await d.done();
  }
});

test.run();
