/* snippet.c - fragment selection and highlight ranges. */
#define _GNU_SOURCE
#include "snippet.h"

#include <stdlib.h>
#include <string.h>

#define RA_MAX_QWORDS 64

typedef struct mtok {
  size_t start, end;
  int qword; /* index of matched query word, -1 if none */
} mtok;

typedef struct scan {
  const ra_query *q;
  mtok *toks;
  size_t n, cap;
  int nomem;
} scan;

/* Which positive query word (flattened index) matches this token. */
static int match_word(const ra_query *q, const ra_token *t) {
  int idx = 0;
  for (size_t c = 0; c < q->n_clauses; c++) {
    const ra_qclause *cl = &q->clauses[c];
    if (cl->kind != RA_QC_TEXT) continue;
    for (size_t w = 0; w < cl->n_words; w++, idx++) {
      if (cl->negated) continue;
      const ra_qword *qw = &cl->words[w];
      if (strlen(qw->word) == t->word_len &&
          memcmp(qw->word, t->word, t->word_len) == 0)
        return idx;
      if (strlen(qw->stem) == t->stem_len &&
          memcmp(qw->stem, t->stem, t->stem_len) == 0)
        return idx;
    }
  }
  return -1;
}

static int scan_cb(void *vctx, const ra_token *t) {
  scan *s = vctx;
  if (t->flags & RA_TOK_COLOCATED) {
    /* A URL's parts share its position; keep the finer-grained parts. */
    if (s->n) s->n--;
  }
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 128;
    mtok *nt = realloc(s->toks, nc * sizeof *nt);
    if (!nt) {
      s->nomem = 1;
      return 1;
    }
    s->toks = nt;
    s->cap = nc;
  }
  s->toks[s->n].start = t->start;
  s->toks[s->n].end = t->end;
  s->toks[s->n].qword = match_word(s->q, t);
  s->n++;
  return 0;
}

typedef struct cand {
  const char *text;
  const char *section;
  int illustration;
  size_t first, last; /* token window [first, last] */
  unsigned long long cover; /* bit set of matched query words */
  int distinct, count;
  size_t n_toks;
} cand;

static int popcount64(unsigned long long v) {
  int n = 0;
  while (v) {
    v &= v - 1;
    n++;
  }
  return n;
}

