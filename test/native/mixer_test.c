/* Conference mixer: every party hears all other talkers but not itself,
 * monitors hear everything and are heard by none, a whisper reaches only its
 * target, and sums saturate to int16 instead of wrapping. Each case is checked
 * sample by sample against a 64-bit reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/mixer.h"
#include "hl_errors.h"

#include "check.h"

#define MAXP 8
#define N 500 /* not a multiple of the mixer's internal block */

static int16_t in[MAXP][N], out[MAXP][N];
static uint32_t rng = 12345;
static int16_t rnd(int amp) {
  rng = rng * 1103515245u + 12345u;
  return (int16_t)((int)((rng >> 8) % (2u * amp + 1)) - amp);
}

static int16_t sat(int64_t v) { return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }

/* Reference: what party p should hear at sample i. */
static int16_t expect(const hl_mix_party *pt, int count, int p, int i) {
  int64_t acc = 0;
  for (int q = 0; q < count; q++) {
    if (q == p) continue;
    if (pt[q].role == HL_MIX_TALK) acc += pt[q].in[i];
    if (pt[q].role == HL_MIX_WHISPER && pt[q].whisper_to == p) acc += pt[q].in[i];
  }
  return sat(acc);
}

static int run_case(const char *name, hl_mix_party *pt, int count, int amp) {
  for (int p = 0; p < count; p++) {
    for (int i = 0; i < N; i++) in[p][i] = rnd(amp);
    memset(out[p], 0x55, sizeof out[p]);
    pt[p].in = in[p];
    pt[p].out = out[p];
  }
  int rc = hl_mix_conference(pt, count, N);
  CHECK(rc == 0, "%s: mixer returned %s", name, hl_err_code(rc));
  int bad = 0, clipped = 0;
  for (int p = 0; p < count; p++)
    for (int i = 0; i < N; i++) {
      int16_t want = expect(pt, count, p, i);
      if (want == 32767 || want == -32768) clipped++;
      if (out[p][i] != want) {
        if (!bad) printf("  %s: party %d sample %d heard %d, want %d\n", name, p, i, out[p][i], want);
        bad++;
      }
    }
  printf("  %-34s %7d %7d %8d %6d\n", name, count, amp, clipped, bad);
  CHECK(bad == 0, "%s: %d samples differ from the reference", name, bad);
  return clipped;
}

int main(void) {
  hl_mix_party pt[MAXP];
  printf("case                               parties     amp  clipped  wrong\n");
  memset(pt, 0, sizeof pt);
  run_case("2 talkers", pt, 2, 8000);
  memset(pt, 0, sizeof pt);
  run_case("8 talkers, quiet", pt, 8, 3000);
  memset(pt, 0, sizeof pt);
  int clipped = run_case("8 talkers, loud (saturates)", pt, 8, 32767);
  CHECK(clipped > 100, "loud conference never reached saturation (%d samples), the case tests nothing", clipped);

  /* Supervisor scenarios: 0 = caller, 1 = agent, 2 = supervisor. */
  memset(pt, 0, sizeof pt);
  pt[2].role = HL_MIX_LISTEN;
  run_case("listen: supervisor monitors", pt, 3, 10000);
  for (int i = 0; i < N; i++) {
    CHECK(out[0][i] == in[1][i], "listen: caller hears something besides the agent at %d", i);
    CHECK(out[2][i] == sat((int64_t)in[0][i] + in[1][i]), "listen: supervisor does not hear both at %d", i);
    if (out[0][i] != in[1][i]) break;
  }
  memset(pt, 0, sizeof pt);
  pt[2].role = HL_MIX_WHISPER;
  pt[2].whisper_to = 1;
  run_case("whisper: supervisor coaches agent", pt, 3, 10000);
  for (int i = 0; i < N; i++) {
    if (out[0][i] != in[1][i] || out[1][i] != sat((int64_t)in[0][i] + in[2][i])) {
      CHECK(0, "whisper: at %d caller hears %d (want agent %d), agent hears %d", i, out[0][i], in[1][i], out[1][i]);
      break;
    }
  }
  memset(pt, 0, sizeof pt);
  pt[2].role = HL_MIX_WHISPER;
  pt[2].whisper_to = 1;
  run_case("whisper, loud (one saturation)", pt, 3, 30000);
  memset(pt, 0, sizeof pt);
  run_case("barge-in: supervisor talks", pt, 3, 10000);
  memset(pt, 0, sizeof pt);
  pt[3].role = HL_MIX_LISTEN;
  pt[4].role = HL_MIX_WHISPER;
  pt[4].whisper_to = 0;
  pt[5].role = HL_MIX_WHISPER;
  pt[5].whisper_to = 0;
  run_case("mixed roles, two whispers", pt, 6, 12000);

  /* A party with no output buffer is skipped; a monitor needs no input. */
  memset(pt, 0, sizeof pt);
  pt[0].in = in[0]; pt[0].out = NULL;
  pt[1].in = in[1]; pt[1].out = out[1];
  pt[2].role = HL_MIX_LISTEN; pt[2].out = out[2];
  CHECK(hl_mix_conference(pt, 3, N) == 0, "NULL out / NULL monitor input rejected");

  /* Bad memberships are refused, not mixed. */
  memset(pt, 0, sizeof pt);
  pt[0].in = in[0]; pt[1].in = in[1];
  pt[1].role = HL_MIX_WHISPER; pt[1].whisper_to = 1;
  CHECK(hl_mix_conference(pt, 2, N) == HL_EINVAL, "whisper to itself accepted");
  pt[1].whisper_to = 5;
  CHECK(hl_mix_conference(pt, 2, N) == HL_EINVAL, "whisper to a missing party accepted");
  pt[1].role = 9;
  CHECK(hl_mix_conference(pt, 2, N) == HL_EINVAL, "unknown role accepted");
  pt[1].role = HL_MIX_TALK; pt[1].in = NULL;
  CHECK(hl_mix_conference(pt, 2, N) == HL_EINVAL, "talker without input accepted");
  CHECK(hl_mix_conference(NULL, 0, N) == 0, "empty conference refused");

  int16_t a[3] = {30000, -30000, 5}, b[3] = {10000, -10000, -7};
  hl_mix_add_sat(a, b, 3);
  CHECK(a[0] == 32767 && a[1] == -32768 && a[2] == -2, "add_sat gave %d %d %d", a[0], a[1], a[2]);

  printf("mixer_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
