/* test_cgi_request.c - TAP tests for the web endpoint's request decoding
 * (ra_cgi_parse_query, lib/cgi.c): a query string in, a validated
 * request or a refusal naming the parameter at fault out.
 *
 * Every parameter (q, tag, category, page, per_page, format, complete,
 * related), percent and plus decoding, repeats, invalid UTF-8 and NUL
 * bytes, and each RA_CGI_MAX_* limit on both sides.  The contract is
 * cgi.h and docs/web.md ("Request"); a refusal is 400 naming the
 * parameter, or 414 for a query string over its limit. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "ident.h"
#include "qparse.h"

#include "tap.h"

static ra_cgi_request REQ;
static ra_cgi_problem PROB;
static ra_error ERR;

/* Parse qs[0..len); the request stays in REQ until the next call. */
static ra_status parse_n(const char *qs, size_t len) {
  ra_cgi_request_clear(&REQ);
  ra_error_clear(&ERR);
  return ra_cgi_parse_query(qs, len, &REQ, &PROB, &ERR);
}

static ra_status parse(const char *qs) { return parse_n(qs, strlen(qs)); }

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* A refusal with status st, HTTP status http, naming param ("" for none),
 * its message containing msg, and err set to match (the message, after
 * "param: " when a parameter is named). */
static int refused(ra_status got, ra_status st, int http, const char *param, const char *msg) {
  size_t pl = strlen(param);
  int good = got == st && PROB.http_status == http && strcmp(PROB.param, param) == 0 &&
             strstr(PROB.msg, msg) != NULL && ERR.code == st && strstr(ERR.msg, PROB.msg) &&
             (!pl || (strncmp(ERR.msg, param, pl) == 0 && strncmp(ERR.msg + pl, ": ", 2) == 0));
  if (!good)
    diag("got %s, http %d, param \"%s\", msg \"%s\", err \"%s\"", ra_status_name(got),
         PROB.http_status, PROB.param, PROB.msg, ERR.msg);
  return good;
}

/* A string of n copies of c. */
static char *rep(char c, size_t n) {
  char *s = malloc(n + 1);
  if (!s) exit(1);
  memset(s, c, n);
  s[n] = '\0';
  return s;
}

/* "name=" + value, malloc'd. */
static char *param(const char *name, const char *value) {
  char *s = NULL;
  if (asprintf(&s, "%s=%s", name, value) < 0) exit(1);
  return s;
}

/* ---- accepted requests --------------------------------------------------------- */

static void test_defaults(void) {
  ra_status st = parse("q=mentor");
  ok(st == RA_OK && streq(REQ.q, "mentor") && REQ.n_tags == 0 && !REQ.category &&
         !REQ.complete && !REQ.related && REQ.page == 1 &&
         REQ.per_page == RA_CGI_DEFAULT_PER_PAGE && REQ.format == RA_CGI_JSON &&
         !REQ.format_given && PROB.http_status == 0 && ERR.code == RA_OK,
     "q alone: page 1, %d per page, JSON, nothing else set", RA_CGI_DEFAULT_PER_PAGE);

  st = parse("q=mentor&tag=Career&tag=Mental%20Health&category=Residency+Life&page=3&"
             "per_page=20&format=html");
  ok(st == RA_OK && streq(REQ.q, "mentor") && REQ.n_tags == 2 && streq(REQ.tags[0], "Career") &&
         streq(REQ.tags[1], "Mental Health") && streq(REQ.category, "Residency Life") &&
         REQ.page == 3 && REQ.per_page == 20 && REQ.format == RA_CGI_HTML && REQ.format_given,
     "every search parameter, tags in order");

  st = parse("complete=ment&format=json");
  ok(st == RA_OK && streq(REQ.complete, "ment") && !REQ.q && REQ.format == RA_CGI_JSON &&
         REQ.format_given,
     "complete alone (format=json given)");
  st = parse("related=000_f98e010c.7e-6657bf");
  ok(st == RA_OK && streq(REQ.related, "000_f98e010c.7e-6657bf"),
     "related: letters, digits, '_', '-' and '.'");
  st = parse("tag=Career");
  ok(st == RA_OK && REQ.n_tags == 1 && !REQ.q, "a tag alone is enough");
  st = parse("category=Residency%20Life");
  ok(st == RA_OK && streq(REQ.category, "Residency Life"), "a category alone is enough");
  st = parse("q=");
  ok(st == RA_OK && streq(REQ.q, ""), "an empty q is given (the search refuses it, not this)");
  st = parse("q=mentor&utm_source=x&_=1700000000&Q=upper&%FF=bad");
  ok(st == RA_OK && streq(REQ.q, "mentor"),
     "unknown parameters are ignored (case matters; a name that is not UTF-8 is unknown)");
  st = parse("x=%FF%FE&q=mentor");
  ok(st == RA_OK && streq(REQ.q, "mentor"), "an unknown parameter's bad value is not checked");
}

