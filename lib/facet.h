/* facet.h - tag counts over a result set from a table of every article's
 * tags.
 *
 * Facet counts read one value (RA_SLOT_TAGS) per examined match; through
 * Xapian that is a B-tree lookup each, a fifth of a query's time.  The
 * indexer writes the table beside the index after each commit, and every
 * reader maps it at open (a long-lived one without the file loads the slot
 * once as one sequential stream); a search then only collects the matched
 * docids.  One table belongs to one database revision: map or load it
 * again after reopening. */
#ifndef RA_FACET_H
#define RA_FACET_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_facet_table ra_facet_table;

/* Load every document's "key\x1fdisplay" pairs (joined by "\x1e") from
 * value slot `slot`.  *out is owned by the caller: ra_facet_table_free. */
ra_status ra_facet_table_load(ra_xdb *db, unsigned slot, ra_facet_table **out,
                              ra_error *err);
void ra_facet_table_free(ra_facet_table *t); /* NULL is a no-op */

/* Bytes the table holds (for the documented memory figures). */
size_t ra_facet_table_bytes(const ra_facet_table *t);

/* Count each key over the documents ids[0..n) (a key counts once per
 * document; unknown docids count nothing) and call cb once per key with
 * a non-zero count, with its display form in the first of ids (in the
 * given order) that has it: for docids in matching order, the form Xapian's
 * own counting shows.  RA_ERR_INVALID (nothing counted) when a mapped
 * table's run for one of ids is damaged. */
typedef int (*ra_facet_count_cb)(void *ctx, const char *key, size_t klen,
                                 const char *display, size_t dlen,
                                 uint32_t docs);
ra_status ra_facet_table_count(const ra_facet_table *t, const uint32_t *ids,
                               size_t n, ra_facet_count_cb cb, void *ctx,
                               ra_error *err);

/* The table is written as a file in a generation's directory
 * (RA_FACET_FILE, schema.h) by the indexer after each commit and mapped by
 * readers, so a one-shot CGI process counts tags without reading every
 * examined document's value.  The file names the database (UUID) and
 * revision it was made from. */

/* Write t to path (through path.tmp and a rename, so a reader sees the old
 * file or the new one), stamped with the database's uuid and revision. */
ra_status ra_facet_table_save(const ra_facet_table *t, const char *path,
                              const char *uuid, uint32_t revision,
                              ra_error *err);

/* Map the file at path as a table.  RA_ERR_NOTFOUND when there is none
 * or it was made from another database or revision (stale), RA_ERR_INVALID
 * when its layout or keys are damaged.  Each document's run of ids is
 * checked where ra_facet_table_count reads it, which then fails with
 * RA_ERR_INVALID before counting anything.  *out is owned by the caller:
 * ra_facet_table_free. */
ra_status ra_facet_table_map(const char *path, const char *uuid,
                             uint32_t revision, ra_facet_table **out,
                             ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
