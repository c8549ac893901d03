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

extern "C" hl_numbers_io hl_dahdi_emu_numbers(const hl_driver *) { return hl_numbers_io{}; }

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
#include "dsp/g711.h"

namespace {

constexpr int kTs = HL_E1_TIMESLOTS;
// Events taken before a transfer gives up for this tick: DAHDI's whole queue
// (DAHDI_MAX_EVENTSIZE 64), so a burst of one kind cannot leave another
// kind's event behind it in the queue (each kind has its own slot).
constexpr int kEventsPerRead = 64;
constexpr int kTries = 8;  // ELAST retries of one block
constexpr int kNumBufs = 8;  // DAHDI buffers per channel and direction (DAHDI_SET_BUFINFO)

// Loop start on the bits, as a channel bank carries it (signalling/line.h):
// idle 1001, seize 0001, seize-ack / clear-back 1101, answer 0101.
constexpr uint8_t kIdle = 0x9, kSeize = 0x1, kAck = 0xd, kAnswer = 0x5, kReject = 0xf;

struct Span {
  int spanno = 0, basechan = 0, kind = HL_DAHDI_E1, law = HL_DAHDI_ALAW;
  int first_pos = 1;  // DAHDI's position of the profile span's first channel (analog: a run of a card's span)
  int fd[kTs];
  int chanpos[kTs];  // DAHDI's position of the channel in this slot (0: none)
  uint8_t rxbits[kTs];
  uint8_t txbits[kTs];
  hl_line line[kTs];           // pending events, one slot per kind (driver.h)
  bool offhook[kTs];           // analog: the far end's hook (our FXS port) / ours (FXO port)
  bool ringing[kTs];           // analog: we ring the phone (FXS) / the exchange rings us (FXO)
  bool called[kTs];            // analog FXS: the phone was rung by us (its on-hook is a clear-back)
  bool dropped[kTs];           // analog FXO: the exchange dropped the battery (kewlstart: the far end cleared)
  uint8_t polarity[kTs];       // FXO: the line's polarity now (toggled by each reversal); FXS: what we feed
  uint8_t seize_polarity[kTs]; // FXO: the polarity when we went off-hook to call (a reversal since = answer)
  uint32_t ring_quiet[kTs];    // FXO: ticks since the last ring burst began (the caller gave up after ~8 s)
  std::atomic<uint64_t> lost{0};       // blocks not there when the tick wanted them (EAGAIN, short)
  std::atomic<uint64_t> overruns{0};   // DAHDI_EVENT_READ_OVERRUN / WRITE_UNDERRUN
  std::atomic<uint64_t> drops[HL_LINE_KINDS] = {};
  Span() {
    for (int &f : fd) f = -1;
    std::memset(chanpos, 0, sizeof chanpos);
    std::memset(rxbits, 0x9, sizeof rxbits);
    std::memset(txbits, 0xff, sizeof txbits);
    std::memset(line, 0, sizeof line);
    std::memset(offhook, 0, sizeof offhook);
    std::memset(ringing, 0, sizeof ringing);
    std::memset(called, 0, sizeof called);
    std::memset(dropped, 0, sizeof dropped);
    std::memset(polarity, 0, sizeof polarity);
    std::memset(seize_polarity, 0, sizeof seize_polarity);
    std::memset(ring_quiet, 0, sizeof ring_quiet);
  }
  bool analog() const { return kind == HL_DAHDI_FXS || kind == HL_DAHDI_FXO; }
};

struct Dahdi {
  int nspans = 0, samples = 0;
  uint32_t ring_ticks = 800;  // FXO: 8 s without a ring burst = the caller hung up (ring cadence 1 s on, 4 s off)
  int ctl = -1;
  int pace_fd = -1;  // the channel whose blocks pace the tick (wait_tick)
  bool primed = false;  // transmit slack written (wait_tick)
  Span *spans = nullptr;
};

// Puts an event into its kind's slot; one of that kind still waiting is
// replaced (the newest wins) and counted as dropped.
void slot(Span &sp, int ts, int kind, uint8_t value) {
  hl_line &l = sp.line[ts];
  if (l.pending & (1u << kind)) sp.drops[kind].fetch_add(1, std::memory_order_relaxed);
  l.pending |= (uint8_t)(1u << kind);
  l.value[kind] = value;
}

// An analog port's hook and ring as the bits a channel bank would send
// (line.h): our FXS port's phone lifted is a seizure, or the answer when we
// ring it; put down, a clear (forward, or back when we had rung it). Our
// FXO port: the exchange ringing is a seizure; its battery dropping (on-hook
// event, kewlstart) a clear-forward.
void analog_bits(Span &sp, int ts) {
  uint8_t bits = sp.rxbits[ts];
  if (sp.kind == HL_DAHDI_FXS) {
    if (sp.offhook[ts]) bits = sp.called[ts] ? kAnswer : kSeize;
    else bits = sp.called[ts] ? kAck : kIdle;
  } else if (sp.kind == HL_DAHDI_FXO) {
    // While we hold the line off-hook the exchange has it (ack; answer on a
    // polarity reversal, where the exchange gives one) until it drops the
    // battery: a clear-back of our call, a clear-forward of its own.
    const bool ours = sp.txbits[ts] == kSeize;
    if (sp.offhook[ts] && sp.dropped[ts]) bits = ours ? kAck : kIdle;
    else if (sp.offhook[ts] && ours) bits = sp.polarity[ts] != sp.seize_polarity[ts] ? kAnswer : kAck;
    else if (sp.offhook[ts]) bits = kSeize;  // an incoming call we answered: the caller still holds
    else bits = sp.ringing[ts] ? kSeize : kIdle;
  }
  if (bits != sp.rxbits[ts]) {
    sp.rxbits[ts] = bits;
    slot(sp, ts, HL_LINE_BITS, bits);
  }
}

// Takes the events a channel has queued into their slots; keeps the
// received bits current.
void take_events(Span &sp, int ts) {
  const int fd = sp.fd[ts];
  for (int i = 0; i < kEventsPerRead; i++) {
    int ev = 0;
    if (ioctl(fd, DAHDI_GETEVENT, &ev) != 0 || ev == DAHDI_EVENT_NONE) return;
    switch (ev) {
      case DAHDI_EVENT_BITSCHANGED: {
        int bits = 0;
        if (ioctl(fd, DAHDI_GETRXBITS, &bits) == 0 && !sp.analog()) {
          sp.rxbits[ts] = (uint8_t)(bits & 0xf);
          slot(sp, ts, HL_LINE_BITS, sp.rxbits[ts]);
        }
        break;
      }
      case DAHDI_EVENT_RINGOFFHOOK:
        if (sp.kind == HL_DAHDI_FXO) {
          // On an FXS-signalled channel (our FXO port) the far end cannot go
          // off-hook: DAHDI reports the exchange's ringing with this event
          // (as chan_dahdi reads it), RINGBEGIN where the card tells the start.
          sp.ringing[ts] = true;
          sp.ring_quiet[ts] = 0;
          slot(sp, ts, HL_LINE_RING, 1);
          break;
        }
        if (sp.kind == HL_DAHDI_FXS) {
          sp.offhook[ts] = true;
          sp.ringing[ts] = false;  // DAHDI stops the ringer when the phone answers
        }
        slot(sp, ts, HL_LINE_HOOK, 1);
        break;
      case DAHDI_EVENT_ONHOOK:
        if (sp.kind == HL_DAHDI_FXS) sp.offhook[ts] = false;
        if (sp.kind == HL_DAHDI_FXO) {  // kewlstart: the exchange dropped the battery
          sp.ringing[ts] = false;
          sp.dropped[ts] = sp.offhook[ts];
        }
        slot(sp, ts, HL_LINE_HOOK, 0);
        break;
      case DAHDI_EVENT_RINGBEGIN:
      case DAHDI_EVENT_RINGERON:
        if (sp.kind == HL_DAHDI_FXO) {
          sp.ringing[ts] = true;
          sp.ring_quiet[ts] = 0;
        }
        slot(sp, ts, HL_LINE_RING, 1);
        break;
      case DAHDI_EVENT_RINGEROFF:
        slot(sp, ts, HL_LINE_RING, 0);
        break;
      case DAHDI_EVENT_POLARITY:
        sp.polarity[ts] ^= 1;
        slot(sp, ts, HL_LINE_POLARITY, sp.polarity[ts]);
        break;
      case DAHDI_EVENT_WINKFLASH:
        slot(sp, ts, sp.kind == HL_DAHDI_FXS ? HL_LINE_FLASH : HL_LINE_WINK, 1);
        break;
      case DAHDI_EVENT_READ_OVERRUN:
      case DAHDI_EVENT_WRITE_UNDERRUN:
        sp.overruns.fetch_add(1, std::memory_order_relaxed);
        break;
      default:
        break;  // ALARM / NOALARM: the span's state is read from DAHDI_SPANSTAT every tick
    }
    if (sp.analog()) analog_bits(sp, ts);
  }
}

// Moves one block of a channel: whole or, when the card had less (EAGAIN, a
// short transfer), the rest counted as a lost frame. A pending event makes
// DAHDI refuse with ELAST: the events are taken and the transfer retried.
int move_block(Span &sp, int ts, uint8_t *buf, int samples, bool out, int &rc) {
  int done = 0;
  for (int tries = 0; done < samples && tries < kTries; tries++) {
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
    if (sp.law == HL_DAHDI_MULAW)
      for (int i = 0; i < got; i++) in[i] = hl_g711_ulaw_to_alaw(in[i]);
    std::memset(in + got, 0xd5, (size_t)(samples - got));  // A-law idle where nothing came
    // An exchange that stopped ringing for good: the caller gave up.
    if (sp.kind == HL_DAHDI_FXO && sp.ringing[ts] && !sp.offhook[ts] && ++sp.ring_quiet[ts] >= d->ring_ticks) {
      sp.ringing[ts] = false;
      analog_bits(sp, ts);
    }
  }
  return rc;
}

int dahdi_write(void *drv, int span, const uint8_t *tx, int samples) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || samples != d->samples) return HL_EINVAL;
  Span &sp = d->spans[span];
  int rc = 0;
  uint8_t mu[1024];
  for (int ts = 1; ts < kTs; ts++) {
    if (sp.fd[ts] < 0) continue;
    uint8_t *out = const_cast<uint8_t *>(tx) + (size_t)ts * samples;
    if (sp.law == HL_DAHDI_MULAW) {
      for (int i = 0; i < samples; i++) mu[i] = hl_g711_alaw_to_ulaw(out[i]);
      out = mu;
    }
    move_block(sp, ts, out, samples, true, rc);
  }
  return rc;
}

