// The conference half of the TDM switch, run after routes have filled every
// channel's frame to send: each conference mixes its members (dsp/mixer.h:
// sum minus self, listen, whisper). A member that is routed and joined with
// HL_CONF_KEEP_ROUTE keeps its route and hears the conference added to it,
// so a supervisor can listen to (or whisper into, or barge into) a bridged
// pair without breaking the bridge. Nothing here allocates or locks: the
// scratch frames are the board's (hl_board::conf_out).
#include <cstring>

#include "board/codec.h"
#include "board/engine.h"

namespace hl {

void tx_add(int16_t *tx, const int16_t *x, int n) { hl_mix_add_sat(tx, x, (size_t)n); }

void conf_mix(hl_board *b) {
  const int n = b->samples;
  for (int k = 0; k < b->nconf; k++) {
    Conference &cf = b->confs[k];
    if (cf.n == 0) continue;
    hl_mix_party *p = b->parties;
    bool adds = false;
    for (int m = 0; m < cf.n; m++) {
      Channel &c = b->ch[cf.members[m]];
      const bool add = c.conf_keep_route && c.route_src >= 0;
      adds = adds || add;
      p[m].in = b->rx_lin + (size_t)c.index * n;
      p[m].out = add ? b->conf_out + (size_t)m * kMaxSamples : b->tx_lin + (size_t)c.index * n;
      p[m].role = c.conf_mode == 1 ? HL_MIX_LISTEN : c.conf_mode == 2 ? HL_MIX_WHISPER : HL_MIX_TALK;
      p[m].whisper_to = -1;
      if (p[m].role == HL_MIX_WHISPER) {
        for (int t = 0; t < cf.n; t++)
          if (cf.members[t] == c.whisper_to) p[m].whisper_to = t;
        if (p[m].whisper_to < 0) p[m].role = HL_MIX_LISTEN;  // target left: nobody hears it
      }
    }
    hl_mix_conference(p, cf.n, (size_t)n);
    if (!adds) continue;
    for (int m = 0; m < cf.n; m++) {
      Channel &c = b->ch[cf.members[m]];
      if (!(c.conf_keep_route && c.route_src >= 0)) continue;
      // The route already brings the source's voice: when the source talks in
      // this conference too, it leaves the conference part (heard once).
      const int16_t *src = nullptr;
      for (int t = 0; t < cf.n; t++)
        if (cf.members[t] == c.route_src && p[t].role == HL_MIX_TALK) src = p[t].in;
      int16_t *tx = b->tx_lin + (size_t)c.index * n;
      const int16_t *heard = p[m].out;
      for (int i = 0; i < n; i++) tx[i] = sat16((int32_t)tx[i] + heard[i] - (src ? src[i] : 0));
    }
  }
}

}  // namespace hl
