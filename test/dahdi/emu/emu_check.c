/* What a DAHDI program relies on, checked against the userspace DAHDI
 * (run under LD_PRELOAD by test/dahdi/emu.test.ts with HL_DAHDI_EMU="spans=2
 * cable=1-2"): channel files and DAHDI_SPECIFY, ELAST for a pending event,
 * DAHDI_EVENT_BITSCHANGED and GETRXBITS, mu-law and linear reads of an A-law
 * line, DAHDI_SPANSTAT alarms on a pulled cable (RED/LOS) and far-end AIS
 * (BLUE) and RAI (YELLOW), BPV/CRC-4 counters, slips (a frame lost), the
 * timer (TIMERCONFIG, poll POLLPRI, TIMERACK), DAHDI_IOMUX, buffers
 * (numbufs, room to write, WRITE_UNDERRUN) and the pseudo channel.
 * Prints one line per failed check and exits 1, or "emu_check: ok". */
#define _GNU_SOURCE
#include <dahdi/user.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "drivers/dahdi/emu_ioctl.h"

static int failures;
#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) {                                        \
      failures++;                                         \
      printf("emu_check FAIL line %d: ", __LINE__);       \
      printf(__VA_ARGS__);                                \
      printf("\n");                                       \
    }                                                     \
  } while (0)

static int chan(int channo, int blocksize) {
  int fd = open("/dev/dahdi/channel", O_RDWR);
  if (fd < 0) return -1;
  if (ioctl(fd, DAHDI_SPECIFY, &channo) != 0) {
    close(fd);
    return -1;
  }
  ioctl(fd, DAHDI_SET_BLOCKSIZE, &blocksize);
  return fd;
}

/* One step of the virtual clock: an empty receive buffer makes read() step it. */
static int step_via(int fd, unsigned char *buf) {
  int what = DAHDI_FLUSH_READ;
  ioctl(fd, DAHDI_FLUSH, &what);
  return (int)read(fd, buf, 80);
}

static void drain_events(int fd) {
  int ev = 0;
  while (ioctl(fd, DAHDI_GETEVENT, &ev) == 0 && ev) {}
}

static int alarms(int ctl, int span) {
  struct dahdi_spaninfo si;
  memset(&si, 0, sizeof si);
  si.spanno = span;
  return ioctl(ctl, DAHDI_SPANSTAT, &si) == 0 ? si.alarms : -1;
}

static void emu(int fd, int span, int what, int value) {
  struct hl_emu_ctl x;
  memset(&x, 0, sizeof x);
  x.span = span;
  x.what = what;
  x.value = value;
  CHECK(ioctl(fd, HL_EMU_CONTROL, &x) == 0, "HL_EMU_CONTROL %d failed: %s", what, strerror(errno));
}

