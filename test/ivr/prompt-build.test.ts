// `hotline prompts build|check` with the npm speech synthesiser: builds what
// is missing or changed, never overwrites a prompt the bureau replaced, says
// a missing package once, and with no subcommand only prints help.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav } from '../../src/dsp/index.ts';
import { buildPrompts, type BuiltEntry } from '../../src/ivr/prompt-build.ts';
import { checkPrompts, readManifest } from '../../src/ivr/prompts.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'src', 'cli', 'bin.js');

const TEXTS = `languages:
  zh: { voice: cmn-latn-pinyin, speed: 175 }
  en: { voice: en, speed: 175 }
prompts:
  welcome:
    zh: { text: 欢迎致电。, say: "huan1 ying2 zhi4 dian4." }
    en: { text: "Welcome." }
  goodbye:
    zh: { text: 再见。 }
    en: { text: "Goodbye." }
  beep:
    zh: { text: "(tone)", tone: 1000, ms: 300 }
    en: { text: "(tone)", tone: 1000, ms: 300 }
  year:
    zh: { text: 年, say: "nian2" }
    en: { text: "(not used)", skip: true }
`;

function folder(texts = TEXTS): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-prompts-'));
  writeFileSync(join(dir, 'texts.yaml'), texts);
  return dir;
}

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const entry = (dir: string, lang: string, id: string): BuiltEntry => readManifest(dir).languages[lang].prompts[id] as BuiltEntry;

test('hotline prompts with no subcommand prints the help and builds nothing', () => {
  const r = cli(['prompts']);
  assert.is(r.status, 2);
  assert.match(r.err, /subcommands:/);
  assert.match(r.err, /build/);
  assert.match(r.err, /check/);
  assert.not.match(r.out + r.err, /built|IVR_PROMPTS_TOOL|espeak-ng failed/);
  const h = cli(['prompts', 'build', '--help']);
  assert.is(h.status, 0);
  assert.match(h.out, /--dir DIR/);
  assert.match(h.out, /never overwritten/);
});

test('build: every prompt as 8 kHz A-law, with its hash in the manifest; check passes', async () => {
  const dir = folder();
  try {
    const r = await buildPrompts(dir);
    assert.equal(r.failed, []);
    assert.equal(r.built.sort(), ['en/beep.wav', 'en/goodbye.wav', 'en/welcome.wav', 'zh/beep.wav', 'zh/goodbye.wav', 'zh/welcome.wav', 'zh/year.wav']);
    assert.not.ok(existsSync(join(dir, 'en', 'year.wav')), 'a skipped prompt was built');
    for (const f of r.built) {
      const wav = parseWav(readFileSync(join(dir, f)));
      assert.is(wav.encoding, 'alaw', f);
      const e = entry(dir, f.slice(0, 2), f.slice(3, -4));
      assert.ok(e.ms! > 150 && e.ms! < 4000, `${f}: ${e.ms} ms`);
      assert.match(e.sha256 ?? '', /^[0-9a-f]{64}$/);
    }
    assert.is(entry(dir, 'zh', 'beep').ms, 300 + 0);
    assert.equal(checkPrompts(dir, readManifest(dir)).problems, []);
    const again = await buildPrompts(dir);
    assert.is(again.built.length, 0, 'an unchanged prompt was spoken again');
    assert.is(again.upToDate.length, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build never overwrites a prompt the bureau replaced, and says so', async () => {
  const dir = folder();
  try {
    await buildPrompts(dir);
    // The bureau records its own welcome (here: the goodbye file stands in for a studio take).
    const bureau = readFileSync(join(dir, 'en', 'goodbye.wav'));
    writeFileSync(join(dir, 'en', 'welcome.wav'), bureau);
    // A file no build wrote and no manifest lists is the bureau's too.
    const texts = TEXTS.replace('Welcome.', 'Welcome to the hotline.').replace('欢迎致电。, say: "huan1 ying2 zhi4 dian4."', '欢迎致电热线。, say: "huan1 ying2 zhi4 dian4 re4 xian4."') + '  extra:\n    en: { text: "Extra." }\n';
    writeFileSync(join(dir, 'texts.yaml'), texts);
    writeFileSync(join(dir, 'en', 'extra.wav'), bureau);
    const r = await buildPrompts(dir);
    assert.equal(r.kept.sort(), ['en/extra.wav', 'en/welcome.wav']);
    assert.equal(r.built, ['zh/welcome.wav'], 'the changed Mandarin words are spoken again');
    assert.ok(readFileSync(join(dir, 'en', 'welcome.wav')).equals(bureau), 'the bureau recording was overwritten');
    assert.is(entry(dir, 'en', 'welcome').text, 'Welcome to the hotline.');
    assert.ok(entry(dir, 'en', 'extra').ms! > 0);
    // Still kept on the next build.
    const again = await buildPrompts(dir);
    assert.equal(again.kept.sort(), ['en/extra.wav', 'en/welcome.wav']);
    assert.ok(readFileSync(join(dir, 'en', 'welcome.wav')).equals(bureau));
    // The CLI lists them on one line.
    const c = cli(['prompts', 'build', '--dir', dir]);
    assert.is(c.status, 0, c.err);
    assert.match(c.out, /2 kept as the bureau's/);
    assert.match(c.out, /kept \(replaced by the bureau.*\): en\/extra\.wav, en\/welcome\.wav/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing synthesiser package is said once, and nothing is written', () => {
  const dir = folder();
  try {
    const r = cli(['prompts', 'build', '--dir', dir], { HL_TTS_PACKAGE: 'espeak-ng-not-installed' });
    assert.is(r.status, 2);
    assert.is((r.err.match(/TTS_ENGINE_MISSING/g) ?? []).length, 1, r.err);
    assert.match(r.err, /npm install/);
    assert.not.ok(existsSync(join(dir, 'manifest.json')));
    assert.not.ok(existsSync(join(dir, 'zh')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one error shared by many prompts is one line; a bad texts.yaml is refused with its code', () => {
  const dir = folder(TEXTS.replace('en: { voice: en, speed: 175 }', 'en: { voice: nosuchvoice, speed: 175 }'));
  try {
    const r = cli(['prompts', 'build', '--dir', dir]);
    assert.is(r.status, 1);
    const lines = r.err.split('\n').filter((l) => l.includes('TTS_VOICE'));
    assert.is(lines.length, 1, r.err);
    assert.match(lines[0], /2 prompts: en\/goodbye\.wav, en\/welcome\.wav/);
    writeFileSync(join(dir, 'texts.yaml'), 'languages: {zh: {voice: cmn-latn-pinyin}}\nprompts: {}\n');
    const b = cli(['prompts', 'build', '--dir', dir]);
    assert.is(b.status, 2);
    assert.match(b.err, /IVR_PROMPT_TEXTS: .*language 'zh' needs a voice \(text\) and a speed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check still verifies the shipped prompts without any synthesiser', () => {
  const r = cli(['prompts', 'check'], { HL_TTS_PACKAGE: 'espeak-ng-not-installed' });
  assert.is(r.status, 0, r.out + r.err);
  // Every file the shipped manifest lists (the count grows as prompts are added).
  const m = readManifest(join(import.meta.dirname, '..', '..', 'prompts'));
  const files = Object.values(m.languages).reduce((n, l) => n + Object.keys(l.prompts).length, 0);
  assert.ok(files >= 272, `${files} prompts in the manifest`);
  assert.match(r.out, new RegExp(`${files} files checked, 0 problems`));
});

test.run();
