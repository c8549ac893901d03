// China No.1 channels inside the channel engine (see r2_board.h).
#include "signalling/r2_board.h"

#include <atomic>
#include <cstring>
#include <new>

#include "board/engine.h"
#include "hl_errors.h"

namespace hl {

// One China No.1 channel: the module's state, the audio it sends this tick,
// and what the engine must do once the step has returned (the module's
// callback runs inside the step, which must not be re-entered).
struct R2Slot {
  hl_r2_chan r2;
  int16_t tx[kMaxSamples];
  bool audio = false;       // tx holds register-signalling audio
  bool clear_fwd = false;   // clear-back received: we clear forward after the step
  hl_board *b = nullptr;
  int ch = -1;
  // What the control thread reads while the real-time clock ticks: a triple
  // buffer (one writer, the tick; one reader, the control thread; no lock).
  // The tick fills snap[w] and swaps it with the middle one (mid, with
  // kFresh when not read yet); the reader swaps the middle with snap[r] when
  // it is fresh and reads snap[r], which the tick never touches.
  hl_r2_snap snap[3];
  std::atomic<uint8_t> mid{1};
  uint8_t w = 0, r = 2;
  uint32_t pub_trace_n = 0;  // what the last publication held (tick side)
  int pub_state = -1, pub_cause = -1;
};

constexpr uint8_t kFresh = 4;

namespace {

void on_r2(void *user, const hl_r2_event *ev) {
  R2Slot *s = static_cast<R2Slot *>(user);
  hl_board *b = s->b;
  Channel &c = b->ch[s->ch];
  emit(b, HL_EV_R2, c.index, c.span, ev->kind, ev->cause, hl_r2_cause_name(ev->cause));
  const int st = c.state.load(std::memory_order_relaxed);
  switch (ev->kind) {
    case HL_R2_EV_SEIZED:
      c.outgoing = false;
      c.state.store(HL_CH_RINGING, std::memory_order_relaxed);
      break;
    case HL_R2_EV_OFFERED: {
      char text[sizeof(hl_event::text)] = {};
      static_assert(sizeof text >= 2 * HL_R2_DIGITS_MAX + 2, "ring text holds both numbers");
      std::snprintf(text, sizeof text, "%s|%s", s->r2.ani, s->r2.dnis);
      emit(b, HL_EV_RING, c.index, c.span, s->r2.category, s->r2.kd, text);
      break;
    }
    case HL_R2_EV_ANSWERED:
      c.state.store(HL_CH_CONNECTED, std::memory_order_relaxed);
      emit(b, HL_EV_ANSWER, c.index, c.span);
      if (c.call.active) {
        c.call.active = false;
        emit_done(b, c.index, HL_OP_CALL, c.call.req, HL_R_DONE, c.call.ticks * (uint64_t)b->tick_ms);
      }
      break;
    case HL_R2_EV_REANSWER:
      emit(b, HL_EV_ANSWER, c.index, c.span);
      break;
    case HL_R2_EV_CLEAR_BACK:
      // The engine's outgoing calls clear forward as soon as the called
      // party clears back (as its plain CAS line states do).
      emit(b, HL_EV_HANGUP, c.index, c.span, 0);
      media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
      c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      s->clear_fwd = true;
      break;
    case HL_R2_EV_CLEAR_FWD:
      emit(b, HL_EV_HANGUP, c.index, c.span, 0);
      media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
      c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      break;
    case HL_R2_EV_FAILED:
      if (c.call.active) {
        // The call's completion says why: error, extra = the R2 cause.
        c.call.active = false;
        emit_done(b, c.index, HL_OP_CALL, c.call.req, HL_R_ERROR, c.call.ticks * (uint64_t)b->tick_ms, ev->cause,
                  hl_r2_cause_name(ev->cause));
      } else if (st == HL_CH_CONNECTED || (st == HL_CH_RINGING && s->r2.state != HL_R2_S_IN_REGISTER)) {
        emit(b, HL_EV_HANGUP, c.index, c.span, ev->cause == HL_R2_C_SPAN_FAULT ? 1 : 0);
      }
      media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
      if (st != HL_CH_IDLE && st != HL_CH_BLOCKED) c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      break;
    case HL_R2_EV_IDLE:
      channel_idle(b, c);
      break;
    case HL_R2_EV_BLOCKED:
      c.state.store(HL_CH_BLOCKED, std::memory_order_relaxed);
      break;
    case HL_R2_EV_UNBLOCKED:
      c.state.store(HL_CH_IDLE, std::memory_order_relaxed);
      emit(b, HL_EV_IDLE, c.index, c.span);
      break;
    default:
      break;
  }
}

// The tick's side of the triple buffer: only when the trace, the state or
// the cause moved (counters move with them), so a quiet channel costs three
// compares and a busy one a ~0.8 KiB copy per signal.
void publish(R2Slot &s) {
  if (s.r2.trace_n == s.pub_trace_n && s.r2.state == s.pub_state && s.r2.cause == s.pub_cause) return;
  s.pub_trace_n = s.r2.trace_n;
  s.pub_state = s.r2.state;
  s.pub_cause = s.r2.cause;
  hl_r2_snapshot(&s.r2, &s.snap[s.w]);
  s.w = s.mid.exchange((uint8_t)(s.w | kFresh), std::memory_order_acq_rel) & 3;
}

void write_cas(hl_board *b, Channel &c, const R2Slot &s) {
  const uint8_t bits = hl_r2_cas_tx(&s.r2);
  if (bits == c.cas_tx) return;
  c.cas_tx = bits;
  driver_rc(b, c.span, b->drv.ops->cas_write(b->drv.self, c.span, c.ts, bits), "cas_write");
}

}  // namespace

bool r2_line(hl_board *b, Channel &c, uint8_t cas, const int16_t *rx) {
  R2Slot &s = *c.r2;
  if (cas != c.cas_rx) {
    c.cas_rx = cas;
    emit(b, HL_EV_CAS, c.index, c.span, cas);
  }
  s.audio = hl_r2_step(&s.r2, cas, rx, s.tx, b->samples) != 0;
  if (s.clear_fwd) {
    s.clear_fwd = false;
    hl_r2_hangup(&s.r2);
  }
  write_cas(b, c, s);
  publish(s);
  return s.audio;
}

bool r2_tx(Channel &c, int16_t *tx, int n) {
  if (!c.r2 || !c.r2->audio) return false;
  std::memcpy(tx, c.r2->tx, sizeof(int16_t) * (size_t)n);
  return true;
}

bool r2_cmd(hl_board *b, Channel &c, const Cmd &cmd) {
  R2Slot &s = *c.r2;
  switch (cmd.kind) {
    case C_ANSWER:
      if (hl_r2_answer(&s.r2) == 0) c.state.store(HL_CH_CONNECTED, std::memory_order_relaxed);
      break;
    case C_HANGUP:
      media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
      hl_r2_hangup(&s.r2);
      if (s.r2.state != HL_R2_S_IDLE && s.r2.state != HL_R2_S_BLOCKED) c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      break;
    case C_CALL: {
      if (!hl_r2_is_idle(&s.r2) && s.r2.state != HL_R2_S_BLOCKED) {
        emit_done(b, c.index, HL_OP_CALL, cmd.req, HL_R_ERROR, 0, 0, "busy");
        break;
      }
      // KA and KD as the call asked, else the span's (hl_r2_config: by
      // default KA 1 ordinary subscriber, KD 3 local call: the hotline's
      // call-backs). The module's timers bound the setup, so the command's
      // own timeout is not used.
      c.call.active = true;
      c.call.req = cmd.req;
      c.call.ticks = 0;
      c.call.timeout_ticks = 0;
      c.outgoing = true;
      c.state.store(HL_CH_DIALING, std::memory_order_relaxed);
      const int rc = hl_r2_call(&s.r2, cmd.u.call.calling, cmd.u.call.called, cmd.u.call.category, cmd.u.call.kd);
      if (rc != 0 && c.call.active) {
        c.call.active = false;
        c.state.store(HL_CH_IDLE, std::memory_order_relaxed);
        emit_done(b, c.index, HL_OP_CALL, cmd.req, HL_R_ERROR, 0, 0, rc == HL_EINVAL ? "bad-number" : "busy");
      }
      break;
    }
    case C_R2:
      if (cmd.u.driver.what == HL_R2_CMD_BLOCK) hl_r2_block(&s.r2, cmd.u.driver.value != 0);
      else hl_r2_set_kb(&s.r2, (int)cmd.u.driver.value);
      break;
    default:
      return false;
  }
  write_cas(b, c, s);
  return true;
}

void r2_alarm(hl_board *b, Channel &c, bool down) {
  hl_r2_fault(&c.r2->r2, down);
  write_cas(b, c, *c.r2);
}

void r2_free(hl_board *b) {
  for (int i = 0; b->ch && i < b->nch; i++) {
    delete b->ch[i].r2;
    b->ch[i].r2 = nullptr;
  }
}

}  // namespace hl

