// `npm run bench -- r2 [--json] [--spans N] [--calls N] [--hold-ms MS]`
// China No.1 (MFC R2, China variant) call setup on N simulated E1 spans (30
// circuits each, default 64), both ends ours, cabled back to back through
// the real MF R2 sender and receiver over an A-law line (-6 dB, noise at
// -55 dBm0, mild twist, 0.1 % of ticks with a CAS bit error): calls placed
// half from each end, each answered at once and cleared hold-ms later.
// Measured in native code (native/addon/r2_bench.cc): calls, failed_calls,
// stuck_channels, setup p50/p99 (the caller's seizure -> KB "free", line
// time), calls_per_s (answered calls per second of line time), and the cost
// of a channel in register signalling (wall time of its 10 ms step).
// --openr2 N: also N calls each way against libopenr2 (CN variant) over the
// userspace DAHDI of issue 13 (bench/_r2_openr2.ts; real time: libopenr2
// times on the wall clock) -> openr2_calls / openr2_failed_calls /
// openr2_stuck_channels / openr2_ani_as_sent (our calls on which libopenr2
// reported the calling number we sent); null with openr2_note saying why
// when it cannot run.
import { addon } from '../src/addon.ts';
import { defineCommand, flag, int, option, refuse } from '../src/cli/args.ts';
import { openr2Prepare, openr2Run } from './_r2_openr2.ts';
import { cliError } from '../src/cli/errors.ts';

export const summary = 'China No.1: call setup time and calls/s on 64 simulated E1 spans, CPU per channel in register signalling';

interface R2BenchResult {
  spans: number;
  circuits: number;
  calls: number;
  answered_calls: number;
  failed_calls: number;
  stuck_channels: number;
  setup_p50_ms: number;
  setup_p99_ms: number;
  setup_max_ms: number;
  line_seconds: number;
  calls_per_s: number;
  cpu_seconds: number;
  wall_seconds: number;
  realtime_factor: number;
  register_step_us: number;
  register_cpu_percent_per_channel: number;
  register_channels_per_core: number;
  failure_causes: Record<string, number>;
  hold_ms: number;
  noise_dbm0: number;
}

interface R2BenchAddon {
  r2Bench(opts: { spans: number; calls: number; holdMs: number }): R2BenchResult;
}

export const command = defineCommand({
  name: 'hotline bench r2',
  summary,
  options: {
    json: flag('print one JSON object'),
    spans: option(int({ min: 1, max: 128 }), 'E1 spans of 30 circuits, both ends ours', { valueName: 'N', default: 64 }),
    calls: option(int({ min: 2, max: 1_000_000 }), 'calls to place, half from each end', { valueName: 'N', default: 10_000 }),
    'hold-ms': option(int({ min: 0, max: 60_000 }), 'how long each answered call lasts', { valueName: 'MS', default: 500 }),
    openr2: option(int({ min: 0, max: 100_000 }), 'calls each way against libopenr2 over the userspace DAHDI (real time); 0 = not run', { valueName: 'N', default: 0 }),
  },
  run: ({ values }) => run(values),
});

async function interop(
  perWay: number,
): Promise<{ openr2_calls: number | null; openr2_failed_calls: number | null; openr2_stuck_channels?: number; openr2_glare_circuits?: number; openr2_ani_as_sent?: number; openr2_note?: string }> {
  if (perWay === 0) return { openr2_calls: null, openr2_failed_calls: null, openr2_note: 'not run (--openr2 N runs N calls each way against libopenr2)' };
  const prep = await openr2Prepare();
  if ('missing' in prep) return { openr2_calls: null, openr2_failed_calls: null, openr2_note: prep.missing };
  const r = openr2Run(prep.lib, perWay);
  return {
    openr2_calls: r.openr2_calls,
    openr2_failed_calls: r.openr2_failed_calls,
    openr2_stuck_channels: r.stuck_channels,
    openr2_glare_circuits: r.glare.circuits,
    // our calls on which libopenr2 reported the calling number we sent
    openr2_ani_as_sent: r.ours_to_openr2.ani_as_sent,
  };
}

async function run(o: { json: boolean; spans: number; calls: number; 'hold-ms': number; openr2: number }): Promise<number> {
  const native = addon as unknown as Partial<R2BenchAddon>;
  if (typeof native.r2Bench !== 'function') return refuse('hotline bench r2', cliError('CLI_BENCH_NOT_BUILT', 'the addon has no r2Bench; run `npm run build` first'));
  const r = native.r2Bench({ spans: o.spans, calls: o.calls, holdMs: o['hold-ms'] });
  const out = { ...r, ...(await interop(o.openr2)) };
  if (o.json) {
    process.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  }
  const f = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d });
  const causes = Object.entries(r.failure_causes).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `China No.1 benchmark: ${r.spans} spans (${r.circuits} circuits), both ends ours, MF R2 as A-law audio, noise ${r.noise_dbm0} dBm0`,
    `  calls ${f(r.calls)}: answered ${f(r.answered_calls)}, failed ${f(r.failed_calls)}${causes ? ` (${causes})` : ''}, stuck channels ${r.stuck_channels}`,
    `  setup (seize -> KB free): p50 ${f(r.setup_p50_ms)} ms, p99 ${f(r.setup_p99_ms)} ms, max ${f(r.setup_max_ms)} ms`,
    `  ${f(r.calls_per_s, 1)} calls/s over ${f(r.line_seconds, 1)} s of line time (calls held ${r.hold_ms} ms)`,
    `  CPU ${f(r.cpu_seconds, 2)} s for ${f(r.line_seconds, 1)} s of line time (x${f(r.realtime_factor, 2)} real time on one core)`,
    `  a channel in register signalling: ${f(r.register_step_us, 2)} us per 10 ms step (${f(r.register_cpu_percent_per_channel, 3)} % of a core; ${f(r.register_channels_per_core)} channels/core)`,
    out.openr2_calls === null
      ? `  libopenr2 interop: ${out.openr2_note}`
      : `  libopenr2 interop: ${out.openr2_calls} calls, ${out.openr2_failed_calls} failed, ${out.openr2_stuck_channels} stuck channels`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
