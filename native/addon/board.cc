// Binding of the channel engine (native/board) and the sim driver: one class,
// addon.Board, with plain checked arguments. Validation with full sentences
// happens in src/board; here arguments are only type-checked, and native
// errors become Error objects with the table's `code`.
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "board/board.h"
#include "drivers/dahdi/dahdi.h"
#include "drivers/sim/sim.h"
#include "hl_errors.h"
#include "registry.h"
#include "signalling/r2_board.h"

namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
// A number that must be an integer from lo to hi. Anything else is refused
// with a sentence naming the range, never wrapped or truncated (Int32Value
// turns 2^32 + 3 into 3, a uint8_t cast turns MF code 257 into 1).
int64_t IntIn(Napi::Env env, Napi::Value v, const std::string &what, int64_t lo, int64_t hi) {
  if (!v.IsNumber()) hl::ThrowHl(env, HL_EINVAL, what + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= (double)lo && d <= (double)hi) || d != std::trunc(d))
    hl::ThrowHl(env, HL_EINVAL, what + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + Num(d));
  return (int64_t)d;
}
int64_t IntArg(const Napi::CallbackInfo &info, size_t i, const char *what, int64_t lo, int64_t hi) {
  if (i >= info.Length()) hl::ThrowHl(info.Env(), HL_EINVAL, std::string(what) + " must be a number");
  return IntIn(info.Env(), info[i], what, lo, hi);
}
int32_t I32(const Napi::CallbackInfo &info, size_t i, const char *what) { return (int32_t)IntArg(info, i, what, INT32_MIN, INT32_MAX); }
// An optional int argument: 0 when absent or undefined.
int32_t OptI32(const Napi::CallbackInfo &info, size_t i, const char *what) {
  return i < info.Length() && !info[i].IsUndefined() ? I32(info, i, what) : 0;
}
uint32_t U32(const Napi::CallbackInfo &info, size_t i, const char *what) { return (uint32_t)IntArg(info, i, what, 0, UINT32_MAX); }
uint16_t Mask16(const Napi::CallbackInfo &info, size_t i, const char *what) { return (uint16_t)IntArg(info, i, what, 0, 0xffff); }
double F64(const Napi::CallbackInfo &info, size_t i, const char *what) {
  if (i >= info.Length() || !info[i].IsNumber()) hl::ThrowHl(info.Env(), HL_EINVAL, std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}
std::string Str(const Napi::CallbackInfo &info, size_t i, const char *what) {
  if (i >= info.Length() || !info[i].IsString()) hl::ThrowHl(info.Env(), HL_EINVAL, std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}
void Check(Napi::Env env, int rc, const char *what) {
  if (rc < 0) hl::ThrowHl(env, rc, what);
}

// Latency histogram of wake -> JavaScript handler, 10 us buckets up to 100 ms.
struct Hist {
  static constexpr int kBuckets = 10000;
  std::vector<uint32_t> b = std::vector<uint32_t>(kBuckets + 1, 0);
  uint64_t n = 0;
  void add(double ms) {
    int i = (int)(ms * 100.0);
    if (i < 0) i = 0;
    if (i > kBuckets) i = kBuckets;
    b[i]++;
    n++;
  }
  double pct(double p) const {
    if (!n) return -1;
    uint64_t want = (uint64_t)(p * (double)n);
    if (want >= n) want = n - 1;
    uint64_t acc = 0;
    for (int i = 0; i <= kBuckets; i++) {
      acc += b[i];
      if (acc > want) return (i + 0.5) / 100.0;
    }
    return kBuckets / 100.0;
  }
};

// A decoded prompt held by JavaScript (src/board caches them), shared by plays.
class ClipWrap : public Napi::ObjectWrap<ClipWrap> {
 public:
  static Napi::FunctionReference *ctor;
  static Napi::Function Define(Napi::Env env) {
    Napi::Function f = DefineClass(env, "Clip", {InstanceAccessor("samples", &ClipWrap::Samples, nullptr)});
    ctor = new Napi::FunctionReference(Napi::Persistent(f));
    return f;
  }
  explicit ClipWrap(const Napi::CallbackInfo &info);
  ~ClipWrap() override { hl_clip_free(clip_); }
  hl_clip *clip() const { return clip_; }

 private:
  hl_clip *clip_ = nullptr;
  Napi::Value Samples(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), hl_clip_samples(clip_)); }
};
Napi::FunctionReference *ClipWrap::ctor = nullptr;

hl_clip *MakeClipFrom(Napi::Env env, Napi::Value item, double gain, int index);

ClipWrap::ClipWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<ClipWrap>(info) {
  double gain = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
  clip_ = MakeClipFrom(info.Env(), info[0], gain, 0);
}

