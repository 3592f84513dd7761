/* search.c - the searcher (open, preload, free), the ranking parameters,
 * and one search as the steps it takes: parse, expand, build, run the
 * page, relax when nothing has every word, feedback for long queries,
 * "did you mean".
 *
 * All ranking knobs are in ra_rank_params_default() below; nothing else in
 * the search modules hard-codes a weight.  The steps' parts are in
 * qbuild.c, relax.c, spell.c and hits.c (their state in search_int.h);
 * tags, related articles and completion in browse.c. */
#define _GNU_SOURCE
#include "search.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cluster.h"
#include "facet.h"
#include "hits.h"
#include "idxdir.h"
#include "qbuild.h"
#include "relax.h"
#include "schema.h"
#include "search_int.h"
#include "spell.h"
#include "xap.h"

#define RA_MAX_FEEDBACK 64 /* pseudo-relevance feedback terms, at most */
#define RA_FEEDBACK_MIN_RATIO 20 /* feedback when docs >= this * prf_docs */

void ra_rank_params_default(ra_rank_params *p) {
  memset(p, 0, sizeof *p);
  /* Chosen on Cranfield, CISI and CACM together, each change kept only
   * if it won on all three and held when chosen on two (docs/evaluation.md
   * has every variant tried).  k1 3: field weights are wdf multipliers
   * (title 6, tag 5, heading 3, body 2, illustration 1, see index.h), so
   * body text's doubled wdf halves BM25's effective k1; 3 on doubled wdf
   * is 1.5 on plain text.  k1 1 saturated term frequency too early on
   * every collection (+7% nDCG@10 on CISI and CACM at 3).  b 0.5: article
   * lengths vary a lot (a FAQ page vs a long guide) and full
   * normalisation punished the long guides that answer most queries. */
  p->bm25_k1 = 3.0;
  p->bm25_b = 0.5;
  p->bm25_min_normlen = 0.5;
  p->exact_weight = 0.25;  /* the reader's exact form above other forms */
  /* A title word is already weighted by its wdf (6); a second title term
   * on top won on Cranfield (titles restating the query) and lost 9% of
   * nDCG@10 on CISI, whose titles are terse: none. */
  p->title_weight = 0.0;
  /* Proximity wins "find a mentor", "networking as a medical student"
   * and "orientation sessions meet faculty" on the article corpus (the
   * golden gate loses them without it); it is a NEAR/PHRASE of the exact
   * forms, and half the words' weight again gained over the full weight
   * on CACM's short queries and lost nowhere. */
  p->phrase_weight = 0.5;  /* adjacent query words adjacent in the text */
  p->near_weight = 0.5;    /* all words close together */
  p->near_window = 4;      /* per query word */
  p->near_max_words = 4;   /* longer: near everything says little (and
                              cost 3% nDCG@10 on Cranfield at 6) */
  p->expansion_weight = 0.7; /* a synonym counts less than the word */
  p->max_expansions = 8;
  p->max_wildcard = 50;
  p->time_limit = 2.0;
  p->deadline_ms = RA_DEADLINE_DEFAULT_MS;
  /* Facets read one value (RA_SLOT_TAGS) per examined match: exact
   * counts for up to this many matches, a sample beyond. */
  p->check_at_least = 250;
  p->collapse = 1;
  p->spell_max_edit = 2;
  p->spell_rare_docs = 0;  /* only unknown words get "did you mean" */
  p->related_terms = 20;
  p->related_tag_weight = 1.0;
  p->related_category_weight = 0.5;
  /* A reader typing 2-3 words wants the articles with every one of them
   * first, but not only those: requiring them all answered a three-word
   * query with two articles when twenty were relevant.  Tiers: every
   * word, then one fewer...; BM25 within a tier.  A longer query
   * describes a topic: BM25 over any word (hard AND on it hid most
   * relevant articles, Cranfield MAP 0.04). */
  p->tier_max_words = 3;
  p->tier_weight = RA_TIER_WEIGHT;
  p->stop_words = 1;
  /* Feedback: +12% MAP, +8% nDCG@10 on Cranfield; long queries only
   * (a 2-word query's top 10 is too often off-topic to learn from). */
  p->prf_min_words = 4;
  p->prf_docs = 10;
  p->prf_terms = 20;
  p->prf_weight = 1.0;
}

