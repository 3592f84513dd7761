/* index.c - building the index: scan the corpus, learn its model, then
 * either update the live generation in one transaction or rebuild it aside
 * with parallel workers writing shards; group near-duplicates and publish.
 * The pieces live in their own modules: scan.h (pages), indexdoc.h (one
 * article's document), writeq.h (where writes go), synonyms.h, dedup.h. */
#define _GNU_SOURCE
#include "index.h"

#include <pthread.h>
#include <unistd.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze.h"
#include "dedup.h"
#include "facet.h"
#include "hash.h"
#include "ident.h"
#include "idtab.h"
#include "idxdir.h"
#include "indexdoc.h"
#include "jsonl.h"
#include "page.h"
#include "scan.h"
#include "siteurl.h"
#include "store.h"
#include "synonyms.h"
#include "termcount.h"
#include "textutil.h"
#include "writeq.h"
#include "xap.h"

/* ---- the previous index's state ------------------------------------------ */

typedef struct prev_doc {
  char *id;
  uint32_t docid;
  uint64_t hash;
  long long mtime_ns;
  unsigned long long size;
  uint64_t url_key; /* RA_SLOT_URLKEY, 0 when absent */
  int seen;
  int retracted; /* its spelling words and acronyms are counted for removal */
} prev_doc;

/* A document's RA_SLOT_URLKEY, read before the states. */
typedef struct url_key_of {
  uint32_t docid;
  uint64_t key;
} url_key_of;

typedef struct prev_map {
  prev_doc *v;   /* open addressing, power-of-two capacity */
  size_t cap, n;
  int nomem;
  url_key_of *keys; /* by docid */
  size_t n_keys, keys_cap;
} prev_map;

static prev_doc *prev_find(prev_map *m, const char *id) {
  return ra_idtab_find(m->v, m->cap, sizeof *m->v, id);
}

static int prev_put(prev_map *m, const prev_doc *d) {
  void *v = m->v;
  int rc = ra_idtab_put(&v, &m->cap, &m->n, sizeof *m->v, d, 1024);
  m->v = v;
  return rc;
}

static void prev_free(prev_map *m) {
  for (size_t i = 0; i < m->cap; i++) free(m->v[i].id);
  free(m->v);
  free(m->keys);
}

static int load_url_key_cb(void *ctx, uint32_t docid, const char *val,
                           size_t len) {
  prev_map *m = ctx;
  char hex[17];
  if (len != 16) return 0;
  memcpy(hex, val, 16);
  hex[16] = '\0';
  if (RA_GROW(m->keys, m->keys_cap, m->n_keys + 1)) {
    m->nomem = 1;
    return 1;
  }
  m->keys[m->n_keys].docid = docid;
  m->keys[m->n_keys++].key = strtoull(hex, NULL, 16);
  return 0;
}

static int cmp_url_key(const void *a, const void *b) {
  uint32_t x = ((const url_key_of *)a)->docid, y = ((const url_key_of *)b)->docid;
  return (x > y) - (x < y);
}

static uint64_t prev_url_key(const prev_map *m, uint32_t docid) {
  url_key_of k = {docid, 0};
  const url_key_of *f = m->n_keys ? bsearch(&k, m->keys, m->n_keys, sizeof k, cmp_url_key)
                                  : NULL;
  return f ? f->key : 0;
}

static int load_state_cb(void *ctx, uint32_t docid, const char *val,
                         size_t len) {
  prev_map *m = ctx;
  char buf[4096];
  if (len >= sizeof buf) return 0;
  memcpy(buf, val, len);
  buf[len] = '\0';
  unsigned long long h, size;
  long long mt;
  int off = 0;
  if (sscanf(buf, "%16llx %lld %llu %n", &h, &mt, &size, &off) != 3 || !off)
    return 0;
  prev_doc d = {strdup(buf + off), docid, h, mt, size, prev_url_key(m, docid), 0, 0};
  if (!d.id || prev_put(m, &d) != 0) {
    free(d.id);
    m->nomem = 1;
    return 1;
  }
  return 0;
}

/* The live index's articles: their URL keys, then their states. */
static int load_prev(ra_xwriter *w, prev_map *m) {
  if (ra_xwriter_values(w, RA_SLOT_URLKEY, load_url_key_cb, m, NULL) != RA_OK ||
      m->nomem)
    return -1;
  if (m->n_keys) qsort(m->keys, m->n_keys, sizeof *m->keys, cmp_url_key);
  if (ra_xwriter_values(w, RA_SLOT_STATE, load_state_cb, m, NULL) != RA_OK ||
      m->nomem)
    return -1;
  return 0;
}

/* ---- the build ----------------------------------------------------------- */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sibling_path_for(const char *input, const char *name, char *out,
                             size_t size) {
  struct stat st;
  if (stat(input, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(out, size, "%s/%s", input, name);
  } else {
    const char *slash = strrchr(input, '/');
    if (slash)
      snprintf(out, size, "%.*s/%s", (int)(slash - input), input, name);
    else
      snprintf(out, size, "%s", name);
  }
}

/* Learning reads every page once more; past this many pages a spread-out
 * sample is as good and keeps huge rebuilds linear and cheap. */
#define RA_MODEL_SAMPLE 2000

static ra_status learn_model(ra_model *m, char **paths, size_t n,
                             size_t max_size, const char *tags_file,
                             ra_error *err) {
  ra_status st = ra_model_load_tags(m, tags_file, NULL);
  if (st && st != RA_ERR_NOTFOUND)
    return ra_error_set(err, st, "cannot read tag list %s", tags_file);
  size_t pages = 0;
  for (size_t i = 0; i < n; i++)
    if (!ra_jsonl_is_name(paths[i])) pages++;
  size_t step = pages > RA_MODEL_SAMPLE ? pages / RA_MODEL_SAMPLE : 1;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (ra_jsonl_is_name(paths[i])) continue;
    if (k++ % step) continue;
    char *text = NULL;
    size_t len = 0;
    int repaired = 0;
    if (ra_scan_read_page(paths[i], max_size, &text, &len, &repaired, NULL, NULL,
                  NULL) != RA_OK)
      continue; /* reported during the main pass */
    st = ra_model_learn(m, text, len, err);
    free(text);
    if (st) return st;
  }
  return ra_model_finish(m, err);
}

/* A page's stat as the update decision saw it, so the update does not
 * stat all pages a second time (7% of a 1%-changed update). */
typedef struct page_stat {
  long long mtime_ns;
  unsigned long long size;
  int err; /* errno of a failed stat(), else 0 */
} page_stat;

static void stat_page(const char *path, page_stat *ps) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    *ps = (page_stat){0, 0, errno};
    return;
  }
  *ps = (page_stat){(long long)sb.st_mtim.tv_sec * 1000000000ll + sb.st_mtim.tv_nsec,
                    (unsigned long long)sb.st_size, 0};
}

/* Everything a build shares between its workers. */
typedef struct build {
  const ra_index_opts *o;
  ra_index_stats *stats;
  const ra_model *model;
  char **paths, **ids;
  size_t n;
  size_t max_size;
  char shard[32];        /* RA_META_SHARD to write: "K/N", "" for none */
  unsigned long long revision; /* RA_META_REVISION to write */
  prev_map *prev;        /* incremental runs only */
  ra_urlmap *urls;       /* the urls.tsv lines (never NULL) */
  ra_urltemplate *tpl;   /* --url-template, or NULL */
  uint64_t tpl_key;      /* RA_SLOT_URLKEY of a URL the template made */
  /* Group keys carried over from the live generation (may be NULL). */
  const ra_dedup_carry *carry;
  struct page_stat *pst; /* update runs: each page's stat from the count */
  pthread_mutex_t mu;    /* guards warn, progress and the counters below */
  size_t done;
  double t0, last_progress;
} build;

