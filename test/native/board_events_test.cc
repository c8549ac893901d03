// Completions are never lost, whatever JavaScript does. A stepped board whose
// event ring is flooded while nobody drains: every operation still delivers
// exactly one done event, commands queued meanwhile wait (and then complete),
// every ordinary event is either delivered or counted as dropped, and the
// overrun events add up to the drop count. Also: the retire ring (clips and
// recorders handed back by the tick) never overflows, so nothing leaks
// (ASan's leak check), and the board owns its driver when creation fails.
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

#include "board/board.h"
#include "drivers/sim/sim.h"
#include "dsp/wav.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

// Every event drained, in order.
struct Log {
  std::vector<hl_event> all;
  void drain(hl_board *b) {
    hl_event ev[512];
    int n;
    while ((n = hl_board_drain(b, ev, 512)) > 0) all.insert(all.end(), ev, ev + n);
  }
};

static void flood_test() {
  const int kSpans = 8;  // spans 0-1 carry calls; 2-7 (180 channels) flood
  WrapDriver fl;
  fl.from_span = 2;
  hl_board_config cfg{};
  cfg.driver = wrap_sim(&fl, kSpans);
  cfg.spans = kSpans;
  cfg.tick_ms = 10;
  hl_board *b = nullptr;
  CHECK(hl_board_create(&cfg, &b) == 0, "create");
  if (!b) return;
  Log log;
  // 30 calls from span 1 (network side) to span 0, answered.
  for (int i = 0; i < 30; i++) CHECK(hl_cmd_call(b, 30 + i, 1 + i, 5000, "1", "2") == 0, "call %d", i);
  for (int t = 0; t < 5; t++) { hl_board_step(b, 1, 0); log.drain(b); }
  for (int i = 0; i < 30; i++) hl_cmd_answer(b, i);
  for (int t = 0; t < 5; t++) { hl_board_step(b, 1, 0); log.drain(b); }
  for (int i = 0; i < 30; i++) CHECK(hl_board_channel_state(b, i) == HL_CH_CONNECTED, "connected %d", i);

  // Three operations per call that end 5 s from now, while the ring is full.
  std::vector<uint8_t> five_s(40000, 0xd5);
  hl_clip *clip = nullptr;
  CHECK(hl_clip_create(five_s.data(), five_s.size(), HL_WAV_ALAW, 0, &clip) == 0, "clip");
  for (int i = 0; i < 30; i++) {
    hl_clip **list = new hl_clip *[1]{hl_clip_ref(clip)};
    CHECK(hl_cmd_play(b, i, 100 + i, list, 1, 0) == 0, "play");
    CHECK(hl_cmd_getdigits(b, i, 200 + i, 4, 0, 5000, 1000, 0) == 0, "getdigits");
    CHECK(hl_cmd_tone(b, 30 + i, 300 + i, HL_TONE_BUSY, 5000) == 0, "tone");
  }
  hl_clip_free(clip);
  hl_board_step(b, 1, 0);
  log.drain(b);

  // Flood 10 s without draining: 180 CAS events a tick fill the 65,536-event
  // ring after about 3.6 s; the operations end at 5 s.
  fl.on = true;
  hl_board_step(b, 600, 0);
  hl_board_stats st;
  hl_board_get_stats(b, &st);
  CHECK(st.events_dropped > 0, "the flood overflowed the ring (%llu dropped)", (unsigned long long)st.events_dropped);
  // Commands queued now must wait for room (they would complete at once as
  // refusals or take a reserved slot), then run when JavaScript drains.
  for (int i = 0; i < 30; i++) CHECK(hl_cmd_getdigits(b, 30 + i, 400 + i, 4, 0, 500, 500, 0) == 0, "late getdigits");
  hl_board_step(b, 400, 0);
  fl.on = false;
  const uint64_t flood_ticks = fl.ticks_on;
  hl_board_get_stats(b, &st);
  CHECK(st.commands_deferred > 0, "commands waited for room");
  // Drain and run on: the late get-digits start and time out after 500 ms.
  for (int t = 0; t < 100; t++) {
    log.drain(b);
    hl_board_step(b, 1, 0);
  }
  log.drain(b);
  hl_board_get_stats(b, &st);
  CHECK(st.completions_lost == 0, "%llu completions lost", (unsigned long long)st.completions_lost);

  std::map<uint32_t, int> done;
  uint64_t flood_cas = 0, overrun_sum = 0;
  for (const hl_event &e : log.all) {
    if (e.type == HL_EV_DONE) done[e.req]++;
    if (e.type == HL_EV_CAS && e.span >= 2) flood_cas++;
    if (e.type == HL_EV_OVERRUN && e.a == 1) overrun_sum += (uint64_t)e.b;
  }
  for (uint32_t r = 1; r <= 30; r++) CHECK(done[r] == 1, "call %u: %d done events", r, done[r]);
  for (uint32_t base : {100u, 200u, 300u, 400u})
    for (uint32_t r = base; r < base + 30; r++) CHECK(done[r] == 1, "request %u: %d done events, expected 1", r, done[r]);
  for (const hl_event &e : log.all)
    if (e.type == HL_EV_DONE && e.req >= 100 && e.req < 400)
      CHECK(e.reason == (e.req < 300 && e.req >= 200 ? HL_R_TIMEOUT : HL_R_DONE), "request %u reason %d", e.req, e.reason);
  // One CAS event per flooding channel and tick (the flood ended on 1001, the
  // idle bits, so turning it off changed nothing): delivered or dropped.
  const uint64_t expect = 180 * flood_ticks;
  CHECK(flood_cas + st.events_dropped == expect, "%llu CAS events delivered + %llu dropped != %llu made",
        (unsigned long long)flood_cas, (unsigned long long)st.events_dropped, (unsigned long long)expect);
  CHECK(overrun_sum == st.events_dropped, "overrun events report %llu dropped, stats %llu", (unsigned long long)overrun_sum,
        (unsigned long long)st.events_dropped);
  hl_board_destroy(b);
  CHECK(fl.destroyed == 1, "driver destroyed %d times", fl.destroyed);
}

