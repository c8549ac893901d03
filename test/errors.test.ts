// Every error code the engine can raise, across the layers' catalogs and the
// native table, is unique, carries its layer's prefix and has a sentence: a
// code is never reused for a second meaning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addon } from '../src/addon.ts';
import { allErrorRows, CATALOGS } from '../src/cli/catalog.ts';
import { defineErrors } from '../src/errors.ts';

const PREFIX: Record<string, RegExp> = { native: /^HL_/, board: /^BOARD_/, dsp: /^DSP_/, calls: /^CALL_/, cases: /^CASE_/, ivr: /^IVR_/, cli: /^(CLI|CASES|REPORT)_/ };

test('one shape: every row has a code with its layer prefix and a sentence', () => {
  const rows = allErrorRows();
  assert.ok(rows.length > 60, `only ${rows.length} rows`);
  for (const r of rows) {
    assert.match(r.code, PREFIX[r.layer], `${r.layer} code ${r.code} lacks the layer prefix`);
    assert.ok(r.sentence.length >= 10 && /\s/.test(r.sentence) && r.sentence !== r.code, `${r.code} has no sentence`);
  }
  assert.is(new Set(CATALOGS.map((c) => c.layer)).size, CATALOGS.length);
});

test('no code in two catalogs; the native rows are the .def table', () => {
  const seen = new Map<string, string>();
  for (const r of allErrorRows()) {
    assert.is(seen.get(r.code), undefined, `${r.code} is defined by both ${seen.get(r.code)} and ${r.layer}`);
    seen.set(r.code, r.layer);
  }
  assert.equal(CATALOGS[0].rows.map((r) => [r.code, r.sentence]), addon.errors.map((e) => [e.code, e.message]));
});

test('a catalog refuses an empty sentence or a code another layer owns', () => {
  assert.throws(() => defineErrors('cli', { CLI_TEST_EMPTY: '' }), /CLI_TEST_EMPTY has no sentence/);
  assert.throws(() => defineErrors('cli', { BOARD_ARG: 'again' }), /BOARD_ARG is already defined by board/);
});

test.run();
