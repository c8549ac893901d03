// Bad input gets a stable code and a sentence, and the board keeps running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, timer } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BoardErrors, openBoard } from '../../src/board/index.ts';
import { HotlineError } from '../../src/errors.ts';
import { connect } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-err-'));

async function code(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof HotlineError, `not a HotlineError: ${e}`);
    const h = e as HotlineError;
    assert.ok(h.message.length > 20, `message too short: '${h.message}'`);
    return { code: h.code, message: h.message };
  }
  throw new assert.Assertion({ message: 'no error was thrown', generated: false, operator: 'throws', expects: 'an error', actual: 'none' });
}

function wav(rate: number, format = 6, channels = 1): Buffer {
  const n = 800;
  const b = Buffer.alloc(44 + n);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(format, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * channels, 28);
  b.writeUInt16LE(channels, 32);
  b.writeUInt16LE(8, 34);
  b.write('data', 36);
  b.writeUInt32LE(n, 40);
  b.fill(0xd5, 44);
  return b;
}

test('profiles: missing, not JSON, malformed', async () => {
  assert.is((await code(() => openBoard(join(dir, 'nope.json')))).code, 'BOARD_PROFILE_MISSING');
  writeFileSync(join(dir, 'bad.json'), '{ "name": ');
  assert.is((await code(() => openBoard(join(dir, 'bad.json')))).code, 'BOARD_PROFILE_INVALID');
  const e = await code(() => openBoard({ name: 'x', driver: 'sim', spans: [{ type: 'T3' }] } as never));
  assert.is(e.code, 'BOARD_PROFILE_INVALID');
  assert.match(e.message, '#/spans/0/type');
  // No DAHDI here (no card, no userspace DAHDI loaded): refused with what to do.
  const d = await code(() => openBoard({ name: 'x', driver: 'dahdi', spans: [{ type: 'E1' }] }));
  assert.ok(d.code === 'HL_EDAHDI_NODEV' || d.code === 'HL_EDAHDI_ABSENT', `${d.code}: ${d.message}`);
  assert.match(d.message, d.code === 'HL_EDAHDI_NODEV' ? /\/dev\/dahdi\/ctl .*modprobe/ : /apt-get install dahdi-source/);
  const f = await code(() => openBoard({ name: 'x', driver: 'fed', spans: [{ type: 'E1' }] }));
  assert.match(f.message, 'not built yet');
  assert.is((await code(() => openBoard({ name: 'x', driver: 'sim', spans: [] }))).code, 'BOARD_PROFILE_INVALID');
  assert.is((await code(() => openBoard({ name: 'x', driver: 'sim', spans: [{ type: 'E1' }], groups: { a: '3:1-5' } }))).code, 'BOARD_PROFILE_INVALID');
  assert.is((await code(() => openBoard(PROFILE, { mode: 'fast' as never }))).code, 'BOARD_ARG');
});

test('bad commands get codes and the board keeps running', async () => {
  const board = await openBoard(PROFILE, { baseDir: dir });
  try {
    assert.is((await code(() => board.channel(60))).code, 'BOARD_CHANNEL_UNKNOWN');
    assert.is((await code(() => board.channel(0, 16))).code, 'BOARD_CHANNEL_UNKNOWN');
    assert.is((await code(() => board.group('nope'))).code, 'BOARD_CHANNEL_UNKNOWN');
    assert.is(board.group('inbound').length, 60);
    const idle = board.channel(20);
    assert.is((await code(() => idle.play({ encoding: 'alaw', data: new Uint8Array(80) }))).code, 'BOARD_NOT_CONNECTED');
    assert.is((await code(() => idle.getDigits())).code, 'BOARD_NOT_CONNECTED');
    assert.is((await code(() => idle.answer())).code, 'BOARD_STATE');
    const [[eng, net]] = await connect(board, [0]);
    assert.is((await code(() => eng.play('missing.wav'))).code, 'BOARD_FILE_NOT_FOUND');
    writeFileSync(join(dir, 'wide.wav'), wav(16000));
    const f = await code(() => eng.play('wide.wav'));
    assert.is(f.code, 'BOARD_FILE_FORMAT');
    assert.match(f.message, '16000');
    writeFileSync(join(dir, 'stereo.wav'), wav(8000, 6, 2));
    assert.is((await code(() => eng.play('stereo.wav'))).code, 'BOARD_FILE_FORMAT');
    writeFileSync(join(dir, 'text.wav'), 'this is not audio at all, just text');
    assert.is((await code(() => eng.play(['text.wav']))).code, 'BOARD_FILE_FORMAT');
    assert.is((await code(() => eng.play([]))).code, 'BOARD_ARG');
    assert.is((await code(() => eng.play({ encoding: 'gsm', data: new Uint8Array(2) } as never))).code, 'BOARD_ARG');
    assert.is((await code(() => eng.record(join(dir, 'no/such/folder/x.wav')))).code, 'BOARD_FILE_NOT_FOUND');
    assert.is((await code(() => eng.getDigits({ max: 0 }))).code, 'BOARD_ARG');
    assert.is((await code(() => eng.getDigits({ terminators: 'x' }))).code, 'BOARD_ARG');
    assert.is((await code(() => net.sendDigits('12x'))).code, 'BOARD_ARG');
    assert.is((await code(() => net.playTone('siren' as never))).code, 'BOARD_ARG');
    assert.is((await code(() => board.spans[0].impair({ snrDb: 500 }))).code, 'BOARD_ARG');
    assert.is((await code(() => board.advance(-1))).code, 'BOARD_ARG');
    // Still running: a valid 8 kHz WAV plays, digits arrive.
    writeFileSync(join(dir, 'ok.wav'), wav(8000));
    const p = eng.play('ok.wav');
    const g = eng.getDigits({ max: 2 });
    const s = net.sendDigits('42');
    await board.advance(600);
    assert.is((await p).reason, 'done');
    await s;
    assert.is((await g).digits, '42');
    // Every code used is in the catalog.
    for (const c of ['BOARD_PROFILE_MISSING', 'BOARD_FILE_FORMAT', 'BOARD_NOT_CONNECTED']) assert.ok(c in BoardErrors);
  } finally {
    await board.close();
  }
  assert.is((await code(() => board.advance(10))).code, 'BOARD_CLOSED');
});

test('stepped-only and real-time-only calls', async () => {
  const board = await openBoard(PROFILE, { mode: 'realtime' });
  try {
    assert.is((await code(() => board.advance(10))).code, 'BOARD_MODE');
    // Board time moves by itself: a 300 ms timer on the board clock fires (the
    // event we wait for, bounded in wall time), and never before 300 ms of wall
    // time have passed. How late it fires depends on the machine's load, so
    // only the lower bound is checked (latency is measured by the bench).
    const t0 = board.now();
    const w0 = performance.now();
    let guard: NodeJS.Timeout | undefined;
    const fired = await Promise.race([
      firstValueFrom(timer(300, board.scheduler)).then(() => true),
      new Promise<false>((r) => (guard = setTimeout(r, 10_000, false))),
    ]);
    clearTimeout(guard);
    const wall = performance.now() - w0;
    assert.ok(fired, 'board time did not move 300 ms in 10 s of wall time');
    assert.ok(board.now() - t0 >= 300, `board time moved ${board.now() - t0} ms`);
    assert.ok(wall >= 300 - 2 * board.tickMs, `300 ms of board time passed in ${wall.toFixed(0)} ms of wall time`);
  } finally {
    await board.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
