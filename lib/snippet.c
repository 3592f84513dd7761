/* snippet.c - fragment selection and highlight ranges.
 *
 * Query clauses become patterns (a word, a phrase, a prefix, a synonym);
 * each passage is analysed once, tokens are tested against every pattern
 * word, and a pattern matched over several tokens becomes one "match
 * token" so nothing downstream can cut inside it. */
#define _GNU_SOURCE
#include "snippet.h"

#include "qbuild.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RA_MAX_SLOTS 128 /* pattern words tested per token (2 x 64 bits) */

/* ---- patterns --------------------------------------------------------------- */

typedef struct pat {
  const ra_qword *w;
  size_t n;
  int prefix; /* the (single) word is a prefix */
  int exact;  /* folded form only, no stem (synonyms: wellness is not well) */
  int clause; /* coverage id */
  size_t base; /* first slot */
} pat;

typedef struct matcher {
  pat p[RA_MAX_SLOTS];
  size_t n, n_slots;
  /* The starts a word must have for its stem to be one compared here:
   * each such stem less its last letter (plus odd starts), with the slot
   * and clause it stands for.  The byte screen and the analyser's stem
   * keys both use them.  stem_unkeyed: some stem is too short to say;
   * stem_all: the analyser stems every word (that, or an exhaustive
   * snippet, the reference). */
  const char *skey[2 * RA_MAX_SLOTS];
  size_t sklen[2 * RA_MAX_SLOTS];
  unsigned char skslot[2 * RA_MAX_SLOTS];
  int skclause[2 * RA_MAX_SLOTS];
  size_t n_skeys;
  int stem_unkeyed, stem_all;
  const ra_deadline *dl; /* a snippet's: analysis stops once past it */
  int *cut;              /* set when it did */
} matcher;

_Static_assert(RA_MAX_SLOTS <= 256, "slots are kept in one byte");

/* Snowball's English stems start like their words less the last letter,
 * except dying, lying and tying (die, lie, tie): the extra two-letter
 * start such a stem's words may have, or NULL.  Shared by the byte screen
 * and the analyser's stem keys, which must agree. */
static const char *stem_odd_start(const char *stem, size_t sl) {
  if (sl != 3 || stem[1] != 'i' || stem[2] != 'e') return NULL;
  switch (stem[0]) {
  case 'd': return "dy";
  case 'l': return "ly";
  case 't': return "ty";
  default: return NULL;
  }
}

static void stem_key_add(matcher *m, const char *k, size_t len, size_t slot,
                         int clause) {
  if (m->n_skeys < sizeof m->skey / sizeof *m->skey) {
    m->skey[m->n_skeys] = k;
    m->sklen[m->n_skeys] = len;
    m->skslot[m->n_skeys] = (unsigned char)slot;
    m->skclause[m->n_skeys++] = clause;
  } else {
    m->stem_unkeyed = 1;
  }
}

static void matcher_stem_keys(matcher *m) {
  for (size_t p = 0; p < m->n; p++) {
    if (m->p[p].prefix || m->p[p].exact) continue; /* no stem compared */
    for (size_t j = 0; j < m->p[p].n; j++) {
      const char *st = m->p[p].w[j].stem;
      size_t sl = st ? strlen(st) : 0;
      if (sl < 2) {
        m->stem_unkeyed = 1;
        continue;
      }
      size_t slot = m->p[p].base + j;
      stem_key_add(m, st, sl - 1, slot, m->p[p].clause);
      const char *odd = stem_odd_start(st, sl);
      if (odd) stem_key_add(m, odd, 2, slot, m->p[p].clause);
    }
  }
  m->stem_all = m->stem_unkeyed;
}

static void add_pat(matcher *m, const ra_qword *w, size_t n, int prefix,
                    int exact, int clause) {
  if (n == 0 || m->n >= RA_MAX_SLOTS || m->n_slots + n > RA_MAX_SLOTS) return;
  pat *p = &m->p[m->n++];
  p->w = w;
  p->n = n;
  p->prefix = prefix;
  p->exact = exact;
  p->clause = clause;
  p->base = m->n_slots;
  m->n_slots += n;
}

static void matcher_fill(matcher *m, const ra_query *q, int in_title);

/* in_title: the text is an article's title, where title: clauses match
 * too; elsewhere they are left out (they search titles only). */
static void matcher_init(matcher *m, const ra_query *q, int in_title) {
  memset(m, 0, sizeof *m);
  if (!q) return;
  matcher_fill(m, q, in_title);
  matcher_stem_keys(m);
}

/* A plain word: not a phrase, prefix or title: clause (as qbuild.c). */
static int plain_word(const ra_query *q, const ra_qnode *n) {
  if (n->kind != RA_QN_CLAUSE) return 0;
  const ra_qclause *c = &q->clauses[n->clause];
  return c->kind == RA_QC_TEXT && !c->phrase && !c->wildcard && !c->title_only &&
         c->n_words == 1;
}

