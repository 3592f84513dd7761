/* model.c - the corpus model: learning, the boilerplate view, save/load.
 *
 * The model learns, from the pages themselves, which lines are site
 * chrome/footer (lines of blocks that repeat across most pages), which
 * lines near the top are category breadcrumbs, and which multi-word tags
 * recur on tag lines.  Learning memory is bounded by lossy counting.
 * docs/article-format.md describes the heuristics. */
#define _POSIX_C_SOURCE 200809L

#include "model.h"

#include "hix.h"
#include "page.h"
#include "tagsplit.h"
#include "textutil.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define BP_MAX_LINE 300     /* longer lines never count as boilerplate */
#define BP_MIN_PAGES 3      /* below this the learned counts mean nothing */
#define LINES_BUCKET 64     /* lossy-counting bucket (pages), line stats */
#define TAGS_BUCKET 256     /* lossy-counting bucket (pages), tag stats */
#define HEAD_LINES 6        /* "near the top" for category statistics */
#define LEARN_TITLE_SCAN 8  /* where learning looks for the doubled title */

#define H_BOF 0x0b0fULL /* sentinels for page start/end in pair stats */
#define H_EOF 0x0e0fULL
#define H_BOL 0x0b01ULL /* sentinels for tag line start/end */
#define H_EOL 0x0e01ULL

/* ---- the model ---------------------------------------------------------- */

typedef struct bpent { /* a boilerplate line */
  uint64_t h;
  int kind;
  unsigned count;
  char *text;  /* normalised display form */
  char *loose; /* loose key, for "line contains chrome" */
  size_t loose_len;
} bpent;

typedef struct vent { /* category line or vocabulary tag */
  uint64_t h;
  int cost;
  unsigned count;
  char *text;
} vent;

typedef struct lent { /* learning: line statistics */
  uint64_t h;
  uint32_t count, delta, last, tail, head;
  int block;
  char *text;
} lent;

typedef struct pent { /* learning: adjacent line pairs */
  uint64_t h, a, b;
  uint32_t count, delta, last;
} pent;

typedef struct tent { /* learning: tag-line phrase statistics */
  uint64_t h, left, right;
  uint32_t seg, ng, delta, last_seg, last_ng;
  unsigned char lmulti, rmulti, nwords, has_left;
  char *text;
} tent;

struct ra_model {
  size_t pages;
  int finished;
  bpent *bp;
  size_t n_bp, cap_bp;
  ra_hix bp_ix;
  vent *cat;
  size_t n_cat, cap_cat;
  ra_hix cat_ix;
  vent *voc;
  size_t n_voc, cap_voc;
  ra_hix voc_ix;
  lent *ln;
  size_t n_ln, cap_ln;
  ra_hix ln_ix;
  pent *pr;
  size_t n_pr, cap_pr;
  ra_hix pr_ix;
  tent *tg;
  size_t n_tg, cap_tg;
  ra_hix tg_ix;
};

ra_status ra_model_new(ra_model **out, ra_error *err) {
  if (!out) return ra_error_set(err, RA_ERR_USAGE, "ra_model_new: out is NULL");
  *out = calloc(1, sizeof **out);
  return *out ? RA_OK : ra_nomem(err);
}

static void free_learning(ra_model *m) {
  size_t i;
  for (i = 0; i < m->n_ln; i++) free(m->ln[i].text);
  for (i = 0; i < m->n_tg; i++) free(m->tg[i].text);
  free(m->ln);
  free(m->pr);
  free(m->tg);
  m->ln = NULL;
  m->pr = NULL;
  m->tg = NULL;
  m->n_ln = m->cap_ln = m->n_pr = m->cap_pr = m->n_tg = m->cap_tg = 0;
  ra_hix_free(&m->ln_ix);
  ra_hix_free(&m->pr_ix);
  ra_hix_free(&m->tg_ix);
}

void ra_model_free(ra_model *m) {
  size_t i;
  if (!m) return;
  free_learning(m);
  for (i = 0; i < m->n_bp; i++) {
    free(m->bp[i].text);
    free(m->bp[i].loose);
  }
  for (i = 0; i < m->n_cat; i++) free(m->cat[i].text);
  for (i = 0; i < m->n_voc; i++) free(m->voc[i].text);
  free(m->bp);
  free(m->cat);
  free(m->voc);
  ra_hix_free(&m->bp_ix);
  ra_hix_free(&m->cat_ix);
  ra_hix_free(&m->voc_ix);
  free(m);
}

size_t ra_model_pages(const ra_model *m) { return m ? m->pages : 0; }

