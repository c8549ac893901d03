// `npm run bench -- recording [--json] [--quick] [--channels N] [--per-call M] [--seconds S] [--segment-seconds G] [--index-segments K]`
// Continuous recording in real time on the simulated E1 board (issue 11):
// N engine channels (default 1,920 = 64 E1 spans), each in a call whose far
// end speaks (a looped noise-like prompt), each in a rolling recording
// (stereo A-law, segments of G s, indexed when durable, src/recording/
// rolling.ts), and M of them (default 480) also in a per-call stereo
// recording (src/recording/call.ts): N + M taps fed by the tick, written by
// the board's writer thread. Reports the clock's overruns, the samples the
// writer dropped (target 0), MB/s written, CPU per channel, the tick cost,
// the periodic syncs' cost (duration p50/p99) and the lag of the durable
// point behind the line (p99/max: what a power cut could lose; target 1 s).
// Then the index alone: K simulated segments (default 10 M; 1 % per-call
// entries with a call id, caller number and agent) loaded in bulk, and the
// latency of searches by time window, agent, number and call (p50/p99).
// --quick: 120 channels, 30 per-call, 5 s, 100,000 segments (a smoke test).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openBoard } from '../src/board/index.ts';
import type { NativeBoard } from '../src/board/native.ts';
import type { Board, BoardProfile, Channel } from '../src/board/types.ts';
import { decimal, defineCommand, flag, int, option } from '../src/cli/args.ts';
import { openRecordingIndex } from '../src/recording/lmdb-index.ts';
import { startCallRecording, type CallRecording } from '../src/recording/call.ts';
import { startRolling } from '../src/recording/rolling.ts';
import type { RecordingEntry } from '../src/recording/types.ts';

export const summary = 'continuous recording in real time: taps, overruns, dropped samples, MB/s; index search p99 with millions of segments';

const nap = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await nap(20)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    // The writer renames NAME.part meanwhile: a name gone since the listing is skipped.
    const st = statSync(join(dir, String(f)), { throwIfNoEntry: false });
    if (st?.isFile()) n += st.size;
  }
  return n;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(3));
}

export interface RecordingBench {
  channels: number;
  per_call_recordings: number;
  seconds: number;
  overruns: number;
  /** Lost while measuring (the steady state). */
  dropped_samples: number;
  /** Lost over the whole run, the set-up (every file created at once) and the teardown included. */
  dropped_samples_total: number;
  mb_per_s: number;
  /** The periodic syncs (syncfs) in the steady state: how many, how long (p50/p99), and the longest lag of the durable point (the most a power cut could have lost; target ≤ 1,000 ms). Null on an addon without the figures. */
  syncs: number | null;
  sync_p50_ms: number | null;
  sync_p99_ms: number | null;
  sync_lag_p99_ms: number | null;
  sync_lag_max_ms: number | null;
  cpu_ms_per_channel_s: number;
  mean_tick_ms: number;
  max_tick_ms: number;
  segments_indexed_live: number;
  write_failures: number;
  indexed_segments: number;
  index_insert_per_s: number;
  index_search_p50_ms: number;
  index_search_p99_ms: number;
}

