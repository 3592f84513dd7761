/* textutil.h - small helpers shared by the modules that turn a page into an
 * article (page.c, model.c, tagsplit.c, illustration.c, article.c,
 * article_json.c): growing arrays, string copies, a string builder, ASCII
 * character classes, whitespace and errno text (UTF-8 decoding is
 * utf8.h's, included here).  They are
 * static inline because they sit on the per-byte and per-line paths of
 * cleaning, line splitting and tag splitting. */
#ifndef RA_TEXTUTIL_H
#define RA_TEXTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "utf8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- small utilities --------------------------------------------------- */

static inline ra_status ra_nomem(ra_error *err) {
  return ra_error_set(err, RA_ERR_NOMEM, "out of memory");
}

/* Grows *arrp (any pointer type, passed by address) to hold need elements.
 * memcpy keeps this free of type-punned pointer casts. */
static inline int ra_grow(void *arrp, size_t *cap, size_t need, size_t elem) {
  void *old, *q;
  size_t nc;
  if (need <= *cap) return 0;
  nc = *cap ? *cap : 8;
  while (nc < need) {
    if (nc > SIZE_MAX / 4 / elem) return -1;
    nc *= 2;
  }
  memcpy(&old, arrp, sizeof old);
  q = realloc(old, nc * elem);
  if (!q) return -1;
  memcpy(arrp, &q, sizeof q);
  *cap = nc;
  return 0;
}
#define RA_GROW(arr, cap, need) ra_grow(&(arr), &(cap), (need), sizeof *(arr))

/* Malloc'd NUL-terminated copy of s[0..n); caller frees.  NULL on
 * allocation failure. */
static inline char *ra_strndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* A growing NUL-terminated string; p is malloc'd (the owner frees it). */
typedef struct ra_sbuf {
  char *p;
  size_t len, cap;
} ra_sbuf;

static inline int ra_sb_add(ra_sbuf *b, const void *s, size_t n) {
  if (b->len + n + 1 < b->len) return -1;
  if (RA_GROW(b->p, b->cap, b->len + n + 1)) return -1;
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static inline int ra_sb_addc(ra_sbuf *b, char c) { return ra_sb_add(b, &c, 1); }

static inline int ra_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int ra_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int ra_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int ra_is_alpha(int c) { return ra_is_lower(c) || ra_is_upper(c); }
static inline int ra_is_alnum(int c) { return ra_is_alpha(c) || ra_is_digit(c); }
static inline int ra_to_lower(int c) { return ra_is_upper(c) ? c + 32 : c; }

static inline int ra_ascii_ncaseeq(const char *a, const char *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (ra_to_lower((unsigned char)a[i]) != ra_to_lower((unsigned char)b[i]))
      return 0;
  return 1;
}

/* ---- whitespace (UTF-8 decoding: utf8.h) ------------------------------------------------ */

/* Byte length of a whitespace character at s (ASCII space/controls, NBSP,
 * the U+2000 spaces, ZWSP, line/paragraph separators, U+3000, BOM), else 0. */
static inline size_t ra_ws_len(const unsigned char *s, size_t n) {
  unsigned c;
  if (!n) return 0;
  c = s[0];
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c < 0xC2) return 0;
  if (c == 0xC2 && n >= 2 && s[1] == 0xA0) return 2;
  if (n < 3) return 0;
  if (c == 0xE1 && s[1] == 0x9A && s[2] == 0x80) return 3;
  if (c == 0xE2) {
    if (s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8B) || s[2] == 0xA8 ||
                         s[2] == 0xA9 || s[2] == 0xAF))
      return 3;
    if (s[1] == 0x81 && s[2] == 0x9F) return 3;
  }
  if (c == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;
  if (c == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 3;
  return 0;
}

/* Code points that are punctuation, symbols or invisible: ignored by the
 * loose line key and never part of a word. */
static inline int ra_punct_cp(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFFD ||
         (cp >= 0x1F000 && cp <= 0x1FAFF) || cp == 0xD7 || cp == 0xF7;
}

/* ---- errors ------------------------------------------------------------ */

/* Thread-safe errno text under either strerror_r flavour (GNU when the
 * build defines _GNU_SOURCE, POSIX otherwise). */
static inline void ra_errno_text(int e, char *buf, size_t n) {
#if defined(_GNU_SOURCE)
  const char *s = strerror_r(e, buf, n);
  if (s != buf) snprintf(buf, n, "%s", s ? s : "unknown error");
#else
  if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
#endif
}

#ifdef __cplusplus
}
#endif
#endif
