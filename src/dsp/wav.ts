// WAV files: parse (through the native parser, native/dsp/wav.c, which is
// fuzzed: the one WAV parser of the project, also the board's), read from
// disk, decode to linear samples, and build. Only 8 kHz A-law, mu-law or
// 16-bit PCM, mono or stereo.
import { readFileSync } from 'node:fs';
import { HotlineError } from '../errors.ts';
import { dspError, isDspErrorCode } from './errors.ts';
import { ENCODING, nativeDsp } from './native.ts';

export type Encoding = keyof typeof ENCODING;

/** WAV format tags (RIFF WAVE_FORMAT_*). */
const TAG: Record<Encoding, number> = { pcm16: 1, alaw: 6, ulaw: 7 };
const BY_TAG: Record<number, Encoding> = { 1: 'pcm16', 6: 'alaw', 7: 'ulaw' };

export interface Wav {
  encoding: Encoding;
  channels: 1 | 2;
  rate: 8000;
  frames: number;
  /** Duration in ms (frames at 8 kHz). */
  ms: number;
  /** The sample bytes (a view into the input, interleaved frames). */
  data: Uint8Array;
  /** The data chunk was shorter than declared (lenient parse only). */
  shortData: boolean;
}

export interface ParseOptions {
  /** Accept a data chunk cut short (crash between header rewrites). */
  lenient?: boolean;
}

/** Parses a WAV image; throws HotlineError with an HL_EWAV_* code and the
 * parser's reason (e.g. "sample rate is 16000 Hz; only 8000 Hz is supported"). */
export function parseWav(bytes: Uint8Array, opts: ParseOptions = {}): Wav {
  if (!(bytes instanceof Uint8Array)) throw dspError('DSP_ARG', 'parseWav needs a Buffer or Uint8Array');
  let info;
  try {
    info = nativeDsp().wavParse(bytes, opts.lenient === true);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (isDspErrorCode(code)) throw new HotlineError(code, (e as Error).message);
    throw e;
  }
  const encoding = BY_TAG[info.format];
  if (!encoding) throw dspError('HL_EWAV_CODEC', `format tag ${info.format}`);
  return {
    encoding,
    channels: info.channels as 1 | 2,
    rate: 8000,
    frames: info.frames,
    ms: info.frames / 8,
    data: bytes.subarray(info.dataOffset, info.dataOffset + info.dataBytes),
    shortData: info.shortData,
  };
}

/** A complete WAV file: header + sample bytes (PCM16 little-endian). */
export function buildWav(encoding: Encoding, channels: 1 | 2, data: Uint8Array): Buffer {
  if (!(encoding in TAG)) throw dspError('DSP_ENCODING', String(encoding));
  if (channels !== 1 && channels !== 2) throw dspError('DSP_ARG', `channels must be 1 or 2, not ${channels}`);
  const header = nativeDsp().wavHeader(TAG[encoding], channels, data.byteLength);
  return Buffer.concat([header, data]);
}

/** 16-bit linear samples -> bytes of the encoding. */
export function encodeSamples(samples: Int16Array, encoding: Encoding): Uint8Array {
  if (encoding === 'pcm16') {
    const out = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], i * 2);
    return out;
  }
  if (!(encoding in TAG)) throw dspError('DSP_ENCODING', String(encoding));
  return nativeDsp().g711Encode(samples, ENCODING[encoding]);
}

/**
 * Reads and parses a WAV file. Throws DSP_FILE_READ (cannot read) or the
 * parser's HL_EWAV_* code, the message naming the file and the field at fault.
 */
export function readWavFile(file: string, opts: ParseOptions = {}): Wav {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw dspError('DSP_FILE_READ', `${file}: ${(e as Error).message}`, { file });
  }
  try {
    return parseWav(bytes, opts);
  } catch (e) {
    const err = e as HotlineError;
    throw new HotlineError(err.code, `${file}: ${err.message}`, { file });
  }
}

/** 16-bit linear samples of one channel (0 = left/mono) of a parsed WAV. */
export function wavSamples(wav: Wav, channel = 0): Int16Array {
  const step = wav.channels;
  if (channel < 0 || channel >= step) throw dspError('DSP_ARG', `channel ${channel} of a ${step}-channel file`);
  const out = new Int16Array(wav.frames);
  const d = wav.data;
  if (wav.encoding === 'pcm16') {
    const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
    for (let i = 0; i < wav.frames; i++) out[i] = view.getInt16(2 * (i * step + channel), true);
    return out;
  }
  const bytes = step === 1 ? d.subarray(0, wav.frames) : Uint8Array.from({ length: wav.frames }, (_, i) => d[i * step + channel]);
  out.set(nativeDsp().g711Decode(bytes, ENCODING[wav.encoding]));
  return out;
}

/** A WAV file's parse and the linear samples of its first channel. */
export function readWavSamples(file: string, opts: ParseOptions = {}): { info: Wav; samples: Int16Array } {
  const info = readWavFile(file, opts);
  return { info, samples: wavSamples(info) };
}

/** Root-mean-square level in dBFS (0 dB = full-scale 16-bit square wave). */
export function rmsDbfs(s: Int16Array): number {
  if (s.length === 0) return -Infinity;
  let acc = 0;
  for (let i = 0; i < s.length; i++) acc += s[i] * s[i];
  return 10 * Math.log10(acc / s.length / (32768 * 32768));
}
