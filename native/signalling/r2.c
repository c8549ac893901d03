/* China No.1 line and register signalling, one circuit (see r2.h).
 *
 * Time is counted in samples (8 per ms) from the audio the step is given, so
 * the module runs the same under the sim's stepped clock, a real card's
 * clock or a test's loop. Two timers per channel: one for the line (seize
 * acknowledge, answer, release guard, clear-forward) and one for the
 * register (compelled cycle); each names the cause it reports on expiry. */
#include "signalling/r2.h"

#include <string.h>

#include "hl_errors.h"

#define SPMS 8u /* samples per ms at 8 kHz */

/* Register modes. Outgoing: what the next A signal refers to (DNIS or ANI)
 * or KD sent (a B signal comes next). Incoming: what the next forward signal
 * is expected to be. */
enum { REG_NONE = 0, REG_DNIS, REG_KA, REG_ANI, REG_KD, REG_KB_SENT, REG_REFUSED };

/* Register timer ids that are not failures. */
#define TMR_END_OF_DIAL (-1)

static int outgoing(const hl_r2_chan *c) { return c->state >= HL_R2_S_OUT_SEIZED && c->state <= HL_R2_S_OUT_RELEASING; }

static void emit(hl_r2_chan *c, int kind, int cause) {
  if (!c->cb) return;
  hl_r2_event ev = {kind, cause, c->now / SPMS};
  c->cb(c->user, &ev);
}

static void trace(hl_r2_chan *c, int tx, int group, int code, int aux) {
  hl_r2_trace_entry *e = &c->trace[c->trace_n % HL_R2_TRACE];
  e->ms = (uint32_t)(c->now / SPMS);
  e->tx = (uint8_t)tx;
  e->group = (uint8_t)group;
  e->code = (uint8_t)code;
  e->aux = (uint8_t)aux;
  c->trace_n++;
}

static void fail(hl_r2_chan *c, int cause) {
  c->cause = cause;
  c->n.failed[cause]++;
  emit(c, HL_R2_EV_FAILED, cause);
}

static void line_tx(hl_r2_chan *c, uint8_t ab, int sig) {
  if (c->tx_ab == ab) return;
  c->tx_ab = ab;
  trace(c, 1, HL_R2_G_LINE, ab, sig);
}

static void line_timer(hl_r2_chan *c, uint32_t ms, int cause) {
  c->line_deadline = ms ? c->now + (uint64_t)ms * SPMS : 0;
  c->line_timer = cause;
}
static void reg_timer(hl_r2_chan *c, uint32_t ms, int cause) {
  c->reg_deadline = ms ? c->now + (uint64_t)ms * SPMS : 0;
  c->reg_timer = cause;
}

/* ---- MF: the receiver and sender run only during register signalling ---- */

static void on_mf(void *user, const hl_mf_r2_event *e);

static void mf_start(hl_r2_chan *c, int rx_dir) {
  hl_mf_r2_rx_init(&c->rx, rx_dir, on_mf, c);
  hl_mf_r2_tx_init(&c->tx, !rx_dir, c->cfg.level_dbm0);  /* level checked in hl_r2_init */
  c->mf_on = 1;
  c->tx_code = c->rx_code = c->pending = c->pulsed = 0;
  c->pulse_end = 0;
}

static void mf_stop(hl_r2_chan *c) {
  c->mf_on = 0;
  c->tx_code = 0;
  c->pulse_end = 0;
  hl_mf_r2_tx_set(&c->tx, 0);
  c->reg = REG_NONE;
  reg_timer(c, 0, 0);
}

static void send_mf(hl_r2_chan *c, int group, int code, int pulsed) {
  c->tx_code = code;
  c->tx_group = group;
  hl_mf_r2_tx_set(&c->tx, code);
  if (code) {
    c->n.mf_tx++;
    trace(c, 1, group, code, pulsed);
  }
}

static int digit_code(char d) { return d == '0' ? 10 : d - '0'; }
static char code_digit(int code) { return code == 10 ? '0' : (char)('0' + code); }

/* ---- release ---- */

