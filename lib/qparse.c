/* qparse.c - query string -> tree of clauses, analysed like indexed text.
 *
 * A hand-written lexer and recursive-descent parser.  Any syntax error
 * makes the whole query be read again as plain words (with a note): a
 * reader who types a stray quote or parenthesis still gets an answer. */
#define _GNU_SOURCE
#include "qparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ------------------------------------------------------- */

void ra_query_note(ra_query *q, const char *msg) {
  size_t n = strlen(q->notes);
  if (strstr(q->notes, msg)) return;
  snprintf(q->notes + n, sizeof q->notes - n, "%s%s", n ? "; " : "", msg);
}

static int is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
         ch == '\v';
}

/* Copy of s with every invalid byte replaced by U+FFFD, so messages and
 * JSON built from the query are always valid UTF-8.  Caller frees. */
static char *utf8_clean(const char *s, size_t len, size_t *out_len) {
  char *o = malloc(len * 3 + 1);
  if (!o) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < len;) {
    size_t l = ra_utf8_seq(s + i, len - i);
    if (l == 0 || (l == 1 && s[i] == '\0')) {
      memcpy(o + k, "\xEF\xBF\xBD", 3);
      k += 3;
      i++;
    } else {
      memcpy(o + k, s + i, l);
      k += l;
      i += l;
    }
  }
  o[k] = '\0';
  *out_len = k;
  return o;
}

/* Byte length of a separator at s that is not ASCII white space, else 0:
 * U+FFFD (what invalid UTF-8 became), and the Unicode spaces page cleaning
 * turns into spaces in indexed text (NBSP, U+2000..U+200B, U+2028/9,
 * U+202F, U+205F, U+3000, U+FEFF).  Zero-width joiners and non-joiners are
 * not separators: the analyser ignores them inside a word, as in pages. */
static size_t separator_len(const unsigned char *s, size_t n) {
  if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
  if (n < 3) return 0;
  if (s[0] == 0xEF && s[1] == 0xBF && s[2] == 0xBD) return 3;
  if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 3;
  if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;
  if (s[0] == 0xE2 && s[1] == 0x80 &&
      (s[2] <= 0x8B || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
    return 3;
  if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) return 3;
  return 0;
}

/* Copy of the cleaned query for the lexer: every separator blanked to as
 * many ASCII spaces as it has bytes, so clause offsets stay those of the
 * reader's text (messages quote that) while words split where the
 * analyser would split them.  Caller frees. */
static char *lex_copy(const char *s, size_t len) {
  char *o = malloc(len + 1);
  if (!o) return NULL;
  memcpy(o, s, len + 1);
  for (size_t i = 0; i < len;) {
    size_t l = separator_len((const unsigned char *)o + i, len - i);
    if (l) {
      memset(o + i, ' ', l);
      i += l;
    } else {
      i++;
    }
  }
  return o;
}

/* ---- freeing ------------------------------------------------------------- */

static void words_free(ra_qword *w, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(w[i].word);
    free(w[i].stem);
  }
  free(w);
}

static void clause_free(ra_qclause *c) {
  words_free(c->words, c->n_words);
  free(c->value);
  free(c->raw);
  for (size_t i = 0; i < c->n_exps; i++) {
    free(c->exps[i].text);
    words_free(c->exps[i].words, c->exps[i].n_words);
  }
  free(c->exps);
}

static void node_clear(ra_qnode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n_kids; i++) node_clear(&n->kids[i]);
  free(n->kids);
  n->kids = NULL;
  n->n_kids = 0;
}

typedef struct ra_query_priv {
  ra_query pub;
  char *text; /* the cleaned query string */
  size_t text_len;
} ra_query_priv;

void ra_query_free(ra_query *q) {
  if (!q) return;
  for (size_t i = 0; i < q->n_clauses; i++) clause_free(&q->clauses[i]);
  free(q->clauses);
  if (q->root) {
    node_clear(q->root);
    free(q->root);
  }
  free(((ra_query_priv *)q)->text);
  free(q);
}

