/* lexicon.h - what a query host holds of a cluster besides the shards: the
 * spelling and synonym tables (words for "did you mean", synonyms and
 * acronyms) merged from every shard's RA_META_LEXICON into a small local
 * Xapian database, since a stock remote server returns no spelling or
 * synonym data.  ra-index --cluster FILE publishes one beside the cluster
 * file (FILE.lex, an index directory); a reader whose shards have moved on
 * since builds its own, so that a long-running process needs no restart. */
#ifndef RA_LEXICON_H
#define RA_LEXICON_H

#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Metadata key of a lexicon: the stamp of the shards it was merged from. */
#define RA_META_LEXICON_OF "ra:lexicon-of"

typedef struct ra_lexicon ra_lexicon;

/* The shards' revisions as one string ("K/N:REVISION" per shard, missing
 * ones as "missing"): a lexicon is current while this is unchanged.
 * Malloc'd; NULL when out of memory. */
char *ra_lexicon_stamp(ra_xdb *cluster);

/* The lexicon of cluster (opened from cluster_file): the published
 * cluster_file.lex when it was merged from the shards' current revisions,
 * else one merged now into a private temporary directory (removed by
 * ra_lexicon_free).  A shard that does not answer adds nothing. */
ra_status ra_lexicon_open(ra_xdb *cluster, const char *cluster_file, ra_lexicon **out,
                          ra_error *err);
ra_xdb *ra_lexicon_db(ra_lexicon *lx);        /* owned by lx */
const char *ra_lexicon_of(const ra_lexicon *lx); /* the stamp it was built from */
void ra_lexicon_free(ra_lexicon *lx);          /* NULL ok */

/* ra-index --cluster: open the cluster file, merge the lexicon and publish
 * it atomically as cluster_file.lex (an index directory with its own lock
 * and generations).  *shards and *missing (may be NULL) get how many
 * shards were listed and how many did not answer. */
ra_status ra_lexicon_publish(const char *cluster_file, size_t *shards, size_t *missing,
                             ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
