// `addon.dspBench({ seconds, channels })`: the DSP benchmark, measured in
// native code (no per-call JavaScript): how many 8 kHz channels one core
// sustains for our receive path and for SpanDSP's, on the same A-law signal,
// in the same run. SpanDSP is dlopen'ed ("libspandsp.so.2"), never linked;
// its fields are null when it is absent. CPU time is the calling thread's
// (CLOCK_THREAD_CPUTIME_ID), so the figures are per core.
#include <dlfcn.h>
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hl_errors.h"
#include "registry.h"

extern "C" {
#include "dsp/dtmf.h"
#include "dsp/echo.h"
#include "dsp/energy.h"
#include "dsp/g711.h"
#include "dsp/tone_gen.h"
#if __has_include("dsp/callprog.h")
#include "dsp/callprog.h"
#define HL_BENCH_HAVE_CALLPROG 1
#endif
}
#include "../../bench/native/dsp_tapes.h"

namespace {

constexpr int kTick = 80;  // 10 ms board tick

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// 4 s of A-law, a multiple of the tick: the 16 keys at 50/50 ms, speech-level
// noise, China busy tone, over a quiet line noise floor.
std::vector<uint8_t> MakeTape(std::string* keys) {
  tape t = {nullptr, 0, 0};
  const char* k = "123A456B789C*0#D";
  for (int i = 0; i < 16; i++) {
    tape_dtmf_n(&t, k[i], 0, 0, -10, -10, tape_ms(50));
    tape_silence(&t, 50);
  }
  size_t from = t.n;
  tape_silence(&t, 1200);
  tape_rng r = {42};
  tape_overlay_noise(&t, from, -25, &r);
  while (t.n < 32000) {
    tape_dual_n(&t, 450, -10, 0, -99, tape_ms(350));
    tape_silence(&t, 350);
  }
  t.n = 32000;
  tape_overlay_noise(&t, 0, -55, &r);
  std::vector<uint8_t> a(t.n);
  tape_to_alaw(&t, a.data());
  tape_free(&t);
  *keys = k;
  return a;
}

// Runs `per_channel(c, bytes)` for every channel, tick by tick over the tape
// (channel c starts c*7 ticks in, so decisions do not line up), until `secs`
// of CPU time have passed; returns channels sustained in real time.
template <class F>
double Measure(const std::vector<uint8_t>& tape, int channels, double secs, F per_channel, uint64_t* passes = nullptr) {
  const size_t len = tape.size();
  double t0 = CpuSeconds(), t;
  uint64_t samples = 0;
  if (passes) *passes = 0;
  do {
    if (passes) ++*passes;
    for (size_t pos = 0; pos < len; pos += kTick) {
      for (int c = 0; c < channels; c++) per_channel(c, tape.data() + (pos + (size_t)c * 7 * kTick) % len);
    }
    samples += (uint64_t)len * channels;
    t = CpuSeconds() - t0;
  } while (t < secs);
  return samples / t / 8000.0;
}

// Accumulates whole passes over the tape, slice after slice, so several
// figures can be measured in alternation (load on the machine then falls on
// all of them alike).
struct Meter {
  uint64_t samples = 0, passes = 0;
  double seconds = 0;
  template <class F>
  void Run(const std::vector<uint8_t>& tape, int channels, double slice, F per_channel) {
    uint64_t p = 0;
    double t0 = CpuSeconds();
    Measure(tape, channels, slice, per_channel, &p);
    seconds += CpuSeconds() - t0;
    passes += p;
    samples += p * tape.size() * (uint64_t)channels;
  }
  double ChannelsPerCore() const { return seconds > 0 ? samples / seconds / 8000.0 : 0.0; }
};

struct SpanDsp {
  using DigitsCb = void (*)(void*, const char*, int);
  void* (*dtmf_rx_init)(void*, DigitsCb, void*) = nullptr;
  int (*dtmf_rx)(void*, const int16_t*, int) = nullptr;
  int (*dtmf_rx_free)(void*) = nullptr;
  void* (*g711_init)(void*, int) = nullptr;
  int (*g711_decode)(void*, int16_t*, const uint8_t*, int) = nullptr;
  int (*g711_free)(void*) = nullptr;
  bool ok = false;
  SpanDsp() {
    // HL_SPANDSP_LIB names the library instead (a missing path shows the absent case).
    const char* lib = getenv("HL_SPANDSP_LIB");
    void* h = dlopen(lib && *lib ? lib : "libspandsp.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    dtmf_rx_init = reinterpret_cast<decltype(dtmf_rx_init)>(dlsym(h, "dtmf_rx_init"));
    dtmf_rx = reinterpret_cast<decltype(dtmf_rx)>(dlsym(h, "dtmf_rx"));
    dtmf_rx_free = reinterpret_cast<decltype(dtmf_rx_free)>(dlsym(h, "dtmf_rx_free"));
    g711_init = reinterpret_cast<decltype(g711_init)>(dlsym(h, "g711_init"));
    g711_decode = reinterpret_cast<decltype(g711_decode)>(dlsym(h, "g711_decode"));
    g711_free = reinterpret_cast<decltype(g711_free)>(dlsym(h, "g711_free"));
    ok = dtmf_rx_init && dtmf_rx && dtmf_rx_free && g711_init && g711_decode && g711_free;
  }
};

void CountDigit(void* user, const hl_dtmf_event* ev) {
  if (ev->type == HL_DTMF_EV_START) (*static_cast<uint64_t*>(user))++;
}
void SpCountDigits(void* user, const char*, int len) { *static_cast<uint64_t*>(user) += (uint64_t)len; }

Napi::Value DspBench(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double secs = 1.0;
  int channels = 240;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object o = info[0].As<Napi::Object>();
    if (o.Has("seconds")) secs = o.Get("seconds").ToNumber().DoubleValue();
    if (o.Has("channels")) channels = o.Get("channels").ToNumber().Int32Value();
  }
  if (!(secs > 0 && secs <= 600) || channels < 1 || channels > 100000)
    hl::ThrowHl(env, HL_EINVAL, "dspBench: seconds must be in (0, 600] and channels in 1..100000");