typedef struct worker {
  build *b;
  size_t lo, hi;         /* sources [lo, hi) */
  char path[RA_PATH_MAX];
  ra_analyzer *an;
  ra_xwriter *w;
  ra_writeq_sink sink;   /* w, or the update's write queue */
  int fresh;             /* new database: add without id lookup */
  ra_termcount spell;    /* spelling words not yet given to Xapian */
  ra_termcount acr;      /* acronym pairs learned: articles defining each */
  ra_xdb *old;           /* an update: the live revision, for old versions */
  ra_termcount unspell;  /* an update: spelling words of the replaced and */
  ra_termcount unacr;    /* removed versions, and their acronym pairs */
  size_t since_commit;
  unsigned long long bytes_since_commit;
  ra_index_stats s;      /* this worker's counts */
  ra_status st;
  ra_error err;
} worker;

static void locked_warn(void *ctx, const char *path, size_t line, size_t off,
                        const char *msg) {
  build *b = ctx;
  pthread_mutex_lock(&b->mu);
  if (b->o->warn) b->o->warn(b->o->warn_ctx, path, line, off, msg);
  pthread_mutex_unlock(&b->mu);
}

static void note(build *b, const char *path, const char *what) {
  if (!b->o->info) return;
  pthread_mutex_lock(&b->mu);
  b->o->info(b->o->warn_ctx, path, 0, (size_t)-1, what);
  pthread_mutex_unlock(&b->mu);
}

static void progress(build *b, size_t k) {
  pthread_mutex_lock(&b->mu);
  b->done += k;
  double t = now_seconds();
  if (b->o->progress && (t - b->last_progress >= 0.1 || b->done == b->n)) {
    b->last_progress = t;
    b->o->progress(b->o->warn_ctx, b->done, b->n, t - b->t0);
  }
  pthread_mutex_unlock(&b->mu);
}

/* What decides the URL of the article with id when its record has none
 * of its own: its urls.tsv line, else the template (RA_SLOT_URLKEY; 0:
 * neither).  Marks the line used. */
static uint64_t url_key_for(build *b, const char *id) {
  const char *u = ra_urlmap_get(b->urls, id);
  if (!u) return b->tpl ? b->tpl_key : 0;
  uint64_t k = ra_fnv1a(u, strlen(u));
  return k ? k : 1;
}

/* Give a its URL (siteurl.h); a URL of its own that is refused is named
 * (with line, 0 if none) and dropped. */
static ra_status settle_url(worker *wk, ra_article *a, size_t line) {
  const char *why = NULL;
  ra_status st = ra_siteurl_settle(a, wk->b->urls, wk->b->tpl, wk->an, &why, &wk->err);
  if (!st && why) {
    char msg[300];
    snprintf(msg, sizeof msg, "%.200s: url ignored: %s", a->id, why);
    wk->s.url_errors++;
    locked_warn(wk->b, a->path ? a->path : a->id, line, (size_t)-1, msg);
  }
  return st;
}

/* Memory stays bounded: Xapian buffers changes until a commit.  Small
 * batches are also faster: Xapian keeps a batch's postings in per-term
 * trees whose walks dominated indexing at 1,000 pages (20,000 pages,
 * --jobs 2: 80 s at 1,000, 64-73 s at 150-400; --jobs 1 on 5,000 pages:
 * 41 s of CPU at 1,000, 23 s at 150).  Commits of a rebuild's shards
 * are not synced, so a batch costs no disk flush. */
#define RA_FLUSH_DOCS 200
#define RA_FLUSH_BYTES (8ull * 1024 * 1024)

static ra_status maybe_flush(worker *wk) {
  if (!wk->fresh) return RA_OK; /* incremental: one transaction */
  if (wk->since_commit < RA_FLUSH_DOCS && wk->bytes_since_commit < RA_FLUSH_BYTES)
    return RA_OK;
  wk->since_commit = 0;
  wk->bytes_since_commit = 0;
  ra_status st = ra_termcount_flush_spelling(&wk->spell, wk->w, &wk->err);
  if (!st) st = ra_xwriter_commit(wk->w, &wk->err);
  return st;
}

/* An update replaces or removes p: count what its stored version gave the
 * spelling and synonym tables, to be taken back before the commit.  An
 * unreadable stored version is reported and its share stays. */
static ra_status retract_old(worker *wk, prev_doc *p, ra_error *err) {
  if (p->retracted) return RA_OK;
  p->retracted = 1;
  ra_article *a = NULL;
  ra_error lerr;
  ra_error_clear(&lerr);
  ra_status st = ra_indexdoc_load(wk->old, p->docid, &a, &lerr);
  if (st == RA_ERR_NOMEM) return ra_error_set(err, st, "%s", lerr.msg);
  if (st) {
    char msg[600];
    snprintf(msg, sizeof msg, "stored version unreadable, its spelling words "
             "and acronyms stay: %s", ra_error_message(&lerr));
    locked_warn(wk->b, p->id, 0, (size_t)-1, msg);
    return RA_OK;
  }
  st = ra_indexdoc_count(wk->an, a, &wk->unspell, &wk->unacr, err);
  ra_article_free(a);
  return st;
}

/* Index one parsed article, counting it as added, updated or unchanged
 * against the previous index. */
static ra_status put_article(worker *wk, const ra_article *a,
                             const ra_indexdoc_meta *m, size_t bytes) {
  build *b = wk->b;
  prev_doc *p = b->prev ? prev_find(b->prev, a->id) : NULL;
  if (p && p->seen) {
    char msg[300];
    snprintf(msg, sizeof msg, "duplicate id \"%.200s\": the later one wins", a->id);
    locked_warn(b, a->path, 0, (size_t)-1, msg);
  }
  if (p && !p->seen && p->hash == m->hash && p->url_key == m->url_key) {
    p->seen = 1;
    wk->s.unchanged++;
    wk->s.indexed++;
    /* Remember the new mtime so the next run skips the page unread. */
    if (p->mtime_ns != m->mtime_ns || p->size != m->size) {
      char *val = NULL;
      int n = asprintf(&val, "%016llx %lld %llu %s", (unsigned long long)m->hash,
                       m->mtime_ns, m->size, a->id);
      if (n < 0) return ra_error_set(&wk->err, RA_ERR_NOMEM, "%s", a->id);
      ra_status st = ra_writeq_put_value(&wk->sink, p->docid, RA_SLOT_STATE,
                                         val, (size_t)n, &wk->err);
      free(val);
      return st;
    }
    return RA_OK;
  }
  /* The stored version goes (a duplicate id's page written earlier in this
   * run is replaced too, but its words stay counted). */
  ra_status st = p ? retract_old(wk, p, &wk->err) : RA_OK;
  if (!st)
    st = ra_indexdoc_write(wk->an, &wk->sink, &wk->spell, &wk->acr, a, m,
                           b->carry, &wk->s.acronyms, wk->fresh, &wk->err);
  if (st == RA_ERR_INVALID || st == RA_ERR_TOOBIG) {
    /* This document cannot be indexed (Xapian refused a term or value):
     * it fails alone, the run goes on. */
    wk->s.failed++;
    if (p) p->seen = 1; /* the stored version stays */
    char msg[600];
    snprintf(msg, sizeof msg, "cannot be indexed: %s%s", ra_error_message(&wk->err),
             p ? "; previous version kept" : "");
    locked_warn(b, a->path ? a->path : a->id, 0, (size_t)-1, msg);
    ra_error_clear(&wk->err);
    return RA_OK;
  }
  if (st) return st;
  wk->s.indexed++;
  wk->s.bytes += bytes;
  wk->since_commit++;
  wk->bytes_since_commit += bytes;
  if (p) {
    p->seen = 1;
    wk->s.updated++;
    note(b, a->path ? a->path : a->id, "updated");
  } else {
    wk->s.added++;
    if (b->prev) note(b, a->path ? a->path : a->id, "added");
  }
  return maybe_flush(wk);
}

