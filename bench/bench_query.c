/* bench_query.c - query latency over a fixed query set, in two
 * modes, printing p50/p95/p99 in milliseconds on one line:
 *
 *   bench_query --db DIR [--column N] [--warm W] [--count K] QUERYFILE
 *       in-process: the searcher is opened once, then every query is run
 *       with ra_search_run (ranking, snippets, facets: the whole answer)
 *       and its results freed; W unmeasured passes come first.  The
 *       searcher is preloaded (ra_searcher_preload) as the FastCGI
 *       endpoint's is; --no-preload measures a one-shot reader's path.
 *       The preload's time and size go to stderr; --each also prints
 *       every query's milliseconds there ("ms<TAB>query").
 *   bench_query --cgi PROG --qs FORMAT [--column N] [--warm W] QUERYFILE
 *       one CGI process per query: PROG is started with QUERY_STRING set
 *       to FORMAT with its one %s replaced by the URL-encoded query (the
 *       rest of the environment is passed on), its output discarded; the
 *       time is fork to exit.  Used for ra-cgi and Xapian Omega's omega
 *       alike, so both endpoints are timed by the same harness.
 *
 * QUERYFILE (bench/queries.txt): one query per line, tab-separated
 * columns "kind, rasearch, fts5, omega"; '#' lines and blank lines are
 * skipped.  --column picks the column (1-based, default 2).
 *
 * Output: "queries N p50 X p95 Y p99 Z mean M max X hits H" (ms; hits is
 * the sum of hits returned, so an empty answer set is visible).
 * Exit: 0, 2 usage, 5 error (the message names the file or query). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "search.h"

extern char **environ;

typedef struct qset {
  char **q; /* owned, each malloc'd */
  size_t n, cap;
} qset;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_query --db DIR [--column N] [--warm W] [--count K] [--no-preload] [--each] "
          "QUERYFILE\n"
          "       bench_query --cgi PROG --qs FORMAT [--column N] [--warm W] "
          "QUERYFILE\n");
  exit(2);
}

/* Column col (1-based) of a tab-separated line, copied; NULL if absent. */
static char *column_dup(const char *line, int col) {
  const char *p = line;
  for (int i = 1; i < col; i++) {
    p = strchr(p, '\t');
    if (!p) return NULL;
    p++;
  }
  size_t n = strcspn(p, "\t\r\n");
  if (n == 0) return NULL;
  char *s = malloc(n + 1);
  if (!s) return NULL;
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

static int qset_load(const char *path, int col, qset *qs) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "bench_query: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  unsigned lineno = 0;
  while (getline(&line, &cap, f) >= 0) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n' || line[0] == '\0') continue;
    char *q = column_dup(line, col);
    if (!q) {
      fprintf(stderr, "bench_query: %s:%u: no column %d\n", path, lineno, col);
      free(line);
      fclose(f);
      return -1;
    }
    if (qs->n == qs->cap) {
      size_t nc = qs->cap ? qs->cap * 2 : 256;
      char **nq = realloc(qs->q, nc * sizeof *nq);
      if (!nq) {
        free(q);
        free(line);
        fclose(f);
        return -1;
      }
      qs->q = nq;
      qs->cap = nc;
    }
    qs->q[qs->n++] = q;
  }
  free(line);
  fclose(f);
  if (qs->n == 0) {
    fprintf(stderr, "bench_query: %s: no queries\n", path);
    return -1;
  }
  return 0;
}

static void qset_free(qset *qs) {
  for (size_t i = 0; i < qs->n; i++) free(qs->q[i]);
  free(qs->q);
}

/* FORMAT with %s replaced by the URL-encoded query; caller frees. */
static char *query_string(const char *fmt, const char *q) {
  size_t n = strlen(fmt) + 3 * strlen(q) + 1;
  char *out = malloc(n), *o = out;
  if (!out) return NULL;
  for (const char *p = fmt; *p; p++) {
    if (p[0] == '%' && p[1] == 's') {
      for (const unsigned char *c = (const unsigned char *)q; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
            (*c >= '0' && *c <= '9') || strchr("-_.~", *c))
          *o++ = (char)*c;
        else if (*c == ' ')
          *o++ = '+';
        else
          o += sprintf(o, "%%%02X", *c);
      }
      p++;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return out;
}

/* Run prog once as a CGI GET request; 0 if it exited with status 0. */
static int run_cgi(const char *prog, const char *qstr) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
      dup2(fd, 0);
      dup2(fd, 1);
    }
    setenv("QUERY_STRING", qstr, 1);
    setenv("REQUEST_METHOD", "GET", 1);
    setenv("GATEWAY_INTERFACE", "CGI/1.1", 1);
    setenv("SERVER_PROTOCOL", "HTTP/1.1", 1);
    setenv("SCRIPT_NAME", "/search", 1);
    execl(prog, prog, (char *)NULL);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, size_t n, double p) {
  size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1];
}

