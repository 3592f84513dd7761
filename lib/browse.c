/* browse.c - ways into the index beside a search (declared in search.h):
 * every tag with its article count (ra_search_tags), the articles related
 * to one (ra_search_related) and search-as-you-type completion
 * (ra_search_complete). */
#define _GNU_SOURCE
#include "search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze.h"
#include "hits.h"
#include "ident.h"
#include "qbuild.h"
#include "schema.h"
#include "xap.h"

/* Hard limits on expensive queries (docs/query-language.md). */
#define RA_COMPLETE_SCAN_MAX 20000
#define RA_RELATED_POOL 100

/* ---- tags ------------------------------------------------------------------------------ */

/* The display form of a folded tag: as the first article carrying it
 * spells it, from its RA_SLOT_TAGS value ("folded\x1fdisplay" pairs joined
 * by "\x1e"); the folded form when there is none.  Malloc'd. */
static char *tag_display(ra_searcher *s, const char *folded) {
  char term[300];
  snprintf(term, sizeof term, "%s%s", RA_PREFIX_TAG, folded);
  uint32_t docid = 0;
  char *v = NULL, *res = NULL;
  size_t vl = 0, fl = strlen(folded);
  if (ra_xdb_find(s->db, term, &docid, NULL) == RA_OK &&
      ra_xdb_get_value(s->db, docid, RA_SLOT_TAGS, &v, &vl, NULL) == RA_OK) {
    size_t pos = 0;
    ra_tag_pair p;
    while (!res && ra_tag_pair_next(v, vl, &pos, &p))
      if (p.key_len == fl && memcmp(p.key, folded, fl) == 0)
        res = strndup(p.display, p.display_len);
  }
  free(v);
  return res ? res : strdup(folded);
}

typedef struct tag_vec {
  ra_tag_count *v;
  size_t n, cap;
  int nomem;
} tag_vec;

static int tag_cb(void *ctx, const char *t, size_t len, uint32_t tf) {
  tag_vec *tv = ctx;
  if (tv->n == tv->cap) {
    size_t nc = tv->cap ? tv->cap * 2 : 64;
    ra_tag_count *nv = realloc(tv->v, nc * sizeof *nv);
    if (!nv) {
      tv->nomem = 1;
      return 1;
    }
    tv->v = nv;
    tv->cap = nc;
  }
  size_t pl = strlen(RA_PREFIX_TAG); /* allterms gives the prefix back */
  if (len >= pl && memcmp(t, RA_PREFIX_TAG, pl) == 0) {
    t += pl;
    len -= pl;
  }
  tv->v[tv->n].folded = strndup(t, len);
  tv->v[tv->n].tag = NULL;
  tv->v[tv->n].count = tf;
  if (!tv->v[tv->n].folded) {
    tv->nomem = 1;
    return 1;
  }
  tv->n++;
  return 0;
}

static int cmp_tag(const void *a, const void *b) {
  const ra_tag_count *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return strcmp(x->folded, y->folded);
}

void ra_tag_counts_free(ra_tag_count *tags, size_t n) {
  for (size_t i = 0; tags && i < n; i++) {
    free(tags[i].tag);
    free(tags[i].folded);
  }
  free(tags);
}

ra_status ra_search_tags(ra_searcher *s, ra_tag_count **tags, size_t *n,
                         ra_error *err) {
  *tags = NULL;
  *n = 0;
  tag_vec tv = {0};
  ra_status st = ra_xdb_allterms(s->db, RA_PREFIX_TAG, tag_cb, &tv, err);
  if (!st && tv.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "tags");
  for (size_t i = 0; !st && i < tv.n; i++) {
    tv.v[i].tag = tag_display(s, tv.v[i].folded);
    if (!tv.v[i].tag) st = ra_error_set(err, RA_ERR_NOMEM, "tags");
  }
  if (st) {
    ra_tag_counts_free(tv.v, tv.n);
    return st;
  }
  if (tv.n > 1) qsort(tv.v, tv.n, sizeof *tv.v, cmp_tag);
  *tags = tv.v;
  *n = tv.n;
  return RA_OK;
}

/* ---- related articles -------------------------------------------------------------- */

typedef struct rel_terms {
  char words[64][128];
  size_t n, max;
} rel_terms;

