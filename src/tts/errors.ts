// Catalog of the speech layer's error codes (text to speech for prompts and
// test signals), in the shape of the other layers' catalogs.
import { HotlineError } from '../errors.ts';

export const TtsErrors = {
  TTS_ARG: 'an argument of the speech synthesiser is out of range or of the wrong type',
  TTS_ENGINE_MISSING: 'the npm package espeak-ng (eSpeak NG in WebAssembly) is not installed: run npm install in the hotline folder',
  TTS_VOICE: 'espeak-ng does not know this voice: list them with npx espeak-ng --voices, e.g. cmn-latn-pinyin, en-us, en-gb+f2',
  TTS_SYNTH_FAILED: 'espeak-ng could not speak the text',
} as const;

export type TtsErrorCode = keyof typeof TtsErrors;

export function ttsError(code: TtsErrorCode, detail?: string, details?: Record<string, unknown>): HotlineError {
  return new HotlineError(code, detail ? `${TtsErrors[code]}: ${detail}` : TtsErrors[code], details);
}
