// Queue figures for `hotline report` from a real LMDB queue log: exact by
// construction (SL, ASA, abandon rate, AHT, occupancy, 话务量 per agent), by
// Beijing day and calendar month (state time split at the month's edge),
// with 同期比; and the real CLI printing them beside the case counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbQueueLog } from '../../src/acd/log.ts';
import { queueReport } from '../../src/acd/report.ts';
import type { AgentState, QueueEvent } from '../../src/acd/types.ts';
import { openCaseStore } from '../../src/cases/index.ts';

/** Beijing wall time → UTC ms. */
const bj = (y: number, mo: number, d: number, h: number, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h - 8, mi, s);
const Q = 'agents';

function state(at: number, agentId: string, from: AgentState, to: AgentState, reason?: string): QueueEvent {
  return { type: 'agent-state', at, agentId, from, to, ...(reason ? { reason } : {}) };
}

/** One answered call: enter, connect after waitS, talk, wrap-up; the agent's states follow. */
function answered(callId: string, agentId: string, enter: number, waitS: number, talkS: number, wrapS: number): QueueEvent[] {
  const c = enter + waitS * 1000;
  const e = c + talkS * 1000;
  const w = e + wrapS * 1000;
  return [
    { type: 'enter', at: enter, queue: Q, callId, priority: 0, position: 1 },
    state(c, agentId, 'ready', 'talking'),
    { type: 'connect', at: c, queue: Q, callId, agentId, waitMs: waitS * 1000, ringMs: 0 },
    { type: 'complete', at: e, queue: Q, callId, agentId, talkMs: talkS * 1000, holdMs: 0, by: 'caller' },
    state(e, agentId, 'talking', 'workingAfterCall'),
    { type: 'wrap-up', at: w, queue: Q, callId, agentId, wrapMs: wrapS * 1000 },
    state(w, agentId, 'workingAfterCall', 'ready'),
  ];
}

function events(): QueueEvent[] {
  const d = (h: number, mi = 0, s = 0) => bj(2026, 3, 5, h, mi, s);
  const ly = (h: number, mi = 0, s = 0) => bj(2025, 3, 5, h, mi, s);
  const evs: QueueEvent[] = [
    // Last year: one call answered in 5 s.
    state(ly(9), '1001', 'loggedOut', 'ready'),
    ...answered('ly1', '1001', ly(10), 5, 60, 0),
    state(ly(11), '1001', 'ready', 'loggedOut'),
    // 5 March 2026: answered in 10 s (180 s talk, 30 s wrap), abandoned after 30 s, answered in 40 s (120 s talk).
    state(d(9), '1001', 'loggedOut', 'ready'),
    ...answered('c1', '1001', d(10), 10, 180, 30),
    { type: 'enter', at: d(10, 10), queue: Q, callId: 'c2', priority: 0, position: 1 },
    { type: 'abandon', at: d(10, 10, 30), queue: Q, callId: 'c2', waitMs: 30_000, position: 1 },
    ...answered('c3', '1001', d(10, 20), 40, 120, 0),
    state(d(11), '1001', 'ready', 'loggedOut'),
    // Agent 1002 ready across the end of March (Beijing midnight), then 30 min not ready (meal).
    state(bj(2026, 3, 31, 23), '1002', 'loggedOut', 'ready'),
    ...answered('c4', '1002', bj(2026, 4, 1, 0, 30), 0, 60, 0),
    state(bj(2026, 4, 1, 1), '1002', 'ready', 'notReady', 'meal'),
    state(bj(2026, 4, 1, 1, 30), '1002', 'notReady', 'loggedOut'),
  ];
  return evs.sort((a, b) => a.at - b.at);
}

