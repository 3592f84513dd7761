/* test_tagsplit.c - TAP tests for lib/tagsplit.c: recognising the
 * run-together tag line of a page ("Residency Networking Medical Community
 * Mentorship Professional Development") and splitting it into tags.
 *
 * The split is the cheapest segmentation (tagsplit.h has the costs): known
 * tags beat learned ones, learned beat phrases that recur in the page
 * body, and those beat lone words; connector words ("in", "of", "&") and
 * lowercase continuations glue their neighbours into one tag.  The
 * vocabulary comes from a model loaded from its saved text form. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "model.h"
#include "page.h"
#include "tagsplit.h"

#include "tap.h"

/* The tags of line (already normalised) joined by '|', in a static
 * buffer; "ERROR" when the split fails. */
static const char *split_ev(const ra_model *m, const ra_evid *ev, const char *line) {
  static char out[1024];
  char **tags = NULL;
  size_t n = 0;
  if (ra_tagsplit_split(m, ev, line, strlen(line), &tags, &n, NULL, NULL)) return "ERROR";
  out[0] = '\0';
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? "|" : "", tags[i]);
  ra_strv_free(tags, n);
  return out;
}

static const char *split(const ra_model *m, const char *line) {
  return split_ev(m, NULL, line);
}

static uint64_t ph(const char *s) { return ra_tagsplit_phrase_hash(s, strlen(s), NULL); }

static int is_conn(const char *s, int *article) {
  return ra_tagsplit_is_connector_word(s, strlen(s), article);
}

static int tag_like(const char *s) { return ra_tagsplit_tag_like(s, strlen(s)); }

/* ---- connector words and tag-line shapes ---------------------------------------- */

static void test_connectors(void) {
  int art = -1, all = 1;
  static const char *const conn[] = {"in", "of", "and", "for", "to", "on", "with", "at",
                                     "by", "or", "vs", "vs.", "from", "into", "&", "+",
                                     "/", "IN", "Of", "AND"};
  for (size_t i = 0; i < sizeof conn / sizeof conn[0]; i++)
    if (!is_conn(conn[i], &art) || art) {
      all = 0;
      diag("\"%s\": connector %d, article %d", conn[i], is_conn(conn[i], &art), art);
    }
  ok(all, "in, of, and, for, ..., &, +, / are connectors (any case), not articles");
  int a1 = 0, a2 = 0, a3 = 0, a4 = 0;
  ok(is_conn("a", &a1) && is_conn("An", &a2) && is_conn("the", &a3) && is_conn("THE", &a4) &&
         a1 && a2 && a3 && a4,
     "a, an, the are connectors and articles");
  art = 1;
  ok(!is_conn("Medicine", &art) && !art && !is_conn("inn", &art) && !is_conn("", &art) &&
         !is_conn("ofs", &art),
     "ordinary words, longer words and the empty word are not connectors");
}

static void test_tag_like(void) {
  ok(tag_like("Residency Networking Medical Community Mentorship Professional Development"),
     "a run-together tag line is tag-like");
  ok(tag_like("Medical Conferences Networking in Medicine Residency"),
     "connectors do not count against a tag line");
  ok(tag_like("2024 Match \xc3\x89tudes"), "digits and non-ASCII letters count as capitals");
  ok(tag_like("Work-life balance Mentorship Wellness"),
     "one lowercase word against three capitals is still tag-like");
  ok(!tag_like("Entering residency is a monumental step."),
     "a sentence (full stop) is not tag-like");
  ok(!tag_like("Mentors help residents grow Quickly"),
     "mostly lowercase words are not tag-like");
  ok(!tag_like("Residency: Networking") && !tag_like("Tips (2024)") &&
         !tag_like("Mentors, Peers") && !tag_like("Why Network?"),
     "sentence punctuation (: ( , ?) is not tag-like");
  ok(!tag_like("Introduction") && !tag_like("Key Takeaways") && !tag_like("FAQ"),
     "a lone common heading (Introduction, Key Takeaways, FAQ) is not tag-like");
  ok(!tag_like("") && !tag_like("2024 2025") && !tag_like("& + /"),
     "empty, digits only or connectors only: not tag-like");

  char forty[100], forty_one[110];
  size_t k = 0;
  for (int i = 0; i < 40; i++)
    k += (size_t)snprintf(forty + k, sizeof forty - k, "%sW", i ? " " : "");
  snprintf(forty_one, sizeof forty_one, "%s W", forty);
  ok(tag_like(forty) && !tag_like(forty_one), "40 words is the most a tag line has (41: no)");
  char long_word[402];
  memset(long_word, 'W', 401);
  long_word[401] = '\0';
  ok(ra_tagsplit_tag_like(long_word, 400) && !ra_tagsplit_tag_like(long_word, 401),
     "400 bytes is the longest tag line (401: no)");
}

/* ---- phrase hashing -------------------------------------------------------------- */

