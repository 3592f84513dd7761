/* hits.c - a page of results (hits.h): running the query for the page
 * with its tag counts and proximity re-rank, loading each hit's article,
 * snippet and highlights, explaining scores; and the results' lifetime. */
#define _GNU_SOURCE
#include "hits.h"

#include "ident.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "facet.h"
#include "ident.h"
#include "qbuild.h"
#include "record.h"
#include "schema.h"
#include "snippet.h"
#include "store.h"
#include "xap.h"

#define RA_MAX_FACETS 30 /* tags listed per result set, most frequent */
#define RA_RERANK_DEPTH 100 /* matches the proximity boost re-ranks */

/* ---- hits ------------------------------------------------------------------------------ */

static ra_status load_article(ra_searcher *s, uint32_t docid, ra_article **a,
                              ra_error *err) {
  char *blob = NULL, *json = NULL;
  size_t blob_len = 0, json_len = 0;
  ra_status st = ra_xdb_get_data(s->db, docid, &blob, &blob_len, err);
  if (!st) st = ra_store_unpack(blob, blob_len, &json, &json_len, err);
  /* An index of format 3 or older stored JSON. */
  if (!st && ra_record_is(json, json_len))
    st = ra_record_decode(json, json_len, a, err);
  else if (!st)
    st = ra_article_from_json(json, json_len, a, err);
  free(blob);
  free(json);
  return st;
}

static int fold_eq(ra_analyzer *an, const char *text, const char *folded) {
  char f[256];
  size_t fl = 0;
  return ra_analyze_fold(an, text, strlen(text), f, sizeof f, &fl, NULL) == RA_OK &&
         strcmp(f, folded) == 0;
}

static ra_status tag_highlights(ra_searcher *s, const ra_query *q, ra_hit *h,
                                ra_error *err) {
  const ra_article *a = h->article;
  if (!a->n_tags) return RA_OK;
  h->tag_hls = calloc(a->n_tags, sizeof *h->tag_hls);
  if (!h->tag_hls) return ra_error_set(err, RA_ERR_NOMEM, "tag highlights");
  for (size_t t = 0; t < a->n_tags; t++) {
    ra_tag_hls *th = &h->tag_hls[t];
    int whole = 0;
    for (size_t c = 0; c < q->n_clauses && !whole; c++)
      if (q->clauses[c].kind == RA_QC_TAG && !q->clauses[c].negated &&
          fold_eq(s->an, a->tags[t], q->clauses[c].value)) {
        whole = 1;
        th->filter = q->clauses[c].value;
      }
    if (whole) {
      th->hls = malloc(sizeof *th->hls);
      if (!th->hls) return ra_error_set(err, RA_ERR_NOMEM, "tag highlights");
      th->hls[0].start = 0;
      th->hls[0].end = strlen(a->tags[t]);
      th->n = th->hls[0].end ? 1 : 0;
      continue;
    }
    ra_status st = ra_snippet_highlight_text(s->an, a->tags[t], strlen(a->tags[t]),
                                             q, &th->hls, &th->n, err);
    if (st) return st;
  }
  return RA_OK;
}

static int has_hl(ra_searcher *s, const ra_query *q, const char *text) {
  if (!text) return 0;
  ra_hl *h = NULL;
  size_t n = 0;
  ra_snippet_highlight_text(s->an, text, strlen(text), q, &h, &n, NULL);
  free(h);
  return n > 0;
}

static unsigned matched_fields(ra_searcher *s, const ra_query *q,
                               const ra_hit *h) {
  const ra_article *a = h->article;
  unsigned f = 0;
  if (h->n_title_hls) f |= RA_FIELD_TITLE;
  for (size_t t = 0; h->tag_hls && t < a->n_tags; t++)
    if (h->tag_hls[t].n) f |= RA_FIELD_TAG;
  if (has_hl(s, q, a->category)) f |= RA_FIELD_CATEGORY;
  for (size_t i = 0; i < a->n_sections; i++) {
    if (has_hl(s, q, a->sections[i].heading)) f |= RA_FIELD_HEADING;
    for (size_t b = 0; !(f & RA_FIELD_BODY) && b < a->sections[i].n_blocks; b++)
      if (has_hl(s, q, a->sections[i].blocks[b].text)) f |= RA_FIELD_BODY;
  }
  for (size_t i = 0; i < a->n_faqs; i++) {
    if (has_hl(s, q, a->faqs[i].question)) f |= RA_FIELD_FAQ;
    for (size_t b = 0; !(f & RA_FIELD_FAQ) && b < a->faqs[i].n_answer; b++)
      if (has_hl(s, q, a->faqs[i].answer[b].text)) f |= RA_FIELD_FAQ;
  }
  for (size_t i = 0; i < a->n_illustrations; i++)
    if (has_hl(s, q, a->illustrations[i])) f |= RA_FIELD_ILLUSTRATION;
  return f;
}

