/* China No.1 interop: our signalling/r2 against libopenr2 (Debian
 * libopenr2-dev, variant CN), both over the userspace DAHDI of issue 13
 * (test/dahdi/emu, LD_PRELOAD), in one process and one thread.
 *
 *   span 1 (DAHDI channels 1-15, 17-31): libopenr2, one openr2_chan each
 *   span 2 (channels 32-46, 48-62):      ours, hl_r2_chan over the channel
 *                                         files (A-law audio, CAS bits)
 * cabled together. The emulation runs on its virtual clock: our first read
 * of a tick moves every span 80 samples (10 ms); we then step our channels,
 * write their audio and bits, and let libopenr2 process each of its channels.
 * libopenr2 times on the wall clock, so each tick waits for 10 ms of wall
 * time to pass (the line and libopenr2 agree on time).
 *
 * usage: r2_openr2 CALLS_PER_WAY [CIRCUITS]
 * Prints one JSON line: calls each way, answered, failed (with causes),
 * stuck channels. Exit 0 when every call was answered and nothing stuck.
 * HL_R2_DEBUG=1 prints both ends' states twice a second and our MF traces;
 * HL_R2_DUMP=FILE writes what circuit 0 of our end received (16-bit PCM).
 *
 * ANI: on our calls libopenr2 asks for the calling number and must report
 * the one we sent (OUR_ANI, counted in ani_as_sent; a call where it does
 * not is a wrong number). Its CN variant answers A1 after KA with called
 * digits and never sends the calling number itself, so our incoming side
 * does not ask for it here (aniAfter -1); it sends its group II category
 * where China No.1 has KD.
 * Built and run by bench/_r2_openr2.ts (test/interop/openr2.test.ts,
 * `npm run bench -- r2 --openr2`); by hand:
 *   cc -O1 -I build/dahdi-include/modules/dahdi/include -I native -I native/include
 *      test/interop/r2_openr2.c native/signalling/r2.c native/signalling/r2_variant.c
 *      native/dsp/mf_r2.c native/dsp/g711.c native/board/errors.c -lopenr2 -lm -ldl -o r2_openr2
 *   LD_PRELOAD=build/dahdi-emu/libhl_dahdi_emu.so HL_DAHDI_EMU="spans=2 cable=1-2 clock=virtual" ./r2_openr2 10 4 */
#define _GNU_SOURCE
#include <dahdi/user.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <openr2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "dsp/g711.h"
#include "signalling/r2.h"

#define MAXC 30
#define OUR_ANI "01062345678" /* the calling number of our calls */
#define N 80

typedef struct {
  int fd;
  hl_r2_chan r2;
  openr2_chan_t *or2;
  int from_ours;   /* this circuit's calls start at our end */
  int active, answered, or2_answered, done_or2, failed_cause;
  int mode;            /* the call's scenario (MODE_*) */
  int saw_clear_back;  /* ours -> openr2: the called party (openr2) cleared back */
  int seized;          /* our end left idle for this call (before, its cause is the last call's) */
  int or2_cause;       /* openr2's disconnect cause, -1 none */
  int or2_category;    /* the category openr2 reported on the offered call, -1 none */
  char or2_dnis[32];   /* the called number openr2 was offered */
  char or2_ani[32];    /* the calling number openr2 reported with it */
  uint64_t hangup_ms, next_ms;
} circ;

/* Scenarios, in turn on each side's calls: answered and cleared by the
 * caller (clear-forward); answered and cleared by the called party
 * (clear-back first); refused busy (KB2 / OR2_CAUSE_BUSY_NUMBER); refused
 * vacant (KB5 / OR2_CAUSE_UNALLOCATED_NUMBER). */
enum { MODE_CLEAR_FWD = 0, MODE_CLEAR_BACK, MODE_BUSY, MODE_VACANT, MODES };
static const char *const MODE_NAME[MODES] = {"clear_forward", "clear_back", "busy", "vacant"};

