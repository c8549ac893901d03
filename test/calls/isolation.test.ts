// A subscriber that throws takes down neither the engine nor the other calls:
// the error is logged with the call's context (call id, channel, caller) and
// every call still runs to its call record. Covers a direct subscriber of
// calls$ (isolated per subscription) and a piped one (rxjs's unhandled-error
// hook, installed while the engine runs).
import { join } from 'node:path';
import { filter } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/calls/log.ts';
import { drive, SimCaller } from '../../src/calls/sim-caller.ts';
import { harness, type Harness } from '../ivr/_harness.ts';
import { eventually } from '../_wait.ts';

let h: Harness;
let lines: Array<Record<string, unknown>> = [];

test.before.each(async () => {
  lines = [];
  h = await harness({ logger: createLogger({ format: 'json', level: 'warn', write: (l) => lines.push(JSON.parse(l)) }) });
});
test.after.each(async () => {
  await h.close();
});

/** Three callers at once on lines 0-2; each listens to the menu and hangs up. */
async function threeCalls(): Promise<void> {
  const board = h.engine.board;
  const callers = [0, 1, 2].map((i) => new SimCaller(h.engine.networkChannels[i], { dir: join(h.dir, 'c'), callerNumber: `1390000000${i}`, tap: false }));
  const answered = await drive(board, Promise.all(callers.map((c) => c.dial())));
  assert.equal(answered, [true, true, true], 'a caller was not answered');
  await drive(board, Promise.all(callers.map((c) => c.hear())), 120_000, 50, () => h.engine.core.busy());
  await drive(board, Promise.all(callers.map((c) => c.hangup())));
  await drive(board, h.engine.core.idle());
}

/** Waits for `n` error records: rxjs reports a piped subscriber's error on a timer of its own. */
async function errors(n: number): Promise<Array<Record<string, unknown>>> {
  const errs = () => lines.filter((l) => l.level === 'error');
  await eventually(() => errs().length >= n, 30_000, 10);
  return errs();
}

async function allRecorded(): Promise<void> {
  assert.is(h.ended.length, 3, `${h.ended.length} calls ended`);
  for (const c of h.ended) {
    assert.ok(c.path.includes('main'), `call ${c.id} did not reach the menu: ${c.path.join('>')}`);
    assert.ok(await h.engine.store.getCallRecord(c.id), `no call record for ${c.id}`);
  }
}

test('a calls$ subscriber that throws on one call: logged with that call, every call goes on', async () => {
  h.engine.core.calls$.subscribe((e) => {
    if (e.call.callerNumber === '13900000001') throw new Error('a broken hook');
  });
  await threeCalls();
  await allRecorded();
  const errs = await errors(2);
  assert.is(errs.length, 2, `expected the start and end of one call: ${JSON.stringify(errs)}`);
  const bad = h.ended.find((c) => c.callerNumber === '13900000001')!;
  for (const l of errs) {
    assert.is(l.callId, bad.id);
    assert.is(l.channel, bad.channel);
    assert.is(l.caller, '13900000001');
    assert.match(String(l.msg), 'a broken hook');
  }
});

test('a piped subscriber that throws: logged, every call goes on', async () => {
  h.engine.core.calls$.pipe(filter((e) => e.type === 'start')).subscribe((e) => {
    if (e.call.callerNumber === '13900000002') throw new Error('a broken dashboard');
  });
  await threeCalls();
  await allRecorded();
  const errs = await errors(1);
  assert.is(errs.length, 1, JSON.stringify(errs));
  assert.match(String(errs[0].msg), 'a broken dashboard');
});

test.run();
