/* relax.c - dropping query words when no article has them all, rarest
 * first, and saying so (relax.h). */
#define _GNU_SOURCE
#include "relax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hits.h"
#include "qbuild.h"

/* ---- relaxation ------------------------------------------------------------------- */

static int item_is_positive(const ra_query *q, const ra_qnode *n) {
  if (n->kind == RA_QN_NOT) return 0;
  if (n->kind == RA_QN_CLAUSE && q->clauses[n->clause].kind != RA_QC_TEXT)
    return 0;
  return 1;
}

static void mark_dropped(ra_query *q, const ra_qnode *n) {
  if (n->kind == RA_QN_CLAUSE) {
    q->clauses[n->clause].dropped = 1;
    return;
  }
  for (size_t i = 0; i < n->n_kids; i++) mark_dropped(q, &n->kids[i]);
}

/* The reader's text of a root item, for the message. */
static void item_text(const ra_query *q, const ra_qnode *n, char *buf,
                      size_t size) {
  size_t lo = (size_t)-1, hi = 0;
  const ra_qnode *stack[64];
  size_t sp = 0;
  stack[sp++] = n;
  while (sp) {
    const ra_qnode *x = stack[--sp];
    if (x->kind == RA_QN_CLAUSE) {
      const ra_qclause *c = &q->clauses[x->clause];
      if (c->raw_start < lo) lo = c->raw_start;
      if (c->raw_end > hi) hi = c->raw_end;
    }
    for (size_t i = 0; i < x->n_kids && sp < 64; i++) stack[sp++] = &x->kids[i];
  }
  size_t len = 0;
  const char *t = ra_query_text(q, &len);
  if (lo == (size_t)-1 || hi > len || lo >= hi) {
    snprintf(buf, size, "?");
    return;
  }
  snprintf(buf, size, "%.*s", (int)(hi - lo), t + lo);
}

static ra_status push_dropped(ra_results *r, const char *w, ra_error *err) {
  char **nd = realloc(r->dropped, (r->n_dropped + 1) * sizeof *nd);
  if (!nd) return ra_error_set(err, RA_ERR_NOMEM, "results");
  r->dropped = nd;
  nd[r->n_dropped] = strdup(w);
  if (!nd[r->n_dropped]) return ra_error_set(err, RA_ERR_NOMEM, "results");
  r->n_dropped++;
  return RA_OK;
}

typedef struct rare_item {
  size_t index;
  uint32_t freq;
} rare_item;

static int cmp_rare(const void *a, const void *b) {
  const rare_item *x = a, *y = b;
  if (x->freq != y->freq) return x->freq < y->freq ? -1 : 1;
  return x->index < y->index ? 1 : -1; /* equal: the later word first */
}

size_t ra_relax_root_items(const ra_query *q) {
  const ra_qnode *root = q ? q->root : NULL;
  return root && root->kind == RA_QN_AND ? root->n_kids : 0;
}

size_t ra_relax_count_words(const qb *b) {
  const ra_query *q = b->q;
  const ra_qnode *root = q ? q->root : NULL;
  size_t n_items = ra_relax_root_items(q);
  size_t n_pos = 0;
  for (size_t i = 0; i < n_items; i++)
    if (item_is_positive(q, &root->kids[i]) &&
        !ra_qbuild_is_stop_item(b, &root->kids[i]))
      n_pos++;
  return n_pos;
}

/* A long query is ranked by how many words match: say so when no
 * article has them all (the AND is cheap: its rarest word bounds it). */
void ra_relax_note_any_word(qb *b, const char *skip, ra_results *r) {
  qb saved = *b; /* the built query's outputs (prox, tiers) stay */
  b->any_word = 0;
  int kb = 0;
  ra_xquery *all = ra_qbuild_query(b, skip, &kb);
  *b = saved;
  if (all && ra_search_count_matches(b->s, b->rp, all) == 0)
    snprintf(r->relaxed, sizeof r->relaxed,
             "no article contains every word; those with the most of them "
             "come first");
}

