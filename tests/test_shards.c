/* test_shards.c - TAP tests for the index side of sharding (lib/index.c,
 * lib/dedup.c): a shard holds exactly its articles (JSON Lines records
 * filtered by ra_ident_shard), says which shard it is, refuses another
 * split without a rebuild; every article has its id slot, its group key
 * and one group term; grouping across shards gives a near-duplicate pair
 * split between two shards one key, the smaller id; ra:revision counts
 * publications; ra:lexicon decodes to the spelling words, updates
 * included; a shard rebuilt or updated alone keeps the key it shares with
 * another shard, and a new near-duplicate there takes that key.  Builds small JSON Lines indexes in a temporary directory. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ident.h"
#include "idxdir.h"
#include "index.h"
#include "schema.h"
#include "store.h"
#include "xap.h"

#include "tap.h"
#include "testidx.h"

/* Two ids in different shards of 2, the smaller one first. */
static void split_pair(char *a, char *b, size_t size) {
  for (unsigned i = 0;; i++) {
    snprintf(a, size, "dup%u", i);
    snprintf(b, size, "dup%u", i + 1);
    if (ra_ident_shard(a, strlen(a), 2) != ra_ident_shard(b, strlen(b), 2)) return;
  }
}

static const char *body_dup =
    "Residency interviews reward preparation: rehearse the answers about "
    "your research, your clinical rotations and why this programme, and "
    "keep notes on each conversation for the rank list afterwards.";

static char *corpus_text(const char *dupa, const char *dupb) {
  char *s = NULL;
  if (asprintf(&s,
               "{\"id\":\"%s\",\"title\":\"Interview preparation\",\"body\":\"%s\","
               "\"tags\":[\"interviews\",\"residency\",\"match\"]}\n"
               "{\"id\":\"%s\",\"title\":\"Interview preparation\",\"body\":\"%s\","
               "\"tags\":[\"interviews\",\"residency\",\"match\"]}\n"
               "{\"id\":\"solo1\",\"title\":\"Giraffe anatomy\",\"body\":\"The "
               "giraffe neck holds seven vertebrae, like ours.\"}\n"
               "{\"id\":\"solo2\",\"title\":\"Zebra stripes\",\"body\":\"Zebra "
               "stripes confuse biting flies in the savanna.\"}\n"
               "{\"id\":\"solo3\",\"title\":\"Okapi forests\",\"body\":\"The okapi "
               "lives in dense rainforest of central Africa.\"}\n"
               "{\"id\":\"solo4\",\"title\":\"Heron fishing\",\"body\":\"A heron "
               "waits motionless in shallow water for fish. Apply through the "
               "Electronic Residency Application Service (ERAS) early.\"}\n",
               dupa, body_dup, dupb, body_dup) < 0)
    return NULL;
  return s;
}

static char *meta(const char *db, const char *key) {
  ra_xdb *x = NULL;
  char *v = NULL;
  if (ra_xdb_open(db, &x, NULL) != RA_OK) return NULL;
  if (ra_xdb_get_metadata(x, key, &v, NULL, NULL) != RA_OK) v = NULL;
  ra_xdb_free(x);
  return v;
}

/* The unpacked lexicon of db, or NULL. */
static char *lexicon(const char *db) {
  ra_xdb *x = NULL;
  char *blob = NULL, *text = NULL;
  size_t len = 0, tl = 0;
  if (ra_xdb_open(db, &x, NULL) != RA_OK) return NULL;
  if (ra_xdb_get_metadata(x, RA_META_LEXICON, &blob, &len, NULL) == RA_OK && len)
    (void)ra_store_unpack(blob, len, &text, &tl, NULL);
  free(blob);
  ra_xdb_free(x);
  return text;
}

/* The group key (RA_SLOT_COLLAPSE) of article id in db, or NULL; *terms:
 * its number of group terms, *id_ok: whether RA_SLOT_ID holds the id. */
