// The recordings page on a running engine that records every answered call
// (全程录音): two calls, one answered by 1001 and one by 1002. Agent 1001's
// page lists his own call only and the server refuses him the other's
// audio; supervisor 1003 (same department) finds both, searches by number,
// agent and date, and plays one in the page: the audio comes through the
// recording route as a Range request (206, in the audit log) and the
// browser decodes the whole recording.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AUDIT_FILE, type AuditLine } from '../../src/recording/http.ts';
import type { RecordingEntry } from '../../src/recording/types.ts';
import { testUnless } from '../skip.ts';
import { NO_CHROMIUM, until } from './_browser.ts';
import { callRig, see } from './_calls.ts';

testUnless(NO_CHROMIUM, 'recordings page: an agent lists and hears only his own call; a supervisor searches by number, agent and date and plays a call through the Range route', async () => {
  const r = await callRig(3, { supervisors: ['1003'], departmentOf: () => 'd1', engine: { recordCalls: true } });
  const { h } = r;
  const e = h.engine;
  const acd = e.core.acd!;
  try {
    // Two answered calls, each recorded: 13700004444 → 1001, 13700005555 → 1002 (handsets: ring, lift).
    const entries: RecordingEntry[] = [];
    for (const [i, agent, number] of [[0, '1001', '13700004444'], [1, '1002', '13700005555']] as const) {
      acd.login(agent, { ready: true });
      const c = h.caller(1 + i, number);
      const st = h.stations[i];
      await h.toAgent(c);
      assert.ok(await st.waitRing(20_000), `${agent} rings`);
      await st.liftHandset();
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await c.hangup();
      await st.hangUp();
      await until(() => acd.agent(agent).callId === undefined, `${agent} off the call`, 20_000);
      acd.logout(agent);
      const id = await (async () => {
        await until(() => h.ended.length > i, `call ${i + 1} ended`, 20_000);
        return h.ended[i].recordings.find((x) => x.startsWith('recordings/calls/'))!;
      })();
      await until(() => !!e.recordings.index.get(id), `call ${i + 1} indexed`, 20_000);
      entries.push(e.recordings.index.get(id)!);
    }
    assert.equal(entries.map((x) => x.agents), [['1001'], ['1002']]);

    // The agent: his own call only; the other's audio is refused by the server.
    const agent = await r.page('1001');
    await agent.click('#recordings-link');
    await agent.waitForURL(/recordings\.html$/);
    await agent.waitForSelector('#rec-rows tr');
    assert.equal(await agent.$$eval('#rec-rows tr', (rows) => rows.map((x) => (x as HTMLElement).dataset.id)), [entries[0].id]);
    assert.ok(await agent.isHidden('#rec-agent'), 'no agent field for an agent');
    const refused = await agent.evaluate(async (id) => {
      const s = JSON.parse(sessionStorage.getItem('hotline.session')!) as { token: string };
      const res = await fetch(`/recordings/audio?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${s.token}` } });
      return [res.status, ((await res.json()) as { code: string }).code];
    }, entries[1].id);
    assert.equal(refused, [403, 'REC_FORBIDDEN']);

    // The supervisor: both calls; by number, by agent, by a date with none.
    const sup = await r.page('1003');
    await sup.click('#recordings-link');
    await sup.waitForURL(/recordings\.html$/);
    await see(sup, '#rec-count', (s) => s === '共 2 条（本部门的通话）', 'both calls for the supervisor');
    await sup.fill('#rec-number', '13700005555');
    await sup.click('#rec-submit');
    // The count reads 共 1 条 before and after a search: wait for the rows themselves.
    const rowsAre = (ids: string[], what: string) =>
      until(async () => JSON.stringify(await sup.$$eval('#rec-rows tr', (rows) => rows.map((x) => (x as HTMLElement).dataset.id))) === JSON.stringify(ids), what, 10_000);
    await see(sup, '#rec-count', (s) => s.startsWith('共 1 条'), 'one call by number');
    await rowsAre([entries[1].id], "the number's call listed");
    assert.match((await sup.textContent('#rec-rows tr td:nth-child(4)')) ?? '', '1002');
    await sup.fill('#rec-number', '');
    await sup.fill('#rec-agent', '1001');
    await sup.click('#rec-submit');
    await see(sup, '#rec-count', (s) => s.startsWith('共 1 条'), 'one call by agent');
    await rowsAre([entries[0].id], "1001's call listed, not the number's");
    await sup.fill('#rec-from', '2001-01-01');
    await sup.fill('#rec-to', '2001-01-02');
    await sup.click('#rec-submit');
    await see(sup, '#rec-count', (s) => s === '没有符合条件的录音', 'none in 2001');
    await sup.fill('#rec-from', '');
    await sup.fill('#rec-to', '');
    await sup.click('#rec-submit');
    await sup.waitForSelector('#rec-rows tr .rec-play');

    // Play: the whole recording decoded by Chromium, its length that of the index entry.
    await sup.click('#rec-rows tr .rec-play');
    await sup.waitForFunction(() => {
      const a = document.getElementById('rec-player') as HTMLAudioElement;
      return a.dataset.id && Number.isFinite(a.duration) && a.duration > 0;
    });
    const played = await sup.evaluate(() => {
      const a = document.getElementById('rec-player') as HTMLAudioElement;
      return { id: a.dataset.id, seconds: a.duration, error: a.error?.code ?? null };
    });
    assert.is(played.id, entries[0].id);
    assert.is(played.error, null);
    assert.ok(Math.abs(played.seconds - entries[0].durationMs / 1000) < 0.1, `${played.seconds} s played, ${entries[0].durationMs} ms indexed`);
    const audit = readFileSync(join(e.dataDir, AUDIT_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditLine);
    assert.ok(audit.some((a) => a.who === '1003' && a.action === 'listen' && a.id === entries[0].id && a.range === 'bytes=0-' && a.result === 'ok'), 'the listen is in the audit log with its range');
    assert.ok(audit.some((a) => a.who === '1001' && a.id === entries[1].id && a.result === 'REC_FORBIDDEN'), 'the refusal is in the audit log');
  } finally {
    await r.close();
  }
});

test.run();
