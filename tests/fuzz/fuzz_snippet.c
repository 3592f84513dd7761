/* fuzz_snippet.c - libFuzzer target: the snippet builder.  Input: a query
 * line, then a page.  Fragments must be exact source bytes with highlights
 * inside them, ascending and non-overlapping. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "qparse.h"
#include "snippet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ra_analyzer *an;
  static ra_model *m;
  if (!an && ra_analyzer_new(&an, NULL)) abort();
  if (!m && (ra_model_new(&m, NULL) || ra_model_finish(m, NULL))) abort();
  const char *s = (const char *)data;
  const char *nl = memchr(s, '\n', size);
  if (!nl) return 0;
  size_t qlen = (size_t)(nl - s);
  char *text = NULL;
  size_t len = 0;
  int repaired = 0;
  ra_query *q = NULL;
  ra_article *a = NULL;
  ra_snippet *sn = NULL;
  if (!ra_qparse(an, s, qlen, &q, NULL) &&
      !ra_article_clean("fuzz", nl + 1, size - qlen - 1, 1 << 20, &text, &len,
                        &repaired, NULL, NULL, NULL) &&
      !ra_article_parse(m, "fuzz", NULL, text, len, &a, NULL, NULL, NULL) &&
      !ra_snippet_build(an, a, q, NULL, &sn, NULL)) {
    for (size_t f = 0; f < sn->n_frags; f++) {
      const ra_fragment *fr = &sn->frags[f];
      if (strlen(fr->text) != fr->len) abort();
      size_t at = 0;
      for (size_t h = 0; h < fr->n_hls; h++) {
        if (fr->hls[h].start < at || fr->hls[h].end <= fr->hls[h].start ||
            fr->hls[h].end > fr->len)
          abort();
        at = fr->hls[h].end;
      }
    }
    ra_hl *hls = NULL;
    size_t n = 0;
    if (!ra_snippet_highlight(an, a->title, strlen(a->title), q, &hls, &n, NULL))
      for (size_t h = 0; h < n; h++)
        if (hls[h].end > strlen(a->title)) abort();
    free(hls);
  }
  ra_snippet_free(sn);
  ra_article_free(a);
  ra_query_free(q);
  free(text);
  return 0;
}
