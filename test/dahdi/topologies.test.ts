// T1 and analog ports on the DAHDI driver over the userspace DAHDI: a DAHDI
// profile with two T1 spans cabled to each other (24 channels each, mu-law on
// the line) and an FXS port group cabled to an FXO port group (the FXS port
// rings the phone line the FXO port sits on). Calls, answers, digits as dual
// tones through the detectors both ways, hang-ups, and the profile's channels
// as dahdi_scan (dahdi-tools) lists them from the same emulation.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { Board, BoardEvent, BoardProfile, Channel } from '../../src/board/types.ts';
import { skipTest, testUnless } from '../skip.ts';
import { EMU_LIB, runUnderEmu } from './emu.ts';

// DAHDI numbering span after span: T1 1-24, T1 25-48, FXS 49-52, FXO 53-56.
const CONFIG = 'spans=4 cable=1-2,3-4 clock=virtual kind=1:t1,2:t1,3:fxs/4,4:fxo/4';
const missing = runUnderEmu(fileURLToPath(import.meta.url), CONFIG);
const toolsMissing = spawnSync('sh', ['-c', 'command -v dahdi_scan'], { stdio: 'ignore' }).status === 0 ? null : 'dahdi-tools absent (dahdi_scan): apt-get install dahdi';

const PROFILE: BoardProfile = {
  name: 'dahdi-t1-analog',
  driver: 'dahdi',
  spans: [
    { type: 'T1', name: 'T1 A' },
    { type: 'T1', name: 'T1 B' },
    { type: 'analog', role: 'fxs', ports: 4, dahdiSpan: 3, basechan: 49, name: "agents' phones" },
    { type: 'analog', role: 'fxo', ports: 4, dahdiSpan: 4, basechan: 53, name: 'exchange lines' },
  ],
};

function collect(ch: Channel): BoardEvent[] {
  const events: BoardEvent[] = [];
  ch.events$.subscribe((e) => events.push(e));
  return events;
}
const types = (ev: BoardEvent[]) => ev.map((e) => e.type).join(',');

async function digitsAcross(board: Board, from: Channel, to: Channel, keys: string): Promise<void> {
  const got = to.getDigits({ max: keys.length, firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 3000 });
  const sent = from.sendDigits(keys);
  await board.advance(300 + 200 * keys.length);
  await sent;
  const r = await got;
  assert.is(r.digits, keys, `${from.name} -> ${to.name}: ${JSON.stringify(r)}`);
}

