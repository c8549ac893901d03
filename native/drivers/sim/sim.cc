// Simulated E1 spans and cables (see sim.h). Everything is preallocated at
// creation; the per-tick path (read/write/cas/tick_end) neither allocates nor
// locks. Status counters are relaxed atomics so the JavaScript thread can read
// them while the real-time clock thread ticks.
#include "drivers/sim/sim.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "board/board.h"
#include "board/codec.h"
#include "hl_errors.h"

namespace {

constexpr int kTs = HL_E1_TIMESLOTS;
constexpr int kNumLen = HL_NUMBER_MAX + 1;
constexpr int kEchoHist = 512;  // 64 ms of sent samples: 32 ms of echo delay + a tick

// Impairments applied to what a span receives.
struct RxImpair {
  double noise_rms = 0;     // linear units; 0 = off
  double gain = 1.0;        // linear factor
  bool gain_on = false;
  double ber = 0;           // probability per bit
  uint64_t bits_to_error = 0;  // geometric countdown to the next bit error
  double slips_per_tick = 0;
  double slip_acc = 0;
  int delay = 0;            // 0 or 1 sample: toggled by each slip
  uint8_t last[kTs] = {};   // last byte of the previous frame per timeslot (for the slip delay)
  double ts_noise[kTs] = {};  // per-timeslot additions (channel impairments)
  double ts_gain[kTs];
  bool ts_on[kTs] = {};
  // echo of what this span sends (HL_SIM_TS_ECHO_*): gain 0 = off
  double echo_gain[kTs] = {};
  int echo_delay[kTs] = {};          // samples
  int16_t echo_hist[kTs][kEchoHist];  // what the span sent, newest at echo_pos - 1
  int echo_pos[kTs] = {};
  RxImpair() {
    for (double &g : ts_gain) g = 1.0;
  }
};

struct Span {
  uint8_t *tx = nullptr;
  uint8_t *rx = nullptr;
  uint8_t cas_tx[kTs];
  uint8_t cas_rx[kTs];
  int peer = -1;
  bool cable = true;
  bool send_rai = false;
  bool send_ais = false;
  RxImpair imp;
  std::atomic<uint32_t> alarms{0};
  std::atomic<uint64_t> crc4{0}, bpv{0}, slips{0}, es{0};
  bool errored_this_second = false;
  char calling[kTs][kNumLen];
  char called[kTs][kNumLen];
  // Line events other than the bits, injected on what this span receives
  // (HL_SIM_TS_LINE): one slot per kind and timeslot until line_read takes it.
  uint8_t line_pending[kTs] = {};
  uint8_t line_value[kTs][HL_LINE_KINDS] = {};
  uint8_t bits_seen[kTs];  // the bits line_read reported last (news when they differ)
  std::atomic<uint64_t> line_drops[HL_LINE_KINDS] = {};
};

struct Sim {
  int nspans = 0;
  int samples = 0;
  int tick_ms = 10;
  Span *spans = nullptr;
  uint64_t rng = 0x9e3779b97f4a7c15ull;
};

// Near-end defects: no usable signal received.
constexpr uint32_t kDefects = HL_ALARM_LOS | HL_ALARM_AIS | HL_ALARM_LOF;

inline uint64_t next_rand(uint64_t &s) {
  // xorshift64*: fast, good enough for line noise and error positions.
  s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
  return s * 0x2545f4914f6cdd1dull;
}
inline double uniform01(uint64_t &s) { return (double)(next_rand(s) >> 11) * (1.0 / 9007199254740992.0); }

// Approximately Gaussian (Irwin-Hall, 4 terms), unit variance.
inline double gauss(uint64_t &s) {
  double acc = 0;
  for (int i = 0; i < 4; i++) acc += uniform01(s);
  return (acc - 2.0) * 1.7320508075688772;  // var of sum of 4 U(0,1) = 1/3
}

uint64_t geometric(uint64_t &s, double p) {
  if (p <= 0) return UINT64_MAX;
  double u = uniform01(s);
  if (u <= 0) u = 1e-300;
  double n = std::floor(std::log(u) / std::log1p(-p));
  return n > 1e18 ? (uint64_t)1e18 : (uint64_t)n;
}

void fill_idle(uint8_t *frames, int samples, uint8_t value) {
  std::memset(frames, value, (size_t)kTs * samples);
}

// One direction of a cable: `from` transmitted, `to` receives.
void carry(Sim *sim, Span &from, Span &to, bool connected) {
  const int n = sim->samples;
  uint32_t alarms = 0;
  if (!connected) {
    // No signal at all: LOS; the receiver sees silence (A-law idle 0xD5).
    fill_idle(to.rx, n, 0xd5);
    alarms |= HL_ALARM_LOS;
    to.errored_this_second = true;
  } else if (from.send_ais) {
    // AIS: unframed all ones (G.775).
    fill_idle(to.rx, n, 0xff);
    alarms |= HL_ALARM_AIS;
    to.errored_this_second = true;
  } else {
    RxImpair &im = to.imp;
    std::memcpy(to.rx, from.tx, (size_t)kTs * n);
    // RAI (G.704 TS0 A bit) goes out on request and, as a real framer does on
    // its own (G.732 4.2.1, G.775), whenever `from` itself receives no usable
    // signal (LOS, AIS, LOF): the far end must learn that we do not hear it.
    // `from.alarms` is what it received last tick: one tick of delay.
    if (from.send_rai || (from.alarms.load(std::memory_order_relaxed) & kDefects)) alarms |= HL_ALARM_RAI;
    std::memcpy(to.cas_rx, from.cas_tx, kTs);
    // Gain and noise in the linear domain, then back to A-law.
    for (int ts = 1; ts < kTs; ts++) {
      if (ts == HL_E1_CAS_TS || !(im.gain_on || im.noise_rms > 0 || im.ts_on[ts])) continue;
      const double g = (im.gain_on ? im.gain : 1.0) * im.ts_gain[ts];
      const double nr = std::sqrt(im.noise_rms * im.noise_rms + im.ts_noise[ts] * im.ts_noise[ts]);
      uint8_t *f = to.rx + ts * n;
      for (int i = 0; i < n; i++) {
        double v = hl::alaw_to_lin(f[i]) * g;
        if (nr > 0) v += nr * gauss(sim->rng);
        f[i] = hl::lin_to_alaw(hl::sat16((int32_t)std::lrint(v)));
      }
    }
    // Echo of what `to` itself sent this tick, heard back from the next tick on.
    for (int ts = 1; ts < kTs; ts++) {
      if (ts == HL_E1_CAS_TS || im.echo_gain[ts] <= 0) continue;
      int16_t *h = im.echo_hist[ts];
      const uint8_t *sent = to.tx + ts * n;
      uint8_t *f = to.rx + ts * n;
      for (int i = 0; i < n; i++) {
        const int at = im.echo_pos[ts];
        h[at] = hl::alaw_to_lin(sent[i]);
        im.echo_pos[ts] = (at + 1) % kEchoHist;
        const int16_t back = h[(at - im.echo_delay[ts] + kEchoHist) % kEchoHist];
        const double v = hl::alaw_to_lin(f[i]) + im.echo_gain[ts] * back;
        f[i] = hl::lin_to_alaw(hl::sat16((int32_t)std::lrint(v)));
      }
    }
    // Controlled slips: the receive buffer gains or loses one 125 us frame.
    if (im.slips_per_tick > 0) {
      im.slip_acc += im.slips_per_tick;
      if (im.slip_acc >= 1.0) {
        im.slip_acc -= 1.0;
        im.delay ^= 1;
        to.slips.fetch_add(1, std::memory_order_relaxed);
        to.errored_this_second = true;
      }
    }
    if (im.delay) {
      for (int ts = 1; ts < kTs; ts++) {
        uint8_t *f = to.rx + ts * n;
        uint8_t carry_byte = im.last[ts];
        im.last[ts] = f[n - 1];
        std::memmove(f + 1, f, (size_t)n - 1);
        f[0] = carry_byte;
      }
    } else {
      for (int ts = 1; ts < kTs; ts++) im.last[ts] = to.rx[ts * n + n - 1];
    }
    // Bit errors over the whole 2.048 Mbit/s stream; only bearer and CAS bytes
    // are stored, but every error counts as an HDB3 violation and errors the
    // CRC-4 sub-multiframe (8 frames = 1 ms) it falls in.
    if (im.ber > 0) {
      const uint64_t bits = (uint64_t)kTs * n * 8;
      uint64_t pos = 0;
      uint32_t smf_mask = 0;
      while (im.bits_to_error < bits - pos) {
        pos += im.bits_to_error;
        uint64_t frame = pos / (kTs * 8);
        int ts = (int)((pos / 8) % kTs);
        int bit = (int)(pos % 8);
        if (ts != 0) to.rx[ts * n + frame] ^= (uint8_t)(1u << bit);
        to.bpv.fetch_add(1, std::memory_order_relaxed);
        smf_mask |= 1u << ((frame / 8) & 31);
        pos += 1;
        im.bits_to_error = geometric(sim->rng, im.ber);
      }
      im.bits_to_error -= (bits - pos);
      if (smf_mask) {
        to.crc4.fetch_add((uint64_t)__builtin_popcount(smf_mask), std::memory_order_relaxed);
        to.errored_this_second = true;
      }
    }
  }
  if (!connected || from.send_ais) {
    // CAS is meaningless without frame alignment; hold the last bits.
  }
  to.alarms.store(alarms, std::memory_order_relaxed);
}

int sim_read(void *drv, int span, uint8_t *rx, int samples) {
  Sim *s = static_cast<Sim *>(drv);
  if (span < 0 || span >= s->nspans || samples != s->samples) return HL_EINVAL;
  std::memcpy(rx, s->spans[span].rx, (size_t)kTs * samples);
  return 0;
}

int sim_write(void *drv, int span, const uint8_t *tx, int samples) {
  Sim *s = static_cast<Sim *>(drv);
  if (span < 0 || span >= s->nspans || samples != s->samples) return HL_EINVAL;
  std::memcpy(s->spans[span].tx, tx, (size_t)kTs * samples);
  return 0;
}

int sim_line_read(void *drv, int span, hl_line *lines) {
  Sim *s = static_cast<Sim *>(drv);
  if (span < 0 || span >= s->nspans) return HL_EINVAL;
  Span &sp = s->spans[span];
  for (int ts = 0; ts < kTs; ts++) {
    hl_line &l = lines[ts];
    l.abcd = sp.cas_rx[ts];
    l.pending = sp.line_pending[ts];
    std::memcpy(l.value, sp.line_value[ts], sizeof l.value);
    if (l.abcd != sp.bits_seen[ts]) {
      l.pending |= 1u << HL_LINE_BITS;
      l.value[HL_LINE_BITS] = l.abcd;
      sp.bits_seen[ts] = l.abcd;
    }
    sp.line_pending[ts] = 0;
  }
  return 0;
}

int sim_cas_write(void *drv, int span, int ts, uint8_t abcd) {
  Sim *s = static_cast<Sim *>(drv);
  if (span < 0 || span >= s->nspans || ts < 0 || ts >= kTs) return HL_EINVAL;
  s->spans[span].cas_tx[ts] = abcd & 0x0f;
  return 0;
}

int sim_status(void *drv, int span, hl_span_status *st) {
  Sim *s = static_cast<Sim *>(drv);
  if (span < 0 || span >= s->nspans || !st) return HL_EINVAL;
  Span &sp = s->spans[span];
  st->alarms = sp.alarms.load(std::memory_order_relaxed);
  st->crc4_errors = sp.crc4.load(std::memory_order_relaxed);
  st->bpv = sp.bpv.load(std::memory_order_relaxed);
  st->slips = sp.slips.load(std::memory_order_relaxed);
  st->errored_seconds = sp.es.load(std::memory_order_relaxed);
  st->lost_frames = 0;  // memory never runs dry: a late tick loses nothing
  for (int k = 0; k < HL_LINE_KINDS; k++) st->line_drops[k] = sp.line_drops[k].load(std::memory_order_relaxed);
  return 0;
}

void sim_tick_end(void *drv, uint64_t tick) {
  Sim *s = static_cast<Sim *>(drv);
  for (int i = 0; i < s->nspans; i++) {
    Span &a = s->spans[i];
    if (a.peer < 0) {
      fill_idle(a.rx, s->samples, 0xd5);
      a.alarms.store(HL_ALARM_LOS, std::memory_order_relaxed);
      a.errored_this_second = true;
    } else if (a.peer > i) {
      Span &b = s->spans[a.peer];
      bool connected = a.cable && b.cable;
      // Both directions computed from this tick's transmit buffers.
      carry(s, a, b, connected);
      carry(s, b, a, connected);
    }
  }
  const uint64_t ticks_per_second = (uint64_t)(1000 / s->tick_ms);
  if ((tick + 1) % ticks_per_second == 0) {
    for (int i = 0; i < s->nspans; i++) {
      Span &a = s->spans[i];
      // A received RAI is the far end's trouble, not an errored second here (G.826: defects LOS, AIS, LOF).
      if (a.errored_this_second || (a.alarms.load(std::memory_order_relaxed) & kDefects)) a.es.fetch_add(1, std::memory_order_relaxed);
      a.errored_this_second = false;
    }
  }
}

void sim_destroy(void *drv) {
  Sim *s = static_cast<Sim *>(drv);
  if (!s) return;
  for (int i = 0; i < s->nspans; i++) {
    delete[] s->spans[i].tx;
    delete[] s->spans[i].rx;
  }
  delete[] s->spans;
  delete s;
}

}  // namespace

