// Search: a mixed Chinese/ASCII query with a lone Chinese
// character beside a Latin word ('A4纸', 'U盘') was refused outright, though
// the Latin word is in the index and the character can be checked in the facts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bj, complaint, fixture, type Fixture } from './helpers.ts';

let f: Fixture;
const n: Record<string, string> = {};
test.before(async () => {
  f = await fixture(bj(2026, 3, 2, 9));
  n.paper = (await f.store.createCase(complaint({ facts: '买了一箱A4纸很贵，商家缺斤少两。' }))).number;
  f.clock.now = bj(2026, 3, 2, 10);
  n.usb = (await f.store.createCase(complaint({ facts: '在电脑城买的U盘无法读取。' }))).number;
  f.clock.now = bj(2026, 3, 3, 10);
  n.a4only = (await f.store.createCase(complaint({ facts: '打印机卡A4，换货被拒。' }))).number;
});
test.after(async () => f.done());

const nums = (rs: Array<{ number: string }>): string[] => rs.map((r) => r.number);

test('mixed Chinese/ASCII words with a lone Chinese character are found, not refused', async () => {
  assert.equal(nums(await f.store.searchCases({ words: 'A4纸' })), [n.paper]);
  assert.equal(nums(await f.store.searchCases({ words: 'u盘' })), [n.usb]);
  assert.equal(nums(await f.store.searchCases({ words: 'A4' })), [n.a4only, n.paper], 'newest first');
  assert.equal(nums(await f.store.searchCases({ words: 'Ａ４纸 缺斤' })), [n.paper], 'full-width letters match');
});

test('a query of lone Chinese characters only is still refused with a code and a sentence', async () => {
  try {
    await f.store.searchCases({ words: '纸' });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, 'CASE_FIELD_INVALID');
    assert.match((e as Error).message, /two characters/);
  }
});

test.run();
