// Erlang C (M/M/c with an infinite queue, no abandonment): the theory the ACD
// bench checks the decision core against. Numerically stable: Erlang B by its
// recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), which never forms
// A^c or c! (both overflow a double near c = 170), then
// C = c·B / (c − A·(1 − B)).
import { acdError } from './errors.ts';

export interface ErlangC {
  /** Probability that a call waits at all, P(W > 0). */
  pWait: number;
  /** Average speed of answer (mean wait over all calls), in the unit of the handle time. */
  asa: number;
  /** Fraction of calls answered within t: 1 − C·e^(−(c−A)·t/h). */
  serviceLevel: (t: number) => number;
  /** Server occupancy A / c. */
  occupancy: number;
}

/** Erlang B blocking probability for `agents` servers and `erlangs` offered load. */
export function erlangB(agents: number, erlangs: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (erlangs * b) / (k + erlangs * b);
  return b;
}

/** Erlang C for `agents` agents, offered load A = λ·h erlangs, mean handle time h. */
export function erlangC(agents: number, erlangs: number, handleTime: number): ErlangC {
  if (!(Number.isInteger(agents) && agents >= 1)) throw acdError('ACD_CONFIG_INVALID', `Erlang C: agents must be a whole number ≥ 1, not ${agents}`);
  if (!(erlangs > 0 && erlangs < agents)) throw acdError('ACD_CONFIG_INVALID', `Erlang C: offered load must be > 0 and below the number of agents (${agents}), not ${erlangs}`);
  const b = erlangB(agents, erlangs);
  const c = (agents * b) / (agents - erlangs * (1 - b));
  const spare = agents - erlangs;
  return {
    pWait: c,
    asa: (c * handleTime) / spare,
    serviceLevel: (t) => 1 - c * Math.exp((-spare * t) / handleTime),
    occupancy: erlangs / agents,
  };
}

/** Two-sided Student t quantile (e.g. p = 0.975 for a 95 % interval) with df degrees of freedom: Cornish–Fisher expansion about the normal quantile (error < 0.2 % for df ≥ 5). */
export function studentT(p: number, df: number): number {
  const z = normalQuantile(p);
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
