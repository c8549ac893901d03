// Folders are made one level at a time: fs.mkdirSync's recursive mode spins
// for ever on procfs (mkdir /proc/x gives ENOENT while /proc exists), which
// hung `hotline cases init --dir /proc/x` and `cases backup /proc/x`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs, type DirError } from '../../src/dirs.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-dirs-'));

test('makeDirs: missing parents made, an existing folder fine, a file on the way named', () => {
  makeDirs(join(dir, 'a', 'b', 'c'));
  assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
  makeDirs(join(dir, 'a', 'b', 'c'));
  writeFileSync(join(dir, 'file'), 'x');
  assert.throws(() => makeDirs(join(dir, 'file', 'sub')), (e: DirError) => e.code === 'ENOTDIR' && e.at === join(dir, 'file'));
});

test('makeDirs on procfs fails at once instead of spinning', () => {
  if (!existsSync('/proc/self')) return;
  assert.throws(() => makeDirs('/proc/x/y'), (e: DirError) => e.code === 'ENOENT' && e.at === '/proc/x');
});

test('hotline cases init --dir /proc/x: refused with a catalog code, not a hang', () => {
  if (!existsSync('/proc/self')) return;
  const r = spawnSync(process.execPath, ['src/cli/bin.js', 'cases', 'init', '--dir', '/proc/x'], { encoding: 'utf8', timeout: 30_000 });
  assert.is(r.signal, null, 'hung (killed after 30 s)');
  assert.ok(r.status === 1 || r.status === 2, `exit ${r.status}`);
  assert.match(r.stderr, /CASE_STORE_OPEN_FAILED: cannot make the case store folder \/proc\/x/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
