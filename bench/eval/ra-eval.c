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
 *   ra-eval compare [--measure M]... [--perms N] [--seed S]
 *                   QRELS RUN_A RUN_B [QRELS RUN_A RUN_B]...
 *       A against B query by query: per measure the means, the mean
 *       difference, wins/losses/ties and the paired randomisation and t
 *       tests' p (metrics.h).  Several triples (collections): every
 *       collection weighs the same in the means and the test.
 *   ra-eval keywords [--stop FILE] K DOCS.jsonl QUERIES.tsv
 *       each query's K most informative words (keywords.h) -> queries.tsv.
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

#include "keywords.h"
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

/* The scores of every judged query with at least one relevant document,
 * in qrels order (sorted by qid); r is reordered (duplicates marked).  A
 * query absent from the run scores 0 on every measure. */
typedef struct qscore {
  const char *qid; /* points into the judgments */
  ra_eval_scores s;
  int in_run;
} qscore;

typedef struct scored {
  qscore *q;
  size_t n, n_norel, n_missing;
} scored;

static scored score_queries(const judgment *j, size_t nj, retrieved *r, size_t nr) {
  scored out = {NULL, 0, 0, 0};
  int *ranked = NULL, *judged = NULL;
  size_t ri = 0, cap = 0;
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
      out.n_norel++; /* no relevant document: no measure is defined */
    } else {
      if (re == ri) out.n_missing++; /* counts as 0 on every measure */
      if (out.n == cap) out.q = xrealloc(out.q, (cap = cap ? cap * 2 : 64) * sizeof *out.q);
      out.q[out.n].qid = j[i].qid;
      out.q[out.n].s = s;
      out.q[out.n].in_run = re > ri;
      out.n++;
    }
    ri = re;
    i = k;
  }
  free(ranked);
  free(judged);
  return out;
}

static void free_judgments(judgment *j, size_t n) {
  for (size_t x = 0; x < n; x++) {
    free(j[x].qid);
    free(j[x].doc);
  }
  free(j);
}

static void free_run(retrieved *r, size_t n) {
  for (size_t x = 0; x < n; x++) {
    free(r[x].qid);
    free(r[x].doc);
  }
  free(r);
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
  scored sc = score_queries(j, nj, r, nr);

  double sum_ap = 0, sum_p10 = 0, sum_ndcg = 0, sum_rec = 0;
  size_t n_rel = 0, n_rel_ret = 0;
  if (per_query) printf("# qid\tap\tp@10\tndcg@10\trecall@100\tn_rel\tn_rel_ret\n");
  for (size_t i = 0; i < sc.n; i++) {
    const ra_eval_scores *s = &sc.q[i].s;
    sum_ap += s->ap;
    sum_p10 += s->p10;
    sum_ndcg += s->ndcg10;
    sum_rec += s->recall100;
    n_rel += s->n_rel;
    n_rel_ret += s->n_rel_ret;
    if (per_query)
      printf("%s\t%.4f\t%.4f\t%.4f\t%.4f\t%zu\t%zu\n", sc.q[i].qid, s->ap,
             s->p10, s->ndcg10, s->recall100, s->n_rel, s->n_rel_ret);
  }
  double q = sc.n ? (double)sc.n : 1.0;
  printf("queries\t%zu\n", sc.n);
  printf("map\t%.4f\n", sum_ap / q);
  printf("p@10\t%.4f\n", sum_p10 / q);
  printf("ndcg@10\t%.4f\n", sum_ndcg / q);
  printf("recall@100\t%.4f\n", sum_rec / q);
  printf("rel\t%zu\n", n_rel);
  printf("rel_ret\t%zu\n", n_rel_ret);
  printf("queries_without_run\t%zu\n", sc.n_missing);
  printf("queries_without_relevant\t%zu\n", sc.n_norel);

  free(sc.q);
  free_judgments(j, nj);
  free_run(r, nr);
  return EXIT_OK;
}

/* ---- compare: two runs, query by query -------------------------------------*/

static const char *const measure_names[] = {"ndcg@10", "map", "p@10", "recall@100"};
enum { N_MEASURES = 4 };

static double measure_of(const ra_eval_scores *s, int m) {
  switch (m) {
  case 0: return s->ndcg10;
  case 1: return s->ap;
  case 2: return s->p10;
  default: return s->recall100;
  }
}

