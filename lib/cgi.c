/* cgi.c - the web endpoint: request decoding and validation, dispatch to
 * search / completion / related articles, status codes, headers, ETag and
 * the CGI/FastCGI loop.  Contract: docs/web.md. */
#define _GNU_SOURCE
#include "cgi.h"

#include <errno.h>
#include <fcgiapp.h>
#include <jansson.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uriparser/Uri.h>

#include "format.h"
#include "analyze.h"
#include "artview.h"
#include "cache.h"
#include "cluster.h"
#include "html.h"
#include "ident.h"
#include "idxdir.h"
#include "qparse.h"
#include "search.h"
#include "textutil.h"

/* One schema for every JSON body the endpoint writes: results, related,
 * completions (all by lib/format.c) and errors (here) carry
 * RA_JSON_SCHEMA from format.h.  It is part of the ETag so caches drop
 * pages made for an older schema. */
#define RA_CGI_SCHEMA RA_JSON_SCHEMA

/* ---- request decoding ------------------------------------------------------ */

/* Refuse the request with st; the HTTP status is st's in the table
 * (status.h): 400 for INVALID, UTF8 and TOOBIG. */
static int problem(ra_cgi_problem *prob, ra_error *err, ra_status st,
                   const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int problem(ra_cgi_problem *prob, ra_error *err, ra_status st,
                   const char *param, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  prob->http_status = ra_status_http(st);
  snprintf(prob->param, sizeof prob->param, "%s", param ? param : "");
  vsnprintf(prob->msg, sizeof prob->msg, fmt, ap);
  va_end(ap);
  ra_error_set(err, st, "%s%s%s", param ? param : "", param ? ": " : "",
               prob->msg);
  return st;
}

/* Nothing but white space (Unicode's too: NBSP, U+3000, ...), or empty. */
static int blank(const char *s) {
  size_t n = strlen(s), k;
  for (size_t i = 0; i < n; i += k)
    if (!(k = ra_ws_len((const unsigned char *)s + i, n - i))) return 0;
  return 1;
}

static int utf8_valid(const char *s, size_t len) {
  for (size_t i = 0, n; i < len; i += n)
    if (!(n = ra_utf8_seq(s + i, len - i))) return 0;
  return 1;
}

/* Strict decimal in [min, max]; anything else (sign, spaces, overflow) is
 * refused. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
                      unsigned long *out) {
  if (!s || !*s || strlen(s) > 9) return -1;
  unsigned long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10 + (unsigned long)(*p - '0');
  }
  if (v < min || v > max) return -1;
  *out = v;
  return 0;
}

/* The parameter holding an encoded NUL ("%00"), for the message: uriparser
 * decodes it into a C string, which would silently cut the value. */
static int find_nul_param(const char *qs, size_t len, char *name,
                          size_t size) {
  for (size_t i = 0; i + 2 < len; i++) {
    if (qs[i] != '%' || qs[i + 1] != '0' || qs[i + 2] != '0') continue;
    size_t start = i;
    while (start > 0 && qs[start - 1] != '&' && qs[start - 1] != ';') start--;
    size_t end = start;
    while (end < len && qs[end] != '=' && qs[end] != '&') end++;
    if (end > i) end = i; /* the NUL is in the name itself */
    size_t n = end - start < size - 1 ? end - start : size - 1;
    memcpy(name, qs + start, n);
    name[n] = '\0';
    uriUnescapeInPlaceExA(name, URI_TRUE, URI_BR_DONT_TOUCH);
    if (!utf8_valid(name, strlen(name))) snprintf(name, size, "%s", "?");
    return 1;
  }
  return 0;
}

void ra_cgi_request_clear(ra_cgi_request *req) {
  if (!req) return;
  free(req->q);
  for (size_t i = 0; i < req->n_tags; i++) free(req->tags[i]);
  free(req->category);
  free(req->complete);
  free(req->related);
  free(req->article);
  memset(req, 0, sizeof *req);
}

/* Store a single-valued parameter, refusing repeats. */
static ra_status set_once(char **slot, const char *name, const char *value,
                          size_t max, ra_cgi_problem *prob, ra_error *err) {
  if (*slot)
    return problem(prob, err, RA_ERR_INVALID, name, "given more than once");
  size_t n = strlen(value);
  if (n > max)
    return problem(prob, err, RA_ERR_TOOBIG, name,
                   "longer than the limit of %zu bytes", max);
  if (!(*slot = strdup(value)))
    return ra_error_set(err, RA_ERR_NOMEM, "request parameter %s", name);
  return RA_OK;
}

static ra_status parse_items(UriQueryListA *list, ra_cgi_request *req,
                             ra_cgi_problem *prob, ra_error *err) {
  char *page = NULL, *per_page = NULL, *format = NULL;
  ra_status st = RA_OK;
  for (UriQueryListA *it = list; it && !st; it = it->next) {
    const char *k = it->key ? it->key : "";
    const char *v = it->value ? it->value : "";
    if (!utf8_valid(k, strlen(k))) continue; /* unknown by definition */
    int known = strcmp(k, "q") == 0 || strcmp(k, "tag") == 0 ||
                strcmp(k, "category") == 0 || strcmp(k, "page") == 0 ||
                strcmp(k, "per_page") == 0 || strcmp(k, "format") == 0 ||
                strcmp(k, "complete") == 0 || strcmp(k, "related") == 0 ||
                strcmp(k, "article") == 0;
    /* Unknown parameters (cache busters, trackers) are ignored. */
    if (!known) continue;
    if (!utf8_valid(v, strlen(v))) {
      st = problem(prob, err, RA_ERR_UTF8, k, "not valid UTF-8");
      break;
    }
    if (strcmp(k, "q") == 0) {
      st = set_once(&req->q, "q", v, RA_QUERY_MAX_BYTES, prob, err);
    } else if (strcmp(k, "tag") == 0) {
      if (req->n_tags >= RA_CGI_MAX_TAGS)
        st = problem(prob, err, RA_ERR_TOOBIG, "tag",
                     "more than %d tags", RA_CGI_MAX_TAGS);
      else if (blank(v))
        st = problem(prob, err, RA_ERR_INVALID, "tag",
                     "empty: give a tag name, or leave tag out");
      else if (strlen(v) > RA_CGI_MAX_VALUE)
        st = problem(prob, err, RA_ERR_TOOBIG, "tag",
                     "longer than the limit of %d bytes", RA_CGI_MAX_VALUE);
      else if (!(req->tags[req->n_tags] = strdup(v)))
        st = ra_error_set(err, RA_ERR_NOMEM, "request parameter tag");
      else
        req->n_tags++;
    } else if (strcmp(k, "category") == 0) {
      if (blank(v))
        st = problem(prob, err, RA_ERR_INVALID, "category",
                     "empty: give a category, or leave category out");
      else
        st = set_once(&req->category, "category", v, RA_CGI_MAX_VALUE, prob, err);
    } else if (strcmp(k, "complete") == 0) {
      st = set_once(&req->complete, "complete", v, RA_CGI_MAX_VALUE, prob, err);
    } else if (strcmp(k, "related") == 0 || strcmp(k, "article") == 0) {
      const char *name = k[0] == 'r' ? "related" : "article";
      st = set_once(k[0] == 'r' ? &req->related : &req->article, name, v,
                    RA_CGI_MAX_VALUE, prob, err);
      /* The indexer's own id grammar (ident.h): every id it makes is
       * accepted, nothing else is. */
      if (!st && !*v)
        st = problem(prob, err, RA_ERR_INVALID, name, "empty article id");
      else if (!st && !ra_ident_id_ok(v, strlen(v)))
        st = problem(prob, err, RA_ERR_INVALID, name,
                     "an article id is at most %d letters, digits, '_', '-' "
                     "and '.', in segments joined by '/'",
                     RA_IDENT_ID_MAX);
    } else if (strcmp(k, "page") == 0) {
      st = set_once(&page, "page", v, 16, prob, err);
    } else if (strcmp(k, "per_page") == 0) {
      st = set_once(&per_page, "per_page", v, 16, prob, err);
    } else if (strcmp(k, "format") == 0) {
      st = set_once(&format, "format", v, 16, prob, err);
    }
  }
  if (format) {
    /* Even a refused request is answered in the format asked for. */
    if (strcmp(format, "json") == 0) req->format = RA_CGI_JSON;
    else if (strcmp(format, "html") == 0) req->format = RA_CGI_HTML;
    else if (!st) st = problem(prob, err, RA_ERR_INVALID, "format",
                               "expected json or html");
    req->format_given = 1;
  } else if (!st) {
    req->format = RA_CGI_JSON;
  }
  unsigned long n = 0;
  req->page = 1;
  req->per_page = RA_CGI_DEFAULT_PER_PAGE;
  if (!st && page) {
    if (parse_uint(page, 1, RA_CGI_MAX_PAGE, &n))
      st = problem(prob, err, RA_ERR_INVALID, "page",
                   "expected a whole number from 1 to %d", RA_CGI_MAX_PAGE);
    else
      req->page = (unsigned)n;
  }
  if (!st && per_page) {
    /* Large values are capped (a client asking for "all" gets a page);
     * nonsense is refused. */
    if (parse_uint(per_page, 1, 999999999, &n))
      st = problem(prob, err, RA_ERR_INVALID, "per_page",
                   "expected a whole number from 1 to %d", RA_CGI_MAX_PER_PAGE);
    else
      req->per_page = n > RA_CGI_MAX_PER_PAGE ? RA_CGI_MAX_PER_PAGE : (unsigned)n;
  }
  if (!st && (size_t)(req->page - 1) * req->per_page > RA_CGI_MAX_OFFSET)
    st = problem(prob, err, RA_ERR_TOOBIG, "page",
                 "results beyond the first %d are not served (page * per_page)",
                 RA_CGI_MAX_OFFSET);
  if (!st && !req->q && !req->n_tags && !req->category && !req->complete &&
      !req->related && !req->article)
    st = problem(prob, err, RA_ERR_INVALID, "q",
                 "missing: give q (words to search), tag, category, complete, "
                 "related or article");
  if (!st && req->complete && (req->related))
    st = problem(prob, err, RA_ERR_INVALID, "complete",
                 "cannot be combined with related");
  if (!st && req->article && (req->related || req->complete))
    st = problem(prob, err, RA_ERR_INVALID, "article",
                 "cannot be combined with %s", req->related ? "related" : "complete");
  free(page);
  free(per_page);
  free(format);
  return st;
}

ra_status ra_cgi_parse_query(const char *qs, size_t len, ra_cgi_request *req,
                             ra_cgi_problem *prob, ra_error *err) {
  memset(req, 0, sizeof *req);
  memset(prob, 0, sizeof *prob);
  req->page = 1;
  req->per_page = RA_CGI_DEFAULT_PER_PAGE;
  if (!qs) qs = "";
  /* Peek at format first, so even a refused request is answered in the
   * format its sender reads. */
  if (len > RA_CGI_MAX_QUERY_STRING) {
    ra_status tst = problem(prob, err, RA_ERR_TOOBIG, NULL,
                            "the query string is longer than %d bytes",
                            RA_CGI_MAX_QUERY_STRING);
    /* The one refusal its status does not decide: TOOBIG is 400 for one
     * parameter, 414 (URI Too Long) for the whole query string. */
    prob->http_status = 414;
    return tst;
  }
  if (memmem(qs, len, "format=html", 11)) req->format = RA_CGI_HTML;
  if (memchr(qs, '\0', len))
    return problem(prob, err, RA_ERR_INVALID, NULL,
                   "the query string contains a NUL byte");
  char name[32];
  if (find_nul_param(qs, len, name, sizeof name))
    return problem(prob, err, RA_ERR_INVALID, name,
                   "contains an encoded NUL byte (%%00)");
  UriQueryListA *list = NULL;
  int count = 0;
  if (len > 0 &&
      uriDissectQueryMallocExA(&list, &count, qs, qs + len, URI_TRUE,
                               URI_BR_DONT_TOUCH) != URI_SUCCESS) {
    return problem(prob, err, RA_ERR_INVALID, NULL,
                   "the query string cannot be decoded");
  }
  ra_status st = parse_items(list, req, prob, err);
  uriFreeQueryListA(list);
  return st;
}

/* ---- server state and index (re)opening ------------------------------------ */

/* What identifies the published index: the stub file and the live
 * generation's version file.  Any change means: open again. */
typedef struct stamp {
  char gen[64];
  dev_t dev[2];
  ino_t ino[2];
  off_t size[2];
  struct timespec mtime[2];
} stamp;

struct ra_cgi {
  char db[RA_PATH_MAX];
  ra_searcher *s;    /* search, completion, related, revision */
  stamp at;
  int open;
  int preload; /* long-lived: ra_searcher_preload after each open */
  ra_cache *cache; /* long-lived: recent 200 bodies of this index */
};

ra_status ra_cgi_new(const char *db_dir, ra_cgi **out, ra_error *err) {
  *out = NULL;
  if (!db_dir || !*db_dir || strlen(db_dir) >= RA_PATH_MAX)
    return ra_error_set(err, RA_ERR_INVALID, "index directory: empty or too long");
  ra_cgi *c = calloc(1, sizeof *c);
  if (!c) return ra_error_set(err, RA_ERR_NOMEM, "endpoint state");
  snprintf(c->db, sizeof c->db, "%s", db_dir);
  *out = c;
  return RA_OK;
}

static void close_index(ra_cgi *c) {
  ra_searcher_free(c->s);
  c->s = NULL;
  c->open = 0;
}

void ra_cgi_free(ra_cgi *c) {
  if (!c) return;
  close_index(c);
  ra_cache_free(c->cache);
  free(c);
}

static void stat_into(const char *path, stamp *t, int i) {
  struct stat sb;
  if (stat(path, &sb) == 0) {
    t->dev[i] = sb.st_dev;
    t->ino[i] = sb.st_ino;
    t->size[i] = sb.st_size;
    t->mtime[i] = sb.st_mtim;
  }
}

static ra_status read_stamp(const char *db, stamp *t, ra_error *err) {
  memset(t, 0, sizeof *t);
  char path[RA_PATH_MAX + 80];
  if (ra_cluster_is_file(db)) {
    /* A cluster: the file itself; the shards' revisions are probed by
     * ra_searcher_refresh. */
    stat_into(db, t, 0);
    snprintf(t->gen, sizeof t->gen, "cluster");
    return RA_OK;
  }
  snprintf(path, sizeof path, "%s/XAPIANDB", db);
  stat_into(path, t, 0);
  ra_status st = ra_idxdir_current(db, t->gen, sizeof t->gen, err);
  if (st) return st;
  if (t->gen[0]) {
    snprintf(path, sizeof path, "%s/%s/iamglass", db, t->gen);
    stat_into(path, t, 1);
  }
  return RA_OK;
}

static int stamp_eq(const stamp *a, const stamp *b) {
  if (strcmp(a->gen, b->gen) != 0) return 0;
  for (int i = 0; i < 2; i++)
    if (a->dev[i] != b->dev[i] || a->ino[i] != b->ino[i] ||
        a->size[i] != b->size[i] || a->mtime[i].tv_sec != b->mtime[i].tv_sec ||
        a->mtime[i].tv_nsec != b->mtime[i].tv_nsec)
      return 0;
  return 1;
}

/* Make sure the open index is the published one.  force: reopen even if
 * the stamp did not change (after a read error). */
static ra_status ensure_open(ra_cgi *c, int force, ra_error *err) {
  stamp now;
  ra_status st = read_stamp(c->db, &now, err);
  if (st) return st == RA_ERR_IO ? ra_error_set(err, RA_ERR_NOINDEX, "index unreadable") : st;
  if (!now.gen[0]) {
    close_index(c);
    return ra_error_set(err, RA_ERR_NOINDEX, "no index has been published yet");
  }
  if (c->open && !force && stamp_eq(&now, &c->at)) {
    /* A cluster: look at the shards' revisions at most once a second, so
     * a shard published (or back) shows within two. */
    int changed = 0;
    ra_error pe;
    ra_error_clear(&pe);
    if (ra_searcher_refresh(c->s, RA_CGI_PROBE_MS, &changed, &pe) != RA_OK)
      fprintf(stderr, "ra-cgi: %s: %s\n", c->db, ra_error_message(&pe));
    if (changed) ra_cache_clear(c->cache);
    return RA_OK;
  }
  close_index(c);
  st = ra_searcher_open(c->db, &c->s, err);
  if (st) {
    close_index(c);
    return st;
  }
  if (c->preload) {
    /* Only a speed-up: without it the answers are the same. */
    ra_error pe;
    ra_error_clear(&pe);
    if (ra_searcher_preload(c->s, &pe) != RA_OK)
      fprintf(stderr, "ra-cgi: preload skipped: %s\n", ra_error_message(&pe));
  }
  /* Answers of the previous index are stale now. */
  ra_cache_clear(c->cache);
  c->at = now;
  c->open = 1;
  return RA_OK;
}

void ra_cgi_set_preload(ra_cgi *c, int on) { c->preload = on; }

ra_status ra_cgi_set_cache(ra_cgi *c, size_t max_bytes, ra_error *err) {
  ra_cache_free(c->cache);
  c->cache = NULL;
  if (!max_bytes) return RA_OK;
  return ra_cache_new(max_bytes, &c->cache, err);
}

void ra_cgi_cache_stats(const ra_cgi *c, ra_cache_stats *s) {
  memset(s, 0, sizeof *s);
  if (c->cache) ra_cache_get_stats(c->cache, s);
}

/* ---- responses --------------------------------------------------------------- */

typedef struct response {
  int status;
  int html;
  int cacheable;  /* 200/304: may be cached and revalidated by ETag */
  char etag[160];
  const char *allow;
  char *body;
  size_t body_len;
} response;

static const char *reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 414: return "URI Too Long";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

/* Run a renderer into a memory buffer owned by resp. */
typedef ra_status (*render_fn)(FILE *out, void *ctx, ra_error *err);

static ra_status render(response *resp, render_fn fn, void *ctx,
                        ra_error *err) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return ra_error_set(err, RA_ERR_NOMEM, "response body");
  ra_status st = fn(f, ctx, err);
  if (fclose(f) != 0 && !st) st = ra_error_set(err, RA_ERR_NOMEM, "response body");
  if (st) {
    free(buf);
    return st;
  }
  free(resp->body);
  resp->body = buf;
  resp->body_len = len;
  return RA_OK;
}

