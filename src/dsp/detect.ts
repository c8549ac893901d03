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

export interface DetectOptions {
  /** MF R2 tones shorter than this are left out (default 30 ms). The
   * receiver itself operates within Q.455's 32 ms, but register signals on
   * a real trunk last 60 ms or more (compelled tones until acknowledged,
   * pulses 150 +-50 ms), while the R2-like blips that speech and music
   * produce are mostly 17-25 ms long. 0 keeps everything. */
  minMfR2Ms?: number;
}

/** Every tone in the signal, ordered by start time. */
export function detectTones(input: DetectInput | Wav, opts: DetectOptions = {}): ToneEvent[] {
  const minMf = opts.minMfR2Ms ?? 30;
  if (!(typeof minMf === 'number' && minMf >= 0 && Number.isFinite(minMf))) throw dspError('DSP_ARG', `minMfR2Ms must be a number >= 0, not ${String(minMf)}`);
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
        if (t.end_ms - t.start_ms < minMf) break;
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
