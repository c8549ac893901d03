// Figures from the queue log, per queue and per agent, by period. The same
// accumulator serves a report over the LMDB log and the bench's streaming
// measurement, so what the bench checks against Erlang C is what a report shows.
//
// Definitions (times in ms; T = serviceLevelMs):
//  - service level "SL", Asterisk app_queue's: calls answered within T ÷ calls
//    answered. "SL2", Asterisk's second figure: (answered within T + abandoned
//    within T) ÷ (answered + abandoned). Asterisk's wait (holdtime) runs from
//    entering the queue to the answer, ring time included; so does ours.
//  - ASA: sum of waits of answered calls ÷ answered.
//  - P(wait): answered calls whose wait was > 0 ÷ answered (Erlang C's P(W>0)).
//  - abandon rate: abandoned ÷ entered.
//  - AHT: (talk + hold + wrap-up) ÷ calls handled (completed or transferred).
//  - occupancy (agent, and over all agents): time busy with calls (reserved,
//    ringing, talking, held, wrap-up) ÷ (busy + ready time); not-ready and
//    logged-out time count in neither.
// A call's events count in the period in which they happen (an answer in the
// period of the answer); agent state time is split across period boundaries.
// A transferred call answered again (connect with `transferred`) is handled
// again but is not a second answer of the queue.
import type { AgentState, QueueEvent } from './types.ts';

export interface QueueCounts {
  entered: number;
  refused: number;
  answered: number;
  answeredWithin: number;
  waitedAnswered: number;
  waitSumMs: number;
  abandoned: number;
  abandonedWithin: number;
  overflowed: number;
  transfers: number;
  handled: number;
  talkMs: number;
  holdMs: number;
  wrapMs: number;
}

export interface QueueFigures extends QueueCounts {
  serviceLevel: number | null;
  serviceLevel2: number | null;
  asaMs: number | null;
  pWait: number | null;
  abandonRate: number | null;
  ahtMs: number | null;
}

export interface AgentFigures {
  answered: number;
  handled: number;
  transfers: number;
  missed: number;
  talkMs: number;
  holdMs: number;
  wrapMs: number;
  readyMs: number;
  busyMs: number;
  notReadyMs: number;
  /** Not-ready time by reason code. */
  notReadyByReason: Record<string, number>;
  occupancy: number | null;
  ahtMs: number | null;
}

export interface PeriodFigures {
  /** Start of the period (ms), or the range's start when not split. */
  start: number;
  queues: Record<string, QueueFigures>;
  agents: Record<string, AgentFigures>;
  /** Over every agent: busy ÷ (busy + ready). */
  occupancy: number | null;
}

export interface FigureOptions {
  serviceLevelMs: number;
  /** Split into periods of this length (e.g. 3,600,000 for hours); default: one period. */
  periodMs?: number;
  /** Added to times before cutting periods (+8 h: Beijing days). */
  periodOffsetMs?: number;
  /**
   * Periods of unequal length (calendar months, years): their starts in
   * ascending order, the last entry being the end of the last period. Takes
   * the place of periodMs/periodOffsetMs.
   */
  boundaries?: readonly number[];
  /** Only this range counts (agent state time is clipped to it). */
  from?: number;
  to?: number;
}

/** The counters of AgentFigures as they are summed (reasons in a Map: codes come from seats). */
type AgentRaw = Omit<AgentFigures, 'notReadyByReason' | 'occupancy' | 'ahtMs'> & { byReason: Map<string, number> };

interface Bucket {
  queues: Map<string, QueueCounts>;
  agents: Map<string, AgentRaw>;
}