/* ---- analysis into words -------------------------------------------------- */

typedef struct collect {
  ra_qword *words;
  size_t n;
  size_t *total; /* words across the query, for the term limit */
  int overflow;
  int nomem;
} collect;

static int collect_cb(void *vctx, const ra_token *t) {
  collect *k = vctx;
  if (t->flags & RA_TOK_COLOCATED) return 0; /* URL parts: whole URL kept */
  if (*k->total >= RA_QUERY_MAX_TERMS) {
    k->overflow = 1;
    return 1;
  }
  ra_qword *nw = realloc(k->words, (k->n + 1) * sizeof *nw);
  if (!nw) {
    k->nomem = 1;
    return 1;
  }
  k->words = nw;
  nw[k->n].word = strndup(t->word, t->word_len);
  nw[k->n].stem = strndup(t->stem, t->stem_len);
  if (!nw[k->n].word || !nw[k->n].stem) {
    free(nw[k->n].word);
    free(nw[k->n].stem);
    k->nomem = 1;
    return 1;
  }
  k->n++;
  (*k->total)++;
  return 0;
}

ra_status ra_query_add_expansion(ra_analyzer *an, ra_query *q, size_t ci,
                                 const char *text, size_t len, ra_error *err) {
  if (ci >= q->n_clauses) return ra_error_set(err, RA_ERR_USAGE, "clause index");
  ra_qclause *c = &q->clauses[ci];
  size_t total = 0;
  collect k = {.total = &total};
  ra_status st = ra_analyze(an, text, len, 0, collect_cb, &k, NULL, err);
  if (!st && k.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "expansion");
  if (st || k.n == 0) {
    words_free(k.words, k.n);
    return st;
  }
  ra_qexp *ne = realloc(c->exps, (c->n_exps + 1) * sizeof *ne);
  char *t = strndup(text, len);
  if (!ne || !t) {
    if (ne) c->exps = ne;
    free(t);
    words_free(k.words, k.n);
    return ra_error_set(err, RA_ERR_NOMEM, "expansion");
  }
  c->exps = ne;
  ne[c->n_exps].text = t;
  ne[c->n_exps].words = k.words;
  ne[c->n_exps].n_words = k.n;
  c->n_exps++;
  return RA_OK;
}

/* ---- lexer ---------------------------------------------------------------- */

typedef enum {
  T_EOF, T_LP, T_RP, T_AND, T_OR, T_NOT, T_MINUS, T_WORD, T_PHRASE, T_FIELD
} tkind;

typedef struct tok {
  tkind kind;
  size_t start, end;   /* the value's bytes (word, phrase or field value) */
  size_t raw_start;    /* where the token starts (field name, quote) */
  size_t raw_end;
  int wildcard;
  int quoted;
  ra_qclause_kind fkind; /* T_FIELD */
  int title;             /* T_FIELD title: */
} tok;

typedef struct parser {
  ra_analyzer *an;
  const char *s;
  size_t len, i;
  tok cur;
  int have;
  const char *error;  /* first syntax error, static string */
  ra_query *q;
  size_t total;       /* words so far */
  int overflow;
  ra_status st;
  ra_error *err;
} parser;

static int word_char(char ch) {
  return !is_space(ch) && ch != '(' && ch != ')' && ch != '"';
}

