/* indexdoc.h - one article as a Xapian document: its fields as positional
 * terms weighted by field (RA_WDF_*, index.h), stems, boolean tag and
 * category terms, the stored record and the values a build and a search
 * read back (content hash, change state, SimHash, tags, id, its own
 * near-duplicate group key and term; schema.h).  And,
 * for an update, what a stored version gave the index's shared spelling
 * and synonym tables, counted again the same way to be taken back. */
#ifndef RA_INDEXDOC_H
#define RA_INDEXDOC_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "article.h"
#include "dedup.h"
#include "status.h"
#include "termcount.h"
#include "writeq.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_indexdoc_meta {
  uint64_t hash;       /* content hash (cleaned text or JSONL line) */
  long long mtime_ns;  /* 0 for JSONL records */
  unsigned long long size;
  uint64_t url_key;    /* RA_SLOT_URLKEY (schema.h); 0: none */
} ra_indexdoc_meta;

/* Build the document of a (m: its content hash and file state) and hand it
 * to ws: added (fresh: a new database) or replacing the document with a's
 * id.  Its near-duplicate group key is the one carry keeps for it
 * (ra_dedup_carry_key; carry may be NULL), else its own id.  Its words for "did you mean" are counted in spell; acronyms learned
 * from its text go to ws as synonyms, counted in *acronyms, and each
 * distinct pair once in acr (articles per pair; RA_SYN_PAIR_SEP keys). */
ra_status ra_indexdoc_write(ra_analyzer *an, ra_writeq_sink *ws,
                            ra_termcount *spell, ra_termcount *acr,
                            const ra_article *a, const ra_indexdoc_meta *m,
                            const ra_dedup_carry *carry, size_t *acronyms,
                            int fresh, ra_error *err);

/* What ra_indexdoc_write of a counted, and nothing else: its spelling
 * words into spell and its distinct acronym pairs into acr (either map
 * may then go to the writer to be retracted). */
ra_status ra_indexdoc_count(ra_analyzer *an, const ra_article *a,
                            ra_termcount *spell, ra_termcount *acr,
                            ra_error *err);

/* The stored article of document docid (as ra_indexdoc_write stored it);
 * *out is freed with ra_article_free.  RA_ERR_INVALID if not a record. */
ra_status ra_indexdoc_load(ra_xdb *db, uint32_t docid, ra_article **out,
                           ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
