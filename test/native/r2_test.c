/* China No.1 (signalling/r2.h), both ends ours, cabled back to back through
 * the real MF R2 sender and receiver (dsp/mf_r2.h) and an A-law line
 * (signalling/r2_cable.h): calls both ways carry ANI, DNIS, KA and KD;
 * answer, clear-back, clear-forward; KB busy (local and toll), vacant and
 * congestion fail with their causes; A3p when the number's length is not
 * known; glare resolves by priority; blocking; every timer names itself on
 * expiry; a pulled cable clears calls and blocks circuits; impairments
 * (level, noise, twist, CAS bit errors) do not stop calls; 1,000 calls each
 * way leave no channel stuck. Every setup ends (succeeds or fails with a
 * cause) within the variant's timers: nothing hangs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/g711.h"
#include "dsp/mf_r2.h"
#include "hl_errors.h"
#include "signalling/r2.h"
#include "signalling/r2_cable.h"

#include "check.h"

#define NC 30
#define LOGN 256

typedef struct {
  int kind, cause;
  uint64_t ms;
} rec_t;
static rec_t evlog[2][NC][LOGN];
static int nlog[2][NC];

static void on_ev(void *user, int who, const hl_r2_event *ev) {
  (void)user;
  int e = who >> 16, i = who & 0xffff;
  if (i >= NC) return;
  if (nlog[e][i] < LOGN) evlog[e][i][nlog[e][i]++] = (rec_t){ev->kind, ev->cause, ev->ms};
}
static void clear_log(void) { memset(nlog, 0, sizeof nlog); }
/* Index of the first event of `kind` (and `cause`, unless -1), or -1. */
static int find(int e, int i, int kind, int cause) {
  for (int k = 0; k < nlog[e][i]; k++)
    if (evlog[e][i][k].kind == kind && (cause < 0 || evlog[e][i][k].cause == cause)) return k;
  return -1;
}

static hl_r2_config cfg_a = {.glare_priority = 1, .max_dnis = 5, .ani_after = 1, .level_dbm0 = -11.5f}; /* A wins glare; B's number is 5 digits */
static hl_r2_config cfg_b = {.max_dnis = 5, .ani_after = 1, .level_dbm0 = -11.5f};

static hl_r2_cable *mk(int n, const hl_r2_config *a, const hl_r2_config *b) {
  clear_log();
  hl_r2_cable *k = hl_r2_cable_create(n, 80, a, b, on_ev, NULL, 7);
  CHECK(k, "cable");
  return k;
}

/* Ticks until end e circuit i logged `kind` or max_ms passed; 1 if seen. */
static int run_until(hl_r2_cable *k, int e, int i, int kind, int max_ms) {
  for (int t = 0; t < max_ms / 10; t++) {
    if (find(e, i, kind, -1) >= 0) return 1;
    hl_r2_cable_tick(k);
  }
  return find(e, i, kind, -1) >= 0;
}
static void run_ms(hl_r2_cable *k, int ms) {
  for (int t = 0; t < ms / 10; t++) hl_r2_cable_tick(k);
}

static void print_trace(const char *who, const hl_r2_chan *c) {
  int n = hl_r2_trace_line(c, 0, NULL, 0);
  printf("  MF trace, %s (%d entries):\n", who, n);
  char line[160];
  for (int i = 0; i < n; i++)
    if (hl_r2_trace_line(c, i, line, sizeof line) > 0) printf("  %s\n", line);
}

static int trace_has(const hl_r2_chan *c, const char *text) {
  char line[160];
  int n = hl_r2_trace_line(c, 0, NULL, 0);
  for (int i = 0; i < n; i++)
    if (hl_r2_trace_line(c, i, line, sizeof line) > 0 && strstr(line, text)) return 1;
  return 0;
}

/* One full call from end `from` to the other: offered with the numbers,
 * answered, then cleared by `clearer` (0 caller: clear-forward; 1 called:
 * clear-back first). */
