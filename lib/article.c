/* article.c - turns scraped article pages into structured fields.
 *
 * Reading cleans bytes (BOM, line ends, invalid UTF-8) and rejects files
 * that are not text pages.  The corpus model learns, from the pages
 * themselves, which lines are site chrome/footer and which multi-word tags
 * recur; parsing then finds title, breadcrumb, tags, sections, list items,
 * illustration descriptions and the FAQ.  Everything is a single linear
 * pass over a page; learning memory is bounded by lossy counting.
 * docs/article-format.md describes the heuristics and why they look the way
 * they do. */
#define _POSIX_C_SOURCE 200809L

#include "article.h"

#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- limits and tuning ------------------------------------------------ */

#define BP_MAX_LINE 300     /* longer lines never count as boilerplate */
#define LOOSE_MAX_LINE 512  /* longer lines get no loose key at all */
#define BP_MIN_PAGES 3      /* below this the learned counts mean nothing */
#define LINES_BUCKET 64     /* lossy-counting bucket (pages), line stats */
#define TAGS_BUCKET 256     /* lossy-counting bucket (pages), tag stats */
#define HEAD_LINES 6        /* "near the top" for category statistics */
#define LEARN_TITLE_SCAN 8  /* where learning looks for the doubled title */
#define MAX_CHROME_RUN 30   /* chrome never swallows more than this */
#define HEAD_SCAN_EXTRA 6   /* doubled title searched this far below chrome */
#define CHROME_LIKE_BYTES 60 /* unrecognised lines skipped above it */
#define UTF8_WARN_MAX 5     /* per-file invalid UTF-8 warnings */
#define SEG_MAX_WORDS 12    /* longest tag (connector chains included) */
#define VOCAB_MAX_WORDS 8   /* longest vocabulary / evidence lookup */
#define EVID_MAX_SUB 6      /* longest body phrase used as tag evidence */
#define TAGLINE_MAX_WORDS 40
#define TAGLINE_MAX_BYTES 400
#define HEADING_MAX_WORDS 15
#define HEADING_MAX_BYTES 150
#define CATEGORY_MAX_WORDS 12
#define CATEGORY_MAX_BYTES 150
#define TITLE_MAX_BYTES 300
#define TITLE_MAX_WORDS 40
#define QUESTION_MAX_BYTES 300
#define CAPTION_MAX_BYTES 400
#define LIST_MAX_DEPTH 16
#define MAX_SENTENCES 256

/* Tag segmentation costs (lower is better).  Known tags beat everything,
 * tags learned from other pages beat page-local evidence, and a lone
 * unknown word is the default. */
#define COST_KNOWN 10
#define COST_LEARNED 30
#define COST_LEARNED_SINGLE 90
#define COST_NGRAM 65
#define COST_EVIDENCE 70 /* minus 10 per extra occurrence, down to 40 */
#define COST_SINGLE 100
#define COST_CHAIN 100
#define COST_INF (INT_MAX / 4)

enum { BP_NONE = 0, BP_CHROME = 1, BP_FOOTER = 2 };

/* ---- small utilities --------------------------------------------------- */

static ra_status nomem(ra_error *err) {
  return ra_error_set(err, RA_ERR_NOMEM, "out of memory");
}

/* Grows *arrp (any pointer type, passed by address) to hold need elements.
 * memcpy keeps this free of type-punned pointer casts. */
static int grow_impl(void *arrp, size_t *cap, size_t need, size_t elem) {
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
#define GROW(arr, cap, need) grow_impl(&(arr), &(cap), (need), sizeof *(arr))

/* Arrays in ra_article carry no capacity field: their capacity is the
 * next power of two >= n, so appending reallocates exactly when n is 0 or
 * a power of two. */
static int push_room(void *arrp, size_t n, size_t elem) {
  size_t cap = n;
  if (n && (n & (n - 1))) return 0;
  return grow_impl(arrp, &cap, n + 1, elem);
}
#define PUSH_ROOM(arr, n) push_room(&(arr), (n), sizeof *(arr))

static char *xstrndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

static int sb_add(sbuf *b, const void *s, size_t n) {
  if (b->len + n + 1 < b->len) return -1;
  if (GROW(b->p, b->cap, b->len + n + 1)) return -1;
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static int sb_addc(sbuf *b, char c) { return sb_add(b, &c, 1); }

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return is_lower(c) || is_upper(c); }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int to_lower(int c) { return is_upper(c) ? c + 32 : c; }

static int ascii_ncaseeq(const char *a, const char *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
      return 0;
  return 1;
}

/* ---- hashing ------------------------------------------------------------ */

static uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}


static uint64_t hfold(uint64_t h, uint64_t w) {
  return mix64(h * 0x9E3779B97F4A7C15ULL + w + 1);
}

/* 0 marks an empty slot in the index tables, so real keys are never 0. */
static uint64_t nz(uint64_t h) { return h ? h : 1; }

#define H_BOF 0x0b0fULL /* sentinels for page start/end in pair stats */
#define H_EOF 0x0e0fULL
#define H_BOL 0x0b01ULL /* sentinels for tag line start/end */
#define H_EOL 0x0e01ULL
#define H_SEED 0x5eedULL

/* Open-addressing map from a 64-bit hash to a 32-bit value (usually an
 * index into a typed entry vector).  Deletion is done by rebuilding. */
typedef struct hix {
  uint64_t *keys;
  uint32_t *vals;
  size_t cap, n;
} hix;
#define HIX_NONE UINT32_MAX

static void hix_free(hix *t) {
  free(t->keys);
  free(t->vals);
  memset(t, 0, sizeof *t);
}

static uint32_t *hix_slot(const hix *t, uint64_t h) {
  size_t i;
  if (!t->cap) return NULL;
  i = (size_t)mix64(h) & (t->cap - 1);
  while (t->keys[i]) {
    if (t->keys[i] == h) return &t->vals[i];
    i = (i + 1) & (t->cap - 1);
  }
  return NULL;
}

static uint32_t hix_get(const hix *t, uint64_t h) {
  uint32_t *v = hix_slot(t, h);
  return v ? *v : HIX_NONE;
}

static int hix_put(hix *t, uint64_t h, uint32_t v);

static int hix_rehash(hix *t, size_t ncap) {
  hix nt;
  size_t i;
  nt.cap = ncap;
  nt.n = 0;
  nt.keys = calloc(ncap, sizeof *nt.keys);
  nt.vals = calloc(ncap, sizeof *nt.vals);
  if (!nt.keys || !nt.vals) {
    free(nt.keys);
    free(nt.vals);
    return -1;
  }
  for (i = 0; i < t->cap; i++)
    if (t->keys[i]) hix_put(&nt, t->keys[i], t->vals[i]);
  hix_free(t);
  *t = nt;
  return 0;
}

static int hix_put(hix *t, uint64_t h, uint32_t v) {
  size_t i;
  uint32_t *slot = hix_slot(t, h);
  if (slot) {
    *slot = v;
    return 0;
  }
  if ((t->n + 1) * 2 > t->cap && hix_rehash(t, t->cap ? t->cap * 2 : 64))
    return -1;
  i = (size_t)mix64(h) & (t->cap - 1);
  while (t->keys[i]) i = (i + 1) & (t->cap - 1);
  t->keys[i] = h;
  t->vals[i] = v;
  t->n++;
  return 0;
}

/* ---- UTF-8 and whitespace ------------------------------------------------ */

/* Length (1..4) of the well-formed UTF-8 sequence at s, or 0 if invalid;
 * then *bad is the length of the maximal invalid subpart (Unicode 3.9,
 * "U+FFFD substitution of maximal subparts"). */
static size_t u8_next(const unsigned char *s, size_t n, uint32_t *cp,
                      size_t *bad) {
  unsigned c = s[0], lo = 0x80, hi = 0xBF;
  size_t need, i;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    v = c & 0x1F;
  } else if (c == 0xE0) {
    need = 2;
    lo = 0xA0;
    v = c & 0x0F;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    need = 2;
    v = c & 0x0F;
  } else if (c == 0xED) {
    need = 2;
    hi = 0x9F;
    v = c & 0x0F;
  } else if (c == 0xF0) {
    need = 3;
    lo = 0x90;
    v = c & 0x07;
  } else if (c >= 0xF1 && c <= 0xF3) {
    need = 3;
    v = c & 0x07;
  } else if (c == 0xF4) {
    need = 3;
    hi = 0x8F;
    v = c & 0x07;
  } else {
    *bad = 1;
    return 0;
  }
  for (i = 1; i <= need; i++) {
    unsigned d, l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
    if (i >= n) {
      *bad = i;
      return 0;
    }
    d = s[i];
    if (d < l || d > h) {
      *bad = i;
      return 0;
    }
    v = (v << 6) | (d & 0x3F);
  }
  *cp = v;
  return need + 1;
}

/* Byte length of a whitespace character at s (ASCII space/controls, NBSP,
 * the U+2000 spaces, ZWSP, line/paragraph separators, U+3000, BOM), else 0. */
static size_t ws_len(const unsigned char *s, size_t n) {
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
static int punct_cp(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFFD ||
         (cp >= 0x1F000 && cp <= 0x1FAFF) || cp == 0xD7 || cp == 0xF7;
}

/* Copies s[0..n) to out (room for n+1) trimming it and collapsing every
 * whitespace run to one ASCII space.  Returns the new length. */
static size_t norm_into(const char *s, size_t n, char *out) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, o = 0;
  int pend = 0;
  while (i < n) {
    size_t w;
    if (u[i] > ' ' && u[i] < 0x80) { /* fast path: plain ASCII */
      if (pend) {
        out[o++] = ' ';
        pend = 0;
      }
      out[o++] = s[i++];
      continue;
    }
    w = ws_len(u + i, n - i);
    if (w) {
      pend = o > 0;
      i += w;
      continue;
    }
    if (pend) {
      out[o++] = ' ';
      pend = 0;
    }
    out[o++] = s[i++];
  }
  out[o] = '\0';
  return o;
}

/* Loose key: lowercase ASCII letters and digits plus non-punctuation
 * non-ASCII characters, everything else dropped.  "Smart Pick" and
 * "SmartPick" get the same key, so small spacing/punctuation variants of a
 * footer line still count as the same line.  Writes the key to buf (room
 * for n+1) when buf is non-NULL; returns its hash, 0 if the key is empty. */
static uint64_t loose_key(const char *s, size_t n, char *buf, size_t *klen) {
  const unsigned char *u = (const unsigned char *)s;
  uint64_t h = RA_FNV_INIT;
  size_t i = 0, k = 0;
  while (i < n) {
    unsigned c = u[i];
    if (c < 0x80) {
      if (is_alnum((int)c)) {
        c |= (c >= 'A' && c <= 'Z') ? 0x20u : 0u;
        h = ra_fnv1a_byte(h, (unsigned char)c);
        if (buf) buf[k] = (char)c;
        k++;
      }
      i++;
    } else {
      uint32_t cp;
      size_t bad = 1, l = u8_next(u + i, n - i, &cp, &bad);
      if (!l) {
        i += bad;
        continue;
      }
      if (!punct_cp(cp)) {
        size_t j;
        for (j = 0; j < l; j++) {
          h = ra_fnv1a_byte(h, u[i + j]);
          if (buf) buf[k] = (char)u[i + j];
          k++;
        }
      }
      i += l;
    }
  }
  if (buf) buf[k] = '\0';
  if (klen) *klen = k;
  return k ? nz(mix64(h)) : 0;
}

/* ---- cleaning ------------------------------------------------------------ */

