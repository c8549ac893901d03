// Test signal builder: tones placed at exact sample times in a 16-bit
// buffer, levels in dBm0 (0 dBm0 = sine of peak 22812.8, as native/dsp).
export const FS = 8000;
const PEAK0 = 22812.8;

export class Signal {
  readonly acc: Float64Array;
  constructor(readonly seconds: number) {
    this.acc = new Float64Array(Math.round(seconds * FS));
  }
  /** Sum of sines (Hz) at dbm0 each, from t0 for dur seconds. */
  tone(freqs: number[], dbm0: number, t0: number, dur: number): this {
    const a = PEAK0 * 10 ** (dbm0 / 20);
    const from = Math.round(t0 * FS), to = Math.min(this.acc.length, from + Math.round(dur * FS));
    for (const f of freqs) for (let i = from; i < to; i++) this.acc[i] += a * Math.sin((2 * Math.PI * f * (i - from)) / FS);
    return this;
  }
  /** on/off cadence of one frequency, `cycles` on periods. */
  cadence(f: number, dbm0: number, t0: number, on: number, off: number, cycles: number): this {
    for (let c = 0; c < cycles; c++) this.tone([f], dbm0, t0 + c * (on + off), on);
    return this;
  }
  /** Deterministic white noise at a total level in dBm0. */
  noise(dbm0: number, seed = 1): this {
    const rms = (PEAK0 / Math.SQRT2) * 10 ** (dbm0 / 20);
    let s = seed >>> 0;
    const u = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return ((s >>> 8) + 0.5) / 16777216;
    };
    for (let i = 0; i < this.acc.length; i++) this.acc[i] += rms * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    return this;
  }
  pcm(): Int16Array {
    const out = new Int16Array(this.acc.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(this.acc[i])));
    return out;
  }
}

export const DTMF: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};
const R2_FWD = [1380, 1500, 1620, 1740, 1860, 1980];
const R2_BWD = [1140, 1020, 900, 780, 660, 540];
const R2_PAIRS: [number, number][] = [
  [0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3], [0, 4], [1, 4], [2, 4], [3, 4], [0, 5], [1, 5], [2, 5], [3, 5], [4, 5],
];
export function r2Freqs(dir: 'forward' | 'backward', code: number): [number, number] {
  const f = dir === 'forward' ? R2_FWD : R2_BWD;
  const [a, b] = R2_PAIRS[code - 1];
  return [f[a], f[b]];
}