static void full_call(int from, int clearer, int verbose) {
  hl_r2_cable *k = mk(1, &cfg_a, &cfg_b);
  if (!k) return;
  const int to = !from;
  hl_r2_chan *o = hl_r2_cable_chan(k, from, 0), *t = hl_r2_cable_chan(k, to, 0);
  const char *what = from ? "B->A" : "A->B";
  CHECK(hl_r2_call(o, "01062345678", "12315", 1, 3) == 0, "%s: call", what);
  CHECK(run_until(k, to, 0, HL_R2_EV_OFFERED, 8000), "%s: offered within 8 s", what);
  CHECK(strcmp(t->dnis, "12315") == 0, "%s: DNIS '%s'", what, t->dnis);
  CHECK(strcmp(t->ani, "01062345678") == 0, "%s: ANI '%s'", what, t->ani);
  CHECK(t->category == 1 && t->kd == 3, "%s: KA %d KD %d", what, t->category, t->kd);
  CHECK(run_until(k, from, 0, HL_R2_EV_ACCEPTED, 500), "%s: caller sees KB free", what);
  CHECK(hl_r2_state(o) == HL_R2_S_OUT_ALERTING && !o->mf_on && !t->mf_on, "%s: MF off after KB (caller %s)", what,
        hl_r2_state_name(hl_r2_state(o)));
  printf("%s: setup %llu ms at the caller, offered after %llu ms\n", what, (unsigned long long)o->setup_ms,
         (unsigned long long)t->setup_ms);
  CHECK(o->setup_ms > 0 && o->setup_ms < 5000, "%s: setup %llu ms", what, (unsigned long long)o->setup_ms);
  CHECK(hl_r2_answer(t) == 0, "%s: answer", what);
  CHECK(run_until(k, from, 0, HL_R2_EV_ANSWERED, 200), "%s: caller sees the answer", what);
  run_ms(k, 500);
  if (clearer == 1) {
    hl_r2_hangup(t);
    CHECK(run_until(k, from, 0, HL_R2_EV_CLEAR_BACK, 200), "%s: caller sees clear-back", what);
    CHECK(hl_r2_state(o) == HL_R2_S_OUT_CLEAR_BACK, "%s: caller state %s", what, hl_r2_state_name(hl_r2_state(o)));
  }
  hl_r2_hangup(o);
  CHECK(run_until(k, to, 0, HL_R2_EV_IDLE, 300), "%s: called end idle after clear-forward", what);
  CHECK(run_until(k, from, 0, HL_R2_EV_IDLE, 300), "%s: caller idle after release guard", what);
  if (clearer == 0) CHECK(find(to, 0, HL_R2_EV_CLEAR_FWD, HL_R2_C_NORMAL) >= 0, "%s: called end saw clear-forward", what);
  CHECK(hl_r2_is_idle(o) && hl_r2_is_idle(t), "%s: both idle (%s, %s)", what, hl_r2_state_name(o->state), hl_r2_state_name(t->state));
  CHECK(find(from, 0, HL_R2_EV_FAILED, -1) < 0 && find(to, 0, HL_R2_EV_FAILED, -1) < 0, "%s: no failure", what);
  CHECK(trace_has(t, "KA-1") && trace_has(t, "ordinary, periodic charging"), "%s: trace names KA", what);
  CHECK(trace_has(o, "A-6") && trace_has(o, "send KA and the calling number"), "%s: trace names A6", what);
  CHECK(trace_has(o, "KB-1") && trace_has(t, "KD-3"), "%s: trace names KB and KD", what);
  if (verbose) {
    print_trace(from ? "caller B" : "caller A", o);
  }
  hl_r2_cable_destroy(k);
}

