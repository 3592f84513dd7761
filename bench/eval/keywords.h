/* keywords.h - the keyword version of a query: its K most informative
 * words, chosen from the query text and the collection's document
 * frequencies alone (never the judgments), as a reader typing two or
 * three words would choose them.  Used by `ra-eval keywords`; the rule is
 * unit-tested in tests/test_eval_metrics.c and documented in
 * docs/evaluation.md.
 *
 * The rule:
 *  1. tokens are runs of ASCII letters and digits, lower-cased; every
 *     other byte separates them;
 *  2. tokens of one character and stop words are dropped;
 *  3. a token whose crude stem (ra_eval_crude_stem) was already seen is a
 *     repeat and dropped (the first form is kept, at its position);
 *  4. the rest are ranked by IDF = log(N / df), df = the documents whose
 *     title or body holds the exact token; a token in no document ranks
 *     after every other; equal IDFs keep query order;
 *  5. the best K are written in query order, separated by one space.
 * When step 2 leaves nothing, steps 3-5 run over the dropped tokens, so a
 * query of stop words alone still has a keyword version. */
#ifndef RA_EVAL_KEYWORDS_H
#define RA_EVAL_KEYWORDS_H

#include <stddef.h>

/* Calls each(word, len, ctx) for every token of text (step 1), in order;
 * word points into a lower-cased copy that lives until the next call, len
 * is its length (the copy is also NUL-terminated). each returns non-zero
 * to stop.  Returns -1 when memory runs out, else 0. */
int ra_eval_tokenise(const char *text,
                     int (*each)(const char *word, size_t len, void *ctx),
                     void *ctx);

/* Writes w's crude stem into out (cap bytes, cap > strlen(w)): w without
 * a final "s" when w is longer than 3 letters and does not end in "ss",
 * "us" or "is" (plural -s only: "flows" -> "flow", "gas", "class" and
 * "analysis" stay). */
void ra_eval_crude_stem(const char *w, char *out, size_t cap);

/* The collection statistics and stop list the rule consults. */
typedef struct ra_eval_kw_stats {
  size_t n_docs;                                 /* N */
  long (*df)(const char *word, void *ctx);       /* documents holding word */
  int (*is_stop)(const char *word, void *ctx);   /* non-zero: a stop word */
  void *ctx;
} ra_eval_kw_stats;

/* The keyword version of query (k >= 1 words, fewer when the query has
 * fewer).  Returns a malloc'd string the caller frees (empty when the
 * query has no token), or NULL when memory runs out. */
char *ra_eval_keywords(const char *query, size_t k, const ra_eval_kw_stats *st);

#endif