typedef struct error_ctx {
  const ra_html_page *page;
  int status;
  const char *param;
  const char *msg;
  int html;
} error_ctx;

static ra_status render_error(FILE *out, void *vctx, ra_error *err) {
  error_ctx *e = vctx;
  if (e->html)
    return ra_html_error(out, e->page, e->status, e->param, e->msg, err);
  json_t *param = e->param && *e->param ? json_string(e->param) : json_null();
  json_t *msg = json_string(e->msg);
  if (!param) param = json_string("?");
  if (!msg) msg = json_string("invalid request");
  json_t *root = json_pack("{s:i, s:s, s:{s:i, s:o, s:o}}", "schema",
                           RA_CGI_SCHEMA, "kind", "error", "error", "status",
                           e->status, "parameter", param, "message", msg);
  if (!root) return ra_error_set(err, RA_ERR_NOMEM, "error body");
  char *s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(root);
  if (!s) return ra_error_set(err, RA_ERR_NOMEM, "error body");
  fputs(s, out);
  fputc('\n', out);
  free(s);
  return RA_OK;
}

static ra_status set_error(response *resp, const ra_html_page *page, int status,
                           const char *param, const char *msg, ra_error *err) {
  error_ctx e = {page, status, param, msg, resp->html};
  resp->status = status;
  resp->cacheable = 0;
  resp->etag[0] = '\0';
  return render(resp, render_error, &e, err);
}

