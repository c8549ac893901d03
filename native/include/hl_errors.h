#ifndef HL_ERRORS_H
#define HL_ERRORS_H
/* Error codes shared by every native layer: 0 or a negative hl_err value. */
#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_err {
#define HL_ERR(name, num, code, text) name = (num),
#include "hl_errors.def"
#undef HL_ERR
} hl_err;

/* Stable string code ("HL_EINVAL") and sentence for an error number; unknown
 * numbers give "HL_EUNKNOWN". */
const char *hl_err_code(int err);
const char *hl_err_text(int err);

#ifdef __cplusplus
}
#endif
#endif