/* ra_rank_params_set's table: every tunable field by name. */
enum { RP_DOUBLE, RP_UNSIGNED, RP_U32, RP_INT, RP_LONG };
static const struct {
  const char *name;
  int type;
  size_t off;
  double min, max;
} rank_fields[] = {
#define RP(f, t, lo, hi) {#f, t, offsetof(ra_rank_params, f), lo, hi}
    RP(bm25_k1, RP_DOUBLE, 0, 100),
    RP(bm25_b, RP_DOUBLE, 0, 1),
    RP(bm25_min_normlen, RP_DOUBLE, 0, 100),
    RP(exact_weight, RP_DOUBLE, 0, 100),
    RP(title_weight, RP_DOUBLE, 0, 100),
    RP(phrase_weight, RP_DOUBLE, 0, 100),
    RP(near_weight, RP_DOUBLE, 0, 100),
    RP(near_window, RP_UNSIGNED, 1, 100),
    RP(expansion_weight, RP_DOUBLE, 0, 100),
    RP(max_expansions, RP_UNSIGNED, 0, 1000),
    RP(max_wildcard, RP_UNSIGNED, 0, 100000),
    RP(time_limit, RP_DOUBLE, 0, 3600),
    RP(deadline_ms, RP_LONG, -1, 3600000),
    RP(check_at_least, RP_U32, 0, 1e9),
    RP(collapse, RP_INT, 0, 1),
    RP(spell_max_edit, RP_UNSIGNED, 0, 10),
    RP(spell_rare_docs, RP_U32, 0, 1e9),
    RP(related_terms, RP_UNSIGNED, 0, 1000),
    RP(related_tag_weight, RP_DOUBLE, 0, 100),
    RP(related_category_weight, RP_DOUBLE, 0, 100),
    RP(tier_max_words, RP_UNSIGNED, 0, 1000),
    RP(tier_weight, RP_DOUBLE, 0, 1e9),
    RP(stop_words, RP_INT, 0, 1),
    RP(near_max_words, RP_UNSIGNED, 0, 1000),
    RP(prf_min_words, RP_UNSIGNED, 0, 1000),
    RP(prf_docs, RP_UNSIGNED, 0, 1000),
    RP(prf_terms, RP_UNSIGNED, 0, RA_MAX_FEEDBACK),
    RP(prf_weight, RP_DOUBLE, 0, 100),
#undef RP
};

ra_status ra_rank_params_set(ra_rank_params *p, const char *a, ra_error *err) {
  const char *eq = a ? strchr(a, '=') : NULL;
  if (!eq)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ranking parameter: expected NAME=VALUE, got '%s'",
                        a ? a : "");
  size_t nl = (size_t)(eq - a);
  for (size_t i = 0; i < sizeof rank_fields / sizeof rank_fields[0]; i++) {
    if (strlen(rank_fields[i].name) != nl || memcmp(rank_fields[i].name, a, nl)) continue;
    char *end;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || *end || !(v >= rank_fields[i].min && v <= rank_fields[i].max) ||
        (rank_fields[i].type != RP_DOUBLE && v != (double)(long)v))
      return ra_error_set(err, RA_ERR_USAGE,
                          "ranking parameter %s: expected a%s number from %g to %g, got '%s'",
                          rank_fields[i].name,
                          rank_fields[i].type == RP_DOUBLE ? "" : " whole",
                          rank_fields[i].min, rank_fields[i].max, eq + 1);
    char *f = (char *)p + rank_fields[i].off;
    switch (rank_fields[i].type) {
    case RP_DOUBLE: *(double *)f = v; break;
    case RP_UNSIGNED: *(unsigned *)f = (unsigned)v; break;
    case RP_U32: *(uint32_t *)f = (uint32_t)v; break;
    case RP_INT: *(int *)f = (int)v; break;
    default: *(long *)f = (long)v; break;
    }
    return RA_OK;
  }
  return ra_error_set(err, RA_ERR_USAGE, "ranking parameter: unknown name '%.*s'",
                      (int)nl, a);
}

