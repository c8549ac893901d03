/* The DAHDI driver under the board's contract (board/driver.h), checked
 * against the userspace DAHDI without the board above it (run under
 * LD_PRELOAD by test/dahdi/driver.test.ts, once per configuration):
 *
 *   lines   "spans=2 cable=1-2": a burst of one kind of line event (40 bit
 *           changes, 5 winks) queued on a channel with one polarity reversal
 *           among them: every kind arrives in its own slot with its newest
 *           value, the polarity reversal is not lost, the coalesced ones are
 *           counted per kind (hl_span_status.line_drops), other channels and
 *           the next read see nothing.
 *   echo    "spans=2 cable=1-2": DAHDI_ECHOCANCEL_PARAMS per channel with the
 *           tail and named parameters, and off again (taps 0).
 *   noecho  "spans=2 cable=1-2 echocan=none": no canceller configured: the
 *           driver says HL_ENOTSUP (the board then runs its own).
 *   t1      "spans=2 cable=1-2 kind=1:t1,2:t1": 24 mu-law channels a span;
 *           the board's A-law frames are heard right at the far end of the
 *           line (read there in linear mode) and the far end's audio comes
 *           back right (G.711 transcoding); channel 24 sits on slot 25; an
 *           E1-sized profile is refused. t1-as-alaw takes the same line for
 *           A-law and must fail (the test can fail).
 *
 * Prints one line per failed check and exits 1, or "driver_check: ok". */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>

#include <dahdi/user.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "drivers/dahdi/dahdi.h"
#include "drivers/dahdi/emu_ioctl.h"
#include "dsp/g711.h"
#include "hl_errors.h"

static int failures;
#define CHECK(cond, ...)                                    \
  do {                                                      \
    if (!(cond)) {                                          \
      failures++;                                           \
      std::printf("driver_check FAIL line %d: ", __LINE__); \
      std::printf(__VA_ARGS__);                             \
      std::printf("\n");                                    \
    }                                                       \
  } while (0)

constexpr int kSamples = 80;

static bool open_spans(hl_driver *d, int kind, int channels, int law) {
  hl_dahdi_span cfg[2] = {{1, 1, kind, channels, law}, {2, 1 + (kind == HL_DAHDI_T1 ? 24 : 31), kind, channels, law}};
  char err[256];
  const int rc = hl_dahdi_create(2, cfg, kSamples, d, err, sizeof err);
  CHECK(rc == 0, "hl_dahdi_create: %d %s", rc, err);
  return rc == 0;
}

// One tick of the driver on both spans: read (this steps the virtual clock), write idle.
static void tick(hl_driver *d, uint8_t *rx0, uint8_t *rx1, const uint8_t *tx0) {
  static uint8_t idle[32 * kSamples];
  std::memset(idle, 0xd5, sizeof idle);
  d->ops->write(d->self, 0, tx0 ? tx0 : idle, kSamples);
  d->ops->write(d->self, 1, idle, kSamples);
  d->ops->read(d->self, 0, rx0, kSamples);
  d->ops->read(d->self, 1, rx1, kSamples);
  d->ops->tick_end(d->self, 0);
}

static void inject(int ctl, int span, int pos, int event, int count) {
  hl_emu_ctl x;
  std::memset(&x, 0, sizeof x);
  x.span = span;
  x.what = HL_EMU_EVENT;
  x.value = event;
  x.chanpos = pos;
  x.count = count;
  CHECK(ioctl(ctl, HL_EMU_CONTROL, &x) == 0, "HL_EMU_EVENT refused");
}

