// The flow check knows the case store and the call's variables, shows every
// problem with file, JSON pointer and reason, warns of unreachable nodes, and
// never looks a name from the file up through Object.prototype (node ids,
// prompt ids, languages and variables named constructor, toString, __proto__).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FLOW_FILE, FlowHost, loadFlow } from '../../src/ivr/flow.ts';
import { PromptSet } from '../../src/ivr/prompts.ts';
import { flowVariants } from './_flows.ts';

const prompts = new PromptSet();
const { variant, refusal } = flowVariants(prompts);

const refused: Array<[string, (d: any) => void, string, RegExp]> = [
  // The store's kinds and fields.
  ['kind-lawsuit', (d) => (d.nodes.mailbox_case.kind = 'lawsuit'), '/nodes/mailbox_case/kind', /'lawsuit' is not a case kind the store knows \(consultation, complaint/],
  ['kind-template-lawsuit', (d) => (d.nodes.kind_report.vars.kind = 'lawsuit'), '/nodes/kind_report/vars/kind', /sets 'kind' to 'lawsuit'.*complaint_case\/kind/],
  ['kind-from-digits', (d) => (d.nodes.complaint_case.kind = '{{callback}}'), '/nodes/complaint_case/kind', /takes the kind from 'callback'/],
  ['kind-from-caller', (d) => (d.nodes.complaint_case.kind = '{{callerNumber}}'), '/nodes/complaint_case/kind', /takes the kind from 'callerNumber', which the call sets/],
  ['case-field-unknown', (d) => (d.nodes.mailbox_case.business = 'x'), '/nodes/mailbox_case', /unknown field 'business'/],
  ['recording-never-recorded', (d) => (d.nodes.mailbox_case.recordings = ['message', 'speech']), '/nodes/mailbox_case/recordings/1', /'speech', which no record node sets/],
  ['lookup-field-unknown', (d) => (d.nodes.query_email.to = '{{case.owner}}'), '/nodes/query_email/to', /\{\{case\.owner\}\}/],
  // Templates and branches see only the call's own variables.
  ['template-constructor', (d) => (d.nodes.mailbox_case.facts = 'from {{constructor}}'), '/nodes/mailbox_case/facts', /reads \{\{constructor\}\}: 'constructor', a variable the call does not carry/],
  ['template-proto', (d) => (d.nodes.query_email.subject.en = '{{__proto__}}'), '/nodes/query_email/subject/en', /__proto__/],
  ['branch-toString', (d) => (d.nodes.query_closed.cases[0].if = { var: 'toString', exists: true }), '/nodes/query_closed/cases/0/if/var', /tests 'toString'/],
  // Prompt ids and languages from the file.
  ['prompt-constructor', (d) => (d.nodes.goodbye.prompts = ['constructor']), '/nodes/goodbye/prompts/0', /'constructor' has no file in language zh, en/],
  ['prompt-toString', (d) => (d.nodes.welcome.prompts = ['toString']), '/nodes/welcome/prompts/0', /'toString' has no file/],
  ['language-constructor', (d) => (d.languages = ['zh', 'constructor']), '/languages/1', /no language 'constructor'/],
  ['language-node-proto', (d) => (d.nodes.to_english.language = '__proto__'), '/nodes/to_english/language', /__proto__/],
  // Prompts stay inside the prompts folder.
  ['prompt-escape', (d) => (d.nodes.goodbye.prompts = ['../../../../etc/passwd']), '/nodes/goodbye/prompts/0', /IVR_PROMPT_OUTSIDE.*outside the prompts folder/],
  ['prompt-absolute', (d) => (d.nodes.goodbye.prompts = ['/etc/hostname.wav']), '/nodes/goodbye/prompts/0', /IVR_PROMPT_OUTSIDE/],
  ['prompt-not-wav', (d) => (d.nodes.goodbye.prompts = ['texts.yaml/']), '/nodes/goodbye/prompts/0', /IVR_PROMPT_/],
];

for (const [name, edit, pointer, what] of refused) {
  test(`refused at load: ${name} → ${pointer}`, () => {
    const file = variant(name, edit);
    const e = refusal(file);
    assert.is(e.code, 'IVR_FLOW_INVALID', e.message);
    const hit = e.info.problems.find((p: any) => p.pointer === pointer);
    assert.ok(hit, `no problem at ${pointer}; got ${JSON.stringify(e.info.problems)}`);
    assert.match(hit.message, what);
    assert.ok(e.message.includes(`${file}#${pointer}: `), `the message does not name file#pointer: ${e.message}`);
  });
}

test('a node, key and variable named constructor / __proto__ / toString are ordinary names', () => {
  const file = variant('proto-names', (d) => {
    d.nodes.welcome.next = 'constructor';
    d.nodes.constructor = { type: 'set', vars: { __proto__x: 'a', toString: 'b' }, next: 'toString' };
    d.nodes.toString = { type: 'branch', cases: [{ if: { var: 'toString', eq: 'b' }, next: 'main' }], else: 'goodbye' };
  }, 'json');
  const f = loadFlow(file, prompts);
  assert.is(Object.getPrototypeOf(f.nodes), null, 'the nodes are not held in a null-prototype object');
  assert.is((f.nodes.constructor as any).type, 'set');
  assert.equal(f.warnings, []);
});

test('every problem is shown, one line each with file#pointer and reason (not "and 3 more")', () => {
  const file = variant('four-problems', (d) => {
    d.nodes.welcome.next = 'nowhere';
    d.nodes.mailbox_case.kind = 'lawsuit';
    d.nodes.goodbye.prompts = ['../../../../etc/passwd'];
    d.nodes.mailbox_case.facts = '{{constructor}}';
  });
  const e = refusal(file);
  assert.is(e.info.problems.length, 4, JSON.stringify(e.info.problems));
  assert.not.match(e.message, /more problem/);
  assert.match(e.message, /refused, 4 problems:/);
  const lines = e.message.split('\n').slice(1);
  assert.is(lines.length, 4);
  for (const l of lines) assert.match(l, new RegExp(`^  ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#/[^ ]+: .{10,}`));
});

test('a document and a node broken at once: both are listed in one refusal', () => {
  const file = variant('doc-and-node', (d) => {
    delete d.name;
    d.nodes.query.colour = 'red';
    d.nodes.welcome.type = 'dance';
  });
  const e = refusal(file);
  const at = e.info.problems.map((p: any) => p.pointer);
  assert.ok(at.includes(''), `no problem for the missing name: ${at}`);
  assert.ok(at.includes('/nodes/query'), `no problem for the unknown field: ${at}`);
  assert.ok(at.includes('/nodes/welcome/type'), `no problem for the unknown type: ${at}`);
});

test('an unreachable node is a warning: the flow loads, the warning names the node, FlowHost prints it at load and reload', () => {
  const file = variant('unreachable', (d) => {
    d.nodes.orphan = { type: 'play', prompts: ['goodbye'], next: 'goodbye' };
  });
  const f = loadFlow(file, prompts);
  assert.is(f.warnings.length, 1);
  assert.is(f.warnings[0].pointer, '/nodes/orphan');
  assert.match(f.warnings[0].message, /'orphan' cannot be reached from start 'welcome'/);
  const lines: string[] = [];
  const host = new FlowHost(file, prompts, { warn: (l) => lines.push(l) });
  host.reload();
  assert.is(lines.length, 2, lines.join(' / '));
  assert.match(lines[0], new RegExp(`^IVR_FLOW_UNREACHABLE: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#/nodes/orphan: `));
  assert.equal(loadFlow(DEFAULT_FLOW_FILE, prompts).warnings, [], 'the default flow has an unreachable node');
});

test('prompt ids and languages named after Object.prototype are not found in the manifest', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.not.ok(prompts.has('zh', name), `has('zh', '${name}')`);
    assert.not.ok(prompts.has(name, 'welcome'), `has('${name}', 'welcome')`);
    assert.is(prompts.text('zh', name), undefined);
    assert.throws(() => prompts.file('zh', name), (e: any) => e.code === 'IVR_PROMPT_MISSING', `file('zh', '${name}')`);
    assert.throws(() => prompts.file(name, 'welcome'), (e: any) => e.code === 'IVR_PROMPT_MISSING', `file('${name}', 'welcome')`);
    assert.equal(prompts.missing('zh', [name]), [name]);
  }
});

test.run();
