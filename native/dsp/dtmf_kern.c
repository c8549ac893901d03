/* DTMF analysis kernels: the 8 tone frequencies sit in the lanes of one
 * vector per window half (re and im), so one channel fills a SIMD register
 * without gathering channels together. Scalar, SSE2 (the x86-64 baseline) and
 * AVX2+FMA versions; the AVX2 one is compiled with a target attribute and
 * chosen at run time (dtmf.c), so the build never needs -march flags. */
#include "dtmf_kern.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HL_X86 1
#endif

static void kern_scalar(const hl_dtmf_desc *d, float *an, float *ao, float *aux, const float *x, int m, int pos,
                        int pos450) {
  float e = 0, cr = 0, ci = 0;
  for (int i = 0; i < m; i++) {
    const float v = x[i];
    const float *tn = d->tab[pos + i], *to = d->tab[pos + HL_DTMF_HOP + i];
    for (int k = 0; k < 16; k++) {
      an[k] += v * tn[k];
      ao[k] += v * to[k];
    }
    e += v * v;
    cr += v * d->t450re[pos450 + i];
    ci += v * d->t450im[pos450 + i];
  }
  aux[0] += e;
  aux[1] += cr;
  aux[2] += ci;
}

#ifdef HL_X86
__attribute__((target("sse2"))) static float hsum4(__m128 v) {
  __m128 s = _mm_add_ps(v, _mm_movehl_ps(v, v));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

__attribute__((target("sse2"))) static void kern_sse2(const hl_dtmf_desc *d, float *an, float *ao, float *aux,
                                                       const float *x, int m, int pos, int pos450) {
  __m128 n0 = _mm_loadu_ps(an), n1 = _mm_loadu_ps(an + 4), n2 = _mm_loadu_ps(an + 8), n3 = _mm_loadu_ps(an + 12);
  __m128 o0 = _mm_loadu_ps(ao), o1 = _mm_loadu_ps(ao + 4), o2 = _mm_loadu_ps(ao + 8), o3 = _mm_loadu_ps(ao + 12);
  for (int i = 0; i < m; i++) {
    const __m128 v = _mm_set1_ps(x[i]);
    const float *tn = d->tab[pos + i], *to = d->tab[pos + HL_DTMF_HOP + i];
    n0 = _mm_add_ps(n0, _mm_mul_ps(v, _mm_loadu_ps(tn)));
    n1 = _mm_add_ps(n1, _mm_mul_ps(v, _mm_loadu_ps(tn + 4)));
    n2 = _mm_add_ps(n2, _mm_mul_ps(v, _mm_loadu_ps(tn + 8)));
    n3 = _mm_add_ps(n3, _mm_mul_ps(v, _mm_loadu_ps(tn + 12)));
    o0 = _mm_add_ps(o0, _mm_mul_ps(v, _mm_loadu_ps(to)));
    o1 = _mm_add_ps(o1, _mm_mul_ps(v, _mm_loadu_ps(to + 4)));
    o2 = _mm_add_ps(o2, _mm_mul_ps(v, _mm_loadu_ps(to + 8)));
    o3 = _mm_add_ps(o3, _mm_mul_ps(v, _mm_loadu_ps(to + 12)));
  }
  _mm_storeu_ps(an, n0), _mm_storeu_ps(an + 4, n1), _mm_storeu_ps(an + 8, n2), _mm_storeu_ps(an + 12, n3);
  _mm_storeu_ps(ao, o0), _mm_storeu_ps(ao + 4, o1), _mm_storeu_ps(ao + 8, o2), _mm_storeu_ps(ao + 12, o3);
  /* energy and 450 Hz across samples, 4 at a time */
  __m128 e = _mm_setzero_ps(), cr = _mm_setzero_ps(), ci = _mm_setzero_ps();
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    const __m128 v = _mm_loadu_ps(x + i);
    e = _mm_add_ps(e, _mm_mul_ps(v, v));
    cr = _mm_add_ps(cr, _mm_mul_ps(v, _mm_loadu_ps(d->t450re + pos450 + i)));
    ci = _mm_add_ps(ci, _mm_mul_ps(v, _mm_loadu_ps(d->t450im + pos450 + i)));
  }
  float es = hsum4(e), crs = hsum4(cr), cis = hsum4(ci);
  for (; i < m; i++) {
    es += x[i] * x[i];
    crs += x[i] * d->t450re[pos450 + i];
    cis += x[i] * d->t450im[pos450 + i];
  }
  aux[0] += es;
  aux[1] += crs;
  aux[2] += cis;
}

