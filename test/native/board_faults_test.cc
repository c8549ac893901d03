// Long durations, failing drivers and clocks, long numbers:
// - a completion's duration is 64-bit ms: operations that ran 60 days (board
//   time) report 60 days. The int `ticks * tick_ms` went negative after 24.8
//   days (what JavaScript read) and wrapped to 10 days after 49.7;
// - an error returned by the driver inside the tick is counted per span and
//   reported as HL_EV_FAULT (once, then once a second), not ignored;
// - a clock_nanosleep that fails (not EINTR) does not spin the real-time
//   thread: ticks go on, the failure is counted and reported;
// - the ring event carries 20-digit numbers whole (the text was cut at 11).
#include <time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "board/board.h"
#include "board/engine.h"
#include "drivers/sim/sim.h"
#include "dsp/wav.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

static uint64_t duration(const hl_event &e) { return (uint32_t)e.a | ((uint64_t)e.a_hi << 32); }

static const hl_event *done_of(const std::vector<hl_event> &evs, uint32_t req) {
  for (const hl_event &e : evs)
    if (e.type == HL_EV_DONE && e.req == req) return &e;
  return nullptr;
}

static void connect(hl_board *b, int eng, int net) {
  hl_cmd_call(b, net, 9000 + (uint32_t)eng, 5000, "", "");
  run(b, 50);
  hl_cmd_answer(b, eng);
  run(b, 50);
}

static void durations_test() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return;
  const uint64_t days60 = 60ull * 24 * 3600 * 1000;
  const uint64_t ticks60 = days60 / 10;
  connect(b, 0, 30);
  connect(b, 1, 31);
  CHECK(hl_board_channel_state(b, 0) == HL_CH_CONNECTED, "connected");
  // get-digits with no timeout, a tone with no end, a tap with no limit.
  CHECK(hl_cmd_getdigits(b, 0, 1, 4, 0, 0, 0, 0) == 0, "getdigits");
  CHECK(hl_cmd_tone(b, 30, 2, HL_TONE_DIAL, 0) == 0, "tone");
  const char *path = "build/board_faults_test_tap.wav";
  std::remove(path);  // left by a run that stopped early (a recording never overwrites)
  CHECK(hl_cmd_record(b, 1, 3, path, HL_WAV_ALAW, 2, 0, 0, -40, 0) == 0, "tap");
  std::vector<uint8_t> hour(8000 * 60, 0xd5);
  hl_clip *clip = nullptr;
  hl_clip_create(hour.data(), hour.size(), HL_WAV_ALAW, 0, &clip);
  hl_clip **list = new hl_clip *[1]{clip};
  CHECK(hl_cmd_play(b, 1, 4, list, 1, 0) == 0, "play");
  // A call the far end never answers, on a third pair.
  CHECK(hl_cmd_call(b, 2, 5, 0, "", "") == 0, "call");
  run(b, 20);
  // 60 days pass (the counters are set as if they had run that long).
  b->tick.fetch_add(ticks60);
  b->ch[30].send.elapsed += ticks60 * 80;
  CHECK(b->ch[1].taps[0] != nullptr, "tap running");
  if (b->ch[1].taps[0]) b->ch[1].taps[0]->ticks += ticks60;
  b->ch[1].play.played += ticks60 * 80;
  b->ch[2].call.ticks += ticks60;
  hl_cmd_stop(b, 0, 0xffffffffu, 0);
  hl_cmd_stop(b, 30, 0xffffffffu, 0);
  hl_cmd_stop(b, 1, 0xffffffffu, 0);
  hl_cmd_stop(b, 2, 0xffffffffu, 0);
  auto evs = run(b, 20);
  const char *what[] = {"", "get-digits", "tone", "tap", "play", "call"};
  for (uint32_t r = 1; r <= 5; r++) {
    const hl_event *e = done_of(evs, r);
    CHECK(e != nullptr, "%s done", what[r]);
    if (!e) continue;
    CHECK(duration(*e) >= days60 && duration(*e) < days60 + 5000, "%s: %llu ms after 60 days (%llu)", what[r],
          (unsigned long long)duration(*e), (unsigned long long)days60);
  }
  hl_board_destroy(b);
  std::remove(path);
}

