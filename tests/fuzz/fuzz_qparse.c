/* fuzz_qparse.c - libFuzzer target: the reader's query language.  Broken
 * syntax never fails; only the documented limits may refuse a query. */
#include <stdint.h>
#include <stdlib.h>

#include "qparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ra_analyzer *an;
  if (!an && ra_analyzer_new(&an, NULL)) abort();
  ra_query *q = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = ra_qparse(an, (const char *)data, size, &q, &err);
  if (st == RA_OK) {
    if (q->n_clauses > RA_QUERY_MAX_TERMS) abort();
    for (size_t i = 0; i < q->n_clauses; i++)
      if (q->clauses[i].kind == RA_QC_TEXT && q->clauses[i].n_words == 0) abort();
  } else if (st != RA_ERR_TOOBIG && st != RA_ERR_NOMEM) {
    abort();
  }
  ra_query_free(q);
  return 0;
}
