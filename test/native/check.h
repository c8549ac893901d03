/* The C tests' one assertion: counts a failure and says where and what, with
 * printf-style detail; after 30 failures it only counts (a broken kernel
 * should not bury the summary). main() returns `failures ? 1 : 0`. */
#ifndef HL_TEST_CHECK_H
#define HL_TEST_CHECK_H
#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                               \
  do {                                                 \
    if (!(cond)) {                                     \
      failures++;                                      \
      if (failures <= 30) {                            \
        printf("FAIL %s:%d: ", __FILE__, __LINE__);    \
        printf(__VA_ARGS__);                           \
        printf("\n");                                  \
        fflush(stdout); /* kept if a sanitizer aborts */ \
      }                                                \
    }                                                  \
  } while (0)

#endif