/* If-None-Match (RFC 9110, 13.1.2): "*" alone, or a list of entity tags,
 * compared weakly (W/ ignored).  1: it matches etag (answer 304).  0: it
 * does not, or it is malformed - "*" inside a list, an unquoted or
 * unterminated tag, bytes after a tag - and a malformed header is treated
 * as absent: the answer is the full 200, which is never wrong, where a
 * 304 to a header we cannot read could leave a client on a stale page. */
static int etag_matches(const char *inm, const char *etag) {
  if (!inm || !*etag) return 0;
  size_t elen = strlen(etag);
  const char *p = inm;
  while (*p == ' ' || *p == '\t') p++;
  if (*p == '*') {
    for (p++; *p == ' ' || *p == '\t'; p++) {}
    return *p == '\0';
  }
  int match = 0;
  for (;;) {
    /* OWS and empty list elements (RFC 9110, 5.6.1) */
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    if (!*p) return match;
    if (p[0] == 'W' && p[1] == '/') p += 2;
    if (*p != '"') return 0;
    const char *q = p + 1;
    /* etagc: %x21 / %x23-7E / obs-text */
    for (; *q && *q != '"'; q++)
      if ((unsigned char)*q < 0x21 || *q == 0x7F) return 0;
    if (*q != '"') return 0;
    q++;
    if ((size_t)(q - p) == elen && memcmp(p, etag, elen) == 0) match = 1;
    for (p = q; *p == ' ' || *p == '\t'; p++) {}
    if (*p && *p != ',') return 0;
  }
}

