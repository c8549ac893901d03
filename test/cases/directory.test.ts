// Departments, agents (scrypt hashes, never the password), knowledge base with
// IVR menu codes and prompts, keypad surveys and their answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, type Fixture } from './helpers.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture();
});
test.after(async () => f.done());

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'NO ERROR';
}

test('agents: scrypt hash stored, password checked, never returned', async () => {
  await f.store.putDepartment({ id: 'cs', name: '投诉举报中心', head: '刘主任' });
  const a = await f.store.putAgent({ id: 'a7', name: '陈坐席', role: 'supervisor', departmentId: 'cs', password: 'correct horse' });
  assert.equal(a, { id: 'a7', name: '陈坐席', role: 'supervisor', departmentId: 'cs' });
  const raw = f.store.people.agents.get('a7') as unknown as { passwordHash: string };
  assert.match(raw.passwordHash, /^scrypt\$16384\$8\$1\$/);
  assert.not.match(JSON.stringify(raw), /correct horse/);
  assert.equal(await f.store.verifyAgent('a7', 'correct horse'), a);
  assert.is(await f.store.verifyAgent('a7', 'correct hors'), null);
  assert.is(await f.store.verifyAgent('nobody', 'correct horse'), null);
  assert.equal(await f.store.getAgent('a7'), a);
  assert.is(await code(f.store.putAgent({ id: 'a8', name: 'x', role: 'boss' as never, password: 'secret-1' })), 'CASE_FIELD_INVALID');
  assert.is(await code(f.store.putAgent({ id: 'a8', name: 'x', role: 'agent', password: '123' })), 'CASE_FIELD_INVALID');
  assert.is(await code(f.store.putAgent({ id: 'a8', name: 'x', role: 'agent', password: 'secret-1', departmentId: 'nope' })), 'CASE_DEPARTMENT_UNKNOWN');
  assert.equal((await f.store.listDepartments()).map((d) => d.id), ['cs']);
});

test('knowledge base: entries by IVR menu code, with prompt file; codes are unique', async () => {
  await f.store.putKnowledge({ id: 'kb-return', category: 'regulation', title: '七日无理由退货', text: '网购商品自收货之日起七日内可无理由退货。', promptFile: 'prompts/zh/kb-return.wav', menuCode: '31' });
  await f.store.putKnowledge({ id: 'kb-addr', category: 'address', title: '办公地址', text: '某市某路1号' });
  const e = await f.store.getKnowledgeByMenuCode('31');
  assert.is(e!.id, 'kb-return');
  assert.is(e!.promptFile, 'prompts/zh/kb-return.wav');
  assert.is(await f.store.getKnowledgeByMenuCode('32'), null);
  assert.is(await code(f.store.putKnowledge({ id: 'kb-other', category: 'faq', title: 't', text: 'x', menuCode: '31' })), 'CASE_MENU_CODE_TAKEN');
  assert.is(await code(f.store.putKnowledge({ id: 'kb-bad', category: 'faq', title: 't', text: 'x', menuCode: '3a' })), 'CASE_FIELD_INVALID');
  // moving the entry to another code frees the old one
  await f.store.putKnowledge({ id: 'kb-return', category: 'regulation', title: '七日无理由退货', text: '……', menuCode: '33' });
  assert.is(await f.store.getKnowledgeByMenuCode('31'), null);
  assert.is((await f.store.getKnowledgeByMenuCode('33'))!.id, 'kb-return');
  assert.equal((await f.store.listKnowledge('address')).map((x) => x.id), ['kb-addr']);
});

test('surveys: keypad answers stored and tallied; bad answers refused', async () => {
  await f.store.putSurvey({
    id: 'sat',
    title: '满意度回访',
    active: true,
    questions: [
      { id: 'q1', text: '您对处理结果满意吗？', choices: { '1': '满意', '2': '基本满意', '3': '不满意' } },
      { id: 'q2', text: '坐席态度如何？', choices: { '1': '好', '2': '一般' } },
    ],
  });
  await f.store.saveSurveyAnswer({ surveyId: 'sat', callId: 'call-1', callerNumber: '13800000000', answers: { q1: '1', q2: '1' } });
  await f.store.saveSurveyAnswer({ surveyId: 'sat', callId: 'call-2', answers: { q1: '3' } });
  const t = await f.store.surveyTally('sat');
  assert.equal(t, { surveyId: 'sat', responses: 2, counts: { q1: { '1': 1, '3': 1 }, q2: { '1': 1 } } });
  assert.is(await code(f.store.saveSurveyAnswer({ surveyId: 'sat', answers: { q1: '9' } })), 'CASE_SURVEY_ANSWER_INVALID');
  assert.is(await code(f.store.saveSurveyAnswer({ surveyId: 'sat', answers: { q9: '1' } })), 'CASE_SURVEY_ANSWER_INVALID');
  assert.is(await code(f.store.saveSurveyAnswer({ surveyId: 'none', answers: {} })), 'CASE_SURVEY_UNKNOWN');
  assert.is(await code(f.store.putSurvey({ id: 's2', title: 't', active: true, questions: [{ id: 'q', text: 't', choices: { '10': 'x' } }] })), 'CASE_FIELD_INVALID');
  assert.is((await f.store.surveyTally('sat')).responses, 2, 'refused answers are not counted');
  assert.equal((await f.store.getSurvey('sat'))!.questions.length, 2);
});

test('verifyAgent spends as long on an unknown id as on a wrong password (no early return to time)', async () => {
  await f.store.putAgent({ id: 'timing-agent', name: '计时', role: 'agent', password: 'secret-pw' });
  const time = async (id: string): Promise<number> => {
    const t0 = performance.now();
    assert.is(await f.store.verifyAgent(id, 'wrong-password'), null);
    return performance.now() - t0;
  };
  await time('nobody-at-all'); // the dummy hash is made once
  // medians of 5: scrypt (N = 2^14) is tens of ms; an early return is microseconds
  const med = (xs: number[]): number => xs.sort((a, b) => a - b)[2];
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 5; i++) {
    known.push(await time('timing-agent'));
    unknown.push(await time('nobody-' + i));
  }
  assert.ok(med(unknown) > med(known) / 4, `unknown id ${med(unknown).toFixed(2)} ms vs wrong password ${med(known).toFixed(2)} ms`);
});

test.run();
