// Speech layer: text to speech at the line rate, and the sample-rate
// converter and level helpers it uses (also used for test signals).
export { LINE_RATE, speak, speakAlaw, speakFloat, ttsAvailable } from './speech.ts';
export type { SpeakOptions } from './speech.ts';
export { resample } from './resample.ts';
export { normalizePeak, padSilence, toAlaw, toPcm16, tone, trimSilence } from './pcm.ts';
export { TtsErrors, ttsError } from './errors.ts';
export type { TtsErrorCode } from './errors.ts';
