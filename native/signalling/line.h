/* Line signalling of a channel, run inside the tick: the CAS line states on
 * the ABCD bits (and analog loop start carried on them), moved out of the
 * channel engine so that China No.1 (issue 14) builds beside it. Every
 * function runs on the tick's thread (board/driver.h "Threads"). */
#ifndef HL_SIGNALLING_LINE_H
#define HL_SIGNALLING_LINE_H

#include <stdint.h>

#include "board/engine.h"

namespace hl {

// Q.421-style line signals on the ABCD bits (C and D fixed at 0 1):
//   forward (caller):  idle / clear-forward af=1 bf=0 -> 1001; seize af=0 bf=0 -> 0001
//   backward (called): idle ab=1 bb=0 -> 1001; seize-ack / clear-back ab=1 bb=1 -> 1101;
//                      answered ab=0 bb=1 -> 0101
// Sim extension until China No.1 lands: 1111 = called side released before
// answering (the caller treats it as a clear-back).
inline constexpr uint8_t kIdle = 0x9, kSeize = 0x1, kAck = 0xd, kAnswer = 0x5, kReject = 0xf;

// Analog loop-start timing (typical exchange and PBX figures): an on-hook
// shorter than 50 ms is a bounce, 50-800 ms a hook flash, longer a clear.
inline constexpr uint32_t kFlashMinMs = 50, kFlashMaxMs = 800;

void set_cas(hl_board *b, Channel &c, uint8_t bits);    // the bits we send (to the driver when they change)
void end_flash(hl_board *b, Channel &c, int reason);    // our hook flash ends: its completion
void go_idle(hl_board *b, Channel &c);                  // the call is over: operations, routes, conference
void far_cleared(hl_board *b, Channel &c, int cause);   // the far end cleared or the span failed
void line_rx(hl_board *b, Channel &c, uint8_t rx);      // one tick of received bits
void local_hangup(hl_board *b, Channel &c);             // we clear (forward or back)
void line_kinds(hl_board *b, Channel &c, const hl_line &ln);  // line events other than bits: HL_EV_LINE each

}  // namespace hl
#endif
