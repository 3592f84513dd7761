/* model.h - the corpus model: which lines of the site's pages are chrome or
 * footer, which breadcrumb lines are categories, and the tag vocabulary.
 * It is learned from the pages themselves (plus corpus/tags.txt), saved in
 * the index and loaded back, and the parser (article.h) reads it.  The
 * second part of this header is for the parser and the tag splitter only.
 * See docs/article-format.md. */
#ifndef RA_MODEL_H
#define RA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Corpus model: boilerplate lines and tag vocabulary ---------------- */

typedef struct ra_model ra_model;

ra_status ra_model_new(ra_model **out, ra_error *err);
void ra_model_free(ra_model *m); /* NULL is a no-op */

/* Add known tags from a tags.txt file: one tag per line, '#' comments and
 * blank lines ignored.  RA_ERR_NOTFOUND if the file does not exist (callers
 * usually ignore that), RA_ERR_IO if it cannot be read. */
ra_status ra_model_load_tags(ra_model *m, const char *path, ra_error *err);

/* Learn from one page's cleaned text (see ra_article_read_file).  Call for
 * every page (or a large sample), then ra_model_finish once. */
ra_status ra_model_learn(ra_model *m, const char *text, size_t len,
                         ra_error *err);
ra_status ra_model_finish(ra_model *m, ra_error *err);

/* Serialise a finished model (malloc'd, caller frees) so an index can keep
 * it, and load it back into a fresh model (already finished after load). */
ra_status ra_model_save(const ra_model *m, char **out, size_t *out_len,
                        ra_error *err);
ra_status ra_model_load(ra_model *m, const char *data, size_t len,
                        ra_error *err);

/* Number of pages learned, and whether a normalised line is boilerplate. */
size_t ra_model_pages(const ra_model *m);
int ra_model_is_boilerplate(const ra_model *m, const char *line, size_t len);

/* Split a run-together tag line into tags.  *tags is a malloc'd array of
 * malloc'd strings; free with ra_strv_free. */
ra_status ra_model_split_tags(const ra_model *m, const char *line,
                              size_t len, char ***tags, size_t *n_tags,
                              ra_error *err);

/* ---- For the parser and the tag splitter ------------------------------- */

enum { RA_BP_NONE = 0, RA_BP_CHROME = 1, RA_BP_FOOTER = 2 };

/* Entries of the built-in boilerplate table (model.c checks the count). */
#define RA_MODEL_N_DEFAULT_BP 8

/* The boilerplate lines a parse uses: the model's learned set, or the
 * built-in defaults when the model learned too few pages (or is NULL). */
typedef struct ra_bpview {
  const ra_model *m; /* NULL: defaults */
  uint64_t dh[RA_MODEL_N_DEFAULT_BP];
  char dkey[RA_MODEL_N_DEFAULT_BP][64];
  size_t dlen[RA_MODEL_N_DEFAULT_BP];
} ra_bpview;

struct ra_pline;

/* Fills v from m; no allocation, nothing to free. */
void ra_bpview_init(ra_bpview *v, const ra_model *m);
/* RA_BP_* kind of the line with loose-key hash h. */
int ra_bpview_kind(const ra_bpview *v, uint64_t h);
/* Whether the line is chrome lines run together plus a word or two. */
int ra_bpview_chrome_contains(const ra_bpview *v, const struct ra_pline *p);

/* Whether loose-key hash h is a learned category line. */
int ra_model_in_catset(const ra_model *m, uint64_t h);

/* Vocabulary cost of the tag with phrase hash h (RA_COST_* of tagsplit.h),
 * RA_COST_INF when unknown or m is NULL. */
int ra_model_voc_cost(const ra_model *m, uint64_t h);

#ifdef __cplusplus
}
#endif
#endif
