/* China No.1 signalling (MFC R2, China variant) on one E1 circuit: line
 * signals on the a/b bits of timeslot 16 and compelled MF register signals in
 * the speech timeslot, for both directions of a bothway circuit.
 *
 * Shape of the DSP modules (SpanDSP's): a variant descriptor (hl_r2_variant,
 * a compiled-in constant shared by every channel), small per-channel state
 * (hl_r2_chan, embeds dsp/mf_r2.h's receiver and sender), and one step per
 * tick (hl_r2_step) that reads the received ABCD bits and audio and produces
 * the ABCD bits and, during register signalling, the audio to send. A
 * compelled cycle runs entirely inside the step: nothing waits for
 * JavaScript. No allocation, lock or I/O anywhere in this module; events go
 * out through a callback the step calls (the engine queues them).
 *
 * Line signals (GF 002-9002 digital line signalling, the same a/b codes as
 * ITU-T Q.421; c d are sent as 1 1 in China, as openr2's China variant does):
 *                       forward (caller) af bf   backward (called) ab bb
 *   idle                1 0                      1 0
 *   seize               0 0                      1 0
 *   seize acknowledge   0 0                      1 1
 *   answer              0 0                      0 1
 *   clear-back          0 0                      1 1
 *   clear-forward       1 0                      0 1 or 1 1
 *   release guard       1 0                      1 0 (backward back to idle)
 *   blocking            1 0                      1 1
 * A change counts after it has lasted t_recog (Q.422: 20 +- 10 ms; we take
 * 30), so bit errors on timeslot 16 in one or two ticks are ignored.
 *
 * Register signals (two of six, dsp/mf_r2.h), China meanings:
 *   forward I: digits 1..10 (10 = 0), KA caller category after A6, I-15
 *              end of the calling number;  forward II: KD call type
 *   backward A: A1 send next digit, A2 restart from the first digit, A3 go
 *              to group B, A4 congestion, A5 vacant number, A6 send KA and
 *              the calling number
 *   backward B (KB): B1 called party free, B2 local busy (市忙), B3 toll busy
 *              (长忙), B4 congestion, B5 vacant number, B6 free (no charge)
 * The incoming register sends A3 as a 150 ms pulse (A3p, Q.442) when the
 * caller has stopped sending digits and the number's length is not known
 * (hl_r2_config.max_dnis = 0). */
#ifndef HL_SIGNALLING_R2_H
#define HL_SIGNALLING_R2_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/mf_r2.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HL_R2_DIGITS_MAX 24 /* ANI and DNIS each (E.164 allows 15) */
#define HL_R2_TRACE 64      /* trace entries kept per channel (a ring) */

/* Why a call failed or ended. Stable numbers (the JavaScript layer and the
 * counters use them); a new cause takes a new number. */
#define HL_R2_CAUSES(X)                                                                                  \
  X(HL_R2_C_NONE, 0, "none", "no failure")                                                               \
  X(HL_R2_C_NORMAL, 1, "normal", "normal clearing")                                                      \
  X(HL_R2_C_BUSY_LOCAL, 2, "busy-local", "called party busy on a local call (KB2, 市忙)")                \
  X(HL_R2_C_BUSY_TOLL, 3, "busy-toll", "called party busy on a toll call (KB3, 长忙)")                   \
  X(HL_R2_C_VACANT, 4, "vacant", "vacant number (A5/KB5)")                                               \
  X(HL_R2_C_CONGESTION, 5, "congestion", "switching equipment congestion (A4/KB4)")                      \
  X(HL_R2_C_GLARE, 6, "glare", "double seizure: the far end seized the circuit at the same time")      \
  X(HL_R2_C_BLOCKED, 7, "blocked", "the circuit is blocked (by the far end or locally)")                 \
  X(HL_R2_C_SPAN_FAULT, 8, "span-fault", "the E1 span failed (LOS/AIS/LOF): calls cleared, circuits blocked") \
  X(HL_R2_C_UNEXPECTED_MF, 9, "unexpected-mf", "a register signal that makes no sense at this point")    \
  X(HL_R2_C_UNEXPECTED_LINE, 10, "unexpected-line", "a line signal that makes no sense at this point")   \
  X(HL_R2_C_T_SEIZE_ACK, 11, "timeout-seize-ack", "no seize acknowledge from the far end in time")       \
  X(HL_R2_C_T_FWD_TONE, 12, "timeout-forward-signal", "our forward register signal got no backward answer in time") \
  X(HL_R2_C_T_BWD_TONE, 13, "timeout-backward-signal", "the far end's backward register signal did not stop in time") \
  X(HL_R2_C_T_NEXT_FWD, 14, "timeout-next-forward", "no next forward register signal from the caller in time") \
  X(HL_R2_C_T_FWD_OFF, 15, "timeout-forward-off", "the caller's forward register signal did not stop in time") \
  X(HL_R2_C_T_ANSWER, 16, "timeout-answer", "the called party did not answer in time")                  \
  X(HL_R2_C_T_RELEASE_GUARD, 17, "timeout-release-guard", "no release guard after our clear-forward in time") \
  X(HL_R2_C_T_CLEAR_FWD, 18, "timeout-clear-forward", "the caller did not clear forward in time")        \
  X(HL_R2_C_ABANDONED, 19, "abandoned", "the caller cleared forward before the call was answered")       \
  X(HL_R2_C_LOCAL, 20, "local-release", "released here before the call was set up")                       \
  X(HL_R2_C_FAR_RELEASED, 21, "far-released", "the far end released the circuit during setup")

