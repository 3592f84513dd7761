/* html.c - HTML results, completion and error pages for the endpoint.
 * Every dynamic byte goes through ra_html_put_text (see html.h). */
#include "html.h"

#include "analyze.h"
#include "artview.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uriparser/Uri.h>

#define FFFD "\xEF\xBF\xBD"

/* A bidirectional formatting character at s (n bytes, a well-formed
 * sequence): U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069.  Echoed raw
 * it reorders the text around it, so a page could show a reader's query
 * or an article's title as something else.  (lib/format.c has the same
 * list.) */
static int is_bidi_control(const unsigned char *s, size_t n) {
  if (n == 2) return s[0] == 0xD8 && s[1] == 0x9C;
  if (n != 3 || s[0] != 0xE2) return 0;
  if (s[1] == 0x80)
    return s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE);
  return s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9;
}

void ra_html_put_text(FILE *out, const char *text, size_t len) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < len) {
    unsigned char ch = s[i];
    switch (ch) {
    case '&': fputs("&amp;", out); i++; continue;
    case '<': fputs("&lt;", out); i++; continue;
    case '>': fputs("&gt;", out); i++; continue;
    case '"': fputs("&quot;", out); i++; continue;
    case '\'': fputs("&#39;", out); i++; continue;
    case '\t': case '\n': fputc(ch, out); i++; continue;
    default: break;
    }
    if (ch < 0x20 || ch == 0x7f) {
      fputs(FFFD, out);
      i++;
      continue;
    }
    size_t n = ra_utf8_seq(text + i, len - i);
    if (n == 0) {
      fputs(FFFD, out);
      i++;
      continue;
    }
    /* C1 controls (U+0080..U+009F) are invisible and can confuse readers;
     * bidirectional controls can reorder what they see. */
    if ((n == 2 && ch == 0xC2 && s[i + 1] < 0xA0) || is_bidi_control(s + i, n))
      fputs(FFFD, out);
    else fwrite(s + i, 1, n, out);
    i += n;
  }
}

static void put_str(FILE *out, const char *s) {
  if (s) ra_html_put_text(out, s, strlen(s));
}

/* Text with highlight ranges wrapped in <mark>; ranges out of order or out
 * of bounds are ignored rather than trusted. */
static void put_marked(FILE *out, const char *text, size_t len,
                       const ra_hl *hls, size_t n_hls) {
  size_t at = 0;
  for (size_t h = 0; h < n_hls; h++) {
    if (hls[h].start < at || hls[h].end <= hls[h].start || hls[h].end > len)
      continue;
    ra_html_put_text(out, text + at, hls[h].start - at);
    fputs("<mark>", out);
    ra_html_put_text(out, text + hls[h].start, hls[h].end - hls[h].start);
    fputs("</mark>", out);
    at = hls[h].end;
  }
  ra_html_put_text(out, text + at, len - at);
}

/* "&name=" + percent-encoded value.  The result only holds unreserved
 * characters and %XX, so it is also safe inside an attribute. */
static void put_param(FILE *out, int *first, const char *name,
                      const char *value) {
  if (!value) return;
  size_t n = strlen(value);
  char *enc = malloc(n * 6 + 1);
  if (!enc) return;
  uriEscapeExA(value, value + n, enc, URI_TRUE, URI_FALSE);
  fprintf(out, "%s%s=%s", *first ? "?" : "&amp;", name, enc);
  *first = 0;
  free(enc);
}

/* "&page=N" (only past the first) and "&per_page=N" (only when not the
 * default 10). */
static void put_paging(FILE *out, int *first, unsigned page, unsigned per_page) {
  char buf[16];
  if (page > 1) {
    snprintf(buf, sizeof buf, "%u", page);
    put_param(out, first, "page", buf);
  }
  if (per_page && per_page != 10) {
    snprintf(buf, sizeof buf, "%u", per_page);
    put_param(out, first, "per_page", buf);
  }
}

/* A link to the endpoint for this page's search with some parts changed:
 * q, page (0 or 1: the first), an extra tag (NULL for none), a tag filter
 * left out (drop_tag; (size_t)-1 for none), and whether the tag and
 * category filters are kept at all.  A related list keeps its id. */
