// A bureau running the workflow from the command line before the web
// console exists (real `hotline` processes, a real store in a temporary
// folder): a mistyped folder is refused, not given a new store; an IVR
// complaint is completed with `cases update` and accepted; --by must be a
// registered agent; departments, agents, the knowledge base and surveys
// (with results) have commands; names are found by their beginning; a backup
// carries the recordings the cases point to.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openCaseStore } from '../../src/cases/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'hotline-cli-workflow-'));
const dir = join(tmp, 'data');
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function hotline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli/bin.js'), ...args], { cwd: root, env: { ...process.env, HOTLINE_DATA: dir } }, (e, out, err) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await hotline(...args);
  assert.is(r.code, 0, `${args.join(' ')}: ${r.err}`);
  return r.out;
}

test('a folder without a store is refused with a sentence; nothing is made there', async () => {
  const typo = join(tmp, 'dta');
  const r = await hotline('cases', 'create', '--dir', typo, '--data', JSON.stringify({ kind: 'consultation', channel: 'hotline', facts: '咨询', answer: '已答复' }));
  assert.is(r.code, 1);
  assert.match(r.err, /CASE_STORE_MISSING: there is no case store in .*dta.*hotline cases init --dir/);
  assert.not.ok(existsSync(typo), 'a store was made in the mistyped folder');
  const rep = await hotline('report', '--year', '2026', '--dir', typo);
  assert.match(rep.err, /CASE_STORE_MISSING/);
  await ok('cases', 'init');
  assert.ok(existsSync(join(dir, 'cases', 'data.mdb')));
});

test('departments, agents and --by: a stranger cannot act on a case', async () => {
  await ok('cases', 'departments', 'add', '--data', JSON.stringify({ id: 'd-food', name: '食品科', head: '李科长' }));
  await ok('cases', 'agents', 'add', '--data', JSON.stringify({ id: 'a1', name: '王坐席', role: 'agent', departmentId: 'd-food', password: 'secret-1' }));
  assert.match(await ok('cases', 'departments', 'list'), /d-food {2}食品科 {2}负责人 李科长/);
  const agents = await ok('cases', 'agents', 'list', '--json');
  assert.equal(JSON.parse(agents.trim()), { id: 'a1', name: '王坐席', role: 'agent', departmentId: 'd-food' });
  const typo = await hotline('cases', 'departments', 'add', '--data', JSON.stringify({ id: 'd2', name: '科', haed: 'x' }));
  assert.is(typo.code, 2);
  assert.match(typo.err, /no field 'haed'; did you mean 'head'/);
});

test('an IVR complaint missing the name is completed with `cases update` and accepted', async () => {
  mkdirSync(join(dir, 'recordings'), { recursive: true });
  writeFileSync(join(dir, 'recordings', 'call-1-1.wav'), 'RIFF....WAVE');
  const created = JSON.parse(await ok('cases', 'create', '--data', JSON.stringify({ kind: 'complaint', channel: 'ivr', callerNumber: '13800138000', recordingIds: ['recordings/call-1-1.wav'] })));
  assert.ok(created.missingFields.includes('complainant.name'));
  const n = created.number;
  const early = await hotline('cases', 'act', n, '--by', 'a1', '--data', '{"type":"accept"}');
  assert.is(early.code, 1);
  assert.match(early.err, /CASE_INCOMPLETE/);
  const stranger = await hotline('cases', 'act', n, '--by', 'somebody', '--data', '{"type":"note","text":"x"}');
  assert.is(stranger.code, 1);
  assert.match(stranger.err, /CASE_AGENT_UNKNOWN: --by 'somebody' is not a registered agent/);
  const upd = await hotline('cases', 'update', n, '--by', 'a1', '--data', JSON.stringify({
    complainant: { name: '张三', phone: '13800138000', address: '北京市朝阳区幸福路1号' },
    business: { name: '朝阳超市', address: '北京市朝阳区商业街2号' },
    request: '退款',
    facts: '买的牛奶过期。',
  }));
  assert.is(upd.code, 0, upd.err);
  assert.equal(JSON.parse(upd.out).missingFields, []);
  const acc = JSON.parse(await ok('cases', 'act', n, '--by', 'a1', '--data', '{"type":"accept"}'));
  assert.is(acc.status, 'accepted');
  assert.equal(acc.history.map((h: { by: string; action: string }) => `${h.by}:${h.action}`), ['ivr:create', 'a1:update', 'a1:accept']);
  const noRec = await hotline('cases', 'update', n, '--by', 'a1', '--data', JSON.stringify({ recordingIds: ['recordings/call-9-9.wav'] }));
  assert.is(noRec.code, 1);
  assert.match(noRec.err, /recordingIds\[0\]: CASE_FIELD_INVALID: there is no recording recordings\/call-9-9.wav/);
});

test('name search finds names by their beginning (张 finds 张三)', async () => {
  const out = await ok('cases', 'search', '--complainant', '张', '--json');
  assert.equal(out.trim().split('\n').map((l) => JSON.parse(l).complainant.name), ['张三']);
  assert.is((await ok('cases', 'search', '--business', '朝阳', '--json')).trim().split('\n').length, 1);
  assert.is(await ok('cases', 'search', '--complainant', '三'), '');
});

test('knowledge base and surveys, with the survey results', async () => {
  await ok('cases', 'kb', 'put', '--data', JSON.stringify({ id: 'kb-7day', category: 'regulation', title: '七日无理由退货', text: '网购商品七日内可无理由退货。', menuCode: '31' }));
  assert.match(await ok('cases', 'kb', 'list'), /kb-7day {2}regulation {2}\[31\] 七日无理由退货/);
  assert.match(await ok('cases', 'kb', 'show', 'kb-7day'), /网购商品七日内可无理由退货/);
  await ok('cases', 'surveys', 'put', '--data', JSON.stringify({ id: 'sat', title: '满意度回访', active: true, questions: [{ id: 'q1', text: '您满意吗', choices: { '1': '满意', '2': '不满意' } }] }));
  // answers come from the IVR; here through the store, between CLI runs
  const s = await openCaseStore({ dir: join(dir, 'cases') });
  try {
    await s.saveSurveyAnswer({ surveyId: 'sat', callId: 'c1', answers: { q1: '1' } });
    await s.saveSurveyAnswer({ surveyId: 'sat', callId: 'c2', answers: { q1: '1' } });
    await s.saveSurveyAnswer({ surveyId: 'sat', callId: 'c3', answers: { q1: '2' } });
  } finally {
    await s.close();
  }
  const res = await ok('cases', 'surveys', 'results', 'sat', '--answers');
  assert.match(res, /sat {2}满意度回访: 3 response\(s\)/);
  assert.match(res, /1 {2}满意: 2 \(66\.7 %\)/);
  assert.match(res, /2 {2}不满意: 1 \(33\.3 %\)/);
  assert.match(res, /call c3 {2}q1=2/);
});

test('backup copies the store and the recordings the cases point to', async () => {
  const b = join(tmp, 'backup');
  const out = await ok('cases', 'backup', b);
  assert.match(out, /1 recording\(s\)/);
  assert.is(readFileSync(join(b, 'recordings', 'call-1-1.wav'), 'utf8'), 'RIFF....WAVE');
  const fromBackup = await ok('cases', 'search', '--dir', b, '--complainant', '张三', '--json');
  assert.is(JSON.parse(fromBackup).complainant.name, '张三');
});

test.run();
