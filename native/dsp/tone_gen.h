/* Tone generation: up to two sine tones per segment, cadences of segments,
 * levels in dBm0.
 *
 * Level reference: 0 dBm0 is a sine of peak 22812.8 in 16-bit linear units,
 * 3.14 dB below the A-law overload point (G.711 Table 6, A-law Tmax =
 * +3.14 dBm0; the same constant is used for mu-law lines, 0.03 dB apart).
 * HL_TONE_DBM0_PEAK is that peak.
 *
 * A descriptor (hl_tone_desc) is a plain value: a list of segments, each with
 * two frequencies (0 Hz = unused), a level per tone and a duration, repeated
 * `repeat` times (0 = for ever). The generator copies it, so a caller may
 * build descriptors on the stack. Oscillators are phase-continuous across
 * calls of any size (a complex rotation in double precision, renormalised at
 * every segment and every 1024 samples); no allocation. Built-in plans:
 * DTMF keys (Q.23), the China tones (GB 16794 / YD/T 1429 style: 450 Hz
 * dial continuous, busy 0.35 s/0.35 s, ringback 1 s/4 s, congestion
 * 0.7 s/0.7 s), MF R2 codes through hl_tone_desc_dual. */
#ifndef HL_DSP_TONE_GEN_H
#define HL_DSP_TONE_GEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HL_TONE_DBM0_PEAK 22812.8f
#define HL_TONE_MAX_SEGS 8

typedef struct hl_tone_seg {
  float f1_hz, f2_hz;     /* 0 = that tone is silent */
  float l1_dbm0, l2_dbm0; /* level of each tone */
  uint32_t ms;            /* duration; 0 = for ever (must be the last) */
} hl_tone_seg;

typedef struct hl_tone_desc {
  hl_tone_seg seg[HL_TONE_MAX_SEGS];
  int nseg;
  int repeat; /* times the segment list plays; 0 = for ever */
} hl_tone_desc;

typedef enum hl_tone_china {
  HL_TONE_CN_DIAL = 1,       /* 450 Hz continuous */
  HL_TONE_CN_BUSY = 2,       /* 450 Hz 0.35 s on / 0.35 s off */
  HL_TONE_CN_RINGBACK = 3,   /* 450 Hz 1 s on / 4 s off */
  HL_TONE_CN_CONGESTION = 4  /* 450 Hz 0.7 s on / 0.7 s off */
} hl_tone_china;

/* Default send levels: DTMF per Q.23 practice (-7 dBm0 low, -5 dBm0 high is
 * common; we use -8/-6), China tones at -10 dBm0. */
#define HL_TONE_DTMF_LOW_DBM0 (-8.0f)
#define HL_TONE_DTMF_HIGH_DBM0 (-6.0f)
#define HL_TONE_CN_DBM0 (-10.0f)

/* Dual tone f1/f2 at l1/l2 for on_ms, then silence for off_ms (0 = no
 * silence segment), the pair repeated `repeat` times (0 = for ever). on_ms 0
 * = continuous. Returns 0 or HL_EINVAL (frequency outside 0..3999 Hz, level
 * above +3 dBm0, NaN). */
int hl_tone_desc_dual(hl_tone_desc *d, float f1_hz, float l1_dbm0, float f2_hz, float l2_dbm0,
                      uint32_t on_ms, uint32_t off_ms, int repeat);
/* One DTMF key: on_ms of tone then off_ms of silence, played once. */
int hl_tone_desc_dtmf(hl_tone_desc *d, char digit, float low_dbm0, float high_dbm0,
                      uint32_t on_ms, uint32_t off_ms);
/* A China call-progress tone at level_dbm0, cadenced for ever. */
int hl_tone_desc_china(hl_tone_desc *d, hl_tone_china kind, float level_dbm0);
/* Appends one segment; HL_ENOSPC when full, HL_EINVAL on a bad value. */
int hl_tone_desc_add(hl_tone_desc *d, float f1_hz, float l1_dbm0, float f2_hz, float l2_dbm0, uint32_t ms);

typedef struct hl_tone_gen {
  hl_tone_desc desc;
  int seg;           /* current segment */
  int rep;           /* completed repetitions */
  uint32_t left;     /* samples left in the segment (ignored when ms == 0) */
  double c[2], s[2]; /* oscillator phasors */
  double rc[2], rs[2]; /* per-sample rotation */
  float amp[2];      /* peak amplitude of each tone, 16-bit units */
  int since_norm;
  int done;
} hl_tone_gen;

/* Starts generating d (copied). Returns 0 or HL_EINVAL. */
int hl_tone_gen_init(hl_tone_gen *g, const hl_tone_desc *d);
/* Writes exactly n samples (silence once the cadence has ended) and returns
 * how many of them belong to the cadence (n while it is still going). The
 * sum of both tones saturates at the 16-bit range. */
size_t hl_tone_gen_tx(hl_tone_gen *g, int16_t *out, size_t n);
/* Same, A-law coded (as sent on an E1 timeslot). */
size_t hl_tone_gen_tx_alaw(hl_tone_gen *g, uint8_t *out, size_t n);
/* 1 once a finite cadence has played out. */
int hl_tone_gen_done(const hl_tone_gen *g);

/* Peak amplitude (16-bit units) of a sine at level dBm0. */
float hl_tone_dbm0_to_peak(float dbm0);

#ifdef __cplusplus
}
#endif
#endif
