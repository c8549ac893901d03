// The channel engine: board lifetime, command queue, the tick, alarms, the
// TDM switch, stepped and real-time clocks, event drain. Line signalling (CAS
// line states) is in signalling/line.cc.
// Media operations (player, sender, digits, recorder) are in media.cc; file
// I/O in writer.cc.
#include "board/engine.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <chrono>
#include <cstdlib>

#include <cstring>

#include "board/codec.h"
#include "hl_errors.h"
#include "signalling/r2_board.h"
#include "signalling/line.h"

using namespace hl;

namespace {

int dsp_desc_init(hl_dtmf_desc *d) { return hl_dtmf_desc_init(d, nullptr); }

hl_dtmf_desc g_desc_storage;  // filled in hl_board_create before any channel uses it
std::once_flag g_desc_once;

const hl_dtmf_desc *dtmf_desc() {
  std::call_once(g_desc_once, [] { dsp_desc_init(&g_desc_storage); });
  return &g_desc_storage;
}

}  // namespace

namespace {

// Shared read-only descriptors, built once (std::call_once: no init race
// between boards created on different threads).
hl_callprog_desc g_cp_storage;
std::once_flag g_cp_once;
const hl_callprog_desc *cp_desc() {
  std::call_once(g_cp_once, [] { hl_callprog_desc_init(&g_cp_storage, nullptr); });
  return &g_cp_storage;
}
hl_echo_desc g_ec_storage;
std::once_flag g_ec_once;
const hl_echo_desc *ec_desc() {
  std::call_once(g_ec_once, [] { hl_echo_desc_init(&g_ec_storage, nullptr); });
  return &g_ec_storage;
}

void apply_cmd(hl_board *b, const Cmd &cmd) {
  if (cmd.kind == C_DRIVER) {
    if (b->drv.ops->control) driver_rc(b, cmd.ch, b->drv.ops->control(b->drv.self, cmd.ch, cmd.u.driver.what, cmd.u.driver.value), "control");
    return;
  }
  if (cmd.kind == C_CONF_JOIN) {
    const CmdConfJoin &j = cmd.u.conf;
    int conf = j.conf;
    Channel &c = b->ch[cmd.ch];
    if (c.conf >= 0 && c.conf != conf) {
      Conference &old = b->confs[c.conf];
      for (int i = 0; i < old.n; i++)
        if (old.members[i] == c.index) { old.members[i] = old.members[--old.n]; break; }
      c.conf = -1;
    }
    Conference &cf = b->confs[conf];
    if (c.conf != conf) {
      if (cf.n >= kConfMax) return;
      cf.members[cf.n++] = c.index;
    }
    c.conf = conf;
    c.conf_mode = j.mode;
    c.whisper_to = j.whisper_to;
    c.conf_keep_route = (j.flags & HL_CONF_KEEP_ROUTE) != 0;
    return;
  }
  Channel &c = b->ch[cmd.ch];
  if (cmd.kind == C_STREAM) {
    stream_cmd(b, c, cmd);  // stream.cc
    return;
  }
  if (c.r2 && r2_cmd(b, c, cmd)) return;  // China No.1 channel
  int st = c.state.load(std::memory_order_relaxed);
  switch (cmd.kind) {
    case C_ANSWER:
      if (st == HL_CH_RINGING && !c.outgoing) {
        set_cas(b, c, kAnswer);
        c.state.store(HL_CH_CONNECTED, std::memory_order_relaxed);
      }
      return;
    case C_HANGUP:
      local_hangup(b, c);
      return;
    case C_CALL:
      if (st != HL_CH_IDLE) {
        emit_done(b, c.index, HL_OP_CALL, cmd.req, st == HL_CH_BLOCKED ? HL_R_ERROR : HL_R_ERROR, 0);
        return;
      }
      if (b->numbers.put) driver_rc(b, c.span, b->numbers.put(b->numbers.self, c.span, c.ts, cmd.u.call.calling, cmd.u.call.called), "numbers");
      c.outgoing = true;
      set_cas(b, c, kSeize);
      c.state.store(HL_CH_DIALING, std::memory_order_relaxed);
      c.call.active = true;
      c.call.req = cmd.req;
      c.call.ticks = 0;
      c.call.timeout_ticks = cmd.u.call.timeout_ticks;
      return;
    case C_ROUTE:
      b->ch[cmd.u.route.dst].route_src = cmd.ch;
      return;
    case C_HOOKGUARD:
      c.hook_guard = cmd.u.flag.value != 0;
      c.hook_pending = false;
      return;
    case C_FLASH:
      if (st != HL_CH_CONNECTED || c.flash_ticks) {
        emit_done(b, c.index, HL_OP_FLASH, cmd.req, c.flash_ticks ? HL_R_ERROR : HL_R_HANGUP, 0);
        return;
      }
      c.flash_req = cmd.req;
      c.flash_restore = c.cas_tx;
      set_cas(b, c, c.outgoing ? kIdle : kAck);  // on-hook as this side signals it
      c.flash_ticks = cmd.u.flash.ms / (uint32_t)b->tick_ms + 1;
      return;
    case C_UNROUTE:
      c.route_src = -1;
      for (int i = 0; i < b->nch; i++)
        if (b->ch[i].route_src == c.index) b->ch[i].route_src = -1;
      return;
    case C_CONF_LEAVE:
      if (c.conf >= 0) {
        Conference &cf = b->confs[c.conf];
        for (int i = 0; i < cf.n; i++)
          if (cf.members[i] == c.index) { cf.members[i] = cf.members[--cf.n]; break; }
        c.conf = -1;
      }
      return;
    default:
      apply_media_cmd(b, cmd);
  }
}

// Reads a span's status once a tick: raises and clears its alarms; returns
// the audio it lost so far (lost frames and buffer over/underruns, which
// DAHDI reports as slips), for the card-paced clock's overruns.
uint64_t span_alarms(hl_board *b, int s) {
  hl_span_status st{};
  const int rc = b->drv.ops->status(b->drv.self, s, &st);
  if (rc != 0) {
    driver_rc(b, s, rc < 0 ? rc : HL_EIO, "status");
    return 0;
  }
  const uint64_t loss = st.lost_frames + st.slips;
  uint32_t was = b->span_alarms[s], now = st.alarms;
  if (was == now) return loss;
  for (uint32_t bit = 1; bit <= HL_ALARM_LOF; bit <<= 1) {
    if ((was ^ now) & bit) emit(b, HL_EV_ALARM, -1, s, (int)bit, (now & bit) ? 1 : 0);
  }
  b->span_alarms[s] = now;
  // LOS, AIS and LOF take the span's channels out of service; RAI alone does not.
  const uint32_t down = HL_ALARM_LOS | HL_ALARM_AIS | HL_ALARM_LOF;
  bool was_down = (was & down) != 0, is_down = (now & down) != 0;
  if (is_down == was_down) return loss;
  for (int i = 0; i < HL_E1_BEARERS; i++) {
    Channel &c = b->ch[s * HL_E1_BEARERS + i];
    if (c.r2) {
      r2_alarm(b, c, is_down);
      continue;
    }
    if (is_down) {
      int cst = c.state.load(std::memory_order_relaxed);
      if (cst != HL_CH_IDLE && cst != HL_CH_CLEARING) far_cleared(b, c, 1);
      if (cst != HL_CH_IDLE) go_idle(b, c);
      set_cas(b, c, kIdle);
      c.cas_rx = kIdle;
      c.state.store(HL_CH_BLOCKED, std::memory_order_relaxed);
    } else {
      c.state.store(HL_CH_IDLE, std::memory_order_relaxed);
      c.cas_rx = kIdle;
      set_cas(b, c, kIdle);
      emit(b, HL_EV_IDLE, c.index, c.span);
    }
  }
  return loss;
}

void switch_tx(hl_board *b) {
  const int n = b->samples;
  for (int i = 0; i < b->nch; i++) {
    Channel &c = b->ch[i];
    int16_t *tx = b->tx_lin + (size_t)i * n;
    if (c.route_src >= 0) std::memcpy(tx, b->rx_lin + (size_t)c.route_src * n, sizeof(int16_t) * n);
    else std::memset(tx, 0, sizeof(int16_t) * n);
  }
  conf_mix(b);  // mix.cc
}

}  // namespace

