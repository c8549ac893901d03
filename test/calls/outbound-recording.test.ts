// 全程录音 of calls an agent places (issue 11: every conversation recorded):
// 座席呼出 on an outbound trunk and 呼叫班长 between two stations each get one
// stereo recording, the far party on the left and the placing agent on the
// right, indexed with direction outbound / internal, the numbers and the
// agents, and listed in the call record. Checked by correlation on the sim
// board: each side holds what that party said, and not the other's words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import type { RecordingEntry } from '../../src/recording/types.ts';
import { SimStation } from '../../src/calls/sim-station.ts';
import { channelOf, readWav } from '../board/helpers.ts';
import { agentHarness, prompt, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

async function entryOf(callId: string): Promise<RecordingEntry> {
  const e = h.engine;
  const rec = await e.store.getCallRecord(callId);
  assert.ok(rec, 'a call record');
  assert.is(rec!.recordingIds.length, 1, `the call record lists its recording: ${rec!.recordingIds}`);
  const entry = await h.indexed(rec!.recordingIds[0]);
  assert.ok(entry, 'indexed once durable');
  return entry!;
}

/** The far party's words on the left only, the agent's on the right only. */
function checkSides(entry: RecordingEntry, farSaid: string, agentSaid: string): void {
  const e = h.engine;
  const wav = readWav(recordingPath(e.dataDir, entry.id));
  assert.is(wav.channels, 2);
  const left = channelOf(wav.samples, 0, 2);
  const right = channelOf(wav.samples, 1, 2);
  const at = (x: Int16Array, id: string) => findPrompt(x, prompt(e, 'zh', id)).score;
  assert.ok(at(left, farSaid) > 0.8, `the far party on the left (${at(left, farSaid).toFixed(2)})`);
  assert.ok(at(right, farSaid) < 0.5, `the far party not on the right (${at(right, farSaid).toFixed(2)})`);
  assert.ok(at(right, agentSaid) > 0.8, `the agent on the right (${at(right, agentSaid).toFixed(2)})`);
  assert.ok(at(left, agentSaid) < 0.5, `the agent not on the left (${at(left, agentSaid).toFixed(2)})`);
}

test('座席呼出 on an outbound trunk: one stereo recording, consumer left, agent right, direction outbound, in the call record', async () => {
  h = await agentHarness(roster(3, 'linear'), { recordCalls: true });
  const e = h.engine;
  const a1 = h.stations[0];
  const consumer = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/consumer' });
  h.login('1001');
  let callId = '';
  await h.run(
    (async () => {
      await a1.liftHandset();
      await h.sleep(300);
      const placed = e.core.outbound!.place('1001', { number: '13811112222' });
      callId = placed.callId;
      assert.ok(await consumer.waitRing(10_000), 'the consumer\'s phone rings');
      await consumer.liftHandset();
      assert.ok(await placed.connected);
      await h.sleep(200);
      await a1.speak(e.prompts.file('zh', 'kb_office'));
      await consumer.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
      await consumer.hangUp();
      await placed.ended;
    })(),
  );
  await h.run(a1.hangUp());
  const entry = await entryOf(callId);
  assert.is(entry.kind, 'call');
  assert.is(entry.direction, 'outbound');
  assert.is(entry.callId, callId);
  assert.is(entry.calledNumber, '13811112222');
  assert.equal(entry.agents, ['1001']);
  assert.equal(entry.legs?.map((l) => l.kind), ['agent', 'outside'], 'the legs are in the index');
  assert.equal(e.recordings.index.search({ number: '13811112222' }).map((x) => x.id), [entry.id]);
  assert.equal(e.recordings.index.search({ agent: '1001' }).map((x) => x.id), [entry.id]);
  checkSides(entry, 'caller_complaint', 'kb_office');
  consumer.close();
});

test('呼叫班长 between two stations: recorded, the supervisor left, the agent right, direction internal, both in agents', async () => {
  h = await agentHarness(roster(3, 'linear'), { recordCalls: true });
  const e = h.engine;
  h.login('1001');
  const [a1, , sup] = h.stations;
  let callId = '';
  await h.run(
    (async () => {
      const placed = e.core.outbound!.place('1001', { agent: '1003' });
      callId = placed.callId;
      assert.ok(await a1.waitRing(5000));
      await a1.liftHandset();
      assert.ok(await sup.waitRing(5000));
      await sup.liftHandset();
      assert.ok(await placed.connected);
      await h.sleep(200);
      await a1.speak(e.prompts.file('zh', 'kb_returns'));
      await sup.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(200);
      await a1.hangUp();
      await placed.ended;
      await h.sleep(500);
    })(),
  );
  await h.run(sup.hangUp());
  const entry = await entryOf(callId);
  assert.is(entry.direction, 'internal');
  assert.is(entry.callerNumber, '1001');
  assert.is(entry.calledNumber, '1003');
  assert.equal(entry.agents, ['1001', '1003']);
  checkSides(entry, 'kb_warranty', 'kb_returns');
});

test.run();
