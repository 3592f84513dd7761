/* metrics.h - ranking-quality measures for one query (MAP's average
 * precision, P@10, graded nDCG@10, recall@100), computed from grades alone,
 * and the paired significance tests that compare two systems query by
 * query, so both can be checked against hand-computed examples
 * (tests/test_eval_metrics.c).  File reading is in ra-eval.c.
 *
 * Conventions (those of trec_eval): a document is relevant when its grade
 * is > 0; its nDCG gain is its grade (linear gain); the discount at rank r
 * (1-based) is log2(r + 1); the ideal ranking sorts every judged grade of
 * the query, retrieved or not. */
#ifndef RA_EVAL_METRICS_H
#define RA_EVAL_METRICS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RA_EVAL_P_AT 10     /* P@10 */
#define RA_EVAL_NDCG_AT 10  /* nDCG@10 */
#define RA_EVAL_RECALL_AT 100 /* recall@100 */

typedef struct ra_eval_scores {
  double ap;        /* average precision (averaged over queries: MAP) */
  double p10;       /* precision at 10; the denominator is always 10 */
  double ndcg10;    /* nDCG at 10; 0 when nothing is relevant */
  double recall100; /* share of the relevant documents in the top 100 */
  size_t n_rel;     /* relevant documents judged for the query */
  size_t n_rel_ret; /* relevant documents retrieved, at any depth */
} ra_eval_scores;

/* ranked[i]: the grade of the document at rank i + 1 (0 when unjudged or
 * not relevant); judged[j]: every grade in the judgments of the query,
 * including those <= 0 (ignored).  Either array may be empty (NULL with a
 * count of 0).  judged is not modified.  Returns 0, or -1 when the ideal
 * ranking cannot be allocated (out is then zeroed). */
int ra_eval_query(const int *ranked, size_t n_ranked, const int *judged,
                  size_t n_judged, ra_eval_scores *out);

/* ---- paired comparison of two systems ------------------------------------
 *
 * d[i] is system A's score minus system B's on pair i (a query), w[i] its
 * weight (NULL: every pair weighs 1/n).  The statistic is the weighted
 * mean difference sum(w[i] * d[i]); weights let one test average several
 * collections equally (each query of collection c weighs 1/(C * n_c)).
 *
 * Randomisation test (two-sided, paired): under the null hypothesis A and
 * B are exchangeable within a pair, so each d[i] is as likely to have had
 * the opposite sign.  p is the share of sign assignments whose statistic
 * is at least as far from 0 as the observed one.  With at most
 * RA_EVAL_EXACT_MAX non-zero differences every assignment is enumerated
 * (exact p, the observed one included); otherwise `perms` random
 * assignments are drawn from a SplitMix64 stream started at `seed`
 * (deterministic) and p = (1 + hits) / (1 + perms).
 *
 * Paired t-test (two-sided, Student's t with n - 1 degrees of freedom over
 * the unweighted differences); only computed when w is NULL. */

#define RA_EVAL_TIE_EPS 1e-9   /* |d| below this is a tie */
#define RA_EVAL_EXACT_MAX 20   /* enumerate 2^m sign flips up to m = 20 */
#define RA_EVAL_PERMS 10000    /* default number of random sign flips */
#define RA_EVAL_SEED 20261204u /* default seed of the flips */

typedef struct ra_eval_paired {
  size_t n;                    /* pairs */
  size_t wins, losses, ties;   /* d > eps, d < -eps, otherwise */
  double mean_diff;            /* the weighted mean difference */
  double p_perm;               /* randomisation test p */
  int exact;                   /* 1: p_perm enumerated every assignment */
  double t;                    /* t statistic; 0 when undefined */
  double p_t;                  /* t-test p; -1 when undefined (w given, n < 2) */
} ra_eval_paired;

/* Compares n pairs (d, w as above; w may be NULL; n may be 0: p 1).
 * Returns 0, or -1 when memory runs out (out is then zeroed). */
int ra_eval_paired_test(const double *d, const double *w, size_t n,
                        unsigned long perms, unsigned long long seed,
                        ra_eval_paired *out);

/* Two-sided p of Student's t statistic t with df degrees of freedom
 * (df > 0): P(|T| >= |t|). */
double ra_eval_t_pvalue(double t, double df);

#ifdef __cplusplus
}
#endif
#endif
