/* Line echo canceller: the project's own prompts (prompts/zh, prompts/en,
 * A-law) played into simulated echo paths (bulk delay 0-32 ms, a dispersive
 * hybrid response, ERL 6-20 dB, line noise, the received signal A-law coded),
 * and:
 *   1. ERLE and convergence time, with a change of echo path mid-call;
 *   2. DTMF keys pressed while a prompt plays (-10 .. -26 dBm0 per tone, on
 *      lines with ERL 6-20 dB): keys found by our detector with and without
 *      the canceller in front, and false digits;
 *   3. double talk: a loud near-end talker does not corrupt the output
 *      filter (ERLE right after it);
 *   4. the kernels agree, chunk sizes do not matter, arguments are checked.
 * Prints the tables; fails with a line per figure not met. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../bench/native/dsp_tapes.h"
#include "dsp/dtmf.h"
#include "dsp/echo.h"
#include "dsp/g711.h"
#include "dsp/wav.h"
#include "hl_errors.h"

static int failures, verbose;
#define FAIL(...)                \
  do {                           \
    printf("FAIL: " __VA_ARGS__); \
    printf("\n");                \
    failures++;                  \
  } while (0)

/* ---- the prompts: a few of the project's own recordings, concatenated ---- */
static float *prompt;
static size_t prompt_n;

static void load_prompt(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("cannot open %s (run from the project root)\n", path);
    exit(1);
  }
  static uint8_t buf[400000];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  hl_wav_info info;
  if (hl_wav_parse(buf, len, HL_WAV_LENIENT, &info) || info.format != HL_WAV_ALAW) {
    printf("%s: not an A-law WAV\n", path);
    exit(1);
  }
  prompt = (float *)realloc(prompt, (prompt_n + info.data_bytes) * sizeof *prompt);
  for (size_t i = 0; i < info.data_bytes; i++) prompt[prompt_n + i] = hl_g711_alaw_decode(buf[info.data_offset + i]);
  prompt_n += info.data_bytes;
}

/* Prompt sample at t (looping), as the board sends it (A-law exact). */
static inline float ref_at(size_t t) { return prompt[t % prompt_n]; }

/* ---- echo paths ---- */
#define HLEN 64 /* dispersive part: 8 ms */
typedef struct path {
  int delay; /* samples */
  float h[HLEN];
} path;

/* A hybrid's echo: a damped resonance (f Hz, decay tau samples) with a
 * little negative tail (the transformer's low cut), scaled so that the echo
 * of the prompt is erl_db below the prompt. */
static void make_path(path *p, double delay_ms, double f, double tau, double phase, double erl_db) {
  p->delay = (int)lrint(delay_ms * 8);
  for (int k = 0; k < HLEN; k++)
    p->h[k] = (float)(exp(-k / tau) * sin(2 * M_PI * f * k / 8000 + phase) - 0.15 * exp(-k / (3 * tau)));
  /* measure the echo power on 4 s of prompt, then scale */
  double px = 0, pe = 0;
  for (size_t t = HLEN; t < 32000; t++) {
    double e = 0;
    for (int k = 0; k < HLEN; k++) e += p->h[k] * ref_at(t - k);
    px += ref_at(t) * ref_at(t);
    pe += e * e;
  }
  double g = sqrt(px / pe * pow(10, -erl_db / 10));
  for (int k = 0; k < HLEN; k++) p->h[k] *= (float)g;
}

static inline float echo_at(const path *p, size_t t) {
  if (t < (size_t)p->delay + HLEN) return 0;
  float e = 0;
  for (int k = 0; k < HLEN; k++) e += p->h[k] * ref_at(t - (size_t)p->delay - k);
  return e;
}

static int16_t alaw_rt(float v) {
  long q = lrintf(v);
  q = q > 32767 ? 32767 : q < -32768 ? -32768 : q;
  return hl_g711_alaw_decode(hl_g711_alaw_encode((int16_t)q));
}

static double dbm0(double mean_power) {
  const double P0 = (double)HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2;
  return mean_power > 0 ? 10 * log10(mean_power / P0) : -99;
}

/* Runs the canceller over n samples (chunks of random size 1..240). */
static void run_ec(hl_echo_state *s, const int16_t *rx, const int16_t *ref, int16_t *out, size_t n, tape_rng *r) {
  for (size_t i = 0; i < n;) {
    size_t k = (size_t)tape_randint(r, 1, 240);
    if (k > n - i) k = n - i;
    hl_echo_rx(s, rx + i, ref + i, out + i, k);
    i += k;
  }
}

