/* The channel engine: a board of E1 spans driven by one driver, ticking every
 * `tick_ms` (default 10 ms = 80 samples at 8 kHz). Per channel and tick it
 * reads the received frame, runs the enabled detectors, feeds the digit buffer
 * and recorders, computes the frame to send (tone/digit sender, player, route,
 * conference, or silence) and writes it.
 *
 * Threads: one "control" thread (JavaScript's) submits commands and drains
 * events; ticks run either on the control thread (stepped mode:
 * hl_board_step) or on a native real-time clock thread (hl_board_start).
 * Commands travel to the tick through a lock-free single-producer ring and
 * events come back through another; recorder audio goes to a writer thread
 * through per-recorder rings. Nothing in the tick allocates, locks or calls
 * into JavaScript. */
#ifndef HL_BOARD_BOARD_H
#define HL_BOARD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "board/driver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_board hl_board;

/* Bearer timeslots per E1 span (1-15, 17-31). */
#define HL_E1_BEARERS 30

/* The enums come from board/board_enums.def (the addon exports the same
 * table to JavaScript). */
enum hl_chan_state {
#define HL_STATE(name, num, js) name = num,
#include "board/board_enums.def"
};

enum hl_event_type {
#define HL_EV(name, num, js) name = num,
#include "board/board_enums.def"
};

enum hl_op {
#define HL_OP(name, num, js) name = num,
#include "board/board_enums.def"
};

enum hl_reason {
#define HL_REASON(name, num, js) name = num,
#include "board/board_enums.def"
};

enum hl_tone_kind {
#define HL_TONE(name, num, js) name = num,
#include "board/board_enums.def"
};

/* Numbers presented with a call (calling, called): up to this many digits
 * each (E.164 allows 15; ring text carries both with room to spare). */
#define HL_NUMBER_MAX 24

/* One event: 96 bytes, copied out in batches. */
typedef struct hl_event {
  uint16_t type;     /* hl_event_type */
  uint16_t op;       /* hl_op for HL_EV_DONE */
  int32_t channel;   /* board channel index, -1 for span events */
  int32_t span;
  uint32_t req;      /* request id for HL_EV_DONE */
  int32_t reason;    /* hl_reason for HL_EV_DONE */
  int32_t a, b;
  uint32_t a_hi;     /* HL_EV_DONE: high 32 bits of the duration (a holds the low 32) */
  uint64_t time_ms;  /* board time */
  /* NUL-terminated: digits; "calling|called" (HL_NUMBER_MAX each). A record/tap
   * done: text[0] = stop digit, text[8..15] = samples dropped (uint64),
   * text[16..19] = files written (uint32), little-endian. */
  char text[56];
} hl_event;
#define HL_EVENT_BYTES 96

/* Audio for the player, decoded to 16-bit linear by the control thread. */
typedef struct hl_clip hl_clip;
/* Creates a clip from raw samples: format HL_WAV_ALAW/HL_WAV_MULAW/HL_WAV_PCM16
 * (wav.h values 6/7/1), mono, 8 kHz. gain_db is applied once here. */
int hl_clip_create(const uint8_t *data, size_t bytes, int format, double gain_db, hl_clip **out);
/* Creates a clip from a WAV image in memory (must be 8 kHz mono). On failure
 * `why` (cap bytes) says what is wrong. */
int hl_clip_from_wav(const uint8_t *wav, size_t len, double gain_db, hl_clip **out, char *why, size_t cap);
/* Releases one reference (the last one frees the clip). */
void hl_clip_free(hl_clip *c);
/* Takes one more reference: a clip cached by the caller can be passed to any
 * number of plays, each releasing its own reference when it ends. */
hl_clip *hl_clip_ref(hl_clip *c);
int hl_clip_samples(const hl_clip *c);

typedef struct hl_board_config {
  int spans;
  int tick_ms;         /* 5, 10 or 20 */
  hl_driver driver;    /* the board takes ownership (see hl_board_create) */
  /* Event ring capacity in events, 0 for the default (65,536). It is raised to
   * a power of two of at least twice the completions that can be in flight
   * (HL_OPS_PER_CHANNEL per channel), and at most HL_EVENTS_MAX. */
  int events;
} hl_board_config;

/* Operations a channel can have in flight at once: play, get-digits, one
 * sender (digits, MF or tone), call, record, tap, flash. */
#define HL_OPS_PER_CHANNEL 7
#define HL_EVENTS_MAX (1 << 22)