/* If-None-Match: "*" alone.  It matches only a resource that exists, so
 * it is decided after the answer (an unknown article is a 404, not a
 * 304); a list of entity tags is decided before (etag_matches). */
static int inm_star(const char *inm) {
  if (!inm) return 0;
  while (*inm == ' ' || *inm == '\t') inm++;
  if (*inm++ != '*') return 0;
  while (*inm == ' ' || *inm == '\t') inm++;
  return *inm == '\0';
}

static ra_status finish(const response *resp, int head, char **out,
                        size_t *out_len, ra_error *err) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return ra_error_set(err, RA_ERR_NOMEM, "response");
  fprintf(f, "Status: %d %s\r\n", resp->status, reason(resp->status));
  if (resp->status != 304)
    fprintf(f, "Content-Type: %s; charset=utf-8\r\n",
            resp->html ? "text/html" : "application/json");
  if (resp->cacheable) {
    /* Short freshness, then revalidation by ETag: a rebuilt index shows
     * within a minute and unchanged pages cost a 304. */
    fputs("Cache-Control: public, max-age=60\r\n", f);
    if (resp->etag[0]) fprintf(f, "ETag: %s\r\n", resp->etag);
  } else {
    fputs("Cache-Control: no-store\r\n", f);
  }
  if (resp->allow) fprintf(f, "Allow: %s\r\n", resp->allow);
  if (resp->status == 503) fputs("Retry-After: 30\r\n", f);
  fputs("X-Content-Type-Options: nosniff\r\n"
        "Referrer-Policy: no-referrer\r\n", f);
  if (resp->html)
    fputs("Content-Security-Policy: default-src 'none'; style-src 'self'; "
          "img-src 'self'; form-action 'self'; base-uri 'none'; "
          "frame-ancestors 'none'\r\n", f);
  if (resp->status != 304) fprintf(f, "Content-Length: %zu\r\n", resp->body_len);
  fputs("\r\n", f);
  if (!head && resp->status != 304 && resp->body_len)
    fwrite(resp->body, 1, resp->body_len, f);
  if (fclose(f) != 0) {
    free(buf);
    return ra_error_set(err, RA_ERR_NOMEM, "response");
  }
  *out = buf;
  *out_len = len;
  return RA_OK;
}

