/* test_analyze.c - TAP tests for lib/analyze.c, the one analysis path shared
 * by indexer, query parser and highlighter.  Everything is in memory.
 *
 * Most cases are rows of a table: input text, the expected tokens rendered
 * as "word[flags]" (flags: N numeric, U url, E email, C colocated,
 * J joined), optionally the expected stems and the expected source spans
 * text[start..end).  Invariants (offsets, positions, valid UTF-8) are
 * checked on every analysis, including the random robustness loops. */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>

#include "analyze.h"

#include "tap.h"

/* ---- collecting tokens ---------------------------------------------------- */

typedef struct tok {
  char *word, *stem;
  uint32_t pos;
  size_t start, end;
  unsigned flags;
} tok;

typedef struct collect {
  const char *text;
  size_t len;
  tok *v;
  size_t n, cap;
  size_t stop_after; /* 0 = never stop */
  char problem[256]; /* first invariant violation seen */
} collect;

static int valid_utf8(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    size_t k;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      k = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return 0;
    }
    if (i + k >= n) return 0; /* sequence runs past the end */
    if (p[i + 1] < lo || p[i + 1] > hi) return 0;
    for (size_t j = 2; j <= k; j++)
      if ((p[i + j] & 0xC0) != 0x80) return 0;
    i += k + 1;
  }
  return 1;
}

static void problem(collect *c, const char *msg, size_t i) {
  if (!c->problem[0])
    snprintf(c->problem, sizeof c->problem, "token %zu: %s", i, msg);
}

static int on_token(void *ctx, const ra_token *t) {
  collect *c = ctx;
  size_t i = c->n;
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 64;
    c->v = realloc(c->v, c->cap * sizeof *c->v);
    if (!c->v) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
  }
  /* Invariants every consumer relies on. */
  if (!(t->start < t->end && t->end <= c->len)) problem(c, "bad span", i);
  if (t->word_len == 0 || strlen(t->word) != t->word_len)
    problem(c, "empty word or length mismatch", i);
  if (t->word_len > 245) problem(c, "word longer than 245 bytes", i);
  if (!valid_utf8(t->word, t->word_len)) problem(c, "word not UTF-8", i);
  if (t->stem_len == 0 || strlen(t->stem) != t->stem_len)
    problem(c, "empty stem or length mismatch", i);
  if (!valid_utf8(t->stem, t->stem_len)) problem(c, "stem not UTF-8", i);
  if (i > 0) {
    const tok *p = &c->v[i - 1];
    if (t->flags & RA_TOK_COLOCATED) {
      if (t->pos != p->pos || t->start < p->start)
        problem(c, "colocated token moved", i);
    } else if (t->pos != p->pos + 1 || t->start <= p->start) {
      problem(c, "positions/starts not increasing", i);
    }
  } else if (t->flags & RA_TOK_COLOCATED) {
    problem(c, "first token colocated", i);
  }
  tok *o = &c->v[c->n++];
  o->word = strdup(t->word);
  o->stem = strdup(t->stem);
  if (!o->word || !o->stem) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  o->pos = t->pos;
  o->start = t->start;
  o->end = t->end;
  o->flags = t->flags;
  return c->stop_after && c->n >= c->stop_after;
}

static void collect_reset(collect *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].word);
    free(c->v[i].stem);
  }
  free(c->v);
  memset(c, 0, sizeof *c);
}

static ra_analyzer *A;

/* Analyze text into c; returns the status. */
static ra_status run(collect *c, const char *text, size_t len,
                     uint32_t base, uint32_t *next) {
  ra_error err;
  ra_error_clear(&err);
  collect_reset(c);
  c->text = text;
  c->len = len;
  ra_status st = ra_analyze(A, text, len, base, on_token, c, next, &err);
  if (st != RA_OK) printf("# ra_analyze: %s\n", ra_error_message(&err));
  return st;
}

/* ---- rendering ------------------------------------------------------------ */

typedef struct sbuf {
  char *p;
  size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) exit(1);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static char *render_words(const collect *c) {
  sbuf b = {0};
  sb_str(&b, "");
  for (size_t i = 0; i < c->n; i++) {
    if (i) sb_str(&b, " ");
    sb_str(&b, c->v[i].word);
    unsigned f = c->v[i].flags;
    if (f) {
      sb_str(&b, "[");
      if (f & RA_TOK_NUMERIC) sb_str(&b, "N");
      if (f & RA_TOK_URL) sb_str(&b, "U");
      if (f & RA_TOK_EMAIL) sb_str(&b, "E");
      if (f & RA_TOK_COLOCATED) sb_str(&b, "C");
      if (f & RA_TOK_JOINED) sb_str(&b, "J");
      sb_str(&b, "]");
    }
  }
  return b.p;
}

static char *render_stems(const collect *c) {
  sbuf b = {0};
  sb_str(&b, "");
  for (size_t i = 0; i < c->n; i++) {
    if (i) sb_str(&b, " ");
    sb_str(&b, c->v[i].stem);
  }
  return b.p;
}

static char *render_spans(const collect *c) {
  sbuf b = {0};
  sb_str(&b, "");
  for (size_t i = 0; i < c->n; i++) {
    if (i) sb_str(&b, "|");
    sb_add(&b, c->text + c->v[i].start, c->v[i].end - c->v[i].start);
  }
  return b.p;
}

static char *render_pos(const collect *c) {
  sbuf b = {0};
  char num[32];
  sb_str(&b, "");
  for (size_t i = 0; i < c->n; i++) {
    snprintf(num, sizeof num, "%s%u", i ? " " : "", (unsigned)c->v[i].pos);
    sb_str(&b, num);
  }
  return b.p;
}

/* ---- the table ------------------------------------------------------------ */

typedef struct tcase {
  const char *desc;
  const char *text;
  size_t len;        /* 0: strlen(text) */
  const char *words; /* "word[flags] ..." */
  const char *stems; /* NULL: not checked */
  const char *spans; /* "src|src|..." or NULL */
  const char *pos;   /* "0 1 1 2" or NULL (base 0) */
} tcase;

