/* ITU-T G.711 A-law and mu-law (see g711.h). The decode tables below are
 * literal constants (written out from the G.711 segment/step definitions;
 * test/native/g711_test.c re-derives every entry from those definitions), so
 * no table is built at run time. */
#include "g711.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HL_X86 1
#endif

/* Block functions use AVX2 where the CPU has it, checked per call (a load
 * and a test of what libgcc's constructor found), never a -march flag. */
#ifdef HL_X86
static int have_avx2(void) { return __builtin_cpu_supports("avx2"); }
#else
static int have_avx2(void) { return 0; }
#endif

const int16_t hl_g711_alaw_to_i16[256] = {
  -5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736,
  -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784,
  -2752, -2624, -3008, -2880, -2240, -2112, -2496, -2368,
  -3776, -3648, -4032, -3904, -3264, -3136, -3520, -3392,
  -22016, -20992, -24064, -23040, -17920, -16896, -19968, -18944,
  -30208, -29184, -32256, -31232, -26112, -25088, -28160, -27136,
  -11008, -10496, -12032, -11520, -8960, -8448, -9984, -9472,
  -15104, -14592, -16128, -15616, -13056, -12544, -14080, -13568,
  -344, -328, -376, -360, -280, -264, -312, -296,
  -472, -456, -504, -488, -408, -392, -440, -424,
  -88, -72, -120, -104, -24, -8, -56, -40,
  -216, -200, -248, -232, -152, -136, -184, -168,
  -1376, -1312, -1504, -1440, -1120, -1056, -1248, -1184,
  -1888, -1824, -2016, -1952, -1632, -1568, -1760, -1696,
  -688, -656, -752, -720, -560, -528, -624, -592,
  -944, -912, -1008, -976, -816, -784, -880, -848,
  5504, 5248, 6016, 5760, 4480, 4224, 4992, 4736,
  7552, 7296, 8064, 7808, 6528, 6272, 7040, 6784,
  2752, 2624, 3008, 2880, 2240, 2112, 2496, 2368,
  3776, 3648, 4032, 3904, 3264, 3136, 3520, 3392,
  22016, 20992, 24064, 23040, 17920, 16896, 19968, 18944,
  30208, 29184, 32256, 31232, 26112, 25088, 28160, 27136,
  11008, 10496, 12032, 11520, 8960, 8448, 9984, 9472,
  15104, 14592, 16128, 15616, 13056, 12544, 14080, 13568,
  344, 328, 376, 360, 280, 264, 312, 296,
  472, 456, 504, 488, 408, 392, 440, 424,
  88, 72, 120, 104, 24, 8, 56, 40,
  216, 200, 248, 232, 152, 136, 184, 168,
  1376, 1312, 1504, 1440, 1120, 1056, 1248, 1184,
  1888, 1824, 2016, 1952, 1632, 1568, 1760, 1696,
  688, 656, 752, 720, 560, 528, 624, 592,
  944, 912, 1008, 976, 816, 784, 880, 848,
};

