// Audio streams (native/board/stream.cc) without Node, under ASan/UBSan and
// TSan: frames written on one end of a simulated E1 come out, sample for
// sample (values that survive A-law unchanged), at the other end's stream, one
// HL_EV_AUDIO per 20 ms frame; the send ring refuses beyond its limit; an
// underrun sends silence; an idle channel drops what is queued; a closed
// stream's frames never go out; and in real time the control thread writes
// and reads while the clock thread ticks, through close, reopen and destroy.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "board/board.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

namespace {

// A-law decode points (G.711): a frame made of them comes back exact.
int16_t alaw_point(int i) {
  static const int16_t pts[] = {8, -8, 264, -264, 1056, -1056, 4224, -4224, 2112, -2112, 528, -528};
  return pts[i % 12];
}

int count(const std::vector<hl_event> &ev, uint16_t type, int ch) {
  int n = 0;
  for (const hl_event &e : ev) n += e.type == type && e.channel == ch;
  return n;
}

void connect(hl_board *b, int eng, int net) {
  CHECK(hl_cmd_call(b, net, 900, 5000, "1", "2") == 0, "call");
  run(b, 40);
  CHECK(hl_board_channel_state(b, eng) == HL_CH_RINGING, "ringing");
  CHECK(hl_cmd_answer(b, eng) == 0, "answer");
  run(b, 40);
  CHECK(hl_board_channel_state(b, net) == HL_CH_CONNECTED, "connected");
}

void stepped() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return;
  const int eng = 0, net = 30;
  CHECK(hl_stream_write(b, net, nullptr) == HL_ESTATE, "write without a stream");
  hl_stream_opts bad{1, 0, 0};
  CHECK(hl_stream_open(b, net, &bad) == HL_EINVAL, "tx_frames 1 refused");
  CHECK(hl_stream_open(b, 99, nullptr) == HL_ENOENT, "no channel 99");
  // Idle: a queued frame is dropped, nothing is received.
  const int g0 = hl_stream_open(b, net, nullptr);
  CHECK(g0 > 0, "open: %d", g0);
  CHECK(hl_stream_open(b, net, nullptr) == HL_ESTATE, "one stream per channel");
  int16_t frame[HL_STREAM_FRAME];
  for (int i = 0; i < HL_STREAM_FRAME; i++) frame[i] = alaw_point(i);
  CHECK(hl_stream_write(b, net, frame) == 0, "write");
  std::vector<hl_event> ev = run(b, 100);
  hl_stream_stats st{};
  CHECK(hl_stream_stats_get(b, net, &st) == 0 && st.queued == 0 && st.sent == 0 && st.received == 0, "idle: dropped, nothing received (queued %u sent %llu)",
        st.queued, (unsigned long long)st.sent);
  CHECK(count(ev, HL_EV_AUDIO, net) == 0, "no audio events while idle");

