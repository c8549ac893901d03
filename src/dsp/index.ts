// The DSP layer's public surface.
export { detectTones } from './detect.ts';
export type { CallProgressTone, DetectInput, DetectOptions, ToneEvent } from './detect.ts';
export { buildWav, encodeSamples, parseWav, readWavFile, readWavSamples, rmsDbfs, wavSamples } from './wav.ts';
export type { Encoding, ParseOptions, Wav } from './wav.ts';
export { DspErrors, dspError } from './errors.ts';
export type { DspErrorCode } from './errors.ts';