const float hl_g711_alaw_to_f32[256] = {
  -5504.0f, -5248.0f, -6016.0f, -5760.0f, -4480.0f, -4224.0f, -4992.0f, -4736.0f,
  -7552.0f, -7296.0f, -8064.0f, -7808.0f, -6528.0f, -6272.0f, -7040.0f, -6784.0f,
  -2752.0f, -2624.0f, -3008.0f, -2880.0f, -2240.0f, -2112.0f, -2496.0f, -2368.0f,
  -3776.0f, -3648.0f, -4032.0f, -3904.0f, -3264.0f, -3136.0f, -3520.0f, -3392.0f,
  -22016.0f, -20992.0f, -24064.0f, -23040.0f, -17920.0f, -16896.0f, -19968.0f, -18944.0f,
  -30208.0f, -29184.0f, -32256.0f, -31232.0f, -26112.0f, -25088.0f, -28160.0f, -27136.0f,
  -11008.0f, -10496.0f, -12032.0f, -11520.0f, -8960.0f, -8448.0f, -9984.0f, -9472.0f,
  -15104.0f, -14592.0f, -16128.0f, -15616.0f, -13056.0f, -12544.0f, -14080.0f, -13568.0f,
  -344.0f, -328.0f, -376.0f, -360.0f, -280.0f, -264.0f, -312.0f, -296.0f,
  -472.0f, -456.0f, -504.0f, -488.0f, -408.0f, -392.0f, -440.0f, -424.0f,
  -88.0f, -72.0f, -120.0f, -104.0f, -24.0f, -8.0f, -56.0f, -40.0f,
  -216.0f, -200.0f, -248.0f, -232.0f, -152.0f, -136.0f, -184.0f, -168.0f,
  -1376.0f, -1312.0f, -1504.0f, -1440.0f, -1120.0f, -1056.0f, -1248.0f, -1184.0f,
  -1888.0f, -1824.0f, -2016.0f, -1952.0f, -1632.0f, -1568.0f, -1760.0f, -1696.0f,
  -688.0f, -656.0f, -752.0f, -720.0f, -560.0f, -528.0f, -624.0f, -592.0f,
  -944.0f, -912.0f, -1008.0f, -976.0f, -816.0f, -784.0f, -880.0f, -848.0f,
  5504.0f, 5248.0f, 6016.0f, 5760.0f, 4480.0f, 4224.0f, 4992.0f, 4736.0f,
  7552.0f, 7296.0f, 8064.0f, 7808.0f, 6528.0f, 6272.0f, 7040.0f, 6784.0f,
  2752.0f, 2624.0f, 3008.0f, 2880.0f, 2240.0f, 2112.0f, 2496.0f, 2368.0f,
  3776.0f, 3648.0f, 4032.0f, 3904.0f, 3264.0f, 3136.0f, 3520.0f, 3392.0f,
  22016.0f, 20992.0f, 24064.0f, 23040.0f, 17920.0f, 16896.0f, 19968.0f, 18944.0f,
  30208.0f, 29184.0f, 32256.0f, 31232.0f, 26112.0f, 25088.0f, 28160.0f, 27136.0f,
  11008.0f, 10496.0f, 12032.0f, 11520.0f, 8960.0f, 8448.0f, 9984.0f, 9472.0f,
  15104.0f, 14592.0f, 16128.0f, 15616.0f, 13056.0f, 12544.0f, 14080.0f, 13568.0f,
  344.0f, 328.0f, 376.0f, 360.0f, 280.0f, 264.0f, 312.0f, 296.0f,
  472.0f, 456.0f, 504.0f, 488.0f, 408.0f, 392.0f, 440.0f, 424.0f,
  88.0f, 72.0f, 120.0f, 104.0f, 24.0f, 8.0f, 56.0f, 40.0f,
  216.0f, 200.0f, 248.0f, 232.0f, 152.0f, 136.0f, 184.0f, 168.0f,
  1376.0f, 1312.0f, 1504.0f, 1440.0f, 1120.0f, 1056.0f, 1248.0f, 1184.0f,
  1888.0f, 1824.0f, 2016.0f, 1952.0f, 1632.0f, 1568.0f, 1760.0f, 1696.0f,
  688.0f, 656.0f, 752.0f, 720.0f, 560.0f, 528.0f, 624.0f, 592.0f,
  944.0f, 912.0f, 1008.0f, 976.0f, 816.0f, 784.0f, 880.0f, 848.0f,
};

const int16_t hl_g711_ulaw_to_i16[256] = {
  -32124, -31100, -30076, -29052, -28028, -27004, -25980, -24956,
  -23932, -22908, -21884, -20860, -19836, -18812, -17788, -16764,
  -15996, -15484, -14972, -14460, -13948, -13436, -12924, -12412,
  -11900, -11388, -10876, -10364, -9852, -9340, -8828, -8316,
  -7932, -7676, -7420, -7164, -6908, -6652, -6396, -6140,
  -5884, -5628, -5372, -5116, -4860, -4604, -4348, -4092,
  -3900, -3772, -3644, -3516, -3388, -3260, -3132, -3004,
  -2876, -2748, -2620, -2492, -2364, -2236, -2108, -1980,
  -1884, -1820, -1756, -1692, -1628, -1564, -1500, -1436,
  -1372, -1308, -1244, -1180, -1116, -1052, -988, -924,
  -876, -844, -812, -780, -748, -716, -684, -652,
  -620, -588, -556, -524, -492, -460, -428, -396,
  -372, -356, -340, -324, -308, -292, -276, -260,
  -244, -228, -212, -196, -180, -164, -148, -132,
  -120, -112, -104, -96, -88, -80, -72, -64,
  -56, -48, -40, -32, -24, -16, -8, 0,
  32124, 31100, 30076, 29052, 28028, 27004, 25980, 24956,
  23932, 22908, 21884, 20860, 19836, 18812, 17788, 16764,
  15996, 15484, 14972, 14460, 13948, 13436, 12924, 12412,
  11900, 11388, 10876, 10364, 9852, 9340, 8828, 8316,
  7932, 7676, 7420, 7164, 6908, 6652, 6396, 6140,
  5884, 5628, 5372, 5116, 4860, 4604, 4348, 4092,
  3900, 3772, 3644, 3516, 3388, 3260, 3132, 3004,
  2876, 2748, 2620, 2492, 2364, 2236, 2108, 1980,
  1884, 1820, 1756, 1692, 1628, 1564, 1500, 1436,
  1372, 1308, 1244, 1180, 1116, 1052, 988, 924,
  876, 844, 812, 780, 748, 716, 684, 652,
  620, 588, 556, 524, 492, 460, 428, 396,
  372, 356, 340, 324, 308, 292, 276, 260,
  244, 228, 212, 196, 180, 164, 148, 132,
  120, 112, 104, 96, 88, 80, 72, 64,
  56, 48, 40, 32, 24, 16, 8, 0,
};

