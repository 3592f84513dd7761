/* test_spell.c - TAP tests for the edit distance of "did you mean"
 * (ra_spell_edit_distance, lib/spell.c).
 *
 * The contract (spell.h): insertions, deletions, substitutions and
 * transpositions of adjacent bytes each cost 1; the answer is exact when
 * it is at most max and only "above max" otherwise, and it is above max
 * whenever either string is longer than 64 bytes.  Bytes, not characters:
 * an accented letter is two bytes of UTF-8.  Checked case by case, then
 * against a plain full-matrix distance on thousands of random pairs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "spell.h"

#include "tap.h"

static size_t dist(const char *a, const char *b, size_t max) {
  return ra_spell_edit_distance(a, strlen(a), b, strlen(b), max);
}

/* The reference: optimal string alignment distance over the whole matrix,
 * no cut-off (a transposed pair is not edited again). */
static size_t ref_dist(const char *a, size_t la, const char *b, size_t lb) {
  size_t d[16][16];
  for (size_t i = 0; i <= la; i++) d[i][0] = i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[la][lb];
}

typedef struct dcase {
  const char *a, *b;
  size_t max, want;
  const char *what;
} dcase;

static const dcase cases[] = {
    /* identity */
    {"mentor", "mentor", 2, 0, "identical words"},
    {"mentor", "mentor", 0, 0, "identical words with max 0"},
    {"", "", 0, 0, "two empty strings"},
    /* one edit of each kind */
    {"mentor", "mentors", 2, 1, "one insertion"},
    {"mentors", "mentor", 2, 1, "one deletion"},
    {"xmentor", "mentor", 2, 1, "a deletion at the start"},
    {"mentor", "mintor", 2, 1, "one substitution"},
    {"mentor", "mentro", 2, 1, "a transposition of the last two bytes"},
    {"mentor", "emntor", 2, 1, "a transposition of the first two bytes"},
    {"residency", "rseidency", 2, 1, "a transposition inside the word"},
    {"residency", "rseidnecy", 2, 2, "two transpositions"},
    {"abc", "bca", 2, 2, "a rotation is two edits, not a transposition"},
    /* restricted transpositions: no edit inside a transposed pair */
    {"ca", "abc", 5, 3, "optimal string alignment: \"ca\" -> \"abc\" is 3, not 2"},
    /* several edits */
    {"kitten", "sitting", 3, 3, "kitten -> sitting: 3"},
    {"kitten", "sitting", 10, 3, "kitten -> sitting with a large max: still 3"},
    {"intention", "execution", 5, 5, "intention -> execution: 5"},
    {"", "ab", 2, 2, "empty to two bytes: two insertions"},
    {"", "a", 1, 1, "empty to one byte"},
    /* bytes, not characters */
    {"caf\xc3\xa9", "cafe", 2, 2, "\"caf\xc3\xa9\" -> \"cafe\": two bytes differ, distance 2"},
    {"caf\xc3\xa9", "caf\xc3\xa8", 2, 1, "\xc3\xa9 -> \xc3\xa8: one byte differs"},
    {"\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9", 0, 0, "identical UTF-8"},
    /* case matters: callers fold first */
    {"Mentor", "mentor", 2, 1, "case is a substitution (callers fold first)"},
};

static void test_table(void) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const dcase *c = &cases[i];
    size_t got = dist(c->a, c->b, c->max);
    ok(got == c->want, "%s (max %zu): %zu, got %zu", c->what, c->max, c->want, got);
  }
  int sym = 1;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const dcase *c = &cases[i];
    if (!*c->a || !*c->b) continue; /* see test_empty */
    if (dist(c->a, c->b, c->max) != dist(c->b, c->a, c->max)) {
      sym = 0;
      diag("not symmetric: \"%s\" / \"%s\"", c->a, c->b);
    }
  }
  ok(sym, "the distance is symmetric");
}

/* Above max: exact values are not promised, only "more than max". */
static void test_limits(void) {
  size_t got = dist("kitten", "sitting", 1);
  ok(got > 1, "kitten -> sitting (3) with max 1: above max (%zu)", got);
  got = dist("kitten", "sitting", 2);
  ok(got > 2, "kitten -> sitting (3) with max 2: above max (%zu)", got);
  got = dist("abcdef", "uvwxyz", 2);
  ok(got > 2, "nothing in common, max 2: above max (%zu)", got);
  got = dist("a", "abcdef", 2);
  ok(got > 2, "lengths 1 and 6, max 2: above max without a search (%zu)", got);
  got = dist("mentor", "mentors", 0);
  ok(got > 0, "one insertion with max 0: above max (%zu)", got);
  ok(dist("mentor", "mentors", 1) == 1, "one insertion with max 1: exactly 1");
  ok(dist("residency", "rseidnecy", 2) == 2 && dist("residency", "rseidnecy", 1) > 1,
     "two transpositions: 2 at max 2, above max at max 1");

  /* 64 bytes is the longest word measured; beyond it, always above max. */
  char a64[65], b64[65], a65[66], b65[66];
  memset(a64, 'a', 64);
  a64[64] = '\0';
  memcpy(b64, a64, sizeof b64);
  b64[63] = 'b';
  memset(a65, 'a', 65);
  a65[65] = '\0';
  memcpy(b65, a65, sizeof b65);
  ok(dist(a64, a64, 2) == 0 && dist(a64, b64, 2) == 1,
     "64-byte words are measured (0 and 1)");
  got = dist(a65, b65, 2);
  ok(got > 2, "65-byte identical words: above max (%zu)", got);
  got = dist("a", a65, 100);
  size_t got2 = dist(a65, "a", 100);
  ok(got > 100 && got2 > 100, "a 65-byte word on either side: above max (%zu, %zu)", got,
     got2);
}

static void test_empty(void) {
  ok(dist("", "ab", 1) > 1, "empty to two bytes with max 1: above max");
  ok(dist("", "ab", 0) > 0, "empty to two bytes with max 0: above max");
  ok(dist("ab", "", 1) > 1, "two bytes to empty with max 1: above max");
  /* The row cut-off must count column 0, or an empty second word is
   * always above max. */
  size_t got = dist("ab", "", 2);
  ok(got == 2, "two bytes to empty with max 2: 2 (got %zu)", got);
  ok(dist("abc", "", 3) == 3, "three bytes to empty with max 3: 3");
}

/* Thousands of random pairs over a small alphabet (so that transpositions
 * and near misses are common) against the full matrix. */
static void test_random(void) {
  uint32_t x = 2463534242u;
  int good = 1;
  size_t exact = 0, above = 0;
  for (int it = 0; it < 20000 && good; it++) {
    char a[8], b[8];
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    size_t la = 1 + x % 7, lb = 1 + (x >> 3) % 7, max = (x >> 6) % 5;
    for (size_t i = 0; i < la; i++) a[i] = "abc"[(x >> (9 + 2 * i)) % 3];
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    for (size_t i = 0; i < lb; i++) b[i] = "abc"[(x >> (2 * i)) % 3];
    size_t want = ref_dist(a, la, b, lb);
    size_t got = ra_spell_edit_distance(a, la, b, lb, max);
    if (want <= max ? got != want : got <= max) {
      good = 0;
      diag("\"%.*s\" / \"%.*s\" max %zu: want %zu, got %zu", (int)la, a, (int)lb, b, max,
           want, got);
    }
    if (want <= max) exact++;
    else above++;
  }
  ok(good && exact > 1000 && above > 1000,
     "20000 random pairs: exact within max (%zu), above max beyond it (%zu)", exact, above);
}

int main(void) {
  test_table();
  test_limits();
  test_empty();
  test_random();
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
