/* test_eval_metrics.c - TAP tests for bench/eval/metrics.c, the ranking
 * measures and paired tests behind the evaluation harness, and for
 * bench/eval/keywords.c, the rule that picks a query's keywords, against
 * examples computed by hand (each expected value is written out as the
 * sum it comes from).
 * The discount at rank r is log2(r + 1): log2(2) = 1, log2(3) = 1.5849625,
 * log2(4) = 2, log2(5) = 2.3219281, log2(6) = 2.5849625, log2(11) =
 * 3.4594316. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keywords.h"
#include "metrics.h"

#include "tap.h"

/* Expected values are given to 6 decimals. */
static void near(double got, double want, const char *what) {
  int good = fabs(got - want) < 5e-6;
  ok(good, "%s = %.6f", what, want);
  if (!good) printf("#   got %.9f\n", got);
}

/* ---- paired tests ---------------------------------------------------------*/

static void paired_tests(void) {
  ra_eval_paired t;

  /* A. Three wins, d = 1, 2, 3.  Sign flips of {1, 2, 3}: sums 6, 4, 2,
   * 0, 0, -2, -4, -6; as far from 0 as 6: 2 of 8 -> p = 0.25 (exact).
   * t-test: mean 2, sd 1, t = 2 / (1/sqrt 3) = 3.4641016, df 2:
   * p = 1 - t / sqrt(2 + t^2) = 0.074180. */
  {
    double d[] = {1, 2, 3};
    ok(ra_eval_paired_test(d, NULL, 3, RA_EVAL_PERMS, RA_EVAL_SEED, &t) == 0,
       "paired A computes");
    ok(t.wins == 3 && t.losses == 0 && t.ties == 0, "paired A: W/L/T 3/0/0");
    near(t.mean_diff, 2.0, "paired A: mean difference");
    ok(t.exact, "paired A: 3 differences are enumerated");
    near(t.p_perm, 0.25, "paired A: randomisation p = 2/8");
    near(t.t, 3.464102, "paired A: t");
    near(t.p_t, 0.074180, "paired A: t-test p (df 2)");
  }

  /* B. A win, a loss, a tie, a bigger win: d = 0.5, -0.5, 0, 1.  The tie
   * is the same under either sign; flips of {0.5, -0.5, 1}: sums 2, 1, 1,
   * 0, 0, -1, -1, -2 (times 1/4); at least |1|: 6 of 8 -> p = 0.75.
   * Mean 0.25; deviations .25, -.75, -.25, .75: sd = sqrt(1.25/3), t =
   * 0.774597, df 3: p = 1 - (2/pi)(x/(1+x^2) + atan x), x = t/sqrt 3:
   * 0.495025. */
  {
    double d[] = {0.5, -0.5, 0.0, 1.0};
    ra_eval_paired_test(d, NULL, 4, RA_EVAL_PERMS, RA_EVAL_SEED, &t);
    ok(t.wins == 2 && t.losses == 1 && t.ties == 1, "paired B: W/L/T 2/1/1");
    near(t.mean_diff, 0.25, "paired B: mean difference");
    near(t.p_perm, 0.75, "paired B: randomisation p = 6/8");
    near(t.p_t, 0.495025, "paired B: t-test p (df 3)");
  }

  /* C. Only ties (below RA_EVAL_TIE_EPS): p 1 on both tests. */
  {
    double d[] = {0.0, 1e-12, -1e-12};
    ra_eval_paired_test(d, NULL, 3, RA_EVAL_PERMS, RA_EVAL_SEED, &t);
    ok(t.ties == 3 && t.wins == 0 && t.losses == 0, "paired C: all ties");
    near(t.p_perm, 1.0, "paired C: randomisation p");
    near(t.p_t, 1.0, "paired C: t-test p");
  }

  /* D. Weights (two collections weighing the same: one query of weight
   * 1/2, two of 1/4): d = 1, -1, 1 -> mean 0.5 - 0.25 + 0.25 = 0.5.
   * Flips of {0.5, -0.25, 0.25}: 1, .5, .5, 0, 0, -.5, -.5, -1; at least
   * 0.5: 6 of 8 -> 0.75.  No t-test with weights. */
  {
    double d[] = {1, -1, 1}, w[] = {0.5, 0.25, 0.25};
    ra_eval_paired_test(d, w, 3, RA_EVAL_PERMS, RA_EVAL_SEED, &t);
    near(t.mean_diff, 0.5, "paired D: weighted mean difference");
    near(t.p_perm, 0.75, "paired D: weighted randomisation p");
    ok(t.p_t < 0, "paired D: no t-test p with weights");
  }

  /* E. Random flips past RA_EVAL_EXACT_MAX.  25 equal wins: only the two
   * all-same-sign assignments are as extreme (exact p 2^-24), so no draw
   * of 10,000 hits: p = (1 + 0) / (1 + 10000). */
  {
    double d[25];
    for (int i = 0; i < 25; i++) d[i] = 0.1;
    ra_eval_paired_test(d, NULL, 25, 10000, RA_EVAL_SEED, &t);
    ok(!t.exact, "paired E: 25 differences are sampled");
    near(t.p_perm, 1.0 / 10001.0, "paired E: p = 1/10001");
  }

  /* F. The sampled p is close to the exact one: 21 differences -1, -2,
   * ..., -11, 12, ..., 21 (mean 99/21), exact p by enumerating 2^21 flips
   * here (0.0888), sampled p within 0.012 (4 standard errors of 10,000
   * draws). */
  {
    double d[21], v[21];
    for (int i = 0; i < 21; i++) d[i] = (i < 11 ? -1.0 : 1.0) * (i + 1);
    double obs = 0;
    for (int i = 0; i < 21; i++) obs += d[i];
    for (int i = 0; i < 21; i++) v[i] = fabs(d[i]);
    long hits = 0, total = 1L << 21;
    for (long m = 0; m < total; m++) {
      double s = 0;
      for (int i = 0; i < 21; i++) s += (m >> i & 1) ? -v[i] : v[i];
      if (fabs(s) >= fabs(obs) - 1e-9) hits++;
    }
    double exact = (double)hits / (double)total;
    ra_eval_paired_test(d, NULL, 21, 10000, RA_EVAL_SEED, &t);
    near(exact, 0.088799, "paired F: exact p");
    ok(fabs(t.p_perm - exact) < 0.012, "paired F: sampled p %.4f near exact %.4f",
       t.p_perm, exact);
    ra_eval_paired u;
    ra_eval_paired_test(d, NULL, 21, 10000, RA_EVAL_SEED, &u);
    ok(u.p_perm == t.p_perm, "paired F: the same seed gives the same p");
  }

  /* G. No pairs at all. */
  ra_eval_paired_test(NULL, NULL, 0, RA_EVAL_PERMS, RA_EVAL_SEED, &t);
  ok(t.n == 0 && t.p_perm == 1.0 && t.p_t < 0, "paired G: no pairs: p 1, no t");

  /* Student's t tail: the 5% two-sided critical values of df 10 and of a
   * large df, and the Cauchy distribution (df 1): P(|T| >= 1) = 1/2. */
  near(ra_eval_t_pvalue(2.228139, 10), 0.05, "t p-value: t 2.228139, df 10");
  near(ra_eval_t_pvalue(1.959964, 1e6), 0.05, "t p-value: t 1.959964, df 1e6");
  near(ra_eval_t_pvalue(1.0, 1), 0.5, "t p-value: Cauchy at 1");
  near(ra_eval_t_pvalue(0.0, 5), 1.0, "t p-value: t 0");
}

