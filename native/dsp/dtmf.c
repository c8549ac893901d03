/* DTMF receiver: decisions (see dtmf.h for the figures and the method; the
 * per-sample work is in dtmf_kern.c). */
#include "dtmf.h"

#include <math.h>
#include <string.h>

#include "dtmf_guard.h"
#include "dtmf_int.h"
#include "dtmf_kern.h"
#include "g711.h"
#include "hl_errors.h"
#include "tone_gen.h"


void hl_dtmf_params_default(hl_dtmf_params *p) {
  p->min_level_dbm0 = -41.0f;
  p->normal_twist_db = 9.5f;
  p->reverse_twist_db = 5.5f;
  p->freq_tol_pct = 2.0f;
  p->min_fraction = 0.80f;
  p->end_windows = 4;
}

static int cpu_has(int isa) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (isa == 2) return __builtin_cpu_supports("avx2");
  if (isa == 1) return __builtin_cpu_supports("sse2");
#endif
  return isa == 0;
}

int hl_dtmf_desc_set_isa(hl_dtmf_desc *d, int isa) {
  if (!d || isa < 0 || isa > 2) return HL_EINVAL;
  if (!hl__dtmf_kern[isa] || !cpu_has(isa)) return HL_ENOTSUP;
  d->isa = isa;
  return 0;
}

