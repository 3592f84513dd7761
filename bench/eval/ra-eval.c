/* ra-eval.c - the evaluator and small format converters behind
 * bench/eval/run (docs/evaluation.md).
 *
 *   ra-eval score [--per-query] QRELS RUN
 *       TREC qrels ("qid iter docid grade") and a TREC run ("qid Q0 docid
 *       rank score tag") -> MAP, P@10, nDCG@10, recall@100 (metrics.h).
 *   ra-eval si DOCS.jsonl
 *       JSON Lines documents ({"id","title","body"}) -> scriptindex input
 *       (fields id, title, body) for the stock-Xapian baseline.
 *   ra-eval run QID TAG
 *       one `ra-query --format json` answer on stdin -> TREC run lines.
 *
 * Exit status: 0 done, 2 usage, 3 unreadable or malformed input (the
 * message names the file and line). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_DATA = 3 };

static void die(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;

static void die(int code, const char *fmt, ...) {
  va_list ap;
  fputs("ra-eval: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(code);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die(EXIT_DATA, "out of memory");
  return q;
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (!d) die(EXIT_DATA, "out of memory");
  return d;
}

static FILE *open_or_die(const char *path) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (!f) die(EXIT_DATA, "%s: cannot open: %s", path, strerror(errno));
  return f;
}

/* Split line (modified in place) on blanks; returns the field count, at
 * most max. */
static size_t split(char *line, char **f, size_t max) {
  size_t n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " \t\r\n", &save); t && n < max;
       t = strtok_r(NULL, " \t\r\n", &save))
    f[n++] = t;
  return n;
}

/* ---- score ----------------------------------------------------------------*/

typedef struct judgment {
  char *qid, *doc;
  int grade;
} judgment;

typedef struct retrieved {
  char *qid, *doc;
  double score;
  size_t order; /* line order: ties in score keep the run's own order */
  int dup;
} retrieved;

static int cmp_judgment(const void *a, const void *b) {
  const judgment *x = a, *y = b;
  int c = strcmp(x->qid, y->qid);
  return c ? c : strcmp(x->doc, y->doc);
}

static int cmp_retrieved(const void *a, const void *b) {
  const retrieved *x = a, *y = b;
  int c = strcmp(x->qid, y->qid);
  if (c) return c;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static int cmp_retrieved_ptr_doc(const void *a, const void *b) {
  const retrieved *x = *(retrieved *const *)a, *y = *(retrieved *const *)b;
  int c = strcmp(x->doc, y->doc);
  return c ? c : (x->order > y->order) - (x->order < y->order);
}

static judgment *read_qrels(const char *path, size_t *n_out) {
  FILE *f = open_or_die(path);
  judgment *v = NULL;
  size_t n = 0, lineno = 0, cap = 0;
  char *line = NULL;
  size_t lcap = 0;
  while (getline(&line, &lcap, f) != -1) {
    lineno++;
    char *fl[5];
    size_t nf = split(line, fl, 5);
    if (nf == 0) continue;
    char *end;
    long g = nf == 4 ? strtol(fl[3], &end, 10) : 0;
    if (nf != 4 || *end)
      die(EXIT_DATA, "%s:%zu: expected 'qid iter docid grade' (4 columns, "
          "integer grade)", path, lineno);
    if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 256) * sizeof *v);
    v[n].qid = xstrdup(fl[0]);
    v[n].doc = xstrdup(fl[2]);
    v[n].grade = (int)g;
    n++;
  }
  free(line);
  if (f != stdin) fclose(f);
  qsort(v, n, sizeof *v, cmp_judgment);
  for (size_t i = 1; i < n; i++)
    if (cmp_judgment(&v[i - 1], &v[i]) == 0)
      die(EXIT_DATA, "%s: query %s judges document %s twice", path, v[i].qid,
          v[i].doc);
  *n_out = n;
  return v;
}