  std::string keys;
  std::vector<uint8_t> tape = MakeTape(&keys);
  Napi::Object out = Napi::Object::New(env);
  out.Set("channels_simulated", channels);
  out.Set("seconds_per_figure", secs);
  out.Set("tape_keys", keys);

  hl_dtmf_desc dd;
  hl_dtmf_desc_init(&dd, nullptr);
  hl_energy_desc ed;
  hl_energy_desc_init(&ed, nullptr);
  static const char* isa_names[3] = {"scalar", "sse2", "avx2"};
  out.Set("isa", isa_names[dd.isa]);
  std::vector<hl_dtmf_state> dt(channels);
  std::vector<hl_energy_state> en(channels);
  std::vector<uint64_t> digits(channels);
  // digits found per channel per pass over the tape (a sanity check that
  // the detectors did the work: the tape holds 16 keys)
  auto per_pass = [&](const std::vector<uint64_t>& v, uint64_t passes) {
    uint64_t s = 0;
    for (uint64_t x : v) s += x;
    return passes ? (double)s / channels / passes : 0.0;
  };

#ifdef HL_BENCH_HAVE_CALLPROG
  hl_callprog_desc cd;
  hl_callprog_desc_init(&cd, nullptr);
  std::vector<hl_callprog_state> cp(channels);
  for (int c = 0; c < channels; c++) hl_callprog_init(&cp[c], &cd, nullptr, nullptr);
  out.Set("callprog_included", true);
#else
  out.Set("callprog_included", false);
#endif
  for (int c = 0; c < channels; c++) hl_energy_init(&en[c], &ed, nullptr, nullptr);
  std::vector<hl_dtmf_state> dt2(channels);
  std::vector<uint64_t> digits2(channels);
  for (int c = 0; c < channels; c++) {
    hl_dtmf_init(&dt[c], &dd, CountDigit, &digits[c]);
    hl_dtmf_init(&dt2[c], &dd, CountDigit, &digits2[c]);
  }
  SpanDsp sp;
  std::vector<void*> st(channels);
  std::vector<uint64_t> spdigits(channels);
  void* g = nullptr;
  if (sp.ok) {
    for (int c = 0; c < channels; c++) st[c] = sp.dtmf_rx_init(nullptr, SpCountDigits, &spdigits[c]);
    g = sp.g711_init(nullptr, 0 /* G711_ALAW */);
  }

