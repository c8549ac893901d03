/* A userspace DAHDI: an LD_PRELOAD library that answers open/ioctl/read/
 * write/poll/close on /dev/dahdi/{channel,ctl,timer,pseudo} the way DAHDI's
 * kernel module does (per dahdi/user.h), so the DAHDI driver, dahdi-tools and
 * libopenr2 run here without a card or a kernel module.
 *
 * Emulated spans are cabled in pairs: E1 (31 channels, timeslot 16 carries
 * CAS and is no channel), T1 (24 channels, mu-law on the channel files) or
 * analog loop-start ports (an FXS port group, FXO-signalled as DAHDI has it,
 * cabled to an FXO port group: channel p of one is the line of channel p of
 * the other: ringing with a 1 s on / 4 s off cadence, hook, battery drop,
 * polarity). Channels are numbered as system.conf does: on from 1, span
 * after span (an E1 takes 31, a T1 24, an analog span its ports). Each
 * channel has a receive and a transmit FIFO of DAHDI's buffers (numbufs x
 * block size: DAHDI_DEFAULT_NUM_BUFS until DAHDI_SET_BUFINFO; a write finds
 * room while a buffer is free, as DAHDI_IOMUX and poll say; a full receive
 * side drops the oldest; DAHDI_BUFFER_EVENTS reports both); one clock step of
 * k samples moves k bytes (A-law on the wire) from every span's transmit side
 * to its peer's receive side, with the ABCD bits, alarms and impairments.
 *
 * Configuration (environment, read at the first /dev/dahdi open):
 *   HL_DAHDI_EMU="spans=4 cable=1-3,2-4 clock=virtual"
 *     spans   number of E1 spans (1..128)
 *     cable   pairs of spans joined by a cable; a span in no pair sees LOS
 *     clock   virtual: a read that finds no data steps the clock by its block
 *             (deterministic, for stepped boards and tests: time is the
 *             reader's); real: a thread steps 8 samples every 1 ms of
 *             CLOCK_MONOTONIC (8 kHz), reads block until a block is there
 *     alarm   span:red|blue|yellow alarms present from the start ("2:red")
 *     stall   MS/EVERY (real clock): every EVERY ms of card time, the next
 *             read of a channel file takes MS ms more (the host stalls the
 *             reader, as a busy bus or a preempted thread would; the card's
 *             clock keeps running): a late tick for the program reading
 *             (test/dahdi/late-ticks.test.ts)
 * Impairments at run time: DAHDI_MAINT (loopbacks, BPV/CRC/FAS defects) and
 * the fixture's own HL_EMU_CONTROL ioctl (cable, AIS, RAI, slips, numbers);
 * see native/drivers/dahdi/emu_ioctl.h.
 *
 * One process: the emulation lives in the process that loads it (a second
 * process sees its own spans, built from the same configuration).
 * Files: this one (configuration, the clock, the /dev/dahdi files, their
 * reads, writes and poll, and the interposed calls), emu_ioctl.c (the ioctls
 * of a file: DAHDI's and the fixture's HL_EMU_*), emu_line.c (G.711 on the
 * wire, events, analog lines), emu.h (their shared state). Built at test time
 * (test/dahdi/emu.ts) with the system C compiler, against the header
 * native/dahdi-header.mjs unpacks.
 * Linux/glibc only. */
#define _GNU_SOURCE
#include <dahdi/user.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;
int real_clock, no_echocan;
static unsigned stall_ms, stall_every_ms;
static unsigned long long stall_at; /* samples: the next read after this stalls */
int nspans;
unsigned long long now_samples;
struct span spans[MAX_SPANS];
static struct fdinfo fds[MAX_FD];
static int timer_hi; /* timer files are below this number (the clock scans only them) */
static pthread_t clock_thread;

static int (*real_open)(const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_poll)(struct pollfd *, nfds_t, int);
static FILE *(*real_fopen)(const char *, const char *);

