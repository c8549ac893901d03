// `addon.r2Bench({ spans, calls, holdMs, noiseDbm0 })`: China No.1 traffic
// on `spans` E1 spans of 30 circuits, both ends ours (signalling/r2_cable.h),
// measured in native code: calls placed half from each end, setup time
// percentiles (the caller's seize -> KB "free", in line time), calls per
// second of line time, stuck channels, and the cost of a channel in register
// signalling (wall ns per 10 ms step, CLOCK_MONOTONIC around each step).
#include <time.h>

#include <cstring>

#include "hl_errors.h"
#include "registry.h"

#include "signalling/r2_cable.h"

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
double WallSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

Napi::Value R2Bench(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int spans = 64, calls = 10000, hold = 500;
  double noise = -55;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object o = info[0].As<Napi::Object>();
    if (o.Has("spans")) spans = o.Get("spans").ToNumber().Int32Value();
    if (o.Has("calls")) calls = o.Get("calls").ToNumber().Int32Value();
    if (o.Has("holdMs")) hold = o.Get("holdMs").ToNumber().Int32Value();
    if (o.Has("noiseDbm0")) noise = o.Get("noiseDbm0").ToNumber().DoubleValue();
  }
  if (spans < 1 || spans > 128 || calls < 2 || calls > 1000000 || hold < 0 || hold > 60000)
    hl::ThrowHl(env, HL_EINVAL, "r2Bench: spans 1..128, calls 2..1000000, holdMs 0..60000");
  const int circuits = spans * 30;
  // The called ends know the hotline's number is 5 digits; the caller's
  // number is asked after the first digit (as the C tests do).
  hl_r2_config a{}, b{};
  a.glare_priority = 1;
  a.max_dnis = b.max_dnis = 5;
  a.ani_after = b.ani_after = 1;
  a.level_dbm0 = b.level_dbm0 = HL_MF_R2_SEND_DBM0;
  hl_r2_cable *k = hl_r2_cable_create(circuits, 80, &a, &b, nullptr, nullptr, 2026);
  if (!k) hl::ThrowHl(env, HL_ENOMEM, "r2Bench: cable");
  const hl_r2_impair imp = {-6, noise, 0.3, 0.001};
  hl_r2_cable_impair(k, 0, &imp);
  hl_r2_cable_impair(k, 1, &imp);
  hl_r2_cable_measure(k, 1);
  static hl_r2_traffic t;  // 8 KiB of histogram: not on the JS thread's stack
  std::memset(&t, 0, sizeof t);
  t.per_way = calls / 2;
  t.hold_ms = hold;
  t.gap_ms = 50;
  t.max_ms = 3600 * 1000;
  const double c0 = CpuSeconds(), w0 = WallSeconds();
  const int rc = hl_r2_cable_traffic(k, &t);
  const double cpu = CpuSeconds() - c0, wall = WallSeconds() - w0;
  uint64_t steps = 0, ns = 0;
  hl_r2_cable_register_steps(k, &steps, &ns);
  hl_r2_cable_destroy(k);
  if (rc != 0) hl::ThrowHl(env, rc, "r2Bench: traffic");

  Napi::Object out = Napi::Object::New(env);
  const int placed = t.calls[0] + t.calls[1], ok = t.ok[0] + t.ok[1];
  out.Set("spans", spans);
  out.Set("circuits", circuits);
  out.Set("calls", placed);
  out.Set("answered_calls", ok);
  out.Set("failed_calls", placed - ok);
  out.Set("stuck_channels", t.stuck);
  out.Set("setup_p50_ms", hl_r2_traffic_setup_pct(&t, 50));
  out.Set("setup_p99_ms", hl_r2_traffic_setup_pct(&t, 99));
  out.Set("setup_max_ms", (double)t.setup_max_ms);
  const double line_s = (double)t.line_ms / 1000.0;
  out.Set("line_seconds", line_s);
  out.Set("calls_per_s", line_s > 0 ? ok / line_s : 0);
  out.Set("cpu_seconds", cpu);
  out.Set("wall_seconds", wall);
  // Line time simulated per second of CPU: above 1, one core keeps 64 spans in real time.
  out.Set("realtime_factor", cpu > 0 ? line_s / cpu : 0);
  const double step_us = steps ? (double)ns / (double)steps / 1000.0 : 0;
  out.Set("register_step_us", step_us);
  // Share of one core a channel takes while in register signalling (a 10 ms step each 10 ms).
  out.Set("register_cpu_percent_per_channel", step_us / 100.0);
  out.Set("register_channels_per_core", step_us > 0 ? 10000.0 / step_us : 0);
  Napi::Object causes = Napi::Object::New(env);
  for (int i = 1; i < HL_R2_C_COUNT; i++)
    if (t.causes[i]) causes.Set(hl_r2_cause_name(i), t.causes[i]);
  out.Set("failure_causes", causes);
  out.Set("hold_ms", hold);
  out.Set("noise_dbm0", noise);
  return out;
}

void InitR2Bench(Napi::Env env, Napi::Object exports) { exports.Set("r2Bench", Napi::Function::New(env, R2Bench)); }

}  // namespace

HL_ADDON_PART(r2bench, InitR2Bench);
