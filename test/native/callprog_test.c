/* Call-progress detector: the China tones from tone_gen (dial, busy,
 * ringback, congestion) and fax CNG/CED, A-law coded, are each recognised
 * once with the right start and end; cadences within +-20 % are accepted and
 * clearly wrong ones are not; off-frequency, too-quiet and DTMF signals make
 * no events; noise at 20 dB SNR does not matter; results do not depend on
 * the chunk size. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/callprog.h"
#include "dsp/g711.h"
#include "dsp/tone_gen.h"
#include "hl_errors.h"

#include "check.h"

#define FS 8000
#define MAXN (FS * 30)
#define PI 3.141592653589793

static hl_callprog_desc desc;
static double acc[MAXN];
static uint8_t line[MAXN];
static uint32_t rng = 7;
static double urand(void) {
  rng = rng * 1664525u + 1013904223u;
  return ((rng >> 8) + 0.5) / 16777216.0;
}

typedef struct {
  hl_callprog_event ev[32];
  int n;
} log_t;
static void on_event(void *user, const hl_callprog_event *e) {
  log_t *l = user;
  if (l->n < 32) l->ev[l->n++] = *e;
}

static void clear(void) { memset(acc, 0, sizeof acc); }
/* A cadence of one frequency: on/off seconds, `cycles` on periods from t0. */
static void add_cadence(double f, double dbm0, double t0, double on_s, double off_s, int cycles) {
  double a = HL_TONE_DBM0_PEAK * pow(10.0, dbm0 / 20.0);
  for (int c = 0; c < cycles; c++) {
    int from = (int)((t0 + c * (on_s + off_s)) * FS), to = from + (int)(on_s * FS);
    for (int i = from; i < to && i < MAXN; i++) acc[i] += a * sin(2 * PI * f * (i - from) / FS);
  }
}
static void add_noise(double dbm0, int n) {
  double rms = HL_TONE_DBM0_PEAK / sqrt(2.0) * pow(10.0, dbm0 / 20.0);
  for (int i = 0; i < n; i++) acc[i] += rms * sqrt(-2.0 * log(urand())) * cos(2 * PI * urand());
}
static void encode(int n) {
  for (int i = 0; i < n; i++) {
    double v = acc[i] > 32767 ? 32767 : acc[i] < -32768 ? -32768 : acc[i];
    line[i] = hl_g711_alaw_encode((int16_t)lrint(v));
  }
}

/* chunk 0 = random sizes 1..300 */
static void detect(int n, int chunk, log_t *l) {
  hl_callprog_state s;
  memset(l, 0, sizeof *l);
  CHECK(hl_callprog_init(&s, &desc, on_event, l) == 0, "init");
  for (int i = 0; i < n;) {
    int m = chunk ? chunk : 1 + (int)(urand() * 300);
    if (m > n - i) m = n - i;
    hl_callprog_rx_alaw(&s, line + i, (size_t)m);
    i += m;
  }
}

static void print_events(const log_t *l) {
  for (int i = 0; i < l->n; i++)
    printf(" [%s %s %.2f..%.2f s]", hl_callprog_tone_name(l->ev[i].tone), l->ev[i].on ? "on" : "off", l->ev[i].start / 8000.0,
           l->ev[i].end / 8000.0);
}

/* Exactly one tone: on then (if want_off) off; start/end within tol_s. */
static int expect_tone(const char *what, const log_t *l, int tone, double start_s, double end_s, double tol_s) {
  int want_n = end_s > 0 ? 2 : 1;
  int ok = l->n == want_n && l->ev[0].tone == tone && l->ev[0].on && (want_n == 1 || (l->ev[1].tone == tone && !l->ev[1].on));
  if (!ok) {
    printf("FAIL %s: want %s%s, got %d events:", what, hl_callprog_tone_name(tone), end_s > 0 ? " on+off" : " on", l->n);
    print_events(l);
    printf("\n");
    failures++;
    return 0;
  }
  CHECK(fabs(l->ev[0].start / 8000.0 - start_s) <= tol_s, "%s: start %.3f s, want %.3f", what, l->ev[0].start / 8000.0, start_s);
  if (want_n == 2)
    CHECK(fabs(l->ev[1].end / 8000.0 - end_s) <= tol_s, "%s: end %.3f s, want %.3f", what, l->ev[1].end / 8000.0, end_s);
  return 1;
}