/* ---- 1. ERLE and convergence ---- */
#define SEG (6 * 8000) /* samples per echo path */
#define BLK 400        /* 50 ms measuring blocks */

typedef struct erle_result {
  double conv_ms[2];   /* time to ERLE >= 20 dB over the following 200 ms (-1: never) */
  double erle[2];      /* over the last 3 s of each path */
} erle_result;

static void erle_run(const hl_echo_desc *d, const path *pa, const path *pb, double noise_dbm0, erle_result *res,
                     tape_rng *r) {
  const size_t n = 2 * SEG;
  int16_t *rx = malloc(n * 2), *ref = malloc(n * 2), *out = malloc(n * 2);
  float *echo = malloc(n * sizeof *echo);
  double sigma = HL_TONE_DBM0_PEAK / sqrt(2.0) * pow(10.0, noise_dbm0 / 20.0);
  for (size_t t = 0; t < n; t++) {
    ref[t] = (int16_t)ref_at(t);
    echo[t] = echo_at(t < SEG ? pa : pb, t);
    rx[t] = alaw_rt(echo[t] + (float)(sigma * tape_gauss(r)));
  }
  hl_echo_state s;
  hl_echo_init(&s, d);
  run_ec(&s, rx, ref, out, n, r);
  for (int seg = 0; seg < 2; seg++) {
    size_t from = (size_t)seg * SEG;
    res->conv_ms[seg] = -1;
    /* blocks of 50 ms; ERLE over 4 blocks (200 ms) of echo above the noise */
    int nb = SEG / BLK;
    double pe[SEG / BLK], po[SEG / BLK];
    for (int b = 0; b < nb; b++) {
      pe[b] = po[b] = 0;
      for (size_t t = from + (size_t)b * BLK; t < from + (size_t)(b + 1) * BLK; t++) {
        pe[b] += (double)echo[t] * echo[t];
        po[b] += (double)out[t] * out[t];
      }
    }
    for (int b = 0; b + 4 <= nb; b++) {
      double e = 0, o = 0;
      for (int j = b; j < b + 4; j++) e += pe[j], o += po[j];
      if (o > 0 && 10 * log10(e / o) >= 20) {
        res->conv_ms[seg] = b * BLK / 8.0;
        break;
      }
    }
    double e = 0, o = 0;
    for (int b = nb / 2; b < nb; b++) e += pe[b], o += po[b];
    res->erle[seg] = o > 0 ? 10 * log10(e / o) : 99;
  }
  free(rx), free(ref), free(out), free(echo);
}

/* ---- 2. keys during a prompt ---- */
#define KEYS_PER_TAPE 8
#define TAPE_N (9 * 8000)

typedef struct key_tally {
  int keys, found_raw, found_ec, false_raw, false_ec, sp_found_raw;
} key_tally;

typedef struct det_result {
  int n;
  char digit[32];
  uint64_t start[32];
} det_result;

static void on_digit(void *user, const hl_dtmf_event *ev) {
  det_result *r = (det_result *)user;
  if (ev->type == HL_DTMF_EV_START && r->n < 32) {
    r->digit[r->n] = ev->digit;
    r->start[r->n++] = ev->start;
  }
}

static void detect(const hl_dtmf_desc *dd, const int16_t *x, size_t n, det_result *r) {
  hl_dtmf_state s;
  memset(r, 0, sizeof *r);
  hl_dtmf_init(&s, dd, on_digit, r);
  hl_dtmf_rx(&s, x, n);
  int16_t z[400] = {0};
  hl_dtmf_rx(&s, z, 400);
}

/* keys found (right digit starting within 40 ms of the truth) and other digits */
static void score(const det_result *r, const char *keys, const size_t *at, const double *ms, int nk, int *found,
                  int *falses, const char *what) {
  int used[32] = {0};
  for (int k = 0; k < nk; k++) {
    int hit = 0;
    for (int i = 0; i < r->n && !hit; i++)
      if (!used[i] && r->digit[i] == keys[k] && llabs((long long)r->start[i] - (long long)at[k]) <= 320) {
        used[i] = 1;
        (*found)++;
        hit = 1;
      }
    if (!hit && what && verbose) printf("  missed %s: key %c at %.3f s, %.0f ms\n", what, keys[k], at[k] / 8000.0, ms[k]);
  }
  for (int i = 0; i < r->n; i++) *falses += !used[i];
}

