// `hotline start --listen` prints the seat server's URL and serves it;
// `hotline seat` logs in and changes the agent's state; a non-loopback address
// is refused without --listen-public; the seat server closes before the engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseStore } from '../../src/cases/index.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hl-seat-start-'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function seat(args: string[], password = 'secret-12315') {
  return spawnSync(process.execPath, ['src/cli/bin.js', 'seat', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOTLINE_SEAT_PASSWORD: password } });
}

/** `hotline start --listen` on `data`, running until its start lines are out: the seat server's, the demo roster's, then the board's (bounded: 60 s). */
async function started(data: string, port: number) {
  const child = spawn(process.execPath, ['src/cli/bin.js', 'start', '--listen', `127.0.0.1:${port}`, '--data', data, '--for', '120'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { out: '', err: '' };
  child.stdout.on('data', (d) => (io.out += d));
  child.stderr.on('data', (d) => (io.err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for (let i = 0; i < 600 && !/hotline: board '/.test(io.out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  return { child, io, exited };
}

test('hotline start --listen serves seats, health and metrics; hotline seat sets the state; stop closes it', async () => {
  const data = join(dir, 'data');
  const store = await openCaseStore({ dir: join(data, 'cases') });
  await store.putAgent({ id: '1001', name: '话务员一', role: 'agent', password: 'secret-12315' });
  await store.putAgent({ id: '2001', name: '班长', role: 'supervisor', password: 'secret-12315' });
  await store.close();
  const port = await freePort();
  const { child, io, exited } = await started(data, port);
  try {
    assert.match(io.out, new RegExp(`seat server on http://127\\.0\\.0\\.1:${port}/ \\(seats: ws://127\\.0\\.0\\.1:${port}/seat; 2 agents`), `${io.out}\n${io.err}`);
    const url = `ws://127.0.0.1:${port}/seat`;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    const h = (await health.json()) as { board: { mode: string }; store: { writable: boolean } };
    assert.equal([health.status, h.board.mode, h.store.writable], [200, 'realtime', true], JSON.stringify(h));
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^hotline_acd_agents\{state="loggedOut"\} 2$/m);
    assert.match(metrics, /^hotline_calls\{phase="talking"\} 0$/m, 'the engine\'s calls by phase');

    let r = seat(['--url', url, '--agent', '1001', 'login-ready']);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /logged in as 1001 \(agent\)/);
    assert.match(r.stdout, /now: 1001 ready/);
    r = seat(['--url', url, '--agent', '1001', 'not-ready', '临时闭席']);
    assert.match(r.stdout, /now: 1001 notReady \(临时闭席\)/, r.stderr);
    r = seat(['--url', url, '--agent', '1001', 'wallboard']);
    assert.equal([r.status, /SEAT_FORBIDDEN/.test(r.stderr)], [2, true], r.stderr);
    r = seat(['--url', url, '--agent', '2001', 'wallboard']);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /wallboard: 1 logged in, 0 ready, 0 on calls, 1 not ready, 0 in wrap-up/);
    assert.match(r.stdout, /1001 notReady \(临时闭席\) for \d+ s, no seat/);
    r = seat(['--url', url, '--agent', '1001', 'status'], 'wrong-password');
    assert.equal([r.status, /SEAT_LOGIN_FAILED/.test(r.stderr)], [2, true], r.stderr);
    // Beyond loopback only when asked.
    const refused = spawnSync(process.execPath, ['src/cli/bin.js', 'start', '--listen', `0.0.0.0:${port}`, '--data', join(dir, 'other'), '--for', '1'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal([refused.status, /SEAT_LISTEN_REFUSED/.test(refused.stderr)], [2, true], refused.stderr);
    child.kill('SIGINT');
    assert.is(await exited, 0, io.err);
    assert.match(io.out, /stopped/);
    r = seat(['--url', url, '--agent', '1001', 'status']);
    assert.equal([r.status, /SEAT_CONNECT_FAILED/.test(r.stderr)], [2, true], r.stderr);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('npm start on an empty data folder: the demo roster is added and printed, an agent logs in with hotline seat and a supervisor sees the roster; a second start adds nothing', async () => {
  const data = join(dir, 'fresh');
  const port = await freePort();
  const startOnce = async (check: (out: string) => Promise<void>) => {
    const { child, io, exited } = await started(data, port);
    try {
      assert.match(io.out, /seat server on/, `${io.out}\n${io.err}`);
      await check(io.out);
      child.kill('SIGINT');
      assert.is(await exited, 0, io.err);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  };
  const url = `ws://127.0.0.1:${port}/seat`;
  await startOnce(async (out) => {
    assert.match(out, /demo roster added to the empty case store: agents 1001 and 1002, supervisor 2001, admin 9001, password demo-12315/);
    assert.match(out, /3 agents/, 'the ACD roster has the two agents and the supervisor');
    let r = seat(['--url', url, '--agent', '1001', 'login-ready'], 'demo-12315');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /now: 1001 ready/);
    r = seat(['--url', url, '--agent', '2001', 'wallboard'], 'demo-12315');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /wallboard: 1 logged in, 1 ready/);
    assert.match(r.stdout, /1002 loggedOut/);
  });
  await startOnce(async (out) => {
    assert.not.match(out, /demo roster added/, 'a store with agents is left alone');
  });
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
