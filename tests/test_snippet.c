/* test_snippet.c - TAP tests for lib/snippet.c: fragment selection and
 * highlight ranges over a parsed article.
 *
 * Articles are built by hand (every string malloc'd, freed with
 * ra_article_free) so each case controls exactly which blocks exist; one
 * case goes through ra_article_parse, and a robustness loop runs queries
 * over the sample corpus ($RA_SRCDIR/corpus, falling back to ../corpus).
 *
 * Every snippet built here is checked against the invariants of snippet.h:
 * fragment text is the exact source bytes of one block (NUL-terminated),
 * at most max_frag_bytes long, cut on token boundaries and never inside a
 * UTF-8 sequence, cut_before/cut_after tell the truth, highlights are
 * ascending, non-overlapping, inside the fragment and each covers either
 * one token whose folded form or stem is a (positive) query word, or the
 * whole tokens of one match of a (positive) phrase clause. */
#define _GNU_SOURCE
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "article.h"
#include "qparse.h"
#include "snippet.h"

/* ---- TAP ---------------------------------------------------------------- */

#include "tap.h"

static ra_analyzer *AN;

/* ---- building articles by hand ----------------------------------------- */

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) {
    printf("Bail out! out of memory\n");
    exit(1);
  }
  return q;
}

static char *xstrdup(const char *s) {
  char *d;
  if (!s) return NULL;
  d = strdup(s);
  if (!d) {
    printf("Bail out! out of memory\n");
    exit(1);
  }
  return d;
}

static ra_article *art_new(const char *title) {
  ra_article *a = xrealloc(NULL, sizeof *a);
  memset(a, 0, sizeof *a);
  a->id = xstrdup("test");
  a->title = xstrdup(title);
  return a;
}

/* Start a section (heading NULL = lead text). */
static void art_section(ra_article *a, const char *heading) {
  a->sections = xrealloc(a->sections, (a->n_sections + 1) * sizeof *a->sections);
  ra_section *s = &a->sections[a->n_sections++];
  memset(s, 0, sizeof *s);
  s->heading = xstrdup(heading);
}

static void push_block(ra_block **v, size_t *n, const char *text,
                       ra_block_kind kind) {
  *v = xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[*n].kind = kind;
  (*v)[*n].level = kind == RA_BLOCK_ITEM ? 1 : 0;
  (*v)[*n].text = xstrdup(text);
  (*n)++;
}

/* Paragraph in the last section (a lead section is made if none). */
static void art_para(ra_article *a, const char *text) {
  if (!a->n_sections) art_section(a, NULL);
  ra_section *s = &a->sections[a->n_sections - 1];
  push_block(&s->blocks, &s->n_blocks, text, RA_BLOCK_PARA);
}

static void art_item(ra_article *a, const char *text) {
  if (!a->n_sections) art_section(a, NULL);
  ra_section *s = &a->sections[a->n_sections - 1];
  push_block(&s->blocks, &s->n_blocks, text, RA_BLOCK_ITEM);
}

static void art_faq(ra_article *a, const char *question, const char *answer) {
  a->faqs = xrealloc(a->faqs, (a->n_faqs + 1) * sizeof *a->faqs);
  ra_faq *f = &a->faqs[a->n_faqs++];
  memset(f, 0, sizeof *f);
  f->question = xstrdup(question);
  push_block(&f->answer, &f->n_answer, answer, RA_BLOCK_PARA);
}

static void art_ill(ra_article *a, const char *text) {
  a->illustrations = xrealloc(a->illustrations,
                              (a->n_illustrations + 1) * sizeof(char *));
  a->illustrations[a->n_illustrations++] = xstrdup(text);
}

/* ---- token spans and query-word checks --------------------------------- */

typedef struct span {
  size_t start, end;
} span;

typedef struct spans {
  span *v;
  size_t n, cap;
} spans;

static int spans_cb(void *ctx, const ra_token *t) {
  spans *s = ctx;
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 64;
    s->v = xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n].start = t->start;
  s->v[s->n].end = t->end;
  s->n++;
  return 0;
}

/* Is byte offset off of text strictly inside a token? */
static int inside_token(const spans *s, size_t off) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i].start < off && off < s->v[i].end) return 1;
  return 0;
}

/* [start, end) begins at a token start and ends at a token end. */
static int is_token(const spans *s, size_t start, size_t end) {
  int a = 0, b = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (s->v[i].start == start) a = 1;
    if (s->v[i].end == end) b = 1;
  }
  return a && b && start < end;
}

static int is_cont(const char *s, size_t off) {
  return ((unsigned char)s[off] & 0xC0) == 0x80;
}

/* Does the source text [p, p+n) fold or stem to a positive query word
 * (a prefix for word*), or, over several tokens, match a positive phrase
 * clause word for word (a phrase is highlighted as one range)? */
typedef struct wordv {
  char w[16][128], s[16][128];
  size_t n;
} wordv;

static int wordv_cb(void *ctx, const ra_token *t) {
  wordv *v = ctx;
  if (t->flags & RA_TOK_COLOCATED) return 0;
  if (v->n >= 16) return 1;
  snprintf(v->w[v->n], sizeof v->w[0], "%.*s", (int)t->word_len, t->word);
  snprintf(v->s[v->n], sizeof v->s[0], "%.*s", (int)t->stem_len, t->stem);
  v->n++;
  return 0;
}

static int word_ok(const ra_qword *qw, int prefix, const char *w,
                   const char *s) {
  if (prefix) return strncmp(w, qw->word, strlen(qw->word)) == 0;
  return strcmp(qw->word, w) == 0 || strcmp(qw->stem, s) == 0;
}

static int matches_query(const ra_query *q, const char *p, size_t n) {
  static wordv v;
  ra_error err;
  ra_error_clear(&err);
  v.n = 0;
  ra_analyze(AN, p, n, 0, wordv_cb, &v, NULL, &err);
  if (v.n == 0) return 0;
  for (size_t c = 0; c < q->n_clauses; c++) {
    const ra_qclause *cl = &q->clauses[c];
    if (cl->kind != RA_QC_TEXT || cl->negated) continue;
    if (v.n == 1 && !cl->phrase) {
      for (size_t w = 0; w < cl->n_words; w++)
        if (word_ok(&cl->words[w], cl->wildcard, v.w[0], v.s[0])) return 1;
    } else if (v.n > 1 && cl->phrase && cl->n_words == v.n) {
      size_t w = 0;
      while (w < v.n && word_ok(&cl->words[w], 0, v.w[w], v.s[w])) w++;
      if (w == v.n) return 1;
    }
  }
  return 0;
}

/* Find where fragment f comes from: a block or illustration of a containing
 * its bytes (at offset 0 when !cut_before).  Returns the source text. */
static const char *find_source(const ra_article *a, const ra_fragment *f,
                               size_t *off) {
  const char *cands[4096];
  size_t n = 0;
  for (size_t i = 0; i < a->n_sections; i++)
    for (size_t b = 0; b < a->sections[i].n_blocks && n < 4096; b++)
      cands[n++] = a->sections[i].blocks[b].text;
  for (size_t i = 0; i < a->n_faqs; i++)
    for (size_t b = 0; b < a->faqs[i].n_answer && n < 4096; b++)
      cands[n++] = a->faqs[i].answer[b].text;
  for (size_t i = 0; i < a->n_illustrations && n < 4096; i++)
    cands[n++] = a->illustrations[i];
  for (size_t i = 0; i < n; i++) {
    const char *t = cands[i];
    size_t tl = strlen(t);
    if (f->len > tl) continue;
    for (size_t o = 0; o + f->len <= tl; o++) {
      if (memcmp(t + o, f->text, f->len) != 0) continue;
      if ((o > 0) != (f->cut_before != 0)) continue;
      if ((o + f->len < tl) != (f->cut_after != 0)) continue;
      *off = o;
      return t;
    }
  }
  return NULL;
}