int hl_dtmf_desc_init(hl_dtmf_desc *d, const hl_dtmf_params *pp) {
  hl_dtmf_params p;
  if (pp)
    p = *pp;
  else
    hl_dtmf_params_default(&p);
  if (!d || !(p.min_level_dbm0 >= -80 && p.min_level_dbm0 <= 0) || !(p.normal_twist_db >= 0 && p.normal_twist_db <= 20) ||
      !(p.reverse_twist_db >= 0 && p.reverse_twist_db <= 20) || !(p.freq_tol_pct > 0 && p.freq_tol_pct <= 5) ||
      !(p.min_fraction >= 0 && p.min_fraction <= 1) || p.end_windows < 1 || p.end_windows > 100)
    return HL_EINVAL;
  memset(d, 0, sizeof *d);
  /* 0 dBm0 sine: peak HL_TONE_DBM0_PEAK, power P0 = peak^2 / 2. A Hann
     window of N samples has sum w = N/2, so a sine of amplitude A gives
     |X| = A N / 4 and A^2 / 2 = 8 |X|^2 / N^2. The integer table holds
     Q * w e^{-jwn} (Q = 4095) and the samples are 16-bit / 8, so
     X = sum * 8 / Q * sqrt(8 / (N^2 P0)). Q12 keeps a window's sum of 13-bit
     x Q12 products below 2^31 (80 * 4096 * 4095 = 1.34e9); the coefficient
     rounding leaves an error floor near -78 dB, far below the -41 dBm0
     floor relative to any in-range signal. */
  const double Q = 4095.0;
  const double P0 = (double)HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2.0;
  const double g = sqrt(8.0 / ((double)HL_DTMF_WIN * HL_DTMF_WIN * P0));
  int16_t c450re[HL_DTMF_WIN], c450im[HL_DTMF_WIN];
  for (int n = 0; n < HL_DTMF_WIN; n++) {
    double w = 0.5 - 0.5 * cos(2 * PI * n / HL_DTMF_WIN);
    for (int k = 0; k < 8; k++) {
      double ph = 2 * PI * FREQ[k] * n / FS;
      d->ktab[n / 2][2 * k + (n & 1)] = (int16_t)lrint(Q * w * cos(ph));
      d->ktab[n / 2][16 + 2 * k + (n & 1)] = (int16_t)lrint(-Q * w * sin(ph));
    }
    double ph = 2 * PI * 450.0 * n / FS;
    c450re[n] = (int16_t)lrint(Q * w * cos(ph));
    c450im[n] = (int16_t)lrint(-Q * w * sin(ph));
    if (n < HL_DTMF_HOP) d->whann[n] = (int16_t)lrint(32767.0 * w);
  }
  memcpy(d->k450re, c450re, sizeof c450re);
  memcpy(d->k450im, c450im, sizeof c450im);
  d->kscale = (float)(8.0 / Q * g);
  /* weighted energy: sum ((x13 W) >> 16) x13 with W = 32767 w, i.e. about
     sum w x13^2 * 32767 / 65536 (the second half of a window, where the
     weight is 1 - w, as sum x13^2 * 32767 / 65536 minus that); x16 = 8 x13;
     Hann-weighted mean power is sum w x16^2 / sum w, sum w = N / 2. */
  d->escale = (float)(64.0 * 65536.0 / 32767.0 / (HL_DTMF_WIN / 2.0) / P0);
  /* Dial tone leakage, measured on the quantised tables: the response of
     lane k and of the 450 Hz lane to e^{j w n} at w = 450 Hz (L) and at
     w = f_k (M). */
  for (int k = 0; k < 8; k++) {
    double lr = 0, li = 0, fr = 0, fi = 0, mr = 0, mi = 0, kr = 0, ki = 0;
    for (int n = 0; n < HL_DTMF_WIN; n++) {
      double cr = d->ktab[n / 2][2 * k + (n & 1)], ci = d->ktab[n / 2][16 + 2 * k + (n & 1)];
      double c450r = c450re[n], c450i = c450im[n];
      double a = 2 * PI * 450.0 * n / FS, b = 2 * PI * FREQ[k] * n / FS;
      /* (cr + j ci) e^{j a} summed: lane k's response to the 450 Hz phasor */
      lr += cr * cos(a) - ci * sin(a), li += cr * sin(a) + ci * cos(a);
      fr += c450r * cos(a) - c450i * sin(a), fi += c450r * sin(a) + c450i * cos(a);
      mr += c450r * cos(b) - c450i * sin(b), mi += c450r * sin(b) + c450i * cos(b);
      kr += cr * cos(b) - ci * sin(b), ki += cr * sin(b) + ci * cos(b);
    }
    double den = fr * fr + fi * fi; /* L = (lr + j li) / (fr + j fi) */
    d->leak_l[k][0] = (float)((lr * fr + li * fi) / den);
    d->leak_l[k][1] = (float)((li * fr - lr * fi) / den);
    den = kr * kr + ki * ki; /* M = (mr + j mi) / (kr + j ki) */
    d->leak_m[k][0] = (float)((mr * kr + mi * ki) / den);
    d->leak_m[k][1] = (float)((mi * kr - mr * ki) / den);
  }
  for (int r = 0; r < 4; r++)
    for (int c = 4; c < 8; c++) {
      const float *Lr = d->leak_l[r], *Lc = d->leak_l[c], *Mr = d->leak_m[r], *Mc = d->leak_m[c];
      double qr = 1.0 - (Mr[0] * Lr[0] - Mr[1] * Lr[1]) - (Mc[0] * Lc[0] - Mc[1] * Lc[1]);
      double qi = -(Mr[0] * Lr[1] + Mr[1] * Lr[0]) - (Mc[0] * Lc[1] + Mc[1] * Lc[0]);
      double q2 = qr * qr + qi * qi;
      d->leak_qinv[r][c - 4][0] = (float)(qr / q2);
      d->leak_qinv[r][c - 4][1] = (float)(-qi / q2);
    }
  for (int k = 0; k < 8; k++) {
    double adv = 2 * PI * FREQ[k] * HL_DTMF_HOP / FS;
    d->rot[k][0] = (float)cos(adv);
    d->rot[k][1] = (float)-sin(adv);
    d->cos_tol[k] = (float)cos(2 * PI * FREQ[k] * p.freq_tol_pct / 100.0 * HL_DTMF_HOP / FS);
    /* the column-led decision's coarse test: 1.5 times STEADY_TOL (its
       column tone is clean, the refined advance stays close) */
    d->cos_col[k] = (float)cos(2 * PI * FREQ[k] * COL_COARSE_TOL * HL_DTMF_HOP / FS);
    /* the angles of these, once here (the pair decision spent 4 arc
       functions a run on them, the column-led decision up to 5) */
    d->rot_ang[k] = atan2f(d->rot[k][1], d->rot[k][0]);
    d->tol_ang[k] = acosf(d->cos_tol[k]);
  }
  for (int n = 0; n < HL_DTMF_SPAN; n++) d->span_win[n] = (float)(0.5 - 0.5 * cos(2 * PI * (n + 0.5) / HL_DTMF_SPAN));
  d->min_power = powf(10.0f, p.min_level_dbm0 / 10.0f);
  d->twist_n = powf(10.0f, p.normal_twist_db / 10.0f);
  d->twist_r = powf(10.0f, p.reverse_twist_db / 10.0f);
  d->min_fraction = p.min_fraction;
  d->end_windows = p.end_windows;
  d->isa = cpu_has(2) && hl__dtmf_kern[2] ? 2 : cpu_has(1) && hl__dtmf_kern[1] ? 1 : 0;
  return 0;
}

int hl_dtmf_init(hl_dtmf_state *s, const hl_dtmf_desc *d, hl_dtmf_cb cb, void *user) {
  if (!s || !d) return HL_EINVAL;
  memset(s, 0, sizeof *s);
  s->desc = d;
  s->cb = cb;
  s->user = user;
  return 0;
}

static void emit(hl_dtmf_state *s, const hl_dtmf_event *ev) {
  if (s->cb) {
    s->cb(s->user, ev);
    return;
  }
  if (s->q_len == HL_DTMF_QUEUE) { /* full: drop the oldest */
    s->q_head = (s->q_head + 1) % HL_DTMF_QUEUE;
    s->q_len--;
  }
  s->queue[(s->q_head + s->q_len) % HL_DTMF_QUEUE] = *ev;
  s->q_len++;
}