  connect(b, eng, net);
  hl_stream_opts eo{4, 0, 0};
  const int ge = hl_stream_open(b, eng, &eo);
  CHECK(ge > 0, "open eng");
  // The limit: 4 frames queued, the 5th refused.
  int ok = 0;
  for (int k = 0; k < 5; k++) ok += hl_stream_write(b, eng, frame) == 0;
  CHECK(ok == 4, "4 of 5 taken (%d)", ok);
  CHECK(hl_stream_stats_get(b, eng, &st) == 0 && st.refused == 1 && st.queued == 4, "refused counted");
  // Frames from net to eng, each distinct.
  std::vector<int16_t> sent;
  for (int k = 0; k < 5; k++) {
    for (int i = 0; i < HL_STREAM_FRAME; i++) frame[i] = alaw_point(i + k);
    sent.insert(sent.end(), frame, frame + HL_STREAM_FRAME);
    CHECK(hl_stream_write(b, net, frame) == 0, "write %d", k);
  }
  ev = run(b, 200);
  CHECK(count(ev, HL_EV_AUDIO, eng) == 10, "one event per 20 ms frame (%d)", count(ev, HL_EV_AUDIO, eng));
  for (const hl_event &e : ev)
    if (e.type == HL_EV_AUDIO && e.channel == eng) CHECK(e.a == ge, "event names the generation");
  hl_audio_frame got[32];
  int n = hl_stream_read(b, eng, got, 32);
  CHECK(n == 10, "10 frames read (%d)", n);
  std::vector<int16_t> heard;
  for (int k = 0; k < n; k++) {
    heard.insert(heard.end(), got[k].pcm, got[k].pcm + HL_STREAM_FRAME);
    if (k) CHECK(got[k].time_ms == got[k - 1].time_ms + 20, "frame %d 20 ms after the last", k);
    CHECK(got[k].gen == (uint32_t)ge, "generation");
  }
  // Find the sent frames in what was heard, exactly (A-law points survive).
  size_t at = 0;
  while (at + sent.size() <= heard.size() && std::memcmp(&heard[at], sent.data(), sent.size() * 2) != 0) at++;
  CHECK(at + sent.size() <= heard.size(), "the five frames arrived sample for sample");
  for (size_t i = at + sent.size(); i < heard.size(); i++) CHECK(heard[i] == 0 || heard[i] == 8 || heard[i] == -8, "silence after (%d)", heard[i]);
  CHECK(hl_stream_stats_get(b, net, &st) == 0 && st.sent == 5 && st.underruns == 1, "net: 5 sent, one underrun (%llu, %llu)",
        (unsigned long long)st.sent, (unsigned long long)st.underruns);
  CHECK(hl_stream_read(b, eng, got, 32) == 0, "nothing more");
  // A closed stream's queued frames never go out: close with frames queued, reopen.
  for (int i = 0; i < HL_STREAM_FRAME; i++) frame[i] = 4224;
  CHECK(hl_stream_write(b, net, frame) == 0 && hl_stream_write(b, net, frame) == 0, "queued");
  CHECK(hl_stream_close(b, net) == 0, "close");
  CHECK(hl_stream_close(b, net) == HL_ESTATE, "closed twice");
  const int g1 = hl_stream_open(b, net, nullptr);
  CHECK(g1 > g0, "a new generation (%d > %d)", g1, g0);
  run(b, 100);
  n = hl_stream_read(b, eng, got, 32);
  bool loud = false;
  for (int k = 0; k < n; k++)
    for (int i = 0; i < HL_STREAM_FRAME; i++) loud |= got[k].pcm[i] > 1000;
  CHECK(!loud, "the old generation's frames were not sent");
  // Trim: more than 2 queued, the oldest go.
  CHECK(hl_stream_close(b, net) == 0, "close");
  hl_stream_opts to{16, 1, 2};
  CHECK(hl_stream_open(b, net, &to) > 0, "open with trim");
  for (int k = 0; k < 6; k++) hl_stream_write(b, net, frame);
  run(b, 10);
  CHECK(hl_stream_stats_get(b, net, &st) == 0 && st.trimmed == 4, "trimmed 4 (%llu)", (unsigned long long)st.trimmed);
  // A burst's delay is undone: 6 frames queued at once, then one per 20 ms;
  // the queue never runs below the prefill, so a frame a second goes.
  CHECK(hl_stream_close(b, net) == 0, "close");
  hl_stream_opts so{32, 2, 8};
  CHECK(hl_stream_open(b, net, &so) > 0, "open with prefill 2, trim 8");
  for (int k = 0; k < 6; k++) hl_stream_write(b, net, frame);
  for (int k = 0; k < 250; k++) {
    hl_stream_write(b, net, frame);
    run(b, 20);
  }
  CHECK(hl_stream_stats_get(b, net, &st) == 0 && st.queued <= 2 && st.trimmed >= 4 && st.underruns == 0,
        "settled to the prefill: queued %u, trimmed %llu, underruns %llu", st.queued, (unsigned long long)st.trimmed, (unsigned long long)st.underruns);
  // Destroyed with streams open and frames queued: nothing leaks (ASan).
  hl_stream_write(b, net, frame);
  hl_board_destroy(b);
}

std::atomic<int> wakes{0};
void on_wake(void *) { wakes.fetch_add(1); }

void realtime() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  CHECK(b, "board");
  if (!b) return;
  const int eng = 2, net = 32;
  CHECK(hl_board_start(b, on_wake, nullptr) == 0, "start");
  CHECK(hl_cmd_call(b, net, 901, 5000, "1", "2") == 0, "call");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK(hl_cmd_answer(b, eng) == 0, "answer");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  hl_event ev[256];
  while (hl_board_drain(b, ev, 256) > 0) {}
  int16_t frame[HL_STREAM_FRAME];
  for (int i = 0; i < HL_STREAM_FRAME; i++) frame[i] = alaw_point(i);
  hl_audio_frame got[32];
  int frames = 0, audio = 0;
  for (int round = 0; round < 3; round++) {
    CHECK(hl_stream_open(b, net, nullptr) > 0, "open net");
    CHECK(hl_stream_open(b, eng, nullptr) > 0, "open eng");
    for (int k = 0; k < 15; k++) {
      hl_stream_write(b, net, frame);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      int m;
      while ((m = hl_board_drain(b, ev, 256)) > 0)
        for (int i = 0; i < m; i++) audio += ev[i].type == HL_EV_AUDIO && ev[i].channel == eng;
      int r;
      while ((r = hl_stream_read(b, eng, got, 32)) > 0) frames += r;
    }
    CHECK(hl_stream_close(b, net) == 0 && hl_stream_close(b, eng) == 0, "close");
  }
  CHECK(frames >= 30, "frames received in real time (%d)", frames);
  CHECK(audio >= 30, "audio events (%d)", audio);
  CHECK(wakes.load() > 0, "woken");
  CHECK(hl_stream_open(b, net, nullptr) > 0, "open before destroy");
  hl_stream_write(b, net, frame);
  hl_board_destroy(b);  // stops the clock with a stream attached
}

}  // namespace

int main() {
  stepped();
  realtime();
  printf("board_stream_test: %s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
