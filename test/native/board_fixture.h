// Helpers shared by the C++ board tests: a stepped board on the sim driver
// and a run of ticks collecting every event drained.
#ifndef HL_TEST_BOARD_FIXTURE_H
#define HL_TEST_BOARD_FIXTURE_H
#include <vector>

#include "board/board.h"
#include "drivers/sim/sim.h"

// A board of `spans` sim E1 spans, cabled as `peers` says (peers[i] = the span
// at the other end of span i's cable), 10 ms ticks. nullptr on failure.
static inline hl_board *sim_board(int spans, const int *peers) {
  hl_board_config cfg{};
  if (hl_sim_create(spans, peers, 80, 10, &cfg.driver) != 0) return nullptr;
  cfg.spans = spans;
  cfg.tick_ms = 10;
  const hl_numbers_io numbers = hl_sim_numbers(&cfg.driver);
  hl_board *b = nullptr;
  if (hl_board_create(&cfg, &b) != 0) return nullptr;
  hl_board_set_numbers(b, &numbers);  // the sim's side channel (not the contract's)
  return b;
}

// Steps `ms` of board time and returns the events drained meanwhile.
static inline std::vector<hl_event> run(hl_board *b, int ms) {
  std::vector<hl_event> all;
  hl_event ev[256];
  for (int t = 0; t < ms / 10; t++) {
    hl_board_step(b, 1, 0);
    int n;
    while ((n = hl_board_drain(b, ev, 256)) > 0) all.insert(all.end(), ev, ev + n);
  }
  return all;
}

// A driver around the sim one, for faults the sim never makes. Flood: while
// `on`, every bearer of the spans from `from_span` up receives CAS bits
// toggling 1001 <-> 1011 each tick (an idle line whose B bit flaps: one
// HL_EV_CAS per channel and tick, no state change). fail_read_span: read()
// on that span returns fail_rc. `destroyed` counts destroy calls (ownership).
struct WrapDriver {
  hl_driver inner{};
  bool on = false;
  int from_span = 1 << 30;
  uint64_t ticks_on = 0;  // flooding ticks so far
  int destroyed = 0;
  uint8_t bits = 0x9;
  int fail_read_span = -1, fail_rc = 0;
};
static inline WrapDriver *F(void *d) { return static_cast<WrapDriver *>(d); }
static inline int f_read(void *d, int s, uint8_t *rx, int n) {
  int rc = F(d)->inner.ops->read(F(d)->inner.self, s, rx, n);
  return s == F(d)->fail_read_span ? F(d)->fail_rc : rc;
}
static inline int f_write(void *d, int s, const uint8_t *tx, int n) { return F(d)->inner.ops->write(F(d)->inner.self, s, tx, n); }
static inline int f_line_read(void *d, int s, hl_line *lines) {
  WrapDriver *f = F(d);
  int rc = f->inner.ops->line_read(f->inner.self, s, lines);
  if (s >= f->from_span) {
    for (int ts = 1; ts < 32; ts++)
      if (ts != 16) lines[ts].abcd = f->bits;
  }
  return rc;
}
static inline int f_cas_write(void *d, int s, int ts, uint8_t v) { return F(d)->inner.ops->cas_write(F(d)->inner.self, s, ts, v); }
static inline int f_status(void *d, int s, hl_span_status *st) { return F(d)->inner.ops->status(F(d)->inner.self, s, st); }
static inline void f_tick_end(void *d, uint64_t t) {
  WrapDriver *f = F(d);
  f->inner.ops->tick_end(f->inner.self, t);
  if (f->on) {
    f->bits = f->bits == 0x9 ? 0xb : 0x9;
    f->ticks_on++;
  } else {
    f->bits = 0x9;
  }
}
static inline void f_destroy(void *d) {
  WrapDriver *f = F(d);
  f->destroyed++;
  if (f->inner.ops) f->inner.ops->destroy(f->inner.self);
  f->inner.ops = nullptr;
}
static inline int f_control(void *d, int s, int w, double a) { return F(d)->inner.ops->control(F(d)->inner.self, s, w, a); }
static const hl_driver_ops kWrapOps = {"wrap", f_read, f_write, f_line_read, f_cas_write, f_status, f_tick_end,
                                        f_destroy, f_control, nullptr, nullptr};

// The wrapper over a sim driver of `spans` spans cabled in pairs (0-1, 2-3, ...).
static inline hl_driver wrap_sim(WrapDriver *f, int spans) {
  std::vector<int> peers((size_t)spans);
  for (int s = 0; s < spans; s++) peers[(size_t)s] = s ^ 1;
  if (hl_sim_create(spans, peers.data(), 80, 10, &f->inner) != 0) return hl_driver{};
  hl_driver d{};
  d.ops = &kWrapOps;
  d.self = f;
  d.spans = spans;
  return d;
}

#endif