int hl_dtmf_get_event(hl_dtmf_state *s, hl_dtmf_event *ev) {
  if (!s->q_len) return 0;
  *ev = s->queue[s->q_head];
  s->q_head = (s->q_head + 1) % HL_DTMF_QUEUE;
  s->q_len--;
  return 1;
}

char hl_dtmf_current(const hl_dtmf_state *s) { return s->digit; }

int hl_dtmf_freqs(char digit, int *low_hz, int *high_hz) {
  for (int i = 0; i < 16; i++)
    if (KEYS[i] == digit) {
      if (low_hz) *low_hz = (int)FREQ[i / 4];
      if (high_hz) *high_hz = (int)FREQ[4 + i % 4];
      return 0;
    }
  return HL_EINVAL;
}

static float to_db(float p) { return p > 1e-10f ? 10.0f * log10f(p) : -100.0f; }

/* Sum of 8 lane-wise partial sums; the total is bounded like every window
 * sum (below 2^31), so int32 is exact. */
static int32_t lanes_sum(const int32_t *v) {
  uint32_t t = 0;
  for (int k = 0; k < 8; k++) t += (uint32_t)v[k];
  return (int32_t)t;
}

/* Frequency change (Hz) between the start and the end of the run of the
 * row (col = 0) or column (col = 1) tone. */
static float drift_hz(const hl_dtmf_state *s, int col) {
  float a0 = 0, a1 = 0, b0 = 0, b1 = 0;
  for (int j = 1; j < HL_DTMF_RUN; j++) {
    const struct hl__dtmf_win *e = &s->ring[(s->ring_pos + j) % HL_DTMF_RUN];
    const float *z = col ? e->zc : e->zr;
    if (j <= 2) a0 += z[0], a1 += z[1];
    if (j >= HL_DTMF_RUN - 2) b0 += z[0], b1 += z[1];
  }
  float ang = atan2f(b1 * a0 - b0 * a1, b0 * a0 + b1 * a1); /* arg(b conj(a)) */
  return fabsf(ang) * (float)(FS / (2 * PI * HL_DTMF_HOP));
}


/* Runs whose two tones hold this share of the energy skip the long-window
 * guard (see run_valid). */
#define GUARD_SHARE 0.95f
/* Checks the last HL_DTMF_RUN windows of the candidate pair (r, c): levels
 * steady (the tone fills the run), frequencies in tolerance and steady,
 * most of the energy in the two tones. */
