// Recorder file I/O, off the tick and off the JavaScript thread. A writer
// thread (real-time mode; the stepping caller in stepped mode) opens each
// file, moves samples from the recorder's ring to it, coded as A-law, mu-law
// or PCM16, and finishes it. The control thread only queues the recorder and,
// in hl_board_drain, hands out the completion of a finished one.
//
// Durability (DESIGN.md "Storage is transactional"):
//   - a recording is written as NAME.part (O_EXCL: an existing file is never
//     touched);
//   - every ring is moved to its file at least every 200 ms (kill -9 keeps
//     the page cache: it loses what is still in the rings, about 0.25 s; the
//     start-up scan repairs the header from the file size);
//   - every 500 ms a writer pass moves every ring to its file and rewrites
//     every header (the drain point), then one syncfs per file system holding
//     open recordings, on the finisher thread (never the tick, never the
//     writer: a slow disk must not overflow the rings), makes names and data
//     durable up to that point. A power cut loses what came after the drain
//     point of the last sync that completed: at most 500 ms + a writer pass
//     (40 ms, and the pass's own time) + the next sync's own time, which
//     leaves the sync about 400 ms to stay within 1 s (hl_board_sync_times
//     measures it; bench recording, 2,400 recordings, 38 MB/s: a sync took
//     ~90 ms, and a 750 ms period still gave lags up to 1.08-1.22 s).
//     One syncfs is one journal commit, where 1,920 recorders each
//     fdatasyncing would be 1,920 commits, and a burst of call starts does
//     not queue a folder fsync per new file;
//   - at the end: header, fsync, rename NAME.part -> NAME without replacing
//     (renameat2 RENAME_NOREPLACE, or link + unlink), fsync of the folder, and
//     only then is the completion queued for JavaScript.
// Size: a file rolls over to NAME.2.wav, NAME.3.wav... before its data would
// pass the 32-bit RIFF limit (4 GiB), each part finished as above; plain RIFF
// WAV parts open in every player and in our one parser (dsp/wav.c), where an
// RF64 file (EBU Tech 3306) would not.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "board/codec.h"
#include "board/engine.h"
#include "hl_errors.h"

using namespace hl;

namespace hl {

// errno -> the recording error codes (hl_errors.def HL_EREC_*).
int rec_errno(int e) {
  switch (e) {
    case EEXIST: return HL_EREC_EXISTS;
    case EMFILE:
    case ENFILE: return HL_EREC_NOFILES;
    case EACCES:
    case EPERM:
    case EROFS: return HL_EREC_ACCESS;
    case ENOSPC:
    case EDQUOT: return HL_EREC_DISKFULL;
    case ENOENT:
    case ENOTDIR: return HL_EREC_NOFOLDER;
    case EFBIG: return HL_EREC_FBIG;
    case ENAMETOOLONG:
    case EINVAL: return HL_EREC_NAME;
    default: return HL_EREC_IO;
  }
}

static std::string dir_of(const std::string &path) {
  const size_t s = path.rfind('/');
  if (s == std::string::npos) return ".";
  return s == 0 ? "/" : path.substr(0, s);
}

int sync_dir_of(const std::string &path) {
  int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return rec_errno(errno);
  int rc = ::fsync(dfd) == 0 ? 0 : rec_errno(errno);
  ::close(dfd);
  return rc;
}

// Renames without replacing: renameat2(RENAME_NOREPLACE) where the C
// library, kernel and file system have it, else link + unlink (which also
// refuses an existing target).
int rename_noreplace(const char *from, const char *to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != ENOSYS && errno != EINVAL) return rec_errno(errno);
#endif
  if (::link(from, to) != 0) return rec_errno(errno);
  if (::unlink(from) != 0) return rec_errno(errno);
  return 0;
}

}  // namespace hl

