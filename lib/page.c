/* page.c - reading and cleaning a page, and splitting it into lines.
 *
 * Reading cleans bytes (BOM, line ends, invalid UTF-8) and rejects files
 * that are not text pages.  Learning and parsing then work on the page's
 * normalised lines, each with a loose key so that small spacing or
 * punctuation variants of a site line still compare equal. */
#define _POSIX_C_SOURCE 200809L

#include "page.h"

#include "hash.h"
#include "hix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define UTF8_WARN_MAX 5     /* per-file invalid UTF-8 warnings */
#define TITLE_MAX_BYTES 300
#define TITLE_MAX_WORDS 40

/* ---- normalising lines ------------------------------------------------- */

/* Copies s[0..n) to out (room for n+1) trimming it and collapsing every
 * whitespace run to one ASCII space.  Returns the new length. */
size_t ra_page_norm_into(const char *s, size_t n, char *out) {
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
    w = ra_ws_len(u + i, n - i);
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
uint64_t ra_page_loose_key(const char *s, size_t n, char *buf, size_t *klen) {
  const unsigned char *u = (const unsigned char *)s;
  uint64_t h = RA_FNV_INIT;
  size_t i = 0, k = 0;
  while (i < n) {
    unsigned c = u[i];
    if (c < 0x80) {
      if (ra_is_alnum((int)c)) {
        c |= (c >= 'A' && c <= 'Z') ? 0x20u : 0u;
        h = ra_fnv1a_byte(h, (unsigned char)c);
        if (buf) buf[k] = (char)c;
        k++;
      }
      i++;
    } else {
      uint32_t cp;
      size_t bad = 1, l = ra_utf8_next(u + i, n - i, &cp, &bad);
      if (!l) {
        i += bad;
        continue;
      }
      if (!ra_punct_cp(cp)) {
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
  return k ? ra_hix_nz(ra_mix64_splitmix(h)) : 0;
}

/* ---- cleaning ------------------------------------------------------------ */

void ra_page_warnf(ra_warn_fn warn, void *ctx, const char *path, size_t line,
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
  ra_sbuf out = {0};
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
    size_t w = ra_ws_len(u + i, in_len - i);
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

  if (RA_GROW(out.p, out.cap, in_len - start + 1)) return ra_nomem(err);
  for (i = start; i < in_len;) {
    unsigned c = u[i];
    if (c < 0x80) {
      if (c == '\r') {
        if (ra_sb_addc(&out, '\n')) goto oom;
        i += (i + 1 < in_len && u[i + 1] == '\n') ? 2 : 1;
        line++;
        continue;
      }
      if (c == '\n') line++;
      if (ra_sb_addc(&out, (char)c)) goto oom;
      i++;
    } else {
      uint32_t cp;
      size_t bad = 1, l = ra_utf8_next(u + i, in_len - i, &cp, &bad);
      if (l) {
        if (ra_sb_add(&out, u + i, l)) goto oom;
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
        ra_page_warnf(warn, warn_ctx, nm, line, i,
              "invalid UTF-8 %s %s at byte offset %zu (line %zu); replaced "
              "with U+FFFD",
              bad > 1 ? "sequence" : "byte", hex, i, line);
      }
      if (ra_sb_add(&out, "\xEF\xBF\xBD", 3)) goto oom;
      i += bad;
    }
  }
  if (nbad > UTF8_WARN_MAX)
    ra_page_warnf(warn, warn_ctx, nm, 0, (size_t)-1,
          "... %zu more invalid UTF-8 sequences replaced with U+FFFD (%zu "
          "in total)",
          nbad - UTF8_WARN_MAX, nbad);
  if (repaired) *repaired = nbad > 0;
  *text = out.p;
  *len = out.len;
  return RA_OK;
oom:
  free(out.p);
  return ra_nomem(err);
}

ra_status ra_page_read_fd(const char *path, int fd, size_t max_size,
                          char **text, size_t *len, int *repaired,
                          ra_warn_fn warn, void *warn_ctx, ra_error *err) {
  char eb[128];
  struct stat st;
  size_t limit = max_size ? max_size : SIZE_MAX - 1, n = 0, cap;
  char *buf = NULL;
  ra_status rc;

  if (fstat(fd, &st) != 0) {
    ra_errno_text(errno, eb, sizeof eb);
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
    return ra_nomem(err);
  }
  for (;;) {
    ssize_t r;
    if (n == cap) {
      if (RA_GROW(buf, cap, cap + 1)) {
        free(buf);
        close(fd);
        return ra_nomem(err);
      }
    }
    r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      ra_errno_text(errno, eb, sizeof eb);
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

ra_status ra_article_read_file(const char *path, size_t max_size,
                               char **text, size_t *len, int *repaired,
                               ra_warn_fn warn, void *warn_ctx,
                               ra_error *err) {
  char eb[128];
  if (text) *text = NULL;
  if (len) *len = 0;
  if (repaired) *repaired = 0;
  if (!path || !text || !len)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_article_read_file: bad arguments");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    ra_errno_text(e, eb, sizeof eb);
    return ra_error_set(err,
                        (e == ENOENT || e == ENOTDIR) ? RA_ERR_NOTFOUND
                                                      : RA_ERR_IO,
                        "%s: cannot open: %s", path, eb);
  }
  return ra_page_read_fd(path, fd, max_size, text, len, repaired, warn,
                         warn_ctx, err);
}

/* Parsing and learning accept any bytes: if the text is not what
 * ra_article_clean produces (NUL bytes, invalid UTF-8), work on a repaired
 * copy instead of failing.  *copy is NULL when the text was already clean. */
int ra_page_sanitize(const char *text, size_t len, char **copy) {
  const unsigned char *u = (const unsigned char *)text;
  size_t i = 0;
  ra_sbuf b = {0};
  *copy = NULL;
  while (i < len) {
    uint32_t cp;
    size_t bad = 1;
    if (u[i] && u[i] < 0x80) {
      i++;
      continue;
    }
    if (u[i]) {
      size_t l = ra_utf8_next(u + i, len - i, &cp, &bad);
      if (l) {
        i += l;
        continue;
      }
    }
    break;
  }
  if (i >= len) return 0;
  if (ra_sb_add(&b, text, i)) return -1;
  while (i < len) {
    uint32_t cp;
    size_t bad = 1, l;
    if (!u[i]) {
      if (ra_sb_addc(&b, ' ')) goto oom;
      i++;
      continue;
    }
    l = ra_utf8_next(u + i, len - i, &cp, &bad);
    if (l) {
      if (ra_sb_add(&b, u + i, l)) goto oom;
      i += l;
    } else {
      if (ra_sb_add(&b, "\xEF\xBF\xBD", 3)) goto oom;
      i += bad;
    }
  }
  if (!b.p && ra_sb_add(&b, "", 0)) return -1;
  *copy = b.p;
  return 1;
oom:
  free(b.p);
  return -1;
}

/* ---- page lines ---------------------------------------------------------- */

void ra_page_free(ra_page *pg) {
  free(pg->l);
  free(pg->buf);
  memset(pg, 0, sizeof *pg);
}

int ra_page_split(ra_page *pg, const char *text, size_t len) {
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
      size_t w = ra_ws_len(u + i, end - i);
      if (!w) break;
      col = text[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
      i += w;
    }
    nn = ra_page_norm_into(text + i, end - i, pg->buf + bo);
    if (nn) {
      ra_pline *p;
      if (RA_GROW(pg->l, pg->cap, pg->n + 1)) return -1;
      p = &pg->l[pg->n++];
      p->off = pos;
      p->lineno = lineno;
      p->indent = col;
      p->t = pg->buf + bo;
      p->n = nn;
      /* long lines are never boilerplate (the longest default footer
       * line is ~370 bytes): skip the key */
      p->loose = nn <= RA_LOOSE_MAX_LINE ? ra_page_loose_key(p->t, nn, NULL, NULL) : 0;
      bo += nn + 1;
    }
    pos = end + 1;
  }
  return 0;
}

/* ---- line shapes ------------------------------------------------------- */

/* Bullet markers: returns how many bytes (marker plus the space) to skip,
 * 0 if the normalised line does not start with one.  *numbered is set for
 * "12." / "12)" markers, which are headings or questions at indent 0. */
size_t ra_page_bullet_len(const char *s, size_t n, int *numbered) {
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
  for (i = 0; i < n && i < 3 && ra_is_digit((unsigned char)s[i]); i++) {
  }
  if (i > 0 && i + 2 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ') {
    *numbered = 1;
    return i + 2;
  }
  return 0;
}

int ra_page_title_like(const ra_pline *p) {
  int numbered;
  if (p->n > TITLE_MAX_BYTES || !ra_page_has_letter(p->t, p->n)) return 0;
  if (ra_page_count_words(p->t, p->n) > TITLE_MAX_WORDS) return 0;
  if (ra_page_bullet_len(p->t, p->n, &numbered) && !numbered) return 0;
  {
    size_t n = ra_page_strip_closers(p->t, p->n);
    if (n && strchr(":;,", p->t[n - 1])) return 0;
  }
  return 1;
}

/* ---- opening a page file ------------------------------------------------- */

static const char *file_kind(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISDIR(m)) return "a directory";
  return "not a regular file";
}

int ra_page_open_regular(const char *path, ra_error *err) {
  char eb[128];
  struct stat sb;
  /* stat first: a device is never opened, a FIFO never waited on */
  if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
    ra_error_set(err, RA_ERR_IO, "%s: is %s, not a regular file: skipped", path,
                 file_kind(sb.st_mode));
    return -1;
  }
  /* O_NONBLOCK and fstat: what was swapped in since is checked too */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    ra_errno_text(e, eb, sizeof eb);
    ra_error_set(err, (e == ENOENT || e == ENOTDIR) ? RA_ERR_NOTFOUND : RA_ERR_IO,
                 "%s: cannot open: %s", path, eb);
    return -1;
  }
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    ra_error_set(err, RA_ERR_IO, "%s: is %s, not a regular file: skipped", path,
                 file_kind(sb.st_mode));
    close(fd);
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}
