/* gen_corpus.c - deterministic generator of synthetic article pages for
 * tests and benchmarks.
 *
 * It learns from the sample pages (corpus/ by default) with the real page
 * parser: chrome and footer lines, titles, headings, paragraphs, list items,
 * illustration descriptions and FAQ questions each train a word Markov
 * chain (order 2 with back-off to order 1).  It then writes N pages in the
 * sample layout, with a growing vocabulary (pseudo-words drawn from an
 * unbounded Zipf-like rank distribution, so distinct terms keep rising with
 * N as in real text), a tag vocabulary of a few hundred multi-word tags
 * (written to DIR/tags.txt so the indexer can split the run-together tag
 * lines), page sizes spread like the samples and about 2% near-duplicates.
 *
 * Determinism: article i depends only on (seed, i, training pages), through
 * its own xoshiro256** stream; nothing depends on locale, time, hash-table
 * iteration or directory order (training files and mutated files are
 * sorted by name).  Same seed, same bytes.  Floating point is limited to
 * + - * / and sqrt, which IEEE 754 rounds the same everywhere.
 *
 * Rules it shares with the indexer are the library's own: the illustration
 * cue words and splitter (lib/illustration.h: a generated description is
 * checked to be one the parser takes as such, prose that it would take is
 * redrawn), the page-name rule (lib/scan.h) and the string hash
 * (lib/hash.h).
 *
 * Modes (see docs/gen-corpus.md):
 *   gen_corpus --count N --out DIR [--seed S] [--train DIR] [--start K]
 *   gen_corpus --out DIR [--seed S] [--mutate PCT] [--delete N] [--add N]
 */
#define _POSIX_C_SOURCE 200809L

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "hash.h"
#include "illustration.h"
#include "jsonl.h"
#include "scan.h"

#ifndef GEN_TRAIN_DIR
#define GEN_TRAIN_DIR "corpus"
#endif

#define EXIT_USAGE 2
#define EXIT_ERROR 5

#define ARTICLES_PER_DIR 1000
#define MAX_COUNT 10000000ul
#define TRAIN_MAX_FILE (16u * 1024u * 1024u)

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* ---- errors and memory ---------------------------------------------------- */

static NORETURN PRINTF_LIKE(2, 3) void die(int code, const char *fmt, ...) {
  va_list ap;
  fputs("gen_corpus: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(code);
}

/* A benchmark tool has nothing sensible to do without memory: say so and
 * stop rather than thread NOMEM through every helper. */
static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die(EXIT_ERROR, "out of memory (%zu bytes)", n);
  return q;
}
static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) die(EXIT_ERROR, "out of memory");
  return p;
}
static char *xstrndup(const char *s, size_t n) {
  char *p = xrealloc(NULL, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* ---- growable byte buffer --------------------------------------------------- */

typedef struct sbuf {
  char *p;
  size_t n, cap;
} sbuf;

static void sb_reserve(sbuf *b, size_t add) {
  if (b->n + add + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + add + 1) cap *= 2;
  b->p = xrealloc(b->p, cap);
  b->cap = cap;
}
static void sb_put(sbuf *b, const char *s, size_t n) {
  sb_reserve(b, n);
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_put(b, &c, 1); }
static PRINTF_LIKE(2, 3) void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  int k;
  char tmp[256];
  va_start(ap, fmt);
  k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  if ((size_t)k < sizeof tmp) {
    sb_put(b, tmp, (size_t)k);
    return;
  }
  sb_reserve(b, (size_t)k);
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)k;
}
static void sb_free(sbuf *b) {
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}

/* ---- deterministic randomness --------------------------------------------- */

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint64_t mix3(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t x = a;
  uint64_t h = splitmix64(&x);
  x = h ^ b;
  h = splitmix64(&x);
  x = h ^ c;
  return splitmix64(&x);
}

typedef struct rng {
  uint64_t s[4];
} rng;

