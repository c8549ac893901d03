// Calls end in a call record when the span fails under them (cable pulled:
// LOS/AIS) and when the watchdog clears a call that runs too long; a flow
// reloaded during a call leaves that call on its flow, and the next call
// takes the new one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { drive, SimCaller } from '../../src/calls/sim-caller.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { DEFAULT_FLOW_FILE } from '../../src/ivr/flow.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { harness, heardInOrder, promptAudio, type Harness } from '../ivr/_harness.ts';

// A fresh engine per test: a pulled cable or a reloaded flow stays in its test.
let h: Harness;
test.before.each(async () => {
  h = await harness();
});
test.after.each(async () => {
  await h.close();
});

test('cable pulled during three calls: each ends with outcome alarm and a call record; calls work again once plugged back', async () => {
  const board = h.engine.board;
  const net = h.engine.networkChannels.slice(0, 3);
  const callers = net.map((ch, i) => new SimCaller(ch, { dir: join(h.dir, 'alarm'), callerNumber: `1380000000${i}`, tap: false }));
  const before = h.ended.length;
  await drive(board, Promise.all(callers.map((c) => c.dial())));
  await board.advance(3000);
  assert.is(h.engine.core.stats().active, 3);
  board.spans[0].setCable(false);
  await drive(board, h.engine.core.idle(), 10_000, 50, () => h.engine.core.busy() || h.engine.core.writing());
  const ended = h.ended.slice(before);
  assert.is(ended.length, 3, `${ended.length} calls ended`);
  for (const c of ended) {
    assert.is(c.outcome, 'alarm', `call ${c.id} ended ${c.outcome}`);
    const rec = await h.engine.store.getCallRecord(c.id);
    assert.ok(rec, `no call record for ${c.id}`);
    assert.is(rec!.outcome, 'alarm');
  }
  const st = h.engine.core.stats();
  assert.is(st.pendingOps, 0);
  assert.is(st.liveSubscriptions, 0);
  await drive(board, Promise.all(callers.map((c) => c.hangup())));
  board.spans[0].setCable(true);
  await board.advance(2000);
  const { calls } = await h.call(async (c) => void (await c.hear()), { channel: 0 });
  assert.is(calls.length, 1);
  assert.ok(calls[0].path.includes('main'), 'the call after the alarm did not reach the menu');
});

test('reload during a call: the call keeps its flow, the next call takes the new one; an invalid file changes nothing', async () => {
  const doc = parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8'));
  doc.nodes.main.keys['4'] = 'goodbye';
  const file = join(h.dir, 'changed.yaml');
  writeFileSync(file, stringify(doc));
  const broken = join(h.dir, 'broken.yaml');
  writeFileSync(broken, 'name: x\nnodes: 5\n');
  const old = h.engine.flows.current;
  const first = await h.call(async (c) => {
    await c.hear();
    assert.throws(() => h.engine.flows.reload(broken), (e: any) => e.code === 'IVR_FLOW_INVALID');
    assert.is(h.engine.flows.current, old);
    h.engine.flows.reload(file);
    await c.press('4');
    await c.hear();
  });
  heardInOrder(h.engine, first.heard, ['main_menu', 'consult_intro']);
  const second = await h.call(async (c) => {
    await c.hear();
    await c.press('4');
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, second.heard, ['main_menu', 'goodbye']);
  assert.ok(findPrompt(second.heard, promptAudio(h.engine, 'consult_intro')).score < 0.6, 'the new call still ran the old flow');
});

test('record confirm: re-record (2), listen (1), keep (3): the case holds the second take only', async () => {
  const firstTake = h.engine.prompts.file('zh', 'caller_mailbox');
  const secondTake = h.engine.prompts.file('zh', 'caller_complaint');
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('1');
    await c.hear();
    await c.speak(firstTake);
    await c.press('#');
    await c.hear();
    await c.press('2');
    await c.hear();
    await c.speak(secondTake);
    await c.press('#');
    await c.hear();
    await c.press('1');
    await c.hear({ silenceMs: 2500 });
    await c.press('3');
    await c.hear();
    await c.press('13800138000#');
    await c.hear();
    await c.press('2');
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['mailbox_intro', 'beep', 'record_confirm', 'mailbox_intro', 'beep', 'record_confirm', 'record_confirm', 'callback_number', 'reply_wanted', 'message_received']);
  // What the caller heard back when listening is the second take.
  const speech2 = readWavSamples(secondTake).samples;
  assert.ok(findPrompt(heard, speech2).score > 0.8, 'the caller did not hear the second take played back');
  const kase = await h.engine.store.getCase(calls[0].caseNumbers[0]);
  assert.is(kase!.recordingIds!.length, 1);
  const rec = readWavSamples(join(h.engine.dataDir, kase!.recordingIds![0])).samples;
  assert.ok(findPrompt(rec, speech2).score > 0.9, 'the kept recording is not the second take');
  assert.ok(findPrompt(rec, readWavSamples(firstTake).samples).score < 0.6, 'the kept recording holds the first take');
  assert.match(kase!.facts ?? '', /reply wanted: no/);
  assert.equal(calls[0].recordings, kase!.recordingIds, 'the discarded take is still listed on the call');
});

test('a call longer than maxCallMs is cleared by the watchdog (board time) with a call record', async () => {
  // An engine of its own with a 20 s limit; the main menu's three rounds with
  // their no-input waits last about 75 s.
  const w = await harness({ maxCallMs: 20_000 });
  try {
  const { calls } = await w.call(async (c) => {
    // Key nothing and keep listening.
    const r = await c.hear({ silenceMs: 30_000, maxMs: 120_000 });
    assert.ok(r.hungUp, 'the IVR did not clear the call');
  });
  assert.is(calls[0].outcome, 'timeout');
  const rec = await w.engine.store.getCallRecord(calls[0].id);
  assert.ok(rec);
  const ms = rec!.endedAt - rec!.startedAt;
  assert.ok(ms >= 20_000 && ms <= 21_000, `call lasted ${ms} ms, the watchdog is 20 s`);
  assert.is(w.engine.core.stats().liveSubscriptions, 0);
  assert.is(w.engine.core.stats().liveTimers, 0, 'the fired watchdog is still counted');
  } finally {
    await w.close();
  }
});

test.run();
