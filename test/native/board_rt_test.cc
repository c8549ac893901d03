// The real-time clock thread, the writer thread and the control thread at
// once (run it under ThreadSanitizer as well as ASan): calls placed and
// answered while the clock ticks, recordings started and stopped so the
// writer and the drain finalise files concurrently, span status read from the
// control thread, a cable pulled, and the board destroyed with the clock
// running and recordings and plays still in flight.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include "dsp/wav.h"
}
#include "board/board.h"
#include "drivers/sim/sim.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

static std::atomic<int> wakes{0};
static void on_wake(void *) { wakes.fetch_add(1); }

// Drains for `ms` of wall time, or until `want` events of `type` came
// (sanitizers slow the tick down: waits are bounds, not exact times).
static int pump(hl_board *b, int ms, int type = 0, int want = 0) {
  hl_event ev[256];
  int n_type = 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end && !(want && n_type >= want)) {
    int n;
    while ((n = hl_board_drain(b, ev, 256)) > 0) {
      for (int i = 0; i < n; i++) {
        if (ev[i].type == type) n_type++;
      }
    }
    hl_span_status st;
    hl_board_span_status(b, 0, &st);
    hl_board_stats bs;
    hl_board_get_stats(b, &bs);  // read while the clock thread runs (TSan: no data race)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return n_type;
}

int main() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "sim board create");
  if (!b) return 1;
  CHECK(hl_board_start(b, on_wake, nullptr) == 0, "clock start");
  CHECK(hl_board_step(b, 1, 0) == HL_ESTATE, "no stepping while the clock runs");

  const int N = 8;
  for (int i = 0; i < N; i++) CHECK(hl_cmd_call(b, 30 + i, 100 + i, 5000, "1", "2") == 0, "call %d", i);
  CHECK(pump(b, 3000, HL_EV_RING, N) == N, "rings");
  for (int i = 0; i < N; i++) hl_cmd_answer(b, i);
  pump(b, 3000, HL_EV_ANSWER, N);
  for (int i = 0; i < N; i++) CHECK(hl_board_channel_state(b, i) == HL_CH_CONNECTED, "connected %d", i);

  // Rounds of short recordings: the writer thread works on some while the
  // drain finalises others.
  std::vector<std::string> files;
  for (int round = 0; round < 5; round++) {
    for (int i = 0; i < N; i++) {
      std::string path = "build/board_rt_test_" + std::to_string(round) + "_" + std::to_string(i) + ".wav";
      files.push_back(path);
      std::remove(path.c_str());  // recordings never overwrite a file
      CHECK(hl_cmd_record(b, i, 1000 + round * N + i, path.c_str(), HL_WAV_ALAW, 0, 30 + 10 * i, 0, -40, 0) == 0, "record");
      std::vector<uint8_t> tone(1600, 0x55);
      hl_clip *c = nullptr;
      hl_clip_create(tone.data(), tone.size(), HL_WAV_ALAW, 0, &c);
      hl_clip **clips = new hl_clip *[1]{c};
      if (hl_cmd_play(b, 30 + i, 2000 + round * N + i, clips, 1, 0) != 0) {
        hl_clip_free(c);
        delete[] clips;
      }
    }
    pump(b, 60 + 10 * N);
  }
  pump(b, 1000);  // the last round's recordings (100 ms at most) end and are finalised
  // Every finished recording is a valid WAV.
  for (const std::string &p : files) {
    FILE *f = std::fopen(p.c_str(), "rb");
    CHECK(f != nullptr, "%s exists", p.c_str());
    if (!f) continue;
    std::vector<uint8_t> buf(1 << 16);
    size_t len = std::fread(buf.data(), 1, buf.size(), f);
    std::fclose(f);
    hl_wav_info info;
    CHECK(hl_wav_parse(buf.data(), len, 0, &info) == 0, "%s valid: %s", p.c_str(), info.reason);
    std::remove(p.c_str());
  }
  // Long recordings and taps left running, a cable pulled and restored, then
  // destroy with the clock running.
  for (int i = 0; i < N; i++) {
    std::string path = "build/board_rt_test_long_" + std::to_string(i) + ".wav";
    std::remove(path.c_str());
    hl_cmd_record(b, i, 5000 + i, path.c_str(), HL_WAV_PCM16, 1, 0, 0, -40, 0);
  }
  pump(b, 50);
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 0);
  CHECK(pump(b, 3000, HL_EV_HANGUP, N) >= N, "every call cleared by the pulled cable");
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 1);
  pump(b, 50);
  for (int i = 0; i < N; i++) CHECK(hl_cmd_call(b, 30 + i, 300 + i, 5000, "", "") == 0, "call again");
  pump(b, 60);
  for (int i = 0; i < N; i++) hl_cmd_answer(b, i);
  pump(b, 60);
  for (int i = 0; i < N; i++) {
    std::string path = "build/board_rt_test_end_" + std::to_string(i) + ".wav";
    std::remove(path.c_str());
    hl_cmd_record(b, i, 6000 + i, path.c_str(), HL_WAV_ALAW, 2, 0, 0, -40, 0);
  }
  pump(b, 30);
  CHECK(wakes.load() > 0, "wakes delivered");
  hl_board_destroy(b);
  for (int i = 0; i < N; i++) {
    std::string path = "build/board_rt_test_end_" + std::to_string(i) + ".wav";
    FILE *f = std::fopen(path.c_str(), "rb");
    CHECK(f != nullptr, "%s exists", path.c_str());
    if (f) {
      std::vector<uint8_t> buf(1 << 16);
      size_t len = std::fread(buf.data(), 1, buf.size(), f);
      std::fclose(f);
      hl_wav_info info;
      CHECK(hl_wav_parse(buf.data(), len, 0, &info) == 0, "%s finalised by destroy: %s", path.c_str(), info.reason);
    }
    std::remove(path.c_str());
    std::remove(("build/board_rt_test_long_" + std::to_string(i) + ".wav").c_str());
  }
  std::printf("%s (%d failures)\n", failures ? "FAIL" : "ok", failures);
  return failures ? 1 : 0;
}
