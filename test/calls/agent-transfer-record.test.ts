// The call record keeps the call's transfers (issue 10: "call records get
// legs, queue, wait, agent(s), transfers, hold time, wrap-up, outcome and the
// case numbers"): who transferred, to what, blind or after a consultation,
// and when, for a call moved twice on the simulated board — blind from 1001
// to 1002, then consulted by 1002 with 1003 and completed — with the audio
// checked at the end (the caller talks with the last agent).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('blind then consultative transfer: the record lists both (from, to, kind, time), with every other field of an agent call', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  const ops = e.core.ops!;
  const acd = e.core.acd!;
  const [a1, a2, a3] = h.stations;
  h.login('1001');
  const c = h.caller(2);
  const t: number[] = [];
  await h.run(
    (async () => {
      await h.toStation(c, a1, '1001 rings');
      await h.sleep(500);
      h.login('1002');
      t.push(e.core.now());
      ops.transfer('1001', { agent: '1002' });
      assert.ok(await a2.waitRing(10_000), '1002 rings');
      await a2.liftHandset();
      await h.sleep(1000);
      h.login('1003');
      await h.consulted('1002', { agent: '1003' }, a3, '1003 rings for the consultation');
      await h.sleep(500);
      t.push(e.core.now());
      ops.complete('1002');
      await h.sleep(200);
      await a3.speak(e.prompts.file('zh', 'kb_warranty'));
      await h.sleep(200);
    })(),
  );
  await h.run(a1.hangUp());
  await h.run(a2.hangUp());
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(a3.hangUp());
  assert.ok(score(heardIn(callerFile), prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the caller talks with 1003 at the end');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.ok(rec, 'a call record');
  assert.equal(
    rec!.transfers!.map(({ from, to, kind }) => ({ from, to, kind })),
    [
      { from: '1001', to: 'agent:1002', kind: 'blind' },
      { from: '1002', to: 'agent:1003', kind: 'consult' },
    ],
  );
  // Times: when each transfer was made (board time in the simulated calendar), in order, inside the call.
  assert.is(rec!.transfers![0].at, t[0]);
  assert.is(rec!.transfers![1].at, t[1]);
  assert.ok(rec!.startedAt < t[0] && t[1] < rec!.endedAt);
  // The other fields the issue names, on the same call.
  assert.equal(rec!.agents, ['1001', '1002', '1003']);
  assert.is(rec!.agentId, '1003');
  assert.is(rec!.queue, 'agents');
  assert.type(rec!.queueWaitMs, 'number');
  assert.ok(rec!.holdMs! > 0, `hold time during the consultation: ${rec!.holdMs}`);
  assert.ok(rec!.talkMs! > 0);
  assert.equal(rec!.legs!.map((l) => [l.kind, l.agentId]), [['caller', undefined], ['agent', '1001'], ['agent', '1002'], ['agent', '1003']]);
  assert.is(rec!.endedBy, 'caller');
  assert.is(rec!.outcome, 'caller_hangup');
  assert.equal(acd.check(), []);
});

test('the record\'s wrap-up is the measured one: ended early, the shorter time (as the queue log\'s); run out, the configured 20 s', async () => {
  h = await agentHarness(roster(1, 'longest-idle', { wrapUpMs: 20_000 }));
  const e = h.engine;
  const acd = e.core.acd!;
  const [a1] = h.stations;
  h.login('1001');
  const talk = async (ts: number, wrap: () => Promise<void>) => {
    const c = h.caller(ts);
    await h.run(
      (async () => {
        await h.toStation(c, a1);
        await h.sleep(1000);
        await c.hangup();
        await wrap();
      })(),
    );
    await h.run(a1.hangUp());
    await h.run(e.core.idle());
    return (await e.store.getCallRecord(h.ended.at(-1)!.id))!;
  };
  const early = await talk(1, async () => {
    await h.sleep(3000);
    assert.is(acd.agent('1001').state, 'workingAfterCall');
    acd.endWrapUp('1001');
  });
  await acd.settled(); // the queue log is written beside board time
  const logged = [...e.queueLog!.events()].flatMap((x) => (x.type === 'wrap-up' ? [x.wrapMs] : []));
  assert.is(logged.length, 1);
  assert.ok(logged[0] >= 3000 && logged[0] < 4000, `wrap-up ${logged[0]} ms`);
  assert.is(early.wrapUpMs, logged[0], 'the record has the measured wrap-up, not the configured 20 s');
  const full = await talk(2, async () => {
    await h.sleep(21_000);
    assert.is(acd.agent('1001').state, 'ready');
  });
  assert.is(full.wrapUpMs, 20_000);
  assert.equal(acd.check(), []);
});

test('a call nobody transferred has no transfers field', async () => {
  h = await agentHarness(roster(1));
  h.login('1001');
  const c = h.caller(5);
  await h.run(
    (async () => {
      await h.toStation(c, h.stations[0]);
      await h.sleep(500);
    })(),
  );
  await h.run(h.stations[0].hangUp());
  await h.run(h.engine.core.idle());
  await h.run(c.hangup());
  const rec = await h.engine.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.agents, ['1001']);
  assert.is(rec!.transfers, undefined);
});

test.run();
