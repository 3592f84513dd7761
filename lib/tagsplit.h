/* tagsplit.h - the run-together tag line: recognising it, and splitting it
 * into tags ("Medical Conferences Networking in Medicine Residency" ->
 * three tags) by a cheapest segmentation whose costs come from the
 * model's vocabulary (known and learned tags) and from evidence on the
 * page itself (tag-line phrases that recur in the article body).  Tag
 * phrases hash the same way everywhere, so vocabulary, learned tags and
 * body phrases compare by hash. */
#ifndef RA_TAGSPLIT_H
#define RA_TAGSPLIT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "hix.h"
#include "model.h"
#include "page.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_VOCAB_MAX_WORDS 8   /* longest vocabulary / evidence lookup */
#define RA_TAGLINE_MAX_WORDS 40

/* Tag segmentation costs (lower is better).  Known tags beat everything,
 * tags learned from other pages beat page-local evidence, and a lone
 * unknown word is the default. */
#define RA_COST_KNOWN 10
#define RA_COST_LEARNED 30
#define RA_COST_LEARNED_SINGLE 90
#define RA_COST_NGRAM 65
#define RA_COST_EVIDENCE 70 /* minus 10 per extra occurrence, down to 40 */
#define RA_COST_SINGLE 100
#define RA_COST_CHAIN 100
#define RA_COST_INF (INT_MAX / 4)

/* Whether s[0..n) is a connector word ("in", "of", "&", ...); *article is
 * set for "a", "an" and "the". */
int ra_tagsplit_is_connector_word(const char *s, size_t n, int *article);

/* Whether the normalised line s[0..n) looks like a run-together tag line. */
int ra_tagsplit_tag_like(const char *s, size_t n);

/* Hash of a tag phrase (0 if it has no words); *nwords, when non-NULL,
 * gets its word count. */
uint64_t ra_tagsplit_phrase_hash(const char *s, size_t n, size_t *nwords);

/* Phrases of the page body (sub-word hashes of up to EVID_MAX_SUB words)
 * made only of words that occur in the tag line: a tag like "Medical
 * Conferences" usually also appears as a phrase in its article. */
typedef struct ra_evid {
  ra_hix words; /* tag-line sub-words */
  ra_hix phr;   /* phrase hash -> occurrences */
  unsigned char first[256]; /* lowercased first bytes of those sub-words */
} ra_evid;

/* Builds tag-line evidence from lines [from, to) of pg plus the title
 * (may be NULL).  Free with ra_tagsplit_evid_free, also after a failure
 * (-1, out of memory). */
int ra_tagsplit_evid_build(ra_evid *e, const ra_pline *tagline,
                           const ra_page *pg, size_t from, size_t to,
                           const ra_pline *title);
void ra_tagsplit_evid_free(ra_evid *e);

/* Splits the normalised tag line s[0..n) with the model's vocabulary
 * (m may be NULL) and the evidence (ev may be NULL).  *tags: malloc'd
 * array of malloc'd display strings (ra_strv_free); when non-NULL,
 * *hashes and *wcounts get malloc'd arrays (caller frees) of each tag's
 * phrase hash and word count.  -1 on allocation failure. */
int ra_tagsplit_split(const ra_model *m, const ra_evid *ev, const char *s,
                      size_t n, char ***tags, size_t *ntags,
                      uint64_t **hashes, size_t **wcounts);

#ifdef __cplusplus
}
#endif
#endif
