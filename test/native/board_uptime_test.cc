// A hotline runs for months: events keep exact times after 2^31 ms (24.8
// days) of board uptime. The board's tick counter is set as if the board had
// been up for 30 days, then a call and DTMF travel over the simulated cable.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "board/board.h"
#include "board/engine.h"
#include "drivers/sim/sim.h"
#include "check.h"
#include "board_fixture.h"


int main() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "sim board create");
  if (!b) return 1;
  const uint64_t days30 = 30ull * 24 * 3600 * 1000;
  b->tick.store(days30 / 10);

  const int eng = 0, net = 30;  // timeslot 1 on either end of the cable
  CHECK(hl_cmd_call(b, net, 1, 5000, "13800138000", "12315") == 0, "call");
  run(b, 50);
  hl_cmd_answer(b, eng);
  run(b, 50);
  CHECK(hl_board_channel_state(b, eng) == HL_CH_CONNECTED, "connected after 30 days of uptime");
  hl_cmd_senddigits(b, net, 3, "5", 80, 80, -10);
  auto evs = run(b, 400);
  int digits = 0;
  for (const hl_event &e : evs) {
    if (e.type != HL_EV_DIGIT || e.channel != eng) continue;
    digits++;
    CHECK(e.time_ms > days30, "event time %llu ms is not past 30 days", (unsigned long long)e.time_ms);
    // The detector needs about 40 ms of tone: the key started a few tens of ms before.
    CHECK(e.a >= 20 && e.a <= 200, "key start %d ms before the event (expected 20-200)", e.a);
  }
  CHECK(digits == 1, "%d digit events, expected 1", digits);
  hl_board_destroy(b);
  printf("board_uptime_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
