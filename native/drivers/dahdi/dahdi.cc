// The DAHDI driver (see dahdi.h). Everything is opened and allocated at
// creation; a tick only reads, writes and asks ioctls of files already open.
// Counters the JavaScript thread reads (status) are relaxed atomics.
#include "drivers/dahdi/dahdi.h"

#include <cstdio>
#include <cstring>

#include "hl_errors.h"

#if __has_include(<dahdi/user.h>)
#define HL_HAVE_DAHDI 1
#endif

#ifndef HL_HAVE_DAHDI

extern "C" int hl_dahdi_available(char *why, int cap) {
  if (why && cap > 0)
    std::snprintf(why, (size_t)cap, "this build has no DAHDI driver: DAHDI's user header was absent at build time (apt-get install dahdi-source, then npm run build)");
  return 0;
}

extern "C" int hl_dahdi_create(int, const hl_dahdi_span *, int, hl_driver *, char *err, int cap) {
  hl_dahdi_available(err, cap);
  return HL_EDAHDI_ABSENT;
}

#else

#include <dahdi/user.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <new>

#include "drivers/dahdi/emu_ioctl.h"
#include "drivers/sim/sim.h"

namespace {

constexpr int kTs = HL_E1_TIMESLOTS;
constexpr int kEventsPerRead = 8;  // events taken before a read gives up for this tick (a flood is a fault)

struct Span {
  int spanno = 0, basechan = 0;
  int fd[kTs];
  uint8_t rxbits[kTs];
  uint8_t txbits[kTs];
  std::atomic<uint64_t> lost{0};       // blocks not there when the tick wanted them (EAGAIN, short)
  std::atomic<uint64_t> overruns{0};   // DAHDI_EVENT_READ_OVERRUN / WRITE_UNDERRUN
  Span() {
    for (int &f : fd) f = -1;
    std::memset(rxbits, 0x9, sizeof rxbits);
    std::memset(txbits, 0xff, sizeof txbits);
  }
};

struct Dahdi {
  int nspans = 0, samples = 0;
  int ctl = -1;
  int pace_fd = -1;  // the channel whose blocks pace the tick (wait_tick)
  bool primed = false;  // transmit slack written (wait_tick)
  Span *spans = nullptr;
};

// Takes the events a channel has queued; keeps the received bits current.
void take_events(Span &sp, int ts) {
  const int fd = sp.fd[ts];
  for (int i = 0; i < kEventsPerRead; i++) {
    int ev = 0;
    if (ioctl(fd, DAHDI_GETEVENT, &ev) != 0 || ev == DAHDI_EVENT_NONE) return;
    if (ev == DAHDI_EVENT_BITSCHANGED) {
      int bits = 0;
      if (ioctl(fd, DAHDI_GETRXBITS, &bits) == 0) sp.rxbits[ts] = (uint8_t)(bits & 0xf);
    } else if (ev == DAHDI_EVENT_READ_OVERRUN || ev == DAHDI_EVENT_WRITE_UNDERRUN) {
      sp.overruns.fetch_add(1, std::memory_order_relaxed);
    }
    // ALARM / NOALARM: the span's state is read from DAHDI_SPANSTAT every tick.
  }
}

// Moves one block of a channel: whole or, when the card had less (EAGAIN, a
// short transfer), the rest counted as a lost frame. A pending event makes
// DAHDI refuse with ELAST: the events are taken and the transfer retried.
int move_block(Span &sp, int ts, uint8_t *buf, int samples, bool out, int &rc) {
  int done = 0;
  for (int tries = 0; done < samples && tries < kEventsPerRead; tries++) {
    const ssize_t r = out ? write(sp.fd[ts], buf + done, (size_t)(samples - done)) : read(sp.fd[ts], buf + done, (size_t)(samples - done));
    if (r > 0) done += (int)r;
    else if (r < 0 && errno == ELAST) take_events(sp, ts);
    else if (r < 0 && errno == EINTR) continue;
    else {
      if (r < 0 && errno != EAGAIN) rc = HL_EIO;
      break;
    }
  }
  if (done < samples) sp.lost.fetch_add(1, std::memory_order_relaxed);
  return done;
}

int dahdi_read(void *drv, int span, uint8_t *rx, int samples) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || samples != d->samples) return HL_EINVAL;
  Span &sp = d->spans[span];
  int rc = 0;
  for (int ts = 1; ts < kTs; ts++) {
    uint8_t *in = rx + (size_t)ts * samples;
    const int got = sp.fd[ts] < 0 ? 0 : move_block(sp, ts, in, samples, false, rc);
    std::memset(in + got, 0xd5, (size_t)(samples - got));  // A-law idle where nothing came
  }
  return rc;
}

