/* Energy / silence detector: level readout in dBm0, voice start after the
 * minimum time, silence only after the hangover, hysteresis, short bursts and
 * quiet signals ignored, the same events for any chunk size and for A-law
 * input, and bad parameters refused. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../bench/native/dsp_tapes.h"
#include "dsp/energy.h"
#include "hl_errors.h"

#include "check.h"

typedef struct log_t {
  int n;
  hl_energy_event ev[16];
  uint64_t when[16]; /* sample count when the event was emitted */
  const hl_energy_state *s;
} log_t;

static void on_ev(void *user, const hl_energy_event *ev) {
  log_t *l = (log_t *)user;
  if (l->n < 16) {
    l->ev[l->n] = *ev;
    l->when[l->n] = l->s->sample;
    l->n++;
  }
}

static void run(const hl_energy_desc *d, const tape *t, int chunk, int alaw, log_t *l) {
  hl_energy_state s;
  memset(l, 0, sizeof *l);
  l->s = &s;
  hl_energy_init(&s, d, on_ev, l);
  static int16_t pcm[200000];
  static uint8_t a[200000];
  if (t->n > 200000) abort();
  tape_to_alaw(t, a);
  for (size_t i = 0; i < t->n; i++) pcm[i] = (int16_t)lrintf(t->x[i]);
  tape_rng r = {12345};
  for (size_t i = 0; i < t->n;) {
    size_t k = chunk > 0 ? (size_t)chunk : (size_t)tape_randint(&r, 1, 300);
    if (k > t->n - i) k = t->n - i;
    if (alaw) hl_energy_rx_alaw(&s, a + i, k);
    else hl_energy_rx(&s, pcm + i, k);
    i += k;
  }
}

