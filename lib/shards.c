/* shards.c - building a cluster's shards on one machine (see shards.h):
 * each shard through ra_index_build, one global near-duplicate grouping,
 * then the cluster file, written aside and renamed into place. */
#define _GNU_SOURCE
#include "shards.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "idxdir.h"

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stats_sum(ra_index_stats *t, const ra_index_stats *s) {
  t->files += s->files;
  t->indexed += s->indexed;
  t->failed += s->failed;
  t->url_errors += s->url_errors;
  t->repaired += s->repaired;
  t->added += s->added;
  t->updated += s->updated;
  t->removed += s->removed;
  t->unchanged += s->unchanged;
  t->scan_errors += s->scan_errors;
  t->acronyms += s->acronyms;
  t->bytes += s->bytes;
  t->index_seconds += s->index_seconds;
  t->merge_seconds += s->merge_seconds;
  if (s->committed) t->committed = 1;
  /* Every shard reads all of synonyms.txt: the same count in each. */
  t->synonyms = s->synonyms;
}

/* DIR/cluster, through a temporary file renamed over it: a reader sees
 * the old file or the new one.  Paths are absolute, so the file names the
 * shards wherever it is read from. */
static ra_status write_cluster(const char *dir, unsigned n, ra_error *err) {
  char abs[PATH_MAX], path[RA_PATH_MAX], tmp[RA_PATH_MAX];
  if (!realpath(dir, abs))
    return ra_error_set(err, RA_ERR_IO, "%s: %s", dir, strerror(errno));
  if (strlen(abs) + sizeof RA_CLUSTER_FILE + 8 > sizeof tmp)
    return ra_error_set(err, RA_ERR_TOOBIG, "%s: path too long", dir);
  snprintf(path, sizeof path, "%.*s/%s", (int)(sizeof path - 16), abs, RA_CLUSTER_FILE);
  snprintf(tmp, sizeof tmp, "%.*s/%s.tmp", (int)(sizeof tmp - 16), abs, RA_CLUSTER_FILE);
  FILE *f = fopen(tmp, "we");
  if (!f) return ra_error_set(err, RA_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  fprintf(f, "# rasearch cluster: %u shard%s\n", n, n == 1 ? "" : "s");
  for (unsigned k = 1; k <= n; k++)
    fprintf(f, "shard %u/%u %s/shard-%u\n", k, n, abs, k);
  int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
  int e = errno;
  if (fclose(f) != 0 && !bad) {
    bad = 1;
    e = errno;
  }
  if (bad || rename(tmp, path) != 0) {
    if (!bad) e = errno;
    unlink(tmp);
    return ra_error_set(err, RA_ERR_IO, "cannot write %s: %s", path, strerror(e));
  }
  int dfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  return RA_OK;
}

/* After a rebuild into fewer shards: the higher ones of the old split are
 * no longer in the cluster. */
static void remove_stale_shards(const char *dir, unsigned n) {
  for (unsigned k = n + 1; k <= RA_SHARDS_MAX; k++) {
    char p[RA_PATH_MAX];
    struct stat sb;
    if (snprintf(p, sizeof p, "%s/shard-%u", dir, k) >= (int)sizeof p) break;
    if (stat(p, &sb) != 0) break;
    ra_rmtree(p, NULL);
  }
}

ra_status ra_shards_build(const ra_index_opts *o, unsigned n,
                          ra_index_stats *total, ra_index_stats *per,
                          ra_error *err) {
  double t0 = now_seconds();
  memset(total, 0, sizeof *total);
  if (n < 1 || n > RA_SHARDS_MAX)
    return ra_error_set(err, RA_ERR_USAGE, "--shards: %u: expected 1-%d", n,
                        RA_SHARDS_MAX);
  ra_idxlock *lock = NULL;
  char cur[64] = "";
  /* One cluster build at a time in DIR; each shard has its own lock too. */
  ra_status st = ra_idxdir_lock(o->db_dir, &lock, err);
  if (!st) st = ra_idxdir_current(o->db_dir, cur, sizeof cur, err);
  if (!st && cur[0])
    st = ra_error_set(err, RA_ERR_USAGE,
                      "%s holds an index of the whole collection, not a "
                      "cluster of shards: use another --db for --shards",
                      o->db_dir);
  char **dirs = calloc(n, sizeof *dirs);
  if (!st && !dirs) st = ra_error_set(err, RA_ERR_NOMEM, "%u shards", n);
  int all_updates = 1;
  for (unsigned k = 1; !st && k <= n; k++) {
    if (asprintf(&dirs[k - 1], "%s/shard-%u", o->db_dir, k) < 0) {
      dirs[k - 1] = NULL;
      st = ra_error_set(err, RA_ERR_NOMEM, "shard %u/%u", k, n);
      break;
    }
    ra_index_opts so = *o;
    so.db_dir = dirs[k - 1];
    so.shard = k;
    so.shards = n;
    so.defer_groups = 1;
    /* urls.tsv's bad lines are named (and counted) by the first shard:
     * the others read the same files. */
    so.url_lines_named = k > 1;
    ra_index_stats s;
    st = ra_index_build(&so, &s, err);
    if (per) per[k - 1] = s;
    stats_sum(total, &s); /* skipped stays 0: every page is one shard's */
    if (!s.incremental) all_updates = 0;
  }
  total->incremental = all_updates;
  unsigned long long *rev = calloc(n, sizeof *rev);
  if (!st && !rev) st = ra_error_set(err, RA_ERR_NOMEM, "%u shards", n);
  if (!st)
    st = ra_index_regroup((const char *const *)dirs, n, &total->duplicate_groups,
                          rev, err);
  for (unsigned k = 0; !st && per && k < n; k++) {
    per[k].revision = rev[k];
    if (rev[k] > total->revision) total->revision = rev[k];
  }
  free(rev);
  if (!st) st = write_cluster(o->db_dir, n, err);
  if (!st && o->rebuild) remove_stale_shards(o->db_dir, n);
  for (unsigned k = 0; dirs && k < n; k++) free(dirs[k]);
  free(dirs);
  ra_idxdir_unlock(lock);
  total->seconds = now_seconds() - t0;
  return st;
}