static int rel_cb(void *ctx, const char *t, size_t len, uint32_t w) {
  (void)w;
  rel_terms *rt = ctx;
  if (rt->n >= rt->max) return 1;
  if (len < 128) snprintf(rt->words[rt->n++], 128, "%.*s", (int)len, t);
  return 0;
}

typedef struct bool_terms {
  char terms[64][256];
  size_t n;
} bool_terms;

static int bool_cb(void *ctx, const char *t, size_t len, uint32_t w) {
  (void)w;
  bool_terms *bt = ctx;
  if (bt->n >= 64) return 1;
  if (len < 256) snprintf(bt->terms[bt->n++], 256, "%.*s", (int)len, t);
  return 0;
}

typedef struct rel_hit {
  uint32_t docid;
  double score;
  int percent;
} rel_hit;

ra_status ra_search_related(ra_searcher *s, const char *id,
                            const ra_search_opts *o, const ra_search_ext *x,
                            ra_results **out, ra_error *err) {
  *out = NULL;
  ra_search_opts def = {0, 10, 3};
  if (!o) o = &def;
  ra_rank_params rpd;
  ra_rank_params_default(&rpd);
  const ra_rank_params *rp = x && x->rank ? x->rank : &rpd;
  if (!id || !*id) return ra_error_set(err, RA_ERR_INVALID, "--related: empty article id");
  char idterm[RA_IDENT_TERM_MAX + 1]; /* formed as the indexer forms it */
  ra_ident_term(RA_PREFIX_ID, id, strlen(id), idterm);
  uint32_t self = 0;
  ra_error e2;
  ra_error_clear(&e2);
  if (ra_xdb_find(s->db, idterm, &self, &e2) != RA_OK) {
    if (e2.code == RA_ERR_NOTFOUND)
      return ra_error_set(err, RA_ERR_NOTFOUND, "no article with id '%s' in the index", id);
    return ra_error_set(err, e2.code, "%s", e2.msg);
  }
  ra_results *r = ra_hits_results_new(s, o);
  if (!r) return ra_error_set(err, RA_ERR_NOMEM, "results");
  r->related_to = strdup(id);
  rel_terms rt = {.max = rp->related_terms < 64 ? rp->related_terms : 64};
  bool_terms mine = {0};
  ra_status st = r->related_to ? RA_OK : ra_error_set(err, RA_ERR_NOMEM, "results");
  if (!st) st = ra_xdb_expand(s->db, &self, 1, (unsigned)rt.max, rel_cb, &rt, err);
  if (!st) st = ra_xdb_doc_terms(s->db, self, RA_PREFIX_TAG, bool_cb, &mine, err);
  if (!st) st = ra_xdb_doc_terms(s->db, self, RA_PREFIX_CATEGORY, bool_cb, &mine, err);
  /* The top terms double as the "query" that snippets highlight. */
  char qtext[1024];
  size_t ql = 0;
  for (size_t i = 0; i < rt.n && i < 6 && ql < sizeof qtext; i++)
    ql += (size_t)snprintf(qtext + ql, sizeof qtext - ql, "%s%s", i ? " OR " : "",
                           rt.words[i]);
  if (ql >= sizeof qtext) ql = 0;
  if (!st) st = ra_qparse(s->an, qtext, ql, &r->query, err);
  qarena a = {.err = err};
  qb b = {.s = s, .q = r->query, .rp = rp, .a = &a, .dl = ra_deadline_in_ms(rp->deadline_ms > 0 ? rp->deadline_ms : -1)};
  ra_xquery *v[64 + 64];
  size_t nv = 0;
  for (size_t i = 0; !st && i < rt.n; i++) v[nv++] = ra_qbuild_term(&b, "", rt.words[i], 0);
  /* A shared tag or category: a fixed bonus (a built-in posting source
   * filtered by the term), so the matcher ranks by the whole score and no
   * candidate's term list is read (each would be a round trip to a shard). */
  for (size_t i = 0; !st && i < mine.n; i++) {
    int tag = strncmp(mine.terms[i], RA_PREFIX_TAG, strlen(RA_PREFIX_TAG)) == 0;
    double w = tag ? rp->related_tag_weight : rp->related_category_weight;
    ra_xquery *t = ra_qbuild_term(&b, "", mine.terms[i], 0);
    if (w <= 0) {
      v[nv++] = t; /* boolean: candidates only */
      continue;
    }
    ra_xquery *parts[2] = {ra_qarena_keep(&a, ra_xquery_fixed(w, err)), t};
    v[nv++] = parts[0] && t ? ra_qbuild_combine(&b, RA_XQ_FILTER, parts, 2, 0) : NULL;
  }
  for (size_t i = 0; i < nv; i++)
    if (!v[i]) st = err->code ? err->code : ra_error_set(err, RA_ERR_NOMEM, "related");
  ra_xquery *any = st ? NULL : ra_qbuild_combine(&b, RA_XQ_OR, v, nv, 0);
  ra_xquery *me = st ? NULL : ra_qbuild_term(&b, "", idterm, 0);
  rel_hit pool[RA_RELATED_POOL];
  size_t np = 0;
  if (!st && any && me) {
    ra_xquery *parts[2] = {any, me};
    ra_xquery *xq = ra_qbuild_combine(&b, RA_XQ_AND_NOT, parts, 2, 0);
    ra_xsearch_opts xo;
    ra_search_xopts(s, rp, &xo);
    xo.count = RA_RELATED_POOL;
    ra_xmset *m = NULL;
    ra_xsearch_ext ext = {.time_limit = rp->time_limit};
    st = xq ? ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, err)
            : ra_error_set(err, RA_ERR_NOMEM, "related");
    for (size_t i = 0; !st && i < ra_xmset_size(m) && np < RA_RELATED_POOL; i++) {
      pool[np].docid = ra_xmset_docid(m, i);
      pool[np].percent = ra_xmset_percent(m, i);
      pool[np].score = ra_xmset_weight(m, i);
      np++;
    }
    ra_xmset_free(m);
  }
  ra_qarena_free(&a);
  if (!st) {
    r->estimate = (uint32_t)np;
    size_t first = o->offset < np ? o->offset : np;
    size_t n = np - first < r->per_page ? np - first : r->per_page;
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->hits) st = ra_error_set(err, RA_ERR_NOMEM, "results");
    for (size_t i = 0; !st && i < n; i++) {
      ra_hit *h = &r->hits[i];
      h->rank = first + i + 1;
      h->score = pool[first + i].score;
      h->percent = pool[first + i].percent;
      r->n_hits = i + 1;
      st = ra_hits_load(s, r->query, pool[first + i].docid, o, &b.dl, h, err);
      if (!st && h->snippet && h->snippet->cut) ra_search_cut(r, "snippets");
    }
    if (!st && r->n_hits == 0 && np > 0 && o->offset > 0) r->past_end = 1;
  }
  if (!st) st = ra_hits_note_missing(s, r, err);
  if (st) {
    ra_results_free(r);
    return st;
  }
  *out = r;
  return RA_OK;
}

