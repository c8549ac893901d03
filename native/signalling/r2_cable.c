/* Back-to-back China No.1 circuits (see r2_cable.h). */
#include "signalling/r2_cable.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hl_errors.h"

#include "dsp/g711.h"

#define DBM0_RMS 16131.0 /* 0 dBm0 sine: peak 22812.8 (g711.h) / sqrt 2 */

typedef struct dir_state {
  hl_r2_impair imp;
  float gain;     /* linear */
  float noise;    /* rms, linear 16-bit units */
  int16_t *audio; /* [circuits][samples]: what this end receives next tick */
  uint8_t *cas;   /* [circuits] */
  float *prev;    /* [circuits]: tilt filter memory */
} dir_state;

struct hl_r2_cable {
  int n, samples;
  hl_r2_chan *ch[2];
  dir_state rx[2]; /* rx[e]: what end e receives */
  int16_t *tx[2];  /* [samples] each: what each end sent this tick */
  int plugged;
  int measure;
  uint64_t reg_steps, reg_ns;
  uint64_t ticks;
  uint32_t rng;
  hl_r2_cable_cb cb;
  void *user;
  struct cb_ctx *ctx; /* [2 * circuits]: each channel's callback context */
};

typedef struct cb_ctx {
  hl_r2_cable *k;
  int who; /* end << 16 | circuit */
} cb_ctx;

static uint32_t rnd(hl_r2_cable *k) {
  k->rng = k->rng * 1664525u + 1013904223u;
  return k->rng;
}
static float urand(hl_r2_cable *k) { return (float)((rnd(k) >> 8) + 0.5) / 16777216.0f; }
/* Near-Gaussian, unit variance: the sum of four uniforms (cheap; noise
 * runs on every sample of every busy circuit). */
static float gauss(hl_r2_cable *k) { return (urand(k) + urand(k) + urand(k) + urand(k) - 2.0f) * 1.7320508f; }

static void on_event(void *user, const hl_r2_event *ev) {
  const cb_ctx *x = (const cb_ctx *)user;
  if (x->k->cb) x->k->cb(x->k->user, x->who, ev);
}

hl_r2_cable *hl_r2_cable_create(int circuits, int samples, const hl_r2_config *cfg_a, const hl_r2_config *cfg_b,
                                hl_r2_cable_cb cb, void *user, uint32_t seed) {
  if (circuits < 1 || circuits > 4096 || samples < 1 || samples > 1024) return NULL;
  hl_r2_cable *k = calloc(1, sizeof *k);
  if (!k) return NULL;
  k->n = circuits;
  k->samples = samples;
  k->cb = cb;
  k->user = user;
  k->rng = seed ? seed : 1;
  k->plugged = 1;
  k->ctx = calloc((size_t)circuits * 2, sizeof(cb_ctx));
  int ok = k->ctx != NULL;
  for (int e = 0; e < 2 && ok; e++) {
    k->tx[e] = calloc((size_t)samples, sizeof(int16_t));
    k->ch[e] = calloc((size_t)circuits, sizeof(hl_r2_chan));
    k->rx[e].audio = calloc((size_t)circuits * (size_t)samples, sizeof(int16_t));
    k->rx[e].cas = calloc((size_t)circuits, 1);
    k->rx[e].prev = calloc((size_t)circuits, sizeof(float));
    ok = k->tx[e] && k->ch[e] && k->rx[e].audio && k->rx[e].cas && k->rx[e].prev;
  }
  if (!ok) {
    hl_r2_cable_destroy(k);
    return NULL;
  }
  const hl_r2_variant *v = hl_r2_variant_china();
  for (int e = 0; e < 2; e++) {
    hl_r2_impair none = {0, -200, 0, 0};
    hl_r2_cable_impair(k, e, &none);
    for (int i = 0; i < circuits; i++) {
      cb_ctx *x = &k->ctx[e * circuits + i];
      x->k = k;
      x->who = (e << 16) | i;
      k->rx[e].cas[i] = (uint8_t)((v->b_idle << 2) | v->cd_bits);
      if (hl_r2_init(&k->ch[e][i], v, e ? cfg_b : cfg_a, on_event, x) != 0) {
        hl_r2_cable_destroy(k);
        return NULL;
      }
    }
  }
  return k;
}