int main(void) {
  unsigned char buf[160];
  int ctl = open("/dev/dahdi/ctl", O_RDWR);
  CHECK(ctl >= 0, "open /dev/dahdi/ctl: %s", strerror(errno));
  int a = chan(1, 80), b = chan(32, 80); /* span 1 ts 1 and span 2 ts 1: the two ends of a timeslot */
  CHECK(a >= 0 && b >= 0, "open channels 1 and 32");
  int x = 16;
  int c16 = open("/dev/dahdi/channel", O_RDWR);
  CHECK(ioctl(c16, DAHDI_SPECIFY, &x) != 0 && errno == ENXIO, "timeslot 16 of a CAS span is no channel (ENXIO)");
  /* On a channel's own file GET_PARAMS answers for that channel whatever
   * channo holds (libopenr2 leaves it uninitialised), as DAHDI does. */
  struct dahdi_params prm;
  memset(&prm, 0x5a, sizeof prm);
  CHECK(ioctl(b, DAHDI_GET_PARAMS, &prm) == 0 && prm.channo == 32 && prm.sigtype == DAHDI_SIG_CAS,
        "GET_PARAMS on channel 32's file with a garbage channo answers for channel 32 (got %d)", prm.channo);
  prm.channo = 2;
  CHECK(ioctl(ctl, DAHDI_GET_PARAMS, &prm) == 0 && prm.channo == 2, "GET_PARAMS on ctl answers for the channo asked (got %d)", prm.channo);
  x = 1;
  int again = open("/dev/dahdi/channel", O_RDWR);
  CHECK(ioctl(again, DAHDI_SPECIFY, &x) != 0 && errno == EBUSY, "a channel opened twice is EBUSY");

  /* Audio and bits cross the cable in one step; the bits change raises an event. */
  memset(buf, 0x2a, 80);
  CHECK(write(a, buf, 80) == 80, "write a block");
  buf[0] = 0;
  CHECK(read(b, buf, 80) == 80 && buf[0] == 0x2a, "the far end reads what was written (got 0x%02x)", buf[0]);
  int bits = 0x5; /* answer 0101 */
  CHECK(ioctl(a, DAHDI_SETTXBITS, &bits) == 0, "SETTXBITS");
  write(a, buf, 80);
  CHECK(read(b, buf, 80) < 0 && errno == ELAST, "a pending event makes read fail with ELAST");
  int ev = 0;
  CHECK(ioctl(b, DAHDI_GETEVENT, &ev) == 0 && ev == DAHDI_EVENT_BITSCHANGED, "GETEVENT gives BITSCHANGED (got %d)", ev);
  CHECK(ioctl(b, DAHDI_GETRXBITS, &bits) == 0 && bits == 0x5, "GETRXBITS gives the far end's 0101 (got %x)", bits);
  CHECK(read(b, buf, 80) == 80, "read goes on after the event is taken");

  /* mu-law and linear reads of the A-law line. */
  int law = DAHDI_LAW_MULAW;
  CHECK(ioctl(b, DAHDI_SETLAW, &law) == 0, "SETLAW mu-law");
  memset(buf, 0xd5, 80); /* A-law +8: near silence */
  write(a, buf, 80);
  CHECK(step_via(b, buf) == 80 && (buf[0] == 0xff || buf[0] == 0xfe), "A-law idle reads as mu-law idle (got 0x%02x)", buf[0]);
  int lin = 1;
  CHECK(ioctl(b, DAHDI_SETLINEAR, &lin) == 0, "SETLINEAR");
  unsigned char big[160];
  memset(buf, 0xd5, 80); /* A-law 0xD5: the smallest positive step, +8 */
  write(a, buf, 80);
  short s16[80];
  ioctl(b, DAHDI_FLUSH, &(int){DAHDI_FLUSH_READ});
  CHECK(read(b, big, 160) == 160, "linear read gives 2 bytes a sample");
  memcpy(s16, big, sizeof s16);
  CHECK(s16[0] == 8, "A-law 0xD5 reads as +8 (got %d)", s16[0]);
  lin = 0;
  ioctl(b, DAHDI_SETLINEAR, &lin);
  law = DAHDI_LAW_ALAW;
  ioctl(b, DAHDI_SETLAW, &law);

  /* Alarms: pulled cable = RED|LOS at both ends; AIS = BLUE far; RAI = YELLOW far. */
  CHECK(alarms(ctl, 1) == 0, "span 1 clear at first (alarms %x)", alarms(ctl, 1));
  drain_events(a);
  drain_events(b);
  emu(ctl, 1, HL_EMU_CABLE, 0);
  CHECK(step_via(a, buf) < 0 && errno == ELAST, "the alarm is an event on the span's channels");
  CHECK((alarms(ctl, 1) & DAHDI_ALARM_RED) && (alarms(ctl, 2) & DAHDI_ALARM_LOS), "a pulled cable is red (LOS) at both ends (%x %x)", alarms(ctl, 1), alarms(ctl, 2));
  CHECK(ioctl(a, DAHDI_GETEVENT, &ev) == 0 && ev == DAHDI_EVENT_ALARM, "DAHDI_EVENT_ALARM (got %d)", ev);
  emu(ctl, 1, HL_EMU_CABLE, 1);
  emu(ctl, 1, HL_EMU_SEND_AIS, 1);
  drain_events(b);
  step_via(b, buf);
  CHECK(alarms(ctl, 2) & DAHDI_ALARM_BLUE, "AIS sent by span 1 is blue at span 2 (%x)", alarms(ctl, 2));
  drain_events(b);
  step_via(b, buf);
  CHECK(alarms(ctl, 1) & DAHDI_ALARM_YELLOW, "and span 2, in alarm, sends RAI: yellow at span 1 a step later (%x)", alarms(ctl, 1));
  emu(ctl, 1, HL_EMU_SEND_AIS, 0);
  for (int i = 0; i < 3; i++) {
    drain_events(a);
    drain_events(b);
    step_via(b, buf);
  }
  CHECK(alarms(ctl, 1) == 0 && alarms(ctl, 2) == 0, "clear again (%x %x)", alarms(ctl, 1), alarms(ctl, 2));
  drain_events(a);
  drain_events(b);

  /* Counters and slips. */
  emu(ctl, 2, HL_EMU_BPV, 3);
  struct dahdi_maintinfo m = {2, DAHDI_MAINT_CRC_DEFECT};
  CHECK(ioctl(ctl, DAHDI_MAINT, &m) == 0, "DAHDI_MAINT CRC defect");
  struct dahdi_spaninfo si;
  memset(&si, 0, sizeof si);
  si.spanno = 2;
  ioctl(ctl, DAHDI_SPANSTAT, &si);
  CHECK(si.bpvcount == 3 && si.crc4count == 4, "BPV 3, CRC-4 4 (got %d, %d)", si.bpvcount, si.crc4count);
  CHECK(si.totalchans == 31 && si.numchans == 30 && !strcmp(si.spantype, "E1"), "an E1 span of 31 channels, 30 bearers");
  /* A controlled slip loses one 125 us frame: block 1's last sample. */
  drain_events(b);
  ioctl(a, DAHDI_FLUSH, &(int){DAHDI_FLUSH_WRITE});
  ioctl(b, DAHDI_FLUSH, &(int){DAHDI_FLUSH_READ});
  for (int i = 0; i < 160; i++) big[i] = (unsigned char)i;
  write(a, big, 80);
  write(a, big + 80, 80);
  emu(ctl, 2, HL_EMU_SLIP, 1);
  CHECK(read(b, buf, 80) == 80 && buf[78] == 78 && buf[79] == 80, "after a slip sample 79 is gone (got %d, %d)", buf[78], buf[79]);

  /* The timer: every 80 samples, POLLPRI until acknowledged. */
  int t = open("/dev/dahdi/timer", O_RDWR);
  int period = 80;
  CHECK(t >= 0 && ioctl(t, DAHDI_TIMERCONFIG, &period) == 0, "timer configured");
  struct pollfd p = {t, POLLPRI, 0};
  CHECK(poll(&p, 1, 0) == 0, "not expired before the clock moved");
  read(a, buf, 80); /* the virtual clock moves one block */
  read(b, buf, 80);
  CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLPRI), "expired after 80 samples");
  CHECK(ioctl(t, DAHDI_GETEVENT, &ev) == 0 && ev == DAHDI_EVENT_TIMER_EXPIRED, "GETEVENT on the timer: expired");
  int one = 1;
  ioctl(t, DAHDI_TIMERACK, &one);
  p.revents = 0;
  CHECK(poll(&p, 1, 0) == 0, "acknowledged");

  /* DAHDI_IOMUX (libopenr2 waits with it): an event is reported; NOWAIT never blocks. */
  drain_events(a);
  bits = 0xd; /* the far end changes its bits (seize-ack 1101) */
  ioctl(b, DAHDI_SETTXBITS, &bits);
  int mux = DAHDI_IOMUX_SIGEVENT;
  CHECK(ioctl(a, DAHDI_IOMUX, &mux) == 0 && (mux & DAHDI_IOMUX_SIGEVENT), "IOMUX waits for the bits-changed event (got %x)", mux);
  drain_events(a);
  ioctl(a, DAHDI_FLUSH, &(int){DAHDI_FLUSH_READ});
  mux = DAHDI_IOMUX_READ | DAHDI_IOMUX_NOWAIT;
  CHECK(ioctl(a, DAHDI_IOMUX, &mux) == 0 && mux == 0, "IOMUX NOWAIT with nothing to read is 0 (got %x)", mux);
  int taps = 128;
  CHECK(ioctl(a, DAHDI_ECHOCANCEL, &taps) == 0, "DAHDI_ECHOCANCEL accepted");

  /* Buffers as DAHDI has them (libopenr2 sets 4 of 160): DAHDI_DEFAULT_NUM_BUFS
   * at first; IOMUX WRITE while a buffer is free; a write that finds none is
   * refused (the virtual clock does not wait); with DAHDI_BUFFER_EVENTS a
   * transmit side that runs dry after a write is one WRITE_UNDERRUN. */
  struct dahdi_bufferinfo bi;
  memset(&bi, 0, sizeof bi);
  CHECK(ioctl(a, DAHDI_GET_BUFINFO, &bi) == 0 && bi.numbufs == DAHDI_DEFAULT_NUM_BUFS && bi.bufsize == 80, "default buffers: %d of %d", bi.numbufs, bi.bufsize);
  bi.numbufs = 4;
  bi.bufsize = 160;
  bi.txbufpolicy = bi.rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
  CHECK(ioctl(a, DAHDI_SET_BUFINFO, &bi) == 0, "DAHDI_SET_BUFINFO 4 x 160");
  int bs = 0;
  CHECK(ioctl(a, DAHDI_GET_BLOCKSIZE, &bs) == 0 && bs == 160, "the buffer size is the block size (got %d)", bs);
  ioctl(a, DAHDI_FLUSH, &(int){DAHDI_FLUSH_WRITE});
  drain_events(a);
  int on = 1;
  ioctl(a, DAHDI_BUFFER_EVENTS, &on);
  int wrote = 0;
  for (int i = 0; i < 4; i++) wrote += (int)write(a, big, 160);
  mux = DAHDI_IOMUX_WRITE | DAHDI_IOMUX_NOWAIT;
  CHECK(wrote == 640 && ioctl(a, DAHDI_IOMUX, &mux) == 0 && mux == 0, "4 buffers written: no room (wrote %d, mux %x)", wrote, mux);
  CHECK(write(a, big, 160) < 0 && errno == EAGAIN, "a fifth write finds no free buffer");
  drain_events(b);
  ioctl(b, DAHDI_FLUSH, &(int){DAHDI_FLUSH_READ});
  ioctl(a, DAHDI_FLUSH, &(int){DAHDI_FLUSH_READ});
  for (int i = 0; i < 10; i++) read(b, buf, 80); /* the far end's reads move the clock 800 samples: 160 past what a wrote */
  mux = DAHDI_IOMUX_WRITE | DAHDI_IOMUX_NOWAIT;
  CHECK(ioctl(a, DAHDI_IOMUX, &mux) == 0 && mux == DAHDI_IOMUX_WRITE, "room again once sent (mux %x)", mux);
  int underruns = 0, overruns = 0;
  while (ioctl(a, DAHDI_GETEVENT, &ev) == 0 && ev) {
    if (ev == DAHDI_EVENT_WRITE_UNDERRUN) underruns++;
    if (ev == DAHDI_EVENT_READ_OVERRUN) overruns++;
  }
  CHECK(underruns == 1, "one WRITE_UNDERRUN when the written audio ran out (got %d)", underruns);
  CHECK(overruns == 1, "one READ_OVERRUN when 800 samples came to 640 of unread buffers (got %d)", overruns);

  int pseudo = open("/dev/dahdi/pseudo", O_RDWR);
  CHECK(pseudo >= 0 && read(pseudo, buf, 160) == 160, "the pseudo channel reads a block of silence");
  struct dahdi_versioninfo v;
  CHECK(ioctl(ctl, DAHDI_GETVERSION, &v) == 0 && strstr(v.version, "2.11"), "GETVERSION");
  CHECK(ioctl(a, 0xdeadbeef, &x) != 0 && errno == ENOTTY, "an unknown ioctl is ENOTTY");
  if (failures) return 1;
  printf("emu_check: ok\n");
  return 0;
}
