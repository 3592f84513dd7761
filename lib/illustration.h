/* illustration.h - telling illustration descriptions apart from article
 * text.  Pages carry image-generation prompts and alt text among their
 * paragraphs ("A vibrant scene ... Soft, ambient lighting ..."); the
 * parser keeps them out of the text as ra_article.illustrations.  A
 * paragraph is scored sentence by sentence on visual cue words (and on
 * words addressed to the reader, which count against it); a caption is a
 * line ending in a separator and (a prefix of) the page title. */
#ifndef RA_ILLUSTRATION_H
#define RA_ILLUSTRATION_H

#include <stddef.h>
#include <stdint.h>

#include "page.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The cue words as a small hash table, built once per parse. */
typedef struct ra_cuetab {
  uint64_t key[256];
  int w[256];
  uint32_t first;  /* bit per first letter a..z of any cue word */
  size_t maxlen;
} ra_cuetab;

void ra_illustration_cuetab_init(ra_cuetab *c);

/* Visual-cue total *pos and reader-word total *neg of the sentence
 * s[0..n), as ra_illustration_split counts them for each sentence
 * (bench/gen_corpus weighs its words with it). */
void ra_illustration_cue_score(const ra_cuetab *c, const char *s, size_t n,
                               int *pos, int *neg);

/* Where an illustration description starts in the paragraph s[0..n): 0
 * if the whole paragraph is one, n if there is none. */
size_t ra_illustration_split(const ra_cuetab *c, const char *s, size_t n);

/* Whether the line is alt text captioning an image of the page titled
 * title[0..tn). */
int ra_illustration_is_caption(const ra_pline *p, const char *title,
                               size_t tn);

#ifdef __cplusplus
}
#endif
#endif
