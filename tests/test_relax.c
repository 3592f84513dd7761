/* test_relax.c - TAP tests for lib/relax.c: when no article has every
 * word of a query, dropping words rarest first (the later of equals
 * first) until the rest match or one is left, and telling the reader.
 *
 * Works on the relaxation functions directly, with the query builder
 * state a search sets up (search_int.h), over a small JSON Lines index
 * built in a temporary directory whose word counts are known:
 *   mentor 4 articles, residency 3, alumni 1, zebra 1, quokka/wombat 0. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idxdir.h"
#include "index.h"
#include "qbuild.h"
#include "qparse.h"
#include "relax.h"
#include "search.h"
#include "search_int.h"
#include "xap.h"

#include "tap.h"
#include "testidx.h"

static const char corpus[] =
    "{\"id\":\"d1\",\"title\":\"Alpha\",\"body\":\"mentor residency alumni notes\","
    "\"tags\":[\"career\"]}\n"
    "{\"id\":\"d2\",\"title\":\"Beta\",\"body\":\"mentor residency rounds\","
    "\"tags\":[\"wellness\"]}\n"
    "{\"id\":\"d3\",\"title\":\"Gamma\",\"body\":\"mentor residency wards\","
    "\"tags\":[]}\n"
    "{\"id\":\"d4\",\"title\":\"Delta\",\"body\":\"mentor zebra crossing\","
    "\"tags\":[\"career\"]}\n";

static ra_searcher *S;
static ra_rank_params RP;

/* One query set up as a search sets it up (run_start in search.c). */
typedef struct setup {
  ra_results *r;
  qarena a;
  qb b;
  char *skip;
  ra_error err;
} setup;

static int start(setup *t, const char *query) {
  memset(t, 0, sizeof *t);
  ra_error_clear(&t->err);
  t->r = calloc(1, sizeof *t->r);
  if (!t->r || ra_qparse(S->an, query, strlen(query), &t->r->query, &t->err) != RA_OK)
    return 0;
  t->a.err = &t->err;
  t->b = (qb){.s = S, .q = t->r->query, .rp = &RP, .a = &t->a};
  t->b.keep_stops = !ra_qbuild_has_content_word(t->r->query);
  t->skip = calloc(ra_relax_root_items(t->r->query) + 1, 1);
  return t->skip != NULL;
}

static void finish(setup *t) {
  ra_qarena_free(&t->a);
  free(t->skip);
  ra_results_free(t->r);
}

/* r->dropped joined by '|'. */
static const char *dropped(const ra_results *r) {
  static char out[512];
  size_t k = 0;
  out[0] = '\0';
  for (size_t i = 0; i < r->n_dropped; i++)
    k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? "|" : "", r->dropped[i]);
  return out;
}

/* The root items flagged in skip, as "0101". */
static const char *skips(const setup *t) {
  static char out[64];
  size_t n = ra_relax_root_items(t->r->query);
  for (size_t i = 0; i < n && i + 1 < sizeof out; i++) out[i] = t->skip[i] ? '1' : '0';
  out[n < sizeof out ? n : sizeof out - 1] = '\0';
  return out;
}

/* ---- counting -------------------------------------------------------------------- */

static size_t root_items(const char *query) {
  setup t;
  size_t n = start(&t, query) ? ra_relax_root_items(t.r->query) : 999;
  finish(&t);
  return n;
}

static size_t count_words(const char *query, int stop_words) {
  setup t;
  size_t n = 999;
  RP.stop_words = stop_words;
  if (start(&t, query)) n = ra_relax_count_words(&t.b);
  finish(&t);
  ra_rank_params_default(&RP);
  return n;
}

static void test_counting(void) {
  ok(root_items("mentor residency zebra") == 3 && root_items("mentor (zebra OR quokka)") == 2,
     "root items: the kids of an AND root (groups count as one)");
  ok(root_items("mentor") == 0 && root_items("mentor OR zebra") == 0 &&
         ra_relax_root_items(NULL) == 0,
     "no AND root (one word, an OR, no query): no root items");
  ok(count_words("mentor residency zebra", 1) == 3, "three plain words: 3");
  ok(count_words("mentor -alumni tag:career category:x residency", 1) == 2,
     "NOT items and tag/category filters are not counted");
  ok(count_words("\"medical school\" mentor* title:zebra (a OR b)", 1) == 4,
     "phrases, wildcards, title: words and groups are counted");
  ok(count_words("the mentor of residency", 1) == 2,
     "stop words are not counted when there are other words");
  ok(count_words("the mentor of residency", 0) == 4, "... unless stop words are off");
  ok(count_words("\"of the\" mentor", 1) == 2,
     "a quoted phrase of stop words is counted");
  ok(count_words("\"the\" mentor", 1) == 1, "one quoted word is a plain word: a stop word");
  ok(count_words("the of", 1) == 2, "a query of only stop words counts them");
}

/* ---- dropping words --------------------------------------------------------------- */

