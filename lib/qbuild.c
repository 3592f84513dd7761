/* qbuild.c - building the Xapian query of a parsed query (qbuild.h):
 * words, phrases, title: and wildcard clauses, filters, AND/OR/NOT, the
 * proximity boost, synonym and acronym expansion, and stop words. */
#define _GNU_SOURCE
#include "qbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "ident.h"
#include "schema.h"
#include "xap.h"

/* Hard limit on expensive queries (docs/query-language.md). */
#define RA_MAX_TOTAL_EXPANSIONS 32

/* ---- query building ------------------------------------------------------- */

static int is_stop_word(const char *w);

/* A word's term with prefix as the indexer forms it (ident.h). */
static ra_xquery *word_term(qb *b, const char *prefix, const char *word) {
  char term[RA_IDENT_TERM_MAX + 1];
  ra_ident_term(prefix, word, strlen(word), term);
  return ra_qbuild_term(b, "", term, 0);
}

static ra_xquery *word_q(qb *b, const ra_qword *w) {
  ra_xquery *parts[3];
  size_t n = 0;
  parts[n++] = word_term(b, RA_PREFIX_STEM, w->stem);
  /* A boost of weight 0 adds nothing: not built. */
  if (b->rp->exact_weight > 0)
    parts[n++] = ra_qbuild_scaled(b, word_term(b, "", w->word), b->rp->exact_weight);
  if (b->rp->title_weight > 0)
    parts[n++] = ra_qbuild_scaled(b, word_term(b, RA_PREFIX_TITLE, w->word), b->rp->title_weight);
  if (b->a->failed) return NULL;
  return ra_qbuild_combine(b, RA_XQ_AND_MAYBE, parts, n, 0);
}

static ra_xquery *phrase_q(qb *b, const ra_qword *w, size_t n,
                           const char *prefix) {
  ra_xquery *parts[RA_QUERY_MAX_TERMS];
  size_t k = 0;
  for (size_t i = 0; i < n && k < RA_QUERY_MAX_TERMS; i++)
    parts[k++] = ra_qbuild_term(b, prefix, w[i].word, (uint32_t)(i + 1));
  if (b->a->failed) return NULL;
  return ra_qarena_keep(b->a, ra_xquery_combine(RA_XQ_PHRASE, parts, k, 0, b->a->err));
}

typedef struct title_terms {
  ra_analyzer *an;
  const char *stem;
  char (*terms)[128];
  size_t n, max, seen;
} title_terms;

static int title_term_cb(void *ctx, const char *term, size_t len, uint32_t tf) {
  (void)tf;
  title_terms *t = ctx;
  if (++t->seen > 2000 || t->n >= t->max) return 1;
  char stem[128];
  size_t sl = 0;
  if (len < 2 || len > 120) return 0;
  if (ra_analyze_stem(t->an, term + 1, len - 1, stem, sizeof stem, &sl, NULL))
    return 0;
  if (strcmp(stem, t->stem) == 0) snprintf(t->terms[t->n++], 128, "%.*s", (int)len, term);
  return 0;
}

/* title:word - title words (S terms) with the same stem. */
static ra_xquery *title_word_q(qb *b, const ra_qword *w) {
  char found[16][128];
  title_terms t = {.an = b->s->an, .stem = w->stem, .terms = found, .max = 16};
  char prefix[140];
  snprintf(prefix, sizeof prefix, "%s%s", RA_PREFIX_TITLE, w->stem);
  ra_xdb_allterms(b->s->db, prefix, title_term_cb, &t, NULL);
  ra_xquery *parts[17];
  size_t k = 0;
  parts[k++] = ra_qbuild_term(b, RA_PREFIX_TITLE, w->word, 0);
  for (size_t i = 0; i < t.n; i++)
    if (strcmp(found[i] + 1, w->word) != 0)
      parts[k++] = ra_qarena_keep(b->a, ra_xquery_term(found[i], strlen(found[i]), 1, 0,
                                             b->a->err));
  if (b->a->failed) return NULL;
  return ra_qbuild_combine(b, RA_XQ_SYNONYM, parts, k, 0);
}

