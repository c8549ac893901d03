/* Call-progress and special-tone detector: the China cadenced 450 Hz tones
 * (GB 16794 / YD/T 1429 plan, as tone_gen.h generates them) and fax tones.
 *
 *   dial        450 Hz continuous          reported after 1.32 s of tone
 *   busy        450 Hz 0.35 s on/0.35 off  after on-off-on all matching
 *   congestion  450 Hz 0.7 s on/0.7 off    after on-off-on all matching
 *   ringback    450 Hz 1 s on/4 s off      after on-off, when the next on begins
 *   fax CNG     1100 Hz 0.5 s on/3 s off   (T.30) after on-off-on all matching
 *   fax CED     2100 Hz continuous         (T.30 / V.25) after 1.5 s of tone
 *
 * Cadence tolerance: every on and off period within +-20 % of nominal (the
 * usual figure for exchange tone senders and receivers; params tol_pct) plus
 * two 10 ms blocks of measuring slack. Frequencies: 450 +-25 Hz, CNG
 * 1100 +-38 Hz (T.30), CED 2100 +-15 Hz (T.30) are accepted; levels down to
 * min_level_dbm0 (default -36 dBm0). A tone counts as present in a 10 ms
 * block when its DFT power at the tone frequency is at least `purity`
 * (default 0.55) of the block's total power, so speech and music rarely
 * qualify, and a single block that disagrees never breaks a period
 * (bridges V.25 phase reversals and one lost frame).
 *
 * Cost: each 10 ms block is correlated with precomputed 16-bit cos/sin
 * tables (a DFT at three bins, 100 Hz wide) plus the energy: 7
 * multiply-adds per sample, no dependency from one sample to the next, done
 * 16 (AVX2) or 8 (SSE2) samples at a time with pmaddwd in exact integer
 * arithmetic; the kernel is picked at run time. (A Goertzel recursion needs
 * only 3 multiply-adds but is latency-bound: it measured 2.5x slower than
 * the SIMD DTMF receiver.)
 *
 * Events: "on" when a tone is recognised (start = the start of its first
 * period, so the time is exact even though recognition comes later), "off"
 * when it stops or its cadence breaks (end = the end of the last matching
 * period). Same conventions as dtmf.h: shared read-only descriptor, small
 * per-channel state, rx of any chunk size, no allocation, events to a
 * callback or a small queue. Times are sample indexes since init (8 kHz),
 * accurate to the 10 ms block. */
#ifndef HL_DSP_CALLPROG_H
#define HL_DSP_CALLPROG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HL_CP_BLOCK 80 /* 10 ms */
#define HL_CP_QUEUE 4

typedef enum hl_cp_tone {
  HL_CP_NONE = 0,
  HL_CP_DIAL = 1,
  HL_CP_BUSY = 2,
  HL_CP_RINGBACK = 3,
  HL_CP_CONGESTION = 4,
  HL_CP_FAX_CNG = 5,
  HL_CP_FAX_CED = 6
} hl_cp_tone;

typedef struct hl_callprog_params {
  float min_level_dbm0; /* default -36 */
  float purity;         /* share of block power in the tone bin, default 0.55 */
  float tol_pct;        /* cadence tolerance, default 20 */
} hl_callprog_params;

/* A cadence period range in samples. */
typedef struct hl_cp_range {
  uint32_t lo, hi;
} hl_cp_range;

typedef struct hl_callprog_desc {
  /* cos and sin of w n for n = 0..79 in Q11, for 450, 1100 and 2100 Hz:
   * tab[2k] = cos, tab[2k+1] = sin of frequency k. */
  int16_t tab[6][HL_CP_BLOCK] __attribute__((aligned(32)));
  float norm;                     /* |X|^2 -> tone mean power (16-bit units^2) */
  int isa;                        /* kernel: 0 scalar, 1 SSE2, 2 AVX2 */
  float min_power, purity;
  hl_cp_range busy_on, busy_off, cong_on, cong_off, ring_on, ring_off, cng_on, cng_off;
  uint32_t dial_min, ced_min;     /* samples of continuous tone */
  float to_dbm0;                  /* 10log10(power) + to_dbm0 = dBm0 */
} hl_callprog_desc;

/* One frequency's on/off period tracker (private). */
typedef struct hl_cp_track {
  uint8_t on, pend;
  uint64_t start;       /* start of the current period */
  uint64_t pend_start;  /* first block disagreeing with it */
  /* the last three completed periods: [0] newest */
  uint8_t h_on[3];
  uint64_t h_start[3];
  uint32_t h_len[3];
  int active;           /* hl_cp_tone reported on, or 0 */
  uint64_t active_start;
  uint64_t last_end;    /* end of the last matching on period */
  float level_dbm0;     /* tone level of the last on block */
} hl_cp_track;

typedef struct hl_callprog_event {
  int tone;          /* hl_cp_tone */
  int on;            /* 1 recognised, 0 ended */
  uint64_t start;    /* sample index of the first period's start */
  uint64_t end;      /* off events: sample index where it ended; on: 0 */
  float level_dbm0;  /* tone level when recognised / last heard */
} hl_callprog_event;

typedef void (*hl_callprog_cb)(void *user, const hl_callprog_event *ev);

typedef struct hl_callprog_state {
  const hl_callprog_desc *desc;
  int64_t acc[7];   /* exact block sums: energy, then re/im for 450, 1100, 2100 Hz */
  int pos;          /* samples into the block */
  uint64_t sample;  /* samples consumed since init */
  hl_cp_track t450, t1100, t2100;
  hl_callprog_cb cb;
  void *user;
  hl_callprog_event queue[HL_CP_QUEUE];
  int q_head, q_len;
} hl_callprog_state;

void hl_callprog_params_default(hl_callprog_params *p);
/* p NULL = defaults. Returns 0 or HL_EINVAL (level above 0 dBm0 or below
 * -60, purity outside 0.1..1, tolerance outside 1..40 %, NaN). */
int hl_callprog_desc_init(hl_callprog_desc *d, const hl_callprog_params *p);
/* Forces a kernel (0 scalar, 1 SSE2, 2 AVX2) for tests and benchmarks;
 * HL_ENOTSUP when this CPU or build lacks it. All give identical results. */
int hl_callprog_desc_set_isa(hl_callprog_desc *d, int isa);
int hl_callprog_init(hl_callprog_state *s, const hl_callprog_desc *d, hl_callprog_cb cb, void *user);

/* Feed samples (any count); returns the number of events this call made. */
int hl_callprog_rx(hl_callprog_state *s, const int16_t *x, size_t n);
int hl_callprog_rx_f32(hl_callprog_state *s, const float *x, size_t n);
int hl_callprog_rx_alaw(hl_callprog_state *s, const uint8_t *a, size_t n);

/* Pops the oldest queued event (NULL callback only): 1, or 0 when empty. */
int hl_callprog_get_event(hl_callprog_state *s, hl_callprog_event *ev);
/* The 450 Hz tone currently recognised (dial/busy/ringback/congestion) or 0. */
int hl_callprog_current(const hl_callprog_state *s);
/* Name of a tone: "dial", "busy", "ringback", "congestion", "fax_cng",
 * "fax_ced"; "none" otherwise. */
const char *hl_callprog_tone_name(int tone);

#ifdef __cplusplus
}
#endif
#endif
