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

/* Group near-duplicates and store each group's key (its smallest id) in
 * RA_SLOT_COLLAPSE of every member, removing stale keys.  Two articles are
 * versions of one when their SimHashes differ in at most RA_DUP_MAX_BITS
 * bits (found through four 16-bit bands: by pigeonhole any such pair shares
 * a band), or when they carry the same set of three or more tags. */
ra_status ra_dedup_mark(ra_xwriter *w, size_t *groups, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
