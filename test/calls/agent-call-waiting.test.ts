// 呼叫等待提示: an agent on a call is told when another call joins his queue
// (queue, waiting, longest wait, over the seat events), and with the tone
// configured he hears a short double beep in his ear; the caller he talks
// with does not. Audio by correlation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CALL_WAITING_TONE, type CallWaitingEvent } from '../../src/calls/call-waiting.ts';
import { agentHarness, heardIn, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

const beep = (CALL_WAITING_TONE.data as Int16Array).subarray(0, 800);

for (const tone of [true, false]) {
  test(`a second caller joins the queue while 1001 talks: call-waiting event${tone ? ' and a tone in his ear only' : ', no tone unless configured'}`, async () => {
    h = await agentHarness(roster(1), { callWaitingTone: tone });
    const e = h.engine;
    h.login('1001');
    const a1 = h.stations[0];
    const seen: CallWaitingEvent[] = [];
    e.core.callWaiting!.events$.subscribe((x) => seen.push(x));
    const c1 = h.caller(1);
    const c2 = h.caller(2, '13900000002');
    let t0 = 0;
    let t1 = 0;
    await h.run(
      (async () => {
        t0 = e.board.now();
        await h.toStation(c1, a1);
        await h.sleep(500);
        assert.is(seen.length, 0, 'no indication for the call he took');
        t1 = e.board.now();
        await h.toAgent(c2);
        await h.sleep(1500);
      })(),
    );
    const f1 = await h.run(c1.hangup());
    await h.run(c2.hangup());
    await h.run(e.core.idle());
    const agentFile = await h.run(a1.hangUp());
    assert.is(seen.length, 1, 'one indication');
    assert.is(seen[0].agentId, '1001');
    assert.is(seen[0].queue, 'agents');
    assert.is(seen[0].waiting, 1);
    const inEar = score(heardIn(agentFile), beep);
    if (tone) assert.ok(inEar > 0.8, `the agent hears the tone (${inEar.toFixed(2)})`);
    else assert.ok(inEar < 0.5, `no tone when not configured (${inEar.toFixed(2)})`);
    // From the second caller's dial on (before, the first caller heard the IVR and music, which have 440 Hz notes).
    const from = Math.max(0, Math.round(((t1 - t0) * 8000) / 1000) - 4000);
    const callerHeard = score(heardIn(f1), beep, from);
    assert.ok(callerHeard < 0.5, `the caller never hears it (${callerHeard.toFixed(2)})`);
    await e.core.acd!.settled();
    assert.equal(e.core.acd!.check(), []);
  });
}

test.run();
