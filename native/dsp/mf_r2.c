/* MF R2 sender and receiver (see mf_r2.h for the figures followed).
 *
 * Receiver: six Goertzel filters over blocks of 67 samples (8.375 ms). At
 * 8000/67 = 119.4 Hz per bin, the 120 Hz spacing of the R2 frequencies falls
 * on the first null of the block's sinc response, so a tone leaks almost
 * nothing into its neighbours' bins, while +-10 Hz costs only 0.1 dB and a
 * tone 60 Hz off lands between two bins (-3.9 dB in each) and is rejected as
 * a "third frequency". Two consecutive blocks make a tone (operate <= 25 ms),
 * two consecutive misses end it (release <= 25 ms, gaps under one block are
 * bridged). */
#include "dsp/mf_r2.h"

#include <math.h>
#include <string.h>

#include "hl_errors.h"

#define BLOCK 67

/* 2 cos(2 pi f / 8000) for the six frequencies of each direction, in the
 * order f0..f5 of mf_r2.h (a wrong entry fails mf_r2_test: every code is
 * checked at its nominal frequencies and +-10 Hz). */
static const float COEF[2][6] = {
  {0.935859629f, 0.765366865f, 0.588080650f, 0.405574591f, 0.219468622f, 0.031414635f},
  {1.250485313f, 1.391825593f, 1.520811931f, 1.636299435f, 1.737263029f, 1.822806553f},
};
/* sin(2 pi f / 8000): with COEF, turns a Goertzel's last two states into
 * the block's complex DFT value. */
static const float SIN[2][6] = {
  {0.883765630f, 0.923879533f, 0.955793015f, 0.979222811f, 0.993960955f, 0.999876632f},
  {0.780430407f, 0.718126298f, 0.649448048f, 0.575005252f, 0.495458668f, 0.411514359f},
};
/* e^{-j 2 pi f 67 / 8000}: the phase a tone exactly on frequency f advances
 * from one block to the next, removed so what is left is 2 pi df 67/8000. */
static const float ROT[2][6][2] = {
  {{-0.935444031f, 0.353474844f}, {-0.923879533f, 0.382683432f}, {-0.911403277f, 0.411514359f},
   {-0.898027576f, 0.439939170f}, {-0.883765630f, 0.467929814f}, {-0.868631514f, 0.495458668f}},
  {{-0.955793015f, 0.294040325f}, {-0.964557418f, 0.263873050f}, {-0.972369920f, 0.233445364f},
   {-0.979222811f, 0.202787295f}, {-0.985109326f, 0.171929100f}, {-0.990023658f, 0.140901232f}},
};
static const int FREQ[2][6] = {
  {1380, 1500, 1620, 1740, 1860, 1980},
  {1140, 1020, 900, 780, 660, 540},
};
/* Q.441 table: frequency indices of codes 1..15. */
static const unsigned char PAIR[16][2] = {
  {0, 0}, {0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}, {0, 4},
  {1, 4}, {2, 4}, {3, 4}, {0, 5}, {1, 5}, {2, 5}, {3, 5}, {4, 5},
};

/* 0 dBm0 in linear 16-bit units, the reference of g711.h: a sine 3.14 dB
 * under the A-law overload point (G.711 Table 6), peak 22812.8, mean square
 * 2.6021e8. */
#define DBM0_POWER 2.6021e8f
#define DBM0_PEAK 22812.8f

/* Decision thresholds (see mf_r2.h). */
#define MIN_TONE_POWER (DBM0_POWER * 2.2387e-4f) /* -36.5 dBm0 per frequency */
/* 11 dB between the two as measured: 7 dB sent with one tone 10 Hz off and
 * the other's leakage beating against it reads up to ~9.5 dB. */
#define MAX_TWIST 12.59f
/* Any third bin must sit 8 dB under the weaker tone and 12 dB under the
 * stronger: a tone 10 Hz off leaks about -20 dB into the bin 130 Hz away
 * (15 Hz off: -17 dB), which with 7 dB twist is only ~12 dB under the
 * weaker tone. Three real tones or a tone 60 Hz off fail by far. */
#define THIRD_BELOW_WEAK 0.1585f
#define THIRD_BELOW_STRONG 0.0631f
#define MIN_PURITY 0.8f                           /* the two tones hold >= 80 % of the power */
/* Between the blocks that make a tone, the level ratio of the two
 * frequencies may move at most 3 dB: register tones are steady, while
 * speech formants and music glide. (The ratio, not the levels, so a block
 * the tone only partly covers still counts.) */
