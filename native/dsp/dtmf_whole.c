/* DTMF receiver: keys under speech (issue 15): the whole-key decision, a
 * matched filter over the key's own extent, taken after a column-led run
 * ends undecided (see dtmf.h for the figures; analyse() in dtmf.c calls it
 * after the other decisions).
 *
 * The decisions before it judge 35 ms runs of 10 ms Hann windows: their sum
 * is a 35 ms Tukey window, wider in frequency than the key and never the
 * key's extent. Over a key's exact extent one rectangular DFT at the nominal
 * frequencies is the matched filter of a gated sine: given each missed
 * key's exact extent (keys at equal level, seeds 1-5), it holds evidence
 * the runs miss for a third of them. So when a column-led run of at least
 * HL_DTMF_RUN windows ends without a digit (the column led long enough for
 * a key; 0.8 such runs a second in the talk-off corpus's speech and music),
 * the key's extent is searched on the
 * samples kept in s->hist: start within the run's first window (or
 * WHOLE_EDGE samples before), end within its last one's (or WHOLE_EDGE
 * after), the extent that maximises the column's |X|^2 / n (a gated tone
 * adds to |X| linearly over its extent; outside it only what else is there
 * adds, so the maximum sits on the tone's edges), at least WHOLE_SEARCH_LEN
 * samples (25 ms: below 30 ms, so that a clean 30 ms tone's extent is its
 * own and the length floor below refuses it; at 32 ms the search's bounds
 * stretched some to 37 ms and test/native/dtmf_test.c's 30 ms row went
 * 84.4 -> 87.5 %). Over that extent the 8 lanes at nominal frequency and
 * the two halves of the row and the column; a key when:
 *   - the run's column WHOLE_CMARGIN (8 dB) ahead of the other columns, the
 *     strongest row WHOLE_RMARGIN (2 dB) ahead of the other rows; the tones
 *     hold >= WHOLE_SHARE of the energy; in twist, above the level floor;
 *   - both halves of each tone in phase (|A + B| >= WHOLE_COH (|A| + |B|))
 *     and the tone's offset from the phase turn between them within
 *     WHOLE_RTOL (0.3 %, row) and WHOLE_CTOL (0.25 %, column) of nominal
 *     (the scatter of a key's row offset under speech as loud is wide: 0.2 %
 *     at the median, so a tighter row costs keys);
 *   - no second row within WHOLE_R2MARGIN (4 dB) that is as steady
 *     (halves >= WHOLE_R2COH in phase, within WHOLE_R2TOL of nominal): a
 *     voice harmonic held on another row puts the key's row in doubt;
 *   - the extent is >= WHOLE_MIN_LEN samples (36 ms; keys are 40 ms and
 *     more) and the long-window voice/overtone guard passes over its last
 *     35 ms.
 * The digit starts at the extent's start; it is reported when the run ends,
 * so a key found here is reported up to its own length (plus 10-20 ms)
 * later than one found by the other decisions; it ends as any digit does.
 * Chosen on seeds 1-2 of test/dsp/dtmf-speech.test.ts and the talk-off
 * corpus (C harness /tmp/d8w: each run's measures logged, rules tried
 * offline, then in the detector): keys found at equal level 95.33 -> 96.13 %
 * (held out: seed 3 93.88 -> 94.75 %, seeds 4-5 95.11 -> 95.99 %), at 3 dB
 * 98.08 -> 98.72 % (97.47 -> 97.95 %, 97.92 -> 98.68 %), at 6 dB 99.68 ->
 * 99.88 % (99.52 -> 99.68 %, 99.52 -> 99.72 %), no false or wrong digit
 * added, the talk-off corpus unchanged (2, music). Each constant against
 * what it keeps out: the row within 0.35 %, the column within 0.4 %, no
 * length floor, or the column 6 dB ahead: 2 more talk-off digits each (the
 * row within 0.25 %: 2 keys fewer on seeds 1-2); without the guard 6 more;
 * without the second-row test a wrong digit (seed 5: a 941 Hz harmonic 2
 * dB over a '1' key's 697 Hz, both rows in phase; seeds 1-2 had two such
 * at looser offsets); a share of 0.2 or halves at 0.85: +-1 key.
 * Cost: the column's windows over the run must first add up at nominal
 * (WHOLE_RHO, from the lanes kept; 80 % of the runs in speech and music stop
 * there), the extent is searched one edge at a time (the best start for
 * the end, then the best end, until neither moves: the same digits as
 * the search over every pair, a 20th of its work), rows before columns, the cheap tests
 * first. C harness, callgrind: the talk-off corpus (103 min) 1,468 M ->
 * 1,514 M instructions (+3.1 %; +191 % with the full search on every run
 * that ended); the bench tape (16 clean keys, noise, busy tone) +0.4 % of
 * the detector's.
 * Tried and dropped: the same search after a pair-decision run of 3-4
 * windows (1 key more, 1 false digit on seeds 1-2); extending a column run
 * over a break of up to 2 windows (one key more or less); a run of 4 or 5
 * windows (the same digits: a run of that length seldom ends, the window
 * it leaves out takes it to 6); a run whose start has left the ring (longer
 * than about 60 ms) searched from the oldest sample kept (1 key more on
 * seeds 1-2, 3 false digits on seeds 3-5).
 */
