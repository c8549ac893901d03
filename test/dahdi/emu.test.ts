// The userspace DAHDI answers what DAHDI programs rely on (per dahdi/user.h):
// a C program (emu/emu_check.c) built here with the system compiler runs
// under it and checks channel files, ELAST and events, CAS bits, mu-law and
// linear reads, alarms (red/LOS, blue/AIS, yellow/RAI), counters, slips, the
// timer and the pseudo channel. libopenr2 (issue 14) needs the same.
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

const missing = buildEmu();
if (missing) skipTest('the userspace DAHDI answers as DAHDI does', missing);
else
  test('the userspace DAHDI answers as DAHDI does (emu_check.c)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-emu-check-'));
    try {
      const exe = join(dir, 'emu_check');
      const src = fileURLToPath(new URL('./emu/emu_check.c', import.meta.url));
      execFileSync('cc', ['-O1', '-I', dahdiInclude()!, '-I', fileURLToPath(new URL('../../native', import.meta.url)), '-o', exe, src], { stdio: 'pipe' });
      const r = spawnSync(exe, [], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: EMU_LIB, HL_DAHDI_EMU: 'spans=2 cable=1-2' } });
      assert.is(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, 'emu_check: ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test.run();
