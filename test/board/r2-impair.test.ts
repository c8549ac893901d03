// China No.1 through the board's impaired sim cable (issue 14: noise, level,
// bit errors, slips, both directions; the native r2_test adds twist and a
// pulled cable on its own cable model): every call either completes or
// fails with a named cause, none hangs, every circuit is idle afterwards.
// And the MF receiver runs only during register signalling: MF tones in a
// conversation are not register signals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { BoardProfile, Impairments, OpResult } from '../../src/board/types.ts';

const PROFILE: BoardProfile = {
  name: 'sim-china-no1-impaired',
  driver: 'sim',
  tickMs: 10,
  spans: [{ type: 'E1', signalling: 'china-no1', r2: { maxDnis: 5, aniAfter: 1 } }],
  network: { type: 'loop' },
};

const CAUSES = new Set(['busy-local', 'busy-toll', 'vacant', 'congestion', 'glare', 'blocked', 'span-fault', 'unexpected-mf', 'unexpected-line', 'timeout-seize-ack', 'timeout-forward-signal', 'timeout-backward-signal', 'timeout-next-forward', 'timeout-forward-off', 'timeout-answer', 'timeout-release-guard', 'timeout-clear-forward', 'abandoned', 'far-released', 'local-release']);

async function traffic(imp: Impairments): Promise<{ done: number; failed: string[]; stuck: string[] }> {
  const board = await openBoard(PROFILE);
  try {
    const net = board.network!;
    board.spans[0].impair(imp);
    net.spans[0].impair(imp);
    const failed: string[] = [];
    for (const side of [board, net])
      side.events$.subscribe((e) => {
        if (e.type === 'ring') void side.channels[e.channel].answer().catch(() => undefined);
        if (e.type === 'r2' && e.what === 'failed') failed.push(e.cause);
      });
    // Half the circuits called from the network side (ANI asked), half by the engine (A3p at the far end).
    const calls: Array<Promise<OpResult | Error>> = board.channels.map((ch, i) => {
      const from = i % 2 ? net.channels[i] : ch;
      const placed = from.call({ callerNumber: `0755${String(10000000 + i)}`, calledNumber: i % 2 ? '12315' : `138${String(10000000 + i)}` });
      return placed.then(
        async (r) => {
          if (r.reason === 'done') await from.hangup();
          return r;
        },
        (e: Error) => e,
      );
    });
    await board.advance(30_000);
    const results = await Promise.all(calls);
    // Clear-forward after a refusal or a clear-back waits up to 90 s: let every timer run out.
    await board.advance(100_000);
    const stuck = [...board.channels, ...net.channels].filter((c) => c.state !== 'idle').map((c) => `${c.name} ${c.state} ${c.r2()!.state}`);
    return { done: results.filter((r) => !(r instanceof Error) && r.reason === 'done').length, failed, stuck };
  } finally {
    await board.close();
  }
}

test('an impaired cable (SNR 20 dB, -8 dB, bit errors 1e-4, 30 slips a minute, both ways): 30 calls complete or fail with a named cause; none stuck', async () => {
  const r = await traffic({ snrDb: 20, referenceDbm0: -11.5, gainDb: -8, bitErrorRate: 1e-4, slipsPerMinute: 30 });
  assert.equal(r.stuck, [], 'no channel stuck');
  for (const c of r.failed) assert.ok(CAUSES.has(c), `a failure with an unnamed cause: ${c}`);
  assert.ok(r.done >= 27, `${r.done} of 30 calls completed (failures: ${r.failed.join(', ') || 'none'})`);
});

test('a line too bad for MF R2 (SNR 0 dB): every setup fails on a named timer, none stuck', async () => {
  const r = await traffic({ snrDb: 0, referenceDbm0: -30, gainDb: -20 });
  assert.equal(r.stuck, []);
  assert.is(r.done, 0, 'no call can complete');
  assert.ok(r.failed.length >= 30, `each call failed with a cause: ${r.failed.length}`);
  for (const c of r.failed) assert.ok(CAUSES.has(c) && c !== 'none', c);
  assert.ok(r.failed.some((c) => c.startsWith('timeout-')), r.failed.join(','));
});

test('the MF receiver runs only during register signalling: MF R2 tones in a conversation are no register signals', async () => {
  const board = await openBoard(PROFILE);
  try {
    const eng = board.channel(12), far = board.network!.channel(12);
    const call = far.call({ callerNumber: '1', calledNumber: '12315' });
    await board.advance(3000);
    await eng.answer();
    await board.advance(300);
    assert.is((await call).reason, 'done');
    const before = eng.r2()!;
    const sent = far.sendMf([1, 2, 3, 4, 5, 6, 15], { direction: 'forward' });
    await board.advance(3000);
    assert.is((await sent).reason, 'done');
    const after = eng.r2()!;
    assert.is(after.counters.mfReceived, before.counters.mfReceived, 'no MF signal recognised in the conversation');
    assert.is(after.traceTotal, before.traceTotal, 'nothing traced');
    assert.is(after.state, 'in-answered');
    assert.is(eng.state, 'connected');
  } finally {
    await board.close();
  }
});

test.run();
