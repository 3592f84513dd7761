/* ra-index - build the search index from a corpus of article pages, or show
 * how one page parses (--dump).  Options only; the work is in lib/index.c
 * (and lib/shards.c for --shards).
 * Exit codes: docs/exit-codes.md. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idxdir.h"
#include "index.h"
#include "lexicon.h"
#include "shards.h"
#include "status.h"

/* The exit code for a status: ra-index's column of the table in status.h. */
static int exit_for(ra_status st) { return ra_status_exit(st, RA_PROG_INDEX); }

typedef struct {
  int quiet, verbose, tty;
  int bar_shown;
  size_t warnings;
} warn_ctx;

static void clear_bar(warn_ctx *w) {
  if (w->bar_shown) {
    fputs("\r\033[K", stderr);
    w->bar_shown = 0;
  }
}

/* Progress on a terminal only: count, rate and time left. */
static void show_progress(void *ctx, size_t done, size_t total, double secs) {
  warn_ctx *w = ctx;
  if (!w->tty || w->quiet || total == 0) return;
  double rate = secs > 0 ? (double)done / secs : 0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0;
  int width = 30, fill = (int)((double)width * (double)done / (double)total);
  fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.0f/s  ETA %d:%02d ", fill,
          "##############################", width - fill, "", done, total,
          rate, (int)eta / 60, (int)eta % 60);
  w->bar_shown = 1;
  if (done == total) clear_bar(w);
}

static void print_info(void *ctx, const char *path, size_t line, size_t off,
                       const char *msg) {
  warn_ctx *w = ctx;
  (void)line;
  (void)off;
  if (!w->verbose) return;
  clear_bar(w);
  fprintf(stderr, "ra-index: %s: %s\n", path ? path : "-", msg);
}

/* --cluster FILE: publish FILE.lex from the shards' lexicons.  A shard
 * that does not answer adds nothing and makes the run partial (3). */
static int publish_lexicon(const char *file, int quiet) {
  ra_error err;
  ra_error_clear(&err);
  size_t n = 0, missing = 0;
  ra_status st = ra_lexicon_publish(file, &n, &missing, &err);
  if (st != RA_OK) {
    fprintf(stderr, "ra-index: %s\n", ra_error_message(&err));
    return exit_for(st);
  }
  if (missing)
    fprintf(stderr, "ra-index: %s: %zu of %zu shards did not answer: the lexicon lacks "
            "their words until the next run\n", file, missing, n);
  else if (!quiet)
    fprintf(stderr, "ra-index: %s: lexicon of %zu shards -> %s.lex\n", file, n, file);
  return missing ? RA_EXIT_INDEX_PARTIAL : exit_for(RA_OK);
}

/* The figures of one build (an index, or one shard of --shards). */
static json_t *stats_object(const ra_index_stats *s, const char *db,
                            const char *shard) {
  return json_pack(
      "{s:s,s:s,s:s?,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f}",
      "db", db, "generation", s->generation, "shard", shard,
      "mode", s->incremental ? "update" : "rebuild", "committed", s->committed,
      "revision", (json_int_t)s->revision,
      "files", (json_int_t)s->files, "indexed", (json_int_t)s->indexed,
      "skipped", (json_int_t)s->skipped,
      "added", (json_int_t)s->added, "updated", (json_int_t)s->updated,
      "removed", (json_int_t)s->removed, "unchanged", (json_int_t)s->unchanged,
      "failed", (json_int_t)s->failed, "url_errors", (json_int_t)s->url_errors,
      "repaired", (json_int_t)s->repaired,
      "bytes", (json_int_t)s->bytes, "synonyms", (json_int_t)s->synonyms,
      "acronyms", (json_int_t)s->acronyms,
      "duplicate_groups", (json_int_t)s->duplicate_groups,
      "seconds", s->seconds, "index_seconds", s->index_seconds,
      "merge_seconds", s->merge_seconds);
}

/* --stats-json: schema, status, then the figures; with --shards the
 * summed figures and "shards", one object per shard. */