namespace hl {

// Room for one more ordinary event: more free slots than the completion reserve.
static bool event_room(hl_board *b) { return b->events.free_space() > b->done_reserve; }

// Stamps an event with the time of the tick being run and queues it for
// JavaScript. An ordinary event that finds only the completion reserve free is
// counted as dropped instead of blocking the tick; a completion always finds a
// slot (board.h), and `lost` counts one that did not (a broken reserve).
static void push_event(hl_board *b, hl_event &e, const char *text) {
  e.time_ms = (b->tick.load(std::memory_order_relaxed) + 1) * (uint64_t)b->tick_ms;
  if (text) std::strncpy(e.text, text, sizeof e.text - 1);
  const bool done = e.type == HL_EV_DONE;
  if ((!done && !event_room(b)) || !b->events.push(e)) {
    if (done) {
      b->lost.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    b->pending_drop++;
    b->dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  b->nevents.fetch_add(1, std::memory_order_relaxed);
  b->produced = true;
}

void emit(hl_board *b, uint16_t type, int ch, int span, int a, int b2, const char *text) {
  hl_event e;
  std::memset(&e, 0, sizeof e);
  e.type = type;
  e.channel = ch;
  e.span = span;
  e.a = a;
  e.b = b2;
  push_event(b, e, text);
}

void emit_done(hl_board *b, int ch, int op, uint32_t req, int reason, uint64_t duration_ms, int extra, const char *text) {
  hl_event e;
  std::memset(&e, 0, sizeof e);
  e.type = HL_EV_DONE;
  e.op = (uint16_t)op;
  e.channel = ch;
  e.span = b->ch[ch].span;
  e.req = req;
  e.reason = reason;
  e.a = (int32_t)(uint32_t)duration_ms;  // 64-bit ms: a holds the low half, a_hi the high
  e.a_hi = (uint32_t)(duration_ms >> 32);
  e.b = extra;
  push_event(b, e, text);
}

// Reports counted failures (HL_EV_FAULT): the first at once, then at most
// once a second, each with the count since the last report.
static void report_fault(hl_board *b, Fault &f, int span) {
  if (!f.pending) return;
  const uint64_t now = b->tick.load(std::memory_order_relaxed);
  if (f.ever && now - f.reported_tick < 1000u / (unsigned)b->tick_ms) return;
  if (!event_room(b)) return;  // reported when JavaScript has drained
  const uint64_t n = f.pending;
  f.pending = 0;
  f.ever = true;
  f.reported_tick = now;
  emit(b, HL_EV_FAULT, -1, span, f.last_err, n > INT32_MAX ? INT32_MAX : (int)n, f.where);
}

void channel_idle(hl_board *b, Channel &c) { go_idle(b, c); }

void run_tick(hl_board *b) {
  const uint64_t t0 = hl_mono_ns();
  const int n = b->samples;
  b->produced = false;
  if (b->pending_drop && event_room(b)) {
    uint64_t d = b->pending_drop;
    b->pending_drop = 0;
    emit(b, HL_EV_OVERRUN, -1, -1, 1, d > INT32_MAX ? INT32_MAX : (int)d);
  }
  // A command may complete at once (a refusal) or start an operation that
  // takes a reserved slot: apply it only while there is room beyond the
  // reserve, else it waits in its queue until JavaScript drains.
  Cmd cmd;
  while (b->cmds.size() > 0) {
    if (!event_room(b)) {
      b->deferred.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    if (!b->cmds.pop(cmd)) break;
    apply_cmd(b, cmd);
  }

  uint64_t loss = 0;
  for (int s = 0; s < b->nspans; s++) {
    uint8_t *rx = b->span_rx + (size_t)s * HL_E1_TIMESLOTS * n;
    driver_rc(b, s, b->drv.ops->read(b->drv.self, s, rx, n), "read");
    driver_rc(b, s, b->drv.ops->line_read(b->drv.self, s, b->line_buf + s * HL_E1_TIMESLOTS), "line_read");
    loss += span_alarms(b, s);
  }
  b->span_loss = loss;
  for (int i = 0; i < b->nch; i++) {
    Channel &c = b->ch[i];
    const uint8_t *rx = b->span_rx + ((size_t)c.span * HL_E1_TIMESLOTS + c.ts) * n;
    int16_t *lin = b->rx_lin + (size_t)i * n;
    hl_g711_alaw_decode_block(lin, rx, (size_t)n);
    const hl_line &ln = b->line_buf[c.span * HL_E1_TIMESLOTS + c.ts];
    const uint8_t cas = ln.abcd;
    line_kinds(b, c, ln);
    if (c.r2) {
      if (!r2_line(b, c, cas, lin)) media_rx(b, c);
    } else {
      line_rx(b, c, cas);
      media_rx(b, c);
    }
  }
  switch_tx(b);
  for (int i = 0; i < b->nch; i++) {
    Channel &c = b->ch[i];
    int16_t *tx = b->tx_lin + (size_t)i * n;
    media_tx(b, c, tx);
    r2_tx(c, tx, n);
    media_taps(b, c);
    uint8_t *out = b->span_tx + ((size_t)c.span * HL_E1_TIMESLOTS + c.ts) * n;
    lin_to_alaw_block(out, tx, n);
  }
  for (int s = 0; s < b->nspans; s++)
    driver_rc(b, s, b->drv.ops->write(b->drv.self, s, b->span_tx + (size_t)s * HL_E1_TIMESLOTS * n, n), "write");
  b->drv.ops->tick_end(b->drv.self, b->tick.load(std::memory_order_relaxed));
  for (int s = 0; s < b->nspans; s++) report_fault(b, b->span_faults[s], s);
  report_fault(b, b->clock_fault, -1);
  b->tick.fetch_add(1, std::memory_order_release);
  const uint64_t dt = hl_mono_ns() - t0;
  b->total_tick_ns.fetch_add(dt, std::memory_order_relaxed);
  if (dt > b->max_tick_ns.load(std::memory_order_relaxed)) b->max_tick_ns.store(dt, std::memory_order_relaxed);
}

}  // namespace hl

// ------------------------------------------------------------------ public

extern "C" uint64_t hl_mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

extern "C" int hl_digit_bit(char d) {
  if (d >= '0' && d <= '9') return d - '0';
  if (d == '*') return 10;
  if (d == '#') return 11;
  if (d >= 'A' && d <= 'D') return 12 + (d - 'A');
  if (d >= 'a' && d <= 'd') return 12 + (d - 'a');
  return -1;
}

// hl_board_create owns the driver whatever it returns (board.h): a refusal
// destroys it, so no caller has to know which failure happened where.
static int refuse_config(const hl_board_config *cfg, int rc) {
  if (cfg && cfg->driver.ops && cfg->driver.ops->destroy) cfg->driver.ops->destroy(cfg->driver.self);
  return rc;
}

extern "C" int hl_board_create(const hl_board_config *cfg, hl_board **out) {
  if (!cfg || !out || !cfg->driver.ops || cfg->spans <= 0 || cfg->spans > cfg->driver.spans) return refuse_config(cfg, HL_EINVAL);
  if (cfg->tick_ms != 5 && cfg->tick_ms != 10 && cfg->tick_ms != 20) return refuse_config(cfg, HL_EINVAL);
  if (cfg->events < 0 || cfg->events > HL_EVENTS_MAX) return refuse_config(cfg, HL_EINVAL);
  const hl_dtmf_desc *desc = dtmf_desc();
  hl_board *b = new (std::nothrow) hl_board();
  if (!b) return refuse_config(cfg, HL_ENOMEM);
  b->nspans = cfg->spans;
  b->nch = cfg->spans * HL_E1_BEARERS;
  b->tick_ms = cfg->tick_ms;
  b->samples = cfg->tick_ms * 8;
  b->drv = cfg->driver;
  b->cp_desc = cp_desc();
  b->ec_desc = ec_desc();
  b->rec_part_bytes = rec_part_limit_default();
  b->rec_ring_samples = rec_ring_default();
  const size_t n = (size_t)b->samples;
  b->ch = new (std::nothrow) Channel[b->nch];
  b->rx_lin = new (std::nothrow) int16_t[b->nch * n]();
  b->tx_lin = new (std::nothrow) int16_t[b->nch * n]();
  b->span_rx = new (std::nothrow) uint8_t[b->nspans * HL_E1_TIMESLOTS * n]();
  b->span_tx = new (std::nothrow) uint8_t[b->nspans * HL_E1_TIMESLOTS * n]();
  b->line_buf = new (std::nothrow) hl_line[b->nspans * HL_E1_TIMESLOTS]();
  b->span_alarms = new (std::nothrow) uint32_t[b->nspans]();
  b->span_faults = new (std::nothrow) Fault[b->nspans];
  b->nconf = b->nch / 2 > 0 ? b->nch / 2 : 1;
  b->confs = new (std::nothrow) Conference[b->nconf]();
  b->parties = new (std::nothrow) hl_mix_party[kConfMax]();
  b->conf_out = new (std::nothrow) int16_t[kConfMax * kMaxSamples]();
  // Completions reserve (board.h); the ring holds at least twice that. The
  // retire ring is as large as the event ring: every retired object is
  // announced by a completion pushed after it, and the drain empties the
  // retire ring after taking events, so it never holds more than one ring of
  // events' worth and its push cannot fail.
  b->done_reserve = (size_t)b->nch * HL_OPS_PER_CHANNEL;
  size_t cap = cfg->events ? (size_t)cfg->events : 65536;
  if (cap < 2 * b->done_reserve) cap = 2 * b->done_reserve;
  bool ok = b->ch && b->rx_lin && b->tx_lin && b->span_rx && b->span_tx && b->line_buf && b->span_alarms && b->span_faults && b->confs &&
            b->parties && b->conf_out && b->cmds.init(16384) && b->events.init(cap) && b->retire.init(b->events.capacity());
  if (!ok) {
    hl_board_destroy(b);
    return HL_ENOMEM;
  }
  std::memset(b->span_tx, 0xd5, b->nspans * HL_E1_TIMESLOTS * n);
  for (int i = 0; i < b->nch; i++) {
    Channel &c = b->ch[i];
    c.index = i;
    c.span = i / HL_E1_BEARERS;
    int k = i % HL_E1_BEARERS;
    c.ts = k < 15 ? k + 1 : k + 2;
    hl_dtmf_init(&c.dtmf, desc, nullptr, nullptr);
    driver_rc(b, c.span, b->drv.ops->cas_write(b->drv.self, c.span, c.ts, c.cas_tx), "cas_write");
  }
  *out = b;
  return 0;
}

extern "C" void hl_board_destroy(hl_board *b) {
  if (!b) return;
  hl_board_stop(b);
  if (b->ch) {
    // End every operation (recorders hand their files to the writer).
    for (int i = 0; i < b->nch; i++) media_stop(b, b->ch[i], 0xffffffffu, 0, HL_R_STOPPED);
    hl_event ev[64];
    while (hl_board_drain(b, ev, 64) > 0) {}
  }
  writer_stop(b);
  // Commands never applied. A queued record/tap command only borrows its
  // recorder (b->rec_new / b->recs own it): it is ended here and finished
  // with the others below, once.
  Cmd cmd;
  while (b->cmds.pop(cmd)) {
    if (cmd.kind == C_PLAY && cmd.u.play.clips) {
      hl_clip **clips = cmd.u.play.clips;
      for (int i = 0; i < cmd.u.play.n; i++) hl_clip_free(clips[i]);
      delete[] clips;
    } else if (cmd.kind == C_RECORD && cmd.u.record.rec) {
      rec_end(b, cmd.u.record.rec, HL_R_STOPPED, 0, 0);
    }
  }
  // Every recording's file is finished (durable, renamed) before the board goes.
  writer_pass(b, true);
  rec_free_all(b);
  stream_free_all(b);
  if (b->drv.ops && b->drv.ops->destroy) b->drv.ops->destroy(b->drv.self);
  r2_free(b);
  delete[] b->ch;
  delete[] b->rx_lin;
  delete[] b->tx_lin;
  delete[] b->span_rx;
  delete[] b->span_tx;
  delete[] b->line_buf;
  delete[] b->span_alarms;
  delete[] b->span_faults;
  delete[] b->confs;
  delete[] b->parties;
  delete[] b->conf_out;
  delete b;
}

extern "C" int hl_board_channels(const hl_board *b) { return b ? b->nch : 0; }
extern "C" int hl_board_tick_ms(const hl_board *b) { return b ? b->tick_ms : 0; }
extern "C" uint64_t hl_board_ticks(const hl_board *b) { return b ? b->tick.load(std::memory_order_acquire) : 0; }
extern "C" uint64_t hl_board_now_ms(const hl_board *b) { return b ? hl_board_ticks(b) * (uint64_t)b->tick_ms : 0; }

extern "C" int hl_board_channel_of(const hl_board *b, int span, int ts) {
  if (!b || span < 0 || span >= b->nspans || ts < 1 || ts > 31 || ts == HL_E1_CAS_TS) return HL_ENOENT;
  return span * HL_E1_BEARERS + (ts < 16 ? ts - 1 : ts - 2);
}

extern "C" int hl_board_channel_state(hl_board *b, int ch) {
  if (!b || ch < 0 || ch >= b->nch) return HL_ENOENT;
  return b->ch[ch].state.load(std::memory_order_relaxed);
}

int hl::submit(hl_board *b, const Cmd &c) {
  std::lock_guard<std::mutex> lk(b->cmd_mu);  // control thread only; never taken by the tick
  return b->cmds.push(c) ? 0 : HL_ENOSPC;
}
int hl::board_submit(hl_board *b, const Cmd &c) { return submit(b, c); }

static bool bad_ch(hl_board *b, int ch) { return !b || ch < 0 || ch >= b->nch; }

extern "C" int hl_cmd_answer(hl_board *b, int ch) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_ANSWER; c.ch = ch;
  return submit(b, c);
}
extern "C" int hl_cmd_hangup(hl_board *b, int ch) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_HANGUP; c.ch = ch;
  return submit(b, c);
}
extern "C" int hl_cmd_call(hl_board *b, int ch, uint32_t req, uint32_t timeout_ms, const char *calling, const char *called) {
  return hl_cmd_call_r2(b, ch, req, timeout_ms, calling, called, 0, 0);
}
extern "C" int hl_cmd_call_r2(hl_board *b, int ch, uint32_t req, uint32_t timeout_ms, const char *calling, const char *called,
                              int category, int kd) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (category < 0 || category > 15 || kd < 0 || kd > 15) return HL_EINVAL;
  Cmd c; c.kind = C_CALL; c.ch = ch; c.req = req;
  c.u.call.category = (uint8_t)category;
  c.u.call.kd = (uint8_t)kd;
  c.u.call.timeout_ticks = (uint32_t)(((uint64_t)timeout_ms + (uint64_t)b->tick_ms - 1) / (uint64_t)b->tick_ms);
  if ((calling && std::strlen(calling) > HL_NUMBER_MAX) || (called && std::strlen(called) > HL_NUMBER_MAX)) return HL_EINVAL;
  if (calling) std::strncpy(c.u.call.calling, calling, HL_NUMBER_MAX);
  if (called) std::strncpy(c.u.call.called, called, HL_NUMBER_MAX);
  return submit(b, c);
}
extern "C" int hl_cmd_play(hl_board *b, int ch, uint32_t req, hl_clip **clips, int n, uint16_t stop_mask) {
  return hl_cmd_play_ex(b, ch, req, clips, n, stop_mask, 0);
}
extern "C" int hl_cmd_play_ex(hl_board *b, int ch, uint32_t req, hl_clip **clips, int n, uint16_t stop_mask, int flags) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (!clips || n <= 0 || (flags & ~HL_TX_MIX)) return HL_EINVAL;
  Cmd c; c.kind = C_PLAY; c.ch = ch; c.req = req;
  c.u.play = CmdPlay{clips, n, stop_mask, (flags & HL_TX_MIX) != 0};
  return submit(b, c);
}
extern "C" int hl_cmd_getdigits(hl_board *b, int ch, uint32_t req, int max, uint16_t term_mask, uint32_t first_ms,
                                uint32_t inter_ms, int clear) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (max < 1 || max > 23) return HL_EINVAL;
  Cmd c; c.kind = C_GETDIGITS; c.ch = ch; c.req = req;
  const uint64_t t = (uint64_t)b->tick_ms;
  c.u.getdigits = CmdGetDigits{max, term_mask, (uint32_t)((first_ms + t - 1) / t), (uint32_t)((inter_ms + t - 1) / t), clear != 0};
  return submit(b, c);
}
extern "C" int hl_cmd_senddigits(hl_board *b, int ch, uint32_t req, const char *digits, uint32_t on_ms, uint32_t off_ms,
                                 double level_dbm0) {
  return hl_cmd_senddigits_ex(b, ch, req, digits, on_ms, off_ms, level_dbm0, 0);
}
extern "C" int hl_cmd_senddigits_ex(hl_board *b, int ch, uint32_t req, const char *digits, uint32_t on_ms, uint32_t off_ms,
                                    double level_dbm0, int flags) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (flags & ~HL_TX_MIX) return HL_EINVAL;
  if (!digits || !*digits || std::strlen(digits) > 63 || on_ms < 10 || on_ms > 2000 || off_ms > 2000) return HL_EINVAL;
  for (const char *p = digits; *p; p++)
    if (hl_digit_bit(*p) < 0) return HL_EINVAL;
  Cmd c; c.kind = C_SENDDIGITS; c.ch = ch; c.req = req;
  std::strncpy(c.u.senddigits.digits, digits, sizeof c.u.senddigits.digits - 1);
  c.u.senddigits.on_ms = on_ms;
  c.u.senddigits.off_ms = off_ms;
  c.u.senddigits.level_dbm0 = (float)level_dbm0;
  c.u.senddigits.mix = (flags & HL_TX_MIX) != 0;
  return submit(b, c);
}
extern "C" int hl_cmd_tone(hl_board *b, int ch, uint32_t req, int kind, uint32_t duration_ms) {
  return hl_cmd_tone_ex(b, ch, req, kind, duration_ms, 0);
}
extern "C" int hl_cmd_tone_ex(hl_board *b, int ch, uint32_t req, int kind, uint32_t duration_ms, int flags) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (kind < HL_TONE_DIAL || kind > HL_TONE_CONGESTION || (flags & ~HL_TX_MIX)) return HL_EINVAL;
  Cmd c; c.kind = C_TONE; c.ch = ch; c.req = req;
  c.u.tone = CmdTone{kind, duration_ms, (flags & HL_TX_MIX) != 0};
  return submit(b, c);
}
extern "C" int hl_cmd_sendmf(hl_board *b, int ch, uint32_t req, const uint8_t *codes, int n, int dir, uint32_t on_ms,
                             uint32_t off_ms, double level_dbm0) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (!codes || n < 1 || n > 63 || (dir != 0 && dir != 1) || on_ms < 10 || on_ms > 5000 || off_ms > 5000) return HL_EINVAL;
  if (!(level_dbm0 >= HL_MF_LEVEL_MIN && level_dbm0 <= HL_MF_LEVEL_MAX)) return HL_ERANGE;
  Cmd c; c.kind = C_SENDMF; c.ch = ch; c.req = req;
  for (int i = 0; i < n; i++) {
    if (codes[i] < 1 || codes[i] > 15) return HL_EINVAL;
    c.u.sendmf.codes[i] = codes[i];
  }
  c.u.sendmf.n = n;
  c.u.sendmf.dir = dir;
  c.u.sendmf.on_ms = on_ms;
  c.u.sendmf.off_ms = off_ms;
  c.u.sendmf.level_dbm0 = (float)level_dbm0;
  return submit(b, c);
}
extern "C" int hl_cmd_mf_tone(hl_board *b, int ch, int dir, int code, double level_dbm0) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if ((dir != 0 && dir != 1) || code < 0 || code > 15) return HL_EINVAL;
  if (!(level_dbm0 >= HL_MF_LEVEL_MIN && level_dbm0 <= HL_MF_LEVEL_MAX)) return HL_ERANGE;
  Cmd c; c.kind = C_MFTONE; c.ch = ch;
  c.u.mftone = CmdMfTone{dir, code, (float)level_dbm0};
  return submit(b, c);
}
extern "C" int hl_cmd_detect_mf(hl_board *b, int ch, int dir) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (dir < -1 || dir > 1) return HL_EINVAL;
  Cmd c; c.kind = C_DETECTMF; c.ch = ch; c.u.flag.value = dir;
  return submit(b, c);
}
extern "C" int hl_cmd_stop(hl_board *b, int ch, uint32_t which, uint32_t req) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_STOP; c.ch = ch; c.req = req; c.u.stop.which = which;
  return submit(b, c);
}
extern "C" int hl_cmd_clear_digits(hl_board *b, int ch) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_CLEARDIGITS; c.ch = ch;
  return submit(b, c);
}
extern "C" int hl_cmd_detect(hl_board *b, int ch, int dtmf, int tones) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_DETECT; c.ch = ch; c.u.detect = CmdDetect{dtmf, tones};
  return submit(b, c);
}
extern "C" int hl_cmd_echo(hl_board *b, int ch, int on) { return hl_cmd_echo_params(b, ch, on, nullptr); }
extern "C" int hl_cmd_echo_params(hl_board *b, int ch, int on, const hl_driver_echo *p) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (on != 0 && on != 1) return HL_EINVAL;
  if (p && (p->taps > 1024 || p->nparams > HL_EC_PARAMS_MAX)) return HL_EINVAL;
  Cmd c; c.kind = C_ECHO; c.ch = ch;
  c.u.echo.on = on;
  if (p) {
    c.u.echo.p = *p;
    for (uint32_t i = 0; i < p->nparams; i++) c.u.echo.p.param[i].name[sizeof c.u.echo.p.param[i].name - 1] = 0;
  }
  return submit(b, c);
}
extern "C" int hl_board_set_numbers(hl_board *b, const hl_numbers_io *io) {
  if (!b) return HL_EINVAL;
  if (b->running.load()) return HL_ESTATE;
  b->numbers = io ? *io : hl_numbers_io{};
  return 0;
}
extern "C" int hl_cmd_hook_guard(hl_board *b, int ch, int on) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_HOOKGUARD; c.ch = ch; c.u.flag.value = on ? 1 : 0;
  return submit(b, c);
}
extern "C" int hl_cmd_flash(hl_board *b, int ch, uint32_t req, uint32_t ms) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (ms < kFlashMinMs || ms > kFlashMaxMs - 20) return HL_ERANGE;
  Cmd c; c.kind = C_FLASH; c.ch = ch; c.req = req; c.u.flash.ms = ms;
  return submit(b, c);
}
extern "C" int hl_cmd_route(hl_board *b, int src, int dst) {
  if (bad_ch(b, src) || bad_ch(b, dst)) return HL_ENOENT;
  if (src == dst) return HL_EINVAL;
  Cmd c; c.kind = C_ROUTE; c.ch = src; c.u.route.dst = dst;
  return submit(b, c);
}
extern "C" int hl_cmd_unroute(hl_board *b, int ch) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_UNROUTE; c.ch = ch;
  return submit(b, c);
}
extern "C" int hl_cmd_conf_join(hl_board *b, int conf, int ch, int mode, int whisper_to) {
  return hl_cmd_conf_join_ex(b, conf, ch, mode, whisper_to, 0);
}
extern "C" int hl_cmd_conf_join_ex(hl_board *b, int conf, int ch, int mode, int whisper_to, int flags) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  if (conf < 0 || conf >= b->nconf || mode < 0 || mode > 2 || (flags & ~HL_CONF_KEEP_ROUTE)) return HL_EINVAL;
  if (mode == 2 && (bad_ch(b, whisper_to) || whisper_to == ch)) return HL_EINVAL;
  Cmd c; c.kind = C_CONF_JOIN; c.ch = ch; c.u.conf = CmdConfJoin{conf, mode, whisper_to, flags};
  return submit(b, c);
}
extern "C" int hl_cmd_conf_leave(hl_board *b, int ch) {
  if (bad_ch(b, ch)) return HL_ENOENT;
  Cmd c; c.kind = C_CONF_LEAVE; c.ch = ch;
  return submit(b, c);
}
extern "C" int hl_cmd_driver(hl_board *b, int span, int what, double a) {
  if (!b || span < 0 || span >= b->nspans) return HL_ENOENT;
  if (!b->drv.ops->control) return HL_ENOTSUP;
  Cmd c; c.kind = C_DRIVER; c.ch = span; c.u.driver = CmdDriver{what, a};
  return submit(b, c);
}