/* ---- keywords --------------------------------------------------------------*/

/* A hand-made collection of 100 documents. */
static const struct { const char *w; long df; } dfs[] = {
    {"similarity", 10}, {"laws", 8}, {"obeyed", 1}, {"constructing", 3},
    {"aeroelastic", 2}, {"models", 30}, {"heated", 5}, {"high", 50},
    {"speed", 40}, {"aircraft", 20}, {"flows", 5}, {"flow", 10},
    {"gas", 7}, {"heat", 7}, {"conduction", 9}, {"slabs", 4}, {"c2", 6}};

static long test_df(const char *w, void *ctx) {
  (void)ctx;
  for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++)
    if (strcmp(dfs[i].w, w) == 0) return dfs[i].df;
  return 0;
}

static int test_stop(const char *w, void *ctx) {
  static const char *const stop[] = {"what", "must", "be", "when", "of", "in", "is", "it", "the"};
  (void)ctx;
  for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
    if (strcmp(stop[i], w) == 0) return 1;
  return 0;
}

static void kw_is(const char *query, size_t k, const char *want, const char *what) {
  ra_eval_kw_stats st = {100, test_df, test_stop, NULL};
  char *got = ra_eval_keywords(query, k, &st);
  int good = got && strcmp(got, want) == 0;
  ok(good, "keywords: %s", what);
  if (!good) printf("#   got '%s', want '%s'\n", got ? got : "(null)", want);
  free(got);
}

