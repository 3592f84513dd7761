/* indexdoc.h - one article as a Xapian document: its fields as positional
 * terms weighted by field (RA_WDF_*, index.h), stems, boolean tag and
 * category terms, the stored record and the values a build and a search
 * read back (content hash, change state, SimHash, tags; schema.h). */
#ifndef RA_INDEXDOC_H
#define RA_INDEXDOC_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "article.h"
#include "status.h"
#include "termcount.h"
#include "writeq.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_indexdoc_meta {
  uint64_t hash;       /* content hash (cleaned text or JSONL line) */
  long long mtime_ns;  /* 0 for JSONL records */
  unsigned long long size;
} ra_indexdoc_meta;

/* Build the document of a (m: its content hash and file state) and hand it
 * to ws: added (fresh: a new database) or replacing the document with a's
 * id.  Its words for "did you mean" are counted in spell; acronyms learned
 * from its text go to ws as synonyms, counted in *acronyms. */
ra_status ra_indexdoc_write(ra_analyzer *an, ra_writeq_sink *ws,
                            ra_termcount *spell, const ra_article *a,
                            const ra_indexdoc_meta *m, size_t *acronyms,
                            int fresh, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