void ra_rank_params_list(FILE *f) {
  ra_rank_params d;
  ra_rank_params_default(&d);
  for (size_t i = 0; i < sizeof rank_fields / sizeof rank_fields[0]; i++) {
    const char *v = (const char *)&d + rank_fields[i].off;
    fprintf(f, "  %-24s ", rank_fields[i].name);
    switch (rank_fields[i].type) {
    case RP_DOUBLE: fprintf(f, "%g\n", *(const double *)v); break;
    case RP_UNSIGNED: fprintf(f, "%u\n", *(const unsigned *)v); break;
    case RP_U32: fprintf(f, "%u\n", (unsigned)*(const uint32_t *)v); break;
    case RP_INT: fprintf(f, "%d\n", *(const int *)v); break;
    default: fprintf(f, "%ld\n", *(const long *)v); break;
    }
  }
}

/* The index's format number from its metadata (0 when unreadable). */
static int read_format(ra_xdb *db, size_t shard, int cluster) {
  char *v = NULL;
  size_t vl = 0;
  ra_status st = cluster ? ra_xdb_shard_metadata(db, shard, RA_META_FORMAT, &v, &vl, NULL)
                         : ra_xdb_get_metadata(db, RA_META_FORMAT, &v, &vl, NULL);
  int f = st == RA_OK && v ? atoi(v) : 0;
  free(v);
  return f;
}

static void cluster_generation(ra_searcher *s) {
  snprintf(s->generation, sizeof s->generation, "cluster-%08x", ra_xdb_revision(s->db));
}

/* (Re)build the lexicon when the shards moved on; a failure leaves
 * spelling and synonyms without one (searches still answer). */
static void cluster_lexicon(ra_searcher *s) {
  char *stamp = ra_lexicon_stamp(s->db);
  if (s->lex && stamp && strcmp(stamp, ra_lexicon_of(s->lex)) == 0) {
    free(stamp);
    return;
  }
  free(stamp);
  ra_lexicon *lx = NULL;
  ra_error e;
  ra_error_clear(&e);
  if (ra_lexicon_open(s->db, s->cluster_file, &lx, &e) != RA_OK) {
    fprintf(stderr, "rasearch: %s: spelling and synonyms unavailable: %s\n", s->cluster_file,
            ra_error_message(&e));
    return;
  }
  ra_xdb_set_lexicon(s->db, ra_lexicon_db(lx));
  ra_lexicon_free(s->lex);
  s->lex = lx;
}

static ra_status open_cluster(const char *file, ra_searcher *s, ra_error *err) {
  ra_cluster_spec *spec = NULL;
  ra_status st = ra_cluster_parse(file, &spec, err);
  if (!st) st = ra_xdb_open_cluster(spec, &s->db, err); /* takes spec */
  if (st) return st;
  s->cluster_file = strdup(file);
  if (!s->cluster_file) return ra_error_set(err, RA_ERR_NOMEM, "searcher");
  /* Every shard must have what a cluster search relies on (group terms,
   * the id slot, the shard's lexicon). */
  s->format = 0;
  for (size_t i = 0; i < ra_xdb_cluster_size(s->db); i++) {
    if (!ra_xdb_shard_revision(s->db, i)) continue;
    int f = read_format(s->db, i, 1);
    if (f < RA_FORMAT_GROUPS)
      return ra_error_set(err, RA_ERR_DAMAGED,
                          "%s: shard %zu has index format %d; a cluster needs %d or later: "
                          "rebuild it (ra-index --rebuild --shard K/N)",
                          file, i + 1, f, RA_FORMAT_GROUPS);
    if (!s->format || f < s->format) s->format = f;
  }
  cluster_generation(s);
  cluster_lexicon(s);
  return RA_OK;
}