typedef struct explain_ctx {
  ra_searcher *s;
  const ra_rank_params *rp;
  const qb *b;
  uint32_t docid;
  ra_explain *ex;
  int nomem;
} explain_ctx;

static int explain_cb(void *ctx, const char *term, size_t len, uint32_t unused) {
  (void)unused;
  explain_ctx *c = ctx;
  ra_explain *ex = c->ex;
  if (ex->n_terms >= 64) return 1;
  ra_explain_term *nt = realloc(ex->terms, (ex->n_terms + 1) * sizeof *nt);
  if (!nt) {
    c->nomem = 1;
    return 1;
  }
  ex->terms = nt;
  ra_explain_term *t = &nt[ex->n_terms];
  memset(t, 0, sizeof *t);
  t->term = strndup(term, len);
  if (!t->term) {
    c->nomem = 1;
    return 1;
  }
  ex->n_terms++;
  double scale = 1.0;
  for (size_t f = 0; f < c->b->n_fb; f++)
    if (strlen(c->b->fb_terms[f]) == len && memcmp(c->b->fb_terms[f], term, len) == 0) {
      t->role = "feedback";
      scale = c->b->fb_scale[f];
    }
  if (t->role) {
    /* a feedback term, scaled as it was added */
  } else if (term[0] == 'Z') {
    t->role = "stem";
  }
  else if (term[0] == 'S') t->role = "title", scale = c->rp->title_weight;
  else if (term[0] == 'K') t->role = "tag filter", scale = 0;
  else if (len > 1 && term[0] == 'X' && term[1] == 'C') t->role = "category filter", scale = 0;
  else if (term[0] >= 'A' && term[0] <= 'Z') t->role = "other";
  else t->role = "exact form", scale = c->rp->exact_weight;
  t->wdf = ra_xdb_wdf(c->s->db, c->docid, term, len);
  t->termfreq = ra_xdb_termfreq(c->s->db, term, len);
  double N = ra_xdb_doccount(c->s->db);
  double tf = t->termfreq;
  /* As Xapian's BM25Weight: a common term's ratio is squashed above 1 so
   * its weight stays positive. */
  double ratio = (N - tf + 0.5) / (tf + 0.5);
  if (ratio < 2) ratio = ratio * 0.5 + 1;
  double idf = log(ratio);
  t->idf = idf;
  double k1 = c->rp->bm25_k1, b = c->rp->bm25_b;
  double norm = ex->avlen > 0 ? ex->doclen / ex->avlen : 1.0;
  if (norm < c->rp->bm25_min_normlen) norm = c->rp->bm25_min_normlen;
  double K = k1 * ((1 - b) + b * norm);
  t->score = t->wdf ? scale * idf * (k1 + 1) * t->wdf / (K + t->wdf) : 0.0;
  return 0;
}

static ra_status explain_hit(const qb *b, const ra_query *q, ra_xmset *m, size_t i,
                             ra_hit *h, double proximity, ra_error *err) {
  ra_searcher *s = b->s;
  const ra_rank_params *rp = b->rp;
  ra_explain *ex = calloc(1, sizeof *ex);
  if (!ex) return ra_error_set(err, RA_ERR_NOMEM, "explain");
  h->explain = ex;
  uint32_t docid = ra_xmset_docid(m, i);
  ex->doclen = ra_xdb_doclength(s->db, docid);
  ex->avlen = ra_xdb_avlength(s->db);
  ex->fields = matched_fields(s, q, h);
  ex->proximity = proximity;
  if (b->n_tier_words && rp->tier_weight > 0) {
    ex->tier_words = h->words;
    ex->tier_of = (unsigned)b->n_tier_words;
    ex->tier_weight = rp->tier_weight;
  }
  explain_ctx c = {.s = s, .rp = rp, .b = b, .docid = docid, .ex = ex};
  ra_status st = ra_xmset_matching_terms(m, i, explain_cb, &c, err);
  if (!st && c.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "explain");
  return st;
}