enum { NO_DROP = -1 };
static void put_search_url(FILE *out, const ra_html_page *p, const char *q,
                           unsigned page, const char *add_tag,
                           size_t drop_tag, int filters) {
  int first = 1;
  put_str(out, p->endpoint ? p->endpoint : "");
  if (p->related_id && !add_tag) {
    put_param(out, &first, "related", p->related_id);
  } else {
    put_param(out, &first, "q", q && *q ? q : NULL);
    for (size_t t = 0; filters && t < p->n_tags; t++)
      if (t != drop_tag) put_param(out, &first, "tag", p->tags[t]);
    if (add_tag) put_param(out, &first, "tag", add_tag);
    if (filters) put_param(out, &first, "category", p->category);
  }
  put_paging(out, &first, page, p->per_page);
  put_param(out, &first, "format", "html");
}

static void put_head(FILE *out, const ra_html_page *p, const char *title) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<title>", out);
  put_str(out, title);
  fputs(" \xE2\x80\x94 rasearch</title>\n"
        "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
        "<header><h1><a href=\"/\">rasearch</a></h1>\n"
        "<form role=\"search\" method=\"get\" action=\"", out);
  put_str(out, p->endpoint ? p->endpoint : "");
  /* The box and its button in one row, as on the search page. */
  fputs("\">\n<label for=\"q\">Search articles</label>\n<div class=\"box\">\n"
        "<input id=\"q\" type=\"search\" name=\"q\" value=\"", out);
  put_str(out, p->q);
  fputs("\" maxlength=\"4096\" autocomplete=\"off\">\n", out);
  for (size_t t = 0; t < p->n_tags; t++) {
    fputs("<input type=\"hidden\" name=\"tag\" value=\"", out);
    put_str(out, p->tags[t]);
    fputs("\">\n", out);
  }
  if (p->category) {
    fputs("<input type=\"hidden\" name=\"category\" value=\"", out);
    put_str(out, p->category);
    fputs("\">\n", out);
  }
  fputs("<input type=\"hidden\" name=\"format\" value=\"html\">\n"
        "<button type=\"submit\">Search</button>\n</div>\n</form>\n</header>\n"
        "<main id=\"main\">\n", out);
}

static void put_foot(FILE *out) {
  fputs("</main>\n</body>\n</html>\n", out);
}

/* Index of the page's tag filter naming tag, or NO_DROP.  Compared as the
 * search compares them, folded (case and accents: "ethique medicale" is
 * the filter "Éthique Médicale") when the folded forms are known. */
static size_t active_tag(const ra_html_page *p, const char *tag,
                         const char *folded) {
  for (size_t t = 0; t < p->n_tags; t++) {
    const char *pf = p->tags_folded ? p->tags_folded[t] : NULL;
    if (strcasecmp(p->tags[t], tag) == 0 ||
        (folded && (strcmp(p->tags[t], folded) == 0 || (pf && strcmp(pf, folded) == 0))))
      return t;
  }
  return (size_t)NO_DROP;
}

/* A link to the article view of id.  From a search (search set) it
 * carries the page's query to highlight and the search itself - tag and
 * category filters, page, per_page - so the view's "back to the results"
 * returns to the same page of the same results. */
static void put_article_url(FILE *out, const ra_html_page *p, const char *id,
                            int search) {
  int first = 1;
  put_str(out, p->endpoint ? p->endpoint : "");
  put_param(out, &first, "article", id);
  if (search && !p->related_id) {
    put_param(out, &first, "q", p->q && *p->q ? p->q : NULL);
    for (size_t t = 0; t < p->n_tags; t++) put_param(out, &first, "tag", p->tags[t]);
    put_param(out, &first, "category", p->category);
    put_paging(out, &first, p->page, p->per_page);
  }
  put_param(out, &first, "format", "html");
}

/* Only http(s) URLs become links: a stored "javascript:" URL must not. */
static int site_link(const char *url) {
  return url && (strncasecmp(url, "https://", 8) == 0 ||
                 strncasecmp(url, "http://", 7) == 0);
}

/* " <a class="site" href=URL>label</a>" when url is a site link. */
static void put_site_link(FILE *out, const char *url, const char *label) {
  if (!site_link(url)) return;
  fputs(" <a class=\"site\" href=\"", out);
  put_str(out, url);
  fprintf(out, "\">%s</a>", label);
}

