/* test_siteurl.c - TAP tests for lib/siteurl.c: which URLs are stored,
 * the slug rule at its edges (Unicode, punctuation, the 80-byte cut with
 * and without a '-', invalid UTF-8), the template's fields and errors,
 * and urls.tsv lines good and bad. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "siteurl.h"

#include "tap.h"

static ra_analyzer *an;

static void slug_is(const char *in, const char *want) {
  char out[RA_SLUG_MAX + 1];
  size_t n = ra_siteurl_slug(an, in, strlen(in), out);
  ok(n == strlen(out) && strcmp(out, want) == 0, "slug '%s' -> '%s' (got '%s')", in,
     want, out);
}

static void check_is(const char *url, int good) {
  const char *why = ra_siteurl_check(url, strlen(url));
  ok(good ? why == NULL : why != NULL, "%s '%s'%s%s", good ? "stored:" : "refused:",
     url, why ? ": " : "", why ? why : "");
}

static void warn_count(void *ctx, const char *path, size_t line, size_t off,
                       const char *msg) {
  (void)path;
  (void)off;
  (void)msg;
  size_t *lines = ctx;
  if (line < 16) lines[line]++;
}

int main(void) {
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&an, &err) != RA_OK) {
    printf("Bail out! %s\n", ra_error_message(&err));
    return 1;
  }

  check_is("https://example.com/a", 1);
  check_is("HTTP://Example.com/a?b=1&c=%20#frag", 1);
  check_is("http://localhost:8080/", 1);
  check_is("ftp://example.com/", 0);
  check_is("javascript:alert(1)", 0);
  check_is("https:///nohost", 0);
  check_is("https://exa mple.com/", 0);
  check_is("https://example.com/\x01", 0);
  check_is("https://example.com/caf\xC3\xA9", 0);
  check_is("https://example.com/\"q\"", 0);
  check_is("/relative/path", 0);
  check_is("", 0);

  slug_is("Hello, World!", "hello-world");
  slug_is("  --Leading and trailing--  ", "leading-and-trailing");
  slug_is("Caf\xC3\xA9 Stra\xC3\x9F" "e", "cafe-strasse");
  slug_is("Cafe\xCC\x81 (decomposed)", "cafe-decomposed");
  slug_is("\xC3\x98rsted \xC3\x86sir \xC5\x92uvre", "orsted-aesir-oeuvre");
  slug_is("\xEF\xAC\x81" "x", "fix"); /* the fi ligature */
  slug_is("Don\xE2\x80\x99t panic", "don-t-panic");
  slug_is("Don't panic", "don-t-panic");
  slug_is("zero\xE2\x80\x8Bwidth", "zero-width");
  slug_is("\xE6\x97\xA5\xE6\x9C\xAC only", "only");
  slug_is("\xE6\x97\xA5\xE6\x9C\xAC", "");
  slug_is("bad \xFF\xFE bytes", "bad-bytes");
  slug_is("C++ & C#: 2024 edition", "c-c-2024-edition");
  {
    /* 81 letters: no '-' to cut at, so 80 bytes. */
    char in[90], want[81];
    memset(in, 'a', 81);
    in[81] = '\0';
    memset(want, 'a', 80);
    want[80] = '\0';
    slug_is(in, want);
    /* a word ending exactly at 80 bytes is kept whole */
    memset(in, 'b', 79);
    in[79] = 'c';
    strcpy(in + 80, " next");
    memset(want, 'b', 79);
    want[79] = 'c';
    want[80] = '\0';
    slug_is(in, want);
  }
  slug_is("one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
          "one-two-three-four-five-six-seven-eight-nine-ten-eleven-twelve-thirteen-fourteen");
  slug_is("one two three four five six seven eight nine ten eleven twelve thirteen fourteens",
          "one-two-three-four-five-six-seven-eight-nine-ten-eleven-twelve-thirteen");

  /* the template */
  ra_urltemplate *t = NULL;
  ok(ra_urltemplate_parse("https://s.test/{category_slug}/{slug}-{id}", &t, &err) == RA_OK,
     "a template with every field parses");
  ra_article a = {0};
  a.id = "x1";
  a.title = "A Title";
  a.category = "Some Category";
  char *url = NULL;
  ok(ra_urltemplate_expand(t, an, &a, &url, &err) == RA_OK && url &&
         strcmp(url, "https://s.test/some-category/a-title-x1") == 0,
     "fields expanded (%s)", url ? url : "(null)");
  free(url);
  a.category = NULL;
  a.title = "???";
  url = NULL;
  ok(ra_urltemplate_expand(t, an, &a, &url, &err) == RA_OK && url &&
         strcmp(url, "https://s.test/x1-x1") == 0,
     "no category: its '/' dropped; no slug: the id (%s)", url ? url : "(null)");
  free(url);
  ra_urltemplate_free(t);
  const char *bad[] = {"https://x/{foo}", "ftp://x/{id}", "https://x/{id",
                       "https://x/ {id}", "https://x/}", "https://x/\x01",
                       "/relative/{id}"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    t = NULL;
    ra_error_clear(&err);
    ok(ra_urltemplate_parse(bad[i], &t, &err) == RA_ERR_USAGE && !t &&
           strstr(ra_error_message(&err), "--url-template"),
       "template refused: %s", ra_error_message(&err));
  }

  /* urls.tsv */
  char path[] = "/tmp/test_siteurl.XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    printf("Bail out! cannot create a temporary file\n");
    return 1;
  }
  fputs("a1\thttps://e.test/a1\r\n"      /* 1: CRLF */
        "# comment\n"                     /* 2 */
        "\n"                              /* 3 */
        "dir/b2.txt\t https://e.test/b2 \n" /* 4: a file name, spaces */
        "c3\tmailto:x@y\n"                /* 5: bad */
        "d4\n"                            /* 6: bad */
        "a1\thttps://e.test/again\n"      /* 7: bad: mapped already */
        "e5\thttps://e.test/e5\tmore\n"   /* 8: bad: three fields */
        "bad name <x>.txt\thttps://e.test/odd\n" /* 9: hashed id */
        "\thttps://e.test/empty\n",       /* 10: bad: empty id */
        f);
  fclose(f);
  ra_urlmap *m = NULL;
  size_t lines[16] = {0}, nbad = 0;
  ok(ra_urlmap_new(&m, &err) == RA_OK &&
         ra_urlmap_load(m, path, warn_count, lines, &nbad, &err) == RA_OK,
     "urls.tsv loads");
  ok(nbad == 5 && lines[5] && lines[6] && lines[7] && lines[8] && lines[10] &&
         !lines[1] && !lines[4] && !lines[9],
     "the bad lines are named by line and counted (%zu)", nbad);
  const char *u = ra_urlmap_get(m, "a1");
  ok(u && strcmp(u, "https://e.test/a1") == 0, "an id (CRLF line)");
  u = ra_urlmap_get(m, "dir/b2");
  ok(u && strcmp(u, "https://e.test/b2") == 0, "a file name, less .txt, spaces trimmed");
  memset(lines, 0, sizeof lines);
  ok(ra_urlmap_report_unused(m, NULL, NULL, warn_count, lines) == 1 && lines[9] == 1,
     "the unused line (the odd name) is named");
  ok(ra_urlmap_load(m, "/nonexistent/urls.tsv", NULL, NULL, NULL, &err) == RA_OK,
     "a missing urls.tsv is none");
  ra_urlmap_free(m);
  remove(path);

  /* settle: own, map, template */
  ra_urlmap_new(&m, &err);
  ra_urltemplate_parse("https://t.test/{id}", &t, &err);
  ra_article b = {0};
  b.id = "z9";
  b.title = "T";
  b.url = strdup("javascript:x");
  const char *why = NULL;
  ok(ra_siteurl_settle(&b, m, t, an, &why, &err) == RA_OK && why &&
         b.url && strcmp(b.url, "https://t.test/z9") == 0,
     "a refused own url: named, and the template gives one");
  free(b.url);
  b.url = strdup("https://own.test/");
  ok(ra_siteurl_settle(&b, m, t, an, &why, &err) == RA_OK && !why &&
         strcmp(b.url, "https://own.test/") == 0,
     "an own url comes first");
  free(b.url);
  ra_urlmap_free(m);
  ra_urltemplate_free(t);
  ra_analyzer_free(an);
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