static void test_drop(void) {
  setup t;
  ra_xquery *xq = NULL;
  int boolean = -1;
  ra_status st = RA_ERR_INTERNAL;
  if (start(&t, "mentor residency Zebra"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  ok(st == RA_OK && strcmp(dropped(t.r), "Zebra") == 0 && strcmp(skips(&t), "001") == 0,
     "the rarest word goes first, as the reader typed it (%s, skip %s)", dropped(t.r),
     skips(&t));
  ok(strcmp(t.r->relaxed, "no article contains every word; dropped \"Zebra\"") == 0,
     "the reader is told which (%s)", t.r->relaxed);
  ok(t.r->query->clauses[2].dropped && !t.r->query->clauses[0].dropped &&
         !t.r->query->clauses[1].dropped,
     "its clause is marked dropped, the others are not");
  uint32_t n = xq ? ra_search_count_matches(S, &RP, xq) : 0;
  ok(xq && n == 3 && !boolean, "the query without it finds the 3 articles with the rest (%u)", n);
  finish(&t);

  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "mentor quokka wombat"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  ok(st == RA_OK && strcmp(dropped(t.r), "wombat|quokka") == 0 && strcmp(skips(&t), "011") == 0,
     "equally rare words: the later first, until the rest match (%s)", dropped(t.r));
  ok(strcmp(t.r->relaxed, "no article contains every word; dropped \"wombat\" (in no "
                          "article), then \"quokka\" (in no article)") == 0,
     "the message lists each in order, and says when it is in no article (%s)",
     t.r->relaxed);
  n = xq ? ra_search_count_matches(S, &RP, xq) : 0;
  ok(n == 4, "what is left (mentor) matches 4 articles (%u)", n);
  finish(&t);

  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "quokka wombat"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  n = xq ? ra_search_count_matches(S, &RP, xq) : 99;
  ok(st == RA_OK && strcmp(dropped(t.r), "wombat") == 0 && xq && n == 0,
     "one word is always left, even when it matches nothing (%s, %u)", dropped(t.r), n);
  finish(&t);

  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "mentor zebra -crossing tag:wellness"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  n = xq ? ra_search_count_matches(S, &RP, xq) : 0;
  ok(st == RA_OK && strcmp(dropped(t.r), "zebra") == 0 && strcmp(skips(&t), "0100") == 0 &&
         n == 1,
     "NOT items and tag filters are never dropped (%s, skip %s, %u match)", dropped(t.r),
     skips(&t), n);
  finish(&t);

  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "the zebra residency"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  ok(st == RA_OK && strcmp(dropped(t.r), "zebra") == 0 && strcmp(skips(&t), "010") == 0,
     "a stop word is never dropped (%s, skip %s)", dropped(t.r), skips(&t));
  finish(&t);

  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "\"mentor zebra\" residency"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  ok(st == RA_OK && strcmp(dropped(t.r), "\"mentor zebra\"") == 0 &&
         t.r->query->clauses[0].dropped,
     "a phrase is dropped whole, quotes and all (%s)", dropped(t.r));
  finish(&t);

  /* A page already run for the strict query is cleared for the relaxed one. */
  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "mentor residency zebra")) {
    t.r->estimate = 7;
    t.r->hits = calloc(1, sizeof *t.r->hits);
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  }
  ok(st == RA_OK && t.r->n_dropped == 1 && t.r->estimate == 0 && !t.r->hits,
     "the strict query's page is cleared");
  finish(&t);

  /* Nothing to drop: a single meaningful word. */
  xq = NULL;
  st = RA_ERR_INTERNAL;
  if (start(&t, "quokka -mentor"))
    st = ra_relax_drop_words(&t.b, t.skip, t.r, &xq, &boolean, &t.err);
  ok(st == RA_OK && t.r->n_dropped == 0 && t.r->relaxed[0] == '\0' && xq == NULL,
     "one meaningful word: nothing dropped, nothing said");
  finish(&t);
}

/* The same through a whole search without tiers (tier_weight 0). */
static void test_search(void) {
  ra_results *r = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_search_opts o = {0, 10, 0};
  ra_rank_params notiers = RP;
  notiers.tier_weight = 0;
  ra_search_ext x = {0, 1, 0, 1, &notiers};
  ra_status st = ra_search_run_ext(S, "mentor residency zebra", 22, &o, &x, &r, &err);
  ok(st == RA_OK && r->n_dropped == 1 && strcmp(r->dropped[0], "zebra") == 0 &&
         r->n_hits == 3 && strstr(r->relaxed, "dropped \"zebra\""),
     "a search relaxes the same way and shows the relaxed query's page (%zu hits)",
     r ? r->n_hits : 0);
  ra_results_free(r);
  r = NULL;
  x.no_relax = 1;
  st = ra_search_run_ext(S, "mentor residency zebra", 22, &o, &x, &r, &err);
  ok(st == RA_OK && r->n_dropped == 0 && r->n_hits == 0 && r->relaxed[0] == '\0',
     "no_relax: nothing dropped, no hits");
  ra_results_free(r);
}

/* ---- a short query ranked in tiers -------------------------------------------------- */

