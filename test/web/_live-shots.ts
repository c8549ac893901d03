// Screenshots on live calls (npm run screenshots, after the static ones):
// the agent consulting a colleague (the operations panel), the supervisor's
// wallboard listening to that call (caller and queue on the seat card), and
// the recordings page with the call's recording playing.
import { join } from 'node:path';
import { until } from './_browser.ts';
import { callRig, goReady, see, takeCall } from './_calls.ts';

export async function liveShots(docs: string): Promise<void> {
  const r = await callRig(3, { supervisors: ['1003'], departmentOf: () => 'd1', engine: { recordCalls: true } });
  const { h } = r;
  try {
    const [a1, a2, sup] = h.stations;
    for (const st of [a1, a2, sup]) await st.liftHandset();
    const agent = await r.page('1001');
    await goReady(agent);
    const boss = await r.page('1003');
    const c = await takeCall(r, agent, 1, '13912345678');
    await agent.fill('#case-caller', '13912345678');
    await agent.fill('#case-facts', '购买的电动车电池三个月即鼓包，商家拒绝更换。');
    r.h.engine.core.acd!.login('1002', { ready: true });
    await agent.fill('#transfer-to', '1002');
    await agent.keyboard.press('F10');
    await see(agent, '#ops-info', (s) => s.includes('已接通'), 'consulting');
    await agent.screenshot({ path: join(docs, 'console-agent-consult.png') });
    await agent.click('#consult-cancel');
    await boss.click('.seat-card[data-agent="1001"] .sv-listen');
    await see(boss, '#status', (s) => s.startsWith('正在监听'), 'listening');
    await boss.screenshot({ path: join(docs, 'console-supervisor-listen.png') });
    await c.speak(h.engine.prompts.file('zh', 'caller_complaint'));
    await c.hangup();
    await until(() => h.ended.length > 0 && !!h.engine.recordings.index.get(h.ended[0].recordings[0] ?? ''), 'the call recorded and indexed', 30_000);
    await boss.goto(new URL('/recordings.html', r.host.server.url).href);
    await boss.waitForSelector('#rec-rows tr .rec-play', { timeout: 30_000 });
    await boss.click('#rec-rows tr .rec-play');
    await boss.waitForFunction(() => (document.getElementById('rec-player') as HTMLAudioElement).duration > 0);
    await boss.screenshot({ path: join(docs, 'console-recordings.png') });
  } finally {
    await r.close();
  }
}