/* The page's footer (the index revision that answered) and its end. */
static void put_footer(FILE *out, uint32_t revision, const char *generation) {
  fprintf(out, "<footer><p>Index revision %u (", revision);
  put_str(out, generation);
  fputs(").</p></footer>\n", out);
  put_foot(out);
}

static void put_hit(FILE *out, const ra_html_page *p, const ra_hit *h) {
  const ra_article *a = h->article;
  fputs("<li class=\"hit\">\n<h2>", out);
  /* The title opens the article: on the site when it has a URL there,
   * else in the article view, which shows where it matches. */
  int link = site_link(a->url);
  fputs("<a href=\"", out);
  if (link) put_str(out, a->url);
  else put_article_url(out, p, a->id, 1);
  fputs("\">", out);
  if (ra_article_shown_title(a) != a->title) put_str(out, a->id);
  else put_marked(out, a->title, strlen(a->title), h->title_hls, h->n_title_hls);
  fputs("</a>", out);
  fputs("</h2>\n<p class=\"meta\">", out);
  if (a->category) {
    fputs("<span class=\"category\">", out);
    put_str(out, a->category);
    fputs("</span> ", out);
  }
  fprintf(out, "<span class=\"score\">score %.2f</span> ", h->score);
  if (h->similar)
    fprintf(out, "<span class=\"similar\" title=\"Near-duplicate articles "
                 "not listed separately\">%u similar</span> ", h->similar);
  fputs("<a class=\"related\" href=\"", out);
  {
    int first = 1;
    put_str(out, p->endpoint ? p->endpoint : "");
    put_param(out, &first, "related", a->id);
    put_param(out, &first, "format", "html");
  }
  fputs("\">Related articles</a>", out);
  if (link) {
    /* The site has the page; the view still shows where it matches. */
    fputs(" <a class=\"view\" href=\"", out);
    put_article_url(out, p, a->id, 1);
    fputs("\">Where it matches</a>", out);
  }
  fputs("</p>\n", out);
  for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++) {
    const ra_fragment *fr = &h->snippet->frags[f];
    fputs("<p class=\"snippet\">", out);
    if (fr->section) {
      fputs("<span class=\"section\">", out);
      put_marked(out, fr->section, strlen(fr->section), fr->section_hls,
                 fr->n_section_hls);
      fputs("</span> ", out);
    }
    if (fr->cut_before) fputs("\xE2\x80\xA6", out);
    put_marked(out, fr->text, fr->len, fr->hls, fr->n_hls);
    if (fr->cut_after) fputs("\xE2\x80\xA6", out);
    fputs("</p>\n", out);
  }
  if (a->n_tags) {
    fputs("<ul class=\"tags\" aria-label=\"Tags\">", out);
    for (size_t t = 0; t < a->n_tags; t++) {
      /* A tag already filtered on is shown active and its link removes the
       * filter (as the page's own active chips do). */
      size_t on = active_tag(p, a->tags[t], h->tag_hls ? h->tag_hls[t].filter : NULL);
      fputs(on == (size_t)NO_DROP ? "<li><a class=\"chip\" href=\""
                                  : "<li><a class=\"chip active\" href=\"", out);
      put_search_url(out, p, p->q, 1, on == (size_t)NO_DROP ? a->tags[t] : NULL, on, 1);
      fputs("\">", out);
      if (h->tag_hls)
        put_marked(out, a->tags[t], strlen(a->tags[t]), h->tag_hls[t].hls,
                   h->tag_hls[t].n);
      else
        put_str(out, a->tags[t]);
      fputs("</a></li>", out);
    }
    fputs("</ul>\n", out);
  }
  fputs("</li>\n", out);
}

/* "Did you mean": a link to the corrected query with its hit count.  The
 * endpoint appended the tag/category filters to q; when the suggestion
 * ends with them they are taken off and stay tag= parameters, otherwise
 * the link carries the whole suggested query and no filters. */