/* ---- answers --------------------------------------------------------------------- */

typedef struct results_ctx {
  const ra_results *r;
  const ra_html_page *page;
  int html;
} results_ctx;

static ra_status render_results(FILE *out, void *vctx, ra_error *err) {
  results_ctx *x = vctx;
  if (x->html) return ra_html_results(out, x->page, x->r, err);
  return ra_format_results(out, RA_FMT_JSON, 0, x->r, err);
}

/* The last page served at per_page hits a page: within RA_CGI_MAX_PAGE
 * and starting within RA_CGI_MAX_OFFSET. */
static unsigned max_page(unsigned per_page) {
  unsigned by_offset = RA_CGI_MAX_OFFSET / (per_page ? per_page : 1) + 1;
  return by_offset < RA_CGI_MAX_PAGE ? by_offset : RA_CGI_MAX_PAGE;
}

/* One filter as a query-language clause ( field:"value"). */
static int put_filter(FILE *f, const char *field, const char *value) {
  char *qv = ra_qparse_quote_value(value);
  if (!qv) return -1;
  fprintf(f, " %s:%s", field, qv);
  free(qv);
  return 0;
}

/* The tag and category filters as query-language clauses (" tag:\"x\""
 * ...), "" when there are none; malloc'd, the caller frees.  The HTML page
 * gets them too, to take them off a did-you-mean query (they stay tag=
 * parameters of its link). */
static char *compose_filters(const ra_cgi_request *req) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f) return NULL;
  int bad = 0;
  for (size_t i = 0; i < req->n_tags; i++) bad |= put_filter(f, "tag", req->tags[i]);
  if (req->category) bad |= put_filter(f, "category", req->category);
  if (fclose(f) != 0 || bad) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* -- an article view (artview.h) */

typedef struct article_ctx {
  const ra_artview *v;
  const ra_html_page *page;
  int html;
} article_ctx;

static ra_status render_article(FILE *out, void *vctx, ra_error *err) {
  article_ctx *x = vctx;
  if (x->html) return ra_html_article(out, x->page, x->v, err);
  return ra_format_article(out, RA_FMT_JSON, 0, x->v, err);
}

/* -- completion (ra_search_complete) */

typedef struct completions {
  const char *prefix;     /* the text typed */
  ra_completion *c;       /* owned by the caller of render */
  size_t n;
  uint32_t revision;
  const ra_html_page *page;
  int html;
} completions;

static ra_status render_completions(FILE *out, void *vctx, ra_error *err) {
  completions *x = vctx;
  if (x->html) return ra_html_completions(out, x->page, x->prefix, x->c, x->n, err);
  return ra_format_completions(out, RA_FMT_JSON, x->prefix, strlen(x->prefix),
                               x->c, x->n, x->revision, err);
}

/* ---- one request --------------------------------------------------------------- */

/* Worth one reopen: a rebuild may have swapped the generation we read.
 * DAMAGED too: a generation that reads as damaged may be one a rebuild
 * just replaced; if the reopened one is damaged as well, that is the
 * answer (503, rebuild it). */