extern "C" int hl_board_step(hl_board *b, int max_ticks, int stop_on_event) {
  if (!b || max_ticks < 0) return HL_EINVAL;
  if (b->running.load()) return HL_ESTATE;
  int done = 0;
  while (done < max_ticks) {
    run_tick(b);
    done++;
    // Stepped mode has no writer thread: recorders are served here, between
    // ticks: at once when one starts or ends (its file opened or finished),
    // else every 500 ms of audio, well before their 2 s rings fill.
    if (b->rec_work.exchange(false, std::memory_order_acq_rel) || b->tick.load(std::memory_order_relaxed) % 50 == 0)
      writer_pass(b, false);
    if (stop_on_event && (b->events.size() > 0 || b->rec_done.load(std::memory_order_acquire))) break;
  }
  return done;
}

// After a real-time tick: report overruns, wake JavaScript when there is news.
static void after_tick(hl_board *b, uint64_t end) {
  if (b->pending_overrun && event_room(b)) {
    emit(b, HL_EV_OVERRUN, -1, -1, 0, b->pending_overrun > INT32_MAX ? INT32_MAX : (int)b->pending_overrun);
    b->pending_overrun = 0;
  }
  if ((b->events.size() > 0 || b->rec_done.load(std::memory_order_acquire)) &&
      !b->wake_pending.exchange(true, std::memory_order_acq_rel)) {
    b->wake_ns.store(end, std::memory_order_relaxed);
    b->wake(b->wake_ctx);
  }
}

