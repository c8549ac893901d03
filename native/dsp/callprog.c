/* Call-progress and fax tone detector (see callprog.h for the figures).
 *
 * Every 10 ms block yields one yes/no per frequency (450, 1100, 2100 Hz);
 * a tracker turns those into on/off periods (two disagreeing blocks are
 * needed to change state, so single-block glitches are bridged), and each
 * frequency's cadence rules run when a period completes or grows too long. */
#include "dsp/callprog.h"

#include <math.h>
#include <string.h>

#include "dsp/g711.h"
#include "hl_errors.h"

#define FS 8000.0
#define PI 3.14159265358979323846
#define DBM0_PEAK 22812.8 /* 0 dBm0 sine peak, 16-bit units (g711.h) */
#define NFULL HL_CP_BLOCK /* 80 samples at 8 kHz */
/* cos/sin tables in Q11: |x t| summed over a 16-bit pair stays under 2^27,
 * so 80 samples fit a 32-bit SIMD lane with room to spare; the rounding
 * (1/4096 at most) acts as noise some 70 dB under the tone. */
#define TAB_ONE 2048.0

typedef void (*kern_fn)(const hl_callprog_desc *d, const int16_t *x, int p, int m, int64_t acc[7]);
static const kern_fn KERNS[3];
static int best_isa(void);

void hl_callprog_params_default(hl_callprog_params *p) {
  p->min_level_dbm0 = -36.0f;
  p->purity = 0.55f;
  p->tol_pct = 20.0f;
}

/* Nominal period +-tol, widened by two blocks: edges are measured on block
 * boundaries and the debounce can shift each edge by up to a block. */
static hl_cp_range range(double seconds, double tol_pct) {
  double slack = 2.0 * NFULL;
  double lo = seconds * FS * (1.0 - tol_pct / 100.0) - slack;
  double hi = seconds * FS * (1.0 + tol_pct / 100.0) + slack;
  hl_cp_range r = {(uint32_t)(lo < 0 ? 0 : lo), (uint32_t)hi};
  return r;
}

int hl_callprog_desc_init(hl_callprog_desc *d, const hl_callprog_params *p) {
  hl_callprog_params def;
  if (!d) return HL_EINVAL;
  if (!p) {
    hl_callprog_params_default(&def);
    p = &def;
  }
  if (!(p->min_level_dbm0 <= 0.0f && p->min_level_dbm0 >= -60.0f) || !(p->purity >= 0.1f && p->purity <= 1.0f) ||
      !(p->tol_pct >= 1.0f && p->tol_pct <= 40.0f))
    return HL_EINVAL;
  memset(d, 0, sizeof *d);
  /* For a sine of peak A exactly on a bin, |X|^2 = (A N / 2)^2, so
   * 2|X|^2 / N^2 is the tone's mean power A^2 / 2. The three frequencies
   * are whole multiples of the 100 Hz bin spacing, so each one's negative-
   * frequency image falls on a null (no leakage at any phase). */
  static const double freq[3] = {450.0, 1100.0, 2100.0};
  for (int k = 0; k < 3; k++)
    for (int n = 0; n < NFULL; n++) {
      d->tab[2 * k][n] = (int16_t)lrint(TAB_ONE * cos(2.0 * PI * freq[k] * n / FS));
      d->tab[2 * k + 1][n] = (int16_t)lrint(TAB_ONE * sin(2.0 * PI * freq[k] * n / FS));
    }
  d->norm = (float)(2.0 / ((double)NFULL * NFULL * TAB_ONE * TAB_ONE));
  d->isa = best_isa();
  double p0 = DBM0_PEAK * DBM0_PEAK / 2.0;
  d->min_power = (float)(p0 * pow(10.0, p->min_level_dbm0 / 10.0));
  d->purity = p->purity;
  d->to_dbm0 = (float)(-10.0 * log10(p0));
  double tol = p->tol_pct;
  d->busy_on = range(0.35, tol);
  d->busy_off = range(0.35, tol);
  d->cong_on = range(0.7, tol);
  d->cong_off = range(0.7, tol);
  d->ring_on = range(1.0, tol);
  d->ring_off = range(4.0, tol);
  d->cng_on = range(0.5, tol);
  d->cng_off = range(3.0, tol);
  /* Dial tone: longer than any ringback "on" can be. */
  d->dial_min = d->ring_on.hi + (uint32_t)(FS / 10);
  /* CED lasts 2.6-4 s (T.30); 1.5 s of steady 2100 Hz is more than a
   * held C7 (2093 Hz) in hold music usually gives. */
  d->ced_min = (uint32_t)(1.5 * FS);
  return 0;
}