enum hl_r2_cause {
#define HL_R2_CAUSE_ENUM(name, num, js, text) name = num,
  HL_R2_CAUSES(HL_R2_CAUSE_ENUM)
#undef HL_R2_CAUSE_ENUM
  HL_R2_C_COUNT
};

/* Events out of the step (hl_r2_event.kind). */
enum hl_r2_ev_kind {
  HL_R2_EV_SEIZED = 1,  /* incoming: the far end seized; register signalling runs */
  HL_R2_EV_OFFERED,     /* incoming: KB "free" sent; ANI, DNIS, KA, KD in the channel */
  HL_R2_EV_ACCEPTED,    /* outgoing: KB "free" received; the called party is rung */
  HL_R2_EV_ANSWERED,    /* outgoing: the called party answered */
  HL_R2_EV_CLEAR_BACK,  /* outgoing: the called party hung up (clear-back) */
  HL_R2_EV_REANSWER,    /* outgoing: answered again after a clear-back */
  HL_R2_EV_CLEAR_FWD,   /* incoming: the caller hung up after the call was offered */
  HL_R2_EV_FAILED,      /* setup failed or a timer expired: cause says which */
  HL_R2_EV_IDLE,        /* the circuit is idle again (release complete) */
  HL_R2_EV_BLOCKED,     /* the circuit became unusable: far-end blocking or span fault */
  HL_R2_EV_UNBLOCKED
};

typedef struct hl_r2_event {
  int kind;    /* hl_r2_ev_kind */
  int cause;   /* hl_r2_cause (FAILED, BLOCKED, CLEAR_*) */
  uint64_t ms; /* channel time of the event */
} hl_r2_event;

/* What the incoming side answers with KB (hl_r2_set_kb). */
enum hl_r2_kb { HL_R2_KB_FREE = 0, HL_R2_KB_BUSY_LOCAL, HL_R2_KB_BUSY_TOLL, HL_R2_KB_CONGESTION, HL_R2_KB_VACANT };

/* Register signal groups as the trace names them. */
enum hl_r2_group {
  HL_R2_G_DNIS = 0, /* forward I, called digits */
  HL_R2_G_KA,       /* forward I, caller category */
  HL_R2_G_ANI,      /* forward I, calling digits / end of ANI */
  HL_R2_G_KD,       /* forward II */
  HL_R2_G_A,        /* backward A */
  HL_R2_G_B,        /* backward B (KB) */
  HL_R2_G_LINE      /* a line signal (code = a b bits) */
};

/* The variant: line codes, register codes and timers. A compiled-in
 * constant; channels point at it. Times in ms. */
typedef struct hl_r2_variant {
  const char *name;
  uint8_t cd_bits;  /* c d bits sent (China: 1 1) */
  /* a b bit pairs (a = bit 1, b = bit 0 of the value) */
  uint8_t f_idle, f_seize;                      /* forward; clear-forward = idle */
  uint8_t b_idle, b_ack, b_answer, b_clear_back; /* backward; blocking = b_ack */
  /* Backward A */
  uint8_t a_next, a_restart, a_to_b, a_congestion, a_vacant, a_ka_ani;
  /* Backward B */
  uint8_t kb_free, kb_busy_local, kb_busy_toll, kb_congestion, kb_vacant, kb_free_nocharge;
  /* Forward I */
  uint8_t i_end_ani, i_ani_restricted;
  uint32_t t_recog;         /* line signal recognition */
  uint32_t t_seize_ack;     /* seize -> seize acknowledge */
  uint32_t t_fwd_tone;      /* our forward signal unanswered; also the wait for a pulsed signal */
  uint32_t t_bwd_tone;      /* a backward signal that does not stop */
  uint32_t t_next_fwd;      /* incoming: next forward signal */
  uint32_t t_end_of_dial;   /* incoming, length unknown: silence before A3p */
  uint32_t t_pulse;         /* pulsed backward signal */
  uint32_t t_answer;        /* KB free -> answer */
  uint32_t t_release_guard; /* clear-forward -> release guard */
  uint32_t t_clear_fwd;     /* incoming: clear-back or refusal -> clear-forward */
  uint32_t t_clear_back;    /* outgoing: clear-back -> our clear-forward when the user does not clear */
  uint32_t t_answer_delay;  /* incoming: end of KB -> earliest answer, so the caller has seen KB end first */
} hl_r2_variant;

