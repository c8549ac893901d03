// Taps in the channel engine, without Node, under ASan/UBSan and TSan, on a
// real-time board (clock, writer and finisher threads): four taps on one
// channel at once, a fifth refused; one cut into rolling segments whose
// events come in order, back to back, before its done, and whose frames add
// up to the plain tap's; one re-pointed mid-file; an armed tap on an idle
// channel that makes no file; the clock stopped and started again (the
// finisher with it); the board destroyed with taps running.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include "dsp/wav.h"
}
#include "board/board.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

namespace {

std::string g_dir;
std::string path(const char *name) { return g_dir + "/" + name; }

void on_wake(void *) {}

// Drains for `ms` of wall time, or until the done events of every request in
// `reqs` came; keeps every event. Returns how many of them came.
int pump(hl_board *b, std::vector<hl_event> &all, int ms, std::vector<uint32_t> reqs) {
  hl_event ev[256];
  auto got = [&] {
    int n = 0;
    for (uint32_t r : reqs)
      for (const hl_event &e : all)
        if (e.type == HL_EV_DONE && e.req == r) {
          n++;
          break;
        }
    return n;
  };
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end && !(!reqs.empty() && got() == (int)reqs.size())) {
    int n;
    while ((n = hl_board_drain(b, ev, 256)) > 0) all.insert(all.end(), ev, ev + n);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return got();
}

uint64_t frames_of(const std::string &p, int *channels) {
  FILE *f = std::fopen(p.c_str(), "rb");
  if (!f) return 0;
  std::vector<uint8_t> d;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) d.insert(d.end(), buf, buf + n);
  std::fclose(f);
  hl_wav_info info;
  if (hl_wav_parse(d.data(), d.size(), 0, &info) != 0) return 0;
  if (channels) *channels = info.channels;
  return info.data_bytes / (uint64_t)info.channels;  // A-law: one byte per sample
}

const hl_event *done_of(const std::vector<hl_event> &all, uint32_t req) {
  for (const hl_event &e : all)
    if (e.type == HL_EV_DONE && e.req == req) return &e;
  return nullptr;
}

}  // namespace

