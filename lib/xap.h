/* xap.h - the C face of libxapian.  lib/xap.cc is the only C++ in rasearch.
 *
 * Handles are opaque.  Every Xapian::Error (which is not a std::exception in
 * 1.4), every std::exception and anything else thrown is caught at this
 * boundary and returned as an ra_status plus a message in the ra_error. */
#ifndef RA_XAP_H
#define RA_XAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- common: handles and callbacks ----------------------------------------*/

typedef struct ra_xwriter ra_xwriter; /* a writable database */
typedef struct ra_xdoc ra_xdoc;       /* a document being built */
typedef struct ra_xdb ra_xdb;         /* a read-only database */
typedef struct ra_xquery ra_xquery;   /* an immutable query tree */
typedef struct ra_xmset ra_xmset;     /* one page of results */

/* Visits one term with a count (document frequency, wdf or weight, as the
 * caller documents); returns non-zero to stop. */
typedef int (*ra_xterm_cb)(void *ctx, const char *term, size_t len,
                           uint32_t termfreq);
/* Visits one (docid, value) of a value slot; returns non-zero to stop. */
typedef int (*ra_xvalue_cb)(void *ctx, uint32_t docid, const char *val,
                            size_t len);

/* ---- writer: ra_xwriter, ra_xdoc ------------------------------------------*/

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
/* Add a new document (no id lookup: for fresh builds).  *docid may be NULL. */
ra_status ra_xwriter_add(ra_xwriter *w, ra_xdoc *doc, uint32_t *docid,
                         ra_error *err);
ra_status ra_xwriter_delete(ra_xwriter *w, const char *idterm,
                            ra_error *err);
/* Set a metadata value; len 0 removes the key. */
ra_status ra_xwriter_set_metadata(ra_xwriter *w, const char *key,
                                  const char *val, size_t len,
                                  ra_error *err);
ra_status ra_xwriter_get_metadata(ra_xwriter *w, const char *key, char **val,
                                  size_t *len, ra_error *err);
ra_status ra_xwriter_add_spelling(ra_xwriter *w, const char *word,
                                  size_t len, unsigned freqinc,
                                  ra_error *err);
/* Take freqdec from a spelling word's frequency: at 0 the word is gone
 * (Xapian removes it; an absent word is left alone). */
ra_status ra_xwriter_remove_spelling(ra_xwriter *w, const char *word,
                                     size_t len, unsigned freqdec,
                                     ra_error *err);
/* Synonym: key (folded word, or folded words joined by one space) ->
 * expansion of the same form. */
ra_status ra_xwriter_add_synonym(ra_xwriter *w, const char *key,
                                 const char *syn, ra_error *err);
/* Remove the one expansion syn of key (the other direction stays). */
ra_status ra_xwriter_remove_synonym(ra_xwriter *w, const char *key,
                                    const char *syn, ra_error *err);
uint32_t ra_xwriter_doccount(ra_xwriter *w);
/* Visit every (docid, value) in a value slot, in docid order. */
ra_status ra_xwriter_values(ra_xwriter *w, unsigned slot, ra_xvalue_cb cb,
                            void *ctx, ra_error *err);
/* Set (len > 0) or remove (len == 0) one value of a stored document. */
ra_status ra_xwriter_set_value(ra_xwriter *w, uint32_t docid, unsigned slot,
                               const char *val, size_t len, ra_error *err);
/* Calls through w that modified the database so far (documents, values,
 * synonyms, spellings, metadata): 0 means a commit would change nothing
 * but the revision. */
uint64_t ra_xwriter_changes(const ra_xwriter *w);
/* One transaction around an update: all of it is committed, or none. */
ra_status ra_xwriter_begin(ra_xwriter *w, ra_error *err);
ra_status ra_xwriter_end(ra_xwriter *w, int commit, ra_error *err);
ra_status ra_xwriter_commit(ra_xwriter *w, ra_error *err);
/* Commit-less close: pending changes are committed by Xapian's close. */
ra_status ra_xwriter_close(ra_xwriter *w, ra_error *err);
void ra_xwriter_free(ra_xwriter *w); /* closes if open; NULL ok */
/* Merge databases, in order (docids are renumbered to follow one another),
 * into a new compacted database at dest. */
ra_status ra_xcompact(const char *const *srcs, size_t n, const char *dest,
                      ra_error *err);

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

