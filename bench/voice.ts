// `npm run bench -- voice [--json] [--clicks N]`
// The browser phone's delay on loopback, on a real-time board (issue 12,
// "Agent audio in the browser"): the full engine (IVR, ACD, switchboard) on
// the simulated sim-mixed board, the seat server on 127.0.0.1, and a ws
// client that stands for the agent's page: logged in, browser phone on
// (voice-start, PCM16), ready; a simulated caller on the E1 dials, presses 0
// and is answered over the socket. Then clicks both ways, N each:
//   mouth → ear: a click in a frame the client sends (header time = when
//     "captured", i.e. sent) until its first sample arrives on the caller's
//     channel (the caller's audio stream, CLOCK_MONOTONIC of the tick);
//   ear ← mouth: a click written into the caller's channel until the client
//     receives the frame holding it.
// Both exclude the sound card (and in the page the playback worklet's jitter
// buffer, 40 ms target): the test in Chromium (test/web/voice.test.ts)
// prints the page's own figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { defineCommand, flag, int, option } from '../src/cli/args.ts';
import { openEngine } from '../src/calls/engine.ts';
import { SimCaller } from '../src/calls/sim-caller.ts';
import { openSeatHost } from '../src/seats/host.ts';
import { decodeVoiceFrame, encodeVoiceFrame, VOICE_FRAME_SAMPLES } from '../src/seats/voice-frame.ts';

export const summary = 'browser phone: mouth-to-ear delay over the seat socket and a virtual station, real-time board (p50/p95 both ways)';

export const command = defineCommand({
  name: 'hotline bench voice',
  summary,
  options: {
    json: flag('print one JSON object'),
    clicks: option(int({ min: 5, max: 2000 }), 'clicks each way', { valueName: 'N', default: 60 }),
  },
  run: ({ values }) => run(values),
});

const BOARD = new URL('../boards/sim-mixed.json', import.meta.url).pathname;
// Office hours on a Monday (the 12315 flow's opening hours).
const MONDAY_10AM = Date.parse('2026-03-16T10:00:00+08:00');
const nap = (ms: number) => new Promise((r) => setTimeout(r, ms));
const monoMs = () => Number(process.hrtime.bigint()) / 1e6;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN).toFixed(1));
}

/** Index of a click's first sample in a frame (|x| above 4000), or -1. */
function onset(pcm: Int16Array): number {
  for (let i = 0; i < pcm.length; i++) if (Math.abs(pcm[i]) > 4000) return i;
  return -1;
}

function click(): Int16Array {
  const f = new Int16Array(VOICE_FRAME_SAMPLES);
  for (let i = 0; i < 40; i++) f[i] = Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / 8000) + (i === 0 ? 12000 : 0));
  return f;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await nap(10)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