static void put_suggestion(FILE *out, const ra_html_page *p,
                           const ra_results *r) {
  const char *sug = r->suggestion;
  size_t sl = strlen(sug), fl = p->filters ? strlen(p->filters) : 0;
  int keep = fl > 0 && sl >= fl && strcmp(sug + sl - fl, p->filters) == 0;
  if (keep) sl -= fl;
  char *q = strndup(sug, sl);
  if (!q) return;
  fputs("<p class=\"didyoumean\">Did you mean <a href=\"", out);
  put_search_url(out, p, q, 1, NULL, (size_t)NO_DROP, keep || fl == 0);
  fputs("\">", out);
  put_str(out, q);
  fprintf(out, "</a> (%u result%s)?</p>\n", r->suggestion_hits,
          r->suggestion_hits == 1 ? "" : "s");
  free(q);
}

/* Tag facet counts over the matches, each a link adding the tag filter;
 * tags already filtered on are left out (they are the active chips). */
static void put_facets(FILE *out, const ra_html_page *p, const ra_results *r) {
  size_t shown = 0;
  for (size_t i = 0; i < r->n_facets && shown < 20; i++) {
    const ra_facet *f = &r->facets[i];
    if (active_tag(p, f->tag, f->folded) != (size_t)NO_DROP) continue;
    if (!shown++)
      fputs("<section class=\"facets\" aria-label=\"Filter by tag\">\n"
            "<h2>Tags</h2>\n<ul>", out);
    fputs("<li><a class=\"chip\" href=\"", out);
    put_search_url(out, p, p->q, 1, f->tag, (size_t)NO_DROP, 1);
    fputs("\">", out);
    put_str(out, f->tag);
    fprintf(out, "<span class=\"count\">%u</span></a></li>", f->count);
  }
  if (shown) fputs("</ul>\n</section>\n", out);
}

/* What the search did to the query: relaxed (words dropped), expanded
 * (synonyms, acronyms), an unknown tag, the parser's repairs. */
static void put_notes(FILE *out, const ra_results *r) {
  if (r->relaxed[0]) {
    fputs("<p class=\"note relaxed\">", out);
    put_str(out, r->relaxed);
    fputs(".</p>\n", out);
  }
  char tiers[160];
  ra_results_tier_note(r, tiers, sizeof tiers);
  if (tiers[0]) {
    fputs("<p class=\"note tiers\">", out);
    put_str(out, tiers);
    fputs(".</p>\n", out);
  }
  if (r->n_expansions) {
    fputs("<p class=\"note expansions\">Also searched for ", out);
    for (size_t i = 0; i < r->n_expansions; i++) {
      fputs(i ? ", <q>" : "<q>", out);
      put_str(out, r->expansions[i].to);
      fputs("</q> (for <q>", out);
      put_str(out, r->expansions[i].from);
      fputs("</q>)", out);
    }
    fputs(".</p>\n", out);
  }
  if (r->n_missing) {
    fputs("<p class=\"note partial\" role=\"status\">Partial answer: part of the index "
          "(shard", out);
    fputs(r->n_missing > 1 ? "s" : "", out);
    for (size_t i = 0; i < r->n_missing; i++) fprintf(out, "%s %u", i ? "," : "", r->missing_shards[i]);
    fputs(") did not answer, so some articles may be missing. Try again in a moment.</p>\n", out);
  }
  if (r->cut_short) {
    fputs("<p class=\"note cut-short\">This answer was cut short at ", out);
    put_str(out, r->cut_short);
    fputs(" (time limit or work cap reached): it shows what was found by then.</p>\n", out);
  }
  if (r->unknown_tag) {
    fputs("<p class=\"note\">No article has the tag or category \xE2\x80\x9C", out);
    put_str(out, r->unknown_tag);
    fputs("\xE2\x80\x9D.</p>\n", out);
  }
  if (r->query && r->query->notes[0]) {
    fputs("<p class=\"note\">", out);
    put_str(out, r->query->notes);
    fputs(".</p>\n", out);
  }
}

