// 全程录音 in the mixed layout (hotline start --record-calls mixed): one mono
// file with both sides of the conversation, checked by correlation on the sim
// board: the caller's and the agent's words are both in it, at half the bytes
// per second of the stereo file.
import { statSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { readWav } from '../board/helpers.ts';
import { agentHarness, prompt, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness | undefined;
test.after.each(async () => {
  await h?.close();
  h = undefined;
});

test('mixed: one mono file holds the caller and the agent', async () => {
  const k = (h = await agentHarness(roster(1), { recordCalls: true, callRecordingMode: 'mixed' }));
  const e = k.engine;
  const [a1] = k.stations;
  const c = k.caller(1);
  k.login('1001');
  await k.run(
    (async () => {
      await k.toStation(c, a1, '1001 rings');
      await k.sleep(300);
      await c.speak(e.prompts.file('zh', 'caller_mailbox'));
      await a1.speak(e.prompts.file('zh', 'kb_office'));
      await k.sleep(200);
    })(),
  );
  await k.run(c.hangup());
  await k.run(a1.hangUp());
  await k.run(e.core.idle());
  const call = k.ended.at(-1)!;
  const id = call.recordings.find((r) => r.startsWith('recordings/calls/'));
  assert.ok(id, `the call record lists its recording: ${call.recordings.join(', ')}`);
  const entry = await k.indexed(id!);
  assert.ok(entry, 'indexed');
  const file = recordingPath(e.dataDir, id!);
  const wav = readWav(file);
  assert.is(wav.channels, 1, 'mono');
  for (const p of ['caller_mailbox', 'kb_office']) {
    const m = findPrompt(wav.samples, prompt(e, 'zh', p));
    assert.ok(m.score > 0.8, `${p} in the mixed file (${m.score.toFixed(2)})`);
  }
  const seconds = wav.samples.length / 8000;
  const bytesPerSecond = (statSync(file).size - 44) / seconds;
  assert.ok(bytesPerSecond < 8200, `one A-law channel: ${bytesPerSecond.toFixed(0)} bytes/s`);
});

test.run();
