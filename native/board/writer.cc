// Recorder file I/O, off the tick: the control thread opens the file and
// finalises it; a writer thread (real-time mode) or the stepping caller
// (stepped mode) moves samples from each recorder's ring to its file, coding
// them (A-law, mu-law or PCM16), and rewrites the WAV header about once a
// second so a crash leaves a valid file missing at most the last second.
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "board/codec.h"
#include "board/engine.h"
#include "hl_errors.h"

using namespace hl;

namespace {

constexpr uint64_t kHeaderEveryNs = 1000000000ull;  // 1 s: the most a crash may lose
constexpr int kChunk = 4096;

void write_header(Recorder *r) {
  uint8_t hdr[64];
  int hs = hl_wav_write_header(hdr, sizeof hdr, r->format, r->channels, r->data_bytes);
  if (hs < 0) { r->io_err = hs; return; }
  long pos = std::ftell(r->f);
  if (std::fseek(r->f, 0, SEEK_SET) != 0 || std::fwrite(hdr, 1, (size_t)hs, r->f) != (size_t)hs) r->io_err = HL_EIO;
  if (pos > 0) std::fseek(r->f, pos, SEEK_SET);
  else std::fseek(r->f, 0, SEEK_END);
  std::fflush(r->f);
}

// Moves everything in the ring to the file (io_mu held).
void drain_rec(Recorder *r) {
  if (!r->f) return;
  int16_t pcm[kChunk];
  uint8_t out[kChunk * 2];
  for (;;) {
    size_t n = r->ring.pop_n(pcm, kChunk);
    if (n == 0) break;
    size_t bytes;
    if (r->format == HL_WAV_PCM16) {
      for (size_t i = 0; i < n; i++) {
        out[2 * i] = (uint8_t)(pcm[i] & 0xff);
        out[2 * i + 1] = (uint8_t)((uint16_t)pcm[i] >> 8);
      }
      bytes = n * 2;
    } else if (r->format == HL_WAV_MULAW) {
      for (size_t i = 0; i < n; i++) out[i] = lin_to_ulaw(pcm[i]);
      bytes = n;
    } else {
      for (size_t i = 0; i < n; i++) out[i] = lin_to_alaw(pcm[i]);
      bytes = n;
    }
    if (std::fwrite(out, 1, bytes, r->f) != bytes) r->io_err = HL_EIO;
    r->data_bytes += bytes;
  }
}

// One pass in batches: io_mu is released and the CPU offered (sched_yield)
// after every kBatch recorders. A whole pass over 1,920 recorders costs about
// 3 ms of CPU; run in one piece it kept the JavaScript thread, woken by the
// clock thread onto this CPU, waiting up to a 4 ms scheduler tick (HZ 250,
// measured with perf sched timehist: 1-3.7 ms "sch delay" of the JS thread
// while the writer ran), and a control thread finalising a recording waited
// for io_mu for the whole pass. A batch is about 0.05 ms of work.
constexpr size_t kBatch = 32;

void writer_pass_yielding(hl_board *b) {
  const uint64_t now = hl_mono_ns();
  for (size_t i = 0;; i += kBatch) {
    {
      std::lock_guard<std::mutex> lk(b->io_mu);
      // recs may have shrunk (rec_finalize swaps the last one in): a recorder
      // skipped by that is served on the next pass, 40 ms later.
      if (i >= b->recs.size()) break;
      const size_t end = std::min(b->recs.size(), i + kBatch);
      for (size_t k = i; k < end; k++) {
        Recorder *r = b->recs[k];
        drain_rec(r);
        if (now - r->last_header_ns >= kHeaderEveryNs) {
          write_header(r);
          r->last_header_ns = now;
        }
      }
    }
    sched_yield();
  }
}

void writer_main(hl_board *b) {
  while (b->writer_run.load(std::memory_order_acquire)) {
    writer_pass_yielding(b);
    // 40 ms between passes: each ring holds 2 s, so a pass can be late many times over.
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
}

}  // namespace

namespace hl {

int rec_open(hl_board *b, Recorder *r) {
  r->f = std::fopen(r->path.c_str(), "wb+");
  if (!r->f) return errno == ENOENT ? HL_ENOENT : errno == ENOSPC ? HL_ENOSPC : HL_EIO;
  r->data_bytes = 0;
  write_header(r);
  if (r->io_err) {
    std::fclose(r->f);
    r->f = nullptr;
    return r->io_err;
  }
  r->last_header_ns = hl_mono_ns();
  std::lock_guard<std::mutex> lk(b->io_mu);
  b->recs.push_back(r);
  return 0;
}

void rec_finalize(hl_board *b, Recorder *r) {
  std::lock_guard<std::mutex> lk(b->io_mu);
  drain_rec(r);
  if (r->f) {
    // RIFF chunks are word aligned: pad odd-length data with one byte.
    if (r->data_bytes & 1) std::fputc(0, r->f);
    write_header(r);
    std::fclose(r->f);
    r->f = nullptr;
  }
  for (size_t i = 0; i < b->recs.size(); i++) {
    if (b->recs[i] == r) {
      b->recs[i] = b->recs.back();
      b->recs.pop_back();
      break;
    }
  }
  delete r;
}

void writer_pass(hl_board *b, bool final_headers) {
  std::lock_guard<std::mutex> lk(b->io_mu);
  const uint64_t now = hl_mono_ns();
  for (Recorder *r : b->recs) {
    drain_rec(r);
    if (final_headers || now - r->last_header_ns >= kHeaderEveryNs) {
      write_header(r);
      r->last_header_ns = now;
    }
  }
}

void writer_start(hl_board *b) {
  if (b->writer_run.exchange(true)) return;
  b->writer = std::thread(writer_main, b);
}

void writer_stop(hl_board *b) {
  if (b->writer_run.exchange(false) && b->writer.joinable()) b->writer.join();
}

}  // namespace hl

extern "C" int hl_cmd_record(hl_board *b, int ch, uint32_t req, const char *path, int format, int tap, uint32_t max_ms,
                             uint32_t silence_ms, double threshold_dbm0, uint16_t stop_mask) {
  if (!b || ch < 0 || ch >= b->nch) return HL_ENOENT;
  if (!path || !*path || tap < 0 || tap > 2) return HL_EINVAL;
  if (format != HL_WAV_ALAW && format != HL_WAV_MULAW && format != HL_WAV_PCM16) return HL_EFORMAT;
  if (!std::isfinite(threshold_dbm0) || threshold_dbm0 > 3 || threshold_dbm0 < -90) return HL_ERANGE;
  Recorder *r = new (std::nothrow) Recorder();
  if (!r) return HL_ENOMEM;
  r->path = path;
  r->format = format;
  r->tap = tap;
  r->channels = tap == 1 ? 2 : 1;
  r->req = req;
  r->ch = ch;
  r->max_ticks = (max_ms + (uint32_t)b->tick_ms - 1) / (uint32_t)b->tick_ms;
  r->silence_ticks = (silence_ms + (uint32_t)b->tick_ms - 1) / (uint32_t)b->tick_ms;
  const double rms = kDbm0Rms * std::pow(10.0, threshold_dbm0 / 20.0);
  r->threshold_ms = rms * rms;
  r->stop_mask = stop_mask;
  // 2 s of audio (16384 mono / 32768 stereo samples at 8 kHz).
  if (!r->ring.init(r->channels == 2 ? 32768 : 16384)) { delete r; return HL_ENOMEM; }
  int rc = rec_open(b, r);
  if (rc != 0) { delete r; return rc; }
  Cmd c;
  c.kind = C_RECORD;
  c.ch = ch;
  c.req = req;
  c.p = r;
  {
    std::lock_guard<std::mutex> lk(b->cmd_mu);
    if (b->cmds.push(c)) return 0;
  }
  rec_finalize(b, r);
  return HL_ENOSPC;
}