static void resolve(void) {
  if (real_open) return;
  real_open = dlsym(RTLD_NEXT, "open");
  real_close = dlsym(RTLD_NEXT, "close");
  real_read = dlsym(RTLD_NEXT, "read");
  real_write = dlsym(RTLD_NEXT, "write");
  real_ioctl = dlsym(RTLD_NEXT, "ioctl");
  real_poll = dlsym(RTLD_NEXT, "poll");
  real_fopen = dlsym(RTLD_NEXT, "fopen");
}

/* ---- spans, channels, the clock */

/* Ring buffers copied in at most two pieces (the emulation's own cost must
 * stay far below the engine's: a real card's read is one copy too). */
static void fifo_push(struct fifo *f, const uint8_t *p, unsigned n, unsigned long long *over, unsigned cap) {
  if (cap > FIFO) cap = FIFO;
  if (n > cap) {
    p += n - cap;
    n = cap;
  }
  if (f->len + n > cap) { /* full: the oldest bytes go (DAHDI: overrun) */
    unsigned drop = f->len + n - cap;
    f->head = (f->head + drop) % FIFO;
    f->len -= drop;
    if (over) *over += drop;
  }
  unsigned at = (f->head + f->len) % FIFO, first = n < FIFO - at ? n : FIFO - at;
  memcpy(f->b + at, p, first);
  memcpy(f->b, p + first, n - first);
  f->len += n;
}
static unsigned fifo_pop(struct fifo *f, uint8_t *p, unsigned n) {
  if (n > f->len) n = f->len;
  unsigned first = n < FIFO - f->head ? n : FIFO - f->head;
  memcpy(p, f->b + f->head, first);
  memcpy(p + first, f->b, n - first);
  f->head = (f->head + n) % FIFO;
  f->len -= n;
  return n;
}

static int span_alarms(int s) {
  struct span *sp = &spans[s];
  int a = 0;
  if (sp->maint == DAHDI_MAINT_LOCALLOOP) return DAHDI_ALARM_LOOPBACK;
  if (sp->kind >= S_FXS) return sp->forced; /* analog ports have no line framing: no LOS, AIS or RAI */
  if (sp->peer < 0 || !sp->cable) a = DAHDI_ALARM_RED | DAHDI_ALARM_LOS;
  else if (spans[sp->peer].send_ais) a = DAHDI_ALARM_BLUE;
  else if (spans[sp->peer].send_rai || (spans[sp->peer].alarms & (DAHDI_ALARM_RED | DAHDI_ALARM_BLUE))) a = DAHDI_ALARM_YELLOW;
  return a | sp->forced;
}

