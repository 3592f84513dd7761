/* store.h - the compressed stored text of each document.
 *
 * The index keeps every article's record (see record.h; JSON before index
 * format 4) zlib-compressed as the Xapian document data, so snippets can
 * be built from the full text without keeping the corpus around.  Blob
 * layout: "RAZ1", the uncompressed length as 4 little-endian bytes, then
 * a zlib stream. */
#ifndef RA_STORE_H
#define RA_STORE_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_STORE_MAX_RAW (256u * 1024u * 1024u)

/* Compress len bytes; *out is malloc'd (caller frees). */
ra_status ra_store_pack(const char *raw, size_t len, char **out,
                        size_t *out_len, ra_error *err);
/* Decompress a blob made by ra_store_pack; *out is malloc'd and
 * NUL-terminated.  A damaged blob is RA_ERR_ZLIB, never a crash. */
ra_status ra_store_unpack(const char *blob, size_t len, char **out,
                          size_t *out_len, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