static void test_decoding(void) {
  ra_status st = parse("q=caf%C3%A9+mentor%2Bx%26y%3Dz");
  ok(st == RA_OK && streq(REQ.q, "caf\xc3\xa9 mentor+x&y=z"),
     "%%XX decoded (UTF-8 too), + is a space, %%2B a plus, %%26 and %%3D are data");
  st = parse("q=caf\xc3\xa9%20%22a%20b%22");
  ok(st == RA_OK && streq(REQ.q, "caf\xc3\xa9 \"a b\""), "raw UTF-8 bytes pass through");
  st = parse("%71=mentor&t%61g=x");
  ok(st == RA_OK && streq(REQ.q, "mentor") && REQ.n_tags == 1 && streq(REQ.tags[0], "x"),
     "names are decoded too (%%71 is q)");
  st = parse("q=a%2");
  ok(st == RA_OK && streq(REQ.q, "a%2"), "an incomplete %% escape is kept as it is");
  st = parse("q");
  ok(st == RA_OK && streq(REQ.q, ""), "a name without '=' has an empty value");
  st = parse_n("q=mentorXXXX", 8);
  ok(st == RA_OK && streq(REQ.q, "mentor"), "only len bytes are read");
  st = parse_n(NULL, 0);
  ok(refused(st, RA_ERR_INVALID, 400, "q", "missing"), "a NULL query string is empty");
}

