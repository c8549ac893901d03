/* libFuzzer target: arbitrary bytes as an A-law line signal through every
 * receive-side detector a channel runs (DTMF, call progress, MF R2 forward
 * and backward, energy), fed in chunk sizes taken from the input itself.
 * Checks beyond "no crash": every event's times are ordered and inside the
 * samples fed so far, and on/off events alternate per detector.
 * Run with `npm run fuzz -- SECONDS` (seeds: seeds/detectors/). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/callprog.h"
#include "dsp/dtmf.h"
#include "dsp/energy.h"
#include "dsp/g711.h"
#include "dsp/mf_r2.h"

static hl_dtmf_desc dtmf_desc;
static hl_callprog_desc cp_desc;
static hl_energy_desc en_desc;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (hl_dtmf_desc_init(&dtmf_desc, NULL) || hl_callprog_desc_init(&cp_desc, NULL) || hl_energy_desc_init(&en_desc, NULL)) abort();
  return 0;
}

typedef struct {
  uint64_t fed;     /* samples given to the detectors so far */
  int dtmf_on, cp_on[7], mf_on[2];
} check_t;
static check_t chk;

static void on_dtmf(void *user, const hl_dtmf_event *ev) {
  (void)user;
  if (ev->type == HL_DTMF_EV_START) {
    if (chk.dtmf_on || ev->start > chk.fed) abort();
    chk.dtmf_on = 1;
  } else {
    if (!chk.dtmf_on || ev->end < ev->start || ev->end > chk.fed) abort();
    chk.dtmf_on = 0;
  }
}
static void on_cp(void *user, const hl_callprog_event *ev) {
  (void)user;
  if (ev->tone < 1 || ev->tone > 6 || ev->start > chk.fed) abort();
  if (ev->on == chk.cp_on[ev->tone]) abort(); /* on/off must alternate */
  if (!ev->on && (ev->end < ev->start || ev->end > chk.fed)) abort();
  chk.cp_on[ev->tone] = ev->on;
}
static void on_mf(void *user, const hl_mf_r2_event *ev) {
  int dir = (int)(intptr_t)user;
  if (ev->code < 1 || ev->code > 15 || ev->start > chk.fed) abort();
  if (ev->on == chk.mf_on[dir]) abort();
  if (!ev->on && (ev->end < ev->start || ev->end > chk.fed)) abort();
  chk.mf_on[dir] = ev->on;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  /* First two bytes: chunk-size seed; the rest is the line signal. */
  uint32_t seed = (uint32_t)data[0] | (uint32_t)data[1] << 8;
  data += 2;
  size -= 2;
  memset(&chk, 0, sizeof chk);
  hl_dtmf_state dtmf;
  hl_callprog_state cp;
  hl_energy_state en;
  hl_mf_r2_rx_state fwd, bwd;
  hl_dtmf_init(&dtmf, &dtmf_desc, on_dtmf, NULL);
  hl_callprog_init(&cp, &cp_desc, on_cp, NULL);
  hl_energy_init(&en, &en_desc, NULL, NULL);
  hl_mf_r2_rx_init(&fwd, HL_MF_R2_FORWARD, on_mf, (void *)(intptr_t)0);
  hl_mf_r2_rx_init(&bwd, HL_MF_R2_BACKWARD, on_mf, (void *)(intptr_t)1);
  int16_t lin[512];
  size_t i = 0;
  while (i < size) {
    seed = seed * 1103515245u + 12345u;
    size_t m = 1 + (seed >> 16) % 400;
    if (m > size - i) m = size - i;
    hl_g711_alaw_decode_block(lin, data + i, m);
    chk.fed += m;
    hl_dtmf_rx_alaw(&dtmf, data + i, m);
    hl_callprog_rx(&cp, lin, m);
    hl_mf_r2_rx(&fwd, lin, m);
    hl_mf_r2_rx(&bwd, lin, m);
    hl_energy_rx(&en, lin, m);
    i += m;
  }
  hl_energy_event ev;
  while (hl_energy_get_event(&en, &ev))
    if (ev.at > chk.fed) abort();
  return 0;
}
