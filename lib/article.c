/* article.c - parsing a cleaned page into an ra_article.
 *
 * The parser finds the site chrome and footer (with the corpus model,
 * model.h), the title, breadcrumb and tag line (split by tagsplit.h), then
 * sections, list items, illustration descriptions (illustration.h) and
 * the FAQ.  Everything is a single linear pass over a page's lines
 * (page.h).  docs/article-format.md describes the heuristics and why they
 * look the way they do. */
#define _POSIX_C_SOURCE 200809L

#include "article.h"

#include "article_build.h"
#include "ident.h"
#include "illustration.h"
#include "model.h"
#include "page.h"
#include "tagsplit.h"
#include "textutil.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHROME_RUN 30   /* chrome never swallows more than this */
#define HEAD_SCAN_EXTRA 6   /* doubled title searched this far below chrome */
#define CHROME_LIKE_BYTES 60 /* unrecognised lines skipped above it */
#define HEADING_MAX_WORDS 15
#define HEADING_MAX_BYTES 150
#define CATEGORY_MAX_WORDS 12
#define CATEGORY_MAX_BYTES 150
#define QUESTION_MAX_BYTES 300
#define LIST_MAX_DEPTH 16

/* ---- line shape predicates ----------------------------------------------- */

static int ends_with_punct(const char *s, size_t n) {
  n = ra_page_strip_closers(s, n);
  if (!n) return 0;
  if (strchr(".!?:;,", s[n - 1])) return 1;
  if (n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0) return 1;
  return 0;
}

static int ends_with_question(const char *s, size_t n) {
  n = ra_page_strip_closers(s, n);
  return n && s[n - 1] == '?';
}

/* A sentence break inside the line ("Start small. Stay kind") means the
 * line is prose even without final punctuation. */
static int has_inner_sentence(const char *s, size_t n) {
  size_t i;
  for (i = 1; i + 2 < n; i++) {
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' &&
        ra_is_upper((unsigned char)s[i + 2])) {
      size_t b = i;
      while (b > 0 && s[b - 1] != ' ') b--;
      if (s[i] != '.' || i - b > 3) return 1;
    }
  }
  return 0;
}

static int heading_like(const ra_pline *p) {
  unsigned char c0;
  if (p->indent > 1 || p->n > HEADING_MAX_BYTES) return 0;
  if (ra_page_count_words(p->t, p->n) > HEADING_MAX_WORDS) return 0;
  c0 = (unsigned char)p->t[0];
  if (ra_is_lower(c0) || !ra_page_has_letter(p->t, p->n)) return 0;
  if (ends_with_punct(p->t, p->n) || has_inner_sentence(p->t, p->n)) return 0;
  return 1;
}

static int category_like(const ra_pline *p) {
  return p->n <= CATEGORY_MAX_BYTES &&
         ra_page_count_words(p->t, p->n) <= CATEGORY_MAX_WORDS &&
         ra_page_has_letter(p->t, p->n) && !ends_with_punct(p->t, p->n);
}

/* ---- building the article ------------------------------------------------- */

static void blocks_free(ra_block *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) free(b[i].text);
  free(b);
}

void ra_strv_free(char **v, size_t n) {
  size_t i;
  if (!v) return;
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
}

const char *ra_article_shown_title(const ra_article *a) {
  for (const char *c = a->title; c && *c; c++)
    if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r') return a->title;
  return a->id;
}

void ra_article_free(ra_article *a) {
  size_t i;
  if (!a) return;
  if (a->block) {
    free(a->block);
    return;
  }
  free(a->id);
  free(a->path);
  free(a->url);
  free(a->title);
  free(a->category);
  ra_strv_free(a->tags, a->n_tags);
  for (i = 0; i < a->n_sections; i++) {
    free(a->sections[i].heading);
    blocks_free(a->sections[i].blocks, a->sections[i].n_blocks);
  }
  free(a->sections);
  ra_strv_free(a->illustrations, a->n_illustrations);
  for (i = 0; i < a->n_faqs; i++) {
    free(a->faqs[i].question);
    blocks_free(a->faqs[i].answer, a->faqs[i].n_answer);
  }
  free(a->faqs);
  free(a);
}

char *ra_article_id_from_path(const char *path) {
  const char *b, *e, *dot;
  size_t n;
  if (!path) return ra_ident_id("", 0);
  n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  e = path + n;
  b = e;
  while (b > path && b[-1] != '/') b--;
  dot = NULL;
  {
    const char *q;
    for (q = b + 1; q < e; q++)
      if (*q == '.') dot = q;
  }
  if (dot) e = dot;
  return ra_ident_id(b, (size_t)(e - b));
}

enum { TGT_NONE, TGT_SECTION, TGT_FAQ };

