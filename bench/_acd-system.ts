// The whole-system half of `hotline bench acd`: the Erlang C load of the
// decision-core half (N agents, one queue, Poisson arrivals, exponential
// handle times, no ring time, wrap-up or abandonment) carried by the whole
// engine in stepped time: simulated callers seize E1 trunks of the sim
// board, hear the 12315 welcome and menu and press 0 as DTMF audio
// (through the detectors), wait in the queue with music on hold and the
// position announcements; the switchboard rings the agents' simulated
// stations on FXS ports; each agent lifts his handset as it rings (no ring
// time beyond the board's own ticks), talks for an exponential handle time
// and hangs up (no wrap-up). P(wait), ASA and service level are measured as
// a report measures them, from the engine's durable queue log read back
// after the run, by batch means over the measured window (each figure with
// its 95 % confidence interval), after a warm-up that is discarded.
//
// The system starts in steady state as far as it cheaply can: as many
// callers as the offered load in erlangs dial at time 0 (the mean number in
// service; handle times are memoryless), then the warm-up runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, merge, take, timer } from 'rxjs';
import { LmdbQueueLog } from '../src/acd/log.ts';
import { exponential, Sfc32 } from '../src/acd/rng.ts';
import { BatchFigures, simulateErlangC, type Estimate } from '../src/acd/simulate.ts';
import type { AcdConfig } from '../src/acd/types.ts';
import type { Channel } from '../src/board/types.ts';
import { openEngine } from '../src/calls/engine.ts';
import { advanceHeld, drive, SimCaller } from '../src/calls/sim-caller.ts';
import { SimStation } from '../src/calls/sim-station.ts';

const MINUTE = 60_000;
/** A working Monday, 10:00 in Beijing (the queue log's calendar). */
export const SYSTEM_EPOCH = Date.parse('2026-03-16T10:00:00+08:00');

/** The whole-system run's random streams: arrival gaps, and handle times in the order the agents answer. */
export function systemStreams(seed: number): { arrivals: Sfc32; handles: Sfc32 } {
  return { arrivals: new Sfc32(seed), handles: new Sfc32((seed ^ 0x5eed) >>> 0) };
}

/**
 * The decision core on the very calls of the whole-system run: the same
 * arrival gaps and handle times (the same streams, drawn in the same order),
 * the same preload, warm-up and window. What differs is only what the whole
 * system adds (the IVR before the queue, ring ticks, port settling), so the
 * two should nearly coincide: an engine that hoarded agents or lost calls
 * would wait visibly longer than its twin.
 */
export function pairedCore(o: Omit<SystemOptions, 'progress'>): { pWait: number; asaMs: number; serviceLevel: number; occupancy: number } {
  const r = simulateErlangC({ agents: o.agents, handleMs: o.ahtMs, occupancy: o.occupancy, hours: o.measureMs / 3_600_000, warmupHours: o.warmupMs / 3_600_000, batches: o.batches, serviceLevelMs: o.serviceLevelMs, seed: o.seed, preload: Math.round(o.occupancy * o.agents), streams: systemStreams(o.seed) });
  return { pWait: r.pWait.mean, asaMs: r.asaMs.mean, serviceLevel: r.serviceLevel.mean, occupancy: r.occupancy.mean };
}

export interface SystemOptions {
  agents: number;
  occupancy: number;
  ahtMs: number;
  serviceLevelMs: number;
  /** Measured simulated ms (after the warm-up). */
  measureMs: number;
  warmupMs: number;
  batches: number;
  seed: number;
  progress: (line: string) => void;
}

export interface SystemResult {
  pWait: Estimate;
  asaMs: Estimate;
  serviceLevel: Estimate;
  occupancy: Estimate;
  batches: number;
  /** Calls that entered the queue over the whole run (warm-up included). */
  entered: number;
  connected: number;
  abandoned: number;
  overflowed: number;
  /** Arrivals that found no free trunk, and seizures the IVR did not answer. */
  blocked: number;
  unanswered: number;
  /** Answered callers who pressed 0 and never joined the queue. */
  notQueued: number;
  /** Entered and neither connected, abandoned nor overflowed, plus blocked, unanswered and not queued arrivals: must be 0. */
  lost: number;
  /** Times an agent was set not ready by the ACD (a failed or missed offer): must be 0 under this load. */
  agentsSetNotReady: number;
  /** Mean ms from the offer (the station rings) to the answer, over every connected call: board ticks only. */
  meanRingMs: number;
  /** Mean talk time of the connected calls (the simulated agents' exponential handle times, as the ACD saw them). */
  meanTalkMs: number;
  /** Simulated ms run (warm-up, measured window, drain) and the wall ms it took. */
  simulatedMs: number;
  wallMs: number;
}

