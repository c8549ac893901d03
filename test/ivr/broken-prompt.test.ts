// Broken prompt files. A malformed prompt WAV is found when the prompts are
// loaded: the engine refuses to start, and a reload (SIGHUP) refuses it and
// keeps the prompts in service, with IVR_PROMPT_BAD_WAV naming the file and
// the parser's reason (never a raw ERR_OUT_OF_RANGE in every call). A prompt
// file from the store (a knowledge entry's recording) broken at run time: the
// caller hears the system-error prompt, the log names the code and the file,
// and the engine keeps taking calls. A WAV replaced by the bureau is played
// after a reload; with no SMTP server no e-mail is offered. End to end on the
// simulated board; keys travel as DTMF audio.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEngine } from '../../src/calls/engine.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { DEFAULT_PROMPTS_DIR } from '../../src/ivr/prompts.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { harness, heardInOrder, keyThrough, promptAudio, type Harness } from './_harness.ts';

let h: Harness;
const logs: string[] = [];
const promptsDir = mkdtempSync(join(tmpdir(), 'hl-ivr-prompts-'));

test.before(async () => {
  cpSync(DEFAULT_PROMPTS_DIR, promptsDir, { recursive: true });
  // Not in the manifest: a knowledge entry's recording, read when a caller asks for it.
  writeFileSync(join(promptsDir, 'zh', 'kb_broken.wav'), 'not a wav file');
  h = await harness({ promptsDir, log: (l) => logs.push(l) });
  await h.engine.store.putKnowledge({ id: 'kb-broken', category: 'faq', title: '坏文件', text: '坏文件', promptFile: 'zh/kb_broken.wav', menuCode: '4' });
});

test.after(async () => {
  await h.close();
  rmSync(promptsDir, { recursive: true, force: true });
});

/** A-law header (RIFF, fmt, data) for `data` bytes, fields overridable. */
function alaw(o: { channels?: number; rate?: number; align?: number; dataSize?: number; data?: number; fmtSize?: number } = {}): Buffer {
  const data = o.data ?? 800;
  const fmtSize = o.fmtSize ?? 16;
  const b = Buffer.alloc(12 + 8 + fmtSize + 8 + data, 0xd5);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(b.length - 8, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(fmtSize, 16);
  const f = Buffer.alloc(16);
  f.writeUInt16LE(6, 0);
  f.writeUInt16LE(o.channels ?? 1, 2);
  f.writeUInt32LE(o.rate ?? 8000, 4);
  f.writeUInt32LE((o.rate ?? 8000) * (o.align ?? 1), 8);
  f.writeUInt16LE(o.align ?? 1, 12);
  f.writeUInt16LE(8, 14);
  f.copy(b, 20, 0, Math.min(16, fmtSize));
  b.write('data', 20 + fmtSize, 'latin1');
  b.writeUInt32LE(o.dataSize ?? data, 24 + fmtSize);
  return b;
}

const malformed: Array<[string, Buffer, RegExp]> = [
  ['text', Buffer.from('not a wav file'), /HL_EWAV_NOT_WAV.*RIFF\/WAVE/],
  ['no channels', alaw({ channels: 0 }), /HL_EWAV_CHANNELS.*0 channels/],
  ['16 kHz', alaw({ rate: 16000 }), /HL_EWAV_RATE.*16000 Hz/],
  ['stereo', alaw({ channels: 2, align: 2, data: 1600 }), /2 channels; a prompt must be mono/],
  ['fmt cut to 4 bytes', alaw({ fmtSize: 4 }), /HL_EWAV_CHUNK.*fmt chunk is 4 bytes/],
  ['data longer than the file', alaw({ dataSize: 80000 }), /HL_EWAV_TRUNC.*80000 bytes/],
  ['empty data', alaw({ data: 0 }), /holds no samples/],
];

for (const [name, bytes, why] of malformed) {
  test(`a malformed prompt WAV (${name}) refuses to start: IVR_PROMPT_BAD_WAV naming the file and the reason`, async () => {
    const bad = mkdtempSync(join(tmpdir(), 'hl-ivr-badwav-'));
    try {
      cpSync(DEFAULT_PROMPTS_DIR, join(bad, 'prompts'), { recursive: true });
      writeFileSync(join(bad, 'prompts', 'zh', 'record_confirm.wav'), bytes);
      let err: (Error & { code?: string }) | undefined;
      try {
        const e = await openEngine({ promptsDir: join(bad, 'prompts'), dataDir: join(bad, 'data'), mode: 'stepped' });
        await e.close();
      } catch (x) {
        err = x as Error & { code?: string };
      }
      assert.ok(err, 'the engine started with a malformed prompt');
      assert.is(err!.code, 'IVR_PROMPT_BAD_WAV', err!.message);
      assert.match(err!.message, /zh\/record_confirm\.wav/);
      assert.match(err!.message, why);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
}

test('a stored prompt broken at run time: system error heard, the log names the code and the file, the engine goes on', async () => {
  const { heard, calls } = await h.call(async (c) => {
    await keyThrough(c, ['4', '4'], { silenceMs: 2500 });
  });
  heardInOrder(h.engine, heard, ['consult_intro', 'system_error']);
  assert.is(calls.length, 1, 'one call record');
  assert.is(calls[0].outcome, 'error');
  const line = logs.find((l) => l.includes('kb_broken.wav'));
  assert.ok(line, `no log line names the broken file: ${logs.join(' / ')}`);
  assert.match(line!, /: IVR_PROMPT_BAD_WAV: .*no RIFF\/WAVE signature/);
  const next = await h.call(async (c) => {
    await c.hear();
  });
  heardInOrder(h.engine, next.heard, ['welcome', 'main_menu']);
});

test('a malformed WAV at reload (SIGHUP): refused with IVR_PROMPT_BAD_WAV, the prompts in service stay', async () => {
  const file = join(promptsDir, 'zh', 'welcome.wav');
  const good = readFileSync(file);
  writeFileSync(file, alaw({ channels: 0 }));
  try {
    const version = h.engine.flows.current.version;
    assert.throws(() => h.engine.flows.reload(), (e: Error & { code?: string }) => e.code === 'IVR_PROMPT_BAD_WAV' && e.message.includes(file) && /0 channels/.test(e.message));
    assert.is(h.engine.flows.current.version, version);
    const { heard } = await h.call(async (c) => {
      await c.hear();
    });
    heardInOrder(h.engine, heard, ['welcome', 'main_menu']);
  } finally {
    writeFileSync(file, good);
  }
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
    await keyThrough(c, ['3', `${kase.number}#`], { silenceMs: 2500 });
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
