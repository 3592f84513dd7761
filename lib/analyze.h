/* analyze.h - the text analysis pipeline shared by the indexer, the query
 * parser and the snippet builder.
 *
 * UTF-8 text -> ICU word boundaries (UAX #29) -> NFKC + case folding +
 * accent folding -> possessive stripping -> Snowball English stem.
 * Each emitted token carries its position and the byte range of the exact
 * source bytes, so snippets can highlight what the reader typed against
 * what the article says (FTS5's tokenizer-callback design). */
#ifndef RA_ANALYZE_H
#define RA_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_analyzer ra_analyzer;

/* Token flags.
 * RA_TOK_NUMERIC: the folded word is digits with number punctuation
 *   ("2024", "3.5", "1,000"); its stem is the word itself.
 * RA_TOK_URL / RA_TOK_EMAIL: the whole span, lowercased (NFKC_Casefold,
 *   accents kept, trailing sentence punctuation excluded); stem = word.  It
 *   is followed by its alphanumeric parts ("www", "example", "org"), the
 *   first of which carries RA_TOK_COLOCATED and shares its position.
 * RA_TOK_JOINED: the word is followed by a hyphen (U+002D, U+2010, U+2011,
 *   U+FE63, U+FF0D) and another word: "peer-support" -> peer[J] support.
 *   En/em dashes split words without this flag ("3–5", "luxury—it"). */
enum {
  RA_TOK_NUMERIC = 1u << 0,   /* all digits / a number like 3.5 */
  RA_TOK_URL = 1u << 1,       /* whole URL, emitted colocated with its parts */
  RA_TOK_EMAIL = 1u << 2,     /* whole e-mail address, likewise */
  RA_TOK_COLOCATED = 1u << 3, /* same position as the previous token */
  RA_TOK_JOINED = 1u << 4     /* first part of a hyphen/dash-joined run */
};

typedef struct ra_token {
  const char *word; /* folded form, NUL-terminated, valid during callback */
  size_t word_len;
  const char *stem; /* Snowball English stem of word, NUL-terminated */
  size_t stem_len;
  uint32_t pos;     /* term position: pos_base + ordinal */
  size_t start;     /* byte offset of the source bytes [start, end) */
  size_t end;
  unsigned flags;   /* RA_TOK_* */
} ra_token;

/* Called once per token, in order.  Return non-zero to stop analysis; that
 * value is not an error (ra_analyze still returns RA_OK). */
typedef int (*ra_token_cb)(void *ctx, const ra_token *tok);

/* Create / free an analyzer.  An analyzer is not thread-safe: use one per
 * thread.  ra_analyzer_free(NULL) is a no-op. */
ra_status ra_analyzer_new(ra_analyzer **out, ra_error *err);
void ra_analyzer_free(ra_analyzer *a);

/* Segment ASCII text with ICU too, not with the equivalent fast path
 * (for the tests that prove them equal, and for benchmarks). */
void ra_analyzer_set_icu_only(ra_analyzer *a, int on);

/* For tests: 1 if ra_analyze_sentences finds text's sentence starts
 * without ICU's iterator (its rules applied by rasearch), 0 if it asks
 * ICU. */
int ra_analyze_sentences_fast(ra_analyzer *a, const char *text, size_t len);

/* Stem only the words that are not plain lower-case ASCII or that start
 * with one of keys[0..n) (lens[i] bytes each); any other word's stem is
 * reported as the word itself.  For a caller that only compares token
 * stems with some known stems, each key being such a stem less its last
 * letter (plus "dy", "ly", "ty" for die, lie, tie): Snowball's English
 * stems start like their words less the last letter, so no stem it wants
 * is missed and no word posing as its stem equals one.  The analyzer
 * keeps the pointers until reset with n 0 (or keys NULL): stem all. */
void ra_analyzer_set_stem_keys(ra_analyzer *a, const char *const *keys,
                               const size_t *lens, size_t n);

/* Analyze len bytes of UTF-8 text.  Invalid UTF-8 never fails: each bad
 * byte is treated as U+FFFD (a word separator) and offsets stay exact.
 * Positions start at pos_base; *next_pos (may be NULL) receives the
 * position after the last token, for chaining fields.  Positions saturate
 * at UINT32_MAX instead of wrapping.  Words are capped at 245 bytes (on a
 * UTF-8 boundary) and only words of at most 64 bytes are stemmed.
 * The callback may call ra_analyze_fold/_stem/_sentences on the same
 * analyzer, but calling ra_analyze itself returns RA_ERR_USAGE. */
ra_status ra_analyze(ra_analyzer *a, const char *text, size_t len,
                     uint32_t pos_base, ra_token_cb cb, void *ctx,
                     uint32_t *next_pos, ra_error *err);

/* Fold one word exactly as ra_analyze would (NFKC, case, accents,
 * apostrophes, possessive).  No segmentation is done: pass one word as
 * ra_analyze would emit it (the result is capped at 245 bytes too).  Writes a NUL-terminated string to out (at most
 * out_size bytes); returns RA_ERR_TOOBIG if it does not fit. */
ra_status ra_analyze_fold(ra_analyzer *a, const char *word, size_t len,
                          char *out, size_t out_size, size_t *out_len,
                          ra_error *err);

/* Stem an already folded word.  Same buffer contract as ra_analyze_fold. */
ra_status ra_analyze_stem(ra_analyzer *a, const char *folded, size_t len,
                          char *out, size_t out_size, size_t *out_len,
                          ra_error *err);

/* Sentence starts (ICU sentence break iterator) as byte offsets into text,
 * ascending, first is 0 (also for empty text, so *n_starts >= 1).
 * *starts is malloc'd; the caller frees it. */
ra_status ra_analyze_sentences(ra_analyzer *a, const char *text, size_t len,
                               size_t **starts, size_t *n_starts,
                               ra_error *err);

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included).
 * The one validator shared by the query parser and the endpoint. */
size_t ra_utf8_seq(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
