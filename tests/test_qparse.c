/* test_qparse.c - TAP tests for lib/qparse.c (the query language).
 *
 * Table-driven: each query is parsed and its tree printed as an
 * S-expression (AND/OR/NOT groups; leaves w:word, p:"phrase", x:prefix*,
 * t:title-word, tag:value, cat:value), compared with the expected text,
 * with the fallback flag.  Then thousands of random queries (operators,
 * quotes, parentheses, fields, invalid UTF-8) must parse without error and
 * give a well-formed tree. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "qparse.h"

#include "tap.h"

static ra_analyzer *AN;

/* ---- tree printing --------------------------------------------------------- */

typedef struct buf {
  char s[4096];
  size_t n;
} buf;

static void put(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (b->n < sizeof b->s) {
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    if (k > 0) b->n += (size_t)k;
  }
  va_end(ap);
}

static void print_clause(buf *b, const ra_qclause *c) {
  if (c->kind == RA_QC_TAG) {
    put(b, "tag:%s", c->value);
    return;
  }
  if (c->kind == RA_QC_CATEGORY) {
    put(b, "cat:%s", c->value);
    return;
  }
  const char *k = c->wildcard ? "x" : c->title_only ? "t" : c->phrase ? "p" : "w";
  put(b, "%s:", k);
  if (c->phrase) put(b, "\"");
  for (size_t i = 0; i < c->n_words; i++)
    put(b, "%s%s", i ? " " : "", c->words[i].word);
  if (c->phrase) put(b, "\"");
  if (c->wildcard) put(b, "*");
}

static void print_node(buf *b, const ra_query *q, const ra_qnode *n) {
  if (n->kind == RA_QN_CLAUSE) {
    print_clause(b, &q->clauses[n->clause]);
    return;
  }
  put(b, "(%s", n->kind == RA_QN_AND ? "AND" : n->kind == RA_QN_OR ? "OR" : "NOT");
  for (size_t i = 0; i < n->n_kids; i++) {
    put(b, " ");
    print_node(b, q, &n->kids[i]);
  }
  put(b, ")");
}

static const char *tree(const ra_query *q) {
  static buf b;
  b.n = 0;
  b.s[0] = '\0';
  if (!q->root) put(&b, "-");
  else print_node(&b, q, q->root);
  return b.s;
}

/* Every leaf names a clause in range, every clause is a leaf exactly
 * once, negated clauses sit under a NOT, groups are not empty. */
static int well_formed(const ra_query *q, const ra_qnode *n, int under_not,
                       int *seen) {
  if (n->kind == RA_QN_CLAUSE) {
    if (n->clause >= q->n_clauses || seen[n->clause]) return 0;
    seen[n->clause] = 1;
    return q->clauses[n->clause].negated == under_not;
  }
  if (n->n_kids == 0) return 0;
  if (n->kind == RA_QN_NOT && n->n_kids != 1) return 0;
  for (size_t i = 0; i < n->n_kids; i++)
    if (!well_formed(q, &n->kids[i], under_not || n->kind == RA_QN_NOT, seen))
      return 0;
  return 1;
}

static int check_tree(const ra_query *q) {
  if (!q->root) return q->n_clauses == 0;
  int *seen = calloc(q->n_clauses + 1, sizeof *seen);
  int good = seen && well_formed(q, q->root, 0, seen);
  for (size_t i = 0; good && i < q->n_clauses; i++)
    if (!seen[i]) good = 0;
  free(seen);
  return good;
}

/* ---- the table --------------------------------------------------------------- */

typedef struct pcase {
  const char *query;
  const char *tree;
  int fallback;
} pcase;

