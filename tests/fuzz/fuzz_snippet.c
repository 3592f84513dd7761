/* fuzz_snippet.c - libFuzzer target: the snippet builder.  Input: a query
 * line, then a page.  Fragments must be exact source bytes with highlights
 * inside them, ascending and non-overlapping, and the same as when every
 * passage is analysed (the byte screen may only skip what could not be
 * chosen). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "qparse.h"
#include "snippet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_snippet(const ra_snippet *x, const ra_snippet *y) {
  if (x->n_frags != y->n_frags) return 0;
  for (size_t f = 0; f < x->n_frags; f++) {
    const ra_fragment *a = &x->frags[f], *b = &y->frags[f];
    if (a->len != b->len || strcmp(a->text, b->text) != 0 || a->n_hls != b->n_hls ||
        (a->section != b->section &&
         (!a->section || !b->section || strcmp(a->section, b->section) != 0)))
      return 0;
    for (size_t h = 0; h < a->n_hls; h++)
      if (a->hls[h].start != b->hls[h].start || a->hls[h].end != b->hls[h].end) return 0;
  }
  return 1;
}

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
    ra_snippet_opts all = {.exhaustive = 1};
    ra_snippet *ref = NULL;
    if (!ra_snippet_build(an, a, q, &all, &ref, NULL) && !same_snippet(sn, ref)) {
      fprintf(stderr, "screened: %zu fragments, first \"%.200s\"\nexhaustive: %zu, first \"%.200s\"\n",
              sn->n_frags, sn->n_frags ? sn->frags[0].text : "", ref->n_frags,
              ref->n_frags ? ref->frags[0].text : "");
      abort();
    }
    ra_snippet_free(ref);
  }
  ra_snippet_free(sn);
  ra_article_free(a);
  ra_query_free(q);
  free(text);
  return 0;
}
