/* index.h - building an index from a corpus of article pages.
 *
 * A build scans the inputs, learns the corpus model (boilerplate, tags),
 * parses and analyses each page, writes a new index generation aside and
 * publishes it atomically (see idxdir.h). */
#ifndef RA_INDEX_H
#define RA_INDEX_H

#include <stddef.h>

#include "article.h"
#include "scan.h" /* ra_index_scan */
#include "schema.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Field weights, applied as within-document frequency increments, so BM25
 * sees title, tag and heading words as more important than body text and
 * illustration descriptions as less. */
#define RA_WDF_TITLE 6
#define RA_WDF_TAG 5
#define RA_WDF_HEADING 3
#define RA_WDF_BODY 2
#define RA_WDF_ILLUSTRATION 1

#define RA_DEFAULT_MAX_FILE (16u * 1024u * 1024u)
#define RA_DEFAULT_MAX_UPDATE (16ull * 1024u * 1024u)
#define RA_SHARDS_MAX 1024 /* shards of a cluster, at most */

typedef struct ra_index_opts {
  const char *db_dir;         /* index directory (see idxdir.h) */
  const char *const *inputs;  /* corpus directories or files */
  size_t n_inputs;
  const char *tags_file;      /* NULL: tags.txt beside the first input */
  size_t max_file_size;       /* 0: RA_DEFAULT_MAX_FILE */
  const char *synonyms_file;  /* NULL: synonyms.txt beside the first input */
  int rebuild;                /* always rebuild aside, never update */
  int jobs;                   /* worker threads for a rebuild; 0: cores */
  /* Past this much changed page text an update becomes a rebuild, which
   * bounds the update's memory; 0: RA_DEFAULT_MAX_UPDATE. */
  unsigned long long max_update_bytes;
  /* A shard of a cluster (docs/scale.md): index only the articles with
   * ra_ident_shard(id, shards) == shard, 1 <= shard <= shards <=
   * RA_SHARDS_MAX; the corpus model and synonyms still come from every
   * page, so each article parses as in one index.  shards 0: the whole
   * collection.  An index built with another split (or none) is refused
   * unless rebuild is set. */
  unsigned shard, shards;
  /* Leave near-duplicate grouping to the caller, which groups across the
   * shards of a cluster (ra_index_regroup); the shard is published with
   * the keys carried over from its live index (dedup.h). */
  int defer_groups;
  /* Article URLs (siteurl.h): besides each JSON Lines record's own "url"
   * and the urls.tsv of each input directory, this template (NULL: none;
   * a bad one is RA_ERR_USAGE). */
  const char *url_template;
  /* Leave urls.tsv's bad lines unnamed and uncounted: another build of
   * the same run named them (the later shards of --shards). */
  int url_lines_named;
  ra_warn_fn warn;            /* per-file warnings and failures */
  ra_warn_fn info;            /* verbose notes (added/updated/...); may be NULL */
  /* Called from any worker, serialised, at most every 0.1 s. */
  void (*progress)(void *ctx, size_t done, size_t total, double seconds);
  void *warn_ctx;             /* passed to warn, info and progress */
} ra_index_opts;

typedef struct ra_index_stats {
  size_t files;     /* pages seen */
  size_t indexed;   /* pages in the new index */
  size_t failed;    /* pages skipped (reason sent to warn) */
  size_t repaired;  /* pages indexed after repair (invalid UTF-8) */
  size_t added, updated, removed, unchanged;
  size_t scan_errors;      /* unreadable directories, symlink loops */
  size_t synonyms;         /* synonym pairs from synonyms.txt */
  size_t acronyms;         /* acronym pairs learned from the text */
  size_t duplicate_groups; /* groups of near-duplicate articles */
  size_t skipped;          /* articles of other shards, not indexed */
  size_t url_errors;       /* urls.tsv lines skipped, URLs dropped (each
                              named to warn; the articles are indexed) */
  unsigned long long revision; /* RA_META_REVISION now published */
  int incremental;         /* 1: the live index was updated in place */
  int committed;           /* 1: a new revision was published (0: an
                              update found nothing to write) */
  unsigned long long bytes; /* bytes of page text read */
  double seconds;
  /* A rebuild's two phases: the workers indexing their shards, then
   * merging them (compaction), grouping duplicates and publishing. */
  double index_seconds, merge_seconds;
  char generation[64];
} ra_index_stats;

/* Build or update the index.  With a live index built the same way (same
 * format, tag list and synonyms) and fewer than a quarter of the pages
 * changed, the live index is updated in one transaction: new pages added,
 * changed ones (by content hash) re-indexed, deleted ones removed,
 * unchanged ones (same mtime and size, or same hash) not parsed.  Otherwise
 * (or with opts->rebuild) a new generation is built aside with opts->jobs
 * workers and published atomically.  Either way an article whose SimHash
 * is unchanged keeps its near-duplicate group key from the live index
 * (dedup.h); a shard then groups without splitting carried groups
 * (ra_dedup_mark_carried), a whole index from scratch (ra_dedup_mark).
 * RA_OK even when some pages failed (see stats->failed); any error leaves
 * the previously published index intact. */
ra_status ra_index_build(const ra_index_opts *opts, ra_index_stats *stats,
                         ra_error *err);

/* Group near-duplicates across the index directories dirs[0..n) (the
 * shards of one cluster, each with a published generation) as one
 * collection (ra_dedup_mark_all), under each one's writer lock; each index
 * whose keys changed is updated in place in one transaction and publishes
 * a new revision.  *groups (may be NULL): groups of two or more;
 * revisions (may be NULL): n entries, each index's RA_META_REVISION after. */
ra_status ra_index_regroup(const char *const *dirs, size_t n, size_t *groups,
                           unsigned long long *revisions, ra_error *err);

/* Parse one page the way the indexer would (model learned from the pages
 * beside it; tags_file, or tags.txt beside it or one directory up) and
 * return its JSON (caller frees). */
ra_status ra_index_dump(const char *path, const char *tags_file,
                        size_t max_file_size, char **json, ra_warn_fn warn,
                        void *warn_ctx, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
