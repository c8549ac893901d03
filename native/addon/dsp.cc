// DSP binding: offline detection over a whole buffer (the `hotline detect`
// tool and tests), WAV parsing and header writing, G.711 block coding.
// Thin and guarded: src/dsp/ validates arguments first; here every value is
// checked again for type and range, because a bad length must never reach C.
// Events come back as one batch of parallel typed arrays, never one
// JavaScript call or object per event.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "registry.h"

extern "C" {
#include "dsp/callprog.h"
#include "dsp/dtmf.h"
#include "dsp/g711.h"
#include "dsp/mf_r2.h"
#include "dsp/wav.h"
#include "hl_errors.h"
}

namespace {

// Sample encodings, as numbered by src/dsp/native.ts.
enum Encoding { kPcm16 = 0, kAlaw = 1, kUlaw = 2 };
// Event kinds in the batch, as numbered by src/dsp/native.ts.
enum Kind { kDtmf = 1, kMfForward = 2, kMfBackward = 3, kCallProgress = 4 };

struct Ev {
  int kind;
  int code;  // DTMF: the digit's char code; MF: 1..15; call progress: hl_cp_tone
  int channel;
  uint64_t start, end;
  float level;  // dBm0 where the detector gives one, else NaN
};

struct Collector {
  std::vector<Ev> done;
  // Open tones, closed when their off event (or the end of the signal) comes.
  std::vector<Ev> open;
  int channel = 0;

  void Start(int kind, int code, uint64_t start, float level) { open.push_back({kind, code, channel, start, 0, level}); }
  void End(int kind, int code, uint64_t start, uint64_t end) {
    for (size_t i = 0; i < open.size(); i++) {
      if (open[i].kind == kind && open[i].code == code && open[i].start == start) {
        Ev e = open[i];
        e.end = end;
        done.push_back(e);
        open.erase(open.begin() + static_cast<long>(i));
        return;
      }
    }
  }
  void Flush(uint64_t total) {
    for (Ev e : open) {
      e.end = total;
      done.push_back(e);
    }
    open.clear();
  }
};

void OnDtmf(void* user, const hl_dtmf_event* ev) {
  auto* c = static_cast<Collector*>(user);
  if (ev->type == HL_DTMF_EV_START)
    c->Start(kDtmf, ev->digit, ev->start, std::min(ev->low_dbm0, ev->high_dbm0));
  else
    c->End(kDtmf, ev->digit, ev->start, ev->end);
}

struct MfUser {
  Collector* c;
  int kind;
};
void OnMf(void* user, const hl_mf_r2_event* ev) {
  auto* u = static_cast<MfUser*>(user);
  if (ev->on)
    u->c->Start(u->kind, ev->code, ev->start, NAN);
  else
    u->c->End(u->kind, ev->code, ev->start, ev->end);
}

void OnCp(void* user, const hl_callprog_event* ev) {
  auto* c = static_cast<Collector*>(user);
  if (ev->on)
    c->Start(kCallProgress, ev->tone, ev->start, ev->level_dbm0);
  else
    c->End(kCallProgress, ev->tone, ev->start, ev->end);
}

uint32_t ToU32(const Napi::Value& v, const char* what, uint32_t lo, uint32_t hi) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || d != static_cast<double>(static_cast<uint32_t>(d)))
    throw Napi::RangeError::New(v.Env(), std::string(what) + " is out of range");
  return static_cast<uint32_t>(d);
}

// Bytes of a Buffer / Uint8Array / any TypedArray argument.
void Bytes(const Napi::Value& v, const uint8_t** p, size_t* n) {
  if (v.IsTypedArray()) {
    auto ta = v.As<Napi::TypedArray>();
    *p = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    *n = ta.ByteLength();
    return;
  }
  throw Napi::TypeError::New(v.Env(), "samples must be a Buffer or typed array");
}