static void check_lines() {
  hl_driver d{};
  if (!open_spans(&d, HL_DAHDI_E1, 31, HL_DAHDI_ALAW)) return;
  static uint8_t rx0[32 * kSamples], rx1[32 * kSamples];
  hl_line lines[32];
  tick(&d, rx0, rx1, nullptr);
  d.ops->line_read(d.self, 1, lines);  // whatever opening left
  int ctl = open("/dev/dahdi/ctl", O_RDWR);
  // Span 2, timeslot 5: 20 bit changes, the polarity reversal, 20 more, 5 winks.
  inject(ctl, 2, 5, DAHDI_EVENT_BITSCHANGED, 20);
  inject(ctl, 2, 5, DAHDI_EVENT_POLARITY, 1);
  inject(ctl, 2, 5, DAHDI_EVENT_BITSCHANGED, 20);
  inject(ctl, 2, 5, DAHDI_EVENT_WINKFLASH, 5);
  tick(&d, rx0, rx1, nullptr);
  CHECK(d.ops->line_read(d.self, 1, lines) == 0, "line_read");
  const hl_line &l = lines[5];
  CHECK(l.pending == ((1u << HL_LINE_BITS) | (1u << HL_LINE_POLARITY) | (1u << HL_LINE_WINK)), "kinds with news: 0x%x", l.pending);
  CHECK(l.value[HL_LINE_POLARITY] == 1, "polarity reversed: %d", l.value[HL_LINE_POLARITY]);
  CHECK(l.value[HL_LINE_BITS] == 0x9 && l.abcd == 0x9, "bits: the line's (idle), %x %x", l.value[HL_LINE_BITS], l.abcd);
  CHECK(lines[6].pending == 0 && lines[4].pending == 0, "other channels untouched");
  hl_span_status st{};
  d.ops->status(d.self, 1, &st);
  CHECK(st.line_drops[HL_LINE_BITS] == 39, "39 bit changes coalesced: %llu", (unsigned long long)st.line_drops[HL_LINE_BITS]);
  CHECK(st.line_drops[HL_LINE_WINK] == 4, "4 winks coalesced: %llu", (unsigned long long)st.line_drops[HL_LINE_WINK]);
  CHECK(st.line_drops[HL_LINE_POLARITY] == 0 && st.line_drops[HL_LINE_RING] == 0 && st.line_drops[HL_LINE_HOOK] == 0, "no other kind dropped");
  CHECK(st.lost_frames == 0, "the burst cost no audio: %llu lost", (unsigned long long)st.lost_frames);
  tick(&d, rx0, rx1, nullptr);
  d.ops->line_read(d.self, 1, lines);
  CHECK(lines[5].pending == 0, "taken once: 0x%x", lines[5].pending);
  // A second reversal flips it back.
  inject(ctl, 2, 5, DAHDI_EVENT_POLARITY, 1);
  tick(&d, rx0, rx1, nullptr);
  d.ops->line_read(d.self, 1, lines);
  CHECK(lines[5].pending == 1u << HL_LINE_POLARITY && lines[5].value[HL_LINE_POLARITY] == 0, "polarity back: 0x%x %d", lines[5].pending,
        lines[5].value[HL_LINE_POLARITY]);
  close(ctl);
  d.ops->destroy(d.self);
}

static void check_echo(bool configured) {
  hl_driver d{};
  if (!open_spans(&d, HL_DAHDI_E1, 31, HL_DAHDI_ALAW)) return;
  CHECK(d.ops->echo != nullptr, "the DAHDI driver has a per-channel canceller");
  hl_driver_echo p{};
  p.taps = 256;
  p.nparams = 2;
  std::snprintf(p.param[0].name, sizeof p.param[0].name, "nlp_type");
  p.param[0].value = 3;
  std::snprintf(p.param[1].name, sizeof p.param[1].name, "nlp_thresh");
  p.param[1].value = -25;
  const int rc = d.ops->echo(d.self, 0, 7, &p);
  int ctl = open("/dev/dahdi/ctl", O_RDWR);
  hl_emu_echo e;
  std::memset(&e, 0, sizeof e);
  e.span = 1;
  e.chanpos = 7;
  if (!configured) {
    CHECK(rc == HL_ENOTSUP, "no canceller configured: HL_ENOTSUP, got %d", rc);
  } else {
    CHECK(rc == 0, "echo on: %d", rc);
    CHECK(ioctl(ctl, HL_EMU_GETECHO, &e) == 0, "HL_EMU_GETECHO");
    CHECK(e.taps == 256 && e.nparams == 2, "taps %u params %u", e.taps, e.nparams);
    CHECK(!std::strcmp(e.name[0], "nlp_type") && e.value[0] == 3 && !std::strcmp(e.name[1], "nlp_thresh") && e.value[1] == -25, "params %s=%d %s=%d",
          e.name[0], e.value[0], e.name[1], e.value[1]);
    e.chanpos = 8;
    ioctl(ctl, HL_EMU_GETECHO, &e);
    CHECK(e.taps == 0, "the next channel's canceller untouched: %u", e.taps);
    hl_driver_echo off{};
    CHECK(d.ops->echo(d.self, 0, 7, &off) == 0, "echo off");
    e.chanpos = 7;
    ioctl(ctl, HL_EMU_GETECHO, &e);
    CHECK(e.taps == 0 && e.nparams == 0, "off: taps %u", e.taps);
  }
  CHECK(d.ops->echo(d.self, 0, 16, &p) == HL_ENOTSUP, "timeslot 16 has no channel");
  close(ctl);
  d.ops->destroy(d.self);
}