static void warnf(ra_warn_fn warn, void *ctx, const char *path, size_t line,
                  size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void warnf(ra_warn_fn warn, void *ctx, const char *path, size_t line,
                  size_t off, const char *fmt, ...) {
  char msg[RA_ERROR_MSG_MAX];
  va_list ap;
  if (!warn) return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  warn(ctx, path, line, off, msg);
}

static size_t line_of(const char *s, size_t off) {
  size_t i, line = 1;
  for (i = 0; i < off; i++)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n')))
      line++;
  return line;
}

ra_status ra_article_clean(const char *name, const char *in, size_t in_len,
                           size_t max_size, char **text, size_t *len,
                           int *repaired, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err) {
  const unsigned char *u = (const unsigned char *)in;
  const char *nm = name ? name : "<input>";
  size_t i, start = 0, line = 1, nbad = 0;
  const void *nul;
  sbuf out = {0};
  int all_ws = 1;

  if (text) *text = NULL;
  if (len) *len = 0;
  if (repaired) *repaired = 0;
  if (!text || !len || (!in && in_len))
    return ra_error_set(err, RA_ERR_USAGE, "%s: ra_article_clean: bad arguments", nm);
  if (max_size && in_len > max_size)
    return ra_error_set(err, RA_ERR_TOOBIG,
                        "%s: input is %zu bytes, above the limit of %zu bytes",
                        nm, in_len, max_size);
  nul = in_len ? memchr(in, 0, in_len) : NULL;
  if (nul) {
    size_t off = (size_t)((const char *)nul - in);
    return ra_error_set(err, RA_ERR_INVALID,
                        "%s: NUL byte at byte offset %zu (line %zu): binary "
                        "file, not a text page",
                        nm, off, line_of(in, off));
  }
  if (in_len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) start = 3;
  if (start == in_len)
    return ra_error_set(err, RA_ERR_INVALID, "%s: empty file%s", nm,
                        start ? " (only a byte order mark)" : "");
  for (i = start; i < in_len;) {
    size_t w = ws_len(u + i, in_len - i);
    if (!w) {
      all_ws = 0;
      break;
    }
    i += w;
  }
  if (all_ws)
    return ra_error_set(err, RA_ERR_INVALID,
                        "%s: file contains only whitespace (%zu bytes)", nm,
                        in_len);

  if (GROW(out.p, out.cap, in_len - start + 1)) return nomem(err);
  for (i = start; i < in_len;) {
    unsigned c = u[i];
    if (c < 0x80) {
      if (c == '\r') {
        if (sb_addc(&out, '\n')) goto oom;
        i += (i + 1 < in_len && u[i + 1] == '\n') ? 2 : 1;
        line++;
        continue;
      }
      if (c == '\n') line++;
      if (sb_addc(&out, (char)c)) goto oom;
      i++;
    } else {
      uint32_t cp;
      size_t bad = 1, l = u8_next(u + i, in_len - i, &cp, &bad);
      if (l) {
        if (sb_add(&out, u + i, l)) goto oom;
        i += l;
        continue;
      }
      nbad++;
      if (nbad <= UTF8_WARN_MAX) {
        char hex[16];
        size_t j, hl = 0;
        for (j = 0; j < bad && j < 3; j++)
          hl += (size_t)snprintf(hex + hl, sizeof hex - hl, "%s0x%02X",
                                 j ? " " : "", u[i + j]);
        warnf(warn, warn_ctx, nm, line, i,
              "invalid UTF-8 %s %s at byte offset %zu (line %zu); replaced "
              "with U+FFFD",
              bad > 1 ? "sequence" : "byte", hex, i, line);
      }
      if (sb_add(&out, "\xEF\xBF\xBD", 3)) goto oom;
      i += bad;
    }
  }
  if (nbad > UTF8_WARN_MAX)
    warnf(warn, warn_ctx, nm, 0, (size_t)-1,
          "... %zu more invalid UTF-8 sequences replaced with U+FFFD (%zu "
          "in total)",
          nbad - UTF8_WARN_MAX, nbad);
  if (repaired) *repaired = nbad > 0;
  *text = out.p;
  *len = out.len;
  return RA_OK;
oom:
  free(out.p);
  return nomem(err);
}

/* Thread-safe errno text under either strerror_r flavour (GNU when the
 * build defines _GNU_SOURCE, POSIX otherwise). */
static void errno_text(int e, char *buf, size_t n) {
#if defined(_GNU_SOURCE)
  const char *s = strerror_r(e, buf, n);
  if (s != buf) snprintf(buf, n, "%s", s ? s : "unknown error");
#else
  if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
#endif
}

ra_status ra_article_read_file(const char *path, size_t max_size,
                               char **text, size_t *len, int *repaired,
                               ra_warn_fn warn, void *warn_ctx,
                               ra_error *err) {
  char eb[128];
  struct stat st;
  size_t limit = max_size ? max_size : SIZE_MAX - 1, n = 0, cap;
  char *buf = NULL;
  int fd;
  ra_status rc;

  if (text) *text = NULL;
  if (len) *len = 0;
  if (repaired) *repaired = 0;
  if (!path || !text || !len)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_article_read_file: bad arguments");
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    errno_text(e, eb, sizeof eb);
    return ra_error_set(err,
                        (e == ENOENT || e == ENOTDIR) ? RA_ERR_NOTFOUND
                                                      : RA_ERR_IO,
                        "%s: cannot open: %s", path, eb);
  }
  if (fstat(fd, &st) != 0) {
    errno_text(errno, eb, sizeof eb);
    close(fd);
    return ra_error_set(err, RA_ERR_IO, "%s: cannot stat: %s", path, eb);
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return ra_error_set(err, RA_ERR_IO,
                        "%s: is a directory, not an article file", path);
  }
  /* Decide from the size alone: a 50 MB file is rejected unread. */
  if (S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uintmax_t)st.st_size > (uintmax_t)limit) {
    close(fd);
    return ra_error_set(err, RA_ERR_TOOBIG,
                        "%s: file is %jd bytes, above the limit of %zu bytes",
                        path, (intmax_t)st.st_size, limit);
  }
  cap = (S_ISREG(st.st_mode) && st.st_size > 0) ? (size_t)st.st_size + 1
                                                 : 65536;
  buf = malloc(cap);
  if (!buf) {
    close(fd);
    return nomem(err);
  }
  for (;;) {
    ssize_t r;
    if (n == cap) {
      if (GROW(buf, cap, cap + 1)) {
        free(buf);
        close(fd);
        return nomem(err);
      }
    }
    r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      errno_text(errno, eb, sizeof eb);
      free(buf);
      close(fd);
      return ra_error_set(err, RA_ERR_IO, "%s: read error: %s", path, eb);
    }
    if (r == 0) break;
    n += (size_t)r;
    if (n > limit) {
      free(buf);
      close(fd);
      return ra_error_set(err, RA_ERR_TOOBIG,
                          "%s: file is more than %zu bytes (the limit)", path,
                          limit);
    }
  }
  close(fd);
  rc = ra_article_clean(path, buf, n, max_size, text, len, repaired, warn,
                        warn_ctx, err);
  free(buf);
  return rc;
}

/* Parsing and learning accept any bytes: if the text is not what
 * ra_article_clean produces (NUL bytes, invalid UTF-8), work on a repaired
 * copy instead of failing.  *copy is NULL when the text was already clean. */
static int sanitize(const char *text, size_t len, char **copy) {
  const unsigned char *u = (const unsigned char *)text;
  size_t i = 0;
  sbuf b = {0};
  *copy = NULL;
  while (i < len) {
    uint32_t cp;
    size_t bad = 1;
    if (u[i] && u[i] < 0x80) {
      i++;
      continue;
    }
    if (u[i]) {
      size_t l = u8_next(u + i, len - i, &cp, &bad);
      if (l) {
        i += l;
        continue;
      }
    }
    break;
  }
  if (i >= len) return 0;
  if (sb_add(&b, text, i)) return -1;
  while (i < len) {
    uint32_t cp;
    size_t bad = 1, l;
    if (!u[i]) {
      if (sb_addc(&b, ' ')) goto oom;
      i++;
      continue;
    }
    l = u8_next(u + i, len - i, &cp, &bad);
    if (l) {
      if (sb_add(&b, u + i, l)) goto oom;
      i += l;
    } else {
      if (sb_add(&b, "\xEF\xBF\xBD", 3)) goto oom;
      i += bad;
    }
  }
  if (!b.p && sb_add(&b, "", 0)) return -1;
  *copy = b.p;
  return 1;
oom:
  free(b.p);
  return -1;
}

/* ---- page lines ---------------------------------------------------------- */

/* One non-empty physical line of a page. */
typedef struct pline {
  size_t off;     /* byte offset of the physical line */
  size_t lineno;  /* 1-based */
  size_t indent;  /* leading whitespace in columns (tab = 4) */
  const char *t;  /* normalised text (trimmed, whitespace collapsed) */
  size_t n;
  uint64_t loose; /* loose-key hash, 0 when it has no letters or digits */
} pline;

typedef struct page {
  pline *l;
  size_t n, cap;
  char *buf; /* all normalised lines, NUL-separated */
} page;

static void page_free(page *pg) {
  free(pg->l);
  free(pg->buf);
  memset(pg, 0, sizeof *pg);
}

static int page_split(page *pg, const char *text, size_t len) {
  const unsigned char *u = (const unsigned char *)text;
  size_t pos = 0, lineno = 0, bo = 0;
  memset(pg, 0, sizeof *pg);
  pg->buf = malloc(len + 1);
  if (!pg->buf) return -1;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len, i = pos, col = 0, nn;
    lineno++;
    while (i < end) {
      size_t w = ws_len(u + i, end - i);
      if (!w) break;
      col = text[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
      i += w;
    }
    nn = norm_into(text + i, end - i, pg->buf + bo);
    if (nn) {
      pline *p;
      if (GROW(pg->l, pg->cap, pg->n + 1)) return -1;
      p = &pg->l[pg->n++];
      p->off = pos;
      p->lineno = lineno;
      p->indent = col;
      p->t = pg->buf + bo;
      p->n = nn;
      /* long lines are never boilerplate (the longest default footer
       * line is ~370 bytes): skip the key */
      p->loose = nn <= LOOSE_MAX_LINE ? loose_key(p->t, nn, NULL, NULL) : 0;
      bo += nn + 1;
    }
    pos = end + 1;
  }
  return 0;
}

/* ---- line shape predicates ----------------------------------------------- */

static size_t count_words(const char *s, size_t n) {
  size_t i, w = n ? 1 : 0;
  for (i = 0; i < n; i++)
    if (s[i] == ' ') w++;
  return w;
}

static int has_letter(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t bad = 1, l;
    if (u[i] < 0x80) {
      if (is_alpha(u[i])) return 1;
      i++;
      continue;
    }
    l = u8_next(u + i, n - i, &cp, &bad);
    if (!l) {
      i += bad;
      continue;
    }
    if (cp >= 0xC0 && !punct_cp(cp)) return 1;
    i += l;
  }
  return 0;
}

/* Length of s after dropping trailing closing quotes and brackets, so the
 * "real" last character can be inspected. */
static size_t strip_closers(const char *s, size_t n) {
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

static int ends_with_punct(const char *s, size_t n) {
  n = strip_closers(s, n);
  if (!n) return 0;
  if (strchr(".!?:;,", s[n - 1])) return 1;
  if (n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0) return 1;
  return 0;
}

static int ends_with_question(const char *s, size_t n) {
  n = strip_closers(s, n);
  return n && s[n - 1] == '?';
}

/* Bullet markers: returns how many bytes (marker plus the space) to skip,
 * 0 if the normalised line does not start with one.  *numbered is set for
 * "12." / "12)" markers, which are headings or questions at indent 0. */
static size_t bullet_len(const char *s, size_t n, int *numbered) {
  static const char *const glyphs[] = {
      "\xE2\x80\xA2", /* • */ "\xE2\x97\xA6", /* ◦ */
      "\xE2\x96\xAA", /* ▪ */ "\xE2\x80\xA3", /* ‣ */
      "\xE2\x97\x8F", /* ● */ "\xE2\x97\x8B", /* ○ */
      "\xE2\x96\xA0", /* ■ */ "\xE2\x96\xA1", /* □ */
      "\xE2\x80\x93", /* – */ "\xE2\x9E\xA2", /* ➢ */
      "\xE2\x96\xBA", /* ► */ "\xE2\x9C\x93", /* ✓ */
      "\xE2\x9C\x94", /* ✔ */ "\xC2\xB7",     /* · */
      "-", "*", "+"};
  size_t i, k;
  *numbered = 0;
  for (k = 0; k < sizeof glyphs / sizeof glyphs[0]; k++) {
    size_t gl = strlen(glyphs[k]);
    if (n > gl + 1 && memcmp(s, glyphs[k], gl) == 0 && s[gl] == ' ')
      return gl + 1;
  }
  for (i = 0; i < n && i < 3 && is_digit((unsigned char)s[i]); i++) {
  }
  if (i > 0 && i + 2 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ') {
    *numbered = 1;
    return i + 2;
  }
  return 0;
}

/* A sentence break inside the line ("Start small. Stay kind") means the
 * line is prose even without final punctuation. */
static int has_inner_sentence(const char *s, size_t n) {
  size_t i;
  for (i = 1; i + 2 < n; i++) {
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' &&
        is_upper((unsigned char)s[i + 2])) {
      size_t b = i;
      while (b > 0 && s[b - 1] != ' ') b--;
      if (s[i] != '.' || i - b > 3) return 1;
    }
  }
  return 0;
}

static int heading_like(const pline *p) {
  unsigned char c0;
  if (p->indent > 1 || p->n > HEADING_MAX_BYTES) return 0;
  if (count_words(p->t, p->n) > HEADING_MAX_WORDS) return 0;
  c0 = (unsigned char)p->t[0];
  if (is_lower(c0) || !has_letter(p->t, p->n)) return 0;
  if (ends_with_punct(p->t, p->n) || has_inner_sentence(p->t, p->n)) return 0;
  return 1;
}

static int title_like(const pline *p) {
  int numbered;
  if (p->n > TITLE_MAX_BYTES || !has_letter(p->t, p->n)) return 0;
  if (count_words(p->t, p->n) > TITLE_MAX_WORDS) return 0;
  if (bullet_len(p->t, p->n, &numbered) && !numbered) return 0;
  {
    size_t n = strip_closers(p->t, p->n);
    if (n && strchr(":;,", p->t[n - 1])) return 0;
  }
  return 1;
}

static int category_like(const pline *p) {
  return p->n <= CATEGORY_MAX_BYTES &&
         count_words(p->t, p->n) <= CATEGORY_MAX_WORDS &&
         has_letter(p->t, p->n) && !ends_with_punct(p->t, p->n);
}

/* Section names that sit right under the title on pages without tags. */
static int common_heading_word(const char *s, size_t n) {
  static const char *const w[] = {"introduction", "conclusion", "overview",
                                  "summary",      "background", "faq",
                                  "faqs",         "contents",   "table of contents",
                                  "key takeaways"};
  size_t k;
  for (k = 0; k < sizeof w / sizeof w[0]; k++)
    if (strlen(w[k]) == n && ascii_ncaseeq(s, w[k], n)) return 1;
  return 0;
}

static int is_connector_word(const char *s, size_t n, int *article) {
  static const char *const conn[] = {"in",   "of",   "and", "for", "the",
                                     "to",   "on",   "with", "at", "by",
                                     "a",    "an",   "or",  "vs",  "vs.",
                                     "from", "into", "&",   "+",   "/"};
  size_t k;
  *article = 0;
  for (k = 0; k < sizeof conn / sizeof conn[0]; k++)
    if (strlen(conn[k]) == n && ascii_ncaseeq(s, conn[k], n)) {
      *article = (n == 1 && to_lower((unsigned char)s[0]) == 'a') ||
                 (n == 2 && ascii_ncaseeq(s, "an", 2)) ||
                 (n == 3 && ascii_ncaseeq(s, "the", 3));
      return 1;
    }
  return 0;
}

static int word_all_lower(const char *s, size_t n) {
  size_t i;
  if (!n || !is_lower((unsigned char)s[0])) return 0;
  for (i = 0; i < n; i++)
    if (is_upper((unsigned char)s[i])) return 0;
  return 1;
}

/* Run-together tag line: short, no sentence punctuation, and mostly
 * capitalised words (connectors aside). */
static int tag_like(const char *s, size_t n) {
  size_t i = 0, words = 0, caps = 0, lower = 0;
  if (!n || n > TAGLINE_MAX_BYTES || !has_letter(s, n)) return 0;
  for (i = 0; i < n; i++)
    if (strchr(".!?:;,\"()[]{}|<>=#@", s[i])) return 0;
  i = 0;
  while (i < n) {
    size_t j = i;
    int art;
    unsigned char c;
    while (j < n && s[j] != ' ') j++;
    words++;
    c = (unsigned char)s[i];
    if (is_connector_word(s + i, j - i, &art))
      ;
    else if (is_upper(c) || is_digit(c) || c >= 0x80)
      caps++;
    else
      lower++;
    i = j + 1;
  }
  if (words > TAGLINE_MAX_WORDS || !caps || lower * 2 > caps) return 0;
  if (words == 1 && common_heading_word(s, n)) return 0;
  if (words == 2 && common_heading_word(s, n)) return 0;
  return 1;
}

/* ---- words and phrase hashing --------------------------------------------- */

