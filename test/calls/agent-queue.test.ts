// The queue phase on live stations: the anchors' known failures (agents
// left reserved after a hang-up during ringing or a failed offer; dead air
// when the agent answers during an announcement), ring-no-answer returning
// the call to the queue, and a caller abandoning while he waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';
import type { AcdConfig } from '../../src/acd/types.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('the caller hangs up while the station rings: the ringing stops and the agent is ready again (no miss), an abandon is logged', async () => {
  h = await agentHarness(roster(1));
  h.login('1001');
  const st = h.stations[0];
  const c = h.caller(3);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await st.waitRing(20_000), 'the station rings');
      await h.sleep(1000);
      await c.hangup();
      await h.sleep(1000);
    })(),
  );
  await h.run(e.core.idle());
  assert.is(st.phone.state, 'idle', 'the phone stopped ringing');
  const a = e.core.acd!.agent('1001');
  assert.is(a.state, 'ready', `the agent is ${a.state}, not left reserved or ringing`);
  assert.is(a.misses, 0, 'no miss counted');
  assert.equal(e.core.acd!.check(), []);
  await e.core.acd!.settled();
  const ab = [...e.queueLog!.events()].find((x) => x.type === 'abandon');
  assert.ok(ab, 'an abandon in the queue log');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'queue_abandoned');
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller']);
});

test('ring no answer (round-robin): the offer ends after the ring timeout, the call goes to the next agent, who answers', async () => {
  h = await agentHarness(roster(2, 'round-robin', { ringTimeoutMs: 4000 }));
  h.login('1001', '1002');
  const [s1, s2] = h.stations;
  const c = h.caller(4);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await s1.waitRing(20_000), 'the first agent (round-robin) rings');
      assert.ok(await s2.waitRing(10_000), 'after 4 s without answer the second agent rings');
      assert.is(s1.phone.state, 'idle', 'the first station stopped ringing');
      await s2.liftHandset();
      await h.sleep(200);
      await s2.speak(e.prompts.file('zh', 'kb_returns'));
      await h.sleep(200);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(s2.hangUp());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller hears the second agent');
  await e.core.acd!.settled();
  const ev = [...e.queueLog!.events()];
  const rna = ev.find((x) => x.type === 'ring-no-answer');
  assert.ok(rna && rna.type === 'ring-no-answer' && rna.agentId === '1001', 'ring-no-answer of 1001 logged');
  const con = ev.find((x) => x.type === 'connect');
  assert.ok(con && con.type === 'connect' && con.agentId === '1002');
  assert.is(e.core.acd!.agent('1001').misses, 1);
  assert.is(e.core.acd!.agent('1001').state, 'ready');
});

test('offer failed: an agent without a station is set not ready (offer-failed) and the call goes to one who has one', async () => {
  // 9 agents, 8 station ports: 1009 has no telephone. Linear from the bottom of the list.
  const cfg = roster(9, 'linear');
  cfg.queues[0].members.reverse();
  h = await agentHarness(cfg);
  h.login('1009', '1008');
  const c = h.caller(5);
  const e = h.engine;
  const s8 = h.stations[7];
  await h.run(
    (async () => {
      await h.toStation(c, s8, 'agent 1008 rings after 1009 failed');
      await h.sleep(500);
    })(),
  );
  await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(s8.hangUp());
  const a = e.core.acd!.agent('1009');
  assert.is(a.state, 'notReady');
  assert.is(a.reason, 'offer-failed');
  await e.core.acd!.settled();
  const of = [...e.queueLog!.events()].find((x) => x.type === 'offer-failed');
  assert.ok(of && of.type === 'offer-failed' && of.agentId === '1009' && of.why === 'no station', `offer-failed logged: ${JSON.stringify(of)}`);
  assert.equal(e.core.acd!.check(), []);
});