/* Mark in out[] the clauses the ranking leaves out as stop words, so that
 * "the" in "the camaraderie" is not highlighted on its own: the words of
 * an AND that ra_qbuild_is_stop_item skips (plain, no expansion, on the
 * stop list), except the words of a run with one expansion, which are
 * searched together ("quality of life" -> qol).  Mirrors build_and in
 * qbuild.c.  Only when the query has some other word: a query of only
 * stop words searches (and shows) them. */
static void mark_unranked(const ra_query *q, const ra_qnode *n, unsigned char *out) {
  if (n->kind == RA_QN_CLAUSE) return;
  for (size_t i = 0; i < n->n_kids; i++) {
    const ra_qnode *k = &n->kids[i];
    if (n->kind == RA_QN_AND && plain_word(q, k)) {
      const ra_qclause *c = &q->clauses[k->clause];
      size_t span = c->exp_span, j = 0;
      if (span > 1 && i + span <= n->n_kids) {
        while (j < span && plain_word(q, &n->kids[i + j])) j++;
        if (j == span) {
          i += span - 1;
          continue;
        }
      }
      if (c->n_exps == 0 && ra_qbuild_is_stop_word(c->words[0].word))
        out[k->clause] = 1;
      continue;
    }
    mark_unranked(q, k, out);
  }
}

static void matcher_fill(matcher *m, const ra_query *q, int in_title) {
  unsigned char *unranked = NULL;
  if (q->root && q->n_clauses && ra_qbuild_has_content_word(q)) {
    unranked = calloc(q->n_clauses, 1);
    if (unranked) mark_unranked(q, q->root, unranked);
  }
  for (size_t c = 0; c < q->n_clauses; c++) {
    const ra_qclause *cl = &q->clauses[c];
    if (cl->kind != RA_QC_TEXT || cl->negated || cl->n_words == 0) continue;
    if (cl->title_only && !in_title) continue;
    if (unranked && unranked[c]) continue; /* not highlighted on its own */
    if (cl->phrase)
      add_pat(m, cl->words, cl->n_words, 0, 0, (int)c);
    else
      for (size_t w = 0; w < cl->n_words; w++)
        add_pat(m, &cl->words[w], 1, cl->wildcard, 0, (int)c);
    for (size_t e = 0; e < cl->n_exps; e++)
      add_pat(m, cl->exps[e].words, cl->exps[e].n_words, 0, 1, (int)c);
  }
  free(unranked);
}

static int word_matches(const ra_qword *qw, int prefix, int exact,
                        const ra_token *t) {
  size_t wl = strlen(qw->word);
  if (prefix) return t->word_len >= wl && memcmp(t->word, qw->word, wl) == 0;
  if (wl == t->word_len && memcmp(qw->word, t->word, wl) == 0) return 1;
  if (exact) return 0;
  size_t sl = strlen(qw->stem);
  return sl == t->stem_len && memcmp(qw->stem, t->stem, sl) == 0;
}

/* ---- scanning a passage ------------------------------------------------------ */

typedef struct mtok {
  size_t start, end;
  int qword; /* clause id of the pattern matched here, -1 if none */
} mtok;

typedef struct rawtok {
  size_t start, end;
  uint64_t mask[2];
} rawtok;

typedef struct scan {
  const matcher *m;
  rawtok *toks;
  size_t n, cap;
  int nomem;
} scan;

static int scan_cb(void *vctx, const ra_token *t) {
  scan *s = vctx;
  /* A clock read per 1024 tokens: one huge passage cannot outlive the
   * deadline (what was found so far is kept). */
  if (s->m->dl && (s->n & 1023) == 1023 && ra_deadline_expired(s->m->dl)) {
    *s->m->cut = 1;
    return 1;
  }
  if (t->flags & RA_TOK_COLOCATED) {
    /* A URL's parts share its position; keep the finer-grained parts. */
    if (s->n) s->n--;
  }
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 128;
    rawtok *nt = realloc(s->toks, nc * sizeof *nt);
    if (!nt) {
      s->nomem = 1;
      return 1;
    }
    s->toks = nt;
    s->cap = nc;
  }
  rawtok *r = &s->toks[s->n++];
  r->start = t->start;
  r->end = t->end;
  r->mask[0] = r->mask[1] = 0;
  for (size_t p = 0; p < s->m->n; p++) {
    const pat *pt = &s->m->p[p];
    for (size_t j = 0; j < pt->n; j++)
      if (word_matches(&pt->w[j], pt->prefix, pt->exact, t)) {
        size_t slot = pt->base + j;
        r->mask[slot / 64] |= 1ull << (slot % 64);
      }
  }
  return 0;
}

static int has_slot(const rawtok *r, size_t slot) {
  return (r->mask[slot / 64] >> (slot % 64)) & 1u;
}

/* Can text hold a match at all?  Analysing every block of every hit was
 * over half the query time, so blocks are first screened with a byte
 * search, which must never say "no" to a block that has a match.
 *
 * A token starts where the byte before is not an ASCII letter or digit
 * (UAX #29 never starts a word inside a run of them, and the analyser
 * only splits further at punctuation).  A token whose first bytes are
 * ASCII matches a query word only when its lowercased surface starts
 * with the folded word (possessives and all), or, for a stem match, with
 * the stem less its last letter: Snowball's English rules rewrite at
 * most the last letter of what they keep (happy -> happi, hoping ->
 * hope).  Of its exceptions only dying, lying and tying (die, lie, tie)
 * start otherwise, and get a key of their own.  Anything the screen cannot
 * reason about says "maybe": a word with a digit or a non-ASCII letter, a
 * non-ASCII character where a token could start (it might fold to ASCII),
 * a non-ASCII byte inside a compared key (an ignorable soft hyphen). */
