// Internal structures of the channel engine (board.h is the interface).
#ifndef HL_BOARD_ENGINE_H
#define HL_BOARD_ENGINE_H

#include <time.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "board/board.h"
#include "board/dsp_glue.h"
#include "board/ring.h"

struct hl_clip {
  int16_t *pcm;
  int samples;
  std::atomic<int> refs{1};  // a cached prompt is shared by every play of it
};

namespace hl {

constexpr int kMaxSamples = 160;  // 20 ms at 8 kHz
constexpr int kDigitBuf = 32;
constexpr int kConfMax = 32;      // members per conference
// Taps per channel at once, each with its own recorder and file: a rolling
// recording, a per-call recording, and room for a supervisor's or a
// re-pointed one (taps.cc).
constexpr int kMaxTaps = 4;

enum CmdKind : uint16_t {
  C_ANSWER = 1, C_HANGUP, C_CALL, C_PLAY, C_GETDIGITS, C_SENDDIGITS, C_TONE, C_RECORD,
  C_STOP, C_CLEARDIGITS, C_ROUTE, C_UNROUTE, C_CONF_JOIN, C_CONF_LEAVE, C_DRIVER, C_DETECT,
  C_SENDMF, C_MFTONE, C_DETECTMF, C_HOOKGUARD, C_FLASH, C_ECHO, C_TAPPEER, C_STREAM,
  C_R2 = 100  // signalling/r2_board.h: blocking and KB policy of a China No.1 channel
};

struct Recorder;
struct Stream;  // stream.cc: an audio stream to and from JavaScript
struct R2Slot;  // signalling/r2_board.cc: a China No.1 channel

// Each command's own payload (Cmd::kind says which union member is live).
// Plain data: the command ring copies commands by value.
struct CmdCall {
  uint32_t timeout_ticks;  // 0 = no timeout
  char calling[HL_NUMBER_MAX + 1], called[HL_NUMBER_MAX + 1];
  uint8_t category, kd;    // China No.1: KA and KD, 0 = the span's (signalling/r2_board.h)
};
struct CmdPlay {
  hl_clip **clips;  // owned by the command, then by the player
  int n;
  uint16_t stop_mask;
  bool mix;  // add to what the channel sends (route, conference) instead of replacing it
};
struct CmdGetDigits {
  int max;
  uint16_t term_mask;
  uint32_t first_ticks, inter_ticks;  // 0 = no timeout
  bool clear;
};
struct CmdSendDigits {
  char digits[64];  // NUL-terminated DTMF keys
  uint32_t on_ms, off_ms;
  float level_dbm0;
  bool mix;
};
struct CmdSendMf {
  uint8_t codes[64];  // 1..15
  int n, dir;
  uint32_t on_ms, off_ms;
  float level_dbm0;
};
struct CmdTone {
  int kind;  // hl_tone_kind
  uint32_t duration_ms;  // 0 = until stopped
  bool mix;
};
struct CmdMfTone {
  int dir, code;  // code 0 = off
  float level_dbm0;
};
struct CmdRecord {
  Recorder *rec;  // owned by the command until the tick takes it (see writer.cc)
};
struct CmdStop {
  uint32_t which;  // bit per hl_op; Cmd::req 0 = any request
};
struct CmdDetect {
  int dtmf, tones;  // 1 on, 0 off, -1 unchanged
};
struct CmdFlag {
  int value;  // C_DETECTMF: direction or -1; C_HOOKGUARD: 0/1
};
struct CmdEcho {
  int on;             // 0/1
  hl_driver_echo p;   // the driver's canceller (taps 0: the board's own, dsp/echo.h)
};
struct CmdFlash {
  uint32_t ms;
};
struct CmdRoute {
  int dst;  // Cmd::ch is the source
};
struct CmdConfJoin {
  int conf, mode, whisper_to;
  int flags;  // HL_CONF_KEEP_ROUTE
};
struct CmdTapPeer {
  int peer;  // Cmd::req names the tap; -1 = the channel's own sent audio
};
struct CmdStream {
  int on;  // 1 attach b->streams[ch], 0 detach
  int prefill, trim;
  uint32_t gen;
};
struct CmdDriver {
  int what;  // Cmd::ch is the span
  double value;
};

struct Cmd {
  uint16_t kind = 0;
  int32_t ch = -1;
  uint32_t req = 0;
  union {
    CmdCall call;
    CmdPlay play;
    CmdGetDigits getdigits;
    CmdSendDigits senddigits;
    CmdSendMf sendmf;
    CmdTone tone;
    CmdMfTone mftone;
    CmdRecord record;
    CmdStop stop;
    CmdDetect detect;
    CmdFlag flag;
    CmdEcho echo;
    CmdFlash flash;
    CmdRoute route;
    CmdConfJoin conf;
    CmdTapPeer tappeer;
    CmdStream stream;
    CmdDriver driver;
  } u{};
};

enum RetireKind : uint8_t { RT_CLIPS = 1 };
struct Retire {
  uint8_t kind = 0;
  int n = 0;
  void *p = nullptr;
};

// A recording in progress: tick -> ring -> writer thread -> file.
// Ownership: b->rec_new, then b->recs (writer) from hl_cmd_record until the
// writer has finished the file, then b->rec_fin until hl_board_drain turns it
// into its completion and deletes it. A channel slot or a queued command only
// borrows it; the tick stops touching it once it sets `ended`.
struct Recorder {
  // set by the control thread before the command is queued
  std::string path;     // final name of the first file (later parts: part_name)
  int format = 0;       // wav.h format
  int channels = 1;     // 2 for a stereo tap
  int tap = 0;          // 0 record rx, 1 stereo tap, 2 mixed tap
  // Taps (taps.cc). peer: the channel whose received audio is the tap's
  // second side (-1: what this channel sends); re-pointed by C_TAPPEER at a
  // tick boundary, so the file goes on without a gap. armed: accepted on an
  // idle channel, records from the first tick the channel is in a call.
  int peer = -1;
  bool armed = false;
  std::atomic<bool> started{false};  // tick -> writer (release): no file before the first sample
  uint64_t start_ms = 0;             // board ms of the first sample (set before `started`)
  // Rolling segments: a new file every seg_frames sample frames, cut by the
  // writer between two frames of one continuous ring (gapless); 0 = one file.
  uint64_t seg_frames = 0;
  uint64_t frames_done = 0;          // writer: frames in the segments finished so far
  int frame = 1;        // bytes per sample frame (channels x bytes per sample)
  uint32_t req = 0;
  int ch = -1;
  uint64_t part_limit = 0;  // data bytes per file before rolling to the next
  Spsc<int16_t> ring;
  // writer side (writer thread, stepped caller or destroy; under Board::io_mu)
  int fd = -1;
  bool opened = false;        // the first part was opened (or failed to)
  uint32_t cur_part = 0;      // writer: number of the part open (or last opened)
  uint32_t parts = 0;         // files finished and renamed to their final names (writer or finisher)
  int fin_err = 0;            // finisher: first failure completing a part (read by the drain after the hand-over)
  uint64_t data_bytes = 0;    // sample bytes in the current part
  uint64_t last_drain_ns = 0;  // the writer last moved its ring to the file
  uint64_t dev = 0;           // st_dev of the file system holding it (one syncfs each)
  int io_err = 0;             // first I/O failure (hl_err); the writer stops writing
  // writer -> tick: an I/O failure ends the recording at the next tick
  std::atomic<int> err{0};
  // tick -> writer: set last, with release; the fields before it are the tick's
  std::atomic<bool> ended{false};
  int end_reason = 0;
  uint64_t end_ms = 0;
  uint64_t end_time_ms = 0;
  char end_digit = 0;
  int refused = 0;          // the tick never started it: 0, or the code for the completion
  // tick side
  uint32_t max_ticks = 0;
  // End on silence (silence_ms > 0): dsp/energy's detector with on = off =
  // the threshold, one 10 ms block to count as heard, silence_ms of hangover.
  bool vad_on = false;
  hl_energy_desc vad_desc;
  hl_energy_state vad;
  uint16_t stop_mask = 0;
  uint64_t ticks = 0;  // 64-bit: a tap may run for months
  std::atomic<uint64_t> dropped{0};  // samples lost to a full ring
};

struct Player {
  bool active = false;
  uint32_t req = 0;
  hl_clip **clips = nullptr;
  int n = 0, idx = 0, pos = 0;
  uint16_t stop_mask = 0;
  uint64_t played = 0;
  bool mix = false;
};

struct Sender {
  bool active = false;
  uint32_t req = 0;
  int op = 0;            // HL_OP_SENDDIGITS, HL_OP_SENDMF or HL_OP_TONE
  int mf_dir = -1;       // SENDMF: direction; digits[] then holds codes 1..15
  char digits[64] = {};
  int nd = 0, idx = 0;
  uint32_t on_ms = 0, off_ms = 0;
  float level_dbm0 = -8;
  int tone = 0;
  uint64_t limit_samples = 0, elapsed = 0;
  hl_tone_gen gen;          // dsp/tone_gen.h: one DTMF key (tone + gap) or a cadenced China tone
  hl_mf_r2_tx_state mf;     // SENDMF: dsp/mf_r2.h, the one MF R2 sender
  uint32_t key_pos = 0;     // SENDMF: samples into the current code (tone, then gap)
  bool mix = false;
};

struct Collect {
  bool active = false;
  uint32_t req = 0;
  int max = 1;
  uint16_t term = 0;
  uint32_t first_ticks = 0, inter_ticks = 0, timer = 0;
  char got[24] = {};
  int n = 0;
  uint64_t start_tick = 0;
};

struct CallOp {
  bool active = false;
  uint32_t req = 0;
  uint32_t timeout_ticks = 0;
  uint64_t ticks = 0;
};

// Failures of the driver on one span (or of the clock), counted in the tick
// and reported as HL_EV_FAULT at once, then at most once a second.
struct Fault {
  std::atomic<uint64_t> total{0};  // read by stats on the control thread
  uint64_t pending = 0;            // since the last report
  int last_err = 0;
  const char *where = "";
  uint64_t reported_tick = 0;
  bool ever = false;
};

struct Channel {
  int index = 0, span = 0, ts = 0;
  std::atomic<int> state{HL_CH_IDLE};
  bool outgoing = false;
  uint32_t clear_ticks = 0;  // ticks spent clearing with the far end idle
  // Analog loop start (hl_cmd_hook_guard / hl_cmd_flash).
  bool hook_guard = false;
  bool hook_pending = false;  // far end on-hook, not yet long enough to be a clear
  uint32_t hook_ticks = 0;
  uint8_t hook_offcode = 0;   // the far end's off-hook bits before it went on-hook
  uint32_t flash_ticks = 0;   // our flash still on-hook for this many ticks
  uint8_t flash_restore = 0;
  uint32_t flash_req = 0;
  uint8_t cas_rx = 0x9, cas_tx = 0x9;
  GlueDtmfRx dtmf;
  // Line echo canceller in front of the detectors (hl_cmd_echo): off by
  // default and for fax/data; the reference is what the channel sent in the
  // previous tick (what went out ahead of this tick's received audio).
  bool ec_on = false;
  // Switched on by hl_cmd_echo (the profile or a command): a fax tone turns
  // ec_on off for that call only; the next call has the canceller again.
  bool ec_want = false;
  // The driver runs the canceller (DAHDI's, with these parameters) instead
  // of dsp/echo: ec_drv while it is on; a fax tone turns it off for the call.
  bool ec_drv = false;
  hl_driver_echo ec_params{};
  int16_t ec_ref[kMaxSamples] = {};
  hl_echo_state ec;
  bool detect_dtmf = true;
  bool detect_tones = false;  // call-progress/fax; also on while we place a call
  bool tones_running = false;
  hl_callprog_state cp;
  int mf_rx_dir = -1;        // MF R2 receiver direction, -1 off
  int mf_rx_code = 0;        // code last reported
  hl_mf_r2_rx_state mf_rx;
  bool mf_tone_on = false;   // continuous MF tone (compelled signalling)
  hl_mf_r2_tx_state mf_tone; // dsp/mf_r2.h sender, as SENDMF uses
  char digits[kDigitBuf] = {};
  int ndigits = 0;
  Player play;
  Sender send;
  Collect collect;
  CallOp call;
  Recorder *rec = nullptr;
  Recorder *taps[kMaxTaps] = {};
  int route_src = -1;
  int conf = -1, conf_mode = 0, whisper_to = -1;
  R2Slot *r2 = nullptr;  // set when the span runs China No.1 (hl_board_set_signalling)
  bool conf_keep_route = false;  // routed and conferenced: hears the route plus the conference (mix.cc)
  Stream *stream = nullptr;      // attached audio stream (stream.cc), borrowed from hl_board::streams
};

// An audio stream (stream.cc). Allocated by hl_stream_open the first time a
// channel streams, kept in hl_board::streams until the board is destroyed
// (reopening reuses it: no free while the tick may hold it); the tick sees it
// through Channel::stream while attached.
struct Stream {
  Spsc<hl_audio_frame> tx;  // control thread -> tick
  Spsc<hl_audio_frame> rx;  // tick -> control thread
  bool open = false;        // control thread
  uint32_t gen = 0;         // control thread: the current generation
  int limit = 16;           // control thread: frames write() queues at most (hl_stream_opts.tx_frames)
  // tick side
  uint32_t tick_gen = 0;
  int prefill = 1, trim = 0;
  bool primed = false;
  int window = 0, min_depth = 1 << 30;  // frames since the last settle, fewest queued meanwhile (stream.cc settle)
  hl_audio_frame out{};     // the frame being sent
  int out_pos = HL_STREAM_FRAME;  // samples of `out` already sent (all: none left)
  hl_audio_frame in{};      // the frame being received
  int in_pos = 0;
  std::atomic<uint64_t> written{0}, refused{0}, sent{0}, underruns{0}, trimmed{0}, received{0}, rx_dropped{0};
};

struct Conference {
  int members[kConfMax];
  int n = 0;
};

}  // namespace hl

