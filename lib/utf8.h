/* utf8.h - the library's one UTF-8 decoder.
 *
 * Well-formed UTF-8 only (RFC 3629, Unicode Table 3-7): no overlong forms,
 * no surrogates (U+D800..U+DFFF), nothing above U+10FFFF; the sequences
 * ICU and jansson accept.  Static inline, in a header, because the
 * analyser decodes every non-ASCII character it indexes with it; the
 * compiler chooses where to inline it (forcing it into every loop of the
 * analyser measured slower: those loops are tuned for ASCII).
 *
 * One decoder, ra_utf8_next, and thin wrappers.  All accept exactly the
 * same sequences and give the same length and code point; they differ in
 * what they report about invalid input, which each caller turns into
 * U+FFFD its own way:
 *   ra_utf8_next  0 and the length
 *                 of the maximal invalid subpart in *bad: the article
 *                 parser skips that whole (one U+FFFD where it keeps the
 *                 text), so "\xE2\x82" is one U+FFFD, "\xE0\x80" two;
 *   ra_utf8_dec   0 only: the analyser makes each bad byte one U+FFFD
 *                 ("\xE2\x82" is two) and the sentence fast path hands
 *                 the passage to ICU; code point as ICU's UChar32 (int32_t);
 *   ra_utf8_len   the length only, and 0 for empty input too: ra_utf8_seq
 *                 (analyze.c) and the JSON writer (format.c, which also
 *                 replaces NUL) validate with it.
 * ra_utf8_next and ra_utf8_dec need n >= 1 (they read s[0] whatever n
 * is); a sequence cut short by n is invalid for all three.  None writes
 * *cp for invalid input, nor *bad for valid input. */
#ifndef RA_UTF8_H
#define RA_UTF8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length (1..4) of the well-formed UTF-8 sequence at s[0..n) (n >= 1),
 * with its code point in *cp; or 0 if invalid, then *bad is the length of
 * the maximal invalid subpart (Unicode 3.9, "U+FFFD substitution of
 * maximal subparts"), the bytes that are a valid start of a sequence:
 *   - 1 for a byte that starts none (0x80..0xC1, 0xF5..0xFF), or a lead
 *     byte followed by no continuation byte or by one that makes an
 *     overlong form (after E0, F0), a surrogate (after ED) or a code
 *     point above U+10FFFF (after F4);
 *   - 2 or 3 when the third or fourth byte is not a continuation byte;
 *   - for a valid start cut short by n: n, e.g. 2 for "\xE2\x82". */
static inline size_t ra_utf8_next(const unsigned char *s, size_t n,
                                  uint32_t *cp, size_t *bad) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c < 0xC2) {
    *bad = 1;
    return 0;
  }
  if (c < 0xE0) {
    if (n < 2 || (s[1] & 0xC0) != 0x80) {
      *bad = 1;
      return 0;
    }
    *cp = ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    return 2;
  }
  if (c < 0xF0) {
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0; /* no overlongs */
    if (c == 0xED) hi = 0x9F; /* no surrogates */
    if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) {
      *bad = (n < 2 || s[1] < lo || s[1] > hi) ? 1 : 2;
      return 0;
    }
    *cp = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    return 3;
  }
  if (c < 0xF5) {
    unsigned lo = 0x80, hi = 0xBF;
    if (c == 0xF0) lo = 0x90; /* no overlongs */
    if (c == 0xF4) hi = 0x8F; /* <= U+10FFFF */
    if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80) {
      if (n < 2 || s[1] < lo || s[1] > hi)
        *bad = 1;
      else if (n < 3 || (s[2] & 0xC0) != 0x80)
        *bad = 2;
      else
        *bad = 3;
      return 0;
    }
    *cp = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
          ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
    return 4;
  }
  *bad = 1;
  return 0;
}

/* Length (1..4) of the well-formed sequence at s[0..n) (n >= 1) and its
 * code point in *cp, or 0 if the byte at s does not start one; the
 * analyser then treats that single byte as U+FFFD. */
static inline int ra_utf8_dec(const unsigned char *s, size_t n, int32_t *cp) {
  uint32_t v;
  size_t bad;
  size_t k = ra_utf8_next(s, n, &v, &bad);
  if (k) *cp = (int32_t)v;
  return (int)k;
}

/* Length of the well-formed sequence at s[0..n), or 0 if it is invalid or
 * n is 0. */
static inline size_t ra_utf8_len(const unsigned char *s, size_t n) {
  uint32_t v;
  size_t bad;
  return n ? ra_utf8_next(s, n, &v, &bad) : 0;
}

#ifdef __cplusplus
}
#endif
#endif