static void refusals(void) {
  static const struct {
    int kb, cause;
    const char *name;
  } R[] = {{HL_R2_KB_BUSY_LOCAL, HL_R2_C_BUSY_LOCAL, "local busy (KB2)"},
           {HL_R2_KB_BUSY_TOLL, HL_R2_C_BUSY_TOLL, "toll busy (KB3)"},
           {HL_R2_KB_VACANT, HL_R2_C_VACANT, "vacant (KB5)"},
           {HL_R2_KB_CONGESTION, HL_R2_C_CONGESTION, "congestion (KB4)"}};
  for (size_t r = 0; r < sizeof R / sizeof R[0]; r++) {
    hl_r2_cable *k = mk(1, &cfg_a, &cfg_b);
    if (!k) return;
    hl_r2_chan *a = hl_r2_cable_chan(k, 0, 0), *b = hl_r2_cable_chan(k, 1, 0);
    hl_r2_set_kb(b, R[r].kb);
    hl_r2_call(a, "075512345678", "12315", 1, 2);
    CHECK(run_until(k, 0, 0, HL_R2_EV_FAILED, 8000), "%s: caller fails", R[r].name);
    CHECK(find(0, 0, HL_R2_EV_FAILED, R[r].cause) >= 0, "%s: caller's cause is %s (got %s)", R[r].name,
          hl_r2_cause_name(R[r].cause), hl_r2_cause_name(a->cause));
    CHECK(find(1, 0, HL_R2_EV_FAILED, R[r].cause) >= 0, "%s: called end's cause %s", R[r].name, hl_r2_cause_name(b->cause));
    CHECK(find(1, 0, HL_R2_EV_OFFERED, -1) < 0, "%s: not offered", R[r].name);
    run_ms(k, 300);
    CHECK(hl_r2_is_idle(a) && hl_r2_is_idle(b), "%s: both idle after (%s, %s)", R[r].name, hl_r2_state_name(a->state),
          hl_r2_state_name(b->state));
    CHECK(a->n.failed[R[r].cause] == 1, "%s: counted", R[r].name);
    hl_r2_cable_destroy(k);
  }
}

/* Number length unknown at the called end: after the last digit the caller
 * falls silent and the called end sends A3 as a 150 ms pulse. */
static void pulsed_a3(void) {
  hl_r2_config b = cfg_b;
  b.max_dnis = 0;
  b.ani_after = 2;
  hl_r2_cable *k = mk(1, &cfg_a, &b);
  if (!k) return;
  hl_r2_chan *a = hl_r2_cable_chan(k, 0, 0), *bb = hl_r2_cable_chan(k, 1, 0);
  hl_r2_call(a, "88886666", "1234", 2, 3);
  CHECK(run_until(k, 1, 0, HL_R2_EV_OFFERED, 12000), "A3p: offered");
  CHECK(strcmp(bb->dnis, "1234") == 0 && strcmp(bb->ani, "88886666") == 0 && bb->category == 2, "A3p: numbers '%s' '%s' KA %d",
        bb->dnis, bb->ani, bb->category);
  CHECK(trace_has(bb, "A-3p") && trace_has(a, "A-3p"), "A3p: both traces show the pulse");
  CHECK(run_until(k, 0, 0, HL_R2_EV_ACCEPTED, 500), "A3p: accepted");
  printf("A3p: setup %llu ms (3 s of it the end-of-dial wait)\n", (unsigned long long)a->setup_ms);
  hl_r2_hangup(a);
  run_ms(k, 300);
  CHECK(hl_r2_is_idle(a) && hl_r2_is_idle(bb), "A3p: idle after");
  print_trace("called end, A3p", bb);
  hl_r2_cable_destroy(k);
}

