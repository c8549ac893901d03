// `hotline` itself: --version from package.json, `hotline help CMD`, unknown
// commands refused with a catalog code, no stack trace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const hotline = (...args: string[]) => spawnSync(process.execPath, ['src/cli/bin.js', ...args], { encoding: 'utf8', timeout: 60_000 });

test('--version prints the package.json version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const r = hotline('--version');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, `hotline ${pkg.version}\n`);
});

test('hotline help CMD is CMD --help', () => {
  const a = hotline('help', 'detect');
  const b = hotline('detect', '--help');
  assert.is(a.status, 0, a.stderr);
  assert.is(a.stdout, b.stdout);
  assert.match(a.stdout, /^usage: hotline detect/);
});

test('--help lists the commands; no command is a usage error', () => {
  const r = hotline('--help');
  assert.is(r.status, 0);
  for (const c of ['bench', 'detect', 'start']) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
  assert.match(r.stdout, /hotline --version/);
  assert.is(hotline().status, 2);
});

test('unknown command or option: CLI_UNKNOWN_COMMAND, exit 2, no stack', () => {
  for (const args of [['frobnicate'], ['--frobnicate'], ['help', 'nope']]) {
    const r = hotline(...args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^hotline: CLI_UNKNOWN_COMMAND: /);
    assert.not.match(r.stderr, /\n\s+at /);
  }
});

test('bench: unknown scenario is CLI_UNKNOWN_BENCHMARK; --help lists them', () => {
  const r = hotline('bench', 'nope');
  assert.is(r.status, 2);
  assert.match(r.stderr, /CLI_UNKNOWN_BENCHMARK: there is no benchmark 'nope'; known: acd, board, cases, dsp, ivr, r2, recording, voice/);
  const h = hotline('bench', '--help');
  assert.is(h.status, 0);
  assert.match(h.stdout, /scenarios:\n  acd /);
});

test('hotline errors CODE prints its layer and sentence; an unknown code exits 2', () => {
  const r = hotline('errors', 'hl_e1_los', '--json');
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { code: 'HL_E1_LOS', sentence: 'loss of signal on the E1 span: check the cable and the far end', layer: 'native' });
  const u = hotline('errors', 'NOPE_CODE');
  assert.is(u.status, 2);
  assert.match(u.stderr, /CLI_BAD_VALUE: no error code NOPE_CODE in the catalog/);
});

test.run();