ra_status ra_hits_load(ra_searcher *s, const ra_query *q, uint32_t docid,
                       const ra_search_opts *o, const ra_deadline *dl,
                       ra_hit *h, ra_error *err) {
  ra_status st = load_article(s, docid, &h->article, err);
  if (st) return st;
  ra_snippet_opts so = {.max_frags = o->max_frags ? o->max_frags : 3};
  st = ra_snippet_build_by(s->an, h->article, q, &so, dl, &h->snippet, err);
  if (!st)
    st = ra_snippet_highlight(s->an, h->article->title, strlen(h->article->title),
                              q, &h->title_hls, &h->n_title_hls, err);
  if (!st) st = tag_highlights(s, q, h, err);
  return st;
}

typedef struct facet_ctx {
  ra_results *r;
  int nomem;
} facet_ctx;

/* One tag of the examined matches, from their RA_SLOT_TAGS values. */
static int facet_cb(void *ctx, const char *t, size_t len, const char *display,
                    size_t dlen, uint32_t n) {
  facet_ctx *c = ctx;
  ra_results *r = c->r;
  ra_facet *nf = realloc(r->facets, (r->n_facets + 1) * sizeof *nf);
  if (!nf) {
    c->nomem = 1;
    return 1;
  }
  r->facets = nf;
  nf[r->n_facets].folded = strndup(t, len);
  nf[r->n_facets].tag = strndup(display, dlen);
  nf[r->n_facets].count = n;
  r->n_facets++; /* even half-made: ra_results_free frees both */
  if (!nf[r->n_facets - 1].folded || !nf[r->n_facets - 1].tag) {
    c->nomem = 1;
    return 1;
  }
  return 0;
}

static int cmp_facet(const void *a, const void *b) {
  const ra_facet *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return strcmp(x->folded, y->folded);
}

/* Keep the first keep of r's facets (all of them freed for keep 0). */
static void facets_truncate(ra_results *r, size_t keep) {
  for (size_t i = keep; i < r->n_facets; i++) {
    free(r->facets[i].folded);
    free(r->facets[i].tag);
  }
  if (r->n_facets > keep) r->n_facets = keep;
  if (!keep) {
    free(r->facets);
    r->facets = NULL;
  }
}

/* The re-rank query over the groups of base's hits: (xq FILTER (OR of
 * their group terms)) AND_MAYBE the boost.  slot is what base collapsed
 * on: RA_SLOT_COLLAPSE (group keys: RA_PREFIX_GROUP terms) or RA_SLOT_ID
 * (ids: RA_PREFIX_ID terms).  NULL with b->a->failed when out of query
 * nodes, or with err set. */
static ra_xquery *rerank_by_groups(qb *b, const ra_xmset *base, size_t nbase, ra_xquery *xq,
                                   int slot, ra_error *err) {
  const char *prefix = slot == RA_SLOT_ID ? RA_PREFIX_ID : RA_PREFIX_GROUP;
  ra_xquery **terms = malloc(nbase * sizeof *terms);
  if (!terms) {
    ra_error_set(err, RA_ERR_NOMEM, "results");
    return NULL;
  }
  size_t nt = 0;
  for (size_t i = 0; i < nbase; i++) {
    char key[RA_IDENT_TERM_MAX + 1], term[RA_IDENT_TERM_MAX + 1];
    size_t kl = ra_xmset_collapse_key(base, i, key, sizeof key);
    if (!kl || kl >= sizeof key) continue;
    size_t tl = ra_ident_term(prefix, key, kl, term);
    ra_xquery *t = ra_xquery_term(term, tl, 1, 0, err);
    if (!t) break;
    terms[nt++] = t;
  }
  ra_xquery *set = nt ? ra_xquery_combine(RA_XQ_OR, terms, nt, 0, err) : NULL;
  for (size_t i = 0; i < nt; i++) ra_xquery_free(terms[i]);
  free(terms);
  if (!set) {
    if (!err->code) ra_error_set(err, RA_ERR_INTERNAL, "re-rank: no group keys");
    return NULL;
  }
  set = ra_qarena_keep(b->a, set);
  ra_xquery *fparts[2] = {xq, set};
  ra_xquery *only = set ? ra_qbuild_combine(b, RA_XQ_FILTER, fparts, 2, 0) : NULL;
  return only ? ra_qbuild_boosted(b, only, b->prox_parts, b->n_prox) : NULL;
}

