// The queue log on a real LMDB in a temporary folder: every step is there
// after a reopen, an acknowledged event is committed, and the figures
// (service level by Asterisk's two definitions, ASA, abandon rate, AHT,
// occupancy) come out of it, per queue, per agent and by period.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Acd } from '../../src/acd/acd.ts';
import { VirtualClock } from '../../src/acd/clock.ts';
import { figures } from '../../src/acd/figures.ts';
import { LmdbQueueLog } from '../../src/acd/log.ts';
import { refused } from './_harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotline-acd-log-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.is((e as { code?: string }).code, code, String(e));
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('a day of steps survives a reopen in order, and the figures follow from it', async () => {
  const path = join(dir, 'q1');
  let log = LmdbQueueLog.open(path);
  const clock = new VirtualClock(0);
  const acd = new Acd(clock, { agents: [{ id: 'a1' }, { id: 'a2' }], queues: [{ id: 'q', strategy: 'linear', members: [{ agent: 'a1' }, { agent: 'a2' }], ringTimeoutMs: 60_000 }] }, log);
  acd.login('a1', { ready: true });
  acd.login('a2', { ready: true });
  acd.enter('c1', 'q');
  acd.enter('c2', 'q');
  clock.advance(5_000);
  acd.answered('c1', 'a1'); // wait 5 s
  clock.advance(5_000);
  acd.enter('c3', 'q');
  clock.advance(15_000);
  acd.callerHangup('c3'); // abandoned after 15 s
  clock.advance(5_000);
  acd.answered('c2', 'a2'); // wait 30 s
  clock.advance(35_000);
  acd.hold('c1');
  clock.advance(10_000);
  acd.retrieve('c1');
  clock.advance(15_000);
  acd.callerHangup('c1'); // at 90 s: talk 75 s, hold 10 s
  clock.advance(20_000);
  acd.transfer('c2', { external: '12345' }); // at 110 s: talk 80 s
  acd.setNotReady('a2', 'meal');
  clock.advance(100_000);
  await acd.settled();
  await log.close();
  refused(() => [...log.events()], 'ACD_LOG_CLOSED');
  await rejects(log.append({ type: 'refuse', at: 1, queue: 'q', callId: 'x', reason: 'none-ready' }), 'ACD_LOG_CLOSED');

  log = LmdbQueueLog.open(path);
  const evs = [...log.events()];
  const calls = evs.filter((e) => e.type !== 'agent-state').map((e) => `${e.type}:${'callId' in e ? e.callId : ''}`);
  assert.equal(calls, ['enter:c1', 'offer:c1', 'enter:c2', 'offer:c2', 'connect:c1', 'enter:c3', 'abandon:c3', 'connect:c2', 'hold:c1', 'retrieve:c1', 'complete:c1', 'transfer:c2']);
  assert.ok(evs.some((e) => e.type === 'agent-state' && e.to === 'notReady' && e.reason === 'meal'), 'the pause and its reason are logged');
  for (let i = 1; i < evs.length; i++) assert.ok(evs[i].at >= evs[i - 1].at);

  const [all] = figures(log.events(), { serviceLevelMs: 20_000, from: 0, to: 200_000 });
  const q = all.queues.q;
  assert.equal([q.entered, q.answered, q.answeredWithin, q.abandoned, q.abandonedWithin, q.handled, q.transfers], [3, 2, 1, 1, 1, 2, 1]);
  assert.is(q.serviceLevel, 0.5);
  assert.is(q.serviceLevel2, 2 / 3);
  assert.is(q.asaMs, 17_500);
  assert.is(q.pWait, 1);
  assert.is(q.abandonRate, 1 / 3);
  assert.is(q.ahtMs, (75_000 + 10_000 + 80_000) / 2);
  // a1: busy 0–90 s, ready 90–200 s; a2: busy 0–110 s, then not ready (meal).
  assert.equal([all.agents.a1.busyMs, all.agents.a1.readyMs, all.agents.a1.occupancy], [90_000, 110_000, 0.45]);
  assert.equal([all.agents.a2.busyMs, all.agents.a2.readyMs, all.agents.a2.notReadyByReason], [110_000, 0, { meal: 90_000 }]);
  assert.is(all.occupancy, 200_000 / 310_000);

  // By period of 60 s: state time split at the boundaries, calls in the period they happen.
  const per = figures(log.events(), { serviceLevelMs: 20_000, periodMs: 60_000, from: 0, to: 180_000 });
  assert.equal(per.map((p) => p.start), [0, 60_000, 120_000]);
  assert.equal(per.map((p) => p.agents.a1.busyMs), [60_000, 30_000, 0]);
  assert.equal(per.map((p) => p.queues.q?.handled ?? 0), [0, 2, 0]);
  await log.close();
});

test('an acknowledged event is on disk: a second process-like reopen sees it; a bad folder is a catalog error', async () => {
  const path = join(dir, 'q2');
  const log = LmdbQueueLog.open(path);
  await log.append({ type: 'enter', at: 5, queue: 'q', callId: 'c9', priority: 0, position: 1 });
  // Read through a second environment on the same files while the first is open.
  const other = LmdbQueueLog.open(path);
  assert.equal([...other.events()].map((e) => e.type), ['enter']);
  await other.close();
  await log.close();
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  refused(() => LmdbQueueLog.open(join(file, 'log')), 'ACD_LOG_WRITE_FAILED');
});

test('a log that fails under the ACD makes settled() reject with ACD_LOG_WRITE_FAILED; the ACD keeps deciding', async () => {
  const log = LmdbQueueLog.open(join(dir, 'q3'));
  const acd = new Acd(new VirtualClock(0), { agents: [{ id: 'a1' }], queues: [{ id: 'q', strategy: 'linear', members: [{ agent: 'a1' }] }] }, log);
  acd.login('a1', { ready: true });
  await acd.settled();
  await log.close();
  acd.enter('c1', 'q');
  assert.is(acd.agent('a1').state, 'reserved');
  await rejects(acd.settled(), 'ACD_LOG_WRITE_FAILED');
});

test.run();
