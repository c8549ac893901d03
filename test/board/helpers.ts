// Shared helpers of the board tests: call set-up through the public API, a
// small WAV reader (independent of the native one, so it checks the files the
// recorder writes), and signal measures (Goertzel power, correlation).
import { readFileSync } from 'node:fs';
import type { Board, Channel } from '../../src/board/types.ts';

/** Network-side channel i calls engine-side channel i; the engine answers. */
export async function connect(board: Board, indexes: number[]): Promise<Array<[Channel, Channel]>> {
  const net = board.network!;
  const pairs = indexes.map((i) => [board.channel(i), net.channel(i)] as [Channel, Channel]);
  const calls = pairs.map(([, n]) => n.call({ timeoutMs: 5000 }));
  await board.advance(40);
  for (const [e] of pairs) {
    if (e.state !== 'ringing') throw new Error(`${e.name} is ${e.state}, expected ringing after the far end seized it`);
    await e.answer();
  }
  await board.advance(40);
  const results = await Promise.all(calls);
  for (const r of results) if (r.reason !== 'done') throw new Error(`call ended with ${r.reason}`);
  return pairs;
}

export interface Wav {
  format: number;
  channels: number;
  rate: number;
  /** Samples decoded to linear, interleaved when stereo. */
  samples: Int16Array;
}

function alawDecode(a: number): number {
  a ^= 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}
function ulawDecode(u: number): number {
  u = ~u & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/**
 * Reads a RIFF/WAVE file strictly: sizes in the header must match the file.
 * `trailing`: audio written after the last header rewrite may follow (a file
 * cut by a crash); the header's sizes must still fit inside the file.
 */
export function readWav(file: string, trailing = false): Wav {
  const b = readFileSync(file);
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${file}: not RIFF/WAVE`);
  const riff = b.readUInt32LE(4);
  const fits = trailing ? riff + 8 <= b.length : riff + 8 === b.length || riff + 9 === b.length;
  if (!fits) throw new Error(`${file}: RIFF size ${riff} does not match file length ${b.length}`);
  let o = 12;
  let format = 0;
  let channels = 0;
  let rate = 0;
  while (o + 8 <= b.length) {
    const id = b.toString('latin1', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'fmt ') {
      format = b.readUInt16LE(o + 8);
      channels = b.readUInt16LE(o + 10);
      rate = b.readUInt32LE(o + 12);
    } else if (id === 'data') {
      if (o + 8 + size > b.length) throw new Error(`${file}: data chunk of ${size} bytes runs past the end`);
      const data = b.subarray(o + 8, o + 8 + size);
      let samples: Int16Array;
      if (format === 1) {
        samples = new Int16Array(size >> 1);
        for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(2 * i);
      } else if (format === 6 || format === 7) {
        samples = new Int16Array(size);
        for (let i = 0; i < size; i++) samples[i] = format === 6 ? alawDecode(data[i]) : ulawDecode(data[i]);
      } else throw new Error(`${file}: format ${format}`);
      return { format, channels, rate, samples };
    }
    o += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** One channel of an interleaved stereo buffer. */
export function channelOf(x: Int16Array, ch: number, channels: number): Int16Array {
  const out = new Int16Array(Math.floor(x.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = x[i * channels + ch];
  return out;
}

/** Level of frequency f (Hz) in x relative to a full-scale sine, in dB (Hann window, so
 *  neighbouring tones do not leak into the bin). */
export function tonePowerDb(x: Int16Array, f: number, from = 0, to = x.length): number {
  const w = (2 * Math.PI * f) / 8000;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  const n = to - from;
  for (let i = from; i < to; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i - from)) / (n - 1));
    const s = x[i] * win + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const p = s1 * s1 + s2 * s2 - c * s1 * s2;
  const amp = (4 * Math.sqrt(Math.max(p, 1e-9))) / n; // Hann window: coherent gain 0.5
  return 20 * Math.log10(amp / 32768);
}

/** A sine as 16-bit PCM. */
export function sine(f: number, ms: number, amp = 8000): Int16Array {
  const n = (ms * 8) | 0;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * f * i) / 8000));
  return out;
}

/** Best normalised cross-correlation of b against a over lags 0..maxLag (b delayed). */
export function bestCorrelation(a: Int16Array, b: Int16Array, maxLag: number): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  for (let lag = 0; lag <= maxLag; lag++) {
    const n = Math.min(a.length, b.length - lag);
    if (n <= 0) break;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i + lag];
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    const r = sab / Math.sqrt(saa * sbb || 1);
    if (r > best.r) best = { r, lag };
  }
  return best;
}