namespace {

// The durable point's period (above): with the sync's own time and a writer
// pass, the most a power cut may lose (1 s). HL_REC_SYNC_MS overrides it
// (tests prove the power-cut test fails with the old 5 s, and with 1 s).
uint64_t sync_every_ns() {
  static const uint64_t ns = [] {
    uint64_t v = 500000000ull;
    if (const char *e = std::getenv("HL_REC_SYNC_MS")) {
      char *end = nullptr;
      const unsigned long ms = std::strtoul(e, &end, 10);
      if (end && *end == 0 && ms >= 10 && ms <= 60000) v = (uint64_t)ms * 1000000ull;
    }
    return v;
  }();
  return ns;
}
constexpr int kChunk = 4096;
// A recorder's ring is written out once it holds a chunk (4096 samples:
// 0.26 s stereo, 0.51 s mono) or its oldest sample is 200 ms old: one write
// of a few KB every 200 ms instead of one of 640 bytes every 40 ms pass,
// which at 2,400 taps was 60,000 write(2) calls a second. What is still in
// the ring is what a kill -9 loses (the start-up scan repairs the header
// from the file size): at most this plus the pass period (40 ms).
constexpr uint64_t kDrainEveryNs = 200000000ull;

// Roll-over: NAME for part 1, NAME-without-.wav + ".N.wav" for part N > 1.
// Rolling segments: NAME-without-.wav + "-001.wav", "-002.wav"... (every
// segment is a recording of its own, indexed alone; a roll-over part is not).
std::string part_name(const Recorder *r, uint32_t n) {
  const std::string &path = r->path;
  const size_t dot = path.size() >= 4 && path.compare(path.size() - 4, 4, ".wav") == 0 ? path.size() - 4 : path.size();
  if (r->seg_frames) {
    char num[16];
    std::snprintf(num, sizeof num, "-%03u.wav", n);
    return path.substr(0, dot) + num;
  }
  if (n <= 1) return path;
  return path.substr(0, dot) + "." + std::to_string(n) + ".wav";
}

// Writes all of buf at the file position; returns bytes written, errno in *e.
size_t write_all(int fd, const uint8_t *buf, size_t n, int *e) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = ::write(fd, buf + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      *e = errno;
      break;
    }
    if (w == 0) {
      *e = EIO;
      break;
    }
    done += (size_t)w;
  }
  return done;
}

void fail(Recorder *r, int code) {
  if (!r->io_err) r->io_err = code;
  int zero = 0;
  r->err.compare_exchange_strong(zero, code, std::memory_order_release);
}

int header_size(const Recorder *r) { return hl_wav_header_size(r->format); }

// Rewrites the header in place for data_bytes (pwrite: the write position stays).
int put_header(Recorder *r) {
  uint8_t hdr[64];
  int hs = hl_wav_write_header(hdr, sizeof hdr, r->format, r->channels, r->data_bytes);
  if (hs < 0) return HL_EREC_IO;
  ssize_t w;
  do w = ::pwrite(r->fd, hdr, (size_t)hs, 0);
  while (w < 0 && errno == EINTR);
  if (w != hs) return rec_errno(w < 0 ? errno : EIO);
  return 0;
}

// Creates NAME.part for the next part (never an existing file) and makes its
// name durable.
int open_part(Recorder *r) {
  const std::string final_name = part_name(r, r->cur_part + 1);
  struct stat st;
  if (::stat(final_name.c_str(), &st) == 0) return HL_EREC_EXISTS;
  if (errno != ENOENT) return rec_errno(errno);
  const std::string tmp = final_name + ".part";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return rec_errno(errno);
  r->fd = fd;
  r->data_bytes = 0;
  int rc = put_header(r);
  if (rc == 0 && ::lseek(fd, header_size(r), SEEK_SET) < 0) rc = rec_errno(errno);
  struct stat fst;
  if (rc == 0 && ::fstat(fd, &fst) != 0) rc = rec_errno(errno);
  if (rc != 0) {
    ::close(fd);
    r->fd = -1;
    ::unlink(tmp.c_str());
    return rc;
  }
  r->dev = (uint64_t)fst.st_dev;
  r->cur_part++;
  return 0;
}

// The end of a part: the writer cuts it to whole frames and writes its
// header (close_part); fsync, close, the no-replace rename and the folder's
// fsync follow (complete). In real-time mode `complete` runs on the finisher
// thread, so the fsyncs of many parts ending at once (segments of calls that
// began together, a burst of hang-ups) never hold up the writer, which keeps
// every other recorder's 2 s ring drained. Jobs run in order: a recording's
// last part, then its hand-over to the drain, so `done` still means durable.
struct FinJob {
  Recorder *r = nullptr;
  int fd = -1;           // -1: no part, only the hand-over (last)
  int pre_rc = 0;        // the writer's part failed (truncate, header): close only
  uint32_t part = 0;     // its number (1, 2...)
  uint64_t frames = 0;   // sample frames in it
  uint64_t start_ms = 0; // board ms of its first sample (segments)
  bool last = false;     // hand the recorder over to the drain after this
  // A periodic syncfs instead (sync_filesystems): the recorders open at the
  // time, one per file system first. Each stays alive until the job has run:
  // the job goes to the front of the queue, ahead of its hand-over.
  std::vector<std::pair<Recorder *, uint64_t>> sync;  // recorder, st_dev (copied: the writer moves on)
  uint64_t point_ns = 0;  // its drain point (mono ns): what it makes durable
};