int dahdi_write(void *drv, int span, const uint8_t *tx, int samples) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || samples != d->samples) return HL_EINVAL;
  Span &sp = d->spans[span];
  int rc = 0;
  for (int ts = 1; ts < kTs; ts++)
    if (sp.fd[ts] >= 0) move_block(sp, ts, const_cast<uint8_t *>(tx) + (size_t)ts * samples, samples, true, rc);
  return rc;
}

int dahdi_cas_read(void *drv, int span, uint8_t *abcd) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans) return HL_EINVAL;
  std::memcpy(abcd, d->spans[span].rxbits, kTs);
  return 0;
}

int dahdi_cas_write(void *drv, int span, int ts, uint8_t abcd) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || ts < 0 || ts >= kTs) return HL_EINVAL;
  Span &sp = d->spans[span];
  abcd &= 0xf;
  if (sp.fd[ts] < 0 || sp.txbits[ts] == abcd) return 0;
  int bits = abcd;
  if (ioctl(sp.fd[ts], DAHDI_SETTXBITS, &bits) != 0) return HL_EIO;
  sp.txbits[ts] = abcd;
  return 0;
}

// DAHDI's alarm bits -> ours. Red is LOS or loss of frame (the LOS/LFA bits say
// which where the card reports them), blue is AIS, yellow is RAI (G.775).
uint32_t map_alarms(int a) {
  uint32_t out = 0;
  if (a & DAHDI_ALARM_LOS) out |= HL_ALARM_LOS;
  if (a & (DAHDI_ALARM_LFA | DAHDI_ALARM_LMFA)) out |= HL_ALARM_LOF;
  if ((a & DAHDI_ALARM_RED) && !(out & (HL_ALARM_LOS | HL_ALARM_LOF))) out |= HL_ALARM_LOF;
  if (a & DAHDI_ALARM_BLUE) out |= HL_ALARM_AIS;
  if (a & DAHDI_ALARM_YELLOW) out |= HL_ALARM_RAI;
  return out;
}

int dahdi_status(void *drv, int span, hl_span_status *st) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || !st) return HL_EINVAL;
  Span &sp = d->spans[span];
  dahdi_spaninfo si;
  std::memset(&si, 0, sizeof si);
  si.spanno = sp.spanno;
  if (ioctl(d->ctl, DAHDI_SPANSTAT, &si) != 0) return HL_EIO;
  st->alarms = map_alarms(si.alarms);
  st->crc4_errors = (uint64_t)(unsigned)si.crc4count;
  st->bpv = (uint64_t)(unsigned)si.bpvcount;
  // DAHDI counts no controlled slips; what the driver sees of them is a block
  // missing or left over at the tick (a lost frame) or a buffer over/underrun.
  st->slips = sp.overruns.load(std::memory_order_relaxed);
  st->errored_seconds = si.errsec;
  st->lost_frames = sp.lost.load(std::memory_order_relaxed);
  return 0;
}

// The card's clock: the first open channel of the first span has a block to
// read (POLLIN) or an event (POLLPRI). Every channel of a card runs on one
// clock, so one file paces them all.
int dahdi_wait_tick(void *drv, int timeout_ms) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (!d->primed) {
    // Transmit slack: the tick writes its block when the card has just sent
    // the previous one, so without a block in hand every late write would
    // leave the card nothing to send (an underrun: a gap of idle in a tone).
    // One block of silence ahead absorbs a tick's lateness (10 ms of delay).
    // Only when the card paces the tick: stepped boards have no deadline.
    d->primed = true;
    uint8_t idle[1024];
    std::memset(idle, 0xd5, sizeof idle);
    int rc = 0;
    for (int s = 0; s < d->nspans; s++)
      for (int ts = 1; ts < kTs; ts++)
        if (d->spans[s].fd[ts] >= 0) move_block(d->spans[s], ts, idle, d->samples, true, rc);
  }
  pollfd p{};
  p.fd = d->pace_fd;
  p.events = POLLIN | POLLPRI;
  for (;;) {
    const int r = poll(&p, 1, timeout_ms);
    if (r > 0) return 1;
    if (r == 0) return 0;
    if (errno != EINTR) return HL_EIO;
  }
}

void dahdi_tick_end(void *, uint64_t) {}

void dahdi_destroy(void *drv) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (!d) return;
  for (int s = 0; d->spans && s < d->nspans; s++)
    for (int ts = 0; ts < kTs; ts++)
      if (d->spans[s].fd[ts] >= 0) close(d->spans[s].fd[ts]);
  if (d->ctl >= 0) close(d->ctl);
  delete[] d->spans;
  delete d;
}