/* Check every invariant of a snippet; returns 1 or fills why. */
static int check_snippet(const ra_article *a, const ra_query *q,
                         const ra_snippet *sn, size_t max_frags,
                         size_t max_bytes, char *why, size_t why_size) {
  why[0] = '\0';
  if (!sn) {
    snprintf(why, why_size, "no snippet");
    return 0;
  }
  if (sn->n_frags > max_frags) {
    snprintf(why, why_size, "%zu fragments > %zu", sn->n_frags, max_frags);
    return 0;
  }
  for (size_t k = 0; k < sn->n_frags; k++) {
    const ra_fragment *f = &sn->frags[k];
    size_t off = 0;
    if (!f->text || strlen(f->text) != f->len) {
      snprintf(why, why_size, "frag %zu: text/len mismatch", k);
      return 0;
    }
    const char *src = find_source(a, f, &off);
    if (!src) {
      snprintf(why, why_size,
               "frag %zu: not the exact bytes of any block (or cut flags "
               "wrong): \"%s\"",
               k, f->text);
      return 0;
    }
    size_t sl = strlen(src);
    spans sp = {0};
    ra_error err;
    ra_error_clear(&err);
    ra_analyze(AN, src, sl, 0, spans_cb, &sp, NULL, &err);
    int bad = 0;
    if (inside_token(&sp, off) || inside_token(&sp, off + f->len)) {
      snprintf(why, why_size, "frag %zu: cut inside a word: \"%s\"", k,
               f->text);
      bad = 1;
    } else if ((off < sl && is_cont(src, off)) ||
               (off + f->len < sl && is_cont(src, off + f->len))) {
      snprintf(why, why_size, "frag %zu: cut inside a UTF-8 sequence", k);
      bad = 1;
    }
    for (size_t h = 0; !bad && h < f->n_hls; h++) {
      const ra_hl *hl = &f->hls[h];
      if (hl->start >= hl->end || hl->end > f->len ||
          (h && hl->start < f->hls[h - 1].end)) {
        snprintf(why, why_size, "frag %zu: hl %zu [%zu,%zu) out of order", k,
                 h, hl->start, hl->end);
        bad = 1;
      } else if (!is_token(&sp, off + hl->start, off + hl->end)) {
        snprintf(why, why_size, "frag %zu: hl %zu [%zu,%zu) not a token", k,
                 h, hl->start, hl->end);
        bad = 1;
      } else if (!matches_query(q, f->text + hl->start,
                                hl->end - hl->start)) {
        snprintf(why, why_size, "frag %zu: hl \"%.*s\" is no query word", k,
                 (int)(hl->end - hl->start), f->text + hl->start);
        bad = 1;
      }
    }
    free(sp.v);
    if (bad) return 0;
  }
  /* Size last, so a size overrun never hides another violation. */
  for (size_t k = 0; k < sn->n_frags; k++)
    if (sn->frags[k].len > max_bytes) {
      snprintf(why, why_size, "frag %zu: %zu bytes > max %zu: \"%s\"", k,
               sn->frags[k].len, max_bytes, sn->frags[k].text);
      return 0;
    }
  return 1;
}

/* ---- building snippets -------------------------------------------------- */

static ra_query *parse(const char *qs) {
  ra_query *q = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (ra_qparse(AN, qs, strlen(qs), &q, &err) != RA_OK) {
    diag("ra_qparse(%s): %s", qs, ra_error_message(&err));
    return NULL;
  }
  return q;
}

/* Last check_snippet verdict of build(). */
static char last_why[1024];
static int last_valid;

static ra_snippet *build(const ra_article *a, const char *qs, size_t max_frags,
                         size_t max_bytes) {
  ra_query *q = parse(qs);
  ra_snippet *sn = NULL;
  ra_error err;
  ra_snippet_opts o = {.max_frags = max_frags, .max_frag_bytes = max_bytes};
  last_valid = 0;
  snprintf(last_why, sizeof last_why, "query did not parse");
  if (!q) return NULL;
  ra_error_clear(&err);
  if (ra_snippet_build(AN, a, q, &o, &sn, &err) != RA_OK) {
    snprintf(last_why, sizeof last_why, "ra_snippet_build: %s",
             ra_error_message(&err));
    ra_query_free(q);
    return NULL;
  }
  last_valid = check_snippet(a, q, sn, max_frags ? max_frags : 3,
                             max_bytes ? max_bytes : 220, last_why,
                             sizeof last_why);
  if (!last_valid) diag("invariant: %s", last_why);
  ra_query_free(q);
  return sn;
}

/* The highlighted bytes of a fragment joined by '|'. */
static const char *hl_str(const char *text, const ra_hl *hls, size_t n) {
  static char buf[1024];
  size_t k = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t l = hls[i].end - hls[i].start;
    if (k + l + 2 >= sizeof buf) break;
    if (i) buf[k++] = '|';
    memcpy(buf + k, text + hls[i].start, l);
    k += l;
    buf[k] = '\0';
  }
  return buf;
}

static const char *frag_hls(const ra_snippet *sn, size_t k) {
  if (!sn || k >= sn->n_frags) return "(no fragment)";
  return hl_str(sn->frags[k].text, sn->frags[k].hls, sn->frags[k].n_hls);
}

static size_t total_hls(const ra_snippet *sn) {
  size_t n = 0;
  for (size_t k = 0; sn && k < sn->n_frags; k++) n += sn->frags[k].n_hls;
  return n;
}

static int frag_is(const ra_snippet *sn, size_t k, const char *text) {
  return sn && k < sn->n_frags && strcmp(sn->frags[k].text, text) == 0;
}

