// CAS line states on the ABCD bits (see line.h), one step per tick.
#include "signalling/line.h"

namespace hl {

void set_cas(hl_board *b, Channel &c, uint8_t bits) {
  if (c.cas_tx == bits) return;
  c.cas_tx = bits;
  driver_rc(b, c.span, b->drv.ops->cas_write(b->drv.self, c.span, c.ts, bits), "cas_write");
}

void end_flash(hl_board *b, Channel &c, int reason) {
  if (!c.flash_ticks) return;
  c.flash_ticks = 0;
  emit_done(b, c.index, HL_OP_FLASH, c.flash_req, reason, 0);
}

void go_idle(hl_board *b, Channel &c) {
  media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
  end_flash(b, c, HL_R_HANGUP);
  c.hook_pending = false;
  c.mf_tone_on = false;
  if (c.route_src >= 0) c.route_src = -1;
  for (int i = 0; i < b->nch; i++)
    if (b->ch[i].route_src == c.index) b->ch[i].route_src = -1;
  if (c.conf >= 0) {
    Conference &cf = b->confs[c.conf];
    for (int i = 0; i < cf.n; i++)
      if (cf.members[i] == c.index) { cf.members[i] = cf.members[--cf.n]; break; }
    c.conf = -1;
  }
  c.ndigits = 0;
  c.outgoing = false;
  c.state.store(HL_CH_IDLE, std::memory_order_relaxed);
  emit(b, HL_EV_IDLE, c.index, c.span);
}

// The far end cleared or the span failed during a call: stop operations.
void far_cleared(hl_board *b, Channel &c, int cause) {
  emit(b, HL_EV_HANGUP, c.index, c.span, cause);
  media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
}


void line_rx(hl_board *b, Channel &c, uint8_t rx) {
  int st = c.state.load(std::memory_order_relaxed);
  if (st == HL_CH_BLOCKED) return;
  if (c.flash_ticks && --c.flash_ticks == 0) {  // our flash is over: off-hook again
    c.flash_ticks = 1;
    set_cas(b, c, c.flash_restore);
    end_flash(b, c, HL_R_DONE);
  }
  if (rx != c.cas_rx) {
    const uint8_t prev = c.cas_rx;
    c.cas_rx = rx;
    emit(b, HL_EV_CAS, c.index, c.span, rx);
    if (c.hook_guard && st == HL_CH_CONNECTED) {
      const uint8_t on_hook = c.outgoing ? kAck : kIdle;
      if (c.hook_pending) {
        c.hook_pending = false;
        if (rx == c.hook_offcode) {
          if (c.hook_ticks * (uint32_t)b->tick_ms >= kFlashMinMs) emit(b, HL_EV_FLASH, c.index, c.span);
          return;
        }
      } else if (rx == on_hook) {
        c.hook_pending = true;
        c.hook_ticks = 0;
        c.hook_offcode = prev;
        return;
      }
    }
  } else if (c.hook_pending) {
    if (++c.hook_ticks * (uint32_t)b->tick_ms < kFlashMaxMs) return;
    c.hook_pending = false;  // on-hook for good: a clear, handled below
  } else {
    // No change. A clear that the far end never saw (a seizure released in the
    // same tick it was made) leaves the far end idle all along: after the
    // round trip (one tick each way, plus one), idle in means released.
    if (st == HL_CH_CLEARING && rx == kIdle && ++c.clear_ticks >= 3) {
      set_cas(b, c, kIdle);
      go_idle(b, c);
    }
    return;
  }
  switch (st) {
    case HL_CH_IDLE:
      if (rx == kSeize) {
        c.outgoing = false;
        set_cas(b, c, kAck);
        c.state.store(HL_CH_RINGING, std::memory_order_relaxed);
        char calling[HL_NUMBER_MAX + 1] = {}, called[HL_NUMBER_MAX + 1] = {};
        char text[sizeof(hl_event::text)] = {};
        if (b->numbers.get) driver_rc(b, c.span, b->numbers.get(b->numbers.self, c.span, c.ts, calling, called, sizeof calling), "numbers");
        // text = "calling|called": HL_NUMBER_MAX digits each fit (board.h).
        static_assert(sizeof text >= 2 * HL_NUMBER_MAX + 2, "ring text holds both numbers");
        std::snprintf(text, sizeof text, "%s|%s", calling, called);
        emit(b, HL_EV_RING, c.index, c.span, 0, 0, text);
      }
      break;
    case HL_CH_RINGING:
    case HL_CH_CONNECTED:
      if (!c.outgoing) {
        if (rx == kIdle) {  // clear-forward
          far_cleared(b, c, 0);
          set_cas(b, c, kIdle);
          go_idle(b, c);
        }
      } else if (rx == kAck || rx == kReject) {  // clear-back
        far_cleared(b, c, 0);
        set_cas(b, c, kIdle);
        c.clear_ticks = 0;
        c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      }
      break;
    case HL_CH_DIALING:
      if (rx == kAnswer) {
        c.state.store(HL_CH_CONNECTED, std::memory_order_relaxed);
        emit(b, HL_EV_ANSWER, c.index, c.span);
        if (c.call.active) {
          c.call.active = false;
          emit_done(b, c.index, HL_OP_CALL, c.call.req, HL_R_DONE, c.call.ticks * (uint64_t)b->tick_ms);
        }
      } else if (rx == kSeize) {
        // Dual seizure (glare): the far end seized the same timeslot and sends
        // a seizure where we wait for its seize-acknowledge (Q.421). Neither
        // side will ever acknowledge, so both give up at once: the call fails
        // ('error', for the caller to retry) and the seizure is released;
        // the line is idle again when both ends send idle.
        media_stop(b, c, 1u << HL_OP_CALL, 0, HL_R_ERROR);
        media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
        set_cas(b, c, kIdle);
        c.clear_ticks = 0;
        c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      } else if (rx == kReject || rx == kIdle) {
        far_cleared(b, c, 0);
        set_cas(b, c, kIdle);
        c.clear_ticks = 0;
        c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      }
      break;
    case HL_CH_CLEARING:
      // Both ends idle (1001): the far end released too (release guard).
      if (rx == kIdle) {
        set_cas(b, c, kIdle);
        go_idle(b, c);
      }
      break;
  }
}

void line_kinds(hl_board *b, Channel &c, const hl_line &ln) {
  // Bits go through line_rx (the state above); every other kind with news
  // is told as it is, one event per kind and tick (its slot's newest value).
  for (int k = HL_LINE_HOOK; k < HL_LINE_KINDS; k++)
    if (ln.pending & (1u << k)) emit(b, HL_EV_LINE, c.index, c.span, k, ln.value[k]);
  // A card that times the flash itself (DAHDI's WINKFLASH on a station
  // port) gives it whole: the same flash as one timed on the bits.
  if ((ln.pending & (1u << HL_LINE_FLASH)) && c.hook_guard && c.state.load(std::memory_order_relaxed) == HL_CH_CONNECTED)
    emit(b, HL_EV_FLASH, c.index, c.span);
}

void local_hangup(hl_board *b, Channel &c) {
  int st = c.state.load(std::memory_order_relaxed);
  if (st == HL_CH_IDLE || st == HL_CH_BLOCKED || st == HL_CH_CLEARING) return;
  end_flash(b, c, HL_R_HANGUP);
  c.hook_pending = false;
  media_stop(b, c, 0xffffffffu, 0, HL_R_HANGUP);
  if (c.outgoing) {
    set_cas(b, c, kIdle);  // clear-forward
  } else {
    set_cas(b, c, st == HL_CH_RINGING ? kReject : kAck);  // clear-back
  }
  c.clear_ticks = 0;
        c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
}

}  // namespace hl