/* Both ends seize the same circuit in the same tick. */
static void glare(int prio_end) {
  hl_r2_config ca = cfg_a, cb = cfg_b;
  ca.glare_priority = prio_end == 0;
  cb.glare_priority = prio_end == 1;
  hl_r2_cable *k = mk(1, &ca, &cb);
  if (!k) return;
  hl_r2_chan *w = hl_r2_cable_chan(k, prio_end, 0), *l = hl_r2_cable_chan(k, !prio_end, 0);
  hl_r2_call(w, "1111", "12315", 1, 3);
  hl_r2_call(l, "2222", "54321", 1, 3);
  CHECK(run_until(k, !prio_end, 0, HL_R2_EV_OFFERED, 8000), "glare: the end without priority is offered the winner's call");
  CHECK(find(!prio_end, 0, HL_R2_EV_FAILED, HL_R2_C_GLARE) >= 0, "glare: the loser's call fails with 'glare'");
  CHECK(find(prio_end, 0, HL_R2_EV_FAILED, -1) < 0, "glare: the winner's call does not fail");
  CHECK(strcmp(l->dnis, "12315") == 0 && strcmp(l->ani, "1111") == 0, "glare: numbers of the winner's call ('%s' '%s')", l->dnis, l->ani);
  CHECK(w->n.glare == 1 && l->n.glare == 1, "glare counted at both ends");
  hl_r2_answer(l);
  CHECK(run_until(k, prio_end, 0, HL_R2_EV_ANSWERED, 300), "glare: winner answered");
  hl_r2_hangup(w);
  run_ms(k, 300);
  CHECK(hl_r2_is_idle(w) && hl_r2_is_idle(l), "glare: idle after");
  hl_r2_cable_destroy(k);
}

static void blocking(void) {
  hl_r2_cable *k = mk(1, &cfg_a, &cfg_b);
  if (!k) return;
  hl_r2_chan *a = hl_r2_cable_chan(k, 0, 0), *b = hl_r2_cable_chan(k, 1, 0);
  hl_r2_block(b, 1);
  CHECK(run_until(k, 0, 0, HL_R2_EV_BLOCKED, 100), "blocking: far end sees the circuit blocked");
  CHECK(hl_r2_state(a) == HL_R2_S_BLOCKED && hl_r2_state(b) == HL_R2_S_BLOCKED, "blocking: both blocked");
  hl_r2_call(a, "1", "12315", 1, 3);
  CHECK(find(0, 0, HL_R2_EV_FAILED, HL_R2_C_BLOCKED) >= 0, "blocking: a call on a blocked circuit fails 'blocked'");
  CHECK(hl_r2_call(b, "1", "12315", 1, 3) == 0 && find(1, 0, HL_R2_EV_FAILED, HL_R2_C_BLOCKED) >= 0,
        "blocking: the blocking end cannot call either");
  hl_r2_block(b, 0);
  CHECK(run_until(k, 0, 0, HL_R2_EV_UNBLOCKED, 100), "unblocking seen");
  CHECK(hl_r2_is_idle(a) && hl_r2_is_idle(b), "unblocked: both idle");
  clear_log();
  hl_r2_call(a, "1", "12315", 1, 3);
  CHECK(run_until(k, 1, 0, HL_R2_EV_OFFERED, 8000), "unblocked: a call goes through");
  hl_r2_hangup(a);
  run_ms(k, 300);
  hl_r2_cable_destroy(k);
}

/* A caller alone on a dead line: seize acknowledge never comes. */
static void seize_ack_timeout(void) {
  hl_r2_chan c;
  clear_log();
  hl_r2_init(&c, hl_r2_variant_china(), &cfg_a, NULL, NULL);
  int16_t rx[80] = {0}, tx[80];
  hl_r2_call(&c, "1", "12315", 1, 3);
  int t = 0;
  for (; t < 1000 && c.cause == HL_R2_C_NONE; t++) hl_r2_step(&c, 0xb, rx, tx, 80); /* far end idle: 10 11 */
  CHECK(c.cause == HL_R2_C_T_SEIZE_ACK, "dead line: cause %s", hl_r2_cause_name(c.cause));
  CHECK(t * 10 >= 8000 && t * 10 <= 8050, "dead line: failed after %d ms (t_seize_ack 8000)", t * 10);
  CHECK(hl_r2_is_idle(&c), "dead line: idle again (%s)", hl_r2_state_name(c.state));
}

/* The audio path is cut after seizure: both registers time out and name
 * their timer; the line releases. */