static retrieved *read_run(const char *path, size_t *n_out) {
  FILE *f = open_or_die(path);
  retrieved *v = NULL;
  size_t n = 0, lineno = 0, cap = 0;
  char *line = NULL;
  size_t lcap = 0;
  while (getline(&line, &lcap, f) != -1) {
    lineno++;
    char *fl[7];
    size_t nf = split(line, fl, 7);
    if (nf == 0) continue;
    char *end;
    double s = nf == 6 ? strtod(fl[4], &end) : 0.0;
    if (nf != 6 || *end || s != s)
      die(EXIT_DATA, "%s:%zu: expected 'qid Q0 docid rank score tag' (6 "
          "columns, numeric score)", path, lineno);
    if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *v);
    v[n].qid = xstrdup(fl[0]);
    v[n].doc = xstrdup(fl[2]);
    v[n].score = s;
    v[n].order = n;
    v[n].dup = 0;
    n++;
  }
  free(line);
  if (f != stdin) fclose(f);
  qsort(v, n, sizeof *v, cmp_retrieved);
  *n_out = n;
  return v;
}

/* A document listed twice for one query counts once, at its best rank. */
static void mark_duplicates(retrieved *r, size_t n) {
  if (n < 2) return;
  retrieved **p = xrealloc(NULL, n * sizeof *p);
  for (size_t i = 0; i < n; i++) p[i] = &r[i];
  qsort(p, n, sizeof *p, cmp_retrieved_ptr_doc);
  for (size_t i = 1; i < n; i++)
    if (strcmp(p[i - 1]->doc, p[i]->doc) == 0) p[i]->dup = 1;
  free(p);
}

static int grade_of(const judgment *j, size_t n, const char *doc) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(j[mid].doc, doc);
    if (c == 0) return j[mid].grade;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return 0; /* unjudged: not relevant (judgments are taken as complete) */
}

static int cmd_score(int argc, char **argv) {
  int per_query = 0;
  int a = 0;
  if (a < argc && strcmp(argv[a], "--per-query") == 0) {
    per_query = 1;
    a++;
  }
  if (argc - a != 2) die(EXIT_USAGE, "usage: ra-eval score [--per-query] QRELS RUN");
  size_t nj = 0, nr = 0;
  judgment *j = read_qrels(argv[a], &nj);
  retrieved *r = read_run(argv[a + 1], &nr);

  double sum_ap = 0, sum_p10 = 0, sum_ndcg = 0, sum_rec = 0;
  size_t n_queries = 0, n_norel = 0, n_missing = 0, n_rel = 0, n_rel_ret = 0;
  int *ranked = NULL, *judged = NULL;
  size_t ri = 0;
  if (per_query) printf("# qid\tap\tp@10\tndcg@10\trecall@100\tn_rel\tn_rel_ret\n");
  for (size_t i = 0; i < nj;) {
    size_t k = i;
    while (k < nj && strcmp(j[k].qid, j[i].qid) == 0) k++;
    /* The run rows of this query (both lists are sorted by qid). */
    while (ri < nr && strcmp(r[ri].qid, j[i].qid) < 0) ri++;
    size_t re = ri;
    while (re < nr && strcmp(r[re].qid, j[i].qid) == 0) re++;
    mark_duplicates(r + ri, re - ri);
    judged = xrealloc(judged, (k - i) * sizeof *judged);
    for (size_t x = i; x < k; x++) judged[x - i] = j[x].grade;
    ranked = xrealloc(ranked, (re - ri) * sizeof *ranked);
    size_t nrk = 0;
    for (size_t x = ri; x < re; x++)
      if (!r[x].dup) ranked[nrk++] = grade_of(j + i, k - i, r[x].doc);
    ra_eval_scores s;
    if (ra_eval_query(ranked, nrk, judged, k - i, &s) != 0)
      die(EXIT_DATA, "out of memory");
    if (s.n_rel == 0) {
      n_norel++; /* no relevant document: no measure is defined */
    } else {
      if (re == ri) n_missing++; /* counts as 0 on every measure */
      n_queries++;
      sum_ap += s.ap;
      sum_p10 += s.p10;
      sum_ndcg += s.ndcg10;
      sum_rec += s.recall100;
      n_rel += s.n_rel;
      n_rel_ret += s.n_rel_ret;
      if (per_query)
        printf("%s\t%.4f\t%.4f\t%.4f\t%.4f\t%zu\t%zu\n", j[i].qid, s.ap, s.p10,
               s.ndcg10, s.recall100, s.n_rel, s.n_rel_ret);
    }
    ri = re;
    i = k;
  }
  double q = n_queries ? (double)n_queries : 1.0;
  printf("queries\t%zu\n", n_queries);
  printf("map\t%.4f\n", sum_ap / q);
  printf("p@10\t%.4f\n", sum_p10 / q);
  printf("ndcg@10\t%.4f\n", sum_ndcg / q);
  printf("recall@100\t%.4f\n", sum_rec / q);
  printf("rel\t%zu\n", n_rel);
  printf("rel_ret\t%zu\n", n_rel_ret);
  printf("queries_without_run\t%zu\n", n_missing);
  printf("queries_without_relevant\t%zu\n", n_norel);

  for (size_t x = 0; x < nj; x++) {
    free(j[x].qid);
    free(j[x].doc);
  }
  for (size_t x = 0; x < nr; x++) {
    free(r[x].qid);
    free(r[x].doc);
  }
  free(j);
  free(r);
  free(ranked);
  free(judged);
  return EXIT_OK;
}

