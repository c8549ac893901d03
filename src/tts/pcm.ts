// Level and framing of synthesised audio before it goes on the line:
// float samples (full scale +-1) to 16-bit linear and G.711 A-law.
import { encodeSamples } from '../dsp/index.ts';

/** dBFS of a peak relative to full scale (1.0 = 0 dBFS). */
const dbToGain = (db: number): number => 10 ** (db / 20);

/** Scales so the largest sample sits at `peakDbfs` (e.g. -3). Silence stays silence. */
export function normalizePeak(x: Float32Array, peakDbfs: number): Float32Array {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  const out = new Float32Array(x.length);
  if (peak === 0) return out;
  const g = dbToGain(peakDbfs) / peak;
  for (let i = 0; i < x.length; i++) out[i] = x[i] * g;
  return out;
}

/**
 * Cuts lead-in and tail below `thresholdDbfs` (synthesisers pad both ends),
 * keeping `keepMs` of margin each side so onsets are not clipped.
 */
export function trimSilence(x: Float32Array, rate: number, thresholdDbfs = -45, keepMs = 20): Float32Array {
  const th = dbToGain(thresholdDbfs);
  let a = 0;
  while (a < x.length && Math.abs(x[a]) < th) a++;
  if (a === x.length) return new Float32Array(0);
  let b = x.length - 1;
  while (b > a && Math.abs(x[b]) < th) b--;
  const keep = Math.round((keepMs * rate) / 1000);
  return x.slice(Math.max(0, a - keep), Math.min(x.length, b + 1 + keep));
}

/** Appends `ms` of silence (prompts played back to back must not run together). */
export function padSilence(x: Float32Array, rate: number, ms: number): Float32Array {
  const out = new Float32Array(x.length + Math.round((ms * rate) / 1000));
  out.set(x);
  return out;
}

/** A sine tone at `peakDbfs`, e.g. the 1 000 Hz "record after the tone" beep. */
export function tone(hz: number, ms: number, rate: number, peakDbfs: number): Float32Array {
  const n = Math.round((ms * rate) / 1000);
  const a = dbToGain(peakDbfs);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

/** Float (+-1 full scale) to 16-bit linear, rounded and clipped. */
export function toPcm16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32767)));
  return out;
}

/** Float (+-1 full scale) to G.711 A-law bytes (the E1 line code). */
export function toAlaw(x: Float32Array): Uint8Array {
  return encodeSamples(toPcm16(x), 'alaw');
}