/* A pair of strings (a synonym key and one expansion); non-zero stops. */
typedef int (*ra_xpair_cb)(void *ctx, const char *key, size_t klen,
                           const char *val, size_t vlen);
/* Every spelling word of w with its frequency (as the count), in sorted
 * order; changes not yet committed included. */
ra_status ra_xwriter_spellings(ra_xwriter *w, ra_xterm_cb cb, void *ctx,
                               ra_error *err);
/* Every synonym pair (key, expansion) of w, keys in sorted order; changes
 * not yet committed included. */
ra_status ra_xwriter_synonym_pairs(ra_xwriter *w, ra_xpair_cb cb, void *ctx,
                                   ra_error *err);
/* A document's near-duplicate group changes: value slot set to key and the
 * boolean term old_term (NULL or "": none) replaced by new_term. */
ra_status ra_xwriter_set_group(ra_xwriter *w, uint32_t docid, unsigned slot,
                               const char *key, size_t key_len,
                               const char *old_term, const char *new_term,
                               ra_error *err);

/* ---- reader database: ra_xdb ----------------------------------------------*/

/* Opens a database directory, a stub file, or a directory holding a
 * XAPIANDB stub.  RA_ERR_NOINDEX when nothing usable is there. */
ra_status ra_xdb_open(const char *path, ra_xdb **out, ra_error *err);
void ra_xdb_free(ra_xdb *db);
/* Re-open to the latest committed revision (does not re-read stubs). */
ra_status ra_xdb_reopen(ra_xdb *db, ra_error *err);
uint32_t ra_xdb_doccount(const ra_xdb *db);
uint32_t ra_xdb_revision(const ra_xdb *db);
/* The database's UUID into buf ("" if it has none or it does not fit). */
void ra_xdb_uuid(const ra_xdb *db, char *buf, size_t size);
/* Documents containing term (0 if none or on error). */
uint32_t ra_xdb_termfreq(ra_xdb *db, const char *term, size_t len);
/* Occurrences of a term in the whole database (0 if absent or on error). */
uint64_t ra_xdb_collection_freq(ra_xdb *db, const char *term, size_t len);
/* Document length (sum of wdf) and the average over the database. */
uint32_t ra_xdb_doclength(ra_xdb *db, uint32_t docid);
double ra_xdb_avlength(ra_xdb *db);
/* Within-document frequency of term in docid (0 if absent or on error). */
uint32_t ra_xdb_wdf(ra_xdb *db, uint32_t docid, const char *term,
                    size_t len);
/* Metadata value: malloc'd copy (may be empty), caller frees. */
ra_status ra_xdb_get_metadata(ra_xdb *db, const char *key, char **val,
                              size_t *len, ra_error *err);
/* Document data by docid: malloc'd, caller frees. */
ra_status ra_xdb_get_data(ra_xdb *db, uint32_t docid, char **data,
                          size_t *len, ra_error *err);
/* One value of a document: malloc'd (empty when unset), caller frees. */
ra_status ra_xdb_get_value(ra_xdb *db, uint32_t docid, unsigned slot,
                           char **val, size_t *len, ra_error *err);
/* Docid of the document with this unique term; RA_ERR_NOTFOUND if none. */
ra_status ra_xdb_find(ra_xdb *db, const char *idterm, uint32_t *docid,
                      ra_error *err);
/* Visit every term starting with prefix, in sorted order, with its
 * document frequency. */
ra_status ra_xdb_allterms(ra_xdb *db, const char *prefix, ra_xterm_cb cb,
                          void *ctx, ra_error *err);
/* Visit the terms of one document starting with prefix, with their wdf. */
ra_status ra_xdb_doc_terms(ra_xdb *db, uint32_t docid, const char *prefix,
                           ra_xterm_cb cb, void *ctx, ra_error *err);
/* Every (docid, value) of a slot in docid order, read as one stream. */
ra_status ra_xdb_scan_values(ra_xdb *db, unsigned slot, ra_xvalue_cb cb,
                             void *ctx, ra_error *err);
/* Best spelling correction of a word from the index's spelling data
 * (edit distance <= max_edit); *out is malloc'd, "" when there is none. */
ra_status ra_xdb_spelling(ra_xdb *db, const char *word, size_t len,
                          unsigned max_edit, char **out, ra_error *err);