static ra_xquery *with_expansions(qb *b, ra_xquery *m, const ra_qclause *c);

static ra_xquery *text_clause_q(qb *b, const ra_qclause *c) {
  ra_xquery *m;
  if (c->wildcard) {
    char buf[300];
    snprintf(buf, sizeof buf, "%s%s", c->title_only ? RA_PREFIX_TITLE : "",
             c->words[0].word);
    m = ra_qarena_keep(b->a, ra_xquery_wildcard(b->s->db, buf, strlen(buf), b->rp->max_wildcard,
                                      b->a->err));
  } else if (c->phrase) {
    m = phrase_q(b, c->words, c->n_words, c->title_only ? RA_PREFIX_TITLE : "");
  } else if (c->title_only) {
    m = title_word_q(b, &c->words[0]);
  } else {
    m = word_q(b, &c->words[0]);
  }
  if (!m || c->n_exps == 0 || c->exp_span > 1) return m;
  return with_expansions(b, m, c);
}

/* m OR the clause's expansions (each weighted expansion_weight). */
static ra_xquery *with_expansions(qb *b, ra_xquery *m, const ra_qclause *c) {
  ra_xquery *alts[1 + 16];
  size_t k = 0;
  alts[k++] = m;
  for (size_t e = 0; e < c->n_exps && k < 17; e++) {
    const ra_qexp *x = &c->exps[e];
    ra_xquery *xq = x->n_words == 1 ? ra_qbuild_term(b, "", x->words[0].word, 0)
                                    : phrase_q(b, x->words, x->n_words, "");
    xq = ra_qbuild_scaled(b, xq, b->rp->expansion_weight);
    if (xq) alts[k++] = xq;
  }
  return ra_qbuild_combine(b, RA_XQ_OR, alts, k, 0);
}

/* Tag and category filters never add weight. */
static ra_xquery *bool_clause_q(qb *b, const ra_qclause *c) {
  const char *prefix = c->kind == RA_QC_TAG ? RA_PREFIX_TAG : RA_PREFIX_CATEGORY;
  char term[RA_IDENT_TERM_MAX + 1]; /* formed as the indexer forms it */
  ra_ident_term(prefix, c->value, strlen(c->value), term);
  return ra_qbuild_scaled(b, ra_qbuild_term(b, "", term, 0), 0.0);
}

static int simple_word(const ra_query *q, const ra_qnode *n) {
  if (n->kind != RA_QN_CLAUSE) return 0;
  const ra_qclause *c = &q->clauses[n->clause];
  return c->kind == RA_QC_TEXT && !c->phrase && !c->wildcard && !c->title_only &&
         c->n_words == 1;
}

/* A plain word left out of ranking: too common to say anything, unless
 * the reader quoted it (a phrase) or it has synonyms. */
int ra_qbuild_is_stop_item(const qb *b, const ra_qnode *k) {
  if (!b->rp->stop_words || b->keep_stops || !simple_word(b->q, k)) return 0;
  const ra_qclause *c = &b->q->clauses[k->clause];
  return c->n_exps == 0 && is_stop_word(c->words[0].word);
}

/* The proximity boost: words close together (NEAR over the exact forms
 * only, so it never adds weight to an article lacking a word) and
 * adjacent pairs in the order typed.  Only for 2..near_max_words words:
 * beyond that, everything-near-everything says little and costs much. */
