/* index.c - building the index: scan the corpus, learn its model, parse,
 * analyse and write articles (in parallel shards for a full rebuild, in one
 * transaction for an update), find near-duplicates, publish. */
#define _GNU_SOURCE
#include "index.h"

#include <dirent.h>
#include <pthread.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze.h"
#include "facet.h"
#include "hash.h"
#include "idxdir.h"
#include "jsonl.h"
#include "record.h"
#include "store.h"
#include "xap.h"

/* ---- scanning ------------------------------------------------------------ */

typedef struct strvec {
  char **v;
  size_t n, cap;
} strvec;

static int strvec_push(strvec *s, char *str) {
  if (!str) return -1;
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 64;
    char **nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) {
      free(str);
      return -1;
    }
    s->v = nv;
    s->cap = nc;
  }
  s->v[s->n++] = str;
  return 0;
}

typedef struct scan_ctx {
  strvec paths;
  dev_t seen_dev[256];
  ino_t seen_ino[256];
  size_t n_seen;
  size_t errors;
  ra_warn_fn warn;
  void *warn_ctx;
  int nomem;
} scan_ctx;

static int is_page_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '.') return 0;
  if (ra_jsonl_is_name(name)) return 1;
  if (n > 7 && strcmp(name + n - 7, ".txt.gz") == 0) return 1;
  if (n < 5 || strcmp(name + n - 4, ".txt") != 0) return 0;
  return strcmp(name, "tags.txt") != 0 && strcmp(name, "synonyms.txt") != 0;
}

/* what: a fixed description; detail: strerror() text or NULL. */
static void scan_warn(scan_ctx *c, const char *path, const char *what,
                      const char *detail) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s%s%s", what, detail ? ": " : "",
           detail ? detail : "");
  c->errors++;
  if (c->warn) c->warn(c->warn_ctx, path, 0, (size_t)-1, msg);
}

static void scan_dir(scan_ctx *c, const char *dir, int depth) {
  struct stat st;
  if (stat(dir, &st) != 0) {
    scan_warn(c, dir, "cannot read", strerror(errno));
    return;
  }
  /* Following symlinks is useful; a loop must not hang or recurse forever. */
  for (size_t i = 0; i < c->n_seen; i++)
    if (c->seen_dev[i] == st.st_dev && c->seen_ino[i] == st.st_ino) {
      scan_warn(c, dir, "directory visited twice (symlink loop?): skipped", NULL);
      return;
    }
  if (depth > 32 || c->n_seen >= sizeof c->seen_ino / sizeof c->seen_ino[0]) {
    scan_warn(c, dir, "directories nested too deeply: skipped", NULL);
    return;
  }
  c->seen_dev[c->n_seen] = st.st_dev;
  c->seen_ino[c->n_seen] = st.st_ino;
  c->n_seen++;
  DIR *d = opendir(dir);
  if (!d) {
    scan_warn(c, dir, "cannot read directory", strerror(errno));
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL && !c->nomem) {
    if (e->d_name[0] == '.') continue;
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
      c->nomem = 1;
      break;
    }
    struct stat es;
    if (stat(path, &es) != 0) {
      scan_warn(c, path, "cannot read", strerror(errno));
      free(path);
      continue;
    }
    if (S_ISDIR(es.st_mode)) {
      scan_dir(c, path, depth + 1);
      free(path);
    } else if (is_page_name(e->d_name)) {
      if (strvec_push(&c->paths, path) != 0) c->nomem = 1;
    } else {
      free(path);
    }
  }
  closedir(d);
  c->n_seen--;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Id: path relative to the input root, without ".txt". */
static char *make_id(const char *root, const char *path) {
  size_t rl = strlen(root);
  const char *rel = path;
  if (strncmp(path, root, rl) == 0 && path[rl] == '/') rel = path + rl + 1;
  char *id = strdup(rel);
  if (!id) return NULL;
  size_t n = strlen(id);
  if (n > 3 && strcmp(id + n - 3, ".gz") == 0) id[n -= 3] = '\0';
  if (n > 4 && strcmp(id + n - 4, ".txt") == 0) id[n - 4] = '\0';
  return id;
}