// detect(bytes, encoding, channels) -> { samples, kind, code, channel, start, end, level }
// bytes: interleaved frames; PCM16 little-endian.
Napi::Value Detect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throw Napi::TypeError::New(env, "detect(bytes, encoding, channels)");
  const uint8_t* bytes;
  size_t nbytes;
  Bytes(info[0], &bytes, &nbytes);
  uint32_t enc = ToU32(info[1], "encoding", 0, 2);
  uint32_t channels = ToU32(info[2], "channels", 1, 2);
  size_t bps = enc == kPcm16 ? 2 : 1;
  size_t frames = nbytes / (bps * channels);

  static hl_dtmf_desc dtmf_desc;  // built once per process, read-only after
  static hl_callprog_desc cp_desc;
  static bool ready = [] {
    return hl_dtmf_desc_init(&dtmf_desc, nullptr) == 0 && hl_callprog_desc_init(&cp_desc, nullptr) == 0;
  }();
  if (!ready) hl::ThrowHl(env, HL_EINVAL, "building the DSP descriptors");

  Collector col;
  std::vector<int16_t> lin(frames);
  for (uint32_t ch = 0; ch < channels; ch++) {
    col.channel = static_cast<int>(ch);
    for (size_t i = 0; i < frames; i++) {
      const uint8_t* s = bytes + (i * channels + ch) * bps;
      lin[i] = enc == kPcm16   ? static_cast<int16_t>(s[0] | (s[1] << 8))
               : enc == kAlaw ? hl_g711_alaw_to_i16[s[0]]
                              : hl_g711_ulaw_to_i16[s[0]];
    }
    hl_dtmf_state dtmf;
    hl_callprog_state cp;
    hl_mf_r2_rx_state fwd, bwd;
    MfUser uf{&col, kMfForward}, ub{&col, kMfBackward};
    hl_dtmf_init(&dtmf, &dtmf_desc, OnDtmf, &col);
    hl_callprog_init(&cp, &cp_desc, OnCp, &col);
    hl_mf_r2_rx_init(&fwd, HL_MF_R2_FORWARD, OnMf, &uf);
    hl_mf_r2_rx_init(&bwd, HL_MF_R2_BACKWARD, OnMf, &ub);
    // 10 ms chunks, as the board feeds them.
    for (size_t i = 0; i < frames; i += 80) {
      size_t m = std::min<size_t>(80, frames - i);
      hl_dtmf_rx_i16(&dtmf, lin.data() + i, m);
      hl_callprog_rx(&cp, lin.data() + i, m);
      hl_mf_r2_rx(&fwd, lin.data() + i, m);
      hl_mf_r2_rx(&bwd, lin.data() + i, m);
    }
    col.Flush(frames);
  }
  std::stable_sort(col.done.begin(), col.done.end(), [](const Ev& a, const Ev& b) {
    return a.start != b.start ? a.start < b.start : a.channel < b.channel;
  });
  size_t n = col.done.size();
  auto kind = Napi::Uint8Array::New(env, n);
  auto code = Napi::Int32Array::New(env, n);
  auto chan = Napi::Uint8Array::New(env, n);
  auto start = Napi::Float64Array::New(env, n);
  auto end = Napi::Float64Array::New(env, n);
  auto level = Napi::Float32Array::New(env, n);
  for (size_t i = 0; i < n; i++) {
    const Ev& e = col.done[i];
    kind[i] = static_cast<uint8_t>(e.kind);
    code[i] = e.code;
    chan[i] = static_cast<uint8_t>(e.channel);
    start[i] = static_cast<double>(e.start);
    end[i] = static_cast<double>(e.end);
    level[i] = e.level;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("samples", Napi::Number::New(env, static_cast<double>(frames)));
  out.Set("kind", kind);
  out.Set("code", code);
  out.Set("channel", chan);
  out.Set("start", start);
  out.Set("end", end);
  out.Set("level", level);
  return out;
}

