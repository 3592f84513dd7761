/* format.c - text and JSON renderings of ra_results, tag lists,
 * completions and article views. */
#include "format.h"

#include "artview.h"

#include "utf8.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---------------------------------------------------------------- */

/* Byte length of an invisible control character at s[0..n) that is not
 * ASCII: a C1 control (U+0080-U+009F; U+009B is CSI to some terminals)
 * or a bidirectional formatting character (U+061C, U+200E/F,
 * U+202A-U+202E, U+2066-U+2069), which reorders the text shown around it
 * - a note echoing a reader's query could be made to say something else.
 * 0 for anything else.  (lib/html.c has the same list.) */
static size_t invisible_control_len(const unsigned char *s, size_t n) {
  if (n >= 2 && s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F) return 2;
  if (n >= 2 && s[0] == 0xD8 && s[1] == 0x9C) return 2;
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
      (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE)))
    return 3;
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)
    return 3;
  return 0;
}

/* Write text[0..len) with highlight ranges wrapped in on/off markers.
 * Control characters (C0, DEL, C1 and bidirectional formatting ones) are
 * replaced by a space each, so article bytes and echoed queries can
 * neither drive the terminal nor reorder what it shows. */
static void put_marked(FILE *out, const char *text, size_t len,
                       const ra_hl *hls, size_t n_hls, const char *on,
                       const char *off) {
  size_t h = 0, skip = 0;
  for (size_t i = 0; i < len; i++) {
    while (h < n_hls && hls[h].end <= i) h++; /* skip empty/bad ranges */
    if (h < n_hls && hls[h].start == i) fputs(on, out);
    unsigned char ch = (unsigned char)text[i];
    size_t inv = skip ? 0 : invisible_control_len((const unsigned char *)text + i,
                                                  len - i);
    if (skip) /* the rest of a replaced character */
      skip--;
    else if (inv) {
      fputc(' ', out);
      skip = inv - 1;
    } else if (ch < 0x20 || ch == 0x7f)
      fputc(' ', out);
    else
      fputc(ch, out);
    if (h < n_hls && hls[h].end == i + 1 && hls[h].start <= i) {
      fputs(off, out);
      h++;
    }
  }
}

static void put_plain(FILE *out, const char *text) {
  put_marked(out, text, strlen(text), NULL, 0, "", "");
}

static const char *const field_names[] = {"title", "tags", "category",
                                          "headings", "body", "faq",
                                          "illustrations"};

static void format_explain_text(FILE *out, const ra_explain *ex) {
  fputs("   explain: fields:", out);
  int any = 0;
  for (unsigned i = 0; i < 7; i++)
    if (ex->fields & (1u << i)) {
      fprintf(out, " %s", field_names[i]);
      any = 1;
    }
  if (!any) fputs(" (none)", out);
  fprintf(out, "; length %u (average %.0f)\n", ex->doclen, ex->avlen);
  if (ex->tier_of)
    fprintf(out, "     tier: %u of %u words (ranked above fewer; %g each, not in the score)\n",
            ex->tier_words, ex->tier_of, ex->tier_weight);
  if (ex->proximity > 0)
    fprintf(out, "     proximity: +%.2f (query words close together or adjacent)\n",
            ex->proximity);
  for (size_t t = 0; t < ex->n_terms; t++) {
    const ra_explain_term *et = &ex->terms[t];
    fputs("     ", out);
    put_plain(out, et->term);
    fprintf(out, "  [%s] wdf %u, in %u articles, idf %.2f -> %.2f\n", et->role,
            et->wdf, et->termfreq, et->idf, et->score);
  }
}

