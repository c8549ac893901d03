// Analog ports on the sim (loop start carried on CAS bits, as a channel bank
// does): an FXO port takes a call rung in by the exchange; an FXS port rings an
// agent's phone, which answers, is bridged to an E1 caller and hangs up; a
// handset lifted while idle gets dial tone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { ChannelEvent } from '../../src/board/types.ts';
import { connect, readWav, sine, tonePowerDb } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-mixed.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-analog-'));

test('profile: E1 span, 8 FXS ports, 4 FXO ports; the network side has the opposite roles', async () => {
  const board = await openBoard(PROFILE);
  try {
    assert.equal(board.spans.map((s) => s.kind), ['E1', 'fxs', 'fxo']);
    assert.equal(board.network!.spans.map((s) => s.kind), ['E1', 'fxo', 'fxs']);
    assert.is(board.channels.length, 30 + 8 + 4);
    assert.is(board.channel(1, 3).name, 'sim-mixed/1:fxs3');
    assert.is(board.channel(1, 3).index, 32);
    assert.is(board.group('agents').length, 8);
    assert.is(board.group('inbound').length, 32);
    assert.is(board.byRole('outbound').length, 2);
    const bad = (() => {
      try {
        board.channel(2, 5);
      } catch (e) {
        return (e as { code: string }).code;
      }
      return '';
    })();
    assert.is(bad, 'BOARD_CHANNEL_UNKNOWN', 'FXO port 5 does not exist');
  } finally {
    await board.close();
  }
});

test('FXO: the exchange rings with a calling number; answer, digits, the exchange clears', async () => {
  const board = await openBoard(PROFILE);
  try {
    const fxo = board.channel(2, 2);
    const line = board.network!.channel(2, 2);
    const evs: ChannelEvent[] = [];
    fxo.events$.subscribe((e) => evs.push(e));
    const call = line.call({ callerNumber: '01066668888' });
    await board.advance(40);
    const ring = evs.find((e) => e.type === 'ring');
    assert.ok(ring && ring.type === 'ring' && ring.callerNumber === '01066668888', 'ring with the calling number');
    assert.is(fxo.index, 30 + 8 + 1, 'board-wide index after the E1 span and the 8 FXS ports');
    await fxo.answer();
    await board.advance(40);
    assert.is((await call).reason, 'done');
    const got = fxo.getDigits({ max: 3 });
    const sent = line.sendDigits('315');
    await board.advance(800);
    await sent;
    assert.is((await got).digits, '315');
    // The FXO port flashes toward the exchange (e.g. to transfer), which sees a flash.
    const exchange: string[] = [];
    line.events$.subscribe((e) => exchange.push(e.type));
    const fl = fxo.flash({ durationMs: 200 });
    await board.advance(400);
    assert.is((await fl).reason, 'done');
    assert.ok(exchange.includes('flash'), 'the exchange saw the flash');
    assert.is(line.state, 'connected');
    await line.hangup();
    await board.advance(60);
    assert.ok(evs.some((e) => e.type === 'hangup' && e.cause === 'remote'), 'hangup when the exchange clears');
    assert.is(fxo.state, 'idle');
  } finally {
    await board.close();
  }
});

test('FXS: ring an agent phone, bridge it to an E1 caller, the agent hangs up; a lifted handset gets dial tone', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[trunk, caller]] = await connect(board, [0]);
    const port = board.channel(1, 1);
    const phone = board.network!.channel(1, 1);
    const portEvents: ChannelEvent[] = [];
    port.events$.subscribe((e) => portEvents.push(e));
    const ringing = port.call({ timeoutMs: 30000 });
    await board.advance(40);
    assert.is(phone.state, 'ringing', 'the phone rings');
    await phone.answer(); // the agent lifts the handset
    await board.advance(40);
    assert.is((await ringing).reason, 'done');
    assert.ok(portEvents.some((e) => e.type === 'answer'), 'answer when the handset is lifted');
    trunk.route(port); // caller <-> agent
    await board.advance(20);
    const heard = phone.record(join(dir, 'agent.wav'), { maxMs: 600 });
    const say = caller.play({ encoding: 'pcm16', data: sine(900, 800) });
    await board.advance(900);
    await say;
    assert.ok(tonePowerDb(readWav((await heard).file).samples, 900, 400, 4400) > -30, 'the agent hears the caller');
    // A hook flash (300 ms on-hook) is reported as such; the call stays up.
    const fl = phone.flash();
    await board.advance(500);
    assert.is((await fl).reason, 'done');
    assert.is(portEvents.filter((e) => e.type === 'flash').length, 1, 'one flash event');
    assert.is(port.state, 'connected', 'a flash is not a hang-up');
    assert.not.ok(portEvents.some((e) => e.type === 'hangup'));
    await phone.hangup(); // handset down
    await board.advance(500);
    assert.is(port.state, 'connected', 'on-hook under 800 ms could still be a flash');
    await board.advance(500);
    assert.ok(portEvents.some((e) => e.type === 'hangup'), 'hangup when the handset stays down');
    assert.not.ok(portEvents.filter((e) => e.type === 'flash').length > 1, 'the hang-up was not taken for a flash');
    await board.advance(100);
    assert.is(port.state, 'idle');

    // Handset lifted while idle: the port sees it as 'ring'; the engine answers and gives dial tone.
    const tones: string[] = [];
    const phone2 = board.network!.channel(1, 2);
    phone2.setDetectors({ tones: true });
    phone2.events$.subscribe((e) => {
      if (e.type === 'tone') tones.push(e.tone);
    });
    const port2 = board.channel(1, 2);
    const lifted = phone2.call();
    await board.advance(40);
    assert.is(port2.state, 'ringing');
    await port2.answer();
    await board.advance(40);
    await lifted;
    const dial = port2.playTone('dial', { durationMs: 2000 });
    await board.advance(2100);
    await dial;
    assert.equal(tones, ['dial'], 'the handset hears dial tone');
  } finally {
    await board.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
