/* The simulated E1 driver: spans in memory, joined in pairs by simulated
 * cables. What one span transmits in a tick, its peer receives at the start of
 * the next tick (one tick of latency), A-law coded, after the impairments set
 * on the receiving end: white noise, gain, bit errors, frame slips; and line
 * states: a pulled cable (LOS both ends), AIS or RAI sent by one end.
 *
 * Until China No.1 signalling lands, a call is a CAS line state change on the
 * ABCD bits; the sim also carries the calling and called numbers with a
 * seizure as a side channel (like an ISDN SETUP) so tests can present them. */
#ifndef HL_DRIVERS_SIM_H
#define HL_DRIVERS_SIM_H

#include "board/board.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Control operations of the sim driver (hl_sim_control). */
enum hl_sim_ctl {
  HL_SIM_NOISE_DBM0 = 1, /* a = white-noise level in dBm0 on what the span receives; a >= 0 turns it off */
  HL_SIM_GAIN_DB,        /* a = gain in dB on what the span receives */
  HL_SIM_BER,            /* a = bit error rate on what the span receives */
  HL_SIM_SLIPS,          /* a = frame slips per minute on what the span receives */
  HL_SIM_CABLE,          /* a = 1 plugged, 0 pulled (acts on both ends) */
  HL_SIM_SEND_RAI,       /* a = 1: this span sends RAI to its peer */
  HL_SIM_SEND_AIS,       /* a = 1: this span sends all ones (AIS) to its peer */
  /* Per timeslot: what = HL_SIM_TS_* | (timeslot << 8). */
  HL_SIM_TS_NOISE_DBM0 = 16, /* noise added to one timeslot (on top of the span's) */
  HL_SIM_TS_GAIN_DB = 17,    /* gain of one timeslot (times the span's) */
  /* Echo: what the span SENDS on the timeslot comes back in what it
   * receives, a tick later plus a delay, attenuated (a hybrid far away, or
   * an analog line). */
  HL_SIM_TS_ECHO_DB = 18, /* a = echo return loss in dB (0..60); a > 60 turns it off */
  HL_SIM_TS_ECHO_MS = 19, /* a = extra delay of the echo, 0..32 ms */
  /* A line event on what the timeslot receives, as an analog line or a card
   * reports it (driver.h hl_line): a = kind * 256 + value, kind HL_LINE_HOOK..
   * HL_LINE_FLASH (polarity reversal, ring, wink, flash). */
  HL_SIM_TS_LINE = 20
};

/* Creates a sim driver of `spans` spans with up to `samples` samples per tick
 * and `tick_ms` per tick. `peer[s]` is the span joined to s by a cable, or -1
 * (no cable: LOS). Fills *out. */
int hl_sim_create(int spans, const int *peer, int samples, int tick_ms, hl_driver *out);

/* Runs one control operation (see hl_sim_ctl). Call from the tick thread only
 * (the board applies it from its command queue). */
int hl_sim_control(void *drv, int span, int what, double a);

/* Sim side channel: numbers presented with a seizure on (span, ts). Not part
 * of the driver contract (a real line carries numbers in its signalling):
 * hl_sim_numbers gives them to the board (hl_board_set_numbers), for a
 * driver made by hl_sim_create (an empty io otherwise). */
int hl_sim_set_numbers(void *drv, int span, int ts, const char *calling, const char *called);
int hl_sim_get_numbers(void *drv, int span, int ts, char *calling, char *called, int cap);
hl_numbers_io hl_sim_numbers(const hl_driver *sim);

#ifdef __cplusplus
}
#endif
#endif
