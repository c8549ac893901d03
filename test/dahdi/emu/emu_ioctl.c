/* The ioctls of the userspace DAHDI's files (dahdi_emu.c for the whole):
 * DAHDI_SPECIFY, a channel's parameters and a span's status, maintenance,
 * timers, buffers, laws, the echo canceller's parameters, DAHDI_IOMUX,
 * the analog hook, and the fixture's own HL_EMU_CONTROL / HL_EMU_GETECHO /
 * HL_EMU_GETNUMBERS (native/drivers/dahdi/emu_ioctl.h). Called under the
 * emulation's mutex. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "emu.h"

static void set_cap(const struct fdinfo *f, struct chan *c) {
  const unsigned cap = c->numbufs * (unsigned)f->blocksize;
  c->cap = cap < FIFO ? cap : FIFO;
}

/* DAHDI channel number -> span (0-based), timeslot; -1 when it is no channel of ours. */
static int chan_of(int channo, int *span, int *ts) {
  for (int s = 0; s < nspans; s++)
    if (channo >= spans[s].base && channo < spans[s].base + spans[s].nch) {
      *span = s;
      *ts = channo - spans[s].base + 1;
      return 0;
    }
  return -1;
}

static int do_specify(struct fdinfo *f, int channo) {
  int s, t;
  if (f->kind != K_CHANNEL || f->ts) return fail(EINVAL);
  if (chan_of(channo, &s, &t) < 0) return fail(ENXIO);
  if (t == 16 && spans[s].kind == S_E1) return fail(ENXIO); /* CAS signalling timeslot: not a channel in system.conf */
  struct chan *c = &spans[s].ch[t];
  if (c->open) return fail(EBUSY);
  c->open = 1;
  c->loop = 0;
  memset(c->last_rx, 0xd5, sizeof c->last_rx);
  c->evh = c->evn = 0;
  c->rx.len = c->tx.len = 0;
  c->ec_taps = c->ec_nparams = 0;
  f->span = s;
  f->ts = t;
  c->numbufs = DAHDI_DEFAULT_NUM_BUFS;
  set_cap(f, c);
  f->law = spans[s].kind == S_T1 ? DAHDI_LAW_MULAW : DAHDI_LAW_ALAW; /* the span's own law */
  return 0;
}

static void fill_params(struct dahdi_params *p, int s, int t) {
  struct chan *c = &spans[s].ch[t];
  memset(p, 0, sizeof *p);
  const int kind = chan_kind(s, t);
  p->channo = spans[s].base + t - 1;
  p->spanno = s + 1;
  p->chanpos = t;
  p->sigtype = p->sigcap = kind == S_FXS ? DAHDI_SIG_FXOKS : kind == S_FXO ? DAHDI_SIG_FXSKS : t == 16 && kind == S_E1 ? 0 : DAHDI_SIG_CAS;
  p->rxbits = c->rxbits;
  p->txbits = c->txbits;
  p->curlaw = kind == S_T1 ? DAHDI_LAW_MULAW : DAHDI_LAW_ALAW;
  if (kind == S_FXS) {
    struct chan *far = far_chan(s, t);
    p->rxisoffhook = far && far->hook;
  }
  p->idlebits = 0x9;
  snprintf(p->name, sizeof p->name, "HLEMU/%d/%d", s + 1, t);
  p->chan_alarms = (unsigned)spans[s].alarms;
}