static void china_tones_from_generator(void) {
  static const struct { hl_tone_china kind; int tone; double on_s; const char *name; } plan[] = {
    {HL_TONE_CN_DIAL, HL_CP_DIAL, 0, "dial"},
    {HL_TONE_CN_BUSY, HL_CP_BUSY, 0.35, "busy"},
    {HL_TONE_CN_RINGBACK, HL_CP_RINGBACK, 1.0, "ringback"},
    {HL_TONE_CN_CONGESTION, HL_CP_CONGESTION, 0.7, "congestion"},
  };
  printf("China tones from tone_gen at -10 dBm0, A-law, 0.5 s silence + 11 s tone + 8 s silence:\n");
  printf("  %-11s %9s %12s %9s %9s\n", "tone", "start_s", "recognised_s", "end_s", "true_end");
  for (size_t k = 0; k < sizeof plan / sizeof plan[0]; k++) {
    hl_tone_desc td;
    hl_tone_gen g;
    CHECK(hl_tone_desc_china(&td, plan[k].kind, HL_TONE_CN_DBM0) == 0, "tone desc");
    hl_tone_gen_init(&g, &td);
    int lead = FS / 2, len = 11 * FS, n = lead + len + 8 * FS;
    memset(line, HL_G711_ALAW_SILENCE, (size_t)n);
    hl_tone_gen_tx_alaw(&g, line + lead, (size_t)len);
    /* Where the tone really ends: the last non-silent byte. */
    int last = lead + len - 1;
    while (last > lead && line[last] == HL_G711_ALAW_SILENCE) last--;
    double true_end = (last + 1) / 8000.0;
    log_t l;
    hl_callprog_state s;
    memset(&l, 0, sizeof l);
    hl_callprog_init(&s, &desc, on_event, &l);
    double recognised = -1;
    for (int i = 0; i < n; i += 80) {
      hl_callprog_rx_alaw(&s, line + i, 80);
      if (recognised < 0 && l.n) recognised = (i + 80) / 8000.0;
    }
    if (expect_tone(plan[k].name, &l, plan[k].tone, 0.5, true_end, 0.03))
      printf("  %-11s %9.3f %12.2f %9.3f %9.3f\n", plan[k].name, l.ev[0].start / 8000.0, recognised, l.ev[1].end / 8000.0, true_end);
  }
}

typedef struct { const char *name; double f, dbm0, on_s, off_s; int cycles; int tone; double noise; } cad_case;

static void cadences(void) {
  static const cad_case cases[] = {
    {"busy nominal", 450, -10, 0.35, 0.35, 8, HL_CP_BUSY, -200},
    {"busy -20 % (0.28/0.28)", 450, -10, 0.28, 0.28, 8, HL_CP_BUSY, -200},
    {"busy +20 % (0.42/0.42)", 450, -10, 0.42, 0.42, 8, HL_CP_BUSY, -200},
    {"busy 0.30 on / 0.40 off", 450, -10, 0.30, 0.40, 8, HL_CP_BUSY, -200},
    {"busy 430 Hz", 430, -10, 0.35, 0.35, 8, HL_CP_BUSY, -200},
    {"busy 470 Hz", 470, -10, 0.35, 0.35, 8, HL_CP_BUSY, -200},
    {"busy -30 dBm0", 450, -30, 0.35, 0.35, 8, HL_CP_BUSY, -200},
    {"busy, noise at 20 dB SNR", 450, -20, 0.35, 0.35, 8, HL_CP_BUSY, -40},
    {"congestion nominal", 450, -10, 0.7, 0.7, 6, HL_CP_CONGESTION, -200},
    {"congestion -20 %", 450, -10, 0.56, 0.56, 6, HL_CP_CONGESTION, -200},
    {"congestion +20 %", 450, -10, 0.84, 0.84, 6, HL_CP_CONGESTION, -200},
    {"ringback nominal", 450, -10, 1.0, 4.0, 4, HL_CP_RINGBACK, -200},
    {"ringback -20 %", 450, -10, 0.8, 3.2, 4, HL_CP_RINGBACK, -200},
    {"ringback +20 %", 450, -10, 1.2, 4.8, 4, HL_CP_RINGBACK, -200},
    {"ringback, noise 20 dB SNR", 450, -15, 1.0, 4.0, 4, HL_CP_RINGBACK, -35},
    {"fax CNG 0.5/3 s", 1100, -15, 0.5, 3.0, 4, HL_CP_FAX_CNG, -200},
    {"fax CNG 1138 Hz", 1138, -15, 0.5, 3.0, 4, HL_CP_FAX_CNG, -200},
    {"fax CED 3.3 s", 2100, -12, 3.3, 1.0, 1, HL_CP_FAX_CED, -200},
    {"fax CED 2115 Hz", 2115, -12, 3.3, 1.0, 1, HL_CP_FAX_CED, -200},
    /* must not be recognised */
    {"0.2/0.2 cadence (too fast)", 450, -10, 0.2, 0.2, 12, 0, -200},
    {"0.5/0.5 cadence (between)", 450, -10, 0.5, 0.5, 10, 0, -200},
    {"busy at 520 Hz", 520, -10, 0.35, 0.35, 8, 0, -200},
    {"busy at -45 dBm0", 450, -45, 0.35, 0.35, 8, 0, -200},
    {"one 0.35 s burst", 450, -10, 0.35, 0.35, 1, 0, -200},
    {"1100 Hz 1.5 s bursts", 1100, -10, 1.5, 3.0, 3, 0, -200},
    {"2100 Hz 0.2 s bursts", 2100, -10, 0.2, 0.5, 8, 0, -200},
    {"2250 Hz 3 s", 2250, -10, 3.0, 1.0, 1, 0, -200},
  };
  printf("cadences (A-law, random chunks):\n  %-28s %-11s %s\n", "case", "want", "got");
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const cad_case *k = &cases[c];
    clear();
    add_cadence(k->f, k->dbm0, 1.0, k->on_s, k->off_s, k->cycles);
    if (k->noise > -100) add_noise(k->noise, MAXN);
    double tone_end = 1.0 + (k->cycles - 1) * (k->on_s + k->off_s) + k->on_s;
    int n = (int)((tone_end + 6.0) * FS);
    encode(n);
    log_t l;
    detect(n, 0, &l);
    printf("  %-28s %-11s", k->name, k->tone ? hl_callprog_tone_name(k->tone) : "nothing");
    print_events(&l);
    printf("\n");
    if (k->tone) expect_tone(k->name, &l, k->tone, 1.0, tone_end, 0.03);
    else CHECK(l.n == 0, "%s: want nothing, got %d events", k->name, l.n);
  }
}