/* libopenr2 reaches the userspace DAHDI alone: its DAHDI_IOMUX (what is
 * ready, asked with NOWAIT), DAHDI_ECHOCANCEL, DAHDI_GETEVENT and buffer
 * sizes are the emulation's. Only read and write are wrapped here, to count
 * bytes for HL_R2_DEBUG. */
static long wrote_bytes[4096], read_bytes[4096];
ssize_t write(int fd, const void *buf, size_t n) {
  static ssize_t (*next)(int, const void *, size_t);
  if (!next) next = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
  ssize_t r = next(fd, buf, n);
  if (r > 0 && fd >= 0 && fd < 4096) wrote_bytes[fd] += r;
  return r;
}
ssize_t read(int fd, void *buf, size_t n) {
  static ssize_t (*next)(int, void *, size_t);
  if (!next) next = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
  ssize_t r = next(fd, buf, n);
  if (r > 0 && fd >= 0 && fd < 4096) read_bytes[fd] += r;
  return r;
}

static circ C[MAXC];
static int nc;
static uint64_t now_ms;
static int placed[2], ok[2], failed[2], by_mode[2][MODES], numbers_wrong[2], ani_as_sent[2];
static int causes[HL_R2_C_COUNT + 32];
static int or2_categories[16];

/* How the call on c ended against what its scenario asked. */
static int as_intended(const circ *c) {
  const int normal = c->failed_cause == HL_R2_C_NONE || c->failed_cause == HL_R2_C_NORMAL;
  switch (c->mode) {
    case MODE_CLEAR_FWD: return c->answered && normal;
    case MODE_CLEAR_BACK: return c->answered && normal && (c->from_ours ? c->saw_clear_back : c->or2_cause == OR2_CAUSE_NORMAL_CLEARING);
    case MODE_BUSY: return !c->answered && c->failed_cause == HL_R2_C_BUSY_LOCAL && (c->from_ours || c->or2_cause == OR2_CAUSE_BUSY_NUMBER);
    case MODE_VACANT: return !c->answered && c->failed_cause == HL_R2_C_VACANT && (c->from_ours || c->or2_cause == OR2_CAUSE_UNALLOCATED_NUMBER);
    default: return 0;
  }
}

/* The called number arrived whole at the called end (and on our calls,
 * openr2 reported a category and the calling number we sent). */
static int numbers_right(const circ *c) {
  if (c->from_ours) return strcmp(c->or2_dnis, "12315") == 0 && c->or2_category >= 0 && strcmp(c->or2_ani, OUR_ANI) == 0;
  return strcmp(c->r2.dnis, "12315") == 0;
}

static int ts_of(int i) { return i < 15 ? i + 1 : i + 2; }

