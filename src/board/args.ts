// Checks of command arguments shared by the channel and span API (board.ts):
// a bad value is refused with BOARD_ARG and a sentence before anything reaches
// the native board.
import { boardError } from './errors.ts';
import { digitMask } from './native.ts';
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

export function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw boardError('BOARD_ARG', `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function mfDir(d: unknown): number {
  if (d === 'forward') return 0;
  if (d === 'backward') return 1;
  throw boardError('BOARD_ARG', `direction must be 'forward' or 'backward', got ${JSON.stringify(d)}`);
}

// MF R2 level per frequency, dBm0: two tones above -3 dBm0 each would clip (Q.454 asks -11.5).
export function checkMfLevel(v: unknown): void {
  if (typeof v !== 'number' || !(v >= -40 && v <= -3)) {
    throw boardError('BOARD_ARG', `levelDbm0 must be from -40 to -3 dBm0 per frequency (two tones above -3 would clip), got ${JSON.stringify(v)}`);
  }
}

export function checkDigits(name: string, v: unknown): string {
  if (typeof v !== 'string' || !/^[0-9*#A-Da-d]*$/.test(v)) {
    throw boardError('BOARD_ARG', `${name} must be DTMF keys (0-9 * # A-D), got ${JSON.stringify(v)}`);
  }
  return v.toUpperCase();
}

export function stopMask(name: string, v: boolean | string | undefined): number {
  if (v === undefined || v === false) return 0;
  if (v === true) return 0xffff;
  return digitMask(checkDigits(name, v));
}
