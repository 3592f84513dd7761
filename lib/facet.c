/* facet.c - the in-memory tag table behind facet counts (see facet.h).
 *
 * Each (key, display form) pair is interned once (open addressing on an
 * FNV-1a hash of the key); pairs with the same key share a group, the
 * unit of counting.  Each document keeps a run of pair ids in one array,
 * indexed by docid, so a count can show the display form of the first
 * matching document, as counting through Xapian does. */
#include "facet.h"

#include "hash.h"

#include <stdlib.h>
#include <string.h>

typedef struct fkey {
  char *key, *display;
  size_t klen, dlen;
  uint32_t group; /* id of the first pair with this key */
} fkey;

struct ra_facet_table {
  fkey *keys;
  size_t n_keys, cap_keys;
  uint32_t *slots; /* hash slots: key index + 1, 0 empty */
  size_t n_slots;
  uint32_t *start; /* per docid: first id in ids; start[d+1] ends it */
  uint32_t max_docid;
  uint32_t *ids;
  size_t n_ids, cap_ids;
  size_t bytes;
};

typedef struct loader {
  ra_facet_table *t;
  uint32_t *doc_of; /* docid of each run, in load order */
  uint32_t *run_end;
  size_t n_runs, cap_runs;
  int nomem;
} loader;

static int grow_slots(ra_facet_table *t) {
  size_t ns = t->n_slots ? 2 * t->n_slots : 1024;
  uint32_t *nv = calloc(ns, sizeof *nv);
  if (!nv) return -1;
  for (size_t k = 0; k < t->n_keys; k++) {
    size_t h = (size_t)ra_fnv1a(t->keys[k].key, t->keys[k].klen) & (ns - 1);
    while (nv[h]) h = (h + 1) & (ns - 1);
    nv[h] = (uint32_t)k + 1;
  }
  free(t->slots);
  t->slots = nv;
  t->n_slots = ns;
  return 0;
}

/* v grown to twice *cap elements (first when empty), *cap updated; NULL
 * out of memory, v and *cap untouched. */
static void *grow(void *v, size_t *cap, size_t elem, size_t first) {
  size_t nc = *cap ? 2 * *cap : first;
  void *nv = realloc(v, nc * elem);
  if (nv) *cap = nc;
  return nv;
}

/* The id of the pair (key, display), added if new; -1 out of memory.
 * Pairs hash by key alone, so probing meets every pair of the key. */
static long intern(ra_facet_table *t, const char *k, size_t kl, const char *d,
                   size_t dl) {
  if (2 * (t->n_keys + 1) > t->n_slots && grow_slots(t)) return -1;
  size_t h = (size_t)ra_fnv1a(k, kl) & (t->n_slots - 1);
  long group = -1;
  while (t->slots[h]) {
    const fkey *f = &t->keys[t->slots[h] - 1];
    if (f->klen == kl && memcmp(f->key, k, kl) == 0) {
      if (f->dlen == dl && memcmp(f->display, d, dl) == 0) return (long)t->slots[h] - 1;
      group = (long)f->group;
    }
    h = (h + 1) & (t->n_slots - 1);
  }
  if (t->n_keys == t->cap_keys) {
    fkey *nk = grow(t->keys, &t->cap_keys, sizeof *nk, 256);
    if (!nk) return -1;
    t->keys = nk;
  }
  fkey *f = &t->keys[t->n_keys];
  f->key = malloc(kl + 1);
  f->display = malloc(dl + 1);
  if (!f->key || !f->display) {
    free(f->key);
    free(f->display);
    return -1;
  }
  memcpy(f->key, k, kl);
  f->key[kl] = '\0';
  memcpy(f->display, d, dl);
  f->display[dl] = '\0';
  f->klen = kl;
  f->dlen = dl;
  f->group = group >= 0 ? (uint32_t)group : (uint32_t)t->n_keys;
  t->bytes += kl + dl + 2 + sizeof *f;
  t->slots[h] = (uint32_t)t->n_keys + 1;
  return (long)t->n_keys++;
}

static int push_id(ra_facet_table *t, uint32_t id) {
  if (t->n_ids == t->cap_ids) {
    uint32_t *nv = grow(t->ids, &t->cap_ids, sizeof *nv, 4096);
    if (!nv) return -1;
    t->ids = nv;
  }
  t->ids[t->n_ids++] = id;
  return 0;
}

