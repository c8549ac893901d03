/* N-party conference mixing in the linear domain (16-bit samples, 8 kHz).
 *
 * Each talking party hears the sum of all other talkers but not itself
 * ("sum minus self"), so no one hears their own echo. The TDM switch builds
 * supervisor features from per-party roles:
 *   HL_MIX_TALK     ordinary member (also a supervisor after barge-in):
 *                   heard by everyone, hears every other talker;
 *   HL_MIX_LISTEN   monitor: hears every talker, contributes nothing;
 *   HL_MIX_WHISPER  coach: hears every talker, heard only by one target
 *                   party (the agent), never by the others (the caller).
 * The sum is kept in 32 bits and saturated to int16 once per output sample,
 * so a loud conference clips instead of wrapping around.
 *
 * No allocation, no state: the caller owns every buffer; a call mixes one
 * block of n samples for all parties. */
#ifndef HL_DSP_MIXER_H
#define HL_DSP_MIXER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { HL_MIX_TALK = 0, HL_MIX_LISTEN = 1, HL_MIX_WHISPER = 2 };

typedef struct hl_mix_party {
  const int16_t *in; /* n samples this party says; ignored (may be NULL) for LISTEN */
  int16_t *out;      /* n samples this party hears; NULL when nobody listens */
  int role;          /* HL_MIX_TALK, HL_MIX_LISTEN or HL_MIX_WHISPER */
  int whisper_to;    /* WHISPER only: index of the one party who hears it */
} hl_mix_party;

/* Mixes n samples for `count` parties. Output buffers must not overlap any
 * input buffer (the sums are built from all inputs before outputs are
 * written block by block). Returns 0, or HL_EINVAL for a bad role, a
 * whisper target out of range / pointing at itself, or a missing input. */
int hl_mix_conference(const hl_mix_party *parties, int count, size_t n);

/* dst[i] = saturate(dst[i] + src[i]): adds one source into an output, e.g.
 * a prompt played into a bridged call. */
void hl_mix_add_sat(int16_t *dst, const int16_t *src, size_t n);

#ifdef __cplusplus
}
#endif
#endif