static const tcase cases[] = {
    {"accent folding: café", "café", 0, "cafe", NULL, "café", NULL},
    {"accent folding: Zürich", "Zürich", 0, "zurich", NULL, NULL, NULL},
    {"accent folding: naïve", "naïve", 0, "naive", NULL, NULL, NULL},
    {"decomposed accents fold too", "cafe\xcc\x81 Zu\xcc\x88rich", 0,
     "cafe zurich", NULL, "cafe\xcc\x81|Zu\xcc\x88rich", NULL},
    {"NFKC: fi ligature", "\xef\xac\x81nal \xef\xac\x81le", 0, "final file",
     NULL, NULL, NULL},
    {"NFKC: full-width letters and digits",
     "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 \xef\xbc\x91\xef\xbc\x92", 0,
     "abc 12[N]", NULL, NULL, NULL},
    {"case folding incl. sharp s", "HELLO World Straße", 0,
     "hello world strasse", NULL, NULL, NULL},
    {"possessive with both apostrophes", "resident’s resident's", 0,
     "resident resident", "resid resid", "resident’s|resident's", "0 1"},
    {"contractions keep one token", "don’t don't DON'T", 0,
     "don't don't don't", NULL, "don’t|don't|DON'T", NULL},
    {"other apostrophes normalised", "don\xca\xbct don\xef\xbc\x87t", 0,
     "don't don't", NULL, NULL, NULL},
    {"plural possessive", "the residents' lounge", 0,
     "the residents lounge", NULL, "the|residents|lounge", NULL},
    {"leading quotes are not part of words",
     "'quoted' ‘single’ “smart” \xca\xbctwas", 0, "quoted single smart twas",
     NULL, "quoted|single|smart|twas", NULL},
    {"hyphen splits, first part joined", "peer-support groups", 0,
     "peer[J] support groups", NULL, "peer|support|groups", "0 1 2"},
    {"em dash splits, not joined", "luxury—it", 0, "luxury it", NULL,
     "luxury|it", NULL},
    {"en dash number range", "3–5 years", 0, "3[N] 5[N] years", "3 5 year",
     NULL, NULL},
    {"PGY-1", "PGY-1", 0, "pgy[J] 1[N]", NULL, "PGY|1", NULL},
    {"URL: whole span plus parts",
     "See https://www.example.org/path?x=1. Then", 0,
     "see https://www.example.org/path?x=1[U] https[C] www example org path "
     "x 1[N] then",
     NULL,
     "See|https://www.example.org/path?x=1|https|www|example|org|path|x|1|"
     "Then",
     "0 1 1 2 3 4 5 6 7 8"},
    {"URL stem is the URL, in parentheses",
     "(HTTP://Example.COM/Mentoring)", 0,
     "http://example.com/mentoring[U] http[C] example com mentoring",
     "http://example.com/mentoring http exampl com mentor", NULL, NULL},
    {"www. without scheme", "visit www.example.com, now", 0,
     "visit www.example.com[U] www[C] example com now", NULL,
     "visit|www.example.com|www|example|com|now", NULL},
    {"e-mail: whole address plus parts",
     "Mail name.surname@example.org, thanks", 0,
     "mail name.surname@example.org[E] name[C] surname example org thanks",
     NULL, "Mail|name.surname@example.org|name|surname|example|org|thanks",
     NULL},
    {"not e-mail / URL lookalikes", "@user a@b www.foo x@y z@w.c", 0,
     "user a b www.foo x y z w.c", NULL, NULL, NULL},
    {"numbers", "In 2024, 3.5 and 1,000 people", 0,
     "in 2024[N] 3.5[N] and 1,000[N] people", "in 2024 3.5 and 1,000 peopl",
     NULL, NULL},
    {"CRLF is just a separator", "alpha\r\nbeta\r\n\r\ngamma", 0,
     "alpha beta gamma", NULL, "alpha|beta|gamma", NULL},
    {"invalid byte 0xFF separates, offsets exact", "ab\xff" "cd", 0, "ab cd",
     NULL, "ab|cd", NULL},
    {"truncated sequence", "ab\xe2\x82 cd\xc3", 0, "ab cd", NULL, "ab|cd",
     NULL},
    {"overlong encoding", "x\xc0\xafy \xe0\x80\xaf z", 0, "x y z", NULL,
     "x|y|z", NULL},
    {"UTF-8 encoded surrogate", "a\xed\xa0\x80" "b", 0, "a b", NULL, "a|b",
     NULL},
    {"4-byte sequences", "x\xf0\x9d\x90\x80y \xf0\x9f\x98\x80 ok", 0,
     "xay ok", NULL, "x\xf0\x9d\x90\x80y|ok", NULL},
    {"NUL bytes inside len", "ab\0cd", 5, "ab cd", NULL, "ab|cd", NULL},
    {"empty input", "", 0, "", NULL, "", NULL},
    {"only punctuation", " ,.;— \t\n", 0, "", NULL, "", NULL},
    {"stems", "mentoring mentors mentor networking Networks", 0,
     "mentoring mentors mentor networking networks",
     "mentor mentor mentor network network", NULL, NULL},
    {"ideographs and kana are words (ICU dictionary)", "東京タワー 漢字", 0,
     "東京タワー 漢字", NULL, "東京タワー|漢字", NULL},
    {"kana voicing marks are kept", "ガッコウ ｶﾞｯｺｳ", 0, "ガッコウ ガッコウ",
     NULL, NULL, NULL},
    {"Devanagari vowel signs are kept", "हिन्दी", 0, "हिन्दी", NULL, NULL, NULL},
    {"Greek and Cyrillic accents fold", "Καφέ Ёлка", 0, "καφε елка", NULL,
     NULL, NULL},
    {"'@' splits words that are not addresses", "@user a@b q@e.x1", 0,
     "user a b q e.x1", NULL, "user|a|b|q|e.x1", NULL},
    {"numeric flag follows the content", "x1 v2.0 1st 1990s ３．５ 1'000", 0,
     "x1 v2.0 1st 1990s 3.5[N] 1'000[N]", NULL, NULL, NULL},
    {"e-mail at sentence end", "Write to x.y@example.com.", 0,
     "write to x.y@example.com[E] x[C] y example com", NULL,
     "Write|to|x.y@example.com|x|y|example|com", NULL},
    {"soft hyphen is ignored", "co\xc2\xad" "operate", 0, "cooperate", NULL,
     NULL, NULL},
};