/* Visit the synonyms stored for key (folded word or phrase). */
ra_status ra_xdb_synonyms(ra_xdb *db, const char *key, ra_xterm_cb cb,
                          void *ctx, ra_error *err);
/* The max best expansion terms for the relevance set docids (Xapian's
 * ESet), unprefixed words only (terms not starting with 'A'-'Z');
 * visited best first with the term's weight * 1000 as the third value. */
ra_status ra_xdb_expand(ra_xdb *db, const uint32_t *docids, size_t n,
                        unsigned max, ra_xterm_cb cb, void *ctx,
                        ra_error *err);
/* The same for terms starting with prefix (e.g. "Z" for stems), given
 * with the prefix; terms in exclude (n_exclude, full terms) are left out.
 * For pseudo-relevance feedback. */
ra_status ra_xdb_expand_prefixed(ra_xdb *db, const uint32_t *docids,
                                 size_t n, const char *prefix,
                                 const char *const *exclude, size_t n_exclude,
                                 unsigned max, ra_xterm_cb cb, void *ctx,
                                 ra_error *err);

/* ---- clusters: one reader database over shards ----------------------------
 * A cluster file (cluster.h) opened as one ra_xdb: every call above reads
 * the shards together (one ranking with collection-wide statistics, docids
 * interleaved by Xapian).  A network failure during a call repairs the
 * connections (a dropped connection is reopened, a dead replica replaced by
 * the next) and runs the call once more; a shard none of whose replicas
 * answers stands in as empty and is reported missing.  What a stock remote
 * server does not serve: spelling and synonyms (read from the lexicon set
 * below), get_revision (ra_xdb_revision hashes the shards' RA_META_REVISION),
 * custom spies and posting sources (see ra_xdb_search_ext). */

struct ra_cluster_spec;
/* Opens every shard of spec, whose ownership passes to the database (also
 * on failure).  Errors: RA_ERR_UNREACHABLE when no shard answers;
 * RA_ERR_INVALID naming the file and line when a replica holds another
 * shard than listed, shards of different N or two holding one K. */
ra_status ra_xdb_open_cluster(struct ra_cluster_spec *spec, ra_xdb **out,
                              ra_error *err);
int ra_xdb_is_cluster(const ra_xdb *db);
size_t ra_xdb_cluster_size(const ra_xdb *db); /* shards listed; 0: no cluster */
/* The shards no replica answers, ascending: each one's K (its place in
 * the file, 1-based, when its K is unknown), at most max into out; returns
 * how many there are. */
size_t ra_xdb_cluster_missing(const ra_xdb *db, unsigned *out, size_t max);
/* Changes whenever a connection changes (docids read before may then
 * name other documents: a search that saw it change runs again). */
uint64_t ra_xdb_cluster_epoch(const ra_xdb *db);
/* At most once per min_interval_ms: a new connection to each shard (an
 * open one keeps reading the generation it started with) reads its
 * revision; a shard with a new one, or back after missing, or lost, is
 * switched over.  *changed = 1 when anything was. */
ra_status ra_xdb_cluster_probe(ra_xdb *db, unsigned min_interval_ms, int *changed,
                               ra_error *err);
/* Metadata of shard i (0-based, file order), read from that shard alone
 * (a combined remote database gives only the first shard's).  Malloc'd. */
ra_status ra_xdb_shard_metadata(ra_xdb *db, size_t i, const char *key, char **val,
                                size_t *len, ra_error *err);
/* Shard i's RA_META_REVISION as opened; NULL while it is missing.  Valid
 * until the next call on db. */
const char *ra_xdb_shard_revision(const ra_xdb *db, size_t i);
/* Where a cluster reads spelling and synonyms (lex stays the caller's;
 * NULL: none). */
void ra_xdb_set_lexicon(ra_xdb *db, ra_xdb *lex);

/* ---- queries: ra_xquery ---------------------------------------------------*/

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
/* Every term of db starting with prefix, capped at max_expansion (the
 * most frequent; 0: no cap), each scored as itself (OR); matches nothing
 * when there is none. */
ra_xquery *ra_xquery_wildcard(ra_xdb *db, const char *prefix, size_t len,
                              unsigned max_expansion, ra_error *err);
ra_xquery *ra_xquery_match_all(ra_error *err);
/* Matches every document with the same weight w (Xapian's built-in
 * FixedWeightPostingSource, which a remote server runs): FILTERed by a
 * boolean term, a fixed bonus for having it. */