ra_status ra_index_scan(const char *const *inputs, size_t n_inputs,
                        char ***paths, char ***ids, size_t *n,
                        size_t *scan_errors, ra_warn_fn warn, void *warn_ctx,
                        ra_error *err) {
  *paths = *ids = NULL;
  *n = 0;
  strvec all_paths = {0}, all_ids = {0};
  for (size_t i = 0; i < n_inputs; i++) {
    scan_ctx c = {0};
    c.warn = warn;
    c.warn_ctx = warn_ctx;
    struct stat st;
    char root[RA_PATH_MAX];
    snprintf(root, sizeof root, "%s", inputs[i]);
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
    if (stat(root, &st) != 0) {
      ra_strv_free(all_paths.v, all_paths.n);
      ra_strv_free(all_ids.v, all_ids.n);
      return ra_error_set(err, errno == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO,
                          "%s: %s", root, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
      scan_dir(&c, root, 0);
    } else {
      strvec_push(&c.paths, strdup(root));
    }
    if (c.nomem) {
      ra_strv_free(c.paths.v, c.paths.n);
      ra_strv_free(all_paths.v, all_paths.n);
      ra_strv_free(all_ids.v, all_ids.n);
      return ra_error_set(err, RA_ERR_NOMEM, "scanning %s", root);
    }
    if (c.paths.n > 1)
      qsort(c.paths.v, c.paths.n, sizeof *c.paths.v, cmp_str);
    for (size_t k = 0; k < c.paths.n; k++) {
      const char *base = strrchr(c.paths.v[k], '/');
      char *id = S_ISDIR(st.st_mode) ? make_id(root, c.paths.v[k])
                                     : make_id("", base ? base + 1 : c.paths.v[k]);
      if (strvec_push(&all_ids, id) != 0 ||
          strvec_push(&all_paths, c.paths.v[k]) != 0) {
        for (size_t j = k + 1; j < c.paths.n; j++) free(c.paths.v[j]);
        free(c.paths.v);
        ra_strv_free(all_paths.v, all_paths.n);
        ra_strv_free(all_ids.v, all_ids.n);
        return ra_error_set(err, RA_ERR_NOMEM, "scanning %s", root);
      }
    }
    free(c.paths.v);
    if (scan_errors) *scan_errors += c.errors;
  }
  *paths = all_paths.v;
  *ids = all_ids.v;
  *n = all_paths.n;
  return RA_OK;
}

/* ---- documents ----------------------------------------------------------- */

/* Terms counted in memory and handed to Xapian once each: Xapian looks a
 * term up in a std::map on every call.  Spelling words (one call per token
 * cost a third of the indexing time) and each article's stems (a quarter
 * of its map walks were repeats) both go through one. */
typedef struct term_counts {
  char *arena;    /* the terms, NUL-terminated, in order of first sight */
  size_t used, cap;
  uint32_t *slot; /* open addressing: entry index + 1, 0 empty */
  size_t n_slots;
  struct tc_ent {
    uint32_t off, len, count;
  } *ent;
  size_t n, ent_cap;
  int nomem; /* sticky: some term was lost */
} term_counts;

/* Add inc to term (len bytes); -1 (and nomem set) out of memory. */
static int tc_add(term_counts *m, const char *term, size_t len, unsigned inc) {
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
    struct tc_ent *e = &m->ent[m->slot[h] - 1];
    if (e->len == len && memcmp(m->arena + e->off, term, len) == 0) {
      e->count += inc;
      return 0;
    }
    h = (h + 1) & (m->n_slots - 1);
  }
  if (m->n == m->ent_cap) {
    size_t nc = m->ent_cap ? 2 * m->ent_cap : 512;
    struct tc_ent *ne = realloc(m->ent, nc * sizeof *ne);
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
  m->ent[m->n] = (struct tc_ent){(uint32_t)m->used, (uint32_t)len, inc};
  m->used += len + 1;
  m->slot[h] = (uint32_t)++m->n;
  return 0;
nomem:
  m->nomem = 1;
  return -1;
}

static void tc_free(term_counts *m) {
  free(m->arena);
  free(m->slot);
  free(m->ent);
  memset(m, 0, sizeof *m);
}

/* Hand the counted spelling words to the writer (none when w is NULL: a
 * failed run's map is only freed) and empty the map. */
static ra_status spell_flush(term_counts *m, ra_xwriter *w, ra_error *err) {
  ra_status st = !w ? RA_OK
                 : m->nomem ? ra_error_set(err, RA_ERR_NOMEM, "spelling data")
                            : RA_OK;
  for (size_t i = 0; !st && w && i < m->n; i++)
    st = ra_xwriter_add_spelling(w, m->arena + m->ent[i].off, m->ent[i].len,
                                 m->ent[i].count, err);
  tc_free(m);
  return st;
}

/* Per-document analysis state: Xapian terms, spelling words, and the
 * SimHash accumulator used to find near-duplicates. */
typedef struct doc_ctx {
  ra_xdoc *doc;
  term_counts stems; /* "Z"+stem -> summed wdf */
  term_counts *spell_words;
  unsigned wdf;
  int title; /* also add S-prefixed title terms */
  int spell;
  ra_status st;
  ra_error *err;
  uint64_t shingle[3]; /* hashes of the last three stems */
  int n_shingle;
  int32_t sim[64];
  char buf[300];
} doc_ctx;


static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

/* Hand an article's stems to Xapian, once each, with their summed wdf. */
static ra_status stems_flush(const term_counts *m, ra_xdoc *doc, ra_error *err) {
  if (m->nomem) return ra_error_set(err, RA_ERR_NOMEM, "stem terms");
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < m->n; i++)
    st = ra_xdoc_add_term(doc, m->arena + m->ent[i].off, m->ent[i].len, m->ent[i].count, err);
  return st;
}

static int add_token(void *vctx, const ra_token *t) {
  doc_ctx *c = vctx;
  uint32_t pos = t->pos + 1; /* Xapian positions start at 1 */
  c->st = ra_xdoc_add_posting(c->doc, t->word, t->word_len, pos, c->wdf, c->err);
  if (c->st) return 1;
  if (t->stem_len + 3 < sizeof c->buf) {
    c->buf[0] = 'Z';
    memcpy(c->buf + 1, t->stem, t->stem_len);
    if (tc_add(&c->stems, c->buf, t->stem_len + 1, c->wdf)) {
      c->st = ra_error_set(c->err, RA_ERR_NOMEM, "stem terms");
      return 1;
    }
  }
  if (c->title && t->word_len + 2 < sizeof c->buf) {
    c->buf[0] = 'S';
    memcpy(c->buf + 1, t->word, t->word_len);
    c->st = ra_xdoc_add_posting(c->doc, c->buf, t->word_len + 1, pos, 1, c->err);
    if (c->st) return 1;
  }
  /* "Did you mean" learns only real words: no numbers, URLs, e-mail
   * addresses or joined forms of hyphenated words. */
  if (c->spell && t->word_len >= 3 && t->word_len < 40 &&
      !(t->flags & (RA_TOK_NUMERIC | RA_TOK_URL | RA_TOK_EMAIL |
                    RA_TOK_COLOCATED | RA_TOK_JOINED))) {
    (void)tc_add(c->spell_words, t->word, t->word_len, 1); /* nomem is sticky */
  }
  /* SimHash over stem 3-shingles of the whole text. */
  if (!(t->flags & RA_TOK_COLOCATED)) {
    c->shingle[0] = c->shingle[1];
    c->shingle[1] = c->shingle[2];
    c->shingle[2] = ra_fnv1a(t->stem, t->stem_len);
    if (++c->n_shingle >= 3) {
      uint64_t h = mix64(c->shingle[0] * 31u + c->shingle[1] * 17u + c->shingle[2]);
      for (int b = 0; b < 64; b++) c->sim[b] += (h >> b & 1) ? 1 : -1;
    }
  }
  return 0;
}

/* Positions jump between blocks so a phrase never spans two paragraphs. */
#define RA_POS_GAP 10

static ra_status add_field(ra_analyzer *an, doc_ctx *c, const char *text,
                           unsigned wdf, uint32_t *pos) {
  if (!text || !*text) return RA_OK;
  c->wdf = wdf;
  c->st = RA_OK;
  uint32_t next = *pos;
  ra_status st = ra_analyze(an, text, strlen(text), *pos, add_token, c, &next,
                            c->err);
  if (st) return st;
  if (c->st) return c->st;
  *pos = next + RA_POS_GAP;
  return RA_OK;
}

