/* test_facet.c - TAP tests for lib/facet.c: tag counts from the in-memory
 * table (a long-lived reader's, after ra_searcher_preload) and from the
 * indexer's table file (mapped at open) must equal those Xapian counts
 * itself (a reader without the file), display forms included, when
 * articles spell one tag differently; a stale or damaged file is refused
 * and never read out of bounds.  Builds a small JSON Lines index in a
 * temporary directory. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facet.h"
#include "index.h"
#include "idxdir.h"
#include "search.h"
#include "xap.h"

#include "tap.h"
#include "testidx.h"

/* Docids follow the lines: "giraffe" first matches d3, whose spelling of
 * the tag differs from d1's, the first article that has it. */
static const char corpus[] =
    "{\"id\":\"d1\",\"title\":\"Alpha\",\"body\":\"zebra crossing notes\","
    "\"tags\":[\"mental health\",\"Career\"]}\n"
    "{\"id\":\"d2\",\"title\":\"Beta\",\"body\":\"zebra stripes in the ward\","
    "\"tags\":[\"Mental Health\"]}\n"
    "{\"id\":\"d3\",\"title\":\"Gamma\",\"body\":\"zebra and giraffe rounds\","
    "\"tags\":[\"MENTAL HEALTH\",\"career\"]}\n"
    "{\"id\":\"d4\",\"title\":\"Delta\",\"body\":\"giraffe on call\","
    "\"tags\":[\"Mental health\",\"CAREER\"]}\n";

static char *facets_of(ra_searcher *s, const char *q) {
  ra_results *r = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_search_opts o = {0, 10, 0};
  if (ra_search_run(s, q, strlen(q), &o, &r, &err) != RA_OK) {
    diag("%s: %s", q, ra_error_message(&err));
    return NULL;
  }
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&out, &len);
  for (size_t i = 0; f && i < r->n_facets; i++)
    fprintf(f, "%s|%s|%u;", r->facets[i].folded, r->facets[i].tag, r->facets[i].count);
  if (f) fclose(f);
  ra_results_free(r);
  return out;
}

static int count_nothing(void *ctx, const char *k, size_t kl, const char *d,
                         size_t dl, uint32_t n) {
  (void)ctx;
  /* Touch every byte handed out, so ASan sees any read out of bounds. */
  volatile unsigned sum = n;
  for (size_t i = 0; i < kl; i++) sum += (unsigned char)k[i];
  for (size_t i = 0; i < dl; i++) sum += (unsigned char)d[i];
  return 0;
}