static int load_cb(void *ctx, uint32_t docid, const char *v, size_t len) {
  loader *l = ctx;
  ra_facet_table *t = l->t;
  size_t first = t->n_ids;
  for (size_t i = 0; i < len;) {
    const char *e = memchr(v + i, '\x1e', len - i);
    size_t end = e ? (size_t)(e - v) : len;
    const char *u = memchr(v + i, '\x1f', end - i);
    size_t kend = u ? (size_t)(u - v) : end;
    if (kend > i) {
      const char *d = u ? u + 1 : v + i;
      size_t dl = u ? end - kend - 1 : kend - i;
      long id = intern(t, v + i, kend - i, d, dl);
      if (id < 0) goto nomem;
      int dup = 0; /* a key twice in one document counts once */
      for (size_t j = first; j < t->n_ids; j++)
        dup |= t->keys[t->ids[j]].group == t->keys[id].group;
      if (!dup && push_id(t, (uint32_t)id)) goto nomem;
    }
    i = end + 1;
  }
  if (l->n_runs == l->cap_runs) {
    /* Two arrays, one capacity: it changes once both have grown. */
    size_t cap_doc = l->cap_runs, cap_end = l->cap_runs;
    uint32_t *nd = grow(l->doc_of, &cap_doc, sizeof *nd, 1024);
    if (!nd) goto nomem;
    l->doc_of = nd;
    uint32_t *ne = grow(l->run_end, &cap_end, sizeof *ne, 1024);
    if (!ne) goto nomem;
    l->run_end = ne;
    l->cap_runs = cap_end;
  }
  l->doc_of[l->n_runs] = docid;
  l->run_end[l->n_runs++] = (uint32_t)t->n_ids;
  if (docid > t->max_docid) t->max_docid = docid;
  return 0;
nomem:
  l->nomem = 1;
  return 1;
}

void ra_facet_table_free(ra_facet_table *t) {
  if (!t) return;
  for (size_t k = 0; k < t->n_keys; k++) {
    free(t->keys[k].key);
    free(t->keys[k].display);
  }
  free(t->keys);
  free(t->slots);
  free(t->start);
  free(t->ids);
  free(t);
}

size_t ra_facet_table_bytes(const ra_facet_table *t) { return t ? t->bytes : 0; }

ra_status ra_facet_table_load(ra_xdb *db, unsigned slot, ra_facet_table **out,
                              ra_error *err) {
  *out = NULL;
  ra_facet_table *t = calloc(1, sizeof *t);
  if (!t) return ra_error_set(err, RA_ERR_NOMEM, "facet table");
  loader l = {.t = t};
  ra_status st = ra_xdb_scan_values(db, slot, load_cb, &l, err);
  if (!st && l.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "facet table");
  if (!st && (size_t)t->max_docid + 2 > (size_t)UINT32_MAX)
    st = ra_error_set(err, RA_ERR_TOOBIG, "facet table: docid %u", t->max_docid);
  if (!st) {
    /* start[d]..start[d+1]: document d's ids; documents without tags
     * (and gaps left by deletions) get empty runs. */
    t->start = calloc((size_t)t->max_docid + 2, sizeof *t->start);
    if (!t->start) st = ra_error_set(err, RA_ERR_NOMEM, "facet table");
  }
  if (!st) {
    size_t r = 0;
    uint32_t pos = 0;
    for (uint32_t d = 0; d <= t->max_docid; d++) {
      t->start[d] = pos;
      if (r < l.n_runs && l.doc_of[r] == d) pos = l.run_end[r++];
    }
    t->start[t->max_docid + 1] = pos;
    t->bytes += ((size_t)t->max_docid + 2) * sizeof *t->start + t->n_ids * sizeof *t->ids +
                t->n_slots * sizeof *t->slots;
  }
  free(l.doc_of);
  free(l.run_end);
  if (st) {
    ra_facet_table_free(t);
    return st;
  }
  *out = t;
  return RA_OK;
}

ra_status ra_facet_table_count(const ra_facet_table *t, const uint32_t *ids,
                               size_t n, ra_facet_count_cb cb, void *ctx,
                               ra_error *err) {
  if (!t->n_keys || !n) return RA_OK;
  uint32_t *count = calloc(t->n_keys, sizeof *count); /* by group */
  uint32_t *seen = malloc(t->n_keys * sizeof *seen); /* the pair that first
                                                        counted each group */
  if (!count || !seen) {
    free(count);
    free(seen);
    return ra_error_set(err, RA_ERR_NOMEM, "facets");
  }
  size_t n_seen = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t d = ids[i];
    if (d > t->max_docid) continue;
    for (uint32_t j = t->start[d]; j < t->start[d + 1]; j++) {
      uint32_t k = t->ids[j];
      if (count[t->keys[k].group]++ == 0) seen[n_seen++] = k;
    }
  }
  for (size_t i = 0; i < n_seen; i++) {
    const fkey *f = &t->keys[seen[i]];
    if (cb(ctx, f->key, f->klen, f->display, f->dlen, count[f->group])) break;
  }
  free(count);
  free(seen);
  return RA_OK;
}