/* Creates a board. Driver ownership: hl_board_create owns cfg->driver from
 * the moment it is called, whatever it returns. On success the board destroys
 * the driver in hl_board_destroy; on failure hl_board_create has destroyed it
 * already (when cfg and cfg->driver.ops are not NULL), so the caller never
 * destroys a driver it passed here. */
int hl_board_create(const hl_board_config *cfg, hl_board **out);
/* Stops the clock, ends every operation, finalises recordings, frees all. */
void hl_board_destroy(hl_board *b);
int hl_board_channels(const hl_board *b);
int hl_board_tick_ms(const hl_board *b);
uint64_t hl_board_now_ms(const hl_board *b);
uint64_t hl_board_ticks(const hl_board *b);
/* Channel index of (span, timeslot), or HL_ENOENT. */
int hl_board_channel_of(const hl_board *b, int span, int ts);

/* ----- commands (control thread). Return 0 when queued, or a negative hl_err. */
int hl_cmd_answer(hl_board *b, int ch);
int hl_cmd_hangup(hl_board *b, int ch);
/* calling, called: up to HL_NUMBER_MAX characters each (HL_EINVAL beyond). */
int hl_cmd_call(hl_board *b, int ch, uint32_t req, uint32_t timeout_ms, const char *calling, const char *called);
/* The same with China No.1's caller category (KA) and call type (KD), 1..15
 * each, 0 = the span's default (profile r2.category / r2.callType); a plain
 * CAS channel ignores them. HL_EINVAL outside 0..15. */
int hl_cmd_call_r2(hl_board *b, int ch, uint32_t req, uint32_t timeout_ms, const char *calling, const char *called,
                   int category, int kd);
/* clips: array of `n` clips (ownership passes to the board). stop_mask: bit
 * per DTMF digit (digit_bit), 0 = not interruptible. */
int hl_cmd_play(hl_board *b, int ch, uint32_t req, hl_clip **clips, int n, uint16_t stop_mask);
int hl_cmd_getdigits(hl_board *b, int ch, uint32_t req, int max, uint16_t term_mask,
                     uint32_t first_ms, uint32_t inter_ms, int clear);
int hl_cmd_senddigits(hl_board *b, int ch, uint32_t req, const char *digits, uint32_t on_ms, uint32_t off_ms, double level_dbm0);
int hl_cmd_tone(hl_board *b, int ch, uint32_t req, int kind, uint32_t duration_ms);
/* MF R2 (Q.441, two of six): send `n` codes (1..15) as pulses of on_ms with
 * off_ms between, in direction dir (0 forward 1380-1980 Hz, 1 backward
 * 1140-540 Hz), at level_dbm0 per frequency (HL_MF_LEVEL_MIN..MAX: two tones
 * above -3 dBm0 each would clip; Q.454 asks -11.5). */
#define HL_MF_LEVEL_MIN (-40.0)
#define HL_MF_LEVEL_MAX (-3.0)
int hl_cmd_sendmf(hl_board *b, int ch, uint32_t req, const uint8_t *codes, int n, int dir, uint32_t on_ms,
                  uint32_t off_ms, double level_dbm0);
/* A continuous MF R2 tone for compelled signalling: code 1..15 on, 0 off. */
int hl_cmd_mf_tone(hl_board *b, int ch, int dir, int code, double level_dbm0);
/* MF R2 receiver on the channel's received audio: dir 0/1, or -1 off.
 * Reports HL_EV_MF when the code on the line changes. */
int hl_cmd_detect_mf(hl_board *b, int ch, int dir);
/* Recorder: the writer thread creates `path`.part (never an existing file),
 * writes it, and at the end fsyncs it, renames it to `path` and fsyncs the
 * folder; only then is the done event queued. File errors come in the done
 * event (reason error, b = HL_EREC_*). Past the 4 GiB RIFF limit it rolls
 * over to `path` minus .wav + ".2.wav", ".3.wav"...
 * tap: 0 = record received audio; 1 = stereo tap (left rx, right tx); 2 = mixed tap.
 * format: HL_WAV_ALAW / HL_WAV_MULAW / HL_WAV_PCM16. max_ms 0 = no limit. */
int hl_cmd_record(hl_board *b, int ch, uint32_t req, const char *path, int format, int tap,
                  uint32_t max_ms, uint32_t silence_ms, double threshold_dbm0, uint16_t stop_mask);
