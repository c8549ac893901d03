/* Internal: the DTMF receiver's long-window guard against voiced speech and
 * music (dtmf_guard.c), called by the decisions in dtmf.c. */
#ifndef HL_DSP_DTMF_GUARD_H
#define HL_DSP_DTMF_GUARD_H
#include "dtmf.h"

/* 1 when two steady tones at fr, fc Hz (measured over the run that just
 * ended at s->sample) are harmonics of one voice pitch with the neighbouring
 * harmonics present, or carry overtones of their own (an instrument's note):
 * not a key. Reads the run's samples from the state's ring. */
int hl__dtmf_harmonic(const hl_dtmf_state *s, float fr, float fc);
/* The same over the HL_DTMF_SPAN samples before sample end (still in the
 * ring). */
int hl__dtmf_harmonic_at(const hl_dtmf_state *s, float fr, float fc, uint64_t end);
#endif