void hl_r2_cable_destroy(hl_r2_cable *k) {
  if (!k) return;
  for (int e = 0; e < 2; e++) {
    free(k->ch[e]);
    free(k->rx[e].audio);
    free(k->rx[e].cas);
    free(k->rx[e].prev);
    free(k->tx[e]);
  }
  free(k->ctx);
  free(k);
}

hl_r2_chan *hl_r2_cable_chan(hl_r2_cable *k, int end, int circuit) {
  if (!k || end < 0 || end > 1 || circuit < 0 || circuit >= k->n) return NULL;
  return &k->ch[end][circuit];
}

void hl_r2_cable_impair(hl_r2_cable *k, int end, const hl_r2_impair *imp) {
  dir_state *d = &k->rx[end];
  d->imp = *imp;
  d->gain = (float)pow(10.0, imp->gain_db / 20.0);
  d->noise = imp->noise_dbm0 > -100 ? (float)(DBM0_RMS * pow(10.0, imp->noise_dbm0 / 20.0)) : 0.0f;
}

void hl_r2_cable_plug(hl_r2_cable *k, int plugged) {
  if ((plugged != 0) == (k->plugged != 0)) return;
  k->plugged = plugged != 0;
  for (int e = 0; e < 2; e++)
    for (int i = 0; i < k->n; i++) hl_r2_fault(&k->ch[e][i], !plugged);
}

uint64_t hl_r2_cable_ms(const hl_r2_cable *k) { return k->ticks * (uint64_t)k->samples / 8u; }

/* End `from`'s tick output for circuit i onto the line towards the other end. */
static void carry(hl_r2_cable *k, int from, int i, int sent) {
  dir_state *d = &k->rx[!from];
  int16_t *out = d->audio + (size_t)i * (size_t)k->samples;
  if (!k->plugged) {
    d->cas[i] = 0xf; /* AIS: all ones */
    memset(out, 0, sizeof(int16_t) * (size_t)k->samples);
    return;
  }
  uint8_t cas = hl_r2_cas_tx(&k->ch[from][i]);
  if (d->imp.cas_flip > 0 && urand(k) < d->imp.cas_flip) cas ^= (uint8_t)(1u << (rnd(k) >> 30));
  d->cas[i] = cas;
  /* The audio only matters while the receiving end runs register
   * signalling (or is about to): skip it for idle pairs. */
  const hl_r2_chan *to = &k->ch[!from][i];
  if (!sent && to->state == HL_R2_S_IDLE) {
    memset(out, 0, sizeof(int16_t) * (size_t)k->samples);
    d->prev[i] = 0;
    return;
  }
  const int16_t *tx = k->tx[from];
  float prev = d->prev[i];
  for (int j = 0; j < k->samples; j++) {
    float x = sent ? (float)tx[j] : 0.0f;
    float y = (x - (float)d->imp.tilt * prev) * d->gain;
    prev = x;
    if (d->noise > 0.0f) y += d->noise * gauss(k);
    if (y > 32767.0f) y = 32767.0f;
    if (y < -32768.0f) y = -32768.0f;
    out[j] = hl_g711_alaw_decode(hl_g711_alaw_encode((int16_t)lrintf(y)));
  }
  d->prev[i] = prev;
}

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hl_r2_cable_measure(hl_r2_cable *k, int on) { k->measure = on; }
void hl_r2_cable_register_steps(const hl_r2_cable *k, uint64_t *steps, uint64_t *ns) {
  if (steps) *steps = k->reg_steps;
  if (ns) *ns = k->reg_ns;
}

void hl_r2_cable_tick(hl_r2_cable *k) {
  const int n = k->samples;
  /* Both ends step on what the line delivered last tick; what they send
   * reaches the other end next tick (one tick of latency each way). */
  for (int i = 0; i < k->n; i++) {
    int sent[2];
    for (int e = 0; e < 2; e++) {
      hl_r2_chan *c = &k->ch[e][i];
      const int16_t *rx = k->rx[e].audio + (size_t)i * (size_t)n;
      if (!c->mf_on) {
        sent[e] = hl_r2_step(c, k->rx[e].cas[i], rx, k->tx[e], n);
        continue;
      }
      const uint64_t t0 = k->measure ? mono_ns() : 0;
      sent[e] = hl_r2_step(c, k->rx[e].cas[i], rx, k->tx[e], n);
      if (k->measure) k->reg_ns += mono_ns() - t0;
      k->reg_steps++;
    }
    carry(k, 0, i, sent[0]);
    carry(k, 1, i, sent[1]);
  }
  k->ticks++;
}