const float hl_g711_ulaw_to_f32[256] = {
  -32124.0f, -31100.0f, -30076.0f, -29052.0f, -28028.0f, -27004.0f, -25980.0f, -24956.0f,
  -23932.0f, -22908.0f, -21884.0f, -20860.0f, -19836.0f, -18812.0f, -17788.0f, -16764.0f,
  -15996.0f, -15484.0f, -14972.0f, -14460.0f, -13948.0f, -13436.0f, -12924.0f, -12412.0f,
  -11900.0f, -11388.0f, -10876.0f, -10364.0f, -9852.0f, -9340.0f, -8828.0f, -8316.0f,
  -7932.0f, -7676.0f, -7420.0f, -7164.0f, -6908.0f, -6652.0f, -6396.0f, -6140.0f,
  -5884.0f, -5628.0f, -5372.0f, -5116.0f, -4860.0f, -4604.0f, -4348.0f, -4092.0f,
  -3900.0f, -3772.0f, -3644.0f, -3516.0f, -3388.0f, -3260.0f, -3132.0f, -3004.0f,
  -2876.0f, -2748.0f, -2620.0f, -2492.0f, -2364.0f, -2236.0f, -2108.0f, -1980.0f,
  -1884.0f, -1820.0f, -1756.0f, -1692.0f, -1628.0f, -1564.0f, -1500.0f, -1436.0f,
  -1372.0f, -1308.0f, -1244.0f, -1180.0f, -1116.0f, -1052.0f, -988.0f, -924.0f,
  -876.0f, -844.0f, -812.0f, -780.0f, -748.0f, -716.0f, -684.0f, -652.0f,
  -620.0f, -588.0f, -556.0f, -524.0f, -492.0f, -460.0f, -428.0f, -396.0f,
  -372.0f, -356.0f, -340.0f, -324.0f, -308.0f, -292.0f, -276.0f, -260.0f,
  -244.0f, -228.0f, -212.0f, -196.0f, -180.0f, -164.0f, -148.0f, -132.0f,
  -120.0f, -112.0f, -104.0f, -96.0f, -88.0f, -80.0f, -72.0f, -64.0f,
  -56.0f, -48.0f, -40.0f, -32.0f, -24.0f, -16.0f, -8.0f, 0.0f,
  32124.0f, 31100.0f, 30076.0f, 29052.0f, 28028.0f, 27004.0f, 25980.0f, 24956.0f,
  23932.0f, 22908.0f, 21884.0f, 20860.0f, 19836.0f, 18812.0f, 17788.0f, 16764.0f,
  15996.0f, 15484.0f, 14972.0f, 14460.0f, 13948.0f, 13436.0f, 12924.0f, 12412.0f,
  11900.0f, 11388.0f, 10876.0f, 10364.0f, 9852.0f, 9340.0f, 8828.0f, 8316.0f,
  7932.0f, 7676.0f, 7420.0f, 7164.0f, 6908.0f, 6652.0f, 6396.0f, 6140.0f,
  5884.0f, 5628.0f, 5372.0f, 5116.0f, 4860.0f, 4604.0f, 4348.0f, 4092.0f,
  3900.0f, 3772.0f, 3644.0f, 3516.0f, 3388.0f, 3260.0f, 3132.0f, 3004.0f,
  2876.0f, 2748.0f, 2620.0f, 2492.0f, 2364.0f, 2236.0f, 2108.0f, 1980.0f,
  1884.0f, 1820.0f, 1756.0f, 1692.0f, 1628.0f, 1564.0f, 1500.0f, 1436.0f,
  1372.0f, 1308.0f, 1244.0f, 1180.0f, 1116.0f, 1052.0f, 988.0f, 924.0f,
  876.0f, 844.0f, 812.0f, 780.0f, 748.0f, 716.0f, 684.0f, 652.0f,
  620.0f, 588.0f, 556.0f, 524.0f, 492.0f, 460.0f, 428.0f, 396.0f,
  372.0f, 356.0f, 340.0f, 324.0f, 308.0f, 292.0f, 276.0f, 260.0f,
  244.0f, 228.0f, 212.0f, 196.0f, 180.0f, 164.0f, 148.0f, 132.0f,
  120.0f, 112.0f, 104.0f, 96.0f, 88.0f, 80.0f, 72.0f, 64.0f,
  56.0f, 48.0f, 40.0f, 32.0f, 24.0f, 16.0f, 8.0f, 0.0f,
};