static void clock_main(hl_board *b) {
  // Real-time priority when the system allows it (root or CAP_SYS_NICE), as a
  // card driver's interrupt would have: other processes must not delay a tick.
  // HL_BOARD_NO_RT=1 keeps the normal priority.
  const char *no_rt = std::getenv("HL_BOARD_NO_RT");
  if (!no_rt || !*no_rt || *no_rt == '0') {
    struct sched_param sp;
    sp.sched_priority = 10;
    b->rt_priority = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
  }
  const uint64_t period = (uint64_t)b->tick_ms * 1000000ull;
  uint64_t next = hl_mono_ns() + period;
  while (b->running.load(std::memory_order_acquire) && b->drv.ops->wait_tick) {
    // The card's clock paces the tick (driver.h "Clock"): no host deadline
    // to miss, so a tick is late when it took longer than a period. The
    // card's buffers absorb a late tick; only one after which audio was
    // lost (the spans' lost_frames or slips rose in it or the next tick) is
    // an overrun. A late tick that loses nothing is counted in late_ticks
    // alone, and audio lost after a tick on time (a slip on the line) stays
    // in the span's counters.
    const int rc = b->drv.ops->wait_tick(b->drv.self, 4 * b->tick_ms);
    if (!b->running.load(std::memory_order_acquire)) return;
    if (rc <= 0) {
      Fault &f = b->clock_fault;  // no audio from the card for 4 ticks (or an error)
      f.total.fetch_add(1, std::memory_order_relaxed);
      f.pending++;
      f.last_err = rc < 0 ? -rc : ETIMEDOUT;
      f.where = "wait_tick";
      if (rc < 0) std::this_thread::sleep_for(std::chrono::milliseconds(b->tick_ms));
    }
    const uint64_t loss0 = b->span_loss;
    const uint64_t start = hl_mono_ns();
    run_tick(b);
    const uint64_t end = hl_mono_ns();
    const bool late = end > start + period;
    // (The board's first tick reads the counters for the first time.)
    const bool lost = b->span_loss != loss0 && b->tick.load(std::memory_order_relaxed) > 1;
    if (late) b->late_ticks.fetch_add(1, std::memory_order_relaxed);
    if (lost && (late || b->late_prev)) {
      b->overruns.fetch_add(1, std::memory_order_relaxed);
      b->pending_overrun++;
    }
    b->late_prev = late && !lost;
    after_tick(b, end);
  }
  while (b->running.load(std::memory_order_acquire)) {
    struct timespec ts;
    ts.tv_sec = (time_t)(next / 1000000000ull);
    ts.tv_nsec = (long)(next % 1000000000ull);
    int rc;
    while ((rc = b->sleep_fn(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr)) == EINTR) {}
    if (rc != 0) {
      // Not a signal: the call itself failed and slept nothing (EINVAL,
      // ENOTSUP...). Retrying would spin this SCHED_FIFO thread forever and
      // starve the CPU; count it, report it from the next tick
      // (HL_EV_FAULT), and wait with a relative sleep instead.
      Fault &f = b->clock_fault;
      f.total.fetch_add(1, std::memory_order_relaxed);
      f.pending++;
      f.last_err = rc;
      f.where = "clock_nanosleep";
      const uint64_t now = hl_mono_ns();
      std::this_thread::sleep_for(std::chrono::nanoseconds(next > now ? next - now : 0));
    }
    if (!b->running.load(std::memory_order_acquire)) break;
    run_tick(b);
    const uint64_t end = hl_mono_ns();
    // A tick that finished after the next one was due is late, and with no
    // card buffer to absorb it, an overrun.
    if (end > next + period) {
      b->late_ticks.fetch_add(1, std::memory_order_relaxed);
      b->overruns.fetch_add(1, std::memory_order_relaxed);
      b->pending_overrun++;
    }
    after_tick(b, end);
    next += period;
    // After a long stall (over 1 s behind), resynchronise instead of racing to catch up.
    if (end > next + 100 * period) next = end + period;
  }
}