/* ---- completion ------------------------------------------------------------------------ */

typedef struct comp_vec {
  ra_completion *v;
  size_t n, cap, seen;
  size_t strip; /* prefix bytes to strip from terms */
  int nomem;
} comp_vec;

static int comp_cb(void *ctx, const char *t, size_t len, uint32_t tf) {
  comp_vec *c = ctx;
  if (++c->seen > RA_COMPLETE_SCAN_MAX) return 1;
  if (c->n == c->cap) {
    size_t nc = c->cap ? c->cap * 2 : 64;
    ra_completion *nv = realloc(c->v, nc * sizeof *nv);
    if (!nv) {
      c->nomem = 1;
      return 1;
    }
    c->v = nv;
    c->cap = nc;
  }
  c->v[c->n].word = strndup(t + c->strip, len - c->strip);
  c->v[c->n].query = NULL;
  c->v[c->n].docs = tf;
  c->v[c->n].uses = 0;
  if (!c->v[c->n].word) {
    c->nomem = 1;
    return 1;
  }
  c->n++;
  return 0;
}

static int cmp_comp(const void *a, const void *b) {
  const ra_completion *x = a, *y = b;
  if (x->docs != y->docs) return x->docs > y->docs ? -1 : 1;
  if (x->uses != y->uses) return x->uses > y->uses ? -1 : 1;
  return strcmp(x->word, y->word);
}

