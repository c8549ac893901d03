/* Conference mixer (see mixer.h). Work is O(parties x n): one pass builds the
 * talkers' sum, one pass per party writes sum - self (+ whispers to it). */
#include "dsp/mixer.h"

#include "hl_errors.h"

/* Sums are built in blocks of this many samples on the stack (no allocation,
 * bounded stack: 160 samples = 20 ms at 8 kHz, 640 bytes). */
#define MIX_BLOCK 160

static inline int16_t sat16(int32_t v) {
  return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

int hl_mix_conference(const hl_mix_party *parties, int count, size_t n) {
  /* 65535 talkers at full scale still fit the 32-bit sum. */
  if (count < 0 || count > 65535 || (count > 0 && !parties)) return HL_EINVAL;
  int whispers = 0;
  for (int p = 0; p < count; p++) {
    const hl_mix_party *q = &parties[p];
    switch (q->role) {
      case HL_MIX_TALK:
        if (!q->in) return HL_EINVAL;
        break;
      case HL_MIX_LISTEN: break;
      case HL_MIX_WHISPER:
        if (!q->in || q->whisper_to < 0 || q->whisper_to >= count || q->whisper_to == p) return HL_EINVAL;
        whispers++;
        break;
      default: return HL_EINVAL;
    }
  }
  int32_t sum[MIX_BLOCK];
  for (size_t off = 0; off < n; off += MIX_BLOCK) {
    size_t m = n - off < MIX_BLOCK ? n - off : MIX_BLOCK;
    for (size_t i = 0; i < m; i++) sum[i] = 0;
    for (int p = 0; p < count; p++) {
      if (parties[p].role != HL_MIX_TALK) continue;
      const int16_t *in = parties[p].in + off;
      for (size_t i = 0; i < m; i++) sum[i] += in[i];
    }
    for (int p = 0; p < count; p++) {
      const hl_mix_party *q = &parties[p];
      if (!q->out) continue;
      int16_t *out = q->out + off;
      const int16_t *self = q->role == HL_MIX_TALK ? q->in + off : NULL;
      int heard_whispers = 0;
      for (int w = 0; whispers && w < count; w++)
        heard_whispers += parties[w].role == HL_MIX_WHISPER && parties[w].whisper_to == p;
      if (!heard_whispers) {
        if (self)
          for (size_t i = 0; i < m; i++) out[i] = sat16(sum[i] - self[i]);
        else
          for (size_t i = 0; i < m; i++) out[i] = sat16(sum[i]);
        continue;
      }
      /* A coached agent (rare): its own 32-bit sum so the whisper is added
       * before the one saturation, exactly as if the coach were a talker. */
      int32_t acc[MIX_BLOCK];
      for (size_t i = 0; i < m; i++) acc[i] = sum[i] - (self ? self[i] : 0);
      for (int w = 0; w < count; w++) {
        if (parties[w].role != HL_MIX_WHISPER || parties[w].whisper_to != p) continue;
        const int16_t *win = parties[w].in + off;
        for (size_t i = 0; i < m; i++) acc[i] += win[i];
      }
      for (size_t i = 0; i < m; i++) out[i] = sat16(acc[i]);
    }
  }
  return 0;
}

void hl_mix_add_sat(int16_t *dst, const int16_t *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = sat16((int32_t)dst[i] + src[i]);
}