static void audio_cut(void) {
  hl_r2_cable *k = mk(1, &cfg_a, &cfg_b);
  if (!k) return;
  hl_r2_chan *a = hl_r2_cable_chan(k, 0, 0), *b = hl_r2_cable_chan(k, 1, 0);
  hl_r2_impair cut = {-100, -200, 0, 0};
  hl_r2_cable_impair(k, 1, &cut);
  hl_r2_call(a, "1", "12315", 1, 3);
  CHECK(run_until(k, 0, 0, HL_R2_EV_IDLE, 20000), "audio cut: caller released within 20 s");
  CHECK(find(0, 0, HL_R2_EV_FAILED, HL_R2_C_T_FWD_TONE) >= 0, "audio cut: caller's cause %s", hl_r2_cause_name(a->cause));
  CHECK(find(1, 0, HL_R2_EV_FAILED, HL_R2_C_T_NEXT_FWD) >= 0, "audio cut: called end's cause %s", hl_r2_cause_name(b->cause));
  run_ms(k, 200);
  CHECK(hl_r2_is_idle(a) && hl_r2_is_idle(b), "audio cut: both idle");
  hl_r2_cable_destroy(k);
}

/* A far end that answers our first digit with a backward signal China
 * No.1 does not define (A9): unexpected signal, the call is released. */
static void unexpected_mf(void) {
  hl_r2_chan c;
  clear_log();
  hl_r2_init(&c, hl_r2_variant_china(), &cfg_a, NULL, NULL);
  hl_mf_r2_tx_state far;
  hl_mf_r2_tx_init(&far, HL_MF_R2_BACKWARD, -11.5f);
  int16_t rx[80] = {0}, tx[80], txd[80];
  uint8_t far_cas = 0xb; /* idle */
  hl_r2_call(&c, "1", "12315", 1, 3);
  int t, saw_fwd = 0, far_code = 0;
  for (t = 0; t < 300 && c.cause == HL_R2_C_NONE; t++) {
    if (t == 3) far_cas = 0xf; /* seize acknowledge */
    /* Backward A9 while our forward signal is on, off once it stopped. */
    hl_r2_step(&c, far_cas, rx, tx, 80);
    const int fwd = c.mf_on && c.tx_code;
    if (fwd) saw_fwd = 1;
    const int want = fwd ? 9 : 0;
    if (want != far_code) hl_mf_r2_tx_set(&far, far_code = want);
    hl_mf_r2_tx(&far, txd, 80);
    for (int i = 0; i < 80; i++) rx[i] = hl_g711_alaw_decode(hl_g711_alaw_encode(txd[i]));
  }
  CHECK(saw_fwd, "unexpected MF: the first digit was sent");
  CHECK(c.cause == HL_R2_C_UNEXPECTED_MF, "unexpected MF: cause %s", hl_r2_cause_name(c.cause));
  CHECK(hl_r2_state(&c) == HL_R2_S_OUT_RELEASING && (hl_r2_cas_tx(&c) >> 2) == 2, "unexpected MF: clear-forward sent (%s)",
        hl_r2_state_name(c.state));
}

