/* tagsplit.c - recognising and splitting the run-together tag line.
 *
 * A tag line is short, has no sentence punctuation and is mostly
 * capitalised words.  Splitting is a dynamic programme over its words:
 * known tags beat learned tags, which beat phrases that recur in the page
 * body, which beat lone words; connector words glue neighbours into one
 * tag.  docs/article-format.md describes the costs. */
#include "tagsplit.h"

#include "hash.h"
#include "textutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEG_MAX_WORDS 12    /* longest tag (connector chains included) */
#define EVID_MAX_SUB 6      /* longest body phrase used as tag evidence */
#define TAGLINE_MAX_BYTES 400

#define H_SEED 0x5eedULL

/* ---- tag-line shapes --------------------------------------------------- */

/* Section names that sit right under the title on pages without tags. */
static int common_heading_word(const char *s, size_t n) {
  static const char *const w[] = {"introduction", "conclusion", "overview",
                                  "summary",      "background", "faq",
                                  "faqs",         "contents",   "table of contents",
                                  "key takeaways"};
  size_t k;
  for (k = 0; k < sizeof w / sizeof w[0]; k++)
    if (strlen(w[k]) == n && ra_ascii_ncaseeq(s, w[k], n)) return 1;
  return 0;
}

int ra_tagsplit_is_connector_word(const char *s, size_t n, int *article) {
  static const char *const conn[] = {"in",   "of",   "and", "for", "the",
                                     "to",   "on",   "with", "at", "by",
                                     "a",    "an",   "or",  "vs",  "vs.",
                                     "from", "into", "&",   "+",   "/"};
  size_t k;
  *article = 0;
  for (k = 0; k < sizeof conn / sizeof conn[0]; k++)
    if (strlen(conn[k]) == n && ra_ascii_ncaseeq(s, conn[k], n)) {
      *article = (n == 1 && ra_to_lower((unsigned char)s[0]) == 'a') ||
                 (n == 2 && ra_ascii_ncaseeq(s, "an", 2)) ||
                 (n == 3 && ra_ascii_ncaseeq(s, "the", 3));
      return 1;
    }
  return 0;
}

static int word_all_lower(const char *s, size_t n) {
  size_t i;
  if (!n || !ra_is_lower((unsigned char)s[0])) return 0;
  for (i = 0; i < n; i++)
    if (ra_is_upper((unsigned char)s[i])) return 0;
  return 1;
}

/* Run-together tag line: short, no sentence punctuation, and mostly
 * capitalised words (connectors aside). */
int ra_tagsplit_tag_like(const char *s, size_t n) {
  size_t i = 0, words = 0, caps = 0, lower = 0;
  if (!n || n > TAGLINE_MAX_BYTES || !ra_page_has_letter(s, n)) return 0;
  for (i = 0; i < n; i++)
    if (strchr(".!?:;,\"()[]{}|<>=#@", s[i])) return 0;
  i = 0;
  while (i < n) {
    size_t j = i;
    int art;
    unsigned char c;
    while (j < n && s[j] != ' ') j++;
    words++;
    c = (unsigned char)s[i];
    if (ra_tagsplit_is_connector_word(s + i, j - i, &art))
      ;
    else if (ra_is_upper(c) || ra_is_digit(c) || c >= 0x80)
      caps++;
    else
      lower++;
    i = j + 1;
  }
  if (words > RA_TAGLINE_MAX_WORDS || !caps || lower * 2 > caps) return 0;
  if (words == 1 && common_heading_word(s, n)) return 0;
  if (words == 2 && common_heading_word(s, n)) return 0;
  return 1;
}

/* ---- words and phrase hashing --------------------------------------------- */

/* Hash of one sub-word: ASCII lowercased, ’ read as ', edge apostrophes
 * and ASCII punctuation dropped, "&" read as "and".  0 when empty. */