static const pcase cases[] = {
    {"mentor", "w:mentor", 0},
    {"Mentoring RESIDENTS", "(AND w:mentoring w:residents)", 0},
    {"caf\xc3\xa9", "w:cafe", 0},
    {"\"residency programs\"", "p:\"residency programs\"", 0},
    {"post-match", "p:\"post match\"", 0},
    {"-alumni mentor", "(AND (NOT w:alumni) w:mentor)", 0},
    {"mentor NOT alumni", "(AND w:mentor (NOT w:alumni))", 0},
    {"mentor -\"medical school\"", "(AND w:mentor (NOT p:\"medical school\"))", 0},
    {"a OR b c", "(AND (OR w:a w:b) w:c)", 0},
    {"a b OR c", "(AND w:a (OR w:b w:c))", 0},
    {"a AND b", "(AND w:a w:b)", 0},
    {"a OR b OR c", "(OR w:a w:b w:c)", 0},
    {"(a OR b) (c OR d)", "(AND (OR w:a w:b) (OR w:c w:d))", 0},
    {"mentor -(alumni OR scrubs)", "(AND w:mentor (NOT (OR w:alumni w:scrubs)))", 0},
    {"((a))", "w:a", 0},
    {"ment*", "x:ment*", 0},
    {"post-ma*", "(AND w:post x:ma*)", 0},
    {"title:networking", "t:networking", 0},
    {"title:\"residency networking\"", "t:\"residency networking\"", 0},
    {"tag:mentorship", "tag:mentorship", 0},
    {"TAG:Mentorship", "tag:mentorship", 0},
    {"tag:\"Career  Development\"", "tag:career development", 0},
    /* In a quoted value \" is a quote and \\ a backslash; other
     * backslashes are themselves. */
    {"tag:\"Say \\\"Hi\\\" Now\" mentor", "(AND tag:say \"hi\" now w:mentor)", 0},
    {"category:\"a\\\\b\\c\"", "cat:a\\b\\c", 0},
    {"tag:a tag:b", "(AND tag:a tag:b)", 0},
    {"category:\"Residency Life\" mentor", "(AND cat:residency life w:mentor)", 0},
    {"NOT NOT mentor", "w:mentor", 0},
    {"-mentor", "(AND (NOT w:mentor))", 0},
    {"mentor ...", "w:mentor", 0},
    {"", "-", 0},
    {"   ", "-", 0},
    /* Syntax a reader gets wrong: plain words, with a note. */
    {"\"unbalanced phrase", "(AND w:unbalanced w:phrase)", 1},
    {"(alumni OR scrubs", "(AND w:alumni w:scrubs)", 1},
    {"alumni)", "w:alumni", 1},
    {"mentor OR", "w:mentor", 1},
    {"OR mentor", "w:mentor", 1},
    {"AND", "-", 1},
    {"mentor AND AND alumni", "(AND w:mentor w:alumni)", 1},
    {"*", "-", 1},
    {"mentor *", "w:mentor", 1},
    {"tag:", "-", 1},
    {"tag: mentorship", "w:mentorship", 1},
    {"mentor NOT", "w:mentor", 1},
    {"()", "-", 1},
    {"a OR -b", "(AND w:a w:b)", 1},
    {"tag:\"unclosed", "w:unclosed", 1},
    /* An escaped quote does not close the value: still unbalanced. */
    {"tag:\"abc\\\" mentor", "(AND w:abc w:mentor)", 1},
    /* An escaped backslash before the quote: the quote closes it. */
    {"tag:\"abc\\\\\" mentor", "(AND tag:abc\\ w:mentor)", 0},
};

static void test_table(void) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const pcase *c = &cases[i];
    ra_query *q = NULL;
    ra_error err;
    ra_error_clear(&err);
    ra_status st = ra_qparse(AN, c->query, strlen(c->query), &q, &err);
    if (st) {
      ok(0, "parse '%s': %s", c->query, ra_error_message(&err));
      continue;
    }
    const char *got = tree(q);
    ok(strcmp(got, c->tree) == 0 && q->fallback == c->fallback && check_tree(q) &&
           (!c->fallback || strstr(q->notes, "read as plain words")),
       "'%s' -> %s%s (got %s%s)", c->query, c->tree, c->fallback ? " [plain words]" : "",
       got, q->fallback ? " [plain words]" : "");
    ra_query_free(q);
  }
}

/* A value quoted by ra_qparse_quote_value reads back as itself. */
static void test_quote_value(void) {
  const char *values[] = {"plain", "say \"hi\" now", "back\\slash\\", "\"", "(a) b"};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    char *qv = ra_qparse_quote_value(values[i]);
    char *qs = NULL, want[256];
    size_t wl = 0;
    ra_query *q = NULL;
    if (qv && asprintf(&qs, "tag:%s", qv) >= 0)
      ra_qparse(AN, qs, strlen(qs), &q, NULL);
    ra_qparse_fold_value(AN, values[i], strlen(values[i]), want, &wl);
    ok(q && q->n_clauses == 1 && q->clauses[0].kind == RA_QC_TAG &&
           strcmp(q->clauses[0].value, want) == 0,
       "tag:%s reads back as the tag '%s'", qv ? qv : "(null)", values[i]);
    ra_query_free(q);
    free(qs);
    free(qv);
  }
}