#define MAX_RATIO_STEP 2.0f
/* Frequency check from the phase advance between the two blocks: each tone
 * within +-16 Hz (cos of 2 pi 16 67 / 8000). The bins alone accept about
 * +-30 Hz, and music is full of notes 25-30 Hz from an R2 frequency (C6 =
 * 1046.5 Hz, C#6 = 1108.7 Hz around backward 1020 + 1140). Q.455 asks
 * +-10 Hz accepted; what lies between 10 and 60 Hz is ours to choose. */
#define COS_TOL 0.6659f

int hl_mf_r2_freqs(int dir, int code, int *f_a, int *f_b) {
  if ((dir != HL_MF_R2_FORWARD && dir != HL_MF_R2_BACKWARD) || code < 1 || code > 15) return HL_EINVAL;
  if (f_a) *f_a = FREQ[dir][PAIR[code][0]];
  if (f_b) *f_b = FREQ[dir][PAIR[code][1]];
  return 0;
}

int hl_mf_r2_rx_init(hl_mf_r2_rx_state *s, int dir, hl_mf_r2_cb cb, void *user) {
  if (!s || (dir != HL_MF_R2_FORWARD && dir != HL_MF_R2_BACKWARD)) return HL_EINVAL;
  memset(s, 0, sizeof *s);
  s->coef = COEF[dir];
  s->dir = dir;
  s->cb = cb;
  s->user = user;
  return 0;
}

int hl_mf_r2_rx_code(const hl_mf_r2_rx_state *s) { return s->current; }

static void emit(hl_mf_r2_rx_state *s, int code, int on, uint64_t start, uint64_t end) {
  if (!s->cb) return;
  hl_mf_r2_event ev = {code, on, start, end};
  s->cb(s->user, &ev);
}

/* The code this block shows, or 0. */
static int classify(hl_mf_r2_rx_state *s) {
  const float norm = 2.0f / ((float)BLOCK * (float)BLOCK);
  float p[6];
  int k1 = 0, k2 = -1;
  for (int k = 0; k < 6; k++) {
    float a = s->s1[k], b = s->s2[k];
    p[k] = (a * a + b * b - s->coef[k] * a * b) * norm;
    if (p[k] > p[k1]) k1 = k;
  }
  for (int k = 0; k < 6; k++)
    if (k != k1 && (k2 < 0 || p[k] > p[k2])) k2 = k;
  float third = 0.0f;
  for (int k = 0; k < 6; k++)
    if (k != k1 && k != k2 && p[k] > third) third = p[k];
  float mean = s->energy / (float)BLOCK;
  if (p[k2] < MIN_TONE_POWER) return 0;
  if (p[k1] > p[k2] * MAX_TWIST) return 0;
  if (third > p[k2] * THIRD_BELOW_WEAK || third > p[k1] * THIRD_BELOW_STRONG) return 0;
  if (p[k1] + p[k2] < MIN_PURITY * mean) return 0;
  int a = k1 < k2 ? k1 : k2, b = k1 < k2 ? k2 : k1;
  s->ratio = p[a] / p[b];
  const float *sn = SIN[s->dir];
  int ab[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    int k = ab[i];
    s->x[i][0] = s->s1[k] - s->s2[k] * 0.5f * s->coef[k];
    s->x[i][1] = s->s2[k] * sn[k];
  }
  for (int code = 1; code <= 15; code++)
    if (PAIR[code][0] == a && PAIR[code][1] == b) return code;
  return 0;
}

/* This block continues the candidate's tone: the level ratio moved less
 * than MAX_RATIO_STEP and both frequencies are within COS_TOL. */
static int steady(const hl_mf_r2_rx_state *s) {
  if (!(s->ratio <= s->cand_ratio * MAX_RATIO_STEP && s->cand_ratio <= s->ratio * MAX_RATIO_STEP)) return 0;
  for (int i = 0; i < 2; i++) {
    int k = PAIR[s->cand][i];
    const float *rot = ROT[s->dir][k];
    float cr = s->x[i][0], ci = s->x[i][1], pr = s->cand_x[i][0], pi = s->cand_x[i][1];
    float wr = cr * pr + ci * pi, wi = ci * pr - cr * pi; /* cur * conj(prev) */
    float zr = wr * rot[0] - wi * rot[1];
    float mag2 = wr * wr + wi * wi;
    if (zr < 0.0f || zr * zr < COS_TOL * COS_TOL * mag2) return 0;
  }
  return 1;
}

static void new_candidate(hl_mf_r2_rx_state *s, int code, uint64_t block_start) {
  s->cand = code;
  s->cand_blocks = 1;
  s->cand_start = block_start;
  s->cand_ratio = s->ratio;
  memcpy(s->cand_x, s->x, sizeof s->x);
}

