// The board over the revised driver contract (board/driver.h):
//  - echo: a driver with its own per-channel canceller (DAHDI's) gets the
//    parameters, and the board's own (dsp/echo) stays off; a fax tone turns
//    the driver's off for that call and the next call has it again; a driver
//    without one there (HL_ENOTSUP) or that fails (counted) leaves the board's
//    own running; bad parameters are refused at the command.
//  - numbers are not the contract's: a board given no numbers side channel
//    rings with none (and no driver error); given the sim's (hl_sim_numbers),
//    the numbers of the call arrive with the ring.
#include <cmath>
#include <cstring>
#include <vector>

#include "board/engine.h"
#include "board_fixture.h"
#include "check.h"
#include "dsp/g711.h"
#include "dsp/wav.h"
#include "hl_errors.h"

namespace {

// A sim driver with an echo canceller per channel that answers `rc` and
// remembers what it was asked.
struct EchoDriver {
  hl_driver inner{};
  int rc = 0;
  struct Call {
    int span, ts;
    hl_driver_echo p;
  };
  std::vector<Call> calls;
};
EchoDriver *E(void *d) { return static_cast<EchoDriver *>(d); }
int e_read(void *d, int s, uint8_t *rx, int n) { return E(d)->inner.ops->read(E(d)->inner.self, s, rx, n); }
int e_write(void *d, int s, const uint8_t *tx, int n) { return E(d)->inner.ops->write(E(d)->inner.self, s, tx, n); }
int e_line_read(void *d, int s, hl_line *l) { return E(d)->inner.ops->line_read(E(d)->inner.self, s, l); }
int e_cas_write(void *d, int s, int ts, uint8_t v) { return E(d)->inner.ops->cas_write(E(d)->inner.self, s, ts, v); }
int e_status(void *d, int s, hl_span_status *st) { return E(d)->inner.ops->status(E(d)->inner.self, s, st); }
void e_tick_end(void *d, uint64_t t) { E(d)->inner.ops->tick_end(E(d)->inner.self, t); }
void e_destroy(void *d) { E(d)->inner.ops->destroy(E(d)->inner.self); }
int e_control(void *d, int s, int w, double a) { return E(d)->inner.ops->control(E(d)->inner.self, s, w, a); }
int e_echo(void *d, int s, int ts, const hl_driver_echo *p) {
  E(d)->calls.push_back({s, ts, *p});  // test code: the tick may allocate here
  return E(d)->rc;
}
const hl_driver_ops kEchoOps = {"echo-test", e_read, e_write, e_line_read, e_cas_write, e_status, e_tick_end, e_destroy, e_control, e_echo, nullptr};

hl_board *echo_board(EchoDriver *d) {
  const int peers[2] = {1, 0};
  if (hl_sim_create(2, peers, 80, 10, &d->inner) != 0) return nullptr;
  hl_board_config cfg{};
  cfg.driver.ops = &kEchoOps;
  cfg.driver.self = d;
  cfg.driver.spans = 2;
  cfg.spans = 2;
  cfg.tick_ms = 10;
  hl_board *b = nullptr;
  return hl_board_create(&cfg, &b) == 0 ? b : nullptr;
}

hl_driver_echo params256() {
  hl_driver_echo p{};
  p.taps = 256;
  p.nparams = 1;
  std::snprintf(p.param[0].name, sizeof p.param[0].name, "nlp_type");
  p.param[0].value = 3;
  return p;
}

// Far channel 30 (span 1 timeslot 1) calls channel 0; channel 0 answers.
bool connect(hl_board *b) {
  hl_cmd_call(b, 30, 1, 5000, "", "");
  run(b, 40);
  hl_cmd_answer(b, 0);
  run(b, 40);
  return hl_board_channel_state(b, 0) == HL_CH_CONNECTED;
}

void test_driver_echo() {
  EchoDriver d;
  hl_board *b = echo_board(&d);
  CHECK(b, "board");
  if (!b) return;
  const hl_driver_echo p = params256();
  CHECK(hl_cmd_echo_params(b, 0, 1, &p) == 0, "echo on with parameters");
  run(b, 10);
  CHECK(d.calls.size() == 1 && d.calls[0].span == 0 && d.calls[0].ts == 1 && d.calls[0].p.taps == 256 && d.calls[0].p.nparams == 1 &&
            !std::strcmp(d.calls[0].p.param[0].name, "nlp_type") && d.calls[0].p.param[0].value == 3,
        "the driver got the channel's parameters (%zu calls)", d.calls.size());
  CHECK(b->ch[0].ec_drv && !b->ch[0].ec_on, "the driver's canceller runs, not the board's");
  // A fax answers: 2100 Hz (CED, T.30) from the far end, tone detection on.
  CHECK(connect(b), "call up");
  hl_cmd_detect(b, 0, -1, 1);
  std::vector<uint8_t> ced(8000 * 3);
  for (size_t i = 0; i < ced.size(); i++) ced[i] = hl_g711_alaw_encode((int16_t)(8000 * std::sin(2 * M_PI * 2100 * (double)i / 8000)));
  hl_clip *clip = nullptr;
  CHECK(hl_clip_create(ced.data(), ced.size(), HL_WAV_ALAW, 0, &clip) == 0, "clip");
  hl_clip **clips = new hl_clip *[1]{clip};  // the board owns the array (delete[]) and the clip
  hl_cmd_play(b, 30, 2, clips, 1, 0);
  bool ced_seen = false;
  for (const hl_event &e : run(b, 3000)) ced_seen |= e.type == HL_EV_TONE && e.channel == 0 && e.a == HL_TONE_FAX_CED;
  CHECK(ced_seen, "CED detected");
  CHECK(!d.calls.empty() && d.calls.back().p.taps == 0 && !b->ch[0].ec_drv && !b->ch[0].ec_on, "the fax turned the driver's canceller off");
  const size_t before = d.calls.size();
  hl_cmd_hangup(b, 30);
  run(b, 300);
  CHECK(hl_board_channel_state(b, 0) == HL_CH_IDLE, "idle");
  CHECK(d.calls.size() == before + 1 && d.calls.back().p.taps == 256 && b->ch[0].ec_drv, "the next call has the driver's canceller again");
  // Off: the driver's off, and the board's stays off.
  hl_cmd_echo_params(b, 0, 0, &p);
  run(b, 10);
  CHECK(d.calls.back().p.taps == 0 && !b->ch[0].ec_drv && !b->ch[0].ec_on, "off");
  // Without parameters (taps 0): the board's own, the driver not asked.
  const size_t n = d.calls.size();
  hl_cmd_echo(b, 1, 1);
  run(b, 10);
  CHECK(d.calls.size() == n && b->ch[1].ec_on && !b->ch[1].ec_drv, "echo(1) alone runs the board's canceller");
  hl_driver_echo big = p;
  big.taps = 2000;
  CHECK(hl_cmd_echo_params(b, 0, 1, &big) == HL_EINVAL, "2000 taps refused");
  big = p;
  big.nparams = 5;
  CHECK(hl_cmd_echo_params(b, 0, 1, &big) == HL_EINVAL, "5 parameters refused");
  hl_board_stats st{};
  hl_board_get_stats(b, &st);
  CHECK(st.driver_errors == 0, "no driver error: %llu", (unsigned long long)st.driver_errors);
  hl_board_destroy(b);
}

void test_driver_echo_absent_or_failing() {
  for (int rc : {HL_ENOTSUP, HL_EIO}) {
    EchoDriver d;
    d.rc = rc;
    hl_board *b = echo_board(&d);
    CHECK(b, "board");
    if (!b) return;
    const hl_driver_echo p = params256();
    hl_cmd_echo_params(b, 2, 1, &p);
    run(b, 10);
    CHECK(d.calls.size() == 1, "asked once");
    CHECK(b->ch[2].ec_on && !b->ch[2].ec_drv, "rc %d: the board's own canceller runs instead", rc);
    hl_board_stats st{};
    hl_board_get_stats(b, &st);
    CHECK(st.driver_errors == (rc == HL_EIO ? 1u : 0u), "rc %d: driver errors %llu (a refusal is no error, a failure is)", rc, (unsigned long long)st.driver_errors);
    hl_board_destroy(b);
  }
}

// The ring's text of channel 0 after far channel 30 called it with numbers.
std::string ring_text(hl_board *b) {
  hl_cmd_call(b, 30, 1, 5000, "13800138000", "12315");
  for (const hl_event &e : run(b, 40))
    if (e.type == HL_EV_RING && e.channel == 0) return e.text;
  return "(no ring)";
}

void test_numbers_side_channel() {
  const int peers[2] = {1, 0};
  hl_board_config cfg{};
  CHECK(hl_sim_create(2, peers, 80, 10, &cfg.driver) == 0, "sim");
  const hl_numbers_io numbers = hl_sim_numbers(&cfg.driver);
  cfg.spans = 2;
  cfg.tick_ms = 10;
  hl_board *b = nullptr;
  CHECK(hl_board_create(&cfg, &b) == 0, "board");
  const std::string none = ring_text(b);
  CHECK(none == "|", "no side channel: a ring without numbers, got '%s'", none.c_str());
  hl_board_stats st{};
  hl_board_get_stats(b, &st);
  CHECK(st.driver_errors == 0, "and no error");
  hl_cmd_hangup(b, 30);
  run(b, 200);
  CHECK(hl_board_set_numbers(b, &numbers) == 0, "the sim's side channel");
  const std::string with = ring_text(b);
  CHECK(with == "13800138000|12315", "numbers with the ring: '%s'", with.c_str());
  hl_driver other{};
  CHECK(hl_sim_numbers(&other).put == nullptr, "hl_sim_numbers of a driver that is not the sim: none");
  hl_board_destroy(b);
}

}  // namespace

int main() {
  test_driver_echo();
  test_driver_echo_absent_or_failing();
  test_numbers_side_channel();
  if (!failures) std::printf("board_contract_test: ok\n");
  return failures ? 1 : 0;
}
