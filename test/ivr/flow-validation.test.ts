// Flows are validated at load: a broken flow is refused with the file, the JSON
// pointer of the node and what is wrong, and the flow in service stays in place.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FLOW_FILE, FlowHost, loadFlow } from '../../src/ivr/flow.ts';
import { PromptSet } from '../../src/ivr/prompts.ts';
import { base, flowVariants } from './_flows.ts';

const prompts = new PromptSet();
const { dir, variant, refusal } = flowVariants(prompts);

test('the default 12315 flow is valid, with every prompt in both languages', () => {
  const f = loadFlow(DEFAULT_FLOW_FILE, prompts);
  assert.is(f.start, 'welcome');
  assert.equal(Object.keys((f.nodes.main as any).keys).sort(), ['0', '1', '2', '3', '4', '5', '8', '9']);
});

const cases: Array<[string, (d: any) => void, string, RegExp]> = [
  ['next-missing', (d) => (d.nodes.welcome.next = 'nowhere'), '/nodes/welcome/next', /nowhere/],
  ['menu-key-missing', (d) => (d.nodes.main.keys['7'] = 'ghost'), '/nodes/main/keys/7', /ghost/],
  ['bad-key', (d) => (d.nodes.main.keys['x'] = 'goodbye'), '/nodes/main/keys', /property name|pattern/],
  ['unknown-type', (d) => (d.nodes.welcome.type = 'dance'), '/nodes/welcome/type', /allowed values/],
  ['unknown-field', (d) => (d.nodes.query.colour = 'red'), '/nodes/query', /unknown field 'colour'/],
  ['missing-field', (d) => delete d.nodes.query.var, '/nodes/query', /required field 'var'/],
  ['prompt-missing', (d) => (d.nodes.goodbye.prompts = ['farewell_song']), '/nodes/goodbye/prompts/0', /farewell_song.*zh, en/],
  ['bad-regex', (d) => (d.nodes.mailbox_callback.validate = '(['), '/nodes/mailbox_callback/validate', /regular expression/],
  ['own-timezone', (d) => (d.nodes.agent.timeZone = 'Asia/Urumqi'), '/nodes/agent/timeZone', /follows the bureau's working calendar/],
  ['bad-start', (d) => (d.start = 'begin'), '/start', /begin/],
  ['backwards-hours', (d) => (d.nodes.agent.open = ['17:30-08:30']), '/nodes/agent/open/0', /ends before it starts/],
  ['bad-tries', (d) => (d.nodes.main.tries = 0), '/nodes/main/tries', /must be >= 1/],
  ['bad-language', (d) => (d.nodes.to_english.language = 'fr'), '/nodes/to_english/language', /fr/],
];

for (const [name, edit, pointer, what] of cases) {
  test(`refused: ${name} → ${pointer}`, () => {
    const file = variant(name, edit);
    const e = refusal(file);
    assert.is(e.code, 'IVR_FLOW_INVALID');
    assert.ok(e.message.includes(file), `message does not name the file: ${e.message}`);
    const hit = e.info.problems.find((p: any) => p.pointer === pointer);
    assert.ok(hit, `no problem at ${pointer}; got ${JSON.stringify(e.info.problems)}`);
    assert.match(hit.message, what);
  });
}

test('an unreadable or unparsable file gets IVR_FLOW_UNREADABLE', () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{ "name": ');
  try {
    loadFlow(file, prompts);
    assert.unreachable('broken JSON accepted');
  } catch (e) {
    assert.is((e as any).code, 'IVR_FLOW_UNREADABLE');
  }
  try {
    loadFlow(join(dir, 'absent.yaml'), prompts);
    assert.unreachable('absent file accepted');
  } catch (e) {
    assert.is((e as any).code, 'IVR_FLOW_UNREADABLE');
  }
});

test('reload: an invalid file leaves the running flow in place; a valid one replaces it, old reference intact', () => {
  const good = variant('good', () => {}, 'json');
  const host = new FlowHost(good, prompts);
  const first = host.current;
  writeFileSync(good, '{"name": 5}');
  assert.throws(() => host.reload(), (e: any) => e.code === 'IVR_FLOW_INVALID');
  assert.is(host.current, first, 'the running flow was replaced by an invalid one');
  writeFileSync(good, JSON.stringify({ ...base, nodes: { ...base.nodes, welcome: { ...base.nodes.welcome, prompts: ['goodbye'] } } }));
  const second = host.reload();
  assert.is(host.current, second);
  assert.ok(second.version > first.version);
  assert.equal((first.nodes.welcome as any).prompts, ['welcome'], 'a call holding the old flow saw it change');
  assert.equal((second.nodes.welcome as any).prompts, ['goodbye']);
});

test.run();
