/* testidx.h - what several C tests need besides TAP: a tiny index built
 * from JSON Lines in a fresh temporary directory, and a deterministic
 * xorshift generator so a failing random case is reproducible. */
#ifndef RA_TESTS_TESTIDX_H
#define RA_TESTS_TESTIDX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "idxdir.h"
#include "index.h"

/* Xorshift32 from a fixed seed; each test file has its own stream. */
static uint32_t rng_state = 0x12345678u;
static inline uint32_t rng(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng_state = x;
  return x;
}

/* A test index: dir is a new directory under /tmp named after tag, with
 * the articles of jsonl in dir/corpus/a.jsonl and the index in dir/db.
 * Remove it with testidx_remove. */
typedef struct testidx {
  char dir[256];
  char db[512];
  ra_index_stats stats;
} testidx;

/* Build it with one job.  RA_OK or the build's status, with err filled. */
static inline ra_status testidx_build(testidx *t, const char *tag,
                                      const char *jsonl, ra_error *err) {
  char src[512], file[600];
  memset(t, 0, sizeof *t);
  snprintf(t->dir, sizeof t->dir, "/tmp/ra-test-%s.XXXXXX", tag);
  if (!mkdtemp(t->dir))
    return ra_error_set(err, RA_ERR_IO, "mkdtemp %s failed", t->dir);
  snprintf(src, sizeof src, "%s/corpus", t->dir);
  snprintf(file, sizeof file, "%s/a.jsonl", src);
  snprintf(t->db, sizeof t->db, "%s/db", t->dir);
  mkdir(src, 0777);
  FILE *f = fopen(file, "w");
  if (!f) return ra_error_set(err, RA_ERR_IO, "cannot write %s", file);
  fputs(jsonl, f);
  if (fclose(f) != 0) return ra_error_set(err, RA_ERR_IO, "cannot write %s", file);
  const char *inputs[] = {src};
  ra_index_opts o;
  memset(&o, 0, sizeof o);
  o.db_dir = t->db;
  o.inputs = inputs;
  o.n_inputs = 1;
  o.jobs = 1;
  return ra_index_build(&o, &t->stats, err);
}

static inline void testidx_remove(testidx *t) { ra_rmtree(t->dir, NULL); }

#endif
