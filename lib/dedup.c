/* dedup.c - near-duplicate grouping (see dedup.h): SimHash band buckets
 * and tag sets joined by union-find, each group keyed by its smallest id. */
#define _GNU_SOURCE
#include "dedup.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

typedef struct dup_rec {
  uint32_t docid;
  uint64_t sim;
  char tags[17];
  char *id;
  char *collapse; /* current value, may be NULL */
} dup_rec;

typedef struct dup_set {
  dup_rec *v;
  size_t n, cap;
  int nomem;
} dup_set;

static dup_rec *dup_get(dup_set *s, uint32_t docid) {
  /* Value streams are in docid order, so records are sorted. */
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (s->v[mid].docid < docid) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->v[lo].docid == docid ? &s->v[lo] : NULL;
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
  char buf[64];
  if (len >= sizeof buf) return 0;
  memcpy(buf, val, len);
  buf[len] = '\0';
  unsigned long long sim;
  if (sscanf(buf, "%16llx %16s", &sim, r->tags) != 2) return 0;
  r->docid = docid;
  r->sim = sim;
  s->n++;
  return 0;
}

static int dup_id_cb(void *ctx, uint32_t docid, const char *val, size_t len) {
  dup_set *s = ctx;
  dup_rec *r = dup_get(s, docid);
  if (!r) return 0;
  const char *sp = val;
  int fields = 0;
  size_t i = 0;
  for (; i < len && fields < 3; i++)
    if (val[i] == ' ') fields++;
  sp = val + i;
  r->id = strndup(sp, len - i);
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

ra_status ra_dedup_mark(ra_xwriter *w, size_t *groups, ra_error *err) {
  dup_set s = {0};
  size_t *parent = NULL;
  band_key *keys = NULL;
  ra_status st = ra_xwriter_values(w, RA_SLOT_SIMHASH, dup_sim_cb, &s, err);
  if (!st) st = ra_xwriter_values(w, RA_SLOT_STATE, dup_id_cb, &s, err);
  if (!st) st = ra_xwriter_values(w, RA_SLOT_COLLAPSE, dup_collapse_cb, &s, err);
  if (!st && s.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  if (!st && s.n) {
    parent = malloc(s.n * sizeof *parent);
    keys = malloc(s.n * sizeof *keys);
    if (!parent || !keys) st = ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  }
  for (size_t i = 0; !st && i < s.n; i++) parent[i] = i;
  for (int band = 0; !st && band < 5 && s.n; band++) {
    size_t nk = 0;
    for (size_t i = 0; i < s.n; i++) {
      if (band < 4) {
        keys[nk].key = (s.v[i].sim >> (16 * band)) & 0xffff;
      } else {
        if (strcmp(s.v[i].tags, "-") == 0) continue;
        keys[nk].key = strtoull(s.v[i].tags, NULL, 16);
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
                __builtin_popcountll(s.v[i].sim ^ s.v[k].sim) <= RA_DUP_MAX_BITS)
              uf_join(parent, i, k);
          }
      }
      a = b;
    }
  }
  /* Group key: the smallest id among the members. */
  char **key = NULL;
  size_t *size = NULL;
  if (!st && s.n) {
    key = calloc(s.n, sizeof *key);
    size = calloc(s.n, sizeof *size);
    if (!key || !size) st = ra_error_set(err, RA_ERR_NOMEM, "duplicate detection");
  }
  for (size_t i = 0; !st && i < s.n; i++) {
    size_t r = uf_find(parent, i);
    size[r]++;
    if (s.v[i].id && (!key[r] || strcmp(s.v[i].id, key[r]) < 0)) key[r] = s.v[i].id;
  }
  size_t ng = 0;
  for (size_t i = 0; !st && i < s.n; i++) {
    size_t r = uf_find(parent, i);
    if (r == i && size[r] > 1) ng++;
    const char *want = size[r] > 1 ? key[r] : NULL;
    const char *have = s.v[i].collapse;
    if ((!want && !have) || (want && have && strcmp(want, have) == 0)) continue;
    st = ra_xwriter_set_value(w, s.v[i].docid, RA_SLOT_COLLAPSE, want ? want : "",
                              want ? strlen(want) : 0, err);
  }
  if (groups) *groups = ng;
  for (size_t i = 0; i < s.n; i++) {
    free(s.v[i].id);
    free(s.v[i].collapse);
  }
  free(s.v);
  free(parent);
  free(keys);
  free(key);
  free(size);
  return st;
}
