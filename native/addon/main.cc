// Module entry: runs every part registered with HL_ADDON_PART and exports
// the error table, so JavaScript error codes come from hl_errors.def.
#include <vector>
#include "registry.h"
#include "hl_errors.h"

namespace hl {
namespace {
struct Part { const char* name; PartInit init; };
std::vector<Part>& parts() { static std::vector<Part> p; return p; }
}  // namespace

PartRegistrar::PartRegistrar(const char* name, PartInit init) {
  parts().push_back({name, init});
}

void ThrowHl(Napi::Env env, int err, const std::string& what) {
  std::string msg = what.empty() ? hl_err_text(err) : what + ": " + hl_err_text(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, hl_err_code(err)));
  e.Set("errno", Napi::Number::New(env, err));
  throw e;
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  Napi::Array errors = Napi::Array::New(env);
  uint32_t i = 0;
#define HL_ERR(name, num, code, text)                              \
  {                                                                \
    Napi::Object row = Napi::Object::New(env);                     \
    row.Set("errno", Napi::Number::New(env, num));                 \
    row.Set("code", Napi::String::New(env, code));                 \
    row.Set("message", Napi::String::New(env, text));              \
    errors.Set(i++, row);                                          \
  }
#include "hl_errors.def"
#undef HL_ERR
  exports.Set("errors", errors);
  Napi::Array names = Napi::Array::New(env);
  uint32_t n = 0;
  for (const Part& p : parts()) {
    p.init(env, exports);
    names.Set(n++, Napi::String::New(env, p.name));
  }
  exports.Set("parts", names);
  return exports;
}

}  // namespace hl

static Napi::Object Init(Napi::Env env, Napi::Object exports) { return hl::InitModule(env, exports); }

NODE_API_MODULE(hotline, Init)
