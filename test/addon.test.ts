import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addon } from '../src/addon.ts';

test('the addon loads and exports the native error table', () => {
  assert.ok(Array.isArray(addon.errors), 'addon.errors is not an array');
  const codes = addon.errors.map((e) => e.code);
  assert.ok(codes.includes('HL_EINVAL'), `HL_EINVAL missing from ${codes.join(',')}`);
  assert.is(new Set(codes).size, codes.length, 'a code appears twice in the native error table');
  for (const e of addon.errors) assert.ok(e.message.length > 4, `${e.code} has no sentence`);
});

test.run();
