/* termcount.h - terms counted in memory before they go to Xapian: the
 * counter behind an article's stem terms, a worker's spelling words (added,
 * or retracted by an update) and its acronym pairs. */
#ifndef RA_TERMCOUNT_H
#define RA_TERMCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "status.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Terms counted in memory and handed to Xapian once each: Xapian looks a
 * term up in a std::map on every call.  Spelling words (one call per token
 * cost a third of the indexing time) and each article's stems (a quarter
 * of its map walks were repeats) both go through one. */
typedef struct ra_termcount {
  char *arena;    /* the terms, NUL-terminated, in order of first sight */
  size_t used, cap;
  uint32_t *slot; /* open addressing: entry index + 1, 0 empty */
  size_t n_slots;
  struct ra_termcount_ent {
    uint32_t off, len, count;
  } *ent;
  size_t n, ent_cap;
  int nomem; /* sticky: some term was lost */
} ra_termcount;

/* Add inc to term (len bytes); -1 (and nomem set) out of memory. */
static inline int ra_termcount_add(ra_termcount *m, const char *term,
                                   size_t len, unsigned inc) {
  if (2 * (m->n + 1) > m->n_slots) {
    size_t ns = m->n_slots ? 2 * m->n_slots : 1024;
    uint32_t *nv = calloc(ns, sizeof *nv);
    if (!nv) goto nomem;
    for (size_t i = 0; i < m->n; i++) {
      size_t h = (size_t)ra_fnv1a(m->arena + m->ent[i].off, m->ent[i].len) & (ns - 1);
      while (nv[h]) h = (h + 1) & (ns - 1);
      nv[h] = (uint32_t)i + 1;
    }
    free(m->slot);
    m->slot = nv;
    m->n_slots = ns;
  }
  size_t h = (size_t)ra_fnv1a(term, len) & (m->n_slots - 1);
  while (m->slot[h]) {
    struct ra_termcount_ent *e = &m->ent[m->slot[h] - 1];
    if (e->len == len && memcmp(m->arena + e->off, term, len) == 0) {
      e->count += inc;
      return 0;
    }
    h = (h + 1) & (m->n_slots - 1);
  }
  if (m->n == m->ent_cap) {
    size_t nc = m->ent_cap ? 2 * m->ent_cap : 512;
    struct ra_termcount_ent *ne = realloc(m->ent, nc * sizeof *ne);
    if (!ne) goto nomem;
    m->ent = ne;
    m->ent_cap = nc;
  }
  if (m->used + len + 1 > m->cap) {
    size_t nc = m->cap ? 2 * m->cap : 8192;
    while (nc < m->used + len + 1) nc *= 2;
    char *na = realloc(m->arena, nc);
    if (!na) goto nomem;
    m->arena = na;
    m->cap = nc;
  }
  memcpy(m->arena + m->used, term, len);
  m->arena[m->used + len] = '\0';
  m->ent[m->n] = (struct ra_termcount_ent){(uint32_t)m->used, (uint32_t)len, inc};
  m->used += len + 1;
  m->slot[h] = (uint32_t)++m->n;
  return 0;
nomem:
  m->nomem = 1;
  return -1;
}

/* Free the counter's memory and leave it empty (reusable). */
void ra_termcount_free(ra_termcount *m);

/* The count of term (len bytes); 0 when it was never added. */
unsigned ra_termcount_get(const ra_termcount *m, const char *term, size_t len);

/* Add every count of from to to (from's lost terms make to's lost too). */
void ra_termcount_merge(ra_termcount *to, const ra_termcount *from);

/* Hand the counted spelling words to the writer (none when w is NULL: a
 * failed run's map is only freed) and empty the map. */
ra_status ra_termcount_flush_spelling(ra_termcount *m, ra_xwriter *w,
                                      ra_error *err);

/* The reverse, for an update: take the counted words' frequencies (those
 * of removed or replaced documents) from the writer's spelling data, and
 * empty the map.  No call to the writer when the map is empty. */
ra_status ra_termcount_retract_spelling(ra_termcount *m, ra_xwriter *w,
                                        ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
