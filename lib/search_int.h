/* search_int.h - what the search modules share and nothing outside lib/
 * sees: the searcher, the arena that owns one search's query nodes, the
 * query builder's state, and counting a built query's matches.
 *
 * The modules: search.c (the searcher, the ranking parameters, the steps
 * of a search), qbuild.c (parsed query -> Xapian query), relax.c
 * (dropping words nothing has), spell.c ("did you mean"), hits.c (a page
 * of hits and its facets) and browse.c (tags, related articles,
 * completion). */
#ifndef RA_SEARCH_INT_H
#define RA_SEARCH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyze.h"
#include "deadline.h"
#include "facet.h"
#include "lexicon.h"
#include "schema.h"
#include "search.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard limit on expensive queries (docs/query-language.md). */
#define RA_MAX_QUERY_NODES 4096 /* Xapian query objects per search */
#define RA_MAX_WILDCARD_WORDS 20 /* word* clauses per query (RA_ERR_TOOBIG) */

struct ra_searcher {
  ra_xdb *db;
  ra_analyzer *an;
  char generation[64];
  ra_facet_table *facets; /* NULL: facets read values through Xapian */
  int format;             /* the index's RA_INDEX_FORMAT (0: unknown) */
  /* A cluster (search.h, ra_searcher_open): the file it was opened from
   * and the lexicon standing in for the shards' spelling and synonyms. */
  char *cluster_file;
  ra_lexicon *lex;
};

/* Index formats from 7 on have RA_SLOT_ID and RA_PREFIX_GROUP terms. */
#define RA_FORMAT_GROUPS 7

/* ---- query building ------------------------------------------------------- */

/* Every query node made for one search, so every exit path frees them. */
typedef struct qarena {
  ra_xquery **v;
  size_t n, cap;
  ra_error *err;
  int failed;
} qarena;

static inline ra_xquery *ra_qarena_keep(qarena *a, ra_xquery *q) {
  if (!q) {
    a->failed = 1;
    return NULL;
  }
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 64;
    ra_xquery **nv = nc <= RA_MAX_QUERY_NODES ? realloc(a->v, nc * sizeof *nv) : NULL;
    if (!nv) {
      ra_xquery_free(q);
      a->failed = 1;
      return NULL;
    }
    a->v = nv;
    a->cap = nc;
  }
  a->v[a->n++] = q;
  return q;
}

static inline void ra_qarena_free(qarena *a) {
  for (size_t i = 0; i < a->n; i++) ra_xquery_free(a->v[i]);
  free(a->v);
  a->v = NULL;
  a->n = a->cap = 0;
}

typedef struct qb {
  ra_searcher *s;
  const ra_query *q;
  const ra_rank_params *rp;
  qarena *a;
  int any_word;   /* root words: any of them, more and better ranked first */
  int keep_stops; /* the query is only stop words: search them */
  int tiered;     /* root words: any of them, in tiers by how many (a
                     fixed rp->tier_weight per word held, then BM25) */
  size_t n_tier_words; /* out: root words ranked in tiers (0: none) */
  int tier_all;   /* the page runs the every-word query (the top tier
                     fills it): every hit holds all n_tier_words */
  ra_xquery *untiered; /* out: the query without its tier weights (the
                          same matches, for counting) or NULL */
  /* Pseudo-relevance feedback terms added and their scale, for --explain;
   * fb_terms malloc'd, freed with the run (ra_qb_free_feedback). */
  char (*fb_terms)[128];
  double *fb_scale;
  size_t n_fb;
  ra_xquery *prox; /* out: the root's proximity boost (non-NULL: there is
                      one; its parts in prox_parts), applied by
                      ra_hits_run_page to the best matches only (it
                      reads positions) */
  ra_xquery *prox_parts[RA_QUERY_MAX_TERMS + 1];
  size_t n_prox;
  ra_deadline dl;  /* the search's budget (zero: none) */
} qb;

static inline void ra_qb_free_feedback(qb *b) {
  free(b->fb_terms);
  free(b->fb_scale);
  b->fb_terms = NULL;
  b->fb_scale = NULL;
  b->n_fb = 0;
}

/* The first stage cut short wins: later ones were cut because of it. */
static inline void ra_search_cut(ra_results *r, const char *stage) {
  if (!r->cut_short) r->cut_short = stage;
}

/* Seconds Xapian may spend on one match run: the ranking's limit, or
 * what is left of the budget if that is less (never 0, which is none). */
static inline double ra_search_time_limit(const qb *b) {
  double lim = b->rp->time_limit;
  if (!b->dl.at_ns) return lim;
  double t = ra_deadline_remaining_s(&b->dl, 0);
  if (t < 0.001) t = 0.001;
  return lim > 0 && lim < t ? lim : t;
}

/* ---- running a query ----------------------------------------------------------- */

static inline void ra_search_xopts(const ra_searcher *s, const ra_rank_params *rp,
                                   ra_xsearch_opts *xo) {
  ra_xsearch_opts_init(xo);
  /* Equal scores in id order: the same on one index and on any cluster. */
  xo->tie_slot = s->format >= RA_FORMAT_GROUPS ? RA_SLOT_ID : -1;
  xo->bm25_k1 = rp->bm25_k1;
  xo->bm25_b = rp->bm25_b;
  xo->bm25_min_normlen = rp->bm25_min_normlen;
  xo->collapse_slot = rp->collapse ? RA_SLOT_COLLAPSE : -1;
  /* A ranked run checks no more matches than it shows: libxapian 1.4.22
   * loses matches of AND_MAYBE when it collapses and checks more (the 7th
   * best article of "journeys" missing from a top 10 of 300).  Totals and
   * facets come from a boolean run that examines rp->check_at_least
   * (ra_hits_run_page). */
  xo->check_at_least = 0;
  (void)rp;
}

/* Enough to be sure of "any?" and to compare counts; no facets here. */
#define RA_COUNT_CHECK 100

/* Matches of a built query (an estimate, examining at least check
 * documents; 0 for an empty query).  Unweighted, in docid order: a count
 * needs no ranking, and without one the matcher stops after check
 * documents instead of weighing every match (12 ms to 0.1 ms for a word
 * in all 50,000 articles). */
uint32_t ra_search_count_matches_at(ra_searcher *s, const ra_rank_params *rp,
                                    const ra_xquery *xq, uint32_t check);

static inline uint32_t ra_search_count_matches(ra_searcher *s, const ra_rank_params *rp,
                                               const ra_xquery *xq) {
  return ra_search_count_matches_at(s, rp, xq, RA_COUNT_CHECK);
}

#ifdef __cplusplus
}
#endif
#endif
