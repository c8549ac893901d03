// Per-channel media operations inside the tick: player, DTMF/tone sender,
// digit buffer and get-digits, recorder and taps. Nothing here allocates or
// locks: clips and recorders are created by the control thread and handed back
// through the retire ring when an operation ends.
#include <cmath>
#include <cstring>

#include "board/codec.h"
#include "board/engine.h"
#include "hl_errors.h"

using namespace hl;

namespace {

// One DTMF key (Q.23): tone then gap, high tone 2 dB above the low one
// (the usual pre-emphasis against line loss at higher frequencies).
// MF R2 codes go through dsp/mf_r2.h's sender (both frequencies at the same
// level, Q.454 §1.4), on for on_ms then off for off_ms.
void start_key(Sender &s) {
  if (s.mf_dir >= 0) {
    hl_mf_r2_tx_set(&s.mf, (unsigned char)s.digits[s.idx]);
    s.key_pos = 0;
    return;
  }
  hl_tone_desc d;
  hl_tone_desc_dtmf(&d, s.digits[s.idx], s.level_dbm0, s.level_dbm0 + 2.0f, s.on_ms, s.off_ms);
  hl_tone_gen_init(&s.gen, &d);
}

// MF R2 pulses: fills tx from the current code's tone and gap, moving to the
// next code at each gap's end. Returns false once the last gap is over.
bool mf_pulses(Sender &s, int16_t *tx, size_t n) {
  const uint32_t on = s.on_ms * 8, key = (s.on_ms + s.off_ms) * 8;
  size_t i = 0;
  while (i < n) {
    if (s.key_pos == on) hl_mf_r2_tx_set(&s.mf, 0);  // the gap
    if (s.key_pos >= key) {
      ++s.idx;
      start_key(s);
    }
    const uint32_t edge = s.key_pos < on ? on : key;
    size_t m = edge - s.key_pos;
    if (m > n - i) m = n - i;
    hl_mf_r2_tx(&s.mf, tx + i, m);
    s.key_pos += (uint32_t)m;
    s.elapsed += m;
    i += m;
    if (s.key_pos >= key && s.idx + 1 >= s.nd) {  // the last gap is over
      std::memset(tx + i, 0, sizeof(int16_t) * (n - i));
      return false;
    }
  }
  return true;
}

uint64_t now_ms(hl_board *b) { return (b->tick.load(std::memory_order_relaxed) + 1) * (uint64_t)b->tick_ms; }

void retire(hl_board *b, uint8_t kind, void *p, int n) {
  Retire r;
  r.kind = kind;
  r.p = p;
  r.n = n;
  // Cannot fail (hl_board_create sizes the retire ring); counted if it did,
  // as the object would leak.
  if (!b->retire.push(r)) b->lost.fetch_add(1, std::memory_order_relaxed);
}

void end_play(hl_board *b, Channel &c, int reason) {
  Player &p = c.play;
  if (!p.active) return;
  p.active = false;
  retire(b, RT_CLIPS, p.clips, p.n);
  p.clips = nullptr;
  emit_done(b, c.index, HL_OP_PLAY, p.req, reason, p.played / 8, p.idx);
}

void end_send(hl_board *b, Channel &c, int reason) {
  Sender &s = c.send;
  if (!s.active) return;
  s.active = false;
  emit_done(b, c.index, s.op, s.req, reason, s.elapsed / 8);
}

void end_collect(hl_board *b, Channel &c, int reason, char term) {
  Collect &k = c.collect;
  if (!k.active) return;
  k.active = false;
  k.got[k.n] = 0;
  uint64_t elapsed = (b->tick.load(std::memory_order_relaxed) + 1 - k.start_tick) * (uint64_t)b->tick_ms;
  emit_done(b, c.index, HL_OP_GETDIGITS, k.req, reason, elapsed, term, k.got);
}

void end_call(hl_board *b, Channel &c, int reason) {
  if (!c.call.active) return;
  c.call.active = false;
  emit_done(b, c.index, HL_OP_CALL, c.call.req, reason, c.call.ticks * (uint64_t)b->tick_ms);
}

// The tick's part of ending a recording: the writer finishes the file and
// only then is the completion queued (writer.cc), so a `done` always means a
// complete, durable file.
void end_rec(hl_board *b, Channel &c, Recorder *&slot, int reason, char digit) {
  Recorder *r = slot;
  if (!r) return;
  slot = nullptr;
  rec_end(b, r, reason, r->ticks * (uint64_t)b->tick_ms, digit);
}

// Runs get-digits over the digit buffer.
void collect_digits(hl_board *b, Channel &c) {
  Collect &k = c.collect;
  while (k.active && c.ndigits > 0) {
    char d = c.digits[0];
    std::memmove(c.digits, c.digits + 1, (size_t)--c.ndigits);
    int bit = hl_digit_bit(d);
    if (bit >= 0 && (k.term & (1u << bit))) {
      end_collect(b, c, HL_R_DIGIT, d);
      return;
    }
    k.got[k.n++] = d;
    k.timer = k.inter_ticks;
    if (k.n >= k.max) {
      end_collect(b, c, HL_R_MAXDIGITS, 0);
      return;
    }
  }
}

void rec_push(hl_board *b, Recorder *r, const int16_t *x, int n) {
  if (r->ring.free_space() < (size_t)n) {
    r->dropped.fetch_add((uint64_t)n, std::memory_order_relaxed);
    b->rec_dropped.fetch_add((uint64_t)n, std::memory_order_relaxed);
    return;
  }
  r->ring.push_n(x, (size_t)n);
}

bool in_call(int st) { return st == HL_CH_RINGING || st == HL_CH_DIALING || st == HL_CH_CONNECTED; }

const uint32_t kAll = 0xffffffffu;

}  // namespace