ra_status ra_html_results(FILE *out, const ra_html_page *p,
                          const ra_results *r, ra_error *err) {
  (void)err;
  const char *rel = r->related_to ? r->related_to : p->related_id;
  put_head(out, p, rel ? "Related articles" : (p->q && *p->q ? p->q : "Search"));
  if (rel) {
    fputs("<h2 class=\"summary\">Articles related to <code class=\"id\">", out);
    put_str(out, rel);
    fputs("</code></h2>\n", out);
  }
  if (p->n_tags) {
    fputs("<ul class=\"filters\" aria-label=\"Active tag filters\">", out);
    for (size_t t = 0; t < p->n_tags; t++) {
      fputs("<li><a class=\"chip active\" title=\"Remove this filter\" href=\"", out);
      put_search_url(out, p, p->q, 1, NULL, t, 1);
      fputs("\">", out);
      put_str(out, p->tags[t]);
      fputs(" \xC3\x97</a></li>", out);
    }
    fputs("</ul>\n", out);
  }
  if (r->suggestion) put_suggestion(out, p, r);
  put_notes(out, r);
  if (r->n_hits == 0) {
    fputs(r->estimate || r->past_end
              ? "<p class=\"summary\">No more results.</p>\n"
              : "<p class=\"summary\">No articles match this query. "
                "Try fewer or different words.</p>\n", out);
  } else {
    fprintf(out, "<p class=\"summary\">About %u result%s.</p>\n", r->estimate,
            r->estimate == 1 ? "" : "s");
  }
  if (!rel) put_facets(out, p, r);
  if (r->n_hits) {
    fprintf(out, "<ol class=\"hits\" start=\"%zu\">\n", r->hits[0].rank);
    for (size_t i = 0; i < r->n_hits; i++) put_hit(out, p, &r->hits[i]);
    fputs("</ol>\n", out);
  }
  unsigned per = p->per_page ? p->per_page : 10;
  unsigned pages = (unsigned)((r->estimate + per - 1) / per);
  /* Only pages the endpoint serves are offered. */
  if (p->max_page && pages > p->max_page) pages = p->max_page;
  if (pages > 1 || p->page > 1) {
    fputs("<nav class=\"pages\" aria-label=\"Result pages\">", out);
    if (p->page > pages) {
      /* Past the end (an old link, a shrunken index): back to the last. */
      fputs("<a rel=\"prev\" href=\"", out);
      put_search_url(out, p, p->q, pages ? pages : 1, NULL, (size_t)NO_DROP, 1);
      fprintf(out, "\">Last page (%u)</a>", pages ? pages : 1);
    } else if (p->page > 1) {
      fputs("<a rel=\"prev\" href=\"", out);
      put_search_url(out, p, p->q, p->page - 1, NULL, (size_t)NO_DROP, 1);
      fputs("\">Previous</a> ", out);
    }
    if (p->page <= pages) fprintf(out, "<span>Page %u of %u</span>", p->page, pages);
    if (p->page < pages) {
      fputs(" <a rel=\"next\" href=\"", out);
      put_search_url(out, p, p->q, p->page + 1, NULL, (size_t)NO_DROP, 1);
      fputs("\">Next</a>", out);
    }
    fputs("</nav>\n", out);
  }
  put_footer(out, r->revision, r->generation);
  return RA_OK;
}

ra_status ra_html_completions(FILE *out, const ra_html_page *p,
                              const char *prefix, const ra_completion *c,
                              size_t n, ra_error *err) {
  (void)err;
  put_head(out, p, "Completions");
  fputs("<h2 class=\"summary\">Completions of \xE2\x80\x9C", out);
  put_str(out, prefix);
  fputs("\xE2\x80\x9D</h2>\n<ul class=\"completions\">\n", out);
  for (size_t i = 0; i < n; i++) {
    fputs("<li><a href=\"", out);
    put_search_url(out, p, c[i].query, 1, NULL, (size_t)NO_DROP, 1);
    fputs("\">", out);
    put_str(out, c[i].query);
    fprintf(out, "</a> <span class=\"count\">%u</span></li>\n", c[i].docs);
  }
  if (!n) fputs("<li>No indexed word starts like this.</li>\n", out);
  fputs("</ul>\n", out);
  put_foot(out);
  return RA_OK;
}

ra_status ra_html_error(FILE *out, const ra_html_page *p, int http_status,
                        const char *param, const char *msg, ra_error *err) {
  (void)err;
  char title[64];
  snprintf(title, sizeof title, "Error %d", http_status);
  put_head(out, p, title);
  fprintf(out, "<div class=\"error\" role=\"alert\">\n<h2>Error %d</h2>\n",
          http_status);
  if (param && *param) {
    fputs("<p>Parameter <code class=\"param\">", out);
    put_str(out, param);
    fputs("</code>: ", out);
  } else {
    fputs("<p>", out);
  }
  put_str(out, msg);
  fputs("</p>\n</div>\n", out);
  put_foot(out);
  return RA_OK;
}

