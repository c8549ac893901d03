// `hotline start`'s command line: --help documents every option; malformed
// or impossible values are refused with a CLI_* code before anything runs;
// --for beyond a Node timer's 24.8 days still waits that long.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TIMER_MS, setLongTimeout } from '../../src/cli/long-timer.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-start-opts-'));
const start = (...args: string[]) => spawnSync(process.execPath, ['src/cli/bin.js', 'start', ...args], { encoding: 'utf8', timeout: 120_000 });

test('start --help documents every option, exit 0', () => {
  const r = start('--help');
  assert.is(r.status, 0, r.stderr);
  for (const o of ['--board FILE', '--flow FILE', '--data DIR', '--demo-callers N', '--for DURATION', '--stepped', '--smtp HOST:PORT', '--from ADDR', '--quiet', '--help'])
    assert.ok(r.stdout.includes(o), `${o} missing from:\n${r.stdout}`);
  assert.match(r.stdout, /\(default: data\)/);
});

test('--smtp port 0 or above 65535, --demo-callers 0x2 or empty, --for 1e-9: refused with CLI_BAD_VALUE', () => {
  const cases: [string[], RegExp][] = [
    [['--smtp', 'mail.local:0'], /--smtp takes HOST:PORT with a port from 1 to 65535/],
    [['--smtp', 'mail.local:99999'], /--smtp takes HOST:PORT with a port from 1 to 65535/],
    [['--demo-callers', '0x2'], /--demo-callers takes a whole number from 0 to 960, not '0x2'/],
    [['--demo-callers', ''], /--demo-callers takes a whole number from 0 to 960, not ''/],
    [['--for', '1e-9'], /--for takes a duration from 1ms to 366d/],
    [['--for', ''], /--for takes a duration/],
  ];
  for (const [args, re] of cases) {
    const r = start(...args, '--stepped', '--data', join(dir, 'never'));
    assert.is(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^hotline start: CLI_BAD_VALUE: /);
    assert.match(r.stderr, re);
  }
});

test('SMTP relaxations are explicit options that need --smtp; a user needs the password from the environment', () => {
  const h = start('--help');
  for (const o of ['--smtp-tls', '--smtp-user USER', '--smtp-ca FILE', '--smtp-insecure']) assert.ok(h.stdout.includes(o), `${o} missing from the help`);
  let r = start('--smtp-insecure', '--stepped', '--for', '1', '--data', join(dir, 'never'));
  assert.is(r.status, 2);
  assert.match(r.stderr, /CLI_MISSING_ARGUMENT: --smtp-insecure goes with --smtp HOST:PORT/);
  r = spawnSync(process.execPath, ['src/cli/bin.js', 'start', '--smtp', 'mail.local:587', '--smtp-user', 'hotline', '--stepped', '--for', '1', '--data', join(dir, 'never')], {
    encoding: 'utf8',
    env: { ...process.env, HOTLINE_SMTP_PASSWORD: '' },
  });
  assert.is(r.status, 2);
  assert.match(r.stderr, /needs the password in the environment variable HOTLINE_SMTP_PASSWORD/);
});

test('--demo-callers above the network lines is refused, naming how many there are', () => {
  const r = start('--demo-callers', '100', '--stepped', '--for', '1', '--data', join(dir, 'many'));
  assert.is(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /CLI_BAD_VALUE: --demo-callers 100: the board '[^']+' has 60 network lines, so at most 60 simulated callers/);
  assert.not.match(r.stdout, /call \S+ start/);
});

test('setLongTimeout: a 30-day wait is chained from timers of at most 2^31-1 ms and fires once, on time', () => {
  let now = 0;
  const pending: { at: number; fn: () => void; ms: number }[] = [];
  const timers = { now: () => now, setTimeout: (fn: () => void, ms: number) => pending.push({ at: now + ms, fn, ms }), clearTimeout: () => {} };
  let fired = 0;
  setLongTimeout(() => fired++, 30 * 86_400_000, timers);
  while (pending.length) {
    const t = pending.shift()!;
    assert.ok(t.ms <= MAX_TIMER_MS, `a timer of ${t.ms} ms overflows Node's 32-bit delay`);
    now = t.at;
    t.fn();
  }
  assert.is(fired, 1);
  assert.is(now, 30 * 86_400_000);
});

test('--for 30 days in real time does not stop after 1 ms', async () => {
  const child = spawn(process.execPath, ['src/cli/bin.js', 'start', '--for', '2592000', '--data', join(dir, 'long')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  // Once the engine is up the --for timer is armed; an overflowed one fires
  // within a millisecond, so 1.5 s later a stop would long be logged.
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (/hotline: waiting for calls/.test(out)) resolve();
    }),
  );
  await new Promise((r) => setTimeout(r, 1500));
  const early = out;
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(guard);
  assert.not.match(early, /stopping \(--for/, `stopped by --for at once:\n${early}`);
  assert.not.match(err, /TimeoutOverflowWarning/);
  assert.match(out, /stopping \(SIGTERM\)/);
  assert.is(code, 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
