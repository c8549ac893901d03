/* The driver contract: the one interface between the channel engine and what
 * moves frames (the simulated E1 board now; DAHDI and "fed" later). A driver
 * only moves A-law frames and CAS line bits and reports span state; all DSP,
 * switching, playing and recording sit above it (DESIGN.md "One board model").
 *
 * A table of function pointers rather than link-time symbols, because boards
 * of different drivers can live in one process (libuv's backend pattern).
 * Every function returns 0 or a negative hl_err.
 *
 * Threads. The tick runs on one thread at a time: the clock thread (real-time
 * mode) or the JavaScript thread inside board.advance() (stepped mode).
 * read, write, cas_read, cas_write, tick_end, control, set_numbers and
 * get_numbers run on the tick's thread only (control through the board's
 * command queue). status() may also run on the JavaScript thread while the
 * clock thread ticks: a driver keeps what it reports in atomics or asks the
 * kernel (DAHDI_SPANSTAT), never in state the tick writes unguarded.
 * wait_tick runs on the clock thread between ticks. create and destroy run
 * on the JavaScript thread with no tick running. Inside the tick nothing may
 * allocate or take a lock another thread holds for long; a card driver's
 * read/write are the card's own (DAHDI's per-channel buffers, microseconds).
 *
 * Clock. A driver without wait_tick is clocked by the board (CLOCK_MONOTONIC,
 * the sim). A card has its own clock (the span's, or a DAHDI timer) that
 * drifts against the host's: its wait_tick blocks until a tick's worth of
 * audio is there, so the card paces the tick and nothing slips. A tick that
 * starts late loses nothing while the card's buffers (the slack, DAHDI's
 * numbufs x blocksize) hold the audio: the board counts it as a late tick;
 * audio that was not there when the tick wanted it is a lost frame
 * (hl_span_status.lost_frames), counted apart. */
#ifndef HL_BOARD_DRIVER_H
#define HL_BOARD_DRIVER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An E1 frame carries 32 timeslots; 0 is framing, 16 carries CAS (ITU-T G.704). */
#define HL_E1_TIMESLOTS 32
#define HL_E1_CAS_TS 16

enum hl_alarm_bits {
  HL_ALARM_LOS = 1, /* loss of signal (G.775) */
  HL_ALARM_AIS = 2, /* all-ones received: upstream fault */
  HL_ALARM_RAI = 4, /* remote alarm: far end does not see us (yellow) */
  HL_ALARM_LOF = 8  /* loss of frame alignment */
};

typedef struct hl_span_status {
  uint32_t alarms;            /* HL_ALARM_* bits */
  uint64_t crc4_errors;       /* CRC-4 sub-multiframe errors (G.704 §2.3.3) */
  uint64_t bpv;               /* HDB3 bipolar violations */
  uint64_t slips;             /* controlled frame slips */
  uint64_t errored_seconds;   /* seconds with at least one error or defect (G.826) */
  uint64_t driver_errors;     /* filled by the board: errors the driver returned on this span */
  uint64_t lost_frames;       /* channel blocks the card did not have (or take) when the tick came */
} hl_span_status;

typedef struct hl_driver_ops {
  const char *name;
  /* Receive the frames of one tick for a span: rx[ts * samples + i], 32 timeslots
   * of `samples` A-law bytes each. */
  int (*read)(void *drv, int span, uint8_t *rx, int samples);
  /* Transmit one tick of frames for a span (same layout). */
  int (*write)(void *drv, int span, const uint8_t *tx, int samples);
  /* Received CAS ABCD nibble per timeslot (abcd[32]; A = bit 3 ... D = bit 0). */
  int (*cas_read)(void *drv, int span, uint8_t *abcd);
  /* Sets the ABCD nibble we send on a timeslot. */
  int (*cas_write)(void *drv, int span, int ts, uint8_t abcd);
  /* Alarms and counters of a span. */
  int (*status)(void *drv, int span, hl_span_status *st);
  /* Called once at the end of every tick, after every span was written (the sim
   * driver moves frames across its cables here: one tick of latency). */
  void (*tick_end)(void *drv, uint64_t tick);
  void (*destroy)(void *drv);
  /* Optional (NULL when the driver has none). */
  /* Driver-specific controls (sim: impairments, cable, RAI/AIS; see drivers/sim/sim.h). */
  int (*control)(void *drv, int span, int what, double a);
  /* Numbers presented with a seizure on (span, ts), where the line carries them
   * out of band (sim side channel; ISDN later). Empty strings when none. */
  int (*set_numbers)(void *drv, int span, int ts, const char *calling, const char *called);
  int (*get_numbers)(void *drv, int span, int ts, char *calling, char *called, int cap);
  /* Card clock: blocks until the next tick's audio is there or timeout_ms
   * passes. Returns 1 ready, 0 timed out, or a negative hl_err. NULL: the
   * board's own clock (the sim). */
  int (*wait_tick)(void *drv, int timeout_ms);
} hl_driver_ops;

typedef struct hl_driver {
  const hl_driver_ops *ops;
  void *self;
  int spans;
} hl_driver;

#ifdef __cplusplus
}
#endif
#endif
