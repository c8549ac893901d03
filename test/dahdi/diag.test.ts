// `hotline diag` on the DAHDI driver over the userspace DAHDI: the span
// report names the driver and sees an alarm raised on the emulated cable; the
// loopback test goes out through a channel file, the far end's DAHDI_LOOPBACK
// sends it back (two ticks: out and back), and DTMF and MF R2 survive the
// loop; a DAHDI board with no far end we control is refused with the reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skipTest } from '../skip.ts';
import { runUnderEmu } from './emu.ts';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const PROFILE = fileURLToPath(new URL('../../boards/sim-e1x2.json', import.meta.url));
const missing = runUnderEmu(fileURLToPath(import.meta.url), 'spans=5 cable=1-3,2-4 alarm=2:yellow', { HL_BOARD_DRIVER: 'dahdi' });
const diag = (board: string, ...args: string[]) => spawnSync(process.execPath, [BIN, 'diag', ...args, '--board', board], { encoding: 'utf8', timeout: 60000 });

if (missing) skipTest('hotline diag on the DAHDI driver', missing);
else {
  test('spans on DAHDI: the driver named, a remote alarm on span 2 reported as RAI', () => {
    const r = diag(PROFILE, 'spans', '--json');
    assert.is(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.is(rep.driver, 'dahdi');
    assert.equal(rep.spans.map((s: { alarms: string[] }) => s.alarms), [[], ['rai']]);
  });

  test('loopback and digits through a DAHDI channel looped at the far end', () => {
    const r = diag(PROFILE, 'loopback', '--channel', '0:9', '--json');
    assert.is(r.status, 0, r.stdout + r.stderr);
    const lb = JSON.parse(r.stdout);
    assert.ok(lb.ok && Math.abs(lb.lossDb) <= 0.5 && lb.delayMs >= 19 && lb.delayMs <= 22, JSON.stringify(lb));
    for (const extra of [[], ['--mf']]) {
      const d = diag(PROFILE, 'digits', '--channel', '0:9', '--json', ...extra);
      assert.is(d.status, 0, d.stdout + d.stderr);
      assert.ok(JSON.parse(d.stdout).ok, d.stdout);
    }
  });

  test('a DAHDI profile has no far end we control: loopback is refused with what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-diag-dahdi-'));
    try {
      const file = join(dir, 'card.json');
      writeFileSync(file, JSON.stringify({ name: 'card', driver: 'dahdi', spans: [{ type: 'E1', dahdiSpan: 5 }] }));
      const r = diag(file, 'loopback', '--channel', '0:1');
      assert.is(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /CLI_DIAG_NO_FAR_END: card \(dahdi\) has no far end to loop/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
