// Finding known prompts in recorded line audio by normalised cross-correlation,
// so a test (or the benchmark) checks what a caller actually heard rather than
// what the engine says it played. FFT correlation (radix-2) for the search of a
// long prompt in a long recording; direct correlation for short fragments.

function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

export interface Match {
  /** Sample index in the recording where the prompt starts. */
  pos: number;
  /** Normalised correlation, 1 = identical up to gain. */
  score: number;
}

/**
 * Best match of `prompt` in `heard[from, to)`; with `firstAbove`, the first
 * occurrence scoring at least that (for prompts heard more than once).
 * Silence in the recording cannot score: the window energy is floored at 1 %
 * of the prompt's energy.
 */
export function findPrompt(heard: Int16Array, prompt: Int16Array, from = 0, to = heard.length, firstAbove?: number): Match {
  const seg = heard.subarray(Math.max(0, from), Math.min(heard.length, to));
  const m = prompt.length;
  if (m === 0 || seg.length < m) return { pos: -1, score: 0 };
  let n = 1;
  while (n < seg.length + m) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  for (let i = 0; i < seg.length; i++) ar[i] = seg[i];
  for (let i = 0; i < m; i++) br[i] = prompt[i];
  fft(ar, ai, false);
  fft(br, bi, false);
  // A · conj(B): correlation of the recording with the prompt at every lag.
  for (let i = 0; i < n; i++) {
    const r = ar[i] * br[i] + ai[i] * bi[i];
    const im = ai[i] * br[i] - ar[i] * bi[i];
    ar[i] = r;
    ai[i] = im;
  }
  fft(ar, ai, true);
  let pe = 0;
  for (let i = 0; i < m; i++) pe += prompt[i] * prompt[i];
  const floor = pe * 0.01;
  let we = 0;
  for (let i = 0; i < m; i++) we += seg[i] * seg[i];
  let best: Match = { pos: -1, score: 0 };
  for (let lag = 0; lag + m <= seg.length; lag++) {
    if (lag > 0) we += seg[lag + m - 1] * seg[lag + m - 1] - seg[lag - 1] * seg[lag - 1];
    const score = ar[lag] / n / Math.sqrt(pe * Math.max(we, floor));
    if (score > best.score) best = { pos: from + lag, score };
    // Earliest occurrence wanted (a prompt repeated): stop once past the peak
    // of the first match above the threshold.
    if (firstAbove !== undefined && best.score >= firstAbove && from + lag > best.pos + 80) break;
  }
  return best;
}

/** Direct normalised correlation at one offset. */
export function scoreAt(heard: Int16Array, prompt: Int16Array, pos: number): number {
  if (pos < 0 || pos + prompt.length > heard.length) return 0;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < prompt.length; i++) {
    const x = heard[pos + i];
    const y = prompt[i];
    xy += x * y;
    xx += x * x;
    yy += y * y;
  }
  return xy / Math.sqrt(Math.max(xx, yy * 0.01) * yy);
}

/**
 * Reads a sequence of back-to-back fragments (e.g. digits) starting near
 * `from`: at each step the fragment that correlates best within `slack`
 * samples wins. Stops after `count` fragments or when nothing scores `min`.
 */
export function readSequence(heard: Int16Array, fragments: Map<string, Int16Array>, from: number, count: number, slack = 400, min = 0.8): { ids: string[]; end: number; scores: number[] } {
  const ids: string[] = [];
  const scores: number[] = [];
  let cursor = from;
  for (let k = 0; k < count; k++) {
    let best = { id: '', pos: -1, score: 0, len: 0 };
    for (const [id, f] of fragments) {
      for (let p = cursor; p <= cursor + slack; p++) {
        const s = scoreAt(heard, f, p);
        if (s > best.score) best = { id, pos: p, score: s, len: f.length };
      }
    }
    if (best.score < min) break;
    ids.push(best.id);
    scores.push(best.score);
    cursor = best.pos + best.len;
  }
  return { ids, end: cursor, scores };
}