static void driver_fault_test() {
  WrapDriver w;
  hl_board_config cfg{};
  cfg.driver = wrap_sim(&w, 2);
  cfg.spans = 2;
  cfg.tick_ms = 10;
  hl_board *b = nullptr;
  CHECK(hl_board_create(&cfg, &b) == 0, "create");
  if (!b) return;
  run(b, 100);
  w.fail_read_span = 1;
  w.fail_rc = HL_EIO;
  auto evs = run(b, 2500);  // 250 failing reads: reported at once, then once a second
  w.fail_read_span = -1;
  std::vector<hl_event> more = run(b, 1100);
  evs.insert(evs.end(), more.begin(), more.end());
  int reports = 0;
  long counted = 0;
  for (const hl_event &e : evs) {
    if (e.type != HL_EV_FAULT) continue;
    reports++;
    counted += e.b;
    CHECK(e.span == 1 && e.a == HL_EIO && std::strcmp(e.text, "read") == 0, "fault span %d err %d where '%s'", e.span, e.a, e.text);
  }
  CHECK(reports >= 3 && reports <= 4, "%d fault reports for 2.5 s of failures (at once, then once a second)", reports);
  CHECK(counted == 250, "faults report %ld failures, expected 250", counted);
  hl_span_status st;
  CHECK(hl_board_span_status(b, 1, &st) == 0 && st.driver_errors == 250, "span 1 driver errors %llu", (unsigned long long)st.driver_errors);
  CHECK(hl_board_span_status(b, 0, &st) == 0 && st.driver_errors == 0, "span 0 clean");
  hl_board_stats bs;
  hl_board_get_stats(b, &bs);
  CHECK(bs.driver_errors == 250, "stats driver errors %llu", (unsigned long long)bs.driver_errors);
  hl_board_destroy(b);
}

static std::atomic<int> failing_sleeps{0};
static int failing_sleep(clockid_t, int, const struct timespec *, struct timespec *) {
  failing_sleeps.fetch_add(1);
  return EINVAL;
}
static void on_wake(void *) {}

static void clock_fault_test() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return;
  b->sleep_fn = failing_sleep;
  CHECK(hl_board_start(b, on_wake, nullptr) == 0, "start");
  std::vector<hl_event> evs;
  hl_event ev[64];
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (std::chrono::steady_clock::now() < end) {
    int n;
    while ((n = hl_board_drain(b, ev, 64)) > 0) evs.insert(evs.end(), ev, ev + n);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  hl_board_stop(b);
  int n;
  while ((n = hl_board_drain(b, ev, 64)) > 0) evs.insert(evs.end(), ev, ev + n);
  hl_board_stats st;
  hl_board_get_stats(b, &st);
  // 500 ms at 10 ms a tick: ~50 ticks even with sanitizers (a spin would make
  // thousands of failing calls and no ticks... or a hang).
  CHECK(st.ticks >= 10 && st.ticks <= 150, "%llu ticks in 500 ms", (unsigned long long)st.ticks);
  CHECK(st.clock_errors >= 10 && st.clock_errors == (uint64_t)failing_sleeps.load(), "clock errors %llu, sleeps %d",
        (unsigned long long)st.clock_errors, failing_sleeps.load());
  int reports = 0;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_FAULT) {
      reports++;
      CHECK(e.span == -1 && e.a == EINVAL && std::strcmp(e.text, "clock_nanosleep") == 0, "clock fault %d %d '%s'", e.span, e.a, e.text);
    }
  CHECK(reports >= 1, "clock fault reported");
  hl_board_destroy(b);
}

static void numbers_test() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return;
  const char *calling = "86105551234567890123", *called = "12315000000000000001";  // 20 digits each
  CHECK(hl_cmd_call(b, 30, 1, 5000, calling, called) == 0, "call with 20-digit numbers");
  CHECK(hl_cmd_call(b, 31, 2, 5000, "1234567890123456789012345", "") == HL_EINVAL, "a 25-digit number refused");
  auto evs = run(b, 50);
  std::string want = std::string(calling) + "|" + called;
  int rings = 0;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_RING) {
      rings++;
      CHECK(want == e.text, "ring text '%s', expected '%s'", e.text, want.c_str());
    }
  CHECK(rings == 1, "%d rings", rings);
  hl_board_destroy(b);
}

int main() {
  durations_test();
  driver_fault_test();
  clock_fault_test();
  numbers_test();
  std::printf("board_faults_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
