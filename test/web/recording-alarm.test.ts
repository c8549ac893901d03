// A recording stopped by a failure reaches the supervisor: the recording
// layer's alarm (disk full on a channel) puts a red banner over the live
// wallboard and a gauge in /metrics until the channel records again. The
// alarms come from the recording layer's stream (what test/recording/diskfull
// raises for real); the seat server, the wallboard and the page are real.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { Subject } from 'rxjs';
import type { RecordingAlarm } from '../../src/recording/index.ts';
import { testUnless } from '../skip.ts';
import { consoleRig, launch, logIn, NO_CHROMIUM, tab, until } from './_browser.ts';

let browser: Browser;
test.before(async () => {
  if (!NO_CHROMIUM) browser = await launch();
});
test.after(async () => {
  await browser?.close();
});

const metric = async (r: Awaited<ReturnType<typeof consoleRig>>) => (await r.server.app.inject({ method: 'GET', url: '/metrics' })).body;

testUnless(NO_CHROMIUM, 'a disk-full recording alarm shows over the wallboard and in /metrics until the channel records again', async () => {
  const alarms = new Subject<RecordingAlarm>();
  const r = await consoleRig({ recordingAlarms: alarms });
  try {
    const sup = await tab(browser, r);
    await logIn(sup, '2001');
    await sup.page.waitForSelector('.seat-card[data-agent="1001"]');
    assert.ok(await sup.page.isHidden('#rec-alarms'), 'no banner while recordings run');
    const at = Date.UTC(2026, 11, 3, 2, 0, 0);
    alarms.next({ raised: true, code: 'HL_EREC_DISKFULL', message: 'no space left on the recording disk', channel: 'sim-e1x2/0:5', at });
    alarms.next({ raised: true, code: 'HL_EREC_DISKFULL', message: 'no space left on the recording disk', channel: 'sim-e1x2/0:7', at, callId: 'c-77' });
    await sup.page.waitForSelector('#rec-alarms:not([hidden]) li[data-channel="sim-e1x2/0:7"]');
    assert.match((await sup.page.textContent('#rec-alarm-title')) ?? '', /2 路录音已停止/);
    assert.match((await sup.page.textContent('#rec-alarm-list li[data-channel="sim-e1x2/0:7"]')) ?? '', /\(c-77\): HL_EREC_DISKFULL/);
    assert.match(await metric(r), /^hotline_recording_alarms\{code="HL_EREC_DISKFULL"\} 2$/m);
    // Hostile text from a message stays text.
    alarms.next({ raised: true, code: 'HL_EREC_IO', message: '<img src=x onerror=alert(1)>', channel: 'sim-e1x2/0:9', at });
    await sup.page.waitForSelector('#rec-alarm-list li[data-channel="sim-e1x2/0:9"]');
    assert.is(await sup.page.locator('#rec-alarm-list img').count(), 0, 'no element from the message');
    // Cleared one by one: the banner goes when the last channel records again.
    alarms.next({ raised: false, code: 'HL_EREC_DISKFULL', message: 'recording again', channel: 'sim-e1x2/0:5', at: at + 60_000 });
    alarms.next({ raised: false, code: 'HL_EREC_IO', message: 'recording again', channel: 'sim-e1x2/0:9', at: at + 60_000 });
    await until(async () => (await sup.page.locator('#rec-alarm-list li').count()) === 1, 'one alarm left');
    assert.match((await sup.page.textContent('#rec-alarm-title')) ?? '', /1 路录音已停止/);
    alarms.next({ raised: false, code: 'HL_EREC_DISKFULL', message: 'recording again', channel: 'sim-e1x2/0:7', at: at + 60_000, callId: 'c-77' });
    await sup.page.waitForSelector('#rec-alarms[hidden]', { state: 'attached' });
    assert.not.match(await metric(r), /^hotline_recording_alarms\{/m, 'no alarm in /metrics once cleared');
    assert.equal(sup.problems, []);
    await sup.ctx.close();
  } finally {
    await r.close();
  }
});

test.run();
