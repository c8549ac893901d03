// Time in real-time mode: timestamps (case numbers, call records, office
// hours) come from the wall clock, read when needed, so a step of the wall
// clock (NTP) moves them with it; intervals (how long a call lasted) are board
// time, which a step does not stretch. Stepped mode keeps its simulated
// calendar whatever the wall clock says. The wall clock is injected.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEngine } from '../../src/calls/engine.ts';
import { drive, SimCaller } from '../../src/calls/sim-caller.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-wall-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const COMPLAINT = { kind: 'complaint', channel: 'web', complainant: { name: '李四', phone: '13700000000', address: '解放路3号' }, business: { name: '某商店', address: '解放路2号' }, request: '换货', facts: '手机屏幕坏了' } as const;

/** Waits (wall time, bounded) for `done()`. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

test('real time: a wall-clock step moves case numbers and call records; call durations stay board time', async () => {
  // The wall clock reads 2027-01-05 10:00 Shanghai and stands still but for
  // the steps the test makes (so every reading can be compared exactly).
  let wall = Date.parse('2027-01-05T10:00:00+08:00');
  const wallClock = () => wall;
  // The clocks only: no call recording or rolling taps adding writer work to this real-time timing check.
  const engine = await openEngine({ dataDir: join(dir, 'rt'), mode: 'realtime', wallClock, recordCalls: false, rolling: 'none' });
  try {
    assert.is(engine.core.now(), wall, 'the engine is not on the wall clock');
    // NTP steps the clock a day and an hour forward.
    wall += 25 * 3_600_000;
    assert.is(engine.core.now(), wall, `after the step the engine reads ${new Date(engine.core.now()).toISOString()}`);
    const kase = await engine.store.createCase({ ...COMPLAINT });
    assert.ok(kase.number.startsWith('20270106'), `case ${kase.number} is not dated by the stepped wall clock`);

    // A call during which the clock steps another hour: the record is dated by
    // the wall clock at its start and lasts what it lasted on the board.
    const ended: string[] = [];
    engine.core.calls$.subscribe((e) => e.type === 'end' && ended.push(e.call.id));
    const caller = new SimCaller(engine.networkChannels[0], { dir: join(dir, 'callers'), callerNumber: '13912345678', tap: false });
    const atDial = wall;
    assert.ok(await caller.dial(), 'the IVR did not answer');
    const b0 = engine.board.now();
    wall += 3_600_000;
    await new Promise((r) => setTimeout(r, 300));
    await caller.hangup();
    const b1 = engine.board.now();
    await engine.core.idle();
    await until(() => ended.length === 1, 5000);
    assert.is(ended.length, 1, 'the call did not end');
    const rec = (await engine.store.getCallRecord(ended[0]))!;
    assert.ok(rec, 'no call record');
    assert.is(rec.startedAt, atDial, `call started ${new Date(rec.startedAt).toISOString()}, the wall clock read ${new Date(atDial).toISOString()}`);
    // Board time from the seizure to the record: at least the answered part,
    // and nothing like the hour the wall clock stepped during the call.
    const lasted = rec.endedAt - rec.startedAt;
    assert.ok(lasted >= b1 - b0 && lasted < b1 - b0 + 10_000, `the call lasted ${lasted} ms on its record, ${b1 - b0} ms on the board from answer to hang-up`);
  } finally {
    await engine.close();
  }
});

test('stepped mode keeps its simulated calendar, whatever the wall clock says', async () => {
  const engine = await openEngine({ dataDir: join(dir, 'st'), mode: 'stepped', epochAtZero: Date.parse('2026-03-16T10:00:00+08:00'), wallClock: () => 0 });
  try {
    await engine.board.advance(1000);
    assert.is(engine.core.now(), Date.parse('2026-03-16T10:00:01+08:00'));
    const kase = await drive(engine.board, engine.store.createCase({ ...COMPLAINT }));
    assert.ok(kase.number.startsWith('20260316'), kase.number);
  } finally {
    await engine.close();
  }
});

test.run();
