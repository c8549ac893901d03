/* Line echo canceller (see echo.h for what and why). */
#include "echo.h"

#include <math.h>
#include <string.h>

#include "hl_errors.h"
#include "tone_gen.h"

/* Pre-whitening x[n] - A x[n-1]: speech's spectrum falls ~6 dB/octave above
 * a few hundred Hz; 0.7 flattens most of it (measured on the project's
 * prompts: 0.875 converged slower on some paths). */
#define WHITEN 0.7f
/* Background vs foreground, per 10 ms block of sums smoothed over ~2 blocks:
 * take the background when its error power is below COPY_RATIO of the
 * foreground's (3 dB better); reset it when above RESET_RATIO (6 dB worse). */
#define COPY_RATIO 0.5f
#define RESET_RATIO 4.0f
/* Re-sum the whitened reference power from scratch this often (samples), so
 * float/double drift of the running sum never builds up. */
#define RESUM_EVERY 8192

static int cpu_has_avx2_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

/* One sample of both filters in one pass over memory: the background takes
 * the previous sample's update (wb += g * xwp, xwp = the previous whitened
 * reference window), then both filters are applied to this sample's window
 * x. taps is a multiple of 8. Vector extensions keep it one source for the
 * generic build (SSE2 on x86-64) and the AVX2 + FMA clone. */
#define KERNEL_BODY(VT, L)                                               \
  VT accb0 = {0}, accb1 = {0}, accf0 = {0}, accf1 = {0};                 \
  VT n0 = {0}, n1 = {0}, c0 = {0}, c1 = {0}, e0 = {0}, e1 = {0}, gv, av, bv, sign; \
  for (int j = 0; j < L; j++) gv[j] = g, av[j] = a, bv[j] = b, sign[j] = -0.0f; \
  for (int k = 0; k < taps; k += 2 * L) {                                \
    VT w0, w1, p0, p1, x0, x1, f0, f1;                                   \
    memcpy(&w0, wb + k, sizeof w0);                                      \
    memcpy(&w1, wb + k + L, sizeof w1);                                  \
    memcpy(&p0, xwp + k, sizeof p0);                                     \
    memcpy(&p1, xwp + k + L, sizeof p1);                                 \
    memcpy(&x0, x + k, sizeof x0);                                       \
    memcpy(&x1, x + k + L, sizeof x1);                                   \
    memcpy(&f0, wf + k, sizeof f0);                                      \
    memcpy(&f1, wf + k + L, sizeof f1);                                  \
    VT m0 = (VT)((ivt)w0 & ~(ivt)sign), m1 = (VT)((ivt)w1 & ~(ivt)sign); \
    VT u0 = (av + bv * m0) * p0, u1 = (av + bv * m1) * p1, q0, q1;      \
    memcpy(&q0, x + 1 + k, sizeof q0);                                   \
    memcpy(&q1, x + 1 + k + L, sizeof q1);                               \
    c0 += u0 * q0;                                                       \
    c1 += u1 * q1;                                                       \
    e0 += u0 * p0;                                                       \
    e1 += u1 * p1;                                                       \
    w0 += gv * u0;                                                       \
    w1 += gv * u1;                                                       \
    memcpy(wb + k, &w0, sizeof w0);                                      \
    memcpy(wb + k + L, &w1, sizeof w1);                                  \
    n0 += (VT)((ivt)w0 & ~(ivt)sign);                                    \
    n1 += (VT)((ivt)w1 & ~(ivt)sign);                                    \
    accb0 += w0 * x0;                                                    \
    accb1 += w1 * x1;                                                    \
    accf0 += f0 * x0;                                                    \
    accf1 += f1 * x1;                                                    \
  }                                                                      \
  accb0 += accb1;                                                        \
  accf0 += accf1;                                                        \
  n0 += n1;                                                              \
  c0 += c1;                                                              \
  e0 += e1;                                                              \
  float sb = 0, sf = 0, sn = 0, sc = 0, se = 0;                          \
  for (int j = 0; j < L; j++) sb += accb0[j], sf += accf0[j], sn += n0[j], sc += c0[j], se += e0[j]; \
  *cross = sc;                                                           \
  *wpow = se;                                                            \
  *yb = sb;                                                              \
  *yf = sf;                                                              \
  *l1 = sn;

typedef float hl__v4 __attribute__((vector_size(16)));
typedef int32_t hl__i4 __attribute__((vector_size(16)));
static void kern_generic(const float *x, const float *xwp, float *wb, const float *wf, float g, float a, float b,
                         int taps, float *yb, float *yf, float *l1, float *cross, float *wpow) {
  typedef hl__i4 ivt;
  KERNEL_BODY(hl__v4, 4)
}

#if defined(__x86_64__) || defined(__i386__)
typedef float hl__v8 __attribute__((vector_size(32)));
typedef int32_t hl__i8 __attribute__((vector_size(32)));
__attribute__((target("avx2,fma"))) static void kern_avx2(const float *x, const float *xwp, float *wb, const float *wf,
                                                          float g, float a, float b, int taps, float *yb, float *yf,
                                                          float *l1, float *cross, float *wpow) {
  typedef hl__i8 ivt;
  KERNEL_BODY(hl__v8, 8)
}
#define HAVE_AVX2_KERNEL 1
#endif

