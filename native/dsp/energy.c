/* Energy / silence detector (see energy.h). */
#include "energy.h"

#include <math.h>
#include <string.h>

#include "g711.h"
#include "hl_errors.h"
#include "tone_gen.h"

/* Mean power of a 0 dBm0 sine in 16-bit units squared (peak^2 / 2). */
#define P0 ((double)HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2.0)

void hl_energy_params_default(hl_energy_params *p) {
  /* Speech at a normal talker level is -15 .. -25 dBm0 on a line; idle
     channel noise on E1 is below -60 dBm0 and a noisy analog line's about
     -50 dBm0. -36 / -40 dBm0 leave room on both sides. */
  p->on_dbm0 = -36.0f;
  p->off_dbm0 = -40.0f;
  p->min_voice_ms = 30;
  p->hangover_ms = 500;
}

int hl_energy_desc_init(hl_energy_desc *d, const hl_energy_params *pp) {
  hl_energy_params p;
  if (pp)
    p = *pp;
  else
    hl_energy_params_default(&p);
  if (!d || !(p.on_dbm0 <= 3.14f && p.on_dbm0 >= -90) || !(p.off_dbm0 <= p.on_dbm0 && p.off_dbm0 >= -90) ||
      p.min_voice_ms > 60000 || p.hangover_ms > 3600000)
    return HL_EINVAL;
  memset(d, 0, sizeof *d);
  d->on_power = (float)(pow(10.0, p.on_dbm0 / 10.0) * P0 * HL_ENERGY_BLOCK);
  d->off_power = (float)(pow(10.0, p.off_dbm0 / 10.0) * P0 * HL_ENERGY_BLOCK);
  d->min_voice_blocks = (p.min_voice_ms + 9) / 10;
  if (d->min_voice_blocks == 0) d->min_voice_blocks = 1;
  d->hangover_blocks = (p.hangover_ms + 9) / 10;
  if (d->hangover_blocks == 0) d->hangover_blocks = 1;
  d->to_dbm0 = (float)(-10.0 * log10(P0 * HL_ENERGY_BLOCK));
  return 0;
}

int hl_energy_init(hl_energy_state *s, const hl_energy_desc *d, hl_energy_cb cb, void *user) {
  if (!s || !d) return HL_EINVAL;
  memset(s, 0, sizeof *s);
  s->desc = d;
  s->cb = cb;
  s->user = user;
  return 0;
}

static void emit(hl_energy_state *s, int type, uint64_t at, float power) {
  hl_energy_event ev = {type, at, power > 0 ? 10.0f * log10f(power) + s->desc->to_dbm0 : -99.0f};
  if (s->cb) {
    s->cb(s->user, &ev);
    return;
  }
  if (s->q_len == HL_ENERGY_QUEUE) {
    s->q_head = (s->q_head + 1) % HL_ENERGY_QUEUE;
    s->q_len--;
  }
  s->queue[(s->q_head + s->q_len) % HL_ENERGY_QUEUE] = ev;
  s->q_len++;
}

int hl_energy_get_event(hl_energy_state *s, hl_energy_event *ev) {
  if (!s->q_len) return 0;
  *ev = s->queue[s->q_head];
  s->q_head = (s->q_head + 1) % HL_ENERGY_QUEUE;
  s->q_len--;
  return 1;
}

/* A 10 ms block ended at s->sample with sum x^2 = e. */
static int block_end(hl_energy_state *s, float e) {
  const hl_energy_desc *d = s->desc;
  int events = 0;
  s->last_power = e;
  if (e >= d->off_power) s->last_loud_end = s->sample;
  if (!s->voice) {
    if (e >= d->on_power) {
      if (s->loud_run++ == 0) s->loud_start = s->sample - HL_ENERGY_BLOCK;
      if (s->loud_run >= d->min_voice_blocks) {
        s->voice = 1;
        s->quiet_run = 0;
        emit(s, HL_ENERGY_EV_VOICE, s->loud_start, e);
        events++;
      }
    } else {
      s->loud_run = 0;
    }
  } else if (e >= d->off_power) {
    s->quiet_run = 0;
  } else if (++s->quiet_run >= d->hangover_blocks) {
    s->voice = 0;
    s->loud_run = 0;
    emit(s, HL_ENERGY_EV_SILENCE, s->last_loud_end, e);
    events++;
  }
  return events;
}