static void test_paging(void) {
  ra_status st = parse("q=a&page=1000");
  ok(st == RA_OK && REQ.page == RA_CGI_MAX_PAGE, "page %d is the last served", RA_CGI_MAX_PAGE);
  st = parse("q=a&page=0007");
  ok(st == RA_OK && REQ.page == 7, "leading zeros are fine");
  st = parse("q=a&per_page=1");
  ok(st == RA_OK && REQ.per_page == 1, "per_page 1");
  st = parse("q=a&per_page=50");
  ok(st == RA_OK && REQ.per_page == RA_CGI_MAX_PER_PAGE, "per_page %d", RA_CGI_MAX_PER_PAGE);
  st = parse("q=a&per_page=51");
  ok(st == RA_OK && REQ.per_page == RA_CGI_MAX_PER_PAGE, "per_page 51 is capped to %d",
     RA_CGI_MAX_PER_PAGE);
  st = parse("q=a&per_page=999999999");
  ok(st == RA_OK && REQ.per_page == RA_CGI_MAX_PER_PAGE, "per_page 999999999 is capped too");
  st = parse("q=a&page=201&per_page=50");
  ok(st == RA_OK && REQ.page == 201, "(page-1)*per_page = %d is served", RA_CGI_MAX_OFFSET);
  st = parse("q=a&page=202&per_page=50");
  ok(refused(st, RA_ERR_TOOBIG, 400, "page", "10000"),
     "(page-1)*per_page above %d: 400 naming page", RA_CGI_MAX_OFFSET);
  st = parse("q=a&page=1000&per_page=11");
  ok(refused(st, RA_ERR_TOOBIG, 400, "page", "beyond"), "page 1000 of 11: too deep");

  static const char *const bad_page[] = {"0", "1001", "-1", "+1", " 1", "1 ", "1.0", "1e2",
                                         "abc", "", "0x10", "1234567890"};
  int all = 1;
  for (size_t i = 0; i < sizeof bad_page / sizeof *bad_page; i++) {
    char *qs = NULL;
    if (asprintf(&qs, "q=a&page=%s", bad_page[i]) < 0) exit(1);
    if (!refused(parse(qs), RA_ERR_INVALID, 400, "page", "whole number from 1 to 1000")) {
      all = 0;
      diag("page=%s accepted or refused otherwise", bad_page[i]);
    }
    free(qs);
  }
  ok(all, "page 0, 1001, signs, spaces, decimals, words, empty, 10 digits: 400 naming page");
  ok(refused(parse("q=a&page=12345678901234567"), RA_ERR_TOOBIG, 400, "page",
             "longer than the limit of 16 bytes"),
     "a page value over 16 bytes: 400 naming page");
  static const char *const bad_per[] = {"0", "-1", "+5", "5 ", "ten", "", "1000000000"};
  all = 1;
  for (size_t i = 0; i < sizeof bad_per / sizeof *bad_per; i++) {
    char *qs = NULL;
    if (asprintf(&qs, "q=a&per_page=%s", bad_per[i]) < 0) exit(1);
    if (!refused(parse(qs), RA_ERR_INVALID, 400, "per_page", "whole number from 1 to 50")) {
      all = 0;
      diag("per_page=%s", bad_per[i]);
    }
    free(qs);
  }
  ok(all, "per_page 0, signs, spaces, words, empty, 10 digits: 400 naming per_page");
}

/* ---- refusals ------------------------------------------------------------------ */

static void test_repeats(void) {
  static const char *const once[][2] = {
      {"q=a&q=b", "q"},
      {"q=a&category=x&category=x", "category"},
      {"q=a&page=1&page=1", "page"},
      {"q=a&per_page=5&per_page=5", "per_page"},
      {"q=a&format=json&format=json", "format"},
      {"complete=a&complete=b", "complete"},
      {"related=a&related=b", "related"},
  };
  for (size_t i = 0; i < sizeof once / sizeof *once; i++)
    ok(refused(parse(once[i][0]), RA_ERR_INVALID, 400, once[i][1], "given more than once"),
       "%s given twice: 400 naming it", once[i][1]);
  ra_status st = parse("tag=a&tag=b&tag=c&tag=d&tag=e&tag=f&tag=g&tag=h");
  ok(st == RA_OK && REQ.n_tags == RA_CGI_MAX_TAGS && streq(REQ.tags[7], "h"),
     "tag is repeatable, %d times", RA_CGI_MAX_TAGS);
  st = parse("tag=a&tag=b&tag=c&tag=d&tag=e&tag=f&tag=g&tag=h&tag=i");
  ok(refused(st, RA_ERR_TOOBIG, 400, "tag", "more than 8 tags"),
     "%d tags: 400 naming tag", RA_CGI_MAX_TAGS + 1);
  st = parse("tag=a&tag=a");
  ok(st == RA_OK && REQ.n_tags == 2, "the same tag twice is kept twice");
}