/* One independent stream per (seed, purpose, index). */
static void rng_init(rng *r, uint64_t seed, uint64_t stream, uint64_t idx) {
  uint64_t x = mix3(seed, stream, idx);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t rng_next(rng *r) { /* xoshiro256** */
  uint64_t *s = r->s;
  uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return res;
}
static uint32_t rng_below(rng *r, uint32_t n) { /* Lemire, tiny bias ok */
  if (n <= 1) return 0;
  return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}
static double rng_unit(rng *r) { /* [0, 1) */
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}
static int rng_chance(rng *r, double p) { return rng_unit(r) < p; }
static uint32_t rng_range(rng *r, uint32_t lo, uint32_t hi) { /* [lo, hi] */
  return lo + rng_below(r, hi - lo + 1);
}
/* Skewed rank in [0, n): small ranks much more often (density ~ r^-1/2). */
static uint32_t rng_skew(rng *r, uint32_t n) {
  double u = rng_unit(r);
  uint32_t k = (uint32_t)(u * u * (double)n);
  return k < n ? k : n - 1;
}

/* exp() from + - * / only, so page sizes are identical on every libm. */
static double exp_det(double x) {
  int k = 0;
  double term = 1, sum = 1;
  while (x > 0.5) { x -= 0.6931471805599453; k++; }
  while (x < -0.5) { x += 0.6931471805599453; k--; }
  for (int i = 1; i < 16; i++) {
    term *= x / i;
    sum += term;
  }
  for (; k > 0; k--) sum *= 2;
  for (; k < 0; k++) sum /= 2;
  return sum;
}

/* ---- token lexicon ---------------------------------------------------------- */

enum { TOK_START = 0, TOK_END = 1 };

typedef struct lexicon {
  char **str;
  uint32_t *len;
  signed char *cue;      /* visual-cue weight sum of the token (>= 0) */
  signed char *neg;      /* reader-address weight sum (>= 0) */
  size_t n, cap;
  uint32_t *tab;         /* open addressing: id + 1, 0 = empty */
  size_t tabcap;
} lexicon;

static uint32_t lex_intern(lexicon *lx, const char *s, size_t n);

static void lex_init(lexicon *lx) {
  memset(lx, 0, sizeof *lx);
  lx->tabcap = 1024;
  lx->tab = xcalloc(lx->tabcap, sizeof *lx->tab);
  lex_intern(lx, "<s>", 3);
  lex_intern(lx, "</s>", 4);
}

static uint32_t lex_intern(lexicon *lx, const char *s, size_t n) {
  uint64_t h = ra_fnv1a(s, n);
  size_t k = (size_t)h & (lx->tabcap - 1);
  while (lx->tab[k]) {
    uint32_t id = lx->tab[k] - 1;
    if (lx->len[id] == n && memcmp(lx->str[id], s, n) == 0) return id;
    k = (k + 1) & (lx->tabcap - 1);
  }
  if (lx->n == lx->cap) {
    lx->cap = lx->cap ? lx->cap * 2 : 256;
    lx->str = xrealloc(lx->str, lx->cap * sizeof *lx->str);
    lx->len = xrealloc(lx->len, lx->cap * sizeof *lx->len);
    lx->cue = xrealloc(lx->cue, lx->cap);
    lx->neg = xrealloc(lx->neg, lx->cap);
  }
  uint32_t id = (uint32_t)lx->n++;
  lx->str[id] = xstrndup(s, n);
  lx->len[id] = (uint32_t)n;
  lx->cue[id] = lx->neg[id] = 0;
  lx->tab[k] = id + 1;
  if (lx->n * 2 > lx->tabcap) { /* rehash */
    size_t cap = lx->tabcap * 2;
    uint32_t *tab = xcalloc(cap, sizeof *tab);
    for (size_t i = 0; i < lx->n; i++) {
      size_t j = (size_t)ra_fnv1a(lx->str[i], lx->len[i]) & (cap - 1);
      while (tab[j]) j = (j + 1) & (cap - 1);
      tab[j] = (uint32_t)i + 1;
    }
    free(lx->tab);
    lx->tab = tab;
    lx->tabcap = cap;
  }
  return id;
}

static void lex_free(lexicon *lx) {
  for (size_t i = 0; i < lx->n; i++) free(lx->str[i]);
  free(lx->str);
  free(lx->len);
  free(lx->cue);
  free(lx->neg);
  free(lx->tab);
}

static int is_upper_c(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static char lower_c(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}
/* ASCII-only, so no locale can change the result. */
static int ascii_ncaseeq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (lower_c(a[i]) != lower_c(b[i])) return 0;
  return 1;
}
static int ascii_caseeq(const char *a, const char *b) {
  size_t n = strlen(a);
  return strlen(b) == n && ascii_ncaseeq(a, b, n);
}

/* ---- word Markov chain ------------------------------------------------------ */

typedef struct trans {
  uint64_t key;
  uint32_t next, seq;
} trans;

typedef struct chain {
  trans *tr;             /* training transitions, freed by chain_build */
  size_t ntr, captr;
  uint64_t *ckey;        /* context key per context */
  uint32_t *cfirst, *ccount;
  unsigned char *cmulti; /* more than one distinct successor */
  size_t nctx;
  uint32_t *succ;
  uint32_t *tab;         /* context index + 1 */
  size_t tabcap;
  size_t nsent;
} chain;

#define CTX1(b) ((0xFFFFFFFFull << 32) | (uint64_t)(b))
#define CTX2(a, b) (((uint64_t)(a) << 32) | (uint64_t)(b))

static void chain_add_trans(chain *c, uint64_t key, uint32_t next) {
  if (c->ntr == c->captr) {
    c->captr = c->captr ? c->captr * 2 : 1024;
    c->tr = xrealloc(c->tr, c->captr * sizeof *c->tr);
  }
  c->tr[c->ntr].key = key;
  c->tr[c->ntr].next = next;
  c->tr[c->ntr].seq = (uint32_t)c->ntr;
  c->ntr++;
}

/* One training sentence: tokens ids[0..n). */
static void chain_add_sentence(chain *c, const uint32_t *ids, size_t n) {
  uint32_t a = TOK_START, b = TOK_START;
  if (n == 0) return;
  for (size_t i = 0; i <= n; i++) {
    uint32_t t = i < n ? ids[i] : TOK_END;
    chain_add_trans(c, CTX2(a, b), t);
    chain_add_trans(c, CTX1(b), t);
    a = b;
    b = t;
  }
  c->nsent++;
}

static int trans_cmp(const void *x, const void *y) {
  const trans *p = x, *q = y;
  if (p->key != q->key) return p->key < q->key ? -1 : 1;
  return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static size_t ctx_slot(uint64_t key, size_t cap) {
  uint64_t x = key;
  return (size_t)splitmix64(&x) & (cap - 1);
}

static void chain_build(chain *c) {
  qsort(c->tr, c->ntr, sizeof *c->tr, trans_cmp);
  c->succ = xrealloc(NULL, (c->ntr + 1) * sizeof *c->succ);
  c->ckey = xrealloc(NULL, (c->ntr + 1) * sizeof *c->ckey);
  c->cfirst = xrealloc(NULL, (c->ntr + 1) * sizeof *c->cfirst);
  c->ccount = xrealloc(NULL, (c->ntr + 1) * sizeof *c->ccount);
  c->cmulti = xrealloc(NULL, c->ntr + 1);
  c->nctx = 0;
  for (size_t i = 0; i < c->ntr; i++) {
    c->succ[i] = c->tr[i].next;
    if (i == 0 || c->tr[i].key != c->tr[i - 1].key) {
      c->ckey[c->nctx] = c->tr[i].key;
      c->cfirst[c->nctx] = (uint32_t)i;
      c->ccount[c->nctx] = 0;
      c->cmulti[c->nctx] = 0;
      c->nctx++;
    }
    size_t k = c->nctx - 1;
    if (c->ccount[k] && c->succ[c->cfirst[k]] != c->tr[i].next)
      c->cmulti[k] = 1;
    c->ccount[k]++;
  }
  c->tabcap = 16;
  while (c->tabcap < c->nctx * 2 + 2) c->tabcap *= 2;
  c->tab = xcalloc(c->tabcap, sizeof *c->tab);
  for (size_t k = 0; k < c->nctx; k++) {
    size_t j = ctx_slot(c->ckey[k], c->tabcap);
    while (c->tab[j]) j = (j + 1) & (c->tabcap - 1);
    c->tab[j] = (uint32_t)k + 1;
  }
  free(c->tr);
  c->tr = NULL;
  c->ntr = c->captr = 0;
}

static long chain_find(const chain *c, uint64_t key) {
  if (!c->tab) return -1;
  size_t j = ctx_slot(key, c->tabcap);
  while (c->tab[j]) {
    uint32_t k = c->tab[j] - 1;
    if (c->ckey[k] == key) return (long)k;
    j = (j + 1) & (c->tabcap - 1);
  }
  return -1;
}

static void chain_free(chain *c) {
  free(c->tr);
  free(c->ckey);
  free(c->cfirst);
  free(c->ccount);
  free(c->cmulti);
  free(c->succ);
  free(c->tab);
  memset(c, 0, sizeof *c);
}

/* Token ids of one generated sentence (at most max tokens).  Order 2, but
 * backing off to order 1 now and then (more often where the order-2
 * context has a single continuation) so the small training text is
 * recombined rather than copied. */
static size_t chain_walk(const chain *c, rng *r, uint32_t *out, size_t max) {
  uint32_t a = TOK_START, b = TOK_START;
  size_t n = 0;
  if (c->nctx == 0) return 0;
  while (n < max) {
    long k = chain_find(c, CTX2(a, b));
    if (k < 0 || rng_chance(r, c->cmulti[k] ? 0.25 : 0.6)) {
      long k1 = chain_find(c, CTX1(b));
      if (k1 >= 0) k = k1;
    }
    if (k < 0) break;
    uint32_t t = c->succ[c->cfirst[k] + rng_below(r, c->ccount[k])];
    if (t == TOK_END) break;
    if (t == TOK_START) continue;
    out[n++] = t;
    a = b;
    b = t;
  }
  return n;
}

/* ---- training material ------------------------------------------------------ */

typedef struct strv {
  char **v;
  size_t n, cap;
} strv;

static void strv_push(strv *s, const char *p, size_t n) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = xstrndup(p, n);
}
static void strv_free(strv *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}
static int strv_has_ci(const strv *s, const char *p) {
  for (size_t i = 0; i < s->n; i++)
    if (ascii_caseeq(s->v[i], p)) return 1;
  return 0;
}

enum { CH_PROSE, CH_LEAD, CH_ILLUS, CH_QUEST, CH_HEAD, CH_ITEM, CH_N };

typedef struct gen {
  uint64_t seed;
  lexicon lx;
  chain ch[CH_N];
  strv chrome, footer;    /* one per training page: majority wins */
  strv headings, illus;   /* fallbacks, verbatim from training */
  strv tags;              /* the tag vocabulary (training tags first) */
  strv tag_keys;          /* lowercased, hyphens as spaces */
  strv categories;
  ra_model *model;        /* learned from the training pages */
  ra_cuetab cues;         /* the parser's illustration cue words */
  size_t train_pages;
} gen;

/* Does token t end a sentence (., !, ? before closing quotes)? */
static int ends_sentence(const char *t, size_t n) {
  while (n > 0) {
    unsigned char c = (unsigned char)t[n - 1];
    if (c == '"' || c == ')' || c == '\'') { n--; continue; }
    /* closing quotes ” ’ (E2 80 9D / 99) */
    if (n >= 3 && (unsigned char)t[n - 3] == 0xE2 &&
        (unsigned char)t[n - 2] == 0x80 &&
        ((unsigned char)t[n - 1] == 0x9D || (unsigned char)t[n - 1] == 0x99)) {
      n -= 3;
      continue;
    }
    break;
  }
  if (n == 0) return 0;
  char c = t[n - 1];
  if (c != '.' && c != '!' && c != '?') return 0;
  /* "Dr." "Mrs." "e.g." are not sentence ends */
  if (c == '.' && ((n <= 4 && is_upper_c((unsigned char)t[0])) ||
                   memchr(t, '.', n - 1)))
    return 0;
  return 1;
}

static int starts_sentence(const char *t) {
  unsigned char c = (unsigned char)t[0];
  return is_upper_c(c) || (c >= '0' && c <= '9') || c == '"' || c >= 0x80;
}

/* Train chain ch on text: split into tokens at spaces and, when split is
 * set, into sentences. */
static void train_text(gen *g, int ch, const char *s, size_t n, int split) {
  uint32_t *ids = NULL;
  size_t nids = 0, cap = 0, i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')) i++;
    size_t j = i;
    while (j < n && s[j] != ' ' && s[j] != '\n' && s[j] != '\t') j++;
    if (j > i) {
      if (nids == cap) {
        cap = cap ? cap * 2 : 64;
        ids = xrealloc(ids, cap * sizeof *ids);
      }
      ids[nids++] = lex_intern(&g->lx, s + i, j - i);
    }
    i = j;
  }
  size_t st = 0;
  for (size_t k = 0; k < nids; k++) {
    const char *t = g->lx.str[ids[k]];
    if (split && k + 1 < nids && ends_sentence(t, g->lx.len[ids[k]]) &&
        starts_sentence(g->lx.str[ids[k + 1]])) {
      chain_add_sentence(&g->ch[ch], ids + st, k + 1 - st);
      st = k + 1;
    }
  }
  if (st < nids) chain_add_sentence(&g->ch[ch], ids + st, nids - st);
  free(ids);
}

static int ends_with(const char *s, char c) {
  size_t n = strlen(s);
  return n > 0 && s[n - 1] == c;
}

/* "1. Foo" / "12) Foo" -> "Foo" */
static const char *skip_numbering(const char *s) {
  const char *p = s;
  while (*p >= '0' && *p <= '9') p++;
  if (p > s && (*p == '.' || *p == ')') && p[1] == ' ') return p + 2;
  return s;
}

static void train_block(gen *g, const ra_block *b) {
  const char *s = b->text;
  /* Item continuations ("Label\ncontinuation") train as separate texts. */
  while (*s) {
    const char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n > 0) {
      if (b->kind == RA_BLOCK_ITEM)
        train_text(g, CH_ITEM, s, n, 0);
      else if (s[n - 1] == ':')
        train_text(g, CH_LEAD, s, n, 0);
      else if (s[n - 1] == '?')
        train_text(g, CH_QUEST, s, n, 0);
      else
        train_text(g, CH_PROSE, s, n, 1);
    }
    s += n;
    if (*s == '\n') s++;
  }
}

/* Offset of the first line (trimmed) equal to want, or (size_t)-1. */
static size_t find_line(const char *t, size_t n, const char *want) {
  size_t wl = strlen(want), i = 0;
  while (i < n) {
    const char *e = memchr(t + i, '\n', n - i);
    size_t end = e ? (size_t)(e - t) : n, a = i, b = end;
    while (a < b && (t[a] == ' ' || t[a] == '\t')) a++;
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\r'))
      b--;
    if (b - a == wl && memcmp(t + a, want, wl) == 0) return i;
    i = end + 1;
  }
  return (size_t)-1;
}

/* Start of the footer: the first line in the second half of the page that
 * the learned model calls boilerplate ((size_t)-1 if none). */
static size_t footer_start(const ra_model *m, const char *t, size_t n) {
  size_t i = 0;
  while (i < n) {
    const char *e = memchr(t + i, '\n', n - i);
    size_t end = e ? (size_t)(e - t) : n, a = i, b = end;
    while (a < b && (t[a] == ' ' || t[a] == '\t')) a++;
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
    if (i >= n / 2 && b > a && b - a <= 300 &&
        ra_model_is_boilerplate(m, t + a, b - a))
      return i;
    i = end + 1;
  }
  return (size_t)-1;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted page files directly in dir (training pages are a flat folder):
 * the files the indexer takes as pages (ra_scan_is_page_name), except JSON
 * Lines, which hold no page layout to learn from. */
static void list_pages(const char *dir, strv *out) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d) die(EXIT_ERROR, "--train: %s: cannot open: %s", dir, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    if (!ra_scan_is_page_name(e->d_name) || ra_jsonl_is_name(e->d_name))
      continue;
    sbuf p = {0};
    sb_printf(&p, "%s/%s", dir, e->d_name);
    strv_push(out, p.p, p.n);
    sb_free(&p);
  }
  closedir(d);
  qsort(out->v, out->n, sizeof *out->v, name_cmp);
}