static void go_idle(hl_r2_chan *c) {
  mf_stop(c);
  line_timer(c, 0, 0);
  c->pending = 0;
  if (c->want_block) {
    c->state = HL_R2_S_BLOCKED;
    line_tx(c, c->v->b_ack, HL_R2_L_BLOCK);
    emit(c, HL_R2_EV_IDLE, HL_R2_C_NONE);
    emit(c, HL_R2_EV_BLOCKED, HL_R2_C_BLOCKED);
    return;
  }
  line_tx(c, c->v->b_idle, outgoing(c) ? HL_R2_L_IDLE : HL_R2_L_RELEASE_GUARD);
  c->state = HL_R2_S_IDLE;
  emit(c, HL_R2_EV_IDLE, HL_R2_C_NONE);
  /* The far end may be blocking the circuit already. */
  if (c->rx_ab == c->v->b_ack) {
    c->state = HL_R2_S_BLOCKED;
    emit(c, HL_R2_EV_BLOCKED, HL_R2_C_BLOCKED);
  }
}

/* Outgoing: clear-forward, then wait for the release guard (the far end
 * back at idle). A far end that is idle already has nothing more to send. */
static void clear_forward(hl_r2_chan *c) {
  mf_stop(c);
  line_tx(c, c->v->f_idle, HL_R2_L_CLEAR_FWD);
  if (c->rx_ab == c->v->b_idle) {
    go_idle(c);
    return;
  }
  c->state = HL_R2_S_OUT_RELEASING;
  line_timer(c, c->v->t_release_guard, HL_R2_C_T_RELEASE_GUARD);
}

static void out_fail(hl_r2_chan *c, int cause) {
  fail(c, cause);
  clear_forward(c);
}

/* Incoming: stop register signalling and hold the circuit (seize ack /
 * clear-back bits) until the caller clears forward. */
static void wait_clear(hl_r2_chan *c) {
  mf_stop(c);
  line_tx(c, c->v->b_clear_back, HL_R2_L_CLEAR_BACK);
  c->state = HL_R2_S_IN_WAIT_CLEAR;
  line_timer(c, c->v->t_clear_fwd, HL_R2_C_T_CLEAR_FWD);
}

static void in_fail(hl_r2_chan *c, int cause) {
  fail(c, cause);
  wait_clear(c);
}

/* ---- outgoing register ---- */

/* KB for each hl_r2_kb, and the cause a refusal reports. */
static int kb_code(const hl_r2_chan *c, int kb) {
  const hl_r2_variant *v = c->v;
  const uint8_t code[] = {v->kb_free, v->kb_busy_local, v->kb_busy_toll, v->kb_congestion, v->kb_vacant};
  return code[kb];
}
static const int KB_CAUSE[] = {HL_R2_C_NONE, HL_R2_C_BUSY_LOCAL, HL_R2_C_BUSY_TOLL, HL_R2_C_CONGESTION, HL_R2_C_VACANT};


static void out_send(hl_r2_chan *c, int group, int code) {
  send_mf(c, group, code, 0);
  reg_timer(c, c->v->t_fwd_tone, HL_R2_C_T_FWD_TONE);
}

static void out_group_a(hl_r2_chan *c, int code) {
  const hl_r2_variant *v = c->v;
  if (code == v->a_next) {
    if (c->reg == REG_ANI) {
      if (c->ani_idx < c->ani_len) {
        out_send(c, HL_R2_G_ANI, digit_code(c->ani[c->ani_idx++]));
      } else {
        out_send(c, HL_R2_G_ANI, v->i_end_ani);
        c->reg = REG_DNIS;  /* the next A1 asks for called digits again */
      }
    } else if (c->dnis_idx < c->dnis_len) {
      out_send(c, HL_R2_G_DNIS, digit_code(c->dnis[c->dnis_idx++]));
    } else {
      /* No more called digits: China No.1 has no "end of number" forward
       * signal; the incoming register answers the silence with A3p. */
      reg_timer(c, v->t_fwd_tone, HL_R2_C_T_FWD_TONE);
    }
  } else if (code == v->a_restart) {
    c->reg = REG_DNIS;
    c->dnis_idx = 0;
    out_send(c, HL_R2_G_DNIS, digit_code(c->dnis[c->dnis_idx++]));
  } else if (code == v->a_to_b) {
    c->reg = REG_KD;
    out_send(c, HL_R2_G_KD, c->kd);
  } else if (code == v->a_ka_ani) {
    c->reg = REG_ANI;
    c->ani_idx = 0;
    out_send(c, HL_R2_G_KA, c->category);
  } else if (code == v->a_congestion) {
    out_fail(c, HL_R2_C_CONGESTION);
  } else if (code == v->a_vacant) {
    out_fail(c, HL_R2_C_VACANT);
  } else {
    out_fail(c, HL_R2_C_UNEXPECTED_MF);
  }
}

