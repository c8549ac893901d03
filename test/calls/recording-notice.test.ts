// "This call may be recorded", per queue (issue 11), wired in the call path:
// an announcement is played to the caller in full before the call joins the
// queue (heard even though an agent is free at once); beeps are mixed into
// the bridge with the agent, repeated, the agent still heard under them; a
// queue configured 'none' (or no configuration) tells nothing. Checked on
// what the simulated caller heard: the announcement by correlation (the
// prompt kb_warranty stands in for the bureau's own recording notice), the
// beeps by 1400 Hz tone power.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEngine } from '../../src/calls/engine.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import type { NoticeConfig } from '../../src/recording/notice.ts';
import { sine, tonePowerDb } from '../board/helpers.ts';
import { agentHarness, heardIn, prompt, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

/** A caller reaches agent 1001 (ready at once), who speaks `agentSays` (a prompt id or PCM) and the caller hangs up; returns what the caller heard. */
async function callAgent(recordingNotice: NoticeConfig | undefined, agentSays: string | Int16Array): Promise<Int16Array> {
  h = await agentHarness(roster(1), recordingNotice ? { recordingNotice } : {});
  const e = h.engine;
  h.login('1001');
  const [a1] = h.stations;
  const c = h.caller(1);
  await h.run(
    (async () => {
      await h.toStation(c, a1, '1001 rings');
      await h.sleep(300);
      if (typeof agentSays === 'string') await a1.speak(e.prompts.file('zh', agentSays));
      else await a1.speak({ encoding: 'pcm16', data: agentSays });
      await h.sleep(300);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(a1.hangUp());
  return heardIn(f);
}

const NOTICE = 'kb_warranty';

test('announcement: the caller hears it before the agent, even with an agent free at once', async () => {
  const heard = await callAgent({ agents: { kind: 'announcement', prompt: NOTICE } }, 'kb_office');
  const notice = findPrompt(heard, prompt(h.engine, 'zh', NOTICE));
  const agent = findPrompt(heard, prompt(h.engine, 'zh', 'kb_office'));
  assert.ok(notice.score > 0.8, `the notice heard (${notice.score.toFixed(2)})`);
  assert.ok(agent.score > 0.8, `the agent heard (${agent.score.toFixed(2)})`);
  assert.ok(notice.pos + prompt(h.engine, 'zh', NOTICE).length <= agent.pos, 'whole, before the agent speaks');
});

test("a queue configured 'none' hears nothing, whatever the default; no configuration neither", async () => {
  for (const cfg of [{ default: { kind: 'announcement', prompt: NOTICE }, agents: { kind: 'none' } } as NoticeConfig, undefined]) {
    const heard = await callAgent(cfg, 'kb_office');
    assert.ok(findPrompt(heard, prompt(h.engine, 'zh', 'kb_office')).score > 0.8, 'the call reached the agent');
    const s = findPrompt(heard, prompt(h.engine, 'zh', NOTICE)).score;
    assert.ok(s < 0.5, `no notice (${s.toFixed(2)})`);
    await h.close();
  }
});

// The agent "speaks" a steady 1000 Hz tone for 4.5 s: the beeps (1400 Hz, 400 ms, every 1000 ms) are counted while he is heard.
const SPEECH = sine(1000, 4500, 1500);
function beeps(heard: Int16Array): { count: number; under: number; windows: number } {
  const win = 400; // 50 ms windows
  let count = 0;
  let on = false;
  let under = 0;
  let windows = 0;
  // The conversation: where the agent's steady tone begins (10 windows within 1 dB; the IVR's prompts before it are not steady).
  const lvl = (i: number) => tonePowerDb(heard, 1000, i, i + win);
  let from = 0;
  while (from + 11 * win <= heard.length && !(lvl(from) > -35 && Array.from({ length: 10 }, (_, k) => lvl(from + (k + 1) * win)).every((x) => Math.abs(x - lvl(from)) < 1))) from += win;
  for (let i = from; i + win <= Math.min(heard.length, from + SPEECH.length); i += win) {
    windows++;
    const b = tonePowerDb(heard, 1400, i, i + win) > -35;
    if (b && !on) count++;
    if (b) under = Math.max(under, tonePowerDb(heard, 1000, i, i + win));
    on = b;
  }
  return { count, under, windows };
}

test('beeps: mixed into the bridge and repeated, the agent heard under them; none without the configuration', async () => {
  const on = beeps(await callAgent({ agents: { kind: 'beep', everyMs: 1000 } }, SPEECH));
  assert.ok(on.count >= 4 && on.count <= 6, `a beep each second with the agent (${on.count})`);
  assert.ok(on.under > -45, `the agent is heard under the beeps (${on.under.toFixed(1)} dB)`);
  await h.close();
  const off = beeps(await callAgent(undefined, SPEECH));
  assert.ok(off.windows >= 80, `the conversation was found (${off.windows} windows of 50 ms)`);
  assert.is(off.count, 0, 'no beep');
});

test('a bad configuration is refused before anything opens (REC_NOTICE_INVALID), naming the field or file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-notice-'));
  try {
    const bad = join(dir, 'notice.json');
    for (const [cfg, re] of [
      [{ agents: { kind: 'chime' } }, /agents\.kind must be none, announcement or beep/],
      [{ agents: { kind: 'announcement', file: 'nope.wav' } }, /agents\.file nope\.wav: no such file/],
      ['{ not json', /not JSON/],
    ] as const) {
      writeFileSync(bad, typeof cfg === 'string' ? cfg : JSON.stringify(cfg));
      const err = await openEngine({ dataDir: join(dir, 'data'), mode: 'stepped', recordingNotice: bad }).then(
        (e) => e.close().then(() => null),
        (e: { code?: string; message: string }) => e,
      );
      assert.is(err?.code, 'REC_NOTICE_INVALID');
      assert.match(err!.message, re);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
