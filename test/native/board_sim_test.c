/* The sim driver alone: one tick of latency across a cable, impairment
 * counters (bit errors -> BPV and CRC-4 sub-multiframes, slips, errored
 * seconds), AIS and RAI, and argument checks. */
#include <stdio.h>
#include <string.h>

#include "drivers/sim/sim.h"
#include "hl_errors.h"

#include "check.h"

int main(void) {
  int peers[2] = {1, 0};
  int bad[2] = {1, -1};
  hl_driver d;
  CHECK(hl_sim_create(2, bad, 80, 10, &d) == HL_EINVAL, "asymmetric cable refused");
  CHECK(hl_sim_create(2, peers, 80, 10, &d) == 0, "create");
  uint8_t tx[32 * 80], rx[32 * 80];
  memset(tx, 0x12, sizeof tx);
  d.ops->write(d.self, 0, tx, 80);
  d.ops->read(d.self, 1, rx, 80);
  CHECK(rx[80 * 5] == 0xd5, "nothing arrives before the tick ends");
  d.ops->tick_end(d.self, 0);
  d.ops->read(d.self, 1, rx, 80);
  CHECK(rx[80 * 5] == 0x12, "arrives one tick later");
  d.ops->cas_write(d.self, 0, 5, 0x1);
  d.ops->tick_end(d.self, 1);
  hl_line lines[32];
  d.ops->line_read(d.self, 1, lines);
  CHECK(lines[5].abcd == 0x1 && lines[6].abcd == 0x9, "CAS bits carried");
  CHECK(lines[5].pending == 1u << HL_LINE_BITS && lines[5].value[HL_LINE_BITS] == 0x1 && lines[6].pending == 0, "the change is news in the bits' slot");
  d.ops->line_read(d.self, 1, lines);
  CHECK(lines[5].abcd == 0x1 && lines[5].pending == 0, "taken once");

  CHECK(hl_sim_control(d.self, 1, HL_SIM_BER, 1e-3) == 0, "ber");
  CHECK(hl_sim_control(d.self, 1, HL_SIM_BER, 0.5) == HL_ERANGE, "ber range");
  CHECK(hl_sim_control(d.self, 1, 99, 0) == HL_EINVAL, "unknown control");
  for (uint64_t t = 2; t < 102; t++) d.ops->tick_end(d.self, t);  /* 1 s */
  hl_span_status st;
  d.ops->status(d.self, 1, &st);
  /* 2.048 Mbit/s x 1 s x 1e-3 = ~2,048 errors */
  CHECK(st.bpv > 1700 && st.bpv < 2400, "bit errors counted as BPV");
  CHECK(st.crc4_errors > 500, "CRC-4 errors counted");
  CHECK(st.errored_seconds >= 1, "errored second");
  d.ops->status(d.self, 0, &st);
  CHECK(st.bpv == 0 && st.alarms == 0, "the other end is clean");

  hl_sim_control(d.self, 0, HL_SIM_SEND_AIS, 1);
  d.ops->tick_end(d.self, 200);
  d.ops->status(d.self, 1, &st);
  CHECK(st.alarms & HL_ALARM_AIS, "AIS received");
  d.ops->read(d.self, 1, rx, 80);
  CHECK(rx[80 * 3] == 0xff, "AIS is all ones");
  hl_sim_control(d.self, 0, HL_SIM_SEND_AIS, 0);
  hl_sim_control(d.self, 1, HL_SIM_SEND_RAI, 1);
  d.ops->tick_end(d.self, 201);
  d.ops->status(d.self, 0, &st);
  CHECK(st.alarms == HL_ALARM_RAI, "RAI received");
  hl_sim_control(d.self, 1, HL_SIM_CABLE, 0);
  d.ops->tick_end(d.self, 202);
  d.ops->status(d.self, 0, &st);
  CHECK(st.alarms & HL_ALARM_LOS, "LOS near end");
  d.ops->status(d.self, 1, &st);
  CHECK(st.alarms & HL_ALARM_LOS, "LOS far end");
  d.ops->destroy(d.self);
  printf("board_sim_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