async function run(o: { json: boolean; clicks: number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-voice-'));
  const t0 = Date.now();
  const log = (s: string) => !o.json && process.stderr.write(`${s}\n`);
  const e = await openEngine({
    boardFile: BOARD,
    dataDir: join(dir, 'data'),
    mode: 'realtime',
    wallClock: () => MONDAY_10AM + (Date.now() - t0),
    acd: { agents: [{ id: '1001' }], queues: [{ id: 'agents', strategy: 'longest-idle', members: [{ agent: '1001' }] }] },
  });
  const sb = e.core.switchboard!;
  await e.store.putAgent({ id: '1001', name: 'bench', role: 'agent', password: 'bench-12315' });
  const host = await openSeatHost({
    host: '127.0.0.1', port: 0, board: e.board, store: e.store, now: () => e.core.now(), dataDir: e.dataDir, recordingIndex: e.recordings.index,
    engine: { acd: e.core.acd!, config: sb.acdConfig, queueLog: e.queueLog!, switchboard: sb, ops: e.core.ops!, outbound: e.core.outbound! },
  });
  const ws = new WebSocket(host.server.seatUrl);
  try {
    await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
    let n = 0;
    const replies = new Map<string, (m: { ok: boolean; code?: string; message?: string }) => void>();
    let offered = false;
    const send = (type: string, props: Record<string, unknown> = {}) =>
      new Promise<void>((res, rej) => {
        const id = String(++n);
        replies.set(id, (m) => (m.ok ? res() : rej(new Error(`${type}: ${m.code} ${m.message}`))));
        ws.send(JSON.stringify({ id, type, ...props }));
      });
    // The page: one frame out per frame in (its sound card's pace), a click every 25th.
    let seq = 0;
    let clickEvery = 0;
    const sentClicks: number[] = []; // Unix ms
    const earDelays: number[] = []; // caller → client
    let callerClickAt: number | null = null;
    let frames = 0;
    ws.on('message', (data, binary) => {
      if (!binary) {
        const m = JSON.parse(String(data)) as { type: string; id?: string; ok: boolean; event?: string };
        if (m.type === 'reply' && m.id) replies.get(m.id)?.(m);
        if (m.type === 'event' && m.event === 'offer') offered = true;
        return;
      }
      const now = Date.now();
      const f = decodeVoiceFrame(data as Buffer);
      if (typeof f === 'string') throw new Error(f);
      frames++;
      const k = onset(f.pcm);
      if (k >= 0 && callerClickAt !== null) {
        earDelays.push(now - callerClickAt);
        callerClickAt = null;
      }
      const out = clickEvery > 0 && seq % clickEvery === 0 ? click() : new Int16Array(VOICE_FRAME_SAMPLES);
      if (clickEvery > 0 && seq % clickEvery === 0) sentClicks.push(Date.now());
      ws.send(encodeVoiceFrame('pcm16', seq++, Date.now(), out));
    });
    await send('login', { agentId: '1001', password: 'bench-12315' });
    await send('voice-start', { codec: 'pcm16' });
    await send('acd-login', { ready: true });
    await until('frames from the virtual station', () => frames > 10, 10_000);
    const caller = new SimCaller(e.board.network!.channel(0, 1), { dir: join(dir, 'caller'), callerNumber: '13912345678', tap: false });
    log('voice bench: the caller dials the IVR and presses 0 …');
    if (!(await caller.dial())) throw new Error('the IVR did not answer');
    await caller.hear();
    await caller.press('0');
    await until('the offer', () => offered, 60_000);
    await send('answer');
    // The virtual station's send queue settles (a frame a second beyond the prefill) before measuring.
    await nap(8000);
    // The caller's channel: clicks out, the page's clicks in.
    const cs = caller.ch.stream();
    const offset = Date.now() - monoMs();
    const mouthDelays: number[] = [];
    let next = 0;
    cs.frames$.subscribe((f) => {
      const k = onset(f.pcm);
      if (k < 0 || next >= sentClicks.length) return;
      // The frame was complete at f.monoMs; sample k arrived (160 - k) / 8 ms before.
      mouthDelays.push(f.monoMs + offset - (VOICE_FRAME_SAMPLES - k) / 8 - sentClicks[next]);
      next = sentClicks.length;
    });
    clickEvery = 25;
    sentClicks.length = 0;
    log(`voice bench: ${o.clicks} clicks each way …`);
    while (mouthDelays.length < o.clicks || earDelays.length < o.clicks) {
      if (earDelays.length < o.clicks && callerClickAt === null) {
        callerClickAt = Date.now();
        cs.write(click());
      }
      await nap(233);
      if (Date.now() - t0 > 600_000) throw new Error('the clicks did not come back');
    }
    clickEvery = 0;
    const st = cs.stats();
    cs.close();
    const result = {
      clicks: o.clicks,
      mouth_to_ear_ms_p50: pct(mouthDelays, 0.5),
      mouth_to_ear_ms_p95: pct(mouthDelays, 0.95),
      ear_from_caller_ms_p50: pct(earDelays, 0.5),
      ear_from_caller_ms_p95: pct(earDelays, 0.95),
      caller_stream_underruns: st.underruns,
      board_overruns: e.board.stats().overruns,
    };
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(`browser phone delay on loopback (${o.clicks} clicks each way, real-time board, tick ${e.board.tickMs ?? 10} ms)\n`);
      process.stdout.write(`  page → caller (mouth to ear):  p50 ${result.mouth_to_ear_ms_p50} ms  p95 ${result.mouth_to_ear_ms_p95} ms\n`);
      process.stdout.write(`  caller → page:                 p50 ${result.ear_from_caller_ms_p50} ms  p95 ${result.ear_from_caller_ms_p95} ms\n`);
    }
    return 0;
  } finally {
    ws.close();
    await host.close();
    await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
