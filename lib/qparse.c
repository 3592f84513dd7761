/* qparse.c - query string -> clauses, analysed like indexed text. */
#define _GNU_SOURCE
#include "qparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct collect {
  ra_qclause *c;
  size_t total; /* words across the query, to enforce the term limit */
  int overflow;
  int nomem;
} collect;

static int collect_cb(void *vctx, const ra_token *t) {
  collect *k = vctx;
  if (t->flags & RA_TOK_COLOCATED) return 0; /* URL parts: whole URL kept */
  if (k->total >= RA_QUERY_MAX_TERMS) {
    k->overflow = 1;
    return 1;
  }
  ra_qclause *c = k->c;
  ra_qword *nw = realloc(c->words, (c->n_words + 1) * sizeof *nw);
  if (!nw) {
    k->nomem = 1;
    return 1;
  }
  c->words = nw;
  nw[c->n_words].word = strndup(t->word, t->word_len);
  nw[c->n_words].stem = strndup(t->stem, t->stem_len);
  if (!nw[c->n_words].word || !nw[c->n_words].stem) {
    free(nw[c->n_words].word);
    free(nw[c->n_words].stem);
    k->nomem = 1;
    return 1;
  }
  c->n_words++;
  k->total++;
  return 0;
}

static void note(ra_query *q, const char *msg) {
  size_t n = strlen(q->notes);
  if (strstr(q->notes, msg)) return;
  snprintf(q->notes + n, sizeof q->notes - n, "%s%s", n ? "; " : "", msg);
}

static ra_qclause *new_clause(ra_query *q) {
  ra_qclause *nc = realloc(q->clauses, (q->n_clauses + 1) * sizeof *nc);
  if (!nc) return NULL;
  q->clauses = nc;
  memset(&nc[q->n_clauses], 0, sizeof *nc);
  return &nc[q->n_clauses++];
}

static void clause_free(ra_qclause *c) {
  for (size_t i = 0; i < c->n_words; i++) {
    free(c->words[i].word);
    free(c->words[i].stem);
  }
  free(c->words);
  free(c->value);
}

void ra_query_free(ra_query *q) {
  if (!q) return;
  for (size_t i = 0; i < q->n_clauses; i++) clause_free(&q->clauses[i]);
  free(q->clauses);
  free(q);
}

static int is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
         ch == '\v';
}

ra_status ra_qparse(ra_analyzer *an, const char *s, size_t len,
                    ra_query **out, ra_error *err) {
  *out = NULL;
  if (len > RA_QUERY_MAX_BYTES)
    return ra_error_set(err, RA_ERR_TOOBIG,
                        "query is %zu bytes; the limit is %d bytes", len,
                        RA_QUERY_MAX_BYTES);
  ra_query *q = calloc(1, sizeof *q);
  if (!q) return ra_error_set(err, RA_ERR_NOMEM, "query");
  collect k = {0};
  size_t i = 0;
  ra_status st = RA_OK;
  while (i < len && !st) {
    while (i < len && is_space(s[i])) i++;
    if (i >= len) break;
    int negated = 0;
    if (s[i] == '-' && i + 1 < len && !is_space(s[i + 1])) {
      negated = 1;
      i++;
    }
    /* Optional field scope: name ':' */
    ra_qclause_kind kind = RA_QC_TEXT;
    int title_only = 0;
    static const struct { const char *name; int kind; int title; } fields[] = {
        {"tag:", RA_QC_TAG, 0}, {"category:", RA_QC_CATEGORY, 0},
        {"title:", RA_QC_TEXT, 1}};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
      size_t fl = strlen(fields[f].name);
      if (len - i >= fl && strncasecmp(s + i, fields[f].name, fl) == 0) {
        kind = (ra_qclause_kind)fields[f].kind;
        title_only = fields[f].title;
        i += fl;
        break;
      }
    }
    size_t start, end;
    int quoted = 0;
    if (i < len && s[i] == '"') {
      quoted = 1;
      start = ++i;
      while (i < len && s[i] != '"') i++;
      end = i;
      if (i < len)
        i++;
      else
        note(q, "unbalanced quote: phrase runs to the end of the query");
    } else {
      start = i;
      while (i < len && !is_space(s[i])) i++;
      end = i;
    }
    if (end == start) {
      if (kind != RA_QC_TEXT || title_only) note(q, "empty field scope ignored");
      continue;
    }
    ra_qclause *c = new_clause(q);
    if (!c) {
      st = ra_error_set(err, RA_ERR_NOMEM, "query");
      break;
    }
    c->kind = kind;
    c->negated = negated;
    c->title_only = title_only;
    if (kind == RA_QC_TAG || kind == RA_QC_CATEGORY) {
      char buf[256];
      size_t fl = 0;
      if (ra_analyze_fold(an, s + start, end - start, buf, sizeof buf, &fl,
                          NULL) != RA_OK) {
        q->n_clauses--;
        note(q, "over-long field value ignored");
        continue;
      }
      /* Tags are stored folded with single spaces between words. */
      c->value = strndup(buf, fl);
      if (!c->value) st = ra_error_set(err, RA_ERR_NOMEM, "query");
      continue;
    }
    k.c = c;
    st = ra_analyze(an, s + start, end - start, 0, collect_cb, &k, NULL, err);
    if (k.nomem) st = ra_error_set(err, RA_ERR_NOMEM, "query");
    c->phrase = quoted && c->n_words > 1;
    /* An unquoted token that analyses into several words (peer-support,
     * e-mail) is matched as a phrase too, as the reader wrote it. */
    if (!quoted && c->n_words > 1) c->phrase = 1;
    if (c->n_words == 0) {
      clause_free(c);
      q->n_clauses--;
    }
    if (k.overflow) {
      note(q, "query truncated to its first 64 words");
      break;
    }
  }
  if (st) {
    ra_query_free(q);
    return st;
  }
  *out = q;
  return RA_OK;
}
