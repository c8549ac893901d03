// WAV files in memory: parse (through the native parser, which is fuzzed)
// and build. Only 8 kHz A-law, mu-law or 16-bit PCM, mono or stereo.
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