static size_t near_boost(qb *b, ra_xquery **near, size_t nw,
                         ra_xquery *boost[RA_QUERY_MAX_TERMS + 1]) {
  if (nw < 2 || nw > b->rp->near_max_words) return 0;
  size_t nb = 0;
  if (b->rp->near_weight > 0) {
    ra_xquery *nr = ra_qbuild_combine(b, RA_XQ_NEAR, near, nw, (unsigned)nw * b->rp->near_window);
    if (nr) boost[nb++] = ra_qbuild_scaled(b, nr, b->rp->near_weight);
  }
  for (size_t i = 0; b->rp->phrase_weight > 0 && i + 1 < nw && nb < RA_QUERY_MAX_TERMS; i++) {
    ra_xquery *pair = ra_qbuild_combine(b, RA_XQ_PHRASE, near + i, 2, 2);
    if (pair) boost[nb++] = ra_qbuild_scaled(b, pair, b->rp->phrase_weight);
  }
  return b->a->failed ? 0 : nb;
}

/* left AND_MAYBE each boost in turn, nested: libxapian 1.4.22 gives a
 * PHRASE weight to documents without the phrase when it sits in an OR
 * beside a NEAR on the right of AND_MAYBE (seen at a re-rank depth of
 * 100: "networking urban" boosted an article with the words 7 apart). */
ra_xquery *ra_qbuild_boosted(qb *b, ra_xquery *left, ra_xquery *const *boost, size_t nb) {
  for (size_t i = 0; left && i < nb; i++) {
    ra_xquery *parts[2] = {left, boost[i]};
    left = ra_qbuild_combine(b, RA_XQ_AND_MAYBE, parts, 2, 0);
  }
  return left;
}

/* Tiers: the words ORed, each word as (word OR (a fixed tier_weight
 * FILTER word)): an article's weight is tier_weight * words held + its
 * BM25 score.  A posting source filtered by the word is a built-in part a
 * stock remote server runs.  The tier sits inside each word, so the match
 * tree is the plain query's with each word doubled; the untiered query
 * (for counting) shares every node. */
static ra_xquery *tiered_words(qb *b, ra_xquery **pos, size_t np) {
  ra_xquery *v[RA_QUERY_MAX_TERMS + 1];
  size_t k = 0;
  for (size_t i = 0; i < np && k < RA_QUERY_MAX_TERMS; i++) {
    ra_xquery *fparts[2] = {ra_qarena_keep(b->a, ra_xquery_fixed(b->rp->tier_weight, b->a->err)),
                            pos[i]};
    if (!fparts[0]) return NULL;
    ra_xquery *parts[2] = {pos[i], ra_qbuild_combine(b, RA_XQ_FILTER, fparts, 2, 0)};
    v[k++] = ra_qbuild_combine(b, RA_XQ_OR, parts, 2, 0);
  }
  return b->a->failed ? NULL : ra_qbuild_combine(b, RA_XQ_OR, v, k, 0);
}

/* m with the filters (FILTER) and exclusions (AND_NOT neg[1..nn)) of an
 * AND; *boolean set when only they are left.  neg[0] is overwritten. */
static ra_xquery *with_filters(qb *b, ra_xquery *m, ra_xquery **filt, size_t nf,
                               ra_xquery **neg, size_t nn, int *boolean) {
  if (nf) {
    ra_xquery *f = ra_qbuild_combine(b, RA_XQ_AND, filt, nf, 0);
    if (m) {
      ra_xquery *parts[2] = {m, f};
      m = ra_qbuild_combine(b, RA_XQ_FILTER, parts, 2, 0);
    } else {
      m = f;
      *boolean = 1;
    }
  }
  if (nn > 1) {
    if (!m) {
      m = ra_qarena_keep(b->a, ra_xquery_match_all(b->a->err));
      *boolean = 1;
    }
    neg[0] = m;
    m = ra_qbuild_combine(b, RA_XQ_AND_NOT, neg, nn, 0);
  }
  return m;
}

/* AND of kids (skip[i] set: left out, for relaxation).  At the root of a
 * long query (b->any_word) the words are ORed instead: BM25 already puts
 * articles with more of the words, and rarer ones, first, and one missing
 * word no longer hides an otherwise perfect article. */