static ra_status fold_phrase(ra_analyzer *an, const char *s, size_t n,
                             char *out, size_t size);

static ra_status add_boolean_folded(ra_analyzer *an, ra_xdoc *doc,
                                    const char *prefix, const char *value,
                                    ra_error *err) {
  char buf[256];
  size_t pl = strlen(prefix), fl = 0;
  memcpy(buf, prefix, pl);
  if (ra_analyze_fold(an, value, strlen(value), buf + pl, sizeof buf - pl, &fl,
                      NULL) != RA_OK)
    return RA_OK; /* absurdly long tag: searchable by its words only */
  return ra_xdoc_add_boolean_term(doc, buf, pl + fl, err);
}

/* ---- synonyms and acronyms ---------------------------------------------- */

typedef struct fold_ctx {
  char *out;
  size_t size, n;
  int overflow;
} fold_ctx;

static int fold_word(void *vctx, const ra_token *t) {
  fold_ctx *c = vctx;
  if (t->flags & RA_TOK_COLOCATED) return 0;
  size_t need = t->word_len + (c->n ? 1 : 0);
  if (c->n + need + 1 > c->size) {
    c->overflow = 1;
    return 1;
  }
  if (c->n) c->out[c->n++] = ' ';
  memcpy(c->out + c->n, t->word, t->word_len);
  c->n += t->word_len;
  c->out[c->n] = '\0';
  return 0;
}

/* Analysed words of s joined by single spaces: the form synonym keys take,
 * so the query side can look them up the same way. */
static ra_status fold_phrase(ra_analyzer *an, const char *s, size_t n,
                             char *out, size_t size) {
  fold_ctx c = {out, size, 0, 0};
  out[0] = '\0';
  uint32_t next = 0;
  ra_status st = ra_analyze(an, s, n, 0, fold_word, &c, &next, NULL);
  if (st) return st;
  return c.overflow || c.n == 0 ? RA_ERR_INVALID : RA_OK;
}

/* ---- where a worker's writes go ------------------------------------------ */

/* A rebuild's workers write their own shards directly.  An update has one
 * writer, so it runs as a pipeline: one thread reads, parses and analyses
 * pages and builds their documents (the sink queues each write), while the
 * main thread applies the queue to Xapian in order.  On two cores the
 * preparation of a page hides behind the writing of the one before. */
enum { OP_ADD, OP_REPLACE, OP_SYNONYM, OP_SET_VALUE, OP_SPELLING };

typedef struct write_op {
  int kind;
  ra_xdoc *doc;    /* OP_ADD, OP_REPLACE: owned by the op */
  term_counts *spell; /* OP_SPELLING: owned by the op */
  char *a, *b;     /* id term; synonym pair; value (length alen) */
  size_t alen;
  uint32_t docid;  /* OP_SET_VALUE */
  unsigned slot;
} write_op;

/* Few ops in flight: each holds a whole document's terms and positions. */
#define RA_QUEUE_OPS 32

typedef struct write_queue {
  pthread_mutex_t mu;
  pthread_cond_t more, room;
  write_op ops[RA_QUEUE_OPS];
  size_t head, n;
  int done;        /* the producer has finished */
  ra_status st;    /* first failed write: the producer stops */
  ra_error err;
} write_queue;

typedef struct wsink {
  ra_xwriter *w;
  write_queue *q; /* NULL: write directly */
} wsink;

static void op_free(write_op *op) {
  if (op->spell) {
    spell_flush(op->spell, NULL, NULL);
    free(op->spell);
  }
  ra_xdoc_free(op->doc);
  free(op->a);
  free(op->b);
}

static ra_status op_apply(ra_xwriter *w, write_op *op, ra_error *err) {
  ra_status st;
  switch (op->kind) {
  case OP_ADD:
    return ra_xwriter_add(w, op->doc, NULL, err);
  case OP_REPLACE:
    return ra_xwriter_replace(w, op->a, op->doc, err);
  case OP_SYNONYM:
    st = ra_xwriter_add_synonym(w, op->a, op->b, err);
    if (!st) st = ra_xwriter_add_synonym(w, op->b, op->a, err);
    return st;
  case OP_SPELLING:
    return spell_flush(op->spell, w, err);
  default:
    return ra_xwriter_set_value(w, op->docid, op->slot, op->a, op->alen, err);
  }
}

/* Apply directly, or queue (taking the op's allocations either way). */
static ra_status sink_put(wsink *s, write_op *op, ra_error *err) {
  if (!s->q) {
    ra_status st = op_apply(s->w, op, err);
    op_free(op);
    return st;
  }
  write_queue *q = s->q;
  pthread_mutex_lock(&q->mu);
  while (q->n == RA_QUEUE_OPS && !q->st) pthread_cond_wait(&q->room, &q->mu);
  ra_status st = q->st;
  if (!st) {
    q->ops[(q->head + q->n) % RA_QUEUE_OPS] = *op;
    q->n++;
    pthread_cond_signal(&q->more);
  }
  pthread_mutex_unlock(&q->mu);
  if (st) {
    op_free(op);
    return ra_error_set(err, st, "stopped: the index writer failed");
  }
  return RA_OK;
}

