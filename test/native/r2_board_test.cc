// China No.1 through the board (signalling/r2_board.h): two sim spans cabled
// together, both set to China No.1. A call placed with hl_cmd_call travels
// as line bits on timeslot 16 and MF R2 tones in the bearer, through the sim
// driver's A-law line and the real MF receivers, and arrives as a ring event
// carrying "calling|called", KA and KD; answer, clear-forward, clear-back and
// a pulled cable give the engine's ordinary events; the R2 events say why.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "board/board.h"
#include "drivers/sim/sim.h"
#include "hl_errors.h"
#include "signalling/r2_board.h"

#include "check.h"
#include "board_fixture.h"

static void on_wake(void *) {}

static int count(const std::vector<hl_event> &evs, int type, int ch) {
  int n = 0;
  for (const hl_event &e : evs)
    if (e.type == type && e.channel == ch) n++;
  return n;
}
static const hl_event *first(const std::vector<hl_event> &evs, int type, int ch) {
  for (const hl_event &e : evs)
    if (e.type == type && e.channel == ch) return &e;
  return nullptr;
}

int main() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return 1;
  hl_r2_config eng_cfg{}, net_cfg{};
  eng_cfg.max_dnis = net_cfg.max_dnis = 5;
  eng_cfg.ani_after = net_cfg.ani_after = 1;
  eng_cfg.level_dbm0 = net_cfg.level_dbm0 = -11.5f;
  net_cfg.glare_priority = 1;
  CHECK(hl_board_set_signalling(b, 0, "china-no1", &eng_cfg) == 0, "span 0 China No.1");
  CHECK(hl_board_set_signalling(b, 1, "china-no1", &net_cfg) == 0, "span 1 China No.1");
  CHECK(hl_board_set_signalling(b, 0, "itu", nullptr) == HL_EINVAL, "unknown variant refused");
  CHECK(hl_board_set_signalling(b, 2, "china-no1", nullptr) == HL_ENOENT, "span 2 does not exist");
  const int eng = 4, net = 34;
  CHECK(hl_board_r2(b, eng) && hl_board_r2(b, net), "channels have R2 state");
  run(b, 100);

  // Network -> engine: offered with the numbers, answered, cleared forward.
  CHECK(hl_cmd_call(b, net, 7, 0, "01062345678", "12315") == 0, "call");
  auto evs = run(b, 3000);
  const hl_event *ring = first(evs, HL_EV_RING, eng);
  CHECK(ring, "engine channel rings");
  if (ring) {
    CHECK(std::strcmp(ring->text, "01062345678|12315") == 0, "ring text '%s'", ring->text);
    CHECK(ring->a == 1 && ring->b == 3, "KA %d KD %d", ring->a, ring->b);
    std::printf("ring after %llu ms of board time\n", (unsigned long long)ring->time_ms);
  }
  CHECK(hl_board_channel_state(b, eng) == HL_CH_RINGING, "engine channel ringing");
  CHECK(count(evs, HL_EV_MF, eng) == 0, "no MF events from the engine's own receiver (off)");
  hl_cmd_answer(b, eng);
  evs = run(b, 500);
  CHECK(count(evs, HL_EV_ANSWER, net) == 1, "caller sees the answer");
  bool done = false;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_DONE && e.channel == net && e.req == 7) done = e.reason == HL_R_DONE;
  CHECK(done, "the call completes 'done' on answer");
  CHECK(hl_board_channel_state(b, eng) == HL_CH_CONNECTED && hl_board_channel_state(b, net) == HL_CH_CONNECTED, "both connected");
  // Speech path: the DTMF detector hears the caller again once register signalling ended.
  hl_cmd_senddigits(b, net, 8, "5", 80, 80, -10);
  evs = run(b, 400);
  CHECK(count(evs, HL_EV_DIGIT, eng) == 1, "a key after answer reaches the engine's DTMF detector");
  hl_cmd_hangup(b, net);
  evs = run(b, 500);
  CHECK(count(evs, HL_EV_HANGUP, eng) == 1 && count(evs, HL_EV_IDLE, eng) == 1, "engine sees clear-forward, then idle");
  CHECK(count(evs, HL_EV_IDLE, net) == 1, "caller idle after the release guard");

  // Engine -> network, cleared back by the called side.
  CHECK(hl_cmd_call(b, eng, 9, 0, "12315", "88886666") == 0, "outgoing call");
  evs = run(b, 3000);
  CHECK(count(evs, HL_EV_RING, net) == 1, "network side rings");
  hl_cmd_answer(b, net);
  evs = run(b, 500);
  CHECK(count(evs, HL_EV_ANSWER, eng) == 1, "engine sees the answer");
  hl_cmd_hangup(b, net);
  evs = run(b, 500);
  CHECK(count(evs, HL_EV_HANGUP, eng) == 1, "engine sees clear-back");
  CHECK(count(evs, HL_EV_IDLE, eng) == 1 && count(evs, HL_EV_IDLE, net) == 1, "both idle (engine cleared forward)");

  // A pulled cable in a call: hang-up 'alarm' at both ends, blocked, back to idle.
  hl_cmd_call(b, net, 10, 0, "1", "12315");
  run(b, 3000);
  hl_cmd_answer(b, eng);
  run(b, 500);
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 0);
  evs = run(b, 500);
  const hl_event *h = first(evs, HL_EV_HANGUP, eng);
  CHECK(h && h->a == 1, "engine: hangup cause alarm");
  bool r2_fault = false;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_R2 && e.channel == eng && e.b == HL_R2_C_SPAN_FAULT) r2_fault = std::strcmp(e.text, "span-fault") == 0;
  CHECK(r2_fault, "the R2 event names 'span-fault'");
  CHECK(hl_board_channel_state(b, eng) == HL_CH_BLOCKED && hl_board_channel_state(b, eng + 1) == HL_CH_BLOCKED, "span blocked");
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 1);
  evs = run(b, 500);
  CHECK(hl_board_channel_state(b, eng) == HL_CH_IDLE && hl_board_channel_state(b, net) == HL_CH_IDLE, "idle after plugging back");
  hl_cmd_call(b, net, 11, 0, "1", "12315");
  evs = run(b, 3000);
  CHECK(count(evs, HL_EV_RING, eng) == 1, "a call goes through after the cable is back");
  const hl_r2_chan *r = hl_board_r2(b, eng);
  CHECK(r && r->n.calls_in == 3 && r->n.calls_out == 1 && r->n.failed[HL_R2_C_SPAN_FAULT] == 1, "counters: %llu calls in, span faults %llu",
        r ? (unsigned long long)r->n.calls_in : 0ull, r ? (unsigned long long)r->n.failed[HL_R2_C_SPAN_FAULT] : 0ull);

  // Real time: the tick publishes each channel's China No.1 state (a triple
  // buffer); the control thread reads it while the clock thread runs (TSan:
  // no data race) and sees the trace grow through the compelled cycles.
  CHECK(hl_board_start(b, on_wake, nullptr) == 0, "clock start");
  const int eng2 = 6, net2 = 36;
  CHECK(hl_cmd_call(b, net2, 12, 0, "02012345678", "12315") == 0, "call in real time");
  static hl_r2_snap snap;
  uint32_t last = 0;
  int grew = 0, reads = 0;
  bool offered = false;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end && !offered) {
    hl_event ev[256];
    while (hl_board_drain(b, ev, 256) > 0) {}
    CHECK(hl_board_r2_read(b, eng2, &snap) == 0, "read while the clock runs");
    reads++;
    if (snap.trace_n > last) {
      grew++;
      last = snap.trace_n;
    }
    offered = snap.state == HL_R2_S_IN_OFFERED;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(offered, "offered, as published (%d reads)", reads);
  CHECK(grew >= 5, "the trace grew in %d of the reads", grew);
  CHECK(std::strcmp(snap.ani, "02012345678") == 0 && std::strcmp(snap.dnis, "12315") == 0 && snap.n.calls_in == 1, "numbers '%s' '%s'",
        snap.ani, snap.dnis);
  char line[160];
  CHECK(hl_r2_snap_trace_line(&snap, 0, line, sizeof line) > 0 && std::strstr(line, "seize"), "first trace line '%s'", line);
  hl_board_stop(b);
  hl_board_destroy(b);
  std::printf("r2_board_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
