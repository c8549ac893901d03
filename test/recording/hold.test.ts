// Legal hold beyond the case's own recordingIds (src/recording/hold.ts), on
// real WAV files, a real index and a real case store: the per-call recording
// of a call whose case is open (named by the case's callId, or by the entry's
// caseNumbers), the IVR takes of that call, and the rolling segments that
// overlap the call on its channels (from the call record) survive age and
// quota; once the case is closed they go by the rules like any other.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { entryFor, openRecordingIndex, repairIndex, runRetention, type LmdbRecordingIndex } from '../../src/recording/index.ts';
import { channelKeyOfName } from '../../src/recording/hold.ts';
import { complaint } from '../cases/helpers.ts';
import { data, T0, type Data } from './_fixture.ts';

const DAY = 86_400_000;
const MIN = 60_000;
// Call case 365 days, no case 180: a 400-day-old recording is past both.
const RULES = [
  { category: 'case' as const, maxAgeDays: 365 },
  { category: 'no-case' as const, maxAgeDays: 180 },
];

test('channel names map to the rolling segments\' channel keys', () => {
  assert.is(channelKeyOfName('sim-mixed/0:5'), '0:5');
  assert.is(channelKeyOfName('sim-mixed/1:fxs2'), '1:2');
  assert.is(channelKeyOfName('0:17'), '0:17');
  assert.is(channelKeyOfName('nonsense'), null);
});

/** A data folder with its case store and recording index, closed and removed after `fn`. */
async function withData(fn: (d: Data, index: LmdbRecordingIndex) => Promise<void>): Promise<void> {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  try {
    await fn(d, index);
  } finally {
    await index.close();
    await d.done();
  }
}

test('an open case holds its call\'s recording, takes and overlapping segments past age and quota; closed, they go', () =>
  withData(async (d, index) => {
    const start = T0 - 400 * DAY;
    const end = start + 5 * MIN;
    const agentIn = start + MIN;
    // Call A: the agent made the case at his seat (the case names the call; the index entry names no case).
    const callA = 'a-0-1';
    const recA = `recordings/calls/20250125/${callA}.wav`;
    d.take(recA, 2, end);
    await index.put(entryFor(d.dir, recA, { kind: 'call', callId: callA, channel: '0:5', start, end, legs: [{ kind: 'agent', channel: 'sim-mixed/1:fxs2', agentId: '1001', joinedAt: agentIn, leftAt: end }] }));
    const takeA = `recordings/${callA}-1.wav`;
    d.take(takeA, 1, start + 30_000);
    await index.put(entryFor(d.dir, takeA, { kind: 'ivr-take', callId: callA, start, end: start + 30_000 }));
    await d.store.putCallRecord({ id: callA, startedAt: start, endedAt: end, channel: 'sim-mixed/0:5', ivrPath: ['welcome'], recordingIds: [recA, takeA], outcome: 'agent_hangup', legs: [{ kind: 'caller', channel: 'sim-mixed/0:5', joinedAt: start, leftAt: end }, { kind: 'agent', channel: 'sim-mixed/1:fxs2', agentId: '1001', joinedAt: agentIn, leftAt: end }] });
    const caseA = await d.store.createCase(complaint({ callId: callA }));
    // Call B: the index entry names the open case (made during the call), the case names no call.
    const callB = 'b-0-2';
    const recB = `recordings/calls/20250125/${callB}.wav`;
    d.take(recB, 2, end);
    const caseB = await d.store.createCase(complaint({ callerNumber: '13900139000' }));
    await index.put(entryFor(d.dir, recB, { kind: 'call', callId: callB, channel: '0:6', start, end, caseNumbers: [caseB.number] }));
    // Call C: its case is closed (not accepted): no hold.
    const callC = 'c-0-3';
    const recC = `recordings/calls/20250125/${callC}.wav`;
    d.take(recC, 2, end);
    await index.put(entryFor(d.dir, recC, { kind: 'call', callId: callC, channel: '0:7', start, end }));
    const caseC = await d.store.createCase(complaint({ callId: callC }));
    await d.store.transition(caseC.number, { type: 'not_accept', reason: '不属于受理范围' }, 'a1');
    // Rolling segments: on the trunk of call A during it, on the agent's port during it, on the trunk after it, on another trunk during it.
    const seg = (ch: string, from: number, n: number) => {
      const id = `recordings/segments/20250125/${ch.replace(':', '-')}-${from}-${n}-000.wav`;
      d.take(id, 1, from + 4 * MIN);
      return { id, ch, from };
    };
    const segs = [seg('0:5', start - MIN, 1), seg('1:2', agentIn, 2), seg('0:5', end + MIN, 3), seg('0:9', start, 4)];
    for (const s of segs) await index.put(entryFor(d.dir, s.id, { kind: 'segment', channel: s.ch, start: s.from, end: s.from + 4 * MIN }));
    const lines: string[] = [];
    const r = await runRetention({ dataDir: d.dir, index, store: d.store, rules: RULES, now: T0, log: (l) => lines.push(l) });
    const held = Object.fromEntries(r.held.map((h) => [h.id, h.cases]));
    assert.equal(held, { [recA]: [caseA.number], [takeA]: [caseA.number], [recB]: [caseB.number], [segs[0].id]: [caseA.number], [segs[1].id]: [caseA.number] });
    assert.equal(r.deleted.map((x) => x.id).sort(), [recC, segs[2].id, segs[3].id].sort());
    for (const id of [recA, takeA, recB, segs[0].id, segs[1].id]) assert.ok(existsSync(join(d.dir, id)), `${id} kept`);
    for (const id of [recC, segs[2].id, segs[3].id]) assert.not.ok(existsSync(join(d.dir, id)), `${id} deleted`);
    assert.match(lines.join('\n'), new RegExp(`kept ${recA.replace(/[./]/g, '\\$&')} past its age limit: legal hold, open case ${caseA.number}`));
    // A quota that every held recording exceeds deletes none of them.
    const q = await runRetention({ dataDir: d.dir, index, store: d.store, rules: [{ category: 'case', quotaMB: 0.000001 }, { category: 'no-case', quotaMB: 0.000001 }], now: T0 });
    assert.equal(q.deleted, []);
    assert.is(q.held.length, 5);
    // Call A's recordings are in the 'case' category (its case names the call), so the 365-day rule applies: still past it.
    // Case A and B closed (not accepted): the next run deletes them by age.
    await d.store.transition(caseA.number, { type: 'not_accept', reason: '不属于受理范围' }, 'a1');
    await d.store.transition(caseB.number, { type: 'not_accept', reason: '不属于受理范围' }, 'a1');
    const after = await runRetention({ dataDir: d.dir, index, store: d.store, rules: RULES, now: T0 });
    assert.equal(after.held, []);
    assert.equal(after.deleted.map((x) => `${x.id} ${x.category}`).sort(), [`${recA} case`, `${takeA} case`, `${recB} case`, `${segs[0].id} no-case`, `${segs[1].id} no-case`].sort());
    assert.is(index.count(), 0);
  }));

