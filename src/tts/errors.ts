// The speech layer's error catalog (text to speech for prompts and test signals).
import { defineErrors, type HotlineError } from '../errors.ts';

export const TTS_CATALOG = defineErrors('tts', {
  TTS_ARG: 'an argument of the speech synthesiser is out of range or of the wrong type',
  TTS_ENGINE_MISSING: 'the npm package espeak-ng (eSpeak NG in WebAssembly) is not installed: run npm install in the hotline folder',
  TTS_VOICE: 'espeak-ng does not know this voice: list them with npx espeak-ng --voices, e.g. cmn-latn-pinyin, en-us, en-gb+f2',
  TTS_SYNTH_FAILED: 'espeak-ng could not speak the text',
});

/** code → sentence. */
export const TtsErrors = TTS_CATALOG.sentences;

export type TtsErrorCode = keyof typeof TtsErrors;

export function ttsError(code: TtsErrorCode, detail?: string, details?: Record<string, unknown>): HotlineError {
  return TTS_CATALOG.error(code, detail, details);
}
