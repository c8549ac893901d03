// `hotline call`: one simulated call through a flow, keys sent as DTMF audio
// on the simulated board in stepped time; the output says node by node what
// the caller heard (prompt ids and text) and where the call went.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_FLOW_FILE } from '../../src/ivr/flow.ts';
import { PromptSet } from '../../src/ivr/prompts.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-call-'));
const call = (...args: string[]) => spawnSync(process.execPath, ['src/cli/bin.js', 'call', ...args], { encoding: 'utf8', timeout: 120_000 });
const prompts = new PromptSet();

interface Report {
  answered: boolean;
  outcome: string;
  path: string[];
  nodes: { id: string; type: string; heard: { id: string; text?: string; cut?: boolean }[]; keys: string[]; next?: string | null; casesMade: string[] }[];
  cases: { number: string; kind: string; status: string }[];
}

test('a complaint: 2, 1, speak, # — heard prompts with their text, the keys taken, the case made', () => {
  const r = call('--keys', '2,1,speak,#', '--speech', '3', '--at', '2026-03-16T10:00', '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.ok(rep.answered);
  const main = rep.nodes.find((n) => n.id === 'main')!;
  assert.equal(main.keys, ['2'], 'the IVR did not take 2 in the main menu (DTMF through the detectors)');
  assert.equal(main.heard[0], { id: 'main_menu', text: prompts.text('zh', 'main_menu') });
  assert.is(main.next, 'complaint_kind');
  assert.equal(rep.nodes.find((n) => n.id === 'complaint_kind')!.keys, ['1']);
  const made = rep.nodes.flatMap((n) => n.casesMade);
  assert.is(made.length, 1);
  assert.equal(rep.cases.map((c) => [c.number, c.kind]), [[made[0], 'complaint']]);
  assert.ok(rep.path.includes('main=2') && rep.path.includes('complaint_kind=1'), rep.path.join('>'));
  assert.is(rep.nodes[rep.nodes.length - 1].id, 'goodbye');
});

test('the readable output: node by node, heard lines with text, where the call went', () => {
  const r = call('--keys', '4', '--at', '2026-03-16T10:00');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^call through flow '12315'/);
  assert.match(r.stdout, /\nmain \(menu\)\n  heard  main_menu +局长信箱请按1/);
  assert.match(r.stdout, /\n  keys   4\n  → /);
  assert.match(r.stdout, /\ncall ended: \w+ after [\d.]+ s; path welcome > main > main=4/);
});

test('a holiday weekday sends 0 (an agent) to the night service; --lang en plays the English prompts', () => {
  const r = call('--keys', '0', '--at', '2026-10-06T10:00', '--lang', 'en', '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.ok(rep.path.includes('night'), rep.path.join('>'));
  const night = rep.nodes.find((n) => n.id === 'night')!;
  assert.equal(night.heard, [{ id: 'night_service', text: prompts.text('en', 'night_service') }]);
});

test('an edited menu is tried as it stands: key 2 now says goodbye', () => {
  const doc = parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8'));
  doc.nodes.main.keys['2'] = 'goodbye';
  const file = join(dir, 'edited.yaml');
  writeFileSync(file, stringify(doc));
  const r = call('--flow', file, '--keys', '2', '--json');
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.equal(rep.path.slice(-2), ['main=2', 'goodbye']);
});

test('refused: malformed keys, a language the flow lacks, --speech with no speak step, a broken flow (exit 2, catalog code)', () => {
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'name: x\nnodes: 5\n');
  const cases: [string[], RegExp][] = [
    [['--keys', '2,x'], /CLI_BAD_VALUE: --keys takes key groups/],
    [['--keys', '2,,1'], /CLI_BAD_VALUE: --keys/],
    [['--lang', 'fr'], /CLI_BAD_VALUE: --lang fr: the flow offers zh, en/],
    [['--keys', '2', '--speech', '3'], /CLI_BAD_VALUE: --speech gives the length of speak steps/],
    [['--flow', broken], /IVR_FLOW_INVALID/],
    [['--at', '2026-02-30'], /CLI_BAD_VALUE: --at takes a local date/],
    [['--caller', '12a'], /CLI_BAD_VALUE: --caller/],
  ];
  for (const [args, re] of cases) {
    const r = call(...args);
    assert.is(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, re);
    assert.not.match(r.stderr, /\n\s+at /);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