static char *dup_bytes(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* Add *doc, or replace the document with idterm; the sink owns *doc. */
static ra_status sink_doc(wsink *s, ra_xdoc **doc, const char *idterm,
                          ra_error *err) {
  write_op op = {.kind = idterm ? OP_REPLACE : OP_ADD, .doc = *doc};
  *doc = NULL;
  if (idterm && !(op.a = dup_bytes(idterm, strlen(idterm)))) {
    op_free(&op);
    return ra_error_set(err, RA_ERR_NOMEM, "id term");
  }
  return sink_put(s, &op, err);
}

static ra_status sink_synonym(wsink *s, const char *a, const char *b,
                              ra_error *err) {
  write_op op = {.kind = OP_SYNONYM, .a = dup_bytes(a, strlen(a)),
                 .b = dup_bytes(b, strlen(b))};
  if (!op.a || !op.b) {
    op_free(&op);
    return ra_error_set(err, RA_ERR_NOMEM, "synonym");
  }
  return sink_put(s, &op, err);
}

static ra_status sink_value(wsink *s, uint32_t docid, unsigned slot,
                            const char *val, size_t len, ra_error *err) {
  write_op op = {.kind = OP_SET_VALUE, .a = dup_bytes(val, len), .alen = len,
                 .docid = docid, .slot = slot};
  if (!op.a) return ra_error_set(err, RA_ERR_NOMEM, "value");
  return sink_put(s, &op, err);
}

/* The counted spelling words, behind every page written before them; the
 * sink takes the map's words and leaves it empty. */
static ra_status sink_spelling(wsink *s, term_counts *m, ra_error *err) {
  write_op op = {.kind = OP_SPELLING, .spell = malloc(sizeof *m)};
  if (!op.spell) {
    spell_flush(m, NULL, NULL);
    return ra_error_set(err, RA_ERR_NOMEM, "spelling data");
  }
  *op.spell = *m;
  memset(m, 0, sizeof *m);
  return sink_put(s, &op, err);
}

/* The writer's side: apply queued ops in order until the producer is done.
 * After a failure the rest are freed unapplied and the producer is told. */
static void queue_drain(write_queue *q, ra_xwriter *w) {
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (q->n == 0 && !q->done) pthread_cond_wait(&q->more, &q->mu);
    if (q->n == 0) break;
    write_op op = q->ops[q->head];
    q->head = (q->head + 1) % RA_QUEUE_OPS;
    q->n--;
    pthread_cond_signal(&q->room);
    int failed = q->st != RA_OK;
    pthread_mutex_unlock(&q->mu);
    ra_error e;
    ra_error_clear(&e);
    ra_status st = failed ? RA_OK : op_apply(w, &op, &e);
    op_free(&op);
    pthread_mutex_lock(&q->mu);
    if (st && !q->st) {
      q->st = st;
      q->err = e;
      pthread_cond_broadcast(&q->room);
    }
  }
  pthread_mutex_unlock(&q->mu);
}

static ra_status add_synonym_pair(ra_analyzer *an, wsink *ws,
                                  const char *a, size_t an_, const char *b,
                                  size_t bn, size_t *count, ra_error *err) {
  char fa[256], fb[256];
  if (fold_phrase(an, a, an_, fa, sizeof fa) || fold_phrase(an, b, bn, fb, sizeof fb))
    return RA_OK;
  if (strcmp(fa, fb) == 0) return RA_OK;
  ra_status st = ws->w ? sink_synonym(ws, fa, fb, err) : RA_OK;
  if (!st && count) (*count)++;
  return st;
}

/* synonyms.txt: one group per line, members separated by " = ", every
 * member a synonym of every other; '#' starts a comment.  w NULL: only
 * count them (and warn), for an update: the index has them already (a
 * changed file means a rebuild). */
static ra_status load_synonyms(ra_analyzer *an, ra_xwriter *w,
                               const char *path, size_t *count,
                               ra_warn_fn warn, void *warn_ctx,
                               ra_error *err) {
  FILE *f = fopen(path, "re");
  if (!f) {
    if (errno == ENOENT) return RA_OK;
    return ra_error_set(err, RA_ERR_IO, "cannot read synonyms %s: %s", path,
                        strerror(errno));
  }
  char line[2048];
  size_t ln = 0;
  ra_status st = RA_OK;
  wsink direct = {w, NULL};
  while (!st && fgets(line, sizeof line, f)) {
    ln++;
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *m[16];
    size_t nm = 0;
    char *p = line;
    for (;;) {
      char *eq = strchr(p, '=');
      if (eq) *eq = '\0';
      while (*p == ' ' || *p == '\t') p++;
      size_t l = strlen(p);
      while (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\n' ||
                   p[l - 1] == '\r'))
        p[--l] = '\0';
      if (l && nm < 16) m[nm++] = p;
      if (!eq) break;
      p = eq + 1;
    }
    if (nm == 0) continue;
    if (nm == 1) {
      if (warn) warn(warn_ctx, path, ln, (size_t)-1,
                     "synonym line has one member (expected A = B): ignored");
      continue;
    }
    for (size_t i = 0; !st && i < nm; i++)
      for (size_t k = i + 1; !st && k < nm; k++)
        st = add_synonym_pair(an, &direct, m[i], strlen(m[i]), m[k], strlen(m[k]),
                              count, err);
  }
  fclose(f);
  return st;
}

static int is_small_word(const char *w, size_t n) {
  static const char *const small[] = {"of", "and", "the", "for", "in", "on",
                                      "to", "a", "an", "&"};
  for (size_t i = 0; i < sizeof small / sizeof *small; i++)
    if (strlen(small[i]) == n && strncasecmp(small[i], w, n) == 0) return 1;
  return 0;
}

/* "Electronic Residency Application Service (ERAS)": the capitals in the
 * parentheses are the initials of the words before them (small words may
 * be skipped).  Learned pairs become synonyms both ways. */
static ra_status learn_acronyms(ra_analyzer *an, wsink *sink,
                                const char *text, size_t *count,
                                ra_error *err) {
  ra_status st = RA_OK;
  for (const char *p = strchr(text, '('); !st && p; p = strchr(p + 1, '(')) {
    const char *q = p + 1;
    size_t n = 0;
    while (q[n] >= 'A' && q[n] <= 'Z') n++;
    if (n < 2 || n > 8 || q[n] != ')') continue;
    /* Walk back over words, matching initials from the last letter. */
    const char *e = p;
    while (e > text && e[-1] == ' ') e--;
    const char *start = e;
    size_t k = n;
    int words = 0;
    while (k > 0 && start > text) {
      const char *ws = start;
      while (ws > text && ws[-1] != ' ' && ws[-1] != '\n' && ws[-1] != '(')
        ws--;
      size_t wl = (size_t)(start - ws);
      if (wl == 0) break;
      if ((*ws | 0x20) == (q[k - 1] | 0x20) && !is_small_word(ws, wl)) {
        k--;
      } else if (!is_small_word(ws, wl)) {
        break;
      }
      words++;
      start = ws;
      while (start > text && start[-1] == ' ') start--;
      if (words > 12) break;
    }
    if (k != 0) continue;
    while (*start == ' ') start++;
    st = add_synonym_pair(an, sink, q, n, start, (size_t)(e - start), count, err);
  }
  return st;
}