int hl_callprog_init(hl_callprog_state *s, const hl_callprog_desc *d, hl_callprog_cb cb, void *user) {
  if (!s || !d) return HL_EINVAL;
  memset(s, 0, sizeof *s);
  s->desc = d;
  s->cb = cb;
  s->user = user;
  return 0;
}

const char *hl_callprog_tone_name(int tone) {
  switch (tone) {
    case HL_CP_DIAL: return "dial";
    case HL_CP_BUSY: return "busy";
    case HL_CP_RINGBACK: return "ringback";
    case HL_CP_CONGESTION: return "congestion";
    case HL_CP_FAX_CNG: return "fax_cng";
    case HL_CP_FAX_CED: return "fax_ced";
    default: return "none";
  }
}

int hl_callprog_current(const hl_callprog_state *s) { return s->t450.active; }

int hl_callprog_get_event(hl_callprog_state *s, hl_callprog_event *ev) {
  if (!s->q_len) return 0;
  *ev = s->queue[s->q_head];
  s->q_head = (s->q_head + 1) % HL_CP_QUEUE;
  s->q_len--;
  return 1;
}

static void emit(hl_callprog_state *s, int *count, const hl_callprog_event *ev) {
  (*count)++;
  if (s->cb) {
    s->cb(s->user, ev);
    return;
  }
  if (s->q_len == HL_CP_QUEUE) { /* drop the oldest */
    s->q_head = (s->q_head + 1) % HL_CP_QUEUE;
    s->q_len--;
  }
  s->queue[(s->q_head + s->q_len) % HL_CP_QUEUE] = *ev;
  s->q_len++;
}

static void report_on(hl_callprog_state *s, int *count, hl_cp_track *t, int tone, uint64_t start) {
  t->active = tone;
  t->active_start = start;
  hl_callprog_event ev = {tone, 1, start, 0, t->level_dbm0};
  emit(s, count, &ev);
}

static void report_off(hl_callprog_state *s, int *count, hl_cp_track *t, uint64_t end) {
  hl_callprog_event ev = {t->active, 0, t->active_start, end, t->level_dbm0};
  t->active = 0;
  emit(s, count, &ev);
}

static int in_range(const hl_cp_range *r, uint64_t v) { return v >= r->lo && v <= r->hi; }

/* Feeds one block's verdict; returns 1 when a period completed (then h_*[0]
 * holds it and the tracker is in the opposite state from t->start). */
static int track(hl_cp_track *t, int on, uint64_t block_start) {
  if (on == t->on) {
    t->pend = 0;
    return 0;
  }
  if (t->pend++ == 0) t->pend_start = block_start;
  if (t->pend < 2) return 0;
  for (int i = 2; i > 0; i--) {
    t->h_on[i] = t->h_on[i - 1];
    t->h_start[i] = t->h_start[i - 1];
    t->h_len[i] = t->h_len[i - 1];
  }
  t->h_on[0] = t->on;
  t->h_start[0] = t->start;
  t->h_len[0] = (uint32_t)(t->pend_start - t->start);
  t->on = (uint8_t)on;
  t->start = t->pend_start;
  t->pend = 0;
  return 1;
}