static void format_text(FILE *out, int flags, const ra_results *r) {
  const char *on = (flags & RA_FMT_ANSI) ? "\033[1m" : "**";
  const char *off = (flags & RA_FMT_ANSI) ? "\033[0m" : "**";
  if (r->related_to) {
    fputs("Articles related to ", out);
    put_plain(out, r->related_to);
    fputs(":\n", out);
  }
  if (r->relaxed[0]) {
    fputs("Note: ", out);
    put_plain(out, r->relaxed);
    fputs(".\n", out);
  }
  char tiers[160];
  ra_results_tier_note(r, tiers, sizeof tiers);
  if (tiers[0]) fprintf(out, "%s.\n", tiers);
  if (r->query && r->query->notes[0]) {
    fputs("Note: ", out);
    put_plain(out, r->query->notes);
    fputs(".\n", out);
  }
  if (r->n_expansions) {
    fputs("Also searched for:", out);
    for (size_t i = 0; i < r->n_expansions; i++) {
      fputs(i ? ", " : " ", out);
      put_plain(out, r->expansions[i].to);
      fputs(" (for ", out);
      put_plain(out, r->expansions[i].from);
      fputc(')', out);
    }
    fputs(".\n", out);
  }
  if (r->cut_short)
    fprintf(out, "Note: cut short at %s (time limit or work cap reached); "
                 "the answer is what was found by then.\n", r->cut_short);
  if (r->n_missing) {
    fputs("Note: partial answer: no replica of shard", out);
    fputs(r->n_missing > 1 ? "s" : "", out);
    for (size_t i = 0; i < r->n_missing; i++) fprintf(out, "%s %u", i ? "," : "", r->missing_shards[i]);
    fputs(" answered; their articles are missing from these results.\n", out);
  }
  if (r->unknown_tag) {
    fputs("No article has ", out);
    put_plain(out, r->unknown_tag);
    fputs("; `ra-query --tags` lists the tags in use.\n", out);
  }
  if (r->suggestion) {
    fputs("Did you mean: ", out);
    put_plain(out, r->suggestion);
    fprintf(out, " (%u result%s)?\n", r->suggestion_hits,
            r->suggestion_hits == 1 ? "" : "s");
  }
  if (r->n_hits == 0) {
    if (r->past_end) {
      size_t per = r->per_page ? r->per_page : 10;
      size_t pages = (r->estimate + per - 1) / per;
      fprintf(out,
              "No more results: page %zu is past the last page (%u result%s, "
              "%zu page%s).\n",
              r->offset / per + 1, r->estimate, r->estimate == 1 ? "" : "s",
              pages, pages == 1 ? "" : "s");
    } else if (!r->unknown_tag) {
      fputs("No articles match this query. Try fewer or different words.\n",
            out);
    }
    return;
  }
  size_t per = r->per_page ? r->per_page : 10;
  size_t pages = (r->estimate + per - 1) / per;
  fprintf(out, "About %u result%s", r->estimate, r->estimate == 1 ? "" : "s");
  if (pages > 1) fprintf(out, " (page %zu of %zu)", r->offset / per + 1, pages);
  fputs(".\n\n", out);
  for (size_t i = 0; i < r->n_hits; i++) {
    const ra_hit *h = &r->hits[i];
    const ra_article *a = h->article;
    fprintf(out, "%zu. ", h->rank);
    if (ra_article_shown_title(a) != a->title) put_plain(out, a->id);
    else put_marked(out, a->title, strlen(a->title), h->title_hls, h->n_title_hls, on, off);
    fprintf(out, "  (score %.2f)", h->score);
    if (h->similar)
      fprintf(out, "  [+%u similar]", h->similar);
    fputc('\n', out);
    fputs("   id: ", out);
    put_plain(out, a->id);
    if (a->category) {
      fputs("   category: ", out);
      put_plain(out, a->category);
    }
    fputc('\n', out);
    if (a->url) {
      fputs("   url: ", out);
      put_plain(out, a->url);
      fputc('\n', out);
    }
    if (a->n_tags) {
      fputs("   tags: ", out);
      for (size_t t = 0; t < a->n_tags; t++) {
        if (t) fputs(" | ", out);
        const ra_tag_hls *th = h->tag_hls ? &h->tag_hls[t] : NULL;
        put_marked(out, a->tags[t], strlen(a->tags[t]), th ? th->hls : NULL,
                   th ? th->n : 0, on, off);
      }
      fputc('\n', out);
    }
    for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++) {
      const ra_fragment *fr = &h->snippet->frags[f];
      fputs("   ", out);
      if (fr->section) {
        fputs(fr->faq ? "[Q: " : "[", out);
        put_marked(out, fr->section, strlen(fr->section), fr->section_hls,
                   fr->n_section_hls, on, off);
        fputs("] ", out);
      } else if (fr->illustration) {
        fputs("[illustration] ", out);
      }
      if (fr->cut_before) fputs("\xE2\x80\xA6", out);
      put_marked(out, fr->text, fr->len, fr->hls, fr->n_hls, on, off);
      if (fr->cut_after) fputs("\xE2\x80\xA6", out);
      fputc('\n', out);
    }
    if ((flags & RA_FMT_EXPLAIN) && h->explain) format_explain_text(out, h->explain);
    fputc('\n', out);
  }
  if (r->n_facets) {
    fputs("Tags in these results:", out);
    for (size_t i = 0; i < r->n_facets; i++) {
      fputs(i ? ", " : " ", out);
      put_plain(out, r->facets[i].tag);
      fprintf(out, " (%u)", r->facets[i].count);
    }
    fputs(".\n", out);
  }
}

