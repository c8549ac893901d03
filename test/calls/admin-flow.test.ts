// The IVR flow changed from the console (`admin-flow-save` over a real seat
// socket) on a running engine with simulated callers on the E1 span: a call
// in progress keeps the flow it started with, the next call takes the new
// one. What each caller heard is checked by correlation with the prompts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentHarness, heardIn, prompt, roster, score, seatsOn, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

test('a flow saved from the console: the call in the menu keeps the old flow, the next caller goes straight to the agents\' queue', async () => {
  h = await agentHarness(roster(1));
  const e = h.engine;
  const { seats: [adm] } = await seatsOn(h, [{ id: '9001', name: '管理员', role: 'admin' }], { flows: true });
  const old = (await adm.ask('admin-flow')).result as { text: string; version: number };
  // The new flow: the welcome leads to the agents at once; key 4 of the menu says goodbye instead of the consultation.
  const changed = old.text.replace('    next: main\n', '    next: agent\n').replace('"4": consult,', '"4": goodbye,');
  assert.is.not(changed, old.text);

  const first = h.caller(1, '13700001111');
  const second = h.caller(2, '13700002222');
  let firstFile: string | null = null;
  let secondFile: string | null = null;
  await h.run(
    (async () => {
      assert.ok(await first.dial(), 'the IVR answers the first caller');
      await first.hear(); // welcome and the main menu
      const saved = await adm.ask('admin-flow-save', { text: changed, format: 'yaml' });
      assert.ok(saved.ok, JSON.stringify(saved));
      assert.is(saved.result.version, old.version + 1);
      await first.press('4');
      await first.hear({ maxMs: 8000 });
      firstFile = await first.hangup();
      assert.ok(await second.dial(), 'the IVR answers the second caller');
      await second.hear({ maxMs: 8000 });
      secondFile = await second.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  const byCaller = (n: string) => h.ended.find((c) => c.callerNumber === n)!;
  const one = byCaller('13700001111');
  const two = byCaller('13700002222');
  assert.ok(one.path.includes('main') && one.path.includes('consult'), `the first call kept the old flow: ${one.path.join(' → ')}`);
  assert.not.ok(two.path.includes('main'), `the second call never saw the menu: ${two.path.join(' → ')}`);
  assert.ok(two.path.includes('agent_queue'), `the second call went to the agents' queue: ${two.path.join(' → ')}`);
  const heard1 = heardIn(firstFile);
  const heard2 = heardIn(secondFile);
  const menu = prompt(e, 'zh', 'main_menu');
  assert.ok(score(heard1, menu) > 0.8, `the first caller heard the menu (score ${score(heard1, menu).toFixed(2)})`);
  assert.ok(score(heard1, prompt(e, 'zh', 'consult_intro')) > 0.8, 'the first caller\'s key 4 still led to the consultation');
  // He did hear the IVR (speech, not silence): the welcome and what the queue says.
  const rms = Math.sqrt(heard2.reduce((a, x) => a + x * x, 0) / Math.max(1, heard2.length));
  assert.ok(rms > 300, `the second caller heard the IVR speak (rms ${rms.toFixed(0)})`);
  assert.ok(score(heard2, menu) < 0.5, `the second caller heard no menu (score ${score(heard2, menu).toFixed(2)})`);
  await adm.close();
});

test.run();
