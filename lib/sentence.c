/* sentence.c - sentence starts without ICU's iterator (see sentence.h).
 *
 * Opening ICU's "en@ss=standard" sentence iterator and running it cold was
 * 0.6-1.3 ms of a one-shot CGI search (a snippet starts its fragments on
 * a sentence).  ra_sentence_starts() applies UAX #29's sentence rules
 * itself, with each character's Sentence_Break property from ICU, and
 * then ICU's "ss=standard" filter, which keeps no break after one of
 * CLDR's English abbreviations below (ICU 72's list, walked as ICU walks
 * its tries: sb_suppressed).  It leaves to ICU every passage it could get
 * wrong: Extend/Format characters (rule SB5), invalid UTF-8, or a filter
 * walk that would read a trie state without a value.  tests/test_analyze.c
 * and the analyse fuzz target compare the starts with ICU's (random text,
 * every abbreviation of ICU's own data in context, the sample pages);
 * with another ICU version the fast path is off. */
#include "sentence.h"

#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uversion.h>

#if U_ICU_VERSION_MAJOR_NUM == 72
#define RA_SB_FAST 1
static const char *const sb_exceptions[] = {
    "L.P.", "Alt.", "Approx.", "E.G.", "O.", "Maj.", "Misc.", "P.O.", "J.D.",
    "Jam.", "Card.", "Dec.", "Sept.", "MR.", "Long.", "Hat.", "G.", "Link.",
    "DC.", "D.C.", "M.T.", "Hz.", "Mrs.", "By.", "Act.", "Var.", "N.V.",
    "Aug.", "B.", "S.A.", "Up.", "Job.", "Num.", "M.I.T.", "Ok.", "Org.",
    "Ex.", "Cont.", "U.", "Mart.", "Fn.", "Abs.", "Lt.", "OK.", "Z.", "E.",
    "Kb.", "Est.", "A.M.", "L.A.", "Prof.", "U.S.", "Nov.", "Ph.D.", "Mar.",
    "I.T.", "exec.", "Jan.", "N.Y.", "X.", "Md.", "Op.", "vs.", "D.A.", "A.D.",
    "R.L.", "P.M.", "Or.", "M.R.", "Cap.", "PC.", "Feb.", "Exec.", "I.e.",
    "Sep.", "Gb.", "K.", "U.S.C.", "Mt.", "S.", "A.S.", "C.O.D.", "Capt.",
    "Col.", "In.", "C.F.", "Adj.", "AD.", "I.D.", "Mgr.", "R.T.", "B.V.", "M.",
    "Conn.", "Yr.", "Rev.", "Phys.", "pp.", "Ms.", "To.", "Sgt.", "J.K.",
    "Nr.", "Jun.", "Fri.", "S.A.R.", "Lev.", "Lt.Cdr.", "Def.", "F.", "Do.",
    "Joe.", "Id.", "Mr.", "Dept.", "Is.", "Pvt.", "Diff.", "Hon.B.A.", "Q.",
    "Mb.", "On.", "Min.", "J.B.", "Ed.", "AB.", "A.", "S.p.A.", "I.", "a.m.",
    "Comm.", "Go.", "VS.", "L.", "All.", "PP.", "P.V.", "T.", "K.R.", "Etc.",
    "D.", "Adv.", "Lib.", "E.g.", "Pro.", "U.S.A.", "S.E.", "AA.", "Rep.",
    "Sq.", "As.",
};
_Static_assert(sizeof sb_exceptions / sizeof *sb_exceptions <= 160,
               "sb_filter holds up to 160 entries a table");
#else
#define RA_SB_FAST 0
#endif

static int sb_para(unsigned c) {
  return c == U_SB_SEP || c == U_SB_CR || c == U_SB_LF;
}

/* ICU's filter, as SimpleFilteredBreakIteratorBuilder builds it from the
 * list (sorted, as its string set keeps it): an abbreviation with a '.'
 * before its last character (Ph.D.) puts its part up to that '.' in the
 * backward table as "partial", and it and every abbreviation starting with
 * that part go to the forward table; the others go to the backward table
 * whole.  Backward entries are stored reversed. */
typedef struct sb_entry {
  char s[16];
  unsigned char len;
  unsigned char partial; /* backward table: 1 partial, 0 whole */
} sb_entry;

typedef struct sb_filter {
  sb_entry back[160], fwd[160];
  size_t n_back, n_fwd;
} sb_filter;

