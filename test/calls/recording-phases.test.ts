// 全程录音 across every phase of an agent call (issue 11 "Done when": each
// recording holds what was said on the line, across every call phase), on the
// sim board by correlation: talking with agent 1001 → hold → retrieve →
// consult of an outside party (the caller on hold) → three-way conference →
// the party leaves → 人工转自动 to the survey → hang-up. ONE stereo file:
// the caller's words on the left; on the right what the caller talks with or
// hears (the agent, the conference, the IVR's survey prompt), in order; and
// not what the caller could not hear (the agent's words on hold, the
// consultation between agent and party).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStation } from '../../src/calls/sim-station.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { agentHarness, heardIn, oneCallRecording, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('one recording through talking, hold, consult, conference and back to the IVR: each phase where the caller heard it, nothing he could not hear', async () => {
  h = await agentHarness(roster(1, 'linear'), { recordCalls: true });
  const e = h.engine;
  const sb = e.core.switchboard!;
  const ops = e.core.ops!;
  const a1 = h.stations[0];
  const party = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/party' });
  const c = h.caller(1);
  const f = (id: string) => e.prompts.file('zh', id);
  h.login('1001');
  await h.run(
    (async () => {
      await h.toStation(c, a1, '1001 rings');
      await h.sleep(300);
      // Talking.
      await c.speak(f('caller_mailbox'));
      await a1.speak(f('kb_office'));
      // Hold: the caller hears music; what the agent says meanwhile is not on the line.
      sb.hold('1001');
      await h.sleep(500);
      await a1.speak(f('goodbye'));
      sb.retrieve('1001');
      await h.sleep(300);
      // Consult: the caller is held; agent and party talk privately.
      await h.consulted('1001', { number: '0101' }, party, 'the party rings');
      await h.sleep(200);
      await party.speak(f('kb_returns'));
      // Conference: all three.
      assert.is(ops.conference('1001').parties, 3);
      await h.sleep(200);
      await party.speak(f('kb_warranty'));
      await c.speak(f('caller_complaint'));
      await party.hangUp();
      await h.sleep(1500);
      // 人工转自动: back to the IVR's survey.
      ops.toIvr('1001', 'survey');
      await c.hear({ maxMs: 8000 });
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(a1.hangUp());
  const { left, right } = await oneCallRecording(h);
  const at = (x: Int16Array, id: string) => findPrompt(x, prompt(e, 'zh', id));
  // What the caller heard, from his own phone: the reference for the right side.
  const heard = heardIn(callerFile);
  for (const id of ['kb_office', 'kb_warranty', 'survey_intro']) assert.ok(score(heard, prompt(e, 'zh', id)) > 0.8, `the caller heard ${id}`);
  for (const id of ['goodbye', 'kb_returns']) assert.ok(score(heard, prompt(e, 'zh', id)) < 0.5, `the caller did not hear ${id}`);
  // Left: the caller, every time he spoke, and nobody else.
  for (const id of ['caller_mailbox', 'caller_complaint']) {
    assert.ok(at(left, id).score > 0.8, `the caller's ${id} on the left (${at(left, id).score.toFixed(2)})`);
    assert.ok(at(right, id).score < 0.5, `the caller's ${id} not on the right (${at(right, id).score.toFixed(2)})`);
  }
  // Right: agent (talking), party (conference), survey (back in the IVR), in that order.
  const seq = ['kb_office', 'kb_warranty', 'survey_intro'].map((id) => at(right, id));
  seq.forEach((m, i) => assert.ok(m.score > 0.8, `phase ${i + 1} on the right (${m.score.toFixed(2)})`));
  assert.ok(seq[0].pos < seq[1].pos && seq[1].pos < seq[2].pos, 'in the order of the call');
  for (const id of ['kb_office', 'kb_warranty', 'survey_intro']) assert.ok(at(left, id).score < 0.5, `${id} not on the caller's side`);
  // Not on the line for the caller: the agent on hold, the private consultation.
  for (const id of ['goodbye', 'kb_returns']) assert.ok(at(right, id).score < 0.5, `${id} (not heard by the caller) not recorded (${at(right, id).score.toFixed(2)})`);
  party.close();
});

test.run();