// A rolling segment is durable: HL_EV_SEGMENT for the drain (board.h).
void segment_done(hl_board *b, const FinJob &j) {
  hl_event e;
  std::memset(&e, 0, sizeof e);
  e.type = HL_EV_SEGMENT;
  e.channel = j.r->ch;
  e.span = b->ch[j.r->ch].span;
  e.req = j.r->req;
  e.a = (int32_t)j.part;
  e.time_ms = j.start_ms;
  std::memcpy(e.text + 8, &j.frames, sizeof j.frames);  // little-endian hosts (x86, arm64)
  std::lock_guard<std::mutex> lk(b->rec_mu);
  b->rec_seg.push_back(e);
  b->rec_done.store(true, std::memory_order_release);
}

void hand_over(hl_board *b, Recorder *r) {
  std::lock_guard<std::mutex> lk(b->rec_mu);
  b->rec_fin.push_back(r);
  b->rec_done.store(true, std::memory_order_release);
}

// fsync, close, rename NAME.part -> NAME, fsync of the folder; the segment
// event once all of it succeeded. Returns 0 or the HL_EREC_* code.
int complete(hl_board *b, const FinJob &j) {
  if (j.fd < 0) return 0;
  Recorder *r = j.r;
  int rc = j.pre_rc;
  if (rc == 0 && ::fsync(j.fd) != 0) rc = rec_errno(errno);
  if (::close(j.fd) != 0 && rc == 0) rc = rec_errno(errno);
  const std::string final_name = part_name(r, j.part);
  const std::string tmp = final_name + ".part";
  if (rc == 0) rc = rename_noreplace(tmp.c_str(), final_name.c_str());
  if (rc == 0) rc = sync_dir_of(final_name);
  if (rc != 0) return rc;
  r->parts++;
  if (r->seg_frames) segment_done(b, j);
  return 0;
}

// The finisher's side of a failure: the tick ends the recording (err), and
// its completion carries the code (fin_err, read by the drain after the
// hand-over). The writer's own io_err is not touched from this thread.
void fin_fail(Recorder *r, int code) {
  if (!r->fin_err) r->fin_err = code;
  int zero = 0;
  r->err.compare_exchange_strong(zero, code, std::memory_order_release);
}

// A periodic sync completed: its figures (hl_board_sync_times) and the new
// durable point. The lag is how far the durable point was behind just before
// this sync completed: the most a power cut could have lost then.
void sync_done(hl_board *b, uint64_t t0, uint64_t point_ns) {
  const uint64_t t1 = hl_mono_ns();
  std::lock_guard<std::mutex> lk(b->sync_mu);
  // The first sync (of a board, or after a time with nothing open): its
  // files began at most a period before its drain point.
  const uint64_t prev = b->sync_point_ns ? b->sync_point_ns : point_ns - std::min(point_ns, sync_every_ns());
  b->sync_point_ns = point_ns;
  if (b->sync_fig.size() >= 2 * 4096) b->sync_fig.erase(b->sync_fig.begin(), b->sync_fig.begin() + 2);
  b->sync_fig.push_back((uint32_t)std::min<uint64_t>((t1 - t0) / 1000, UINT32_MAX));
  b->sync_fig.push_back((uint32_t)std::min<uint64_t>((t1 - prev) / 1000, UINT32_MAX));
}