/* Does text[start..end) equal want (exact bytes)? */
static int hl_eq(const char *text, const ra_hl *hl, const char *want) {
  size_t n = strlen(want);
  return hl->end - hl->start == n && memcmp(text + hl->start, want, n) == 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_stems_and_case(void) {
  const char *lead =
      "Mentors help new residents. Finding mentors early and joining "
      "mentoring programs pays off.";
  ra_article *a = art_new("Mentorship");
  art_para(a, lead);

  ra_snippet *sn = build(a, "mentor", 0, 0);
  ok(sn && sn->n_frags == 1 && frag_is(sn, 0, lead) &&
         strcmp(frag_hls(sn, 0), "Mentors|mentors|mentoring") == 0 &&
         last_valid,
     "\"mentor\" highlights Mentors, mentors, mentoring (%s)",
     frag_hls(sn, 0));
  ok(sn && sn->n_frags == 1 && sn->frags[0].n_hls == 3 &&
         sn->frags[0].hls[0].start == 0 && sn->frags[0].hls[0].end == 7 &&
         sn->frags[0].hls[1].start == (size_t)(strstr(lead, "mentors") - lead) &&
         sn->frags[0].hls[2].end ==
             (size_t)(strstr(lead, "mentoring") - lead) + 9,
     "highlight byte ranges are exact");
  ok(sn && sn->n_frags == 1 && !sn->frags[0].cut_before &&
         !sn->frags[0].cut_after && sn->frags[0].section == NULL,
     "short lead: whole block, no cuts, section NULL");
  ra_snippet_free(sn);

  sn = build(a, "MENTORING", 0, 0);
  ok(sn && strcmp(frag_hls(sn, 0), "Mentors|mentors|mentoring") == 0 &&
         last_valid,
     "upper-case \"MENTORING\" highlights all three forms (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(a, "residents programs", 0, 0);
  ok(sn && strcmp(frag_hls(sn, 0), "residents|programs") == 0 && last_valid,
     "two words: both highlighted, nothing else (%s)", frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(a, "mentor -residents", 0, 0);
  ok(sn && strcmp(frag_hls(sn, 0), "Mentors|mentors|mentoring") == 0 &&
         last_valid,
     "negated word -residents is not highlighted (%s)", frag_hls(sn, 0));
  ra_snippet_free(sn);

  /* A phrase is highlighted as one range, and only where the phrase
   * occurs, not at every occurrence of each of its words. */
  sn = build(a, "\"joining mentoring\"", 0, 0);
  ok(sn && strcmp(frag_hls(sn, 0), "joining mentoring") == 0 && last_valid,
     "a phrase match is one highlight (%s)", frag_hls(sn, 0));
  ra_snippet_free(sn);
  ra_article_free(a);
}

static void test_accents(void) {
  const char *t1 = "After rounds the team meets at the caf\xc3\xa9 downstairs.";
  /* "cafe" + U+0301 COMBINING ACUTE ACCENT (decomposed) */
  const char *t2 = "The CAFE\xcc\x81 and the Cafe both open early.";
  const char *t3 = "A na\xc3\xafve r\xc3\xa9sum\xc3\xa9 rarely impresses "
                   "\xc3\x89milie.";
  ra_article *a = art_new("Coffee");
  art_section(a, "One");
  art_para(a, t1);
  art_section(a, "Two");
  art_para(a, t2);
  art_section(a, "Three");
  art_para(a, t3);

  ra_snippet *sn = build(a, "cafe", 1, 0);
  int good = sn && sn->n_frags == 1 && last_valid;
  const ra_fragment *f = good ? &sn->frags[0] : NULL;
  /* Both blocks have "cafe" matches; the second has two. */
  ok(good && strcmp(f->section, "Two") == 0 &&
         strcmp(frag_hls(sn, 0), "CAFE\xcc\x81|Cafe") == 0,
     "denser passage first; decomposed CAFE+U+0301 highlighted whole (%s)",
     frag_hls(sn, 0));
  ok(good && f->n_hls == 2 && f->hls[0].end - f->hls[0].start == 6,
     "decomposed accent: 6-byte range including the combining mark");
  ra_snippet_free(sn);

  /* Greedy cover stops once nothing new is added, so the first block is
   * not shown above; check "caf\xc3\xa9" in a single-block article. */
  ra_article *b = art_new("Coffee");
  art_para(b, t1);
  sn = build(b, "cafe", 0, 0);
  ok(sn && sn->n_frags == 1 && sn->frags[0].n_hls == 1 &&
         hl_eq(sn->frags[0].text, &sn->frags[0].hls[0], "caf\xc3\xa9") &&
         sn->frags[0].hls[0].end - sn->frags[0].hls[0].start == 5 &&
         last_valid,
     "\"cafe\" highlights \"caf\xc3\xa9\" with its full 5-byte range (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(b, "CAF\xc3\x89", 0, 0);
  ok(sn && strcmp(frag_hls(sn, 0), "caf\xc3\xa9") == 0 && last_valid,
     "accented upper-case query \"CAF\xc3\x89\" highlights \"caf\xc3\xa9\"");
  ra_snippet_free(sn);
  ra_article_free(b);

  sn = build(a, "naive resume emilie", 0, 0);
  ok(sn && sn->n_frags >= 1 && strcmp(sn->frags[0].section, "Three") == 0 &&
         strcmp(frag_hls(sn, 0),
                "na\xc3\xafve|r\xc3\xa9sum\xc3\xa9|\xc3\x89milie") == 0 &&
         last_valid,
     "unaccented query highlights na\xc3\xafve, r\xc3\xa9sum\xc3\xa9, "
     "\xc3\x89milie exactly (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);
  ra_article_free(a);
}

/* Paragraph of ~1.3 KB with multi-byte words; "stethoscope" and "zebra"
 * appear once each, at different places. */
static char *long_para(void) {
  static const char *const parts[] = {
      "Residents in the na\xc3\xafve first year often rely on peers, mentors "
      "and late caf\xc3\xa9 conversations. ",
      "R\xc3\xa9sum\xc3\xa9 advice helps, but nothing beats practice on the "
      "wards, day after day. ",
      "Each morning the attending asks questions \xe2\x80\x94 some easy, "
      "some hard \xe2\x80\x94 and expects answers. ",
      "Bring a stethoscope, a notebook and patience; the rest follows. ",
      "Long shifts test everyone (even the calmest senior resident). ",
      "Sleep, food and friendship matter more than any single exam score. ",
      "\xe2\x80\x9c" "Ask early,\xe2\x80\x9d says one chief, \xe2\x80\x9c" "and "
      "ask often.\xe2\x80\x9d ",
      "Programs differ: some offer housing, others offer research time. ",
      "A zebra diagnosis is rare, yet every team remembers one. ",
      "Handoffs, checklists and clear notes keep patients safe overnight. ",
      "Teaching medical students is part of the job, and a rewarding one. ",
      "By spring most interns feel at home in the hospital.",
  };
  size_t n = 0;
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
    n += strlen(parts[i]);
  char *s = xrealloc(NULL, n + 1);
  s[0] = '\0';
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
    strcat(s, parts[i]);
  return s;
}

static void test_fragment_bounds(void) {
  char *p = long_para();
  ra_article *a = art_new("Residency");
  art_section(a, "Life");
  art_para(a, p);
  static const size_t maxes[] = {30, 40, 57, 64, 80, 101, 120, 160, 220};
  static const char *const queries[] = {
      "stethoscope", "zebra", "residents", "cafe", "resume",
      "interns hospital", "answers", "chief", "patience notebook"};
  int all_valid = 1, all_hit = 1, all_cut = 1;
  char first_bad[1024] = "";
  for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++)
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
      ra_snippet *sn = build(a, queries[qi], 1, maxes[m]);
      if (!last_valid) {
        if (all_valid)
          snprintf(first_bad, sizeof first_bad, "max %zu, \"%s\": %.900s",
                   maxes[m], queries[qi], last_why);
        all_valid = 0;
      }
      if (!sn || sn->n_frags != 1 || sn->frags[0].n_hls == 0) all_hit = 0;
      if (sn && sn->n_frags == 1 && !sn->frags[0].cut_before &&
          !sn->frags[0].cut_after)
        all_cut = 0; /* the paragraph is far longer than any max */
      ra_snippet_free(sn);
    }
  ok(all_valid,
          "fragments of a 1.3 KB paragraph respect max_frag_bytes "
          "30..220, whole tokens, exact bytes%s%s",
          first_bad[0] ? ": " : "", first_bad);
  ok(all_hit, "every query word is found and highlighted in its fragment");
  ok(all_cut, "fragments of a long paragraph are marked as cut");

  /* Token-boundary and UTF-8 invariants alone (without the size check),
   * so a size overrun does not hide a mid-word cut. */
  int boundaries = 1;
  for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++)
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
      ra_snippet *sn = build(a, queries[qi], 1, maxes[m]);
      if (!last_valid && !strstr(last_why, "> max")) boundaries = 0;
      ra_snippet_free(sn);
    }
  ok(boundaries,
     "fragments never start or end inside a word or UTF-8 sequence");

  /* Default max is 220 bytes. */
  ra_snippet *sn = build(a, "stethoscope", 0, 0);
  ok(sn && sn->n_frags == 1 && sn->frags[0].len <= 220 &&
         sn->frags[0].len >= 150 &&
         strcmp(frag_hls(sn, 0), "stethoscope") == 0,
     "default max_frag_bytes 220: %zu-byte fragment around the match",
     sn && sn->n_frags ? sn->frags[0].len : 0);
  ra_snippet_free(sn);

  /* The match at the very end of a block: fragment ends at the block end
   * (keeping the final period) and is not marked cut_after. */
  sn = build(a, "spring", 1, 80);
  size_t pl = strlen(p);
  ok(sn && sn->n_frags == 1 && !sn->frags[0].cut_after &&
         sn->frags[0].cut_before && sn->frags[0].len > 0 &&
         sn->frags[0].text[sn->frags[0].len - 1] == '.' &&
         memcmp(p + pl - sn->frags[0].len, sn->frags[0].text,
                sn->frags[0].len) == 0,
     "match near the block end: fragment runs to the end, cut_after 0");
  ra_snippet_free(sn);

  /* The match at the very start: fragment starts at byte 0. */
  sn = build(a, "residents", 1, 80);
  ok(sn && sn->n_frags == 1 && !sn->frags[0].cut_before &&
         sn->frags[0].cut_after &&
         strncmp(sn->frags[0].text, "Residents in", 12) == 0,
     "match at the block start: fragment starts at byte 0, cut_before 0");
  ra_snippet_free(sn);

  ra_article_free(a);
  free(p);

  /* Minimal reproductions of the size overrun.  make_fragment keeps
   * token windows within max_frag_bytes, then widens them without a check:
   * to byte 0 when the first token is in (line 136), to the block end when
   * the last token is (line 138), over punctuation glued to the last token
   * (line 143). */
  static const struct {
    const char *text;
    size_t max;
    const char *what;
  } over[] = {
      {"alpha mentor, beta gamma delta", 12, "glued \",\" (line 143)"},
      {"alpha beta mentor.", 17, "block end \".\" (line 138)"},
      {"\xe2\x80\x9c" "alpha mentor beta gamma", 12,
       "leading \xe2\x80\x9c (line 136)"},
  };
  for (size_t i = 0; i < sizeof over / sizeof *over; i++) {
    a = art_new("t");
    art_para(a, over[i].text);
    sn = build(a, "mentor", 1, over[i].max);
    ok(sn && sn->n_frags == 1 && sn->frags[0].len <= over[i].max &&
           sn->frags[0].n_hls == 1,
            "max_frag_bytes %zu, %s: fragment \"%s\" is %zu bytes",
            over[i].max, over[i].what,
            sn && sn->n_frags ? sn->frags[0].text : "",
            sn && sn->n_frags ? sn->frags[0].len : 0);
    ra_snippet_free(sn);
    ra_article_free(a);
  }
}

static void test_best_passage(void) {
  ra_article *a = art_new("Mentors");
  art_section(a, "Early years");
  art_para(a, "Mentor, mentor, mentor: a good mentor matters most.");
  art_section(a, "Later");
  art_para(a, "A mentor also guides your residency choices.");
  art_section(a, "Other");
  art_para(a, "Nothing to see here.");

  ra_snippet *sn = build(a, "mentor residency", 1, 0);
  ok(sn && sn->n_frags == 1 && strcmp(sn->frags[0].section, "Later") == 0 &&
         strcmp(frag_hls(sn, 0), "mentor|residency") == 0 && last_valid,
     "passage with 2 distinct words beats one with 4 matches of 1 word "
     "(%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(a, "mentor residency", 3, 0);
  ok(sn && sn->n_frags >= 1 && strcmp(sn->frags[0].section, "Later") == 0 &&
         last_valid,
     "with max_frags 3 the 2-word passage still comes first (%zu frags)",
     sn ? sn->n_frags : 0);
  ra_snippet_free(sn);

  sn = build(a, "mentor", 1, 0);
  ok(sn && sn->n_frags == 1 &&
         strcmp(sn->frags[0].section, "Early years") == 0 &&
         sn->frags[0].n_hls == 4 && last_valid,
     "same distinct words: the denser passage wins (%s)", frag_hls(sn, 0));
  ra_snippet_free(sn);

  /* Section pointers are borrowed from the article. */
  sn = build(a, "residency", 1, 0);
  ok(sn && sn->n_frags == 1 && sn->frags[0].section == a->sections[1].heading,
     "fragment section is the article's own heading pointer");
  ra_snippet_free(sn);
  ra_article_free(a);

  /* Inside one long block: the window with both words is chosen over an
   * earlier window with one. */
  a = art_new("t");
  art_para(a,
           "Early on a mentor helps. Then comes a long stretch of text about "
           "call schedules, cafeteria menus, parking permits, badge photos, "
           "locker keys and pager etiquette that goes on and on for quite a "
           "while. Later a mentor shapes your residency application.");
  sn = build(a, "mentor residency", 1, 60);
  ok(sn && sn->n_frags == 1 &&
         strcmp(frag_hls(sn, 0), "mentor|residency") == 0 &&
         strstr(sn->frags[0].text, "shapes") != NULL && last_valid,
     "within a block the window with most distinct words wins (\"%s\")",
     sn && sn->n_frags ? sn->frags[0].text : "");
  ra_snippet_free(sn);
  ra_article_free(a);

  /* Several passages, each with its own word: one fragment each. */
  a = art_new("t");
  art_section(a, "Money");
  art_para(a, "Apply early for every scholarship you qualify for.");
  art_section(a, "Interviews");
  art_item(a, "Practice the interview with a friend.");
  art_section(a, "Housing");
  art_para(a, "Find housing close to the hospital.");
  sn = build(a, "scholarship interview housing", 0, 0);
  int seen = 0;
  for (size_t k = 0; sn && k < sn->n_frags; k++) {
    const char *h = frag_hls(sn, k);
    if (strcmp(h, "scholarship") == 0) seen |= 1;
    if (strcmp(h, "interview") == 0) seen |= 2;
    if (strcmp(h, "housing") == 0) seen |= 4;
  }
  ok(sn && sn->n_frags == 3 && seen == 7 && last_valid,
     "three passages with one word each: three fragments (%zu)",
     sn ? sn->n_frags : 0);
  ra_snippet_free(sn);
  sn = build(a, "scholarship interview housing", 2, 0);
  ok(sn && sn->n_frags == 2 && last_valid, "max_frags 2 is respected (%zu)",
     sn ? sn->n_frags : 0);
  ra_snippet_free(sn);
  ra_article_free(a);
}

static void test_faq_and_illustrations(void) {
  ra_article *a = art_new("FAQ");
  art_para(a, "Residents share practical tips.");
  art_faq(a, "How do I find a mentor?", "Ask your program director early.");
  art_ill(a, "A stethoscope resting on a wooden desk.");

  ra_snippet *sn = build(a, "director", 0, 0);
  ok(sn && sn->n_frags == 1 && sn->frags[0].section == a->faqs[0].question &&
         strcmp(frag_hls(sn, 0), "director") == 0 && last_valid,
     "FAQ answer fragment names its question as section");
  ra_snippet_free(sn);

  sn = build(a, "stethoscope", 0, 0);
  ok(sn && sn->n_frags == 1 &&
         frag_is(sn, 0, "A stethoscope resting on a wooden desk.") &&
         strcmp(frag_hls(sn, 0), "stethoscope") == 0 &&
         sn->frags[0].section == NULL && last_valid,
     "illustration used when no article text matches (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(a, "tips stethoscope", 0, 0);
  int uses_ill = 0;
  for (size_t k = 0; sn && k < sn->n_frags; k++)
    if (strstr(sn->frags[k].text, "wooden")) uses_ill = 1;
  ok(sn && sn->n_frags >= 1 && !uses_ill &&
         strcmp(frag_hls(sn, 0), "tips") == 0 && last_valid,
     "illustration not used when article text matches (%zu frags)",
     sn ? sn->n_frags : 0);
  ra_snippet_free(sn);

  /* Only an illustration matches and the article has no text at all. */
  ra_article *b = art_new("Pictures");
  art_ill(b, "Residents gather in a sunny lounge.");
  art_ill(b, "A stethoscope on a desk.");
  sn = build(b, "stethoscope", 0, 0);
  ok(sn && sn->n_frags == 1 && frag_is(sn, 0, "A stethoscope on a desk.") &&
         last_valid,
     "illustration-only article: the matching description");
  ra_snippet_free(sn);
  sn = build(b, "zebra", 0, 0);
  ok(sn && total_hls(sn) == 0 && last_valid,
     "illustration-only article, no match: no highlights (%zu frags)",
     sn ? sn->n_frags : 0);
  ra_snippet_free(sn);
  ra_article_free(b);
  ra_article_free(a);
}

static void test_no_match(void) {
  char *p = long_para();
  ra_article *a = art_new("Residency");
  art_para(a, p);
  art_section(a, "More");
  art_para(a, "Mentors matter.");

  ra_snippet *sn = build(a, "giraffe", 0, 0);
  int good = sn && total_hls(sn) == 0 && last_valid;
  ok(good, "no query word in the article: no highlights");
  /* snippet.c shows the lead when nothing matched; snippet.h does not
   * promise it, so accept none or a lead fragment starting at byte 0. */
  ok(good && (sn->n_frags == 0 ||
              (sn->n_frags == 1 && !sn->frags[0].cut_before &&
               sn->frags[0].len <= 220 && sn->frags[0].len > 0 &&
               strncmp(p, sn->frags[0].text, sn->frags[0].len) == 0)),
     "no match: no fragment, or one lead fragment from byte 0 (%zu bytes)",
     sn && sn->n_frags ? sn->frags[0].len : 0);
  ra_snippet_free(sn);

  sn = build(a, "giraffe", 0, 50);
  ok(sn && total_hls(sn) == 0 && last_valid &&
         (sn->n_frags == 0 || sn->frags[0].len <= 50),
     "no match with max 50: lead fragment (if any) within 50 bytes");
  ra_snippet_free(sn);

  sn = build(a, "-mentors", 0, 0);
  ok(sn && total_hls(sn) == 0 && last_valid,
     "only a negated word: no highlights");
  ra_snippet_free(sn);
  ra_article_free(a);
  free(p);

  ra_article *e = art_new("Empty");
  sn = build(e, "mentor", 0, 0);
  ok(sn && sn->n_frags == 0, "article without text: no fragments");
  ra_snippet_free(sn);
  art_para(e, "");
  art_para(e, "... --- !!!");
  sn = build(e, "mentor", 0, 0);
  ok(sn && total_hls(sn) == 0 && last_valid,
     "empty and punctuation-only blocks: no highlights, no crash");
  ra_snippet_free(sn);
  ra_article_free(e);
}

static void test_tokens(void) {
  ra_article *a = art_new("t");
  art_para(a, "Apply at www.example.org today or e-mail help@example.org.");
  art_section(a, "Groups");
  art_para(a, "Peer-support groups meet weekly.");
  art_section(a, "Quotes");
  art_para(a, "Residents\xe2\x80\x99 lounge and the resident's locker.");

  ra_snippet *sn = build(a, "example", 0, 0);
  ok(sn && sn->n_frags == 1 &&
         strcmp(frag_hls(sn, 0), "example|example") == 0 && last_valid,
     "URL/e-mail part highlighted alone, not the whole address (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(a, "support", 0, 0);
  ok(sn && sn->n_frags == 1 && strcmp(frag_hls(sn, 0), "support") == 0 &&
         last_valid,
     "hyphenated \"Peer-support\": only \"support\" highlighted (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);

  sn = build(a, "resident", 0, 0);
  ok(sn && sn->n_frags == 1 &&
         strcmp(frag_hls(sn, 0), "Residents|resident's") == 0 && last_valid,
     "possessives: \"Residents\xe2\x80\x99\" and \"resident's\" highlighted "
     "as the analyzer spans them (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);
  ra_article_free(a);
}

static void test_highlight_title(void) {
  const char *title = "Mentoring Residents at the Caf\xc3\xa9: A Guide";
  ra_query *q = parse("mentor cafe resident");
  ra_hl *hls = NULL;
  size_t n = 99;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = q ? ra_snippet_highlight(AN, title, strlen(title), q, &hls,
                                          &n, &err)
                   : RA_ERR_INTERNAL;
  ok(st == RA_OK &&
         strcmp(hl_str(title, hls, n), "Mentoring|Residents|Caf\xc3\xa9") == 0,
     "title highlights Mentoring, Residents, Caf\xc3\xa9 (%s)",
     st == RA_OK ? hl_str(title, hls, n) : ra_error_message(&err));
  ok(st == RA_OK && n == 3 && hls[0].start == 0 && hls[0].end == 9 &&
         hls[1].start == 10 && hls[1].end == 19 && hls[2].start == 27 &&
         hls[2].end == 32,
     "title highlight byte ranges are exact");
  free(hls);

  /* Only the first len bytes are looked at. */
  hls = NULL;
  n = 99;
  st = q ? ra_snippet_highlight(AN, title, 19, q, &hls, &n, &err)
         : RA_ERR_INTERNAL;
  ok(st == RA_OK && n == 2 && hls && hls[1].end == 19,
     "highlight respects len (first 19 bytes: 2 ranges)");
  free(hls);

  hls = (ra_hl *)&err;
  n = 99;
  st = q ? ra_snippet_highlight(AN, "A Guide", 7, q, &hls, &n, &err)
         : RA_ERR_INTERNAL;
  ok(st == RA_OK && n == 0 && hls == NULL,
     "no query word in the title: 0 ranges, NULL array");
  hls = (ra_hl *)&err;
  n = 99;
  st = q ? ra_snippet_highlight(AN, "", 0, q, &hls, &n, &err)
         : RA_ERR_INTERNAL;
  ok(st == RA_OK && n == 0 && hls == NULL, "empty title: 0 ranges");
  ra_query_free(q);

  q = parse("title:mentor");
  hls = NULL;
  n = 0;
  st = q ? ra_snippet_highlight(AN, title, strlen(title), q, &hls, &n, &err)
         : RA_ERR_INTERNAL;
  ok(st == RA_OK && strcmp(hl_str(title, hls, n), "Mentoring") == 0,
     "title:mentor highlights \"Mentoring\" in the title");
  free(hls);
  ra_query_free(q);

  /* Elsewhere a title: clause marks nothing; the other words still do. */
  const char *tag = "Mentoring Residents";
  q = parse("title:mentor resident");
  hls = NULL;
  n = 0;
  st = q ? ra_snippet_highlight_text(AN, tag, strlen(tag), q, &hls, &n, &err)
         : RA_ERR_INTERNAL;
  ok(st == RA_OK && strcmp(hl_str(tag, hls, n), "Residents") == 0,
     "outside the title, title:mentor marks nothing, resident still does (%s)",
     st == RA_OK ? hl_str(tag, hls, n) : ra_error_message(&err));
  free(hls);
  ra_query_free(q);
}

/* Highlights of query q in text, joined by '|' ("" for none). */
static const char *title_hls(const char *qs, const char *text) {
  static char buf[1024];
  ra_query *q = parse(qs);
  ra_hl *hls = NULL;
  size_t n = 0;
  ra_error err;
  ra_error_clear(&err);
  snprintf(buf, sizeof buf, "(error)");
  if (q && ra_snippet_highlight(AN, text, strlen(text), q, &hls, &n, &err) == RA_OK)
    snprintf(buf, sizeof buf, "%s", hl_str(text, hls, n));
  free(hls);
  ra_query_free(q);
  return buf;
}

/* A word the ranking leaves out (a stop word beside other words) is not
 * highlighted on its own; in a phrase, under an OR, with an expansion or
 * when the query has nothing else, it is searched and so highlighted. */
static void test_stop_words(void) {
  const char *t = "The Power of Camaraderie in the Residency";
  const char *got = title_hls("the camaraderie", t);
  ok(strcmp(got, "Camaraderie") == 0, "\"the camaraderie\": only Camaraderie (%s)", got);
  got = title_hls("power of camaraderie in residency", t);
  ok(strcmp(got, "Power|Camaraderie|Residency") == 0,
     "of and in left out of a longer query (%s)", got);
  got = title_hls("\"power of camaraderie\" the", t);
  ok(strcmp(got, "Power of Camaraderie") == 0,
     "a quoted phrase keeps its stop word, a lone the is left out (%s)", got);
  got = title_hls("camaraderie OR the", t);
  ok(strcmp(got, "The|Camaraderie|the") == 0, "a stop word under OR is searched (%s)", got);
  got = title_hls("the", t);
  ok(strcmp(got, "The|the") == 0, "a query of only stop words shows them (%s)", got);
  got = title_hls("the OR of", t);
  ok(strcmp(got, "The|of|the") == 0, "... also under OR (%s)", got);
  got = title_hls("-the camaraderie", t);
  ok(strcmp(got, "Camaraderie") == 0, "a negated word is never highlighted (%s)", got);

  /* With an expansion the word is searched (qbuild keeps it). */
  ra_query *q = parse("it camaraderie");
  ra_error err;
  ra_error_clear(&err);
  const char *it = "IT support builds camaraderie; information technology helps";
  ra_hl *hls = NULL;
  size_t n = 0;
  int fine = q && ra_query_add_expansion(AN, q, 0, "information technology", 22, &err) == RA_OK &&
             ra_snippet_highlight(AN, it, strlen(it), q, &hls, &n, &err) == RA_OK;
  got = fine ? hl_str(it, hls, n) : ra_error_message(&err);
  ok(fine && strcmp(got, "IT|camaraderie|information technology") == 0,
     "a stop word with an expansion is highlighted (%s)", got);
  free(hls);
  ra_query_free(q);

  /* Fragments and section headings follow the same rule, and a passage
   * is not chosen for its stop words. */
  ra_article *a = art_new("t");
  art_section(a, "Navigating the Hierarchies");
  art_para(a, "Ask the attending early.");
  art_section(a, "The Night Shift");
  art_para(a, "The team and the nurses and the pager: the night is long.");
  ra_snippet *sn = build(a, "the hierarchies", 0, 0);
  ok(sn && sn->n_frags == 1 && frag_is(sn, 0, "Ask the attending early.") &&
         strcmp(hl_str(sn->frags[0].section, sn->frags[0].section_hls,
                       sn->frags[0].n_section_hls), "Hierarchies") == 0 &&
         sn->frags[0].n_hls == 0 && last_valid,
     "heading match: only Hierarchies marked in the heading, no the (%s)",
     sn && sn->n_frags ? hl_str(sn->frags[0].section, sn->frags[0].section_hls,
                                sn->frags[0].n_section_hls) : "no fragment");
  ra_snippet_free(sn);
  sn = build(a, "\"the night\" hierarchies", 0, 0);
  int night = -1;
  for (size_t k = 0; sn && k < sn->n_frags; k++)
    if (strcmp(sn->frags[k].section, "The Night Shift") == 0) night = (int)k;
  ok(night >= 0 && strcmp(frag_hls(sn, (size_t)night), "the night") == 0 &&
         strcmp(hl_str(sn->frags[night].section, sn->frags[night].section_hls,
                       sn->frags[night].n_section_hls), "The Night") == 0 &&
         last_valid,
     "a quoted \"the night\" is highlighted in text and heading");
  ra_snippet_free(sn);
  ra_article_free(a);
}

/* One page through the real parser (empty model: built-in defaults). */
static void test_parsed_article(void) {
  static const char page[] =
      "Residency Advisor\n"
      "Resources\n"
      "Finding a Mentor in Residency\n"
      "\n"
      "Finding a Mentor in Residency\n"
      "\n"
      "Residency Mentorship\n"
      "\n"
      "Introduction\n"
      "\n"
      "Good mentors shape careers. Residents who find mentoring early "
      "report more confidence and less burnout.\n"
      "\n"
      "Where to Look\n"
      "\n"
      "Start with your program's faculty, then look at the caf\xc3\xa9 "
      "where seniors gather after rounds.\n"
      "\n"
      "Conclusion\n"
      "\n"
      "A mentor is worth the search.\n";
  ra_model *m = NULL;
  ra_article *a = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (ra_model_new(&m, &err) != RA_OK || ra_model_finish(m, &err) != RA_OK ||
      ra_article_parse(m, "p", NULL, page, sizeof page - 1, &a, NULL, NULL,
                       &err) != RA_OK) {
    ok(0, "parse inline page: %s", ra_error_message(&err));
    ok(0, "parse inline page");
    ra_model_free(m);
    return;
  }
  ra_snippet *sn = build(a, "mentor", 0, 0);
  ok(sn && sn->n_frags >= 1 && sn->frags[0].n_hls >= 1 && last_valid &&
         strcmp(frag_hls(sn, 0), "mentors|mentoring") == 0,
     "parsed page: \"mentor\" highlights mentors, mentoring (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);
  sn = build(a, "cafe seniors", 0, 0);
  ok(sn && sn->n_frags == 1 &&
         strcmp(frag_hls(sn, 0), "caf\xc3\xa9|seniors") == 0 && last_valid &&
         sn->frags[0].section && strcmp(sn->frags[0].section, "Where to Look") == 0,
     "parsed page: fragment from section \"Where to Look\" (%s)",
     frag_hls(sn, 0));
  ra_snippet_free(sn);
  ra_article_free(a);
  ra_model_free(m);
}

/* The sample pages (corpus/0*.txt), read, learned from and parsed as the
 * indexer would. */
typedef struct samples {
  ra_model *m;
  char *texts[64];
  size_t lens[64], n_texts;
  ra_article *art[64]; /* the pages that parse */
  size_t n;
} samples;

/* Load the sample pages; without them, pass the caller's n_skip test
 * points as skipped and return 0. */
static int samples_load(samples *sp, int n_skip) {
  const char *srcdir = getenv("RA_SRCDIR");
  char pat[1024];
  glob_t g;
  memset(sp, 0, sizeof *sp);
  if (!srcdir || !*srcdir) srcdir = "..";
  snprintf(pat, sizeof pat, "%s/corpus/0*.txt", srcdir);
  if (glob(pat, 0, NULL, &g) != 0) {
    for (int i = 0; i < n_skip; i++) ok(1, "# SKIP corpus not found at %s", pat);
    return 0;
  }
  ra_error err;
  ra_error_clear(&err);
  ra_model_new(&sp->m, &err);
  for (size_t i = 0; i < g.gl_pathc && sp->n_texts < 64; i++) {
    int rep = 0;
    size_t k = sp->n_texts;
    if (ra_article_read_file(g.gl_pathv[i], 0, &sp->texts[k], &sp->lens[k], &rep, NULL,
                             NULL, &err) != RA_OK)
      continue;
    ra_model_learn(sp->m, sp->texts[k], sp->lens[k], &err);
    sp->n_texts++;
  }
  ra_model_finish(sp->m, &err);
  globfree(&g);
  for (size_t i = 0; i < sp->n_texts; i++)
    if (ra_article_parse(sp->m, "sample", NULL, sp->texts[i], sp->lens[i], &sp->art[sp->n],
                         NULL, NULL, &err) == RA_OK)
      sp->n++;
  return 1;
}

static void samples_free(samples *sp) {
  for (size_t i = 0; i < sp->n; i++) ra_article_free(sp->art[i]);
  for (size_t i = 0; i < sp->n_texts; i++) free(sp->texts[i]);
  ra_model_free(sp->m);
}

/* Every sample page, several queries and sizes: invariants only. */
static void test_corpus(void) {
  samples sp;
  if (!samples_load(&sp, 2)) return;
  static const char *const queries[] = {
      "residency mentor", "interview program", "support community",
      "cafe", "burnout wellness -stress", "\"medical school\"", "giraffe"};
  static const size_t maxes[] = {0, 40, 90, 150};
  int all_valid = 1, nonsize_valid = 1, pages = 0, hits = 0;
  char first_bad[1024] = "";
  for (size_t i = 0; i < sp.n; i++) {
    const ra_article *a = sp.art[i];
    pages++;
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
      for (size_t mi = 0; mi < sizeof maxes / sizeof *maxes; mi++) {
        ra_snippet *sn = build(a, queries[qi], 0, maxes[mi]);
        if (!last_valid) {
          if (all_valid)
            snprintf(first_bad, sizeof first_bad, "page %zu, \"%s\", max "
                     "%zu: %.900s", i, queries[qi], maxes[mi], last_why);
          all_valid = 0;
          if (!strstr(last_why, "> max")) nonsize_valid = 0;
        }
        hits += (int)total_hls(sn);
        ra_snippet_free(sn);
      }
  }
  samples_free(&sp);
  ok(pages > 0 && nonsize_valid && hits > 0,
     "corpus: %d pages x %zu queries x %zu sizes, %d highlights, all on "
     "query words, whole tokens, exact bytes",
     pages, sizeof queries / sizeof *queries, sizeof maxes / sizeof *maxes,
     hits);
  ok(pages > 0 && all_valid,
          "corpus: every fragment within max_frag_bytes%s%s",
          first_bad[0] ? ": " : "", first_bad);
}


/* ---- generated queries: snippet properties ----------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return n ? (unsigned)(rng_state % n) : 0;
}

typedef struct vocab {
  char (*w)[64];
  size_t n, cap;
  int all; /* every token, URL parts and one-letter words too */
} vocab;

static int vocab_cb(void *ctx, const ra_token *t) {
  vocab *v = ctx;
  if (!v->all && (t->flags & (RA_TOK_COLOCATED | RA_TOK_URL | RA_TOK_EMAIL))) return 0;
  if (t->word_len < (v->all ? 1u : 2u) || t->word_len >= 60) return 0;
  if (v->n == v->cap) {
    v->cap = v->cap ? 2 * v->cap : 256;
    v->w = xrealloc(v->w, v->cap * sizeof *v->w);
  }
  snprintf(v->w[v->n++], 64, "%.*s", (int)t->word_len, t->word);
  return 0;
}

/* Thousands of queries built from each page's own words (words, two-word
 * phrases of adjacent words, prefixes, exclusions, OR, unknown words):
 * every snippet must satisfy every invariant of check_snippet, and a
 * query whose first word occurs in the body text must highlight something. */
static void test_generated(void) {
  samples sp;
  if (!samples_load(&sp, 2)) return;
  ra_error err;
  ra_error_clear(&err);
  int queries = 0, valid = 1, found = 1;
  char first_bad[1100] = "";
  for (size_t i = 0; i < sp.n; i++) {
    const ra_article *a = sp.art[i];
    vocab v = {0};
    for (size_t s = 0; s < a->n_sections; s++)
      for (size_t b = 0; b < a->sections[s].n_blocks; b++)
        ra_analyze(AN, a->sections[s].blocks[b].text,
                   strlen(a->sections[s].blocks[b].text), 0, vocab_cb, &v, NULL, &err);
    for (int k = 0; k < 700 && v.n > 2; k++) {
      char q[512];
      size_t ql = 0;
      unsigned r = rnd(v.n - 1);
      const char *w1 = v.w[r], *w2 = v.w[r + 1], *w3 = v.w[rnd(v.n)];
      switch (k % 7) {
      case 0: ql = (size_t)snprintf(q, sizeof q, "%s", w1); break;
      case 1: ql = (size_t)snprintf(q, sizeof q, "%s %s", w1, w3); break;
      case 2: ql = (size_t)snprintf(q, sizeof q, "\"%s %s\"", w1, w2); break;
      case 3: ql = (size_t)snprintf(q, sizeof q, "%.3s* %s", w1, w3); break;
      case 4: ql = (size_t)snprintf(q, sizeof q, "%s -%s", w1, w3); break;
      case 5: ql = (size_t)snprintf(q, sizeof q, "%s OR %s zzqx%d", w1, w3, k); break;
      default: ql = (size_t)snprintf(q, sizeof q, "(%s %s", w1, w2); break;
      }
      if (ql >= sizeof q) continue;
      size_t max = (size_t)(40 + rnd(200));
      ra_snippet *sn = build(a, q, 1 + rnd(4), max);
      queries++;
      if (!last_valid) {
        if (valid)
          snprintf(first_bad, sizeof first_bad, "page %zu, \"%.200s\", max %zu: %.600s",
                   i, q, max, last_why);
        valid = 0;
      }
      /* The first word is in the body (unless excluded via case 4 with
       * the same word): something must be highlighted. */
      if (k % 7 != 4 && k % 7 != 2 && sn && total_hls(sn) == 0 && sn->n_frags) {
        if (found && valid)
          snprintf(first_bad, sizeof first_bad, "page %zu, \"%.200s\": no highlight", i, q);
        found = 0;
      }
      ra_snippet_free(sn);
    }
    free(v.w);
  }
  samples_free(&sp);
  ok(queries >= 3000 && valid,
     "%d generated queries: every highlight covers a query term or phrase, "
     "whole tokens, no fragment splits a word or UTF-8 sequence%s%s",
     queries, valid ? "" : ": ", valid ? "" : first_bad);
  ok(queries >= 3000 && found, "a word taken from the body is always highlighted%s%s",
     found ? "" : ": ", found ? "" : first_bad);
}

/* ---- the byte screen never hides a match -------------------------------- */

/* A snippet's fragments and highlights as one string. */
static char *snippet_str(const ra_snippet *sn) {
  size_t cap = 256, n = 0;
  char *out = xrealloc(NULL, cap);
  out[0] = '\0';
  for (size_t f = 0; sn && f < sn->n_frags; f++) {
    const ra_fragment *fr = &sn->frags[f];
    size_t need = n + fr->len + 64 + 24 * (fr->n_hls + fr->n_section_hls);
    if (need > cap) {
      cap = 2 * need;
      out = xrealloc(out, cap);
    }
    n += (size_t)snprintf(out + n, cap - n, "[%s|%.*s|", fr->section ? fr->section : "",
                          (int)fr->len, fr->text);
    for (size_t h = 0; h < fr->n_hls; h++)
      n += (size_t)snprintf(out + n, cap - n, "%zu-%zu,", fr->hls[h].start, fr->hls[h].end);
    for (size_t h = 0; h < fr->n_section_hls; h++)
      n += (size_t)snprintf(out + n, cap - n, "s%zu-%zu,", fr->section_hls[h].start,
                            fr->section_hls[h].end);
    n += (size_t)snprintf(out + n, cap - n, "]");
  }
  return out;
}

/* Same snippet with and without the screen?  Returns 1 when equal. */
static int screen_agrees(const ra_article *a, const char *qs, char *why, size_t wn) {
  ra_query *q = parse(qs);
  if (!q) return 1;
  ra_snippet *s1 = NULL, *s2 = NULL;
  ra_error err;
  ra_error_clear(&err);
  size_t frags = 1 + rnd(4), bytes = 60 + rnd(200);
  ra_snippet_opts fast = {frags, bytes, 0}, full = {frags, bytes, 1};
  int eq = 0;
  if (ra_snippet_build(AN, a, q, &fast, &s1, &err) == RA_OK &&
      ra_snippet_build(AN, a, q, &full, &s2, &err) == RA_OK) {
    char *x = snippet_str(s1), *y = snippet_str(s2);
    eq = strcmp(x, y) == 0;
    if (!eq) snprintf(why, wn, "\"%.100s\": screened %.200s vs full %.200s", qs, x, y);
    free(x);
    free(y);
  }
  ra_snippet_free(s1);
  ra_snippet_free(s2);
  ra_query_free(q);
  return eq;
}

/* Text the screen must see through: folding that changes bytes (accents,
 * ligatures, full-width letters, soft hyphens, curly apostrophes), stems
 * that rewrite their last letter, numbers, URLs, upper case, non-Latin. */
static const char *const tricky[] = {
    "Résumé tips for a RESIDENT’s first année: naïve Émilie’s café.",
    "The ﬁnance ofﬁce and ｒｅｓｉｄｅｎｃｙ (full-width) programs.",
    "Resi\u00ADdency with a soft hyphen, re\u00ADsidents too.",
    "Happy, happier, happiness; hoping, hoped, hopes; dying, lying, tying.",
    "Skies, sky, news; gently, early, only, singly, idly, ugly.",
    "In 2024 we had 1,000 applicants, 3.5% matched; 20-30 interviews.",
    "See www.residency-programs.org/apply or mail pd@hospital.example.",
    "Peer-support—mentorship – wellbeing…  “Quoted” «guillemets» ‘single’.",
    "αβγ residency Ωmega mentor ΑΛΦΑ; 日本の研修医 residents.",
    "ABOUT THE PROGRAM DIRECTOR: INTERVIEW SEASON, MATCH DAY.",
    "x\u2192residency \u00A9mentor \u2022bullet \u00A0nbsp\u00A0word.",
    "\u25E6sub-bullet \u25AAsquare \u25CFdot\u25A0block \u21D2implies \u2191up.",
    "Organizational, organization, organize; possibility, possible, ability.",
    "relational, rational, sensational; reasonably, reasonable, capably.",
};

static void test_screen(void) {
  ra_article *a = art_new("Screen");
  /* Whole lines, then each piece alone: a block per word makes the
   * screen decide for that word only. */
  for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) art_para(a, tricky[i]);
  for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) {
    char piece[128];
    for (const char *p = tricky[i]; *p;) {
      size_t l = strcspn(p, " ");
      if (l && l < sizeof piece) {
        memcpy(piece, p, l);
        piece[l] = '\0';
        art_para(a, piece);
      }
      p += l;
      p += strspn(p, " ");
    }
  }
  char why[600] = "";
  int agree = 1, queries = 0;
  vocab v = {.all = 1};
  ra_error err;
  ra_error_clear(&err);
  for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
    ra_analyze(AN, tricky[i], strlen(tricky[i]), 0, vocab_cb, &v, NULL, &err);
  /* Every word of the text, its prefixes, and plain-ASCII spellings. */
  static const char *const extra[] = {"resume", "resident", "annee", "cafe",
                                      "finance", "office", "residency", "happy",
                                      "hope", "die", "sky", "gentle", "earli",
                                      "1000", "organ", "possibl", "reason",
                                      "relat", "mentors", "director", "interviews"};
  for (size_t i = 0; i < v.n + sizeof extra / sizeof *extra; i++) {
    const char *w = i < v.n ? v.w[i] : extra[i - v.n];
    char q[160];
    snprintf(q, sizeof q, "%s", w);
    queries++;
    if (agree && !screen_agrees(a, q, why, sizeof why)) agree = 0;
    snprintf(q, sizeof q, "%.4s*", w);
    queries++;
    if (agree && !screen_agrees(a, q, why, sizeof why)) agree = 0;
    /* A phrase is bounded by its least seen word: adjacent words (real
     * phrases) and a word with the next-but-one (mostly none). */
    for (size_t d = 1; i < v.n && d <= 2 && i + d < v.n; d++) {
      snprintf(q, sizeof q, "\"%s %s\"", w, v.w[i + d]);
      queries++;
      if (agree && !screen_agrees(a, q, why, sizeof why)) agree = 0;
    }
  }
  free(v.w);
  ra_article_free(a);
  ok(agree, "screen: %d queries over folding-heavy text give the same snippet "
            "as analysing every block%s%s", queries, agree ? "" : ": ", why);

  /* The sample pages, with words and pairs drawn from their own text. */
  samples sp;
  if (!samples_load(&sp, 1)) return;
  int pq = 0;
  for (size_t i = 0; i < sp.n; i++) {
    const ra_article *pa = sp.art[i];
    vocab pv = {.all = 1};
    for (size_t s = 0; s < pa->n_sections; s++)
      for (size_t b = 0; b < pa->sections[s].n_blocks; b++)
        ra_analyze(AN, pa->sections[s].blocks[b].text,
                   strlen(pa->sections[s].blocks[b].text), 0, vocab_cb, &pv, NULL, &err);
    for (size_t k = 0; k < pv.n && k < 400; k++) {
      char q[160];
      const char *w1 = pv.w[rnd((unsigned)pv.n)], *w2 = pv.w[rnd((unsigned)pv.n)];
      switch (k % 6) {
      case 0: snprintf(q, sizeof q, "%s %s", pv.w[k], w2); break;
      case 1: snprintf(q, sizeof q, "%s %s %s", w1, w2, pv.w[k]); break;
      case 2: snprintf(q, sizeof q, "\"%s %s\"", pv.w[k], k + 1 < pv.n ? pv.w[k + 1] : w1); break;
      case 3: snprintf(q, sizeof q, "%.4s* %s", w1, w2); break;
      case 4: snprintf(q, sizeof q, "%s OR %s", w1, w2); break;
      default: snprintf(q, sizeof q, "%s", w1); break;
      }
      pq++;
      if (agree && !screen_agrees(pa, q, why, sizeof why)) agree = 0;
    }
    free(pv.w);
  }
  samples_free(&sp);
  ok(agree && pq > 1000, "screen: %d queries over the sample pages agree with "
                         "analysing every block%s%s", pq, agree ? "" : ": ", why);
}

/* Section headings and FAQ questions: highlighted, and a heading match is
 * shown by the start of its section. */
static void test_headings(void) {
  ra_article *a = art_new("t");
  art_section(a, "Budgeting for Interviews");
  art_para(a, "Travel adds up quickly. Book early.");
  art_faq(a, "Can I negotiate a signing bonus?", "Yes: ask early and compare offers.");
  ra_snippet *sn = build(a, "budgeting", 0, 0);
  ok(sn && sn->n_frags == 1 && frag_is(sn, 0, "Travel adds up quickly. Book early.") &&
         sn->frags[0].n_section_hls == 1 && sn->frags[0].section_hls[0].start == 0 &&
         sn->frags[0].section_hls[0].end == 9 && last_valid,
     "a heading match shows the section's start, heading highlighted");
  ra_snippet_free(sn);
  sn = build(a, "bonus", 0, 0);
  ok(sn && sn->n_frags == 1 && sn->frags[0].faq &&
         frag_is(sn, 0, "Yes: ask early and compare offers.") &&
         sn->frags[0].n_section_hls == 1 && last_valid,
     "an FAQ question match shows the question with the start of its answer");
  ra_snippet_free(sn);
  ra_article_free(a);

  /* Sentence alignment: the fragment starts where the matching sentence
   * starts when the sentence fits. */
  char *p = long_para();
  a = art_new("t");
  art_para(a, p);
  sn = build(a, "zebra", 1, 120);
  ok(sn && sn->n_frags == 1 && strncmp(sn->frags[0].text, "A zebra diagnosis", 17) == 0 &&
         last_valid,
     "fragment starts on the sentence holding the match (\"%.30s\")",
     sn && sn->n_frags ? sn->frags[0].text : "");
  ra_snippet_free(sn);
  /* Several fragments: up to max_frags, once every word is covered the
   * densest remaining passages follow. */
  ra_article_free(a);
  free(p);
  a = art_new("t");
  art_section(a, "One");
  art_para(a, "Mentors matter.");
  art_section(a, "Two");
  art_para(a, "A mentor helps; mentors listen.");
  art_section(a, "Three");
  art_para(a, "Find a mentor.");
  sn = build(a, "mentor", 0, 0);
  ok(sn && sn->n_frags == 3 && strcmp(sn->frags[0].section, "Two") == 0 && last_valid,
     "three fragments by default, densest first (%zu)", sn ? sn->n_frags : 0);
  ra_snippet_free(sn);
  ra_article_free(a);
}

int main(void) {
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&AN, &err) != RA_OK) {
    printf("Bail out! ra_analyzer_new: %s\n", ra_error_message(&err));
    return 1;
  }
  test_stems_and_case();
  test_accents();
  test_fragment_bounds();
  test_best_passage();
  test_faq_and_illustrations();
  test_no_match();
  test_tokens();
  test_highlight_title();
  test_stop_words();
  test_parsed_article();
  test_corpus();
  test_headings();
  test_generated();
  test_screen();
  ra_analyzer_free(AN);
  printf("1..%d\n", n_test);
  if (n_fail) diag("%d of %d tests failed", n_fail, n_test);
  return n_fail ? 1 : 0;
}
