// A flow's transfer node carries a queue priority: a caller who chose the
// emergency-report key goes ahead of a caller who has waited longer, through
// the flow, the switchboard and the ACD on the simulated board.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FLOW_FILE } from '../../src/ivr/flow.ts';
import { agentHarness, roster, type AgentHarness } from './_agents.ts';

let h: AgentHarness | undefined;
const flow = join(tmpdir(), `agent-priority-${process.pid}.yaml`);
test.after.each(async () => {
  await h?.close();
  h = undefined;
  rmSync(flow, { force: true });
});

function urgentFlow(priority: string): string {
  const base = readFileSync(DEFAULT_FLOW_FILE, 'utf8');
  const yaml = base
    .replace('"0": agent,', '"0": agent, "7": urgent_queue,')
    .replace(
      'agent_queue: { type: transfer, queue: agents, busy: [lines_busy], overflow: agent_message }',
      `agent_queue: { type: transfer, queue: agents, busy: [lines_busy], overflow: agent_message }\n  urgent_queue: { type: transfer, queue: agents, priority: ${priority}, busy: [lines_busy], overflow: agent_message }`,
    );
  assert.ok(yaml.includes('"7": urgent_queue') && yaml.includes('urgent_queue: {'), 'flow edited');
  return yaml;
}

test('the emergency key\'s transfer node (priority 5) is offered first, ahead of a caller who has waited longer', async () => {
  writeFileSync(flow, urgentFlow('5'));
  h = await agentHarness(roster(1), { flowFile: flow });
  const acd = h.engine.core.acd!;
  acd.login('1001'); // not ready: both callers wait
  const st = h.stations[0];
  const early = h.caller(3, '13900000001');
  const urgent = h.caller(4, '13900000002');
  const k = h;
  await k.run(
    (async () => {
      await k.toAgent(early);
      await k.sleep(2000);
      assert.ok(await urgent.dial(), 'the IVR answers the second caller');
      await urgent.hear();
      await urgent.press('7');
      await k.sleep(2000);
      assert.is(acd.queue('agents').waiting, 2, 'both callers wait in the queue');
      acd.setReady('1001');
      assert.ok(await st.waitRing(10_000), 'the agent\'s station rings');
      assert.is(acd.agent('1001').callerNumber, '13900000002', 'the urgent caller is offered first');
      await st.liftHandset();
      await k.sleep(500);
    })(),
  );
  await k.run(Promise.all([early.hangup(), urgent.hangup(), st.hangUp()]));
  await k.run(k.engine.core.idle());
  await acd.settled(); // the queue log is written beside board time
  const enters = [...k.engine.queueLog!.events()].filter((e) => e.type === 'enter' && e.queue === 'agents');
  assert.equal(enters.map((e) => (e as { priority: number }).priority).sort(), [0, 5], 'the queue log records each call\'s priority');
});

test('a priority outside 0–9 is refused by the flow loader with the node and field named', async () => {
  writeFileSync(flow, urgentFlow('12'));
  let err: { code?: string; message?: string } | undefined;
  try {
    h = await agentHarness(roster(1), { flowFile: flow });
  } catch (e) {
    err = e as { code?: string; message?: string };
  }
  assert.ok(err, 'the engine refuses the flow');
  assert.match(String(err!.code), /^IVR_/);
  assert.match(String(err!.message), /urgent_queue/);
  assert.match(String(err!.message), /priority/);
});

test.run();
