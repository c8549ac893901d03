// Minimal WAV (RIFF) reading and writing for prompts and for the checks the
// tests make on what a caller heard. Formats: G.711 A-law (format tag 6),
// µ-law (7), and 16-bit linear PCM (1), mono, 8 kHz (ITU-T G.711 sampling).
import { readFileSync } from 'node:fs';
import { IvrError } from './errors.ts';

export interface WavInfo {
  format: 'alaw' | 'ulaw' | 'pcm16';
  rate: number;
  channels: number;
  /** Samples per channel. */
  samples: number;
  /** Duration in ms. */
  ms: number;
  /** Byte offset and length of the data chunk. */
  dataOffset: number;
  dataBytes: number;
}

export function parseWav(buf: Buffer, file = '(buffer)'): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new IvrError('IVR_PROMPT_BAD_WAV', `${file} is not a RIFF/WAVE file`, { file });
  }
  let off = 12;
  let fmt: { tag: number; channels: number; rate: number; bits: number } | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      fmt = { tag: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new IvrError('IVR_PROMPT_BAD_WAV', `${file}: data chunk before fmt chunk`, { file });
      const format = fmt.tag === 6 ? 'alaw' : fmt.tag === 7 ? 'ulaw' : fmt.tag === 1 && fmt.bits === 16 ? 'pcm16' : undefined;
      if (!format) throw new IvrError('IVR_PROMPT_BAD_WAV', `${file}: format tag ${fmt.tag}/${fmt.bits} bits is not A-law, µ-law or 16-bit PCM`, { file });
      // A writer that crashed may leave size 0 or too large: trust the file length.
      const dataBytes = Math.min(size === 0 ? buf.length - body : size, buf.length - body);
      const bytesPerSample = (format === 'pcm16' ? 2 : 1) * fmt.channels;
      const samples = Math.floor(dataBytes / bytesPerSample);
      return { format, rate: fmt.rate, channels: fmt.channels, samples, ms: (samples * 1000) / fmt.rate, dataOffset: body, dataBytes };
    }
    off = body + size + (size & 1);
  }
  throw new IvrError('IVR_PROMPT_BAD_WAV', `${file}: no data chunk`, { file });
}

/** G.711 A-law byte → linear sample (13-bit range scaled to 16 bits). */
function alawToLinear(a: number): number {
  a ^= 0x55;
  const sign = a & 0x80;
  const exp = (a >> 4) & 7;
  const mant = a & 0x0f;
  let v = exp === 0 ? (mant << 4) + 8 : ((mant << 4) + 0x108) << (exp - 1);
  return sign ? v : -v;
}

function ulawToLinear(u: number): number {
  u = ~u & 0xff;
  const sign = u & 0x80;
  const exp = (u >> 4) & 7;
  const mant = u & 0x0f;
  const v = (((mant << 3) + 0x84) << exp) - 0x84;
  return sign ? -v : v;
}

const ALAW = new Int16Array(256);
const ULAW = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  ALAW[i] = alawToLinear(i);
  ULAW[i] = ulawToLinear(i);
}

/** Linear 16-bit samples of the first channel of a WAV file. */
export function readWavSamples(file: string): { info: WavInfo; samples: Int16Array } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new IvrError('IVR_PROMPT_MISSING', `cannot read ${file}: ${(e as Error).message}`, { file });
  }
  const info = parseWav(buf, file);
  return { info, samples: decode(buf, info) };
}

export function decode(buf: Buffer, info: WavInfo): Int16Array {
  const out = new Int16Array(info.samples);
  const step = info.channels;
  if (info.format === 'pcm16') {
    for (let i = 0; i < info.samples; i++) out[i] = buf.readInt16LE(info.dataOffset + 2 * i * step);
  } else {
    const table = info.format === 'alaw' ? ALAW : ULAW;
    for (let i = 0; i < info.samples; i++) out[i] = table[buf[info.dataOffset + i * step]];
  }
  return out;
}

/** Writes mono 16-bit PCM WAV at `rate` Hz (used for test fixtures). */
export function encodePcm16Wav(samples: Int16Array, rate = 8000): Buffer {
  const data = samples.length * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i], 44 + 2 * i);
  return b;
}

/** Root-mean-square level in dBFS (0 dB = full-scale 16-bit square wave). */
export function rmsDbfs(s: Int16Array): number {
  if (s.length === 0) return -Infinity;
  let acc = 0;
  for (let i = 0; i < s.length; i++) acc += s[i] * s[i];
  return 10 * Math.log10(acc / s.length / (32768 * 32768));
}
