// Variables named after Object.prototype members are ordinary call variables:
// a branch `exists` on `constructor` is false until a node sets it, a template
// `{{constructor}}` fills with nothing, and `__proto__` can be set and tested.
// End to end on the simulated board (the path the call took is the proof);
// plus the survey's choice test and the template filler on their own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fill, isChoice } from '../../src/ivr/interpreter.ts';
import { harness, heardInOrder, type Harness } from './_harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-call-vars-'));
const flowFile = join(dir, 'vars.yaml');
writeFileSync(
  flowFile,
  `name: vars
language: zh
languages: [zh, en]
start: fill
nodes:
  fill: { type: set, vars: { shown: "[{{constructor}}]", __proto__: "1" }, next: has_ctor }
  has_ctor: { type: branch, cases: [{ if: { var: constructor, exists: true }, next: wrong }], else: shown_empty }
  shown_empty: { type: branch, cases: [{ if: { var: shown, eq: "[]" }, next: proto_set }], else: wrong }
  proto_set: { type: branch, cases: [{ if: { var: __proto__, eq: "1" }, next: to_string }], else: wrong }
  to_string: { type: branch, cases: [{ if: { var: toString, exists: false }, next: right }], else: wrong }
  right: { type: hangup, prompts: [goodbye] }
  wrong: { type: hangup, prompts: [system_error] }
  # Never reached (a warning at load): it only makes constructor and toString variables a node sets.
  never: { type: set, vars: { constructor: x, toString: y }, next: wrong }
`,
);

let h: Harness;
const logs: string[] = [];
test.before(async () => {
  h = await harness({ flowFile, log: (l) => logs.push(l) });
});
test.after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a call through branches on constructor / __proto__ / toString takes the path of ordinary variables', async () => {
  const { heard, calls } = await h.call(async (c) => {
    await c.hear({ silenceMs: 2500 });
  });
  assert.is(calls.length, 1);
  assert.equal(calls[0].path, ['fill', 'has_ctor', 'shown_empty', 'proto_set', 'to_string', 'right']);
  heardInOrder(h.engine, heard, ['goodbye']);
  assert.ok(logs.some((l) => /^IVR_FLOW_UNREACHABLE: .*#\/nodes\/never: /.test(l)), `the unreachable node was not reported: ${logs.join(' / ')}`);
});

test('templates and survey choices see own names only', () => {
  assert.is(fill('[{{constructor}}][{{toString}}][{{__proto__}}]', {}), '[][][]');
  assert.is(fill('{{a}}', { a: 'x' }), 'x');
  assert.not.ok(isChoice({ '1': 'yes', '2': 'no' }, 'toString'));
  assert.not.ok(isChoice({ '1': 'yes' }, 'constructor'));
  assert.ok(isChoice({ '1': 'yes' }, '1'));
});

test.run();