/* Taps: any number up to HL_TAPS_PER_CHANNEL per channel at once (a rolling
 * recording, a per-call recording, a supervisor's), each with its own
 * recorder, ring and file, fed from the same frames. mode 1 = stereo (left:
 * received; right: what the channel sends, or the peer's received audio),
 * 2 = mixed. Files and durability as hl_cmd_record (HL_OP_TAP completion). */
#define HL_TAPS_PER_CHANNEL 4
typedef struct hl_tap_opts {
  /* The second side: -1 = what this channel sends (what its caller hears:
   * route, conference, prompts, tones), else the board channel whose received
   * audio it is (the other party). Re-pointed by hl_cmd_tap_peer. */
  int peer;
  /* Rolling segments: a new file every segment_ms (10 ms to 3 h), cut between
   * two sample frames of one continuous stream (no gap, no overlap). Files:
   * path minus .wav + "-001.wav", "-002.wav"...; each finished, durable
   * segment is reported by HL_EV_SEGMENT. 0 = one file (roll-over at 4 GiB). */
  uint32_t segment_ms;
  /* 1: accepted on an idle channel, records from the first tick the channel is
   * in a call (ringing, dialing, connected) until it is idle again; no file is
   * made for a call that never came. */
  int armed;
} hl_tap_opts;
#define HL_SEGMENT_MS_MAX (3u * 3600u * 1000u)
int hl_cmd_tap(hl_board *b, int ch, uint32_t req, const char *path, int format, int mode, uint32_t max_ms,
               const hl_tap_opts *opts);
/* Re-points the second side of tap `req` on `ch` to `peer`'s received audio
 * (-1: back to ch's own sent audio) from the next tick on: the same file goes
 * on, so a transfer neither splits nor ends a per-call recording. */
int hl_cmd_tap_peer(hl_board *b, int ch, uint32_t req, int peer);

/* Flags of play/tone/digits: HL_TX_MIX adds the prompt or tone to what the
 * channel sends (its route or conference: a beep or an announcement heard
 * over a bridge) instead of replacing it (the default). */
#define HL_TX_MIX 1
int hl_cmd_play_ex(hl_board *b, int ch, uint32_t req, hl_clip **clips, int n, uint16_t stop_mask, int flags);
int hl_cmd_senddigits_ex(hl_board *b, int ch, uint32_t req, const char *digits, uint32_t on_ms, uint32_t off_ms,
                         double level_dbm0, int flags);
int hl_cmd_tone_ex(hl_board *b, int ch, uint32_t req, int kind, uint32_t duration_ms, int flags);

/* Audio streams: real-time audio between the control thread and a channel
 * (a browser's virtual station on the network end of a station port;
 * native/board/stream.cc). One stream per channel at most. The control
 * thread writes 20 ms frames (HL_STREAM_FRAME samples, 16-bit linear) into a
 * small ring the channel sends (added to what routes and conferences send; a
 * player or sender that replaces replaces it too; silence on underrun), and
 * reads the channel's received audio in 20 ms frames; each received frame is
 * announced by an HL_EV_AUDIO event (a = the stream's generation), so the
 * existing wake (at most one per tick) carries it. Only while the channel is
 * in a call (dialing or connected): on an idle channel queued frames are
 * dropped and nothing is received. */
