/* xap.h - the C face of libxapian.  lib/xap.cc is the only C++ in rasearch.
 *
 * Handles are opaque.  Every Xapian::Error (which is not a std::exception in
 * 1.4), every std::exception and anything else thrown is caught at this
 * boundary and returned as an ra_status plus a message in the ra_error. */
#ifndef RA_XAP_H
#define RA_XAP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_xwriter ra_xwriter; /* a writable database */
typedef struct ra_xdoc ra_xdoc;       /* a document being built */
typedef struct ra_xdb ra_xdb;         /* a read-only database */
typedef struct ra_xquery ra_xquery;   /* an immutable query tree */
typedef struct ra_xmset ra_xmset;     /* one page of results */

/* ---- writing --------------------------------------------------------------*/

enum {
  RA_XW_CREATE = 1,    /* create, or overwrite an existing database */
  RA_XW_OPEN = 2,      /* open existing, create if missing */
  RA_XW_NO_SYNC = 4    /* skip fsync: only for a scratch build swapped later */
};

ra_status ra_xwriter_open(const char *path, int flags, ra_xwriter **out,
                          ra_error *err);
/* Add or replace the document whose unique term is idterm. */
ra_status ra_xwriter_replace(ra_xwriter *w, const char *idterm,
                             ra_xdoc *doc, ra_error *err);
ra_status ra_xwriter_delete(ra_xwriter *w, const char *idterm,
                            ra_error *err);
ra_status ra_xwriter_set_metadata(ra_xwriter *w, const char *key,
                                  const char *val, size_t len,
                                  ra_error *err);
ra_status ra_xwriter_add_spelling(ra_xwriter *w, const char *word,
                                  size_t len, unsigned freqinc,
                                  ra_error *err);
ra_status ra_xwriter_commit(ra_xwriter *w, ra_error *err);
/* Commit-less close: pending changes are committed by Xapian's close. */
ra_status ra_xwriter_close(ra_xwriter *w, ra_error *err);
void ra_xwriter_free(ra_xwriter *w); /* closes if open; NULL ok */

ra_status ra_xdoc_new(ra_xdoc **out, ra_error *err);
void ra_xdoc_free(ra_xdoc *d);
/* Positional term; pos > 0. */
ra_status ra_xdoc_add_posting(ra_xdoc *d, const char *term, size_t len,
                              uint32_t pos, unsigned wdfinc, ra_error *err);
ra_status ra_xdoc_add_term(ra_xdoc *d, const char *term, size_t len,
                           unsigned wdfinc, ra_error *err);
ra_status ra_xdoc_add_boolean_term(ra_xdoc *d, const char *term, size_t len,
                                   ra_error *err);
ra_status ra_xdoc_set_data(ra_xdoc *d, const void *data, size_t len,
                           ra_error *err);
ra_status ra_xdoc_set_value(ra_xdoc *d, unsigned slot, const void *data,
                            size_t len, ra_error *err);

/* ---- reading --------------------------------------------------------------*/

/* Opens a database directory, a stub file, or a directory holding a
 * XAPIANDB stub.  RA_ERR_NOINDEX when nothing usable is there. */
ra_status ra_xdb_open(const char *path, ra_xdb **out, ra_error *err);
void ra_xdb_free(ra_xdb *db);
/* Re-open to the latest committed revision (does not re-read stubs). */
ra_status ra_xdb_reopen(ra_xdb *db, ra_error *err);
uint32_t ra_xdb_doccount(const ra_xdb *db);
uint32_t ra_xdb_revision(const ra_xdb *db);
/* Documents containing term (0 if none or on error). */
uint32_t ra_xdb_termfreq(ra_xdb *db, const char *term, size_t len);
/* Metadata value: malloc'd copy (may be empty), caller frees. */
ra_status ra_xdb_get_metadata(ra_xdb *db, const char *key, char **val,
                              size_t *len, ra_error *err);
/* Document data by docid: malloc'd, caller frees. */
ra_status ra_xdb_get_data(ra_xdb *db, uint32_t docid, char **data,
                          size_t *len, ra_error *err);
