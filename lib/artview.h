/* artview.h - one stored article as a page of its own: the article view
 * behind `ra-query --article ID [QUERY]` and `ra-cgi ?article=ID&q=QUERY`.
 *
 * The view is the article as the parser stored it (title, category, tags,
 * sections with headings and list items, FAQ, illustration descriptions),
 * every text with the matched forms of QUERY highlighted as snippets
 * highlight them (the same analysis, synonyms and acronyms of the index
 * included), and the articles related to it.  Rendering is elsewhere:
 * ra_format_article (format.h: text, JSON) and ra_html_article (html.h). */
#ifndef RA_ARTVIEW_H
#define RA_ARTVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "search.h"
#include "snippet.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One text of the article with its highlights. */
typedef struct ra_artview_text {
  const char *text; /* borrowed from the view's article */
  size_t len;
  ra_hl *hls;       /* ascending, non-overlapping; NULL when none */
  size_t n_hls;
  /* The number (1-based) of its first highlight among the view's
   * numbered matches ("m1", "m2", ... in reading order), 0 when its
   * highlights are not numbered (tags: they are links of their own). */
  size_t first_mark;
} ra_artview_text;

typedef struct ra_artview {
  ra_article *article;   /* owned */
  char *query;           /* the query as given, NULL without one */
  ra_results *matched;   /* the parsed query and the expansions it got
                            (query, expansions); NULL without a query */
  /* The article's texts in reading order, the order every renderer walks
   * them: title; category (when it has one); each tag; each section's
   * heading (when it has one) then its blocks; each FAQ question then its
   * answer blocks; each illustration description. */
  ra_artview_text *texts;
  size_t n_texts;
  size_t n_marks;        /* numbered highlights in all */
  size_t n_tag_marks;    /* highlights in the tags (not numbered) */
  ra_results *related;   /* the related articles (may have no hits) */
  uint32_t revision;     /* of the index that answered */
  char generation[64];
} ra_artview;

/* The most related articles a view lists. */
#define RA_ARTVIEW_RELATED 5

/* The view of the article with id, with the words of query[0..qlen)
 * highlighted (query NULL or blank: none).  RA_ERR_NOTFOUND (message
 * names the id) when no article has it; a query that parses to nothing
 * searchable highlights nothing.  *out: ra_artview_free. */
ra_status ra_artview_load(ra_searcher *s, const char *id, const char *query,
                          size_t qlen, ra_artview **out, ra_error *err);
void ra_artview_free(ra_artview *v); /* NULL ok */

/* The next text of v in reading order (*i from 0), NULL past the last:
 * the walk every renderer makes alongside the article's structure. */
static inline const ra_artview_text *ra_artview_next(const ra_artview *v,
                                                     size_t *i) {
  return *i < v->n_texts ? &v->texts[(*i)++] : NULL;
}

#ifdef __cplusplus
}
#endif
#endif
