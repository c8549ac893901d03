// Case numbers: digits only, date + daily sequence + Damm check digit. The
// check digit must catch every single wrong digit and every swap of two
// neighbouring (different) digits: proven here exhaustively over sample numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkDigit, dammInterim, formatCaseNumber, validateCaseNumber } from '../../src/cases/number.ts';

function samples(): string[] {
  const out: string[] = [];
  // every sequence shape of one day, plus a spread of dates
  for (const seq of [1, 2, 9, 10, 11, 99, 100, 12345, 54321, 99999]) out.push(formatCaseNumber(20260101, seq));
  let x = 12345;
  for (let i = 0; i < 400; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const y = 2020 + (x % 10);
    const m = 1 + ((x >>> 8) % 12);
    const d = 1 + ((x >>> 12) % 28);
    out.push(formatCaseNumber(y * 10000 + m * 100 + d, 1 + ((x >>> 4) % 99999)));
  }
  return out;
}

test('format: 14 digits, starts with the date, validates', () => {
  const n = formatCaseNumber(20261126, 42);
  assert.is(n.length, 14);
  assert.ok(/^2026112600042\d$/.test(n), n);
  const r = validateCaseNumber(n);
  assert.ok(r.ok, JSON.stringify(r));
  if (r.ok) {
    assert.is(r.date, '2026-11-26');
    assert.is(r.sequence, 42);
  }
  assert.is(dammInterim(n), 0);
  assert.is(checkDigit(n.slice(0, 13)), Number(n[13]));
});

test('every single wrong digit is rejected by the check digit', () => {
  let tried = 0;
  for (const n of samples()) {
    for (let i = 0; i < n.length; i++) {
      for (let d = 0; d < 10; d++) {
        if (Number(n[i]) === d) continue;
        const bad = n.slice(0, i) + d + n.slice(i + 1);
        tried++;
        assert.is.not(dammInterim(bad), 0, `${bad} (digit ${i} of ${n} changed) passed the check`);
      }
    }
  }
  assert.ok(tried > 50_000, `only ${tried} variants tried`);
});

test('every swap of two neighbouring digits is rejected', () => {
  let tried = 0;
  for (const n of samples()) {
    for (let i = 0; i + 1 < n.length; i++) {
      if (n[i] === n[i + 1]) continue;
      const bad = n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2);
      tried++;
      assert.is.not(dammInterim(bad), 0, `${bad} (digits ${i},${i + 1} of ${n} swapped) passed the check`);
      const r = validateCaseNumber(bad);
      assert.not.ok(r.ok);
    }
  }
  assert.ok(tried > 3000, `only ${tried} swaps tried`);
});

test('malformed numbers get a code and a sentence', () => {
  const short = validateCaseNumber('2026112600042');
  assert.not.ok(short.ok);
  if (!short.ok) assert.is(short.code, 'CASE_NUMBER_FORMAT');
  const letters = validateCaseNumber('2026112600042a');
  assert.not.ok(letters.ok);
  if (!letters.ok) assert.is(letters.code, 'CASE_NUMBER_FORMAT');
  const good = formatCaseNumber(20261126, 5);
  const wrong = good.slice(0, 13) + ((Number(good[13]) + 1) % 10);
  const w = validateCaseNumber(wrong);
  assert.not.ok(w.ok);
  if (!w.ok) {
    assert.is(w.code, 'CASE_NUMBER_CHECK');
    assert.match(w.message, /mistyped/);
  }
  // a check-valid number whose date is not a date
  const notDate = formatCaseNumber(20261341, 1);
  const nd = validateCaseNumber(notDate);
  assert.not.ok(nd.ok);
  if (!nd.ok) assert.is(nd.code, 'CASE_NUMBER_DATE');
});

test.run();
