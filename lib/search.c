/* search.c - query building, ranking, relaxation, suggestions, facets,
 * related articles, tag listing, completion and hit assembly.
 *
 * All ranking knobs are in ra_rank_params_default() below; nothing else in
 * this file hard-codes a weight. */
#define _GNU_SOURCE
#include "search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze.h"
#include "facet.h"
#include "idxdir.h"
#include "record.h"
#include "schema.h"
#include "store.h"
#include "xap.h"

/* Hard limits on expensive queries (docs/query-language.md). */
#define RA_MAX_QUERY_NODES 4096 /* Xapian query objects per search */
#define RA_MAX_TOTAL_EXPANSIONS 32
#define RA_SPELL_SCAN_MAX 20000 /* terms scanned by the fallback speller */
#define RA_COMPLETE_SCAN_MAX 20000
#define RA_RELATED_POOL 100
#define RA_MAX_FACETS 30 /* tags listed per result set, most frequent */
#define RA_MAX_FEEDBACK 64 /* pseudo-relevance feedback terms, at most */
#define RA_FEEDBACK_MIN_RATIO 20 /* feedback when docs >= this * prf_docs */
#define RA_RERANK_DEPTH 100 /* matches the proximity boost re-ranks */

void ra_rank_params_default(ra_rank_params *p) {
  memset(p, 0, sizeof *p);
  /* BM25 as Xapian's defaults except b: article lengths vary a lot
   * (a FAQ page vs a long guide) and full normalisation punished the
   * long guides that answer most queries. */
  p->bm25_k1 = 1.0;
  p->bm25_b = 0.5;
  p->bm25_min_normlen = 0.5;
  /* Field weights live in the index (wdf: title 6, tag 5, heading 3,
   * body 2, illustration 1, see index.h); these are query-time boosts. */
  /* Issue 7 (docs/evaluation.md has the figures): on Cranfield 0.25 and
   * 0 are within noise of each other and 0.5 costs ~1% nDCG@10. */
  p->exact_weight = 0.25;  /* the reader's exact form above other forms */
  p->title_weight = 1.0;   /* a title word on top of its wdf weight */
  /* Proximity wins "find a mentor", "networking as a medical student"
   * and "orientation sessions meet faculty" on the article corpus; it is
   * a NEAR/PHRASE of the exact forms, so its weight is that of the words
   * again: 1.0 doubles them for an article that has them close. */
  p->phrase_weight = 1.0;  /* adjacent query words adjacent in the text */
  p->near_weight = 1.0;    /* all words close together */
  p->near_window = 4;      /* per query word */
  p->near_max_words = 4;   /* longer: near everything says little (and
                              cost 3% nDCG@10 on Cranfield at 6) */
  p->expansion_weight = 0.7; /* a synonym counts less than the word */
  p->max_expansions = 8;
  p->max_wildcard = 50;
  p->time_limit = 2.0;
  /* Facets read one value (RA_SLOT_TAGS) per examined match: exact
   * counts for up to this many matches, a sample beyond. */
  p->check_at_least = 250;
  p->collapse = 1;
  p->spell_max_edit = 2;
  p->spell_rare_docs = 0;  /* only unknown words get "did you mean" */
  p->related_terms = 20;
  p->related_tag_weight = 1.0;
  p->related_category_weight = 0.5;
  /* Issue 7: a reader typing 2-3 words wants every one of them (and is
   * told when one had to go); a longer query describes a topic, and hard
   * AND on it hid most relevant articles (Cranfield MAP 0.04). */
  p->and_max_words = 3;
  p->stop_words = 1;
  /* Feedback: +12% MAP, +8% nDCG@10 on Cranfield; long queries only
   * (a 2-word query's top 10 is too often off-topic to learn from). */
  p->prf_min_words = 4;
  p->prf_docs = 10;
  p->prf_terms = 20;
  p->prf_weight = 1.0;
}

struct ra_searcher {
  ra_xdb *db;
  ra_analyzer *an;
  char generation[64];
  ra_facet_table *facets; /* NULL: facets read values through Xapian */
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
  /* The indexer's tag table for this revision, if there is one: counting
   * tags from it spares reading each examined match's tags (no table:
   * facets read them through Xapian, as before). */
  char path[RA_PATH_MAX + 128], uuid[64];
  ra_xdb_uuid(s->db, uuid, sizeof uuid);
  int pl = snprintf(path, sizeof path, "%s/%s/%s", db_dir, gen, RA_FACET_FILE);
  if (uuid[0] && pl > 0 && (size_t)pl < sizeof path)
    (void)ra_facet_table_map(path, uuid, ra_xdb_revision(s->db), &s->facets, NULL);
  *out = s;
  return RA_OK;
}

ra_status ra_searcher_preload(ra_searcher *s, ra_error *err) {
  if (s->facets) return RA_OK; /* mapped at open, or loaded before */
  return ra_facet_table_load(s->db, RA_SLOT_TAGS, &s->facets, err);
}

size_t ra_searcher_preload_bytes(const ra_searcher *s) {
  return ra_facet_table_bytes(s->facets);
}

void ra_searcher_free(ra_searcher *s) {
  if (!s) return;
  ra_facet_table_free(s->facets);
  ra_xdb_free(s->db);
  ra_analyzer_free(s->an);
  free(s);
}

uint32_t ra_searcher_doccount(const ra_searcher *s) {
  return ra_xdb_doccount(s->db);
}
uint32_t ra_searcher_revision(const ra_searcher *s) {
  return ra_xdb_revision(s->db);
}
const char *ra_searcher_generation(const ra_searcher *s) {
  return s->generation;
}

/* ---- query building ------------------------------------------------------- */

/* Every query node made for one search, so every exit path frees them. */
typedef struct qarena {
  ra_xquery **v;
  size_t n, cap;
  ra_error *err;
  int failed;
} qarena;