static void lex(parser *p, tok *t) {
  const char *s = p->s;
  memset(t, 0, sizeof *t);
  while (p->i < p->len && is_space(s[p->i])) p->i++;
  t->raw_start = p->i;
  if (p->i >= p->len) {
    t->kind = T_EOF;
    return;
  }
  char ch = s[p->i];
  if (ch == '(' || ch == ')') {
    t->kind = ch == '(' ? T_LP : T_RP;
    p->i++;
    t->raw_end = p->i;
    return;
  }
  if (ch == '-' && p->i + 1 < p->len && !is_space(s[p->i + 1]) &&
      s[p->i + 1] != ')' && s[p->i + 1] != '-') {
    t->kind = T_MINUS;
    p->i++;
    t->raw_end = p->i;
    return;
  }
  if (ch == '"') {
    size_t j = p->i + 1;
    while (j < p->len && s[j] != '"') j++;
    if (j >= p->len) {
      if (!p->error) p->error = "unbalanced quote";
      t->kind = T_EOF;
      p->i = p->len;
      return;
    }
    t->kind = T_PHRASE;
    t->start = p->i + 1;
    t->end = j;
    t->quoted = 1;
    p->i = j + 1;
    t->raw_end = p->i;
    return;
  }
  static const struct {
    const char *name;
    ra_qclause_kind kind;
    int title;
  } fields[] = {{"tag:", RA_QC_TAG, 0},
                {"category:", RA_QC_CATEGORY, 0},
                {"title:", RA_QC_TEXT, 1}};
  for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
    size_t fl = strlen(fields[f].name);
    if (p->len - p->i < fl || strncasecmp(s + p->i, fields[f].name, fl) != 0)
      continue;
    size_t j = p->i + fl;
    t->kind = T_FIELD;
    t->fkind = fields[f].kind;
    t->title = fields[f].title;
    if (j < p->len && s[j] == '"') {
      /* A quoted value may hold \" (a quote) and \\ (a backslash): tags
       * and categories are any text (field_value unescapes). */
      size_t e = j + 1;
      while (e < p->len && s[e] != '"')
        e += s[e] == '\\' && e + 1 < p->len && (s[e + 1] == '"' || s[e + 1] == '\\') ? 2 : 1;
      if (e >= p->len) {
        if (!p->error) p->error = "unbalanced quote";
        t->kind = T_EOF;
        p->i = p->len;
        return;
      }
      t->start = j + 1;
      t->end = e;
      t->quoted = 1;
      p->i = e + 1;
    } else {
      size_t e = j;
      while (e < p->len && word_char(s[e])) e++;
      t->start = j;
      t->end = e;
      p->i = e;
      while (t->end > t->start && s[t->end - 1] == '*') {
        t->end--;
        t->wildcard = 1;
      }
    }
    t->raw_end = p->i;
    if (t->end == t->start && !p->error)
      p->error = t->quoted ? "empty field value" : "field scope with nothing after it";
    if (t->wildcard && t->fkind != RA_QC_TEXT) t->wildcard = 0;
    return;
  }
  size_t e = p->i;
  while (e < p->len && word_char(s[e])) e++;
  t->start = p->i;
  t->end = e;
  p->i = e;
  t->raw_end = e;
  size_t wl = e - t->start;
  if (wl == 3 && memcmp(s + t->start, "AND", 3) == 0) t->kind = T_AND;
  else if (wl == 2 && memcmp(s + t->start, "OR", 2) == 0) t->kind = T_OR;
  else if (wl == 3 && memcmp(s + t->start, "NOT", 3) == 0) t->kind = T_NOT;
  else t->kind = T_WORD;
  if (t->kind == T_WORD) {
    while (t->end > t->start && s[t->end - 1] == '*') {
      t->end--;
      t->wildcard = 1;
    }
    if (t->wildcard && t->end == t->start && !p->error)
      p->error = "a lone *";
  }
}

static tok *peek(parser *p) {
  if (!p->have) {
    lex(p, &p->cur);
    p->have = 1;
  }
  return &p->cur;
}

static void next(parser *p) { p->have = 0; }

/* ---- tree building -------------------------------------------------------- */

/* Nodes are built as malloc'd single nodes and moved into parents. */
static ra_qnode *node_new(ra_qnode_kind kind) {
  ra_qnode *n = calloc(1, sizeof *n);
  if (n) n->kind = kind;
  return n;
}

