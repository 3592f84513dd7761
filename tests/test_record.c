/* test_record.c - TAP tests for lib/record.c, the binary record that keeps
 * each indexed article (record.h has the layout).
 *
 * Round trips of a JSON-loaded article with every kind of field (NULLs,
 * empty text, empty lists), then damage: every truncation and thousands of
 * randomly damaged records are rejected with RA_ERR_INVALID or decode to a
 * whole article, never a crash (run under AddressSanitizer for the "never
 * a crash" half); huge claimed lengths and absent required strings are
 * refused. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "record.h"

#include "tap.h"
#include "testidx.h"

/* ---- article records -------------------------------------------------------- */

static char *json_of(const ra_article *a) {
  char *j = NULL;
  ra_error err;
  ra_error_clear(&err);
  if (ra_article_to_json(a, 0, &j, &err) != RA_OK) return NULL;
  return j;
}

static const char rec_json[] =
    "{\"id\":\"x1\",\"path\":\"corpus/x1.txt\",\"url\":null,\"title\":\"Caf\u00e9 "
    "Mentoring \\\"101\\\"\",\"category\":\"Residency Life\",\"tags\":[\"Mentorship\","
    "\"Medical Community\"],\"sections\":[{\"heading\":null,\"blocks\":[{\"kind\":\"para\","
    "\"level\":0,\"text\":\"Lead text.\"}]},{\"heading\":\"Where to Look\",\"blocks\":"
    "[{\"kind\":\"item\",\"level\":2,\"text\":\"Alumni \u2014 networks\"},{\"kind\":"
    "\"para\",\"level\":0,\"text\":\"\"}]}],\"illustrations\":[\"A stethoscope.\"],"
    "\"faqs\":[{\"question\":\"How?\",\"answer\":[{\"kind\":\"para\",\"level\":0,"
    "\"text\":\"Ask.\"}]},{\"question\":\"Empty?\",\"answer\":[]}]}";

