// Conference membership bookkeeping: a channel moved from one conference to
// another stays where it went when the first one closes; a full conference
// refuses a member instead of dropping it silently.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { HotlineError } from '../../src/errors.ts';
import { connect, readWav, sine, tonePowerDb } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-board-confm-'));
const HEARD = -30;

test('a channel that joined conference B keeps hearing B after conference A, which it left by joining B, closes', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const [[e0, n0], [e1], [e2, n2]] = await connect(board, [0, 1, 2]);
    const a = board.createConference();
    const b = board.createConference();
    a.join(e0);
    a.join(e1);
    b.join(e0); // moves e0 from A to B
    b.join(e2);
    assert.not.ok(a.members.some((m) => m.channel === e0), 'A no longer lists the channel that moved to B');
    a.close();
    assert.ok(b.members.some((m) => m.channel === e0));
    await board.advance(20);
    const rec = n0.record(join(dir, 'b0.wav'), { maxMs: 800 });
    const talk = n2.play({ encoding: 'pcm16', data: sine(900, 1000) });
    await board.advance(1100);
    await talk;
    const heard = readWav((await rec).file).samples;
    const lvl = tonePowerDb(heard, 900, 200, 6000);
    assert.ok(lvl > HEARD, `e0 no longer hears conference B after A closed (${lvl.toFixed(1)} dB)`);
    b.close();
  } finally {
    await board.close();
  }
});

test('a conference holds 32 members; the 33rd join is refused with BOARD_BUSY and the board keeps running', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const conf = board.createConference();
    for (let i = 0; i < 32; i++) conf.join(board.channel(i));
    let err: HotlineError | null = null;
    try {
      conf.join(board.channel(32));
    } catch (e) {
      err = e as HotlineError;
    }
    assert.ok(err, 'the 33rd join throws');
    assert.is(err!.code, 'BOARD_BUSY');
    assert.ok(/32/.test(err!.message), err!.message);
    assert.is(conf.members.length, 32);
    // Rejoining a member (a mode change) is not a new member.
    conf.join(board.channel(0), { mode: 'listen' });
    assert.is(conf.members.length, 32);
    await board.advance(50);
    conf.close();
  } finally {
    await board.close();
  }
});

test('a member whose call ends leaves the member list (the switch dropped it); it can join again on its next call', async () => {
  const board = await openBoard('boards/sim-e1x2.json');
  try {
    const [[e0, n0], [e1], [e2]] = await connect(board, [20, 21, 22]);
    const conf = board.createConference();
    for (const e of [e0, e1, e2]) conf.join(e);
    await board.advance(20);
    assert.is(conf.members.length, 3);
    await n0.hangup();
    await board.advance(100);
    assert.is(e0.state, 'idle');
    assert.equal(
      conf.members.map((m) => m.channel),
      [e1, e2].filter((c) => conf.members.some((m) => m.channel === c)),
    );
    assert.not.ok(conf.members.some((m) => m.channel === e0), 'the hung-up channel is no longer listed');
    assert.is(conf.members.length, 2);
    // Next call on the same timeslot: joins again and hears the others.
    await connect(board, [20]);
    conf.join(e0);
    assert.is(conf.members.length, 3);
    await board.advance(20);
    const rec = n0.record(join(dir, 'again.wav'), { maxMs: 800 });
    const talk = board.network!.channel(21).play({ encoding: 'pcm16', data: sine(1200, 1000) });
    await board.advance(1100);
    await talk;
    const lvl = tonePowerDb(readWav((await rec).file).samples, 1200, 200, 6000);
    assert.ok(lvl > HEARD, `rejoined member hears the conference (${lvl.toFixed(1)} dB)`);
    conf.close();
  } finally {
    await board.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
