/* dedup.c - near-duplicate grouping (see dedup.h): SimHash band buckets
 * and tag sets joined by union-find over every document of one or more
 * databases (the shards of a cluster), each group keyed by its smallest
 * id, an article in no group by its own. */
#define _GNU_SOURCE
#include "dedup.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "ident.h"
#include "schema.h"

typedef struct dup_rec {
  uint32_t docid;
  size_t db;      /* which of the writers */
  uint64_t sim;
  char tags[17];
  char *id;
  char *collapse; /* current value, may be NULL */
} dup_rec;

typedef struct dup_set {
  dup_rec *v;
  size_t n, cap;
  size_t base, db; /* the database being read: its records start at base */
  int nomem;
} dup_set;

static dup_rec *dup_get(dup_set *s, uint32_t docid) {
  /* Value streams are in docid order, so one database's records are
   * sorted. */
  size_t lo = s->base, hi = s->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (s->v[mid].docid < docid) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->v[lo].docid == docid ? &s->v[lo] : NULL;
}

/* A SimHash value (RA_SLOT_SIMHASH) into its two parts; 0 if malformed. */
static int dup_parse(const char *val, size_t len, uint64_t *sim, char tags[17]) {
  char buf[64];
  unsigned long long v;
  if (len >= sizeof buf) return 0;
  memcpy(buf, val, len);
  buf[len] = '\0';
  if (sscanf(buf, "%16llx %16s", &v, tags) != 2) return 0;
  *sim = v;
  return 1;
}

static int dup_sim_cb(void *ctx, uint32_t docid, const char *val, size_t len) {
  dup_set *s = ctx;
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 1024;
    dup_rec *nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) {
      s->nomem = 1;
      return 1;
    }
    s->v = nv;
    s->cap = nc;
  }
  dup_rec *r = &s->v[s->n];
  memset(r, 0, sizeof *r);
  if (!dup_parse(val, len, &r->sim, r->tags)) return 0;
  r->docid = docid;
  r->db = s->db;
  s->n++;
  return 0;
}

static int dup_id_cb(void *ctx, uint32_t docid, const char *val, size_t len) {
  dup_set *s = ctx;
  dup_rec *r = dup_get(s, docid);
  if (!r || !len) return 0;
  r->id = strndup(val, len);
  if (!r->id) s->nomem = 1;
  return s->nomem;
}

static int dup_collapse_cb(void *ctx, uint32_t docid, const char *val,
                           size_t len) {
  dup_set *s = ctx;
  dup_rec *r = dup_get(s, docid);
  if (!r) return 0;
  r->collapse = strndup(val, len);
  if (!r->collapse) s->nomem = 1;
  return s->nomem;
}

static size_t uf_find(size_t *p, size_t x) {
  while (p[x] != x) {
    p[x] = p[p[x]];
    x = p[x];
  }
  return x;
}

static void uf_join(size_t *p, size_t a, size_t b) {
  a = uf_find(p, a);
  b = uf_find(p, b);
  if (a != b) p[a > b ? a : b] = a < b ? a : b;
}

typedef struct band_key {
  uint64_t key;
  size_t idx;
} band_key;

static int cmp_band(const void *a, const void *b) {
  const band_key *x = a, *y = b;
  return x->key < y->key ? -1 : x->key > y->key ? 1 : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

#define RA_DUP_MAX_BITS 3 /* SimHash bits that may differ in a near-duplicate */

/* Read the grouping inputs of every document of w, or else of db (the
 * database numbered k). */
static ra_status dup_read(ra_xwriter *w, ra_xdb *db, size_t k, dup_set *s,
                          ra_error *err) {
  static const unsigned slots[3] = {RA_SLOT_SIMHASH, RA_SLOT_ID, RA_SLOT_COLLAPSE};
  static const ra_xvalue_cb cbs[3] = {dup_sim_cb, dup_id_cb, dup_collapse_cb};
  s->base = s->n;
  s->db = k;
  ra_status st = RA_OK;
  for (int i = 0; !st && i < 3; i++)
    st = w ? ra_xwriter_values(w, slots[i], cbs[i], s, err)
           : ra_xdb_scan_values(db, slots[i], cbs[i], s, err);
  if (!st && s->nomem) st = ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  return st;
}

static void dup_set_free(dup_set *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->v[i].id);
    free(s->v[i].collapse);
  }
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* ---- carried keys --------------------------------------------------------- */

