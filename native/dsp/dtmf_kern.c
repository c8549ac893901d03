/* DTMF analysis kernels. The 8 tone frequencies sit in the lanes of one
 * register per window half (re and im), so one channel fills a SIMD register
 * on its own. Samples go in two at a time through 16 x 16 -> 32-bit
 * multiply-add (pmaddwd) into exact int32 sums kept in the channel state, so
 * the scalar, SSE2 (x86-64 baseline) and AVX2 kernels agree to the bit. The
 * AVX2 one is compiled with a target attribute and chosen at run time
 * (dtmf.c), so the build never needs -march flags. */
#include "dtmf_kern.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HL_X86 1
#endif

static void kern_scalar(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *aux, const int16_t *x, int m,
                        int pos, int pos450) {
  const int pn = pos / 2, po = (pos + HL_DTMF_HOP) / 2;
  for (int i = 0; i < m; i += 2) {
    const int32_t x0 = x[i], x1 = x[i + 1];
    const int16_t *tn = d->ktab[pn + i / 2], *to = d->ktab[po + i / 2];
    for (int k = 0; k < 16; k++) {
      wn[k] += x0 * tn[2 * k] + x1 * tn[2 * k + 1];
      wo[k] += x0 * to[2 * k] + x1 * to[2 * k + 1];
    }
  }
  int32_t e = 0, cr = 0, ci = 0;
  for (int i = 0; i < m; i++) {
    e += x[i] * x[i];
    cr += x[i] * d->k450re[pos450 + i];
    ci += x[i] * d->k450im[pos450 + i];
  }
  aux[0] += e;
  aux[8] += cr;
  aux[16] += ci;
}

#ifdef HL_X86
__attribute__((target("sse2"))) static void kern_sse2(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *aux,
                                                       const int16_t *x, int m, int pos, int pos450) {
  __m128i *n = (__m128i *)wn, *o = (__m128i *)wo;
  __m128i n0 = _mm_loadu_si128(n), n1 = _mm_loadu_si128(n + 1), n2 = _mm_loadu_si128(n + 2), n3 = _mm_loadu_si128(n + 3);
  __m128i o0 = _mm_loadu_si128(o), o1 = _mm_loadu_si128(o + 1), o2 = _mm_loadu_si128(o + 2), o3 = _mm_loadu_si128(o + 3);
  const int pn = pos / 2, po = (pos + HL_DTMF_HOP) / 2;
  for (int i = 0; i < m; i += 2) {
    int32_t pair;
    __builtin_memcpy(&pair, x + i, 4);
    const __m128i v = _mm_set1_epi32(pair);
    const __m128i *tn = (const __m128i *)d->ktab[pn + i / 2], *to = (const __m128i *)d->ktab[po + i / 2];
    n0 = _mm_add_epi32(n0, _mm_madd_epi16(v, _mm_loadu_si128(tn)));
    n1 = _mm_add_epi32(n1, _mm_madd_epi16(v, _mm_loadu_si128(tn + 1)));
    n2 = _mm_add_epi32(n2, _mm_madd_epi16(v, _mm_loadu_si128(tn + 2)));
    n3 = _mm_add_epi32(n3, _mm_madd_epi16(v, _mm_loadu_si128(tn + 3)));
    o0 = _mm_add_epi32(o0, _mm_madd_epi16(v, _mm_loadu_si128(to)));
    o1 = _mm_add_epi32(o1, _mm_madd_epi16(v, _mm_loadu_si128(to + 1)));
    o2 = _mm_add_epi32(o2, _mm_madd_epi16(v, _mm_loadu_si128(to + 2)));
    o3 = _mm_add_epi32(o3, _mm_madd_epi16(v, _mm_loadu_si128(to + 3)));
  }
  _mm_storeu_si128(n, n0), _mm_storeu_si128(n + 1, n1), _mm_storeu_si128(n + 2, n2), _mm_storeu_si128(n + 3, n3);
  _mm_storeu_si128(o, o0), _mm_storeu_si128(o + 1, o1), _mm_storeu_si128(o + 2, o2), _mm_storeu_si128(o + 3, o3);
  /* energy and 450 Hz along the samples, 8 at a time, lane-wise */
  __m128i *a = (__m128i *)aux;
  __m128i e = _mm_loadu_si128(a), cr = _mm_loadu_si128(a + 2), ci = _mm_loadu_si128(a + 4);
  int i = 0;
  for (; i + 8 <= m; i += 8) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
    e = _mm_add_epi32(e, _mm_madd_epi16(v, v));
    cr = _mm_add_epi32(cr, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(d->k450re + pos450 + i))));
    ci = _mm_add_epi32(ci, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(d->k450im + pos450 + i))));
  }
  _mm_storeu_si128(a, e), _mm_storeu_si128(a + 2, cr), _mm_storeu_si128(a + 4, ci);
  for (; i < m; i++) {
    aux[0] += x[i] * x[i];
    aux[8] += x[i] * d->k450re[pos450 + i];
    aux[16] += x[i] * d->k450im[pos450 + i];
  }
}