int main(void) {
  printf("1..16\n");
  testidx ti;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = testidx_build(&ti, "facet", corpus, &err);
  const char *db = ti.db;
  ra_index_stats stats = ti.stats;
  ok(st == RA_OK && stats.indexed == 4, "4 articles indexed (%s)",
     st ? ra_error_message(&err) : "ok");

  /* The indexer wrote the table file; a reader without it counts through
   * Xapian. */
  char gen[64] = "", gpath[700], fpath[800], moved[820];
  ra_idxdir_current(db, gen, sizeof gen, NULL);
  snprintf(gpath, sizeof gpath, "%s/%s", db, gen);
  snprintf(fpath, sizeof fpath, "%s/%s", gpath, RA_FACET_FILE);
  snprintf(moved, sizeof moved, "%s.away", fpath);
  struct stat sb;
  ok(gen[0] && stat(fpath, &sb) == 0 && sb.st_size > 0, "the indexer wrote %s", RA_FACET_FILE);
  ra_searcher *plain = NULL, *table = NULL, *mapped = NULL;
  int away = rename(fpath, moved) == 0;
  ok(away && ra_searcher_open(db, &plain, &err) == RA_OK &&
         ra_searcher_open(db, &table, &err) == RA_OK &&
         ra_searcher_preload(table, &err) == RA_OK && rename(moved, fpath) == 0 &&
         ra_searcher_open(db, &mapped, &err) == RA_OK,
     "searchers counting through Xapian, from the preloaded table, from the file");
  ok(mapped && ra_searcher_preload_bytes(mapped) > 0 && plain &&
         ra_searcher_preload_bytes(plain) == 0,
     "the file is mapped at open; without it nothing is (%zu / %zu bytes)",
     mapped ? ra_searcher_preload_bytes(mapped) : 0,
     plain ? ra_searcher_preload_bytes(plain) : 0);
  static const char *const queries[] = {"zebra", "giraffe", "zebra OR giraffe",
                                        "rounds", "tag:career"};
  char *zebra = NULL, *giraffe = NULL;
  for (size_t i = 0; plain && table && mapped && i < sizeof queries / sizeof *queries; i++) {
    char *a = facets_of(plain, queries[i]), *b = facets_of(table, queries[i]),
         *c = facets_of(mapped, queries[i]);
    ok(a && b && c && strcmp(a, b) == 0 && strcmp(a, c) == 0,
       "%s: the same facets all three ways (%s / %s / %s)", queries[i], a ? a : "?",
       b ? b : "?", c ? c : "?");
    if (i == 0) zebra = a; else if (i == 1) giraffe = a; else free(a);
    free(b);
    free(c);
  }
  /* The display form is that of the first matching article. */
  ok(zebra && giraffe && strstr(zebra, "mental health|mental health|3;") &&
         strstr(giraffe, "mental health|MENTAL HEALTH|2;"),
     "each count shows its first match's spelling (%s / %s)", zebra ? zebra : "?",
     giraffe ? giraffe : "?");
  free(zebra);
  free(giraffe);

  /* Stale: another revision or database is refused as "not found". */
  ra_xdb *x = NULL;
  char uuid[64] = "";
  uint32_t rev = 0;
  if (ra_xdb_open(gpath, &x, NULL) == RA_OK) {
    ra_xdb_uuid(x, uuid, sizeof uuid);
    rev = ra_xdb_revision(x);
    ra_xdb_free(x);
  }
  ra_facet_table *t = NULL;
  ok(uuid[0] && ra_facet_table_map(fpath, uuid, rev, &t, NULL) == RA_OK && t,
     "the file maps for its own database and revision (%u)", rev);
  ra_facet_table_free(t);
  t = NULL;
  ok(ra_facet_table_map(fpath, uuid, rev + 1, &t, NULL) == RA_ERR_NOTFOUND && !t,
     "another revision: refused as stale");
  ok(ra_facet_table_map(fpath, "00000000-0000-0000-0000-000000000000", rev, &t, NULL) ==
             RA_ERR_NOTFOUND && !t,
     "another database: refused as stale");

  /* Damaged: truncated, and every byte changed in turn.  What maps must
   * count in bounds (ASan watches); most changes must be caught. */
  size_t len = 0;
  char *orig = NULL;
  FILE *in = fopen(fpath, "rb");
  if (in) {
    orig = malloc((size_t)sb.st_size);
    len = orig ? fread(orig, 1, (size_t)sb.st_size, in) : 0;
    fclose(in);
  }
  char bad[820];
  snprintf(bad, sizeof bad, "%s.bad", fpath);
  int trunc_refused = len > 0;
  for (size_t cut = 0; orig && cut < len; cut += 1 + cut / 4) {
    FILE *w = fopen(bad, "wb");
    if (w) {
      fwrite(orig, 1, cut, w);
      fclose(w);
    }
    if (ra_facet_table_map(bad, uuid, rev, &t, NULL) != RA_ERR_INVALID) trunc_refused = 0;
    ra_facet_table_free(t);
    t = NULL;
  }
  ok(trunc_refused, "every truncation is refused as damaged");
  size_t caught = 0, mapped_ok = 0;
  uint32_t all_ids[5] = {1, 2, 3, 4, 99};
  for (size_t at = 0; orig && at < len; at++) {
    for (int v = 0; v < 2; v++) {
      char *copy = malloc(len);
      memcpy(copy, orig, len);
      copy[at] = (char)(v ? 0xff : copy[at] ^ 0x5a);
      FILE *w = fopen(bad, "wb");
      if (w) {
        fwrite(copy, 1, len, w);
        fclose(w);
      }
      free(copy);
      ra_status ms = ra_facet_table_map(bad, uuid, rev, &t, NULL);
      if (ms == RA_OK) {
        mapped_ok++;
        ra_facet_table_count(t, all_ids, 5, count_nothing, NULL, NULL);
      } else {
        caught++;
      }
      ra_facet_table_free(t);
      t = NULL;
    }
  }
  ok(caught > 0 && caught + mapped_ok == 2 * len,
     "changed bytes: %zu refused, %zu mapped and counted in bounds", caught, mapped_ok);

  /* A run damaged inside (the map accepts it): the count says so before
   * counting, and the searcher counts through Xapian instead. */
  int damaged_same = 0;
  if (orig && len > 24) {
    uint32_t n_keys, max_docid;
    memcpy(&max_docid, orig + 12, 4);
    memcpy(&n_keys, orig + 16, 4);
    size_t at2 = 72 + 20 * (size_t)n_keys + 2 * 4; /* start[2] */
    if (max_docid >= 3 && at2 + 4 <= len) {
      char *copy = malloc(len);
      memcpy(copy, orig, len);
      uint32_t huge = 0x7fffffffu;
      memcpy(copy + at2, &huge, 4);
      FILE *w = fopen(fpath, "wb");
      if (w) {
        fwrite(copy, 1, len, w);
        fclose(w);
      }
      free(copy);
      ra_searcher *dmg = NULL;
      if (ra_searcher_open(db, &dmg, &err) == RA_OK) {
        size_t before = ra_searcher_preload_bytes(dmg);
        char *want = facets_of(plain, "zebra"), *got = facets_of(dmg, "zebra");
        damaged_same = before > 0 && want && got && strcmp(want, got) == 0 &&
                       ra_searcher_preload_bytes(dmg) == 0;
        if (!damaged_same)
          diag("mapped %zu bytes, then %zu; %s / %s", before, ra_searcher_preload_bytes(dmg),
               want ? want : "?", got ? got : "?");
        free(want);
        free(got);
        ra_searcher_free(dmg);
      }
      w = fopen(fpath, "wb"); /* put the good file back */
      if (w) {
        fwrite(orig, 1, len, w);
        fclose(w);
      }
    }
  }
  ok(damaged_same, "a damaged run inside the file: dropped, counted through Xapian, same facets");
  free(orig);
  unlink(bad);
  ra_searcher_free(plain);
  ra_searcher_free(mapped);
  ra_searcher_free(table);
  testidx_remove(&ti);
  return n_fail ? 1 : 0;
}
