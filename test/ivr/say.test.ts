// The say node reads values from prompt fragments in the caller's language;
// every fragment it names must exist in that language's manifest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PromptSet } from '../../src/ivr/prompts.ts';
import { say, sayDate, sayDigits, sayNumber, sayTime } from '../../src/ivr/say.ts';

const prompts = new PromptSet();

test('digits: one fragment per key, * and # named', () => {
  assert.equal(sayDigits('10#'), ['digit_1', 'digit_0', 'digit_hash']);
});

test('Mandarin numbers: 十五, 一百一十五, 两千零二十六, 三万零五, 一万二千', () => {
  assert.equal(sayNumber('zh', 15), ['num_10', 'digit_5']);
  assert.equal(sayNumber('zh', 115), ['num_1', 'num_hundred', 'num_1', 'num_10', 'digit_5']);
  assert.equal(sayNumber('zh', 2026), ['num_2_liang', 'num_thousand', 'digit_0', 'digit_2', 'num_10', 'digit_6']);
  assert.equal(sayNumber('zh', 30005), ['digit_3', 'num_10k', 'digit_0', 'digit_5']);
  assert.equal(sayNumber('zh', 12000), ['num_1', 'num_10k', 'num_2_liang', 'num_thousand']);
  assert.equal(sayNumber('zh', 0), ['digit_0']);
  // 两万两千, not 二万两千; 十二万 keeps 二.
  assert.equal(sayNumber('zh', 22000), ['num_2_liang', 'num_10k', 'num_2_liang', 'num_thousand']);
  assert.equal(sayNumber('zh', 120000), ['num_10', 'digit_2', 'num_10k']);
});

test('English numbers: 15, 115, 2026, 1000000', () => {
  assert.equal(sayNumber('en', 15), ['num_15']);
  assert.equal(sayNumber('en', 115), ['digit_1', 'num_hundred', 'num_15']);
  assert.equal(sayNumber('en', 2026), ['digit_2', 'num_thousand', 'num_20', 'digit_6']);
  assert.equal(sayNumber('en', 1_000_000), ['digit_1', 'num_million']);
});

test('dates and times in both languages (Asia/Shanghai for epoch values)', () => {
  assert.equal(sayDate('zh', '2026-03-15'), ['digit_2', 'digit_0', 'digit_2', 'digit_6', 'date_year', 'month_3', 'num_10', 'digit_5', 'date_day']);
  assert.equal(sayDate('en', '2026-03-21'), ['month_3', 'num_20', 'ord_1', 'digit_2', 'num_thousand', 'num_20', 'digit_6']);
  // 2026-03-15T06:05Z is 14:05 in Shanghai.
  assert.equal(sayTime('en', Date.UTC(2026, 2, 15, 6, 5)), ['digit_2', 'time_oh', 'digit_5', 'time_pm']);
  assert.equal(sayTime('zh', '09:30'), ['time_am', 'digit_9', 'time_hour', 'digit_3', 'num_10', 'time_minute']);
});

test('every fragment named for a range of values exists in its language', () => {
  for (const lang of ['zh', 'en']) {
    const has = (id: string) => prompts.has(lang, id);
    const ids = new Set<string>();
    for (let n = 0; n < 100_000; n += 7) sayNumber(lang, n).forEach((x) => ids.add(x));
    for (let d = 1; d <= 31; d++) sayDate(lang, `2026-01-${String(d).padStart(2, '0')}`).forEach((x) => ids.add(x));
    for (let m = 1; m <= 12; m++) sayDate(lang, `2026-${String(m).padStart(2, '0')}-01`).forEach((x) => ids.add(x));
    for (let h = 0; h < 24; h++) for (const mi of [0, 5, 30]) sayTime(lang, `${h}:${String(mi).padStart(2, '0')}`).forEach((x) => ids.add(x));
    for (const s of ['registered', 'closed', 'bogus']) say(lang, 'status', s, has).forEach((x) => ids.add(x));
    for (const s of ['agreement', 'withdrawn']) say(lang, 'result', s, has).forEach((x) => ids.add(x));
    assert.equal(prompts.missing(lang, ids), [], `${lang} lacks fragments`);
  }
});

test.run();