const newCounts = (): QueueCounts => ({ entered: 0, refused: 0, answered: 0, answeredWithin: 0, waitedAnswered: 0, waitSumMs: 0, abandoned: 0, abandonedWithin: 0, overflowed: 0, transfers: 0, handled: 0, talkMs: 0, holdMs: 0, wrapMs: 0 });
const newAgent = (): AgentRaw => ({ answered: 0, handled: 0, transfers: 0, missed: 0, talkMs: 0, holdMs: 0, wrapMs: 0, readyMs: 0, busyMs: 0, notReadyMs: 0, byReason: new Map() });
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export class FigureAccumulator {
  private readonly buckets = new Map<number, Bucket>();
  private readonly state = new Map<string, { state: AgentState; since: number; reason?: string }>();
  private readonly sl: number;
  private readonly period: number;
  private readonly offset: number;
  private readonly from: number;
  private readonly to: number;
  private readonly bounds: readonly number[] | null;

  constructor(opts: FigureOptions) {
    this.sl = opts.serviceLevelMs;
    this.period = opts.periodMs ?? 0;
    this.offset = opts.periodOffsetMs ?? 0;
    this.from = opts.from ?? -Infinity;
    this.to = opts.to ?? Infinity;
    this.bounds = opts.boundaries && opts.boundaries.length >= 2 ? opts.boundaries : null;
  }

  /** Index of the last boundary ≤ ms (0 before the first). */
  private boundIndex(ms: number): number {
    const b = this.bounds!;
    let lo = 0;
    let hi = b.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private endOf(ms: number): number {
    if (this.bounds) return this.bounds[this.boundIndex(ms) + 1];
    return this.period > 0 ? this.startOf(ms) + this.period : Infinity;
  }

  private startOf(ms: number): number {
    if (this.bounds) return this.bounds[this.boundIndex(ms)];
    if (this.period <= 0) return Number.isFinite(this.from) ? this.from : 0;
    return Math.floor((ms + this.offset) / this.period) * this.period - this.offset;
  }

  private bucket(ms: number): Bucket {
    const k = this.startOf(ms);
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = { queues: new Map(), agents: new Map() }));
    return b;
  }

  private q(b: Bucket, id: string): QueueCounts {
    let c = b.queues.get(id);
    if (!c) b.queues.set(id, (c = newCounts()));
    return c;
  }

  private a(b: Bucket, id: string): AgentRaw {
    let c = b.agents.get(id);
    if (!c) b.agents.set(id, (c = newAgent()));
    return c;
  }

  /** Agent state time from..to, clipped to the range and split by period. */
  private stateTime(agentId: string, st: AgentState, reason: string | undefined, t0: number, t1: number): void {
    if (st === 'loggedOut') return;
    let s = Math.max(t0, this.from);
    const e = Math.min(t1, this.to);
    while (s < e) {
      const end = Math.min(e, this.endOf(s));
      const r = this.a(this.bucket(s), agentId);
      const d = end - s;
      if (st === 'ready') r.readyMs += d;
      else if (st === 'notReady') {
        r.notReadyMs += d;
        const k = reason ?? '';
        r.byReason.set(k, (r.byReason.get(k) ?? 0) + d);
      } else r.busyMs += d;
      s = end;
    }
  }

  add(ev: QueueEvent): void {
    if (ev.type === 'agent-state') {
      const prev = this.state.get(ev.agentId);
      if (prev) this.stateTime(ev.agentId, prev.state, prev.reason, prev.since, ev.at);
      this.state.set(ev.agentId, { state: ev.to, since: ev.at, reason: ev.reason });
      return;
    }
    if (ev.at < this.from || ev.at >= this.to) return;
    const b = this.bucket(ev.at);
    switch (ev.type) {
      case 'enter':
        this.q(b, ev.queue).entered++;
        break;
      case 'refuse':
        this.q(b, ev.queue).refused++;
        break;
      case 'connect': {
        const a = this.a(b, ev.agentId);
        a.answered++;
        if (ev.transferred) break;
        const q = this.q(b, ev.queue);
        q.answered++;
        q.waitSumMs += ev.waitMs;
        if (ev.waitMs > 0) q.waitedAnswered++;
        if (ev.waitMs <= this.sl) q.answeredWithin++;
        break;
      }
      case 'abandon': {
        const q = this.q(b, ev.queue);
        q.abandoned++;
        if (ev.waitMs <= this.sl) q.abandonedWithin++;
        break;
      }
      case 'overflow':
        this.q(b, ev.queue).overflowed++;
        break;
      case 'ring-no-answer':
        this.a(b, ev.agentId).missed++;
        break;
      case 'complete':
      case 'transfer': {
        const q = this.q(b, ev.queue);
        const a = this.a(b, ev.agentId);
        q.handled++;
        a.handled++;
        q.talkMs += ev.talkMs;
        a.talkMs += ev.talkMs;
        q.holdMs += ev.holdMs;
        a.holdMs += ev.holdMs;
        if (ev.type === 'transfer') {
          q.transfers++;
          a.transfers++;
        }
        break;
      }
      case 'wrap-up':
        this.q(b, ev.queue).wrapMs += ev.wrapMs;
        this.a(b, ev.agentId).wrapMs += ev.wrapMs;
        break;
    }
  }

  /** The figures; agent states still open are counted up to `until` (default: the range's end). */
  result(until?: number): PeriodFigures[] {
    const end = until ?? this.to;
    if (Number.isFinite(end)) for (const [id, s] of this.state) this.stateTime(id, s.state, s.reason, s.since, end);
    this.state.clear();
    const out: PeriodFigures[] = [];
    for (const start of [...this.buckets.keys()].sort((x, y) => x - y)) {
      const b = this.buckets.get(start)!;
      const queues: Record<string, QueueFigures> = {};
      for (const [id, c] of b.queues) {
        queues[id] = {
          ...c,
          serviceLevel: ratio(c.answeredWithin, c.answered),
          serviceLevel2: ratio(c.answeredWithin + c.abandonedWithin, c.answered + c.abandoned),
          asaMs: ratio(c.waitSumMs, c.answered),
          pWait: ratio(c.waitedAnswered, c.answered),
          abandonRate: ratio(c.abandoned, c.entered),
          ahtMs: ratio(c.talkMs + c.holdMs + c.wrapMs, c.handled),
        };
      }
      const agents: Record<string, AgentFigures> = {};
      let busy = 0;
      let ready = 0;
      for (const [id, r] of b.agents) {
        busy += r.busyMs;
        ready += r.readyMs;
        const { byReason, ...rest } = r;
        agents[id] = { ...rest, notReadyByReason: Object.fromEntries(byReason), occupancy: ratio(r.busyMs, r.busyMs + r.readyMs), ahtMs: ratio(r.talkMs + r.holdMs + r.wrapMs, r.handled) };
      }
      out.push({ start, queues, agents, occupancy: ratio(busy, busy + ready) });
    }
    return out;
  }
}

/** Figures over a stream of events (e.g. LmdbQueueLog.events()). Agent state
 * time needs the events before the range too: pass the log from its start and
 * set `from`/`to` in the options. */
export function figures(events: Iterable<QueueEvent>, opts: FigureOptions): PeriodFigures[] {
  const acc = new FigureAccumulator(opts);
  for (const ev of events) {
    if (ev.at >= (opts.to ?? Infinity)) break;
    acc.add(ev);
  }
  return acc.result();
}
