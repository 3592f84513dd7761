/* search.h - answering a reader's query from an index: parse, build the
 * Xapian query, rank, and attach each hit's stored article and snippet. */
#ifndef RA_SEARCH_H
#define RA_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "qparse.h"
#include "snippet.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_searcher ra_searcher;

/* Open the index directory (see idxdir.h).  RA_ERR_NOINDEX when there is
 * no index there yet, with a message saying how to build one. */
ra_status ra_searcher_open(const char *db_dir, ra_searcher **out,
                           ra_error *err);
void ra_searcher_free(ra_searcher *s);
uint32_t ra_searcher_doccount(const ra_searcher *s);

typedef struct ra_search_opts {
  size_t offset;   /* first hit, 0-based */
  size_t count;    /* hits per page (default 10, max 100) */
  size_t max_frags;
} ra_search_opts;

typedef struct ra_hit {
  size_t rank;          /* 1-based */
  double score;
  int percent;
  ra_article *article;  /* owned by the results */
  ra_snippet *snippet;  /* owned by the results */
  ra_hl *title_hls;
  size_t n_title_hls;
} ra_hit;

typedef struct ra_results {
  ra_query *query;      /* the parsed query */
  ra_hit *hits;
  size_t n_hits;
  uint32_t estimate;    /* total matches, estimated */
  uint32_t revision;    /* index revision that answered */
  char generation[64];
  char relaxed[256];    /* how the query was loosened, "" if it was not */
} ra_results;

ra_status ra_search_run(ra_searcher *s, const char *query, size_t len,
                        const ra_search_opts *o, ra_results **out,
                        ra_error *err);
void ra_results_free(ra_results *r);

#ifdef __cplusplus
}
#endif
#endif