static const hl_driver_ops kSimOps = {
    "sim",       sim_read,       sim_write, sim_line_read, sim_cas_write, sim_status, sim_tick_end,
    sim_destroy, hl_sim_control, nullptr /* echo: the board's own */, nullptr /* wait_tick: the board clocks the sim */
};

extern "C" int hl_sim_create(int spans, const int *peer, int samples, int tick_ms, hl_driver *out) {
  if (spans <= 0 || spans > 1024 || samples <= 0 || samples > 1024 || tick_ms <= 0 || !out) return HL_EINVAL;
  for (int i = 0; i < spans; i++) {
    int p = peer ? peer[i] : -1;
    if (p >= spans || p == i || (p >= 0 && peer[p] != i)) return HL_EINVAL;
  }
  Sim *s = new (std::nothrow) Sim();
  if (!s) return HL_ENOMEM;
  s->nspans = spans;
  s->samples = samples;
  s->tick_ms = tick_ms;
  s->spans = new (std::nothrow) Span[spans];
  if (!s->spans) { delete s; return HL_ENOMEM; }
  for (int i = 0; i < spans; i++) {
    Span &sp = s->spans[i];
    sp.tx = new (std::nothrow) uint8_t[(size_t)kTs * samples];
    sp.rx = new (std::nothrow) uint8_t[(size_t)kTs * samples];
    if (!sp.tx || !sp.rx) { sim_destroy(s); return HL_ENOMEM; }
    fill_idle(sp.tx, samples, 0xd5);
    fill_idle(sp.rx, samples, 0xd5);
    // Idle CAS: A=1 B=0 C=0 D=1 (Q.421 idle, CD fixed at 01).
    std::memset(sp.cas_tx, 0x9, kTs);
    std::memset(sp.cas_rx, 0x9, kTs);
    std::memset(sp.bits_seen, 0x9, kTs);
    std::memset(sp.calling, 0, sizeof sp.calling);
    std::memset(sp.called, 0, sizeof sp.called);
    sp.peer = peer ? peer[i] : -1;
    sp.imp.bits_to_error = UINT64_MAX;
  }
  out->ops = &kSimOps;
  out->self = s;
  out->spans = spans;
  return 0;
}

