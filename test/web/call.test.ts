// An agent takes a call in the browser, on a stepped engine with a simulated
// caller on an E1 timeslot and the agent's simulated station (headset mode,
// off hook): the offer shows the caller's number and the screen pop fills
// the case form; F2 answers, a reload finds the call again, F4 holds and
// retrieves, the case registered during the call carries the call's id,
// F3 hangs up.
//
// Board time is pumped in 20 ms steps with a few real milliseconds between
// them (a few times real time), so the browser's real-time reactions come
// well inside the ACD's ring time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testUnless } from '../skip.ts';
import { NO_CHROMIUM, until } from './_browser.ts';
import { callRig, goReady } from './_calls.ts';

testUnless(NO_CHROMIUM, 'an agent takes a call in the browser: offer and screen pop, F2 answers, F4 holds and retrieves, a case linked to the call, F3 hangs up', async () => {
  const r = await callRig(2);
  const { h } = r;
  const e = h.engine;
  try {
    const st = h.stations[0];
    assert.ok(await st.liftHandset(), 'the station goes off hook (headset mode)');
    const page = await r.page('1001');
    await goReady(page);
    const c = h.caller(1, '13700001111');
    const reached = h.toAgent(c);
    await page.waitForSelector('#call-info[data-phase="offered"]', { timeout: 60_000 });
    assert.is(await page.textContent('#call-info'), '来电 13700001111（agents）：按 F2 应答');
    await until(async () => (await page.inputValue('#case-caller')) === '13700001111', 'the screen pop fills the caller number', 10_000);
    await page.keyboard.press('F2');
    await page.waitForSelector('#call-info[data-phase="connected"]');
    await page.waitForSelector('#state-badge[data-state="talking"]');
    assert.is(await page.textContent('#call-info'), '正在与 13700001111 通话');
    await reached;
    // A reload mid-call: the telephone kept the call, the snapshot brings it back to the page.
    await page.reload();
    await page.waitForSelector('#link[data-state="open"]');
    await page.waitForSelector('#call-info[data-phase="connected"]');
    assert.is(await page.textContent('#call-info'), '正在与 13700001111 通话');
    assert.is(await page.inputValue('#case-caller'), '13700001111', 'the draft kept the screen pop');
    await page.keyboard.press('F4');
    await page.waitForSelector('#call-info[data-phase="held"]');
    await page.keyboard.press('F4');
    await page.waitForSelector('#call-info[data-phase="connected"]');
    assert.match((await page.textContent('#call-timer')) ?? '', /^\d+:\d\d$/);

    // A consultation answered at once, registered while talking: it carries the call's id.
    await page.selectOption('#case-kind', 'consultation');
    await page.fill('#case-facts', '网购的衣服能否七天无理由退货？');
    await page.fill('#case-answer', '可以，自收到商品之日起七日内。');
    await page.click('#case-form button[type="submit"]');
    await until(async () => /^已登记：\d{14}$/.test((await page.textContent('#status')) ?? ''), 'the case number', 10_000);
    const rec = await e.store.getCase((await page.textContent('#case-last')) ?? '');
    assert.equal([rec?.kind, rec?.agentId, rec?.callerNumber, rec?.status], ['consultation', '1001', '13700001111', 'closed']);
    assert.ok(rec?.callId, 'the case names its call');

    await page.keyboard.press('F3');
    await page.waitForSelector('#call-info[data-phase="ended"]');
    assert.is(await page.textContent('#call-info'), '已挂断与 13700001111 的通话');
    await until(() => e.core.acd!.agent('1001').state !== 'talking', 'the agent is off the call');
    await c.hangup();
    await until(async () => !!(await e.store.getCallRecord(rec!.callId!)), 'the call record is written', 20_000);
    const written = await e.store.getCallRecord(rec!.callId!);
    assert.equal([written?.endedBy, written?.callerNumber, written?.agentId], ['agent', '13700001111', '1001']);
    assert.ok((written?.holdMs ?? 0) > 0, `hold time on the record: ${written?.holdMs}`);
  } finally {
    await r.close();
  }
});

test.run();
