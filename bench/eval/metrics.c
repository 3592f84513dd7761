/* metrics.c - per-query ranking measures from grades (see metrics.h). */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_grade_desc(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x < y) - (x > y);
}

/* DCG of the first k grades; negative grades are not gains. */
static double dcg(const int *g, size_t n, size_t k) {
  double s = 0.0;
  for (size_t i = 0; i < n && i < k; i++)
    if (g[i] > 0) s += (double)g[i] / log2((double)(i + 2));
  return s;
}

int ra_eval_query(const int *ranked, size_t n_ranked, const int *judged,
                  size_t n_judged, ra_eval_scores *out) {
  memset(out, 0, sizeof *out);
  for (size_t j = 0; j < n_judged; j++)
    if (judged[j] > 0) out->n_rel++;

  size_t hits = 0, hits10 = 0, hits100 = 0;
  double sum_prec = 0.0;
  for (size_t i = 0; i < n_ranked; i++) {
    if (ranked[i] <= 0) continue;
    hits++;
    sum_prec += (double)hits / (double)(i + 1);
    if (i < RA_EVAL_P_AT) hits10++;
    if (i < RA_EVAL_RECALL_AT) hits100++;
  }
  /* A run can only claim as many relevant documents as were judged: a
   * malformed run that repeats one would otherwise exceed 1.0. */
  if (hits > out->n_rel) hits = out->n_rel;
  out->n_rel_ret = hits;
  out->p10 = (double)hits10 / RA_EVAL_P_AT;
  if (out->n_rel == 0) return 0; /* nothing to find: AP, nDCG, recall 0 */
  out->ap = sum_prec / (double)out->n_rel;
  out->recall100 = (double)hits100 / (double)out->n_rel;

  /* The ideal ranking: every judged grade, best first. */
  int *ideal = malloc((n_judged ? n_judged : 1) * sizeof *ideal);
  if (!ideal) {
    memset(out, 0, sizeof *out);
    return -1;
  }
  if (n_judged) memcpy(ideal, judged, n_judged * sizeof *ideal);
  qsort(ideal, n_judged, sizeof *ideal, cmp_grade_desc);
  double idcg = dcg(ideal, n_judged, RA_EVAL_NDCG_AT);
  free(ideal);
  if (idcg > 0.0) out->ndcg10 = dcg(ranked, n_ranked, RA_EVAL_NDCG_AT) / idcg;
  return 0;
}