#include "dtmf_guard.h"
#include "dtmf_int.h"
#include "tone_gen.h"

#define WHOLE_RMARGIN 1.585f /* 2 dB */
#define WHOLE_CMARGIN 6.3f /* 8 dB */
#define WHOLE_SHARE 0.25f
#define WHOLE_COH 0.9f
#define WHOLE_RTOL 0.003f
#define WHOLE_CTOL 0.0025f
#define WHOLE_R2MARGIN 2.5f /* 4 dB */
#define WHOLE_R2COH 0.95f
#define WHOLE_R2TOL 0.005f
#define WHOLE_MIN_LEN 290
#define WHOLE_SEARCH_LEN 200
#define WHOLE_EDGE 20
#define WHOLE_RHO 0.3f
#define WHOLE_PASSES 4

/* pre[2 i], pre[2 i + 1]: the sum of x[j] e^{-j w j} over j < i, w the
 * nominal frequency of lane k, i = 0 .. n. */
static void running_sum(const float *x, int n, int k, float *pre) {
  const double w = 2 * PI * FREQ[k] / FS;
  const float ur = (float)cos(w), ui = (float)-sin(w);
  float pr = 1, pi = 0, sr = 0, si = 0;
  pre[0] = pre[1] = 0;
  for (int i = 0; i < n; i++) {
    const float v = x[i];
    sr += v * pr, si += v * pi;
    pre[2 * i + 2] = sr, pre[2 * i + 3] = si;
    const float q = pr * ur - pi * ui;
    pi = pr * ui + pi * ur;
    pr = q;
    if ((i & 63) == 63) { /* keep the phasor on the unit circle */
      const float g = 1.5f - 0.5f * (pr * pr + pi * pi);
      pr *= g, pi *= g;
    }
  }
}

/* |X|^2 / n of the column over [a, b), from its running sum from `from`. */
static inline float extent_power(const float *pre, uint64_t from, uint64_t a, uint64_t b) {
  const float *pa = pre + 2 * (a - from), *pb = pre + 2 * (b - from);
  const float xr = pb[0] - pa[0], xi = pb[1] - pa[1];
  return (xr * xr + xi * xi) / (float)(b - a);
}

