/* DTMF analysis kernels. The 8 tone frequencies sit in the lanes of one
 * register per window half (re and im), so one channel fills a SIMD register
 * on its own.
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

/* Samples x[0..m) at hop rows r..: energy (sum x^2 and the Hann-weighted
 * sum for the window opened at this hop) and the 450 Hz lane of both open
 * windows. */
static void along_scalar(const hl_dtmf_desc *d, int32_t *h450, int32_t *hen, const int16_t *x, int m, int r) {
  int32_t e = 0, ew = 0, a = 0, b = 0, c = 0, f = 0;
  for (int i = 0; i < m; i++) {
    e += x[i] * x[i];
    ew += ((x[i] * d->whann[r + i]) >> 16) * x[i];
    a += x[i] * d->k450re[r + i];
    b += x[i] * d->k450im[r + i];
    c += x[i] * d->k450re[r + HL_DTMF_HOP + i];
    f += x[i] * d->k450im[r + HL_DTMF_HOP + i];
  }
  hen[0] += e;
  hen[8] += ew;
  h450[0] += a;
  h450[8] += b;
  h450[16] += c;
  h450[24] += f;
}

static void kern_scalar(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450, int32_t *hen,
                        const int16_t *x, int m, int pos) {
  const int pn = pos / 2, po = (pos + HL_DTMF_HOP) / 2;
  for (int i = 0; i < m; i += 2) {
    const int32_t x0 = x[i], x1 = x[i + 1];
    const int16_t *tn = d->ktab[pn + i / 2], *to = d->ktab[po + i / 2];
    for (int k = 0; k < 16; k++) {
      wn[k] += x0 * tn[2 * k] + x1 * tn[2 * k + 1];
      wo[k] += x0 * to[2 * k] + x1 * to[2 * k + 1];
    }
  }
  along_scalar(d, h450, hen, x, m, pos);
}

#ifdef HL_X86
__attribute__((target("sse2"))) static void kern_sse2(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450,
                                                       int32_t *hen, const int16_t *x, int m, int pos) {
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
  __m128i *ep = (__m128i *)hen, *ap = (__m128i *)h450;
  __m128i e = _mm_loadu_si128(ep), ew = _mm_loadu_si128(ep + 2);
  __m128i a0 = _mm_loadu_si128(ap), a1 = _mm_loadu_si128(ap + 2), a2 = _mm_loadu_si128(ap + 4), a3 = _mm_loadu_si128(ap + 6);
  const int16_t *kr = d->k450re + pos, *ki = d->k450im + pos;
  int i = 0;
  for (; i + 8 <= m; i += 8) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
    e = _mm_add_epi32(e, _mm_madd_epi16(v, v));
    ew = _mm_add_epi32(ew, _mm_madd_epi16(_mm_mulhi_epi16(v, _mm_loadu_si128((const __m128i *)(d->whann + pos + i))), v));
    a0 = _mm_add_epi32(a0, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(kr + i))));
    a1 = _mm_add_epi32(a1, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(ki + i))));
    a2 = _mm_add_epi32(a2, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(kr + HL_DTMF_HOP + i))));
    a3 = _mm_add_epi32(a3, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(ki + HL_DTMF_HOP + i))));
  }
  _mm_storeu_si128(ep, e), _mm_storeu_si128(ep + 2, ew);
  _mm_storeu_si128(ap, a0), _mm_storeu_si128(ap + 2, a1), _mm_storeu_si128(ap + 4, a2), _mm_storeu_si128(ap + 6, a3);
  if (i < m) along_scalar(d, h450, hen, x + i, m - i, pos + i);
}

__attribute__((target("avx2"))) static int32_t hsum_avx2(__m256i v) {
  __m128i t = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
  return _mm_cvtsi128_si32(t);
}

/* Per pair of samples: 4 multiply-adds (re/im of the two open windows), each
 * covering the 8 tones; then energy and the 450 Hz lanes along the samples,
 * 16 at a time. The running sums only wait on 1-cycle adds, so one set of
 * accumulators keeps the multipliers busy. */
