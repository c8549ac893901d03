/* The DAHDI driver: E1 and T1 spans and analog FXS/FXO ports (loop start)
 * of a Linux DAHDI card (Digium, Sangoma, OpenVox and Chinese cards with
 * DAHDI drivers) under the board's driver contract.
 *
 * One file per channel, as DAHDI has it: /dev/dahdi/channel + DAHDI_SPECIFY
 * with the channel number system.conf gives it, block size = one tick of
 * samples, A-law (a T1's mu-law converted), CAS bits or analog hook events,
 * eight buffers each way (DAHDI_SET_BUFINFO), buffer events counted as slips
 * once the card paces the tick. Each tick reads one block per channel (a pending event
 * makes read() fail with ELAST: the events are taken with DAHDI_GETEVENT and
 * the read retried), writes one block per channel, and keeps the received
 * ABCD bits from DAHDI_EVENT_BITSCHANGED (DAHDI_GETRXBITS). Span alarms and
 * counters come from DAHDI_SPANSTAT on /dev/dahdi/ctl, loopbacks from
 * DAHDI_MAINT / DAHDI_LOOPBACK.
 *
 * Built where DAHDI's user header is (native/dahdi-header.mjs unpacks it from
 * Debian's dahdi-source); elsewhere hl_dahdi_create fails with
 * HL_EDAHDI_ABSENT and everything else builds. */
#ifndef HL_DRIVERS_DAHDI_H
#define HL_DRIVERS_DAHDI_H

#include "board/board.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a span of the card is. E1: 31 channels, timeslot 16 CAS. T1: 24
 * channels (robbed-bit CAS). FXS/FXO: analog ports 1..channels, loop start
 * (our FXS port faces a telephone: DAHDI signals it FXO, fxoks= in
 * system.conf; our FXO port faces the exchange: fxsks=). On the board's
 * 32-slot frame a T1 or analog span's channel n sits where E1 bearer n does
 * (timeslot n for n <= 15, n + 1 above), as the sim lays out analog ports. */
enum hl_dahdi_kind { HL_DAHDI_E1 = 0, HL_DAHDI_T1 = 1, HL_DAHDI_FXS = 2, HL_DAHDI_FXO = 3 };
/* The law on the channel files: the card's (A-law on E1, mu-law on T1 and
 * most analog cards outside Europe and China). The board's frames are A-law:
 * a mu-law span is transcoded by the G.711 tables (dsp/g711.h). */
enum hl_dahdi_law { HL_DAHDI_ALAW = 0, HL_DAHDI_MULAW = 1 };

typedef struct hl_dahdi_span {
  int spanno;   /* DAHDI span number (1-based, as dahdi_scan and system.conf's span= lines) */
  int basechan; /* DAHDI channel number of the span's first channel (system.conf numbering) */
  int kind;     /* hl_dahdi_kind */
  int channels; /* channels used: E1 31 (30 bearers), T1 up to 24, analog ports 1..30 */
  int law;      /* hl_dahdi_law */
} hl_dahdi_span;

/* Controls (hl_driver_ops.control) beyond the sim's: what = HL_DAHDI_* */
enum hl_dahdi_ctl {
  HL_DAHDI_MAINT = 64,            /* a = DAHDI_MAINT command (0 none, 1 local loop, 2 network line loop) */
  HL_DAHDI_TS_LOOPBACK = 65       /* per timeslot, what |= ts << 8: a = 1 loops what the channel sends back */
};

/* The userspace DAHDI's out-of-band numbers (test/dahdi/emu: the sim's side
 * channel, served by the fixture's own ioctl) for hl_board_set_numbers; on a
 * real card the ioctl answers ENOTTY and no numbers come. Empty io for a
 * driver that is not DAHDI's. */
hl_numbers_io hl_dahdi_emu_numbers(const hl_driver *dahdi);

/* 1 when this build has the DAHDI driver; else 0 and `why` says what is missing. */
int hl_dahdi_available(char *why, int cap);

/* Opens `spans` spans (E1, T1 or analog ports). On failure returns a negative hl_err and writes a
 * sentence naming the span or channel into err (cap bytes). */
int hl_dahdi_create(int spans, const hl_dahdi_span *cfg, int samples, hl_driver *out, char *err, int cap);

#ifdef __cplusplus
}
#endif
#endif