static void run_table(void) {
  collect c = {0};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    const tcase *t = &cases[k];
    size_t len = t->len ? t->len : strlen(t->text);
    ra_status st = run(&c, t->text, len, 0, NULL);
    char *w = render_words(&c), *s = render_stems(&c);
    char *sp = render_spans(&c), *p = render_pos(&c);
    int good = st == RA_OK && !c.problem[0] && strcmp(w, t->words) == 0 &&
               (!t->stems || strcmp(s, t->stems) == 0) &&
               (!t->spans || strcmp(sp, t->spans) == 0) &&
               (!t->pos || strcmp(p, t->pos) == 0);
    ok(good, "%s", t->desc);
    if (!good) {
      if (c.problem[0]) printf("#   invariant: %s\n", c.problem);
      printf("#   words: got '%s' want '%s'\n", w, t->words);
      if (t->stems) printf("#   stems: got '%s' want '%s'\n", s, t->stems);
      if (t->spans) printf("#   spans: got '%s' want '%s'\n", sp, t->spans);
      if (t->pos) printf("#   pos:   got '%s' want '%s'\n", p, t->pos);
    }
    free(w);
    free(s);
    free(sp);
    free(p);
  }
  collect_reset(&c);
}

/* ---- the other API functions --------------------------------------------- */

typedef struct fcase {
  const char *in, *want;
} fcase;

static void test_fold_and_stem(void) {
  static const fcase folds[] = {
      {"Café’s", "cafe"},       {"RESIDENTS'", "residents"},
      {"don’t", "don't"},       {"\xef\xac\x81le", "file"},
      {"Zürich", "zurich"},     {"'quoted'", "quoted"},
      {"", ""},
  };
  char out[256];
  size_t n;
  ra_error err;
  for (size_t k = 0; k < sizeof folds / sizeof *folds; k++) {
    ra_error_clear(&err);
    ra_status st = ra_analyze_fold(A, folds[k].in, strlen(folds[k].in), out,
                                   sizeof out, &n, &err);
    ok(st == RA_OK && strcmp(out, folds[k].want) == 0 &&
           n == strlen(folds[k].want),
       "ra_analyze_fold(\"%s\") = \"%s\"", folds[k].in, folds[k].want);
  }
  ra_error_clear(&err);
  ok(ra_analyze_fold(A, "Mentoring", 9, out, 5, &n, &err) == RA_ERR_TOOBIG &&
         err.code == RA_ERR_TOOBIG,
     "ra_analyze_fold reports RA_ERR_TOOBIG for a small buffer");

  static const fcase stems[] = {
      {"mentoring", "mentor"}, {"mentors", "mentor"},
      {"networking", "network"}, {"don't", "don't"},
      {"a", "a"},
  };
  for (size_t k = 0; k < sizeof stems / sizeof *stems; k++) {
    ra_error_clear(&err);
    ra_status st = ra_analyze_stem(A, stems[k].in, strlen(stems[k].in), out,
                                   sizeof out, &n, &err);
    ok(st == RA_OK && strcmp(out, stems[k].want) == 0,
       "ra_analyze_stem(\"%s\") = \"%s\" (got \"%s\")", stems[k].in,
       stems[k].want, st == RA_OK ? out : "?");
  }
  ra_error_clear(&err);
  ok(ra_analyze_stem(A, "mentoring", 9, out, 3, &n, &err) == RA_ERR_TOOBIG,
     "ra_analyze_stem reports RA_ERR_TOOBIG for a small buffer");
}

/* The stem cache grows while it is used: stems from it must equal
 * Snowball's own, before, during and after each growth, and for words
 * that collide in a slot.  30,000 made-up words with English suffixes,
 * in two passes (the second mostly hits). */
static void test_stem_cache(void) {
  struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
  static const char *suffix[] = {"", "s", "ing", "ed", "ation", "ness",
                                 "ly", "ies", "ational", "ful", "ize"};
  uint64_t r = 12345;
  size_t bad = 0, checked = 0;
  char w[64], out[64];
  for (int pass = 0; pass < 2 && sb; pass++) {
    r = 12345;
    for (int i = 0; i < 30000; i++) {
      r = r * 6364136223846793005u + 1442695040888963407u;
      size_t len = 2 + (size_t)(r >> 60), k = 0;
      uint64_t x = r >> 8;
      for (; k < len; k++, x /= 26) w[k] = (char)('a' + x % 26);
      const char *suf = suffix[(r >> 33) % (sizeof suffix / sizeof *suffix)];
      memcpy(w + k, suf, strlen(suf) + 1);
      size_t wl = strlen(w), n = 0;
      ra_error err;
      ra_error_clear(&err);
      const sb_symbol *want = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)wl);
      size_t want_n = (size_t)sb_stemmer_length(sb);
      checked++;
      if (ra_analyze_stem(A, w, wl, out, sizeof out, &n, &err) != RA_OK ||
          n != want_n || memcmp(out, want, n) != 0) {
        if (bad++ < 3) diag("stem(%s): got %.*s want %.*s", w, (int)n, out,
                            (int)want_n, (const char *)want);
      }
    }
  }
  ok(sb && bad == 0 && checked == 60000,
     "stem cache: %zu of %zu stems differ from Snowball's while it grows", bad,
     checked);
  if (sb) sb_stemmer_delete(sb);
}

/* Fold of each token's source span equals the token (except URL/e-mail
 * wholes, which keep their punctuation). */
