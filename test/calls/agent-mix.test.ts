// Announcements mixed into a bridge (the board's `mix`, issue 11) instead of
// replacing it: 自动报工号 no longer masks the agent's first words, and the
// 呼叫等待 beep no longer masks the caller in the agent's ear. A steady
// 1000 Hz tone stands for the speech that must go on under them (measured
// by tone power inside the announcement / beep, found by correlation).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CALL_WAITING_TONE } from '../../src/calls/call-waiting.ts';
import { buildWav, encodeSamples } from '../../src/dsp/wav.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { sine, tonePowerDb } from '../board/helpers.ts';
import { agentHarness, heardIn, prompt, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

// Quiet (−30 dBFS) so the announcement and the beep are still found by correlation over it.
const TONE = sine(1000, 40_000, 1000);
/** Level of the 1000 Hz "speech" in heard[from, from+n), dB full scale (about −36 when heard through the line; masked: far below −45). */
const speech = (heard: Int16Array, from: number, n: number) => tonePowerDb(heard, 1000, from, from + n);

test('自动报工号 is mixed into the bridge: the caller hears the agent under "1001号话务员为您服务"', async () => {
  h = await agentHarness(roster(1), { announceAgent: true });
  const e = h.engine;
  h.login('1001');
  const [a1] = h.stations;
  const c = h.caller(1);
  await h.run(
    (async () => {
      await h.toStation(c, a1, '1001 rings');
      void a1.speak({ encoding: 'pcm16', data: TONE.subarray(0, 6 * 8000) });
      await h.sleep(6000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(a1.hangUp());
  const heard = heardIn(f);
  const serving = prompt(e, 'zh', 'agent_serving');
  const m = findPrompt(heard, serving);
  assert.ok(m.score > 0.6, `号话务员为您服务 heard (${m.score.toFixed(2)})`);
  const lvl = speech(heard, m.pos, serving.length);
  assert.ok(lvl > -45, `the agent is heard under the announcement (${lvl.toFixed(1)} dB)`);
});

test('the call-waiting beep is mixed into what the agent hears: the caller is not masked', async () => {
  h = await agentHarness(roster(1), { callWaitingTone: true });
  const e = h.engine;
  h.login('1001');
  const a1 = h.stations[0];
  const c1 = h.caller(1);
  const c2 = h.caller(2, '13900000002');
  const toneFile = join(h.dir, 'tone-1000.wav');
  writeFileSync(toneFile, buildWav('pcm16', 1, encodeSamples(TONE, 'pcm16')));
  await h.run(
    (async () => {
      await h.toStation(c1, a1);
      await h.sleep(300);
      void c1.speak(toneFile);
      await h.toAgent(c2);
      await h.sleep(1500);
    })(),
  );
  await h.run(c1.hangup());
  await h.run(c2.hangup());
  await h.run(e.core.idle());
  const heard = heardIn(await h.run(a1.hangUp()));
  const beep = (CALL_WAITING_TONE.data as Int16Array).subarray(0, 800);
  const m = findPrompt(heard, beep);
  assert.ok(m.score > 0.6, `the agent hears the beep (${m.score.toFixed(2)})`);
  const lvl = speech(heard, m.pos, 800);
  assert.ok(lvl > -45, `the caller is heard under the beep (${lvl.toFixed(1)} dB)`);
});

test.run();
