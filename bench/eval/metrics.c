/* metrics.c - per-query ranking measures from grades, and the paired
 * randomisation and t tests that compare two systems (see metrics.h). */
#include "metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

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

/* ---- paired tests ---------------------------------------------------------*/

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-15;
  double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 500; m++) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < eps) break;
  }
  return h;
}

/* The regularised incomplete beta function I_x(a, b). */
static double beta_inc(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
                  b * log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return bt * beta_cf(a, b, x) / a;
  return 1.0 - bt * beta_cf(b, a, 1.0 - x) / b;
}

double ra_eval_t_pvalue(double t, double df) {
  if (!(df > 0.0)) return 1.0;
  if (isinf(t)) return 0.0;
  return beta_inc(df / 2.0, 0.5, df / (df + t * t));
}

/* The statistic under one sign assignment: bit j of mask set = v[j]
 * negated.  Summed in a fixed order, as the observed value is. */
static double signed_sum(const double *v, size_t m, uint64_t mask) {
  double s = 0.0;
  for (size_t j = 0; j < m; j++) s += (mask >> j & 1) ? -v[j] : v[j];
  return s;
}

int ra_eval_paired_test(const double *d, const double *w, size_t n,
                        unsigned long perms, unsigned long long seed,
                        ra_eval_paired *out) {
  memset(out, 0, sizeof *out);
  out->n = n;
  out->p_t = -1.0;
  /* Zeroed: with -fsanitize, gcc cannot see that only v[0..m) is read. */
  double *v = calloc(n ? n : 1, sizeof *v);
  if (!v) return -1;
  size_t m = 0;
  double sum_abs = 0.0;
  for (size_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0 / (double)n;
    out->mean_diff += wi * d[i];
    if (d[i] > RA_EVAL_TIE_EPS) out->wins++;
    else if (d[i] < -RA_EVAL_TIE_EPS) out->losses++;
    else {
      out->ties++;
      continue; /* a tie is the same under either sign */
    }
    v[m++] = wi * d[i];
    sum_abs += fabs(wi * d[i]);
  }

  /* Randomisation test over the non-zero differences.  Sums taken in
   * another order may differ in the last bits: "as extreme" allows that. */
  double obs = fabs(signed_sum(v, m, 0));
  double thr = obs - 1e-12 * sum_abs;
  if (m == 0) {
    out->p_perm = 1.0;
    out->exact = 1;
  } else if (m <= RA_EVAL_EXACT_MAX) {
    uint64_t total = (uint64_t)1 << m, hits = 0;
    for (uint64_t mask = 0; mask < total; mask++)
      if (fabs(signed_sum(v, m, mask)) >= thr) hits++;
    out->p_perm = (double)hits / (double)total;
    out->exact = 1;
  } else {
    uint64_t state = seed, hits = 0;
    for (unsigned long r = 0; r < perms; r++) {
      double s = 0.0;
      uint64_t bits = 0;
      for (size_t j = 0; j < m; j++) {
        if (j % 64 == 0) bits = ra_mix64_splitmix(state += 0x9e3779b97f4a7c15ull);
        s += (bits & 1) ? -v[j] : v[j];
        bits >>= 1;
      }
      if (fabs(s) >= thr) hits++;
    }
    out->p_perm = (double)(1 + hits) / (double)(1 + perms);
  }
  free(v);

  /* Paired t-test: unweighted differences only. */
  if (!w && n >= 2) {
    double mean = out->mean_diff, ss = 0.0;
    for (size_t i = 0; i < n; i++) ss += (d[i] - mean) * (d[i] - mean);
    double sd = sqrt(ss / (double)(n - 1));
    if (sd > 0.0) {
      out->t = mean / (sd / sqrt((double)n));
      out->p_t = ra_eval_t_pvalue(out->t, (double)(n - 1));
    } else {
      out->p_t = fabs(mean) > RA_EVAL_TIE_EPS ? 0.0 : 1.0;
    }
  }
  return 0;
}
