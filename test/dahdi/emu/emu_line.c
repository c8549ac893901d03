/* The line side of the userspace DAHDI: G.711 between the A-law wire and a
 * channel file's law, the event queue, and the analog lines (an FXS port's
 * ringer with its cadence, an FXO port's hook, the battery, the polarity).
 * Called under the emulation's mutex (dahdi_emu.c). */
#include <errno.h>
#include <stddef.h>

#include "emu.h"

int fail(int e) {
  errno = e;
  return -1;
}

void ev_push(struct chan *c, int ev) {
  if (c->evn == EVQ) return; /* DAHDI drops events on a full queue too */
  c->ev[(c->evh + c->evn) % EVQ] = ev;
  c->evn++;
}

/* ---- G.711 (for channels set to mu-law or linear; the E1 wire is A-law) */

int alaw_to_lin(uint8_t a) {
  a ^= 0x55;
  int seg = (a >> 4) & 7, m = a & 15;
  int v = seg ? ((m << 4) + 0x108) << (seg - 1) : (m << 4) + 8;
  return (a & 0x80) ? v : -v;
}
uint8_t lin_to_alaw(int v) {
  int sign = v >= 0 ? 0x80 : 0;
  if (v < 0) v = -v - 1;
  if (v > 32767) v = 32767;
  int seg = 0;
  for (int x = v >> 8; x; x >>= 1) seg++;
  int m = seg ? (v >> (seg + 3)) & 15 : (v >> 4) & 15;
  return (uint8_t)((sign | (seg << 4) | m) ^ 0x55);
}
int ulaw_to_lin(uint8_t u) {
  u = ~u;
  int v = (((u & 15) << 3) + 0x84) << ((u >> 4) & 7);
  return (u & 0x80) ? 0x84 - v : v - 0x84;
}
uint8_t lin_to_ulaw(int v) {
  int sign = v < 0 ? 0x80 : 0;
  if (v < 0) v = -v;
  if (v > 32635) v = 32635;
  v += 0x84;
  int seg = 0; /* G.711 mu-law segment: floor(log2(v >> 7)), 0 below 256 */
  for (int x = v >> 8; x; x >>= 1) seg++;
  return (uint8_t)~(sign | (seg << 4) | ((v >> (seg + 3)) & 15));
}

/* What channel t of span s is: a span's kind, or a mixed analog span's module. */
int chan_kind(int s, int t) {
  if (spans[s].kind != S_MIX) return spans[s].kind;
  return t <= spans[s].nfxs ? S_FXS : S_FXO;
}

/* The line of an analog port: the port of the same position on the cabled
 * span, or on a mixed span the port patched to it. */
struct chan *far_chan(int s, int t) {
  if (spans[s].kind == S_MIX) {
    const int n = spans[s].nfxs, o = t <= n ? t + n : t - n;
    return o >= 1 && o <= spans[s].nch ? &spans[s].ch[o] : NULL;
  }
  int p = spans[s].peer;
  if (p < 0 || !spans[s].cable || t > spans[p].nch) return NULL;
  return &spans[p].ch[t];
}
void far_event(int s, int t, int ev) {
  struct chan *far = far_chan(s, t);
  if (far && far->open) ev_push(far, ev);
}

/* An FXS port's ringer: 1 s on, 4 s off (the cadence of China's and many
 * exchanges' ringing); the FXO port at the line's far end hears each burst
 * begin and end. */
#define RING_ON 8000u
#define RING_PERIOD 40000u
void ring_step(int s, int t, unsigned k) {
  struct chan *c = &spans[s].ch[t];
  if (!c->ringing) return;
  const int on = c->ring_pos % RING_PERIOD < RING_ON;
  if (on != c->ring_on) {
    /* The FXS-signalled port at the far end hears the first burst as
     * RINGOFFHOOK (how DAHDI reports ringing there), then each burst's end
     * and the next one's start. */
    far_event(s, t, on && c->ring_pos < RING_PERIOD ? DAHDI_EVENT_RINGOFFHOOK : on ? DAHDI_EVENT_RINGERON : DAHDI_EVENT_RINGEROFF);
    c->ring_on = on;
  }
  c->ring_pos += k;
}

void ring_stop(int s, int t) {
  struct chan *c = &spans[s].ch[t];
  if (c->ringing && c->ring_on) far_event(s, t, DAHDI_EVENT_RINGEROFF);
  c->ringing = c->ring_on = 0;
}

/* DAHDI_HOOK on an analog port. An FXS port (FXO-signalled) rings its
 * phone, stops, or drops and restores the battery (kewlstart disconnect);
 * an FXO port (FXS-signalled) goes off-hook or on-hook on its line. */
int analog_hook(int s, int t, int op) {
  struct span *sp = &spans[s];
  struct chan *c = &sp->ch[t], *far = far_chan(s, t);
  const int kind = chan_kind(s, t);
  if (kind == S_FXS) {
    switch (op) {
      case DAHDI_RING:
        if (far && far->hook) return fail(EBUSY); /* the phone is off the hook: nothing to ring */
        c->ringing = 1;
        c->ring_pos = 0;
        c->ring_on = 0;
        c->battery_off = 0;
        return 0;
      case DAHDI_RINGOFF: ring_stop(s, t); return 0;
      case DAHDI_ONHOOK:
        ring_stop(s, t);
        if (!c->battery_off && far && far->hook) far_event(s, t, DAHDI_EVENT_ONHOOK);
        c->battery_off = 1;
        return 0;
      case DAHDI_OFFHOOK: c->battery_off = 0; return 0;
    }
    return fail(EINVAL);
  }
  if (kind != S_FXO) return fail(EINVAL); /* CAS channels have no hook state: bits only */
  const int off = op == DAHDI_OFFHOOK;
  if (op != DAHDI_OFFHOOK && op != DAHDI_ONHOOK) return fail(EINVAL);
  if (off == c->hook) return 0;
  c->hook = off;
  if (far) {
    if (off && far->ringing) { /* the phone answers: the ringer stops (no ring-off event: the hook says it) */
      far->ringing = far->ring_on = 0;
    }
    if (!far->battery_off || !off) {
      if (far->open) ev_push(far, off ? DAHDI_EVENT_RINGOFFHOOK : DAHDI_EVENT_ONHOOK);
    }
    if (!off) far->battery_off = 0;
  }
  return 0;
}
