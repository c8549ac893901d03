// The one error catalog (code, sentence, layer): every code the sources use
// is in it, every row is used somewhere, every row has a sentence, no code is
// defined twice, the native rows are hl_errors.def's, and docs/errors.md is
// the catalog as it stands.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addon } from '../src/addon.ts';
import { allErrorRows, CATALOGS, errorsMarkdown } from '../src/cli/catalog.ts';
import { defineErrors } from '../src/errors.ts';
import { codesUsed } from './cli/code-scan.ts';

const root = join(import.meta.dirname, '..');
const PREFIX: Record<string, RegExp> = { native: /^HL_/, board: /^BOARD_/, dsp: /^DSP_/, tts: /^TTS_/, calls: /^CALL_/, cases: /^CASE_/, recording: /^REC_/, ivr: /^IVR_/, acd: /^ACD_/, seats: /^SEAT_/, cli: /^(CLI|CASES|REPORT)_/ };
// The table's success value: returned as 0, never raised.
const NOT_RAISED = new Set(['HL_OK']);
// Node.js's own error codes (ERR_PARSE_ARGS_*, ERR_OUT_OF_RANGE) are checked
// for, not raised: they are not ours to catalog.
const NODE_CODE = /^ERR_/;

function* walk(dir: string, ext: RegExp): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p, ext);
    else if (ext.test(e.name)) yield p;
  }
}

/** code → where it is used (first place), from src/ and bench/ TypeScript. */
function tsUses(): Map<string, string> {
  const uses = new Map<string, string>();
  for (const top of ['src', 'bench'])
    for (const f of walk(join(root, top), /\.ts$/))
      for (const [code, how] of codesUsed(readFileSync(f, 'utf8'))) if (!NODE_CODE.test(code) && !uses.has(code)) uses.set(code, `${f.slice(root.length + 1)} (${how})`);
  return uses;
}

/** The native names used by C/C++ sources other than the table itself. */
function nativeUses(): Set<string> {
  const used = new Set<string>();
  const table = new Set(['hl_errors.def', 'hl_errors.h', 'errors.c']);
  for (const f of walk(join(root, 'native'), /\.(c|cc|h)$/)) {
    if (table.has(f.split('/').pop()!)) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/\bHL_E[A-Z0-9_]+\b/g)) used.add(m[0]);
  }
  return used;
}

test('the scanner finds codes in strings, printed messages and catalog constants, not in comments or definitions', () => {
  const src = [
    "// BOARD_IN_A_COMMENT: not a use",
    "/* CASE_IN_A_BLOCK */ const re = /'CLI_IN_A_REGEX'/;",
    "throw boardError('BOARD_ARG', `it's ${x}`);",
    "process.stderr.write(`hotline x: ${y ? 'A' : 'B'} CLI_PRINTED: no such thing`);",
    "if (c === CaseErrors.CASE_NOT_FOUND) {}",
    "export const X = defineErrors('cli', { CLI_DEFINED_ONLY: 'a row' });",
    "const s = \"HL_EWAV_RATE\"; const t = 'not_a_code'; const u = 'NOUNDERSCORE';",
  ].join('\n');
  assert.equal([...codesUsed(src).keys()].sort(), ['BOARD_ARG', 'CASE_NOT_FOUND', 'CLI_PRINTED', 'HL_EWAV_RATE']);
});

test('one shape: every row has its layer prefix and a sentence (not the code again)', () => {
  const rows = allErrorRows();
  assert.ok(rows.length > 60, `only ${rows.length} rows`);
  for (const r of rows) {
    assert.match(r.code, PREFIX[r.layer], `${r.layer} code ${r.code} lacks the layer prefix`);
    assert.ok(r.sentence.length >= 10 && /\s/.test(r.sentence) && r.sentence !== r.code, `${r.code} has no sentence`);
  }
  assert.is(new Set(CATALOGS.map((c) => c.layer)).size, CATALOGS.length);
});

test('a catalog refuses a row without a sentence, or a code another layer owns', () => {
  assert.throws(() => defineErrors('cli', { CLI_TEST_EMPTY: '' }), /CLI_TEST_EMPTY has no sentence/);
  assert.throws(() => defineErrors('cli', { CLI_TEST_BLANK: '  ' }), /CLI_TEST_BLANK has no sentence/);
  assert.throws(() => defineErrors('cli', { BOARD_ARG: 'again, with a new meaning' }), /BOARD_ARG is already defined by board/);
});

test('no code in two catalogs; the native rows are hl_errors.def through the addon', () => {
  const seen = new Map<string, string>();
  for (const r of allErrorRows()) {
    assert.is(seen.get(r.code), undefined, `${r.code} is defined by both ${seen.get(r.code)} and ${r.layer}`);
    seen.set(r.code, r.layer);
  }
  const def = readFileSync(join(root, 'native/include/hl_errors.def'), 'utf8');
  const rows = [...def.matchAll(/^HL_ERR\((\w+),\s*(-?\d+),\s*"(\w+)",\s*"((?:[^"\\]|\\.)*)"\)/gm)].map((m) => [m[3], m[4]]);
  assert.ok(rows.length > 10, 'hl_errors.def rows not found');
  assert.equal(CATALOGS[0].rows.map((r) => [r.code, r.sentence]), rows, 'the addon is not built from this hl_errors.def (npm run build)');
  assert.equal(addon.errors.map((e) => e.code), rows.map((r) => r[0]));
});

test('every code used in src/ and bench/ is in the catalog', () => {
  const known = new Set(allErrorRows().map((r) => r.code));
  const missing = [...tsUses()].filter(([code]) => !known.has(code)).map(([code, where]) => `${code} at ${where}`);
  assert.equal(missing, [], `codes used but in no catalog (add a row with a sentence to the layer's errors.ts):\n  ${missing.join('\n  ')}`);
});

test('every catalog row is used somewhere', () => {
  const ts = tsUses();
  const nat = nativeUses();
  const unused = allErrorRows()
    .filter((r) => !NOT_RAISED.has(r.code) && !ts.has(r.code) && !(r.layer === 'native' && nat.has(r.code)))
    .map((r) => `${r.code} (${r.layer})`);
  assert.equal(unused, [], `catalog rows no source uses (remove them, or retire a native number in a comment):\n  ${unused.join('\n  ')}`);
});

test('docs/errors.md is the catalog as it stands', () => {
  let doc = '';
  try {
    doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  } catch {}
  assert.ok(doc === errorsMarkdown(), 'docs/errors.md is out of date: run `node src/cli/bin.js errors --markdown > docs/errors.md`');
});

test.run();
