/* cgi.h - the web endpoint: one request in (CGI/1.1 meta-variables), one
 * complete CGI response out (Status line, headers, body).
 *
 * The same code answers plain CGI (one request per process) and FastCGI
 * (libfcgi; many requests per process, index kept open).  A long-lived
 * process checks the index directory on every request (a stat of the
 * XAPIANDB stub and of the live generation's version file) and reopens the
 * index when a rebuild published a new generation or a new revision.
 *
 * Parameters (query string, decoded with uriparser): q, tag (repeatable),
 * category, page, per_page (capped), format=json|html, complete (prefix
 * completion for search-as-you-type), related=ID, article=ID (the article
 * view, q highlighted in it).  Contract, JSON schema
 * and status codes: docs/web.md. */
#ifndef RA_CGI_H
#define RA_CGI_H

#include <stddef.h>

#include "cache.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the endpoint (the query language's own limits apply too). */
#define RA_CGI_MAX_QUERY_STRING 16384 /* longer: 414 */
#define RA_CGI_MAX_TAGS 8
#define RA_CGI_MAX_VALUE 256     /* tag, category, complete, related */
#define RA_CGI_MAX_PAGE 1000
#define RA_CGI_MAX_OFFSET 10000  /* (page-1)*per_page: deep paging is refused */
#define RA_CGI_MAX_PER_PAGE 50   /* larger values are capped, not refused */
#define RA_CGI_DEFAULT_PER_PAGE 10
#define RA_CGI_MAX_COMPLETIONS 8
/* A cluster's shards are probed for new revisions at most this often. */
#define RA_CGI_PROBE_MS 1000

typedef enum { RA_CGI_GET, RA_CGI_HEAD, RA_CGI_OTHER } ra_cgi_method;
typedef enum { RA_CGI_JSON, RA_CGI_HTML } ra_cgi_format;

/* A decoded, validated request.  Strings are malloc'd copies owned by the
 * request (ra_cgi_request_clear frees them); absent ones are NULL. */
typedef struct ra_cgi_request {
  char *q;
  char *tags[RA_CGI_MAX_TAGS];
  size_t n_tags;
  char *category;
  char *complete;
  char *related;
  char *article;      /* the article view of this id (q: its highlights) */
  unsigned page;      /* 1-based */
  unsigned per_page;  /* after capping */
  ra_cgi_format format;
  int format_given;
} ra_cgi_request;

/* Why a request was refused: the HTTP status and the parameter at fault
 * ("" when none), with a message for the reader. */
typedef struct ra_cgi_problem {
  int http_status;
  char param[32];
  char msg[RA_ERROR_MSG_MAX];
} ra_cgi_problem;

/* Decode and validate a query string (len bytes, need not be
 * NUL-terminated).  Returns RA_OK and fills req, or RA_ERR_INVALID /
 * RA_ERR_TOOBIG / RA_ERR_UTF8 with prob filled (400 or 414) and err set.
 * On failure req keeps what was decoded (format, to answer in kind); the
 * caller always calls ra_cgi_request_clear. */
ra_status ra_cgi_parse_query(const char *qs, size_t len, ra_cgi_request *req,
                             ra_cgi_problem *prob, ra_error *err);
void ra_cgi_request_clear(ra_cgi_request *req);

/* Server state: the index directory and, for a long-lived process, the
 * open index.  Owned by the caller: ra_cgi_free. */
typedef struct ra_cgi ra_cgi;

/* db_dir is copied; the index is opened lazily by the first request, so a
 * missing index is a 503 answer, not a start-up failure. */
ra_status ra_cgi_new(const char *db_dir, ra_cgi **out, ra_error *err);
void ra_cgi_free(ra_cgi *c); /* NULL ok */

/* A long-lived process (FastCGI): preload each index it opens (see
 * ra_searcher_preload).  Off by default: a CGI process answers once. */
void ra_cgi_set_preload(ra_cgi *c, int on);

/* A long-lived process: keep the bodies of up to max_bytes of recent 200
 * answers (0: none, the default), keyed by endpoint path and query
 * string, and dropped whenever the index is reopened. */
ra_status ra_cgi_set_cache(ra_cgi *c, size_t max_bytes, ra_error *err);
void ra_cgi_cache_stats(const ra_cgi *c, ra_cache_stats *s);

/* How the handler reads a CGI meta-variable (REQUEST_METHOD, QUERY_STRING,
 * HTTP_IF_NONE_MATCH, SCRIPT_NAME): NULL when absent. */
typedef const char *(*ra_cgi_getenv_fn)(void *ctx, const char *name);

/* Answer one request: *resp (malloc'd, caller frees) receives the whole
 * CGI response, "Status: ..." line, headers, blank line and body.  Every
 * failure of the request itself is an HTTP answer (4xx/5xx) and RA_OK;
 * only running out of memory fails. */
ra_status ra_cgi_handle(ra_cgi *c, ra_cgi_getenv_fn get, void *ctx,
                        char **resp, size_t *resp_len, ra_error *err);

/* The program: answer one CGI request (stdin is not a FastCGI socket) or
 * serve FastCGI requests until the server stops us.  Returns the process
 * exit status. */
int ra_cgi_run(const char *db_dir);

#ifdef __cplusplus
}
#endif
#endif
