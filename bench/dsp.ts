// `npm run bench -- dsp [--json] [--seconds S] [--channels N]`
// DSP figures measured in native code (native/addon/dsp_bench.cc), one run,
// side by side:
//  (a) rx path: A-law decode + DTMF + call progress + energy, channels/core;
//  (b) DTMF alone (A-law in), channels/core (and per SIMD kernel);
//  (c) SpanDSP's g711_decode + dtmf_rx on the same tape (dlopen'ed; null, and one
//      line saying so, when libspandsp.so.2 is absent or HL_SPANDSP_LIB names a
//      missing file) and our ratio to it (target >= 2.5);
//  (a), (b) and (c) run in ten alternating slices, so a busy machine slows
//  them alike;
//  (d) G.711 A-law block decode/encode, Msamples/s;
//  (e) the line echo canceller alone (64 ms tail), channels/core.
// S = CPU seconds per headline figure (default 1), N = channels simulated (default 240).
import { addon } from '../src/addon.ts';
import { decimal, defineCommand, flag, int, option, refuse } from '../src/cli/args.ts';
import { cliError } from '../src/cli/errors.ts';

export const summary = 'DSP: receive-path and DTMF channels per core vs SpanDSP, G.711 throughput';

interface DspBenchResult {
  channels_simulated: number;
  seconds_per_figure: number;
  isa: string;
  callprog_included: boolean;
  rx_channels_per_core: number;
  callprog_channels_per_core: number | null;
  energy_channels_per_core: number;
  dtmf_channels_per_core: number;
  dtmf_channels_per_core_by_isa: Record<string, number | null>;
  spandsp_channels_per_core: number | null;
  ratio_vs_spandsp: number | null;
  dtmf_ratio_vs_spandsp: number | null;
  g711_msamples_per_s: number;
  g711_decode_msamples_per_s: number;
  g711_encode_msamples_per_s: number;
  echo_canceller_channels_per_core: number;
  echo_canceller_channels_per_core_by_isa: Record<string, number | null>;
  echo_canceller_tail_ms: number;
  tape_keys: string;
  rx_digits_per_channel_pass: number;
  dtmf_digits_per_channel_pass: number;
  spandsp_digits_per_channel_pass: number | null;
}

interface DspBenchAddon {
  dspBench(opts: { seconds: number; channels: number }): DspBenchResult;
}

export const command = defineCommand({
  name: 'hotline bench dsp',
  summary,
  options: {
    json: flag('print one JSON object'),
    seconds: option(decimal({ min: 0.05, max: 600 }), 'CPU seconds per headline figure', { valueName: 'S', default: 1 }),
    channels: option(int({ min: 1, max: 100_000 }), 'channels simulated', { valueName: 'N', default: 240 }),
  },
  run: ({ values }) => run(values),
});

async function run({ json, seconds, channels }: { json: boolean; seconds: number; channels: number }): Promise<number> {
  const native = addon as unknown as Partial<DspBenchAddon>;
  if (typeof native.dspBench !== 'function') return refuse('hotline bench dsp', cliError('CLI_BENCH_NOT_BUILT', 'the addon has no dspBench; run `npm run build` first'));
  const r = native.dspBench({ seconds, channels });
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  const f = (v: number | null, d = 0) => (v === null ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: d }));
  const lines = [
    `DSP benchmark: ${r.channels_simulated} channels simulated, ${r.seconds_per_figure} CPU s per figure, kernel ${r.isa}`,
    `  (a) rx path (A-law + DTMF + ${r.callprog_included ? 'call progress + ' : '[no call progress yet] + '}energy): ${f(r.rx_channels_per_core)} channels/core`,
    `      parts alone (with the A-law decode): call progress ${f(r.callprog_channels_per_core)}, energy ${f(r.energy_channels_per_core)} channels/core`,
    `  (b) DTMF alone (A-law in):                          ${f(r.dtmf_channels_per_core)} channels/core` +
      `  [${Object.entries(r.dtmf_channels_per_core_by_isa).map(([k, v]) => `${k} ${f(v)}`).join(', ')}]`,
    ...(r.spandsp_channels_per_core === null
      ? [`  (c) SpanDSP absent (${process.env.HL_SPANDSP_LIB || 'libspandsp.so.2'} cannot be loaded; apt-get install libspandsp-dev): no side-by-side figures`]
      : [
          `  (c) SpanDSP g711_decode + dtmf_rx:                  ${f(r.spandsp_channels_per_core)} channels/core`,
          `      ratio rx path / SpanDSP: ${f(r.ratio_vs_spandsp, 2)} (target >= 2.5); DTMF alone / SpanDSP: ${f(r.dtmf_ratio_vs_spandsp, 2)}`,
        ]),
    `  (d) G.711 A-law: decode ${f(r.g711_decode_msamples_per_s, 1)} Msamples/s, encode ${f(r.g711_encode_msamples_per_s, 1)} Msamples/s`,
    `  (e) line echo canceller (${r.echo_canceller_tail_ms} ms tail):        ${f(r.echo_canceller_channels_per_core)} channels/core` +
      `  [${Object.entries(r.echo_canceller_channels_per_core_by_isa).map(([k, v]) => `${k} ${f(v)}`).join(', ')}]`,
    `  digits found per channel per tape pass (tape has ${r.tape_keys.length}): ours ${f(r.dtmf_digits_per_channel_pass, 2)}` +
      (r.spandsp_digits_per_channel_pass === null ? '' : `, SpanDSP ${f(r.spandsp_digits_per_channel_pass, 2)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
