/* fuzz_analyze.c - libFuzzer target: the analysis pipeline on arbitrary
 * bytes (invalid UTF-8 included).  Every token's byte range must lie inside
 * the input and positions must not go backwards, and the fast paths must
 * give ICU's tokens and sentence starts (an analyser with
 * ra_analyzer_set_icu_only is the reference). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct check {
  size_t size;
  uint32_t last_pos;
  char *log; /* every token, to compare the two paths */
  size_t n, cap;
} check;

static int on_token(void *ctx, const ra_token *t) {
  check *c = ctx;
  if (t->start > t->end || t->end > c->size) abort();
  if (t->pos < c->last_pos) abort();
  if (!t->word || !t->stem || t->word[t->word_len] != '\0') abort();
  c->last_pos = t->pos;
  size_t need = c->n + t->word_len + t->stem_len + 64;
  if (need > c->cap) {
    c->cap = need * 2;
    c->log = realloc(c->log, c->cap);
    if (!c->log) abort();
  }
  c->n += (size_t)snprintf(c->log + c->n, c->cap - c->n, "%zu-%zu:%u:%u:%s/%s|", t->start,
                           t->end, (unsigned)t->pos, t->flags, t->word, t->stem);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ra_analyzer *an, *icu;
  if (!an && ra_analyzer_new(&an, NULL)) abort();
  if (!icu) {
    if (ra_analyzer_new(&icu, NULL)) abort();
    ra_analyzer_set_icu_only(icu, 1);
  }
  check c = {size, 0, NULL, 0, 0}, r = {size, 0, NULL, 0, 0};
  int fs = ra_analyze(an, (const char *)data, size, 0, on_token, &c, NULL, NULL);
  int rs = ra_analyze(icu, (const char *)data, size, 0, on_token, &r, NULL, NULL);
  if (fs != rs || c.n != r.n || (c.n && memcmp(c.log, r.log, c.n) != 0)) {
    fprintf(stderr, "fast path %.300s\nICU       %.300s\n", c.log ? c.log : "", r.log ? r.log : "");
    abort();
  }
  free(c.log);
  free(r.log);
  size_t *starts = NULL, n = 0, *ref = NULL, nref = 0;
  int ss = ra_analyze_sentences(an, (const char *)data, size, &starts, &n, NULL);
  if (!ss) {
    for (size_t i = 0; i < n; i++)
      if (starts[i] > size || (i && starts[i] < starts[i - 1])) abort();
  }
  /* Sentence starts: rasearch's rules and ICU's iterator agree. */
  int rs2 = ra_analyze_sentences(icu, (const char *)data, size, &ref, &nref, NULL);
  if (ss != rs2 || (!ss && (n != nref || memcmp(starts, ref, n * sizeof *ref) != 0))) {
    fprintf(stderr, "sentence starts differ: %zu vs ICU %zu\n", n, nref);
    abort();
  }
  free(ref);
  free(starts);
  char out[256];
  size_t ol = 0;
  if (size <= 64) ra_analyze_fold(an, (const char *)data, size, out, sizeof out, &ol, NULL);
  return 0;
}