using namespace hl;

extern "C" int hl_board_set_signalling(hl_board *b, int span, const char *variant, const hl_r2_config *cfg) {
  if (!b || span < 0 || span >= b->nspans) return HL_ENOENT;
  if (!variant) return HL_EINVAL;
  if (b->running.load()) return HL_ESTATE;
  const bool plain = std::strcmp(variant, "cas") == 0;
  const hl_r2_variant *v = plain ? nullptr : hl_r2_variant_find(variant);
  if (!plain && !v) return HL_EINVAL;
  for (int k = 0; k < HL_E1_BEARERS; k++) {
    const int st = b->ch[span * HL_E1_BEARERS + k].state.load(std::memory_order_relaxed);
    if (st != HL_CH_IDLE && st != HL_CH_BLOCKED) return HL_ESTATE;
  }
  if (v) {
    hl_r2_chan probe;
    if (hl_r2_init(&probe, v, cfg, nullptr, nullptr) != 0) return HL_EINVAL;
  }
  for (int k = 0; k < HL_E1_BEARERS; k++) {
    Channel &c = b->ch[span * HL_E1_BEARERS + k];
    if (!v) {
      delete c.r2;
      c.r2 = nullptr;
      continue;
    }
    if (!c.r2) c.r2 = new (std::nothrow) R2Slot();
    if (!c.r2) return HL_ENOMEM;
    c.r2->b = b;
    c.r2->ch = c.index;
    hl_r2_init(&c.r2->r2, v, cfg, on_r2, c.r2);
    if (b->span_alarms[span] & (HL_ALARM_LOS | HL_ALARM_AIS | HL_ALARM_LOF)) hl_r2_fault(&c.r2->r2, 1);
    write_cas(b, c, *c.r2);
    for (hl_r2_snap &sn : c.r2->snap) hl_r2_snapshot(&c.r2->r2, &sn);
  }
  return 0;
}