int dahdi_line_read(void *drv, int span, hl_line *lines) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans) return HL_EINVAL;
  Span &sp = d->spans[span];
  for (int ts = 0; ts < kTs; ts++) {
    lines[ts] = sp.line[ts];
    lines[ts].abcd = sp.rxbits[ts];
    sp.line[ts].pending = 0;
  }
  return 0;
}

int hook(int fd, int op) { return ioctl(fd, DAHDI_HOOK, &op) == 0 ? 0 : HL_EIO; }

// The bits the line states send, as hook operations on an analog port: our
// FXS port rings the phone for a seizure and drops the loop (kewlstart
// disconnect) for a clear; our FXO port goes off-hook to answer or to call,
// on-hook to clear.
int analog_tx(Span &sp, int ts, uint8_t abcd) {
  const int fd = sp.fd[ts];
  if (sp.kind == HL_DAHDI_FXS) {
    if (abcd == kSeize) {
      sp.called[ts] = true;
      sp.ringing[ts] = true;
      return hook(fd, DAHDI_RING);
    }
    int rc = 0;
    if (abcd == kIdle || abcd == kReject) {
      const bool was_ringing = sp.ringing[ts];
      sp.ringing[ts] = false;
      sp.called[ts] = false;
      rc = was_ringing && !sp.offhook[ts] ? hook(fd, DAHDI_RINGOFF) : sp.offhook[ts] ? hook(fd, DAHDI_ONHOOK) : 0;
      analog_bits(sp, ts);
    }
    // Answer supervision as an exchange gives it: the feed's polarity is
    // reversed while a call the phone made is answered, normal otherwise.
    int pol = abcd == kAnswer && !sp.called[ts];
    if (pol != sp.polarity[ts] && ioctl(fd, DAHDI_SETPOLARITY, &pol) == 0) sp.polarity[ts] = (uint8_t)pol;
    return rc;  // ack: the phone has its battery already
  }
  const bool off = abcd == kSeize || abcd == kAnswer;
  if (off == sp.offhook[ts]) return 0;
  sp.offhook[ts] = off;
  sp.ringing[ts] = false;
  sp.dropped[ts] = false;
  sp.seize_polarity[ts] = sp.polarity[ts];
  return hook(fd, off ? DAHDI_OFFHOOK : DAHDI_ONHOOK);
}

