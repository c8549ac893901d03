// What an operator's files and options meet (real `hotline` processes): a
// JSON file saved by Notepad (UTF-8 with a BOM) or by a Chinese Windows
// (GBK) is read as the text it is, bytes that are neither are refused, an
// unknown field is refused naming the nearest valid one, a report option
// without its value or an extra word is refused with a sentence, and the
// report table reads in one language with each row once, in order.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore } from '../../src/cases/index.ts';
import { bj, complaint } from './helpers.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'hotline-cli-input-'));
const dir = join(tmp, 'data');
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function hotline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli/bin.js'), ...args], { cwd: root, env: { ...process.env, HOTLINE_DATA: dir } }, (e, out, err) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

/** A consultation whose facts are given as raw bytes (the encoding under test). */
function consultationFile(name: string, facts: Buffer, prefix = Buffer.alloc(0)): string {
  const p = join(tmp, name);
  writeFileSync(p, Buffer.concat([prefix, Buffer.from('{"kind":"consultation","channel":"hotline","answer":"ok","facts":"'), facts, Buffer.from('"}')]));
  return p;
}

test.before(async () => {
  // two days of cases, registered with the store's clock set
  let now = bj(2026, 3, 2);
  const s = await openCaseStore({ dir: join(dir, 'cases'), config: { now: () => now } });
  try {
    await s.createCase(complaint());
    await s.createCase({ kind: 'consultation', channel: 'hotline', facts: '咨询', answer: '答复' });
    now = bj(2026, 3, 3);
    await s.createCase(complaint());
  } finally {
    await s.close();
  }
});

test('UTF-8 with a BOM and GBK files are read as their text; other bytes are refused with a sentence', async () => {
  const bom = await hotline('cases', 'create', '--file', consultationFile('bom.json', Buffer.from('退货', 'utf8'), Buffer.from([0xef, 0xbb, 0xbf])));
  assert.is(bom.code, 0, bom.err);
  assert.is(JSON.parse(bom.out).facts, '退货');
  // 牛奶过期 in GBK (what Notepad on a Chinese Windows saves as "ANSI")
  const gbk = await hotline('cases', 'create', '--file', consultationFile('gbk.json', Buffer.from([0xc5, 0xa3, 0xc4, 0xcc, 0xb9, 0xfd, 0xc6, 0xda])));
  assert.is(gbk.code, 0, gbk.err);
  assert.is(JSON.parse(gbk.out).facts, '牛奶过期');
  const junk = await hotline('cases', 'create', '--file', consultationFile('junk.json', Buffer.from([0x41, 0xff, 0xfe, 0x42])));
  assert.is(junk.code, 2);
  assert.match(junk.err, /CLI_BAD_VALUE: --file .*junk\.json is neither UTF-8 nor GB18030\/GBK text; save it as UTF-8/);
});

test('an unknown field is refused, naming the nearest valid one', async () => {
  const { categoryId: _, ...rest } = complaint();
  const r = await hotline('cases', 'create', '--data', JSON.stringify({ ...rest, category: 'goods.food' }));
  assert.is(r.code, 1);
  assert.match(r.err, /category: CASE_FIELD_INVALID: .*did you mean 'categoryId'/);
});

test('report: an option without its value and an extra word are refused with a sentence, not a stack trace', async () => {
  const noValue = await hotline('report', '--year');
  assert.is(noValue.code, 2);
  assert.match(noValue.err, /CLI_MISSING_VALUE: --year needs a value/);
  assert.not.match(noValue.err, /\n\s+at /);
  const extra = await hotline('report', '--year', '2026', 'extra');
  assert.is(extra.code, 2);
  assert.match(extra.err, /CLI_EXTRA_ARGUMENT: .*'extra'/);
  assert.is(extra.out, '');
});

test('report table: one language in the headings, each row once, subtotals after their rows, "new" and "—" for no earlier figures', async () => {
  const t = await hotline('report', '--month', '2026-03', '--compare', 'last_year', '--metrics', 'cases,complaint,dispatches');
  assert.is(t.code, 0, t.err);
  const lines = t.out.trim().split('\n');
  assert.not.match(lines[1], /[a-z_]{3,}/, `mixed-language headings: ${lines[1]}`);
  assert.match(lines[1], /登记\(上期\)/);
  const body = lines.slice(3);
  assert.is(body.length, 1, `全部 and 合计 both printed: ${t.out}`);
  assert.match(body[0], /合计 +3 +0 +new +2 +0 +new +0 +0 +—$/);
  const byDay = await hotline('report', '--from', '2026-03-02', '--to', '2026-03-03', '--by', 'kind', '--granularity', 'day', '--format', 'csv');
  const rows = byDay.out.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((r) => r.split(',').slice(0, 3).join(' '));
  assert.equal(rows, ['2026-03-02 complaint 投诉', '2026-03-02 consultation 咨询', '2026-03-02  小计', '2026-03-03 complaint 投诉', '2026-03-03  小计', 'total  合计']);
});

test.run();