static void out_group_b(hl_r2_chan *c, int code) {
  const hl_r2_variant *v = c->v;
  if (code == v->kb_free || code == v->kb_free_nocharge) {
    mf_stop(c);
    c->state = HL_R2_S_OUT_ALERTING;
    c->setup_ms = c->now / SPMS - c->seize_ms;
    c->n.accepted++;
    line_timer(c, v->t_answer, HL_R2_C_T_ANSWER);
    emit(c, HL_R2_EV_ACCEPTED, HL_R2_C_NONE);
    return;
  }
  for (int kb = HL_R2_KB_BUSY_LOCAL; kb <= HL_R2_KB_VACANT; kb++) {
    if (code == kb_code(c, kb)) {
      out_fail(c, KB_CAUSE[kb]);
      return;
    }
  }
  out_fail(c, HL_R2_C_UNEXPECTED_MF);
}

/* A backward signal began. With our forward signal on, it is the compelled
 * answer and our signal stops; with none on, it is a pulsed signal. Either
 * way it is acted on when it ends. */
static void out_bwd_on(hl_r2_chan *c, int code) {
  const int pulsed = c->tx_code == 0;
  trace(c, 0, c->reg == REG_KD ? HL_R2_G_B : HL_R2_G_A, code, pulsed);
  if (c->tx_code) send_mf(c, 0, 0, 0);
  c->pending = code;
  c->pulsed = pulsed;
  reg_timer(c, c->v->t_bwd_tone, HL_R2_C_T_BWD_TONE);
}

static void out_bwd_off(hl_r2_chan *c) {
  const int code = c->pending;
  c->pending = 0;
  if (!code) return;
  if (c->reg == REG_KD) out_group_b(c, code);
  else out_group_a(c, code);
}

/* ---- incoming register ---- */

/* How many called digits this call has: the rule with the longest prefix
 * the digits so far start with, else max_dnis (0: not known, A3p). */
static int dnis_want(const hl_r2_chan *c) {
  int want = c->cfg.max_dnis;
  size_t best = 0;
  for (int i = 0; i < HL_R2_DNIS_RULES; i++) {
    const hl_r2_dnis_rule *r = &c->cfg.dnis_rules[i];
    const size_t n = strlen(r->prefix);
    if (n > best && n <= (size_t)c->dnis_len && memcmp(r->prefix, c->dnis, n) == 0) {
      best = n;
      want = r->length;
    }
  }
  return want;
}

/* After a called digit: ask for KA + ANI, go to group B, or ask the next. */
static int in_after_digit(hl_r2_chan *c) {
  const hl_r2_variant *v = c->v;
  if (!c->ani_done && c->cfg.ani_after > 0 && c->dnis_len == c->cfg.ani_after) {
    c->reg = REG_KA;
    return v->a_ka_ani;
  }
  const int want = dnis_want(c);
  if (want > 0 && c->dnis_len >= want) {
    c->reg = REG_KD;
    return v->a_to_b;
  }
  return v->a_next;
}