/* Tag key: lowercase ASCII, hyphens as spaces, single spaces. */
static void tag_key(const char *s, sbuf *out) {
  out->n = 0;
  sb_reserve(out, strlen(s));
  for (; *s; s++) {
    char c = *s == '-' ? ' ' : lower_c(*s);
    if (c == ' ' && (out->n == 0 || out->p[out->n - 1] == ' ')) continue;
    sb_putc(out, c);
  }
  while (out->n && out->p[out->n - 1] == ' ') out->p[--out->n] = '\0';
}

static void add_tag(gen *g, const char *t) {
  sbuf k = {0};
  tag_key(t, &k);
  if (k.n == 0 || strv_has_ci(&g->tag_keys, k.p)) {
    sb_free(&k);
    return;
  }
  strv_push(&g->tags, t, strlen(t));
  strv_push(&g->tag_keys, k.p, k.n);
  sb_free(&k);
}

static void load_tags_file(gen *g, const char *path) {
  FILE *f = fopen(path, "r");
  char line[512];
  if (!f) return; /* optional */
  while (fgets(line, sizeof line, f)) {
    char *s = line, *e;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '#') continue;
    e = s + strlen(s);
    while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ')) *--e = 0;
    if (*s) add_tag(g, s);
  }
  fclose(f);
}

/* Tag and category vocabulary beyond the samples: domain words combined
 * into a few hundred two-word tags, picked by the seed. */
static const char *const tag_first[] = {
    "Residency", "Medical", "Clinical", "Surgical", "Pediatric", "Academic",
    "Professional", "Career", "Interview", "Application", "Wellness",
    "Leadership", "Research", "Fellowship", "Specialty", "Physician",
    "Resident", "Peer", "Board", "Rural", "Global", "Financial", "Personal",
    "Team", "Patient", "Hospital", "Work-Life", "Faculty", "Program",
    "Emergency Medicine", "Internal Medicine", "Family Medicine",
    "Primary Care", "Night Shift", "Virtual", "Osteopathic", "Intern Year",
    "Chief Resident", "Quality Improvement", "Telehealth"};
static const char *const tag_second[] = {
    "Training", "Strategies", "Skills", "Support", "Planning", "Preparation",
    "Resources", "Advice", "Balance", "Opportunities", "Insights", "Outcomes",
    "Burnout", "Wellbeing", "Communication", "Management", "Education",
    "Growth", "Applications", "Interviews", "Rotations", "Culture",
    "Relationships", "Goals", "Success", "Ethics", "Diversity", "Tips",
    "Challenges", "Transitions", "Evaluation", "Feedback", "Collaboration",
    "Scheduling", "Teaching", "Advocacy", "Milestones", "Pathways"};
static const char *const tag_single[] = {
    "Mentorship", "Networking", "Burnout", "Resilience", "Leadership",
    "USMLE", "Telehealth", "Sponsorship", "Wellbeing", "Teamwork"};
static const char *const tag_in_a[] = {
    "Leadership", "Diversity", "Ethics", "Wellness", "Innovation",
    "Communication", "Equity", "Teamwork", "Careers", "Women"};
static const char *const tag_in_b[] = {"Medicine", "Healthcare", "Surgery",
                                       "Residency", "Pediatrics"};
static const char *const categories[] = {
    "Residency Life", "Post-Match Options", "Applying to Residency",
    "Interview Preparation", "Wellness and Burnout", "Career Planning",
    "Fellowship Applications", "Research and Publications",
    "Choosing a Specialty", "Away Rotations", "Financial Planning",
    "Leadership and Teamwork", "Medical School", "International Graduates",
    "Board Exams", "Work-Life Balance", "Mentorship and Networking",
    "Personal Statements", "Letters of Recommendation", "Rank Lists",
    "Transition to Practice", "Clinical Skills", "Program Signals",
    "How to Choose the Right Residency Program"};