static ra_xquery *build_and(qb *b, const ra_qnode *kids, size_t n,
                            const char *skip, int *boolean) {
  int at_root = b->q->root && kids == b->q->root->kids;
  int tiers = b->tiered && at_root;
  int any = (b->any_word || b->tiered) && at_root;
  if (at_root) {
    b->prox = NULL;
    b->n_prox = 0;
  }
  ra_xquery **pos = calloc(n + 1, sizeof *pos), **filt = calloc(n + 1, sizeof *filt),
            **neg = calloc(n + 2, sizeof *neg), **near = calloc(n + 1, sizeof *near);
  size_t np = 0, nf = 0, nn = 1, nw = 0;
  ra_xquery *m = NULL;
  *boolean = 0;
  if (!pos || !filt || !neg || !near) {
    b->a->failed = 1;
    goto out;
  }
  for (size_t i = 0; i < n && !b->a->failed; i++) {
    if (skip && skip[i]) continue;
    const ra_qnode *k = &kids[i];
    int kb = 0;
    /* Several words with one expansion ("electronic health record" ->
     * ehr): (all the words) OR the expansion. */
    size_t span = simple_word(b->q, k) ? b->q->clauses[k->clause].exp_span : 0;
    if (span > 1 && i + span <= n) {
      size_t j = 0;
      while (j < span && !(skip && skip[i + j]) && simple_word(b->q, &kids[i + j])) j++;
      if (j == span) {
        ra_xquery *words[RA_QUERY_MAX_TERMS];
        size_t nwd = 0;
        for (j = 0; j < span && nwd < RA_QUERY_MAX_TERMS; j++) {
          const ra_qclause *c = &b->q->clauses[kids[i + j].clause];
          words[nwd++] = word_q(b, &c->words[0]);
          near[nw++] = ra_qbuild_term(b, "", c->words[0].word, 0);
        }
        ra_xquery *all = ra_qbuild_combine(b, RA_XQ_AND, words, nwd, 0);
        ra_xquery *x = all ? with_expansions(b, all, &b->q->clauses[k->clause]) : NULL;
        if (x) pos[np++] = x;
        i += span - 1;
        continue;
      }
    }
    if (k->kind == RA_QN_NOT) {
      ra_xquery *x = ra_qbuild_node(b, &k->kids[0], &kb);
      if (x) neg[nn++] = x;
      continue;
    }
    if (ra_qbuild_is_stop_item(b, k)) continue;
    ra_xquery *x = ra_qbuild_node(b, k, &kb);
    if (!x) continue;
    if (kb) {
      filt[nf++] = x;
    } else {
      pos[np++] = x;
      if (simple_word(b->q, k))
        near[nw++] = ra_qbuild_term(b, "", b->q->clauses[k->clause].words[0].word, 0);
    }
  }
  if (b->a->failed) goto out;
  m = ra_qbuild_combine(b, any ? RA_XQ_OR : RA_XQ_AND, pos, np, 0);
  ra_xquery *mt = tiers && np > 1 ? tiered_words(b, pos, np) : NULL;
  ra_xquery *boost[RA_QUERY_MAX_TERMS + 1];
  size_t nb = m ? near_boost(b, near, nw, boost) : 0;
  if (nb && at_root) {
    memcpy(b->prox_parts, boost, nb * sizeof *boost);
    b->n_prox = nb;
    b->prox = boost[0];
  } else if (nb && !b->a->failed) {
    m = ra_qbuild_boosted(b, m, boost, nb);
  }
  if (mt && !b->a->failed) {
    /* The same matches without the tier weights, for counting. */
    int ub = 0;
    b->untiered = with_filters(b, m, filt, nf, neg, nn, &ub);
    b->n_tier_words = np;
    m = mt;
  }
  m = with_filters(b, m, filt, nf, neg, nn, boolean);
out:
  free(pos);
  free(filt);
  free(neg);
  free(near);
  return b->a->failed ? NULL : m;
}