static void in_fwd_on(hl_r2_chan *c, int code) {
  const hl_r2_variant *v = c->v;
  if (c->tx_code) return; /* still answering (or pulsing): out of step, wait */
  int resp = 0, group = HL_R2_G_DNIS;
  switch (c->reg) {
    case REG_DNIS:
      group = HL_R2_G_DNIS;
      if (code >= 1 && code <= 10) {
        if (c->dnis_len < HL_R2_DIGITS_MAX) c->dnis[c->dnis_len++] = code_digit(code);
        c->dnis[c->dnis_len] = 0;
        resp = in_after_digit(c);
      } else if (code == 15) {
        /* ITU end of pulsing: not China No.1's, harmless to honour. */
        c->reg = REG_KD;
        resp = v->a_to_b;
      }
      break;
    case REG_KA:
      group = HL_R2_G_KA;
      c->category = code;
      c->reg = REG_ANI;
      resp = v->a_next;
      break;
    case REG_ANI:
      group = HL_R2_G_ANI;
      if (code >= 1 && code <= 10) {
        if (c->ani_len < HL_R2_DIGITS_MAX) c->ani[c->ani_len++] = code_digit(code);
        c->ani[c->ani_len] = 0;
        resp = v->a_next;
      } else if (code == v->i_end_ani || code == v->i_ani_restricted) {
        c->ani_done = 1;
        c->reg = REG_DNIS;
        const int want = dnis_want(c);
        if (want > 0 && c->dnis_len >= want) {
          c->reg = REG_KD;
          resp = v->a_to_b;
        } else {
          resp = v->a_next;
        }
      }
      break;
    case REG_KD:
      group = HL_R2_G_KD;
      c->kd = code;
      c->kb_sent = c->kb;
      c->reg = REG_KB_SENT;
      trace(c, 0, group, code, 0);
      send_mf(c, HL_R2_G_B, kb_code(c, c->kb), 0);
      reg_timer(c, v->t_fwd_tone, HL_R2_C_T_FWD_OFF);
      return;
    default:
      break;
  }
  trace(c, 0, group, code, 0);
  if (!resp) {
    /* Unexpected forward signal: congestion (A4) makes the caller release. */
    fail(c, HL_R2_C_UNEXPECTED_MF);
    c->reg = REG_REFUSED;
    resp = v->a_congestion;
  }
  send_mf(c, HL_R2_G_A, resp, 0);
  reg_timer(c, v->t_fwd_tone, HL_R2_C_T_FWD_OFF);
}

static void in_fwd_off(hl_r2_chan *c) {
  if (!c->tx_code || c->pulse_end) return;
  send_mf(c, 0, 0, 0);
  if (c->reg == REG_KB_SENT) {
    mf_stop(c);
    if (c->kb_sent == HL_R2_KB_FREE) {
      c->state = HL_R2_S_IN_OFFERED;
      c->answer_at = c->now + (uint64_t)c->v->t_answer_delay * SPMS;
      c->answer_pending = 0;
      c->setup_ms = c->now / SPMS - c->seize_ms;
      c->n.offered++;
      emit(c, HL_R2_EV_OFFERED, HL_R2_C_NONE);
    } else {
      in_fail(c, KB_CAUSE[c->kb_sent]);
    }
  } else if (c->reg == REG_REFUSED) {
    wait_clear(c);
  } else if (c->reg == REG_DNIS && dnis_want(c) <= 0 && c->dnis_len > 0) {
    reg_timer(c, c->v->t_end_of_dial, TMR_END_OF_DIAL);
  } else {
    reg_timer(c, c->v->t_next_fwd, HL_R2_C_T_NEXT_FWD);
  }
}

static void on_mf(void *user, const hl_mf_r2_event *e) {
  hl_r2_chan *c = (hl_r2_chan *)user;
  if (!c->mf_on) return;
  if (e->on) {
    c->rx_code = e->code;
    c->n.mf_rx++;
    if (outgoing(c)) out_bwd_on(c, e->code);
    else in_fwd_on(c, e->code);
  } else {
    c->rx_code = 0;
    if (outgoing(c)) out_bwd_off(c);
    else in_fwd_off(c);
  }
}

/* ---- line ---- */

static void incoming_seize(hl_r2_chan *c) {
  c->n.calls_in++;
  c->state = HL_R2_S_IN_REGISTER;
  c->dnis_len = c->ani_len = c->dnis_idx = c->ani_idx = c->ani_done = 0;
  c->dnis[0] = c->ani[0] = 0;
  c->category = c->kd = 0;
  c->kb_sent = -1;
  c->cause = HL_R2_C_NONE;
  c->seize_ms = c->now / SPMS;
  c->setup_ms = 0;
  line_tx(c, c->v->b_ack, HL_R2_L_ACK);
  line_timer(c, 0, 0);
  mf_start(c, HL_MF_R2_FORWARD);
  c->reg = REG_DNIS;
  reg_timer(c, c->v->t_next_fwd, HL_R2_C_T_NEXT_FWD);
  emit(c, HL_R2_EV_SEIZED, HL_R2_C_NONE);
}