static void test_phrase_hash(void) {
  size_t nw = 0;
  uint64_t h = ra_tagsplit_phrase_hash("Medical Community", 17, &nw);
  ok(h != 0 && nw == 2, "a phrase hashes to non-zero with its word count (2)");
  ok(ph("Medical Community") == ph("medical community") &&
         ph("Medical Community") == ph("MEDICAL COMMUNITY"),
     "case does not matter");
  ok(ph("Medical Community") != ph("Community Medical") &&
         ph("Medical Community") != ph("Medical"),
     "word order and every word matter");
  ok(ph("Work & Life") == ph("Work and Life"), "\"&\" reads as \"and\"");
  size_t n1 = 0, n2 = 0;
  ok(ra_tagsplit_phrase_hash("Work-Life Balance", 17, &n1) ==
             ra_tagsplit_phrase_hash("Work Life Balance", 17, &n2) &&
         n1 == 2 && n2 == 3 && ph("Work/Life") == ph("Work Life") &&
         ph("Work\xe2\x80\x93Life") == ph("Work Life"),
     "hyphen, slash and en dash split sub-words (word counts stay 2 and 3)");
  ok(ph("Residents\xe2\x80\x99 Wellness") == ph("Residents Wellness") &&
         ph("Residents' Wellness") == ph("Residents Wellness") &&
         ph("Doctor\xe2\x80\x99s Tips") == ph("Doctor's Tips"),
     "edge apostrophes are dropped, \xe2\x80\x99 reads as '");
  ok(ph("\"Mentorship!\"") == ph("Mentorship"), "ASCII punctuation at word edges is dropped");
  nw = 99;
  ok(ph("") == 0 && ph("   ") == 0 && ra_tagsplit_phrase_hash("-- !!", 5, &nw) == 0,
     "no words (empty, spaces, punctuation only): hash 0");
}

/* ---- splitting --------------------------------------------------------------------- */

static const char model_text[] =
    "rasearch-model 1\n"
    "pages 0\n"
    "tag known 0 Medical Community\n"
    "tag known 0 Professional Development\n"
    "tag known 0 Medical Conferences\n"
    "tag known 0 Medical Education\n"
    "tag learned 4 Education Research\n"
    "tag known 0 Surgical Skills\n"
    "tag known 0 Skills Assessment\n"
    "tag ngram 3 Residency Interviews\n"
    "tag known 0 balance\n"
    "end\n";

static void test_split_plain(void) {
  const char *line = "Residency Networking Medical Community Mentorship Professional Development";
  const char *got = split(NULL, line);
  ok(strcmp(got, "Residency|Networking|Medical|Community|Mentorship|Professional|Development") == 0,
     "no vocabulary: every word is a tag (%s)", got);
  got = split(NULL, "Medical Conferences Networking in Medicine Residency");
  ok(strcmp(got, "Medical|Conferences|Networking in Medicine|Residency") == 0,
     "a connector glues its neighbours into one tag (%s)", got);
  got = split(NULL, "Mentorship Life in the City Wellness");
  ok(strcmp(got, "Mentorship|Life in the City|Wellness") == 0,
     "a chain of connectors (in the) is one tag (%s)", got);
  got = split(NULL, "Mentorship Work & Life Wellness");
  ok(strcmp(got, "Mentorship|Work & Life|Wellness") == 0, "\"&\" glues like \"and\" (%s)", got);
  got = split(NULL, "Match Day The Match Interview Tips");
  ok(strcmp(got, "Match|Day|The Match|Interview|Tips") == 0,
     "a capitalised article can start a tag, and joins the next word (%s)", got);
  got = split(NULL, "Mentorship Work-life balance Wellness");
  ok(strcmp(got, "Mentorship|Work-life balance|Wellness") == 0,
     "a lowercase word continues the tag before it (%s)", got);
  got = split(NULL, "Mentorship Networking Mentorship");
  ok(strcmp(got, "Mentorship|Networking") == 0, "a repeated tag is listed once (%s)", got);
  got = split(NULL, "mentorship networking");
  ok(strcmp(got, "mentorship|networking") == 0,
     "an all-lowercase line: lowercase words do not glue (%s)", got);
  got = split(NULL, "Alpha in Beta in Gamma in Delta in Epsilon in Zeta in Eta in Theta");
  ok(strcmp(got, "Alpha|in|Beta|Gamma|Delta|Epsilon|Zeta|Eta|Theta") == 0,
     "a chain longer than a tag can be: connector rules dropped, one word a tag (%s)", got);
  got = split(NULL, "");
  ok(strcmp(got, "") == 0, "an empty line: no tags");
}

