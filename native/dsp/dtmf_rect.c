/* DTMF receiver: rectangular DFTs at the nominal frequencies over samples
 * taken from the ring (s->hist), for the decisions that judge a stretch of
 * samples rather than the 10 ms windows: the pitch-residual decision
 * (dtmf_ltp.c) and the whole-key decision (dtmf_whole.c). */
#include "dtmf_int.h"

void hl__dtmf_hist_copy(const hl_dtmf_state *s, uint64_t from, int n, float *x) {
  for (int i = 0, j = (int)(from % HL_DTMF_HIST); i < n; i++, j = j == HL_DTMF_HIST - 1 ? 0 : j + 1) x[i] = (float)s->hist[j];
}

void hl__dtmf_halves(const float *x, int n, const int *ks, float (*A)[2], float (*B)[2], float (*X)[2]) {
  float ur[4], ui[4], pr[4], pi[4], sr[4] = {0}, si[4] = {0}, ar[4] = {0}, ai[4] = {0}, br[4] = {0}, bi[4] = {0};
  for (int j = 0; j < 4; j++) {
    const double w = 2 * PI * FREQ[ks[j]] / FS;
    ur[j] = (float)cos(w), ui[j] = (float)-sin(w), pr[j] = 1, pi[j] = 0;
  }
  const int h = n / 2;
  for (int i = 0; i < n; i++) {
    const float v = x[i];
    if (i == h)
      for (int j = 0; j < 4; j++) ar[j] = sr[j], ai[j] = si[j];
    if (i == n - h)
      for (int j = 0; j < 4; j++) br[j] = sr[j], bi[j] = si[j];
    for (int j = 0; j < 4; j++) {
      sr[j] += v * pr[j], si[j] += v * pi[j];
      const float q = pr[j] * ur[j] - pi[j] * ui[j];
      pi[j] = pr[j] * ui[j] + pi[j] * ur[j];
      pr[j] = q;
    }
    if ((i & 63) == 63) /* keep the phasors on the unit circle */
      for (int j = 0; j < 4; j++) {
        const float g = 1.5f - 0.5f * (pr[j] * pr[j] + pi[j] * pi[j]);
        pr[j] *= g, pi[j] *= g;
      }
  }
  for (int j = 0; j < 4; j++) {
    A[ks[j]][0] = ar[j], A[ks[j]][1] = ai[j];
    B[ks[j]][0] = sr[j] - br[j], B[ks[j]][1] = si[j] - bi[j];
    X[ks[j]][0] = sr[j], X[ks[j]][1] = si[j];
  }
}

float hl__dtmf_turn(const float *a, const float *b, int dist, float *off) {
  const float sr = a[0] + b[0], si = a[1] + b[1];
  const float la = sqrtf(a[0] * a[0] + a[1] * a[1]), lb = sqrtf(b[0] * b[0] + b[1] * b[1]);
  /* b conj(a): the phase turned beyond the nominal's over dist samples */
  const float cr = b[0] * a[0] + b[1] * a[1], ci = b[1] * a[0] - b[0] * a[1];
  *off = atan2f(ci, cr) * (float)(FS / (2 * PI)) / (float)dist;
  return sqrtf(sr * sr + si * si) / (la + lb + 1e-9f);
}
