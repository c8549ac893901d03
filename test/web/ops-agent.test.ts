// The agent's call operations in the browser, on live calls (simulated E1
// caller, simulated headset stations): consult a colleague and cancel,
// consult again and make it a conference (the caller hears the colleague),
// the agent leaves and the colleague keeps the caller; a second call goes
// back to the IVR's survey; then 呼叫班长 from the same page. Each step is
// checked at the server (the switchboard, the ACD, the call records) and
// the audio by correlation where the stations' taps make it cheap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { heardIn, prompt, score } from '../calls/_agents.ts';
import { testUnless } from '../skip.ts';
import { NO_CHROMIUM, until } from './_browser.ts';
import { callRig, goReady, see, takeCall } from './_calls.ts';

testUnless(NO_CHROMIUM, 'agent page: consult → cancel → consult → conference (heard by the caller) → the agent leaves to his colleague; back to the IVR; 呼叫班长', async () => {
  const r = await callRig(3, { supervisors: ['1003'] });
  const { h } = r;
  const e = h.engine;
  const sb = e.core.switchboard!;
  const acd = e.core.acd!;
  try {
    const [a1, a2, sup] = h.stations;
    for (const st of [a1, a2, sup]) assert.ok(await st.liftHandset(), 'headset mode: off hook');
    const page = await r.page('1001');
    await goReady(page);

    // Nothing to transfer yet: the server's refusal shows with its code.
    await page.fill('#transfer-to', '1002');
    await page.click('#consult');
    await see(page, '#status', (s) => s.endsWith('(CALL_NOT_CONNECTED)'), 'CALL_NOT_CONNECTED in the status line');

    const c = await takeCall(r, page, 1, '13700001111');
    const callId = sb.callOf('1001')!.callId;

    // A colleague who is not ready: refused, nothing changes.
    acd.login('1002');
    await page.keyboard.press('F10');
    await see(page, '#status', (s) => s.endsWith('(CALL_TARGET_NOT_READY)'), 'CALL_TARGET_NOT_READY');
    assert.is(sb.callOf('1001')?.state, 'talking');

    // Consult → the caller is held, 1002 is claimed (not ready: consult) and answers in his headset.
    acd.setReady('1002');
    await page.keyboard.press('F10');
    await page.waitForSelector('#ops[data-phase="consulting"]');
    await see(page, '#ops-info', (s) => s === '工号 1002 已接通：正在咨询，来电方保持中', 'consult-answered on the page');
    assert.is(sb.live(callId)?.state, 'held', 'the caller is on hold during the consultation');
    assert.equal([acd.agent('1002').state, acd.agent('1002').reason], ['notReady', 'consult']);
    await page.click('#consult-cancel');
    await see(page, '#ops-info', (s) => s === '已取消咨询，回到来电方', 'cancelled');
    await until(() => sb.live(callId)?.state === 'talking' && acd.agent('1002').state === 'ready', 'back with the caller, 1002 ready again');

    // Consult again, then the conference: three parties, everyone hears everyone.
    await page.keyboard.press('F10');
    await see(page, '#ops-info', (s) => s.includes('已接通'), 'consult-answered again');
    await page.click('#conference');
    await see(page, '#ops-info', (s) => s === '会议中：3 方', 'conference of 3 on the page');
    assert.ok(e.core.ops!.inOperation('1001'), 'the server has 1001 in a conference');
    await a2.speak(e.prompts.file('zh', 'kb_returns'));
    await c.speak(e.prompts.file('zh', 'caller_complaint'));
    // 1001 leaves (F3): the call stays with 1002 (the first consulted agent).
    await page.keyboard.press('F3');
    await until(() => sb.callOf('1002')?.callId === callId && sb.callOf('1002')?.state === 'talking', 'the caller talks with 1002');
    await r.state('1001', 'ready', '1001 off the call (no wrap-up time in this queue)');
    const a2Heard = heardIn(await a2.cutTap());
    assert.ok(score(a2Heard, prompt(e, 'zh', 'caller_complaint')) > 0.8, '1002 hears the caller in the conference');
    const callerFile = await c.hangup();
    assert.ok(score(heardIn(callerFile), prompt(e, 'zh', 'kb_returns')) > 0.8, 'the caller hears 1002 in the conference');
    await until(() => sb.callOf('1002') === null, '1002 is off the call');

    // A second call: back to the IVR (人工转自动), the survey.
    await page.waitForSelector('#state-badge[data-state="ready"]');
    acd.setNotReady('1002', 'meal');
    const c2 = await takeCall(r, page, 2, '13700002222');
    const call2 = sb.callOf('1001')!.callId;
    await page.fill('#ivr-node', 'nowhere');
    await page.click('#to-ivr');
    await see(page, '#status', (s) => s.endsWith('(CALL_IVR_NODE_UNKNOWN)'), 'an unknown node refused');
    await page.fill('#ivr-node', 'survey');
    await page.click('#to-ivr');
    await see(page, '#ops-info', (s) => s === '来电方已转至自动语音（survey）', 'to-ivr on the page');
    await until(() => sb.callOf('1001') === null && acd.agent('1001').callId === undefined, '1001 off the call after 人工转自动');
    await c2.hear({ maxMs: 8000 });
    const f2 = await c2.hangup();
    assert.ok(score(heardIn(f2), prompt(e, 'zh', 'survey_intro')) > 0.8, 'the caller hears the survey');
    await until(async () => !!(await e.store.getCallRecord(call2)), 'the second call record', 20_000);
    assert.ok((await e.store.getCallRecord(call2))!.ivrPath.includes('survey'));

    // 呼叫班长: the supervisor's station (headset) connects; F3 ends the placed call.
    await page.fill('#sup-id', '1003');
    await page.click('#call-sup');
    await see(page, '#ops-info', (s) => s.startsWith('与 '), 'placed-connected on the page');
    assert.is(await page.getAttribute('#ops', 'data-phase'), 'placed');
    await sup.speak(e.prompts.file('zh', 'kb_warranty'));
    await r.boardPasses(1000); // the tap's last ring chunk (≤ 200 ms of board time) reaches the file
    const a1Heard = heardIn(await a1.cutTap());
    const sc = score(a1Heard, prompt(e, 'zh', 'kb_warranty'));
    assert.ok(sc > 0.8, `1001 hears the supervisor (${sc.toFixed(2)}, ${a1Heard.length} samples, station ${h.engine.core.switchboard!.station('1001')!.state}, sup ${h.engine.core.switchboard!.station('1003')!.state})`);
    await page.keyboard.press('F3');
    await see(page, '#ops-info', (s) => s === '呼出通话已结束', 'placed-ended');
    await e.core.outbound!.settled();
    await until(() => h.ended.length >= 2, 'calls ended');
    assert.equal(e.core.acd!.check(), []);
  } finally {
    await r.close();
  }
});

test.run();