/* ---- one article --------------------------------------------------------- */

typedef struct doc_meta {
  uint64_t hash;       /* content hash (cleaned text or JSONL line) */
  long long mtime_ns;  /* 0 for JSONL records */
  unsigned long long size;
} doc_meta;

static void tagset_hash(ra_analyzer *an, const ra_article *a, char *hex) {
  /* Order-insensitive: sum of per-tag hashes of the folded tags. */
  uint64_t h = 0;
  size_t n = 0;
  for (size_t i = 0; i < a->n_tags; i++) {
    char buf[256];
    size_t fl = 0;
    if (ra_analyze_fold(an, a->tags[i], strlen(a->tags[i]), buf, sizeof buf,
                        &fl, NULL) != RA_OK)
      continue;
    h += mix64(ra_fnv1a(buf, fl));
    n++;
  }
  /* Fewer than three tags says too little to call two articles versions. */
  if (n < 3)
    snprintf(hex, 17, "%s", "-");
  else
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

/* RA_SLOT_TAGS: tag counts for a result set then read one value per
 * article instead of decompressing its term list. */
static ra_status set_tags_value(ra_analyzer *an, ra_xdoc *doc,
                                const ra_article *a, ra_error *err) {
  size_t cap = 64, n = 0;
  for (size_t i = 0; i < a->n_tags; i++) cap += 2 * strlen(a->tags[i]) + 8;
  char *v = malloc(cap);
  if (!v) return ra_error_set(err, RA_ERR_NOMEM, "%s: tags", a->id);
  for (size_t i = 0; i < a->n_tags; i++) {
    size_t tl = strlen(a->tags[i]), fl = 0;
    char folded[256];
    if (ra_analyze_fold(an, a->tags[i], tl, folded, sizeof folded, &fl, NULL) !=
            RA_OK ||
        n + fl + tl + 3 > cap)
      continue;
    if (n) v[n++] = '\x1e';
    memcpy(v + n, folded, fl);
    n += fl;
    v[n++] = '\x1f';
    memcpy(v + n, a->tags[i], tl);
    n += tl;
  }
  ra_status st = n ? ra_xdoc_set_value(doc, RA_SLOT_TAGS, v, n, err) : RA_OK;
  free(v);
  return st;
}

static ra_status index_article(ra_analyzer *an, wsink *ws,
                               term_counts *spell, const ra_article *a,
                               const doc_meta *m, size_t *acronyms, int fresh,
                               ra_error *err) {
  ra_xdoc *doc = NULL;
  char *json = NULL, *blob = NULL;
  size_t blob_len = 0;
  ra_status st = ra_xdoc_new(&doc, err);
  if (st) return st;
  doc_ctx *c = calloc(1, sizeof *c);
  if (!c) {
    ra_xdoc_free(doc);
    return ra_error_set(err, RA_ERR_NOMEM, "%s", a->id);
  }
  c->doc = doc;
  c->err = err;
  c->spell = 1;
  c->spell_words = spell;
  uint32_t pos = 0;
  c->title = 1;
  st = add_field(an, c, a->title, RA_WDF_TITLE, &pos);
  c->title = 0;
  for (size_t i = 0; !st && i < a->n_tags; i++) {
    st = add_field(an, c, a->tags[i], RA_WDF_TAG, &pos);
    if (!st) st = add_boolean_folded(an, doc, RA_PREFIX_TAG, a->tags[i], err);
  }
  if (!st && a->category) {
    st = add_field(an, c, a->category, RA_WDF_HEADING, &pos);
    if (!st)
      st = add_boolean_folded(an, doc, RA_PREFIX_CATEGORY, a->category, err);
  }
  for (size_t i = 0; !st && i < a->n_sections; i++) {
    const ra_section *s = &a->sections[i];
    st = add_field(an, c, s->heading, RA_WDF_HEADING, &pos);
    for (size_t b = 0; !st && b < s->n_blocks; b++) {
      st = add_field(an, c, s->blocks[b].text, RA_WDF_BODY, &pos);
      if (!st) st = learn_acronyms(an, ws, s->blocks[b].text, acronyms, err);
    }
  }
  for (size_t i = 0; !st && i < a->n_faqs; i++) {
    st = add_field(an, c, a->faqs[i].question, RA_WDF_HEADING, &pos);
    for (size_t b = 0; !st && b < a->faqs[i].n_answer; b++)
      st = add_field(an, c, a->faqs[i].answer[b].text, RA_WDF_BODY, &pos);
  }
  /* Illustration descriptions are not the article's words: searchable, but
   * they teach neither spelling nor duplicate detection. */
  c->spell = 0;
  c->n_shingle = -1000000;
  for (size_t i = 0; !st && i < a->n_illustrations; i++)
    st = add_field(an, c, a->illustrations[i], RA_WDF_ILLUSTRATION, &pos);
  if (!st) st = stems_flush(&c->stems, doc, err);
  size_t rec_len = 0;
  if (!st) st = ra_record_encode(a, &json, &rec_len, err);
  if (!st) st = ra_store_pack(json, rec_len, &blob, &blob_len, err);
  if (!st) st = ra_xdoc_set_data(doc, blob, blob_len, err);
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)m->hash);
  if (!st) st = ra_xdoc_set_value(doc, RA_SLOT_HASH, hex, 16, err);
  char *val = NULL;
  if (!st) {
    int n = asprintf(&val, "%016llx %lld %llu %s", (unsigned long long)m->hash,
                     m->mtime_ns, m->size, a->id);
    if (n < 0) {
      val = NULL;
      st = ra_error_set(err, RA_ERR_NOMEM, "%s", a->id);
    } else {
      st = ra_xdoc_set_value(doc, RA_SLOT_STATE, val, (size_t)n, err);
    }
  }
  if (!st) {
    uint64_t sim = 0;
    for (int b = 0; b < 64; b++)
      if (c->sim[b] > 0) sim |= 1ull << b;
    char th[17], sv[40];
    tagset_hash(an, a, th);
    int n = snprintf(sv, sizeof sv, "%016llx %s", (unsigned long long)sim, th);
    st = ra_xdoc_set_value(doc, RA_SLOT_SIMHASH, sv, (size_t)n, err);
  }
  if (!st && a->n_tags) st = set_tags_value(an, doc, a, err);
  char *idterm = NULL;
  if (!st && asprintf(&idterm, RA_PREFIX_ID "%s", a->id) < 0) {
    idterm = NULL;
    st = ra_error_set(err, RA_ERR_NOMEM, "id term");
  }
  if (!st) st = ra_xdoc_add_boolean_term(doc, idterm, strlen(idterm), err);
  if (!st) st = sink_doc(ws, &doc, fresh ? NULL : idterm, err);
  free(idterm);
  free(val);
  free(json);
  free(blob);
  tc_free(&c->stems);
  free(c);
  ra_xdoc_free(doc);
  return st;
}

