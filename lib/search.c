/* search.c - query building, ranking and hit assembly. */
#define _GNU_SOURCE
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "idxdir.h"
#include "index.h"
#include "store.h"
#include "xap.h"

struct ra_searcher {
  ra_xdb *db;
  ra_analyzer *an;
  char generation[64];
};

ra_status ra_searcher_open(const char *db_dir, ra_searcher **out,
                           ra_error *err) {
  *out = NULL;
  char gen[64] = "";
  ra_status st = ra_idxdir_current(db_dir, gen, sizeof gen, err);
  if (st) return st;
  if (!gen[0])
    return ra_error_set(err, RA_ERR_NOINDEX,
                        "no index at %s: build one with `ra-index --db %s "
                        "CORPUS_DIR`",
                        db_dir, db_dir);
  ra_searcher *s = calloc(1, sizeof *s);
  if (!s) return ra_error_set(err, RA_ERR_NOMEM, "searcher");
  snprintf(s->generation, sizeof s->generation, "%s", gen);
  st = ra_xdb_open(db_dir, &s->db, err);
  if (!st) st = ra_analyzer_new(&s->an, err);
  if (st) {
    ra_searcher_free(s);
    return st;
  }
  *out = s;
  return RA_OK;
}

void ra_searcher_free(ra_searcher *s) {
  if (!s) return;
  ra_xdb_free(s->db);
  ra_analyzer_free(s->an);
  free(s);
}

uint32_t ra_searcher_doccount(const ra_searcher *s) {
  return ra_xdb_doccount(s->db);
}

/* ---- query building ------------------------------------------------------- */

/* A small arena of query nodes so every exit path frees them all. */
typedef struct qarena {
  ra_xquery *v[512];
  size_t n;
  ra_error *err;
  int failed;
} qarena;

static ra_xquery *keep(qarena *a, ra_xquery *q) {
  if (!q || a->n >= sizeof a->v / sizeof a->v[0]) {
    if (q) ra_xquery_free(q);
    a->failed = 1;
    return NULL;
  }
  a->v[a->n++] = q;
  return q;
}

static void arena_free(qarena *a) {
  for (size_t i = 0; i < a->n; i++) ra_xquery_free(a->v[i]);
  a->n = 0;
}