// Builds a clip from a Clip object (shared: one more reference), {wav: Buffer}
// or {data: Buffer, format: 1|6|7}, with gainDb (not applied to a Clip).
hl_clip *MakeClipFrom(Napi::Env env, Napi::Value item, double gain, int index) {
  if (!item.IsObject()) hl::ThrowHl(env, HL_EINVAL, "play item " + std::to_string(index) + " is not an object");
  Napi::Object o = item.As<Napi::Object>();
  if (ClipWrap::ctor && o.InstanceOf(ClipWrap::ctor->Value())) return hl_clip_ref(ClipWrap::Unwrap(o)->clip());
  hl_clip *clip = nullptr;
  if (o.Has("wav")) {
    Napi::Value v = o.Get("wav");
    if (!v.IsBuffer()) hl::ThrowHl(env, HL_EINVAL, "play item wav must be a Buffer");
    Napi::Buffer<uint8_t> w = v.As<Napi::Buffer<uint8_t>>();
    char why[160] = {};
    int rc = hl_clip_from_wav(w.Data(), w.Length(), gain, &clip, why, sizeof why);
    if (rc < 0) hl::ThrowHl(env, rc, why[0] ? std::string(why) : std::string("play item ") + std::to_string(index));
  } else {
    Napi::Value v = o.Get("data");
    if (!v.IsTypedArray()) hl::ThrowHl(env, HL_EINVAL, "play item data must be a Buffer or typed array");
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    Napi::ArrayBuffer ab = ta.ArrayBuffer();
    const uint8_t *p = static_cast<const uint8_t *>(ab.Data()) + ta.ByteOffset();
    int fmt = o.Get("format").IsNumber() ? (int)IntIn(env, o.Get("format"), "play item format", 0, 255) : 0;
    int rc = hl_clip_create(p, ta.ByteLength(), fmt, gain, &clip);
    if (rc < 0) hl::ThrowHl(env, rc, "play item " + std::to_string(index));
  }
  return clip;
}