typedef struct pstate {
  ra_article *a;
  int target;          /* where blocks go */
  int in_faq;          /* inside an FAQ section */
  const ra_pline *faq_h;  /* its heading, for a preamble section */
  int faq_pre;         /* the preamble section exists */
  size_t depth;        /* list nesting stack */
  size_t ind[LIST_MAX_DEPTH];
  int list_active;
  size_t item_indent;  /* indentation of the last item's marker */
} pstate;

static int cur_blocks(pstate *st, ra_block ***arr, size_t **n) {
  ra_article *a = st->a;
  if (st->in_faq && st->target != TGT_FAQ && !st->faq_pre) {
    if (ra_article_push_section(a, st->faq_h->t, st->faq_h->n)) return -1;
    st->faq_pre = 1;
    st->target = TGT_SECTION;
  }
  if (st->target == TGT_NONE) {
    if (ra_article_push_section(a, NULL, 0)) return -1;
    st->target = TGT_SECTION;
  }
  if (st->target == TGT_FAQ) {
    *arr = &a->faqs[a->n_faqs - 1].answer;
    *n = &a->faqs[a->n_faqs - 1].n_answer;
  } else {
    *arr = &a->sections[a->n_sections - 1].blocks;
    *n = &a->sections[a->n_sections - 1].n_blocks;
  }
  return 0;
}

static int add_block(pstate *st, ra_block_kind kind, int level, const char *s,
                     size_t n) {
  ra_block **arr;
  size_t *cnt;
  if (cur_blocks(st, &arr, &cnt)) return -1;
  return ra_article_push_block(arr, cnt, kind, level, s, n);
}

/* Appends an indented continuation line to the last list item. */
static int continue_item(pstate *st, const char *s, size_t n) {
  ra_block **arr;
  size_t *cnt, ol;
  ra_block *b;
  char *t;
  if (cur_blocks(st, &arr, &cnt)) return -1;
  if (!*cnt || (*arr)[*cnt - 1].kind != RA_BLOCK_ITEM)
    return ra_article_push_block(arr, cnt, RA_BLOCK_PARA, 0, s, n);
  b = &(*arr)[*cnt - 1];
  ol = strlen(b->text);
  t = realloc(b->text, ol + 1 + n + 1);
  if (!t) return -1;
  t[ol] = '\n';
  memcpy(t + ol + 1, s, n);
  t[ol + 1 + n] = '\0';
  b->text = t;
  return 0;
}

static int faq_heading(const char *s, size_t n) {
  static const char *const pre[] = {"frequently asked questions",
                                    "questions and answers", "common questions",
                                    "q&a", "q & a"};
  size_t k;
  if (n >= 3 && ra_ascii_ncaseeq(s, "faq", 3) &&
      (n == 3 || !ra_is_alpha((unsigned char)s[3]) ||
       ((s[3] == 's' || s[3] == 'S') && (n == 4 || !ra_is_alpha((unsigned char)s[4])))))
    return 1;
  for (k = 0; k < sizeof pre / sizeof pre[0]; k++) {
    size_t l = strlen(pre[k]);
    if (n >= l && ra_ascii_ncaseeq(s, pre[k], l) &&
        (n == l || !ra_is_alpha((unsigned char)s[l])))
      return 1;
  }
  return 0;
}

/* Question text without "1. ", "Q1:", "Q:" or "Question 2:" numbering. */
static size_t question_prefix(const char *s, size_t n) {
  size_t i = 0, j;
  int numbered;
  size_t bl = ra_page_bullet_len(s, n, &numbered);
  if (bl && numbered) return bl;
  if (n > 9 && ra_ascii_ncaseeq(s, "question ", 9))
    i = 9;
  else if (n > 1 && (s[0] == 'Q' || s[0] == 'q') &&
           (s[1] == ':' || s[1] == '.' || ra_is_digit((unsigned char)s[1]) || s[1] == ' '))
    i = 1;
  else
    return 0;
  j = i;
  while (j < n && ra_is_digit((unsigned char)s[j])) j++;
  if (j < n && (s[j] == ':' || s[j] == '.' || s[j] == ')')) j++;
  else if (j == i) return 0;
  while (j < n && s[j] == ' ') j++;
  return j < n ? j : 0;
}

/* Adds a paragraph, separating any illustration description in it. */
static int add_paragraph(pstate *st, const ra_cuetab *cues, const char *s,
                         size_t n) {
  size_t cut = ra_illustration_split(cues, s, n);
  if (cut < n) {
    size_t e = cut;
    while (e > 0 && s[e - 1] == ' ') e--;
    if (e && add_block(st, RA_BLOCK_PARA, 0, s, e)) return -1;
    return ra_article_push_str(&st->a->illustrations, &st->a->n_illustrations, s + cut,
                    n - cut);
  }
  return add_block(st, RA_BLOCK_PARA, 0, s, n);
}

