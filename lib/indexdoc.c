/* indexdoc.c - building an article's Xapian document (see indexdoc.h): the
 * per-token callback adds postings, stems, title terms, spelling words and
 * the SimHash of stem shingles in one pass over the analysed text.  The
 * same walk, without a document, counts what a stored version gave the
 * shared tables (spelling words, acronyms), for an update to take back. */
#define _GNU_SOURCE
#include "indexdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "ident.h"
#include "index.h"
#include "record.h"
#include "schema.h"
#include "store.h"
#include "synonyms.h"
#include "xap.h"

/* add_token writes these prefixes as one byte before the word. */
_Static_assert(sizeof RA_PREFIX_STEM == 2, "one-byte stem prefix");
_Static_assert(sizeof RA_PREFIX_TITLE == 2, "one-byte title prefix");

/* Per-document analysis state: Xapian terms, spelling words, and the
 * SimHash accumulator used to find near-duplicates. */
typedef struct doc_ctx {
  ra_xdoc *doc; /* NULL: count spelling words only */
  ra_termcount stems; /* "Z"+stem -> summed wdf */
  ra_termcount *spell_words;
  unsigned wdf;
  int title; /* also add S-prefixed title terms */
  int spell;
  ra_status st;
  ra_error *err;
  uint64_t shingle[3]; /* hashes of the last three stems */
  int n_shingle;
  int32_t sim[64];
  char buf[RA_IDENT_TERM_MAX + 1];
} doc_ctx;

/* Hand an article's stems to Xapian, once each, with their summed wdf. */
static ra_status stems_flush(const ra_termcount *m, ra_xdoc *doc, ra_error *err) {
  if (m->nomem) return ra_error_set(err, RA_ERR_NOMEM, "stem terms");
  ra_status st = RA_OK;
  for (size_t i = 0; !st && i < m->n; i++)
    st = ra_xdoc_add_term(doc, m->arena + m->ent[i].off, m->ent[i].len, m->ent[i].count, err);
  return st;
}

/* "Did you mean" learns only real words: no numbers, URLs, e-mail
 * addresses or joined forms of hyphenated words.  The one rule for adding
 * an article's words and for taking them back. */
static inline void count_spelling(doc_ctx *c, const ra_token *t) {
  if (c->spell && t->word_len >= 3 && t->word_len < 40 &&
      !(t->flags & (RA_TOK_NUMERIC | RA_TOK_URL | RA_TOK_EMAIL |
                    RA_TOK_COLOCATED | RA_TOK_JOINED))) {
    (void)ra_termcount_add(c->spell_words, t->word, t->word_len, 1); /* nomem is sticky */
  }
}

static int add_token(void *vctx, const ra_token *t) {
  doc_ctx *c = vctx;
  if (!c->doc) {
    count_spelling(c, t);
    return 0;
  }
  uint32_t pos = t->pos + 1; /* Xapian positions start at 1 */
  /* Every term within Xapian's limit (ident.h): the analyser caps words
   * at that limit, so only a prefixed word can pass it. */
  size_t tl = t->word_len;
  const char *term = t->word;
  if (tl > RA_IDENT_TERM_MAX) {
    tl = ra_ident_term("", t->word, t->word_len, c->buf);
    term = c->buf;
  }
  c->st = ra_xdoc_add_posting(c->doc, term, tl, pos, c->wdf, c->err);
  if (c->st) return 1;
  tl = ra_ident_term(RA_PREFIX_STEM, t->stem, t->stem_len, c->buf);
  if (ra_termcount_add(&c->stems, c->buf, tl, c->wdf)) {
    c->st = ra_error_set(c->err, RA_ERR_NOMEM, "stem terms");
    return 1;
  }
  if (c->title) {
    tl = ra_ident_term(RA_PREFIX_TITLE, t->word, t->word_len, c->buf);
    c->st = ra_xdoc_add_posting(c->doc, c->buf, tl, pos, 1, c->err);
    if (c->st) return 1;
  }
  count_spelling(c, t);
  /* SimHash over stem 3-shingles of the whole text. */
  if (!(t->flags & RA_TOK_COLOCATED)) {
    c->shingle[0] = c->shingle[1];
    c->shingle[1] = c->shingle[2];
    c->shingle[2] = ra_fnv1a(t->stem, t->stem_len);
    if (++c->n_shingle >= 3) {
      uint64_t h = ra_mix64_murmur(c->shingle[0] * 31u + c->shingle[1] * 17u + c->shingle[2]);
      for (int b = 0; b < 64; b++) c->sim[b] += (h >> b & 1) ? 1 : -1;
    }
  }
  return 0;
}