/* ---- the previous index's state ------------------------------------------ */

typedef struct prev_doc {
  char *id;
  uint32_t docid;
  uint64_t hash;
  long long mtime_ns;
  unsigned long long size;
  int seen;
} prev_doc;

typedef struct prev_map {
  prev_doc *v;   /* open addressing, power-of-two capacity */
  size_t cap, n;
  int nomem;
} prev_map;

static prev_doc *prev_find(prev_map *m, const char *id) {
  if (!m->cap) return NULL;
  size_t i = (size_t)ra_fnv1a(id, strlen(id)) & (m->cap - 1);
  while (m->v[i].id) {
    if (strcmp(m->v[i].id, id) == 0) return &m->v[i];
    i = (i + 1) & (m->cap - 1);
  }
  return NULL;
}

static int prev_put(prev_map *m, const prev_doc *d) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 1024;
    prev_doc *nv = calloc(nc, sizeof *nv);
    if (!nv) return -1;
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->v[i].id) continue;
      size_t k = (size_t)ra_fnv1a(m->v[i].id, strlen(m->v[i].id)) & (nc - 1);
      while (nv[k].id) k = (k + 1) & (nc - 1);
      nv[k] = m->v[i];
    }
    free(m->v);
    m->v = nv;
    m->cap = nc;
  }
  size_t i = (size_t)ra_fnv1a(d->id, strlen(d->id)) & (m->cap - 1);
  while (m->v[i].id) i = (i + 1) & (m->cap - 1);
  m->v[i] = *d;
  m->n++;
  return 0;
}

static void prev_free(prev_map *m) {
  for (size_t i = 0; i < m->cap; i++) free(m->v[i].id);
  free(m->v);
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
  prev_doc d = {strdup(buf + off), docid, h, mt, size, 0};
  if (!d.id || prev_put(m, &d) != 0) {
    free(d.id);
    m->nomem = 1;
    return 1;
  }
  return 0;
}

/* ---- near-duplicates ------------------------------------------------------ */

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

/* Group near-duplicates and store each group's key (its smallest id) in
 * RA_SLOT_COLLAPSE of every member, removing stale keys.  Two articles are
 * versions of one when their SimHashes differ in at most RA_DUP_MAX_BITS
 * bits (found through four 16-bit bands: by pigeonhole any such pair shares
 * a band), or when they carry the same set of three or more tags. */