static int measure_index(const char *name) {
  if (strcmp(name, "ap") == 0) return 1;
  for (int m = 0; m < N_MEASURES; m++)
    if (strcmp(name, measure_names[m]) == 0) return m;
  return -1;
}

static unsigned long long parse_count(const char *opt, const char *v,
                                      unsigned long long max) {
  char *end;
  errno = 0;
  unsigned long long x = strtoull(v, &end, 10);
  if (errno || end == v || *end || v[0] == '-' || x > max)
    die(EXIT_USAGE, "%s: expected a whole number from 0 to %llu, got '%s'", opt,
        max, v);
  return x;
}

/* One collection of a comparison: both runs scored against its qrels. */
typedef struct cmp_set {
  judgment *j;
  retrieved *ra, *rb;
  size_t nj, na, nb;
  scored a, b;
} cmp_set;

static int cmd_compare(int argc, char **argv) {
  int want[N_MEASURES] = {0}, any = 0;
  unsigned long perms = RA_EVAL_PERMS;
  unsigned long long seed = RA_EVAL_SEED;
  int a = 0;
  for (; a < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
    if (a + 1 >= argc) die(EXIT_USAGE, "%s needs a value", argv[a]);
    if (strcmp(argv[a], "--measure") == 0) {
      int m = measure_index(argv[a + 1]);
      if (m < 0)
        die(EXIT_USAGE, "--measure: unknown measure '%s' (ndcg@10, map, p@10 "
            "or recall@100)", argv[a + 1]);
      want[m] = any = 1;
    } else if (strcmp(argv[a], "--perms") == 0) {
      perms = (unsigned long)parse_count("--perms", argv[a + 1], 10000000ull);
    } else if (strcmp(argv[a], "--seed") == 0) {
      seed = parse_count("--seed", argv[a + 1], ~0ull);
    } else {
      die(EXIT_USAGE, "compare: unknown option '%s'", argv[a]);
    }
  }
  if (!any)
    for (int m = 0; m < N_MEASURES; m++) want[m] = 1;
  if (argc - a < 3 || (argc - a) % 3 != 0)
    die(EXIT_USAGE, "usage: ra-eval compare [--measure M]... [--perms N] "
        "[--seed S] QRELS RUN_A RUN_B [QRELS RUN_A RUN_B]...");
  size_t nsets = (size_t)(argc - a) / 3, total = 0;
  cmp_set *sets = xrealloc(NULL, nsets * sizeof *sets);
  for (size_t c = 0; c < nsets; c++) {
    cmp_set *s = &sets[c];
    char **f = argv + a + 3 * c;
    s->j = read_qrels(f[0], &s->nj);
    s->ra = read_run(f[1], &s->na);
    s->rb = read_run(f[2], &s->nb);
    s->a = score_queries(s->j, s->nj, s->ra, s->na);
    s->b = score_queries(s->j, s->nj, s->rb, s->nb);
    total += s->a.n; /* the same queries on both sides: those of the qrels */
  }

  double *d = xrealloc(NULL, total * sizeof *d), *w = xrealloc(NULL, total * sizeof *w);
  printf("# measure\tqueries\tmean_a\tmean_b\tdiff\twins\tlosses\tties\tp_perm\tp_t\n");
  for (int m = 0; m < N_MEASURES; m++) {
    if (!want[m]) continue;
    double mean_a = 0, mean_b = 0;
    size_t n = 0;
    for (size_t c = 0; c < nsets; c++) {
      const cmp_set *s = &sets[c];
      for (size_t i = 0; i < s->a.n; i++) {
        /* Each collection weighs the same in the mean over collections. */
        double wi = 1.0 / ((double)nsets * (double)s->a.n);
        double va = measure_of(&s->a.q[i].s, m), vb = measure_of(&s->b.q[i].s, m);
        mean_a += wi * va;
        mean_b += wi * vb;
        d[n] = va - vb;
        w[n++] = wi;
      }
    }
    ra_eval_paired t;
    if (ra_eval_paired_test(d, nsets > 1 ? w : NULL, n, perms, seed, &t) != 0)
      die(EXIT_DATA, "out of memory");
    printf("%s\t%zu\t%.4f\t%.4f\t%+.4f\t%zu\t%zu\t%zu\t%.4f\t", measure_names[m], n,
           mean_a, mean_b, t.mean_diff, t.wins, t.losses, t.ties, t.p_perm);
    if (t.p_t < 0) printf("-\n");
    else printf("%.4f\n", t.p_t);
  }
  for (size_t c = 0; c < nsets; c++) {
    free(sets[c].a.q);
    free(sets[c].b.q);
    free_judgments(sets[c].j, sets[c].nj);
    free_run(sets[c].ra, sets[c].na);
    free_run(sets[c].rb, sets[c].nb);
  }
  free(sets);
  free(d);
  free(w);
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

/* ---- keywords: the K most informative words of each query ----------------*/

#ifndef RA_EVAL_STOPWORDS
#define RA_EVAL_STOPWORDS "bench/eval/stopwords.txt"
#endif

typedef struct strset {
  char **w;
  size_t n, cap;
} strset;

static int cmp_str_ptr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strset_add(strset *s, const char *w) {
  if (s->n == s->cap) s->w = xrealloc(s->w, (s->cap = s->cap ? s->cap * 2 : 256) * sizeof *s->w);
  s->w[s->n++] = xstrdup(w);
}

/* Sorts and drops repeats. */
static void strset_seal(strset *s) {
  if (s->n) qsort(s->w, s->n, sizeof *s->w, cmp_str_ptr);
  size_t o = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (o && strcmp(s->w[o - 1], s->w[i]) == 0) {
      free(s->w[i]);
      continue;
    }
    s->w[o++] = s->w[i];
  }
  s->n = o;
}

