// The committed prompts are usable on a fresh machine without espeak-ng or sox:
// every manifest entry is an 8 kHz mono G.711 WAV that lasts and is not silent,
// both languages carry the same fragments, and the WAV reader rejects junk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavSamples, rmsDbfs } from '../../src/dsp/wav.ts';
import { checkPrompts, promptAudio, PromptSet } from '../../src/ivr/prompts.ts';

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

test.run();
