/* The DAHDI driver: E1 spans of a Linux DAHDI card (Digium, Sangoma, OpenVox
 * and Chinese cards with DAHDI drivers) under the board's driver contract.
 *
 * One file per channel, as DAHDI has it: /dev/dahdi/channel + DAHDI_SPECIFY
 * with the channel number system.conf gives it, block size = one tick of
 * samples, A-law, CAS. Each tick reads one block per channel (a pending event
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

#include "board/driver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_dahdi_span {
  int spanno;   /* DAHDI span number (1-based, as dahdi_scan and system.conf's span= lines) */
  int basechan; /* DAHDI channel number of timeslot 1 (system.conf numbering) */
} hl_dahdi_span;

/* Controls (hl_driver_ops.control) beyond the sim's: what = HL_DAHDI_* */
enum hl_dahdi_ctl {
  HL_DAHDI_MAINT = 64,            /* a = DAHDI_MAINT command (0 none, 1 local loop, 2 network line loop) */
  HL_DAHDI_TS_LOOPBACK = 65       /* per timeslot, what |= ts << 8: a = 1 loops what the channel sends back */
};

/* 1 when this build has the DAHDI driver; else 0 and `why` says what is missing. */
int hl_dahdi_available(char *why, int cap);

/* Opens `spans` E1 spans. On failure returns a negative hl_err and writes a
 * sentence naming the span or channel into err (cap bytes). */
int hl_dahdi_create(int spans, const hl_dahdi_span *cfg, int samples, hl_driver *out, char *err, int cap);

#ifdef __cplusplus
}
#endif
#endif