/** One E1 span per 30 trunks (rounded up, at least two: the queue's tail needs lines), and one FXS port per agent (30 a span). */
function boardProfile(agents: number, trunkSpans: number): object {
  const spans: object[] = [];
  const inbound: string[] = [];
  for (let i = 0; i < trunkSpans; i++) {
    spans.push({ type: 'E1', signalling: 'cas', crc4: true, name: `trunk ${i + 1}` });
    inbound.push(`${i}:1-15`, `${i}:17-31`);
  }
  const stations: string[] = [];
  for (let left = agents, s = trunkSpans; left > 0; left -= 30, s++) {
    const ports = Math.min(30, left);
    spans.push({ type: 'analog', role: 'fxs', ports, name: `agents' phones ${s - trunkSpans + 1}` });
    stations.push(`${s}:1-${ports}`);
  }
  return {
    name: 'bench-acd-system',
    driver: 'sim',
    tickMs: 10,
    spans,
    network: { type: 'loop' },
    groups: {
      inbound: { role: 'inbound', channels: inbound.join(','), description: 'the simulated callers' },
      agents: { role: 'station', channels: stations.join(','), description: 'the agents\u2019 simulated stations' },
    },
  };
}

// The 12315 flow's welcome and main menu (the same prompts, 0 for an agent)
// without its office hours and working calendar: a run of several simulated
// hours would otherwise reach the lunch break or the night, and the callers
// pressing 0 would hear the night service instead of joining the queue.
const FLOW = `name: bench-system
language: zh
languages: [zh]
start: welcome
nodes:
  welcome: { type: play, prompts: [welcome], interruptible: true, next: main }
  main: { type: menu, prompts: [main_menu, lang_offer], keys: { "0": queue }, tries: 3, timeoutMs: 6000, fallback: bye }
  queue: { type: transfer, queue: agents, busy: [lines_busy], overflow: bye }
  bye: { type: hangup, prompts: [goodbye] }
`;