static void fill_spaninfo(struct dahdi_spaninfo *si, int s) {
  struct span *sp = &spans[s];
  memset(si, 0, sizeof *si);
  si->spanno = s + 1;
  snprintf(si->name, sizeof si->name, "HLEMU/%d", s + 1);
  static const char *const kinds[] = {"E1", "T1", "FXS ports", "FXO ports", "analog (FXS+FXO)"};
  snprintf(si->desc, sizeof si->desc, "hotline userspace %s span %d", kinds[sp->kind], s + 1);
  si->alarms = sp->alarms;
  si->bpvcount = (int)sp->bpv;
  si->crc4count = (int)sp->crc4;
  si->fascount = (int)sp->fas;
  si->errsec = sp->errsec;
  si->syncsrc = sp->alarms & (DAHDI_ALARM_RED | DAHDI_ALARM_BLUE) ? 0 : s + 1;
  si->numchans = sp->kind == S_E1 ? 30 : sp->nch;
  si->totalchans = sp->nch;
  si->totalspans = nspans;
  if (sp->kind == S_E1) {
    si->lineconfig = DAHDI_CONFIG_HDB3 | DAHDI_CONFIG_CRC4;
    si->linecompat = DAHDI_CONFIG_HDB3 | DAHDI_CONFIG_CRC4 | DAHDI_CONFIG_CCS;
    snprintf(si->lboname, sizeof si->lboname, "E1 (120 ohms)");
  } else if (sp->kind == S_T1) {
    si->lineconfig = DAHDI_CONFIG_B8ZS | DAHDI_CONFIG_ESF;
    si->linecompat = DAHDI_CONFIG_AMI | DAHDI_CONFIG_B8ZS | DAHDI_CONFIG_D4 | DAHDI_CONFIG_ESF;
    snprintf(si->lboname, sizeof si->lboname, "0 db (CSU)/0-133 feet (DSX-1)");
  }
  snprintf(si->location, sizeof si->location, "LD_PRELOAD");
  snprintf(si->manufacturer, sizeof si->manufacturer, "hotline");
  snprintf(si->devicetype, sizeof si->devicetype, "userspace DAHDI (test fixture)");
  snprintf(si->spantype, sizeof si->spantype, "%s", sp->kind == S_E1 ? "E1" : sp->kind == S_T1 ? "T1" : "");
}

static int span_arg(struct fdinfo *f, int spanno) {
  if (spanno == 0 && fd_chan(f)) return f->span;
  return spanno >= 1 && spanno <= nspans ? spanno - 1 : -1;
}