/* Adds or upgrades a vocabulary entry (lower cost wins). */
static int voc_add(ra_model *m, uint64_t h, int cost, unsigned count,
                   const char *text, size_t n) {
  uint32_t i = ra_hix_get(&m->voc_ix, h);
  if (i != RA_HIX_NONE) {
    if (cost < m->voc[i].cost) {
      char *t = ra_strndup(text, n);
      if (!t) return -1;
      free(m->voc[i].text);
      m->voc[i].text = t;
      m->voc[i].cost = cost;
    }
    if (count > m->voc[i].count) m->voc[i].count = count;
    return 0;
  }
  if (m->n_voc >= UINT32_MAX - 1 || RA_GROW(m->voc, m->cap_voc, m->n_voc + 1))
    return -1;
  m->voc[m->n_voc].h = h;
  m->voc[m->n_voc].cost = cost;
  m->voc[m->n_voc].count = count;
  m->voc[m->n_voc].text = ra_strndup(text, n);
  if (!m->voc[m->n_voc].text) return -1;
  if (ra_hix_put(&m->voc_ix, h, (uint32_t)m->n_voc)) {
    free(m->voc[m->n_voc].text);
    return -1;
  }
  m->n_voc++;
  return 0;
}

int ra_model_voc_cost(const ra_model *m, uint64_t h) {
  uint32_t i;
  if (!m) return RA_COST_INF;
  i = ra_hix_get(&m->voc_ix, h);
  return i == RA_HIX_NONE ? RA_COST_INF : m->voc[i].cost;
}

ra_status ra_model_load_tags(ra_model *m, const char *path, ra_error *err) {
  FILE *f;
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t r;
  char eb[128];
  if (!m || !path)
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_load_tags: bad arguments");
  f = fopen(path, "r");
  if (!f) {
    int e = errno;
    ra_errno_text(e, eb, sizeof eb);
    return ra_error_set(err, e == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO,
                        "%s: cannot open tags file: %s", path, eb);
  }
  while ((r = getline(&line, &cap, f)) >= 0) {
    size_t n = (size_t)r, nn, nw = 0, i = 0, bad;
    uint64_t h;
    uint32_t cp;
    lineno++;
    if (memchr(line, 0, n)) {
      free(line);
      fclose(f);
      return ra_error_set(err, RA_ERR_INVALID, "%s:%zu: NUL byte in tags file",
                          path, lineno);
    }
    while (i < n) {
      size_t l = ra_utf8_next((const unsigned char *)line + i, n - i, &cp, &bad);
      if (!l) {
        free(line);
        fclose(f);
        return ra_error_set(err, RA_ERR_UTF8,
                            "%s:%zu: invalid UTF-8 in tags file", path, lineno);
      }
      i += l;
    }
    nn = ra_page_norm_into(line, n, line);
    if (!nn || line[0] == '#') continue;
    h = ra_tagsplit_phrase_hash(line, nn, &nw);
    if (!h) continue; /* punctuation only */
    if (nw > RA_VOCAB_MAX_WORDS) {
      free(line);
      fclose(f);
      return ra_error_set(err, RA_ERR_INVALID,
                          "%s:%zu: tag has %zu words (at most %d)", path,
                          lineno, nw, RA_VOCAB_MAX_WORDS);
    }
    if (voc_add(m, h, RA_COST_KNOWN, 0, line, nn)) {
      free(line);
      fclose(f);
      return ra_nomem(err);
    }
  }
  if (ferror(f)) {
    ra_errno_text(errno, eb, sizeof eb);
    free(line);
    fclose(f);
    return ra_error_set(err, RA_ERR_IO, "%s: read error: %s", path, eb);
  }
  free(line);
  fclose(f);
  return RA_OK;
}

/* ---- boilerplate view: learned set or built-in defaults ----------------- */

/* Built-in chrome and footer of the Residency Advisor site, used only when
 * fewer than BP_MIN_PAGES pages were learned (e.g. --dump of one file). */
static const struct {
  const char *text;
  int kind;
} default_bp[] = {
    {"Residency Advisor", RA_BP_CHROME},
    {"Resources", RA_BP_CHROME},
    {"overview", RA_BP_FOOTER},
    {"Smart Pick - Residency Selection Made Smarter", RA_BP_FOOTER},
    {"Take the guesswork out of residency applications with data-driven "
     "precision.",
     RA_BP_FOOTER},
    {"Finding the right residency programs is challenging, but Smart Pick "
     "makes it effortless. Our AI-driven algorithm analyzes your profile, "
     "scores, and preferences to curate the best programs for you. No more "
     "wasted applications\xE2\x80\x94get a personalized, optimized list that "
     "maximizes your chances of matching. Make every choice count with Smart "
     "Pick!",
     RA_BP_FOOTER},
    {"* 100% free to try. No credit card or account creation required.",
     RA_BP_FOOTER},
    {"Related Articles", RA_BP_FOOTER},
};
#define N_DEFAULT_BP (sizeof default_bp / sizeof default_bp[0])

