// MF R2 through the board, on dsp/mf_r2.h's sender (the one MF sender; China
// No.1 register signalling will drive it): pulsed forward codes reach the far
// end's receiver in order and the completion's duration is codes x (tone +
// gap); a compelled backward tone holds until changed; levels that would clip
// (two tones above -3 dBm0 each) are refused.
#include <cstdio>
#include <vector>

#include "board/board.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

int main() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return 1;
  const int eng = 4, net = 34;
  hl_cmd_call(b, net, 1, 5000, "", "");
  run(b, 50);
  hl_cmd_answer(b, eng);
  run(b, 50);
  CHECK(hl_board_channel_state(b, eng) == HL_CH_CONNECTED, "connected");

  CHECK(hl_cmd_detect_mf(b, eng, 0) == 0, "forward receiver");
  CHECK(hl_cmd_detect_mf(b, net, 1) == 0, "backward receiver");
  const uint8_t codes[] = {1, 2, 3, 15, 10, 6};
  CHECK(hl_cmd_sendmf(b, net, 2, codes, 6, 0, 100, 100, -11.5) == 0, "sendmf");
  auto evs = run(b, 1400);
  std::vector<int> got;
  bool done = false;
  for (const hl_event &e : evs) {
    if (e.type == HL_EV_MF && e.channel == eng && e.a) got.push_back(e.a);
    if (e.type == HL_EV_DONE && e.req == 2) {
      done = true;
      CHECK(e.reason == HL_R_DONE && e.a == 1200, "sendmf done reason %d after %d ms (6 x 200)", e.reason, e.a);
    }
  }
  CHECK(done, "sendmf completed");
  CHECK(got == std::vector<int>(codes, codes + 6), "%zu forward codes detected in order", got.size());

  // Compelled: backward code 5 until told to stop.
  CHECK(hl_cmd_mf_tone(b, eng, 1, 5, HL_MF_LEVEL_MAX) == 0, "mf tone at -3 dBm0");
  evs = run(b, 500);
  std::vector<int> bwd;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_MF && e.channel == net) bwd.push_back(e.a);
  CHECK(bwd == std::vector<int>({5}), "backward code 5 on and held (%zu changes)", bwd.size());
  hl_cmd_mf_tone(b, eng, 1, 0, -11.5);
  evs = run(b, 200);
  bwd.clear();
  for (const hl_event &e : evs)
    if (e.type == HL_EV_MF && e.channel == net) bwd.push_back(e.a);
  CHECK(bwd == std::vector<int>({0}), "and off");

  CHECK(hl_cmd_sendmf(b, net, 3, codes, 1, 0, 100, 100, -2.9) == HL_ERANGE, "-2.9 dBm0 per tone refused (clips)");
  CHECK(hl_cmd_mf_tone(b, eng, 1, 5, 0) == HL_ERANGE, "0 dBm0 per tone refused (clips)");
  CHECK(hl_cmd_sendmf(b, net, 4, codes, 1, 0, 100, 100, -40.5) == HL_ERANGE, "below -40 dBm0 refused");
  hl_board_destroy(b);
  std::printf("board_mf_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