/** The live half: calls on every channel, rolling + per-call taps for `seconds`. */
async function live(channels: number, perCall: number, seconds: number, segmentMs: number, log: (s: string) => void) {
  const spans = Math.ceil(channels / 30);
  const profile: BoardProfile = { name: `bench-rec-${spans}xE1`, driver: 'sim', tickMs: 10, spans: Array.from({ length: spans }, () => ({ type: 'E1' as const })), network: { type: 'loop' } };
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-rec-'));
  let board: Board | null = null;
  const index = openRecordingIndex(dir);
  try {
    board = await openBoard(profile, { mode: 'realtime' });
    const eng = board.channels.slice(0, channels);
    const far = board.network!.channels.slice(0, channels);
    for (const c of far) c.setDetectors({ dtmf: false });
    const rolling = startRolling({ board, select: { channels: eng.map((c) => c.index) }, dataDir: dir, index, segmentMs, log });
    const placed = far.map((c) => c.call({ timeoutMs: 30000 }));
    await until('every line to ring', () => eng.every((c) => c.state === 'ringing'), 30000);
    for (const c of eng) await c.answer();
    if ((await Promise.all(placed)).some((r) => r.reason !== 'done')) throw new Error('a call was not answered');
    // The far ends speak: a 2 s noise-like prompt in a loop (A-law).
    const speech = new Uint8Array(16000);
    for (let i = 0, s = 7; i < speech.length; i++) speech[i] = ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) ^ 0x55;
    let talking = true;
    const talks = far.map(async (c: Channel) => {
      while (talking) if ((await c.play({ encoding: 'alaw', data: speech })).reason !== 'done') return;
    });
    const calls: CallRecording[] = eng.slice(0, perCall).map((c, i) => startCallRecording({ caller: c, callId: `BENCH-${i}`, dataDir: dir, index }));
    log(`${channels} calls up, ${channels} rolling + ${calls.length} per-call recordings; running ${seconds} s`);
    await nap(500);
    const native = (board as unknown as { engine: { native: NativeBoard } }).engine.native;
    const syncTimes = () => (typeof native.syncTimes === 'function' ? native.syncTimes() : null);
    syncTimes(); // the set-up's syncs are not the steady state
    const bytes0 = bytesUnder(join(dir, 'recordings'));
    const st0 = board.stats();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await nap(seconds * 1000);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const bytes = bytesUnder(join(dir, 'recordings')) - bytes0;
    const st = board.stats();
    const syncs = syncTimes();
    const nst = native.stats();
    talking = false;
    const ended = await Promise.all(calls.map((r) => r.stop()));
    await rolling.stop();
    for (const c of far) await c.hangup();
    await Promise.all(talks);
    const callDropped = ended.reduce((n, e) => n + (e?.gaps ?? []).filter((g) => g.reason === 'HL_EREC_DROPPED').reduce((m, g) => m + g.ms * 8, 0), 0);
    const rs = rolling.stats();
    return {
      overruns: st.overruns - st0.overruns,
      dropped_samples: st.recordingDroppedSamples - st0.recordingDroppedSamples,
      dropped_samples_total: rs.droppedSamples + callDropped,
      mb_per_s: Number((bytes / 1e6 / elapsed).toFixed(2)),
      syncs: syncs ? syncs.durationMs.length : null,
      sync_p50_ms: syncs ? pct([...syncs.durationMs], 50) : null,
      sync_p99_ms: syncs ? pct([...syncs.durationMs], 99) : null,
      sync_lag_p99_ms: syncs ? pct([...syncs.lagMs], 99) : null,
      sync_lag_max_ms: syncs ? Number(Math.max(0, ...syncs.lagMs).toFixed(1)) : null,
      cpu_ms_per_channel_s: Number(((cpu.user + cpu.system) / 1000 / channels / elapsed).toFixed(3)),
      mean_tick_ms: Number(nst.meanTickMs.toFixed(3)),
      max_tick_ms: Number(nst.maxTickMs.toFixed(3)),
      segments_indexed_live: rs.segments,
      write_failures: rs.failures + ended.filter((e) => !e).length,
    };
  } finally {
    await board?.close();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The index half: `n` simulated segments loaded in bulk, then searches. */
async function indexBench(n: number, log: (s: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-recidx-'));
  const index = openRecordingIndex(dir);
  try {
    const T0 = Date.UTC(2026, 0, 1);
    const SEG = 15 * 60_000;
    const lines = 1920;
    const entry = (i: number): RecordingEntry => {
      const ch = i % lines;
      const start = T0 + Math.floor(i / lines) * SEG;
      const call = i % 100 === 0;
      return {
        id: `recordings/${call ? 'calls' : 'segments'}/${Math.floor(i / lines)}/${ch}-${i}.wav`,
        files: [],
        kind: call ? 'call' : 'segment',
        channel: `${Math.floor(ch / 30)}:${(ch % 30) + 1}`,
        start,
        end: start + SEG,
        durationMs: SEG,
        bytes: SEG * 16,
        agents: call ? [`A${i % 500}`] : [],
        caseNumbers: [],
        gaps: [],
        ...(call ? { callId: `C${i}`, callerNumber: `138${String(i % 100_000_000).padStart(8, '0')}` } : {}),
      };
    };
    const t0 = performance.now();
    const BATCH = 20_000;
    for (let i = 0; i < n; i += BATCH) {
      const batch: RecordingEntry[] = [];
      for (let k = i; k < Math.min(n, i + BATCH); k++) batch.push({ ...entry(k), files: [] });
      for (const e of batch) e.files = [e.id];
      await index.putMany(batch);
      if (i % 1_000_000 === 0 && i) log(`index: ${i} segments loaded`);
    }
    const insertPerS = Math.round(n / ((performance.now() - t0) / 1000));
    const times: number[] = [];
    let rng = 12345;
    const pick = (m: number) => (rng = (rng * 1103515245 + 12345) >>> 0) % m;
    for (let q = 0; q < 400; q++) {
      const i = pick(n);
      const e = entry(i - (i % 100)); // a per-call entry
      const k = q % 4;
      const t = performance.now();
      const hits =
        k === 0 ? index.search({ from: e.start, to: e.start + SEG, limit: 100 }) : k === 1 ? index.search({ agent: e.agents[0], from: e.start - 86_400_000, to: e.start + 86_400_000 }) : k === 2 ? index.search({ number: e.callerNumber }) : index.search({ callId: e.callId });
      times.push(performance.now() - t);
      if (hits.length === 0) throw new Error(`search ${k} found nothing for ${e.id}`);
    }
    return { indexed_segments: index.count(), index_insert_per_s: insertPerS, index_search_p50_ms: pct(times, 50), index_search_p99_ms: pct(times, 99) };
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const command = defineCommand({
  name: 'hotline bench recording',
  summary,
  options: {
    json: flag('print one JSON object'),
    quick: flag('a smoke test: 120 channels, 30 per-call, 5 s, 100,000 index segments (other options override)'),
    channels: option(int({ min: 1, max: 1920 }), 'engine channels, each in a call and a rolling recording (default 1920)', { valueName: 'N' }),
    'per-call': option(int({ min: 0, max: 1920 }), 'of those, channels also in a per-call stereo recording (default 480)', { valueName: 'M' }),
    seconds: option(decimal({ min: 1, max: 3600 }), 'real-time seconds to record (default 60)', { valueName: 'S' }),
    'segment-seconds': option(decimal({ min: 1, max: 10800 }), 'rolling segment length (default 20, so a minute crosses segment boundaries)', { valueName: 'G' }),
    'index-segments': option(int({ min: 1000, max: 100_000_000 }), 'simulated segments in the index (default 10,000,000)', { valueName: 'K' }),
  },
  run: ({ values }) => run(values),
});

async function run(o: { json: boolean; quick: boolean; channels?: number; 'per-call'?: number; seconds?: number; 'segment-seconds'?: number; 'index-segments'?: number }): Promise<number> {
  const channels = o.channels ?? (o.quick ? 120 : 1920);
  const perCall = Math.min(channels, o['per-call'] ?? (o.quick ? 30 : 480));
  const seconds = o.seconds ?? (o.quick ? 5 : 60);
  const segmentMs = Math.round((o['segment-seconds'] ?? (o.quick ? 2 : 20)) * 1000);
  const k = o['index-segments'] ?? (o.quick ? 100_000 : 10_000_000);
  const log = o.json ? () => {} : (s: string) => process.stdout.write(`recording: ${s}\n`);
  const l = await live(channels, perCall, seconds, segmentMs, log);
  log(`live: ${JSON.stringify(l)}; loading the index`);
  const ix = await indexBench(k, log);
  const r: RecordingBench = { channels, per_call_recordings: perCall, seconds, ...l, ...ix };
  if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else
    process.stdout.write(
      `recording: ${channels} channels + ${perCall} per-call recordings for ${seconds} s: ${r.overruns} overruns, ${r.dropped_samples} samples dropped, ` +
        `${r.mb_per_s} MB/s, ${r.syncs ?? '?'} syncs (p50 ${r.sync_p50_ms} ms, p99 ${r.sync_p99_ms} ms, durable point behind by p99 ${r.sync_lag_p99_ms} ms, max ${r.sync_lag_max_ms} ms), ${r.cpu_ms_per_channel_s} ms CPU per channel-second, tick ${r.mean_tick_ms} ms mean / ${r.max_tick_ms} ms max, ` +
        `${r.segments_indexed_live} segments indexed; index of ${r.indexed_segments} segments: ${r.index_insert_per_s} inserts/s, search p50 ${r.index_search_p50_ms} ms, p99 ${r.index_search_p99_ms} ms\n`,
    );
  return 0;
}