__attribute__((target("avx2,fma"))) static float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

/* Two samples per iteration into two sets of accumulators: an FMA takes 4
 * cycles, so one set alone would stall on its own result. */
__attribute__((target("avx2,fma"))) static void kern_avx2(const hl_dtmf_desc *d, float *an, float *ao, float *aux,
                                                           const float *x, int m, int pos, int pos450) {
  __m256 nr = _mm256_loadu_ps(an), ni = _mm256_loadu_ps(an + 8);
  __m256 orr = _mm256_loadu_ps(ao), oi = _mm256_loadu_ps(ao + 8);
  __m256 nr2 = _mm256_setzero_ps(), ni2 = _mm256_setzero_ps(), or2 = _mm256_setzero_ps(), oi2 = _mm256_setzero_ps();
  const float(*tn)[16] = d->tab + pos;
  const float(*to)[16] = d->tab + pos + HL_DTMF_HOP;
  int i = 0;
  for (; i + 2 <= m; i += 2) {
    const __m256 v0 = _mm256_broadcast_ss(x + i), v1 = _mm256_broadcast_ss(x + i + 1);
    nr = _mm256_fmadd_ps(v0, _mm256_loadu_ps(tn[i]), nr);
    ni = _mm256_fmadd_ps(v0, _mm256_loadu_ps(tn[i] + 8), ni);
    orr = _mm256_fmadd_ps(v0, _mm256_loadu_ps(to[i]), orr);
    oi = _mm256_fmadd_ps(v0, _mm256_loadu_ps(to[i] + 8), oi);
    nr2 = _mm256_fmadd_ps(v1, _mm256_loadu_ps(tn[i + 1]), nr2);
    ni2 = _mm256_fmadd_ps(v1, _mm256_loadu_ps(tn[i + 1] + 8), ni2);
    or2 = _mm256_fmadd_ps(v1, _mm256_loadu_ps(to[i + 1]), or2);
    oi2 = _mm256_fmadd_ps(v1, _mm256_loadu_ps(to[i + 1] + 8), oi2);
  }
  if (i < m) {
    const __m256 v0 = _mm256_broadcast_ss(x + i);
    nr = _mm256_fmadd_ps(v0, _mm256_loadu_ps(tn[i]), nr);
    ni = _mm256_fmadd_ps(v0, _mm256_loadu_ps(tn[i] + 8), ni);
    orr = _mm256_fmadd_ps(v0, _mm256_loadu_ps(to[i]), orr);
    oi = _mm256_fmadd_ps(v0, _mm256_loadu_ps(to[i] + 8), oi);
  }
  _mm256_storeu_ps(an, _mm256_add_ps(nr, nr2));
  _mm256_storeu_ps(an + 8, _mm256_add_ps(ni, ni2));
  _mm256_storeu_ps(ao, _mm256_add_ps(orr, or2));
  _mm256_storeu_ps(ao + 8, _mm256_add_ps(oi, oi2));
  __m256 e = _mm256_setzero_ps(), cr = _mm256_setzero_ps(), ci = _mm256_setzero_ps();
  i = 0;
  for (; i + 8 <= m; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    e = _mm256_fmadd_ps(v, v, e);
    cr = _mm256_fmadd_ps(v, _mm256_loadu_ps(d->t450re + pos450 + i), cr);
    ci = _mm256_fmadd_ps(v, _mm256_loadu_ps(d->t450im + pos450 + i), ci);
  }
  float es = hsum8(e), crs = hsum8(cr), cis = hsum8(ci);
  for (; i < m; i++) {
    es += x[i] * x[i];
    crs += x[i] * d->t450re[pos450 + i];
    cis += x[i] * d->t450im[pos450 + i];
  }
  aux[0] += es;
  aux[1] += crs;
  aux[2] += cis;
}

const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, kern_sse2, kern_avx2};
#else
const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, 0, 0};
#endif