/* Per pair of samples: 4 multiply-adds (re/im of the two open windows), each
 * covering the 8 tones. The running sums only wait on 1-cycle adds, so one
 * set of accumulators keeps the multipliers busy. */
__attribute__((target("avx2"))) static void kern_avx2(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *aux,
                                                       const int16_t *x, int m, int pos, int pos450) {
  __m256i *wnv = (__m256i *)wn, *wov = (__m256i *)wo;
  __m256i nr = _mm256_loadu_si256(wnv), ni = _mm256_loadu_si256(wnv + 1);
  __m256i orr = _mm256_loadu_si256(wov), oi = _mm256_loadu_si256(wov + 1);
  const __m256i *tn = (const __m256i *)d->ktab[pos / 2];
  const __m256i *to = (const __m256i *)d->ktab[(pos + HL_DTMF_HOP) / 2];
  int i;
#pragma GCC unroll 4
  for (i = 0; i < m; i += 2, tn += 2, to += 2) {
    int32_t p0;
    __builtin_memcpy(&p0, x + i, 4);
    const __m256i v0 = _mm256_set1_epi32(p0);
    nr = _mm256_add_epi32(nr, _mm256_madd_epi16(v0, _mm256_loadu_si256(tn)));
    ni = _mm256_add_epi32(ni, _mm256_madd_epi16(v0, _mm256_loadu_si256(tn + 1)));
    orr = _mm256_add_epi32(orr, _mm256_madd_epi16(v0, _mm256_loadu_si256(to)));
    oi = _mm256_add_epi32(oi, _mm256_madd_epi16(v0, _mm256_loadu_si256(to + 1)));
  }
  _mm256_storeu_si256(wnv, nr), _mm256_storeu_si256(wnv + 1, ni);
  _mm256_storeu_si256(wov, orr), _mm256_storeu_si256(wov + 1, oi);
  __m256i *a = (__m256i *)aux;
  __m256i e = _mm256_loadu_si256(a), cr = _mm256_loadu_si256(a + 1), ci = _mm256_loadu_si256(a + 2);
  i = 0;
  for (; i + 16 <= m; i += 16) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
    e = _mm256_add_epi32(e, _mm256_madd_epi16(v, v));
    cr = _mm256_add_epi32(cr, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(d->k450re + pos450 + i))));
    ci = _mm256_add_epi32(ci, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(d->k450im + pos450 + i))));
  }
  if (i + 8 <= m) { /* 40-sample hops end with 8 */
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
    const __m128i pe = _mm_madd_epi16(v, v);
    const __m128i pr = _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(d->k450re + pos450 + i)));
    const __m128i pi = _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(d->k450im + pos450 + i)));
    e = _mm256_add_epi32(e, _mm256_zextsi128_si256(pe));
    cr = _mm256_add_epi32(cr, _mm256_zextsi128_si256(pr));
    ci = _mm256_add_epi32(ci, _mm256_zextsi128_si256(pi));
    i += 8;
  }
  _mm256_storeu_si256(a, e), _mm256_storeu_si256(a + 1, cr), _mm256_storeu_si256(a + 2, ci);
  for (; i < m; i++) {
    aux[0] += x[i] * x[i];
    aux[8] += x[i] * d->k450re[pos450 + i];
    aux[16] += x[i] * d->k450im[pos450 + i];
  }
}

const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, kern_sse2, kern_avx2};
#else
const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, 0, 0};
#endif
