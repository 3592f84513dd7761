/* hits.h - a page of results: the query run for the page (its totals and
 * tag counts, the best matches re-ranked by the proximity boost), and
 * each hit assembled from the index: stored article, snippet, title and
 * tag highlights, and for --explain the matched fields and term scores. */
#ifndef RA_HITS_H
#define RA_HITS_H

#include <stddef.h>
#include <stdint.h>

#include "qparse.h"
#include "search_int.h"
#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Empty results for the page o asks for.  Owned by the caller:
 * ra_results_free.  NULL when out of memory. */
ra_results *ra_hits_results_new(ra_searcher *s, const ra_search_opts *o);

/* Run xq (built by b) for the page: fills r's hits (count at most,
 * explained with explain), estimate and facets. */
ra_status ra_hits_run_page(qb *b, const ra_search_opts *o, size_t count,
                           int explain, ra_xquery *xq, ra_results *r,
                           ra_error *err);

/* Fill h (its rank and scores aside) from document docid: article,
 * snippet and highlights of q; the snippet stops at deadline dl (NULL:
 * none) and says so (h->snippet->cut).  h's parts are freed with the
 * results. */
ra_status ra_hits_load(ra_searcher *s, const ra_query *q, uint32_t docid,
                       const ra_search_opts *o, const ra_deadline *dl,
                       ra_hit *h, ra_error *err);

/* Forget a page run (an empty one, before the relaxed query runs). */
void ra_hits_clear_page(ra_results *r);
/* Mark r partial with the cluster's missing shards, if any. */
ra_status ra_hits_note_missing(ra_searcher *s, ra_results *r, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