extern "C" int hl_board_start(hl_board *b, void (*wake)(void *ctx), void *ctx) {
  if (!b || !wake) return HL_EINVAL;
  if (b->running.load()) return HL_ESTATE;
  b->wake = wake;
  b->wake_ctx = ctx;
  writer_start(b);
  b->running.store(true, std::memory_order_release);
  try {
    b->clock = std::thread(clock_main, b);
  } catch (...) {
    b->running.store(false);
    return HL_ENOMEM;
  }
  return 0;
}

extern "C" void hl_board_stop(hl_board *b) {
  if (!b) return;
  if (b->running.exchange(false)) {
    if (b->clock.joinable()) b->clock.join();
  }
  writer_stop(b);
}

extern "C" uint64_t hl_board_wake_tick_ns(hl_board *b) { return b ? b->wake_ns.load(std::memory_order_relaxed) : 0; }

extern "C" int hl_board_pending_events(hl_board *b) { return b ? (int)b->events.size() : 0; }

extern "C" int hl_board_drain(hl_board *b, hl_event *out, int max) {
  if (!b || !out || max <= 0) return 0;
  b->wake_pending.store(false, std::memory_order_release);
  int n = (int)b->events.pop_n(out, (size_t)max);
  // Retired objects were queued before the events that announce them (see media.cc).
  Retire r;
  while (b->retire.pop(r)) {
    if (r.kind == RT_CLIPS) {
      hl_clip **clips = static_cast<hl_clip **>(r.p);
      for (int i = 0; i < r.n; i++) hl_clip_free(clips[i]);
      delete[] clips;
    }
  }
  // Completions of recordings whose files are finished (the writer queues them).
  n += rec_drain_done(b, out + n, max - n);
  if (b->events.size() > 0 || b->rec_done.load(std::memory_order_acquire)) b->wake_pending.store(false, std::memory_order_release);
  return n;
}

