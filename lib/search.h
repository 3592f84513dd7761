/* search.h - answering a reader's query from an index: parse, expand
 * (synonyms, acronyms), build the Xapian query, rank, relax visibly when
 * nothing has every word, suggest spellings, count tags (facets), and
 * attach each hit's stored article, snippet and highlights.
 *
 * Ranking (docs/evaluation.md): a query of 2 to tier_max_words words
 * matches any of them, ranked in tiers (every word first, then one fewer,
 * BM25 within a tier); longer queries match any word, ranked by BM25 with
 * pseudo-relevance feedback; proximity re-ranks the best matches.
 *
 * Also: tag listing (ra_search_tags), search-as-you-type completion
 * (ra_search_complete) and related articles (ra_search_related).
 * Every ranking parameter is in ra_rank_params (one place; see
 * ra_rank_params_default in search.c for the values and why). */
#ifndef RA_SEARCH_H
#define RA_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "article.h"
#include "qparse.h"
#include "snippet.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_searcher ra_searcher;

/* Open the index directory (see idxdir.h), or a cluster file (cluster.h,
 * docs/scale.md): shards read together as one index.  RA_ERR_NOINDEX when
 * there is no index there yet, with a message saying how to build one;
 * over a cluster RA_ERR_UNREACHABLE when no shard answers, RA_ERR_INVALID
 * when the shards do not make one index, RA_ERR_DAMAGED when a shard's
 * format is too old for a cluster. */
ra_status ra_searcher_open(const char *db_dir, ra_searcher **out,
                           ra_error *err);
void ra_searcher_free(ra_searcher *s);

/* For a long-lived reader: load what every search would otherwise read
 * from the index again (the per-article tag lists behind facet counts),
 * once, in one sequential pass.  Costs milliseconds per thousand
 * articles at open and about 30 bytes per article; results are the same
 * either way.  A one-shot process (ra-query, CGI) should not bother. */
ra_status ra_searcher_preload(ra_searcher *s, ra_error *err);
size_t ra_searcher_preload_bytes(const ra_searcher *s); /* 0 if not loaded */
uint32_t ra_searcher_doccount(const ra_searcher *s);

/* A cluster, at most once per min_interval_ms: new connections read each
 * shard's revision, and a shard that published since, came back or went
 * away is switched over (its lexicon too).  *changed = 1 when anything
 * was: answers cached before are stale.  Does nothing for a directory. */
ra_status ra_searcher_refresh(ra_searcher *s, unsigned min_interval_ms, int *changed,
                              ra_error *err);
int ra_searcher_is_cluster(const ra_searcher *s);
/* The shards of a cluster no replica answers (ascending K, at most max
 * into out); returns how many. */
size_t ra_searcher_missing(const ra_searcher *s, unsigned *out, size_t max);

/* ---- ranking parameters (the one place to tune them) ---------------------- */

typedef struct ra_rank_params {
  double bm25_k1, bm25_b, bm25_min_normlen; /* Xapian BM25Weight */
  double exact_weight;   /* the exact typed form, on top of its stem */
  double title_weight;   /* the word in the title (S terms), on top */
  double phrase_weight;  /* adjacent query words adjacent in the text */
  double near_weight;    /* all query words within near_window per word */
  unsigned near_window;
  double expansion_weight; /* a synonym/acronym relative to the word */
  unsigned max_expansions; /* synonyms per clause */
  unsigned max_wildcard;   /* terms a word* expands to (most frequent) */
  double time_limit;       /* seconds per match run; 0 = none */
  long deadline_ms;        /* a whole search's time budget in ms
                              (docs/query-language.md), from its start;
                              <= 0 none.  Past it, the stages not done are
                              skipped or stopped and ra_results.cut_short
                              says which */
  uint32_t check_at_least; /* documents examined for totals and facets */
  int collapse;            /* collapse near-duplicates (value slot) */
  unsigned spell_max_edit; /* spelling: edit distance */
  uint32_t spell_rare_docs; /* spelling: a word in <= this many docs is rare */
  unsigned related_terms;  /* related: expansion terms from the article */
  double related_tag_weight, related_category_weight;
  unsigned tier_max_words; /* 2..this many words: ranked in tiers by how
                              many of them an article has; more: by BM25
                              alone (any word) */
  double tier_weight;      /* a matched word's tier bonus, far above any
                              BM25 score; 0: no tiers, every word of a
                              short query required (dropped visibly, rarest
                              first, when nothing has them all) */
  int stop_words;          /* leave very common words out of ranking */
  unsigned near_max_words; /* proximity boost only for 2..this many words */
  unsigned prf_min_words;  /* pseudo-relevance feedback from this many
                              words on (0: never) */
  unsigned prf_docs, prf_terms; /* feedback: top documents, terms added */
  double prf_weight;       /* feedback terms relative to typed words */
} ra_rank_params;