/* ---- traffic ---- */

typedef struct circ {
  int active, from, answered;
  uint64_t next_ms, hangup_ms;
} circ;

static void place(hl_r2_cable *k, hl_r2_traffic *t, circ *x, int i) {
  hl_r2_chan *o = &k->ch[x->from][i];
  x->active = 1;
  x->answered = 0;
  t->calls[x->from]++;
  hl_r2_call(o, x->from ? "02087654321" : "01062345678", "12315", 1, 3);
}

/* One circuit's call, as its two ends stand after this tick. */
static void follow(hl_r2_cable *k, hl_r2_traffic *t, circ *x, int i, uint64_t now) {
  hl_r2_chan *o = &k->ch[x->from][i], *d = &k->ch[!x->from][i];
  if (d->state == HL_R2_S_IN_OFFERED && !d->answer_pending) hl_r2_answer(d);
  if (!x->answered && o->state == HL_R2_S_OUT_ANSWERED) {
    x->answered = 1;
    x->hangup_ms = now + (uint64_t)t->hold_ms;
    uint64_t b = o->setup_ms / 10;
    t->setup_hist[b < HL_R2_SETUP_BUCKETS ? b : HL_R2_SETUP_BUCKETS - 1]++;
    if (o->setup_ms > t->setup_max_ms) t->setup_max_ms = o->setup_ms;
  }
  if (x->answered && now >= x->hangup_ms && o->state == HL_R2_S_OUT_ANSWERED) hl_r2_hangup(o);
  if (o->state != HL_R2_S_IDLE || d->state != HL_R2_S_IDLE) return;
  if (x->answered && o->cause == HL_R2_C_NONE) {
    t->ok[x->from]++;
  } else {
    t->failed[x->from]++;
    t->causes[o->cause]++;
  }
  x->active = 0;
  x->next_ms = now + (uint64_t)t->gap_ms;
}

int hl_r2_cable_traffic(hl_r2_cable *k, hl_r2_traffic *t) {
  circ *c = calloc((size_t)k->n, sizeof *c);
  if (!c) return HL_ENOMEM;
  const int per_way = t->per_way;
  memset(&t->calls, 0, sizeof *t - offsetof(hl_r2_traffic, calls));
  const uint64_t start = hl_r2_cable_ms(k);
  for (int i = 0; i < k->n; i++) {
    c[i].from = i & 1;
    c[i].next_ms = start + (uint64_t)(i * 37 % 400); /* spread the first seizures */
  }
  uint64_t quiet_since = 0;
  for (;;) {
    const uint64_t now = hl_r2_cable_ms(k);
    if (now - start >= t->max_ms) break;
    int busy = 0;
    for (int i = 0; i < k->n; i++) {
      circ *x = &c[i];
      if (x->active) {
        follow(k, t, x, i, now);
        busy = 1;
      } else if (t->calls[x->from] < per_way) {
        busy = 1;
        if (now >= x->next_ms && hl_r2_is_idle(&k->ch[0][i]) && hl_r2_is_idle(&k->ch[1][i])) place(k, t, x, i);
      }
    }
    if (!busy) {
      if (!quiet_since) quiet_since = now;
      if (now - quiet_since >= 1000) break;
    }
    hl_r2_cable_tick(k);
  }
  for (int e = 0; e < 2; e++)
    for (int i = 0; i < k->n; i++)
      if (!hl_r2_is_idle(&k->ch[e][i])) t->stuck++;
  t->line_ms = hl_r2_cable_ms(k) - start;
  free(c);
  return 0;
}

double hl_r2_traffic_setup_pct(const hl_r2_traffic *t, double pct) {
  uint64_t total = 0;
  for (int b = 0; b < HL_R2_SETUP_BUCKETS; b++) total += t->setup_hist[b];
  if (!total) return 0;
  const double want = pct / 100.0 * (double)total;
  uint64_t seen = 0;
  for (int b = 0; b < HL_R2_SETUP_BUCKETS; b++) {
    seen += t->setup_hist[b];
    if ((double)seen >= want) {
      /* The bucket's middle, but never beyond the slowest setup seen (the
       * middle of the top bucket can be). */
      const double mid = b * 10.0 + 5.0;
      return mid > (double)t->setup_max_ms ? (double)t->setup_max_ms : mid;
    }
  }
  return (double)t->setup_max_ms;
}