/* Hash of one sub-word: ASCII lowercased, ’ read as ', edge apostrophes
 * and ASCII punctuation dropped, "&" read as "and".  0 when empty. */
static uint64_t subword_hash(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  uint64_t h = RA_FNV_INIT;
  size_t a = 0, b = n, i, k = 0;
  while (a < b && u[a] < 0x80 && !is_alnum(u[a]) && u[a] != '&') a++;
  while (b > a && u[b - 1] < 0x80 && !is_alnum(u[b - 1]) && u[b - 1] != '&')
    b--;
  while (b - a >= 3 && u[b - 3] == 0xE2 && u[b - 2] == 0x80 && u[b - 1] == 0x99)
    b -= 3;
  if (a == b) return 0;
  if (b - a == 1 && u[a] == '&') {
    s = "and";
    u = (const unsigned char *)s;
    a = 0;
    b = 3;
  }
  for (i = a; i < b; i++) {
    unsigned c = u[i];
    if (c == 0xE2 && i + 2 < b && u[i + 1] == 0x80 && u[i + 2] == 0x99) {
      c = '\'';
      i += 2;
    }
    h = ra_fnv1a_byte(h, (unsigned char)to_lower((int)c));
    k++;
  }
  return k ? nz(mix64(h)) : 0;
}

/* Sub-word separators inside a tag word: '-' '/' and U+2010..U+2013. */
static size_t subsep_len(const unsigned char *u, size_t n) {
  if (u[0] == '-' || u[0] == '/') return 1;
  if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x93)
    return 3;
  return 0;
}

/* Appends the sub-word hashes of one tag word ("Work-Life" -> work, life).
 * When first is non-NULL, marks the lowercased first byte of each sub-word
 * (the body scanner skips words that cannot match). */
static int word_subs(const char *s, size_t n, uint64_t **subs, size_t *ns,
                     size_t *cap, unsigned char *first) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, st = 0;
  while (i <= n) {
    size_t sl = i < n ? subsep_len(u + i, n - i) : 1;
    if (sl) {
      uint64_t h = subword_hash(s + st, i - st);
      if (h && first) {
        size_t a = st;
        while (a < i && u[a] < 0x80 && !is_alnum(u[a]) && u[a] != '&') a++;
        if (a < i) first[to_lower(u[a])] = 1;
      }
      if (h) {
        if (GROW(*subs, *cap, *ns + 1)) return -1;
        (*subs)[(*ns)++] = h;
      }
      i += sl;
      st = i;
    } else {
      i++;
    }
  }
  return 0;
}

/* Hash of a whole phrase: fold over its sub-words.  Known tags, learned
 * tags and body phrases all hash this way, so they compare directly. */
static uint64_t phrase_hash(const char *s, size_t n, size_t *nwords) {
  uint64_t *subs = NULL, h = H_SEED;
  size_t ns = 0, cap = 0, i = 0, k, w = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != ' ') j++;
    if (j > i) {
      w++;
      if (word_subs(s + i, j - i, &subs, &ns, &cap, NULL)) {
        free(subs);
        return 0;
      }
    }
    i = j + 1;
  }
  for (k = 0; k < ns; k++) h = hfold(h, subs[k]);
  free(subs);
  if (nwords) *nwords = w;
  return ns ? nz(h) : 0;
}

/* ---- the model ---------------------------------------------------------- */

typedef struct bpent { /* a boilerplate line */
  uint64_t h;
  int kind;
  unsigned count;
  char *text;  /* normalised display form */
  char *loose; /* loose key, for "line contains chrome" */
  size_t loose_len;
} bpent;

typedef struct vent { /* category line or vocabulary tag */
  uint64_t h;
  int cost;
  unsigned count;
  char *text;
} vent;

typedef struct lent { /* learning: line statistics */
  uint64_t h;
  uint32_t count, delta, last, tail, head;
  int block;
  char *text;
} lent;

typedef struct pent { /* learning: adjacent line pairs */
  uint64_t h, a, b;
  uint32_t count, delta, last;
} pent;

typedef struct tent { /* learning: tag-line phrase statistics */
  uint64_t h, left, right;
  uint32_t seg, ng, delta, last_seg, last_ng;
  unsigned char lmulti, rmulti, nwords, has_left;
  char *text;
} tent;

struct ra_model {
  size_t pages;
  int finished;
  bpent *bp;
  size_t n_bp, cap_bp;
  hix bp_ix;
  vent *cat;
  size_t n_cat, cap_cat;
  hix cat_ix;
  vent *voc;
  size_t n_voc, cap_voc;
  hix voc_ix;
  lent *ln;
  size_t n_ln, cap_ln;
  hix ln_ix;
  pent *pr;
  size_t n_pr, cap_pr;
  hix pr_ix;
  tent *tg;
  size_t n_tg, cap_tg;
  hix tg_ix;
};

ra_status ra_model_new(ra_model **out, ra_error *err) {
  if (!out) return ra_error_set(err, RA_ERR_USAGE, "ra_model_new: out is NULL");
  *out = calloc(1, sizeof **out);
  return *out ? RA_OK : nomem(err);
}

static void free_learning(ra_model *m) {
  size_t i;
  for (i = 0; i < m->n_ln; i++) free(m->ln[i].text);
  for (i = 0; i < m->n_tg; i++) free(m->tg[i].text);
  free(m->ln);
  free(m->pr);
  free(m->tg);
  m->ln = NULL;
  m->pr = NULL;
  m->tg = NULL;
  m->n_ln = m->cap_ln = m->n_pr = m->cap_pr = m->n_tg = m->cap_tg = 0;
  hix_free(&m->ln_ix);
  hix_free(&m->pr_ix);
  hix_free(&m->tg_ix);
}

void ra_model_free(ra_model *m) {
  size_t i;
  if (!m) return;
  free_learning(m);
  for (i = 0; i < m->n_bp; i++) {
    free(m->bp[i].text);
    free(m->bp[i].loose);
  }
  for (i = 0; i < m->n_cat; i++) free(m->cat[i].text);
  for (i = 0; i < m->n_voc; i++) free(m->voc[i].text);
  free(m->bp);
  free(m->cat);
  free(m->voc);
  hix_free(&m->bp_ix);
  hix_free(&m->cat_ix);
  hix_free(&m->voc_ix);
  free(m);
}

size_t ra_model_pages(const ra_model *m) { return m ? m->pages : 0; }

/* Adds or upgrades a vocabulary entry (lower cost wins). */
static int voc_add(ra_model *m, uint64_t h, int cost, unsigned count,
                   const char *text, size_t n) {
  uint32_t i = hix_get(&m->voc_ix, h);
  if (i != HIX_NONE) {
    if (cost < m->voc[i].cost) {
      char *t = xstrndup(text, n);
      if (!t) return -1;
      free(m->voc[i].text);
      m->voc[i].text = t;
      m->voc[i].cost = cost;
    }
    if (count > m->voc[i].count) m->voc[i].count = count;
    return 0;
  }
  if (m->n_voc >= UINT32_MAX - 1 || GROW(m->voc, m->cap_voc, m->n_voc + 1))
    return -1;
  m->voc[m->n_voc].h = h;
  m->voc[m->n_voc].cost = cost;
  m->voc[m->n_voc].count = count;
  m->voc[m->n_voc].text = xstrndup(text, n);
  if (!m->voc[m->n_voc].text) return -1;
  if (hix_put(&m->voc_ix, h, (uint32_t)m->n_voc)) {
    free(m->voc[m->n_voc].text);
    return -1;
  }
  m->n_voc++;
  return 0;
}

static int voc_cost(const ra_model *m, uint64_t h) {
  uint32_t i;
  if (!m) return COST_INF;
  i = hix_get(&m->voc_ix, h);
  return i == HIX_NONE ? COST_INF : m->voc[i].cost;
}

ra_status ra_model_load_tags(ra_model *m, const char *path, ra_error *err) {
  FILE *f;
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t r;
  char eb[128];
  if (!m || !path)
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_load_tags: bad arguments");
  f = fopen(path, "r");
  if (!f) {
    int e = errno;
    errno_text(e, eb, sizeof eb);
    return ra_error_set(err, e == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO,
                        "%s: cannot open tags file: %s", path, eb);
  }
  while ((r = getline(&line, &cap, f)) >= 0) {
    size_t n = (size_t)r, nn, nw = 0, i = 0, bad;
    uint64_t h;
    uint32_t cp;
    lineno++;
    if (memchr(line, 0, n)) {
      free(line);
      fclose(f);
      return ra_error_set(err, RA_ERR_INVALID, "%s:%zu: NUL byte in tags file",
                          path, lineno);
    }
    while (i < n) {
      size_t l = u8_next((const unsigned char *)line + i, n - i, &cp, &bad);
      if (!l) {
        free(line);
        fclose(f);
        return ra_error_set(err, RA_ERR_UTF8,
                            "%s:%zu: invalid UTF-8 in tags file", path, lineno);
      }
      i += l;
    }
    nn = norm_into(line, n, line);
    if (!nn || line[0] == '#') continue;
    h = phrase_hash(line, nn, &nw);
    if (!h) continue; /* punctuation only */
    if (nw > VOCAB_MAX_WORDS) {
      free(line);
      fclose(f);
      return ra_error_set(err, RA_ERR_INVALID,
                          "%s:%zu: tag has %zu words (at most %d)", path,
                          lineno, nw, VOCAB_MAX_WORDS);
    }
    if (voc_add(m, h, COST_KNOWN, 0, line, nn)) {
      free(line);
      fclose(f);
      return nomem(err);
    }
  }
  if (ferror(f)) {
    errno_text(errno, eb, sizeof eb);
    free(line);
    fclose(f);
    return ra_error_set(err, RA_ERR_IO, "%s: read error: %s", path, eb);
  }
  free(line);
  fclose(f);
  return RA_OK;
}

/* ---- boilerplate view: learned set or built-in defaults ----------------- */

/* Built-in chrome and footer of the Residency Advisor site, used only when
 * fewer than BP_MIN_PAGES pages were learned (e.g. --dump of one file). */
static const struct {
  const char *text;
  int kind;
} default_bp[] = {
    {"Residency Advisor", BP_CHROME},
    {"Resources", BP_CHROME},
    {"overview", BP_FOOTER},
    {"Smart Pick - Residency Selection Made Smarter", BP_FOOTER},
    {"Take the guesswork out of residency applications with data-driven "
     "precision.",
     BP_FOOTER},
    {"Finding the right residency programs is challenging, but Smart Pick "
     "makes it effortless. Our AI-driven algorithm analyzes your profile, "
     "scores, and preferences to curate the best programs for you. No more "
     "wasted applications\xE2\x80\x94get a personalized, optimized list that "
     "maximizes your chances of matching. Make every choice count with Smart "
     "Pick!",
     BP_FOOTER},
    {"* 100% free to try. No credit card or account creation required.",
     BP_FOOTER},
    {"Related Articles", BP_FOOTER},
};
#define N_DEFAULT_BP (sizeof default_bp / sizeof default_bp[0])

typedef struct bpview {
  const ra_model *m; /* NULL: defaults */
  uint64_t dh[N_DEFAULT_BP];
  char dkey[N_DEFAULT_BP][64];
  size_t dlen[N_DEFAULT_BP];
} bpview;

static void bpview_init(bpview *v, const ra_model *m) {
  size_t i;
  memset(v, 0, sizeof *v);
  if (m && m->finished && m->pages >= BP_MIN_PAGES) {
    v->m = m;
    return;
  }
  for (i = 0; i < N_DEFAULT_BP; i++) {
    const char *t = default_bp[i].text;
    size_t n = strlen(t), kl;
    v->dh[i] = loose_key(t, n, NULL, &kl);
    if (default_bp[i].kind == BP_CHROME && kl < sizeof v->dkey[i]) {
      loose_key(t, n, v->dkey[i], &kl);
      v->dlen[i] = kl;
    }
  }
}

static int bp_kind(const bpview *v, uint64_t h) {
  size_t i;
  if (!h) return BP_NONE;
  if (v->m) {
    uint32_t k = hix_get(&v->m->bp_ix, h);
    return k == HIX_NONE ? BP_NONE : v->m->bp[k].kind;
  }
  for (i = 0; i < N_DEFAULT_BP; i++)
    if (v->dh[i] == h) return default_bp[i].kind;
  return BP_NONE;
}

/* Removes every occurrence of key from s (in place); returns bytes removed. */
static size_t remove_all(char *s, size_t *n, const char *key, size_t kl) {
  size_t removed = 0, i = 0;
  if (!kl) return 0;
  while (i + kl <= *n) {
    if (memcmp(s + i, key, kl) == 0) {
      memmove(s + i, s + i + kl, *n - i - kl);
      *n -= kl;
      removed += kl;
    } else {
      i++;
    }
  }
  return removed;
}

/* "Residency Advisor Logo Residency Advisor": a top line made of chrome
 * lines plus a word or two still counts as chrome. */
static int chrome_contains(const bpview *v, const pline *p) {
  char buf[BP_MAX_LINE + 1];
  size_t n, removed = 0, i;
  if (p->n > BP_MAX_LINE) return 0;
  loose_key(p->t, p->n, buf, &n);
  if (!n) return 0;
  if (v->m) {
    for (i = 0; i < v->m->n_bp; i++)
      if (v->m->bp[i].kind == BP_CHROME && v->m->bp[i].loose_len >= 4)
        removed += remove_all(buf, &n, v->m->bp[i].loose,
                              v->m->bp[i].loose_len);
  } else {
    for (i = 0; i < N_DEFAULT_BP; i++)
      if (v->dlen[i] >= 4) removed += remove_all(buf, &n, v->dkey[i], v->dlen[i]);
  }
  return removed > 0 && n <= 12 && n < removed;
}

static int in_catset(const ra_model *m, uint64_t h) {
  return m && m->finished && h && hix_get(&m->cat_ix, h) != HIX_NONE;
}

int ra_model_is_boilerplate(const ra_model *m, const char *line, size_t len) {
  char *buf;
  size_t n;
  uint64_t h;
  bpview v;
  if (!line) return 0;
  buf = malloc(len + 1);
  if (!buf) return 0;
  n = norm_into(line, len, buf);
  h = n <= LOOSE_MAX_LINE ? loose_key(buf, n, NULL, NULL) : 0;
  free(buf);
  bpview_init(&v, m);
  return bp_kind(&v, h) != BP_NONE;
}

/* ---- tag splitting -------------------------------------------------------- */

/* Phrases of the page body (sub-word hashes of up to EVID_MAX_SUB words)
 * made only of words that occur in the tag line: a tag like "Medical
 * Conferences" usually also appears as a phrase in its article. */
