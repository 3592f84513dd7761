/* index.c - the full-build pipeline: scan, learn, parse, analyse, write,
 * publish. */
#define _GNU_SOURCE
#include "index.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze.h"
#include "idxdir.h"
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
      char *id = S_ISDIR(st.st_mode) ? make_id(root, c.paths.v[k])
                                     : ra_article_id_from_path(c.paths.v[k]);
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

typedef struct doc_ctx {
  ra_xdoc *doc;
  unsigned wdf;
  int title; /* also add S-prefixed title terms */
  ra_status st;
  ra_error *err;
  char buf[300];
} doc_ctx;

static int add_token(void *vctx, const ra_token *t) {
  doc_ctx *c = vctx;
  uint32_t pos = t->pos + 1; /* Xapian positions start at 1 */
  c->st = ra_xdoc_add_posting(c->doc, t->word, t->word_len, pos, c->wdf, c->err);
  if (c->st) return 1;
  if (t->stem_len + 3 < sizeof c->buf) {
    c->buf[0] = 'Z';
    memcpy(c->buf + 1, t->stem, t->stem_len);
    c->st = ra_xdoc_add_term(c->doc, c->buf, t->stem_len + 1, c->wdf, c->err);
    if (c->st) return 1;
  }
  if (c->title && t->word_len + 2 < sizeof c->buf) {
    c->buf[0] = 'S';
    memcpy(c->buf + 1, t->word, t->word_len);
    c->st = ra_xdoc_add_posting(c->doc, c->buf, t->word_len + 1, pos, 1, c->err);
    if (c->st) return 1;
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

static uint64_t fnv1a(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

static ra_status index_article(ra_analyzer *an, ra_xwriter *w,
                               const ra_article *a, const char *text,
                               size_t len, ra_error *err) {
  ra_xdoc *doc = NULL;
  char *json = NULL, *blob = NULL;
  size_t blob_len = 0;
  ra_status st = ra_xdoc_new(&doc, err);
  if (st) return st;
  doc_ctx c = {.doc = doc, .err = err};
  uint32_t pos = 0;
  c.title = 1;
  st = add_field(an, &c, a->title, RA_WDF_TITLE, &pos);
  c.title = 0;
  for (size_t i = 0; !st && i < a->n_tags; i++) {
    st = add_field(an, &c, a->tags[i], RA_WDF_TAG, &pos);
    if (!st) st = add_boolean_folded(an, doc, RA_PREFIX_TAG, a->tags[i], err);
  }
  if (!st && a->category) {
    st = add_field(an, &c, a->category, RA_WDF_HEADING, &pos);
    if (!st)
      st = add_boolean_folded(an, doc, RA_PREFIX_CATEGORY, a->category, err);
  }
  for (size_t i = 0; !st && i < a->n_sections; i++) {
    const ra_section *s = &a->sections[i];
    st = add_field(an, &c, s->heading, RA_WDF_HEADING, &pos);
    for (size_t b = 0; !st && b < s->n_blocks; b++)
      st = add_field(an, &c, s->blocks[b].text, RA_WDF_BODY, &pos);
  }
  for (size_t i = 0; !st && i < a->n_faqs; i++) {
    st = add_field(an, &c, a->faqs[i].question, RA_WDF_HEADING, &pos);
    for (size_t b = 0; !st && b < a->faqs[i].n_answer; b++)
      st = add_field(an, &c, a->faqs[i].answer[b].text, RA_WDF_BODY, &pos);
  }
  for (size_t i = 0; !st && i < a->n_illustrations; i++)
    st = add_field(an, &c, a->illustrations[i], RA_WDF_ILLUSTRATION, &pos);
  if (!st) st = ra_article_to_json(a, 0, &json, err);
  if (!st) st = ra_store_pack(json, strlen(json), &blob, &blob_len, err);
  if (!st) st = ra_xdoc_set_data(doc, blob, blob_len, err);
  if (!st) {
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv1a(text, len));
    st = ra_xdoc_set_value(doc, RA_SLOT_HASH, hex, 16, err);
  }
  char *idterm = NULL;
  if (!st && asprintf(&idterm, RA_PREFIX_ID "%s", a->id) < 0) {
    idterm = NULL;
    st = ra_error_set(err, RA_ERR_NOMEM, "id term");
  }
  if (!st) st = ra_xdoc_add_boolean_term(doc, idterm, strlen(idterm), err);
  if (!st) st = ra_xwriter_replace(w, idterm, doc, err);
  free(idterm);
  free(json);
  free(blob);
  ra_xdoc_free(doc);
  return st;
}

/* ---- the build ----------------------------------------------------------- */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tags_path_for(const char *input, char *out, size_t size) {
  struct stat st;
  if (stat(input, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(out, size, "%s/tags.txt", input);
  } else {
    const char *slash = strrchr(input, '/');
    if (slash)
      snprintf(out, size, "%.*s/tags.txt", (int)(slash - input), input);
    else
      snprintf(out, size, "tags.txt");
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
  size_t step = n > RA_MODEL_SAMPLE ? n / RA_MODEL_SAMPLE : 1;
  for (size_t i = 0; i < n; i += step) {
    char *text = NULL;
    size_t len = 0;
    int repaired = 0;
    if (ra_article_read_file(paths[i], max_size, &text, &len, &repaired, NULL,
                             NULL, NULL) != RA_OK)
      continue; /* reported during the main pass */
    st = ra_model_learn(m, text, len, err);
    free(text);
    if (st) return st;
  }
  return ra_model_finish(m, err);
}

ra_status ra_index_build(const ra_index_opts *o, ra_index_stats *stats,
                         ra_error *err) {
  double t0 = now_seconds();
  memset(stats, 0, sizeof *stats);
  size_t max_size = o->max_file_size ? o->max_file_size : RA_DEFAULT_MAX_FILE;
  char **paths = NULL, **ids = NULL;
  size_t n = 0, scan_errors = 0;
  ra_idxlock *lock = NULL;
  ra_model *model = NULL;
  ra_analyzer *an = NULL;
  ra_xwriter *w = NULL;
  char gen[64] = "", gen_path[RA_PATH_MAX], prev[64] = "";
  int published = 0;

  ra_status st = ra_idxdir_lock(o->db_dir, &lock, err);
  if (!st)
    st = ra_index_scan(o->inputs, o->n_inputs, &paths, &ids, &n, &scan_errors,
                       o->warn, o->warn_ctx, err);
  stats->failed += scan_errors;
  if (!st) st = ra_model_new(&model, err);
  if (!st) {
    char tags[RA_PATH_MAX];
    if (o->tags_file)
      snprintf(tags, sizeof tags, "%s", o->tags_file);
    else
      tags_path_for(o->inputs[0], tags, sizeof tags);
    st = learn_model(model, paths, n, max_size, tags, err);
  }
  if (!st) st = ra_analyzer_new(&an, err);
  if (!st) st = ra_idxdir_current(o->db_dir, prev, sizeof prev, err);
  if (!st)
    st = ra_idxdir_next(o->db_dir, gen, sizeof gen, gen_path, sizeof gen_path,
                        err);
  /* The generation is fsync'd as a whole before publication. */
  if (!st) st = ra_xwriter_open(gen_path, RA_XW_CREATE | RA_XW_NO_SYNC, &w, err);

  for (size_t i = 0; !st && i < n; i++) {
    stats->files++;
    char *text = NULL;
    size_t len = 0;
    int repaired = 0;
    ra_error ferr;
    ra_error_clear(&ferr);
    ra_status fst = ra_article_read_file(paths[i], max_size, &text, &len,
                                         &repaired, o->warn, o->warn_ctx,
                                         &ferr);
    ra_article *a = NULL;
    if (!fst)
      fst = ra_article_parse(model, ids[i], paths[i], text, len, &a, o->warn,
                             o->warn_ctx, &ferr);
    if (fst) {
      stats->failed++;
      if (o->warn)
        o->warn(o->warn_ctx, paths[i], 0, (size_t)-1, ra_error_message(&ferr));
      free(text);
      continue;
    }
    stats->bytes += len;
    st = index_article(an, w, a, text, len, err);
    if (!st) {
      stats->indexed++;
      if (repaired) stats->repaired++;
    }
    ra_article_free(a);
    free(text);
  }

  /* Publishing an empty index over a good one because every page failed
   * (or the corpus path held no pages) would lose the reader's search. */
  if (!st && stats->indexed == 0)
    st = n == 0 ? ra_error_set(err, RA_ERR_INVALID,
                               "no pages (*.txt) found in the corpus; the "
                               "index was not changed")
                : ra_error_set(err, RA_ERR_INVALID,
                               "none of the %zu pages could be indexed; the "
                               "index was not changed", n);
  if (!st) {
    char *saved = NULL;
    size_t saved_len = 0;
    st = ra_model_save(model, &saved, &saved_len, err);
    if (!st) st = ra_xwriter_set_metadata(w, "ra:model", saved, saved_len, err);
    free(saved);
    char meta[64];
    snprintf(meta, sizeof meta, "%ld", (long)time(NULL));
    if (!st) st = ra_xwriter_set_metadata(w, "ra:built", meta, strlen(meta), err);
    if (!st) st = ra_xwriter_set_metadata(w, "ra:format", "1", 1, err);
    if (!st) st = ra_xwriter_set_metadata(w, "ra:generation", gen, strlen(gen), err);
  }
  if (!st) st = ra_xwriter_commit(w, err);
  if (w) {
    ra_status cst = ra_xwriter_close(w, err);
    if (!st) st = cst;
    ra_xwriter_free(w);
  }
  if (!st) {
    st = ra_idxdir_publish(o->db_dir, gen, err);
    published = (st == RA_OK);
  }
  if (published) {
    /* Keep the previous generation one cycle for readers still on it. */
    ra_idxdir_gc(o->db_dir, prev, NULL);
    snprintf(stats->generation, sizeof stats->generation, "%s", gen);
  } else if (gen[0]) {
    char p[RA_PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", o->db_dir, gen);
    ra_rmtree(p, NULL);
  }
  ra_analyzer_free(an);
  ra_model_free(model);
  ra_strv_free(paths, n);
  ra_strv_free(ids, n);
  ra_idxdir_unlock(lock);
  stats->seconds = now_seconds() - t0;
  return st;
}

ra_status ra_index_dump(const char *path, size_t max_file_size, char **json,
                        ra_warn_fn warn, void *warn_ctx, ra_error *err) {
  *json = NULL;
  size_t max_size = max_file_size ? max_file_size : RA_DEFAULT_MAX_FILE;
  char dir[RA_PATH_MAX], tags[RA_PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (slash)
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  else
    snprintf(dir, sizeof dir, ".");
  tags_path_for(path, tags, sizeof tags);
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
    st = ra_article_read_file(path, max_size, &text, &len, &repaired, warn,
                              warn_ctx, err);
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
