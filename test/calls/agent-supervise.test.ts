// Supervision on the agent's bridge (监听 / whisper / 强插 with keepRoute) on
// the simulated board, audio checked by correlation at every station: the
// caller ↔ agent bridge stays, the call stays `talking`, its recording keeps
// the caller left and the agent right; switching modes, hold, consultation
// (complete and cancel), an N-way conference and the agent leaving all carry
// the supervisor along (or let him go) without breaking the call.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OpsEvent } from '../../src/calls/agent-ops.ts';
import type { Call } from '../../src/calls/call.ts';
import { SimStation } from '../../src/calls/sim-station.ts';
import type { SimCaller } from '../../src/calls/sim-caller.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import { channelOf, readWav } from '../board/helpers.ts';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from './_agents.ts';

let h: AgentHarness;
test.after.each(async () => {
  await h?.close();
});

const MODES = ['listen', 'whisper', 'barge'] as const;
/** The caller, the agent, and the supervisor in each mode say lines of their own. */
const CALLER = 'kb_office';
const AGENT = 'kb_returns';
const SUP = ['kb_warranty', 'goodbye', 'caller_mailbox'] as const;

async function toFirstAgent(c: SimCaller): Promise<Call> {
  await h.toStation(c, h.stations[0], '1001 rings');
  await h.sleep(300);
  const sb = h.engine.core.switchboard!;
  return sb.live(sb.callOf('1001')!.callId)!.call as Call;
}

/** The ACD's log is written and no agent is left reserved or in a call. */
async function nobodyStuck(): Promise<void> {
  await h.engine.core.acd!.settled();
  assert.equal(h.engine.core.acd!.check(), []);
}

const opsEvents = (): OpsEvent[] => {
  const out: OpsEvent[] = [];
  h.engine.core.ops!.events$.subscribe((e) => out.push(e));
  return out;
};

