// Callback requests from the queue ("press 1 and we will call you back"),
// on the sim board: the key travels as DTMF audio from the simulated caller
// through the line's detector; the caller confirms his caller id or keys
// another number; the request lands on the ACD's callback list (queue log)
// and the case store's (the seat API's `callbacks`), the caller leaves the
// queue (outcome callback), and an agent calls him back from the list.
// Also: the queue overflowing to callback after its maximum wait.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStation } from '../../src/calls/sim-station.ts';
import { runCaseMessage } from '../../src/seats/cases.ts';
import { openEngine } from '../../src/calls/engine.ts';
import { MONDAY_10AM } from '../ivr/_harness.ts';
import { agentHarness, callBack, heardIn, MIXED, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

const agentSession = { token: 't', agentId: '1001', role: 'agent' as const, expiresAt: Number.MAX_SAFE_INTEGER };

test('press 1 while waiting: the offer is announced, the caller confirms his number, leaves the queue for the callback list (queue log, store, seat API); an agent calls him back', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { callbackKey: '1', announce: { periodicEveryMs: 4000 } }));
  const e = h.engine;
  const acd = e.core.acd!;
  acd.login('1001'); // not ready: the caller waits
  const c = h.caller(5, '13811112222');
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(14_000); // music, then "all agents are busy … press 1 and we will call you back"
      await c.press('1');
      await h.sleep(13_000); // "we will call you back on 13811112222; to confirm press 1 …"
      await c.press('1');
      await h.sleep(9000); // "your callback request is registered … goodbye", then the line clears
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  const heard = heardIn(f);
  for (const id of ['queue_periodic', 'queue_callback_offer', 'callback_confirm', 'callback_confirm_keys', 'callback_registered']) {
    const sc = score(heard, prompt(e, 'zh', id));
    assert.ok(sc > 0.8, `'${id}' heard (score ${sc.toFixed(2)})`);
  }
  assert.ok(score(heard, prompt(e, 'zh', 'digit_8')) > 0.8, 'his number read back');
  await acd.settled();
  const log = [...e.queueLog!.events()];
  const ov = log.find((x) => x.type === 'overflow');
  assert.ok(ov && ov.type === 'overflow' && ov.reason === 'callback-request' && ov.target === 'callback', `left the queue for a callback: ${JSON.stringify(ov)}`);
  assert.ok(log.some((x) => x.type === 'callback' && x.number === '13811112222'), 'the confirmed number is in the queue log');
  const entry = acd.callbacks().find((x) => x.callId === h.ended[0].id);
  assert.ok(entry && entry.reason === 'requested' && entry.number === '13811112222', `on the ACD's callback list: ${JSON.stringify(acd.callbacks())}`);
  assert.is(acd.activeCalls, 0, 'out of the queue');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'callback');
  assert.is(rec!.caseNumbers?.length, 1, 'the request case is linked to the call');
  const seat = (await runCaseMessage(e.store, agentSession, { type: 'callbacks' } as never)) as { cases: { number: string }[] };
  assert.ok(seat.cases.some((x) => x.number === rec!.caseNumbers![0]), 'on the seat API\'s callback list');
  const kase = await e.store.getCase(rec!.caseNumbers![0]);
  assert.is(kase!.callbackNumber, '13811112222');
  assert.is(kase!.callbackPending, true);

  // The agent works the list: he calls the number back on an outbound trunk; both hear each other; the entry leaves the list.
  const consumer = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/consumer' });
  acd.setReady('1001');
  const { agentFile } = await callBack(h, '1001', h.stations[0], consumer, { number: entry!.number!, callback: entry!.callId });
  assert.ok(score(consumer.heard(), prompt(e, 'zh', 'kb_office')) > 0.8, 'the consumer hears the agent');
  assert.ok(score(heardIn(agentFile), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the agent hears the consumer');
  assert.ok(!acd.callbacks().some((x) => x.callId === entry!.callId), 'the entry is done');
  await acd.settled();
  assert.ok([...e.queueLog!.events()].some((x) => x.type === 'callback' && x.callId === entry!.callId && x.done), 'done is logged');
  assert.equal(acd.check(), []);
  consumer.close();
});

test('press 1, then 2: the caller keys another number (ended by #) and confirms it', async () => {
  h = await agentHarness(roster(1, 'linear', { callbackKey: '1' }));
  const e = h.engine;
  const acd = e.core.acd!;
  acd.login('1001');
  const c = h.caller(6, '13900000001');
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(3000);
      await c.press('1');
      await h.sleep(2000);
      await c.press('2'); // another number (type-ahead over the question)
      await h.sleep(6000); // "enter your callback number, then hash"
      await c.press('8800123456#');
      await h.sleep(12_000);
      await c.press('1');
      await h.sleep(9000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'callback_number')) > 0.8, 'asked for the number');
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'callback_registered')) > 0.8, 'registered');
  const entry = acd.callbacks().find((x) => x.callId === h.ended[0].id);
  assert.is(entry?.number, '8800123456');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'callback');
  const kase = await e.store.getCase(rec!.caseNumbers![0]);
  assert.is(kase!.callbackNumber, '8800123456');
  assert.is(kase!.callerNumber, '13900000001');

});

