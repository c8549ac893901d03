/* Internal: what the DTMF receiver's decisions share (dtmf.c: the pair
 * decision, dtmf_col.c: the steady-tone tests and the column-led decision
 * for keys under speech, dtmf_joint.c and dtmf_ltp.c: the joint and the
 * pitch-residual decisions, dtmf_guard.c: the long-window guard). */
#ifndef HL_DSP_DTMF_INT_H
#define HL_DSP_DTMF_INT_H
#include <math.h>

#include "dtmf.h"

#define FS 8000.0
#define PI 3.14159265358979323846

static const float FREQ[8] = {697, 770, 852, 941, 1209, 1336, 1477, 1633};
static const char KEYS[16] = "123A456B789C*0#D";

/* Every window of a run must hold each tone at >= 0.5 of the run's largest
 * power (-3 dB): a tone that fills only part of the run is rising or
 * falling, which is how bursts of 20 ms and less are refused while 40 ms
 * always leaves 6 full windows. */
#define FILL_POWER 0.5f
/* While a digit is on, a window still "has" it at amplitude >= 0.3 of the
 * level at recognition (power 0.09, -10.5 dB): a 10 ms gap empties at most 2
 * windows, a 40 ms gap at least 7 (end_windows, default 4, sits between). */
#define PRESENT_POWER 0.09f
/* The phase advance must be steady: |sum z| >= 0.8 sum |z|. */
#define COHERENCE 0.8f
/* Largest frequency change over a run (Hz): genuine keys in 12 dB SNR noise
 * stay within ~5 Hz, speech that passes every other check glides 6-13 Hz in
 * 25 ms (talk-off corpus). 8 Hz since the npm (WebAssembly eSpeak NG) corpus:
 * its false digits 6 -> 4 in 103 min, no key lost in any test. */
#define MAX_DRIFT_HZ 8.0f
/* The column-led decision's coarse frequency test (col_valid): 1.5 times
 * its final limit STEADY_TOL (1.2 %), as the column tone it judges is clean
 * and the refined advance stays close to the coarse one. */
#define COL_COARSE_TOL 0.018
/* Tone start/end estimates inside the deciding windows (samples), from the
 * Hann window's coverage at the fill / presence thresholds. */
#define START_OFFSET 16
#define END_OFFSET 11

/* Hann window (80 samples at 8 kHz) power response at an offset of d bins
 * (1 bin = 100 Hz): (sinc(d) / (1 - d^2))^2. Used to undo the loss of a tone
 * a little off its lane before comparing its power with the total. */
static inline float hann_gain(float d) {
  d = fabsf(d);
  if (d < 1e-4f) return 1.0f;
  if (d > 0.9f) return 0.01f;
  float x = (float)PI * d;
  float g = sinf(x) / x / (1.0f - d * d);
  return g * g;
}

/* Tones under speech (issue 15): a window's lane power swings with what
 * speech adds to it, so a run that fails the fill test above may still be
 * taken when the tones are steady where speech is not: the run's windows,
 * turned back by the measured advance, add up coherently (coherent power
 * >= STEADY of the windows' mean power, each window holding >= PROJ of the
 * mean amplitude along the mean phasor), both tones within STEADY_TOL of
 * nominal and gliding less than STEADY_DRIFT_HZ. Tuned on the project's TTS
 * speech (test/dsp/dtmf-speech.test.ts; 34 min of it in 28 voices for
 * talk-off: one false digit before and after). Side effect: 30 ms tones
 * now pass (the figures leave 20-40 ms open), 25 ms ones almost never. */
#define STEADY 0.8f
#define PROJ 0.6f
#define STEADY_TOL 0.012f
#define STEADY_DRIFT_HZ 8.0f
/* A run whose tones hold less than min_fraction of the energy (speech or
 * noise as loud as a tone takes a third of it) is still taken down to
 * min_fraction - SPEECH_SHARE_DROP when its tones are steady (the coherent
 * test above) and neither voiced speech nor music (hl__dtmf_harmonic in
 * dtmf_guard.c). 0.1: keys found under speech at equal level 74 -> 82 %, and the
 * talk-off corpus's false digits 4 -> 2; 0.2 finds 86 % but gives 4 false
 * digits, 0.3 finds 87 % and gives 6. */
#define SPEECH_SHARE_DROP 0.1f

/* The column-led decision (dtmf_col.c) follows a column lane that holds
 * >= COL_WIN_SHARE of each window's energy and stays within COL_PFILL (6 dB)
 * from window to window (analyse() in dtmf.c keeps that run). */
#define COL_WIN_SHARE 0.05f
#define COL_PFILL 0.25f

static inline float wrap_pi(float a) {
  while (a > (float)PI) a -= (float)(2 * PI);
  while (a < (float)-PI) a += (float)(2 * PI);
  return a;
}

/* A tone's offset from nominal (Hz): the slope of the phase of y (its
 * windows turned back by the lane's nominal advance, at hops t[0..n)),
 * fitted over the run: Im(W Z*) / (sum u^2 |Z|^2 / n) with Z = sum y,
 * W = sum u y, u = t - mean t; exact for small offsets (the joint and the
 * column-led decisions). */