/* China No.1 (see the top of this file and r2_variant.c for the sources). */
const hl_r2_variant *hl_r2_variant_china(void);
/* By name ("china-no1"), or NULL. */
const hl_r2_variant *hl_r2_variant_find(const char *name);

/* Called-number length by prefix, as an exchange's digit analysis knows it:
 * a call whose called digits start with `prefix` has `length` digits, so A3
 * goes as soon as they are in (no 3 s wait for A3p). */
#define HL_R2_DNIS_RULES 8
typedef struct hl_r2_dnis_rule {
  char prefix[9];  /* 1..8 digits; "" = unused */
  uint8_t length;  /* strlen(prefix)..HL_R2_DIGITS_MAX */
} hl_r2_dnis_rule;

typedef struct hl_r2_config {
  int glare_priority; /* 1: on a double seizure our call goes on and the far end backs off */
  int max_dnis;       /* incoming: called digits to collect before A3; 0 = unknown (A3p) */
  int ani_after;      /* incoming: called digits before A6 asks KA + ANI; -1 never */
  float level_dbm0;   /* MF send level per frequency (Q.454: -11.5) */
  int category, kd;   /* outgoing calls that name none: KA and KD (0: 1 ordinary subscriber, 3 local call) */
  /* incoming: the called number's length per call, by the longest prefix
   * that matches the digits so far; no match: max_dnis */
  hl_r2_dnis_rule dnis_rules[HL_R2_DNIS_RULES];
} hl_r2_config;

typedef struct hl_r2_trace_entry {
  uint32_t ms;   /* channel time, ms (wraps after 49 days) */
  uint8_t tx;    /* 1 sent, 0 received */
  uint8_t group; /* hl_r2_group */
  uint8_t code;  /* 1..15, or the a b bits for HL_R2_G_LINE */
  uint8_t aux;   /* MF: 1 for a pulsed signal; line: hl_r2_line_sig */
} hl_r2_trace_entry;

/* Line signals as the trace names them (hl_r2_trace_entry.aux). */
enum hl_r2_line_sig {
  HL_R2_L_IDLE = 0, HL_R2_L_SEIZE, HL_R2_L_ACK, HL_R2_L_ANSWER, HL_R2_L_CLEAR_BACK, HL_R2_L_CLEAR_FWD,
  HL_R2_L_RELEASE_GUARD, HL_R2_L_BLOCK, HL_R2_L_UNBLOCK, HL_R2_L_OTHER
};

typedef struct hl_r2_counters {
  uint64_t calls_in, calls_out, offered, accepted, answered, glare;
  uint64_t mf_tx, mf_rx;  /* register signals sent / recognised */
  uint64_t failed[HL_R2_C_COUNT];
} hl_r2_counters;

typedef void (*hl_r2_cb)(void *user, const hl_r2_event *ev);

typedef struct hl_r2_chan {
  const hl_r2_variant *v;
  hl_r2_config cfg;
  hl_r2_cb cb;
  void *user;
  uint64_t now;      /* samples since init */
  int state;         /* r2.c's line state */
  int reg;           /* r2.c's register mode */
  uint8_t rx_ab, cand_ab, tx_ab; /* recognised / candidate / sent a b bits */
  uint32_t cand_samples;
  uint64_t line_deadline, reg_deadline; /* sample times, 0 = off */
  int line_timer, reg_timer;            /* cause named on expiry */
  int mf_on;         /* register signalling owns the audio path */
  int tx_code;       /* MF code we send, 0 none */
  int tx_group;
  int rx_code;       /* MF code the receiver reports on, 0 none */
  int pending;       /* backward code to act on when it stops (outgoing) */
  int pulsed;        /* the pending / current backward signal is a pulse */
  uint64_t pulse_end;
  int kb;            /* incoming: hl_r2_kb to answer */
  int kb_sent;
  int want_block, fault;
  uint64_t answer_at;  /* incoming: earliest sample time to send answer */
  int answer_pending;  /* answered before answer_at: sent then */
  int cause;         /* last failure */
  /* call data */
  char dnis[HL_R2_DIGITS_MAX + 1], ani[HL_R2_DIGITS_MAX + 1];
  int dnis_len, ani_len, dnis_idx, ani_idx, ani_done;
  int category, kd;  /* KA, KD */
  uint64_t seize_ms, setup_ms; /* seizure time; setup time (seize -> offered/accepted) */
  hl_r2_counters n;
  hl_r2_trace_entry trace[HL_R2_TRACE];
  uint32_t trace_n;  /* entries written (ring index = trace_n % HL_R2_TRACE) */
  hl_mf_r2_rx_state rx;
  hl_mf_r2_tx_state tx;
} hl_r2_chan;