static void stem_is(const char *w, const char *want) {
  char out[32];
  ra_eval_crude_stem(w, out, sizeof out);
  ok(strcmp(out, want) == 0, "crude stem: %s -> %s", w, want);
}

static void keyword_tests(void) {
  /* Cranfield query 1 without the stop words: similarity(df 10) laws(8)
   * obeyed(1) constructing(3) aeroelastic(2) models(30) heated(5) high(50)
   * speed(40) aircraft(20); the rarest are obeyed, aeroelastic,
   * constructing, written back in query order. */
  const char *q1 = "what similarity laws must be obeyed when constructing "
                   "aeroelastic models of heated high speed aircraft .";
  kw_is(q1, 2, "obeyed aeroelastic", "2 rarest words, in query order");
  kw_is(q1, 3, "obeyed constructing aeroelastic", "3 rarest words, in query order");
  kw_is("Heat-Conduction, in SLABS!", 3, "heat conduction slabs",
        "lower case; punctuation separates; a stop word is dropped");
  kw_is("heat gas", 1, "heat", "equal IDF (df 7): the earlier word");
  kw_is("gas heat", 1, "gas", "equal IDF, other order: the earlier word");
  kw_is("zzyzx flow", 1, "flow", "a word in no document ranks last");
  kw_is("zzyzx qqq", 1, "zzyzx", "only unknown words: the first");
  kw_is("flows flow gas", 2, "flows gas", "flow repeats flows (crude stem): dropped");
  kw_is("flow flows gas", 2, "flow gas", "the first form is the one kept");
  kw_is("a b c2 x", 3, "c2", "one-character tokens are dropped");
  kw_is("slabs", 3, "slabs", "fewer words than K: all of them");
  kw_is("what is it", 2, "what is", "stop words only: chosen among them");
  kw_is("", 2, "", "an empty query has an empty version");
  kw_is("  ... ", 2, "", "no token at all");

  stem_is("flows", "flow");
  stem_is("gas", "gas");
  stem_is("class", "class");
  stem_is("analysis", "analysis");
  stem_is("status", "status");
  stem_is("cells", "cell");
}