static void cadence450(hl_callprog_state *s, int *count, int changed, uint64_t now) {
  const hl_callprog_desc *d = s->desc;
  hl_cp_track *t = &s->t450;
  const hl_cp_range *on_r = t->active == HL_CP_BUSY ? &d->busy_on : t->active == HL_CP_CONGESTION ? &d->cong_on : &d->ring_on;
  const hl_cp_range *off_r = t->active == HL_CP_BUSY ? &d->busy_off : t->active == HL_CP_CONGESTION ? &d->cong_off : &d->ring_off;
  if (changed) {
    uint32_t len = t->h_len[0];
    if (t->h_on[0]) { /* an on period just ended at t->start */
      if (t->active == HL_CP_DIAL) {
        report_off(s, count, t, t->start);
      } else if (t->active) {
        if (in_range(on_r, len)) t->last_end = t->start;
        else report_off(s, count, t, t->last_end);
      }
      if (!t->active && !t->h_on[1] && t->h_on[2]) {
        uint32_t off = t->h_len[1], on1 = t->h_len[2];
        if (in_range(&d->busy_on, len) && in_range(&d->busy_off, off) && in_range(&d->busy_on, on1)) {
          report_on(s, count, t, HL_CP_BUSY, t->h_start[2]);
          t->last_end = t->start;
        } else if (in_range(&d->cong_on, len) && in_range(&d->cong_off, off) && in_range(&d->cong_on, on1)) {
          report_on(s, count, t, HL_CP_CONGESTION, t->h_start[2]);
          t->last_end = t->start;
        }
      }
    } else { /* an off period just ended: the tone is back */
      if (t->active && t->active != HL_CP_DIAL && !in_range(off_r, len)) report_off(s, count, t, t->last_end);
      if (!t->active && t->h_on[1] && in_range(&d->ring_on, t->h_len[1]) && in_range(&d->ring_off, len)) {
        report_on(s, count, t, HL_CP_RINGBACK, t->h_start[1]);
        t->last_end = t->h_start[0];
      }
    }
    on_r = t->active == HL_CP_BUSY ? &d->busy_on : t->active == HL_CP_CONGESTION ? &d->cong_on : &d->ring_on;
    off_r = t->active == HL_CP_BUSY ? &d->busy_off : t->active == HL_CP_CONGESTION ? &d->cong_off : &d->ring_off;
  }
  uint64_t cur = now - t->start;
  if (t->active && t->active != HL_CP_DIAL && cur > (t->on ? on_r->hi : off_r->hi)) report_off(s, count, t, t->last_end);
  if (!t->active && t->on && cur >= d->dial_min) report_on(s, count, t, HL_CP_DIAL, t->start);
}

static void cadence1100(hl_callprog_state *s, int *count, int changed, uint64_t now) {
  const hl_callprog_desc *d = s->desc;
  hl_cp_track *t = &s->t1100;
  if (changed) {
    uint32_t len = t->h_len[0];
    if (t->h_on[0]) {
      if (in_range(&d->cng_on, len)) {
        /* Two bursts a CNG period apart: music holds a C#6 (1109 Hz) for
         * half a second now and then, but not on this cadence. */
        if (!t->active && !t->h_on[1] && t->h_on[2] && in_range(&d->cng_off, t->h_len[1]) && in_range(&d->cng_on, t->h_len[2]))
          report_on(s, count, t, HL_CP_FAX_CNG, t->h_start[2]);
        if (t->active) t->last_end = t->start;
      } else if (t->active) {
        report_off(s, count, t, t->last_end);
      }
    } else if (t->active && !in_range(&d->cng_off, len)) {
      report_off(s, count, t, t->last_end);
    }
  }
  uint64_t cur = now - t->start;
  if (t->active && cur > (t->on ? d->cng_on.hi : d->cng_off.hi)) report_off(s, count, t, t->last_end);
}