void hl_echo_params_default(hl_echo_params *p) {
  p->tail_ms = 64;
  p->step = 0.25f;
  p->geigel_db = 6.0f;
  p->dt_hold_ms = 40;
  p->nlp = 0;
  p->comfort_noise = 1;
}

int hl_echo_desc_set_isa(hl_echo_desc *d, int isa) {
  if (!d || isa < 0 || isa > 1) return HL_EINVAL;
#ifdef HAVE_AVX2_KERNEL
  if (isa == 1 && !cpu_has_avx2_fma()) return HL_ENOTSUP;
#else
  if (isa == 1) return HL_ENOTSUP;
#endif
  d->isa = isa;
  return 0;
}

int hl_echo_desc_init(hl_echo_desc *d, const hl_echo_params *pp) {
  hl_echo_params p;
  if (pp) p = *pp;
  else hl_echo_params_default(&p);
  if (!d || p.tail_ms < 8 || p.tail_ms > HL_ECHO_MAX_TAPS / 8 || !(p.step > 0 && p.step <= 1) ||
      !(p.geigel_db >= 0 && p.geigel_db <= 30) || p.dt_hold_ms < 0 || p.dt_hold_ms > 1000 || (p.nlp != 0 && p.nlp != 1) ||
      (p.comfort_noise != 0 && p.comfort_noise != 1))
    return HL_EINVAL;
  memset(d, 0, sizeof *d);
  d->taps = p.tail_ms * 8; /* a multiple of 8 (and of 16 for two-register steps: rounded up below) */
  d->taps = (d->taps + 15) & ~15;
  if (d->taps > HL_ECHO_MAX_TAPS) d->taps = HL_ECHO_MAX_TAPS;
  d->step = p.step;
  d->geigel = powf(10.0f, -p.geigel_db / 20.0f);
  const float P0 = HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2.0f; /* 0 dBm0 mean power, 16-bit units^2 */
  /* Adapt only while the whitened reference over the tail averages above
     -55 dBm0: below that the prompt is a pause and the error is line noise. */
  d->min_ref_power = (float)d->taps * P0 * powf(10.0f, -55.0f / 10.0f);
  /* NLMS regularisation: a -65 dBm0 floor over the tail keeps the step finite */
  d->delta = (float)d->taps * P0 * powf(10.0f, -65.0f / 10.0f);
  d->dt_hold = p.dt_hold_ms * 8;
  d->nlp = p.nlp;
  d->comfort_noise = p.comfort_noise;
#ifdef HAVE_AVX2_KERNEL
  d->isa = cpu_has_avx2_fma() ? 1 : 0;
#endif
  return 0;
}

int hl_echo_init(hl_echo_state *s, const hl_echo_desc *d) {
  if (!s || !d || d->taps < 16 || d->taps > HL_ECHO_MAX_TAPS) return HL_EINVAL;
  memset(s, 0, sizeof *s);
  s->desc = d;
  s->npeaks = (d->taps + HL_ECHO_BLOCK - 1) / HL_ECHO_BLOCK + 1;
  s->rng = 0x12345678u;
  return 0;
}

static inline int16_t sat16f(float v) {
  v = v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v;
  return (int16_t)lrintf(v);
}

/* 10 ms block done: keep the better filter, Geigel's peak over the tail,
 * the NLP's noise estimate. */
static void block_end(hl_echo_state *s) {
  const hl_echo_desc *d = s->desc;
  const int taps = d->taps;
  s->ad = 0.5f * s->ad + s->sd;
  s->af = 0.5f * s->af + s->sf;
  s->ab = 0.5f * s->ab + s->sb;
  const int ref_on = s->sx > d->min_ref_power * ((float)HL_ECHO_BLOCK / (float)taps);
  if (ref_on) {
    if (s->ab < COPY_RATIO * s->af && s->ab < s->ad) {
      memcpy(s->wf, s->wb, sizeof(float) * (size_t)taps);
      s->af = s->ab;
      s->copies++;
    } else if (s->af > 2.0f * s->ad) {
      /* the output filter adds echo (3 dB worse than none): it learnt from
         a background that went wrong after the copy; start again */
      memset(s->wf, 0, sizeof(float) * (size_t)taps);
      memset(s->wb, 0, sizeof(float) * (size_t)taps);
      s->af = s->ab = s->ad;
      s->gain_prev = 0;
      s->resets++;
    } else if (s->ab > RESET_RATIO * s->af) {
      memcpy(s->wb, s->wf, sizeof(float) * (size_t)taps);
      s->ab = s->af;
      s->gain_prev = 0;
      s->resets++;
    }
  } else if (d->nlp) {
    /* reference quiet: what is left is the line's own noise */
    float p = s->sf / HL_ECHO_BLOCK;
    s->noise = s->noise > 0 ? 0.9f * s->noise + 0.1f * p : p;
  }
  if (s->hold > 0) s->dt_blocks++;
  s->peaks[s->peak_at] = s->peak_block;
  s->peak_at = (s->peak_at + 1) % s->npeaks;
  float m = 0;
  for (int i = 0; i < s->npeaks; i++) m = s->peaks[i] > m ? s->peaks[i] : m;
  s->peak_tail = m;
  s->peak_block = 0;
  s->sd = s->sf = s->sb = s->sx = 0;
  s->bpos = 0;
}

