// The DSP layer's error catalog. Codes of the WAV parser come from the native
// error table (HL_EWAV_*, native/include/hl_errors.def) and keep those names;
// the reason sentence is the parser's own (it names the field).
import { defineErrors, type HotlineError } from '../errors.ts';
import { NATIVE_ERRORS } from '../addon.ts';

export const DSP_CATALOG = defineErrors('dsp', {
  DSP_ARG: 'an argument is out of range or of the wrong type',
  DSP_ENCODING: 'the sample encoding is not one of pcm16, alaw, ulaw',
  DSP_FILE_READ: 'the file cannot be read',
  DSP_FILE_EMPTY: 'the file is empty (0 bytes): it holds no WAV header and no audio; check that the recording finished',
  DSP_INTERNAL: 'unexpected failure in the DSP layer (a bug: please report it with the file)',
});

/** The native WAV parser's codes the DSP layer passes through. */
export type WavErrorCode = 'HL_EWAV_NOT_WAV' | 'HL_EWAV_RATE' | 'HL_EWAV_CHANNELS' | 'HL_EWAV_CODEC' | 'HL_EWAV_TRUNC' | 'HL_EWAV_CHUNK' | 'HL_EWAV_NO_DATA';

/** code → sentence, the layer's own rows. */
export const DspErrors = DSP_CATALOG.sentences;

export type DspErrorCode = keyof typeof DspErrors | WavErrorCode;

export function dspError(code: DspErrorCode, detail?: string, details?: Record<string, unknown>): HotlineError {
  return DSP_CATALOG.has(code) ? DSP_CATALOG.error(code, detail, details) : NATIVE_ERRORS.error(code, detail, details);
}

/** A code the DSP layer raises: its own or a native WAV parser code. */
export function isDspErrorCode(code: unknown): code is DspErrorCode {
  return DSP_CATALOG.has(code) || (typeof code === 'string' && code.startsWith('HL_EWAV_') && NATIVE_ERRORS.has(code));
}
