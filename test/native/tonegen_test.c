/* Tone generator: levels in dBm0 (each tone measured by a DFT), frequencies,
 * the China cadences to the sample, DTMF key timing, phase continuity across
 * any chunk size, long-run amplitude stability, MF R2 through the generic
 * descriptor, and bad descriptors refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

#include "dsp/g711.h"
#include "dsp/tone_gen.h"
#include "hl_errors.h"

#include "check.h"

#define P0 ((double)HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2.0)

/* Power (dBm0) of the component at f over n samples (rectangular DFT over a
 * whole number of periods of both tones in the tests below). */
static double tone_dbm0(const int16_t *x, size_t n, double f) {
  double re = 0, im = 0;
  for (size_t i = 0; i < n; i++) {
    re += x[i] * cos(2 * PI * f * i / 8000.0);
    im -= x[i] * sin(2 * PI * f * i / 8000.0);
  }
  double amp = 2 * sqrt(re * re + im * im) / n;
  return 10 * log10(amp * amp / 2 / P0);
}

static int16_t buf[8000 * 12];

int main(void) {
  hl_tone_desc d;
  hl_tone_gen g;

  /* 1. DTMF levels and frequencies: 1 s of each key, -8 / -6 dBm0 */
  static const char keys[] = "123A456B789C*0#D";
  static const int rows[4] = {697, 770, 852, 941}, cols[4] = {1209, 1336, 1477, 1633};
  for (int k = 0; k < 16; k++) {
    CHECK(hl_tone_desc_dtmf(&d, keys[k], -8, -6, 1000, 0) == 0, "key %c refused", keys[k]);
    hl_tone_gen_init(&g, &d);
    size_t made = hl_tone_gen_tx(&g, buf, 8000);
    CHECK(made == 8000, "key %c: %zu samples of tone, want 8000", keys[k], made);
    double lo = tone_dbm0(buf, 8000, rows[k / 4]), hi = tone_dbm0(buf, 8000, cols[k % 4]);
    CHECK(fabs(lo + 8) < 0.05 && fabs(hi + 6) < 0.05, "key %c: %.3f / %.3f dBm0, want -8 / -6", keys[k], lo, hi);
    double other = tone_dbm0(buf, 8000, rows[(k / 4 + 1) % 4]);
    CHECK(other < -60, "key %c: %.1f dBm0 at another row frequency", keys[k], other);
  }
  CHECK(hl_tone_desc_dtmf(&d, 'x', -8, -6, 100, 0) == HL_EINVAL, "key 'x' accepted");

  /* 2. 0 dBm0 reference: peak 22812.8, and through A-law the digital
   * milliwatt power */
  hl_tone_desc_dual(&d, 1000, 0, 0, -99, 0, 0, 0);
  hl_tone_gen_init(&g, &d);
  hl_tone_gen_tx(&g, buf, 8000);
  int peak = 0;
  for (int i = 0; i < 8000; i++) peak = buf[i] > peak ? buf[i] : peak;
  CHECK(abs(peak - 22813) <= 1, "0 dBm0 peak %d, want 22813", peak);
  CHECK(fabs(tone_dbm0(buf, 8000, 1000)) < 0.01, "0 dBm0 tone reads %.3f", tone_dbm0(buf, 8000, 1000));

  /* 3. China cadences to the sample (8 samples per ms) */
  static const struct {
    hl_tone_china kind;
    unsigned on, off;
  } cad[] = {{HL_TONE_CN_BUSY, 350, 350}, {HL_TONE_CN_RINGBACK, 1000, 4000}, {HL_TONE_CN_CONGESTION, 700, 700}};
  for (int c = 0; c < 3; c++) {
    CHECK(hl_tone_desc_china(&d, cad[c].kind, -10) == 0, "china tone %d refused", cad[c].kind);
    hl_tone_gen_init(&g, &d);
    size_t n = (cad[c].on + cad[c].off) * 8 * 2 + 800;
    if (n > sizeof buf / sizeof buf[0]) n = sizeof buf / sizeof buf[0];
    /* odd chunk sizes on purpose */
    for (size_t i = 0; i < n; i += 77) hl_tone_gen_tx(&g, buf + i, n - i < 77 ? n - i : 77);
    size_t period = (cad[c].on + cad[c].off) * 8, on = cad[c].on * 8;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
      size_t ph = i % period;
      /* during "on", the sine is nonzero except near its zero crossings */
      if (ph >= on && buf[i] != 0) bad++;
      if (ph < on && ph > 0 && ph + 1 < on && buf[i] == 0 && buf[i - 1] == 0 && buf[i + 1] == 0) bad++;
    }
    CHECK(bad == 0, "cadence %u/%u ms: %d samples on the wrong side", cad[c].on, cad[c].off, bad);
    CHECK(fabs(tone_dbm0(buf, 8 * 200, 450) + 10) < 0.1, "cadence %u/%u: first burst %.2f dBm0, want -10", cad[c].on,
          cad[c].off, tone_dbm0(buf, 8 * 200, 450));
    CHECK(!hl_tone_gen_done(&g), "a for-ever cadence ended");
  }
  hl_tone_desc_china(&d, HL_TONE_CN_DIAL, -10);
  hl_tone_gen_init(&g, &d);
  hl_tone_gen_tx(&g, buf, 8000);
  int zc = 0;
  for (int i = 1; i < 8000; i++) zc += (buf[i - 1] < 0) != (buf[i] < 0);
  CHECK(zc >= 899 && zc <= 901, "dial tone: %d zero crossings in 1 s, want 900 (450 Hz)", zc);

  /* 4. a DTMF key: 50 ms on, 50 ms off, then done and silent */
  hl_tone_desc_dtmf(&d, '5', -8, -6, 50, 50);
  hl_tone_gen_init(&g, &d);
  memset(buf, 0x55, 2000 * sizeof buf[0]);
  size_t made = hl_tone_gen_tx(&g, buf, 2000);
  CHECK(made == 800, "key 50/50 ms: cadence of %zu samples, want 800", made);
  CHECK(hl_tone_gen_done(&g), "key not done after its cadence");
  int loud = 0, after = 0;
  for (int i = 0; i < 400; i++) loud += buf[i] != 0;
  for (int i = 400; i < 2000; i++) after += buf[i] != 0;
  CHECK(loud > 390 && after == 0, "key 50/50: %d nonzero in the on part, %d after", loud, after);

  /* 5. phase continuity: chunks of 1, 80 and 997 give the same samples */
  hl_tone_desc_dual(&d, 1380, -11.5f, 1500, -11.5f, 0, 0, 0); /* MF R2 forward code 1 */
  static int16_t a[24000], b[24000], c2[24000];
  hl_tone_gen_init(&g, &d);
  for (int i = 0; i < 24000; i++) hl_tone_gen_tx(&g, a + i, 1);
  hl_tone_gen_init(&g, &d);
  for (int i = 0; i < 24000; i += 80) hl_tone_gen_tx(&g, b + i, 80);
  hl_tone_gen_init(&g, &d);
  for (int i = 0; i < 24000; i += 997) hl_tone_gen_tx(&g, c2 + i, 24000 - i < 997 ? 24000 - i : 997);
  CHECK(memcmp(a, b, sizeof a) == 0 && memcmp(a, c2, sizeof a) == 0, "output depends on the chunk size");
  int jump = 0;
  /* largest step of a sum of two sines: sum of 2 pi f A / fs, plus rounding */
  double maxstep = 2 * PI * (1380 + 1500) / 8000.0 * hl_tone_dbm0_to_peak(-11.5f) + 2;
  for (int i = 1; i < 24000; i++) jump += fabs((double)a[i] - a[i - 1]) > maxstep;
  CHECK(jump == 0, "MF R2 tone has %d discontinuities", jump);
  CHECK(fabs(tone_dbm0(a, 8000, 1380) + 11.5) < 0.05 && fabs(tone_dbm0(a, 8000, 1500) + 11.5) < 0.05,
        "MF R2 levels %.2f / %.2f, want -11.5", tone_dbm0(a, 8000, 1380), tone_dbm0(a, 8000, 1500));

  /* 6. ten minutes of dial tone: the amplitude does not drift */
  hl_tone_desc_china(&d, HL_TONE_CN_DIAL, 0);
  hl_tone_gen_init(&g, &d);
  for (int i = 0; i < 600; i++) hl_tone_gen_tx(&g, buf, 8000);
  double end = tone_dbm0(buf, 8000, 450);
  CHECK(fabs(end) < 0.01, "after 10 min the dial tone reads %.4f dBm0", end);

  /* 7. A-law output equals encoding the linear output */
  static uint8_t al[8000];
  hl_tone_desc_dtmf(&d, '#', -8, -6, 500, 500);
  hl_tone_gen_init(&g, &d);
  hl_tone_gen_tx_alaw(&g, al, 8000);
  hl_tone_gen_init(&g, &d);
  hl_tone_gen_tx(&g, buf, 8000);
  int diff = 0;
  for (int i = 0; i < 8000; i++) diff += al[i] != hl_g711_alaw_encode(buf[i]);
  CHECK(diff == 0, "A-law output differs in %d samples", diff);

  /* 8. bad descriptors */
  CHECK(hl_tone_desc_dual(&d, 4500, -10, 0, -99, 100, 0, 1) == HL_EINVAL, "4500 Hz accepted");
  CHECK(hl_tone_desc_dual(&d, 1000, 5, 0, -99, 100, 0, 1) == HL_EINVAL, "+5 dBm0 accepted");
  CHECK(hl_tone_desc_dual(&d, NAN, -10, 0, -99, 100, 0, 1) == HL_EINVAL, "NaN Hz accepted");
  memset(&d, 0, sizeof d);
  for (int i = 0; i < HL_TONE_MAX_SEGS; i++) hl_tone_desc_add(&d, 1000, -10, 0, -99, 10);
  CHECK(hl_tone_desc_add(&d, 1000, -10, 0, -99, 10) == HL_ENOSPC, "segment beyond the maximum accepted");
  memset(&d, 0, sizeof d);
  CHECK(hl_tone_gen_init(&g, &d) == HL_EINVAL, "empty descriptor accepted");

  printf("tonegen_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
