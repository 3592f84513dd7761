/* fuzz_article.c - libFuzzer target: the page parser.  Input: one page's
 * raw bytes.  Cleans, learns and parses it, round-trips the article through
 * JSON and checks the copy parses again. */
#include <stdint.h>
#include <stdlib.h>

#include "article.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = NULL;
  size_t len = 0;
  int repaired = 0;
  ra_model *m = NULL;
  ra_article *a = NULL, *b = NULL;
  char *json = NULL;
  if (ra_article_clean("fuzz", (const char *)data, size, 1 << 20, &text, &len,
                       &repaired, NULL, NULL, NULL))
    return 0;
  if (!ra_model_new(&m, NULL) && !ra_model_learn(m, text, len, NULL) &&
      !ra_model_finish(m, NULL) &&
      !ra_article_parse(m, "fuzz", NULL, text, len, &a, NULL, NULL, NULL) &&
      !ra_article_to_json(a, 0, &json, NULL)) {
    size_t jl = 0;
    while (json[jl]) jl++;
    /* What the parser produced must load back. */
    if (ra_article_from_json(json, jl, &b, NULL)) abort();
  }
  free(json);
  ra_article_free(a);
  ra_article_free(b);
  ra_model_free(m);
  free(text);
  return 0;
}