// Plays that end in the tick they start, 30 a tick for 700 ticks, never
// drained until the end: 21,000 clip lists retired (more than the old
// 16,384-entry retire ring held). Each must be freed: ASan's leak check.
static void retire_test() {
  const int peers[2] = {1, 0};
  hl_board_config cfg{};
  CHECK(hl_sim_create(2, peers, 80, 10, &cfg.driver) == 0, "sim");
  cfg.spans = 2;
  cfg.tick_ms = 10;
  hl_board *b = nullptr;
  CHECK(hl_board_create(&cfg, &b) == 0, "create");
  if (!b) return;
  Log log;
  for (int i = 0; i < 30; i++) hl_cmd_call(b, 30 + i, 1 + i, 5000, "", "");
  for (int t = 0; t < 5; t++) { hl_board_step(b, 1, 0); log.drain(b); }
  for (int i = 0; i < 30; i++) hl_cmd_answer(b, i);
  for (int t = 0; t < 5; t++) { hl_board_step(b, 1, 0); log.drain(b); }
  uint8_t pcm[10];
  std::memset(pcm, 0xd5, sizeof pcm);
  hl_clip *clip = nullptr;
  hl_clip_create(pcm, sizeof pcm, HL_WAV_ALAW, 0, &clip);
  uint32_t req = 1000;
  for (int t = 0; t < 700; t++) {
    for (int i = 0; i < 30; i++) {
      hl_clip **list = new hl_clip *[1]{hl_clip_ref(clip)};
      if (hl_cmd_play(b, i, req++, list, 1, 0) != 0) {
        hl_clip_free(list[0]);
        delete[] list;
      }
    }
    hl_board_step(b, 1, 0);
  }
  hl_clip_free(clip);
  log.drain(b);
  int plays = 0;
  for (const hl_event &e : log.all)
    if (e.type == HL_EV_DONE && e.op == HL_OP_PLAY && e.reason == HL_R_DONE) plays++;
  CHECK(plays == 21000, "%d plays completed, expected 21000", plays);
  hl_board_stats st;
  hl_board_get_stats(b, &st);
  CHECK(st.completions_lost == 0, "%llu retired objects lost", (unsigned long long)st.completions_lost);
  hl_board_destroy(b);
}

// A small ring (the config's `events`) is raised to twice the completions
// reserve; a requested size above HL_EVENTS_MAX is refused.
static void capacity_test() {
  WrapDriver fl;
  fl.from_span = 99;
  hl_board_config cfg{};
  cfg.driver = wrap_sim(&fl, 2);
  cfg.spans = 2;
  cfg.tick_ms = 10;
  cfg.events = 16;
  hl_board *b = nullptr;
  CHECK(hl_board_create(&cfg, &b) == 0, "create with a small ring");
  hl_board_stats st;
  hl_board_get_stats(b, &st);
  CHECK(st.events_capacity == 1024, "60 channels x 7 x 2 -> 1024 events, got %u", st.events_capacity);
  hl_board_destroy(b);
  CHECK(fl.destroyed == 1, "destroyed once");
}

// Ownership: hl_board_create owns the driver whatever it returns, so a
// refused configuration destroys it exactly once (and the caller must not).
static void ownership_test() {
  struct Case {
    const char *what;
    int spans, tick_ms, events;
  } cases[] = {
      {"tick of 7 ms", 2, 7, 0},
      {"more spans than the driver has", 3, 10, 0},
      {"no span", 0, 10, 0},
      {"an event ring over HL_EVENTS_MAX", 2, 10, HL_EVENTS_MAX + 1},
  };
  for (const Case &c : cases) {
    WrapDriver fl;
    hl_board_config cfg{};
    cfg.driver = wrap_sim(&fl, 2);
    cfg.spans = c.spans;
    cfg.tick_ms = c.tick_ms;
    cfg.events = c.events;
    hl_board *b = nullptr;
    CHECK(hl_board_create(&cfg, &b) == HL_EINVAL, "%s refused", c.what);
    CHECK(fl.destroyed == 1, "%s: driver destroyed %d times, expected once", c.what, fl.destroyed);
  }
  CHECK(hl_board_create(nullptr, nullptr) == HL_EINVAL, "no config");
}

int main() {
  flood_test();
  retire_test();
  capacity_test();
  ownership_test();
  std::printf("board_events_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