/* One step of k samples (k <= STEP_MAX), under mu. */
void step(unsigned k) {
  for (int s = 0; s < nspans; s++)
    for (int t = 1; t < TS; t++) {
      struct chan *c = &spans[s].ch[t];
      /* Bits go out with the audio written after them (as the sim's tick
       * moves both together), so a line state and the audio that follows it
       * arrive in the same step; a channel nobody writes sends its bits at once. */
      c->sent_bits = c->wrote ? c->sent_bits : c->txbits;
      c->wrote = 0;
      if (c->open && c->loop) { /* the line loop replaces what the application writes */
        fifo_pop(&c->tx, spans[s].sent[t], k);
        memcpy(spans[s].sent[t], c->last_rx, k);
        continue;
      }
      unsigned got = c->open ? fifo_pop(&c->tx, spans[s].sent[t], k) : 0;
      if (c->open && got < k) {
        c->tx_underruns += k - got;
        if (c->bufevents && !c->tx_under) ev_push(c, DAHDI_EVENT_WRITE_UNDERRUN);
      }
      c->tx_under = c->open && got < k;
      memset(spans[s].sent[t] + got, 0xd5, k - got); /* A-law idle */
    }
  int alarms[MAX_SPANS];
  for (int s = 0; s < nspans; s++) alarms[s] = span_alarms(s);
  for (int s = 0; s < nspans; s++) {
    struct span *sp = &spans[s];
    const int red_blue = alarms[s] & (DAHDI_ALARM_RED | DAHDI_ALARM_BLUE);
    if (alarms[s] != sp->alarms) {
      for (int t = 1; t < TS; t++)
        if (sp->ch[t].open) ev_push(&sp->ch[t], alarms[s] & ~DAHDI_ALARM_LOOPBACK ? DAHDI_EVENT_ALARM : DAHDI_EVENT_NOALARM);
      sp->alarms = alarms[s];
    }
    if (red_blue) sp->errored = 1;
    /* The source of what span s receives: its peer, itself (local loop), or nothing. */
    int from = sp->maint == DAHDI_MAINT_LOCALLOOP ? s : sp->peer;
    if (from >= 0 && spans[from].maint == DAHDI_MAINT_NETWORKLINELOOP && from != s) from = -1; /* peer loops its line back: we hear ourselves */
    if (sp->peer >= 0 && spans[sp->peer].maint == DAHDI_MAINT_NETWORKLINELOOP) from = s;
    int slip = sp->pending_slips > 0 && !red_blue;
    if (slip) {
      sp->pending_slips--;
      sp->slips++;
      sp->errored = 1;
    }
    for (int t = 1; t < TS; t++) {
      struct chan *c = &sp->ch[t];
      uint8_t buf[STEP_MAX];
      const uint8_t *src = from >= 0 && !red_blue ? spans[from].sent[t] : NULL;
      if (sp->kind == S_MIX && t <= sp->nch) { /* the port patched to this one */
        const int o = t <= sp->nfxs ? t + sp->nfxs : t - sp->nfxs;
        src = o >= 1 && o <= sp->nch ? sp->sent[o] : NULL;
      }
      if (src) memcpy(buf, src, k);
      else memset(buf, spans[s].peer >= 0 && sp->cable && spans[sp->peer].send_ais ? 0xff : 0xd5, k);
      memcpy(c->last_rx, buf, k);
      if (c->open) {
        const unsigned long long over = c->rx_overruns;
        fifo_push(&c->rx, buf, k - (slip ? 1 : 0), &c->rx_overruns, c->cap); /* a slip loses one 125 us frame */
        if (c->rx_overruns != over && c->bufevents && !c->rx_over) ev_push(c, DAHDI_EVENT_READ_OVERRUN);
        c->rx_over = c->rx_overruns != over;
      }
      int bits = red_blue ? c->rxbits : from >= 0 ? spans[from].ch[t].sent_bits : c->rxbits;
      if (bits != c->rxbits) {
        c->rxbits = bits;
        if (c->open) ev_push(c, DAHDI_EVENT_BITSCHANGED);
      }
    }
    sp->sec_samples += k;
    if (sp->sec_samples >= 8000) { /* G.826 errored second */
      sp->sec_samples -= 8000;
      if (sp->errored) sp->errsec++;
      sp->errored = 0;
    }
  }
  for (int s = 0; s < nspans; s++)
    if (spans[s].kind == S_FXS || spans[s].kind == S_MIX)
      for (int t = 1; t <= spans[s].nch; t++)
        if (chan_kind(s, t) == S_FXS) ring_step(s, t, k);
  now_samples += k;
  for (int fd = 0; fd < timer_hi; fd++) {
    struct fdinfo *f = &fds[fd];
    if (f->kind == K_TIMER && f->period > 0)
      while (now_samples >= f->next) {
        f->tripped++;
        f->next += (unsigned)f->period;
      }
  }
  pthread_cond_broadcast(&cv);
}

static unsigned long long mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (unsigned long long)t.tv_sec * 1000ull + (unsigned long long)t.tv_nsec / 1000000ull;
}

/* A card's clock keeps running while the host is busy: a late wake-up makes
 * up every 1 ms step (8 samples, DAHDI's own tick) it missed, up to the
 * FIFO's 512 ms, so the sample count follows CLOCK_MONOTONIC. */
