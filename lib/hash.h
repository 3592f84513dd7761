/* hash.h - the library's hashing: FNV-1a (64-bit), its one string hash
 * (page content hashes stored in the index, the spelling, facet, cache and
 * stem-cache tables, SimHash shingles), and two 64-bit finalisers that
 * spread an already-hashed value.  Changing any of them changes stored
 * hashes (content hashes, SimHash keys, the corpus model's tables), so every
 * page would look changed to the next update once. */
#ifndef RA_HASH_H
#define RA_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RA_FNV_INIT 1469598103934665603ull

static inline uint64_t ra_fnv1a_byte(uint64_t h, unsigned char c) {
  return (h ^ c) * 1099511628211ull;
}

static inline uint64_t ra_fnv1a(const void *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  uint64_t h = RA_FNV_INIT;
  for (size_t i = 0; i < n; i++) h = ra_fnv1a_byte(h, p[i]);
  return h;
}

/* SplitMix64's finaliser (Steele, Lea, Flood 2014): the corpus model's
 * hash-table slots and line/shingle keys. */
static inline uint64_t ra_mix64_splitmix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* MurmurHash3's fmix64: SimHash features and the configuration hash. */
static inline uint64_t ra_mix64_murmur(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

#endif