static ra_xquery *keep(qarena *a, ra_xquery *q) {
  if (!q) {
    a->failed = 1;
    return NULL;
  }
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 64;
    ra_xquery **nv = nc <= RA_MAX_QUERY_NODES ? realloc(a->v, nc * sizeof *nv) : NULL;
    if (!nv) {
      ra_xquery_free(q);
      a->failed = 1;
      return NULL;
    }
    a->v = nv;
    a->cap = nc;
  }
  a->v[a->n++] = q;
  return q;
}

static void arena_free(qarena *a) {
  for (size_t i = 0; i < a->n; i++) ra_xquery_free(a->v[i]);
  free(a->v);
  a->v = NULL;
  a->n = a->cap = 0;
}

typedef struct qb {
  ra_searcher *s;
  const ra_query *q;
  const ra_rank_params *rp;
  qarena *a;
  int any_word;   /* root words: any of them, more and better ranked first */
  int keep_stops; /* the query is only stop words: search them */
  ra_xquery *prox; /* out: the root's proximity boost, applied by run_page
                      to the best matches only (it reads positions) */
} qb;

static int is_stop_word(const char *w);

static ra_xquery *term_q(qb *b, const char *prefix, const char *word,
                         uint32_t pos) {
  char buf[300];
  int n = snprintf(buf, sizeof buf, "%s%s", prefix, word);
  if (n < 0 || (size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
  return keep(b->a, ra_xquery_term(buf, (size_t)n, 1, pos, b->a->err));
}

static ra_xquery *scaled(qb *b, ra_xquery *q, double f) {
  if (!q) return NULL;
  if (f == 1.0) return q;
  return keep(b->a, ra_xquery_scale(q, f, b->a->err));
}

static ra_xquery *combine(qb *b, ra_xq_op op, ra_xquery **v, size_t n,
                          unsigned window) {
  if (n == 0) return NULL;
  if (n == 1 && op != RA_XQ_PHRASE && op != RA_XQ_NEAR) return v[0];
  return keep(b->a, ra_xquery_combine(op, v, n, window, b->a->err));
}

/* One word: its stem (recall), the exact form and the title as boosts. */
static ra_xquery *word_q(qb *b, const ra_qword *w) {
  ra_xquery *parts[3];
  parts[0] = term_q(b, RA_PREFIX_STEM, w->stem, 0);
  parts[1] = scaled(b, term_q(b, "", w->word, 0), b->rp->exact_weight);
  parts[2] = scaled(b, term_q(b, RA_PREFIX_TITLE, w->word, 0), b->rp->title_weight);
  if (b->a->failed) return NULL;
  return combine(b, RA_XQ_AND_MAYBE, parts, 3, 0);
}

static ra_xquery *phrase_q(qb *b, const ra_qword *w, size_t n,
                           const char *prefix) {
  ra_xquery *parts[RA_QUERY_MAX_TERMS];
  size_t k = 0;
  for (size_t i = 0; i < n && k < RA_QUERY_MAX_TERMS; i++)
    parts[k++] = term_q(b, prefix, w[i].word, (uint32_t)(i + 1));
  if (b->a->failed) return NULL;
  return keep(b->a, ra_xquery_combine(RA_XQ_PHRASE, parts, k, 0, b->a->err));
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
  parts[k++] = term_q(b, RA_PREFIX_TITLE, w->word, 0);
  for (size_t i = 0; i < t.n; i++)
    if (strcmp(found[i] + 1, w->word) != 0)
      parts[k++] = keep(b->a, ra_xquery_term(found[i], strlen(found[i]), 1, 0,
                                             b->a->err));
  if (b->a->failed) return NULL;
  return combine(b, RA_XQ_SYNONYM, parts, k, 0);
}

static ra_xquery *with_expansions(qb *b, ra_xquery *m, const ra_qclause *c);

static ra_xquery *text_clause_q(qb *b, const ra_qclause *c) {
  ra_xquery *m;
  if (c->wildcard) {
    char buf[300];
    snprintf(buf, sizeof buf, "%s%s", c->title_only ? RA_PREFIX_TITLE : "",
             c->words[0].word);
    m = keep(b->a, ra_xquery_wildcard(b->s->db, buf, strlen(buf), b->rp->max_wildcard,
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
    ra_xquery *xq = x->n_words == 1 ? term_q(b, "", x->words[0].word, 0)
                                    : phrase_q(b, x->words, x->n_words, "");
    xq = scaled(b, xq, b->rp->expansion_weight);
    if (xq) alts[k++] = xq;
  }
  return combine(b, RA_XQ_OR, alts, k, 0);
}

/* Tag and category filters never add weight. */
static ra_xquery *bool_clause_q(qb *b, const ra_qclause *c) {
  const char *prefix = c->kind == RA_QC_TAG ? RA_PREFIX_TAG : RA_PREFIX_CATEGORY;
  return scaled(b, term_q(b, prefix, c->value, 0), 0.0);
}

static ra_xquery *build_node(qb *b, const ra_qnode *n, int *boolean);

static int simple_word(const ra_query *q, const ra_qnode *n) {
  if (n->kind != RA_QN_CLAUSE) return 0;
  const ra_qclause *c = &q->clauses[n->clause];
  return c->kind == RA_QC_TEXT && !c->phrase && !c->wildcard && !c->title_only &&
         c->n_words == 1;
}

/* A plain word left out of ranking: too common to say anything, unless
 * the reader quoted it (a phrase) or it has synonyms. */
static int stop_item(const qb *b, const ra_qnode *k) {
  if (!b->rp->stop_words || b->keep_stops || !simple_word(b->q, k)) return 0;
  const ra_qclause *c = &b->q->clauses[k->clause];
  return c->n_exps == 0 && is_stop_word(c->words[0].word);
}

/* The proximity boost: words close together (NEAR over the exact forms
 * only, so it never adds weight to an article lacking a word) and
 * adjacent pairs in the order typed.  Only for 2..near_max_words words:
 * beyond that, everything-near-everything says little and costs much. */
static ra_xquery *near_boost(qb *b, ra_xquery **near, size_t nw) {
  if (nw < 2 || nw > b->rp->near_max_words) return NULL;
  ra_xquery *boost[RA_QUERY_MAX_TERMS + 1];
  size_t nb = 0;
  if (b->rp->near_weight > 0) {
    ra_xquery *nr = combine(b, RA_XQ_NEAR, near, nw, (unsigned)nw * b->rp->near_window);
    if (nr) boost[nb++] = scaled(b, nr, b->rp->near_weight);
  }
  for (size_t i = 0; b->rp->phrase_weight > 0 && i + 1 < nw && nb < RA_QUERY_MAX_TERMS; i++) {
    ra_xquery *pair = combine(b, RA_XQ_PHRASE, near + i, 2, 2);
    if (pair) boost[nb++] = scaled(b, pair, b->rp->phrase_weight);
  }
  return b->a->failed ? NULL : combine(b, RA_XQ_OR, boost, nb, 0);
}

/* AND of kids (skip[i] set: left out, for relaxation).  At the root of a
 * long query (b->any_word) the words are ORed instead: BM25 already puts
 * articles with more of the words, and rarer ones, first, and one missing
 * word no longer hides an otherwise perfect article. */
static ra_xquery *build_and(qb *b, const ra_qnode *kids, size_t n,
                            const char *skip, int *boolean) {
  int at_root = b->q->root && kids == b->q->root->kids;
  int any = b->any_word && at_root;
  if (at_root) b->prox = NULL;
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
          near[nw++] = term_q(b, "", c->words[0].word, 0);
        }
        ra_xquery *all = combine(b, RA_XQ_AND, words, nwd, 0);
        ra_xquery *x = all ? with_expansions(b, all, &b->q->clauses[k->clause]) : NULL;
        if (x) pos[np++] = x;
        i += span - 1;
        continue;
      }
    }
    if (k->kind == RA_QN_NOT) {
      ra_xquery *x = build_node(b, &k->kids[0], &kb);
      if (x) neg[nn++] = x;
      continue;
    }
    if (stop_item(b, k)) continue;
    ra_xquery *x = build_node(b, k, &kb);
    if (!x) continue;
    if (kb) {
      filt[nf++] = x;
    } else {
      pos[np++] = x;
      if (simple_word(b->q, k))
        near[nw++] = term_q(b, "", b->q->clauses[k->clause].words[0].word, 0);
    }
  }
  if (b->a->failed) goto out;
  m = combine(b, any ? RA_XQ_OR : RA_XQ_AND, pos, np, 0);
  ra_xquery *boost = m ? near_boost(b, near, nw) : NULL;
  if (boost && at_root) {
    b->prox = boost;
  } else if (boost && !b->a->failed) {
    ra_xquery *parts[2] = {m, boost};
    m = combine(b, RA_XQ_AND_MAYBE, parts, 2, 0);
  }
  if (nf) {
    ra_xquery *f = combine(b, RA_XQ_AND, filt, nf, 0);
    if (m) {
      ra_xquery *parts[2] = {m, f};
      m = combine(b, RA_XQ_FILTER, parts, 2, 0);
    } else {
      m = f;
      *boolean = 1;
    }
  }
  if (nn > 1) {
    if (!m) {
      m = keep(b->a, ra_xquery_match_all(b->a->err));
      *boolean = 1;
    }
    neg[0] = m;
    m = combine(b, RA_XQ_AND_NOT, neg, nn, 0);
  }
out:
  free(pos);
  free(filt);
  free(neg);
  free(near);
  return b->a->failed ? NULL : m;
}

