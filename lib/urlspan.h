/* urlspan.h - URL and e-mail address spans in UTF-8 text.
 *
 * The analyser (analyze.c) takes these spans out of the text before word
 * segmentation: UAX #29 would cut "http://www.example.org/a-b" or
 * "name@example.org" into unrelated words, so each span is emitted whole
 * (RA_TOK_URL / RA_TOK_EMAIL) followed by its parts.  Separate from the
 * analyser because it is a self-contained byte scanner with its own rules
 * (schemes, host labels, trailing punctuation, local parts). */
#ifndef RA_URLSPAN_H
#define RA_URLSPAN_H

#include <stddef.h>

#include <unicode/uchar.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_urlspan {
  size_t start, end; /* absolute byte offsets */
  unsigned flags;    /* RA_TOK_URL or RA_TOK_EMAIL */
} ra_urlspan;

/* The spans of one chunk, in text order, non-overlapping.  v is grown by
 * ra_urlspan_find and reused across calls; the owner frees it with
 * ra_urlspan_list_free.  Zero-initialised is an empty list. */
typedef struct ra_urlspan_list {
  ra_urlspan *v;
  size_t n, cap;
} ra_urlspan_list;

/* Non-ASCII text in a URL: letters, marks and digits (IRIs) only, so that
 * a closing ” or an em dash ends it.  Also what the analyser takes as the
 * characters of a span's parts.  Inline: it is asked of every non-ASCII
 * character in a URL. */
static inline int ra_urlspan_unicode(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

/* Replace l's spans with those of bytes [c0, c1) of t (offsets stay
 * absolute: t is the whole input, bytes before c0 are never read).
 * RA_ERR_NOMEM if the list cannot grow. */
ra_status ra_urlspan_find(ra_urlspan_list *l, const unsigned char *t,
                          size_t c0, size_t c1, ra_error *err);

/* Free l's storage and empty it; l itself is the caller's.  NULL: no-op. */
void ra_urlspan_list_free(ra_urlspan_list *l);

#ifdef __cplusplus
}
#endif
#endif