static void *clock_main(void *arg) {
  (void)arg;
  /* As a card's interrupt: above the board's clock thread (SCHED_FIFO 10)
   * when the system allows it (root or CAP_SYS_NICE); else it stays normal. */
  struct sched_param sp = {.sched_priority = 20};
  pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
  const unsigned long long start = mono_ms();
  unsigned long long done = 0;
  for (;;) {
    struct timespec nap = {0, 1000000};
    nanosleep(&nap, NULL);
    unsigned long long due = mono_ms() - start;
    if (due > done + FIFO / 8) done = due - FIFO / 8;
    pthread_mutex_lock(&mu);
    for (; done < due; done++) step(8);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

static void configure(void) {
  if (ready) return;
  ready = 1;
  nspans = 2;
  const char *cfg = getenv("HL_DAHDI_EMU");
  char buf[512];
  snprintf(buf, sizeof buf, "%s", cfg ? cfg : "spans=2 cable=1-2");
  for (int s = 0; s < MAX_SPANS; s++) {
    spans[s].peer = -1;
    spans[s].cable = 1;
    spans[s].kind = S_E1;
    spans[s].nch = 31;
    for (int t = 0; t < TS; t++) spans[s].ch[t].txbits = spans[s].ch[t].rxbits = spans[s].ch[t].sent_bits = 0x9; /* Q.421 idle: CD = 01 */
  }
  char *save = NULL;
  for (char *w = strtok_r(buf, " ;", &save); w; w = strtok_r(NULL, " ;", &save)) {
    if (!strncmp(w, "spans=", 6)) {
      nspans = atoi(w + 6);
      if (nspans < 1) nspans = 1;
      if (nspans > MAX_SPANS) nspans = MAX_SPANS;
    } else if (!strncmp(w, "cable=", 6)) {
      for (char *p = w + 6; *p;) {
        int a = (int)strtol(p, &p, 10), b = *p == '-' ? (int)strtol(p + 1, &p, 10) : 0;
        if (a >= 1 && b >= 1 && a <= MAX_SPANS && b <= MAX_SPANS && a != b) {
          spans[a - 1].peer = b - 1;
          spans[b - 1].peer = a - 1;
        }
        while (*p && *p != ',') p++;
        if (*p == ',') p++;
      }
    } else if (!strncmp(w, "clock=", 6)) {
      real_clock = !strcmp(w + 6, "real");
    } else if (!strncmp(w, "stall=", 6)) {
      char *p = w + 6;
      stall_ms = (unsigned)strtoul(p, &p, 10);
      stall_every_ms = *p == '/' ? (unsigned)strtoul(p + 1, &p, 10) : 0;
      if (!stall_every_ms) stall_ms = 0;
      stall_at = 8ull * stall_every_ms;
    } else if (!strcmp(w, "echocan=none")) {
      no_echocan = 1;
    } else if (!strncmp(w, "kind=", 5)) {
      for (char *p = w + 5; *p;) {
        int sn = (int)strtol(p, &p, 10);
        if (*p == ':') p++;
        int kind = !strncmp(p, "t1", 2) ? S_T1 : !strncmp(p, "fxs", 3) ? S_FXS : !strncmp(p, "fxo", 3) ? S_FXO : !strncmp(p, "mix", 3) ? S_MIX : S_E1;
        while (*p && *p != '/' && *p != ',') p++;
        int n = *p == '/' ? (int)strtol(p + 1, &p, 10) : 0;
        int m = *p == '/' ? (int)strtol(p + 1, &p, 10) : 0; /* mix/FXS/FXO */
        if (n < 1) n = 4;
        if (sn >= 1 && sn <= MAX_SPANS) {
          spans[sn - 1].kind = kind;
          if (kind == S_MIX) {
            if (n > 15) n = 15;
            if (m < 1 || m > 15) m = n;
            spans[sn - 1].nfxs = n;
          }
          spans[sn - 1].nch = kind == S_T1 ? 24 : kind == S_E1 ? 31 : kind == S_MIX ? n + m : n > 30 ? 30 : n;
        }
        while (*p && *p != ',') p++;
        if (*p == ',') p++;
      }
    } else if (!strncmp(w, "alarm=", 6)) {
      int s = atoi(w + 6);
      const char *k = strchr(w, ':');
      if (s >= 1 && s <= MAX_SPANS && k)
        spans[s - 1].forced |= !strcmp(k + 1, "red") ? DAHDI_ALARM_RED : !strcmp(k + 1, "blue") ? DAHDI_ALARM_BLUE : !strcmp(k + 1, "yellow") ? DAHDI_ALARM_YELLOW : 0;
    }
  }
  for (int s = 0, base = 1; s < nspans; s++) {
    spans[s].alarms = span_alarms(s);
    spans[s].base = base; /* system.conf numbering: on from 1, span after span */
    base += spans[s].nch;
  }
  if (real_clock) pthread_create(&clock_thread, NULL, clock_main, NULL);
}

/* ---- the files */

static int emu_kind(const char *path) {
  if (!path || strncmp(path, "/dev/dahdi/", 11)) return K_NONE;
  const char *n = path + 11;
  if (!strcmp(n, "channel")) return K_CHANNEL;
  if (!strcmp(n, "ctl")) return K_CTL;
  if (!strcmp(n, "timer")) return K_TIMER;
  if (!strcmp(n, "pseudo")) return K_PSEUDO;
  return K_NONE;
}

static int emu_open(const char *path, int flags) {
  int kind = emu_kind(path);
  pthread_mutex_lock(&mu);
  configure();
  pthread_mutex_unlock(&mu);
  int fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC)); /* reserves the number */
  if (fd < 0) return fd;
  if (fd >= MAX_FD) {
    real_close(fd);
    errno = EMFILE;
    return -1;
  }
  pthread_mutex_lock(&mu);
  memset(&fds[fd], 0, sizeof fds[fd]);
  fds[fd].kind = kind;
  if (kind == K_TIMER && fd >= timer_hi) timer_hi = fd + 1;
  fds[fd].blocksize = 160; /* DAHDI_DEFAULT_BLOCKSIZE? no: the kernel's default is 160 */
  fds[fd].nonblock = (flags & O_NONBLOCK) != 0;
  pthread_mutex_unlock(&mu);
  return fd;
}

