/* Internal: the per-sample DTMF analysis kernels (one per instruction set)
 * behind one signature, chosen once per descriptor (dtmf.c). */
#ifndef HL_DSP_DTMF_KERN_H
#define HL_DSP_DTMF_KERN_H
#include "dtmf.h"

/* Adds m samples (13-bit; m even, pos even, pos + m <= HL_DTMF_HOP) at
 * position pos of the current hop: to the window opened at this hop (table
 * pairs pos/2..) in wn and to the window opened one hop earlier (pairs
 * (pos+HOP)/2..) in wo (16 lanes each: re[8], im[8]); the 450 Hz sums of both
 * windows to h450[0..3]; lane-wise energy sums to hen ([0..7] x^2,
 * [8..15] ((x w) >> 16) x with w = whann[pos..]). All sums are exact int32
 * (13-bit samples x Q12 coefficients over 80 samples stay below 2^31:
 * 80 * 4096 * 4095 = 1.34e9), so every kernel gives the same result. */
typedef void (*hl__dtmf_kern_fn)(const hl_dtmf_desc *d, int32_t *wn, int32_t *wo, int32_t *h450, int32_t *hen,
                                 const int16_t *x, int m, int pos);

extern const hl__dtmf_kern_fn hl__dtmf_kern[3]; /* scalar, SSE2, AVX2; NULL where not built */

/* A whole hop (HL_DTMF_HOP samples from position 0) in one call, everything
 * kept in registers: the window opened at this hop starts from zero and is
 * stored to wn; the window opened a hop earlier (running sums in wo) closes:
 * its 16 lanes go out as floats (sum * kscale) in xout[0..15], their powers
 * (re * re + im * im, no fused multiply-add) in xout[16..23], and wo is left
 * untouched. sums[0..5] = hop energy x^2, Hann-weighted energy, 450 Hz new
 * re, im, old re, im (the same values the partial kernel accumulates);
 * sums[6], sums[7] = the strongest row lane (0..3) and column lane (4..7),
 * the first one on ties. */
typedef void (*hl__dtmf_hop_fn)(const hl_dtmf_desc *d, int32_t *wn, const int32_t *wo, const int16_t *x,
                                float *xout, int32_t *sums);
extern const hl__dtmf_hop_fn hl__dtmf_hop[3]; /* NULL: use the partial kernel */
#endif
