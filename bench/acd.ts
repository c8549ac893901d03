// `npm run bench -- acd [--json] [--hours N] [--warmup N] [--batches N] …`
// The ACD decision core against Erlang C: 30 agents, one queue, Poisson
// arrivals, exponential handle times (mean 180 s), offered load for 85 %
// occupancy, no ring time, wrap-up or abandonment (Erlang C has none), run in
// virtual time for 10,000 simulated hours after a discarded warm-up. Each
// measured figure carries its 95 % confidence interval from batch means.
// Printed beside Erlang C's value for the same load, with the absolute
// relative error; lost_calls (entered and neither connected, abandoned nor
// overflowed) must be 0. Then the seat half (bench/_acd-seats.ts): --seats
// sockets (agents and supervisors with live wallboards) on the real seat
// server during a busy-hour slice driven through the ACD: seat_event_p99_ms
// (server event → client received), memory per seat. Then the whole system
// (bench/_acd-system.ts): --system-hours of the same load through board,
// stations, audio and call core in stepped time, measured from the engine's
// durable queue log; it must agree with the decision core within the 95 %
// interval of a measurement that short (exit 1 otherwise). Last,
// offer_latency_p99_ms in real time (bench/_acd-offer.ts): an agent becomes
// ready with a call waiting → his station rings.
import { loadavg } from 'node:os';
import { simulateErlangC, type Estimate } from '../src/acd/simulate.ts';
import { seatBench, type SeatBenchResult } from './_acd-seats.ts';
import { pairedCore, shortRunSpread, systemHour, type SystemResult } from './_acd-system.ts';
import { offerLatency, type OfferLatencyResult } from './_acd-offer.ts';
import { decimal, defineCommand, duration, flag, int, option } from '../src/cli/args.ts';

export const summary = 'ACD vs Erlang C (decision core, then the whole system in stepped time) with 95 % CIs, offer latency, seat sockets';

export const command = defineCommand({
  name: 'hotline bench acd',
  summary,
  options: {
    json: flag('print one JSON object'),
    hours: option(int({ min: 10, max: 1_000_000 }), 'simulated hours measured (after the warm-up)', { valueName: 'N', default: 10_000 }),
    warmup: option(int({ min: 1, max: 100_000 }), 'simulated hours run first and discarded', { valueName: 'N', default: 100 }),
    batches: option(int({ min: 5, max: 1000 }), 'batches for the batch-means confidence intervals', { valueName: 'N', default: 20 }),
    agents: option(int({ min: 1, max: 5000 }), 'agents in the queue', { valueName: 'N', default: 30 }),
    occupancy: option(decimal({ min: 0.05, max: 0.99 }), 'offered load as a fraction of the agents (Erlang C needs < 1)', { valueName: 'X', default: 0.85 }),
    aht: option(duration({ minMs: 1000, maxMs: 3_600_000 }), 'mean handle time', { valueName: 'DURATION', default: 180_000, defaultText: '180s' }),
    sl: option(duration({ minMs: 1000, maxMs: 3_600_000 }), 'service level threshold T (answered within T)', { valueName: 'DURATION', default: 20_000, defaultText: '20s' }),
    seed: option(int({ min: 0, max: 0xffffffff }), 'random seed (arrivals, handle times)', { valueName: 'N', default: 12315 }),
    seats: option(int({ min: 0, max: 5000 }), 'seat sockets in the seat half (0: skip it); a tenth of them supervisors with live wallboards', { valueName: 'N', default: 500 }),
    'seat-duration': option(duration({ minMs: 5000, maxMs: 3_600_000 }), 'wall time of the busy-hour slice the seats watch', { valueName: 'DURATION', default: 60_000, defaultText: '60s' }),
    'seat-speed': option(decimal({ min: 1, max: 3600 }), 'ACD clock speed-up in the seat half (1: real time, the busy hour as it comes)', { valueName: 'X', default: 1 }),
    'system-hours': option(decimal({ min: 0, max: 100 }), 'simulated hours of the load through the whole system (stepped; 0: skip)', { valueName: 'H', default: 1 }),
    'system-warmup': option(duration({ minMs: 0, maxMs: 36_000_000 }), 'simulated warm-up of the whole-system run, discarded', { valueName: 'DURATION', default: 600_000, defaultText: '10m' }),
    'system-batches': option(int({ min: 2, max: 1000 }), 'batches of the whole-system run (batch-means intervals, printed beside the replication ones)', { valueName: 'N', default: 6 }),
    replications: option(int({ min: 20, max: 100_000 }), 'decision-core runs as short as the whole-system run, for the spread of such a measurement', { valueName: 'N', default: 400 }),
    'offer-samples': option(int({ min: 0, max: 100_000 }), 'agent ready → station rings samples in real time (0: skip)', { valueName: 'N', default: 200 }),
  },
  run: ({ values }) => run(values),
});

