/* test_format.c - TAP tests for the escaping of search results on their
 * way out: lib/format.c (JSON and terminal text) and lib/html.c (the
 * endpoint's HTML).
 *
 * Results holding hostile article text (quotes, markup, ANSI escapes,
 * control characters, invalid UTF-8) must render as valid, pure-ASCII
 * JSON whose highlight offsets still point at the word, and as text
 * without control characters or foreign escape sequences; the HTML
 * escaper must turn markup into entities and bad bytes into U+FFFD. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "format.h"
#include "html.h"
#include "qparse.h"
#include "search.h"

#include "tap.h"

static ra_analyzer *AN;

/* ---- output escaping ---------------------------------------------------------- */

static char *xdup(const char *s) {
  char *d = strdup(s);
  if (!d) exit(1);
  return d;
}

static void test_escaping(void) {
  /* Hostile article text: quotes, backslashes, markup, ANSI escapes,
   * control characters, invalid UTF-8. */
  const char *hostile = "He said \"<b>hi</b>\" \\ \x1b[31mred\x1b[0m\x07 caf\xff\xfe end";
  ra_results *r = calloc(1, sizeof *r);
  ra_query *q = NULL;
  ra_qparse(AN, "red \"x", 6, &q, NULL);
  r->query = q;
  r->n_hits = 1;
  r->hits = calloc(1, sizeof *r->hits);
  ra_hit *h = &r->hits[0];
  h->rank = 1;
  h->article = calloc(1, sizeof *h->article);
  h->article->id = xdup("id\"1");
  h->article->title = xdup(hostile);
  h->article->n_tags = 1;
  h->article->tags = calloc(1, sizeof(char *));
  h->article->tags[0] = xdup("tag\x1b]0;pwned\x07");
  h->snippet = calloc(1, sizeof *h->snippet);
  h->snippet->n_frags = 1;
  h->snippet->frags = calloc(1, sizeof *h->snippet->frags);
  ra_fragment *f = &h->snippet->frags[0];
  f->text = xdup(hostile);
  f->len = strlen(hostile);
  f->section = "Sec\"tion\x01";
  f->hls = malloc(sizeof *f->hls);
  f->hls[0].start = (size_t)(strstr(hostile, "red") - hostile);
  f->hls[0].end = f->hls[0].start + 3;
  f->n_hls = 1;
  snprintf(r->relaxed, sizeof r->relaxed, "dropped \"\x1b[2J\"");

  char *out = NULL;
  size_t outlen = 0;
  FILE *mf = open_memstream(&out, &outlen);
  ra_status st = ra_format_results(mf, RA_FMT_JSON, 0, r, NULL);
  fclose(mf);
  json_error_t je;
  json_t *root = st == RA_OK ? json_loads(out, 0, &je) : NULL;
  json_t *hit = root ? json_array_get(json_object_get(root, "hits"), 0) : NULL;
  json_t *sn = hit ? json_array_get(json_object_get(hit, "snippets"), 0) : NULL;
  json_t *hl = sn ? json_array_get(json_object_get(sn, "highlights"), 0) : NULL;
  const char *text = sn ? json_string_value(json_object_get(sn, "text")) : NULL;
  ok(root && text && strstr(text, "<b>hi</b>") && strstr(text, "\xEF\xBF\xBD"),
     "JSON: hostile text round-trips as a string, invalid UTF-8 as U+FFFD");
  ok(hl && text &&
         strncmp(text + json_integer_value(json_array_get(hl, 0)), "red", 3) == 0,
     "JSON: highlight offsets still point at the word");
  int ascii = 1;
  for (size_t i = 0; out && i < outlen; i++)
    if ((unsigned char)out[i] >= 0x80 || ((unsigned char)out[i] < 0x20 && out[i] != '\n'))
      ascii = 0;
  ok(ascii, "JSON output is pure printable ASCII (\\u escapes)");
  json_decref(root);
  free(out);

  out = NULL;
  mf = open_memstream(&out, &outlen);
  st = ra_format_results(mf, RA_FMT_TEXT, RA_FMT_ANSI, r, NULL);
  fclose(mf);
  int ctl = 0, esc = 0;
  for (size_t i = 0; out && i < outlen; i++) {
    unsigned char ch = (unsigned char)out[i];
    if (ch == 0x1b) {
      /* Only our own bold on/off may appear. */
      if (strncmp(out + i, "\033[1m", 4) != 0 && strncmp(out + i, "\033[0m", 4) != 0) esc = 1;
    } else if (ch < 0x20 && ch != '\n') {
      ctl = 1;
    }
  }
  ok(st == RA_OK && !ctl && !esc && strstr(out, "\033[1mred\033[0m"),
     "text: no control characters or foreign escape sequences, our bold only");
  free(out);
  ra_results_free(r);
}

