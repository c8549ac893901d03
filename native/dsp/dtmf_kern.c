/* DTMF analysis kernels. The 8 tone frequencies sit in the lanes of one
 * register per window half (re and im), so one channel fills a SIMD register
 * on its own; a fifth register carries the 450 Hz lane of both open windows.
 * Samples go in two at a time through 16 x 16 -> 32-bit multiply-add
 * (pmaddwd) into exact int32 sums kept in the channel state, so the scalar,
 * SSE2 (x86-64 baseline) and AVX2 kernels agree to the bit. The AVX2 one is
 * compiled with a target attribute and chosen at run time (dtmf.c), so the
 * build never needs -march flags. */
#include "dtmf_kern.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HL_X86 1
#endif

/* Energy of samples x[0..m) at hop rows r..: sum x^2 and the Hann-weighted
 * sum for the window opened at this hop. */
static void energy_scalar(const hl_dtmf_desc *d, int32_t *hen, const int16_t *x, int m, int r) {
  int32_t e = 0, ew = 0;
  for (int i = 0; i < m; i++) {
    e += x[i] * x[i];
    ew += ((x[i] * d->whann[r + i]) >> 16) * x[i];
  }
  hen[0] += e;
  hen[8] += ew;
}

static void kern_scalar(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450, int32_t *hen,
                        const int16_t *x, int m, int pos) {
  const int pn = pos / 2, po = (pos + HL_DTMF_HOP) / 2;
  for (int i = 0; i < m; i += 2) {
    const int32_t x0 = x[i], x1 = x[i + 1];
    const int16_t *tn = d->ktab[pn + i / 2], *to = d->ktab[po + i / 2], *ta = d->k450[pn + i / 2];
    for (int k = 0; k < 16; k++) {
      wn[k] += x0 * tn[2 * k] + x1 * tn[2 * k + 1];
      wo[k] += x0 * to[2 * k] + x1 * to[2 * k + 1];
    }
    for (int k = 0; k < 4; k++) h450[k] += x0 * ta[2 * k] + x1 * ta[2 * k + 1];
  }
  energy_scalar(d, hen, x, m, pos);
}

#ifdef HL_X86
__attribute__((target("sse2"))) static void kern_sse2(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450,
                                                       int32_t *hen, const int16_t *x, int m, int pos) {
  __m128i *n = (__m128i *)wn, *o = (__m128i *)wo;
  __m128i n0 = _mm_loadu_si128(n), n1 = _mm_loadu_si128(n + 1), n2 = _mm_loadu_si128(n + 2), n3 = _mm_loadu_si128(n + 3);
  __m128i o0 = _mm_loadu_si128(o), o1 = _mm_loadu_si128(o + 1), o2 = _mm_loadu_si128(o + 2), o3 = _mm_loadu_si128(o + 3);
  __m128i a = _mm_loadu_si128((const __m128i *)h450);
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
    a = _mm_add_epi32(a, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)d->k450[pn + i / 2])));
  }
  _mm_storeu_si128(n, n0), _mm_storeu_si128(n + 1, n1), _mm_storeu_si128(n + 2, n2), _mm_storeu_si128(n + 3, n3);
  _mm_storeu_si128(o, o0), _mm_storeu_si128(o + 1, o1), _mm_storeu_si128(o + 2, o2), _mm_storeu_si128(o + 3, o3);
  _mm_storeu_si128((__m128i *)h450, a);
  __m128i *ep = (__m128i *)hen;
  __m128i e = _mm_loadu_si128(ep), ew = _mm_loadu_si128(ep + 2);
  int i = 0;
  for (; i + 8 <= m; i += 8) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
    e = _mm_add_epi32(e, _mm_madd_epi16(v, v));
    ew = _mm_add_epi32(ew, _mm_madd_epi16(_mm_mulhi_epi16(v, _mm_loadu_si128((const __m128i *)(d->whann + pos + i))), v));
  }
  _mm_storeu_si128(ep, e), _mm_storeu_si128(ep + 2, ew);
  if (i < m) energy_scalar(d, hen, x + i, m - i, pos + i);
}

/* Per pair of samples: 5 multiply-adds (re/im of the two open windows, each
 * covering the 8 tones, and the 450 Hz lane of both). The running sums only
 * wait on 1-cycle adds, so one set of accumulators keeps the multipliers
 * busy. */
__attribute__((target("avx2"))) static void kern_avx2(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450,
                                                       int32_t *hen, const int16_t *x, int m, int pos) {
  __m256i *wnv = (__m256i *)wn, *wov = (__m256i *)wo;
  __m256i nr = _mm256_loadu_si256(wnv), ni = _mm256_loadu_si256(wnv + 1);
  __m256i orr = _mm256_loadu_si256(wov), oi = _mm256_loadu_si256(wov + 1);
  __m256i a = _mm256_loadu_si256((const __m256i *)h450);
  const __m256i *tn = (const __m256i *)d->ktab[pos / 2];
  const __m256i *to = (const __m256i *)d->ktab[(pos + HL_DTMF_HOP) / 2];
  const __m128i *ta = (const __m128i *)d->k450[pos / 2];
  int i;
#pragma GCC unroll 4
  for (i = 0; i < m; i += 2, tn += 2, to += 2, ta += 2) {
    int32_t p0;
    __builtin_memcpy(&p0, x + i, 4);
    const __m256i v0 = _mm256_set1_epi32(p0);
    nr = _mm256_add_epi32(nr, _mm256_madd_epi16(v0, _mm256_loadu_si256(tn)));
    ni = _mm256_add_epi32(ni, _mm256_madd_epi16(v0, _mm256_loadu_si256(tn + 1)));
    orr = _mm256_add_epi32(orr, _mm256_madd_epi16(v0, _mm256_loadu_si256(to)));
    oi = _mm256_add_epi32(oi, _mm256_madd_epi16(v0, _mm256_loadu_si256(to + 1)));
    a = _mm256_add_epi32(a, _mm256_madd_epi16(v0, _mm256_zextsi128_si256(_mm_loadu_si128(ta))));
  }
  _mm256_storeu_si256(wnv, nr), _mm256_storeu_si256(wnv + 1, ni);
  _mm256_storeu_si256(wov, orr), _mm256_storeu_si256(wov + 1, oi);
  _mm256_storeu_si256((__m256i *)h450, a);
  __m256i *ep = (__m256i *)hen;
  __m256i e = _mm256_loadu_si256(ep), ew = _mm256_loadu_si256(ep + 1);
  i = 0;
  for (; i + 16 <= m; i += 16) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
    e = _mm256_add_epi32(e, _mm256_madd_epi16(v, v));
    ew = _mm256_add_epi32(ew, _mm256_madd_epi16(_mm256_mulhi_epi16(v, _mm256_loadu_si256((const __m256i *)(d->whann + pos + i))), v));
  }
  if (i + 8 <= m) { /* 40-sample hops end with 8 */
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
    e = _mm256_add_epi32(e, _mm256_zextsi128_si256(_mm_madd_epi16(v, v)));
    ew = _mm256_add_epi32(ew, _mm256_zextsi128_si256(_mm_madd_epi16(_mm_mulhi_epi16(v, _mm_loadu_si128((const __m128i *)(d->whann + pos + i))), v)));
    i += 8;
  }
  _mm256_storeu_si256(ep, e), _mm256_storeu_si256(ep + 1, ew);
  if (i < m) energy_scalar(d, hen, x + i, m - i, pos + i);
}

const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, kern_sse2, kern_avx2};
#else
const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, 0, 0};
#endif
