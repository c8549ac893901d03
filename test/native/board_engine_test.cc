// The channel engine over the sim driver, without Node, under ASan/UBSan:
// a call across the simulated cable (CAS line states), DTMF as audio to the
// detector, a recording whose WAV is valid, a conference, a pulled cable, and
// a clean teardown with operations still running (leak check).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "dsp/wav.h"
}
#include "board/board.h"
#include "board/codec.h"
#include "drivers/sim/sim.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"


static int count(const std::vector<hl_event> &evs, int type, int ch) {
  int n = 0;
  for (const hl_event &e : evs)
    if (e.type == type && (ch < 0 || e.channel == ch)) n++;
  return n;
}

int main() {
  // Spans 0,1 = engine side; 2,3 = network side; cables 0-2 and 1-3.
  const int peers[4] = {2, 3, 0, 1};
  hl_board *b = sim_board(4, peers);
  CHECK(b, "sim board create");
  if (!b) return 1;
  // The engine's table encoder gives G.711's codes for every 16-bit input.
  int mismatches = 0;
  for (int x = -32768; x < 32768; x++) mismatches += hl::lin_to_alaw((int16_t)x) != hl_g711_alaw_encode((int16_t)x);
  CHECK(mismatches == 0, "%d A-law codes differ from dsp/g711", mismatches);
  CHECK(hl_board_channels(b) == 120, "120 channels, got %d", hl_board_channels(b));
  CHECK(hl_board_channel_of(b, 0, 16) == HL_ENOENT, "timeslot 16 is not a bearer");
  CHECK(hl_board_channel_of(b, 1, 17) == 45, "span 1 ts 17 -> 45, got %d", hl_board_channel_of(b, 1, 17));
  CHECK(hl_cmd_answer(b, 500) == HL_ENOENT, "unknown channel refused");
  CHECK(hl_cmd_senddigits(b, 0, 1, "12x", 80, 80, -8) == HL_EINVAL, "bad digit refused");

  const int eng = 3, net = 60 + 3;  // same timeslot on either end of cable 0-2
  CHECK(hl_cmd_call(b, net, 1, 5000, "13800138000", "12315") == 0, "call");
  auto evs = run(b, 50);
  CHECK(count(evs, HL_EV_RING, eng) == 1, "one ring on the engine side");
  for (const hl_event &e : evs)
    if (e.type == HL_EV_RING) CHECK(std::strcmp(e.text, "13800138000|12315") == 0, "numbers '%s'", e.text);
  CHECK(hl_board_channel_state(b, eng) == HL_CH_RINGING, "engine ringing");
  CHECK(hl_board_channel_state(b, net) == HL_CH_DIALING, "network dialing");
  hl_cmd_answer(b, eng);
  evs = run(b, 50);
  CHECK(count(evs, HL_EV_ANSWER, net) == 1, "answer reached the caller");
  CHECK(hl_board_channel_state(b, eng) == HL_CH_CONNECTED && hl_board_channel_state(b, net) == HL_CH_CONNECTED, "both connected");

  // Digits as audio, with a record running on the engine side.
  const char *path = "build/board_engine_test.wav";
  std::remove(path);  // recordings never overwrite a file: a run killed midway left one
  CHECK(hl_cmd_record(b, eng, 7, path, HL_WAV_ALAW, 0, 0, 0, -40, 0) == 0, "record");
  hl_cmd_getdigits(b, eng, 2, 4, 1u << 11, 3000, 2000, 0);
  hl_cmd_senddigits(b, net, 3, "9*0#", 80, 80, -10);
  evs = run(b, 1500);
  std::string digits;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_DIGIT && e.channel == eng) digits += e.text;
  CHECK(digits == "9*0#", "digits '%s'", digits.c_str());
  bool got = false;
  for (const hl_event &e : evs)
    if (e.type == HL_EV_DONE && e.req == 2) {
      got = true;
      CHECK(e.reason == HL_R_DIGIT && std::strcmp(e.text, "9*0") == 0 && e.b == '#', "get-digits %d '%s' %c", e.reason, e.text, e.b);
    }
  CHECK(got, "get-digits finished");
  hl_cmd_stop(b, eng, 1u << HL_OP_RECORD, 7);
  evs = run(b, 20);
  CHECK(count(evs, HL_EV_DONE, eng) == 1, "record done");
  {
    FILE *f = std::fopen(path, "rb");
    CHECK(f != nullptr, "record file exists");
    if (f) {
      std::vector<uint8_t> buf(1 << 16);
      size_t len = std::fread(buf.data(), 1, buf.size(), f);
      std::fclose(f);
      hl_wav_info info;
      CHECK(hl_wav_parse(buf.data(), len, 0, &info) == 0, "valid WAV: %s", info.reason);
      CHECK(info.format == HL_WAV_ALAW && info.frames >= 8000 * 15 / 10, "A-law, 1.5 s: %zu frames", info.frames);
    }
    std::remove(path);
  }

  // Conference of three engine channels with three more calls.
  int e[3] = {10, 11, 12};
  for (int i = 0; i < 3; i++) hl_cmd_call(b, 60 + e[i], 10 + i, 5000, "", "");
  run(b, 30);
  for (int i = 0; i < 3; i++) hl_cmd_answer(b, e[i]);
  run(b, 30);
  for (int i = 0; i < 3; i++) CHECK(hl_cmd_conf_join(b, 0, e[i], 0, -1) == 0, "join");
  CHECK(hl_cmd_conf_join(b, 0, e[0], 2, e[0]) == HL_EINVAL, "whisper to itself refused");
  hl_cmd_senddigits(b, 60 + e[0], 20, "5", 100, 50, -10);
  evs = run(b, 400);
  // The key sent by party 0 is mixed to parties 1 and 2, whose far ends detect it.
  CHECK(count(evs, HL_EV_DIGIT, 60 + e[1]) == 1 && count(evs, HL_EV_DIGIT, 60 + e[2]) == 1, "others hear the key");
  CHECK(count(evs, HL_EV_DIGIT, 60 + e[0]) == 0, "the speaker does not hear itself");

  // Pull cable 0-2: LOS on both ends within 100 ms, calls cleared.
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 0);
  evs = run(b, 100);
  int los = 0;
  for (const hl_event &x : evs)
    if (x.type == HL_EV_ALARM && x.a == HL_ALARM_LOS && x.b == 1) los |= x.span == 0 ? 1 : x.span == 2 ? 2 : 4;
  CHECK(los == 3, "LOS on both ends of the cable only (%d)", los);
  CHECK(count(evs, HL_EV_HANGUP, eng) == 1 && count(evs, HL_EV_HANGUP, net) == 1, "the call cleared on both ends");
  CHECK(hl_board_channel_state(b, eng) == HL_CH_BLOCKED, "blocked during the alarm");
  hl_span_status st;
  hl_board_span_status(b, 2, &st);
  CHECK(st.alarms & HL_ALARM_LOS, "network span in LOS");
  hl_cmd_driver(b, 0, HL_SIM_CABLE, 1);
  evs = run(b, 50);
  CHECK(hl_board_channel_state(b, eng) == HL_CH_IDLE, "idle when the cable is back");

  // Teardown with operations running: a recording and a long prompt on span 1.
  hl_cmd_call(b, 60 + 40, 30, 5000, "", "");
  run(b, 30);
  hl_cmd_answer(b, 40);
  run(b, 30);
  std::vector<uint8_t> pcm(16000, 0xd5);
  hl_clip *clip = nullptr;
  CHECK(hl_clip_create(pcm.data(), pcm.size(), HL_WAV_ALAW, 0, &clip) == 0, "clip");
  hl_clip **list = new hl_clip *[1]{clip};
  CHECK(hl_cmd_play(b, 40, 31, list, 1, 0) == 0, "play");
  std::remove("build/board_engine_test2.wav");
  CHECK(hl_cmd_record(b, 40, 32, "build/board_engine_test2.wav", HL_WAV_PCM16, 1, 0, 0, -40, 0) == 0, "tap");
  run(b, 200);
  hl_board_destroy(b);
  std::remove("build/board_engine_test2.wav");
  std::printf("board_engine_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
