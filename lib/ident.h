/* ident.h - the one scheme for article ids and index terms, so that no
 * input, however long or odd its name, tag or category, can form a term
 * Xapian refuses or an id the endpoint cannot ask for
 * (docs/article-format.md, "Ids and terms").  Both forms are pure
 * functions of their input: the indexer and the query side form the same
 * term from the same value. */
#ifndef RA_IDENT_H
#define RA_IDENT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Xapian's limit on a term's length (prefix included), in bytes. */
#define RA_IDENT_TERM_MAX 245
/* The longest id kept as it is; a longer one is hashed. */
#define RA_IDENT_ID_MAX 128
/* "#" (terms) or "-" (ids) and 16 hex digits of FNV-1a. */
#define RA_IDENT_HASH_LEN 17

/* The term prefix + value[0..len) into out (at least
 * RA_IDENT_TERM_MAX + 1 bytes, NUL-terminated); returns its length.
 * Verbatim when it fits RA_IDENT_TERM_MAX bytes; otherwise the value cut
 * at a UTF-8 character boundary and "#" + 16 hex digits of the FNV-1a
 * hash of the whole value, so two long values do not collide. */
size_t ra_ident_term(const char *prefix, const char *value, size_t len,
                     char *out);

/* 1 if name[0..len) is an id as it is: 1..RA_IDENT_ID_MAX bytes of ASCII
 * letters, digits, '_', '-' and '.', in segments joined by '/' (the id of
 * a page in a subdirectory) that are neither empty nor "." or "..". */
int ra_ident_id_ok(const char *name, size_t len);

/* The article id of name[0..len) (a file-name stem or a JSON Lines "id"):
 * the name itself when ra_ident_id_ok, else a safe prefix (each run of
 * other bytes one '-', leading and trailing '-' dropped, cut) + '-' + 16
 * hex digits of the FNV-1a hash of the whole name.  Malloc'd (caller
 * frees); NULL when out of memory. */
char *ra_ident_id(const char *name, size_t len);

/* The shard (1..n) an article id belongs to in a cluster of n shards:
 * 1 + (64-bit FNV-1a of the id's bytes) mod n.  Stable across machines,
 * runs and versions (docs/scale.md): every builder given the same corpus
 * puts each article in the same shard.  n 0 or 1: 1. */
unsigned ra_ident_shard(const char *id, size_t len, unsigned n);

#ifdef __cplusplus
}
#endif

#endif