static const char *check_fold_consistency(const collect *c) {
  static char msg[300];
  char out[256];
  size_t n;
  for (size_t i = 0; i < c->n; i++) {
    if (c->v[i].flags & (RA_TOK_URL | RA_TOK_EMAIL)) continue;
    ra_error err;
    ra_error_clear(&err);
    if (ra_analyze_fold(A, c->text + c->v[i].start,
                        c->v[i].end - c->v[i].start, out, sizeof out, &n,
                        &err) != RA_OK ||
        strcmp(out, c->v[i].word) != 0) {
      snprintf(msg, sizeof msg, "token %zu: fold(span)='%.100s' word='%.100s'",
               i, out, c->v[i].word);
      return msg;
    }
  }
  return NULL;
}

static void test_positions_and_stop(void) {
  collect c = {0};
  uint32_t next = 0;
  const char *t = "One two-three www.example.com four";
  ra_status st = run(&c, t, strlen(t), 100, &next);
  char *p = render_pos(&c);
  ok(st == RA_OK && strcmp(p, "100 101 102 103 103 104 105 106") == 0 &&
         next == 107,
     "positions start at pos_base and next_pos follows the last (%s, %u)", p,
     (unsigned)next);
  free(p);

  st = run(&c, "", 0, 7, &next);
  ok(st == RA_OK && c.n == 0 && next == 7, "empty input: next_pos = pos_base");

  collect_reset(&c);
  c.text = t;
  c.len = strlen(t);
  c.stop_after = 2;
  ra_error err;
  ra_error_clear(&err);
  st = ra_analyze(A, t, strlen(t), 0, on_token, &c, &next, &err);
  ok(st == RA_OK && c.n == 2 && next == 2,
     "non-zero callback return stops analysis without error (n=%zu next=%u)",
     c.n, (unsigned)next);

  /* Exact source spans on a longer sentence, checked token by token. */
  const char *s =
      "Entering residency is a monumental milestone in a medical "
      "professional’s journey—Dr. Lee’s “peer-support” résumé, 1,000 hours.";
  st = run(&c, s, strlen(s), 0, NULL);
  char *sp = render_spans(&c);
  ok(st == RA_OK &&
         strcmp(sp,
                "Entering|residency|is|a|monumental|milestone|in|a|medical|"
                "professional’s|journey|Dr|Lee’s|peer|support|résumé|1,000|"
                "hours") == 0,
     "every token's [start,end) is its source text");
  if (st != RA_OK || c.n != 18) printf("#   spans: %s\n", sp);
  free(sp);
  const char *why = check_fold_consistency(&c);
  ok(why == NULL, "ra_analyze_fold(source span) == token word%s%s",
     why ? ": " : "", why ? why : "");

  /* Japanese: ICU's dictionary finds the words; no exact split asserted,
   * as it depends on the ICU data version. */
  const char *ja = "私は東京に住んでいます";
  st = run(&c, ja, strlen(ja), 0, NULL);
  int found = 0;
  for (size_t i = 0; i < c.n; i++)
    if (strcmp(c.v[i].word, "東京") == 0) found = 1;
  ok(st == RA_OK && c.n > 2 && found && !c.problem[0],
     "Japanese text is segmented into several words incl. 東京");

  collect_reset(&c);
  ra_error_clear(&err);
  st = ra_analyze(A, NULL, 0, 0, on_token, &c, NULL, &err);
  ok(st == RA_OK && c.n == 0, "NULL text with len 0 is empty input");
  ra_error_clear(&err);
  st = ra_analyze(A, NULL, 3, 0, on_token, &c, NULL, &err);
  ok(st == RA_ERR_INVALID, "NULL text with len > 0 is RA_ERR_INVALID");
  collect_reset(&c);
}

/* Re-entering ra_analyze from a callback is refused, fold is allowed. */
typedef struct reenter {
  int nested_status;
  int fold_ok;
} reenter;

static int nop_cb(void *ctx, const ra_token *t) {
  (void)ctx;
  (void)t;
  return 0;
}

static int reenter_cb(void *ctx, const ra_token *t) {
  reenter *r = ctx;
  ra_error err;
  char out[256];
  size_t n;
  char before[256];
  snprintf(before, sizeof before, "%s/%s", t->word, t->stem);
  ra_error_clear(&err);
  r->nested_status = ra_analyze(A, "x", 1, 0, nop_cb, NULL, NULL, &err);
  ra_error_clear(&err);
  if (ra_analyze_fold(A, "Other’s", strlen("Other’s"), out, sizeof out, &n,
                      &err) == RA_OK &&
      ra_analyze_stem(A, "others", 6, out, sizeof out, &n, &err) == RA_OK) {
    char after[256];
    snprintf(after, sizeof after, "%s/%s", t->word, t->stem);
    r->fold_ok = strcmp(before, after) == 0;
  }
  return 1;
}

static void test_reentry(void) {
  reenter r = {0, 0};
  ra_error err;
  ra_error_clear(&err);
  ra_status st = ra_analyze(A, "Mentoring", 9, 0, reenter_cb, &r, NULL, &err);
  ok(st == RA_OK && r.nested_status == RA_ERR_USAGE,
     "ra_analyze from its own callback is RA_ERR_USAGE");
  ok(r.fold_ok, "fold/stem from a callback leave the current token intact");
}

static void test_sentences(void) {
  const char *t = "Hello world. This is Mr. Smith! Is it?\nNew line";
  size_t *v = NULL, n = 0;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = ra_analyze_sentences(A, t, strlen(t), &v, &n, &err);
  int good = st == RA_OK && n == 4 && v[0] == 0 &&
             strncmp(t + v[1], "This", 4) == 0 &&
             strncmp(t + v[2], "Is it", 5) == 0 &&
             strncmp(t + v[3], "New", 3) == 0;
  ok(good, "sentence starts as byte offsets (n=%zu)", n);
  free(v);

  const char *u = "Café au lait. Zürich ist schön.";
  st = ra_analyze_sentences(A, u, strlen(u), &v, &n, &err);
  ok(st == RA_OK && n == 2 && v[0] == 0 && strncmp(u + v[1], "Zürich", 6) == 0,
     "sentence offsets count bytes, not characters");
  free(v);

  st = ra_analyze_sentences(A, "", 0, &v, &n, &err);
  ok(st == RA_OK && n == 1 && v[0] == 0, "empty text: one start at 0");
  free(v);

  st = ra_analyze_sentences(A, "a\xff. B\xc3", 6, &v, &n, &err);
  ok(st == RA_OK && n >= 1 && v[0] == 0, "sentences on invalid UTF-8");
  for (size_t i = 1; i < n; i++)
    if (v[i] <= v[i - 1] || v[i] >= 6) printf("# bad start %zu\n", v[i]);
  free(v);
}