/* Docid of the document with this unique term; RA_ERR_NOTFOUND if none. */
ra_status ra_xdb_find(ra_xdb *db, const char *idterm, uint32_t *docid,
                      ra_error *err);

/* Visit every term starting with prefix, in sorted order, with its
 * document frequency; the callback returns non-zero to stop. */
typedef int (*ra_xterm_cb)(void *ctx, const char *term, size_t len,
                           uint32_t termfreq);
ra_status ra_xdb_allterms(ra_xdb *db, const char *prefix, ra_xterm_cb cb,
                          void *ctx, ra_error *err);
/* Visit the terms of one document starting with prefix, with their wdf. */
ra_status ra_xdb_doc_terms(ra_xdb *db, uint32_t docid, const char *prefix,
                           ra_xterm_cb cb, void *ctx, ra_error *err);

/* ---- queries ---------------------------------------------------------------*/

typedef enum {
  RA_XQ_AND,
  RA_XQ_OR,
  RA_XQ_AND_NOT,   /* first AND NOT (OR of the rest) */
  RA_XQ_AND_MAYBE, /* first, with the rest only adding weight */
  RA_XQ_FILTER,    /* first, restricted to the rest; the rest add no weight */
  RA_XQ_PHRASE,    /* in order, within window (0: number of subqueries) */
  RA_XQ_NEAR,      /* any order within window */
  RA_XQ_SYNONYM,   /* one term for weighting purposes */
  RA_XQ_ELITE_SET
} ra_xq_op;

/* Query constructors return NULL only on allocation failure (err set).
 * Combining takes ownership of nothing: subqueries stay owned by the caller
 * and must still be freed (queries are reference-counted inside). */
ra_xquery *ra_xquery_term(const char *term, size_t len, unsigned wqf,
                          uint32_t pos, ra_error *err);
ra_xquery *ra_xquery_combine(ra_xq_op op, ra_xquery *const *subs, size_t n,
                             unsigned window, ra_error *err);
ra_xquery *ra_xquery_scale(const ra_xquery *q, double factor, ra_error *err);
/* Every term starting with prefix, capped at max_expansion (most frequent
 * first); combined with OR (as a SYNONYM). */
ra_xquery *ra_xquery_wildcard(const char *prefix, size_t len,
                              unsigned max_expansion, ra_error *err);
ra_xquery *ra_xquery_match_all(ra_error *err);
int ra_xquery_empty(const ra_xquery *q);
/* Human-readable description, malloc'd. */
char *ra_xquery_describe(const ra_xquery *q);
void ra_xquery_free(ra_xquery *q);

typedef struct ra_xsearch_opts {
  uint32_t offset;      /* first hit (0-based) */
  uint32_t count;       /* hits wanted */
  uint32_t check_at_least; /* for exact-ish totals; 0 = Xapian default */
  int collapse_slot;    /* value slot to collapse on, -1 for none */
  double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen; /* <0: default */
  int sort_by_docid;    /* 1: boolean order (tag-only listing) */
} ra_xsearch_opts;

void ra_xsearch_opts_init(ra_xsearch_opts *o);
ra_status ra_xdb_search(ra_xdb *db, const ra_xquery *q,
                        const ra_xsearch_opts *o, ra_xmset **out,
                        ra_error *err);
size_t ra_xmset_size(const ra_xmset *m);
uint32_t ra_xmset_estimate(const ra_xmset *m); /* total matches estimate */
uint32_t ra_xmset_lower(const ra_xmset *m);
uint32_t ra_xmset_upper(const ra_xmset *m);
uint32_t ra_xmset_docid(const ra_xmset *m, size_t i);
double ra_xmset_weight(const ra_xmset *m, size_t i);
int ra_xmset_percent(const ra_xmset *m, size_t i);
uint32_t ra_xmset_collapse_count(const ra_xmset *m, size_t i);
/* The query terms that match hit i, visited in query order. */
ra_status ra_xmset_matching_terms(const ra_xmset *m, size_t i,
                                  ra_xterm_cb cb, void *ctx, ra_error *err);
void ra_xmset_free(ra_xmset *m);

#ifdef __cplusplus
}
#endif
#endif