static ra_xquery *term_q(qarena *a, const char *prefix, const char *word,
                         uint32_t pos) {
  char buf[300];
  int n = snprintf(buf, sizeof buf, "%s%s", prefix, word);
  if (n < 0 || (size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
  return keep(a, ra_xquery_term(buf, (size_t)n, 1, pos, a->err));
}

/* One positive text clause -> its matching query (stemmed for ranking
 * recall, positional for phrases). */
static ra_xquery *clause_q(qarena *a, const ra_qclause *c) {
  if (c->phrase) {
    ra_xquery *parts[RA_QUERY_MAX_TERMS];
    size_t n = 0;
    for (size_t i = 0; i < c->n_words && n < RA_QUERY_MAX_TERMS; i++)
      parts[n++] = term_q(a, c->title_only ? RA_PREFIX_TITLE : "",
                          c->words[i].word, (uint32_t)(i + 1));
    if (a->failed) return NULL;
    return keep(a, ra_xquery_combine(RA_XQ_PHRASE, parts, n, 0, a->err));
  }
  if (c->title_only) return term_q(a, RA_PREFIX_TITLE, c->words[0].word, 0);
  return term_q(a, RA_PREFIX_STEM, c->words[0].stem, 0);
}

typedef struct built {
  ra_xquery *match;   /* what must match */
  int n_text;         /* positive text clauses */
} built;

/* mode 0: every positive clause must match (AND); mode 1: any (OR). */
static ra_xquery *build_query(qarena *a, const ra_query *q, int mode,
                              int *n_text) {
  ra_xquery *pos[RA_QUERY_MAX_TERMS], *neg[RA_QUERY_MAX_TERMS],
      *filt[RA_QUERY_MAX_TERMS], *boost[RA_QUERY_MAX_TERMS];
  size_t np = 0, nn = 0, nf = 0, nb = 0;
  for (size_t i = 0; i < q->n_clauses && !a->failed; i++) {
    const ra_qclause *c = &q->clauses[i];
    ra_xquery *x = NULL;
    if (c->kind == RA_QC_TAG)
      x = term_q(a, RA_PREFIX_TAG, c->value, 0);
    else if (c->kind == RA_QC_CATEGORY)
      x = term_q(a, RA_PREFIX_CATEGORY, c->value, 0);
    else
      x = clause_q(a, c);
    if (!x) continue;
    if (c->negated) {
      if (nn < RA_QUERY_MAX_TERMS) neg[nn++] = x;
    } else if (c->kind != RA_QC_TEXT) {
      if (nf < RA_QUERY_MAX_TERMS) filt[nf++] = x;
    } else {
      if (np < RA_QUERY_MAX_TERMS) pos[np++] = x;
      /* The exact form the reader typed ranks above other forms. */
      if (!c->phrase && !c->title_only && nb < RA_QUERY_MAX_TERMS)
        boost[nb++] = term_q(a, "", c->words[0].word, 0);
    }
  }
  *n_text = (int)np;
  if (a->failed) return NULL;
  ra_xquery *m;
  if (np == 0) {
    m = keep(a, ra_xquery_match_all(a->err));
  } else {
    m = keep(a, ra_xquery_combine(mode ? RA_XQ_OR : RA_XQ_AND, pos, np, 0, a->err));
    if (m && nb) {
      ra_xquery *ex = keep(a, ra_xquery_combine(RA_XQ_OR, boost, nb, 0, a->err));
      ra_xquery *exs = ex ? keep(a, ra_xquery_scale(ex, 0.5, a->err)) : NULL;
      /* Words close together rank above words far apart. */
      ra_xquery *near = NULL;
      if (nb > 1) {
        ra_xquery *nr = keep(a, ra_xquery_combine(RA_XQ_NEAR, boost, nb,
                                                  (unsigned)(nb * 4), a->err));
        near = nr ? keep(a, ra_xquery_scale(nr, 2.0, a->err)) : NULL;
      }
      ra_xquery *parts[3] = {m, exs, near};
      m = keep(a, ra_xquery_combine(RA_XQ_AND_MAYBE, parts, near ? 3 : 2, 0, a->err));
    }
  }
  if (m && nf) {
    ra_xquery *f = keep(a, ra_xquery_combine(RA_XQ_AND, filt, nf, 0, a->err));
    ra_xquery *parts[2] = {m, f};
    m = keep(a, ra_xquery_combine(RA_XQ_FILTER, parts, 2, 0, a->err));
  }
  if (m && nn) {
    ra_xquery *parts[RA_QUERY_MAX_TERMS + 1];
    parts[0] = m;
    memcpy(parts + 1, neg, nn * sizeof *neg);
    m = keep(a, ra_xquery_combine(RA_XQ_AND_NOT, parts, nn + 1, 0, a->err));
  }
  return a->failed ? NULL : m;
}

/* ---- hits ------------------------------------------------------------------ */

static ra_status load_hit(ra_searcher *s, const ra_query *q, uint32_t docid,
                          const ra_search_opts *o, ra_hit *h, ra_error *err) {
  char *blob = NULL, *json = NULL;
  size_t blob_len = 0, json_len = 0;
  ra_status st = ra_xdb_get_data(s->db, docid, &blob, &blob_len, err);
  if (!st) st = ra_store_unpack(blob, blob_len, &json, &json_len, err);
  if (!st) st = ra_article_from_json(json, json_len, &h->article, err);
  free(blob);
  free(json);
  if (st) return st;
  ra_snippet_opts so = {.max_frags = o->max_frags ? o->max_frags : 3};
  st = ra_snippet_build(s->an, h->article, q, &so, &h->snippet, err);
  if (!st)
    st = ra_snippet_highlight(s->an, h->article->title, strlen(h->article->title),
                              q, &h->title_hls, &h->n_title_hls, err);
  return st;
}

ra_status ra_search_run(ra_searcher *s, const char *query, size_t len,
                        const ra_search_opts *o, ra_results **out,
                        ra_error *err) {
  *out = NULL;
  ra_search_opts def = {0, 10, 3};
  if (!o) o = &def;
  size_t count = o->count ? o->count : 10;
  if (count > 100) count = 100;
  ra_results *r = calloc(1, sizeof *r);
  if (!r) return ra_error_set(err, RA_ERR_NOMEM, "results");
  snprintf(r->generation, sizeof r->generation, "%s", s->generation);
  r->revision = ra_xdb_revision(s->db);
  ra_status st = ra_qparse(s->an, query, len, &r->query, err);
  if (!st && r->query->n_clauses == 0)
    st = ra_error_set(err, RA_ERR_INVALID,
                      "the query has no searchable words");
  qarena a = {.err = err};
  ra_xmset *m = NULL;
  int n_text = 0;
  for (int mode = 0; !st && mode < 2; mode++) {
    ra_xquery *xq = build_query(&a, r->query, mode, &n_text);
    if (!xq) {
      st = ra_error_set(err, RA_ERR_NOMEM, "query too complex");
      break;
    }
    ra_xsearch_opts xo;
    ra_xsearch_opts_init(&xo);
    xo.offset = (uint32_t)o->offset;
    xo.count = (uint32_t)count;
    xo.check_at_least = 100;
    xo.sort_by_docid = (n_text == 0);
    st = ra_xdb_search(s->db, xq, &xo, &m, err);
    if (st) break;
    if (ra_xmset_estimate(m) > 0 || mode == 1 || n_text < 2 || o->offset > 0)
      break;
    /* Nothing has every word: say so and accept articles with some. */
    ra_xmset_free(m);
    m = NULL;
    snprintf(r->relaxed, sizeof r->relaxed,
             "no article contains every word; showing articles that contain "
             "some of them");
  }
  arena_free(&a);
  if (!st) {
    r->estimate = ra_xmset_estimate(m);
    size_t n = ra_xmset_size(m);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->hits) st = ra_error_set(err, RA_ERR_NOMEM, "results");
    for (size_t i = 0; !st && i < n; i++) {
      ra_hit *h = &r->hits[i];
      h->rank = o->offset + i + 1;
      h->score = ra_xmset_weight(m, i);
      h->percent = ra_xmset_percent(m, i);
      st = load_hit(s, r->query, ra_xmset_docid(m, i), o, h, err);
      r->n_hits = i + 1;
    }
  }
  ra_xmset_free(m);
  if (st) {
    ra_results_free(r);
    return st;
  }
  *out = r;
  return RA_OK;
}

void ra_results_free(ra_results *r) {
  if (!r) return;
  for (size_t i = 0; i < r->n_hits; i++) {
    ra_snippet_free(r->hits[i].snippet);
    ra_article_free(r->hits[i].article);
    free(r->hits[i].title_hls);
  }
  free(r->hits);
  ra_query_free(r->query);
  free(r);
}