static uint32_t rnd(void);

/* fn(ctx, path, text, len) for each sample page in corpus/. */
static void for_each_sample_page(void (*fn)(void *, const char *, const char *, size_t),
                                 void *ctx) {
  const char *srcdir = getenv("RA_SRCDIR");
  char pat[1200];
  glob_t g;
  snprintf(pat, sizeof pat, "%s/corpus/0*.txt", srcdir && *srcdir ? srcdir : "..");
  if (glob(pat, 0, NULL, &g) != 0) return;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    FILE *f = fopen(g.gl_pathv[i], "rb");
    if (!f) continue;
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    fn(ctx, g.gl_pathv[i], text, len);
  }
  globfree(&g);
}

/* tmpl with each "%s" replaced by ins, into buf (truncated to fit);
 * returns the length. */
static size_t fill_ctx(char *buf, size_t size, const char *tmpl, const char *ins) {
  size_t len = 0, il = strlen(ins);
  for (const char *t = tmpl; *t && len + il + 1 < size; t++) {
    if (t[0] == '%' && t[1] == 's') {
      memcpy(buf + len, ins, il);
      len += il;
      t++;
    } else {
      buf[len++] = *t;
    }
  }
  return len;
}

/* Sentence starts of text by an and by ICU-only ref: the same?  The first
 * difference goes to first. */
typedef struct sentcmp {
  ra_analyzer *ref;
  int n, bad, fast;
  char first[400];
} sentcmp;

static void compare_sentences(sentcmp *c, const char *text, size_t len) {
  size_t *x = NULL, *y = NULL, nx = 0, ny = 0;
  ra_status sx = ra_analyze_sentences(A, text, len, &x, &nx, NULL);
  ra_status sy = ra_analyze_sentences(c->ref, text, len, &y, &ny, NULL);
  c->n++;
  c->fast += ra_analyze_sentences_fast(A, text, len);
  int same = sx == sy && nx == ny && (!nx || memcmp(x, y, nx * sizeof *x) == 0);
  if (!same && !c->bad++) {
    int k = snprintf(c->first, sizeof c->first, "\"%.*s\": fast", (int)(len < 120 ? len : 120), text);
    for (size_t i = 0; i < nx && k < 300; i++) k += snprintf(c->first + k, sizeof c->first - (size_t)k, " %zu", x[i]);
    k += snprintf(c->first + k, sizeof c->first - (size_t)k, " vs ICU");
    for (size_t i = 0; i < ny && k < 380; i++) k += snprintf(c->first + k, sizeof c->first - (size_t)k, " %zu", y[i]);
  }
  free(x);
  free(y);
}

static void sentences_of_page(void *ctx, const char *path, const char *text, size_t len) {
  (void)path;
  sentcmp *c = ctx;
  compare_sentences(c, text, len);
  for (size_t s0 = 0; s0 < len;) {
    const char *nl = memchr(text + s0, '\n', len - s0);
    size_t e0 = nl ? (size_t)(nl - text) : len;
    if (e0 > s0) compare_sentences(c, text + s0, e0 - s0);
    s0 = e0 + 1;
  }
}

/* The fast sentence path against ICU's iterator: random mixes of what
 * the rules and the abbreviation filter look at, every abbreviation of
 * ICU's own list in context, and the sample pages. */
