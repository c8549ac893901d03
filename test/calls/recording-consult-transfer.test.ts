// 全程录音 from the first prompt to the end of an attended transfer (issue 11:
// "FreeSWITCH loses the recording on an attended transfer"), on the sim board
// by correlation: the IVR (welcome, main menu), the queue (the position
// announcement and music on hold while no agent is ready), agent 1001
// talking, 1001 consulting 1002 (the caller on hold; the two agents talk
// privately), consult-complete (the caller now with 1002), hang-up. ONE
// stereo file: the caller's words on the left; on the right, in order, what
// the caller heard or talked with (prompts, announcement, music, 1001, 1002),
// 1002's first words right after the switch whole, and not the private
// consultation the caller could not hear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatedMusic } from '../../src/calls/moh.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { agentHarness, heardIn, oneCallRecording, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('one recording through the IVR, the queue, agent 1001, a consultation with 1002 and consult-complete: every phase the caller heard, in order, nothing lost at the switch', async () => {
  h = await agentHarness(roster(2, 'linear', { announce: { positionFirstMs: 500 } }), { recordCalls: true });
  const e = h.engine;
  const acd = e.core.acd!;
  const ops = e.core.ops!;
  const [a1, a2] = h.stations;
  const c = h.caller(1);
  const f = (id: string) => e.prompts.file('zh', id);
  acd.login('1001'); // not ready: the caller waits in the queue
  let spokeAt = 0;
  let completedAt = 0;
  await h.run(
    (async () => {
      // IVR: welcome and main menu, then 0 for an agent.
      await h.toAgent(c);
      // Queue: the position announcement, then music.
      await h.sleep(14_000);
      acd.setReady('1001');
      assert.ok(await a1.waitRing(5000), '1001 rings');
      await a1.liftHandset();
      await h.sleep(300);
      // Talking with 1001.
      spokeAt = e.board.now();
      await c.speak(f('caller_mailbox'));
      await a1.speak(f('kb_office'));
      // 1001 consults 1002: the caller is held; the agents talk privately.
      acd.login('1002', { ready: true });
      await h.consulted('1001', { agent: '1002' }, a2, '1002 rings for the consultation');
      await h.sleep(200);
      await a2.speak(f('kb_returns'));
      // Complete: caller ↔ 1002, who speaks at once.
      ops.complete('1001');
      completedAt = e.board.now();
      await a2.speak(f('kb_warranty'));
      await c.speak(f('caller_complaint'));
      await h.sleep(300);
    })(),
  );
  assert.ok(completedAt > 0);
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  for (const st of [a1, a2]) await h.run(st.hangUp());
  const { call, entry, left, right } = await oneCallRecording(h);
  assert.equal([...entry.agents].sort(), ['1001', '1002'], 'both agents in the index');
  assert.equal(entry.queue, 'agents');
  assert.equal(entry.gaps, []);
  const rec = await e.store.getCallRecord(call.id);
  assert.equal(rec?.transfers?.map((t) => `${t.from}>${t.to} ${t.kind}`), ['1001>agent:1002 consult']);
  const at = (x: Int16Array, id: string) => findPrompt(x, prompt(e, 'zh', id));
  // The first 2 s of the music (it starts from its beginning after each announcement).
  const music = (generatedMusic().data as Int16Array).subarray(0, 16_000);
  // What the caller heard, from his own phone: the reference.
  const heard = heardIn(callerFile);
  // (The simulated caller's own file begins a few ms after the answer, inside the welcome: its start is checked in the recording only.)
  for (const id of ['main_menu', 'queue_position', 'kb_office', 'kb_warranty']) assert.ok(score(heard, prompt(e, 'zh', id)) > 0.8, `the caller heard ${id}`);
  assert.ok(findPrompt(heard, music).score > 0.8, 'the caller heard music on hold');
  assert.ok(score(heard, prompt(e, 'zh', 'kb_returns')) < 0.5, 'the caller did not hear the consultation');
  // Left: the caller, before and after the switch, and nobody else.
  for (const id of ['caller_mailbox', 'caller_complaint']) {
    assert.ok(at(left, id).score > 0.8, `the caller's ${id} on the left (${at(left, id).score.toFixed(2)})`);
    assert.ok(at(right, id).score < 0.5, `the caller's ${id} not on the right (${at(right, id).score.toFixed(2)})`);
  }
  // Right: IVR, queue (announcement, music), 1001, then 1002 after the switch, in that order.
  const steps = ['welcome', 'main_menu', 'queue_position', 'music', 'kb_office', 'kb_warranty'];
  const seq = steps.map((id) => (id === 'music' ? findPrompt(right, music) : at(right, id)));
  seq.forEach((m, i) => assert.ok(m.score > 0.8, `${steps[i]} on the right (${m.score.toFixed(2)})`));
  for (let i = 1; i < seq.length; i++) assert.ok(seq[i - 1].pos < seq[i].pos, `${steps[i - 1]} before ${steps[i]} (${seq[i - 1].pos} < ${seq[i].pos})`);
  for (const id of ['welcome', 'main_menu', 'kb_office', 'kb_warranty']) assert.ok(at(left, id).score < 0.5, `${id} not on the caller's side`);
  // The private consultation is not in the caller's recording.
  assert.ok(at(right, 'kb_returns').score < 0.5, `kb_returns (not heard by the caller) not recorded (${at(right, 'kb_returns').score.toFixed(2)})`);
  // Nothing lost through the hold, the consultation and the switch: from the caller's first words to 1002's,
  // spoken at consult-complete, the file holds exactly the board time between them (8 samples a ms).
  const inFile = (seq[5].pos - at(left, 'caller_mailbox').pos) / 8;
  assert.ok(Math.abs(inFile - (completedAt - spokeAt)) <= 40, `${inFile} ms in the file between the caller's first words and 1002's, ${completedAt - spokeAt} ms on the board`);
});

test.run();