/* A tier's weight: far above any BM25 score a short query reaches (a
 * word's part is at most idf * (k1 + 1) times its boosts), so an article
 * holding more query words always ranks first. */
#define RA_TIER_WEIGHT 10000.0

void ra_rank_params_default(ra_rank_params *p);
/* Sets one parameter from "NAME=VALUE" (the names are the fields above,
 * e.g. "bm25_k1=1.2"; ra-query --rank, bench/eval/run --variant): for
 * trying a ranking change without a rebuild.  RA_ERR_USAGE naming the
 * parameter when the name is unknown or the value not a number in range. */
ra_status ra_rank_params_set(ra_rank_params *p, const char *assignment,
                             ra_error *err);
/* The names ra_rank_params_set takes, one per line, for --help. */
void ra_rank_params_list(FILE *f);

/* ---- a search -------------------------------------------------------------- */

typedef struct ra_search_opts {
  size_t offset;   /* first hit, 0-based */
  size_t count;    /* hits per page (default 10, max 100) */
  size_t max_frags;
} ra_search_opts;

/* More options, apart so {offset, count, frags} initialisers of
 * ra_search_opts stay warning-free.  All zero / NULL = defaults. */
typedef struct ra_search_ext {
  int explain;     /* fill ra_hit.explain */
  int no_expand;   /* no synonyms/acronyms */
  int no_relax;    /* never drop words */
  int no_spell;    /* no "did you mean" */
  const ra_rank_params *rank; /* NULL: ra_rank_params_default */
} ra_search_ext;

/* Where query words were found in a hit (RA_FIELD_* bits). */
enum {
  RA_FIELD_TITLE = 1,
  RA_FIELD_TAG = 2,
  RA_FIELD_CATEGORY = 4,
  RA_FIELD_HEADING = 8,
  RA_FIELD_BODY = 16,
  RA_FIELD_FAQ = 32,
  RA_FIELD_ILLUSTRATION = 64
};

/* One matched term of a hit, for --explain: BM25 part computed with the
 * ranking parameters from the term's statistics (an approximation of what
 * the matcher adds: boosts are listed as their own terms). */
typedef struct ra_explain_term {
  char *term;        /* index term, prefix included (Z stem, S title, ...) */
  const char *role;  /* "stem", "exact form", "title", "feedback", ... (static) */
  uint32_t wdf, termfreq;
  double idf, score;
} ra_explain_term;

typedef struct ra_explain {
  unsigned fields;   /* RA_FIELD_* where query words occur */
  uint32_t doclen;
  double avlen;
  /* The score's parts besides the terms: a tiered answer's tier (words
   * held of tier_of, each worth tier_weight, taken off the score shown),
   * and the proximity boost the re-rank added (words close together,
   * adjacent pairs), 0 when none. */
  unsigned tier_words, tier_of;
  double tier_weight;
  double proximity;
  ra_explain_term *terms;
  size_t n_terms;
} ra_explain;

typedef struct ra_tag_hls { /* highlights in one tag of a hit */
  ra_hl *hls;
  size_t n;
  /* The tag: clause of the query this tag is (its folded value, borrowed
   * from the results' query), NULL when none: the tag is a filter. */
  const char *filter;
} ra_tag_hls;

typedef struct ra_hit {
  size_t rank;          /* 1-based */
  double score;
  int percent;
  ra_article *article;  /* owned by the results */
  ra_snippet *snippet;  /* owned by the results */
  ra_hl *title_hls;
  size_t n_title_hls;
  /* May be NULL/0 (results built elsewhere). */
  uint32_t similar;     /* near-duplicates collapsed into this hit */
  unsigned words;       /* in a tiered answer: query words it holds (its
                           tier; score is then the BM25 score within it) */
  ra_tag_hls *tag_hls;  /* one per article tag, or NULL */
  ra_explain *explain;  /* with ra_search_ext.explain, else NULL */
} ra_hit;

typedef struct ra_facet {
  char *tag;       /* display form (as an article spells it) */
  char *folded;    /* as indexed: use with tag: */
  uint32_t count;  /* hits carrying the tag */
} ra_facet;

