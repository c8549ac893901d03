/* MF R2 (Q.441 tone plan, Q.454 sender, Q.455 receiver figures): every
 * forward and backward code sent by our generator, A-law coded and decoded,
 * is reported exactly once, on and off, with times inside Q.455's 32 ms; the
 * acceptance edges (level, +-10 Hz, twist, noise, interruptions) hold and the
 * rejection edges (-38.5 dBm0, 60 Hz off, single tone, three tones, other
 * direction, DTMF, short bursts) report nothing. Signals are fed in random
 * chunk sizes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/g711.h"
#include "dsp/mf_r2.h"
#include "hl_errors.h"

#include "check.h"

#define FS 8000
#define MAXN (FS * 2)
#define PEAK0 22812.8 /* 0 dBm0 sine peak (g711.h) */

static uint32_t rng = 99;
static double urand(void) {
  rng = rng * 1664525u + 1013904223u;
  return ((rng >> 8) + 0.5) / 16777216.0;
}
static double gauss(void) { return sqrt(-2.0 * log(urand())) * cos(2.0 * 3.141592653589793 * urand()); }

static int16_t sig[MAXN];
static double acc[MAXN];

static void clear(void) { memset(acc, 0, sizeof acc); }
static void add_tone(double f, double dbm0, int from, int to) {
  double a = PEAK0 * pow(10.0, dbm0 / 20.0);
  for (int i = from; i < to && i < MAXN; i++) acc[i] += a * sin(2.0 * 3.141592653589793 * f * (i - from) / FS);
}
/* White noise over 0-4 kHz at a total power in dBm0. */
static void add_noise(double dbm0, int from, int to) {
  double rms = PEAK0 / sqrt(2.0) * pow(10.0, dbm0 / 20.0);
  for (int i = from; i < to; i++) acc[i] += rms * gauss();
}
/* acc -> A-law line bytes -> linear, as a receiver on an E1 sees it. */
static void through_alaw(int n) {
  for (int i = 0; i < n; i++) {
    double v = acc[i] > 32767 ? 32767 : acc[i] < -32768 ? -32768 : acc[i];
    sig[i] = hl_g711_alaw_decode(hl_g711_alaw_encode((int16_t)lrint(v)));
  }
}

typedef struct {
  hl_mf_r2_event ev[64];
  int n;
} log_t;
static void on_event(void *user, const hl_mf_r2_event *e) {
  log_t *l = user;
  if (l->n < 64) l->ev[l->n++] = *e;
}

static void detect(int dir, int n, log_t *l) {
  hl_mf_r2_rx_state rx;
  memset(l, 0, sizeof *l);
  CHECK(hl_mf_r2_rx_init(&rx, dir, on_event, l) == 0, "rx init");
  for (int i = 0; i < n;) {
    int m = 1 + (int)(urand() * 200);
    if (m > n - i) m = n - i;
    hl_mf_r2_rx(&rx, sig + i, (size_t)m);
    i += m;
  }
}

/* One tone burst [from, to): expect exactly on+off of `code` within 32 ms. */
static int expect_one(const char *what, const log_t *l, int code, int from, int to) {
  if (l->n != 2 || !l->ev[0].on || l->ev[1].on || l->ev[0].code != code || l->ev[1].code != code) {
    printf("FAIL %s: want code %d on+off, got %d events:", what, code, l->n);
    for (int i = 0; i < l->n; i++) printf(" [%s %d @%llu]", l->ev[i].on ? "on" : "off", l->ev[i].code, (unsigned long long)(l->ev[i].on ? l->ev[i].start : l->ev[i].end));
    printf("\n");
    failures++;
    return 0;
  }
  long ds = (long)l->ev[0].start - from, de = (long)l->ev[1].end - to;
  CHECK(ds > -FS * 10 / 1000 && ds < FS * 32 / 1000, "%s: start off by %ld samples", what, ds);
  CHECK(de > -FS * 10 / 1000 && de < FS * 32 / 1000, "%s: end off by %ld samples", what, de);
  return 1;
}
static void expect_none(const char *what, const log_t *l) {
  CHECK(l->n == 0, "%s: want no tone, got %d events (first: code %d)", what, l->n, l->n ? l->ev[0].code : 0);
}