/* A-law (G.711 Table 1a): 13-bit sign-magnitude input; negative values use
 * the one's complement so that -1 .. -8 (16-bit) fall in the first interval
 * below zero, as in the G.191 reference behaviour. Segment 0 and 1 share the
 * step of 2 (13-bit units); each further segment doubles it. */
uint8_t hl_g711_alaw_encode(int16_t x) {
  int v = x;
  int sign = 0x80;
  if (v < 0) {
    v = ~v; /* 0 .. 32767 */
    sign = 0;
  }
  int mag = v >> 4; /* 12-bit magnitude: A-law's smallest step is 16 in 16-bit units */
  int code;
  if (mag < 32) {
    code = mag; /* segments 0 and 1: exponent 0/1, mantissa = low 4 bits */
  } else {
    int seg = (31 - __builtin_clz((unsigned)mag)) - 3; /* 2..7 */
    code = (seg << 4) | ((mag >> (seg - 1)) & 15);
  }
  return (uint8_t)((code | sign) ^ 0x55);
}

int16_t hl_g711_alaw_decode(uint8_t a) { return hl_g711_alaw_to_i16[a]; }

/* mu-law (G.711 Table 2a): 14-bit magnitude biased by 33 so that the segment
 * is the position of the leading one; all bits inverted on the line. */
uint8_t hl_g711_ulaw_encode(int16_t x) {
  int v = x;
  int sign = 0x80;
  if (v < 0) {
    v = ~v;
    sign = 0;
  }
  int mag = (v >> 2) + 33; /* 14-bit magnitude + bias: 33 .. 8191 */
  if (mag > 0x1FFF) mag = 0x1FFF;
  int seg = (31 - __builtin_clz((unsigned)mag)) - 5; /* leading one at bit 5..12 */
  int mant = (mag >> (seg + 1)) & 15;
  /* Segment and mantissa are inverted on the line; bit 7 is 1 for positive. */
  return (uint8_t)(sign | (~((seg << 4) | mant) & 0x7F));
}

int16_t hl_g711_ulaw_decode(uint8_t u) { return hl_g711_ulaw_to_i16[u]; }

#ifdef HL_X86
/* 8 linear samples -> 8 A-law codes, the same rule as hl_g711_alaw_encode:
 * the 12-bit magnitude's leading one (segment) and the 4 bits after it
 * (mantissa) are read off its float conversion: exponent field and top
 * mantissa bits. */
__attribute__((target("avx2"))) static inline __m256i alaw8_avx2(__m128i x16) {
  const __m256i x = _mm256_cvtepi16_epi32(x16);
  const __m256i neg = _mm256_srai_epi32(x, 31);               /* -1 where x < 0 */
  const __m256i mag = _mm256_srai_epi32(_mm256_xor_si256(x, neg), 4); /* (~x or x) >> 4 */
  const __m256i bits = _mm256_castps_si256(_mm256_cvtepi32_ps(mag));
  const __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127 + 3));
  const __m256i hi = _mm256_or_si256(_mm256_slli_epi32(e, 4), _mm256_and_si256(_mm256_srli_epi32(bits, 19), _mm256_set1_epi32(15)));
  const __m256i small = _mm256_cmpgt_epi32(_mm256_set1_epi32(32), mag);
  __m256i code = _mm256_blendv_epi8(hi, mag, small);
  code = _mm256_or_si256(code, _mm256_andnot_si256(neg, _mm256_set1_epi32(0x80)));
  return _mm256_xor_si256(code, _mm256_set1_epi32(0x55));
}

__attribute__((target("avx2"))) static size_t alaw_encode_avx2(uint8_t *dst, const int16_t *src, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i a = alaw8_avx2(_mm_loadu_si128((const __m128i *)(src + i)));
    __m256i b = alaw8_avx2(_mm_loadu_si128((const __m128i *)(src + i + 8)));
    __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8); /* 16 x u16 in order */
    __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
    _mm_storeu_si128((__m128i *)(dst + i), bytes);
  }
  return i;
}
#else
static size_t alaw_encode_avx2(uint8_t *dst, const int16_t *src, size_t n) { return 0; }
#endif