static uint64_t subword_hash(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  uint64_t h = RA_FNV_INIT;
  size_t a = 0, b = n, i, k = 0;
  while (a < b && u[a] < 0x80 && !ra_is_alnum(u[a]) && u[a] != '&') a++;
  while (b > a && u[b - 1] < 0x80 && !ra_is_alnum(u[b - 1]) && u[b - 1] != '&')
    b--;
  while (b - a >= 3 && u[b - 3] == 0xE2 && u[b - 2] == 0x80 && u[b - 1] == 0x99)
    b -= 3;
  if (a == b) return 0;
  if (b - a == 1 && u[a] == '&') {
    s = "and";
    u = (const unsigned char *)s;
    a = 0;
    b = 3;
  }
  for (i = a; i < b; i++) {
    unsigned c = u[i];
    if (c == 0xE2 && i + 2 < b && u[i + 1] == 0x80 && u[i + 2] == 0x99) {
      c = '\'';
      i += 2;
    }
    h = ra_fnv1a_byte(h, (unsigned char)ra_to_lower((int)c));
    k++;
  }
  return k ? ra_hix_nz(ra_mix64_splitmix(h)) : 0;
}

/* Sub-word separators inside a tag word: '-' '/' and U+2010..U+2013. */
static size_t subsep_len(const unsigned char *u, size_t n) {
  if (u[0] == '-' || u[0] == '/') return 1;
  if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x93)
    return 3;
  return 0;
}

/* Appends the sub-word hashes of one tag word ("Work-Life" -> work, life).
 * When first is non-NULL, marks the lowercased first byte of each sub-word
 * (the body scanner skips words that cannot match). */
static int word_subs(const char *s, size_t n, uint64_t **subs, size_t *ns,
                     size_t *cap, unsigned char *first) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, st = 0;
  while (i <= n) {
    size_t sl = i < n ? subsep_len(u + i, n - i) : 1;
    if (sl) {
      uint64_t h = subword_hash(s + st, i - st);
      if (h && first) {
        size_t a = st;
        while (a < i && u[a] < 0x80 && !ra_is_alnum(u[a]) && u[a] != '&') a++;
        if (a < i) first[ra_to_lower(u[a])] = 1;
      }
      if (h) {
        if (RA_GROW(*subs, *cap, *ns + 1)) return -1;
        (*subs)[(*ns)++] = h;
      }
      i += sl;
      st = i;
    } else {
      i++;
    }
  }
  return 0;
}

/* Hash of a whole phrase: fold over its sub-words.  Known tags, learned
 * tags and body phrases all hash this way, so they compare directly. */
uint64_t ra_tagsplit_phrase_hash(const char *s, size_t n, size_t *nwords) {
  uint64_t *subs = NULL, h = H_SEED;
  size_t ns = 0, cap = 0, i = 0, k, w = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != ' ') j++;
    if (j > i) {
      w++;
      if (word_subs(s + i, j - i, &subs, &ns, &cap, NULL)) {
        free(subs);
        return 0;
      }
    }
    i = j + 1;
  }
  for (k = 0; k < ns; k++) h = ra_hix_fold(h, subs[k]);
  free(subs);
  if (nwords) *nwords = w;
  return ns ? ra_hix_nz(h) : 0;
}

/* ---- tag splitting -------------------------------------------------------- */

void ra_tagsplit_evid_free(ra_evid *e) {
  ra_hix_free(&e->words);
  ra_hix_free(&e->phr);
}