static struct fdinfo *emu_fd(int fd) { return fd >= 0 && fd < MAX_FD && fds[fd].kind != K_NONE ? &fds[fd] : NULL; }

/* Readiness of an emulated file for poll(), under mu. */
static short emu_revents(struct fdinfo *f, short want) {
  short r = 0;
  struct chan *c = fd_chan(f);
  if (f->kind == K_TIMER) return f->tripped ? (short)(POLLPRI & want) : 0;
  if (f->kind == K_PSEUDO) return (short)((POLLOUT | ((!real_clock || now_samples >= f->pos + (unsigned)f->blocksize) ? POLLIN : 0)) & want);
  if (!c) return (short)(POLLOUT & want);
  if (c->evn) r |= POLLPRI;
  if (!real_clock || c->rx.len >= (unsigned)f->blocksize) r |= POLLIN;
  if (c->tx.len + (unsigned)f->blocksize <= c->cap) r |= POLLOUT;
  return (short)(r & (want | POLLPRI));
}

/* The law of a channel file's bytes. A T1 line is mu-law and DAHDI hands
 * its bytes over as they are (DAHDI_SETLAW only names the law for gains and
 * linear mode): a program that takes them for A-law hears noise. On E1 the
 * emulation is kinder and converts to the law set (emu_check relies on it). */
static int file_law(const struct fdinfo *f) { return spans[f->span].kind == S_T1 ? DAHDI_LAW_MULAW : f->law; }

static ssize_t emu_read(struct fdinfo *f, uint8_t *out, size_t count) {
  const unsigned bps = f->linear ? 2 : 1;
  unsigned n = (unsigned)(count / bps);
  if (n > (unsigned)f->blocksize) n = (unsigned)f->blocksize;
  if (n == 0) return fail(EINVAL);
  uint8_t wire[STEP_MAX];
  if (f->kind == K_PSEUDO) { /* silence at the clock's pace (dahdi_test measures it) */
    while (real_clock && now_samples < f->pos + n) {
      if (f->nonblock) return fail(EAGAIN);
      pthread_cond_wait(&cv, &mu);
    }
    if (!real_clock) step(n);
    f->pos += n;
    memset(wire, 0xd5, n);
  } else {
    struct chan *c = fd_chan(f);
    if (!c) return fail(EINVAL);
    for (;;) {
      if (c->evn) return fail(ELAST); /* an event waits: DAHDI_GETEVENT first */
      if (c->rx.len >= n) break;
      if (!real_clock) step((unsigned)f->blocksize);
      else if (f->nonblock) return fail(EAGAIN);
      else pthread_cond_wait(&cv, &mu);
    }
    fifo_pop(&c->rx, wire, n);
  }
  for (unsigned i = 0; i < n; i++) {
    int v = alaw_to_lin(wire[i]);
    if (f->linear) ((int16_t *)out)[i] = (int16_t)v; /* NB: out may be unaligned: memcpy below */
    else out[i] = file_law(f) == DAHDI_LAW_MULAW ? lin_to_ulaw(v) : wire[i];
  }
  return (ssize_t)(n * bps);
}