int emu_ioctl(struct fdinfo *f, unsigned long req, void *arg) {
  struct chan *c = fd_chan(f);
  int *ip = arg;
  switch (req) {
    case DAHDI_SPECIFY: return do_specify(f, *ip);
    case DAHDI_GETVERSION: {
      struct dahdi_versioninfo *v = arg;
      memset(v, 0, sizeof *v);
      snprintf(v->version, sizeof v->version, "2.11.1 (hotline userspace emulation)");
      snprintf(v->echo_canceller, sizeof v->echo_canceller, "none");
      return 0;
    }
    case DAHDI_SPANSTAT: {
      struct dahdi_spaninfo *si = arg;
      int s = span_arg(f, si->spanno);
      if (s < 0) return fail(EINVAL);
      fill_spaninfo(si, s);
      return 0;
    }
    case DAHDI_GET_PARAMS: {
      struct dahdi_params *p = arg;
      int s, t;
      /* As DAHDI's dahdi_common_ioctl: on a channel's own file the file's
       * channel answers and channo is not read (libopenr2 leaves it
       * uninitialised); elsewhere channo names it, less the
       * DAHDI_GET_PARAMS_RETURN_MASTER flag. */
      if (c) {
        s = f->span;
        t = f->ts;
      } else if (chan_of(p->channo & ~DAHDI_GET_PARAMS_RETURN_MASTER, &s, &t) < 0) return fail(EINVAL);
      fill_params(p, s, t);
      if (c && s == f->span && t == f->ts) p->curlaw = f->law;
      return 0;
    }
    case DAHDI_MAINT: {
      struct dahdi_maintinfo *m = arg;
      int s = span_arg(f, m->spanno);
      if (s < 0) return fail(EINVAL);
      struct span *sp = &spans[s];
      switch (m->command) {
        case DAHDI_MAINT_NONE:
        case DAHDI_MAINT_LOCALLOOP:
        case DAHDI_MAINT_NETWORKLINELOOP: sp->maint = m->command; return 0;
        case DAHDI_MAINT_BIPOLAR_DEFECT: sp->bpv++; sp->errored = 1; return 0;
        case DAHDI_MAINT_CRC_DEFECT: sp->crc4++; sp->errored = 1; return 0;
        case DAHDI_MAINT_FAS_DEFECT: sp->fas++; sp->errored = 1; return 0;
        default: return fail(ENOSYS);
      }
    }
    case HL_EMU_CONTROL: {
      struct hl_emu_ctl *x = arg;
      if (x->what == HL_EMU_NUMBERS) {
        if (!c) return fail(EINVAL);
        int p = spans[f->span].peer;
        if (p < 0) return 0;
        struct chan *far = &spans[p].ch[f->ts];
        memcpy(far->calling, x->calling, HL_EMU_NUMBER_MAX);
        memcpy(far->called, x->called, HL_EMU_NUMBER_MAX);
        far->calling[HL_EMU_NUMBER_MAX - 1] = far->called[HL_EMU_NUMBER_MAX - 1] = 0;
        return 0;
      }
      int s = span_arg(f, x->span);
      if (s < 0) return fail(EINVAL);
      struct span *sp = &spans[s];
      switch (x->what) {
        case HL_EMU_CABLE:
          sp->cable = x->value != 0;
          if (sp->peer >= 0) spans[sp->peer].cable = sp->cable;
          return 0;
        case HL_EMU_SEND_AIS: sp->send_ais = x->value != 0; return 0;
        case HL_EMU_SEND_RAI: sp->send_rai = x->value != 0; return 0;
        case HL_EMU_EVENT: {
          if (x->chanpos < 1 || x->chanpos > sp->nch || x->count < 0 || x->count > 1000) return fail(EINVAL);
          struct chan *e = &sp->ch[x->chanpos];
          for (int i = 0; e->open && i < x->count; i++) ev_push(e, x->value);
          return 0;
        }
        case HL_EMU_SLIP: if (x->value < 0) return fail(EINVAL); sp->pending_slips += x->value; return 0;
        case HL_EMU_BPV:
          if (x->value < 0) return fail(EINVAL);
          sp->bpv += (unsigned)x->value;
          sp->crc4 += (unsigned)x->value;
          sp->errored = x->value > 0;
          return 0;
      }
      return fail(EINVAL);
    }
    case HL_EMU_GETECHO: {
      struct hl_emu_echo *x = arg;
      int s = span_arg(f, x->span);
      if (s < 0 || x->chanpos < 1 || x->chanpos > spans[s].nch) return fail(EINVAL);
      struct chan *e = &spans[s].ch[x->chanpos];
      x->taps = e->ec_taps;
      x->nparams = e->ec_nparams;
      memcpy(x->name, e->ec_name, sizeof x->name);
      memcpy(x->value, e->ec_value, sizeof x->value);
      return 0;
    }
    case HL_EMU_GETNUMBERS: {
      struct hl_emu_ctl *x = arg;
      if (!c) return fail(EINVAL);
      memcpy(x->calling, c->calling, HL_EMU_NUMBER_MAX);
      memcpy(x->called, c->called, HL_EMU_NUMBER_MAX);
      return 0;
    }
    case DAHDI_TIMERCONFIG:
      if (f->kind != K_TIMER || *ip < 0) return fail(EINVAL);
      f->period = *ip;
      f->next = now_samples + (unsigned)*ip;
      f->tripped = 0;
      return 0;
    case DAHDI_TIMERACK:
      if (f->kind != K_TIMER) return fail(EINVAL);
      if (*ip < 1 || (unsigned long long)*ip > f->tripped) f->tripped = 0;
      else f->tripped -= (unsigned)*ip;
      return 0;
    case DAHDI_GET_BLOCKSIZE: *ip = f->blocksize; return 0;
    case DAHDI_SET_BLOCKSIZE:
      if (*ip < 16 || *ip > STEP_MAX) return fail(EINVAL); /* DAHDI: 16..DAHDI_MAX_BLOCKSIZE; ours is smaller */
      f->blocksize = *ip;
      if (fd_chan(f)) set_cap(f, fd_chan(f)); /* DAHDI reallocates the buffers: numbufs of the new size */
      return 0;
  }
  if (f->kind == K_TIMER && req == DAHDI_GETEVENT) {
    *ip = f->tripped ? DAHDI_EVENT_TIMER_EXPIRED : DAHDI_EVENT_NONE;
    return 0;
  }
  if (!c) return fail(f->kind == K_CHANNEL ? EINVAL : ENOTTY);
  switch (req) {
    case DAHDI_GETEVENT:
      if (c->evn) {
        *ip = c->ev[c->evh];
        c->evh = (c->evh + 1) % EVQ;
        c->evn--;
      } else *ip = DAHDI_EVENT_NONE;
      return 0;
    case DAHDI_GETRXBITS: *ip = c->rxbits; return 0;
    case DAHDI_SETTXBITS: c->txbits = *ip & 0xf; return 0;
    case DAHDI_SETLAW:
      if (*ip == DAHDI_LAW_DEFAULT || *ip == DAHDI_LAW_ALAW) f->law = DAHDI_LAW_ALAW;
      else if (*ip == DAHDI_LAW_MULAW) f->law = DAHDI_LAW_MULAW;
      else return fail(EINVAL);
      return 0;
    case DAHDI_SETLINEAR: f->linear = *ip != 0; return 0;
    case DAHDI_LOOPBACK: c->loop = *ip != 0; return 0;
    case DAHDI_CHANNO: *ip = f->span * 31 + f->ts; return 0;
    case DAHDI_FLUSH:
      if (*ip & DAHDI_FLUSH_READ) c->rx.len = 0;
      if (*ip & DAHDI_FLUSH_WRITE) c->tx.len = 0;
      if (*ip & DAHDI_FLUSH_EVENT) c->evn = 0;
      return 0;
    case DAHDI_GET_BUFINFO: {
      struct dahdi_bufferinfo *b = arg;
      memset(b, 0, sizeof *b);
      b->numbufs = (int)c->numbufs;
      b->txbufpolicy = b->rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
      b->bufsize = f->blocksize;
      b->readbufs = (int)(c->rx.len / (unsigned)f->blocksize);
      b->writebufs = (int)(c->tx.len / (unsigned)f->blocksize);
      return 0;
    }
    case DAHDI_SET_BUFINFO: { /* numbufs and their size (the block size); the policies are immediate here */
      const struct dahdi_bufferinfo *b = arg;
      if (b->numbufs < 2 || b->numbufs > DAHDI_MAX_NUM_BUFS || b->bufsize < 16 || b->bufsize > STEP_MAX) return fail(EINVAL);
      f->blocksize = b->bufsize;
      c->numbufs = (unsigned)b->numbufs;
      set_cap(f, c);
      return 0;
    }
    case DAHDI_ECHOCANCEL_PARAMS: {
      /* The parameters follow the header in the caller's buffer (user.h). No
       * canceller runs here: what was asked is kept for HL_EMU_GETECHO. */
      struct dahdi_echocanparams *e = arg;
      const struct dahdi_echocanparam *prm = (const struct dahdi_echocanparam *)(e + 1);
      if (e->tap_length > 1024 || e->param_count > DAHDI_MAX_ECHOCANPARAMS) return fail(EINVAL);
      if (no_echocan && e->tap_length) return fail(ENODEV);
      c->ec_taps = e->tap_length;
      c->ec_nparams = !e->tap_length ? 0 : e->param_count < 4 ? e->param_count : 4;
      for (unsigned i = 0; i < c->ec_nparams; i++) {
        memcpy(c->ec_name[i], prm[i].name, sizeof c->ec_name[i]);
        c->ec_name[i][15] = 0;
        c->ec_value[i] = prm[i].value;
      }
      return 0;
    }
    case DAHDI_ECHOCANCEL: /* int: taps, 0 off (the older form of DAHDI_ECHOCANCEL_PARAMS) */
      if (*ip < 0 || *ip > 1024) return fail(EINVAL);
      if (no_echocan && *ip) return fail(ENODEV);
      c->ec_taps = (unsigned)*ip;
      c->ec_nparams = 0;
      return 0;
    case DAHDI_SETPOLARITY:
      if (chan_kind(f->span, f->ts) != S_FXS) return fail(EINVAL);
      if ((*ip != 0) != c->polarity) far_event(f->span, f->ts, DAHDI_EVENT_POLARITY);
      c->polarity = *ip != 0;
      return 0;
    case DAHDI_IOMUX: { /* wait for what the flags ask: a block to read, room to write, an event */
      const int want = *ip;
      for (;;) {
        int got = 0;
        if ((want & DAHDI_IOMUX_READ) && c->rx.len >= (unsigned)f->blocksize) got |= DAHDI_IOMUX_READ;
        if ((want & DAHDI_IOMUX_WRITE) && c->tx.len + (unsigned)f->blocksize <= c->cap) got |= DAHDI_IOMUX_WRITE; /* a free buffer */
        if ((want & DAHDI_IOMUX_WRITEEMPTY) && c->tx.len == 0) got |= DAHDI_IOMUX_WRITEEMPTY;
        if ((want & DAHDI_IOMUX_SIGEVENT) && c->evn) got |= DAHDI_IOMUX_SIGEVENT;
        if (got || (want & DAHDI_IOMUX_NOWAIT)) {
          *ip = got;
          return 0;
        }
        if (!real_clock) step((unsigned)f->blocksize); /* the reader's time moves the virtual clock */
        else pthread_cond_wait(&cv, &mu);
      }
    }
    case DAHDI_ECHOTRAIN:
    case DAHDI_AUDIOMODE:
    case DAHDI_SETGAINS:
    case DAHDI_SETCADENCE:
    case DAHDI_SETTONEZONE:
      return 0;
    case DAHDI_BUFFER_EVENTS: c->bufevents = *ip != 0; return 0;
    case DAHDI_HOOK: return analog_hook(f->span, f->ts, *ip);
  }
  return fail(ENOTTY);
}
