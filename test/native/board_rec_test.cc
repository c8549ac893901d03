// Recordings in the channel engine, without Node, under ASan/UBSan: a board
// closed with record/tap commands still queued for the next tick (no use
// after free, no double delete, the files finished); the done event comes
// only when the file is finished under its final name; every failure has its
// own code (file exists, too many open files, file too large, dropped audio)
// and the header never counts bytes that did not reach the file; a recording
// rolls over to a new file at the size limit (reduced here).
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "dsp/wav.h"
}
#include "board/board.h"
#include "board/recover.h"
#include "hl_errors.h"

#include "check.h"
#include "board_fixture.h"

namespace {

std::string g_dir;

std::string tmp_path(const char *name) { return g_dir + "/" + name; }

std::vector<uint8_t> slurp(const std::string &p) {
  std::vector<uint8_t> out;
  FILE *f = std::fopen(p.c_str(), "rb");
  if (!f) return out;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  std::fclose(f);
  return out;
}

// Parses a finished recording strictly: the header must match the data.
bool valid_wav(const std::string &p, hl_wav_info *info) {
  std::vector<uint8_t> d = slurp(p);
  return !d.empty() && hl_wav_parse(d.data(), d.size(), 0, info) == 0;
}

// A call from net to eng across the cable, both connected.
void connect(hl_board *b, int eng, int net) {
  hl_cmd_call(b, net, 9000 + net, 5000, "13800138000", "12315");
  run(b, 50);
  hl_cmd_answer(b, eng);
  run(b, 50);
}

// Item: hl_board_destroy freed the recorders, then finalised the record
// commands still queued on the same pointers (use after free, double delete).
void destroy_with_queued_record_and_tap() {
  const int peers[2] = {1, 0};
  for (int round = 0; round < 3; round++) {
    hl_board *b = sim_board(2, peers);
    CHECK(b, "board");
    if (!b) return;
    connect(b, 0, 30);
    std::string r = tmp_path(("queued-rec-" + std::to_string(round) + ".wav").c_str());
    std::string t = tmp_path(("queued-tap-" + std::to_string(round) + ".wav").c_str());
    CHECK(hl_cmd_record(b, 0, 1, r.c_str(), HL_WAV_ALAW, 0, 0, 0, -40, 0) == 0, "record queued");
    CHECK(hl_cmd_record(b, 0, 2, t.c_str(), HL_WAV_PCM16, 1, 0, 0, -40, 0) == 0, "tap queued");
    if (round == 1) run(b, 30);  // one of them running, the next ones queued
    if (round == 1) hl_cmd_record(b, 1, 3, tmp_path("queued-rec-1b.wav").c_str(), HL_WAV_MULAW, 2, 0, 0, -40, 0);
    hl_board_destroy(b);  // no tick in between
    hl_wav_info info;
    CHECK(valid_wav(r, &info), "queued record left a valid file %s", r.c_str());
    CHECK(valid_wav(t, &info) && info.channels == 2, "queued tap left a valid stereo file %s", t.c_str());
  }
}

// A board of two cabled spans with channel 0 in a call (from channel 30).
hl_board *board_in_call() {
  const int peers[2] = {1, 0};
  hl_board *b = sim_board(2, peers);
  if (b) connect(b, 0, 30);
  return b;
}

// Steps until the done event of `req` arrives; returns it (type 0 if never).
hl_event wait_done(hl_board *b, uint32_t req, int max_ms, std::vector<hl_event> *all = nullptr) {
  hl_event ev[64];
  for (int t = 0; t < max_ms / 10; t++) {
    hl_board_step(b, 1, 0);
    int n;
    while ((n = hl_board_drain(b, ev, 64)) > 0)
      for (int i = 0; i < n; i++) {
        if (all) all->push_back(ev[i]);
        if (ev[i].type == HL_EV_DONE && ev[i].req == req) return ev[i];
      }
  }
  hl_event none{};
  return none;
}

bool exists(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

// Item: the done event is the promise that the file is complete: it must not
// come before the file is finished and renamed to its final name.
void done_means_finished() {
  hl_board *b = board_in_call();
  std::string f = tmp_path("done.wav");
  CHECK(hl_cmd_record(b, 0, 11, f.c_str(), HL_WAV_ALAW, 0, 700, 0, -40, 0) == 0, "record");
  run(b, 300);
  CHECK(!exists(f) && exists(f + ".part"), "while recording only NAME.part exists");
  hl_event e = wait_done(b, 11, 2000);
  CHECK(e.type == HL_EV_DONE && e.reason == HL_R_TIMEOUT && e.b == 0, "done by max time, no error (%d, %d)", e.reason, e.b);
  hl_wav_info info;
  CHECK(valid_wav(f, &info) && info.data_bytes == 5600, "at done the file is finished: %zu bytes of data", info.data_bytes);
  CHECK(!exists(f + ".part"), "renamed");
  uint32_t files = 0;
  std::memcpy(&files, e.text + 16, 4);
  uint64_t dropped = 1;
  std::memcpy(&dropped, e.text + 8, 8);
  CHECK(files == 1 && dropped == 0, "one file, nothing dropped (%u, %llu)", files, (unsigned long long)dropped);
  hl_board_destroy(b);
}

// Item: "wb+" truncated an existing file. Now the file is left alone and the
// completion says HL_EREC_EXISTS.
void never_overwrites() {
  hl_board *b = board_in_call();
  std::string f = tmp_path("exists.wav");
  FILE *o = std::fopen(f.c_str(), "wb");
  std::fputs("a complaint recorded yesterday", o);
  std::fclose(o);
  CHECK(hl_cmd_record(b, 0, 12, f.c_str(), HL_WAV_ALAW, 0, 500, 0, -40, 0) == 0, "record queued");
  hl_event e = wait_done(b, 12, 1000);
  CHECK(e.type == HL_EV_DONE && e.reason == HL_R_ERROR && e.b == HL_EREC_EXISTS, "existing file: reason %d code %d",
        e.reason, e.b);
  std::vector<uint8_t> d = slurp(f);
  CHECK(std::string(d.begin(), d.end()) == "a complaint recorded yesterday", "the old file is untouched");
  CHECK(!exists(f + ".part"), "no in-progress file left");
  hl_board_destroy(b);
}

// Item: EMFILE became HL_EIO like every other failure.
void too_many_open_files() {
  hl_board *b = board_in_call();
  struct rlimit old;
  getrlimit(RLIMIT_NOFILE, &old);
  int probe = dup(0);  // the lowest free descriptor: the limit makes the next open fail
  close(probe);
  struct rlimit low = old;
  low.rlim_cur = (rlim_t)probe;
  std::string f = tmp_path("emfile.wav");
  CHECK(hl_cmd_record(b, 0, 13, f.c_str(), HL_WAV_ALAW, 0, 500, 0, -40, 0) == 0, "record queued");
  setrlimit(RLIMIT_NOFILE, &low);
  hl_board_step(b, 1, 0);  // the writer tries to open the file here
  setrlimit(RLIMIT_NOFILE, &old);
  hl_event e = wait_done(b, 13, 1000);
  CHECK(e.reason == HL_R_ERROR && e.b == HL_EREC_NOFILES, "EMFILE: reason %d code %d (%s)", e.reason, e.b,
        hl_err_code(e.b));
  CHECK(!exists(f) && !exists(f + ".part"), "no file");
  hl_board_destroy(b);
}

// Item: data_bytes grew when fwrite failed, so the header claimed audio that
// never reached the disk. A file size limit (EFBIG) fails writes for real.
void write_error_keeps_header_true() {
  hl_board *b = board_in_call();
  std::string f = tmp_path("efbig.wav");
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit old;
  getrlimit(RLIMIT_FSIZE, &old);
  struct rlimit low = old;
  low.rlim_cur = 10001;  // 58-byte A-law header + 9943 bytes of audio, an odd count
  setrlimit(RLIMIT_FSIZE, &low);
  CHECK(hl_cmd_record(b, 0, 14, f.c_str(), HL_WAV_ALAW, 0, 5000, 0, -40, 0) == 0, "record queued");
  hl_event e = wait_done(b, 14, 6000);
  setrlimit(RLIMIT_FSIZE, &old);
  CHECK(e.reason == HL_R_ERROR && e.b == HL_EREC_FBIG, "EFBIG: reason %d code %d (%s)", e.reason, e.b, hl_err_code(e.b));
  CHECK(e.a < 5000, "the recording ended at the failure, not at max time (%d ms)", e.a);
  hl_wav_info info;
  std::vector<uint8_t> d = slurp(f);
  int rc = hl_wav_parse(d.data(), d.size(), 0, &info);
  CHECK(rc == 0, "what was written is a valid file: %s", info.reason);
  CHECK(info.data_bytes == 10001 - 58 - 1 || info.data_bytes == 10001 - 58,
        "the header counts only what is in the file: %zu data bytes in %zu", info.data_bytes, d.size());
  hl_board_destroy(b);
}

// Item: samples dropped on a full writer ring were counted but never reported.
void dropped_samples_reported() {
  setenv("HL_REC_RING_SAMPLES", "1024", 1);  // 128 ms; the stepped writer runs every 500 ms
  hl_board *b = board_in_call();
  unsetenv("HL_REC_RING_SAMPLES");
  std::string f = tmp_path("dropped.wav");
  CHECK(hl_cmd_record(b, 0, 15, f.c_str(), HL_WAV_ALAW, 0, 1500, 0, -40, 0) == 0, "record queued");
  hl_event e = wait_done(b, 15, 3000);
  uint64_t dropped = 0;
  std::memcpy(&dropped, e.text + 8, 8);
  CHECK(e.reason == HL_R_TIMEOUT && e.b == HL_EREC_DROPPED && dropped > 0, "dropped: reason %d code %d count %llu",
        e.reason, e.b, (unsigned long long)dropped);
  hl_wav_info info;
  CHECK(valid_wav(f, &info) && info.data_bytes + dropped == 12000, "file + dropped = 1.5 s (%zu + %llu)", info.data_bytes,
        (unsigned long long)dropped);
  hl_board_destroy(b);
}

// Item: past 4 GiB the header stopped growing while data went on. A reduced
// limit (HL_REC_PART_BYTES) makes the roll-over testable.
void rolls_over_at_the_limit() {
  setenv("HL_REC_PART_BYTES", "8001", 1);  // odd: parts must still hold whole frames
  hl_board *b = board_in_call();
  unsetenv("HL_REC_PART_BYTES");
  std::string f = tmp_path("roll.wav");
  CHECK(hl_cmd_record(b, 0, 16, f.c_str(), HL_WAV_PCM16, 1, 1250, 0, -40, 0) == 0, "stereo PCM tap queued");
  hl_event e = wait_done(b, 16, 3000);
  uint32_t files = 0;
  std::memcpy(&files, e.text + 16, 4);
  // 1.25 s x 8000 x 4 bytes = 40000 bytes: 8000 per part (whole 4-byte frames) = 5 files.
  CHECK(e.reason == HL_R_DONE && e.b == 0 && files == 5, "rolled: reason %d code %d files %u", e.reason, e.b, files);
  const char *names[5] = {"roll.wav", "roll.2.wav", "roll.3.wav", "roll.4.wav", "roll.5.wav"};
  size_t total = 0;
  for (const char *n : names) {
    hl_wav_info info;
    bool ok = valid_wav(tmp_path(n), &info);
    CHECK(ok && info.channels == 2 && info.data_bytes == 8000, "%s valid with 8000 bytes (%zu)", n, info.data_bytes);
    total += ok ? info.data_bytes : 0;
  }
  CHECK(total == 40000, "no byte lost across parts (%zu)", total);
  hl_board_destroy(b);
}

void write_file(const std::string &p, const std::vector<uint8_t> &d) {
  FILE *f = std::fopen(p.c_str(), "wb");
  std::fwrite(d.data(), 1, d.size(), f);
  std::fclose(f);
}

// Start-up repair (recover.cc): a take killed in its first second has a
// header saying 0 bytes while its audio is on disk, under NAME.part.
void recover_unfinished() {
  std::vector<uint8_t> d(58 + 4001, 0x55);  // A-law header + 0.5 s and a byte
  CHECK(hl_wav_write_header(d.data(), 58, HL_WAV_ALAW, 1, 0) == 58, "header");
  std::string part = tmp_path("killed.wav.part");
  write_file(part, d);
  hl_rec_recovery r;
  CHECK(hl_rec_recover(part.c_str(), &r) == 0, "recovered");
  CHECK(r.repaired && r.renamed && !r.truncated && r.data_bytes == 4001, "repaired %d renamed %d truncated %d bytes %llu",
        r.repaired, r.renamed, r.truncated, (unsigned long long)r.data_bytes);
  hl_wav_info info;
  CHECK(std::string(r.file) == tmp_path("killed.wav") && valid_wav(r.file, &info) && info.data_bytes == 4001,
        "%s valid with all its audio", r.file);
  CHECK(!exists(part), "the .part name is gone");
  // A stereo PCM take cut inside a frame; its final name taken meanwhile.
  std::vector<uint8_t> s(44 + 4 * 100 + 3, 1);
  hl_wav_write_header(s.data(), 44, HL_WAV_PCM16, 2, 0);
  write_file(tmp_path("cut.wav.part"), s);
  write_file(tmp_path("cut.wav"), std::vector<uint8_t>{1, 2, 3});
  CHECK(hl_rec_recover(tmp_path("cut.wav.part").c_str(), &r) == 0, "recovered");
  CHECK(r.truncated && r.data_bytes == 400 && std::string(r.file) == tmp_path("cut.recovered.wav"),
        "cut frame dropped, not over the existing name: %s %llu", r.file, (unsigned long long)r.data_bytes);
  CHECK(slurp(tmp_path("cut.wav")).size() == 3, "the existing file is untouched");
  // Not a WAV (cut off inside the header): refused with the parser's reason.
  write_file(tmp_path("junk.wav.part"), std::vector<uint8_t>{'R', 'I', 'F', 'F', 9});
  int rc = hl_rec_recover(tmp_path("junk.wav.part").c_str(), &r);
  CHECK(rc == HL_EWAV_TRUNC && r.reason[0], "junk: %s (%s)", hl_err_code(rc), r.reason);
}

}  // namespace

int main() {
  char tmpl[] = "/tmp/hl-board-rec-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  g_dir = tmpl;
  destroy_with_queued_record_and_tap();
  done_means_finished();
  never_overwrites();
  too_many_open_files();
  write_error_keeps_header_true();
  dropped_samples_reported();
  rolls_over_at_the_limit();
  recover_unfinished();
  std::string cmd = "rm -rf '" + g_dir + "'";
  if (std::system(cmd.c_str()) != 0) std::printf("could not remove %s\n", g_dir.c_str());
  std::printf("board_rec_test: %d failures\n", failures);
  return failures ? 1 : 0;
}
