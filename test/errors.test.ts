// Every error code the engine can raise, across the layers' catalogs and the
// native table, is unique, carries its layer's prefix and has a sentence: a
// code is never reused for a second meaning. A layer may carry a native code
// (HL_*) it passes through, with the native meaning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addon } from '../src/addon.ts';
import { BoardErrors } from '../src/board/errors.ts';
import { CALL_ERRORS } from '../src/calls/errors.ts';
import { CaseErrors } from '../src/cases/errors.ts';
import { DspErrors } from '../src/dsp/errors.ts';
import { IVR_ERRORS } from '../src/ivr/errors.ts';
import { TtsErrors } from '../src/tts/errors.ts';

const nativeCodes = new Set(addon.errors.map((e) => e.code));

const catalogs: Array<[string, RegExp, Record<string, string>]> = [
  ['board', /^BOARD_/, BoardErrors],
  ['calls', /^CALL_/, CALL_ERRORS],
  ['cases', /^CASE_/, CaseErrors],
  ['dsp', /^DSP_/, DspErrors],
  ['ivr', /^IVR_/, IVR_ERRORS],
  ['tts', /^TTS_/, TtsErrors],
];

test('layer catalogs: prefixed codes, each with a sentence', () => {
  for (const [layer, prefix, cat] of catalogs) {
    const codes = Object.keys(cat);
    assert.ok(codes.length > 0, `${layer} has an empty error catalog`);
    for (const code of codes) {
      const passedThrough = code.startsWith('HL_') && nativeCodes.has(code);
      assert.ok(prefix.test(code) || passedThrough, `${layer} code ${code} has neither the prefix ${prefix} nor a row in the native table`);
      assert.ok(typeof cat[code] === 'string' && cat[code].length >= 10, `${layer} code ${code} has no sentence`);
    }
  }
});

test('no code appears in two layer catalogs', () => {
  const owner = new Map<string, string>();
  for (const row of addon.errors) owner.set(row.code, 'native');
  for (const [layer, , cat] of catalogs) {
    for (const code of Object.keys(cat)) {
      if (code.startsWith('HL_') && owner.get(code) === 'native') continue;
      const prev = owner.get(code);
      assert.is(prev, undefined, `${code} is defined by both ${prev} and ${layer}`);
      owner.set(code, layer);
    }
  }
  assert.ok(owner.size > 40, `only ${owner.size} codes found in all`);
});

test.run();