namespace hl {

void on_digit(hl_board *b, Channel &c, char d, uint64_t start_ms) {
  if (c.ndigits == kDigitBuf) std::memmove(c.digits, c.digits + 1, (size_t)--c.ndigits);  // keep the newest
  c.digits[c.ndigits++] = d;
  char text[2] = {d, 0};
  // The start travels as "ms before the event's time" (small), not as board
  // time: a 32-bit board-ms count would wrap after 24.8 days of service.
  uint64_t t = now_ms(b);
  emit(b, HL_EV_DIGIT, c.index, c.span, (int)(t > start_ms ? t - start_ms : 0), 0, text);
  int bit = hl_digit_bit(d);
  if (bit >= 0) {
    if (c.play.active && (c.play.stop_mask & (1u << bit))) end_play(b, c, HL_R_DIGIT);
    if (c.rec && (c.rec->stop_mask & (1u << bit))) end_rec(b, c, c.rec, HL_R_DIGIT, d);
  }
  collect_digits(b, c);
}

void media_stop(hl_board *b, Channel &c, uint32_t which, uint32_t req, int reason) {
  auto match = [&](int op, uint32_t r) { return (which & (1u << op)) && (req == 0 || req == r); };
  if (c.play.active && match(HL_OP_PLAY, c.play.req)) end_play(b, c, reason);
  if (c.send.active && match(c.send.op, c.send.req)) end_send(b, c, reason);
  if (c.collect.active && match(HL_OP_GETDIGITS, c.collect.req)) end_collect(b, c, reason, 0);
  if (c.call.active && match(HL_OP_CALL, c.call.req)) end_call(b, c, reason);
  if (c.rec && match(HL_OP_RECORD, c.rec->req)) end_rec(b, c, c.rec, reason, 0);
  if (which & (1u << HL_OP_TAP)) taps_stop(b, c, req, reason);
}

void apply_media_cmd(hl_board *b, const Cmd &cmd) {
  Channel &c = b->ch[cmd.ch];
  const int st = c.state.load(std::memory_order_relaxed);
  switch (cmd.kind) {
    case C_PLAY: {
      const CmdPlay &cp = cmd.u.play;
      hl_clip **clips = cp.clips;
      if (!in_call(st) || c.play.active) {
        retire(b, RT_CLIPS, clips, cp.n);
        emit_done(b, c.index, HL_OP_PLAY, cmd.req, c.play.active ? HL_R_ERROR : HL_R_HANGUP, 0, 0);
        return;
      }
      Player &p = c.play;
      p.active = true;
      p.req = cmd.req;
      p.clips = clips;
      p.n = cp.n;
      p.idx = 0;
      p.pos = 0;
      p.played = 0;
      p.stop_mask = cp.stop_mask;
      p.mix = cp.mix;
      // A digit already waiting in the buffer interrupts at once (type-ahead).
      for (int i = 0; i < c.ndigits; i++) {
        int bit = hl_digit_bit(c.digits[i]);
        if (bit >= 0 && (p.stop_mask & (1u << bit))) {
          end_play(b, c, HL_R_DIGIT);
          break;
        }
      }
      return;
    }
    case C_GETDIGITS: {
      if (!in_call(st) || c.collect.active) {
        emit_done(b, c.index, HL_OP_GETDIGITS, cmd.req, c.collect.active ? HL_R_ERROR : HL_R_HANGUP, 0);
        return;
      }
      Collect &k = c.collect;
      k.active = true;
      k.req = cmd.req;
      const CmdGetDigits &g = cmd.u.getdigits;
      k.max = g.max;
      k.term = g.term_mask;
      k.first_ticks = g.first_ticks;
      k.inter_ticks = g.inter_ticks;
      k.timer = k.first_ticks;
      k.n = 0;
      k.start_tick = b->tick.load(std::memory_order_relaxed);
      if (g.clear) c.ndigits = 0;
      collect_digits(b, c);
      return;
    }
    case C_SENDDIGITS:
    case C_SENDMF:
    case C_TONE: {
      int op = cmd.kind == C_TONE ? HL_OP_TONE : cmd.kind == C_SENDMF ? HL_OP_SENDMF : HL_OP_SENDDIGITS;
      if (!in_call(st) || c.send.active) {
        emit_done(b, c.index, op, cmd.req, c.send.active ? HL_R_ERROR : HL_R_HANGUP, 0);
        return;
      }
      Sender &s = c.send;
      s.active = true;
      s.req = cmd.req;
      s.op = op;
      s.elapsed = 0;
      s.idx = 0;
      s.mf_dir = -1;
      s.limit_samples = 0;
      s.mix = op == HL_OP_TONE ? cmd.u.tone.mix : op == HL_OP_SENDDIGITS ? cmd.u.senddigits.mix : false;
      if (op == HL_OP_SENDMF) {
        const CmdSendMf &m = cmd.u.sendmf;
        s.mf_dir = m.dir;
        hl_mf_r2_tx_init(&s.mf, m.dir, m.level_dbm0);  // level checked by hl_cmd_sendmf
        std::memcpy(s.digits, m.codes, (size_t)m.n);  // codes 1..15 as chars
        s.nd = m.n;
        s.on_ms = m.on_ms;
        s.off_ms = m.off_ms;
        s.level_dbm0 = m.level_dbm0;
        start_key(s);
      } else if (op == HL_OP_SENDDIGITS) {
        const CmdSendDigits &d = cmd.u.senddigits;
        std::memcpy(s.digits, d.digits, sizeof s.digits);
        s.digits[sizeof s.digits - 1] = 0;
        s.nd = (int)std::strlen(s.digits);
        s.on_ms = d.on_ms;
        s.off_ms = d.off_ms;
        s.level_dbm0 = d.level_dbm0;
        start_key(s);
      } else {
        // China call-progress tones at -10 dBm0 (dsp/tone_gen.h cadences).
        s.tone = cmd.u.tone.kind;
        hl_tone_desc d;
        hl_tone_desc_china(&d, (hl_tone_china)s.tone, HL_TONE_CN_DBM0);
        hl_tone_gen_init(&s.gen, &d);
        s.limit_samples = (uint64_t)cmd.u.tone.duration_ms * 8;
      }
      return;
    }
    case C_RECORD: {
      Recorder *r = cmd.u.record.rec;
      if (r->tap) {
        tap_start(b, c, r);  // taps.cc
        return;
      }
      Recorder *&slot = c.rec;
      if (!in_call(st) || slot) {
        r->refused = slot ? HL_ESTATE : 0;  // busy: one record (or tap) at a time per channel
        rec_end(b, r, slot ? HL_R_ERROR : HL_R_HANGUP, 0, 0);
        return;
      }
      slot = r;
      r->ticks = 0;
      if (r->vad_on) hl_energy_init(&r->vad, &r->vad_desc, nullptr, nullptr);
      // A stop digit already in the buffer ends it at once (type-ahead).
      for (int i = 0; i < c.ndigits; i++) {
        int bit = hl_digit_bit(c.digits[i]);
        if (bit >= 0 && (r->stop_mask & (1u << bit))) {
          end_rec(b, c, c.rec, HL_R_DIGIT, c.digits[i]);
          break;
        }
      }
      return;
    }
    case C_TAPPEER:
      tap_peer(b, c, cmd.req, cmd.u.tappeer.peer);
      return;
    case C_STOP:
      media_stop(b, c, cmd.u.stop.which, cmd.req, HL_R_STOPPED);
      return;
    case C_CLEARDIGITS:
      c.ndigits = 0;
      return;
    case C_DETECT:
      if (cmd.u.detect.dtmf >= 0) {
        if (cmd.u.detect.dtmf && !c.detect_dtmf) hl_dtmf_init(&c.dtmf, c.dtmf.desc, nullptr, nullptr);  // restart clean
        c.detect_dtmf = cmd.u.detect.dtmf != 0;
      }
      if (cmd.u.detect.tones >= 0) c.detect_tones = cmd.u.detect.tones != 0;
      return;
    case C_MFTONE:
      if (cmd.u.mftone.code == 0) {
        c.mf_tone_on = false;
      } else {
        // Continuous until changed (compelled signalling); a new code starts at zero phase.
        hl_mf_r2_tx_init(&c.mf_tone, cmd.u.mftone.dir, cmd.u.mftone.level_dbm0);
        hl_mf_r2_tx_set(&c.mf_tone, cmd.u.mftone.code);
        c.mf_tone_on = true;
      }
      return;
    case C_ECHO:
      c.ec_params = cmd.u.echo.p;
      c.ec_want = cmd.u.echo.on != 0;
      echo_set(b, c, c.ec_want);
      return;
    case C_DETECTMF:
      c.mf_rx_dir = cmd.u.flag.value;
      c.mf_rx_code = 0;
      if (c.mf_rx_dir >= 0) hl_mf_r2_rx_init(&c.mf_rx, c.mf_rx_dir, nullptr, nullptr);
      return;
  }
}

void media_rx(hl_board *b, Channel &c) {
  const int st = c.state.load(std::memory_order_relaxed);
  if (st == HL_CH_IDLE || st == HL_CH_BLOCKED) {
    if (c.ec_want && !c.ec_on && !c.ec_drv) echo_set(b, c, true);  // a fax call turned it off: back for the next call, learning afresh
    return;
  }
  const int n = b->samples;
  const int16_t *rx = b->rx_lin + (size_t)c.index * n;
  if (c.call.active) {
    c.call.ticks++;
    if (c.call.timeout_ticks && c.call.ticks >= c.call.timeout_ticks) {
      end_call(b, c, HL_R_TIMEOUT);
      // Give up the seizure: clear-forward.
      c.cas_tx = 0x9;
      driver_rc(b, c.span, b->drv.ops->cas_write(b->drv.self, c.span, c.ts, c.cas_tx), "cas_write");
      c.clear_ticks = 0;
      c.state.store(HL_CH_CLEARING, std::memory_order_relaxed);
      return;
    }
  }
  if (st == HL_CH_CLEARING) return;
  // The echo of what we sent leaves the received audio before anything reads
  // it (in place: detectors, recorders, routes all get the caller's side).
  if (c.ec_on) hl_echo_rx(&c.ec, b->rx_lin + (size_t)c.index * n, c.ec_ref, b->rx_lin + (size_t)c.index * n, (size_t)n);
  hl_dtmf_event ev;
  if (c.detect_dtmf) hl_dtmf_rx_i16(&c.dtmf, rx, (size_t)n);
  while (c.detect_dtmf && hl_dtmf_get_event(&c.dtmf, &ev)) {
    if (ev.type != HL_DTMF_EV_START) continue;
    // Detector sample counts -> board ms: the tick's end is "now".
    uint64_t behind = (hl_dtmf_samples(&c.dtmf) - ev.start) / 8;
    uint64_t t = now_ms(b);
    on_digit(b, c, ev.digit, t > behind ? t - behind : 0);
  }
  if (c.mf_rx_dir >= 0) {
    hl_mf_r2_rx(&c.mf_rx, rx, (size_t)n);
    int code = hl_mf_r2_rx_code(&c.mf_rx);
    if (code != c.mf_rx_code) {
      c.mf_rx_code = code;
      emit(b, HL_EV_MF, c.index, c.span, code, c.mf_rx_dir);
    }
  }
  // Call-progress and fax tones: on request, and always while a call we
  // placed is not answered yet (ringback, busy, congestion tell how it goes).
  const bool tones = c.detect_tones || (c.outgoing && st == HL_CH_DIALING);
  if (tones) {
    if (!c.tones_running) {
      hl_callprog_init(&c.cp, b->cp_desc, nullptr, nullptr);
      c.tones_running = true;
    }
    hl_callprog_rx(&c.cp, rx, (size_t)n);
    hl_callprog_event cev;
    while (hl_callprog_get_event(&c.cp, &cev)) {
      if (cev.on) emit(b, HL_EV_TONE, c.index, c.span, cev.tone);
      if (cev.on && (cev.tone == HL_CP_FAX_CNG || cev.tone == HL_CP_FAX_CED)) echo_set(b, c, false);  // fax: no canceller
    }
  } else {
    c.tones_running = false;
  }
  if (c.rec && c.rec->err.load(std::memory_order_relaxed)) end_rec(b, c, c.rec, HL_R_ERROR, 0);  // disk failed
  if (c.rec) {
    Recorder *r = c.rec;
    rec_push(b, r, rx, n);
    r->ticks++;
    if (r->vad_on && hl_energy_rx(&r->vad, rx, (size_t)n) > 0) {
      hl_energy_event ev;
      bool quiet = false;
      while (hl_energy_get_event(&r->vad, &ev)) quiet = ev.type == HL_ENERGY_EV_SILENCE;
      if (quiet) end_rec(b, c, c.rec, HL_R_SILENCE, 0);
    }
    if (c.rec && r->max_ticks && r->ticks >= r->max_ticks) end_rec(b, c, c.rec, HL_R_TIMEOUT, 0);
  }
  Collect &k = c.collect;
  if (k.active) {
    if (k.timer > 0 && --k.timer == 0) end_collect(b, c, HL_R_TIMEOUT, 0);
  }
}

// The sender's frame (digits, MF pulses or a cadenced tone) into out.
static void send_tx(hl_board *b, Channel &c, int16_t *tx) {
  const int n = b->samples;
  Sender &s = c.send;
  if (s.op == HL_OP_SENDMF) {
    if (!mf_pulses(s, tx, (size_t)n)) end_send(b, c, HL_R_DONE);
  } else if (s.op == HL_OP_SENDDIGITS) {
    size_t i = 0;
    while (i < (size_t)n) {
      size_t got = hl_tone_gen_tx(&s.gen, tx + i, (size_t)n - i);
      s.elapsed += got;
      i += got;
      if (i < (size_t)n || hl_tone_gen_done(&s.gen)) {
        if (++s.idx >= s.nd) {
          end_send(b, c, HL_R_DONE);  // the rest of tx is already silence
          break;
        }
        start_key(s);
      }
    }
  } else {
    size_t chunk = (size_t)n;
    if (s.limit_samples && s.elapsed + chunk > s.limit_samples) chunk = (size_t)(s.limit_samples - s.elapsed);
    hl_tone_gen_tx(&s.gen, tx, chunk);
    if (chunk < (size_t)n) std::memset(tx + chunk, 0, sizeof(int16_t) * ((size_t)n - chunk));
    s.elapsed += chunk;
    if (s.limit_samples && s.elapsed >= s.limit_samples) end_send(b, c, HL_R_DONE);
  }
}

// The player's frame into tx (silence after the last clip).
static void play_tx(hl_board *b, Channel &c, int16_t *tx) {
  const int n = b->samples;
  Player &p = c.play;
  int i = 0;
  while (i < n && p.idx < p.n) {
    hl_clip *clip = p.clips[p.idx];
    int chunk = clip->samples - p.pos;
    if (chunk > n - i) chunk = n - i;
    if (chunk > 0) std::memcpy(tx + i, clip->pcm + p.pos, sizeof(int16_t) * (size_t)chunk);
    else chunk = 0;
    i += chunk;
    p.pos += chunk;
    p.played += (uint64_t)chunk;
    if (p.pos >= clip->samples) {
      p.idx++;
      p.pos = 0;
    }
  }
  if (i < n) std::memset(tx + i, 0, sizeof(int16_t) * (size_t)(n - i));
  if (p.idx >= p.n) end_play(b, c, HL_R_DONE);
}

// tx holds what routes and conferences send. A sender or player replaces it
// (the default: IVR prompts, signalling), or, started with HL_TX_MIX, adds to
// it (a beep or an announcement heard over a bridge, a whisper).
void media_tx(hl_board *b, Channel &c, int16_t *tx) {
  const int n = b->samples;
  stream_tx(b, c, tx);  // stream.cc: a virtual station's voice, added to routes and conferences
  if (c.send.active && !c.send.mix) {
    send_tx(b, c, tx);
    return;
  }
  if (c.mf_tone_on) {  // compelled MF signalling owns the line while it sends
    hl_mf_r2_tx(&c.mf_tone, tx, (size_t)n);
    return;
  }
  int16_t buf[kMaxSamples];
  if (c.play.active) {
    if (c.play.mix) {
      play_tx(b, c, buf);
      tx_add(tx, buf, n);
    } else {
      play_tx(b, c, tx);
    }
  }
  if (c.send.active) {  // a mixing sender
    std::memset(buf, 0, sizeof buf);
    send_tx(b, c, buf);
    tx_add(tx, buf, n);
  }
}

// The driver's canceller when it has one for this channel and parameters
// ask for it (taps > 0), else dsp/echo; on again it starts learning afresh.
void echo_set(hl_board *b, Channel &c, bool on) {
  if (c.ec_drv || (on && c.ec_params.taps > 0 && b->drv.ops->echo)) {
    hl_driver_echo off{};
    const int rc = b->drv.ops->echo(b->drv.self, c.span, c.ts, on ? &c.ec_params : &off);
    if (rc == 0) {
      c.ec_drv = on;
      c.ec_on = false;
      return;
    }
    if (rc != HL_ENOTSUP) driver_rc(b, c.span, rc, "echo");
    c.ec_drv = false;  // the board's own from here
  }
  if (on && !c.ec_on) {
    hl_echo_init(&c.ec, b->ec_desc);
    std::memset(c.ec_ref, 0, sizeof c.ec_ref);
  }
  c.ec_on = on;
}

void media_taps(hl_board *b, Channel &c) {
  // What this tick sends is the echo canceller's reference for the next
  // tick's received audio (sent now, heard back a tick later at the soonest).
  if (c.ec_on) std::memcpy(c.ec_ref, b->tx_lin + (size_t)c.index * b->samples, sizeof(int16_t) * (size_t)b->samples);
  taps_tick(b, c);  // taps.cc
  stream_rx(b, c);  // stream.cc: what the channel received, to JavaScript
}

}  // namespace hl