void ra_completions_free(ra_completion *c, size_t n) {
  for (size_t i = 0; c && i < n; i++) {
    free(c[i].word);
    free(c[i].query);
  }
  free(c);
}

ra_status ra_search_complete(ra_searcher *s, const char *query, size_t len,
                             size_t max, ra_completion **out, size_t *n,
                             ra_error *err) {
  *out = NULL;
  *n = 0;
  if (!max) max = 10;
  if (max > 50) max = 50;
  if (len > RA_QUERY_MAX_BYTES)
    return ra_error_set(err, RA_ERR_TOOBIG, "query is %zu bytes; the limit is %d bytes",
                        len, RA_QUERY_MAX_BYTES);
  /* The last word: after the last space, quote or parenthesis; inside an
   * open tag:"..." the whole value typed so far. */
  size_t quotes = 0, last_quote = 0;
  for (size_t i = 0; i < len; i++)
    if (query[i] == '"') {
      quotes++;
      last_quote = i;
    }
  int tag = 0;
  size_t ws, wstart;
  if (quotes % 2 == 1 && last_quote >= 4 &&
      strncasecmp(query + last_quote - 4, "tag:", 4) == 0) {
    tag = 1;
    ws = last_quote - 4;
    wstart = last_quote + 1;
  } else {
    ws = len;
    while (ws > 0 && query[ws - 1] != ' ' && query[ws - 1] != '\t' &&
           query[ws - 1] != '"' && query[ws - 1] != '(' && query[ws - 1] != ')')
      ws--;
    if (ws == len) return RA_OK;
    wstart = ws;
    if (len - ws > 4 && strncasecmp(query + ws, "tag:", 4) == 0) {
      tag = 1;
      wstart = ws + 4;
    }
    if (query[wstart] == '-') wstart++;
  }
  if (wstart >= len) return RA_OK;
  char folded[256];
  size_t fl = 0;
  if (ra_analyze_fold(s->an, query + wstart, len - wstart, folded, sizeof folded,
                      &fl, NULL) != RA_OK || fl == 0)
    return RA_OK;
  char prefix[300];
  snprintf(prefix, sizeof prefix, "%s%s", tag ? RA_PREFIX_TAG : "", folded);
  comp_vec cv = {.strip = tag ? strlen(RA_PREFIX_TAG) : 0};
  ra_status st = ra_xdb_allterms(s->db, prefix, comp_cb, &cv, err);
  if (!st && cv.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "completion");
  if (!st && cv.n > 1) qsort(cv.v, cv.n, sizeof *cv.v, cmp_comp);
  /* Ties in article counts go to the word used most ("mentorship" before
   * "mentor" when both are in every article); only the head of the list
   * is looked up, so a one-letter prefix stays cheap. */
  if (!st && cv.n > 1 && !tag) {
    size_t head = cv.n < 4 * max ? cv.n : 4 * max;
    for (size_t i = 0; i < head; i++)
      cv.v[i].uses = ra_xdb_collection_freq(s->db, cv.v[i].word,
                                            strlen(cv.v[i].word));
    qsort(cv.v, head, sizeof *cv.v, cmp_comp);
  }
  size_t keepn = cv.n < max ? cv.n : max;
  for (size_t i = 0; !st && i < keepn; i++) {
    const char *w = cv.v[i].word;
    /* A tag the query language would split or misread is quoted, its
     * quotes and backslashes escaped. */
    int quote = tag && strpbrk(w, " \t\"\\()") != NULL;
    char *wq = quote ? ra_qparse_quote_value(w) : NULL;
    if ((quote && !wq) ||
        asprintf(&cv.v[i].query, "%.*s%s%s", (int)ws, query, tag ? "tag:" : "",
                 quote ? wq : w) < 0) {
      cv.v[i].query = NULL;
      st = ra_error_set(err, RA_ERR_NOMEM, "completion");
    }
    free(wq);
  }
  if (st) {
    ra_completions_free(cv.v, cv.n);
    return st;
  }
  for (size_t i = keepn; i < cv.n; i++) {
    free(cv.v[i].word);
    free(cv.v[i].query);
  }
  *out = cv.v;
  *n = keepn;
  return RA_OK;
}