static int count_cb(void *ctx, const char *t, size_t len, uint32_t n) {
  (void)t;
  (void)len;
  (void)n;
  ++*(int *)ctx;
  return 0;
}

static char *group_of(const char *db, const char *id, int *terms, int *id_ok) {
  ra_xdb *x = NULL;
  char idterm[RA_IDENT_TERM_MAX + 1], *v = NULL, *iv = NULL;
  uint32_t docid = 0;
  *terms = 0;
  *id_ok = 0;
  if (ra_xdb_open(db, &x, NULL) != RA_OK) return NULL;
  ra_ident_term(RA_PREFIX_ID, id, strlen(id), idterm);
  if (ra_xdb_find(x, idterm, &docid, NULL) == RA_OK) {
    (void)ra_xdb_get_value(x, docid, RA_SLOT_COLLAPSE, &v, NULL, NULL);
    if (ra_xdb_get_value(x, docid, RA_SLOT_ID, &iv, NULL, NULL) == RA_OK)
      *id_ok = strcmp(iv, id) == 0;
    (void)ra_xdb_doc_terms(x, docid, RA_PREFIX_GROUP, count_cb, terms, NULL);
  }
  free(iv);
  ra_xdb_free(x);
  return v;
}

static ra_status build(const char *db, const char *src, unsigned k, unsigned n,
                       int rebuild, ra_index_stats *s, ra_error *err) {
  const char *inputs[] = {src};
  ra_index_opts o;
  memset(&o, 0, sizeof o);
  o.db_dir = db;
  o.inputs = inputs;
  o.n_inputs = 1;
  o.jobs = 1;
  o.shard = k;
  o.shards = n;
  o.rebuild = rebuild;
  ra_error_clear(err);
  return ra_index_build(&o, s, err);
}

