/* ra-query - search the rasearch index from the command line.  Options
 * only; parsing is in lib/qparse.c, searching in lib/search.c (the module
 * map: docs/architecture.md), snippets in lib/snippet.c, rendering in
 * lib/format.c (lib/html.c for --format html).  Exit codes:
 * docs/exit-codes.md; manual: doc/ra-query.1. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "html.h"
#include "idxdir.h"
#include "search.h"
#include "status.h"

/* The exit code for a status: ra-query's column of the table in status.h. */
static int exit_for(ra_status st) { return ra_status_exit(st, RA_PROG_QUERY); }

enum { MODE_SEARCH, MODE_TAGS, MODE_COMPLETE, MODE_RELATED };
enum { FMT_TEXT, FMT_JSON, FMT_HTML };

static void usage(FILE *f) {
  fprintf(f,
          "Usage: ra-query [OPTIONS] WORDS...\n"
          "       ra-query --tags | --complete PREFIX... | --related ID\n"
          "Search the rasearch index and print the best articles.\n\n"
          "  -d, --db PATH        index directory (default: $RASEARCH_DB,\n"
          "                       else %s)\n"
          "  -f, --format FMT     text (default), json or html\n"
          "  -n, --per-page N     hits per page, 1-100 (default 10; also --count)\n"
          "  -p, --page N         page of results, from 1 (default 1)\n"
          "      --explain        show matched fields, terms and score parts\n"
          "      --tags           list every tag with its article count\n"
          "      --complete       complete the last word of WORDS from the index\n"
          "      --related ID     articles related to the article ID\n"
          "      --no-expand      do not add synonyms and acronyms\n"
          "      --time-limit MS  time budget of a search, 0 for none (default 2000);\n"
          "                       past it the answer is cut short and says so\n"
          "      --color WHEN     highlight with bold: auto, always, never\n"
          "  -h, --help           this help\n"
          "  -V, --version        version\n\n"
          "Query syntax: words (all must match), \"exact phrase\", -word or "
          "NOT word,\n"
          "a OR b, (grouping), word* (prefix), title:word, tag:mentorship,\n"
          "tag:\"career development\", category:\"...\".  See ra-query(1).\n\n"
          "Exit status: %d results, %d no match (or page past the end, unknown "
          "tag or id),\n"
          "%d usage or unusable query, %d no index (build one with ra-index), "
          "%d error.\n",
          RA_DEFAULT_DB, exit_for(RA_OK), RA_EXIT_QUERY_NOMATCH,
          exit_for(RA_ERR_USAGE), exit_for(RA_ERR_NOINDEX),
          exit_for(RA_ERR_IO));
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

/* The words are one query, as if typed into a search box.  Malloc'd. */
static char *join_args(int argc, char **argv, int first, size_t *len) {
  size_t qlen = 0;
  for (int i = first; i < argc; i++) qlen += strlen(argv[i]) + 1;
  char *q = malloc(qlen + 1);
  if (!q) return NULL;
  size_t pos = 0;
  for (int i = first; i < argc; i++) {
    size_t l = strlen(argv[i]);
    if (pos) q[pos++] = ' ';
    memcpy(q + pos, argv[i], l);
    pos += l;
  }
  q[pos] = '\0';
  *len = pos;
  return q;
}

int main(int argc, char **argv) {
  enum { OPT_COLOR = 256, OPT_EXPLAIN, OPT_TAGS, OPT_COMPLETE, OPT_RELATED,
         OPT_NOEXPAND, OPT_TIMELIMIT };
  static const struct option longopts[] = {
      {"db", required_argument, NULL, 'd'},
      {"format", required_argument, NULL, 'f'},
      {"count", required_argument, NULL, 'n'},
      {"per-page", required_argument, NULL, 'n'},
      {"page", required_argument, NULL, 'p'},
      {"color", required_argument, NULL, OPT_COLOR},
      {"explain", no_argument, NULL, OPT_EXPLAIN},
      {"tags", no_argument, NULL, OPT_TAGS},
      {"complete", no_argument, NULL, OPT_COMPLETE},
      {"related", required_argument, NULL, OPT_RELATED},
      {"no-expand", no_argument, NULL, OPT_NOEXPAND},
      {"time-limit", required_argument, NULL, OPT_TIMELIMIT},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *db_opt = NULL, *related = NULL;
  int fmt = FMT_TEXT, mode = MODE_SEARCH, explain = 0, no_expand = 0;
  int color = -1; /* auto */
  long count = 10, page = 1, time_limit = 0; /* 0: the library's */
  int c;

  while ((c = getopt_long(argc, argv, "d:f:n:p:hV", longopts, NULL)) != -1) {
    switch (c) {
    case 'd': db_opt = optarg; break;
    case 'f':
      if (strcmp(optarg, "text") == 0) fmt = FMT_TEXT;
      else if (strcmp(optarg, "json") == 0) fmt = FMT_JSON;
      else if (strcmp(optarg, "html") == 0) fmt = FMT_HTML;
      else {
        fprintf(stderr,
                "ra-query: --format: expected text, json or html, got '%s'\n",
                optarg);
        return exit_for(RA_ERR_USAGE);
      }
      break;
    case 'n':
      if (parse_num(optarg, 1, 100, &count)) {
        fprintf(stderr, "ra-query: --per-page/--count: expected 1-100, got '%s'\n",
                optarg);
        return exit_for(RA_ERR_USAGE);
      }
      break;
    case 'p':
      if (parse_num(optarg, 1, 100000, &page)) {
        fprintf(stderr, "ra-query: --page: expected 1-100000, got '%s'\n",
                optarg);
        return exit_for(RA_ERR_USAGE);
      }
      break;
    case OPT_COLOR:
      if (strcmp(optarg, "auto") == 0) color = -1;
      else if (strcmp(optarg, "always") == 0) color = 1;
      else if (strcmp(optarg, "never") == 0) color = 0;
      else {
        fprintf(stderr,
                "ra-query: --color: expected auto, always or never, got "
                "'%s'\n",
                optarg);
        return exit_for(RA_ERR_USAGE);
      }
      break;
    case OPT_EXPLAIN: explain = 1; break;
    case OPT_TAGS: mode = MODE_TAGS; break;
    case OPT_COMPLETE: mode = MODE_COMPLETE; break;
    case OPT_RELATED: mode = MODE_RELATED; related = optarg; break;
    case OPT_NOEXPAND: no_expand = 1; break;
    case OPT_TIMELIMIT:
      if (parse_num(optarg, 0, 3600000, &time_limit)) {
        fprintf(stderr, "ra-query: --time-limit: expected 0-3600000 ms, got '%s'\n",
                optarg);
        return exit_for(RA_ERR_USAGE);
      }
      if (time_limit == 0) time_limit = -1; /* none */
      break;
    case 'h': usage(stdout); return exit_for(RA_OK);
    case 'V': printf("ra-query (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return exit_for(RA_OK);
    default: usage(stderr); return exit_for(RA_ERR_USAGE);
    }
  }
  if (mode == MODE_SEARCH && optind >= argc) {
    fprintf(stderr, "ra-query: no search words given\n");
    usage(stderr);
    return exit_for(RA_ERR_USAGE);
  }
  if (mode == MODE_COMPLETE && optind >= argc) {
    fprintf(stderr, "ra-query: --complete: no prefix given\n");
    return exit_for(RA_ERR_USAGE);
  }
  if ((mode == MODE_TAGS || mode == MODE_RELATED) && optind < argc) {
    fprintf(stderr, "ra-query: %s takes no search words (got '%s')\n",
            mode == MODE_TAGS ? "--tags" : "--related", argv[optind]);
    return exit_for(RA_ERR_USAGE);
  }
  if (mode == MODE_RELATED && !*related) {
    fprintf(stderr, "ra-query: --related: empty article id\n");
    return exit_for(RA_ERR_USAGE);
  }
  if (fmt == FMT_HTML && (mode == MODE_TAGS || mode == MODE_COMPLETE)) {
    fprintf(stderr, "ra-query: --format html: only for searches and --related\n");
    return exit_for(RA_ERR_USAGE);
  }
  if (db_opt && !*db_opt) {
    fprintf(stderr, "ra-query: --db: empty path\n");
    return exit_for(RA_ERR_USAGE);
  }

  size_t qlen = 0;
  char *q = mode == MODE_SEARCH || mode == MODE_COMPLETE
                ? join_args(argc, argv, optind, &qlen)
                : strdup("");
  if (!q) {
    fprintf(stderr, "ra-query: out of memory\n");
    return exit_for(RA_ERR_NOMEM);
  }

  ra_error err;
  ra_error_clear(&err);
  ra_searcher *s = NULL;
  ra_results *r = NULL;
  int rc = exit_for(RA_OK);
  ra_format rfmt = fmt == FMT_JSON ? RA_FMT_JSON : RA_FMT_TEXT;
  ra_status st = ra_searcher_open(ra_idxdir_choose(db_opt), &s, &err);
  if (st == RA_OK && mode == MODE_TAGS) {
    ra_tag_count *tags = NULL;
    size_t n = 0;
    st = ra_search_tags(s, &tags, &n, &err);
    if (st == RA_OK)
      st = ra_format_tags(stdout, rfmt, tags, n, ra_searcher_revision(s),
                          ra_searcher_generation(s), &err);
    ra_tag_counts_free(tags, n);
  } else if (st == RA_OK && mode == MODE_COMPLETE) {
    ra_completion *comp = NULL;
    size_t n = 0;
    st = ra_search_complete(s, q, qlen, (size_t)count, &comp, &n, &err);
    if (st == RA_OK)
      st = ra_format_completions(stdout, rfmt, q, qlen, comp, n,
                                 ra_searcher_revision(s), &err);
    if (st == RA_OK && n == 0) rc = RA_EXIT_QUERY_NOMATCH;
    ra_completions_free(comp, n);
  } else if (st == RA_OK) {
    ra_search_opts o = {(size_t)((page - 1) * count), (size_t)count, 3};
    ra_rank_params rp;
    ra_rank_params_default(&rp);
    if (time_limit) rp.deadline_ms = time_limit;
    ra_search_ext x = {explain, no_expand, 0, 0, &rp};
    if (mode == MODE_RELATED)
      st = ra_search_related(s, related, &o, &x, &r, &err);
    else
      st = ra_search_run_ext(s, q, qlen, &o, &x, &r, &err);
    if (st == RA_OK) {
      int flags = explain ? RA_FMT_EXPLAIN : 0;
      if (color == 1 || (color == -1 && isatty(STDOUT_FILENO) &&
                         !getenv("NO_COLOR")))
        flags |= RA_FMT_ANSI;
      if (fmt == FMT_HTML) {
        ra_html_page hp = {0};
        hp.endpoint = "search";
        hp.q = q;
        hp.page = (unsigned)page;
        hp.per_page = (unsigned)count;
        hp.related_id = related;
        st = ra_html_results(stdout, &hp, r, &err);
      } else {
        st = ra_format_results(stdout, rfmt, flags, r, &err);
      }
      if (st == RA_OK && r->n_hits == 0) rc = RA_EXIT_QUERY_NOMATCH;
      if (st == RA_OK && r->n_hits == 0 && r->past_end && fmt != FMT_TEXT)
        fprintf(stderr, "ra-query: page %ld is past the last page\n", page);
    }
  }
  if (st == RA_OK && fflush(stdout) != 0)
    st = ra_error_set(&err, RA_ERR_IO, "writing results to stdout failed");
  if (st != RA_OK) {
    fprintf(stderr, "ra-query: %s\n", ra_error_message(&err));
    rc = exit_for(st);
  }
  ra_results_free(r);
  ra_searcher_free(s);
  free(q);
  return rc;
}