static void test_sentences_fast(void) {
  sentcmp c = {0};
  if (ra_analyzer_new(&c.ref, NULL) != RA_OK) {
    printf("Bail out! ra_analyzer_new\n");
    exit(1);
  }
  ra_analyzer_set_icu_only(c.ref, 1);
  static const char *const parts[] = {
      "a", "word", "Z", "The", "1", "42", ".", ".", "?", "!", " ", " ", "  ", "\n", "\r\n", "\r", "\t",
      "\"", "'", "(", ")", "[", "]", ",", "-", ":", ";", "Mr", "Mrs", "U.S", "e.g", "Ph.D",
      "Dept", "A", "etc", "No", "’", "“", "”", "—", "–", "\xc2\xa0", "é", "É", "中", "\xe2\x80\xa8",
      "\xc2\x85", "\xcc\x81", "\xe2\x80\x8b", "٣", "…", "•", "\xef\xbc\x8e", "\xef\xbd\xa1", "\xff"};
  char buf[256];
  for (int it = 0; it < 60000; it++) {
    size_t len = 0, k = 1 + rnd() % 16;
    for (size_t i = 0; i < k; i++) {
      const char *p = parts[rnd() % (sizeof parts / sizeof *parts)];
      size_t pl = strlen(p);
      if (len + pl >= sizeof buf) break;
      memcpy(buf + len, p, pl);
      len += pl;
    }
    compare_sentences(&c, buf, len);
  }
  /* The fast path is built for ICU 72's abbreviation list only. */
  const int want_fast = U_ICU_VERSION_MAJOR_NUM == 72;
  ok(c.bad == 0 && (!want_fast || c.fast > c.n / 4),
     "%d random strings: the same sentence starts as ICU's (%d without it)%s%s",
     c.n, c.fast, c.bad ? " - " : "", c.first);

  /* ICU's abbreviation list (the filter of "en@ss=standard"): each one
   * before a capital, a lower-case word, the end, twice in a row. */
  c.n = c.bad = c.fast = 0;
  c.first[0] = '\0';
  UErrorCode st = U_ZERO_ERROR;
  UResourceBundle *b = ures_open(U_ICUDATA_NAME "-brkitr", "en", &st);
  UResourceBundle *e = ures_getByKey(b, "exceptions", NULL, &st);
  UResourceBundle *l = ures_getByKey(e, "SentenceBreak", NULL, &st);
  int nabbr = 0;
  while (U_SUCCESS(st) && ures_hasNext(l)) {
    int32_t ul = 0;
    const UChar *u = ures_getNextString(l, &ul, NULL, &st);
    char ab[64];
    u_strToUTF8(ab, sizeof ab, NULL, u, ul, &st);
    if (U_FAILURE(st)) break;
    nabbr++;
    static const char *const ctx[] = {"See %s Smith now.", "%s Smith.", "It was %s and then. Next",
                                      "x%s Bob", "%s", "(%s) Then", "%s %s Yes.", "Ask %s\nNew",
                                      "Is %s  Two spaces.", "%s, ok. Fine"};
    for (size_t x = 0; x < sizeof ctx / sizeof *ctx; x++)
      compare_sentences(&c, buf, fill_ctx(buf, sizeof buf, ctx[x], ab));
  }
  ures_close(l);
  ures_close(e);
  ures_close(b);
  ok(nabbr > 100 && c.bad == 0, "%d of ICU's %d abbreviations in context: the same starts%s%s", c.n,
     nabbr, c.bad ? " - " : "", c.first);

  /* Real text: every sample page, and each of its paragraphs. */
  c.n = c.bad = c.fast = 0;
  c.first[0] = '\0';
  for_each_sample_page(sentences_of_page, &c);
  ok(c.n > 0 && c.bad == 0 && (!want_fast || c.fast > c.n / 2),
     "%d sample pages and paragraphs: the same starts (%d without ICU)%s%s", c.n, c.fast,
     c.bad ? " - " : "", c.first);
  /* Long passages made of what the rules look back and ahead over (a
   * terminator before 300,000 spaces took 20 s when each break candidate
   * rescanned them; each is a few milliseconds now). */
  c.n = c.bad = c.fast = 0;
  c.first[0] = '\0';
  static const char *const runs[][3] = {{"a.", " ", "b"}, {"", "A. ", ""}, {"x.", "1", " y"},
                                        {"Go.)", "\" ", "z"}, {"", "Mr. X ", ""}};
  size_t big = 300000;
  char *text = malloc(big + 16);
  for (size_t r = 0; text && r < sizeof runs / sizeof *runs; r++) {
    size_t len = strlen(runs[r][0]), ul = strlen(runs[r][1]);
    memcpy(text, runs[r][0], len);
    while (len + ul + 8 < big) {
      memcpy(text + len, runs[r][1], ul);
      len += ul;
    }
    memcpy(text + len, runs[r][2], strlen(runs[r][2]));
    len += strlen(runs[r][2]);
    compare_sentences(&c, text, len);
  }
  free(text);
  ok(c.n == 5 && c.bad == 0 && (!want_fast || c.fast == 5),
     "5 passages of 300 KB (runs of spaces, initials, digits, quotes): the same starts%s%s",
     c.bad ? " - " : "", c.first);
  ra_analyzer_free(c.ref);
}

/* ---- big and random inputs ------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static void test_random(void) {
  collect c = {0};
  char buf[1024];
  int bad = 0;
  char first[400] = "";

  /* Random bytes, biased towards ASCII, UTF-8 lead bytes and URL bits. */
  static const char *const bits[] = {"http://", "www.", "@", ".", "-", "'",
                                     "’", "—", "é", "\xcc\x81", "s", " "};
  for (int it = 0; it < 2000; it++) {
    size_t n = rnd() % 200, k = 0;
    while (k < n) {
      uint32_t r = rnd() % 10;
      if (r < 4) {
        buf[k++] = (char)('a' + rnd() % 26);
      } else if (r < 6) {
        buf[k++] = (char)(rnd() & 0xFF);
      } else if (r < 8) {
        const char *b = bits[rnd() % (sizeof bits / sizeof *bits)];
        size_t bl = strlen(b);
        if (k + bl > n) break;
        memcpy(buf + k, b, bl);
        k += bl;
      } else {
        buf[k++] = (char)(' ' + rnd() % 95);
      }
    }
    if (run(&c, buf, k, 0, NULL) != RA_OK || c.problem[0]) {
      if (!bad++)
        snprintf(first, sizeof first, "random bytes #%d: %s", it, c.problem);
    }
  }
  ok(bad == 0, "2000 random byte strings keep all invariants%s%s",
     bad ? " - " : "", first);

  /* Random Unicode: scalars from interesting blocks. */
  static const uint32_t blocks[][2] = {
      {0x20, 0x7F},     {0xA0, 0x250},    {0x300, 0x370},  {0x370, 0x530},
      {0x590, 0x700},   {0x900, 0x980},   {0xE00, 0xE80},  {0x2000, 0x2070},
      {0x3040, 0x3100}, {0x4E00, 0x4E80}, {0xAC00, 0xAC80}, {0xFB00, 0xFB50},
      {0xFF00, 0xFFF0}, {0x1D400, 0x1D500}, {0x1F300, 0x1F700}};
  bad = 0;
  for (int it = 0; it < 2000; it++) {
    size_t n = rnd() % 60, k = 0;
    for (size_t i = 0; i < n && k + 4 < sizeof buf; i++) {
      const uint32_t *b = blocks[rnd() % (sizeof blocks / sizeof *blocks)];
      uint32_t cp = b[0] + rnd() % (b[1] - b[0]);
      if (cp >= 0xD800 && cp < 0xE000) cp = 'x';
      k += put_utf8(buf + k, cp);
    }
    const char *why = NULL;
    if (run(&c, buf, k, 0, NULL) != RA_OK || c.problem[0] ||
        (why = check_fold_consistency(&c)) != NULL) {
      if (!bad++)
        snprintf(first, sizeof first, "random unicode #%d: %s", it,
                 why ? why : c.problem);
    }
  }
  ok(bad == 0, "2000 random Unicode strings keep all invariants%s%s",
     bad ? " - " : "", first);
  collect_reset(&c);
}