/* Positions jump between blocks so a phrase never spans two paragraphs. */
#define RA_POS_GAP 10

static ra_status add_field(ra_analyzer *an, doc_ctx *c, const char *text,
                           unsigned wdf, uint32_t *pos) {
  if (!text || !*text) return RA_OK;
  c->wdf = wdf;
  c->st = RA_OK;
  uint32_t next = *pos;
  ra_status st = ra_analyze(an, text, strlen(text), *pos, add_token, c, &next,
                            c->err);
  if (st) return st;
  if (c->st) return c->st;
  *pos = next + RA_POS_GAP;
  return RA_OK;
}

static ra_status add_boolean_folded(ra_analyzer *an, ra_xdoc *doc,
                                    const char *prefix, const char *value,
                                    ra_error *err) {
  char folded[256], term[RA_IDENT_TERM_MAX + 1];
  size_t fl = 0;
  if (ra_analyze_fold(an, value, strlen(value), folded, sizeof folded, &fl,
                      NULL) != RA_OK)
    return RA_OK; /* cannot be folded: searchable by its words only */
  /* a long value is cut and hashed (ident.h), as tag: and category:
   * filters form it (qbuild.c) */
  size_t tl = ra_ident_term(prefix, folded, fl, term);
  return ra_xdoc_add_boolean_term(doc, term, tl, err);
}

