// The TDM switch: routes and conferences. Each party "speaks" a tone of its
// own frequency from the network side; what each party hears is recorded on
// the network side and analysed per frequency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import { connect, readWav, sine, tonePowerDb } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-conf-'));
const HEARD = -30; // dB re full scale: a tone at 8000 peak is about -12 dB
const NOT_HEARD = -50; // A-law distortion products of the other tones sit near -58 dB

test('conference of four: each hears the other three and not itself; listen is heard by nobody; whisper only by its target', async () => {
  const board = await openBoard(PROFILE);
  try {
    const pairs = await connect(board, [0, 1, 2, 3, 4, 5]);
    const freqs = [500, 800, 1100, 1400, 1700, 2000];
    const conf = board.createConference();
    for (let i = 0; i < 4; i++) conf.join(pairs[i][0]);
    conf.join(pairs[4][0], { mode: 'listen' });
    conf.join(pairs[5][0], { mode: 'whisper', whisperTo: pairs[0][0] });
    await board.advance(20);
    const recs = pairs.map(([, net], i) => net.record(join(dir, `party${i}.wav`), { maxMs: 1500 }));
    const talks = pairs.map(([, net], i) => net.play({ encoding: 'pcm16', data: sine(freqs[i], 2000) }));
    await board.advance(2200);
    await Promise.all(talks);
    const heard = (await Promise.all(recs)).map((r) => readWav(r.file).samples);
    const level = (who: number, f: number) => tonePowerDb(heard[who], freqs[f], 400, 11000);
    for (let who = 0; who < 4; who++) {
      for (let f = 0; f < 4; f++) {
        if (f === who) assert.ok(level(who, f) < NOT_HEARD, `party ${who} hears itself at ${level(who, f).toFixed(1)} dB`);
        else assert.ok(level(who, f) > HEARD, `party ${who} does not hear party ${f} (${level(who, f).toFixed(1)} dB)`);
      }
      assert.ok(level(who, 4) < NOT_HEARD, `party ${who} hears the listener (${level(who, 4).toFixed(1)} dB)`);
      if (who === 0) assert.ok(level(who, 5) > HEARD, `the whisper target does not hear the whisperer (${level(who, 5).toFixed(1)} dB)`);
      else assert.ok(level(who, 5) < NOT_HEARD, `party ${who} hears the whisper meant for party 0 (${level(who, 5).toFixed(1)} dB)`);
    }
    for (let f = 0; f < 4; f++) {
      assert.ok(level(4, f) > HEARD, `the listener does not hear party ${f}`);
      assert.ok(level(5, f) > HEARD, `the whisperer does not hear party ${f}`);
    }
    assert.ok(level(4, 5) < NOT_HEARD, 'the listener hears the whisper');
    conf.close();
    assert.is(conf.members.length, 0);
  } finally {
    await board.close();
  }
});

test('route: full duplex joins two calls; half duplex carries one way only', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[e0, n0], [e1, n1]] = await connect(board, [10, 11]);
    e0.route(e1, { duplex: 'half' }); // e1 sends what e0 receives
    await board.advance(20);
    let r0 = n0.record(join(dir, 'r0.wav'), { maxMs: 800 });
    let r1 = n1.record(join(dir, 'r1.wav'), { maxMs: 800 });
    let t0 = n0.play({ encoding: 'pcm16', data: sine(700, 1000) });
    let t1 = n1.play({ encoding: 'pcm16', data: sine(1300, 1000) });
    await board.advance(1100);
    await Promise.all([t0, t1]);
    let h0 = readWav((await r0).file).samples;
    let h1 = readWav((await r1).file).samples;
    assert.ok(tonePowerDb(h1, 700, 200, 6000) > HEARD, 'half duplex: n1 hears n0');
    assert.ok(tonePowerDb(h0, 1300, 200, 6000) < NOT_HEARD, 'half duplex: n0 does not hear n1');
    e0.route(e1); // full
    await board.advance(20);
    r0 = n0.record(join(dir, 'r0b.wav'), { maxMs: 800 });
    r1 = n1.record(join(dir, 'r1b.wav'), { maxMs: 800 });
    t0 = n0.play({ encoding: 'pcm16', data: sine(700, 1000) });
    t1 = n1.play({ encoding: 'pcm16', data: sine(1300, 1000) });
    await board.advance(1100);
    await Promise.all([t0, t1]);
    h0 = readWav((await r0).file).samples;
    h1 = readWav((await r1).file).samples;
    assert.ok(tonePowerDb(h1, 700, 200, 6000) > HEARD, 'full duplex: n1 hears n0');
    assert.ok(tonePowerDb(h0, 1300, 200, 6000) > HEARD, 'full duplex: n0 hears n1');
    e0.unroute();
    await board.advance(20);
    r0 = n0.record(join(dir, 'r0c.wav'), { maxMs: 500 });
    t1 = n1.play({ encoding: 'pcm16', data: sine(1300, 600) });
    await board.advance(700);
    await t1;
    h0 = readWav((await r0).file).samples;
    assert.ok(tonePowerDb(h0, 1300, 200, 3600) < NOT_HEARD, 'after unroute nothing passes');
  } finally {
    await board.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
