/* check.h: a minimal assertion harness for the C unit tests (one executable per test_*.c). */
#ifndef FLOX_CHECK_H
#define FLOX_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    check_count++;                                                                    \
    if (!(cond)) {                                                                    \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                 \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                            \
  do {                                                                                \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);                   \
    check_count++;                                                                    \
    if (check_a_ != check_b_) {                                                       \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__,  \
              #a, #b, check_a_, check_b_);                                            \
    }                                                                                 \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                         \
  do {                                                                                \
    double check_a_ = (double)(a), check_b_ = (double)(b);                            \
    check_count++;                                                                    \
    if (!(fabs(check_a_ - check_b_) <= (tol))) {                                      \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: %s ~= %s failed: %.17g vs %.17g\n", __FILE__, __LINE__, \
              #a, #b, check_a_, check_b_);                                            \
    }                                                                                 \
  } while (0)

#define CHECK_STATUS(call, expected)                                                  \
  do {                                                                                \
    int check_s_ = (call);                                                            \
    check_count++;                                                                    \
    if (check_s_ != (expected)) {                                                     \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: %s returned %d, expected %d (%s)\n", __FILE__, __LINE__, \
              #call, check_s_, (int)(expected), flox_last_error());                   \
    }                                                                                 \
  } while (0)

static inline int check_report(const char *name) {
  printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
  return check_failures == 0 ? 0 : 1;
}

#endif