static ssize_t emu_write(struct fdinfo *f, const uint8_t *in, size_t count) {
  const unsigned bps = f->linear ? 2 : 1;
  unsigned n = (unsigned)(count / bps);
  if (f->kind == K_PSEUDO) return (ssize_t)count;
  struct chan *c = fd_chan(f);
  if (!c || n == 0) return fail(EINVAL);
  if (n > STEP_MAX) n = STEP_MAX;
  if (n > c->cap) n = c->cap; /* what the buffers hold: the rest is the next write's */
  if (c->evn) return fail(ELAST);
  while (c->tx.len + n > c->cap) {
    if (!real_clock || f->nonblock) return fail(EAGAIN);
    pthread_cond_wait(&cv, &mu);
  }
  uint8_t wire[STEP_MAX];
  for (unsigned i = 0; i < n; i++) {
    if (f->linear) {
      int16_t v;
      memcpy(&v, in + 2 * i, 2);
      wire[i] = lin_to_alaw(v);
    } else wire[i] = file_law(f) == DAHDI_LAW_MULAW ? lin_to_alaw(ulaw_to_lin(in[i])) : in[i];
  }
  fifo_push(&c->tx, wire, n, NULL, FIFO);
  c->sent_bits = c->txbits;
  c->wrote = 1;
  return (ssize_t)(n * bps);
}

/* ---- the interposed calls */

static int open_common(const char *path, int flags, mode_t mode, int at, int dirfd) {
  resolve();
  if (emu_kind(path) != K_NONE) return emu_open(path, flags);
  if (at) {
    int (*real_openat)(int, const char *, int, ...) = dlsym(RTLD_NEXT, "openat");
    return real_openat(dirfd, path, flags, mode);
  }
  return real_open(path, flags, mode);
}

/* open's third argument exists only with O_CREAT or O_TMPFILE. */
#define MODE_ARG(flags, mode)                \
  do {                                       \
    if ((flags) & (O_CREAT | O_TMPFILE)) {   \
      va_list ap;                            \
      va_start(ap, flags);                   \
      mode = va_arg(ap, mode_t);             \
      va_end(ap);                            \
    }                                        \
  } while (0)

int open(const char *path, int flags, ...) {
  mode_t mode = 0;
  MODE_ARG(flags, mode);
  return open_common(path, flags, mode, 0, 0);
}
int open64(const char *path, int flags, ...) __attribute__((alias("open")));
int __open_2(const char *path, int flags) { return open_common(path, flags, 0, 0, 0); }
int __open64_2(const char *path, int flags) { return open_common(path, flags, 0, 0, 0); }
int openat(int dirfd, const char *path, int flags, ...) {
  mode_t mode = 0;
  MODE_ARG(flags, mode);
  return open_common(path, flags, mode, 1, dirfd);
}
int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

int close(int fd) {
  resolve();
  pthread_mutex_lock(&mu);
  struct fdinfo *f = emu_fd(fd);
  if (f) {
    struct chan *c = fd_chan(f);
    if (c) {
      c->open = 0;
      c->loop = 0;
      c->bufevents = c->tx_under = c->rx_over = 0;
      c->txbits = 0x9; /* a closed channel sends idle bits, as DAHDI restores idlebits */
      if (chan_kind(f->span, f->ts) == S_FXO && c->hook) analog_hook(f->span, f->ts, DAHDI_ONHOOK); /* a closed FXO port hangs up */
      if (chan_kind(f->span, f->ts) == S_FXS) ring_stop(f->span, f->ts);
    }
    f->kind = K_NONE;
  }
  pthread_mutex_unlock(&mu);
  return real_close(fd);
}

