// The fact terms (index of words in the facts): the fast cut used for text
// without surrogate pairs gives exactly the terms of the code-point cut, on
// fixed examples and on random mixes of Han, kana, hangul, Latin, digits,
// full-width forms and punctuation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { terms, termsSlow } from '../../src/cases/text.ts';

const sorted = (a: string[]): string[] => [...a].sort();
const slow = (t: string): string[] => sorted(termsSlow(t.normalize('NFKC').toLowerCase()));

test('examples: bigrams, lone characters, words, full-width forms, 32-character cap', () => {
  assert.equal(sorted(terms('牛奶过期')), ['奶过', '牛奶', '过期']);
  assert.equal(sorted(terms('a奶b')), ['a', 'b', '奶']);
  assert.equal(sorted(terms('ＡＢＣ１２３牛奶')), ['abc123', '牛奶']);
  assert.equal(sorted(terms('iPhone 15无法开机')), ['15', 'iphone', '开机', '无法', '法开']);
  assert.equal(terms('x'.repeat(40)), ['x'.repeat(32)]);
  assert.equal(terms('，。！  '), []);
});

test('the fast cut equals the code-point cut on 20,000 random strings', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const alphabet = [...'牛奶过期abcXYZ0123 ，。！ＡＢ１々〸カひ한中-_é'];
  for (let i = 0; i < 20_000; i++) {
    let t = '';
    const len = Math.floor(rnd() * 14);
    for (let j = 0; j < len; j++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    assert.equal(sorted(terms(t)), slow(t), `terms of ${JSON.stringify(t)}`);
  }
});

test.run();
