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

#include "artview.h"
#include "cluster.h"
#include "format.h"
#include "html.h"
#include "idxdir.h"
#include "search.h"
#include "status.h"

/* The exit code for a status: ra-query's column of the table in status.h. */
static int exit_for(ra_status st) { return ra_status_exit(st, RA_PROG_QUERY); }

enum { MODE_SEARCH, MODE_TAGS, MODE_COMPLETE, MODE_RELATED, MODE_ARTICLE };
enum { FMT_TEXT, FMT_JSON, FMT_HTML };

static void usage(FILE *f) {
  fprintf(f,
          "Usage: ra-query [OPTIONS] WORDS...\n"
          "       ra-query --tags | --complete PREFIX... | --related ID\n"
          "       ra-query --article ID [WORDS...]\n"
          "Search the rasearch index and print the best articles.\n\n"
          "  -d, --db PATH        index directory or cluster file (default:\n"
          "                       $RASEARCH_DB, else %s)\n"
          "  -f, --format FMT     text (default), json or html\n"
          "  -n, --per-page N     hits per page, 1-100 (default 10; also --count)\n"
          "  -p, --page N         page of results, 1-100000 (default 1)\n"
          "      --explain        show matched fields, terms and score parts\n"
          "      --tags           list every tag with its article count\n"
          "      --complete       complete the last word of WORDS from the index\n"
          "      --related ID     articles related to the article ID\n"
          "      --article ID     the article ID itself, WORDS marked where they "
          "match\n"
          "      --no-expand      do not add synonyms and acronyms\n"
          "      --time-limit MS  time budget of a search, 0 for none (default 2000);\n"
          "                       past it the answer is cut short and says so\n"
          "      --color WHEN     highlight with bold: auto, always, never\n"
          "      --rank NAME=VALUE  override a ranking parameter (repeatable;\n"
          "                       --rank help lists them with their defaults)\n"
          "  -h, --help           this help\n"
          "  -V, --version        version\n\n"
          "Query syntax: words (all must match), \"exact phrase\", -word or "
          "NOT word,\n"
          "a OR b, (grouping), word* (prefix), title:word, tag:mentorship,\n"
          "tag:\"career development\", category:\"...\".  See ra-query(1).\n"
          "A query that starts with -word needs -- first: "
          "ra-query -- -alumni mentors\n\n"
          "Exit status: %d results, %d no match (or page past the end, unknown "
          "tag or id),\n"
          "%d usage or unusable query, %d no index (build one with ra-index), "
          "%d error,\n"
          "%d index damaged (rebuild it with ra-index --rebuild),\n"
          "%d no shard of a cluster answered, %d partial answer (some shards "
          "missing).\n",
          RA_DEFAULT_DB, exit_for(RA_OK), RA_EXIT_QUERY_NOMATCH,
          exit_for(RA_ERR_USAGE), exit_for(RA_ERR_NOINDEX),
          exit_for(RA_ERR_IO), exit_for(RA_ERR_DAMAGED),
          exit_for(RA_ERR_UNREACHABLE), RA_EXIT_QUERY_PARTIAL);
}

/* A decimal in [min, max]: digits only (no sign or space); strtol
 * saturates a huge value, which is then out of range. */
