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
#define NFULL HL_CP_BLOCK       /* 80 samples at 8 kHz */
#define NDEC (HL_CP_BLOCK / 2)  /* 40 pair sums at 4 kHz */

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
  /* 450 and 1100 Hz run at 4 kHz on pair sums x[2k] + x[2k+1], which scale a
   * tone of frequency f by 2cos(pi f / 8000): the normalisation undoes it.
   * For a sine of peak A exactly on the bin, |X|^2 = (A' N / 2)^2, so
   * 2|X|^2 / N^2 is the tone's mean power A'^2 / 2. */
  double w450 = 2.0 * PI * 450.0 / (FS / 2), w1100 = 2.0 * PI * 1100.0 / (FS / 2), w2100 = 2.0 * PI * 2100.0 / FS;
  double g450 = 2.0 * cos(PI * 450.0 / FS), g1100 = 2.0 * cos(PI * 1100.0 / FS);
  d->c450 = (float)(2.0 * cos(w450));
  d->c1100 = (float)(2.0 * cos(w1100));
  d->c2100 = (float)(2.0 * cos(w2100));
  d->n450 = (float)(2.0 / ((double)NDEC * NDEC * g450 * g450));
  d->n1100 = (float)(2.0 / ((double)NDEC * NDEC * g1100 * g1100));
  d->n2100 = (float)(2.0 / ((double)NFULL * NFULL));
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

static float goertzel_power(const float g[2], float c, float norm) {
  return (g[0] * g[0] + g[1] * g[1] - c * g[0] * g[1]) * norm;
}

static void end_block(hl_callprog_state *s, int *count) {
  const hl_callprog_desc *d = s->desc;
  uint64_t now = s->sample, block_start = now - NFULL;
  float mean = s->energy / (float)NFULL;
  float floor_p = d->purity * mean;
  float p[3] = {goertzel_power(s->g450, d->c450, d->n450), goertzel_power(s->g1100, d->c1100, d->n1100),
                goertzel_power(s->g2100, d->c2100, d->n2100)};
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
  s->g450[0] = s->g450[1] = s->g1100[0] = s->g1100[1] = s->g2100[0] = s->g2100[1] = 0.0f;
  s->energy = 0.0f;
  s->pos = 0;
}

/* One sample through the energy sum, the 8 kHz 2100 Hz bin and, every
 * second sample, the pair sum through the 4 kHz bins. */
static inline void step(hl_callprog_state *s, const hl_callprog_desc *d, float v) {
  s->energy += v * v;
  float g = v + d->c2100 * s->g2100[0] - s->g2100[1];
  s->g2100[1] = s->g2100[0];
  s->g2100[0] = g;
  if (s->pos & 1) {
    float u = s->pair + v;
    float a = u + d->c450 * s->g450[0] - s->g450[1];
    s->g450[1] = s->g450[0];
    s->g450[0] = a;
    float b = u + d->c1100 * s->g1100[0] - s->g1100[1];
    s->g1100[1] = s->g1100[0];
    s->g1100[0] = b;
  } else {
    s->pair = v;
  }
}

#define RX_LOOP(LOAD)                                   \
  int count = 0;                                        \
  const hl_callprog_desc *d = s->desc;                  \
  for (size_t i = 0; i < n; i++) {                      \
    step(s, d, LOAD);                                   \
    s->sample++;                                        \
    if (++s->pos == NFULL) end_block(s, &count);        \
  }                                                     \
  return count;

int hl_callprog_rx(hl_callprog_state *s, const int16_t *x, size_t n) { RX_LOOP((float)x[i]) }
int hl_callprog_rx_f32(hl_callprog_state *s, const float *x, size_t n) { RX_LOOP(x[i]) }
int hl_callprog_rx_alaw(hl_callprog_state *s, const uint8_t *a, size_t n) { RX_LOOP(hl_g711_alaw_to_f32[a[i]]) }