static void tagset_hash(ra_analyzer *an, const ra_article *a, char *hex) {
  /* Order-insensitive: sum of per-tag hashes of the folded tags. */
  uint64_t h = 0;
  size_t n = 0;
  for (size_t i = 0; i < a->n_tags; i++) {
    char buf[256];
    size_t fl = 0;
    if (ra_analyze_fold(an, a->tags[i], strlen(a->tags[i]), buf, sizeof buf,
                        &fl, NULL) != RA_OK)
      continue;
    h += ra_mix64_murmur(ra_fnv1a(buf, fl));
    n++;
  }
  /* Fewer than three tags says too little to call two articles versions. */
  if (n < 3)
    snprintf(hex, 17, "%s", "-");
  else
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

/* RA_SLOT_TAGS: tag counts for a result set then read one value per
 * article instead of decompressing its term list. */
static ra_status set_tags_value(ra_analyzer *an, ra_xdoc *doc,
                                const ra_article *a, ra_error *err) {
  size_t cap = 64, n = 0;
  for (size_t i = 0; i < a->n_tags; i++) cap += 2 * strlen(a->tags[i]) + 8;
  char *v = malloc(cap);
  if (!v) return ra_error_set(err, RA_ERR_NOMEM, "%s: tags", a->id);
  for (size_t i = 0; i < a->n_tags; i++) {
    size_t tl = strlen(a->tags[i]), fl = 0;
    char folded[256];
    if (ra_analyze_fold(an, a->tags[i], tl, folded, sizeof folded, &fl, NULL) !=
            RA_OK ||
        n + fl + tl + 3 > cap)
      continue;
    if (n) v[n++] = '\x1e';
    memcpy(v + n, folded, fl);
    n += fl;
    v[n++] = '\x1f';
    memcpy(v + n, a->tags[i], tl);
    n += tl;
  }
  ra_status st = n ? ra_xdoc_set_value(doc, RA_SLOT_TAGS, v, n, err) : RA_OK;
  free(v);
  return st;
}

/* Each of the article's pairs once into acr: it counts articles. */
static void count_pairs(ra_termcount *acr, const ra_termcount *mine) {
  if (mine->nomem) acr->nomem = 1;
  for (size_t i = 0; i < mine->n; i++)
    (void)ra_termcount_add(acr, mine->arena + mine->ent[i].off, mine->ent[i].len, 1);
}

/* The article's fields in index order, each analysed into c (spelling
 * words into c->spell_words; with c->doc, its terms too), acronyms learned
 * from section text through ws.  Writing a document and counting a stored
 * one both walk here, so the two cannot drift apart. */
static ra_status walk_fields(ra_analyzer *an, doc_ctx *c, const ra_article *a,
                             ra_writeq_sink *ws, size_t *acronyms,
                             ra_termcount *acr) {
  ra_xdoc *doc = c->doc;
  ra_error *err = c->err;
  ra_termcount mine = {0}; /* this article's pairs */
  c->spell = 1;
  uint32_t pos = 0;
  c->title = 1;
  ra_status st = add_field(an, c, a->title, RA_WDF_TITLE, &pos);
  c->title = 0;
  for (size_t i = 0; !st && i < a->n_tags; i++) {
    st = add_field(an, c, a->tags[i], RA_WDF_TAG, &pos);
    if (!st && doc) st = add_boolean_folded(an, doc, RA_PREFIX_TAG, a->tags[i], err);
  }
  if (!st && a->category) {
    st = add_field(an, c, a->category, RA_WDF_HEADING, &pos);
    if (!st && doc)
      st = add_boolean_folded(an, doc, RA_PREFIX_CATEGORY, a->category, err);
  }
  for (size_t i = 0; !st && i < a->n_sections; i++) {
    const ra_section *s = &a->sections[i];
    st = add_field(an, c, s->heading, RA_WDF_HEADING, &pos);
    for (size_t b = 0; !st && b < s->n_blocks; b++) {
      st = add_field(an, c, s->blocks[b].text, RA_WDF_BODY, &pos);
      if (!st)
        st = ra_synonyms_learn_acronyms(an, ws, s->blocks[b].text, acronyms,
                                        &mine, err);
    }
  }
  for (size_t i = 0; !st && i < a->n_faqs; i++) {
    st = add_field(an, c, a->faqs[i].question, RA_WDF_HEADING, &pos);
    for (size_t b = 0; !st && b < a->faqs[i].n_answer; b++)
      st = add_field(an, c, a->faqs[i].answer[b].text, RA_WDF_BODY, &pos);
  }
  /* Illustration descriptions are not the article's words: searchable, but
   * they teach neither spelling nor duplicate detection. */
  c->spell = 0;
  c->n_shingle = -1000000;
  for (size_t i = 0; !st && i < a->n_illustrations; i++)
    st = add_field(an, c, a->illustrations[i], RA_WDF_ILLUSTRATION, &pos);
  if (!st && acr) count_pairs(acr, &mine);
  ra_termcount_free(&mine);
  return st;
}

ra_status ra_indexdoc_write(ra_analyzer *an, ra_writeq_sink *ws,
                            ra_termcount *spell, ra_termcount *acr,
                            const ra_article *a, const ra_indexdoc_meta *m,
                            const ra_dedup_carry *carry, size_t *acronyms,
                            int fresh, ra_error *err) {
  ra_xdoc *doc = NULL;
  char *json = NULL, *blob = NULL;
  size_t blob_len = 0;
  ra_status st = ra_xdoc_new(&doc, err);
  if (st) return st;
  doc_ctx *c = calloc(1, sizeof *c);
  if (!c) {
    ra_xdoc_free(doc);
    return ra_error_set(err, RA_ERR_NOMEM, "%s", a->id);
  }
  c->doc = doc;
  c->err = err;
  c->spell_words = spell;
  st = walk_fields(an, c, a, ws, acronyms, acr);
  if (!st) st = stems_flush(&c->stems, doc, err);
  size_t rec_len = 0;
  if (!st) st = ra_record_encode(a, &json, &rec_len, err);
  if (!st) st = ra_store_pack(json, rec_len, &blob, &blob_len, err);
  if (!st) st = ra_xdoc_set_data(doc, blob, blob_len, err);
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)m->hash);
  if (!st) st = ra_xdoc_set_value(doc, RA_SLOT_HASH, hex, 16, err);
  char *val = NULL;
  if (!st) {
    int n = asprintf(&val, "%016llx %lld %llu %s", (unsigned long long)m->hash,
                     m->mtime_ns, m->size, a->id);
    if (n < 0) {
      val = NULL;
      st = ra_error_set(err, RA_ERR_NOMEM, "%s", a->id);
    } else {
      st = ra_xdoc_set_value(doc, RA_SLOT_STATE, val, (size_t)n, err);
    }
  }
  if (!st && m->url_key) {
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)m->url_key);
    st = ra_xdoc_set_value(doc, RA_SLOT_URLKEY, hex, 16, err);
  }
  const char *group = a->id;
  if (!st) {
    uint64_t sim = 0;
    for (int b = 0; b < 64; b++)
      if (c->sim[b] > 0) sim |= 1ull << b;
    char th[17], sv[40];
    tagset_hash(an, a, th);
    int n = snprintf(sv, sizeof sv, "%016llx %s", (unsigned long long)sim, th);
    st = ra_xdoc_set_value(doc, RA_SLOT_SIMHASH, sv, (size_t)n, err);
    const char *kept = ra_dedup_carry_key(carry, a->id, sv, (size_t)n);
    if (kept) group = kept;
  }
  if (!st && a->n_tags) st = set_tags_value(an, doc, a, err);
  char idterm[RA_IDENT_TERM_MAX + 1];
  size_t idl = strlen(a->id);
  size_t il = ra_ident_term(RA_PREFIX_ID, a->id, idl, idterm);
  if (!st) st = ra_xdoc_add_boolean_term(doc, idterm, il, err);
  /* Ties in ranking go by id.  An article whose SimHash is unchanged keeps
   * its group (key and term) from the live index, so that a shard is
   * published with the groups it shares with the others; any other starts
   * as its own group.  Grouping (dedup.h) then changes only the articles
   * whose group it finds different. */
  if (!st) st = ra_xdoc_set_value(doc, RA_SLOT_ID, a->id, idl, err);
  size_t grl = strlen(group);
  if (!st) st = ra_xdoc_set_value(doc, RA_SLOT_COLLAPSE, group, grl, err);
  if (!st) {
    char gterm[RA_IDENT_TERM_MAX + 1];
    size_t gl = ra_ident_term(RA_PREFIX_GROUP, group, grl, gterm);
    st = ra_xdoc_add_boolean_term(doc, gterm, gl, err);
  }
  if (!st) st = ra_writeq_put_doc(ws, &doc, fresh ? NULL : idterm, err);
  free(val);
  free(json);
  free(blob);
  ra_termcount_free(&c->stems);
  free(c);
  ra_xdoc_free(doc);
  return st;
}

