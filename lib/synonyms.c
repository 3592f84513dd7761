/* synonyms.c - loading synonyms.txt, learning acronyms from article text
 * and keeping the learned pairs' article counts (see synonyms.h). */
#define _GNU_SOURCE
#include "synonyms.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "ident.h"
#include "schema.h"

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
                                  size_t bn, size_t *count, ra_termcount *pairs,
                                  ra_error *err) {
  /* Synonym keys are terms: one over Xapian's limit could never be looked
   * up, so such a pair is left out (fold_phrase refuses it). */
  char fa[RA_IDENT_TERM_MAX + 1], fb[RA_IDENT_TERM_MAX + 1];
  if (fold_phrase(an, a, an_, fa, sizeof fa) || fold_phrase(an, b, bn, fb, sizeof fb))
    return RA_OK;
  if (strcmp(fa, fb) == 0) return RA_OK;
  ra_status st = ws->w ? ra_writeq_put_synonym(ws, fa, fb, err) : RA_OK;
  if (!st && count) (*count)++;
  if (!st && pairs) {
    char key[sizeof fa + sizeof fb];
    size_t la = strlen(fa), lb = strlen(fb);
    memcpy(key, fa, la);
    key[la] = RA_SYN_PAIR_SEP;
    memcpy(key + la + 1, fb, lb);
    (void)ra_termcount_add(pairs, key, la + 1 + lb, 1); /* nomem is sticky */
  }
  return st;
}

ra_status ra_synonyms_load(ra_analyzer *an, ra_xwriter *w, const char *path,
                           size_t *count, ra_termcount *pairs, ra_warn_fn warn,
                           void *warn_ctx, ra_error *err) {
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
                              count, pairs, err);
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
                                     ra_termcount *pairs, ra_error *err) {
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
    st = add_synonym_pair(an, sink, q, n, start, (size_t)(e - start), count,
                          pairs, err);
  }
  return st;
}

/* ---- the learned pairs' article counts ----------------------------------- */

/* The metadata key of a pair's count into out (RA_META_ACRONYM_MAX + 1
 * bytes): the prefix and the pair, or, past Xapian's key length limit, as
 * much of the pair as fits and a hash of all of it. */
static void count_key(const char *pair, size_t len, char *out) {
  size_t pl = strlen(RA_META_ACRONYM_PREFIX);
  memcpy(out, RA_META_ACRONYM_PREFIX, pl);
  if (pl + len <= RA_META_ACRONYM_MAX) {
    memcpy(out + pl, pair, len);
    out[pl + len] = '\0';
    return;
  }
  size_t keep = RA_META_ACRONYM_MAX - pl - 17;
  memcpy(out + pl, pair, keep);
  snprintf(out + pl + keep, 18, "~%016llx",
           (unsigned long long)ra_fnv1a(pair, len));
}

static ra_status set_count(ra_xwriter *w, const char *key, unsigned long long n,
                           ra_error *err) {
  char v[24];
  int vl = n ? snprintf(v, sizeof v, "%llu", n) : 0;
  return ra_xwriter_set_metadata(w, key, v, (size_t)vl, err);
}

ra_status ra_synonyms_write_counts(ra_xwriter *w, const ra_termcount *counts,
                                   ra_error *err) {
  if (counts->nomem) return ra_error_set(err, RA_ERR_NOMEM, "acronym counts");
  ra_status st = RA_OK;
  char key[RA_META_ACRONYM_MAX + 1];
  for (size_t i = 0; !st && i < counts->n; i++) {
    count_key(counts->arena + counts->ent[i].off, counts->ent[i].len, key);
    st = set_count(w, key, counts->ent[i].count, err);
  }
  return st;
}

/* Whether synonyms.txt lists the pair, in either order. */
static int is_listed(const ra_termcount *listed, const char *pair, size_t len) {
  if (!listed) return 0;
  if (ra_termcount_get(listed, pair, len)) return 1;
  const char *sep = memchr(pair, RA_SYN_PAIR_SEP, len);
  if (!sep) return 0;
  char sw[512];
  size_t la = (size_t)(sep - pair), lb = len - la - 1;
  if (len > sizeof sw) return 0;
  memcpy(sw, sep + 1, lb);
  sw[lb] = RA_SYN_PAIR_SEP;
  memcpy(sw + lb + 1, pair, la);
  return ra_termcount_get(listed, sw, len) != 0;
}

/* The stored count of a pair moves by add - del; at 0 its synonyms go. */
static ra_status move_count(ra_xwriter *w, const char *pair, size_t len,
                            unsigned add, unsigned del,
                            const ra_termcount *listed, ra_error *err) {
  char key[RA_META_ACRONYM_MAX + 1], *v = NULL;
  size_t vl = 0;
  count_key(pair, len, key);
  ra_status st = ra_xwriter_get_metadata(w, key, &v, &vl, err);
  if (st) return st;
  unsigned long long cur = vl ? strtoull(v, NULL, 10) : 0;
  free(v);
  unsigned long long n = cur + add > del ? cur + add - del : 0;
  if (n != cur) st = set_count(w, key, n, err);
  if (st || n > 0 || is_listed(listed, pair, len)) return st;
  /* No article defines it any more: both directions, as they were added. */
  const char *sep = memchr(pair, RA_SYN_PAIR_SEP, len);
  if (!sep || len >= 512) return RA_OK;
  char a[512], b[512];
  size_t la = (size_t)(sep - pair);
  memcpy(a, pair, la);
  a[la] = '\0';
  memcpy(b, sep + 1, len - la - 1);
  b[len - la - 1] = '\0';
  st = ra_xwriter_remove_synonym(w, a, b, err);
  if (!st) st = ra_xwriter_remove_synonym(w, b, a, err);
  return st;
}

ra_status ra_synonyms_apply_counts(ra_xwriter *w, const ra_termcount *learned,
                                   const ra_termcount *unlearned,
                                   const ra_termcount *listed, ra_error *err) {
  if (learned->nomem || unlearned->nomem || (listed && listed->nomem))
    return ra_error_set(err, RA_ERR_NOMEM, "acronym counts");
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < unlearned->n; i++) {
    const char *p = unlearned->arena + unlearned->ent[i].off;
    size_t len = unlearned->ent[i].len;
    unsigned add = ra_termcount_get(learned, p, len), del = unlearned->ent[i].count;
    if (add != del) st = move_count(w, p, len, add, del, listed, err);
  }
  for (size_t i = 0; !st && i < learned->n; i++) {
    const char *p = learned->arena + learned->ent[i].off;
    size_t len = learned->ent[i].len;
    if (!ra_termcount_get(unlearned, p, len))
      st = move_count(w, p, len, learned->ent[i].count, 0, listed, err);
  }
  return st;
}