/* Line states (hl_r2_state). */
enum hl_r2_state {
  HL_R2_S_IDLE = 0,
  HL_R2_S_BLOCKED,        /* far end blocks, or we block (cfg), or span fault */
  HL_R2_S_OUT_SEIZED,     /* we seized, waiting for seize acknowledge */
  HL_R2_S_OUT_REGISTER,   /* outgoing register signalling */
  HL_R2_S_OUT_ALERTING,   /* KB free received, waiting for answer */
  HL_R2_S_OUT_ANSWERED,
  HL_R2_S_OUT_CLEAR_BACK, /* the called party cleared back */
  HL_R2_S_OUT_RELEASING,  /* we sent clear-forward, waiting for release guard */
  HL_R2_S_IN_REGISTER,    /* seized by the far end, register signalling */
  HL_R2_S_IN_OFFERED,     /* KB free sent, waiting for our answer */
  HL_R2_S_IN_ANSWERED,
  HL_R2_S_IN_WAIT_CLEAR   /* we cleared back or refused: waiting for clear-forward */
};

/* cfg NULL: defaults (no glare priority, length unknown, ANI after the
 * first digit, -11.5 dBm0, KA 1, KD 3). cb may be NULL. Returns 0 or HL_EINVAL. */
int hl_r2_init(hl_r2_chan *c, const hl_r2_variant *v, const hl_r2_config *cfg, hl_r2_cb cb, void *user);

/* One tick: cas_rx = received ABCD nibble, rx = n received samples (linear).
 * Writes n samples to tx and returns 1 while register signalling owns the
 * voice path (the engine sends them instead of its own media), else returns
 * 0 and leaves tx alone. The ABCD nibble to send is hl_r2_cas_tx(c). */
int hl_r2_step(hl_r2_chan *c, uint8_t cas_rx, const int16_t *rx, int16_t *tx, int n);
uint8_t hl_r2_cas_tx(const hl_r2_chan *c);
int hl_r2_state(const hl_r2_chan *c);
/* 1 when the channel can take a new call (idle, not blocked). */
int hl_r2_is_idle(const hl_r2_chan *c);

/* Commands (the tick's thread, between steps). 0, HL_EINVAL for bad
 * numbers or a KA / KD outside 1..15 (0: the config's), HL_ESTATE when the circuit is not idle. A blocked circuit fails
 * the call at once with HL_R2_C_BLOCKED (an event) and returns 0. */
int hl_r2_call(hl_r2_chan *c, const char *ani, const char *dnis, int category, int kd);
int hl_r2_answer(hl_r2_chan *c);  /* incoming, offered */
int hl_r2_hangup(hl_r2_chan *c);  /* clear-forward, clear-back, or abandon setup */
int hl_r2_set_kb(hl_r2_chan *c, int kb);  /* hl_r2_kb for the next incoming calls */
int hl_r2_block(hl_r2_chan *c, int on);   /* local blocking (when idle; pending otherwise) */
void hl_r2_fault(hl_r2_chan *c, int on);  /* span alarm raised / cleared */

/* What a technician sees of a channel (hl_r2_snapshot): small enough to
 * copy in the tick, and all hl_r2_snap_trace_line needs. */
typedef struct hl_r2_snap {
  const hl_r2_variant *v;
  int state, cause;
  int category, kd; /* KA, KD of the current or last call */
  char ani[HL_R2_DIGITS_MAX + 1], dnis[HL_R2_DIGITS_MAX + 1];
  hl_r2_counters n;
  hl_r2_trace_entry trace[HL_R2_TRACE];
  uint32_t trace_n;
} hl_r2_snap;
void hl_r2_snapshot(const hl_r2_chan *c, hl_r2_snap *s);
int hl_r2_snap_trace_line(const hl_r2_snap *s, int i, char *buf, size_t cap); /* as hl_r2_trace_line */

/* Stable names. */
const char *hl_r2_cause_name(int cause);  /* "busy-local" */
const char *hl_r2_cause_text(int cause);  /* a sentence */
const char *hl_r2_state_name(int state);
/* Meaning of a register or line signal in the variant ("send next digit"). */
const char *hl_r2_meaning(const hl_r2_variant *v, int group, int code);
/* Trace entry i (0 = oldest kept) as one readable line:
 * "   1.230 s  tx  A-6   send KA and the calling number". Returns the
 * number of entries kept when buf is NULL, or the length written, or -1. */
int hl_r2_trace_line(const hl_r2_chan *c, int i, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