int hl_echo_rx(hl_echo_state *s, const int16_t *rx, const int16_t *ref, int16_t *out, size_t n) {
  const hl_echo_desc *d = s->desc;
  const int taps = d->taps, R = taps + 8; /* ring period: the update's window never meets the new sample */
  for (size_t i = 0; i < n; i++) {
    const float xn = (float)ref[i], dn = (float)rx[i];
    const float xwn = xn - WHITEN * s->x_last;
    s->x_last = xn;
    if (--s->pos < 0) s->pos = R - 1;
    const int p = s->pos;
    /* the whitened sample leaving the tail window (still intact: the ring is
       longer than the window) */
    const float old = s->xw[p + taps], oldx = s->x[p + taps];
    s->x[p] = s->x[p + R] = xn;
    s->xw[p] = s->xw[p + R] = xwn;
    s->xw_power += (double)xwn * xwn - (double)old * old;
    s->xw_x += (double)xwn * xn - (double)old * oldx;
    if ((s->sample & (RESUM_EVERY - 1)) == 0) {
      double e = 0, c = 0;
      for (int k = 0; k < taps; k++) e += (double)s->xw[p + k] * s->xw[p + k], c += (double)s->xw[p + k] * s->x[p + k];
      s->xw_power = e;
      s->xw_x = c;
    }
    float yb, yf, l1, cross, wpow;
    /* IPNLMS (alpha = 0.5): tap k steps by (1 - a) / 2 + (1 + a) L |w_k| /
       (2 ||w||_1), so the few taps that hold the echo (bulk delay, then a
       few ms of hybrid) learn fast while the rest stay near zero. a = 0.5
       against 0: slowest convergence 3.75 -> 2.95 s and worst ERLE 20.8 ->
       23.1 dB (test/native/echo_test.c); a = 0.8 leaves 16.8 dB at ERL 20
       dB, and steps above 0.25 lose ERLE after double talk */
    const float pa = 0.25f, pb = 0.75f * (float)taps / (s->wb_l1 + 1e-3f);
#ifdef HAVE_AVX2_KERNEL
    if (d->isa == 1) kern_avx2(s->x + p, s->xw + p + 1, s->wb, s->wf, s->gain_prev, pa, pb, taps, &yb, &yf, &l1, &cross, &wpow);
    else
#endif
      kern_generic(s->x + p, s->xw + p + 1, s->wb, s->wf, s->gain_prev, pa, pb, taps, &yb, &yf, &l1, &cross, &wpow);
    s->wb_l1 = l1;
    /* the previous sample's error after this sample's update of the
       background (w += g u, u the shared-out whitened window):
       e - g (u . x) over the previous window */
    const float eb_post = s->eb_last - s->gain_prev * cross;
    const float eb = dn - yb, ef = dn - yf;
    /* the whitened error, exact for the updated filter: the step then
       behaves as NLMS on whitened signals (with the a priori previous error
       the loop goes unstable for strong whitening) */
    const float ebw = eb - WHITEN * eb_post;
    s->eb_last = eb;
    /* Geigel: a received peak too strong to be echo of anything sent over
       the tail is near-end speech (or a key) */
    const float ax = fabsf(xn);
    if (ax > s->peak_block) s->peak_block = ax;
    const float peak = s->peak_tail > s->peak_block ? s->peak_tail : s->peak_block;
    if (fabsf(dn) > d->geigel * peak) s->hold = d->dt_hold;
    const float pw = (float)s->xw_power;
    if (s->hold > 0) {
      s->hold--;
      s->gain_prev = 0;
    } else {
      /* normalised by the shared-out power of the window (sum f_k xw_k^2,
         one sample late): with the plain power the loop went unstable at
         steps of 0.4 and more */
      s->gain_prev = pw > d->min_ref_power ? d->step * ebw / (wpow + d->delta) : 0.0f;
    }
    s->sd += dn * dn;
    s->sf += ef * ef;
    s->sb += eb * eb;
    s->sx += xn * xn;
    float o = ef;
    if (d->nlp && s->hold == 0 && s->af < 0.25f * s->ad && s->sx > 0) {
      /* converged (ERLE above 6 dB), no near-end: what is left is residual
         echo; replace it by comfort noise at the line's level (uniform
         noise of variance noise: amplitude sqrt(3 noise)) */
      s->rng = s->rng * 1664525u + 1013904223u;
      float u = (float)(int32_t)s->rng * (1.0f / 2147483648.0f);
      o = d->comfort_noise ? u * sqrtf(3.0f * s->noise) : 0.0f;
    }
    out[i] = sat16f(o);
    s->sample++;
    if (++s->bpos == HL_ECHO_BLOCK) block_end(s);
  }
  return 0;
}