static int evid_scan(ra_evid *e, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  uint64_t win[EVID_MAX_SUB]; /* sub-words of the current phrase run */
  size_t nw = 0, i = 0;
  int brk = 1; /* punctuation since the last word: phrases do not cross it */
  while (i <= n) {
    size_t st = i, k;
    uint64_t h;
    /* skip separators, noting whether a phrase break was crossed */
    while (i < n) {
      uint32_t cp;
      size_t bad = 1, l, w;
      if (u[i] == ' ') { /* fast path */
        i++;
        continue;
      }
      w = ra_ws_len(u + i, n - i);
      if (w) {
        i += w;
        continue;
      }
      if (u[i] < 0x80) {
        if (ra_is_alnum(u[i]) || u[i] == '&') break;
        if (u[i] != '-') brk = 1;
        i++;
        continue;
      }
      l = ra_utf8_next(u + i, n - i, &cp, &bad);
      if (!l) {
        brk = 1;
        i += bad;
        continue;
      }
      if (!ra_punct_cp(cp)) break;
      if (!(cp >= 0x2010 && cp <= 0x2011)) brk = 1;
      i += l;
    }
    if (i >= n) break;
    st = i;
    if (u[i] == '&') {
      i++;
    } else {
      while (i < n) {
        uint32_t cp;
        size_t bad = 1, l;
        if (u[i] < 0x80) {
          if (ra_is_alnum(u[i]) || (u[i] == '\'' && i + 1 < n && ra_is_alpha(u[i + 1])))
            i++;
          else
            break;
          continue;
        }
        l = ra_utf8_next(u + i, n - i, &cp, &bad);
        if (!l) break;
        if (cp == 0x2019 && i + l < n && u[i + l] < 0x80 && ra_is_alpha(u[i + l])) {
          i += l;
          continue;
        }
        if (ra_punct_cp(cp)) break;
        i += l;
      }
    }
    /* most body words cannot be tag words: skip hashing them */
    if (u[st] != '&' && !e->first[ra_to_lower(u[st])]) {
      nw = 0;
      if (i == st) i++;
      continue;
    }
    h = subword_hash(s + st, i - st);
    if (!h) {
      brk = 1;
      if (i == st) i++;
      continue;
    }
    if (brk || ra_hix_get(&e->words, h) == RA_HIX_NONE) {
      nw = 0;
      brk = 0;
      if (ra_hix_get(&e->words, h) == RA_HIX_NONE) continue;
    }
    if (nw == EVID_MAX_SUB) {
      memmove(win, win + 1, sizeof win[0] * (EVID_MAX_SUB - 1));
      nw--;
    }
    win[nw++] = h;
    /* every phrase of >= 2 sub-words ending at this token */
    {
      uint64_t ph;
      size_t a;
      for (a = 0; a + 1 < nw; a++) {
        ph = H_SEED;
        for (k = a; k < nw; k++) ph = ra_hix_fold(ph, win[k]);
        ph = ra_hix_nz(ph);
        {
          uint32_t *c = ra_hix_slot(&e->phr, ph);
          if (c) {
            if (*c < UINT32_MAX) (*c)++;
          } else if (ra_hix_put(&e->phr, ph, 1)) {
            return -1;
          }
        }
      }
    }
  }
  return 0;
}

static int evid_cost(const ra_evid *e, uint64_t h) {
  uint32_t c;
  if (!e) return RA_COST_INF;
  c = ra_hix_get(&e->phr, h);
  if (c == RA_HIX_NONE || c == 0) return RA_COST_INF;
  return RA_COST_EVIDENCE - 10 * (int)(c - 1 > 3 ? 3 : c - 1);
}

/* One word of a tag line. */
typedef struct tword {
  size_t off, n;     /* in the normalised line */
  size_t sub0, nsub; /* its sub-word hashes */
  unsigned char bl;  /* cannot start a tag */
  unsigned char br;  /* cannot end a tag */
} tword;

typedef struct tsplit {
  const char *s;
  tword *w;
  size_t nw, cap_w;
  uint64_t *sub;
  size_t nsub, cap_sub;
  const ra_model *m;
  const ra_evid *ev;
} tsplit;

static uint64_t span_hash(const tsplit *t, size_t i, size_t j) {
  uint64_t h = H_SEED;
  size_t k;
  for (k = t->w[i].sub0; k < t->w[j - 1].sub0 + t->w[j - 1].nsub; k++)
    h = ra_hix_fold(h, t->sub[k]);
  return ra_hix_nz(h);
}

static int span_subs(const tsplit *t, size_t i, size_t j) {
  return (int)(t->w[j - 1].sub0 + t->w[j - 1].nsub - t->w[i].sub0);
}