static inline float hl__dtmf_slope_hz(const float *yr, const float *yi, const int *t, int n) {
  float zr = 0, zi = 0, wr = 0, wi = 0, tb = 0, tt = 0;
  for (int j = 0; j < n; j++) tb += (float)t[j];
  tb /= (float)n;
  for (int j = 0; j < n; j++) {
    const float u = (float)t[j] - tb;
    zr += yr[j], zi += yi[j], wr += u * yr[j], wi += u * yi[j], tt += u * u;
  }
  const float z2 = zr * zr + zi * zi;
  return z2 > 0 ? (wi * zr - wr * zi) * (float)n / (tt * z2) * (float)(FS / (2 * PI * HL_DTMF_HOP)) : 1e30f;
}

/* dtmf_col.c */
/* Phase advance per hop of the run's row (col = 0) or column lane, refined
 * from the coarse th1 with 3-hop pairs. */
float hl__dtmf_refine(const hl_dtmf_state *s, int col, float th1);
/* Both tones of the run (r, c) near nominal and adding up coherently over
 * the run (tones under speech). */
int hl__dtmf_steady(const hl_dtmf_state *s, int r, int c, float th_r, float th_c, float ang_r, float ang_c);
/* The column-led decision for the column lane c over the last span (6 or
 * 7) windows kept, without the window skip (0 .. span-1, or -1: none): 1
 * with the row (*rout) and the coherent powers when a key is beyond doubt. */
int hl__dtmf_col_valid(hl_dtmf_state *s, int c, int span, int skip, int *rout, float *mr, float *mc);
/* Samples from the start of a column-led key's first window to now (the
 * run decided as in col_valid). */
uint64_t hl__dtmf_col_back(const hl_dtmf_state *s, int span, int skip);

/* A decision's test said t (2: a key in this run alone, 1: a key if the
 * run a window later agrees, 0: none) for the pair *r, *c in the window
 * that closed at now: the number of runs that decided the key (1 or 2), or
 * 0. *pair, *at keep the last candidate (1 + 4 row + column) and its
 * window. */
static inline int hl__dtmf_agree(int t, const int *r, const int *c, int *pair, uint64_t *at, uint64_t now) {
  if (t == 0) return 0;
  if (t == 2) return 1; /* one run */
  const int p = 1 + *r * 4 + (*c - 4);
  const int again = p == *pair && *at + HL_DTMF_HOP == now;
  *pair = p, *at = now; /* the next window decides */
  return again ? 2 : 0;
}

/* The last run of kept lanes (s->lanes) in time order, with each column
 * lane's power summed over it (m[4..7], window by window from the first)
 * and its least (pmin[4..7]): what the joint and the pitch-residual
 * decisions both start from, read once for the two. */
typedef struct hl__dtmf_run {
  const float *x[HL_DTMF_RUN];
  float m[8], pmin[8];
} hl__dtmf_run;
/* dtmf_joint.c */
/* The joint decision, then the pitch-residual one, over the last run of
 * kept lanes: the return of the one that decided, with its row, column and
 * powers. */
int hl__dtmf_run_decide(hl_dtmf_state *s, int *rout, int *cout, float *mr, float *mc);
/* The joint decision over the last run of kept lanes (u, from s->lanes):
 * when a key is beyond doubt, the number of runs that decided it (1, or 2:
 * this one and the run a window earlier) with the row, the column and their
 * coherent powers; else 0. */
int hl__dtmf_joint_valid(hl_dtmf_state *s, const hl__dtmf_run *u, int *rout, int *cout, float *mr, float *mc);

/* dtmf_ltp.c */
/* The decision on the pitch-prediction residual over the last run (keys
 * under voiced speech): the same return as hl__dtmf_joint_valid. */
int hl__dtmf_ltp_valid(hl_dtmf_state *s, const hl__dtmf_run *u, int *rout, int *cout, float *mr, float *mc);
/* dtmf_rect.c */
/* x[0 .. n) = the ring's samples from sample `from` on (within the ring). */
void hl__dtmf_hist_copy(const hl_dtmf_state *s, uint64_t from, int n, float *x);
/* Rectangular DFTs at the nominal frequencies of the 4 lanes ks[0..3] over
 * x[0 .. n): the sums of x[j] e^{-j w j} over the first half [0, h) (A), the
 * last [n - h, n) (B) and the whole (X), h = n / 2, into row ks[j] of each
 * (the lanes side by side in vector registers; a lane may come twice). */
void hl__dtmf_halves(const float *x, int n, const int *ks, float (*A)[2], float (*B)[2], float (*X)[2]);
/* Two halves' sums a, b of a tone dist samples apart: their agreement
 * |a + b| / (|a| + |b|), and in *off the tone's offset from nominal (Hz)
 * from the phase turn between them. */
float hl__dtmf_turn(const float *a, const float *b, int dist, float *off);

/* dtmf_whole.c */
/* The whole-key decision after a column-led run on column c ended
 * undecided (t0, t1: the samples its first and last leading windows closed
 * at; fresh: 1 when the newest kept column window is not the run's): 1 with
 * the row, the tones' powers over the key and the key's first sample when a
 * key is beyond doubt. */
int hl__dtmf_whole(hl_dtmf_state *s, int c, uint64_t t0, uint64_t t1, int fresh, int *rout, float *mr, float *mc, uint64_t *start);
#endif
