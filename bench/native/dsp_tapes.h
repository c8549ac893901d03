/* Test tapes for the DSP detectors, shared by test/native/dtmf_test.c and the
 * benchmark (native/addon/dsp_bench.cc): tones from our generator, white
 * Gaussian noise from our own generator, China dial tone, then an A-law
 * round trip, as a real E1 timeslot would carry them. Header-only (static
 * functions) so neither build needs a source-list entry; plain C that also
 * compiles as C++. The tapes allocate: they are test fixtures, not rx code. */
#ifndef HL_BENCH_DSP_TAPES_H
#define HL_BENCH_DSP_TAPES_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/g711.h"
#include "dsp/tone_gen.h"

/* xorshift64* (Vigna): fast, good enough for noise and trial parameters. */
typedef struct tape_rng {
  uint64_t s;
} tape_rng;

static inline uint64_t tape_rng_next(tape_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 2685821657736338717ull;
}
/* uniform in [0, 1) */
static inline double tape_uniform(tape_rng *r) { return (double)(tape_rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }
static inline int tape_randint(tape_rng *r, int lo, int hi) { return lo + (int)(tape_uniform(r) * (hi - lo + 1)); }
/* standard normal (Box-Muller) */
static inline double tape_gauss(tape_rng *r) {
  double u = tape_uniform(r), v = tape_uniform(r);
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

typedef struct tape {
  float *x; /* linear, 16-bit units */
  size_t n, cap;
} tape;

static inline void tape_reset(tape *t) { t->n = 0; }
static inline void tape_free(tape *t) {
  free(t->x);
  t->x = NULL;
  t->n = t->cap = 0;
}
static inline float *tape_grow(tape *t, size_t k) {
  if (t->n + k > t->cap) {
    size_t c = t->cap ? t->cap : 8000;
    while (c < t->n + k) c *= 2;
    t->x = (float *)realloc(t->x, c * sizeof(float));
    if (!t->x) abort();
    t->cap = c;
  }
  float *p = t->x + t->n;
  memset(p, 0, k * sizeof(float));
  t->n += k;
  return p;
}
static inline size_t tape_ms(double ms) { return (size_t)(ms * 8.0 + 0.5); }
static inline void tape_silence_n(tape *t, size_t n) { tape_grow(t, n); }
static inline void tape_silence(tape *t, double ms) { tape_grow(t, tape_ms(ms)); }

/* Dual tone through our generator; f = 0 for a single tone. */
static inline void tape_dual_n(tape *t, double f1, double l1, double f2, double l2, size_t n) {
  hl_tone_desc d;
  hl_tone_gen g;
  int16_t buf[256];
  float *p = tape_grow(t, n);
  if (hl_tone_desc_dual(&d, (float)f1, (float)l1, (float)f2, (float)l2, 0, 0, 1) || hl_tone_gen_init(&g, &d)) abort();
  for (size_t i = 0; i < n;) {
    size_t k = n - i < 256 ? n - i : 256;
    hl_tone_gen_tx(&g, buf, k);
    for (size_t j = 0; j < k; j++) p[i + j] = buf[j];
    i += k;
  }
}

static inline int tape_dtmf_freqs(char digit, double *lo, double *hi) {
  static const char keys[] = "123A456B789C*0#D";
  static const double rows[4] = {697, 770, 852, 941}, cols[4] = {1209, 1336, 1477, 1633};
  const char *k = strchr(keys, digit);
  if (!k || !digit) return -1;
  *lo = rows[(k - keys) / 4];
  *hi = cols[(k - keys) % 4];
  return 0;
}

/* A DTMF key with relative frequency offsets (0.015 = +1.5 %) and levels. */
static inline void tape_dtmf_n(tape *t, char digit, double off_lo, double off_hi, double l_lo, double l_hi, size_t n) {
  double lo, hi;
  if (tape_dtmf_freqs(digit, &lo, &hi)) abort();
  tape_dual_n(t, lo * (1 + off_lo), l_lo, hi * (1 + off_hi), l_hi, n);
}

/* Adds a tone from `from` to the end (for a tone underneath everything). */
static inline void tape_overlay_tone(tape *t, size_t from, double f, double level) {
  tape o = {0, 0, 0};
  tape_dual_n(&o, f, level, 0, -99, t->n - from);
  for (size_t i = from; i < t->n; i++) t->x[i] += o.x[i - from];
  tape_free(&o);
}

/* White Gaussian noise over 0-4 kHz at `level` dBm0 (mean power). */
static inline void tape_overlay_noise(tape *t, size_t from, double level, tape_rng *r) {
  double sigma = HL_TONE_DBM0_PEAK / sqrt(2.0) * pow(10.0, level / 20.0);
  for (size_t i = from; i < t->n; i++) t->x[i] += (float)(sigma * tape_gauss(r));
}

/* A-law encode (saturating), i.e. what arrives on the timeslot. */
static inline void tape_to_alaw(const tape *t, uint8_t *out) {
  for (size_t i = 0; i < t->n; i++) {
    float v = t->x[i];
    long q = lrintf(v);
    if (q > 32767) q = 32767;
    if (q < -32768) q = -32768;
    out[i] = hl_g711_alaw_encode((int16_t)q);
  }
}

#endif