/* How the trace names a received a b pair, from the state it arrives in. */
static int rx_sig(const hl_r2_chan *c, uint8_t ab) {
  const hl_r2_variant *v = c->v;
  if (c->state >= HL_R2_S_IN_REGISTER) return ab == v->f_idle ? HL_R2_L_CLEAR_FWD : ab == v->f_seize ? HL_R2_L_SEIZE : HL_R2_L_OTHER;
  if (ab == v->f_seize) return HL_R2_L_SEIZE;
  switch (c->state) {
    case HL_R2_S_IDLE:
    case HL_R2_S_BLOCKED: return ab == v->b_ack ? HL_R2_L_BLOCK : ab == v->b_idle ? HL_R2_L_UNBLOCK : HL_R2_L_OTHER;
    case HL_R2_S_OUT_SEIZED: return ab == v->b_ack ? HL_R2_L_ACK : HL_R2_L_OTHER;
    case HL_R2_S_OUT_ANSWERED: return ab == v->b_clear_back ? HL_R2_L_CLEAR_BACK : HL_R2_L_OTHER;
    case HL_R2_S_OUT_RELEASING: return ab == v->b_idle ? HL_R2_L_RELEASE_GUARD : HL_R2_L_OTHER;
    default: return ab == v->b_answer ? HL_R2_L_ANSWER : ab == v->b_idle ? HL_R2_L_IDLE : HL_R2_L_OTHER;
  }
}

static void out_answered(hl_r2_chan *c) {
  line_timer(c, 0, 0);
  c->state = HL_R2_S_OUT_ANSWERED;
  c->n.answered++;
  emit(c, HL_R2_EV_ANSWERED, HL_R2_C_NONE);
}

static void on_line(hl_r2_chan *c, uint8_t ab) {
  const hl_r2_variant *v = c->v;
  trace(c, 0, HL_R2_G_LINE, ab, rx_sig(c, ab));
  switch (c->state) {
    case HL_R2_S_IDLE:
      if (ab == v->f_seize) {
        incoming_seize(c);
      } else if (ab == v->b_ack) {
        c->state = HL_R2_S_BLOCKED;
        emit(c, HL_R2_EV_BLOCKED, HL_R2_C_BLOCKED);
      }
      break;
    case HL_R2_S_BLOCKED:
      if (ab == v->b_idle && !c->want_block && !c->fault) {
        c->state = HL_R2_S_IDLE;
        emit(c, HL_R2_EV_UNBLOCKED, HL_R2_C_NONE);
      }
      break;
    case HL_R2_S_OUT_SEIZED:
      if (ab == v->b_ack) {
        line_timer(c, 0, 0);
        c->state = HL_R2_S_OUT_REGISTER;
        mf_start(c, HL_MF_R2_BACKWARD);
        c->reg = REG_DNIS;
        c->dnis_idx = c->ani_idx = 0;
        out_send(c, HL_R2_G_DNIS, digit_code(c->dnis[c->dnis_idx++]));
      } else if (ab == v->f_seize) {
        /* Double seizure: both ends sent seize. The end with priority keeps
         * its seizure; the other gives its call up and acknowledges. */
        c->n.glare++;
        if (!c->cfg.glare_priority) {
          fail(c, HL_R2_C_GLARE);
          incoming_seize(c);
        }
      } else if (ab == v->b_answer) {
        out_fail(c, HL_R2_C_UNEXPECTED_LINE);
      }
      break;
    case HL_R2_S_OUT_REGISTER:
      if (ab == v->b_idle) {
        out_fail(c, HL_R2_C_FAR_RELEASED);
      } else if (ab == v->b_answer && c->reg == REG_KD && (c->pending == v->kb_free || c->pending == v->kb_free_nocharge)) {
        /* A far end that answers as its KB "free" ends (no answer delay):
         * the call was accepted; take both. */
        out_group_b(c, c->pending);
        c->pending = 0;
        out_answered(c);
      } else if (ab == v->b_answer) {
        out_fail(c, HL_R2_C_UNEXPECTED_LINE);
      }
      break;
    case HL_R2_S_OUT_ALERTING:
      if (ab == v->b_answer) out_answered(c);
      else if (ab == v->b_idle) out_fail(c, HL_R2_C_FAR_RELEASED);
      break;
    case HL_R2_S_OUT_ANSWERED:
      if (ab == v->b_clear_back) {
        c->state = HL_R2_S_OUT_CLEAR_BACK;
        line_timer(c, v->t_clear_back, HL_R2_C_NORMAL);
        emit(c, HL_R2_EV_CLEAR_BACK, HL_R2_C_NORMAL);
      } else if (ab == v->b_idle) {
        emit(c, HL_R2_EV_CLEAR_BACK, HL_R2_C_FAR_RELEASED);
        clear_forward(c);
      }
      break;
    case HL_R2_S_OUT_CLEAR_BACK:
      if (ab == v->b_answer) {
        line_timer(c, 0, 0);
        c->state = HL_R2_S_OUT_ANSWERED;
        emit(c, HL_R2_EV_REANSWER, HL_R2_C_NONE);
      } else if (ab == v->b_idle) {
        clear_forward(c);
      }
      break;
    case HL_R2_S_OUT_RELEASING:
      if (ab == v->b_idle) go_idle(c);
      break;
    case HL_R2_S_IN_REGISTER:
    case HL_R2_S_IN_OFFERED:
    case HL_R2_S_IN_ANSWERED:
    case HL_R2_S_IN_WAIT_CLEAR:
      if (ab == v->f_idle) {
        if (c->state == HL_R2_S_IN_REGISTER) fail(c, HL_R2_C_ABANDONED);
        else if (c->state == HL_R2_S_IN_OFFERED) emit(c, HL_R2_EV_CLEAR_FWD, HL_R2_C_ABANDONED);
        else if (c->state == HL_R2_S_IN_ANSWERED) emit(c, HL_R2_EV_CLEAR_FWD, HL_R2_C_NORMAL);
        go_idle(c);  /* sends the release guard */
      }
      break;
    default:
      break;
  }
}