static int run_valid(hl_dtmf_state *s, int r, int c, float *mr, float *mc) {
  const hl_dtmf_desc *d = s->desc;
  float minr = 1e30f, maxr = 0, minc = 1e30f, maxc = 0, sr = 0, sc = 0, se = 0, s450 = 0;
  float zr0 = 0, zr1 = 0, zc0 = 0, zc1 = 0, azr = 0, azc = 0;
  for (int j = 0; j < HL_DTMF_RUN; j++) {
    const struct hl__dtmf_win *e = &s->ring[j];
    minr = e->pr < minr ? e->pr : minr;
    maxr = e->pr > maxr ? e->pr : maxr;
    minc = e->pc < minc ? e->pc : minc;
    maxc = e->pc > maxc ? e->pc : maxc;
    sr += e->pr;
    sc += e->pc;
    se += e->e;
    s450 += e->e450;
    if (j != s->ring_pos) { /* the oldest entry's pair reaches outside the run */
      zr0 += e->zr[0], zr1 += e->zr[1], zc0 += e->zc[0], zc1 += e->zc[1];
      azr += sqrtf(e->zr[0] * e->zr[0] + e->zr[1] * e->zr[1]);
      azc += sqrtf(e->zc[0] * e->zc[0] + e->zc[1] * e->zc[1]);
    }
  }
  const int filled = minr >= FILL_POWER * maxr && minc >= FILL_POWER * maxc;
  /* A run that does not fill must pass hl__dtmf_steady, whose tests leave
     every window at least PROJ^2 STEADY of its lanes' mean power (a
     window's power is at least its projection squared, >= PROJ^2 times the
     coherent power, >= STEADY times the mean; 0.998 for rounding): a key's
     first run, its first window half filled (a quarter of the power), stops
     here before the arc tangents and the coherent sums. */
  const float steady_floor = PROJ * PROJ * STEADY * 0.998f / HL_DTMF_RUN;
  if (!filled && (minr < steady_floor * sr || minc < steady_floor * sc)) return 0;
  const float mzr = sqrtf(zr0 * zr0 + zr1 * zr1), mzc = sqrtf(zc0 * zc0 + zc1 * zc1);
  if (mzr <= 0 || mzc <= 0) return 0;
  if (mzr < COHERENCE * azr || mzc < COHERENCE * azc) return 0;
  /* Remove the nominal advance: what is left is the offset's phase per hop. */
  const float ar = zr0 * d->rot[r][0] - zr1 * d->rot[r][1], ac = zc0 * d->rot[c][0] - zc1 * d->rot[c][1];
  float ang_r, ang_c, th_r, th_c;
  if (filled) {
    /* a clean run (the common case, and every window of a long one): the
       advance from neighbouring windows rejects most runs cheaply */
    if (ar < mzr * d->cos_tol[r] || ac < mzc * d->cos_tol[c]) return 0;
    /* the offset's phase, refined over 3 hops (see below) */
    th_r = hl__dtmf_refine(s, 0, atan2f(zr1, zr0)), th_c = hl__dtmf_refine(s, 1, atan2f(zc1, zc0));
    ang_r = wrap_pi(th_r + d->rot_ang[r]);
    ang_c = wrap_pi(th_c + d->rot_ang[c]);
    if (fabsf(ang_r) > d->tol_ang[r] || fabsf(ang_c) > d->tol_ang[c]) return 0;
  } else {
    /* under speech: the coarse advance within twice the tolerance first
       (cos 2t = 2 cos^2 t - 1), then refined over 3 hops (a third of the
       error from what speech adds to a window, unwrapped around the first
       estimate), and the run must add up coherently */
    if (ar < mzr * (2 * d->cos_tol[r] * d->cos_tol[r] - 1) || ac < mzc * (2 * d->cos_tol[c] * d->cos_tol[c] - 1)) return 0;
    th_r = hl__dtmf_refine(s, 0, atan2f(zr1, zr0)), th_c = hl__dtmf_refine(s, 1, atan2f(zc1, zc0));
    ang_r = wrap_pi(th_r + d->rot_ang[r]);
    ang_c = wrap_pi(th_c + d->rot_ang[c]);
    if (!hl__dtmf_steady(s, r, c, th_r, th_c, ang_r, ang_c)) return 0;
  }
  const float bins_per_rad = (float)(FS / (2 * PI * HL_DTMF_HOP) / (FS / HL_DTMF_WIN));
  const float gr = hann_gain(ang_r * bins_per_rad), gc = hann_gain(ang_c * bins_per_rad);
  /* most of the energy (less any 450 Hz dial tone) is in the two tones */
  const float share = (sr / gr + sc / gc) / (se > 0 ? se : 1e-30f);
  if (share < d->min_fraction - SPEECH_SHARE_DROP) return 0;
  if (share < d->min_fraction && filled && !hl__dtmf_steady(s, r, c, th_r, th_c, ang_r, ang_c)) return 0;
  /* A key's frequencies do not move; voiced speech glides. Compare the phase
   * advance over the first two and the last two hops of the run. */
  const float maxd = filled ? MAX_DRIFT_HZ : STEADY_DRIFT_HZ;
  if (drift_hz(s, 0) > maxd || drift_hz(s, 1) > maxd) return 0;
  /* last, as they cost most (each long-window power costs about as much as
     40 samples through the kernel): steady harmonics of speech or music.
     Two tones holding GUARD_SHARE of the energy leave too little for either
     (a neighbouring harmonic 6 dB or an overtone 10 dB below the weaker
     tone takes at least 5 %), so clean keys skip them; what the 450 Hz
     lane took out as dial tone counts here (a voice's harmonic near 450 Hz
     is no dial tone). */
  if (sr / gr + sc / gc < GUARD_SHARE * (se + s450)) {
    const float hz = (float)(FS / (2 * PI * HL_DTMF_HOP)), fr = FREQ[r] + ang_r * hz, fc = FREQ[c] + ang_c * hz;
    if (hl__dtmf_harmonic(s, fr, fc)) return 0;
  }
  *mr = sr / HL_DTMF_RUN;
  *mc = sc / HL_DTMF_RUN;
  return 1;
}

/* A column-led run that ends: 0 if shorter than HL_DTMF_RUN windows, else
 * its windows << 5 | fresh << 4 | its column << 1 | 1 if its last window
 * was the one left out (fresh: this window's column lane is kept after the
 * run's, as a new run's first). */
static inline int run_end(const hl_dtmf_state *s, int fresh) {
  return s->col_run >= HL_DTMF_RUN ? s->col_run << 5 | fresh << 4 | s->col_cand << 1 | (s->col_skip == 0) : 0;
}

/* One window closed at sample s->sample: X = tone lanes re[8], im[8]
 * (in place: dial tone removed), dr / di the 450 Hz lane, E the window's
 * Hann-weighted mean power (mW0). */
