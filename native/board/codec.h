/* G.711 for the board layer: thin inline wrappers over dsp/g711.h (bit-exact
 * ITU-T G.711, the one encoder; its block encoder uses AVX2 where the CPU has
 * it), plus the level reference and saturation helpers. */
#ifndef HL_BOARD_CODEC_H
#define HL_BOARD_CODEC_H

#include <stdint.h>

#include "dsp/g711.h"

namespace hl {

inline int16_t alaw_to_lin(uint8_t a) { return hl_g711_alaw_to_i16[a]; }
inline uint8_t lin_to_alaw(int16_t s) { return hl_g711_alaw_encode(s); }
inline void lin_to_alaw_block(uint8_t *dst, const int16_t *src, int n) {
  // Most frames on a telephone line are digital silence (idle lines, pauses
  // between prompts): an OR over the frame (vectorised) spares the lookups.
  int16_t any = 0;
  for (int i = 0; i < n; i++) any |= src[i];
  if (any == 0) {
    for (int i = 0; i < n; i++) dst[i] = 0xd5;  // A-law code of 0 (G.711, even bits inverted)
    return;
  }
  hl_g711_alaw_encode_block(dst, src, (size_t)n);
}
inline int16_t ulaw_to_lin(uint8_t u) { return hl_g711_ulaw_to_i16[u]; }
inline uint8_t lin_to_ulaw(int16_t s) { return hl_g711_ulaw_encode(s); }

inline int16_t sat16(int32_t v) { return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }

/* RMS of a 0 dBm0 sine in 16-bit linear units: peak 22812.8 (dsp/g711.h,
 * 3.14 dB below the A-law overload point, G.711 Table 6) / sqrt(2). */
constexpr double kDbm0Rms = 16131.0;

}  // namespace hl
#endif
