/* Maintenance ioctls of the userspace DAHDI (test/dahdi/emu/dahdi_emu.c,
 * its ioctls served in emu_ioctl.c), the test fixture that serves the
 * /dev/dahdi files from an LD_PRELOAD library. They act
 * on the emulated cable and the far end, which a real card cannot be asked
 * to do: on a real card they fail with ENOTTY, and the driver then reports
 * HL_ENOTSUP. Alarms a real card can simulate itself go through DAHDI_MAINT.
 * Issued on /dev/dahdi/ctl (span) or on a channel file (numbers). */
#ifndef HL_DRIVERS_DAHDI_EMU_IOCTL_H
#define HL_DRIVERS_DAHDI_EMU_IOCTL_H

#include <sys/ioctl.h>

#define HL_EMU_NUMBER_MAX 24

struct hl_emu_ctl {
  int span;  /* DAHDI span number (1-based) */
  int what;  /* HL_EMU_* below */
  int value;
  char calling[HL_EMU_NUMBER_MAX];
  char called[HL_EMU_NUMBER_MAX];
  int chanpos; /* HL_EMU_EVENT: the channel's position in the span */
  int count;   /* HL_EMU_EVENT: how many times */
};

/* What the emulation knows of a channel's echo canceller (HL_EMU_GETECHO on
 * /dev/dahdi/ctl): what DAHDI_ECHOCANCEL_PARAMS last set on it. */
struct hl_emu_echo {
  int span, chanpos; /* in: DAHDI span number, position */
  unsigned taps, nparams;
  char name[4][16];
  int value[4];
};

enum hl_emu_what {
  HL_EMU_CABLE = 1,    /* value 1 plugged, 0 pulled: LOS (red) at both ends */
  HL_EMU_SEND_AIS = 2, /* value 1: this span sends all ones; the far end sees AIS (blue) */
  HL_EMU_SEND_RAI = 3, /* value 1: this span sends RAI; the far end sees yellow */
  HL_EMU_SLIP = 4,     /* value n: n controlled slips (a frame lost) on what this span receives */
  HL_EMU_BPV = 5,      /* value n: n bipolar violations, each erring a CRC-4 sub-multiframe */
  HL_EMU_NUMBERS = 6,  /* channel file: numbers the far end's channel reads with the next
                          seizure (out of band, as the sim does; MF R2 carries them for real) */
  HL_EMU_EVENT = 7     /* queue `count` DAHDI events `value` (DAHDI_EVENT_*) on channel chanpos of
                          the span, as a burst a card would report (a flapping line) */
};

/* 'H' is not DAHDI's code (0xDA): a real card answers ENOTTY. */
#define HL_EMU_CONTROL _IOW('H', 1, struct hl_emu_ctl)
#define HL_EMU_GETNUMBERS _IOR('H', 2, struct hl_emu_ctl)
#define HL_EMU_GETECHO _IOWR('H', 3, struct hl_emu_echo)

#endif
