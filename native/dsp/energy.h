/* Energy / silence detector for voice activity and record termination.
 *
 * Short-term power is measured over 10 ms blocks (80 samples) in dBm0 (0 dBm0
 * = mean power of a sine of peak 22812.8, see tone_gen.h). Voice starts when
 * a block is at or above on_dbm0 for min_voice_ms; it ends when the level stays
 * below off_dbm0 (hysteresis: off <= on) for hangover_ms. Events carry sample
 * times; the state can also be queried (hl_energy_is_voice,
 * hl_energy_silence_ms) so a recorder can end on "N ms of silence".
 *
 * Same conventions as dtmf.h: shared read-only hl_energy_desc, small
 * per-channel hl_energy_state, rx of any chunk size, no allocation; events
 * to a callback, or queued (HL_ENERGY_QUEUE) when the callback is NULL. */
#ifndef HL_DSP_ENERGY_H
#define HL_DSP_ENERGY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HL_ENERGY_BLOCK 80
#define HL_ENERGY_QUEUE 4

typedef struct hl_energy_params {
  float on_dbm0;        /* default -36 */
  float off_dbm0;       /* default -40 */
  uint32_t min_voice_ms; /* default 30 */
  uint32_t hangover_ms;  /* default 500 */
} hl_energy_params;

typedef struct hl_energy_desc {
  float on_power, off_power; /* block sum of x^2 thresholds, 16-bit units */
  uint32_t min_voice_blocks, hangover_blocks;
  float to_dbm0;             /* 10log10(block sum) + to_dbm0 = dBm0 */
} hl_energy_desc;

typedef enum hl_energy_ev_type {
  HL_ENERGY_EV_VOICE = 1,  /* voice began at `at` */
  HL_ENERGY_EV_SILENCE = 2 /* voice ended at `at` (hangover already elapsed) */
} hl_energy_ev_type;

typedef struct hl_energy_event {
  int type;
  uint64_t at;        /* sample index where voice began / the last loud block ended */
  float level_dbm0;   /* level of the block that triggered the event */
} hl_energy_event;

typedef void (*hl_energy_cb)(void *user, const hl_energy_event *ev);

typedef struct hl_energy_state {
  const hl_energy_desc *desc;
  float acc;          /* sum x^2 of the current block */
  int pos;            /* samples into the block */
  float last_power;   /* last completed block, sum x^2 */
  int voice;
  uint32_t loud_run, quiet_run;
  uint64_t loud_start, last_loud_end, sample;
  hl_energy_cb cb;
  void *user;
  hl_energy_event queue[HL_ENERGY_QUEUE];
  int q_head, q_len;
} hl_energy_state;

void hl_energy_params_default(hl_energy_params *p);
/* p NULL = defaults. Returns 0 or HL_EINVAL (off above on, level above
 * +3.14 dBm0, NaN). */
int hl_energy_desc_init(hl_energy_desc *d, const hl_energy_params *p);
int hl_energy_init(hl_energy_state *s, const hl_energy_desc *d, hl_energy_cb cb, void *user);

/* Feed samples; returns the number of events produced by this call. */
int hl_energy_rx(hl_energy_state *s, const int16_t *x, size_t n);
int hl_energy_rx_f32(hl_energy_state *s, const float *x, size_t n);
int hl_energy_rx_alaw(hl_energy_state *s, const uint8_t *a, size_t n);

int hl_energy_get_event(hl_energy_state *s, hl_energy_event *ev);
int hl_energy_is_voice(const hl_energy_state *s);
/* Level of the last completed 10 ms block, dBm0 (-99 for digital silence). */
float hl_energy_level_dbm0(const hl_energy_state *s);
/* Milliseconds since the last block at or above off_dbm0 (0 while loud). */
uint32_t hl_energy_silence_ms(const hl_energy_state *s);

#ifdef __cplusplus
}
#endif
#endif
