// `hotline start` as a user runs it: stepped for a bounded time with demo
// callers (calls logged as they start and end, each with a call record in
// ./data), stopped by SIGTERM in real time (calls cleared, exit 0), and bad
// options or a broken flow refused with a code and a sentence.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore } from '../../src/cases/index.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'hl-start-'));

function start(args: string[], onLine?: (line: string, kill: (sig: NodeJS.Signals) => void) => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/cli/bin.js', 'start', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine?.(buf.slice(0, i), (sig) => child.kill(sig));
        buf = buf.slice(i + 1);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, out, err });
    });
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('start --stepped --for 40 --demo-callers 4: calls logged start and end, every call has a call record', async () => {
  const data = join(dir, 'stepped');
  const r = await start(['--stepped', '--for', '40', '--demo-callers', '4', '--data', data]);
  assert.is(r.code, 0, `exit ${r.code}: ${r.err}`);
  const starts = [...r.out.matchAll(/call (\S+) start /g)].map((m) => m[1]);
  const ends = [...r.out.matchAll(/call (\S+) end /g)].map((m) => m[1]);
  assert.ok(starts.length >= 4, `only ${starts.length} calls started:\n${r.out}`);
  assert.equal(ends.slice().sort(), starts.slice().sort(), 'a call started but never ended (or the reverse)');
  assert.match(r.out, /hotline: stopped; \d+ calls taken/);
  const store = await openCaseStore({ dir: join(data, 'cases') });
  try {
    for (const id of starts) assert.ok(await store.getCallRecord(id), `no call record for ${id}`);
  } finally {
    await store.close();
  }
});

test('start --stepped --demo-callers 2 --demo-agents 2: callers who press 0 are answered by the demo agents, talk, and the agents wrap up', async () => {
  const data = join(dir, 'agents');
  const r = await start(['--stepped', '--for', '90', '--demo-callers', '2', '--demo-agents', '2', '--announce-agent', '--data', data]);
  assert.is(r.code, 0, `exit ${r.code}: ${r.err}`);
  assert.match(r.out, /demo agent 8001 at \S+:fxs1: ready/);
  const talked = [...r.out.matchAll(/agent (800[12]): talking with (\S+) \(call (\S+)\)/g)];
  assert.ok(talked.length >= 2, `only ${talked.length} calls reached an agent:\n${r.out}`);
  assert.match(r.out, /agent 800[12]: wrap-up/);
  assert.match(r.out, /agent 800[12]: call \S+ ended by the agent/);
  const store = await openCaseStore({ dir: join(data, 'cases') });
  try {
    const rec = await store.getCallRecord(talked[0][3]);
    assert.ok(rec, 'a call record for the answered call');
    assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent']);
    assert.is(rec!.agentId, talked[0][1]);
    // 全程录音 is on by default: the answered call's own recording is on disk and listed.
    const own = rec!.recordingIds.filter((id) => id.startsWith('recordings/calls/'));
    assert.is(own.length, 1, `the call record lists its recording: ${rec!.recordingIds.join(', ')}`);
    assert.ok(existsSync(join(data, own[0])), `${own[0]} exists`);
  } finally {
    await store.close();
  }
});

test('real time: SIGTERM during calls clears them (outcome shutdown) and exits 0', async () => {
  const data = join(dir, 'realtime');
  let signalled = false;
  const r = await start(['--demo-callers', '2', '--data', data], (line, kill) => {
    // A call has started (its line is seized and being answered): stop now,
    // while it is in progress; a demo call lasts tens of seconds.
    if (!signalled && / start /.test(line) && /call /.test(line)) {
      signalled = true;
      kill('SIGTERM');
    }
  });
  assert.ok(signalled, `no call started:\n${r.out}\n${r.err}`);
  assert.is(r.code, 0, `exit ${r.code}: ${r.err}`);
  assert.match(r.out, /stopping \(SIGTERM\)/);
  assert.match(r.out, / end .* shutdown /);
});

test('bad option → exit 2 with CLI_BAD_VALUE; a broken flow → exit 1 with IVR_FLOW_INVALID and the pointer', async () => {
  const bad = await start(['--demo-callers', 'many']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /CLI_BAD_VALUE: --demo-callers takes a whole number/);
  const rolling = await start(['--rolling', 'sometimes']);
  assert.is(rolling.code, 2);
  assert.match(rolling.err, /CLI_BAD_VALUE: --rolling sometimes: say 'lines', 'all', 'group:NAME', 'channels:SPAN:TS,…', 'seats:AGENT,…' or 'none'/);
  const flow = join(dir, 'broken.json');
  writeFileSync(flow, JSON.stringify({ name: 'x', language: 'zh', languages: ['zh'], start: 'a', nodes: { a: { type: 'play', prompts: ['welcome'], next: 'b' } } }));
  const broken = await start(['--flow', flow, '--data', join(dir, 'broken'), '--for', '1']);
  assert.is(broken.code, 1);
  assert.match(broken.err, /IVR_FLOW_INVALID: .*broken\.json refused, 1 problem:\n  .*broken\.json#\/nodes\/a\/next: names node 'b'/);
});

test.run();
