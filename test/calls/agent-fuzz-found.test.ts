// What the fuzz of live calls over the seat socket (test/seats/fuzz-calls.test.ts)
// found, each pinned here by a focused test on the simulated board.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

/** Two agents (1001, 1002) on handset telephones, `ready` logged in ready, a caller on 0:1. */
async function twoAgents(...ready: string[]) {
  h = await agentHarness(roster(2, 'linear'));
  const e = h.engine;
  h.login(...ready);
  return { e, sb: e.core.switchboard!, acd: e.core.acd!, ops: e.core.ops!, a1: h.stations[0], a2: h.stations[1], c: h.caller(1) };
}

/** The caller and both telephones hang up; every call ends with the ACD's invariants intact. */
async function endAll(x: Awaited<ReturnType<typeof twoAgents>>): Promise<void> {
  await h.run(x.c.hangup());
  for (const st of [x.a1, x.a2]) await h.run(st.hangUp());
  await h.run(x.e.core.idle());
  await x.e.core.outbound!.settled();
  assert.equal(x.acd.check(), []);
}

test('an offer that fails (the headset put down during the zip tone) leaves the call in the queue phase, not "ringing" with nothing ringing', async () => {
  const x = await twoAgents('1001');
  const { e, sb, acd, a1, a2, c } = x;
  let callId = '';
  await h.run(
    (async () => {
      await a1.liftHandset();
      await h.sleep(300);
      await h.toAgent(c);
      for (let i = 0; i < 200 && sb.callOf('1001')?.state !== 'offered'; i++) await h.sleep(100);
      callId = sb.callOf('1001')!.callId;
      const call = () => e.core.activeCalls.find((x) => x.id === callId)!;
      assert.is(call().phase, 'ringing', 'offered to 1001 (zip tone)');
      await a1.hangUp();
      await h.sleep(1500);
      assert.equal([acd.agent('1001').state, acd.agent('1001').reason], ['notReady', 'offer-failed']);
      assert.is(sb.callOf('1001'), null);
      assert.is(call().phase, 'queue', 'nothing rings: the call waits in the queue phase');
      assert.is(acd.queue('agents').waiting, 1);
      // The next offer rings again.
      h.login('1002');
      assert.ok(await a2.waitRing(5000), '1002 rings');
      assert.is(call().phase, 'ringing');
    })(),
  );
  await endAll(x);
});

test('the consulted agent logs out during the consultation: consult-complete is refused and changes nothing; the agent hanging up then releases him, his station not left held', async () => {
  const x = await twoAgents('1001');
  const { e, sb, acd, ops, a1, a2, c } = x;
  let callId = '';
  await h.run(
    (async () => {
      await h.toStation(c, a1);
      await h.sleep(300);
      callId = sb.callOf('1001')!.callId;
      h.login('1002');
      await h.consulted('1001', { agent: '1002' }, a2);
      acd.logout('1002');
      assert.throws(() => ops.complete('1001'), (x: { code?: string }) => x.code === 'ACD_TARGET_NOT_READY');
      const call = e.core.activeCalls.find((x) => x.id === callId)!;
      assert.equal([ops.inOperation('1001'), call.phase, acd.stationTaken('1002'), acd.agent('1001').state], [true, 'consulting', true, 'held'], 'the refusal changed nothing');
      // Hanging up on the consultation would complete it; he cannot take the call, so he is released.
      await a1.hangUp();
      await h.sleep(1500);
      assert.not.ok(acd.stationTaken('1002'), 'no operation holds 1002\'s station any more');
      assert.is(a2.offHook, false, 'his handset line was cleared');
      assert.is(sb.station('1002')!.state, 'idle');
      assert.is(acd.agent('1002').state, 'loggedOut');
    })(),
  );
  await endAll(x);
  assert.ok(await e.store.getCallRecord(callId));
});

test('a call waiting when an intercom call ends rings the called agent\'s telephone once its line is cleared (no zip tone into a line being hung up)', async () => {
  const x = await twoAgents('1002');
  const { e, sb, acd, a1, a2, c } = x;
  await h.run(
    (async () => {
      await a1.liftHandset();
      await h.sleep(300);
      const placed = e.core.outbound!.place('1001', { agent: '1002' });
      assert.ok(await a2.waitRing(5000), '1002 is called');
      await a2.liftHandset();
      assert.ok(await placed.connected);
      assert.equal([acd.agent('1002').state, acd.agent('1002').reason], ['notReady', 'intercom']);
      await h.toAgent(c);
      await h.sleep(1000);
      assert.is(acd.queue('agents').waiting, 1, 'the caller waits: 1002 is on the intercom call');
      e.core.outbound!.hangup('1001');
      // 1002's line is cleared by the end of the intercom call; the waiting call rings his telephone, which he can answer.
      assert.ok(await a2.waitRing(3000), 'the offer rings 1002\'s telephone');
      assert.is(acd.agent('1002').state, 'ringing');
      await a2.liftHandset();
      await h.sleep(300);
      assert.is(sb.callOf('1002')?.state, 'talking');
    })(),
  );
  await endAll(x);
});

test('with every outbound trunk busy, a transfer, consultation or 座席呼出 to a number is refused with CALL_NO_TRUNK and changes nothing (it was accepted, then held or cut the caller off)', async () => {
  const x = await twoAgents('1001');
  const { e, sb, acd, ops, a1, a2, c } = x;
  const trunks = [3, 4].map((p) => e.board.channel(2, p));
  await h.run(
    (async () => {
      await h.toStation(c, a1);
      await h.sleep(300);
      const callId = sb.callOf('1001')!.callId;
      // Both exchange lines taken (a colleague's calls out, here seized directly).
      for (const t of trunks) void t.call({ calledNumber: '88009999', timeoutMs: 60_000 }).catch(() => undefined);
      await h.sleep(100);
      const noTrunk = (x: { code?: string }) => x.code === 'CALL_NO_TRUNK';
      assert.throws(() => ops.transfer('1001', { number: '88001234' }), noTrunk);
      assert.throws(() => ops.consult('1001', { number: '88001234' }), noTrunk);
      await a2.liftHandset();
      await h.sleep(300);
      assert.throws(() => e.core.outbound!.place('1002', { number: '88001234' }), noTrunk);
      const call = e.core.activeCalls.find((k) => k.id === callId)!;
      assert.equal([call.phase, sb.callOf('1001'), acd.agent('1001').state, ops.inOperation('1001'), acd.stationTaken('1002')], ['talking', { callId, state: 'talking' }, 'talking', false, false], 'nothing changed');
      for (const t of trunks) await t.hangup().catch(() => undefined);
    })(),
  );
  await endAll(x);
});

test.run();
