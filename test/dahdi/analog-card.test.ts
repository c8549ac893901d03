// boards/dahdi-analog.json on the DAHDI driver over the userspace DAHDI: an
// analog card as DAHDI has it, one span of FXS modules (ports 1-4, the
// agents' phones) and FXO modules (5-8, the exchange lines), each profile
// port group a run of that span's channels. The emulation patches FXS port p
// to FXO port 4 + p, so the board's own station port rings its own exchange
// line: ring, answer, digits both ways, clear; dahdi_scan sees the same ports.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { BoardEvent } from '../../src/board/types.ts';
import { skipTest, testUnless } from '../skip.ts';
import { EMU_LIB, runUnderEmu } from './emu.ts';

const PROFILE = fileURLToPath(new URL('../../boards/dahdi-analog.json', import.meta.url));
const missing = runUnderEmu(fileURLToPath(import.meta.url), 'spans=1 kind=1:mix/4/4 clock=virtual');
const toolsMissing = spawnSync('sh', ['-c', 'command -v dahdi_scan'], { stdio: 'ignore' }).status === 0 ? null : 'dahdi-tools absent (dahdi_scan): apt-get install dahdi';

if (missing) {
  skipTest('an analog DAHDI card (boards/dahdi-analog.json) over the userspace DAHDI', missing);
} else {
  test('a station port rings an exchange line of the same card; the line answers; digits both ways; the line clears', async () => {
    const board = await openBoard(PROFILE);
    try {
      const phone = board.channel(0, 2), line = board.channel(1, 2);
      assert.is(phone.role, 'station');
      assert.is(line.role, 'inbound');
      const lineEvents: BoardEvent[] = [];
      line.events$.subscribe((e) => lineEvents.push(e));
      const rung = phone.call({ timeoutMs: 20000 });
      await board.advance(100);
      assert.ok(lineEvents.some((e) => e.type === 'ring'), `the exchange line rang: ${lineEvents.map((e) => e.type)}`);
      await line.answer();
      await board.advance(60);
      assert.is((await rung).reason, 'done');
      for (const [from, to, keys] of [[line, phone, '4711'], [phone, line, '#2']] as const) {
        const got = to.getDigits({ max: keys.length, firstDigitTimeoutMs: 5000 });
        const sent = from.sendDigits(keys);
        await board.advance(300 + 200 * keys.length);
        await sent;
        assert.is((await got).digits, keys, `${from.name} -> ${to.name}`);
      }
      await line.hangup();
      await board.advance(1200);
      assert.is(phone.state, 'idle');
      assert.is(line.state, 'idle');
      assert.is(board.stats().driverErrors, 0);
    } finally {
      await board.close();
    }
  });

  testUnless(toolsMissing, 'dahdi_scan lists the ports of the one analog span as the profile names them', async () => {
    const scan = spawnSync('dahdi_scan', [], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: EMU_LIB } });
    assert.is(scan.status, 0, scan.stderr);
    const ports = [...scan.stdout.matchAll(/^port=(\d+),(\w+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    const board = await openBoard(PROFILE);
    try {
      const mine = board.spans.flatMap((s, i) => s.channels.map((_, k) => `${(i === 0 ? 1 : 5) + k}:${s.kind.toUpperCase()}`));
      assert.equal(ports, mine);
    } finally {
      await board.close();
    }
  });
}

test.run();