// ------------------------------------------------------------------ clips

extern "C" int hl_clip_create(const uint8_t *data, size_t bytes, int format, double gain_db, hl_clip **out) {
  if (!out || (!data && bytes)) return HL_EINVAL;
  size_t samples;
  if (format == HL_WAV_PCM16) samples = bytes / 2;
  else if (format == HL_WAV_ALAW || format == HL_WAV_MULAW) samples = bytes;
  else return HL_EFORMAT;
  if (samples > (size_t)8000 * 3600) return HL_ERANGE;  // an hour of prompt is a mistake
  if (!std::isfinite(gain_db) || gain_db < -60 || gain_db > 30) return HL_ERANGE;
  hl_clip *c = new (std::nothrow) hl_clip();
  if (!c) return HL_ENOMEM;
  c->pcm = new (std::nothrow) int16_t[samples ? samples : 1];
  if (!c->pcm) { delete c; return HL_ENOMEM; }
  c->samples = (int)samples;
  const double g = std::pow(10.0, gain_db / 20.0);
  for (size_t i = 0; i < samples; i++) {
    int32_t v;
    if (format == HL_WAV_PCM16) v = (int16_t)(data[2 * i] | (data[2 * i + 1] << 8));
    else if (format == HL_WAV_ALAW) v = alaw_to_lin(data[i]);
    else v = ulaw_to_lin(data[i]);
    if (gain_db != 0) v = (int32_t)std::lrint(v * g);
    c->pcm[i] = sat16(v);
  }
  *out = c;
  return 0;
}

extern "C" int hl_clip_from_wav(const uint8_t *wav, size_t len, double gain_db, hl_clip **out, char *why, size_t cap) {
  hl_wav_info info;
  int rc = hl_wav_parse(wav, len, HL_WAV_LENIENT, &info);
  if (rc != 0) {
    if (why && cap) std::snprintf(why, cap, "%s", info.reason);
    return rc;
  }
  if (info.channels != 1) {
    if (why && cap) std::snprintf(why, cap, "the file has %d channels; prompts must be mono", info.channels);
    return HL_EFORMAT;
  }
  return hl_clip_create(wav + info.data_offset, info.data_bytes, info.format, gain_db, out);
}

extern "C" hl_clip *hl_clip_ref(hl_clip *c) {
  if (c) c->refs.fetch_add(1, std::memory_order_relaxed);
  return c;
}

extern "C" void hl_clip_free(hl_clip *c) {
  if (!c) return;
  if (c->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  delete[] c->pcm;
  delete c;
}

extern "C" int hl_clip_samples(const hl_clip *c) { return c ? c->samples : 0; }