/* ---- JSON --------------------------------------------------------------- */

/* A JSON string from bytes that may hold invalid UTF-8 (replaced by
 * U+FFFD) or NULs; NULL text gives JSON null. */
static json_t *jstr(const char *s, size_t len) {
  if (!s) return json_null();
  json_t *j = json_stringn(s, len);
  if (j) return j;
  char *o = malloc(len * 3 + 1);
  if (!o) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < len;) {
    size_t l = ra_utf8_len((const unsigned char *)s + i, len - i);
    int valid = l > 0 && s[i] != 0;
    if (valid) {
      memcpy(o + k, s + i, l);
      k += l;
      i += l;
    } else {
      memcpy(o + k, "\xEF\xBF\xBD", 3);
      k += 3;
      i++;
    }
  }
  j = json_stringn(o, k);
  free(o);
  return j;
}

static json_t *js(const char *s) { return s ? jstr(s, strlen(s)) : json_null(); }

static json_t *hls_json(const ra_hl *hls, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++)
    json_array_append_new(arr, json_pack("[I,I]", (json_int_t)hls[i].start,
                                         (json_int_t)hls[i].end));
  return arr;
}

static json_t *explain_json(const ra_explain *ex) {
  json_t *fields = json_array(), *terms = json_array();
  for (unsigned i = 0; fields && i < 7; i++)
    if (ex->fields & (1u << i)) json_array_append_new(fields, json_string(field_names[i]));
  for (size_t t = 0; terms && t < ex->n_terms; t++) {
    const ra_explain_term *et = &ex->terms[t];
    json_array_append_new(
        terms, json_pack("{s:o, s:s, s:I, s:I, s:f, s:f}", "term", js(et->term),
                         "role", et->role, "wdf", (json_int_t)et->wdf, "termfreq",
                         (json_int_t)et->termfreq, "idf", et->idf, "score",
                         et->score));
  }
  json_t *tier = ex->tier_of ? json_pack("{s:I, s:I, s:f}", "words", (json_int_t)ex->tier_words,
                                         "of", (json_int_t)ex->tier_of, "weight",
                                         ex->tier_weight)
                             : json_null();
  return json_pack("{s:o, s:I, s:f, s:o, s:o, s:f}", "fields", fields, "doclen",
                   (json_int_t)ex->doclen, "avlen", ex->avlen, "terms", terms, "tier", tier,
                   "proximity", ex->proximity);
}

