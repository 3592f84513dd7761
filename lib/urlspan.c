/* urlspan.c - the URL and e-mail address scanner of the analyser (see
 * urlspan.h): a byte scanner over UTF-8 text that finds "http://...",
 * "www.example.org" and "name@example.org" spans, which the analyser
 * emits whole (plus their parts) instead of cutting them into UAX #29
 * words.  Linear in the input; no ICU except the character class of
 * non-ASCII code points inside a URL. */
#include "urlspan.h"

#include "analyze.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static int ascii_alnum(unsigned c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int ascii_alpha(unsigned c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* ASCII bytes that may appear inside a URL (RFC 3986 plus a little slack). */
static int url_ascii(unsigned c) {
  if (c <= 0x20 || c >= 0x7F) return 0;
  return !strchr("<>\"`{}|\\^", (int)c);
}

/* Length of the URL-ish run starting at p, up to lim. */
static size_t url_run(const unsigned char *t, size_t p, size_t lim) {
  size_t e = p;
  while (e < lim) {
    unsigned c = t[e];
    if (c < 0x80) {
      if (!url_ascii(c)) break;
      e++;
    } else {
      UChar32 cp;
      int k = ra_utf8_dec(t + e, lim - e, &cp);
      if (!k || !ra_urlspan_unicode(cp)) break;
      e += (size_t)k;
    }
  }
  return e;
}

/* Drop trailing sentence punctuation, and closing brackets that have no
 * opening partner inside the URL (Wikipedia-style "(...)" paths survive). */
static size_t url_trim(const unsigned char *t, size_t s, size_t e) {
  long paren = 0, brack = 0;
  for (size_t i = s; i < e; i++) {
    if (t[i] == '(') paren++;
    if (t[i] == ')') paren--;
    if (t[i] == '[') brack++;
    if (t[i] == ']') brack--;
  }
  while (e > s) {
    unsigned c = t[e - 1];
    if (strchr(".,;:!?'\"*", (int)c)) {
      e--;
    } else if (c == ')' && paren < 0) {
      paren++;
      e--;
    } else if (c == ']' && brack < 0) {
      brack++;
      e--;
    } else {
      break;
    }
  }
  return e;
}

static int prefix_ci(const unsigned char *t, size_t i, size_t lim,
                     const char *p) {
  size_t n = strlen(p);
  if (lim - i < n) return 0;
  for (size_t k = 0; k < n; k++) {
    unsigned c = t[i + k];
    if (c - 'A' < 26u) c += 32;
    if (c != (unsigned char)p[k]) return 0;
  }
  return 1;
}

/* A URL starting at i (a word boundary)?  Returns its end or 0. */
static size_t try_url(const unsigned char *t, size_t i, size_t lim) {
  static const char *const schemes[] = {"http://", "https://", "ftp://"};
  for (size_t k = 0; k < sizeof schemes / sizeof *schemes; k++) {
    if (!prefix_ci(t, i, lim, schemes[k])) continue;
    size_t h = i + strlen(schemes[k]);
    size_t e = url_trim(t, i, url_run(t, h, lim));
    if (e <= h) return 0;
    /* The host must start like a host. */
    if (t[h] < 0x80 && !ascii_alnum(t[h]) && t[h] != '[') return 0;
    return e;
  }
  if (prefix_ci(t, i, lim, "www.")) {
    size_t e = url_trim(t, i, url_run(t, i + 4, lim));
    /* Host = up to the first '/', '?', '#' or ':'; it needs two more
     * non-empty labels ("www.example.com"), else "www.foo" is a word. */
    size_t labels = 0, len = 0, p;
    for (p = i + 4; p < e; p++) {
      unsigned c = t[p];
      if (c == '/' || c == '?' || c == '#' || c == ':') break;
      if (c == '.') {
        if (len == 0) return 0;
        labels++;
        len = 0;
      } else if (c < 0x80 && !ascii_alnum(c) && c != '-') {
        return 0;
      } else {
        len++;
      }
    }
    if (len) labels++;
    return labels >= 2 && len ? e : 0;
  }
  return 0;
}

static int email_local(unsigned c) {
  return ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}

/* An e-mail address around the '@' at byte at, whose local part may not
 * reach before lo?  Fills [*s, *e) and returns 1. */
static int try_email(const unsigned char *t, size_t lo, size_t at,
                     size_t lim, size_t *s, size_t *e) {
  size_t b = at;
  while (b > lo && email_local(t[b - 1])) b--;
  while (b < at && (t[b] == '.' || t[b] == '-')) b++;
  if (b == at || t[at - 1] == '.') return 0;
  /* Domain: labels of [A-Za-z0-9-] joined by single dots; a trailing dot
   * or hyphen is sentence punctuation. */
  size_t p = at + 1;
  if (p >= lim || !ascii_alnum(t[p])) return 0;
  while (p < lim && (ascii_alnum(t[p]) || t[p] == '-' ||
                     (t[p] == '.' && t[p - 1] != '.')))
    p++;
  while (t[p - 1] == '.' || t[p - 1] == '-') p--;
  size_t dot = p;
  while (dot > at && t[dot - 1] != '.') dot--;
  if (dot <= at + 1) return 0; /* no dot at all */
  /* The top-level domain: at least two letters. */
  if (p - dot < 2) return 0;
  for (size_t k = dot; k < p; k++)
    if (!ascii_alpha(t[k])) return 0;
  *s = b;
  *e = p;
  return 1;
}

static ra_status add_span(ra_urlspan_list *l, size_t s, size_t e,
                          unsigned flags, ra_error *err) {
  if (l->n == l->cap) {
    size_t want = l->cap ? l->cap * 2 : 16;
    ra_urlspan *p = realloc(l->v, want * sizeof *p);
    if (!p)
      return ra_error_set(err, RA_ERR_NOMEM,
                          "analyze: out of memory (URL spans)");
    l->v = p;
    l->cap = want;
  }
  l->v[l->n].start = s;
  l->v[l->n].end = e;
  l->v[l->n].flags = flags;
  l->n++;
  return RA_OK;
}

/* One left-to-right pass over [c0, c1) collecting URL / e-mail spans.
 * Linear: every candidate either becomes a span we skip past, or its scan
 * stops at a byte no later candidate's scan crosses. */
ra_status ra_urlspan_find(ra_urlspan_list *l, const unsigned char *t,
                          size_t c0, size_t c1, ra_error *err) {
  size_t i = c0, lo = c0;
  l->n = 0;
  while (i < c1) {
    unsigned c = t[i];
    if ((c | 0x20) == 'h' || (c | 0x20) == 'f' || (c | 0x20) == 'w') {
      unsigned p = i > c0 ? t[i - 1] : ' ';
      if (!ascii_alnum(p) && !strchr(".-_@/%+:", (int)p)) {
        size_t e = try_url(t, i, c1);
        if (e) {
          ra_status r = add_span(l, i, e, RA_TOK_URL, err);
          if (r != RA_OK) return r;
          i = lo = e;
          continue;
        }
      }
    } else if (c == '@' && i > lo) {
      size_t s, e;
      if (try_email(t, lo, i, c1, &s, &e)) {
        ra_status r = add_span(l, s, e, RA_TOK_EMAIL, err);
        if (r != RA_OK) return r;
        i = lo = e;
        continue;
      }
    }
    i++;
  }
  return RA_OK;
}

void ra_urlspan_list_free(ra_urlspan_list *l) {
  if (!l) return;
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}
