// Arguments at the native boundary and numbers on the line:
// - the addon refuses a number outside a parameter's full range with HL_EINVAL
//   and a sentence naming the range, instead of wrapping it (Int32Value made
//   channel 2^32 + 3 into channel 3) or cutting it (MF code 257 became 1);
// - a ring carries calling and called numbers of 20 digits whole (the native
//   ring text cut them at 11), and a number over 24 digits is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { nativeBoardClass } from '../../src/board/native.ts';
import { HotlineError } from '../../src/errors.ts';
import type { ChannelEvent } from '../../src/board/types.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { code: String(err.code), message: String(err.message) };
  }
  return { code: 'none', message: '' };
}

test('the addon refuses out-of-range integers instead of wrapping them', () => {
  const Native = nativeBoardClass();
  const b = new Native(2, 10, [1, 0]);
  try {
    const cases: Array<[string, () => unknown, string]> = [
      ['channel 2^32 + 3', () => b.answer(2 ** 32 + 3), 'channel must be an integer from -2147483648 to 2147483647, got 4294967299'],
      ['channel 3.5', () => b.hangup(3.5), 'channel must be an integer'],
      ['MF code 257', () => b.sendMf(0, 1, [257], 0, 100, 100, -11.5), 'codes[0] must be an integer from 1 to 15, got 257'],
      ['MF code 2.5', () => b.sendMf(0, 1, [3, 2.5], 0, 100, 100, -11.5), 'codes[1] must be an integer from 1 to 15'],
      ['max digits 2^32 + 2', () => b.getDigits(0, 2, 2 ** 32 + 2, 0, 100, 100, false), 'max must be an integer'],
      ['terminator mask 0x10001', () => b.getDigits(0, 3, 4, 0x10001, 100, 100, false), 'terminators must be an integer from 0 to 65535'],
      ['request id -1', () => b.tone(0, -1, 1, 100), 'request id must be an integer from 0 to 4294967295'],
    ];
    for (const [what, fn, sentence] of cases) {
      const r = thrown(fn);
      assert.is(r.code, 'HL_EINVAL', `${what}: code`);
      assert.ok(r.message.includes(sentence), `${what}: '${r.message}' lacks '${sentence}'`);
    }
    assert.throws(() => new Native(2, 10, [1, 2 ** 32]), /peers\[1\] must be an integer from -1 to 1/);
    // Nothing above reached the board: no channel left idle.
    assert.is(b.channelState(3), 0, 'channel 3 untouched');
  } finally {
    b.close();
  }
});

test('a ring carries 20-digit numbers whole; 25 digits are refused', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(0);
    const line = board.network!.channel(0);
    const evs: ChannelEvent[] = [];
    eng.events$.subscribe((e) => evs.push(e));
    const calling = '86105551234567890123';
    const called = '12315000000000000001';
    const call = line.call({ callerNumber: calling, calledNumber: called, timeoutMs: 2000 });
    await board.advance(40);
    const ring = evs.find((e) => e.type === 'ring');
    assert.ok(ring && ring.type === 'ring', 'rang');
    if (ring?.type === 'ring') {
      assert.is(ring.callerNumber, calling);
      assert.is(ring.calledNumber, called);
    }
    await eng.answer();
    await board.advance(40);
    assert.is((await call).reason, 'done');
    let err: unknown;
    try {
      await board.network!.channel(1).call({ callerNumber: '1'.repeat(25) });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof HotlineError && err.code === 'BOARD_ARG', `25 digits refused: ${err}`);
    assert.match((err as Error).message, /at most 24 digits, got 25/);
  } finally {
    await board.close();
  }
});

test.run();
