/* fuzz_analyze.c - libFuzzer target: the analysis pipeline on arbitrary
 * bytes (invalid UTF-8 included).  Every token's byte range must lie inside
 * the input and positions must not go backwards. */
#include <stdint.h>
#include <stdlib.h>

#include "analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct check {
  size_t size;
  uint32_t last_pos;
} check;

static int on_token(void *ctx, const ra_token *t) {
  check *c = ctx;
  if (t->start > t->end || t->end > c->size) abort();
  if (t->pos < c->last_pos) abort();
  if (!t->word || !t->stem || t->word[t->word_len] != '\0') abort();
  c->last_pos = t->pos;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ra_analyzer *an;
  if (!an && ra_analyzer_new(&an, NULL)) abort();
  check c = {size, 0};
  ra_analyze(an, (const char *)data, size, 0, on_token, &c, NULL, NULL);
  size_t *starts = NULL, n = 0;
  if (!ra_analyze_sentences(an, (const char *)data, size, &starts, &n, NULL)) {
    for (size_t i = 0; i < n; i++)
      if (starts[i] > size || (i && starts[i] < starts[i - 1])) abort();
  }
  free(starts);
  char out[256];
  size_t ol = 0;
  if (size <= 64) ra_analyze_fold(an, (const char *)data, size, out, sizeof out, &ol, NULL);
  return 0;
}