static void node_free(ra_qnode *n) {
  node_clear(n);
  free(n);
}

/* Move *kid into parent (kid's struct is freed, its contents moved). */
static int node_adopt(ra_qnode *parent, ra_qnode *kid) {
  ra_qnode *nk = realloc(parent->kids, (parent->n_kids + 1) * sizeof *nk);
  if (!nk) {
    node_free(kid);
    return -1;
  }
  parent->kids = nk;
  nk[parent->n_kids++] = *kid;
  free(kid);
  return 0;
}

static void set_nomem(parser *p) {
  if (!p->st) p->st = ra_error_set(p->err, RA_ERR_NOMEM, "query");
}

static ra_qclause *new_clause(parser *p, size_t *index) {
  ra_query *q = p->q;
  ra_qclause *nc = realloc(q->clauses, (q->n_clauses + 1) * sizeof *nc);
  if (!nc) {
    set_nomem(p);
    return NULL;
  }
  q->clauses = nc;
  memset(&nc[q->n_clauses], 0, sizeof *nc);
  *index = q->n_clauses;
  return &nc[q->n_clauses++];
}

static ra_qnode *leaf(parser *p, size_t ci) {
  ra_qnode *n = node_new(RA_QN_CLAUSE);
  if (!n) {
    set_nomem(p);
    return NULL;
  }
  n->clause = ci;
  return n;
}

static char *raw_dup(parser *p, const tok *t) {
  return strndup(p->s + t->raw_start, t->raw_end - t->raw_start);
}

/* A word, phrase or title: token -> clause(s).  NULL when the text has no
 * words (punctuation) or on error (p->st / p->error set). */
static ra_qnode *text_leaf(parser *p, const tok *t, int title) {
  collect k = {.total = &p->total};
  ra_status st = ra_analyze(p->an, p->s + t->start, t->end - t->start, 0,
                            collect_cb, &k, NULL, p->err);
  if (!st && k.nomem) st = ra_error_set(p->err, RA_ERR_NOMEM, "query");
  if (k.overflow) p->overflow = 1;
  if (st) {
    words_free(k.words, k.n);
    if (!p->st) p->st = st;
    return NULL;
  }
  if (k.n == 0) return NULL;
  /* word* analysing to several words (post-ma*): the last one is the
   * prefix, the ones before it a phrase or word, both required. */
  size_t n_lead = (t->wildcard && k.n > 1) ? k.n - 1 : 0;
  ra_qnode *result = NULL;
  size_t ci;
  ra_qclause *c = new_clause(p, &ci);
  if (!c) {
    words_free(k.words, k.n);
    return NULL;
  }
  c->kind = RA_QC_TEXT;
  c->title_only = title;
  c->raw = raw_dup(p, t);
  c->raw_start = t->raw_start;
  c->raw_end = t->raw_end;
  if (!c->raw) set_nomem(p);
  if (n_lead) {
    /* Split: lead words in this clause, the prefix in a second one. */
    c->words = k.words;
    c->n_words = n_lead;
    c->phrase = n_lead > 1;
    ra_qword last = k.words[n_lead];
    size_t ci2;
    ra_qclause *c2 = new_clause(p, &ci2);
    if (!c2) {
      free(last.word);
      free(last.stem);
      return NULL;
    }
    c2->kind = RA_QC_TEXT;
    c2->title_only = title;
    c2->wildcard = 1;
    c2->words = malloc(sizeof *c2->words);
    c2->raw = raw_dup(p, t);
    c2->raw_start = t->raw_start;
    c2->raw_end = t->raw_end;
    if (!c2->words || !c2->raw) {
      free(last.word);
      free(last.stem);
      set_nomem(p);
      return NULL;
    }
    c2->words[0] = last;
    c2->n_words = 1;
    result = node_new(RA_QN_AND);
    ra_qnode *a = leaf(p, ci), *b = leaf(p, ci2);
    if (!result || !a || !b || node_adopt(result, a) || node_adopt(result, b)) {
      node_free(result);
      set_nomem(p);
      return NULL;
    }
    return result;
  }
  c->words = k.words;
  c->n_words = k.n;
  c->wildcard = t->wildcard && k.n == 1;
  /* A quoted phrase, and an unquoted token that analyses into several
   * words (peer-support, e-mail): matched as a phrase, as written. */
  c->phrase = k.n > 1;
  return leaf(p, ci);
}