static void check_t1(int law) {
  hl_driver d{};
  hl_dahdi_span e1[1] = {{1, 1, HL_DAHDI_T1, 31, HL_DAHDI_MULAW}};
  char err[256];
  CHECK(hl_dahdi_create(1, e1, kSamples, &d, err, sizeof err) == HL_EINVAL && std::strstr(err, "1 to 24"), "31 channels on a T1 refused: %s", err);
  hl_dahdi_span as_e1[1] = {{1, 1, HL_DAHDI_E1, 31, HL_DAHDI_ALAW}};
  CHECK(hl_dahdi_create(1, as_e1, kSamples, &d, err, sizeof err) == HL_EDAHDI_CONFIG && std::strstr(err, "has 24 channels"), "a T1 opened as an E1 refused: %s",
        err);
  // The driver has span 1; span 2's channels 1 and 24 (DAHDI 25 and 48) are
  // read and written here in linear mode: the far end of the line, which
  // hears the audio and not the driver's bytes.
  hl_dahdi_span t1[1] = {{1, 1, HL_DAHDI_T1, 24, law}};
  if (hl_dahdi_create(1, t1, kSamples, &d, err, sizeof err) != 0) {
    CHECK(false, "T1 span: %s", err);
    return;
  }
  int far[2] = {-1, -1};
  const int channo[2] = {25, 48};
  for (int k = 0; k < 2; k++) {
    far[k] = open("/dev/dahdi/channel", O_RDWR);
    int n = channo[k], bs = kSamples, lin = 1;
    CHECK(ioctl(far[k], DAHDI_SPECIFY, &n) == 0 && ioctl(far[k], DAHDI_SET_BLOCKSIZE, &bs) == 0 && ioctl(far[k], DAHDI_SETLINEAR, &lin) == 0, "far channel %d", n);
  }
  static uint8_t tx[32 * kSamples], rx[32 * kSamples];
  std::memset(tx, 0xd5, sizeof tx);
  // A ramp of A-law codes on channel 1 (slot 1) and channel 24 (slot 25); the
  // far end sends a ramp of linear samples back.
  for (int i = 0; i < kSamples; i++) tx[1 * kSamples + i] = tx[25 * kSamples + i] = (uint8_t)(0x80 + i);
  int16_t back[kSamples], heard[2][kSamples];
  for (int i = 0; i < kSamples; i++) back[i] = (int16_t)(-12000 + 300 * i);
  for (int t = 0; t < 4; t++) {  // the same block every tick: after the emulation's step of delay, steady
    d.ops->write(d.self, 0, tx, kSamples);
    for (int k = 0; k < 2; k++) CHECK(write(far[k], back, sizeof back) == (ssize_t)sizeof back, "far write");
    d.ops->read(d.self, 0, rx, kSamples);
    for (int k = 0; k < 2; k++) CHECK(read(far[k], heard[k], sizeof heard[k]) == (ssize_t)sizeof heard[k], "far read");
  }
  int out_err = 0, in_err = 0, loud = 0;
  for (int i = 0; i < kSamples; i++) {
    const int want = hl_g711_alaw_to_i16[(uint8_t)(0x80 + i)];
    const int tol = std::abs(want) / 16 + 16;  // within a step of either law (G.711 A -> mu -> linear)
    for (int k = 0; k < 2; k++) out_err = std::max(out_err, std::abs(heard[k][i] - want) - tol);
    const int tol_in = std::abs(back[i]) / 16 + 16;
    in_err = std::max(in_err, std::abs(hl_g711_alaw_to_i16[rx[1 * kSamples + i]] - back[i]) - tol_in);
    in_err = std::max(in_err, std::abs(hl_g711_alaw_to_i16[rx[25 * kSamples + i]] - back[i]) - tol_in);
    loud += rx[17 * kSamples + i] != 0xd5;
  }
  CHECK(out_err <= 0, "the board's A-law frames heard at the far end of the T1: off by %d beyond a G.711 step", out_err);
  CHECK(in_err <= 0, "the far end's audio in the board's A-law frames: off by %d beyond a G.711 step", in_err);
  CHECK(loud == 0, "slot 17 (channel 16, where E1 bearer 16 sits) got %d samples: channel 16 was silent", loud);
  for (int k = 0; k < 2; k++) close(far[k]);
  d.ops->destroy(d.self);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!std::strcmp(what, "lines")) check_lines();
  else if (!std::strcmp(what, "echo")) check_echo(true);
  else if (!std::strcmp(what, "noecho")) check_echo(false);
  else if (!std::strcmp(what, "t1")) check_t1(HL_DAHDI_MULAW);
  else if (!std::strcmp(what, "t1-as-alaw")) check_t1(HL_DAHDI_ALAW);  // a profile with the wrong law: must fail
  else {
    std::printf("driver_check: say lines, echo, noecho, t1 or t1-as-alaw\n");
    return 2;
  }
  if (failures) return 1;
  std::printf("driver_check: ok (%s)\n", what);
  return 0;
}