_Static_assert(N_DEFAULT_BP == RA_MODEL_N_DEFAULT_BP,
               "RA_MODEL_N_DEFAULT_BP must count default_bp");

void ra_bpview_init(ra_bpview *v, const ra_model *m) {
  size_t i;
  memset(v, 0, sizeof *v);
  if (m && m->finished && m->pages >= BP_MIN_PAGES) {
    v->m = m;
    return;
  }
  for (i = 0; i < N_DEFAULT_BP; i++) {
    const char *t = default_bp[i].text;
    size_t n = strlen(t), kl;
    v->dh[i] = ra_page_loose_key(t, n, NULL, &kl);
    if (default_bp[i].kind == RA_BP_CHROME && kl < sizeof v->dkey[i]) {
      ra_page_loose_key(t, n, v->dkey[i], &kl);
      v->dlen[i] = kl;
    }
  }
}

int ra_bpview_kind(const ra_bpview *v, uint64_t h) {
  size_t i;
  if (!h) return RA_BP_NONE;
  if (v->m) {
    uint32_t k = ra_hix_get(&v->m->bp_ix, h);
    return k == RA_HIX_NONE ? RA_BP_NONE : v->m->bp[k].kind;
  }
  for (i = 0; i < N_DEFAULT_BP; i++)
    if (v->dh[i] == h) return default_bp[i].kind;
  return RA_BP_NONE;
}

/* Removes every occurrence of key from s (in place); returns bytes removed. */
static size_t remove_all(char *s, size_t *n, const char *key, size_t kl) {
  size_t removed = 0, i = 0;
  if (!kl) return 0;
  while (i + kl <= *n) {
    if (memcmp(s + i, key, kl) == 0) {
      memmove(s + i, s + i + kl, *n - i - kl);
      *n -= kl;
      removed += kl;
    } else {
      i++;
    }
  }
  return removed;
}

/* "Residency Advisor Logo Residency Advisor": a top line made of chrome
 * lines plus a word or two still counts as chrome. */
int ra_bpview_chrome_contains(const ra_bpview *v, const ra_pline *p) {
  char buf[BP_MAX_LINE + 1];
  size_t n, removed = 0, i;
  if (p->n > BP_MAX_LINE) return 0;
  ra_page_loose_key(p->t, p->n, buf, &n);
  if (!n) return 0;
  if (v->m) {
    for (i = 0; i < v->m->n_bp; i++)
      if (v->m->bp[i].kind == RA_BP_CHROME && v->m->bp[i].loose_len >= 4)
        removed += remove_all(buf, &n, v->m->bp[i].loose,
                              v->m->bp[i].loose_len);
  } else {
    for (i = 0; i < N_DEFAULT_BP; i++)
      if (v->dlen[i] >= 4) removed += remove_all(buf, &n, v->dkey[i], v->dlen[i]);
  }
  return removed > 0 && n <= 12 && n < removed;
}

int ra_model_in_catset(const ra_model *m, uint64_t h) {
  return m && m->finished && h && ra_hix_get(&m->cat_ix, h) != RA_HIX_NONE;
}

int ra_model_is_boilerplate(const ra_model *m, const char *line, size_t len) {
  char *buf;
  size_t n;
  uint64_t h;
  ra_bpview v;
  if (!line) return 0;
  buf = malloc(len + 1);
  if (!buf) return 0;
  n = ra_page_norm_into(line, len, buf);
  h = n <= RA_LOOSE_MAX_LINE ? ra_page_loose_key(buf, n, NULL, NULL) : 0;
  free(buf);
  ra_bpview_init(&v, m);
  return ra_bpview_kind(&v, h) != RA_BP_NONE;
}

/* ---- tag splitting with the model's vocabulary ------------------------- */

ra_status ra_model_split_tags(const ra_model *m, const char *line,
                              size_t len, char ***tags, size_t *n_tags,
                              ra_error *err) {
  char *buf;
  size_t n;
  if (tags) *tags = NULL;
  if (n_tags) *n_tags = 0;
  if (!tags || !n_tags || (!line && len))
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_split_tags: bad arguments");
  buf = malloc(len + 1);
  if (!buf) return ra_nomem(err);
  n = ra_page_norm_into(line ? line : "", len, buf);
  if (ra_tagsplit_split(m, NULL, buf, n, tags, n_tags, NULL, NULL)) {
    free(buf);
    return ra_nomem(err);
  }
  free(buf);
  return RA_OK;
}

/* ---- learning -------------------------------------------------------------- */