typedef struct evid {
  hix words; /* tag-line sub-words */
  hix phr;   /* phrase hash -> occurrences */
  unsigned char first[256]; /* lowercased first bytes of those sub-words */
} evid;

static void evid_free(evid *e) {
  hix_free(&e->words);
  hix_free(&e->phr);
}

static int evid_scan(evid *e, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  uint64_t win[EVID_MAX_SUB]; /* sub-words of the current phrase run */
  size_t nw = 0, i = 0;
  int brk = 1; /* punctuation since the last word: phrases do not cross it */
  while (i <= n) {
    size_t st = i, k;
    uint64_t h;
    /* skip separators, noting whether a phrase break was crossed */
    while (i < n) {
      uint32_t cp;
      size_t bad = 1, l, w;
      if (u[i] == ' ') { /* fast path */
        i++;
        continue;
      }
      w = ws_len(u + i, n - i);
      if (w) {
        i += w;
        continue;
      }
      if (u[i] < 0x80) {
        if (is_alnum(u[i]) || u[i] == '&') break;
        if (u[i] != '-') brk = 1;
        i++;
        continue;
      }
      l = u8_next(u + i, n - i, &cp, &bad);
      if (!l) {
        brk = 1;
        i += bad;
        continue;
      }
      if (!punct_cp(cp)) break;
      if (!(cp >= 0x2010 && cp <= 0x2011)) brk = 1;
      i += l;
    }
    if (i >= n) break;
    st = i;
    if (u[i] == '&') {
      i++;
    } else {
      while (i < n) {
        uint32_t cp;
        size_t bad = 1, l;
        if (u[i] < 0x80) {
          if (is_alnum(u[i]) || (u[i] == '\'' && i + 1 < n && is_alpha(u[i + 1])))
            i++;
          else
            break;
          continue;
        }
        l = u8_next(u + i, n - i, &cp, &bad);
        if (!l) break;
        if (cp == 0x2019 && i + l < n && u[i + l] < 0x80 && is_alpha(u[i + l])) {
          i += l;
          continue;
        }
        if (punct_cp(cp)) break;
        i += l;
      }
    }
    /* most body words cannot be tag words: skip hashing them */
    if (u[st] != '&' && !e->first[to_lower(u[st])]) {
      nw = 0;
      if (i == st) i++;
      continue;
    }
    h = subword_hash(s + st, i - st);
    if (!h) {
      brk = 1;
      if (i == st) i++;
      continue;
    }
    if (brk || hix_get(&e->words, h) == HIX_NONE) {
      nw = 0;
      brk = 0;
      if (hix_get(&e->words, h) == HIX_NONE) continue;
    }
    if (nw == EVID_MAX_SUB) {
      memmove(win, win + 1, sizeof win[0] * (EVID_MAX_SUB - 1));
      nw--;
    }
    win[nw++] = h;
    /* every phrase of >= 2 sub-words ending at this token */
    {
      uint64_t ph;
      size_t a;
      for (a = 0; a + 1 < nw; a++) {
        ph = H_SEED;
        for (k = a; k < nw; k++) ph = hfold(ph, win[k]);
        ph = nz(ph);
        {
          uint32_t *c = hix_slot(&e->phr, ph);
          if (c) {
            if (*c < UINT32_MAX) (*c)++;
          } else if (hix_put(&e->phr, ph, 1)) {
            return -1;
          }
        }
      }
    }
  }
  return 0;
}

static int evid_cost(const evid *e, uint64_t h) {
  uint32_t c;
  if (!e) return COST_INF;
  c = hix_get(&e->phr, h);
  if (c == HIX_NONE || c == 0) return COST_INF;
  return COST_EVIDENCE - 10 * (int)(c - 1 > 3 ? 3 : c - 1);
}

/* One word of a tag line. */
typedef struct tword {
  size_t off, n;     /* in the normalised line */
  size_t sub0, nsub; /* its sub-word hashes */
  unsigned char bl;  /* cannot start a tag */
  unsigned char br;  /* cannot end a tag */
} tword;

typedef struct tsplit {
  const char *s;
  tword *w;
  size_t nw, cap_w;
  uint64_t *sub;
  size_t nsub, cap_sub;
  const ra_model *m;
  const evid *ev;
} tsplit;

static uint64_t span_hash(const tsplit *t, size_t i, size_t j) {
  uint64_t h = H_SEED;
  size_t k;
  for (k = t->w[i].sub0; k < t->w[j - 1].sub0 + t->w[j - 1].nsub; k++)
    h = hfold(h, t->sub[k]);
  return nz(h);
}

static int span_subs(const tsplit *t, size_t i, size_t j) {
  return (int)(t->w[j - 1].sub0 + t->w[j - 1].nsub - t->w[i].sub0);
}

static int vocab_or_evidence(const tsplit *t, size_t i, size_t j) {
  uint64_t h;
  int c, e;
  if (j - i > VOCAB_MAX_WORDS || span_subs(t, i, j) < 1) return COST_INF;
  h = span_hash(t, i, j);
  c = voc_cost(t->m, h);
  if (span_subs(t, i, j) >= 2) {
    e = evid_cost(t->ev, h);
    if (e < c) c = e;
  }
  return c;
}

/* Cost of words [i,j) as one tag, COST_INF if not allowed. */
static int seg_cost(const tsplit *t, size_t i, size_t j) {
  int c = vocab_or_evidence(t, i, j);
  size_t a, k;
  int bound = 0;
  if (j - i == 1) return c < COST_SINGLE ? c : COST_SINGLE;
  if (c < COST_INF) return c;
  /* Connector chain: "Networking in Medicine".  Words glued by connectors
   * or lowercase continuations form one tag; any run of ordinary words
   * inside it must itself be a known phrase. */
  a = i;
  for (k = i + 1; k <= j; k++) {
    int glued = k < j && (t->w[k - 1].br || t->w[k].bl);
    if (glued) bound = 1;
    if (k == j || glued) {
      if (k - a >= 2 && vocab_or_evidence(t, a, k) >= COST_INF)
        return COST_INF;
      a = k;
    }
  }
  return bound ? COST_CHAIN : COST_INF;
}

static int split_dp(const tsplit *t, size_t *cut, size_t *ncut) {
  size_t n = t->nw, j, i;
  int *cost = malloc((n + 1) * sizeof *cost);
  size_t *nseg = malloc((n + 1) * sizeof *nseg);
  size_t *back = malloc((n + 1) * sizeof *back);
  if (!cost || !nseg || !back) {
    free(cost);
    free(nseg);
    free(back);
    return -1;
  }
  cost[0] = 0;
  nseg[0] = 0;
  back[0] = 0;
  for (j = 1; j <= n; j++) {
    cost[j] = COST_INF;
    nseg[j] = 0;
    back[j] = 0;
    if (j < n && (t->w[j - 1].br || t->w[j].bl)) continue; /* no cut here */
    for (i = j > SEG_MAX_WORDS ? j - SEG_MAX_WORDS : 0; i < j; i++) {
      int c;
      if (cost[i] >= COST_INF) continue;
      if (i > 0 && (t->w[i - 1].br || t->w[i].bl)) continue;
      c = seg_cost(t, i, j);
      if (c >= COST_INF) continue;
      if (cost[i] + c < cost[j] ||
          (cost[i] + c == cost[j] && nseg[i] + 1 < nseg[j])) {
        cost[j] = cost[i] + c;
        nseg[j] = nseg[i] + 1;
        back[j] = i;
      }
    }
  }
  if (cost[n] >= COST_INF) {
    free(cost);
    free(nseg);
    free(back);
    return 1;
  }
  *ncut = nseg[n];
  for (j = n, i = nseg[n]; j > 0; j = back[j]) cut[--i] = j;
  free(cost);
  free(nseg);
  free(back);
  return 0;
}

/* Splits a normalised tag line.  Outputs display strings (page casing) and,
 * optionally, each tag's phrase hash and word count. */
static int split_tags(const ra_model *m, const evid *ev, const char *s,
                      size_t n, char ***tags, size_t *ntags, uint64_t **hashes,
                      size_t **wcounts) {
  tsplit t;
  size_t i = 0, k, *cut = NULL, ncut = 0, start;
  int mixed = 0, rc = -1, r;
  hix seen = {0};
  char **out = NULL;
  uint64_t *hs = NULL;
  size_t *wc = NULL, nout = 0;

  memset(&t, 0, sizeof t);
  t.s = s;
  t.m = m;
  t.ev = ev;
  *tags = NULL;
  *ntags = 0;
  if (hashes) *hashes = NULL;
  if (wcounts) *wcounts = NULL;
  while (i < n) {
    size_t j = i;
    tword *w;
    while (j < n && s[j] != ' ') j++;
    if (j > i) {
      if (GROW(t.w, t.cap_w, t.nw + 1)) goto done;
      w = &t.w[t.nw++];
      memset(w, 0, sizeof *w);
      w->off = i;
      w->n = j - i;
      w->sub0 = t.nsub;
      if (word_subs(s + i, j - i, &t.sub, &t.nsub, &t.cap_sub, NULL))
        goto done;
      w->nsub = t.nsub - w->sub0;
      if (is_upper((unsigned char)s[i])) mixed = 1;
    }
    i = j + 1;
  }
  if (!t.nw) {
    rc = 0;
    goto done;
  }
  for (k = 0; k < t.nw; k++) {
    int art;
    tword *w = &t.w[k];
    if (is_connector_word(s + w->off, w->n, &art)) {
      w->br = 1;
      w->bl = !(art && is_upper((unsigned char)s[w->off]));
    } else if (k > 0 && mixed && word_all_lower(s + w->off, w->n) &&
               voc_cost(m, span_hash(&t, k, k + 1)) >= COST_INF) {
      w->bl = 1; /* "Work-life balance": lowercase continues a tag */
    }
  }
  cut = malloc(t.nw * sizeof *cut);
  if (!cut) goto done;
  r = split_dp(&t, cut, &ncut);
  if (r < 0) goto done;
  if (r > 0) { /* impossible constraints: forget the connector rules */
    for (k = 0; k < t.nw; k++) t.w[k].bl = t.w[k].br = 0;
    if (split_dp(&t, cut, &ncut)) goto done;
  }
  out = calloc(ncut ? ncut : 1, sizeof *out);
  hs = calloc(ncut ? ncut : 1, sizeof *hs);
  wc = calloc(ncut ? ncut : 1, sizeof *wc);
  if (!out || !hs || !wc) goto done;
  for (start = 0, k = 0; k < ncut; start = cut[k], k++) {
    size_t a = t.w[start].off, b = t.w[cut[k] - 1].off + t.w[cut[k] - 1].n;
    uint64_t h = span_hash(&t, start, cut[k]);
    if (hix_get(&seen, h) != HIX_NONE) continue; /* duplicate tag */
    if (hix_put(&seen, h, 1)) goto done;
    out[nout] = xstrndup(s + a, b - a);
    if (!out[nout]) goto done;
    hs[nout] = h;
    wc[nout] = cut[k] - start;
    nout++;
  }
  *tags = out;
  *ntags = nout;
  out = NULL;
  if (hashes) {
    *hashes = hs;
    hs = NULL;
  }
  if (wcounts) {
    *wcounts = wc;
    wc = NULL;
  }
  rc = 0;
done:
  if (out) ra_strv_free(out, nout);
  free(hs);
  free(wc);
  free(cut);
  free(t.w);
  free(t.sub);
  hix_free(&seen);
  return rc;
}

ra_status ra_model_split_tags(const ra_model *m, const char *line,
                              size_t len, char ***tags, size_t *n_tags,
                              ra_error *err) {
  char *buf;
  size_t n;
  if (tags) *tags = NULL;
  if (n_tags) *n_tags = 0;
  if (!tags || !n_tags || (!line && len))
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_split_tags: bad arguments");
  buf = malloc(len + 1);
  if (!buf) return nomem(err);
  n = norm_into(line ? line : "", len, buf);
  if (split_tags(m, NULL, buf, n, tags, n_tags, NULL, NULL)) {
    free(buf);
    return nomem(err);
  }
  free(buf);
  return RA_OK;
}

/* Builds tag-line evidence from lines [from, to) plus the title. */
static int evid_build(evid *e, const pline *tagline, const page *pg,
                      size_t from, size_t to, const pline *title) {
  const char *s = tagline->t;
  size_t i = 0, n = tagline->n, k;
  memset(e, 0, sizeof *e);
  while (i < n) {
    size_t j = i;
    uint64_t *subs = NULL;
    size_t ns = 0, cap = 0;
    while (j < n && s[j] != ' ') j++;
    if (word_subs(s + i, j - i, &subs, &ns, &cap, e->first)) {
      free(subs);
      return -1;
    }
    for (k = 0; k < ns; k++)
      if (hix_put(&e->words, subs[k], 1)) {
        free(subs);
        return -1;
      }
    free(subs);
    i = j + 1;
  }
  if (title && evid_scan(e, title->t, title->n)) return -1;
  for (k = from; k < to; k++)
    if (evid_scan(e, pg->l[k].t, pg->l[k].n)) return -1;
  return 0;
}

/* ---- learning -------------------------------------------------------------- */

static lent *line_ent(ra_model *m, const pline *p, uint32_t bucket) {
  uint32_t i = hix_get(&m->ln_ix, p->loose);
  lent *e;
  if (i != HIX_NONE) return &m->ln[i];
  if (m->n_ln >= UINT32_MAX - 1 || GROW(m->ln, m->cap_ln, m->n_ln + 1))
    return NULL;
  e = &m->ln[m->n_ln];
  memset(e, 0, sizeof *e);
  e->h = p->loose;
  e->delta = bucket - 1;
  e->text = xstrndup(p->t, p->n);
  if (!e->text) return NULL;
  if (hix_put(&m->ln_ix, e->h, (uint32_t)m->n_ln)) {
    free(e->text);
    return NULL;
  }
  return &m->ln[m->n_ln++];
}

static int pair_add(ra_model *m, uint64_t a, uint64_t b, uint32_t page_no,
                    uint32_t bucket) {
  uint64_t h = nz(hfold(hfold(0x9a1dULL, a), b));
  uint32_t i = hix_get(&m->pr_ix, h);
  pent *e;
  if (i == HIX_NONE) {
    if (m->n_pr >= UINT32_MAX - 1 || GROW(m->pr, m->cap_pr, m->n_pr + 1))
      return -1;
    e = &m->pr[m->n_pr];
    memset(e, 0, sizeof *e);
    e->h = h;
    e->a = a;
    e->b = b;
    e->delta = bucket - 1;
    if (hix_put(&m->pr_ix, h, (uint32_t)m->n_pr)) return -1;
    m->n_pr++;
  } else {
    e = &m->pr[i];
  }
  if (e->last != page_no) {
    e->last = page_no;
    e->count++;
  }
  return 0;
}