static int parse_body(pstate *st, const ra_page *pg, size_t from, size_t to,
                      const char *title, size_t tn) {
  ra_article *a = st->a;
  ra_cuetab cues;
  size_t k;
  ra_illustration_cuetab_init(&cues);
  for (k = from; k < to; k++) {
    const ra_pline *p = &pg->l[k];
    int numbered = 0;
    size_t bl = ra_page_bullet_len(p->t, p->n, &numbered);
    int item = bl && (!numbered || p->indent > 0);

    if (numbered && p->indent == 0) {
      /* "1. Emotional Support" is a heading, "1. How do I ...?" a
       * question; anything else numbered at the margin is a list item */
      item = !heading_like(p) && !ends_with_question(p->t, p->n);
    }
    if (item) {
      size_t d = p->indent;
      int level;
      if (!st->list_active) st->depth = 0;
      while (st->depth && st->ind[st->depth - 1] > d) st->depth--;
      if (!st->depth || st->ind[st->depth - 1] < d) {
        if (st->depth < LIST_MAX_DEPTH) st->ind[st->depth++] = d;
        else st->ind[st->depth - 1] = d;
      }
      level = (int)st->depth;
      st->list_active = 1;
      st->item_indent = d;
      if (add_block(st, RA_BLOCK_ITEM, level, p->t + bl, p->n - bl)) return -1;
      continue;
    }
    if (st->list_active && p->indent > st->item_indent) {
      if (continue_item(st, p->t, p->n)) return -1;
      continue;
    }
    st->list_active = 0;
    if (ra_illustration_is_caption(p, title, tn)) {
      if (ra_article_push_str(&a->illustrations, &a->n_illustrations, p->t, p->n))
        return -1;
      continue;
    }
    if (heading_like(p)) {
      if (faq_heading(p->t, p->n)) {
        st->in_faq = 1;
        st->faq_h = p;
        st->faq_pre = 0;
        st->target = TGT_NONE;
        continue;
      }
      st->in_faq = 0;
      if (ra_article_push_section(a, p->t, p->n)) return -1;
      st->target = TGT_SECTION;
      continue;
    }
    if (st->in_faq && p->n <= QUESTION_MAX_BYTES &&
        ends_with_question(p->t, p->n)) {
      size_t q = question_prefix(p->t, p->n);
      if (ra_article_push_faq(a, p->t + q, p->n - q)) return -1;
      st->target = TGT_FAQ;
      continue;
    }
    if (add_paragraph(st, &cues, p->t, p->n)) return -1;
  }
  return 0;
}

/* Footer: the tail block that starts at a footer line and in which most
 * lines are footer lines (a changed line or two inside it is tolerated).
 * Lines after the last footer line go too when the block is solid. */
static size_t footer_start(const ra_bpview *v, const ra_page *pg, size_t from) {
  size_t n = pg->n, j = n, k, b = 0, best = n, solid = 0;
  for (k = n; k-- > from;)
    if (ra_bpview_kind(v, pg->l[k].loose) == RA_BP_FOOTER) {
      j = k;
      break;
    }
  if (j == n) return n;
  for (k = j + 1; k-- > from;) {
    if (ra_bpview_kind(v, pg->l[k].loose) == RA_BP_FOOTER) {
      b++;
      if (b * 2 > j - k + 1) {
        best = k;
        solid = b;
      }
    }
  }
  if (best == n) return n;
  if (j + 1 < n && solid < 2) return n;
  return best;
}