static lent *line_ent(ra_model *m, const ra_pline *p, uint32_t bucket) {
  uint32_t i = ra_hix_get(&m->ln_ix, p->loose);
  lent *e;
  if (i != RA_HIX_NONE) return &m->ln[i];
  if (m->n_ln >= UINT32_MAX - 1 || RA_GROW(m->ln, m->cap_ln, m->n_ln + 1))
    return NULL;
  e = &m->ln[m->n_ln];
  memset(e, 0, sizeof *e);
  e->h = p->loose;
  e->delta = bucket - 1;
  e->text = ra_strndup(p->t, p->n);
  if (!e->text) return NULL;
  if (ra_hix_put(&m->ln_ix, e->h, (uint32_t)m->n_ln)) {
    free(e->text);
    return NULL;
  }
  return &m->ln[m->n_ln++];
}

static int pair_add(ra_model *m, uint64_t a, uint64_t b, uint32_t page_no,
                    uint32_t bucket) {
  uint64_t h = ra_hix_nz(ra_hix_fold(ra_hix_fold(0x9a1dULL, a), b));
  uint32_t i = ra_hix_get(&m->pr_ix, h);
  pent *e;
  if (i == RA_HIX_NONE) {
    if (m->n_pr >= UINT32_MAX - 1 || RA_GROW(m->pr, m->cap_pr, m->n_pr + 1))
      return -1;
    e = &m->pr[m->n_pr];
    memset(e, 0, sizeof *e);
    e->h = h;
    e->a = a;
    e->b = b;
    e->delta = bucket - 1;
    if (ra_hix_put(&m->pr_ix, h, (uint32_t)m->n_pr)) return -1;
    m->n_pr++;
  } else {
    e = &m->pr[i];
  }
  if (e->last != page_no) {
    e->last = page_no;
    e->count++;
  }
  return 0;
}

static tent *tag_ent(ra_model *m, uint64_t h, const char *text, size_t n,
                     size_t nwords, uint32_t bucket) {
  uint32_t i = ra_hix_get(&m->tg_ix, h);
  tent *e;
  if (i != RA_HIX_NONE) return &m->tg[i];
  if (m->n_tg >= UINT32_MAX - 1 || RA_GROW(m->tg, m->cap_tg, m->n_tg + 1))
    return NULL;
  e = &m->tg[m->n_tg];
  memset(e, 0, sizeof *e);
  e->h = h;
  e->delta = bucket - 1;
  e->nwords = (unsigned char)(nwords > 255 ? 255 : nwords);
  e->text = ra_strndup(text, n);
  if (!e->text) return NULL;
  if (ra_hix_put(&m->tg_ix, h, (uint32_t)m->n_tg)) {
    free(e->text);
    return NULL;
  }
  return &m->tg[m->n_tg++];
}

/* Lossy counting (Manku & Motwani): at each bucket boundary drop entries
 * whose count cannot reach the bucket number.  Anything frequent enough to
 * matter survives, and memory stays proportional to one bucket's worth. */
static int prune_lines(ra_model *m, uint32_t bucket) {
  size_t i, o = 0;
  for (i = 0; i < m->n_ln; i++) {
    if (m->ln[i].count + m->ln[i].delta <= bucket) {
      free(m->ln[i].text);
      continue;
    }
    m->ln[o++] = m->ln[i];
  }
  m->n_ln = o;
  ra_hix_free(&m->ln_ix);
  for (i = 0; i < o; i++)
    if (ra_hix_put(&m->ln_ix, m->ln[i].h, (uint32_t)i)) return -1;
  for (i = 0, o = 0; i < m->n_pr; i++)
    if (m->pr[i].count + m->pr[i].delta > bucket) m->pr[o++] = m->pr[i];
  m->n_pr = o;
  ra_hix_free(&m->pr_ix);
  for (i = 0; i < o; i++)
    if (ra_hix_put(&m->pr_ix, m->pr[i].h, (uint32_t)i)) return -1;
  return 0;
}

static int prune_tags(ra_model *m, uint32_t bucket) {
  size_t i, o = 0;
  for (i = 0; i < m->n_tg; i++) {
    tent *e = &m->tg[i];
    uint32_t c = e->seg > e->ng ? e->seg : e->ng;
    if (c + e->delta <= bucket) {
      free(e->text);
      continue;
    }
    m->tg[o++] = *e;
  }
  m->n_tg = o;
  ra_hix_free(&m->tg_ix);
  for (i = 0; i < o; i++)
    if (ra_hix_put(&m->tg_ix, m->tg[i].h, (uint32_t)i)) return -1;
  return 0;
}