static void build_vocab(gen *g) {
  size_t nf = sizeof tag_first / sizeof *tag_first;
  size_t ns = sizeof tag_second / sizeof *tag_second;
  size_t total = nf * ns, want = 300;
  uint32_t *perm = xrealloc(NULL, total * sizeof *perm);
  rng r;
  rng_init(&r, g->seed, 0x7461677376ull /* "tags" */, 0);
  for (size_t i = 0; i < sizeof tag_single / sizeof *tag_single; i++)
    add_tag(g, tag_single[i]);
  for (size_t i = 0; i < total; i++) perm[i] = (uint32_t)i;
  for (size_t i = total - 1; i > 0; i--) { /* Fisher-Yates */
    uint32_t j = rng_below(&r, (uint32_t)(i + 1)), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (size_t i = 0; i < total && g->tags.n < want; i++) {
    sbuf t = {0};
    sb_printf(&t, "%s %s", tag_first[perm[i] / ns], tag_second[perm[i] % ns]);
    add_tag(g, t.p);
    sb_free(&t);
    if (i % 12 == 0) { /* some connector tags: "Leadership in Medicine" */
      sbuf c = {0};
      sb_printf(&c, "%s in %s",
                tag_in_a[rng_below(&r, sizeof tag_in_a / sizeof *tag_in_a)],
                tag_in_b[rng_below(&r, sizeof tag_in_b / sizeof *tag_in_b)]);
      add_tag(g, c.p);
      sb_free(&c);
    }
  }
  free(perm);
  for (size_t i = 0; i < sizeof categories / sizeof *categories; i++)
    if (!strv_has_ci(&g->categories, categories[i]))
      strv_push(&g->categories, categories[i], strlen(categories[i]));
}

static void train(gen *g, const char *dir) {
  strv pages = {0};
  ra_error err;
  sbuf p = {0};
  char **texts;
  size_t *lens;
  list_pages(dir, &pages);
  if (pages.n == 0)
    die(EXIT_ERROR, "--train: %s: no pages (*.txt, *.txt.gz)", dir);
  texts = xcalloc(pages.n, sizeof *texts);
  lens = xcalloc(pages.n, sizeof *lens);
  ra_error_clear(&err);
  if (ra_model_new(&g->model, &err) != RA_OK)
    die(EXIT_ERROR, "model: %s", ra_error_message(&err));
  sb_printf(&p, "%s/tags.txt", dir);
  /* Training tags first: they get the most frequent ranks. */
  load_tags_file(g, p.p);
  ra_status st = ra_model_load_tags(g->model, p.p, &err);
  if (st != RA_OK && st != RA_ERR_NOTFOUND)
    die(EXIT_ERROR, "%s", ra_error_message(&err));
  sb_free(&p);
  for (size_t i = 0; i < pages.n; i++) {
    int repaired = 0;
    if (ra_scan_read_page(pages.v[i], TRAIN_MAX_FILE, &texts[i], &lens[i],
                          &repaired, NULL, NULL, &err) != RA_OK ||
        ra_model_learn(g->model, texts[i], lens[i], &err) != RA_OK)
      die(EXIT_ERROR, "--train: %s", ra_error_message(&err));
  }
  if (ra_model_finish(g->model, &err) != RA_OK)
    die(EXIT_ERROR, "model: %s", ra_error_message(&err));
  for (size_t i = 0; i < pages.n; i++) {
    ra_article *a = NULL;
    char *id = ra_article_id_from_path(pages.v[i]);
    if (!id) die(EXIT_ERROR, "out of memory");
    if (ra_article_parse(g->model, id, pages.v[i], texts[i], lens[i], &a, NULL,
                         NULL, &err) != RA_OK) {
      fprintf(stderr, "gen_corpus: training page skipped: %s\n",
              ra_error_message(&err));
      free(id);
      continue;
    }
    free(id);
    g->train_pages++;
    /* chrome: the raw lines above the breadcrumb (or title) */
    size_t top = find_line(texts[i], lens[i], a->category ? a->category : a->title);
    if (top != (size_t)-1 && top < 400) strv_push(&g->chrome, texts[i], top);
    size_t fs = footer_start(g->model, texts[i], lens[i]);
    if (fs != (size_t)-1) strv_push(&g->footer, texts[i] + fs, lens[i] - fs);
    if (a->category && !strv_has_ci(&g->categories, a->category))
      strv_push(&g->categories, a->category, strlen(a->category));
    for (size_t k = 0; k < a->n_tags; k++) add_tag(g, a->tags[k]);
    /* titles feed the heading chain, split at ": " */
    const char *t = a->title, *c;
    while ((c = strstr(t, ": ")) != NULL) {
      train_text(g, CH_HEAD, t, (size_t)(c - t), 0);
      t = c + 2;
    }
    train_text(g, CH_HEAD, t, strlen(t), 0);
    for (size_t s = 0; s < a->n_sections; s++) {
      const ra_section *sec = &a->sections[s];
      if (sec->heading) {
        const char *h = skip_numbering(sec->heading);
        if (!ends_with(h, ':')) {
          train_text(g, CH_HEAD, h, strlen(h), 0);
          strv_push(&g->headings, h, strlen(h));
        }
      }
      for (size_t b = 0; b < sec->n_blocks; b++) train_block(g, &sec->blocks[b]);
    }
    for (size_t k = 0; k < a->n_illustrations; k++) {
      train_text(g, CH_ILLUS, a->illustrations[k], strlen(a->illustrations[k]), 1);
      strv_push(&g->illus, a->illustrations[k], strlen(a->illustrations[k]));
    }
    for (size_t q = 0; q < a->n_faqs; q++) {
      const char *qq = a->faqs[q].question;
      train_text(g, CH_QUEST, qq, strlen(qq), 0);
      for (size_t b = 0; b < a->faqs[q].n_answer; b++)
        train_block(g, &a->faqs[q].answer[b]);
    }
    ra_article_free(a);
  }
  for (size_t i = 0; i < pages.n; i++) free(texts[i]);
  free(texts);
  free(lens);
  strv_free(&pages);
  if (g->train_pages == 0) die(EXIT_ERROR, "--train: %s: no page parses", dir);
  for (int c = 0; c < CH_N; c++) chain_build(&g->ch[c]);
  if (g->ch[CH_PROSE].nctx == 0 || g->ch[CH_HEAD].nctx == 0 ||
      g->ch[CH_QUEST].nctx == 0)
    die(EXIT_ERROR, "--train: %s: too little text (paragraphs, headings and "
                    "FAQ questions are needed)", dir);
  /* Visual-cue weights per token, for illustration and prose checks: the
   * parser's weights of the words in it. */
  ra_illustration_cuetab_init(&g->cues);
  for (size_t i = 0; i < g->lx.n; i++) {
    int pos, neg;
    ra_illustration_cue_score(&g->cues, g->lx.str[i], g->lx.len[i], &pos,
                              &neg);
    g->lx.cue[i] = (signed char)(pos > 100 ? 100 : pos);
    g->lx.neg[i] = (signed char)(neg > 100 ? 100 : neg);
  }
  build_vocab(g);
}

static void gen_free(gen *g) {
  for (int c = 0; c < CH_N; c++) chain_free(&g->ch[c]);
  lex_free(&g->lx);
  strv_free(&g->chrome);
  strv_free(&g->footer);
  strv_free(&g->headings);
  strv_free(&g->illus);
  strv_free(&g->tags);
  strv_free(&g->tag_keys);
  strv_free(&g->categories);
  ra_model_free(g->model);
}

/* ---- growing vocabulary: pseudo-words by rank --------------------------- */

static const char *const syl[] = {
    "ka", "ro", "ven", "mi", "tal", "sor", "del", "an", "ri", "bo", "lu",
    "nex", "tor", "mar", "el", "qui", "zan", "fe", "dor", "pa", "len", "cor",
    "sa", "vi", "mon", "ter", "ga", "lis", "dra", "ne", "phi", "os", "tu",
    "ber", "cal", "ly", "ham", "wen", "ost", "gri", "ul", "ba", "stan", "mer",
    "ko", "vel", "ad", "ris"};
#define NSYL (sizeof syl / sizeof *syl)
static const char *const suffix[] = {"",    "",    "",     "ia",   "ine",
                                     "itis", "ology", "ase", "ex",  "on",
                                     "ard", "ski", "elli", "ova", "son"};

/* The word of rank r: distinct ranks give (almost always) distinct words,
 * short words for small ranks; about 1 in 19 carries an accent (é). */
static void pseudo_word(uint64_t seed, uint64_t r, int cap, sbuf *out) {
  uint64_t x = mix3(seed, 0x77, r);
  uint64_t n = r + NSYL; /* at least two syllables */
  size_t start = out->n;
  int pos = 0;
  while (n > 0) {
    size_t d = (size_t)((n - 1) % NSYL);
    n = (n - 1) / NSYL;
    sb_puts(out, syl[(d + (size_t)pos * 7) % NSYL]);
    pos++;
  }
  sb_puts(out, suffix[x % (sizeof suffix / sizeof *suffix)]);
  if ((x >> 20) % 19 == 0) { /* accent the last 'e' */
    for (size_t i = out->n; i > start; i--)
      if (out->p[i - 1] == 'e') {
        sbuf t = {0};
        sb_put(&t, out->p + i, out->n - i);
        out->n = i - 1;
        sb_puts(out, "\xC3\xA9");
        sb_put(out, t.p, t.n);
        sb_free(&t);
        break;
      }
  }
  if (cap && out->p[start] >= 'a' && out->p[start] <= 'z')
    out->p[start] = (char)(out->p[start] - 'a' + 'A');
}

/* Pareto-tailed rank (tail index 0.4, scale 8): u^-2.5 needs only sqrt. */
static uint64_t pseudo_rank(rng *r) {
  double u = 1.0 - rng_unit(r); /* (0, 1] */
  double v = 8.0 * (1.0 / (u * u * sqrt(u)) - 1.0);
  return v > 1e12 ? (uint64_t)1e12 : (uint64_t)v;
}
static void pseudo(const gen *g, rng *r, int cap, sbuf *out) {
  pseudo_word(g->seed, pseudo_rank(r), cap, out);
}

/* ---- documents: lines with a kind, rendered in the sample layout ---------- */

enum { L_RAW, L_CAT, L_TITLE, L_TAGS, L_CAPTION, L_HEAD, L_PARA, L_ILLUS,
       L_ITEM, L_QUEST };

typedef struct dline {
  int kind;
  size_t off, len;
  int gap; /* blank lines after it; -1: raw text, no newline added */
} dline;

typedef struct doc {
  sbuf t;
  dline *l;
  size_t n, cap;
  size_t open;
} doc;

static void doc_reset(doc *d) {
  d->t.n = 0;
  if (d->t.p) d->t.p[0] = '\0';
  d->n = 0;
}
static void doc_free(doc *d) {
  sb_free(&d->t);
  free(d->l);
  memset(d, 0, sizeof *d);
}
static void doc_open(doc *d) { d->open = d->t.n; }
static void doc_close(doc *d, int kind, int gap) {
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 128;
    d->l = xrealloc(d->l, d->cap * sizeof *d->l);
  }
  d->l[d->n].kind = kind;
  d->l[d->n].off = d->open;
  d->l[d->n].len = d->t.n - d->open;
  d->l[d->n].gap = gap;
  d->n++;
}
static void doc_add(doc *d, int kind, const char *s, size_t n, int gap) {
  doc_open(d);
  sb_put(&d->t, s, n);
  doc_close(d, kind, gap);
}
static size_t doc_bytes(const doc *d) { return d->t.n + d->n * 2; }

static void doc_render(const doc *d, sbuf *out) {
  out->n = 0;
  for (size_t i = 0; i < d->n; i++) {
    sb_put(out, d->t.p + d->l[i].off, d->l[i].len);
    if (d->l[i].gap >= 0) sb_putc(out, '\n');
    if (d->l[i].gap > 0) sb_putc(out, '\n');
  }
}

/* ---- sentences ---------------------------------------------------------- */

#define MAX_TOK 60

/* Append tokens with spaces; returns visual-cue and reader-word sums. */
static void put_tokens(const gen *g, const uint32_t *ids, size_t n, sbuf *out,
                       int *pos, int *neg) {
  *pos = *neg = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) sb_putc(out, ' ');
    sb_put(out, g->lx.str[ids[i]], g->lx.len[ids[i]]);
    *pos += g->lx.cue[ids[i]];
    *neg += g->lx.neg[ids[i]];
  }
}

static const char *const institutions[] = {
    "Medical Center", "University Hospital", "Health System",
    "Children\xE2\x80\x99s Hospital", "Memorial Hospital", "Clinic",
    "School of Medicine", "Regional Medical Center"};
static const char *const accented[] = {
    "caf\xC3\xA9", "r\xC3\xA9sum\xC3\xA9", "na\xC3\xAFve", "prot\xC3\xA9g\xC3\xA9",
    "clich\xC3\xA9", "d\xC3\xA9j\xC3\xA0 vu", "fa\xC3\xA7" "ade", "expos\xC3\xA9",
    "r\xC3\xB4le", "co\xC3\xB6perate"};
static const char *const units[] = {"hours a week", "weeks", "months",
                                    "minutes a day", "shifts", "residents",
                                    "programs", "interviews"};

/* A clause that brings names, rare words, numbers, ranges, accents,
 * apostrophes, hyphens, and now and then a URL or e-mail address. */
static void put_clause(const gen *g, rng *r, sbuf *o) {
  uint32_t k = rng_below(r, 100);
  if (k < 16) {
    sb_puts(o, ", as Dr. ");
    pseudo(g, r, 1, o);
    sb_puts(o, " at ");
    pseudo(g, r, 1, o);
    sb_printf(o, " %s points out",
              institutions[rng_below(r, sizeof institutions / sizeof *institutions)]);
  } else if (k < 30) {
    sb_puts(o, ", including ");
    pseudo(g, r, 0, o);
    sb_puts(o, " and ");
    pseudo(g, r, 0, o);
  } else if (k < 42) {
    uint32_t a = rng_range(r, 1, 12);
    sb_printf(o, " (about %u\xE2\x80\x93%u %s)", a, a + rng_range(r, 1, 6),
              units[rng_below(r, sizeof units / sizeof *units)]);
  } else if (k < 50) {
    sb_printf(o, ", roughly %u%% of residents in %u", rng_range(r, 5, 95),
              rng_range(r, 1998, 2025));
  } else if (k < 58) {
    sb_printf(o, ", much like a %s",
              accented[rng_below(r, sizeof accented / sizeof *accented)]);
  } else if (k < 68) {
    sb_puts(o, ", especially during the ");
    pseudo(g, r, 1, o);
    sb_puts(o, " rotation");
  } else if (k < 76) {
    sb_puts(o, " with a ");
    pseudo(g, r, 0, o);
    sb_puts(o, "-based approach");
  } else if (k < 84) {
    sb_puts(o, ", as the program\xE2\x80\x99s ");
    pseudo(g, r, 0, o);
    sb_puts(o, " guidelines suggest");
  } else if (k < 92) {
    sb_printf(o, " in PGY-%u", rng_range(r, 1, 5));
  } else if (k < 96) {
    sb_puts(o, " (see https://www.");
    pseudo(g, r, 0, o);
    sb_puts(o, ".org/");
    pseudo(g, r, 0, o);
    sb_puts(o, ")");
  } else {
    sb_puts(o, " (write to ");
    pseudo(g, r, 0, o);
    sb_puts(o, "@");
    pseudo(g, r, 0, o);
    sb_puts(o, ".edu)");
  }
}