if (missing) {
  skipTest('T1 and analog ports on the DAHDI driver over the userspace DAHDI', missing);
} else {
  test('T1: a call from channel 24 to the far span, numbers, digits both ways through mu-law, hang-up', async () => {
    const board = await openBoard(PROFILE);
    try {
      assert.is(board.spans[0].channels.length, 24, 'a T1 has 24 channels');
      assert.throws(() => board.channel(0, 25), /channel 25 \(span 0 has T1 channels 1-24\)/);
      const a = board.channel(0, 24), b = board.channel(1, 24);
      const bEvents = collect(b);
      const placed = a.call({ callerNumber: '2125550100', calledNumber: '12315', timeoutMs: 5000 });
      await board.advance(60);
      const ring = bEvents.find((e) => e.type === 'ring') as { callerNumber?: string } | undefined;
      assert.ok(ring, `the far T1 channel rang: ${types(bEvents)}`);
      assert.is(ring.callerNumber, '2125550100');
      await b.answer();
      await board.advance(60);
      assert.is((await placed).reason, 'done');
      await digitsAcross(board, a, b, '1579#');
      await digitsAcross(board, b, a, '*0842');
      await a.hangup();
      await board.advance(200);
      assert.ok(bEvents.some((e) => e.type === 'hangup'), `the far end saw the hang-up: ${types(bEvents)}`);
      assert.is(a.state, 'idle');
      assert.is(b.state, 'idle');
      assert.is(board.stats().driverErrors, 0);
    } finally {
      await board.close();
    }
  });

  test('analog: the FXS port rings the line, the FXO port answers, digits both ways, the FXO port clears', async () => {
    const board = await openBoard(PROFILE);
    try {
      const fxs = board.channel(2, 1), fxo = board.channel(3, 1);
      const sEvents = collect(fxs), oEvents = collect(fxo);
      const ringing = fxs.call({ timeoutMs: 20000 });
      await board.advance(100);
      assert.ok(oEvents.some((e) => e.type === 'ring'), `the FXO port heard the ringing: ${types(oEvents)}`);
      const lineRing = oEvents.find((e) => e.type === 'line') as { kind?: string; value?: number } | undefined;
      assert.equal([lineRing?.kind, lineRing?.value], ['ring', 1], 'the ring burst came in its own slot');
      await fxo.answer();
      await board.advance(60);
      assert.is((await ringing).reason, 'done', 'the phone line answered');
      assert.ok(sEvents.some((e) => e.type === 'answer'));
      await digitsAcross(board, fxo, fxs, '123');
      await digitsAcross(board, fxs, fxo, '90#');
      await fxo.hangup();
      await board.advance(1200); // the FXS side waits 800 ms: a shorter on-hook is a flash
      assert.ok(sEvents.some((e) => e.type === 'hangup'), `the FXS port saw the line put down: ${types(sEvents)}`);
      assert.is(fxs.state, 'idle');
      assert.is(fxo.state, 'idle');
      assert.is(board.stats().driverErrors, 0);
    } finally {
      await board.close();
    }
  });

  test('analog: the FXO port calls out, the FXS port answers, polarity reversal tells the FXO port; the FXO port clears', async () => {
    const board = await openBoard(PROFILE);
    try {
      const fxs = board.channel(2, 2), fxo = board.channel(3, 2);
      const sEvents = collect(fxs), oEvents = collect(fxo);
      const out = fxo.call({ timeoutMs: 5000 });
      await board.advance(60);
      assert.ok(sEvents.some((e) => e.type === 'ring'), `the FXS port saw the line go off-hook: ${types(sEvents)}`);
      await fxs.answer();
      await board.advance(60);
      assert.is((await out).reason, 'done', 'answered: the polarity reversed');
      assert.ok(oEvents.some((e) => e.type === 'line' && e.kind === 'polarity' && e.value === 1), `polarity event: ${types(oEvents)}`);
      await digitsAcross(board, fxs, fxo, '55');
      await fxo.hangup();
      await board.advance(1200);
      assert.ok(sEvents.some((e) => e.type === 'hangup'), `the FXS port saw the hang-up: ${types(sEvents)}`);
      assert.is(fxs.state, 'idle');
      assert.is(fxo.state, 'idle');
      // The line is ready for the next call: ring it again.
      const again = fxs.call({ timeoutMs: 20000 });
      await board.advance(100);
      assert.is(fxo.state, 'ringing');
      await fxo.answer();
      await board.advance(60);
      assert.is((await again).reason, 'done');
    } finally {
      await board.close();
    }
  });

  testUnless(toolsMissing, 'dahdi_scan over the same emulation: T1 spans, FXS and FXO ports where the profile opens them', async () => {
    const scan = spawnSync('dahdi_scan', [], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: EMU_LIB } });
    assert.is(scan.status, 0, scan.stderr);
    const spans = scan.stdout.split(/^\[/m).slice(1);
    assert.is(spans.length, 4, scan.stdout);
    const board = await openBoard(PROFILE);
    try {
      for (const s of [0, 1]) {
        assert.match(spans[s], /type=digital-T1/);
        assert.match(spans[s], new RegExp(`totchans=${board.spans[s].channels.length}\\b`));
        assert.match(spans[s], new RegExp(`basechan=${s * 24 + 1}\\b`), 'dahdi_scan numbers the T1 as the profile defaults do');
      }
      for (const [s, kind, base] of [[2, 'FXS', 49], [3, 'FXO', 53]] as const) {
        assert.match(spans[s], /type=analog/);
        const ports = [...spans[s].matchAll(/^port=(\d+),(\w+)/gm)];
        assert.equal(ports.map((m) => Number(m[1])), board.spans[s].channels.map((_, i) => base + i), `span ${s + 1}'s ports are the profile's channels`);
        assert.ok(ports.every((m) => m[2] === kind), `dahdi_scan calls them ${kind} as the profile does: ${ports.map((m) => m[2])}`);
        assert.is(board.spans[s].kind, kind.toLowerCase());
      }
    } finally {
      await board.close();
    }
  });
}

test.run();
