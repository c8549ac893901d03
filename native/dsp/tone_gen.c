/* Tone generation (see tone_gen.h). */
#include "tone_gen.h"

#include <math.h>
#include <string.h>

#include "g711.h"
#include "hl_errors.h"

#define FS 8000.0
#define TWO_PI 6.283185307179586

float hl_tone_dbm0_to_peak(float dbm0) { return HL_TONE_DBM0_PEAK * powf(10.0f, dbm0 / 20.0f); }

static int seg_ok(float f1, float l1, float f2, float l2) {
  /* f = 0 means silent; below 4000 Hz (Nyquist at 8 kHz); levels up to the
     A-law overload point (+3.14 dBm0). */
  if (!(f1 >= 0 && f1 < 4000) || !(f2 >= 0 && f2 < 4000)) return 0;
  if (!(l1 <= 3.14f) || !(l2 <= 3.14f)) return 0; /* also rejects NaN */
  return 1;
}

int hl_tone_desc_add(hl_tone_desc *d, float f1_hz, float l1_dbm0, float f2_hz, float l2_dbm0, uint32_t ms) {
  if (!d || !seg_ok(f1_hz, l1_dbm0, f2_hz, l2_dbm0)) return HL_EINVAL;
  if (d->nseg < 0 || d->nseg >= HL_TONE_MAX_SEGS) return HL_ENOSPC;
  if (d->nseg > 0 && d->seg[d->nseg - 1].ms == 0) return HL_EINVAL; /* after a for-ever segment */
  hl_tone_seg *s = &d->seg[d->nseg++];
  s->f1_hz = f1_hz;
  s->f2_hz = f2_hz;
  s->l1_dbm0 = l1_dbm0;
  s->l2_dbm0 = l2_dbm0;
  s->ms = ms;
  return 0;
}

int hl_tone_desc_dual(hl_tone_desc *d, float f1_hz, float l1_dbm0, float f2_hz, float l2_dbm0, uint32_t on_ms,
                      uint32_t off_ms, int repeat) {
  if (!d || repeat < 0) return HL_EINVAL;
  memset(d, 0, sizeof *d);
  int r = hl_tone_desc_add(d, f1_hz, l1_dbm0, f2_hz, l2_dbm0, on_ms);
  if (r) return r;
  if (on_ms && off_ms) r = hl_tone_desc_add(d, 0, -99, 0, -99, off_ms);
  d->repeat = on_ms ? repeat : 1;
  return r;
}

int hl_tone_desc_dtmf(hl_tone_desc *d, char digit, float low_dbm0, float high_dbm0, uint32_t on_ms, uint32_t off_ms) {
  static const char keys[] = "123A456B789C*0#D";
  static const float rows[4] = {697, 770, 852, 941}, cols[4] = {1209, 1336, 1477, 1633};
  if (!d || on_ms == 0) return HL_EINVAL;
  const char *k = digit ? strchr(keys, digit >= 'a' && digit <= 'd' ? digit - 32 : digit) : NULL;
  if (!k) return HL_EINVAL;
  int i = (int)(k - keys);
  return hl_tone_desc_dual(d, rows[i / 4], low_dbm0, cols[i % 4], high_dbm0, on_ms, off_ms, 1);
}

int hl_tone_desc_china(hl_tone_desc *d, hl_tone_china kind, float level_dbm0) {
  /* China tones: 450 Hz (YD/T 1429 / GB 16794 practice). */
  switch (kind) {
    case HL_TONE_CN_DIAL: return hl_tone_desc_dual(d, 450, level_dbm0, 0, -99, 0, 0, 0);
    case HL_TONE_CN_BUSY: return hl_tone_desc_dual(d, 450, level_dbm0, 0, -99, 350, 350, 0);
    case HL_TONE_CN_RINGBACK: return hl_tone_desc_dual(d, 450, level_dbm0, 0, -99, 1000, 4000, 0);
    case HL_TONE_CN_CONGESTION: return hl_tone_desc_dual(d, 450, level_dbm0, 0, -99, 700, 700, 0);
  }
  return HL_EINVAL;
}