ra_status ra_searcher_open(const char *db_dir, ra_searcher **out,
                           ra_error *err) {
  *out = NULL;
  ra_searcher *s = calloc(1, sizeof *s);
  if (!s) return ra_error_set(err, RA_ERR_NOMEM, "searcher");
  ra_status st = ra_analyzer_new(&s->an, err);
  if (!st && ra_cluster_is_file(db_dir)) {
    st = open_cluster(db_dir, s, err);
    if (st) {
      ra_searcher_free(s);
      return st;
    }
    *out = s;
    return RA_OK;
  }
  char gen[64] = "";
  if (!st) st = ra_idxdir_current(db_dir, gen, sizeof gen, err);
  if (!st && !gen[0])
    st = ra_error_set(err, RA_ERR_NOINDEX,
                      "no index at %s: build one with `ra-index --db %s "
                      "CORPUS_DIR`",
                      db_dir, db_dir);
  if (!st) {
    snprintf(s->generation, sizeof s->generation, "%s", gen);
    st = ra_xdb_open(db_dir, &s->db, err);
  }
  if (st) {
    ra_searcher_free(s);
    return st;
  }
  s->format = read_format(s->db, 0, 0);
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

ra_status ra_searcher_refresh(ra_searcher *s, unsigned min_interval_ms, int *changed,
                              ra_error *err) {
  *changed = 0;
  if (!s->cluster_file) return RA_OK;
  ra_status st = ra_xdb_cluster_probe(s->db, min_interval_ms, changed, err);
  if (!st && *changed) {
    cluster_generation(s);
    cluster_lexicon(s);
  }
  return st;
}

int ra_searcher_is_cluster(const ra_searcher *s) { return s->cluster_file != NULL; }

size_t ra_searcher_missing(const ra_searcher *s, unsigned *out, size_t max) {
  return ra_xdb_cluster_missing(s->db, out, max);
}

ra_status ra_searcher_preload(ra_searcher *s, ra_error *err) {
  if (s->facets || s->cluster_file) return RA_OK; /* mapped at open, or none over shards */
  return ra_facet_table_load(s->db, RA_SLOT_TAGS, &s->facets, err);
}

size_t ra_searcher_preload_bytes(const ra_searcher *s) {
  return ra_facet_table_bytes(s->facets);
}

void ra_searcher_free(ra_searcher *s) {
  if (!s) return;
  ra_facet_table_free(s->facets);
  ra_xdb_free(s->db);
  ra_lexicon_free(s->lex);
  free(s->cluster_file);
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

ra_analyzer *ra_searcher_analyzer(ra_searcher *s) { return s->an; }

/* ---- running a query ----------------------------------------------------------- */

/* Matches of a built query, estimated (search_int.h). */
uint32_t ra_search_count_matches_at(ra_searcher *s, const ra_rank_params *rp,
                                    const ra_xquery *xq, uint32_t check) {
  if (!xq) return 0;
  ra_xsearch_opts xo;
  ra_search_xopts(s, rp, &xo);
  xo.sort_by_docid = 1;
  xo.tie_slot = -1; /* a count needs no order */
  xo.count = 0;
  xo.check_at_least = check;
  ra_xmset *m = NULL;
  ra_xsearch_ext ext = {.time_limit = rp->time_limit};
  if (ra_xdb_search_ext(s->db, xq, &xo, &ext, &m, NULL) != RA_OK) return 0;
  uint32_t n = ra_xmset_estimate(m);
  ra_xmset_free(m);
  return n;
}

/* ---- pseudo-relevance feedback ----------------------------------------------------- */

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
  ra_search_xopts(b->s, rp, &xo);
  xo.count = rp->prf_docs < 50 ? rp->prf_docs : 50;
  xo.check_at_least = 0;
  ra_xmset *m = NULL;
  ra_xsearch_ext ext = {.time_limit = ra_search_time_limit(b)};
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
  ra_qb_free_feedback(b);
  b->fb_terms = malloc(f->n * sizeof *b->fb_terms);
  b->fb_scale = malloc(f->n * sizeof *b->fb_scale);
  if (!b->fb_terms || !b->fb_scale) ra_qb_free_feedback(b); /* explain lacks them */
  for (size_t i = 0; i < f->n; i++) {
    ra_xquery *t = ra_qarena_keep(b->a, ra_xquery_term(f->terms[i], strlen(f->terms[i]), 1, 0,
                                             b->a->err));
    double scale = rp->prf_weight * f->w[i] / f->w[0];
    t = ra_qbuild_scaled(b, t, scale);
    if (t) v[k++] = t;
    if (b->fb_terms) {
      memcpy(b->fb_terms[b->n_fb], f->terms[i], sizeof f->terms[i]);
      b->fb_scale[b->n_fb++] = scale;
    }
  }
  free(f);
  ra_xquery *add = b->a->failed ? NULL : ra_qbuild_combine(b, RA_XQ_OR, v, k, 0);
  if (add) {
    ra_xquery *parts[2] = {*xq, add};
    ra_xquery *both = ra_qbuild_combine(b, RA_XQ_AND_MAYBE, parts, 2, 0);
    if (both) *xq = both;
  }
  /* Out of query nodes: keep the query without feedback. */
  if (b->a->failed) b->a->failed = 0;
  return RA_OK;
}

void ra_results_tier_note(const ra_results *r, char *buf, size_t size) {
  if (!size) return;
  buf[0] = '\0';
  if (!r->tiered || !r->every_word) return;
  uint32_t some = r->estimate > r->every_word ? r->estimate - r->every_word : 0;
  int n = snprintf(buf, size, "%u article%s contain%s every word", (unsigned)r->every_word,
                   r->every_word == 1 ? "" : "s", r->every_word == 1 ? "s" : "");
  if (some && n > 0 && (size_t)n < size)
    snprintf(buf + n, size - (size_t)n, "; %u more contain%s some", (unsigned)some,
             some == 1 ? "s" : "");
}

ra_status ra_search_run(ra_searcher *s, const char *query, size_t len,
                        const ra_search_opts *o, ra_results **out,
                        ra_error *err) {
  return ra_search_run_ext(s, query, len, o, NULL, out, err);
}

/* ---- a search ------------------------------------------------------------------------ */

/* One search from its parsed query to the page shown. */
typedef struct run {
  ra_searcher *s;
  const ra_search_opts *o;
  const ra_search_ext *x;
  ra_deadline dl; /* the whole search's budget */
  const ra_rank_params *rp;
  ra_results *r;
  size_t count;   /* hits per page */
  qarena a;       /* every query node of the search */
  qb b;
  char *skip;     /* root items left out (relaxation); malloc'd */
  size_t n_pos;   /* root words that carry meaning (ra_relax_count_words) */
  ra_xquery *xq;  /* the query to run */
  int boolean;    /* xq only filters */
  int ran;        /* r holds xq's page */
  uint32_t strict, strict_check; /* matches of every word; docs examined */
} run;

static ra_status parse_query(ra_searcher *s, const char *query, size_t len,
                             ra_results *r, ra_error *err) {
  ra_status st = ra_qparse(s->an, query, len, &r->query, err);
  if (!st && r->query->n_clauses == 0)
    st = ra_error_set(err, RA_ERR_INVALID,
                      "the query has no searchable words (only punctuation, "
                      "operators or nothing)");
  if (!st && ra_qbuild_only_stop_words(r->query))
    st = ra_error_set(err, RA_ERR_INVALID,
                      "the query has only very common words (like \"the\", "
                      "\"of\"); add a more specific word, or quote a phrase");
  /* Each word* reads up to max_wildcard posting lists and every passage
   * of every hit is tested against each: a shape refused before any
   * work, not one left to the deadline. */
  size_t nw = 0;
  for (size_t i = 0; !st && i < r->query->n_clauses; i++)
    nw += r->query->clauses[i].kind == RA_QC_TEXT && r->query->clauses[i].wildcard;
  if (!st && nw > RA_MAX_WILDCARD_WORDS)
    st = ra_error_set(err, RA_ERR_TOOBIG,
                      "the query has %zu prefix words (word*); the limit is %d",
                      nw, RA_MAX_WILDCARD_WORDS);
  return st;
}

/* A tag or category nobody has: say so rather than just "no match". */
static ra_status note_unknown_tag(ra_searcher *s, ra_results *r, ra_error *err) {
  const ra_query *q = r->query;
  ra_status st = RA_OK;
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
  return st;
}

/* The builder for r->query, and how it is matched. */
static ra_status run_start(run *m, ra_error *err) {
  const ra_query *q = m->r->query;
  m->a.err = err;
  m->b = (qb){.s = m->s, .q = q, .rp = m->rp, .a = &m->a, .dl = m->dl};
  m->skip = calloc(ra_relax_root_items(q) + 1, 1);
  if (!m->skip) return ra_error_set(err, RA_ERR_NOMEM, "results");
  /* Words that carry meaning decide how the query is matched. */
  m->b.keep_stops = !ra_qbuild_has_content_word(q);
  m->n_pos = ra_relax_count_words(&m->b);
  m->b.any_word = !m->x->no_relax && m->rp->tier_max_words &&
                  m->n_pos > m->rp->tier_max_words;
  m->b.tiered = !m->x->no_relax && !m->b.any_word && m->rp->tier_weight > 0 &&
                m->n_pos >= 2;
  return RA_OK;
}

static void run_end(run *m) {
  ra_qb_free_feedback(&m->b);
  ra_qarena_free(&m->a);
  free(m->skip);
}

static ra_status build(run *m, ra_error *err) {
  m->xq = ra_qbuild_query(&m->b, m->skip, &m->boolean);
  m->r->tiered = (unsigned)m->b.n_tier_words;
  if (!m->xq && m->a.failed)
    return err && err->code ? err->code
                            : ra_error_set(err, RA_ERR_TOOBIG, "query too complex");
  return RA_OK;
}

static int wants_feedback(const run *m) {
  return !m->boolean && m->rp->prf_min_words && m->n_pos >= m->rp->prf_min_words;
}

/* The usual query (every word) runs once: its page tells whether
 * anything matched, and only an empty one is relaxed and run again.
 * A long query (any_word, or one that gets feedback) is counted first:
 * its note and its feedback come before its page. */
static ra_status first_run(run *m, ra_error *err) {
  if (m->xq && !m->b.any_word && !wants_feedback(m)) {
    ra_xquery *xq = m->xq;
    if (m->b.n_tier_words) {
      /* When the articles holding every word fill the page, the tiers
       * below it cannot reach it: the every-word query ranks it alike
       * (BM25 within the top tier) at the cost of an AND, where the
       * tiered query reads every word's articles (p95 at 50,000 articles
       * 11.4 -> 7.9 ms).  Totals and tags still count every tier. */
      ra_xquery *all = ra_relax_every_word(&m->b, m->skip, m->r);
      if (all && m->r->every_word >= m->o->offset + m->count) {
        xq = all;
        m->b.tier_all = 1;
      }
    }
    ra_status st =
        ra_hits_run_page(&m->b, m->o, m->count, m->x->explain, xq, m->r, err);
    if (!st && m->b.tier_all && m->r->n_hits < m->count) {
      /* Near-duplicates folded the top tier below a page: the tiers. */
      ra_hits_clear_page(m->r);
      m->b.tier_all = 0;
      st = ra_hits_run_page(&m->b, m->o, m->count, m->x->explain, m->xq, m->r, err);
    }
    m->ran = 1;
    m->strict = st ? 0 : m->r->estimate;
    m->strict_check = m->rp->check_at_least;
    return st;
  }
  m->strict = ra_search_count_matches(m->s, m->rp, m->xq);
  return RA_OK;
}

/* Nothing has every word (and no unknown tag explains why). */
static int needs_relaxing(const run *m) {
  return !m->b.any_word && !m->b.tiered && m->strict == 0 && !m->x->no_relax && m->n_pos >= 2 &&
         !m->r->unknown_tag;
}

static ra_status relax(run *m, ra_error *err) {
  ra_status st = ra_relax_drop_words(&m->b, m->skip, m->r, &m->xq, &m->boolean, err);
  if (!st && m->r->n_dropped) m->ran = 0; /* the relaxed query's page */
  return st;
}

/* The page shown: run now unless the first run's page stands. */
static ra_status show_page(run *m, ra_error *err) {
  ra_results *r = m->r;
  ra_status st = RA_OK;
  if (!m->ran && m->xq)
    st = ra_hits_run_page(&m->b, m->o, m->count, m->x->explain, m->xq, r, err);
  else if (!r->hits)
    r->hits = calloc(1, sizeof *r->hits);
  if (!st && r->n_hits == 0 && r->estimate > 0 && m->o->offset > 0) r->past_end = 1;
  return st;
}

static ra_status search_once(ra_searcher *s, const char *query, size_t len,
                             const ra_search_opts *o, const ra_search_ext *x,
                             ra_results **out, ra_error *err) {
  *out = NULL;
  ra_search_opts def = {0, 10, 3};
  ra_search_ext xdef = {0, 0, 0, 0, NULL};
  if (!o) o = &def;
  if (!x) x = &xdef;
  ra_rank_params rpd;
  ra_rank_params_default(&rpd);
  long ms = x->rank ? x->rank->deadline_ms : rpd.deadline_ms;
  ra_deadline dl = ra_deadline_in_ms(ms > 0 ? ms : -1);
  run m = {.s = s, .o = o, .x = x, .rp = x->rank ? x->rank : &rpd,
           .strict_check = RA_COUNT_CHECK, .dl = dl};
  m.r = ra_hits_results_new(s, o);
  if (!m.r) return ra_error_set(err, RA_ERR_NOMEM, "results");
  m.count = m.r->per_page;
  ra_status st = parse_query(s, query, len, m.r, err);
  if (!st) st = note_unknown_tag(s, m.r, err);
  if (!st && !x->no_expand) st = ra_qbuild_expand(s, m.rp, m.r, err);
  if (!st) st = run_start(&m, err);
  if (!st) st = build(&m, err);
  if (!st) st = first_run(&m, err);
  if (!st && m.b.any_word && m.strict > 0) ra_relax_note_any_word(&m.b, m.skip, m.r);
  if (!st && m.b.n_tier_words && m.strict > 0) st = ra_relax_note_tiers(&m.b, m.skip, m.r, err);
  if (!st && needs_relaxing(&m)) st = relax(&m, err);
  if (!st && !m.ran && m.xq && wants_feedback(&m)) {
    if (ra_deadline_expired(&m.dl))
      ra_search_cut(m.r, "feedback"); /* rank without it */
    else
      st = feedback(&m.b, &m.xq, err);
  }
  if (!st) st = show_page(&m, err);
  run_end(&m);
  /* "Did you mean": only when the correction finds more. */
  if (!st && !x->no_spell && ra_deadline_expired(&m.dl))
    ra_search_cut(m.r, "spelling");
  else if (!st && !x->no_spell)
    st = ra_spell_suggest(s, m.rp, m.r, m.b.n_tier_words ? m.r->every_word : m.strict,
                          m.strict_check, err);
  if (st) {
    ra_results_free(m.r);
    return st;
  }
  *out = m.r;
  return RA_OK;
}

/* Over a cluster: a connection that changed during the search (a replica
 * replaced, a shard lost) may have moved the docids it read, so it runs
 * once more on the connections as they are now; then the answer says
 * which shards it lacks. */
ra_status ra_search_run_ext(ra_searcher *s, const char *query, size_t len,
                            const ra_search_opts *o, const ra_search_ext *x,
                            ra_results **out, ra_error *err) {
  uint64_t epoch = ra_xdb_cluster_epoch(s->db);
  ra_status st = search_once(s, query, len, o, x, out, err);
  if (s->cluster_file && ra_xdb_cluster_epoch(s->db) != epoch) {
    ra_results_free(*out);
    *out = NULL;
    ra_error_clear(err);
    st = search_once(s, query, len, o, x, out, err);
  }
  if (!st) st = ra_hits_note_missing(s, *out, err);
  return st;
}