// The fixture's own ioctl (emu_ioctl.h); a real card answers ENOTTY.
int emu_control(Dahdi *d, int fd, int spanno, int what, int value) {
  hl_emu_ctl x;
  std::memset(&x, 0, sizeof x);
  x.span = spanno;
  x.what = what;
  x.value = value;
  if (ioctl(fd, HL_EMU_CONTROL, &x) == 0) return 0;
  return errno == ENOTTY ? HL_ENOTSUP : errno == EINVAL ? HL_EINVAL : HL_EIO;
}

int dahdi_control(void *drv, int span, int what, double a) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans) return HL_EINVAL;
  Span &sp = d->spans[span];
  const int ts = what >> 8;
  if (ts) {
    if (ts < 1 || ts >= kTs || sp.fd[ts] < 0 || (what & 0xff) != HL_DAHDI_TS_LOOPBACK) return ts < kTs ? HL_ENOTSUP : HL_EINVAL;
    int on = a != 0;
    return ioctl(sp.fd[ts], DAHDI_LOOPBACK, &on) == 0 ? 0 : HL_EIO;
  }
  switch (what) {
    case HL_DAHDI_MAINT: {
      dahdi_maintinfo m;
      m.spanno = sp.spanno;
      m.command = (int)a;
      if (ioctl(d->ctl, DAHDI_MAINT, &m) == 0) return 0;
      return errno == ENOSYS || errno == ENOTTY ? HL_ENOTSUP : HL_EIO;
    }
    case HL_SIM_CABLE: return emu_control(d, d->ctl, sp.spanno, HL_EMU_CABLE, a != 0);
    case HL_SIM_SEND_AIS: return emu_control(d, d->ctl, sp.spanno, HL_EMU_SEND_AIS, a != 0);
    case HL_SIM_SEND_RAI: return emu_control(d, d->ctl, sp.spanno, HL_EMU_SEND_RAI, a != 0);
  }
  return HL_ENOTSUP;  // noise, gain, bit errors: a real line brings its own
}

int dahdi_set_numbers(void *drv, int span, int ts, const char *calling, const char *called) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || ts < 0 || ts >= kTs) return HL_EINVAL;
  Span &sp = d->spans[span];
  if (sp.fd[ts] < 0) return 0;
  hl_emu_ctl x;
  std::memset(&x, 0, sizeof x);
  x.what = HL_EMU_NUMBERS;
  std::snprintf(x.calling, sizeof x.calling, "%s", calling ? calling : "");
  std::snprintf(x.called, sizeof x.called, "%s", called ? called : "");
  // A real line carries no numbers beside the bits (MF R2 will): nothing to do.
  ioctl(sp.fd[ts], HL_EMU_CONTROL, &x);
  return 0;
}

int dahdi_get_numbers(void *drv, int span, int ts, char *calling, char *called, int cap) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || ts < 0 || ts >= kTs || cap <= 0) return HL_EINVAL;
  Span &sp = d->spans[span];
  calling[0] = called[0] = 0;
  if (sp.fd[ts] < 0) return 0;
  hl_emu_ctl x;
  std::memset(&x, 0, sizeof x);
  if (ioctl(sp.fd[ts], HL_EMU_GETNUMBERS, &x) != 0) return 0;
  x.calling[HL_EMU_NUMBER_MAX - 1] = x.called[HL_EMU_NUMBER_MAX - 1] = 0;
  std::snprintf(calling, (size_t)cap, "%s", x.calling);
  std::snprintf(called, (size_t)cap, "%s", x.called);
  return 0;
}

const hl_driver_ops kDahdiOps = {
    "dahdi",        dahdi_read,        dahdi_write,       dahdi_cas_read, dahdi_cas_write, dahdi_status, dahdi_tick_end,
    dahdi_destroy,  dahdi_control,     dahdi_set_numbers, dahdi_get_numbers, dahdi_wait_tick,
};

int refuse(Dahdi *d, int rc, char *err, int cap, const char *fmt, int a, int b = 0, int c = 0, int e = 0) {
  if (err && cap > 0) std::snprintf(err, (size_t)cap, fmt, a, b, c, e);
  dahdi_destroy(d);
  return rc;
}