const errPct = (measured: number, theory: number): number => Number(((Math.abs(measured - theory) / theory) * 100).toFixed(3));
const r4 = (x: number): number => Number(x.toFixed(4));
const HOUR = 3_600_000;

type Opts = { json: boolean; hours: number; warmup: number; batches: number; agents: number; occupancy: number; aht: number; sl: number; seed: number; seats: number; 'seat-duration': number; 'seat-speed': number; 'system-hours': number; 'system-warmup': number; 'system-batches': number; replications: number; 'offer-samples': number };

/**
 * The whole-system run beside the decision core's long run: each figure with
 * two 95 % intervals, the batch-means one of the run itself and the one from
 * the spread of equally short decision-core runs (1.96 σ); they agree when
 * the core's value lies within the latter (widened by the core's own interval).
 */
function systemFigures(o: Opts, core: { pWait: Estimate; asaMs: Estimate; serviceLevel: Estimate }, sys: SystemResult, progress: (l: string) => void) {
  progress(`acd bench: ${o.replications} decision-core runs of ${o['system-hours']} h (+${o['system-warmup'] / 60_000} min warm-up) for the spread of a measurement that short`);
  const spread = shortRunSpread({ agents: o.agents, occupancy: o.occupancy, ahtMs: o.aht, serviceLevelMs: o.sl, measureMs: o['system-hours'] * HOUR, warmupMs: o['system-warmup'], batches: o['system-batches'], seed: o.seed, replications: o.replications, longRun: { pWait: core.pWait.mean, asaMs: core.asaMs.mean, serviceLevel: core.serviceLevel.mean } });
  // Intervals are clipped to what the figure can be (a fraction, a wait ≥ 0).
  const twin = pairedCore({ agents: o.agents, occupancy: o.occupancy, ahtMs: o.aht, serviceLevelMs: o.sl, measureMs: o['system-hours'] * HOUR, warmupMs: o['system-warmup'], batches: o['system-batches'], seed: o.seed });
  const fig = (f: 'pWait' | 'asaMs' | 'serviceLevel', scale: number, max = Infinity) => {
    const m = sys[f].mean;
    const clip = (a: number, b: number) => [r4(Math.max(0, a) / scale), r4(Math.min(max, b) / scale)];
    const half = Math.hypot(1.96 * spread.sd[f], core[f].ci95);
    return {
      measured: r4(m / scale),
      ci95: clip(m - 1.96 * spread.sd[f], m + 1.96 * spread.sd[f]),
      ci95_batch_means: clip(m - sys[f].ci95, m + sys[f].ci95),
      batch_ci_coverage: r4(spread.batchCoverage[f]),
      decision_core: r4(core[f].mean / scale),
      paired_core: r4(twin[f] / scale),
      paired_error_pct: twin[f] > 0 ? errPct(m, twin[f]) : null,
      error_pct: errPct(m, core[f].mean),
      agrees: Math.abs(m - core[f].mean) <= half,
    };
  };
  const pwait = fig('pWait', 1, 1);
  const asa_s = fig('asaMs', 1000);
  const sl = fig('serviceLevel', 1, 1);
  return {
    hours: o['system-hours'],
    warmup_min: o['system-warmup'] / 60_000,
    calls: sys.entered,
    connected: sys.connected,
    lost_calls: sys.lost,
    blocked: sys.blocked,
    agents_set_not_ready: sys.agentsSetNotReady,
    mean_ring_ms: Number(sys.meanRingMs.toFixed(1)),
    mean_talk_s: Number((sys.meanTalkMs / 1000).toFixed(1)),
    occupancy: r4(sys.occupancy.mean),
    paired_core_occupancy: r4(twin.occupancy),
    pwait,
    asa_s,
    sl,
    agrees: pwait.agrees && asa_s.agrees && sl.agrees,
    replications: o.replications,
    simulated_s_per_wall_s: Number((sys.simulatedMs / sys.wallMs).toFixed(1)),
    wall_s: Number((sys.wallMs / 1000).toFixed(1)),
  };
}

