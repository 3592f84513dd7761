/* fts5bench.c - the SQLite FTS5 peer of the benchmarks: loads
 * the same article files into an FTS5 table (porter + unicode61
 * tokenizer) and times a query set in-process (one connection, one
 * prepared statement, bm25 ranking and snippet()).
 *
 *   fts5bench load DBFILE DIR
 *   fts5bench query DBFILE QUERYFILE [--column N] [--warm W]
 *
 * Built by bench/run with `cc $(pkg-config --cflags --libs sqlite3)` into
 * its work directory, so the main build does not depend on libsqlite3.
 *
 * Loading: every *.txt under DIR except tags.txt and synonyms.txt is one
 * row (path, title, tags, body).  FTS5 has no page parser, so the title
 * is the first line written twice in the page's head (else the 4th
 * non-empty line), the tags the next non-empty line, and the body the
 * whole page (chrome included, as omindex also indexes it).  One
 * transaction, then FTS5's 'optimize' (one merged b-tree, as a freshly
 * built rasearch or omindex database is).
 *
 * Query: QUERYFILE as bench_query's (column 3 holds the FTS5 MATCH
 * expression); per query: the top 10 by bm25 (title 6, tags 5, body 1)
 * with a snippet of the body.  Output as bench_query's:
 * "queries N p50 X p95 Y p99 Z mean M max X hits H" (ms).
 * Exit: 0, 2 usage, 5 error (the message names the file or query). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static sqlite3 *g_db;
static sqlite3_stmt *g_ins;
static unsigned long g_rows;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr, "usage: fts5bench load DBFILE DIR\n"
                  "       fts5bench query DBFILE QUERYFILE [--column N] "
                  "[--warm W]\n");
  exit(2);
}

static int exec_sql(const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(g_db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    fprintf(stderr, "fts5bench: %s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* Whole file into a NUL-terminated buffer; caller frees. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *p = malloc(cap + 1);
  while (p) {
    n += fread(p + n, 1, cap - n, f);
    if (n < cap) break;
    char *q = realloc(p, cap * 2 + 1);
    if (!q) {
      free(p);
      p = NULL;
      break;
    }
    p = q;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (!p || bad) {
    free(p);
    return NULL;
  }
  p[n] = '\0';
  *len = n;
  return p;
}

typedef struct span {
  const char *p;
  int n;
} span;

/* Title and tag line from the head of a page (see the top comment). */
static void head_fields(const char *text, span *title, span *tags) {
  span lines[12];
  int nl = 0;
  const char *p = text;
  while (*p && nl < 12) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n > 0 && n < 400) lines[nl++] = (span){p, (int)n};
    if (!e) break;
    p = e + 1;
  }
  title->p = tags->p = "";
  title->n = tags->n = 0;
  int ti = -1;
  for (int i = 0; i < nl && ti < 0; i++)
    for (int j = i + 1; j < nl; j++)
      if (lines[i].n == lines[j].n &&
          memcmp(lines[i].p, lines[j].p, (size_t)lines[i].n) == 0) {
        ti = j;
        break;
      }
  if (ti < 0 && nl > 3) ti = 3;
  if (ti < 0) return;
  *title = lines[ti];
  if (ti + 1 < nl) *tags = lines[ti + 1];
}

static int load_one(const char *path, const struct stat *st, int type,
                    struct FTW *ftw) {
  (void)st;
  size_t n = strlen(path);
  const char *base = path + ftw->base;
  if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".txt") != 0 ||
      strcmp(base, "tags.txt") == 0 || strcmp(base, "synonyms.txt") == 0)
    return 0;
  size_t len = 0;
  char *text = slurp(path, &len);
  if (!text) {
    fprintf(stderr, "fts5bench: %s: cannot read: %s\n", path, strerror(errno));
    return 1;
  }
  span title, tags;
  head_fields(text, &title, &tags);
  sqlite3_bind_text(g_ins, 1, path, -1, SQLITE_STATIC);
  sqlite3_bind_text(g_ins, 2, title.p, title.n, SQLITE_STATIC);
  sqlite3_bind_text(g_ins, 3, tags.p, tags.n, SQLITE_STATIC);
  sqlite3_bind_text(g_ins, 4, text, (int)len, SQLITE_STATIC);
  int rc = sqlite3_step(g_ins);
  sqlite3_reset(g_ins);
  sqlite3_clear_bindings(g_ins);
  free(text);
  if (rc != SQLITE_DONE) {
    fprintf(stderr, "fts5bench: %s: insert: %s\n", path, sqlite3_errmsg(g_db));
    return 1;
  }
  g_rows++;
  return 0;
}