static int write_stats_json(const char *file, const ra_index_stats *s,
                            const char *db, const char *status,
                            const char *shard, unsigned n_per,
                            const ra_index_stats *per, char *const *per_db) {
  json_t *o = json_pack("{s:i,s:s}", "schema", 1, "status", status);
  json_t *f = stats_object(s, db, shard);
  if (!o || !f || json_object_update(o, f) != 0) {
    json_decref(o);
    json_decref(f);
    return -1;
  }
  json_decref(f);
  if (n_per) {
    json_t *a = json_array();
    if (!a || json_object_set_new(o, "shards", a) != 0) {
      json_decref(o);
      return -1;
    }
    for (unsigned k = 0; k < n_per; k++) {
      char sh[32];
      snprintf(sh, sizeof sh, "%u/%u", k + 1, n_per);
      if (json_array_append_new(a, stats_object(&per[k], per_db[k], sh)) != 0) {
        json_decref(o);
        return -1;
      }
    }
  }
  int r = json_dump_file(o, file, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(o);
  return r;
}

static void print_warning(void *ctx, const char *path, size_t line,
                          size_t off, const char *msg) {
  warn_ctx *w = ctx;
  w->warnings++;
  if (w->quiet) return;
  clear_bar(w);
  /* Library messages often start with the file name already. */
  if (path) {
    size_t pl = strlen(path);
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && msg[pl + 1] == ' ')
      msg += pl + 2;
  }
  if (line > 0)
    fprintf(stderr, "ra-index: %s:%zu: %s\n", path ? path : "-", line, msg);
  else if (off != (size_t)-1)
    fprintf(stderr, "ra-index: %s: byte %zu: %s\n", path ? path : "-", off,
            msg);
  else
    fprintf(stderr, "ra-index: %s: %s\n", path ? path : "-", msg);
}

static void usage(FILE *f) {
  fprintf(f,
          "Usage: ra-index [OPTIONS] CORPUS_DIR|FILE...\n"
          "       ra-index --dump FILE\n"
          "Build or update the rasearch index from article pages (*.txt, *.txt.gz)\n"
          "and JSON Lines files (*.jsonl, *.jsonl.gz; one {id,title,body,tags,\n"
          "category,url} object per line).  Unchanged pages are not re-read.\n\n"
          "  -d, --db PATH           index directory (default: $RASEARCH_DB,\n"
          "                          else %s)\n"
          "  -t, --tags FILE         known-tags list (default: tags.txt in "
          "the corpus)\n"
          "  -s, --synonyms FILE     synonym groups (default: synonyms.txt in "
          "the corpus)\n"
          "      --url-template T    article URLs from T's {id}, {slug} and "
          "{category_slug}\n"
          "                          (after each record's own url and "
          "urls.tsv in the corpus)\n"
          "      --rebuild           rebuild from scratch aside and swap, even "
          "if an\n"
          "                          update would do (and to change --shard or "
          "--shards)\n"
          "      --shard K/N         build shard K of N: only the articles the "
          "shard\n"
          "                          rule gives it (1 <= K <= N <= %d)\n"
          "      --shards N          build all N shards into DIR/shard-1..N, "
          "group\n"
          "                          near-duplicates across them and write "
          "DIR/cluster\n"
          "  -j, --jobs N            worker threads for a rebuild, 1-64 (default: "
          "cores)\n"
          "      --cluster FILE      merge the shards' spelling and synonym "
          "tables for\n"
          "                          the query host of cluster FILE into "
          "FILE.lex\n"
          "      --stats-json FILE   write the run's figures as JSON\n"
          "  -v, --verbose           name every page added, updated or removed\n"
          "      --max-file-size N   skip pages larger than N bytes, suffix "
          "k or M\n"
          "                          (default %u; 0 = no limit)\n"
          "      --max-update-size N rebuild, not update, past N bytes of "
          "changed\n"
          "                          pages (default %lluM; bounds an "
          "update's memory)\n"
          "      --dump FILE         print how FILE parses, as JSON, and exit\n"
          "  -q, --quiet             no per-file warnings\n"
          "  -h, --help              this help\n"
          "  -V, --version           version\n\n"
          "Exit status: %d all pages indexed, %d usage, %d some pages or URL lines "
          "failed (the rest\nare indexed), %d error (the previous index is kept), %d "
          "index locked.\n",
          RA_DEFAULT_DB, RA_SHARDS_MAX, RA_DEFAULT_MAX_FILE,
          (unsigned long long)(RA_DEFAULT_MAX_UPDATE >> 20), exit_for(RA_OK),
          exit_for(RA_ERR_USAGE), RA_EXIT_INDEX_PARTIAL, exit_for(RA_ERR_IO),
          exit_for(RA_ERR_LOCKED));
}

