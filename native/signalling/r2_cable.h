/* Two China No.1 ends cabled back to back: `n` circuits, end A's channel i
 * joined to end B's channel i, for the C tests and the r2 benchmark (both
 * ends ours; libopenr2's interop run, test/interop/r2_openr2.c, cables its
 * far end through the userspace DAHDI instead).
 *
 * What one end sends in a tick reaches the other end at the next tick, as an
 * E1 would carry it: audio A-law coded and decoded once, after the line
 * impairments of the receiving direction (a tilt filter for twist, gain,
 * white noise), and the ABCD nibble with random bit errors lasting one tick.
 * A pulled cable raises the span alarm at both ends (hl_r2_fault), as the
 * engine does on LOS, and carries nothing until it is plugged back. */
#ifndef HL_SIGNALLING_R2_CABLE_H
#define HL_SIGNALLING_R2_CABLE_H

#include "signalling/r2.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_r2_impair {
  double gain_db;    /* level change of the received audio */
  double noise_dbm0; /* white noise added (total power); <= -100 none */
  double tilt;       /* y[n] = x[n] - tilt * x[n-1]: 0 none, 0.7 about 4.6 dB twist across 540-1140 Hz */
  double cas_flip;   /* probability per tick and circuit that one received ABCD bit is flipped */
} hl_r2_impair;

typedef struct hl_r2_cable hl_r2_cable;

/* samples per tick: 80 (10 ms). cfg_a / cfg_b: config of every channel of
 * each end (NULL: defaults). cb gets (user, end 0/1 << 16 | circuit, event).
 * Returns NULL on bad arguments or no memory. */
typedef void (*hl_r2_cable_cb)(void *user, int who, const hl_r2_event *ev);
hl_r2_cable *hl_r2_cable_create(int circuits, int samples, const hl_r2_config *cfg_a, const hl_r2_config *cfg_b,
                                hl_r2_cable_cb cb, void *user, uint32_t seed);
void hl_r2_cable_destroy(hl_r2_cable *k);
hl_r2_chan *hl_r2_cable_chan(hl_r2_cable *k, int end, int circuit);
/* Impairments of what `end` receives. */
void hl_r2_cable_impair(hl_r2_cable *k, int end, const hl_r2_impair *imp);
/* 0 pulls the cable (both ends see the span fault), 1 plugs it back. */
void hl_r2_cable_plug(hl_r2_cable *k, int plugged);
/* One tick for every circuit, both ends. */
void hl_r2_cable_tick(hl_r2_cable *k);
uint64_t hl_r2_cable_ms(const hl_r2_cable *k);

/* Steps of channels in register signalling: how many, and their wall time
 * (CLOCK_MONOTONIC, ns) when measuring is on (hl_r2_cable_measure). */
void hl_r2_cable_measure(hl_r2_cable *k, int on);
void hl_r2_cable_register_steps(const hl_r2_cable *k, uint64_t *steps, uint64_t *ns);

/* Calls back to back on every circuit: even circuits call from end A, odd
 * ones from end B; the called end answers as soon as it is offered; the
 * caller clears forward hold_ms after the answer, and calls again gap_ms
 * after both ends are idle. Runs until per_way calls were placed from each
 * end and every circuit is idle again, or max_ms of line time. */
#define HL_R2_SETUP_BUCKETS 2000 /* 10 ms each: setups up to 20 s */
typedef struct hl_r2_traffic {
  int per_way, hold_ms, gap_ms;
  uint64_t max_ms;
  /* results */
  int calls[2], ok[2], failed[2];
  int causes[HL_R2_C_COUNT];
  uint32_t setup_hist[HL_R2_SETUP_BUCKETS]; /* caller's seize -> KB free, 10 ms buckets */
  uint64_t setup_max_ms;
  uint64_t line_ms;   /* line time run */
  int stuck;          /* channels not idle 1 s after the last call ended (or at max_ms) */
} hl_r2_traffic;
/* Returns 0, or HL_ENOMEM. */
int hl_r2_cable_traffic(hl_r2_cable *k, hl_r2_traffic *t);
/* Setup time (ms) at a percentile 0..100 of t's histogram. */
double hl_r2_traffic_setup_pct(const hl_r2_traffic *t, double pct);

#ifdef __cplusplus
}
#endif
#endif