/* ---- HTML escaping ------------------------------------------------------------- */

/* ra_html_put_text of s[0..len), as a malloc'd string. */
static char *html_of(const char *s, size_t len) {
  char *out = NULL;
  size_t outlen = 0;
  FILE *mf = open_memstream(&out, &outlen);
  if (!mf) exit(1);
  ra_html_put_text(mf, s, len);
  fclose(mf);
  return out;
}

typedef struct hcase {
  const char *in;
  size_t len;
  const char *want;
  const char *what;
} hcase;

#define HC(in, want, what) {in, sizeof in - 1, want, what}

static const hcase hcases[] = {
    HC("plain caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
       "plain caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
       "text and 2-, 3-, 4-byte UTF-8 pass through"),
    HC("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
       "markup and single quotes become entities"),
    HC("a & b \"c\"", "a &amp; b &quot;c&quot;", "& and double quotes become entities"),
    HC("&amp;", "&amp;amp;", "an entity in the text is escaped again, not trusted"),
    HC("tab\there\nline", "tab\there\nline", "tab and newline are kept"),
    HC("bell\x07 esc\x1b[31m del\x7f", "bell\xEF\xBF\xBD esc\xEF\xBF\xBD[31m del\xEF\xBF\xBD",
       "C0 controls, ESC and DEL become U+FFFD"),
    HC("c1\xc2\x85 nbsp\xc2\xa0", "c1\xEF\xBF\xBD nbsp\xc2\xa0",
       "C1 controls (U+0080..U+009F) become U+FFFD, U+00A0 is kept"),
    HC("bad\xff\xfe end", "bad\xEF\xBF\xBD\xEF\xBF\xBD end",
       "each invalid byte becomes one U+FFFD"),
    HC("cut\xe2\x80", "cut\xEF\xBF\xBD\xEF\xBF\xBD", "a truncated sequence at the end"),
    HC("nul\0x", "nul\xEF\xBF\xBDx", "a NUL byte inside the length"),
};

static void test_html_escaping(void) {
  for (size_t i = 0; i < sizeof hcases / sizeof hcases[0]; i++) {
    const hcase *c = &hcases[i];
    char *got = html_of(c->in, c->len);
    ok(got && strcmp(got, c->want) == 0, "HTML: %s (got \"%s\")", c->what, got ? got : "?");
    free(got);
  }
}

/* ---- HTML paging: only pages the endpoint serves ------------------------------ */

/* The HTML results page for a search of `estimate` hits, shown at page,
 * per_page 50, the endpoint serving up to max_page. */
static char *pager_of(unsigned estimate, unsigned page, unsigned max_page) {
  ra_results *r = calloc(1, sizeof *r);
  if (!r) exit(1);
  r->estimate = estimate;
  r->n_hits = 1;
  r->hits = calloc(1, sizeof *r->hits);
  r->hits[0].rank = (size_t)(page - 1) * 50 + 1;
  r->hits[0].article = calloc(1, sizeof *r->hits[0].article);
  r->hits[0].article->id = xdup("a1");
  r->hits[0].article->title = xdup("A title");
  ra_html_page p = {.endpoint = "/search", .q = "x", .page = page, .per_page = 50,
                    .max_page = max_page};
  char *out = NULL;
  size_t outlen = 0;
  FILE *mf = open_memstream(&out, &outlen);
  if (!mf) exit(1);
  ra_html_results(mf, &p, r, NULL);
  fclose(mf);
  ra_results_free(r);
  return out;
}

static void test_html_pager(void) {
  /* 20,000 hits at 50 a page: the endpoint serves pages 1..201. */
  char *out = pager_of(20000, 200, 201);
  ok(out && strstr(out, "Page 200 of 201") && strstr(out, "page=201&amp;per_page=50"),
     "HTML pager: the page count stops at the last page served, Next leads to it");
  free(out);
  out = pager_of(20000, 201, 201);
  ok(out && strstr(out, "Page 201 of 201") && !strstr(out, "rel=\"next\""),
     "HTML pager: no Next from the last page served");
  free(out);
  out = pager_of(120, 9, 0);
  ok(out && strstr(out, "Last page (3)") && strstr(out, "page=3&amp;per_page=50") &&
         !strstr(out, "Page 9 of"),
     "HTML pager: past the end, a link to the last page instead of 'Page 9 of 3'");
  free(out);
}

int main(void) {
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&AN, &err) != RA_OK) {
    printf("Bail out! ra_analyzer_new: %s\n", ra_error_message(&err));
    return 1;
  }
  test_escaping();
  test_html_escaping();
  test_html_pager();
  ra_analyzer_free(AN);
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
