/* Line echo canceller (ITU-T G.168 style) for the receive path of a channel.
 *
 * The board knows what it transmits on a channel (prompts, tones, a routed
 * party); on an analog line, or an E1 timeslot that reaches a 2/4-wire hybrid
 * far away, part of that comes back in what we receive, delayed (up to the
 * tail length) and attenuated (ERL, typically 6-20 dB). This module models
 * the echo path with an adaptive FIR filter driven by the transmitted signal
 * (the reference) and subtracts its estimate from the received signal, so the
 * detectors behind it (DTMF above all: keys pressed during a prompt) hear the
 * caller and not our own prompt.
 *
 * How:
 *   - IPNLMS adaptation (proportionate, alpha 0.5) on pre-whitened signals
 *     (first-order 1 - 0.7 z^-1 on the reference and on the error): speech is
 *     strongly low-pass, and whitening speeds convergence on speech several
 *     fold without moving the solution (the same filter on both sides of the
 *     path). On the project's prompts (test/native/echo_test.c: ERL 6-20 dB,
 *     delays 2-32 ms, a path change at 6 s) ERLE reaches 20 dB in 0.5-2.95 s
 *     and settles at 23-32 dB;
 *   - two filters (foreground / background): the background adapts, the
 *     foreground produces the output and is replaced by the background only
 *     when the background cancels at least 3 dB better over 10 ms; a
 *     background that diverges (double talk the detector missed) is reset to
 *     the foreground. So undetected near-end speech or a key can disturb the
 *     background, never the output, and a path change is followed as soon as
 *     the background has learnt the new path;
 *   - Geigel double-talk detection: |received| > max |reference| over the
 *     tail x 10^(-geigel_db / 20) freezes adaptation, held for dt_hold_ms;
 *   - an optional non-linear processor (NLP) with comfort noise, off by
 *     default: it would clip a quiet key, so detectors want it off; it is for
 *     what a listener hears.
 *
 * Usage: one hl_echo_desc (read-only after hl_echo_desc_init) shared by the
 * channels of a board; one hl_echo_state per channel (about 12 KB at the
 * 64 ms maximum tail: coefficients and reference history; nothing to free).
 * hl_echo_rx takes any number of samples per call and never allocates.
 * Reference and received samples must be aligned: ref[i] is what was sent
 * at the time rx[i] arrived (the echo path's own delay is learnt). Switch a
 * channel off (do not call it) for fax and data: a canceller adapting on
 * modem signals only adds noise. */
#ifndef HL_DSP_ECHO_H
#define HL_DSP_ECHO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HL_ECHO_MAX_TAPS 512 /* 64 ms at 8 kHz: G.168's common tail */
#define HL_ECHO_BLOCK 80     /* decisions every 10 ms */

typedef struct hl_echo_params {
  int tail_ms;      /* echo path length covered, 8..64 ms in steps of 1 ms, default 64 */
  float step;       /* IPNLMS step size (0, 1], default 0.25 */
  float geigel_db;  /* double talk when the received peak is within this many dB
                       of the reference peak, default 6 (assumes ERL >= 6 dB) */
  int dt_hold_ms;   /* adaptation stays frozen this long after double talk, default 40 */
  int nlp;          /* 1: non-linear processor on (default 0) */
  int comfort_noise;/* with the NLP: 1 = comfort noise, 0 = silence (default 1) */
} hl_echo_params;

typedef struct hl_echo_desc {
  int taps;        /* multiple of 8 */
  float step, geigel, min_ref_power, delta;
  int dt_hold;     /* samples */
  int nlp, comfort_noise;
  int isa;         /* kernel in use: 0 generic, 1 AVX2+FMA */
} hl_echo_desc;

/* Per-channel state. Treat the fields as private. */
typedef struct hl_echo_state {
  /* coefficients: the one in use (foreground) and the adapting one */
  float wf[HL_ECHO_MAX_TAPS], wb[HL_ECHO_MAX_TAPS];
  /* reference history twice over (newest first from x + pos), so the tail
     is always one contiguous run: x[pos + k] = x[pos + k + taps] */
  float x[2 * (HL_ECHO_MAX_TAPS + 8)];
  float xw[2 * (HL_ECHO_MAX_TAPS + 8)]; /* the same, pre-whitened */
  int pos;
  float x_last, eb_last;  /* previous reference / background error (whitening) */
  float gain_prev;        /* this sample's update factor, applied with the next */
  double xw_power;        /* sum of xw^2 over the tail */
  double xw_x;            /* sum of xw x over the tail */
  float wb_l1;            /* sum |wb| (IPNLMS step shares) */
  float peak_block, peak_tail; /* Geigel: |x| max in this block, over the tail */
  float peaks[HL_ECHO_MAX_TAPS / HL_ECHO_BLOCK + 2];
  int npeaks, peak_at;
  int hold;               /* samples of double-talk hold left */
  int bpos;               /* samples into the block */
  float sd, sf, sb, sx;   /* this block: sum of d^2, ef^2, eb^2, x^2 */
  float ad, af, ab;       /* smoothed block sums */
  float noise;            /* NLP: residual power when the reference is quiet */
  uint32_t rng;
  int dt_blocks, copies, resets; /* counters for tests: blocks in double talk, ... */
  uint64_t sample;
  const hl_echo_desc *desc;
} hl_echo_state;

void hl_echo_params_default(hl_echo_params *p);
/* p NULL = defaults. Returns 0 or HL_EINVAL (a parameter out of range). */
int hl_echo_desc_init(hl_echo_desc *d, const hl_echo_params *p);
/* Forces a kernel (0 generic, 1 AVX2+FMA); HL_ENOTSUP when the CPU lacks it. */
int hl_echo_desc_set_isa(hl_echo_desc *d, int isa);

/* Clean start (also the way to restart a channel after a call or a switch
 * back on). Returns 0 or HL_EINVAL. */
int hl_echo_init(hl_echo_state *s, const hl_echo_desc *d);

/* n samples: rx received, ref transmitted at the same instants; out gets rx
 * less the echo estimate (out may be rx). 16-bit linear. Returns 0. */
int hl_echo_rx(hl_echo_state *s, const int16_t *rx, const int16_t *ref, int16_t *out, size_t n);

/* Samples in double talk so far (adaptation frozen), and how often the
 * foreground took the background's filter: for tests and statistics. */
static inline uint64_t hl_echo_samples(const hl_echo_state *s) { return s->sample; }

#ifdef __cplusplus
}
#endif
#endif
