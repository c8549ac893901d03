/* China No.1 as a variant table, with the names and meanings the trace and
 * JavaScript print.
 *
 * Sources: ITU-T Q.421/Q.422 (digital line signalling codes, 20 ms
 * recognition), Q.441/Q.442 (register codes, 150 +- 30 ms pulsed signals),
 * Q.476 (15 s register time-outs); the China variant's meanings as the
 * Ministry of Posts and Telecommunications' GF 002-9002 gives them and as
 * openr2's China variant (r2config_china) applies them (A1 asks both the next
 * called and the next calling digit, A6 asks KA then the calling number, B1
 * free, B2 busy, c d = 1 1, no "end of called number" forward signal). Our
 * own choices where the standard leaves room: t_recog at Q.422's upper
 * end (30 ms), because the engine samples the CAS nibble once a 10 ms tick:
 * at 20 ms two bit errors in consecutive ticks made a signal (r2_test at 1 %
 * errors per tick released a call once in 200; the bench once in 10,000 at
 * 0.1 %), at 30 ms it takes three; t_end_of_dial (3 s of
 * silence before A3p), t_release_guard and t_clear_back. t_answer_delay
 * follows openr2: an answer sent as KB ends can reach the caller before its
 * receiver has seen KB stop (found by r2_test's 1,000-call run). */
#include <stdio.h>
#include <string.h>

#include "signalling/r2.h"

static const hl_r2_variant CHINA = {
    .name = "china-no1",
    .cd_bits = 0x3,
    .f_idle = 0x2, /* a=1 b=0 */
    .f_seize = 0x0,
    .b_idle = 0x2,
    .b_ack = 0x3,
    .b_answer = 0x1,
    .b_clear_back = 0x3,
    .a_next = 1, .a_restart = 2, .a_to_b = 3, .a_congestion = 4, .a_vacant = 5, .a_ka_ani = 6,
    .kb_free = 1, .kb_busy_local = 2, .kb_busy_toll = 3, .kb_congestion = 4, .kb_vacant = 5, .kb_free_nocharge = 6,
    .i_end_ani = 15, .i_ani_restricted = 12,
    .t_recog = 30,           /* Q.422: 20 +- 10 ms; the upper end, see below */
    .t_seize_ack = 8000,     /* openr2's r2_seize default */
    .t_fwd_tone = 15000,     /* Q.476 */
    .t_bwd_tone = 15000,
    .t_next_fwd = 15000,
    .t_end_of_dial = 3000,
    .t_pulse = 150,          /* Q.442 */
    .t_answer = 60000,       /* openr2's r2_answer default; local answer supervision */
    .t_release_guard = 2000,
    .t_clear_fwd = 90000,
    .t_clear_back = 90000,
    .t_answer_delay = 150,   /* openr2's r2_answer_delay default */
};

const hl_r2_variant *hl_r2_variant_china(void) { return &CHINA; }

const hl_r2_variant *hl_r2_variant_find(const char *name) {
  if (name && (strcmp(name, "china-no1") == 0 || strcmp(name, "china") == 0)) return &CHINA;
  return NULL;
}

static const char *const CAUSE_NAME[] = {
#define HL_R2_CAUSE_NAME(name, num, js, text) [num] = js,
    HL_R2_CAUSES(HL_R2_CAUSE_NAME)
#undef HL_R2_CAUSE_NAME
};
static const char *const CAUSE_TEXT[] = {
#define HL_R2_CAUSE_TEXT(name, num, js, text) [num] = text,
    HL_R2_CAUSES(HL_R2_CAUSE_TEXT)
#undef HL_R2_CAUSE_TEXT
};

const char *hl_r2_cause_name(int cause) {
  return cause >= 0 && cause < HL_R2_C_COUNT && CAUSE_NAME[cause] ? CAUSE_NAME[cause] : "unknown";
}
const char *hl_r2_cause_text(int cause) {
  return cause >= 0 && cause < HL_R2_C_COUNT && CAUSE_TEXT[cause] ? CAUSE_TEXT[cause] : "unknown cause";
}

const char *hl_r2_state_name(int state) {
  static const char *const N[] = {"idle", "blocked", "out-seized", "out-register", "out-alerting", "out-answered",
                                  "out-clear-back", "out-releasing", "in-register", "in-offered", "in-answered",
                                  "in-wait-clear"};
  return state >= 0 && state < (int)(sizeof N / sizeof N[0]) ? N[state] : "unknown";
}

/* China No.1 register meanings (GF 002-9002). KA 1-4 and KD 1-6 as the
 * standard lists them; other values are national spares. */