/* Sum of squares with four partial sums (independent FMA/add chains). */
static float sumsq(const float *x, int m) {
  float a = 0, b = 0, c = 0, e = 0;
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    a += x[i] * x[i];
    b += x[i + 1] * x[i + 1];
    c += x[i + 2] * x[i + 2];
    e += x[i + 3] * x[i + 3];
  }
  for (; i < m; i++) a += x[i] * x[i];
  return (a + b) + (c + e);
}

int hl_energy_rx_f32(hl_energy_state *s, const float *x, size_t n) {
  int events = 0;
  while (n) {
    int m = HL_ENERGY_BLOCK - s->pos;
    if ((size_t)m > n) m = (int)n;
    s->acc += sumsq(x, m);
    s->pos += m;
    s->sample += (uint64_t)m;
    x += m;
    n -= (size_t)m;
    if (s->pos == HL_ENERGY_BLOCK) {
      events += block_end(s, s->acc);
      s->acc = 0;
      s->pos = 0;
    }
  }
  return events;
}

/* 16-bit input: 13-bit samples (x / 8) squared and summed exactly in 32 bits
 * (80 * 4096^2 = 1.34e9 < 2^31), a loop compilers vectorise; scaled by 64
 * back to 16-bit units. */
static float sumsq13(const int16_t *x, int m) {
  int32_t a = 0;
  for (int i = 0; i < m; i++) {
    int32_t v = x[i] >> 3;
    a += v * v;
  }
  return (float)a * 64.0f;
}

static int feed13(hl_energy_state *s, const int16_t *x, size_t n, int shift) {
  int events = 0;
  while (n) {
    int m = HL_ENERGY_BLOCK - s->pos;
    if ((size_t)m > n) m = (int)n;
    if (shift) {
      s->acc += sumsq13(x, m);
    } else {
      int32_t a = 0;
      for (int i = 0; i < m; i++) a += x[i] * x[i];
      s->acc += (float)a * 64.0f;
    }
    s->pos += m;
    s->sample += (uint64_t)m;
    x += m;
    n -= (size_t)m;
    if (s->pos == HL_ENERGY_BLOCK) {
      events += block_end(s, s->acc);
      s->acc = 0;
      s->pos = 0;
    }
  }
  return events;
}

int hl_energy_rx(hl_energy_state *s, const int16_t *x, size_t n) { return feed13(s, x, n, 1); }

int hl_energy_rx_alaw(hl_energy_state *s, const uint8_t *a, size_t n) {
  int16_t buf[HL_ENERGY_BLOCK];
  int events = 0;
  while (n) {
    size_t m = n < HL_ENERGY_BLOCK ? n : HL_ENERGY_BLOCK;
    hl_g711_alaw_decode13_block(buf, a, m);
    events += feed13(s, buf, m, 0);
    a += m;
    n -= m;
  }
  return events;
}

int hl_energy_is_voice(const hl_energy_state *s) { return s->voice; }

float hl_energy_level_dbm0(const hl_energy_state *s) {
  return s->last_power > 0 ? 10.0f * log10f(s->last_power) + s->desc->to_dbm0 : -99.0f;
}

uint32_t hl_energy_silence_ms(const hl_energy_state *s) {
  if (s->last_loud_end > 0 && s->last_power >= s->desc->off_power) return 0;
  return (uint32_t)((s->sample - s->last_loud_end) / 8);
}