__attribute__((target("avx2"))) static void kern_avx2(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450,
                                                       int32_t *hen, const int16_t *x, int m, int pos) {
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
  __m256i e = _mm256_setzero_si256(), ew = e, a0 = e, a1 = e, a2 = e, a3 = e;
  const int16_t *kr = d->k450re + pos, *ki = d->k450im + pos;
  i = 0;
  for (; i + 16 <= m; i += 16) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
    e = _mm256_add_epi32(e, _mm256_madd_epi16(v, v));
    ew = _mm256_add_epi32(ew, _mm256_madd_epi16(_mm256_mulhi_epi16(v, _mm256_loadu_si256((const __m256i *)(d->whann + pos + i))), v));
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(kr + i))));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(ki + i))));
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(kr + HL_DTMF_HOP + i))));
    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(ki + HL_DTMF_HOP + i))));
  }
  if (i + 8 <= m) { /* 40-sample hops end with 8 */
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
#define HL_MADD8(acc, t) acc = _mm256_add_epi32(acc, _mm256_zextsi128_si256(_mm_madd_epi16(v, (t))))
    HL_MADD8(e, v);
    HL_MADD8(ew, _mm_mulhi_epi16(v, _mm_loadu_si128((const __m128i *)(d->whann + pos + i))));
    /* (energy is madd(v * w, v): the order of operands does not change it) */
    HL_MADD8(a0, _mm_loadu_si128((const __m128i *)(kr + i)));
    HL_MADD8(a1, _mm_loadu_si128((const __m128i *)(ki + i)));
    HL_MADD8(a2, _mm_loadu_si128((const __m128i *)(kr + HL_DTMF_HOP + i)));
    HL_MADD8(a3, _mm_loadu_si128((const __m128i *)(ki + HL_DTMF_HOP + i)));
#undef HL_MADD8
    i += 8;
  }
  /* fold the lanes here, on registers, and keep one int32 per sum in lane 0
     (the caller reads lane 0 only; reading back wide stores lane by lane
     stalls store forwarding) */
  hen[0] += hsum_avx2(e), hen[8] += hsum_avx2(ew);
  h450[0] += hsum_avx2(a0), h450[8] += hsum_avx2(a1), h450[16] += hsum_avx2(a2), h450[24] += hsum_avx2(a3);
  if (i < m) along_scalar(d, h450, hen, x + i, m - i, pos + i);
}

