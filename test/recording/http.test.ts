// Recordings over HTTP (issue 11 "Access"), fastify inject on the plugin the
// seat server registers: rights (an agent his own calls, a supervisor his
// department's, an admin all), ids never paths, Range requests for playback,
// and every listen, download and refusal in the fsynced audit log.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { entryFor, openRecordingIndex } from '../../src/recording/index.ts';
import { AUDIT_FILE, parseRange, recordingRoutes } from '../../src/recording/http.ts';
import { Sessions } from '../../src/seats/auth.ts';
import { data, T0 } from './_fixture.ts';

test('rights, ranges and the audit log', async () => {
  const d = await data();
  const index = openRecordingIndex(d.dir);
  const app = Fastify();
  try {
    const people = [
      ['A1', 'agent', 'D1'],
      ['A2', 'agent', 'D1'],
      ['A3', 'agent', 'D2'],
      ['S1', 'supervisor', 'D1'],
      ['AD', 'admin', 'D9'],
    ] as const;
    for (const dept of ['D1', 'D2', 'D9']) await d.store.putDepartment({ id: dept, name: `department ${dept}` });
    for (const [id, role, dept] of people) await d.store.putAgent({ id, name: id, role, departmentId: dept, password: 'correct horse 1' });
    const calls: Array<[string, string]> = [
      ['recordings/calls/20260302/C1.wav', 'A1'],
      ['recordings/calls/20260302/C2.wav', 'A2'],
      ['recordings/calls/20260302/C3.wav', 'A3'],
    ];
    for (const [id, agent] of calls) {
      d.take(id, 1, T0);
      await index.put(entryFor(d.dir, id, { kind: 'call', agents: [agent], callId: id.slice(-6, -4), start: T0 - 1000, end: T0 }));
    }
    const sessions = new Sessions(3_600_000, () => T0);
    const token: Record<string, string> = {};
    for (const [id, role] of people) token[id] = sessions.open(id, role).token;
    await app.register(recordingRoutes, {
      dataDir: d.dir,
      index,
      user: (t) => sessions.get(t),
      team: async (s) => {
        const me = await d.store.getAgent(s);
        return (await d.store.listAgents()).filter((a) => a.departmentId === me?.departmentId).map((a) => a.id);
      },
      now: () => T0,
    });
    const get = (url: string, who?: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...(who ? { authorization: `Bearer ${token[who]}` } : {}), ...headers } });
    const ids = async (who: string) => ((await get('/recordings', who)).json() as Array<{ id: string }>).map((e) => e.id.slice(-6, -4)).sort();
    assert.equal(await ids('A1'), ['C1'], 'an agent: his own calls');
    assert.equal(await ids('S1'), ['C1', 'C2'], 'a supervisor: his department');
    assert.equal(await ids('AD'), ['C1', 'C2', 'C3'], 'an admin: all');
    assert.is((await get('/recordings')).statusCode, 401);
    assert.is((await get('/recordings', undefined, { authorization: 'Bearer nonsense-token-0000' })).json().code, 'REC_UNAUTHORIZED');

    const audio = (id: string) => `/recordings/audio?id=${encodeURIComponent(id)}`;
    const whole = await get(audio(calls[0][0]), 'A1');
    assert.is(whole.statusCode, 200);
    assert.is(whole.headers['accept-ranges'], 'bytes');
    const file = readFileSync(join(d.dir, calls[0][0]));
    assert.ok(whole.rawPayload.equals(file), 'the whole file');
    const part = await get(audio(calls[0][0]), 'S1', { range: 'bytes=100-199' });
    assert.is(part.statusCode, 206);
    assert.is(part.headers['content-range'], `bytes 100-199/${file.length}`);
    assert.ok(part.rawPayload.equals(file.subarray(100, 200)), 'bytes 100-199');
    const tail = await get(`${audio(calls[0][0])}&download=1`, 'AD', { range: 'bytes=-10' });
    assert.ok(tail.rawPayload.equals(file.subarray(file.length - 10)), 'the last 10 bytes');
    assert.match(String(tail.headers['content-disposition']), /attachment; filename="C1.wav"/);
    const bad = await get(audio(calls[0][0]), 'A1', { range: `bytes=${file.length}-` });
    assert.is(bad.statusCode, 416);
    assert.is(bad.headers['content-range'], `bytes */${file.length}`);
    assert.is((await get(audio(calls[2][0]), 'S1')).statusCode, 403, 'another department');
    assert.is((await get(audio(calls[1][0]), 'A1')).json().code, 'REC_FORBIDDEN', "a colleague's call");
    assert.is((await get(audio('recordings/../cases/data.mdb'), 'AD')).json().code, 'REC_BAD_ID', 'no path traversal');
    assert.is((await get(audio('/etc/passwd'), 'AD')).statusCode, 400);
    assert.is((await get(audio('recordings/calls/20260302/C9.wav'), 'AD')).statusCode, 404);

    const log = readFileSync(join(d.dir, AUDIT_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = (who: string, result: string) => log.filter((l) => l.who === who && l.result === result);
    assert.is(line('A1', 'ok').length, 1, 'the agent listened once');
    assert.equal(line('S1', 'ok')[0], { at: T0, who: 'S1', role: 'supervisor', action: 'listen', id: calls[0][0], range: 'bytes=100-199', ip: '127.0.0.1', result: 'ok' });
    assert.is(line('AD', 'ok')[0].action, 'download');
    assert.is(line('S1', 'REC_FORBIDDEN').length, 1, 'a refusal is audited');
    assert.is(line('A1', 'REC_RANGE_INVALID').length, 1);
    assert.ok(log.some((l) => l.who === '-' && l.result === 'REC_UNAUTHORIZED'), 'an anonymous try is audited');
  } finally {
    await app.close();
    await index.close();
    await d.done();
  }
});

test('ranges: one satisfiable range only', () => {
  assert.equal(parseRange('bytes=0-0', 10), [0, 0]);
  assert.equal(parseRange('bytes=5-', 10), [5, 9]);
  assert.equal(parseRange('bytes=-3', 10), [7, 9]);
  assert.equal(parseRange('bytes=8-100', 10), [8, 9]);
  for (const bad of ['bytes=10-', 'bytes=5-2', 'bytes=-', 'items=0-1', 'bytes=0-1,3-4', 'bytes=x-1']) assert.throws(() => parseRange(bad, 10), (e: unknown) => (e as { code?: string }).code === 'REC_RANGE_INVALID', bad);
});

test.run();