ra_xquery *ra_qbuild_node(qb *b, const ra_qnode *n, int *boolean) {
  *boolean = 0;
  switch (n->kind) {
  case RA_QN_CLAUSE: {
    const ra_qclause *c = &b->q->clauses[n->clause];
    if (c->kind != RA_QC_TEXT) {
      *boolean = 1;
      return bool_clause_q(b, c);
    }
    return text_clause_q(b, c);
  }
  case RA_QN_AND:
    return build_and(b, n->kids, n->n_kids, NULL, boolean);
  case RA_QN_OR: {
    ra_xquery **v = calloc(n->n_kids + 1, sizeof *v);
    if (!v) {
      b->a->failed = 1;
      return NULL;
    }
    size_t k = 0;
    int all_bool = 1;
    for (size_t i = 0; i < n->n_kids; i++) {
      int kb = 0;
      ra_xquery *x = ra_qbuild_node(b, &n->kids[i], &kb);
      if (x) v[k++] = x;
      if (!kb) all_bool = 0;
    }
    ra_xquery *m = ra_qbuild_combine(b, RA_XQ_OR, v, k, 0);
    free(v);
    *boolean = all_bool;
    return m;
  }
  case RA_QN_NOT:
    break; /* only reached through build_and */
  }
  return NULL;
}

/* Tag- or category-only queries: rank the filtered articles by how much
 * they talk about the tag's own words (then by corpus order). */
static ra_xquery *value_words_q(qb *b) {
  ra_xquery *v[RA_QUERY_MAX_TERMS];
  size_t k = 0;
  for (size_t i = 0; i < b->q->n_clauses; i++) {
    const ra_qclause *c = &b->q->clauses[i];
    if (c->kind == RA_QC_TEXT || c->negated || !c->value) continue;
    ra_query *vq = NULL;
    if (ra_qparse(b->s->an, c->value, strlen(c->value), &vq, NULL) != RA_OK)
      continue;
    for (size_t j = 0; j < vq->n_clauses && k < RA_QUERY_MAX_TERMS; j++)
      for (size_t w = 0; w < vq->clauses[j].n_words && k < RA_QUERY_MAX_TERMS; w++)
        v[k++] = ra_qbuild_term(b, RA_PREFIX_STEM, vq->clauses[j].words[w].stem, 0);
    ra_query_free(vq);
  }
  return b->a->failed ? NULL : ra_qbuild_combine(b, RA_XQ_OR, v, k, 0);
}

/* The whole query, leaving out root items flagged in skip. */
ra_xquery *ra_qbuild_query(qb *b, const char *skip, int *boolean) {
  const ra_qnode *root = b->q->root;
  *boolean = 1;
  b->n_tier_words = 0;
  b->untiered = NULL;
  if (!root) return NULL;
  ra_xquery *m = root->kind == RA_QN_AND
                     ? build_and(b, root->kids, root->n_kids, skip, boolean)
                     : ra_qbuild_node(b, root, boolean);
  if (m && *boolean) {
    ra_xquery *rank = value_words_q(b);
    if (rank) {
      ra_xquery *parts[2] = {m, rank};
      m = ra_qbuild_combine(b, RA_XQ_AND_MAYBE, parts, 2, 0);
    }
  }
  if (*boolean) b->untiered = NULL; /* tiers rank words: none here */
  return b->a->failed ? NULL : m;
}

/* ---- synonyms and acronyms -------------------------------------------------------- */

typedef struct syn_ctx {
  char (*v)[256];
  size_t n, max;
} syn_ctx;

static int syn_cb(void *ctx, const char *t, size_t len, uint32_t tf) {
  (void)tf;
  syn_ctx *c = ctx;
  if (c->n >= c->max) return 1;
  if (len < 256) snprintf(c->v[c->n++], 256, "%.*s", (int)len, t);
  return 0;
}