#define RA_SCREEN_KEY 32

typedef struct screen {
  char key[2 * RA_MAX_SLOTS][RA_SCREEN_KEY];
  size_t klen[2 * RA_MAX_SLOTS];
  int clause[2 * RA_MAX_SLOTS]; /* the query clause a key stands for */
  unsigned char slot[2 * RA_MAX_SLOTS]; /* the pattern word it stands for */
  size_t n;
  const matcher *m;
  int always; /* some word cannot be screened */
  unsigned char first[256];
  unsigned char cls[256]; /* SC_* bits of each byte */
} screen;

#define SC_ALNUM 1u /* ASCII letter or digit */
#define SC_FIRST 2u /* some key starts with it */
#define SC_HIGH 4u  /* not ASCII */

static inline int ascii_alnum(unsigned char c) {
  return (unsigned)(c - '0') < 10u || (unsigned)((c | 0x20) - 'a') < 26u;
}

static void screen_add(screen *sc, const char *w, size_t len, int clause,
                       size_t slot) {
  if (len == 0) {
    sc->always = 1;
    return;
  }
  if (len > RA_SCREEN_KEY) len = RA_SCREEN_KEY;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)w[i] >= 0x80 || (w[i] >= '0' && w[i] <= '9')) {
      sc->always = 1;
      return;
    }
  if (sc->n >= 2 * RA_MAX_SLOTS) {
    sc->always = 1;
    return;
  }
  memcpy(sc->key[sc->n], w, len);
  sc->clause[sc->n] = clause;
  sc->slot[sc->n] = (unsigned char)slot;
  sc->klen[sc->n++] = len;
  unsigned char c = (unsigned char)w[0];
  sc->first[c] = 1;
  if (c >= 'a' && c <= 'z') sc->first[c - 'a' + 'A'] = 1;
}

static void screen_init(screen *sc, const matcher *m) {
  memset(sc, 0, sizeof *sc);
  sc->m = m;
  for (size_t p = 0; p < m->n; p++)
    for (size_t j = 0; j < m->p[p].n; j++) {
      const ra_qword *w = &m->p[p].w[j];
      screen_add(sc, w->word, strlen(w->word), m->p[p].clause, m->p[p].base + j);
    }
  if (m->stem_unkeyed) sc->always = 1;
  for (size_t k = 0; k < m->n_skeys; k++)
    screen_add(sc, m->skey[k], m->sklen[k], m->skclause[k], m->skslot[k]);
  for (unsigned c = 0; c < 256; c++)
    sc->cls[c] = (unsigned char)((c >= 0x80 ? SC_HIGH : 0) |
                                 (ascii_alnum((unsigned char)c) ? SC_ALNUM : 0) |
                                 (c < 0x80 && sc->first[c] ? SC_FIRST : 0));
}

/* Spaces and punctuation that neither start nor continue a word, and
 * fold to nothing a key could hold: no-break space, guillemets, the
 * General Punctuation block's spaces, dashes, quotes, bullets; arrows and
 * geometric shapes (list markers such as U+25E6), all word-break "Other"
 * with no letter or digit in their NFKC case folding (checked with ICU). */
static int plain_punct(uint32_t cp) {
  if (cp == 0xA0 || cp == 0xAB || cp == 0xBB || cp == 0xA7 || cp == 0xB6 || cp == 0xB7)
    return 1;
  return (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2010 && cp <= 0x205E) ||
         (cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x25A0 && cp <= 0x25FF);
}

/* Keys starting at text[i] (a word start): the bits of their clauses, 0
 * if none; -1 (all bits) when a non-ASCII byte makes it undecidable.
 * Each pattern word with a key here counts once in seen[] (at[] holds the
 * last place counted, plus one). */
static unsigned long long keys_at(const screen *sc, const char *text, size_t len,
                                  size_t i, uint32_t *seen, size_t *at) {
  unsigned long long cov = 0;
  for (size_t k = 0; k < sc->n; k++) {
    size_t kl = sc->klen[k];
    size_t j = 0;
    while (j < kl && i + j < len) {
      unsigned char t = (unsigned char)text[i + j];
      if (t >= 0x80) return ~0ull;
      if (t >= 'A' && t <= 'Z') t = (unsigned char)(t - 'A' + 'a');
      if (t != (unsigned char)sc->key[k][j]) break;
      j++;
    }
    if (j == kl) {
      cov |= 1ull << (sc->clause[k] & 63);
      size_t sl = sc->slot[k];
      if (at[sl] != i + 1) {
        at[sl] = i + 1;
        seen[sl]++;
      }
    }
  }
  return cov;
}