static void line_rx(hl_r2_chan *c, uint8_t ab, int n) {
  if (ab == c->rx_ab) {
    c->cand_ab = ab;
    c->cand_samples = 0;
    return;
  }
  if (ab != c->cand_ab) {
    c->cand_ab = ab;
    c->cand_samples = 0;
  }
  c->cand_samples += (uint32_t)n;
  if (c->cand_samples < c->v->t_recog * SPMS) return;
  c->rx_ab = ab;
  c->cand_samples = 0;
  on_line(c, ab);
}

static void send_answer(hl_r2_chan *c) {
  c->answer_pending = 0;
  line_tx(c, c->v->b_answer, HL_R2_L_ANSWER);
  c->state = HL_R2_S_IN_ANSWERED;
  c->n.answered++;
}

static void timers(hl_r2_chan *c) {
  const hl_r2_variant *v = c->v;
  if (c->answer_pending && c->now >= c->answer_at && c->state == HL_R2_S_IN_OFFERED) send_answer(c);
  if (c->pulse_end && c->now >= c->pulse_end) {
    c->pulse_end = 0;
    send_mf(c, 0, 0, 0);
    reg_timer(c, v->t_next_fwd, HL_R2_C_T_NEXT_FWD);
  }
  if (c->reg_deadline && c->now >= c->reg_deadline) {
    const int t = c->reg_timer;
    c->reg_deadline = 0;
    if (t == TMR_END_OF_DIAL) {
      /* The caller stopped sending: A3 as a pulse (A3p). */
      c->reg = REG_KD;
      send_mf(c, HL_R2_G_A, v->a_to_b, 1);
      c->pulse_end = c->now + (uint64_t)v->t_pulse * SPMS;
    } else if (outgoing(c)) {
      out_fail(c, t);
    } else {
      in_fail(c, t);
    }
  }
  if (c->line_deadline && c->now >= c->line_deadline) {
    const int t = c->line_timer;
    c->line_deadline = 0;
    switch (t) {
      case HL_R2_C_NORMAL: /* clear-back held too long: we clear forward */
        clear_forward(c);
        break;
      case HL_R2_C_T_RELEASE_GUARD:
      case HL_R2_C_T_CLEAR_FWD:
        /* Reported once; the circuit stays held until the far end's
         * signal arrives (releasing it alone could double-seize it). */
        fail(c, t);
        break;
      default:
        out_fail(c, t);
        break;
    }
  }
}