/* The reader's text from the first to the last of n root items. */
static void item_text_span(const ra_query *q, const ra_qnode *items, size_t n,
                           char *buf, size_t size) {
  size_t lo = (size_t)-1, hi = 0, len = 0;
  for (size_t i = 0; i < n; i++)
    if (items[i].kind == RA_QN_CLAUSE) {
      const ra_qclause *c = &q->clauses[items[i].clause];
      if (c->raw_start < lo) lo = c->raw_start;
      if (c->raw_end > hi) hi = c->raw_end;
    }
  const char *t = ra_query_text(q, &len);
  if (lo == (size_t)-1 || hi > len || lo >= hi)
    snprintf(buf, size, "?");
  else
    snprintf(buf, size, "%.*s", (int)(hi - lo), t + lo);
}

static ra_status add_result_expansion(ra_results *r, const char *from,
                                      const char *to, ra_error *err) {
  ra_expansion *ne = realloc(r->expansions, (r->n_expansions + 1) * sizeof *ne);
  if (!ne) return ra_error_set(err, RA_ERR_NOMEM, "expansions");
  r->expansions = ne;
  ne[r->n_expansions].from = strdup(from);
  ne[r->n_expansions].to = strdup(to);
  if (!ne[r->n_expansions].from || !ne[r->n_expansions].to) {
    free(ne[r->n_expansions].from);
    free(ne[r->n_expansions].to);
    return ra_error_set(err, RA_ERR_NOMEM, "expansions");
  }
  r->n_expansions++;
  return RA_OK;
}

ra_status ra_qbuild_expand(ra_searcher *s, const ra_rank_params *rp,
                           ra_results *r, ra_error *err) {
  ra_query *q = r->query;
  size_t total = 0;
  char found[16][256];
  for (size_t i = 0; i < q->n_clauses && total < RA_MAX_TOTAL_EXPANSIONS; i++) {
    ra_qclause *c = &q->clauses[i];
    if (c->kind != RA_QC_TEXT || c->negated || c->wildcard || c->title_only)
      continue;
    char key[512];
    size_t kl = 0;
    key[0] = '\0';
    for (size_t w = 0; w < c->n_words; w++)
      kl += (size_t)snprintf(key + kl, kl < sizeof key ? sizeof key - kl : 0,
                             "%s%s", w ? " " : "", c->words[w].word);
    if (kl >= sizeof key) continue;
    syn_ctx sc = {.v = found, .max = rp->max_expansions < 16 ? rp->max_expansions : 16};
    if (ra_xdb_synonyms(s->db, key, syn_cb, &sc, err) != RA_OK) return err->code;
    for (size_t e = 0; e < sc.n && total < RA_MAX_TOTAL_EXPANSIONS; e++) {
      if (strcmp(found[e], key) == 0) continue;
      size_t before = c->n_exps;
      ra_status st = ra_query_add_expansion(s->an, q, i, found[e],
                                            strlen(found[e]), err);
      if (st) return st;
      c = &q->clauses[i];
      if (c->n_exps == before) continue;
      total++;
      st = add_result_expansion(r, c->raw ? c->raw : key, found[e], err);
      if (st) return st;
    }
  }
  /* Runs of plain words typed one after another ("electronic health
   * record"): the longest run (4 words down to 2) that is a synonym key. */
  const ra_qnode *root = q->root;
  if (!root || root->kind != RA_QN_AND) return RA_OK;
  for (size_t i = 0; i + 1 < root->n_kids && total < RA_MAX_TOTAL_EXPANSIONS; i++) {
    for (size_t span = 4; span >= 2; span--) {
      if (i + span > root->n_kids) continue;
      char key[512];
      size_t kl = 0, j = 0;
      for (; j < span; j++) {
        const ra_qnode *k = &root->kids[i + j];
        if (k->kind != RA_QN_CLAUSE) break;
        const ra_qclause *c = &q->clauses[k->clause];
        if (c->kind != RA_QC_TEXT || c->negated || c->phrase || c->wildcard ||
            c->title_only || c->n_words != 1 || c->n_exps)
          break;
        kl += (size_t)snprintf(key + kl, kl < sizeof key ? sizeof key - kl : 0,
                               "%s%s", j ? " " : "", c->words[0].word);
      }
      if (j < span || kl >= sizeof key) continue;
      syn_ctx sc = {.v = found, .max = rp->max_expansions < 16 ? rp->max_expansions : 16};
      if (ra_xdb_synonyms(s->db, key, syn_cb, &sc, err) != RA_OK) return err->code;
      if (sc.n == 0) continue;
      size_t ci = root->kids[i].clause;
      for (size_t e = 0; e < sc.n && total < RA_MAX_TOTAL_EXPANSIONS; e++) {
        if (strcmp(found[e], key) == 0) continue;
        size_t before = q->clauses[ci].n_exps;
        ra_status st = ra_query_add_expansion(s->an, q, ci, found[e],
                                              strlen(found[e]), err);
        if (st) return st;
        if (q->clauses[ci].n_exps == before) continue;
        total++;
        char from[512];
        item_text_span(q, root->kids + i, span, from, sizeof from);
        st = add_result_expansion(r, from, found[e], err);
        if (st) return st;
      }
      if (q->clauses[ci].n_exps) {
        q->clauses[ci].exp_span = span;
        i += span - 1;
        break;
      }
    }
  }
  return RA_OK;
}