static int parse_num(const char *s, long min, long max, long *out) {
  char *end;
  long v;
  if (!s || *s < '0' || *s > '9') return -1;
  v = strtol(s, &end, 10);
  if (*end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

/* ---- a query that starts with '-' ------------------------------------------
 *
 * "-alumni" (NOT alumni) before any "--" is an option cluster to getopt:
 * -a -l ..., "-nurse" is -n "urse", "-hospital" is -h (help).  Before
 * parsing, the arguments are classified the way getopt will see them; the
 * first one that is an option cluster but not a valid one (an unknown
 * letter; -n, -p or -f with an attached value that is a word and not its
 * value) is a minus-word, and the usage error then shows the command with
 * -- in front of the query.  "-doctor" (-d octor) is a valid cluster and
 * cannot be told from a path. */

#define SHORT_OPTS "d:f:n:p:hV"

/* 1 if argv[i] (a short option cluster) is not a valid one. */
static int bad_cluster(const char *a, int *takes_next) {
  *takes_next = 0;
  for (const char *p = a + 1; *p; p++) {
    const char *o = strchr(SHORT_OPTS, *p);
    if (!o || *p == ':') return 1; /* unknown letter */
    if (o[1] != ':') continue;      /* -h, -V */
    const char *v = p + 1;
    if (!*v) {
      *takes_next = 1;
      return 0;
    }
    if (*p == 'n' || *p == 'p') return *v < '0' || *v > '9';
    if (*p == 'f')
      return strcmp(v, "text") != 0 && strcmp(v, "json") != 0 &&
             strcmp(v, "html") != 0;
    return 0; /* -dPATH */
  }
  return 0;
}

/* Index of the first minus-word in argv (0: none); word[i] is set for
 * every argument that is part of the query (the minus-word too). */
static int find_minus_word(int argc, char **argv,
                           const struct option *longopts, char *word) {
  int found = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    word[i] = 0;
    if (strcmp(a, "--") == 0) {
      for (i++; i < argc; i++) word[i] = 1;
      break;
    }
    if (a[0] != '-' || !a[1]) {
      word[i] = 1;
      continue;
    }
    int next = 0;
    if (a[1] == '-') {
      /* --name VALUE (getopt_long takes unambiguous prefixes too) */
      size_t n = strcspn(a + 2, "=");
      for (const struct option *o = longopts; !a[2 + n] && n && o->name; o++)
        if (o->has_arg == required_argument && strncmp(o->name, a + 2, n) == 0)
          next = 1;
    } else if (bad_cluster(a, &next)) {
      word[i] = 1;
      if (!found) found = i;
    }
    if (next && i + 1 < argc) word[++i] = 0;
  }
  return found;
}

/* Print an argument for a shell: as is if it is plain, else in single
 * quotes. */
static void put_shell_arg(FILE *f, const char *a) {
  if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789-_./:=@%+,") == strlen(a)) {
    fprintf(f, " %s", a);
    return;
  }
  fputs(" '", f);
  for (; *a; a++) {
    if (*a == '\'') fputs("'\\''", f);
    else fputc(*a, f);
  }
  fputc('\'', f);
}

/* The usage error's advice when argv holds a minus-word: the same command
 * with -- in front of the query. */
static void minus_word_hint(int argc, char **argv, int mw, const char *word) {
  fprintf(stderr, "ra-query: '%s' is not an option\n", argv[mw]);
  fputs("ra-query: use -- before a query that starts with -: ra-query", stderr);
  for (int i = 1; i < argc; i++)
    if (!word[i] && strcmp(argv[i], "--") != 0) put_shell_arg(stderr, argv[i]);
  fputs(" --", stderr);
  for (int i = 1; i < argc; i++)
    if (word[i]) put_shell_arg(stderr, argv[i]);
  fputc('\n', stderr);
}

/* A usage error while parsing options: the advice for a minus-word when
 * there is one; frees word.  Returns the exit code. */
