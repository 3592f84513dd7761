/* format.h - rendering search results for people and programs.
 *
 * text: ranked list with highlighted snippets (ANSI bold on a terminal,
 *       **markers** otherwise); control characters are replaced so article
 *       bytes cannot drive the terminal;
 * json: one object per answer (schema in docs/json-schema.md), with byte
 *       offsets of every highlight; escaping is by construction (jansson),
 *       and invalid UTF-8 is replaced by U+FFFD before it reaches jansson. */
#ifndef RA_FORMAT_H
#define RA_FORMAT_H

#include <stdio.h>

#include "search.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { RA_FMT_TEXT, RA_FMT_JSON } ra_format;

enum {
  RA_FMT_ANSI = 1,   /* text: bold highlights */
  RA_FMT_EXPLAIN = 2 /* text: print each hit's explain block (if filled) */
};

/* The JSON schema version written in every object ("schema"). */
#define RA_JSON_SCHEMA 2

ra_status ra_format_results(FILE *out, ra_format fmt, int flags,
                            const ra_results *r, ra_error *err);

/* `ra-query --tags`: every tag with its article count. */
ra_status ra_format_tags(FILE *out, ra_format fmt, const ra_tag_count *tags,
                         size_t n, uint32_t revision, const char *generation,
                         ra_error *err);

/* `ra-query --complete`: completions of the last word of prefix. */
ra_status ra_format_completions(FILE *out, ra_format fmt, const char *prefix,
                                size_t prefix_len, const ra_completion *c,
                                size_t n, uint32_t revision, ra_error *err);

/* An article view (artview.h), `ra-query --article`: text (the article
 * with its sections, FAQ and illustrations, matches marked as in results,
 * the related articles last) or JSON (kind "article", docs/json-schema.md). */
struct ra_artview;
ra_status ra_format_article(FILE *out, ra_format fmt, int flags,
                            const struct ra_artview *v, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
