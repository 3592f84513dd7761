/* spell.h - "did you mean": a better-known word for each rare word of a
 * query (Xapian's spelling data first, then a bounded scan of the index's
 * words), offered only when the corrected query finds more. */
#ifndef RA_SPELL_H
#define RA_SPELL_H

#include <stddef.h>
#include <stdint.h>

#include "search.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Edit distance (insertions, deletions, substitutions and transpositions
 * of adjacent bytes) between a[0..la) and b[0..lb), at most max when the
 * true distance is; above max when it is more, or when either is longer
 * than 64 bytes (the search stops once every path is past max). */
size_t ra_spell_edit_distance(const char *a, size_t la, const char *b, size_t lb,
                              size_t max);

/* Set r->suggestion (malloc'd, freed by ra_results_free) and
 * r->suggestion_hits to r->query with its rare words corrected, when that
 * matches more than strict (the query's own matches, an estimate after
 * examining strict_check documents).  Leaves r alone otherwise. */
ra_status ra_spell_suggest(ra_searcher *s, const ra_rank_params *rp,
                           ra_results *r, uint32_t strict, uint32_t strict_check,
                           ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