// One syncfs per file system of `recs` (through its folder: the writer may
// close the recording's own fd meanwhile). A failure (a writeback error since
// the last one, Linux 5.8+) fails every recording on that file system.
void sync_job(hl_board *b, const std::vector<std::pair<Recorder *, uint64_t>> &recs, uint64_t point_ns) {
  const uint64_t t0 = hl_mono_ns();
  bool ok = true;
  for (size_t i = 0; i < recs.size(); i++) {
    const uint64_t dev = recs[i].second;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = recs[k].second == dev;
    if (seen) continue;
    int code = 0;
    const int dfd = ::open(dir_of(recs[i].first->path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || ::syncfs(dfd) != 0) code = rec_errno(errno);
    if (dfd >= 0) ::close(dfd);
    if (code) {
      ok = false;
      for (const auto &o : recs)
        if (o.second == dev) fin_fail(o.first, code);
    }
  }
  if (ok) sync_done(b, t0, point_ns);
}

void finisher_main(hl_board *b) {
  std::unique_lock<std::mutex> lk(b->fin_mu);
  for (;;) {
    b->fin_cv.wait(lk, [b] { return !b->fin_q.empty() || !b->fin_run; });
    if (b->fin_q.empty()) return;  // stopped, nothing left
    FinJob *j = static_cast<FinJob *>(b->fin_q.front());
    b->fin_q.pop_front();
    lk.unlock();
    if (!j->sync.empty()) {
      sync_job(b, j->sync, j->point_ns);
      b->sync_busy.store(false, std::memory_order_release);
    } else {
      const int rc = complete(b, *j);
      if (rc != 0) fin_fail(j->r, rc);
    }
    if (j->last) hand_over(b, j->r);
    delete j;
    lk.lock();
  }
}

void enqueue(hl_board *b, FinJob *j, bool front = false) {
  {
    std::lock_guard<std::mutex> lk(b->fin_mu);
    if (front)
      b->fin_q.push_front(j);
    else
      b->fin_q.push_back(j);
  }
  b->fin_cv.notify_one();
}

// Ends the open part (writer side), then completes it here (stepped mode,
// closing) or on the finisher. Returns 0 or the code of a failure known now.
int close_part(hl_board *b, Recorder *r) {
  if (r->fd < 0) return 0;
  r->data_bytes -= r->data_bytes % (uint64_t)r->frame;  // a short write may have cut a frame
  int rc = 0;
  // Cut anything past the last whole frame; an odd data size gets the RIFF
  // pad byte (zero), or, when the disk refuses even that byte (full, file
  // size limit), loses its last sample instead.
  if (::ftruncate(r->fd, (off_t)(header_size(r) + r->data_bytes + (r->data_bytes & 1))) != 0) {
    const int e = errno;
    if (r->data_bytes & 1) {
      r->data_bytes--;
      if (::ftruncate(r->fd, (off_t)(header_size(r) + r->data_bytes)) != 0) rc = rec_errno(errno);
    } else {
      rc = rec_errno(e);
    }
  }
  if (rc == 0) rc = put_header(r);
  FinJob j;
  j.r = r;
  j.fd = r->fd;
  j.pre_rc = rc;
  j.part = r->cur_part;
  j.frames = r->data_bytes / (uint64_t)r->frame;
  j.start_ms = r->start_ms + r->frames_done / 8;  // 8 frames per ms at 8 kHz
  r->frames_done += j.frames;
  r->fd = -1;
  if (b->fin_async.load(std::memory_order_relaxed)) {
    FinJob *q = new (std::nothrow) FinJob(j);
    if (q) {
      enqueue(b, q);
      return rc;
    }
  }
  const int done = complete(b, j);
  return rc ? rc : done;
}

// Writes coded bytes, rolling to a new part at the size limit.
void put_data(hl_board *b, Recorder *r, const uint8_t *out, size_t bytes) {
  while (bytes > 0 && !r->io_err) {
    uint64_t room = r->part_limit > r->data_bytes ? r->part_limit - r->data_bytes : 0;
    room -= room % (uint64_t)r->frame;
    if (room == 0) {
      int rc = close_part(b, r);
      if (rc == 0) rc = open_part(r);
      if (rc != 0) {
        fail(r, rc);
        return;
      }
      continue;
    }
    size_t k = (size_t)std::min<uint64_t>(room, bytes);
    int e = 0;
    size_t w = write_all(r->fd, out, k, &e);
    r->data_bytes += w;  // only what reached the file
    if (w < k) {
      fail(r, rec_errno(e));
      return;
    }
    out += k;
    bytes -= k;
  }
}

// Moves everything in the ring to the file.
void drain_rec(hl_board *b, Recorder *r) {
  int16_t pcm[kChunk];
  uint8_t out[kChunk * 2];
  for (;;) {
    size_t n = r->ring.pop_n(pcm, kChunk);
    if (n == 0) break;
    if (r->fd < 0 || r->io_err) continue;  // failed: the completion says so; the samples go
    size_t bytes;
    if (r->format == HL_WAV_PCM16) {
      for (size_t i = 0; i < n; i++) {
        out[2 * i] = (uint8_t)(pcm[i] & 0xff);
        out[2 * i + 1] = (uint8_t)((uint16_t)pcm[i] >> 8);
      }
      bytes = n * 2;
    } else if (r->format == HL_WAV_MULAW) {
      hl_g711_ulaw_encode_block(out, pcm, n);
      bytes = n;
    } else {
      lin_to_alaw_block(out, pcm, (int)n);
      bytes = n;
    }
    put_data(b, r, out, bytes);
  }
}

// One recorder's share of a writer pass. Returns true when it is finished.
// `sync`: this pass is a drain point (every ring to its file, every header
// rewritten) for the periodic sync that follows it.
bool service(hl_board *b, Recorder *r, uint64_t now, bool closing, bool sync) {
  // An armed tap has no file until its channel's first call (taps.cc).
  if (!r->opened && (!r->armed || r->started.load(std::memory_order_acquire))) {
    r->opened = true;
    int rc = open_part(r);
    if (rc != 0) fail(r, rc);
  }
  const bool ended = closing || r->ended.load(std::memory_order_acquire);
  if (sync || ended || r->ring.size() >= (size_t)kChunk || now - r->last_drain_ns >= kDrainEveryNs || now < r->last_drain_ns) {
    r->last_drain_ns = now;
    drain_rec(b, r);
  }
  if (ended) {
    drain_rec(b, r);  // what the tick pushed before it ended the recording
    if (!r->io_err) {
      int rc = close_part(b, r);
      if (rc != 0) fail(r, rc);
    } else if (r->fd >= 0) {
      // Keep what was written (a prefix): finish it as far as the disk lets us.
      int rc = close_part(b, r);
      (void)rc;
    }
    return true;
  }
  if (sync && r->fd >= 0 && !r->io_err) {
    int rc = put_header(r);
    if (rc != 0) fail(r, rc);
  }
  return false;
}

// Is the pass starting at `now` a drain point (io_mu held)? Every
// sync_every_ns(), unless the last sync is still queued or running (a slow
// disk: the next one starts when it is done, and its lag shows it).
bool sync_due(hl_board *b, uint64_t now) {
  if (b->rec_synced_ns == 0) b->rec_synced_ns = now;  // the first one a period after the first pass
  if (now - b->rec_synced_ns < sync_every_ns() || b->sync_busy.load(std::memory_order_acquire)) return false;
  b->rec_synced_ns = now;
  return true;
}

// After a drain point: one syncfs per file system holding open recordings
// (io_mu held). A failure (a writeback error since the last one, Linux 5.8+)
// fails every recording on that file system: its audio may not be on disk.
void sync_filesystems(hl_board *b, uint64_t now) {
  if (b->fin_async.load(std::memory_order_relaxed)) {
    // On the finisher: a syncfs flushing the audio of 2,000 files would
    // stall this thread and overflow every recorder's ring. At the front
    // of its queue: the parts finished in a burst of hang-ups wait instead.
    FinJob *j = new (std::nothrow) FinJob();
    if (!j) return;
    for (Recorder *r : b->recs)
      if (r->fd >= 0 && !r->io_err) j->sync.emplace_back(r, r->dev);
    if (j->sync.empty()) {
      delete j;
      std::lock_guard<std::mutex> sl(b->sync_mu);
      b->sync_point_ns = 0;
      return;
    }
    j->point_ns = now;
    b->sync_busy.store(true, std::memory_order_release);
    enqueue(b, j, true);
    return;
  }
  const uint64_t t0 = hl_mono_ns();
  bool ok = true;
  uint64_t done[8];
  int ndone = 0;
  for (Recorder *r : b->recs) {
    if (r->fd < 0 || r->io_err) continue;
    bool seen = false;
    for (int i = 0; i < ndone; i++) seen = seen || done[i] == r->dev;
    if (seen) continue;
    if (ndone < 8) done[ndone++] = r->dev;
    if (::syncfs(r->fd) != 0) {
      ok = false;
      const int code = rec_errno(errno);
      for (Recorder *o : b->recs)
        if (o->fd >= 0 && o->dev == r->dev) fail(o, code);
    }
  }
  if (ok && ndone) sync_done(b, t0, now);
  if (!ndone) {
    std::lock_guard<std::mutex> sl(b->sync_mu);
    b->sync_point_ns = 0;
  }
}

void take_new(hl_board *b) {
  std::lock_guard<std::mutex> lk(b->rec_mu);
  b->recs.insert(b->recs.end(), b->rec_new.begin(), b->rec_new.end());
  b->rec_new.clear();
}

// One pass over recorders [from, to) of recs (io_mu held); finished ones
// leave recs (swap with the last) and go to rec_fin. Returns the new `to`.
size_t pass_range(hl_board *b, size_t from, size_t to, uint64_t now, bool closing, bool sync) {
  for (size_t k = from; k < to && k < b->recs.size();) {
    Recorder *r = b->recs[k];
    if (service(b, r, now, closing, sync)) {
      b->recs[k] = b->recs.back();
      b->recs.pop_back();
      // After its last part is durable: on the finisher, behind that part.
      FinJob *last = b->fin_async.load(std::memory_order_relaxed) ? new (std::nothrow) FinJob() : nullptr;
      if (last) {
        last->r = r;
        last->last = true;
        enqueue(b, last);
      } else {
        hand_over(b, r);
      }
      if (to > b->recs.size()) to = b->recs.size();
      continue;
    }
    k++;
  }
  return to;
}

// One pass in batches: io_mu is released and the CPU offered (sched_yield)
// after every kBatch recorders. A whole pass over 1,920 recorders costs about
// 3 ms of CPU; run in one piece it kept the JavaScript thread, woken by the
// clock thread onto this CPU, waiting up to a 4 ms scheduler tick (HZ 250,
// measured with perf sched timehist: 1-3.7 ms "sch delay" of the JS thread
// while the writer ran). A batch is about 0.05 ms of work.
constexpr size_t kBatch = 32;

void writer_pass_yielding(hl_board *b) {
  const uint64_t now = hl_mono_ns();
  take_new(b);
  bool sync;
  {
    std::lock_guard<std::mutex> lk(b->io_mu);
    sync = sync_due(b, now);
  }
  for (size_t i = 0;; i += kBatch) {
    {
      std::lock_guard<std::mutex> lk(b->io_mu);
      // recs may have shrunk (finished ones are swapped out): a recorder
      // skipped by that is served on the next pass.
      if (i >= b->recs.size()) break;
      size_t end = pass_range(b, i, std::min(b->recs.size(), i + kBatch), now, false, sync);
      (void)end;
    }
    sched_yield();
  }
  if (!sync) return;
  std::lock_guard<std::mutex> lk(b->io_mu);
  sync_filesystems(b, now);
}

void writer_main(hl_board *b) {
  // Every 10 ms when a recorder started or ended (its file opened or finished
  // promptly), else a full pass every 40 ms: each ring holds 2 s.
  int idle = 0;
  while (b->writer_run.load(std::memory_order_acquire)) {
    if (b->rec_work.exchange(false, std::memory_order_acq_rel) || ++idle >= 4) {
      idle = 0;
      writer_pass_yielding(b);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

namespace hl {

uint64_t rec_part_limit_default() {
  // 4 GiB minus a margin for the header: the RIFF size field is 32 bits.
  uint64_t lim = 0xFFFFFFFFull - 0x10000ull;
  // Tests make the limit small instead of writing 4 GiB.
  if (const char *e = std::getenv("HL_REC_PART_BYTES")) {
    char *end = nullptr;
    unsigned long long v = std::strtoull(e, &end, 10);
    if (end && *end == 0 && v >= 2 && v < lim) lim = v;
  }
  return lim;
}

uint32_t rec_ring_default() {
  // 2 s of mono audio at 8 kHz; tests shrink it to make a slow writer drop samples.
  uint32_t n = 16384;
  if (const char *e = std::getenv("HL_REC_RING_SAMPLES")) {
    long v = std::strtol(e, nullptr, 10);
    if (v >= 256 && v <= 16384) n = (uint32_t)v;
  }
  return n;
}

void rec_end(hl_board *b, Recorder *r, int reason, uint64_t ms, char digit) {
  r->end_reason = reason;
  r->end_ms = ms;
  r->end_digit = digit;
  r->end_time_ms = (b->tick.load(std::memory_order_relaxed) + 1) * (uint64_t)b->tick_ms;
  r->ended.store(true, std::memory_order_release);
  b->rec_work.store(true, std::memory_order_relaxed);
}

void writer_pass(hl_board *b, bool closing) {
  take_new(b);
  std::lock_guard<std::mutex> lk(b->io_mu);
  const uint64_t now = hl_mono_ns();
  const bool sync = !closing && sync_due(b, now);
  pass_range(b, 0, b->recs.size(), now, closing, sync);
  if (sync) sync_filesystems(b, now);
}

int rec_drain_done(hl_board *b, hl_event *out, int max) {
  if (max <= 0 || !b->rec_done.load(std::memory_order_acquire)) return 0;
  std::lock_guard<std::mutex> lk(b->rec_mu);
  int n = 0;
  // Segments first: a tap's segments come before its done.
  size_t segs = 0;
  while (n < max && segs < b->rec_seg.size()) out[n++] = b->rec_seg[segs++];
  b->rec_seg.erase(b->rec_seg.begin(), b->rec_seg.begin() + (long)segs);
  while (b->rec_seg.empty() && n < max && !b->rec_fin.empty()) {
    Recorder *r = b->rec_fin.front();
    b->rec_fin.erase(b->rec_fin.begin());
    hl_event &e = out[n++];
    std::memset(&e, 0, sizeof e);
    e.type = HL_EV_DONE;
    e.op = (uint16_t)(r->tap ? HL_OP_TAP : HL_OP_RECORD);
    e.channel = r->ch;
    e.span = b->ch[r->ch].span;
    e.req = r->req;
    const uint64_t dropped = r->dropped.load(std::memory_order_relaxed);
    // A failure found while finishing (fsync, rename) also makes it an error.
    const int io_err = r->io_err ? r->io_err : r->fin_err;
    e.reason = io_err ? HL_R_ERROR : r->end_reason;
    e.a = (int32_t)(uint32_t)r->end_ms;  // 64-bit ms: low half in a, high in a_hi
    e.a_hi = (uint32_t)(r->end_ms >> 32);
    e.b = io_err ? io_err : r->refused && r->end_reason == HL_R_ERROR ? r->refused : dropped ? HL_EREC_DROPPED : 0;
    e.time_ms = r->end_time_ms;
    e.text[0] = r->end_digit;
    std::memcpy(e.text + 8, &dropped, sizeof dropped);     // little-endian hosts (x86, arm64)
    std::memcpy(e.text + 16, &r->parts, sizeof r->parts);  // files finished
    delete r;
  }
  if (b->rec_fin.empty() && b->rec_seg.empty()) b->rec_done.store(false, std::memory_order_release);
  return n;
}

void rec_free_all(hl_board *b) {
  // io_mu before rec_mu: the writer's order (hand_over runs under io_mu);
  // the other order is a lock-order inversion (ThreadSanitizer).
  std::lock_guard<std::mutex> lk2(b->io_mu);
  std::lock_guard<std::mutex> lk(b->rec_mu);
  for (Recorder *r : b->rec_fin) delete r;
  b->rec_fin.clear();
  for (Recorder *r : b->rec_new) delete r;  // only if writer_pass(closing) was skipped
  b->rec_new.clear();
  for (Recorder *r : b->recs) {
    if (r->fd >= 0) ::close(r->fd);
    delete r;
  }
  b->recs.clear();
}

void writer_start(hl_board *b) {
  if (b->writer_run.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lk(b->fin_mu);
    b->fin_run = true;
  }
  b->finisher = std::thread(finisher_main, b);
  b->fin_async.store(true, std::memory_order_relaxed);  // before the writer thread starts (happens-before)
  b->writer = std::thread(writer_main, b);
}

void writer_stop(hl_board *b) {
  if (!b->writer_run.exchange(false)) return;
  if (b->writer.joinable()) b->writer.join();
  // The finisher completes what is queued, then stops; parts end inline again.
  {
    std::lock_guard<std::mutex> lk(b->fin_mu);
    b->fin_run = false;
  }
  b->fin_cv.notify_one();
  if (b->finisher.joinable()) b->finisher.join();
  b->fin_async.store(false, std::memory_order_relaxed);
}

}  // namespace hl

namespace {

// A recorder for hl_cmd_record / hl_cmd_tap, queued for the tick and the
// writer. The file is opened by the writer (never on this thread): an open
// failure comes back in the completion, with its own code.
int queue_recorder(hl_board *b, Recorder *r) {
  Cmd c;
  c.kind = C_RECORD;
  c.ch = r->ch;
  c.req = r->req;
  c.u.record.rec = r;
  {
    std::lock_guard<std::mutex> lk(b->cmd_mu);
    if (!b->cmds.push(c)) {
      delete r;
      return HL_ENOSPC;
    }
  }
  {
    std::lock_guard<std::mutex> lk(b->rec_mu);
    b->rec_new.push_back(r);
  }
  b->rec_work.store(true, std::memory_order_release);
  return 0;
}

Recorder *new_recorder(hl_board *b, int ch, uint32_t req, const char *path, int format, int tap, uint32_t max_ms) {
  Recorder *r = new (std::nothrow) Recorder();
  if (!r) return nullptr;
  r->path = path;
  r->format = format;
  r->tap = tap;
  r->channels = tap == 1 ? 2 : 1;
  r->frame = r->channels * (format == HL_WAV_PCM16 ? 2 : 1);
  r->part_limit = b->rec_part_bytes;
  r->req = req;
  r->ch = ch;
  r->max_ticks = (max_ms + (uint32_t)b->tick_ms - 1) / (uint32_t)b->tick_ms;
  // 2 s of audio (16384 mono / 32768 stereo samples at 8 kHz).
  if (!r->ring.init(r->channels == 2 ? 2 * b->rec_ring_samples : b->rec_ring_samples)) {
    delete r;
    return nullptr;
  }
  return r;
}

}  // namespace

extern "C" int hl_cmd_record(hl_board *b, int ch, uint32_t req, const char *path, int format, int tap, uint32_t max_ms,
                             uint32_t silence_ms, double threshold_dbm0, uint16_t stop_mask) {
  if (!b || ch < 0 || ch >= b->nch) return HL_ENOENT;
  if (!path || !*path || tap < 0 || tap > 2) return HL_EINVAL;
  if (format != HL_WAV_ALAW && format != HL_WAV_MULAW && format != HL_WAV_PCM16) return HL_EFORMAT;
  if (!std::isfinite(threshold_dbm0) || threshold_dbm0 > 3 || threshold_dbm0 < -90) return HL_ERANGE;
  Recorder *r = new_recorder(b, ch, req, path, format, tap, max_ms);
  if (!r) return HL_ENOMEM;
  if (silence_ms) {
    hl_energy_params vp;
    vp.on_dbm0 = vp.off_dbm0 = (float)threshold_dbm0;
    vp.min_voice_ms = 10;  // one block above the threshold: heard
    vp.hangover_ms = silence_ms;
    if (hl_energy_desc_init(&r->vad_desc, &vp) != 0) {
      delete r;
      return HL_ERANGE;
    }
    r->vad_on = true;
  }
  r->stop_mask = stop_mask;
  return queue_recorder(b, r);
}

extern "C" int hl_cmd_tap(hl_board *b, int ch, uint32_t req, const char *path, int format, int mode, uint32_t max_ms,
                          const hl_tap_opts *opts) {
  if (!b || ch < 0 || ch >= b->nch) return HL_ENOENT;
  if (!path || !*path || (mode != 1 && mode != 2)) return HL_EINVAL;
  if (format != HL_WAV_ALAW && format != HL_WAV_MULAW && format != HL_WAV_PCM16) return HL_EFORMAT;
  hl_tap_opts o{-1, 0, 0};
  if (opts) o = *opts;
  if (o.peer < -1 || o.peer >= b->nch || o.peer == ch || (o.armed != 0 && o.armed != 1)) return HL_EINVAL;
  if (o.segment_ms != 0 && (o.segment_ms < (uint32_t)b->tick_ms || o.segment_ms > HL_SEGMENT_MS_MAX)) return HL_ERANGE;
  Recorder *r = new_recorder(b, ch, req, path, format, mode, max_ms);
  if (!r) return HL_ENOMEM;
  r->peer = o.peer;
  r->armed = o.armed != 0;
  if (o.segment_ms) {
    // 8 frames per ms; a segment of 3 h stays far below the 4 GiB part limit
    // (3 h of stereo PCM16 is 346 MB), so a segment never rolls over.
    r->seg_frames = (uint64_t)o.segment_ms * 8;
    r->part_limit = r->seg_frames * (uint64_t)r->frame;
  }
  return queue_recorder(b, r);
}
