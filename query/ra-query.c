/* ra-query - search the rasearch index from the command line.  Options
 * only; parsing, ranking and snippets are in lib/search.c, rendering in
 * lib/format.c.  Exit codes: docs/exit-codes.md. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "idxdir.h"
#include "search.h"
#include "status.h"

enum {
  EXIT_OK = 0,
  EXIT_NOMATCH = 1,
  EXIT_USAGE = 2,
  EXIT_NOINDEX = 4,
  EXIT_ERROR = 5
};

static void usage(FILE *f) {
  fprintf(f,
          "Usage: ra-query [OPTIONS] WORDS...\n"
          "Search the rasearch index and print the best articles.\n\n"
          "  -d, --db PATH        index directory (default: $RASEARCH_DB,\n"
          "                       else %s)\n"
          "  -f, --format FMT     text (default) or json\n"
          "  -n, --count N        hits per page, 1-100 (default 10)\n"
          "  -p, --page N         page of results, from 1 (default 1)\n"
          "      --color WHEN     highlight with bold: auto, always, never\n"
          "  -h, --help           this help\n"
          "  -V, --version        version\n\n"
          "Query syntax: words (all must match), \"exact phrase\", -word "
          "(exclude),\n"
          "tag:mentorship, tag:\"career development\", title:word, "
          "category:\"...\".\n\n"
          "Exit status: 0 results, 1 no match, 2 usage or unusable query,\n"
          "4 no index (build one with ra-index), 5 error.\n",
          RA_DEFAULT_DB);
}

static int parse_num(const char *s, long min, long max, long *out) {
  char *end;
  long v;
  if (!s || !*s) return -1;
  v = strtol(s, &end, 10);
  if (*end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"db", required_argument, NULL, 'd'},
      {"format", required_argument, NULL, 'f'},
      {"count", required_argument, NULL, 'n'},
      {"page", required_argument, NULL, 'p'},
      {"color", required_argument, NULL, 'c'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *db_opt = NULL;
  ra_format fmt = RA_FMT_TEXT;
  int color = -1; /* auto */
  long count = 10, page = 1;
  int c;

  while ((c = getopt_long(argc, argv, "d:f:n:p:hV", longopts, NULL)) != -1) {
    switch (c) {
    case 'd': db_opt = optarg; break;
    case 'f':
      if (strcmp(optarg, "text") == 0) fmt = RA_FMT_TEXT;
      else if (strcmp(optarg, "json") == 0) fmt = RA_FMT_JSON;
      else {
        fprintf(stderr, "ra-query: --format: expected text or json, got '%s'\n",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'n':
      if (parse_num(optarg, 1, 100, &count)) {
        fprintf(stderr, "ra-query: --count: expected 1-100, got '%s'\n",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'p':
      if (parse_num(optarg, 1, 100000, &page)) {
        fprintf(stderr, "ra-query: --page: expected 1-100000, got '%s'\n",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'c':
      if (strcmp(optarg, "auto") == 0) color = -1;
      else if (strcmp(optarg, "always") == 0) color = 1;
      else if (strcmp(optarg, "never") == 0) color = 0;
      else {
        fprintf(stderr,
                "ra-query: --color: expected auto, always or never, got "
                "'%s'\n",
                optarg);
        return EXIT_USAGE;
      }
      break;
    case 'h': usage(stdout); return EXIT_OK;
    case 'V': printf("ra-query (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "ra-query: no search words given\n");
    usage(stderr);
    return EXIT_USAGE;
  }
  if (db_opt && !*db_opt) {
    fprintf(stderr, "ra-query: --db: empty path\n");
    return EXIT_USAGE;
  }

  /* The words are one query, as if typed into a search box. */
  size_t qlen = 0;
  for (int i = optind; i < argc; i++) qlen += strlen(argv[i]) + 1;
  char *q = malloc(qlen + 1);
  if (!q) {
    fprintf(stderr, "ra-query: out of memory\n");
    return EXIT_ERROR;
  }
  q[0] = '\0';
  size_t pos = 0;
  for (int i = optind; i < argc; i++) {
    size_t l = strlen(argv[i]);
    if (pos) q[pos++] = ' ';
    memcpy(q + pos, argv[i], l);
    pos += l;
  }
  q[pos] = '\0';

  ra_error err;
  ra_error_clear(&err);
  ra_searcher *s = NULL;
  ra_results *r = NULL;
  int rc = EXIT_OK;
  ra_status st = ra_searcher_open(ra_idxdir_choose(db_opt), &s, &err);
  if (st == RA_OK) {
    ra_search_opts o = {(size_t)((page - 1) * count), (size_t)count, 3};
    st = ra_search_run(s, q, pos, &o, &r, &err);
  }
  if (st == RA_OK) {
    int flags = 0;
    if (color == 1 || (color == -1 && isatty(STDOUT_FILENO) &&
                       !getenv("NO_COLOR")))
      flags |= RA_FMT_ANSI;
    st = ra_format_results(stdout, fmt, flags, r, &err);
    if (st == RA_OK && fflush(stdout) != 0)
      st = ra_error_set(&err, RA_ERR_IO, "writing results to stdout failed");
    if (st == RA_OK && r->n_hits == 0) rc = EXIT_NOMATCH;
  }
  if (st != RA_OK) {
    fprintf(stderr, "ra-query: %s\n", ra_error_message(&err));
    switch (st) {
    case RA_ERR_NOINDEX: rc = EXIT_NOINDEX; break;
    case RA_ERR_INVALID:
    case RA_ERR_TOOBIG:
    case RA_ERR_USAGE: rc = EXIT_USAGE; break;
    default: rc = EXIT_ERROR; break;
    }
  }
  ra_results_free(r);
  ra_searcher_free(s);
  free(q);
  return rc;
}