ra_xquery *ra_xquery_fixed(double w, ra_error *err);
/* Matches exactly the documents ids (n of them, any order), each with
 * weights[i] (negative counts as 0): to re-rank a known set.  NULL on
 * failure. */
ra_xquery *ra_xquery_docids(const uint32_t *ids, const double *weights, size_t n,
                            ra_error *err);
int ra_xquery_empty(const ra_xquery *q);
/* Human-readable description, malloc'd. */
char *ra_xquery_describe(const ra_xquery *q);
void ra_xquery_free(ra_xquery *q);

/* ---- searching: options, ra_xdb_search, match sets (ra_xmset) -------------*/

typedef struct ra_xsearch_opts {
  uint32_t offset;      /* first hit (0-based) */
  uint32_t count;       /* hits wanted */
  uint32_t check_at_least; /* for exact-ish totals; 0 = Xapian default */
  int collapse_slot;    /* value slot to collapse on, -1 for none */
  double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen; /* <0: default */
  int sort_by_docid;    /* 1: boolean order (tag-only listing): by tie_slot's
                           value when set, else by docid */
  int tie_slot;         /* value slot ordering equal weights (ascending);
                           -1: docid order (Xapian's default) */
} ra_xsearch_opts;

void ra_xsearch_opts_init(ra_xsearch_opts *o);
ra_status ra_xdb_search(ra_xdb *db, const ra_xquery *q,
                        const ra_xsearch_opts *o, ra_xmset **out,
                        ra_error *err);

/* What ra_xdb_search_ext adds: a time limit, and facet counts or the
 * examined docids. */
typedef struct ra_xsearch_ext {
  double time_limit;          /* seconds; 0: none (Enquire::set_time_limit) */
  void *facet_ctx;
  uint32_t facet_docs;        /* out: documents the counts are over */
  /* Facets from value slot facet_slot holding "key\x1fdisplay" pairs
   * joined by "\x1e" (RA_SLOT_TAGS): one value per examined document, no
   * term lists.  facet_value_cb gets each distinct key with the first
   * display form seen and its documents; NULL: no facets. */
  unsigned facet_slot;
  int (*facet_value_cb)(void *ctx, const char *key, size_t klen,
                        const char *display, size_t dlen, uint32_t docs);
  /* Instead of reading values: the docids of every examined document,
   * in the order the matcher examined them (ascending, in practice), for
   * a caller that keeps the facet values in memory.
   * Out: *docids malloc'd (caller frees), n_docids of them. */
  int collect_docids;
  uint32_t *docids;
  size_t n_docids;
} ra_xsearch_ext;

/* ra_xdb_search plus ext (may be NULL).  Facet counts are over every
 * document the matcher examined: all matches when check_at_least >= the
 * number of matches. */
ra_status ra_xdb_search_ext(ra_xdb *db, const ra_xquery *q,
                            const ra_xsearch_opts *o, ra_xsearch_ext *ext,
                            ra_xmset **out, ra_error *err);

size_t ra_xmset_size(const ra_xmset *m);
uint32_t ra_xmset_estimate(const ra_xmset *m); /* total matches estimate */
uint32_t ra_xmset_lower(const ra_xmset *m);
uint32_t ra_xmset_upper(const ra_xmset *m);
uint32_t ra_xmset_docid(const ra_xmset *m, size_t i);
double ra_xmset_weight(const ra_xmset *m, size_t i);
int ra_xmset_percent(const ra_xmset *m, size_t i);
double ra_xmset_max_attained(const ra_xmset *m); /* best weight of any match */
uint32_t ra_xmset_collapse_count(const ra_xmset *m, size_t i);
/* Hit i's collapse key (the collapse slot's value) into buf (NUL-terminated,
 * cut to size - 1); returns its full length.  Read from the match set: no
 * round trip to a remote shard. */
size_t ra_xmset_collapse_key(const ra_xmset *m, size_t i, char *buf, size_t size);
/* The query terms that match hit i, visited in query order. */
ra_status ra_xmset_matching_terms(const ra_xmset *m, size_t i,
                                  ra_xterm_cb cb, void *ctx, ra_error *err);
void ra_xmset_free(ra_xmset *m);

#ifdef __cplusplus
}
#endif
#endif /* RA_XAP_H */