/* What the screen knows of a passage: can it match at all, and if so at
 * most which clauses (cover) in how many tokens (count).  A token that
 * matches starts with some key at a word start, so both are upper bounds
 * of what analysis can find; "cannot tell" is every clause, no limit. */
typedef struct bound {
  int maybe;
  unsigned long long cover;
  int count;
} bound;

static bound screen_bound(const screen *sc, const char *text, size_t len) {
  bound b = {0, 0, 0};
  bound all = {1, ~0ull, 1 << 30};
  if (sc->always) return all;
  /* This scan sees every byte of every hit (a tenth of a query's time),
   * so the common byte costs one table look-up and a branch that is
   * rarely taken: only a key's first letter at a token start, or a
   * non-ASCII byte, needs a closer look. */
  const unsigned char *t = (const unsigned char *)text;
  unsigned prev_an = 0; /* the unit before i is an ASCII letter or digit */
  uint32_t seen[RA_MAX_SLOTS];
  size_t at[RA_MAX_SLOTS];
  size_t ns = sc->m->n_slots;
  memset(seen, 0, ns * sizeof *seen);
  memset(at, 0, ns * sizeof *at);
  for (size_t i = 0; i < len;) {
    unsigned k = sc->cls[t[i]];
    if (!((k & (prev_an ? SC_HIGH : SC_HIGH | SC_FIRST)))) {
      prev_an = k & SC_ALNUM;
      i++;
      continue;
    }
    if (k & SC_FIRST) { /* a token may start here with a key */
      unsigned long long kb = keys_at(sc, text, len, i, seen, at);
      if (kb == ~0ull) return all;
      if (kb) {
        b.maybe = 1;
        b.cover |= kb;
        b.count++;
      }
      prev_an = k & SC_ALNUM;
      i++;
      continue;
    }
    size_t sl = ra_utf8_seq(text + i, len - i);
    if (sl < 2) { /* invalid: analysed as U+FFFD, a separator */
      prev_an = 0;
      i++;
      continue;
    }
    uint32_t cp = t[i] & (0xFF >> (sl + 1));
    for (size_t j = 1; j < sl; j++) cp = cp << 6 | (t[i + j] & 0x3F);
    if (!prev_an && !plain_punct(cp)) return all;
    prev_an = 0;
    i += sl;
  }
  /* A pattern matches once per run of its words in a row, so at most as
   * often as its least seen word: a phrase of two common words bounds a
   * passage by its phrases, not by every use of either word. */
  unsigned long long cover = 0;
  long count = 0;
  for (size_t p = 0; b.maybe && p < sc->m->n; p++) {
    const pat *pt = &sc->m->p[p];
    uint32_t least = seen[pt->base];
    for (size_t j = 1; j < pt->n; j++)
      if (seen[pt->base + j] < least) least = seen[pt->base + j];
    if (!least) continue;
    cover |= 1ull << (pt->clause & 63);
    count += least;
  }
  b.cover &= cover;
  if (count < b.count) b.count = (int)count;
  if (!b.cover) b = (bound){0, 0, 0};
  return b;
}

static int screen_pass(const screen *sc, const char *text, size_t len) {
  return screen_bound(sc, text, len).maybe;
}

/* Analyse text and return match tokens (phrase matches merged); *out is
 * malloc'd (may be NULL when *n is 0). */
static ra_status scan_text(ra_analyzer *an, const matcher *m, const char *text,
                           size_t len, mtok **out, size_t *n, ra_error *err) {
  *out = NULL;
  *n = 0;
  scan s = {.m = m};
  /* Only words that could have a compared stem are stemmed: a cold
   * process (a CGI request) spent a twentieth of its time in Snowball. */
  static const char *const none[] = {"\x01"}; /* no plain word starts so */
  static const size_t none_len[] = {1};
  if (!m->stem_all && m->n_skeys)
    ra_analyzer_set_stem_keys(an, m->skey, m->sklen, m->n_skeys);
  else if (!m->stem_all)
    ra_analyzer_set_stem_keys(an, none, none_len, 1); /* no stem compared */
  ra_status st = ra_analyze(an, text, len, 0, scan_cb, &s, NULL, err);
  ra_analyzer_set_stem_keys(an, NULL, NULL, 0);
  if (!st && s.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  mtok *o = NULL;
  if (!st && s.n) {
    o = malloc(s.n * sizeof *o);
    if (!o) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  }
  size_t k = 0;
  for (size_t i = 0; !st && i < s.n;) {
    size_t best = 0;
    int clause = -1;
    for (size_t p = 0; p < m->n; p++) {
      const pat *pt = &m->p[p];
      if (pt->n <= best || i + pt->n > s.n) continue;
      size_t j = 0;
      while (j < pt->n && has_slot(&s.toks[i + j], pt->base + j)) j++;
      if (j == pt->n) {
        best = pt->n;
        clause = pt->clause;
      }
    }
    if (!best) best = 1;
    o[k].start = s.toks[i].start;
    o[k].end = s.toks[i + best - 1].end;
    o[k].qword = clause;
    k++;
    i += best;
  }
  free(s.toks);
  if (st) {
    free(o);
    return st;
  }
  *out = o;
  *n = k;
  return RA_OK;
}

/* ---- windows ------------------------------------------------------------------- */

typedef struct cand {
  const char *text;
  const char *section;
  int kind;           /* SRC_* */
  size_t first, last; /* token window [first, last] */
  unsigned long long cover; /* bit set of matched clauses */
  int distinct, count;
  size_t n_toks;
} cand;

enum { SRC_BODY, SRC_FAQ, SRC_HEADING, SRC_QUESTION, SRC_ILLUSTRATION };

static int popcount64(unsigned long long v) {
  int n = 0;
  while (v) {
    v &= v - 1;
    n++;
  }
  return n;
}

static unsigned long long bit(int clause) { return 1ull << (clause & 63); }

/* Best window of at most max_bytes in a block: most distinct clauses, then
 * most matches, then earliest. */
static void best_window(const mtok *t, size_t n, size_t max_bytes, cand *c) {
  c->distinct = 0;
  c->count = 0;
  c->cover = 0;
  c->first = 0;
  c->last = n ? n - 1 : 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i].qword < 0) continue; /* windows start on a match */
    unsigned long long cov = 0;
    int cnt = 0;
    size_t last = i;
    for (size_t j = i; j < n && t[j].end - t[i].start <= max_bytes; j++) {
      if (t[j].qword >= 0) {
        cov |= bit(t[j].qword);
        cnt++;
        last = j;
      }
    }
    int d = popcount64(cov);
    if (d > c->distinct || (d == c->distinct && cnt > c->count)) {
      c->distinct = d;
      c->count = cnt;
      c->cover = cov;
      c->first = i;
      c->last = last;
    }
  }
}

