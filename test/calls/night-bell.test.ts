// Night service (夜铃) on the sim board: outside office hours a caller who
// presses 0 goes to the flow's night branch (night prompt, then the
// mailbox) while the night-bell station rings; lifting it connects the
// caller at once (audio checked both ways, the night flow stops); unanswered,
// the bell stops when the caller leaves. A bell on an agent's telephone, or
// on a port that is no station, is refused at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEngine } from '../../src/calls/engine.ts';
import { SimStation } from '../../src/calls/sim-station.ts';
import { agentHarness, heardIn, MIXED, prompt, roster, score, type AgentHarness } from './_agents.ts';

const MONDAY_8PM = Date.parse('2026-03-16T20:00:00+08:00');

let h: AgentHarness;
let bell: SimStation | undefined;
test.after.each(async () => {
  bell?.close();
  bell = undefined;
  await h?.close();
});

async function night(): Promise<AgentHarness> {
  h = await agentHarness(roster(1), { epochAtZero: MONDAY_8PM, nightBell: '1:8' });
  bell = new SimStation(h.engine.board.network!.channel(1, 8), { dir: join(h.dir, 'bell') });
  return h;
}

test('outside office hours: the night flow plays and the night bell rings; lifting it connects the caller, both hear each other, the flow stops', async () => {
  const h = await night();
  const e = h.engine;
  const c = h.caller(3, '13512345678');
  let rangDuringNight = false;
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await bell!.waitRing(5000), 'the night bell rings');
      rangDuringNight = e.core.activeCalls[0]?.phase === 'ivr';
      await h.sleep(3500); // the caller hears the night prompt meanwhile
      await bell!.liftHandset();
      await h.sleep(300);
      await bell!.speak(e.prompts.file('zh', 'kb_office'));
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(300);
      await bell!.hangUp(); // the duty officer ends the call
      await h.sleep(1000);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  assert.ok(rangDuringNight, 'the bell rang while the caller was in the night flow');
  const heard = heardIn(f);
  assert.ok(score(heard, prompt(e, 'zh', 'night_service')) > 0.8, 'the caller heard the night prompt');
  assert.ok(score(heard, prompt(e, 'zh', 'kb_office')) > 0.8, 'the caller hears the station');
  assert.ok(score(bell!.heard(), prompt(e, 'zh', 'caller_complaint')) > 0.8, 'the station hears the caller');
  assert.ok(score(heard, prompt(e, 'zh', 'beep')) < 0.5, 'the night flow stopped: no mailbox beep after the answer');
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.is(rec!.outcome, 'night_bell');
  assert.equal(rec!.legs!.map((l) => [l.kind, l.channel]), [['caller', 'sim-mixed/0:3'], ['night-bell', 'sim-mixed/1:fxs8']]);
  assert.is(rec!.endedBy, undefined, 'no agent in this call');
  assert.is(e.board.channel(1, 8).state, 'idle', 'the bell port is idle again');
  assert.is(e.core.nightBell!.busyWith, null);
});

test('nobody answers the night bell: the caller leaves a message in the mailbox; his hang-up stops the bell, which rings again for the next caller', async () => {
  const h = await night();
  const e = h.engine;
  const c = h.caller(4, '13512345679');
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await bell!.waitRing(5000), 'the night bell rings');
      await h.sleep(12_000);
      await c.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(500);
    })(),
  );
  const f = await h.run(c.hangup());
  await h.run(e.core.idle());
  await h.run(h.sleep(500));
  assert.ok(score(heardIn(f), prompt(e, 'zh', 'beep')) > 0.8, 'the mailbox beep');
  assert.is(bell!.phone.state, 'idle', 'the bell stopped ringing');
  assert.is(e.core.nightBell!.busyWith, null);
  const rec = await e.store.getCallRecord(h.ended[0].id);
  assert.equal(rec!.legs!.map((l) => l.kind), ['caller']);
  assert.ok(rec!.caseNumbers?.length === 1, `the message became a case: ${rec!.ivrPath.join('>')}`);
  const rings = bell!.rings;
  const c2 = h.caller(5, '13512345670');
  await h.run(
    (async () => {
      await h.toAgent(c2);
      assert.ok(await bell!.waitRing(5000), 'it rings for the next night caller');
      await c2.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(e.core.idle());
  assert.ok(bell!.rings > rings);
});

test('in office hours the night bell stays quiet', async () => {
  h = await agentHarness(roster(1), { nightBell: '1:8' });
  bell = new SimStation(h.engine.board.network!.channel(1, 8), { dir: join(h.dir, 'bell') });
  h.login('1001');
  const c = h.caller(6);
  await h.run(
    (async () => {
      await h.toAgent(c);
      assert.ok(await h.stations[0].waitRing(10_000), 'the agent rings');
      await c.hangup();
      await h.sleep(500);
    })(),
  );
  await h.run(h.engine.core.idle());
  assert.is(bell!.rings, 0);
});

test('a night bell on an agent\'s telephone, or on a trunk, is refused at start with its code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-night-'));
  try {
    for (const [spec, code] of [['1:1', 'CALL_NIGHT_BELL_SHARED'], ['0:3', 'CALL_STATION_NOT_STATION'], ['x', 'CALL_STATION_INVALID']] as const) {
      try {
        await openEngine({ boardFile: MIXED, dataDir: join(dir, 'data'), mode: 'stepped', acd: roster(1), nightBell: spec });
        assert.unreachable(`${spec} accepted`);
      } catch (e) {
        assert.is((e as { code?: string }).code, code, `${spec}: ${(e as Error).message}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