static int analyse(hl_dtmf_state *restrict s, float *restrict X, float dr, float di, float E, const float *pin,
                   int rin, int cin) {
  const hl_dtmf_desc *restrict d = s->desc;
  float p[8], pmax = 0;
  float p450 = dr * dr + di * di;
  int r = 0, c = 4;
  if (pin) { /* the hop kernel has the powers and the strongest lanes */
    memcpy(p, pin, sizeof p);
    r = rin, c = cin;
    pmax = p[r] > p[c] ? p[r] : p[c];
  } else {
    for (int k = 0; k < 8; k++) {
      p[k] = X[k] * X[k] + X[8 + k] * X[8 + k];
      pmax = p[k] > pmax ? p[k] : pmax;
    }
  }
  /* A 450 Hz tone leaks about -31 dB into the nearest lane: it matters only
     when it is above -35 dBm0 (leaking at -66 dBm0 or more) and no more than
     10 dB below the strongest lane. Then take its leakage out of every lane
     (first order, enough to pick the lanes); Y keeps the raw lanes. */
  const int dial = p450 >= 4.0f * d->min_power && p450 >= 0.1f * pmax;
  float Y[16];
  if (dial) {
    memcpy(Y, X, sizeof Y);
    for (int k = 0; k < 8; k++) {
      X[k] = Y[k] - (d->leak_l[k][0] * dr - d->leak_l[k][1] * di);
      X[8 + k] = Y[8 + k] - (d->leak_l[k][0] * di + d->leak_l[k][1] * dr);
      p[k] = X[k] * X[k] + X[8 + k] * X[8 + k];
    }
  }
  if (!pin || dial) {
    r = 0, c = 4;
    for (int k = 1; k < 4; k++) r = p[k] > p[r] ? k : r;
    for (int k = 5; k < 8; k++) c = p[k] > p[c] ? k : c;
  }
  /* Exactly, for the two chosen lanes and only when they pass the level
     floor and the 450 Hz lane holds something: the 450 Hz lane holds
     D + M_r T_r + M_c T_c and lane k holds T_k + L_k D, so
     D = (Y450 - M_r Y_r - M_c Y_c) / (1 - M_r L_r - M_c L_c), the divisor
     tabulated per (row, column). */
  const int level_ok = p[r] >= d->min_power && p[c] >= d->min_power;
  if (level_ok && dial) {
    const float *Lr = d->leak_l[r], *Lc = d->leak_l[c], *Mr = d->leak_m[r], *Mc = d->leak_m[c];
    const float *q = d->leak_qinv[r][c - 4];
    float nr = dr - (Mr[0] * Y[r] - Mr[1] * Y[8 + r]) - (Mc[0] * Y[c] - Mc[1] * Y[8 + c]);
    float ni = di - (Mr[0] * Y[8 + r] + Mr[1] * Y[r]) - (Mc[0] * Y[8 + c] + Mc[1] * Y[c]);
    float Dr = nr * q[0] - ni * q[1], Di = nr * q[1] + ni * q[0];
    X[r] = Y[r] - (Lr[0] * Dr - Lr[1] * Di);
    X[8 + r] = Y[8 + r] - (Lr[0] * Di + Lr[1] * Dr);
    X[c] = Y[c] - (Lc[0] * Dr - Lc[1] * Di);
    X[8 + c] = Y[8 + c] - (Lc[0] * Di + Lc[1] * Dr);
    p[r] = X[r] * X[r] + X[8 + r] * X[8 + r];
    p[c] = X[c] * X[c] + X[8 + c] * X[8 + c];
    p450 = Dr * Dr + Di * Di;
  }
  const uint64_t T = s->sample;
  int events = 0, valid = 0;
  float mr = 0, mc = 0;
  uint64_t back = HL_DTMF_SPAN; /* from the start of the deciding run's first window to T */
  /* a column-led run of HL_DTMF_RUN windows or more that ends here (the
     whole-key decision takes it when no digit came of it), packed in one
     int (see run_end): its windows, its column and whether its last window
     was the one left out */
  int ended = 0;
  if (level_ok && !s->digit) {
    /* the run goes on while the column stays within 6 dB (COL_PFILL) from
       window to window: col_valid's fill test asks 3 dB of the whole run
       (6 dB of a precise key's), and a key's run that speech breaks for
       a window no longer starts again from one window */
    const int lead = p[c] * (1.0f / COL_WIN_SHARE) >= E - p450; /* may lead a run */
    const float cp = s->col_prev;
    int k = c, keep = lead; /* the column lane kept, and whether the window takes a place in the runs */
    if (lead && c == s->col_cand && s->col_run > 0 && p[c] >= COL_PFILL * cp && cp >= COL_PFILL * p[c]) {
      s->col_run++, s->col_prev = p[c];
      s->col_skip += s->col_skip >= 0;
    } else if (s->col_run > 0 && (s->col_skip < 0 || s->col_skip >= HL_DTMF_RUN - 1)) {
      /* one window of a run that speech disturbs is left out (decided
         over 7 windows, see col_valid) */
      s->col_run++, s->col_skip = 0, k = s->col_cand, keep = 1;
      s->col_alt = lead ? c : -1, s->col_altp = p[c];
    } else if (lead) {
      /* a new run, from the window left out if it starts there */
      const int alt = s->col_skip == 0 && c == s->col_alt && p[c] >= COL_PFILL * s->col_altp && s->col_altp >= COL_PFILL * p[c];
      ended = run_end(s, 1);
      s->col_run = alt ? 2 : 1, s->col_skip = -1, s->col_cand = c, s->col_prev = p[c];
    } else {
      ended = run_end(s, 0);
      s->col_run = 0, s->col_skip = -1;
    }
    /* the runs read back only windows inside them: a window that neither
       leads nor is left out of a run costs nothing here, and one left out
       takes its place unwritten (never read) */
    if (keep) {
      s->col_x[s->col_pw_pos][0] = X[k], s->col_x[s->col_pw_pos][1] = X[8 + k];
      s->col_pw_pos = (s->col_pw_pos + 1) & (HL_DTMF_COLPW - 1);
      if (lead) {
        float *l = s->lanes[s->lane_pos];
        memcpy(l, X, 16 * sizeof *X);
        l[16] = E - p450 > 0 ? E - p450 : 0;
        memcpy(l + 17, p, sizeof p); /* as the decisions would compute them from the lanes */
        /* the largest row and column powers (the pitch-residual decision's
           clean-key test): p[r], p[c] unless the exact dial tone removal
           above changed those two after picking them */
        float br = p[r], bc = p[c];
        if (dial) {
          br = bc = 0;
          for (int q = 0; q < 4; q++) br = p[q] > br ? p[q] : br, bc = p[4 + q] > bc ? p[4 + q] : bc;
        }
        l[25] = br + bc;
      }
      s->lane_pos = s->lane_pos == HL_DTMF_LANES - 1 ? 0 : s->lane_pos + 1;
    }
    /* the joint decision's run: windows in a row whose column may lead
       (RUN: the first run, RUN + 1: later ones) */
    s->lane_run = lead ? s->lane_run + (s->lane_run <= HL_DTMF_RUN) : 0;
  } else {
    if (!s->digit) ended = run_end(s, 0);
    s->col_run = 0, s->col_skip = -1;
    s->lane_run = 0;
  }
  if (level_ok && p[r] >= d->min_power && p[c] >= d->min_power && p[r] <= d->twist_n * p[c] && p[c] <= d->twist_r * p[r]) {
    if (s->run > 0 && r == s->cand_row && c == s->cand_col) {
      s->run++;
    } else {
      s->cand_row = r, s->cand_col = c, s->run = 1;
    }
    struct hl__dtmf_win *e = &s->ring[s->ring_pos];
    s->ring_pos = s->ring_pos == HL_DTMF_RUN - 1 ? 0 : s->ring_pos + 1;
    e->pr = p[r];
    e->pc = p[c];
    /* pulse pair X_k conj(X_{k-1}): its angle is the phase advance per hop */
    e->zr[0] = X[r] * s->prev[r] + X[8 + r] * s->prev[8 + r];
    e->zr[1] = X[8 + r] * s->prev[r] - X[r] * s->prev[8 + r];
    e->zc[0] = X[c] * s->prev[c] + X[8 + c] * s->prev[8 + c];
    e->zc[1] = X[8 + c] * s->prev[c] - X[c] * s->prev[8 + c];
    e->xr[0] = X[r], e->xr[1] = X[8 + r];
    e->xc[0] = X[c], e->xc[1] = X[8 + c];
    /* energy that is not China dial tone (450 Hz) underneath */
    float rest = E - p450;
    e->e = rest > 0 ? rest : 0;
    e->e450 = E - e->e;
    /* a digit already on with this pair needs no new decision */
    if (s->run >= HL_DTMF_RUN && !(s->digit && r == s->dig_r && c == s->dig_c)) valid = run_valid(s, r, c, &mr, &mc);
  } else {
    s->run = 0;
  }

  if (!valid && !s->digit && s->col_run >= HL_DTMF_RUN) {
    /* the last 6 windows, or 7 with the one left out inside them */
    int rr, span = 0, skip = -1;
    if (s->col_skip < 0 || s->col_skip >= HL_DTMF_RUN) span = HL_DTMF_RUN;
    else if (s->col_skip >= 1 && s->col_run > HL_DTMF_RUN) span = HL_DTMF_LANES, skip = HL_DTMF_RUN - s->col_skip;
    int ok = span && hl__dtmf_col_valid(s, s->col_cand, span, skip, &rr, &mr, &mc);
    /* a run of 7 without a window left out whose 6-window runs fail: each
       inner window left out in turn */
    if (!ok && span == HL_DTMF_RUN && s->col_run > HL_DTMF_RUN && (s->col_skip < 0 || s->col_skip > HL_DTMF_RUN))
      for (span = HL_DTMF_LANES, skip = 1; skip < HL_DTMF_RUN && !ok; skip += !ok) ok = hl__dtmf_col_valid(s, s->col_cand, span, skip, &rr, &mr, &mc);
    /* a run of 6 with its window left out inside: the 5 others (40 ms keys
       have 6 full windows) */
    if (!ok && s->col_skip >= 1 && s->col_skip <= HL_DTMF_RUN - 2)
      span = HL_DTMF_RUN, skip = HL_DTMF_RUN - 1 - s->col_skip, ok = hl__dtmf_col_valid(s, s->col_cand, span, skip, &rr, &mr, &mc);
    if (ok) {
      valid = 1, r = rr, c = s->col_cand;
      back = hl__dtmf_col_back(s, span, skip);
    }
  }
  if (!valid && !s->digit && s->lane_run >= HL_DTMF_RUN) {
    /* the joint decision, then the same run on the voice's
       pitch-prediction residual (dtmf_joint.c, dtmf_ltp.c) */
    int rr, cc;
    const int n = hl__dtmf_run_decide(s, &rr, &cc, &mr, &mc);
    if (n) valid = 1, r = rr, c = cc, back = HL_DTMF_SPAN + (uint64_t)(n - 1) * HL_DTMF_HOP;
  }
  if (!valid && !s->digit && ended) {
    /* a column-led run long enough for a key ended undecided: the whole
       key's extent, from the samples kept (dtmf_whole.c); the run's last
       window closed a hop ago, its last leading one two if that was the
       one left out */
    const int cc = (ended >> 1) & 7;
    const uint64_t last = T - HL_DTMF_HOP, t0 = last - (uint64_t)((ended >> 5) - 1) * HL_DTMF_HOP;
    int rr;
    uint64_t st;
    if (hl__dtmf_whole(s, cc, t0, last - (ended & 1 ? HL_DTMF_HOP : 0), ended >> 4 & 1, &rr, &mr, &mc, &st))
      valid = 1, r = rr, c = cc, back = T - st + START_OFFSET;
  }
  if (s->digit && valid && (r != s->dig_r || c != s->dig_c)) {
    /* another key without a gap: the old one ends where the new one starts */
    uint64_t st = T > HL_DTMF_WIN + (HL_DTMF_RUN - 1) * HL_DTMF_HOP ? T - HL_DTMF_WIN - (HL_DTMF_RUN - 1) * HL_DTMF_HOP + START_OFFSET : 0;
    hl_dtmf_event ev = {HL_DTMF_EV_END, s->digit, s->digit_start, st > s->digit_start ? st : s->digit_start + 1,
                        to_db(s->ref_r), to_db(s->ref_c)};
    emit(s, &ev);
    events++;
    s->digit = 0;
  }
  if (s->digit) {
    if (p[s->dig_r] >= PRESENT_POWER * s->ref_r && p[s->dig_c] >= PRESENT_POWER * s->ref_c) {
      s->misses = 0;
    } else {
      if (s->misses == 0) s->miss_at = T - HL_DTMF_WIN + END_OFFSET;
      if (++s->misses >= d->end_windows) {
        hl_dtmf_event ev = {HL_DTMF_EV_END, s->digit, s->digit_start,
                            s->miss_at > s->digit_start ? s->miss_at : s->digit_start + 1, to_db(s->ref_r), to_db(s->ref_c)};
        emit(s, &ev);
        events++;
        s->digit = 0;
      }
    }
  } else if (valid) {
    s->digit = KEYS[r * 4 + (c - 4)];
    s->dig_r = r, s->dig_c = c;
    s->ref_r = mr, s->ref_c = mc;
    s->misses = 0;
    s->digit_start = T > back ? T - back + START_OFFSET : 0;
    hl_dtmf_event ev = {HL_DTMF_EV_START, s->digit, s->digit_start, 0, to_db(mr), to_db(mc)};
    emit(s, &ev);
    events++;
  }
  memcpy(s->prev, X, sizeof s->prev);
  return events;
}