/* Tag-line statistics of one page.  Only pages whose title is doubled (the
 * common layout) are used: the tag line is then unambiguous without any
 * knowledge of the chrome. */
static int learn_tags(ra_model *m, const ra_page *pg, uint32_t page_no) {
  size_t k, t, i, ntags = 0, *wc = NULL;
  char **tags = NULL;
  uint64_t *hs = NULL;
  ra_evid ev;
  uint32_t bucket = (page_no - 1) / TAGS_BUCKET + 1;
  const ra_pline *tl;
  int rc = -1;

  for (k = 0; k + 1 < pg->n && k < LEARN_TITLE_SCAN; k++)
    if (ra_page_eq_lines(&pg->l[k], &pg->l[k + 1]) && ra_page_title_like(&pg->l[k])) break;
  if (k + 1 >= pg->n || k >= LEARN_TITLE_SCAN) return 0;
  t = k + 2;
  if (t >= pg->n || !ra_tagsplit_tag_like(pg->l[t].t, pg->l[t].n)) return 0;
  tl = &pg->l[t];
  if (ra_tagsplit_evid_build(&ev, tl, pg, t + 1, pg->n, &pg->l[k])) {
    ra_tagsplit_evid_free(&ev);
    return -1;
  }
  if (ra_tagsplit_split(m, &ev, tl->t, tl->n, &tags, &ntags, &hs, &wc)) goto done;
  for (i = 0; i < ntags; i++) {
    tent *e = tag_ent(m, hs[i], tags[i], strlen(tags[i]), wc[i], bucket);
    if (!e) goto done;
    if (e->last_seg != page_no) {
      e->last_seg = page_no;
      e->seg++;
    }
  }
  /* n-gram statistics over the words of the line (connectors never start
   * or end an n-gram), with distinct left/right neighbours tracked */
  {
    const char *s = tl->t;
    size_t n = tl->n, nw = 0, a, len;
    size_t wo[RA_TAGLINE_MAX_WORDS + 1], wl[RA_TAGLINE_MAX_WORDS + 1];
    i = 0;
    while (i < n && nw < RA_TAGLINE_MAX_WORDS) {
      size_t j = i;
      while (j < n && s[j] != ' ') j++;
      wo[nw] = i;
      wl[nw] = j - i;
      nw++;
      i = j + 1;
    }
    for (a = 0; a < nw; a++) {
      int art;
      if (ra_tagsplit_is_connector_word(s + wo[a], wl[a], &art)) continue;
      for (len = 1; len <= 4 && a + len <= nw; len++) {
        size_t z = a + len - 1, nwd;
        uint64_t h, lh, rh;
        tent *e;
        if (ra_tagsplit_is_connector_word(s + wo[z], wl[z], &art)) continue;
        h = ra_tagsplit_phrase_hash(s + wo[a], wo[z] + wl[z] - wo[a], &nwd);
        if (!h) continue;
        lh = a ? ra_tagsplit_phrase_hash(s + wo[a - 1], wl[a - 1], NULL) : H_BOL;
        rh = z + 1 < nw ? ra_tagsplit_phrase_hash(s + wo[z + 1], wl[z + 1], NULL) : H_EOL;
        e = tag_ent(m, h, s + wo[a], wo[z] + wl[z] - wo[a], len, bucket);
        if (!e) goto done;
        if (e->last_ng == page_no) continue;
        e->last_ng = page_no;
        e->ng++;
        if (!e->has_left) {
          e->has_left = 1;
          e->left = lh;
          e->right = rh;
        } else {
          if (e->left != lh) e->lmulti = 1;
          if (e->right != rh) e->rmulti = 1;
        }
      }
    }
  }
  rc = 0;
done:
  ra_strv_free(tags, ntags);
  free(hs);
  free(wc);
  ra_tagsplit_evid_free(&ev);
  return rc;
}