/* One prose sentence from chain ch.  Sentences that read like image
 * descriptions are redrawn; with addressed, so are those that carry any
 * visual cue or do not talk to the reader (reader-word weight below 2).
 * A final punctuation mark is guaranteed. */
static void put_sentence_as(const gen *g, rng *r, int ch, sbuf *o,
                            double clause, int addressed) {
  uint32_t ids[MAX_TOK];
  size_t n = 0;
  int pos = 0, neg = 0;
  for (int tries = 0; tries < (addressed ? 40 : 8); tries++) {
    n = chain_walk(&g->ch[ch], r, ids, MAX_TOK);
    pos = neg = 0;
    for (size_t i = 0; i < n; i++) {
      pos += g->lx.cue[ids[i]];
      neg += g->lx.neg[ids[i]];
    }
    if (n > 0 && (addressed ? pos == 0 && neg >= 2 : pos < 2)) break;
  }
  if (n == 0) {
    sb_puts(o, "Residency is demanding.");
    return;
  }
  size_t st = o->n;
  put_tokens(g, ids, n, o, &pos, &neg);
  char last = o->p[o->n - 1];
  int has_end = last == '.' || last == '!' || last == '?' || last == ':';
  if (!has_end) {
    while (o->n > st && (last == ',' || last == ';' || last == '-')) {
      o->p[--o->n] = '\0';
      last = o->n > st ? o->p[o->n - 1] : '.';
    }
  }
  if (has_end && last != ':' && rng_chance(r, clause)) {
    char p = last;
    o->p[--o->n] = '\0';
    put_clause(g, r, o);
    sb_putc(o, p);
  } else if (!has_end) {
    if (rng_chance(r, clause)) put_clause(g, r, o);
    sb_putc(o, '.');
  }
}
static void put_sentence(const gen *g, rng *r, int ch, sbuf *o, double clause) {
  put_sentence_as(g, r, ch, o, clause, 0);
}

/* A prose paragraph of lo..hi sentences in which the parser finds no
 * illustration description (else it is drawn again, up to 4 times). */
static void put_para(const gen *g, rng *r, sbuf *o, uint32_t lo, uint32_t hi) {
  size_t st = o->n;
  for (int draw = 0; draw < 4; draw++) {
    uint32_t n = rng_range(r, lo, hi);
    o->n = st;
    for (uint32_t i = 0; i < n; i++) {
      if (i) sb_putc(o, ' ');
      put_sentence(g, r, CH_PROSE, o, 0.45);
    }
    if (ra_illustration_split(&g->cues, o->p + st, o->n - st) == o->n - st)
      return;
  }
}

/* Does the parser read all of the paragraph s[0..n) as one illustration
 * description (lib/illustration.c)? */
static int is_illus(const gen *g, const char *s, size_t n) {
  return ra_illustration_split(&g->cues, s, n) == 0;
}

/* An illustration description: 3-5 sentences, each with visual cues and
 * none addressed to the reader, that the parser's splitter takes whole
 * (else another draw, then a training description that it takes). */
static void put_illus(const gen *g, rng *r, sbuf *o) {
  static const char dflt[] =
      "A vibrant scene of residents in scrubs, soft lighting and warm hues in "
      "the background. Photorealistic style, capturing the bustling "
      "atmosphere.";
  size_t st = o->n;
  for (int draw = 0; draw < 4; draw++) {
    uint32_t want = rng_range(r, 3, 5), got = 0;
    int total = 0;
    o->n = st;
    for (int tries = 0; got < want && tries < 40; tries++) {
      uint32_t ids[MAX_TOK];
      size_t n = chain_walk(&g->ch[CH_ILLUS], r, ids, MAX_TOK);
      int pos = 0, neg = 0;
      for (size_t i = 0; i < n; i++) {
        pos += g->lx.cue[ids[i]];
        neg += g->lx.neg[ids[i]];
      }
      if (n < 4 || pos < 2 || neg > 0) continue;
      char last = g->lx.str[ids[n - 1]][g->lx.len[ids[n - 1]] - 1];
      if (last != '.' && last != '!') continue;
      if (got) sb_putc(o, ' ');
      put_tokens(g, ids, n, o, &pos, &neg);
      total += pos;
      got++;
    }
    if (got >= 3 && total >= 6 && is_illus(g, o->p + st, o->n - st)) return;
  }
  /* fall back to a training description (the first the splitter takes
   * from a random start), or to a fixed one */
  o->n = st;
  if (g->illus.n) {
    uint32_t k = rng_below(r, (uint32_t)g->illus.n);
    for (size_t i = 0; i < g->illus.n; i++) {
      const char *t = g->illus.v[(k + i) % g->illus.n];
      if (is_illus(g, t, strlen(t))) {
        sb_puts(o, t);
        return;
      }
    }
  }
  sb_puts(o, dflt);
}

static const char *const connectors[] = {"in", "of", "and", "for", "the",
                                         "to", "on", "with", "at", "by", "a",
                                         "an", "or", "vs", "from", "into"};
static int is_connector(const char *w, size_t n) {
  for (size_t i = 0; i < sizeof connectors / sizeof *connectors; i++)
    if (strlen(connectors[i]) == n && ascii_ncaseeq(connectors[i], w, n))
      return 1;
  return 0;
}

/* A heading from the heading chain: 2-10 words, starts with a capital, no
 * final punctuation, no sentence break, not an FAQ opener. */
static void put_heading(const gen *g, rng *r, sbuf *o, const char *avoid) {
  static const char *const bad[] = {"FAQ", "Frequently", "Questions and",
                                    "Common Questions", "Q&A", "Overview",
                                    "overview", "Related Articles"};
  sbuf h = {0};
  for (int tries = 0; tries < 20; tries++) {
    uint32_t ids[MAX_TOK];
    size_t n = chain_walk(&g->ch[CH_HEAD], r, ids, 12);
    int pos, neg, ok = 1;
    h.n = 0;
    put_tokens(g, ids, n, &h, &pos, &neg);
    /* strip final punctuation and dangling connectors */
    for (;;) {
      while (h.n && strchr(".,:;!?-\xE2\x80\x94", h.p[h.n - 1])) h.n--;
      size_t s = h.n;
      while (s && h.p[s - 1] != ' ') s--;
      if (s > 0 && is_connector(h.p + s, h.n - s)) {
        h.n = s - 1;
        continue;
      }
      break;
    }
    if (h.n) h.p[h.n] = '\0';
    size_t words = h.n ? 1 : 0;
    for (size_t i = 0; i < h.n; i++) words += h.p[i] == ' ';
    if (h.n < 4 || h.n > 110 || words < 2 || words > 10) ok = 0;
    if (ok && !is_upper_c((unsigned char)h.p[0])) ok = 0;
    if (ok && (strstr(h.p, ". ") || strstr(h.p, "? ") || strstr(h.p, "! ")))
      ok = 0;
    for (size_t i = 0; ok && i < sizeof bad / sizeof *bad; i++)
      if (strncmp(h.p, bad[i], strlen(bad[i])) == 0) ok = 0;
    if (ok && avoid && strcmp(h.p, avoid) == 0) ok = 0;
    if (ok) {
      sb_put(o, h.p, h.n);
      sb_free(&h);
      return;
    }
  }
  sb_free(&h);
  if (g->headings.n)
    sb_puts(o, g->headings.v[rng_below(r, (uint32_t)g->headings.n)]);
  else
    sb_puts(o, "Building Your Network");
}

static void put_question(const gen *g, rng *r, sbuf *o) {
  uint32_t ids[MAX_TOK];
  size_t n = 0;
  int pos, neg;
  for (int tries = 0; tries < 10 && n < 3; tries++)
    n = chain_walk(&g->ch[CH_QUEST], r, ids, 30);
  if (n < 3) {
    sb_puts(o, "How can I build my residency network?");
    return;
  }
  put_tokens(g, ids, n, o, &pos, &neg);
  while (o->n && strchr(".,:;!?", o->p[o->n - 1])) o->p[--o->n] = '\0';
  sb_putc(o, '?');
}

/* ---- tag lines ------------------------------------------------------------ */

/* Would appending tag t create a known tag across a tag boundary?  Then the
 * indexer's splitter could prefer it and the line would not split back
 * into the tags written; such a choice is skipped. */
static int tag_conflicts(const gen *g, const char *const *words, size_t nw,
                         size_t new_from) {
  sbuf k = {0};
  int bad = 0;
  for (size_t a = 0; a < nw && !bad; a++)
    for (size_t b = a + 1; b <= nw && b - a <= 8 && !bad; b++) {
      if (b <= new_from || a >= new_from) continue; /* no boundary crossed */
      k.n = 0;
      for (size_t i = a; i < b; i++) {
        if (i > a) sb_putc(&k, ' ');
        sb_puts(&k, words[i]);
      }
      if (k.n == 0) continue;
      sbuf kk = {0};
      tag_key(k.p, &kk);
      if (strv_has_ci(&g->tag_keys, kk.p)) bad = 1;
      sb_free(&kk);
    }
  sb_free(&k);
  return bad;
}

static void put_tagline(const gen *g, rng *r, sbuf *o) {
  const char *words[64];
  size_t nw = 0, used[8], nused = 0;
  uint32_t want = rng_range(r, 3, 6);
  char *copy[8];
  for (uint32_t t = 0; t < want; t++) {
    for (int tries = 0; tries < 30; tries++) {
      size_t pick = rng_skew(r, (uint32_t)g->tags.n), i, from = nw;
      for (i = 0; i < nused && used[i] != pick; i++) {}
      if (i < nused) continue;
      char *c = xstrndup(g->tags.v[pick], strlen(g->tags.v[pick]));
      size_t save = nw;
      for (char *p = strtok(c, " "); p && nw < 64; p = strtok(NULL, " "))
        words[nw++] = p;
      if (nw > 40 || tag_conflicts(g, words, nw, from)) {
        nw = save;
        free(c);
        continue;
      }
      copy[nused] = c;
      used[nused++] = pick;
      break;
    }
  }
  for (size_t i = 0; i < nused; i++) {
    if (i) sb_putc(o, ' ');
    sb_puts(o, g->tags.v[used[i]]);
    free(copy[i]);
  }
}