/* A hop ended: X is the closing window's lanes (float), sums the hop's
 * energy and 450 Hz sums (see hl__dtmf_hop_fn). */
static int hop_done(hl_dtmf_state *s, float *X, const int32_t *sums, const float *pin) {
  const hl_dtmf_desc *d = s->desc;
  const int h = 1 - s->half, nw = s->half; /* h: opened a hop ago, closes now */
  const float dr = (float)(int32_t)((uint32_t)s->w450[h][0] + (uint32_t)sums[4]) * d->kscale;
  const float di = (float)(int32_t)((uint32_t)s->w450[h][1] + (uint32_t)sums[5]) * d->kscale;
  s->w450[nw][0] += sums[2];
  s->w450[nw][1] += sums[3];
  s->w450[h][0] = s->w450[h][1] = 0;
  const float sall = (float)sums[0], sw = (float)sums[1];
  const float E = (s->e_first + (sall * (32767.0f / 65536.0f) - sw)) * d->escale;
  s->e_first = sw;
  s->half = h;
  return analyse(s, X, dr, di, E, pin, pin ? sums[6] : 0, pin ? sums[7] : 0);
}

/* The partial-kernel way: sums kept in the state, read back here. */
static int hop_end(hl_dtmf_state *s) {
  const hl_dtmf_desc *d = s->desc;
  int32_t *W = s->acc[1 - s->half];
  float X[16]; /* re[8], im[8] */
  for (int k = 0; k < 16; k++) X[k] = (float)W[k] * d->kscale;
  memset(W, 0, 16 * sizeof *W);
  int32_t sums[8] = {lanes_sum(s->hopen), lanes_sum(s->hopen + 8), lanes_sum(s->hop450[0]),
                     lanes_sum(s->hop450[1]), lanes_sum(s->hop450[2]), lanes_sum(s->hop450[3]), 0, 0};
  memset(s->hop450, 0, sizeof s->hop450);
  memset(s->hopen, 0, sizeof s->hopen);
  return hop_done(s, X, sums, NULL);
}

