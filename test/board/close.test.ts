// Closing a board while work is in flight: an advance() awaiting between
// steps, operations pending, a real-time clock delivering events.
import { filter, firstValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { connect } from './helpers.ts';

test('close() during advance(): advance ends quietly, pending operations settle stopped', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  const [[eng, net]] = await connect(board, [0]);
  const g = eng.getDigits({ max: 3, firstDigitTimeoutMs: 0 });
  const s = net.sendDigits('12');
  const a = board.advance(5000);
  await new Promise((r) => setImmediate(r));
  await board.close();
  let err: unknown = null;
  try {
    await a;
  } catch (e) {
    err = e;
  }
  assert.is(err, null, `advance() rejected after close(): ${(err as Error)?.message}`);
  assert.is((await g).reason, 'stopped');
  assert.is((await s).reason, 'stopped');
  let after: { code?: string } | null = null;
  try {
    await board.advance(10);
  } catch (e) {
    after = e as { code?: string };
  }
  assert.is(after?.code, 'BOARD_CLOSED');
});

test('close() of a real-time board while a call is up and digits flow: no error, the process is free to exit', async () => {
  const board = await openBoard('boards/sim-e1x2.json', { mode: 'realtime' });
  const eng = board.channel(0), net = board.network!.channel(0);
  const ring = firstValueFrom(eng.events$.pipe(filter((e) => e.type === 'ring')));
  const c = net.call({ timeoutMs: 5000 });
  await ring;
  await eng.answer();
  assert.is((await c).reason, 'done');
  const g = eng.getDigits({ max: 20, firstDigitTimeoutMs: 0 });
  // Close while digits flow: after the first key is heard, before the last.
  const firstKey = firstValueFrom(eng.events$.pipe(filter((e) => e.type === 'digit')));
  void net.sendDigits('1234567890').catch(() => {});
  await firstKey;
  await board.close();
  assert.is((await g).reason, 'stopped');
});

test.run();