static const char ALLKEYS[] = "123A456B789C*0#D";

static void keys_run(const hl_echo_desc *ed, const hl_dtmf_desc *dd, double erl, double key_dbm0, key_tally *kt,
                     tape_rng *r) {
  path p;
  make_path(&p, tape_uniform(r) * 32, 300 + tape_uniform(r) * 700, 6 + tape_uniform(r) * 10, tape_uniform(r) * 6, erl);
  size_t off = (size_t)tape_randint(r, 0, (int)prompt_n); /* where in the prompts the call starts */
  int16_t *rx = malloc(TAPE_N * 2), *ref = malloc(TAPE_N * 2), *out = malloc(TAPE_N * 2);
  tape near = {0, 0, 0};
  char keys[KEYS_PER_TAPE + 1] = {0};
  size_t at[KEYS_PER_TAPE];
  double ms[KEYS_PER_TAPE];
  /* keys from 1 s in (the canceller has heard 1 s of prompt), ~1 s apart */
  tape_silence(&near, 1000);
  for (int k = 0; k < KEYS_PER_TAPE; k++) {
    tape_silence_n(&near, (size_t)tape_randint(r, 0, 3000));
    keys[k] = ALLKEYS[tape_randint(r, 0, 15)];
    at[k] = near.n;
    ms[k] = 40 + tape_uniform(r) * 60;
    tape_dtmf_n(&near, keys[k], 0, 0, key_dbm0, key_dbm0 + 1, tape_ms(ms[k]));
    tape_silence_n(&near, (size_t)tape_randint(r, 4000, 5000));
  }
  tape_grow(&near, TAPE_N > near.n ? TAPE_N - near.n : 0);
  tape_overlay_noise(&near, 0, -65, r);
  for (size_t t = 0; t < TAPE_N; t++) {
    ref[t] = (int16_t)ref_at(off + t);
    float e = 0;
    if (t >= (size_t)p.delay + HLEN)
      for (int k = 0; k < HLEN; k++) e += p.h[k] * ref_at(off + t - (size_t)p.delay - k);
    rx[t] = alaw_rt(e + near.x[t]);
  }
  hl_echo_state s;
  hl_echo_init(&s, ed);
  run_ec(&s, rx, ref, out, TAPE_N, r);
  det_result dr;
  detect(dd, rx, TAPE_N, &dr);
  score(&dr, keys, at, ms, KEYS_PER_TAPE, &kt->found_raw, &kt->false_raw, NULL);
  detect(dd, out, TAPE_N, &dr);
  score(&dr, keys, at, ms, KEYS_PER_TAPE, &kt->found_ec, &kt->false_ec, "with EC");
  kt->keys += KEYS_PER_TAPE;
  tape_free(&near);
  free(rx), free(ref), free(out);
}