static ra_status mark_duplicates(ra_xwriter *w, size_t *groups,
                                 ra_error *err) {
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

/* Read a page file: plain, or gzip-compressed when it ends in .gz. */
static ra_status read_page(const char *path, size_t max_size, char **text,
                           size_t *len, int *repaired, ra_warn_fn warn,
                           void *warn_ctx, ra_error *err) {
  size_t n = strlen(path);
  if (n < 3 || strcmp(path + n - 3, ".gz") != 0)
    return ra_article_read_file(path, max_size, text, len, repaired, warn,
                                warn_ctx, err);
  /* gzopen would read a non-gzip file as plain text: say what it is. */
  FILE *raw = fopen(path, "rb");
  if (!raw)
    return ra_error_set(err, errno == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO,
                        "%s: cannot open: %s", path, strerror(errno));
  unsigned char magic[2] = {0, 0};
  size_t mr = fread(magic, 1, 2, raw);
  fclose(raw);
  if (mr != 2 || magic[0] != 0x1f || magic[1] != 0x8b)
    return ra_error_set(err, RA_ERR_ZLIB, "%s: not a gzip file", path);
  gzFile gz = gzopen(path, "rb");
  if (!gz)
    return ra_error_set(err, errno == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO,
                        "%s: cannot open: %s", path, strerror(errno));
  size_t cap = 64 * 1024, got = 0;
  char *buf = malloc(cap);
  ra_status st = buf ? RA_OK : ra_error_set(err, RA_ERR_NOMEM, "%s", path);
  while (!st) {
    if (got == cap) {
      if (cap > max_size) {
        st = ra_error_set(err, RA_ERR_TOOBIG,
                          "%s: decompressed text is above the limit of %zu bytes",
                          path, max_size);
        break;
      }
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        st = ra_error_set(err, RA_ERR_NOMEM, "%s", path);
        break;
      }
      buf = nb;
      cap *= 2;
    }
    int r = gzread(gz, buf + got, (unsigned)(cap - got > (1u << 30) ? (1u << 30) : cap - got));
    if (r < 0) {
      int ze = 0;
      st = ra_error_set(err, RA_ERR_ZLIB, "%s: %s", path, gzerror(gz, &ze));
    } else if (r == 0) {
      /* End of data: a truncated stream ends without its trailer. */
      int ze = Z_OK;
      const char *m = gzerror(gz, &ze);
      if (ze != Z_OK && ze != Z_STREAM_END)
      {
        size_t pl = strlen(path); /* gzerror repeats the path */
        if (strncmp(m, path, pl) == 0 && m[pl] == ':') m += pl + 2;
        st = ra_error_set(err, RA_ERR_ZLIB, "%s: damaged gzip data: %s", path, m);
      }
      break;
    } else {
      got += (size_t)r;
    }
  }
  gzclose(gz);
  if (!st && got > max_size)
    st = ra_error_set(err, RA_ERR_TOOBIG,
                      "%s: decompressed text is %zu bytes, above the limit of %zu bytes",
                      path, got, max_size);
  if (!st)
    st = ra_article_clean(path, buf, got, max_size, text, len, repaired, warn,
                          warn_ctx, err);
  free(buf);
  return st;
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
    if (read_page(paths[i], max_size, &text, &len, &repaired, NULL, NULL,
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
  prev_map *prev;        /* incremental runs only */
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
  wsink sink;            /* w, or the update's write queue */
  int fresh;             /* new database: add without id lookup */
  term_counts spell;       /* spelling words not yet given to Xapian */
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
  ra_status st = spell_flush(&wk->spell, wk->w, &wk->err);
  if (!st) st = ra_xwriter_commit(wk->w, &wk->err);
  return st;
}

/* Index one parsed article, counting it as added, updated or unchanged
 * against the previous index. */
static ra_status put_article(worker *wk, const ra_article *a,
                             const doc_meta *m, size_t bytes) {
  build *b = wk->b;
  prev_doc *p = b->prev ? prev_find(b->prev, a->id) : NULL;
  if (p && p->seen) {
    char msg[300];
    snprintf(msg, sizeof msg, "duplicate id \"%.200s\": the later one wins", a->id);
    locked_warn(b, a->path, 0, (size_t)-1, msg);
  }
  if (p && !p->seen && p->hash == m->hash) {
    p->seen = 1;
    wk->s.unchanged++;
    wk->s.indexed++;
    /* Remember the new mtime so the next run skips the page unread. */
    if (p->mtime_ns != m->mtime_ns || p->size != m->size) {
      char *val = NULL;
      int n = asprintf(&val, "%016llx %lld %llu %s", (unsigned long long)m->hash,
                       m->mtime_ns, m->size, a->id);
      if (n < 0) return ra_error_set(&wk->err, RA_ERR_NOMEM, "%s", a->id);
      ra_status st = sink_value(&wk->sink, p->docid, RA_SLOT_STATE, val,
                                (size_t)n, &wk->err);
      free(val);
      return st;
    }
    return RA_OK;
  }
  ra_status st = index_article(wk->an, &wk->sink, &wk->spell, a, m,
                               &wk->s.acronyms, wk->fresh, &wk->err);
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
    wk->s.files++;
    doc_meta m = {h, 0, 0};
    st = put_article(wk, a, &m, strlen(a->title));
    ra_article_free(a);
    if (st) break;
  }
  ra_jsonl_close(j);
  return st;
}

static ra_status do_page(worker *wk, size_t i) {
  build *b = wk->b;
  const char *path = b->paths[i], *id = b->ids[i];
  wk->s.files++;
  prev_doc *p = b->prev ? prev_find(b->prev, id) : NULL;
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
  if (p && !p->seen && p->mtime_ns == mt && p->size == size) {
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
  ra_status fst = read_page(path, b->max_size, &text, &len, &repaired,
                            locked_warn, b, &ferr);
  ra_article *a = NULL;
  doc_meta m = {ra_fnv1a(text ? text : "", len), mt, size};
  if (!fst && p && !p->seen && p->hash == m.hash) {
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
  ra_status st = put_article(wk, a, &m, len);
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
  if (wk->st) spell_flush(&wk->spell, NULL, NULL);
  else wk->st = sink_spelling(&wk->sink, &wk->spell, &wk->err);
  /* A shard's last batch is written here, in parallel with the other
   * workers', not one shard after another by the main thread. */
  if (!wk->st && wk->fresh) wk->st = ra_xwriter_commit(wk->w, &wk->err);
  if (wk->sink.q) { /* an update's producer: nothing more to queue */
    pthread_mutex_lock(&wk->sink.q->mu);
    wk->sink.q->done = 1;
    pthread_cond_signal(&wk->sink.q->more);
    pthread_mutex_unlock(&wk->sink.q->mu);
  }
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
}

/* Hash of everything outside the pages that shapes the index: if the tag
 * list, the synonyms or the index format change, an update is not enough. */
static uint64_t config_hash(const char *tags, const char *syn) {
  uint64_t h = ra_fnv1a(RA_INDEX_FORMAT, strlen(RA_INDEX_FORMAT));
  const char *files[2] = {tags, syn};
  for (int k = 0; k < 2; k++) {
    FILE *f = fopen(files[k], "re");
    if (!f) {
      h = mix64(h + 1);
      continue;
    }
    char buf[8192];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) h = mix64(h ^ ra_fnv1a(buf, r));
    fclose(f);
  }
  return h;
}

static ra_status write_metadata(ra_xwriter *w, const ra_model *model,
                                const char *gen, uint64_t cfg, ra_error *err) {
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
  return ra_error_set(err, RA_ERR_INVALID,
                      "none of the %zu pages could be indexed; the index was "
                      "not changed", b->stats->files);
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
      st = load_synonyms(x->an, x->w, syn_file, &stats->synonyms, locked_warn, b,
                         err);
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
  if (!st && stats->indexed == 0) st = nothing_indexable(b, err);
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
  if (!st) st = mark_duplicates(w, &stats->duplicate_groups, err);
  if (!st) st = write_metadata(w, b->model, gen, cfg, err);
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
 * see the old or the new revision, and a killed update leaves the old. */
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
  ra_status st = ra_analyzer_new(&wk.an, err);
  if (!st) st = ra_xwriter_begin(w, err);
  if (!st)
    st = load_synonyms(wk.an, NULL, syn_file, &stats->synonyms, locked_warn, b, err);
  if (!st) {
    write_queue q;
    memset(&q, 0, sizeof q);
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.more, NULL);
    pthread_cond_init(&q.room, NULL);
    ra_error_clear(&q.err);
    wk.sink.q = &q;
    pthread_t producer;
    if (pthread_create(&producer, NULL, worker_run, &wk) == 0) {
      queue_drain(&q, w);
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
    pthread_cond_destroy(&q.room);
    pthread_cond_destroy(&q.more);
    pthread_mutex_destroy(&q.mu);
  }
  if (!st && stats->indexed == 0) st = nothing_indexable(b, err);
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
    char *idterm = NULL;
    if (asprintf(&idterm, RA_PREFIX_ID "%s", p->id) < 0) {
      st = ra_error_set(err, RA_ERR_NOMEM, "id term");
      break;
    }
    st = ra_xwriter_delete(w, idterm, err);
    free(idterm);
    if (!st) {
      stats->removed++;
      note(b, p->id, "removed");
    }
  }
  int changed = stats->added || stats->updated || stats->removed;
  if (!st && changed) st = mark_duplicates(w, &stats->duplicate_groups, err);
  /* Nothing written (no page changed, not even a touched one's mtime):
   * no commit, so the revision, and with it the readers' caches, ETags
   * and tag table, stay as they are. */
  stats->committed = !st && ra_xwriter_changes(w) > 0;
  if (stats->committed) st = write_metadata(w, NULL, gen, cfg, err);
  if (!st && stats->committed) st = ra_xwriter_end(w, 1, err);
  else ra_xwriter_end(w, 0, NULL);
  ra_analyzer_free(wk.an);
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
    if (!p || ps.err || p->mtime_ns != ps.mtime_ns || p->size != ps.size) {
      c++;
      *bytes += ps.size;
    }
  }
  return c;
}

