/* idtab.c - open addressing by FNV-1a of the id, linear probing (idtab.h). */
#include "idtab.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

static const char *rec_id(const void *v, size_t i, size_t size) {
  const char *id;
  memcpy(&id, (const char *)v + i * size, sizeof id);
  return id;
}

static size_t slot_of(const char *id, size_t cap) {
  return (size_t)ra_fnv1a(id, strlen(id)) & (cap - 1);
}

void *ra_idtab_find(const void *v, size_t cap, size_t size, const char *id) {
  if (!cap) return NULL;
  for (size_t i = slot_of(id, cap);; i = (i + 1) & (cap - 1)) {
    const char *k = rec_id(v, i, size);
    if (!k) return NULL;
    if (strcmp(k, id) == 0) return (char *)v + i * size;
  }
}

/* rec into the first free slot of its probe sequence in v. */
static void place(void *v, size_t cap, size_t size, const void *rec) {
  size_t i = slot_of(rec_id(rec, 0, size), cap);
  while (rec_id(v, i, size)) i = (i + 1) & (cap - 1);
  memcpy((char *)v + i * size, rec, size);
}

int ra_idtab_put(void **v, size_t *cap, size_t *n, size_t size, const void *rec,
                 size_t first_cap) {
  if ((*n + 1) * 2 > *cap) {
    size_t nc = *cap ? *cap * 2 : first_cap;
    void *nv = calloc(nc, size);
    if (!nv) return -1;
    for (size_t i = 0; i < *cap; i++)
      if (rec_id(*v, i, size)) place(nv, nc, size, (const char *)*v + i * size);
    free(*v);
    *v = nv;
    *cap = nc;
  }
  place(*v, *cap, size, rec);
  (*n)++;
  return 0;
}