int main(void) {
  printf("1..31\n");
  char dupa[32], dupb[32];
  split_pair(dupa, dupb, sizeof dupa);
  char *text = corpus_text(dupa, dupb);
  testidx ti;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = testidx_build(&ti, "shards", text, &err);
  ok(st == RA_OK, "the whole index builds: %s", ra_error_message(&err));

  /* The whole index: keys, terms, revision, lexicon, no shard. */
  int terms = 0, id_ok = 0;
  char *g = group_of(ti.db, "solo1", &terms, &id_ok);
  ok(g && strcmp(g, "solo1") == 0 && terms == 1 && id_ok,
     "an article alone is its own group, with one group term and its id slot");
  free(g);
  g = group_of(ti.db, dupb, &terms, &id_ok);
  ok(g && strcmp(g, dupa) == 0 && terms == 1,
     "a near-duplicate's key is the smaller id (%s), one group term", g ? g : "-");
  free(g);
  char *v = meta(ti.db, RA_META_REVISION);
  ok(v && strcmp(v, "1") == 0, "first build: ra:revision 1 (%s)", v ? v : "-");
  free(v);
  v = meta(ti.db, RA_META_SHARD);
  ok(v && !*v, "the whole index has no ra:shard");
  free(v);
  char *lex = lexicon(ti.db);
  ok(lex && strstr(lex, "s\tgiraffe\t") && strstr(lex, "s\tvertebrae\t1\n"),
     "ra:lexicon decodes to the spelling words with their frequencies");
  ok(lex && strstr(lex, "\ny\teras\telectronic residency application service\n"),
     "and to the synonym pairs (a learned acronym)");

  /* Two shards. */
  char src[600], s1[600], s2[600];
  snprintf(src, sizeof src, "%s/corpus", ti.dir);
  snprintf(s1, sizeof s1, "%s/shard-1", ti.dir);
  snprintf(s2, sizeof s2, "%s/shard-2", ti.dir);
  ra_index_stats a, b;
  st = build(s1, src, 1, 2, 0, &a, &err);
  ok(st == RA_OK, "shard 1/2 builds: %s", ra_error_message(&err));
  st = build(s2, src, 2, 2, 0, &b, &err);
  ok(st == RA_OK, "shard 2/2 builds: %s", ra_error_message(&err));
  ok(a.indexed + b.indexed == 6 && a.skipped == b.indexed && b.skipped == a.indexed,
     "every article in exactly one shard (%zu + %zu, skipped %zu, %zu)",
     a.indexed, b.indexed, a.skipped, b.skipped);
  v = meta(s1, RA_META_SHARD);
  ok(v && strcmp(v, "1/2") == 0, "a shard says which it is (%s)", v ? v : "-");
  free(v);
  const char *in1 = ra_ident_shard(dupa, strlen(dupa), 2) == 1 ? s1 : s2;
  const char *in2 = in1 == s1 ? s2 : s1;
  g = group_of(in2, dupb, &terms, &id_ok);
  ok(g && strcmp(g, dupb) == 0 && terms == 1,
     "before grouping across shards, each half of a split pair is alone");
  free(g);
  const char *dirs[] = {s1, s2};
  size_t groups = 0;
  unsigned long long revs[2] = {0, 0};
  ra_error_clear(&err);
  st = ra_index_regroup(dirs, 2, &groups, revs, &err);
  ok(st == RA_OK && groups == 1, "grouping across shards finds the pair (%zu): %s",
     groups, ra_error_message(&err));
  g = group_of(in2, dupb, &terms, &id_ok);
  ok(g && strcmp(g, dupa) == 0 && terms == 1,
     "the pair split between shards has one key, the smaller id (%s)", g ? g : "-");
  free(g);
  g = group_of(in1, dupa, &terms, &id_ok);
  ok(g && strcmp(g, dupa) == 0 && terms == 1, "its other half keeps its own id");
  free(g);
  unsigned long long r2 = in2 == s1 ? revs[0] : revs[1];
  unsigned long long r1 = in2 == s1 ? revs[1] : revs[0];
  v = meta(in2, RA_META_REVISION);
  ok(r2 == 2 && r1 == 1 && v && strcmp(v, "2") == 0,
     "only the shard that changed publishes a revision (%llu, %llu)", r1, r2);
  free(v);
  st = ra_index_regroup(dirs, 2, &groups, revs, &err);
  ok(st == RA_OK && revs[0] + revs[1] == 3, "grouping again changes nothing");

  /* Another split without --rebuild is refused; with it, done. */
  st = build(s1, src, 1, 3, 0, &a, &err);
  ok(st == RA_ERR_USAGE && strstr(ra_error_message(&err), "--rebuild"),
     "a shard of 2 asked to be one of 3 is refused: %s", ra_error_message(&err));
  st = build(ti.db, src, 1, 2, 0, &a, &err);
  ok(st == RA_ERR_USAGE && strstr(ra_error_message(&err), "whole collection"),
     "the whole index asked to be a shard is refused: %s", ra_error_message(&err));
  st = build(s1, src, 0, 0, 0, &a, &err);
  ok(st == RA_ERR_USAGE, "a shard asked to be the whole index is refused");
  st = build(s1, src, 1, 3, 1, &a, &err);
  v = meta(s1, RA_META_SHARD);
  ok(st == RA_OK && v && strcmp(v, "1/3") == 0,
     "--rebuild changes the split (%s)", v ? v : "-");
  free(v);
  v = meta(s1, RA_META_REVISION);
  char want[8];
  snprintf(want, sizeof want, "%d", (s1 == in2 ? 2 : 1) + 1);
  ok(v && strcmp(v, want) == 0, "a rebuild carries the revision on (%s, want %s)",
     v ? v : "-", want);
  free(v);

  /* An update: revision + 1, lexicon rewritten with the new words. */
  char file[700];
  snprintf(file, sizeof file, "%s/a.jsonl", src);
  FILE *f = fopen(file, "a");
  if (f) {
    fputs("{\"id\":\"solo5\",\"title\":\"Pangolin scales\",\"body\":\"The "
          "pangolin rolls into a ball of keratin scales.\"}\n", f);
    fclose(f);
  }
  st = build(ti.db, src, 0, 0, 0, &a, &err);
  ok(st == RA_OK && a.incremental && a.added == 1 && a.revision == 2,
     "an update adds the article and publishes revision 2 (%llu): %s",
     a.revision, ra_error_message(&err));
  free(lex);
  lex = lexicon(ti.db);
  ok(lex && strstr(lex, "s\tkeratin\t1\n") && strstr(lex, "s\tgiraffe\t"),
     "the update's lexicon holds the new words and the old");
  free(lex);

  /* Carried keys: a fresh pair of shards, grouped across. */
  char c1[600], c2[600];
  snprintf(c1, sizeof c1, "%s/carry-1", ti.dir);
  snprintf(c2, sizeof c2, "%s/carry-2", ti.dir);
  st = build(c1, src, 1, 2, 0, &a, &err);
  if (!st) st = build(c2, src, 2, 2, 0, &b, &err);
  const char *cdirs[] = {c1, c2};
  if (!st) st = ra_index_regroup(cdirs, 2, &groups, revs, &err);
  unsigned kb = ra_ident_shard(dupb, strlen(dupb), 2);
  const char *cb = kb == 1 ? c1 : c2;
  g = group_of(cb, dupb, &terms, &id_ok);
  ok(st == RA_OK && g && strcmp(g, dupa) == 0,
     "two shards grouped across: %s's key is %s (%s)", dupb, dupa, g ? g : "-");
  free(g);
  st = build(cb, src, kb, 2, 1, &a, &err);
  g = group_of(cb, dupb, &terms, &id_ok);
  ok(st == RA_OK && g && strcmp(g, dupa) == 0 && terms == 1,
     "rebuilt alone, the shard keeps the key from the other shard (%s)",
     g ? g : "-");
  free(g);
  /* A new near-duplicate in that shard, with an id smaller than the key. */
  char dnew[32];
  for (unsigned i = 0;; i++) {
    snprintf(dnew, sizeof dnew, "dua%u", i);
    if (ra_ident_shard(dnew, strlen(dnew), 2) == kb) break;
  }
  snprintf(file, sizeof file, "%s/b.jsonl", src);
  f = fopen(file, "w");
  if (f) {
    fprintf(f, "{\"id\":\"%s\",\"title\":\"Interview preparation\","
               "\"body\":\"%s\",\"tags\":[\"interviews\",\"residency\","
               "\"match\"]}\n", dnew, body_dup);
    fclose(f);
  }
  st = build(cb, src, kb, 2, 0, &a, &err);
  ok(st == RA_OK && a.incremental && a.added == 1,
     "the shard alone updates with a new near-duplicate %s: %s", dnew,
     ra_error_message(&err));
  g = group_of(cb, dnew, &terms, &id_ok);
  ok(g && strcmp(g, dupa) == 0 && terms == 1,
     "which joins the carried group, key %s (%s)", dupa, g ? g : "-");
  free(g);
  g = group_of(cb, dupb, &terms, &id_ok);
  ok(g && strcmp(g, dupa) == 0, "and the group is not split (%s)", g ? g : "-");
  free(g);
  st = ra_index_regroup(cdirs, 2, &groups, revs, &err);
  char *ga = group_of(kb == 1 ? c2 : c1, dupa, &terms, &id_ok);
  g = group_of(cb, dupb, &terms, &id_ok);
  ok(st == RA_OK && ga && g && strcmp(ga, dnew) == 0 && strcmp(g, dnew) == 0,
     "grouping across the shards recomputes the key: the smallest id, %s "
     "(%s, %s)", dnew, ga ? ga : "-", g ? g : "-");
  free(ga);
  free(g);
  st = build(cb, src, kb, 2, 1, &a, &err);
  g = group_of(cb, dnew, &terms, &id_ok);
  ok(st == RA_OK && g && strcmp(g, dnew) == 0,
     "a rebuild of the shard alone keeps that key (%s)", g ? g : "-");
  free(g);

  testidx_remove(&ti);
  free(text);
  return n_fail ? 1 : 0;
}
