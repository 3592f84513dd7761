/* dedup.h - grouping near-duplicate articles (versions of one page) after
 * a build, from the SimHash each document carries (RA_SLOT_SIMHASH), so
 * that a search can collapse each group to one result (RA_SLOT_COLLAPSE). */
#ifndef RA_DEDUP_H
#define RA_DEDUP_H

#include <stddef.h>

#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Group near-duplicates and give every article its group's key: the
 * smallest id of the group, or its own id when it has no near-duplicate,
 * as RA_SLOT_COLLAPSE and as its one RA_PREFIX_GROUP term (schema.h).
 * Only documents whose key changes are rewritten.  Two articles are
 * versions of one when their SimHashes differ in at most RA_DUP_MAX_BITS
 * bits (found through four 16-bit bands: by pigeonhole any such pair
 * shares a band), or when they carry the same set of three or more tags.
 * *groups (may be NULL): the groups of two or more. */
ra_status ra_dedup_mark(ra_xwriter *w, size_t *groups, ra_error *err);

/* The same over the documents of ws[0..n) taken as one collection (the
 * shards of a cluster): a group spanning writers gets the same key in
 * each, the smallest id over the whole group.  Each writer's changes go
 * through it (ra_xwriter_changes tells which changed); committing is the
 * caller's. */
ra_status ra_dedup_mark_all(ra_xwriter *const *ws, size_t n, size_t *groups,
                            ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