int dahdi_cas_write(void *drv, int span, int ts, uint8_t abcd) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || ts < 0 || ts >= kTs) return HL_EINVAL;
  Span &sp = d->spans[span];
  abcd &= 0xf;
  if (sp.fd[ts] < 0 || sp.txbits[ts] == abcd) return 0;
  const uint8_t was = sp.txbits[ts];
  sp.txbits[ts] = abcd;
  if (sp.analog()) {
    if (was == 0xff) return 0;  // the board's first idle: the port is idle already
    const int rc = analog_tx(sp, ts, abcd);
    if (sp.kind == HL_DAHDI_FXO) analog_bits(sp, ts);
    return rc;
  }
  int bits = abcd;
  if (ioctl(sp.fd[ts], DAHDI_SETTXBITS, &bits) != 0) return HL_EIO;
  return 0;
}

// DAHDI's echo canceller on one channel: DAHDI_ECHOCANCEL_PARAMS takes the
// tail and the named parameters right behind it in one buffer (user.h).
int dahdi_echo(void *drv, int span, int ts, const hl_driver_echo *p) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || ts < 0 || ts >= kTs || !p || p->nparams > HL_EC_PARAMS_MAX) return HL_EINVAL;
  Span &sp = d->spans[span];
  if (sp.fd[ts] < 0) return HL_ENOTSUP;
  struct {
    dahdi_echocanparams ecp;
    dahdi_echocanparam param[HL_EC_PARAMS_MAX];
  } buf;
  std::memset(&buf, 0, sizeof buf);
  buf.ecp.tap_length = p->taps;
  buf.ecp.param_count = p->nparams;
  for (uint32_t i = 0; i < p->nparams; i++) {
    std::snprintf(buf.param[i].name, sizeof buf.param[i].name, "%s", p->param[i].name);
    buf.param[i].value = p->param[i].value;
  }
  if (ioctl(sp.fd[ts], DAHDI_ECHOCANCEL_PARAMS, &buf) == 0) return 0;
  // No canceller configured for the channel (system.conf echocanceller=)
  // or none loaded: the board runs its own.
  return errno == ENODEV || errno == ENOTTY || errno == ENOSYS || errno == EOPNOTSUPP ? HL_ENOTSUP : HL_EIO;
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
  for (int k = 0; k < HL_LINE_KINDS; k++) st->line_drops[k] = sp.drops[k].load(std::memory_order_relaxed);
  return 0;
}