static void others(void) {
  log_t l;
  /* Every DTMF key for 100 ms with 100 ms pauses, twice over. */
  static const int lo[4] = {697, 770, 852, 941}, hi[4] = {1209, 1336, 1477, 1633};
  clear();
  for (int k = 0; k < 32; k++) {
    add_cadence(lo[k % 4], -8, 0.5 + 0.2 * k, 0.1, 0.1, 1);
    add_cadence(hi[(k / 4) % 4], -6, 0.5 + 0.2 * k, 0.1, 0.1, 1);
  }
  encode(8 * FS);
  detect(8 * FS, 0, &l);
  CHECK(l.n == 0, "DTMF keys made %d call-progress events", l.n);
  printf("32 DTMF keys: %d events (want 0)\n", l.n);

  /* Dial tone, then busy: dial on/off, then busy on/off. */
  clear();
  add_cadence(450, -10, 0.5, 3.0, 0.35, 1);
  add_cadence(450, -10, 3.85, 0.35, 0.35, 6);
  encode(12 * FS);
  detect(12 * FS, 0, &l);
  int ok = l.n == 4 && l.ev[0].tone == HL_CP_DIAL && l.ev[1].tone == HL_CP_DIAL && !l.ev[1].on && l.ev[2].tone == HL_CP_BUSY &&
           l.ev[3].tone == HL_CP_BUSY;
  printf("dial then busy:");
  print_events(&l);
  printf("\n");
  CHECK(ok, "dial then busy: got %d events", l.n);
  if (ok) CHECK(fabs(l.ev[2].start / 8000.0 - 3.85) < 0.03, "busy after dial starts at %.3f s", l.ev[2].start / 8000.0);

  /* V.25 answer tone: 2100 Hz with a phase reversal every 450 ms. */
  clear();
  double a = HL_TONE_DBM0_PEAK * pow(10.0, -12 / 20.0);
  for (int i = FS; i < 4 * FS; i++) {
    int rev = ((i - FS) / (int)(0.45 * FS)) & 1;
    acc[i] = a * sin(2 * PI * 2100.0 * (i - FS) / FS + (rev ? PI : 0));
  }
  encode(6 * FS);
  detect(6 * FS, 0, &l);
  expect_tone("V.25 ANS with phase reversals", &l, HL_CP_FAX_CED, 1.0, 4.0, 0.03);

  /* Chunk size does not change anything: 1, 80, 7 and random give the same. */
  clear();
  add_cadence(450, -12, 0.3, 0.35, 0.35, 6);
  add_cadence(1100, -15, 5.0, 0.5, 3.0, 2);
  encode(14 * FS);
  log_t ref, other;
  detect(14 * FS, 1, &ref);
  static const int chunks[] = {80, 7, 160, 0};
  for (int c = 0; c < 4; c++) {
    detect(14 * FS, chunks[c], &other);
    int same = other.n == ref.n;
    for (int i = 0; same && i < ref.n; i++)
      same = other.ev[i].tone == ref.ev[i].tone && other.ev[i].on == ref.ev[i].on && other.ev[i].start == ref.ev[i].start &&
             other.ev[i].end == ref.ev[i].end;
    CHECK(same, "chunk size %d gives different events than chunk size 1", chunks[c]);
  }
  CHECK(ref.n == 4, "busy + CNG: want 4 events, got %d", ref.n);

  /* Without a callback the events wait in the queue. */
  hl_callprog_state s;
  hl_callprog_init(&s, &desc, NULL, NULL);
  int made = hl_callprog_rx_alaw(&s, line, 14 * FS);
  hl_callprog_event ev;
  int got = 0;
  while (hl_callprog_get_event(&s, &ev)) got++;
  CHECK(made == 4 && got == 4, "queue mode: rx said %d events, queue held %d", made, got);

  hl_callprog_params p;
  hl_callprog_params_default(&p);
  p.tol_pct = 80;
  CHECK(hl_callprog_desc_init(&desc, &p) == HL_EINVAL, "80 %% tolerance accepted");
  p.tol_pct = 20;
  p.min_level_dbm0 = NAN;
  CHECK(hl_callprog_desc_init(&desc, &p) == HL_EINVAL, "NaN level accepted");
}