static const char *const KA[16] = {
    NULL, "ordinary, periodic charging", "ordinary, meter, immediate charging", "ordinary, printer, immediate charging",
    "priority, periodic charging", "free of charge", "spare", "spare", "spare", "spare", "spare", "spare", "spare",
    "spare", "spare", "spare"};
static const char *const KD[16] = {
    NULL, "toll operator, semi-automatic", "toll automatic (subscriber)", "local subscriber call",
    "local fax / data", "semi-automatic check of the calling number", "test call", "spare", "spare", "spare", "spare",
    "spare", "spare", "spare", "spare", "spare"};
static const char *const GA[16] = {
    NULL, "send next digit", "restart from the first called digit", "change to group B (address complete)",
    "congestion", "vacant number", "send KA and the calling number", "spare", "spare", "spare", "spare", "spare",
    "spare", "spare", "spare", "spare"};
static const char *const GB[16] = {
    NULL, "called party free", "called party busy, local (市忙)", "called party busy, toll (长忙)", "congestion",
    "vacant number", "called party free, no charge", "spare", "spare", "spare", "spare", "spare", "spare", "spare",
    "spare", "spare"};
static const char *const DIGIT[16] = {NULL,      "digit 1", "digit 2", "digit 3", "digit 4", "digit 5",
                                      "digit 6", "digit 7", "digit 8", "digit 9", "digit 0", "spare (11)",
                                      "spare (12)", "spare (13)", "spare (14)", "spare (15)"};

const char *hl_r2_meaning(const hl_r2_variant *v, int group, int code) {
  if (group == HL_R2_G_LINE) {
    static const char *const L[] = {"idle", "seize", "seize acknowledge", "answer", "clear-back",
                                    "clear-forward", "release guard", "blocking", "unblocking", "unexpected line signal"};
    return code >= 0 && code <= HL_R2_L_OTHER ? L[code] : "?";
  }
  if (code < 1 || code > 15) return "no signal";
  switch (group) {
    case HL_R2_G_DNIS: return DIGIT[code];
    case HL_R2_G_ANI:
      if (code == v->i_end_ani) return "end of the calling number";
      if (code == v->i_ani_restricted) return "calling number restricted";
      return DIGIT[code];
    case HL_R2_G_KA: return KA[code];
    case HL_R2_G_KD: return KD[code];
    case HL_R2_G_A: return GA[code];
    case HL_R2_G_B: return GB[code];
    default: return "?";
  }
}

static const char *group_label(int g) {
  static const char *const L[] = {"I", "KA", "I", "KD", "A", "KB", "ab"};
  return g >= 0 && g <= HL_R2_G_LINE ? L[g] : "?";
}

static int trace_line(const hl_r2_variant *v, const hl_r2_trace_entry *trace, uint32_t trace_n, int i, char *buf,
                      size_t cap) {
  uint32_t kept = trace_n < HL_R2_TRACE ? trace_n : HL_R2_TRACE;
  if (!buf) return (int)kept;
  if (i < 0 || (uint32_t)i >= kept || cap == 0) return -1;
  const hl_r2_trace_entry *e = &trace[(trace_n - kept + (uint32_t)i) % HL_R2_TRACE];
  char code[16];
  if (e->group == HL_R2_G_LINE)
    snprintf(code, sizeof code, "ab %d%d", (e->code >> 1) & 1, e->code & 1);
  else
    snprintf(code, sizeof code, "%s-%d%s", group_label(e->group), e->code, e->aux ? "p" : "");
  const char *meaning = hl_r2_meaning(v, e->group, e->group == HL_R2_G_LINE ? e->aux : e->code);
  int n = snprintf(buf, cap, "%8u.%03u s  %s  %-7s %s", e->ms / 1000u, e->ms % 1000u, e->tx ? "tx" : "rx", code, meaning);
  return n < 0 ? -1 : n;
}

int hl_r2_trace_line(const hl_r2_chan *c, int i, char *buf, size_t cap) {
  return trace_line(c->v, c->trace, c->trace_n, i, buf, cap);
}

int hl_r2_snap_trace_line(const hl_r2_snap *s, int i, char *buf, size_t cap) {
  return trace_line(s->v, s->trace, s->trace_n, i, buf, cap);
}

void hl_r2_snapshot(const hl_r2_chan *c, hl_r2_snap *s) {
  s->v = c->v;
  s->state = c->state;
  s->cause = c->cause;
  s->category = c->category;
  s->kd = c->kd;
  memcpy(s->ani, c->ani, sizeof s->ani);
  memcpy(s->dnis, c->dnis, sizeof s->dnis);
  s->n = c->n;
  memcpy(s->trace, c->trace, sizeof s->trace);
  s->trace_n = c->trace_n;
}
