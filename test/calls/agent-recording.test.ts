// 全程录音 wired into the call layer (issue 11): an answered call gets ONE
// stereo recording that follows it from the IVR through the queue, agent 1,
// a blind transfer and agent 2, checked by correlation on the sim board: the
// caller's words on the left, agent 1's then agent 2's on the right; the index
// entry has the call id, the queue and both agents, and the call record lists
// the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { channelOf, readWav } from '../board/helpers.ts';
import { fileComplaint, harness } from '../ivr/_harness.ts';
import { agentHarness, indexedEntry, prompt, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('caller → agent 1001 → blind transfer → agent 1002 → hang-up: one stereo file, caller left, 1001 then 1002 right, indexed with the call and both agents', async () => {
  h = await agentHarness(roster(2, 'linear'), { recordCalls: true });
  const e = h.engine;
  const [a1, a2] = h.stations;
  const c = h.caller(1);
  h.login('1001');
  await h.run(
    (async () => {
      await h.toStation(c, a1, '1001 rings');
      await h.sleep(300);
      await c.speak(e.prompts.file('zh', 'caller_mailbox'));
      await a1.speak(e.prompts.file('zh', 'kb_office'));
      h.login('1002');
      e.core.ops!.transfer('1001', { agent: '1002' });
      assert.ok(await a2.waitRing(10_000), '1002 rings');
      await h.sleep(1000);
      await a2.liftHandset();
      await h.sleep(300);
      await a2.speak(e.prompts.file('zh', 'kb_returns'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
    })(),
  );
  await h.run(a1.hangUp());
  await h.run(c.hangup());
  await h.run(a2.hangUp());
  await h.run(e.core.idle());
  const call = h.ended.at(-1)!;
  const callRecs = call.recordings.filter((id) => id.startsWith('recordings/calls/'));
  assert.is(callRecs.length, 1, `one call recording in the call record: ${call.recordings.join(', ')}`);
  // The entry is written once the file is durable.
  const entry = await h.indexed(callRecs[0]);
  assert.ok(entry, 'indexed');
  assert.is(entry!.kind, 'call');
  assert.is(entry!.callId, call.id);
  assert.is(entry!.queue, 'agents');
  assert.equal(entry!.agents, ['1001', '1002']);
  assert.equal(entry!.legs?.map((l) => [l.kind, l.agentId]), [['caller', undefined], ['agent', '1001'], ['agent', '1002']], 'the legs are in the index');
  assert.equal(e.recordings.index.search({ callId: call.id }).map((x) => x.id), [entry!.id]);
  const record = await e.store.getCallRecord(call.id);
  assert.ok(record?.recordingIds.includes(entry!.id), 'the call record links the recording');

  const wav = readWav(recordingPath(e.dataDir, entry!.id));
  assert.is(wav.channels, 2);
  const left = channelOf(wav.samples, 0, 2);
  const right = channelOf(wav.samples, 1, 2);
  const at = (x: Int16Array, id: string) => findPrompt(x, prompt(e, 'zh', id));
  for (const id of ['caller_mailbox', 'caller_complaint']) {
    assert.ok(at(left, id).score > 0.8, `the caller's ${id} on the left (${at(left, id).score.toFixed(2)})`);
    assert.ok(at(right, id).score < 0.5, `the caller's ${id} not on the right (${at(right, id).score.toFixed(2)})`);
  }
  const one = at(right, 'kb_office');
  const two = at(right, 'kb_returns');
  assert.ok(one.score > 0.8, `1001 on the right (${one.score.toFixed(2)})`);
  assert.ok(two.score > 0.8, `1002 on the right (${two.score.toFixed(2)})`);
  assert.ok(one.pos < two.pos, '1001 before 1002');
  for (const id of ['kb_office', 'kb_returns']) assert.ok(at(left, id).score < 0.5, `${id} not on the caller's side (${at(left, id).score.toFixed(2)})`);
});

test("a complaint left in the IVR: the call's recording is indexed with the case number", async () => {
  const ivr = await harness({ recordCalls: true });
  try {
    const { calls } = await ivr.call((c) => fileComplaint(c, ivr.engine.prompts.file('zh', 'caller_complaint')));
    assert.is(calls[0].caseNumbers.length, 1, 'a case was made');
    const id = calls[0].recordings.find((r) => r.startsWith('recordings/calls/'));
    assert.ok(id, `the call record lists its recording: ${calls[0].recordings.join(', ')}`);
    const entry = await indexedEntry(ivr.engine, id!);
    assert.equal(entry?.caseNumbers, calls[0].caseNumbers);
    assert.equal(ivr.engine.recordings.index.search({ caseNumber: calls[0].caseNumbers[0] }).map((x) => x.id).includes(id!), true, 'found by the case number');
  } finally {
    await ivr.close();
  }
});

test.run();
