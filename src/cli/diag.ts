// What `hotline diag` measures, on any board (sim or DAHDI): span alarms and
// counters, channel states with receive level and noise, a loopback test
// (a 1004 Hz tone out, the far end looping the line, the tone back: delay
// and level) and a digit test (DTMF or MF R2 sent and detected through the
// same loop). Every measure goes through the board's public API and the
// native detectors; nothing here touches samples in real time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Board, Channel, SpanCounters } from '../board/types.ts';
import { readWavSamples } from '../dsp/wav.ts';

/** 0 dBm0 as an RMS in 16-bit linear units (G.711: +3.14 dBm0 is full scale; native/board/codec.h). */
const DBM0_RMS = 16131;
const FLOOR_DBM0 = -99;

/** A span's alarms (names of those raised) and its counters. */
export type SpanReport = { span: number; name: string; alarms: string[] } & SpanCounters;

export function spanReport(board: Board): SpanReport[] {
  return board.spans.map((s, i) => {
    const st = s.status();
    return {
      span: i,
      name: s.name ?? `span ${i}`,
      alarms: (Object.keys(st.alarms) as Array<keyof typeof st.alarms>).filter((k) => st.alarms[k]),
      ...st.counters,
    };
  });
}

export interface ChannelReport {
  channel: string;
  state: string;
  role: string;
  /** The ABCD bits received (line signalling), e.g. '1001' idle. */
  rxAbcd: string;
  /** Mean power received over the window, dBm0 (-99: digital silence). */
  levelDbm0: number;
  /** Quietest 100 ms of the window, dBm0: the line's noise floor. */
  noiseDbm0: number;
}

export function dbm0(x: Int16Array, from = 0, to = x.length): number {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i] * x[i];
  const rms = Math.sqrt(e / Math.max(1, to - from));
  return rms <= 0 ? FLOOR_DBM0 : Math.max(FLOOR_DBM0, Number((20 * Math.log10(rms / DBM0_RMS)).toFixed(1)));
}

/** Lets board time pass: advance() on a stepped board, the wall clock in real time. */
export async function pass(board: Board, ms: number): Promise<void> {
  if (board.mode === 'stepped') await board.advance(ms);
  else await new Promise((r) => setTimeout(r, ms));
}

/**
 * Follows the ABCD bits every channel receives, from the board's first tick:
 * the engine reports each change ('cas' events) and starts from idle 1001.
 * Call right after openBoard, before anything awaits.
 */
export function followBits(board: Board): Map<number, number> {
  const bits = new Map<number, number>();
  board.events$.subscribe((e) => e.type === 'cas' && bits.set(e.channel, e.bits));
  return bits;
}

/**
 * Receive level and noise of channels in a call (recording what each
 * receives for `ms`); channels not in a call report their state only.
 */
