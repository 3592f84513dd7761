/* synonyms.c - loading synonyms.txt and learning acronyms from article
 * text (see synonyms.h). */
#define _GNU_SOURCE
#include "synonyms.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct fold_ctx {
  char *out;
  size_t size, n;
  int overflow;
} fold_ctx;

static int fold_word(void *vctx, const ra_token *t) {
  fold_ctx *c = vctx;
  if (t->flags & RA_TOK_COLOCATED) return 0;
  size_t need = t->word_len + (c->n ? 1 : 0);
  if (c->n + need + 1 > c->size) {
    c->overflow = 1;
    return 1;
  }
  if (c->n) c->out[c->n++] = ' ';
  memcpy(c->out + c->n, t->word, t->word_len);
  c->n += t->word_len;
  c->out[c->n] = '\0';
  return 0;
}

/* Analysed words of s joined by single spaces: the form synonym keys take,
 * so the query side can look them up the same way. */
static ra_status fold_phrase(ra_analyzer *an, const char *s, size_t n,
                             char *out, size_t size) {
  fold_ctx c = {out, size, 0, 0};
  out[0] = '\0';
  uint32_t next = 0;
  ra_status st = ra_analyze(an, s, n, 0, fold_word, &c, &next, NULL);
  if (st) return st;
  return c.overflow || c.n == 0 ? RA_ERR_INVALID : RA_OK;
}

static ra_status add_synonym_pair(ra_analyzer *an, ra_writeq_sink *ws,
                                  const char *a, size_t an_, const char *b,
                                  size_t bn, size_t *count, ra_error *err) {
  char fa[256], fb[256];
  if (fold_phrase(an, a, an_, fa, sizeof fa) || fold_phrase(an, b, bn, fb, sizeof fb))
    return RA_OK;
  if (strcmp(fa, fb) == 0) return RA_OK;
  ra_status st = ws->w ? ra_writeq_put_synonym(ws, fa, fb, err) : RA_OK;
  if (!st && count) (*count)++;
  return st;
}

ra_status ra_synonyms_load(ra_analyzer *an, ra_xwriter *w, const char *path,
                           size_t *count, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err) {
  FILE *f = fopen(path, "re");
  if (!f) {
    if (errno == ENOENT) return RA_OK;
    return ra_error_set(err, RA_ERR_IO, "cannot read synonyms %s: %s", path,
                        strerror(errno));
  }
  char line[2048];
  size_t ln = 0;
  ra_status st = RA_OK;
  ra_writeq_sink direct = {w, NULL};
  while (!st && fgets(line, sizeof line, f)) {
    ln++;
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *m[16];
    size_t nm = 0;
    char *p = line;
    for (;;) {
      char *eq = strchr(p, '=');
      if (eq) *eq = '\0';
      while (*p == ' ' || *p == '\t') p++;
      size_t l = strlen(p);
      while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\n' ||
                   p[l - 1] == '\r'))
        p[--l] = '\0';
      if (l && nm < 16) m[nm++] = p;
      if (!eq) break;
      p = eq + 1;
    }
    if (nm == 0) continue;
    if (nm == 1) {
      if (warn) warn(warn_ctx, path, ln, (size_t)-1,
                     "synonym line has one member (expected A = B): ignored");
      continue;
    }
    for (size_t i = 0; !st && i < nm; i++)
      for (size_t k = i + 1; !st && k < nm; k++)
        st = add_synonym_pair(an, &direct, m[i], strlen(m[i]), m[k], strlen(m[k]),
                              count, err);
  }
  fclose(f);
  return st;
}

static int is_small_word(const char *w, size_t n) {
  static const char *const small[] = {"of", "and", "the", "for", "in", "on",
                                      "to", "a", "an", "&"};
  for (size_t i = 0; i < sizeof small / sizeof *small; i++)
    if (strlen(small[i]) == n && strncasecmp(small[i], w, n) == 0) return 1;
  return 0;
}

ra_status ra_synonyms_learn_acronyms(ra_analyzer *an, ra_writeq_sink *sink,
                                     const char *text, size_t *count,
                                     ra_error *err) {
  ra_status st = RA_OK;
  for (const char *p = strchr(text, '('); !st && p; p = strchr(p + 1, '(')) {
    const char *q = p + 1;
    size_t n = 0;
    while (q[n] >= 'A' && q[n] <= 'Z') n++;
    if (n < 2 || n > 8 || q[n] != ')') continue;
    /* Walk back over words, matching initials from the last letter. */
    const char *e = p;
    while (e > text && e[-1] == ' ') e--;
    const char *start = e;
    size_t k = n;
    int words = 0;
    while (k > 0 && start > text) {
      const char *ws = start;
      while (ws > text && ws[-1] != ' ' && ws[-1] != '\n' && ws[-1] != '(')
        ws--;
      size_t wl = (size_t)(start - ws);
      if (wl == 0) break;
      if ((*ws | 0x20) == (q[k - 1] | 0x20) && !is_small_word(ws, wl)) {
        k--;
      } else if (!is_small_word(ws, wl)) {
        break;
      }
      words++;
      start = ws;
      while (start > text && start[-1] == ' ') start--;
      if (words > 12) break;
    }
    if (k != 0) continue;
    while (*start == ' ') start++;
    st = add_synonym_pair(an, sink, q, n, start, (size_t)(e - start), count, err);
  }
  return st;
}