class BoardWrap : public Napi::ObjectWrap<BoardWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Board", {
      InstanceMethod("channels", &BoardWrap::Channels),
      InstanceMethod("channelOf", &BoardWrap::ChannelOf),
      InstanceMethod("nowMs", &BoardWrap::NowMs),
      InstanceMethod("step", &BoardWrap::Step),
      InstanceMethod("start", &BoardWrap::Start),
      InstanceMethod("drain", &BoardWrap::Drain),
      InstanceMethod("answer", &BoardWrap::Answer),
      InstanceMethod("hangup", &BoardWrap::Hangup),
      InstanceMethod("call", &BoardWrap::Call),
      InstanceMethod("play", &BoardWrap::Play),
      InstanceMethod("getDigits", &BoardWrap::GetDigits),
      InstanceMethod("sendDigits", &BoardWrap::SendDigits),
      InstanceMethod("tone", &BoardWrap::Tone),
      InstanceMethod("sendMf", &BoardWrap::SendMf),
      InstanceMethod("mfTone", &BoardWrap::MfTone),
      InstanceMethod("detectMf", &BoardWrap::DetectMf),
      InstanceMethod("hookGuard", &BoardWrap::HookGuard),
      InstanceMethod("flash", &BoardWrap::Flash),
      InstanceMethod("record", &BoardWrap::Record),
      InstanceMethod("tap", &BoardWrap::Tap),
      InstanceMethod("tapPeer", &BoardWrap::TapPeer),
      InstanceMethod("streamOpen", &BoardWrap::StreamOpen),
      InstanceMethod("streamWrite", &BoardWrap::StreamWrite),
      InstanceMethod("streamRead", &BoardWrap::StreamRead),
      InstanceMethod("streamStats", &BoardWrap::StreamStats),
      InstanceMethod("streamClose", &BoardWrap::StreamClose),
      InstanceMethod("stop", &BoardWrap::Stop),
      InstanceMethod("clearDigits", &BoardWrap::ClearDigits),
      InstanceMethod("route", &BoardWrap::Route),
      InstanceMethod("detect", &BoardWrap::Detect),
      InstanceMethod("echo", &BoardWrap::Echo),
      InstanceMethod("unroute", &BoardWrap::Unroute),
      InstanceMethod("confJoin", &BoardWrap::ConfJoin),
      InstanceMethod("confLeave", &BoardWrap::ConfLeave),
      InstanceMethod("driver", &BoardWrap::Driver),
      InstanceMethod("setSignalling", &BoardWrap::SetSignalling),
      InstanceMethod("r2Cmd", &BoardWrap::R2Cmd),
      InstanceMethod("r2Info", &BoardWrap::R2Info),
      InstanceMethod("spanStatus", &BoardWrap::SpanStatus),
      InstanceMethod("channelState", &BoardWrap::ChannelState),
      InstanceMethod("stats", &BoardWrap::Stats),
      InstanceMethod("resetLatency", &BoardWrap::ResetLatency),
      InstanceMethod("syncTimes", &BoardWrap::SyncTimes),
      InstanceMethod("traceLatency", &BoardWrap::TraceLatency),
      InstanceMethod("close", &BoardWrap::Close),
      InstanceMethod("clipCheck", &BoardWrap::ClipCheck),
    });
  }

  // new Board(spans, tickMs, peers[], events?)
  explicit BoardWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<BoardWrap>(info) {
    Napi::Env env = info.Env();
    int spans = I32(info, 0, "spans");
    int tick = I32(info, 1, "tickMs");
    if (info.Length() < 3 || !info[2].IsArray()) hl::ThrowHl(env, HL_EINVAL, "peers must be an array");
    Napi::Array arr = info[2].As<Napi::Array>();
    if ((int)arr.Length() != spans || spans <= 0 || spans > 256) hl::ThrowHl(env, HL_EINVAL, "peers must list one entry per span");
    std::vector<int> peers((size_t)spans);
    for (int i = 0; i < spans; i++) {
      Napi::Value v = arr.Get((uint32_t)i);
      peers[(size_t)i] = v.IsNumber() ? (int)IntIn(env, v, "peers[" + std::to_string(i) + "]", -1, spans - 1) : -1;
    }
    if (tick != 5 && tick != 10 && tick != 20) hl::ThrowHl(env, HL_EINVAL, "tickMs must be 5, 10 or 20");
    hl_board_config cfg{};
    hl_numbers_io numbers{};
    cfg.events = info.Length() > 3 && !info[3].IsUndefined() ? I32(info, 3, "events") : 0;
    if (info.Length() > 4 && info[4].IsArray()) {
      // DAHDI: [spanno, basechan, kind, channels, law] per span; the cables are the card's (peers unused).
      Napi::Array d = info[4].As<Napi::Array>();
      if ((int)d.Length() != 5 * spans) hl::ThrowHl(env, HL_EINVAL, "dahdi must list a span number, base channel, kind, channel count and law per span");
      std::vector<hl_dahdi_span> ds((size_t)spans);
      for (int i = 0; i < spans; i++) {
        auto at = [&](int k) { return d.Get((uint32_t)(5 * i + k)); };
        ds[(size_t)i].spanno = (int)IntIn(env, at(0), "dahdi span", 1, 128);
        ds[(size_t)i].basechan = (int)IntIn(env, at(1), "dahdi basechan", 1, 4096);
        ds[(size_t)i].kind = (int)IntIn(env, at(2), "dahdi span kind", HL_DAHDI_E1, HL_DAHDI_FXO);
        ds[(size_t)i].channels = (int)IntIn(env, at(3), "dahdi channels", 1, 31);
        ds[(size_t)i].law = (int)IntIn(env, at(4), "dahdi law", HL_DAHDI_ALAW, HL_DAHDI_MULAW);
      }
      char why[256];
      const int rc = hl_dahdi_create(spans, ds.data(), tick * 8, &cfg.driver, why, sizeof why);
      if (rc != 0) hl::ThrowHl(env, rc, std::string("opening the DAHDI driver: ") + why);
      numbers = hl_dahdi_emu_numbers(&cfg.driver);
    } else {
      Check(env, hl_sim_create(spans, peers.data(), tick * 8, tick, &cfg.driver), "creating the sim driver");
      numbers = hl_sim_numbers(&cfg.driver);
    }
    cfg.spans = spans;
    cfg.tick_ms = tick;
    // The board owns the driver from here, on failure too (board.h).
    Check(env, hl_board_create(&cfg, &b_), "creating the board");
    // Out-of-band numbers are the sim's (and the userspace DAHDI's) own, not the contract's.
    hl_board_set_numbers(b_, &numbers);
  }
  ~BoardWrap() override {
    Destroy();
    if (schedstat_fd_.load() >= 0) close(schedstat_fd_.load());
  }

 private:
  hl_board *b_ = nullptr;
  Napi::ThreadSafeFunction tsfn_;
  bool running_ = false;
  Hist hist_;
  // Optional per-wake record for diagnosis (bench --trace): quadruplets of
  // (tick end, CLOCK_MONOTONIC ms; latency ms; events waiting; ms the JS
  // thread spent runnable but not running between the wake and this drain,
  // from its /proc schedstat read at both ends, -1 where unavailable).
  std::vector<double> trace_;
  size_t trace_cap_ = 0;
  std::atomic<int> schedstat_fd_{-1};     // the JS thread's schedstat, opened on it
  std::atomic<double> wake_run_delay_{-1};  // its run-queue wait so far, read at the wake

  // Run-queue wait of the JS thread so far (schedstat field 2, ns), in ms.
  double RunDelayMs() {
    const int fd = schedstat_fd_.load(std::memory_order_acquire);
    if (fd < 0) return -1;
    char buf[96];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = buf;
    std::strtoull(p, &p, 10);
    return (double)std::strtoull(p, nullptr, 10) / 1e6;
  }

  // The JS thread's scheduling before RaiseJsThread, restored on close.
  bool js_rt_ = false;
  int js_old_policy_ = SCHED_OTHER;
  sched_param js_old_param_{};

  // SCHED_FIFO 5 for the calling (JS) thread: below the clock thread (10), so
  // a tick is never delayed by JavaScript, above every normal thread, so the
  // wake after a tick does not queue behind them (see OpenOptions.jsRealtime).
  void RaiseJsThread() {
    if (js_rt_) return;
    if (pthread_getschedparam(pthread_self(), &js_old_policy_, &js_old_param_) != 0) return;
    sched_param sp{};
    sp.sched_priority = 5;
    js_rt_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
  }
  void RestoreJsThread() {
    if (!js_rt_) return;
    pthread_setschedparam(pthread_self(), js_old_policy_, &js_old_param_);
    js_rt_ = false;
  }

  void Destroy() {
    if (!b_) return;
    RestoreJsThread();
    hl_board_stop(b_);
    if (running_) {
      running_ = false;
      tsfn_.Release();
    }
    hl_board_destroy(b_);
    b_ = nullptr;
  }
  hl_board *B(const Napi::CallbackInfo &info) {
    if (!b_) hl::ThrowHl(info.Env(), HL_ECLOSED, "board");
    return b_;
  }

  Napi::Value Channels(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), hl_board_channels(B(info))); }
  Napi::Value ChannelOf(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), hl_board_channel_of(B(info), I32(info, 0, "span"), I32(info, 1, "timeslot")));
  }
  Napi::Value NowMs(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), (double)hl_board_now_ms(B(info))); }
  Napi::Value Step(const Napi::CallbackInfo &info) {
    int rc = hl_board_step(B(info), I32(info, 0, "ticks"), info.Length() > 1 && info[1].ToBoolean() ? 1 : 0);
    Check(info.Env(), rc, "stepping the board");
    return Napi::Number::New(info.Env(), rc);
  }

  static void Wake(void *ctx) {
    BoardWrap *self = static_cast<BoardWrap *>(ctx);
    // Tracing only: where the JS thread's run-queue wait stood at the wake (a pread, ~5 us).
    if (self->schedstat_fd_.load(std::memory_order_relaxed) >= 0) self->wake_run_delay_.store(self->RunDelayMs(), std::memory_order_relaxed);
    self->tsfn_.NonBlockingCall();  // at most once per tick: the board holds a wake flag until the next drain
  }

  // start(onEvents): real-time clock; onEvents() is called on the JS thread when events wait.
  Napi::Value Start(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_board *b = B(info);
    if (running_) hl::ThrowHl(env, HL_ESTATE, "the clock already runs");
    if (info.Length() < 1 || !info[0].IsFunction()) hl::ThrowHl(env, HL_EINVAL, "onEvents must be a function");
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "hotline-board", 0, 1);
    if (info.Length() > 1 && info[1].ToBoolean()) RaiseJsThread();
    // The JS handler measures nothing itself: the latency is taken here, on
    // the JS thread, right before the handler runs.
    running_ = true;
    int rc = hl_board_start(b, Wake, this);
    if (rc < 0) {
      running_ = false;
      tsfn_.Release();
      hl::ThrowHl(env, rc, "starting the clock");
    }
    return env.Undefined();
  }

  // drain(buffer) -> count of 64-byte events written into buffer.
  Napi::Value Drain(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_board *b = B(info);
    if (info.Length() < 1 || !info[0].IsBuffer()) hl::ThrowHl(env, HL_EINVAL, "drain needs a Buffer");
    Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
    int max = (int)(buf.Length() / sizeof(hl_event));
    if (info.Length() > 1 && info[1].ToBoolean()) {
      uint64_t t = hl_board_wake_tick_ns(b);
      if (t) {
        const double ms = (double)(hl_mono_ns() - t) / 1e6;
        hist_.add(ms);
        if (trace_.size() + 4 <= trace_cap_) {
          trace_.push_back((double)t / 1e6);
          trace_.push_back(ms);
          trace_.push_back((double)hl_board_pending_events(b));
          const double rd = RunDelayMs(), at_wake = wake_run_delay_.load(std::memory_order_relaxed);
          trace_.push_back(rd >= 0 && at_wake >= 0 ? rd - at_wake : -1);
        }
      }
    }
    int n = hl_board_drain(b, reinterpret_cast<hl_event *>(buf.Data()), max);
    return Napi::Number::New(env, n);
  }

  Napi::Value Answer(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_answer(B(info), I32(info, 0, "channel")), "answer");
    return info.Env().Undefined();
  }
  Napi::Value Hangup(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_hangup(B(info), I32(info, 0, "channel")), "hangup");
    return info.Env().Undefined();
  }
  // call(ch, req, timeoutMs, calling, called, category, callType): the last
  // two China No.1's KA and KD, 0 = the span's default.
  Napi::Value Call(const Napi::CallbackInfo &info) {
    std::string calling = Str(info, 3, "callerNumber"), called = Str(info, 4, "calledNumber");
    Check(info.Env(), hl_cmd_call_r2(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), U32(info, 2, "timeoutMs"),
                                     calling.c_str(), called.c_str(), OptI32(info, 5, "category"), OptI32(info, 6, "callType")),
          "call");
    return info.Env().Undefined();
  }

  static hl_clip *MakeClip(Napi::Env env, Napi::Value item, double gain, int index) {
    return MakeClipFrom(env, item, gain, index);
  }


  // clipCheck(item) -> samples; validates a prompt without playing it.
  Napi::Value ClipCheck(const Napi::CallbackInfo &info) {
    hl_clip *c = MakeClip(info.Env(), info[0], 0, 0);
    int n = hl_clip_samples(c);
    hl_clip_free(c);
    return Napi::Number::New(info.Env(), n);
  }

  // play(ch, req, items[], stopMask, gainDb)
  Napi::Value Play(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_board *b = B(info);
    int ch = I32(info, 0, "channel");
    uint32_t req = U32(info, 1, "request id");
    if (info.Length() < 3 || !info[2].IsArray()) hl::ThrowHl(env, HL_EINVAL, "items must be an array");
    Napi::Array items = info[2].As<Napi::Array>();
    uint16_t mask = Mask16(info, 3, "stop mask");
    double gain = F64(info, 4, "gainDb");
    const int flags = Flags(info, 5);
    uint32_t n = items.Length();
    if (n == 0 || n > 256) hl::ThrowHl(env, HL_EINVAL, "play needs 1 to 256 items");
    std::unique_ptr<hl_clip *[]> clips(new hl_clip *[n]());
    try {
      for (uint32_t i = 0; i < n; i++) clips[i] = MakeClip(env, items.Get(i), gain, (int)i);
    } catch (...) {
      for (uint32_t i = 0; i < n; i++) hl_clip_free(clips[i]);
      throw;
    }
    int rc = hl_cmd_play_ex(b, ch, req, clips.get(), (int)n, mask, flags);
    if (rc < 0) {
      for (uint32_t i = 0; i < n; i++) hl_clip_free(clips[i]);
      hl::ThrowHl(env, rc, "play");
    }
    clips.release();  // owned by the board now
    return env.Undefined();
  }
  // getDigits(ch, req, max, termMask, firstMs, interMs, clear)
  Napi::Value GetDigits(const Napi::CallbackInfo &info) {
    Check(info.Env(),
          hl_cmd_getdigits(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), I32(info, 2, "max"),
                           Mask16(info, 3, "terminators"), U32(info, 4, "firstDigitTimeoutMs"),
                           U32(info, 5, "interDigitTimeoutMs"), info.Length() > 6 && info[6].ToBoolean() ? 1 : 0),
          "getDigits");
    return info.Env().Undefined();
  }
  // sendDigits(ch, req, digits, onMs, offMs, levelDbm0)
  Napi::Value SendDigits(const Napi::CallbackInfo &info) {
    std::string d = Str(info, 2, "digits");
    Check(info.Env(),
          hl_cmd_senddigits_ex(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), d.c_str(), U32(info, 3, "toneMs"),
                               U32(info, 4, "gapMs"), F64(info, 5, "levelDbm0"), Flags(info, 6)),
          "sendDigits");
    return info.Env().Undefined();
  }
  // tone(ch, req, kind, durationMs)
  Napi::Value Tone(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_tone_ex(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), I32(info, 2, "tone"),
                                     U32(info, 3, "durationMs"), Flags(info, 4)),
          "playTone");
    return info.Env().Undefined();
  }
  // sendMf(ch, req, codes[], dir, onMs, offMs, levelDbm0)
  Napi::Value SendMf(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[2].IsArray()) hl::ThrowHl(env, HL_EINVAL, "codes must be an array");
    Napi::Array a = info[2].As<Napi::Array>();
    uint8_t codes[64];
    uint32_t n = a.Length();
    if (n == 0 || n > 63) hl::ThrowHl(env, HL_EINVAL, "sendMf takes 1 to 63 codes");
    // Each code checked over its full range here: a cast first would pass 257 as 1.
    for (uint32_t i = 0; i < n; i++) codes[i] = (uint8_t)IntIn(env, a.Get(i), "codes[" + std::to_string(i) + "]", 1, 15);
    Check(env, hl_cmd_sendmf(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), codes, (int)n, I32(info, 3, "direction"),
                             U32(info, 4, "toneMs"), U32(info, 5, "gapMs"), F64(info, 6, "levelDbm0")),
          "sendMf");
    return env.Undefined();
  }
  Napi::Value MfTone(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_mf_tone(B(info), I32(info, 0, "channel"), I32(info, 1, "direction"), I32(info, 2, "code"), F64(info, 3, "levelDbm0")),
          "setMfTone");
    return info.Env().Undefined();
  }
  Napi::Value HookGuard(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_hook_guard(B(info), I32(info, 0, "channel"), info.Length() > 1 && info[1].ToBoolean() ? 1 : 0), "hook guard");
    return info.Env().Undefined();
  }
  Napi::Value Flash(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_flash(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), U32(info, 2, "durationMs")), "flash");
    return info.Env().Undefined();
  }
  Napi::Value DetectMf(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_detect_mf(B(info), I32(info, 0, "channel"), I32(info, 1, "direction")), "setDetectors mf");
    return info.Env().Undefined();
  }
  // record(ch, req, path, format, tap, maxMs, silenceMs, thresholdDbm0, stopMask)
  Napi::Value Record(const Napi::CallbackInfo &info) {
    std::string path = Str(info, 2, "file");
    Check(info.Env(),
          hl_cmd_record(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), path.c_str(), I32(info, 3, "format"),
                        I32(info, 4, "tap"), U32(info, 5, "maxMs"), U32(info, 6, "silenceMs"), F64(info, 7, "threshold"),
                        Mask16(info, 8, "stop mask")),
          ("record to " + path).c_str());
    return info.Env().Undefined();
  }
  // tap(ch, req, path, format, mode, maxMs, peer, segmentMs, armed)
  Napi::Value Tap(const Napi::CallbackInfo &info) {
    std::string path = Str(info, 2, "file");
    hl_tap_opts o{I32(info, 6, "peer"), U32(info, 7, "segmentMs"), info.Length() > 8 && info[8].ToBoolean() ? 1 : 0};
    Check(info.Env(),
          hl_cmd_tap(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), path.c_str(), I32(info, 3, "format"),
                     I32(info, 4, "mode"), U32(info, 5, "maxMs"), &o),
          ("tap to " + path).c_str());
    return info.Env().Undefined();
  }
  // tapPeer(ch, req, peer): peer -1 = the channel's own sent audio
  Napi::Value TapPeer(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_tap_peer(B(info), I32(info, 0, "channel"), U32(info, 1, "request id"), I32(info, 2, "peer")), "tap repoint");
    return info.Env().Undefined();
  }
  // Audio streams (board.h hl_stream_*). streamOpen(ch, txFrames, prefill, trim) -> generation.
  Napi::Value StreamOpen(const Napi::CallbackInfo &info) {
    hl_stream_opts o{I32(info, 1, "txFrames"), I32(info, 2, "prefill"), I32(info, 3, "trim")};
    const int rc = hl_stream_open(B(info), I32(info, 0, "channel"), &o);
    Check(info.Env(), rc, "opening the audio stream");
    return Napi::Number::New(info.Env(), rc);
  }
  // streamWrite(ch, Int16Array of HL_STREAM_FRAME samples) -> false when the ring is full (counted).
  Napi::Value StreamWrite(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array ||
        info[1].As<Napi::Int16Array>().ElementLength() != HL_STREAM_FRAME)
      hl::ThrowHl(env, HL_EINVAL, "a stream frame is an Int16Array of 160 samples (20 ms)");
    const int rc = hl_stream_write(B(info), I32(info, 0, "channel"), info[1].As<Napi::Int16Array>().Data());
    if (rc == HL_ENOSPC) return Napi::Boolean::New(env, false);
    Check(env, rc, "writing to the audio stream");
    return Napi::Boolean::New(env, true);
  }
  // streamRead(ch, buffer) -> count of HL_AUDIO_FRAME_BYTES records written into buffer.
  Napi::Value StreamRead(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[1].IsBuffer()) hl::ThrowHl(env, HL_EINVAL, "streamRead needs a Buffer");
    Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
    const int max = (int)(buf.Length() / sizeof(hl_audio_frame));
    if (max <= 0 || reinterpret_cast<uintptr_t>(buf.Data()) % alignof(hl_audio_frame) != 0)
      hl::ThrowHl(env, HL_EINVAL, "streamRead needs an aligned Buffer of at least one frame");
    const int rc = hl_stream_read(B(info), I32(info, 0, "channel"), reinterpret_cast<hl_audio_frame *>(buf.Data()), max);
    Check(env, rc, "reading the audio stream");
    return Napi::Number::New(env, rc);
  }
  Napi::Value StreamStats(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_stream_stats st{};
    Check(env, hl_stream_stats_get(B(info), I32(info, 0, "channel"), &st), "audio stream stats");
    Napi::Object o = Napi::Object::New(env);
    const std::pair<const char *, double> fields[] = {
        {"written", (double)st.written}, {"refused", (double)st.refused},   {"sent", (double)st.sent},
        {"underruns", (double)st.underruns}, {"trimmed", (double)st.trimmed}, {"received", (double)st.received},
        {"rxDropped", (double)st.rx_dropped}, {"queued", (double)st.queued}};
    for (const auto &f : fields) o.Set(f.first, Napi::Number::New(env, f.second));
    return o;
  }
  Napi::Value StreamClose(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_stream_close(B(info), I32(info, 0, "channel")), "closing the audio stream");
    return info.Env().Undefined();
  }
  // Optional trailing flags (HL_TX_MIX, HL_CONF_KEEP_ROUTE): absent = 0.
  static int Flags(const Napi::CallbackInfo &info, size_t i) {
    return info.Length() > i && !info[i].IsUndefined() ? I32(info, i, "flags") : 0;
  }
  Napi::Value Stop(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_stop(B(info), I32(info, 0, "channel"), U32(info, 1, "ops"), U32(info, 2, "request id")), "stop");
    return info.Env().Undefined();
  }
  Napi::Value ClearDigits(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_clear_digits(B(info), I32(info, 0, "channel")), "clearDigits");
    return info.Env().Undefined();
  }
  // echo(channel, on[, taps, [name, value, ...]]): taps > 0 asks the
  // driver's canceller (DAHDI's) with these parameters (checked in JavaScript).
  Napi::Value Echo(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_driver_echo p{};
    if (info.Length() > 2 && !info[2].IsUndefined()) p.taps = (uint32_t)IntIn(env, info[2], "taps", 0, 1024);
    if (info.Length() > 3 && info[3].IsArray()) {
      Napi::Array a = info[3].As<Napi::Array>();
      if (a.Length() % 2 || a.Length() / 2 > HL_EC_PARAMS_MAX) hl::ThrowHl(env, HL_EINVAL, "echo canceller parameters: up to 4 name, value pairs");
      p.nparams = a.Length() / 2;
      for (uint32_t i = 0; i < p.nparams; i++) {
        Napi::Value n = a.Get(2 * i);
        if (!n.IsString()) hl::ThrowHl(env, HL_EINVAL, "an echo canceller parameter's name must be a string");
        std::snprintf(p.param[i].name, sizeof p.param[i].name, "%s", n.As<Napi::String>().Utf8Value().c_str());
        p.param[i].value = (int32_t)IntIn(env, a.Get(2 * i + 1), "echo canceller parameter", INT32_MIN, INT32_MAX);
      }
    }
    Check(env, hl_cmd_echo_params(B(info), I32(info, 0, "channel"), I32(info, 1, "on"), &p), "echoCanceller");
    return env.Undefined();
  }
  Napi::Value Detect(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_detect(B(info), I32(info, 0, "channel"), I32(info, 1, "dtmf"), I32(info, 2, "tones")), "detect");
    return info.Env().Undefined();
  }
  Napi::Value Route(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_route(B(info), I32(info, 0, "source"), I32(info, 1, "destination")), "route");
    return info.Env().Undefined();
  }
  Napi::Value Unroute(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_unroute(B(info), I32(info, 0, "channel")), "unroute");
    return info.Env().Undefined();
  }
  Napi::Value ConfJoin(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_conf_join_ex(B(info), I32(info, 0, "conference"), I32(info, 1, "channel"), I32(info, 2, "mode"),
                                          I32(info, 3, "whisperTo"), Flags(info, 4)),
          "conference join");
    return info.Env().Undefined();
  }
  Napi::Value ConfLeave(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_conf_leave(B(info), I32(info, 0, "channel")), "conference leave");
    return info.Env().Undefined();
  }
  Napi::Value Driver(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_driver(B(info), I32(info, 0, "span"), I32(info, 1, "control"), F64(info, 2, "value")), "span control");
    return info.Env().Undefined();
  }
  // setSignalling(span, variant, glarePriority, maxDnis, aniAfter, category, callType,
  // dnisRules: [prefix, length, ...]): "cas" or "china-no1" (signalling/r2_board.h);
  // JavaScript validated the profile (hl_r2_init checks again: HL_EINVAL).
  Napi::Value SetSignalling(const Napi::CallbackInfo &info) {
    std::string variant = Str(info, 1, "signalling");
    hl_r2_config cfg{};
    cfg.glare_priority = I32(info, 2, "glarePriority");
    cfg.max_dnis = I32(info, 3, "maxDnis");
    cfg.ani_after = I32(info, 4, "aniAfter");
    cfg.level_dbm0 = HL_MF_R2_SEND_DBM0;
    cfg.category = OptI32(info, 5, "category");
    cfg.kd = OptI32(info, 6, "callType");
    if (info.Length() > 7 && info[7].IsArray()) {
      Napi::Array rules = info[7].As<Napi::Array>();
      if (rules.Length() > 2 * HL_R2_DNIS_RULES) hl::ThrowHl(info.Env(), HL_EINVAL, "dnisLengths: at most 8 prefixes");
      for (uint32_t i = 0; i + 1 < rules.Length(); i += 2) {
        std::string prefix = rules.Get(i).ToString().Utf8Value();
        if (prefix.size() >= sizeof cfg.dnis_rules[0].prefix) hl::ThrowHl(info.Env(), HL_EINVAL, "dnisLengths: a prefix has at most 8 digits");
        std::memcpy(cfg.dnis_rules[i / 2].prefix, prefix.c_str(), prefix.size() + 1);
        const int32_t len = rules.Get(i + 1).ToNumber().Int32Value();
        cfg.dnis_rules[i / 2].length = (uint8_t)(len < 0 || len > 255 ? 0 : len);
      }
    }
    Check(info.Env(), hl_board_set_signalling(B(info), I32(info, 0, "span"), variant.c_str(), &cfg), "signalling");
    return info.Env().Undefined();
  }
  Napi::Value R2Cmd(const Napi::CallbackInfo &info) {
    Check(info.Env(), hl_cmd_r2(B(info), I32(info, 0, "channel"), I32(info, 1, "what"), I32(info, 2, "value")), "China No.1");
    return info.Env().Undefined();
  }
  // r2Info(ch) -> { state, cause, numbers, KA, KD, trace: string[], counters } or undefined (plain
  // CAS); stepped or in real time (signalling/r2_board.h hl_board_r2_read).
  Napi::Value R2Info(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    static hl_r2_snap copy;  // control thread only; ~0.9 KiB kept off the stack
    const int rc = hl_board_r2_read(B(info), I32(info, 0, "channel"), &copy);
    if (rc == HL_ENOENT) return env.Undefined();
    Check(env, rc, "China No.1 state");
    Napi::Object o = Napi::Object::New(env);
    o.Set("state", hl_r2_state_name(copy.state));
    o.Set("cause", hl_r2_cause_name(copy.cause));
    o.Set("callerNumber", copy.ani);
    o.Set("calledNumber", copy.dnis);
    o.Set("category", copy.category);
    o.Set("callType", copy.kd);
    const int n = hl_r2_snap_trace_line(&copy, 0, nullptr, 0);
    Napi::Array trace = Napi::Array::New(env, (size_t)n);
    char line[160];
    for (int i = 0; i < n; i++) {
      hl_r2_snap_trace_line(&copy, i, line, sizeof line);
      trace.Set((uint32_t)i, Napi::String::New(env, line));
    }
    o.Set("trace", trace);
    o.Set("traceTotal", (double)copy.trace_n);
    Napi::Object k = Napi::Object::New(env);
    const hl_r2_counters &c = copy.n;
    k.Set("callsIn", (double)c.calls_in);
    k.Set("callsOut", (double)c.calls_out);
    k.Set("offered", (double)c.offered);
    k.Set("accepted", (double)c.accepted);
    k.Set("answered", (double)c.answered);
    k.Set("glare", (double)c.glare);
    k.Set("mfSent", (double)c.mf_tx);
    k.Set("mfReceived", (double)c.mf_rx);
    Napi::Object f = Napi::Object::New(env);
    for (int i = 1; i < HL_R2_C_COUNT; i++)
      if (c.failed[i]) f.Set(hl_r2_cause_name(i), (double)c.failed[i]);
    k.Set("failed", f);
    o.Set("counters", k);
    return o;
  }
  Napi::Value SpanStatus(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_span_status st{};
    Check(env, hl_board_span_status(B(info), I32(info, 0, "span"), &st), "span status");
    Napi::Object o = Napi::Object::New(env);
    o.Set("alarms", Napi::Number::New(env, st.alarms));
    o.Set("crc4Errors", Napi::Number::New(env, (double)st.crc4_errors));
    o.Set("bipolarViolations", Napi::Number::New(env, (double)st.bpv));
    o.Set("slips", Napi::Number::New(env, (double)st.slips));
    o.Set("erroredSeconds", Napi::Number::New(env, (double)st.errored_seconds));
    o.Set("lostFrames", Napi::Number::New(env, (double)st.lost_frames));
    o.Set("driverErrors", Napi::Number::New(env, (double)st.driver_errors));
    Napi::Array drops = Napi::Array::New(env, HL_LINE_KINDS);
    for (uint32_t k = 0; k < HL_LINE_KINDS; k++) drops.Set(k, Napi::Number::New(env, (double)st.line_drops[k]));
    o.Set("lineDrops", drops);
    return o;
  }
  Napi::Value ChannelState(const Napi::CallbackInfo &info) {
    return Napi::Number::New(info.Env(), hl_board_channel_state(B(info), I32(info, 0, "channel")));
  }
  Napi::Value Stats(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    hl_board_stats st{};
    hl_board_get_stats(B(info), &st);
    Napi::Object o = Napi::Object::New(env);
    o.Set("ticks", Napi::Number::New(env, (double)st.ticks));
    o.Set("overruns", Napi::Number::New(env, (double)st.overruns));
    o.Set("lateTicks", Napi::Number::New(env, (double)st.late_ticks));
    o.Set("events", Napi::Number::New(env, (double)st.events));
    o.Set("eventsDropped", Napi::Number::New(env, (double)st.events_dropped));
    o.Set("completionsLost", Napi::Number::New(env, (double)st.completions_lost));
    o.Set("commandsDeferred", Napi::Number::New(env, (double)st.commands_deferred));
    o.Set("eventsCapacity", Napi::Number::New(env, (double)st.events_capacity));
    o.Set("clockErrors", Napi::Number::New(env, (double)st.clock_errors));
    o.Set("driverErrors", Napi::Number::New(env, (double)st.driver_errors));
    o.Set("recDropped", Napi::Number::New(env, (double)st.rec_dropped));
    o.Set("maxTickMs", Napi::Number::New(env, (double)st.max_tick_ns / 1e6));
    o.Set("meanTickMs", Napi::Number::New(env, st.ticks ? (double)st.total_tick_ns / 1e6 / (double)st.ticks : 0));
    double p50 = hist_.pct(0.5), p99 = hist_.pct(0.99);
    o.Set("latencyP50Ms", p50 < 0 ? env.Null() : Napi::Number::New(env, p50));
    o.Set("latencyP99Ms", p99 < 0 ? env.Null() : Napi::Number::New(env, p99));
    o.Set("rtPriority", Napi::Boolean::New(env, st.rt_priority != 0));
    o.Set("jsRtPriority", Napi::Boolean::New(env, js_rt_));
    o.Set("latencySamples", Napi::Number::New(env, (double)hist_.n));
    return o;
  }
  // The periodic syncs of recordings since the last call: { durationMs, lagMs } arrays (hl_board_sync_times).
  Napi::Value SyncTimes(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    std::vector<uint32_t> dur(4096), lag(4096);
    const int n = hl_board_sync_times(B(info), dur.data(), lag.data(), 4096);
    Napi::Float64Array d = Napi::Float64Array::New(env, (size_t)n), l = Napi::Float64Array::New(env, (size_t)n);
    for (int i = 0; i < n; i++) {
      d[(size_t)i] = dur[(size_t)i] / 1000.0;
      l[(size_t)i] = lag[(size_t)i] / 1000.0;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("durationMs", d);
    o.Set("lagMs", l);
    return o;
  }
  // Starts the latency histogram afresh (a benchmark measures the steady state, not the set-up).
  Napi::Value ResetLatency(const Napi::CallbackInfo &info) {
    hist_ = Hist();
    return info.Env().Undefined();
  }
  // traceLatency(maxSamples) starts recording each latency sample (0 stops);
  // traceLatency() returns what was recorded as a Float64Array of quadruplets.
  Napi::Value TraceLatency(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() > 0 && info[0].IsNumber()) {
      uint32_t n = U32(info, 0, "maxSamples");
      if (n > 10000000) hl::ThrowHl(env, HL_ERANGE, "maxSamples is at most 10,000,000");
      trace_.clear();
      trace_.shrink_to_fit();
      trace_.reserve((size_t)n * 4);
      trace_cap_ = (size_t)n * 4;
      // Opened on the JS thread: thread-self names the thread that drains.
      if (schedstat_fd_.load() < 0) schedstat_fd_.store(open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC));
      return env.Undefined();
    }
    Napi::Float64Array out = Napi::Float64Array::New(env, trace_.size());
    if (!trace_.empty()) std::memcpy(out.Data(), trace_.data(), trace_.size() * sizeof(double));
    return out;
  }
  Napi::Value Close(const Napi::CallbackInfo &info) {
    Destroy();
    return info.Env().Undefined();
  }
};