char *ra_qparse_quote_value(const char *value) {
  char *out = malloc(2 * strlen(value) + 3), *o = out;
  if (!out) return NULL;
  *o++ = '"';
  for (const char *c = value; *c; c++) {
    if (*c == '"' || *c == '\\') *o++ = '\\';
    *o++ = *c;
  }
  *o++ = '"';
  *o = '\0';
  return out;
}

ra_status ra_qparse_fold_value(ra_analyzer *an, const char *value, size_t len,
                               char out[256], size_t *out_len) {
  size_t fl = 0;
  *out_len = 0;
  ra_status st = ra_analyze_fold(an, value, len, out, 256, &fl, NULL);
  if (st) return st;
  /* Tags are stored folded with single spaces between words. */
  size_t k = 0;
  for (size_t i = 0; i < fl; i++) {
    if (is_space(out[i])) {
      if (k && out[k - 1] != ' ') out[k++] = ' ';
    } else {
      out[k++] = out[i];
    }
  }
  while (k && out[k - 1] == ' ') k--;
  out[k] = '\0';
  *out_len = k;
  return RA_OK;
}

/* The value of a tag: or category: token with \" and \\ of a quoted
 * value undone, into buf (room for t->end - t->start bytes); its length. */
static size_t field_value(const parser *p, const tok *t, char *buf) {
  size_t k = 0;
  for (size_t i = t->start; i < t->end; i++) {
    if (t->quoted && p->s[i] == '\\' && i + 1 < t->end &&
        (p->s[i + 1] == '"' || p->s[i + 1] == '\\'))
      i++;
    buf[k++] = p->s[i];
  }
  return k;
}

static ra_qnode *field_leaf(parser *p, const tok *t) {
  if (t->fkind == RA_QC_TEXT) return text_leaf(p, t, 1);
  char buf[256];
  char *raw = malloc(t->end - t->start + 1);
  if (!raw) {
    set_nomem(p);
    return NULL;
  }
  size_t rl = field_value(p, t, raw), k = 0;
  ra_status fst = ra_qparse_fold_value(p->an, raw, rl, buf, &k);
  free(raw);
  if (fst != RA_OK) {
    ra_query_note(p->q, "over-long field value ignored");
    return NULL;
  }
  if (k == 0) return NULL;
  size_t ci;
  ra_qclause *c = new_clause(p, &ci);
  if (!c) return NULL;
  c->kind = t->fkind;
  c->value = strndup(buf, k);
  c->raw = raw_dup(p, t);
  c->raw_start = t->raw_start;
  c->raw_end = t->raw_end;
  if (!c->value || !c->raw) {
    set_nomem(p);
    return NULL;
  }
  return leaf(p, ci);
}

static void mark_negated(ra_query *q, const ra_qnode *n) {
  if (n->kind == RA_QN_CLAUSE) {
    q->clauses[n->clause].negated = 1;
    return;
  }
  for (size_t i = 0; i < n->n_kids; i++) mark_negated(q, &n->kids[i]);
}

static ra_qnode *parse_and(parser *p, int depth);

static void mark_not(ra_query *q, const ra_qnode *n, int under) {
  if (n->kind == RA_QN_CLAUSE) {
    q->clauses[n->clause].negated = under;
    return;
  }
  for (size_t i = 0; i < n->n_kids; i++)
    mark_not(q, &n->kids[i], under || n->kind == RA_QN_NOT);
}

