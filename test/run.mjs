#!/usr/bin/env node
// Runs every test/**/*.test.ts file with uvu under tsx, each in its own process
// (two at a time: the machine has two cores; a file with the line
// `// test/run: alone`, one that measures real time against a clock, runs
// after the others with nothing beside it), and ends with one line
// `N passed, N failed` counting tests, `, N skipped` added when a test was
// skipped; before it, one line per skipped test with its reason (tests skip
// through test/skip.ts, which prints the reason). A file that crashes or
// times out before uvu prints its summary counts as one failed test.
//   node test/run.mjs [substring …]   only files whose path contains a substring
//   HL_TEST_ROOT=DIR                  walk DIR instead of test/ (the runner's own test)
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const FILE_TIMEOUT_MS = Number(process.env.HL_TEST_TIMEOUT_MS ?? 15 * 60 * 1000);
const JOBS = Number(process.env.HL_TEST_JOBS ?? 2);

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'native' || name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const SKIP_MARK = '[test/run skip] ';
const filters = process.argv.slice(2);
const files = walk(process.env.HL_TEST_ROOT || here).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n[test/run] killed after ${FILE_TIMEOUT_MS} ms\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // uvu's Total counts the tests that ran; Skipped those registered with .skip.
      const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const reasons = out.split('\n').filter((l) => l.startsWith(SKIP_MARK)).map((l) => l.slice(SKIP_MARK.length));
      while (reasons.length < skipped) reasons.push('(a test.skip with no reason: skip through test/skip.ts, saying what is missing)');
      let result;
      if (Number.isNaN(total) || Number.isNaN(passed)) result = { passed: 0, failed: 1, skipped: 0, reasons: [] };
      else result = { passed, failed: total - passed + (code !== 0 && total === passed ? 1 : 0), skipped, reasons: reasons.slice(0, skipped) };
      resolve({ file, code, signal, out, ms: Date.now() - started, ...result });
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const skips = [];
const ALONE = /^\/\/ test\/run: alone\b/m;
const alone = files.filter((f) => ALONE.test(readFileSync(f, 'utf8')));
const queue = files.filter((f) => !alone.includes(f));
async function worker() {
  for (;;) {
    const file = queue.shift();
    if (!file) return;
    const r = await runFile(file);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    const name = relative(root, file);
    for (const why of r.reasons) skips.push(`skipped: ${name}: ${why}`);
    const status = r.failed ? 'FAIL' : 'ok  ';
    process.stdout.write(`${status} ${name}  (${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}, ${(r.ms / 1000).toFixed(1)} s)\n`);
    if (r.failed) process.stdout.write(r.out.replace(/^/gm, '    | ') + '\n');
  }
}
await Promise.all(Array.from({ length: Math.max(1, JOBS) }, worker));
queue.push(...alone);
await worker();
if (files.length === 0) {
  process.stdout.write('no test files found\n');
  failed += 1;
}
// Each skip's reason on its own line, then the closing line, always last.
for (const line of skips.sort()) process.stdout.write(`${line}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed ? 1 : 0;
