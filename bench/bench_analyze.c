/* bench_analyze.c - analysis-only throughput, the baseline the indexer's
 * speed is judged against (indexing must stay within 2x of this).
 *
 *   bench_analyze [--repeat N] [--icu-only] [FILE...]
 *
 * Without files it reads the *.txt files of $srcdir/corpus, else of
 * ./corpus.  The files are loaded once, then each is analyzed N times with
 * one analyzer, as the indexer does.  MB/s counts input bytes,
 * 1 MB = 10^6 bytes.  --icu-only segments ASCII text with ICU as well
 * (no fast path), to measure what the fast path saves. */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"

typedef struct text {
  char *p;
  size_t n;
} text;

typedef struct counts {
  size_t tokens;
  size_t bytes; /* of word+stem, so the work cannot be optimized away */
} counts;

static int count_cb(void *ctx, const ra_token *t) {
  counts *c = ctx;
  c->tokens++;
  c->bytes += t->word_len + t->stem_len;
  return 0;
}

static int load(const char *path, text *t) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  size_t cap = 1 << 16, n = 0;
  char *p = malloc(cap);
  for (;;) {
    if (!p) break;
    n += fread(p + n, 1, cap - n, f);
    if (n < cap) break;
    char *q = realloc(p, cap * 2);
    if (!q) {
      free(p);
      p = NULL;
      break;
    }
    p = q;
    cap *= 2;
  }
  int bad = ferror(f) || !p;
  fclose(f);
  if (bad) {
    fprintf(stderr, "%s: read error\n", path);
    free(p);
    return -1;
  }
  t->p = p;
  t->n = n;
  return 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr, "usage: bench_analyze [--repeat N] [--icu-only] [FILE...]\n");
  exit(2);
}

int main(int argc, char **argv) {
  long repeat = 200;
  int i = 1, icu_only = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      char *end;
      repeat = strtol(argv[++i], &end, 10);
      if (*end || repeat < 1) usage();
    } else if (strncmp(argv[i], "--repeat=", 9) == 0) {
      char *end;
      repeat = strtol(argv[i] + 9, &end, 10);
      if (*end || repeat < 1) usage();
    } else if (strcmp(argv[i], "--icu-only") == 0) {
      icu_only = 1;
    } else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else {
      usage();
    }
  }

  glob_t g;
  memset(&g, 0, sizeof g);
  char **files = argv + i;
  size_t nfiles = (size_t)(argc - i);
  if (nfiles == 0) {
    const char *srcdir = getenv("srcdir");
    char pat[4096];
    snprintf(pat, sizeof pat, "%s/corpus/*.txt",
             srcdir && *srcdir ? srcdir : ".");
    if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
      fprintf(stderr, "bench_analyze: no files match %s\n", pat);
      return 1;
    }
    files = g.gl_pathv;
    nfiles = g.gl_pathc;
  }

  text *texts = calloc(nfiles, sizeof *texts);
  if (!texts) return 1;
  size_t total = 0;
  for (size_t k = 0; k < nfiles; k++) {
    if (load(files[k], &texts[k]) != 0) return 1;
    total += texts[k].n;
  }

  ra_analyzer *a;
  ra_error err;
  ra_error_clear(&err);
  if (ra_analyzer_new(&a, &err) != RA_OK) {
    fprintf(stderr, "bench_analyze: %s\n", ra_error_message(&err));
    return 1;
  }
  ra_analyzer_set_icu_only(a, icu_only);

  /* One untimed pass warms the caches (ICU data, stem cache, buffers). */
  counts c = {0, 0};
  for (size_t k = 0; k < nfiles; k++)
    if (ra_analyze(a, texts[k].p, texts[k].n, 0, count_cb, &c, NULL, &err) !=
        RA_OK) {
      fprintf(stderr, "bench_analyze: %s: %s\n", files[k],
              ra_error_message(&err));
      return 1;
    }
  size_t per_pass = c.tokens;

  c.tokens = 0;
  double t0 = now();
  for (long r = 0; r < repeat; r++)
    for (size_t k = 0; k < nfiles; k++)
      if (ra_analyze(a, texts[k].p, texts[k].n, 0, count_cb, &c, NULL,
                     &err) != RA_OK) {
        fprintf(stderr, "bench_analyze: %s\n", ra_error_message(&err));
        return 1;
      }
  double dt = now() - t0;
  if (dt <= 0) dt = 1e-9;

  double bytes = (double)total * (double)repeat;
  printf("analysis: %.1f MB/s (%zu bytes x %ld repeats, %zu files, "
         "%zu tokens/pass, %.2f s)\n",
         bytes / dt / 1e6, total, repeat, nfiles, per_pass, dt);
  printf("tokens: %.2f M tokens/s (%zu tokens)\n",
         (double)c.tokens / dt / 1e6, c.tokens);

  ra_analyzer_free(a);
  for (size_t k = 0; k < nfiles; k++) free(texts[k].p);
  free(texts);
  globfree(&g);
  return 0;
}