__attribute__((target("avx2"))) static void hop_avx2(const hl_dtmf_desc *d, int32_t *wn, const int32_t *wo,
                                                      const int16_t *x, float *xout, int32_t *sums) {
  __m256i nr = _mm256_setzero_si256(), ni = nr;
  __m256i orr = _mm256_loadu_si256((const __m256i *)wo), oi = _mm256_loadu_si256((const __m256i *)wo + 1);
  const __m256i *tn = (const __m256i *)d->ktab[0];
  const __m256i *to = (const __m256i *)d->ktab[HL_DTMF_HOP / 2];
#pragma GCC unroll 4
  for (int i = 0; i < HL_DTMF_HOP; i += 2, tn += 2, to += 2) {
    int32_t p0;
    __builtin_memcpy(&p0, x + i, 4);
    const __m256i v0 = _mm256_set1_epi32(p0);
    nr = _mm256_add_epi32(nr, _mm256_madd_epi16(v0, _mm256_loadu_si256(tn)));
    ni = _mm256_add_epi32(ni, _mm256_madd_epi16(v0, _mm256_loadu_si256(tn + 1)));
    orr = _mm256_add_epi32(orr, _mm256_madd_epi16(v0, _mm256_loadu_si256(to)));
    oi = _mm256_add_epi32(oi, _mm256_madd_epi16(v0, _mm256_loadu_si256(to + 1)));
  }
  _mm256_storeu_si256((__m256i *)wn, nr), _mm256_storeu_si256((__m256i *)wn + 1, ni);
  const __m256 sc = _mm256_set1_ps(d->kscale);
  const __m256 xr = _mm256_mul_ps(_mm256_cvtepi32_ps(orr), sc), xi = _mm256_mul_ps(_mm256_cvtepi32_ps(oi), sc);
  const __m256 pw = _mm256_add_ps(_mm256_mul_ps(xr, xr), _mm256_mul_ps(xi, xi));
  _mm256_storeu_ps(xout, xr);
  _mm256_storeu_ps(xout + 8, xi);
  _mm256_storeu_ps(xout + 16, pw);
  /* strongest lane of each group: max across the 4 lanes of a half, then
     the first lane equal to it */
  const __m128 lo = _mm256_castps256_ps128(pw), hi = _mm256_extractf128_ps(pw, 1);
  __m128 ml = _mm_max_ps(lo, _mm_shuffle_ps(lo, lo, 0x4E)), mh = _mm_max_ps(hi, _mm_shuffle_ps(hi, hi, 0x4E));
  ml = _mm_max_ps(ml, _mm_shuffle_ps(ml, ml, 0xB1));
  mh = _mm_max_ps(mh, _mm_shuffle_ps(mh, mh, 0xB1));
  sums[6] = __builtin_ctz((unsigned)_mm_movemask_ps(_mm_cmpeq_ps(lo, ml)) | 16u);
  sums[7] = 4 + __builtin_ctz((unsigned)_mm_movemask_ps(_mm_cmpeq_ps(hi, mh)) | 16u);
  __m256i e = _mm256_setzero_si256(), ew = e, a0 = e, a1 = e, a2 = e, a3 = e;
  const int16_t *kr = d->k450re, *ki = d->k450im;
  int i = 0;
  for (; i + 16 <= HL_DTMF_HOP; i += 16) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)(x + i));
    e = _mm256_add_epi32(e, _mm256_madd_epi16(v, v));
    ew = _mm256_add_epi32(ew, _mm256_madd_epi16(_mm256_mulhi_epi16(v, _mm256_loadu_si256((const __m256i *)(d->whann + i))), v));
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(kr + i))));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(ki + i))));
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(kr + HL_DTMF_HOP + i))));
    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(v, _mm256_loadu_si256((const __m256i *)(ki + HL_DTMF_HOP + i))));
  }
  for (; i + 8 <= HL_DTMF_HOP; i += 8) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(x + i));
#define HL_MADD8(acc, t) acc = _mm256_add_epi32(acc, _mm256_zextsi128_si256(_mm_madd_epi16(v, (t))))
    HL_MADD8(e, v);
    HL_MADD8(ew, _mm_mulhi_epi16(v, _mm_loadu_si128((const __m128i *)(d->whann + i))));
    HL_MADD8(a0, _mm_loadu_si128((const __m128i *)(kr + i)));
    HL_MADD8(a1, _mm_loadu_si128((const __m128i *)(ki + i)));
    HL_MADD8(a2, _mm_loadu_si128((const __m128i *)(kr + HL_DTMF_HOP + i)));
    HL_MADD8(a3, _mm_loadu_si128((const __m128i *)(ki + HL_DTMF_HOP + i)));
#undef HL_MADD8
  }
  sums[0] = hsum_avx2(e), sums[1] = hsum_avx2(ew);
  sums[2] = hsum_avx2(a0), sums[3] = hsum_avx2(a1), sums[4] = hsum_avx2(a2), sums[5] = hsum_avx2(a3);
}

const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, kern_sse2, kern_avx2};
const hl__dtmf_hop_fn hl__dtmf_hop[3] = {0, 0, hop_avx2};
#else
const hl__dtmf_kern_fn hl__dtmf_kern[3] = {kern_scalar, 0, 0};
const hl__dtmf_hop_fn hl__dtmf_hop[3] = {0, 0, 0};
#endif
