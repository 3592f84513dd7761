/* test_cache.c - TAP tests for lib/cache.c, the bounded LRU map behind the
 * FastCGI endpoint's answer cache: hits and misses, replacement, least
 * recently used eviction, the byte budget, values too large to keep, a
 * zero budget, and 200,000 random operations checked against a simple
 * model (run under AddressSanitizer for the memory half). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

#include "tap.h"

static int get_is(ra_cache *c, const char *k, const char *want) {
  size_t vl = 0;
  const char *v = ra_cache_get(c, k, strlen(k), &vl);
  if (!want) return v == NULL;
  return v && vl == strlen(want) && memcmp(v, want, vl) == 0;
}

static void put(ra_cache *c, const char *k, const char *v) {
  ra_error err;
  ra_error_clear(&err);
  ra_cache_put(c, k, strlen(k), v, strlen(v), &err);
}

static void test_basics(void) { /* 6 */
  ra_cache *c = NULL;
  ra_error err;
  ra_error_clear(&err);
  ok(ra_cache_new(1 << 20, &c, &err) == RA_OK && c, "a 1 MB cache");
  put(c, "q=a", "answer a");
  put(c, "q=b", "answer b");
  ok(get_is(c, "q=a", "answer a") && get_is(c, "q=b", "answer b") && get_is(c, "q=c", NULL),
     "stored values come back, unknown keys miss");
  put(c, "q=a", "new a");
  ok(get_is(c, "q=a", "new a"), "a put replaces the value");
  /* Keys are bytes: a NUL inside and a prefix are different keys. */
  ra_cache_put(c, "k\0x", 3, "one", 3, &err);
  ra_cache_put(c, "k", 1, "two", 3, &err);
  size_t vl = 0;
  const char *v1 = ra_cache_get(c, "k\0x", 3, &vl);
  int first = v1 && vl == 3 && memcmp(v1, "one", 3) == 0;
  const char *v2 = ra_cache_get(c, "k", 1, &vl);
  ok(first && v2 && memcmp(v2, "two", 3) == 0, "keys are compared as bytes, NUL included");
  ra_cache_stats s;
  ra_cache_get_stats(c, &s);
  ok(s.entries == 4 && s.hits >= 5 && s.misses == 1 && s.bytes > 0,
     "stats: %zu entries, %llu hits, %llu misses", s.entries, s.hits, s.misses);
  ra_cache_clear(c);
  ra_cache_get_stats(c, &s);
  ok(get_is(c, "q=a", NULL) && s.entries == 0 && s.bytes == 0, "clear empties it");
  ra_cache_free(c);
  ra_cache_free(NULL);
}

static void test_budget(void) { /* 5 */
  ra_cache *c = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_cache_new(4096, &c, &err);
  char big[1500];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  put(c, "1", big);
  put(c, "2", big);
  get_is(c, "1", big); /* 1 is now more recent than 2 */
  put(c, "3", big);    /* over budget: 2 goes */
  ok(get_is(c, "1", big) && get_is(c, "2", NULL) && get_is(c, "3", big),
     "the least recently used entry is evicted first");
  ra_cache_stats s;
  ra_cache_get_stats(c, &s);
  ok(s.bytes <= 4096, "the byte budget holds (%zu of 4096)", s.bytes);
  char huge[5000];
  memset(huge, 'y', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';
  put(c, "4", huge);
  ok(get_is(c, "4", NULL) && get_is(c, "1", big), "a value over the budget is not kept");
  put(c, "1", huge);
  ok(get_is(c, "1", NULL), "replacing with a value over the budget drops the old one");
  ra_cache_free(c);
  ra_cache_new(0, &c, &err);
  put(c, "a", "b");
  ok(get_is(c, "a", NULL), "a zero budget stores nothing");
  ra_cache_free(c);
}

/* The model: an array of (key, value, last use), capacity by the cache's
 * own accounting is not modelled; checked is that a hit always returns
 * the last value put, and that the cache never exceeds its budget. */
#define NKEYS 300
static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)rng;
}

static void test_random(void) { /* 2 */
  ra_cache *c = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_cache_new(64 * 1024, &c, &err);
  static char model[NKEYS][200];
  static int has[NKEYS];
  int wrong = 0, over = 0, hits = 0;
  for (int it = 0; it < 200000; it++) {
    unsigned k = rnd() % NKEYS;
    char key[16];
    snprintf(key, sizeof key, "k%u", k);
    if (rnd() % 3 == 0) {
      size_t n = rnd() % 190;
      for (size_t i = 0; i < n; i++) model[k][i] = (char)('a' + rnd() % 26);
      model[k][n] = '\0';
      has[k] = 1;
      put(c, key, model[k]);
    } else if (rnd() % 50 == 0) {
      ra_cache_clear(c);
      memset(has, 0, sizeof has);
    } else {
      size_t vl = 0;
      const char *v = ra_cache_get(c, key, strlen(key), &vl);
      if (v) {
        hits++;
        if (!has[k] || vl != strlen(model[k]) || memcmp(v, model[k], vl) != 0) wrong++;
      }
    }
    ra_cache_stats s;
    ra_cache_get_stats(c, &s);
    if (s.bytes > 64 * 1024) over++;
  }
  ok(wrong == 0 && hits > 1000, "200000 random operations: every hit (%d) is the last value put",
     hits);
  ok(over == 0, "and the budget is never exceeded");
  ra_cache_free(c);
}

int main(void) {
  printf("1..%d\n", 6 + 5 + 2);
  test_basics();
  test_budget();
  test_random();
  if (n_fail) diag("%d of %d tests failed", n_fail, n_test);
  return n_fail ? 1 : 0;
}