static void test_big(void) {
  collect c = {0};
  /* ~6 MB of prose with an invalid byte now and then and no newline for
   * long stretches: exercises chunking and linear time. */
  static const char unit[] =
      "Residency networks offer camaraderie—and café-style mentoring; "
      "see https://example.org/a?b=1 or mail x.y@example.com. \xff ";
  size_t ul = sizeof unit - 1, reps = 6u * 1024 * 1024 / ul;
  char *big = malloc(ul * reps + 1);
  if (!big) {
    printf("Bail out! out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < reps; i++) memcpy(big + i * ul, unit, ul);
  uint32_t next = 0;
  ra_status st = run(&c, big, ul * reps, 0, &next);
  size_t per = 0;
  {
    collect one = {0};
    run(&one, unit, ul, 0, NULL);
    per = one.n;
    collect_reset(&one);
  }
  size_t colocated = 0;
  for (size_t i = 0; i < c.n; i++)
    if (c.v[i].flags & RA_TOK_COLOCATED) colocated++;
  ok(st == RA_OK && !c.problem[0] && c.n == per * reps &&
         next == c.n - colocated,
     "6 MB input: %zu tokens, %zu per repeat, invariants hold", c.n, per);
  if (c.problem[0]) printf("#   %s\n", c.problem);

  /* One enormous "word": one token, capped at 245 bytes. */
  memset(big, 'a', 3u * 1024 * 1024);
  st = run(&c, big, 500u * 1024, 0, NULL);
  ok(st == RA_OK && c.n == 1 && strlen(c.v[0].word) == 245 &&
         c.v[0].end == 500u * 1024 && strcmp(c.v[0].word, c.v[0].stem) == 0,
     "500 KB single word: one token capped at 245 bytes, not stemmed");
  /* Beyond the 1 MiB chunk size a white-space-free run is cut per chunk. */
  st = run(&c, big, 3u * 1024 * 1024, 0, NULL);
  ok(st == RA_OK && c.n == 3 && !c.problem[0],
     "3 MB single word: one capped token per 1 MiB chunk (n=%zu)", c.n);

  /* A long word of 2-byte letters is cut on a character boundary. */
  size_t k = 0;
  for (int i = 0; i < 300; i++) k += put_utf8(big + k, 0x3B1); /* alpha */
  st = run(&c, big, k, 0, NULL);
  ok(st == RA_OK && c.n == 1 && strlen(c.v[0].word) == 244 && !c.problem[0],
     "long Greek word truncated on a UTF-8 boundary");
  free(big);
  collect_reset(&c);
}

/* ---- the ASCII fast path segments exactly as ICU does ------------------- */

typedef struct tokstr {
  char *p;
  size_t n, cap;
} tokstr;

static int tokstr_cb(void *ctx, const ra_token *t) {
  tokstr *s = ctx;
  size_t need = s->n + t->word_len + t->stem_len + 80;
  if (need > s->cap) {
    s->cap = 2 * need;
    s->p = realloc(s->p, s->cap);
    if (!s->p) {
      printf("Bail out! out of memory\n");
      exit(1);
    }
  }
  s->n += (size_t)snprintf(s->p + s->n, s->cap - s->n, "%zu-%zu:%u:%u:%.*s/%.*s|",
                           t->start, t->end, (unsigned)t->pos, t->flags,
                           (int)t->word_len, t->word, (int)t->stem_len, t->stem);
  return 0;
}

/* Tokens of text by analyzer an, as one string (in *s). */
static void tokens_of(ra_analyzer *an, const char *text, size_t len, tokstr *s) {
  ra_error err;
  ra_error_clear(&err);
  s->n = 0;
  if (s->p) s->p[0] = '\0';
  ra_analyze(an, text, len, 0, tokstr_cb, s, NULL, &err);
}

/* Does the fast path give ICU's tokens for text?  The first difference
 * is described in first (when it is still empty). */
typedef struct fastcmp {
  ra_analyzer *icu;
  tokstr x, y;
  int n, bad;
  char first[600];
} fastcmp;

static void compare_paths(fastcmp *c, const char *what, const char *text, size_t len) {
  tokens_of(A, text, len, &c->x);
  tokens_of(c->icu, text, len, &c->y);
  c->n++;
  if (c->x.n == c->y.n && (!c->x.n || strcmp(c->x.p, c->y.p) == 0)) return;
  if (!c->bad++)
    snprintf(c->first, sizeof c->first, "\"%.*s\": fast %.200s vs ICU %.200s",
             what ? (int)strlen(what) : (int)(len < 80 ? len : 80), what ? what : text,
             c->x.n ? c->x.p : "", c->y.n ? c->y.p : "");
}

static void tokens_of_page(void *ctx, const char *path, const char *text, size_t len) {
  compare_paths(ctx, path, text, len);
}

static void test_ascii_fast_path(void) {
  fastcmp c = {0};
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&c.icu, &err) != RA_OK) {
    printf("Bail out! ra_analyzer_new: %s\n", ra_error_message(&err));
    exit(1);
  }
  ra_analyzer_set_icu_only(c.icu, 1);
  char buf[256];
  /* Every character class that matters, densely mixed. */
  static const char alpha[] = "aZe9_@.',;: -\n\t\"#/%&x0Q()!?*+=<>[]{}|~`^$\\";
  for (int it = 0; it < 60000; it++) {
    size_t len = rnd() % 24;
    for (size_t i = 0; i < len; i++) buf[i] = alpha[rnd() % (sizeof alpha - 1)];
    compare_paths(&c, NULL, buf, len);
  }
  ok(c.bad == 0, "%d random ASCII strings: the fast path's tokens are ICU's%s%s", c.n,
     c.bad ? " - " : "", c.first);

  /* ASCII with the non-ASCII characters that interact with it: letters,
   * marks, variation selectors, keycaps, joiners, quotes, spaces, emoji. */
  static const char *const uni[] = {"é", "\xcc\x81", "\xef\xb8\x8f", "\xe2\x83\xa3",
                                    "\xe2\x80\x8d", "’", "—", "\xc2\xa0", "😀", "中",
                                    "α", "\xc2\xad", "\xe2\x80\x8b", "ｒ", "٣",
                                    /* the fast path's own non-ASCII units */
                                    "‘", "“", "”", "–", "•", "…", "◦", "«", "»", "ç",
                                    "Ł", "ß", "ÿ", "×", "÷", "·", "ſ", "ƀ"};
  c.n = c.bad = 0;
  c.first[0] = '\0';
  for (int it = 0; it < 40000; it++) {
    size_t len = 0, parts = rnd() % 14;
    for (size_t i = 0; i < parts; i++) {
      if (rnd() % 3 == 0) {
        const char *u = uni[rnd() % (sizeof uni / sizeof *uni)];
        memcpy(buf + len, u, strlen(u));
        len += strlen(u);
      } else {
        buf[len++] = alpha[rnd() % (sizeof alpha - 1)];
      }
    }
    compare_paths(&c, NULL, buf, len);
  }
  ok(c.bad == 0, "%d strings of ASCII and non-ASCII: split at the same places as ICU%s%s",
     c.n, c.bad ? " - " : "", c.first);

  /* Every non-ASCII unit the fast path segments itself (U+00C0..U+017F and
   * the punctuation of fast_class()), and its neighbours, in the contexts
   * its class decides: between letters, between digits, alone, before a
   * combining mark or a joiner, after a joiner. */
  static const char *const ctx[] = {"a%sb", "1%s2", "%s", "ab%s cd", "x.%s.y", "%s'a",
                                    "a%s\xcc\x81", "a%s\xe2\x80\x8d", "\xe2\x80\x8d%s",
                                    "%s%s", "9%sx", "_%s_", "a’%s", "%s’s"};
  static const unsigned extra[] = {0xA0, 0xAB, 0xBB, 0x2013, 0x2014, 0x2018, 0x2019,
                                   0x201C, 0x201D, 0x2022, 0x2026, 0x25E6, 0xBF, 0x180};
  c.n = c.bad = 0;
  c.first[0] = '\0';
  for (unsigned k = 0; k < (0x17F - 0xC0 + 1) + sizeof extra / sizeof *extra; k++) {
    unsigned cp = k <= 0x17F - 0xC0 ? 0xC0 + k : extra[k - (0x17F - 0xC0 + 1)];
    char ch[4];
    if (cp < 0x800) {
      ch[0] = (char)(0xC0 | (cp >> 6));
      ch[1] = (char)(0x80 | (cp & 0x3F));
      ch[2] = '\0';
    } else {
      ch[0] = (char)(0xE0 | (cp >> 12));
      ch[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
      ch[2] = (char)(0x80 | (cp & 0x3F));
      ch[3] = '\0';
    }
    for (size_t x = 0; x < sizeof ctx / sizeof *ctx; x++) {
      /* Each "%s" of the context is the unit. */
      size_t len = fill_ctx(buf, sizeof buf, ctx[x], ch);
      compare_paths(&c, NULL, buf, len);
    }
  }
  ok(c.bad == 0, "%d Latin letters and punctuation in context: split as ICU splits them%s%s",
     c.n, c.bad ? " - " : "", c.first);

  /* Real text: every sample page, whole. */
  c.n = c.bad = 0;
  c.first[0] = '\0';
  for_each_sample_page(tokens_of_page, &c);
  ok(c.n == 0 || c.bad == 0, "%d sample pages: the same tokens with and without the fast path%s%s",
     c.n, c.bad ? " - " : "", c.first);
  free(c.x.p);
  free(c.y.p);
  ra_analyzer_free(c.icu);
}

/* Stem keys: only words starting with a key (or not plain lower-case
 * ASCII) are stemmed, the rest report themselves; no keys: all again. */
static void test_stem_keys(void) {
  static const char text[] = "Mentoring mentors happily; the dying résumé x2 networks";
  collect c = {0};
  run(&c, text, strlen(text), 0, NULL);
  char *all = render_stems(&c);
  static const char *const keys[] = {"mento", "happi", "dy"};
  static const size_t lens[] = {5, 5, 2};
  ra_analyzer_set_stem_keys(A, keys, lens, 3);
  run(&c, text, strlen(text), 0, NULL);
  char *some = render_stems(&c);
  ra_analyzer_set_stem_keys(A, NULL, NULL, 0);
  run(&c, text, strlen(text), 0, NULL);
  char *again = render_stems(&c);
  ok(strcmp(all, "mentor mentor happili the die resum x2 network") == 0 &&
         strcmp(some, "mentor mentor happili the die resume x2 networks") == 0 &&
         strcmp(again, all) == 0,
     "stem keys: only keyed (or non-plain) words are stemmed (%s | %s | %s)", all, some,
     again);
  free(all);
  free(some);
  free(again);
  collect_reset(&c);
}

int main(void) {
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&A, &err) != RA_OK) {
    printf("Bail out! ra_analyzer_new: %s\n", ra_error_message(&err));
    return 1;
  }
  size_t ntable = sizeof cases / sizeof *cases;
  printf("1..%zu\n", ntable + 14 + 1 + 1 + 4 + 4 + 2 + 8 + 2 + 4 + 4);
  run_table();            /* ntable */
  test_fold_and_stem();   /* 14 */
  test_stem_cache();      /* 1 */
  test_stem_keys();       /* 1 */
  test_sentences();       /* 4 */
  test_sentences_fast();  /* 4 */
  test_random();          /* 2 */
  test_positions_and_stop(); /* 8 */
  test_reentry();         /* 2 */
  test_big();             /* 4 */
  test_ascii_fast_path(); /* 4 */
  ra_analyzer_free(A);
  ra_analyzer_free(NULL);
  return 0;
}