static void test_split_vocab(const ra_model *m) {
  const char *got =
      split(m, "Residency Networking Medical Community Mentorship Professional Development");
  ok(strcmp(got, "Residency|Networking|Medical Community|Mentorship|Professional Development") == 0,
     "known tags are kept whole (%s)", got);
  got = split(m, "Medical Conferences Networking in Medicine Residency");
  ok(strcmp(got, "Medical Conferences|Networking in Medicine|Residency") == 0,
     "known tag plus connector chain: the three tags of tagsplit.h's example (%s)", got);
  got = split(m, "medical community MENTORSHIP");
  ok(strcmp(got, "medical community|MENTORSHIP") == 0,
     "vocabulary matches any case; the page's casing is shown (%s)", got);
  got = split(m, "Medical Education Research");
  ok(strcmp(got, "Medical Education|Research") == 0,
     "ambiguous: a known tag beats a learned one (%s)", got);
  got = split(m, "Surgical Skills Assessment");
  ok(strcmp(got, "Surgical|Skills Assessment") == 0,
     "ambiguous between two known tags (equal cost): the earlier cut wins (%s)", got);
  got = split(m, "Residency Interviews Mentorship");
  ok(strcmp(got, "Residency Interviews|Mentorship") == 0,
     "a frequent n-gram of the vocabulary is one tag (%s)", got);
  got = split(m, "Mentorship Work-life balance Wellness");
  ok(strcmp(got, "Mentorship|Work-life|balance|Wellness") == 0,
     "a lowercase word that is itself a known tag does not glue (%s)", got);

  char **tags = NULL;
  uint64_t *hs = NULL;
  size_t n = 0, *wc = NULL;
  const char *line = "Medical Conferences Networking in Medicine Residency";
  int rc = ra_tagsplit_split(m, NULL, line, strlen(line), &tags, &n, &hs, &wc);
  ok(rc == 0 && n == 3 && hs && wc && wc[0] == 2 && wc[1] == 3 && wc[2] == 1 &&
         hs[0] == ph("medical conferences") && hs[1] == ph("Networking in Medicine") &&
         hs[2] == ph("RESIDENCY"),
     "each tag's phrase hash and word count are returned");
  ra_strv_free(tags, n);
  free(hs);
  free(wc);

  ra_error err;
  ra_error_clear(&err);
  tags = NULL;
  n = 0;
  const char *raw = "  Medical   Community\tMentorship  ";
  ra_status st = ra_model_split_tags(m, raw, strlen(raw), &tags, &n, &err);
  ok(st == RA_OK && n == 2 && strcmp(tags[0], "Medical Community") == 0 &&
         strcmp(tags[1], "Mentorship") == 0,
     "ra_model_split_tags normalises spacing first");
  ra_strv_free(tags, n);
}

/* Body phrases made of tag-line words count as evidence for a tag. */
static void test_split_evidence(void) {
  const char page[] =
      "Mentorship Professional Development Wellness\n"
      "Professional development is part of residency.\n"
      "Plan your professional development early, and keep at it.\n"
      "Wellness matters too.\n";
  ra_page pg;
  memset(&pg, 0, sizeof pg);
  ra_evid ev;
  memset(&ev, 0, sizeof ev);
  int built = ra_page_split(&pg, page, sizeof page - 1) == 0 && pg.n == 4 &&
              ra_tagsplit_evid_build(&ev, &pg.l[0], &pg, 1, pg.n, NULL) == 0;
  const char *line = "Mentorship Professional Development Wellness";
  const char *got = built ? split_ev(NULL, &ev, line) : "?";
  ok(built && strcmp(got, "Mentorship|Professional Development|Wellness") == 0,
     "a phrase that recurs in the body is one tag (%s)", got);
  ra_tagsplit_evid_free(&ev);

  memset(&ev, 0, sizeof ev);
  built = ra_tagsplit_evid_build(&ev, &pg.l[0], &pg, 3, pg.n, NULL) == 0;
  got = built ? split_ev(NULL, &ev, line) : "?";
  ok(built && strcmp(got, "Mentorship|Professional|Development|Wellness") == 0,
     "lines outside [from, to) are no evidence (%s)", got);
  ra_tagsplit_evid_free(&ev);

  const char page2[] =
      "Mentorship Professional Development Wellness\n"
      "Professional, development and mentorship: words apart.\n";
  ra_page pg2;
  memset(&pg2, 0, sizeof pg2);
  memset(&ev, 0, sizeof ev);
  built = ra_page_split(&pg2, page2, sizeof page2 - 1) == 0 &&
          ra_tagsplit_evid_build(&ev, &pg2.l[0], &pg2, 1, pg2.n, NULL) == 0;
  got = built ? split_ev(NULL, &ev, line) : "?";
  ok(built && strcmp(got, "Mentorship|Professional|Development|Wellness") == 0,
     "a phrase broken by punctuation is no evidence (%s)", got);
  ra_tagsplit_evid_free(&ev);
  ra_page_free(&pg2);
  ra_page_free(&pg);
}

/* A line that is not a tag line is still split word by word if asked. */
static void test_not_tag_line(void) {
  const char *line = "Entering residency is a monumental step.";
  const char *got = split(NULL, line);
  ok(!tag_like(line) && strcmp(got, "Entering residency is a monumental step.") == 0,
     "a sentence is not a tag line; split anyway, its words glue into one (%s)", got);
}

int main(void) {
  ra_model *m = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (ra_model_new(&m, &err) != RA_OK ||
      ra_model_load(m, model_text, sizeof model_text - 1, &err) != RA_OK) {
    printf("Bail out! model: %s\n", ra_error_message(&err));
    return 1;
  }
  test_connectors();
  test_tag_like();
  test_phrase_hash();
  test_split_plain();
  test_split_vocab(m);
  test_split_evidence();
  test_not_tag_line();
  ra_model_free(m);
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
