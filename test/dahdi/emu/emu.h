/* The userspace DAHDI's shared state, its files' ioctls and its line side
 * (see dahdi_emu.c for the whole; emu_ioctl.c for the ioctls; emu_line.c for
 * the analog lines and G.711 on the wire). Every
 * symbol is hidden: the library is preloaded into programs that may have
 * their own names like these. */
#ifndef HL_DAHDI_EMU_H
#define HL_DAHDI_EMU_H

#include <dahdi/user.h>
#include <pthread.h>
#include <stdint.h>

#include "drivers/dahdi/emu_ioctl.h"

#pragma GCC visibility push(hidden)

#define MAX_SPANS 128 /* DAHDI_MAX_SPANS */
#define TS 32
#define FIFO 4096 /* bytes per direction per channel at most: 512 ms at 8 kHz */
#define EVQ 64    /* DAHDI_MAX_EVENTSIZE */
#define MAX_FD 16384
#define STEP_MAX 1024

struct fifo {
  uint8_t b[FIFO];
  unsigned head, len;
};

struct chan {
  int open;
  int txbits, rxbits;
  int sent_bits, wrote; /* the bits latched by the last write(), and whether one came since the last step */
  int loop; /* DAHDI_LOOPBACK: what the channel receives goes back out to the line */
  uint8_t last_rx[STEP_MAX]; /* what it received in the last step (looped back in the next) */
  struct fifo rx, tx;
  int ev[EVQ];
  unsigned evh, evn;
  unsigned long long rx_overruns, tx_underruns;
  /* DAHDI_BUFFER_EVENTS: a step that finds the transmit buffers short (an
   * underrun: idle goes out) or the receive buffers full (an overrun: the
   * oldest audio goes) queues DAHDI_EVENT_WRITE_UNDERRUN / READ_OVERRUN,
   * once until a step finds them right again (as DAHDI's TXUNDERRUN and
   * RXOVERRUN flags do). */
  int bufevents, tx_under, rx_over;
  /* DAHDI's buffers: numbufs of the file's block size each way
   * (DAHDI_DEFAULT_NUM_BUFS, DAHDI_SET_BUFINFO); cap = numbufs * blocksize
   * bytes, at most FIFO. A write that finds no free buffer waits (or
   * EAGAIN); a step that finds no free receive buffer drops the oldest. */
  unsigned numbufs, cap;
  char calling[HL_EMU_NUMBER_MAX], called[HL_EMU_NUMBER_MAX];
  /* analog: an FXO port's hook; an FXS port's ringer (cadence position,
   * samples), battery and polarity */
  int hook, ringing, ring_on, battery_off, polarity;
  unsigned ring_pos;
  /* DAHDI_ECHOCANCEL_PARAMS as last set (0 taps: off) */
  unsigned ec_taps, ec_nparams;
  char ec_name[4][16];
  int ec_value[4];
};

/* S_MIX: an analog card's one span of FXS modules (ports 1..nfxs) and FXO
 * modules (the rest), each FXS port patched to the FXO port nfxs further on
 * (a tester's cable from port to port) instead of to a cabled span. */
enum span_kind { S_E1, S_T1, S_FXS, S_FXO, S_MIX };

struct span {
  int kind, nch, base; /* span_kind, channels, DAHDI number of channel 1 */
  int nfxs;            /* S_MIX: FXS ports before the FXO ones */
  int peer; /* 0-based, or -1 */
  int cable, send_ais, send_rai, maint, forced;
  int alarms;
  unsigned bpv, crc4, fas, errsec, slips;
  int pending_slips, errored;
  unsigned long long sec_samples;
  struct chan ch[TS];
  uint8_t sent[TS][STEP_MAX]; /* what each channel sent this step */
};

extern struct span spans[MAX_SPANS];
extern int nspans;

/* An open /dev/dahdi file (indexed by its descriptor). */
enum kind { K_NONE, K_CTL, K_CHANNEL, K_TIMER, K_PSEUDO };

struct fdinfo {
  int kind, span, ts; /* ts 0: channel file not yet specified */
  int blocksize, law, linear, nonblock;
  int period;                     /* timer: samples; 0 off */
  unsigned long long next, tripped; /* timer */
  unsigned long long pos;         /* pseudo: samples read */
};

/* The channel a file is specified to, or NULL. */
static inline struct chan *fd_chan(struct fdinfo *f) { return f->kind == K_CHANNEL && f->ts ? &spans[f->span].ch[f->ts] : NULL; }

/* dahdi_emu.c: the emulation's mutex (every call below holds it), the
 * condition the clock broadcasts on each step, the configuration's clock
 * (real: a thread steps it; virtual: readers step it) and echo canceller,
 * the samples stepped so far, and one step of k samples. */
extern pthread_mutex_t mu;
extern pthread_cond_t cv;
extern int real_clock, no_echocan;
extern unsigned long long now_samples;
void step(unsigned k);

/* emu_ioctl.c: an ioctl on an emulated file, under mu (0, or -1 and errno) */
int emu_ioctl(struct fdinfo *f, unsigned long req, void *arg);

/* emu_line.c, all under the emulation's mutex */
int fail(int e);                       /* errno = e, -1 */
void ev_push(struct chan *c, int ev);  /* queue a DAHDI event (dropped on a full queue, as DAHDI does) */
int alaw_to_lin(uint8_t a);
uint8_t lin_to_alaw(int v);
int ulaw_to_lin(uint8_t u);
uint8_t lin_to_ulaw(int v);
int chan_kind(int s, int t);
struct chan *far_chan(int s, int t);
void far_event(int s, int t, int ev);
void ring_step(int s, int t, unsigned k);
void ring_stop(int s, int t);
int analog_hook(int s, int t, int op);

#pragma GCC visibility pop
#endif
