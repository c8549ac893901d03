#include "hl_errors.h"

const char *hl_err_code(int err) {
  switch (err) {
#define HL_ERR(name, num, code, text) case (num): return code;
#include "hl_errors.def"
#undef HL_ERR
  }
  return "HL_EUNKNOWN";
}

const char *hl_err_text(int err) {
  switch (err) {
#define HL_ERR(name, num, code, text) case (num): return text;
#include "hl_errors.def"
#undef HL_ERR
  }
  return "unknown native error";
}
