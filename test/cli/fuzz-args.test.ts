// A bounded fuzz of the command line: for every command, valid argument lists
// mutated at random (values replaced by hostile ones, options dropped,
// repeated, misspelt, extra words). Every run must either succeed (exit 0,
// and JSON output that parses when --json was asked for) or be refused with
// a catalog code and a sentence on stderr (exit 2, or 1 for a failure after
// the command started); never a stack trace, a raw TypeError/RangeError, or
// CLI_INTERNAL (a bug). Runs in-process through main(), so hundreds of runs
// fit the time budget; long-running shapes (real-time start, big benchmarks,
// prompts build) are kept out by the guards below.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { allErrorRows } from '../../src/cli/catalog.ts';
import { buildWav, encodeSamples } from '../../src/dsp/wav.ts';

const BUDGET_MS = Number(process.env.FUZZ_MS ?? 25_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20260316);
const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'hl-fuzz-args-'));
const known = new Set(allErrorRows().map((r) => r.code));

let seed = SEED >>> 0 || 1;
function rnd(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
}
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

const HOSTILE = ['', ' ', '0', '-1', '0x2', '1e-9', '1e999', 'NaN', 'Infinity', '99999999999999999999', '2.5', '--', '-', '-h', '--help', '--version', '__proto__', 'constructor', 'toString', 'x\u0000y', '\ud800', '😀', 'a'.repeat(300), '../../../../etc/passwd', '/proc/x', '/dev/null', 'host:0', 'host:99999', '[::1]:25', '2026-02-30', '2026-13-01', 'zh', 'en', 'fr', 'speak', '2,,1', '#', '*', 'help', '{', '{"type":"accept"}', '{}', '[]', 'null'];
const UNKNOWN = ['--frobnicate', '-x', '---x', '--=', '--json=1', '--stepped=yes', '--for=', '-hx', '--dir', '--data'];

const wav = join(dir, 'key.wav');
const pcm = new Int16Array(8000);
for (let i = 0; i < 800; i++) pcm[i] = Math.round(8000 * (Math.sin((2 * Math.PI * 697 * i) / 8000) + Math.sin((2 * Math.PI * 1209 * i) / 8000)));
writeFileSync(wav, buildWav('alaw', 1, encodeSamples(pcm, 'alaw')));
writeFileSync(join(dir, 'empty.wav'), '');
const store = join(dir, 'store');

// Valid argument lists per command: each is cheap to run.
const BASES: string[][] = [
  ['detect', wav],
  ['detect', '--json', wav, join(dir, 'empty.wav')],
  ['errors'],
  ['errors', '--json', 'HL_E1_LOS', 'cli_bad_value'],
  ['errors', '--markdown'],
  ['call', '--keys', '4', '--at', '2026-03-16T10:00', '--json'],
  ['call', '--keys', '0', '--at', '2026-10-06T20:00', '--lang', 'en'],
  ['start', '--stepped', '--for', '2', '--quiet', '--data', join(dir, 'start')],
  ['start', '--stepped', '--for', '3s', '--demo-callers', '2', '--quiet', '--data', join(dir, 'start2')],
  ['bench', 'dsp', '--seconds', '0.05', '--channels', '10', '--json'],
  ['bench', '--help'],
  ['cases', 'init', '--dir', store],
  ['cases', 'search', '--dir', store, '--json'],
  ['cases', 'check', '20260316000015'],
  ['cases', 'categories', '--dir', store],
  ['cases', 'due', '--dir', store, '--within-hours', '24', '--json'],
  ['report', '--dir', store, '--year', '2026'],
  ['report', '--dir', store, '--month', '2026-03', '--format', 'json'],
  ['prompts', 'check'],
  ['help', 'start'],
  ['--version'],
];

function mutate(base: string[]): string[] {
  const a = [...base];
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const i = 1 + Math.floor(rnd() * Math.max(1, a.length - 1));
    switch (Math.floor(rnd() * 7)) {
      case 0: a[i] = pick(HOSTILE); break;
      case 1: a.splice(i, 1); break;
      case 2: a.splice(i, 0, a[i] ?? pick(HOSTILE)); break;
      case 3: a.splice(i, 0, pick(UNKNOWN)); break;
      case 4: a.push(pick(HOSTILE)); break;
      case 5: if (a[i]?.startsWith('--')) a[i] = a[i].slice(0, -1); break;
      case 6: { const j = 1 + Math.floor(rnd() * (a.length - 1)); [a[i], a[j]] = [a[j], a[i]]; break; }
    }
  }
  return a.filter((x) => x !== undefined);
}