static void start_seg(hl_tone_gen *g) {
  const hl_tone_seg *s = &g->desc.seg[g->seg];
  const float f[2] = {s->f1_hz, s->f2_hz}, l[2] = {s->l1_dbm0, s->l2_dbm0};
  g->left = (uint32_t)((uint64_t)s->ms * 8); /* 8 samples per ms at 8 kHz */
  for (int i = 0; i < 2; i++) {
    /* The phasor is never reset after init, only its rotation changes, so
       the waveform is phase-continuous across segments and calls. */
    double w = TWO_PI * f[i] / FS;
    g->rc[i] = cos(w);
    g->rs[i] = sin(w);
    g->amp[i] = f[i] > 0 && l[i] > -90 ? hl_tone_dbm0_to_peak(l[i]) : 0.0f;
  }
}

int hl_tone_gen_init(hl_tone_gen *g, const hl_tone_desc *d) {
  if (!g || !d || d->nseg <= 0 || d->nseg > HL_TONE_MAX_SEGS || d->repeat < 0) return HL_EINVAL;
  for (int i = 0; i < d->nseg; i++) {
    const hl_tone_seg *s = &d->seg[i];
    if (!seg_ok(s->f1_hz, s->l1_dbm0, s->f2_hz, s->l2_dbm0)) return HL_EINVAL;
    if (s->ms == 0 && i != d->nseg - 1) return HL_EINVAL;
  }
  memset(g, 0, sizeof *g);
  g->desc = *d;
  g->c[0] = g->c[1] = 1;
  start_seg(g);
  return 0;
}

int hl_tone_gen_done(const hl_tone_gen *g) { return g->done; }

/* Next segment after the current one ended; sets done at the cadence's end. */
static void next_seg(hl_tone_gen *g) {
  if (++g->seg >= g->desc.nseg) {
    g->seg = 0;
    if (g->desc.repeat && ++g->rep >= g->desc.repeat) {
      g->done = 1;
      return;
    }
  }
  start_seg(g);
}

size_t hl_tone_gen_tx(hl_tone_gen *g, int16_t *out, size_t n) {
  size_t i = 0, produced = 0;
  while (i < n) {
    if (g->done) {
      memset(out + i, 0, (n - i) * sizeof *out);
      break;
    }
    const hl_tone_seg *s = &g->desc.seg[g->seg];
    size_t run = n - i;
    if (s->ms && run > g->left) run = g->left;
    double c0 = g->c[0], s0 = g->s[0], c1 = g->c[1], s1 = g->s[1];
    const double rc0 = g->rc[0], rs0 = g->rs[0], rc1 = g->rc[1], rs1 = g->rs[1];
    const double a0 = g->amp[0], a1 = g->amp[1];
    for (size_t k = 0; k < run; k++) {
      double v = a0 * s0 + a1 * s1;
      long q = lrint(v);
      out[i + k] = (int16_t)(q > 32767 ? 32767 : q < -32768 ? -32768 : q);
      double t = c0 * rc0 - s0 * rs0;
      s0 = s0 * rc0 + c0 * rs0;
      c0 = t;
      t = c1 * rc1 - s1 * rs1;
      s1 = s1 * rc1 + c1 * rs1;
      c1 = t;
      if (++g->since_norm >= 1024) {
        /* The rotation drifts in magnitude by ~1e-16 per step; pull it back. */
        double m0 = 1.0 / sqrt(c0 * c0 + s0 * s0), m1 = 1.0 / sqrt(c1 * c1 + s1 * s1);
        c0 *= m0, s0 *= m0, c1 *= m1, s1 *= m1;
        g->since_norm = 0;
      }
    }
    g->c[0] = c0, g->s[0] = s0, g->c[1] = c1, g->s[1] = s1;
    i += run;
    produced += run;
    if (s->ms) {
      g->left -= (uint32_t)run;
      if (g->left == 0) next_seg(g);
    }
  }
  return produced;
}

size_t hl_tone_gen_tx_alaw(hl_tone_gen *g, uint8_t *out, size_t n) {
  int16_t buf[160];
  size_t produced = 0;
  for (size_t i = 0; i < n;) {
    size_t k = n - i < 160 ? n - i : 160;
    produced += hl_tone_gen_tx(g, buf, k);
    hl_g711_alaw_encode_block(out + i, buf, k);
    i += k;
  }
  return produced;
}
