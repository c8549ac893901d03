// The CLI as an operator runs it (real processes, real
// store in a temporary folder): times in the bureau's local time with the
// zone, CSV a spreadsheet opens as UTF-8, and every bad option or input gets a
// code and a sentence (no stack trace).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'hotline-cli-refusals-'));
const dir = join(tmp, 'data');
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function hotline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    // TZ=UTC: the operator's machine clock zone must not matter; the bureau's zone does.
    execFile(process.execPath, [join(root, 'src/cli/bin.js'), ...args], { cwd: root, env: { ...process.env, TZ: 'UTC', HOTLINE_DATA: dir } }, (e, out, err) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

const complaint = {
  kind: 'complaint',
  channel: 'hotline',
  callerNumber: '13500002222',
  // 2026-03-06 20:30 Beijing time = 12:30 UTC
  receivedAt: Date.UTC(2026, 2, 6, 12, 30),
  complainant: { name: '钱七', phone: '13500002222', address: '东城区某路' },
  business: { name: '东城超市', address: '东城区某街' },
  request: '退款',
  facts: '买的牛奶过期了。',
  categoryId: 'goods.food',
};
let number = '';

test('show, search, history and due print local time with the zone, not bare UTC', async () => {
  assert.is((await hotline('cases', 'init')).code, 0);
  const agent = await hotline('cases', 'agents', 'add', '--data', JSON.stringify({ id: 'sup1', name: '孙主任', role: 'supervisor', password: 'secret-1' }));
  assert.is(agent.code, 0, agent.err);
  const c = await hotline('cases', 'create', '--data', JSON.stringify(complaint));
  assert.is(c.code, 0, c.err);
  const rec = JSON.parse(c.out);
  number = rec.number;
  const local = (ms: number): string => {
    const d = new Date(ms + 8 * 3_600_000);
    return d.toISOString().slice(0, 16).replace('T', ' ');
  };
  const show = await hotline('cases', 'show', number);
  assert.is(show.code, 0, show.err);
  assert.not.match(show.out, /\d\dZ\b/, show.out);
  assert.ok(show.out.includes(`${local(rec.createdAt)}`), show.out);
  assert.match(show.out, /\+08:00/);
  // the accept deadline (7 working days after Friday 2026-03-06) ends 2026-03-17 23:59:59 Beijing time
  assert.ok(show.out.includes('deadline accept_decision: 2026-03-17 23:59:59 +08:00'), show.out);
  const s = await hotline('cases', 'search', '--caller', '13500002222');
  assert.ok(s.out.includes(local(rec.createdAt)) && s.out.includes('+08:00'), s.out);
  const h = await hotline('cases', 'history', '13500002222');
  assert.ok(h.out.includes('+08:00') && !/\d\dZ\b/.test(h.out), h.out);
  const d = await hotline('cases', 'due', '--within-hours', '100000');
  assert.ok(d.out.includes('2026-03-17 23:59:59 +08:00'), d.out);
});

test('report CSV starts with a UTF-8 byte-order mark so a spreadsheet shows the Chinese labels', async () => {
  const r = await hotline('report', '--year', '2026', '--by', 'kind', '--format', 'csv');
  assert.is(r.code, 0, r.err);
  assert.is(r.out.charCodeAt(0), 0xfeff);
  assert.ok(r.out.slice(1).startsWith('period,key,label,'), r.out);
  assert.ok(r.out.includes('total,,合计,'), r.out);
});

test('bad JSON, a missing file and bad numbers get a code and a sentence, not a stack trace', async () => {
  const badJson = await hotline('cases', 'create', '--data', '{kind:');
  assert.is(badJson.code, 2);
  assert.match(badJson.err, /CLI_BAD_VALUE: .*JSON/);
  assert.not.match(badJson.err, /\n\s+at /);
  const noFile = await hotline('cases', 'create', '--file', join(tmp, 'nope.json'));
  assert.is(noFile.code, 2);
  assert.match(noFile.err, /CLI_BAD_VALUE: .*nope\.json/);
  assert.not.match(noFile.err, /\n\s+at /);
  const none = await hotline('cases', 'create');
  assert.is(none.code, 2);
  assert.match(none.err, /CLI_MISSING_ARGUMENT: .*--data/);
  const act = await hotline('cases', 'act', number, '--by', 'sup1', '--data', 'accept');
  assert.is(act.code, 2);
  assert.match(act.err, /CLI_BAD_VALUE: the JSON of --data does not parse/);
  const lim = await hotline('cases', 'search', '--limit', 'ten');
  assert.is(lim.code, 2);
  assert.match(lim.err, /CLI_BAD_VALUE: .*--limit/);
  const hl = await hotline('cases', 'history', '13500002222', '--limit', '0');
  assert.is(hl.code, 2);
  assert.match(hl.err, /CLI_BAD_VALUE: .*--limit/);
  const badCfg = join(tmp, 'cfg.json');
  writeFileSync(badCfg, '[1,2]');
  const cfg = await hotline('report', '--year', '2026', '--config', badCfg);
  assert.is(cfg.code, 1);
  assert.match(cfg.err, /CASE_CONFIG_INVALID/);
  // a mistyped option is refused, not ignored (search --caler listed every case)
  const typo = await hotline('cases', 'search', '--caler', '13900000000');
  assert.is(typo.code, 2);
  assert.match(typo.err, /CLI_UNKNOWN_OPTION: .*--caler.*did you mean --caller/);
  assert.is(typo.out, '');
  const rtypo = await hotline('report', '--year', '2026', '--formt', 'csv');
  assert.is(rtypo.code, 2);
  assert.match(rtypo.err, /CLI_UNKNOWN_OPTION: .*--formt/);
  const two = await hotline('report', '--year', '2026', '--month', '2026-03');
  assert.is(two.code, 2);
  assert.match(two.err, /CLI_BAD_VALUE: .*--year or --month/);
  const badFrom = await hotline('cases', 'search', '--from', '2026-13-01');
  assert.is(badFrom.code, 2);
  assert.match(badFrom.err, /CASE_CALENDAR_INVALID: --from: '2026-13-01'/);
  const exOut = await hotline('cases', 'export', '--out', join(tmp, 'no-such-dir', 'x.jsonl'));
  assert.is(exOut.code, 1);
  assert.match(exOut.err, /CASES_EXPORT_FAILED: cannot write --out .*ENOENT/);
  assert.not.match(exOut.err, /\n\s+at /);
  // the case is still there and untouched
  const show = await hotline('cases', 'show', number, '--json');
  assert.is(JSON.parse(show.out).status, 'registered');
});

test('categories needs no store and makes none in a mistyped --dir', async () => {
  const typo = join(tmp, 'dta');
  const r = await hotline('cases', 'categories', '--dir', typo);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /goods\.food {2}食品/);
  assert.not.ok(existsSync(typo), 'a store was created in the mistyped folder');
});

test('a reader that closes the pipe early (| head) ends the command quietly, status 0', async () => {
  for (const args of [['cases', 'categories'], ['cases', 'export'], ['report', '--year', '2026', '--by', 'category']]) {
    const child = spawn(process.execPath, [join(root, 'src/cli/bin.js'), ...args], { cwd: root, env: { ...process.env, HOTLINE_DATA: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the child writes anything: its first write gets EPIPE
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    assert.not.match(err, /EPIPE|Unhandled/, `${args.join(' ')}: ${err}`);
    assert.is(code, 0, `${args.join(' ')}: ${err}`);
  }
});

test.run();