/* ---- the article view -------------------------------------------------------- */

/* The link on from match k to the next one (the last back to the first). */
static void put_next_link(FILE *out, const ra_artview *v, size_t k) {
  size_t next = k < v->n_marks ? k + 1 : 1;
  fprintf(out, "<a class=\"next\" href=\"#m%zu\" aria-label=\"%s match\">"
               "\xE2\x80\xBA</a>", next, k < v->n_marks ? "Next" : "First");
}

/* A text of the view with its highlights as <mark>; numbered ones carry
 * their anchor (id="mK") and a link on to the next match, so a reader can
 * step through them.  Inside a link (in_link) a link may not nest: the
 * caller puts the one link on from the text's last match after its own
 * closing tag (put_view_next_after). */
static void put_view_text_in(FILE *out, const ra_artview *v,
                             const ra_artview_text *t, int in_link) {
  if (!t) return;
  size_t at = 0, k = t->first_mark;
  for (size_t h = 0; h < t->n_hls; h++) {
    const ra_hl *hl = &t->hls[h];
    if (hl->start < at || hl->end <= hl->start || hl->end > t->len) continue;
    ra_html_put_text(out, t->text + at, hl->start - at);
    if (k) fprintf(out, "<mark id=\"m%zu\">", k);
    else fputs("<mark>", out);
    ra_html_put_text(out, t->text + hl->start, hl->end - hl->start);
    fputs("</mark>", out);
    if (k) {
      if (!in_link) put_next_link(out, v, k);
      k++;
    }
    at = hl->end;
  }
  ra_html_put_text(out, t->text + at, t->len - at);
}

static void put_view_text(FILE *out, const ra_artview *v, const ra_artview_text *t) {
  put_view_text_in(out, v, t, 0);
}

/* After a link holding t (put_view_text_in with in_link): the link on
 * from its last numbered match, if it has any. */
static void put_view_next_after(FILE *out, const ra_artview *v,
                                const ra_artview_text *t) {
  if (t && t->first_mark && t->n_hls)
    put_next_link(out, v, t->first_mark + t->n_hls - 1);
}

/* Blocks: paragraphs as <p>, runs of list items as one <ul> (nesting
 * shown by a class, l2 and deeper). */
static void put_view_blocks(FILE *out, const ra_artview *v, size_t *i,
                            const ra_block *b, size_t n) {
  int in_list = 0;
  for (size_t k = 0; k < n; k++) {
    const ra_artview_text *t = ra_artview_next(v, i);
    if (b[k].kind == RA_BLOCK_ITEM) {
      if (!in_list) fputs("<ul>\n", out);
      in_list = 1;
      if (b[k].level > 1) fprintf(out, "<li class=\"l%d\">", b[k].level < 9 ? b[k].level : 9);
      else fputs("<li>", out);
      put_view_text(out, v, t);
      fputs("</li>\n", out);
      continue;
    }
    if (in_list) fputs("</ul>\n", out);
    in_list = 0;
    fputs("<p>", out);
    put_view_text(out, v, t);
    fputs("</p>\n", out);
  }
  if (in_list) fputs("</ul>\n", out);
}

/* A search for one tag or category, as its chip links to it. */
static void put_filter_url(FILE *out, const ra_html_page *p, const char *name,
                           const char *value) {
  int first = 1;
  put_str(out, p->endpoint ? p->endpoint : "");
  put_param(out, &first, name, value);
  put_param(out, &first, "format", "html");
}