static ra_status do_jsonl(worker *wk, const char *path) {
  build *b = wk->b;
  ra_jsonl *j = NULL;
  ra_error ferr;
  ra_error_clear(&ferr);
  if (ra_jsonl_open(path, b->max_size, &j, &ferr) != RA_OK) {
    wk->s.failed++;
    locked_warn(b, path, 0, (size_t)-1, ra_error_message(&ferr));
    return RA_OK;
  }
  ra_status st = RA_OK;
  for (;;) {
    ra_article *a = NULL;
    uint64_t h = 0;
    size_t line = 0;
    ra_error_clear(&ferr);
    ra_status r = ra_jsonl_next(j, &a, &h, &line, locked_warn, b, &ferr);
    if (r) {
      /* A read error mid-file: what was read is indexed; keep the rest of
       * the previous version rather than deleting it. */
      wk->s.failed++;
      locked_warn(b, path, line, (size_t)-1, ra_error_message(&ferr));
      if (b->prev) wk->s.scan_errors++;
      break;
    }
    if (!a) break;
    if (b->o->shards && ra_ident_shard(a->id, strlen(a->id), b->o->shards) !=
                            b->o->shard) {
      wk->s.skipped++; /* another shard's */
      ra_article_free(a);
      continue;
    }
    wk->s.files++;
    /* The record's own URL is in its line's hash; a mapped or templated
     * one is compared by what decided it. */
    uint64_t key = url_key_for(b, a->id);
    int own = a->url && *a->url && !ra_siteurl_check(a->url, strlen(a->url));
    st = settle_url(wk, a, line);
    if (st) {
      ra_article_free(a);
      break;
    }
    ra_indexdoc_meta m = {h, 0, 0, own ? 0 : key};
    /* A repeated id replaces the record written earlier in this run. */
    int fresh = wk->fresh, repeat = ra_jsonl_repeat_of(j) != 0;
    size_t added = wk->s.added;
    if (repeat) wk->fresh = 0;
    st = put_article(wk, a, &m, strlen(a->title));
    wk->fresh = fresh;
    if (repeat && fresh && wk->s.added > added) {
      wk->s.added--; /* one article, written twice */
      wk->s.indexed--;
    }
    ra_article_free(a);
    if (st) break;
  }
  /* each bad line is a page that failed */
  size_t bad = ra_jsonl_bad_lines(j);
  wk->s.files += bad;
  wk->s.failed += bad;
  ra_jsonl_close(j);
  return st;
}

static ra_status do_page(worker *wk, size_t i) {
  build *b = wk->b;
  const char *path = b->paths[i], *id = b->ids[i];
  wk->s.files++;
  prev_doc *p = b->prev ? prev_find(b->prev, id) : NULL;
  uint64_t url_key = url_key_for(b, id);
  page_stat ps;
  if (b->pst) ps = b->pst[i];
  else stat_page(path, &ps);
  int serr = ps.err;
  long long mt = ps.mtime_ns;
  unsigned long long size = ps.size;
  if (serr) {
    if (serr == ENOENT) {
      /* Vanished since the scan: it is gone, like a deleted page. */
      wk->s.files--;
      locked_warn(b, path, 0, (size_t)-1, "vanished during the scan");
      return RA_OK;
    }
    wk->s.failed++;
    char msg[300];
    snprintf(msg, sizeof msg, "cannot read: %s%s", strerror(serr),
             p ? "; previous version kept" : "");
    if (p) p->seen = 1;
    locked_warn(b, path, 0, (size_t)-1, msg);
    return RA_OK;
  }
  if (p && !p->seen && p->mtime_ns == mt && p->size == size &&
      p->url_key == url_key) {
    p->seen = 1;
    wk->s.unchanged++;
    wk->s.indexed++;
    return RA_OK;
  }
  char *text = NULL;
  size_t len = 0;
  int repaired = 0;
  ra_error ferr;
  ra_error_clear(&ferr);
  ra_status fst = ra_scan_read_page(path, b->max_size, &text, &len, &repaired,
                            locked_warn, b, &ferr);
  ra_article *a = NULL;
  ra_indexdoc_meta m = {ra_fnv1a(text ? text : "", len), mt, size, url_key};
  if (!fst && p && !p->seen && p->hash == m.hash && p->url_key == url_key) {
    /* Touched but not changed: no need to parse. */
    ra_article fake = {0};
    fake.id = (char *)id;
    fake.path = (char *)path;
    free(text);
    return put_article(wk, &fake, &m, 0);
  }
  if (!fst)
    fst = ra_article_parse(b->model, id, path, text, len, &a, locked_warn, b,
                           &ferr);
  if (fst) {
    if (fst == RA_ERR_NOTFOUND) {
      wk->s.files--;
      locked_warn(b, path, 0, (size_t)-1, "vanished during the scan");
      free(text);
      return RA_OK;
    }
    wk->s.failed++;
    if (p) {
      p->seen = 1; /* keep the last good version searchable */
      char msg[600];
      snprintf(msg, sizeof msg, "%s; previous version kept", ra_error_message(&ferr));
      locked_warn(b, path, 0, (size_t)-1, msg);
    } else {
      locked_warn(b, path, 0, (size_t)-1, ra_error_message(&ferr));
    }
    free(text);
    return RA_OK;
  }
  if (repaired) wk->s.repaired++;
  ra_status st = settle_url(wk, a, 0);
  if (!st) st = put_article(wk, a, &m, len);
  ra_article_free(a);
  free(text);
  return st;
}

static void *worker_run(void *arg) {
  worker *wk = arg;
  for (size_t i = wk->lo; !wk->st && i < wk->hi; i++) {
    if (ra_jsonl_is_name(wk->b->paths[i]))
      wk->st = do_jsonl(wk, wk->b->paths[i]);
    else
      wk->st = do_page(wk, i);
    progress(wk->b, 1);
  }
  if (wk->st) ra_termcount_flush_spelling(&wk->spell, NULL, NULL);
  else wk->st = ra_writeq_put_spelling(&wk->sink, &wk->spell, &wk->err);
  /* A shard's last batch is written here, in parallel with the other
   * workers', not one shard after another by the main thread. */
  if (!wk->st && wk->fresh) wk->st = ra_xwriter_commit(wk->w, &wk->err);
  if (wk->sink.q) /* an update's producer: nothing more to queue */
    ra_writeq_close(wk->sink.q);
  return NULL;
}

static void stats_add(ra_index_stats *t, const ra_index_stats *s) {
  t->files += s->files;
  t->indexed += s->indexed;
  t->failed += s->failed;
  t->repaired += s->repaired;
  t->bytes += s->bytes;
  t->added += s->added;
  t->updated += s->updated;
  t->unchanged += s->unchanged;
  t->acronyms += s->acronyms;
  t->scan_errors += s->scan_errors;
  t->skipped += s->skipped;
  t->url_errors += s->url_errors;
}

/* Hash of everything outside the pages that shapes the index: if the tag
 * list, the synonyms or the index format change, an update is not enough. */
static uint64_t config_hash(const char *tags, const char *syn) {
  uint64_t h = ra_fnv1a(RA_INDEX_FORMAT, strlen(RA_INDEX_FORMAT));
  const char *files[2] = {tags, syn};
  for (int k = 0; k < 2; k++) {
    FILE *f = fopen(files[k], "re");
    if (!f) {
      h = ra_mix64_murmur(h + 1);
      continue;
    }
    char buf[8192];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) h = ra_mix64_murmur(h ^ ra_fnv1a(buf, r));
    fclose(f);
  }
  return h;
}

/* One lexicon line, "TAG\tA\tB\n", into a string builder (ctx). */
static int lexicon_line(ra_sbuf *sb, char tag, const char *a, size_t al,
                        const char *b, size_t bl) {
  /* A tab or newline inside would break the line format: never in a
   * folded word, so such an entry is left out. */
  if (memchr(a, '\t', al) || memchr(a, '\n', al) || memchr(b, '\t', bl) ||
      memchr(b, '\n', bl))
    return 0;
  char t[2] = {tag, '\t'};
  if (ra_sb_add(sb, t, 2) || ra_sb_add(sb, a, al) || ra_sb_addc(sb, '\t') ||
      ra_sb_add(sb, b, bl) || ra_sb_addc(sb, '\n'))
    return -1;
  return 0;
}

typedef struct lexicon_ctx {
  ra_sbuf sb;
  int nomem;
} lexicon_ctx;

