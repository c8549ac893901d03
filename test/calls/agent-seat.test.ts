// Call control over the seat socket (a real WebSocket on 127.0.0.1): a
// headset agent (station off hook before the call) gets the offer as a zip
// tone and an `offer` event with the screen pop, answers from his seat,
// holds (the caller hears music, not the agent), retrieves and hangs up.
// Audio is checked by correlation at both ends; refusals carry their codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatedMusic } from '../../src/calls/moh.ts';
import type { SeatHost } from '../../src/seats/host.ts';
import { Client, PASSWORD } from '../seats/_harness.ts';
import { agentHarness, heardIn, prompt, roster, score, seatsOn, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
let host: SeatHost | undefined;
test.after.each(async () => {
  await h?.close();
  host = undefined;
});

async function withSeats(): Promise<Client> {
  h = await agentHarness(roster(2));
  const on = await seatsOn(h, [
    { id: '1001', name: '话务员一', role: 'agent' },
    { id: '3001', name: '不在名册', role: 'agent', seat: false },
  ]);
  host = on.host;
  return on.seats[0];
}

test('headset agent: zip-tone offer with a screen pop, answer from the seat, hold (music, agent unheard), retrieve, hang up', async () => {
  const seat = await withSeats();
  const e = h.engine;
  const st = h.stations[0];
  const c = h.caller(1, '13700001111');
  assert.is((await seat.ask('answer')).code, 'CALL_NO_OFFER', 'nothing to answer yet');
  assert.is((await seat.ask('hold')).code, 'CALL_NOT_CONNECTED');
  await h.run(st.liftHandset().then(() => h.sleep(300)));
  assert.is(e.board.channel(1, 1).state, 'connected', 'the port answered the lifted handset (headset mode)');
  assert.ok((await seat.ask('acd-login', { ready: true })).ok);
  let callId = '';
  await h.run(
    (async () => {
      await h.toAgent(c);
      const offer = await seat.until(() => seat.events('offer')[0], 'offer event', 20_000);
      assert.is(offer.data.headset, true);
      assert.is(offer.data.callerNumber, '13700001111');
      assert.is(offer.data.queue, 'agents');
      callId = offer.data.callId;
      const pop = await seat.until(() => seat.events('screen-pop')[0], 'screen-pop event');
      assert.is(pop.data.callerNumber, '13700001111');
      await h.sleep(500);
      const ans = await seat.ask('answer');
      assert.ok(ans.ok, `answer: ${ans.code} ${ans.message}`);
      assert.is(ans.result.callId, callId);
      await seat.until(() => seat.events('connected')[0], 'connected event');
      await st.speak(e.prompts.file('zh', 'kb_office'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      assert.ok((await seat.ask('hold')).ok);
      await seat.until(() => seat.events('held')[0], 'held event');
      await h.sleep(500);
      // While held the agent speaks (to a colleague): the caller must not hear it.
      await st.speak(e.prompts.file('zh', 'kb_returns'));
      await h.sleep(500);
      assert.ok((await seat.ask('retrieve')).ok);
      await seat.until(() => seat.events('retrieved')[0], 'retrieved event');
      await st.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(200);
      const hu = await seat.ask('hangup');
      assert.ok(hu.ok, `hangup: ${hu.code}`);
      await seat.until(() => seat.events('ended')[0], 'ended event');
      await h.sleep(1500);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(st.offHook, 'a headset station stays off hook after the seat hangs up');
  const agentFile = await h.run(st.hangUp());
  const heard = heardIn(callerFile);
  const agentHeard = heardIn(agentFile);
  assert.ok(score(heard, prompt(e, 'zh', 'kb_office')) > 0.8, 'the caller hears the agent');
  assert.ok(score(agentHeard, prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the agent hears the caller');
  assert.ok(score(heard, prompt(e, 'zh', 'kb_warranty')) > 0.8, 'after retrieve the caller hears the agent again');
  const held = score(heard, prompt(e, 'zh', 'kb_returns'));
  assert.ok(held < 0.5, `the caller does not hear the agent while held (score ${held.toFixed(2)})`);
  const moh = (generatedMusic().data as Int16Array).subarray(0, 4000);
  assert.ok(score(heard, moh) > 0.8, 'the caller hears music on hold');
  // Zip tone: 440 Hz bursts in the agent's ear before the answer.
  const zip = new Int16Array(800).map((_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  assert.ok(score(agentHeard, zip) > 0.8, 'the headset agent hears the zip tone');
  const rec = await e.store.getCallRecord(callId);
  assert.ok(rec!.holdMs! >= 1000, `hold time on the record: ${rec!.holdMs}`);
  assert.is(rec!.endedBy, 'agent');
  assert.is(rec!.outcome, 'agent_hangup');
  assert.is((await seat.ask('hangup')).code, 'CALL_NOT_CONNECTED', 'nothing left to hang up');
  await e.core.acd!.settled();
  const types = [...e.queueLog!.events()].filter((x) => x.type !== 'agent-state').map((x) => x.type);
  assert.equal(types, ['enter', 'offer', 'connect', 'hold', 'retrieve', 'complete']);
  await seat.close();
});

test('call control refusals: an agent out of the roster, a ringing (on-hook) phone cannot be answered from the seat', async () => {
  const seat = await withSeats();
  const e = h.engine;
  const other = await Client.open(host!.server.seatUrl);
  assert.ok((await other.ask('login', { agentId: '3001', password: PASSWORD })).ok);
  assert.is((await other.ask('answer')).code, 'SEAT_NOT_IN_ROSTER');
  assert.is((await seat.ask('answer', { extra: 1 })).code, 'SEAT_BAD_MESSAGE');
  assert.ok((await seat.ask('acd-login', { ready: true })).ok);
  const c = h.caller(2);
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.stations[0].waitRing(20_000);
      const offer = await seat.until(() => seat.events('offer')[0], 'offer');
      assert.is(offer.data.headset, false);
      assert.is((await seat.ask('answer')).code, 'CALL_STATION_ON_HOOK');
      await c.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  await seat.until(() => seat.events('offer-cancelled')[0], 'offer-cancelled');
  assert.is(e.core.acd!.agent('1001').state, 'ready');
  await other.close();
  await seat.close();
});

test('a dropped seat socket keeps the call up; the agent resumes on a new socket, finds the call in the snapshot and ends it', async () => {
  const seat = await withSeats();
  const e = h.engine;
  const token = seat.got.find((m) => m.type === 'reply' && m.ok)!.result.token as string;
  assert.ok((await seat.ask('acd-login', { ready: true })).ok);
  const st = h.stations[0];
  const c = h.caller(3);
  let again: Client | undefined;
  await h.run(
    (async () => {
      await h.toStation(c, st);
      await seat.until(() => seat.events('connected')[0], 'connected');
      await seat.close();
      await h.sleep(2000);
      assert.is(c.ch.state, 'connected', 'the call is up without the seat');
      await st.speak(e.prompts.file('zh', 'kb_returns'));
      again = await Client.open(host!.server.seatUrl);
      assert.ok((await again.ask('resume', { token })).ok);
      const snap = await again.until(() => again!.events('snapshot')[0], 'snapshot');
      assert.is(snap.data.call?.state, 'talking', `snapshot: ${JSON.stringify(snap.data)}`);
      assert.is(snap.data.call?.station, e.board.channel(1, 1).name);
      assert.is(snap.data.agent.state, 'talking');
      assert.ok((await again.ask('hangup')).ok);
      await h.sleep(1000);
    })(),
  );
  await h.run(e.core.idle());
  const f = await h.run(c.hangup());
  await h.run(st.hangUp());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller heard the agent while his seat was away');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.endedBy, 'agent');
  await again?.close();
});

test('glare: the agent lifts his handset in the very tick the ACD offers him a call: the offer becomes a zip tone, not a failure', async () => {
  const seat = await withSeats();
  const e = h.engine;
  const acd = e.core.acd!;
  assert.ok((await seat.ask('acd-login')).ok); // logged in, not ready: the caller waits
  const c = h.caller(4);
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(1000);
    })(),
  );
  const phone = h.stations[0].phone;
  const lifted = phone.call({ timeoutMs: 5000 });
  // Tick by tick until the port sees the handset lifted (it queues its answer, applied next tick).
  for (let i = 0; i < 10 && e.board.channel(1, 1).state === 'idle'; i++) await e.board.advance(10);
  assert.is(e.board.channel(1, 1).state, 'ringing', 'the answer is still queued');
  acd.setReady('1001'); // the waiting call is offered at once
  await h.run((async () => {
    await lifted;
    const offer = await seat.until(() => seat.events('offer')[0], 'offer');
    assert.is(offer.data.headset, true);
    assert.ok((await seat.ask('answer')).ok);
    await h.sleep(500);
  })());
  assert.is(acd.agent('1001').state, 'talking', `not ${acd.agent('1001').state} (${acd.agent('1001').reason ?? ''})`);
  await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(h.stations[0].hangUp());
  await seat.close();
});

test.run();
