/* snippet.h - passages of a stored article that show why it matched.
 *
 * Candidate passages (paragraphs, list items, FAQ answers; a section whose
 * heading or an FAQ whose question matches, shown by the start of its
 * text; illustration descriptions only when nothing else matches) are
 * re-analysed with the indexing pipeline, so every matched form (exact,
 * stemmed, accent-folded, word* prefixes, synonyms added by the searcher)
 * is found with its exact source byte range; a phrase match ("Post-Match"
 * for post-match) is one range.  A word the ranking leaves out as a stop
 * word (qbuild.h; "the" in "the night shift") is neither highlighted nor
 * counted; in a phrase it is part of the phrase.  Fragments are chosen to cover as many
 * distinct query clauses as possible, then by density; they start on a
 * sentence boundary when the sentence fits, and are cut on token
 * boundaries otherwise (never inside a word or a UTF-8 sequence). */
#ifndef RA_SNIPPET_H
#define RA_SNIPPET_H

#include <stddef.h>

#include "analyze.h"
#include "article.h"
#include "deadline.h"
#include "qparse.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_hl {
  size_t start, end; /* byte range within the fragment text */
} ra_hl;

typedef struct ra_fragment {
  char *text;        /* exact source bytes, NUL-terminated */
  size_t len;
  ra_hl *hls;        /* ascending, non-overlapping */
  size_t n_hls;
  const char *section; /* heading or FAQ question it comes from; borrowed
                          from the article (NULL for the lead text) */
  int cut_before;    /* text continues before / after the fragment */
  int cut_after;
  ra_hl *section_hls; /* query words in section (ranges in section) */
  size_t n_section_hls;
  int faq;           /* section is an FAQ question, text its answer */
  int illustration;  /* text is an illustration description */
} ra_fragment;

typedef struct ra_snippet {
  ra_fragment *frags;
  size_t n_frags;
  int cut; /* not every passage was looked at: the article's passages go
              beyond RA_SNIPPET_MAX_SCREEN bytes, or the deadline passed */
} ra_snippet;

/* Bytes of an article's passages a snippet looks at, in the order they
 * are considered (body, FAQ answers, illustrations): the rest of a very
 * long article is not screened, and the snippet says it was cut. */
#define RA_SNIPPET_MAX_SCREEN (1024 * 1024)

typedef struct ra_snippet_opts {
  size_t max_frags;      /* default 3 */
  size_t max_frag_bytes; /* default 220 */
  int exhaustive; /* analyse every passage, not only those the byte
                     screen lets through (tests: the screen is exact) */
} ra_snippet_opts;

/* Build a snippet of article a for the words of query q.  The snippet
 * borrows section names from a: free it before the article. */
ra_status ra_snippet_build(ra_analyzer *an, const ra_article *a,
                           const ra_query *q, const ra_snippet_opts *o,
                           ra_snippet **out, ra_error *err);
/* The same, stopping at deadline dl (NULL: none): once past it no more
 * passages are analysed, the snippet is built from those that were, and
 * it says it was cut. */
ra_status ra_snippet_build_by(ra_analyzer *an, const ra_article *a,
                              const ra_query *q, const ra_snippet_opts *o,
                              const ra_deadline *dl, ra_snippet **out,
                              ra_error *err);
void ra_snippet_free(ra_snippet *s);

/* Highlight ranges of query words in an article's title, phrase matches
 * as one range. *hls is malloc'd (may be NULL when *n_hls is 0); caller
 * frees. */
ra_status ra_snippet_highlight(ra_analyzer *an, const char *text, size_t len,
                               const ra_query *q, ra_hl **hls, size_t *n_hls,
                               ra_error *err);
/* The same for any other text of an article (tag, category, heading,
 * paragraph): title: clauses search titles only, so they mark nothing
 * here (nor in ra_snippet_build's passages). */
ra_status ra_snippet_highlight_text(ra_analyzer *an, const char *text, size_t len,
                                    const ra_query *q, ra_hl **hls,
                                    size_t *n_hls, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
