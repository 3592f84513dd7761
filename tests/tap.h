/* tap.h - the few TAP helpers every C test uses: ok() counts and prints a
 * test point, diag() a comment.  Each test prints its own plan
 * ("1..n_test") and exits non-zero when n_fail > 0. */
#ifndef RA_TESTS_TAP_H
#define RA_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int n_test;
static int n_fail;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static inline void ok(int cond, const char *fmt, ...) {
  va_list ap;
  n_test++;
  if (!cond) n_fail++;
  printf("%s %d - ", cond ? "ok" : "not ok", n_test);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static inline void diag(const char *fmt, ...) {
  va_list ap;
  printf("# ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

#endif