static void test_tiers(void) {
  ra_results *r = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_search_opts o = {0, 10, 0};
  ra_search_ext x = {0, 1, 0, 1, NULL};
  /* residency: d1 d2 d3; alumni: d1; mentor: all four. */
  ra_status st = ra_search_run_ext(S, "residency alumni", 16, &o, &x, &r, &err);
  int order = st == RA_OK && r->n_hits == 3 && strcmp(r->hits[0].article->id, "d1") == 0 &&
              r->hits[0].words == 2 && r->hits[1].words == 1 && r->hits[2].words == 1;
  ok(order, "every word first, then the articles with one (%zu hits)", r ? r->n_hits : 0);
  ok(st == RA_OK && r->tiered == 2 && r->every_word == 1 && r->estimate == 3 &&
         r->relaxed[0] == '\0' && r->n_dropped == 0,
     "told how many hold every word; nothing said as relaxed (%u, %u)",
     r ? r->every_word : 0, r ? r->estimate : 0);
  ok(st == RA_OK && r->hits[0].score > 0 && r->hits[0].score < RA_TIER_WEIGHT,
     "the score shown is the BM25 score within the tier (%g)", r ? r->hits[0].score : -1);
  char note[160];
  if (r) ra_results_tier_note(r, note, sizeof note);
  ok(r && strcmp(note, "1 article contains every word; 2 more contain some") == 0,
     "the note: %s", r ? note : "?");
  ra_results_free(r);
  r = NULL;
  st = ra_search_run_ext(S, "alumni zebra quokka", 19, &o, &x, &r, &err);
  ok(st == RA_OK && r->every_word == 0 && r->n_hits == 2 && r->n_dropped == 1 &&
         strcmp(r->dropped[0], "quokka") == 0 &&
         strcmp(r->relaxed, "no article contains every word (\"quokka\" is in none); "
                            "those with the most of them come first") == 0,
     "none has every word: said, the word in no article named (%s)", r ? r->relaxed : "?");
  ra_results_free(r);
  r = NULL;
  st = ra_search_run_ext(S, "residency -alumni zebra", 23, &o, &x, &r, &err);
  int none_alumni = st == RA_OK && r->n_hits > 0;
  for (size_t i = 0; none_alumni && i < r->n_hits; i++)
    if (strcmp(r->hits[i].article->id, "d1") == 0) none_alumni = 0;
  ok(none_alumni, "a -word is never relaxed");
  ra_results_free(r);
  r = NULL;
  st = ra_search_run_ext(S, "residency zebra tag:career", 26, &o, &x, &r, &err);
  int only_career = st == RA_OK && r->n_hits == 2;
  for (size_t i = 0; only_career && i < r->n_hits; i++)
    if (strcmp(r->hits[i].article->id, "d1") && strcmp(r->hits[i].article->id, "d4"))
      only_career = 0;
  ok(only_career, "a tag filter is never relaxed (%zu hits)", r ? r->n_hits : 0);
  ra_results_free(r);
}

/* ---- a long query matched by any word --------------------------------------------- */

static void test_any_word(void) {
  setup t;
  int good = start(&t, "mentor residency zebra crossing");
  if (good) {
    t.b.any_word = 1;
    ra_relax_note_any_word(&t.b, t.skip, t.r);
  }
  ok(good && strcmp(t.r->relaxed, "no article contains every word; those with the most of "
                                  "them come first") == 0 &&
         t.b.any_word == 1 && t.r->n_dropped == 0,
     "any-word query that no article matches whole: said, nothing dropped (%s)",
     t.r->relaxed);
  finish(&t);

  good = start(&t, "mentor zebra crossing delta");
  if (good) {
    t.b.any_word = 1;
    ra_relax_note_any_word(&t.b, t.skip, t.r);
  }
  ok(good && t.r->relaxed[0] == '\0' && t.b.any_word == 1,
     "an article has every word: nothing said (%s)", good ? t.r->relaxed : "?");
  finish(&t);

  good = start(&t, "mentor residency zebra crossing");
  if (good) {
    t.b.any_word = 1;
    t.skip[2] = t.skip[3] = 1;
    ra_relax_note_any_word(&t.b, t.skip, t.r);
  }
  ok(good && t.r->relaxed[0] == '\0', "items left out (skip) are not required");
  finish(&t);
}

int main(void) {
  testidx ti;
  ra_error err;
  ra_error_clear(&err);
  ra_status bst = testidx_build(&ti, "relax", corpus, &err);
  if (bst != RA_OK || ti.stats.indexed != 4 ||
      ra_searcher_open(ti.db, &S, &err) != RA_OK) {
    printf("Bail out! index: %s\n", ra_error_message(&err));
    testidx_remove(&ti);
    return 1;
  }
  ra_rank_params_default(&RP);
  test_counting();
  test_drop();
  test_tiers();
  test_search();
  test_any_word();
  ra_searcher_free(S);
  testidx_remove(&ti);
  printf("1..%d\n", n_test);
  return n_fail ? 1 : 0;
}