/* The total and the tag counts: a boolean run of xq (no weights, docid
 * order) that examines rp->check_at_least matches, so they are exact up
 * to that many matches and a sample beyond, and the ranked run need not
 * check more than it shows.  Tag counts read one value per examined match
 * (RA_SLOT_TAGS), or the mapped tag table: no term lists, no articles. */
static ra_status count_facets(qb *b, const ra_xquery *xq, int collapse_slot, ra_results *r,
                              ra_error *err) {
  ra_searcher *s = b->s;
  ra_xsearch_opts fo;
  ra_search_xopts(s, b->rp, &fo);
  fo.sort_by_docid = 1;
  fo.tie_slot = -1;
  fo.offset = 0;
  fo.count = 1; /* 0 only estimates, from term frequencies */
  fo.check_at_least = b->rp->check_at_least;
  fo.collapse_slot = collapse_slot;
  facet_ctx fc = {.r = r};
  ra_xsearch_ext ext = {.time_limit = ra_search_time_limit(b), .facet_ctx = &fc,
                        .facet_slot = RA_SLOT_TAGS, .facet_value_cb = facet_cb,
                        .collect_docids = s->facets != NULL};
  ra_xmset *m = NULL;
  ra_status st = ra_xdb_search_ext(s->db, xq, &fo, &ext, &m, err);
  if (!st && s->facets) {
    ra_error ferr;
    ra_error_clear(&ferr);
    st = ra_facet_table_count(s->facets, ext.docids, ext.n_docids, facet_cb, &fc, &ferr);
    if (st == RA_ERR_INVALID) {
      /* A damaged table file (it counted nothing): drop it and count
       * through Xapian, now and for the rest of this searcher's life. */
      ra_facet_table_free(s->facets);
      s->facets = NULL;
      free(ext.docids);
      ext.docids = NULL;
      ext.n_docids = 0;
      ext.collect_docids = 0;
      ra_xmset_free(m);
      m = NULL;
      st = ra_xdb_search_ext(s->db, xq, &fo, &ext, &m, err);
    } else if (st) {
      ra_error_set(err, st, "%s", ra_error_message(&ferr));
    }
  }
  free(ext.docids);
  if (!st && fc.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "facets");
  if (!st) {
    r->facet_docs = ext.facet_docs;
    r->estimate = ra_xmset_estimate(m);
  }
  ra_xmset_free(m);
  return st;
}

/* Run xq for the page asked for, with facets; fills r's hits.
 *
 * With a proximity boost (b->prox) the match runs twice: xq alone gives
 * the best RA_RERANK_DEPTH matches (and the totals, facets and collapse
 * counts), then xq plus the boost re-ranks only those.  The boost reads
 * position lists, which for common words in long articles cost 10-40 ms
 * per query over every match; over 100 it is well under a millisecond. */