static void pulled_cable(void) {
  hl_r2_cable *k = mk(2, &cfg_a, &cfg_b);
  if (!k) return;
  hl_r2_chan *a = hl_r2_cable_chan(k, 0, 0), *b = hl_r2_cable_chan(k, 1, 0);
  hl_r2_chan *a1 = hl_r2_cable_chan(k, 0, 1);
  hl_r2_call(a, "1", "12315", 1, 3);
  CHECK(run_until(k, 1, 0, HL_R2_EV_OFFERED, 8000), "pulled: offered");
  hl_r2_answer(b);
  run_ms(k, 200);
  hl_r2_call(a1, "2", "12315", 1, 3); /* a second call in register signalling when the cable goes */
  run_ms(k, 300);
  CHECK(a1->state == HL_R2_S_OUT_REGISTER, "pulled: second call in register signalling (%s)", hl_r2_state_name(a1->state));
  hl_r2_cable_plug(k, 0);
  run_ms(k, 100);
  CHECK(find(0, 0, HL_R2_EV_FAILED, HL_R2_C_SPAN_FAULT) >= 0 && find(1, 0, HL_R2_EV_FAILED, HL_R2_C_SPAN_FAULT) >= 0,
        "pulled: answered call cleared with 'span-fault' at both ends");
  CHECK(find(0, 1, HL_R2_EV_FAILED, HL_R2_C_SPAN_FAULT) >= 0, "pulled: call in setup failed with 'span-fault'");
  CHECK(a->state == HL_R2_S_BLOCKED && b->state == HL_R2_S_BLOCKED, "pulled: circuits blocked");
  hl_r2_call(a, "1", "12315", 1, 3);
  CHECK(a->cause == HL_R2_C_BLOCKED, "pulled: a new call fails 'blocked'");
  run_ms(k, 2000);
  hl_r2_cable_plug(k, 1);
  run_ms(k, 100);
  CHECK(hl_r2_is_idle(a) && hl_r2_is_idle(b) && hl_r2_is_idle(a1), "plugged: idle again (%s %s %s)", hl_r2_state_name(a->state),
        hl_r2_state_name(b->state), hl_r2_state_name(a1->state));
  clear_log();
  hl_r2_call(a, "1", "12315", 1, 3);
  CHECK(run_until(k, 1, 0, HL_R2_EV_OFFERED, 8000), "plugged: a new call goes through");
  hl_r2_cable_destroy(k);
}

/* ---- traffic: many circuits, calls back to back, both ways ---- */

/* Traffic on NC circuits with impairments on both directions
 * (hl_r2_cable_traffic): every call placed is answered, and every channel
 * ends idle. */
static void traffic_run(const char *what, const hl_r2_impair *imp, int per_way, int max_s) {
  hl_r2_cable *k = mk(NC, &cfg_a, &cfg_b);
  if (!k) return;
  hl_r2_cable_impair(k, 0, imp);
  hl_r2_cable_impair(k, 1, imp);
  static hl_r2_traffic tr;
  memset(&tr, 0, sizeof tr);
  tr.per_way = per_way;
  tr.hold_ms = 500;
  tr.gap_ms = 50;
  tr.max_ms = (uint64_t)max_s * 1000;
  CHECK(hl_r2_cable_traffic(k, &tr) == 0, "%s: traffic ran", what);
  printf("%s: %d+%d calls, %d+%d answered, %d+%d failed, setup p50 %.0f p99 %.0f max %llu ms, %llu s of line time on %d circuits\n",
         what, tr.calls[0], tr.calls[1], tr.ok[0], tr.ok[1], tr.failed[0], tr.failed[1], hl_r2_traffic_setup_pct(&tr, 50),
         hl_r2_traffic_setup_pct(&tr, 99), (unsigned long long)tr.setup_max_ms, (unsigned long long)(tr.line_ms / 1000), NC);
  for (int i = 1; i < HL_R2_C_COUNT; i++)
    if (tr.causes[i]) printf("  cause %s: %d\n", hl_r2_cause_name(i), tr.causes[i]);
  CHECK(tr.ok[0] == per_way && tr.ok[1] == per_way, "%s: every call answered (%d, %d of %d)", what, tr.ok[0], tr.ok[1], per_way);
  CHECK(tr.stuck == 0, "%s: %d channels not idle at the end", what, tr.stuck);
  CHECK(hl_r2_traffic_setup_pct(&tr, 50) <= hl_r2_traffic_setup_pct(&tr, 99) && hl_r2_traffic_setup_pct(&tr, 99) <= (double)tr.setup_max_ms,
        "%s: setup p50 <= p99 <= max", what);
  hl_r2_cable_destroy(k);
}

