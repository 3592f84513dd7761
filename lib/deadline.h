/* deadline.h - one time budget per request, shared by the stages of a
 * search: when it runs out, a stage that has not started is skipped and
 * one that has stops where it is, and the results say which stage was cut
 * short (ra_results.cut_short).  Measured on CLOCK_MONOTONIC, so a clock
 * change cannot stretch or shrink it.  Header only: the checks sit in hot
 * loops and cost one clock read. */
#ifndef RA_DEADLINE_H
#define RA_DEADLINE_H

#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A search's budget when the caller gives none (docs/query-language.md). */
#define RA_DEADLINE_DEFAULT_MS 2000

/* An absolute CLOCK_MONOTONIC time in nanoseconds; 0: no deadline. */
typedef struct ra_deadline {
  uint64_t at_ns;
} ra_deadline;

static inline uint64_t ra_deadline_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ms from now; ms < 0: no deadline. */
static inline ra_deadline ra_deadline_in_ms(long ms) {
  ra_deadline d = {0};
  if (ms >= 0) d.at_ns = ra_deadline_now_ns() + (uint64_t)ms * 1000000ull;
  if (ms >= 0 && d.at_ns == 0) d.at_ns = 1;
  return d;
}

static inline int ra_deadline_expired(const ra_deadline *d) {
  return d && d->at_ns && ra_deadline_now_ns() >= d->at_ns;
}

/* Seconds left (0 once past); `none` when there is no deadline. */
static inline double ra_deadline_remaining_s(const ra_deadline *d, double none) {
  if (!d || !d->at_ns) return none;
  uint64_t now = ra_deadline_now_ns();
  return now >= d->at_ns ? 0.0 : (double)(d->at_ns - now) / 1e9;
}

#ifdef __cplusplus
}
#endif
#endif
