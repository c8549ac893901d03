// The DAHDI driver under the board's driver contract, without the board
// (emu/driver_check.cc, built here against the driver's own source, run under
// the userspace DAHDI once per configuration): line events with a slot per
// kind (a burst of bit changes and winks loses no polarity reversal; drops
// counted per kind), the per-channel echo canceller with DAHDI's parameters
// (and HL_ENOTSUP where none is configured), a T1's 24 mu-law channels heard
// right at the far end of the line. The t1-as-alaw run takes the same line
// for A-law and must fail: the check can fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dahdiInclude } from '../../native/dahdi-header.mjs';
import { skipTest } from '../skip.ts';
import { buildEmu, EMU_LIB } from './emu.ts';

const native = fileURLToPath(new URL('../../native', import.meta.url));
const missing = buildEmu();
const CASES: Array<[string, string, number]> = [
  ['lines', 'spans=2 cable=1-2', 0],
  ['echo', 'spans=2 cable=1-2', 0],
  ['noecho', 'spans=2 cable=1-2 echocan=none', 0],
  ['t1', 'spans=2 cable=1-2 kind=1:t1,2:t1', 0],
  ['t1-as-alaw', 'spans=2 cable=1-2 kind=1:t1,2:t1', 1],
];

if (missing) skipTest('the DAHDI driver under the driver contract (driver_check.cc)', missing);
else
  test('the DAHDI driver under the driver contract: line event slots, echo canceller parameters, T1 mu-law (driver_check.cc)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-driver-check-'));
    try {
      const exe = join(dir, 'driver_check');
      const src = fileURLToPath(new URL('./emu/driver_check.cc', import.meta.url));
      execFileSync('c++', ['-std=c++17', '-O1', '-I', dahdiInclude()!, '-I', native, '-I', join(native, 'include'), '-o', exe, src,
        join(native, 'drivers', 'dahdi', 'dahdi.cc'), '-x', 'c', join(native, 'dsp', 'g711.c')], { stdio: 'pipe' });
      for (const [what, config, status] of CASES) {
        const r = spawnSync(exe, [what], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: EMU_LIB, HL_DAHDI_EMU: config } });
        assert.is(r.status, status, `${what}: ${r.stdout}${r.stderr}`);
        if (status === 0) assert.match(r.stdout, `driver_check: ok (${what})`);
        else assert.match(r.stdout, 'FAIL');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test.run();