/* ---- API ---- */

static int digits_ok(const char *s, int min);

int hl_r2_init(hl_r2_chan *c, const hl_r2_variant *v, const hl_r2_config *cfg, hl_r2_cb cb, void *user) {
  if (!c || !v) return HL_EINVAL;
  hl_r2_config d = {.ani_after = 1, .level_dbm0 = HL_MF_R2_SEND_DBM0, .category = 1, .kd = 3};
  if (cfg) d = *cfg;
  if (d.category == 0) d.category = 1; /* ordinary subscriber, periodic charging */
  if (d.kd == 0) d.kd = 3;             /* local subscriber call */
  if (d.max_dnis < 0 || d.max_dnis > HL_R2_DIGITS_MAX || d.ani_after > HL_R2_DIGITS_MAX || d.category < 1 || d.category > 15 ||
      d.kd < 1 || d.kd > 15)
    return HL_EINVAL;
  for (int i = 0; i < HL_R2_DNIS_RULES; i++) {
    const hl_r2_dnis_rule *r = &d.dnis_rules[i];
    if (!memchr(r->prefix, 0, sizeof r->prefix) || !digits_ok(r->prefix, 0)) return HL_EINVAL;
    const size_t n = strlen(r->prefix);
    if (n > 0 && (r->length < n || r->length > HL_R2_DIGITS_MAX)) return HL_EINVAL;
  }
  hl_mf_r2_tx_state probe;
  if (hl_mf_r2_tx_init(&probe, HL_MF_R2_FORWARD, d.level_dbm0) != 0) return HL_EINVAL;
  memset(c, 0, sizeof *c);
  c->v = v;
  c->cfg = d;
  c->cb = cb;
  c->user = user;
  c->rx_ab = c->cand_ab = v->b_idle;
  c->tx_ab = v->f_idle;
  c->state = HL_R2_S_IDLE;
  c->kb = HL_R2_KB_FREE;
  hl_mf_r2_tx_init(&c->tx, HL_MF_R2_FORWARD, d.level_dbm0);
  return 0;
}

int hl_r2_step(hl_r2_chan *c, uint8_t cas_rx, const int16_t *rx, int16_t *tx, int n) {
  if (n <= 0) return c->mf_on;
  c->now += (uint64_t)n;
  if (!c->fault) line_rx(c, (uint8_t)((cas_rx >> 2) & 3), n);
  if (c->mf_on && rx) hl_mf_r2_rx(&c->rx, rx, (size_t)n);
  timers(c);
  if (!c->mf_on) return 0;
  if (tx) hl_mf_r2_tx(&c->tx, tx, (size_t)n);
  return 1;
}

uint8_t hl_r2_cas_tx(const hl_r2_chan *c) { return (uint8_t)((c->tx_ab << 2) | c->v->cd_bits); }
int hl_r2_state(const hl_r2_chan *c) { return c->state; }
int hl_r2_is_idle(const hl_r2_chan *c) { return c->state == HL_R2_S_IDLE; }