static int starts_operand(tkind k) {
  return k == T_LP || k == T_NOT || k == T_MINUS || k == T_WORD ||
         k == T_PHRASE || k == T_FIELD;
}

/* An operand that is present but empty (punctuation only) returns NULL
 * with *present = 1. */
static ra_qnode *parse_unary(parser *p, int depth, int *present) {
  tok *t = peek(p);
  *present = 0;
  if (p->error || p->st) return NULL;
  if (t->kind == T_NOT || t->kind == T_MINUS) {
    next(p);
    if (!starts_operand(peek(p)->kind)) {
      if (!p->error) p->error = "NOT or - with nothing after it";
      return NULL;
    }
    int pr = 0;
    ra_qnode *kid = parse_unary(p, depth, &pr);
    *present = 1;
    if (!kid) return NULL;
    if (kid->kind == RA_QN_NOT) { /* NOT NOT x: x */
      ra_qnode inner = kid->kids[0];
      free(kid->kids);
      *kid = inner;
      return kid;
    }
    mark_negated(p->q, kid);
    ra_qnode *n = node_new(RA_QN_NOT);
    if (!n || node_adopt(n, kid)) {
      free(n);
      set_nomem(p);
      return NULL;
    }
    return n;
  }
  if (t->kind == T_LP) {
    if (depth >= RA_QUERY_MAX_DEPTH) {
      if (!p->error) p->error = "parentheses nested too deeply";
      return NULL;
    }
    next(p);
    if (peek(p)->kind == T_RP) {
      if (!p->error) p->error = "empty parentheses";
      return NULL;
    }
    ra_qnode *n = parse_and(p, depth + 1);
    if (p->error || p->st) {
      node_free(n);
      return NULL;
    }
    if (peek(p)->kind != T_RP) {
      if (!p->error) p->error = "unbalanced parenthesis";
      node_free(n);
      return NULL;
    }
    next(p);
    *present = 1;
    return n;
  }
  tok copy = *t;
  next(p);
  *present = 1;
  if (copy.kind == T_WORD || copy.kind == T_PHRASE) return text_leaf(p, &copy, 0);
  if (copy.kind == T_FIELD) return field_leaf(p, &copy);
  *present = 0;
  if (!p->error)
    p->error = copy.kind == T_RP ? "unbalanced parenthesis"
                                 : "AND or OR without words on both sides";
  return NULL;
}

static ra_qnode *parse_or(parser *p, int depth, int *present) {
  ra_qnode *first = parse_unary(p, depth, present);
  if (p->error || p->st || peek(p)->kind != T_OR) return first;
  ra_qnode *n = node_new(RA_QN_OR);
  if (!n) {
    node_free(first);
    set_nomem(p);
    return NULL;
  }
  if (first && node_adopt(n, first)) set_nomem(p);
  while (!p->error && !p->st && peek(p)->kind == T_OR) {
    next(p);
    if (!starts_operand(peek(p)->kind)) {
      p->error = "AND or OR without words on both sides";
      break;
    }
    int pr = 0;
    ra_qnode *k = parse_unary(p, depth, &pr);
    if (k && node_adopt(n, k)) set_nomem(p);
  }
  for (size_t i = 0; i < n->n_kids && !p->error; i++)
    if (n->kids[i].kind == RA_QN_NOT) p->error = "NOT inside an OR";
  if (p->error || p->st || n->n_kids == 0) {
    node_free(n);
    return NULL;
  }
  *present = 1;
  return n;
}