/* ---- one article ------------------------------------------------------------ */

typedef struct ctx {
  const gen *g;
  doc *d;
  rng *r;
} ctx;

static void add_para(ctx *c, uint32_t lo, uint32_t hi) {
  doc_open(c->d);
  put_para(c->g, c->r, &c->d->t, lo, hi);
  doc_close(c->d, L_PARA, 1);
}
/* An introduction with a description glued to its end (as in 003).  Its
 * sentences talk to the reader and carry no visual cue, so the parser's
 * splitter cuts the paragraph where the description begins; a draw that
 * it would cut elsewhere is redrawn, and after 8 the paragraph stays plain
 * prose. */
static void add_glued_intro(ctx *c) {
  doc *d = c->d;
  doc_open(d);
  for (int draw = 0; draw < 8; draw++) {
    uint32_t n = rng_range(c->r, 2, 4);
    d->t.n = d->open;
    for (uint32_t i = 0; i < n; i++) {
      if (i) sb_putc(&d->t, ' ');
      put_sentence_as(c->g, c->r, CH_PROSE, &d->t, 0.45, 1);
    }
    size_t end = d->t.n;
    sb_putc(&d->t, ' ');
    put_illus(c->g, c->r, &d->t);
    if (ra_illustration_split(&c->g->cues, d->t.p + d->open,
                              d->t.n - d->open) == end + 1 - d->open)
      break;
    d->t.p[d->t.n = end] = '\0';
  }
  doc_close(d, L_PARA, 1);
}
static void add_illus(ctx *c) {
  doc_open(c->d);
  put_illus(c->g, c->r, &c->d->t);
  doc_close(c->d, L_ILLUS, 1);
}
static void add_heading(ctx *c, const char *prefix, unsigned num) {
  doc_open(c->d);
  if (num) sb_printf(&c->d->t, "%u. ", num);
  if (prefix) sb_puts(&c->d->t, prefix);
  put_heading(c->g, c->r, &c->d->t, NULL);
  doc_close(c->d, L_HEAD, 1);
}
/* "Label: sentence." */
static void put_labelled(ctx *c, sbuf *o) {
  put_heading(c->g, c->r, o, NULL);
  sb_puts(o, ": ");
  put_sentence(c->g, c->r, CH_PROSE, o, 0.3);
  if (rng_chance(c->r, 0.5)) {
    sb_putc(o, ' ');
    put_sentence(c->g, c->r, CH_PROSE, o, 0.3);
  }
}
static void add_lead(ctx *c) {
  doc_open(c->d);
  uint32_t ids[MAX_TOK];
  size_t n = chain_walk(&c->g->ch[CH_LEAD], c->r, ids, 20);
  int pos, neg;
  if (n == 0) sb_puts(&c->d->t, "Consider:");
  else {
    put_tokens(c->g, ids, n, &c->d->t, &pos, &neg);
    sbuf *t = &c->d->t;
    while (t->n > c->d->open && strchr(".,:;!?", t->p[t->n - 1])) t->n--;
    sb_putc(t, ':');
  }
  doc_close(c->d, L_PARA, 1);
}
static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x80\xA2", "-", "*"};

static void add_bullets(ctx *c) {
  uint32_t n = rng_range(c->r, 3, 7);
  const char *b = bullets[rng_below(c->r, 4)];
  for (uint32_t i = 0; i < n; i++) {
    doc_open(c->d);
    sb_printf(&c->d->t, "  %s ", b);
    uint32_t kind = rng_below(c->r, 10);
    if (kind < 3) { /* label with a continuation line (002 style) */
      put_heading(c->g, c->r, &c->d->t, NULL);
      sb_puts(&c->d->t, "\n    ");
      put_sentence(c->g, c->r, CH_PROSE, &c->d->t, 0.3);
    } else if (kind < 7) {
      uint32_t ids[MAX_TOK];
      size_t k = chain_walk(&c->g->ch[CH_ITEM], c->r, ids, 30);
      int pos, neg;
      if (k == 0) put_sentence(c->g, c->r, CH_PROSE, &c->d->t, 0.3);
      else put_tokens(c->g, ids, k, &c->d->t, &pos, &neg);
    } else {
      put_sentence(c->g, c->r, CH_PROSE, &c->d->t, 0.3);
    }
    doc_close(c->d, L_ITEM, 0);
    if (rng_chance(c->r, 0.12)) { /* a nested item */
      doc_open(c->d);
      sb_puts(&c->d->t, "    \xE2\x97\xA6 ");
      put_sentence(c->g, c->r, CH_PROSE, &c->d->t, 0.2);
      doc_close(c->d, L_ITEM, 0);
    }
  }
  c->d->l[c->d->n - 1].gap = 1;
}

static void add_numbered_items(ctx *c) {
  uint32_t n = rng_range(c->r, 3, 6);
  for (uint32_t i = 1; i <= n; i++) {
    doc_open(c->d);
    sb_printf(&c->d->t, "  %u. ", i);
    put_labelled(c, &c->d->t);
    doc_close(c->d, L_ITEM, 1);
  }
}

static void add_section(ctx *c) {
  uint32_t kind = rng_below(c->r, 100);
  add_heading(c, NULL, 0);
  if (kind < 30) { /* numbered sub-headings (000 style) */
    uint32_t n = rng_range(c->r, 2, 5);
    add_para(c, 2, 4);
    for (uint32_t i = 1; i <= n; i++) {
      add_heading(c, NULL, i);
      add_para(c, 2, 5);
      if (rng_chance(c->r, 0.3)) {
        static const char *const pre[] = {"Tip: ", "Example: ",
                                          "Recommendation: ", "Note: "};
        doc_open(c->d);
        sb_puts(&c->d->t, pre[rng_below(c->r, 4)]);
        put_sentence(c->g, c->r, CH_PROSE, &c->d->t, 0.3);
        doc_close(c->d, L_PARA, 1);
      }
      if (rng_chance(c->r, 0.2)) add_illus(c);
    }
  } else if (kind < 55) { /* lead-in and a bullet list (002 style) */
    add_para(c, 2, 4);
    add_lead(c);
    add_bullets(c);
    if (rng_chance(c->r, 0.4)) add_para(c, 1, 3);
  } else if (kind < 75) { /* plain paragraphs */
    add_para(c, 3, 6);
    if (rng_chance(c->r, 0.4)) add_illus(c);
    add_para(c, 2, 5);
  } else if (kind < 90) { /* "Label: text" paragraphs (001 style) */
    uint32_t n = rng_range(c->r, 3, 5);
    if (rng_chance(c->r, 0.5)) add_illus(c);
    for (uint32_t i = 0; i < n; i++) {
      doc_open(c->d);
      put_labelled(c, &c->d->t);
      doc_close(c->d, L_PARA, 1);
    }
  } else { /* indented numbered list (004 style) */
    add_para(c, 1, 3);
    add_numbered_items(c);
  }
}

static void add_faq(ctx *c, const char *title) {
  uint32_t k = rng_below(c->r, 100), n = rng_range(c->r, 3, 6);
  int numbered = rng_chance(c->r, 0.75);
  doc_open(c->d);
  if (k < 60) sb_puts(&c->d->t, "FAQs");
  else if (k < 75) sb_puts(&c->d->t, "Frequently Asked Questions");
  else if (k < 85) sb_puts(&c->d->t, "FAQ");
  else {
    sb_puts(&c->d->t, "FAQs: ");
    put_heading(c->g, c->r, &c->d->t, title);
  }
  doc_close(c->d, L_HEAD, 1);
  for (uint32_t i = 1; i <= n; i++) {
    doc_open(c->d);
    if (numbered) sb_printf(&c->d->t, "%u. ", i);
    put_question(c->g, c->r, &c->d->t);
    doc_close(c->d, L_QUEST, 1);
    if (rng_chance(c->r, 0.15)) {
      add_lead(c);
      add_bullets(c);
    } else {
      add_para(c, 1, 3);
    }
  }
}

/* Page size in bytes: log-normal around the samples' sizes (10-21 KB),
 * median 14.5 KB, clamped to 5-64 KB. */
static size_t target_size(rng *r) {
  double z = -6.0;
  for (int i = 0; i < 12; i++) z += rng_unit(r);
  double s = 14500.0 * exp_det(0.38 * z);
  if (s < 5000) s = 5000;
  if (s > 65536) s = 65536;
  return (size_t)s;
}

/* The chrome / footer of a training page, chosen by page (so the variants
 * keep their sample frequencies). */
static const char *pick(const strv *s, rng *r, const char *dflt) {
  return s->n ? s->v[rng_below(r, (uint32_t)s->n)] : dflt;
}

static void make_title(const gen *g, rng *r, sbuf *o) {
  for (int tries = 0; tries < 5; tries++) {
    o->n = 0;
    put_heading(g, r, o, NULL);
    if (rng_chance(r, 0.6)) {
      sb_puts(o, ": ");
      put_heading(g, r, o, o->p);
    }
    if (o->n <= 200) return;
  }
}

