/* idxdir.h - the on-disk layout of an index directory.
 *
 *   DIR/XAPIANDB            Xapian stub naming the live generation ("glass gen-N")
 *   DIR/XAPIANDB.tmp        a stub being written, then renamed over XAPIANDB
 *   DIR/gen-NNNNNN/         one glass database per full build, holding
 *     *.glass, iamglass, flintlock   Xapian's own tables and lock
 *     rasearch-facets       the tag table (RA_FACET_FILE, schema.h, facet.h),
 *     rasearch-facets.tmp   written as this, then renamed
 *   DIR/tmp-shards/shard-NNN/  a rebuild's per-worker databases, merged
 *                           into the new generation, then removed
 *   DIR/lock                writer lock (fcntl open-file-description lock) + holder
 *
 * Readers open DIR and Xapian follows the stub.  A full rebuild writes a new
 * generation aside and publishes it by rename()ing a new stub over the old
 * one, so a reader sees the old or the new complete index, never a mix; a
 * killed build leaves only an unpublished gen-N that the next run removes. */
#ifndef RA_IDXDIR_H
#define RA_IDXDIR_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_PATH_MAX 4096

/* The index directory to use: opt (from --db) if non-NULL, else
 * $RASEARCH_DB if set and non-empty, else the compiled-in default. */
const char *ra_idxdir_choose(const char *opt);

typedef struct ra_idxlock ra_idxlock;

/* Create DIR if needed and take the writer lock without waiting.
 * RA_ERR_LOCKED (message names the holder's pid and start time) if another
 * writer holds it. */
ra_status ra_idxdir_lock(const char *dir, ra_idxlock **out, ra_error *err);
void ra_idxdir_unlock(ra_idxlock *l); /* NULL ok */

/* Name ("gen-000007") of the live generation, or "" if none published. */
ra_status ra_idxdir_current(const char *dir, char *name, size_t size,
                            ra_error *err);
/* Pick the next generation name and remove any leftover directory of that
 * name (from a killed build).  Writes the full path to path. */
ra_status ra_idxdir_next(const char *dir, char *name, size_t name_size,
                         char *path, size_t path_size, ra_error *err);
/* Atomically make generation `name` live (stub written to a temporary file,
 * fsync'd, renamed over DIR/XAPIANDB, directory fsync'd). */
ra_status ra_idxdir_publish(const char *dir, const char *name,
                            ra_error *err);
/* Remove generations other than the live one and `keep` (may be NULL or
 * ""), and stale temporary files.  Errors are reported, not fatal. */
ra_status ra_idxdir_gc(const char *dir, const char *keep, ra_error *err);

/* Remove a directory tree (no symlink following).  ENOENT is success. */
ra_status ra_rmtree(const char *path, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
