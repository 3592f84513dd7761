/* hash.h - FNV-1a (64-bit), the library's one string hash: page content
 * hashes stored in the index, the spelling, facet, cache and stem-cache
 * tables, SimHash shingles.  Changing it changes the stored content hashes,
 * so every page would look changed to the next update once. */
#ifndef RA_HASH_H
#define RA_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RA_FNV_INIT 1469598103934665603ull

static inline uint64_t ra_fnv1a_byte(uint64_t h, unsigned char c) {
  return (h ^ c) * 1099511628211ull;
}

static inline uint64_t ra_fnv1a(const void *s, size_t n) {
  const unsigned char *p = s;
  uint64_t h = RA_FNV_INIT;
  for (size_t i = 0; i < n; i++) h = ra_fnv1a_byte(h, p[i]);
  return h;
}

#endif
