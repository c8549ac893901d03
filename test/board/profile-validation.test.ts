// Board profile validation (issue 9 §3): a group named __proto__ is a group,
// unknown fields inside a span are refused by name, a channel listed twice in
// a group or given two roles is refused, an empty group is refused, and a
// role that does not fit the port (a station on a trunk) is refused. Each
// refusal is BOARD_PROFILE_INVALID with a sentence saying where.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard, validateProfile } from '../../src/board/index.ts';

function refusal(raw: unknown): { code?: string; message: string } {
  try {
    validateProfile(raw, 'p.json');
  } catch (e) {
    return e as { code?: string; message: string };
  }
  return { message: 'accepted' };
}

const e1 = (groups: unknown, span: Record<string, unknown> = { type: 'E1' }) => ({ name: 'x', driver: 'sim', spans: [span], groups });

test('a group named __proto__ is kept and resolves like any other group', async () => {
  const raw = JSON.parse('{"name":"x","driver":"sim","spans":[{"type":"E1"}],"groups":{"__proto__":"0:1-3","b":"0:4"}}');
  const p = validateProfile(raw);
  assert.ok(Object.hasOwn(p.groups!, '__proto__'), 'the __proto__ group was dropped');
  const board = await openBoard(p);
  try {
    assert.is(board.group('__proto__').length, 3);
    assert.is(board.group('b').length, 1);
  } finally {
    await board.close();
  }
});

test('an unknown field inside a span is refused, naming the field', () => {
  const e = refusal(e1(undefined, { type: 'E1', crc: true }));
  assert.is(e.code, 'BOARD_PROFILE_INVALID', e.message);
  assert.match(e.message, "p.json#/spans/0/crc: unknown field 'crc'");
  const a = refusal({ name: 'x', driver: 'sim', spans: [{ type: 'analog', role: 'fxs', port: 4 }] });
  assert.is(a.code, 'BOARD_PROFILE_INVALID');
  assert.match(a.message, "unknown field 'port'");
  assert.match(a.message, 'ports');
});

test('overlapping ranges that list a channel twice in one group are refused', () => {
  const e = refusal(e1({ trunks: '0:1-10,0:5-12' }));
  assert.is(e.code, 'BOARD_PROFILE_INVALID', e.message);
  assert.match(e.message, 'p.json#/groups/trunks');
  assert.match(e.message, 'channel 0:5 is listed twice');
});

test('an empty group string, or one of only commas, is refused', () => {
  for (const spec of ['', ' ', ',', '0:1,,0:2']) {
    const e = refusal(e1({ g: spec }));
    assert.is(e.code, 'BOARD_PROFILE_INVALID', `'${spec}': ${e.message}`);
    assert.match(e.message, 'p.json#/groups/g');
  }
});

test('a channel with two roles, or a role that does not fit the port, is refused', () => {
  const two = refusal(e1({ a: { channels: '0:1-5', role: 'inbound' }, b: { channels: '0:5-9', role: 'outbound' } }));
  assert.is(two.code, 'BOARD_PROFILE_INVALID', two.message);
  assert.match(two.message, "channel 0:5 is already in group 'a' with role 'inbound'");
  const station = refusal(e1({ a: { channels: '0:1', role: 'station' } }));
  assert.match(station.message, "role 'station' is for FXS station ports");
  const trunkOnFxs = refusal({ name: 'x', driver: 'sim', spans: [{ type: 'analog', role: 'fxs' }], groups: { a: { channels: '0:1', role: 'inbound' } } });
  assert.match(trunkOnFxs.message, 'is an FXS station port');
  const badRole = refusal(e1({ a: { channels: '0:1', role: 'agent' } }));
  assert.match(badRole.message, 'p.json#/groups/a/role: must be one of inbound, outbound, bothway, station');
  // Plain groups may overlap each other: only roles must be unique.
  assert.ok(validateProfile(e1({ a: '0:1-5', b: '0:5-9', c: { channels: '0:1-9', role: 'bothway' } })));
});

test.run();