// Keeps a mutated list from running for minutes or touching the repository.
function guard(a: string[]): string[] | null {
  if (a[0] === 'prompts' && a.includes('build')) return null;
  if (a[0] === 'start') {
    if (!a.includes('--stepped')) return null;
    const f = a.lastIndexOf('--for');
    if (f < 0 || !/^(\d{1,2}(\.\d+)?s?|[0-9]*\.[0-9]+)$/.test(a[f + 1] ?? '') || Number.parseFloat(a[f + 1]) > 10) return null;
  }
  if (a[0] === 'bench') {
    if (a.some((x) => ['board', 'cases', 'ivr'].includes(x))) return null;
    const s = a.indexOf('--seconds');
    if (a.includes('dsp') && (s < 0 || !(Number(a[s + 1]) <= 0.2))) return null;
    const c = a.indexOf('--channels');
    if (c >= 0 && !(Number(a[c + 1]) <= 1000)) return null;
  }
  if (a[0] === 'call') {
    const m = a.indexOf('--max-time');
    if (m >= 0) return null;
  }
  return a;
}

async function runInProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  if (process.env.FUZZ_LOG) appendFileSync(process.env.FUZZ_LOG, `${JSON.stringify(argv)}\n`);
  let out = '';
  let err = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      main(argv),
      new Promise<number>((_, rej) => (timer = setTimeout(() => rej(new Error(`hung for 120 s: hotline ${JSON.stringify(argv)}`)), 120_000))),
    ]);
    return { code, out, err };
  } finally {
    clearTimeout(timer);
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function check(argv: string[], r: { code: number; out: string; err: string }): void {
  const what = `hotline ${JSON.stringify(argv)} (seed ${SEED}) → exit ${r.code}\nstdout: ${r.out.slice(0, 400)}\nstderr: ${r.err.slice(0, 600)}`;
  assert.not.match(r.err + r.out, /\n\s+at .+:\d+:\d+\)?\n|\bTypeError\b|\bRangeError\b|ERR_[A-Z_]+:/, `a raw error or stack trace reached the user: ${what}`);
  assert.not.match(r.err, /CLI_INTERNAL/, `a bug (CLI_INTERNAL): ${what}`);
  if (r.code === 0) {
    const jsonLines = argv.includes('--json') && ['detect', 'errors', 'call'].includes(argv[0]) && !argv.includes('--help') && !argv.includes('-h');
    if (jsonLines) for (const line of r.out.split('\n').filter(Boolean)) JSON.parse(line);
    return;
  }
  assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}: ${what}`);
  const codes = [...r.err.matchAll(/^hotline.*?\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): (.{10,})$/gm)].map((m) => m[1]);
  assert.ok(codes.length > 0, `no 'CODE: sentence' line on stderr: ${what}`);
  for (const c of codes) assert.ok(known.has(c), `${c} is in no catalog: ${what}`);
}

test(`every command: mutated argument lists succeed or are refused with a catalog code (budget ${BUDGET_MS} ms)`, async () => {
  mkdirSync(store, { recursive: true });
  // Relative paths a mutation makes (data, out files) land in the scratch folder.
  process.chdir(dir);
  let runs = 0;
  const seen = new Map<number, number>();
  try {
    // Every base once as it stands, then mutations until the budget is spent.
    for (const b of BASES) {
      const r = await runInProcess(b);
      check(b, r);
      const expected = b.some((x) => x.endsWith('empty.wav')) ? 2 : 0;
      assert.is(r.code, expected, `a base list did not run as it should: hotline ${b.join(' ')} → ${r.code}\n${r.err}`);
      runs++;
    }
    const until = Date.now() + BUDGET_MS;
    while (Date.now() < until) {
      const argv = guard(mutate(pick(BASES)));
      if (!argv) continue;
      const r = await runInProcess(argv);
      check(argv, r);
      seen.set(r.code, (seen.get(r.code) ?? 0) + 1);
      runs++;
    }
  } finally {
    process.chdir(root);
  }
  assert.ok(runs > 40, `only ${runs} runs in the budget`);
  assert.ok((seen.get(2) ?? 0) > 5, 'the mutations were hardly ever refused: are they reaching the commands?');
  console.log(`  ${runs} runs; exits ${JSON.stringify(Object.fromEntries(seen))}`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
