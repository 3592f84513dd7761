/* artview.c - loading an article view: the stored article by id, the
 * query's highlights in each of its texts, the related articles (see
 * artview.h). */
#define _GNU_SOURCE
#include "artview.h"

#include <stdlib.h>
#include <string.h>

#include "hits.h"
#include "ident.h"
#include "indexdoc.h"
#include "qbuild.h"
#include "schema.h"
#include "search_int.h"
#include "textutil.h"

void ra_artview_free(ra_artview *v) {
  if (!v) return;
  for (size_t i = 0; i < v->n_texts; i++) free(v->texts[i].hls);
  free(v->texts);
  ra_results_free(v->matched);
  ra_results_free(v->related);
  ra_article_free(v->article);
  free(v->query);
  free(v);
}

typedef struct walk {
  ra_artview *v;
  size_t cap;
  ra_searcher *s;
  const ra_query *q; /* NULL: no highlights */
  ra_error *err;
} walk;

/* Append one text (NULL text: nothing) with its highlights; numbered
 * says whether they count among the view's marks, title whether it is
 * the title (where title: clauses match). */
static ra_status add_text_in(walk *w, const char *text, int numbered, int title) {
  if (!text) return RA_OK;
  ra_artview *v = w->v;
  if (RA_GROW(v->texts, w->cap, v->n_texts + 1)) return ra_nomem(w->err);
  ra_artview_text *t = &v->texts[v->n_texts++];
  memset(t, 0, sizeof *t);
  t->text = text;
  t->len = strlen(text);
  if (!w->q || !t->len) return RA_OK;
  ra_status st = title ? ra_snippet_highlight(w->s->an, text, t->len, w->q,
                                              &t->hls, &t->n_hls, w->err)
                       : ra_snippet_highlight_text(w->s->an, text, t->len, w->q,
                                                   &t->hls, &t->n_hls, w->err);
  if (st) return st;
  if (numbered && t->n_hls) {
    t->first_mark = v->n_marks + 1;
    v->n_marks += t->n_hls;
  } else if (!numbered) {
    v->n_tag_marks += t->n_hls;
  }
  return RA_OK;
}

static ra_status add_text(walk *w, const char *text, int numbered) {
  return add_text_in(w, text, numbered, 0);
}

static ra_status add_blocks(walk *w, const ra_block *b, size_t n) {
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < n; i++) st = add_text(w, b[i].text, 1);
  return st;
}

/* Every text in reading order (artview.h). */
static ra_status walk_article(walk *w) {
  const ra_article *a = w->v->article;
  ra_status st = add_text_in(w, a->title ? a->title : "", 1, 1);
  if (!st) st = add_text(w, a->category, 1);
  for (size_t i = 0; !st && i < a->n_tags; i++) st = add_text(w, a->tags[i], 0);
  for (size_t i = 0; !st && i < a->n_sections; i++) {
    st = add_text(w, a->sections[i].heading, 1);
    if (!st) st = add_blocks(w, a->sections[i].blocks, a->sections[i].n_blocks);
  }
  for (size_t i = 0; !st && i < a->n_faqs; i++) {
    st = add_text(w, a->faqs[i].question, 1);
    if (!st) st = add_blocks(w, a->faqs[i].answer, a->faqs[i].n_answer);
  }
  for (size_t i = 0; !st && i < a->n_illustrations; i++)
    st = add_text(w, a->illustrations[i], 1);
  return st;
}

/* The query as a search would parse and expand it, for its highlights;
 * v->matched stays NULL when it has nothing to highlight. */
static ra_status parse_query(ra_searcher *s, ra_artview *v, ra_error *err) {
  ra_search_opts o = {0, 1, 1};
  ra_results *r = ra_hits_results_new(s, &o);
  if (!r) return ra_nomem(err);
  ra_rank_params rp;
  ra_rank_params_default(&rp);
  ra_error e;
  ra_error_clear(&e);
  ra_status st = ra_qparse(s->an, v->query, strlen(v->query), &r->query, &e);
  if (!st) st = ra_qbuild_expand(s, &rp, r, &e);
  if (st == RA_ERR_NOMEM) {
    ra_results_free(r);
    return ra_error_set(err, st, "%s", e.msg);
  }
  if (st) { /* nothing searchable in it: nothing to mark */
    ra_results_free(r);
    return RA_OK;
  }
  v->matched = r;
  return RA_OK;
}

ra_status ra_artview_load(ra_searcher *s, const char *id, const char *query,
                          size_t qlen, ra_artview **out, ra_error *err) {
  *out = NULL;
  if (!id || !*id) return ra_error_set(err, RA_ERR_INVALID, "--article: empty article id");
  char idterm[RA_IDENT_TERM_MAX + 1]; /* formed as the indexer forms it */
  ra_ident_term(RA_PREFIX_ID, id, strlen(id), idterm);
  uint32_t docid = 0;
  ra_error e;
  ra_error_clear(&e);
  if (ra_xdb_find(s->db, idterm, &docid, &e) != RA_OK) {
    if (e.code == RA_ERR_NOTFOUND)
      return ra_error_set(err, RA_ERR_NOTFOUND, "no article with id '%s' in the index", id);
    return ra_error_set(err, e.code, "%s", e.msg);
  }
  ra_artview *v = calloc(1, sizeof *v);
  if (!v) return ra_nomem(err);
  v->revision = ra_searcher_revision(s);
  snprintf(v->generation, sizeof v->generation, "%s", ra_searcher_generation(s));
  ra_status st = ra_indexdoc_load(s->db, docid, &v->article, err);
  int blank = 1;
  for (size_t i = 0, k; query && i < qlen; i += k)
    if (!(k = ra_ws_len((const unsigned char *)query + i, qlen - i))) {
      blank = 0;
      break;
    }
  if (!st && !blank) {
    v->query = ra_strndup(query, qlen);
    st = v->query ? parse_query(s, v, err) : ra_nomem(err);
  }
  if (!st) {
    walk w = {.v = v, .s = s, .q = v->matched ? v->matched->query : NULL, .err = err};
    st = walk_article(&w);
  }
  if (!st) {
    /* A short list with one passage each: the footer of the page. */
    ra_search_opts o = {0, RA_ARTVIEW_RELATED, 1};
    st = ra_search_related(s, id, &o, NULL, &v->related, err);
  }
  if (st) {
    ra_artview_free(v);
    return st;
  }
  *out = v;
  return RA_OK;
}