ra_status ra_html_article(FILE *out, const ra_html_page *p, const ra_artview *v,
                          ra_error *err) {
  (void)err;
  const ra_article *a = v->article;
  size_t i = 0;
  put_head(out, p, ra_article_shown_title(a));
  fputs("<article class=\"article\">\n<h2 class=\"title\">", out);
  if (ra_article_shown_title(a) != a->title) {
    ra_artview_next(v, &i);
    put_str(out, a->id);
  } else {
    put_view_text(out, v, ra_artview_next(v, &i));
  }
  fputs("</h2>\n<p class=\"meta\">", out);
  if (a->category) {
    fputs("<a class=\"category\" href=\"", out);
    put_filter_url(out, p, "category", a->category);
    fputs("\">", out);
    const ra_artview_text *ct = ra_artview_next(v, &i);
    put_view_text_in(out, v, ct, 1);
    fputs("</a>", out);
    put_view_next_after(out, v, ct);
    fputs(" ", out);
  }
  fputs("<code class=\"id\">", out);
  put_str(out, a->id);
  fputs("</code>", out);
  put_site_link(out, a->url, "On the site");
  fputs("</p>\n", out);
  if (a->n_tags) {
    fputs("<ul class=\"tags\" aria-label=\"Tags\">", out);
    for (size_t t = 0; t < a->n_tags; t++) {
      fputs("<li><a class=\"chip\" href=\"", out);
      put_filter_url(out, p, "tag", a->tags[t]);
      fputs("\">", out);
      put_view_text_in(out, v, ra_artview_next(v, &i), 1); /* not numbered: links */
      fputs("</a></li>", out);
    }
    fputs("</ul>\n", out);
  }
  if (v->query) {
    fputs("<p class=\"matches\" role=\"status\">", out);
    if (v->n_marks)
      fprintf(out, "%zu match%s of <q>", v->n_marks, v->n_marks == 1 ? "" : "es");
    else
      fputs(v->n_tag_marks ? "<q>" : "No word of <q>", out);
    put_str(out, v->query);
    fputs(v->n_marks ? "</q>: <a href=\"#m1\">first match</a>"
          : v->n_tag_marks ? "</q> matches only its tags"
                           : "</q> appears in this article", out);
    fputs(" \xC2\xB7 ", out);
  } else if (p->n_tags || p->category) {
    fputs("<p class=\"matches\">", out);
  }
  if (v->query || p->n_tags || p->category) {
    /* The search the reader came from: its filters and page too. */
    fputs("<a href=\"", out);
    put_search_url(out, p, v->query, p->page, NULL, (size_t)NO_DROP, 1);
    fputs("\">back to the results</a></p>\n", out);
  }
  for (size_t k = 0; k < a->n_sections; k++) {
    const ra_section *sec = &a->sections[k];
    fputs("<section>\n", out);
    if (sec->heading) {
      fputs("<h3>", out);
      put_view_text(out, v, ra_artview_next(v, &i));
      fputs("</h3>\n", out);
    }
    put_view_blocks(out, v, &i, sec->blocks, sec->n_blocks);
    fputs("</section>\n", out);
  }
  if (a->n_faqs) {
    fputs("<section class=\"faq\">\n<h3>Frequently asked questions</h3>\n<dl>\n", out);
    for (size_t k = 0; k < a->n_faqs; k++) {
      fputs("<dt>", out);
      put_view_text(out, v, ra_artview_next(v, &i));
      fputs("</dt>\n<dd>\n", out);
      put_view_blocks(out, v, &i, a->faqs[k].answer, a->faqs[k].n_answer);
      fputs("</dd>\n", out);
    }
    fputs("</dl>\n</section>\n", out);
  }
  if (a->n_illustrations) {
    /* Descriptions of the page's images, not its text: set apart. */
    fputs("<aside class=\"illustrations\" aria-label=\"Illustration descriptions\">\n"
          "<h3>Illustrations</h3>\n<ul>\n", out);
    for (size_t k = 0; k < a->n_illustrations; k++) {
      fputs("<li>", out);
      put_view_text(out, v, ra_artview_next(v, &i));
      fputs("</li>\n", out);
    }
    fputs("</ul>\n</aside>\n", out);
  }
  fputs("</article>\n", out);
  const ra_results *r = v->related;
  if (r && r->n_hits) {
    fputs("<nav class=\"related\" aria-label=\"Related articles\">\n"
          "<h3>Related articles</h3>\n<ul>\n", out);
    for (size_t k = 0; k < r->n_hits; k++) {
      const ra_article *ra = r->hits[k].article;
      fputs("<li><a href=\"", out);
      put_article_url(out, p, ra->id, 0);
      fputs("\">", out);
      put_str(out, ra_article_shown_title(ra));
      fputs("</a>", out);
      put_site_link(out, ra->url, "on the site");
      fputs("</li>\n", out);
    }
    fputs("</ul>\n</nav>\n", out);
  }
  put_footer(out, v->revision, v->generation);
  return RA_OK;
}
