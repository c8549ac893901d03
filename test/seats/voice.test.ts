// The browser phone over a real seat socket (issue 12, "Agent audio in the
// browser"): ws clients logged in as an agent and a supervisor turn on their
// virtual stations (voice-start); a simulated caller on the E1 dials the IVR,
// presses 0 and is offered to the agent, who answers over the socket. Both
// directions are checked by correlation with the repository's prompts (the
// caller hears what the agent's socket sent, the socket gets what the caller
// said), a supervisor listening through his own browser phone hears both, and
// the call's recording holds the agent's side. Every digit is audio.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordingPath } from '../../src/recording/ids.ts';
import type { SeatHost } from '../../src/seats/host.ts';
import { channelOf, readWav } from '../board/helpers.ts';
import { agentHarness, heardIn, prompt, roster, score, type AgentHarness } from '../calls/_agents.ts';
import { PASSWORD } from './_harness.ts';
import { seatHostOf, VoiceSeat } from './_voice.ts';

let h: AgentHarness | undefined;
let host: SeatHost | undefined;
let pumping = false;
let pump: Promise<void> = Promise.resolve();
const seats: VoiceSeat[] = [];

test.after.each(async () => {
  for (const s of seats.splice(0)) s.close();
  pumping = false;
  await pump;
  await host?.close();
  await h?.close();
  h = undefined;
  host = undefined;
});

async function rig(): Promise<{ h: AgentHarness; host: SeatHost }> {
  h = await agentHarness(roster(2, 'linear'), { recordCalls: true });
  const e = h.engine;
  await e.store.putAgent({ id: '1001', name: '座席1001', role: 'agent', password: PASSWORD });
  await e.store.putAgent({ id: '1002', name: '班长1002', role: 'supervisor', password: PASSWORD });
  host = await seatHostOf(e);
  // Board time in 20 ms steps, a little faster than real time; the sockets'
  // frames (one sent per frame heard) keep up with it.
  pumping = true;
  pump = (async () => {
    while (pumping) {
      if (e.core.busy()) await new Promise((r) => setImmediate(r));
      else await e.board.advance(20);
      await new Promise((r) => setTimeout(r, 6));
    }
  })();
  return { h, host };
}

/** The frames still on their way (a socket is some ms behind the board). */
async function drain(s: VoiceSeat): Promise<void> {
  const n = s.heard.length;
  await until(() => s.heard.length > n + 15, 'the last frames');
}