/* Digits only (no sign, space or other text), as an unsigned in
 * [1, RA_SHARDS_MAX]; 0 when not. */
static unsigned parse_count(const char *s, const char *end) {
  unsigned long v = 0;
  if (s == end || end - s > 5) return 0;
  for (const char *p = s; p < end; p++) {
    if (*p < '0' || *p > '9') return 0;
    v = v * 10 + (unsigned long)(*p - '0');
  }
  return v >= 1 && v <= RA_SHARDS_MAX ? (unsigned)v : 0;
}

/* --shard K/N into *k, *n: 0, else -1 with the reason printed. */
static int shard_option(const char *arg, unsigned *k, unsigned *n) {
  const char *slash = strchr(arg, '/');
  if (slash) {
    *k = parse_count(arg, slash);
    *n = parse_count(slash + 1, slash + 1 + strlen(slash + 1));
  }
  if (!slash || !*k || !*n || *k > *n) {
    fprintf(stderr, "ra-index: --shard: expected K/N with 1 <= K <= N <= %d, "
            "got '%s'\n", RA_SHARDS_MAX, arg);
    return -1;
  }
  return 0;
}

/* A byte count: decimal digits, then k/K (KiB) or m/M (MiB).  0: *out set;
 * -1: not a size (no digits first, a sign, a space, another suffix); -2:
 * a size beyond SIZE_MAX bytes (strtoull would wrap or saturate it). */
static int parse_size(const char *s, size_t *out) {
  char *end;
  unsigned long long v, unit = 1;
  if (!s || *s < '0' || *s > '9') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (*end == 'k' || *end == 'K') { unit = 1024ull; end++; }
  else if (*end == 'm' || *end == 'M') { unit = 1024ull * 1024ull; end++; }
  if (*end) return -1;
  if (errno == ERANGE || v > (unsigned long long)SIZE_MAX / unit) return -2;
  *out = (size_t)(v * unit);
  return 0;
}

/* Parse option opt's size argument into *out; prints why not and returns
 * -1 when it is not a size (the message says "not " + what) or out of
 * range. */