ra_status ra_article_parse(const ra_model *m, const char *id,
                           const char *path, const char *text, size_t len,
                           ra_article **out, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err) {
  const char *name = path ? path : (id ? id : "<text>");
  char *copy = NULL, **tags = NULL;
  size_t ntags = 0, ci, fs, hn, body, title_i, tag_i;
  ptrdiff_t cat_i = -1;
  ra_page pg;
  ra_bpview v;
  ra_article *a = NULL;
  pstate st;
  int s;
  const ra_pline *h[4];

  if (out) *out = NULL;
  if (!out || (!text && len))
    return ra_error_set(err, RA_ERR_USAGE, "%s: ra_article_parse: bad arguments",
                        name);
  s = ra_page_sanitize(text ? text : "", len, &copy);
  if (s < 0) return ra_nomem(err);
  if (s > 0) {
    ra_page_warnf(warn, warn_ctx, name, 0, (size_t)-1,
          "text has NUL bytes or invalid UTF-8; parsing a repaired copy");
    text = copy;
    len = strlen(copy);
  }
  if (ra_page_split(&pg, text ? text : "", len)) {
    ra_page_free(&pg);
    free(copy);
    return ra_nomem(err);
  }
  ra_bpview_init(&v, m);

  /* chrome: the run of boilerplate lines at the top */
  for (ci = 0; ci < pg.n && ci < MAX_CHROME_RUN; ci++)
    if (ra_bpview_kind(&v, pg.l[ci].loose) == RA_BP_NONE && !ra_bpview_chrome_contains(&v, &pg.l[ci]))
      break;
  fs = footer_start(&v, &pg, ci);
  if (fs < ci) fs = ci;

  /* An unknown layout (no learned model, defaults do not match): the
   * doubled title a few lines down is the anchor, and the short lines above
   * it are site chrome we could not recognise. */
  {
    size_t k, dup = fs;
    for (k = ci + 2; k + 1 < fs && k < ci + 2 + HEAD_SCAN_EXTRA; k++) {
      if (pg.l[k - 2].n > CHROME_LIKE_BYTES) break; /* not chrome-like */
      if (ra_page_eq_lines(&pg.l[k], &pg.l[k + 1]) && ra_page_title_like(&pg.l[k])) {
        dup = k;
        break;
      }
    }
    if (dup < fs && !ra_page_eq_lines(&pg.l[ci], &pg.l[ci + 1]) &&
        !(ci + 2 < fs && ra_page_eq_lines(&pg.l[ci + 1], &pg.l[ci + 2])))
      ci = dup - 1;
  }

  /* breadcrumb / title (often doubled) / tag line */
  for (hn = 0; hn < 4 && ci + hn < fs; hn++) h[hn] = &pg.l[ci + hn];
  if (hn >= 2 && ra_page_eq_lines(h[0], h[1])) {
    title_i = ci;
    tag_i = ci + 2;
  } else if (hn >= 3 && ra_page_eq_lines(h[1], h[2])) {
    if (category_like(h[0])) cat_i = (ptrdiff_t)ci;
    title_i = ci + 1;
    tag_i = ci + 3;
  } else if (hn >= 3 && ra_model_in_catset(m, h[0]->loose) && !ra_model_in_catset(m, h[1]->loose) &&
             category_like(h[0]) && ra_page_title_like(h[1]) &&
             ra_tagsplit_tag_like(h[2]->t, h[2]->n)) {
    cat_i = (ptrdiff_t)ci;
    title_i = ci + 1;
    tag_i = ci + 2;
  } else {
    title_i = ci;
    tag_i = ci + 1;
  }
  if (title_i >= fs || !ra_page_title_like(&pg.l[title_i])) {
    ra_status rc = ra_error_set(
        err, RA_ERR_INVALID, "%s: no recognisable title%s", name,
        title_i < fs ? " (the first text line is not a title)" : " (no text)");
    ra_page_free(&pg);
    free(copy);
    return rc;
  }
  body = tag_i;
  if (tag_i < fs && ra_tagsplit_tag_like(pg.l[tag_i].t, pg.l[tag_i].n) &&
      !ra_page_eq_lines(&pg.l[tag_i], &pg.l[title_i])) {
    ra_evid ev;
    const ra_pline *tl = &pg.l[tag_i];
    int r = ra_tagsplit_evid_build(&ev, tl, &pg, tag_i + 1, fs, &pg.l[title_i]);
    if (!r) r = ra_tagsplit_split(m, &ev, tl->t, tl->n, &tags, &ntags, NULL, NULL);
    ra_tagsplit_evid_free(&ev);
    if (r) goto oom;
    body = tag_i + 1;
  } else {
    ra_page_warnf(warn, warn_ctx, name, pg.l[title_i].lineno, pg.l[title_i].off,
          "no tag line after the title");
  }
  if (body > fs) body = fs;

  a = calloc(1, sizeof *a);
  if (!a) goto oom;
  a->tags = tags;
  a->n_tags = ntags;
  tags = NULL;
  a->id = id ? ra_strndup(id, strlen(id))
             : (path ? ra_article_id_from_path(path) : ra_strndup("", 0));
  if (!a->id) goto oom;
  if (path && !(a->path = ra_strndup(path, strlen(path)))) goto oom;
  a->title = ra_strndup(pg.l[title_i].t, pg.l[title_i].n);
  if (!a->title) goto oom;
  if (cat_i >= 0) {
    a->category = ra_strndup(pg.l[cat_i].t, pg.l[cat_i].n);
    if (!a->category) goto oom;
  }
  memset(&st, 0, sizeof st);
  st.a = a;
  if (parse_body(&st, &pg, body, fs, a->title, strlen(a->title))) goto oom;
  ra_page_free(&pg);
  free(copy);
  *out = a;
  return RA_OK;
oom:
  ra_strv_free(tags, ntags);
  ra_article_free(a);
  ra_page_free(&pg);
  free(copy);
  return ra_nomem(err);
}
