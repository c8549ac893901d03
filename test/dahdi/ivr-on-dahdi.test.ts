// Acceptance of the DAHDI driver (issue 13): the IVR's end-to-end tests and
// a caller reaching an agent's analog station, unchanged, with the board opened on the DAHDI driver over the userspace
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

// The default board (boards/sim-hotline.json) has 3 spans (2 E1, 8 FXS ports:
// an analog DAHDI span whose far end is an FXO span of 8 ports) and their far
// ends: 6 DAHDI spans per board, two boards.
const HOTLINE = 'spans=12 cable=1-4,2-5,3-6,7-10,8-11,9-12 kind=3:fxs/8,6:fxo/8,9:fxs/8,12:fxo/8 clock=virtual';
// The agent tests' board (boards/sim-mixed.json): 1 E1, 8 FXS ports (the
// agents' stations), 4 FXO lines, and their far ends (FXO, FXS).
const MIXED = 'spans=12 cable=1-4,2-5,3-6,7-10,8-11,9-12 kind=2:fxs/8,3:fxo/4,5:fxo/8,6:fxs/4,8:fxs/8,9:fxo/4,11:fxo/8,12:fxs/4 clock=virtual';
const FILES: Array<[string, string]> = [
  ['ivr/e2e-12315', HOTLINE],
  ['ivr/call-vars', HOTLINE],
  ['ivr/hours', HOTLINE],
  ['ivr/broken-prompt', HOTLINE],
  ['ivr/recording-durable', HOTLINE],
  // A caller reaches an agent: the station on an analog DAHDI port rings, the handset is lifted, both hear each other.
  ['calls/agent-basic', MIXED],
];

function run(file: string, config: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const path = fileURLToPath(new URL(`../${file}.test.ts`, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', path], {
      env: { ...process.env, LD_PRELOAD: EMU_LIB, HL_DAHDI_EMU: config, HL_BOARD_DRIVER: 'dahdi', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const missing = dahdiMissing();
for (const [file, config] of FILES) {
  if (missing) {
    skipTest(`test/${file} on the DAHDI driver`, missing);
    continue;
  }
  test(`test/${file} passes unchanged on the DAHDI driver over the userspace DAHDI`, async () => {
    const { code, out } = await run(file, config);
    const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
    assert.ok(total > 0 && passed === total && code === 0, `${file}: ${passed}/${total} passed, exit ${code}\n${out.slice(-3000)}`);
  });
}

test.run();