  // (a) full receive path, (b) DTMF alone and (c) SpanDSP, side by side: ten
  // rounds, each figure a slice per round.
  Meter rxm, dtm, spm;
  const int rounds = 10;
  for (int r = 0; r < rounds; r++) {
    // (a) the board's way: decode the tick's A-law once (SIMD), then every
    // detector reads the same 16-bit samples
    rxm.Run(tape, channels, secs / rounds, [&](int c, const uint8_t* a) {
      int16_t buf[kTick];
      hl_g711_alaw_decode_block(buf, a, kTick);
      hl_dtmf_rx_i16(&dt[c], buf, kTick);
#ifdef HL_BENCH_HAVE_CALLPROG
      hl_callprog_rx(&cp[c], buf, kTick);
      hl_callprog_event ev;
      while (hl_callprog_get_event(&cp[c], &ev)) {
      }
#endif
      hl_energy_rx(&en[c], buf, kTick);
      hl_energy_event eev;
      while (hl_energy_get_event(&en[c], &eev)) {
      }
    });
    // (b) DTMF alone, A-law bytes in
    dtm.Run(tape, channels, secs / rounds, [&](int c, const uint8_t* a) { hl_dtmf_rx_alaw(&dt2[c], a, kTick); });
    // (c) SpanDSP: its own A-law decode (g711_decode) + dtmf_rx
    if (sp.ok)
      spm.Run(tape, channels, secs / rounds, [&](int c, const uint8_t* a) {
        int16_t buf[kTick];
        sp.g711_decode(g, buf, a, kTick);
        sp.dtmf_rx(st[c], buf, kTick);
      });
  }
  const double rx = rxm.ChannelsPerCore(), dtmf_best = dtm.ChannelsPerCore();
  out.Set("rx_channels_per_core", rx);
  out.Set("rx_digits_per_channel_pass", per_pass(digits, rxm.passes));
  out.Set("dtmf_channels_per_core", dtmf_best);
  out.Set("dtmf_digits_per_channel_pass", per_pass(digits2, dtm.passes));
  if (sp.ok) {
    const double v = spm.ChannelsPerCore();
    out.Set("spandsp_channels_per_core", v);
    out.Set("spandsp_digits_per_channel_pass", per_pass(spdigits, spm.passes));
    out.Set("ratio_vs_spandsp", rx / v);
    out.Set("dtmf_ratio_vs_spandsp", dtmf_best / v);
    for (int c = 0; c < channels; c++) sp.dtmf_rx_free(st[c]);
    sp.g711_free(g);
  } else {
    out.Set("spandsp_channels_per_core", env.Null());
    out.Set("spandsp_digits_per_channel_pass", env.Null());
    out.Set("ratio_vs_spandsp", env.Null());
    out.Set("dtmf_ratio_vs_spandsp", env.Null());
  }

  // the parts of (a) alone, to show where its time goes (not interleaved)
  {
#ifdef HL_BENCH_HAVE_CALLPROG
    out.Set("callprog_channels_per_core", Measure(tape, channels, secs / 2, [&](int c, const uint8_t* a) {
      int16_t buf[kTick];
      hl_g711_alaw_decode_block(buf, a, kTick);
      hl_callprog_rx(&cp[c], buf, kTick);
      hl_callprog_event ev;
      while (hl_callprog_get_event(&cp[c], &ev)) {
      }
    }));
#else
    out.Set("callprog_channels_per_core", env.Null());
#endif
    out.Set("energy_channels_per_core", Measure(tape, channels, secs / 2, [&](int c, const uint8_t* a) {
      int16_t buf[kTick];
      hl_g711_alaw_decode_block(buf, a, kTick);
      hl_energy_rx(&en[c], buf, kTick);
      hl_energy_event eev;
      while (hl_energy_get_event(&en[c], &eev)) {
      }
    }));
  }

  // (e) the line echo canceller alone (64 ms tail, the default), 16-bit in
  // and out: received = the tape, reference = the tape 0.5 s further on
  // (its cost does not depend on the signal: every sample runs both filters)
  {
    hl_echo_desc ecd;
    hl_echo_desc_init(&ecd, nullptr);
    std::vector<hl_echo_state> ec(channels);
    for (int c = 0; c < channels; c++) hl_echo_init(&ec[c], &ecd);
    const size_t len = tape.size();
    std::vector<int16_t> lin(len);
    hl_g711_alaw_decode_block(lin.data(), tape.data(), len);
    Napi::Object ec_isa = Napi::Object::New(env);
    static const char* ec_names[2] = {"generic", "avx2"};
    double best = 0;
    for (int isa = 1; isa >= 0; isa--) {
      hl_echo_desc di = ecd;
      if (hl_echo_desc_set_isa(&di, isa) != 0) {
        ec_isa.Set(ec_names[isa], env.Null());
        continue;
      }
      for (int c = 0; c < channels; c++) hl_echo_init(&ec[c], &di);
      double v = Measure(tape, channels, secs / 2, [&](int c, const uint8_t* a) {
        const size_t at = (size_t)(a - tape.data());
        int16_t out[kTick];
        hl_echo_rx(&ec[c], lin.data() + at, lin.data() + (at + 4000) % len, out, kTick);
      });
      ec_isa.Set(ec_names[isa], v);
      if (isa == ecd.isa) best = v;
    }
    out.Set("echo_canceller_channels_per_core", best);
    out.Set("echo_canceller_channels_per_core_by_isa", ec_isa);
    out.Set("echo_canceller_tail_ms", ecd.taps / 8);
  }

