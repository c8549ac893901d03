// Sample-rate conversion by a rational factor L/M with a polyphase
// Kaiser-windowed sinc low-pass (zero phase: no delay to compensate).
// Used to bring synthesiser output (espeak-ng 22 050 Hz, SoundFont renders)
// down to the 8 000 Hz of the E1 line. Decimating without the low-pass would
// fold everything above 4 kHz back into the voice band as aliases, which a
// tone detector then hears as energy that was never in the speech.
//
// Filter: pass band to 85 % of the lower Nyquist frequency (3 400 Hz when the
// output is 8 kHz, the top of the G.711/G.712 telephone band), stop band from
// the lower Nyquist frequency (4 000 Hz) on, attenuated >= 70 dB.
import { ttsError } from './errors.ts';

const STOP_DB = 70;
const PASS_FRACTION = 0.85;

interface Bank {
  up: number; // L
  down: number; // M
  half: number; // taps each side of the centre, per phase
  taps: Float32Array; // phase p, tap d at [p * 2*half + d]
}

const banks = new Map<string, Bank>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function bank(fromHz: number, toHz: number): Bank {
  const key = `${fromHz}/${toHz}`;
  const cached = banks.get(key);
  if (cached) return cached;
  const g = gcd(fromHz, toHz);
  const up = toHz / g;
  const down = fromHz / g;
  // Band edges in Hz, then normalised to the input rate.
  const nyquist = Math.min(fromHz, toHz) / 2;
  const pass = PASS_FRACTION * nyquist;
  const cutoff = (pass + nyquist) / 2 / fromHz; // cycles per input sample, -6 dB point
  const width = (2 * Math.PI * (nyquist - pass)) / fromHz; // transition, rad per input sample
  // Kaiser's design formulas (Oppenheim & Schafer, 7.6): length and beta for STOP_DB.
  const length = Math.ceil((STOP_DB - 8) / (2.285 * width)) + 1;
  const half = Math.ceil(length / 2);
  const beta = 0.1102 * (STOP_DB - 8.7);
  const i0beta = besselI0(beta);
  const taps = new Float32Array(up * 2 * half);
  for (let p = 0; p < up; p++) {
    // Output instant sits p/up input samples after input sample i; tap d
    // weighs input sample i + d - half + 1, at distance t from the instant.
    for (let d = 0; d < 2 * half; d++) {
      const t = p / up - (d - half + 1);
      const r = t / half;
      if (Math.abs(r) >= 1) continue;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      taps[p * 2 * half + d] = 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0beta);
    }
  }
  const b = { up, down, half, taps };
  banks.set(key, b);
  return b;
}

/**
 * Resamples `input` (any scale; floats in, floats out) from `fromHz` to
 * `toHz`. Output length is floor(input.length * toHz / fromHz).
 */
export function resample(input: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (!Number.isInteger(fromHz) || !Number.isInteger(toHz) || fromHz <= 0 || toHz <= 0) {
    throw ttsError('TTS_ARG', `sample rates must be positive whole numbers of Hz, not ${fromHz} and ${toHz}`);
  }
  if (fromHz === toHz) return input.slice();
  const { up, down, half, taps } = bank(fromHz, toHz);
  const n = Math.floor((input.length * up) / down);
  const out = new Float32Array(n);
  const span = 2 * half;
  const last = input.length - 1;
  for (let k = 0; k < n; k++) {
    const pos = k * down;
    const i = Math.floor(pos / up);
    const p = pos - i * up;
    const base = p * span;
    const first = i - half + 1;
    let acc = 0;
    if (first >= 0 && first + span - 1 <= last) {
      for (let d = 0; d < span; d++) acc += input[first + d] * taps[base + d];
    } else {
      // Near either end: samples outside the signal are silence.
      for (let d = 0; d < span; d++) {
        const m = first + d;
        if (m >= 0 && m <= last) acc += input[m] * taps[base + d];
      }
    }
    out[k] = acc;
  }
  return out;
}