async function withLog(fn: (log: LmdbQueueLog, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acd-report-'));
  const log = LmdbQueueLog.open(join(dir, 'acd', 'queue-log'));
  try {
    for (const ev of events()) await log.append(ev);
    await fn(log, dir);
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('one day: SL, ASA, abandon rate, AHT, occupancy and 话务量 exact, with last year beside them', async () => {
  await withLog(async (log) => {
    const r = queueReport((range) => log.events(range), { period: { from: '2026-03-05', to: '2026-03-05' }, compareTo: 'last_year' });
    assert.equal(r.comparePeriod, { from: '2025-03-05', to: '2025-03-05' });
    assert.is(r.rows.length, 1);
    const [row] = r.rows;
    const q = row.queues[Q];
    assert.equal([q.entered, q.answered, q.answeredWithin, q.abandoned, q.handled], [3, 2, 1, 1, 2]);
    assert.is(q.serviceLevel, 0.5);
    assert.is(q.asaMs, 25_000);
    assert.is(q.abandonRate, 1 / 3);
    assert.is(q.ahtMs, (180 + 30 + 120) * 500);
    const a = row.agents['1001'];
    assert.equal([a.answered, a.handled, a.busyMs, a.readyMs], [2, 2, 330_000, 7_200_000 - 330_000]);
    assert.is(a.occupancy, 330 / 7200);
    assert.equal(Object.keys(row.agents), ['1001']);
    const p = row.previous!;
    assert.equal([p.queues[Q].answered, p.queues[Q].serviceLevel, p.agents['1001'].answered], [1, 1, 1]);
    // A T of 45 s counts both answers within it.
    assert.is(queueReport((range) => log.events(range), { period: { from: '2026-03-05', to: '2026-03-05' }, serviceLevelMs: 45_000 }).rows[0].queues[Q].serviceLevel, 1);
  });
});

test('by month and by day: Beijing days, state time split at the month\'s edge, empty buckets kept', async () => {
  await withLog(async (log) => {
    const m = queueReport((range) => log.events(range), { period: { from: '2026-03-01', to: '2026-04-30' }, granularity: 'month' });
    assert.equal(m.rows.map((r) => r.period), ['2026-03', '2026-04']);
    assert.is(m.rows[0].agents['1002'].readyMs, 3_600_000);
    assert.equal([m.rows[1].agents['1002'].readyMs, m.rows[1].agents['1002'].busyMs, m.rows[1].agents['1002'].notReadyByReason], [3_600_000 - 60_000, 60_000, { meal: 1_800_000 }]);
    assert.equal([m.rows[0].queues[Q].answered, m.rows[1].queues[Q].answered], [2, 1]);
    assert.equal([m.total.period, m.total.queues[Q].answered, m.total.queues[Q].entered, m.total.agents['1002'].readyMs], ['total', 3, 4, 2 * 3_600_000 - 60_000]);
    const d = queueReport((range) => log.events(range), { period: { from: '2026-03-04', to: '2026-03-06' }, granularity: 'day' });
    assert.equal(d.rows.map((r) => [r.period, r.queues[Q]?.entered ?? 0]), [['2026-03-04', 0], ['2026-03-05', 3], ['2026-03-06', 0]]);
    // A call at 00:30 Beijing on 1 April is April's, though it is 31 March in UTC.
    const a = queueReport((range) => log.events(range), { period: { from: '2026-03-31', to: '2026-03-31' } });
    assert.is(a.rows[0].queues[Q], undefined);
    for (const bad of [{ from: '2026-02-30', to: '2026-03-01' }, { from: '2026-03-02', to: '2026-03-01' }, { from: 'x', to: '2026-03-01' }]) {
      try {
        queueReport((range) => log.events(range), { period: bad });
        assert.unreachable(JSON.stringify(bad));
      } catch (e) {
        assert.is((e as { code: string }).code, 'CASE_REPORT_INVALID');
      }
    }
  });
});

test('hotline report prints the queue figures beside the case counts (table and JSON) from a log the engine holds open', async () => {
  await withLog(async (_log, dir) => {
    const store = await openCaseStore({ dir: join(dir, 'cases') });
    await store.close();
    const cli = (...args: string[]) => spawnSync(process.execPath, ['src/cli/bin.js', 'report', '--dir', dir, ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..'), timeout: 60_000 });
    const t = cli('--month', '2026-03', '--compare', 'last_year');
    assert.is(t.status, 0, t.stderr);
    assert.match(t.stdout, 'Queue figures 2026-03-01 – 2026-03-31, compared with 2025-03-01 – 2025-03-31');
    assert.match(t.stdout, /agents +3 +2 +50\.0% +25\.0 +1 +33\.3% +165\.0 +1 +\+100\.0% +100\.0%/);
    assert.match(t.stdout, /1001 +2 +2 +165\.0/);
    const j = cli('--month', '2026-03', '--format', 'json', '--service-level', '45');
    assert.is(j.status, 0, j.stderr);
    const out = JSON.parse(j.stdout);
    assert.ok(Array.isArray(out.rows), 'the case report is still there');
    assert.equal([out.queueFigures.serviceLevelMs, out.queueFigures.rows[0].queues[Q].serviceLevel, out.queueFigures.rows[0].agents['1001'].answered], [45_000, 1, 2]);
    // CSV stays the case table alone; a folder without a log prints the case counts only.
    assert.not.match(cli('--month', '2026-03', '--format', 'csv').stdout, 'Queue figures');
    const bad = cli('--month', '2026-03', '--queue-log', join(dir, 'nowhere'));
    assert.is(bad.status, 2);
  });
});

test.run();