/* Runs 13-bit samples through the kernel. The kernel takes pairs starting at
 * an even position in the hop; an odd sample at the end of a call waits in
 * s->pend for its partner (it is already counted in s->sample; no window
 * closes in between, since hops have an even length). */
static int feed13(hl_dtmf_state *s, const int16_t *x, size_t n) {
  const hl_dtmf_desc *d = s->desc;
  const hl__dtmf_kern_fn kern = hl__dtmf_kern[d->isa];
  const hl__dtmf_hop_fn hop = hl__dtmf_hop[d->isa];
  int events = 0;
  while (n) {
    if (hop && s->pos == 0 && n >= HL_DTMF_HOP) {
      /* a whole hop: the closing window never goes back through memory */
      float X[24]; /* lanes re[8], im[8], then powers[8] */
      int32_t sums[8];
      hop(d, s->acc[s->half], s->acc[1 - s->half], x, X, sums);
      memset(s->acc[1 - s->half], 0, sizeof s->acc[0]);
      s->sample += HL_DTMF_HOP;
      x += HL_DTMF_HOP;
      n -= HL_DTMF_HOP;
      events += hop_done(s, X, sums, X + 16);
      continue;
    }
    int at = s->pos, m;
    if (s->pos & 1) {
      const int16_t pair[2] = {s->pend, x[0]};
      kern(d, s->acc[s->half], s->acc[1 - s->half], &s->hop450[0][0], s->hopen, pair, 2, at - 1);
      m = 1;
    } else {
      m = HL_DTMF_HOP - at;
      if ((size_t)m > n) m = (int)n;
      int even = m & ~1;
      if (even) kern(d, s->acc[s->half], s->acc[1 - s->half], &s->hop450[0][0], s->hopen, x, even, at);
      if (m & 1) s->pend = x[even];
    }
    s->pos += m;
    s->sample += (uint64_t)m;
    x += m;
    n -= (size_t)m;
    if (s->pos == HL_DTMF_HOP) {
      s->pos = 0;
      events += hop_end(s);
    }
  }
  return events;
}

