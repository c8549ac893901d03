// Recordings in the channel engine, without Node, under ASan/UBSan: a board
// closed with record/tap commands still queued for the next tick (no use
// after free, no double delete, the files finished).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
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

std::string tmp_path(const char *name) { return g_dir + "/" + name; }

std::vector<uint8_t> slurp(const std::string &p) {
  std::vector<uint8_t> out;
  FILE *f = std::fopen(p.c_str(), "rb");
  if (!f) return out;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  std::fclose(f);
  return out;
}

// Parses a finished recording strictly: the header must match the data.
bool valid_wav(const std::string &p, hl_wav_info *info) {
  std::vector<uint8_t> d = slurp(p);
  return !d.empty() && hl_wav_parse(d.data(), d.size(), 0, info) == 0;
}

// A call from net to eng across the cable, both connected.
void connect(hl_board *b, int eng, int net) {
  hl_cmd_call(b, net, 9000 + net, 5000, "13800138000", "12315");
  run(b, 50);
  hl_cmd_answer(b, eng);
  run(b, 50);
}

// Item: hl_board_destroy freed the recorders, then finalised the record
// commands still queued on the same pointers (use after free, double delete).
void destroy_with_queued_record_and_tap() {
  const int peers[2] = {1, 0};
  for (int round = 0; round < 3; round++) {
    hl_board *b = sim_board(2, peers);
    CHECK(b, "board");
    if (!b) return;
    connect(b, 0, 30);
    std::string r = tmp_path(("queued-rec-" + std::to_string(round) + ".wav").c_str());
    std::string t = tmp_path(("queued-tap-" + std::to_string(round) + ".wav").c_str());
    CHECK(hl_cmd_record(b, 0, 1, r.c_str(), HL_WAV_ALAW, 0, 0, 0, -40, 0) == 0, "record queued");
    CHECK(hl_cmd_record(b, 0, 2, t.c_str(), HL_WAV_PCM16, 1, 0, 0, -40, 0) == 0, "tap queued");
    if (round == 1) run(b, 30);  // one of them running, the next ones queued
    if (round == 1) hl_cmd_record(b, 1, 3, tmp_path("queued-rec-1b.wav").c_str(), HL_WAV_MULAW, 2, 0, 0, -40, 0);
    hl_board_destroy(b);  // no tick in between
    hl_wav_info info;
    CHECK(valid_wav(r, &info), "queued record left a valid file %s", r.c_str());
    CHECK(valid_wav(t, &info) && info.channels == 2, "queued tap left a valid stereo file %s", t.c_str());
  }
}

}  // namespace

int main() {
  char tmpl[] = "/tmp/hl-board-rec-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  g_dir = tmpl;
  destroy_with_queued_record_and_tap();
  std::string cmd = "rm -rf '" + g_dir + "'";
  if (std::system(cmd.c_str()) != 0) std::printf("could not remove %s\n", g_dir.c_str());
  std::printf("board_rec_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