static tent *tag_ent(ra_model *m, uint64_t h, const char *text, size_t n,
                     size_t nwords, uint32_t bucket) {
  uint32_t i = hix_get(&m->tg_ix, h);
  tent *e;
  if (i != HIX_NONE) return &m->tg[i];
  if (m->n_tg >= UINT32_MAX - 1 || GROW(m->tg, m->cap_tg, m->n_tg + 1))
    return NULL;
  e = &m->tg[m->n_tg];
  memset(e, 0, sizeof *e);
  e->h = h;
  e->delta = bucket - 1;
  e->nwords = (unsigned char)(nwords > 255 ? 255 : nwords);
  e->text = xstrndup(text, n);
  if (!e->text) return NULL;
  if (hix_put(&m->tg_ix, h, (uint32_t)m->n_tg)) {
    free(e->text);
    return NULL;
  }
  return &m->tg[m->n_tg++];
}

/* Lossy counting (Manku & Motwani): at each bucket boundary drop entries
 * whose count cannot reach the bucket number.  Anything frequent enough to
 * matter survives, and memory stays proportional to one bucket's worth. */
static int prune_lines(ra_model *m, uint32_t bucket) {
  size_t i, o = 0;
  for (i = 0; i < m->n_ln; i++) {
    if (m->ln[i].count + m->ln[i].delta <= bucket) {
      free(m->ln[i].text);
      continue;
    }
    m->ln[o++] = m->ln[i];
  }
  m->n_ln = o;
  hix_free(&m->ln_ix);
  for (i = 0; i < o; i++)
    if (hix_put(&m->ln_ix, m->ln[i].h, (uint32_t)i)) return -1;
  for (i = 0, o = 0; i < m->n_pr; i++)
    if (m->pr[i].count + m->pr[i].delta > bucket) m->pr[o++] = m->pr[i];
  m->n_pr = o;
  hix_free(&m->pr_ix);
  for (i = 0; i < o; i++)
    if (hix_put(&m->pr_ix, m->pr[i].h, (uint32_t)i)) return -1;
  return 0;
}

static int prune_tags(ra_model *m, uint32_t bucket) {
  size_t i, o = 0;
  for (i = 0; i < m->n_tg; i++) {
    tent *e = &m->tg[i];
    uint32_t c = e->seg > e->ng ? e->seg : e->ng;
    if (c + e->delta <= bucket) {
      free(e->text);
      continue;
    }
    m->tg[o++] = *e;
  }
  m->n_tg = o;
  hix_free(&m->tg_ix);
  for (i = 0; i < o; i++)
    if (hix_put(&m->tg_ix, m->tg[i].h, (uint32_t)i)) return -1;
  return 0;
}

static int eq_lines(const pline *a, const pline *b) {
  return a->loose == b->loose && a->n == b->n && has_letter(a->t, a->n) &&
         memcmp(a->t, b->t, a->n) == 0;
}

/* Tag-line statistics of one page.  Only pages whose title is doubled (the
 * common layout) are used: the tag line is then unambiguous without any
 * knowledge of the chrome. */
static int learn_tags(ra_model *m, const page *pg, uint32_t page_no) {
  size_t k, t, i, ntags = 0, *wc = NULL;
  char **tags = NULL;
  uint64_t *hs = NULL;
  evid ev;
  uint32_t bucket = (page_no - 1) / TAGS_BUCKET + 1;
  const pline *tl;
  int rc = -1;

  for (k = 0; k + 1 < pg->n && k < LEARN_TITLE_SCAN; k++)
    if (eq_lines(&pg->l[k], &pg->l[k + 1]) && title_like(&pg->l[k])) break;
  if (k + 1 >= pg->n || k >= LEARN_TITLE_SCAN) return 0;
  t = k + 2;
  if (t >= pg->n || !tag_like(pg->l[t].t, pg->l[t].n)) return 0;
  tl = &pg->l[t];
  if (evid_build(&ev, tl, pg, t + 1, pg->n, &pg->l[k])) {
    evid_free(&ev);
    return -1;
  }
  if (split_tags(m, &ev, tl->t, tl->n, &tags, &ntags, &hs, &wc)) goto done;
  for (i = 0; i < ntags; i++) {
    tent *e = tag_ent(m, hs[i], tags[i], strlen(tags[i]), wc[i], bucket);
    if (!e) goto done;
    if (e->last_seg != page_no) {
      e->last_seg = page_no;
      e->seg++;
    }
  }
  /* n-gram statistics over the words of the line (connectors never start
   * or end an n-gram), with distinct left/right neighbours tracked */
  {
    const char *s = tl->t;
    size_t n = tl->n, nw = 0, a, len;
    size_t wo[TAGLINE_MAX_WORDS + 1], wl[TAGLINE_MAX_WORDS + 1];
    i = 0;
    while (i < n && nw < TAGLINE_MAX_WORDS) {
      size_t j = i;
      while (j < n && s[j] != ' ') j++;
      wo[nw] = i;
      wl[nw] = j - i;
      nw++;
      i = j + 1;
    }
    for (a = 0; a < nw; a++) {
      int art;
      if (is_connector_word(s + wo[a], wl[a], &art)) continue;
      for (len = 1; len <= 4 && a + len <= nw; len++) {
        size_t z = a + len - 1, nwd;
        uint64_t h, lh, rh;
        tent *e;
        if (is_connector_word(s + wo[z], wl[z], &art)) continue;
        h = phrase_hash(s + wo[a], wo[z] + wl[z] - wo[a], &nwd);
        if (!h) continue;
        lh = a ? phrase_hash(s + wo[a - 1], wl[a - 1], NULL) : H_BOL;
        rh = z + 1 < nw ? phrase_hash(s + wo[z + 1], wl[z + 1], NULL) : H_EOL;
        e = tag_ent(m, h, s + wo[a], wo[z] + wl[z] - wo[a], len, bucket);
        if (!e) goto done;
        if (e->last_ng == page_no) continue;
        e->last_ng = page_no;
        e->ng++;
        if (!e->has_left) {
          e->has_left = 1;
          e->left = lh;
          e->right = rh;
        } else {
          if (e->left != lh) e->lmulti = 1;
          if (e->right != rh) e->rmulti = 1;
        }
      }
    }
  }
  rc = 0;
done:
  ra_strv_free(tags, ntags);
  free(hs);
  free(wc);
  evid_free(&ev);
  return rc;
}

ra_status ra_model_learn(ra_model *m, const char *text, size_t len,
                         ra_error *err) {
  page pg;
  char *copy = NULL;
  uint32_t page_no, bucket;
  uint64_t prev = H_BOF;
  size_t i;
  int s;
  if (!m || (!text && len))
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_learn: bad arguments");
  if (m->finished)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_model_learn: model already finished");
  if (m->pages >= UINT32_MAX - 1)
    return ra_error_set(err, RA_ERR_TOOBIG, "ra_model_learn: too many pages");
  s = sanitize(text ? text : "", len, &copy);
  if (s < 0) return nomem(err);
  if (s > 0) text = copy;
  if (page_split(&pg, text ? text : "", len)) {
    page_free(&pg);
    free(copy);
    return nomem(err);
  }
  page_no = (uint32_t)++m->pages;
  bucket = (page_no - 1) / LINES_BUCKET + 1;
  /* prev = 0 after a long line: pairs link only truly adjacent lines, or
   * "Conclusion" and "FAQs" (a paragraph apart on most pages) would look
   * like a repeated block */
  for (i = 0; i < pg.n; i++) {
    const pline *p = &pg.l[i];
    lent *e;
    if (p->n > BP_MAX_LINE || !p->loose) {
      prev = 0;
      continue;
    }
    e = line_ent(m, p, bucket);
    if (!e) goto oom;
    if (e->last != page_no) {
      e->last = page_no;
      e->count++;
      if (i * 2 >= pg.n) e->tail++;
      if (i < HEAD_LINES) e->head++;
    }
    if (prev && pair_add(m, prev, p->loose, page_no, bucket)) goto oom;
    prev = p->loose;
  }
  if (prev && pair_add(m, prev, H_EOF, page_no, bucket)) goto oom;
  if (learn_tags(m, &pg, page_no)) goto oom;
  if (page_no % LINES_BUCKET == 0 && prune_lines(m, page_no / LINES_BUCKET))
    goto oom;
  if (page_no % TAGS_BUCKET == 0 && prune_tags(m, page_no / TAGS_BUCKET))
    goto oom;
  page_free(&pg);
  free(copy);
  return RA_OK;
oom:
  page_free(&pg);
  free(copy);
  return nomem(err);
}

static int bp_add(ra_model *m, uint64_t h, int kind, unsigned count,
                  const char *text, size_t n) {
  bpent *e;
  size_t kl;
  if (hix_get(&m->bp_ix, h) != HIX_NONE) return 0;
  if (m->n_bp >= UINT32_MAX - 1 || GROW(m->bp, m->cap_bp, m->n_bp + 1))
    return -1;
  e = &m->bp[m->n_bp];
  e->h = h;
  e->kind = kind;
  e->count = count;
  e->text = xstrndup(text, n);
  e->loose = malloc(n + 1);
  if (!e->text || !e->loose) {
    free(e->text);
    free(e->loose);
    return -1;
  }
  loose_key(text, n, e->loose, &kl);
  e->loose_len = kl;
  if (hix_put(&m->bp_ix, h, (uint32_t)m->n_bp)) {
    free(e->text);
    free(e->loose);
    return -1;
  }
  m->n_bp++;
  return 0;
}

static int cat_add(ra_model *m, uint64_t h, unsigned count, const char *text,
                   size_t n) {
  if (hix_get(&m->cat_ix, h) != HIX_NONE) return 0;
  if (m->n_cat >= UINT32_MAX - 1 || GROW(m->cat, m->cap_cat, m->n_cat + 1))
    return -1;
  m->cat[m->n_cat].h = h;
  m->cat[m->n_cat].cost = 0;
  m->cat[m->n_cat].count = count;
  m->cat[m->n_cat].text = xstrndup(text, n);
  if (!m->cat[m->n_cat].text) return -1;
  if (hix_put(&m->cat_ix, h, (uint32_t)m->n_cat)) {
    free(m->cat[m->n_cat].text);
    return -1;
  }
  m->n_cat++;
  return 0;
}

/* Bigram-style cohesion of a tag-line n-gram: how often it occurs relative
 * to its rarest word.  "Medical Community" is nearly always together;
 * "Mentorship Networking" is two frequent tags that happen to touch. */
static int ngram_cohesive(const ra_model *m, const tent *e) {
  const char *s = e->text;
  size_t i = 0, n = strlen(s);
  uint32_t minc = UINT32_MAX;
  while (i < n) {
    size_t j = i;
    uint64_t h;
    uint32_t k;
    while (j < n && s[j] != ' ') j++;
    h = phrase_hash(s + i, j - i, NULL);
    k = h ? hix_get(&m->tg_ix, h) : HIX_NONE;
    if (k != HIX_NONE && m->tg[k].ng < minc) minc = m->tg[k].ng;
    i = j + 1;
  }
  if (minc == UINT32_MAX || !minc) return 0;
  return (uint64_t)e->ng * 10 >= (uint64_t)minc * 6;
}

ra_status ra_model_finish(ra_model *m, ra_error *err) {
  size_t i, thr;
  if (!m) return ra_error_set(err, RA_ERR_USAGE, "ra_model_finish: model is NULL");
  if (m->finished) return RA_OK;
  thr = (m->pages + 1) / 2;
  if (thr < 2) thr = 2;
  /* A frequent line is boilerplate only if it belongs to a repeated block:
   * the pair it forms with its predecessor or successor (page start/end
   * included) is itself frequent.  "Conclusion" or "FAQs" repeat across
   * pages but their neighbours differ every time. */
  for (i = 0; i < m->n_pr; i++) {
    const pent *p = &m->pr[i];
    uint32_t k;
    if (p->count < thr) continue;
    if (p->a != H_BOF && (k = hix_get(&m->ln_ix, p->a)) != HIX_NONE)
      m->ln[k].block = 1;
    if (p->b != H_EOF && (k = hix_get(&m->ln_ix, p->b)) != HIX_NONE)
      m->ln[k].block = 1;
  }
  for (i = 0; i < m->n_ln; i++) {
    const lent *e = &m->ln[i];
    if (e->count >= thr && e->block) {
      if (bp_add(m, e->h, e->tail * 2 > e->count ? BP_FOOTER : BP_CHROME,
                 e->count, e->text, strlen(e->text)))
        return nomem(err);
    }
  }
  for (i = 0; i < m->n_ln; i++) {
    const lent *e = &m->ln[i];
    if (e->count >= 2 && e->head * 2 > e->count &&
        hix_get(&m->bp_ix, e->h) == HIX_NONE &&
        cat_add(m, e->h, e->count, e->text, strlen(e->text)))
      return nomem(err);
  }
  for (i = 0; i < m->n_tg; i++) {
    const tent *e = &m->tg[i];
    int r = 0;
    if (e->seg >= 2)
      r = voc_add(m, e->h, e->nwords > 1 ? COST_LEARNED : COST_LEARNED_SINGLE,
                  e->seg, e->text, strlen(e->text));
    else if (e->nwords >= 2 && e->ng >= 2 && e->lmulti && e->rmulti &&
             ngram_cohesive(m, e))
      r = voc_add(m, e->h, COST_NGRAM, e->ng, e->text, strlen(e->text));
    if (r) return nomem(err);
  }
  free_learning(m);
  m->finished = 1;
  return RA_OK;
}

/* ---- model serialisation ---------------------------------------------- */

#define MODEL_MAGIC "rasearch-model 1"