test('overflow to callback after the maximum wait: the caller is asked to confirm his number and is registered', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { maxWaitMs: 6000, overflow: { kind: 'callback' } }));
  const e = h.engine;
  const acd = e.core.acd!;
  acd.login('1001');
  const c = h.caller(7, '13700000007');
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(18_000);
      await c.press('1');
      await h.sleep(9000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'callback_confirm')) > 0.8, 'asked to confirm');
  await acd.settled();
  const ov = [...e.queueLog!.events()].find((x) => x.type === 'overflow');
  assert.ok(ov && ov.type === 'overflow' && ov.reason === 'max-wait' && ov.target === 'callback', JSON.stringify(ov));
  assert.is(acd.callbacks()[0]?.number, '13700000007');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'callback');
});

test('no number confirmed (the caller keys nothing): the request is dropped, he hears so and goes to the node\'s overflow (a message)', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { maxWaitMs: 4000, overflow: { kind: 'callback' } }));
  const e = h.engine;
  const acd = e.core.acd!;
  acd.login('1001');
  const c = h.caller(8, ''); // no caller id: he must key a number, and keys none
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(70_000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'callback_failed')) > 0.8, 'told the callback failed');
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'beep')) > 0.8, 'then the message beep');
  assert.equal(acd.callbacks(), [], 'nothing left on the list without a number');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.ok(rec!.ivrPath.includes('agent_message'), rec!.ivrPath.join('>'));
});


test('a caller who presses 1 and hangs up before confirming stays on the callback list with his caller id (no case: nothing confirmed)', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { callbackKey: '1' }));
  const e = h.engine;
  const acd = e.core.acd!;
  acd.login('1001');
  const c = h.caller(12, '13300000003');
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(2000);
      await c.press('1');
      await h.sleep(2500); // in the middle of "we will call you back on …"
      await c.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  const entry = acd.callbacks().find((x) => x.callId === h.ended[0].id);
  assert.ok(entry && entry.reason === 'requested' && entry.callerNumber === '13300000003' && entry.number === undefined, JSON.stringify(acd.callbacks()));
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.caseNumbers ?? [], []);
  assert.equal(acd.check(), []);
});

test('a caller who hangs up and calls back within N s keeps his place (ahead of a later caller) and is answered first; abandoned calls stay on the callback list across a restart', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { rejoinKeepsPlaceMs: 60_000 }));
  let e = h.engine;
  const acd = e.core.acd!;
  acd.login('1001'); // not ready: callers wait
  const a = h.caller(9, '13600000001');
  const b = h.caller(10, '13600000002');
  const a2 = h.caller(11, '13600000001');
  const st = h.stations[0];
  await h.run(
    (async () => {
      await h.toAgent(a);
      await h.sleep(1000);
      await h.toAgent(b);
      await h.sleep(3000);
      await a.hangup(); // abandons at place 1
      await h.sleep(10_000);
      await h.toAgent(a2); // back within 60 s
      await h.sleep(1000);
    })(),
  );
  // The queue log is written (and synced) in real time beside board time: its
  // last enter is his once the ACD's writes are done, board time standing still.
  await acd.settled();
  const enters = [...e.queueLog!.events()].filter((x) => x.type === 'enter');
  const again = enters[enters.length - 1];
  assert.ok(again.type === 'enter' && again.rejoin === true && again.position === 1, `kept his place: ${JSON.stringify(again)}`);
  const aAgainId = again.callId;
  await h.run(
    (async () => {
      acd.setReady('1001');
      assert.ok(await st.waitRing(5000), 'the agent\'s station rings');
      assert.is(e.core.switchboard!.callOf('1001')?.callId, aAgainId, 'offered the returning caller first');
      await st.liftHandset();
      await h.sleep(300);
      await st.speak(e.prompts.file('zh', 'kb_office'));
      await a2.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(300);
      await st.hangUp();
      await h.sleep(500);
      await b.hangup(); // the later caller gives up: abandoned, on the list
      await h.sleep(500);
    })(),
  );
  const fa2 = await h.run(a2.hangup());
  await h.run(e.core.idle());
  assert.ok(score(heardIn(fa2), prompt(e, 'zh', 'kb_office')) > 0.8, 'the returning caller hears the agent');
  assert.ok(score(st.heard(), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the agent hears him');
  // His first call got through in the end: no callback owed; the later caller's is.
  assert.equal(acd.callbacks().map((x) => [x.callerNumber, x.reason]), [['13600000002', 'abandoned']]);
  const before = acd.callbacks();
  await acd.settled();
  // Restart on the same data folder: the list is rebuilt from the queue log.
  const dataDir = e.dataDir;
  for (const s of h.stations) s.close();
  await e.close();
  e = await openEngine({ boardFile: MIXED, dataDir, mode: 'stepped', epochAtZero: MONDAY_10AM + 600_000, acd: roster(1, 'longest-idle', { rejoinKeepsPlaceMs: 60_000 }) });
  h.engine = e;
  h.stations.length = 0;
  assert.equal(e.core.acd!.callbacks(), before, 'the callback list survives the restart');
});

test.run();