static long strset_find(const strset *s, const char *w) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s->w[mid], w);
    if (c == 0) return (long)mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

static void strset_free(strset *s) {
  for (size_t i = 0; i < s->n; i++) free(s->w[i]);
  free(s->w);
}

/* Document frequencies of the query words only: the vocabulary of the
 * queries is small, the documents' is not. */
typedef struct kw_ctx {
  strset stop, words;
  long *df;
  size_t *last_doc; /* the document (1-based) that last counted a word */
  size_t doc;
} kw_ctx;

static int collect_word(const char *w, size_t len, void *ctx) {
  (void)len;
  strset_add(ctx, w);
  return 0;
}

static int count_word(const char *w, size_t len, void *ctx) {
  (void)len;
  kw_ctx *k = ctx;
  long i = strset_find(&k->words, w);
  if (i >= 0 && k->last_doc[i] != k->doc) {
    k->last_doc[i] = k->doc;
    k->df[i]++;
  }
  return 0;
}

static long kw_df(const char *w, void *ctx) {
  kw_ctx *k = ctx;
  long i = strset_find(&k->words, w);
  return i >= 0 ? k->df[i] : 0;
}

static int kw_is_stop(const char *w, void *ctx) {
  return strset_find(&((kw_ctx *)ctx)->stop, w) >= 0;
}

/* Splits a "qid<TAB>text" line (modified in place); NULL when blank. */
static char *query_text(char *line, const char *path, size_t lineno) {
  line[strcspn(line, "\r\n")] = '\0';
  if (!*line) return NULL;
  char *tab = strchr(line, '\t');
  if (!tab || tab == line)
    die(EXIT_DATA, "%s:%zu: expected 'qid<TAB>query text'", path, lineno);
  *tab = '\0';
  return tab + 1;
}