static void all_codes_from_generator(void) {
  printf("every code, generator at -11.5 dBm0 per tone, A-law, 100 ms on:\n  dir code  f_a  f_b  start_err_ms end_err_ms\n");
  for (int dir = 0; dir < 2; dir++) {
    for (int code = 1; code <= 15; code++) {
      hl_mf_r2_tx_state tx;
      CHECK(hl_mf_r2_tx_init(&tx, dir, HL_MF_R2_SEND_DBM0) == 0, "tx init");
      int16_t pcm[2400];
      hl_mf_r2_tx(&tx, pcm, 400); /* 50 ms silence */
      hl_mf_r2_tx_set(&tx, code);
      hl_mf_r2_tx(&tx, pcm + 400, 800);
      hl_mf_r2_tx_set(&tx, 0);
      hl_mf_r2_tx(&tx, pcm + 1200, 1200);
      for (int i = 0; i < 2400; i++) acc[i] = pcm[i];
      through_alaw(2400);
      log_t l;
      detect(dir, 2400, &l);
      int fa, fb;
      hl_mf_r2_freqs(dir, code, &fa, &fb);
      char what[64];
      snprintf(what, sizeof what, "%s code %d", dir ? "backward" : "forward", code);
      if (expect_one(what, &l, code, 400, 1200))
        printf("  %3s %4d %4d %4d %12.1f %10.1f\n", dir ? "bwd" : "fwd", code, fa, fb, ((long)l.ev[0].start - 400) / 8.0,
               ((long)l.ev[1].end - 1200) / 8.0);
      /* The other direction's receiver stays silent. */
      detect(!dir, 2400, &l);
      snprintf(what, sizeof what, "%s code %d on the %s receiver", dir ? "backward" : "forward", code, dir ? "forward" : "backward");
      expect_none(what, &l);
    }
  }
  /* Generator level: mean power of one tone at -11.5 dBm0. */
  hl_mf_r2_tx_state tx;
  hl_mf_r2_tx_init(&tx, HL_MF_R2_FORWARD, -11.5f);
  hl_mf_r2_tx_set(&tx, 1);
  int16_t pcm[8000];
  hl_mf_r2_tx(&tx, pcm, 8000);
  double p = 0;
  for (int i = 0; i < 8000; i++) p += (double)pcm[i] * pcm[i];
  double dbm0 = 10.0 * log10(p / 8000 / 2 / (PEAK0 * PEAK0 / 2)); /* two equal tones */
  printf("generator: per-tone level %.2f dBm0 (want -11.5 +-1)\n", dbm0);
  CHECK(fabs(dbm0 + 11.5) < 0.3, "generator level %.2f dBm0", dbm0);
  CHECK(hl_mf_r2_tx_init(&tx, HL_MF_R2_FORWARD, 0.0f) == HL_EINVAL, "0 dBm0 per tone accepted (would clip)");
  CHECK(hl_mf_r2_tx_set(&tx, 16) == HL_EINVAL, "code 16 accepted");
  int fa, fb;
  CHECK(hl_mf_r2_freqs(HL_MF_R2_BACKWARD, 15, &fa, &fb) == 0 && fa == 660 && fb == 540, "backward 15 is %d+%d", fa, fb);
  CHECK(hl_mf_r2_freqs(HL_MF_R2_FORWARD, 10, &fa, &fb) == 0 && fa == 1740 && fb == 1860, "forward 10 is %d+%d", fa, fb);
  CHECK(hl_mf_r2_freqs(HL_MF_R2_FORWARD, 0, &fa, &fb) == HL_EINVAL, "code 0 has frequencies");
}

/* A two-tone burst of code `code` with per-tone levels and a frequency
 * offset, 80 ms on inside 300 ms, plus optional noise; detect in `dir`. */
static void burst(int dir, int code, double off_hz, double db_a, double db_b, double noise_dbm0, log_t *l) {
  int fa, fb;
  hl_mf_r2_freqs(dir, code, &fa, &fb);
  clear();
  add_tone(fa + off_hz, db_a, 800, 1440);
  add_tone(fb + off_hz, db_b, 800, 1440);
  if (noise_dbm0 > -100) add_noise(noise_dbm0, 0, 2400);
  through_alaw(2400);
  detect(dir, 2400, l);
}