export async function systemHour(o: SystemOptions): Promise<SystemResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-acd-system-'));
  const flowFile = join(dir, 'flow.yaml');
  writeFileSync(flowFile, FLOW);
  const erlangs = o.occupancy * o.agents;
  // Lines for the agents' calls and three times as many waiting or in the IVR.
  const trunkSpans = Math.max(2, Math.ceil((o.agents * 3) / 30));
  const boardFile = join(dir, 'board.json');
  writeFileSync(boardFile, JSON.stringify(boardProfile(o.agents, trunkSpans)));
  const ids = Array.from({ length: o.agents }, (_, i) => String(1001 + i));
  const acd: AcdConfig = { agents: ids.map((id) => ({ id })), queues: [{ id: 'agents', strategy: 'longest-idle', members: ids.map((agent) => ({ agent })), wrapUpMs: 0 }], seed: o.seed };
  const dataDir = join(dir, 'data');
  const engine = await openEngine({ boardFile, flowFile, dataDir, mode: 'stepped', epochAtZero: SYSTEM_EPOCH, acd });
  const started = performance.now();
  const board = engine.board;
  const hold = () => engine.core.busy();
  const { arrivals, handles } = systemStreams(o.seed);
  let blocked = 0;
  let unanswered = 0;
  let stopArrivals = false;
  try {
    // The agents: each lifts his ringing handset at once, talks an exponential handle time, hangs up.
    const stations = engine.phoneChannels.slice(0, o.agents).map((ch) => new SimStation(ch, { dir: join(dir, 'stations'), tap: false }));
    for (const st of stations) {
      st.phone.events$.pipe(filter((e) => e.type === 'ring')).subscribe(() => {
        void st.liftHandset().then(async (up) => {
          if (!up) return;
          // Ends early only if the caller went (Erlang C callers never do).
          await firstValueFrom(merge(timer(exponential(handles, o.ahtMs), board.scheduler), st.phone.events$.pipe(filter((e) => e.type === 'hangup'))).pipe(take(1)));
          await st.hangUp();
        });
      });
    }
    for (const id of ids) engine.core.acd!.login(id, { ready: true });

    // The callers: Poisson seizures on free trunks; each presses 0 and stays until the agent clears the call.
    const free = new Set<Channel>(engine.networkChannels);
    const running = new Set<Promise<void>>();
    let n = 0;
    const place = (): void => {
      const ch = free.values().next().value;
      if (!ch) {
        blocked++;
        return;
      }
      free.delete(ch);
      const c = new SimCaller(ch, { dir: join(dir, 'callers'), callerNumber: `1390${String(n++ % 10_000_000).padStart(7, '0')}`, tap: false, listen: 'timed', prompts: engine.prompts });
      const p = (async () => {
        try {
          if (!(await c.dial())) {
            unanswered++;
            return;
          }
          if ((await c.hear({ expect: ['welcome', 'main_menu', 'lang_offer'] })).hungUp) return;
          await c.press('0');
          await firstValueFrom(c.ch.events$.pipe(filter((e) => e.type === 'hangup')));
        } finally {
          await c.hangup();
          free.add(ch);
        }
      })();
      running.add(p);
      void p.finally(() => running.delete(p));
    };
    const arrivalMeanMs = o.ahtMs / erlangs;
    const arrive = (): void => {
      if (stopArrivals) return;
      place();
      board.scheduler.schedule(arrive, exponential(arrivals, arrivalMeanMs));
    };
    const t0 = board.now();
    for (let i = 0; i < Math.round(erlangs); i++) place();
    board.scheduler.schedule(arrive, exponential(arrivals, arrivalMeanMs));

    const runMs = o.warmupMs + o.measureMs;
    for (let done = 0; done < runMs; ) {
      const step = Math.min(5 * MINUTE, runMs - done);
      await advanceHeld(board, step, hold, 20);
      done += step;
      o.progress(`acd bench: whole system, ${(done / MINUTE).toFixed(0)} of ${(runMs / MINUTE).toFixed(0)} simulated minutes (${((performance.now() - started) / 1000).toFixed(0)} s wall)`);
    }
    // No more arrivals: every call in progress ends (talk times are exponential: allow hours).
    stopArrivals = true;
    await drive(board, Promise.all([...running]), 24 * 60 * MINUTE, 20, hold);
    await drive(board, engine.core.idle(), MINUTE, 20, () => engine.core.busy() || engine.core.writing());
    const simulatedMs = board.now() - t0;
    for (const st of stations) st.close();
    await engine.close();
    const wallMs = performance.now() - started;

    // Read back from the durable queue log, as `hotline report` does.
    const from = SYSTEM_EPOCH + t0 + o.warmupMs;
    const figures = new BatchFigures({ from, to: from + o.measureMs, batches: o.batches, serviceLevelMs: o.serviceLevelMs });
    let agentsSetNotReady = 0;
    let ringMs = 0;
    let talkMs = 0;
    const log = LmdbQueueLog.openReadOnly(join(dataDir, 'acd', 'queue-log'));
    try {
      for (const ev of log.events()) {
        // Erlang C's wait ends when a server is seized: here when the agent is
        // chosen and his station rings (the ring itself, a few ticks until the
        // simulated agent lifts, is counted apart: the decision core has none).
        if (ev.type === 'connect') {
          ringMs += ev.ringMs;
          figures.append({ ...ev, waitMs: ev.waitMs - ev.ringMs });
          continue;
        }
        figures.append(ev);
        if (ev.type === 'complete') talkMs += ev.talkMs;
        if (ev.type === 'agent-state' && ev.to === 'notReady' && ev.from !== 'loggedOut') {
          agentsSetNotReady++;
          o.progress(`acd bench: whole system: agent ${ev.agentId} set not ready at +${((ev.at - SYSTEM_EPOCH - t0) / 1000).toFixed(1)} s (${ev.reason ?? 'no reason'})`);
        }
        if (ev.type === 'offer-failed' || ev.type === 'ring-no-answer') o.progress(`acd bench: whole system: ${JSON.stringify(ev)}`);
      }
    } finally {
      await log.close();
    }
    const e = figures.estimates('agents');
    const c = figures.counts;
    // Callers the IVR answered who never joined the queue (the flow sent them elsewhere).
    const notQueued = Math.max(0, n - unanswered - c.entered);
    return { ...e, ...c, blocked, unanswered, notQueued, lost: figures.lost + blocked + unanswered + notQueued, agentsSetNotReady, meanRingMs: c.connected ? ringMs / c.connected : 0, meanTalkMs: c.connected ? talkMs / c.connected : 0, simulatedMs, wallMs };
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Figure = 'pWait' | 'asaMs' | 'serviceLevel';
const FIGURES: Figure[] = ['pWait', 'asaMs', 'serviceLevel'];

/**
 * How much one measurement as short as the whole-system run varies: the
 * decision core run `replications` times under the same protocol (preload,
 * warm-up, measured window, batches), each with its own seed. Returns the
 * standard deviation of the measured figures across the replications (the
 * standard error of one such measurement), and how often each replication's
 * own batch-means 95 % interval held the long-run value: at 85 % occupancy
 * the queue remembers for minutes, so a few batches of one hour are
 * correlated and their interval is too narrow; the spread is the honest one.
 */
export function shortRunSpread(o: Omit<SystemOptions, 'progress'> & { replications: number; longRun: Record<Figure, number> }): { sd: Record<Figure, number>; batchCoverage: Record<Figure, number> } {
  const erlangs = o.occupancy * o.agents;
  const runs = Array.from({ length: o.replications }, (_, i) =>
    simulateErlangC({ agents: o.agents, handleMs: o.ahtMs, occupancy: o.occupancy, hours: o.measureMs / 3_600_000, warmupHours: o.warmupMs / 3_600_000, batches: o.batches, serviceLevelMs: o.serviceLevelMs, seed: (o.seed + 1 + i) >>> 0, preload: Math.round(erlangs) }),
  );
  const sd = {} as Record<Figure, number>;
  const batchCoverage = {} as Record<Figure, number>;
  for (const f of FIGURES) {
    const xs = runs.map((r) => r[f].mean);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    sd[f] = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    batchCoverage[f] = runs.filter((r) => Math.abs(r[f].mean - o.longRun[f]) <= r[f].ci95).length / runs.length;
  }
  return { sd, batchCoverage };
}
