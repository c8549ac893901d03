// Start-up repair of one recording left by a process that died (kill -9,
// power cut) before finishing it (see writer.cc for how files are written):
// the header is made to match the audio actually in the file, a cut-off
// sample frame is dropped, the file is fsynced, and an in-progress
// NAME.part is renamed to NAME (never over an existing file: NAME minus .wav
// + ".recovered.wav", ".recovered-2.wav"...), then the folder is fsynced.
#include "board/recover.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

extern "C" {
#include "dsp/wav.h"
}
#include "board/engine.h"
#include "hl_errors.h"

using namespace hl;

namespace {

uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

bool ends_with(const std::string &s, const char *suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

int pwrite_all(int fd, const uint8_t *p, size_t n, off_t at) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return rec_errno(w < 0 ? errno : EIO);
    p += w;
    n -= (size_t)w;
    at += w;
  }
  return 0;
}

}  // namespace

extern "C" int hl_rec_recover(const char *path, hl_rec_recovery *out) {
  if (!path || !out) return HL_EINVAL;
  std::memset(out, 0, sizeof *out);
  int fd = ::open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return rec_errno(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return rec_errno(e);
  }
  uint8_t head[4096];
  ssize_t got = ::pread(fd, head, sizeof head, 0);
  if (got < 0) {
    int e = errno;
    ::close(fd);
    return rec_errno(e);
  }
  hl_wav_info info;
  int rc = hl_wav_parse(head, (size_t)got, HL_WAV_LENIENT, &info);
  if (rc != 0) {
    ::close(fd);
    std::snprintf(out->reason, sizeof out->reason, "%s", info.reason);
    return rc;
  }
  const uint64_t frame = (uint64_t)info.channels * (uint64_t)info.bytes_per_sample;
  const uint64_t off = info.data_offset;
  uint64_t data = (uint64_t)st.st_size > off ? (uint64_t)st.st_size - off : 0;
  // A RIFF size beyond the 32-bit limit cannot be written: keep what fits.
  const uint64_t max_data = 0xFFFFFFFFull - off - 1;
  if (data > max_data) data = max_data;
  data -= data % frame;
  const uint32_t declared = rd32(head + off - 4);
  const uint64_t want_size = off + data + (data & 1);
  if (declared != data || (uint64_t)st.st_size != want_size) {
    rc = 0;
    if ((uint64_t)st.st_size != want_size && ::ftruncate(fd, (off_t)want_size) != 0) rc = rec_errno(errno);
    if ((uint64_t)st.st_size > want_size) out->truncated = 1;
    if (rc == 0 && (int)off == hl_wav_header_size(info.format)) {
      // Our own layout: rewrite the whole header (fact sample count too).
      uint8_t hdr[64];
      int hs = hl_wav_write_header(hdr, sizeof hdr, info.format, info.channels, data);
      rc = hs < 0 ? hs : pwrite_all(fd, hdr, (size_t)hs, 0);
    } else if (rc == 0) {
      // Another writer's layout: patch the RIFF and data sizes only.
      uint8_t v[4];
      wr32(v, (uint32_t)(off - 8 + data));
      rc = pwrite_all(fd, v, 4, 4);
      wr32(v, (uint32_t)data);
      if (rc == 0) rc = pwrite_all(fd, v, 4, (off_t)(off - 4));
    }
    if (rc == 0) out->repaired = 1;
  }
  if (::fsync(fd) != 0 && rc == 0) rc = rec_errno(errno);
  ::close(fd);
  if (rc != 0) return rc;
  out->data_bytes = data;
  std::string name = path;
  if (ends_with(name, ".part")) {
    const std::string final_name = name.substr(0, name.size() - 5);
    const std::string stem = ends_with(final_name, ".wav") ? final_name.substr(0, final_name.size() - 4) : final_name;
    std::string target = final_name;
    int e = 0;
    for (int n = 1; n <= 100; n++) {
      e = rename_noreplace(name.c_str(), target.c_str());
      if (e != HL_EREC_EXISTS) break;
      target = stem + (n == 1 ? ".recovered.wav" : ".recovered-" + std::to_string(n) + ".wav");
    }
    if (e != 0) return e;
    name = target;
    out->renamed = 1;
  }
  std::snprintf(out->file, sizeof out->file, "%s", name.c_str());
  // The new name (and the sizes) survive a power cut once the folder is synced.
  return sync_dir_of(name);
}