static void cadence2100(hl_callprog_state *s, int *count, int changed, uint64_t now) {
  hl_cp_track *t = &s->t2100;
  if (changed && t->h_on[0] && t->active) report_off(s, count, t, t->start);
  if (!t->active && t->on && now - t->start >= s->desc->ced_min) report_on(s, count, t, HL_CP_FAX_CED, t->start);
}


static void end_block(hl_callprog_state *s, int *count) {
  const hl_callprog_desc *d = s->desc;
  uint64_t now = s->sample, block_start = now - NFULL;
  float mean = (float)s->acc[0] / (float)NFULL;
  float floor_p = d->purity * mean;
  float p[3];
  for (int k = 0; k < 3; k++) {
    double re = (double)s->acc[1 + 2 * k], im = (double)s->acc[2 + 2 * k];
    p[k] = (float)(re * re + im * im) * d->norm;
  }
  hl_cp_track *tr[3] = {&s->t450, &s->t1100, &s->t2100};
  int changed[3];
  for (int k = 0; k < 3; k++) {
    int on = p[k] >= d->min_power && p[k] >= floor_p;
    if (on) tr[k]->level_dbm0 = 10.0f * log10f(p[k]) + d->to_dbm0;
    changed[k] = track(tr[k], on, block_start);
  }
  cadence450(s, count, changed[0], now);
  cadence1100(s, count, changed[1], now);
  cadence2100(s, count, changed[2], now);
  for (int k = 0; k < 7; k++) s->acc[k] = 0;
  s->pos = 0;
}

/* ---- kernels: add m samples (p + m <= 80, table offset p) to the block
 * sums: acc[0] += sum x^2, acc[1..6] += sum x * tab[k][p + i]. All exact
 * integer arithmetic, so every kernel gives bit-identical sums (the test
 * checks it). The energy uses max(x, -32767) so a pair of -32768 cannot
 * overflow a 32-bit lane (2 * 32768^2 = 2^31). */

static void kern_scalar(const hl_callprog_desc *d, const int16_t *x, int p, int m, int64_t acc[7]) {
  for (int i = 0; i < m; i++) {
    int32_t v = x[i], ve = v < -32767 ? -32767 : v;
    acc[0] += (int64_t)(ve * ve);
    for (int k = 0; k < 6; k++) acc[1 + k] += v * d->tab[k][p + i];
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* SSE2 (baseline on x86-64): pmaddwd does 8 multiplies and 4 adds. */
static void kern_sse2(const hl_callprog_desc *d, const int16_t *x, int p, int m, int64_t acc[7]) {
  const __m128i zero = _mm_setzero_si128(), floor16 = _mm_set1_epi16(-32767);
  __m128i e = zero, c[6] = {zero, zero, zero, zero, zero, zero};
  int i = 0;
  for (; i + 8 <= m; i += 8) {
    __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
    __m128i ve = _mm_max_epi16(v, floor16);
    __m128i sq = _mm_madd_epi16(ve, ve); /* 4 x (< 2^31), non-negative */
    e = _mm_add_epi64(e, _mm_unpacklo_epi32(sq, zero));
    e = _mm_add_epi64(e, _mm_unpackhi_epi32(sq, zero));
    for (int k = 0; k < 6; k++)
      c[k] = _mm_add_epi32(c[k], _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(d->tab[k] + p + i))));
  }
  int64_t e2[2];
  int32_t l[4];
  _mm_storeu_si128((__m128i *)e2, e);
  acc[0] += e2[0] + e2[1];
  for (int k = 0; k < 6; k++) {
    _mm_storeu_si128((__m128i *)l, c[k]);
    acc[1 + k] += (int64_t)l[0] + l[1] + l[2] + l[3];
  }
  kern_scalar(d, x + i, p + i, m - i, acc);
}