  // DTMF alone for each kernel this CPU runs (the scalar one is what a CPU
  // without SSE2/AVX2 paths would get)
  Napi::Object by_isa = Napi::Object::New(env);
  for (int isa = 2; isa >= 0; isa--) {
    hl_dtmf_desc di = dd;
    if (hl_dtmf_desc_set_isa(&di, isa) != 0) {
      by_isa.Set(isa_names[isa], env.Null());
      continue;
    }
    for (int c = 0; c < channels; c++) hl_dtmf_init(&dt2[c], &di, nullptr, nullptr);
    by_isa.Set(isa_names[isa], Measure(tape, channels, secs / 2, [&](int c, const uint8_t* a) {
      hl_dtmf_rx_alaw(&dt2[c], a, kTick);
      hl_dtmf_event ev;
      while (hl_dtmf_get_event(&dt2[c], &ev)) {
      }
    }));
  }
  out.Set("dtmf_channels_per_core_by_isa", by_isa);

  // (d) G.711 block throughput, Msamples/s: decode (receive) and encode
  {
    const size_t n = 1 << 16;
    std::vector<uint8_t> codes(n), codes2(n);
    std::vector<int16_t> lin(n);
    for (size_t i = 0; i < n; i++) codes[i] = tape[i % tape.size()];
    volatile int16_t sink = 0;
    double t0 = CpuSeconds(), t;
    uint64_t done = 0;
    do {
      hl_g711_alaw_decode_block(lin.data(), codes.data(), n);
      sink = sink + lin[done % n];
      done += n;
      t = CpuSeconds() - t0;
    } while (t < secs / 2);
    double dec = done / t / 1e6;
    t0 = CpuSeconds();
    done = 0;
    do {
      hl_g711_alaw_encode_block(codes2.data(), lin.data(), n);
      sink = sink + codes2[done % n];
      done += n;
      t = CpuSeconds() - t0;
    } while (t < secs / 2);
    double enc = done / t / 1e6;
    out.Set("g711_msamples_per_s", dec);
    out.Set("g711_decode_msamples_per_s", dec);
    out.Set("g711_encode_msamples_per_s", enc);
  }
  return out;
}

// `addon.spandspDtmf(pcm: Int16Array)`: SpanDSP's dtmf_rx over 16-bit
// samples (in 80-sample ticks, as the board feeds ours), for comparison
// columns in tests: { digits, at } with `at[i]` the sample index of the tick
// in which digit i was reported (SpanDSP's realtime callback), or null when
// libspandsp.so.2 is absent.
struct SpRealtime {
  std::string digits;
  std::vector<double> at;
  size_t now = 0;
};
void SpOnTone(void* user, int code, int, int) {
  SpRealtime* r = static_cast<SpRealtime*>(user);
  if (code) {
    r->digits.push_back((char)code);
    r->at.push_back((double)r->now);
  }
}

Napi::Value SpandspDtmf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array)
    hl::ThrowHl(env, HL_EINVAL, "spandspDtmf: pass an Int16Array of 8 kHz samples");
  static void* h = dlopen("libspandsp.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!h) return env.Null();
  using Init = void* (*)(void*, void (*)(void*, const char*, int), void*);
  using Rt = void (*)(void*, void (*)(void*, int, int, int), void*);
  using Rx = int (*)(void*, const int16_t*, int);
  using Free = int (*)(void*);
  auto init = reinterpret_cast<Init>(dlsym(h, "dtmf_rx_init"));
  auto rt = reinterpret_cast<Rt>(dlsym(h, "dtmf_rx_set_realtime_callback"));
  auto rx = reinterpret_cast<Rx>(dlsym(h, "dtmf_rx"));
  auto fr = reinterpret_cast<Free>(dlsym(h, "dtmf_rx_free"));
  if (!init || !rt || !rx || !fr) return env.Null();
  Napi::Int16Array pcm = info[0].As<Napi::Int16Array>();
  SpRealtime r;
  void* s = init(nullptr, nullptr, nullptr);
  rt(s, SpOnTone, &r);
  const size_t n = pcm.ElementLength();
  for (size_t i = 0; i < n; i += kTick) {
    const int k = (int)(n - i < (size_t)kTick ? n - i : (size_t)kTick);
    r.now = i;
    rx(s, pcm.Data() + i, k);
  }
  fr(s);
  Napi::Object out = Napi::Object::New(env);
  out.Set("digits", r.digits);
  Napi::Float64Array at = Napi::Float64Array::New(env, r.at.size());
  for (size_t i = 0; i < r.at.size(); i++) at[i] = r.at[i];
  out.Set("at", at);
  return out;
}

void InitDspBench(Napi::Env env, Napi::Object exports) {
  exports.Set("dspBench", Napi::Function::New(env, DspBench));
  exports.Set("spandspDtmf", Napi::Function::New(env, SpandspDtmf));
}

}  // namespace

HL_ADDON_PART(dsp_bench, InitDspBench);
