// GET /health and GET /metrics: what a load balancer, a systemd watchdog and
// Prometheus read. Health: the board's clock ticks and the data folder takes
// a synced write. Metrics: the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), names
// `hotline_<layer>_<what>_<unit>`, counters ending in `_total`, seconds and
// ratios as base units.
import type { Board } from '../board/types.ts';
import { AGENT_STATES } from '../acd/types.ts';
import type { SeatService } from './service.ts';

export type BoardLike = Pick<Board, 'mode' | 'stats' | 'spans'>;

/** A synced write to the data folder; resolves with its latency in ms, rejects when it fails. */
export type StoreProbe = () => Promise<number>;

/**
 * Watches the board's tick counter on the wall clock: in real time it must
 * move between two samples `everyMs` apart. A stepped board moves only when
 * the simulation advances it, so it is not judged.
 */
export class TickWatch {
  private last = -1;
  private lastMoved: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly board: BoardLike,
    private readonly everyMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastMoved = now();
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    let ticks = -1;
    try {
      ticks = this.board.stats().ticks;
    } catch {
      // A closed or failed board: the ticks stand still.
    }
    if (ticks >= 0 && ticks !== this.last) {
      this.last = ticks;
      this.lastMoved = this.now();
    }
  }

  /** true/false in real time; null on a stepped board. */
  ticking(): boolean | null {
    if (this.board.mode === 'stepped') return null;
    return this.now() - this.lastMoved <= 2.5 * this.everyMs;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface OpsSources {
  seats: SeatService;
  board: BoardLike;
  ticks: TickWatch;
  probe: StoreProbe;
  /** The engine's calls in progress by phase. */
  callPhases?: () => Record<string, number>;
  /** Set by health(): the last probe's latency (ms). */
  lastProbeMs?: number;
}

export interface Health {
  status: 'ok' | 'failing';
  board: { mode: 'stepped' | 'realtime'; ticking: boolean | null; ticks: number | null };
  store: { writable: boolean; writeMs?: number; error?: string };
}

export async function health(s: OpsSources): Promise<Health> {
  let ticks: number | null = null;
  try {
    ticks = s.board.stats().ticks;
  } catch {
    ticks = null;
  }
  const ticking = s.ticks.ticking();
  let store: Health['store'];
  try {
    const ms = await s.probe();
    s.lastProbeMs = ms;
    store = { writable: true, writeMs: Math.round(ms * 1000) / 1000 };
  } catch (e) {
    store = { writable: false, error: (e as Error).message };
  }
  const ok = ticking !== false && ticks !== null && store.writable;
  return { status: ok ? 'ok' : 'failing', board: { mode: s.board.mode, ticking, ticks }, store };
}

// ---- Prometheus text -------------------------------------------------------

type Labels = Record<string, string>;

class Exposition {
  private readonly out: string[] = [];
  family(name: string, type: 'gauge' | 'counter', help: string, samples: [Labels, number][]): void {
    this.out.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
      this.out.push(`${name}${l.length ? `{${l.join(',')}}` : ''} ${Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
    }
  }
  text(): string {
    return `${this.out.join('\n')}\n`;
  }
}

export function metrics(s: OpsSources): string {
  const e = new Exposition();
  const wb = s.seats.wallboard();
  const byState = new Map<string, number>(AGENT_STATES.map((st) => [st, 0]));
  for (const a of wb.agents) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
  e.family('hotline_acd_agents', 'gauge', 'Agents of the ACD roster by CSTA agent state.', [...byState].map(([state, n]) => [{ state }, n]));
  e.family('hotline_acd_queue_waiting_calls', 'gauge', 'Calls waiting or being offered in the queue.', wb.queues.map((q) => [{ queue: q.queue }, q.waiting]));
  e.family('hotline_acd_queue_longest_wait_seconds', 'gauge', 'Wait of the longest-waiting call in the queue.', wb.queues.map((q) => [{ queue: q.queue }, q.longestWaitMs / 1000]));
  e.family('hotline_acd_queue_agents_logged_in', 'gauge', 'Members of the queue logged in to the ACD.', wb.queues.map((q) => [{ queue: q.queue }, q.loggedIn]));
  e.family('hotline_acd_queue_answered_today', 'gauge', 'Calls of the queue answered today (bureau day), from the queue log.', wb.queues.map((q) => [{ queue: q.queue }, q.answeredToday]));
  e.family('hotline_acd_queue_abandoned_today', 'gauge', 'Calls of the queue abandoned today (bureau day), from the queue log.', wb.queues.map((q) => [{ queue: q.queue }, q.abandonedToday]));
  e.family('hotline_acd_queue_service_level_ratio', 'gauge', `Answered within ${wb.serviceLevelMs / 1000} s / answered, today (Asterisk SL); NaN before the first answer.`, wb.queues.map((q) => [{ queue: q.queue }, q.serviceLevelToday ?? NaN]));
  e.family('hotline_acd_queue_abandon_ratio', 'gauge', 'Abandoned / entered, today; NaN before the first call.', wb.queues.map((q) => [{ queue: q.queue }, q.abandonRateToday ?? NaN]));
  const st = s.seats.stats();
  const today = s.seats.todayFigures();
  e.family('hotline_acd_queue_asa_seconds', 'gauge', 'Average speed of answer of the queue today (bureau day), from the queue log; NaN before the first answer.', wb.queues.map((q) => [{ queue: q.queue }, seconds(today.queues.get(q.queue)?.asaMs)]));
  e.family('hotline_acd_queue_aht_seconds', 'gauge', 'Average handling time (talk + hold + wrap-up) of the queue\'s calls handled today; NaN before the first.', wb.queues.map((q) => [{ queue: q.queue }, seconds(today.queues.get(q.queue)?.ahtMs)]));
  e.family('hotline_acd_occupancy_ratio', 'gauge', 'Agents\' busy time / (busy + ready) today, over every agent; NaN before any.', [[{}, today.occupancy ?? NaN]]);
  const byCode = new Map<string, number>();
  for (const a of wb.recordingAlarms) byCode.set(a.code, (byCode.get(a.code) ?? 0) + 1);
  e.family('hotline_recording_alarms', 'gauge', 'Recordings stopped by a failure (disk full, I/O error) until they record again, by code.', [...byCode].map(([code, n]) => [{ code }, n]));
  if (s.callPhases) e.family('hotline_calls', 'gauge', 'Calls in progress by phase (ivr, queue, ringing, talking, held, consulting, conference, wrap-up, back-to-ivr).', Object.entries(s.callPhases()).map(([phase, n]) => [{ phase }, n]));
  e.family('hotline_seat_sockets', 'gauge', 'Seat sockets open.', [[{}, st.sockets]]);
  e.family('hotline_seat_sessions', 'gauge', 'Seat sessions live.', [[{}, st.sessions]]);
  try {
    const b = s.board.stats();
    e.family('hotline_board_ticks_total', 'counter', 'Board clock ticks run.', [[{}, b.ticks]]);
    e.family('hotline_board_tick_overruns_total', 'counter', 'Late ticks that lost audio (on a card: lost frames or slips after the tick; the sim: every late tick).', [[{}, b.overruns]]);
    e.family('hotline_board_late_ticks_total', 'counter', 'Ticks whose work ran over a period, audio lost or not (a card absorbs most).', [[{}, b.lateTicks]]);
    e.family('hotline_board_events_delivered_total', 'counter', 'Board events delivered to the engine.', [[{}, b.eventsDelivered]]);
    e.family('hotline_board_events_dropped_total', 'counter', 'Board events dropped because the event ring was full.', [[{}, b.eventsDropped]]);
    if (b.eventLatencyP99Ms !== null) e.family('hotline_board_event_latency_p99_seconds', 'gauge', '99th percentile of tick end to JS handler latency.', [[{}, b.eventLatencyP99Ms / 1000]]);
    const alarms: [Labels, number][] = [];
    const counters = { crc4Errors: 'crc4_errors', bipolarViolations: 'bipolar_violations', slips: 'slips', erroredSeconds: 'errored_seconds' } as const;
    const byCounter = new Map<string, [Labels, number][]>();
    for (const sp of s.board.spans) {
      const status = sp.status();
      const span = String(sp.index);
      for (const [alarm, on] of Object.entries(status.alarms)) alarms.push([{ span, alarm }, on ? 1 : 0]);
      for (const [k, name] of Object.entries(counters)) byCounter.set(name, [...(byCounter.get(name) ?? []), [{ span }, status.counters[k as keyof typeof counters]]]);
    }
    e.family('hotline_board_span_alarm', 'gauge', 'Span alarm raised (1) or clear (0).', alarms);
    for (const [name, samples] of byCounter) e.family(`hotline_board_span_${name}_total`, 'counter', `Span ${name.replace(/_/g, ' ')} counted by the framer.`, samples);
  } catch {
    // A closed board has no figures; /health says so.
  }
  if (s.lastProbeMs !== undefined) e.family('hotline_store_probe_write_seconds', 'gauge', 'Latency of the last synced health-probe write to the data folder.', [[{}, s.lastProbeMs / 1000]]);
  return e.text();
}

function seconds(ms: number | null | undefined): number {
  return ms === null || ms === undefined ? NaN : ms / 1000;
}