static int is_retryable(ra_status st) {
  return st == RA_ERR_XAPIAN || st == RA_ERR_IO || st == RA_ERR_NOINDEX ||
         st == RA_ERR_ZLIB || st == RA_ERR_DAMAGED || st == RA_ERR_UNREACHABLE;
}

/* The published index cannot be read: DAMAGED's 503, saying what will
 * help (the details are in the server's log). */
static ra_status set_damaged(response *resp, const ra_html_page *page,
                             ra_error *err) {
  return set_error(resp, page, ra_status_http(RA_ERR_DAMAGED), NULL,
                   "the search index is damaged and cannot be read; it must "
                   "be rebuilt (ra-index --rebuild)", err);
}

/* The HTTP status of a failure the request is not blamed for: st's in the
 * table when that is a server error (503 for NOINDEX), else 500 - a 4xx
 * status from a call that did not take the request's words is our fault. */
static int server_error_http(ra_status st) {
  int http = ra_status_http(st);
  return http >= 500 ? http : ra_status_http(RA_ERR_INTERNAL);
}

/* Answer a valid GET/HEAD request into resp.  Returns only NOMEM-class
 * failures; everything else becomes an HTTP status. */
static ra_status answer(ra_cgi *c, const ra_cgi_request *req,
                        const ra_html_page *page, const char *inm,
                        const char *key, response *resp, int attempt,
                        ra_error *err) {
  ra_error e;
  ra_error_clear(&e);
  ra_status st = ensure_open(c, attempt > 0, &e);
  if (st == RA_ERR_NOMEM) return ra_error_set(err, st, "%s", e.msg);
  if (st) {
    /* Log the details for the operator; tell the reader less. */
    fprintf(stderr, "ra-cgi: %s: %s\n", c->db, ra_error_message(&e));
    if (st == RA_ERR_DAMAGED) return set_damaged(resp, page, err);
    /* Whatever else kept it from opening, the index is not available
     * (503). */
    return set_error(resp, page, ra_status_http(RA_ERR_NOINDEX), NULL,
                     "the search index is not available right now; try again "
                     "in a minute", err);
  }
  uint32_t rev = ra_searcher_revision(c->s);
  snprintf(resp->etag, sizeof resp->etag, "\"%s-r%u-%s-s%d\"",
           ra_searcher_generation(c->s), rev, resp->html ? "html" : "json",
           RA_CGI_SCHEMA);
  resp->cacheable = 1;
  if (!inm_star(inm) && etag_matches(inm, resp->etag)) {
    resp->status = 304;
    return RA_OK;
  }
  resp->status = ra_status_http(RA_OK);
  size_t klen = key ? strlen(key) : 0, vlen = 0;
  const char *hit = c->cache && key ? ra_cache_get(c->cache, key, klen, &vlen) : NULL;
  if (hit) {
    char *b = malloc(vlen ? vlen : 1);
    if (!b) return ra_error_set(err, RA_ERR_NOMEM, "response body");
    memcpy(b, hit, vlen);
    free(resp->body);
    resp->body = b;
    resp->body_len = vlen;
    return RA_OK;
  }
  ra_search_opts o = {(size_t)(req->page - 1) * req->per_page, req->per_page, 3};
  int partial = 0;
  if (req->complete) {
    completions x = {.prefix = req->complete, .revision = rev, .page = page,
                     .html = resp->html};
    st = ra_search_complete(c->s, req->complete, strlen(req->complete),
                            RA_CGI_MAX_COMPLETIONS, &x.c, &x.n, &e);
    if (!st) st = render(resp, render_completions, &x, &e);
    ra_completions_free(x.c, x.n);
  } else if (req->article) {
    ra_artview *v = NULL;
    st = ra_artview_load(c->s, req->article, req->q, req->q ? strlen(req->q) : 0,
                         &v, &e);
    partial = v && v->related ? (int)v->related->n_missing : 0;
    if (!st) {
      article_ctx x = {v, page, resp->html};
      st = render(resp, render_article, &x, &e);
    }
    ra_artview_free(v);
    if (st == RA_ERR_NOTFOUND)
      return set_error(resp, page, ra_status_http(st), "article",
                       "no article has this id", err);
    if (st == RA_ERR_INVALID)
      return set_error(resp, page, ra_status_http(st), "article",
                       ra_error_message(&e), err);
  } else if (req->related) {
    ra_results *r = NULL;
    st = ra_search_related(c->s, req->related, &o, NULL, &r, &e);
    partial = r ? (int)r->n_missing : 0;
    if (!st) {
      results_ctx x = {r, page, resp->html};
      st = render(resp, render_results, &x, &e);
    }
    ra_results_free(r);
    if (st == RA_ERR_NOTFOUND)
      return set_error(resp, page, ra_status_http(st), "related",
                       "no article has this id", err);
    if (st == RA_ERR_INVALID)
      return set_error(resp, page, ra_status_http(st), "related",
                       ra_error_message(&e), err);
  } else {
    char *filters = compose_filters(req);
    char *q = NULL;
    int qlen = filters ? asprintf(&q, "%s%s", req->q ? req->q : "", filters) : -1;
    if (qlen < 0) {
      free(filters);
      return ra_error_set(err, RA_ERR_NOMEM, "query");
    }
    ra_results *r = NULL;
    st = ra_search_run_ext(c->s, q, (size_t)qlen, &o, NULL, &r, &e);
    partial = r ? (int)r->n_missing : 0;
    free(q);
    if (!st) {
      ra_html_page p2 = *page;
      p2.filters = filters;
      /* The filters as the search compared them, so the HTML page shows a
       * tag filtered on as active however it was spelt in tag=. */
      char folded[RA_CGI_MAX_TAGS][256];
      const char *tf[RA_CGI_MAX_TAGS];
      for (size_t t = 0; resp->html && t < req->n_tags && t < RA_CGI_MAX_TAGS; t++) {
        size_t fl = 0;
        if (ra_qparse_fold_value(ra_searcher_analyzer(c->s), req->tags[t],
                                 strlen(req->tags[t]), folded[t], &fl) != RA_OK)
          folded[t][0] = '\0';
        tf[t] = folded[t];
      }
      if (resp->html) p2.tags_folded = tf;
      results_ctx x = {r, &p2, resp->html};
      st = render(resp, render_results, &x, &e);
    }
    ra_results_free(r);
    free(filters);
    /* The query is q and the filters: blame q when it was given, else
     * the filter that made the query. */
    if (st == RA_ERR_INVALID || st == RA_ERR_TOOBIG || st == RA_ERR_UTF8)
      return set_error(resp, page, ra_status_http(st),
                       req->q || (!req->n_tags && !req->category) ? "q"
                       : req->n_tags ? "tag" : "category",
                       ra_error_message(&e), err);
  }
  if (st == RA_ERR_NOMEM) return ra_error_set(err, st, "%s", e.msg);
  if (st && is_retryable(st) && attempt == 0) {
    /* A rebuild may have removed the generation we had open: reopen. */
    return answer(c, req, page, inm, key, resp, 1, err);
  }
  if (st) {
    fprintf(stderr, "ra-cgi: %s\n", ra_error_message(&e));
    if (st == RA_ERR_DAMAGED) return set_damaged(resp, page, err);
    return set_error(resp, page, server_error_http(st), NULL,
                     "the search failed; the error has been logged", err);
  }
  if (partial) {
    /* Lacking a shard's articles: never kept, by us or by a browser; the
     * operator hears of it (docs/scale.md, watching for partial answers). */
    fprintf(stderr, "ra-cgi: %s: partial answer: %d shard%s did not answer\n", c->db, partial,
            partial > 1 ? "s" : "");
    resp->cacheable = 0;
    return RA_OK;
  }
  if (c->cache && key && resp->status == 200) {
    ra_error ce;
    ra_error_clear(&ce);
    /* Out of memory here only means this answer is not kept. */
    ra_cache_put(c->cache, key, klen, resp->body, resp->body_len, &ce);
  }
  return RA_OK;
}