void hl_g711_alaw_encode_block(uint8_t *dst, const int16_t *src, size_t n) {
  size_t i = n >= 16 && have_avx2() ? alaw_encode_avx2(dst, src, n) : 0;
  for (; i < n; i++) dst[i] = hl_g711_alaw_encode(src[i]);
}
#ifdef HL_X86
/* 16 A-law codes -> 16 linear values << shift (0: 13-bit, 3: 16-bit), by
 * arithmetic instead of a table: after the even-bit inversion, exponent e
 * and mantissa m give (2m + 1) for e = 0 and (2m + 33) << (e - 1) otherwise
 * (G.711 Table 1a in 13-bit units); bit 7 set means positive. The small
 * per-exponent constants come from byte shuffles. */
__attribute__((target("avx2"))) static inline __m256i alaw16_avx2(__m128i a, int shift) {
  const __m128i ix = _mm_xor_si128(a, _mm_set1_epi8(0x55));
  const __m128i e = _mm_and_si128(_mm_srli_epi16(ix, 4), _mm_set1_epi8(0x07));
  const __m128i m = _mm_and_si128(ix, _mm_set1_epi8(0x0F));
  const __m128i add = _mm_shuffle_epi8(_mm_setr_epi8(1, 33, 33, 33, 33, 33, 33, 33, 0, 0, 0, 0, 0, 0, 0, 0), e);
  const __m128i mul = _mm_shuffle_epi8(_mm_setr_epi8(1, 1, 2, 4, 8, 16, 32, 64, 0, 0, 0, 0, 0, 0, 0, 0), e);
  const __m128i t = _mm_add_epi8(_mm_add_epi8(m, m), add); /* 1 .. 63 */
  /* +1 where bit 7 is set (positive), -1 otherwise */
  const __m128i sg = _mm_sub_epi8(_mm_and_si128(_mm_cmplt_epi8(ix, _mm_setzero_si128()), _mm_set1_epi8(2)), _mm_set1_epi8(1));
  __m256i mag = _mm256_mullo_epi16(_mm256_cvtepu8_epi16(t), _mm256_cvtepu8_epi16(mul));
  if (shift) mag = _mm256_slli_epi16(mag, 3);
  return _mm256_sign_epi16(mag, _mm256_cvtepi8_epi16(sg));
}

__attribute__((target("avx2"))) static size_t alaw_block_avx2(int16_t *dst, const uint8_t *src, size_t n, int shift) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256((__m256i *)(dst + i), alaw16_avx2(_mm_loadu_si128((const __m128i *)(src + i)), shift));
  return i;
}

#else
static size_t alaw_block_avx2(int16_t *dst, const uint8_t *src, size_t n, int shift) { return 0; }
#endif

void hl_g711_alaw_decode_block(int16_t *dst, const uint8_t *src, size_t n) {
  size_t i = n >= 16 && have_avx2() ? alaw_block_avx2(dst, src, n, 3) : 0;
  for (; i < n; i++) dst[i] = hl_g711_alaw_to_i16[src[i]];
}

void hl_g711_alaw_decode13_block(int16_t *dst, const uint8_t *src, size_t n) {
  size_t i = n >= 16 && have_avx2() ? alaw_block_avx2(dst, src, n, 0) : 0;
  for (; i < n; i++) dst[i] = (int16_t)(hl_g711_alaw_to_i16[src[i]] / 8);
}
void hl_g711_ulaw_encode_block(uint8_t *dst, const int16_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = hl_g711_ulaw_encode(src[i]);
}
void hl_g711_ulaw_decode_block(int16_t *dst, const uint8_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = hl_g711_ulaw_to_i16[src[i]];
}
void hl_g711_alaw_decode_f32_block(float *dst, const uint8_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = hl_g711_alaw_to_f32[src[i]];
}
void hl_g711_ulaw_decode_f32_block(float *dst, const uint8_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = hl_g711_ulaw_to_f32[src[i]];
}

uint8_t hl_g711_alaw_to_ulaw(uint8_t a) { return hl_g711_ulaw_encode(hl_g711_alaw_to_i16[a]); }
uint8_t hl_g711_ulaw_to_alaw(uint8_t u) { return hl_g711_alaw_encode(hl_g711_ulaw_to_i16[u]); }