struct ra_dedup_carry {
  dup_set s;     /* the live index's records */
  size_t *slot;  /* open addressing by id: index into s.v + 1, 0 empty */
  size_t cap;    /* power of two */
};

ra_status ra_dedup_carry_load(ra_xdb *db, ra_dedup_carry **out, ra_error *err) {
  *out = NULL;
  ra_dedup_carry *c = calloc(1, sizeof *c);
  if (!c) return ra_error_set(err, RA_ERR_NOMEM, "group keys of the live index");
  ra_status st = dup_read(NULL, db, 0, &c->s, err);
  c->cap = 1024;
  while (!st && c->cap < 2 * c->s.n) c->cap *= 2;
  if (!st && !(c->slot = calloc(c->cap, sizeof *c->slot)))
    st = ra_error_set(err, RA_ERR_NOMEM, "group keys of the live index");
  for (size_t i = 0; !st && i < c->s.n; i++) {
    const dup_rec *r = &c->s.v[i];
    if (!r->id || !r->collapse || !*r->collapse) continue;
    size_t h = (size_t)ra_fnv1a(r->id, strlen(r->id)) & (c->cap - 1);
    while (c->slot[h]) h = (h + 1) & (c->cap - 1);
    c->slot[h] = i + 1; /* a repeated id: the first wins, like a lookup */
  }
  if (st) {
    ra_dedup_carry_free(c);
    return st;
  }
  *out = c;
  return RA_OK;
}

void ra_dedup_carry_free(ra_dedup_carry *c) {
  if (!c) return;
  dup_set_free(&c->s);
  free(c->slot);
  free(c);
}

/* The key carried for id if its SimHash value was (sim, tags), else NULL. */
static const char *carry_find(const ra_dedup_carry *c, const char *id,
                              uint64_t sim, const char *tags) {
  if (!id) return NULL;
  size_t h = (size_t)ra_fnv1a(id, strlen(id)) & (c->cap - 1);
  for (; c->slot[h]; h = (h + 1) & (c->cap - 1)) {
    const dup_rec *r = &c->s.v[c->slot[h] - 1];
    if (strcmp(r->id, id) != 0) continue;
    return r->sim == sim && strcmp(r->tags, tags) == 0 ? r->collapse : NULL;
  }
  return NULL;
}

const char *ra_dedup_carry_key(const ra_dedup_carry *c, const char *id,
                               const char *simval, size_t len) {
  uint64_t sim;
  char tags[17];
  if (!c || !dup_parse(simval, len, &sim, tags)) return NULL;
  return carry_find(c, id, sim, tags);
}

/* Join the records of s that are versions of one another. */
static ra_status dup_join(dup_set *s, size_t *parent, ra_error *err) {
  band_key *keys = malloc((s->n ? s->n : 1) * sizeof *keys);
  if (!keys) return ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  for (size_t i = 0; i < s->n; i++) parent[i] = i;
  for (int band = 0; band < 5 && s->n; band++) {
    size_t nk = 0;
    for (size_t i = 0; i < s->n; i++) {
      if (band < 4) {
        keys[nk].key = (s->v[i].sim >> (16 * band)) & 0xffff;
      } else {
        if (strcmp(s->v[i].tags, "-") == 0) continue;
        keys[nk].key = strtoull(s->v[i].tags, NULL, 16);
      }
      keys[nk++].idx = i;
    }
    qsort(keys, nk, sizeof *keys, cmp_band);
    for (size_t a = 0; a < nk;) {
      size_t b = a + 1;
      while (b < nk && keys[b].key == keys[a].key) b++;
      /* A huge bucket means a degenerate hash (e.g. empty texts): skip
       * rather than compare quadratically. */
      if (b - a <= 256) {
        for (size_t x = a; x < b; x++)
          for (size_t y = x + 1; y < b; y++) {
            size_t i = keys[x].idx, k = keys[y].idx;
            if (band == 4 ||
                __builtin_popcountll(s->v[i].sim ^ s->v[k].sim) <= RA_DUP_MAX_BITS)
              uf_join(parent, i, k);
          }
      }
      a = b;
    }
  }
  free(keys);
  return RA_OK;
}

