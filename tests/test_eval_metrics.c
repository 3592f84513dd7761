/* test_eval_metrics.c - TAP tests for bench/eval/metrics.c, the ranking
 * measures behind the evaluation harness, against examples computed by
 * hand (each expected value is written out as the sum it comes from).
 * The discount at rank r is log2(r + 1): log2(2) = 1, log2(3) = 1.5849625,
 * log2(4) = 2, log2(5) = 2.3219281, log2(6) = 2.5849625, log2(11) =
 * 3.4594316. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics.h"

#include "tap.h"

/* Expected values are given to 6 decimals. */
static void near(double got, double want, const char *what) {
  int good = fabs(got - want) < 5e-6;
  ok(good, "%s = %.6f", what, want);
  if (!good) printf("#   got %.9f\n", got);
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

  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