static int lexicon_spelling_cb(void *ctx, const char *w, size_t len,
                               uint32_t freq) {
  lexicon_ctx *l = ctx;
  char num[16];
  int nl = snprintf(num, sizeof num, "%u", (unsigned)freq);
  if (lexicon_line(&l->sb, 's', w, len, num, (size_t)nl)) l->nomem = 1;
  return l->nomem;
}

static int lexicon_synonym_cb(void *ctx, const char *k, size_t kl,
                              const char *v, size_t vl) {
  lexicon_ctx *l = ctx;
  if (lexicon_line(&l->sb, 'y', k, kl, v, vl)) l->nomem = 1;
  return l->nomem;
}

/* RA_META_LEXICON: the spelling and synonym tables of w as they will be
 * committed, for a query host that cannot read them remotely. */
static ra_status write_lexicon(ra_xwriter *w, ra_error *err) {
  lexicon_ctx l = {{NULL, 0, 0}, 0};
  ra_status st = ra_xwriter_spellings(w, lexicon_spelling_cb, &l, err);
  if (!st) st = ra_xwriter_synonym_pairs(w, lexicon_synonym_cb, &l, err);
  if (!st && l.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "%s", RA_META_LEXICON);
  char *blob = NULL;
  size_t blob_len = 0;
  if (!st) st = ra_store_pack(l.sb.p ? l.sb.p : "", l.sb.len, &blob, &blob_len, err);
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_LEXICON, blob, blob_len, err);
  free(blob);
  free(l.sb.p);
  return st;
}

/* What every publication writes: the revision, one more than the last
 * (revision), the shard (shard: "K/N", "" none) and the lexicon. */
static ra_status write_publication(ra_xwriter *w, unsigned long long revision,
                                   const char *shard, ra_error *err) {
  char meta[32];
  snprintf(meta, sizeof meta, "%llu", revision);
  ra_status st = ra_xwriter_set_metadata(w, RA_META_REVISION, meta, strlen(meta), err);
  /* An empty value removes the key: an index of the whole collection. */
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_SHARD, shard, strlen(shard), err);
  if (!st) st = write_lexicon(w, err);
  return st;
}

static ra_status write_metadata(ra_xwriter *w, const build *b,
                                const ra_model *model, const char *gen,
                                uint64_t cfg, ra_error *err) {
  char *saved = NULL;
  size_t saved_len = 0;
  ra_status st = model ? ra_model_save(model, &saved, &saved_len, err) : RA_OK;
  if (!st && model)
    st = ra_xwriter_set_metadata(w, RA_META_MODEL, saved, saved_len, err);
  free(saved);
  char meta[64];
  snprintf(meta, sizeof meta, "%ld", (long)time(NULL));
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_BUILT, meta, strlen(meta), err);
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_FORMAT, RA_INDEX_FORMAT,
                                        strlen(RA_INDEX_FORMAT), err);
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_GENERATION, gen, strlen(gen), err);
  snprintf(meta, sizeof meta, "%016llx", (unsigned long long)cfg);
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_CONFIG, meta, strlen(meta), err);
  if (!st) st = write_publication(w, b->revision, b->shard, err);
  return st;
}

/* Publishing an empty index over a good one because every page failed
 * (or the corpus path held no pages) would lose the reader's search: both
 * a rebuild and an update refuse, with this error. */
static ra_status nothing_indexable(const build *b, ra_error *err) {
  if (b->n == 0)
    return ra_error_set(err, RA_ERR_INVALID,
                        "no pages (*.txt, *.jsonl) found in the corpus; the "
                        "index was not changed");
  size_t n = b->stats->files > b->stats->failed ? b->stats->files : b->stats->failed;
  if (n == 0)
    return ra_error_set(err, RA_ERR_INVALID,
                        "no page could be indexed; the index was not changed");
  return ra_error_set(err, RA_ERR_INVALID,
                      "none of the %zu pages could be indexed; the index was "
                      "not changed", n);
}

