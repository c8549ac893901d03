// Catalog of the DSP layer's error codes. Codes of the WAV parser come from
// the native error table (HL_EWAV_*, native/include/hl_errors.def) and keep
// those names; the reason sentence is the parser's own (it names the field).
import { HotlineError } from '../errors.ts';

export const DspErrors = {
  DSP_ARG: 'an argument is out of range or of the wrong type',
  DSP_ENCODING: 'the sample encoding is not one of pcm16, alaw, ulaw',
  DSP_FILE_READ: 'the file cannot be read',
  DSP_INTERNAL: 'unexpected failure in the DSP layer (a bug: please report it with the file)',
  HL_EWAV_NOT_WAV: 'the data is not a RIFF/WAVE file',
  HL_EWAV_RATE: 'the WAV sample rate is not 8000 Hz',
  HL_EWAV_CHANNELS: 'the WAV file has a channel count other than 1 or 2',
  HL_EWAV_CODEC: 'the WAV audio format is not A-law, mu-law or 16-bit PCM',
  HL_EWAV_TRUNC: 'the WAV file ends before its header or a chunk says it should',
  HL_EWAV_CHUNK: 'a WAV chunk size or fmt field is inconsistent',
  HL_EWAV_NO_DATA: 'the WAV file has no fmt or no data chunk',
} as const;

export type DspErrorCode = keyof typeof DspErrors;

export function dspError(code: DspErrorCode, detail?: string, details?: Record<string, unknown>): HotlineError {
  return new HotlineError(code, detail ? `${DspErrors[code]}: ${detail}` : DspErrors[code], details);
}

export function isDspErrorCode(code: unknown): code is DspErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(DspErrors, code);
}
