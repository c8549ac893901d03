/* MF R2 register signals (ITU-T Q.441; China No.1 uses the same tone plan):
 * each code 1..15 is two of six frequencies.
 *   forward  (caller -> called): 1380 1500 1620 1740 1860 1980 Hz
 *   backward (called -> caller): 1140 1020  900  780  660  540 Hz
 * Code k uses frequencies (f_a, f_b) in Q.441 order:
 *   1:f0+f1 2:f0+f2 3:f1+f2 4:f0+f3 5:f1+f3 6:f2+f3 7:f0+f4 8:f1+f4
 *   9:f2+f4 10:f3+f4 11:f0+f5 12:f1+f5 13:f2+f5 14:f3+f5 15:f4+f5
 *
 * Compelled signalling sends a tone until the far end answers with its own
 * tone, so the receiver reports both tone-on and tone-off, each with the
 * sample time at which it happened.
 *
 * Receiver figures followed: Q.455 as a CCITT-conformant R2 receiver's data
 * sheet states them (accept -5..-31.5 dBm0 per frequency, reject -38.5;
 * accept +-10 Hz, reject +-60 Hz; twist 5 dB adjacent / 7 dB non-adjacent;
 * operate and release < 32 ms; a gap < 8 ms does not release; no
 * degradation at 18 dB S/N). This receiver:
 * accepts each frequency within +-10 Hz, levels -5 to -35 dBm0 per frequency,
 * up to 11 dB between the two as measured (Q.455 asks 5 dB adjacent / 7 dB
 * non-adjacent, which reads up to ~9.5 dB with a 10 Hz offset);
 * rejects -38.5 dBm0 and below, frequencies 20 Hz or more off nominal (from
 * the phase advance between blocks; Q.455 only asks 60 Hz), a third
 * frequency within 8 dB of the weaker or 12 dB of the stronger one, and a
 * pair whose level ratio moves more than 3 dB between blocks; operate and
 * release within 32 ms (measured worst 24 / 18 ms); an interruption shorter
 * than 8 ms does not release the tone; 18 dB S/N white noise is tolerated.
 * Sender (Q.454): -11.5 dBm0 per frequency by default, frequencies exact.
 *
 * No allocation; the coefficient table is a compiled-in constant shared by
 * every channel; rx accepts any chunk size. */
#ifndef HL_DSP_MF_R2_H
#define HL_DSP_MF_R2_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { HL_MF_R2_FORWARD = 0, HL_MF_R2_BACKWARD = 1 };

/* Default send level per frequency, dBm0 (Q.454 §1.4: -11.5 +-1 dB). */
#define HL_MF_R2_SEND_DBM0 (-11.5f)

/* Frequencies (Hz) of `code` (1..15) for a direction; 0 or HL_EINVAL. */
int hl_mf_r2_freqs(int dir, int code, int *f_a, int *f_b);

/* ---- receiver ---- */

typedef struct hl_mf_r2_event {
  int code;       /* 1..15 */
  int on;         /* 1: tone began, 0: tone ended */
  uint64_t start; /* sample index where the tone began */
  uint64_t end;   /* off events: sample index where it ended; on events: 0 */
} hl_mf_r2_event;

typedef void (*hl_mf_r2_cb)(void *user, const hl_mf_r2_event *ev);

typedef struct hl_mf_r2_rx_state {
  const float *coef; /* 6 Goertzel coefficients of the chosen direction */
  int dir;
  float s1[6], s2[6];
  float energy;
  int count;         /* samples in the current block */
  int cand;          /* code seen in the last block, 0 none */
  int cand_blocks;   /* consecutive blocks showing `cand` */
  uint64_t cand_start;
  float cand_ratio;  /* level ratio of the two tones in the candidate block */
  float ratio;       /* same, last block */
  float cand_x[2][2]; /* complex DFT values of the two tones, candidate block */
  float x[2][2];      /* same, last block */
  int current;       /* code reported on, 0 none */
  int misses;        /* consecutive blocks without `current` */
  uint64_t miss_start;
  uint64_t tone_start;
  uint64_t sample;   /* samples consumed since init */
  hl_mf_r2_cb cb;
  void *user;
} hl_mf_r2_rx_state;

/* dir: HL_MF_R2_FORWARD detects forward codes (the register receiver of the
 * called side), HL_MF_R2_BACKWARD backward codes. cb may be NULL (poll
 * hl_mf_r2_rx_code). Returns 0 or HL_EINVAL. */
int hl_mf_r2_rx_init(hl_mf_r2_rx_state *s, int dir, hl_mf_r2_cb cb, void *user);
void hl_mf_r2_rx(hl_mf_r2_rx_state *s, const int16_t *x, size_t n);
/* The code currently on (1..15), or 0. */
int hl_mf_r2_rx_code(const hl_mf_r2_rx_state *s);

/* ---- sender ---- */

typedef struct hl_mf_r2_tx_state {
  int dir;
  int code;
  float amp;            /* peak amplitude of each tone, linear */
  float re[2], im[2];   /* oscillator phasors */
  float wr[2], wi[2];   /* per-sample rotation */
  unsigned since_norm;
} hl_mf_r2_tx_state;

int hl_mf_r2_tx_init(hl_mf_r2_tx_state *t, int dir, float level_dbm0);
/* Starts sending `code` (1..15), or stops with 0. The tone starts at zero
 * phase, so it rises without a click. Returns 0 or HL_EINVAL. */
int hl_mf_r2_tx_set(hl_mf_r2_tx_state *t, int code);
/* Writes n samples (silence when no code is set). */
void hl_mf_r2_tx(hl_mf_r2_tx_state *t, int16_t *out, size_t n);

#ifdef __cplusplus
}
#endif
#endif
