// Case numbers: YYYYMMDD (registration day, bureau's time zone) + 5-digit daily
// sequence + 1 check digit = 14 digits, so a caller can key one in at the IVR.
//
// The check digit is Damm's (H. M. Damm, "Total anti-symmetrische Quasigruppen",
// 2004): a running value through a totally anti-symmetric quasigroup of order 10.
// It detects every single wrong digit and every swap of two neighbouring
// digits, with one table and no weights (test/cases/number.test.ts proves both
// over sample numbers exhaustively).
import { CaseErrors } from './errors.ts';
import type { NumberCheck } from './types.ts';

// The quasigroup table (row = running value, column = next digit).
const DAMM: readonly number[] = [
  0, 3, 1, 7, 5, 9, 8, 6, 4, 2,
  7, 0, 9, 2, 1, 5, 4, 8, 6, 3,
  4, 2, 0, 6, 8, 7, 1, 3, 5, 9,
  1, 7, 5, 0, 9, 8, 3, 4, 2, 6,
  6, 1, 2, 3, 0, 4, 5, 9, 7, 8,
  3, 6, 7, 4, 2, 0, 9, 5, 8, 1,
  5, 8, 6, 9, 7, 2, 0, 1, 3, 4,
  8, 9, 4, 5, 3, 6, 2, 0, 1, 7,
  9, 4, 3, 8, 6, 1, 7, 2, 0, 5,
  2, 5, 8, 1, 4, 3, 6, 7, 9, 0,
];

export const CASE_NUMBER_LENGTH = 14;
export const MAX_DAILY_SEQUENCE = 99_999;

/** The Damm interim over a digit string; a valid number (with its check digit) gives 0. */
export function dammInterim(digits: string): number {
  let v = 0;
  for (let i = 0; i < digits.length; i++) v = DAMM[v * 10 + (digits.charCodeAt(i) - 48)];
  return v;
}

export function checkDigit(body: string): number {
  return dammInterim(body);
}

/** dayKey = YYYYMMDD as a number (e.g. 20260315). */
export function formatCaseNumber(dayKey: number, sequence: number): string {
  const body = String(dayKey) + String(sequence).padStart(5, '0');
  return body + String(checkDigit(body));
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 2000 || m < 1 || m > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

/** Format + check digit + plausible date; no lookup. */
export function validateCaseNumber(input: string): NumberCheck {
  const s = typeof input === 'string' ? input.trim() : '';
  if (!/^[0-9]{14}$/.test(s)) {
    return { ok: false, code: CaseErrors.CASE_NUMBER_FORMAT, message: `a case number has ${CASE_NUMBER_LENGTH} digits (date, sequence, check digit); got '${String(input).slice(0, 40)}'` };
  }
  if (dammInterim(s) !== 0) {
    return { ok: false, code: CaseErrors.CASE_NUMBER_CHECK, message: `the check digit of ${s} does not match: a digit was probably mistyped` };
  }
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  if (!validDate(y, m, d)) {
    return { ok: false, code: CaseErrors.CASE_NUMBER_DATE, message: `${s} does not start with a valid date (YYYYMMDD)` };
  }
  return { ok: true, number: s, date: `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`, sequence: Number(s.slice(8, 13)) };
}