ra_status ra_model_learn(ra_model *m, const char *text, size_t len,
                         ra_error *err) {
  ra_page pg;
  char *copy = NULL;
  uint32_t page_no, bucket;
  uint64_t prev = H_BOF;
  size_t i;
  int s;
  if (!m || (!text && len))
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_learn: bad arguments");
  if (m->finished)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_model_learn: model already finished");
  if (m->pages >= UINT32_MAX - 1)
    return ra_error_set(err, RA_ERR_TOOBIG, "ra_model_learn: too many pages");
  s = ra_page_sanitize(text ? text : "", len, &copy);
  if (s < 0) return ra_nomem(err);
  if (s > 0) text = copy;
  if (ra_page_split(&pg, text ? text : "", len)) {
    ra_page_free(&pg);
    free(copy);
    return ra_nomem(err);
  }
  page_no = (uint32_t)++m->pages;
  bucket = (page_no - 1) / LINES_BUCKET + 1;
  /* prev = 0 after a long line: pairs link only truly adjacent lines, or
   * "Conclusion" and "FAQs" (a paragraph apart on most pages) would look
   * like a repeated block */
  for (i = 0; i < pg.n; i++) {
    const ra_pline *p = &pg.l[i];
    lent *e;
    if (p->n > BP_MAX_LINE || !p->loose) {
      prev = 0;
      continue;
    }
    e = line_ent(m, p, bucket);
    if (!e) goto oom;
    if (e->last != page_no) {
      e->last = page_no;
      e->count++;
      if (i * 2 >= pg.n) e->tail++;
      if (i < HEAD_LINES) e->head++;
    }
    if (prev && pair_add(m, prev, p->loose, page_no, bucket)) goto oom;
    prev = p->loose;
  }
  if (prev && pair_add(m, prev, H_EOF, page_no, bucket)) goto oom;
  if (learn_tags(m, &pg, page_no)) goto oom;
  if (page_no % LINES_BUCKET == 0 && prune_lines(m, page_no / LINES_BUCKET))
    goto oom;
  if (page_no % TAGS_BUCKET == 0 && prune_tags(m, page_no / TAGS_BUCKET))
    goto oom;
  ra_page_free(&pg);
  free(copy);
  return RA_OK;
oom:
  ra_page_free(&pg);
  free(copy);
  return ra_nomem(err);
}

static int bp_add(ra_model *m, uint64_t h, int kind, unsigned count,
                  const char *text, size_t n) {
  bpent *e;
  size_t kl;
  if (ra_hix_get(&m->bp_ix, h) != RA_HIX_NONE) return 0;
  if (m->n_bp >= UINT32_MAX - 1 || RA_GROW(m->bp, m->cap_bp, m->n_bp + 1))
    return -1;
  e = &m->bp[m->n_bp];
  e->h = h;
  e->kind = kind;
  e->count = count;
  e->text = ra_strndup(text, n);
  e->loose = malloc(n + 1);
  if (!e->text || !e->loose) {
    free(e->text);
    free(e->loose);
    return -1;
  }
  ra_page_loose_key(text, n, e->loose, &kl);
  e->loose_len = kl;
  if (ra_hix_put(&m->bp_ix, h, (uint32_t)m->n_bp)) {
    free(e->text);
    free(e->loose);
    return -1;
  }
  m->n_bp++;
  return 0;
}

static int cat_add(ra_model *m, uint64_t h, unsigned count, const char *text,
                   size_t n) {
  if (ra_hix_get(&m->cat_ix, h) != RA_HIX_NONE) return 0;
  if (m->n_cat >= UINT32_MAX - 1 || RA_GROW(m->cat, m->cap_cat, m->n_cat + 1))
    return -1;
  m->cat[m->n_cat].h = h;
  m->cat[m->n_cat].cost = 0;
  m->cat[m->n_cat].count = count;
  m->cat[m->n_cat].text = ra_strndup(text, n);
  if (!m->cat[m->n_cat].text) return -1;
  if (ra_hix_put(&m->cat_ix, h, (uint32_t)m->n_cat)) {
    free(m->cat[m->n_cat].text);
    return -1;
  }
  m->n_cat++;
  return 0;
}

/* Bigram-style cohesion of a tag-line n-gram: how often it occurs relative
 * to its rarest word.  "Medical Community" is nearly always together;
 * "Mentorship Networking" is two frequent tags that happen to touch. */
static int ngram_cohesive(const ra_model *m, const tent *e) {
  const char *s = e->text;
  size_t i = 0, n = strlen(s);
  uint32_t minc = UINT32_MAX;
  while (i < n) {
    size_t j = i;
    uint64_t h;
    uint32_t k;
    while (j < n && s[j] != ' ') j++;
    h = ra_tagsplit_phrase_hash(s + i, j - i, NULL);
    k = h ? ra_hix_get(&m->tg_ix, h) : RA_HIX_NONE;
    if (k != RA_HIX_NONE && m->tg[k].ng < minc) minc = m->tg[k].ng;
    i = j + 1;
  }
  if (minc == UINT32_MAX || !minc) return 0;
  return (uint64_t)e->ng * 10 >= (uint64_t)minc * 6;
}

