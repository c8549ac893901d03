/* The error table: every code has a distinct number, a string code and a sentence. */
#include <stdio.h>
#include <string.h>
#include "hl_errors.h"

int main(void) {
  int failures = 0;
  static const int nums[] = {
#define HL_ERR(name, num, code, text) num,
#include "hl_errors.def"
#undef HL_ERR
  };
  size_t n = sizeof nums / sizeof nums[0];
  for (size_t i = 0; i < n; i++) {
    for (size_t j = i + 1; j < n; j++)
      if (nums[i] == nums[j]) { printf("FAIL: error number %d used twice\n", nums[i]); failures++; }
    if (nums[i] != HL_EUNKNOWN && strcmp(hl_err_code(nums[i]), "HL_EUNKNOWN") == 0) { printf("FAIL: %d has no code\n", nums[i]); failures++; }
    if (strlen(hl_err_text(nums[i])) < 5) { printf("FAIL: %d has no sentence\n", nums[i]); failures++; }
  }
  if (strcmp(hl_err_code(-9999), "HL_EUNKNOWN") != 0) { printf("FAIL: unknown number not reported as HL_EUNKNOWN\n"); failures++; }
  printf("errors_test: %zu codes, %d failures\n", n, failures);
  return failures ? 1 : 0;
}