static int vocab_or_evidence(const tsplit *t, size_t i, size_t j) {
  uint64_t h;
  int c, e;
  if (j - i > RA_VOCAB_MAX_WORDS || span_subs(t, i, j) < 1) return RA_COST_INF;
  h = span_hash(t, i, j);
  c = ra_model_voc_cost(t->m, h);
  if (span_subs(t, i, j) >= 2) {
    e = evid_cost(t->ev, h);
    if (e < c) c = e;
  }
  return c;
}

/* Cost of words [i,j) as one tag, RA_COST_INF if not allowed. */
static int seg_cost(const tsplit *t, size_t i, size_t j) {
  int c = vocab_or_evidence(t, i, j);
  size_t a, k;
  int bound = 0;
  if (j - i == 1) return c < RA_COST_SINGLE ? c : RA_COST_SINGLE;
  if (c < RA_COST_INF) return c;
  /* Connector chain: "Networking in Medicine".  Words glued by connectors
   * or lowercase continuations form one tag; any run of ordinary words
   * inside it must itself be a known phrase. */
  a = i;
  for (k = i + 1; k <= j; k++) {
    int glued = k < j && (t->w[k - 1].br || t->w[k].bl);
    if (glued) bound = 1;
    if (k == j || glued) {
      if (k - a >= 2 && vocab_or_evidence(t, a, k) >= RA_COST_INF)
        return RA_COST_INF;
      a = k;
    }
  }
  return bound ? RA_COST_CHAIN : RA_COST_INF;
}

static int split_dp(const tsplit *t, size_t *cut, size_t *ncut) {
  size_t n = t->nw, j, i;
  int *cost = malloc((n + 1) * sizeof *cost);
  size_t *nseg = malloc((n + 1) * sizeof *nseg);
  size_t *back = malloc((n + 1) * sizeof *back);
  if (!cost || !nseg || !back) {
    free(cost);
    free(nseg);
    free(back);
    return -1;
  }
  cost[0] = 0;
  nseg[0] = 0;
  back[0] = 0;
  for (j = 1; j <= n; j++) {
    cost[j] = RA_COST_INF;
    nseg[j] = 0;
    back[j] = 0;
    if (j < n && (t->w[j - 1].br || t->w[j].bl)) continue; /* no cut here */
    for (i = j > SEG_MAX_WORDS ? j - SEG_MAX_WORDS : 0; i < j; i++) {
      int c;
      if (cost[i] >= RA_COST_INF) continue;
      if (i > 0 && (t->w[i - 1].br || t->w[i].bl)) continue;
      c = seg_cost(t, i, j);
      if (c >= RA_COST_INF) continue;
      if (cost[i] + c < cost[j] ||
          (cost[i] + c == cost[j] && nseg[i] + 1 < nseg[j])) {
        cost[j] = cost[i] + c;
        nseg[j] = nseg[i] + 1;
        back[j] = i;
      }
    }
  }
  if (cost[n] >= RA_COST_INF) {
    free(cost);
    free(nseg);
    free(back);
    return 1;
  }
  *ncut = nseg[n];
  for (j = n, i = nseg[n]; j > 0; j = back[j]) cut[--i] = j;
  free(cost);
  free(nseg);
  free(back);
  return 0;
}

/* Splits a normalised tag line.  Outputs display strings (page casing) and,
 * optionally, each tag's phrase hash and word count. */