#define HL_STREAM_FRAME 160
typedef struct hl_audio_frame {
  uint64_t time_ms;  /* board ms of the frame's first sample */
  uint64_t mono_ns;  /* CLOCK_MONOTONIC when the tick completed it */
  uint32_t gen;      /* the stream's generation (hl_stream_open's return) */
  uint32_t pad;
  int16_t pcm[HL_STREAM_FRAME];
} hl_audio_frame;
#define HL_AUDIO_FRAME_BYTES 344
typedef struct hl_stream_opts {
  int tx_frames;  /* frames queued to send at most: 2..256; 0 = 16 */
  int prefill;    /* frames queued before sending starts, and again after an underrun: 1..tx_frames; 0 = 1 */
  int trim;       /* more than this many frames queued: the oldest are dropped (clock drift); and a queue
                   * never shorter than `prefill` over a second loses a frame (a burst's delay undone);
                   * 0 = neither */
} hl_stream_opts;
typedef struct hl_stream_stats {
  uint64_t written, refused;      /* frames written; refused on a full ring */
  uint64_t sent, underruns;       /* frames sent; ticks that found no frame while in a call */
  uint64_t trimmed;               /* frames dropped by the trim */
  uint64_t received, rx_dropped;  /* frames received; dropped on a full ring (JavaScript not reading) */
  uint32_t queued;                /* frames waiting to be sent now */
} hl_stream_stats;
/* Returns the stream's generation (> 0), or HL_ESTATE if one is open, HL_EINVAL. */
int hl_stream_open(hl_board *b, int ch, const hl_stream_opts *opts);
/* One frame (HL_STREAM_FRAME samples): 0, HL_ENOSPC (ring full, counted), HL_ESTATE (no stream). */
int hl_stream_write(hl_board *b, int ch, const int16_t *pcm);
/* Received frames of the open stream, oldest first: the count (0..max), or HL_ESTATE. */
int hl_stream_read(hl_board *b, int ch, hl_audio_frame *out, int max);
int hl_stream_stats_get(hl_board *b, int ch, hl_stream_stats *st);
int hl_stream_close(hl_board *b, int ch);
/* HL_CONF_KEEP_ROUTE: a routed channel joins a conference and keeps its
 * route: it hears its route source plus the conference (without its route
 * source a second time), and says what it says into both. The default
 * (flags 0) replaces what the channel hears by the conference. */
#define HL_CONF_KEEP_ROUTE 1
int hl_cmd_conf_join_ex(hl_board *b, int conf, int ch, int mode, int whisper_to, int flags);

/* The same with the driver's canceller and its parameters (driver.h
 * hl_driver_echo: taps, named parameters): a driver that has one per channel
 * (DAHDI) runs it; otherwise, or with p NULL or p->taps 0, the board's own
 * (dsp/echo.h). Refused (HL_EINVAL) beyond 1024 taps or 4 parameters. */
int hl_cmd_echo_params(hl_board *b, int ch, int on, const hl_driver_echo *p);

/* Numbers presented with a seizure where the line carries them out of band
 * (the sim's side channel, sim.h; nothing on a real line, whose numbers come
 * in its signalling): put on the tick thread when a call is placed, get when
 * a seizure arrives. Not part of the driver contract (driver.h). */
typedef struct hl_numbers_io {
  int (*put)(void *self, int span, int ts, const char *calling, const char *called);
  int (*get)(void *self, int span, int ts, char *calling, char *called, int cap);
  void *self;
} hl_numbers_io;
/* Before the board runs (no tick on another thread); io NULL: none. */
int hl_board_set_numbers(hl_board *b, const hl_numbers_io *io);

/* Stops operations on a channel: which = bit per hl_op (1 << op); req 0 = any. */
int hl_cmd_stop(hl_board *b, int ch, uint32_t which, uint32_t req);
int hl_cmd_clear_digits(hl_board *b, int ch);
/* Turns the DTMF detector of a channel on (default) or off, and the call-progress
 * and fax tone detector on or off (default off; always on while a call the channel
 * placed is not answered yet). -1 leaves a detector as it is. */
int hl_cmd_detect(hl_board *b, int ch, int dtmf, int tones);
/* Line echo canceller (dsp/echo.h, 64 ms tail) in front of the channel's
 * detectors and everything else that reads its received audio: 1 on (it
 * starts learning afresh), 0 off (default). Leave it off on fax and data
 * channels; a fax tone (CNG/CED) turns it off by itself. */
int hl_cmd_echo(hl_board *b, int ch, int on);
/* Analog loop start: with the hook guard on, an on-hook from the far end during
 * a call is a clear only after 800 ms; back off-hook after 50-800 ms it is a
 * hook flash (HL_EV_FLASH); shorter is a bounce and ignored. */
int hl_cmd_hook_guard(hl_board *b, int ch, int on);
/* Sends a hook flash: on-hook for ms (50-800), then off-hook again. */
int hl_cmd_flash(hl_board *b, int ch, uint32_t req, uint32_t ms);
/* dst hears src. */
int hl_cmd_route(hl_board *b, int src, int dst);
int hl_cmd_unroute(hl_board *b, int ch);
/* mode: 0 speak+listen, 1 listen, 2 whisper (to whisper_to). conf: 0..channels-1 */
int hl_cmd_conf_join(hl_board *b, int conf, int ch, int mode, int whisper_to);
int hl_cmd_conf_leave(hl_board *b, int ch);
/* Driver control (sim impairments), applied inside the tick. */
int hl_cmd_driver(hl_board *b, int span, int what, double a);

