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
// (server event → client received), memory per seat. offer_latency_p99_ms
// needs stations on the board (the call layer) and is printed as null.
import { loadavg } from 'node:os';
import { simulateErlangC, type Estimate } from '../src/acd/simulate.ts';
import { seatBench, type SeatBenchResult } from './_acd-seats.ts';
import { decimal, defineCommand, duration, flag, int, option } from '../src/cli/args.ts';

export const summary = 'ACD decision core vs Erlang C: P(wait), ASA, service level with 95 % CIs, decisions/s';

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
  },
  run: ({ values }) => run(values),
});

const errPct = (measured: number, theory: number): number => Number(((Math.abs(measured - theory) / theory) * 100).toFixed(3));
const r4 = (x: number): number => Number(x.toFixed(4));

async function run(o: { json: boolean; hours: number; warmup: number; batches: number; agents: number; occupancy: number; aht: number; sl: number; seed: number; seats: number; 'seat-duration': number; 'seat-speed': number }): Promise<number> {
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
    offer_latency_p99_ms: null,
    seats: seats?.seats ?? null,
    seat_event_p99_ms: seats?.seat_event_p99_ms ?? null,
    seat: seats,
    not_measured: `offer_latency_p99_ms needs stations on the board (the call layer)${seats ? '' : '; the seat half was skipped (--seats 0)'}`,
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
        `not measured here: ${out.not_measured}`,
        '',
      ].join('\n'),
    );
  }
  return out.lost_calls === 0 && (seats?.seat_events_lost ?? 0) === 0 ? 0 : 1;
}
