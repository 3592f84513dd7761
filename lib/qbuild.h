/* qbuild.h - a parsed query (qparse.h) into the Xapian query that ranks
 * it: each word's stem with its exact form and title as boosts, phrases,
 * title: and wildcard clauses, tag and category filters, AND/OR/NOT, the
 * proximity boost, the index's synonyms and acronyms, and the stop words
 * left out of ranking.  Every node made goes into the builder's arena
 * (qb, qarena in search_int.h), which frees them all. */
#ifndef RA_QBUILD_H
#define RA_QBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qparse.h"
#include "search_int.h"
#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The nodes every part of the builder makes, kept in b's arena (NULL
 * with b->a->failed set when one cannot be made). */
static inline ra_xquery *ra_qbuild_term(qb *b, const char *prefix, const char *word,
                                        uint32_t pos) {
  char buf[300];
  int n = snprintf(buf, sizeof buf, "%s%s", prefix, word);
  if (n < 0 || (size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
  return ra_qarena_keep(b->a, ra_xquery_term(buf, (size_t)n, 1, pos, b->a->err));
}

static inline ra_xquery *ra_qbuild_scaled(qb *b, ra_xquery *q, double f) {
  if (!q) return NULL;
  if (f == 1.0) return q;
  return ra_qarena_keep(b->a, ra_xquery_scale(q, f, b->a->err));
}

static inline ra_xquery *ra_qbuild_combine(qb *b, ra_xq_op op, ra_xquery **v, size_t n,
                                           unsigned window) {
  if (n == 0) return NULL;
  if (n == 1 && op != RA_XQ_PHRASE && op != RA_XQ_NEAR) return v[0];
  return ra_qarena_keep(b->a, ra_xquery_combine(op, v, n, window, b->a->err));
}

/* left AND_MAYBE each of boost[0..nb) in turn (NULL when out of nodes). */
ra_xquery *ra_qbuild_boosted(qb *b, ra_xquery *left, ra_xquery *const *boost, size_t nb);

/* The whole query, leaving out root items flagged in skip (NULL: none);
 * *boolean set when it only filters.  NULL for an empty query, or with
 * b->a->failed set when out of memory or query nodes. */
ra_xquery *ra_qbuild_query(qb *b, const char *skip, int *boolean);

/* One node of the query tree (a root item, for relaxation). */
ra_xquery *ra_qbuild_node(qb *b, const ra_qnode *n, int *boolean);

/* A plain root word left out of ranking as too common. */
int ra_qbuild_is_stop_item(const qb *b, const ra_qnode *k);

/* w (folded) is a word left out of ranking when the query has others. */
int ra_qbuild_is_stop_word(const char *w);

/* Some positive text clause that is not a lone stop word. */
int ra_qbuild_has_content_word(const ra_query *q);

/* Only very common words (such a query is refused). */
int ra_qbuild_only_stop_words(const ra_query *q);

/* Add the index's synonyms and acronyms of r->query's clauses, and of
 * runs of plain words, to the query; each is listed in r->expansions. */
ra_status ra_qbuild_expand(ra_searcher *s, const ra_rank_params *rp,
                           ra_results *r, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
