// A case an agent makes at his seat for the call he is on (case-create with
// the call's id, over the real seat socket of `hotline start`'s openSeats)
// reaches the call: the call record lists it in caseNumbers, and the call's
// recording (全程录音) is found by a recordings search by that case number.
// A second case made in wrap-up, after the call record was written, gets
// there too. Retention 400 days later keeps the recording, and the rolling
// segments of the caller's trunk and the agent's station during the call,
// while the cases are open (legal hold) and deletes them once they are closed.
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openSeats } from '../../src/cli/start-seats.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { channelKey, runRetention } from '../../src/recording/index.ts';
import type { SeatHost } from '../../src/seats/host.ts';
import { complaint } from '../cases/helpers.ts';
import { Client } from '../seats/_harness.ts';
import { agentHarness, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness | undefined;
let seats: SeatHost | null = null;
let client: Client | undefined;
test.after.each(async () => {
  await client?.close();
  client = undefined;
  await seats?.close();
  seats = null;
  await h?.close();
  h = undefined;
});

const PASSWORD = 'correct horse 12315';
const DAY = 86_400_000;

test('cases made at the seat during the call and in wrap-up reach the call record and the recording index; the recording is held while they are open', async () => {
  h = await agentHarness(roster(1, 'linear'), { recordCalls: true, rolling: 'lines', rollingSegmentMs: 3000 });
  const e = h.engine;
  await e.store.putAgent({ id: '1001', name: '话务员一', role: 'agent', password: PASSWORD });
  seats = await openSeats(e, { listen: { host: '127.0.0.1', port: 0 }, public: false }, () => {});
  assert.ok(seats, 'the seat server runs');
  const s = (client = await Client.open(seats!.server.seatUrl));
  assert.ok((await s.ask('login', { agentId: '1001', password: PASSWORD })).ok);
  h.login('1001');
  const [st] = h.stations;
  const c = h.caller(1);
  let callId = '';
  let during = '';
  await h.run(
    (async () => {
      await h!.toStation(c, st);
      await h!.sleep(500);
      callId = e.core.switchboard!.callOf('1001')!.callId;
      const made = await s.ask('case-create', { fields: complaint({ callId, callerNumber: '13912345678' }) });
      assert.ok(made.ok, JSON.stringify(made));
      during = made.result.number;
      // Long enough for the station's rolling segment (3 s, recorded while its port is in use) to be cut during the call.
      await h!.sleep(4000);
    })(),
  );
  await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(st.hangUp());
  await h.run(e.rolling!.settled());
  const summary = h.ended.at(-1)!;
  assert.is(summary.id, callId);
  assert.equal(summary.caseNumbers, [during], 'the call lists the case made during it');
  // Wrap-up: the call record is written; a second case for the same call.
  const late = await s.ask('case-create', { fields: complaint({ callId, callerNumber: '13912345678', facts: '补充：同一来电的第二件投诉。' }) });
  assert.ok(late.ok, JSON.stringify(late));
  const after = late.result.number as string;
  const rec = await e.store.getCallRecord(callId);
  assert.equal(rec?.caseNumbers, [during, after], 'the call record lists both cases');
  assert.is(rec?.caseNumber, after);
  const recId = rec!.recordingIds.find((r) => r.startsWith('recordings/calls/'))!;
  assert.ok(recId, 'the call was recorded');
  const entry = await h.indexed(recId);
  assert.ok(entry, 'the recording is indexed');
  for (const n of [during, after]) {
    const found = e.recordings.index.search({ caseNumber: n });
    assert.equal(found.map((x) => x.id), [recId], `recordings search by case ${n} finds the call's recording`);
  }
  // A case naming a call the engine never had: stored, linked to nothing.
  const stray = await s.ask('case-create', { fields: complaint({ callId: 'no-such-call' }) });
  assert.ok(stray.ok);
  assert.equal(e.recordings.index.search({ caseNumber: stray.result.number }), []);
  // 400 days on, case recordings kept 365 days: on legal hold while the cases are open …
  const rules = [{ category: 'case' as const, maxAgeDays: 365 }, { category: 'no-case' as const, maxAgeDays: 180 }];
  const now = entry!.end + 400 * DAY;
  const r = await runRetention({ dataDir: e.dataDir, index: e.recordings.index, store: e.store, rules, now });
  assert.equal(r.held.find((x) => x.id === recId)?.cases.sort(), [during, after].sort());
  const segments = e.recordings.index.search({ kind: 'segment' });
  const trunk = channelKey(e.board.channel(0, 1));
  const station = channelKey(e.core.switchboard!.station('1001')!);
  assert.ok(segments.some((x) => x.channel === trunk) && segments.some((x) => x.channel === station), `segments of the trunk and the station: ${segments.map((x) => x.channel).join(' ')}`);
  assert.equal(segments.filter((x) => !r.held.some((y) => y.id === x.id)).map((x) => x.id), [], 'every segment of the call is held');
  assert.ok(existsSync(recordingPath(e.dataDir, recId)));
  // … and deleted once both are closed.
  assert.ok((await s.ask('case-action', { number: during, action: { type: 'not_accept', reason: '不属于受理范围' } })).ok);
  const one = await runRetention({ dataDir: e.dataDir, index: e.recordings.index, store: e.store, rules, now });
  assert.equal(one.held.find((x) => x.id === recId)?.cases, [after], 'the other case still holds it');
  assert.ok((await s.ask('case-action', { number: after, action: { type: 'not_accept', reason: '不属于受理范围' } })).ok);
  const gone = await runRetention({ dataDir: e.dataDir, index: e.recordings.index, store: e.store, rules, now });
  assert.ok(gone.deleted.some((x) => x.id === recId && x.category === 'case'), 'deleted by age in the case category');
  assert.equal(gone.held, []);
  assert.is(gone.deleted.filter((x) => x.category === 'no-case' && segments.some((y) => y.id === x.id)).length, segments.length, 'the segments go by the no-case rule');
  assert.not.ok(existsSync(recordingPath(e.dataDir, recId)));
});

test.run();
