/* analyze.c - the single text analysis path of rasearch (see analyze.h).
 *
 * The indexer, the query parser and the snippet highlighter all call this
 * module, so whatever it decides (where a word starts, how it is folded,
 * which position it gets) is the product's definition of a "term".  The
 * design goals, in order: identical output for identical input, exact byte
 * offsets into the caller's text, linear time on any input, and speed.
 *
 * Pipeline per chunk of input:
 *   UTF-8 -> UTF-16 with a unit->byte map (invalid bytes become U+FFFD)
 *   -> URL / e-mail spans found by a byte scanner (urlspan.c)
 *   -> ICU UAX #29 word segments in the text between those spans
 *   -> fold (ASCII fast path, else NFKC_Casefold + NFD + mark strip + NFC)
 *   -> apostrophe / possessive handling -> Snowball English stem (cached).
 */
#include "analyze.h"

#include "hash.h"
#include "sentence.h"
#include "urlspan.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* Xapian refuses terms longer than 245 bytes; prefixes are the indexer's
 * business, so cap the bare word here and let it add at most a few bytes. */
#define TERM_MAX 245
/* Longer words are rarely real English words; stemming them buys nothing. */
#define STEM_MAX_IN 64
/* Fold at most this many UTF-16 units of a word: bounds the work on
 * pathological "words" (a megabyte of letters) and still leaves more than
 * TERM_MAX bytes of output, so the cap above is what the user sees. */
#define FOLD_MAX_UNITS 1024
/* Large inputs are processed in chunks so buffers stay bounded and the
 * int32_t lengths of ICU can never overflow.  Chunks end after a newline
 * when possible: UAX #29 (WB3a) and the sentence rules (SB4) always break
 * there, so chunking is invisible to the result. */
#define CHUNK_BYTES ((size_t)1 << 20)
#define CHUNK_SLACK ((size_t)64 << 10)
/* Direct-mapped stem cache: English vocabulary is Zipfian, so a few
 * thousand slots catch most lookups and make Snowball nearly free.  It
 * starts small and doubles after as many misses as it has slots: a
 * one-request CGI process would otherwise take a page fault for nearly
 * every miss in a half-megabyte table it never fills. */
#define CACHE_SLOTS_MIN 256
#define CACHE_SLOTS_MAX 8192
#define CACHE_KEY 30

typedef struct stem_slot {
  unsigned char klen, slen;
  char key[CACHE_KEY];
  char stem[CACHE_KEY];
} stem_slot;

struct ra_analyzer {
  UBreakIterator *wbrk; /* UAX #29 words */
  UBreakIterator *sbrk; /* sentences */
  const UNormalizer2 *nfkc_cf, *nfd, *nfc; /* normalizers(): on first use */
  struct sb_stemmer *stemmer;

  /* ra_analyze's UTF-16 text and unit -> byte (chunk-relative) map. */
  UChar *u16;
  uint32_t *map;
  size_t u16_cap;
  /* A second conversion buffer for ra_analyze_fold / _sentences, so a token
   * callback may call them without clobbering the text being iterated. */
  UChar *x16;
  uint32_t *xmap;
  size_t x16_cap;

  UChar *nb[3]; /* normalization scratch */
  int32_t nb_cap[3];
  char *fold; /* folded UTF-8 of the current word */
  size_t fold_cap, fold_len;

  char word[TERM_MAX + 1]; /* what a token points at during the callback */
  char stem[TERM_MAX + 1];

  ra_urlspan_list spans; /* this chunk's URL / e-mail spans */

  stem_slot *cache;
  size_t cache_slots;  /* a power of two */
  size_t cache_misses; /* since the table last grew */
  int busy; /* inside ra_analyze: reject re-entry from a callback */
  int icu_only; /* no ASCII fast path (ra_analyzer_set_icu_only) */
  ra_sentence sent; /* the sentence fast path's buffers and filter */
  const char *const *stem_keys; /* ra_analyzer_set_stem_keys; n 0: all */
  const size_t *stem_key_lens;
  size_t n_stem_keys;
};

/* Per-call state of ra_analyze. */
typedef struct emit_state {
  const unsigned char *text; /* whole input, for look-ahead */
  size_t len;
  ra_token_cb cb;
  void *ctx;
  uint32_t next; /* position of the next non-colocated token */
  uint32_t last; /* position of the last emitted token */
  int stopped;
} emit_state;

/* ---- small helpers -------------------------------------------------------- */

static ra_status icu_fail(ra_error *err, const char *what, UErrorCode st) {
  return ra_error_set(err, RA_ERR_ICU, "analyze: ICU %s failed: %s", what,
                      u_errorName(st));
}

static ra_status nomem(ra_error *err, const char *what) {
  return ra_error_set(err, RA_ERR_NOMEM, "analyze: out of memory (%s)", what);
}

/* The apostrophe look-alikes we fold to U+0027.  U+2018 is included because
 * UAX #29 treats it as MidNumLet too, so "don‘t" stays one word and would
 * otherwise keep a stray quote. */
static int is_apos(UChar32 c) {
  return c == 0x27 || c == 0x2019 || c == 0x2018 || c == 0x02BC ||
         c == 0xFF07;
}

/* Hyphens (not en/em dashes) mark a compound: "peer-support". */
static int is_hyphen(UChar32 c) {
  return c == 0x2D || c == 0x2010 || c == 0x2011 || c == 0xFE63 ||
         c == 0xFF0D;
}