static ra_xquery *build_node(qb *b, const ra_qnode *n, int *boolean) {
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
      ra_xquery *x = build_node(b, &n->kids[i], &kb);
      if (x) v[k++] = x;
      if (!kb) all_bool = 0;
    }
    ra_xquery *m = combine(b, RA_XQ_OR, v, k, 0);
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
        v[k++] = term_q(b, RA_PREFIX_STEM, vq->clauses[j].words[w].stem, 0);
    ra_query_free(vq);
  }
  return b->a->failed ? NULL : combine(b, RA_XQ_OR, v, k, 0);
}

/* The whole query, leaving out root items flagged in skip. */
static ra_xquery *build_query(qb *b, const char *skip, int *boolean) {
  const ra_qnode *root = b->q->root;
  *boolean = 1;
  if (!root) return NULL;
  ra_xquery *m = root->kind == RA_QN_AND
                     ? build_and(b, root->kids, root->n_kids, skip, boolean)
                     : build_node(b, root, boolean);
  if (m && *boolean) {
    ra_xquery *rank = value_words_q(b);
    if (rank) {
      ra_xquery *parts[2] = {m, rank};
      m = combine(b, RA_XQ_AND_MAYBE, parts, 2, 0);
    }
  }
  return b->a->failed ? NULL : m;
}

/* ---- running a query ----------------------------------------------------------- */

static void xopts(const ra_rank_params *rp, ra_xsearch_opts *xo) {
  ra_xsearch_opts_init(xo);
  xo->bm25_k1 = rp->bm25_k1;
  xo->bm25_b = rp->bm25_b;
  xo->bm25_min_normlen = rp->bm25_min_normlen;
  xo->collapse_slot = rp->collapse ? RA_SLOT_COLLAPSE : -1;
  xo->check_at_least = rp->check_at_least;
}

/* Enough to be sure of "any?" and to compare counts; no facets here. */
#define RA_COUNT_CHECK 100