int hl__dtmf_whole(hl_dtmf_state *s, int c, uint64_t t0, uint64_t t1, int fresh, int *rout, float *mr, float *mc, uint64_t *start) {
  const hl_dtmf_desc *d = s->desc;
  const uint64_t T = s->sample;
  {
    /* first, what costs next to nothing: the column lane's windows over
       the run (the last HL_DTMF_COLPW of them), turned back by the nominal
       advance, add up to >= WHOLE_RHO of their power (the runs that gave a
       key here: 0.48 and more; 80 % of the runs in speech and music stop
       here) */
    const int nw0 = (int)((t1 - t0) / HL_DTMF_HOP) + 1, nw = nw0 < HL_DTMF_COLPW ? nw0 : HL_DTMF_COLPW;
    const int last = s->col_pw_pos - 1 - fresh - (int)((T - HL_DTMF_HOP - t1) / HL_DTMF_HOP);
    float zr = 0, zi = 0, pw = 0, pr = 1, pi = 0;
    const float ua = d->rot[c][0], ub = d->rot[c][1];
    for (int j = 0; j < nw; j++) {
      const float *x = s->col_x[(last - (nw - 1) + j) & (HL_DTMF_COLPW - 1)];
      zr += x[0] * pr - x[1] * pi, zi += x[0] * pi + x[1] * pr;
      pw += x[0] * x[0] + x[1] * x[1];
      const float q = pr * ua - pi * ub;
      pi = pr * ub + pi * ua;
      pr = q;
    }
    if (zr * zr + zi * zi < WHOLE_RHO * (float)nw * pw) return 0;
  }
  /* samples written to the ring: T and up to a chunk beyond */
  const uint64_t W = T + (uint64_t)((s->hist_pos - (int)(T % HL_DTMF_HIST) + HL_DTMF_HIST) % HL_DTMF_HIST);
  const uint64_t oldest = W > HL_DTMF_HIST ? W - HL_DTMF_HIST : 0;
  /* the key's start within the run's first window (or a little before),
     its end within the last one's */
  uint64_t alo = t0 > HL_DTMF_WIN + WHOLE_EDGE ? t0 - HL_DTMF_WIN - WHOLE_EDGE : 0, ahi = t0;
  uint64_t blo = t1 > HL_DTMF_WIN ? t1 - HL_DTMF_WIN : 0, bhi = t1 + WHOLE_EDGE < W ? t1 + WHOLE_EDGE : W;
  if (alo < oldest) alo = oldest;
  if (ahi < alo) return 0;
  if (blo < ahi + WHOLE_SEARCH_LEN) blo = ahi + WHOLE_SEARCH_LEN;
  if (bhi < blo || alo + WHOLE_SEARCH_LEN > bhi) return 0;
  /* the column's running sum from alo to bhi; the extent that maximises
     |X|^2 / n holds the tone and as little else as it can: the best start
     for the end, then the best end for that start, until neither moves
     (the same digits as the search over every pair, a 20th of its work) */
  float x[HL_DTMF_HIST], pre[2 * (HL_DTMF_HIST + 1)];
  const int nx = (int)(bhi - alo);
  hl__dtmf_hist_copy(s, alo, nx, x);
  running_sum(x, nx, c, pre);
  uint64_t a = t0 > alo + HL_DTMF_WIN / 2 ? t0 - HL_DTMF_WIN / 2 : alo, b = t1 > blo + 30 ? t1 - 30 : blo;
  if (a > ahi) a = ahi;
  if (b < a + WHOLE_SEARCH_LEN) b = a + WHOLE_SEARCH_LEN;
  if (b > bhi) return 0;
  float best = 0;
  for (int it = 0, moved = 1; moved && it < WHOLE_PASSES; it++) {
    moved = 0;
    for (int end = 0; end < 2; end++) {
      const uint64_t lo = end ? (blo > a + WHOLE_SEARCH_LEN ? blo : a + WHOLE_SEARCH_LEN) : alo;
      const uint64_t hi = end ? bhi : (ahi + WHOLE_SEARCH_LEN < b ? ahi : b - WHOLE_SEARCH_LEN);
      uint64_t at_best = end ? b : a;
      best = extent_power(pre, alo, a, b);
      for (uint64_t q = lo; q <= hi; q++) {
        const float f = end ? extent_power(pre, alo, a, q) : extent_power(pre, alo, q, b);
        if (f > best) best = f, at_best = q;
      }
      if (at_best != (end ? b : a)) moved = 1, *(end ? &b : &a) = at_best;
    }
  }
  if (best <= 0 || b - a < WHOLE_MIN_LEN) return 0;
  const int n = (int)(b - a), h = n / 2;
  /* cheapest first (most runs in speech stop at the share or the row
     margin): the energy, the rows, then the other columns */
  float A[8][2], B[8][2], X[8][2], P[8], e = 0;
  const float *xa = x + (a - alo); /* the extent's samples */
  for (int i = 0; i < n; i++) e += xa[i] * xa[i];
  e /= (float)n;
  static const int rows[4] = {0, 1, 2, 3};
  hl__dtmf_halves(xa, n, rows, A, B, X);
  for (int k = 0; k < 4; k++) P[k] = 2 * (X[k][0] * X[k][0] + X[k][1] * X[k][1]) / ((float)n * (float)n);
  int r = 0;
  for (int k = 1; k < 4; k++) r = P[k] > P[r] ? k : r;
  int r2 = r == 0 ? 1 : 0;
  for (int k = 0; k < 4; k++) r2 = k != r && P[k] > P[r2] ? k : r2;
  if (P[r2] * WHOLE_RMARGIN > P[r]) return 0;
  /* the column's from its running sum (its phase referred to alo: the
     same turn for all three, which the tests below do not see) */
  const float *pa = pre + 2 * (a - alo), *pm = pre + 2 * (a + (uint64_t)h - alo);
  const float *pn = pre + 2 * (b - (uint64_t)h - alo), *pb = pre + 2 * (b - alo);
  A[c][0] = pm[0] - pa[0], A[c][1] = pm[1] - pa[1];
  B[c][0] = pb[0] - pn[0], B[c][1] = pb[1] - pn[1];
  X[c][0] = pb[0] - pa[0], X[c][1] = pb[1] - pa[1];
  P[c] = 2 * (X[c][0] * X[c][0] + X[c][1] * X[c][1]) / ((float)n * (float)n);
  if (P[r] + P[c] < WHOLE_SHARE * e) return 0;
  const float scale = 64.0f / (HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2);
  const float pr = P[r] * scale, pc = P[c] * scale;
  if (pr < d->min_power || pc < d->min_power || pr > d->twist_n * pc || pc > d->twist_r * pr) return 0;
  int cols[4], m = 0;
  for (int k = 4; k < 8; k++)
    if (k != c) cols[m++] = k;
  cols[3] = cols[2]; /* a lane twice: 4 in step */
  float Ao[8][2], Bo[8][2], Xo[8][2];
  hl__dtmf_halves(xa, n, cols, Ao, Bo, Xo);
  for (int j = 0; j < 3; j++) {
    const int k = cols[j];
    if (2 * (Xo[k][0] * Xo[k][0] + Xo[k][1] * Xo[k][1]) / ((float)n * (float)n) * WHOLE_CMARGIN > P[c]) return 0;
  }
  /* both halves in phase, and the offset from the phase turn between them
     (for the second row too) */
  const int ks[3] = {r, c, r2};
  float off[3], coh[3];
  for (int j = 0; j < 3; j++) coh[j] = hl__dtmf_turn(A[ks[j]], B[ks[j]], n - h, &off[j]);
  if (coh[0] < WHOLE_COH || coh[1] < WHOLE_COH) return 0;
  if (fabsf(off[0]) > WHOLE_RTOL * FREQ[r] || fabsf(off[1]) > WHOLE_CTOL * FREQ[c]) return 0;
  if (P[r2] * WHOLE_R2MARGIN > P[r] && coh[2] >= WHOLE_R2COH && fabsf(off[2]) <= WHOLE_R2TOL * FREQ[r2]) return 0;
  if (hl__dtmf_harmonic_at(s, FREQ[r] + off[0], FREQ[c] + off[1], b >= oldest + HL_DTMF_SPAN ? b : oldest + HL_DTMF_SPAN)) return 0;
  *rout = r, *mr = pr, *mc = pc, *start = a;
  return 1;
}