ra_status ra_model_save(const ra_model *m, char **out, size_t *out_len,
                        ra_error *err) {
  sbuf b = {0};
  char num[64];
  size_t i;
  if (out) *out = NULL;
  if (out_len) *out_len = 0;
  if (!m || !out)
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_save: bad arguments");
  if (!m->finished)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_model_save: call ra_model_finish first");
  if (sb_add(&b, MODEL_MAGIC "\n", sizeof MODEL_MAGIC)) goto oom;
  snprintf(num, sizeof num, "pages %zu\n", m->pages);
  if (sb_add(&b, num, strlen(num))) goto oom;
  for (i = 0; i < m->n_bp; i++) {
    snprintf(num, sizeof num, "bp %s %u ",
             m->bp[i].kind == BP_FOOTER ? "footer" : "chrome", m->bp[i].count);
    if (sb_add(&b, num, strlen(num)) ||
        sb_add(&b, m->bp[i].text, strlen(m->bp[i].text)) || sb_addc(&b, '\n'))
      goto oom;
  }
  for (i = 0; i < m->n_cat; i++) {
    snprintf(num, sizeof num, "cat %u ", m->cat[i].count);
    if (sb_add(&b, num, strlen(num)) ||
        sb_add(&b, m->cat[i].text, strlen(m->cat[i].text)) ||
        sb_addc(&b, '\n'))
      goto oom;
  }
  for (i = 0; i < m->n_voc; i++) {
    const vent *v = &m->voc[i];
    const char *tier = v->cost == COST_KNOWN     ? "known"
                       : v->cost == COST_NGRAM   ? "ngram"
                                                 : "learned";
    snprintf(num, sizeof num, "tag %s %u ", tier, v->count);
    if (sb_add(&b, num, strlen(num)) || sb_add(&b, v->text, strlen(v->text)) ||
        sb_addc(&b, '\n'))
      goto oom;
  }
  if (sb_add(&b, "end\n", 4)) goto oom;
  *out = b.p;
  if (out_len) *out_len = b.len;
  return RA_OK;
oom:
  free(b.p);
  return nomem(err);
}

static int parse_uint(const char *s, size_t n, unsigned long *v, size_t *used) {
  size_t i = 0;
  unsigned long x = 0;
  while (i < n && is_digit((unsigned char)s[i])) {
    if (x > (ULONG_MAX - 9) / 10) return -1;
    x = x * 10 + (unsigned long)(s[i] - '0');
    i++;
  }
  if (!i) return -1;
  *v = x;
  *used = i;
  return 0;
}

ra_status ra_model_load(ra_model *m, const char *data, size_t len,
                        ra_error *err) {
  size_t pos = 0, lineno = 0;
  int seen_magic = 0, seen_end = 0;
  if (!m || (!data && len))
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_load: bad arguments");
  if (m->finished || m->pages)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_model_load: model must be fresh");
  while (pos < len && !seen_end) {
    const char *ln = data + pos, *nl = memchr(ln, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - ln) : len - pos, used, k;
    unsigned long cnt = 0;
    pos += n + 1;
    lineno++;
    if (memchr(ln, 0, n)) goto bad;
    if (!seen_magic) {
      if (n != strlen(MODEL_MAGIC) || memcmp(ln, MODEL_MAGIC, n) != 0)
        return ra_error_set(err, RA_ERR_INVALID,
                            "model data: line 1: not a rasearch model "
                            "(expected \"%s\")",
                            MODEL_MAGIC);
      seen_magic = 1;
      continue;
    }
    if (n == 3 && memcmp(ln, "end", 3) == 0) {
      seen_end = 1;
    } else if (n > 6 && memcmp(ln, "pages ", 6) == 0) {
      if (parse_uint(ln + 6, n - 6, &cnt, &used) || used != n - 6) goto bad;
      m->pages = cnt;
    } else if (n > 3 && memcmp(ln, "bp ", 3) == 0) {
      int kind;
      k = 3;
      if (n - k > 7 && memcmp(ln + k, "chrome ", 7) == 0)
        kind = BP_CHROME;
      else if (n - k > 7 && memcmp(ln + k, "footer ", 7) == 0)
        kind = BP_FOOTER;
      else
        goto bad;
      k += 7;
      if (parse_uint(ln + k, n - k, &cnt, &used)) goto bad;
      k += used;
      if (k >= n || ln[k] != ' ' || k + 1 >= n) goto bad;
      k++;
      {
        uint64_t h = loose_key(ln + k, n - k, NULL, NULL);
        if (!h || bp_add(m, h, kind, (unsigned)cnt, ln + k, n - k)) {
          if (!h) goto bad;
          return nomem(err);
        }
      }
    } else if (n > 4 && memcmp(ln, "cat ", 4) == 0) {
      uint64_t h;
      k = 4;
      if (parse_uint(ln + k, n - k, &cnt, &used)) goto bad;
      k += used;
      if (k >= n || ln[k] != ' ' || k + 1 >= n) goto bad;
      k++;
      h = loose_key(ln + k, n - k, NULL, NULL);
      if (!h) goto bad;
      if (cat_add(m, h, (unsigned)cnt, ln + k, n - k)) return nomem(err);
    } else if (n > 4 && memcmp(ln, "tag ", 4) == 0) {
      int cost;
      uint64_t h;
      size_t nw = 0;
      k = 4;
      if (n - k > 6 && memcmp(ln + k, "known ", 6) == 0) {
        cost = COST_KNOWN;
        k += 6;
      } else if (n - k > 6 && memcmp(ln + k, "ngram ", 6) == 0) {
        cost = COST_NGRAM;
        k += 6;
      } else if (n - k > 8 && memcmp(ln + k, "learned ", 8) == 0) {
        cost = COST_LEARNED;
        k += 8;
      } else {
        goto bad;
      }
      if (parse_uint(ln + k, n - k, &cnt, &used)) goto bad;
      k += used;
      if (k >= n || ln[k] != ' ' || k + 1 >= n) goto bad;
      k++;
      h = phrase_hash(ln + k, n - k, &nw);
      if (!h) goto bad;
      if (cost == COST_LEARNED && nw == 1) cost = COST_LEARNED_SINGLE;
      if (voc_add(m, h, cost, (unsigned)cnt, ln + k, n - k)) return nomem(err);
    } else {
      goto bad;
    }
  }
  if (!seen_magic)
    return ra_error_set(err, RA_ERR_INVALID, "model data: empty");
  if (!seen_end)
    return ra_error_set(err, RA_ERR_INVALID,
                        "model data: truncated (no \"end\" record)");
  m->finished = 1;
  return RA_OK;
bad:
  return ra_error_set(err, RA_ERR_INVALID,
                      "model data: line %zu: malformed record", lineno);
}

/* ---- illustrations ---------------------------------------------------------- */

/* Words typical of image-generation prompts and alt text ("A vibrant
 * scene ... Soft, ambient lighting ... Photorealistic style, capturing
 * ...") and, with negative weight, of advice prose addressed to the
 * reader.  Weights: 2 strong visual cue, 1 weak cue, <0 prose. */
static const struct {
  const char *w;
  int weight;
} cue_words[] = {
    {"scene", 2},         {"scenes", 2},       {"depicting", 2},
    {"depicts", 2},       {"depicted", 2},     {"depiction", 2},
    {"lighting", 2},      {"illuminates", 2},  {"illuminating", 2},
    {"illuminated", 2},   {"illuminate", 2},   {"illumination", 2},
    {"glow", 2},          {"glows", 2},        {"glowing", 2},
    {"shadows", 2},       {"spotlight", 2},    {"foreground", 2},
    {"background", 2},    {"backdrop", 2},     {"photorealistic", 2},
    {"painting", 2},      {"watercolor", 2},   {"watercolour", 2},
    {"cinematic", 2},     {"hues", 2},         {"palette", 2},
    {"sunlight", 2},      {"daylight", 2},     {"bokeh", 2},
    {"rendered", 2},      {"atmosphere", 1},   {"showcasing", 1},
    {"showcases", 1},     {"capturing", 1},    {"captures", 1},
    {"highlighting", 1},  {"emphasizing", 1},  {"emphasising", 1},
    {"symbolizing", 1},   {"symbolising", 1},  {"symbolizes", 1},
    {"conveying", 1},     {"illustrating", 1}, {"radiating", 1},
    {"vibrant", 1},       {"cozy", 1},         {"cosy", 1},
    {"bustling", 1},      {"scrubs", 1},       {"coats", 1},
    {"decorated", 1},     {"decor", 1},        {"decorations", 1},
    {"smiling", 1},       {"smile", 1},        {"smiles", 1},
    {"ambient", 1},       {"warm", 1},         {"bright", 1},
    {"soft", 1},          {"windows", 1},      {"banners", 1},
    {"posters", 1},       {"colorful", 1},     {"colourful", 1},
    {"inviting", 1},      {"mingling", 1},     {"laughing", 1},
    {"spacious", 1},      {"filled", 1},       {"animated", 1},
    {"lively", 1},        {"style", 1},        {"adorned", 1},
    {"overlooking", 1},   {"sunny", 1},        {"airy", 1},
    {"candid", 1},        {"intimate", 1},     {"serene", 1},
    {"stethoscope", 1},   {"stethoscopes", 1}, {"whiteboard", 1},
    {"laptops", 1},       {"textbooks", 1},    {"expressions", 1},
    {"faces", 1},         {"posture", 1},      {"attire", 1},
    {"gathered", 1},      {"seated", 1},       {"surrounded", 1},
    {"encapsulates", 1},  {"streams", 1},      {"casts", 1},
    {"lit", 1},           {"embracing", 1},    {"reflecting", 1},
    {"you", -2},          {"your", -2},        {"you're", -2},
    {"yours", -2},        {"yourself", -2},    {"we", -1},
    {"our", -1},          {"i", -1},           {"i'm", -1},
    {"my", -1},           {"can", -1},         {"should", -1},
    {"must", -1},         {"will", -1},        {"may", -1},
    {"might", -1},        {"could", -1},       {"would", -1},
    {"let's", -1},
};
#define N_CUES (sizeof cue_words / sizeof cue_words[0])

typedef struct cuetab {
  uint64_t key[256];
  int w[256];
  uint32_t first;  /* bit per first letter a..z of any cue word */
  size_t maxlen;
} cuetab;

static uint64_t cue_hash(const char *s, size_t n) {
  uint64_t h = RA_FNV_INIT;
  size_t i;
  for (i = 0; i < n; i++) h = ra_fnv1a_byte(h, (unsigned char)to_lower((unsigned char)s[i]));
  return nz(h);
}

static void cuetab_init(cuetab *c) {
  size_t i;
  memset(c, 0, sizeof *c);
  for (i = 0; i < N_CUES; i++) {
    uint64_t h = cue_hash(cue_words[i].w, strlen(cue_words[i].w));
    size_t k = (size_t)(h & 255);
    c->first |= 1u << (cue_words[i].w[0] - 'a');
    if (strlen(cue_words[i].w) > c->maxlen) c->maxlen = strlen(cue_words[i].w);
    while (c->key[k]) k = (k + 1) & 255;
    c->key[k] = h;
    c->w[k] = cue_words[i].weight;
  }
}

static int cue_weight(const cuetab *c, const char *s, size_t n) {
  uint64_t h = cue_hash(s, n);
  size_t k = (size_t)(h & 255);
  while (c->key[k]) {
    if (c->key[k] == h) return c->w[k];
    k = (k + 1) & 255;
  }
  return 0;
}

/* Sentence starts in s: after . ! ? (and closing quotes) followed by a
 * space and an uppercase letter, digit, quote or non-ASCII character, not
 * after common abbreviations or initials. */
static size_t sentence_starts(const char *s, size_t n, size_t *st, size_t max) {
  size_t k = 0, i;
  st[k++] = 0;
  for (i = 0; i + 2 < n && k < max; i++) {
    size_t j, b;
    unsigned char nx;
    if (s[i] != '.' && s[i] != '!' && s[i] != '?') continue;
    j = i + 1;
    while (j < n && (s[j] == '"' || s[j] == '\'' || s[j] == ')')) j++;
    if (j + 3 <= n && (unsigned char)s[j] == 0xE2 &&
        (unsigned char)s[j + 1] == 0x80 &&
        ((unsigned char)s[j + 2] == 0x9D || (unsigned char)s[j + 2] == 0x99))
      j += 3;
    if (j + 1 >= n || s[j] != ' ') continue;
    nx = (unsigned char)s[j + 1];
    if (!(is_upper(nx) || is_digit(nx) || nx == '"' || nx >= 0x80)) continue;
    if (s[i] == '.') {
      static const char *const abbr[] = {"dr", "mr", "mrs", "ms", "st", "vs",
                                         "jr", "sr", "prof", "e.g", "i.e",
                                         "etc", "no", "fig", "approx"};
      size_t a, wl;
      b = i;
      while (b > 0 && s[b - 1] != ' ') b--;
      wl = i - b;
      if (wl <= 1) continue; /* initials: "J. Smith" */
      for (a = 0; a < sizeof abbr / sizeof abbr[0]; a++)
        if (strlen(abbr[a]) == wl && ascii_ncaseeq(s + b, abbr[a], wl)) break;
      if (a < sizeof abbr / sizeof abbr[0]) continue;
    }
    st[k++] = j + 1;
  }
  return k;
}

/* Sentences that describe a setting: "The room is ...", "The atmosphere
 * is ...", "In the background, ...". */
static int setting_opener(const char *s, size_t a, size_t b) {
  static const char *const nouns[] = {
      "scene ",  "atmosphere ", "room ",   "setting ",  "space ",
      "venue ",  "corridor ",   "hallway ", "backdrop ", "background",
      "foreground", "layout ",  "image ",  "composition ", "lighting ",
      "mood ",   "walls ",      "lounge ", "light "};
  size_t k, off;
  if (b - a > 4 && ascii_ncaseeq(s + a, "The ", 4))
    off = a + 4;
  else if (b - a > 7 && ascii_ncaseeq(s + a, "In the ", 7))
    off = a + 7;
  else
    return 0;
  for (k = 0; k < sizeof nouns / sizeof nouns[0]; k++) {
    size_t l = strlen(nouns[k]);
    if (b - off >= l && ascii_ncaseeq(s + off, nouns[k], l)) return 1;
  }
  return 0;
}

/* Positive and negative cue totals of the sentence s[a..b). */
static void cue_score(const cuetab *c, const char *s, size_t a, size_t b,
                      int *pos, int *neg) {
  size_t i = a;
  *pos = setting_opener(s, a, b) ? 2 : 0;
  *neg = 0;
  while (i < b) {
    size_t j;
    int w;
    if (!is_alpha((unsigned char)s[i])) {
      i++;
      continue;
    }
    j = i;
    while (j < b && (is_alpha((unsigned char)s[j]) ||
                     (s[j] == '\'' && j + 1 < b && is_alpha((unsigned char)s[j + 1]))))
      j++;
    w = (j - i <= c->maxlen &&
         (c->first >> (to_lower((unsigned char)s[i]) - 'a')) & 1u)
            ? cue_weight(c, s + i, j - i)
            : 0;
    if (w > 0)
      *pos += w;
    else
      *neg -= w;
    i = j;
  }
}