/* Matches of a built query (an estimate, examining at least check
 * documents; 0 for an empty query).  Unweighted, in docid order: a count
 * needs no ranking, and without one the matcher stops after check
 * documents instead of weighing every match (12 ms to 0.1 ms for a word
 * in all 50,000 articles). */
static uint32_t count_matches_at(ra_searcher *s, const ra_rank_params *rp,
                                 const ra_xquery *xq, uint32_t check) {
  if (!xq) return 0;
  ra_xsearch_opts xo;
  xopts(rp, &xo);
  xo.sort_by_docid = 1;
  xo.count = 0;
  xo.check_at_least = check;
  ra_xmset *m = NULL;
  ra_xsearch_ext ext = {.time_limit = rp->time_limit};
  if (ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, NULL) != RA_OK) return 0;
  uint32_t n = ra_xmset_estimate(m);
  ra_xmset_free(m);
  return n;
}

static uint32_t count_matches(ra_searcher *s, const ra_rank_params *rp,
                              const ra_xquery *xq) {
  return count_matches_at(s, rp, xq, RA_COUNT_CHECK);
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

static ra_status expand_query(ra_searcher *s, const ra_rank_params *rp,
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
 * refused (only_stop_words). */
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

static int only_stop_words(const ra_query *q) {
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

/* ---- spelling ----------------------------------------------------------------------- */

static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb,
                            size_t max) {
  if (la > 64 || lb > 64) return max + 1;
  if ((la > lb ? la - lb : lb - la) > max) return max + 1;
  size_t d[65][65];
  for (size_t i = 0; i <= la; i++) d[i][0] = i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t row_min = (size_t)-1;
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = a[i - 1] != b[j - 1];
      size_t v = d[i - 1][j - 1] + cost;
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
      if (v < row_min) row_min = v;
    }
    if (row_min > max) return max + 1;
  }
  return d[la][lb];
}

typedef struct speller {
  const char *word;
  size_t len, max_edit, seen;
  uint32_t min_freq;
  char best[128];
  uint32_t best_freq;
  size_t best_dist;
} speller;

static int spell_cb(void *ctx, const char *t, size_t len, uint32_t tf) {
  speller *sp = ctx;
  if (++sp->seen > RA_SPELL_SCAN_MAX) return 1;
  if (tf <= sp->min_freq || len >= sizeof sp->best) return 0;
  if (len == sp->len && memcmp(t, sp->word, len) == 0) return 0;
  size_t d = edit_distance(sp->word, sp->len, t, len, sp->max_edit);
  if (d > sp->max_edit) return 0;
  if (!sp->best[0] || d < sp->best_dist || (d == sp->best_dist && tf > sp->best_freq)) {
    snprintf(sp->best, sizeof sp->best, "%.*s", (int)len, t);
    sp->best_freq = tf;
    sp->best_dist = d;
  }
  return 0;
}

/* A better-known word for w, or "" (Xapian's spelling data first, then a
 * bounded scan of the words sharing w's first letter). */
static void spell_word(ra_searcher *s, const ra_rank_params *rp, const char *w,
                       uint32_t freq, char *out, size_t size) {
  out[0] = '\0';
  char *sug = NULL;
  if (ra_xdb_spelling(s->db, w, strlen(w), rp->spell_max_edit, &sug, NULL) ==
          RA_OK &&
      sug && *sug && strcmp(sug, w) != 0) {
    snprintf(out, size, "%s", sug);
    free(sug);
    return;
  }
  free(sug);
  size_t wl = strlen(w);
  if (wl < 3 || wl > 64) return;
  speller sp = {.word = w, .len = wl, .max_edit = rp->spell_max_edit,
                .min_freq = freq};
  char prefix[2] = {w[0], '\0'};
  ra_xdb_allterms(s->db, prefix, spell_cb, &sp, NULL);
  snprintf(out, size, "%s", sp.best);
}

static uint32_t run_count(ra_searcher *s, const ra_rank_params *rp,
                          const char *text, size_t len, uint32_t check) {
  ra_query *q = NULL;
  if (ra_qparse(s->an, text, len, &q, NULL) != RA_OK) return 0;
  qarena a = {0};
  qb b = {.s = s, .q = q, .rp = rp, .a = &a};
  int boolean = 0;
  ra_xquery *xq = build_query(&b, NULL, &boolean);
  uint32_t n = count_matches_at(s, rp, xq, check);
  arena_free(&a);
  ra_query_free(q);
  return n;
}

/* strict: the reader's query's matches, an estimate after examining
 * strict_check documents; the suggestion's count is an estimate after as
 * many (unweighted, count_matches_at), so the two compare as estimates. */
