// The correlation the end-to-end tests rely on finds a prompt where it was
// played, rejects one that was not, and reads back a digit sequence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findPrompt, readSequence } from '../../src/ivr/audio-match.ts';
import { PromptSet } from '../../src/ivr/prompts.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';

const prompts = new PromptSet();
const load = (id: string) => readWavSamples(prompts.file('zh', id)).samples;

function line(parts: Int16Array[], gapSamples: number, seed = 1): Int16Array {
  const total = parts.reduce((a, p) => a + p.length + gapSamples, gapSamples);
  const out = new Int16Array(total);
  let x = seed;
  for (let i = 0; i < total; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = ((x >> 16) % 200) - 100; // line noise about -50 dBFS
  }
  let at = gapSamples;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[at + i] += p[i];
    at += p.length + gapSamples;
  }
  return out;
}

test('a prompt is found where it was played, and a prompt not played scores low', () => {
  const heard = line([load('welcome'), load('main_menu')], 4000);
  const m = findPrompt(heard, load('main_menu'));
  assert.is(m.pos, 4000 + load('welcome').length + 4000);
  assert.ok(m.score > 0.99, `score ${m.score}`);
  const absent = findPrompt(heard, load('goodbye'));
  assert.ok(absent.score < 0.6, `goodbye was not played but scored ${absent.score}`);
});

test('digits played back to back are read in order', () => {
  const number = '20260315000123';
  const heard = line([load('case_number_is'), ...number.split('').map((d) => load(`digit_${d}`))], 0);
  const frags = new Map<string, Int16Array>();
  for (let d = 0; d <= 9; d++) frags.set(String(d), load(`digit_${d}`));
  const start = findPrompt(heard, load('case_number_is'));
  const r = readSequence(heard, frags, start.pos + load('case_number_is').length, 14);
  assert.is(r.ids.join(''), number);
});

test.run();