/* Where an illustration description starts in a paragraph: 0 if the whole
 * paragraph is one, n if there is none.  Works per sentence because a
 * description can be glued to the end of a real paragraph: the split is
 * the earliest sentence from which the rest reads as a description (score
 * >= 6 and >= 1.5 per sentence, reader-directed words counting against it,
 * and a first sentence that does not talk to the reader) while the text
 * before it carries no visual cues. */
static size_t illustration_split(const cuetab *c, const char *s, size_t n) {
  size_t st[MAX_SENTENCES + 1], ns, k;
  int pos[MAX_SENTENCES], neg[MAX_SENTENCES];
  int suf_pos = 0, suf_neg = 0, pre_pos = 0;
  if (n < 60) return n;
  ns = sentence_starts(s, n, st, MAX_SENTENCES);
  st[ns] = n;
  for (k = 0; k < ns; k++) {
    cue_score(c, s, st[k], st[k + 1], &pos[k], &neg[k]);
    suf_pos += pos[k];
    suf_neg += neg[k];
  }
  /* suf_* = cues of sentences k.., pre_pos = visual cues before k */
  for (k = 0; k < ns; k++) {
    int score = suf_pos - suf_neg;
    if (pre_pos > 1) break;
    if (score >= 6 && 2 * score >= 3 * (int)(ns - k) && neg[k] <= 1 &&
        2 * suf_neg <= suf_pos)
      return st[k];
    suf_pos -= pos[k];
    suf_neg -= neg[k];
    pre_pos += pos[k];
  }
  return n;
}

/* Alt text: "Residents collaborating ... - Residency for Enhancing Your
 * Medical Career: The Impac" - a separator, then (a truncated prefix of)
 * the page title running to the end of the line. */
static int is_caption(const pline *p, const char *title, size_t tn) {
  static const char *const seps[] = {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                     " | "};
  const char *s = p->t;
  size_t n = p->n, k, i, minlen = tn < 12 ? tn : 12;
  if (!title || !tn || n > CAPTION_MAX_BYTES) return 0;
  for (k = 0; k < sizeof seps / sizeof seps[0]; k++) {
    size_t sl = strlen(seps[k]);
    for (i = 1; i + sl < n; i++) {
      size_t p0, q;
      if (s[i] != ' ' || memcmp(s + i, seps[k], sl) != 0) continue;
      p0 = i + sl;
      for (q = p0; q < n; q++) {
        size_t len = n - q;
        if (q > p0 && s[q - 1] != ' ') continue;
        if (len >= minlen && len <= tn && ascii_ncaseeq(s + q, title, len))
          return 1;
      }
    }
  }
  return 0;
}

/* ---- building the article ------------------------------------------------- */

static void blocks_free(ra_block *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) free(b[i].text);
  free(b);
}

void ra_strv_free(char **v, size_t n) {
  size_t i;
  if (!v) return;
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
}

void ra_article_free(ra_article *a) {
  size_t i;
  if (!a) return;
  if (a->block) {
    free(a->block);
    return;
  }
  free(a->id);
  free(a->path);
  free(a->url);
  free(a->title);
  free(a->category);
  ra_strv_free(a->tags, a->n_tags);
  for (i = 0; i < a->n_sections; i++) {
    free(a->sections[i].heading);
    blocks_free(a->sections[i].blocks, a->sections[i].n_blocks);
  }
  free(a->sections);
  ra_strv_free(a->illustrations, a->n_illustrations);
  for (i = 0; i < a->n_faqs; i++) {
    free(a->faqs[i].question);
    blocks_free(a->faqs[i].answer, a->faqs[i].n_answer);
  }
  free(a->faqs);
  free(a);
}

char *ra_article_id_from_path(const char *path) {
  const char *b, *e, *dot;
  size_t n;
  if (!path) return xstrndup("", 0);
  n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  e = path + n;
  b = e;
  while (b > path && b[-1] != '/') b--;
  dot = NULL;
  {
    const char *q;
    for (q = b + 1; q < e; q++)
      if (*q == '.') dot = q;
  }
  if (dot) e = dot;
  return xstrndup(b, (size_t)(e - b));
}

static int push_str(char ***arr, size_t *n, const char *s, size_t len) {
  char *t = xstrndup(s, len);
  if (!t || PUSH_ROOM(*arr, *n)) {
    free(t);
    return -1;
  }
  (*arr)[(*n)++] = t;
  return 0;
}

static int push_block(ra_block **arr, size_t *n, ra_block_kind kind, int level,
                      const char *s, size_t len) {
  char *t = xstrndup(s, len);
  if (!t || PUSH_ROOM(*arr, *n)) {
    free(t);
    return -1;
  }
  (*arr)[*n].kind = kind;
  (*arr)[*n].level = level;
  (*arr)[*n].text = t;
  (*n)++;
  return 0;
}

static int push_section(ra_article *a, const char *h, size_t hn) {
  char *t = NULL;
  if (h && !(t = xstrndup(h, hn))) return -1;
  if (PUSH_ROOM(a->sections, a->n_sections)) {
    free(t);
    return -1;
  }
  a->sections[a->n_sections].heading = t;
  a->sections[a->n_sections].blocks = NULL;
  a->sections[a->n_sections].n_blocks = 0;
  a->n_sections++;
  return 0;
}

static int push_faq(ra_article *a, const char *q, size_t qn) {
  char *t = xstrndup(q, qn);
  if (!t || PUSH_ROOM(a->faqs, a->n_faqs)) {
    free(t);
    return -1;
  }
  a->faqs[a->n_faqs].question = t;
  a->faqs[a->n_faqs].answer = NULL;
  a->faqs[a->n_faqs].n_answer = 0;
  a->n_faqs++;
  return 0;
}

enum { TGT_NONE, TGT_SECTION, TGT_FAQ };

typedef struct pstate {
  ra_article *a;
  int target;          /* where blocks go */
  int in_faq;          /* inside an FAQ section */
  const pline *faq_h;  /* its heading, for a preamble section */
  int faq_pre;         /* the preamble section exists */
  size_t depth;        /* list nesting stack */
  size_t ind[LIST_MAX_DEPTH];
  int list_active;
  size_t item_indent;  /* indentation of the last item's marker */
} pstate;

static int cur_blocks(pstate *st, ra_block ***arr, size_t **n) {
  ra_article *a = st->a;
  if (st->in_faq && st->target != TGT_FAQ && !st->faq_pre) {
    if (push_section(a, st->faq_h->t, st->faq_h->n)) return -1;
    st->faq_pre = 1;
    st->target = TGT_SECTION;
  }
  if (st->target == TGT_NONE) {
    if (push_section(a, NULL, 0)) return -1;
    st->target = TGT_SECTION;
  }
  if (st->target == TGT_FAQ) {
    *arr = &a->faqs[a->n_faqs - 1].answer;
    *n = &a->faqs[a->n_faqs - 1].n_answer;
  } else {
    *arr = &a->sections[a->n_sections - 1].blocks;
    *n = &a->sections[a->n_sections - 1].n_blocks;
  }
  return 0;
}

static int add_block(pstate *st, ra_block_kind kind, int level, const char *s,
                     size_t n) {
  ra_block **arr;
  size_t *cnt;
  if (cur_blocks(st, &arr, &cnt)) return -1;
  return push_block(arr, cnt, kind, level, s, n);
}

/* Appends an indented continuation line to the last list item. */
static int continue_item(pstate *st, const char *s, size_t n) {
  ra_block **arr;
  size_t *cnt, ol;
  ra_block *b;
  char *t;
  if (cur_blocks(st, &arr, &cnt)) return -1;
  if (!*cnt || (*arr)[*cnt - 1].kind != RA_BLOCK_ITEM)
    return push_block(arr, cnt, RA_BLOCK_PARA, 0, s, n);
  b = &(*arr)[*cnt - 1];
  ol = strlen(b->text);
  t = realloc(b->text, ol + 1 + n + 1);
  if (!t) return -1;
  t[ol] = '\n';
  memcpy(t + ol + 1, s, n);
  t[ol + 1 + n] = '\0';
  b->text = t;
  return 0;
}

static int faq_heading(const char *s, size_t n) {
  static const char *const pre[] = {"frequently asked questions",
                                    "questions and answers", "common questions",
                                    "q&a", "q & a"};
  size_t k;
  if (n >= 3 && ascii_ncaseeq(s, "faq", 3) &&
      (n == 3 || !is_alpha((unsigned char)s[3]) ||
       ((s[3] == 's' || s[3] == 'S') && (n == 4 || !is_alpha((unsigned char)s[4])))))
    return 1;
  for (k = 0; k < sizeof pre / sizeof pre[0]; k++) {
    size_t l = strlen(pre[k]);
    if (n >= l && ascii_ncaseeq(s, pre[k], l) &&
        (n == l || !is_alpha((unsigned char)s[l])))
      return 1;
  }
  return 0;
}

/* Question text without "1. ", "Q1:", "Q:" or "Question 2:" numbering. */
static size_t question_prefix(const char *s, size_t n) {
  size_t i = 0, j;
  int numbered;
  size_t bl = bullet_len(s, n, &numbered);
  if (bl && numbered) return bl;
  if (n > 9 && ascii_ncaseeq(s, "question ", 9))
    i = 9;
  else if (n > 1 && (s[0] == 'Q' || s[0] == 'q') &&
           (s[1] == ':' || s[1] == '.' || is_digit((unsigned char)s[1]) || s[1] == ' '))
    i = 1;
  else
    return 0;
  j = i;
  while (j < n && is_digit((unsigned char)s[j])) j++;
  if (j < n && (s[j] == ':' || s[j] == '.' || s[j] == ')')) j++;
  else if (j == i) return 0;
  while (j < n && s[j] == ' ') j++;
  return j < n ? j : 0;
}

/* Adds a paragraph, separating any illustration description in it. */
static int add_paragraph(pstate *st, const cuetab *cues, const char *s,
                         size_t n) {
  size_t cut = illustration_split(cues, s, n);
  if (cut < n) {
    size_t e = cut;
    while (e > 0 && s[e - 1] == ' ') e--;
    if (e && add_block(st, RA_BLOCK_PARA, 0, s, e)) return -1;
    return push_str(&st->a->illustrations, &st->a->n_illustrations, s + cut,
                    n - cut);
  }
  return add_block(st, RA_BLOCK_PARA, 0, s, n);
}

static int parse_body(pstate *st, const page *pg, size_t from, size_t to,
                      const char *title, size_t tn) {
  ra_article *a = st->a;
  cuetab cues;
  size_t k;
  cuetab_init(&cues);
  for (k = from; k < to; k++) {
    const pline *p = &pg->l[k];
    int numbered = 0;
    size_t bl = bullet_len(p->t, p->n, &numbered);
    int item = bl && (!numbered || p->indent > 0);

    if (numbered && p->indent == 0) {
      /* "1. Emotional Support" is a heading, "1. How do I ...?" a
       * question; anything else numbered at the margin is a list item */
      item = !heading_like(p) && !ends_with_question(p->t, p->n);
    }
    if (item) {
      size_t d = p->indent;
      int level;
      if (!st->list_active) st->depth = 0;
      while (st->depth && st->ind[st->depth - 1] > d) st->depth--;
      if (!st->depth || st->ind[st->depth - 1] < d) {
        if (st->depth < LIST_MAX_DEPTH) st->ind[st->depth++] = d;
        else st->ind[st->depth - 1] = d;
      }
      level = (int)st->depth;
      st->list_active = 1;
      st->item_indent = d;
      if (add_block(st, RA_BLOCK_ITEM, level, p->t + bl, p->n - bl)) return -1;
      continue;
    }
    if (st->list_active && p->indent > st->item_indent) {
      if (continue_item(st, p->t, p->n)) return -1;
      continue;
    }
    st->list_active = 0;
    if (is_caption(p, title, tn)) {
      if (push_str(&a->illustrations, &a->n_illustrations, p->t, p->n))
        return -1;
      continue;
    }
    if (heading_like(p)) {
      if (faq_heading(p->t, p->n)) {
        st->in_faq = 1;
        st->faq_h = p;
        st->faq_pre = 0;
        st->target = TGT_NONE;
        continue;
      }
      st->in_faq = 0;
      if (push_section(a, p->t, p->n)) return -1;
      st->target = TGT_SECTION;
      continue;
    }
    if (st->in_faq && p->n <= QUESTION_MAX_BYTES &&
        ends_with_question(p->t, p->n)) {
      size_t q = question_prefix(p->t, p->n);
      if (push_faq(a, p->t + q, p->n - q)) return -1;
      st->target = TGT_FAQ;
      continue;
    }
    if (add_paragraph(st, &cues, p->t, p->n)) return -1;
  }
  return 0;
}

/* Footer: the tail block that starts at a footer line and in which most
 * lines are footer lines (a changed line or two inside it is tolerated).
 * Lines after the last footer line go too when the block is solid. */
static size_t footer_start(const bpview *v, const page *pg, size_t from) {
  size_t n = pg->n, j = n, k, b = 0, best = n, solid = 0;
  for (k = n; k-- > from;)
    if (bp_kind(v, pg->l[k].loose) == BP_FOOTER) {
      j = k;
      break;
    }
  if (j == n) return n;
  for (k = j + 1; k-- > from;) {
    if (bp_kind(v, pg->l[k].loose) == BP_FOOTER) {
      b++;
      if (b * 2 > j - k + 1) {
        best = k;
        solid = b;
      }
    }
  }
  if (best == n) return n;
  if (j + 1 < n && solid < 2) return n;
  return best;
}

