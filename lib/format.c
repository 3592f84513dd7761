/* format.c - text and JSON renderings of ra_results. */
#include "format.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Write text[0..len) with highlight ranges wrapped in on/off markers.
 * Control characters are replaced so article bytes cannot drive the
 * terminal. */
static void put_marked(FILE *out, const char *text, size_t len,
                       const ra_hl *hls, size_t n_hls, const char *on,
                       const char *off) {
  size_t h = 0;
  for (size_t i = 0; i < len; i++) {
    if (h < n_hls && hls[h].start == i) fputs(on, out);
    unsigned char ch = (unsigned char)text[i];
    if (ch < 0x20 || ch == 0x7f)
      fputc(' ', out);
    else
      fputc(ch, out);
    if (h < n_hls && hls[h].end == i + 1) {
      fputs(off, out);
      h++;
    }
  }
}

static void format_text(FILE *out, int flags, const ra_results *r) {
  const char *on = (flags & RA_FMT_ANSI) ? "\033[1m" : "**";
  const char *off = (flags & RA_FMT_ANSI) ? "\033[0m" : "**";
  if (r->relaxed[0]) fprintf(out, "Note: %s.\n", r->relaxed);
  if (r->query->notes[0]) fprintf(out, "Note: %s.\n", r->query->notes);
  if (r->n_hits == 0) {
    if (r->estimate > 0)
      fprintf(out, "No more results: the query matched %u article%s.\n",
              r->estimate, r->estimate == 1 ? "" : "s");
    else
      fputs("No articles match this query. Try fewer or different words.\n",
            out);
    return;
  }
  fprintf(out, "About %u result%s.\n\n", r->estimate, r->estimate == 1 ? "" : "s");
  for (size_t i = 0; i < r->n_hits; i++) {
    const ra_hit *h = &r->hits[i];
    const ra_article *a = h->article;
    fprintf(out, "%zu. ", h->rank);
    put_marked(out, a->title, strlen(a->title), h->title_hls, h->n_title_hls, on, off);
    fprintf(out, "  (score %.2f)\n", h->score);
    fprintf(out, "   id: %s", a->id);
    if (a->category) fprintf(out, "   category: %s", a->category);
    fputc('\n', out);
    if (a->n_tags) {
      fputs("   tags: ", out);
      for (size_t t = 0; t < a->n_tags; t++)
        fprintf(out, "%s%s", t ? " | " : "", a->tags[t]);
      fputc('\n', out);
    }
    for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++) {
      const ra_fragment *fr = &h->snippet->frags[f];
      fputs("   ", out);
      if (fr->section) fprintf(out, "[%s] ", fr->section);
      if (fr->cut_before) fputs("\xE2\x80\xA6", out);
      put_marked(out, fr->text, fr->len, fr->hls, fr->n_hls, on, off);
      if (fr->cut_after) fputs("\xE2\x80\xA6", out);
      fputc('\n', out);
    }
    fputc('\n', out);
  }
}

static json_t *hls_json(const ra_hl *hls, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++)
    json_array_append_new(arr, json_pack("[I,I]", (json_int_t)hls[i].start,
                                         (json_int_t)hls[i].end));
  return arr;
}

static ra_status format_json(FILE *out, const ra_results *r, ra_error *err) {
  json_t *hits = json_array();
  for (size_t i = 0; hits && i < r->n_hits; i++) {
    const ra_hit *h = &r->hits[i];
    const ra_article *a = h->article;
    json_t *tags = json_array();
    for (size_t t = 0; t < a->n_tags; t++)
      json_array_append_new(tags, json_string(a->tags[t]));
    json_t *snips = json_array();
    for (size_t f = 0; h->snippet && f < h->snippet->n_frags; f++) {
      const ra_fragment *fr = &h->snippet->frags[f];
      json_array_append_new(
          snips, json_pack("{s:s%, s:o, s:o, s:b, s:b}", "text", fr->text, fr->len,
                           "section", fr->section ? json_string(fr->section) : json_null(),
                           "highlights", hls_json(fr->hls, fr->n_hls),
                           "cut_before", fr->cut_before, "cut_after", fr->cut_after));
    }
    json_array_append_new(
        hits, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:f, s:i, s:o}",
                        "rank", (json_int_t)h->rank, "id", a->id, "title", a->title,
                        "title_highlights", hls_json(h->title_hls, h->n_title_hls),
                        "category", a->category ? json_string(a->category) : json_null(),
                        "tags", tags, "score", h->score, "percent", h->percent,
                        "snippets", snips));
  }
  json_t *root = json_pack("{s:i, s:I, s:s, s:I, s:o, s:o, s:o}", "schema", 1,
                           "revision", (json_int_t)r->revision,
                           "generation", r->generation,
                           "total_estimate", (json_int_t)r->estimate,
                           "relaxed", r->relaxed[0] ? json_string(r->relaxed) : json_null(),
                           "notes", r->query->notes[0] ? json_string(r->query->notes) : json_null(),
                           "hits", hits);
  if (!root) return ra_error_set(err, RA_ERR_NOMEM, "json output");
  char *s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(root);
  if (!s) return ra_error_set(err, RA_ERR_NOMEM, "json output");
  fputs(s, out);
  fputc('\n', out);
  free(s);
  return RA_OK;
}

ra_status ra_format_results(FILE *out, ra_format fmt, int flags,
                            const ra_results *r, ra_error *err) {
  if (fmt == RA_FMT_JSON) return format_json(out, r, err);
  format_text(out, flags, r);
  return RA_OK;
}
