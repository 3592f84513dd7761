/* qparse.h - the reader's query language, parsed into a tree of clauses.
 *
 * Syntax (docs/query-language.md):
 *   words            all must match (analysed exactly as at index time)
 *   "exact phrase"   words in this order, adjacent
 *   -word, NOT word  exclusion (also -"phrase", NOT (a OR b))
 *   a OR b           either; binds tighter than the implicit AND
 *   a AND b          both (the same as a b)
 *   ( ... )          grouping
 *   word*            prefix (expansion capped by the searcher)
 *   title:word  title:"phrase"   only in the title
 *   tag:word    tag:"multi word" whole tag, case and accents ignored
 *   category:word  category:"..."  whole category
 * Syntax a reader gets wrong (unbalanced quote or parenthesis, a lone
 * operator, a bare "*", a field scope with nothing after it) is never an
 * error: the whole query is read again as plain words, query->fallback is
 * set and query->notes says why. */
#ifndef RA_QPARSE_H
#define RA_QPARSE_H

#include <stddef.h>

#include "analyze.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_QUERY_MAX_BYTES 4096 /* longer queries: RA_ERR_TOOBIG */
#define RA_QUERY_MAX_TERMS 64   /* words kept; the rest dropped with a note */
#define RA_QUERY_MAX_DEPTH 16   /* parenthesis nesting; deeper: fallback */

typedef enum {
  RA_QC_TEXT,     /* words; a phrase when n_words > 1 and phrase is set */
  RA_QC_TAG,      /* whole-tag filter (value = folded tag) */
  RA_QC_CATEGORY  /* whole-category filter */
} ra_qclause_kind;

typedef struct ra_qword {
  char *word; /* folded */
  char *stem;
} ra_qword;

/* One expansion of a clause (synonym or acronym), filled in by the
 * searcher (search.c), not by the parser: text is the folded expansion as
 * stored in the index, words its analysis (a phrase when n_words > 1). */
typedef struct ra_qexp {
  char *text;
  ra_qword *words;
  size_t n_words;
} ra_qexp;

typedef struct ra_qclause {
  ra_qclause_kind kind;
  int negated;    /* under a NOT / '-': never highlighted */
  int phrase;     /* words must be adjacent, in order */
  int title_only; /* title: scope */
  ra_qword *words;
  size_t n_words;
  char *value;    /* for TAG/CATEGORY: folded whole value */
  int wildcard;   /* the last word is a prefix (word*) */
  char *raw;      /* the clause as the reader typed it (for messages) */
  size_t raw_start, raw_end; /* its byte range in the query string */
  ra_qexp *exps;  /* synonyms/acronyms (searcher); owned by the clause */
  size_t n_exps;
  int dropped;    /* set by the searcher when relaxation dropped it */
  size_t exp_span; /* > 1: exps stand for this word and the next
                      exp_span - 1 words of the query ("electronic health
                      record" -> ehr); set by the searcher */
} ra_qclause;

typedef enum {
  RA_QN_CLAUSE, /* leaf: clauses[clause] */
  RA_QN_AND,    /* every kid; RA_QN_NOT kids exclude */
  RA_QN_OR,     /* any kid */
  RA_QN_NOT     /* one kid, excluded (only directly under an AND) */
} ra_qnode_kind;

typedef struct ra_qnode {
  ra_qnode_kind kind;
  size_t clause;         /* RA_QN_CLAUSE */
  struct ra_qnode *kids; /* owned */
  size_t n_kids;
} ra_qnode;

typedef struct ra_query {
  ra_qclause *clauses;  /* every leaf, in query order */
  size_t n_clauses;
  char notes[256];      /* what was ignored or repaired, for the reader */
  ra_qnode *root;       /* NULL when there are no clauses */
  int fallback;         /* syntax not understood: read as plain words */
} ra_query;

/* Parse len bytes of q (need not be NUL-terminated; invalid UTF-8 is
 * tolerated).  An empty query gives an empty ra_query (no clauses).
 * ra_query objects must come from here (never calloc'd by hand): they
 * carry private state used by ra_query_text and ra_query_free.
 * RA_ERR_TOOBIG above RA_QUERY_MAX_BYTES.  *out: ra_query_free. */
ra_status ra_qparse(ra_analyzer *an, const char *q, size_t len,
                    ra_query **out, ra_error *err);
void ra_query_free(ra_query *q);

/* value as a quoted field value ("...", its quotes and backslashes
 * escaped as \" and \\), for writing a tag: or category: clause;
 * malloc'd, NULL when out of memory. */
char *ra_qparse_quote_value(const char *value);

/* A tag or category as tag: and category: compare it: folded (case,
 * accents) with single spaces between words, into out (NUL-terminated;
 * *out_len without the NUL).  RA_ERR_TOOBIG when it cannot be folded. */
ra_status ra_qparse_fold_value(ra_analyzer *an, const char *value, size_t len,
                               char out[256], size_t *out_len);

/* Attach an expansion (folded text) to clause ci; analysed with an.
 * Used by the searcher for synonyms and acronyms. */
ra_status ra_query_add_expansion(ra_analyzer *an, ra_query *q, size_t ci,
                                 const char *text, size_t len, ra_error *err);

/* The query text as parsed: the reader's bytes with invalid UTF-8
 * replaced by U+FFFD (raw_start/raw_end index into it).  Borrowed. */
const char *ra_query_text(const ra_query *q, size_t *len);

/* Append a note ("; "-separated, duplicates ignored, truncated to fit). */
void ra_query_note(ra_query *q, const char *msg);

#ifdef __cplusplus
}
#endif
#endif