/* The emulated file behind fd, with mu held; NULL (mu not held) for any other file. */
static struct fdinfo *lock_emu(int fd) {
  resolve();
  if (fd < 0 || fd >= MAX_FD) return NULL;
  pthread_mutex_lock(&mu);
  struct fdinfo *f = emu_fd(fd);
  if (!f) pthread_mutex_unlock(&mu);
  return f;
}

ssize_t read(int fd, void *buf, size_t count) {
  struct fdinfo *f = lock_emu(fd);
  if (!f) return real_read(fd, buf, count);
  ssize_t r;
  if (f->linear && ((uintptr_t)buf & 1)) { /* unaligned linear buffer */
    uint8_t tmp[2 * STEP_MAX];
    r = emu_read(f, tmp, count < sizeof tmp ? count : sizeof tmp);
    if (r > 0) memcpy(buf, tmp, (size_t)r);
  } else r = emu_read(f, buf, count);
  int stall = 0;
  if (stall_ms && real_clock && f->kind == K_CHANNEL && now_samples >= stall_at) {
    stall = 1;
    stall_at = now_samples + 8ull * stall_every_ms;
  }
  pthread_mutex_unlock(&mu);
  if (stall) { /* outside the lock: the card's clock keeps stepping */
    struct timespec t = {(time_t)(stall_ms / 1000), (long)(stall_ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
  }
  return r;
}

ssize_t write(int fd, const void *buf, size_t count) {
  struct fdinfo *f = lock_emu(fd);
  if (!f) return real_write(fd, buf, count);
  ssize_t r = emu_write(f, buf, count);
  pthread_mutex_unlock(&mu);
  return r;
}

int ioctl(int fd, unsigned long req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  struct fdinfo *f = lock_emu(fd);
  if (!f) return real_ioctl(fd, req, arg);
  int r = emu_ioctl(f, req, arg);
  pthread_mutex_unlock(&mu);
  return r;
}

int poll(struct pollfd *pfd, nfds_t n, int timeout) {
  resolve();
  int any = 0;
  for (nfds_t i = 0; i < n; i++)
    if (emu_fd(pfd[i].fd)) any = 1;
  if (!any) return real_poll(pfd, n, timeout);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    int ready_n = 0;
    /* real files first, without waiting */
    struct pollfd tmp[64];
    nfds_t m = n < 64 ? n : 64;
    for (nfds_t i = 0; i < m; i++) {
      tmp[i] = pfd[i];
      if (emu_fd(pfd[i].fd)) tmp[i].fd = -1;
    }
    if (real_poll(tmp, m, 0) < 0) return -1;
    pthread_mutex_lock(&mu);
    for (nfds_t i = 0; i < m; i++) {
      struct fdinfo *f = emu_fd(pfd[i].fd);
      pfd[i].revents = f ? emu_revents(f, pfd[i].events) : tmp[i].revents;
      if (pfd[i].revents) ready_n++;
    }
    pthread_mutex_unlock(&mu);
    if (ready_n || timeout == 0) return ready_n;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (timeout > 0 && ms >= timeout) return 0;
    struct timespec nap = {0, 500000}; /* 0.5 ms: the clock moves in 1 ms steps */
    nanosleep(&nap, NULL);
  }
}

/* dahdi_scan reads each span's first channel number from sysfs. */
FILE *fopen(const char *path, const char *mode) {
  resolve();
  unsigned s;
  char tail[32];
  if (path && sscanf(path, "/sys/bus/dahdi_spans/devices/span-%u/%31s", &s, tail) == 2 && !strcmp(tail, "basechan")) {
    pthread_mutex_lock(&mu);
    configure();
    int ok = s >= 1 && (int)s <= nspans;
    pthread_mutex_unlock(&mu);
    if (!ok) {
      errno = ENOENT;
      return NULL;
    }
    static __thread char text[16];
    snprintf(text, sizeof text, "%d\n", spans[s - 1].base);
    return fmemopen(text, strlen(text), "r");
  }
  return real_fopen(path, mode);
}
FILE *fopen64(const char *path, const char *mode) __attribute__((alias("fopen")));
