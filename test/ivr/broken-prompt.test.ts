// A prompt file broken at run time (a bureau's bad replacement, a disk fault):
// the caller hears the system-error prompt, the message already recorded
// still becomes a case, the call gets its record, and the engine keeps taking
// calls; a WAV replaced by the bureau is played after a flow reload; with no
// SMTP server no e-mail is offered. End to
// end on the simulated board; keys travel as DTMF audio.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { DEFAULT_PROMPTS_DIR } from '../../src/ivr/prompts.ts';
import { readWavSamples } from '../../src/ivr/wav.ts';
import { harness, heardInOrder, promptAudio, type Harness } from './_harness.ts';

let h: Harness;
const logs: string[] = [];
const promptsDir = mkdtempSync(join(tmpdir(), 'hl-ivr-prompts-'));

test.before(async () => {
  cpSync(DEFAULT_PROMPTS_DIR, promptsDir, { recursive: true });
  // The file exists (the flow loads) but is not a WAV any more.
  writeFileSync(join(promptsDir, 'zh', 'record_confirm.wav'), 'not a wav file');
  h = await harness({ promptsDir, log: (l) => logs.push(l) });
});

test.after(async () => {
  await h.close();
  rmSync(promptsDir, { recursive: true, force: true });
});

test('a broken confirm prompt after a mailbox message: system error heard, the message becomes a case, the call has a record', async () => {
  const speech = h.engine.prompts.file('zh', 'caller_mailbox');
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('1');
    await c.hear();
    await c.speak(speech);
    await c.press('#');
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['mailbox_intro', 'beep', 'system_error']);
  assert.is(calls.length, 1, 'one call record');
  assert.is(calls[0].outcome, 'error');
  // The log names the code and the file in a sentence.
  const line = logs.find((l) => l.includes('record_confirm.wav'));
  assert.ok(line, `no log line names the broken file: ${logs.join(' / ')}`);
  assert.match(line!, /: IVR_[A-Z_]+: /);
  assert.is(calls[0].caseNumbers.length, 1, `the recorded message was lost (path ${calls[0].path.join('>')})`);
  const kase = await h.engine.store.getCase(calls[0].caseNumbers[0]);
  assert.is(kase?.kind, 'mailbox');
  const m = findPrompt(readWavSamples(join(h.engine.dataDir, kase!.recordingIds![0])).samples, readWavSamples(speech).samples);
  assert.ok(m.score > 0.9, `the case recording does not hold the message (${m.score.toFixed(3)})`);
  // The engine goes on: the next caller is answered and hears the menu.
  const next = await h.call(async (c) => {
    await c.hear();
  });
  heardInOrder(h.engine, next.heard, ['welcome', 'main_menu']);
});

test('a bureau replaces a WAV and reloads (SIGHUP): the next call plays the new recording', async () => {
  // The "new recording" of the welcome: any other audio will do.
  copyFileSync(join(promptsDir, 'zh', 'kb_office.wav'), join(promptsDir, 'zh', 'welcome.wav'));
  h.engine.flows.reload();
  const { heard } = await h.call(async (c) => {
    await c.hear();
  });
  heardInOrder(h.engine, heard, ['kb_office', 'main_menu']);
  const old = readWavSamples(join(DEFAULT_PROMPTS_DIR, 'zh', 'welcome.wav')).samples;
  const m = findPrompt(heard, old);
  assert.ok(m.score < 0.6, `the caller still heard the replaced welcome (${m.score.toFixed(3)})`);
});

test('no SMTP server configured: a closed case with an address is read back without an e-mail offer that could only fail', async () => {
  const s = h.engine.store;
  const kase = await s.createCase({
    kind: 'complaint',
    channel: 'web',
    complainant: { name: '王五', phone: '13600000000', address: 'wangwu@example.test' },
    business: { name: '某饭店', address: '中山路3号' },
    request: '退款',
    facts: '菜品变质',
  });
  await s.putDepartment({ id: 'd9', name: '消费者权益保护科', head: '王科长' });
  await s.transition(kase.number, { type: 'accept' }, 'a1');
  await s.transition(kase.number, { type: 'dispatch', departments: [{ departmentId: 'd9' }] }, 'a1');
  await s.transition(kase.number, { type: 'start_mediation' }, 'a1');
  await s.transition(kase.number, { type: 'close', result: 'agreement' }, 'a1');
  const { heard, calls } = await h.call(async (c) => {
    await c.hear();
    await c.press('3');
    await c.hear();
    await c.press(`${kase.number}#`);
    await c.hear({ silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['status_is', 'status_closed', 'result_is', 'result_agreement', 'goodbye']);
  assert.ok(findPrompt(heard, promptAudio(h.engine, 'email_offer')).score < 0.6, `offered an e-mail with no SMTP server: ${calls[0].path.join('>')}`);
});

test('a manifest edit that drops a prompt the flow uses: the reload is refused and the prompts in service stay', async () => {
  const path = join(promptsDir, 'manifest.json');
  const good = readFileSync(path, 'utf8');
  const m = JSON.parse(good) as { languages: Record<string, { prompts: Record<string, unknown> }> };
  delete m.languages.zh.prompts.goodbye;
  writeFileSync(path, JSON.stringify(m));
  try {
    const version = h.engine.flows.current.version;
    assert.throws(() => h.engine.flows.reload(), (e: Error & { code?: string }) => e.code === 'IVR_FLOW_INVALID' && /'goodbye'/.test(e.message));
    assert.is(h.engine.flows.current.version, version);
    assert.ok(h.engine.prompts.has('zh', 'goodbye'), 'the refused reload took the goodbye prompt out of service');
  } finally {
    writeFileSync(path, good);
  }
});

test.run();
