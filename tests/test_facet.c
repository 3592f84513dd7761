/* test_facet.c - TAP tests for lib/facet.c: tag counts from the in-memory
 * table (a long-lived reader's, after ra_searcher_preload) must equal those
 * Xapian counts itself (a one-shot reader's), display forms included, when
 * articles spell one tag differently.  Builds a small JSON Lines index in
 * a temporary directory. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "idxdir.h"
#include "search.h"

#include "tap.h"

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

int main(void) {
  printf("1..8\n");
  char dir[] = "/tmp/ra-test-facet.XXXXXX";
  if (!mkdtemp(dir)) {
    printf("Bail out! mkdtemp failed\n");
    return 1;
  }
  char src[512], file[600], db[512];
  snprintf(src, sizeof src, "%s/corpus", dir);
  snprintf(file, sizeof file, "%s/a.jsonl", src);
  snprintf(db, sizeof db, "%s/db", dir);
  mkdir(src, 0777);
  FILE *f = fopen(file, "w");
  if (f) {
    fputs(corpus, f);
    fclose(f);
  }
  const char *inputs[] = {src};
  ra_index_opts o;
  memset(&o, 0, sizeof o);
  o.db_dir = db;
  o.inputs = inputs;
  o.n_inputs = 1;
  o.jobs = 1;
  ra_index_stats stats;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = ra_index_build(&o, &stats, &err);
  ok(st == RA_OK && stats.indexed == 4, "4 articles indexed (%s)",
     st ? ra_error_message(&err) : "ok");

  ra_searcher *plain = NULL, *table = NULL;
  ok(ra_searcher_open(db, &plain, &err) == RA_OK &&
         ra_searcher_open(db, &table, &err) == RA_OK &&
         ra_searcher_preload(table, &err) == RA_OK,
     "one searcher counts through Xapian, one from the preloaded table");
  static const char *const queries[] = {"zebra", "giraffe", "zebra OR giraffe",
                                        "rounds", "tag:career"};
  char *zebra = NULL, *giraffe = NULL;
  for (size_t i = 0; plain && table && i < sizeof queries / sizeof *queries; i++) {
    char *a = facets_of(plain, queries[i]), *b = facets_of(table, queries[i]);
    ok(a && b && strcmp(a, b) == 0, "%s: the same facets both ways (%s / %s)",
       queries[i], a ? a : "?", b ? b : "?");
    if (i == 0) zebra = a; else if (i == 1) giraffe = a; else free(a);
    free(b);
  }
  /* The display form is that of the first matching article. */
  ok(zebra && giraffe && strstr(zebra, "mental health|mental health|3;") &&
         strstr(giraffe, "mental health|MENTAL HEALTH|2;"),
     "each count shows its first match's spelling (%s / %s)", zebra ? zebra : "?",
     giraffe ? giraffe : "?");
  free(zebra);
  free(giraffe);
  ra_searcher_free(plain);
  ra_searcher_free(table);
  ra_rmtree(dir, NULL);
  return n_fail ? 1 : 0;
}
