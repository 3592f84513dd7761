/* hix.c - growing and freeing the hash-to-index tables of hix.h (the
 * lookups are inline in the header). */
#include "hix.h"

#include <stdlib.h>
#include <string.h>

void ra_hix_free(ra_hix *t) {
  free(t->keys);
  free(t->vals);
  memset(t, 0, sizeof *t);
}

static int hix_rehash(ra_hix *t, size_t ncap) {
  ra_hix nt;
  size_t i;
  nt.cap = ncap;
  nt.n = 0;
  nt.keys = calloc(ncap, sizeof *nt.keys);
  nt.vals = calloc(ncap, sizeof *nt.vals);
  if (!nt.keys || !nt.vals) {
    free(nt.keys);
    free(nt.vals);
    return -1;
  }
  for (i = 0; i < t->cap; i++)
    if (t->keys[i]) ra_hix_put(&nt, t->keys[i], t->vals[i]);
  ra_hix_free(t);
  *t = nt;
  return 0;
}

int ra_hix_put(ra_hix *t, uint64_t h, uint32_t v) {
  size_t i;
  uint32_t *slot = ra_hix_slot(t, h);
  if (slot) {
    *slot = v;
    return 0;
  }
  if ((t->n + 1) * 2 > t->cap && hix_rehash(t, t->cap ? t->cap * 2 : 64))
    return -1;
  i = (size_t)ra_mix64_splitmix(h) & (t->cap - 1);
  while (t->keys[i]) i = (i + 1) & (t->cap - 1);
  t->keys[i] = h;
  t->vals[i] = v;
  t->n++;
  return 0;
}
