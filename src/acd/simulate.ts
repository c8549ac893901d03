// The ACD decision core under an M/M/c load in virtual time, measured the way
// a report measures it (through FigureAccumulator on the queue-log events),
// for comparison with Erlang C: Poisson arrivals, exponential handle times,
// one queue, no ring time (the offer is answered at once), no wrap-up, no
// abandonment. Batch means after a discarded warm-up give each figure's
// 95 % confidence interval (equal-length batches, Student t with B − 1 df).
import { Acd } from './acd.ts';
import { VirtualClock } from './clock.ts';
import { FigureAccumulator } from './figures.ts';
import { exponential, Sfc32, type Rng } from './rng.ts';
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
  /** Calls that enter at time 0 (a start near steady state: the offered load in erlangs is the mean number in service). Default 0. */
  preload?: number;
  /** Separate streams for the arrival gaps and the handle times (default: one stream from `seed` for both), so a run elsewhere (the whole-system bench) can be paired with this one call for call. */
  streams?: { arrivals: Rng; handles: Rng };
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

/**
 * Batch means over a stream of queue-log events (in time order): the window
 * [from, to) is cut into `batches` equal batches, each measured by its own
 * FigureAccumulator as a report would; an agent's state at a batch boundary
 * carries over (tracked from the agent-state events themselves, so the same
 * code measures the decision core in memory and the whole system from its
 * durable queue log). Counts every enter, connect, abandon and overflow,
 * warm-up included, for the lost-call check.
 */
export class BatchFigures {
  readonly counts = { entered: 0, connected: 0, abandoned: 0, overflowed: 0 };
  readonly #o: { from: number; to: number; batches: number; serviceLevelMs: number };
  readonly #batchMs: number;
  readonly #states = new Map<string, QueueEvent & { type: 'agent-state' }>();
  readonly #acc: FigureAccumulator[] = [];
  #current: FigureAccumulator | null = null;
  #currentEnd: number;

  constructor(o: { from: number; to: number; batches: number; serviceLevelMs: number }) {
    this.#o = o;
    this.#batchMs = (o.to - o.from) / o.batches;
    this.#currentEnd = o.from;
  }

  append(ev: QueueEvent): void {
    const c = this.counts;
    if (ev.type === 'enter') c.entered++;
    else if (ev.type === 'connect') c.connected++;
    else if (ev.type === 'abandon') c.abandoned++;
    else if (ev.type === 'overflow') c.overflowed++;
    if (ev.at >= this.#o.from) {
      const end = this.#o.to;
      while (ev.at >= this.#currentEnd && this.#currentEnd < end) {
        const start = this.#currentEnd;
        this.#currentEnd = Math.min(end, start + this.#batchMs);
        this.#current = new FigureAccumulator({ serviceLevelMs: this.#o.serviceLevelMs, from: start, to: this.#currentEnd });
        this.#acc.push(this.#current);
        for (const s of this.#states.values()) this.#current.add({ type: 'agent-state', at: start, agentId: s.agentId, from: s.to, to: s.to });
      }
      if (ev.at < end) this.#current!.add(ev);
    }
    if (ev.type === 'agent-state') this.#states.set(ev.agentId, ev);
  }

  /** Entered and neither connected, abandoned nor overflowed (once the system drained: must be 0). */
  get lost(): number {
    const c = this.counts;
    return c.entered - c.connected - c.abandoned - c.overflowed;
  }

  /** Each figure of one queue with its 95 % confidence interval from the batch means. */
  estimates(queue: string): { pWait: Estimate; asaMs: Estimate; serviceLevel: Estimate; occupancy: Estimate; batches: number } {
    const per = this.#acc.map((b) => {
      const [p] = b.result();
      return { q: p.queues[queue], occ: p.occupancy ?? 0 };
    });
    return {
      pWait: estimate(per.map((p) => p.q?.pWait ?? 0)),
      asaMs: estimate(per.map((p) => p.q?.asaMs ?? 0)),
      serviceLevel: estimate(per.map((p) => p.q?.serviceLevel ?? 0)),
      occupancy: estimate(per.map((p) => p.occ)),
      batches: per.length,
    };
  }
}

export function simulateErlangC(o: SimOptions): SimResult {
  const started = performance.now();
  const erlangs = o.occupancy * o.agents;
  const arrivalMean = o.handleMs / erlangs;
  const clock = new VirtualClock(0);
  const ids = Array.from({ length: o.agents }, (_, i) => `agent${i + 1}`);
  const warmEnd = o.warmupHours * HOUR;
  const end = warmEnd + o.hours * HOUR;
  // The queue log as a stream into the batch figures.
  const batches = new BatchFigures({ from: warmEnd, to: end, batches: o.batches, serviceLevelMs: o.serviceLevelMs });
  const acd = new Acd(clock, { agents: ids.map((id) => ({ id })), queues: [{ id: 'q', strategy: o.strategy ?? 'longest-idle', members: ids.map((agent) => ({ agent })) }], seed: o.seed }, batches);
  const rng = new Sfc32(o.seed);
  const arrivals = o.streams?.arrivals ?? rng;
  const handles = o.streams?.handles ?? rng;
  const a = acd;
  // Zero ring time: the call layer answers every offer at once and ends the call after an exponential handle time.
  a.onDecision((d) => {
    if (d.type !== 'offer') return;
    a.answered(d.callId, d.agentId);
    const callId = d.callId;
    clock.setTimer(exponential(handles, o.handleMs), () => a.agentHangup(callId));
  });
  for (const id of ids) a.login(id, { ready: true });
  let n = 0;
  for (let i = 0; i < (o.preload ?? 0); i++) a.enter(`c${n++}`, 'q');
  const arrive = (): void => {
    a.enter(`c${n++}`, 'q');
    const next = exponential(arrivals, arrivalMean);
    if (clock.now() + next < end) clock.setTimer(next, arrive);
  };
  clock.setTimer(exponential(arrivals, arrivalMean), arrive);
  const total = o.warmupHours + o.hours;
  for (let h = 1; h <= Math.ceil(total); h++) {
    clock.runUntil(Math.min(end, h * HOUR));
    o.progress?.(Math.min(h, total), total);
  }
  // No more arrivals: let every call in progress finish, then count the lost.
  clock.runUntil(Infinity);
  const e = batches.estimates('q');
  const theory = erlangC(o.agents, erlangs, o.handleMs);
  return {
    erlangs,
    theory: { pWait: theory.pWait, asaMs: theory.asa, serviceLevel: theory.serviceLevel(o.serviceLevelMs), occupancy: theory.occupancy },
    pWait: e.pWait,
    asaMs: e.asaMs,
    serviceLevel: e.serviceLevel,
    occupancy: e.occupancy,
    ...batches.counts,
    lost: batches.lost,
    wallMs: performance.now() - started,
  };
}