/* ---- libopenr2 callbacks ---- */
static circ *of(openr2_chan_t *ch) { return (circ *)openr2_chan_get_client_data(ch); }
static void o_init(openr2_chan_t *ch) { (void)ch; }
static void o_offered(openr2_chan_t *ch, const char *ani, const char *dnis, openr2_calling_party_category_t cat) {
  circ *c = of(ch);
  snprintf(c->or2_dnis, sizeof c->or2_dnis, "%s", dnis ? dnis : "");
  snprintf(c->or2_ani, sizeof c->or2_ani, "%s", ani ? ani : "");
  c->or2_category = (int)cat;
  if (c->mode == MODE_BUSY) openr2_chan_disconnect_call(ch, OR2_CAUSE_BUSY_NUMBER);
  else if (c->mode == MODE_VACANT) openr2_chan_disconnect_call(ch, OR2_CAUSE_UNALLOCATED_NUMBER);
  else openr2_chan_accept_call(ch, OR2_CALL_WITH_CHARGE);
}
static void o_accepted(openr2_chan_t *ch, openr2_call_mode_t mode) {
  (void)mode;
  if (openr2_chan_get_direction(ch) == OR2_DIR_BACKWARD) openr2_chan_answer_call(ch);
}
static void o_answered(openr2_chan_t *ch) {
  circ *c = of(ch);
  c->or2_answered = 1;
  c->hangup_ms = now_ms + 300;
}
static void o_disconnect(openr2_chan_t *ch, openr2_call_disconnect_cause_t cause) {
  of(ch)->or2_cause = (int)cause;
  openr2_chan_disconnect_call(ch, OR2_CAUSE_NORMAL_CLEARING);
}
static void o_end(openr2_chan_t *ch) { of(ch)->done_or2 = 1; }
static void o_read(openr2_chan_t *ch, const unsigned char *buf, int n) { (void)ch; (void)buf; (void)n; }
static void o_alarm(openr2_chan_t *ch, int alarm) { (void)ch; (void)alarm; }
static void o_oserr(openr2_chan_t *ch, int e) { fprintf(stderr, "openr2 chan %d: os error %s\n", openr2_chan_get_number(ch), strerror(e)); }
static void o_proto(openr2_chan_t *ch, openr2_protocol_error_t e) {
  fprintf(stderr, "openr2 chan %d: protocol error %s\n", openr2_chan_get_number(ch), openr2_proto_get_error(e));
}
static void o_blocked(openr2_chan_t *ch) { (void)ch; }
static void o_idle(openr2_chan_t *ch) { (void)ch; }
static void o_log(openr2_context_t *ctx, openr2_log_level_t l, const char *fmt, va_list ap) {
  (void)ctx; (void)l; (void)fmt; (void)ap;
}
static int o_dnis(openr2_chan_t *ch, char d) { (void)ch; (void)d; return 1; }
static void o_ani(openr2_chan_t *ch, char d) { (void)ch; (void)d; }
static void o_bill(openr2_chan_t *ch) { (void)ch; }

static openr2_event_interface_t EV = {
    .on_call_init = o_init, .on_call_offered = o_offered, .on_call_accepted = o_accepted,
    .on_call_answered = o_answered, .on_call_disconnect = o_disconnect, .on_call_end = o_end,
    .on_call_read = o_read, .on_hardware_alarm = o_alarm, .on_os_error = o_oserr,
    .on_protocol_error = o_proto, .on_line_blocked = o_blocked, .on_line_idle = o_idle,
    .on_context_log = o_log, .on_dnis_digit_received = o_dnis, .on_ani_digit_received = o_ani,
    .on_billing_pulse_received = o_bill,
};

