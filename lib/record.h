/* record.h - the stored form of a parsed article.
 *
 * Every indexed article is kept as a compact binary record (then
 * zlib-compressed by store.h) so a search can rebuild the article for
 * snippets.  A record decodes into one allocation with no parsing of
 * text, which matters because every hit of every query loads one:
 * JSON (article.h) was a fifth of the query time.
 *
 * Layout: "RAR1", then the fields of ra_article in declaration order.
 * Counts and kinds are unsigned LEB128 varints; a string is a varint
 * (length + 1, 0 for NULL) then its bytes.  A record never holds a NUL
 * byte inside a string (the parser never makes one), and decoding
 * checks every length against the bytes left, so a damaged record is
 * an error, never a crash. */
#ifndef RA_RECORD_H
#define RA_RECORD_H

#include <stddef.h>

#include "article.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Encode a; *out is malloc'd (caller frees). */
ra_status ra_record_encode(const ra_article *a, char **out, size_t *out_len,
                           ra_error *err);

/* Decode a record made by ra_record_encode.  *out is one block (free it
 * with ra_article_free, as any article).  RA_ERR_INVALID if damaged. */
ra_status ra_record_decode(const char *rec, size_t len, ra_article **out,
                           ra_error *err);

/* Whether data is a record (else an older index's JSON). */
int ra_record_is(const char *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
