/* synonyms.h - the synonym pairs an index holds: the groups of the
 * corpus's synonyms.txt and acronyms learned from the text ("Full Name
 * (ABBR)"), both stored in the analyser's folded form so that the query
 * side finds them by analysing the same way. */
#ifndef RA_SYNONYMS_H
#define RA_SYNONYMS_H

#include <stddef.h>

#include "analyze.h"
#include "article.h"
#include "status.h"
#include "writeq.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* synonyms.txt: one group per line, members separated by " = ", every
 * member a synonym of every other; '#' starts a comment.  w NULL: only
 * count them (and warn), for an update: the index has them already (a
 * changed file means a rebuild). */
ra_status ra_synonyms_load(ra_analyzer *an, ra_xwriter *w, const char *path,
                           size_t *count, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err);

/* "Electronic Residency Application Service (ERAS)": the capitals in the
 * parentheses are the initials of the words before them (small words may
 * be skipped).  Learned pairs become synonyms both ways,
 * written through sink (not when sink->w is NULL), counted in *count. */
ra_status ra_synonyms_learn_acronyms(ra_analyzer *an, ra_writeq_sink *sink,
                                     const char *text, size_t *count,
                                     ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