/* ---- our side over the channel files ---- */
static int open_ours(int chan) {
  int fd = open("/dev/dahdi/channel", O_RDWR);
  if (fd < 0) return -1;
  int bs = N, law = DAHDI_LAW_ALAW;
  if (ioctl(fd, DAHDI_SPECIFY, &chan) || ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs) || ioctl(fd, DAHDI_SETLAW, &law)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* One tick of our channel i: read 80 samples (taking pending events), step, write. */
static void our_tick(circ *c) {
  uint8_t a[N];
  int16_t rx[N], tx[N];
  for (;;) {
    ssize_t r = read(c->fd, a, N);
    if (r == N) break;
    if (r < 0 && errno == ELAST) {
      int ev;
      ioctl(c->fd, DAHDI_GETEVENT, &ev);
      continue;
    }
    memset(a, 0xd5, N);
    break;
  }
  int bits = 0;
  ioctl(c->fd, DAHDI_GETRXBITS, &bits);
  hl_g711_alaw_decode_block(rx, a, N);
  static FILE *dump;
  if (getenv("HL_R2_DUMP") && c == &C[0]) {
    if (!dump) dump = fopen(getenv("HL_R2_DUMP"), "wb");
    fwrite(rx, sizeof rx[0], N, dump);
  }
  if (hl_r2_step(&c->r2, (uint8_t)bits, rx, tx, N)) hl_g711_alaw_encode_block(a, tx, N);
  else memset(a, 0xd5, N);
  int txb = hl_r2_cas_tx(&c->r2);
  ioctl(c->fd, DAHDI_SETTXBITS, &txb);
  if (write(c->fd, a, N) < 0 && errno == ELAST) {
    int ev;
    ioctl(c->fd, DAHDI_GETEVENT, &ev);
  }
}

static void sleep_until(struct timespec *t) {
  t->tv_nsec += 10 * 1000000L;
  if (t->tv_nsec >= 1000000000L) {
    t->tv_nsec -= 1000000000L;
    t->tv_sec++;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR) {}
}

int main(int argc, char **argv) {
  const int per_way = argc > 1 ? atoi(argv[1]) : 10;
  nc = argc > 2 ? atoi(argv[2]) : 30;
  if (per_way < 1 || nc < 2 || nc > MAXC) return 2;
  openr2_context_t *ctx = openr2_context_new(NULL, &EV, NULL, OR2_VAR_CHINA, 20, 5);
  if (!ctx) {
    fprintf(stderr, "r2_openr2: openr2_context_new failed\n");
    return 2;
  }
  openr2_context_set_log_level(ctx, OR2_LOG_NOTHING);
  /* aniAfter -1: libopenr2's CN variant answers A1 after KA with called
   * digits, never the calling number, so ours does not ask for it (A6);
   * ANI both ways is tested ours against ours (r2_test). */
  hl_r2_config cfg = {.max_dnis = 5, .ani_after = -1, .level_dbm0 = -11.5f};
  if (getenv("HL_R2_ANI_AFTER")) cfg.ani_after = atoi(getenv("HL_R2_ANI_AFTER"));
  for (int i = 0; i < nc; i++) {
    circ *c = &C[i];
    c->from_ours = i & 1;
    c->next_ms = 200 + (uint64_t)i * 37;
    c->fd = open_ours(31 + ts_of(i));
    if (c->fd < 0) {
      fprintf(stderr, "r2_openr2: circuit %d: our channel %d does not open (%s)\n", i, 31 + ts_of(i), strerror(errno));
      return 2;
    }
    c->or2 = openr2_chan_new(ctx, ts_of(i), NULL, NULL);
    if (!c->or2) {
      fprintf(stderr, "r2_openr2: circuit %d: libopenr2's channel %d does not open: %s (errno: %s)\n", i, ts_of(i),
              openr2_context_error_string(openr2_context_get_last_error(ctx)), strerror(errno));
      return 2;
    }
    if (hl_r2_init(&c->r2, hl_r2_variant_china(), &cfg, NULL, NULL) != 0) {
      fprintf(stderr, "r2_openr2: circuit %d: hl_r2_init refused the configuration\n", i);
      return 2;
    }
    openr2_chan_set_client_data(c->or2, c);
    /* libopenr2's channel keeps DAHDI's 160-sample block: its MF detector
     * wants whole 20 ms reads (with 80 it reported a tone on and off in
     * turns); it reads when a block is queued, every other tick. */
    openr2_chan_set_idle(c->or2);
  }
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  const uint64_t limit_ms = (uint64_t)per_way * 2 * 8000 / (uint64_t)nc + 60000;
  for (now_ms = 0; now_ms < limit_ms; now_ms += 10) {
    int busy = 0;
    for (int i = 0; i < nc; i++) our_tick(&C[i]);
    for (int i = 0; i < nc; i++) {
      circ *c = &C[i];
      const int f = openr2_chan_get_fd(c->or2);
      const long r0 = read_bytes[f], w0 = wrote_bytes[f];
      openr2_chan_process_event(c->or2);
      if (getenv("HL_R2_TICKS") && i == 0 && now_ms >= 240 && now_ms < 800)
        fprintf(stderr, "t=%llu or2 read %ld wrote %ld tx_mf %c rx_mf %c | ours tx %d rx %d\n", (unsigned long long)now_ms, read_bytes[f] - r0,
                wrote_bytes[f] - w0, openr2_chan_get_tx_mf_signal(c->or2) ? openr2_chan_get_tx_mf_signal(c->or2) : '-',
                openr2_chan_get_rx_mf_signal(c->or2) ? openr2_chan_get_rx_mf_signal(c->or2) : '-', c->r2.tx_code, c->r2.rx_code);
      const int way = c->from_ours ? 0 : 1; /* 0: ours -> openr2, 1: openr2 -> ours */
      if (!c->active) {
        if (placed[way] < per_way) {
          busy = 1;
          if (now_ms >= c->next_ms && hl_r2_is_idle(&c->r2)) {
            c->active = 1;
            c->answered = c->or2_answered = c->done_or2 = 0;
            c->failed_cause = 0;
            c->saw_clear_back = c->seized = 0;
            c->or2_cause = c->or2_category = -1;
            c->or2_dnis[0] = c->or2_ani[0] = 0;
            c->mode = placed[way] % MODES;
            if (!c->from_ours)
              hl_r2_set_kb(&c->r2, c->mode == MODE_BUSY ? HL_R2_KB_BUSY_LOCAL : c->mode == MODE_VACANT ? HL_R2_KB_VACANT : HL_R2_KB_FREE);
            placed[way]++;
            if (c->from_ours) hl_r2_call(&c->r2, OUR_ANI, "12315", 1, 3);
            else openr2_chan_make_call(c->or2, "075512345678", "12315", OR2_CALLING_PARTY_CATEGORY_NATIONAL_SUBSCRIBER);
          }
        }
        continue;
      }
      busy = 1;
      /* our end */
      if (c->r2.state == HL_R2_S_IN_OFFERED && !c->r2.answer_pending) hl_r2_answer(&c->r2);
      if (c->r2.state == HL_R2_S_OUT_ANSWERED && !c->answered) {
        c->answered = 1;
        c->hangup_ms = now_ms + 300;
      }
      if (c->r2.state == HL_R2_S_IN_ANSWERED && !c->answered) {
        c->answered = 1;
        c->hangup_ms = now_ms + 300;
      }
      if (c->r2.state == HL_R2_S_OUT_CLEAR_BACK) {
        c->saw_clear_back = 1; /* the engine clears forward on a clear-back (r2_board.cc): so do we */
        hl_r2_hangup(&c->r2);
      }
      const int caller_clears = c->mode != MODE_CLEAR_BACK;
      if (c->from_ours && c->answered && now_ms >= c->hangup_ms && c->r2.state == HL_R2_S_OUT_ANSWERED) {
        if (caller_clears) hl_r2_hangup(&c->r2);
        else if (c->hangup_ms) {
          c->hangup_ms = 0; /* once: openr2, the called party, clears back */
          openr2_chan_disconnect_call(c->or2, OR2_CAUSE_NORMAL_CLEARING);
        }
      }
      if (!c->from_ours && c->or2_answered && now_ms >= c->hangup_ms && caller_clears) {
        c->or2_answered = 0;
        openr2_chan_disconnect_call(c->or2, OR2_CAUSE_NORMAL_CLEARING);
      }
      if (!c->from_ours && !caller_clears && c->answered && now_ms >= c->hangup_ms && c->r2.state == HL_R2_S_IN_ANSWERED)
        hl_r2_hangup(&c->r2); /* we, the called party, clear back */
      if (!hl_r2_is_idle(&c->r2)) c->seized = 1;
      if (c->seized && c->r2.cause != HL_R2_C_NONE && !c->failed_cause) c->failed_cause = c->r2.cause;
      if (c->seized && hl_r2_is_idle(&c->r2) && (c->done_or2 || c->failed_cause)) {
        if (!numbers_right(c)) numbers_wrong[way]++;
        if (c->from_ours && strcmp(c->or2_ani, OUR_ANI) == 0) ani_as_sent[way]++;
        if (c->from_ours && c->or2_category >= 0 && c->or2_category < 16) or2_categories[c->or2_category]++;
        if (as_intended(c) && numbers_right(c)) {
          ok[way]++;
          by_mode[way][c->mode]++;
        } else {
          failed[way]++;
          causes[c->failed_cause]++;
          if (getenv("HL_R2_DEBUG"))
            fprintf(stderr, "circuit %ld %s %s: answered %d, our cause %s, openr2 cause %d, dnis '%s'/'%s', ani at openr2 '%s'\n", (long)(c - C),
                    c->from_ours ? "ours->openr2" : "openr2->ours", MODE_NAME[c->mode], c->answered, hl_r2_cause_name(c->failed_cause),
                    c->or2_cause, c->or2_dnis, c->r2.dnis, c->or2_ani);
        }
        c->active = 0;
        c->next_ms = now_ms + 200;
      }
    }
    if (!busy) break;
    if (getenv("HL_R2_DEBUG") && now_ms % 500 == 0) {
      for (int i = 0; i < nc; i++) {
        int f = openr2_chan_get_fd(C[i].or2);
        fprintf(stderr, "   openr2 fd %d: read %ld wrote %ld bytes so far; ours read %ld wrote %ld\n", f, read_bytes[f], wrote_bytes[f], read_bytes[C[i].fd], wrote_bytes[C[i].fd]);
      }
      for (int i = 0; i < nc; i++)
        fprintf(stderr, "%6.1f s c%d ours %s (%s) | openr2 %s / %s / %s rx %s tx %s\n", now_ms / 1000.0, i, hl_r2_state_name(C[i].r2.state),
                hl_r2_cause_name(C[i].r2.cause), openr2_chan_get_call_state_string(C[i].or2), openr2_chan_get_r2_state_string(C[i].or2),
                openr2_chan_get_mf_state_string(C[i].or2), openr2_chan_get_rx_cas_string(C[i].or2), openr2_chan_get_tx_cas_string(C[i].or2));
    }
    sleep_until(&t);
  }
  /* Glare: both ends seize every circuit in the same tick. We have no
   * priority (China No.1: the exchange's call goes on): ours gives way when
   * it recognises the far end's seizure (30 ms). libopenr2's CN variant
   * takes our seizure (a b = 0 0, c d = 1 1) for a forced release and
   * clears forward within a tick, so its seizure is never recognised: our
   * call then ends on the seize-acknowledge timer (8 s). What must hold:
   * every circuit ends idle at both ends, the causes named (reported). */
  int glare_ours = 0, glare_answered = 0;
  uint64_t glare_since = now_ms;
  for (int i = 0; i < nc; i++) {
    circ *c = &C[i];
    c->mode = MODE_CLEAR_FWD;
    c->answered = c->or2_answered = c->done_or2 = 0;
    c->or2_cause = -1;
    hl_r2_set_kb(&c->r2, HL_R2_KB_FREE);
    hl_r2_call(&c->r2, OUR_ANI, "12315", 1, 3);
    if (openr2_chan_make_call(c->or2, "075512345678", "12315", OR2_CALLING_PARTY_CATEGORY_NATIONAL_SUBSCRIBER) != 0)
      fprintf(stderr, "r2_openr2: glare on circuit %d: libopenr2 refused to call (%s)\n", i, openr2_chan_get_r2_state_string(c->or2));
  }
  for (; now_ms < glare_since + 30000; now_ms += 10) {
    int idle = 0;
    for (int i = 0; i < nc; i++) our_tick(&C[i]);
    for (int i = 0; i < nc; i++) {
      circ *c = &C[i];
      openr2_chan_process_event(c->or2);
      if (c->r2.state == HL_R2_S_IN_OFFERED && !c->r2.answer_pending) hl_r2_answer(&c->r2);
      if ((c->r2.state == HL_R2_S_IN_ANSWERED || c->r2.state == HL_R2_S_OUT_ANSWERED) && !c->answered) {
        c->answered = 1;
        glare_answered++;
      }
      if (c->r2.state == HL_R2_S_OUT_ANSWERED && c->answered) hl_r2_hangup(&c->r2); /* ours won: clear at once */
      if (c->or2_answered) {
        c->or2_answered = 0;
        openr2_chan_disconnect_call(c->or2, OR2_CAUSE_NORMAL_CLEARING);
      }
      if (c->r2.state == HL_R2_S_OUT_CLEAR_BACK) hl_r2_hangup(&c->r2);
      idle += hl_r2_is_idle(&c->r2) && strcmp(openr2_chan_get_call_state_string(c->or2), "Idle") == 0;
    }
    if (getenv("HL_R2_DEBUG") && now_ms % 100 == 0)
      fprintf(stderr, "glare %6.2f s c0 ours %s (%s) | openr2 %s / %s rx %s tx %s\n", now_ms / 1000.0, hl_r2_state_name(C[0].r2.state),
              hl_r2_cause_name(C[0].r2.cause), openr2_chan_get_call_state_string(C[0].or2), openr2_chan_get_r2_state_string(C[0].or2),
              openr2_chan_get_rx_cas_string(C[0].or2), openr2_chan_get_tx_cas_string(C[0].or2));
    if (idle == nc && now_ms >= glare_since + 1000) break;
    sleep_until(&t);
  }
  int glare_causes[HL_R2_C_COUNT] = {0}, or2_stuck = 0;
  for (int i = 0; i < nc; i++) {
    glare_ours += (int)C[i].r2.n.glare;
    glare_causes[C[i].r2.cause]++;
    or2_stuck += strcmp(openr2_chan_get_call_state_string(C[i].or2), "Idle") != 0;
  }

  if (getenv("HL_R2_DEBUG")) {
    char line[160];
    for (int i = 0; i < nc; i++) {
      fprintf(stderr, "circuit %d, our end's MF trace:\n", i);
      for (int k = 0; k < hl_r2_trace_line(&C[i].r2, 0, NULL, 0); k++)
        if (hl_r2_trace_line(&C[i].r2, k, line, sizeof line) > 0) fprintf(stderr, "  %s\n", line);
    }
  }
  int stuck = 0;
  for (int i = 0; i < nc; i++)
    if (C[i].active || !hl_r2_is_idle(&C[i].r2) || strcmp(openr2_chan_get_call_state_string(C[i].or2), "Idle") != 0) stuck++;
  printf("{\"openr2_calls\":%d,\"openr2_failed_calls\":%d,", placed[0] + placed[1], failed[0] + failed[1]);
  for (int w = 0; w < 2; w++) {
    printf("\"%s\":{\"calls\":%d,\"as_intended\":%d,\"failed\":%d,\"numbers_wrong\":%d,\"ani_as_sent\":%d", w == 0 ? "ours_to_openr2" : "openr2_to_ours",
           placed[w], ok[w], failed[w], numbers_wrong[w], ani_as_sent[w]);
    for (int m = 0; m < MODES; m++) printf(",\"%s\":%d", MODE_NAME[m], by_mode[w][m]);
    printf("},");
  }
  printf("\"openr2_categories\":{");
  for (int k = 0, first = 1; k < 16; k++)
    if (or2_categories[k]) {
      printf("%s\"%s\":%d", first ? "" : ",", openr2_proto_get_category_string((openr2_calling_party_category_t)k), or2_categories[k]);
      first = 0;
    }
  printf("},\"glare\":{\"circuits\":%d,\"ours_gave_way\":%d,\"answered\":%d,\"openr2_not_idle\":%d,\"our_causes\":{", nc, glare_ours,
         glare_answered, or2_stuck);
  for (int k = 0, first = 1; k < HL_R2_C_COUNT; k++)
    if (glare_causes[k]) {
      printf("%s\"%s\":%d", first ? "" : ",", hl_r2_cause_name(k), glare_causes[k]);
      first = 0;
    }
  printf("}},");
  printf("\"stuck_channels\":%d,\"line_seconds\":%.1f,\"causes\":{", stuck, now_ms / 1000.0);
  int first = 1;
  for (int k = 1; k < HL_R2_C_COUNT; k++)
    if (causes[k]) {
      printf("%s\"%s\":%d", first ? "" : ",", hl_r2_cause_name(k), causes[k]);
      first = 0;
    }
  printf("}}\n");
  return failed[0] + failed[1] == 0 && stuck == 0 && ok[0] == per_way && ok[1] == per_way ? 0 : 1;
}