/* Each entry converts up to two ticks at a time to 13-bit samples (16-bit / 8:
 * exact for G.711, whose linear values are multiples of 8 or 4) straight into
 * the state's ring of recent samples (the long-window checks read the run
 * from there), and runs them through the kernel from there. */
#define FEED_BUF 160 /* two board ticks: vector loops without tails */
_Static_assert(FEED_BUF + HL_DTMF_SPAN <= HL_DTMF_HIST, "a run's samples stay in the ring while it is decided");
_Static_assert(HL_DTMF_HIST % FEED_BUF == 0, "whole chunks fit the ring");
/* Where the next chunk of at most n samples goes, and its length. */
static inline int16_t *ring_chunk(hl_dtmf_state *s, size_t n, size_t *m) {
  const size_t room = (size_t)(HL_DTMF_HIST - s->hist_pos);
  *m = n < FEED_BUF ? n : FEED_BUF;
  if (*m > room) *m = room;
  int16_t *buf = s->hist + s->hist_pos;
  s->hist_pos += (int)*m;
  if (s->hist_pos == HL_DTMF_HIST) s->hist_pos = 0;
  return buf;
}
#define FEED(CONVERT)                                   \
  int events = 0;                                       \
  while (n) {                                           \
    size_t m;                                           \
    int16_t *buf = ring_chunk(s, n, &m);                \
    for (size_t i = 0; i < m; i++) buf[i] = CONVERT;    \
    events += feed13(s, buf, m);                        \
    x += m;                                             \
    n -= m;                                             \
  }                                                     \
  return events;

static inline int16_t f32_to13(float v) {
  /* saturate to the 16-bit range, then to 13 bits, rounding */
  v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
  return (int16_t)lrintf(v * 0.125f);
}

int hl_dtmf_rx_f32(hl_dtmf_state *s, const float *x, size_t n) { FEED(f32_to13(x[i])) }
int hl_dtmf_rx_i16(hl_dtmf_state *s, const int16_t *x, size_t n) { FEED((int16_t)(x[i] >> 3)) }
int hl_dtmf_rx_alaw(hl_dtmf_state *s, const uint8_t *x, size_t n) {
  int events = 0;
  while (n) {
    size_t m;
    int16_t *buf = ring_chunk(s, n, &m);
    hl_g711_alaw_decode13_block(buf, x, m);
    events += feed13(s, buf, m);
    x += m;
    n -= m;
  }
  return events;
}
int hl_dtmf_rx_ulaw(hl_dtmf_state *s, const uint8_t *x, size_t n) { FEED((int16_t)(hl_g711_ulaw_to_i16[x[i]] >> 3)) }