static ra_qnode *parse_and(parser *p, int depth) {
  ra_qnode *n = node_new(RA_QN_AND);
  if (!n) {
    set_nomem(p);
    return NULL;
  }
  int need_operand = 0, any = 0;
  while (!p->error && !p->st) {
    tok *t = peek(p);
    if (t->kind == T_EOF || t->kind == T_RP) break;
    if (t->kind == T_AND) {
      if (!any || need_operand) {
        p->error = "AND or OR without words on both sides";
        break;
      }
      next(p);
      need_operand = 1;
      continue;
    }
    if (t->kind == T_OR) {
      p->error = "AND or OR without words on both sides";
      break;
    }
    int present = 0;
    ra_qnode *k = parse_or(p, depth, &present);
    if (k && node_adopt(n, k)) set_nomem(p);
    any = 1;
    need_operand = 0;
  }
  if (!p->error && need_operand) p->error = "AND or OR without words on both sides";
  if (p->error || p->st) {
    node_free(n);
    return NULL;
  }
  return n;
}

/* Flatten AND-in-AND and OR-in-OR, drop empty groups, unwrap groups of
 * one.  Returns 0 when the node became empty. */
static int normalise(ra_qnode *n) {
  if (n->kind == RA_QN_CLAUSE) return 1;
  size_t k = 0;
  for (size_t i = 0; i < n->n_kids; i++) {
    ra_qnode *c = &n->kids[i];
    if (!normalise(c)) {
      node_clear(c);
      continue;
    }
    n->kids[k++] = *c;
  }
  n->n_kids = k;
  if (k == 0) return 0;
  if (n->kind == RA_QN_NOT) return 1;
  /* Splice same-kind children. */
  size_t total = 0;
  for (size_t i = 0; i < n->n_kids; i++)
    total += n->kids[i].kind == n->kind ? n->kids[i].n_kids : 1;
  if (total != n->n_kids) {
    ra_qnode *nk = malloc(total * sizeof *nk);
    if (nk) {
      size_t j = 0;
      for (size_t i = 0; i < n->n_kids; i++) {
        if (n->kids[i].kind == n->kind) {
          memcpy(nk + j, n->kids[i].kids, n->kids[i].n_kids * sizeof *nk);
          j += n->kids[i].n_kids;
          free(n->kids[i].kids);
        } else {
          nk[j++] = n->kids[i];
        }
      }
      free(n->kids);
      n->kids = nk;
      n->n_kids = total;
    }
  }
  if (n->n_kids == 1 && n->kids[0].kind != RA_QN_NOT) {
    ra_qnode only = n->kids[0];
    free(n->kids);
    *n = only;
  }
  return 1;
}

/* Reset everything parsed so far (before the plain-words retry). */
static void reset_query(ra_query *q) {
  for (size_t i = 0; i < q->n_clauses; i++) clause_free(&q->clauses[i]);
  free(q->clauses);
  q->clauses = NULL;
  q->n_clauses = 0;
}

/* The query with its syntax blanked out (same length, so byte offsets
 * still point into the reader's text). */
static void blank_syntax(char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    while (i < len && is_space(s[i])) i++;
    size_t st = i;
    while (i < len && !is_space(s[i])) i++;
    size_t wl = i - st;
    if ((wl == 3 && memcmp(s + st, "AND", 3) == 0) ||
        (wl == 2 && memcmp(s + st, "OR", 2) == 0) ||
        (wl == 3 && memcmp(s + st, "NOT", 3) == 0)) {
      memset(s + st, ' ', wl);
      continue;
    }
    static const char *const names[] = {"tag:", "category:", "title:"};
    for (size_t f = 0; f < 3; f++) {
      size_t fl = strlen(names[f]);
      if (wl >= fl && strncasecmp(s + st, names[f], fl) == 0) {
        memset(s + st, ' ', fl);
        break;
      }
    }
    /* Leading '-' (exclusion) and quotes, parentheses, stars anywhere. */
    size_t j = st;
    while (j < i && (s[j] == '-' || s[j] == ' ')) s[j++] = ' ';
  }
  for (size_t k = 0; k < len; k++)
    if (s[k] == '"' || s[k] == '(' || s[k] == ')' || s[k] == '*') s[k] = ' ';
}