static int ascii_alpha(unsigned c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Make sure the conversion buffers hold n units (+1 for the end entry). */
static ra_status ensure_conv(UChar **pu, uint32_t **pm, size_t *pcap,
                             size_t n, ra_error *err) {
  size_t want = n + 1;
  if (want <= *pcap) return RA_OK;
  if (want < 4096) want = 4096;
  UChar *u = realloc(*pu, want * sizeof *u);
  if (!u) return nomem(err, "UTF-16 buffer");
  *pu = u;
  uint32_t *m = realloc(*pm, want * sizeof *m);
  if (!m) return nomem(err, "offset map");
  *pm = m;
  *pcap = want;
  return RA_OK;
}

/* UTF-8 -> UTF-16 keeping map[unit] = byte offset of the code point the unit
 * belongs to (both halves of a surrogate pair map to its first byte), and
 * map[n] = len.  Never fails on bad input: one invalid byte, one U+FFFD.
 * UTF-16 never needs more units than UTF-8 has bytes. */
static ra_status to_utf16(const unsigned char *s, size_t len, UChar **pu,
                          uint32_t **pm, size_t *pcap, int32_t *out_n,
                          ra_error *err) {
  ra_status r = ensure_conv(pu, pm, pcap, len, err);
  if (r != RA_OK) return r;
  UChar *u = *pu;
  uint32_t *m = *pm;
  size_t i = 0, j = 0;
  while (i < len) {
    unsigned c = s[i];
    if (c < 0x80) {
      u[j] = (UChar)c;
      m[j++] = (uint32_t)i++;
      continue;
    }
    UChar32 cp;
    int k = ra_utf8_dec(s + i, len - i, &cp);
    if (k == 0) {
      u[j] = 0xFFFD;
      m[j++] = (uint32_t)i++;
    } else if (cp < 0x10000) {
      u[j] = (UChar)cp;
      m[j++] = (uint32_t)i;
      i += (size_t)k;
    } else {
      u[j] = U16_LEAD(cp);
      m[j++] = (uint32_t)i;
      u[j] = U16_TRAIL(cp);
      m[j++] = (uint32_t)i;
      i += (size_t)k;
    }
  }
  m[j] = (uint32_t)len;
  *out_n = (int32_t)j;
  return RA_OK;
}

/* First unit whose byte offset is >= b (b is always a code point start). */
static int32_t unit_of(const uint32_t *map, int32_t n, size_t b) {
  int32_t lo = 0, hi = n;
  while (lo < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    if (map[mid] < b)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Length of the next chunk of s[0..n): see CHUNK_BYTES. */
static size_t chunk_len(const unsigned char *s, size_t n) {
  if (n <= CHUNK_BYTES) return n;
  size_t lo = CHUNK_BYTES - CHUNK_SLACK, i;
  for (i = CHUNK_BYTES; i > lo; i--)
    if (s[i - 1] == '\n') return i;
  for (i = CHUNK_BYTES; i > lo; i--)
    if (s[i - 1] == ' ' || s[i - 1] == '\t') return i;
  /* No white space at all: cut on a code point boundary. */
  for (i = CHUNK_BYTES; i > CHUNK_BYTES - 4; i--)
    if ((s[i] & 0xC0) != 0x80) return i;
  return CHUNK_BYTES;
}

static ra_status fold_reserve(ra_analyzer *a, size_t n, ra_error *err) {
  if (n <= a->fold_cap) return RA_OK;
  size_t want = a->fold_cap * 2;
  if (want < n) want = n;
  char *p = realloc(a->fold, want);
  if (!p) return nomem(err, "fold buffer");
  a->fold = p;
  a->fold_cap = want;
  return RA_OK;
}

/* ICU's normalizers, fetched on first use: ASCII words never need them,
 * and loading their data was 0.3-0.6 ms of a one-shot CGI search. */
static ra_status normalizers(ra_analyzer *a, ra_error *err) {
  if (a->nfc) return RA_OK;
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *kc = unorm2_getNFKCCasefoldInstance(&st);
  const UNormalizer2 *d = U_SUCCESS(st) ? unorm2_getNFDInstance(&st) : NULL;
  const UNormalizer2 *c = U_SUCCESS(st) ? unorm2_getNFCInstance(&st) : NULL;
  if (U_FAILURE(st)) return icu_fail(err, "normalizer", st);
  a->nfkc_cf = kc;
  a->nfd = d;
  a->nfc = c; /* last: it says all three are there */
  return RA_OK;
}

/* unorm2_normalize into scratch buffer `which`, growing it as needed. */
static ra_status normalize(ra_analyzer *a, const UNormalizer2 *nz,
                           const UChar *src, int32_t n, int which,
                           int32_t *out_n, ra_error *err) {
  for (;;) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t r =
        unorm2_normalize(nz, src, n, a->nb[which], a->nb_cap[which], &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
      int32_t want = r + 64;
      UChar *p = realloc(a->nb[which], (size_t)want * sizeof *p);
      if (!p) return nomem(err, "normalization buffer");
      a->nb[which] = p;
      a->nb_cap[which] = want;
      continue;
    }
    if (U_FAILURE(st)) return icu_fail(err, "normalization", st);
    *out_n = r;
    return RA_OK;
  }
}

/* UTF-16 -> a->fold as UTF-8. */
static ra_status utf16_to_fold(ra_analyzer *a, const UChar *s, int32_t n,
                               ra_error *err) {
  for (;;) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t out = 0;
    u_strToUTF8WithSub(a->fold, (int32_t)a->fold_cap, &out, s, n, 0xFFFD,
                       NULL, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR ||
        st == U_STRING_NOT_TERMINATED_WARNING) {
      ra_status r = fold_reserve(a, (size_t)out + 1, err);
      if (r != RA_OK) return r;
      continue;
    }
    if (U_FAILURE(st)) return icu_fail(err, "UTF-8 conversion", st);
    a->fold_len = (size_t)out;
    return RA_OK;
  }
}

/* Marks are accents only in some scripts.  In Indic scripts, Thai or the
 * kana voicing marks (が -> か + U+3099) they change the letter, so strip
 * them only after a base letter of a script where they are diacritics. */
static int strip_marks_after(UScriptCode sc) {
  switch (sc) {
    case USCRIPT_LATIN:
    case USCRIPT_GREEK:
    case USCRIPT_CYRILLIC:
    case USCRIPT_ARMENIAN:
    case USCRIPT_HEBREW:
    case USCRIPT_ARABIC:
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
      return 1;
    default:
      return 0;
  }
}

/* The full Unicode fold of n units into a->fold (no apostrophe trimming). */
static ra_status fold_unicode(ra_analyzer *a, const UChar *src, int32_t n,
                              ra_error *err) {
  ra_status r;
  int32_t n1, n2, n3, i, o;

  /* Apostrophes first, so NFKC sees the same thing the ASCII path does. */
  if (a->nb_cap[0] < n) {
    UChar *p = realloc(a->nb[0], (size_t)n * sizeof *p);
    if (!p) return nomem(err, "normalization buffer");
    a->nb[0] = p;
    a->nb_cap[0] = n;
  }
  for (i = 0; i < n; i++) a->nb[0][i] = is_apos(src[i]) ? 0x27 : src[i];

  r = normalizers(a, err);
  if (r != RA_OK) return r;
  r = normalize(a, a->nfkc_cf, a->nb[0], n, 1, &n1, err);
  if (r != RA_OK) return r;
  r = normalize(a, a->nfd, a->nb[1], n1, 2, &n2, err);
  if (r != RA_OK) return r;

  UChar *b = a->nb[2];
  UScriptCode base = USCRIPT_COMMON;
  for (i = 0, o = 0; i < n2;) {
    int32_t s = i;
    UChar32 c;
    U16_NEXT(b, i, n2, c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      if (strip_marks_after(base)) continue;
    } else if (c < 0x250) {
      base = USCRIPT_LATIN; /* Latin, digits, ASCII punctuation: all fine */
    } else {
      UErrorCode st = U_ZERO_ERROR;
      base = uscript_getScript(c, &st);
      if (U_FAILURE(st)) base = USCRIPT_UNKNOWN;
    }
    if (is_apos(c)) {
      b[o++] = 0x27;
    } else {
      while (s < i) b[o++] = b[s++];
    }
  }
  r = normalize(a, a->nfc, b, o, 0, &n3, err);
  if (r != RA_OK) return r;
  return utf16_to_fold(a, a->nb[0], n3, err);
}

/* Apostrophe clean-up on a->fold: leading and trailing apostrophes go, then
 * a possessive 's, then any apostrophe left at the end ("residents'"). */
static void trim_apostrophes(ra_analyzer *a) {
  char *w = a->fold;
  size_t n = a->fold_len, s = 0;
  while (s < n && w[s] == '\'') s++;
  while (n > s && w[n - 1] == '\'') n--;
  if (n - s > 2 && w[n - 1] == 's' && w[n - 2] == '\'') n -= 2;
  while (n > s && w[n - 1] == '\'') n--;
  if (s) memmove(w, w + s, n - s);
  a->fold_len = n - s;
}

/* Fold one word: bytes [b, b+nb) are its UTF-8 source and u[0..nu) the same
 * text in UTF-16.  Result in a->fold / a->fold_len (not NUL-terminated). */
static ra_status fold_word(ra_analyzer *a, const unsigned char *b, size_t nb,
                           const UChar *u, int32_t nu, ra_error *err) {
  /* Cap the input (see FOLD_MAX_UNITS), never splitting a surrogate pair. */
  if (nu > FOLD_MAX_UNITS) {
    nu = FOLD_MAX_UNITS;
    if (U16_IS_LEAD(u[nu - 1])) nu--;
  }
  /* Fast path: ASCII plus the apostrophe look-alikes, which is nearly every
   * English word.  Equivalent to the Unicode path for such input. */
  ra_status r = fold_reserve(a, (size_t)FOLD_MAX_UNITS + 1, err);
  if (r != RA_OK) return r;
  char *o = a->fold;
  size_t i = 0, k = 0;
  int32_t units = 0;
  while (i < nb && units < nu) {
    unsigned c = b[i];
    if (c < 0x80) {
      o[k++] = (char)((c - 'A' < 26u) ? c + 32 : c);
      i++;
    } else if (c == 0xE2 && i + 2 < nb && b[i + 1] == 0x80 &&
               (b[i + 2] == 0x99 || b[i + 2] == 0x98)) {
      o[k++] = '\'';
      i += 3;
    } else if (c == 0xCA && i + 1 < nb && b[i + 1] == 0xBC) {
      o[k++] = '\'';
      i += 2;
    } else if (c == 0xEF && i + 2 < nb && b[i + 1] == 0xBC &&
               b[i + 2] == 0x87) {
      o[k++] = '\'';
      i += 3;
    } else {
      break;
    }
    units++;
  }
  if (units == nu) {
    a->fold_len = k;
  } else {
    r = fold_unicode(a, u, nu, err);
    if (r != RA_OK) return r;
  }
  trim_apostrophes(a);
  return RA_OK;
}

/* Copy at most TERM_MAX bytes of a->fold to dst, cut on a UTF-8 boundary. */
static size_t copy_term(char *dst, const char *src, size_t n) {
  if (n > TERM_MAX) {
    n = TERM_MAX;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
  }
  memcpy(dst, src, n);
  dst[n] = '\0';
  return n;
}

/* Double the stem cache, keeping what it holds.  Failing to grow only
 * keeps the smaller table. */
static void stem_cache_grow(ra_analyzer *a) {
  size_t slots = a->cache_slots * 2;
  stem_slot *t = calloc(slots, sizeof *t);
  if (!t) return;
  for (size_t i = 0; i < a->cache_slots; i++) {
    const stem_slot *o = &a->cache[i];
    if (o->klen) t[ra_fnv1a(o->key, o->klen) & (slots - 1)] = *o;
  }
  free(a->cache);
  a->cache = t;
  a->cache_slots = slots;
  a->cache_misses = 0;
}

/* Stem a folded word.  *out points at w itself, a cache slot or the
 * stemmer's buffer: copy it before the next call. */
static ra_status stem_core(ra_analyzer *a, const char *w, size_t n,
                           const char **out, size_t *out_n, ra_error *err) {
  /* Snowball English only rewrites ASCII suffixes of words longer than two
   * letters, so anything else is its own stem. */
  if (n <= 2 || n > STEM_MAX_IN || !ascii_alpha((unsigned char)w[n - 1])) {
    *out = w;
    *out_n = n;
    return RA_OK;
  }
  stem_slot *slot = NULL;
  if (n <= CACHE_KEY) {
    uint64_t h = ra_fnv1a(w, n);
    slot = &a->cache[h & (a->cache_slots - 1)];
    if (slot->klen == n && memcmp(slot->key, w, n) == 0) {
      *out = slot->stem;
      *out_n = slot->slen;
      return RA_OK;
    }
    if (++a->cache_misses > a->cache_slots &&
        a->cache_slots < CACHE_SLOTS_MAX) {
      stem_cache_grow(a);
      slot = &a->cache[h & (a->cache_slots - 1)];
    }
  }
  const sb_symbol *s =
      sb_stemmer_stem(a->stemmer, (const sb_symbol *)w, (int)n);
  if (!s) return ra_error_set(err, RA_ERR_NOMEM, "analyze: stemmer out of memory");
  int sl = sb_stemmer_length(a->stemmer);
  if (sl < 0) sl = 0;
  if (slot && (size_t)sl <= CACHE_KEY) {
    slot->klen = (unsigned char)n;
    memcpy(slot->key, w, n);
    slot->slen = (unsigned char)sl;
    memcpy(slot->stem, s, (size_t)sl);
    *out = slot->stem;
  } else {
    *out = (const char *)s;
  }
  *out_n = (size_t)sl;
  return RA_OK;
}

/* RA_TOK_NUMERIC: digits with number punctuation ("3.5", "1,000"), first a
 * digit.  ICU's rule status only reflects the end of a segment ("x1" and
 * "v2.0" come back as numbers), so decide on the folded text itself. */
static int numeric_word(const char *w, size_t n) {
  const unsigned char *p = (const unsigned char *)w;
  size_t i = 0;
  int first = 1;
  if (n == 0 || (p[0] < 0x80 && (unsigned)(p[0] - '0') > 9u)) return 0; /* most words */
  while (i < n) {
    UChar32 c;
    int k = ra_utf8_dec(p + i, n - i, &c);
    if (!k) return 0;
    if (!u_isdigit(c) && (first || (c != '.' && c != ',' && c != '\'')))
      return 0;
    first = 0;
    i += (size_t)k;
  }
  return 1;
}

/* Hand a token (in a->word / a->stem) to the callback. */
static void emit(emit_state *es, ra_analyzer *a, size_t wlen, size_t slen,
                 size_t start, size_t end, unsigned flags) {
  ra_token t;
  t.word = a->word;
  t.word_len = wlen;
  t.stem = a->stem;
  t.stem_len = slen;
  if (flags & RA_TOK_COLOCATED) {
    t.pos = es->last;
  } else {
    t.pos = es->next;
    if (es->next < UINT32_MAX) es->next++; /* saturate, never wrap */
  }
  es->last = t.pos;
  t.start = start;
  t.end = end;
  t.flags = flags;
  if (es->cb(es->ctx, &t)) es->stopped = 1;
}

/* Must w be stemmed, given the stem keys?  Snowball's English stems start
 * like their words less their last letter (ra_analyzer_set_stem_keys), so
 * a plain lower-case word starting with no key cannot have a wanted stem. */
static int stem_wanted(const ra_analyzer *a, const char *w, size_t n) {
  if (!a->n_stem_keys) return 1;
  for (size_t i = 0; i < n; i++)
    if ((unsigned)(w[i] - 'a') > 25u) return 1; /* not plain: no shortcut */
  for (size_t k = 0; k < a->n_stem_keys; k++)
    if (n >= a->stem_key_lens[k] && memcmp(w, a->stem_keys[k], a->stem_key_lens[k]) == 0)
      return 1;
  return 0;
}

/* a->fold holds a folded word: cap it, stem it and emit it. */
static ra_status emit_folded(emit_state *es, ra_analyzer *a, size_t start,
                             size_t end, unsigned flags, int stem_it,
                             ra_error *err) {
  size_t wl = copy_term(a->word, a->fold, a->fold_len);
  size_t sl = wl;
  if (stem_it && stem_wanted(a, a->word, wl)) {
    const char *s;
    ra_status r = stem_core(a, a->word, wl, &s, &sl, err);
    if (r != RA_OK) return r;
    memcpy(a->stem, s, sl);
    a->stem[sl] = '\0';
  } else {
    memcpy(a->stem, a->word, wl + 1);
  }
  emit(es, a, wl, sl, start, end, flags);
  return RA_OK;
}

/* Is the word ending at byte be joined by a hyphen to a following word? */
static int hyphen_joined(const emit_state *es, size_t be) {
  UChar32 c, d;
  int k;
  if (be >= es->len) return 0;
  k = ra_utf8_dec(es->text + be, es->len - be, &c);
  if (!k || !is_hyphen(c)) return 0;
  be += (size_t)k;
  if (be >= es->len) return 0;
  if (!ra_utf8_dec(es->text + be, es->len - be, &d)) return 0;
  return u_isalnum(d);
}

/* One word, units [us, ue) of the current chunk. */
static ra_status do_word_part(emit_state *es, ra_analyzer *a, size_t base,
                              int32_t us, int32_t ue, ra_error *err) {
  const UChar *u = a->u16;
  /* U+02BC is a letter to UAX #29, so it can lead or trail a segment; the
   * highlighter should not mark it, so trim the source span too. */
  while (us < ue && is_apos(u[us])) us++;
  while (ue > us && is_apos(u[ue - 1])) ue--;
  if (us >= ue) return RA_OK;
  size_t bs = base + a->map[us], be = base + a->map[ue];
  ra_status r = fold_word(a, es->text + bs, be - bs, u + us, ue - us, err);
  if (r != RA_OK || a->fold_len == 0) return r;
  int numeric = numeric_word(a->fold, a->fold_len);
  unsigned flags = numeric ? RA_TOK_NUMERIC : 0;
  if (hyphen_joined(es, be)) flags |= RA_TOK_JOINED;
  return emit_folded(es, a, bs, be, flags, !numeric, err);
}

/* One UAX #29 word segment.  ICU's tailoring counts '@' as a letter
 * ("a@b", "@user" are one word); real addresses were taken out as e-mail
 * spans already, so split on it like the other symbols. */
static ra_status do_word(emit_state *es, ra_analyzer *a, size_t base,
                         int32_t us, int32_t ue, ra_error *err) {
  const UChar *u = a->u16;
  for (int32_t i = us; i < ue; i++) {
    if (u[i] != 0x40) continue;
    ra_status r = do_word_part(es, a, base, us, i, err);
    if (r != RA_OK || es->stopped) return r;
    us = i + 1;
  }
  return do_word_part(es, a, base, us, ue, err);
}

/* Every UAX #29 word in units [u0, u1) of the current chunk. */
/* UAX #29 word classes of the ASCII characters, as ICU's root rules
 * have them: '@' is a letter (CLDR), ':' is not MidLetter, '.' and '\''
 * join letters or digits, ',' and ';' join digits only. */
enum { AC_OTHER, AC_LETTER, AC_DIGIT, AC_USCORE, AC_MIDNUMLET, AC_MIDNUM };

/* Indexed by ASCII code: letters and '@' 1, digits 2, '_' 3, '.' and
 * '\'' 4, ',' and ';' 5, everything else 0. */
static const unsigned char ascii_class[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 5, 0, 4, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 5, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
};

/* The class of a UTF-16 unit the fast path segments: ASCII, the Latin-1
 * and Latin Extended-A letters (Word_Break ALetter, as the ASCII ones),
 * the typographic apostrophes (MidNumLet, as '\'') and common
 * punctuation that breaks on both sides (Word_Break Other: dashes,
 * double quotes, bullets, ellipsis, guillemets, no-break space).
 * AC_SLOW: anything else, left to ICU.  tests/test_analyze.c compares
 * the tokens with ICU's for every one of them in the contexts its class
 * decides. */
enum { AC_SLOW = 9 };
static unsigned fast_class(UChar c) {
  if (c < 0x80) return ascii_class[c];
  if (c >= 0xC0 && c <= 0x17F) return c == 0xD7 || c == 0xF7 ? AC_OTHER : AC_LETTER;
  switch (c) {
  case 0x2018: case 0x2019:
    return AC_MIDNUMLET;
  case 0xA0: case 0xAB: case 0xBB: case 0x2013: case 0x2014: case 0x201C:
  case 0x201D: case 0x2022: case 0x2026: case 0x25E6:
    return AC_OTHER;
  default:
    return AC_SLOW;
  }
}

/* Word segments of ASCII-only UTF-16 text, exactly those ICU finds
 * (tests/test_analyze.c compares them on random and corpus text): runs
 * of letters, digits and '_' (WB5, WB8-10, WB13) joined across one '.'
 * or '\'' between letters (WB6-7) or one '.', '\'', ',', ';' between
 * digits (WB11-12); every other ASCII character breaks on both sides.
 * A lone '_' is not a word to ICU.  Most article text is ASCII and this
 * is several times faster than the rule-based iterator.  The non-ASCII
 * units of fast_class() are taken as the ASCII units of their class. */
static ra_status ascii_words(emit_state *es, ra_analyzer *a, size_t base,
                             int32_t u0, int32_t u1, ra_error *err) {
  const UChar *u = a->u16;
  int32_t i = u0;
  while (i < u1 && !es->stopped) {
    unsigned c = fast_class(u[i]);
    if (c != AC_LETTER && c != AC_DIGIT && c != AC_USCORE) {
      i++;
      continue;
    }
    int32_t j = i + 1;
    while (j < u1) {
      unsigned cj = fast_class(u[j]);
      if (cj == AC_LETTER || cj == AC_DIGIT || cj == AC_USCORE) {
        j++;
        continue;
      }
      if ((cj == AC_MIDNUMLET || cj == AC_MIDNUM) && j + 1 < u1) {
        unsigned p = fast_class(u[j - 1]), q = fast_class(u[j + 1]);
        if ((cj == AC_MIDNUMLET && p == AC_LETTER && q == AC_LETTER) ||
            (p == AC_DIGIT && q == AC_DIGIT)) {
          j += 2;
          continue;
        }
      }
      break;
    }
    if (j - i > 1 || u[i] != '_') {
      ra_status r = do_word(es, a, base, i, j, err);
      if (r != RA_OK) return r;
    }
    i = j;
  }
  return RA_OK;
}

static ra_status icu_words(emit_state *es, ra_analyzer *a, size_t base,
                           int32_t u0, int32_t u1, ra_error *err);

/* Word segments of u16[u0, u1): stretches of fast_class() units by
 * ascii_words, the rest by ICU.  The text is cut only after a unit of
 * class AC_OTHER followed by another fast unit (or the end): UAX #29
 * breaks on both sides of such a character whatever surrounds it (only a
 * following Extend/Format/ZWJ could attach to it, and no fast unit is
 * one; none is Extended_Pictographic, which could attach to a ZWJ before
 * it), so each stretch segments as it would in the whole text. */
static ra_status do_words(emit_state *es, ra_analyzer *a, size_t base,
                          int32_t u0, int32_t u1, ra_error *err) {
  if (u1 <= u0) return RA_OK;
  if (a->icu_only) return icu_words(es, a, base, u0, u1, err);
  const UChar *u = a->u16;
  int32_t gs = u0, i = u0;
  int g_fast = -1; /* kind of the stretch [gs, i) */
  while (i < u1) {
    int32_t j = i;
    int fast = 1;
    while (j < u1) {
      unsigned c = fast_class(u[j++]);
      if (c == AC_SLOW) fast = 0;
      else if (c == AC_OTHER && (j == u1 || fast_class(u[j]) != AC_SLOW)) break;
    }
    if (g_fast >= 0 && fast != g_fast) {
      ra_status r = g_fast ? ascii_words(es, a, base, gs, i, err)
                           : icu_words(es, a, base, gs, i, err);
      if (r != RA_OK || es->stopped) return r;
      gs = i;
    }
    g_fast = fast;
    i = j;
  }
  return g_fast ? ascii_words(es, a, base, gs, u1, err)
                : icu_words(es, a, base, gs, u1, err);
}

/* The word (sentence: 0) break iterator, opened on first use. */
static ra_status break_iterator(ra_analyzer *a, int word, ra_error *err) {
  UErrorCode st = U_ZERO_ERROR;
  if (word && !a->wbrk) {
    a->wbrk = ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
    if (U_FAILURE(st)) {
      a->wbrk = NULL;
      return icu_fail(err, "word break iterator", st);
    }
  }
  if (!word && !a->sbrk) {
    /* ss=standard: no sentence break after "Mr." and similar. */
    a->sbrk = ubrk_open(UBRK_SENTENCE, "en@ss=standard", NULL, 0, &st);
    if (U_FAILURE(st)) {
      a->sbrk = NULL;
      return icu_fail(err, "sentence break iterator", st);
    }
  }
  return RA_OK;
}

static ra_status icu_words(emit_state *es, ra_analyzer *a, size_t base,
                           int32_t u0, int32_t u1, ra_error *err) {
  if (u1 <= u0) return RA_OK;
  ra_status br = break_iterator(a, 1, err);
  if (br != RA_OK) return br;
  UErrorCode st = U_ZERO_ERROR;
  ubrk_setText(a->wbrk, a->u16 + u0, u1 - u0, &st);
  if (U_FAILURE(st)) return icu_fail(err, "ubrk_setText", st);
  int32_t prev = ubrk_first(a->wbrk), cur;
  while (!es->stopped && (cur = ubrk_next(a->wbrk)) != UBRK_DONE) {
    /* Letters, numbers, kana, ideographs; not spaces or punctuation. */
    if (ubrk_getRuleStatus(a->wbrk) >= UBRK_WORD_NONE_LIMIT) {
      ra_status r = do_word(es, a, base, u0 + prev, u0 + cur, err);
      if (r != RA_OK) return r;
    }
    prev = cur;
  }
  return RA_OK;
}

/* ---- URL and e-mail spans (found by urlspan.c) --------------------------- */

/* Emit a URL / e-mail span: the whole thing, then its alphanumeric parts,
 * the first part at the same position as the whole. */
static ra_status do_span(emit_state *es, ra_analyzer *a, size_t base,
                         const ra_urlspan *sp, int32_t us, int32_t ue,
                         ra_error *err) {
  const UChar *u = a->u16;
  ra_status r;
  /* The whole span: lowercased (NFKC_Casefold), accents kept. */
  int32_t n = ue - us;
  if (n > FOLD_MAX_UNITS) {
    n = FOLD_MAX_UNITS;
    if (U16_IS_LEAD(u[us + n - 1])) n--;
  }
  int ascii = 1;
  for (int32_t i = 0; i < n; i++)
    if (u[us + i] >= 0x80) ascii = 0;
  if (ascii) {
    r = fold_reserve(a, (size_t)n + 1, err);
    if (r != RA_OK) return r;
    for (int32_t i = 0; i < n; i++) {
      unsigned c = u[us + i];
      a->fold[i] = (char)((c - 'A' < 26u) ? c + 32 : c);
    }
    a->fold_len = (size_t)n;
  } else {
    int32_t n1;
    r = normalizers(a, err);
    if (r == RA_OK) r = normalize(a, a->nfkc_cf, u + us, n, 1, &n1, err);
    if (r == RA_OK) r = utf16_to_fold(a, a->nb[1], n1, err);
    if (r != RA_OK) return r;
  }
  r = emit_folded(es, a, sp->start, sp->end, sp->flags, 0, err);
  if (r != RA_OK) return r;

  /* The parts: maximal runs of letters, marks and digits. */
  unsigned flags = RA_TOK_COLOCATED;
  int32_t i = us;
  while (i < ue && !es->stopped) {
    int32_t s = i, e;
    UChar32 c;
    U16_NEXT(u, i, ue, c);
    if (!ra_urlspan_unicode(c)) continue;
    for (e = i; e < ue;) {
      int32_t nx = e;
      U16_NEXT(u, nx, ue, c);
      if (!ra_urlspan_unicode(c)) break;
      e = nx;
    }
    i = e;
    size_t bs = base + a->map[s], be = base + a->map[e];
    r = fold_word(a, es->text + bs, be - bs, u + s, e - s, err);
    if (r != RA_OK) return r;
    if (a->fold_len == 0) continue;
    int digits = numeric_word(a->fold, a->fold_len);
    r = emit_folded(es, a, bs, be, flags | (digits ? RA_TOK_NUMERIC : 0),
                    !digits, err);
    if (r != RA_OK) return r;
    flags = 0;
  }
  return RA_OK;
}

/* Analyze bytes [c0, c1) of the input. */
static ra_status do_chunk(emit_state *es, ra_analyzer *a, size_t c0,
                          size_t c1, ra_error *err) {
  int32_t n;
  ra_status r = to_utf16(es->text + c0, c1 - c0, &a->u16, &a->map,
                         &a->u16_cap, &n, err);
  if (r != RA_OK) return r;
  r = ra_urlspan_find(&a->spans, es->text, c0, c1, err);
  if (r != RA_OK) return r;
  int32_t u0 = 0;
  for (size_t k = 0; k < a->spans.n && !es->stopped; k++) {
    const ra_urlspan *sp = &a->spans.v[k];
    int32_t su = unit_of(a->map, n, sp->start - c0);
    int32_t eu = unit_of(a->map, n, sp->end - c0);
    r = do_words(es, a, c0, u0, su, err);
    if (r != RA_OK || es->stopped) return r;
    r = do_span(es, a, c0, sp, su, eu, err);
    if (r != RA_OK) return r;
    u0 = eu;
  }
  if (es->stopped) return RA_OK;
  return do_words(es, a, c0, u0, n, err);
}

/* ---- public API ---------------------------------------------------------- */

void ra_analyzer_set_icu_only(ra_analyzer *a, int on) { a->icu_only = on; }

void ra_analyzer_set_stem_keys(ra_analyzer *a, const char *const *keys,
                               const size_t *lens, size_t n) {
  a->stem_keys = keys;
  a->stem_key_lens = lens;
  a->n_stem_keys = keys && lens ? n : 0;
}

ra_status ra_analyzer_new(ra_analyzer **out, ra_error *err) {
  ra_status r = RA_OK;
  if (!out) return ra_error_set(err, RA_ERR_INVALID, "analyze: out is NULL");
  *out = NULL;
  ra_analyzer *a = calloc(1, sizeof *a);
  if (!a) return nomem(err, "analyzer");

  /* The break iterators (break_iterator()) and normalizers
   * (normalizers()) are fetched on first use: ASCII text never needs the
   * word iterator nor the normalizers, and opening them all was over a
   * millisecond of every one-shot CGI search. */
  a->stemmer = sb_stemmer_new("english", "UTF_8");
  if (!a->stemmer) {
    r = ra_error_set(err, RA_ERR_STEMMER,
                     "analyze: cannot create the Snowball English stemmer");
    goto fail;
  }
  a->cache_slots = CACHE_SLOTS_MIN;
  a->cache = calloc(a->cache_slots, sizeof *a->cache);
  if (!a->cache) {
    r = nomem(err, "stem cache");
    goto fail;
  }
  for (int i = 0; i < 3; i++) {
    a->nb_cap[i] = 256;
    a->nb[i] = malloc((size_t)a->nb_cap[i] * sizeof(UChar));
    if (!a->nb[i]) {
      r = nomem(err, "normalization buffer");
      goto fail;
    }
  }
  r = fold_reserve(a, 4096, err);
  if (r != RA_OK) goto fail;
  *out = a;
  return RA_OK;
fail:
  ra_analyzer_free(a);
  return r;
}

void ra_analyzer_free(ra_analyzer *a) {
  if (!a) return;
  if (a->wbrk) ubrk_close(a->wbrk);
  if (a->sbrk) ubrk_close(a->sbrk);
  if (a->stemmer) sb_stemmer_delete(a->stemmer);
  free(a->u16);
  free(a->map);
  free(a->x16);
  free(a->xmap);
  for (int i = 0; i < 3; i++) free(a->nb[i]);
  free(a->fold);
  ra_urlspan_list_free(&a->spans);
  free(a->cache);
  ra_sentence_free(&a->sent);
  free(a);
}

ra_status ra_analyze(ra_analyzer *a, const char *text, size_t len,
                     uint32_t pos_base, ra_token_cb cb, void *ctx,
                     uint32_t *next_pos, ra_error *err) {
  if (next_pos) *next_pos = pos_base;
  if (!a || !cb || (!text && len))
    return ra_error_set(err, RA_ERR_INVALID,
                        "analyze: NULL analyzer, callback or text");
  if (a->busy)
    return ra_error_set(err, RA_ERR_USAGE,
                        "analyze: ra_analyze called from its own callback");
  emit_state es = {(const unsigned char *)text, len, cb, ctx, pos_base,
                   pos_base, 0};
  ra_status r = RA_OK;
  a->busy = 1;
  for (size_t off = 0; off < len && !es.stopped && r == RA_OK;) {
    size_t n = chunk_len(es.text + off, len - off);
    r = do_chunk(&es, a, off, off + n, err);
    off += n;
  }
  a->busy = 0;
  if (next_pos) *next_pos = es.next;
  return r;
}

ra_status ra_analyze_fold(ra_analyzer *a, const char *word, size_t len,
                          char *out, size_t out_size, size_t *out_len,
                          ra_error *err) {
  if (out_len) *out_len = 0;
  if (!a || (!word && len) || !out)
    return ra_error_set(err, RA_ERR_INVALID,
                        "analyze: NULL analyzer, word or output buffer");
  /* Beyond what a word can contribute to the folded result (the pipeline
   * caps too), so converting more would only cost time. */
  if (len > (size_t)FOLD_MAX_UNITS * 4) len = (size_t)FOLD_MAX_UNITS * 4;
  int32_t n;
  ra_status r = to_utf16((const unsigned char *)word, len, &a->x16, &a->xmap,
                         &a->x16_cap, &n, err);
  if (r != RA_OK) return r;
  r = fold_word(a, (const unsigned char *)word, len, a->x16, n, err);
  if (r != RA_OK) return r;
  size_t cap = a->fold_len > TERM_MAX ? TERM_MAX : a->fold_len;
  if (cap == TERM_MAX)
    while (cap > 0 && ((unsigned char)a->fold[cap] & 0xC0) == 0x80) cap--;
  if (cap + 1 > out_size)
    return ra_error_set(err, RA_ERR_TOOBIG,
                        "analyze: folded word needs %zu bytes, buffer has %zu",
                        cap + 1, out_size);
  memcpy(out, a->fold, cap);
  out[cap] = '\0';
  if (out_len) *out_len = cap;
  return RA_OK;
}

ra_status ra_analyze_stem(ra_analyzer *a, const char *folded, size_t len,
                          char *out, size_t out_size, size_t *out_len,
                          ra_error *err) {
  if (out_len) *out_len = 0;
  if (!a || (!folded && len) || !out)
    return ra_error_set(err, RA_ERR_INVALID,
                        "analyze: NULL analyzer, word or output buffer");
  const char *s;
  size_t sl;
  ra_status r = stem_core(a, folded ? folded : "", len, &s, &sl, err);
  if (r != RA_OK) return r;
  if (sl + 1 > out_size)
    return ra_error_set(err, RA_ERR_TOOBIG,
                        "analyze: stem needs %zu bytes, buffer has %zu",
                        sl + 1, out_size);
  memmove(out, s, sl);
  out[sl] = '\0';
  if (out_len) *out_len = sl;
  return RA_OK;
}

/* Sentence starts of t[0..len) as ICU's filtered iterator finds them
 * (sentence.c), or 0 when this passage must go to ICU: always with
 * icu_only, and when it is longer than one chunk (ICU is run by chunk). */
static int sentence_starts_fast(ra_analyzer *a, const unsigned char *t, size_t len,
                                size_t **out, size_t *n_out) {
  if (a->icu_only || len > CHUNK_BYTES) return 0;
  return ra_sentence_starts(&a->sent, t, len, out, n_out);
}

int ra_analyze_sentences_fast(ra_analyzer *a, const char *text, size_t len) {
  size_t *v = NULL, n = 0;
  int fast = a && text && sentence_starts_fast(a, (const unsigned char *)text, len, &v, &n);
  free(v);
  return fast;
}

ra_status ra_analyze_sentences(ra_analyzer *a, const char *text, size_t len,
                               size_t **starts, size_t *n_starts,
                               ra_error *err) {
  if (starts) *starts = NULL;
  if (n_starts) *n_starts = 0;
  if (!a || (!text && len) || !starts || !n_starts)
    return ra_error_set(err, RA_ERR_INVALID,
                        "analyze: NULL analyzer, text or output");
  const unsigned char *t = (const unsigned char *)text;
  if (sentence_starts_fast(a, t, len, starts, n_starts)) return RA_OK;
  size_t cap = 16, n = 0;
  ra_status br = break_iterator(a, 0, err);
  if (br != RA_OK) return br;
  size_t *v = malloc(cap * sizeof *v);
  if (!v) return nomem(err, "sentence starts");
  v[n++] = 0;
  ra_status r = RA_OK;
  for (size_t off = 0; off < len && r == RA_OK;) {
    size_t clen = chunk_len(t + off, len - off);
    int32_t un;
    r = to_utf16(t + off, clen, &a->x16, &a->xmap, &a->x16_cap, &un, err);
    if (r != RA_OK) break;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(a->sbrk, a->x16, un, &st);
    if (U_FAILURE(st)) {
      r = icu_fail(err, "ubrk_setText", st);
      break;
    }
    /* The chunk start itself counts: chunks end after a newline, where the
     * sentence rules break anyway. */
    int32_t b = ubrk_first(a->sbrk);
    for (; b != UBRK_DONE; b = ubrk_next(a->sbrk)) {
      size_t at = off + a->xmap[b];
      if (at >= len || at <= v[n - 1]) continue;
      if (n == cap) {
        size_t *p = realloc(v, cap * 2 * sizeof *v);
        if (!p) {
          r = nomem(err, "sentence starts");
          break;
        }
        v = p;
        cap *= 2;
      }
      v[n++] = at;
    }
    off += clen;
  }
  if (r != RA_OK) {
    free(v);
    return r;
  }
  /* Drop the stale pointer ICU keeps to our buffer. */
  UErrorCode st = U_ZERO_ERROR;
  ubrk_setText(a->sbrk, NULL, 0, &st);
  *starts = v;
  *n_starts = n;
  return RA_OK;
}

size_t ra_utf8_seq(const char *str, size_t n) {
  return ra_utf8_len((const unsigned char *)str, n);
}