/* ---- stop words ------------------------------------------------------------------- */

/* Words too common to search for on their own: a query of only these is
 * refused (ra_qbuild_only_stop_words). */
static int is_core_stop_word(const char *w) {
  static const char *const stop[] = {
      "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "been",
      "but", "by", "can", "do", "does", "for", "from", "had", "has", "have",
      "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its",
      "me", "my", "no", "not", "of", "on", "or", "our", "she", "so", "than",
      "that", "the", "their", "them", "then", "there", "these", "they", "this",
      "to", "too", "up", "us", "was", "we", "were", "what", "when", "where",
      "which", "who", "why", "will", "with", "would", "you", "your"};
  for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
    if (strcmp(w, stop[i]) == 0) return 1;
  return 0;
}

/* Words left out of ranking when the query has other words (stop_words):
 * the core list plus most of the rest of Snowball's English list.  Quoted
 * phrases keep them, and a query with nothing else searches them. */
static int is_stop_word(const char *w) {
  static const char *const more[] = {
      "above", "after", "again", "against", "am", "because", "before", "being",
      "below", "between", "both", "could", "did", "doing", "during", "each",
      "few", "further", "having", "here", "himself", "itself", "more", "most",
      "must", "nor", "once", "only", "other", "ought", "ours", "out", "over",
      "own", "same", "should", "some", "such", "themselves", "those", "through",
      "under", "until", "very", "while", "whom", "yours", "also", "may", "shall"};
  if (is_core_stop_word(w)) return 1;
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    if (strcmp(w, more[i]) == 0) return 1;
  return 0;
}

/* The same list for the snippet builder, which does not highlight such a
 * word on its own where the ranking leaves it out. */
int ra_qbuild_is_stop_word(const char *w) { return is_stop_word(w); }

int ra_qbuild_only_stop_words(const ra_query *q) {
  int any = 0;
  for (size_t i = 0; i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (c->negated) continue;
    if (c->kind != RA_QC_TEXT || c->phrase || c->wildcard || c->n_words != 1 ||
        !is_core_stop_word(c->words[0].word))
      return 0;
    any = 1;
  }
  return any;
}

/* Some positive text clause that is not a lone stop word. */
int ra_qbuild_has_content_word(const ra_query *q) {
  for (size_t i = 0; i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (c->kind != RA_QC_TEXT || c->negated) continue;
    if (c->phrase || c->wildcard || c->title_only || c->n_words != 1 ||
        c->n_exps || !is_stop_word(c->words[0].word))
      return 1;
  }
  return 0;
}
