// Taps: up to kMaxTaps recordings of both directions of one channel at once
// (a rolling recording, a per-call recording, a supervisor's), each with its
// own recorder, ring and file, all fed from the same two frames of a tick.
// The tick only copies samples into each tap's preallocated ring (no
// allocation, lock or JavaScript call); the writer thread does the rest
// (writer.cc), including cutting rolling segments between two frames.
//
// A tap's second side is what the channel sends (peer -1: what its caller
// hears, whatever routes, conferences and prompts make of it), or the
// received audio of another channel (the other party). hl_cmd_tap_peer
// re-points it between two ticks, so the file goes on without a gap when a
// call is transferred.
#include <cstring>

#include "board/codec.h"
#include "board/engine.h"
#include "hl_errors.h"

namespace hl {

namespace {

bool in_call(int st) { return st == HL_CH_RINGING || st == HL_CH_DIALING || st == HL_CH_CONNECTED; }

void end_tap(hl_board *b, Channel &c, int k, int reason) {
  Recorder *r = c.taps[k];
  c.taps[k] = nullptr;
  rec_end(b, r, reason, r->ticks * (uint64_t)b->tick_ms, 0);
}

void push(hl_board *b, Recorder *r, const int16_t *x, int n) {
  if (r->ring.free_space() < (size_t)n) {
    r->dropped.fetch_add((uint64_t)n, std::memory_order_relaxed);
    b->rec_dropped.fetch_add((uint64_t)n, std::memory_order_relaxed);
    return;
  }
  r->ring.push_n(x, (size_t)n);
}

void begin(hl_board *b, Recorder *r) {
  r->ticks = 0;
  r->start_ms = b->tick.load(std::memory_order_relaxed) * (uint64_t)b->tick_ms;  // this tick's first sample
  r->started.store(true, std::memory_order_release);
}

}  // namespace

bool tap_start(hl_board *b, Channel &c, Recorder *r) {
  const int st = c.state.load(std::memory_order_relaxed);
  int k = 0;
  while (k < kMaxTaps && c.taps[k]) k++;
  if (k == kMaxTaps || (!in_call(st) && !r->armed)) {
    r->refused = k == kMaxTaps ? HL_ESTATE : 0;  // HL_ESTATE: every tap slot of the channel is in use
    rec_end(b, r, k == kMaxTaps ? HL_R_ERROR : HL_R_HANGUP, 0, 0);
    return false;
  }
  c.taps[k] = r;
  if (in_call(st)) begin(b, r);
  return true;
}

void taps_stop(hl_board *b, Channel &c, uint32_t req, int reason) {
  for (int k = 0; k < kMaxTaps; k++)
    if (c.taps[k] && (req == 0 || c.taps[k]->req == req)) end_tap(b, c, k, reason);
}

void tap_peer(hl_board *b, Channel &c, uint32_t req, int peer) {
  (void)b;
  for (int k = 0; k < kMaxTaps; k++)
    if (c.taps[k] && c.taps[k]->req == req) c.taps[k]->peer = peer;
}

void taps_tick(hl_board *b, Channel &c) {
  const int n = b->samples;
  const int16_t *rx = b->rx_lin + (size_t)c.index * n;
  const int16_t *tx = b->tx_lin + (size_t)c.index * n;
  for (int k = 0; k < kMaxTaps; k++) {
    Recorder *r = c.taps[k];
    if (!r) continue;
    if (r->err.load(std::memory_order_relaxed)) {  // the disk failed: the writer said so
      end_tap(b, c, k, HL_R_ERROR);
      continue;
    }
    if (!r->started.load(std::memory_order_relaxed)) {
      if (!in_call(c.state.load(std::memory_order_relaxed))) continue;  // armed: waits for a call
      begin(b, r);
    }
    const int16_t *other = r->peer >= 0 ? b->rx_lin + (size_t)r->peer * n : tx;
    int16_t buf[2 * kMaxSamples];
    if (r->tap == 1) {
      for (int i = 0; i < n; i++) {
        buf[2 * i] = rx[i];
        buf[2 * i + 1] = other[i];
      }
      push(b, r, buf, 2 * n);
    } else {
      for (int i = 0; i < n; i++) buf[i] = sat16((int32_t)rx[i] + other[i]);
      push(b, r, buf, n);
    }
    r->ticks++;
    if (r->max_ticks && r->ticks >= r->max_ticks) end_tap(b, c, k, HL_R_DONE);
  }
}

}  // namespace hl

using namespace hl;

extern "C" int hl_cmd_tap_peer(hl_board *b, int ch, uint32_t req, int peer) {
  if (!b || ch < 0 || ch >= b->nch) return HL_ENOENT;
  if (peer < -1 || peer >= b->nch || peer == ch) return HL_EINVAL;
  Cmd c;
  c.kind = C_TAPPEER;
  c.ch = ch;
  c.req = req;
  c.u.tappeer.peer = peer;
  return submit(b, c);
}