/* ---- si: JSON Lines -> scriptindex input ------------------------------------*/

/* scriptindex reads "field=value" lines; a newline inside a value would
 * start a new field, so it becomes a space (the same word break). */
static void put_si_field(const char *name, const char *val) {
  printf("%s=", name);
  for (const char *p = val; *p; p++) putchar(*p == '\n' || *p == '\r' ? ' ' : *p);
  putchar('\n');
}

static const char *str_member(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static int cmd_si(int argc, char **argv) {
  if (argc != 1) die(EXIT_USAGE, "usage: ra-eval si DOCS.jsonl");
  FILE *f = open_or_die(argv[0]);
  char *line = NULL;
  size_t lcap = 0, lineno = 0;
  ssize_t len;
  while ((len = getline(&line, &lcap, f)) != -1) {
    lineno++;
    if (strspn(line, " \t\r\n") == (size_t)len) continue;
    json_error_t je;
    json_t *o = json_loadb(line, (size_t)len, 0, &je);
    if (!json_is_object(o))
      die(EXIT_DATA, "%s:%zu: not a JSON object: %s", argv[0], lineno,
          o ? "another JSON value" : je.text);
    const char *id = str_member(o, "id");
    if (!id || !*id || strpbrk(id, " \t\r\n"))
      die(EXIT_DATA, "%s:%zu: \"id\" must be a non-empty string without "
          "blanks", argv[0], lineno);
    const char *title = str_member(o, "title"), *body = str_member(o, "body");
    put_si_field("id", id);
    put_si_field("title", title ? title : "");
    put_si_field("body", body ? body : "");
    putchar('\n');
    json_decref(o);
  }
  free(line);
  if (f != stdin) fclose(f);
  return EXIT_OK;
}

/* ---- run: ra-query JSON -> TREC run lines ------------------------------------*/

static int cmd_run(int argc, char **argv) {
  if (argc != 2) die(EXIT_USAGE, "usage: ra-eval run QID TAG < RA_QUERY_JSON");
  json_error_t je;
  json_t *root = json_loadf(stdin, 0, &je);
  if (!root) die(EXIT_DATA, "stdin:%d: not JSON: %s", je.line, je.text);
  json_t *hits = json_object_get(root, "hits");
  if (!json_is_array(hits))
    die(EXIT_DATA, "stdin: no \"hits\" array in the ra-query answer");
  size_t i;
  json_t *h;
  json_array_foreach(hits, i, h) {
    const char *id = str_member(h, "id");
    json_t *sc = json_object_get(h, "score");
    if (!id || !json_is_number(sc))
      die(EXIT_DATA, "stdin: hit %zu has no \"id\" string or \"score\" number",
          i + 1);
    /* Where scores tie, `ra-eval score` keeps this (the engine's) order. */
    printf("%s Q0 %s %zu %.6f %s\n", argv[0], id, i + 1,
           json_number_value(sc), argv[1]);
  }
  json_decref(root);
  return EXIT_OK;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    fprintf(argc < 2 ? stderr : stdout,
            "Usage: ra-eval score [--per-query] QRELS RUN\n"
            "       ra-eval si DOCS.jsonl        (scriptindex input)\n"
            "       ra-eval run QID TAG < ra-query.json  (TREC run lines)\n"
            "See docs/evaluation.md.\n");
    return argc < 2 ? EXIT_USAGE : EXIT_OK;
  }
  if (strcmp(argv[1], "score") == 0) return cmd_score(argc - 2, argv + 2);
  if (strcmp(argv[1], "si") == 0) return cmd_si(argc - 2, argv + 2);
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2);
  die(EXIT_USAGE, "unknown command '%s' (score, si or run)", argv[1]);
}
