// Each binding file registers its part of the module with HL_ADDON_PART, so
// binding files are added without editing a central list (see main.cc).
#pragma once
#include <napi.h>

namespace hl {

using PartInit = void (*)(Napi::Env env, Napi::Object exports);

struct PartRegistrar {
  PartRegistrar(const char* name, PartInit init);
};

// Throws a JavaScript Error whose `code` is the stable string for a negative
// hl_err and whose message is the sentence, prefixed with what was being done.
[[noreturn]] void ThrowHl(Napi::Env env, int err, const std::string& what);

}  // namespace hl

#define HL_ADDON_PART(name, fn) \
  static ::hl::PartRegistrar hl_part_registrar_##name(#name, fn)