struct hl_board {
  int nspans = 0, nch = 0, tick_ms = 10, samples = 80;
  hl_driver drv{};
  hl::Channel *ch = nullptr;
  int16_t *rx_lin = nullptr;   // [nch][samples]
  int16_t *tx_lin = nullptr;
  uint8_t *span_rx = nullptr;  // [nspans][32][samples] A-law
  uint8_t *span_tx = nullptr;
  hl_line *line_buf = nullptr;  // [nspans][32]: the driver's line events of this tick
  hl_numbers_io numbers{};       // out-of-band numbers (the sim's side channel); put/get NULL: none
  uint32_t *span_alarms = nullptr;
  hl::Fault *span_faults = nullptr;  // [nspans]: driver errors
  hl::Fault clock_fault;             // clock_nanosleep errors
  // The clock thread's sleep (a test substitutes a failing one).
  int (*sleep_fn)(clockid_t, int, const struct timespec *, struct timespec *) = ::clock_nanosleep;
  hl::Conference *confs = nullptr;
  hl::Stream **streams = nullptr;   // [nch], control thread; null until a channel first streams
  int nconf = 0;
  hl_mix_party *parties = nullptr;  // scratch, kConfMax
  int16_t *conf_out = nullptr;      // scratch, kConfMax x kMaxSamples: conference output of routed members
  const hl_callprog_desc *cp_desc = nullptr;
  const hl_echo_desc *ec_desc = nullptr;
  hl::Spsc<hl::Cmd> cmds;
  hl::Spsc<hl_event> events;
  hl::Spsc<hl::Retire> retire;
  std::atomic<uint64_t> tick{0};
  std::atomic<uint64_t> overruns{0}, nevents{0}, dropped{0}, max_tick_ns{0}, total_tick_ns{0};
  // Ticks whose work ran over a period (stats late_ticks). On the board's own
  // clock each is also an overrun; on a card-paced board only one after
  // which audio was lost is (clock_main).
  std::atomic<uint64_t> late_ticks{0};
  uint64_t span_loss = 0;  // lost_frames + slips of every span as the last tick read them (clock thread)
  bool late_prev = false;  // the previous card-paced tick was late and had lost nothing yet
  std::atomic<uint64_t> lost{0}, deferred{0};
  std::atomic<uint64_t> rec_dropped{0};  // samples lost to full recorder rings, all recorders (stats)
  // Event slots kept free for completions: every operation that can be in
  // flight (HL_OPS_PER_CHANNEL per channel) has one (see board.h).
  size_t done_reserve = 0;
  uint64_t pending_overrun = 0, pending_drop = 0;
  bool produced = false;   // events pushed in the current tick
  // real-time clock
  std::thread clock;
  std::atomic<bool> running{false};
  std::atomic<bool> rt_priority{false};  // the clock thread got SCHED_FIFO (set there, read by stats)
  void (*wake)(void *) = nullptr;
  void *wake_ctx = nullptr;
  std::atomic<bool> wake_pending{false};
  std::atomic<uint64_t> wake_ns{0};
  // recorders (writer thread, or the stepped caller); see hl::Recorder
  std::mutex io_mu;                      // the writer's work; never taken by the tick or the control thread
  std::vector<hl::Recorder *> recs;      // under io_mu
  std::mutex rec_mu;                     // short: the two hand-over lists below
  std::vector<hl::Recorder *> rec_new;   // control thread -> writer
  std::vector<hl::Recorder *> rec_fin;   // writer -> drain (finished, durable)
  std::vector<hl_event> rec_seg;         // writer -> drain: HL_EV_SEGMENT of durable segments
  std::atomic<bool> rec_work{false};     // a recorder is new or has ended: run the writer soon
  std::atomic<bool> rec_done{false};     // rec_fin is not empty: wake JavaScript
  uint64_t rec_part_bytes = 0;           // data bytes per file (HL_REC_PART_BYTES, tests)
  uint32_t rec_ring_samples = 16384;     // per mono recorder: 2 s (HL_REC_RING_SAMPLES, tests)
  uint64_t rec_synced_ns = 0;            // drain point of the last periodic sync queued (writer, under io_mu)
  std::atomic<bool> sync_busy{false};    // a periodic sync is queued or running (writer sets, finisher clears)
  std::mutex sync_mu;                    // leaf lock: the figures below
  uint64_t sync_point_ns = 0;            // drain point of the last completed periodic sync: what a power cut keeps
  std::vector<uint32_t> sync_fig;        // per sync: duration us, lag us (pairs; the last 4096 syncs)
  std::thread writer;
  std::atomic<bool> writer_run{false};
  // Finisher (writer.cc): fsync + rename + folder fsync of ended parts, off the writer.
  std::thread finisher;
  std::mutex fin_mu;                     // leaf lock: the queue only
  std::condition_variable fin_cv;
  std::deque<void *> fin_q;              // FinJob *, in order
  bool fin_run = false;                  // under fin_mu
  std::atomic<bool> fin_async{false};    // the finisher runs: parts end on it
  std::mutex cmd_mu;  // serialises producers of the command ring (control thread + destroy)
};

