// Typed view of the addon's DSP part (native/addon/dsp.cc). Only this layer
// calls it; everything above uses detect.ts / wav.ts, which validate first.
import { addon } from '../addon.ts';

/** Sample encodings as numbered by dsp.cc. */
export const ENCODING = { pcm16: 0, alaw: 1, ulaw: 2 } as const;
/** Event kinds as numbered by dsp.cc. */
export const KIND = { dtmf: 1, mfForward: 2, mfBackward: 3, callProgress: 4 } as const;

/** One batch of events as parallel arrays (index i is one event). */
export interface NativeEventBatch {
  samples: number;
  kind: Uint8Array;
  code: Int32Array;
  channel: Uint8Array;
  start: Float64Array;
  end: Float64Array;
  level: Float32Array;
}

export interface NativeWavInfo {
  format: number;
  channels: number;
  rate: number;
  dataOffset: number;
  dataBytes: number;
  frames: number;
  shortData: boolean;
}

export interface NativeDsp {
  detect(bytes: Uint8Array, encoding: number, channels: number): NativeEventBatch;
  wavParse(bytes: Uint8Array, lenient: boolean): NativeWavInfo;
  wavHeader(format: number, channels: number, dataBytes: number): Buffer;
  g711Encode(samples: Int16Array, encoding: number): Buffer;
  g711Decode(bytes: Uint8Array, encoding: number): Int16Array;
}

export function nativeDsp(): NativeDsp {
  const dsp = (addon as unknown as { dsp?: NativeDsp }).dsp;
  if (!dsp) throw new Error('the native addon has no DSP part: rebuild it with `npm run build`');
  return dsp;
}
