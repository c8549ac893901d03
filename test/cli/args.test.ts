// src/cli/args.ts: strict parsing (unknown options, missing values and extra
// arguments refused with a CLI_* code and a sentence), typed value checks,
// and --help generated from the option table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choice, decimal, defineCommand, duration, existingDir, existingFile, flag, helpText, hostPort, int, option, parseCommand, text } from '../../src/cli/args.ts';
import type { HotlineError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hotline-args-'));

const cmd = defineCommand({
  name: 'hotline try',
  summary: 'a command to test the parser',
  options: {
    count: option(int({ min: 1, max: 60 }), 'how many', { valueName: 'N', default: 4 }),
    for: option(duration({ maxMs: 86_400_000 }), 'how long', { valueName: 'SECONDS' }),
    smtp: option(hostPort(), 'mail server', { valueName: 'HOST:PORT' }),
    lang: option(choice(['zh', 'en'] as const), 'language', { default: 'zh' as 'zh' | 'en' }),
    key: option(text(), 'a key', { multiple: true }),
    json: flag('print JSON'),
  },
  positionals: [{ name: 'FILE', description: 'a file' }],
  run: async () => 0,
});

function refusal(argv: string[]): { code: string; message: string } {
  try {
    parseCommand(cmd, argv);
  } catch (e) {
    return { code: (e as HotlineError).code, message: (e as Error).message };
  }
  assert.unreachable(`${JSON.stringify(argv)} was accepted`);
  throw new Error('unreachable');
}

test('values are typed, defaults filled in', () => {
  const { values, positionals } = parseCommand(cmd, ['--count', '7', '--for', '2m', '--smtp', 'mail.example.cn:587', '--key', 'a', '--key=b', '--json', 'f.txt']);
  assert.equal(values, { count: 7, for: 120_000, smtp: { host: 'mail.example.cn', port: 587 }, lang: 'zh', key: ['a', 'b'], json: true });
  assert.equal(positionals, ['f.txt']);
  const d = parseCommand(cmd, []);
  assert.is(d.values.count, 4);
  assert.is(d.values.for, undefined);
  assert.is(d.values.json, false);
  assert.equal(parseCommand(cmd, ['--smtp', '[::1]:25']).values.smtp, { host: '::1', port: 25 });
});

test('unknown options, missing values, extra arguments: CLI_* codes with a sentence', () => {
  let r = refusal(['--cont', '3']);
  assert.is(r.code, 'CLI_UNKNOWN_OPTION');
  assert.match(r.message, /hotline try has no option '--cont'; did you mean --count\?/);
  r = refusal(['--count']);
  assert.is(r.code, 'CLI_MISSING_VALUE');
  assert.match(r.message, /--count needs a value \(N\)/);
  r = refusal(['--for', '-5']);
  assert.is(r.code, 'CLI_MISSING_VALUE');
  assert.match(r.message, /write --for=-5/);
  r = refusal(['--json=yes']);
  assert.is(r.code, 'CLI_BAD_VALUE');
  r = refusal(['a', 'b']);
  assert.is(r.code, 'CLI_EXTRA_ARGUMENT');
  assert.match(r.message, /'b' is one too many/);
  r = refusal(['-x']);
  assert.is(r.code, 'CLI_UNKNOWN_OPTION');
});

test('whole numbers: 0x2, empty, 1e1, 2.0, +2, out of range refused', () => {
  for (const bad of ['0x2', '', ' 2', '1e1', '2.0', '+2', '0', '61', '-1', '99999999999999999999']) {
    const r = refusal([`--count=${bad}`]);
    assert.is(r.code, 'CLI_BAD_VALUE', `--count '${bad}'`);
    assert.match(r.message, /--count takes a whole number from 1 to 60/);
  }
});

test('durations: exponents, zero and beyond the maximum refused', () => {
  for (const bad of ['1e-9', '', '0', '0.0001', '2d', '5x', '-1', 'Infinity', 'NaN']) {
    const r = refusal([`--for=${bad}`]);
    assert.is(r.code, 'CLI_BAD_VALUE', `--for '${bad}'`);
    assert.match(r.message, /--for takes a duration from 1ms to 1d/);
  }
  assert.is(parseCommand(cmd, ['--for', '1.5']).values.for, 1500);
  assert.is(parseCommand(cmd, ['--for', '250ms']).values.for, 250);
  assert.is(parseCommand(cmd, ['--for', '1d']).values.for, 86_400_000);
});

test('HOST:PORT: port 0 and above 65535 refused', () => {
  for (const bad of ['host:0', 'host:99999', 'host:65536', 'host', ':25', 'host:', 'a b:25', 'host:25:1']) {
    const r = refusal(['--smtp', bad]);
    assert.is(r.code, 'CLI_BAD_VALUE', `--smtp '${bad}'`);
    assert.match(r.message, /port from 1 to 65535/);
  }
  assert.equal(parseCommand(cmd, ['--smtp', 'h:65535']).values.smtp, { host: 'h', port: 65535 });
});

test('choices, decimals, existing files and folders', () => {
  assert.is(refusal(['--lang', 'fr']).code, 'CLI_BAD_VALUE');
  const num = decimal({ min: 0, max: 10 });
  assert.is(num('2.5', '--x'), 2.5);
  for (const bad of ['1e1', '0x1', '', '11', '.5']) assert.throws(() => num(bad, '--x'), (e: HotlineError) => e.code === 'CLI_BAD_VALUE');
  const f = join(dir, 'f.txt');
  writeFileSync(f, 'x');
  assert.is(existingFile()(f, 'FILE'), f);
  assert.is(existingDir()(dir, '--dir'), dir);
  assert.throws(() => existingFile()(dir, 'FILE'), /is a folder/);
  assert.throws(() => existingDir()(f, '--dir'), /is not a folder/);
  assert.throws(() => existingFile()(join(dir, 'nope'), 'FILE'), /does not exist/);
});

test('help lists every option with its description and default', () => {
  const h = helpText(cmd);
  assert.match(h, /^usage: hotline try \[options\] \[FILE\]/);
  for (const name of Object.keys(cmd.options)) assert.match(h, new RegExp(`--${name}\\b`), `--${name} missing from the help`);
  assert.match(h, /--count N +how many \(default: 4\)/);
  assert.match(h, /--lang VALUE +language \(default: zh\)/);
  assert.match(h, /-h, --help/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