/* A shard none of whose articles is in the corpus may well be empty. */
static int empty_shard(const build *b) {
  return b->o->shards && b->stats->files == 0 && b->stats->skipped > 0;
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Write the tag table of the index at gen_path beside it (facet.h), unless
 * the file there is already this revision's.  A one-shot reader maps it
 * instead of reading the tags of every match it examines. */
static ra_status write_facets(const char *gen_path, ra_error *err) {
  ra_xdb *db = NULL;
  ra_facet_table *t = NULL;
  char path[RA_PATH_MAX + 64], uuid[64];
  int pl = snprintf(path, sizeof path, "%s/%s", gen_path, RA_FACET_FILE);
  if (pl < 0 || (size_t)pl >= sizeof path)
    return ra_error_set(err, RA_ERR_TOOBIG, "%s: path too long", gen_path);
  ra_status st = ra_xdb_open(gen_path, &db, err);
  if (!st) {
    ra_xdb_uuid(db, uuid, sizeof uuid);
    uint32_t rev = ra_xdb_revision(db);
    if (ra_facet_table_map(path, uuid, rev, &t, NULL) != RA_OK) {
      st = ra_facet_table_load(db, RA_SLOT_TAGS, &t, err);
      if (!st) st = ra_facet_table_save(t, path, uuid, rev, err);
    }
  }
  ra_facet_table_free(t);
  ra_xdb_free(db);
  return st;
}

/* Group near-duplicates in w.  A shard keeps the groups it shares with
 * the other shards (carried keys, dedup.h): it cannot see them, and a
 * grouping across all shards (ra_index_regroup) corrects what changed.
 * An index of the whole collection groups from scratch. */
static ra_status mark_groups(ra_xwriter *w, const build *b, ra_error *err) {
  size_t *groups = &b->stats->duplicate_groups;
  return b->o->shards ? ra_dedup_mark_carried(w, b->carry, groups, err)
                      : ra_dedup_mark(w, groups, err);
}

/* Full build into a new generation: J workers each write a shard, the
 * shards are merged by Xapian compaction (docids follow scan order, so
 * results equal a serial build), then the generation is published. */
static ra_status build_full(build *b, const char *syn_file, uint64_t cfg,
                            const char *prev_gen, ra_error *err) {
  const ra_index_opts *o = b->o;
  ra_index_stats *stats = b->stats;
  char gen[64] = "", gen_path[RA_PATH_MAX], shard_dir[RA_PATH_MAX - 32];
  int jobs = o->jobs > 0 ? o->jobs : default_jobs();
  if ((size_t)jobs > b->n / 32 + 1) jobs = (int)(b->n / 32 + 1);
  if (jobs < 1) jobs = 1;
  worker *wk = calloc((size_t)jobs, sizeof *wk);
  if (!wk) return ra_error_set(err, RA_ERR_NOMEM, "workers");
  snprintf(shard_dir, sizeof shard_dir, "%s/tmp-shards", o->db_dir);
  ra_status st = ra_rmtree(shard_dir, err); /* a killed build's leftovers */
  if (!st && mkdir(shard_dir, 0777) != 0)
    st = ra_error_set(err, RA_ERR_IO, "cannot create %s: %s", shard_dir,
                      strerror(errno));
  if (!st)
    st = ra_idxdir_next(o->db_dir, gen, sizeof gen, gen_path, sizeof gen_path,
                        err);
  int started = 0;
  for (int k = 0; !st && k < jobs; k++) {
    worker *x = &wk[k];
    x->b = b;
    x->fresh = 1;
    x->lo = b->n * (size_t)k / (size_t)jobs;
    x->hi = b->n * (size_t)(k + 1) / (size_t)jobs;
    ra_error_clear(&x->err);
    if (snprintf(x->path, sizeof x->path, "%.*s/shard-%03d",
                 (int)(sizeof x->path - 16), shard_dir, k) >= (int)sizeof x->path)
      st = ra_error_set(err, RA_ERR_TOOBIG, "index path too long: %s", shard_dir);
    if (st) break;
    st = ra_analyzer_new(&x->an, err);
    if (!st) st = ra_xwriter_open(x->path, RA_XW_CREATE | RA_XW_NO_SYNC, &x->w, err);
    x->sink.w = x->w;
    if (!st && k == 0)
      st = ra_synonyms_load(x->an, x->w, syn_file, &stats->synonyms, NULL,
                            locked_warn, b, err);
  }
  pthread_t *tid = NULL;
  if (!st) {
    tid = calloc((size_t)jobs, sizeof *tid);
    if (!tid) st = ra_error_set(err, RA_ERR_NOMEM, "threads");
  }
  for (int k = 1; !st && k < jobs; k++) {
    if (pthread_create(&tid[k], NULL, worker_run, &wk[k]) != 0) {
      st = ra_error_set(err, RA_ERR_INTERNAL, "cannot start worker thread: %s",
                        strerror(errno));
      break;
    }
    started = k;
  }
  double t0 = now_seconds();
  if (!st) worker_run(&wk[0]);
  for (int k = 1; k <= started; k++) pthread_join(tid[k], NULL);
  free(tid);
  double t1 = now_seconds();
  stats->index_seconds = t1 - t0;
  for (int k = 0; k < jobs; k++) {
    if (!st && wk[k].st) {
      ra_error_set(err, wk[k].err.code, "%s", wk[k].err.msg);
      st = wk[k].st;
    }
    stats_add(stats, &wk[k].s);
  }
  ra_termcount acr = {0}; /* the shards' acronym pairs, articles per pair */
  for (int k = 0; k < jobs; k++) {
    ra_termcount_merge(&acr, &wk[k].acr);
    ra_termcount_free(&wk[k].acr);
  }
  if (!st && stats->indexed == 0 && !empty_shard(b)) st = nothing_indexable(b, err);
  for (int k = 0; k < jobs; k++) {
    if (!wk[k].w) continue; /* each worker committed its own shard */
    ra_status cst = ra_xwriter_close(wk[k].w, err);
    if (!st) st = cst;
    ra_xwriter_free(wk[k].w);
    ra_analyzer_free(wk[k].an);
  }
  if (!st) {
    const char *srcs[64];
    for (int k = 0; k < jobs; k++) srcs[k] = wk[k].path;
    st = ra_xcompact(srcs, (size_t)jobs, gen_path, err);
  }
  ra_rmtree(shard_dir, NULL);
  free(wk);
  ra_xwriter *w = NULL;
  if (!st) st = ra_xwriter_open(gen_path, RA_XW_OPEN, &w, err);
  if (!st && !o->defer_groups) st = mark_groups(w, b, err);
  if (!st) st = write_metadata(w, b, b->model, gen, cfg, err);
  if (!st) st = ra_synonyms_write_counts(w, &acr, err);
  ra_termcount_free(&acr);
  if (!st) st = ra_xwriter_commit(w, err);
  if (w) {
    ra_status cst = ra_xwriter_close(w, err);
    if (!st) st = cst;
    ra_xwriter_free(w);
  }
  if (!st) {
    /* Only an accelerator: without it readers count through Xapian. */
    ra_error ferr;
    ra_error_clear(&ferr);
    if (write_facets(gen_path, &ferr) != RA_OK && o->warn)
      o->warn(o->warn_ctx, gen_path, 0, (size_t)-1, ra_error_message(&ferr));
  }
  if (!st) st = ra_idxdir_publish(o->db_dir, gen, err);
  stats->merge_seconds = now_seconds() - t1;
  if (!st) {
    stats->revision = b->revision;
    /* Keep the previous generation one cycle for readers still on it. */
    ra_idxdir_gc(o->db_dir, prev_gen, NULL);
    snprintf(stats->generation, sizeof stats->generation, "%s", gen);
    stats->committed = 1;
  } else if (gen[0]) {
    char p[RA_PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", o->db_dir, gen);
    ra_rmtree(p, NULL);
  }
  return st;
}

/* Past this share of changed pages an update costs more than a rebuild.
 * An update holds every change in memory until its single commit (about
 * 80 KB per changed page of 17 KB), so past a fixed amount of changed
 * text (opts->max_update_bytes) it also becomes a rebuild, whose memory is
 * bounded: the update's peak then stays under a fixed ceiling whatever the
 * corpus size. */
#define RA_UPDATE_MAX_SHARE 0.25

/* Update the live generation in place, in one Xapian transaction: readers
 * see the old or the new revision, and a killed update leaves the old.
 * What the replaced and removed versions gave the spelling and synonym
 * tables is read back from their stored records (through a reader of the
 * committed revision, which the transaction leaves as it is) and taken
 * back in the same transaction. */
static ra_status build_update(build *b, ra_xwriter *w, const char *syn_file,
                              const char *gen, uint64_t cfg, ra_error *err) {
  ra_index_stats *stats = b->stats;
  worker wk;
  memset(&wk, 0, sizeof wk);
  wk.b = b;
  wk.w = w;
  wk.sink.w = w;
  wk.lo = 0;
  wk.hi = b->n;
  ra_error_clear(&wk.err);
  ra_termcount listed = {0}; /* synonyms.txt's pairs: never retracted */
  char gen_path[RA_PATH_MAX];
  int gl = snprintf(gen_path, sizeof gen_path, "%s/%s", b->o->db_dir, gen);
  ra_status st = gl < 0 || (size_t)gl >= sizeof gen_path
                     ? ra_error_set(err, RA_ERR_TOOBIG, "%s: path too long", b->o->db_dir)
                     : ra_analyzer_new(&wk.an, err);
  if (!st) st = ra_xdb_open(gen_path, &wk.old, err);
  if (!st) st = ra_xwriter_begin(w, err);
  if (!st)
    st = ra_synonyms_load(wk.an, NULL, syn_file, &stats->synonyms, &listed,
                          locked_warn, b, err);
  if (!st) {
    ra_writeq q;
    ra_writeq_init(&q);
    wk.sink.q = &q;
    pthread_t producer;
    if (pthread_create(&producer, NULL, worker_run, &wk) == 0) {
      ra_writeq_drain(&q, w);
      pthread_join(producer, NULL);
    } else {
      wk.sink.q = NULL; /* no second thread: write directly */
      worker_run(&wk);
    }
    stats_add(stats, &wk.s);
    /* The writer's own error first: the producer's is then "stopped". */
    if (q.st) st = ra_error_set(err, q.err.code, "%s", q.err.msg);
    else if (wk.st) st = ra_error_set(err, wk.err.code, "%s", wk.err.msg);
    wk.sink.q = NULL;
    ra_writeq_destroy(&q);
  }
  if (!st && stats->indexed == 0 && !empty_shard(b)) st = nothing_indexable(b, err);
  /* Remove what is gone, unless part of the corpus could not be read:
   * an unreadable directory must not empty the index. */
  size_t unseen = 0;
  for (size_t i = 0; !st && i < b->prev->cap; i++)
    if (b->prev->v[i].id && !b->prev->v[i].seen) unseen++;
  if (!st && unseen && stats->scan_errors) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "%zu indexed articles not found, but part of the corpus could "
             "not be read: they are kept", unseen);
    locked_warn(b, b->o->inputs[0], 0, (size_t)-1, msg);
    unseen = 0;
  }
  for (size_t i = 0; !st && unseen && i < b->prev->cap; i++) {
    prev_doc *p = &b->prev->v[i];
    if (!p->id || p->seen) continue;
    char idterm[RA_IDENT_TERM_MAX + 1];
    ra_ident_term(RA_PREFIX_ID, p->id, strlen(p->id), idterm);
    st = retract_old(&wk, p, err);
    if (!st) st = ra_xwriter_delete(w, idterm, err);
    if (!st) {
      stats->removed++;
      note(b, p->id, "removed");
    }
  }
  /* Nothing replaced or removed: both empty, nothing written. */
  if (!st) st = ra_termcount_retract_spelling(&wk.unspell, w, err);
  if (!st) st = ra_synonyms_apply_counts(w, &wk.acr, &wk.unacr, &listed, err);
  int changed = stats->added || stats->updated || stats->removed;
  if (!st && changed && !b->o->defer_groups) st = mark_groups(w, b, err);
  /* Nothing written (no page changed, not even a touched one's mtime):
   * no commit, so the revision, and with it the readers' caches, ETags
   * and tag table, stay as they are. */
  stats->committed = !st && ra_xwriter_changes(w) > 0;
  if (stats->committed) st = write_metadata(w, b, NULL, gen, cfg, err);
  if (!st && stats->committed) st = ra_xwriter_end(w, 1, err);
  else ra_xwriter_end(w, 0, NULL);
  if (!st && stats->committed) stats->revision = b->revision;
  ra_analyzer_free(wk.an);
  ra_xdb_free(wk.old);
  ra_termcount_free(&wk.acr);
  ra_termcount_free(&wk.unspell);
  ra_termcount_free(&wk.unacr);
  ra_termcount_free(&listed);
  if (!st) snprintf(stats->generation, sizeof stats->generation, "%s", gen);
  return st;
}

