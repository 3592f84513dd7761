/* cache.c - bounded LRU map (see cache.h): chained hash table plus a
 * doubly linked recency list; each entry is one allocation. */
#include "cache.h"

#include "hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct centry {
  struct centry *prev, *next; /* recency: head is the most recent */
  struct centry *chain;       /* hash bucket */
  uint64_t hash;
  size_t klen, vlen;
  char data[]; /* key then value */
} centry;

struct ra_cache {
  centry **buckets;
  size_t n_buckets;
  centry *head, *tail;
  size_t bytes, max_bytes, entries;
  unsigned long long hits, misses;
};

static size_t entry_cost(size_t klen, size_t vlen) {
  return sizeof(centry) + klen + vlen + 32; /* 32: malloc's own overhead */
}

ra_status ra_cache_new(size_t max_bytes, ra_cache **out, ra_error *err) {
  *out = NULL;
  ra_cache *c = calloc(1, sizeof *c);
  if (!c) return ra_error_set(err, RA_ERR_NOMEM, "cache");
  c->n_buckets = 1024;
  c->buckets = calloc(c->n_buckets, sizeof *c->buckets);
  if (!c->buckets) {
    free(c);
    return ra_error_set(err, RA_ERR_NOMEM, "cache");
  }
  c->max_bytes = max_bytes;
  *out = c;
  return RA_OK;
}

static void unlink_lru(ra_cache *c, centry *e) {
  if (e->prev) e->prev->next = e->next;
  else c->head = e->next;
  if (e->next) e->next->prev = e->prev;
  else c->tail = e->prev;
  e->prev = e->next = NULL;
}

static void push_front(ra_cache *c, centry *e) {
  e->prev = NULL;
  e->next = c->head;
  if (c->head) c->head->prev = e;
  c->head = e;
  if (!c->tail) c->tail = e;
}

static centry **find_slot(ra_cache *c, const char *key, size_t klen, uint64_t h) {
  centry **p = &c->buckets[h & (c->n_buckets - 1)];
  while (*p && !((*p)->hash == h && (*p)->klen == klen && memcmp((*p)->data, key, klen) == 0))
    p = &(*p)->chain;
  return p;
}

static void remove_entry(ra_cache *c, centry *e) {
  centry **p = find_slot(c, e->data, e->klen, e->hash);
  if (*p == e) *p = e->chain;
  unlink_lru(c, e);
  c->bytes -= entry_cost(e->klen, e->vlen);
  c->entries--;
  free(e);
}

const char *ra_cache_get(ra_cache *c, const char *key, size_t klen, size_t *vlen) {
  uint64_t h = ra_fnv1a(key, klen);
  centry *e = *find_slot(c, key, klen, h);
  if (!e) {
    c->misses++;
    return NULL;
  }
  c->hits++;
  unlink_lru(c, e);
  push_front(c, e);
  if (vlen) *vlen = e->vlen;
  return e->data + e->klen;
}

static void grow(ra_cache *c) {
  size_t nb = c->n_buckets * 2;
  centry **nv = calloc(nb, sizeof *nv);
  if (!nv) return; /* longer chains, still correct */
  for (size_t i = 0; i < c->n_buckets; i++)
    for (centry *e = c->buckets[i], *next; e; e = next) {
      next = e->chain;
      e->chain = nv[e->hash & (nb - 1)];
      nv[e->hash & (nb - 1)] = e;
    }
  free(c->buckets);
  c->buckets = nv;
  c->n_buckets = nb;
}

ra_status ra_cache_put(ra_cache *c, const char *key, size_t klen,
                       const char *value, size_t vlen, ra_error *err) {
  uint64_t h = ra_fnv1a(key, klen);
  centry *old = *find_slot(c, key, klen, h);
  if (old) remove_entry(c, old);
  size_t cost = entry_cost(klen, vlen);
  if (cost > c->max_bytes) return RA_OK;
  while (c->tail && c->bytes + cost > c->max_bytes) remove_entry(c, c->tail);
  centry *e = malloc(sizeof *e + klen + vlen);
  if (!e) return ra_error_set(err, RA_ERR_NOMEM, "cache entry");
  e->hash = h;
  e->klen = klen;
  e->vlen = vlen;
  memcpy(e->data, key, klen);
  memcpy(e->data + klen, value, vlen);
  if (c->entries + 1 > 2 * c->n_buckets) grow(c);
  centry **slot = &c->buckets[h & (c->n_buckets - 1)];
  e->chain = *slot;
  *slot = e;
  push_front(c, e);
  c->bytes += cost;
  c->entries++;
  return RA_OK;
}

void ra_cache_clear(ra_cache *c) {
  if (!c) return;
  while (c->head) remove_entry(c, c->head);
}

void ra_cache_free(ra_cache *c) {
  if (!c) return;
  ra_cache_clear(c);
  free(c->buckets);
  free(c);
}

void ra_cache_get_stats(const ra_cache *c, ra_cache_stats *s) {
  s->entries = c->entries;
  s->bytes = c->bytes;
  s->hits = c->hits;
  s->misses = c->misses;
}