/* A fresh article i. */
static void build_fresh(const gen *g, uint64_t i, doc *d) {
  rng r;
  ctx c = {g, d, &r};
  sbuf title = {0};
  rng_init(&r, g->seed, 0xA271C1E5ull, i);
  doc_reset(d);
  size_t target = target_size(&r);
  uint32_t layout = rng_below(&r, 100);
  const char *chrome = pick(&g->chrome, &r, "Residency Advisor\nResources\n");
  make_title(g, &r, &title);
  doc_add(d, L_RAW, chrome, strlen(chrome), -1);
  if (layout < 65) { /* breadcrumb, title twice */
    const char *cat = g->categories.v[rng_below(&r, (uint32_t)g->categories.n)];
    doc_add(d, L_CAT, cat, strlen(cat), 0);
    doc_add(d, L_TITLE, title.p, title.n, 1);
    doc_add(d, L_TITLE, title.p, title.n, 1);
  } else if (layout < 85) { /* title twice, no breadcrumb */
    doc_add(d, L_TITLE, title.p, title.n, 1);
    doc_add(d, L_TITLE, title.p, title.n, 1);
  } else { /* title once, then an alt-text caption (002 style) */
    doc_add(d, L_TITLE, title.p, title.n, 1);
  }
  doc_open(d);
  put_tagline(g, &r, &d->t);
  doc_close(d, L_TAGS, 1);
  if (layout >= 85) {
    doc_open(d);
    size_t tl = title.n > 40 ? 40 : title.n;
    while (tl < title.n && ((unsigned char)title.p[tl] & 0xC0) == 0x80) tl++;
    sb_puts(&d->t, "Residents ");
    pseudo(g, &r, 0, &d->t);
    sb_puts(&d->t, " together in a hospital conference room - Residency for ");
    sb_put(&d->t, title.p, tl);
    doc_close(d, L_CAPTION, 1);
  }
  /* lead */
  uint32_t lead = rng_below(&r, 100);
  if (lead < 45) {
    doc_add(d, L_HEAD, "Introduction", 12, 1);
    if (rng_chance(&r, 0.08)) { /* description glued to the intro (003) */
      add_glued_intro(&c);
    } else {
      add_para(&c, 3, 6);
      if (rng_chance(&r, 0.6)) add_illus(&c);
    }
  } else if (lead < 75) {
    add_illus(&c);
    add_para(&c, 3, 6);
  } else {
    add_para(&c, 3, 6);
    if (rng_chance(&r, 0.5)) add_illus(&c);
  }
  size_t tail = 2600 + (g->footer.n ? strlen(g->footer.v[0]) : 0);
  do add_section(&c);
  while (doc_bytes(d) + tail < target);
  if (rng_chance(&r, 0.9)) {
    doc_add(d, L_HEAD, "Conclusion", 10, 1);
    add_para(&c, 3, 6);
  }
  add_faq(&c, title.p);
  add_para(&c, 2, 3); /* closing paragraph */
  const char *footer = pick(&g->footer, &r, "");
  d->l[d->n - 1].gap = *footer ? 1 : 0;
  if (*footer) doc_add(d, L_RAW, footer, strlen(footer), -1);
  sb_free(&title);
}

/* Near-duplicates: about 2% of the articles are an earlier one (the
 * source, itself possibly a near-duplicate) with small edits, like two
 * versions of one page. */
static int dup_source(const gen *g, uint64_t i, uint64_t *src) {
  rng r;
  if (i == 0) return 0;
  rng_init(&r, g->seed, 0xD0Bull, i);
  if (!rng_chance(&r, 0.02)) return 0;
  uint64_t span = i < 1000 ? i : 1000;
  *src = i - 1 - (rng_next(&r) % span);
  return 1;
}

static void build_article(const gen *g, uint64_t i, doc *d, int depth) {
  uint64_t src;
  if (depth >= 4 || !dup_source(g, i, &src)) {
    build_fresh(g, i, d);
    return;
  }
  doc base = {0};
  rng r;
  sbuf title = {0};
  build_article(g, src, &base, depth + 1);
  rng_init(&r, g->seed, 0xED17ull, i);
  ctx c = {g, d, &r};
  int new_title = rng_chance(&r, 0.5);
  if (new_title) make_title(g, &r, &title);
  doc_reset(d);
  for (size_t k = 0; k < base.n; k++) {
    const dline *l = &base.l[k];
    const char *s = base.t.p + l->off;
    if (l->kind == L_TITLE && new_title) {
      doc_add(d, L_TITLE, title.p, title.n, l->gap);
    } else if (l->kind == L_CAPTION && new_title) {
      size_t tl = title.n > 40 ? 40 : title.n;
      while (tl < title.n && ((unsigned char)title.p[tl] & 0xC0) == 0x80) tl++;
      doc_open(d);
      sb_puts(&d->t, "Residents networking in a hospital conference room - "
                     "Residency for ");
      sb_put(&d->t, title.p, tl);
      doc_close(d, L_CAPTION, l->gap);
    } else if (l->kind == L_PARA && rng_chance(&r, 0.12)) {
      add_para(&c, 2, 4);
      d->l[d->n - 1].gap = l->gap;
    } else {
      doc_add(d, l->kind, s, l->len, l->gap);
    }
  }
  sb_free(&title);
  doc_free(&base);
}

/* ---- file output -------------------------------------------------------------- */

static void mkdir_p(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n >= sizeof buf) die(EXIT_USAGE, "--out: path too long: %s", path);
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char c = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      die(EXIT_ERROR, "%s: cannot create directory: %s", buf, strerror(errno));
    buf[i] = c;
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    die(EXIT_ERROR, "%s: not a directory", path);
}

static void write_file(const char *path, const char *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) die(EXIT_ERROR, "%s: cannot create: %s", path, strerror(errno));
  if (fwrite(data, 1, n, f) != n || fclose(f) != 0)
    die(EXIT_ERROR, "%s: write failed: %s", path, strerror(errno));
}

/* Write via a temporary name and rename, so a reader never sees half a
 * page (used when changing existing corpora). */
static void replace_file(const char *path, const char *data, size_t n) {
  sbuf tmp = {0};
  sb_printf(&tmp, "%s.gen-tmp", path);
  write_file(tmp.p, data, n);
  if (rename(tmp.p, path) != 0)
    die(EXIT_ERROR, "%s: cannot rename: %s", path, strerror(errno));
  sb_free(&tmp);
}

static uint64_t article_hex(uint64_t seed, uint64_t i) {
  return mix3(seed, 0x1D5ull, i);
}

static void article_path(const char *out, uint64_t seed, uint64_t i, sbuf *p,
                         sbuf *dir) {
  dir->n = 0;
  sb_printf(dir, "%s/%02" PRIu64, out, i / ARTICLES_PER_DIR);
  p->n = 0;
  sb_printf(p, "%s/%06" PRIu64 "_%016" PRIx64 ".txt", dir->p, i,
            article_hex(seed, i));
}

static void write_tags(const gen *g, const char *out) {
  sbuf t = {0}, p = {0};
  sb_puts(&t, "# tags.txt - tag vocabulary of this generated corpus "
              "(bench/gen_corpus).\n"
              "# One tag per line; the indexer splits the run-together tag "
              "lines with it.\n");
  for (size_t i = 0; i < g->tags.n; i++) {
    sb_puts(&t, g->tags.v[i]);
    sb_putc(&t, '\n');
  }
  sb_printf(&p, "%s/tags.txt", out);
  replace_file(p.p, t.p, t.n);
  sb_free(&t);
  sb_free(&p);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long generate(const gen *g, const char *out,
                                   uint64_t start, uint64_t count) {
  doc d = {0};
  sbuf page = {0}, path = {0}, dir = {0}, made = {0};
  unsigned long long bytes = 0;
  mkdir_p(out);
  for (uint64_t i = start; i < start + count; i++) {
    build_article(g, i, &d, 0);
    doc_render(&d, &page);
    article_path(out, g->seed, i, &path, &dir);
    if (made.n != dir.n || memcmp(made.p, dir.p, dir.n) != 0) {
      mkdir_p(dir.p);
      made.n = 0;
      sb_put(&made, dir.p, dir.n);
    }
    write_file(path.p, page.p, page.n);
    bytes += page.n;
  }
  doc_free(&d);
  sb_free(&page);
  sb_free(&path);
  sb_free(&dir);
  sb_free(&made);
  return bytes;
}

/* ---- changing an existing corpus ------------------------------------------- */

/* NNNNNN_<16 hex>.txt: generated article pages only. */
static int is_article_name(const char *s, uint64_t *num) {
  const char *p = s;
  uint64_t v = 0;
  while (*p >= '0' && *p <= '9') v = v * 10 + (uint64_t)(*p++ - '0');
  if (p == s || *p++ != '_') return 0;
  for (int k = 0; k < 16; k++, p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  if (strcmp(p, ".txt") != 0) return 0;
  if (num) *num = v;
  return 1;
}

/* All article pages under dir (one level of subdirectories and dir
 * itself), sorted by path. */
static void list_articles(const char *dir, strv *out, uint64_t *max_num,
                          int *any) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d) die(EXIT_ERROR, "--out: %s: cannot open: %s", dir, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    uint64_t num;
    sbuf p = {0};
    struct stat st;
    if (e->d_name[0] == '.') continue;
    sb_printf(&p, "%s/%s", dir, e->d_name);
    if (is_article_name(e->d_name, &num)) {
      strv_push(out, p.p, p.n);
      if (!*any || num > *max_num) *max_num = num;
      *any = 1;
    } else if (stat(p.p, &st) == 0 && S_ISDIR(st.st_mode)) {
      DIR *d2 = opendir(p.p);
      struct dirent *e2;
      while (d2 && (e2 = readdir(d2)) != NULL) {
        if (!is_article_name(e2->d_name, &num)) continue;
        sbuf q = {0};
        sb_printf(&q, "%s/%s", p.p, e2->d_name);
        strv_push(out, q.p, q.n);
        sb_free(&q);
        if (!*any || num > *max_num) *max_num = num;
        *any = 1;
      }
      if (d2) closedir(d2);
    }
    sb_free(&p);
  }
  closedir(d);
  qsort(out->v, out->n, sizeof *out->v, name_cmp);
}