/* How many pages, and how many bytes of them, look changed by mtime and
 * size alone (JSONL files are read anyway and not counted).  Decides
 * between an update and a rebuild, and keeps each page's stat in b->pst
 * for the update (NULL when out of memory: the update stats again). */
static size_t count_candidates(build *b, unsigned long long *bytes) {
  size_t c = 0;
  *bytes = 0;
  b->pst = calloc(b->n ? b->n : 1, sizeof *b->pst);
  for (size_t i = 0; i < b->n; i++) {
    if (ra_jsonl_is_name(b->paths[i])) continue;
    prev_doc *p = prev_find(b->prev, b->ids[i]);
    page_stat ps;
    stat_page(b->paths[i], &ps);
    if (b->pst) b->pst[i] = ps;
    if (!p || ps.err || p->mtime_ns != ps.mtime_ns || p->size != ps.size ||
        p->url_key != url_key_for(b, b->ids[i])) {
      c++;
      *bytes += ps.size;
    }
  }
  return c;
}

/* ---- ra_index_build, step by step ---------------------------------------- */

/* What one ra_index_build holds from start to end, around the build that
 * its workers share. */
typedef struct index_run {
  build b;
  ra_idxlock *lock;
  ra_model *model;
  ra_xwriter *w;  /* the live generation, open while it is updated */
  ra_dedup_carry *carry; /* b.carry, owned */
  prev_map prev;  /* the live generation's pages (b.prev of an update) */
  /* Every page the scan found, for learning the corpus model; b.paths and
   * b.ids are this shard's (the same strings: freed through these). */
  char **all_paths, **all_ids;
  size_t n_all;
  char cur[64], tags[RA_PATH_MAX], syn[RA_PATH_MAX];
  uint64_t cfg;   /* config_hash(tags, syn) */
} index_run;

/* Counters, limits, and the tag list and synonyms files (given, else
 * beside the first input) with their hash. */
static void run_start(index_run *r, const ra_index_opts *o,
                      ra_index_stats *stats) {
  memset(stats, 0, sizeof *stats);
  memset(r, 0, sizeof *r);
  build *b = &r->b;
  b->o = o;
  b->stats = stats;
  b->t0 = now_seconds();
  b->max_size = o->max_file_size ? o->max_file_size : RA_DEFAULT_MAX_FILE;
  pthread_mutex_init(&b->mu, NULL);
  if (o->tags_file) snprintf(r->tags, sizeof r->tags, "%s", o->tags_file);
  else sibling_path_for(o->inputs[0], "tags.txt", r->tags, sizeof r->tags);
  if (o->synonyms_file) snprintf(r->syn, sizeof r->syn, "%s", o->synonyms_file);
  else sibling_path_for(o->inputs[0], "synonyms.txt", r->syn, sizeof r->syn);
  r->cfg = config_hash(r->tags, r->syn);
}

/* Take the writer lock, drop what a killed rebuild left, collect the
 * pages (unreadable parts counted as failed) and find the live generation. */
static ra_status lock_and_scan(index_run *r, ra_error *err) {
  const ra_index_opts *o = r->b.o;
  ra_index_stats *stats = r->b.stats;
  size_t scan_errors = 0;
  ra_status st = ra_idxdir_lock(o->db_dir, &r->lock, err);
  if (!st) {
    /* A killed rebuild's shards: never live, safe to drop under the lock. */
    char shards[RA_PATH_MAX];
    snprintf(shards, sizeof shards, "%s/tmp-shards", o->db_dir);
    ra_rmtree(shards, NULL);
  }
  if (!st)
    st = ra_index_scan(o->inputs, o->n_inputs, &r->b.paths, &r->b.ids,
                       &r->b.n, &scan_errors, locked_warn, &r->b, err);
  r->all_paths = r->b.paths;
  r->all_ids = r->b.ids;
  r->n_all = r->b.n;
  stats->failed += scan_errors;
  stats->scan_errors += scan_errors;
  if (!st) st = ra_idxdir_current(o->db_dir, r->cur, sizeof r->cur, err);
  return st;
}

/* The live generation's revision (the next publication's is one more)
 * and shard; an index of another split than asked is refused unless
 * rebuilt.  A live index that cannot be read is rebuilt anyway: its
 * revision then restarts. */
