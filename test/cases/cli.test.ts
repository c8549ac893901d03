// `hotline cases …` and `hotline report …` as an operator runs them: real
// processes via src/cli/bin.js against a real store in a temporary folder.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'hotline-cli-test-'));
const dir = join(tmp, 'data');
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function hotline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli/bin.js'), ...args], { cwd: root, env: { ...process.env, HOTLINE_DATA: dir } }, (e, out, err) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

const complaint = {
  kind: 'complaint',
  channel: 'hotline',
  callerNumber: '13500001111',
  complainant: { name: '赵六', phone: '13500001111', address: '西城区某路' },
  business: { name: '西城电器城', address: '西城区某街' },
  request: '换货',
  facts: '买的洗衣机漏水，商家拒绝换货。',
  categoryId: 'goods.appliance',
};
let number = '';

test('cases create prints the case; a bad case exits 1 with one line per field', async () => {
  const init = await hotline('cases', 'init');
  assert.is(init.code, 0, init.err);
  const agent = await hotline('cases', 'agents', 'add', '--data', JSON.stringify({ id: 'sup1', name: '孙主任', role: 'supervisor', password: 'secret-1' }));
  assert.is(agent.code, 0, agent.err);
  const r = await hotline('cases', 'create', '--data', JSON.stringify(complaint));
  assert.is(r.code, 0, r.err);
  const c = JSON.parse(r.out);
  number = c.number;
  assert.match(number, /^\d{14}$/);
  const bad = await hotline('cases', 'create', '--data', JSON.stringify({ kind: 'complaint', channel: 'hotline', facts: 'x' }));
  assert.is(bad.code, 1);
  assert.match(bad.err, /CASE_INVALID/);
  assert.match(bad.err, /complainant\.name: CASE_FIELD_REQUIRED/);
  assert.match(bad.err, /business\.address: CASE_FIELD_REQUIRED/);
});

test('cases act, show (text and JSON), search by words and caller, history', async () => {
  const a = await hotline('cases', 'act', number, '--by', 'sup1', '--data', '{"type":"accept","note":"受理"}');
  assert.is(a.code, 0, a.err);
  const show = await hotline('cases', 'show', number, '--json');
  assert.is(show.code, 0, show.err);
  const c = JSON.parse(show.out);
  assert.is(c.status, 'accepted');
  assert.equal(c.history.map((h: { action: string }) => h.action), ['create', 'accept']);
  const text = await hotline('cases', 'show', number);
  assert.match(text.out, /registered → accepted/);
  const s = await hotline('cases', 'search', '--words', '洗衣机 漏水', '--json');
  assert.equal(s.out.trim().split('\n').map((l) => JSON.parse(l).number), [number]);
  const none = await hotline('cases', 'search', '--caller', '13000000000');
  assert.is(none.out, '');
  const h = await hotline('cases', 'history', '13500001111');
  assert.match(h.out, new RegExp(`case ${number} complaint accepted`));
});

test('cases check, due, verify, export (JSON lines), backup', async () => {
  const ok = await hotline('cases', 'check', number);
  assert.is(ok.code, 0);
  const typo = number.slice(0, 12) + number[13] + number[12];
  if (typo !== number) {
    const bad = await hotline('cases', 'check', typo);
    assert.is(bad.code, 1);
    assert.match(bad.err, /CASE_NUMBER_CHECK/);
  }
  const due = await hotline('cases', 'due', '--within-hours', '2000', '--json');
  assert.is(due.code, 0, due.err);
  assert.ok(due.out.split('\n').some((l) => l.includes(number) && l.includes('mediation')), due.out);
  const v = await hotline('cases', 'verify');
  assert.is(v.code, 0, v.out + v.err);
  assert.match(v.out, /^ok: 1 cases/);
  const out = join(tmp, 'export.jsonl');
  const ex = await hotline('cases', 'export', '--out', out);
  assert.is(ex.code, 0, ex.err);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.map((l) => l.number), [number]);
  const b = await hotline('cases', 'backup', join(tmp, 'backup'));
  assert.is(b.code, 0, b.err);
  assert.ok(existsSync(join(tmp, 'backup', 'cases', 'data.mdb')));
  const fromBackup = await hotline('cases', 'show', number, '--json', '--dir', join(tmp, 'backup'));
  assert.is(JSON.parse(fromBackup.out).number, number);
});

test('the data folder of `hotline start --data` is found by the commands, as is a store folder itself', async () => {
  // The engine keeps its store in DATA/cases (beside DATA/recordings).
  assert.ok(existsSync(join(dir, 'cases', 'data.mdb')), 'the store was not made in DATA/cases');
  const viaData = await hotline('cases', 'show', number, '--json', '--dir', dir);
  assert.is(viaData.code, 0, viaData.err);
  assert.is(JSON.parse(viaData.out).number, number);
  const viaStore = await hotline('cases', 'show', number, '--json', '--dir', join(dir, 'cases'));
  assert.is(viaStore.code, 0, viaStore.err);
  assert.is(JSON.parse(viaStore.out).number, number);
});

test('report as table, CSV and JSON; usage errors exit 2', async () => {
  const year = number.slice(0, 4);
  const t = await hotline('report', '--year', year, '--by', 'category');
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /家用电器/);
  assert.match(t.out, /商品 小计/);
  const csv = await hotline('report', '--year', year, '--by', 'kind', '--format', 'csv', '--compare', 'last_year');
  const rows = csv.out.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.ok(rows[0].startsWith('period,key,label,calls,calls_previous,calls_change_pct,cases'), rows[0]);
  assert.ok(rows.some((r) => r.startsWith('total,complaint,投诉,0,0,—,1,0,new,')), csv.out);
  const j = await hotline('report', '--month', `${year}-${number.slice(4, 6)}`, '--format', 'json');
  assert.is(JSON.parse(j.out).total.counts.complaint, 1);
  const u = await hotline('report', '--by', 'agent');
  assert.is(u.code, 2);
  assert.match(u.err, /CLI_MISSING_ARGUMENT: name the period/);
  const bad = await hotline('report', '--year', year, '--by', 'weather');
  assert.is(bad.code, 2);
  assert.match(bad.err, /CLI_BAD_VALUE: --by takes one of none, agent/);
  const sub = await hotline('cases', 'frobnicate');
  assert.is(sub.code, 2);
});

test.run();
