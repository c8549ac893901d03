// What the synthesiser is fed (prompts/texts.yaml) reads the intended words:
// espeak-ng reads a run of digits as a cardinal ("12315" → "twelve thousand
// three hundred and fifteen"), while a caller must hear a hotline or case
// number digit by digit; and every Mandarin `say` is pinyin syllables each
// carrying a tone number 1-5 (5 = neutral), which cmn-latn-pinyin needs to
// pick the tone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { DEFAULT_PROMPTS_DIR } from '../../src/ivr/prompts.ts';

interface Entry { text: string; say?: string; voice?: string; tone?: number; skip?: boolean }
const texts = parse(readFileSync(join(DEFAULT_PROMPTS_DIR, 'texts.yaml'), 'utf8')) as {
  languages: Record<string, { voice: string }>;
  prompts: Record<string, Record<string, Entry>>;
};

function spoken(lang: string): Array<{ id: string; voice: string; words: string }> {
  const out: Array<{ id: string; voice: string; words: string }> = [];
  for (const [id, byLang] of Object.entries(texts.prompts)) {
    const e = byLang[lang];
    if (!e || e.skip || e.tone) continue;
    out.push({ id, voice: e.voice ?? texts.languages[lang].voice, words: e.say ?? e.text });
  }
  return out;
}

test('no prompt feeds the synthesiser a run of 3 or more digits (it would read a cardinal)', () => {
  const bad: string[] = [];
  for (const lang of Object.keys(texts.languages)) {
    for (const p of spoken(lang)) if (/\d{3,}/.test(p.words)) bad.push(`${lang}/${p.id}: "${p.words}"`);
  }
  assert.equal(bad, [], `read as cardinals: ${bad.join('; ')}`);
});

test('every Mandarin pinyin text is syllables with tone numbers', () => {
  const bad: string[] = [];
  for (const lang of Object.keys(texts.languages)) {
    for (const p of spoken(lang)) {
      if (p.voice !== 'cmn-latn-pinyin') continue;
      for (const w of p.words.split(/[\s,.?!]+/).filter(Boolean)) if (!/^[a-zü]+[1-5]$/.test(w)) bad.push(`${lang}/${p.id}: '${w}'`);
    }
  }
  assert.equal(bad, [], `not pinyin with a tone: ${bad.join('; ')}`);
});

test.run();