int main(void) {
  verbose = getenv("HL_ECHO_VERBOSE") != NULL; /* 1: every missed key */
  load_prompt("prompts/zh/main_menu.wav");
  load_prompt("prompts/en/main_menu.wav");
  load_prompt("prompts/zh/complaint_record.wav");
  load_prompt("prompts/en/kb_warranty.wav");
  tape_rng rng = {0x5EED0EC0ull};
  hl_echo_desc ed;
  if (hl_echo_desc_init(&ed, NULL)) abort();
  hl_dtmf_desc dd;
  if (hl_dtmf_desc_init(&dd, NULL)) abort();
  {
    double p = 0;
    for (size_t t = 0; t < prompt_n; t++) p += (double)prompt[t] * prompt[t];
    printf("prompts: %.1f s, mean level %.1f dBm0; canceller tail %d taps (%d ms), kernel %s, state %zu bytes\n",
           prompt_n / 8000.0, dbm0(p / prompt_n), ed.taps, ed.taps / 8, ed.isa ? "avx2+fma" : "generic", sizeof(hl_echo_state));
  }

  /* 1. ERLE */
  printf("\n1. ERLE (echo return loss enhancement): 6 s on path A, then the path changes to B for 6 s;\n"
         "   line noise -65 dBm0, received signal A-law coded. Convergence = time to ERLE >= 20 dB over 200 ms.\n");
  printf("%-8s %-26s %-26s %10s %10s %10s %10s\n", "ERL dB", "path A (delay, shape)", "path B (delay, shape)", "conv A ms",
         "ERLE A dB", "conv B ms", "ERLE B dB");
  static const double erls[] = {6, 10, 15, 20};
  static const double delays[][2] = {{2, 16}, {16, 32}, {32, 5}};
  double worst_erle = 99, worst_conv = 0;
  for (size_t e = 0; e < sizeof erls / sizeof erls[0]; e++)
    for (size_t dl = 0; dl < sizeof delays / sizeof delays[0]; dl++) {
      path pa, pb;
      double fa = 400 + 150 * (double)dl, fb = 900 - 100 * (double)e;
      make_path(&pa, delays[dl][0], fa, 8, 0.3, erls[e]);
      make_path(&pb, delays[dl][1], fb, 14, 2.1, erls[e]);
      erle_result res;
      erle_run(&ed, &pa, &pb, -65, &res, &rng);
      char a[32], b[32];
      snprintf(a, sizeof a, "%2.0f ms, %4.0f Hz", delays[dl][0], fa);
      snprintf(b, sizeof b, "%2.0f ms, %4.0f Hz", delays[dl][1], fb);
      printf("%-8.0f %-26s %-26s %10.0f %10.1f %10.0f %10.1f\n", erls[e], a, b, res.conv_ms[0], res.erle[0], res.conv_ms[1],
             res.erle[1]);
      for (int s = 0; s < 2; s++) {
        if (res.erle[s] < worst_erle) worst_erle = res.erle[s];
        double c = res.conv_ms[s] < 0 ? 1e9 : res.conv_ms[s];
        if (c > worst_conv) worst_conv = c;
      }
    }
  printf("worst steady ERLE %.1f dB, slowest convergence %.0f ms\n", worst_erle, worst_conv);
  /* bounds: the measured figures with margin (ERLE at ERL 20 dB is capped
     near 29 dB by the -65 dBm0 line noise and the A-law coding) */
  if (worst_erle < 18) FAIL("steady-state ERLE %.1f dB, want >= 18 dB on every path", worst_erle);
  /* 2.95 s measured since IPNLMS alpha 0.5 (3.75 s with alpha 0) */
  if (worst_conv > 3300) FAIL("convergence took %.0f ms, want <= 3300 ms on every path", worst_conv);

  /* 2. keys during a prompt */
  printf("\n2. DTMF keys (40-100 ms, random key) pressed while a prompt plays, echo delay 0-32 ms random:\n");
  printf("%-8s %-10s %6s %14s %14s %10s %10s\n", "ERL dB", "key dBm0", "keys", "found, no EC", "found, EC", "false, no", "false, EC");
  static const double kerl[] = {6, 12, 20};
  static const double klev[] = {-10, -16, -20, -26};
  int all_keys = 0, all_ec = 0, all_raw = 0, all_false_ec = 0;
  for (size_t e = 0; e < sizeof kerl / sizeof kerl[0]; e++)
    for (size_t l = 0; l < sizeof klev / sizeof klev[0]; l++) {
      key_tally kt = {0};
      for (int tp = 0; tp < 4; tp++) keys_run(&ed, &dd, kerl[e], klev[l], &kt, &rng);
      printf("%-8.0f %-10.0f %6d %13.1f%% %13.1f%% %10d %10d\n", kerl[e], klev[l], kt.keys, 100.0 * kt.found_raw / kt.keys,
             100.0 * kt.found_ec / kt.keys, kt.false_raw, kt.false_ec);
      all_keys += kt.keys;
      all_ec += kt.found_ec;
      all_raw += kt.found_raw;
      all_false_ec += kt.false_ec;
      if (kt.found_ec * 10 < kt.keys * 9)
        FAIL("ERL %.0f dB, keys at %.0f dBm0: %d of %d found with the canceller, want >= 90 %%", kerl[e], klev[l], kt.found_ec,
             kt.keys);
    }
  printf("all keys: %d of %d found without the canceller (%.1f %%), %d with it (%.1f %%); %d false digits with it\n",
         all_raw, all_keys, 100.0 * all_raw / all_keys, all_ec, 100.0 * all_ec / all_keys, all_false_ec);
  if (all_ec * 100 < all_keys * 97) FAIL("with the canceller %d of %d keys found, want >= 97 %%", all_ec, all_keys);
  if (all_ec <= all_raw) FAIL("the canceller found no more keys (%d) than none (%d)", all_ec, all_raw);
  if (all_false_ec > 1) FAIL("%d false digits with the canceller, want <= 1", all_false_ec);

  /* 3. double talk: a loud near-end talker for 1 s after convergence must
   * not spoil the output filter */
  {
    path p;
    make_path(&p, 12, 600, 10, 1.0, 10);
    const size_t n = 8 * 8000, dt0 = 4 * 8000, dt1 = 5 * 8000;
    int16_t *rx = malloc(n * 2), *ref = malloc(n * 2), *out = malloc(n * 2);
    float *echo = malloc(n * sizeof *echo);
    for (size_t t = 0; t < n; t++) {
      ref[t] = (int16_t)ref_at(t);
      echo[t] = echo_at(&p, t);
      /* the near end: another stretch of the prompts, 6 dB louder than the echo's source */
      float near = t >= dt0 && t < dt1 ? 2.0f * ref_at(t + 20 * 8000) : 0;
      rx[t] = alaw_rt(echo[t] + near + (float)(HL_TONE_DBM0_PEAK / sqrt(2.0) * pow(10, -65 / 20.0) * tape_gauss(&rng)));
    }
    hl_echo_state s;
    hl_echo_init(&s, &ed);
    run_ec(&s, rx, ref, out, n, &rng);
    double e0 = 0, o0 = 0, e1 = 0, o1 = 0;
    for (size_t t = dt0 - 8000; t < dt0; t++) e0 += (double)echo[t] * echo[t], o0 += (double)out[t] * out[t];
    for (size_t t = dt1; t < dt1 + 8000; t++) e1 += (double)echo[t] * echo[t], o1 += (double)out[t] * out[t];
    double before = 10 * log10(e0 / o0), after = 10 * log10(e1 / o1);
    printf("\n3. double talk (near end 6 dB above the prompt for 1 s, ERL 10 dB): ERLE %.1f dB in the second before, %.1f dB in "
           "the second after; %d blocks in double talk\n",
           before, after, s.dt_blocks);
    if (after < 18 || after < before - 6) FAIL("ERLE after double talk %.1f dB (before %.1f dB)", after, before);

    /* 4. chunk sizes do not matter (sample-exact); the kernels agree */
    hl_echo_state a, b;
    hl_echo_init(&a, &ed);
    hl_echo_init(&b, &ed);
    int16_t *out2 = malloc(n * 2);
    hl_echo_rx(&a, rx, ref, out2, n);
    for (size_t t = 0; t < n; t++) hl_echo_rx(&b, rx + t, ref + t, out + t, 1);
    if (memcmp(out, out2, n * 2)) FAIL("one call and sample-by-sample calls give different outputs");
    hl_echo_desc eg = ed;
    if (hl_echo_desc_set_isa(&eg, 0)) FAIL("the generic kernel is refused");
    hl_echo_init(&b, &eg);
    hl_echo_rx(&b, rx, ref, out, n);
    double og = 0;
    for (size_t t = dt1; t < dt1 + 8000; t++) og += (double)out[t] * out[t];
    double after_g = 10 * log10(e1 / og);
    printf("4. kernels: %s %.1f dB, generic %.1f dB after double talk\n", ed.isa ? "avx2+fma" : "generic", after, after_g);
    if (fabs(after_g - after) > 2) FAIL("the generic kernel's ERLE %.1f dB differs from %.1f dB", after_g, after);
    free(rx), free(ref), free(out), free(out2), free(echo);
  }
  /* argument checks */
  {
    hl_echo_params p;
    hl_echo_params_default(&p);
    p.tail_ms = 65;
    hl_echo_desc d2;
    if (hl_echo_desc_init(&d2, &p) != HL_EINVAL) FAIL("a 65 ms tail was accepted (the state holds 64 ms)");
    hl_echo_params_default(&p);
    p.step = 0;
    if (hl_echo_desc_init(&d2, &p) != HL_EINVAL) FAIL("step 0 was accepted");
    if (hl_echo_desc_set_isa(&d2, 5) != HL_EINVAL) FAIL("kernel 5 was accepted");
    if (hl_echo_init(NULL, &ed) != HL_EINVAL) FAIL("a NULL state was accepted");
  }

  printf("echo_test: %d failures\n", failures);
  free(prompt);
  return failures ? 1 : 0;
}