async function until(ok: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('an agent on the browser phone takes an ACD call: both directions by correlation, a supervisor listens, the recording has the agent', async () => {
  const { h, host } = await rig();
  const e = h.engine;
  const agent = await VoiceSeat.open(host.server.seatUrl, '1001', PASSWORD);
  const sup = await VoiceSeat.open(host.server.seatUrl, '1002', PASSWORD);
  seats.push(agent, sup);
  const started = await agent.send<{ station: string; codec: string; frameMs: number }>('voice-start', { codec: 'alaw' });
  assert.is(started.codec, 'alaw');
  assert.is(started.frameMs, 20);
  assert.match(started.station, /network/, 'the virtual station is the telephone end of his port');
  await sup.send('voice-start', { codec: 'pcm16' });
  sup.codec = 'pcm16';
  await until(() => agent.heard.length > 10 && sup.heard.length > 10, 'both phones off hook, frames flowing');
  await agent.send('acd-login', { ready: true });

  const offered = agent.waitEvent('offer', 60_000);
  const c = h.caller(1, '13912345678');
  const reached = h.toAgent(c);
  const offer = await offered;
  assert.is(offer.headset, true, 'the virtual station is off hook: a headset offer');
  await agent.send('answer');
  await reached;
  await agent.waitEvent('connected', 10_000, 0);

  // The caller speaks; then the agent; then the supervisor listens while both speak again.
  const callerWords = prompt(e, 'zh', 'caller_complaint');
  const agentWords = prompt(e, 'zh', 'kb_office');
  const fromCaller = agent.heard.length;
  await c.speak(e.prompts.file('zh', 'caller_complaint'));
  await drain(agent);
  const heardByAgent = agent.heardSamples(fromCaller);
  const s1 = score(heardByAgent, callerWords);
  assert.ok(s1 > 0.8, `the agent's socket got the caller's words (score ${s1.toFixed(2)})`);
  assert.ok(score(heardByAgent, agentWords) < 0.5, 'and not words nobody said to it');

  await sup.send('supervise', { agentId: '1001', mode: 'listen' });
  await sup.waitEvent('supervising', 10_000, 0);
  const fromSup = sup.heard.length;
  agent.speak(agentWords);
  await until(() => agent.sent > 0 && sup.heard.length - fromSup > agentWords.length / 160 + 25, 'the agent spoke');
  const callerAgain = prompt(e, 'zh', 'caller_mailbox');
  await c.speak(e.prompts.file('zh', 'caller_mailbox'));
  await drain(sup);
  const supHeard = sup.heardSamples(fromSup);
  const sa = score(supHeard, agentWords);
  const sc = score(supHeard, callerAgain);
  assert.ok(sa > 0.8, `the listening supervisor heard the agent (${sa.toFixed(2)})`);
  assert.ok(sc > 0.8, `and the caller (${sc.toFixed(2)})`);
  await sup.send('supervise-leave');

  const heardFile = await c.hangup();
  const callerHeard = heardIn(heardFile);
  const s2 = score(callerHeard, agentWords);
  assert.ok(s2 > 0.8, `the caller heard the agent's socket (score ${s2.toFixed(2)})`);
  await agent.waitEvent('ended', 10_000, 0);
  const counters = await agent.send<{ received: number; sent: number; lost: number; late: number; underruns: number }>('voice-stop');
  assert.ok(counters.received > 100 && counters.sent > 100, `frames both ways (${JSON.stringify(counters)})`);
  assert.is(counters.lost, 0, 'no frame lost on loopback');

  // The call's recording: the caller on the left, the agent's socket on the right.
  await until(() => h.ended.length > 0, 'the call ended');
  const call = h.ended.at(-1)!;
  const rec = call.recordings.find((id) => id.startsWith('recordings/calls/'));
  assert.ok(rec, `a call recording (${call.recordings.join(', ')})`);
  await until(() => !!e.recordings.index.get(rec!), 'the recording is indexed', 30_000);
  const wav = readWav(recordingPath(e.dataDir, rec!));
  const right = channelOf(wav.samples, 1, 2);
  const left = channelOf(wav.samples, 0, 2);
  const r = score(right, agentWords);
  assert.ok(r > 0.8, `the recording has the agent's side (${r.toFixed(2)})`);
  assert.ok(score(left, callerWords) > 0.8, 'and the caller\'s');
});

test('binary frames without voice-start are refused; a bad frame says why; a second socket takes the phone over', async () => {
  const { host } = await rig();
  const a = await VoiceSeat.open(host.server.seatUrl, '1001', PASSWORD);
  seats.push(a);
  const errs: string[] = [];
  a.ws.on('message', (d, bin) => {
    if (bin) return;
    const m = JSON.parse(String(d)) as { type: string; ok?: boolean; code?: string; message?: string };
    if (m.type === 'reply' && m.ok === false) errs.push(`${m.code} ${m.message}`);
  });
  a.ws.send(new Uint8Array(176));
  await until(() => errs.length > 0, 'a refusal');
  assert.match(errs[0], /SEAT_BAD_MESSAGE/);
  await a.send('voice-start');
  a.ws.send(new Uint8Array([1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  await until(() => errs.length > 1, 'a bad frame refused');
  assert.match(errs[1], /codec 7/);
  const b = await VoiceSeat.open(host.server.seatUrl, '1001', PASSWORD);
  seats.push(b);
  const ended = a.waitEvent('voice-ended', 10_000);
  await b.send('voice-start');
  assert.is((await ended).reason, 'taken-over');
  await until(() => b.heard.length > 5, 'the new socket hears');
});

test.run();