typedef struct { const char *name; double off, da, db, noise; int want; } edge;

static void edges(void) {
  static const edge cases[] = {
    {"nominal, -11.5 dBm0", 0, -11.5, -11.5, -200, 1},
    {"-5 dBm0 per tone", 0, -5, -5, -200, 1},
    {"-31.5 dBm0 per tone", 0, -31.5, -31.5, -200, 1},
    {"-35 dBm0 per tone", 0, -35, -35, -200, 1},
    {"-38.5 dBm0 per tone (reject)", 0, -38.5, -38.5, -200, 0},
    {"-45 dBm0 per tone (reject)", 0, -45, -45, -200, 0},
    {"+10 Hz", 10, -11.5, -11.5, -200, 1},
    {"-10 Hz", -10, -11.5, -11.5, -200, 1},
    {"+10 Hz at -31.5 dBm0", 10, -31.5, -31.5, -200, 1},
    {"+13 Hz", 13, -11.5, -11.5, -200, 1},
    {"-13 Hz", -13, -11.5, -11.5, -200, 1},
    {"+22 Hz (reject: phase advance)", 22, -11.5, -11.5, -200, 0},
    {"+30 Hz (reject: phase advance)", 30, -11.5, -11.5, -200, 0},
    {"-30 Hz (reject: phase advance)", -30, -11.5, -11.5, -200, 0},
    {"+60 Hz (reject)", 60, -11.5, -11.5, -200, 0},
    {"-60 Hz (reject)", -60, -11.5, -11.5, -200, 0},
    {"twist 7 dB (a louder)", 0, -8, -15, -200, 1},
    {"twist 7 dB (b louder)", 0, -15, -8, -200, 1},
    {"twist 7 dB, -10 Hz", -10, -15, -8, -200, 1},
    {"twist 20 dB (reject)", 0, -5, -25, -200, 0},
    {"white noise, 18 dB SNR per tone", 0, -20, -20, -38, 1},
    {"-10 Hz + twist 7 dB + noise 18 dB", -10, -13, -20, -38, 1},
  };
  printf("acceptance edges (every code, both directions):\n  %-36s %5s %5s\n", "case", "want", "bad");
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    int bad = 0;
    for (int dir = 0; dir < 2; dir++)
      for (int code = 1; code <= 15; code++) {
        log_t l;
        burst(dir, code, cases[c].off, cases[c].da, cases[c].db, cases[c].noise, &l);
        char what[96];
        snprintf(what, sizeof what, "%s, %s code %d", cases[c].name, dir ? "bwd" : "fwd", code);
        int before = failures;
        if (cases[c].want) expect_one(what, &l, code, 800, 1440);
        else expect_none(what, &l);
        bad += failures != before;
      }
    printf("  %-36s %5s %5d\n", cases[c].name, cases[c].want ? "tone" : "none", bad);
  }
}