ra_status ra_index_build(const ra_index_opts *o, ra_index_stats *stats,
                         ra_error *err) {
  memset(stats, 0, sizeof *stats);
  build b;
  memset(&b, 0, sizeof b);
  b.o = o;
  b.stats = stats;
  b.t0 = now_seconds();
  b.max_size = o->max_file_size ? o->max_file_size : RA_DEFAULT_MAX_FILE;
  unsigned long long max_update =
      o->max_update_bytes ? o->max_update_bytes : RA_DEFAULT_MAX_UPDATE;
  pthread_mutex_init(&b.mu, NULL);
  ra_idxlock *lock = NULL;
  ra_model *model = NULL;
  ra_xwriter *w = NULL;
  prev_map prev = {0};
  char cur[64] = "", tags[RA_PATH_MAX], syn[RA_PATH_MAX];
  size_t scan_errors = 0;

  if (o->tags_file) snprintf(tags, sizeof tags, "%s", o->tags_file);
  else sibling_path_for(o->inputs[0], "tags.txt", tags, sizeof tags);
  if (o->synonyms_file) snprintf(syn, sizeof syn, "%s", o->synonyms_file);
  else sibling_path_for(o->inputs[0], "synonyms.txt", syn, sizeof syn);
  uint64_t cfg = config_hash(tags, syn);

  ra_status st = ra_idxdir_lock(o->db_dir, &lock, err);
  if (!st) {
    /* A killed rebuild's shards: never live, safe to drop under the lock. */
    char shards[RA_PATH_MAX];
    snprintf(shards, sizeof shards, "%s/tmp-shards", o->db_dir);
    ra_rmtree(shards, NULL);
  }
  if (!st)
    st = ra_index_scan(o->inputs, o->n_inputs, &b.paths, &b.ids, &b.n,
                       &scan_errors, locked_warn, &b, err);
  stats->failed += scan_errors;
  stats->scan_errors += scan_errors;
  if (!st) st = ra_idxdir_current(o->db_dir, cur, sizeof cur, err);

  /* An update needs a live generation built the same way. */
  const char *why_full = o->rebuild ? NULL : "no index yet";
  if (!st && !o->rebuild && cur[0]) {
    char path[RA_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", o->db_dir, cur);
    ra_error werr;
    ra_error_clear(&werr);
    if (ra_xwriter_open(path, RA_XW_OPEN, &w, &werr) != RA_OK) {
      why_full = "the live index could not be opened for update";
    } else {
      char *v = NULL, *mv = NULL;
      size_t vl = 0, ml = 0;
      char want[32];
      snprintf(want, sizeof want, "%016llx", (unsigned long long)cfg);
      if (ra_xwriter_get_metadata(w, RA_META_CONFIG, &v, &vl, NULL) != RA_OK ||
          strcmp(v, want) != 0) {
        why_full = "the tag list, synonyms or index format changed";
      } else if (ra_xwriter_get_metadata(w, RA_META_MODEL, &mv, &ml, NULL) != RA_OK ||
                 ra_model_new(&model, NULL) != RA_OK ||
                 ra_model_load(model, mv, ml, NULL) != RA_OK) {
        why_full = "the live index holds no corpus model";
      } else if (ra_xwriter_values(w, RA_SLOT_STATE, load_state_cb, &prev,
                                   NULL) != RA_OK || prev.nomem) {
        why_full = "the live index's state could not be read";
      } else {
        why_full = NULL;
        b.prev = &prev;
        b.model = model;
        unsigned long long cand_bytes = 0;
        size_t cand = count_candidates(&b, &cand_bytes);
        size_t base = prev.n > b.n ? prev.n : b.n;
        if (cand > 64 && (double)cand > RA_UPDATE_MAX_SHARE * (double)base)
          why_full = "more than a quarter of the pages changed";
        else if (cand_bytes > max_update)
          why_full = "more changed page text than --max-update-size";
      }
      free(v);
      free(mv);
      if (why_full) {
        ra_xwriter_free(w);
        w = NULL;
        b.prev = NULL;
        free(b.pst);
        b.pst = NULL;
        b.model = NULL;
        ra_model_free(model);
        model = NULL;
      }
    }
  }

  if (!st && w) {
    stats->incremental = 1;
    st = build_update(&b, w, syn, cur, cfg, err);
    ra_status cst = ra_xwriter_close(w, st ? NULL : err);
    if (!st) st = cst;
    ra_xwriter_free(w);
    if (!st && stats->committed) {
      /* The update is committed either way: without a table for its
       * revision, readers count tags through Xapian as before. */
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
  } else if (!st) {
    if (why_full && o->info) {
      char msg[200];
      snprintf(msg, sizeof msg, "full rebuild: %s", why_full);
      o->info(o->warn_ctx, o->db_dir, 0, (size_t)-1, msg);
    }
    st = ra_model_new(&model, err);
    if (!st) st = learn_model(model, b.paths, b.n, b.max_size, tags, err);
    b.model = model;
    if (!st) st = build_full(&b, syn, cfg, cur, err);
  }
  prev_free(&prev);
  free(b.pst);
  ra_model_free(model);
  ra_strv_free(b.paths, b.n);
  ra_strv_free(b.ids, b.n);
  ra_idxdir_unlock(lock);
  pthread_mutex_destroy(&b.mu);
  stats->seconds = now_seconds() - b.t0;
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
    st = read_page(path, max_size, &text, &len, &repaired, warn, warn_ctx, err);
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