extern "C" int hl_sim_control(void *drv, int span, int what, double a) {
  Sim *s = static_cast<Sim *>(drv);
  if (!s || span < 0 || span >= s->nspans || !std::isfinite(a)) return HL_EINVAL;
  Span &sp = s->spans[span];
  const int ts = what >> 8;
  if (ts) {
    if (ts < 1 || ts >= kTs || ts == HL_E1_CAS_TS) return HL_EINVAL;
    switch (what & 0xff) {
      case HL_SIM_TS_NOISE_DBM0:
        sp.imp.ts_noise[ts] = a > 3.14 ? 0 : hl::kDbm0Rms * std::pow(10.0, a / 20.0);
        break;
      case HL_SIM_TS_GAIN_DB:
        if (a < -60 || a > 30) return HL_ERANGE;
        sp.imp.ts_gain[ts] = std::pow(10.0, a / 20.0);
        break;
      case HL_SIM_TS_ECHO_DB:
        if (a < 0) return HL_ERANGE;
        if (sp.imp.echo_gain[ts] <= 0) {  // (re)start with an empty history
          std::memset(sp.imp.echo_hist[ts], 0, sizeof sp.imp.echo_hist[ts]);
          sp.imp.echo_pos[ts] = 0;
        }
        sp.imp.echo_gain[ts] = a > 60 ? 0 : std::pow(10.0, -a / 20.0);
        return 0;
      case HL_SIM_TS_ECHO_MS:
        if (a < 0 || a > 32) return HL_ERANGE;
        sp.imp.echo_delay[ts] = (int)std::lrint(a * 8);
        return 0;
      case HL_SIM_TS_LINE: {
        const int kind = (int)a >> 8, value = (int)a & 0xff;
        if (a < 0 || kind <= HL_LINE_BITS || kind >= HL_LINE_KINDS) return HL_EINVAL;
        // A second event of a kind before the tick took the first: the
        // slot keeps the newest and counts the older one as dropped.
        if (sp.line_pending[ts] & (1u << kind)) sp.line_drops[kind].fetch_add(1, std::memory_order_relaxed);
        sp.line_pending[ts] |= (uint8_t)(1u << kind);
        sp.line_value[ts][kind] = (uint8_t)value;
        return 0;
      }
      default:
        return HL_EINVAL;
    }
    sp.imp.ts_on[ts] = sp.imp.ts_noise[ts] > 0 || sp.imp.ts_gain[ts] != 1.0;
    return 0;
  }
  switch (what) {
    case HL_SIM_NOISE_DBM0:
      if (a > 3.14) sp.imp.noise_rms = 0;
      else sp.imp.noise_rms = hl::kDbm0Rms * std::pow(10.0, a / 20.0);
      return 0;
    case HL_SIM_GAIN_DB:
      if (a < -60 || a > 30) return HL_ERANGE;
      sp.imp.gain = std::pow(10.0, a / 20.0);
      sp.imp.gain_on = a != 0;
      return 0;
    case HL_SIM_BER:
      if (a < 0 || a > 0.1) return HL_ERANGE;
      sp.imp.ber = a;
      sp.imp.bits_to_error = geometric(s->rng, a);
      return 0;
    case HL_SIM_SLIPS:
      if (a < 0 || a > 6000) return HL_ERANGE;
      sp.imp.slips_per_tick = a * s->tick_ms / 60000.0;
      return 0;
    case HL_SIM_CABLE:
      sp.cable = a != 0;
      if (sp.peer >= 0) s->spans[sp.peer].cable = a != 0;
      return 0;
    case HL_SIM_SEND_RAI: sp.send_rai = a != 0; return 0;
    case HL_SIM_SEND_AIS: sp.send_ais = a != 0; return 0;
  }
  return HL_EINVAL;
}