static ra_status run_parser(parser *p) {
  p->i = 0;
  p->have = 0;
  p->total = 0;
  ra_qnode *root = parse_and(p, 0);
  if (!p->error && !p->st && peek(p)->kind == T_RP)
    p->error = "unbalanced parenthesis";
  if (p->error || p->st) {
    node_free(root);
    return p->st;
  }
  if (root && !normalise(root)) {
    node_free(root);
    root = NULL;
  }
  if (root && root->kind == RA_QN_NOT) {
    ra_qnode *a = node_new(RA_QN_AND);
    if (!a || node_adopt(a, root)) {
      free(a);
      set_nomem(p);
      return p->st;
    }
    root = a;
  }
  /* Negation marks from the final tree (NOT NOT x is x again). */
  for (size_t i = 0; i < p->q->n_clauses; i++) p->q->clauses[i].negated = 0;
  if (root) mark_not(p->q, root, 0);
  p->q->root = root;
  return RA_OK;
}

ra_status ra_qparse(ra_analyzer *an, const char *s, size_t len,
                    ra_query **out, ra_error *err) {
  *out = NULL;
  if (len > RA_QUERY_MAX_BYTES)
    return ra_error_set(err, RA_ERR_TOOBIG,
                        "query is %zu bytes; the limit is %d bytes", len,
                        RA_QUERY_MAX_BYTES);
  ra_query_priv *qp = calloc(1, sizeof *qp);
  if (!qp) return ra_error_set(err, RA_ERR_NOMEM, "query");
  ra_query *q = &qp->pub;
  qp->text = utf8_clean(s ? s : "", s ? len : 0, &qp->text_len);
  if (!qp->text) {
    free(qp);
    return ra_error_set(err, RA_ERR_NOMEM, "query");
  }
  if (qp->text_len != len)
    ra_query_note(q, "invalid UTF-8 in the query was replaced");
  char *lexed = lex_copy(qp->text, qp->text_len);
  if (!lexed) {
    ra_query_free(q);
    return ra_error_set(err, RA_ERR_NOMEM, "query");
  }
  parser p = {.an = an, .s = lexed, .len = qp->text_len, .q = q, .err = err};
  ra_status st = run_parser(&p);
  if (!st && p.error) {
    /* Read the reader's words, without the syntax, as plain words. */
    char why[160];
    snprintf(why, sizeof why,
             "the query syntax was not understood (%s), so it was read as "
             "plain words", p.error);
    reset_query(q);
    char *plain = strdup(lexed);
    if (!plain) {
      st = ra_error_set(err, RA_ERR_NOMEM, "query");
    } else {
      blank_syntax(plain, qp->text_len);
      parser p2 = {.an = an, .s = plain, .len = qp->text_len, .q = q, .err = err};
      st = run_parser(&p2);
      if (!st && p2.error) { /* cannot happen: no syntax is left */
        reset_query(q);
        node_free(q->root);
        q->root = NULL;
      }
      p.overflow = p2.overflow;
      free(plain);
      /* Keep raw texts from the reader's own string. */
      for (size_t i = 0; !st && i < q->n_clauses; i++) {
        ra_qclause *c = &q->clauses[i];
        char *r = strndup(qp->text + c->raw_start, c->raw_end - c->raw_start);
        if (!r) {
          st = ra_error_set(err, RA_ERR_NOMEM, "query");
          break;
        }
        free(c->raw);
        c->raw = r;
      }
      q->fallback = 1;
      ra_query_note(q, why);
    }
  }
  free(lexed);
  if (!st && p.overflow) ra_query_note(q, "query truncated to its first 64 words");
  if (st) {
    ra_query_free(q);
    return st;
  }
  *out = q;
  return RA_OK;
}

const char *ra_query_text(const ra_query *q, size_t *len) {
  const ra_query_priv *qp = (const ra_query_priv *)q;
  if (len) *len = qp->text_len;
  return qp->text;
}
