/* facet.c - the in-memory tag table behind facet counts (see facet.h).
 *
 * Each (key, display form) pair is interned once (open addressing on an
 * FNV-1a hash of the key); pairs with the same key share a group, the
 * unit of counting.  Each document keeps a run of pair ids in one array,
 * indexed by docid, so a count can show the display form of the first
 * matching document, as counting through Xapian does. */
#include "facet.h"

#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
  void *map; /* mapped from a file: keys' strings, start and ids point in */
  size_t map_len;
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
  size_t first = t->n_ids, pos = 0;
  ra_tag_pair p;
  while (ra_tag_pair_next(v, len, &pos, &p)) {
    long id = intern(t, p.key, p.key_len, p.display, p.display_len);
    if (id < 0) goto nomem;
    int dup = 0; /* a key twice in one document counts once */
    for (size_t j = first; j < t->n_ids; j++)
      dup |= t->keys[t->ids[j]].group == t->keys[id].group;
    if (!dup && push_id(t, (uint32_t)id)) goto nomem;
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
  if (t->map) {
    munmap(t->map, t->map_len);
  } else {
    for (size_t k = 0; k < t->n_keys; k++) {
      free(t->keys[k].key);
      free(t->keys[k].display);
    }
    free(t->start);
    free(t->ids);
  }
  free(t->keys);
  free(t->slots);
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
  uint32_t d = 0;
  for (size_t i = 0; i < n; i++) {
    d = ids[i];
    if (d > t->max_docid) continue;
    /* A mapped file's runs and ids are only checked here, as they are
     * read: a damaged one is reported before anything is counted. */
    uint32_t lo = t->start[d], end = t->start[d + 1];
    if (lo > end || end > t->n_ids) goto damaged;
    for (uint32_t j = lo; j < end; j++) {
      uint32_t k = t->ids[j];
      if (k >= t->n_keys) goto damaged;
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
damaged:
  free(count);
  free(seen);
  return ra_error_set(err, RA_ERR_INVALID, "facet table: damaged run for document %u", d);
}

/* ---- the table as a file ------------------------------------------------ */

/* Header, then n_keys entries of 5 uint32 (key offset, key length, display
 * offset, display length, group), start[max_docid + 2], ids[n_ids], and
 * the strings, each NUL-terminated.  Native byte order, checked. */
#define FACET_MAGIC "RAF1"
#define FACET_ORDER 0x01020304u
#define FACET_UUID 40

typedef struct facet_header {
  char magic[4];
  uint32_t order, revision, max_docid, n_keys, n_ids, str_len, zero;
  char uuid[FACET_UUID];
} facet_header;

static int write_all(FILE *f, const void *p, size_t n) {
  return n == 0 || fwrite(p, 1, n, f) == n;
}

ra_status ra_facet_table_save(const ra_facet_table *t, const char *path,
                              const char *uuid, uint32_t revision,
                              ra_error *err) {
  size_t str_len = 0;
  for (size_t k = 0; k < t->n_keys; k++) str_len += t->keys[k].klen + t->keys[k].dlen + 2;
  if (t->n_keys > UINT32_MAX || t->n_ids > UINT32_MAX || str_len > UINT32_MAX ||
      strlen(uuid) >= FACET_UUID)
    return ra_error_set(err, RA_ERR_TOOBIG, "%s: facet table too large", path);
  facet_header h = {.magic = {'R', 'A', 'F', '1'}, .order = FACET_ORDER,
                    .revision = revision, .max_docid = t->max_docid,
                    .n_keys = (uint32_t)t->n_keys, .n_ids = (uint32_t)t->n_ids,
                    .str_len = (uint32_t)str_len};
  snprintf(h.uuid, sizeof h.uuid, "%s", uuid);
  size_t pl = strlen(path);
  char *tmp = malloc(pl + 5);
  if (!tmp) return ra_error_set(err, RA_ERR_NOMEM, "facet file");
  memcpy(tmp, path, pl);
  memcpy(tmp + pl, ".tmp", 5);
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    ra_status st = ra_error_set(err, RA_ERR_IO, "%s: %s", tmp, strerror(errno));
    free(tmp);
    return st;
  }
  int ok = write_all(f, &h, sizeof h);
  uint32_t off = 0;
  for (size_t k = 0; ok && k < t->n_keys; k++) {
    const fkey *fk = &t->keys[k];
    uint32_t e[5] = {off, (uint32_t)fk->klen, off + (uint32_t)fk->klen + 1,
                     (uint32_t)fk->dlen, fk->group};
    off += (uint32_t)(fk->klen + fk->dlen + 2);
    ok = write_all(f, e, sizeof e);
  }
  uint32_t empty[2] = {0, 0};
  if (ok) ok = t->start ? write_all(f, t->start, ((size_t)t->max_docid + 2) * sizeof *t->start)
                        : write_all(f, empty, sizeof empty);
  if (ok) ok = write_all(f, t->ids, t->n_ids * sizeof *t->ids);
  for (size_t k = 0; ok && k < t->n_keys; k++)
    ok = write_all(f, t->keys[k].key, t->keys[k].klen + 1) &&
         write_all(f, t->keys[k].display, t->keys[k].dlen + 1);
  /* On disk before the rename: a crash must not leave the new name on
   * blocks never written. */
  if (ok && (fflush(f) != 0 || fsync(fileno(f)) != 0)) ok = 0;
  if (fclose(f) != 0) ok = 0;
  ra_status st = RA_OK;
  if (!ok || rename(tmp, path) != 0) {
    st = ra_error_set(err, RA_ERR_IO, "%s: %s", ok ? path : tmp, strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  return st;
}

/* Check a mapped file's layout and keys; 0 if usable. */
static int facet_check(const unsigned char *m, size_t len, const facet_header *h) {
  if ((uint64_t)h->max_docid + 2 > UINT32_MAX) return -1; /* as the loader */
  uint64_t need = sizeof *h + 20ull * h->n_keys + 4ull * ((uint64_t)h->max_docid + 2) +
                  4ull * h->n_ids + h->str_len;
  if (need != len) return -1;
  const uint32_t *e = (const uint32_t *)(m + sizeof *h);
  const uint32_t *start = e + 5ull * h->n_keys;
  const uint32_t *ids = start + (size_t)h->max_docid + 2;
  const char *str = (const char *)(ids + h->n_ids);
  for (uint32_t k = 0; k < h->n_keys; k++) {
    const uint32_t *x = e + 5ull * k;
    for (int f = 0; f < 4; f += 2)
      if ((uint64_t)x[f] + x[f + 1] >= h->str_len || str[x[f] + x[f + 1]] != '\0') return -1;
    if (x[4] >= h->n_keys || e[5ull * x[4] + 4] != x[4]) return -1;
  }
  /* start[] and ids[] are checked where a count reads them: reading all
   * of them here would cost a one-shot reader more than its count. */
  (void)ids;
  if (start[0] != 0 || start[(size_t)h->max_docid + 1] != h->n_ids) return -1;
  return 0;
}

ra_status ra_facet_table_map(const char *path, const char *uuid,
                             uint32_t revision, ra_facet_table **out,
                             ra_error *err) {
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ra_error_set(err, errno == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO, "%s: %s",
                        path, strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0 || sb.st_size < (off_t)sizeof(facet_header) ||
      (uint64_t)sb.st_size > SIZE_MAX) {
    close(fd);
    return ra_error_set(err, RA_ERR_INVALID, "%s: not a facet table", path);
  }
  size_t len = (size_t)sb.st_size;
  void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return ra_error_set(err, RA_ERR_IO, "%s: %s", path, strerror(errno));
  facet_header h;
  memcpy(&h, m, sizeof h);
  ra_status st = RA_OK;
  if (memcmp(h.magic, FACET_MAGIC, 4) != 0 || h.order != FACET_ORDER || h.zero != 0 ||
      memchr(h.uuid, '\0', sizeof h.uuid) == NULL)
    st = ra_error_set(err, RA_ERR_INVALID, "%s: not a facet table", path);
  else if (h.revision != revision || strcmp(h.uuid, uuid) != 0)
    st = ra_error_set(err, RA_ERR_NOTFOUND, "%s: made from revision %u of %s, not %u of %s",
                      path, h.revision, h.uuid, revision, uuid);
  else if (facet_check(m, len, &h) != 0)
    st = ra_error_set(err, RA_ERR_INVALID, "%s: damaged facet table", path);
  ra_facet_table *t = st ? NULL : calloc(1, sizeof *t);
  if (!st && !t) st = ra_error_set(err, RA_ERR_NOMEM, "facet table");
  if (!st && h.n_keys) {
    t->keys = malloc(h.n_keys * sizeof *t->keys);
    if (!t->keys) st = ra_error_set(err, RA_ERR_NOMEM, "facet table");
  }
  if (st) {
    free(t);
    munmap(m, len);
    return st;
  }
  const uint32_t *e = (const uint32_t *)((const char *)m + sizeof h);
  t->start = (uint32_t *)(e + 5ull * h.n_keys);
  t->ids = t->start + (size_t)h.max_docid + 2;
  char *str = (char *)(t->ids + h.n_ids);
  for (uint32_t k = 0; k < h.n_keys; k++) {
    const uint32_t *x = e + 5ull * k;
    t->keys[k] = (fkey){.key = str + x[0], .klen = x[1], .display = str + x[2],
                        .dlen = x[3], .group = x[4]};
  }
  t->n_keys = t->cap_keys = h.n_keys;
  t->n_ids = t->cap_ids = h.n_ids;
  t->max_docid = h.max_docid;
  t->map = m;
  t->map_len = len;
  t->bytes = len + h.n_keys * sizeof *t->keys;
  *out = t;
  return RA_OK;
}