// Opens and checks one channel: it must exist, be CAS, and sit where the profile says.
int open_channel(Dahdi *d, Span &sp, int s, int ts, char *err, int cap) {
  const int channo = sp.basechan + ts - 1;
  int fd = open("/dev/dahdi/channel", O_RDWR | O_CLOEXEC);
  if (fd < 0) return refuse(d, HL_EDAHDI_NODEV, err, cap, "span %d: /dev/dahdi/channel cannot be opened (errno %d)", s, errno);
  sp.fd[ts] = fd;
  int ch = channo;
  if (ioctl(fd, DAHDI_SPECIFY, &ch) != 0) {
    const int e = errno;
    if (e == EBUSY) return refuse(d, HL_EDAHDI_BUSY, err, cap, "span %d timeslot %d: DAHDI channel %d is open in another program", s, ts, channo);
    return refuse(d, HL_EDAHDI_CONFIG, err, cap, "span %d timeslot %d: DAHDI channel %d is not configured (system.conf, then dahdi_cfg; errno %d)", s, ts, channo, e);
  }
  dahdi_params p;
  std::memset(&p, 0, sizeof p);
  if (ioctl(fd, DAHDI_GET_PARAMS, &p) != 0) return refuse(d, HL_EIO, err, cap, "span %d timeslot %d: DAHDI_GET_PARAMS failed on channel %d", s, ts, channo);
  if (p.spanno != sp.spanno || p.chanpos != ts)
    return refuse(d, HL_EDAHDI_CONFIG, err, cap, "profile span %d timeslot %d is DAHDI channel %d, but DAHDI has that channel on span %d (fix basechan in the profile)", s, ts, channo, p.spanno);
  if (!(p.sigtype & DAHDI_SIG_CAS) || (p.sigtype & DAHDI_SIG_CLEAR))
    return refuse(d, HL_EDAHDI_CONFIG, err, cap, "span %d timeslot %d: DAHDI channel %d is not CAS (signalling 0x%x); system.conf needs cas=", s, ts, channo, p.sigtype);
  int bs = d->samples, law = DAHDI_LAW_ALAW, bits = 0x9;
  if (ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs) != 0 || ioctl(fd, DAHDI_SETLAW, &law) != 0)
    return refuse(d, HL_EIO, err, cap, "span %d timeslot %d: DAHDI channel %d refused block size %d or A-law", s, ts, channo, d->samples);
  if (ioctl(fd, DAHDI_GETRXBITS, &bits) == 0) sp.rxbits[ts] = (uint8_t)(bits & 0xf);
  return 0;
}

}  // namespace

extern "C" int hl_dahdi_available(char *why, int cap) {
  if (why && cap > 0) why[0] = 0;
  return 1;
}

extern "C" int hl_dahdi_create(int spans, const hl_dahdi_span *cfg, int samples, hl_driver *out, char *err, int cap) {
  if (err && cap > 0) err[0] = 0;
  if (spans <= 0 || spans > DAHDI_MAX_SPANS || !cfg || !out || samples < 16 || samples > 1024) return HL_EINVAL;
  Dahdi *d = new (std::nothrow) Dahdi();
  if (!d) return HL_ENOMEM;
  d->nspans = spans;
  d->samples = samples;
  d->spans = new (std::nothrow) Span[spans];
  if (!d->spans) { delete d; return HL_ENOMEM; }
  d->ctl = open("/dev/dahdi/ctl", O_RDWR | O_CLOEXEC);
  if (d->ctl < 0) return refuse(d, HL_EDAHDI_NODEV, err, cap, "/dev/dahdi/ctl cannot be opened (errno %d)", errno);
  for (int s = 0; s < spans; s++) {
    Span &sp = d->spans[s];
    sp.spanno = cfg[s].spanno;
    sp.basechan = cfg[s].basechan;
    dahdi_spaninfo si;
    std::memset(&si, 0, sizeof si);
    si.spanno = sp.spanno;
    if (ioctl(d->ctl, DAHDI_SPANSTAT, &si) != 0)
      return refuse(d, HL_EDAHDI_CONFIG, err, cap, "profile span %d: DAHDI has no span %d (dahdi_scan lists the spans)", s, sp.spanno);
    if (si.totalchans < 31)
      return refuse(d, HL_EDAHDI_CONFIG, err, cap, "profile span %d: DAHDI span %d has %d channels, an E1 has 31 (a T1 or analog card is not supported yet)", s, sp.spanno, si.totalchans);
    for (int ts = 1; ts < kTs; ts++) {
      if (ts == HL_E1_CAS_TS) continue;
      const int rc = open_channel(d, sp, s, ts, err, cap);
      if (rc != 0) return rc;  // open_channel destroyed d
    }
  }
  d->pace_fd = d->spans[0].fd[1];
  out->ops = &kDahdiOps;
  out->self = d;
  out->spans = spans;
  return 0;
}

#endif