int ra_tagsplit_split(const ra_model *m, const ra_evid *ev, const char *s,
                      size_t n, char ***tags, size_t *ntags,
                      uint64_t **hashes, size_t **wcounts) {
  tsplit t;
  size_t i = 0, k, *cut = NULL, ncut = 0, start;
  int mixed = 0, rc = -1, r;
  ra_hix seen = {0};
  char **out = NULL;
  uint64_t *hs = NULL;
  size_t *wc = NULL, nout = 0;

  memset(&t, 0, sizeof t);
  t.s = s;
  t.m = m;
  t.ev = ev;
  *tags = NULL;
  *ntags = 0;
  if (hashes) *hashes = NULL;
  if (wcounts) *wcounts = NULL;
  while (i < n) {
    size_t j = i;
    tword *w;
    while (j < n && s[j] != ' ') j++;
    if (j > i) {
      if (RA_GROW(t.w, t.cap_w, t.nw + 1)) goto done;
      w = &t.w[t.nw++];
      memset(w, 0, sizeof *w);
      w->off = i;
      w->n = j - i;
      w->sub0 = t.nsub;
      if (word_subs(s + i, j - i, &t.sub, &t.nsub, &t.cap_sub, NULL))
        goto done;
      w->nsub = t.nsub - w->sub0;
      if (ra_is_upper((unsigned char)s[i])) mixed = 1;
    }
    i = j + 1;
  }
  if (!t.nw) {
    rc = 0;
    goto done;
  }
  for (k = 0; k < t.nw; k++) {
    int art;
    tword *w = &t.w[k];
    if (ra_tagsplit_is_connector_word(s + w->off, w->n, &art)) {
      w->br = 1;
      w->bl = !(art && ra_is_upper((unsigned char)s[w->off]));
    } else if (k > 0 && mixed && word_all_lower(s + w->off, w->n) &&
               ra_model_voc_cost(m, span_hash(&t, k, k + 1)) >= RA_COST_INF) {
      w->bl = 1; /* "Work-life balance": lowercase continues a tag */
    }
  }
  cut = malloc(t.nw * sizeof *cut);
  if (!cut) goto done;
  r = split_dp(&t, cut, &ncut);
  if (r < 0) goto done;
  if (r > 0) { /* impossible constraints: forget the connector rules */
    for (k = 0; k < t.nw; k++) t.w[k].bl = t.w[k].br = 0;
    if (split_dp(&t, cut, &ncut)) goto done;
  }
  out = calloc(ncut ? ncut : 1, sizeof *out);
  hs = calloc(ncut ? ncut : 1, sizeof *hs);
  wc = calloc(ncut ? ncut : 1, sizeof *wc);
  if (!out || !hs || !wc) goto done;
  for (start = 0, k = 0; k < ncut; start = cut[k], k++) {
    size_t a = t.w[start].off, b = t.w[cut[k] - 1].off + t.w[cut[k] - 1].n;
    uint64_t h = span_hash(&t, start, cut[k]);
    if (ra_hix_get(&seen, h) != RA_HIX_NONE) continue; /* duplicate tag */
    if (ra_hix_put(&seen, h, 1)) goto done;
    out[nout] = ra_strndup(s + a, b - a);
    if (!out[nout]) goto done;
    hs[nout] = h;
    wc[nout] = cut[k] - start;
    nout++;
  }
  *tags = out;
  *ntags = nout;
  out = NULL;
  if (hashes) {
    *hashes = hs;
    hs = NULL;
  }
  if (wcounts) {
    *wcounts = wc;
    wc = NULL;
  }
  rc = 0;
done:
  if (out) ra_strv_free(out, nout);
  free(hs);
  free(wc);
  free(cut);
  free(t.w);
  free(t.sub);
  ra_hix_free(&seen);
  return rc;
}

/* Builds tag-line evidence from lines [from, to) plus the title. */
int ra_tagsplit_evid_build(ra_evid *e, const ra_pline *tagline,
                           const ra_page *pg, size_t from, size_t to,
                           const ra_pline *title) {
  const char *s = tagline->t;
  size_t i = 0, n = tagline->n, k;
  memset(e, 0, sizeof *e);
  while (i < n) {
    size_t j = i;
    uint64_t *subs = NULL;
    size_t ns = 0, cap = 0;
    while (j < n && s[j] != ' ') j++;
    if (word_subs(s + i, j - i, &subs, &ns, &cap, e->first)) {
      free(subs);
      return -1;
    }
    for (k = 0; k < ns; k++)
      if (ra_hix_put(&e->words, subs[k], 1)) {
        free(subs);
        return -1;
      }
    free(subs);
    i = j + 1;
  }
  if (title && evid_scan(e, title->t, title->n)) return -1;
  for (k = from; k < to; k++)
    if (evid_scan(e, pg->l[k].t, pg->l[k].n)) return -1;
  return 0;
}
