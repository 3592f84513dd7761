/* relax.h - when no article has every word of a query: drop root words,
 * rarest first, until the rest match something, and say which; and for a
 * long query matched by any word, say when no article has them all.
 * Visible to the reader through ra_results (relaxed, dropped) and the
 * query's clauses (dropped). */
#ifndef RA_RELAX_H
#define RA_RELAX_H

#include <stddef.h>

#include "qparse.h"
#include "search_int.h"
#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The root items relaxation works on (one skip flag each): the kids of
 * an AND root, else none. */
size_t ra_relax_root_items(const ra_query *q);

/* Root items of b's query that carry meaning: positive text (not NOT,
 * not a tag or category filter) and not left out as stop words.  Only
 * these are dropped. */
size_t ra_relax_count_words(const qb *b);

/* A long query matched by any of its words (b->any_word, skip: root items
 * left out): say in r->relaxed when no article has every word. */
void ra_relax_note_any_word(qb *b, const char *skip, ra_results *r);

/* A query ranked in tiers (b->n_tier_words): counts into r->every_word
 * how many articles hold every word, and returns that query (every word
 * required, no tier weights; in b's arena), NULL when out of nodes. */
ra_xquery *ra_relax_every_word(qb *b, const char *skip, ra_results *r);

/* After ra_relax_every_word: when no article holds every word, r->relaxed
 * says so and the words no article holds are listed in r->dropped. */
ra_status ra_relax_note_tiers(qb *b, const char *skip, ra_results *r, ra_error *err);

/* Nothing has every word of b's query (r->query): drop root words, rarest
 * first (the later of equals first), until the rest match something or
 * one is left.  Each is flagged in skip, its clauses marked dropped and
 * its text appended to r->dropped; r->relaxed says which, and r's page is
 * cleared for the relaxed query's.  *xq and *boolean become the query
 * without them (NULL *xq: nothing left to run). */
ra_status ra_relax_drop_words(qb *b, char *skip, ra_results *r,
                              ra_xquery **xq, int *boolean, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