ra_status ra_article_parse(const ra_model *m, const char *id,
                           const char *path, const char *text, size_t len,
                           ra_article **out, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err) {
  const char *name = path ? path : (id ? id : "<text>");
  char *copy = NULL, **tags = NULL;
  size_t ntags = 0, ci, fs, hn, body, title_i, tag_i;
  ptrdiff_t cat_i = -1;
  page pg;
  bpview v;
  ra_article *a = NULL;
  pstate st;
  int s;
  const pline *h[4];

  if (out) *out = NULL;
  if (!out || (!text && len))
    return ra_error_set(err, RA_ERR_USAGE, "%s: ra_article_parse: bad arguments",
                        name);
  s = sanitize(text ? text : "", len, &copy);
  if (s < 0) return nomem(err);
  if (s > 0) {
    warnf(warn, warn_ctx, name, 0, (size_t)-1,
          "text has NUL bytes or invalid UTF-8; parsing a repaired copy");
    text = copy;
    len = strlen(copy);
  }
  if (page_split(&pg, text ? text : "", len)) {
    page_free(&pg);
    free(copy);
    return nomem(err);
  }
  bpview_init(&v, m);

  /* chrome: the run of boilerplate lines at the top */
  for (ci = 0; ci < pg.n && ci < MAX_CHROME_RUN; ci++)
    if (bp_kind(&v, pg.l[ci].loose) == BP_NONE && !chrome_contains(&v, &pg.l[ci]))
      break;
  fs = footer_start(&v, &pg, ci);
  if (fs < ci) fs = ci;

  /* An unknown layout (no learned model, defaults do not match): the
   * doubled title a few lines down is the anchor, and the short lines above
   * it are site chrome we could not recognise. */
  {
    size_t k, dup = fs;
    for (k = ci + 2; k + 1 < fs && k < ci + 2 + HEAD_SCAN_EXTRA; k++) {
      if (pg.l[k - 2].n > CHROME_LIKE_BYTES) break; /* not chrome-like */
      if (eq_lines(&pg.l[k], &pg.l[k + 1]) && title_like(&pg.l[k])) {
        dup = k;
        break;
      }
    }
    if (dup < fs && !eq_lines(&pg.l[ci], &pg.l[ci + 1]) &&
        !(ci + 2 < fs && eq_lines(&pg.l[ci + 1], &pg.l[ci + 2])))
      ci = dup - 1;
  }

  /* breadcrumb / title (often doubled) / tag line */
  for (hn = 0; hn < 4 && ci + hn < fs; hn++) h[hn] = &pg.l[ci + hn];
  if (hn >= 2 && eq_lines(h[0], h[1])) {
    title_i = ci;
    tag_i = ci + 2;
  } else if (hn >= 3 && eq_lines(h[1], h[2])) {
    if (category_like(h[0])) cat_i = (ptrdiff_t)ci;
    title_i = ci + 1;
    tag_i = ci + 3;
  } else if (hn >= 3 && in_catset(m, h[0]->loose) && !in_catset(m, h[1]->loose) &&
             category_like(h[0]) && title_like(h[1]) &&
             tag_like(h[2]->t, h[2]->n)) {
    cat_i = (ptrdiff_t)ci;
    title_i = ci + 1;
    tag_i = ci + 2;
  } else {
    title_i = ci;
    tag_i = ci + 1;
  }
  if (title_i >= fs || !title_like(&pg.l[title_i])) {
    ra_status rc = ra_error_set(
        err, RA_ERR_INVALID, "%s: no recognisable title%s", name,
        title_i < fs ? " (the first text line is not a title)" : " (no text)");
    page_free(&pg);
    free(copy);
    return rc;
  }
  body = tag_i;
  if (tag_i < fs && tag_like(pg.l[tag_i].t, pg.l[tag_i].n) &&
      !eq_lines(&pg.l[tag_i], &pg.l[title_i])) {
    evid ev;
    const pline *tl = &pg.l[tag_i];
    int r = evid_build(&ev, tl, &pg, tag_i + 1, fs, &pg.l[title_i]);
    if (!r) r = split_tags(m, &ev, tl->t, tl->n, &tags, &ntags, NULL, NULL);
    evid_free(&ev);
    if (r) goto oom;
    body = tag_i + 1;
  } else {
    warnf(warn, warn_ctx, name, pg.l[title_i].lineno, pg.l[title_i].off,
          "no tag line after the title");
  }
  if (body > fs) body = fs;

  a = calloc(1, sizeof *a);
  if (!a) goto oom;
  a->tags = tags;
  a->n_tags = ntags;
  tags = NULL;
  a->id = id ? xstrndup(id, strlen(id))
             : (path ? ra_article_id_from_path(path) : xstrndup("", 0));
  if (!a->id) goto oom;
  if (path && !(a->path = xstrndup(path, strlen(path)))) goto oom;
  a->title = xstrndup(pg.l[title_i].t, pg.l[title_i].n);
  if (!a->title) goto oom;
  if (cat_i >= 0) {
    a->category = xstrndup(pg.l[cat_i].t, pg.l[cat_i].n);
    if (!a->category) goto oom;
  }
  memset(&st, 0, sizeof st);
  st.a = a;
  if (parse_body(&st, &pg, body, fs, a->title, strlen(a->title))) goto oom;
  page_free(&pg);
  free(copy);
  *out = a;
  return RA_OK;
oom:
  ra_strv_free(tags, ntags);
  ra_article_free(a);
  page_free(&pg);
  free(copy);
  return nomem(err);
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *jstr(const char *s, int *bad) {
  json_t *j;
  if (!s) return json_null();
  j = json_string(s);
  if (!j) *bad = 1;
  return j;
}

static void jset(json_t *o, const char *k, json_t *v, int *bad) {
  if (!v || json_object_set_new(o, k, v)) *bad = 1;
}

static void jpush(json_t *arr, json_t *v, int *bad) {
  if (!v || json_array_append_new(arr, v)) *bad = 1;
}

static json_t *blocks_json(const ra_block *b, size_t n, int *bad) {
  json_t *arr = json_array();
  size_t i;
  if (!arr) {
    *bad = 1;
    return NULL;
  }
  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    if (!o) {
      *bad = 1;
      break;
    }
    jset(o, "kind", json_string(b[i].kind == RA_BLOCK_ITEM ? "item" : "para"), bad);
    jset(o, "level", json_integer(b[i].level), bad);
    jset(o, "text", jstr(b[i].text ? b[i].text : "", bad), bad);
    jpush(arr, o, bad);
  }
  return arr;
}

ra_status ra_article_to_json(const ra_article *a, int flags, char **out,
                             ra_error *err) {
  json_t *o, *arr;
  int bad = 0;
  size_t i;
  char *s;
  if (out) *out = NULL;
  if (!a || !out)
    return ra_error_set(err, RA_ERR_USAGE, "ra_article_to_json: bad arguments");
  o = json_object();
  if (!o) return nomem(err);
  jset(o, "id", jstr(a->id ? a->id : "", &bad), &bad);
  jset(o, "path", jstr(a->path, &bad), &bad);
  jset(o, "url", jstr(a->url, &bad), &bad);
  jset(o, "title", jstr(a->title ? a->title : "", &bad), &bad);
  jset(o, "category", jstr(a->category, &bad), &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_tags; i++) jpush(arr, jstr(a->tags[i], &bad), &bad);
  jset(o, "tags", arr, &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_sections; i++) {
    json_t *so = json_object();
    if (!so) {
      bad = 1;
      break;
    }
    jset(so, "heading", jstr(a->sections[i].heading, &bad), &bad);
    jset(so, "blocks",
         blocks_json(a->sections[i].blocks, a->sections[i].n_blocks, &bad), &bad);
    jpush(arr, so, &bad);
  }
  jset(o, "sections", arr, &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_illustrations; i++)
    jpush(arr, jstr(a->illustrations[i], &bad), &bad);
  jset(o, "illustrations", arr, &bad);
  arr = json_array();
  for (i = 0; arr && i < a->n_faqs; i++) {
    json_t *fo = json_object();
    if (!fo) {
      bad = 1;
      break;
    }
    jset(fo, "question", jstr(a->faqs[i].question ? a->faqs[i].question : "", &bad),
         &bad);
    jset(fo, "answer", blocks_json(a->faqs[i].answer, a->faqs[i].n_answer, &bad),
         &bad);
    jpush(arr, fo, &bad);
  }
  jset(o, "faqs", arr, &bad);
  if (bad) {
    json_decref(o);
    return ra_error_set(err, RA_ERR_UTF8,
                        "article %s: cannot encode as JSON (invalid UTF-8 or "
                        "out of memory)",
                        a->id ? a->id : "?");
  }
  s = json_dumps(o, (flags & RA_JSON_PRETTY) ? (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                                             : (JSON_COMPACT | JSON_PRESERVE_ORDER));
  json_decref(o);
  if (!s) return nomem(err);
  *out = s;
  return RA_OK;
}

/* Reads a string member; absent or null gives NULL unless required. */
static ra_status jget_str(json_t *o, const char *k, int required, char **dst,
                          const char *what, ra_error *err) {
  json_t *v = json_object_get(o, k);
  *dst = NULL;
  if (!v || json_is_null(v)) {
    if (required)
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s\"%s\" is missing", what, k);
    return RA_OK;
  }
  if (!json_is_string(v))
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: %s\"%s\" must be a string", what, k);
  *dst = xstrndup(json_string_value(v), json_string_length(v));
  return *dst ? RA_OK : nomem(err);
}

/* An array member (absent or null: *arr = NULL). */
static ra_status jget_arr(json_t *o, const char *k, const char *what,
                          json_t **arr, ra_error *err) {
  json_t *v = json_object_get(o, k);
  *arr = NULL;
  if (!v || json_is_null(v)) return RA_OK;
  if (!json_is_array(v))
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: %s\"%s\" must be an array", what, k);
  *arr = v;
  return RA_OK;
}

static ra_status blocks_from_json(json_t *arr, ra_block **out, size_t *n,
                                  const char *what, ra_error *err) {
  size_t i;
  json_t *b;
  json_array_foreach(arr, i, b) {
    json_t *kind, *level, *text;
    ra_block_kind kd;
    json_int_t lv = 0;
    if (!json_is_object(b))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s[%zu] must be an object", what, i);
    kind = json_object_get(b, "kind");
    level = json_object_get(b, "level");
    text = json_object_get(b, "text");
    if (!json_is_string(kind) ||
        (strcmp(json_string_value(kind), "para") != 0 &&
         strcmp(json_string_value(kind), "item") != 0))
      return ra_error_set(
          err, RA_ERR_INVALID,
          "article JSON: %s[%zu].kind must be \"para\" or \"item\"", what, i);
    kd = strcmp(json_string_value(kind), "item") == 0 ? RA_BLOCK_ITEM
                                                       : RA_BLOCK_PARA;
    if (level && !json_is_null(level)) {
      if (!json_is_integer(level) || json_integer_value(level) < 0 ||
          json_integer_value(level) > 1000)
        return ra_error_set(
            err, RA_ERR_INVALID,
            "article JSON: %s[%zu].level must be an integer 0..1000", what, i);
      lv = json_integer_value(level);
    }
    if (!json_is_string(text))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s[%zu].text must be a string", what,
                          i);
    if (push_block(out, n, kd, (int)lv, json_string_value(text),
                   json_string_length(text)))
      return nomem(err);
  }
  return RA_OK;
}

static ra_status strings_from_json(json_t *arr, char ***out, size_t *n,
                                   const char *what, ra_error *err) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (!json_is_string(v))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: %s[%zu] must be a string", what, i);
    if (push_str(out, n, json_string_value(v), json_string_length(v)))
      return nomem(err);
  }
  return RA_OK;
}

static ra_status article_from_root(json_t *root, ra_article *a,
                                   ra_error *err) {
  json_t *arr, *v;
  size_t i;
  char what[64];
  ra_status rc;
  if ((rc = jget_str(root, "id", 1, &a->id, "", err)) ||
      (rc = jget_str(root, "path", 0, &a->path, "", err)) ||
      (rc = jget_str(root, "url", 0, &a->url, "", err)) ||
      (rc = jget_str(root, "title", 1, &a->title, "", err)) ||
      (rc = jget_str(root, "category", 0, &a->category, "", err)))
    return rc;
  if ((rc = jget_arr(root, "tags", "", &arr, err)) ||
      (rc = strings_from_json(arr, &a->tags, &a->n_tags, "tags", err)))
    return rc;
  if ((rc = jget_arr(root, "sections", "", &arr, err))) return rc;
  json_array_foreach(arr, i, v) {
    json_t *bl;
    ra_section *sec;
    if (!json_is_object(v))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: sections[%zu] must be an object", i);
    if (push_section(a, NULL, 0)) return nomem(err);
    sec = &a->sections[a->n_sections - 1];
    snprintf(what, sizeof what, "sections[%zu].", i);
    if ((rc = jget_str(v, "heading", 0, &sec->heading, what, err)) ||
        (rc = jget_arr(v, "blocks", what, &bl, err)))
      return rc;
    snprintf(what, sizeof what, "sections[%zu].blocks", i);
    if ((rc = blocks_from_json(bl, &sec->blocks, &sec->n_blocks, what, err)))
      return rc;
  }
  if ((rc = jget_arr(root, "illustrations", "", &arr, err)) ||
      (rc = strings_from_json(arr, &a->illustrations, &a->n_illustrations,
                              "illustrations", err)))
    return rc;
  if ((rc = jget_arr(root, "faqs", "", &arr, err))) return rc;
  json_array_foreach(arr, i, v) {
    json_t *ans;
    ra_faq *f;
    if (!json_is_object(v))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: faqs[%zu] must be an object", i);
    if (!json_is_string(json_object_get(v, "question")))
      return ra_error_set(err, RA_ERR_INVALID,
                          "article JSON: faqs[%zu].question must be a string",
                          i);
    if (push_faq(a, json_string_value(json_object_get(v, "question")),
                 json_string_length(json_object_get(v, "question"))))
      return nomem(err);
    f = &a->faqs[a->n_faqs - 1];
    snprintf(what, sizeof what, "faqs[%zu].", i);
    if ((rc = jget_arr(v, "answer", what, &ans, err))) return rc;
    snprintf(what, sizeof what, "faqs[%zu].answer", i);
    if ((rc = blocks_from_json(ans, &f->answer, &f->n_answer, what, err)))
      return rc;
  }
  return RA_OK;
}

ra_status ra_article_from_json(const char *json, size_t len, ra_article **out,
                               ra_error *err) {
  json_error_t je;
  json_t *root;
  ra_article *a;
  ra_status rc;
  if (out) *out = NULL;
  if (!out || (!json && len))
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_article_from_json: bad arguments");
  root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
  if (!root)
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: line %d column %d: %s", je.line,
                        je.column, je.text);
  if (!json_is_object(root)) {
    json_decref(root);
    return ra_error_set(err, RA_ERR_INVALID,
                        "article JSON: top level must be an object");
  }
  a = calloc(1, sizeof *a);
  if (!a) {
    json_decref(root);
    return nomem(err);
  }
  rc = article_from_root(root, a, err);
  json_decref(root);
  if (rc != RA_OK) {
    ra_article_free(a);
    return rc;
  }
  *out = a;
  return RA_OK;
}