typedef struct ra_expansion {
  char *from;      /* what the reader typed */
  char *to;        /* what was added (folded) */
} ra_expansion;

typedef struct ra_results {
  ra_query *query;      /* the parsed query */
  ra_hit *hits;
  size_t n_hits;
  uint32_t estimate;    /* total matches, estimated */
  uint32_t revision;    /* index revision that answered */
  char generation[64];
  char relaxed[256];    /* how the query was loosened, "" if it was not */
  /* NULL/0 when absent. */
  char **dropped;       /* words dropped by relaxation, in order dropped;
                           in tiers: the words no article has */
  size_t n_dropped;
  /* A query ranked in tiers (ra_rank_params.tier_max_words): tiered is
   * the number of words ranked (>= 2, else 0) and every_word how many
   * articles hold all of them (estimate - every_word hold only some);
   * each hit's words says how many it holds. */
  unsigned tiered;
  uint32_t every_word;
  ra_expansion *expansions;
  size_t n_expansions;
  char *suggestion;     /* "did you mean" query, or NULL */
  uint32_t suggestion_hits;
  ra_facet *facets;     /* tag counts over the matches, count desc */
  size_t n_facets;
  uint32_t facet_docs;  /* documents the facet counts are over */
  size_t offset, per_page; /* the page asked for */
  int past_end;         /* the page is beyond the last hit */
  char *unknown_tag;    /* a tag: value no article has, or NULL */
  char *related_to;     /* ra_search_related: the article id, else NULL */
  /* NULL: the answer is whole.  Else the first stage that ran out of time
   * or hit a work cap, and gave what it had: "feedback", "rerank",
   * "snippets" (also: a passage beyond RA_SNIPPET_MAX_SCREEN bytes of an
   * article was not looked at), "spelling".  Static. */
  const char *cut_short;
  /* Over a cluster: shards none of whose replicas answered (their K,
   * ascending); the hits, totals and facets lack their articles.  NULL/0
   * for a whole answer. */
  unsigned *missing_shards;
  size_t n_missing;
} ra_results;

ra_status ra_search_run(ra_searcher *s, const char *query, size_t len,
                        const ra_search_opts *o, ra_results **out,
                        ra_error *err);
/* The same with more options; x may be NULL. */
ra_status ra_search_run_ext(ra_searcher *s, const char *query, size_t len,
                            const ra_search_opts *o, const ra_search_ext *x,
                            ra_results **out, ra_error *err);
void ra_results_free(ra_results *r);

/* For a tiered answer with articles holding every word: "12 articles
 * contain every word; 31 more contain some" into buf (size >= 128);
 * else "" (no tiers, or none has every word: r->relaxed says so). */
void ra_results_tier_note(const ra_results *r, char *buf, size_t size);

/* Articles related to the one with id (term feedback from its text, plus
 * shared tags and category); the article itself is not listed.
 * RA_ERR_NOTFOUND (message names the id) if there is no such article. */
ra_status ra_search_related(ra_searcher *s, const char *id,
                            const ra_search_opts *o, const ra_search_ext *x,
                            ra_results **out, ra_error *err);

/* Every tag with its article count, most articles first then by name. */
typedef struct ra_tag_count {
  char *tag;     /* display form */
  char *folded;  /* as indexed */
  uint32_t count;
} ra_tag_count;
ra_status ra_search_tags(ra_searcher *s, ra_tag_count **tags, size_t *n,
                         ra_error *err);
void ra_tag_counts_free(ra_tag_count *tags, size_t n);

/* Completions of the last word of query (search-as-you-type): up to max
 * (default 10, at most 50) full queries, most frequent word first.  An
 * empty or separator-ended query has no completions. */
typedef struct ra_completion {
  char *query;   /* the query with its last word completed */
  char *word;    /* the completed word (folded) */
  uint32_t docs; /* articles containing the word */
  uint64_t uses; /* occurrences in the whole index (breaks ties in docs) */
} ra_completion;
ra_status ra_search_complete(ra_searcher *s, const char *query, size_t len,
                             size_t max, ra_completion **out, size_t *n,
                             ra_error *err);
void ra_completions_free(ra_completion *c, size_t n);

/* The index revision and generation the searcher reads. */
uint32_t ra_searcher_revision(const ra_searcher *s);
const char *ra_searcher_generation(const ra_searcher *s);
/* The analyser the searcher folds and stems with (borrowed; one thread
 * at a time, as the searcher). */
ra_analyzer *ra_searcher_analyzer(ra_searcher *s);

#ifdef __cplusplus
}
#endif
#endif
