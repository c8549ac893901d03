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
  hl_board *b = nullptr;
  return hl_board_create(&cfg, &b) == 0 ? b : nullptr;
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

#endif