// The board's enums from board/board_enums.def, name -> number per enum, and
// the event record's layout constants: src/board/native.ts reads these
// instead of copies.
Napi::Object BoardTables(Napi::Env env) {
  Napi::Object t = Napi::Object::New(env);
  Napi::Object events = Napi::Object::New(env), ops = Napi::Object::New(env), reasons = Napi::Object::New(env),
               states = Napi::Object::New(env), tones = Napi::Object::New(env);
#define HL_EV(name, num, js) events.Set(js, num);
#define HL_OP(name, num, js) ops.Set(js, num);
#define HL_REASON(name, num, js) reasons.Set(js, num);
#define HL_STATE(name, num, js) states.Set(js, num);
#define HL_TONE(name, num, js) tones.Set(js, num);
#include "board/board_enums.def"
  t.Set("events", events);
  t.Set("ops", ops);
  t.Set("reasons", reasons);
  t.Set("states", states);
  t.Set("tones", tones);
  t.Set("eventBytes", HL_EVENT_BYTES);
  t.Set("audioFrameBytes", HL_AUDIO_FRAME_BYTES);
  t.Set("numberMax", HL_NUMBER_MAX);
  return t;
}

void InitBoard(Napi::Env env, Napi::Object exports) {
  exports.Set("Board", BoardWrap::Define(env));
  exports.Set("Clip", ClipWrap::Define(env));
  exports.Set("boardTables", BoardTables(env));
  // '' when this build has the DAHDI driver, else why not (a sentence).
  exports.Set("dahdiAvailable", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
    char why[256];
    hl_dahdi_available(why, sizeof why);
    return Napi::String::New(info.Env(), why);
  }));
}

}  // namespace

HL_ADDON_PART(board, InitBoard);
