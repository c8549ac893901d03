/* ITU-T G.711 (11/88) A-law and mu-law companding, bit-exact with the
 * standard's tables (Tables 1a/1b and 2a/2b).
 *
 * Linear samples are 16-bit two's complement, left-justified: A-law's 13-bit
 * and mu-law's 14-bit magnitudes are shifted left by 3 and 2, so an A-law code
 * decodes to a multiple of 8 (+-8 .. +-32256) and a mu-law code to a multiple
 * of 4 (0 .. +-32124). Encoding truncates the dropped low bits, exactly as the
 * standard's decision values do. The coded bytes are as sent on the line:
 * A-law with even bits inverted (XOR 0x55), mu-law with all bits inverted.
 *
 * Level reference used across native/dsp (see tone_gen.h): 0 dBm0 is a sine
 * whose peak is 3.14 dB below the A-law overload point (G.711 §3 / Table 6:
 * A-law Tmax = +3.14 dBm0), i.e. a peak of 22812.8 in these 16-bit units.
 *
 * Everything here is stateless and thread-safe; the tables are compile-time
 * constants (no lazy initialisation). */
#ifndef HL_DSP_G711_H
#define HL_DSP_G711_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A-law code -> linear, as int16 and as float (same values), indexed by the
 * line byte. Detectors use the float table to decode straight to float. */
extern const int16_t hl_g711_alaw_to_i16[256];
extern const float hl_g711_alaw_to_f32[256];
/* mu-law code -> linear. */
extern const int16_t hl_g711_ulaw_to_i16[256];
extern const float hl_g711_ulaw_to_f32[256];

/* Scalar conversions. */
uint8_t hl_g711_alaw_encode(int16_t x);
int16_t hl_g711_alaw_decode(uint8_t a);
uint8_t hl_g711_ulaw_encode(int16_t x);
int16_t hl_g711_ulaw_decode(uint8_t u);

/* Block conversions (dst and src may not overlap). */
void hl_g711_alaw_encode_block(uint8_t *dst, const int16_t *src, size_t n);
void hl_g711_alaw_decode_block(int16_t *dst, const uint8_t *src, size_t n);
void hl_g711_ulaw_encode_block(uint8_t *dst, const int16_t *src, size_t n);
void hl_g711_ulaw_decode_block(int16_t *dst, const uint8_t *src, size_t n);
void hl_g711_alaw_decode_f32_block(float *dst, const uint8_t *src, size_t n);
/* A-law to 13-bit linear (the 16-bit value / 8, exact): what the detectors
 * take. Block decoders use AVX2 when the CPU has it (picked per call). */
void hl_g711_alaw_decode13_block(int16_t *dst, const uint8_t *src, size_t n);
void hl_g711_ulaw_decode_f32_block(float *dst, const uint8_t *src, size_t n);

/* Code conversion between the laws through the linear value (G.711 Tables
 * 3 and 4 are what this yields for most codes; it is decode-then-encode). */
uint8_t hl_g711_alaw_to_ulaw(uint8_t a);
uint8_t hl_g711_ulaw_to_alaw(uint8_t u);

/* Silence (the code nearest to zero) as sent on the line. */
#define HL_G711_ALAW_SILENCE 0xD5
#define HL_G711_ULAW_SILENCE 0xFF

#ifdef __cplusplus
}
#endif
#endif
