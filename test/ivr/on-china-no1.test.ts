// Issue 14's acceptance: the 12315 IVR's end-to-end tests and the agent
// tests with the screen pop, unchanged, with every E1 trunk of their boards
// on China No.1 (HL_BOARD_SIGNALLING=china-no1): each caller's number
// reaches the engine only as compelled MF R2 register signals through the
// sim cable and the real MF receivers, and must still reach the menu's
// variables, the case's caller number, the call record, the agent's offer
// and screen pop; the agents' call-backs go out over China No.1 too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { R2Event, RingEvent } from '../../src/board/types.ts';

const FILES = ['ivr/e2e-12315', 'ivr/call-vars', 'ivr/hours', 'ivr/broken-prompt', 'ivr/recording-durable', 'calls/agent-seat', 'calls/agent-outbound'];

function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const path = fileURLToPath(new URL(`../${file}.test.ts`, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', path], {
      env: { ...process.env, HL_BOARD_SIGNALLING: 'china-no1', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('HL_BOARD_SIGNALLING=china-no1 puts the E1 trunks of the default boards on China No.1 (analog ports unchanged): a call carries its ANI as MF R2', async () => {
  process.env.HL_BOARD_SIGNALLING = 'china-no1';
  try {
    const board = await openBoard('boards/sim-hotline.json');
    try {
      assert.ok(board.channel(0, 1).r2() && board.channel(1, 31).r2(), 'both trunks run China No.1');
      assert.is(board.channel(2, 1).r2(), undefined, 'the agents\' analog ports do not');
      let ring: RingEvent | undefined;
      const r2: string[] = [];
      board.channel(1, 4).events$.subscribe((e) => {
        if (e.type === 'ring') ring = e;
        if (e.type === 'r2') r2.push((e as R2Event).what);
      });
      void board.network!.channel(1, 4).call({ callerNumber: '13912345678', calledNumber: '12315' });
      await board.advance(6000);
      assert.is(ring?.callerNumber, '13912345678');
      assert.is(ring?.category, 1, 'KA came through the register signalling');
      assert.equal(r2.slice(0, 2), ['seized', 'offered']);
      assert.ok(board.channel(1, 4).r2()!.trace.some((l) => /rx\s+I-15\s+end of the calling number/.test(l)));
    } finally {
      await board.close();
    }
    process.env.HL_BOARD_SIGNALLING = 'mfc';
    const e = await openBoard('boards/sim-hotline.json').then(() => null, (x: { code?: string; message: string }) => x);
    assert.is(e?.code, 'BOARD_ARG');
    assert.match(e!.message, /HL_BOARD_SIGNALLING must be 'cas' or 'china-no1', got "mfc"/);
  } finally {
    delete process.env.HL_BOARD_SIGNALLING;
  }
});

for (const file of FILES) {
  test(`test/${file} passes unchanged with its callers arriving over China No.1`, async () => {
    const { code, out } = await run(file);
    const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    assert.ok(total > 0 && passed === total && code === 0, `${file}: ${passed}/${total} passed, exit ${code}\n${out.slice(-3000)}`);
  });
}

test.run();
