/* sentence.h - sentence starts without ICU's sentence iterator.
 *
 * UAX #29's sentence rules applied by rasearch, with each character's
 * Sentence_Break property from ICU, then the abbreviation filter of ICU's
 * "en@ss=standard" iterator (CLDR's English list, walked as ICU 72 walks
 * its tries).  ra_analyze_sentences (analyze.c) asks this first and falls
 * back on ICU's iterator for every passage it declines; with an ICU other
 * than 72 it declines them all. */
#ifndef RA_SENTENCE_H
#define RA_SENTENCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The fast path's state, one per analyzer (not thread-safe either).
 * Zero it to start; ra_sentence_free releases what it holds. */
typedef struct ra_sentence {
  unsigned char sb_ascii[128]; /* ra_sentence_starts: Sentence_Break of
                                  each ASCII character (filled with sbf) */
  uint8_t *sb;                 /* per code point of a passage, and */
  uint32_t *sb_off;            /* its byte offset */
  size_t sb_cap;
  struct sb_filter *sbf;       /* ICU's abbreviation filter, rebuilt */
} ra_sentence;

/* Sentence starts of t[0..len) (len at most 2^32 - 1) as ICU's filtered
 * iterator finds them: returns 1 with *out (malloc'd, the caller frees it)
 * holding *n_out ascending byte offsets, 0 first; or returns 0 (nothing
 * allocated) when this passage must go to ICU. */
int ra_sentence_starts(ra_sentence *a, const unsigned char *t, size_t len,
                       size_t **out, size_t *n_out);

/* Free what a holds (not a itself). */
void ra_sentence_free(ra_sentence *a);

#ifdef __cplusplus
}
#endif
#endif
