// `hotline diag r2` on the DAHDI driver over the userspace DAHDI, paced by its
// own 8 kHz clock (the board runs in real time, as on a card): a China No.1
// test call from the far end (the sim profile's network side, on DAHDI spans
// 3-4 cabled to 1-2) while the report reads the MF trace and the counters
// live, through the copy the tick publishes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skipTest } from '../skip.ts';
import { runUnderEmu } from './emu.ts';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const PROFILE = fileURLToPath(new URL('../../boards/sim-e1x2-china-no1.json', import.meta.url));
const missing = runUnderEmu(fileURLToPath(import.meta.url), 'spans=4 cable=1-3,2-4 clock=real', { HL_BOARD_DRIVER: 'dahdi' });

if (missing) skipTest('hotline diag r2 on the DAHDI driver', missing);
else {
  test('r2 on DAHDI in real time: the trace and counters of a China No.1 test call, live', () => {
    const r = spawnSync(process.execPath, [BIN, 'diag', 'r2', '--board', PROFILE, '--call', '0:3', '--watch', '--count', '6', '--json', '--realtime'], {
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const reps = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.is(reps[0].driver, 'dahdi');
    const states = reps.map((x) => x.channels[0].state as string);
    assert.ok(states.some((s) => s === 'in-register' || s === 'in-offered'), `seen during setup: ${states.join(',')}`);
    assert.is(reps[reps.length - 1].call.outcome, 'answered');
    const all = reps.flatMap((x) => x.channels[0].trace as string[]);
    assert.ok(all.some((l) => /rx {2}KA-1 {4}ordinary/.test(l)), all.join('\n'));
    assert.match(all[all.length - 1], /release guard$/);
    const c = reps[reps.length - 1].spans[0].counters;
    assert.equal([c.callsIn, c.offered, c.answered], [1, 1, 1]);
  });
}

test.run();