test('dead air: the agent answers during the position announcement; it stops at once and the caller hears the agent from the first word', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { announce: { positionFirstMs: 200 } }));
  h.login('1001');
  const st = h.stations[0];
  const c = h.caller(6);
  const e = h.engine;
  const speech = prompt(e, 'zh', 'kb_warranty');
  await h.run(
    (async () => {
      await h.toAgent(c);
      await st.waitRing(20_000);
      // The announcement ("您现在排在第一位。预计等待…") started at 200 ms and lasts several seconds:
      // answer 1.2 s into its first fragment.
      await h.sleep(1400);
      await st.liftHandset();
      await st.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(300);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(st.hangUp());
  const heard = heardIn(f);
  const pos = score(heard, prompt(e, 'zh', 'queue_position').subarray(0, 8000));
  assert.ok(pos > 0.8, `the caller heard the announcement begin (score ${pos.toFixed(2)})`);
  // Had the announcement gone on over the bridge, its player would mask the agent's first seconds.
  const head = speech.subarray(0, 8000);
  assert.ok(score(heard, head) > 0.8, `the caller hears the agent's first second (score ${score(heard, head).toFixed(2)})`);
  assert.ok(score(heard, prompt(e, 'zh', 'queue_wait_short')) < 0.5, 'the rest of the announcement was not played after the answer');
});

test('a caller who hangs up while waiting (nobody ready) is an abandon in the queue log, with his wait', async () => {
  h = await agentHarness(roster(1));
  h.engine.core.acd!.login('1001'); // logged in, not ready: the caller waits (whenEmpty: join)
  const c = h.caller(7);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(5000);
      await c.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  await e.core.acd!.settled();
  const ab = [...e.queueLog!.events()].find((x) => x.type === 'abandon');
  assert.ok(ab && ab.type === 'abandon' && ab.waitMs >= 5000 && ab.waitMs < 7000, `abandon with its wait: ${JSON.stringify(ab)}`);
  assert.equal(e.core.acd!.check(), []);
  assert.is(e.core.acd!.activeCalls, 0);
});

/** One caller waits with the only agent not ready until the queue's maximum wait (6 s) overflows him to `overflow`. */
async function overflowAfterMaxWait(overflow: AcdConfig['queues'][number]['overflow'], n: number, listenMs: number) {
  h = await agentHarness(roster(1, 'longest-idle', { maxWaitMs: 6000, overflow }));
  h.engine.core.acd!.login('1001'); // logged in, not ready
  const c = h.caller(n);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(listenMs);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await e.core.acd!.settled();
  const ov = [...e.queueLog!.events()].find((x) => x.type === 'overflow');
  assert.ok(ov && ov.type === 'overflow' && ov.reason === 'max-wait', `overflow logged: ${JSON.stringify(ov)}`);
  return { e, f, rec: (await e.store.getCallRecord(h.ended[0].id))! };
}

test('overflow after the maximum wait: the caller leaves the queue for the transfer node\'s overflow (a message)', async () => {
  const { e, f, rec } = await overflowAfterMaxWait({ kind: 'mailbox' }, 8, 9000);
  assert.ok(rec.ivrPath.includes('agent_message'), `went on to the message: ${rec.ivrPath.join('>')}`);
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'beep')) > 0.8, 'the caller hears the beep of the message');
});

test('overflow to a named mailbox: the caller goes to the flow node that takes its message (the director\'s mailbox), not the transfer node\'s overflow', async () => {
  const { e, f, rec } = await overflowAfterMaxWait({ kind: 'mailbox', mailbox: 'mailbox' }, 10, 14000);
  assert.ok(rec.ivrPath.includes('mailbox') && !rec.ivrPath.includes('agent_message'), `went to the named mailbox: ${rec.ivrPath.join('>')}`);
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'mailbox_intro')) > 0.8, 'the caller hears the director\'s mailbox introduction');
});

test('nobody logged in (whenEmpty refuse): the caller hears the busy prompt and goes to the overflow at once', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { whenEmpty: { noneLoggedIn: 'refuse' } }));
  const c = h.caller(9);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(6000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'lines_busy')) > 0.8, 'lines busy heard');
  await e.core.acd!.settled();
  assert.ok([...e.queueLog!.events()].some((x) => x.type === 'refuse'), 'refuse logged');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.legs!.length, 1);
});

test('nobody ready (whenEmpty leave): the waiting caller leaves for the overflow (a message) once the check finds the queue empty', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { whenEmpty: { noneReady: 'leave', leaveAfterMs: 5000 } }));
  h.engine.core.acd!.login('1001'); // logged in, not ready
  const c = h.caller(11);
  const e = h.engine;
  await h.run(
    (async () => {
      await h.toAgent(c);
      await h.sleep(9000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await e.core.acd!.settled();
  const ov = [...e.queueLog!.events()].find((x) => x.type === 'overflow');
  assert.ok(ov && ov.type === 'overflow' && ov.reason === 'empty' && ov.waitMs >= 5000 && ov.waitMs < 6000, `left when empty: ${JSON.stringify(ov)}`);
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'beep')) > 0.8, 'the message beep');
  assert.is(e.core.acd!.activeCalls, 0);
});

test('announcements in the caller\'s language: position, estimated wait in minutes, the periodic "please hold", between music', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { announce: { positionFirstMs: 500, periodicEveryMs: 12_000 } }));
  h.engine.core.acd!.login('1001'); // not ready: the caller waits
  const c = h.caller(10);
  const e = h.engine;
  await h.run(
    (async () => {
      if (!(await c.dial())) throw new Error('no answer');
      await c.hear();
      await c.press('9'); // English
      await c.hear();
      await c.press('0');
      await h.sleep(20_000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  const heard = heardIn(f);
  for (const id of ['queue_position', 'queue_position_post', 'queue_wait', 'queue_minutes', 'queue_periodic']) {
    const sc = score(heard, prompt(e, 'en', id));
    assert.ok(sc > 0.8, `'${id}' heard in English (score ${sc.toFixed(2)})`);
  }
  // Estimated wait: position 1 × 3 min default handle time ÷ 1 = 3 minutes, read "three".
  assert.ok(score(heard, prompt(e, 'en', 'digit_3')) > 0.8, 'three minutes');
  assert.ok(score(heard, prompt(e, 'zh', 'queue_position')) < 0.5, 'not the Mandarin one');
});

test.run();