/* ----- time */
/* Stepped mode: runs up to max_ticks ticks on the calling thread; stops after
 * a tick that produced events when stop_on_event. Returns ticks run or a
 * negative hl_err (HL_ESTATE when the real-time clock runs). */
int hl_board_step(hl_board *b, int max_ticks, int stop_on_event);
/* Real-time mode: a native thread ticks on CLOCK_MONOTONIC; after a tick that
 * produced events, wake(ctx) is called at most once until the next drain. */
int hl_board_start(hl_board *b, void (*wake)(void *ctx), void *ctx);
void hl_board_stop(hl_board *b);

/* ----- events (control thread)
 * Completions (HL_EV_DONE) are never dropped: the ring keeps room for every
 * operation that can be in flight (HL_OPS_PER_CHANNEL per channel), and the
 * tick applies a queued command only while the ring has room beyond that
 * reserve (otherwise commands wait in their queue for the next tick). Any
 * other event that finds only the reserve free is dropped and counted
 * (hl_board_stats.events_dropped); an HL_EV_OVERRUN (a = 1, b = count) tells
 * JavaScript as soon as there is room again. Recordings' completions come
 * from the writer (after their files are durable) and are added by the drain. */
/* Copies up to max events out; frees what the tick retired; adds the done
 * events of recordings whose files the writer has finished. Returns the count.
 * A record/tap done: b = 0 or the hl_err of what went wrong (HL_EREC_*), and
 * in text (little-endian): [0] stop digit, [8..15] samples dropped (uint64),
 * [16..19] files written (uint32, > 1 when the recording rolled over). */
int hl_board_drain(hl_board *b, hl_event *out, int max);
/* Monotonic ns at the end of the tick whose events triggered the pending wake
 * (0 when none); read when the wake arrives, for latency figures. */
uint64_t hl_board_wake_tick_ns(hl_board *b);
/* Events waiting in the ring (relaxed; for diagnostics). */
int hl_board_pending_events(hl_board *b);

typedef struct hl_board_stats {
  /* events: pushed into the ring; events_dropped: ordinary events dropped on
   * a full ring; completions_lost: HL_EV_DONE or retired objects that found no
   * room (0 unless the reserve above is wrong: a bug, tested to stay 0). */
  uint64_t ticks, overruns, events, events_dropped, completions_lost;
  uint64_t commands_deferred;  /* ticks that left commands queued for want of event room */
  uint32_t events_capacity;
  uint64_t max_tick_ns, total_tick_ns;
  uint64_t clock_errors;   /* clock_nanosleep failures other than EINTR (HL_EV_FAULT) */
  uint64_t driver_errors;  /* errors returned by the driver inside the tick, all spans */
  uint64_t rec_dropped;    /* samples recordings and taps lost to a full ring (the writer fell behind), all channels */
  /* late_ticks: ticks whose work ran over a period. overruns: on the board's
   * own clock (the sim) every late tick (it finished after the next was
   * due); on a card-paced board (driver wait_tick) only a late tick after
   * which audio was lost (lost_frames or slips rose): the card's buffers
   * absorb the rest (driver.h "Clock"). Each overrun is also an HL_EV_OVERRUN (a = 0). */
  uint64_t late_ticks;
  int rt_priority;  /* 1 when the clock thread runs SCHED_FIFO */
} hl_board_stats;
void hl_board_get_stats(hl_board *b, hl_board_stats *st);
/* The periodic syncs of recordings since the last call (at most the last
 * 4096), oldest first, and forgets them: dur_us[i] how long the sync took,
 * lag_us[i] how far the durable point was behind when it completed (the
 * most a power cut just before it could lose). Returns how many were copied
 * (at most max). */
int hl_board_sync_times(hl_board *b, uint32_t *dur_us, uint32_t *lag_us, int max);
/* The driver's status of a span, plus the board's own count of errors the
 * driver returned on it (driver_errors, each also reported by HL_EV_FAULT). */
int hl_board_span_status(hl_board *b, int span, hl_span_status *st);
/* Channel state as the tick last saw it (relaxed read). */
int hl_board_channel_state(hl_board *b, int ch);

/* Bit of a DTMF digit in a mask: '0'-'9' -> 0-9, '*' 10, '#' 11, 'A'-'D' 12-15; -1 if not a digit. */
int hl_digit_bit(char d);
uint64_t hl_mono_ns(void);

#ifdef __cplusplus
}
#endif
#endif