ra_status ra_model_finish(ra_model *m, ra_error *err) {
  size_t i, thr;
  if (!m) return ra_error_set(err, RA_ERR_USAGE, "ra_model_finish: model is NULL");
  if (m->finished) return RA_OK;
  thr = (m->pages + 1) / 2;
  if (thr < 2) thr = 2;
  /* A frequent line is boilerplate only if it belongs to a repeated block:
   * the pair it forms with its predecessor or successor (page start/end
   * included) is itself frequent.  "Conclusion" or "FAQs" repeat across
   * pages but their neighbours differ every time. */
  for (i = 0; i < m->n_pr; i++) {
    const pent *p = &m->pr[i];
    uint32_t k;
    if (p->count < thr) continue;
    if (p->a != H_BOF && (k = ra_hix_get(&m->ln_ix, p->a)) != RA_HIX_NONE)
      m->ln[k].block = 1;
    if (p->b != H_EOF && (k = ra_hix_get(&m->ln_ix, p->b)) != RA_HIX_NONE)
      m->ln[k].block = 1;
  }
  for (i = 0; i < m->n_ln; i++) {
    const lent *e = &m->ln[i];
    if (e->count >= thr && e->block) {
      if (bp_add(m, e->h, e->tail * 2 > e->count ? RA_BP_FOOTER : RA_BP_CHROME,
                 e->count, e->text, strlen(e->text)))
        return ra_nomem(err);
    }
  }
  for (i = 0; i < m->n_ln; i++) {
    const lent *e = &m->ln[i];
    if (e->count >= 2 && e->head * 2 > e->count &&
        ra_hix_get(&m->bp_ix, e->h) == RA_HIX_NONE &&
        cat_add(m, e->h, e->count, e->text, strlen(e->text)))
      return ra_nomem(err);
  }
  for (i = 0; i < m->n_tg; i++) {
    const tent *e = &m->tg[i];
    int r = 0;
    if (e->seg >= 2)
      r = voc_add(m, e->h, e->nwords > 1 ? RA_COST_LEARNED : RA_COST_LEARNED_SINGLE,
                  e->seg, e->text, strlen(e->text));
    else if (e->nwords >= 2 && e->ng >= 2 && e->lmulti && e->rmulti &&
             ngram_cohesive(m, e))
      r = voc_add(m, e->h, RA_COST_NGRAM, e->ng, e->text, strlen(e->text));
    if (r) return ra_nomem(err);
  }
  free_learning(m);
  m->finished = 1;
  return RA_OK;
}

/* ---- model serialisation ---------------------------------------------- */

#define MODEL_MAGIC "rasearch-model 1"

ra_status ra_model_save(const ra_model *m, char **out, size_t *out_len,
                        ra_error *err) {
  ra_sbuf b = {0};
  char num[64];
  size_t i;
  if (out) *out = NULL;
  if (out_len) *out_len = 0;
  if (!m || !out)
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_save: bad arguments");
  if (!m->finished)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_model_save: call ra_model_finish first");
  if (ra_sb_add(&b, MODEL_MAGIC "\n", sizeof MODEL_MAGIC)) goto oom;
  snprintf(num, sizeof num, "pages %zu\n", m->pages);
  if (ra_sb_add(&b, num, strlen(num))) goto oom;
  for (i = 0; i < m->n_bp; i++) {
    snprintf(num, sizeof num, "bp %s %u ",
             m->bp[i].kind == RA_BP_FOOTER ? "footer" : "chrome", m->bp[i].count);
    if (ra_sb_add(&b, num, strlen(num)) ||
        ra_sb_add(&b, m->bp[i].text, strlen(m->bp[i].text)) || ra_sb_addc(&b, '\n'))
      goto oom;
  }
  for (i = 0; i < m->n_cat; i++) {
    snprintf(num, sizeof num, "cat %u ", m->cat[i].count);
    if (ra_sb_add(&b, num, strlen(num)) ||
        ra_sb_add(&b, m->cat[i].text, strlen(m->cat[i].text)) ||
        ra_sb_addc(&b, '\n'))
      goto oom;
  }
  for (i = 0; i < m->n_voc; i++) {
    const vent *v = &m->voc[i];
    const char *tier = v->cost == RA_COST_KNOWN     ? "known"
                       : v->cost == RA_COST_NGRAM   ? "ngram"
                                                 : "learned";
    snprintf(num, sizeof num, "tag %s %u ", tier, v->count);
    if (ra_sb_add(&b, num, strlen(num)) || ra_sb_add(&b, v->text, strlen(v->text)) ||
        ra_sb_addc(&b, '\n'))
      goto oom;
  }
  if (ra_sb_add(&b, "end\n", 4)) goto oom;
  *out = b.p;
  if (out_len) *out_len = b.len;
  return RA_OK;
oom:
  free(b.p);
  return ra_nomem(err);
}

static int parse_uint(const char *s, size_t n, unsigned long *v, size_t *used) {
  size_t i = 0;
  unsigned long x = 0;
  while (i < n && ra_is_digit((unsigned char)s[i])) {
    if (x > (ULONG_MAX - 9) / 10) return -1;
    x = x * 10 + (unsigned long)(s[i] - '0');
    i++;
  }
  if (!i) return -1;
  *v = x;
  *used = i;
  return 0;
}

