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
 * read, write, line_read, cas_write, echo, tick_end and control run on the
 * tick's thread only (control and echo through the board's command queue). status() may also run on the JavaScript thread while the
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
 * audio is there, so the card paces the tick and nothing slips. A tick whose
 * work runs late loses nothing while the card's buffers (the slack, DAHDI's
 * numbufs x blocksize) hold the audio: the board counts it as a late tick
 * (hl_board_stats.late_ticks), not an overrun. Audio that was not there when
 * the tick wanted it is a lost frame (hl_span_status.lost_frames), a buffer
 * that ran dry or over is a slip (DAHDI's buffer events); a late tick after
 * which either rose is an overrun (hl_board_stats.overruns). */
#ifndef HL_BOARD_DRIVER_H
#define HL_BOARD_DRIVER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Numbers (calling, called) are not the driver's business: a real line
 * carries them in its signalling (China No.1 MF, ISDN), which runs above the
 * driver. The sim's out-of-band numbers are the sim's own control API
 * (drivers/sim/sim.h), handed to the board as hl_numbers_io (board.h). */

/* An E1 frame carries 32 timeslots; 0 is framing, 16 carries CAS (ITU-T G.704). */
#define HL_E1_TIMESLOTS 32
#define HL_E1_CAS_TS 16

enum hl_alarm_bits {
  HL_ALARM_LOS = 1, /* loss of signal (G.775) */
  HL_ALARM_AIS = 2, /* all-ones received: upstream fault */
  HL_ALARM_RAI = 4, /* remote alarm: far end does not see us (yellow) */
  HL_ALARM_LOF = 8  /* loss of frame alignment */
};

/* Line events, one slot per kind and channel (DAHDI_EVENT_* grouped by what
 * they mean to a line): a burst of one kind (a flapping bit, a ring cadence)
 * can only coalesce into its own slot, never push out another kind's event. */
enum hl_line_kind {
  HL_LINE_BITS = 0,     /* CAS ABCD changed (DAHDI_EVENT_BITSCHANGED); value = the nibble */
  HL_LINE_HOOK = 1,     /* analog hook: value 1 off-hook (RINGOFFHOOK), 0 on-hook (ONHOOK) */
  HL_LINE_RING = 2,     /* ringing: value 1 a ring burst began (RINGBEGIN, RINGERON), 0 it ended (RINGEROFF) */
  HL_LINE_POLARITY = 3, /* battery polarity reversed (POLARITY); value = the new polarity, 0 or 1 */
  HL_LINE_WINK = 4,     /* a wink (WINKFLASH on E&M / seize-ack of a trunk); value 1 */
  HL_LINE_FLASH = 5,    /* a hook flash from the far end (WINKFLASH on a loop-start station); value 1 */
  HL_LINE_KINDS = 6
};

typedef struct hl_span_status {
  uint32_t alarms;            /* HL_ALARM_* bits */
  uint64_t crc4_errors;       /* CRC-4 sub-multiframe errors (G.704 §2.3.3) */
  uint64_t bpv;               /* HDB3 bipolar violations */
  uint64_t slips;             /* controlled frame slips */
  uint64_t errored_seconds;   /* seconds with at least one error or defect (G.826) */
  uint64_t driver_errors;     /* filled by the board: errors the driver returned on this span */
  uint64_t lost_frames;       /* channel blocks the card did not have (or take) when the tick came */
  /* Line events of a kind that arrived while that kind's slot still held one
   * the tick had not taken (hl_line): coalesced into the slot, the newest
   * kept, counted here per kind (HL_LINE_*). Other kinds are never touched. */
  uint64_t line_drops[HL_LINE_KINDS];
} hl_span_status;

/* What one channel received since the last line_read. abcd is the state (the
 * ABCD nibble now; A = bit 3 ... D = bit 0), pending has bit (1 << kind) for
 * every kind with news, value[kind] that kind's newest value. For a loop-start
 * port the driver also writes its hook and ring into abcd as a channel bank
 * carries them on the bits (signalling/line.h), so the line states above work
 * on every port; the kinds still come in their own slots. */
typedef struct hl_line {
  uint8_t abcd;
  uint8_t pending;
  uint8_t value[HL_LINE_KINDS];
} hl_line;

/* A channel's echo canceller in the driver (DAHDI's, in the kernel or on the
 * card): taps = tail in samples at 8 kHz (128 = 16 ms, 1024 = 128 ms), 0 off
 * (fax, data: a canceller would distort modem tones); up to 4 named
 * parameters as DAHDI_ECHOCANCEL_PARAMS passes them to the canceller
 * (names as the canceller module knows them, e.g. "nlp_type"). */
#define HL_EC_PARAMS_MAX 4
typedef struct hl_driver_echo {
  uint32_t taps;
  uint32_t nparams;
  struct {
    char name[16];
    int32_t value;
  } param[HL_EC_PARAMS_MAX];
} hl_driver_echo;

typedef struct hl_driver_ops {
  const char *name;
  /* Receive the frames of one tick for a span: rx[ts * samples + i], 32 timeslots
   * of `samples` A-law bytes each. */
  int (*read)(void *drv, int span, uint8_t *rx, int samples);
  /* Transmit one tick of frames for a span (same layout). */
  int (*write)(void *drv, int span, const uint8_t *tx, int samples);
  /* The line events of one span's channels since the last call: lines[32],
   * one per timeslot (hl_line); the driver clears its pending slots. */
  int (*line_read)(void *drv, int span, hl_line *lines);
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
  /* The echo canceller of one channel (hl_driver_echo; taps 0 = off).
   * HL_ENOTSUP when the driver has none there: the board then runs its own
   * (dsp/echo.h). NULL: never. */
  int (*echo)(void *drv, int span, int ts, const hl_driver_echo *p);
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