int main(void) {
  ra_eval_scores s;

  /* 1. Graded, partly retrieved.  Judged grades 3,2,1,1 (relevant), 0 and
   * -1 (not relevant); retrieved: grade 3, miss, grade 1, miss, grade 2.
   * AP = (1/1 + 2/3 + 3/5) / 4 = 0.566667
   * P@10 = 3/10; recall@100 = 3/4
   * DCG = 3/1 + 1/2 + 2/2.5849625 = 4.2737056
   * IDCG = 3/1 + 2/1.5849625 + 1/2 + 1/2.3219281 = 5.1925361
   * nDCG@10 = 0.823048 */
  {
    int ranked[] = {3, 0, 1, 0, 2};
    int judged[] = {3, 2, 1, 1, 0, -1};
    ok(ra_eval_query(ranked, 5, judged, 6, &s) == 0, "example 1 computes");
    near(s.ap, 0.566667, "example 1: AP");
    near(s.p10, 0.3, "example 1: P@10");
    near(s.recall100, 0.75, "example 1: recall@100");
    near(s.ndcg10, 0.823048, "example 1: nDCG@10");
    ok(s.n_rel == 4 && s.n_rel_ret == 3, "example 1: 4 relevant, 3 retrieved");
  }

  /* 2. Cut-offs.  Five relevant (grade 1), found at ranks 10, 11, 100 and
   * 101 of 150.
   * AP = (1/10 + 2/11 + 3/100 + 4/101) / 5 = 0.070284
   * P@10 = 1/10; recall@100 = 3/5 (rank 101 is past the cut-off)
   * nDCG@10 = (1/3.4594316) / (1 + 1/1.5849625 + 1/2 + 1/2.3219281 +
   *           1/2.5849625) = 0.098039 */
  {
    int ranked[150] = {0};
    int judged[] = {1, 1, 1, 1, 1};
    ranked[9] = ranked[10] = ranked[99] = ranked[100] = 1;
    ra_eval_query(ranked, 150, judged, 5, &s);
    near(s.ap, 0.070284, "example 2: AP");
    near(s.p10, 0.1, "example 2: P@10");
    near(s.recall100, 0.6, "example 2: recall@100");
    near(s.ndcg10, 0.098039, "example 2: nDCG@10");
  }

  /* 3. The ideal ranking scores 1 everywhere it can; P@10 still divides
   * by 10 when fewer than 10 documents are relevant. */
  {
    int ranked[] = {4, 3, 2, 1};
    int judged[] = {1, 2, 3, 4};
    ra_eval_query(ranked, 4, judged, 4, &s);
    near(s.ap, 1.0, "example 3 (ideal): AP");
    near(s.ndcg10, 1.0, "example 3 (ideal): nDCG@10");
    near(s.p10, 0.4, "example 3 (ideal): P@10 = 4/10");
    near(s.recall100, 1.0, "example 3 (ideal): recall@100");
  }

  /* 4. Grades matter to nDCG only.  Judged 4 and 1, retrieved in the
   * wrong order: AP = (1/1 + 2/2) / 2 = 1, but
   * nDCG@10 = (1/1 + 4/1.5849625) / (4/1 + 1/1.5849625) = 0.760910 */
  {
    int ranked[] = {1, 4};
    int judged[] = {4, 1};
    ra_eval_query(ranked, 2, judged, 2, &s);
    near(s.ap, 1.0, "example 4: AP ignores grades");
    near(s.ndcg10, 0.760910, "example 4: nDCG@10 uses them");
  }

  /* 5. Nothing retrieved: every measure 0, the relevant count kept. */
  {
    int judged[] = {2, -1};
    ra_eval_query(NULL, 0, judged, 2, &s);
    ok(s.ap == 0 && s.p10 == 0 && s.ndcg10 == 0 && s.recall100 == 0,
       "example 5: empty run scores 0");
    ok(s.n_rel == 1, "example 5: grade -1 is not relevant");
  }

  /* 6. No relevant judgment at all (grades 0 and -1): no division by 0. */
  {
    int ranked[] = {0, 0};
    int judged[] = {0, -1};
    ra_eval_query(ranked, 2, judged, 2, &s);
    ok(s.n_rel == 0 && s.ap == 0 && s.ndcg10 == 0 && s.recall100 == 0,
       "example 6: no relevant document gives zeros");
  }

  /* 7. Negative grades in the ranking are neither hits nor gains. */
  {
    int ranked[] = {-1, 2};
    int judged[] = {-1, 2};
    ra_eval_query(ranked, 2, judged, 2, &s);
    near(s.ap, 0.5, "example 7: AP = (1/2) / 1");
    near(s.ndcg10, 1.0 / 1.5849625, "example 7: nDCG@10 = (2/1.585) / 2");
  }

  paired_tests();
  keyword_tests();

  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
