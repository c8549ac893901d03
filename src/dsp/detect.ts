// Offline tone detection over a whole signal: DTMF, MF R2 (both
// directions) and call-progress / fax tones, in one native call per signal.
import { dspError } from './errors.ts';
import { ENCODING, KIND, nativeDsp } from './native.ts';
import type { Encoding, Wav } from './wav.ts';

export type CallProgressTone = 'dial' | 'busy' | 'ringback' | 'congestion' | 'fax_cng' | 'fax_ced';
const CP_NAMES: Record<number, CallProgressTone> = {
  1: 'dial', 2: 'busy', 3: 'ringback', 4: 'congestion', 5: 'fax_cng', 6: 'fax_ced',
};

interface Timed {
  start_ms: number;
  end_ms: number;
  /** Stereo signals only: 0 left, 1 right. */
  channel?: number;
}
export type ToneEvent =
  | ({ type: 'dtmf'; digit: string } & Timed)
  | ({ type: 'mf_r2'; direction: 'forward' | 'backward'; code: number } & Timed)
  | ({ type: 'call_progress'; tone: CallProgressTone } & Timed);

export interface DetectInput {
  encoding: Encoding;
  channels: 1 | 2;
  /** Interleaved frames; PCM16 little-endian. */
  data: Uint8Array;
}

const ms = (samples: number): number => Math.round(samples / 8);

/** Every tone in the signal, ordered by start time. */
export function detectTones(input: DetectInput | Wav): ToneEvent[] {
  if (!(input.data instanceof Uint8Array)) throw dspError('DSP_ARG', 'data must be a Buffer or Uint8Array');
  if (!(input.encoding in ENCODING)) throw dspError('DSP_ENCODING', String(input.encoding));
  if (input.channels !== 1 && input.channels !== 2) throw dspError('DSP_ARG', `channels must be 1 or 2, not ${input.channels}`);
  const b = nativeDsp().detect(input.data, ENCODING[input.encoding], input.channels);
  const out: ToneEvent[] = [];
  for (let i = 0; i < b.kind.length; i++) {
    const t: Timed = { start_ms: ms(b.start[i]), end_ms: ms(b.end[i]) };
    if (input.channels === 2) t.channel = b.channel[i];
    switch (b.kind[i]) {
      case KIND.dtmf:
        out.push({ type: 'dtmf', digit: String.fromCharCode(b.code[i]), ...t });
        break;
      case KIND.mfForward:
      case KIND.mfBackward:
        out.push({ type: 'mf_r2', direction: b.kind[i] === KIND.mfForward ? 'forward' : 'backward', code: b.code[i], ...t });
        break;
      case KIND.callProgress: {
        const tone = CP_NAMES[b.code[i]];
        if (tone) out.push({ type: 'call_progress', tone, ...t });
        break;
      }
    }
  }
  return out;
}