/* The lead window of a block: from its first token, as many tokens as fit. */
static void lead_window(const mtok *t, size_t n, size_t max_bytes, cand *c) {
  c->first = 0;
  c->last = 0;
  c->cover = 0;
  c->count = 0;
  if (!n) return;
  size_t last = 0;
  while (last + 1 < n && t[last + 1].end - t[0].start <= max_bytes) last++;
  c->last = last;
  for (size_t i = 0; i <= last; i++)
    if (t[i].qword >= 0) {
      c->cover |= bit(t[i].qword);
      c->count++;
    }
  c->distinct = popcount64(c->cover);
}

static int is_ws(char ch) { return ch == ' ' || ch == '\n' || ch == '\t'; }

static ra_status make_fragment(ra_analyzer *an, const cand *c, const mtok *t,
                               size_t n, size_t max_bytes, ra_fragment *f,
                               ra_error *err) {
  size_t len = strlen(c->text);
  memset(f, 0, sizeof *f);
  if (n == 0) return ra_error_set(err, RA_ERR_INTERNAL, "empty fragment");
  size_t lo = c->first, hi = c->last;
  size_t a = t[lo].start, b = t[hi].end;
  int aligned = 0;
  /* Start on the sentence holding the first match when it fits. */
  size_t *ss = NULL, nss = 0;
  if (ra_analyze_sentences(an, c->text, len, &ss, &nss, NULL) == RA_OK) {
    size_t s = 0;
    for (size_t i = 0; i < nss; i++)
      if (ss[i] <= a) s = ss[i];
    while (s < a && is_ws(c->text[s])) s++;
    if (b - s <= max_bytes) {
      while (lo > 0 && t[lo - 1].start >= s) lo--;
      a = s;
      aligned = 1;
      /* ...and end on the last sentence boundary that still fits. */
      size_t e = 0;
      for (size_t i = 0; i <= nss; i++) {
        size_t cand_e = i < nss ? ss[i] : len;
        while (cand_e > b && is_ws(c->text[cand_e - 1])) cand_e--;
        if (cand_e >= b && cand_e - a <= max_bytes && cand_e > e) e = cand_e;
      }
      if (e) {
        while (hi + 1 < n && t[hi + 1].end <= e) hi++;
        b = e;
      } else {
        while (hi + 1 < n && t[hi + 1].end - a <= max_bytes) hi++;
        b = t[hi].end;
      }
    }
    free(ss);
  }
  if (!aligned) {
    /* Grow the window with context on both sides, whole tokens only. */
    while (1) {
      int grew = 0;
      if (lo > 0 && b - t[lo - 1].start <= max_bytes &&
          (hi + 1 >= n || lo + 6 > c->first)) {
        lo--;
        a = t[lo].start;
        grew = 1;
      }
      if (hi + 1 < n && t[hi + 1].end - a <= max_bytes) {
        hi++;
        b = t[hi].end;
        grew = 1;
      }
      if (!grew) break;
    }
    if (lo == 0 && b <= max_bytes) a = 0;
  }
  /* Glued punctuation: to the block's end (no trailing space), or the
   * characters stuck to the last token ("word,"), within the limit. */
  if (hi + 1 >= n) {
    size_t e = len;
    while (e > b && is_ws(c->text[e - 1])) e--;
    if (e - a <= max_bytes) b = e;
  } else if (b < t[hi + 1].start) {
    size_t e = b;
    while (e < len && e < t[hi + 1].start && !is_ws(c->text[e])) e++;
    if (e - a <= max_bytes) b = e;
  }
  if (lo == 0 && a > 0 && b <= max_bytes) {
    /* Leading punctuation before the first token ("“Ask"). */
    size_t s = 0;
    while (s < a && is_ws(c->text[s])) s++;
    a = s;
  }
  f->text = strndup(c->text + a, b - a);
  if (!f->text) return ra_error_set(err, RA_ERR_NOMEM, "snippet");
  f->len = b - a;
  f->section = c->section;
  f->faq = c->kind == SRC_FAQ || c->kind == SRC_QUESTION;
  f->illustration = c->kind == SRC_ILLUSTRATION;
  f->cut_before = a > 0;
  f->cut_after = b < len;
  size_t nh = 0;
  for (size_t i = lo; i <= hi && i < n; i++)
    if (t[i].qword >= 0) nh++;
  if (nh) {
    f->hls = malloc(nh * sizeof *f->hls);
    if (!f->hls) return ra_error_set(err, RA_ERR_NOMEM, "snippet");
    for (size_t i = lo; i <= hi && i < n; i++) {
      if (t[i].qword < 0 || t[i].start < a || t[i].end > b) continue;
      f->hls[f->n_hls].start = t[i].start - a;
      f->hls[f->n_hls].end = t[i].end - a;
      f->n_hls++;
    }
  }
  return RA_OK;
}