static int size_option(const char *opt, const char *what, const char *arg,
                       size_t *out) {
  int r = parse_size(arg, out);
  if (r == -1)
    fprintf(stderr, "ra-index: %s: not %s: '%s' (digits, optionally followed "
            "by k or M)\n", opt, what, arg);
  else if (r == -2)
    fprintf(stderr, "ra-index: %s: out of range: '%s' (at most %zuM)\n", opt,
            arg, (size_t)(SIZE_MAX >> 20));
  return r ? -1 : 0;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"db", required_argument, NULL, 'd'},
      {"tags", required_argument, NULL, 't'},
      {"max-file-size", required_argument, NULL, 'm'},
      {"max-update-size", required_argument, NULL, 'U'},
      {"dump", required_argument, NULL, 'D'},
      {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'},
      {"synonyms", required_argument, NULL, 's'},
      {"rebuild", no_argument, NULL, 'R'},
      {"jobs", required_argument, NULL, 'j'},
      {"stats-json", required_argument, NULL, 'S'},
      {"shard", required_argument, NULL, 'K'},
      {"shards", required_argument, NULL, 'N'},
      {"cluster", required_argument, NULL, 'C'},
      {"url-template", required_argument, NULL, 'T'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *db_opt = NULL, *tags = NULL, *dump = NULL, *syn = NULL;
  const char *stats_json = NULL, *url_template = NULL;
  int rebuild = 0, jobs = 0;
  unsigned shard = 0, shards = 0, cluster = 0;
  const char *cluster_file = NULL;
  size_t max_size = RA_DEFAULT_MAX_FILE, max_update = 0;
  warn_ctx w = {0, 0, isatty(STDERR_FILENO), 0, 0};
  ra_error err;
  ra_status st;
  int c;

  while ((c = getopt_long(argc, argv, "d:t:s:j:qvhV", longopts, NULL)) != -1) {
    switch (c) {
    case 'd': db_opt = optarg; break;
    case 't': tags = optarg; break;
    case 'm':
      if (size_option("--max-file-size", "a size", optarg, &max_size) != 0)
        return exit_for(RA_ERR_USAGE);
      break;
    case 'U':
      if (size_option("--max-update-size", "a size above 0", optarg, &max_update) != 0)
        return exit_for(RA_ERR_USAGE);
      if (max_update == 0) {
        fprintf(stderr, "ra-index: --max-update-size: out of range: '%s' "
                "(a size above 0)\n", optarg);
        return exit_for(RA_ERR_USAGE);
      }
      break;
    case 'D': dump = optarg; break;
    case 'C': cluster_file = optarg; break;
    case 'T': url_template = optarg; break;
    case 'q': w.quiet = 1; break;
    case 'v': w.verbose = 1; break;
    case 's': syn = optarg; break;
    case 'R': rebuild = 1; break;
    case 'S': stats_json = optarg; break;
    case 'K':
      if (shard_option(optarg, &shard, &shards) != 0) return exit_for(RA_ERR_USAGE);
      break;
    case 'N':
      cluster = parse_count(optarg, optarg + strlen(optarg));
      if (!cluster) {
        fprintf(stderr, "ra-index: --shards: expected 1-%d, got '%s'\n",
                RA_SHARDS_MAX, optarg);
        return exit_for(RA_ERR_USAGE);
      }
      break;
    case 'j': {
      char *end;
      long v = strtol(optarg, &end, 10);
      /* Digits only: no sign or space; strtol saturates past LONG_MAX. */
      if (*optarg < '0' || *optarg > '9' || *end || v < 1 || v > 64) {
        fprintf(stderr, "ra-index: --jobs: expected 1-64, got '%s'\n", optarg);
        return exit_for(RA_ERR_USAGE);
      }
      jobs = (int)v;
      break;
    }
    case 'h': usage(stdout); return exit_for(RA_OK);
    case 'V': printf("ra-index (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return exit_for(RA_OK);
    default: usage(stderr); return exit_for(RA_ERR_USAGE);
    }
  }
  if (shard && cluster) {
    fprintf(stderr, "ra-index: --shard and --shards exclude each other\n");
    return exit_for(RA_ERR_USAGE);
  }
  if (dump && (shard || cluster)) {
    fprintf(stderr, "ra-index: --dump takes neither --shard nor --shards\n");
    return exit_for(RA_ERR_USAGE);
  }
  if (cluster_file) {
    if (shard || cluster || dump || optind < argc) {
      fprintf(stderr, "ra-index: --cluster FILE takes no corpus, --shard, --shards or --dump\n");
      return exit_for(RA_ERR_USAGE);
    }
    return publish_lexicon(cluster_file, w.quiet);
  }
  if (db_opt && !*db_opt) {
    fprintf(stderr, "ra-index: --db: empty path\n");
    return exit_for(RA_ERR_USAGE);
  }
  ra_error_clear(&err);

  if (dump) {
    char *json = NULL;
    if (optind < argc) {
      fprintf(stderr, "ra-index: --dump takes one FILE and no corpus\n");
      return exit_for(RA_ERR_USAGE);
    }
    st = ra_index_dump(dump, tags, max_size ? max_size : (size_t)-1, &json,
                       print_warning, &w, &err);
    if (st != RA_OK) {
      fprintf(stderr, "ra-index: %s\n", ra_error_message(&err));
      /* A page refused for what it holds (empty, binary, too large, not
       * gzip) is a failed page, as in a run (3); one that cannot be read
       * at all (missing, a directory, unreadable) is an error (5). */
      if (st == RA_ERR_INVALID || st == RA_ERR_UTF8 || st == RA_ERR_TOOBIG ||
          st == RA_ERR_ZLIB)
        return RA_EXIT_INDEX_PARTIAL;
      return exit_for(st);
    }
    fputs(json, stdout);
    fputc('\n', stdout);
    free(json);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      fprintf(stderr, "ra-index: writing the dump to stdout failed: %s\n",
              strerror(errno));
      return exit_for(RA_ERR_IO);
    }
    return w.warnings ? RA_EXIT_INDEX_PARTIAL : exit_for(RA_OK);
  }

  if (optind >= argc) {
    fprintf(stderr, "ra-index: no corpus given\n");
    usage(stderr);
    return exit_for(RA_ERR_USAGE);
  }

  {
    ra_index_opts o;
    ra_index_stats stats;
    memset(&o, 0, sizeof o);
    memset(&stats, 0, sizeof stats);
    o.db_dir = ra_idxdir_choose(db_opt);
    o.inputs = (const char *const *)(argv + optind);
    o.n_inputs = (size_t)(argc - optind);
    o.tags_file = tags;
    o.synonyms_file = syn;
    o.url_template = url_template;
    o.rebuild = rebuild;
    o.jobs = jobs;
    o.max_file_size = max_size ? max_size : (size_t)-1;
    o.max_update_bytes = max_update;
    o.warn = print_warning;
    o.info = print_info;
    o.progress = show_progress;
    o.warn_ctx = &w;
    o.shard = shard;
    o.shards = shards;
    char shard_name[32] = "";
    if (shards) snprintf(shard_name, sizeof shard_name, "%u/%u", shard, shards);
    ra_index_stats *per = NULL;
    char **per_db = NULL;
    if (cluster) {
      per = calloc(cluster, sizeof *per);
      per_db = calloc(cluster, sizeof *per_db);
      for (unsigned k = 0; per_db && k < cluster; k++)
        if (asprintf(&per_db[k], "%s/shard-%u", o.db_dir, k + 1) < 0) per_db[k] = NULL;
      if (!per || !per_db) {
        fprintf(stderr, "ra-index: out of memory\n");
        return exit_for(RA_ERR_NOMEM);
      }
      st = ra_shards_build(&o, cluster, &stats, per, &err);
    } else {
      st = ra_index_build(&o, &stats, &err);
    }
    clear_bar(&w);
    if (stats_json &&
        write_stats_json(stats_json, &stats, o.db_dir,
                         st ? ra_status_name(st) : "ok",
                         shards ? shard_name : NULL, cluster, per, per_db) != 0) {
      fprintf(stderr, "ra-index: --stats-json: cannot write %s\n", stats_json);
      if (!st) st = RA_ERR_IO;
    }
    for (unsigned k = 0; per_db && k < cluster; k++) free(per_db[k]);
    free(per_db);
    if (st != RA_OK) {
      free(per);
      if (err.code != RA_OK) fprintf(stderr, "ra-index: %s\n", ra_error_message(&err));
      return exit_for(st);
    }
    if ((!w.quiet || stats.failed) && cluster) {
      for (unsigned k = 0; k < cluster; k++)
        fprintf(stderr,
                "ra-index: shard %u/%u: %s: %zu added, %zu updated, %zu "
                "removed, %zu unchanged, %zu failed, %.2f s -> "
                "%s/shard-%u/%s\n",
                k + 1, cluster, per[k].incremental ? "update" : "rebuild",
                per[k].added, per[k].updated, per[k].removed, per[k].unchanged,
                per[k].failed, per[k].seconds, o.db_dir, k + 1, per[k].generation);
      fprintf(stderr, "ra-index: %u shards: %zu articles, %zu near-duplicate "
              "groups, %.2f s -> %s/%s\n", cluster, stats.indexed,
              stats.duplicate_groups, stats.seconds, o.db_dir, RA_CLUSTER_FILE);
    } else if (!w.quiet || stats.failed || stats.url_errors) {
      char skipped[96] = "";
      if (shards)
        snprintf(skipped, sizeof skipped, " (shard %s; %zu articles of other "
                 "shards skipped)", shard_name, stats.skipped);
      fprintf(stderr,
              "ra-index: %s: %zu added, %zu updated, %zu removed, %zu unchanged, "
              "%zu failed (%zu repaired), %.2f s -> %s/%s%s%s\n",
              stats.incremental ? "update" : "rebuild", stats.added,
              stats.updated, stats.removed, stats.unchanged, stats.failed,
              stats.repaired, stats.seconds, o.db_dir, stats.generation, skipped,
              stats.committed ? "" : " (nothing to write: the index keeps its revision)");
    }
    free(per);
    if (cluster) {
      /* The query host's lexicon for the cluster file just written. */
      char *cf = NULL;
      if (asprintf(&cf, "%s/%s", o.db_dir, RA_CLUSTER_FILE) < 0) {
        fprintf(stderr, "ra-index: out of memory\n");
        return exit_for(RA_ERR_NOMEM);
      }
      int rc = publish_lexicon(cf, 1);
      free(cf);
      if (rc != exit_for(RA_OK)) return rc;
    }
    return stats.failed || stats.url_errors ? RA_EXIT_INDEX_PARTIAL : exit_for(RA_OK);
  }
}