/* Best window of at most max_bytes in a block: most distinct words, then
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
    size_t j = i, last = i;
    for (; j < n && t[j].end - t[i].start <= max_bytes; j++) {
      if (t[j].qword >= 0) {
        cov |= 1ull << (t[j].qword & 63);
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

static ra_status make_fragment(const cand *c, const mtok *t, size_t n,
                               size_t max_bytes, ra_fragment *f,
                               ra_error *err) {
  size_t len = strlen(c->text);
  size_t a = t[c->first].start, b = t[c->last].end;
  /* Grow the window with context on both sides, whole tokens only. */
  size_t lo = c->first, hi = c->last;
  while (1) {
    int grew = 0;
    if (lo > 0 && b - t[lo - 1].start <= max_bytes && (hi + 1 >= n || lo + 6 > c->first)) {
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
  /* Widen to the block's edges and glued punctuation only within the
   * limit, and never part-way through a character. */
  if (lo == 0 && b <= max_bytes) a = 0;
  if (hi + 1 >= n) {
    size_t e = len;
    /* keep closing punctuation but not trailing space */
    while (e > b && (c->text[e - 1] == ' ' || c->text[e - 1] == '\n')) e--;
    if (e - a <= max_bytes) b = e;
  } else {
    /* include punctuation glued to the last token (e.g. "word,") */
    size_t e = b;
    while (e < len && e < t[hi + 1].start && c->text[e] != ' ' && c->text[e] != '\n') e++;
    if (e - a <= max_bytes) b = e;
  }
  f->text = strndup(c->text + a, b - a);
  if (!f->text) return ra_error_set(err, RA_ERR_NOMEM, "snippet");
  f->len = b - a;
  f->section = c->section;
  f->cut_before = a > 0;
  f->cut_after = b < len;
  f->n_hls = 0;
  f->hls = NULL;
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

typedef struct source {
  const char *text;
  const char *section;
  int illustration;
} source;

static ra_status add_source(source **v, size_t *n, size_t *cap,
                            const char *text, const char *section, int ill,
                            ra_error *err) {
  if (!text || !*text) return RA_OK;
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    source *nv = realloc(*v, nc * sizeof *nv);
    if (!nv) return ra_error_set(err, RA_ERR_NOMEM, "snippet");
    *v = nv;
    *cap = nc;
  }
  (*v)[*n].text = text;
  (*v)[*n].section = section;
  (*v)[*n].illustration = ill;
  (*n)++;
  return RA_OK;
}

ra_status ra_snippet_build(ra_analyzer *an, const ra_article *a,
                           const ra_query *q, const ra_snippet_opts *o,
                           ra_snippet **out, ra_error *err) {
  *out = NULL;
  size_t max_frags = (o && o->max_frags) ? o->max_frags : 3;
  size_t max_bytes = (o && o->max_frag_bytes) ? o->max_frag_bytes : 220;
  source *src = NULL;
  size_t n_src = 0, cap = 0;
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < a->n_sections; i++)
    for (size_t b = 0; !st && b < a->sections[i].n_blocks; b++)
      st = add_source(&src, &n_src, &cap, a->sections[i].blocks[b].text,
                      a->sections[i].heading, 0, err);
  for (size_t i = 0; !st && i < a->n_faqs; i++)
    for (size_t b = 0; !st && b < a->faqs[i].n_answer; b++)
      st = add_source(&src, &n_src, &cap, a->faqs[i].answer[b].text,
                      a->faqs[i].question, 0, err);
  for (size_t i = 0; !st && i < a->n_illustrations; i++)
    st = add_source(&src, &n_src, &cap, a->illustrations[i], NULL, 1, err);

  ra_snippet *sn = calloc(1, sizeof *sn);
  cand *cands = calloc(n_src ? n_src : 1, sizeof *cands);
  mtok **toks = calloc(n_src ? n_src : 1, sizeof *toks);
  if (!st && (!sn || !cands || !toks)) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  for (size_t i = 0; !st && i < n_src; i++) {
    scan s = {.q = q};
    st = ra_analyze(an, src[i].text, strlen(src[i].text), 0, scan_cb, &s, NULL, err);
    if (!st && s.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
    toks[i] = s.toks;
    cands[i].text = src[i].text;
    cands[i].section = src[i].section;
    cands[i].illustration = src[i].illustration;
    cands[i].n_toks = s.n;
    if (!st) best_window(s.toks, s.n, max_bytes, &cands[i]);
  }
  /* Greedy cover: each round takes the passage adding the most new query
   * words, then the densest; illustrations only if nothing else matched. */
  unsigned long long covered = 0;
  int any_text = 0;
  for (size_t i = 0; i < n_src; i++)
    if (!cands[i].illustration && cands[i].count) any_text = 1;
  char *used = calloc(n_src ? n_src : 1, 1);
  if (!st && !used) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  if (!st) sn->frags = calloc(max_frags, sizeof *sn->frags);
  if (!st && !sn->frags) st = ra_error_set(err, RA_ERR_NOMEM, "snippet");
  while (!st && sn->n_frags < max_frags) {
    long best = -1;
    int best_new = -1, best_count = 0;
    for (size_t i = 0; i < n_src; i++) {
      if (used[i] || !cands[i].count) continue;
      if (cands[i].illustration && any_text) continue;
      int nw = popcount64(cands[i].cover & ~covered);
      if (nw > best_new || (nw == best_new && cands[i].count > best_count)) {
        best = (long)i;
        best_new = nw;
        best_count = cands[i].count;
      }
    }
    if (best < 0) break;
    if (best_new == 0 && sn->n_frags > 0) break; /* nothing new to show */
    used[best] = 1;
    covered |= cands[best].cover;
    st = make_fragment(&cands[best], toks[best], cands[best].n_toks, max_bytes,
                       &sn->frags[sn->n_frags], err);
    if (!st) sn->n_frags++;
  }
  if (!st && sn->n_frags == 0 && n_src > 0 && !src[0].illustration) {
    /* No word matched the body (e.g. a title or tag match): show the lead. */
    cand c = cands[0];
    c.first = 0;
    c.last = c.n_toks ? c.n_toks - 1 : 0;
    if (c.n_toks) {
      while (c.last > 0 && toks[0][c.last].end > max_bytes) c.last--;
      st = make_fragment(&c, toks[0], c.n_toks, max_bytes, &sn->frags[0], err);
      if (!st) sn->n_frags = 1;
    }
  }
  for (size_t i = 0; i < n_src; i++) free(toks ? toks[i] : NULL);
  free(toks);
  free(cands);
  free(src);
  free(used);
  if (st) {
    ra_snippet_free(sn);
    return st;
  }
  *out = sn;
  return RA_OK;
}

void ra_snippet_free(ra_snippet *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_frags; i++) {
    free(s->frags[i].text);
    free(s->frags[i].hls);
  }
  free(s->frags);
  free(s);
}

ra_status ra_snippet_highlight(ra_analyzer *an, const char *text, size_t len,
                               const ra_query *q, ra_hl **hls, size_t *n_hls,
                               ra_error *err) {
  *hls = NULL;
  *n_hls = 0;
  scan s = {.q = q};
  ra_status st = ra_analyze(an, text, len, 0, scan_cb, &s, NULL, err);
  if (!st && s.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "highlight");
  size_t n = 0;
  for (size_t i = 0; !st && i < s.n; i++)
    if (s.toks[i].qword >= 0) n++;
  if (!st && n) {
    *hls = malloc(n * sizeof **hls);
    if (!*hls) st = ra_error_set(err, RA_ERR_NOMEM, "highlight");
    for (size_t i = 0; !st && i < s.n; i++)
      if (s.toks[i].qword >= 0) {
        (*hls)[*n_hls].start = s.toks[i].start;
        (*hls)[*n_hls].end = s.toks[i].end;
        (*n_hls)++;
      }
  }
  free(s.toks);
  return st;
}
