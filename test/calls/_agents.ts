// Shared by the agent-side tests: a stepped engine on the sim-mixed board
// (one E1 span of trunks cabled to simulated callers, 8 FXS station ports
// whose phones are simulated stations), an ACD roster given by the test,
// and audio checks by correlation of what each end heard; the seat server on
// that engine with the test's people logged in at their seats.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { AcdConfig } from '../../src/acd/types.ts';
import type { AgentInput } from '../../src/cases/types.ts';
import type { CallSummary } from '../../src/calls/call.ts';
import type { RecordingEntry } from '../../src/recording/types.ts';
import type { AgentOps } from '../../src/calls/agent-ops.ts';
import { openEngine, type Engine, type EngineOptions } from '../../src/calls/engine.ts';
import { advanceHeld, drive, SimCaller } from '../../src/calls/sim-caller.ts';
import { SimStation } from '../../src/calls/sim-station.ts';
import { findPrompt } from '../../src/ivr/audio-match.ts';
import { readWavSamples } from '../../src/dsp/wav.ts';
import { MONDAY_10AM } from '../ivr/_harness.ts';
import { recordingPath } from '../../src/recording/ids.ts';
import type { SeatHost } from '../../src/seats/host.ts';
import { channelOf, readWav } from '../board/helpers.ts';
import { Client, PASSWORD } from '../seats/_harness.ts';
import { seatHostOf, type SeatHostParts } from '../seats/_voice.ts';

export const MIXED = new URL('../../boards/sim-mixed.json', import.meta.url).pathname;