static void end_block(hl_mf_r2_rx_state *s, uint64_t block_start) {
  int code = classify(s);
  for (int k = 0; k < 6; k++) s->s1[k] = s->s2[k] = 0.0f;
  s->energy = 0.0f;
  s->count = 0;

  if (s->current) {
    if (code == s->current) {
      s->misses = 0;
      return;
    }
    if (s->misses++ == 0) s->miss_start = block_start;
    if (s->misses < 2) {
      new_candidate(s, code, block_start);
      return;
    }
    emit(s, s->current, 0, s->tone_start, s->miss_start);
    s->current = 0;
    s->misses = 0;
    /* The two missing blocks may already show the next code (compelled
     * signalling switches without a gap only in tests, but be exact). */
    if (code && code == s->cand && steady(s)) {
      s->current = code;
      s->tone_start = s->cand_start;
      emit(s, code, 1, s->cand_start, 0);
    } else {
      new_candidate(s, code, block_start);
    }
    return;
  }
  if (code && code == s->cand && steady(s)) {
    if (++s->cand_blocks >= 2) {
      s->current = code;
      s->tone_start = s->cand_start;
      s->misses = 0;
      emit(s, code, 1, s->cand_start, 0);
    }
    return;
  }
  new_candidate(s, code, block_start);
}

void hl_mf_r2_rx(hl_mf_r2_rx_state *s, const int16_t *x, size_t n) {
  const float *c = s->coef;
  size_t i = 0;
  while (i < n) {
    size_t m = (size_t)(BLOCK - s->count);
    if (m > n - i) m = n - i;
    for (size_t j = 0; j < m; j++) {
      float v = (float)x[i + j];
      s->energy += v * v;
      for (int k = 0; k < 6; k++) {
        float s0 = v + c[k] * s->s1[k] - s->s2[k];
        s->s2[k] = s->s1[k];
        s->s1[k] = s0;
      }
    }
    i += m;
    s->count += (int)m;
    s->sample += m;
    if (s->count == BLOCK) end_block(s, s->sample - BLOCK);
  }
}

/* ---- sender ---- */

int hl_mf_r2_tx_init(hl_mf_r2_tx_state *t, int dir, float level_dbm0) {
  if (!t || (dir != HL_MF_R2_FORWARD && dir != HL_MF_R2_BACKWARD)) return HL_EINVAL;
  /* Two tones at +3 dBm0 each would clip (peaks add): refuse above -3. */
  if (!(level_dbm0 <= -3.0f && level_dbm0 >= -60.0f)) return HL_EINVAL;
  memset(t, 0, sizeof *t);
  t->dir = dir;
  t->amp = DBM0_PEAK * powf(10.0f, level_dbm0 / 20.0f);
  return 0;
}

int hl_mf_r2_tx_set(hl_mf_r2_tx_state *t, int code) {
  if (code < 0 || code > 15) return HL_EINVAL;
  t->code = code;
  if (!code) return 0;
  for (int i = 0; i < 2; i++) {
    double w = 2.0 * 3.14159265358979323846 * FREQ[t->dir][PAIR[code][i]] / 8000.0;
    t->wr[i] = (float)cos(w);
    t->wi[i] = (float)sin(w);
    t->re[i] = 1.0f; /* sin phase 0: the output starts at 0 */
    t->im[i] = 0.0f;
  }
  t->since_norm = 0;
  return 0;
}

void hl_mf_r2_tx(hl_mf_r2_tx_state *t, int16_t *out, size_t n) {
  if (!t->code) {
    memset(out, 0, n * sizeof *out);
    return;
  }
  for (size_t j = 0; j < n; j++) {
    float v = 0.0f;
    for (int i = 0; i < 2; i++) {
      v += t->im[i];
      float re = t->re[i] * t->wr[i] - t->im[i] * t->wi[i];
      t->im[i] = t->re[i] * t->wi[i] + t->im[i] * t->wr[i];
      t->re[i] = re;
    }
    out[j] = (int16_t)lrintf(v * t->amp);
    /* Float rounding makes the phasor drift off the unit circle: pull it
     * back every 256 samples (32 ms) so the level stays exact. */
    if (++t->since_norm == 256) {
      t->since_norm = 0;
      for (int i = 0; i < 2; i++) {
        float g = 1.0f / sqrtf(t->re[i] * t->re[i] + t->im[i] * t->im[i]);
        t->re[i] *= g;
        t->im[i] *= g;
      }
    }
  }
}