extern "C" void hl_board_get_stats(hl_board *b, hl_board_stats *st) {
  if (!b || !st) return;
  st->ticks = b->tick.load();
  st->overruns = b->overruns.load();
  st->late_ticks = b->late_ticks.load(std::memory_order_relaxed);
  st->events = b->nevents.load();
  st->events_dropped = b->dropped.load();
  st->completions_lost = b->lost.load();
  st->commands_deferred = b->deferred.load();
  st->events_capacity = (uint32_t)b->events.capacity();
  st->max_tick_ns = b->max_tick_ns.load();
  st->total_tick_ns = b->total_tick_ns.load();
  st->rt_priority = b->rt_priority ? 1 : 0;
  st->clock_errors = b->clock_fault.total.load(std::memory_order_relaxed);
  st->rec_dropped = b->rec_dropped.load(std::memory_order_relaxed);
  st->driver_errors = 0;
  for (int s = 0; s < b->nspans; s++) st->driver_errors += b->span_faults[s].total.load(std::memory_order_relaxed);
}

extern "C" int hl_board_sync_times(hl_board *b, uint32_t *dur_us, uint32_t *lag_us, int max) {
  if (!b || !dur_us || !lag_us || max <= 0) return 0;
  std::lock_guard<std::mutex> lk(b->sync_mu);
  const int n = (int)std::min<size_t>((size_t)max, b->sync_fig.size() / 2);
  for (int i = 0; i < n; i++) {
    dur_us[i] = b->sync_fig[2 * (size_t)i];
    lag_us[i] = b->sync_fig[2 * (size_t)i + 1];
  }
  b->sync_fig.erase(b->sync_fig.begin(), b->sync_fig.begin() + 2 * (long)n);
  return n;
}

extern "C" int hl_board_span_status(hl_board *b, int span, hl_span_status *st) {
  if (!b || span < 0 || span >= b->nspans || !st) return HL_ENOENT;
  *st = hl_span_status{};
  const int rc = b->drv.ops->status(b->drv.self, span, st);
  st->driver_errors = b->span_faults[span].total.load(std::memory_order_relaxed);
  return rc;
}
static_assert(sizeof(hl_event) == HL_EVENT_BYTES, "hl_event layout (src/board reads it)");
// src/board/engine.ts reads the record at these offsets.
static_assert(offsetof(hl_event, req) == 12 && offsetof(hl_event, a) == 20 && offsetof(hl_event, a_hi) == 28 &&
                  offsetof(hl_event, time_ms) == 32 && offsetof(hl_event, text) == 40,
              "hl_event offsets (src/board/engine.ts)");