extern "C" hl_numbers_io hl_sim_numbers(const hl_driver *sim) {
  hl_numbers_io io{};
  if (!sim || sim->ops != &kSimOps) return io;
  io.put = hl_sim_set_numbers;
  io.get = hl_sim_get_numbers;
  io.self = sim->self;
  return io;
}

extern "C" int hl_sim_set_numbers(void *drv, int span, int ts, const char *calling, const char *called) {
  Sim *s = static_cast<Sim *>(drv);
  if (!s || span < 0 || span >= s->nspans || ts < 0 || ts >= kTs) return HL_EINVAL;
  Span &sp = s->spans[span];
  if (sp.peer < 0) return 0;
  Span &far = s->spans[sp.peer];
  std::strncpy(far.calling[ts], calling ? calling : "", kNumLen - 1);
  far.calling[ts][kNumLen - 1] = 0;
  std::strncpy(far.called[ts], called ? called : "", kNumLen - 1);
  far.called[ts][kNumLen - 1] = 0;
  return 0;
}

extern "C" int hl_sim_get_numbers(void *drv, int span, int ts, char *calling, char *called, int cap) {
  Sim *s = static_cast<Sim *>(drv);
  if (!s || span < 0 || span >= s->nspans || ts < 0 || ts >= kTs || cap <= 0) return HL_EINVAL;
  Span &sp = s->spans[span];
  std::strncpy(calling, sp.calling[ts], (size_t)cap - 1);
  calling[cap - 1] = 0;
  std::strncpy(called, sp.called[ts], (size_t)cap - 1);
  called[cap - 1] = 0;
  return 0;
}