ra_status ra_cgi_handle(ra_cgi *c, ra_cgi_getenv_fn get, void *ctx,
                        char **out, size_t *out_len, ra_error *err) {
  *out = NULL;
  *out_len = 0;
  const char *method = get(ctx, "REQUEST_METHOD");
  const char *qs = get(ctx, "QUERY_STRING");
  const char *inm = get(ctx, "HTTP_IF_NONE_MATCH");
  const char *script = get(ctx, "SCRIPT_NAME");
  if (!qs) qs = "";
  int head = method && strcmp(method, "HEAD") == 0;
  int get_m = method && strcmp(method, "GET") == 0;

  ra_cgi_request req;
  ra_cgi_problem prob;
  ra_error perr;
  ra_error_clear(&perr);
  ra_status pst = ra_cgi_parse_query(qs, strlen(qs), &req, &prob, &perr);
  response resp = {.html = req.format == RA_CGI_HTML};
  ra_html_page page = {
      .endpoint = script && script[0] == '/' ? script : "",
      .q = req.q, .tags = (const char *const *)req.tags, .n_tags = req.n_tags,
      .category = req.category, .page = req.page, .per_page = req.per_page,
      .max_page = max_page(req.per_page), .related_id = req.related};
  ra_status st = RA_OK;
  if (!get_m && !head) {
    resp.allow = "GET, HEAD";
    st = set_error(&resp, &page, 405, NULL, "only GET and HEAD are allowed", err);
  } else if (pst == RA_ERR_NOMEM) {
    st = ra_error_set(err, pst, "%s", perr.msg);
  } else if (pst) {
    /* A refused request echoes nothing it was given back into the form. */
    ra_html_page bare = {.endpoint = page.endpoint, .page = 1};
    st = set_error(&resp, &bare, prob.http_status, prob.param, prob.msg, err);
  } else {
    /* The answer depends on the request's parameters and the endpoint's
     * path (links in HTML), and on the index, which clears the cache. */
    char *key = NULL;
    if (c->cache && asprintf(&key, "%s\n%s", page.endpoint, qs) < 0) key = NULL;
    st = answer(c, &req, &page, inm, key, &resp, 0, err);
    free(key);
    if (!st && resp.status == 200 && resp.cacheable && inm_star(inm)) resp.status = 304;
  }
  if (!st) st = finish(&resp, head, out, out_len, err);
  free(resp.body);
  ra_cgi_request_clear(&req);
  return st;
}

/* ---- the process ----------------------------------------------------------------- */

static const char *env_get(void *ctx, const char *name) {
  (void)ctx;
  return getenv(name);
}

static const char *fcgi_get(void *ctx, const char *name) {
  return FCGX_GetParam(name, (FCGX_ParamArray)ctx);
}

/* NOMEM's 500, written without allocating. */
static const char kOutOfMemory[] =
    "Status: 500 Internal Server Error\r\nContent-Type: text/plain; "
    "charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: "
    "nosniff\r\n\r\nout of memory\n";

