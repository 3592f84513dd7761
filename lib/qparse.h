/* qparse.h - the reader's query language, parsed into clauses.
 *
 * This version understands: plain words, "exact phrases", -word / -"phrase"
 * (exclusion), tag:word and tag:"multi word tag", title:word and
 * category:"...".  Words are analysed by the same pipeline as the indexer
 * (analyze.h).  Broken syntax never fails: an unbalanced quote runs to the
 * end of the query and an empty field scope is ignored, with a note. */
#ifndef RA_QPARSE_H
#define RA_QPARSE_H

#include <stddef.h>

#include "analyze.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_QUERY_MAX_BYTES 4096
#define RA_QUERY_MAX_TERMS 64

typedef enum {
  RA_QC_TEXT,     /* words; a phrase when n_words > 1 and phrase is set */
  RA_QC_TAG,      /* whole-tag filter (value = folded tag) */
  RA_QC_CATEGORY  /* whole-category filter */
} ra_qclause_kind;

typedef struct ra_qword {
  char *word; /* folded */
  char *stem;
} ra_qword;

typedef struct ra_qclause {
  ra_qclause_kind kind;
  int negated;
  int phrase;
  int title_only;
  ra_qword *words;
  size_t n_words;
  char *value; /* for TAG/CATEGORY: folded whole value */
} ra_qclause;

typedef struct ra_query {
  ra_qclause *clauses;
  size_t n_clauses;
  char notes[256]; /* what was ignored or repaired, for the reader */
} ra_query;

ra_status ra_qparse(ra_analyzer *an, const char *q, size_t len,
                    ra_query **out, ra_error *err);
void ra_query_free(ra_query *q);

#ifdef __cplusplus
}
#endif
#endif
