// The caller hangs up in every node of the 12315 flow (mid-prompt, mid-menu,
// mid-recording, mid-collect, mid-survey): every call still ends with exactly
// one call record, nothing is left pending (line operations, subscriptions,
// timers on the board scheduler), and every recording file on disk belongs to
// a call record. A caller who hangs up while recording a complaint still gets
// a case (the flow's onHangup path).
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimCaller } from '../../src/calls/sim-caller.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { filesIn, harness, type Harness } from '../ivr/_harness.ts';

// A fresh engine per test: each walk stands alone.
let h: Harness;
test.before.each(async () => {
  h = await harness();
});
test.after.each(async () => {
  await h.close();
});

/** Every recording file on disk belongs to a call record (no orphans); returns how many there are. */
async function noOrphans(): Promise<number> {
  const referenced = new Set<string>();
  for (const c of h.ended) {
    const rec = await h.engine.store.getCallRecord(c.id);
    rec?.recordingIds.forEach((r) => referenced.add(r));
  }
  const files = filesIn(join(h.engine.dataDir, 'recordings')).map((f) => join('recordings', f));
  for (const f of files) assert.ok(referenced.has(f), `orphan recording ${f}`);
  return files.length;
}

// Keys (heard to the end of the prompt first), '!keys' (keyed at once, e.g.
// the # that ends a recording), 'speak', or 'wait' (listen to the end of the prompt).
type Step = string;

/** Plays the steps, each followed by listening to the whole answer, then listens 700 ms into the next prompt and hangs up. */
function walk(steps: Step[]): (c: SimCaller) => Promise<void> {
  return async (c) => {
    for (const s of steps) {
      if (s === 'wait') await c.hear();
      else if (s === 'speak') await c.speak(h.engine.prompts.file('zh', 'caller_complaint'));
      else if (s.startsWith('!')) await c.press(s.slice(1));
      else {
        await c.hear();
        await c.press(s);
      }
    }
    await c.hear({ maxMs: 700 });
  };
}

const WALKS: Array<[string, Step[], string]> = [
  ['welcome prompt', [], 'welcome'],
  ['main menu', ['wait'], 'main'],
  ['complaint kind menu', ['2'], 'complaint_kind'],
  ['complaint record prompt', ['2', '1'], 'complaint_record'],
  ['complaint recording', ['2', '1', 'wait', 'speak'], 'complaint_record'],
  ['complaint number read-back', ['2', '1', 'wait', 'speak', '!#'], 'complaint_number'],
  ['mailbox recording', ['1', 'wait', 'speak'], 'mailbox'],
  ['mailbox confirm menu', ['1', 'wait', 'speak', '!#'], 'mailbox'],
  ['mailbox callback collect', ['1', 'wait', 'speak', '!#', '3'], 'mailbox_callback'],
  ['mailbox reply menu', ['1', 'wait', 'speak', '!#', '3', '13800138000#'], 'mailbox_reply'],
  ['query collect', ['3'], 'query'],
  ['query half-keyed number', ['3', '2026'], 'query'],
  ['consult menu', ['4'], 'consult'],
  ['consult item', ['4', '3'], 'consult'],
  ['survey first question', ['5'], 'survey'],
  ['survey second question', ['5', '1'], 'survey'],
  ['lines busy / agent message', ['0'], 'agent_queue'],
];

for (const [name, steps, node] of WALKS) {
  test(`hang up in ${name} → one call record, no leak`, async () => {
    const { calls } = await h.call(walk(steps));
    assert.is(calls.length, 1, 'expected exactly one call');
    const c = calls[0];
    assert.ok(c.path.includes(node), `the call never reached ${node}: ${c.path.join('>')}`);
    const rec = await h.engine.store.getCallRecord(c.id);
    assert.ok(rec, `no call record for ${c.id}`);
    assert.equal(rec!.ivrPath, c.path);
    assert.ok(['caller_hangup', 'ivr_only'].includes(rec!.outcome ?? ''), `outcome ${rec!.outcome}`);
    const st = h.engine.core.stats();
    assert.is(st.active, 0, 'a call is still active');
    assert.is(st.pendingOps, 0, 'line operations left pending');
    assert.is(st.liveSubscriptions, 0, 'per-call subscriptions left open');
    assert.is(st.liveTimers, 0, 'a watchdog timer is still scheduled on the board clock');
    await noOrphans();
    if (name === 'complaint recording' || name === 'complaint number read-back' || name === 'mailbox recording') {
      assert.is(c.caseNumbers.length, 1, 'hanging up after speaking should still register the complaint');
      const kase = await h.engine.store.getCase(c.caseNumbers[0]);
      assert.is(kase!.recordingIds!.length, 1);
      // The caller spoke, then hung up: the recording holds what was said.
      const rec = readWavSamples(join(h.engine.dataDir, kase!.recordingIds![0])).samples;
      const said = readWavSamples(h.engine.prompts.file('zh', 'caller_complaint')).samples;
      const m = findPrompt(rec, said);
      assert.ok(m.score > 0.9, `the recording of a caller who hung up does not hold the speech (${m.score.toFixed(3)})`);
    }
    if (name === 'survey second question') {
      const tally = await h.engine.store.surveyTally('satisfaction');
      assert.ok(tally.counts.q_satisfied?.['1'] >= 1, 'the answer given before hanging up was not stored');
    }
  });
}

test('a call in progress holds exactly one board timer (its watchdog), released at the end', async () => {
  const { calls } = await h.call(async () => {
    const st = h.engine.core.stats();
    assert.is(st.active, 1);
    assert.is(st.liveTimers, 1, 'the counting scheduler does not see the watchdog');
  });
  assert.is(calls.length, 1);
  assert.is(h.engine.core.stats().liveTimers, 0);
});

test('the walks that spoke keep their recordings, and only those (no orphans)', async () => {
  for (const [name, steps] of WALKS.filter(([n]) => ['complaint recording', 'complaint number read-back', 'mailbox recording'].includes(n))) {
    const { calls } = await h.call(walk(steps));
    assert.is(calls[0].recordings.length, 1, `${name}: ${calls[0].recordings.length} recordings kept`);
  }
  assert.is(await noOrphans(), 3);
});

test.run();
