// Checks of command arguments shared by the channel and span API (board.ts):
// a bad value is refused with BOARD_ARG and a sentence before anything reaches
// the native board.
import { boardError } from './errors.ts';
import type { Impairments } from './types.ts';

// board.h HL_TX_MIX: add to what the channel sends instead of replacing it.
export function txFlags(mix: unknown): number {
  if (mix !== undefined && typeof mix !== 'boolean') throw boardError('BOARD_ARG', 'mix takes true or false');
  return mix ? 1 : 0;
}

export function checkNoiseGain(imp: Impairments): { noise?: number; gain?: number } {
  const out: { noise?: number; gain?: number } = {};
  if (imp.snrDb !== undefined) {
    if (imp.snrDb === null) out.noise = 99;
    else {
      if (typeof imp.snrDb !== 'number' || !(imp.snrDb >= -10 && imp.snrDb <= 80)) throw boardError('BOARD_ARG', 'snrDb must be from -10 to 80, or null');
      const ref = imp.referenceDbm0 ?? -10;
      if (typeof ref !== 'number' || !(ref >= -60 && ref <= 3)) throw boardError('BOARD_ARG', 'referenceDbm0 must be from -60 to 3');
      out.noise = ref - imp.snrDb;
    }
  }
  if (imp.gainDb !== undefined) {
    if (typeof imp.gainDb !== 'number' || !(imp.gainDb >= -60 && imp.gainDb <= 30)) throw boardError('BOARD_ARG', 'gainDb must be from -60 to 30');
    out.gain = imp.gainDb;
  }
  return out;
}