static ra_status suggest(ra_searcher *s, const ra_rank_params *rp,
                         ra_results *r, uint32_t strict, uint32_t strict_check,
                         ra_error *err) {
  const ra_query *q = r->query;
  size_t tlen = 0;
  const char *text = ra_query_text(q, &tlen);
  /* The corrected query: the reader's text with each rare word replaced. */
  size_t cap = tlen + 1 + q->n_clauses * 130;
  char *out = malloc(cap);
  if (!out) return ra_error_set(err, RA_ERR_NOMEM, "suggestion");
  size_t k = 0, from = 0;
  int changed = 0;
  for (size_t i = 0; i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (c->kind != RA_QC_TEXT || c->negated || c->wildcard || c->phrase ||
        c->n_words != 1 || c->raw_start < from || q->fallback)
      continue;
    char zt[300];
    snprintf(zt, sizeof zt, "%s%s", RA_PREFIX_STEM, c->words[0].stem);
    uint32_t f = ra_xdb_termfreq(s->db, zt, strlen(zt));
    if (f > rp->spell_rare_docs) continue;
    char fix[128];
    spell_word(s, rp, c->words[0].word, f, fix, sizeof fix);
    if (!fix[0]) continue;
    /* Keep a field prefix (title:) in front of the word. */
    size_t ws = c->raw_start;
    const char *colon = memchr(text + c->raw_start, ':', c->raw_end - c->raw_start);
    if (c->title_only && colon) ws = (size_t)(colon - text) + 1;
    memcpy(out + k, text + from, ws - from);
    k += ws - from;
    k += (size_t)snprintf(out + k, cap - k, "%s", fix);
    from = c->raw_end;
    changed = 1;
  }
  if (!changed) {
    free(out);
    return RA_OK;
  }
  memcpy(out + k, text + from, tlen - from);
  k += tlen - from;
  out[k] = '\0';
  uint32_t n = run_count(s, rp, out, k, strict_check);
  if (n > strict) {
    r->suggestion = out;
    r->suggestion_hits = n;
  } else {
    free(out);
  }
  return RA_OK;
}

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
          fold_eq(s->an, a->tags[t], q->clauses[c].value))
        whole = 1;
    if (whole) {
      th->hls = malloc(sizeof *th->hls);
      if (!th->hls) return ra_error_set(err, RA_ERR_NOMEM, "tag highlights");
      th->hls[0].start = 0;
      th->hls[0].end = strlen(a->tags[t]);
      th->n = th->hls[0].end ? 1 : 0;
      continue;
    }
    ra_status st = ra_snippet_highlight(s->an, a->tags[t], strlen(a->tags[t]),
                                        q, &th->hls, &th->n, err);
    if (st) return st;
  }
  return RA_OK;
}

static int has_hl(ra_searcher *s, const ra_query *q, const char *text) {
  if (!text) return 0;
  ra_hl *h = NULL;
  size_t n = 0;
  ra_snippet_highlight(s->an, text, strlen(text), q, &h, &n, NULL);
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
  if (term[0] == 'Z') t->role = "stem";
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

static ra_status explain_hit(ra_searcher *s, const ra_rank_params *rp,
                             const ra_query *q, ra_xmset *m, size_t i,
                             ra_hit *h, ra_error *err) {
  ra_explain *ex = calloc(1, sizeof *ex);
  if (!ex) return ra_error_set(err, RA_ERR_NOMEM, "explain");
  h->explain = ex;
  uint32_t docid = ra_xmset_docid(m, i);
  ex->doclen = ra_xdb_doclength(s->db, docid);
  ex->avlen = ra_xdb_avlength(s->db);
  ex->fields = matched_fields(s, q, h);
  explain_ctx c = {.s = s, .rp = rp, .docid = docid, .ex = ex};
  ra_status st = ra_xmset_matching_terms(m, i, explain_cb, &c, err);
  if (!st && c.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "explain");
  return st;
}

static ra_status load_hit(ra_searcher *s, const ra_query *q, uint32_t docid,
                          const ra_search_opts *o, ra_hit *h, ra_error *err) {
  ra_status st = load_article(s, docid, &h->article, err);
  if (st) return st;
  ra_snippet_opts so = {.max_frags = o->max_frags ? o->max_frags : 3};
  st = ra_snippet_build(s->an, h->article, q, &so, &h->snippet, err);
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

/* Run xq for the page asked for, with facets; fills r's hits.
 *
 * With a proximity boost (b->prox) the match runs twice: xq alone gives
 * the best RA_RERANK_DEPTH matches (and the totals, facets and collapse
 * counts), then xq plus the boost re-ranks only those.  The boost reads
 * position lists, which for common words in long articles cost 10-40 ms
 * per query over every match; over 100 it is well under a millisecond. */
static ra_status run_page(qb *b, const ra_search_opts *o, size_t count, int explain,
                          ra_xquery *xq, ra_results *r, ra_error *err) {
  ra_searcher *s = b->s;
  const ra_rank_params *rp = b->rp;
  ra_xsearch_opts xo;
  xopts(rp, &xo);
  size_t depth = o->offset + count > RA_RERANK_DEPTH ? o->offset + count : RA_RERANK_DEPTH;
  xo.offset = b->prox ? 0 : (uint32_t)o->offset;
  xo.count = (uint32_t)(b->prox ? depth : count);
  facet_ctx fc = {.r = r};
  /* Tag counts and display forms from one value per examined match
   * (RA_SLOT_TAGS): no term lists, no stored articles. */
  ra_xsearch_ext ext = {.time_limit = rp->time_limit, .facet_ctx = &fc,
                        .facet_slot = RA_SLOT_TAGS, .facet_value_cb = facet_cb,
                        .collect_docids = s->facets != NULL};
  ra_xmset *m = NULL, *base = NULL;
  size_t first = 0; /* the page's first hit in m */
  ra_status st = ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, err);
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
      st = ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, err);
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
  size_t nbase = st ? 0 : ra_xmset_size(m);
  if (!st && b->prox && nbase > o->offset) {
    /* Re-rank the best matches with the boost; collapse counts stay
     * those of the first run (the second sees only these documents). */
    base = m;
    m = NULL;
    /* Each match keeps the weight xq gave it (a posting source, not xq
     * again: re-matching xq over the set was a third of the re-rank),
     * plus whatever the boost adds. */
    uint32_t *ids = malloc(nbase * sizeof *ids);
    double *wts = malloc(nbase * sizeof *wts);
    if (!ids || !wts) st = ra_error_set(err, RA_ERR_NOMEM, "results");
    for (size_t i = 0; !st && i < nbase; i++) {
      ids[i] = ra_xmset_docid(base, i);
      wts[i] = ra_xmset_weight(base, i);
    }
    ra_xquery *set = st ? NULL : keep(b->a, ra_xquery_docids(ids, wts, nbase, err));
    free(ids);
    free(wts);
    ra_xquery *parts[2] = {set, b->prox};
    ra_xquery *rq = set ? combine(b, RA_XQ_AND_MAYBE, parts, 2, 0) : NULL;
    ra_xsearch_opts ro;
    xopts(rp, &ro);
    ro.offset = (uint32_t)o->offset;
    ro.count = (uint32_t)count;
    ro.check_at_least = 0;
    ro.collapse_slot = -1; /* already collapsed */
    ra_xsearch_ext rext = {.time_limit = rp->time_limit};
    if (!st && rq) st = ra_xdb_search_ext(s->db, rq, &ro, &rext, &m, err);
    if (!st && !rq) {
      /* Out of query nodes (a huge query): the page without the boost. */
      b->a->failed = 0;
      m = base;
      base = NULL;
      first = o->offset;
    }
  } else if (!st && b->prox) {
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
    st = load_hit(s, r->query, docid, o, h, err);
    if (!st && explain) st = explain_hit(s, rp, r->query, em, ei, h, err);
  }
  ra_xmset_free(m);
  ra_xmset_free(base);
  if (!st && r->n_facets > 1) qsort(r->facets, r->n_facets, sizeof *r->facets, cmp_facet);
  /* The most frequent tags are what a reader can use. */
  facets_truncate(r, RA_MAX_FACETS);
  return st;
}

