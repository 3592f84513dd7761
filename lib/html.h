/* html.h - the endpoint's HTML pages: the results page that is the search
 * page's no-JavaScript fallback, completion lists and error pages.
 *
 * Escaping is by construction: every byte that comes from a request or an
 * article goes through one escaper (ra_html_put_text), which also replaces
 * invalid UTF-8 and control characters, and every URL built from request
 * values is percent-encoded by uriparser before it is escaped. */
#ifndef RA_HTML_H
#define RA_HTML_H

#include <stdio.h>

#include "search.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the page was asked for, to refill the form and build links.  All
 * pointers are borrowed; any may be NULL. */
typedef struct ra_html_page {
  const char *endpoint;     /* path of the endpoint for links ("/search") */
  const char *q;
  const char *const *tags;
  const char *const *tags_folded; /* tags as tag: compares them
                                     (ra_qparse_fold_value); NULL: not known */
  size_t n_tags;
  const char *category;
  unsigned page;            /* 1-based */
  unsigned per_page;
  unsigned max_page;        /* the last page the endpoint serves; 0: no limit */
  const char *related_id;   /* results are "related to" this article */
  /* The tag/category clauses the endpoint appended to q (" tag:\"x\"..."),
   * so a did-you-mean query ending with them links as q plus the same tag
   * parameters; NULL when none. */
  const char *filters;
} ra_html_page;

/* Write text[0..len) escaped for HTML text and attribute values: & < > " '
 * become entities, invalid UTF-8 and control characters (but tab and
 * newline) become U+FFFD. */
void ra_html_put_text(FILE *out, const char *text, size_t len);

/* A complete results page (doctype to </html>): notes on what the query
 * relaxed or expanded, did you mean (a link, with its hit count), tag facet
 * counts (links adding the tag filter), hits with <mark> highlights in
 * title, tags, section names and snippets, "N similar" for collapsed
 * near-duplicates, pagination.  Related lists (r->related_to) too. */
ra_status ra_html_results(FILE *out, const ra_html_page *p,
                          const ra_results *r, ra_error *err);
/* A page listing completions of prefix (ra_search_complete), each a link
 * to its search with its article count. */
ra_status ra_html_completions(FILE *out, const ra_html_page *p,
                              const char *prefix, const ra_completion *c,
                              size_t n, ra_error *err);
/* An article view (artview.h): the article with its title, category and
 * tags (each a link to its search), sections, lists, FAQ and illustration
 * descriptions (set apart); matches marked with anchors m1, m2, ... and a
 * link from each to the next; a link to the article on the site when it
 * has an http(s) URL; the related articles, each a link to its view.  The
 * form keeps p->q. */
struct ra_artview;
ra_status ra_html_article(FILE *out, const ra_html_page *p,
                          const struct ra_artview *v, ra_error *err);
/* An error page naming the parameter at fault (param may be NULL or ""). */
ra_status ra_html_error(FILE *out, const ra_html_page *p, int http_status,
                        const char *param, const char *msg, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
