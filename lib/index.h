/* index.h - building an index from a corpus of article pages.
 *
 * A build scans the inputs, learns the corpus model (boilerplate, tags),
 * parses and analyses each page, writes a new index generation aside and
 * publishes it atomically (see idxdir.h). */
#ifndef RA_INDEX_H
#define RA_INDEX_H

#include <stddef.h>

#include "article.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Term prefixes and value slots shared by the indexer and the searcher. */
#define RA_PREFIX_ID "Q"       /* unique id term */
#define RA_PREFIX_STEM "Z"     /* stemmed terms, no positions */
#define RA_PREFIX_TITLE "S"    /* title words */
#define RA_PREFIX_TAG "K"      /* whole tag, folded, boolean */
#define RA_PREFIX_CATEGORY "XC" /* whole category, folded, boolean */
#define RA_SLOT_HASH 0         /* content hash (hex) */

/* Field weights, applied as within-document frequency increments, so BM25
 * sees title, tag and heading words as more important than body text and
 * illustration descriptions as less. */
#define RA_WDF_TITLE 6
#define RA_WDF_TAG 5
#define RA_WDF_HEADING 3
#define RA_WDF_BODY 2
#define RA_WDF_ILLUSTRATION 1

#define RA_DEFAULT_MAX_FILE (16u * 1024u * 1024u)

typedef struct ra_index_opts {
  const char *db_dir;         /* index directory (see idxdir.h) */
  const char *const *inputs;  /* corpus directories or files */
  size_t n_inputs;
  const char *tags_file;      /* NULL: tags.txt beside the first input */
  size_t max_file_size;       /* 0: RA_DEFAULT_MAX_FILE */
  ra_warn_fn warn;            /* per-file warnings and failures */
  void *warn_ctx;
} ra_index_opts;

typedef struct ra_index_stats {
  size_t files;     /* pages seen */
  size_t indexed;   /* pages in the new index */
  size_t failed;    /* pages skipped (reason sent to warn) */
  size_t repaired;  /* pages indexed after repair (invalid UTF-8) */
  unsigned long long bytes; /* bytes of page text read */
  double seconds;
  char generation[64];
} ra_index_stats;

/* Full build.  RA_OK even when some pages failed (see stats->failed); any
 * error leaves the previously published index untouched. */
ra_status ra_index_build(const ra_index_opts *opts, ra_index_stats *stats,
                         ra_error *err);

/* Parse one page the way the indexer would (model learned from the pages
 * beside it, tags.txt beside it) and return its JSON (caller frees). */
ra_status ra_index_dump(const char *path, size_t max_file_size, char **json,
                        ra_warn_fn warn, void *warn_ctx, ra_error *err);

/* Collect the page files under the inputs (directories are walked
 * recursively, symlink loops and unreadable directories reported to warn),
 * sorted.  Pages are *.txt except tags.txt and synonyms.txt.  Returns
 * malloc'd arrays of malloc'd path and id strings; free with ra_strv_free. */
ra_status ra_index_scan(const char *const *inputs, size_t n_inputs,
                        char ***paths, char ***ids, size_t *n,
                        size_t *scan_errors, ra_warn_fn warn, void *warn_ctx,
                        ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