/* ---- sources ---------------------------------------------------------------- */

typedef struct source {
  const char *text;    /* the passage shown */
  const char *section; /* heading or question */
  int kind;
} source;

/* Passages are taken in order until RA_SNIPPET_MAX_SCREEN bytes have
 * been (the one that crosses it whole); the rest are left out, cut. */
typedef struct budget {
  size_t taken;
  int cut;
} budget;

static ra_status add_source(source **v, size_t *n, size_t *cap, budget *bu,
                            const char *text, const char *section, int kind,
                            ra_error *err) {
  if (!text || !*text) return RA_OK;
  if (bu->taken >= RA_SNIPPET_MAX_SCREEN) {
    bu->cut = 1;
    return RA_OK;
  }
  bu->taken += strlen(text);
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    source *nv = realloc(*v, nc * sizeof *nv);
    if (!nv) return ra_error_set(err, RA_ERR_NOMEM, "snippet");
    *v = nv;
    *cap = nc;
  }
  (*v)[*n].text = text;
  (*v)[*n].section = section;
  (*v)[*n].kind = kind;
  (*n)++;
  return RA_OK;
}

static ra_status hls_of(const mtok *t, size_t n, ra_hl **hls, size_t *n_hls,
                        ra_error *err) {
  *hls = NULL;
  *n_hls = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (t[i].qword >= 0) k++;
  if (!k) return RA_OK;
  *hls = malloc(k * sizeof **hls);
  if (!*hls) return ra_error_set(err, RA_ERR_NOMEM, "highlight");
  for (size_t i = 0; i < n; i++)
    if (t[i].qword >= 0) {
      (*hls)[*n_hls].start = t[i].start;
      (*hls)[*n_hls].end = t[i].end;
      (*n_hls)++;
    }
  return RA_OK;
}

/* Analyse a body, FAQ or illustration passage and find its best window. */
static ra_status analyse(ra_analyzer *an, const matcher *m, cand *c, mtok **toks,
                         size_t max_bytes, ra_error *err) {
  ra_status st = scan_text(an, m, c->text, strlen(c->text), toks, &c->n_toks, err);
  if (!st) best_window(*toks, c->n_toks, max_bytes, c);
  return st;
}

ra_status ra_snippet_build(ra_analyzer *an, const ra_article *a,
                           const ra_query *q, const ra_snippet_opts *o,
                           ra_snippet **out, ra_error *err) {
  return ra_snippet_build_by(an, a, q, o, NULL, out, err);
}