// wavParse(bytes, lenient) -> { format, channels, rate, dataOffset, dataBytes, frames, shortData }
// Throws an Error with code HL_EWAV_* and the parser's reason as message.
Napi::Value WavParse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint8_t* bytes;
  size_t n;
  if (info.Length() < 1) throw Napi::TypeError::New(env, "wavParse(bytes, lenient)");
  Bytes(info[0], &bytes, &n);
  bool lenient = info.Length() > 1 && info[1].ToBoolean().Value();
  hl_wav_info wi;
  int rc = hl_wav_parse(bytes, n, lenient ? HL_WAV_LENIENT : 0, &wi);
  if (rc != 0) {
    Napi::Error e = Napi::Error::New(env, wi.reason);
    e.Set("code", Napi::String::New(env, hl_err_code(rc)));
    e.Set("errno", Napi::Number::New(env, rc));
    throw e;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("format", Napi::Number::New(env, wi.format));
  o.Set("channels", Napi::Number::New(env, wi.channels));
  o.Set("rate", Napi::Number::New(env, wi.rate));
  o.Set("dataOffset", Napi::Number::New(env, static_cast<double>(wi.data_offset)));
  o.Set("dataBytes", Napi::Number::New(env, static_cast<double>(wi.data_bytes)));
  o.Set("frames", Napi::Number::New(env, static_cast<double>(wi.frames)));
  o.Set("shortData", Napi::Boolean::New(env, wi.short_data != 0));
  return o;
}

// wavHeader(format, channels, dataBytes) -> Buffer
Napi::Value WavHeader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throw Napi::TypeError::New(env, "wavHeader(format, channels, dataBytes)");
  uint32_t format = ToU32(info[0], "format", 0, 0xFFFF);
  uint32_t channels = ToU32(info[1], "channels", 0, 0xFFFF);
  uint32_t data = ToU32(info[2], "dataBytes", 0, 0xFFFFFFFFu);
  uint8_t hdr[64];
  int h = hl_wav_write_header(hdr, sizeof hdr, static_cast<int>(format), static_cast<int>(channels), data);
  if (h < 0) hl::ThrowHl(env, h, "writing a WAV header");
  return Napi::Buffer<uint8_t>::Copy(env, hdr, static_cast<size_t>(h));
}

// g711Encode(Int16Array, encoding 1|2) -> Buffer; g711Decode(bytes, encoding) -> Int16Array
Napi::Value G711Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array)
    throw Napi::TypeError::New(env, "g711Encode(Int16Array, encoding)");
  auto src = info[0].As<Napi::Int16Array>();
  uint32_t enc = ToU32(info[1], "encoding", 1, 2);
  auto out = Napi::Buffer<uint8_t>::New(env, src.ElementLength());
  if (enc == kAlaw) hl_g711_alaw_encode_block(out.Data(), src.Data(), src.ElementLength());
  else hl_g711_ulaw_encode_block(out.Data(), src.Data(), src.ElementLength());
  return out;
}

Napi::Value G711Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2) throw Napi::TypeError::New(env, "g711Decode(bytes, encoding)");
  const uint8_t* bytes;
  size_t n;
  Bytes(info[0], &bytes, &n);
  uint32_t enc = ToU32(info[1], "encoding", 1, 2);
  auto out = Napi::Int16Array::New(env, n);
  if (enc == kAlaw) hl_g711_alaw_decode_block(out.Data(), bytes, n);
  else hl_g711_ulaw_decode_block(out.Data(), bytes, n);
  return out;
}

void InitDsp(Napi::Env env, Napi::Object exports) {
  Napi::Object dsp = Napi::Object::New(env);
  dsp.Set("detect", Napi::Function::New(env, Detect, "detect"));
  dsp.Set("wavParse", Napi::Function::New(env, WavParse, "wavParse"));
  dsp.Set("wavHeader", Napi::Function::New(env, WavHeader, "wavHeader"));
  dsp.Set("g711Encode", Napi::Function::New(env, G711Encode, "g711Encode"));
  dsp.Set("g711Decode", Napi::Function::New(env, G711Decode, "g711Decode"));
  exports.Set("dsp", dsp);
}

}  // namespace

HL_ADDON_PART(dsp, InitDsp);
