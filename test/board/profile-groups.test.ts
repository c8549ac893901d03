// Channel groups of a profile: unknown names (including names that exist on
// every JavaScript object) and a group of only timeslot 16 are refused with
// a code and a sentence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';

async function codeOf(fn: () => unknown): Promise<{ code?: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  return { message: 'no error' };
}

test('group(): names of Object.prototype members are unknown groups, not a TypeError', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const e = await codeOf(() => board.group(name));
      assert.is(e.code, 'BOARD_CHANNEL_UNKNOWN', `${name}: ${e.message}`);
      assert.match(e.message, name);
    }
    assert.is(board.group('inbound').length, 60, 'real groups still resolve');
  } finally {
    await board.close();
  }
});

test('a group naming only timeslot 16 (CAS) is a malformed profile', async () => {
  const e = await codeOf(() => openBoard({ name: 'x', driver: 'sim', spans: [{ type: 'E1' }], groups: { sig: '0:16' } } as never));
  assert.is(e.code, 'BOARD_PROFILE_INVALID');
  assert.match(e.message, 'timeslot 16');
  // A range across it skips it, as before.
  const board = await openBoard({ name: 'x', driver: 'sim', spans: [{ type: 'E1' }], groups: { all: '0:1-31' } } as never);
  try {
    assert.is(board.group('all').length, 30);
  } finally {
    await board.close();
  }
});

test.run();