ra_status ra_snippet_build_by(ra_analyzer *an, const ra_article *a,
                              const ra_query *q, const ra_snippet_opts *o,
                              const ra_deadline *dl, ra_snippet **out,
                              ra_error *err) {
  *out = NULL;
  size_t max_frags = (o && o->max_frags) ? o->max_frags : 3;
  size_t max_bytes = (o && o->max_frag_bytes) ? o->max_frag_bytes : 220;
  matcher *m = malloc(sizeof *m);
  if (!m) return ra_error_set(err, RA_ERR_NOMEM, "snippet");
  matcher_init(m, q, 0);
  source *src = NULL;
  size_t n_src = 0, cap = 0;
  budget bu = {0, 0};
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < a->n_sections; i++)
    for (size_t b = 0; !st && b < a->sections[i].n_blocks; b++)
      st = add_source(&src, &n_src, &cap, &bu, a->sections[i].blocks[b].text,
                      a->sections[i].heading, SRC_BODY, err);
  for (size_t i = 0; !st && i < a->n_faqs; i++)
    for (size_t b = 0; !st && b < a->faqs[i].n_answer; b++)
      st = add_source(&src, &n_src, &cap, &bu, a->faqs[i].answer[b].text,
                      a->faqs[i].question, SRC_FAQ, err);
  /* A matching heading or question is shown by the start of its text. */
  for (size_t i = 0; !st && i < a->n_sections; i++)
    if (a->sections[i].heading && a->sections[i].n_blocks)
      st = add_source(&src, &n_src, &cap, &bu, a->sections[i].blocks[0].text,
                      a->sections[i].heading, SRC_HEADING, err);
  for (size_t i = 0; !st && i < a->n_faqs; i++)
    if (a->faqs[i].question && a->faqs[i].n_answer)
      st = add_source(&src, &n_src, &cap, &bu, a->faqs[i].answer[0].text,
                      a->faqs[i].question, SRC_QUESTION, err);
  for (size_t i = 0; !st && i < a->n_illustrations; i++)
    st = add_source(&src, &n_src, &cap, &bu, a->illustrations[i], NULL,
                    SRC_ILLUSTRATION, err);

  ra_snippet *sn = calloc(1, sizeof *sn);
  if (sn) {
    sn->cut = bu.cut;
    m->dl = dl;
    m->cut = &sn->cut;
  }
  cand *cands = calloc(n_src ? n_src : 1, sizeof *cands);
  mtok **toks = calloc(n_src ? n_src : 1, sizeof *toks);
  char *used = calloc(n_src ? n_src : 1, 1);
  char *scanned = calloc(n_src ? n_src : 1, 1);
  bound *ub = calloc(n_src ? n_src : 1, sizeof *ub);
  screen *sc = malloc(sizeof *sc);
  if (sc) screen_init(sc, m);
  if (sc && o && o->exhaustive) sc->always = 1;
  if (o && o->exhaustive) m->stem_all = 1; /* the reference stems all */
  if (!st && (!sn || !cands || !toks || !used || !scanned || !ub || !sc))
    st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  for (size_t i = 0; !st && i < n_src; i++) {
    cand *c = &cands[i];
    c->text = src[i].text;
    c->section = src[i].section;
    c->kind = src[i].kind;
    size_t tl = strlen(src[i].text);
    if (c->kind == SRC_HEADING || c->kind == SRC_QUESTION) {
      /* Only a candidate when the heading matches: look at it first. */
      mtok *ht = NULL;
      size_t hn = 0;
      size_t sl = strlen(c->section);
      if (screen_pass(sc, c->section, sl))
        st = scan_text(an, m, c->section, sl, &ht, &hn, err);
      if (!st && hn) {
        int any = 0;
        for (size_t k = 0; k < hn; k++) any |= ht[k].qword >= 0;
        if (any) st = scan_text(an, m, src[i].text, tl, &toks[i], &c->n_toks, err);
      }
      scanned[i] = 1;
      unsigned long long hcov = 0;
      int hcnt = 0;
      for (size_t k = 0; k < hn; k++)
        if (ht[k].qword >= 0) {
          hcov |= bit(ht[k].qword);
          hcnt++;
        }
      free(ht);
      lead_window(toks[i], c->n_toks, max_bytes, c);
      if (!hcnt) {
        c->count = 0; /* only a candidate when the heading matches */
        c->cover = 0;
      } else {
        c->cover |= hcov;
        c->count += hcnt;
      }
    } else {
      /* Analysed only when it could be chosen (below). */
      ub[i] = screen_bound(sc, src[i].text, tl);
      best_window(toks[i], c->n_toks, max_bytes, c);
    }
  }
  /* Greedy cover: each round takes the passage adding the most new query
   * clauses, then the densest (so once all are shown, more passages by
   * density, up to max_frags); body text before headings (source order);
   * illustrations only if nothing else matched. */
  /* A passage is analysed only when its screen bound says it could beat
   * the best analysed one, so the choice is exactly that of analysing
   * everything (tests/test_snippet.c compares the two), at a fraction of
   * the cost: most passages of a long article never get near the top. */
  unsigned long long covered = 0;
  int any_text = 0, illus = 0;
  for (size_t i = 0; !st && i < n_src; i++) {
    if (cands[i].kind != SRC_ILLUSTRATION && cands[i].count) any_text = 1;
    if (cands[i].kind == SRC_ILLUSTRATION && (cands[i].count || ub[i].maybe)) illus = 1;
  }
  /* Whether any text matches decides only whether illustrations may be
   * shown: find out (analysing in source order) only when one could be. */
  for (size_t i = 0; !st && illus && !any_text && i < n_src && !ra_deadline_expired(m->dl); i++)
    if (ub[i].maybe && !scanned[i] && cands[i].kind != SRC_ILLUSTRATION) {
      st = analyse(an, m, &cands[i], &toks[i], max_bytes, err);
      scanned[i] = 1;
      if (cands[i].count) any_text = 1;
    }
  if (!st) sn->frags = calloc(max_frags, sizeof *sn->frags);
  if (!st && !sn->frags) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  while (!st && sn->n_frags < max_frags) {
    long best = -1;
    for (;;) {
      /* The best analysed passage, and the unanalysed one with the best
       * bound (both: most new clauses, then most matches, then first). */
      long p = -1;
      int best_new = -1, best_count = 0, p_new = -1, p_count = 0;
      best = -1;
      for (size_t i = 0; i < n_src; i++) {
        if (used[i] || (cands[i].kind == SRC_ILLUSTRATION && any_text)) continue;
        if (cands[i].count && cands[i].n_toks) {
          int nw = popcount64(cands[i].cover & ~covered);
          if (nw > best_new || (nw == best_new && cands[i].count > best_count)) {
            best = (long)i;
            best_new = nw;
            best_count = cands[i].count;
          }
        } else if (ub[i].maybe && !scanned[i] && ub[i].count) {
          int nw = popcount64(ub[i].cover & ~covered);
          if (nw > p_new || (nw == p_new && ub[i].count > p_count)) {
            p = (long)i;
            p_new = nw;
            p_count = ub[i].count;
          }
        }
      }
      if (p < 0) break;
      /* Its bound must beat the best, or tie it from an earlier place. */
      int could_beat = best < 0 || p_new > best_new ||
                       (p_new == best_new &&
                        (p_count > best_count || (p_count == best_count && p < best)));
      if (!could_beat) break;
      /* Out of time: the best of what was analysed. */
      if (m->dl && ra_deadline_expired(m->dl)) {
        sn->cut = 1;
        break;
      }
      st = analyse(an, m, &cands[p], &toks[p], max_bytes, err);
      scanned[p] = 1;
      if (st) break;
    }
    if (st || best < 0) break; /* once every clause is shown: densest next */
    /* One fragment per passage, whichever way it was reached. */
    for (size_t i = 0; i < n_src; i++)
      if (cands[i].text == cands[best].text) used[i] = 1;
    covered |= cands[best].cover;
    ra_fragment *f = &sn->frags[sn->n_frags];
    st = make_fragment(an, &cands[best], toks[best], cands[best].n_toks,
                       max_bytes, f, err);
    if (!st) {
      sn->n_frags++;
    } else {
      free(f->text);
      free(f->hls);
    }
  }
  if (!st && sn->n_frags == 0 && n_src > 0 && src[0].kind != SRC_ILLUSTRATION &&
      !scanned[0]) {
    /* Screened out above, but the lead is shown when nothing matched. */
    st = scan_text(an, m, src[0].text, strlen(src[0].text), &toks[0],
                   &cands[0].n_toks, err);
    scanned[0] = 1;
  }
  if (!st && sn->n_frags == 0 && n_src > 0 && src[0].kind != SRC_ILLUSTRATION &&
      cands[0].n_toks) {
    /* No word matched the body (e.g. a title or tag match): show the lead. */
    cand c = cands[0];
    lead_window(toks[0], c.n_toks, max_bytes, &c);
    st = make_fragment(an, &c, toks[0], c.n_toks, max_bytes, &sn->frags[0], err);
    if (!st) {
      sn->n_frags = 1;
    } else {
      free(sn->frags[0].text);
      free(sn->frags[0].hls);
    }
  }
  /* Query words in the section headings shown. */
  for (size_t k = 0; !st && k < sn->n_frags; k++) {
    ra_fragment *f = &sn->frags[k];
    if (!f->section) continue;
    mtok *ht = NULL;
    size_t hn = 0;
    st = scan_text(an, m, f->section, strlen(f->section), &ht, &hn, err);
    if (!st) st = hls_of(ht, hn, &f->section_hls, &f->n_section_hls, err);
    free(ht);
  }
  for (size_t i = 0; i < n_src; i++) free(toks ? toks[i] : NULL);
  free(toks);
  free(cands);
  free(src);
  free(used);
  free(scanned);
  free(ub);
  free(sc);
  free(m);
  if (st) {
    ra_snippet_free(sn);
    return st;
  }
  *out = sn;
  return RA_OK;
}