static void test_raw_and_limits(void) {
  const char *s = "mentor \"Residency  Programs\" tag:Mentorship -alumni";
  ra_query *q = NULL;
  ra_status st = ra_qparse(AN, s, strlen(s), &q, NULL);
  int good = st == RA_OK && q->n_clauses == 4;
  for (size_t i = 0; good && i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (!c->raw || strlen(c->raw) != c->raw_end - c->raw_start ||
        memcmp(s + c->raw_start, c->raw, strlen(c->raw)) != 0)
      good = 0;
  }
  ok(good && strcmp(q->clauses[1].raw, "\"Residency  Programs\"") == 0 &&
         strcmp(q->clauses[2].raw, "tag:Mentorship") == 0 &&
         strcmp(q->clauses[3].raw, "alumni") == 0,
     "each clause keeps the reader's text and its byte range");
  ra_query_free(q);

  char big[RA_QUERY_MAX_BYTES + 2];
  memset(big, 'a', sizeof big);
  ra_error err;
  ra_error_clear(&err);
  q = NULL;
  st = ra_qparse(AN, big, sizeof big, &q, &err);
  ok(st == RA_ERR_TOOBIG && q == NULL && strstr(err.msg, "4096"),
     "a query above %d bytes is RA_ERR_TOOBIG naming the limit", RA_QUERY_MAX_BYTES);

  char many[1024];
  size_t k = 0;
  for (int i = 0; i < 100; i++) k += (size_t)snprintf(many + k, sizeof many - k, "w%d ", i);
  q = NULL;
  st = ra_qparse(AN, many, k, &q, NULL);
  ok(st == RA_OK && q->n_clauses == RA_QUERY_MAX_TERMS && strstr(q->notes, "truncated"),
     "100 words: the first %d kept, with a note", RA_QUERY_MAX_TERMS);
  ra_query_free(q);

  char deep[200];
  k = 0;
  for (int i = 0; i < 40; i++) deep[k++] = '(';
  memcpy(deep + k, "x", 1);
  k++;
  for (int i = 0; i < 40; i++) deep[k++] = ')';
  q = NULL;
  st = ra_qparse(AN, deep, k, &q, NULL);
  ok(st == RA_OK && q->fallback && strcmp(tree(q), "w:x") == 0,
     "40 nested parentheses: plain words, no deep recursion");
  ra_query_free(q);

  const char bad[] = "caf\xff\xfe mentor";
  q = NULL;
  st = ra_qparse(AN, bad, sizeof bad - 1, &q, NULL);
  size_t tl = 0;
  const char *t = st == RA_OK ? ra_query_text(q, &tl) : NULL;
  ok(st == RA_OK && t && strstr(t, "\xEF\xBF\xBD") && strstr(q->notes, "UTF-8") &&
         q->n_clauses == 2,
     "invalid UTF-8: replaced (U+FFFD), noted, the words still parsed");
  ra_query_free(q);

  const char nul[] = "men\0tor";
  q = NULL;
  st = ra_qparse(AN, nul, sizeof nul - 1, &q, NULL);
  ok(st == RA_OK && q->n_clauses == 2 && q->clauses[0].n_words == 1 &&
         q->clauses[1].n_words == 1,
     "a NUL byte (U+FFFD) separates words: two words, no crash");
  ra_query_free(q);
}

/* ---- random queries ----------------------------------------------------------- */

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static void test_random(void) {
  static const char *const atoms[] = {
      "mentor", "residency", "caf\xc3\xa9", "post-match", "\"", "(", ")", "-", "*",
      "OR", "AND", "NOT", "tag:", "title:", "category:", "tag:\"career development\"",
      "ment*", "\xff", "\xe2\x80", ":", "\"a b\"", "x", "--", "((", "))", " ", "\t"};
  int all = 1, trees = 1;
  char first[512] = "";
  for (int i = 0; i < 5000; i++) {
    char q[512];
    size_t k = 0;
    unsigned n = 1 + rnd(12);
    for (unsigned j = 0; j < n; j++) {
      const char *a = atoms[rnd(sizeof atoms / sizeof atoms[0])];
      size_t l = strlen(a);
      if (k + l + 2 >= sizeof q) break;
      memcpy(q + k, a, l);
      k += l;
      if (rnd(3)) q[k++] = ' ';
    }
    ra_query *pq = NULL;
    ra_error err;
    ra_error_clear(&err);
    if (ra_qparse(AN, q, k, &pq, &err) != RA_OK) {
      if (all) snprintf(first, sizeof first, "%.*s: %.200s", (int)(k > 200 ? 200 : k), q, err.msg);
      all = 0;
      continue;
    }
    if (!check_tree(pq)) {
      if (trees) snprintf(first, sizeof first, "bad tree for '%.*s': %.200s", (int)(k > 200 ? 200 : k), q, tree(pq));
      trees = 0;
    }
    ra_query_free(pq);
  }
  ok(all, "5000 random queries of operators, quotes, fields and bad bytes all parse%s%s",
     first[0] ? ": " : "", first);
  ok(trees, "and every tree is well formed (clauses once, NOT marks negation)");
}

int main(void) {
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&AN, &err) != RA_OK) {
    printf("Bail out! ra_analyzer_new: %s\n", ra_error_message(&err));
    return 1;
  }
  test_table();
  test_quote_value();
  test_raw_and_limits();
  test_random();
  ra_analyzer_free(AN);
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
