/* html.c - HTML results, completion and error pages for the endpoint.
 * Every dynamic byte goes through ra_html_put_text (see html.h). */
#include "html.h"

#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>

#define FFFD "\xEF\xBF\xBD"

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned min;
  if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  unsigned cp = c & (0x3Fu >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
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
    size_t n = utf8_seq(s + i, len - i);
    if (n == 0) {
      fputs(FFFD, out);
      i++;
      continue;
    }
    /* C1 controls (U+0080..U+009F) are invisible and can confuse readers. */
    if (n == 2 && ch == 0xC2 && s[i + 1] < 0xA0) fputs(FFFD, out);
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

/* A link to the endpoint for this page's search with some parts changed:
 * page (0 keeps), an extra tag (NULL for none). */
static void put_search_url(FILE *out, const ra_html_page *p, const char *q,
                           unsigned page, const char *add_tag,
                           size_t drop_tag) {
  int first = 1;
  put_str(out, p->endpoint ? p->endpoint : "");
  put_param(out, &first, "q", q);
  for (size_t t = 0; t < p->n_tags; t++)
    if (t != drop_tag) put_param(out, &first, "tag", p->tags[t]);
  if (add_tag) put_param(out, &first, "tag", add_tag);
  put_param(out, &first, "category", p->category);
  if (page > 1) {
    char buf[16];
    snprintf(buf, sizeof buf, "%u", page);
    put_param(out, &first, "page", buf);
  }
  if (p->per_page && p->per_page != 10) {
    char buf[16];
    snprintf(buf, sizeof buf, "%u", p->per_page);
    put_param(out, &first, "per_page", buf);
  }
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
  fputs("\">\n<label for=\"q\">Search articles</label>\n"
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
        "<button type=\"submit\">Search</button>\n</form>\n</header>\n"
        "<main id=\"main\">\n", out);
}

static void put_foot(FILE *out) {
  fputs("</main>\n</body>\n</html>\n", out);
}

static void put_hit(FILE *out, const ra_html_page *p, const ra_hit *h) {
  const ra_article *a = h->article;
  fputs("<li class=\"hit\">\n<h2>", out);
  /* Only http(s) URLs become links: a stored "javascript:" URL must not. */
  int link = a->url && (strncmp(a->url, "https://", 8) == 0 ||
                        strncmp(a->url, "http://", 7) == 0);
  if (link) {
    fputs("<a href=\"", out);
    put_str(out, a->url);
    fputs("\">", out);
  }
  put_marked(out, a->title, strlen(a->title), h->title_hls, h->n_title_hls);
  if (link) fputs("</a>", out);
  fputs("</h2>\n<p class=\"meta\">", out);
  if (a->category) {
    fputs("<span class=\"category\">", out);
    put_str(out, a->category);
    fputs("</span> ", out);
  }
  fprintf(out, "<span class=\"score\">score %.2f</span> ", h->score);
  fputs("<a class=\"related\" href=\"", out);
  {
    int first = 1;
    put_str(out, p->endpoint ? p->endpoint : "");
    put_param(out, &first, "related", a->id);
    put_param(out, &first, "format", "html");
  }
  fputs("\">Related articles</a></p>\n", out);
  for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++) {
    const ra_fragment *fr = &h->snippet->frags[f];
    fputs("<p class=\"snippet\">", out);
    if (fr->section) {
      fputs("<span class=\"section\">", out);
      put_str(out, fr->section);
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
      fputs("<li><a class=\"chip\" href=\"", out);
      put_search_url(out, p, p->q, 1, a->tags[t], (size_t)-1);
      fputs("\">", out);
      put_str(out, a->tags[t]);
      fputs("</a></li>", out);
    }
    fputs("</ul>\n", out);
  }
  fputs("</li>\n", out);
}

ra_status ra_html_results(FILE *out, const ra_html_page *p,
                          const ra_results *r, ra_error *err) {
  (void)err;
  put_head(out, p, p->related_title ? p->related_title : (p->q ? p->q : "Search"));
  if (p->related_title) {
    fputs("<h2 class=\"summary\">Articles related to \xE2\x80\x9C", out);
    put_str(out, p->related_title);
    fputs("\xE2\x80\x9D</h2>\n", out);
  }
  if (p->n_tags) {
    fputs("<ul class=\"filters\" aria-label=\"Active tag filters\">", out);
    for (size_t t = 0; t < p->n_tags; t++) {
      fputs("<li><a class=\"chip active\" title=\"Remove this filter\" href=\"", out);
      put_search_url(out, p, p->q, 1, NULL, t);
      fputs("\">", out);
      put_str(out, p->tags[t]);
      fputs(" \xC3\x97</a></li>", out);
    }
    fputs("</ul>\n", out);
  }
  if (r->relaxed[0]) {
    fputs("<p class=\"note\">", out);
    put_str(out, r->relaxed);
    fputs(".</p>\n", out);
  }
  if (r->query && r->query->notes[0]) {
    fputs("<p class=\"note\">", out);
    put_str(out, r->query->notes);
    fputs(".</p>\n", out);
  }
  if (r->n_hits == 0) {
    fputs(r->estimate ? "<p class=\"summary\">No more results.</p>\n"
                      : "<p class=\"summary\">No articles match this query. "
                        "Try fewer or different words.</p>\n", out);
  } else {
    fprintf(out, "<p class=\"summary\">About %u result%s.</p>\n", r->estimate,
            r->estimate == 1 ? "" : "s");
    fprintf(out, "<ol class=\"hits\" start=\"%zu\">\n", r->hits[0].rank);
    for (size_t i = 0; i < r->n_hits; i++) put_hit(out, p, &r->hits[i]);
    fputs("</ol>\n", out);
  }
  /* Pagination (not for related lists, which are one page). */
  unsigned per = p->per_page ? p->per_page : 10;
  unsigned pages = (unsigned)((r->estimate + per - 1) / per);
  if (!p->related_id && pages > 1) {
    fputs("<nav class=\"pages\" aria-label=\"Result pages\">", out);
    if (p->page > 1) {
      fputs("<a rel=\"prev\" href=\"", out);
      put_search_url(out, p, p->q, p->page - 1, NULL, (size_t)-1);
      fputs("\">Previous</a> ", out);
    }
    fprintf(out, "<span>Page %u of %u</span>", p->page, pages);
    if (p->page < pages) {
      fputs(" <a rel=\"next\" href=\"", out);
      put_search_url(out, p, p->q, p->page + 1, NULL, (size_t)-1);
      fputs("\">Next</a>", out);
    }
    fputs("</nav>\n", out);
  }
  fprintf(out, "<footer><p>Index revision %u (", r->revision);
  put_str(out, r->generation);
  fputs(").</p></footer>\n", out);
  put_foot(out);
  return RA_OK;
}

ra_status ra_html_completions(FILE *out, const ra_html_page *p,
                              const char *prefix, char *const *words,
                              size_t n_words, ra_error *err) {
  (void)err;
  put_head(out, p, "Completions");
  fputs("<h2 class=\"summary\">Words starting with \xE2\x80\x9C", out);
  put_str(out, prefix);
  fputs("\xE2\x80\x9D</h2>\n<ul class=\"completions\">\n", out);
  for (size_t i = 0; i < n_words; i++) {
    fputs("<li><a href=\"", out);
    put_search_url(out, p, words[i], 1, NULL, (size_t)-1);
    fputs("\">", out);
    put_str(out, words[i]);
    fputs("</a></li>\n", out);
  }
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