test('a case of the call younger than the case rule keeps the recording in the case category (not deleted at the no-case age)', () =>
  withData(async (d, index) => {
    // 200 days old: past no-case (180), within case (365). The case names the call only, and is closed.
    const start = T0 - 200 * DAY;
    const id = 'recordings/calls/20250814/d-0-4.wav';
    d.take(id, 1, start + MIN);
    await index.put(entryFor(d.dir, id, { kind: 'call', callId: 'd-0-4', channel: '0:5', start, end: start + MIN }));
    const c = await d.store.createCase(complaint({ callId: 'd-0-4' }));
    await d.store.transition(c.number, { type: 'not_accept', reason: '不属于受理范围' }, 'a1');
    const r = await runRetention({ dataDir: d.dir, index, store: d.store, rules: RULES, now: T0 });
    assert.equal(r.deleted, []);
    assert.equal(r.held, []);
    assert.ok(existsSync(join(d.dir, id)));
  }));

test('a rebuilt index files a call\'s recording under the cases made for that call (case.callId)', () =>
  withData(async (d, index) => {
    const id = 'recordings/calls/20260302/e-0-5.wav';
    d.take(id, 1, T0);
    await d.store.putAgent({ id: '1009', name: '话务员', role: 'agent', password: 'pw-12315-long' });
    const c = await d.store.createCase(complaint({ callId: 'e-0-5', agentId: '1009' }));
    const other = await d.store.createCase(complaint({ callId: 'f-0-6' }));
    const r = await repairIndex({ dataDir: d.dir, index, store: d.store });
    assert.equal(r.added, [id]);
    const e = index.get(id)!;
    assert.is(e.kind, 'call');
    assert.is(e.callId, 'e-0-5');
    assert.equal(e.caseNumbers, [c.number]);
    assert.equal(e.agents, [], 'a case naming the call gives its author no rights to the recording');
    assert.equal(index.search({ caseNumber: c.number }).map((x) => x.id), [id]);
    assert.equal(index.search({ caseNumber: other.number }), []);
  }));

test.run();