ra_status ra_indexdoc_count(ra_analyzer *an, const ra_article *a,
                            ra_termcount *spell, ra_termcount *acr,
                            ra_error *err) {
  doc_ctx *c = calloc(1, sizeof *c);
  if (!c) return ra_error_set(err, RA_ERR_NOMEM, "%s", a->id);
  c->err = err;
  c->spell_words = spell;
  ra_writeq_sink none = {NULL, NULL};
  ra_status st = walk_fields(an, c, a, &none, NULL, acr);
  ra_termcount_free(&c->stems);
  free(c);
  return st;
}

ra_status ra_indexdoc_load(ra_xdb *db, uint32_t docid, ra_article **out,
                           ra_error *err) {
  char *blob = NULL, *rec = NULL;
  size_t blob_len = 0, rec_len = 0;
  *out = NULL;
  ra_status st = ra_xdb_get_data(db, docid, &blob, &blob_len, err);
  if (!st) st = ra_store_unpack(blob, blob_len, &rec, &rec_len, err);
  if (!st && !ra_record_is(rec, rec_len))
    st = ra_error_set(err, RA_ERR_INVALID, "document %u: not a record", (unsigned)docid);
  if (!st) st = ra_record_decode(rec, rec_len, out, err);
  free(rec);
  free(blob);
  return st;
}