/* Every kernel this CPU runs gives the same sums to the last bit and so
 * the same events, on tones, noise, full-scale clipping and odd chunks. */
static void kernels_agree(void) {
  clear();
  add_cadence(450, -10, 0.2, 0.35, 0.35, 5);
  add_cadence(2100, -12, 4.0, 2.0, 1.0, 1);
  add_noise(-25, 8 * FS);
  for (int i = 6 * FS; i < 6 * FS + 400; i++) acc[i] = (i & 1) ? 40000 : -40000; /* -32768 pairs */
  int n = 8 * FS;
  static int16_t lin[8 * FS];
  for (int i = 0; i < n; i++) lin[i] = (int16_t)(acc[i] > 32767 ? 32767 : acc[i] < -32768 ? -32768 : lrint(acc[i]));
  hl_callprog_state st[3];
  log_t lg[3];
  hl_callprog_desc dk[3];
  int have[3] = {0, 0, 0};
  for (int isa = 0; isa < 3; isa++) {
    hl_callprog_desc_init(&dk[isa], NULL);
    if (hl_callprog_desc_set_isa(&dk[isa], isa) != 0) continue;
    have[isa] = 1;
    memset(&lg[isa], 0, sizeof lg[isa]);
    hl_callprog_init(&st[isa], &dk[isa], on_event, &lg[isa]);
    uint32_t seed = 5;
    for (int i = 0; i < n;) {
      seed = seed * 1103515245u + 12345u;
      int m = 1 + (int)((seed >> 16) % 97);
      if (m > n - i) m = n - i;
      hl_callprog_rx(&st[isa], lin + i, (size_t)m);
      i += m;
    }
  }
  CHECK(have[0], "the scalar kernel is always available");
  printf("kernels:");
  for (int isa = 0; isa < 3; isa++) {
    if (!have[isa]) continue;
    printf(" %s (%d events)", isa == 0 ? "scalar" : isa == 1 ? "sse2" : "avx2", lg[isa].n);
    CHECK(memcmp(st[isa].acc, st[0].acc, sizeof st[0].acc) == 0, "kernel %d sums differ from the scalar kernel's", isa);
    int same = lg[isa].n == lg[0].n;
    for (int i = 0; same && i < lg[0].n; i++) {
      const hl_callprog_event *a = &lg[isa].ev[i], *b = &lg[0].ev[i];
      same = a->tone == b->tone && a->on == b->on && a->start == b->start && a->end == b->end && a->level_dbm0 == b->level_dbm0;
    }
    CHECK(same, "kernel %d events differ from the scalar kernel's", isa);
  }
  printf("\n");
  CHECK(lg[0].n == 4, "busy + CED through noise: want 4 events, got %d", lg[0].n);
  CHECK(hl_callprog_desc_set_isa(&dk[0], 7) == HL_EINVAL, "isa 7 accepted");
}

int main(void) {
  CHECK(hl_callprog_desc_init(&desc, NULL) == 0, "desc init");
  kernels_agree();
  china_tones_from_generator();
  cadences();
  others();
  printf("callprog_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