export async function channelReport(board: Board, channels: ReadonlyArray<Channel>, ms: number, bits = new Map<number, number>()): Promise<ChannelReport[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-diag-'));
  try {
    const recs = channels.map((c, i) => (c.state === 'connected' ? c.record(join(dir, `${i}.wav`), { maxMs: ms }) : null));
    await pass(board, ms + 4 * board.tickMs);
    const out: ChannelReport[] = [];
    for (let i = 0; i < channels.length; i++) {
      const c = channels[i];
      let level = FLOOR_DBM0;
      let noise = FLOOR_DBM0;
      const r = recs[i] ? await recs[i] : null;
      if (r && r.reason !== 'error') {
        const x = readWavSamples(join(dir, `${i}.wav`)).samples;
        level = dbm0(x);
        noise = level;
        for (let at = 0; at + 800 <= x.length; at += 800) noise = Math.min(noise, dbm0(x, at, at + 800));
      }
      const abcd = (bits.get(c.index) ?? 0x9).toString(2).padStart(4, '0');
      out.push({ channel: c.name, state: c.state, role: c.role, rxAbcd: abcd, levelDbm0: level, noiseDbm0: noise });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoopbackResult {
  channel: string;
  sentDbm0: number;
  /** Level of the tone back, dBm0, and the loss over the loop (sent - received), dB. */
  receivedDbm0: number;
  lossDb: number;
  /** From the tone leaving to its return, ms (the tick and the line's buffers). */
  delayMs: number;
  ok: boolean;
}

/** A 1004 Hz test tone (ITU-T O.6 avoids 1000 Hz, a submultiple of 8 kHz) at `dbm0`. */
function testTone(ms: number, level: number): Int16Array {
  const n = Math.round(ms * 8);
  const amp = DBM0_RMS * Math.SQRT2 * 10 ** (level / 20);
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(amp * Math.sin((2 * Math.PI * 1004 * i) / 8000));
  return x;
}

/**
 * Tone out, tone back on `ch` (in a call whose far end loops the line):
 * records what it receives while it sends 500 ms of 1004 Hz at -10 dBm0.
 */
export async function loopbackTest(board: Board, ch: Channel, level = -10): Promise<LoopbackResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-diag-'));
  try {
    const file = join(dir, 'back.wav');
    const rec = ch.record(file, { maxMs: 1000 });
    const tone = ch.play({ encoding: 'pcm16', data: testTone(500, level) });
    await pass(board, 1000 + 4 * board.tickMs);
    await tone;
    await rec;
    const x = readWavSamples(file).samples;
    // The tone's start: the first 5 ms window 20 dB above the noise, within 10 dB of the tone.
    let start = -1;
    for (let at = 0; at + 40 <= x.length && start < 0; at += 8) if (dbm0(x, at, at + 40) > level - 20) start = at;
    // ...then its first sample above a tenth of the tone's peak (the window found it up to 5 ms early).
    const edge = DBM0_RMS * Math.SQRT2 * 10 ** (level / 20) * 0.1;
    while (start >= 0 && start < x.length && Math.abs(x[start]) < edge) start++;
    const received = start < 0 ? FLOOR_DBM0 : dbm0(x, start + 800, Math.min(x.length, start + 3200));
    const loss = Number((level - received).toFixed(1));
    return {
      channel: ch.name,
      sentDbm0: level,
      receivedDbm0: received,
      lossDb: loss,
      delayMs: start < 0 ? -1 : start / 8,
      ok: start >= 0 && Math.abs(loss) <= 3,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface DigitTestResult {
  channel: string;
  kind: 'dtmf' | 'mf';
  sent: string;
  detected: string;
  ok: boolean;
}

/** DTMF keys (or MF R2 forward codes 1-15) sent on `ch` and detected on their way back. */
export async function digitTest(board: Board, ch: Channel, kind: 'dtmf' | 'mf'): Promise<DigitTestResult> {
  if (kind === 'dtmf') {
    const sent = '0123456789*#ABCD';
    const keys = ch.getDigits({ max: sent.length, firstDigitTimeoutMs: 3000, interDigitTimeoutMs: 3000 });
    const send = ch.sendDigits(sent);
    await pass(board, sent.length * 200 + 1000);
    await send;
    const got = await keys;
    return { channel: ch.name, kind, sent, detected: got.digits, ok: got.digits === sent };
  }
  const codes = Array.from({ length: 15 }, (_, i) => i + 1);
  const heard: number[] = [];
  const sub = ch.events$.subscribe((e) => e.type === 'mf' && e.code > 0 && heard.push(e.code));
  ch.setDetectors({ mf: 'forward' });
  const send = ch.sendMf(codes, { direction: 'forward' });
  await pass(board, codes.length * 300 + 500);
  await send;
  ch.setDetectors({ mf: false });
  sub.unsubscribe();
  const fmt = (c: number[]) => c.join(',');
  return { channel: ch.name, kind, sent: fmt(codes), detected: fmt(heard), ok: fmt(heard) === fmt(codes) };
}