async function run(o: Opts): Promise<number> {
  const progress = (l: string) => process.stderr.write(`${l}\n`);
  let lastLog = 0;
  const r = simulateErlangC({
    agents: o.agents,
    handleMs: o.aht,
    occupancy: o.occupancy,
    hours: o.hours,
    warmupHours: o.warmup,
    batches: o.batches,
    serviceLevelMs: o.sl,
    seed: o.seed,
    progress: (done, total) => {
      const now = Date.now();
      if (now - lastLog > 2000 || done === total) {
        lastLog = now;
        process.stderr.write(`acd bench: ${done} of ${total} simulated hours\n`);
      }
    },
  });
  let seats: SeatBenchResult | null = null;
  if (o.seats > 0) {
    const supervisors = Math.max(1, Math.round(o.seats / 10));
    process.stderr.write(`acd bench: seat half, ${o.seats - supervisors} agents + ${supervisors} supervisors, ${o['seat-duration'] / 1000} s at ${o['seat-speed']}× the busy hour\n`);
    seats = await seatBench({ agents: o.seats - supervisors, supervisors, durationMs: o['seat-duration'], speed: o['seat-speed'], occupancy: o.occupancy, ahtMs: o.aht, seed: o.seed, progress: (l) => process.stderr.write(`${l}\n`) });
  }
  let system: ReturnType<typeof systemFigures> | null = null;
  if (o['system-hours'] > 0) {
    progress(`acd bench: whole system, ${o['system-hours']} simulated h (+${o['system-warmup'] / 60_000} min warm-up), stepped`);
    const sys = await systemHour({ agents: o.agents, occupancy: o.occupancy, ahtMs: o.aht, serviceLevelMs: o.sl, measureMs: o['system-hours'] * HOUR, warmupMs: o['system-warmup'], batches: o['system-batches'], seed: o.seed, progress });
    system = systemFigures(o, r, sys, progress);
  }
  let offer: OfferLatencyResult | null = null;
  if (o['offer-samples'] > 0) {
    progress(`acd bench: offer latency, ${o['offer-samples']} samples in real time`);
    offer = await offerLatency({ samples: o['offer-samples'], agents: 4, seed: o.seed, progress });
  }
  const ci = (e: Estimate, scale = 1) => [r4((e.mean - e.ci95) / scale), r4((e.mean + e.ci95) / scale)];
  const out = {
    agents: o.agents,
    offered_erlangs: r.erlangs,
    aht_s: o.aht / 1000,
    service_level_s: o.sl / 1000,
    simulated_hours: o.hours,
    warmup_hours: o.warmup,
    batches: o.batches,
    calls: r.entered,
    measured: {
      pwait: r4(r.pWait.mean),
      pwait_ci95: ci(r.pWait),
      asa_s: r4(r.asaMs.mean / 1000),
      asa_ci95_s: ci(r.asaMs, 1000),
      sl: r4(r.serviceLevel.mean),
      sl_ci95: ci(r.serviceLevel),
      occupancy: r4(r.occupancy.mean),
      occupancy_ci95: ci(r.occupancy),
    },
    erlang_c: { pwait: r4(r.theory.pWait), asa_s: r4(r.theory.asaMs / 1000), sl: r4(r.theory.serviceLevel), occupancy: r.theory.occupancy },
    erlang_c_pwait_error_pct: errPct(r.pWait.mean, r.theory.pWait),
    erlang_c_asa_error_pct: errPct(r.asaMs.mean, r.theory.asaMs),
    erlang_c_sl_error_pct: errPct(r.serviceLevel.mean, r.theory.serviceLevel),
    // Calls taken through enter → offer → answer → end per wall-clock second (the simulation's own work included).
    acd_calls_per_s: Math.round(r.entered / (r.wallMs / 1000)),
    lost_calls: r.lost,
    offer_latency_p99_ms: offer?.offer_latency_p99_ms ?? null,
    offer: offer,
    system,
    seats: seats?.seats ?? null,
    seat_event_p99_ms: seats?.seat_event_p99_ms ?? null,
    seat: seats,
    not_measured: [seats ? '' : 'the seat half (--seats 0)', system ? '' : 'the whole-system run (--system-hours 0)', offer ? '' : 'offer latency (--offer-samples 0)'].filter(Boolean).join('; ') || null,
    wall_s: Number((r.wallMs / 1000).toFixed(1)),
    load_avg_1m: Number(loadavg()[0].toFixed(2)),
  };
  if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
  else {
    const m = out.measured;
    const row = (name: string, v: number, c: number[], t: number, e: number) => `${name.padEnd(18)} ${String(v).padStart(9)}  [${c[0]}, ${c[1]}]`.padEnd(52) + `${String(t).padStart(9)}  ${e.toFixed(2)} %`;
    process.stdout.write(
      [
        `ACD vs Erlang C: ${o.agents} agents, ${r.erlangs.toFixed(2)} erlangs, AHT ${o.aht / 1000} s, ${o.hours} h (+${o.warmup} h warm-up), ${r.entered} calls`,
        `${'figure'.padEnd(18)} ${'measured'.padStart(9)}  95 % CI`.padEnd(52) + `${'Erlang C'.padStart(9)}  error`,
        row('P(wait)', m.pwait, m.pwait_ci95, out.erlang_c.pwait, out.erlang_c_pwait_error_pct),
        row('ASA (s)', m.asa_s, m.asa_ci95_s, out.erlang_c.asa_s, out.erlang_c_asa_error_pct),
        row(`SL ≤ ${o.sl / 1000} s`, m.sl, m.sl_ci95, out.erlang_c.sl, out.erlang_c_sl_error_pct),
        row('occupancy', m.occupancy, m.occupancy_ci95, out.erlang_c.occupancy, errPct(m.occupancy, out.erlang_c.occupancy)),
        `lost calls ${out.lost_calls}; ${out.acd_calls_per_s} calls/s through the ACD; ${out.wall_s} s wall; load ${out.load_avg_1m}`,
        ...(seats
          ? [
              `seats ${seats.seats}: server event → client p50 ${seats.seat_event_p50_ms} ms, p99 ${seats.seat_event_p99_ms} ms (target < 20), max ${seats.seat_event_max_ms} ms over ${seats.seat_events} events, ${seats.seat_events_lost} lost`,
              `  p99 by event: ${Object.entries(seats.seat_event_p99_ms_by_event).map(([e, v]) => `${e} ${v.p99} ms (${v.events})`).join(', ')}`,
              `  memory per seat: heap ${seats.seat_heap_per_seat_kb} KiB, RSS ${seats.seat_rss_per_seat_kb} KiB; busy hour: ${seats.busy_hour_calls_in_progress_at_start} calls in progress, ${seats.busy_hour_calls_arrived} arrived (${seats.busy_hour_acd_calls_per_s}/s), ${seats.busy_hour_calls_ended} ended`,
            ]
          : []),
        ...(system
          ? [
              `whole system, ${system.hours} h stepped (+${system.warmup_min} min warm-up): ${system.calls} calls, ${system.lost_calls} lost, ${system.agents_set_not_ready} agents set not ready, ring ${system.mean_ring_ms} ms, talk ${system.mean_talk_s} s, occupancy ${system.occupancy}, ${system.simulated_s_per_wall_s}× real time`,
              `${'figure'.padEnd(18)} ${'system'.padStart(9)}  95 % CI (spread of ${system.replications} runs that short) · batch means (coverage)`.padEnd(52),
              ...(
                [
                  ['P(wait)', system.pwait],
                  ['ASA (s)', system.asa_s],
                  [`SL ≤ ${o.sl / 1000} s`, system.sl],
                ] as const
              ).map(
                ([name, f]) =>
                  `${name.padEnd(18)} ${String(f.measured).padStart(9)}  [${f.ci95[0]}, ${f.ci95[1]}] · [${f.ci95_batch_means[0]}, ${f.ci95_batch_means[1]}] (${(f.batch_ci_coverage * 100).toFixed(0)} %)  core ${f.decision_core}: ${f.agrees ? 'agrees' : 'DISAGREES'}; paired core ${f.paired_core}`,
              ),
            ]
          : []),
        ...(offer ? [`offer latency (agent ready → station rings, real time): p50 ${offer.offer_latency_p50_ms} ms, p99 ${offer.offer_latency_p99_ms} ms (target < 50), max ${offer.offer_latency_max_ms} ms over ${offer.offer_samples} samples`] : []),
        ...(out.not_measured ? [`skipped: ${out.not_measured}`] : []),
        '',
      ].join('\n'),
    );
  }
  const systemOk = !system || (system.agrees && system.lost_calls === 0 && system.agents_set_not_ready === 0);
  return out.lost_calls === 0 && (seats?.seat_events_lost ?? 0) === 0 && systemOk ? 0 : 1;
}