static json_t *hit_json(const ra_hit *h, int tiered) {
  const ra_article *a = h->article;
  json_t *tags = json_array(), *tag_hls = json_array();
  for (size_t t = 0; t < a->n_tags; t++) {
    json_array_append_new(tags, js(a->tags[t]));
    json_array_append_new(tag_hls, h->tag_hls ? hls_json(h->tag_hls[t].hls, h->tag_hls[t].n)
                                              : json_array());
  }
  json_t *snips = json_array();
  /* The fragments joined with " … " for a one-line display. */
  size_t jl = 0;
  for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++)
    jl += h->snippet->frags[f].len + 8;
  char *joined = malloc(jl + 1);
  size_t k = 0;
  for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++) {
    const ra_fragment *fr = &h->snippet->frags[f];
    json_array_append_new(
        snips,
        json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:b}", "text",
                  jstr(fr->text, fr->len), "section", js(fr->section),
                  "section_highlights", hls_json(fr->section_hls, fr->n_section_hls),
                  "highlights", hls_json(fr->hls, fr->n_hls), "cut_before",
                  fr->cut_before, "cut_after", fr->cut_after, "faq", fr->faq,
                  "illustration", fr->illustration));
    if (joined) {
      if (f) {
        memcpy(joined + k, " \xE2\x80\xA6 ", 5);
        k += 5;
      }
      memcpy(joined + k, fr->text, fr->len);
      k += fr->len;
    }
  }
  json_t *hit = json_pack(
      "{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:f, s:i, s:I, s:o, s:o}", "rank",
      (json_int_t)h->rank, "id", js(a->id), "title", js(a->title),
      "title_highlights", hls_json(h->title_hls, h->n_title_hls), "url", js(a->url),
      "category", js(a->category), "tags", tags, "tag_highlights", tag_hls,
      "score", h->score, "percent", h->percent, "similar", (json_int_t)h->similar,
      "snippets", snips, "snippet", joined ? jstr(joined, k) : json_null());
  free(joined);
  if (hit)
    json_object_set_new(hit, "words", tiered ? json_integer((json_int_t)h->words) : json_null());
  if (hit && h->explain) json_object_set_new(hit, "explain", explain_json(h->explain));
  return hit;
}

/* A tiered answer: how many words ranked, how many articles hold every
 * word and how many some, and where on this page each tier starts. */
static json_t *tiers_json(const ra_results *r) {
  if (!r->tiered) return json_null();
  json_t *starts = json_array();
  for (size_t i = 0; starts && i < r->n_hits; i++)
    if (i == 0 || r->hits[i].words != r->hits[i - 1].words)
      json_array_append_new(starts, json_pack("{s:I, s:I}", "words",
                                              (json_int_t)r->hits[i].words, "rank",
                                              (json_int_t)r->hits[i].rank));
  uint32_t some = r->estimate > r->every_word ? r->estimate - r->every_word : 0;
  char note[160];
  ra_results_tier_note(r, note, sizeof note);
  return json_pack("{s:I, s:I, s:I, s:o, s:o}", "words", (json_int_t)r->tiered, "every_word",
                   (json_int_t)r->every_word, "some_words", (json_int_t)some, "starts",
                   starts ? starts : json_array(), "note", note[0] ? json_string(note) : json_null());
}

static ra_status dump(FILE *out, json_t *root, ra_error *err) {
  if (!root) return ra_error_set(err, RA_ERR_NOMEM, "json output");
  char *s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(root);
  if (!s) return ra_error_set(err, RA_ERR_NOMEM, "json output");
  fputs(s, out);
  fputc('\n', out);
  free(s);
  return RA_OK;
}

