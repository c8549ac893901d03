// The ACD decision core under an M/M/c load in virtual time, measured the way
// a report measures it (through FigureAccumulator on the queue-log events),
// for comparison with Erlang C: Poisson arrivals, exponential handle times,
// one queue, no ring time (the offer is answered at once), no wrap-up, no
// abandonment. Batch means after a discarded warm-up give each figure's
// 95 % confidence interval (equal-length batches, Student t with B − 1 df).
import { Acd } from './acd.ts';
import { VirtualClock } from './clock.ts';
import { FigureAccumulator } from './figures.ts';
import { exponential, Sfc32 } from './rng.ts';
import { erlangC, studentT } from './erlang.ts';
import type { QueueEvent, Strategy } from './types.ts';

const HOUR = 3_600_000;

export interface SimOptions {
  agents: number;
  /** Mean handle time, ms. */
  handleMs: number;
  /** Target occupancy (offered load = occupancy × agents erlangs). */
  occupancy: number;
  /** Measured simulated hours (after the warm-up). */
  hours: number;
  warmupHours: number;
  batches: number;
  serviceLevelMs: number;
  seed: number;
  strategy?: Strategy;
  /** Called after each simulated hour with the hours done (warm-up included). */
  progress?: (hoursDone: number, totalHours: number) => void;
}

export interface Estimate {
  mean: number;
  /** Half-width of the 95 % confidence interval. */
  ci95: number;
  /** Standard error of the mean (batch means). */
  se: number;
}

export interface SimResult {
  erlangs: number;
  theory: { pWait: number; asaMs: number; serviceLevel: number; occupancy: number };
  pWait: Estimate;
  asaMs: Estimate;
  serviceLevel: Estimate;
  occupancy: Estimate;
  /** Calls entered over the whole run, warm-up included. */
  entered: number;
  connected: number;
  abandoned: number;
  overflowed: number;
  /** Entered and neither connected, abandoned nor overflowed once the system drained: must be 0. */
  lost: number;
  /** Wall-clock ms the run took. */
  wallMs: number;
}

export function estimate(values: number[]): Estimate {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(variance / n);
  return { mean, se, ci95: studentT(0.975, n - 1) * se };
}

export function simulateErlangC(o: SimOptions): SimResult {
  const started = performance.now();
  const erlangs = o.occupancy * o.agents;
  const arrivalMean = o.handleMs / erlangs;
  const clock = new VirtualClock(0);
  const ids = Array.from({ length: o.agents }, (_, i) => `agent${i + 1}`);
  const warmEnd = o.warmupHours * HOUR;
  const batchMs = (o.hours * HOUR) / o.batches;
  const end = warmEnd + o.hours * HOUR;
  const batches: FigureAccumulator[] = [];
  let current: FigureAccumulator | null = null;
  let currentEnd = warmEnd;
  let entered = 0;
  let connected = 0;
  let abandoned = 0;
  let overflowed = 0;
  let acd: Acd | null = null;

  // The queue log as a stream: counts for the lost-call check, and the
  // current batch's figures. At a batch boundary the new batch is told each
  // agent's state, so state time carries over.
  const sink = {
    append(ev: QueueEvent): void {
      if (ev.type === 'enter') entered++;
      else if (ev.type === 'connect') connected++;
      else if (ev.type === 'abandon') abandoned++;
      else if (ev.type === 'overflow') overflowed++;
      if (ev.at < warmEnd) return;
      while (ev.at >= currentEnd && currentEnd < end) {
        const start = currentEnd;
        currentEnd = Math.min(end, start + batchMs);
        current = new FigureAccumulator({ serviceLevelMs: o.serviceLevelMs, from: start, to: currentEnd });
        batches.push(current);
        for (const id of ids) {
          const s = acd!.agent(id).state;
          current.add({ type: 'agent-state', at: start, agentId: id, from: s, to: s });
        }
      }
      if (ev.at < end) current!.add(ev);
    },
  };

  acd = new Acd(clock, { agents: ids.map((id) => ({ id })), queues: [{ id: 'q', strategy: o.strategy ?? 'longest-idle', members: ids.map((agent) => ({ agent })) }], seed: o.seed }, sink);
  const rng = new Sfc32(o.seed);
  const a = acd;
  // Zero ring time: the call layer answers every offer at once and ends the call after an exponential handle time.
  a.onDecision((d) => {
    if (d.type !== 'offer') return;
    a.answered(d.callId, d.agentId);
    const callId = d.callId;
    clock.setTimer(exponential(rng, o.handleMs), () => a.agentHangup(callId));
  });
  for (const id of ids) a.login(id, { ready: true });
  let n = 0;
  const arrive = (): void => {
    a.enter(`c${n++}`, 'q');
    const next = exponential(rng, arrivalMean);
    if (clock.now() + next < end) clock.setTimer(next, arrive);
  };
  clock.setTimer(exponential(rng, arrivalMean), arrive);
  const total = o.warmupHours + o.hours;
  for (let h = 1; h <= Math.ceil(total); h++) {
    clock.runUntil(Math.min(end, h * HOUR));
    o.progress?.(Math.min(h, total), total);
  }
  // No more arrivals: let every call in progress finish, then count the lost.
  clock.runUntil(Infinity);
  const lost = entered - connected - abandoned - overflowed;

  const per = batches.map((b) => {
    const [p] = b.result();
    return { q: p.queues.q, occ: p.occupancy ?? 0 };
  });
  const theory = erlangC(o.agents, erlangs, o.handleMs);
  return {
    erlangs,
    theory: { pWait: theory.pWait, asaMs: theory.asa, serviceLevel: theory.serviceLevel(o.serviceLevelMs), occupancy: theory.occupancy },
    pWait: estimate(per.map((p) => p.q.pWait ?? 0)),
    asaMs: estimate(per.map((p) => p.q.asaMs ?? 0)),
    serviceLevel: estimate(per.map((p) => p.q.serviceLevel ?? 0)),
    occupancy: estimate(per.map((p) => p.occ)),
    entered,
    connected,
    abandoned,
    overflowed,
    lost,
    wallMs: performance.now() - started,
  };
}