static void test_records(void) { /* 7 tests */
  ra_error err;
  ra_error_clear(&err);
  ra_article *a = NULL, *b = NULL;
  char *rec = NULL, *j1 = NULL, *j2 = NULL;
  size_t rl = 0;
  int ok1 = ra_article_from_json(rec_json, strlen(rec_json), &a, &err) == RA_OK &&
            ra_record_encode(a, &rec, &rl, &err) == RA_OK && ra_record_is(rec, rl) &&
            ra_record_decode(rec, rl, &b, &err) == RA_OK;
  j1 = a ? json_of(a) : NULL;
  j2 = b ? json_of(b) : NULL;
  ok(ok1 && j1 && j2 && strcmp(j1, j2) == 0 && b->block != NULL,
     "record round trip: every field, NULLs, empty text and empty lists survive (%zu bytes "
     "vs %zu of JSON)", rl, j1 ? strlen(j1) : 0);
  ok(b && b->n_sections == 2 && b->sections[0].heading == NULL && b->url == NULL &&
         b->sections[1].blocks[0].level == 2 && b->sections[1].blocks[0].kind == RA_BLOCK_ITEM &&
         b->n_faqs == 2 && b->faqs[1].n_answer == 0 && b->faqs[1].answer == NULL,
     "decoded record: headings, kinds, levels, empty answers as built");
  free(j1);
  free(j2);
  ra_article_free(b);
  b = NULL;

  /* Every truncation is damage, never a crash or a partial article. */
  int trunc_ok = 1;
  for (size_t n = 0; rec && n < rl; n++) {
    char *cut = malloc(n ? n : 1);
    memcpy(cut, rec, n);
    ra_error_clear(&err);
    ra_status st = ra_record_decode(cut, n, &b, &err);
    if (st == RA_OK || b) trunc_ok = 0;
    ra_article_free(b);
    b = NULL;
    free(cut);
  }
  ok(trunc_ok, "all %zu truncations of a record are rejected", rl);

  /* Random damage: any answer but a crash; a success is a whole article. */
  int damage_ok = 1, rejected = 0;
  for (int it = 0; rec && it < 5000; it++) {
    char *d = malloc(rl);
    memcpy(d, rec, rl);
    int flips = 1 + (int)(rng() % 4);
    for (int f = 0; f < flips; f++) d[4 + rng() % (rl - 4)] = (char)rng();
    ra_error_clear(&err);
    ra_status st = ra_record_decode(d, rl, &b, &err);
    if (st != RA_OK) {
      rejected++;
      if (b || !err.msg[0]) damage_ok = 0;
    } else {
      /* Whole: every string reachable and terminated.  (Bytes inside a
       * string may be anything: the zlib layer's checksum is what
       * catches damage on disk; this is the decoder's own safety.) */
      /* The strings callers take for granted are all there. */
      size_t total = 0;
      if (!b->id || !b->title) damage_ok = 0;
      else total = strlen(b->id) + strlen(b->title);
      for (size_t t = 0; t < b->n_tags; t++)
        if (b->tags[t]) total += strlen(b->tags[t]); else damage_ok = 0;
      for (size_t t = 0; t < b->n_illustrations; t++)
        if (b->illustrations[t]) total += strlen(b->illustrations[t]); else damage_ok = 0;
      for (size_t x = 0; x < b->n_sections; x++)
        for (size_t k = 0; k < b->sections[x].n_blocks; k++)
          if (b->sections[x].blocks[k].text) total += strlen(b->sections[x].blocks[k].text);
          else damage_ok = 0;
      for (size_t x = 0; x < b->n_faqs; x++) {
        if (!b->faqs[x].question) damage_ok = 0;
        for (size_t k = 0; k < b->faqs[x].n_answer; k++)
          if (b->faqs[x].answer[k].text) total += strlen(b->faqs[x].answer[k].text);
          else damage_ok = 0;
      }
      if (total > rl) damage_ok = 0;
    }
    ra_article_free(b);
    b = NULL;
    free(d);
  }
  ok(damage_ok, "5000 damaged records: rejected with a message (%d) or decoded whole", rejected);

  /* Huge counts and lengths cannot make the decoder allocate for them. */
  static const char huge[] = {'R', 'A', 'R', '1', (char)0x81, 'x', (char)0xff, (char)0xff,
                              (char)0xff, (char)0xff, 0x0f};
  ra_error_clear(&err);
  ok(ra_record_decode(huge, sizeof huge, &b, &err) == RA_ERR_INVALID && !b,
     "a record claiming a 4 GB string is rejected");
  ok(!ra_record_is("{\"id\":1}", 9) && !ra_record_is("RAR", 3),
     "JSON from an older index is not taken for a record");

  /* A required string written as absent: the record is damaged, not an
   * article with a NULL where every caller expects text. */
  int absent_ok = 1;
  for (int which = 0; a && which < 5; which++) {
    char *saved = NULL, **slot = NULL;
    switch (which) {
    case 0: slot = &a->id; break;
    case 1: slot = a->n_tags ? &a->tags[0] : NULL; break;
    case 2: slot = a->n_illustrations ? &a->illustrations[0] : NULL; break;
    case 3: slot = a->n_sections && a->sections[0].n_blocks ? &a->sections[0].blocks[0].text : NULL; break;
    default: slot = a->n_faqs ? &a->faqs[0].question : NULL; break;
    }
    if (!slot) { absent_ok = 0; continue; }
    saved = *slot;
    *slot = NULL;
    char *r2 = NULL;
    size_t l2 = 0;
    ra_error_clear(&err);
    if (ra_record_encode(a, &r2, &l2, &err) != RA_OK ||
        ra_record_decode(r2, l2, &b, &err) != RA_ERR_INVALID || b)
      absent_ok = 0;
    ra_article_free(b);
    b = NULL;
    free(r2);
    *slot = saved;
  }
  ok(absent_ok, "a record without its id, a tag, an illustration, a block's text "
                "or a FAQ question is rejected");
  free(rec);
  ra_article_free(a);
}

int main(void) {
  printf("1..%d\n", 7);
  test_records(); /* 7 */
  if (n_fail) diag("%d of %d tests failed", n_fail, n_test);
  return n_fail ? 1 : 0;
}