static ra_status format_json(FILE *out, const ra_results *r, ra_error *err) {
  json_t *hits = json_array();
  for (size_t i = 0; hits && i < r->n_hits; i++)
    json_array_append_new(hits, hit_json(&r->hits[i], r->tiered != 0));
  json_t *dropped = json_array(), *exps = json_array(), *facets = json_array();
  for (size_t i = 0; dropped && i < r->n_dropped; i++)
    json_array_append_new(dropped, js(r->dropped[i]));
  for (size_t i = 0; exps && i < r->n_expansions; i++)
    json_array_append_new(exps, json_pack("{s:o, s:o}", "from", js(r->expansions[i].from),
                                          "to", js(r->expansions[i].to)));
  for (size_t i = 0; facets && i < r->n_facets; i++)
    json_array_append_new(facets, json_pack("{s:o, s:o, s:I}", "tag", js(r->facets[i].tag),
                                            "folded", js(r->facets[i].folded), "count",
                                            (json_int_t)r->facets[i].count));
  size_t qlen = 0;
  const char *qtext = r->query ? ra_query_text(r->query, &qlen) : NULL;
  size_t per = r->per_page ? r->per_page : (r->n_hits ? r->n_hits : 10);
  json_t *sugg = r->suggestion
                     ? json_pack("{s:o, s:I}", "query", js(r->suggestion), "hits",
                                 (json_int_t)r->suggestion_hits)
                     : json_null();
  json_t *root = json_pack(
      "{s:i, s:s, s:o, s:I, s:s, s:I, s:I, s:I, s:b, s:o, s:o, s:o, s:b, s:o, s:o, "
      "s:o, s:o, s:I, s:o}",
      "schema", RA_JSON_SCHEMA, "kind", r->related_to ? "related" : "search",
      "query", r->related_to ? js(r->related_to) : jstr(qtext, qtext ? qlen : 0),
      "revision", (json_int_t)r->revision, "generation", r->generation,
      "total_estimate", (json_int_t)r->estimate, "page", (json_int_t)(r->offset / per + 1),
      "per_page", (json_int_t)per, "past_end", r->past_end,
      "relaxed", r->relaxed[0] ? js(r->relaxed) : json_null(), "dropped", dropped,
      "notes", r->query && r->query->notes[0] ? js(r->query->notes) : json_null(),
      "fallback", r->query ? r->query->fallback : 0, "expansions", exps,
      "suggestion", sugg, "unknown_tag", js(r->unknown_tag), "facets", facets,
      "facet_docs", (json_int_t)r->facet_docs, "hits", hits);
  if (root)
    json_object_set_new(root, "cut_short",
                        r->cut_short ? json_string(r->cut_short) : json_null());
  json_t *missing = json_array();
  for (size_t i = 0; missing && i < r->n_missing; i++)
    json_array_append_new(missing, json_integer((json_int_t)r->missing_shards[i]));
  if (root) {
    json_object_set_new(root, "partial", json_boolean(r->n_missing > 0));
    json_object_set_new(root, "tiers", tiers_json(r));
    json_object_set_new(root, "missing_shards", missing ? missing : json_array());
  } else {
    json_decref(missing);
  }
  return dump(out, root, err);
}

ra_status ra_format_results(FILE *out, ra_format fmt, int flags,
                            const ra_results *r, ra_error *err) {
  if (fmt == RA_FMT_JSON) return format_json(out, r, err);
  format_text(out, flags, r);
  return RA_OK;
}

ra_status ra_format_tags(FILE *out, ra_format fmt, const ra_tag_count *tags,
                         size_t n, uint32_t revision, const char *generation,
                         ra_error *err) {
  if (fmt == RA_FMT_JSON) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
      json_array_append_new(arr, json_pack("{s:o, s:o, s:I}", "tag", js(tags[i].tag),
                                           "folded", js(tags[i].folded), "count",
                                           (json_int_t)tags[i].count));
    return dump(out,
                json_pack("{s:i, s:s, s:I, s:o, s:o}", "schema", RA_JSON_SCHEMA,
                          "kind", "tags", "revision", (json_int_t)revision,
                          "generation", js(generation), "tags", arr),
                err);
  }
  if (n == 0) fputs("The index has no tags.\n", out);
  for (size_t i = 0; i < n; i++) {
    fprintf(out, "%6u  ", tags[i].count);
    put_plain(out, tags[i].tag);
    fputc('\n', out);
  }
  return RA_OK;
}

ra_status ra_format_completions(FILE *out, ra_format fmt, const char *prefix,
                                size_t prefix_len, const ra_completion *c,
                                size_t n, uint32_t revision, ra_error *err) {
  if (fmt == RA_FMT_JSON) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
      json_array_append_new(arr, json_pack("{s:o, s:o, s:I}", "query", js(c[i].query),
                                           "word", js(c[i].word), "docs",
                                           (json_int_t)c[i].docs));
    return dump(out,
                json_pack("{s:i, s:s, s:I, s:o, s:o}", "schema", RA_JSON_SCHEMA,
                          "kind", "complete", "revision", (json_int_t)revision,
                          "prefix", jstr(prefix, prefix_len), "completions", arr),
                err);
  }
  for (size_t i = 0; i < n; i++) {
    put_plain(out, c[i].query);
    fprintf(out, "\t%u\n", c[i].docs);
  }
  return RA_OK;
}

/* ---- an article view ------------------------------------------------------ */

static void text_marked(FILE *out, const ra_artview_text *t, const char *on,
                        const char *off) {
  if (t) put_marked(out, t->text, t->len, t->hls, t->n_hls, on, off);
}

