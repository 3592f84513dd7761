/* spell.c - spelling suggestions ("did you mean", spell.h): rare words of
 * the query replaced by close, better-known words of the index. */
#define _GNU_SOURCE
#include "spell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbuild.h"
#include "schema.h"
#include "search_int.h"
#include "xap.h"

/* Hard limit on expensive queries (docs/query-language.md). */
#define RA_SPELL_SCAN_MAX 20000 /* terms scanned by the fallback speller */

/* ---- spelling ----------------------------------------------------------------------- */

size_t ra_spell_edit_distance(const char *a, size_t la, const char *b, size_t lb,
                              size_t max) {
  if (la > 64 || lb > 64) return max + 1;
  if ((la > lb ? la - lb : lb - la) > max) return max + 1;
  size_t d[65][65];
  for (size_t i = 0; i <= la; i++) d[i][0] = i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t row_min = d[i][0]; /* column 0 is part of the row too */
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = a[i - 1] != b[j - 1];
      size_t v = d[i - 1][j - 1] + cost;
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
      if (v < row_min) row_min = v;
    }
    if (row_min > max) return max + 1;
  }
  return d[la][lb];
}

typedef struct speller {
  const char *word;
  size_t len, max_edit, seen;
  uint32_t min_freq;
  char best[128];
  uint32_t best_freq;
  size_t best_dist;
} speller;

static int spell_cb(void *ctx, const char *t, size_t len, uint32_t tf) {
  speller *sp = ctx;
  if (++sp->seen > RA_SPELL_SCAN_MAX) return 1;
  if (tf <= sp->min_freq || len >= sizeof sp->best) return 0;
  if (len == sp->len && memcmp(t, sp->word, len) == 0) return 0;
  size_t d = ra_spell_edit_distance(sp->word, sp->len, t, len, sp->max_edit);
  if (d > sp->max_edit) return 0;
  if (!sp->best[0] || d < sp->best_dist || (d == sp->best_dist && tf > sp->best_freq)) {
    snprintf(sp->best, sizeof sp->best, "%.*s", (int)len, t);
    sp->best_freq = tf;
    sp->best_dist = d;
  }
  return 0;
}

/* A better-known word for w, or "" (Xapian's spelling data first, then a
 * bounded scan of the words sharing w's first letter). */
static void spell_word(ra_searcher *s, const ra_rank_params *rp, const char *w,
                       uint32_t freq, char *out, size_t size) {
  out[0] = '\0';
  char *sug = NULL;
  if (ra_xdb_spelling(s->db, w, strlen(w), rp->spell_max_edit, &sug, NULL) ==
          RA_OK &&
      sug && *sug && strcmp(sug, w) != 0) {
    snprintf(out, size, "%s", sug);
    free(sug);
    return;
  }
  free(sug);
  size_t wl = strlen(w);
  if (wl < 3 || wl > 64) return;
  speller sp = {.word = w, .len = wl, .max_edit = rp->spell_max_edit,
                .min_freq = freq};
  char prefix[2] = {w[0], '\0'};
  ra_xdb_allterms(s->db, prefix, spell_cb, &sp, NULL);
  snprintf(out, size, "%s", sp.best);
}

static uint32_t run_count(ra_searcher *s, const ra_rank_params *rp,
                          const char *text, size_t len, uint32_t check) {
  ra_query *q = NULL;
  if (ra_qparse(s->an, text, len, &q, NULL) != RA_OK) return 0;
  qarena a = {0};
  qb b = {.s = s, .q = q, .rp = rp, .a = &a};
  int boolean = 0;
  ra_xquery *xq = ra_qbuild_query(&b, NULL, &boolean);
  uint32_t n = ra_search_count_matches_at(s, rp, xq, check);
  ra_qarena_free(&a);
  ra_query_free(q);
  return n;
}

/* strict: the reader's query's matches, an estimate after examining
 * strict_check documents; the suggestion's count is an estimate after as
 * many (unweighted, ra_search_count_matches_at), so the two compare as estimates. */
ra_status ra_spell_suggest(ra_searcher *s, const ra_rank_params *rp,
                           ra_results *r, uint32_t strict, uint32_t strict_check,
                           ra_error *err) {
  const ra_query *q = r->query;
  size_t tlen = 0;
  const char *text = ra_query_text(q, &tlen);
  /* The corrected query: the reader's text with each rare word replaced. */
  size_t cap = tlen + 1 + q->n_clauses * 130;
  char *out = malloc(cap);
  if (!out) return ra_error_set(err, RA_ERR_NOMEM, "suggestion");
  size_t k = 0, from = 0;
  int changed = 0;
  for (size_t i = 0; i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (c->kind != RA_QC_TEXT || c->negated || c->wildcard || c->phrase ||
        c->n_words != 1 || c->raw_start < from || q->fallback)
      continue;
    char zt[300];
    snprintf(zt, sizeof zt, "%s%s", RA_PREFIX_STEM, c->words[0].stem);
    uint32_t f = ra_xdb_termfreq(s->db, zt, strlen(zt));
    if (f > rp->spell_rare_docs) continue;
    char fix[128];
    spell_word(s, rp, c->words[0].word, f, fix, sizeof fix);
    if (!fix[0]) continue;
    /* Keep a field prefix (title:) in front of the word. */
    size_t ws = c->raw_start;
    const char *colon = memchr(text + c->raw_start, ':', c->raw_end - c->raw_start);
    if (c->title_only && colon) ws = (size_t)(colon - text) + 1;
    memcpy(out + k, text + from, ws - from);
    k += ws - from;
    k += (size_t)snprintf(out + k, cap - k, "%s", fix);
    from = c->raw_end;
    changed = 1;
  }
  if (!changed) {
    free(out);
    return RA_OK;
  }
  memcpy(out + k, text + from, tlen - from);
  k += tlen - from;
  out[k] = '\0';
  uint32_t n = run_count(s, rp, out, k, strict_check);
  if (n > strict) {
    r->suggestion = out;
    r->suggestion_hits = n;
  } else {
    free(out);
  }
  return RA_OK;
}
