/* synonyms.h - the synonym pairs an index holds: the groups of the
 * corpus's synonyms.txt and acronyms learned from the text ("Full Name
 * (ABBR)"), both stored in the analyser's folded form so that the query
 * side finds them by analysing the same way; and how many articles define
 * each learned pair, so that an update can retract it. */
#ifndef RA_SYNONYMS_H
#define RA_SYNONYMS_H

#include <stddef.h>

#include "analyze.h"
#include "article.h"
#include "status.h"
#include "termcount.h"
#include "writeq.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A pair as one key of an ra_termcount: folded a, RA_SYN_PAIR_SEP, folded b
 * (acronyms: the abbreviation first).  Folded words never hold the
 * separator. */
#define RA_SYN_PAIR_SEP '\x1f'

/* synonyms.txt: one group per line, members separated by " = ", every
 * member a synonym of every other; '#' starts a comment.  w NULL: only
 * count them (and warn), for an update: the index has them already (a
 * changed file means a rebuild).  Each pair is also added to *pairs (when
 * not NULL), so that an update leaves listed pairs alone. */
ra_status ra_synonyms_load(ra_analyzer *an, ra_xwriter *w, const char *path,
                           size_t *count, ra_termcount *pairs, ra_warn_fn warn,
                           void *warn_ctx, ra_error *err);

/* "Electronic Residency Application Service (ERAS)": the capitals in the
 * parentheses are the initials of the words before them (small words may
 * be skipped).  Learned pairs become synonyms both ways,
 * written through sink (not when sink->w is NULL), counted in *count
 * (when not NULL) and added to *pairs (when not NULL). */
ra_status ra_synonyms_learn_acronyms(ra_analyzer *an, ra_writeq_sink *sink,
                                     const char *text, size_t *count,
                                     ra_termcount *pairs, ra_error *err);

/* The index keeps, per learned acronym pair, the number of articles that
 * define it (metadata RA_META_ACRONYM_PREFIX), so that an update can drop
 * the pair when the last of them goes.
 *
 * A rebuild: set the count of every pair in counts (articles per pair). */
ra_status ra_synonyms_write_counts(ra_xwriter *w, const ra_termcount *counts,
                                   ra_error *err);

/* An update: add learned (pairs of the added and new versions, articles
 * per pair) to the stored counts and take unlearned (those of the removed
 * and old versions) away.  A pair whose count reaches 0 loses its count
 * and its synonyms, both ways, unless synonyms.txt lists it (listed, as
 * ra_synonyms_load collects them).  Pairs whose count does not change are
 * not written. */
ra_status ra_synonyms_apply_counts(ra_xwriter *w, const ra_termcount *learned,
                                   const ra_termcount *unlearned,
                                   const ra_termcount *listed, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