/* Group the documents of ws[0..n_ws); with c, by the carried rule
 * (dedup.h, ra_dedup_mark_carried). */
static ra_status dedup_run(ra_xwriter *const *ws, size_t n_ws,
                           const ra_dedup_carry *c, size_t *groups,
                           ra_error *err) {
  dup_set s = {0};
  size_t *parent = NULL;
  ra_status st = RA_OK;
  /* The groups are the connected components of the pairs over the whole
   * collection, and keys are ids: neither depends on how the documents
   * are split between writers, nor on their order. */
  for (size_t k = 0; !st && k < n_ws; k++) st = dup_read(ws[k], NULL, k, &s, err);
  if (!st && s.n) {
    parent = malloc(s.n * sizeof *parent);
    if (!parent) st = ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  }
  if (!st && s.n) st = dup_join(&s, parent, err);
  /* Group key: the smallest id among the members; with carried keys, the
   * smallest carried key among the members that have one. */
  const char **key = NULL, **carried = NULL;
  size_t *size = NULL;
  if (!st && s.n) {
    key = calloc(s.n, sizeof *key);
    carried = calloc(s.n, sizeof *carried);
    size = calloc(s.n, sizeof *size);
    if (!key || !carried || !size)
      st = ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  }
  for (size_t i = 0; !st && i < s.n; i++) {
    size_t r = uf_find(parent, i);
    size[r]++;
    if (s.v[i].id && (!key[r] || strcmp(s.v[i].id, key[r]) < 0)) key[r] = s.v[i].id;
    const char *ck = c ? carry_find(c, s.v[i].id, s.v[i].sim, s.v[i].tags) : NULL;
    if (ck && (!carried[r] || strcmp(ck, carried[r]) < 0)) carried[r] = ck;
  }
  size_t ng = 0;
  for (size_t i = 0; !st && i < s.n; i++) {
    size_t r = uf_find(parent, i);
    if (r == i && size[r] > 1) ng++;
    /* Alone: its own id.  (A document without an id is left alone.) */
    const char *want = carried[r]                ? carried[r]
                       : size[r] > 1 && key[r] ? key[r]
                                               : s.v[i].id;
    const char *have = s.v[i].collapse;
    if (!want || (have && strcmp(want, have) == 0)) continue;
    char old_term[RA_IDENT_TERM_MAX + 1] = "", new_term[RA_IDENT_TERM_MAX + 1];
    if (have && *have) ra_ident_term(RA_PREFIX_GROUP, have, strlen(have), old_term);
    size_t wl = strlen(want);
    ra_ident_term(RA_PREFIX_GROUP, want, wl, new_term);
    st = ra_xwriter_set_group(ws[s.v[i].db], s.v[i].docid, RA_SLOT_COLLAPSE,
                              want, wl, old_term, new_term, err);
  }
  if (groups) *groups = ng;
  dup_set_free(&s);
  free(parent);
  free(key);
  free(carried);
  free(size);
  return st;
}

ra_status ra_dedup_mark_all(ra_xwriter *const *ws, size_t n_ws, size_t *groups,
                            ra_error *err) {
  return dedup_run(ws, n_ws, NULL, groups, err);
}

ra_status ra_dedup_mark(ra_xwriter *w, size_t *groups, ra_error *err) {
  return dedup_run(&w, 1, NULL, groups, err);
}

ra_status ra_dedup_mark_carried(ra_xwriter *w, const ra_dedup_carry *c,
                                size_t *groups, ra_error *err) {
  return dedup_run(&w, 1, c, groups, err);
}