typedef struct keyed {
  uint64_t key;
  size_t idx;
} keyed;
static int keyed_cmp(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The first k files of a seed-dependent order (by hash of the base name,
 * so the choice does not depend on where DIR is). */
static size_t *choose(const strv *files, uint64_t seed, uint64_t purpose,
                      size_t k) {
  keyed *v = xcalloc(files->n, sizeof *v);
  size_t *out = xcalloc(k, sizeof *out);
  for (size_t i = 0; i < files->n; i++) {
    const char *b = strrchr(files->v[i], '/');
    b = b ? b + 1 : files->v[i];
    v[i].key = mix3(seed, purpose, ra_fnv1a(b, strlen(b)));
    v[i].idx = i;
  }
  qsort(v, files->n, sizeof *v, keyed_cmp);
  for (size_t i = 0; i < k; i++) out[i] = v[i].idx;
  free(v);
  return out;
}

static int read_all(const char *path, sbuf *out) {
  FILE *f = fopen(path, "rb");
  char buf[65536];
  size_t n;
  out->n = 0;
  if (!f) return -1;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_put(out, buf, n);
  int bad = ferror(f);
  fclose(f);
  return bad ? -1 : 0;
}

/* Change one page: a prose paragraph between the tag line and the footer
 * gets its last sentence replaced (or a sentence appended), so the page's
 * content hash changes while its layout stays valid. */
static int mutate_page(const gen *g, const char *path, uint64_t seed) {
  sbuf in = {0}, out = {0};
  size_t cand[4096], nc = 0, i = 0, line = 0;
  if (read_all(path, &in) != 0)
    die(EXIT_ERROR, "%s: cannot read: %s", path, strerror(errno));
  if (in.n == 0) { sb_free(&in); return 0; }
  size_t fs = footer_start(g->model, in.p, in.n);
  if (fs == (size_t)-1) fs = in.n;
  while (i < fs && nc < sizeof cand / sizeof *cand) {
    const char *e = memchr(in.p + i, '\n', in.n - i);
    size_t end = e ? (size_t)(e - in.p) : in.n;
    if (line >= 6 && end - i >= 150 && in.p[i] != ' ') {
      char last = in.p[end - 1];
      if ((last == '.' || last == '!' || last == '?') &&
          ra_illustration_split(&g->cues, in.p + i, end - i) == end - i)
        cand[nc++] = i;
    }
    i = end + 1;
    line++;
  }
  if (nc == 0) { sb_free(&in); return 0; }
  /* Keyed by base name and content: the same change wherever DIR is, and
   * a different one each time the page is mutated again. */
  rng r;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  rng_init(&r, seed, ra_fnv1a(base, strlen(base)), ra_fnv1a(in.p, in.n));
  size_t a = cand[rng_below(&r, (uint32_t)nc)];
  const char *e = memchr(in.p + a, '\n', in.n - a);
  size_t b = e ? (size_t)(e - in.p) : in.n, cut = b;
  /* start of the last sentence: after ". " + capital */
  for (size_t k = b - 1; k > a + 2; k--)
    if ((in.p[k - 2] == '.' || in.p[k - 2] == '!' || in.p[k - 2] == '?') &&
        in.p[k - 1] == ' ' && is_upper_c((unsigned char)in.p[k])) {
      cut = k;
      break;
    }
  sb_put(&out, in.p, cut);
  if (cut == b) sb_putc(&out, ' ');
  size_t st = out.n;
  put_sentence(g, &r, CH_PROSE, &out, 0.6);
  if (cut < b && out.n - st == b - cut && memcmp(out.p + st, in.p + cut, b - cut) == 0) {
    sb_putc(&out, ' '); /* identical by chance: add one more */
    put_sentence(g, &r, CH_PROSE, &out, 1.0);
  }
  sb_put(&out, in.p + b, in.n - b);
  replace_file(path, out.p, out.n);
  sb_free(&in);
  sb_free(&out);
  return 1;
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(FILE *f) {
  fprintf(f,
          "Usage: gen_corpus --count N --out DIR [--seed S] [--start K] "
          "[--train DIR]\n"
          "       gen_corpus --out DIR [--seed S] [--mutate PCT] [--delete N] "
          "[--add N] [--train DIR]\n"
          "Write N synthetic article pages (numbered K.. K+N-1) to "
          "DIR/NN/NNNNNN_<hex>.txt\nand the tag vocabulary to DIR/tags.txt; "
          "same seed, same bytes.\n\n"
          "  -n, --count N     articles to write\n"
          "  -o, --out DIR     output corpus directory (created)\n"
          "  -s, --seed S      seed (default 1)\n"
          "  -k, --start K     number of the first article (default 0)\n"
          "  -t, --train DIR   sample pages to learn from (default %s,\n"
          "                    else ./corpus)\n"
          "      --mutate PCT  change a paragraph in PCT%% of the articles "
          "in DIR\n"
          "      --delete N    delete N articles of DIR\n"
          "      --add N       add N articles after the highest number in "
          "DIR\n"
          "  -q, --quiet       no summary on stderr\n"
          "  -h, --help        this help\n"
          "Changes run in the order delete, mutate, add.  Exit status: 0 "
          "done, 2 usage,\n5 error.\n",
          GEN_TRAIN_DIR);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
  char *end;
  unsigned long long v;
  if (!s || !*s || *s == '-' || *s == '+') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end || v > max) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"count", required_argument, NULL, 'n'},
      {"out", required_argument, NULL, 'o'},
      {"seed", required_argument, NULL, 's'},
      {"start", required_argument, NULL, 'k'},
      {"train", required_argument, NULL, 't'},
      {"mutate", required_argument, NULL, 'M'},
      {"delete", required_argument, NULL, 'D'},
      {"add", required_argument, NULL, 'A'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  uint64_t count = 0, seed = 1, start = 0, del = 0, add = 0;
  double pct = -1;
  int have_count = 0, quiet = 0, c;
  const char *out = NULL, *train_dir = NULL;

  while ((c = getopt_long(argc, argv, "n:o:s:k:t:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (parse_u64(optarg, MAX_COUNT, &count))
        die(EXIT_USAGE, "--count: not a number from 0 to %lu: '%s'", MAX_COUNT,
            optarg);
      have_count = 1;
      break;
    case 'o': out = optarg; break;
    case 's':
      if (parse_u64(optarg, UINT64_MAX, &seed))
        die(EXIT_USAGE, "--seed: not a non-negative integer: '%s'", optarg);
      break;
    case 'k':
      if (parse_u64(optarg, 999999999ull, &start))
        die(EXIT_USAGE, "--start: not a number from 0 to 999999999: '%s'",
            optarg);
      break;
    case 't': train_dir = optarg; break;
    case 'M': {
      char *end;
      errno = 0;
      pct = strtod(optarg, &end);
      if (errno || end == optarg || *end || !(pct >= 0 && pct <= 100))
        die(EXIT_USAGE, "--mutate: not a percentage from 0 to 100: '%s'",
            optarg);
      break;
    }
    case 'D':
      if (parse_u64(optarg, MAX_COUNT, &del))
        die(EXIT_USAGE, "--delete: not a number from 0 to %lu: '%s'",
            MAX_COUNT, optarg);
      break;
    case 'A':
      if (parse_u64(optarg, MAX_COUNT, &add))
        die(EXIT_USAGE, "--add: not a number from 0 to %lu: '%s'", MAX_COUNT,
            optarg);
      break;
    case 'q': quiet = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind < argc) die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
  if (!out || !*out) die(EXIT_USAGE, "--out DIR is required");
  int changing = pct >= 0 || del || add;
  if (have_count == changing)
    die(EXIT_USAGE, "give either --count, or one or more of --mutate, "
                    "--delete, --add");
  if (start + count > 999999999ull)
    die(EXIT_USAGE, "--start + --count: above 999999999 articles");

  if (!train_dir) {
    struct stat st;
    train_dir = stat(GEN_TRAIN_DIR, &st) == 0 && S_ISDIR(st.st_mode)
                    ? GEN_TRAIN_DIR
                    : "corpus";
  }
  gen g;
  memset(&g, 0, sizeof g);
  g.seed = seed;
  lex_init(&g.lx);
  double t0 = now_s();
  train(&g, train_dir);

  if (have_count) {
    mkdir_p(out);
    write_tags(&g, out);
    unsigned long long bytes = generate(&g, out, start, count);
    if (!quiet)
      fprintf(stderr,
              "gen_corpus: %" PRIu64 " articles (%" PRIu64 "..%" PRIu64
              "), %.1f MB in %s, %.2f s (seed %" PRIu64 ")\n",
              count, start, count ? start + count - 1 : start,
              (double)bytes / 1e6, out, now_s() - t0, seed);
  } else {
    strv files = {0};
    uint64_t max_num = 0;
    int any = 0;
    size_t deleted = 0, mutated = 0;
    list_articles(out, &files, &max_num, &any);
    if (del > files.n)
      die(EXIT_USAGE, "--delete %" PRIu64 ": %s holds only %zu articles", del,
          out, files.n);
    if (del) {
      size_t *pickv = choose(&files, seed, 0xDE1ull, (size_t)del);
      for (size_t i = 0; i < (size_t)del; i++) {
        if (unlink(files.v[pickv[i]]) != 0)
          die(EXIT_ERROR, "%s: cannot delete: %s", files.v[pickv[i]],
              strerror(errno));
        deleted++;
      }
      free(pickv);
      strv_free(&files);
      list_articles(out, &files, &max_num, &any);
    }
    if (pct > 0) {
      size_t k = (size_t)((double)files.n * pct / 100.0 + 0.5);
      size_t *pickv = choose(&files, seed, 0x307Aull, k);
      for (size_t i = 0; i < k; i++)
        mutated += (size_t)mutate_page(&g, files.v[pickv[i]], seed);
      free(pickv);
    }
    if (add) {
      uint64_t from = any ? max_num + 1 : 0;
      write_tags(&g, out);
      generate(&g, out, from, add);
    }
    if (!quiet)
      fprintf(stderr,
              "gen_corpus: %s: deleted %zu, mutated %zu, added %" PRIu64
              " articles (%.2f s)\n",
              out, deleted, mutated, add, now_s() - t0);
    strv_free(&files);
  }
  gen_free(&g);
  return 0;
}