export interface AgentHarness {
  engine: Engine;
  dir: string;
  ended: CallSummary[];
  /** Station i (0-based) is the phone of the i-th agent of the config (FXS port i+1). */
  stations: SimStation[];
  login(...ids: string[]): void;
  /** A caller on E1 timeslot `ts` (1-15, 17-31). */
  caller(ts: number, callerNumber?: string): SimCaller;
  /** Runs `work` while moving board time (holding it while the store writes). */
  run<T>(work: Promise<T>, maxMs?: number): Promise<T>;
  advance(ms: number): Promise<void>;
  /** Inside run(): waits `ms` of board time. */
  sleep(ms: number): Promise<void>;
  /** The recording's index entry, awaited as indexedEntry does (board time held while the engine writes). */
  indexed(id: string): Promise<RecordingEntry | undefined>;
  /** Dials, listens to the welcome and the menu, presses 0 (an agent). */
  toAgent(c: SimCaller): Promise<void>;
  /** toAgent, then `station` must ring within 20 s of board time (`what` says so when it does not) and lifts its handset. */
  toStation(c: SimCaller, station: SimStation, what?: string): Promise<void>;
  /** `agentId` consults `target` (AgentOps.consult): `station` must ring within 10 s of board time (`what` says so when it does not) and lifts its handset, and the consultation must be answered. */
  consulted(agentId: string, target: Parameters<AgentOps['consult']>[1], station: SimStation, what?: string): Promise<void>;
  /** `fn` runs first when the harness closes (a seat server on its engine: seatsOn). */
  closeFirst(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

/** One roster: agents 1001…100n, one queue `agents` with the strategy given. */
export function roster(n: number, strategy: AcdConfig['queues'][number]['strategy'] = 'longest-idle', extra: Partial<AcdConfig['queues'][number]> = {}): AcdConfig {
  const ids = Array.from({ length: n }, (_, i) => String(1001 + i));
  return { agents: ids.map((id) => ({ id })), queues: [{ id: 'agents', strategy, members: ids.map((agent) => ({ agent })), ...extra }] };
}

export async function agentHarness(acd: AcdConfig, o: Partial<EngineOptions> = {}): Promise<AgentHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-calls-agents-'));
  const engine = await openEngine({ boardFile: MIXED, dataDir: join(dir, 'data'), mode: 'stepped', epochAtZero: MONDAY_10AM, acd, ...o });
  const ended: CallSummary[] = [];
  engine.core.calls$.subscribe((e) => e.type === 'end' && ended.push(e.call));
  const net = engine.board.network!;
  const stations = acd.agents.slice(0, 8).map((_, i) => new SimStation(net.channel(1, i + 1), { dir: join(dir, 'stations') }));
  const hold = () => engine.core.busy();
  const first: Array<() => Promise<void>> = [];
  const toAgent = async (c: SimCaller): Promise<void> => {
    if (!(await c.dial())) throw new Error('the IVR did not answer');
    await c.hear();
    await c.press('0');
  };
  return {
    engine,
    dir,
    ended,
    stations,
    login(...ids) {
      for (const id of ids) engine.core.acd!.login(id, { ready: true });
    },
    caller(ts, callerNumber = '13912345678') {
      return new SimCaller(net.channel(0, ts), { dir: join(dir, 'callers'), callerNumber });
    },
    run: (work, maxMs = 600_000) => drive(engine.board, work, maxMs, 20, hold),
    advance: (ms) => advanceHeld(engine.board, ms, hold, 20),
    sleep: (ms) => new Promise<void>((r) => engine.board.scheduler.schedule(() => r(), ms)),
    indexed: (id) => indexedEntry(engine, id, (ms) => advanceHeld(engine.board, ms, hold, 20)),
    toAgent,
    async toStation(c, station, what = 'the agent\'s station rings') {
      await toAgent(c);
      assert.ok(await station.waitRing(20_000), what);
      await station.liftHandset();
    },
    async consulted(agentId, target, station, what = 'the consulted telephone rings') {
      const { answered } = engine.core.ops!.consult(agentId, target);
      assert.ok(await station.waitRing(10_000), what);
      await station.liftHandset();
      assert.ok(await answered, 'the consultation is answered');
    },
    closeFirst(fn) {
      first.push(fn);
    },
    async close() {
      for (const fn of first.splice(0).reverse()) await fn();
      for (const s of stations) s.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Someone a seat test puts in the case store (password PASSWORD); `seat: false`: no seat logs in as him. */
export interface SeatPerson {
  id: string;
  name: string;
  role: AgentInput['role'];
  seat?: boolean;
}

/**
 * The seat server (a real WebSocket on a free loopback port) on the harness's
 * engine, `people` put in its case store first; each of them but `seat: false`
 * logs in on a seat socket of his own (`seats`, in the people's order). The
 * harness closes the server before the engine.
 */
export async function seatsOn(h: AgentHarness, people: SeatPerson[], parts: SeatHostParts = {}): Promise<{ host: SeatHost; seats: Client[] }> {
  const e = h.engine;
  for (const { id, name, role } of people) await e.store.putAgent({ id, name, role, password: PASSWORD });
  const host = await seatHostOf(e, parts);
  h.closeFirst(() => host.close());
  const seats: Client[] = [];
  for (const { id, seat } of people) {
    if (seat === false) continue;
    const c = await Client.open(host.server.seatUrl);
    const r = await c.ask('login', { agentId: id, password: PASSWORD });
    assert.ok(r.ok, `login ${id}: ${r.code}`);
    seats.push(c);
  }
  return { host, seats };
}

/**
 * A recording's index entry, written once its file is durable: file and LMDB
 * I/O that runs in real time beside board time. Moves board time as before
 * (20 ms steps, 4 s of it at most) and gives the I/O real time as well, up to
 * 60 s of it (a loaded CI machine is slower than any fixed number of steps).
 */
export async function indexedEntry(engine: Engine, id: string, advance: (ms: number) => Promise<void> = (ms) => engine.board.advance(ms)): Promise<RecordingEntry | undefined> {
  const until = Date.now() + 60_000;
  let boardMs = 4000;
  let entry = engine.recordings.index.get(id);
  while (!entry && Date.now() < until) {
    if (boardMs > 0) {
      await advance(20);
      boardMs -= 20;
    }
    await new Promise((r) => setTimeout(r, boardMs > 0 ? 2 : 20));
    entry = engine.recordings.index.get(id);
  }
  return entry;
}

/**
 * An agent calls a consumer back from the callback list (座席呼出 on an
 * outbound trunk; the consumer a simulated phone on the exchange line's far
 * side): both speak, the consumer hangs up. Returns the placed call's id and
 * the file of what the agent heard. `during` runs once the call is placed.
 */
export async function callBack(h: AgentHarness, agentId: string, agent: SimStation, consumer: SimStation, to: { number: string; callback: string }, during: () => void = () => undefined): Promise<{ callId: string; agentFile: string | null }> {
  const e = h.engine;
  let callId = '';
  await h.run(
    (async () => {
      await agent.liftHandset();
      await h.sleep(300);
      const placed = e.core.outbound!.place(agentId, to);
      callId = placed.callId;
      during();
      if (!(await consumer.waitRing(10_000))) throw new Error('the consumer\'s phone did not ring');
      await consumer.liftHandset();
      if (!(await placed.connected)) throw new Error('the call back did not connect');
      await h.sleep(200);
      await agent.speak(e.prompts.file('zh', 'kb_office'));
      await consumer.speak(e.prompts.file('zh', 'caller_complaint'));
      await h.sleep(200);
      await consumer.hangUp();
      await placed.ended;
    })(),
  );
  return { callId, agentFile: await h.run(agent.hangUp()) };
}

const cache = new Map<string, Int16Array>();
/** Samples of a prompt WAV of the repository's prompts. */
export function prompt(engine: Engine, lang: string, id: string): Int16Array {
  const f = engine.prompts.file(lang, id);
  let s = cache.get(f);
  if (!s) cache.set(f, (s = readWavSamples(f).samples));
  return s;
}

/** Left channel (what the line received) of a stereo tap file. */
export function heardIn(file: string | null): Int16Array {
  return file ? readWavSamples(file).samples : new Int16Array(0);
}

/** Best correlation of `what` in `heard` (1 = identical up to gain). */
export function score(heard: Int16Array, what: Int16Array, from = 0, to = heard.length): number {
  return findPrompt(heard, what, from, to).score;
}

/** The last ended call's per-call recording: exactly one, indexed, in one file (no phase split it); its sides (left: the caller). */
export async function oneCallRecording(h: AgentHarness): Promise<{ call: CallSummary; entry: RecordingEntry; left: Int16Array; right: Int16Array }> {
  const call = h.ended.at(-1)!;
  const ids = call.recordings.filter((id) => id.startsWith('recordings/calls/'));
  assert.is(ids.length, 1, `one call recording: ${call.recordings.join(', ')}`);
  const entry = await h.indexed(ids[0]);
  assert.ok(entry, 'indexed');
  assert.equal(entry.files, [entry.id], 'one file: no phase split it');
  const wav = readWav(recordingPath(h.engine.dataDir, entry.id));
  return { call, entry, left: channelOf(wav.samples, 0, 2), right: channelOf(wav.samples, 1, 2) };
}