/* AVX2: the same 16 samples at a time (picked at run time). */
__attribute__((target("avx2"))) static void kern_avx2(const hl_callprog_desc *d, const int16_t *x, int p, int m, int64_t acc[7]) {
  const __m256i zero = _mm256_setzero_si256(), floor16 = _mm256_set1_epi16(-32767);
  __m256i e = zero, c[6] = {zero, zero, zero, zero, zero, zero};
  int i = 0;
  for (; i + 16 <= m; i += 16) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
    __m256i ve = _mm256_max_epi16(v, floor16);
    __m256i sq = _mm256_madd_epi16(ve, ve);
    e = _mm256_add_epi64(e, _mm256_unpacklo_epi32(sq, zero));
    e = _mm256_add_epi64(e, _mm256_unpackhi_epi32(sq, zero));
    for (int k = 0; k < 6; k++)
      c[k] = _mm256_add_epi32(c[k], _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(d->tab[k] + p + i))));
  }
  int64_t e4[4];
  int32_t l[8];
  _mm256_storeu_si256((__m256i *)e4, e);
  acc[0] += e4[0] + e4[1] + e4[2] + e4[3];
  for (int k = 0; k < 6; k++) {
    _mm256_storeu_si256((__m256i *)l, c[k]);
    int64_t sum = 0;
    for (int j = 0; j < 8; j++) sum += l[j];
    acc[1 + k] += sum;
  }
  kern_scalar(d, x + i, p + i, m - i, acc);
}

static const kern_fn KERNS[3] = {kern_scalar, kern_sse2, kern_avx2};
static int best_isa(void) { return __builtin_cpu_supports("avx2") ? 2 : 1; }
#else
static const kern_fn KERNS[3] = {kern_scalar, NULL, NULL};
static int best_isa(void) { return 0; }
#endif

int hl_callprog_desc_set_isa(hl_callprog_desc *d, int isa) {
  if (isa < 0 || isa > 2) return HL_EINVAL;
  if (!KERNS[isa] || isa > best_isa()) return HL_ENOTSUP;
  d->isa = isa;
  return 0;
}

/* Feeds 16-bit samples up to each block boundary through the kernel and
 * closes full blocks. */
static int rx_i16(hl_callprog_state *s, const int16_t *x, size_t n, int *count) {
  const hl_callprog_desc *d = s->desc;
  kern_fn kern = KERNS[d->isa];
  size_t i = 0;
  while (i < n) {
    size_t m = (size_t)(NFULL - s->pos);
    if (m > n - i) m = n - i;
    kern(d, x + i, s->pos, (int)m, s->acc);
    s->pos += (int)m;
    s->sample += m;
    i += m;
    if (s->pos == NFULL) end_block(s, count);
  }
  return *count;
}

int hl_callprog_rx(hl_callprog_state *s, const int16_t *x, size_t n) {
  int count = 0;
  return rx_i16(s, x, n, &count);
}

int hl_callprog_rx_f32(hl_callprog_state *s, const float *x, size_t n) {
  int count = 0;
  int16_t buf[NFULL];
  for (size_t i = 0; i < n; i += NFULL) {
    size_t m = n - i < NFULL ? n - i : NFULL;
    for (size_t j = 0; j < m; j++) {
      float v = x[i + j];
      buf[j] = v != v ? 0 : v >= 32767.0f ? 32767 : v <= -32768.0f ? -32768 : (int16_t)lrintf(v);
    }
    rx_i16(s, buf, m, &count);
  }
  return count;
}

int hl_callprog_rx_alaw(hl_callprog_state *s, const uint8_t *a, size_t n) {
  int count = 0;
  int16_t buf[NFULL];
  for (size_t i = 0; i < n; i += NFULL) {
    size_t m = n - i < NFULL ? n - i : NFULL;
    hl_g711_alaw_decode_block(buf, a + i, m);
    rx_i16(s, buf, m, &count);
  }
  return count;
}