int main(void) {
  hl_energy_desc d;
  CHECK(hl_energy_desc_init(&d, NULL) == 0, "default parameters refused");
  tape t = {0, 0, 0};
  log_t l;

  /* 1. level readout of a sine, several levels and frequencies */
  static const double lv[] = {0, -10, -20, -30, -40, -50};
  static const double fq[] = {1000, 450, 1633};
  for (size_t i = 0; i < 6; i++)
    for (size_t j = 0; j < 3; j++) {
      hl_energy_state s;
      hl_energy_init(&s, &d, NULL, NULL);
      tape_reset(&t);
      tape_dual_n(&t, fq[j], lv[i], 0, -99, 800);
      static int16_t pcm[800];
      for (int k = 0; k < 800; k++) pcm[k] = (int16_t)lrintf(t.x[k]);
      hl_energy_rx(&s, pcm, 800);
      float got = hl_energy_level_dbm0(&s);
      CHECK(fabs(got - lv[i]) < 0.3, "%g Hz at %g dBm0 reads %.2f dBm0", fq[j], lv[i], got);
    }

  /* 2. voice at 1 s for 500 ms, then silence: VOICE at 1000 ms (within a
   * block), SILENCE dated 1500 ms, emitted after the 500 ms hangover */
  tape_reset(&t);
  tape_silence(&t, 1000);
  tape_dual_n(&t, 700, -20, 1300, -20, tape_ms(500));
  tape_silence(&t, 2000);
  for (int mode = 0; mode < 4; mode++) {
    int chunk = mode == 0 ? 80 : mode == 1 ? 1 : mode == 2 ? 0 : 160;
    run(&d, &t, chunk, mode == 3, &l);
    CHECK(l.n == 2, "mode %d: %d events for one burst, want 2", mode, l.n);
    if (l.n == 2) {
      CHECK(l.ev[0].type == HL_ENERGY_EV_VOICE && l.ev[0].at >= 8000 - 80 && l.ev[0].at <= 8000 + 80,
            "mode %d: voice dated %llu, want 8000 +- 80", mode, (unsigned long long)l.ev[0].at);
      CHECK(l.when[0] <= 8000 + 320, "mode %d: voice reported late, at %llu", mode, (unsigned long long)l.when[0]);
      CHECK(l.ev[1].type == HL_ENERGY_EV_SILENCE && l.ev[1].at >= 12000 - 80 && l.ev[1].at <= 12000 + 80,
            "mode %d: silence dated %llu, want 12000 +- 80", mode, (unsigned long long)l.ev[1].at);
      CHECK(l.when[1] >= 12000 + 4000 - 80 && l.when[1] <= 12000 + 4000 + 160,
            "mode %d: silence reported at %llu, want after the 500 ms hangover (~16000)", mode,
            (unsigned long long)l.when[1]);
      CHECK(fabs(l.ev[0].level_dbm0 - (-17.0)) < 1.0, "mode %d: voice level %.1f, want -17 dBm0 (two -20 tones)", mode,
            l.ev[0].level_dbm0);
    }
  }

  /* 3. a 20 ms burst is not voice; a quiet tone (-45) and noise (-50) are not */
  tape_reset(&t);
  tape_silence(&t, 200);
  tape_dual_n(&t, 1000, -10, 0, -99, tape_ms(20));
  tape_silence(&t, 500);
  tape_dual_n(&t, 1000, -45, 0, -99, tape_ms(1000));
  tape_silence(&t, 500);
  tape_rng r = {7};
  tape_overlay_noise(&t, 0, -50, &r);
  run(&d, &t, 0, 0, &l);
  CHECK(l.n == 0, "%d events from a 20 ms burst, a -45 dBm0 tone and -50 dBm0 noise, want none", l.n);

  /* 4. pauses shorter than the hangover and levels between off and on keep
   * voice; the first SILENCE comes after the last loud block */
  tape_reset(&t);
  tape_silence(&t, 100);
  tape_dual_n(&t, 500, -15, 0, -99, tape_ms(300));
  tape_silence(&t, 300);                               /* < 500 ms hangover */
  tape_dual_n(&t, 500, -38, 0, -99, tape_ms(1000));    /* between -40 and -36 */
  tape_dual_n(&t, 500, -15, 0, -99, tape_ms(200));
  tape_silence(&t, 1000);
  run(&d, &t, 0, 0, &l);
  CHECK(l.n == 2 && l.ev[0].type == HL_ENERGY_EV_VOICE && l.ev[1].type == HL_ENERGY_EV_SILENCE,
        "pause and hysteresis: %d events, want VOICE then SILENCE", l.n);
  if (l.n == 2) CHECK(l.ev[1].at >= (size_t)tape_ms(1900) - 80 && l.ev[1].at <= (size_t)tape_ms(1900) + 80,
                      "silence dated %llu, want %zu", (unsigned long long)l.ev[1].at, tape_ms(1900));

  /* 5. polling: queue mode and the silence timer */
  {
    hl_energy_state s;
    hl_energy_init(&s, &d, NULL, NULL);
    tape_reset(&t);
    tape_dual_n(&t, 1000, -10, 0, -99, tape_ms(100));
    tape_silence(&t, 700);
    static int16_t pcm[8000];
    for (size_t k = 0; k < t.n; k++) pcm[k] = (int16_t)lrintf(t.x[k]);
    hl_energy_rx(&s, pcm, tape_ms(100));
    CHECK(hl_energy_is_voice(&s) == 1, "not voice during a -10 dBm0 tone");
    CHECK(hl_energy_silence_ms(&s) == 0, "silence timer %u ms during a tone", hl_energy_silence_ms(&s));
    hl_energy_rx(&s, pcm + tape_ms(100), tape_ms(300));
    CHECK(hl_energy_silence_ms(&s) >= 290 && hl_energy_silence_ms(&s) <= 310, "silence timer %u ms, want 300",
          hl_energy_silence_ms(&s));
    hl_energy_rx(&s, pcm + tape_ms(400), tape_ms(400));
    hl_energy_event ev;
    int n = 0, types[4];
    while (hl_energy_get_event(&s, &ev) && n < 4) types[n++] = ev.type;
    CHECK(n == 2 && types[0] == HL_ENERGY_EV_VOICE && types[1] == HL_ENERGY_EV_SILENCE,
          "queue mode: %d events, want VOICE, SILENCE", n);
    CHECK(hl_energy_is_voice(&s) == 0, "still voice after the hangover");
  }

  /* 6. bad parameters */
  hl_energy_params p;
  hl_energy_params_default(&p);
  p.off_dbm0 = -30;
  CHECK(hl_energy_desc_init(&d, &p) == HL_EINVAL, "off threshold above on accepted");
  hl_energy_params_default(&p);
  p.on_dbm0 = NAN;
  CHECK(hl_energy_desc_init(&d, &p) == HL_EINVAL, "NaN threshold accepted");
  hl_energy_params_default(&p);
  p.on_dbm0 = 5;
  CHECK(hl_energy_desc_init(&d, &p) == HL_EINVAL, "+5 dBm0 threshold accepted");

  tape_free(&t);
  printf("energy_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