static int cmd_keywords(int argc, char **argv) {
  const char *stop_path = RA_EVAL_STOPWORDS;
  int a = 0;
  if (a + 1 < argc && strcmp(argv[a], "--stop") == 0) {
    stop_path = argv[a + 1];
    a += 2;
  }
  if (argc - a != 3)
    die(EXIT_USAGE, "usage: ra-eval keywords [--stop FILE] K DOCS.jsonl QUERIES.tsv");
  size_t k = (size_t)parse_count("keywords: K", argv[a], 100);
  if (k == 0) die(EXIT_USAGE, "keywords: K must be at least 1");
  const char *docs = argv[a + 1], *queries = argv[a + 2];
  if (strcmp(queries, "-") == 0)
    die(EXIT_USAGE, "keywords: QUERIES.tsv must be a file (it is read twice)");
  kw_ctx ctx = {{NULL, 0, 0}, {NULL, 0, 0}, NULL, NULL, 0};

  FILE *f = open_or_die(stop_path);
  char *line = NULL;
  size_t lcap = 0, lineno = 0;
  ssize_t len;
  while (getline(&line, &lcap, f) != -1) {
    char *fl[2];
    if (line[0] == '#') continue;
    if (split(line, fl, 2) >= 1) strset_add(&ctx.stop, fl[0]);
  }
  if (f != stdin) fclose(f);
  strset_seal(&ctx.stop);

  /* Pass 1: the words of the queries. */
  f = open_or_die(queries);
  while (getline(&line, &lcap, f) != -1) {
    char *text = query_text(line, queries, ++lineno);
    if (text && ra_eval_tokenise(text, collect_word, &ctx.words) != 0)
      die(EXIT_DATA, "out of memory");
  }
  strset_seal(&ctx.words);
  ctx.df = xrealloc(NULL, (ctx.words.n ? ctx.words.n : 1) * sizeof *ctx.df);
  ctx.last_doc = xrealloc(NULL, (ctx.words.n ? ctx.words.n : 1) * sizeof *ctx.last_doc);
  memset(ctx.df, 0, (ctx.words.n ? ctx.words.n : 1) * sizeof *ctx.df);
  memset(ctx.last_doc, 0, (ctx.words.n ? ctx.words.n : 1) * sizeof *ctx.last_doc);

  /* Pass 2: their document frequencies over title and body. */
  FILE *d = open_or_die(docs);
  lineno = 0;
  while ((len = getline(&line, &lcap, d)) != -1) {
    lineno++;
    if (strspn(line, " \t\r\n") == (size_t)len) continue;
    json_error_t je;
    json_t *o = json_loadb(line, (size_t)len, 0, &je);
    if (!json_is_object(o))
      die(EXIT_DATA, "%s:%zu: not a JSON object: %s", docs, lineno,
          o ? "another JSON value" : je.text);
    ctx.doc++;
    const char *title = str_member(o, "title"), *body = str_member(o, "body");
    if ((title && ra_eval_tokenise(title, count_word, &ctx) != 0) ||
        (body && ra_eval_tokenise(body, count_word, &ctx) != 0))
      die(EXIT_DATA, "out of memory");
    json_decref(o);
  }
  if (d != stdin) fclose(d);

  /* Pass 3: each query's keywords. */
  ra_eval_kw_stats st = {ctx.doc, kw_df, kw_is_stop, &ctx};
  rewind(f);
  lineno = 0;
  while (getline(&line, &lcap, f) != -1) {
    char *text = query_text(line, queries, ++lineno);
    if (!text) continue;
    char *kws = ra_eval_keywords(text, k, &st);
    if (!kws) die(EXIT_DATA, "out of memory");
    printf("%s\t%s\n", line, kws);
    free(kws);
  }
  fclose(f);
  free(line);
  strset_free(&ctx.stop);
  strset_free(&ctx.words);
  free(ctx.df);
  free(ctx.last_doc);
  return EXIT_OK;
}

/* ---- run: ra-query JSON -> TREC run lines ------------------------------------*/

static int cmd_run(int argc, char **argv) {
  if (argc != 2) die(EXIT_USAGE, "usage: ra-eval run QID TAG < RA_QUERY_JSON");
  json_error_t je;
  json_t *root = json_loadf(stdin, 0, &je);
  if (!root) die(EXIT_DATA, "stdin:%d: not JSON: %s", je.line, je.text);
  json_t *hits = json_object_get(root, "hits");
  json_t *cut = json_object_get(root, "cut_short");
  /* A cut answer is not the ranking's: say so, score what there is. */
  if (json_is_string(cut))
    fprintf(stderr, "ra-eval: query %s: the answer was cut short (%s)\n",
            argv[0], json_string_value(cut));
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
            "       ra-eval compare [--measure M]... [--perms N] [--seed S]\n"
            "                       QRELS RUN_A RUN_B [QRELS RUN_A RUN_B]...\n"
            "       ra-eval keywords [--stop FILE] K DOCS.jsonl QUERIES.tsv\n"
            "See docs/evaluation.md.\n");
    return argc < 2 ? EXIT_USAGE : EXIT_OK;
  }
  if (strcmp(argv[1], "score") == 0) return cmd_score(argc - 2, argv + 2);
  if (strcmp(argv[1], "si") == 0) return cmd_si(argc - 2, argv + 2);
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2);
  if (strcmp(argv[1], "compare") == 0) return cmd_compare(argc - 2, argv + 2);
  if (strcmp(argv[1], "keywords") == 0) return cmd_keywords(argc - 2, argv + 2);
  die(EXIT_USAGE, "unknown command '%s' (score, compare, keywords, si or run)",
      argv[1]);
}
