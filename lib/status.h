/* status.h - the one status table of rasearch (libuv style).
 *
 * Every fallible function returns an ra_status and, when given a non-NULL
 * ra_error, fills it with a message naming the file, field or parameter at
 * fault.  The message buffer is fixed-size so reporting never allocates. */
#ifndef RA_STATUS_H
#define RA_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(code, name, description, http, index_exit, query_exit, cgi_exit).
 *
 * Codes and names are stable: they appear in JSON.  The other columns are
 * what a status becomes at the edges, in one place so that the programs,
 * their --help, docs/exit-codes.md and docs/web.md agree
 * (tests/test_status.c checks that the docs list every value):
 *
 *   http        the HTTP status of a web answer that failed with it
 *               (lib/cgi.c).  It is the default: where the status alone
 *               does not decide, lib/cgi.c says so itself - a query string
 *               longer than RA_CGI_MAX_QUERY_STRING is 414 (TOOBIG for one
 *               parameter is 400); an index that cannot be opened is 503
 *               (NOINDEX's) whatever the reason; and a failure the request
 *               is not blamed for is a server error, so a 4xx status from
 *               a call that did not take the request's words is 500.
 *   index_exit  ra-index's exit code (--dump: see RA_EXIT_INDEX_PARTIAL).
 *   query_exit  ra-query's exit code.
 *   cgi_exit    ra-cgi's process exit code: start-up and writing answers
 *               (a failed request is an HTTP answer, not an exit).
 *
 * Each exit code column is the one docs/exit-codes.md lists for that
 * program.  ra-index needs no index to exist (it builds one, and rebuilds
 * one it cannot open), so NOINDEX reaches it only as an engine failure on
 * a database it has just written: an error like any other, 5.
 *
 * NOINDEX is "nothing published there" (no stub, or an empty directory);
 * DAMAGED is "an index is published there but cannot be read" (a stub
 * naming a missing generation, a truncated or corrupt table, an unknown
 * format): only rebuilding it (ra-index --rebuild) helps, so ra-query
 * gives it its own exit code and says so.  (New rows go last: the
 * numeric values of the others do not move.) */
#define RA_STATUS_MAP(X)                                                     \
  X(RA_OK, "ok", "success", 200, 0, 0, 0)                                    \
  X(RA_ERR_NOMEM, "nomem", "out of memory", 500, 5, 5, 5)                    \
  X(RA_ERR_IO, "io", "input/output error", 500, 5, 5, 5)                     \
  X(RA_ERR_INVALID, "invalid", "invalid input", 400, 5, 2, 2)                \
  X(RA_ERR_UTF8, "utf8", "invalid UTF-8", 400, 5, 5, 5)                      \
  X(RA_ERR_NOTFOUND, "notfound", "not found", 404, 5, 1, 5)                  \
  X(RA_ERR_NOINDEX, "noindex", "index missing or unreadable", 503, 5, 4, 5)  \
  X(RA_ERR_LOCKED, "locked", "index locked by another writer", 500, 6, 5, 5) \
  X(RA_ERR_TOOBIG, "toobig", "input exceeds a limit", 400, 5, 2, 5)          \
  X(RA_ERR_XAPIAN, "xapian", "index engine error", 500, 5, 5, 5)             \
  X(RA_ERR_ICU, "icu", "Unicode library error", 500, 5, 5, 5)                \
  X(RA_ERR_STEMMER, "stemmer", "stemmer error", 500, 5, 5, 5)                \
  X(RA_ERR_ZLIB, "zlib", "compression error", 500, 5, 5, 5)                  \
  X(RA_ERR_USAGE, "usage", "bad usage", 400, 2, 2, 2)                        \
  X(RA_ERR_INTERNAL, "internal", "internal error", 500, 5, 5, 5)             \
  X(RA_ERR_DAMAGED, "damaged", "index damaged: rebuild it", 503, 5, 7, 5)   \
  X(RA_ERR_UNREACHABLE, "unreachable", "no shard of the cluster answered",   \
    503, 5, 8, 5)

typedef enum {
#define RA_X_ENUM(code, name, desc, http, ix, qx, cx) code,
  RA_STATUS_MAP(RA_X_ENUM)
#undef RA_X_ENUM
  RA_STATUS_COUNT
} ra_status;

#define RA_ERROR_MSG_MAX 512

/* Caller-owned error slot.  The first error recorded wins ("sticky"), so a
 * chain of calls can be checked once at the end. */
typedef struct ra_error {
  ra_status code;
  char msg[RA_ERROR_MSG_MAX];
} ra_error;

/* The programs, in the order of the table's exit code columns. */
typedef enum {
  RA_PROG_INDEX, /* ra-index */
  RA_PROG_QUERY, /* ra-query */
  RA_PROG_CGI,   /* ra-cgi */
  RA_PROG_COUNT
} ra_program;

/* Exit codes that are no status's: a run that did its work in part, or
 * found nothing.  docs/exit-codes.md lists them with the table's. */
/* ra-index: some pages failed (each named), the rest are indexed and live;
 * --dump printed warnings, or failed other than by usage. */
#define RA_EXIT_INDEX_PARTIAL 3
/* ra-query: the search ran and no article matches (or no completion). */
#define RA_EXIT_QUERY_NOMATCH 1
/* ra-query: an answer from a cluster in which some shard had no replica
 * answering: the results (printed, marked partial) lack that shard's
 * articles.  RA_ERR_UNREACHABLE when no shard answered. */
#define RA_EXIT_QUERY_PARTIAL 9

/* Short stable name ("nomem") and human description of a status. */
const char *ra_status_name(ra_status st);
const char *ra_strerror(ra_status st);

/* The table's HTTP status of st (500 for a value not in the table). */
int ra_status_http(ra_status st);

/* The table's exit code of st for prog (a value not in the table: that of
 * RA_ERR_INTERNAL). */
int ra_status_exit(ra_status st, ra_program prog);

/* Reset an error slot to RA_OK / empty message.  NULL is allowed. */
void ra_error_clear(ra_error *err);

/* Record an error (printf-style message) unless one is already recorded.
 * Returns code, so callers can write: return ra_error_set(err, ...); */
ra_status ra_error_set(ra_error *err, ra_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
ra_status ra_error_setv(ra_error *err, ra_status code, const char *fmt,
                        va_list ap);

/* The message to print: the recorded message, or the status description. */
const char *ra_error_message(const ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