static int cmd_load(const char *dbfile, const char *dir) {
  remove(dbfile);
  if (sqlite3_open(dbfile, &g_db) != SQLITE_OK) {
    fprintf(stderr, "fts5bench: %s: %s\n", dbfile, sqlite3_errmsg(g_db));
    return 5;
  }
  if (exec_sql("CREATE VIRTUAL TABLE articles USING fts5(path UNINDEXED, "
               "title, tags, body, "
               "tokenize='porter unicode61 remove_diacritics 2', "
               "prefix='2 3')") < 0 ||
      exec_sql("BEGIN") < 0)
    return 5;
  if (sqlite3_prepare_v2(g_db,
                         "INSERT INTO articles(path, title, tags, body) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         -1, &g_ins, NULL) != SQLITE_OK) {
    fprintf(stderr, "fts5bench: prepare: %s\n", sqlite3_errmsg(g_db));
    return 5;
  }
  int rc = nftw(dir, load_one, 32, FTW_PHYS);
  sqlite3_finalize(g_ins);
  if (rc != 0) {
    if (rc < 0) fprintf(stderr, "fts5bench: %s: %s\n", dir, strerror(errno));
    return 5;
  }
  if (exec_sql("COMMIT") < 0 ||
      exec_sql("INSERT INTO articles(articles) VALUES('optimize')") < 0)
    return 5;
  if (sqlite3_close(g_db) != SQLITE_OK) return 5;
  fprintf(stderr, "fts5bench: %lu articles loaded into %s\n", g_rows, dbfile);
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p) {
  size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1];
}

static int cmd_query(const char *dbfile, const char *qfile, int col,
                     int warm) {
  FILE *f = fopen(qfile, "r");
  if (!f) {
    fprintf(stderr, "fts5bench: %s: %s\n", qfile, strerror(errno));
    return 5;
  }
  char **q = NULL, *line = NULL;
  size_t nq = 0, cap = 0, lcap = 0;
  while (getline(&line, &lcap, f) >= 0) {
    if (line[0] == '#' || line[0] == '\n') continue;
    const char *p = line;
    for (int i = 1; i < col && p; i++) {
      p = strchr(p, '\t');
      if (p) p++;
    }
    if (!p) continue;
    size_t n = strcspn(p, "\t\r\n");
    if (nq == cap) {
      cap = cap ? cap * 2 : 256;
      char **nqv = realloc(q, cap * sizeof *q);
      if (!nqv) return 5;
      q = nqv;
    }
    q[nq] = strndup(p, n);
    if (!q[nq]) return 5;
    nq++;
  }
  free(line);
  fclose(f);
  if (nq == 0) {
    fprintf(stderr, "fts5bench: %s: no queries\n", qfile);
    return 5;
  }
  if (sqlite3_open_v2(dbfile, &g_db, SQLITE_OPEN_READONLY, NULL) !=
      SQLITE_OK) {
    fprintf(stderr, "fts5bench: %s: %s\n", dbfile, sqlite3_errmsg(g_db));
    return 5;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(
          g_db,
          "SELECT path, title, snippet(articles, 3, '<b>', '</b>', '...', 24) "
          "FROM articles WHERE articles MATCH ?1 "
          "ORDER BY bm25(articles, 0.0, 6.0, 5.0, 1.0) LIMIT 10",
          -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "fts5bench: prepare: %s\n", sqlite3_errmsg(g_db));
    return 5;
  }
  double *t = calloc(nq, sizeof *t);
  unsigned long hits = 0, bytes = 0;
  int rc = t ? 0 : 5;
  for (int pass = 0; pass <= warm && rc == 0; pass++) {
    for (size_t i = 0; i < nq; i++) {
      double t0 = now();
      sqlite3_bind_text(st, 1, q[i], -1, SQLITE_STATIC);
      int r;
      while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        hits += pass == warm;
        /* Touch the snippet so it is really computed and copied. */
        const unsigned char *sn = sqlite3_column_text(st, 2);
        bytes += sn ? strlen((const char *)sn) : 0;
      }
      sqlite3_reset(st);
      if (r != SQLITE_DONE) {
        fprintf(stderr, "fts5bench: query '%s': %s\n", q[i],
                sqlite3_errmsg(g_db));
        rc = 5;
        break;
      }
      t[i] = (now() - t0) * 1000.0;
    }
  }
  if (rc == 0) {
    double sum = 0;
    for (size_t i = 0; i < nq; i++) sum += t[i];
    qsort(t, nq, sizeof *t, cmp_double);
    printf("queries %zu p50 %.3f p95 %.3f p99 %.3f mean %.3f max %.3f hits "
           "%lu\n",
           nq, pct(t, nq, 50), pct(t, nq, 95), pct(t, nq, 99),
           sum / (double)nq, t[nq - 1], hits);
  }
  sqlite3_finalize(st);
  sqlite3_close(g_db);
  for (size_t i = 0; i < nq; i++) free(q[i]);
  free(q);
  free(t);
  (void)bytes;
  return rc;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "load") == 0)
    return cmd_load(argv[2], argv[3]);
  if (argc >= 4 && strcmp(argv[1], "query") == 0) {
    int col = 3, warm = 1;
    for (int i = 4; i < argc; i++) {
      if (strcmp(argv[i], "--column") == 0 && i + 1 < argc)
        col = atoi(argv[++i]);
      else if (strcmp(argv[i], "--warm") == 0 && i + 1 < argc)
        warm = atoi(argv[++i]);
      else
        usage();
    }
    if (col < 1 || warm < 0) usage();
    return cmd_query(argv[2], argv[3], col, warm);
  }
  usage();
  return 2;
}
