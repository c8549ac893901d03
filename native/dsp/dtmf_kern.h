/* Internal: the per-sample DTMF analysis kernels (one per instruction set)
 * behind one signature, chosen once per descriptor (dtmf.c). */
#ifndef HL_DSP_DTMF_KERN_H
#define HL_DSP_DTMF_KERN_H
#include "dtmf.h"

/* Adds m samples (m <= HL_DTMF_HOP - pos) to the window opened at this hop
 * (table rows pos..), the window opened one hop earlier (rows pos+HOP..), the
 * 450 Hz window (rows pos450..) and the energy: aux[0] += sum x^2,
 * aux[1..2] += 450 Hz re/im. */
typedef void (*hl__dtmf_kern_fn)(const hl_dtmf_desc *d, float *acc_new, float *acc_old, float *aux, const float *x,
                                 int m, int pos, int pos450);

extern const hl__dtmf_kern_fn hl__dtmf_kern[3]; /* scalar, SSE2, AVX2+FMA; NULL where not built */
#endif
