/* G.711: every code both ways, every 16-bit input, the segment breakpoints,
 * the digital milliwatt (G.711 Tables 5 and 6) against our 0 dBm0 reference,
 * and block functions equal to the scalar ones. Fails with what differed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "dsp/g711.h"
#include "dsp/tone_gen.h"

#include "check.h"

/* A-law reconstruction value from G.711 Table 1a, in 13-bit units, for the
 * sign-magnitude code (before the even-bit inversion): segment e has step
 * 2 (e = 0, 1) or 2^e, segment e >= 1 starts at 32 * 2^(e-1). */
static int alaw_ref(int line) {
  int c = line ^ 0x55;
  int e = (c >> 4) & 7, m = c & 15;
  int start = e == 0 ? 0 : 32 << (e - 1);
  int step = e == 0 ? 2 : 1 << e;
  int v = start + step * m + step / 2;
  return (c & 0x80) ? v * 8 : -v * 8;
}
/* A-law step (16-bit units) of the segment a 16-bit magnitude falls in. */
static int alaw_step16(int mag) { return mag < 512 ? 16 : 16 << ((31 - __builtin_clz((unsigned)mag)) - 8); }

/* mu-law reconstruction from Table 2a, 14-bit units: ((2m + 33) << e) - 33,
 * all bits inverted on the line. */
static int ulaw_ref(int line) {
  int c = ~line & 0xFF;
  int e = (c >> 4) & 7, m = c & 15;
  int v = ((2 * m + 33) << e) - 33;
  return (c & 0x80) ? -v * 4 : v * 4;
}