ra_status ra_hits_run_page(qb *b, const ra_search_opts *o, size_t count, int explain,
                           ra_xquery *xq, ra_results *r, ra_error *err) {
  ra_searcher *s = b->s;
  const ra_rank_params *rp = b->rp;
  ra_xsearch_opts xo;
  ra_search_xopts(s, rp, &xo);
  size_t depth = o->offset + count > RA_RERANK_DEPTH ? o->offset + count : RA_RERANK_DEPTH;
  /* With a boost to come, every hit must carry its group (collapse key):
   * without collapsing, each is its own group (the id slot). */
  int regroup = ra_searcher_is_cluster(s) && s->format >= RA_FORMAT_GROUPS;
  if (b->prox && regroup && xo.collapse_slot < 0) xo.collapse_slot = RA_SLOT_ID;
  xo.offset = b->prox ? 0 : (uint32_t)o->offset;
  xo.count = (uint32_t)(b->prox ? depth : count);
  ra_xsearch_ext ext = {.time_limit = ra_search_time_limit(b)};
  ra_xmset *m = NULL, *base = NULL;
  size_t first = 0; /* the page's first hit in m */
  ra_status st = ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, err);
  /* Tier weights change no match; counted without them, as their
   * posting sources (matching every article) spoil the estimate. */
  if (!st) st = count_facets(b, b->untiered ? b->untiered : xq, xo.collapse_slot, r, err);
  size_t nbase = st ? 0 : ra_xmset_size(m);
  /* Out of time after the match: the page in xq's order, unboosted. */
  int late = !st && b->prox && nbase > o->offset && ra_deadline_expired(&b->dl);
  if (late) {
    ra_search_cut(r, "rerank");
    first = o->offset;
  }
  if (!st && b->prox && nbase > o->offset && !late) {
    /* Re-rank the best matches with the boost; collapse counts stay
     * those of the first run (the second sees only these documents). */
    base = m;
    m = NULL;
    ra_xquery *rq = NULL;
    if (regroup) {
      /* The best matches' groups (each hit's collapse key, read from the
       * match set itself), as boolean terms: xq over those alone, plus the
       * boost.  Built-in operators only, so a stock remote server runs it.
       * One index keeps the posting source below: looking up 100 group
       * terms and matching xq again made the re-rank 2 -> 10 ms at 50,000
       * articles.  The two agree but where a near-duplicate the first run
       * folded away gets the boost and its group's place (docs/scale.md). */
      rq = rerank_by_groups(b, base, nbase, xq, xo.collapse_slot, err);
      if (!rq && !b->a->failed) st = err->code ? err->code : RA_ERR_INTERNAL;
    } else {
      /* An index from before group terms: each match keeps the weight xq
       * gave it (a posting source, not xq again: re-matching xq over the
       * set was a third of the re-rank), plus whatever the boost adds. */
      uint32_t *ids = malloc(nbase * sizeof *ids);
      double *wts = malloc(nbase * sizeof *wts);
      if (!ids || !wts) st = ra_error_set(err, RA_ERR_NOMEM, "results");
      for (size_t i = 0; !st && i < nbase; i++) {
        ids[i] = ra_xmset_docid(base, i);
        wts[i] = ra_xmset_weight(base, i);
      }
      ra_xquery *set = st ? NULL : ra_qarena_keep(b->a, ra_xquery_docids(ids, wts, nbase, err));
      free(ids);
      free(wts);
      rq = set ? ra_qbuild_boosted(b, set, b->prox_parts, b->n_prox) : NULL;
    }
    ra_xsearch_opts ro;
    ra_search_xopts(s, rp, &ro);
    ro.offset = (uint32_t)o->offset;
    ro.count = (uint32_t)count;
    ro.check_at_least = 0;
    /* Collapsed already; over groups, collapsed again (a group's members
     * all match the group term). */
    ro.collapse_slot = regroup ? xo.collapse_slot : -1;
    ra_xsearch_ext rext = {.time_limit = ra_search_time_limit(b)};
    if (!st && rq) st = ra_xdb_search_ext(s->db, rq, &ro, &rext, &m, err);
    if (!st && !rq) {
      /* Out of query nodes (a huge query): the page without the boost. */
      b->a->failed = 0;
      m = base;
      base = NULL;
      first = o->offset;
    }
  } else if (!st && b->prox && !late) {
    ra_xmset_free(m); /* the page is past the last match */
    m = NULL;
  }
  if (st) {
    ra_xmset_free(m);
    ra_xmset_free(base);
    return st;
  }
  size_t n = m && ra_xmset_size(m) > first ? ra_xmset_size(m) - first : 0;
  if (n > count) n = count;
  r->hits = calloc(n ? n : 1, sizeof *r->hits);
  if (!r->hits) st = ra_error_set(err, RA_ERR_NOMEM, "results");
  for (size_t i = 0; !st && i < n; i++) {
    ra_hit *h = &r->hits[i];
    uint32_t docid = ra_xmset_docid(m, first + i);
    h->rank = o->offset + i + 1;
    h->score = ra_xmset_weight(m, first + i);
    h->percent = ra_xmset_percent(m, first + i);
    h->similar = ra_xmset_collapse_count(m, first + i);
    if (base) {
      /* Re-ranked: the second run's leaves are the set and the boost, so
       * its percentages say nothing.  The best re-ranked match gets the
       * first run's best percentage, the others theirs in proportion. */
      double top = ra_xmset_max_attained(m);
      int p = top > 0 ? (int)(h->score * ra_xmset_percent(base, 0) / top + 0.5) : 0;
      h->percent = p > 100 ? 100 : p < 1 ? 1 : p;
    }
    if (b->tier_all) {
      h->words = (unsigned)b->n_tier_words; /* the every-word query's page */
    } else if (b->n_tier_words && rp->tier_weight > 0) {
      /* The weight is tier_weight per word held plus the BM25 score. */
      double t = h->score / rp->tier_weight;
      h->words = t > 0 ? (unsigned)(t + 1e-9) : 0;
      h->score -= h->words * rp->tier_weight;
      if (h->score < 0) h->score = 0;
    }
    if (b->n_tier_words) {
      /* In tiers the percentage is the share of the words held: the same
       * on every page whichever query ran it (Xapian's would count the
       * tier sources as matched terms). */
      int p = (int)(100.0 * h->words / (double)b->n_tier_words + 0.5);
      h->percent = p > 100 ? 100 : p < 1 ? 1 : p;
    }
    /* Re-ranked: collapse counts and the matched terms are the first
     * run's (the second matches only the set and the boost). */
    ra_xmset *em = m;
    size_t ei = first + i;
    for (size_t j = 0; base && j < nbase; j++)
      if (ra_xmset_docid(base, j) == docid) {
        h->similar = ra_xmset_collapse_count(base, j);
        em = base;
        ei = j;
        break;
      }
    r->n_hits = i + 1;
    st = ra_hits_load(s, r->query, docid, o, &b->dl, h, err);
    if (!st && h->snippet && h->snippet->cut) ra_search_cut(r, "snippets");
    /* The boost is what the re-rank added to the first run's weight. */
    double prox = em == base ? ra_xmset_weight(m, first + i) - ra_xmset_weight(base, ei) : 0;
    if (!st && explain) st = explain_hit(b, r->query, em, ei, h, prox > 1e-9 ? prox : 0, err);
  }
  ra_xmset_free(m);
  ra_xmset_free(base);
  if (!st && r->n_facets > 1) qsort(r->facets, r->n_facets, sizeof *r->facets, cmp_facet);
  /* The most frequent tags are what a reader can use. */
  facets_truncate(r, RA_MAX_FACETS);
  return st;
}

