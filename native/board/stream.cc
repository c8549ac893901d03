// Audio streams: real-time audio between JavaScript and a channel (board.h
// hl_stream_*), for a browser's virtual station on the network end of a
// station port. Two SPSC rings of 20 ms frames per stream: the control thread
// writes frames the tick sends (silence on underrun, a prefill after one, a
// trim against clock drift) and reads the frames the tick received, each
// announced by an HL_EV_AUDIO event so the existing wake carries it. The tick
// neither allocates nor locks; a stream object lives until the board is
// destroyed (reopening reuses it), so the tick never holds a freed one.
#include <cstring>

#include "board/codec.h"
#include "board/engine.h"
#include "hl_errors.h"

namespace hl {

namespace {

bool live(const Channel &c) {
  const int st = c.state.load(std::memory_order_relaxed);
  return st == HL_CH_CONNECTED || st == HL_CH_DIALING;
}

// Consumer side of the send ring: drops every queued frame.
void flush_tx(Stream &s) {
  hl_audio_frame f;
  while (s.tx.pop(f)) {}
  s.out_pos = HL_STREAM_FRAME;
  s.primed = false;
}

// With a trim: a queue that never ran shorter than `prefill` frames over a
// second holds more than the writer's jitter needs (a burst filled it once
// and nothing drains it, the two clocks being the same): one frame goes, so
// the delay comes back down to the prefill's, a frame a second.
void settle(Stream &s) {
  if (s.trim <= 0) return;
  const int depth = (int)s.tx.size();
  if (depth < s.min_depth) s.min_depth = depth;
  if (++s.window < 50) return;
  hl_audio_frame f;
  if (s.min_depth >= s.prefill && s.tx.pop(f)) s.trimmed.fetch_add(1, std::memory_order_relaxed);
  s.window = 0;
  s.min_depth = 1 << 30;
}

}  // namespace

// Attach or detach. Frames of an earlier generation left in the send ring are
// skipped when popped (stream_tx), not flushed here: frames of the new
// generation may already be queued behind them.
void stream_cmd(hl_board *b, Channel &c, const Cmd &cmd) {
  const CmdStream &m = cmd.u.stream;
  if (!m.on) {
    c.stream = nullptr;
    return;
  }
  Stream *s = b->streams[c.index];
  s->tick_gen = m.gen;
  s->prefill = m.prefill;
  s->trim = m.trim;
  s->in_pos = 0;
  s->out_pos = HL_STREAM_FRAME;
  s->primed = false;
  s->window = 0;
  s->min_depth = 1 << 30;
  c.stream = s;
}

void stream_tx(hl_board *b, Channel &c, int16_t *tx) {
  Stream *s = c.stream;
  if (!s) return;
  if (!live(c)) {
    flush_tx(*s);
    return;
  }
  // Clock drift: the writer's clock runs faster than the board's, or a burst
  // came late; beyond `trim` queued frames the oldest go (counted).
  if (s->trim > 0) {
    hl_audio_frame f;
    while ((int)s->tx.size() > s->trim && s->tx.pop(f)) s->trimmed.fetch_add(1, std::memory_order_relaxed);
  }
  const int n = b->samples;
  int16_t buf[kMaxSamples];
  int i = 0;
  while (i < n) {
    if (s->out_pos >= HL_STREAM_FRAME) {
      if (!s->primed && (int)s->tx.size() < s->prefill) break;
      if (!s->tx.pop(s->out)) break;
      if (s->out.gen != s->tick_gen) continue;  // written before a close: never sent
      s->out_pos = 0;
      s->primed = true;
      s->sent.fetch_add(1, std::memory_order_relaxed);
      settle(*s);
    }
    int m = HL_STREAM_FRAME - s->out_pos;
    if (m > n - i) m = n - i;
    std::memcpy(buf + i, s->out.pcm + s->out_pos, sizeof(int16_t) * (size_t)m);
    s->out_pos += m;
    i += m;
  }
  if (i < n) {  // underrun: silence for the rest, and a prefill before sending again
    std::memset(buf + i, 0, sizeof(int16_t) * (size_t)(n - i));
    if (s->primed) s->underruns.fetch_add(1, std::memory_order_relaxed);
    s->primed = false;
  }
  tx_add(tx, buf, n);
}

void stream_rx(hl_board *b, Channel &c) {
  Stream *s = c.stream;
  if (!s) return;
  if (!live(c)) {
    s->in_pos = 0;
    return;
  }
  const int n = b->samples;
  if (s->in_pos == 0) s->in.time_ms = b->tick.load(std::memory_order_relaxed) * (uint64_t)b->tick_ms;
  std::memcpy(s->in.pcm + s->in_pos, b->rx_lin + (size_t)c.index * n, sizeof(int16_t) * (size_t)n);
  s->in_pos += n;
  if (s->in_pos < HL_STREAM_FRAME) return;
  s->in_pos = 0;
  s->in.gen = s->tick_gen;
  s->in.mono_ns = hl_mono_ns();
  if (!s->rx.push(s->in)) {
    s->rx_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  s->received.fetch_add(1, std::memory_order_relaxed);
  emit(b, HL_EV_AUDIO, c.index, c.span, (int)s->tick_gen);
}

void stream_free_all(hl_board *b) {
  if (!b->streams) return;
  for (int i = 0; i < b->nch; i++) delete b->streams[i];
  delete[] b->streams;
  b->streams = nullptr;
}

}  // namespace hl

using namespace hl;

static Stream *open_stream(hl_board *b, int ch) {
  if (!b || ch < 0 || ch >= b->nch || !b->streams) return nullptr;
  Stream *s = b->streams[ch];
  return s && s->open ? s : nullptr;
}

extern "C" int hl_stream_open(hl_board *b, int ch, const hl_stream_opts *opts) {
  if (!b || ch < 0 || ch >= b->nch) return HL_ENOENT;
  hl_stream_opts o{};
  if (opts) o = *opts;
  if (o.tx_frames == 0) o.tx_frames = 16;
  if (o.prefill == 0) o.prefill = 1;
  if (o.tx_frames < 2 || o.tx_frames > 256 || o.prefill < 1 || o.prefill > o.tx_frames || o.trim < 0 || o.trim > o.tx_frames) return HL_EINVAL;
  if (!b->streams) {
    b->streams = new (std::nothrow) Stream *[b->nch]();
    if (!b->streams) return HL_ENOMEM;
  }
  Stream *s = b->streams[ch];
  if (s && s->open) return HL_ESTATE;
  if (!s) {
    s = new (std::nothrow) Stream();
    // The send ring at its largest (tx_frames is a limit write() keeps, so a
    // reopened stream may ask for any size); the receive ring holds 640 ms,
    // far more than a drain interval.
    if (!s || !s->tx.init(256) || !s->rx.init(32)) {
      delete s;
      return HL_ENOMEM;
    }
    b->streams[ch] = s;
  }
  s->limit = o.tx_frames;
  // Frames of an earlier generation still in the receive ring are ours to drop (consumer side).
  hl_audio_frame f;
  while (s->rx.pop(f)) {}
  for (auto *c : {&s->written, &s->refused, &s->sent, &s->underruns, &s->trimmed, &s->received, &s->rx_dropped}) c->store(0, std::memory_order_relaxed);
  Cmd c;
  c.kind = C_STREAM;
  c.ch = ch;
  c.u.stream.on = 1;
  c.u.stream.prefill = o.prefill;
  c.u.stream.trim = o.trim;
  c.u.stream.gen = ++s->gen;
  if (s->gen == 0) c.u.stream.gen = s->gen = 1;
  const int rc = submit(b, c);
  if (rc < 0) return rc;
  s->open = true;
  return (int)s->gen;
}

extern "C" int hl_stream_write(hl_board *b, int ch, const int16_t *pcm) {
  Stream *s = open_stream(b, ch);
  if (!s) return HL_ESTATE;
  if (!pcm) return HL_EINVAL;
  hl_audio_frame f;
  f.time_ms = 0;
  f.mono_ns = hl_mono_ns();
  f.gen = s->gen;
  f.pad = 0;
  std::memcpy(f.pcm, pcm, sizeof f.pcm);
  if ((int)s->tx.size() >= s->limit || !s->tx.push(f)) {
    s->refused.fetch_add(1, std::memory_order_relaxed);
    return HL_ENOSPC;
  }
  s->written.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

extern "C" int hl_stream_read(hl_board *b, int ch, hl_audio_frame *out, int max) {
  Stream *s = open_stream(b, ch);
  if (!s) return HL_ESTATE;
  if (!out || max <= 0) return HL_EINVAL;
  int n = 0;
  while (n < max && s->rx.pop(out[n])) {
    if (out[n].gen == s->gen) n++;  // a frame of a closed generation is dropped
  }
  return n;
}

extern "C" int hl_stream_stats_get(hl_board *b, int ch, hl_stream_stats *st) {
  Stream *s = open_stream(b, ch);
  if (!s) return HL_ESTATE;
  if (!st) return HL_EINVAL;
  st->written = s->written.load(std::memory_order_relaxed);
  st->refused = s->refused.load(std::memory_order_relaxed);
  st->sent = s->sent.load(std::memory_order_relaxed);
  st->underruns = s->underruns.load(std::memory_order_relaxed);
  st->trimmed = s->trimmed.load(std::memory_order_relaxed);
  st->received = s->received.load(std::memory_order_relaxed);
  st->rx_dropped = s->rx_dropped.load(std::memory_order_relaxed);
  st->queued = (uint32_t)s->tx.size();
  return 0;
}

extern "C" int hl_stream_close(hl_board *b, int ch) {
  Stream *s = open_stream(b, ch);
  if (!s) return HL_ESTATE;
  Cmd c;
  c.kind = C_STREAM;
  c.ch = ch;
  c.u.stream.on = 0;
  const int rc = submit(b, c);
  if (rc < 0) return rc;
  s->open = false;
  return 0;
}

static_assert(sizeof(hl_audio_frame) == HL_AUDIO_FRAME_BYTES, "hl_audio_frame layout (src/board reads it)");
static_assert(offsetof(hl_audio_frame, mono_ns) == 8 && offsetof(hl_audio_frame, gen) == 16 && offsetof(hl_audio_frame, pcm) == 24,
              "hl_audio_frame offsets (src/board/stream.ts)");