static void text_blocks(FILE *out, const ra_artview *v, size_t *i,
                        const ra_block *b, size_t n, const char *indent,
                        const char *on, const char *off) {
  for (size_t k = 0; k < n; k++) {
    fputs(indent, out);
    if (b[k].kind == RA_BLOCK_ITEM) {
      for (int l = 1; l < b[k].level && l < 8; l++) fputs("  ", out);
      fputs("- ", out);
    }
    text_marked(out, ra_artview_next(v, i), on, off);
    fputs("\n", out);
    if (b[k].kind == RA_BLOCK_PARA) fputc('\n', out);
  }
}

static void format_article_text(FILE *out, int flags, const ra_artview *v) {
  const char *on = (flags & RA_FMT_ANSI) ? "\033[1m" : "**";
  const char *off = (flags & RA_FMT_ANSI) ? "\033[0m" : "**";
  const ra_article *a = v->article;
  size_t i = 0;
  text_marked(out, ra_artview_next(v, &i), on, off);
  fputs("\nid: ", out);
  put_plain(out, a->id);
  if (a->category) {
    fputs("   category: ", out);
    text_marked(out, ra_artview_next(v, &i), on, off);
  }
  fputc('\n', out);
  if (a->url) {
    fputs("url: ", out);
    put_plain(out, a->url);
    fputc('\n', out);
  }
  if (a->n_tags) {
    fputs("tags: ", out);
    for (size_t t = 0; t < a->n_tags; t++) {
      if (t) fputs(" | ", out);
      text_marked(out, ra_artview_next(v, &i), on, off);
    }
    fputc('\n', out);
  }
  if (v->query) {
    fputs("query: ", out);
    put_plain(out, v->query);
    if (!v->n_marks && v->n_tag_marks)
      fputs(" (in its tags only)\n", out);
    else
      fprintf(out, " (%zu match%s)\n", v->n_marks, v->n_marks == 1 ? "" : "es");
  }
  fputc('\n', out);
  for (size_t k = 0; k < a->n_sections; k++) {
    const ra_section *sec = &a->sections[k];
    if (sec->heading) {
      fputs("## ", out);
      text_marked(out, ra_artview_next(v, &i), on, off);
      fputs("\n\n", out);
    }
    text_blocks(out, v, &i, sec->blocks, sec->n_blocks, "", on, off);
  }
  if (a->n_faqs) fputs("## Frequently asked questions\n\n", out);
  for (size_t k = 0; k < a->n_faqs; k++) {
    fputs("Q: ", out);
    text_marked(out, ra_artview_next(v, &i), on, off);
    fputc('\n', out);
    text_blocks(out, v, &i, a->faqs[k].answer, a->faqs[k].n_answer, "A: ", on, off);
  }
  if (a->n_illustrations) fputs("## Illustrations\n\n", out);
  for (size_t k = 0; k < a->n_illustrations; k++) {
    fputs("[illustration] ", out);
    text_marked(out, ra_artview_next(v, &i), on, off);
    fputs("\n\n", out);
  }
  const ra_results *r = v->related;
  if (r && r->n_hits) {
    fputs("Related articles:\n", out);
    for (size_t k = 0; k < r->n_hits; k++) {
      const ra_article *ra = r->hits[k].article;
      fprintf(out, "%zu. ", k + 1);
      put_plain(out, ra_article_shown_title(ra));
      fputs("  (", out);
      put_plain(out, ra->id);
      fputs(")\n", out);
      if (ra->url) {
        fputs("   ", out);
        put_plain(out, ra->url);
        fputc('\n', out);
      }
    }
  }
}

static json_t *text_json(const ra_artview_text *t) {
  return t ? jstr(t->text, t->len) : json_null();
}

static json_t *text_hls_json(const ra_artview_text *t) {
  return t ? hls_json(t->hls, t->n_hls) : json_array();
}

static json_t *blocks_json(const ra_artview *v, size_t *i, const ra_block *b,
                           size_t n) {
  json_t *arr = json_array();
  for (size_t k = 0; arr && k < n; k++) {
    const ra_artview_text *t = ra_artview_next(v, i);
    json_array_append_new(
        arr, json_pack("{s:s, s:i, s:o, s:o, s:I}", "kind",
                       b[k].kind == RA_BLOCK_ITEM ? "item" : "para", "level",
                       b[k].level, "text", text_json(t), "highlights",
                       text_hls_json(t), "first_mark",
                       (json_int_t)(t ? t->first_mark : 0)));
  }
  return arr;
}

