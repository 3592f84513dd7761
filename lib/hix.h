/* hix.h - open-addressing tables from a 64-bit hash to a 32-bit value, and
 * how their keys are made: the corpus model's line, pair, tag and
 * vocabulary tables and the tag splitter's word and phrase sets.  Lookups
 * are static inline (the tag splitter's inner loops make them); growing and
 * freeing are in hix.c. */
#ifndef RA_HIX_H
#define RA_HIX_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Folds the hash w into h (phrase hashes fold over their sub-words). */
static inline uint64_t ra_hix_fold(uint64_t h, uint64_t w) {
  return ra_mix64_splitmix(h * 0x9E3779B97F4A7C15ULL + w + 1);
}

/* 0 marks an empty slot in the index tables, so real keys are never 0. */
static inline uint64_t ra_hix_nz(uint64_t h) { return h ? h : 1; }

/* Open-addressing map from a 64-bit hash to a 32-bit value (usually an
 * index into a typed entry vector).  Deletion is done by rebuilding. */
typedef struct ra_hix {
  uint64_t *keys;
  uint32_t *vals;
  size_t cap, n;
} ra_hix;
#define RA_HIX_NONE UINT32_MAX

/* Frees the table's arrays and leaves it empty (reusable). */
void ra_hix_free(ra_hix *t);

/* Sets h to v, adding h if new; the arrays are malloc'd and grow as needed
 * (ra_hix_free releases them).  -1 on allocation failure.  h must not be
 * 0. */
int ra_hix_put(ra_hix *t, uint64_t h, uint32_t v);

static inline uint32_t *ra_hix_slot(const ra_hix *t, uint64_t h) {
  size_t i;
  if (!t->cap) return NULL;
  i = (size_t)ra_mix64_splitmix(h) & (t->cap - 1);
  while (t->keys[i]) {
    if (t->keys[i] == h) return &t->vals[i];
    i = (i + 1) & (t->cap - 1);
  }
  return NULL;
}

static inline uint32_t ra_hix_get(const ra_hix *t, uint64_t h) {
  uint32_t *v = ra_hix_slot(t, h);
  return v ? *v : RA_HIX_NONE;
}

#ifdef __cplusplus
}
#endif
#endif
