/* metrics.h - ranking-quality measures for one query (MAP's average
 * precision, P@10, graded nDCG@10, recall@100), computed from grades alone
 * so they can be checked against hand-computed examples
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

#ifdef __cplusplus
}
#endif
#endif
