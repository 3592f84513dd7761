/* idtab.h - an open-addressing hash table of records keyed by a string
 * id, for the maps the indexer keeps per article (the live index's pages,
 * the site URL mapping).  A record's first member must be `char *id`;
 * NULL marks a free slot.  The table is the caller's array (v, cap slots
 * of size bytes, cap a power of two, n in use); the caller owns what the
 * records point to and frees v. */
#ifndef RA_IDTAB_H
#define RA_IDTAB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The record with id in v, or NULL. */
void *ra_idtab_find(const void *v, size_t cap, size_t size, const char *id);

/* Copy rec (its id not yet in the table) into a free slot, growing the
 * table (to first_cap slots at first, then doubling) so it stays at most
 * half full.  0, or -1 when out of memory (the table unchanged). */
int ra_idtab_put(void **v, size_t *cap, size_t *n, size_t size, const void *rec,
                 size_t first_cap);

#ifdef __cplusplus
}
#endif
#endif
