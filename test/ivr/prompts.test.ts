// The committed prompts are usable on a fresh machine without espeak-ng or sox:
// every manifest entry is an 8 kHz mono G.711 WAV that lasts and is not silent,
// both languages carry the same fragments, and the WAV reader rejects junk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavSamples, rmsDbfs } from '../../src/dsp/wav.ts';
import { checkPrompts, DEFAULT_PROMPTS_DIR, promptAudio, PromptSet } from '../../src/ivr/prompts.ts';

const prompts = new PromptSet();

test('every prompt file is 8 kHz mono A-law, longer than 0 ms and not silent', () => {
  const report = checkPrompts(prompts.dir, prompts.manifest);
  assert.equal(report.problems, [], `prompt problems: ${report.problems.join('; ')}`);
  assert.ok(Object.keys(report.ms).length >= 200, `only ${Object.keys(report.ms).length} files checked`);
  for (const lang of ['zh', 'en']) {
    const { info, samples } = readWavSamples(prompts.file(lang, 'main_menu'));
    assert.is(info.encoding, 'alaw');
    assert.is(info.rate, 8000);
    assert.ok(info.ms > 3000, `${lang} main menu lasts only ${info.ms} ms`);
    assert.ok(rmsDbfs(samples) > -30, `${lang} main menu RMS ${rmsDbfs(samples)} dBFS`);
  }
});

test('both languages have every fragment the say node and the default flow use', () => {
  const need = ['welcome', 'main_menu', 'goodbye', 'lines_busy', 'number_not_valid', 'status_is', 'beep', 'press'];
  for (let d = 0; d <= 9; d++) need.push(`digit_${d}`);
  for (const s of ['registered', 'accepted', 'not_accepted', 'dispatched', 'mediation', 'verification', 'closed']) need.push(`status_${s}`);
  for (let m = 1; m <= 12; m++) need.push(`month_${m}`);
  for (const lang of ['zh', 'en']) assert.equal(prompts.missing(lang, need), [], `${lang} lacks fragments`);
});

test('digits differ from one another (no two fragments the same file content)', () => {
  const seen = new Set<string>();
  for (let d = 0; d <= 9; d++) {
    const { samples } = readWavSamples(prompts.file('zh', `digit_${d}`));
    const key = Buffer.from(samples.buffer).toString('base64');
    assert.not.ok(seen.has(key), `digit_${d} duplicates another digit`);
    seen.add(key);
  }
});

test('a prompt file that is not RIFF/WAVE is refused with a stable code naming the file', () => {
  const junk = join(mkdtempSync(join(tmpdir(), 'hl-prompt-junk-')), 'junk.wav');
  writeFileSync(junk, 'not a wav file at all');
  try {
    promptAudio(junk);
    assert.unreachable('junk accepted');
  } catch (e) {
    assert.is((e as { code: string }).code, 'IVR_PROMPT_BAD_WAV');
    assert.match((e as Error).message, /junk\.wav/);
  }
});

/** A copy of the prompts folder with its manifest edited; the error PromptSet gives, or null. */
function withManifest(edit: (m: any, dir: string) => void): { code?: string; message: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'hl-manifest-'));
  try {
    cpSync(DEFAULT_PROMPTS_DIR, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    edit(m, dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    new PromptSet(dir);
    return null;
  } catch (e) {
    return e as { code?: string; message: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const shapes: Array<[string, (m: any, dir: string) => void, string, RegExp]> = [
  ['an entry without its file', (m) => delete m.languages.zh.prompts.welcome.file, 'IVR_PROMPT_MANIFEST', /\/languages\/zh\/prompts\/welcome must have required property 'file'/],
  ['a file that is a number', (m) => (m.languages.en.prompts.goodbye.file = 7), 'IVR_PROMPT_MANIFEST', /\/languages\/en\/prompts\/goodbye\/file must be string/],
  ['languages as a list', (m) => (m.languages = [m.languages.zh]), 'IVR_PROMPT_MANIFEST', /\/languages must be object/],
  ['a language named constructor', (m) => (m.languages.constructor = m.languages.en), 'IVR_PROMPT_MANIFEST', /'constructor'/],
  ['a file outside the folder', (m) => (m.languages.zh.prompts.welcome.file = '../../../../etc/passwd'), 'IVR_PROMPT_OUTSIDE', /outside the prompts folder/],
  ['an absolute file', (m) => (m.languages.zh.prompts.welcome.file = '/etc/passwd'), 'IVR_PROMPT_OUTSIDE', /outside the prompts folder/],
  ['a symbolic link out of the folder', (m, dir) => {
    symlinkSync('/etc/hostname', join(dir, 'zh', 'linked.wav'));
    m.languages.zh.prompts.welcome.file = 'zh/linked.wav';
  }, 'IVR_PROMPT_OUTSIDE', /outside the prompts folder/],
  ['a file that is gone', (m) => (m.languages.zh.prompts.welcome.file = 'zh/gone.wav'), 'IVR_PROMPT_MISSING', /gone\.wav/],
];

for (const [name, edit, code, why] of shapes) {
  test(`the manifest is checked, not cast: ${name} → ${code}`, () => {
    const e = withManifest(edit);
    assert.ok(e, 'the manifest was accepted');
    assert.is(e!.code, code, e!.message);
    assert.match(e!.message, why);
  });
}

test('the manifest may carry fields it does not need (a build hash, a generator note)', () => {
  const e = withManifest((m) => {
    m.generated = { by: 'hotline prompts build', at: '2026-12-01' };
    m.languages.zh.hash = 'x';
    m.languages.zh.prompts.welcome.sha256 = 'ab'.repeat(32);
    m.languages.zh.prompts.welcome.generated = true;
  });
  assert.is(e, null, e?.message);
});

test.run();
