/* China No.1 on a board's span: the hook between the channel engine
 * (board/engine.cc) and signalling/r2.h.
 *
 * A span set to China No.1 gives each of its 30 channels an hl_r2_chan. In
 * the tick, such a channel's line bits and, during register signalling, its
 * audio go through hl_r2_step instead of the engine's plain CAS line states
 * (engine.cc calls hl::r2_line / hl::r2_tx); answer, hang-up and call
 * commands go to hl_r2_answer / hl_r2_hangup / hl_r2_call; a span alarm is
 * hl_r2_fault. What the module reports becomes the engine's ordinary events
 * (ring with "calling|called" and a = KA, b = KD; answer; hangup; idle; the
 * call's completion) plus one HL_EV_R2 per signalling event (a = kind,
 * b = cause, text = cause name) for logs and `hotline diag`.
 *
 * The interface the revised driver contract (issue 13) keeps: the engine
 * hands each China No.1 channel its received ABCD nibble and audio once a
 * tick and writes the nibble and audio it gets back; nothing else. */
#ifndef HL_SIGNALLING_R2_BOARD_H
#define HL_SIGNALLING_R2_BOARD_H

#include "board/board.h"
#include "signalling/r2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sets a span's signalling: "cas" (the engine's own line states, the
 * default) or "china-no1" with cfg (NULL: defaults). Only while the board is
 * not ticking in real time (HL_ESTATE), and not with a call up on the span
 * (HL_ESTATE). HL_EINVAL for an unknown variant or a bad cfg. */
int hl_board_set_signalling(hl_board *b, int span, const char *variant, const hl_r2_config *cfg);

/* A channel's China No.1 state for diagnostics (NULL when its span runs
 * plain CAS). Read it only while the board is not ticking (stepped mode
 * between steps). */
const hl_r2_chan *hl_board_r2(hl_board *b, int ch);
/* What the control thread (one thread) sees of it, stepped or in real
 * time: state, cause, numbers, counters and MF trace. Between steps the
 * state itself; while the real-time clock ticks, the copy the tick published
 * last (it publishes a channel in the tick its trace, state or cause moved,
 * through a lock-free triple buffer). HL_ENOENT when the channel runs plain CAS. */
int hl_board_r2_read(hl_board *b, int ch, hl_r2_snap *copy);

/* Commands to a China No.1 channel, applied in the tick. */
enum { HL_R2_CMD_BLOCK = 1, /* value 1 block, 0 unblock (hl_r2_block) */
       HL_R2_CMD_KB = 2     /* value hl_r2_kb: what the next incoming calls are answered (hl_r2_set_kb) */ };
int hl_cmd_r2(hl_board *b, int ch, int what, int value);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
namespace hl {
struct Channel;
struct Cmd;
/* engine.cc's tick: the line bits and received audio of a China No.1
 * channel (instead of its CAS line states). True while register signalling
 * owns the channel's audio (the engine's detectors skip it). */
bool r2_line(hl_board *b, Channel &c, uint8_t cas, const int16_t *rx);
/* True while register signalling sends on the channel: n samples of tx replaced. */
bool r2_tx(Channel &c, int16_t *tx, int n);
/* Answer, hang-up and call on a China No.1 channel; false: not one of them. */
bool r2_cmd(hl_board *b, Channel &c, const Cmd &cmd);
void r2_alarm(hl_board *b, Channel &c, bool down);
void r2_free(hl_board *b);
}  // namespace hl
#endif
#endif