static void api_edges(void) {
  hl_r2_chan c;
  CHECK(hl_r2_init(&c, NULL, NULL, NULL, NULL) == HL_EINVAL, "init without variant refused");
  hl_r2_config bad = {.ani_after = 1, .level_dbm0 = 0.0f};
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), &bad, NULL, NULL) == HL_EINVAL, "0 dBm0 per tone refused (clips)");
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), NULL, NULL, NULL) == 0, "init");
  CHECK(hl_r2_call(&c, "1", "", 1, 3) == HL_EINVAL, "empty DNIS refused");
  CHECK(hl_r2_call(&c, "1", "12a", 1, 3) == HL_EINVAL, "DNIS with a letter refused");
  CHECK(hl_r2_call(&c, "1", "1234567890123456789012345", 1, 3) == HL_EINVAL, "25-digit DNIS refused");
  CHECK(hl_r2_call(&c, "1", "12315", 16, 3) == HL_EINVAL, "KA 16 refused");
  CHECK(hl_r2_call(&c, "1", "12315", -1, 3) == HL_EINVAL, "KA -1 refused");
  CHECK(hl_r2_call(&c, "1", "12315", 1, 16) == HL_EINVAL, "KD 16 refused");
  CHECK(hl_r2_answer(&c) == HL_ESTATE, "answer while idle refused");
  CHECK(hl_r2_set_kb(&c, 9) == HL_EINVAL, "KB policy 9 refused");
  CHECK(hl_r2_call(&c, NULL, "12315", 1, 3) == 0 && hl_r2_call(&c, NULL, "12315", 1, 3) == HL_ESTATE, "second call on a seized circuit refused");
  CHECK(hl_r2_variant_find("china-no1") == hl_r2_variant_china() && !hl_r2_variant_find("itu"), "variant by name");
  CHECK(hl_r2_cas_tx(&c) == 0x3, "seize sent as 0011 (a b = 0 0, c d = 1 1)");
  CHECK(strcmp(hl_r2_cause_name(HL_R2_C_BUSY_TOLL), "busy-toll") == 0, "cause names");
  for (int i = 0; i < HL_R2_C_COUNT; i++) CHECK(strcmp(hl_r2_cause_name(i), "unknown") != 0, "cause %d has a name", i);
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), NULL, NULL, NULL) == 0 && hl_r2_call(&c, NULL, "12315", 0, 0) == 0 && c.category == 1 && c.kd == 3,
        "KA 0 / KD 0: the config's defaults (1, 3)");
  hl_r2_config rules = {.ani_after = 1, .level_dbm0 = -11.5f, .category = 4, .kd = 2, .dnis_rules = {{"12315", 5}, {"1", 11}}};
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), &rules, NULL, NULL) == 0 && hl_r2_call(&c, NULL, "12315", 0, 0) == 0 && c.category == 4 && c.kd == 2,
        "config KA 4 / KD 2 for calls that name none");
  rules.dnis_rules[1].length = 0;
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), &rules, NULL, NULL) == HL_EINVAL, "a prefix rule shorter than its prefix refused");
  rules.dnis_rules[1].length = 11;
  strcpy(rules.dnis_rules[1].prefix, "1a");
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), &rules, NULL, NULL) == HL_EINVAL, "a prefix with a letter refused");
  rules.category = 16;
  strcpy(rules.dnis_rules[1].prefix, "1");
  CHECK(hl_r2_init(&c, hl_r2_variant_china(), &rules, NULL, NULL) == HL_EINVAL, "config KA 16 refused");
}

int main(void) {
  api_edges();
  full_call(0, 0, 1);
  full_call(1, 0, 0);
  full_call(0, 1, 0);
  full_call(1, 1, 0);
  refusals();
  pulsed_a3();
  glare(0);
  glare(1);
  blocking();
  seize_ack_timeout();
  audio_cut();
  unexpected_mf();
  pulled_cable();
  {
    /* -12 dB (tones at -23.5 dBm0 each), white noise at -45 dBm0 (S/N
     * about 21 dB per tone), 4.6 dB of twist, 1 % of ticks with a CAS bit
     * error (each lasts one 10 ms tick; with a 20 ms recognition time two
     * errors of one bit in a row made a signal and released a call). */
    const hl_r2_impair hard = {-12, -45, 0.7, 0.01};
    traffic_run("impaired line", &hard, 100, 600);
    const hl_r2_impair mild = {-6, -55, 0.3, 0.001};
    traffic_run("1,000 each way", &mild, 1000, 3600);
  }
  printf("r2_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
