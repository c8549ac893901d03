// Recording binding: the start-up repair of a recording left unfinished by a
// crash (native/board/recover.cc), for src/board/recovery.ts.
#include <string>

#include "registry.h"

#include "board/recover.h"
#include "hl_errors.h"

namespace {

// recoverRecording(path) -> { file, dataBytes, repaired, truncated, renamed }.
// Throws with the HL_* code: HL_EWAV_* (not a readable WAV, with the reason)
// or HL_EREC_* (the disk refused).
Napi::Value RecoverRecording(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) hl::ThrowHl(env, HL_EINVAL, "recoverRecording needs a path");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  hl_rec_recovery r;
  int rc = hl_rec_recover(path.c_str(), &r);
  if (rc != 0) hl::ThrowHl(env, rc, r.reason[0] ? path + ": " + r.reason : path);
  Napi::Object out = Napi::Object::New(env);
  out.Set("file", Napi::String::New(env, r.file));
  out.Set("dataBytes", Napi::Number::New(env, (double)r.data_bytes));
  out.Set("repaired", Napi::Boolean::New(env, r.repaired != 0));
  out.Set("truncated", Napi::Boolean::New(env, r.truncated != 0));
  out.Set("renamed", Napi::Boolean::New(env, r.renamed != 0));
  return out;
}

void InitRecording(Napi::Env env, Napi::Object exports) {
  exports.Set("recoverRecording", Napi::Function::New(env, RecoverRecording, "recoverRecording"));
}

}  // namespace

HL_ADDON_PART(recording, InitRecording);