namespace hl {
// engine.cc
void emit(hl_board *b, uint16_t type, int ch, int span, int a = 0, int b2 = 0, const char *text = nullptr);
void emit_done(hl_board *b, int ch, int op, uint32_t req, int reason, uint64_t duration_ms, int extra = 0, const char *text = nullptr);
// Counts a driver error (rc < 0) on a span; the tick reports it (HL_EV_FAULT).
inline void driver_rc(hl_board *b, int span, int rc, const char *where) {
  if (rc >= 0 || span < 0 || span >= b->nspans) return;
  Fault &f = b->span_faults[span];
  f.total.fetch_add(1, std::memory_order_relaxed);
  f.pending++;
  f.last_err = rc;
  f.where = where;
}
void run_tick(hl_board *b);
// The channel is idle again: operations stopped, routes and conference left, HL_EV_IDLE.
void channel_idle(hl_board *b, Channel &c);
// Queues a command for the tick (control thread): 0 or HL_ENOSPC.
int board_submit(hl_board *b, const Cmd &c);
int submit(hl_board *b, const Cmd &c);  // control thread: queue a command for the tick
// media.cc
void apply_media_cmd(hl_board *b, const Cmd &c);
void media_rx(hl_board *b, Channel &c);            // detectors, digit buffer, recorders, timers
void media_tx(hl_board *b, Channel &c, int16_t *tx);  // player/sender override
void media_taps(hl_board *b, Channel &c);
void echo_set(hl_board *b, Channel &c, bool on);  // the canceller on or off, the driver's or dsp/echo
void media_stop(hl_board *b, Channel &c, uint32_t which, uint32_t req, int reason);
void on_digit(hl_board *b, Channel &c, char d, uint64_t start_ms);
void retire_clips(hl_board *b, hl_clip **clips, int n);
// taps.cc
bool tap_start(hl_board *b, Channel &c, Recorder *r);  // C_RECORD of a tap: false when refused
void taps_tick(hl_board *b, Channel &c);              // after the channel's frame to send is final
void taps_stop(hl_board *b, Channel &c, uint32_t req, int reason);  // req 0: every tap
void tap_peer(hl_board *b, Channel &c, uint32_t req, int peer);
// stream.cc
void stream_cmd(hl_board *b, Channel &c, const Cmd &cmd);
void stream_tx(hl_board *b, Channel &c, int16_t *tx);       // before the player: adds the stream's frame
void stream_rx(hl_board *b, Channel &c);                    // after the tick's frames are final
void stream_free_all(hl_board *b);
// mix.cc
void conf_mix(hl_board *b);                          // every conference, after routes
void tx_add(int16_t *tx, const int16_t *x, int n);   // saturating add into a frame
// writer.cc
void rec_end(hl_board *b, Recorder *r, int reason, uint64_t ms, char digit);  // tick: hand over to the writer
void writer_pass(hl_board *b, bool closing);  // closing: every recorder is finished now
int rec_drain_done(hl_board *b, hl_event *out, int max);  // control thread: completions of finished files
void rec_free_all(hl_board *b);
uint64_t rec_part_limit_default();
uint32_t rec_ring_default();
int rec_errno(int e);                                  // errno -> HL_EREC_*
int rename_noreplace(const char *from, const char *to);  // 0 or HL_EREC_* (HL_EREC_EXISTS: target exists)
int sync_dir_of(const std::string &path);             // fsync of the folder holding path
void writer_start(hl_board *b);
void writer_stop(hl_board *b);
}  // namespace hl

#endif