static int digits_ok(const char *s, int min) {
  if (!s) return min == 0;
  size_t n = strlen(s);
  if (n < (size_t)min || n > HL_R2_DIGITS_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

int hl_r2_call(hl_r2_chan *c, const char *ani, const char *dnis, int category, int kd) {
  if (category == 0) category = c->cfg.category;
  if (kd == 0) kd = c->cfg.kd;
  if (!digits_ok(dnis, 1) || !digits_ok(ani, 0) || category < 1 || category > 15 || kd < 1 || kd > 15) return HL_EINVAL;
  if (c->state == HL_R2_S_BLOCKED || c->want_block) {
    c->n.calls_out++;
    fail(c, HL_R2_C_BLOCKED);
    return 0;
  }
  if (c->state != HL_R2_S_IDLE) return HL_ESTATE;
  c->n.calls_out++;
  strcpy(c->dnis, dnis);
  c->dnis_len = (int)strlen(dnis);
  if (ani) strcpy(c->ani, ani);
  else c->ani[0] = 0;
  c->ani_len = (int)strlen(c->ani);
  c->dnis_idx = c->ani_idx = 0;
  c->category = category;
  c->kd = kd;
  c->cause = HL_R2_C_NONE;
  c->seize_ms = c->now / SPMS;
  c->setup_ms = 0;
  c->state = HL_R2_S_OUT_SEIZED;
  line_tx(c, c->v->f_seize, HL_R2_L_SEIZE);
  line_timer(c, c->v->t_seize_ack, HL_R2_C_T_SEIZE_ACK);
  return 0;
}

int hl_r2_answer(hl_r2_chan *c) {
  if (c->state != HL_R2_S_IN_OFFERED) return HL_ESTATE;
  if (c->now < c->answer_at) c->answer_pending = 1; /* sent by the step at answer_at */
  else send_answer(c);
  return 0;
}

int hl_r2_hangup(hl_r2_chan *c) {
  switch (c->state) {
    case HL_R2_S_OUT_SEIZED:
    case HL_R2_S_OUT_REGISTER:
    case HL_R2_S_OUT_ALERTING:
      out_fail(c, HL_R2_C_LOCAL);
      break;
    case HL_R2_S_OUT_ANSWERED:
    case HL_R2_S_OUT_CLEAR_BACK:
      clear_forward(c);
      break;
    case HL_R2_S_IN_REGISTER:
      in_fail(c, HL_R2_C_LOCAL);
      break;
    case HL_R2_S_IN_OFFERED:
    case HL_R2_S_IN_ANSWERED:
      c->answer_pending = 0;
      wait_clear(c);  /* clear-back */
      break;
    default:
      break;
  }
  return 0;
}

int hl_r2_set_kb(hl_r2_chan *c, int kb) {
  if (kb < HL_R2_KB_FREE || kb > HL_R2_KB_VACANT) return HL_EINVAL;
  c->kb = kb;
  return 0;
}

int hl_r2_block(hl_r2_chan *c, int on) {
  c->want_block = on != 0;
  if (on && c->state == HL_R2_S_IDLE) {
    c->state = HL_R2_S_BLOCKED;
    line_tx(c, c->v->b_ack, HL_R2_L_BLOCK);
    emit(c, HL_R2_EV_BLOCKED, HL_R2_C_BLOCKED);
  } else if (!on && c->state == HL_R2_S_BLOCKED && !c->fault) {
    line_tx(c, c->v->b_idle, HL_R2_L_UNBLOCK);
    if (c->rx_ab != c->v->b_ack) {
      c->state = HL_R2_S_IDLE;
      emit(c, HL_R2_EV_UNBLOCKED, HL_R2_C_NONE);
    }
  }
  return 0;
}

void hl_r2_fault(hl_r2_chan *c, int on) {
  if ((on != 0) == (c->fault != 0)) return;
  if (on) {
    c->fault = 1;
    if (c->state != HL_R2_S_IDLE && c->state != HL_R2_S_BLOCKED) fail(c, HL_R2_C_SPAN_FAULT);
    mf_stop(c);
    line_timer(c, 0, 0);
    c->pending = 0;
    /* What arrives during the fault means nothing (AIS is all ones). */
    c->rx_ab = c->cand_ab = c->v->b_idle;
    c->cand_samples = 0;
    line_tx(c, c->v->b_idle, HL_R2_L_IDLE);
    const int was_blocked = c->state == HL_R2_S_BLOCKED;
    c->state = HL_R2_S_BLOCKED;
    if (!was_blocked) emit(c, HL_R2_EV_BLOCKED, HL_R2_C_SPAN_FAULT);
  } else {
    c->fault = 0;
    if (c->want_block) {
      line_tx(c, c->v->b_ack, HL_R2_L_BLOCK);
      return;
    }
    c->state = HL_R2_S_IDLE;
    emit(c, HL_R2_EV_UNBLOCKED, HL_R2_C_NONE);
  }
}