static ra_status check_live(index_run *r, ra_error *err) {
  build *b = &r->b;
  const ra_index_opts *o = b->o;
  if (o->shards)
    snprintf(b->shard, sizeof b->shard, "%u/%u", o->shard, o->shards);
  b->revision = 1;
  if (!r->cur[0]) return RA_OK;
  char path[RA_PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", o->db_dir, r->cur);
  ra_xdb *db = NULL;
  if (ra_xdb_open(path, &db, NULL) != RA_OK) return RA_OK;
  char *rev = NULL, *shard = NULL;
  ra_status st = RA_OK;
  if (ra_xdb_get_metadata(db, RA_META_REVISION, &rev, NULL, NULL) == RA_OK)
    b->revision = strtoull(rev, NULL, 10) + 1;
  if (ra_xdb_get_metadata(db, RA_META_SHARD, &shard, NULL, NULL) == RA_OK &&
      strcmp(shard, b->shard) != 0 && !o->rebuild) {
    char have[64], want[64];
    if (*shard) snprintf(have, sizeof have, "shard %.40s of a cluster", shard);
    else snprintf(have, sizeof have, "an index of the whole collection");
    if (b->shard[0]) snprintf(want, sizeof want, "shard %s (--shard)", b->shard);
    else snprintf(want, sizeof want, "the whole collection (no --shard)");
    st = ra_error_set(err, RA_ERR_USAGE,
                      "%s holds %s, not %s: changing the shards needs --rebuild",
                      o->db_dir, have, want);
  }
  free(rev);
  free(shard);
  ra_xdb_free(db);
  return st;
}

/* A shard indexes its own pages only (JSON Lines files are read by every
 * shard, which keeps its own records).  Model learning still reads all. */
static ra_status keep_own_pages(index_run *r, ra_error *err) {
  build *b = &r->b;
  const ra_index_opts *o = b->o;
  if (!o->shards || r->n_all == 0) return RA_OK;
  char **paths = malloc(r->n_all * sizeof *paths);
  char **ids = malloc(r->n_all * sizeof *ids);
  if (!paths || !ids) {
    free(paths);
    free(ids);
    return ra_error_set(err, RA_ERR_NOMEM, "shard %u/%u", o->shard, o->shards);
  }
  size_t n = 0;
  for (size_t i = 0; i < r->n_all; i++) {
    const char *id = r->all_ids[i];
    if (!ra_jsonl_is_name(r->all_paths[i]) &&
        ra_ident_shard(id, strlen(id), o->shards) != o->shard) {
      b->stats->skipped++;
      continue;
    }
    paths[n] = r->all_paths[i];
    ids[n++] = r->all_ids[i];
  }
  b->paths = paths;
  b->ids = ids;
  b->n = n;
  return RA_OK;
}

/* Whether the live generation, open as r->w, can be updated in place: built
 * the same way (tag list, synonyms, format), its corpus model and page
 * state readable, and few enough pages changed.  NULL when it can (the
 * build's model, prev and pst then set for the update), else why not. */
static const char *why_not_update(index_run *r) {
  build *b = &r->b;
  const ra_index_opts *o = b->o;
  unsigned long long max_update =
      o->max_update_bytes ? o->max_update_bytes : RA_DEFAULT_MAX_UPDATE;
  const char *why_full = NULL;
  char *v = NULL, *mv = NULL;
  size_t vl = 0, ml = 0;
  char want[32];
  snprintf(want, sizeof want, "%016llx", (unsigned long long)r->cfg);
  if (ra_xwriter_get_metadata(r->w, RA_META_CONFIG, &v, &vl, NULL) != RA_OK ||
      strcmp(v, want) != 0) {
    why_full = "the tag list, synonyms or index format changed";
  } else if (ra_xwriter_get_metadata(r->w, RA_META_MODEL, &mv, &ml, NULL) != RA_OK ||
             ra_model_new(&r->model, NULL) != RA_OK ||
             ra_model_load(r->model, mv, ml, NULL) != RA_OK) {
    why_full = "the live index holds no corpus model";
  } else if (load_prev(r->w, &r->prev) != 0) {
    why_full = "the live index's state could not be read";
  } else {
    b->prev = &r->prev;
    b->model = r->model;
    unsigned long long cand_bytes = 0;
    size_t cand = count_candidates(b, &cand_bytes);
    size_t base = r->prev.n > b->n ? r->prev.n : b->n;
    if (cand > 64 && (double)cand > RA_UPDATE_MAX_SHARE * (double)base)
      why_full = "more than a quarter of the pages changed";
    else if (cand_bytes > max_update)
      why_full = "more changed page text than --max-update-size";
  }
  free(v);
  free(mv);
  return why_full;
}

/* Update or rebuild?  An update needs a live generation built the same
 * way.  1: update, with r->w open on the live generation.  0: rebuild, for
 * the reason in *why_full (NULL when opts->rebuild asks for one). */
static int choose_update(index_run *r, const char **why_full) {
  const ra_index_opts *o = r->b.o;
  *why_full = o->rebuild ? NULL : "no index yet";
  if (o->rebuild || !r->cur[0]) return 0;
  char path[RA_PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", o->db_dir, r->cur);
  ra_error werr;
  ra_error_clear(&werr);
  if (ra_xwriter_open(path, RA_XW_OPEN, &r->w, &werr) != RA_OK) {
    *why_full = "the live index could not be opened for update";
  } else if ((*why_full = why_not_update(r)) != NULL) {
    ra_xwriter_free(r->w);
    r->w = NULL;
    r->b.prev = NULL;
    free(r->b.pst);
    r->b.pst = NULL;
    r->b.model = NULL;
    ra_model_free(r->model);
    r->model = NULL;
  }
  return r->w != NULL;
}

/* The tag table of the updated revision of generation cur.  The update is
 * committed either way: without a table for its revision, readers count
 * tags through Xapian as before. */
static void write_live_facets(const ra_index_opts *o, const char *cur) {
  char gp[RA_PATH_MAX + 64];
  ra_error ferr;
  ra_error_clear(&ferr);
  int gl = snprintf(gp, sizeof gp, "%s/%s", o->db_dir, cur);
  ra_status fs = gl < 0 || (size_t)gl >= sizeof gp
                     ? ra_error_set(&ferr, RA_ERR_TOOBIG, "%s: path too long", o->db_dir)
                     : write_facets(gp, &ferr);
  if (fs != RA_OK && o->warn)
    o->warn(o->warn_ctx, gp, 0, (size_t)-1, ra_error_message(&ferr));
}

/* The live generation's group keys, for the build to carry over (b.carry).
 * None when there is no live generation, or one of another format, or it
 * cannot be read: every article then starts as its own group, as in a
 * first build. */
static ra_status load_carry(index_run *r, ra_error *err) {
  const ra_index_opts *o = r->b.o;
  if (!r->cur[0]) return RA_OK;
  char path[RA_PATH_MAX + 64];
  if (snprintf(path, sizeof path, "%s/%s", o->db_dir, r->cur) >= (int)sizeof path)
    return RA_OK;
  ra_xdb *db = NULL;
  char *format = NULL;
  ra_status st = RA_OK;
  ra_error lerr;
  ra_error_clear(&lerr);
  if (ra_xdb_open(path, &db, NULL) == RA_OK &&
      ra_xdb_get_metadata(db, RA_META_FORMAT, &format, NULL, NULL) == RA_OK &&
      strcmp(format, RA_INDEX_FORMAT) == 0 &&
      (st = ra_dedup_carry_load(db, &r->carry, &lerr)) != RA_OK) {
    if (st == RA_ERR_NOMEM) {
      ra_error_set(err, st, "%s", lerr.msg);
    } else {
      if (o->warn) {
        char msg[600];
        snprintf(msg, sizeof msg, "group keys not carried over: %s",
                 ra_error_message(&lerr));
        o->warn(o->warn_ctx, path, 0, (size_t)-1, msg);
      }
      st = RA_OK;
    }
  }
  free(format);
  ra_xdb_free(db);
  r->b.carry = r->carry;
  return st;
}

/* Update the live generation (r->w, closed here) in place. */
static ra_status run_update(index_run *r, ra_error *err) {
  ra_index_stats *stats = r->b.stats;
  stats->incremental = 1;
  /* Only a shard needs the keys from before: an index of the whole
   * collection regroups from scratch. */
  ra_status st = r->b.o->shards ? load_carry(r, err) : RA_OK;
  if (!st) st = build_update(&r->b, r->w, r->syn, r->cur, r->cfg, err);
  ra_status cst = ra_xwriter_close(r->w, st ? NULL : err);
  if (!st) st = cst;
  ra_xwriter_free(r->w);
  r->w = NULL;
  if (!st && stats->committed) write_live_facets(r->b.o, r->cur);
  return st;
}

/* Rebuild into a new generation, with a corpus model learned afresh. */
static ra_status run_rebuild(index_run *r, const char *why_full,
                             ra_error *err) {
  const ra_index_opts *o = r->b.o;
  if (why_full && o->info) {
    char msg[200];
    snprintf(msg, sizeof msg, "full rebuild: %s", why_full);
    o->info(o->warn_ctx, o->db_dir, 0, (size_t)-1, msg);
  }
  ra_status st = load_carry(r, err);
  if (!st) st = ra_model_new(&r->model, err);
  if (!st)
    st = learn_model(r->model, r->all_paths, r->n_all, r->b.max_size, r->tags,
                     err);
  r->b.model = r->model;
  if (!st) st = build_full(&r->b, r->syn, r->cfg, r->cur, err);
  return st;
}

/* The URL template and the urls.tsv of each input directory (or beside
 * an input file), each file read once. */
static ra_status load_urls(index_run *r, ra_error *err) {
  const ra_index_opts *o = r->b.o;
  ra_status st = ra_urlmap_new(&r->b.urls, err);
  if (!st && o->url_template) {
    st = ra_urltemplate_parse(o->url_template, &r->b.tpl, err);
    uint64_t k = ra_mix64_murmur(ra_fnv1a(o->url_template, strlen(o->url_template)));
    r->b.tpl_key = k ? k : 1;
  }
  for (size_t i = 0; !st && i < o->n_inputs; i++) {
    char path[RA_PATH_MAX], other[RA_PATH_MAX];
    sibling_path_for(o->inputs[i], RA_URLS_FILE, path, sizeof path);
    int dup = 0;
    for (size_t j = 0; j < i && !dup; j++) {
      sibling_path_for(o->inputs[j], RA_URLS_FILE, other, sizeof other);
      dup = strcmp(path, other) == 0;
    }
    if (!dup)
      st = ra_urlmap_load(r->b.urls, path, o->url_lines_named ? NULL : o->warn,
                          o->warn_ctx,
                          o->url_lines_named ? NULL : &r->b.stats->url_errors, err);
  }
  return st;
}

/* Whether an article id is this index's (a shard's own). */
static int own_article(void *ctx, const char *id) {
  const ra_index_opts *o = ctx;
  return !o->shards || ra_ident_shard(id, strlen(id), o->shards) == o->shard;
}

/* Free what the run holds, release the lock and time the build. */
static void run_finish(index_run *r) {
  ra_urlmap_free(r->b.urls);
  ra_urltemplate_free(r->b.tpl);
  prev_free(&r->prev);
  ra_dedup_carry_free(r->carry);
  free(r->b.pst);
  ra_model_free(r->model);
  if (r->all_paths != r->b.paths) {
    free(r->b.paths);
    free(r->b.ids);
  }
  ra_strv_free(r->all_paths, r->n_all);
  ra_strv_free(r->all_ids, r->n_all);
  ra_idxdir_unlock(r->lock);
  pthread_mutex_destroy(&r->b.mu);
  r->b.stats->seconds = now_seconds() - r->b.t0;
}

/* A --tags or --synonyms FILE the user named must be there and readable:
 * building without it would publish an index missing what was asked for.
 * (The implicit tags.txt and synonyms.txt stay optional.) */
static ra_status named_file_ok(const char *opt, const char *path, ra_error *err) {
  if (!path) return RA_OK;
  ra_error e;
  ra_error_clear(&e);
  int fd = ra_page_open_regular(path, &e);
  if (fd < 0)
    return ra_error_set(err, e.code == RA_ERR_NOTFOUND ? RA_ERR_NOTFOUND : RA_ERR_IO,
                        "%s: %s", opt, ra_error_message(&e));
  close(fd);
  return RA_OK;
}

ra_status ra_index_build(const ra_index_opts *o, ra_index_stats *stats,
                         ra_error *err) {
  index_run r;
  run_start(&r, o, stats);
  ra_status st = named_file_ok("--tags", o->tags_file, err);
  if (!st) st = named_file_ok("--synonyms", o->synonyms_file, err);
  if (!st) st = load_urls(&r, err);
  if (!st) st = lock_and_scan(&r, err);
  if (!st) st = check_live(&r, err);
  if (!st) st = keep_own_pages(&r, err);
  const char *why_full = NULL;
  if (!st && choose_update(&r, &why_full)) st = run_update(&r, err);
  else if (!st) st = run_rebuild(&r, why_full, err);
  /* A urls.tsv line no article took: named once the whole corpus is read. */
  if (!st)
    stats->url_errors += ra_urlmap_report_unused(r.b.urls, own_article, (void *)o,
                                                 o->warn, o->warn_ctx);
  run_finish(&r);
  return st;
}

ra_status ra_index_regroup(const char *const *dirs, size_t n, size_t *groups,
                           unsigned long long *revisions, ra_error *err) {
  if (groups) *groups = 0;
  ra_idxlock **locks = calloc(n ? n : 1, sizeof *locks);
  ra_xwriter **ws = calloc(n ? n : 1, sizeof *ws);
  char (*cur)[64] = calloc(n ? n : 1, sizeof *cur);
  unsigned long long *rev = calloc(n ? n : 1, sizeof *rev);
  char **shard = calloc(n ? n : 1, sizeof *shard);
  ra_status st = locks && ws && cur && rev && shard
                     ? RA_OK
                     : ra_error_set(err, RA_ERR_NOMEM, "regrouping %zu indexes", n);
  size_t begun = 0;
  for (size_t k = 0; !st && k < n; k++) {
    char path[RA_PATH_MAX];
    st = ra_idxdir_lock(dirs[k], &locks[k], err);
    if (!st) st = ra_idxdir_current(dirs[k], cur[k], sizeof cur[k], err);
    if (!st && !cur[k][0])
      st = ra_error_set(err, RA_ERR_NOINDEX, "%s: no index published", dirs[k]);
    if (!st && snprintf(path, sizeof path, "%s/%s", dirs[k], cur[k]) >= (int)sizeof path)
      st = ra_error_set(err, RA_ERR_TOOBIG, "%s: path too long", dirs[k]);
    if (!st) st = ra_xwriter_open(path, RA_XW_OPEN, &ws[k], err);
    char *v = NULL;
    if (!st) st = ra_xwriter_get_metadata(ws[k], RA_META_REVISION, &v, NULL, err);
    if (!st) rev[k] = strtoull(v, NULL, 10);
    free(v);
    if (!st) st = ra_xwriter_get_metadata(ws[k], RA_META_SHARD, &shard[k], NULL, err);
    if (!st) st = ra_xwriter_begin(ws[k], err);
    if (!st) begun = k + 1;
  }
  if (!st) st = ra_dedup_mark_all(ws, n, groups, err);
  /* Each index changed publishes its revision on its own: a failure
   * half-way leaves every index whole, and the next run regroups. */
  for (size_t k = 0; k < begun; k++) {
    int changed = !st && ra_xwriter_changes(ws[k]) > 0;
    if (changed) st = write_publication(ws[k], rev[k] + 1, shard[k], err);
    if (changed && !st) st = ra_xwriter_end(ws[k], 1, err);
    else ra_xwriter_end(ws[k], 0, NULL);
    if (revisions) revisions[k] = rev[k] + (changed && !st);
    ra_status cst = ra_xwriter_close(ws[k], st ? NULL : err);
    if (!st) st = cst;
    if (changed && !st) {
      /* The tag table follows the revision; without it readers count
       * through Xapian. */
      char gp[RA_PATH_MAX + 64];
      snprintf(gp, sizeof gp, "%s/%s", dirs[k], cur[k]);
      (void)write_facets(gp, NULL);
    }
  }
  for (size_t k = 0; k < n && ws && locks && shard; k++) {
    ra_xwriter_free(ws[k]);
    free(shard[k]);
    ra_idxdir_unlock(locks[k]);
  }
  free(locks);
  free(ws);
  free(cur);
  free(rev);
  free(shard);
  return st;
}

ra_status ra_index_dump(const char *path, const char *tags_file,
                        size_t max_file_size, char **json, ra_warn_fn warn,
                        void *warn_ctx, ra_error *err) {
  *json = NULL;
  size_t max_size = max_file_size ? max_file_size : RA_DEFAULT_MAX_FILE;
  char dir[RA_PATH_MAX], tags[RA_PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (slash)
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  else
    snprintf(dir, sizeof dir, ".");
  struct stat tsb;
  if (tags_file) {
    ra_status tst = named_file_ok("--tags", tags_file, err);
    if (tst) return tst;
    snprintf(tags, sizeof tags, "%s", tags_file);
  } else {
    /* Beside the page, else one level up (corpora split into NN/ dirs). */
    sibling_path_for(path, "tags.txt", tags, sizeof tags);
    if (stat(tags, &tsb) != 0) snprintf(tags, sizeof tags, "%.*s/../tags.txt", (int)(sizeof tags - 16), dir);
  }
  ra_model *model = NULL;
  char **paths = NULL, **ids = NULL;
  size_t n = 0;
  char *text = NULL, *id = NULL;
  size_t len = 0;
  int repaired = 0;
  ra_article *a = NULL;
  ra_status st = ra_model_new(&model, err);
  /* Learn from the page's siblings so the dump matches what the indexer
   * sees; an unreadable directory just means built-in defaults. */
  const char *inputs[1] = {dir};
  if (!st && ra_index_scan(inputs, 1, &paths, &ids, &n, NULL, NULL, NULL,
                           NULL) != RA_OK)
    n = 0;
  if (!st) st = learn_model(model, paths, n, max_size, tags, err);
  if (!st)
    st = ra_scan_read_page(path, max_size, &text, &len, &repaired, warn, warn_ctx, err);
  if (!st) {
    id = ra_article_id_from_path(path);
    if (!id) st = ra_error_set(err, RA_ERR_NOMEM, "id");
  }
  if (!st) st = ra_article_parse(model, id, path, text, len, &a, warn, warn_ctx, err);
  if (!st) st = ra_article_to_json(a, RA_JSON_PRETTY, json, err);
  ra_article_free(a);
  free(id);
  free(text);
  ra_strv_free(paths, n);
  ra_strv_free(ids, n);
  ra_model_free(model);
  return st;
}
