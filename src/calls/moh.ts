// Music on hold: the bureau's own WAV when `prompts/moh.wav` (or a file
// given) exists, else a short generated tune: a soft pentatonic melody over a
// drone, 8 kHz 16-bit, about -22 dBFS RMS, made once per process and cached.
// Kept inside 300–3400 Hz (the telephone band, ITU-T G.712) and with notes
// whose harmonics fall on no DTMF row and column pair (Q.23), so it keys no digit.
import { existsSync } from 'node:fs';
import type { AudioBuffer, PlayItem } from '../board/types.ts';

const RATE = 8000;
// A major pentatonic on G4 (Hz), notes of about 0.4 s: a calm loop of 9.6 s.
const MELODY = [392, 440, 494, 587, 659, 587, 494, 440, 392, 330, 392, 440, 494, 440, 392, 330, 294, 330, 392, 440, 392, 330, 294, 392];
const NOTE_MS = 400;

let cached: AudioBuffer | undefined;

/** The generated tune (same buffer object every time: the board caches its decoded clip per buffer). */
export function generatedMusic(): AudioBuffer {
  if (cached) return cached;
  const per = Math.round((NOTE_MS / 1000) * RATE);
  const out = new Int16Array(per * MELODY.length);
  for (let n = 0; n < MELODY.length; n++) {
    const f = MELODY[n];
    for (let i = 0; i < per; i++) {
      const t = i / RATE;
      // Attack 20 ms, exponential decay: a plucked, bell-like note.
      const env = Math.min(1, i / (0.02 * RATE)) * Math.exp(-3 * t);
      const note = Math.sin(2 * Math.PI * f * t) + 0.35 * Math.sin(4 * Math.PI * f * t) + 0.12 * Math.sin(6 * Math.PI * f * t);
      const k = n * per + i;
      const drone = 0.25 * Math.sin((2 * Math.PI * 196 * 2 * k) / RATE);
      out[k] = Math.round(3000 * (env * note + drone));
    }
  }
  cached = { encoding: 'pcm16', data: out };
  return cached;
}

/** The music to play: `file` if given and present, else the generated tune. */
export function musicOnHold(file?: string): PlayItem {
  return file && existsSync(file) ? file : generatedMusic();
}