ra_results *ra_hits_results_new(ra_searcher *s, const ra_search_opts *o) {
  ra_results *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  snprintf(r->generation, sizeof r->generation, "%s", s->generation);
  r->revision = ra_xdb_revision(s->db);
  r->offset = o->offset;
  r->per_page = o->count ? o->count : 10;
  if (r->per_page > 100) r->per_page = 100;
  return r;
}

static void hit_free(ra_hit *h) {
  if (h->tag_hls && h->article)
    for (size_t t = 0; t < h->article->n_tags; t++) free(h->tag_hls[t].hls);
  free(h->tag_hls);
  if (h->explain) {
    for (size_t t = 0; t < h->explain->n_terms; t++) free(h->explain->terms[t].term);
    free(h->explain->terms);
    free(h->explain);
  }
  ra_snippet_free(h->snippet);
  ra_article_free(h->article);
  free(h->title_hls);
}

/* Forget a page run (an empty one, before the relaxed query runs). */
void ra_hits_clear_page(ra_results *r) {
  for (size_t i = 0; r->hits && i < r->n_hits; i++) hit_free(&r->hits[i]);
  free(r->hits);
  r->hits = NULL;
  r->n_hits = 0;
  facets_truncate(r, 0);
  r->facet_docs = 0;
  r->estimate = 0;
}

ra_status ra_hits_note_missing(ra_searcher *s, ra_results *r, ra_error *err) {
  size_t n = ra_searcher_missing(s, NULL, 0);
  if (!n) return RA_OK;
  if (n >= ra_xdb_cluster_size(s->db))
    return ra_error_set(err, RA_ERR_UNREACHABLE, "no shard of the cluster answers");
  free(r->missing_shards);
  r->missing_shards = malloc(n * sizeof *r->missing_shards);
  if (!r->missing_shards) return ra_error_set(err, RA_ERR_NOMEM, "results");
  r->n_missing = ra_searcher_missing(s, r->missing_shards, n);
  if (r->n_missing > n) r->n_missing = n;
  return RA_OK;
}

void ra_results_free(ra_results *r) {
  if (!r) return;
  free(r->missing_shards);
  for (size_t i = 0; r->hits && i < r->n_hits; i++) hit_free(&r->hits[i]);
  free(r->hits);
  for (size_t i = 0; i < r->n_dropped; i++) free(r->dropped[i]);
  free(r->dropped);
  for (size_t i = 0; i < r->n_expansions; i++) {
    free(r->expansions[i].from);
    free(r->expansions[i].to);
  }
  free(r->expansions);
  facets_truncate(r, 0);
  free(r->suggestion);
  free(r->unknown_tag);
  free(r->related_to);
  ra_query_free(r->query);
  free(r);
}