static void test_bad_bytes(void) {
  static const char *const bad[][2] = {
      {"q=%FF", "q"},
      {"q=caf%C3", "q"},
      {"q=%C0%AF", "q"},
      {"q=%ED%A0%80", "q"},
      {"q=a&tag=%80", "tag"},
      {"category=%FE", "category"},
      {"complete=%F4%90%80%80", "complete"},
      {"q=a&format=%FF", "format"},
      {"q=\xff", "q"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    ok(refused(parse(bad[i][0]), RA_ERR_UTF8, 400, bad[i][1], "not valid UTF-8"),
       "invalid UTF-8 in %s (%s): 400 naming it", bad[i][1],
       i == 0 ? "a lone byte" : i == 1 ? "cut short" : i == 2 ? "overlong" :
       i == 3 ? "a surrogate" : i == 6 ? "above U+10FFFF" : i == 8 ? "raw" : "stray byte");
  ok(refused(parse("q=a%00b"), RA_ERR_INVALID, 400, "q", "encoded NUL byte (%00)"),
     "an encoded NUL: 400 naming the parameter");
  ok(refused(parse("q=a&t%61g=x%00"), RA_ERR_INVALID, 400, "tag", "%00"),
     "... with the parameter's name decoded");
  ok(refused(parse("q=a&%00=x"), RA_ERR_INVALID, 400, "", "%00"),
     "an encoded NUL in a name: no parameter named");
  ok(refused(parse_n("q=a\0b", 5), RA_ERR_INVALID, 400, "", "NUL byte"),
     "a raw NUL byte in the query string: no parameter named");
}

static void test_values(void) {
  /* Tags and categories are any text: a quote is escaped when the
   * filter becomes a query-language clause. */
  ok(parse("tag=a%22b%5C") == RA_OK && REQ.n_tags == 1 && strcmp(REQ.tags[0], "a\"b\\") == 0,
     "a tag with a double quote and a backslash is accepted as given");
  ok(parse("category=%22x%22") == RA_OK && strcmp(REQ.category, "\"x\"") == 0,
     "a category with double quotes is accepted as given");
  ok(refused(parse("format=xml&q=a"), RA_ERR_INVALID, 400, "format", "json or html"),
     "format other than json/html: 400 naming format");
  ok(parse("related=00/a_b.c") == RA_OK && strcmp(REQ.related, "00/a_b.c") == 0,
     "related: an id in a subdirectory (segments joined by '/') is accepted");
  ok(refused(parse("related=a//b"), RA_ERR_INVALID, 400, "related", "letters, digits"),
     "related with an empty segment: 400 naming related");
  ok(refused(parse("related=../a"), RA_ERR_INVALID, 400, "related", "letters, digits"),
     "related with a '..' segment: 400 naming related");
  ok(refused(parse("related=a%20b"), RA_ERR_INVALID, 400, "related", "letters, digits"),
     "related with a space: 400 naming related");
  ok(refused(parse("related="), RA_ERR_INVALID, 400, "related", "empty article id"),
     "an empty related: 400");
  ok(refused(parse("complete=men&related=x1"), RA_ERR_INVALID, 400, "complete",
             "cannot be combined with related"),
     "complete with related: 400 naming complete");
  ok(refused(parse(""), RA_ERR_INVALID, 400, "q", "missing"),
     "an empty query string: 400 naming q");
  ok(refused(parse("page=2&per_page=5&format=json&x=1"), RA_ERR_INVALID, 400, "q", "missing"),
     "paging and format but nothing to search: 400 naming q");
}

/* Each limit: at it accepted, one byte over refused naming the parameter. */
static void test_limits(void) {
  char *v = rep('a', RA_QUERY_MAX_BYTES), *qs = param("q", v);
  ra_status st = parse(qs);
  ok(st == RA_OK && strlen(REQ.q) == RA_QUERY_MAX_BYTES, "q of %d bytes", RA_QUERY_MAX_BYTES);
  free(qs);
  free(v);
  v = rep('a', RA_QUERY_MAX_BYTES + 1);
  qs = param("q", v);
  ok(refused(parse(qs), RA_ERR_TOOBIG, 400, "q", "4096 bytes"),
     "q of %d bytes: 400 naming q", RA_QUERY_MAX_BYTES + 1);
  free(qs);
  free(v);

  /* related is first held to the id grammar's RA_IDENT_ID_MAX. */
  v = rep('a', RA_IDENT_ID_MAX);
  qs = param("related", v);
  st = parse(qs);
  free(qs);
  free(v);
  v = rep('a', RA_IDENT_ID_MAX + 1);
  qs = param("related", v);
  ok(st == RA_OK && refused(parse(qs), RA_ERR_INVALID, 400, "related", "at most"),
     "related: an id of %d bytes accepted, %d refused naming it", RA_IDENT_ID_MAX,
     RA_IDENT_ID_MAX + 1);
  free(qs);
  free(v);
  v = rep('a', RA_CGI_MAX_VALUE + 1);
  qs = param("related", v);
  ok(refused(parse(qs), RA_ERR_TOOBIG, 400, "related", "256 bytes"),
     "related: %d bytes refused as too big, naming it", RA_CGI_MAX_VALUE + 1);
  free(qs);
  free(v);
  static const char *const names[] = {"tag", "category", "complete"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    v = rep('a', RA_CGI_MAX_VALUE);
    qs = param(names[i], v);
    st = parse(qs);
    int at = st == RA_OK;
    free(qs);
    free(v);
    v = rep('a', RA_CGI_MAX_VALUE + 1);
    qs = param(names[i], v);
    ok(at && refused(parse(qs), RA_ERR_TOOBIG, 400, names[i], "256 bytes"),
       "%s: %d bytes accepted, %d refused naming it", names[i], RA_CGI_MAX_VALUE,
       RA_CGI_MAX_VALUE + 1);
    free(qs);
    free(v);
  }
  /* A value's limit is on its decoded bytes. */
  char enc[3 * RA_CGI_MAX_VALUE + 8] = "tag=";
  for (int i = 0; i < RA_CGI_MAX_VALUE; i++) strcat(enc, "%41");
  st = parse(enc);
  ok(st == RA_OK && strlen(REQ.tags[0]) == RA_CGI_MAX_VALUE,
     "the limit counts decoded bytes (%d escapes)", RA_CGI_MAX_VALUE);

  /* The whole query string: unknown padding keeps the request valid. */
  const char *head = "q=a&pad=";
  v = rep('x', RA_CGI_MAX_QUERY_STRING - strlen(head));
  qs = param("q=a&pad", v);
  st = parse(qs);
  ok(strlen(qs) == RA_CGI_MAX_QUERY_STRING && st == RA_OK && streq(REQ.q, "a"),
     "a query string of %d bytes is read", RA_CGI_MAX_QUERY_STRING);
  free(qs);
  free(v);
  v = rep('x', RA_CGI_MAX_QUERY_STRING - strlen(head) + 1);
  qs = param("format=html&q=a&pad", v);
  ok(refused(parse(qs), RA_ERR_TOOBIG, 414, "", "16384") && !REQ.q,
     "longer: 414, no parameter named, nothing decoded");
  free(qs);
  free(v);
}

/* A refused request keeps the format asked for, to answer in kind. */
static void test_format_kept(void) {
  ra_status st = parse("q=%FF&format=html");
  ok(st == RA_ERR_UTF8 && REQ.format == RA_CGI_HTML, "bad q, format=html later: HTML");
  st = parse("format=html&q=a&q=b");
  ok(st == RA_ERR_INVALID && REQ.format == RA_CGI_HTML && REQ.format_given,
     "repeated q after format=html: HTML");
  st = parse("format=html&page=0&q=a");
  ok(st == RA_ERR_INVALID && REQ.format == RA_CGI_HTML, "bad page: HTML");
  st = parse("format=html&q=a%00");
  ok(st == RA_ERR_INVALID && REQ.format == RA_CGI_HTML, "encoded NUL: HTML");
  st = parse("q=a%00");
  ok(st == RA_ERR_INVALID && REQ.format == RA_CGI_JSON, "no format: JSON");
}

int main(void) {
  test_defaults();
  test_decoding();
  test_paging();
  test_repeats();
  test_bad_bytes();
  test_values();
  test_limits();
  test_format_kept();
  ra_cgi_request_clear(&REQ);
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
