// test/run.mjs counts skipped tests and prints each one's reason on its own
// line before the closing `N passed, N failed, N skipped`; a bare test.skip
// is reported as having no reason. A file marked `// test/run: alone` runs
// after the others, with no other file running beside it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const helper = JSON.stringify(join(here, 'skip.ts'));

test('skips are counted, each with its reason on its own line, the closing line last', () => {
  // Inside the repository so the fixtures resolve uvu; a dot folder, so the full run never walks it.
  const dir = join(here, `.run-fixture-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'a.test.ts'), `import { test } from 'uvu';\ntest('passes', () => {});\ntest.run();\n`);
    writeFileSync(
      join(dir, 'b.test.ts'),
      `import { test } from 'uvu';\nimport { skipTest, testUnless } from ${helper};\n` +
        `testUnless('needs the frob tool (apt-get install frob)', 'uses frob', () => { throw new Error('ran'); });\n` +
        `testUnless(null, 'runs', () => {});\nskipTest('talks to the network', 'no network here');\ntest.run();\n`,
    );
    writeFileSync(join(dir, 'c.test.ts'), `import { test } from 'uvu';\ntest.skip('bare', () => {});\ntest('fine', () => {});\ntest('also fine', () => {});\ntest.run();\n`);
    const r = spawnSync(process.execPath, [join(here, 'run.mjs')], { encoding: 'utf8', env: { ...process.env, HL_TEST_ROOT: dir }, timeout: 120_000 });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines[lines.length - 1], '4 passed, 0 failed, 3 skipped');
    const skips = lines.filter((l) => l.startsWith('skipped: '));
    const rel = `test/.run-fixture-${process.pid}`;
    assert.equal(skips, [
      `skipped: ${rel}/b.test.ts: talks to the network: no network here`,
      `skipped: ${rel}/b.test.ts: uses frob: needs the frob tool (apt-get install frob)`,
      `skipped: ${rel}/c.test.ts: (a test.skip with no reason: skip through test/skip.ts, saying what is missing)`,
    ]);
    assert.ok(lines.some((l) => l.startsWith(`ok   ${rel}/b.test.ts  (1 passed, 0 failed, 2 skipped,`)), r.stdout);
    assert.ok(lines.some((l) => l.startsWith(`ok   ${rel}/a.test.ts  (1 passed, 0 failed,`)), r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no skip the closing line is the plain `N passed, N failed`', () => {
  const dir = join(here, `.run-fixture-plain-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'a.test.ts'), `import { test } from 'uvu';\ntest('passes', () => {});\ntest('fails', () => { throw new Error('no'); });\ntest.run();\n`);
    const r = spawnSync(process.execPath, [join(here, 'run.mjs')], { encoding: 'utf8', env: { ...process.env, HL_TEST_ROOT: dir }, timeout: 120_000 });
    assert.is(r.status, 1);
    assert.is(r.stdout.trim().split('\n').pop(), '1 passed, 1 failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file marked alone runs last, with no other file beside it', () => {
  const dir = join(here, `.run-fixture-alone-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'spans.log');
  // Each fixture logs when it starts and ends; the alone one sorts first, so only the mark puts it last.
  const body = (name: string) =>
    `import { appendFileSync } from 'node:fs';\nimport { test } from 'uvu';\n` +
    `test('${name}', async () => { appendFileSync(${JSON.stringify(log)}, '${name} start\\n'); await new Promise((r) => setTimeout(r, 400)); appendFileSync(${JSON.stringify(log)}, '${name} end\\n'); });\ntest.run();\n`;
  try {
    writeFileSync(join(dir, 'a.test.ts'), `// A clock-bound fixture.\n// test/run: alone (nothing beside it)\n${body('a')}`);
    for (const n of ['b', 'c', 'd']) writeFileSync(join(dir, `${n}.test.ts`), body(n));
    const r = spawnSync(process.execPath, [join(here, 'run.mjs')], { encoding: 'utf8', env: { ...process.env, HL_TEST_ROOT: dir }, timeout: 120_000 });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines[lines.length - 1], '4 passed, 0 failed');
    assert.ok(lines[lines.length - 2].startsWith(`ok   test/.run-fixture-alone-${process.pid}/a.test.ts  (1 passed,`), r.stdout);
    const spans = readFileSync(log, 'utf8').trim().split('\n');
    // Two at a time for the others (some overlap), then a alone: its start follows every end.
    assert.equal(spans.slice(-2), ['a start', 'a end'], spans.join(', '));
    assert.ok(spans.indexOf('c start') < spans.indexOf('b end'), `the others ran two at a time: ${spans.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