static void shapes(void) {
  log_t l;
  printf("other signals:\n");
  /* One frequency alone, and three at once. */
  clear();
  add_tone(1380, -10, 800, 1600);
  through_alaw(2400);
  detect(HL_MF_R2_FORWARD, 2400, &l);
  expect_none("single 1380 Hz tone", &l);
  clear();
  add_tone(1380, -10, 800, 1600);
  add_tone(1500, -10, 800, 1600);
  add_tone(1740, -10, 800, 1600);
  through_alaw(2400);
  detect(HL_MF_R2_FORWARD, 2400, &l);
  expect_none("three forward tones", &l);
  /* Every DTMF key at -10 dBm0 per tone, into both receivers. */
  static const int lo[4] = {697, 770, 852, 941}, hi[4] = {1209, 1336, 1477, 1633};
  int hits = 0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) {
      clear();
      add_tone(lo[r], -10, 400, 1200);
      add_tone(hi[c], -10, 400, 1200);
      through_alaw(1600);
      for (int dir = 0; dir < 2; dir++) {
        detect(dir, 1600, &l);
        hits += l.n;
      }
    }
  printf("  16 DTMF keys into both receivers: %d events (want 0)\n", hits);
  CHECK(hits == 0, "DTMF keys produced %d MF R2 events", hits);
  /* 8 ms burst: ignored. 30 ms burst: reported. */
  clear();
  add_tone(1380, -10, 800, 864);
  add_tone(1500, -10, 800, 864);
  through_alaw(2400);
  detect(HL_MF_R2_FORWARD, 2400, &l);
  expect_none("8 ms burst", &l);
  clear();
  add_tone(1380, -10, 800, 1040);
  add_tone(1500, -10, 800, 1040);
  through_alaw(2400);
  detect(HL_MF_R2_FORWARD, 2400, &l);
  expect_one("30 ms burst", &l, 1, 800, 1040);
  /* An 8 ms interruption inside a tone does not release it. */
  clear();
  add_tone(1020, -15, 800, 2000);
  add_tone(540, -15, 800, 2000);
  for (int i = 1400; i < 1464; i++) acc[i] = 0;
  through_alaw(2400);
  detect(HL_MF_R2_BACKWARD, 2400, &l);
  expect_one("tone with an 8 ms gap", &l, 12, 800, 2000);
  /* Compelled cycle: forward 5, then backward 3 answers on the other
   * receiver; forward code changes 5 -> 9 without a gap. */
  clear();
  add_tone(1500, -11.5, 400, 1200);
  add_tone(1740, -11.5, 400, 1200);
  add_tone(1620, -11.5, 1200, 2000);
  add_tone(1860, -11.5, 1200, 2000);
  through_alaw(2400);
  detect(HL_MF_R2_FORWARD, 2400, &l);
  int ok = l.n == 4 && l.ev[0].on && l.ev[0].code == 5 && !l.ev[1].on && l.ev[1].code == 5 && l.ev[2].on && l.ev[2].code == 9 &&
           !l.ev[3].on && l.ev[3].code == 9;
  CHECK(ok, "code change 5 -> 9 without a gap: got %d events", l.n);
  if (ok) {
    CHECK(labs((long)l.ev[1].end - 1200) < 256 && labs((long)l.ev[2].start - 1200) < 256, "5 -> 9 switch time off: %llu / %llu",
          (unsigned long long)l.ev[1].end, (unsigned long long)l.ev[2].start);
    printf("  5 -> 9 without gap: off at %.1f ms, on at %.1f ms (switch at 150.0)\n", l.ev[1].end / 8.0, l.ev[2].start / 8.0);
  }
}

/* Q.455: operate and release within 32 ms. The tone starts and stops at
 * every phase of the receiver's 67-sample block; samples are fed one at a
 * time and the callback time is what counts. */
static uint64_t fed, fired_on, fired_off;
static void on_latency(void *user, const hl_mf_r2_event *e) {
  (void)user;
  if (e->on) fired_on = fed;
  else fired_off = fed;
}
static void latency(void) {
  int worst_on = 0, worst_off = 0;
  for (int dir = 0; dir < 2; dir++)
    for (int phase = 0; phase < 67; phase += 3) {
      int code = 1 + (phase % 15), from = 400 + phase, to = from + 640;
      int fa, fb;
      hl_mf_r2_freqs(dir, code, &fa, &fb);
      clear();
      add_tone(fa, -20, from, to);
      add_tone(fb, -20, from, to);
      through_alaw(2000);
      hl_mf_r2_rx_state rx;
      hl_mf_r2_rx_init(&rx, dir, on_latency, NULL);
      fired_on = fired_off = 0;
      for (fed = 1; fed <= 2000; fed++) hl_mf_r2_rx(&rx, sig + fed - 1, 1);
      int op = (int)fired_on - from, rel = (int)fired_off - to;
      CHECK(fired_on && op <= 256, "%s code %d at phase %d: operate time %.1f ms (Q.455: < 32 ms)", dir ? "bwd" : "fwd", code, phase, op / 8.0);
      CHECK(fired_off && rel <= 256, "%s code %d at phase %d: release time %.1f ms (Q.455: < 32 ms)", dir ? "bwd" : "fwd", code, phase, rel / 8.0);
      if (op > worst_on) worst_on = op;
      if (rel > worst_off) worst_off = rel;
    }
  printf("operate / release, worst over 46 block phases: %.1f ms / %.1f ms (Q.455: < 32 ms each)\n", worst_on / 8.0, worst_off / 8.0);
}

int main(void) {
  all_codes_from_generator();
  latency();
  edges();
  shapes();
  printf("mf_r2_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