ra_status ra_model_load(ra_model *m, const char *data, size_t len,
                        ra_error *err) {
  size_t pos = 0, lineno = 0;
  int seen_magic = 0, seen_end = 0;
  if (!m || (!data && len))
    return ra_error_set(err, RA_ERR_USAGE, "ra_model_load: bad arguments");
  if (m->finished || m->pages)
    return ra_error_set(err, RA_ERR_USAGE,
                        "ra_model_load: model must be fresh");
  while (pos < len && !seen_end) {
    const char *ln = data + pos, *nl = memchr(ln, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - ln) : len - pos, used, k;
    unsigned long cnt = 0;
    pos += n + 1;
    lineno++;
    if (memchr(ln, 0, n)) goto bad;
    if (!seen_magic) {
      if (n != strlen(MODEL_MAGIC) || memcmp(ln, MODEL_MAGIC, n) != 0)
        return ra_error_set(err, RA_ERR_INVALID,
                            "model data: line 1: not a rasearch model "
                            "(expected \"%s\")",
                            MODEL_MAGIC);
      seen_magic = 1;
      continue;
    }
    if (n == 3 && memcmp(ln, "end", 3) == 0) {
      seen_end = 1;
    } else if (n > 6 && memcmp(ln, "pages ", 6) == 0) {
      if (parse_uint(ln + 6, n - 6, &cnt, &used) || used != n - 6) goto bad;
      m->pages = cnt;
    } else if (n > 3 && memcmp(ln, "bp ", 3) == 0) {
      int kind;
      k = 3;
      if (n - k > 7 && memcmp(ln + k, "chrome ", 7) == 0)
        kind = RA_BP_CHROME;
      else if (n - k > 7 && memcmp(ln + k, "footer ", 7) == 0)
        kind = RA_BP_FOOTER;
      else
        goto bad;
      k += 7;
      if (parse_uint(ln + k, n - k, &cnt, &used)) goto bad;
      k += used;
      if (k >= n || ln[k] != ' ' || k + 1 >= n) goto bad;
      k++;
      {
        uint64_t h = ra_page_loose_key(ln + k, n - k, NULL, NULL);
        if (!h || bp_add(m, h, kind, (unsigned)cnt, ln + k, n - k)) {
          if (!h) goto bad;
          return ra_nomem(err);
        }
      }
    } else if (n > 4 && memcmp(ln, "cat ", 4) == 0) {
      uint64_t h;
      k = 4;
      if (parse_uint(ln + k, n - k, &cnt, &used)) goto bad;
      k += used;
      if (k >= n || ln[k] != ' ' || k + 1 >= n) goto bad;
      k++;
      h = ra_page_loose_key(ln + k, n - k, NULL, NULL);
      if (!h) goto bad;
      if (cat_add(m, h, (unsigned)cnt, ln + k, n - k)) return ra_nomem(err);
    } else if (n > 4 && memcmp(ln, "tag ", 4) == 0) {
      int cost;
      uint64_t h;
      size_t nw = 0;
      k = 4;
      if (n - k > 6 && memcmp(ln + k, "known ", 6) == 0) {
        cost = RA_COST_KNOWN;
        k += 6;
      } else if (n - k > 6 && memcmp(ln + k, "ngram ", 6) == 0) {
        cost = RA_COST_NGRAM;
        k += 6;
      } else if (n - k > 8 && memcmp(ln + k, "learned ", 8) == 0) {
        cost = RA_COST_LEARNED;
        k += 8;
      } else {
        goto bad;
      }
      if (parse_uint(ln + k, n - k, &cnt, &used)) goto bad;
      k += used;
      if (k >= n || ln[k] != ' ' || k + 1 >= n) goto bad;
      k++;
      h = ra_tagsplit_phrase_hash(ln + k, n - k, &nw);
      if (!h) goto bad;
      if (cost == RA_COST_LEARNED && nw == 1) cost = RA_COST_LEARNED_SINGLE;
      if (voc_add(m, h, cost, (unsigned)cnt, ln + k, n - k)) return ra_nomem(err);
    } else {
      goto bad;
    }
  }
  if (!seen_magic)
    return ra_error_set(err, RA_ERR_INVALID, "model data: empty");
  if (!seen_end)
    return ra_error_set(err, RA_ERR_INVALID,
                        "model data: truncated (no \"end\" record)");
  m->finished = 1;
  return RA_OK;
bad:
  return ra_error_set(err, RA_ERR_INVALID,
                      "model data: line %zu: malformed record", lineno);
}