static ra_results *results_new(ra_searcher *s, const ra_search_opts *o) {
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
static void results_clear_page(ra_results *r) {
  for (size_t i = 0; r->hits && i < r->n_hits; i++) hit_free(&r->hits[i]);
  free(r->hits);
  r->hits = NULL;
  r->n_hits = 0;
  facets_truncate(r, 0);
  r->facet_docs = 0;
  r->estimate = 0;
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

/* Some positive text clause that is not a lone stop word. */
static int has_content_word(const ra_query *q) {
  for (size_t i = 0; i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (c->kind != RA_QC_TEXT || c->negated) continue;
    if (c->phrase || c->wildcard || c->title_only || c->n_words != 1 ||
        c->n_exps || !is_stop_word(c->words[0].word))
      return 1;
  }
  return 0;
}

typedef struct fb_terms {
  char terms[RA_MAX_FEEDBACK][128];
  double w[RA_MAX_FEEDBACK];
  size_t n;
} fb_terms;

static int fb_cb(void *ctx, const char *t, size_t len, uint32_t w) {
  fb_terms *f = ctx;
  if (f->n >= RA_MAX_FEEDBACK) return 1;
  if (len >= sizeof f->terms[0]) return 0;
  snprintf(f->terms[f->n], sizeof f->terms[0], "%.*s", (int)len, t);
  f->w[f->n++] = w;
  return 0;
}

/* Pseudo-relevance feedback: the stems that best tell the top prf_docs
 * articles apart from the rest (Xapian's ESet) are added to *xq as
 * weight-only terms (AND_MAYBE: the matches, filters and exclusions stay
 * what the reader asked for), each scaled by its ESet weight relative to
 * the best one.  Long queries only (prf_min_words): they describe a topic,
 * and their top hits are reliable enough to learn from. */
static ra_status feedback(qb *b, ra_xquery **xq, ra_error *err) {
  const ra_rank_params *rp = b->rp;
  if (!rp->prf_docs || !rp->prf_terms || rp->prf_weight <= 0) return RA_OK;
  /* What sets the top articles apart needs a "rest" to differ from. */
  if (ra_xdb_doccount(b->s->db) < RA_FEEDBACK_MIN_RATIO * rp->prf_docs) return RA_OK;
  ra_xsearch_opts xo;
  xopts(rp, &xo);
  xo.count = rp->prf_docs < 50 ? rp->prf_docs : 50;
  xo.check_at_least = 0;
  ra_xmset *m = NULL;
  ra_xsearch_ext ext = {.time_limit = rp->time_limit};
  ra_error e2;
  ra_error_clear(&e2);
  /* Feedback is a refinement: if it fails, rank without it. */
  if (ra_xdb_search_ext(b->s->db, *xq, &xo, &ext, &m, &e2) != RA_OK) return RA_OK;
  uint32_t docs[50];
  size_t nd = 0;
  for (size_t i = 0; i < ra_xmset_size(m) && nd < 50; i++) docs[nd++] = ra_xmset_docid(m, i);
  ra_xmset_free(m);
  if (nd < 2) return RA_OK;
  /* The query's own stems are already weighted. */
  char own[RA_QUERY_MAX_TERMS][130];
  const char *ex[RA_QUERY_MAX_TERMS];
  size_t ne = 0;
  for (size_t i = 0; i < b->q->n_clauses; i++) {
    const ra_qclause *c = &b->q->clauses[i];
    for (size_t w = 0; c->kind == RA_QC_TEXT && w < c->n_words && ne < RA_QUERY_MAX_TERMS; w++) {
      snprintf(own[ne], sizeof own[ne], "%s%s", RA_PREFIX_STEM, c->words[w].stem);
      ex[ne] = own[ne];
      ne++;
    }
  }
  fb_terms *f = calloc(1, sizeof *f);
  if (!f) return ra_error_set(err, RA_ERR_NOMEM, "feedback");
  unsigned max = rp->prf_terms < RA_MAX_FEEDBACK ? rp->prf_terms : RA_MAX_FEEDBACK;
  if (ra_xdb_expand_prefixed(b->s->db, docs, nd, RA_PREFIX_STEM, ex, ne, max, fb_cb,
                             f, &e2) != RA_OK || f->n == 0 || f->w[0] <= 0) {
    free(f);
    return RA_OK;
  }
  ra_xquery *v[RA_MAX_FEEDBACK];
  size_t k = 0;
  for (size_t i = 0; i < f->n; i++) {
    ra_xquery *t = keep(b->a, ra_xquery_term(f->terms[i], strlen(f->terms[i]), 1, 0,
                                             b->a->err));
    t = scaled(b, t, rp->prf_weight * f->w[i] / f->w[0]);
    if (t) v[k++] = t;
  }
  free(f);
  ra_xquery *add = b->a->failed ? NULL : combine(b, RA_XQ_OR, v, k, 0);
  if (add) {
    ra_xquery *parts[2] = {*xq, add};
    ra_xquery *both = combine(b, RA_XQ_AND_MAYBE, parts, 2, 0);
    if (both) *xq = both;
  }
  /* Out of query nodes: keep the query without feedback. */
  if (b->a->failed) b->a->failed = 0;
  return RA_OK;
}

ra_status ra_search_run(ra_searcher *s, const char *query, size_t len,
                        const ra_search_opts *o, ra_results **out,
                        ra_error *err) {
  return ra_search_run_ext(s, query, len, o, NULL, out, err);
}

ra_status ra_search_run_ext(ra_searcher *s, const char *query, size_t len,
                            const ra_search_opts *o, const ra_search_ext *x,
                            ra_results **out, ra_error *err) {
  *out = NULL;
  ra_search_opts def = {0, 10, 3};
  ra_search_ext xdef = {0, 0, 0, 0, NULL};
  if (!o) o = &def;
  if (!x) x = &xdef;
  ra_rank_params rpd;
  ra_rank_params_default(&rpd);
  const ra_rank_params *rp = x->rank ? x->rank : &rpd;
  ra_results *r = results_new(s, o);
  if (!r) return ra_error_set(err, RA_ERR_NOMEM, "results");
  size_t count = r->per_page;
  ra_status st = ra_qparse(s->an, query, len, &r->query, err);
  if (!st && r->query->n_clauses == 0)
    st = ra_error_set(err, RA_ERR_INVALID,
                      "the query has no searchable words (only punctuation, "
                      "operators or nothing)");
  if (!st && only_stop_words(r->query))
    st = ra_error_set(err, RA_ERR_INVALID,
                      "the query has only very common words (like \"the\", "
                      "\"of\"); add a more specific word, or quote a phrase");
  ra_query *q = st ? NULL : r->query;
  /* A tag or category nobody has: say so rather than just "no match". */
  for (size_t i = 0; !st && i < q->n_clauses; i++) {
    const ra_qclause *c = &q->clauses[i];
    if (c->kind == RA_QC_TEXT || c->negated) continue;
    char term[300];
    snprintf(term, sizeof term, "%s%s",
             c->kind == RA_QC_TAG ? RA_PREFIX_TAG : RA_PREFIX_CATEGORY, c->value);
    if (ra_xdb_termfreq(s->db, term, strlen(term)) == 0 && !r->unknown_tag) {
      r->unknown_tag = strdup(c->raw ? c->raw : c->value);
      if (!r->unknown_tag) st = ra_error_set(err, RA_ERR_NOMEM, "results");
    }
  }
  if (!st && !x->no_expand) st = expand_query(s, rp, r, err);

  qarena a = {.err = err};
  qb b = {.s = s, .q = q, .rp = rp, .a = &a};
  const ra_qnode *root = q ? q->root : NULL;
  size_t n_items = root && root->kind == RA_QN_AND ? root->n_kids : 0;
  char *skip = calloc(n_items + 1, 1);
  if (!st && !skip) st = ra_error_set(err, RA_ERR_NOMEM, "results");
  /* Words that carry meaning decide how the query is matched. */
  if (q) b.keep_stops = !has_content_word(q);
  size_t n_pos = 0;
  for (size_t i = 0; i < n_items; i++)
    if (item_is_positive(q, &root->kids[i]) && !stop_item(&b, &root->kids[i])) n_pos++;
  b.any_word = !x->no_relax && rp->and_max_words && n_pos > rp->and_max_words;
  int boolean = 0;
  ra_xquery *xq = NULL;
  uint32_t strict = 0, strict_check = RA_COUNT_CHECK;
  if (!st) {
    xq = build_query(&b, skip, &boolean);
    if (!xq && a.failed)
      st = err && err->code ? err->code
                            : ra_error_set(err, RA_ERR_TOOBIG, "query too complex");
  }
  /* The usual query (every word) runs once: its page tells whether
   * anything matched, and only an empty one is relaxed and run again.
   * A long query (any_word, or one that gets feedback) is counted first:
   * its note and its feedback come before its page. */
  int ran = 0;
  int wants_feedback = !boolean && rp->prf_min_words && n_pos >= rp->prf_min_words;
  if (!st && xq && !b.any_word && !wants_feedback) {
    st = run_page(&b, o, count, x->explain, xq, r, err);
    ran = 1;
    strict = st ? 0 : r->estimate;
    strict_check = rp->check_at_least;
  } else if (!st) {
    strict = count_matches(s, rp, xq);
  }
  /* A long query is ranked by how many words match: say so when no
   * article has them all (the AND is cheap: its rarest word bounds it). */
  if (!st && b.any_word && strict > 0) {
    b.any_word = 0;
    int kb = 0;
    ra_xquery *prox = b.prox;
    ra_xquery *all = build_query(&b, skip, &kb);
    b.any_word = 1;
    b.prox = prox;
    if (all && count_matches(s, rp, all) == 0)
      snprintf(r->relaxed, sizeof r->relaxed,
               "no article contains every word; those with the most of them "
               "come first");
  }
  /* Nothing has every word: drop words, rarest first, and say which. */
  if (!st && !b.any_word && strict == 0 && !x->no_relax && n_pos >= 2 &&
      !r->unknown_tag) {
    rare_item *ri = calloc(n_items, sizeof *ri);
    size_t nr = 0;
    if (!ri) st = ra_error_set(err, RA_ERR_NOMEM, "results");
    for (size_t i = 0; !st && i < n_items; i++) {
      const ra_qnode *k = &root->kids[i];
      if (!item_is_positive(q, k) || stop_item(&b, k)) continue;
      int kb = 0;
      ra_xquery *kq = build_node(&b, k, &kb);
      ri[nr].index = i;
      ri[nr].freq = count_matches(s, rp, kq);
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
      xq = build_query(&b, skip, &boolean);
      if (!xq) {
        st = a.failed ? ra_error_set(err, RA_ERR_TOOBIG, "query too complex") : RA_OK;
        break;
      }
      if (count_matches(s, rp, xq) > 0) break;
    }
    free(ri);
    if (!st && r->n_dropped) {
      snprintf(r->relaxed, sizeof r->relaxed,
               "no article contains every word; dropped %s", msg);
      results_clear_page(r);
      ran = 0; /* the relaxed query's page */
    }
  }
  if (!st && !ran && xq && !boolean && rp->prf_min_words &&
      n_pos >= rp->prf_min_words)
    st = feedback(&b, &xq, err);
  if (!st && !ran && xq) st = run_page(&b, o, count, x->explain, xq, r, err);
  else if (!st && !r->hits) r->hits = calloc(1, sizeof *r->hits);
  if (!st && r->n_hits == 0 && r->estimate > 0 && o->offset > 0) r->past_end = 1;
  arena_free(&a);
  free(skip);
  /* "Did you mean": only when the correction finds more. */
  if (!st && !x->no_spell) st = suggest(s, rp, r, strict, strict_check, err);
  if (st) {
    ra_results_free(r);
    return st;
  }
  *out = r;
  return RA_OK;
}

void ra_results_free(ra_results *r) {
  if (!r) return;
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

static int cmp_rel(const void *a, const void *b) {
  const rel_hit *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return x->docid < y->docid ? -1 : 1;
}

static int shares(const bool_terms *mine, const char *term) {
  for (size_t i = 0; i < mine->n; i++)
    if (strcmp(mine->terms[i], term) == 0) return 1;
  return 0;
}

typedef struct share_ctx {
  const bool_terms *mine;
  int n;
} share_ctx;

static int share_cb(void *ctx, const char *t, size_t len, uint32_t w) {
  (void)w;
  share_ctx *c = ctx;
  char term[256];
  if (len >= sizeof term) return 0;
  snprintf(term, sizeof term, "%.*s", (int)len, t);
  if (shares(c->mine, term)) c->n++;
  return 0;
}

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
  char idterm[512];
  if ((size_t)snprintf(idterm, sizeof idterm, "%s%s", RA_PREFIX_ID, id) >= sizeof idterm)
    return ra_error_set(err, RA_ERR_INVALID, "--related: article id too long");
  uint32_t self = 0;
  ra_error e2;
  ra_error_clear(&e2);
  if (ra_xdb_find(s->db, idterm, &self, &e2) != RA_OK) {
    if (e2.code == RA_ERR_NOTFOUND)
      return ra_error_set(err, RA_ERR_NOTFOUND, "no article with id '%s' in the index", id);
    return ra_error_set(err, e2.code, "%s", e2.msg);
  }
  ra_results *r = results_new(s, o);
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
  qb b = {.s = s, .q = r->query, .rp = rp, .a = &a};
  ra_xquery *v[64 + 64];
  size_t nv = 0;
  for (size_t i = 0; !st && i < rt.n; i++) v[nv++] = term_q(&b, "", rt.words[i], 0);
  for (size_t i = 0; !st && i < mine.n; i++)
    v[nv++] = term_q(&b, "", mine.terms[i], 0); /* boolean: candidates only */
  ra_xquery *any = st ? NULL : combine(&b, RA_XQ_OR, v, nv, 0);
  ra_xquery *me = st ? NULL : term_q(&b, RA_PREFIX_ID, id, 0);
  rel_hit pool[RA_RELATED_POOL];
  size_t np = 0;
  if (!st && any && me) {
    ra_xquery *parts[2] = {any, me};
    ra_xquery *xq = combine(&b, RA_XQ_AND_NOT, parts, 2, 0);
    ra_xsearch_opts xo;
    xopts(rp, &xo);
    xo.count = RA_RELATED_POOL;
    ra_xmset *m = NULL;
    ra_xsearch_ext ext = {.time_limit = rp->time_limit};
    st = xq ? ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, err)
            : ra_error_set(err, RA_ERR_NOMEM, "related");
    for (size_t i = 0; !st && i < ra_xmset_size(m) && np < RA_RELATED_POOL; i++) {
      pool[np].docid = ra_xmset_docid(m, i);
      pool[np].percent = ra_xmset_percent(m, i);
      double score = ra_xmset_weight(m, i);
      share_ctx sc = {.mine = &mine};
      ra_xdb_doc_terms(s->db, pool[np].docid, RA_PREFIX_TAG, share_cb, &sc, NULL);
      score += rp->related_tag_weight * sc.n;
      sc.n = 0;
      ra_xdb_doc_terms(s->db, pool[np].docid, RA_PREFIX_CATEGORY, share_cb, &sc, NULL);
      score += rp->related_category_weight * sc.n;
      pool[np].score = score;
      np++;
    }
    ra_xmset_free(m);
  }
  arena_free(&a);
  if (!st && np > 1) qsort(pool, np, sizeof *pool, cmp_rel);
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
      st = load_hit(s, r->query, pool[first + i].docid, o, h, err);
    }
    if (!st && r->n_hits == 0 && np > 0 && o->offset > 0) r->past_end = 1;
  }
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
    int quote = tag && strchr(w, ' ') != NULL;
    if (asprintf(&cv.v[i].query, "%.*s%s%s%s%s", (int)ws, query, tag ? "tag:" : "",
                 quote ? "\"" : "", w, quote ? "\"" : "") < 0) {
      cv.v[i].query = NULL;
      st = ra_error_set(err, RA_ERR_NOMEM, "completion");
    }
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
