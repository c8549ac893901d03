// Mixing into a bridged call (issue 11): a prompt or tone started with
// { mix: true } is added to what a routed channel sends (a recording beep or
// an agent-id announcement heard over the bridge), where the default still
// replaces it; and a routed channel joined to a conference with keepRoute
// keeps its route and hears the conference too (a supervisor who listens to
// or whispers into a bridged pair). Each party "speaks" a tone of its own
// frequency from the network side; what each hears is recorded there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openBoard } from '../../src/board/index.ts';
import type { Board, Channel } from '../../src/board/types.ts';
import { connect, readWav, sine, tonePowerDb } from './helpers.ts';

const PROFILE = new URL('../../boards/sim-e1x2.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hl-board-mix-'));
const HEARD = -30;
const NOT_HEARD = -50;
let seq = 0;

/** Every network party speaks its tone for `ms` while `during` runs; returns what each heard. */
async function heard(board: Board, nets: Channel[], freqs: number[], ms: number, during: () => void = () => {}): Promise<Int16Array[]> {
  const recs = nets.map((n) => n.record(join(dir, `h${seq++}.wav`), { maxMs: ms - 200 }));
  const talks = nets.map((n, i) => n.play({ encoding: 'pcm16', data: sine(freqs[i], ms) }));
  during();
  await board.advance(ms + 100);
  await Promise.all(talks);
  return (await Promise.all(recs)).map((r) => readWav(r.file).samples);
}

test('a prompt and a tone with mix: true are heard over the bridge with the other party; without it they replace the bridge', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[e0, n0], [e1, n1]] = await connect(board, [30, 31]);
    e0.route(e1);
    await board.advance(20);
    let beep: Promise<unknown> = Promise.resolve();
    let [h0] = await heard(board, [n0, n1], [500, 900], 1000, () => {
      beep = e0.play({ encoding: 'pcm16', data: sine(1400, 900, 4000) }, { mix: true });
    });
    await beep;
    assert.ok(tonePowerDb(h0, 1400, 400, 6000) > HEARD, `the caller hears the mixed announcement (${tonePowerDb(h0, 1400, 400, 6000).toFixed(1)} dB)`);
    assert.ok(tonePowerDb(h0, 900, 400, 6000) > HEARD, `and the agent over it (${tonePowerDb(h0, 900, 400, 6000).toFixed(1)} dB)`);
    [h0] = await heard(board, [n0, n1], [500, 900], 1000, () => {
      beep = e0.playTone('busy', { mix: true, durationMs: 900 });
    });
    await beep;
    assert.ok(tonePowerDb(h0, 450, 400, 6000) > HEARD - 6, `the caller hears the mixed tone (${tonePowerDb(h0, 450, 400, 6000).toFixed(1)} dB)`);
    assert.ok(tonePowerDb(h0, 900, 400, 6000) > HEARD, 'and the agent over the tone');
    [h0] = await heard(board, [n0, n1], [500, 900], 1000, () => {
      beep = e0.play({ encoding: 'pcm16', data: sine(1400, 900, 4000) });
    });
    await beep;
    assert.ok(tonePowerDb(h0, 1400, 400, 6000) > HEARD, 'default: the prompt is heard');
    assert.ok(tonePowerDb(h0, 900, 400, 6000) < NOT_HEARD, 'default: the prompt replaces the bridge (as the IVR relies on)');
    const bad = await e0.play({ encoding: 'pcm16', data: sine(1400, 100) }, { mix: 1 as unknown as boolean }).then(() => null, (e: Error) => e);
    assert.match(String(bad?.message), /mix takes true or false/);
  } finally {
    await board.close();
  }
});

test('keepRoute: a bridged agent joined to a conference hears the caller and a whispering supervisor; the caller hears neither twice nor the whisper', async () => {
  const board = await openBoard(PROFILE);
  try {
    const [[caller, nc], [agent, na], [sup, ns]] = await connect(board, [40, 41, 42]);
    caller.route(agent);
    await board.advance(20);
    const [refC] = await heard(board, [nc, na, ns], [500, 900, 1500], 1000);
    const alone = tonePowerDb(refC, 900, 400, 6000);
    const coach = board.createConference();
    coach.join(agent, { keepRoute: true });
    coach.join(sup, { mode: 'whisper', whisperTo: agent });
    await board.advance(20);
    const [hc, ha, hs] = await heard(board, [nc, na, ns], [500, 900, 1500], 1000);
    assert.ok(tonePowerDb(ha, 500, 400, 6000) > HEARD, `the agent still hears the caller over the route (${tonePowerDb(ha, 500, 400, 6000).toFixed(1)} dB)`);
    assert.ok(tonePowerDb(ha, 1500, 400, 6000) > HEARD, `the agent hears the whisper (${tonePowerDb(ha, 1500, 400, 6000).toFixed(1)} dB)`);
    assert.ok(tonePowerDb(hc, 1500, 400, 6000) < NOT_HEARD, 'the caller does not hear the whisper');
    assert.ok(Math.abs(tonePowerDb(hc, 900, 400, 6000) - alone) < 1, 'the caller hears the agent as before');
    assert.ok(tonePowerDb(hs, 900, 400, 6000) > HEARD, 'the supervisor hears the agent');
    coach.close();

    // Listening to the bridged pair: both in the conference, keeping their route.
    const listen = board.createConference();
    listen.join(caller, { keepRoute: true });
    listen.join(agent, { keepRoute: true });
    listen.join(sup, { mode: 'listen' });
    await board.advance(20);
    const [lc, la, ls] = await heard(board, [nc, na, ns], [500, 900, 1500], 1000);
    assert.ok(tonePowerDb(ls, 500, 400, 6000) > HEARD && tonePowerDb(ls, 900, 400, 6000) > HEARD, 'the supervisor hears both');
    assert.ok(Math.abs(tonePowerDb(lc, 900, 400, 6000) - alone) < 1, `the caller hears the agent once, not twice (${tonePowerDb(lc, 900, 400, 6000).toFixed(1)} vs ${alone.toFixed(1)} dB)`);
    assert.ok(tonePowerDb(la, 1500, 400, 6000) < NOT_HEARD && tonePowerDb(lc, 1500, 400, 6000) < NOT_HEARD, 'nobody hears the listener');
    listen.close();
  } finally {
    await board.close();
  }
});

test.run();
