/* dedup.h - grouping near-duplicate articles (versions of one page) after
 * a build, from the SimHash each document carries (RA_SLOT_SIMHASH), so
 * that a search can collapse each group to one result (RA_SLOT_COLLAPSE);
 * and the group keys a build carries over from the live index, so that a
 * shard rebuilt or updated alone keeps the groups it shares with the
 * other shards. */
#ifndef RA_DEDUP_H
#define RA_DEDUP_H

#include <stddef.h>

#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Group near-duplicates from scratch and give every article its group's
 * key: the smallest id of the group, or its own id when it has no
 * near-duplicate, as RA_SLOT_COLLAPSE and as its one RA_PREFIX_GROUP term (schema.h).
 * Only documents whose key changes are rewritten.  Two articles are
 * versions of one when their SimHashes differ in at most RA_DUP_MAX_BITS
 * bits (found through four 16-bit bands: by pigeonhole any such pair
 * shares a band), or when they carry the same set of three or more tags.
 * *groups (may be NULL): the groups of two or more. */
ra_status ra_dedup_mark(ra_xwriter *w, size_t *groups, ra_error *err);

/* The same over the documents of ws[0..n) taken as one collection (the
 * shards of a cluster): a group spanning writers gets the same key in
 * each, the smallest id over the whole group; keys carried over are not
 * consulted (this grouping is the authority), but as they are mostly
 * right already, few documents are rewritten.  Each writer's changes go
 * through it (ra_xwriter_changes tells which changed); committing is the
 * caller's. */
ra_status ra_dedup_mark_all(ra_xwriter *const *ws, size_t n, size_t *groups,
                            ra_error *err);

/* ---- carried keys ---------------------------------------------------------
 * An article whose SimHash value (the whole RA_SLOT_SIMHASH value) is the
 * same as in the live index keeps the group key it has there: the key may
 * come from a grouping across shards that this build cannot redo. */
typedef struct ra_dedup_carry ra_dedup_carry;

/* Read every article's id, SimHash value and group key from db (the live
 * generation; about 100 bytes per article).  *out is freed with
 * ra_dedup_carry_free. */
ra_status ra_dedup_carry_load(ra_xdb *db, ra_dedup_carry **out, ra_error *err);
void ra_dedup_carry_free(ra_dedup_carry *c); /* NULL ok */

/* The key article id keeps when its RA_SLOT_SIMHASH value is
 * simval[0..len): its key in the live index if it had the same value
 * there, else NULL (a new or changed article: its own group).  c may be
 * NULL (nothing carried).  The string belongs to c.  Safe from several
 * threads at once. */
const char *ra_dedup_carry_key(const ra_dedup_carry *c, const char *id,
                               const char *simval, size_t len);

/* Grouping within one part of a collection (a shard built alone), which
 * must not split the groups it shares with the other parts: as
 * ra_dedup_mark, except that a group holding articles that carry a key
 * (ra_dedup_carry_key non-NULL) takes the smallest of those keys, and an
 * article alone that carries one keeps it.  Groups only join: a new or
 * changed near-duplicate of a carried article takes the carried key.  With
 * an unchanged corpus every article keeps its key.  c NULL: ra_dedup_mark. */
ra_status ra_dedup_mark_carried(ra_xwriter *w, const ra_dedup_carry *c,
                                size_t *groups, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
