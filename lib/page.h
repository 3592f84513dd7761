/* page.h - a page as the article modules see it.  Reading and cleaning a
 * file (ra_article_read_file, ra_article_clean: declared in article.h) are
 * in page.c, with what learning and parsing share about a page: a repaired
 * copy for any bytes, the split into normalised non-empty lines with their
 * loose keys (the boilerplate key: case, spacing and punctuation ignored),
 * and the line shapes both need (a title line, two equal lines). */
#ifndef RA_PAGE_H
#define RA_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "textutil.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_LOOSE_MAX_LINE 512  /* longer lines get no loose key at all */

/* Formats a warning and passes it to warn (nothing when warn is NULL). */
void ra_page_warnf(ra_warn_fn warn, void *ctx, const char *path, size_t line,
                   size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Returns 0 when text[0..len) is clean (no NUL, valid UTF-8), else 1 with
 * *copy a malloc'd repaired NUL-terminated copy (caller frees); -1 on
 * allocation failure. */
int ra_page_sanitize(const char *text, size_t len, char **copy);

/* ---- page lines -------------------------------------------------------- */

/* One non-empty physical line of a page. */
typedef struct ra_pline {
  size_t off;     /* byte offset of the physical line */
  size_t lineno;  /* 1-based */
  size_t indent;  /* leading whitespace in columns (tab = 4) */
  const char *t;  /* normalised text (trimmed, whitespace collapsed) */
  size_t n;
  uint64_t loose; /* loose-key hash, 0 when it has no letters or digits */
} ra_pline;

typedef struct ra_page {
  ra_pline *l;
  size_t n, cap;
  char *buf; /* all normalised lines, NUL-separated */
} ra_page;

/* Splits text into its non-empty lines; pg owns malloc'd arrays that
 * ra_page_free releases (also after a failure).  -1 on allocation
 * failure. */
int ra_page_split(ra_page *pg, const char *text, size_t len);
void ra_page_free(ra_page *pg);

/* Trimmed, whitespace-collapsed copy of s[0..n) into out (room for n+1);
 * returns its length. */
size_t ra_page_norm_into(const char *s, size_t n, char *out);

/* Loose key of s[0..n) (written to buf when non-NULL, room for n+1) and
 * its hash, 0 when the key is empty. */
uint64_t ra_page_loose_key(const char *s, size_t n, char *buf, size_t *klen);

/* ---- line shapes ------------------------------------------------------- */

static inline size_t ra_page_count_words(const char *s, size_t n) {
  size_t i, w = n ? 1 : 0;
  for (i = 0; i < n; i++)
    if (s[i] == ' ') w++;
  return w;
}

static inline int ra_page_has_letter(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t bad = 1, l;
    if (u[i] < 0x80) {
      if (ra_is_alpha(u[i])) return 1;
      i++;
      continue;
    }
    l = ra_utf8_next(u + i, n - i, &cp, &bad);
    if (!l) {
      i += bad;
      continue;
    }
    if (cp >= 0xC0 && !ra_punct_cp(cp)) return 1;
    i += l;
  }
  return 0;
}

/* Length of s after dropping trailing closing quotes and brackets, so the
 * "real" last character can be inspected. */
static inline size_t ra_page_strip_closers(const char *s, size_t n) {
  for (;;) {
    if (n && (s[n - 1] == ')' || s[n - 1] == ']' || s[n - 1] == '"' ||
              s[n - 1] == '\'' || s[n - 1] == '*' || s[n - 1] == ' ')) {
      n--;
      continue;
    }
    if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 &&
        (unsigned char)s[n - 2] == 0x80 &&
        ((unsigned char)s[n - 1] == 0x9D || (unsigned char)s[n - 1] == 0x99)) {
      n -= 3;
      continue;
    }
    if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
        (unsigned char)s[n - 1] == 0xBB) {
      n -= 2;
      continue;
    }
    return n;
  }
}

/* Bytes of a leading bullet marker plus its space, 0 if none; *numbered
 * for "12." / "12)" markers. */
size_t ra_page_bullet_len(const char *s, size_t n, int *numbered);

/* Whether the line can be a page title. */
int ra_page_title_like(const ra_pline *p);

/* Whether two lines have the same text (with at least one letter). */
static inline int ra_page_eq_lines(const ra_pline *a, const ra_pline *b) {
  return a->loose == b->loose && a->n == b->n && ra_page_has_letter(a->t, a->n) &&
         memcmp(a->t, b->t, a->n) == 0;
}

/* Open path for reading only if it is a regular file (or a symlink to
 * one): stat first, then open with O_NONBLOCK and fstat, so a FIFO,
 * socket or device is named and never waited on.  The descriptor
 * (blocking again; caller closes), or -1 with err set. */
int ra_page_open_regular(const char *path, ra_error *err);

/* Read the file open on fd (closed here) as ra_article_read_file reads a
 * path: a directory refused, a size over max_size refused before reading,
 * the bytes cleaned (article.h).  *text malloc'd, caller frees. */
ra_status ra_page_read_fd(const char *path, int fd, size_t max_size,
                          char **text, size_t *len, int *repaired,
                          ra_warn_fn warn, void *warn_ctx, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
