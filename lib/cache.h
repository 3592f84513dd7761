/* cache.h - a bounded LRU map from byte-string keys to byte-string values.
 *
 * The FastCGI endpoint keeps the bodies of recent answers here: the
 * website asks the same popular searches (and, typing, the same
 * prefixes) again and again, and an answer only changes when the index
 * does, at which point the endpoint clears the cache.  Not thread-safe:
 * one per process, as the endpoint is. */
#ifndef RA_CACHE_H
#define RA_CACHE_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_cache ra_cache;

/* A cache holding at most max_bytes of keys, values and bookkeeping;
 * max_bytes 0 makes a cache that stores nothing. */
ra_status ra_cache_new(size_t max_bytes, ra_cache **out, ra_error *err);
void ra_cache_free(ra_cache *c); /* NULL is a no-op */

/* The value stored for key, or NULL.  The pointer stays valid until the
 * next put or clear; a hit makes the entry the most recently used. */
const char *ra_cache_get(ra_cache *c, const char *key, size_t klen,
                         size_t *vlen);

/* Store a copy of value under key (replacing any), evicting the least
 * recently used entries to stay within the budget.  A value too large
 * for the budget is not stored.  RA_ERR_NOMEM leaves the cache valid. */
ra_status ra_cache_put(ra_cache *c, const char *key, size_t klen,
                       const char *value, size_t vlen, ra_error *err);

void ra_cache_clear(ra_cache *c);

/* Entries, bytes in use, hits and misses since creation. */
typedef struct ra_cache_stats {
  size_t entries, bytes;
  unsigned long long hits, misses;
} ra_cache_stats;
void ra_cache_get_stats(const ra_cache *c, ra_cache_stats *s);

#ifdef __cplusplus
}
#endif
#endif
