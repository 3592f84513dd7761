/* lexicon.c - merging the shards' spelling and synonym tables for a query
 * host (see lexicon.h): each shard keeps its own as RA_META_LEXICON, which a
 * remote server does serve, and this writes them into one local database. */
#define _GNU_SOURCE
#include "lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "idxdir.h"
#include "schema.h"
#include "store.h"

struct ra_lexicon {
  ra_xdb *db;
  char *tmpdir; /* private copy to remove; NULL for the published one */
  char *stamp;
};

char *ra_lexicon_stamp(ra_xdb *cluster) {
  size_t n = ra_xdb_cluster_size(cluster);
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  if (!f) return NULL;
  for (size_t i = 0; i < n; i++) {
    const char *rev = ra_xdb_shard_revision(cluster, i);
    fprintf(f, "%zu:%s;", i + 1, rev ? rev : "missing");
  }
  if (fclose(f) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* One shard's lines into w. */
static ra_status merge_text(ra_xwriter *w, char *text, const char *what, ra_error *err) {
  ra_status st = RA_OK;
  for (char *line = text; !st && line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    char *a = strchr(line, '\t');
    char *b = a ? strchr(a + 1, '\t') : NULL;
    if (a && b && b > a + 1 && b[1]) {
      *a = *b = '\0';
      if (line[0] == 's' && line[1] == '\0') {
        char *end;
        errno = 0;
        unsigned long f = strtoul(b + 1, &end, 10);
        if (!errno && !*end && f > 0 && f <= 0xffffffffUL)
          st = ra_xwriter_add_spelling(w, a + 1, strlen(a + 1), (unsigned)f, err);
      } else if (line[0] == 'y' && line[1] == '\0') {
        st = ra_xwriter_add_synonym(w, a + 1, b + 1, err);
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  if (st) ra_error_set(err, st, "%s: %s", what, ra_error_message(err));
  return st;
}

/* Merge every answering shard's lexicon into a new database at dest. */
static ra_status build_into(ra_xdb *cluster, const char *dest, const char *stamp, int sync,
                            ra_error *err) {
  ra_xwriter *w = NULL;
  ra_status st = ra_xwriter_open(dest, RA_XW_CREATE | (sync ? 0 : RA_XW_NO_SYNC), &w, err);
  size_t n = ra_xdb_cluster_size(cluster);
  for (size_t i = 0; !st && i < n; i++) {
    if (!ra_xdb_shard_revision(cluster, i)) continue; /* missing: adds nothing */
    char *blob = NULL, *text = NULL;
    size_t bl = 0, tl = 0;
    ra_error e;
    ra_error_clear(&e);
    if (ra_xdb_shard_metadata(cluster, i, RA_META_LEXICON, &blob, &bl, &e) != RA_OK) {
      free(blob);
      continue; /* it went away since: the next probe notices */
    }
    char what[64];
    snprintf(what, sizeof what, "shard %zu lexicon", i + 1);
    if (bl) {
      st = ra_store_unpack(blob, bl, &text, &tl, err);
      if (st) ra_error_set(err, st, "%s: %s", what, ra_error_message(err));
      if (!st) st = merge_text(w, text, what, err);
    }
    free(blob);
    free(text);
  }
  if (!st) st = ra_xwriter_set_metadata(w, RA_META_LEXICON_OF, stamp, strlen(stamp), err);
  if (!st) st = ra_xwriter_commit(w, err);
  ra_xwriter_free(w);
  return st;
}

static ra_lexicon *lexicon_new(ra_xdb *db, char *tmpdir, char *stamp) {
  ra_lexicon *lx = calloc(1, sizeof *lx);
  if (!lx) return NULL;
  lx->db = db;
  lx->tmpdir = tmpdir;
  lx->stamp = stamp;
  return lx;
}

ra_status ra_lexicon_open(ra_xdb *cluster, const char *cluster_file, ra_lexicon **out,
                          ra_error *err) {
  *out = NULL;
  char *stamp = ra_lexicon_stamp(cluster);
  if (!stamp) return ra_error_set(err, RA_ERR_NOMEM, "lexicon");
  /* The published one, if it is of these revisions. */
  char *pub = NULL;
  if (asprintf(&pub, "%s.lex", cluster_file) < 0) pub = NULL;
  ra_xdb *db = NULL;
  if (pub && ra_xdb_open(pub, &db, NULL) == RA_OK) {
    char *of = NULL;
    size_t ol = 0;
    int fresh = ra_xdb_get_metadata(db, RA_META_LEXICON_OF, &of, &ol, NULL) == RA_OK &&
                strcmp(of, stamp) == 0;
    free(of);
    if (fresh) {
      free(pub);
      *out = lexicon_new(db, NULL, stamp);
      if (*out) return RA_OK;
      ra_xdb_free(db);
      return ra_error_set(err, RA_ERR_NOMEM, "lexicon");
    }
    ra_xdb_free(db);
    db = NULL;
  }
  free(pub);
  /* Stale or none: a private one. */
  const char *tmp = getenv("TMPDIR");
  char *dir = NULL;
  if (asprintf(&dir, "%s/rasearch-lexicon-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) dir = NULL;
  if (!dir || !mkdtemp(dir)) {
    ra_status st = dir ? ra_error_set(err, RA_ERR_IO, "lexicon: %s: %s", dir, strerror(errno))
                       : ra_error_set(err, RA_ERR_NOMEM, "lexicon");
    free(dir);
    free(stamp);
    return st;
  }
  ra_status st = build_into(cluster, dir, stamp, 0, err);
  if (!st) st = ra_xdb_open(dir, &db, err);
  if (!st && !(*out = lexicon_new(db, dir, stamp))) st = ra_error_set(err, RA_ERR_NOMEM, "lexicon");
  if (st) {
    ra_xdb_free(db);
    (void)ra_rmtree(dir, NULL);
    free(dir);
    free(stamp);
  }
  return st;
}

ra_xdb *ra_lexicon_db(ra_lexicon *lx) { return lx ? lx->db : NULL; }
const char *ra_lexicon_of(const ra_lexicon *lx) { return lx ? lx->stamp : ""; }

void ra_lexicon_free(ra_lexicon *lx) {
  if (!lx) return;
  ra_xdb_free(lx->db);
  if (lx->tmpdir) (void)ra_rmtree(lx->tmpdir, NULL);
  free(lx->tmpdir);
  free(lx->stamp);
  free(lx);
}

ra_status ra_lexicon_publish(const char *cluster_file, size_t *shards, size_t *missing,
                             ra_error *err) {
  if (shards) *shards = 0;
  if (missing) *missing = 0;
  ra_cluster_spec *spec = NULL;
  ra_xdb *db = NULL;
  ra_status st = ra_cluster_parse(cluster_file, &spec, err);
  if (!st) st = ra_xdb_open_cluster(spec, &db, err); /* takes spec */
  if (st) return st;
  if (shards) *shards = ra_xdb_cluster_size(db);
  if (missing) *missing = ra_xdb_cluster_missing(db, NULL, 0);
  char *dir = NULL, *stamp = ra_lexicon_stamp(db);
  if (asprintf(&dir, "%s.lex", cluster_file) < 0) dir = NULL;
  if (!dir || !stamp) st = ra_error_set(err, RA_ERR_NOMEM, "lexicon");
  ra_idxlock *lock = NULL;
  char gen[64], path[RA_PATH_MAX];
  if (!st) st = ra_idxdir_lock(dir, &lock, err);
  if (!st) st = ra_idxdir_next(dir, gen, sizeof gen, path, sizeof path, err);
  if (!st) st = build_into(db, path, stamp, 1, err);
  if (!st) st = ra_idxdir_publish(dir, gen, err);
  if (!st) (void)ra_idxdir_gc(dir, NULL, NULL);
  ra_idxdir_unlock(lock);
  free(dir);
  free(stamp);
  ra_xdb_free(db);
  return st;
}
