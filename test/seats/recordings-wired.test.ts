// The recording routes on the seat server of a running engine (`hotline
// start`'s openSeats): two answered calls, each recorded (全程录音), one by
// 1001 and one by 1002; over real HTTP on loopback 1001 fetches part of his
// own call's recording with a Range request and is refused the other's.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openSeats } from '../../src/cli/start-seats.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import type { RecordingEntry } from '../../src/recording/types.ts';
import type { SeatHost } from '../../src/seats/host.ts';
import { agentHarness, roster, type AgentHarness } from '../calls/_agents.ts';

let h: AgentHarness | undefined;
let seats: SeatHost | null = null;
test.after.each(async () => {
  await seats?.close();
  seats = null;
  await h?.close();
  h = undefined;
});

const PASSWORD = 'correct horse 12315';

test("an agent fetches his own call's recording with a Range request, and not another agent's", async () => {
  h = await agentHarness(roster(2, 'linear'), { recordCalls: true });
  const e = h.engine;
  for (const id of ['1001', '1002']) await e.store.putAgent({ id, name: `话务员${id}`, role: 'agent', password: PASSWORD });
  const entries: RecordingEntry[] = [];
  for (const [i, agent] of [[0, '1001'], [1, '1002']] as const) {
    e.core.acd!.login(agent, { ready: true });
    const c = h.caller(1 + i);
    const st = h.stations[i];
    await h.run(
      (async () => {
        await h!.toAgent(c);
        assert.ok(await st.waitRing(20_000), `${agent} rings`);
        await st.liftHandset();
        await h!.sleep(1500);
      })(),
    );
    await h.run(c.hangup());
    await h.run(st.hangUp());
    await h.run(e.core.idle());
    e.core.acd!.logout(agent);
    const id = h.ended.at(-1)!.recordings.find((r) => r.startsWith('recordings/calls/'))!;
    const entry = await h.indexed(id);
    assert.ok(entry, `call ${i + 1} indexed`);
    assert.equal(entry!.agents, [agent]);
    entries.push(entry!);
  }
  seats = await openSeats(e, { listen: { host: '127.0.0.1', port: 0 }, public: false }, () => {});
  assert.ok(seats, 'the seat server runs');
  const base = seats!.server.url.replace(/\/$/, '');
  const login = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId: '1001', password: PASSWORD }) });
  assert.is(login.status, 200);
  const { token } = (await login.json()) as { token: string };
  const get = (id: string) => fetch(`${base}/recordings/audio?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}`, range: 'bytes=0-99' } });
  const own = await get(entries[0].id);
  assert.is(own.status, 206, 'his own call: partial content');
  const bytes = Buffer.from(await own.arrayBuffer());
  assert.equal(bytes, readFileSync(recordingPath(e.dataDir, entries[0].id)).subarray(0, 100), 'the first 100 bytes of the file');
  const other = await get(entries[1].id);
  assert.is(other.status, 403, "1002's call is refused");
  assert.is(((await other.json()) as { code: string }).code, 'REC_FORBIDDEN');
  const list = await fetch(`${base}/recordings`, { headers: { authorization: `Bearer ${token}` } });
  assert.is(list.status, 200);
  const listed = await list.text();
  assert.ok(listed.includes(entries[0].id), 'the list shows his call');
  assert.not.ok(listed.includes(entries[1].id), 'the list does not show the other call');
});

test.run();