int main() {
  char tmpl[] = "/tmp/hl-board-taps-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  g_dir = tmpl;
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "sim board create");
  if (!b) return 1;
  CHECK(hl_board_start(b, on_wake, nullptr) == 0, "clock start");
  std::vector<hl_event> all;
  // Channel 30 (network side) calls channel 0; channel 1 stays idle.
  CHECK(hl_cmd_call(b, 30, 900, 5000, "1", "2") == 0, "call");
  pump(b, all, 300, {});
  CHECK(hl_cmd_answer(b, 0) == 0, "answer");
  pump(b, all, 300, {});
  CHECK(hl_board_channel_state(b, 0) == HL_CH_CONNECTED, "connected");

  hl_tap_opts seg{-1, 200, 0}, peer{31, 0, 0}, armed{-1, 0, 1}, self_peer{0, 0, 0}, tiny{-1, 5, 0};
  CHECK(hl_cmd_tap(b, 0, 1, path("plain.wav").c_str(), HL_WAV_ALAW, 1, 0, nullptr) == 0, "plain tap");
  CHECK(hl_cmd_tap(b, 0, 2, path("roll.wav").c_str(), HL_WAV_ALAW, 1, 0, &seg) == 0, "segmented tap");
  CHECK(hl_cmd_tap(b, 0, 3, path("peer.wav").c_str(), HL_WAV_ALAW, 1, 0, &peer) == 0, "tap on a peer");
  CHECK(hl_cmd_tap(b, 0, 4, path("mixed.wav").c_str(), HL_WAV_ALAW, 2, 0, nullptr) == 0, "mixed tap");
  CHECK(hl_cmd_tap(b, 0, 5, path("fifth.wav").c_str(), HL_WAV_ALAW, 1, 0, nullptr) == 0, "fifth tap queued");
  CHECK(hl_cmd_tap(b, 1, 6, path("armed.wav").c_str(), HL_WAV_ALAW, 1, 0, &armed) == 0, "armed tap on an idle channel");
  CHECK(hl_cmd_tap(b, 0, 7, path("bad.wav").c_str(), HL_WAV_ALAW, 1, 0, &self_peer) == HL_EINVAL, "a tap's peer is another channel");
  CHECK(hl_cmd_tap(b, 0, 7, path("bad.wav").c_str(), HL_WAV_ALAW, 1, 0, &tiny) == HL_ERANGE, "segments of 5 ms refused");
  CHECK(hl_cmd_tap_peer(b, 0, 3, 0) == HL_EINVAL, "re-pointing to itself refused");
  CHECK(pump(b, all, 5000, {5}) == 1, "the fifth tap's refusal");
  const hl_event *fifth = done_of(all, 5);
  CHECK(fifth && fifth->reason == HL_R_ERROR && fifth->b == HL_ESTATE, "the fifth tap is refused with HL_ESTATE");
  pump(b, all, 500, {});
  CHECK(hl_cmd_tap_peer(b, 0, 3, -1) == 0, "re-point");
  // Stop and start the clock mid-recording: the writer and finisher go and come back.
  hl_board_stop(b);
  CHECK(hl_board_start(b, on_wake, nullptr) == 0, "clock restart");
  pump(b, all, 800, {});
  CHECK(hl_cmd_stop(b, 0, 1u << HL_OP_TAP, 0) == 0, "stop every tap of channel 0");
  CHECK(pump(b, all, 20000, {1, 2, 3, 4}) == 4, "dones of the four taps");
  for (uint32_t req = 1; req <= 4; req++) {
    const hl_event *d = done_of(all, req);
    CHECK(d && d->reason == HL_R_STOPPED && d->b == 0, "tap %u stopped cleanly (reason %d, b %d)", req, d ? d->reason : -1, d ? d->b : 0);
  }
  int ch = 0;
  const uint64_t plain = frames_of(path("plain.wav"), &ch);
  CHECK(plain > 8000 && ch == 2, "the plain tap holds %llu stereo frames", (unsigned long long)plain);
  CHECK(frames_of(path("peer.wav"), nullptr) == plain, "the re-pointed tap: one file as long as the plain one");
  CHECK(frames_of(path("mixed.wav"), &ch) == plain && ch == 1, "the mixed tap: mono, as long");
  // Segments: in order, back to back, before the tap's done; their frames add up.
  uint64_t seg_frames = 0, next_ms = 0;
  uint32_t parts = 0;
  bool after_done = false, seen_done = false;
  for (const hl_event &e : all) {
    if (e.type == HL_EV_DONE && e.req == 2) seen_done = true;
    if (e.type != HL_EV_SEGMENT || e.req != 2) continue;
    after_done = after_done || seen_done;
    uint64_t frames;
    std::memcpy(&frames, e.text + 8, sizeof frames);
    CHECK((uint32_t)e.a == parts + 1, "segment %d after %u", e.a, parts);
    CHECK(parts == 0 || e.time_ms == next_ms, "segment %d starts at %llu, the previous ended at %llu", e.a, (unsigned long long)e.time_ms, (unsigned long long)next_ms);
    char name[64];
    std::snprintf(name, sizeof name, "roll-%03d.wav", e.a);
    CHECK(frames_of(path(name), nullptr) == frames, "%s holds its %llu frames", name, (unsigned long long)frames);
    seg_frames += frames;
    next_ms = e.time_ms + frames / 8;
    parts++;
  }
  CHECK(!after_done, "no segment event after the tap's done");
  CHECK(parts >= 5, "%u segments of 200 ms", parts);
  const hl_event *rd = done_of(all, 2);
  uint32_t files = 0;
  if (rd) std::memcpy(&files, rd->text + 16, sizeof files);
  CHECK(files == parts, "the done counts %u files, %u segments came", files, parts);
  CHECK(seg_frames == plain, "the segments hold %llu frames, the plain tap %llu", (unsigned long long)seg_frames, (unsigned long long)plain);
  struct stat st;
  CHECK(stat(path("armed.wav").c_str(), &st) != 0 && stat(path("armed.wav.part").c_str(), &st) != 0, "the armed tap made no file on the idle channel");
  // Taps left running when the board goes: finished by destroy, no leak, no race.
  CHECK(hl_cmd_tap(b, 0, 10, path("left-a.wav").c_str(), HL_WAV_ALAW, 1, 0, &seg) == 0, "tap left running");
  CHECK(hl_cmd_tap(b, 0, 11, path("left-b.wav").c_str(), HL_WAV_PCM16, 1, 0, nullptr) == 0, "tap left running");
  pump(b, all, 700, {});
  hl_board_destroy(b);
  CHECK(frames_of(path("left-b.wav"), nullptr) > 0, "destroy finished the running tap's file");
  std::string cmd = "rm -rf '" + g_dir + "'";
  if (std::system(cmd.c_str()) != 0) std::printf("could not remove %s\n", g_dir.c_str());
  std::printf("board_taps_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