int main(int argc, char **argv) {
  const char *db = NULL, *cgi = NULL, *qs_fmt = NULL, *file = NULL;
  int col = 2, warm = 1, preload = 1, each = 0;
  size_t count = 10;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--db") == 0 && i + 1 < argc) db = argv[++i];
    else if (strcmp(a, "--cgi") == 0 && i + 1 < argc) cgi = argv[++i];
    else if (strcmp(a, "--qs") == 0 && i + 1 < argc) qs_fmt = argv[++i];
    else if (strcmp(a, "--column") == 0 && i + 1 < argc) col = atoi(argv[++i]);
    else if (strcmp(a, "--warm") == 0 && i + 1 < argc) warm = atoi(argv[++i]);
    else if (strcmp(a, "--no-preload") == 0) preload = 0;
    else if (strcmp(a, "--each") == 0) each = 1;
    else if (strcmp(a, "--count") == 0 && i + 1 < argc)
      count = (size_t)atoi(argv[++i]);
    else if (a[0] == '-') usage();
    else if (!file) file = a;
    else usage();
  }
  if (!file || col < 1 || warm < 0 || (!db == !cgi) ||
      (cgi && (!qs_fmt || !strstr(qs_fmt, "%s"))))
    usage();

  qset qs = {0};
  if (qset_load(file, col, &qs) < 0) {
    qset_free(&qs);
    return 5;
  }
  double *t = calloc(qs.n, sizeof *t);
  ra_searcher *s = NULL;
  ra_error err = {0};
  int rc = 0;
  unsigned long hits = 0;
  if (!t) {
    rc = 5;
    goto out;
  }
  if (db && ra_searcher_open(db, &s, &err) != RA_OK) {
    fprintf(stderr, "bench_query: %s\n", err.msg);
    rc = 5;
    goto out;
  }
  if (s && preload) {
    double t0 = now();
    if (ra_searcher_preload(s, &err) != RA_OK) {
      fprintf(stderr, "bench_query: %s\n", err.msg);
      rc = 5;
      goto out;
    }
    fprintf(stderr, "bench_query: preload %.1f ms, %zu bytes\n", (now() - t0) * 1e3,
            ra_searcher_preload_bytes(s));
  }
  ra_search_opts o = {0, count, 0};
  for (int pass = 0; pass <= warm && rc == 0; pass++) {
    int measured = pass == warm;
    for (size_t i = 0; i < qs.n; i++) {
      double t0 = now();
      if (s) {
        ra_results *r = NULL;
        if (ra_search_run(s, qs.q[i], strlen(qs.q[i]), &o, &r, &err) != RA_OK) {
          fprintf(stderr, "bench_query: query '%s': %s\n", qs.q[i], err.msg);
          rc = 5;
          break;
        }
        if (measured) hits += r->n_hits;
        ra_results_free(r);
      } else {
        char *qstr = query_string(qs_fmt, qs.q[i]);
        int bad = !qstr || run_cgi(cgi, qstr) < 0;
        free(qstr);
        if (bad) {
          fprintf(stderr, "bench_query: %s failed on query '%s'\n", cgi,
                  qs.q[i]);
          rc = 5;
          break;
        }
      }
      t[i] = (now() - t0) * 1000.0;
      if (measured && each) fprintf(stderr, "%.3f\t%s\n", t[i], qs.q[i]);
    }
  }
  if (rc == 0) {
    double sum = 0;
    for (size_t i = 0; i < qs.n; i++) sum += t[i];
    qsort(t, qs.n, sizeof *t, cmp_double);
    printf("queries %zu p50 %.3f p95 %.3f p99 %.3f mean %.3f max %.3f hits %lu\n",
           qs.n, pct(t, qs.n, 50), pct(t, qs.n, 95), pct(t, qs.n, 99),
           sum / (double)qs.n, t[qs.n - 1], hits);
  }
out:
  ra_searcher_free(s);
  free(t);
  qset_free(&qs);
  return rc;
}