int main(void) {
  /* 1. every code decodes to the standard's value, and encodes back */
  for (int c = 0; c < 256; c++) {
    CHECK(hl_g711_alaw_decode((uint8_t)c) == alaw_ref(c), "A-law code 0x%02X decodes to %d, G.711 says %d", c,
          hl_g711_alaw_decode((uint8_t)c), alaw_ref(c));
    CHECK(hl_g711_alaw_to_f32[c] == (float)alaw_ref(c), "A-law float table entry 0x%02X is %g", c, hl_g711_alaw_to_f32[c]);
    CHECK(hl_g711_alaw_encode(hl_g711_alaw_decode((uint8_t)c)) == c, "A-law code 0x%02X does not survive decode+encode (got 0x%02X)",
          c, hl_g711_alaw_encode(hl_g711_alaw_decode((uint8_t)c)));
    CHECK(hl_g711_ulaw_decode((uint8_t)c) == ulaw_ref(c), "mu-law code 0x%02X decodes to %d, G.711 says %d", c,
          hl_g711_ulaw_decode((uint8_t)c), ulaw_ref(c));
    CHECK(hl_g711_ulaw_to_f32[c] == (float)ulaw_ref(c), "mu-law float table entry 0x%02X is %g", c, hl_g711_ulaw_to_f32[c]);
    int back = hl_g711_ulaw_encode(hl_g711_ulaw_decode((uint8_t)c));
    /* 0x7F is "negative zero": it decodes to 0, which encodes as 0xFF. */
    CHECK(back == c || (c == 0x7F && back == 0xFF), "mu-law code 0x%02X does not survive decode+encode (got 0x%02X)", c, back);
  }
  /* 2. every 16-bit input lands in the interval whose reconstruction is nearest
   * (within half a step, truncating towards the next lower decision value),
   * and the code sequence is monotonic */
  int prev_a = -1, prev_u = -1;
  for (int x = -32768; x <= 32767; x++) {
    uint8_t a = hl_g711_alaw_encode((int16_t)x), u = hl_g711_ulaw_encode((int16_t)x);
    int ya = hl_g711_alaw_decode(a), yu = hl_g711_ulaw_decode(u);
    int mag = x < 0 ? ~x : x;
    int step = alaw_step16(mag);
    CHECK(abs(ya - x) <= step / 2 + 1, "A-law %d -> 0x%02X -> %d: off by more than half a step (%d)", x, a, ya, step);
    int m14 = (mag >> 2) + 33;
    int su = m14 > 8159 ? 0 : (2 << ((31 - __builtin_clz((unsigned)m14)) - 5)) * 4; /* 0: beyond the last decision value */
    if (su) CHECK(abs(yu - x) <= su / 2 + 4, "mu-law %d -> 0x%02X -> %d: off by more than half a step (%d)", x, u, yu, su);
    /* monotonic in the signed-magnitude order of the code */
    int ka = (a ^ 0x55) & 0x80 ? 128 + ((a ^ 0x55) & 0x7F) : 127 - ((a ^ 0x55) & 0x7F);
    int ku = u & 0x80 ? 128 + ((~u) & 0x7F) : 127 - ((~u) & 0x7F);
    CHECK(ka >= prev_a, "A-law code order breaks at %d", x);
    CHECK(ku >= prev_u, "mu-law code order breaks at %d", x);
    prev_a = ka;
    prev_u = ku;
  }
  /* 3. breakpoints: the linear value at which the code changes, both sides,
   * in 16-bit units (A-law decision values of Table 1a x 8, mu-law of Table 2a x 4) */
  static const struct { int x; uint8_t a; } abp[] = {
      {0, 0xD5},      {-1, 0x55},     {15, 0xD5},    {16, 0xD4},      {255, 0xDA},  {256, 0xC5},  {511, 0xCA},
      {512, 0xF5},    {1023, 0xFA},   {1024, 0xE5},  {2047, 0xEA},    {2048, 0x95}, {4095, 0x9A}, {4096, 0x85},
      {8191, 0x8A},   {8192, 0xB5},   {16383, 0xBA}, {16384, 0xA5},   {32767, 0xAA}, {-32768, 0x2A}, {-16, 0x55},
      {-17, 0x54},    {-4097, 0x05},  {-4096, 0x1A},
  };
  for (size_t i = 0; i < sizeof abp / sizeof abp[0]; i++)
    CHECK(hl_g711_alaw_encode((int16_t)abp[i].x) == abp[i].a, "A-law breakpoint %d: got 0x%02X, want 0x%02X", abp[i].x,
          hl_g711_alaw_encode((int16_t)abp[i].x), abp[i].a);
  static const struct { int x; uint8_t u; } ubp[] = {
      {0, 0xFF},    {-1, 0x7F},    {3, 0xFF},      {4, 0xFE},       {7, 0xFE},    {123, 0xF0},  {124, 0xEF},
      {379, 0xE0},  {380, 0xDF},   {32767, 0x80},  {-32768, 0x00},  {32124, 0x80}, {-124, 0x70}, {-125, 0x6F},
  };
  for (size_t i = 0; i < sizeof ubp / sizeof ubp[0]; i++)
    CHECK(hl_g711_ulaw_encode((int16_t)ubp[i].x) == ubp[i].u, "mu-law breakpoint %d: got 0x%02X, want 0x%02X", ubp[i].x,
          hl_g711_ulaw_encode((int16_t)ubp[i].x), ubp[i].u);
  /* 4. digital milliwatt (G.711 Tables 5/6) has 0 dBm0 by our level reference */
  static const uint8_t dmw_a[8] = {0x34, 0x21, 0x21, 0x34, 0xB4, 0xA1, 0xA1, 0xB4};
  static const uint8_t dmw_u[8] = {0x1E, 0x0B, 0x0B, 0x1E, 0x9E, 0x8B, 0x8B, 0x9E};
  double pa = 0, pu = 0;
  for (int i = 0; i < 8; i++) {
    pa += (double)hl_g711_alaw_decode(dmw_a[i]) * hl_g711_alaw_decode(dmw_a[i]) / 8;
    pu += (double)hl_g711_ulaw_decode(dmw_u[i]) * hl_g711_ulaw_decode(dmw_u[i]) / 8;
  }
  double ref = (double)HL_TONE_DBM0_PEAK * HL_TONE_DBM0_PEAK / 2;
  double la = 10 * log10(pa / ref), lu = 10 * log10(pu / ref);
  CHECK(fabs(la) < 0.05, "A-law digital milliwatt measures %.3f dBm0, want 0", la);
  CHECK(fabs(lu) < 0.1, "mu-law digital milliwatt measures %.3f dBm0, want 0", lu);
  /* 5. block functions equal scalar ones */
  int16_t lin[512], back[512];
  uint8_t codes[512], codes2[512];
  float f[512];
  for (int i = 0; i < 512; i++) lin[i] = (int16_t)((i * 2654435761u) >> 16);
  hl_g711_alaw_encode_block(codes, lin, 512);
  hl_g711_alaw_decode_block(back, codes, 512);
  hl_g711_alaw_decode_f32_block(f, codes, 512);
  for (int i = 0; i < 512; i++) {
    CHECK(codes[i] == hl_g711_alaw_encode(lin[i]), "A-law block encode differs at %d", i);
    CHECK(back[i] == hl_g711_alaw_decode(codes[i]) && f[i] == back[i], "A-law block decode differs at %d", i);
  }
  hl_g711_ulaw_encode_block(codes2, lin, 512);
  hl_g711_ulaw_decode_block(back, codes2, 512);
  hl_g711_ulaw_decode_f32_block(f, codes2, 512);
  for (int i = 0; i < 512; i++) {
    CHECK(codes2[i] == hl_g711_ulaw_encode(lin[i]), "mu-law block encode differs at %d", i);
    CHECK(back[i] == hl_g711_ulaw_decode(codes2[i]) && f[i] == back[i], "mu-law block decode differs at %d", i);
  }
  /* the 13-bit decoder (SIMD where the CPU has it) is exactly value / 8, for
   * every code, at every length (vector body and scalar tail) */
  {
    uint8_t all[256 + 37];
    int16_t d13[256 + 37];
    for (int i = 0; i < 256 + 37; i++) all[i] = (uint8_t)(i * 7 + 3);
    for (int len = 0; len <= 256 + 37; len += 37) {
      hl_g711_alaw_decode13_block(d13, all, (size_t)len);
      for (int i = 0; i < len; i++)
        CHECK(d13[i] * 8 == hl_g711_alaw_decode(all[i]), "13-bit decode of 0x%02X (length %d) is %d", all[i], len, d13[i]);
    }
  }
  /* the A-law block encoder (SIMD where the CPU has it) equals the scalar one
   * for every 16-bit input */
  {
    static int16_t all16[65536 + 5];
    static uint8_t enc[65536 + 5];
    for (int i = 0; i < 65536 + 5; i++) all16[i] = (int16_t)(i - 32768 - 2);
    hl_g711_alaw_encode_block(enc, all16, 65536 + 5);
    int bad = 0;
    for (int i = 0; i < 65536 + 5; i++) bad += enc[i] != hl_g711_alaw_encode(all16[i]);
    CHECK(bad == 0, "A-law block encode differs from scalar for %d of 65541 inputs", bad);
  }
  /* 6. law conversion keeps the value within one step */
  for (int c = 0; c < 256; c++) {
    int v = hl_g711_alaw_decode((uint8_t)c), w = hl_g711_ulaw_decode(hl_g711_alaw_to_ulaw((uint8_t)c));
    CHECK(abs(v - w) <= 1024, "A->mu code 0x%02X: %d became %d", c, v, w);
  }
  printf("g711_test: A-law DMW %.3f dBm0, mu-law DMW %.3f dBm0, %d failures\n", la, lu, failures);
  return failures ? 1 : 0;
}
