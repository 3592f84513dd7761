/* keywords.c - the keyword version of a query (the rule is in keywords.h). */
#define _POSIX_C_SOURCE 200809L
#include "keywords.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int ra_eval_tokenise(const char *text,
                     int (*each)(const char *word, size_t len, void *ctx),
                     void *ctx) {
  size_t cap = 64;
  char *buf = malloc(cap);
  if (!buf) return -1;
  const unsigned char *p = (const unsigned char *)text;
  while (*p) {
    while (*p && !is_word_byte(*p)) p++;
    size_t len = 0;
    while (is_word_byte(p[len])) len++;
    if (len == 0) break;
    if (len + 1 > cap) {
      char *nb = realloc(buf, cap = len + 1);
      if (!nb) {
        free(buf);
        return -1;
      }
      buf = nb;
    }
    for (size_t i = 0; i < len; i++)
      buf[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    buf[len] = '\0';
    p += len;
    if (each(buf, len, ctx)) break;
  }
  free(buf);
  return 0;
}

static int ends_with(const char *w, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

void ra_eval_crude_stem(const char *w, char *out, size_t cap) {
  size_t n = strlen(w);
  if (n > 3 && w[n - 1] == 's' && !ends_with(w, n, "ss") &&
      !ends_with(w, n, "us") && !ends_with(w, n, "is"))
    n--;
  if (n >= cap) n = cap ? cap - 1 : 0;
  if (cap) {
    memcpy(out, w, n);
    out[n] = '\0';
  }
}

typedef struct token {
  char *word, *stem;
  size_t pos;
  int stop;   /* step 2 drops it */
  int keep;   /* a candidate after steps 2-3 */
  double idf; /* -INFINITY: in no document */
} token;

typedef struct token_list {
  token *v;
  size_t n, cap;
  const ra_eval_kw_stats *st;
  int oom;
} token_list;

static int add_token(const char *word, size_t len, void *ctx) {
  token_list *l = ctx;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    token *nv = realloc(l->v, cap * sizeof *nv);
    if (!nv) return l->oom = 1;
    l->v = nv;
    l->cap = cap;
  }
  token *t = &l->v[l->n];
  t->word = strdup(word);
  t->stem = malloc(len + 1);
  if (!t->word || !t->stem) {
    free(t->word);
    free(t->stem);
    return l->oom = 1;
  }
  ra_eval_crude_stem(word, t->stem, len + 1);
  t->pos = l->n;
  t->stop = len < 2 || l->st->is_stop(word, l->st->ctx);
  t->keep = 0;
  t->idf = 0.0;
  l->n++;
  return 0;
}

/* Best first: higher IDF, then earlier in the query. */
static int cmp_informative(const void *a, const void *b) {
  const token *x = *(token *const *)a, *y = *(token *const *)b;
  if (x->idf != y->idf) return x->idf > y->idf ? -1 : 1;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

char *ra_eval_keywords(const char *query, size_t k, const ra_eval_kw_stats *st) {
  token_list l = {NULL, 0, 0, st, 0};
  char *out = NULL;
  token **rank = NULL;
  if (ra_eval_tokenise(query, add_token, &l) != 0 || l.oom) goto done;

  int any = 0;
  for (size_t i = 0; i < l.n; i++) any |= !l.v[i].stop;
  size_t nc = 0, total = 1;
  rank = malloc((l.n ? l.n : 1) * sizeof *rank);
  if (!rank) goto done;
  for (size_t i = 0; i < l.n; i++) {
    token *t = &l.v[i];
    total += strlen(t->word) + 1;
    if (any && t->stop) continue;
    int seen = 0;
    for (size_t j = 0; j < nc && !seen; j++) seen = strcmp(rank[j]->stem, t->stem) == 0;
    if (seen) continue;
    long df = st->df(t->word, st->ctx);
    t->idf = df > 0 && st->n_docs > 0 ? log((double)st->n_docs / (double)df) : -INFINITY;
    rank[nc++] = t;
  }
  qsort(rank, nc, sizeof *rank, cmp_informative);
  for (size_t j = 0; j < nc && j < k; j++) rank[j]->keep = 1;

  out = malloc(total);
  if (!out) goto done;
  size_t o = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (!l.v[i].keep) continue;
    if (o) out[o++] = ' ';
    size_t len = strlen(l.v[i].word);
    memcpy(out + o, l.v[i].word, len);
    o += len;
  }
  out[o] = '\0';
done:
  for (size_t i = 0; i < l.n; i++) {
    free(l.v[i].word);
    free(l.v[i].stem);
  }
  free(l.v);
  free(rank);
  return out;
}