// The card's clock: the first open channel of the first span has a block to
// read (POLLIN) or an event (POLLPRI). Every channel of a card runs on one
// clock, so one file paces them all.
constexpr int kSlackBlocks = 3;
int dahdi_wait_tick(void *drv, int timeout_ms) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (!d->primed) {
    // Transmit slack. A tick starts when a block has come in, and the card
    // has then sent every block written before but the slack: the tick's
    // write must come before the slack runs out, or the card sends idle (an
    // underrun, a gap in a tone: WRITE_UNDERRUN, counted as a slip). The
    // buffers are emptied first so the slack is what is written here, not
    // however long the channels stood open: three blocks of silence leave
    // two in hand when each tick starts, so a tick whose work runs up to a
    // whole period late loses nothing (20 ms of transmit delay). From then
    // on, audio the buffers lose (a transmit underrun: idle went out; a
    // receive overrun: the oldest audio went) comes as WRITE_UNDERRUN /
    // READ_OVERRUN events (DAHDI_BUFFER_EVENTS), counted as the span's
    // slips: the board tells a late tick that lost audio (an overrun) from
    // one the buffers absorbed.
    // Only when the card paces the tick: stepped boards have no deadline.
    d->primed = true;
    uint8_t idle[1024];
    std::memset(idle, 0xd5, sizeof idle);
    int rc = 0;
    for (int s = 0; s < d->nspans; s++)
      for (int ts = 1; ts < kTs; ts++) {
        if (d->spans[s].fd[ts] < 0) continue;
        int what = DAHDI_FLUSH_READ | DAHDI_FLUSH_WRITE;
        (void)ioctl(d->spans[s].fd[ts], DAHDI_FLUSH, &what);
        int on = 1;
        (void)ioctl(d->spans[s].fd[ts], DAHDI_BUFFER_EVENTS, &on);
        for (int k = 0; k < kSlackBlocks; k++) move_block(d->spans[s], ts, idle, d->samples, true, rc);
      }
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

const hl_driver_ops kDahdiOps = {
    "dahdi",       dahdi_read,    dahdi_write, dahdi_line_read, dahdi_cas_write, dahdi_status, dahdi_tick_end,
    dahdi_destroy, dahdi_control, dahdi_echo,  dahdi_wait_tick,
};
int emu_set_numbers(void *drv, int span, int ts, const char *calling, const char *called) {
  Dahdi *d = static_cast<Dahdi *>(drv);
  if (span < 0 || span >= d->nspans || ts < 0 || ts >= kTs) return HL_EINVAL;
  Span &sp = d->spans[span];
  if (sp.fd[ts] < 0) return 0;
  hl_emu_ctl x;
  std::memset(&x, 0, sizeof x);
  x.what = HL_EMU_NUMBERS;
  std::snprintf(x.calling, sizeof x.calling, "%s", calling ? calling : "");
  std::snprintf(x.called, sizeof x.called, "%s", called ? called : "");
  // A real card answers ENOTTY: its line carries no numbers beside the bits
  // (China No.1's MF does, above the driver): nothing to do.
  ioctl(sp.fd[ts], HL_EMU_CONTROL, &x);
  return 0;
}

int emu_get_numbers(void *drv, int span, int ts, char *calling, char *called, int cap) {
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



int refuse(Dahdi *d, int rc, char *err, int cap, const char *fmt, int a, int b = 0, int c = 0, int e = 0) {
  if (err && cap > 0) std::snprintf(err, (size_t)cap, fmt, a, b, c, e);
  dahdi_destroy(d);
  return rc;
}

const char *kind_name(int kind) {
  return kind == HL_DAHDI_T1 ? "T1" : kind == HL_DAHDI_FXS ? "FXS" : kind == HL_DAHDI_FXO ? "FXO" : "E1";
}

// The signalling a channel must have for the port the profile says: CAS bits
// on E1 and T1 (system.conf cas=), loop start facing a phone (our FXS port:
// DAHDI's FXO signalling, fxoks=/fxols=) or facing the exchange (our FXO
// port: fxsks=/fxsls=).
bool sig_fits(int kind, int sig) {
  if (kind == HL_DAHDI_FXS) return (sig & __DAHDI_SIG_FXO) != 0;
  if (kind == HL_DAHDI_FXO) return (sig & __DAHDI_SIG_FXS) != 0;
  return (sig & DAHDI_SIG_CAS) && !(sig & DAHDI_SIG_CLEAR);
}
const char *sig_needs(int kind) {
  return kind == HL_DAHDI_FXS ? "an FXS port needs fxoks= (or fxols=)" : kind == HL_DAHDI_FXO ? "an FXO port needs fxsks= (or fxsls=)" : "system.conf needs cas=";
}

// Opens and checks one channel: it must exist, have the signalling its port
// needs, and sit where the profile says (span, position).
int open_channel(Dahdi *d, Span &sp, int s, int ts, int pos, char *err, int cap) {
  const int channo = sp.basechan + pos - 1;
  int fd = open("/dev/dahdi/channel", O_RDWR | O_CLOEXEC);
  if (fd < 0) return refuse(d, HL_EDAHDI_NODEV, err, cap, "span %d: /dev/dahdi/channel cannot be opened (errno %d)", s, errno);
  sp.fd[ts] = fd;
  sp.chanpos[ts] = pos;
  int ch = channo;
  if (ioctl(fd, DAHDI_SPECIFY, &ch) != 0) {
    const int e = errno;
    if (e == EBUSY) return refuse(d, HL_EDAHDI_BUSY, err, cap, "span %d channel %d: DAHDI channel %d is open in another program", s, pos, channo);
    return refuse(d, HL_EDAHDI_CONFIG, err, cap, "span %d channel %d: DAHDI channel %d is not configured (system.conf, then dahdi_cfg; errno %d)", s, pos, channo, e);
  }
  dahdi_params p;
  std::memset(&p, 0, sizeof p);
  if (ioctl(fd, DAHDI_GET_PARAMS, &p) != 0) return refuse(d, HL_EIO, err, cap, "span %d channel %d: DAHDI_GET_PARAMS failed on channel %d", s, pos, channo);
  // An analog card is one DAHDI span of mixed FXS and FXO modules: a profile
  // span of one role takes a run of its channels (from the position its
  // first port has); E1 and T1 channels sit at their own positions.
  if (pos == 1) sp.first_pos = sp.analog() ? p.chanpos : 1;
  if (p.spanno != sp.spanno || p.chanpos != sp.first_pos + pos - 1)
    return refuse(d, HL_EDAHDI_CONFIG, err, cap, "profile span %d channel %d is DAHDI channel %d, but DAHDI has that channel on span %d (fix basechan in the profile)", s, pos, channo, p.spanno);
  if (!sig_fits(sp.kind, p.sigtype)) {
    if (err && cap > 0)
      std::snprintf(err, (size_t)cap, "span %d channel %d: DAHDI channel %d has signalling 0x%x, not what an %s port needs; %s", s, pos, channo, p.sigtype,
                    kind_name(sp.kind), sig_needs(sp.kind));
    dahdi_destroy(d);
    return HL_EDAHDI_CONFIG;
  }
  int bs = d->samples, law = sp.law == HL_DAHDI_MULAW ? DAHDI_LAW_MULAW : DAHDI_LAW_ALAW, bits = 0x9;
  if (ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs) != 0 || ioctl(fd, DAHDI_SETLAW, &law) != 0)
    return refuse(d, HL_EIO, err, cap, "span %d channel %d: DAHDI channel %d refused block size %d or its law", s, pos, channo, d->samples);
  if (!sp.analog() && ioctl(fd, DAHDI_GETRXBITS, &bits) == 0) sp.rxbits[ts] = (uint8_t)(bits & 0xf);
  // Buffers of one block each, kNumBufs of them each way (DAHDI's default is
  // 2): room for the transmit slack (wait_tick) and a tick up to 70 ms late
  // before received audio is lost. Sent as they fill (immediate policy).
  dahdi_bufferinfo bi;
  std::memset(&bi, 0, sizeof bi);
  bi.txbufpolicy = bi.rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
  bi.numbufs = kNumBufs;
  bi.bufsize = d->samples;
  if (ioctl(fd, DAHDI_SET_BUFINFO, &bi) != 0)
    return refuse(d, HL_EIO, err, cap, "span %d channel %d: DAHDI channel %d refused its buffers (DAHDI_SET_BUFINFO, errno %d)", s, pos, channo, errno);
  if (sp.analog()) {
    sp.rxbits[ts] = kIdle;
    // A phone already off the hook when we open: DAHDI tells it by an event,
    // or not at all; ask (DAHDI_GET_PARAMS rxisoffhook).
    if (sp.kind == HL_DAHDI_FXS && p.rxisoffhook) {
      sp.offhook[ts] = true;
      analog_bits(sp, ts);
    }
  }
  return 0;
}

// The span's first channel on the board's 32-slot frame: E1 timeslot t is
// slot t; channel n of a T1 or analog span is where E1 bearer n is.
int slot_of(int kind, int pos) { return kind == HL_DAHDI_E1 || pos <= 15 ? pos : pos + 1; }

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
    sp.kind = cfg[s].kind;
    sp.law = cfg[s].law == HL_DAHDI_MULAW ? HL_DAHDI_MULAW : HL_DAHDI_ALAW;
    const int kind = sp.kind, chans = cfg[s].channels;
    const int most = kind == HL_DAHDI_E1 ? 31 : kind == HL_DAHDI_T1 ? 24 : HL_E1_BEARERS;
    if (kind < HL_DAHDI_E1 || kind > HL_DAHDI_FXO || chans < 1 || chans > most || (kind == HL_DAHDI_E1 && chans != 31)) {
      if (err && cap > 0) std::snprintf(err, (size_t)cap, "profile span %d: %d channels on an %s span (1 to %d)", s, chans, kind_name(kind), most);
      dahdi_destroy(d);
      return HL_EINVAL;
    }
    dahdi_spaninfo si;
    std::memset(&si, 0, sizeof si);
    si.spanno = sp.spanno;
    if (ioctl(d->ctl, DAHDI_SPANSTAT, &si) != 0)
      return refuse(d, HL_EDAHDI_CONFIG, err, cap, "profile span %d: DAHDI has no span %d (dahdi_scan lists the spans)", s, sp.spanno);
    if (si.totalchans < chans) {
      if (err && cap > 0)
        std::snprintf(err, (size_t)cap, "profile span %d: DAHDI span %d has %d channels, the profile's %s span needs %d (dahdi_scan: totchans)", s, sp.spanno, si.totalchans,
                      kind_name(kind), chans);
      dahdi_destroy(d);
      return HL_EDAHDI_CONFIG;
    }
    for (int pos = 1; pos <= chans; pos++) {
      if (kind == HL_DAHDI_E1 && pos == HL_E1_CAS_TS) continue;
      const int rc = open_channel(d, sp, s, slot_of(kind, pos), pos, err, cap);
      if (rc != 0) return rc;  // open_channel destroyed d
    }
  }
  d->pace_fd = d->spans[0].fd[1];
  out->ops = &kDahdiOps;
  out->self = d;
  out->spans = spans;
  return 0;
}

extern "C" hl_numbers_io hl_dahdi_emu_numbers(const hl_driver *dahdi) {
  hl_numbers_io io{};
  if (!dahdi || dahdi->ops != &kDahdiOps) return io;
  io.put = emu_set_numbers;
  io.get = emu_get_numbers;
  io.self = dahdi->self;
  return io;
}

#endif