ra_xquery *ra_relax_every_word(qb *b, const char *skip, ra_results *r) {
  qb saved = *b; /* the built query's outputs (prox, tiers) stay */
  b->tiered = 0;
  int kb = 0;
  ra_xquery *all = ra_qbuild_query(b, skip, &kb);
  *b = saved;
  if (!all) return NULL; /* out of query nodes: no count to give */
  r->every_word = ra_search_count_matches_at(b->s, b->rp, all, b->rp->check_at_least);
  return all;
}

ra_status ra_relax_note_tiers(qb *b, const char *skip, ra_results *r, ra_error *err) {
  int kb = 0;
  if (r->every_word > 0) return RA_OK;
  const ra_query *q = r->query;
  const ra_qnode *root = q->root;
  size_t n_items = ra_relax_root_items(q);
  char msg[200] = "";
  size_t ml = 0;
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < n_items; i++) {
    const ra_qnode *k = &root->kids[i];
    if ((skip && skip[i]) || !item_is_positive(q, k) || ra_qbuild_is_stop_item(b, k))
      continue;
    ra_xquery *kq = ra_qbuild_node(b, k, &kb);
    if (!kq || ra_search_count_matches(b->s, b->rp, kq) > 0) continue;
    char w[96];
    item_text(q, k, w, sizeof w);
    st = push_dropped(r, w, err);
    if (!st && ml < sizeof msg)
      ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "%s\"%s\"", ml ? ", " : "", w);
  }
  snprintf(r->relaxed, sizeof r->relaxed,
           "no article contains every word%s%s%s; those with the most of them come first",
           ml ? " (" : "", msg, ml ? (r->n_dropped > 1 ? " are in none)" : " is in none)") : "");
  return st;
}

/* Nothing has every word: drop words, rarest first, and say which. */
ra_status ra_relax_drop_words(qb *b, char *skip, ra_results *r,
                              ra_xquery **xq, int *boolean, ra_error *err) {
  ra_searcher *s = b->s;
  const ra_rank_params *rp = b->rp;
  ra_query *q = r->query;
  const ra_qnode *root = q->root;
  size_t n_items = ra_relax_root_items(q);
  ra_status st = RA_OK;
  rare_item *ri = calloc(n_items, sizeof *ri);
  size_t nr = 0;
  if (!ri) st = ra_error_set(err, RA_ERR_NOMEM, "results");
  for (size_t i = 0; !st && i < n_items; i++) {
    const ra_qnode *k = &root->kids[i];
    if (!item_is_positive(q, k) || ra_qbuild_is_stop_item(b, k)) continue;
    int kb = 0;
    ra_xquery *kq = ra_qbuild_node(b, k, &kb);
    ri[nr].index = i;
    ri[nr].freq = ra_search_count_matches(s, rp, kq);
    nr++;
  }
  if (!st && nr > 1) qsort(ri, nr, sizeof *ri, cmp_rare);
  char msg[256] = "";
  size_t ml = 0;
  for (size_t d = 0; !st && d + 1 < nr; d++) {
    const ra_qnode *k = &root->kids[ri[d].index];
    skip[ri[d].index] = 1;
    mark_dropped(q, k);
    char w[96];
    item_text(q, k, w, sizeof w);
    st = push_dropped(r, w, err);
    if (ml < sizeof msg)
      ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "%s\"%s\"%s",
                             d ? ", then " : "", w,
                             ri[d].freq == 0 ? " (in no article)" : "");
    if (st) break;
    *xq = ra_qbuild_query(b, skip, boolean);
    if (!*xq) {
      st = b->a->failed ? ra_error_set(err, RA_ERR_TOOBIG, "query too complex") : RA_OK;
      break;
    }
    if (ra_search_count_matches(s, rp, *xq) > 0) break;
  }
  free(ri);
  if (!st && r->n_dropped) {
    snprintf(r->relaxed, sizeof r->relaxed,
             "no article contains every word; dropped %s", msg);
    ra_hits_clear_page(r);
  }
  return st;
}