void ra_snippet_free(ra_snippet *s) {
  if (!s) return;
  for (size_t i = 0; s->frags && i < s->n_frags; i++) {
    free(s->frags[i].text);
    free(s->frags[i].hls);
    free(s->frags[i].section_hls);
  }
  free(s->frags);
  free(s);
}

static ra_status highlight_in(ra_analyzer *an, const char *text, size_t len,
                              const ra_query *q, int in_title, ra_hl **hls,
                              size_t *n_hls, ra_error *err) {
  *hls = NULL;
  *n_hls = 0;
  matcher *m = malloc(sizeof *m);
  if (!m) return ra_error_set(err, RA_ERR_NOMEM, "highlight");
  matcher_init(m, q, in_title);
  mtok *t = NULL;
  size_t n = 0;
  ra_status st = m->n ? scan_text(an, m, text, len, &t, &n, err) : RA_OK;
  if (!st) st = hls_of(t, n, hls, n_hls, err);
  free(t);
  free(m);
  return st;
}

ra_status ra_snippet_highlight(ra_analyzer *an, const char *text, size_t len,
                               const ra_query *q, ra_hl **hls, size_t *n_hls,
                               ra_error *err) {
  return highlight_in(an, text, len, q, 1, hls, n_hls, err);
}

ra_status ra_snippet_highlight_text(ra_analyzer *an, const char *text, size_t len,
                                    const ra_query *q, ra_hl **hls,
                                    size_t *n_hls, ra_error *err) {
  return highlight_in(an, text, len, q, 0, hls, n_hls, err);
}