static int sb_cmp(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int sb_entry_cmp(const void *x, const void *y) {
  return memcmp(((const sb_entry *)x)->s, ((const sb_entry *)y)->s, sizeof ((const sb_entry *)x)->s);
}

static int sb_filter_build(sb_filter *f) {
#if RA_SB_FAST
  enum { N = sizeof sb_exceptions / sizeof *sb_exceptions };
  const char *u[N];
  int part[N];
  memcpy(u, sb_exceptions, sizeof u);
  qsort(u, N, sizeof *u, sb_cmp);
  memset(part, 0, sizeof part);
  memset(f, 0, sizeof *f);
  for (size_t i = 0; i < N; i++) {
    const char *dot = strchr(u[i], '.');
    size_t nn = dot ? (size_t)(dot - u[i]) : 0, li = strlen(u[i]);
    if (!dot || nn + 1 == li) continue;
    int same = -1;
    for (size_t j = 0; j < N; j++) {
      if (j == i || strlen(u[j]) < nn + 1 || memcmp(u[i], u[j], nn + 1) != 0) continue;
      if (part[j] == 0) part[j] = 3;
      else if (part[j] & 1) same = (int)j;
    }
    if (same == -1 && part[i] == 0) {
      sb_entry *e = &f->back[f->n_back++];
      for (size_t k = 0; k <= nn; k++) e->s[k] = u[i][nn - k];
      e->len = (unsigned char)(nn + 1);
      e->partial = 1;
      part[i] = 3;
    }
  }
  for (size_t i = 0; i < N; i++) {
    size_t li = strlen(u[i]);
    if (li >= sizeof f->back[0].s) return 0;
    sb_entry *e = part[i] ? &f->fwd[f->n_fwd++] : &f->back[f->n_back++];
    for (size_t k = 0; k < li; k++) e->s[k] = part[i] ? u[i][k] : u[i][li - 1 - k];
    e->len = (unsigned char)li;
  }
  qsort(f->back, f->n_back, sizeof *f->back, sb_entry_cmp);
  qsort(f->fwd, f->n_fwd, sizeof *f->fwd, sb_entry_cmp);
  return 1;
#else
  (void)f;
  return 0;
#endif
}

/* A UCharsTrie step: v[*lo..*hi) are the entries (sorted, NUL-padded)
 * that start with what was consumed so far, len - 1 characters; consume c
 * as character len and narrow the range to the entries starting with
 * that.  Is there then no entry (NO_MATCH), one equal to the consumed
 * string (a value: the first of the range, its padding sorting first), a
 * longer one (a next)? */
enum { TR_NO_MATCH = 0, TR_NO_VALUE = 1, TR_FINAL = 2, TR_INTERMEDIATE = 3 };
static int sb_step(const sb_entry *v, size_t *lo, size_t *hi, unsigned char c, size_t len,
                   int *partial) {
  size_t a = *lo, b = *hi;
  while (a < b) { /* first entry whose character len is >= c */
    size_t mid = a + (b - a) / 2;
    if ((unsigned char)v[mid].s[len - 1] < c) a = mid + 1;
    else b = mid;
  }
  size_t first = a;
  b = *hi;
  while (a < b) { /* first entry whose character len is > c */
    size_t mid = a + (b - a) / 2;
    if ((unsigned char)v[mid].s[len - 1] <= c) a = mid + 1;
    else b = mid;
  }
  *lo = first;
  *hi = a;
  if (first == a) return TR_NO_MATCH;
  int value = v[first].len == len;
  if (value) *partial = v[first].partial;
  int next = a - first > (size_t)value;
  return value ? (next ? TR_INTERMEDIATE : TR_FINAL) : TR_NO_VALUE;
}

/* ICU's SimpleFilteredSentenceBreakIterator::breakExceptionAt for a break
 * at byte n of t[0..len): 1 suppressed, 0 kept, -1 a case whose outcome
 * depends on ICU reading a trie state with no value (let ICU decide).
 * The entries are ASCII, so a non-ASCII byte never continues a match. */
static int sb_suppressed(const sb_filter *f, const unsigned char *t, size_t len, size_t n) {
  const size_t max = sizeof f->back[0].s; /* no entry is this long */
  size_t q = n > 0 && t[n - 1] == ' ' ? n - 1 : n; /* "Mr. |Brown" */
  size_t al = 0, lo = 0, hi = f->n_back;
  int r = TR_INTERMEDIATE, partial = 0, best_partial = 0;
  long best = -1;
  size_t at = q;
  for (;;) {
    if (at == 0) break; /* U_SENTINEL */
    unsigned char c = t[at - 1];
    at--;
    if (c >= 0x80 || al == max) {
      r = TR_NO_MATCH;
      break;
    }
    r = sb_step(f->back, &lo, &hi, c, ++al, &partial);
    if (!(r & 1)) break; /* no next */
    if (r >= TR_FINAL) {
      best = (long)at;
      best_partial = partial;
    }
  }
  if (r != TR_NO_MATCH) {
    if (r == TR_NO_VALUE || (r == TR_INTERMEDIATE && al == 0)) return -1;
    best = (long)at;
    best_partial = partial;
  }
  if (best < 0) return 0;
  if (!best_partial) return 1;
  /* "Ph." of "Ph.D.": the forward table must match from there on. */
  al = 0;
  lo = 0;
  hi = f->n_fwd;
  int rf = TR_INTERMEDIATE, unused = 0;
  for (size_t i = (size_t)best; i < len; i++) {
    if (t[i] >= 0x80 || al == max) {
      rf = TR_NO_MATCH;
      break;
    }
    rf = sb_step(f->fwd, &lo, &hi, t[i], ++al, &unused);
    if (!(rf & 1)) break;
  }
  return rf != TR_NO_MATCH;
}

/* Sentence starts of t[0..len) as ICU's filtered iterator finds them, in
 * *v (0 first), or 0 when this passage must go to ICU. */
int ra_sentence_starts(ra_sentence *a, const unsigned char *t, size_t len,
                       size_t **out, size_t *n_out) {
  if (!RA_SB_FAST) return 0;
  if (!a->sbf) { /* first use: the filter and the ASCII classes */
    a->sbf = malloc(sizeof *a->sbf);
    if (!a->sbf || !sb_filter_build(a->sbf)) {
      free(a->sbf);
      a->sbf = NULL;
      return 0;
    }
    for (unsigned c = 0; c < 128; c++)
      a->sb_ascii[c] = (unsigned char)u_getIntPropertyValue((UChar32)c, UCHAR_SENTENCE_BREAK);
  }
  if (a->sb_cap < len + 1) {
    uint8_t *nc = realloc(a->sb, len + 1);
    if (!nc) return 0;
    a->sb = nc;
    uint32_t *no = realloc(a->sb_off, (len + 1) * sizeof *no);
    if (!no) return 0;
    a->sb_off = no;
    a->sb_cap = len + 1;
  }
  uint8_t *cls = a->sb;
  uint32_t *off = a->sb_off;
  size_t m = 0;
  for (size_t i = 0; i < len;) {
    unsigned c = t[i];
    unsigned k;
    size_t sl = 1;
    if (c < 0x80) {
      k = a->sb_ascii[c];
    } else {
      UChar32 cp;
      int dl = ra_utf8_dec(t + i, len - i, &cp);
      if (dl == 0) return 0; /* invalid: ICU sees U+FFFD */
      sl = (size_t)dl;
      k = (unsigned)u_getIntPropertyValue(cp, UCHAR_SENTENCE_BREAK);
    }
    if (k == U_SB_EXTEND || k == U_SB_FORMAT) return 0;
    cls[m] = (uint8_t)k;
    off[m++] = (uint32_t)i;
    i += sl;
  }
  size_t cap = 16, n = 0;
  size_t *v = malloc(cap * sizeof *v);
  if (!v) return 0;
  v[n++] = 0;
  /* What precedes k, kept as k advances (rescanning it made a long run of
   * spaces quadratic): term is the (S|A)Term of a "Term Close* Sp*" that
   * ends just before k (U_SB_OTHER: none), nsp its spaces. */
  unsigned term = U_SB_OTHER;
  size_t nsp = 0;
  for (size_t k = 1; k < m; k++) {
    unsigned prev = cls[k - 1], cur = cls[k];
    if (prev == U_SB_ATERM || prev == U_SB_STERM) {
      term = prev;
      nsp = 0;
    } else if (prev == U_SB_CLOSE && term != U_SB_OTHER && nsp == 0) {
      /* Close* */
    } else if (prev == U_SB_SP && term != U_SB_OTHER) {
      nsp++;
    } else {
      term = U_SB_OTHER;
    }
    int brk;
    if (prev == U_SB_CR && cur == U_SB_LF) {
      brk = 0; /* SB3 */
    } else if (sb_para(prev)) {
      brk = 1; /* SB4 */
    } else if (prev == U_SB_ATERM && cur == U_SB_NUMERIC) {
      brk = 0; /* SB6 */
    } else if (k >= 2 && (cls[k - 2] == U_SB_UPPER || cls[k - 2] == U_SB_LOWER) &&
               prev == U_SB_ATERM && cur == U_SB_UPPER) {
      brk = 0; /* SB7 */
    } else if (term == U_SB_OTHER) {
      brk = 0; /* SB998 */
    } else if (cur == U_SB_SCONTINUE || cur == U_SB_ATERM || cur == U_SB_STERM) {
      brk = 0; /* SB8a */
    } else if (nsp == 0 && cur == U_SB_CLOSE) {
      brk = 0; /* SB9 */
    } else if (cur == U_SB_SP || sb_para(cur)) {
      brk = 0; /* SB9, SB10 */
    } else {
      brk = 1; /* SB11, unless SB8: */
      if (term == U_SB_ATERM) {
        /* Scanned at most once per terminator: the scan stops at the
         * next one, which any later candidate needs. */
        size_t j = k;
        while (j < m && cls[j] != U_SB_OLETTER && cls[j] != U_SB_UPPER &&
               cls[j] != U_SB_LOWER && !sb_para(cls[j]) && cls[j] != U_SB_ATERM &&
               cls[j] != U_SB_STERM)
          j++;
        if (j < m && cls[j] == U_SB_LOWER) brk = 0;
      }
    }
    if (!brk) continue;
    int sup = sb_suppressed(a->sbf, t, len, off[k]);
    if (sup < 0) {
      free(v);
      return 0;
    }
    if (sup) continue;
    if (n == cap) {
      size_t *nv = realloc(v, cap * 2 * sizeof *nv);
      if (!nv) {
        free(v);
        return 0;
      }
      v = nv;
      cap *= 2;
    }
    v[n++] = off[k];
  }
  *out = v;
  *n_out = n;
  return 1;
}

void ra_sentence_free(ra_sentence *a) {
  free(a->sb);
  free(a->sb_off);
  free(a->sbf);
}