/* A one-shot CGI process faults in its heap with one system call.  A
 * search at 20,000 articles first-touches ~180 fresh heap pages, and on a
 * virtual machine each such fault can cost 10-15 us; populating 1 MB up
 * front cost one call and saved ~1.2 ms of a 19 ms request here.  Big
 * buffers then come from that heap too, and freed memory stays.  On a
 * kernel without MADV_POPULATE_WRITE (< 5.14) only that populating fails;
 * with another allocator (the sanitizers') the heap does not move and
 * nothing is populated. */
static void heap_prefault(size_t bytes) {
#if defined(MADV_POPULATE_WRITE) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  char *lo = sbrk(0);
  void *volatile big = malloc(bytes); /* volatile: keep the malloc/free */
  free(big);
  char *hi = sbrk(0);
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t from = ((uintptr_t)lo + page - 1) & ~(page - 1);
  if (lo != (char *)-1 && hi != (char *)-1 && (uintptr_t)hi > from)
    (void)madvise((void *)from, (uintptr_t)hi - from, MADV_POPULATE_WRITE);
#else
  (void)bytes;
#endif
}

int ra_cgi_run(const char *db_dir) {
  ra_error err;
  ra_error_clear(&err);
  ra_cgi *c = NULL;
  if (ra_cgi_new(db_dir, &c, &err)) {
    fprintf(stderr, "ra-cgi: %s\n", ra_error_message(&err));
    /* An unusable index path: a usage error, whatever the status. */
    return ra_status_exit(RA_ERR_USAGE, RA_PROG_CGI);
  }
  if (FCGX_Init() != 0) {
    fprintf(stderr, "ra-cgi: FastCGI initialisation failed\n");
    ra_cgi_free(c);
    return ra_status_exit(RA_ERR_IO, RA_PROG_CGI);
  }
  /* Recent answers, RA_CACHE_MB megabytes (default 32; 0: none).  Only a
   * FastCGI process keeps a cache, but a CGI one checks the setting too:
   * the same configuration is refused the same way whichever runs it. */
  const char *mb = getenv("RA_CACHE_MB");
  char *end = NULL;
  unsigned long cache_mb = mb && *mb ? strtoul(mb, &end, 10) : 32;
  /* strtoul takes "-1" as a huge number: only digits are a size; and
   * the byte count must fit a size_t (4095 MB on a 32-bit system). */
  unsigned long max_mb = SIZE_MAX >> 20 < 65536 ? (unsigned long)(SIZE_MAX >> 20) : 65536;
  if (mb && *mb && (*end || *mb < '0' || *mb > '9' || cache_mb > max_mb)) {
    fprintf(stderr, "ra-cgi: RA_CACHE_MB=%s: not a number of megabytes (0-65536)\n", mb);
    ra_cgi_free(c);
    return ra_status_exit(RA_ERR_USAGE, RA_PROG_CGI);
  }
  int rc = ra_status_exit(RA_OK, RA_PROG_CGI);
  if (FCGX_IsCGI()) {
    if (!getenv("REQUEST_METHOD")) {
      fprintf(stderr, "ra-cgi: REQUEST_METHOD is not set: run me from a web "
                      "server (CGI or FastCGI); see docs/web.md\n");
      ra_cgi_free(c);
      return ra_status_exit(RA_ERR_USAGE, RA_PROG_CGI);
    }
    heap_prefault(1 << 20);
    char *resp = NULL;
    size_t len = 0;
    if (ra_cgi_handle(c, env_get, NULL, &resp, &len, &err) == RA_OK) {
      fwrite(resp, 1, len, stdout);
    } else {
      fputs(kOutOfMemory, stdout);
      rc = ra_status_exit(RA_ERR_NOMEM, RA_PROG_CGI);
    }
    /* A large answer bypasses the buffer: fflush alone can miss its
     * failure, the error flag does not. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
      fprintf(stderr, "ra-cgi: writing the answer to stdout failed: %s\n",
              strerror(errno));
      rc = ra_status_exit(RA_ERR_IO, RA_PROG_CGI);
    }
    free(resp);
    ra_cgi_free(c);
    return rc;
  }
  ra_cgi_set_preload(c, 1);
  if (ra_cgi_set_cache(c, (size_t)cache_mb << 20, &err)) {
    fprintf(stderr, "ra-cgi: %s\n", ra_error_message(&err));
    ra_cgi_free(c);
    return ra_status_exit(RA_ERR_NOMEM, RA_PROG_CGI);
  }
  FCGX_Request fr;
  if (FCGX_InitRequest(&fr, 0, 0) != 0) {
    fprintf(stderr, "ra-cgi: FastCGI request initialisation failed\n");
    ra_cgi_free(c);
    return ra_status_exit(RA_ERR_IO, RA_PROG_CGI);
  }
  while (FCGX_Accept_r(&fr) >= 0) {
    char *resp = NULL;
    size_t len = 0;
    ra_error_clear(&err);
    if (ra_cgi_handle(c, fcgi_get, fr.envp, &resp, &len, &err) == RA_OK)
      FCGX_PutStr(resp, (int)len, fr.out);
    else
      FCGX_PutS(kOutOfMemory, fr.out);
    free(resp);
    FCGX_Finish_r(&fr);
  }
  FCGX_Free(&fr, 1);
  ra_cgi_free(c);
  return rc;
}
