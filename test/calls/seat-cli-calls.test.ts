// `hotline seat` on a call (a technician's command-line seat, each action its
// own login over a real WebSocket on 127.0.0.1): a headset agent answers the
// offer, holds, retrieves and transfers blind to a colleague whose station
// rings; each action prints the call id and the events that follow; a bad
// target is refused before any login; a refusal prints the server's code;
// /metrics counts the engine's calls by phase.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SeatHost } from '../../src/seats/host.ts';
import { PASSWORD } from '../seats/_harness.ts';
import { agentHarness, roster, seatsOn, type AgentHarness } from './_agents.ts';

const root = join(import.meta.dirname, '..', '..');
let h: AgentHarness;
let host: SeatHost;

/** Runs `hotline seat` without blocking the event loop (board time moves meanwhile). */
function seatCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/cli/bin.js', 'seat', ...args], { cwd: root, env: { ...process.env, HOTLINE_SEAT_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, out, err });
    });
  });
}

/** Board time at wall-clock pace while `work` (a command-line seat) runs: the seat server answers in real time. */
async function paced<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const p = work.finally(() => (done = true));
  while (!done) {
    await h.advance(20);
    await new Promise((r) => setTimeout(r, 20));
  }
  return p;
}

test('answer, hold, retrieve and a blind transfer from the command line; refusals carry their codes', async () => {
  h = await agentHarness(roster(2));
  const e = h.engine;
  ({ host } = await seatsOn(
    h,
    ['1001', '1002'].map((id) => ({ id, name: `话务员${id}`, role: 'agent', seat: false })),
    { ops: true, callPhases: true },
  ));
  const sb = e.core.switchboard!;
  const url = host.server.seatUrl;
  const as1001 = (...a: string[]) => seatCli(['--url', url, '--agent', '1001', ...a]);

  const bad = await as1001('transfer', 'nobody');
  assert.is(bad.code, 2, bad.err);
  assert.match(bad.err, /CLI_BAD_VALUE/);
  assert.not.match(bad.out, /logged in/, 'refused before a login');
  const none = await as1001('answer');
  assert.equal([none.code, /CALL_NO_OFFER/.test(none.err)], [2, true], none.err);

  const [a1, a2] = h.stations;
  await h.run(a1.liftHandset().then(() => h.sleep(300))); // headset mode: the offer is a zip tone, answered from the seat
  h.login('1001', '1002');
  e.core.acd!.setNotReady('1002', 'meal');
  const c = h.caller(1, '13700002222');
  let callId = '';
  await h.run(
    (async () => {
      await h.toAgent(c);
      for (let i = 0; i < 200 && sb.callOf('1001')?.state !== 'offered'; i++) await h.sleep(100);
    })(),
  );
  assert.is(sb.callOf('1001')?.state, 'offered', 'the call is offered to 1001');
  callId = sb.callOf('1001')!.callId;
  const ans = await paced(as1001('answer'));
  assert.is(ans.code, 0, ans.err);
  assert.match(ans.out, new RegExp(`answer: callId ${callId}`));
  assert.is(sb.callOf('1001')?.state, 'talking');
  const hold = await paced(as1001('hold'));
  assert.is(hold.code, 0, hold.err);
  assert.match(hold.out, /held/);
  assert.is(sb.callOf('1001')?.state, 'held');
  const metrics = await (await fetch(`${host.server.url}metrics`)).text();
  assert.match(metrics, /^hotline_calls\{phase="held"\} 1$/m, '/metrics counts the call held');
  assert.match(metrics, /^hotline_calls\{phase="talking"\} 0$/m);
  const back = await paced(as1001('retrieve'));
  assert.is(back.code, 0, back.err);
  assert.is(sb.callOf('1001')?.state, 'talking');
  const busy = await paced(as1001('transfer', 'agent:1002'));
  assert.equal([busy.code, /CALL_TARGET_NOT_READY/.test(busy.err)], [2, true], `1002 is not ready: ${busy.err}`);
  assert.is(sb.callOf('1001')?.state, 'talking', 'the refusal changed nothing');
  e.core.acd!.setReady('1002');
  const tr = await paced(as1001('transfer', 'agent:1002'));
  assert.is(tr.code, 0, tr.err);
  assert.match(tr.out, /transferred: .*"to":"agent:1002".*"kind":"blind"/);
  await h.run(
    (async () => {
      assert.ok(await a2.waitRing(10_000), '1002\'s station rings');
      await a2.liftHandset();
      await h.sleep(500);
    })(),
  );
  assert.is(sb.callOf('1002')?.callId, callId, 'the caller is with 1002 now');
  assert.is(sb.callOf('1001'), null, '1001 has left the call');
  await h.run(c.hangup());
  await h.run(e.core.idle());
  for (const st of [a1, a2]) await h.run(st.hangUp());
  const rec = await e.store.getCallRecord(callId);
  assert.ok(rec, 'a call record');
  assert.ok(rec!.transfers && rec!.transfers.length === 1, `one transfer in the record: ${JSON.stringify(rec!.transfers)}`);
});

test.after(async () => {
  await h?.close();
});

test.run();
