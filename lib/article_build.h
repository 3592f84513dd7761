/* article_build.h - appending to an ra_article's arrays, for the two
 * places that build articles: the parser (article.c) and the JSON reader
 * (article_json.c).  Each helper copies the text it is given (malloc'd,
 * owned by the article: ra_article_free frees it) and returns -1 on
 * allocation failure, leaving the article as it was. */
#ifndef RA_ARTICLE_BUILD_H
#define RA_ARTICLE_BUILD_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "textutil.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Arrays in ra_article carry no capacity field: their capacity is the
 * next power of two >= n, so appending reallocates exactly when n is 0 or
 * a power of two. */
static inline int ra_article_push_room(void *arrp, size_t n, size_t elem) {
  size_t cap = n;
  if (n && (n & (n - 1))) return 0;
  return ra_grow(arrp, &cap, n + 1, elem);
}
#define RA_PUSH_ROOM(arr, n) ra_article_push_room(&(arr), (n), sizeof *(arr))

static inline int ra_article_push_str(char ***arr, size_t *n, const char *s,
                                      size_t len) {
  char *t = ra_strndup(s, len);
  if (!t || RA_PUSH_ROOM(*arr, *n)) {
    free(t);
    return -1;
  }
  (*arr)[(*n)++] = t;
  return 0;
}

static inline int ra_article_push_block(ra_block **arr, size_t *n,
                                        ra_block_kind kind, int level,
                                        const char *s, size_t len) {
  char *t = ra_strndup(s, len);
  if (!t || RA_PUSH_ROOM(*arr, *n)) {
    free(t);
    return -1;
  }
  (*arr)[*n].kind = kind;
  (*arr)[*n].level = level;
  (*arr)[*n].text = t;
  (*n)++;
  return 0;
}

static inline int ra_article_push_section(ra_article *a, const char *h,
                                          size_t hn) {
  char *t = NULL;
  if (h && !(t = ra_strndup(h, hn))) return -1;
  if (RA_PUSH_ROOM(a->sections, a->n_sections)) {
    free(t);
    return -1;
  }
  a->sections[a->n_sections].heading = t;
  a->sections[a->n_sections].blocks = NULL;
  a->sections[a->n_sections].n_blocks = 0;
  a->n_sections++;
  return 0;
}

static inline int ra_article_push_faq(ra_article *a, const char *q, size_t qn) {
  char *t = ra_strndup(q, qn);
  if (!t || RA_PUSH_ROOM(a->faqs, a->n_faqs)) {
    free(t);
    return -1;
  }
  a->faqs[a->n_faqs].question = t;
  a->faqs[a->n_faqs].answer = NULL;
  a->faqs[a->n_faqs].n_answer = 0;
  a->n_faqs++;
  return 0;
}

#ifdef __cplusplus
}
#endif
#endif
