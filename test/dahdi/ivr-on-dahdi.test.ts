// Acceptance of the DAHDI driver (issue 13): the IVR's end-to-end tests,
// unchanged, with the board opened on the DAHDI driver over the userspace
// DAHDI (HL_BOARD_DRIVER=dahdi): every prompt, key (a dual tone through the
// detectors), line state and recording crosses /dev/dahdi channel files and
// the emulated E1 cables. An engine and a second one opened at once (the
// night-service test) each take their spans and their far ends.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skipTest } from '../skip.ts';
import { dahdiMissing, EMU_LIB } from './emu.ts';

const FILES = ['e2e-12315', 'call-vars', 'hours', 'broken-prompt', 'recording-durable'];
// The default board (boards/sim-hotline.json) has 3 spans (2 E1, 8 FXS ports as
// a channel bank's E1) and their far ends: 6 DAHDI spans per board, two boards.
const CONFIG = 'spans=12 cable=1-4,2-5,3-6,7-10,8-11,9-12 clock=virtual';

function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const path = fileURLToPath(new URL(`../ivr/${file}.test.ts`, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', path], {
      env: { ...process.env, LD_PRELOAD: EMU_LIB, HL_DAHDI_EMU: CONFIG, HL_BOARD_DRIVER: 'dahdi', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const missing = dahdiMissing();
for (const file of FILES) {
  if (missing) {
    skipTest(`test/ivr/${file} on the DAHDI driver`, missing);
    continue;
  }
  test(`test/ivr/${file} passes unchanged on the DAHDI driver over the userspace DAHDI`, async () => {
    const { code, out } = await run(file);
    const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    assert.ok(total > 0 && passed === total && code === 0, `${file}: ${passed}/${total} passed, exit ${code}\n${out.slice(-3000)}`);
  });
}

test.run();