extern "C" const hl_r2_chan *hl_board_r2(hl_board *b, int ch) {
  if (!b || ch < 0 || ch >= b->nch || !b->ch[ch].r2) return nullptr;
  return &b->ch[ch].r2->r2;
}

extern "C" int hl_board_r2_read(hl_board *b, int ch, hl_r2_snap *copy) {
  if (!b || ch < 0 || ch >= b->nch || !copy) return HL_ENOENT;
  R2Slot *s = b->ch[ch].r2;
  if (!s) return HL_ENOENT;
  if (!b->running.load()) {
    hl_r2_snapshot(&s->r2, copy);  // between steps: the state itself
    return 0;
  }
  if (s->mid.load(std::memory_order_relaxed) & kFresh) s->r = s->mid.exchange(s->r, std::memory_order_acq_rel) & 3;
  std::memcpy(copy, &s->snap[s->r], sizeof *copy);
  return 0;
}

extern "C" int hl_cmd_r2(hl_board *b, int ch, int what, int value) {
  if (!b || ch < 0 || ch >= b->nch || !b->ch[ch].r2) return HL_ENOENT;
  if ((what != HL_R2_CMD_BLOCK && what != HL_R2_CMD_KB) || (what == HL_R2_CMD_BLOCK && value != 0 && value != 1) ||
      (what == HL_R2_CMD_KB && (value < HL_R2_KB_FREE || value > HL_R2_KB_VACANT)))
    return HL_EINVAL;
  Cmd c;
  c.kind = C_R2;
  c.ch = ch;
  c.u.driver = CmdDriver{what, (double)value};
  return board_submit(b, c);
}
