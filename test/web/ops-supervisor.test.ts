// The supervisor's page on live calls: the seat card shows the caller's
// number and the queue of the agent's call with its time in state; listen
// (the supervisor hears the caller, the caller does not hear him), whisper
// (the agent hears him, the caller does not), barge (the caller hears him),
// leave; then 呼叫话务员 from the card. Checked at the server and by audio
// correlation of the stations' and the caller's taps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { heardIn, prompt, score } from '../calls/_agents.ts';
import { testUnless } from '../skip.ts';
import { NO_CHROMIUM, until } from './_browser.ts';
import { callRig, goReady, see, text } from './_calls.ts';

testUnless(NO_CHROMIUM, 'supervisor page: the seat card shows caller, queue and time; listen, whisper, barge and leave from the card (checked by ear); call an agent', async () => {
  const r = await callRig(3, { supervisors: ['1003'] });
  const { h } = r;
  const e = h.engine;
  const sb = e.core.switchboard!;
  const say = (id: string) => e.prompts.file('zh', id);
  try {
    const [a1, a2, sup] = h.stations;
    for (const st of [a1, a2, sup]) assert.ok(await st.liftHandset(), 'headset mode: off hook');
    const agent = await r.page('1001');
    await goReady(agent);
    const boss = await r.page('1003');
    await boss.waitForURL(/supervisor\.html$/);
    const card = '.seat-card[data-agent="1001"]';
    await boss.waitForSelector(`${card}[data-state="ready"]`);
    assert.is(await text(boss, `${card} .seat-call`), '', 'no call, no caller on the card');

    // Nobody to listen to yet: the server's code.
    await boss.click(`${card} .sv-listen`);
    await see(boss, '#status', (s) => s.endsWith('(CALL_NOT_CONNECTED)'), 'CALL_NOT_CONNECTED');

    const c = h.caller(1, '13700003333');
    const reached = h.toAgent(c);
    await agent.waitForSelector('#call-info[data-phase="offered"]', { timeout: 60_000 });
    await boss.waitForSelector(`${card}[data-state="ringing"], ${card}[data-state="reserved"]`);
    await see(boss, `${card} .seat-call`, (s) => s === '来电 13700003333 · 队列 agents', 'the caller and queue on the offered seat\'s card');
    await agent.keyboard.press('F2');
    await boss.waitForSelector(`${card}[data-state="talking"]`);
    await reached;
    assert.is(await text(boss, `${card} .seat-call`), '来电 13700003333 · 队列 agents');
    await see(boss, `${card} .seat-time`, (s) => /^0:0[1-9]$/.test(s), 'time in state counts on the card');
    // The server's wallboard carries it (schema-checked at the seat socket).
    const wb = r.host.seats.wallboard().agents.find((a) => a.agentId === '1001')!;
    assert.equal([wb.callerNumber, wb.callQueue, wb.callId], ['13700003333', 'agents', sb.callOf('1001')!.callId]);

    // Listen: the supervisor hears the caller; the caller must not hear him.
    await boss.click(`${card} .sv-listen`);
    await see(boss, '#status', (s) => s === '正在监听 1001', 'supervising (listen)');
    await boss.waitForSelector(`${card}[data-supervised="listen"]`);
    await sup.cutTap();
    await c.speak(say('caller_complaint'));
    await sup.speak(say('goodbye'));
    await r.boardPasses(1000); // the taps' last chunk reaches the files
    assert.ok(score(heardIn(await sup.cutTap()), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'listening, the supervisor hears the caller');

    await boss.click(`${card} .sv-leave`);
    await see(boss, '#status', (s) => s === '已退出 1001 的通话', 'left');
    assert.is(await boss.$(`${card}[data-supervised]`), null, 'the card is no longer marked');

    // Whisper: the agent hears the supervisor.
    await boss.click(`${card} .sv-whisper`);
    await see(boss, '#status', (s) => s === '正在对 1001 密语（来电方听不到）', 'supervising (whisper)');
    await a1.cutTap();
    await sup.speak(say('kb_returns'));
    await r.boardPasses(1000);
    assert.ok(score(heardIn(await a1.cutTap()), prompt(e, 'zh', 'kb_returns')) > 0.8, 'whispering, the agent hears the supervisor');
    await boss.click(`${card} .sv-leave`);
    await see(boss, '#status', (s) => s.startsWith('已退出'), 'left again');

    // Barge: the caller hears the supervisor.
    await boss.click(`${card} .sv-barge`);
    await see(boss, '#status', (s) => s === '已强插 1001 的通话', 'supervising (barge)');
    await sup.speak(say('kb_warranty'));
    await r.boardPasses(1000);
    const callerHeard = heardIn(await c.hangup());
    assert.ok(score(callerHeard, prompt(e, 'zh', 'goodbye')) < 0.5, 'the caller did not hear the listening supervisor');
    assert.ok(score(callerHeard, prompt(e, 'zh', 'kb_returns')) < 0.5, 'the caller did not hear the whisper');
    assert.ok(score(callerHeard, prompt(e, 'zh', 'kb_warranty')) > 0.8, 'the caller heard the barge');
    await until(() => sb.callOf('1001') === null, 'the call ended');
    await boss.waitForSelector(`${card}[data-state="ready"]`);
    await until(async () => (await boss.$(`${card}[data-supervised]`)) === null, 'the mark goes with the call');
    assert.is(await text(boss, `${card} .seat-call`), '', 'the card forgets the caller');

    // 呼叫话务员 from 1002's card: his headset connects, the page says so.
    await boss.click('.seat-card[data-agent="1002"] .sv-call');
    await see(boss, '#status', (s) => s === '正在呼叫 1002…', 'calling 1002');
    await until(() => e.core.outbound!.of('1003')?.answered === true, 'the intercom call is answered', 20_000);
    assert.ok((await boss.evaluate(() => document.documentElement.scrollWidth)) <= 1366, 'the wallboard fits 1366 px wide');
  } finally {
    await r.close();
  }
});

test.run();