test('listen → whisper → barge by switching modes on the bridge: who hears whom; hold; leave; the call stays talking and its recording keeps caller left, agent right (and a barging supervisor)', async () => {
  h = await agentHarness(roster(3, 'linear'), { recordCalls: true });
  const e = h.engine;
  h.login('1001');
  const [a1, , sup] = h.stations;
  const c = h.caller(1);
  const ops = e.core.ops!;
  const sb = e.core.switchboard!;
  const f = (id: string) => e.prompts.file('zh', id);
  const files = { agent: [] as string[], sup: [] as string[] };
  let call!: Call;
  await h.run(
    (async () => {
      await sup.liftHandset(); // the supervisor's headset is on
      call = await toFirstAgent(c);
      for (const [i, mode] of MODES.entries()) {
        // The first time he joins; then the same message switches the mode at once.
        await ops.supervise('1003', '1001', mode);
        assert.is(call.phase, 'talking', `${mode}: the call stays talking`);
        await h.sleep(200);
        await c.speak(f(CALLER));
        await a1.speak(f(AGENT));
        await sup.speak(f(SUP[i]));
        await h.sleep(200);
        files.sup.push((await sup.cutTap())!);
        files.agent.push((await a1.cutTap())!);
      }
      // Hold while barging: the caller hears music, not the agent nor the supervisor; the agent does not hear the held caller.
      sb.hold('1001');
      assert.is(ops.inOperation('1001'), false, 'supervision does not block hold/retrieve');
      await h.sleep(200);
      await c.speak(f('caller_complaint'));
      await a1.speak(f('kb_office'));
      await h.sleep(200);
      files.sup.push((await sup.cutTap())!);
      files.agent.push((await a1.cutTap())!);
      sb.retrieve('1001');
      assert.is(call.phase, 'talking');
      ops.leave('1003');
      await h.sleep(200);
      await c.speak(f('consult_intro'));
      await h.sleep(200);
      files.sup.push((await sup.cutTap())!);
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const agentLast = await h.run(a1.hangUp());
  await h.run(sup.hangUp());
  const s = (file: string | null, id: string) => score(heardIn(file), prompt(e, 'zh', id));
  for (const [i, mode] of MODES.entries()) {
    const heardBySup = (id: string) => s(files.sup[i], id);
    assert.ok(heardBySup(CALLER) > 0.8 && heardBySup(AGENT) > 0.8, `${mode}: the supervisor hears caller and agent (${heardBySup(CALLER).toFixed(2)}, ${heardBySup(AGENT).toFixed(2)})`);
    assert.ok(s(files.agent[i], CALLER) > 0.8, `${mode}: the agent hears the caller`);
    const agentHearsSup = s(files.agent[i], SUP[i]);
    assert.ok(mode === 'listen' ? agentHearsSup < 0.5 : agentHearsSup > 0.8, `${mode}: the agent ${mode === 'listen' ? 'does not hear' : 'hears'} the supervisor (${agentHearsSup.toFixed(2)})`);
    const callerHearsSup = s(callerFile, SUP[i]);
    assert.ok(mode === 'barge' ? callerHearsSup > 0.8 : callerHearsSup < 0.5, `${mode}: the caller ${mode === 'barge' ? 'hears' : 'does not hear'} the supervisor (${callerHearsSup.toFixed(2)})`);
  }
  // Hold.
  assert.ok(s(files.agent[3], 'caller_complaint') < 0.5, 'held: the agent does not hear the caller');
  assert.ok(s(files.sup[3], 'kb_office') > 0.8, 'held: the supervisor still hears the agent');
  assert.ok(s(files.sup[3], 'caller_complaint') < 0.5, 'held: the supervisor does not hear the held caller');
  const callerHeard = heardIn(callerFile);
  // The caller heard the agent's kb_office only during hold, when he must not: at most once (the held period) → check it is absent after the barge period.
  const bargeEnd = findPrompt(callerHeard, prompt(e, 'zh', SUP[2])).pos;
  assert.ok(findPrompt(callerHeard, prompt(e, 'zh', 'kb_office'), bargeEnd).score < 0.5, 'held: the caller does not hear the agent');
  // After leaving.
  assert.ok(s(files.sup[4], 'consult_intro') < 0.5, 'after leaving, the supervisor hears nothing of the call');
  assert.ok(s(agentLast, 'consult_intro') > 0.8, 'after the supervisor left, the agent hears the caller');

  assert.equal(
    call.phases.map((p) => p.phase).filter((p) => p !== 'ivr'),
    ['queue', 'ringing', 'talking', 'held', 'talking', 'ended'],
    'never a conference',
  );
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller', 'agent', 'supervisor'], 'one supervisor leg across the mode switches');
  // The call's recording: caller left, agent right, whatever the supervisor did.
  const id = h.ended[0].recordings.find((r) => r.startsWith('recordings/calls/'))!;
  assert.ok(await h.indexed(id), 'the recording is indexed');
  const wav = readWav(recordingPath(e.dataDir, id));
  const left = channelOf(wav.samples, 0, 2);
  const right = channelOf(wav.samples, 1, 2);
  const at = (x: Int16Array, p: string) => findPrompt(x, prompt(e, 'zh', p)).score;
  assert.ok(at(left, CALLER) > 0.8 && at(right, CALLER) < 0.5, `the caller on the left only (${at(left, CALLER).toFixed(2)}, ${at(right, CALLER).toFixed(2)})`);
  assert.ok(at(right, AGENT) > 0.8 && at(left, AGENT) < 0.5, `the agent on the right only (${at(right, AGENT).toFixed(2)}, ${at(left, AGENT).toFixed(2)})`);
  assert.ok(at(left, SUP[0]) < 0.5 && at(right, SUP[0]) < 0.5, `listen: the supervisor is on neither side (${at(left, SUP[0]).toFixed(2)}, ${at(right, SUP[0]).toFixed(2)})`);
  assert.ok(at(left, SUP[1]) < 0.5 && at(right, SUP[1]) < 0.5, `whisper: the supervisor is on neither side (the caller did not hear him) (${at(left, SUP[1]).toFixed(2)}, ${at(right, SUP[1]).toFixed(2)})`);
  assert.ok(at(right, SUP[2]) > 0.8 && at(left, SUP[2]) < 0.5, `barge: the caller heard the supervisor, so he is on the right (${at(right, SUP[2]).toFixed(2)}, ${at(left, SUP[2]).toFixed(2)})`);
  await nobodyStuck();
});

test('consultation while supervised: the supervisor follows the agent into it (the held caller hears none of it), then complete: he is let go, caller ↔ 1002', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  h.login('1001');
  const [a1, a2, sup] = h.stations;
  const c = h.caller(2);
  const ops = e.core.ops!;
  const events = opsEvents();
  const f = (id: string) => e.prompts.file('zh', id);
  let supFile: string | null = null;
  let call!: Call;
  await h.run(
    (async () => {
      await sup.liftHandset();
      call = await toFirstAgent(c);
      await ops.supervise('1003', '1001', 'listen');
      h.login('1002');
      await h.consulted('1001', { agent: '1002' }, a2);
      await h.sleep(200);
      await a1.speak(f('kb_office'));
      await a2.speak(f('kb_returns'));
      await ops.supervise('1003', '1001', 'barge');
      await sup.speak(f('kb_warranty'));
      await h.sleep(200);
      ops.complete('1001');
      assert.is(call.phase, 'talking');
      await h.sleep(300);
      await a2.speak(f('caller_complaint'));
      await c.speak(f('goodbye'));
      await h.sleep(200);
      supFile = await sup.cutTap();
    })(),
  );
  const callerFile = await h.run(c.hangup());
  await h.run(e.core.idle());
  const a2File = await h.run(a2.hangUp());
  await h.run(a1.hangUp());
  await h.run(sup.hangUp());
  const s = (file: string | null, id: string) => score(heardIn(file), prompt(e, 'zh', id));
  assert.ok(s(supFile, 'kb_office') > 0.8 && s(supFile, 'kb_returns') > 0.8, 'the supervisor hears the consultation (both agents)');
  assert.ok(s(a2.heardFiles[0], 'kb_warranty') > 0.8 && s(a1.heardFiles[0], 'kb_warranty') > 0.8, 'barging into the consultation: both agents hear him');
  for (const id of ['kb_office', 'kb_returns', 'kb_warranty']) assert.ok(s(callerFile, id) < 0.5, `the held caller hears nothing of the consultation (${id})`);
  assert.ok(s(callerFile, 'caller_complaint') > 0.8 && s(a2File, 'goodbye') > 0.8, 'after complete: caller ↔ 1002');
  assert.ok(s(supFile, 'caller_complaint') < 0.5 && s(supFile, 'goodbye') < 0.5, 'the supervisor left with 1001');
  const ended = events.filter((x) => x.type === 'supervise-ended');
  assert.equal(ended.map((x) => x.type === 'supervise-ended' && [x.supervisorId, x.reason]), [['1003', 'agent-left']]);
  // His station is free for the switchboard again (no claim left).
  e.core.switchboard!.claim('1003', () => undefined);
  e.core.switchboard!.unclaim('1003');
  assert.ok(!call.phases.some((p) => p.phase === 'conference'), 'never a conference');
  await nobodyStuck();
});

test('cancelled consultation, an N-way conference and its end, then the agent hangs up: the supervisor follows each step and is let go with the agent', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  h.login('1001');
  const [a1, a2, sup] = h.stations;
  const out = new SimStation(e.board.network!.channel(2, 3), { dir: h.dir + '/out' });
  const c = h.caller(3);
  const ops = e.core.ops!;
  const sb = e.core.switchboard!;
  const events = opsEvents();
  const f = (id: string) => e.prompts.file('zh', id);
  const supFiles: string[] = [];
  let call!: Call;
  await h.run(
    (async () => {
      await sup.liftHandset();
      call = await toFirstAgent(c);
      await ops.supervise('1003', '1001', 'listen');
      // A consultation cancelled: back with the caller, the supervisor too.
      h.login('1002');
      const one = ops.consult('1001', { agent: '1002' });
      assert.ok(await a2.waitRing(10_000));
      await a2.liftHandset();
      assert.ok(await one.answered);
      ops.cancel('1001');
      await h.sleep(300);
      await c.speak(f('kb_office'));
      await a1.speak(f('kb_returns'));
      await h.sleep(200);
      supFiles.push((await sup.cutTap())!);
      // An N-way conference with an outside number: the supervisor is in it and hears all three.
      const two = ops.consult('1001', { number: '0101' });
      assert.ok(await out.waitRing(10_000));
      await out.liftHandset();
      assert.ok(await two.answered);
      ops.conference('1001');
      assert.is(call.phase, 'conference');
      await h.sleep(200);
      await out.speak(f('kb_warranty'));
      await c.speak(f('caller_complaint'));
      await h.sleep(200);
      supFiles.push((await sup.cutTap())!);
      // The outside party leaves: two are bridged again, the supervisor back on the bridge.
      await out.hangUp();
      await h.sleep(1500);
      assert.is(call.phase, 'talking');
      await c.speak(f('goodbye'));
      await a1.speak(f('caller_mailbox'));
      await h.sleep(200);
      supFiles.push((await sup.cutTap())!);
      assert.is(sb.callOf('1001')?.state, 'talking');
    })(),
  );
  // The agent hangs up: the supervisor is let go, his station stays off hook.
  await h.run(a1.hangUp());
  await h.run(e.core.idle());
  await h.run(c.hangup());
  await h.advance(500);
  assert.ok(sup.offHook, 'the supervisor\'s station stays off hook');
  await h.run(a2.hangUp());
  await h.run(sup.hangUp());
  const s = (file: string | null, id: string) => score(heardIn(file), prompt(e, 'zh', id));
  assert.ok(s(supFiles[0], 'kb_office') > 0.8 && s(supFiles[0], 'kb_returns') > 0.8, 'after cancel: the supervisor hears caller and agent');
  assert.ok(s(supFiles[1], 'kb_warranty') > 0.8 && s(supFiles[1], 'caller_complaint') > 0.8, 'conference: the supervisor hears the outside party and the caller');
  assert.ok(score(out.heard(), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'conference: the outside party hears the caller');
  assert.ok(s(supFiles[2], 'goodbye') > 0.8 && s(supFiles[2], 'caller_mailbox') > 0.8, 'back to two: the supervisor hears caller and agent');
  const ended = events.filter((x) => x.type === 'supervise-ended');
  assert.equal(ended.map((x) => x.type === 'supervise-ended' && x.reason), ['agent-left']);
  assert.is(e.board.channel(2, 3).state, 'idle');
  await nobodyStuck();
  out.close();
});

test('two calls: the supervisor moves from 1001\'s call to 1002\'s in one message, then hangs up his station: both calls go on untouched', async () => {
  h = await agentHarness(roster(3, 'linear'));
  const e = h.engine;
  const [a1, a2, sup] = h.stations;
  const c1 = h.caller(4);
  const c2 = h.caller(5);
  const ops = e.core.ops!;
  const sb = e.core.switchboard!;
  const events = opsEvents();
  const f = (id: string) => e.prompts.file('zh', id);
  const supFiles: string[] = [];
  await h.run(
    (async () => {
      await sup.liftHandset();
      h.login('1001');
      await toFirstAgent(c1);
      h.login('1002');
      await h.toStation(c2, a2, '1002 rings');
      await h.sleep(300);
      await ops.supervise('1003', '1001', 'listen');
      await h.sleep(200);
      await c1.speak(f('kb_office'));
      await c2.speak(f('kb_returns'));
      await h.sleep(200);
      supFiles.push((await sup.cutTap())!);
      await ops.supervise('1003', '1002', 'listen');
      await h.sleep(200);
      await c1.speak(f('kb_warranty'));
      await c2.speak(f('caller_mailbox'));
      await h.sleep(200);
      supFiles.push((await sup.cutTap())!);
      await sup.hangUp();
      await h.sleep(1500);
      assert.is(sb.callOf('1001')?.state, 'talking');
      assert.is(sb.callOf('1002')?.state, 'talking');
      await c1.speak(f('caller_complaint'));
      await c2.speak(f('goodbye'));
      await a1.speak(f('consult_intro'));
      await h.sleep(200);
    })(),
  );
  const c1File = await h.run(c1.hangup());
  await h.run(c2.hangup());
  await h.run(e.core.idle());
  const a1File = await h.run(a1.hangUp());
  const a2File = await h.run(a2.hangUp());
  const s = (file: string | null, id: string) => score(heardIn(file), prompt(e, 'zh', id));
  assert.ok(s(supFiles[0], 'kb_office') > 0.8 && s(supFiles[0], 'kb_returns') < 0.5, 'first he hears 1001\'s caller only');
  assert.ok(s(supFiles[1], 'caller_mailbox') > 0.8 && s(supFiles[1], 'kb_warranty') < 0.5, 'then 1002\'s caller only');
  assert.ok(s(a1File, 'caller_complaint') > 0.8 && s(a2File, 'goodbye') > 0.8 && s(c1File, 'consult_intro') > 0.8, 'after his hang-up both calls go on');
  assert.equal(
    events.filter((x) => x.type === 'supervise-ended').map((x) => x.type === 'supervise-ended' && [x.agentId, x.reason]),
    [['1001', 'left'], ['1002', 'hung-up']],
  );
  await nobodyStuck();
});

test.run();