static int option_error(int argc, char **argv, int mw, char *word) {
  if (mw) minus_word_hint(argc, argv, mw, word);
  free(word);
  return exit_for(RA_ERR_USAGE);
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
         OPT_NOEXPAND, OPT_TIMELIMIT, OPT_RANK, OPT_ARTICLE };
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
      {"article", required_argument, NULL, OPT_ARTICLE},
      {"no-expand", no_argument, NULL, OPT_NOEXPAND},
      {"time-limit", required_argument, NULL, OPT_TIMELIMIT},
      {"rank", required_argument, NULL, OPT_RANK},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *db_opt = NULL, *related = NULL;
  int fmt = FMT_TEXT, mode = MODE_SEARCH, explain = 0, no_expand = 0;
  int color = -1; /* auto */
  long count = 10, page = 1, time_limit = 0; /* 0: the library's */
  ra_rank_params rp;
  ra_rank_params_default(&rp);
  int c;
  char *word = calloc((size_t)argc + 1, 1);
  if (!word) {
    fprintf(stderr, "ra-query: out of memory\n");
    return exit_for(RA_ERR_NOMEM);
  }
  int mw = find_minus_word(argc, argv, longopts, word);
  while ((c = getopt_long(argc, argv, SHORT_OPTS, longopts, NULL)) != -1) {
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
        return option_error(argc, argv, mw, word);
      }
      break;
    case 'n':
      if (parse_num(optarg, 1, 100, &count)) {
        fprintf(stderr, "ra-query: --per-page/--count: expected 1-100, got '%s'\n",
                optarg);
        return option_error(argc, argv, mw, word);
      }
      break;
    case 'p':
      if (parse_num(optarg, 1, 100000, &page)) {
        fprintf(stderr, "ra-query: --page: expected 1-100000, got '%s'\n",
                optarg);
        return option_error(argc, argv, mw, word);
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
        return option_error(argc, argv, mw, word);
      }
      break;
    case OPT_EXPLAIN: explain = 1; break;
    case OPT_TAGS: mode = MODE_TAGS; break;
    case OPT_COMPLETE: mode = MODE_COMPLETE; break;
    case OPT_RELATED: mode = MODE_RELATED; related = optarg; break;
    case OPT_ARTICLE: mode = MODE_ARTICLE; related = optarg; break;
    case OPT_NOEXPAND: no_expand = 1; break;
    case OPT_TIMELIMIT:
      if (parse_num(optarg, 0, 3600000, &time_limit)) {
        fprintf(stderr, "ra-query: --time-limit: expected 0-3600000 ms, got '%s'\n",
                optarg);
        return option_error(argc, argv, mw, word);
      }
      if (time_limit == 0) time_limit = -1; /* none */
      break;
    case OPT_RANK: {
      ra_error rerr;
      ra_error_clear(&rerr);
      if (strcmp(optarg, "help") == 0) {
        free(word);
        printf("Ranking parameters (--rank NAME=VALUE) and their defaults:\n");
        ra_rank_params_list(stdout);
        return exit_for(RA_OK);
      }
      if (ra_rank_params_set(&rp, optarg, &rerr) != RA_OK) {
        fprintf(stderr, "ra-query: --rank: %s\n", ra_error_message(&rerr));
        return option_error(argc, argv, mw, word);
      }
      break;
    }
    case 'h':
    case 'V':
      /* "-hospital" is a query, not -h */
      if (mw) return option_error(argc, argv, mw, word);
      free(word);
      if (c == 'h') usage(stdout);
      else printf("ra-query (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return exit_for(RA_OK);
    default:
      if (!mw) usage(stderr);
      return option_error(argc, argv, mw, word);
    }
  }
  free(word);
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
  if ((mode == MODE_RELATED || mode == MODE_ARTICLE) && !*related) {
    fprintf(stderr, "ra-query: %s: empty article id\n",
            mode == MODE_ARTICLE ? "--article" : "--related");
    return exit_for(RA_ERR_USAGE);
  }
  if (fmt == FMT_HTML && (mode == MODE_TAGS || mode == MODE_COMPLETE)) {
    fprintf(stderr, "ra-query: --format html: only for searches, --related and --article\n");
    return exit_for(RA_ERR_USAGE);
  }
  if (db_opt && !*db_opt) {
    fprintf(stderr, "ra-query: --db: empty path\n");
    return exit_for(RA_ERR_USAGE);
  }

  size_t qlen = 0;
  char *q = mode == MODE_SEARCH || mode == MODE_COMPLETE || mode == MODE_ARTICLE
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
  const char *db = ra_idxdir_choose(db_opt);
  ra_status st = ra_searcher_open(db, &s, &err);
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
    if (st == RA_OK && n == 0) {
      /* The output has nothing to show (text) or an empty list (JSON). */
      fprintf(stderr, "ra-query: no completion for %s\n", q);
      rc = RA_EXIT_QUERY_NOMATCH;
    }
    ra_completions_free(comp, n);
  } else if (st == RA_OK && mode == MODE_ARTICLE) {
    ra_artview *v = NULL;
    st = ra_artview_load(s, related, q, qlen, &v, &err);
    if (st == RA_OK && fmt == FMT_HTML) {
      ra_html_page hp = {0};
      hp.endpoint = "search";
      hp.q = qlen ? q : NULL;
      hp.page = 1;
      st = ra_html_article(stdout, &hp, v, &err);
    } else if (st == RA_OK) {
      int flags = 0;
      if (color == 1 || (color == -1 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")))
        flags |= RA_FMT_ANSI;
      st = ra_format_article(stdout, rfmt, flags, v, &err);
    }
    ra_artview_free(v);
  } else if (st == RA_OK) {
    ra_search_opts o = {(size_t)((page - 1) * count), (size_t)count, 3};
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
      if (st == RA_OK && r->n_missing) {
        fprintf(stderr, "ra-query: partial answer: %zu shard%s of %s did not answer\n",
                r->n_missing, r->n_missing > 1 ? "s" : "", db);
        rc = RA_EXIT_QUERY_PARTIAL;
      }
      if (st == RA_OK && r->n_hits == 0 && r->past_end && fmt != FMT_TEXT)
        fprintf(stderr, "ra-query: page %ld is past the last page\n", page);
    }
  }
  if (st == RA_OK && (fflush(stdout) != 0 || ferror(stdout)))
    st = ra_error_set(&err, RA_ERR_IO, "writing results to stdout failed");
  if (st != RA_OK) {
    fprintf(stderr, "ra-query: %s\n", ra_error_message(&err));
    if (st == RA_ERR_DAMAGED && !ra_cluster_is_file(db))
      fprintf(stderr, "ra-query: the index at %s is damaged and cannot be "
              "read: rebuild it with `ra-index --rebuild --db %s CORPUS_DIR`\n",
              db, db);
    rc = exit_for(st);
  }
  ra_results_free(r);
  ra_searcher_free(s);
  free(q);
  return rc;
}