static ra_status format_article_json(FILE *out, const ra_artview *v,
                                     ra_error *err) {
  const ra_article *a = v->article;
  size_t i = 0;
  const ra_artview_text *title = ra_artview_next(v, &i);
  const ra_artview_text *cat = a->category ? ra_artview_next(v, &i) : NULL;
  json_t *tags = json_array(), *tag_hls = json_array();
  for (size_t t = 0; t < a->n_tags; t++) {
    const ra_artview_text *tt = ra_artview_next(v, &i);
    json_array_append_new(tags, text_json(tt));
    json_array_append_new(tag_hls, text_hls_json(tt));
  }
  json_t *secs = json_array();
  for (size_t k = 0; secs && k < a->n_sections; k++) {
    const ra_section *sec = &a->sections[k];
    const ra_artview_text *h = sec->heading ? ra_artview_next(v, &i) : NULL;
    json_t *heading = text_json(h), *hh = text_hls_json(h);
    json_array_append_new(
        secs, json_pack("{s:o, s:o, s:I, s:o}", "heading", heading,
                        "heading_highlights", hh, "first_mark",
                        (json_int_t)(h ? h->first_mark : 0), "blocks",
                        blocks_json(v, &i, sec->blocks, sec->n_blocks)));
  }
  json_t *faqs = json_array();
  for (size_t k = 0; faqs && k < a->n_faqs; k++) {
    const ra_artview_text *q = ra_artview_next(v, &i);
    json_t *question = text_json(q), *qh = text_hls_json(q);
    json_array_append_new(
        faqs, json_pack("{s:o, s:o, s:I, s:o}", "question", question,
                        "question_highlights", qh, "first_mark",
                        (json_int_t)(q ? q->first_mark : 0), "answer",
                        blocks_json(v, &i, a->faqs[k].answer, a->faqs[k].n_answer)));
  }
  json_t *ills = json_array();
  for (size_t k = 0; ills && k < a->n_illustrations; k++) {
    const ra_artview_text *t = ra_artview_next(v, &i);
    json_array_append_new(ills, json_pack("{s:o, s:o, s:I}", "text", text_json(t),
                                          "highlights", text_hls_json(t), "first_mark",
                                          (json_int_t)(t ? t->first_mark : 0)));
  }
  json_t *exps = json_array();
  const ra_results *m = v->matched;
  for (size_t k = 0; exps && m && k < m->n_expansions; k++)
    json_array_append_new(exps, json_pack("{s:o, s:o}", "from", js(m->expansions[k].from),
                                          "to", js(m->expansions[k].to)));
  json_t *rel = json_array();
  for (size_t k = 0; rel && v->related && k < v->related->n_hits; k++) {
    const ra_article *ra = v->related->hits[k].article;
    json_array_append_new(rel, json_pack("{s:o, s:o, s:o, s:o}", "id", js(ra->id),
                                         "title", js(ra->title), "url", js(ra->url),
                                         "category", js(ra->category)));
  }
  json_t *root = json_pack(
      "{s:i, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
      "s:o, s:o, s:I, s:o, s:o}",
      "schema", RA_JSON_SCHEMA, "kind", "article", "revision",
      (json_int_t)v->revision, "generation", v->generation, "id", js(a->id),
      "url", js(a->url), "title", text_json(title), "title_highlights",
      text_hls_json(title), "category", text_json(cat), "category_highlights",
      text_hls_json(cat), "tags", tags, "tag_highlights", tag_hls, "sections",
      secs, "faqs", faqs, "illustrations", ills, "query", js(v->query),
      "matches", (json_int_t)v->n_marks, "expansions", exps, "related", rel);
  return dump(out, root, err);
}

ra_status ra_format_article(FILE *out, ra_format fmt, int flags,
                            const ra_artview *v, ra_error *err) {
  if (fmt == RA_FMT_JSON) return format_article_json(out, v, err);
  format_article_text(out, flags, v);
  return RA_OK;
}
